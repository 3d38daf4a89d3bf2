/**
 * Tells business users in Teams what the engine decided, each in their own language and in
 * their own personal chat with the bot:
 * - notify: a notice card;
 * - deliver_inbound: the contact's message, naming the contact and the thread, with Reply,
 *   Info and the group actions;
 * - share_outbound: a colleague's message, with its author's name;
 * - status_changed: the message's card, UPDATED IN PLACE (the card first posted for that
 *   message and user, kept in the store); never a new card per status. A message the app
 *   sent for the users (the opt-in, a participant notice) gets its card with its first
 *   receipt; a user's own words get theirs from the turn that wrote them.
 *
 * Rate limits are taken for every send of an effect at once, before any is sent, so a retry
 * does not repeat what went out. A user who cannot be reached (never opened the bot) is
 * skipped and logged; the notice stays in the thread's history.
 */
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import {
  WaitForSlot,
  type DeliveryContext,
  type TeamsEffect,
  type UserChannel,
} from '../app/ports.js';
import { deferFor, type SendBudgets, type Slot } from '../app/send-budgets.js';
import type { Message, Notice, Thread, UserId } from '../core/types.js';
import type { SystemRecords } from '../app/system-records.js';
import type { ChatAttention } from '../app/chat-attention.js';
import type { UserRecord } from '../core/records.js';
import { noticeCard } from './cards/index.js';
import { cardActivity, messageCard } from './card-views.js';
import { conversationCardFor } from './conversation-cards.js';
import { UserUnreachableError } from './connector-errors.js';
import type { MediaUrls } from './media-route.js';
import type { Gate, TeamsMessenger } from './messenger.js';
import type { SendTarget } from './rate-limits.js';
import { CardGathering, gatheredCard } from './gathered-cards.js';
import { hourlySummaryCard } from './hourly-summary.js';
import { KeyedLock } from '../app/keyed-lock.js';

export interface TeamsUserChannelOptions {
  readonly records: SystemRecords;
  readonly messenger: TeamsMessenger;
  readonly media: MediaUrls;
  readonly logger: Logger;
  /** chat (issue 10): told of each card about a conversation posted in a user's chat. */
  readonly attention?: Pick<ChatAttention, 'arrived'>;
  /** release (issue 10): the time the conversation card shows (the window's time left). */
  readonly clock?: { now(): number };
}

/** One thing to do for one user. */
type Step =
  | {
      readonly kind: 'post';
      readonly user: UserRecord;
      readonly target: SendTarget;
      readonly activity: Partial<Activity>;
      readonly messageId?: string;
      /** The conversation a new card is about (a message or notice), for ChatAttention. */
      readonly threadId?: string;
      /** gather: the messages the card carries, when it gathered several. */
      readonly carries?: readonly string[];
      /** The notice the message's card says above it (the contact opened the conversation). */
      readonly lead?: Notice;
      /** gather: the hourly summary, which takes the hour's last call. */
      readonly summary?: boolean;
    }
  | {
      readonly kind: 'update';
      readonly user: UserRecord;
      readonly target: SendTarget;
      readonly activity: Partial<Activity>;
      readonly conversationId: string;
      readonly activityId: string;
      /** release (issue 10): a conversation card brought up to date; a failure loses nothing. */
      readonly optional?: boolean;
    };

export class TeamsUserChannel implements UserChannel {
  /** gather (issue 11 item 2): several messages of a conversation in one card when waiting. */
  private readonly gathering: CardGathering;
  /** gather: effects (by key) sent back to the outbox to wait for their slot. */
  private readonly waited = new Set<string>();
  /** gather: at the limits, one decision and call at a time per chat. */
  private readonly chats = new KeyedLock();
  /** gather: when the admins last heard that a user cannot be reached. */
  private readonly toldUnreachable = new Map<string, number>();
  /** gather: when each chat last got the hourly summary. */
  private readonly summarised = new Map<string, number>();

  constructor(private readonly options: TeamsUserChannelOptions) {
    this.gathering = new CardGathering({ records: options.records, media: options.media });
  }

  /** Users an effect already reached, while the rest of it waits (Teams 429): not twice. */
  private readonly reached = new Map<string, Set<UserId>>();

