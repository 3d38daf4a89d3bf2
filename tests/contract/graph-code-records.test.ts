/**
 * WhatsApp's numeric error code on a failed message is `failure.graphCode` (issue 8). A
 * database written before the rename kept it as `failure.code`: such a message still reads
 * with its code and its reason, on both stores, without a migration.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { exportMessages, MESSAGE_COLUMNS } from '../../bot/src/admin/exports.js';
import { messageView } from '../../bot/src/http/tab-api/views.js';
import { MongoStore } from '../../bot/src/store/mongo/mongo-store.js';
import type { Store } from '../../bot/src/store/port.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { aMessage, aThread, create, MINUTE, T0 } from './store-fixtures.js';

const UNDELIVERABLE =
  'WhatsApp could not reach this number: it may not be on WhatsApp, may have blocked your business, or may need to update the app.';

const thread = aThread('t-old');
const failed = aMessage(thread, 1, {
  status: 'failed',
  statusTimes: { pending: T0, failed: T0 + 1000 },
  failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
});

/** What a user and an admin read of the failed message, through the store. */
async function expectReadsAsFailed(store: Store): Promise<void> {
  const message = await store.getMessage(failed.id);
  expect(message?.failure).toEqual({
    graphCode: 131026,
    kind: 'other',
    reasonKey: 'reason.undeliverable',
  });
  expect(message?.failure).not.toHaveProperty('code');
  expect((await store.listMessages(thread.id))[0]?.failure?.graphCode).toBe(131026);
  // The tab shows the code and the reason.
  const view = messageView(message!, {
    now: T0,
    mediaUrl: (id) => `/media/${id}`,
    displayNumber: (id) => id,
    businessName: 'Contoso',
  });
  expect(view.failure).toEqual({
    graphCode: 131026,
    reasonKey: 'reason.undeliverable',
  });
  // The admin's message record (CDR) carries the code and the reason in words.
  let csv = '';
  await exportMessages(
    store,
    async (text) => {
      csv += text;
    },
    { from: T0 - MINUTE, to: T0 + MINUTE, withText: false },
  );
  const [header, row] = csv.trim().split('\r\n');
  const cells = row!.split(',');
  expect(header!.split(',')).toEqual([...MESSAGE_COLUMNS]);
  expect(cells[MESSAGE_COLUMNS.indexOf('failure_code')]).toBe('131026');
  expect(row).toContain(UNDELIVERABLE);
}

describe('a failed message written before graphCode (SQLite)', () => {
  const root = mkdtempSync(join(tmpdir(), 'wa-teams-graph-code-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads its old `failure.code` as graphCode', async () => {
    const file = join(root, 'old.db');
    const writer = new SqliteStore(file);
    await create(writer, thread, { messages: [failed] });
    await writer.close();
    // Rewrite the row as the previous version stored it.
    const db = new Database(file);
    db.prepare(
      `UPDATE messages SET json = json_remove(
         json_set(json, '$.failure.code', json_extract(json, '$.failure.graphCode')),
         '$.failure.graphCode')`,
    ).run();
    const stored = db.prepare('SELECT json FROM messages').get() as { json: string };
    expect(JSON.parse(stored.json).failure).toEqual({
      code: 131026,
      kind: 'other',
      reasonKey: 'reason.undeliverable',
    });
    db.close();

    const store = new SqliteStore(file);
    try {
      await expectReadsAsFailed(store);
    } finally {
      await store.close();
    }
  });
});

const uri = process.env.MONGODB_URI;

describe.skipIf(!uri)(
  'a failed message written before graphCode (MongoDB at MONGODB_URI; skipped when unset)',
  () => {
    const dbName = `wat_graph_code_${randomUUID().slice(0, 8)}`;
    afterAll(async () => {
      const client = new MongoClient(uri ?? '');
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    });

    it('reads its old `failure.code` as graphCode', async () => {
      const store = await MongoStore.connect(uri ?? '', { dbName });
      const client = new MongoClient(uri ?? '');
      try {
        await create(store, thread, { messages: [failed] });
        const messages = client.db(dbName).collection('messages');
        await messages.updateMany(
          {},
          { $rename: { 'data.failure.graphCode': 'data.failure.code' } },
        );
        const raw = await messages.findOne({});
        expect(raw?.data.failure).toEqual({
          code: 131026,
          kind: 'other',
          reasonKey: 'reason.undeliverable',
        });
        await expectReadsAsFailed(store);
      } finally {
        await client.close();
        await store.close();
      }
    });
  },
);
