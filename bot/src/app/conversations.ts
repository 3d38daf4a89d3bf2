/**
 * The use cases: load a thread, ask the engine, commit what it decided (state, messages and
 * effects together, in one store transaction), and wake the dispatchers.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { contactIdFor, decide, needsPendingMessages } from '../core/engine.js';
import {
  isRejection,
  type ContactRef,
  type Failure,
  type InboundContent,
  type MediaRef,
  type Message,
  type Millis,
  type Outcome,
  type Thread,
  type ThreadEvent,
  type ThreadId,
  type ThreadSnapshot,
  type Transition,
  type UserId,
  type UserRef,
} from '../core/types.js';
import {
  DuplicateEventError,
  OpenThreadExistsError,
  StaleThreadError,
  type ContactRecord,
  type Store,
} from '../store/port.js';
import { ContactNotFoundError, ThreadNotFoundError } from '../core/errors.js';
import type { Clock } from './clock.js';
import { RetryPolicy } from './retry-policy.js';
import { KeyedLock } from './keyed-lock.js';

/** A message from a contact, as the WhatsApp webhook reports it. */
export interface InboundMessage {
  readonly businessNumberId: string;
  readonly waMessageId: string;
  readonly from: string;
  readonly profileName?: string | undefined;
  readonly sentAt: Millis;
  readonly content: InboundContent;
}

/** A status report for one of our messages. */
export interface StatusReport {
  readonly waMessageId: string;
  /** Our message id, echoed in biz_opaque_callback_data. */
  readonly messageId?: string | undefined;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly at: Millis;
  readonly failure?: Failure | undefined;
  /**
   * The contact the message went to, when the caller knows it (the webhook's recipient_id):
   * spares looking the message up just to know whose queue to wait in.
   */
  readonly contactId?: string | undefined;
}

// Kept here too for the callers that import them from the use cases.
export { ContactNotFoundError, ThreadNotFoundError };

export interface ConversationsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The most participants a thread may have. */
  readonly maxParticipants: number;
  /** Called after every commit that added effects, so dispatchers start at once. */
  readonly onCommitted?: () => void;
  readonly newId?: () => string;
  /**
   * alarm (issue 12): a contact's message was kept in a thread nobody takes part in (no
   * participants to reopen with, no intake users); called after the commit, before the
   * webhook is answered. It must not throw.
   */
  readonly onUnanswered?: (threadId: ThreadId) => Promise<void>;
}

/** How often a command is recomputed when another instance changed the thread meanwhile. */
const RETRIES = new RetryPolicy();

export class Conversations {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly newId: () => string;
  /** One command per contact at a time in this process (see keyed-lock.ts). */
  private readonly lock = new KeyedLock();

  constructor(private readonly options: ConversationsOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.log = options.logger;
    this.newId = options.newId ?? (() => randomUUID());
  }

  // --- business users --------------------------------------------------------------------

  /** A user confirmed the opt-in for a contact: a new thread (or a refusal saying why). */
  async start(by: UserRef, contactId: string): Promise<Outcome> {
    const contact = await this.contact(contactId);
    return this.begin(contact, (open, now) =>
      decide(
        { open },
        {
          type: 'start',
          id: this.newId(),
          businessNumberId: contact.businessNumberId,
          contact: ref(contact),
          contactPolicy: contact,
          by,
        },
        now,
      ),
    );
  }

  /** Restart a closed thread: a new opt-in, in a new thread (the engine decides, begin.ts). */
  async restart(by: UserRef, threadId: ThreadId): Promise<Outcome> {
    const closed = await this.thread(threadId);
    const contact = await this.contact(closed.contact.id);
    return this.begin(contact, (open, now) =>
      decide(
        { open },
        { type: 'restart', id: this.newId(), closed, contactPolicy: contact, by },
        now,
      ),
    );
  }

  async compose(
    by: UserId,
    threadId: ThreadId,
    content: { body?: string; media?: MediaRef; mediaKind?: 'image' | 'document' },
  ): Promise<Outcome> {
    return this.onThread(threadId, { type: 'compose', by, ...content });
  }

