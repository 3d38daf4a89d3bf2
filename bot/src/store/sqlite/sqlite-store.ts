/**
 * The embedded store: SQLite through better-sqlite3 in one file under DATA_DIR, for a single
 * instance and for development. Real, durable and transactional, with no server to run.
 * Several processes may open the same file: WAL lets readers run beside the one writer, and
 * a writer waits for another's lock, without blocking the event loop, up to busyTimeoutMs.
 * Every write goes through group commit (group-commit.ts).
 */
import * as gather from './gather.js';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  ConsentRecord,
  ContactRef,
  MediaRef,
  Message,
  Millis,
  Thread,
  Transition,
} from '../../core/types.js';
import type {
  AddressBookEntry,
  ApplyOptions,
  BudgetClaim,
  BudgetGrant,
  ContactRecord,
  HotQuery,
  MessageCard,
  ThreadCard,
  MessageInThread,
  MessageRange,
  Organisation,
  OutboxItem,
  QueryPlan,
  SchemaMigrations,
  Participation,
  PutMediaOptions,
  Store,
  TimerItem,
  UserRecord,
} from '../port.js';
import { applyTransition, writeContact } from './apply-transition.js';
import * as budgets from './budgets.js';
import * as arrivals from './chat-arrivals.js';
import * as leases from './leases.js';
import type { Lane } from '../lanes.js'; // replycpu (issue 11)
import * as participations from './participations.js';
import * as threadCards from './thread-cards.js';
import { MediaDirectory, MediaInMemory, type MediaBytes } from './media-bytes.js';
import { Checkpointer } from './checkpointer.js';
import { GroupCommit, type GroupCommitStats } from './group-commit.js';
import {
  MESSAGE_BY_WA_ID,
  MESSAGES_OF_THREAD,
  messagesBetweenSql,
  THREADS_FOR_USER,
} from './hot-queries.js';
import { getMediaV9, putMediaOnce } from './media.js';
import { migrate } from './migrations.js';
import { explainSqlite } from './query-plans.js';
import { heldMessages } from './pending-queue.js';
import {
  fromJson,
  messageFromRow,
  threadFromRow,
  type JsonRow,
  type MessageRow,
  type ThreadRow,
} from './rows.js';
import { Sql } from './sql.js';
import { SqliteOps } from './ops.js';
// keepboth (issue 10 item 4)
import { addressBookEntryOf, aliasesColumn, type AddressBookRow } from './address-book.js';
import { logChange } from './tab-changes.js';
import { SqliteTabQueries } from './tab-queries.js';

export interface SqliteStoreOptions {
  /** Where media bytes go; defaults to `media/` beside the database file (memory for ':memory:'). */
  readonly mediaDir?: string;
  /**
   * How long a write waits for another connection's lock before failing (StoreBusyError),
   * without blocking the event loop meanwhile (group-commit.ts).
   */
  readonly busyTimeoutMs?: number;
}

/** Long enough for another instance's commit, short enough for a fast 503 on a webhook. */
export const DEFAULT_BUSY_TIMEOUT_MS = 1000;
/** Readers in WAL mode only wait for a lock in rare cases (recovery); never for long. */
const READ_BUSY_TIMEOUT_MS = 50;
/** Opening (migrations) may wait for another process that is opening the same file. */
const OPEN_BUSY_TIMEOUT_MS = 5000;

/**
 * Runs `step` again while SQLite answers SQLITE_BUSY, for up to `ms`. Switching a new file to
 * WAL needs every other connection out of the way and does not wait for them (busy_timeout
 * does not apply): two processes opening one fresh store at once made one of them fail to
 * start about once in thirty. Opening is synchronous, so the waits are too (short ones).
 */
export function whileBusy<T>(step: () => T, ms: number): T {
  const until = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      return step();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'SQLITE_BUSY' || Date.now() >= until) throw error;
      Atomics.wait(pause, 0, 0, wait);
    }
  }
}

