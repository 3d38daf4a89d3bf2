/**
 * Fires due timers (the opt-in retry 24 hours after a failed delivery). Timers live in the
 * store, so they survive restarts; each is leased to one instance, so it fires once.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/port.js';
import type { Clock } from './clock.js';
import type { Conversations } from './conversations.js';

export interface TimerRunnerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly conversations: Conversations;
  readonly owner: string;
  readonly leaseMs?: number;
  readonly pollMs?: number;
}

export class TimerRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy: Promise<number> | undefined;

  constructor(private readonly options: TimerRunnerOptions) {}

  start(): void {
    this.running = true;
    const tick = () => {
      if (!this.running) return;
      this.busy = this.runDue().catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'timer run failed');
        return 0;
      });
      void this.busy.finally(() => {
        if (this.running) {
          this.timer = setTimeout(tick, this.options.pollMs ?? 1_000);
          this.timer.unref?.();
        }
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
  }

  /** Fire every timer that is due now. Returns how many fired. */
  async runDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await this.options.store.claimDueTimers(
        this.options.owner,
        this.options.clock.now(),
        this.options.leaseMs ?? 60_000,
        16,
      );
      if (due.length === 0) return fired;
      for (const timer of due) {
        await this.options.conversations.fire(timer.threadId, timer.timer);
        await this.options.store.completeTimer(timer.id, this.options.owner);
        fired++;
      }
    }
  }
}
