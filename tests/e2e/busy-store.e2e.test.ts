/**
 * A busy store never freezes the server (issue 11 item 5): while another connection holds
 * the SQLite write lock, the WhatsApp webhook answers 503 quickly (WhatsApp delivers again)
 * and the server keeps answering liveness; once the lock is gone, the redelivery is kept.
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

const root = mkdtempSync(join(tmpdir(), 'wa-teams-busy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let product: TestProduct | undefined;
let holder: Database.Database | undefined;
afterEach(async () => {
  if (holder?.inTransaction) holder.exec('ROLLBACK');
  holder?.close();
  await product?.stop();
  product = holder = undefined;
});

function post(url: string, body: string): Promise<Response> {
  return fetch(`${url}/api/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(body) },
    body,
  });
}

it('answers the webhook 503 while another connection holds the write lock, stays live, and keeps the redelivery', async () => {
  const file = join(root, SQLITE_FILE_NAME);
  const store = new SqliteStore(file, { busyTimeoutMs: 400 });
  product = await startTestProduct({ store });
  holder = new Database(file);
  holder.exec('BEGIN IMMEDIATE');

  const body = inboundTextWebhook({ wamid: 'wamid.busy1', text: 'Are you open today?' });
  let webhookAnswered = false;
  const webhook = post(product.url, body).then((res) => {
    webhookAnswered = true;
    return res;
  });

  // While the webhook waits for the lock, liveness answers at once, again and again.
  const liveness: number[] = [];
  while (!webhookAnswered && liveness.length < 5) {
    const started = performance.now();
    const res = await fetch(`${product.url}/healthz`);
    expect(res.status).toBe(200);
    liveness.push(performance.now() - started);
    if (webhookAnswered) break;
  }
  expect(liveness.length).toBeGreaterThan(0);
  const median = [...liveness].sort((a, b) => a - b)[Math.floor(liveness.length / 2)]!;
  expect(median).toBeLessThan(100);

  const refused = await webhook;
  expect(refused.status).toBe(503);
  expect(await refused.json()).toEqual({ error: 'temporarily unavailable' });

  // WhatsApp delivers again once the lock is gone: kept once.
  holder.exec('ROLLBACK');
  const again = await post(product.url, body);
  expect(again.status).toBe(200);
  const contactId = `${SANDBOX_CREDENTIALS.phoneNumberId}:447700900123`;
  const thread = await store.findOpenThread(SANDBOX_CREDENTIALS.phoneNumberId, contactId);
  const messages = await store.listMessages(thread!.id);
  expect(messages.map((m) => m.body)).toEqual(['Are you open today?']);
});
