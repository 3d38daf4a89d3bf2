/**
 * What every benchmark scenario shares: the settings, the loopback load generator
 * (autocannon, in this process, never in the server's), the product's environment with the
 * stand-ins, and the report's sections.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SANDBOX_CREDENTIALS } from '../../bot/src/config/config.js';
import { freePort } from '../../tests/e2e/support/test-product.js';

export const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

/** One section of the report: a markdown table. */
export interface Section {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes?: readonly string[];
}

/** What a scenario gets: the baseline measured in this run, and helpers. */
export interface BenchContext {
  /** Requests a second of the bare restify handler, measured first in this run. */
  readonly bareRps: number;
}

export interface Scenario {
  readonly name: string;
  run(context: BenchContext): Promise<Section>;
}

export interface Figure {
  readonly name: string;
  /** Requests completed. */
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

export async function load(name: string, options: autocannon.Options): Promise<Figure> {
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
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
  };
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

export function figureRow(f: Figure, bareRps: number): string[] {
  return [
    f.name,
    fmt(f.rps),
    fmt(f.rps / bareRps, 2),
    fmt(f.p50, 1),
    fmt(f.p99, 1),
    String(f.errors),
  ];
}

export const FIGURE_HEADER = ['benchmark', 'req/s', '× bare', 'p50 ms', 'p99 ms', 'errors'];

/** A fresh data directory for one product process. */
export function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'wa4t-bench-'));
}

/**
 * The product's environment: the embedded store in `dir`, a WhatsApp business number whose
 * Cloud API is the Graph stand-in (signed with the sandbox's public test secret), and no
 * BOT_ID (Bot Framework calls anonymous, as in local use).
 */
export function productEnv(dir: string, graphUrl: string, extra: Record<string, string> = {}) {
  return {
    DATA_DIR: dir,
    SANDBOX: 'off',
    WHATSAPP_API_URL: graphUrl,
    WHATSAPP_PHONE_NUMBER_ID: SANDBOX_CREDENTIALS.phoneNumberId,
    WHATSAPP_ACCESS_TOKEN: SANDBOX_CREDENTIALS.accessToken,
    WHATSAPP_APP_SECRET: SANDBOX_CREDENTIALS.appSecret,
    WHATSAPP_VERIFY_TOKEN: SANDBOX_CREDENTIALS.verifyToken,
    BOT_ID: '',
    MONGODB_URI: '',
    ...extra,
  };
}

export { freePort };

/** The bare restify handler, in its own process, measured with the same load generator. */
export async function measureBare(): Promise<Figure> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/bare-server.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  try {
    return await load('bare restify handler (own process)', {
      url: `http://127.0.0.1:${port}/bare`,
    });
  } finally {
    child.kill('SIGTERM');
  }
}

/** Run `work` over `items` with at most `concurrency` at once. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
