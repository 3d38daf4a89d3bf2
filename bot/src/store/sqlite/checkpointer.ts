/**
 * Checkpoints off the event loop (issue 11 item 5). SQLite copies the write-ahead log back
 * into the database file from time to time (a checkpoint, with two fsyncs). Run by the
 * committing connection, it held the event loop for up to tens of milliseconds every few
 * megabytes of writes; here a worker thread with its own connection runs it instead (mostly
 * PASSIVE: it never waits for or blocks the writer), and the store's connection does none
 * (wal_autocheckpoint = 0). If the worker cannot run, the store checkpoints itself as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const checkpoint = () => {
  try {
    // PASSIVE copies what it can without waiting for anyone. Once the log holds more than
    // restartFrames, RESTART finishes the copy and lets the next writer start the log over:
    // it takes the write lock for that short moment (the store's writer retries on a timer,
    // never waiting inside SQLite), so the log does not grow while writes never stop.
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive && passive.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch { /* busy or locked: next time */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('closed');
});
`;

export class Checkpointer {
  private constructor(private readonly worker: Worker) {}

  /** Start checkpointing `file` every `intervalMs`; undefined if no worker could start. */
  static start(file: string, intervalMs = 250, onFailure?: () => void): Checkpointer | undefined {
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER, {
        eval: true,
        workerData: { file, driver, intervalMs, restartFrames: 1000 },
      });
      worker.unref();
      worker.once('error', () => onFailure?.());
      return new Checkpointer(worker);
    } catch {
      return undefined;
    }
  }

  /** A last checkpoint, then the worker's connection closes. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
      this.worker.once('error', () => resolve());
    });
    this.worker.postMessage('stop');
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await this.worker.terminate();
  }
}
