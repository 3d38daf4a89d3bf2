/**
 * Liveness, readiness and a graceful stop (issue 12, item 2): /healthz answers while the
 * store is down (the process lives), /readyz answers 503 while the store cannot commit,
 * while starting and from the first moment of a shutdown; on SIGTERM the server finishes
 * the request in flight, gives its leases back and exits in bounded time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Readiness } from '../../bot/src/http/readiness.js';
import { createServer, listen } from '../../bot/src/http/server.js';
import { SQLITE_FILE_NAME } from '../../bot/src/store/open-store.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { freePort, startTestProduct, T0, type TestProduct } from './support/test-product.js';
import { inboundTextWebhook, signWebhook } from './support/whatsapp-webhooks.js';

let product: TestProduct | undefined;
let child: ChildProcess | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await product?.stop();
  product = undefined;
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  for (const c of cleanups.splice(0)) await c();
});

async function json(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('liveness and readiness', () => {
  it('stays alive but not ready while the store cannot commit, and is ready again after', async () => {
    product = await startTestProduct();
    expect(await json(`${product.url}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });
    const store = product.store;
    const probe = store.ops.probeCommit.bind(store.ops);
    const lookup = store.hasHandledEvent.bind(store);
    store.ops.probeCommit = async () => {
      throw new Error('SQLITE_BUSY: database is locked');
    };
    store.hasHandledEvent = async () => {
      throw new Error('SQLITE_BUSY: database is locked');
    };
    expect(await json(`${product.url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'unavailable', reason: 'the store cannot commit' },
    });
    // Liveness touches nothing slow: restarting the process would not bring the store back.
    expect((await json(`${product.url}/healthz`)).status).toBe(200);
    store.ops.probeCommit = probe;
    store.hasHandledEvent = lookup;
    expect((await json(`${product.url}/readyz`)).status).toBe(200);
  });

  it('answers 503 on readiness and on every route while starting, but lives', async () => {
    const readiness = new Readiness();
    const server = createServer({ logger: pino({ level: 'silent' }), readiness });
    server.post('/api/whatsapp/webhook', async (_req, res) => {
      res.send(200);
    });
    const url = await listen(server, 0, '127.0.0.1');
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    expect(await json(`${url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'starting', reason: 'the store is opening and migrating' },
    });
    expect((await json(`${url}/healthz`)).status).toBe(200);
    const early = await fetch(`${url}/api/whatsapp/webhook`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(503);
    expect(await early.text()).toContain('starting: try again in a moment');
    readiness.ready(async () => undefined);
    expect((await json(`${url}/readyz`)).status).toBe(200);
    expect(
      (await fetch(`${url}/api/whatsapp/webhook`, { method: 'POST', body: '{}' })).status,
    ).toBe(200);
  });
});

describe('a graceful stop', () => {
  it('turns readiness to 503 first, finishes the request in flight, and releases its leases', async () => {
    const store = new SqliteStore(':memory:');
    product = await startTestProduct({ store });
    const running = product;
    expect(await store.ops.acquireJobLease('alarms', running.owner, T0, 3_600_000)).toBe(true);

    // A webhook whose body is half sent when the stop begins.
    const body = inboundTextWebhook({
      wamid: 'wamid.inflight',
      text: 'still here?',
      timestamp: T0 / 1000,
    });
    const { port } = new URL(running.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.write(
      `POST /api/whatsapp/webhook HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n` +
        `x-hub-signature-256: ${signWebhook(body)}\r\ncontent-length: ${body.length}\r\n\r\n` +
        body.slice(0, 40),
    );
    await new Promise((r) => setTimeout(r, 50));

    const stopped = running.stop({ delayMs: 300 });
    product = undefined;
    expect(await json(`${running.url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'shutting_down', reason: 'this instance is shutting down' },
    });
    socket.write(body.slice(40));
    await stopped;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(await store.getMessageByWaId('wamid.inflight')).toMatchObject({ body: 'still here?' });
    // Another instance takes the job over at once, without waiting out the hour.
    expect(await store.ops.acquireJobLease('alarms', 'another', T0 + 1, 60_000)).toBe(true);
    socket.destroy();
    await store.close();
  });

  it('exits with 0 within the bound on SIGTERM, answering 503 on readiness meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa4t-sigterm-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const root = fileURLToPath(new URL('../../', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', 'bot/src/index.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dir,
        LOG_LEVEL: 'info',
        SHUTDOWN_DELAY_SECONDS: '1',
        SHUTDOWN_TIMEOUT_SECONDS: '10',
        MONGODB_URI: '',
        BOT_ID: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child!.once('exit', (code) => resolve(code)),
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 200) break;
      if (i > 300) throw new Error(`never ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = Date.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect((await json(`${url}/readyz`)).body).toMatchObject({ status: 'shutting_down' });
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(output).toContain('shutting down: not ready, finishing work in flight');
    // The embedded store was closed cleanly: it opens again at once.
    const again = new SqliteStore(join(dir, SQLITE_FILE_NAME));
    expect(await again.ops.acquireJobLease('alarms', 'next', Date.now(), 1000)).toBe(true);
    await again.close();
  }, 60_000);
});
