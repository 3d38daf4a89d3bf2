/**
 * The store port: everything the product keeps, behind one interface with two
 * implementations (embedded SQLite, MongoDB) that pass one contract suite
 * (tests/contract/store-contract.ts).
 */
import type { OpsStore } from './ops-port.js';
import { CodedError } from '../core/errors.js';
import type {
  ContactRecord,
  MessageCard,
  Organisation,
  Participation,
  ThreadCard,
  UserRecord,
  AddressBookEntry,
  BudgetClaim,
  BudgetGrant,
} from '../core/records.js';
import type {
  ConsentRecord,
  ContactRef,
  Effect,
  MediaRef,
  Message,
  MessageId,
  Millis,
  Thread,
  ThreadId,
  Transition,
  UserId,
} from '../core/types.js';
import type { TabStore } from './tab-port.js';
import type { Lane } from './lanes.js'; // replycpu (issue 11)

// The records both the store and the surfaces use live in the core (issue 8: the Teams
// adapter and the tab's API reach them without importing the store).
export type {
  AddressBookEntry,
  BusinessNumber,
  ContactRecord,
  MessageCard,
  Organisation,
  Participation,
  ThreadCard,
  UserRecord,
  Budget,
  BudgetClaim,
  BudgetGrant,
  BudgetWindow,
} from '../core/records.js';

/** One effect waiting in the outbox. */
export interface OutboxItem {
  readonly id: string;
  readonly threadId: ThreadId;
  /** Order within the thread: effects are dispatched strictly in this order per thread. */
  readonly seq: number;
  readonly effect: Effect;
  readonly attempts: number;
  readonly notBefore: Millis;
  /** The error the last retry recorded, if any. */
  readonly lastError?: string | undefined;
  /**
   * True when an earlier claim's lease ran out with neither completion nor retry: the
   * process died mid-dispatch, so the effect may already have reached WhatsApp once.
   */
  readonly recovered: boolean;
}

/**
 * A time range of messages across threads, for the message record export (CDR). Pages are
 * read with keyset paging: pass the last message of a page as `after` to get the next one.
 */
export interface MessageRange {
  /** Only threads of this business number; every number when absent. */
  readonly businessNumberId?: string | undefined;
  /** Messages created at or after this time (inclusive). */
  readonly from: Millis;
  /** Messages created before this time (exclusive). */
  readonly to: Millis;
  /** Start after this message (the last one of the previous page). */
  readonly after?: Pick<Message, 'createdAt' | 'threadId' | 'seq'> | undefined;
  /** The most messages to return. */
  readonly limit: number;
}

/** A message with what the CDR needs of its thread: the business number and the contact. */
export interface MessageInThread {
  readonly message: Message;
  readonly businessNumberId: string;
  readonly contact: ContactRef;
}

/** Media once: see Store.putMedia. */
export interface PutMediaOptions {
  readonly key?: string | undefined;
  readonly filename?: string | undefined;
}

export interface TimerItem {
  readonly id: string;
  readonly threadId: ThreadId;
  readonly timer: 'optin_retry';
  readonly at: Millis;
}

export interface ApplyOptions {
  /**
   * The thread version the transition was computed from; the write is refused with
   * StaleThreadError if the stored thread has moved on. Omit for a new thread.
   */
  readonly expectedVersion?: number;
  /** A webhook event key to mark handled in the same transaction (idempotency). */
  readonly eventKey?: string;
  readonly now: Millis;
}

export class StaleThreadError extends CodedError {
  constructor(readonly threadId: ThreadId) {
    super('thread.stale', `Thread ${threadId} was changed by someone else; reload and try again.`);
  }
}

/** Another open thread already exists for this (business number, contact). */
export class OpenThreadExistsError extends CodedError {
  constructor(readonly threadId: ThreadId) {
    super('thread.open_exists', `The contact already has an open thread (${threadId}).`);
  }
}

export class DuplicateEventError extends CodedError {
  constructor(readonly eventKey: string) {
    super('event.duplicate', `Event ${eventKey} was already handled.`);
  }
}

// Query plans and schema migrations (issue 13: the MongoDB store ready for a real server)

/**
 * The queries the product runs most often, on the busiest paths: each must be served by an
 * index on every store (tests/contract/contract-query-plans.ts checks it).
 */
