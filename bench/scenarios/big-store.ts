/**
 * Resident memory and start-up time with a big embedded store: BENCH_BIG_THREADS
 * conversations (100,000) holding BENCH_BIG_MESSAGES messages (1,000,000) in all, written
 * straight into the database file before the server starts (as a long-running deployment
 * would have them), then the server started as `npm start` starts it. Memory is read from
 * /proc (VmRSS, VmHWM) after start-up and after a run of inbound messages to those threads.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SANDBOX_CREDENTIALS } from '../../bot/src/config/config.js';
import type { Message, Thread } from '../../bot/src/core/types.js';
import { SQLITE_FILE_NAME } from '../../bot/src/store/open-store.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { inboundTextWebhook, signWebhook } from '../../tests/e2e/support/whatsapp-webhooks.js';
import { GraphStandIn } from '../lib/graph-stand-in.js';
import { dataDir, fmt, freePort, load, productEnv, type Scenario } from '../lib/common.js';
import { startProductProcess } from '../lib/product-process.js';
import { phoneOf } from './inbound.js';

const THREADS = Number(process.env.BENCH_BIG_THREADS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_BIG_MESSAGES ?? 1_000_000);
const BN = SANDBOX_CREDENTIALS.phoneNumberId;
const USER = { id: 'bench-user', name: 'Bea Bench' };

function seed(file: string): number {
  const started = performance.now();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const contact = db.prepare(
    'INSERT INTO contacts (id, business_number_id, phone, json) VALUES (?, ?, ?, ?)',
  );
  const thread = db.prepare(
    `INSERT INTO threads (id, business_number_id, contact_id, state, open, version, outbox_seq,
                          created_at, updated_at, json)
     VALUES (?, ?, ?, 'active', 1, 1, 0, ?, ?, ?)`,
  );
  const participant = db.prepare(
    'INSERT INTO thread_participants (user_id, thread_id) VALUES (?, ?)',
  );
  const message = db.prepare(
    `INSERT INTO messages (id, thread_id, seq, wa_message_id, possibly_duplicate, held, created_at, json)
     VALUES (?, ?, ?, ?, 0, 0, ?, ?)`,
  );
  const perThread = Math.max(1, Math.round(MESSAGES / THREADS));
  const t0 = Date.now() - 30 * 24 * 3600_000;
  const write = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const phone = phoneOf(300_000 + i);
      const contactId = `${BN}:${phone}`;
      const ref = { id: contactId, phone, name: `Contact ${i}` };
      contact.run(contactId, BN, phone, JSON.stringify({ ...ref, businessNumberId: BN }));
      const at = t0 + i * 10;
      const id = `bench-thread-${i}`;
      const t: Thread = {
        id,
        businessNumberId: BN,
        contact: ref,
        state: 'active',
        participants: [{ ...USER, joinedAt: at }],
        createdAt: at,
        createdBy: USER.id,
        consentedAt: at,
        lastInboundAt: at,
        pendingCount: 0,
        nextSeq: perThread + 1,
        version: 1,
      };
      thread.run(id, BN, contactId, at, at, JSON.stringify(t));
      participant.run(USER.id, id);
      for (let seq = 1; seq <= perThread; seq++) {
        const inbound = seq % 2 === 1;
        const wamid = `wamid.seed.${i}.${seq}`;
        const m: Message = {
          id: `${id}:${seq}`,
          threadId: id,
          seq,
          direction: inbound ? 'inbound' : 'outbound',
          kind: inbound ? 'inbound' : 'text',
          ...(inbound ? {} : { author: { id: USER.id, name: USER.name } }),
          body: inbound ? `Question ${seq} about my order` : `Answer ${seq}: it ships tomorrow`,
          status: inbound ? 'received' : 'read',
          statusTimes: inbound
            ? { received: at }
            : { pending: at, sent: at, delivered: at, read: at },
          waMessageId: wamid,
          attempts: inbound ? 0 : 1,
          createdAt: at + seq,
        };
        message.run(m.id, id, seq, wamid, m.createdAt, JSON.stringify(m));
      }
    }
  });
  for (let from = 0; from < THREADS; from += 5000) write(from, Math.min(THREADS, from + 5000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return performance.now() - started;
}

export const bigStore: Scenario = {
  name: 'big-store',
  async run() {
    const graph = await GraphStandIn.start();
    // The same start-up on an empty store, for comparison.
    const empty = await startProductProcess(productEnv(dataDir(), graph.url), await freePort());
    const emptyStartupMs = empty.startupMs;
    const emptyRss = empty.rssMiB();
    await empty.stop();
    const dir = dataDir();
    const file = join(dir, SQLITE_FILE_NAME);
    await new SqliteStore(file).close(); // the schema, as the product makes it
    const seedMs = seed(file);
    const product = await startProductProcess(productEnv(dir, graph.url), await freePort());
    try {
      const afterStart = product.rssMiB();
      let n = 0;
      const figure = await load('inbound to the existing threads', {
        url: `${product.url}/api/whatsapp/webhook`,
        requests: [
          {
            method: 'POST',
            path: '/api/whatsapp/webhook',
            setupRequest(request) {
              const i = ++n;
              const body = inboundTextWebhook({
                wamid: `wamid.big.${Date.now()}.${i}`,
                from: phoneOf(300_000 + Math.floor(Math.random() * THREADS)),
                text: `follow-up ${i}`,
              });
              return {
                ...request,
                body,
                headers: {
                  'content-type': 'application/json',
                  'x-hub-signature-256': signWebhook(body),
                },
              };
            },
          },
        ],
      });
      return {
        title: `A store with ${fmt(THREADS)} conversations and ${fmt(MESSAGES)} messages`,
        header: ['figure', 'value', 'goal'],
        rows: [
          ['database written (before start, not measured)', `${fmt(seedMs / 1000, 1)} s`, '–'],
          [
            'start-up (spawn to first /readyz 200)',
            `${fmt(product.startupMs / 1000, 2)} s (empty store: ${fmt(emptyStartupMs / 1000, 2)} s)`,
            '–',
          ],
          [
            'resident memory after start-up',
            `${fmt(afterStart)} MiB (empty store: ${fmt(emptyRss)} MiB)`,
            '< 300 MB',
          ],
          [
            `inbound to those threads: req/s, p99, errors`,
            `${fmt(figure.rps)}/s, ${fmt(figure.p99)} ms, ${figure.errors}`,
            '–',
          ],
          ['resident memory after it', `${fmt(product.rssMiB())} MiB`, '< 300 MB'],
          ['peak resident memory (VmHWM)', `${fmt(product.peakRssMiB())} MiB`, '< 300 MB'],
        ],
      };
    } finally {
      await product.stop();
      await graph.close();
    }
  },
};
