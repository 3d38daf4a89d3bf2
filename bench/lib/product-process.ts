/**
 * The product in its own process, started as `npm start` starts it (tsx running
 * bot/src/index.ts, the composition root), so that the load generator never shares its
 * event loop or its CPU time slices. `node --import tsx` is what the `tsx` command does,
 * without the extra wrapper process, so that the pid is the server's own (for its memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProductProcess {
  readonly url: string;
  readonly pid: number;
  /**
   * From spawn to the first 200 on /readyz: the store open and migrated (/healthz, liveness
   * only, answers before that).
   */
  readonly startupMs: number;
  /** Resident set size now (VmRSS), in MiB. */
  rssMiB(): number;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** CPU time the server used so far (user + system), in ms: robust to a busy machine. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startProductProcess(
  env: Record<string, string>,
  port: number,
): Promise<ProductProcess> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      'bot/src/index.ts',
    ],
    {
      env: {
        ...process.env,
        LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'error',
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilLive(child, url);
  const startupMs = performance.now() - started;
  return {
    url,
    pid: child.pid!,
    startupMs,
    rssMiB: () => statusKiB(child.pid!, 'VmRSS') / 1024,
    peakRssMiB: () => statusKiB(child.pid!, 'VmHWM') / 1024,
    cpuMs: () => cpuMs(child.pid!),
    stop: () => stopChild(child),
  };
}

async function waitUntilLive(child: ChildProcess, url: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill('SIGKILL');
  throw new Error('the server was not ready (/readyz) within 2 minutes');
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : NaN;
}

/** utime + stime from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