export const HOT_QUERIES = [
  /** Each inbound message and each status, inside its transaction. */
  'message_by_wa_id',
  /** The outbox dispatcher's claim. */
  'claim_effects',
  /** The timer loop's claim. */
  'claim_timers',
  /** A user's conversations, most recent first. */
  'threads_for_user',
  /** A conversation's messages in order. */
  'messages_of_thread',
  /** One page of the message record export (CDR). */
  'cdr_page',
] as const;
export type HotQuery = (typeof HOT_QUERIES)[number];

/** How the database plans one statement of a hot query. */
export interface QueryPlanStep {
  /** Which statement of the query, in a word or two ("candidates", "next page"). */
  readonly statement: string;
  /** The indexes the plan reads (`_id_`, a named index, a table's primary key). */
  readonly indexes: readonly string[];
  /** Reads a whole table, collection or index (or builds a throwaway index to avoid it). */
  readonly fullScan: boolean;
  /** Sorts rows in memory (a blocking SORT stage, a temporary B-tree) instead of by index. */
  readonly sortsInMemory: boolean;
  /** The plan as the database reported it, for whoever reads a failing check. */
  readonly detail: string;
}

export interface QueryPlan {
  readonly query: HotQuery;
  readonly steps: readonly QueryPlanStep[];
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly appliedAt: Millis;
}

export interface SchemaMigrations {
  /** Every migration recorded in the database, by version. */
  readonly applied: readonly AppliedMigration[];
  /** The versions this store applied when it was opened (none when another did, or none were due). */
  readonly appliedNow: readonly number[];
}

// Delivery under load (issue 11): send budgets shared by every instance, in core/records.ts.

// tab (issue 9): the tab's inbox, change log and search live in TabStore.
export interface Store extends TabStore {
  // organisations and users
  /**
   * Keep an organisation. A business number belongs to one organisation: a number listed here
   * that another organisation listed moves (that organisation's record no longer lists it),
   * in the same transaction.
   */
  putOrganisation(org: Organisation): Promise<void>;
  getOrganisation(tenantId: string): Promise<Organisation | undefined>;
  getOrganisationByBusinessNumber(phoneNumberId: string): Promise<Organisation | undefined>;
  putUser(user: UserRecord): Promise<void>;
  getUser(id: UserId): Promise<UserRecord | undefined>;
  /** By name. */
  listUsers(tenantId: string): Promise<UserRecord[]>;

  // contacts
  putContact(contact: ContactRecord): Promise<void>;
  getContact(id: string): Promise<ContactRecord | undefined>;
  findContactByPhone(businessNumberId: string, phone: string): Promise<ContactRecord | undefined>;
  putAddressBookEntry(entry: AddressBookEntry): Promise<void>;
  /**
   * By name. Putting an entry for the same (user, contact) again renames it, keeping its
   * other names (keepboth: `aliases`) unless the entry gives them.
   */
  listAddressBook(userId: UserId): Promise<AddressBookEntry[]>;

  // threads and messages
  getThread(id: ThreadId): Promise<Thread | undefined>;
  findOpenThread(businessNumberId: string, contactId: string): Promise<Thread | undefined>;
  /** The most recent thread (open or closed) with this contact. */
  findLatestThread(businessNumberId: string, contactId: string): Promise<Thread | undefined>;
  /** Threads the user is a participant of, most recently changed first. */
  listThreadsForUser(userId: UserId): Promise<Thread[]>;
  getMessage(id: string): Promise<Message | undefined>;
  getMessageByWaId(waMessageId: string): Promise<Message | undefined>;
  /** A thread's messages in seq order. */
  listMessages(threadId: ThreadId): Promise<Message[]>;
  // pending queues (issue 11 item 4)
  /** A thread's held messages (its pending queue, `held` set), in seq order. */
  listHeldMessages(threadId: ThreadId): Promise<Message[]>;
  /**
   * Messages created in [from, to) across all threads (of one business number, if given),
   * oldest first: by createdAt, then thread id, then seq. At most `limit` of them.
   */
  listMessagesBetween(range: MessageRange): Promise<MessageInThread[]>;

