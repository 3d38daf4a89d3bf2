/**
 * Group commit for the embedded store (issue 11 items 5 and 6).
 *
 * Every write of the store is queued here and runs in the next batch: one
 * `BEGIN IMMEDIATE … COMMIT` (one fsync at synchronous=FULL) for all the writes queued while
 * the event loop was busy, each in its own savepoint. Nothing is weakened:
 *
 * - a write's promise settles only after the COMMIT of its batch, so a webhook is answered
 *   200 only once its own event is durable (and a write refused as a duplicate of an earlier
 *   one in the same batch is reported only once that earlier one is durable);
 * - a write that throws rolls back to its savepoint and fails alone; the others commit;
 * - writes run in the order they were queued, and each sees the ones before it (same
 *   connection), so version checks and deduplication hold across the batch;
 * - if the COMMIT itself fails, every write of the batch fails.
 *
 * A busy store never freezes the server: the write lock is asked for without waiting
 * (busy_timeout 0 for that one statement) and, while another connection holds it, asked for
 * again on a timer, so the event loop keeps serving; a write still waiting after
 * `busyTimeoutMs` fails with StoreBusyError (the webhook answers 503 and WhatsApp delivers
 * again). better-sqlite3 blocks while it waits on a lock, hence no waiting inside it.
 */
import type Database from 'better-sqlite3';

/** The write lock stayed with another connection for longer than the store may wait. */
export class StoreBusyError extends Error {
  readonly code = 'store_busy';
  constructor(waitedMs: number) {
    super(`The database stayed locked by another connection for ${waitedMs} ms.`);
  }
}

export interface GroupCommitOptions {
  /** How long a write may wait for another connection's write lock. */
  readonly busyTimeoutMs: number;
  /** The busy_timeout reads keep (they rarely wait in WAL mode). */
  readonly readBusyTimeoutMs: number;
  /** The most writes in one transaction. */
  readonly maxBatch?: number;
  readonly now?: () => number;
}

/** What the batches did, for tests and the benchmark. */
export interface GroupCommitStats {
  /** Transactions committed (or rolled back when the COMMIT failed). */
  readonly batches: number;
  /** Writes that ran in them. */
  readonly writes: number;
  /** Times the write lock was found held by another connection. */
  readonly busyRetries: number;
}

interface Pending {
  readonly work: () => unknown;
  readonly queuedAt: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private retryDelayMs = 1;
  private readonly maxBatch: number;
  private readonly inSavepoint: (work: () => unknown) => unknown;
  private readonly now: () => number;
  private stats = { batches: 0, writes: 0, busyRetries: 0 };

  constructor(
    private readonly db: Database.Database,
    private readonly options: GroupCommitOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.now = options.now ?? Date.now;
  }

  /** Run `work` in the next batch; resolves with its result once the batch is committed. */
  write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work,
        queuedAt: this.now(),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.schedule(0);
    });
  }

  get counters(): GroupCommitStats {
    return { ...this.stats };
  }

  /** Wait until every queued write has committed or failed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      await (this.flushing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
      });
    };
    // setImmediate: after the I/O callbacks of this turn, so that every request that arrived
    // together queues its write before the batch runs.
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0) return;
    let begun: boolean;
    try {
      begun = this.begin();
    } catch (error) {
      // Not a lock: the database cannot be written at all (I/O error, closed). Fail them all.
      for (const item of this.queue.splice(0)) item.reject(error);
      return;
    }
    if (!begun) {
      this.stats.busyRetries++;
      this.failWritesWaitingTooLong();
      if (this.queue.length > 0) {
        this.schedule(this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 25);
      }
      return;
    }
    this.retryDelayMs = 1;
    const batch = this.queue.splice(0, this.maxBatch);
    const outcomes: Outcome[] = batch.map((item) => {
      try {
        // Inside the open transaction, better-sqlite3 runs this in a savepoint: a throw rolls
        // back this write alone.
        return { ok: true, value: this.inSavepoint(item.work) };
      } catch (error) {
        return { ok: false, error };
      }
    });
    let commitError: unknown;
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      commitError = error;
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    }
    this.stats.batches++;
    this.stats.writes += batch.length;
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (commitError !== undefined) item.reject(commitError);
      else if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
    if (this.queue.length > 0) this.schedule(0);
  }

  /** BEGIN IMMEDIATE without waiting: false while another connection holds the write lock. */
  private begin(): boolean {
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.exec('BEGIN IMMEDIATE');
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    } finally {
      this.db.pragma(`busy_timeout = ${this.options.readBusyTimeoutMs}`);
    }
  }

  private failWritesWaitingTooLong(): void {
    const now = this.now();
    const waiting: Pending[] = [];
    for (const item of this.queue) {
      const waited = now - item.queuedAt;
      if (waited >= this.options.busyTimeoutMs) item.reject(new StoreBusyError(waited));
      else waiting.push(item);
    }
    this.queue = waiting;
  }
}