  async remind(by: UserId, threadId: ThreadId): Promise<Outcome> {
    return this.onThread(threadId, { type: 'remind', by });
  }

  async addParticipant(by: UserId, threadId: ThreadId, user: UserRef): Promise<Outcome> {
    const thread = await this.thread(threadId);
    return this.onThread(threadId, {
      type: 'add_participant',
      by,
      user,
      maxParticipants: await this.maxParticipants(thread.businessNumberId),
    });
  }

  /** The organisation's own cap on participants, else the configured default. */
  private async maxParticipants(businessNumberId: string): Promise<number> {
    const org = await this.store.getOrganisationByBusinessNumber(businessNumberId);
    return org?.maxParticipants ?? this.options.maxParticipants;
  }

  async removeParticipant(by: UserId, threadId: ThreadId, user: UserId): Promise<Outcome> {
    return this.onThread(threadId, { type: 'remove_participant', by, user });
  }

  async leave(by: UserId, threadId: ThreadId): Promise<Outcome> {
    return this.onThread(threadId, { type: 'leave', by });
  }

  async transfer(by: UserId, threadId: ThreadId, to: UserRef): Promise<Outcome> {
    return this.onThread(threadId, { type: 'transfer', by, to });
  }

  /** release (issue 10): Send again on a failed message, as a new message, once. */
  async sendAgain(by: UserId, message: Message): Promise<Outcome> {
    return this.onThread(message.threadId, { type: 'send_again', by, message });
  }

  // --- WhatsApp ----------------------------------------------------------------------------

  /**
   * A message from a contact. It goes to their open thread, or opens one (with the last
   * thread's remaining participants, or the number's intake users). Committed with its
   * webhook key, so a repeat of the same message changes nothing. Returns false for a repeat.
   */
  async receive(message: InboundMessage): Promise<boolean> {
    return this.lock.run(`contact:${contactIdFor(message.businessNumberId, message.from)}`, () =>
      this.receiveNow(message),
    );
  }

  private async receiveNow(message: InboundMessage): Promise<boolean> {
    const eventKey = `msg:${message.waMessageId}`;
    for (let attempt = 1; ; attempt++) {
      if (await this.store.hasHandledEvent(eventKey)) return false;
      const now = this.clock.now();
      const contact = await this.contactForPhone(message);
      const open = await this.store.findOpenThread(message.businessNumberId, contact.id);
      const event: ThreadEvent = {
        type: 'inbound',
        waMessageId: message.waMessageId,
        sentAt: message.sentAt,
        content: message.content,
      };
      if (!open) {
        // Nothing open: the engine opens a thread, or records a STOP against the last one.
        const latest = await this.store.findLatestThread(message.businessNumberId, contact.id);
        const begun = decide(
          { latest },
          {
            type: 'contact_writes',
            id: this.newId(),
            businessNumberId: message.businessNumberId,
            contact: ref(contact),
            intake: await this.intakeUsers(message.businessNumberId),
            waMessageId: message.waMessageId,
            sentAt: message.sentAt,
            content: message.content,
          },
          now,
        );
        if (isRejection(begun)) return false;
        const onLatest = latest !== undefined && begun.thread.id === latest.id;
        const done = await this.commitGuarded(
          begun,
          { expectedVersion: onLatest ? latest.version : undefined, eventKey, now },
          attempt,
        );
        if (done === 'retry') continue;
        if (!onLatest && !begun.thread.participants.length) {
          this.log.warn(
            { threadId: begun.thread.id, businessNumberId: message.businessNumberId },
            'a contact wrote and no one can answer: name intake users for the number',
          );
          // alarm (issue 12): the organisation's admins are told, and can assign it.
          await this.options.onUnanswered?.(begun.thread.id);
        }
        return done;
      }
      const snapshot = await this.snapshot(open, event);
      const outcome = decide(snapshot, event, now);
      if (isRejection(outcome)) return false;
      const done = await this.commitGuarded(
        outcome,
        { expectedVersion: open.version, eventKey, now },
        attempt,
      );
      if (done === 'retry') continue;
      if (!snapshot.thread.participants.length) {
        this.log.warn(
          { threadId: outcome.thread.id, businessNumberId: message.businessNumberId },
          'a contact wrote and no one can answer: name intake users for the number',
        );
        // alarm (issue 12): counted on the alarm its first message raised.
        await this.options.onUnanswered?.(outcome.thread.id);
      }
      return done;
    }
  }

