/**
 * The queries every surface (the bot, the compose extension, the tab's API) asks, each for
 * an acting user and checked by `Access`: what is not theirs is "not found".
 */
import { remind as remindDecision } from '../core/opt-in.js';
import type { Participation, UserRecord } from '../core/records.js';
import {
  isRejection,
  WINDOW,
  type ClosedReason,
  type Message,
  type Millis,
  type Thread,
  type ThreadState,
  type UserRef,
} from '../core/types.js';
import { stateAt } from '../core/window.js';
import type { Store } from '../store/port.js';
import { Access, type Actor, type ContactView } from './access.js';
import type { Clock } from './clock.js';

/**
 * One conversation in a user's list, in the shape the tab's API answers (TAB_API.md
 * `ThreadSummary`), with the thread itself for the bot's cards.
 */
export interface ConversationSummary {
  readonly thread: Thread;
  readonly id: string;
  /** `phone` in E.164 with its '+'. */
  readonly contact: { readonly id: string; readonly name: string; readonly phone: string };
  readonly businessNumber: { readonly id: string; readonly display: string };
  /** 'paused' as soon as the window has run out (by the server's clock). */
  readonly state: ThreadState;
  /** When the customer-service window closes while the thread is open; null with no window. */
  readonly windowExpiresAt: Millis | null;
  readonly closedReason?: ClosedReason | undefined;
  /** False: the user took part earlier and left (they may read, not write). */
  readonly participating: boolean;
  readonly participants: readonly UserRef[];
  /** The newest message of any kind. */
  readonly lastMessage: Message | null;
  /** The newest message with words or a picture (what the bot's list shows). */
  readonly lastWords: Message | null;
  readonly lastActivityAt: Millis;
  /** Messages for this user since they last read the thread (the same number everywhere). */
  readonly unread: number;
  readonly canRestart: boolean;
  readonly canRemind: boolean;
}

/** Room for the tab's paging, search and filters; the bot passes a limit. */
export interface ConversationListOptions {
  readonly state?: ThreadState | undefined;
  /** Only those the user takes part in now. */
  readonly participatingOnly?: boolean | undefined;
  readonly limit?: number | undefined;
}

/**
 * A message counts as unread for a user when it came from someone else (the contact, or a
 * colleague's words) and is past their read position. Notices and templates do not count.
 */
export function isUnreadFor(message: Message, userId: string, lastReadSeq: number): boolean {
  if (message.seq <= lastReadSeq) return false;
  if (message.direction === 'inbound') return true;
  return (
    (message.kind === 'text' || message.kind === 'image') &&
    message.author !== undefined &&
    message.author.id !== userId
  );
}

/** The one rule for who is an admin of an organisation: enabled, of that tenant, made admin. */
export function isOrganisationAdmin(user: UserRecord | undefined, tenantId: string): boolean {
  return user?.enabled === true && user.admin === true && user.tenantId === tenantId;
}