  async deliver(effect: TeamsEffect, thread: Thread, context: DeliveryContext = {}): Promise<void> {
    const log = this.options.logger.child({ threadId: thread.id, effect: effect.type });
    const message =
      'messageId' in effect ? await this.options.records.message(effect.messageId) : undefined;
    if ('messageId' in effect && !message) {
      log.warn(
        { messageId: effect.messageId },
        'effect names a message that does not exist; nothing to show',
      );
      return;
    }
    const steps: Step[] = [];
    for (const userId of new Set(effect.to)) {
      const user = await this.options.records.user(userId);
      const target = user && this.options.messenger.targetOf(user);
      if (!user || !target) {
        log.warn(
          { userId },
          'user has no chat with the bot yet; the notice stays in the thread history',
        );
        continue;
      }
      // reply (issue 10): each user's cards carry their own name for the contact.
      const named = await this.options.records.namedFor(user.id, thread);
      const step = await this.plan(effect, named, message, user, target);
      if (step) steps.push(step);
      // release (issue 10): a notice means the state changed: the conversation card follows.
      if (effect.type === 'notify') {
        for (const card of await this.options.records.threadCards(thread.id, user.id))
          steps.push({
            kind: 'update',
            user,
            target,
            activity: cardActivity(conversationCardFor(thread, user, this.now())),
            conversationId: card.conversationId,
            activityId: card.activityId,
            optional: true,
          });
      }
    }

    const budgets = this.options.messenger.budgets;
    if (!budgets) {
      this.options.messenger.reserve(steps.map((s) => s.target));
      for (const step of steps) await this.run(step, log);
      return;
    }
    await this.deliverInSlots(steps, budgets, context, thread, log);
  }

  /**
   * Throttling is waiting (Delivery under load): each send gets the next free slot of its
   * chat and tenant, reserved for it. Slots close enough are waited for here, in slot order;
   * if one is further away, the effect goes back to the outbox (WaitForSlot, not an attempt)
   * with every slot kept for it, and users already reached are not sent to again.
   */
  private async deliverInSlots(
    steps: readonly Step[],
    budgets: SendBudgets,
    context: DeliveryContext,
    thread: Thread,
    log: Logger,
  ): Promise<void> {
    const key = context.key;
    const reached = key !== undefined ? (this.reached.get(key) ?? new Set<UserId>()) : undefined;
    const todo = steps.filter((s) => !reached?.has(s.user.id));
    const slots = await Promise.all(
      todo.map((step) =>
        budgets.reserve(
          this.options.messenger.budgetsOf(step.target),
          key !== undefined ? `${key}:${step.user.id}` : undefined,
        ),
      ),
    );
    const wait = Math.max(0, ...slots.map((slot) => slot.at)) - budgets.now();
    if (wait > budgets.holdMs) {
      if (key !== undefined) this.waited.add(key);
      throw new WaitForSlot(deferFor(wait, budgets.holdMs));
    }
    // gather: the chat is at its limits when this effect waits for its slot.
    const atLimits = (key !== undefined && this.waited.has(key)) || wait > GATHER_AFTER_MS;
    const order = todo.map((step, i) => ({ step, slot: slots[i] as Slot }));
    order.sort((a, b) => a.slot.at - b.slot.at);
    if (key !== undefined && reached) {
      if (this.reached.size > 10_000) this.reached.clear();
      this.reached.set(key, reached);
    }
    for (const { step } of order) {
      // The slot is waited for right before the request leaves, inside the connector call.
      const gate = async () => {
        const deferMs = await budgets.acquire(
          this.options.messenger.budgetsOf(step.target),
          key !== undefined ? `${key}:${step.user.id}` : undefined,
        );
        if (deferMs > 0) {
          if (key !== undefined) this.waited.add(key);
          throw new WaitForSlot(deferMs);
        }
      };
      if (step.kind === 'post' && step.messageId && (atLimits || this.nearHourly(step.target))) {
        // gather: at the limits the card is made once its slot has come, with what waits then.
        await gate();
        // Shown meanwhile (Open on the hourly summary carries it): not twice.
        if (await this.options.records.messageCard(step.messageId, step.user.id)) {
          reached?.add(step.user.id);
          continue;
        }
        // One chat at a time from here: whether this call is the hour's last, and the call.
        const summarised = await this.chats.run(step.target.conversationId, async () => {
          if (this.summaryDue(step.target)) {
            await this.postHourlySummary(step, log);
            return true;
          }
          const gathered = await this.gathered(step, thread, context);
          await this.run(gathered ?? step, log);
          return false;
        });
        if (summarised) {
          if (key !== undefined) this.waited.add(key);
          const pace = this.options.messenger.pace;
          throw new WaitForSlot(Math.max(1_000, pace.waitMs(step.target)));
        }
      } else await this.run(step, log, gate);
      reached?.add(step.user.id);
    }
    if (key !== undefined) {
      this.reached.delete(key);
      this.waited.delete(key);
      if (this.waited.size > 10_000) this.waited.clear();
    }
  }

