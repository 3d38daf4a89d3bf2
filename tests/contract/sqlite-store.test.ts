/**
 * The store contract against SQLite in a temporary file (so WAL and two connections are
 * real), plus what only the embedded store has: its file, its migrations, its media folder.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, SQLITE_FILE_NAME } from '../../bot/src/store/open-store.js';
import { migrate, MIGRATIONS } from '../../bot/src/store/sqlite/migrations.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { describeStoreContract } from './store-contract.js';
import { aMessage, aThread, change, MINUTE, notify, schedule, T0 } from './store-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'wa-teams-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh data directory for each store. */
function dataDir(): string {
  return mkdtempSync(join(root, `${++n}-`));
}

describeStoreContract(
  'SQLite',
  async () => new SqliteStore(join(dataDir(), SQLITE_FILE_NAME)),
  async () => {
    const file = join(dataDir(), SQLITE_FILE_NAME);
    return [new SqliteStore(file), new SqliteStore(file)] as const;
  },
);

describe('SQLite store file', () => {
  it('runs in WAL mode with a busy timeout', async () => {
    const file = join(dataDir(), SQLITE_FILE_NAME);
    const store = new SqliteStore(file);
    const db = new Database(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(existsSync(`${file}-wal`)).toBe(true);
    } finally {
      db.close();
      await store.close();
    }
  });

  it('applies its migrations once: opening an existing database again applies none', async () => {
    const file = join(dataDir(), SQLITE_FILE_NAME);
    await new SqliteStore(file).close();
    const db = new Database(file);
    try {
      const recorded = () =>
        db
          .prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')
          .all();
      const first = recorded();
      expect(first).toHaveLength(MIGRATIONS.length);
      await new SqliteStore(file).close();
      expect(migrate(db)).toEqual([]);
      expect(recorded()).toEqual(first);
    } finally {
      db.close();
    }
  });

  it('applies a new migration to an existing database, after the ones it has', () => {
    const db = new Database(':memory:');
    try {
      expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
      const next = {
        // Above every number in use (branches reserve sparse numbers).
        version: Math.max(...MIGRATIONS.map((m) => m.version)) + 1,
        name: 'notes',
        sql: 'CREATE TABLE notes (id TEXT PRIMARY KEY)',
      };
      expect(migrate(db, [...MIGRATIONS, next])).toEqual([next.version]);
      expect(migrate(db, [...MIGRATIONS, next])).toEqual([]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'notes'").get()).toEqual({
        name: 'notes',
      });
    } finally {
      db.close();
    }
  });

  it('gives messages stored before migration 3 their creation time, so the CDR finds them', async () => {
    const file = join(dataDir(), SQLITE_FILE_NAME);
    const thread = aThread('t1');
    const message = aMessage(thread, 1, { createdAt: T0 + MINUTE });
    const db = new Database(file);
    try {
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version < 3),
      );
      // What the version 2 store wrote: no created_at column.
      db.prepare(
        `INSERT INTO threads (id, business_number_id, contact_id, state, open, version,
                              outbox_seq, created_at, updated_at, json)
         VALUES ('t1', ?, ?, 'active', 1, 1, 0, ?, ?, ?)`,
      ).run(thread.businessNumberId, thread.contact.id, T0, T0, JSON.stringify(thread));
      db.prepare(
        `INSERT INTO messages (id, thread_id, seq, wa_message_id, possibly_duplicate, json)
         VALUES ('t1:1', 't1', 1, NULL, 0, ?)`,
      ).run(JSON.stringify(message));
    } finally {
      db.close();
    }
    const store = new SqliteStore(file);
    try {
      expect(
        await store.listMessagesBetween({ from: T0 + MINUTE, to: T0 + 2 * MINUTE, limit: 9 }),
      ).toEqual([{ message, businessNumberId: thread.businessNumberId, contact: thread.contact }]);
      expect(await store.listMessagesBetween({ from: T0, to: T0 + MINUTE, limit: 9 })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('keeps the participants of threads stored before migration 4, with everything so far read', async () => {
    const file = join(dataDir(), SQLITE_FILE_NAME);
    const thread = aThread('t1');
    const db = new Database(file);
    try {
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version < 4),
      );
      db.prepare(
        `INSERT INTO threads (id, business_number_id, contact_id, state, open, version,
                              outbox_seq, created_at, updated_at, json)
         VALUES ('t1', ?, ?, 'active', 1, 1, 0, ?, ?, ?)`,
      ).run(thread.businessNumberId, thread.contact.id, T0, T0, JSON.stringify(thread));
      for (const seq of [1, 2])
        db.prepare(
          `INSERT INTO messages (id, thread_id, seq, wa_message_id, possibly_duplicate, created_at, json)
           VALUES (?, 't1', ?, NULL, 0, ?, ?)`,
        ).run(`t1:${seq}`, seq, T0, JSON.stringify(aMessage(thread, seq)));
      db.prepare(`INSERT INTO thread_participants (user_id, thread_id) VALUES (?, 't1')`).run(
        thread.participants[0]!.id,
      );
    } finally {
      db.close();
    }
    const store = new SqliteStore(file);
    try {
      expect(await store.getParticipation('t1', thread.participants[0]!.id)).toEqual({
        threadId: 't1',
        userId: thread.participants[0]!.id,
        joinedAt: T0,
        lastReadSeq: 2,
      });
    } finally {
      await store.close();
    }
  });

  it('keeps threads, messages, the outbox, timers and pictures across a close and reopen', async () => {
    const dir = dataDir();
    const file = join(dir, SQLITE_FILE_NAME);
    const thread = aThread('t1');
    const message = aMessage(thread, 1, { waMessageId: 'wamid.K1' });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

    const before = new SqliteStore(file);
    await before.apply(
      change(thread, {
        messages: [message],
        effects: [notify(thread, 'kept'), schedule(thread, T0 + MINUTE)],
      }),
      {
        now: T0,
        eventKey: 'evt-1',
      },
    );
    const [leased] = await before.claimEffects('crashed-instance', T0, MINUTE, 1);
    const ref = await before.putMedia(bytes, 'image/jpeg');
    await before.close();

    // Pictures live in DATA_DIR/media/<id>.
    expect(Buffer.from(readFileSync(join(dir, 'media', ref.id))).equals(Buffer.from(bytes))).toBe(
      true,
    );

    const after = new SqliteStore(file);
    try {
      expect(await after.getThread('t1')).toEqual({ ...thread, version: 1 });
      expect(await after.getMessageByWaId('wamid.K1')).toEqual(message);
      expect(await after.hasHandledEvent('evt-1')).toBe(true);
      expect(await after.claimEffects('restarted', T0 + MINUTE, MINUTE, 1)).toEqual([
        { ...leased, recovered: true },
      ]);
      expect(await after.claimDueTimers('restarted', T0 + MINUTE, MINUTE, 1)).toMatchObject([
        { threadId: 't1', at: T0 + MINUTE },
      ]);
      const media = await after.getMedia(ref.id);
      expect(media?.ref).toEqual(ref);
      expect(Buffer.from(media!.bytes).equals(Buffer.from(bytes))).toBe(true);
    } finally {
      await after.close();
    }
  });

  it('works in memory, pictures included', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await store.apply(change(aThread('t1')), { now: T0 });
      expect(await store.getThread('t1')).toMatchObject({ version: 1 });
      const ref = await store.putMedia(new Uint8Array([7, 7, 7]), 'image/png', 'seven');
      expect(Array.from((await store.getMedia(ref.id))!.bytes)).toEqual([7, 7, 7]);
    } finally {
      await store.close();
    }
  });

  it('is what openStore gives without a MongoDB URI, at DATA_DIR/whatsapp-teams.db', async () => {
    const dir = join(dataDir(), 'not-yet-there');
    const store = await openStore({ dataDir: dir });
    try {
      expect(store).toBeInstanceOf(SqliteStore);
      expect((store as SqliteStore).file).toBe(join(dir, SQLITE_FILE_NAME));
      expect(existsSync(join(dir, SQLITE_FILE_NAME))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
