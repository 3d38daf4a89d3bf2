/**
 * `npm run bench`: loopback benchmarks, each reported as a ratio against a bare restify
 * handler measured in the same run on the same machine, so figures compare across machines.
 *
 * - bare:      restify answering GET with a small JSON body (the baseline, 1.00×)
 * - healthz:   the product's GET /healthz
 * - webhook:   a signed WhatsApp webhook carrying one inbound text message to an open thread,
 *              verified, parsed, run through the engine and committed to SQLite (file, WAL,
 *              synchronous=FULL) before the 200: the path every contact message takes
 * - engine:    decide() for a compose in an active thread, in-process (no HTTP), per second
 *
 * Every run is bounded in time and only talks to 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { pino } from 'pino';
import restify from 'restify';
import { decide, startThread } from '../bot/src/core/engine.js';
import { isRejection, type Thread } from '../bot/src/core/types.js';
import { loadConfig } from '../bot/src/config/config.js';
import { startProduct } from '../bot/src/product.js';
import { createSandboxClock } from '../bot/src/sandbox/index.js';
import { freePort } from '../tests/e2e/support/test-product.js';
import { inboundTextWebhook, signWebhook } from '../tests/e2e/support/whatsapp-webhooks.js';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Figure {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(name: string, options: autocannon.Options): Promise<Figure> {
  const result = await autocannon({ duration: DURATION_S, connections: CONNECTIONS, ...options });
  const errors = result.errors + result.timeouts + result.non2xx;
  if (errors > 0 && process.env.BENCH_DEBUG)
    console.error(name, {
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      codes: result.statusCodeStats,
    });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
  };
}

async function bare(): Promise<Figure> {
  const server = restify.createServer();
  server.get('/bare', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    return await load('bare restify handler', { url: `http://127.0.0.1:${port}/bare` });
  } finally {
    server.close();
  }
}

function webhookBody(n: number): string {
  return inboundTextWebhook({
    wamid: `wamid.bench.${n}`,
    text: `message ${n}`,
    profileName: 'Bench Contact',
  });
}

async function product(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wa4t-bench-'));
  const port = await freePort();
  const config = loadConfig({ PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const running = await startProduct(config, {
    logger: pino({ level: 'silent' }),
    clock: createSandboxClock(),
    host: '127.0.0.1',
  });
  try {
    const healthz = await load('GET /healthz', { url: `http://127.0.0.1:${port}/healthz` });
    let n = 0;
    const webhook = await load('signed webhook, inbound message committed', {
      url: `http://127.0.0.1:${port}/api/whatsapp/webhook`,
      requests: [
        {
          method: 'POST',
          path: '/api/whatsapp/webhook',
          setupRequest(request) {
            const body = webhookBody(++n);
            const signature = signWebhook(body);
            return {
              ...request,
              body,
              headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
            };
          },
        },
      ],
    });
    return [healthz, webhook];
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function engine(): Figure {
  const now = Date.now();
  const started = startThread(
    {
      id: 't',
      businessNumberId: 'bn',
      contact: { id: 'c', phone: '1', name: 'C' },
      contactPolicy: {},
      by: { id: 'u', name: 'U' },
    },
    now,
  );
  if (isRejection(started)) throw new Error('could not start');
  const active: Thread = {
    ...started.thread,
    state: 'active',
    consentedAt: now,
    lastInboundAt: now,
  };
  const until = performance.now() + DURATION_S * 1000;
  let ops = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++)
      decide({ thread: active, pending: [] }, { type: 'compose', by: 'u', body: 'hello' }, now + i);
    ops += 1000;
  }
  return {
    name: 'engine decide(compose), in-process',
    rps: ops / DURATION_S,
    p50: 0,
    p99: 0,
    errors: 0,
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const baseline = await bare();
const figures = [baseline, ...(await product()), engine()];
console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${DURATION_S} s each, ${CONNECTIONS} connections, loopback`,
);
console.log('| benchmark | req/s | × bare | p50 ms | p99 ms | errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const f of figures) {
  const http = f.p50 > 0 || f.p99 > 0 || f !== figures.at(-1);
  console.log(
    `| ${f.name} | ${fmt(f.rps)} | ${fmt(f.rps / baseline.rps, 2)} | ${http ? fmt(f.p50, 1) : '–'} | ${http ? fmt(f.p99, 1) : '–'} | ${f.errors} |`,
  );
}

// tab (issue 9): the personal tab against a store of 100,000 conversations (bench/tab.ts).
if (process.env.BENCH_TAB !== 'off') await (await import('./tab.js')).runTabBenchmarks();