export class UserQueries {
  readonly access: Access;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: { readonly maxParticipants: number },
  ) {
    this.access = new Access(store);
  }

  /** Whether the user is an admin of their organisation (read fresh from the store). */
  async isAdmin(actor: Actor): Promise<boolean> {
    return isOrganisationAdmin(
      await this.store.getUser(actor.user.id),
      actor.organisation.tenantId,
    );
  }

  /** A thread the user takes or took part in. */
  async thread(actor: Actor, threadId: string): Promise<Thread> {
    return (await this.access.thread(actor, threadId)).thread;
  }

  /** The user's conversations (taking part now, or earlier), most recent activity first. */
  async myConversations(
    actor: Actor,
    options: ConversationListOptions = {},
  ): Promise<ConversationSummary[]> {
    const owned = new Map<string, boolean>();
    const summaries: ConversationSummary[] = [];
    // reply (issue 10): the user's own names for their contacts.
    const names = await this.access.contactNames(actor);
    for (const { thread: stored, participation } of await this.store.listParticipations(
      actor.user.id,
    )) {
      const thread = await this.access.named(actor, stored, names);
      let ours = owned.get(thread.businessNumberId);
      if (ours === undefined) {
        ours = await this.access.ownsNumber(actor, thread.businessNumberId);
        owned.set(thread.businessNumberId, ours);
      }
      if (!ours) continue;
      if (options.participatingOnly && participation.leftAt !== undefined) continue;
      const summary = await this.summarise(actor, thread, participation);
      if (options.state && summary.state !== options.state) continue;
      summaries.push(summary);
    }
    summaries.sort((a, b) => b.lastActivityAt - a.lastActivityAt || a.id.localeCompare(b.id));
    return options.limit !== undefined ? summaries.slice(0, options.limit) : summaries;
  }

  /** One conversation with its messages, oldest first. */
  async conversation(
    actor: Actor,
    threadId: string,
  ): Promise<{ summary: ConversationSummary; messages: Message[] }> {
    const { thread, participation } = await this.access.thread(actor, threadId);
    const messages = await this.store.listMessages(thread.id);
    return { summary: await this.summarise(actor, thread, participation, messages), messages };
  }

  async summary(actor: Actor, threadId: string): Promise<ConversationSummary> {
    const { thread, participation } = await this.access.thread(actor, threadId);
    return this.summarise(actor, thread, participation);
  }

  /** A message (for Info: its receipts and their times), in a thread the user may read. */
  async message(actor: Actor, messageId: string): Promise<{ message: Message; thread: Thread }> {
    const { message, thread } = await this.access.message(actor, messageId);
    return { message, thread };
  }

  /** The message whose card the user clicked in their chat, if the card was a message's. */
  async messageOfCard(
    actor: Actor,
    activityId: string,
  ): Promise<{ message: Message; thread: Thread } | undefined> {
    const card = await this.store.findMessageCardByActivity(actor.user.id, activityId);
    if (!card) return undefined;
    try {
      return await this.message(actor, card.messageId);
    } catch {
      return undefined;
    }
  }

  /**
   * gather (issue 11 item 2): every message the card the user clicked carries (a gathered card
   * carries several), oldest first, each in a thread the user may still read.
   */
  async messagesOfCard(actor: Actor, activityId: string): Promise<Message[]> {
    const cards = await this.store.listMessageCardsByActivity(actor.user.id, activityId);
    const found = await Promise.all(
      cards.map((c) =>
        this.message(actor, c.messageId).then(
          (r) => r.message,
          () => undefined,
        ),
      ),
    );
    return found
      .filter((m): m is Message => m !== undefined)
      .sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
  }

  /** The user's contacts, by name. */
  contacts(actor: Actor): Promise<ContactView[]> {
    return this.access.contacts(actor);
  }

  /** One of the user's contacts. */
  async contact(actor: Actor, contactId: string): Promise<ContactView> {
    return (await this.access.contact(actor, contactId)).view;
  }

  /** Colleagues who may join a thread: enabled, same organisation and sub-organisation, not in it. */
  async candidates(actor: Actor, threadId: string): Promise<UserRef[]> {
    const thread = await this.thread(actor, threadId);
    return this.candidatesFor(actor, thread);
  }

  async candidatesFor(actor: Actor, thread: Thread): Promise<UserRef[]> {
    const users = await this.store.listUsers(actor.user.tenantId);
    return users
      .filter(
        (u) =>
          u.enabled &&
          u.subOrganisation === actor.user.subOrganisation &&
          !thread.participants.some((p) => p.id === u.id),
      )
      .map((u) => ({ id: u.id, name: u.name }));
  }

  /** The organisation's cap on participants, as the engine applies it. */
  async maxParticipants(actor: Actor): Promise<number> {
    const org = await this.store.getOrganisation(actor.organisation.tenantId);
    return org?.maxParticipants ?? this.options.maxParticipants;
  }

  /** The thread the user last worked in, while it is still theirs to see. */
  async currentThread(actor: Actor): Promise<Thread | undefined> {
    const user = await this.store.getUser(actor.user.id);
    if (!user?.currentThreadId) return undefined;
    try {
      return await this.thread(actor, user.currentThreadId);
    } catch {
      return undefined;
    }
  }

  private async summarise(
    actor: Actor,
    thread: Thread,
    participation: Participation,
    loaded?: Message[],
  ): Promise<ConversationSummary> {
    const now = this.clock.now();
    const messages = loaded ?? (await this.store.listMessages(thread.id));
    const last = messages.at(-1) ?? null;
    const words = messages.filter((m) => m.body !== undefined || m.media !== undefined).at(-1);
    const participating =
      participation.leftAt === undefined && thread.participants.some((p) => p.id === actor.user.id);
    const number = actor.organisation.businessNumbers.find(
      (n) => n.phoneNumberId === thread.businessNumberId,
    );
    const open = thread.state !== 'closed';
    return {
      thread,
      id: thread.id,
      contact: {
        id: thread.contact.id,
        name: thread.contact.name,
        phone: `+${thread.contact.phone}`,
      },
      businessNumber: {
        id: thread.businessNumberId,
        display: number?.displayPhoneNumber ?? thread.businessNumberId,
      },
      state: stateAt(thread, now),
      windowExpiresAt:
        open && thread.lastInboundAt !== undefined ? thread.lastInboundAt + WINDOW : null,
      ...(thread.closedReason ? { closedReason: thread.closedReason } : {}),
      participating,
      participants: thread.participants.map((p) => ({ id: p.id, name: p.name })),
      lastMessage: last,
      lastWords: words ?? null,
      lastActivityAt: Math.max(thread.createdAt, thread.closedAt ?? 0, last?.createdAt ?? 0),
      unread: messages.filter((m) => isUnreadFor(m, actor.user.id, participation.lastReadSeq))
        .length,
      canRestart: thread.state === 'closed',
      canRemind: participating && !isRejection(remindDecision(thread, actor.user.id, now)),
    };
  }
}
