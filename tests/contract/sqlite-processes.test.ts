/**
 * Two processes on one SQLite file, really at the same time (one process's better-sqlite3
 * calls never interleave, so the contract's two-client tests alone would not show this): the
 * write lock, busy_timeout and the version check keep them apart.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { aContact, aThread, create, notify } from './store-fixtures.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./sqlite-process.child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wa-teams-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildReport {
  sharedChange: 'won' | 'stale';
  claimed: { id: string; threadId: string; seq: number }[];
}

describe('SQLite store shared by two processes', () => {
  it('lets exactly one win a version race and hands every effect to exactly one process', async () => {
    const file = join(dir, 'shared.db');
    const store = new SqliteStore(file);
    await create(store, aThread('shared', { contact: aContact(99) }));
    const threads = 10;
    const perThread = 5;
    for (let n = 1; n <= threads; n++) {
      const thread = aThread(`t${n}`, { contact: aContact(n) });
      await create(store, thread, {
        effects: Array.from({ length: perThread }, (_, i) => notify(thread, `${n}.${i}`)),
      });
    }
    await store.close();

    const startAt = String(Date.now() + 2_000);
    const outputs = await Promise.all(
      ['p1', 'p2'].map((owner) =>
        run(process.execPath, ['--import', 'tsx', child, file, owner, startAt], {
          timeout: 30_000,
        }),
      ),
    );
    const reports = outputs.map((o) => JSON.parse(o.stdout.trim()) as ChildReport);

    expect(reports.map((r) => r.sharedChange).sort()).toEqual(['stale', 'won']);
    const claimed = reports.flatMap((r) => r.claimed);
    expect(claimed).toHaveLength(threads * perThread);
    expect(new Set(claimed.map((c) => c.id)).size).toBe(threads * perThread);
    // Each process saw its own share of a thread's effects in seq order.
    for (const report of reports) {
      for (let n = 1; n <= threads; n++) {
        const seqs = report.claimed.filter((c) => c.threadId === `t${n}`).map((c) => c.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
    }

    const after = new SqliteStore(file);
    try {
      const winner = reports.find((r) => r.sharedChange === 'won');
      const winnerId = reports.indexOf(winner!) === 0 ? 'p1' : 'p2';
      expect(await after.getThread('shared')).toMatchObject({
        version: 2,
        participants: [{ id: winnerId }],
      });
      expect(await after.countPendingEffects()).toBe(0);
    } finally {
      await after.close();
    }
  });
});
