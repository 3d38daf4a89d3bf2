/**
 * Gathered cards (issue 11 item 2): when a user's chat is at Teams' limits, a card waits for
 * its slot; when the slot comes, the messages of the same conversation waiting for that user
 * go into that one card instead of one card each.
 *
 * Each message keeps its own part of the card: its author, its time, what it says, and its
 * own buttons (Reply, Info, and whatever its own card offers); one reply box serves the
 * conversation, and its group actions (add, remove, transfer, leave) are the card's. The store
 * keeps message → activity for every message a card carries (several messages, one activity),
 * so a receipt for any of them, or a button on the card, re-renders the whole card with each
 * message's current status.
 *
 * Exactly once, in order: the thread's Teams lane hands out its effects one at a time, in
 * order, so while one waits for its slot the later ones wait behind it. Gathering takes, from
 * right behind it, the run of messages for the same user not yet carried by a card, and stops
 * at the first notice for that user (which must come after them). Each message gathered is
 * recorded as carried with the card, and its own effect then finds it shown and posts nothing.
 */
import type { SystemRecords } from '../app/system-records.js';
import type { Message, Notice, Thread, UserId } from '../core/types.js';
import { strings } from './cards/format.js';
import type { AdaptiveCard } from './cards/index.js';
import { messageCard } from './card-views.js';
import type { MediaUrls } from './media-route.js';

type Element = Readonly<Record<string, unknown>>;

/** Teams refuses cards over about 28 KB: a gathered card stops growing well before. */
export const GATHERED_CARD_MAX_BYTES = 22_000;
/** At most this many effects behind the current one are looked at. */
const LOOK_AHEAD = 100;

/**
 * One card for several messages of one conversation, oldest first; one message gets its own
 * card as before.
 */
export function gatheredCard(
  messages: readonly Message[],
  thread: Thread,
  viewerId: UserId,
  locale: string,
  media: MediaUrls,
  /** Notices a message's card says above it (the contact opened the conversation with it). */
  notices?: Readonly<Record<string, Notice>>,
): AdaptiveCard {
  const cards = messages.map((m) =>
    messageCard(m, thread, viewerId, locale, media, notices?.[m.id]),
  );
  if (cards.length === 1) return cards[0] as AdaptiveCard;
  const tr = strings(locale);
  const header = tr('gather.card.header', {
    count: messages.length,
    contact: thread.contact.name,
  });
  const body: unknown[] = [
    { type: 'TextBlock', text: header, weight: 'bolder', size: 'medium', wrap: true },
    {
      type: 'TextBlock',
      text: tr('gather.card.note'),
      isSubtle: true,
      size: 'small',
      spacing: 'none',
      wrap: true,
    },
  ];
  let replyBox: Element | undefined;
  let groupActions: readonly unknown[] = [];
  for (const card of cards) {
    const items = (card.body ?? []).filter((e) => {
      if (isInput(e)) {
        // One reply box for the conversation: every message's Reply sends what it holds.
        if ((e as Element).id === 'replyText') replyBox = e as Element;
        return false;
      }
      return true;
    });
    const own = (card.actions ?? []).filter((a) => (a as Element).mode !== 'secondary');
    const secondary = (card.actions ?? []).filter((a) => (a as Element).mode === 'secondary');
    if (secondary.length > 0) groupActions = secondary;
    body.push({
      type: 'Container',
      separator: true,
      spacing: 'medium',
      items: [...items, ...(own.length > 0 ? [{ type: 'ActionSet', actions: own }] : [])],
    });
  }
  if (replyBox) body.push(replyBox);
  const first = cards[0] as AdaptiveCard;
  return {
    ...first,
    fallbackText: header,
    body,
    actions: groupActions,
  };
}

function isInput(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as Element).type === 'string' &&
    ((e as Element).type as string).startsWith('Input.')
  );
}

export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card));
}

/**
 * The card a button on a message's card comes back as (card-actions.ts): the whole gathered
 * card when the clicked card carries several messages of this thread, else the message's own.
 */
export async function clickedCard(
  carried: readonly Message[],
  message: Message,
  thread: Thread,
  viewerId: UserId,
  locale: string,
  media: MediaUrls,
): Promise<AdaptiveCard> {
  const same = carried.filter((m) => m.threadId === thread.id);
  const messages = same.some((m) => m.id === message.id) ? same : [message];
  return gatheredCard(messages, thread, viewerId, locale, media);
}

export interface CardGatheringOptions {
  readonly records: SystemRecords;
  readonly media: MediaUrls;
}

export class CardGathering {
  constructor(private readonly options: CardGatheringOptions) {}

  /**
   * The messages one card for `message` carries when its slot comes: it, then the messages of
   * the same conversation waiting right behind it for this user (not yet on any card of
   * theirs), up to the first notice for them, while the card stays under Teams' size limit.
   */
  async gather(
    message: Message,
    thread: Thread,
    user: { readonly id: UserId; readonly locale: string },
    afterSeq: number,
  ): Promise<Message[]> {
    const carried = [message];
    const waiting = await this.options.records.waitingTeamsEffects(thread.id, afterSeq, LOOK_AHEAD);
    for (const item of waiting) {
      const effect = item.effect;
      if (effect.type === 'status_changed') continue;
      if (!('to' in effect) || !effect.to.includes(user.id)) continue;
      if (effect.type !== 'deliver_inbound' && effect.type !== 'share_outbound') break;
      const next = await this.options.records.message(effect.messageId);
      if (!next || carried.some((m) => m.id === next.id)) continue;
      if (await this.options.records.messageCard(next.id, user.id)) continue;
      const bigger = gatheredCard(
        [...carried, next],
        thread,
        user.id,
        user.locale,
        this.options.media,
      );
      if (cardBytes(bigger) > GATHERED_CARD_MAX_BYTES) break;
      carried.push(next);
    }
    return carried;
  }

  /**
   * The card to show, as it is now, for the activity that carries `message` in a user's chat:
   * the whole gathered card when it carries several, each with its current status.
   */
  async cardCarrying(
    message: Message,
    activityId: string,
    thread: Thread,
    user: { readonly id: UserId; readonly locale: string },
  ): Promise<AdaptiveCard> {
    const carried = await this.options.records.messagesOfCard(user.id, activityId);
    const messages = carried.some((m) => m.id === message.id) ? carried : [message];
    return gatheredCard(messages, thread, user.id, user.locale, this.options.media);
  }
}
