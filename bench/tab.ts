/**
 * The personal tab's benchmarks (issue 9): in an embedded store holding 100,000 conversations
 * and 1,000,000 messages, one user with 1,000 conversations opens the tab:
 *
 * - the conversation list: GET /api/tab/threads (the first page, 50, by last activity, each
 *   with its last message and unread count);
 * - one conversation: GET /api/tab/threads/{id} (the newest 50 of its 10,000 messages).
 *
 * The store is seeded with direct SQL (the rows the store itself writes, in one transaction,
 * FTS triggers included), then the real product serves it from a process of its own on a
 * loopback port, and requests go one at a time over a kept-alive connection; p95 must stay
 * under 20 ms.
 * Run alone with `npx tsx bench/tab.ts`; `npm run bench` runs it after the other benchmarks.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { SANDBOX_CREDENTIALS } from '../bot/src/config/config.js';
import { SQLITE_FILE_NAME } from '../bot/src/store/open-store.js';
import { SqliteStore } from '../bot/src/store/sqlite/sqlite-store.js';
import { freePort } from '../tests/e2e/support/test-product.js';

const THREADS = Number(process.env.BENCH_TAB_THREADS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_TAB_MESSAGES ?? 1_000_000);
const MINE = 1_000;
const BIG_THREAD_MESSAGES = 10_000;
const REQUESTS = Number(process.env.BENCH_TAB_REQUESTS ?? 2_000);
const TARGET_P95_MS = 20;
const serverScript = join(dirname(fileURLToPath(import.meta.url)), 'tab-server.child.ts');
const USER = 'bench-user';
const TENANT = 'bench-tenant';
const BN = SANDBOX_CREDENTIALS.phoneNumberId;
const T0 = Date.UTC(2026, 0, 5, 9, 0);

export interface TabFigure {
  readonly name: string;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly requests: number;
}

/** Fill the store: THREADS threads (MINE of them the user's), MESSAGES messages. */
function seed(file: string): { seconds: number } {
  const started = performance.now();
  mkdirSync(dirname(file), { recursive: true });
  new SqliteStore(file).close(); // the schema, migrations included
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // The search index is filled in bulk after the rows, as the triggers would have (faster).
  const triggers = db
    .prepare<[], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tab_search_%'",
    )
    .all();
  db.exec('DROP TRIGGER tab_search_message; DROP TRIGGER tab_search_thread;');
  const insertThread = db.prepare(
    `INSERT INTO threads (id, business_number_id, contact_id, state, open, version, outbox_seq, created_at, updated_at, json)
     VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?, ?)`,
  );
  const insertParticipant = db.prepare(
    'INSERT INTO thread_participants (user_id, thread_id, joined_at, last_read_seq) VALUES (?, ?, ?, ?)',
  );
  const insertInbox = db.prepare(
    `INSERT INTO tab_inbox (user_id, thread_id, participating, last_activity_at) VALUES (?, ?, 1, ?)`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, thread_id, seq, wa_message_id, possibly_duplicate, created_at, json)
     VALUES (?, ?, ?, ?, 0, ?, ?)`,
  );
  db.transaction(() => {
    db.prepare('INSERT INTO users (id, tenant_id, name, json) VALUES (?, ?, ?, ?)').run(
      USER,
      TENANT,
      'Bench User',
      JSON.stringify({
        id: USER,
        tenantId: TENANT,
        name: 'Bench User',
        locale: 'en',
        enabled: true,
        subOrganisation: 'default',
      }),
    );
    const others = Math.ceil((THREADS - MINE) / 100);
    const perThread = Math.floor((MESSAGES - BIG_THREAD_MESSAGES) / (THREADS - 1));
    let written = 0;
    for (let i = 0; i < THREADS; i++) {
      const id = `bench-thread-${i}`;
      const userId = i < MINE ? USER : `bench-other-${i % others}`;
      const phone = String(447700000000 + i);
      const messages = i === 0 ? BIG_THREAD_MESSAGES : perThread;
      const createdAt = T0 + i * 1000;
      const lastAt = createdAt + messages * 10;
      const state = i % 10 === 0 ? 'closed' : 'active';
      const thread = {
        id,
        businessNumberId: BN,
        contact: { id: `${BN}:${phone}`, phone, name: `Contact ${i}` },
        state,
        participants: [{ id: userId, name: userId, joinedAt: createdAt }],
        createdAt,
        createdBy: userId,
        lastInboundAt: lastAt,
        consentedAt: createdAt,
        pendingCount: 0,
        ...(state === 'closed' ? { closedAt: lastAt, closedReason: 'all_left' } : {}),
        nextSeq: messages + 1,
        version: 1,
      };
      insertThread.run(
        id,
        BN,
        thread.contact.id,
        state,
        state === 'closed' ? 0 : 1,
        createdAt,
        lastAt,
        JSON.stringify(thread),
      );
      insertParticipant.run(userId, id, createdAt, messages - 2);
      insertInbox.run(userId, id, lastAt);
      for (let seq = 1; seq <= messages; seq++) {
        const inbound = seq % 2 === 0;
        const at = createdAt + seq * 10;
        const message = {
          id: `${id}:${seq}`,
          threadId: id,
          seq,
          direction: inbound ? 'inbound' : 'outbound',
          kind: inbound ? 'inbound' : 'text',
          ...(inbound ? {} : { author: { id: userId, name: userId } }),
          body: `Message ${seq} about order ${i * 7 + seq}`,
          status: inbound ? 'received' : 'read',
          statusTimes: inbound
            ? { received: at }
            : { pending: at, sent: at, delivered: at, read: at },
          waMessageId: `wamid.${id}.${seq}`,
          attempts: inbound ? 0 : 1,
          createdAt: at,
        };
        insertMessage.run(message.id, id, seq, message.waMessageId, at, JSON.stringify(message));
        written++;
      }
    }
    if (written < MESSAGES - THREADS) throw new Error(`seeded only ${written} messages`);
    db.exec(`
      INSERT INTO tab_threads (thread_id) SELECT id FROM threads ORDER BY created_at, id;
      INSERT INTO tab_search (rowid, text)
        SELECT k.n << 24,
               json_extract(t.json, '$.contact.name') || ' ' || json_extract(t.json, '$.contact.phone')
        FROM threads t JOIN tab_threads k ON k.thread_id = t.id;
      INSERT INTO tab_search (rowid, text)
        SELECT (k.n << 24) + m.seq, json_extract(m.json, '$.body')
        FROM messages m JOIN tab_threads k ON k.thread_id = m.thread_id;
    `);
    for (const { sql } of triggers) db.exec(sql);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seconds: (performance.now() - started) / 1000 };
}

function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent, headers: { 'x-local-user': USER } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
        else resolve(performance.now() - started);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function measure(name: string, agent: Agent, url: string): Promise<TabFigure> {
  for (let i = 0; i < 50; i++) await get(agent, url); // warm-up
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await get(agent, url));
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { name, p50: at(0.5), p95: at(0.95), p99: at(0.99), requests: REQUESTS };
}

export async function runTabBenchmarks(): Promise<TabFigure[]> {
  // BENCH_TAB_DIR keeps the seeded store between runs (seeding takes a while).
  const kept = process.env.BENCH_TAB_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'wa4t-bench-tab-'));
  try {
    const file = join(dir, SQLITE_FILE_NAME);
    const bigThread = 'bench-thread-0';
    if (kept && existsSync(file)) {
      console.log(`\ntab: reusing the store seeded in ${dir}`);
    } else {
      const { seconds } = seed(file);
      console.log(
        `\ntab: seeded ${THREADS.toLocaleString('en-US')} conversations and ${MESSAGES.toLocaleString('en-US')} messages in ${seconds.toFixed(1)} s`,
      );
    }
    // The server runs in a process of its own, as in production; this one only asks.
    const port = await freePort();
    const server = spawn(
      process.execPath,
      ['--import', 'tsx', serverScript, String(port), dir, String(T0 + THREADS * 1000)],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise<void>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
      server.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const base = `http://127.0.0.1:${port}/api/tab`;
      const figures = [
        await measure(
          `conversation list (${MINE.toLocaleString('en-US')} of the user's)`,
          agent,
          `${base}/threads`,
        ),
        await measure(
          `one conversation, newest 50 of ${BIG_THREAD_MESSAGES.toLocaleString('en-US')} messages`,
          agent,
          `${base}/threads/${encodeURIComponent(bigThread)}`,
        ),
        await measure(
          'conversation list, search by name "Contact 42"',
          agent,
          `${base}/threads?q=${encodeURIComponent('Contact 42')}`,
        ),
      ];
      console.log(
        `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}; ${REQUESTS} sequential requests each, keep-alive, loopback`,
      );
      console.log('| tab benchmark | p50 ms | p95 ms | p99 ms | p95 < 20 ms |');
      console.log('| --- | ---: | ---: | ---: | :---: |');
      for (const f of figures) {
        console.log(
          `| ${f.name} | ${f.p50.toFixed(2)} | ${f.p95.toFixed(2)} | ${f.p99.toFixed(2)} | ${f.p95 < TARGET_P95_MS ? 'yes' : 'NO'} |`,
        );
      }
      return figures;
    } finally {
      agent.destroy();
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runTabBenchmarks();
}
