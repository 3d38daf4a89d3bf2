/**
 * Numbered schema migrations for the SQLite store. Each runs once, in order, in its own
 * transaction, and is recorded in `schema_migrations`; never edit a released migration,
 * add the next number instead.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE organisations (
        tenant_id TEXT PRIMARY KEY,
        json TEXT NOT NULL
      );
      CREATE TABLE business_numbers (
        phone_number_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL
      );
      CREATE INDEX business_numbers_by_tenant ON business_numbers (tenant_id);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX users_by_tenant ON users (tenant_id, name, id);

      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        business_number_id TEXT NOT NULL,
        phone TEXT NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX contacts_by_phone ON contacts (business_number_id, phone);

      CREATE TABLE address_book (
        user_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (user_id, contact_id)
      );

      CREATE TABLE threads (
        id TEXT PRIMARY KEY,
        business_number_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        state TEXT NOT NULL,
        open INTEGER NOT NULL,
        version INTEGER NOT NULL,
        outbox_seq INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        json TEXT NOT NULL
      );
      -- At most one open thread per (business number, contact): the contact sees one chat.
      CREATE UNIQUE INDEX threads_one_open ON threads (business_number_id, contact_id) WHERE open = 1;
      CREATE INDEX threads_by_contact ON threads (business_number_id, contact_id, created_at);

      CREATE TABLE thread_participants (
        user_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        PRIMARY KEY (user_id, thread_id)
      );
      CREATE INDEX thread_participants_by_thread ON thread_participants (thread_id);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        thread_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        wa_message_id TEXT,
        possibly_duplicate INTEGER NOT NULL DEFAULT 0,
        json TEXT NOT NULL
      );
      CREATE UNIQUE INDEX messages_by_wa_id ON messages (wa_message_id) WHERE wa_message_id IS NOT NULL;
      CREATE INDEX messages_by_thread ON messages (thread_id, seq);

      CREATE TABLE handled_events (
        event_key TEXT PRIMARY KEY,
        handled_at INTEGER NOT NULL
      );

      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        thread_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        effect TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before INTEGER NOT NULL,
        owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (thread_id, seq)
      );
      CREATE INDEX outbox_by_due ON outbox (not_before);

      CREATE TABLE timers (
        id TEXT PRIMARY KEY,
        thread_id TEXT NOT NULL,
        timer TEXT NOT NULL,
        at INTEGER NOT NULL,
        owner TEXT,
        lease_until INTEGER,
        UNIQUE (thread_id, timer)
      );
      CREATE INDEX timers_by_due ON timers (at);

      CREATE TABLE consent_records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        business_number_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX consent_records_by_contact ON consent_records (business_number_id, contact_id, at);
      CREATE INDEX consent_records_by_time ON consent_records (at);

      CREATE TABLE media (
        id TEXT PRIMARY KEY,
        mime_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        caption TEXT,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'teams message cards',
    sql: `
      -- The card each user sees for a message, updated in place as receipts arrive.
      CREATE TABLE message_cards (
        message_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        activity_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        PRIMARY KEY (message_id, user_id)
      );
      CREATE INDEX message_cards_by_activity ON message_cards (user_id, activity_id);
    `,
  },
  {
    version: 3,
    name: 'messages by time',
    sql: `
      -- The message record export (CDR) reads messages by creation time across threads.
      ALTER TABLE messages ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
      UPDATE messages SET created_at = json_extract(json, '$.createdAt');
      CREATE INDEX messages_by_time ON messages (created_at, thread_id, seq);
    `,
  },
  {
    version: 4,
    name: 'participation history and read positions',
    sql: `
      -- Who took part in a thread and when (a participant who left keeps their row, with
      -- left_at), and how far each has read. Existing rows are current participants who have
      -- read everything so far.
      ALTER TABLE thread_participants ADD COLUMN joined_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE thread_participants ADD COLUMN left_at INTEGER;
      ALTER TABLE thread_participants ADD COLUMN last_read_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE thread_participants SET
        joined_at = (SELECT created_at FROM threads WHERE threads.id = thread_participants.thread_id),
        last_read_seq = (SELECT COALESCE(MAX(seq), 0) FROM messages
                         WHERE messages.thread_id = thread_participants.thread_id);
    `,
  },
  // Delivery under load (issue 11): outbox lanes, and budgets shared across instances.
  {
    version: 5,
    name: 'outbox lanes and shared send budgets',
    sql: `
      -- Each thread has a WhatsApp lane and a Teams lane, each handed out in order. A virtual
      -- column, so rows written by any version of the insert get their lane.
      ALTER TABLE outbox ADD COLUMN lane TEXT GENERATED ALWAYS AS (
        CASE json_extract(effect, '$.type') WHEN 'send_to_contact' THEN 'whatsapp' ELSE 'teams' END
      ) VIRTUAL;
      CREATE INDEX outbox_lane_order ON outbox (thread_id, lane, seq);
      -- Send budgets shared by every instance: slots taken per (budget, window, block of time).
      CREATE TABLE budget_blocks (
        budget TEXT NOT NULL,
        window_ms INTEGER NOT NULL,
        block INTEGER NOT NULL,
        used INTEGER NOT NULL,
        PRIMARY KEY (budget, window_ms, block)
      ) WITHOUT ROWID;
    `,
  },
  // pending queues (issue 11 item 4)
  {
    version: 6,
    name: 'pending queue as held messages',
    sql: `
      -- A held message is flagged on its own row instead of listed in its thread's JSON, so
      -- holding one more costs the same whatever the queue's length.
      ALTER TABLE messages ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
      UPDATE messages SET held = 1, json = json_set(json, '$.held', json('true'))
      WHERE id IN (SELECT p.value FROM threads t, json_each(t.json, '$.pending') p);
      UPDATE threads SET json = json_set(json_remove(json, '$.pending'), '$.pendingCount',
                                         coalesce(json_array_length(json, '$.pending'), 0));
      CREATE INDEX messages_held ON messages (thread_id, seq) WHERE held = 1;
      `,
  },
  // --- tab (issue 9): inboxes, the per-user change log, full-text search ------------------
  // (read positions are the application layer's: thread_participants.last_read_seq)
  {
    version: 7,
    name: 'tab inbox, change log and search',
    sql: `
      -- Each thread a user takes or took part in, by last activity: the tab's list.
      CREATE TABLE tab_inbox (
        user_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        participating INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, thread_id)
      );
      CREATE INDEX tab_inbox_by_activity ON tab_inbox (user_id, last_activity_at DESC, thread_id DESC);
      CREATE INDEX tab_inbox_by_thread ON tab_inbox (thread_id);

      -- The per-user change log live updates stream from, written with each commit.
      CREATE TABLE tab_change_seq (
        user_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
      );
      CREATE TABLE tab_changes (
        user_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        message_id TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (user_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX tab_changes_by_time ON tab_changes (at);

      -- Full-text search over the contact's name and number and every message's text. Each
      -- row's rowid is (thread number << 24) + message seq (0: the contact), so a match names
      -- its thread from the index alone; contentless: the text itself stays in messages.
      CREATE TABLE tab_threads (
        n INTEGER PRIMARY KEY,
        thread_id TEXT NOT NULL UNIQUE
      );
      CREATE VIRTUAL TABLE tab_search USING fts5(
        text, content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER tab_search_thread AFTER INSERT ON threads BEGIN
        INSERT OR IGNORE INTO tab_threads (thread_id) VALUES (NEW.id);
        INSERT OR REPLACE INTO tab_search (rowid, text) VALUES (
          (SELECT n FROM tab_threads WHERE thread_id = NEW.id) << 24,
          coalesce(json_extract(NEW.json, '$.contact.name'), '') || ' ' ||
            coalesce(json_extract(NEW.json, '$.contact.phone'), ''));
      END;
      CREATE TRIGGER tab_search_message AFTER INSERT ON messages
      WHEN NEW.seq BETWEEN 1 AND 16777215 AND
        coalesce(json_extract(NEW.json, '$.body'), json_extract(NEW.json, '$.media.caption')) IS NOT NULL
      BEGIN
        INSERT OR IGNORE INTO tab_threads (thread_id) VALUES (NEW.thread_id);
        INSERT OR REPLACE INTO tab_search (rowid, text) VALUES (
          ((SELECT n FROM tab_threads WHERE thread_id = NEW.thread_id) << 24) + NEW.seq,
          coalesce(json_extract(NEW.json, '$.body'), json_extract(NEW.json, '$.media.caption')));
      END;

      INSERT INTO tab_threads (thread_id) SELECT id FROM threads ORDER BY created_at, id;
      INSERT INTO tab_search (rowid, text)
        SELECT k.n << 24,
               coalesce(json_extract(t.json, '$.contact.name'), '') || ' ' ||
                 coalesce(json_extract(t.json, '$.contact.phone'), '')
        FROM threads t JOIN tab_threads k ON k.thread_id = t.id;
      INSERT INTO tab_search (rowid, text)
        SELECT (k.n << 24) + m.seq,
               coalesce(json_extract(m.json, '$.body'), json_extract(m.json, '$.media.caption'))
        FROM messages m JOIN tab_threads k ON k.thread_id = m.thread_id
        WHERE m.seq BETWEEN 1 AND 16777215 AND
          coalesce(json_extract(m.json, '$.body'), json_extract(m.json, '$.media.caption')) IS NOT NULL;
      -- Threads from before: everyone who takes or took part in them sees them.
      INSERT INTO tab_inbox (user_id, thread_id, participating, last_activity_at)
        SELECT p.user_id, p.thread_id, CASE WHEN p.left_at IS NULL THEN 1 ELSE 0 END,
               coalesce((SELECT max(m.created_at) FROM messages m WHERE m.thread_id = t.id), t.created_at)
        FROM thread_participants p JOIN threads t ON t.id = p.thread_id;
    `,
  },
  // ops (issue 12): readiness probe, job leases, alarm records.
  {
    version: 8,
    name: 'operations: probe, job leases, alarms',
    sql: `
      CREATE TABLE ops_probe (owner TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE TABLE job_leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until INTEGER NOT NULL
      );
      CREATE TABLE alarms (key TEXT PRIMARY KEY, json TEXT NOT NULL);
      -- An opt-out that survives the contact's erasure, keyed by a hash of the number.
      CREATE TABLE suppressions (key TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE INDEX messages_by_status_time ON messages (json_extract(json, '$.status'), created_at);
    `,
  },
  // media: every inbound media kind, kept once per WhatsApp message (issue 10 item 5, 11 item 7)
  {
    version: 9,
    name: 'media kept once per whatsapp message, with file names',
    sql: `
      ALTER TABLE media ADD COLUMN filename TEXT;
      ALTER TABLE media ADD COLUMN wa_message_id TEXT;
      CREATE UNIQUE INDEX media_by_wa_message ON media (wa_message_id) WHERE wa_message_id IS NOT NULL;
      `,
  },
  {
    version: 10,
    name: 'hot queries in index order',
    sql: `
      -- Each hot query reads its rows in the order it returns them, so a claim or a page stops
      -- after LIMIT rows instead of sorting every candidate (contract-query-plans.ts checks).
      CREATE INDEX IF NOT EXISTS timers_due_order ON timers (at, id);
      DROP INDEX IF EXISTS timers_by_due;
      CREATE INDEX IF NOT EXISTS messages_thread_order ON messages (thread_id, seq, id);
      DROP INDEX IF EXISTS messages_by_thread;
      CREATE INDEX IF NOT EXISTS outbox_due_order ON outbox (not_before, created_at, thread_id, seq);
      DROP INDEX IF EXISTS outbox_by_due;
    `,
  },
  // reply (issue 10 item 1): what arrived in each user's chat since they last worked, kept
  // across restarts and shared by every process on the file (chat-arrivals.ts).
  {
    version: 11,
    name: 'chat arrivals since the user last worked',
    sql: `
      CREATE TABLE chat_arrivals (
        user_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (user_id, thread_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    // release (issue 10)
    version: 12,
    name: 'conversation cards kept per thread and user',
    sql: `
      -- The cards showing a thread's state in each user's chat, updated in place when the
      -- state changes (thread-cards.ts); the rowid orders them, newest last.
      CREATE TABLE IF NOT EXISTS thread_cards (
        thread_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        activity_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS thread_cards_by_user
        ON thread_cards (thread_id, user_id, activity_id);
    `,
  },
  {
    // keepboth (issue 10 item 4)
    version: 13,
    name: "a user's other names for a contact",
    sql: `
      -- "Keep both": the user's other names for one of their contacts, a JSON array of
      -- strings (NULL: none). Per user, like the name, and erased with the entry.
      ALTER TABLE address_book ADD COLUMN aliases TEXT;
    `,
  },
  {
    // replycpu (issue 11): the dispatcher claims each lane on its own (effects waiting for
    // Teams' slots never take the WhatsApp sends' places); each lane's due effects in order.
    version: 14,
    name: 'outbox due order per lane',
    sql: `
      CREATE INDEX IF NOT EXISTS outbox_lane_due
        ON outbox (lane, not_before, created_at, thread_id, seq);
    `,
  },
];

/**
 * Bring the schema up to date and return the versions applied now (empty when it already
 * was). Runs under the write lock, so two processes opening one file apply each once.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): number[] {
  const run = db.transaction((): number[] => {
    // Inside the write transaction: another process opening the same new file at the same
    // moment waits for it (busy_timeout) instead of failing on a read it would have to upgrade.
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    // Every migration not yet recorded runs, not only those above the highest recorded:
    // branches developed side by side may land their numbers out of order.
    const done = new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