  /**
   * gather: once the slot has come, the card for a message also carries the messages of the
   * same conversation waiting behind it for this user (gathered-cards.ts).
   */
  private async gathered(
    step: Step,
    thread: Thread,
    context: DeliveryContext,
  ): Promise<Step | undefined> {
    if (step.kind !== 'post' || !step.messageId || context.seq === undefined) return undefined;
    const message = await this.options.records.message(step.messageId);
    if (!message) return undefined;
    // reply (issue 10): with the user's own name for the contact.
    const fresh = await this.options.records.namedFor(
      step.user.id,
      (await this.options.records.thread(thread.id)) ?? thread,
    );
    const messages = await this.gathering.gather(message, fresh, step.user, context.seq);
    if (messages.length < 2) return { ...step };
    const card = gatheredCard(
      messages,
      fresh,
      step.user.id,
      step.user.locale,
      this.options.media,
      step.lead ? { [step.messageId]: step.lead } : undefined,
    );
    return { ...step, activity: cardActivity(card), carries: messages.map((m) => m.id) };
  }

  /**
   * gather: within `room` calls of the chat's hourly limit (the longest of its windows), as
   * the connector pace counts them.
   */
  private nearHourly(target: SendTarget, room = HOURLY_NEAR): boolean {
    const hour = this.options.messenger.hourlyWindow;
    if (!hour) return false;
    return this.options.messenger.pace.recentCalls(target, hour.perMs) >= hour.max - room;
  }

  /**
   * gather: Teams refused a user for good while a contact's message was on its way. The
   * message stays in the store and the conversation's history (the tab); the admins of the
   * organisation that owns the number are told who and from whom, never what it says, at most
   * once an hour per user.
   */
  private async tellAdminsUnreachable(step: Step, log: Logger): Promise<void> {
    if (step.kind !== 'post' || !step.threadId) return;
    const now = Date.now();
    const last = this.toldUnreachable.get(step.user.id);
    if (last !== undefined && last > now - 3_600_000) return;
    if (this.toldUnreachable.size > 10_000) this.toldUnreachable.clear();
    this.toldUnreachable.set(step.user.id, now);
    try {
      const thread = await this.options.records.thread(step.threadId);
      if (!thread) return;
      const admins = (await this.options.records.organisationAdmins(thread.businessNumberId))
        .map((a) => a.id)
        .filter((id) => id !== step.user.id);
      if (admins.length === 0) return;
      const notice = {
        key: 'gather.unreachable.admin' as const,
        params: { user: step.user.name, contact: thread.contact.name },
      };
      // Not about the conversation (the admins may not take part in it): no thread on the card.
      await this.deliver({ type: 'notify', threadId: '', to: admins, notice }, {
        id: '',
      } as Thread);
      log.info({ userId: step.user.id, admins: admins.length }, 'admins told: user unreachable');
    } catch (error) {
      log.warn({ err: error, userId: step.user.id }, 'could not tell admins a user is unreachable');
    }
  }

  /**
   * gather: the summary stands in when this call is the last the hour allows, at most once per
   * hourly window per chat (in a chat kept full, every slot is some window's last one).
   */
  private summaryDue(target: SendTarget): boolean {
    const hour = this.options.messenger.hourlyWindow;
    if (!hour || !this.options.messenger.hourlyFull(target)) return false;
    const now = Date.now();
    const last = this.summarised.get(target.conversationId);
    if (last !== undefined && last > now - hour.perMs) return false;
    if (this.summarised.size > 10_000) this.summarised.clear();
    this.summarised.set(target.conversationId, now);
    return true;
  }

  /**
   * gather: the chat's last call of the hour: one summary across conversations stands in
   * (hourly-summary.ts), "12 new messages from 5 contacts" with Open on each; the cards
   * themselves wait for the hour to allow them.
   */
  private async postHourlySummary(step: Step, log: Logger): Promise<void> {
    const waiting = await this.options.records.waitingFor(step.user.id);
    const card = hourlySummaryCard(
      waiting.map((w) => ({ thread: w.thread, count: w.messageIds.length })),
      [],
      step.user.id,
      step.user.locale,
      this.options.media,
    );
    await this.run(
      {
        kind: 'post',
        user: step.user,
        target: step.target,
        activity: cardActivity(card),
        summary: true,
      },
      log,
    );
    log.info(
      { userId: step.user.id, conversations: waiting.length },
      'chat at the hourly limit: summary posted',
    );
  }

