/**
 * Group commit as WhatsApp sees it (issue 11 item 6): many webhooks at once share durable
 * transactions, yet each is answered 200 only once its own message is kept, a message that
 * cannot be kept fails only its own request (503, WhatsApp delivers it again), and a message
 * delivered twice in the same burst is kept once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../bot/src/config/config.js';
import { SQLITE_FILE_NAME } from '../../bot/src/store/open-store.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { startTestProduct, type TestProduct } from './support/test-product.js';
import { inboundTextWebhook, signWebhook } from './support/whatsapp-webhooks.js';

const root = mkdtempSync(join(tmpdir(), 'wa-teams-group-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let product: TestProduct | undefined;
afterEach(async () => {
  await product?.stop();
  product = undefined;
});

const BN = SANDBOX_CREDENTIALS.phoneNumberId;
const phone = (i: number) => `44770090${String(1000 + i)}`;

it('answers a burst of webhooks from many contacts after each own commit, failing only the one that cannot be kept', async () => {
  const file = join(root, SQLITE_FILE_NAME);
  const store = new SqliteStore(file);
  product = await startTestProduct({ store });
  // A message the database itself refuses, inside whatever batch it lands in.
  const admin = new Database(file);
  admin.exec(`CREATE TRIGGER refuse_poison BEFORE INSERT ON messages
              WHEN json_extract(NEW.json, '$.body') = 'poison'
              BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  admin.close();

  const bodies = Array.from({ length: 30 }, (_, i) =>
    inboundTextWebhook({
      wamid: `wamid.burst${i}`,
      from: phone(i),
      text: i === 7 ? 'poison' : `hello from ${i}`,
    }),
  );
  // Contact 3's message is delivered twice in the same burst.
  bodies.push(bodies[3]!);
  const before = store.groupCommitStats();
  const answers = await Promise.all(
    bodies.map(async (body) => {
      const res = await fetch(`${product!.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(body) },
        body,
      });
      return res.status;
    }),
  );
  expect(answers.filter((s) => s === 503)).toHaveLength(1);
  expect(answers[7]).toBe(503);
  expect(answers.filter((s) => s === 200)).toHaveLength(30);

  for (let i = 0; i < 30; i++) {
    const thread = await store.findOpenThread(BN, `${BN}:${phone(i)}`);
    const bodiesKept = thread ? (await store.listMessages(thread.id)).map((m) => m.body) : [];
    expect(bodiesKept).toEqual(i === 7 ? [] : [`hello from ${i}`]);
  }
  const after = store.groupCommitStats();
  // Shared transactions: fewer commits than the writes they carried.
  expect(after.batches - before.batches).toBeLessThan(after.writes - before.writes);
});