  /**
   * A status for one of our messages, found by our id (biz_opaque_callback_data) or by its
   * wamid. Returns false for a repeat or a message we don't know.
   */
  async report(status: StatusReport): Promise<boolean> {
    return this.lock.run(
      `contact:${status.contactId ?? (await this.contactOfMessage(status))}`,
      () => this.reportNow(status),
    );
  }

  private async contactOfMessage(status: StatusReport): Promise<string> {
    const message =
      (status.messageId ? await this.store.getMessage(status.messageId) : undefined) ??
      (await this.store.getMessageByWaId(status.waMessageId));
    const thread = message ? await this.store.getThread(message.threadId) : undefined;
    return thread?.contact.id ?? `unknown:${status.waMessageId}`;
  }

  private async reportNow(status: StatusReport): Promise<boolean> {
    const eventKey = `status:${status.waMessageId}:${status.status}`;
    for (let attempt = 1; ; attempt++) {
      if (await this.store.hasHandledEvent(eventKey)) return false;
      const message =
        (status.messageId ? await this.store.getMessage(status.messageId) : undefined) ??
        (await this.store.getMessageByWaId(status.waMessageId));
      if (!message) {
        this.log.info(
          { waMessageId: status.waMessageId, status: status.status },
          'status for a message this app did not send; ignored',
        );
        return false;
      }
      const thread = await this.thread(message.threadId);
      const event: ThreadEvent = {
        type: 'status',
        message,
        status: status.status,
        at: status.at,
        waMessageId: status.waMessageId,
        failure: status.failure,
      };
      const snapshot = await this.snapshot(thread, event);
      const now = this.clock.now();
      const outcome = decide(snapshot, event, now);
      if (isRejection(outcome)) return false;
      const done = await this.commitGuarded(
        outcome,
        { expectedVersion: thread.version, eventKey, now },
        attempt,
      );
      if (done === 'retry') continue;
      return done;
    }
  }

  /** A timer came due (the opt-in retry). */
  async fire(threadId: ThreadId, timer: 'optin_retry'): Promise<void> {
    await this.onThread(threadId, { type: 'timer', timer });
  }

  /** The dispatcher handed a message to WhatsApp, which accepted it (or refused it for good). */
  async sent(message: Message, waMessageId: string, contactId?: string): Promise<void> {
    await this.report({
      waMessageId,
      messageId: message.id,
      status: 'sent',
      at: this.clock.now(),
      contactId,
    });
  }

  async failed(message: Message, failure: Failure): Promise<void> {
    const thread = await this.thread(message.threadId);
    await this.onThread(thread.id, {
      type: 'status',
      message: (await this.store.getMessage(message.id)) ?? message,
      status: 'failed',
      at: this.clock.now(),
      failure,
    });
  }

  // --- internals -------------------------------------------------------------------------

  private async onThread(threadId: ThreadId, event: ThreadEvent): Promise<Outcome> {
    const thread = await this.thread(threadId);
    return this.lock.run(`contact:${thread.contact.id}`, () => this.onThreadNow(threadId, event));
  }