  /**
   * Commit one transition atomically: the thread (version-checked), its messages, its
   * effects into the outbox (schedule effects become timers, record_consent effects consent
   * records), the contact's policy change and the event key.
   * Throws StaleThreadError, OpenThreadExistsError or DuplicateEventError and writes nothing.
   *
   * - thread: without `expectedVersion` the thread must not exist yet and is stored with
   *   version 1; with it, the stored version must equal it and becomes `expectedVersion + 1`
   *   (the engine never bumps versions; `transition.thread.version` is ignored). A thread
   *   that is not closed must be the only open one for (businessNumberId, contact.id).
   * - messages: upserted by id. A waMessageId already carried by another message means the
   *   WhatsApp message was already taken in: DuplicateEventError(`wamid:<id>`).
   *   `possiblyDuplicate` is sticky: once set (see markMessagePossiblyDuplicate) it stays.
   * - pending queue: a message's `held` flag puts it in (or takes it out of) the thread's
   *   queue. A `release_pending` effect becomes, in its place, one send_to_contact per
   *   message held once the transition's messages are written, in seq order, and those
   *   messages leave the queue (`held` cleared).
   * - effects: appended to the outbox in the order given with per-thread increasing seqs
   *   (notBefore = now), except `schedule` (replaces the thread's pending timer of that name,
   *   under a new timer id) and `record_consent` (kept as a consent record).
   * - contact: a key present in `transition.contact` sets that field; a key present with the
   *   value `undefined` clears it; an absent key leaves it. A contact not stored yet is
   *   created from the thread's contact when the ids match (else the change is dropped).
   * - eventKey: checked first; an already handled key throws DuplicateEventError.
   */
  apply(transition: Transition, options: ApplyOptions): Promise<void>;
  hasHandledEvent(eventKey: string): Promise<boolean>;
  /**
   * Mark an event handled, atomically: true for the one caller (across every instance) that
   * claimed it first, false for anyone after. Shares the keys of `apply`'s eventKey.
   * Used for activities Teams sends again (the same activity id).
   */
  claimEventKey(eventKey: string, now: Millis): Promise<boolean>;

  /**
   * Flag a message that WhatsApp may have received twice (its send was recovered after a
   * crash). Not version-checked: the flag is sticky, later upserts keep it.
   */
  markMessagePossiblyDuplicate(id: MessageId): Promise<void>;

  // outbox
  /**
   * Lease up to `limit` effects that are due (notBefore <= now and not leased, or leased
   * with leaseUntil <= now), at most one per thread and lane (bot/src/store/lanes.ts: the
   * WhatsApp lane, the Teams lane), each the oldest unfinished effect of its lane: a later
   * effect of a lane is never handed out while an earlier one waits (even for a retry), and
   * one lane never waits for the other.
   * The lease runs until now + leaseMs. Oldest notBefore first.
   * replycpu (issue 11): with `lane`, only that lane's effects, so a dispatcher keeps room for
   * each lane and effects waiting for Teams' slots never take the places of WhatsApp sends.
   */
  claimEffects(
    owner: string,
    now: Millis,
    leaseMs: Millis,
    limit: number,
    lane?: Lane,
  ): Promise<OutboxItem[]>;
  /** Remove a dispatched effect. Ignored unless `owner` holds its lease. */
  completeEffect(id: string, owner: string): Promise<void>;
  /**
   * Put the effect back to be tried again at `notBefore`, counting the attempt and keeping
   * `error`. Ignored unless `owner` holds its lease.
   */
  retryEffect(id: string, owner: string, notBefore: Millis, error: string): Promise<void>;
  /**
   * Put the effect back to be handed out at `notBefore` WITHOUT counting an attempt: it waits
   * for a slot of the app's own limits (throttling is waiting, not failing) or for Teams'
   * Retry-After. Ignored unless `owner` holds its lease.
   */
  deferEffect(id: string, owner: string, notBefore: Millis): Promise<void>;
  /** Effects not yet completed (leased or not), for one thread or all. */
  countPendingEffects(threadId?: ThreadId): Promise<number>;

  // send budgets (Delivery under load)
  /**
   * Take slots from budgets shared by every instance, atomically for all claims: for each
   * claim, the earliest slots at or after `now` that keep every window of every budget
   * (with a block of time's margin), up to `want` within about `leaseMs`. One grant list per
   * claim, in claim order; a claim that found no room within its search gets an empty list.
   */
  takeBudget(
    claims: readonly BudgetClaim[],
    now: Millis,
    leaseMs: Millis,
  ): Promise<BudgetGrant[][]>;

