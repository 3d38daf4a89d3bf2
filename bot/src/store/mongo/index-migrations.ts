/**
 * The MongoDB store's indexes, as numbered migrations recorded in the database (the
 * `schema_migrations` collection), like the SQLite store's. Creating indexes at every start
 * failed as soon as an index's options changed (codes 85/86), held up start-up while a large
 * collection was indexed, and let instances starting together collide; now each version runs
 * once, under a lease (`store_locks`), and `npm run admin -- store migrate` runs them ahead
 * of a rollout so that new instances find nothing to do.
 *
 * Never edit a released migration: add the next number. An index whose key or options change
 * gets a new name (create the new one, then drop the old), so that every step is safe to run
 * again and the old index keeps serving the instances still running until the new one exists.
 */
import { randomUUID } from 'node:crypto';
import { HELD_INDEX } from './pending-queue.js';
import { MongoServerError, type Db, type IndexDescription } from 'mongodb';
import {
  runMigrations,
  type MigrationLedger,
  type RunMigrationsOptions,
  type VersionedMigration,
} from '../migration-runner.js';
import { BUDGETS_COLLECTION } from './budgets.js';
import { CHAT_ARRIVALS } from './chat-arrivals.js';
import { DUE_ORDER, LANE_ORDER, ONE_OPEN_THREAD, UNIQUE_WA_MESSAGE_ID } from './collections.js';
import { DURABLE } from './write-concern.js';
import { THREAD_CARDS, THREAD_CARDS_NEWEST } from './thread-cards.js';

export interface IndexMigration {
  readonly version: number;
  readonly name: string;
  up(db: Db): Promise<void>;
}

/** https://www.mongodb.com/docs/manual/reference/error-codes/ */
const NAMESPACE_NOT_FOUND = 26;
const INDEX_NOT_FOUND = 27;
const NAMESPACE_EXISTS = 48;

/** Create indexes (a no-op for those that exist with the same key and options). */
async function create(db: Db, collection: string, indexes: IndexDescription[]): Promise<void> {
  await db.collection(collection).createIndexes(indexes);
}

/** Drop indexes by name, if they exist. */
async function drop(db: Db, collection: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await db.collection(collection).dropIndex(name);
    } catch (error) {
      const code = error instanceof MongoServerError ? error.code : undefined;
      if (code !== INDEX_NOT_FOUND && code !== NAMESPACE_NOT_FOUND) throw error;
    }
  }
}