  private async plan(
    effect: TeamsEffect,
    thread: Thread,
    message: Message | undefined,
    user: UserRecord,
    target: SendTarget,
  ): Promise<Step | undefined> {
    if (effect.type === 'notify') {
      return {
        kind: 'post',
        user,
        target,
        activity: cardActivity(noticeCard(effect.notice, user.locale, { threadId: thread.id })),
        threadId: thread.id,
      };
    }
    const m = message as Message;
    // One card when the contact opened the conversation with this message: it says so.
    const lead = effect.type === 'deliver_inbound' ? effect.notice : undefined;
    const card = cardActivity(
      messageCard(m, thread, user.id, user.locale, this.options.media, lead),
    );
    const existing = await this.options.records.messageCard(m.id, user.id);
    if (effect.type === 'deliver_inbound' || effect.type === 'share_outbound') {
      // Already shown (a retry after a later recipient failed): not twice.
      return existing
        ? undefined
        : {
            kind: 'post',
            user,
            target,
            activity: card,
            messageId: m.id,
            threadId: thread.id,
            ...(lead ? { lead } : {}),
          };
    }
    if (existing) {
      return {
        kind: 'update',
        user,
        target,
        // gather: the whole card carrying the message, each message with its current status.
        activity: cardActivity(
          await this.gathering.cardCarrying(m, existing.activityId, thread, user),
        ),
        conversationId: existing.conversationId,
        activityId: existing.activityId,
      };
    }
    // The author's own words get their card from the turn that wrote them, which brings it
    // up to date itself once recorded (UserActions.postStatusCard): nothing to post here.
    if (isOwnWords(m, user.id)) return undefined;
    // A message nobody has a card for yet (the opt-in the app sent, a participant notice):
    // its first receipt posts the card, and the next ones update it.
    return { kind: 'post', user, target, activity: card, messageId: m.id };
  }

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }

  private async run(step: Step, log: Logger, gate?: Gate): Promise<void> {
    try {
      if (step.kind === 'update') {
        await this.options.messenger.update(
          step.user,
          step.conversationId,
          step.activityId,
          step.activity,
          gate,
        );
        log.debug({ userId: step.user.id, activityId: step.activityId }, 'card updated in place');
        return;
      }
      // reply (issue 10 item 1): noted before the card goes, so a card never arrives unnoted.
      // A card about the user's current conversation needs no note (nothing to ask about it,
      // and making another one current forgets the notes anyway): the usual case costs nothing.
      if (step.threadId && step.threadId !== step.user.currentThreadId)
        await this.options.attention?.arrived(step.user.id, step.threadId);
      const posted = await this.options.messenger.send(
        step.user,
        step.activity,
        gate,
        step.summary ?? false,
      );
      for (const messageId of step.carries ?? (step.messageId ? [step.messageId] : []))
        await this.options.records.keepMessageCard({ messageId, userId: step.user.id, ...posted });
      log.info(
        { userId: step.user.id, activityId: posted.activityId, messageId: step.messageId },
        'card posted',
      );
    } catch (error) {
      if (error instanceof UserUnreachableError) {
        log.warn(
          { userId: step.user.id, reason: error.message },
          'user cannot be reached in Teams; skipped',
        );
        // gather: refused for good (the app removed or blocked): the organisation's admins hear.
        if (
          (error.status === 403 || error.status === 404) &&
          step.kind === 'post' &&
          step.messageId
        )
          await this.tellAdminsUnreachable(step, log);
        return;
      }
      if (step.kind === 'update' && step.optional) {
        // release (issue 10): the card still refreshes itself when viewed.
        log.warn({ userId: step.user.id, err: error }, 'conversation card not updated; skipped');
        return;
      }
      throw error;
    }
  }
}

/** gather: a slot further away than this means the chat is at its limits: gather. */
const GATHER_AFTER_MS = 250;
/** gather: this close to the hourly limit, each card is made only once its slot has come. */
const HOURLY_NEAR = 10;

/** A user's own text or picture (not what the app sent on their behalf, like the opt-in). */
export function isOwnWords(message: Message, userId: UserId): boolean {
  return (
    message.author?.id === userId &&
    (message.kind === 'text' || message.kind === 'image' || message.kind === 'document')
  );
}
