/**
 * Everything the sandbox still has to do (a status due in 800 ms, a webhook being retried), so
 * tests can `await sandbox.idle()` instead of sleeping, and `close()` can cancel it all.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class PendingWork {
  #running = 0;
  /** How many tasks ever started: idle() sees work that came and went while it waited. */
  #started = 0;
  #waiters: (() => void)[] = [];
  readonly #abort = new AbortController();

  /** Runs `task` in the background, counted until it settles. Its errors go to `onError`. */
  run(task: () => Promise<void>, onError: (error: unknown) => void): void {
    this.#running += 1;
    this.#started += 1;
    void (async () => {
      try {
        await task();
      } catch (error) {
        if (!this.closed) onError(error);
      } finally {
        this.#running -= 1;
        if (this.#running === 0) this.#wake();
      }
    })();
  }

  /** Waits `ms` of real time; rejects when the sandbox closes. */
  async wait(ms: number): Promise<void> {
    if (ms <= 0) {
      // Still yield, so that work scheduled "now" keeps its order.
      await sleep(0, undefined, { signal: this.#abort.signal });
      return;
    }
    await sleep(ms, undefined, { signal: this.#abort.signal });
  }

  get closed(): boolean {
    return this.#abort.signal.aborted;
  }

  get running(): number {
    return this.#running;
  }

  /**
   * Resolves once nothing is pending and nothing new started during a few turns of the event
   * loop, or for `quietMs` of real time if given (an app answering a webhook may send at once,
   * or a moment later from its outbox, which starts more work here).
   */
  async idle(options: { quietMs?: number } = {}): Promise<void> {
    const quietMs = options.quietMs ?? 0;
    for (let quiet = 0; quiet < 3;) {
      if (this.#running > 0) {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
        quiet = 0;
        continue;
      }
      const started = this.#started;
      if (quietMs > 0) await new Promise<void>((resolve) => setTimeout(resolve, quietMs));
      else await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#started !== started) quiet = 0;
      else quiet = quietMs > 0 ? 3 : quiet + 1;
    }
  }

  /** Cancels every wait; running tasks end at their next wait. */
  close(): void {
    this.#abort.abort();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
