/**
 * Group commit in the embedded store (issue 11 items 5 and 6): concurrent writes share one
 * durable transaction, in the order they were made, each failing alone; and a database
 * locked by another connection fails writes after the busy timeout without ever blocking
 * the event loop meanwhile.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../bot/src/core/types.js';
import { SQLITE_FILE_NAME } from '../../bot/src/store/open-store.js';
import { StaleThreadError } from '../../bot/src/store/port.js';
import { StoreBusyError } from '../../bot/src/store/sqlite/group-commit.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { aContact, aMessage, aThread, change, create, notify, T0 } from './store-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'wa-teams-group-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function file(): string {
  return join(mkdtempSync(join(root, `${++n}-`)), SQLITE_FILE_NAME);
}

describe('SQLite group commit', () => {
  it('commits concurrent webhook-like writes in one transaction, and each is durable when it resolves', async () => {
    const path = file();
    const store = new SqliteStore(path);
    const other = new Database(path, { readonly: true });
    try {
      const before = store.groupCommitStats();
      const seen = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const t = aThread(`t${i}`, { contact: aContact(i) });
          await store.apply(change(t, { messages: [aMessage(t, 1)] }), {
            now: T0,
            eventKey: `msg:wamid.${i}`,
          });
          return other.prepare('SELECT count(*) AS n FROM messages WHERE thread_id = ?').get(t.id);
        }),
      );
      expect(seen).toEqual(Array.from({ length: 40 }, () => ({ n: 1 })));
      const after = store.groupCommitStats();
      expect(after.writes - before.writes).toBe(40);
      expect(after.batches - before.batches).toBe(1);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('applies changes to one thread in the order they were made, within one batch', async () => {
    const store = new SqliteStore(file());
    try {
      const t = await create(store, aThread('t1'));
      const effects = (key: string): Effect[] => [notify(t, key)];
      const before = store.groupCommitStats().batches;
      await Promise.all([
        store.apply(change({ ...t, nextSeq: 2 }, { effects: effects('first') }), {
          expectedVersion: 1,
          now: T0,
        }),
        store.apply(change({ ...t, nextSeq: 3 }, { effects: effects('second') }), {
          expectedVersion: 2,
          now: T0,
        }),
      ]);
      expect(store.groupCommitStats().batches - before).toBe(1);
      expect(await store.getThread('t1')).toMatchObject({ version: 3, nextSeq: 3 });
      const claimed = [];
      for (;;) {
        const [item] = await store.claimEffects('a', T0, 60_000, 1);
        if (!item) break;
        claimed.push(item.effect.type === 'notify' ? item.effect.notice.key : item.effect.type);
        await store.completeEffect(item.id, 'a');
      }
      expect(claimed).toEqual(['first', 'second']);
    } finally {
      await store.close();
    }
  });

  it('rolls back only the change that failed, keeping the rest of its batch', async () => {
    const store = new SqliteStore(file());
    try {
      const t = await create(store, aThread('t1'));
      const before = store.groupCommitStats().batches;
      const results = await Promise.allSettled([
        store.apply(change(aThread('t2', { contact: aContact(2) })), { now: T0 }),
        // Half-written before it fails: its message must not survive its rollback.
        store.apply(change({ ...t, nextSeq: 2 }, { messages: [aMessage(t, 1)] }), {
          expectedVersion: 7,
          now: T0,
        }),
        store.apply(change(aThread('t3', { contact: aContact(3) })), { now: T0 }),
      ]);
      expect(store.groupCommitStats().batches - before).toBe(1);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleThreadError);
      expect(await store.getThread('t2')).toBeDefined();
      expect(await store.getThread('t3')).toBeDefined();
      expect(await store.getMessage('t1:1')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('copies the log into the database file from a worker, not from the connection that commits', async () => {
    const path = file();
    const store = new SqliteStore(path);
    try {
      const before = statSync(path).size;
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const t = aThread(`t${i}`, { contact: aContact(i) });
          const messages = [aMessage(t, 1, { body: 'x'.repeat(20_000) })];
          return store.apply(change(t, { messages }), { now: T0 });
        }),
      );
      // The committing connection checkpoints nothing itself (wal_autocheckpoint = 0): the
      // database file grows only when the worker has copied the log into it.
      let after = statSync(path).size;
      for (let i = 0; i < 100 && after <= before + 50 * 20_000; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = statSync(path).size;
      }
      expect(after).toBeGreaterThan(before + 50 * 20_000);
    } finally {
      await store.close();
    }
  });

  it('a batch that wrote nothing waits for the log syncs already started, unless another connection committed since', async () => {
    const path = file();
    const store = new SqliteStore(path);
    const other = new Database(path);
    try {
      await create(store, aThread('t1'));
      const skipped = () => store.groupCommitStats().syncsSkipped;
      const before = skipped();
      // Nothing due yet: the claim changes no row, and everything it read is already synced.
      expect(await store.claimEffects('me', 0, 1_000, 10)).toEqual([]);
      expect(skipped()).toBe(before + 1);
      // Another connection committed: what the next batch reads may not be on disk yet, so it
      // syncs the log itself.
      other
        .prepare('INSERT INTO budget_blocks (budget, window_ms, block, used) VALUES (?, ?, ?, ?)')
        .run('elsewhere', 1_000, 1, 1);
      expect(await store.claimEffects('me', 0, 1_000, 10)).toEqual([]);
      expect(skipped()).toBe(before + 1);
      expect(await store.claimEffects('me', 0, 1_000, 10)).toEqual([]);
      expect(skipped()).toBe(before + 2);
      // A batch that wrote something always syncs its own.
      await create(store, aThread('t2', { contact: aContact(2) }));
      expect(skipped()).toBe(before + 2);
      expect(await store.getThread('t2')).toBeDefined();
    } finally {
      other.close();
      await store.close();
    }
  });

  it('fails a write with StoreBusyError while another connection holds the lock, never blocking the event loop', async () => {
    const path = file();
    const store = new SqliteStore(path, { busyTimeoutMs: 200 });
    const holder = new Database(path);
    try {
      holder.exec('BEGIN IMMEDIATE');
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      const refused = await store.apply(change(aThread('t1')), { now: T0 }).then(
        () => 'committed',
        (error: unknown) => error,
      );
      clearInterval(ticker);
      expect(refused).toBeInstanceOf(StoreBusyError);
      expect((refused as Error).message).toMatch(/locked by another connection/);
      // The loop kept running timers while the write waited for the lock.
      expect(ticks).toBeGreaterThan(3);
      // Reads still answer: WAL readers do not wait for the writer.
      expect(await store.getThread('t1')).toBeUndefined();

      // A write queued while the lock is held commits once it is released.
      const later = store.apply(change(aThread('t2', { contact: aContact(2) })), { now: T0 });
      holder.exec('ROLLBACK');
      await later;
      expect(await store.getThread('t2')).toBeDefined();
      expect(store.groupCommitStats().busyRetries).toBeGreaterThan(0);
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
      await store.close();
    }
  });
});