const THREAD_COLUMNS = 't.version, t.json';

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly tab: SqliteTabQueries;
  private readonly sql: Sql;
  private readonly media: MediaBytes;
  /** ops (issue 12): readiness, job leases, metrics figures, alarms. */
  readonly ops: SqliteOps;
  private readonly writes: GroupCommit;
  private readonly inMemory: boolean;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly appliedNow: readonly number[];

  /** Opens (or creates) the database at `file` and brings its schema up to date. */
  constructor(
    readonly file: string,
    options: SqliteStoreOptions = {},
  ) {
    this.inMemory = file === ':memory:' || file === '';
    this.db = new Database(file);
    try {
      this.db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
      whileBusy(() => this.db.pragma('journal_mode = WAL'), OPEN_BUSY_TIMEOUT_MS);
      // A commit survives power loss, since a webhook is answered 200 after it: at FULL,
      // SQLite syncs the log in COMMIT, blocking the event loop for the fsync (several ms);
      // a file database instead syncs it after each group commit off the loop (NORMAL plus
      // fdatasync of the log, see group-commit.ts), and answers only after that.
      this.db.pragma(`synchronous = ${this.inMemory ? 'FULL' : 'NORMAL'}`);
      this.appliedNow = migrate(this.db);
      this.db.pragma(`busy_timeout = ${READ_BUSY_TIMEOUT_MS}`);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.sql = new Sql(this.db);
    // group commit (issue 11 items 5, 6): every write goes through one batching writer.
    this.writes = new GroupCommit(this.db, {
      busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      readBusyTimeoutMs: READ_BUSY_TIMEOUT_MS,
      ...(this.inMemory ? {} : { walFile: `${file}-wal` }),
    });
    if (!this.inMemory) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = Checkpointer.start(file, 250, () => {
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      });
      if (!this.checkpointer) this.db.pragma('wal_autocheckpoint = 1000');
    }
    // tab (issue 9): the tab's queries (tab-queries.ts).
    this.tab = new SqliteTabQueries(this.sql);
    const inMemory = this.inMemory;
    this.media =
      options.mediaDir !== undefined
        ? new MediaDirectory(options.mediaDir)
        : inMemory
          ? new MediaInMemory()
          : new MediaDirectory(join(dirname(file), 'media'));
    this.ops = new SqliteOps(this.sql, this.media, (work) => this.writes.write(work));
  }

  // organisations and users

  async putOrganisation(org: Organisation): Promise<void> {
    await this.writes.write(() => {
      this.sql.run(
        `INSERT INTO organisations (tenant_id, json) VALUES (?, ?)
         ON CONFLICT (tenant_id) DO UPDATE SET json = excluded.json`,
        org.tenantId,
        JSON.stringify(org),
      );
      // issue 8: a number moving between tenants leaves its old organisation's record.
      participations.releaseNumbersFromOthers(
        this.sql,
        org.tenantId,
        org.businessNumbers.map((n) => n.phoneNumberId),
      );
      this.sql.run('DELETE FROM business_numbers WHERE tenant_id = ?', org.tenantId);
      for (const number of org.businessNumbers) {
        this.sql.run(
          'INSERT OR REPLACE INTO business_numbers (phone_number_id, tenant_id) VALUES (?, ?)',
          number.phoneNumberId,
          org.tenantId,
        );
      }
    });
  }

  async getOrganisation(tenantId: string): Promise<Organisation | undefined> {
    const row = this.sql.get<JsonRow>(
      'SELECT json FROM organisations WHERE tenant_id = ?',
      tenantId,
    );
    return row && fromJson<Organisation>(row);
  }

  async getOrganisationByBusinessNumber(phoneNumberId: string): Promise<Organisation | undefined> {
    const row = this.sql.get<JsonRow>(
      `SELECT o.json FROM organisations o
       JOIN business_numbers b ON b.tenant_id = o.tenant_id
       WHERE b.phone_number_id = ?`,
      phoneNumberId,
    );
    return row && fromJson<Organisation>(row);
  }

  async putUser(user: UserRecord): Promise<void> {
    await this.writes.write(() =>
      this.sql.run(
        `INSERT INTO users (id, tenant_id, name, json) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         tenant_id = excluded.tenant_id, name = excluded.name, json = excluded.json`,
        user.id,
        user.tenantId,
        user.name,
        JSON.stringify(user),
      ),
    );
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.sql.get<JsonRow>('SELECT json FROM users WHERE id = ?', id);
    return row && fromJson<UserRecord>(row);
  }

  async listUsers(tenantId: string): Promise<UserRecord[]> {
    return this.sql
      .all<JsonRow>('SELECT json FROM users WHERE tenant_id = ? ORDER BY name, id', tenantId)
      .map((row) => fromJson<UserRecord>(row));
  }

  // contacts

  async putContact(contact: ContactRecord): Promise<void> {
    await this.writes.write(() => writeContact(this.sql, contact));
  }

  async getContact(id: string): Promise<ContactRecord | undefined> {
    const row = this.sql.get<JsonRow>('SELECT json FROM contacts WHERE id = ?', id);
    return row && fromJson<ContactRecord>(row);
  }

  async findContactByPhone(
    businessNumberId: string,
    phone: string,
  ): Promise<ContactRecord | undefined> {
    const row = this.sql.get<JsonRow>(
      'SELECT json FROM contacts WHERE business_number_id = ? AND phone = ? ORDER BY id LIMIT 1',
      businessNumberId,
      phone,
    );
    return row && fromJson<ContactRecord>(row);
  }

  // keepboth (issue 10 item 4): with the entry's other names (aliases, address-book.ts).
  async putAddressBookEntry(entry: AddressBookEntry): Promise<void> {
    await this.writes.write(() =>
      this.sql.run(
        `INSERT INTO address_book (user_id, contact_id, name, aliases) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, contact_id) DO UPDATE SET name = excluded.name,
         aliases = CASE WHEN ? THEN excluded.aliases ELSE address_book.aliases END`,
        entry.userId,
        entry.contactId,
        entry.name,
        aliasesColumn(entry.aliases),
        entry.aliases !== undefined ? 1 : 0,
      ),
    );
  }

  async listAddressBook(userId: string): Promise<AddressBookEntry[]> {
    return this.sql
      .all<AddressBookRow>(
        'SELECT user_id, contact_id, name, aliases FROM address_book WHERE user_id = ? ORDER BY name, contact_id',
        userId,
      )
      .map(addressBookEntryOf);
  }

  // threads and messages

  async getThread(id: string): Promise<Thread | undefined> {
    const row = this.sql.get<ThreadRow>(
      `SELECT ${THREAD_COLUMNS} FROM threads t WHERE t.id = ?`,
      id,
    );
    return row && threadFromRow(row);
  }

  async findOpenThread(businessNumberId: string, contactId: string): Promise<Thread | undefined> {
    const row = this.sql.get<ThreadRow>(
      `SELECT ${THREAD_COLUMNS} FROM threads t
       WHERE t.business_number_id = ? AND t.contact_id = ? AND t.open = 1`,
      businessNumberId,
      contactId,
    );
    return row && threadFromRow(row);
  }

  async findLatestThread(businessNumberId: string, contactId: string): Promise<Thread | undefined> {
    const row = this.sql.get<ThreadRow>(
      `SELECT ${THREAD_COLUMNS} FROM threads t
       WHERE t.business_number_id = ? AND t.contact_id = ?
       ORDER BY t.created_at DESC, t.id DESC LIMIT 1`,
      businessNumberId,
      contactId,
    );
    return row && threadFromRow(row);
  }

  async listThreadsForUser(userId: string): Promise<Thread[]> {
    return this.sql.all<ThreadRow>(THREADS_FOR_USER, userId).map(threadFromRow);
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const row = this.sql.get<MessageRow>(
      'SELECT possibly_duplicate, json FROM messages WHERE id = ?',
      id,
    );
    return row && messageFromRow(row);
  }

  async getMessageByWaId(waMessageId: string): Promise<Message | undefined> {
    const row = this.sql.get<MessageRow>(MESSAGE_BY_WA_ID, waMessageId);
    return row && messageFromRow(row);
  }

  async listMessages(threadId: string): Promise<Message[]> {
    return this.sql.all<MessageRow>(MESSAGES_OF_THREAD, threadId).map(messageFromRow);
  }

  // pending queues (issue 11 item 4)
  async listHeldMessages(threadId: string): Promise<Message[]> {
    return heldMessages(this.sql, threadId);
  }

  async listMessagesBetween(range: MessageRange): Promise<MessageInThread[]> {
    // The index range starts at the last row read, not at the start of the period.
    const start = range.after ? Math.max(range.from, range.after.createdAt) : range.from;
    const params: unknown[] = [start, range.to];
    if (range.after !== undefined) {
      params.push(range.after.createdAt, range.after.threadId, range.after.seq);
    }
    if (range.businessNumberId !== undefined) params.push(range.businessNumberId);
    const sql = messagesBetweenSql({
      after: range.after !== undefined,
      number: range.businessNumberId !== undefined,
    });
    return this.sql
      .all<MessageInThreadRow>(sql, ...params, Math.max(0, range.limit))
      .map((row) => ({
        message: messageFromRow(row),
        businessNumberId: row.business_number_id,
        contact: JSON.parse(row.contact) as ContactRef,
      }));
  }

  async apply(transition: Transition, options: ApplyOptions): Promise<void> {
    await this.writes.write(() => applyTransition(this.sql, transition, options, randomUUID));
  }

  async hasHandledEvent(eventKey: string): Promise<boolean> {
    return this.sql.get('SELECT 1 FROM handled_events WHERE event_key = ?', eventKey) !== undefined;
  }

  async claimEventKey(eventKey: string, now: Millis): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.sql.run(
        'INSERT INTO handled_events (event_key, handled_at) VALUES (?, ?) ON CONFLICT (event_key) DO NOTHING',
        eventKey,
        now,
      ),
    );
    return result.changes === 1;
  }

  async markMessagePossiblyDuplicate(id: string): Promise<void> {
    await this.writes.write(() =>
      this.sql.run('UPDATE messages SET possibly_duplicate = 1 WHERE id = ?', id),
    );
  }

  // outbox

  async claimEffects(
    owner: string,
    now: Millis,
    leaseMs: Millis,
    limit: number,
    lane?: Lane, // replycpu (issue 11): one lane's effects
  ): Promise<OutboxItem[]> {
    return this.writes.write(() => leases.claimEffects(this.sql, owner, now, leaseMs, limit, lane));
  }

  async completeEffect(id: string, owner: string): Promise<void> {
    await this.writes.write(() => leases.completeEffect(this.sql, id, owner));
  }

  async retryEffect(id: string, owner: string, notBefore: Millis, error: string): Promise<void> {
    await this.writes.write(() => leases.retryEffect(this.sql, id, owner, notBefore, error));
  }

  async countPendingEffects(threadId?: string): Promise<number> {
    return leases.countPendingEffects(this.sql, threadId);
  }

  // Delivery under load: waiting without counting, budgets shared across instances.

  async deferEffect(id: string, owner: string, notBefore: Millis): Promise<void> {
    leases.deferEffect(this.sql, id, owner, notBefore);
  }

  async takeBudget(
    claims: readonly BudgetClaim[],
    now: Millis,
    leaseMs: Millis,
  ): Promise<BudgetGrant[][]> {
    // budgets: through the group commit, never waiting on another process's lock in SQLite
    // (and no longer switching the connection to synchronous=FULL for good after a lease).
    return this.writes.write(() => budgets.takeBudget(this.sql, claims, now, leaseMs));
  }

  // timers

  async claimDueTimers(
    owner: string,
    now: Millis,
    leaseMs: Millis,
    limit: number,
  ): Promise<TimerItem[]> {
    return this.writes.write(() => leases.claimDueTimers(this.sql, owner, now, leaseMs, limit));
  }

  async completeTimer(id: string, owner: string): Promise<void> {
    await this.writes.write(() => leases.completeTimer(this.sql, id, owner));
  }

  // proof of consent

  async listConsentRecords(filter: {
    businessNumberId?: string;
    contactId?: string;
  }): Promise<ConsentRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.businessNumberId !== undefined) {
      where.push('business_number_id = ?');
      params.push(filter.businessNumberId);
    }
    if (filter.contactId !== undefined) {
      where.push('contact_id = ?');
      params.push(filter.contactId);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.sql
      .all<JsonRow>(`SELECT json FROM consent_records ${clause} ORDER BY at, id`, ...params)
      .map((row) => fromJson<ConsentRecord>(row));
  }

  // Teams cards

  async putMessageCard(card: MessageCard): Promise<void> {
    await this.writes.write(() =>
      this.sql.run(
        `INSERT INTO message_cards (message_id, user_id, activity_id, conversation_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (message_id, user_id) DO UPDATE SET
         activity_id = excluded.activity_id, conversation_id = excluded.conversation_id`,
        card.messageId,
        card.userId,
        card.activityId,
        card.conversationId,
      ),
    );
  }

  async getMessageCard(messageId: string, userId: string): Promise<MessageCard | undefined> {
    const row = this.sql.get<MessageCardRow>(
      'SELECT * FROM message_cards WHERE message_id = ? AND user_id = ?',
      messageId,
      userId,
    );
    return row && messageCardFromRow(row);
  }

  async findMessageCardByActivity(
    userId: string,
    activityId: string,
  ): Promise<MessageCard | undefined> {
    const row = this.sql.get<MessageCardRow>(
      'SELECT * FROM message_cards WHERE user_id = ? AND activity_id = ? ORDER BY message_id LIMIT 1',
      userId,
      activityId,
    );
    return row && messageCardFromRow(row);
  }

  // release (issue 10): conversation cards, updated in place (thread-cards.ts)

  async putThreadCard(card: ThreadCard): Promise<void> {
    await this.writes.write(() => threadCards.putThreadCard(this.sql, card));
  }

  async listThreadCards(threadId: string, userId: string, limit: number): Promise<ThreadCard[]> {
    return threadCards.listThreadCards(this.sql, threadId, userId, limit);
  }

  // gather (issue 11 item 2): gathered cards

  async listMessageCardsByActivity(userId: string, activityId: string): Promise<MessageCard[]> {
    return gather.listMessageCardsByActivity(this.sql, userId, activityId);
  }

  async listWaitingTeamsEffects(
    threadId: string,
    afterSeq: number,
    limit: number,
  ): Promise<OutboxItem[]> {
    return gather.listWaitingTeamsEffects(this.sql, threadId, afterSeq, limit);
  }
  async listMessagesWaitingFor(
    userId: string,
    limit: number,
  ): Promise<{ threadId: string; messageId: string }[]> {
    return gather.listMessagesWaitingFor(this.sql, userId, limit);
  }

  // participation and read positions (issue 8)

  async listParticipations(
    userId: string,
  ): Promise<{ thread: Thread; participation: Participation }[]> {
    return participations.listParticipations(this.sql, userId);
  }

  async getParticipation(threadId: string, userId: string): Promise<Participation | undefined> {
    return participations.getParticipation(this.sql, threadId, userId);
  }

  async markRead(threadId: string, userId: string, seq: number): Promise<void> {
    await this.writes.write(() => {
      // tab (issue 9): a read position that moved is a change for the user's other tabs.
      if (participations.markRead(this.sql, threadId, userId, seq))
        logChange(this.sql, userId, 'thread', threadId, null, Date.now());
    });
  }

  // reply (issue 10 item 1): chat arrivals (chat-arrivals.ts)

  async noteArrival(userId: string, threadId: string, at: Millis): Promise<void> {
    await this.writes.write(() => arrivals.noteArrival(this.sql, userId, threadId, at));
  }

  async clearArrivals(userId: string, upTo: Millis): Promise<void> {
    if (!arrivals.hasArrivals(this.sql, userId, upTo)) return;
    await this.writes.write(() => arrivals.clearArrivals(this.sql, userId, upTo));
  }

  async listArrivals(userId: string): Promise<string[]> {
    return arrivals.listArrivals(this.sql, userId);
  }

  // media

  // media once: media.ts
  putMedia(
    bytes: Uint8Array,
    mimeType: string,
    caption?: string,
    options?: PutMediaOptions,
  ): Promise<MediaRef> {
    return putMediaOnce(this.sql, this.media, bytes, mimeType, caption, options, (work) =>
      this.writes.write(work),
    );
  }

  getMedia(id: string): Promise<{ ref: MediaRef; bytes: Uint8Array } | undefined> {
    return getMediaV9(this.sql, this.media, id);
  }

  /** What group commit did so far (transactions, writes, lock retries). */
  groupCommitStats(): GroupCommitStats {
    return this.writes.counters;
  }

  // tab (issue 9): see tab-queries.ts

  listInbox: Store['listInbox'] = (query) => this.tab.listInbox(query);
  getInboxEntry: Store['getInboxEntry'] = (userId, threadId) =>
    this.tab.getInboxEntry(userId, threadId);
  listMessagePage: Store['listMessagePage'] = (threadId, beforeSeq, limit) =>
    this.tab.listMessagePage(threadId, beforeSeq, limit);
  listChanges: Store['listChanges'] = (userId, afterSeq, limit) =>
    this.tab.listChanges(userId, afterSeq, limit);
  lastChangeSeq: Store['lastChangeSeq'] = (userId) => this.tab.lastChangeSeq(userId);
  listAllUsers: Store['listAllUsers'] = (limit) => this.tab.listAllUsers(limit);

  // query plans and schema migrations (issue 13)

  async explainQuery(query: HotQuery): Promise<QueryPlan> {
    return explainSqlite(this.db, query);
  }

  async schemaMigrations(): Promise<SchemaMigrations> {
    const applied = this.sql
      .all<{ version: number; name: string; applied_at: number }>(
        'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
      )
      .map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at }));
    return { applied, appliedNow: this.appliedNow };
  }

  async close(): Promise<void> {
    // Queued writes commit (or fail) before the file closes: nothing promised is dropped.
    await this.writes.drain();
    await this.writes.close();
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}

interface MessageInThreadRow extends MessageRow {
  business_number_id: string;
  contact: string;
}

interface MessageCardRow {
  message_id: string;
  user_id: string;
  activity_id: string;
  conversation_id: string;
}

function messageCardFromRow(row: MessageCardRow): MessageCard {
  return {
    messageId: row.message_id,
    userId: row.user_id,
    activityId: row.activity_id,
    conversationId: row.conversation_id,
  };
}
