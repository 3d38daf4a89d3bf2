/**
 * Migration 7 on a store that already holds conversations: their participants find them in
 * the tab, by name, number and text, with the unread number of the application layer's read
 * position (what the bot's list shows), and new changes are logged from there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import { aContact, aMessage, aThread, ana, T0 } from '../../contract/store-fixtures.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('migration 7 on existing data', () => {
  it('puts existing threads in their participants’ inboxes and in the search index', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wa4t-m7-'));
    const file = join(dir, 'store.db');
    const before = new SqliteStore(file);
    const thread = aThread('t-old', { contact: aContact(7), nextSeq: 3 });
    const inbound = aMessage(thread, 2, {
      direction: 'inbound',
      kind: 'inbound',
      author: undefined,
      status: 'received',
      body: 'Where is my parcel?',
      createdAt: T0 + 5,
    });
    await before.apply(
      { thread, messages: [aMessage(thread, 1, { body: 'Hello there' }), inbound], effects: [] },
      { now: T0 + 5 },
    );
    await before.close();

    // As the store was before migration 7.
    const db = new Database(file);
    db.exec(`
      DROP TRIGGER tab_search_thread; DROP TRIGGER tab_search_message;
      DROP TABLE tab_search; DROP TABLE tab_threads; DROP TABLE tab_inbox;
      DROP TABLE tab_changes; DROP TABLE tab_change_seq;
      DELETE FROM schema_migrations WHERE version = 7;
    `);
    db.close();

    const after = new SqliteStore(file);
    try {
      const find = async (q?: string) =>
        (await after.listInbox({ userId: ana.id, q, limit: 10, now: T0 + 10 })).map((e) => [
          e.thread.id,
          e.unread,
          e.lastActivityAt,
        ]);
      // Ana has not read the contact's question: one unread, as her read position says.
      expect((await after.getParticipation('t-old', ana.id))?.lastReadSeq).toBe(0);
      expect(await find()).toEqual([['t-old', 1, T0 + 5]]);
      expect(await find('parcel')).toEqual([['t-old', 1, T0 + 5]]);
      expect(await find('Customer 7')).toEqual([['t-old', 1, T0 + 5]]);
      expect(await find('34600000007')).toEqual([['t-old', 1, T0 + 5]]);
      await after.markRead('t-old', ana.id, 2);
      expect(await find()).toEqual([['t-old', 0, T0 + 5]]);
      expect(await find('elephant')).toEqual([]);
      const stored = (await after.getThread('t-old'))!;
      await after.apply(
        { thread: stored, messages: [aMessage(stored, 3, { body: 'elephant' })], effects: [] },
        { expectedVersion: 1, now: T0 + 20 },
      );
      // The read (a thread change), then the new message's thread and message changes.
      expect(await after.listChanges(ana.id, 0, 10)).toHaveLength(3);
      expect(await find('elephant')).toHaveLength(1);
    } finally {
      await after.close();
    }
  });
});
