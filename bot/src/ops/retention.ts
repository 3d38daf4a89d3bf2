/**
 * Retention and the opt-out that survives erasure (issue 12, item 4).
 * - RETENTION_DAYS: a leased job (one instance at a time) deletes messages in a final state
 *   older than the period, and their media; pending messages and queues are never touched.
 * - A number that opted out and was erased (`npm run admin -- contact erase`) is kept only as
 *   a hashed suppression entry: a contact created again for it starts opted out, so no
 *   business message reaches someone who said STOP until they agree again.
 */
import type { Logger } from 'pino';
import type { Clock } from '../app/clock.js';
import type { Millis } from '../core/types.js';
import type { Store } from '../store/port.js';

export const DAY: Millis = 24 * 3_600_000;
const BATCH = 500;

/** One retention pass: deletes in batches until nothing older is left. Returns the count. */
export async function enforceRetention(
  store: Store,
  now: Millis,
  days: number,
  logger?: Logger,
): Promise<number> {
  const cutoff = now - days * DAY;
  let deleted = 0;
  for (;;) {
    const n = await store.ops.deleteMessagesBefore(cutoff, BATCH);
    deleted += n;
    if (n < BATCH) break;
  }
  if (deleted > 0) logger?.info({ deleted, days }, 'retention: old messages deleted');
  return deleted;
}

/** A periodic job that runs on one instance at a time, under a lease in the store. */
export class LeasedJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private again = false;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly options: {
      readonly name: string;
      readonly store: Store;
      readonly clock: Clock;
      readonly owner: string;
      readonly intervalMs: Millis;
      readonly logger: Logger;
      readonly run: () => Promise<unknown>;
      /**
       * Kicks that come while a run is in progress run again at most this long after it
       * ends (default 0): a job kicked by every inbound message then runs a few times a
       * second under a burst, not back to back.
       */
      readonly kickGapMs?: Millis;
    },
  ) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * Runs now if this instance gets the lease; false when another instance holds it. Runs in
   * this process follow one another (a kick, the interval, a test's call), never overlap.
   */
  runOnce(): Promise<boolean> {
    const run = this.chain.then(() => this.runNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runNow(): Promise<boolean> {
    const mine = await this.options.store.ops.acquireJobLease(
      this.options.name,
      this.options.owner,
      Date.now(),
      this.options.intervalMs,
    );
    if (!mine) return false;
    await this.options.run();
    return true;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopped = true;
    await this.running;
  }

  /**
   * alarm (issue 12): run now rather than at the next interval (again right after the run in
   * progress, if one is), when this instance gets the lease.
   */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.tick();
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, job: this.options.name }, 'job failed'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          const gap = this.options.kickGapMs ?? 0;
          if (gap <= 0) this.tick();
          else setTimeout(() => this.kick(), gap).unref();
        }
      });
  }
}

/** The store, with contacts created for a suppressed number starting opted out. */
export function suppressingStore(store: Store, clock: Clock): Store {
  const putContact: Store['putContact'] = async (contact) => {
    if (
      contact.optedOutAt === undefined &&
      !(await store.getContact(contact.id)) &&
      (await store.ops.isSuppressed(contact.phone))
    ) {
      return store.putContact({ ...contact, optedOutAt: clock.now() });
    }
    return store.putContact(contact);
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'putContact') return putContact;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
