/**
 * Migration 6 (pending queues that scale): a database written when a thread listed its held
 * message ids in its JSON opens with the same queue, now kept as held messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../../bot/src/store/sqlite/migrations.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { aMessage, aThread, T0 } from './store-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'wa-teams-migration6-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('keeps a queue listed in the thread as held messages, in order, and counts it', async () => {
  const file = join(root, 'old.db');
  const db = new Database(file);
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version < 6),
  );
  const t = aThread('t1', { nextSeq: 4 });
  const { pendingCount: _count, ...rest } = t;
  const oldThread = { ...rest, pending: ['t1:3', 't1:2'], version: 1 };
  db.prepare(
    `INSERT INTO threads (id, business_number_id, contact_id, state, open, version, outbox_seq,
                          created_at, updated_at, json)
     VALUES ('t1', ?, ?, 'awaiting_consent', 1, 1, 0, ?, ?, ?)`,
  ).run(t.businessNumberId, t.contact.id, T0, T0, JSON.stringify(oldThread));
  for (const seq of [1, 2, 3]) {
    const m = aMessage(t, seq, { body: `message ${seq}` });
    db.prepare(
      'INSERT INTO messages (id, thread_id, seq, created_at, json) VALUES (?, ?, ?, ?, ?)',
    ).run(m.id, 't1', seq, T0, JSON.stringify(m));
  }
  db.close();

  const store = new SqliteStore(file);
  try {
    const thread = await store.getThread('t1');
    expect(thread?.pendingCount).toBe(2);
    expect(thread).not.toHaveProperty('pending');
    const held = await store.listHeldMessages('t1');
    expect(held.map((m) => [m.body, m.held])).toEqual([
      ['message 2', true],
      ['message 3', true],
    ]);
    expect((await store.getMessage('t1:1'))?.held).toBeUndefined();
  } finally {
    await store.close();
  }
});
