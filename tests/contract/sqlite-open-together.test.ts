/**
 * Two server processes started together on one fresh embedded store both start. Switching a
 * new file to WAL does not wait for another connection that holds the write lock (SQLite
 * answers "database is locked" at once, busy_timeout or not): one of two processes opening
 * at once used to exit with it (CI saw it). Here another connection, on a thread of its own,
 * starts on the new file and holds its write lock for a moment while the store opens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { afterAll, expect, it } from 'vitest';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'wa-teams-open-together-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HOLDER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.exec('BEGIN IMMEDIATE');
db.exec('CREATE TABLE IF NOT EXISTS first (id INTEGER PRIMARY KEY)');
Atomics.store(workerData.flag, 0, 1);
Atomics.notify(workerData.flag, 0);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
db.exec('COMMIT');
db.close();
`;

/** Another connection holding `file`'s write lock for `ms`; returns once it has it. */
function holdWriteLock(file: string, ms: number): Promise<number> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(HOLDER, { eval: true, workerData: { file, driver, ms, flag } });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  Atomics.wait(flag, 0, 0, 10_000);
  expect(Atomics.load(flag, 0), 'the other connection took the write lock').toBe(1);
  return exited;
}

it('opens a fresh store while another connection holds the new file, once it lets go', async () => {
  const file = join(root, 'wa.db');
  const exited = holdWriteLock(file, 300);
  const store = new SqliteStore(file);
  try {
    // Usable: the schema is there.
    expect(await store.getThread('none')).toBeUndefined();
    expect(await exited).toBe(0);
  } finally {
    await store.close();
  }
});