  // timers
  /** Lease up to `limit` timers with at <= now that are not leased (or whose lease ran out). */
  claimDueTimers(owner: string, now: Millis, leaseMs: Millis, limit: number): Promise<TimerItem[]>;
  /** Remove a fired timer. Ignored unless `owner` holds its lease (or it was replaced). */
  completeTimer(id: string, owner: string): Promise<void>;

  // proof of consent
  /** Oldest first. */
  listConsentRecords(filter: {
    businessNumberId?: string;
    contactId?: string;
  }): Promise<ConsentRecord[]>;

  // Teams cards
  /** Keep (or replace) the card of a message in a user's chat. */
  putMessageCard(card: MessageCard): Promise<void>;
  getMessageCard(messageId: MessageId, userId: UserId): Promise<MessageCard | undefined>;
  /** The message card a user acted on, found by the card's activity id. */
  findMessageCardByActivity(userId: UserId, activityId: string): Promise<MessageCard | undefined>;
  // gather (issue 11 item 2): gathered cards
  /** Every message one card in a user's chat carries (a gathered card carries several). */
  listMessageCardsByActivity(userId: UserId, activityId: string): Promise<MessageCard[]>;
  /** The thread's Teams effects after `afterSeq` not yet done, in order (at most `limit`). */
  listWaitingTeamsEffects(
    threadId: ThreadId,
    afterSeq: number,
    limit: number,
  ): Promise<OutboxItem[]>;
  /** Messages waiting in the outbox to be shown to a user (any thread), oldest first. */
  listMessagesWaitingFor(
    userId: UserId,
    limit: number,
  ): Promise<{ threadId: ThreadId; messageId: MessageId }[]>;

  // release (issue 10): conversation cards per (thread, user), updated in place
  /** Keep a conversation card a user's chat shows for a thread (again: it is the newest). */
  putThreadCard(card: ThreadCard): Promise<void>;
  /** The newest `limit` conversation cards a user was shown for a thread, newest first. */
  listThreadCards(threadId: ThreadId, userId: UserId, limit: number): Promise<ThreadCard[]>;

  // participation and read positions (issue 8)
  /**
   * The threads a user takes or took part in, each with their participation, most recently
   * changed first. Participations are written by `apply` from the thread's participants: a
   * participant new to the thread joins (now), one no longer listed leaves (now), one listed
   * again after leaving joins again. A participation is never deleted.
   */
  listParticipations(userId: UserId): Promise<{ thread: Thread; participation: Participation }[]>;
  getParticipation(threadId: ThreadId, userId: UserId): Promise<Participation | undefined>;
  /**
   * The user has seen the thread's messages up to `seq`: the read position only moves
   * forward. Nothing happens for a user who never took part in the thread.
   */
  markRead(threadId: ThreadId, userId: UserId, seq: number): Promise<void>;

  // reply (issue 10 item 1): what arrived in a user's chat since they last worked in a
  // conversation, kept in the store so a restart or another instance does not forget it.
  /** A card about `threadId` goes to the user's chat at `at` (one upsert; a later `at` wins). */
  noteArrival(userId: UserId, threadId: ThreadId, at: Millis): Promise<void>;
  /** The user worked in a conversation: forget what arrived up to `upTo` (inclusive). */
  clearArrivals(userId: UserId, upTo: Millis): Promise<void>;
  /** The conversations that got a card since the user last worked, oldest arrival first. */
  listArrivals(userId: UserId): Promise<ThreadId[]>;

  // media
  /**
   * Keep media bytes. With `options.key` (the WhatsApp message that carried it) the media is
   * kept once per key: a second put with the same key, even racing the first from another
   * instance, stores nothing and returns the first one's ref.
   */
  putMedia(
    bytes: Uint8Array,
    mimeType: string,
    caption?: string,
    options?: PutMediaOptions,
  ): Promise<MediaRef>;
  getMedia(id: string): Promise<{ ref: MediaRef; bytes: Uint8Array } | undefined>;

  // query plans and schema migrations (issue 13)
  /** How the store plans a hot query, statement by statement (explain / EXPLAIN QUERY PLAN). */
  explainQuery(query: HotQuery): Promise<QueryPlan>;
  /** The schema migrations recorded in the database. */
  schemaMigrations(): Promise<SchemaMigrations>;

  close(): Promise<void>;

  // ops (issue 12): readiness, job leases, metrics figures, alarms (ops-port.ts)
  readonly ops: OpsStore;
}
