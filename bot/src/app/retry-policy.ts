/**
 * The one retry policy (issue 8): for every kind of failure, whether to try again, how many
 * times in all, and after how long. The dispatcher only carries it out; the WhatsApp adapter
 * classifies each Graph error code into these classes (whatsapp/error-catalogue.ts, the
 * per-code table) and the Teams adapter reports 429/412/502/504 as transient.
 *
 * Backoff is exponential with full jitter, as Meta advises for transient Cloud API errors
 * ("1 s, 2 s, 4 s … capped at 60 s") and for the pair limit 131056 (4^X seconds):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 * A wait the other side asked for (Teams' Retry-After; for WhatsApp, what the adapter worked
 * out from x-business-use-case-usage and the code's class) is the wait.
 */

/** The wait before the next attempt, after attempt `attempt` (1-based) failed. `random` ∈ [0, 1). */
export type RetryDelay = (attempt: number, random?: () => number) => number;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A random wait in [0, min(cap, base·2^(attempt-1))). */
export function exponentialBackoff(baseMs: number, capMs: number): RetryDelay {
  return (attempt, random = Math.random) =>
    Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1)));
}

/** Pair limit: 4^X seconds, 1 s, 4 s, 16 s, 64 s … (Meta's advice for 131056). */
export const pairBackoff: RetryDelay = (attempt) => 4 ** Math.max(0, attempt - 1) * SECOND;

export interface RetryClass {
  /** Attempts in all, the first included: 1 means never retried. */
  readonly maxAttempts: number;
  readonly delay: RetryDelay;
}

export type RetryClassName =
  /** WhatsApp unreachable, 5xx, or a transient Graph code. */
  | 'transient'
  /** Our business number is over its messages per second (130429). */
  | 'throughput'
  /** Too many messages to one contact (131056). */
  | 'pair'
  /** A send the WhatsApp adapter asked to retry (its class decided above): the outer bound. */
  | 'whatsapp'
  /** Teams' Bot Connector: 429, 412, 502, 504 or a network failure. */
  | 'teams'
  /** Another writer changed the thread meanwhile: recompute from fresh state at once. */
  | 'store_conflict'
  /** Anything else while dispatching (the store down, a bug): keep it, back off, never drop. */
  | 'unexpected';

export const RETRY_CLASSES: Readonly<Record<RetryClassName, RetryClass>> = {
  transient: { maxAttempts: 5, delay: exponentialBackoff(SECOND, MINUTE) },
  throughput: { maxAttempts: 8, delay: exponentialBackoff(SECOND, MINUTE) },
  pair: { maxAttempts: 5, delay: pairBackoff },
  whatsapp: { maxAttempts: 8, delay: exponentialBackoff(SECOND, MINUTE) },
  teams: { maxAttempts: 8, delay: exponentialBackoff(SECOND, MINUTE) },
  store_conflict: { maxAttempts: 5, delay: () => 0 },
  unexpected: {
    maxAttempts: Number.POSITIVE_INFINITY,
    delay: exponentialBackoff(SECOND, 15 * MINUTE),
  },
};

export type RetryDecision =
  { readonly retry: true; readonly afterMs: number } | { readonly retry: false };

export class RetryPolicy {
  private readonly classes: Readonly<Record<RetryClassName, RetryClass>>;
  private readonly random: () => number;

  constructor(
    options: {
      readonly random?: () => number;
      /** Tests shorten a class. */
      readonly overrides?: Partial<Record<RetryClassName, Partial<RetryClass>>>;
    } = {},
  ) {
    this.random = options.random ?? Math.random;
    const classes = { ...RETRY_CLASSES };
    for (const [name, change] of Object.entries(options.overrides ?? {}))
      classes[name as RetryClassName] = { ...classes[name as RetryClassName], ...change };
    this.classes = classes;
  }

  /**
   * Attempt number `attempt` (1-based) failed with a failure of class `kind`: try again after
   * `afterMs`, or give up. `askedMs`: the wait the other side asked for, if any.
   */
  decide(kind: RetryClassName, attempt: number, askedMs?: number): RetryDecision {
    const cls = this.classes[kind];
    if (attempt >= cls.maxAttempts) return { retry: false };
    return { retry: true, afterMs: askedMs ?? cls.delay(attempt, this.random) };
  }
}