  private async onThreadNow(threadId: ThreadId, event: ThreadEvent): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      const thread = await this.thread(threadId);
      const now = this.clock.now();
      // A status (or send again) event carries the message as it was loaded: reload it with
      // the thread, so a race recomputes from what the other writer committed.
      const fresh =
        event.type === 'status' || event.type === 'send_again'
          ? { ...event, message: (await this.store.getMessage(event.message.id)) ?? event.message }
          : event;
      const snapshot = await this.snapshot(thread, fresh);
      const outcome = decide(snapshot, fresh, now);
      if (isRejection(outcome)) return outcome;
      const done = await this.commitGuarded(
        outcome,
        { expectedVersion: thread.version, now },
        attempt,
      );
      if (done !== 'retry') return outcome;
    }
  }

  /** Start or restart: the engine decides against the contact's open thread, if any. */
  private async begin(
    contact: ContactRecord,
    decideStart: (open: Thread | undefined, now: Millis) => Outcome,
  ): Promise<Outcome> {
    return this.lock.run(`contact:${contact.id}`, () => this.beginNow(contact, decideStart));
  }

  private async beginNow(
    contact: ContactRecord,
    decideStart: (open: Thread | undefined, now: Millis) => Outcome,
  ): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      const open = await this.store.findOpenThread(contact.businessNumberId, contact.id);
      const now = this.clock.now();
      const outcome = decideStart(open, now);
      if (isRejection(outcome)) return outcome;
      const expectedVersion = open && outcome.thread.id === open.id ? open.version : undefined;
      const done = await this.commitGuarded(outcome, { expectedVersion, now }, attempt);
      if (done !== 'retry') return outcome;
    }
  }

  /**
   * Commit, and on a race with another writer ask the caller to recompute from fresh state.
   * Returns true once committed, false for an event already handled.
   */
  private async commitGuarded(
    transition: Transition,
    options: { expectedVersion?: number | undefined; eventKey?: string; now: Millis },
    attempt: number,
  ): Promise<boolean | 'retry'> {
    try {
      await this.store.apply(transition, {
        now: options.now,
        ...(options.expectedVersion !== undefined
          ? { expectedVersion: options.expectedVersion }
          : {}),
        ...(options.eventKey ? { eventKey: options.eventKey } : {}),
      });
    } catch (error) {
      if (error instanceof DuplicateEventError) return false;
      if (
        (error instanceof StaleThreadError || error instanceof OpenThreadExistsError) &&
        RETRIES.decide('store_conflict', attempt).retry
      ) {
        this.log.debug(
          { threadId: transition.thread.id, attempt, code: error.code },
          'thread changed meanwhile; recomputing',
        );
        return 'retry';
      }
      throw error;
    }
    if (transition.effects.length > 0) this.options.onCommitted?.();
    return true;
  }

  private async thread(id: ThreadId): Promise<Thread> {
    const thread = await this.store.getThread(id);
    if (!thread) throw new ThreadNotFoundError(id);
    return thread;
  }

  /**
   * The thread and, only when the event needs them (it may close the thread), its held
   * messages: a write to a thread with a long queue reads none of them.
   */
  private async snapshot(thread: Thread, event: ThreadEvent): Promise<ThreadSnapshot> {
    const pending = needsPendingMessages(thread, event)
      ? await this.store.listHeldMessages(thread.id)
      : [];
    return { thread, pending };
  }

  private async contact(id: string): Promise<ContactRecord> {
    const contact = await this.store.getContact(id);
    if (!contact) throw new ContactNotFoundError(id);
    return contact;
  }

  /** The contact record for a WhatsApp sender, created on their first message. */
  private async contactForPhone(message: InboundMessage): Promise<ContactRecord> {
    const known = await this.store.findContactByPhone(message.businessNumberId, message.from);
    if (known) return known;
    const created: ContactRecord = {
      id: contactIdFor(message.businessNumberId, message.from),
      businessNumberId: message.businessNumberId,
      phone: message.from,
      name: message.profileName?.trim() || `+${message.from}`,
    };
    await this.store.putContact(created);
    return created;
  }

  private async intakeUsers(businessNumberId: string): Promise<UserRef[]> {
    const org = await this.store.getOrganisationByBusinessNumber(businessNumberId);
    const number = org?.businessNumbers.find((n) => n.phoneNumberId === businessNumberId);
    const users: UserRef[] = [];
    for (const id of number?.intakeUserIds ?? []) {
      const user = await this.store.getUser(id);
      if (user?.enabled) users.push({ id: user.id, name: user.name });
    }
    return users;
  }
}

// Contact identity lives in the core now; kept here for callers that import it from here.
export { contactIdFor };

function ref(contact: ContactRecord): ContactRef {
  return { id: contact.id, phone: contact.phone, name: contact.name };
}
