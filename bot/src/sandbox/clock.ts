/**
 * The time the app and the sandbox share. In sandbox mode the composition root hands the same
 * clock to both, so "+25 h" on the contact's phone page moves the app's time too: windows close,
 * reminders fall due, and WhatsApp's 24-hour rule (enforced here) agrees with the app's view.
 */

import type { Clock } from '../app/clock.js';

export type { Clock };

/** A clock that can be moved forward, and tells who listens when it is. */
export interface SandboxClock extends Clock {
  /** Moves time forward by `ms` (never back). */
  advance(ms: number): void;
  /** How far this clock runs ahead of real time (0 for a frozen clock's own start). */
  readonly offsetMs: number;
  /** Called after each advance, e.g. so the app's timers look again. Returns an unsubscribe. */
  onAdvance(listener: (now: number, byMs: number) => void): () => void;
}

export interface SandboxClockOptions {
  /**
   * A frozen clock starting here: time moves only by `advance`, which makes tests exact.
   * Without it the clock follows real time, plus whatever was advanced.
   */
  readonly frozenAt?: number;
  /** The real time source; `Date.now` by default. */
  readonly realNow?: () => number;
}

export function createSandboxClock(options: SandboxClockOptions = {}): SandboxClock {
  const realNow = options.realNow ?? Date.now;
  const frozen = options.frozenAt !== undefined;
  const start = options.frozenAt ?? 0;
  const listeners = new Set<(now: number, byMs: number) => void>();
  let offset = 0;

  const clock: SandboxClock = {
    now: () => (frozen ? start : realNow()) + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`advance takes a positive number of ms, not ${ms}`);
      offset += ms;
      const now = clock.now();
      for (const listener of [...listeners]) listener(now, ms);
    },
    get offsetMs() {
      return offset;
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return clock;
}