async function createCollection(db: Db, name: string): Promise<void> {
  try {
    await db.createCollection(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
  }
}

export const INDEX_MIGRATIONS: readonly IndexMigration[] = [
  {
    version: 1,
    // Exactly what the store created at every start before migrations were versioned, so a
    // database that has them runs this as a no-op. Creating an index also creates the
    // collection, which a transaction could not do on servers before 4.4.
    name: 'initial indexes',
    up: async (db) => {
      await create(db, 'organisations', [
        { key: { businessNumberIds: 1 }, name: 'by_business_number' },
      ]);
      await create(db, 'users', [{ key: { tenantId: 1, name: 1, _id: 1 }, name: 'by_tenant' }]);
      await create(db, 'contacts', [{ key: { businessNumberId: 1, phone: 1 }, name: 'by_phone' }]);
      await create(db, 'address_book', [
        { key: { userId: 1, name: 1, contactId: 1 }, name: 'by_user' },
      ]);
      await create(db, 'threads', [
        // A contact sees one chat with the business: one open thread per (number, contact).
        // Partial indexes cannot use $ne, hence the `open` flag rather than state != 'closed'.
        {
          key: ONE_OPEN_THREAD.key,
          name: ONE_OPEN_THREAD.name,
          unique: true,
          partialFilterExpression: { open: true },
        },
        { key: { businessNumberId: 1, contactId: 1, createdAt: -1 }, name: 'by_contact' },
        { key: { participantIds: 1, updatedAt: -1 }, name: 'by_participant' },
      ]);
      await create(db, 'messages', [
        // A WhatsApp message is taken in once; messages not yet accepted have no id. Every
        // lookup repeats the `$type` clause (waMessageIdIs), else the planner skips the index.
        {
          key: UNIQUE_WA_MESSAGE_ID.key,
          name: UNIQUE_WA_MESSAGE_ID.name,
          unique: true,
          partialFilterExpression: { waMessageId: { $type: 'string' } },
        },
        { key: { threadId: 1, seq: 1 }, name: 'by_thread' },
        // The message record export (CDR): by creation time across threads.
        { key: { 'data.createdAt': 1, threadId: 1, seq: 1 }, name: 'by_time' },
      ]);
      await create(db, 'handled_events', [{ key: { handledAt: 1 }, name: 'by_time' }]);
      await create(db, 'outbox', [
        { key: { threadId: 1, seq: 1 }, name: 'thread_order', unique: true },
        { key: { notBefore: 1 }, name: 'by_due' },
      ]);
      await create(db, 'timers', [
        { key: { threadId: 1, timer: 1 }, name: 'one_per_thread', unique: true },
        { key: { at: 1 }, name: 'by_due' },
      ]);
      await create(db, 'consent_records', [
        { key: { businessNumberId: 1, contactId: 1, at: 1 }, name: 'by_contact' },
        { key: { at: 1 }, name: 'by_time' },
      ]);
      await create(db, 'message_cards', [
        { key: { userId: 1, activityId: 1 }, name: 'by_activity' },
      ]);
    },
  },
  {
    version: 2,
    // A sort on fields an index does not end with is done in memory: each sort's tie-breaker
    // (`_id`, or the consent sequence) joins its index. New names, then the old ones go.
    name: 'sort tie-breakers in indexes; consent sequence',
    up: async (db) => {
      await create(db, 'threads', [
        {
          key: { businessNumberId: 1, contactId: 1, createdAt: -1, _id: -1 },
          name: 'by_contact_latest',
        },
        { key: { participantIds: 1, updatedAt: -1, _id: -1 }, name: 'by_participant_recent' },
      ]);
      await drop(db, 'threads', ['by_contact', 'by_participant']);
      await create(db, 'messages', [
        { key: { threadId: 1, seq: 1, _id: 1 }, name: 'by_thread_seq' },
      ]);
      await drop(db, 'messages', ['by_thread']);
      await create(db, 'timers', [{ key: { at: 1, _id: 1 }, name: 'due_order' }]);
      await drop(db, 'timers', ['by_due']);
      // Consent records sort by time, then by a sequence given in the committing transaction
      // (counters), not by ObjectId, which is not monotonic across processes.
      await createCollection(db, 'counters');
      await create(db, 'consent_records', [
        { key: { businessNumberId: 1, contactId: 1, at: 1, seq: 1 }, name: 'by_contact_seq' },
        { key: { at: 1, seq: 1 }, name: 'by_time_seq' },
      ]);
      await drop(db, 'consent_records', ['by_contact', 'by_time']);
    },
  },
  {
    version: 3,
    // Media once (issue 10 item 5, issue 11 item 7): a WhatsApp message's media is kept once,
    // even when two instances take the same webhook at once (media-bucket.ts). Lookups repeat
    // the `$type` clause, as for messages.
    name: 'media kept once per whatsapp message',
    up: async (db) => {
      await create(db, 'media.files', [
        {
          key: { 'metadata.waMessageId': 1 },
          name: 'by_wa_message',
          unique: true,
          partialFilterExpression: { 'metadata.waMessageId': { $type: 'string' } },
        },
      ]);
    },
  },
  {
    version: 4,
    // Delivery under load (issue 11 item 3, issue 13 item 3): each lane's oldest effect, and
    // due effects page by page for claimEffects; the shared send budgets' collection.
    name: 'outbox lanes and due order; send budgets',
    up: async (db) => {
      await create(db, 'outbox', [
        { key: { threadId: 1, 'effect.type': 1, seq: 1 }, name: LANE_ORDER },
        { key: { notBefore: 1, _id: 1 }, name: DUE_ORDER },
      ]);
      await createCollection(db, BUDGETS_COLLECTION);
    },
  },
  {
    version: 5,
    // One application layer (issue 8): who took part in each thread and how far each has read
    // (participations.ts); a business number belongs to one organisation. The number index
    // becomes unique under a new name (an index's options cannot change in place: 85/86).
    name: 'participations; one organisation per business number',
    up: async (db) => {
      await create(db, 'participations', [{ key: { userId: 1, threadId: 1 }, name: 'by_user' }]);
      await create(db, 'organisations', [
        {
          key: { businessNumberIds: 1 },
          name: 'one_organisation_per_number',
          unique: true,
          // Organisations with no number yet are left out (an empty array is a shared key).
          partialFilterExpression: { businessNumberIds: { $type: 'string' } },
        },
      ]);
      await drop(db, 'organisations', ['by_business_number']);
    },
  },
  {
    version: 6,
    // Pending queues that scale (issue 11 item 4): a thread's held messages, in order.
    name: 'held messages by thread',
    up: async (db) => {
      await create(db, 'messages', [HELD_INDEX]);
    },
  },
  {
    version: 7,
    // The personal tab (issue 9, tab.ts): each user's inbox by last activity, the per-user
    // change log live updates stream from, and one text index per collection for search.
    name: 'tab inbox, change log and search',
    up: async (db) => {
      await create(db, 'tab_inbox', [
        { key: { userId: 1, lastActivityAt: -1, threadId: -1 }, name: 'by_activity' },
        { key: { threadId: 1 }, name: 'by_thread' },
      ]);
      await create(db, 'tab_change_seq', [{ key: { seq: 1 }, name: 'by_seq' }]);
      await create(db, 'tab_changes', [
        { key: { userId: 1, seq: 1 }, name: 'by_user', unique: true },
        { key: { at: 1 }, name: 'by_time' },
      ]);
      await create(db, 'threads', [
        { key: { 'data.contact.name': 'text', 'data.contact.phone': 'text' }, name: 'tab_search' },
      ]);
      await create(db, 'messages', [
        { key: { 'data.body': 'text', 'data.media.caption': 'text' }, name: 'tab_search' },
      ]);
    },
  },
  {
    version: 8,
    // Operate it (issue 12, ops.ts): job leases found by owner at shutdown, alarms by state,
    // suppressions (opt-outs kept past erasure) by time, and final messages by age for
    // retention. Creating an index creates the collection too.
    name: 'ops: job leases, alarms, suppressions, retention by status and age',
    up: async (db) => {
      await create(db, 'job_leases', [{ key: { owner: 1 }, name: 'by_owner' }]);
      await create(db, 'alarms', [{ key: { 'data.state': 1 }, name: 'by_state' }]);
      await create(db, 'suppressions', [{ key: { at: 1 }, name: 'by_time' }]);
      await create(db, 'messages', [
        { key: { 'data.status': 1, 'data.createdAt': 1 }, name: 'by_status_time' },
      ]);
    },
  },
  {
    version: 9,
    // reply (issue 10 item 1): a user's chat arrivals, oldest first (chat-arrivals.ts).
    name: 'chat arrivals by user',
    up: async (db) => {
      await create(db, CHAT_ARRIVALS, [
        { key: { userId: 1, at: 1, threadId: 1 }, name: 'by_user' },
      ]);
    },
  },
  {
    version: 10,
    // release (issue 10, thread-cards.ts): a user's newest conversation cards for a thread.
    name: 'conversation cards by thread, user and age',
    up: async (db) => {
      await create(db, THREAD_CARDS, [{ key: { ...THREAD_CARDS_NEWEST }, name: 'newest' }]);
    },
  },
];

/** The ledger in the database: `schema_migrations` records, the lease in `store_locks`. */
export class MongoMigrationLedger implements MigrationLedger {
  static readonly LOCK_ID = 'index_migrations';

  constructor(private readonly db: Db) {}

  private get records() {
    return this.db.collection<{ _id: number; name: string; appliedAt: number }>(
      'schema_migrations',
    );
  }

  private get locks() {
    return this.db.collection<{ _id: string; owner: string | null; leaseUntil: number }>(
      'store_locks',
    );
  }

  async applied(): Promise<ReadonlySet<number>> {
    const docs = await this.records.find({}, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((doc) => doc._id));
  }

  async list(): Promise<{ version: number; name: string; appliedAt: number }[]> {
    const docs = await this.records.find({}).sort({ _id: 1 }).toArray();
    return docs.map((doc) => ({ version: doc._id, name: doc.name, appliedAt: doc.appliedAt }));
  }

  async acquire(owner: string, now: number, leaseMs: number): Promise<boolean> {
    try {
      // Free, expired or ours: take it. Held by someone else: the filter misses, the upsert
      // tries to insert the same _id and the unique _id refuses it.
      await this.locks.updateOne(
        {
          _id: MongoMigrationLedger.LOCK_ID,
          $or: [{ owner: null }, { owner }, { leaseUntil: { $lte: now } }],
        },
        { $set: { owner, leaseUntil: now + leaseMs } },
        { upsert: true, ...DURABLE },
      );
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async renew(owner: string, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.locks.updateOne(
      { _id: MongoMigrationLedger.LOCK_ID, owner },
      { $set: { leaseUntil: now + leaseMs } },
      DURABLE,
    );
    return result.matchedCount === 1;
  }

  async release(owner: string): Promise<void> {
    await this.locks.updateOne(
      { _id: MongoMigrationLedger.LOCK_ID, owner },
      { $set: { owner: null, leaseUntil: 0 } },
      DURABLE,
    );
  }

  async record(migration: { version: number; name: string }, now: number): Promise<void> {
    await this.records.updateOne(
      { _id: migration.version },
      { $setOnInsert: { name: migration.name, appliedAt: now } },
      { upsert: true, ...DURABLE },
    );
  }
}

/** Bring the database's indexes up to date; returns the versions applied by this call. */
export async function migrateIndexes(
  db: Db,
  options: Partial<RunMigrationsOptions> = {},
  migrations: readonly IndexMigration[] = INDEX_MIGRATIONS,
): Promise<number[]> {
  const bound: VersionedMigration[] = migrations.map((m) => ({
    version: m.version,
    name: m.name,
    up: () => m.up(db),
  }));
  return runMigrations(new MongoMigrationLedger(db), bound, {
    owner: `${randomUUID()}`,
    leaseMs: 60_000,
    heartbeatMs: 20_000,
    pollMs: 1_000,
    // An index build on a large collection takes a while; the deploy step runs it ahead.
    maxWaitMs: 10 * 60_000,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...options,
  });
}
