/**
 * Pacing sends per business number, so WhatsApp's limits are met before it enforces them:
 *
 * - Throughput: 80 messages/s per business number by default, up to 1,000 after Meta's
 *   automatic upgrade
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
 *   Over it: 130429.
 * - Pair rate: about 1 message per 6 s from one business number to one contact, with short
 *   bursts that borrow from later quota ("after a burst of 20, expect about 2 min"); over it:
 *   131056
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 *   Modelled as a token bucket per contact: a burst of 10, refilled one
 *   per 6 s, which keeps well inside the reported 45-in-6-s burst.
 *
 * The pacer never sleeps: it answers how long to wait, so the dispatcher schedules the send
 * (outbox timers) instead of blocking. Its buckets are per process; the product uses
 * `budgets()`, shared through the store by every instance (SendBudgets), and keeps the
 * buckets only for WhatsApp's own throttle answers (slowDown, blockedMs).
 */
import type { Millis } from '../core/types.js';
import type { Budget } from '../store/port.js';
import { pairBackoff, type Throttle } from './error-catalogue.js';
import { TokenBucket } from './token-bucket.js';

export interface SendPacerOptions {
  /** The clock (epoch ms). Default Date.now; tests pass a fake. */
  readonly now?: () => Millis;
  /**
   * Per business number, 1..1,000. Default 80. Inbound messages count too
   * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
   */
  readonly messagesPerSecond?: number;
  /** Messages one contact may get in a burst before pacing starts. Default 10. */
  readonly pairBurst?: number;
  /** Then one message to that contact per this interval. Default 6 s. */
  readonly pairIntervalMs?: Millis;
}

export const DEFAULT_MESSAGES_PER_SECOND = 80;

/**
 * How late after its block of the shared budget a send may still leave (issue 11 item 8).
 * A send waits for its slot right before its request, so this covers the request's way out,
 * not a busy event loop: a send that wakes later than this gives its slot back and takes a
 * new one (SendBudgets.acquire). 30 ms lets the number use 96 % of its rate (1 s / 1.04 s).
 */
export const WHATSAPP_SLACK_MS: Millis = 30;
export const MAX_MESSAGES_PER_SECOND = 1000;
export const DEFAULT_PAIR_BURST = 10;
export const DEFAULT_PAIR_INTERVAL_MS: Millis = 6_000;

/**
 * After 130429: 1 s, 2 s, 4 s … capped at 60 s
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
 */
export function throughputBackoff(attempt: number): Millis {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

interface Lane {
  readonly bucket: TokenBucket;
  blockedUntil: Millis;
}

/** Idle pair lanes are forgotten once this many exist (a full, unblocked lane = no lane). */
const PAIR_SWEEP_THRESHOLD = 10_000;

export class SendPacer {
  readonly messagesPerSecond: number;
  readonly #now: () => Millis;
  readonly #pairBurst: number;
  readonly #pairIntervalMs: Millis;
  readonly #numbers = new Map<string, Lane>();
  readonly #pairs = new Map<string, Lane>();

  constructor(options: SendPacerOptions = {}) {
    const mps = options.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
    if (!Number.isFinite(mps) || mps < 1 || mps > MAX_MESSAGES_PER_SECOND) {
      throw new RangeError(`messagesPerSecond must be 1..${MAX_MESSAGES_PER_SECOND}, got ${mps}`);
    }
    this.messagesPerSecond = mps;
    this.#now = options.now ?? Date.now;
    this.#pairBurst = options.pairBurst ?? DEFAULT_PAIR_BURST;
    this.#pairIntervalMs = options.pairIntervalMs ?? DEFAULT_PAIR_INTERVAL_MS;
  }

  /**
   * How long before a message from this business number to this contact may go: 0 means now.
   * Reserves nothing.
   */
  delayMs(businessNumberId: string, contact: string): Millis {
    const now = this.#now();
    return this.#wait(
      this.#number(businessNumberId, now),
      this.#pair(businessNumberId, contact, now),
      now,
    );
  }

  /**
   * Takes a send slot if one is free now and returns 0; otherwise takes nothing and returns
   * how long to wait before asking again.
   */
  tryAcquire(businessNumberId: string, contact: string): Millis {
    const now = this.#now();
    const number = this.#number(businessNumberId, now);
    const pair = this.#pair(businessNumberId, contact, now);
    const wait = this.#wait(number, pair, now);
    if (wait > 0) return wait;
    number.bucket.take(now);
    pair.bucket.take(now);
    return 0;
  }

  /**
   * WhatsApp refused a send with a throttle (130429: the number, 131056: this contact): hold
   * that lane back for the backoff of this attempt (1-based), or `atLeastMs` if longer (Graph's
   * estimated_time_to_regain_access). Returns the wait before the next try.
   * Pair backoff is Meta's 4^X seconds (131056,
   * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes);
   * a pair's other contacts are unaffected.
   */
  slowDown(
    throttle: Throttle,
    businessNumberId: string,
    contact: string,
    attempt: number,
    atLeastMs: Millis = 0,
  ): Millis {
    const now = this.#now();
    const lane =
      throttle === 'pair'
        ? this.#pair(businessNumberId, contact, now)
        : this.#number(businessNumberId, now);
    const backoff = throttle === 'pair' ? pairBackoff(attempt) : throughputBackoff(attempt);
    lane.bucket.drain(now);
    lane.blockedUntil = Math.max(lane.blockedUntil, now + Math.max(backoff, atLeastMs));
    return this.delayMs(businessNumberId, contact);
  }

  /**
   * The limits as budgets shared by every instance (Delivery under load): the number's
   * throughput per second, and the pair rate as `pairBurst` per `pairBurst` intervals.
   */
  budgets(businessNumberId: string, contactId: string): Budget[] {
    // The slack is what a sliding second costs: the number keeps its rate over 1 s + slack
    // (WHATSAPP_SLACK_MS), so the smaller, the nearer the limit (see budget-blocks.ts).
    const slackMs = WHATSAPP_SLACK_MS;
    return [
      {
        id: `wa:number:${businessNumberId}`,
        windows: [{ max: this.messagesPerSecond, perMs: 1_000, slackMs }],
      },
      {
        id: `wa:pair:${businessNumberId}:${contactId}`,
        windows: [{ max: this.#pairBurst, perMs: this.#pairBurst * this.#pairIntervalMs, slackMs }],
      },
    ];
  }

  /** How long WhatsApp's own throttle answers (slowDown) hold this number or pair back. */
  blockedMs(businessNumberId: string, contact: string): Millis {
    const now = this.#now();
    const number = this.#numbers.get(businessNumberId);
    const pair = this.#pairs.get(`${businessNumberId}\u0000${contact}`);
    return Math.max(0, (number?.blockedUntil ?? 0) - now, (pair?.blockedUntil ?? 0) - now);
  }

  #wait(number: Lane, pair: Lane, now: Millis): Millis {
    return Math.max(
      0,
      number.blockedUntil - now,
      pair.blockedUntil - now,
      number.bucket.waitMs(now),
      pair.bucket.waitMs(now),
    );
  }

  #number(businessNumberId: string, now: Millis): Lane {
    let lane = this.#numbers.get(businessNumberId);
    if (!lane) {
      // Bursts of a tenth of a second's worth: at most 1.1× the rate in any one second.
      const capacity = Math.max(1, Math.ceil(this.messagesPerSecond / 10));
      lane = {
        bucket: new TokenBucket(capacity, this.messagesPerSecond / 1000, now),
        blockedUntil: 0,
      };
      this.#numbers.set(businessNumberId, lane);
    }
    return lane;
  }

  #pair(businessNumberId: string, contact: string, now: Millis): Lane {
    const key = `${businessNumberId}\u0000${contact}`;
    let lane = this.#pairs.get(key);
    if (!lane) {
      if (this.#pairs.size >= PAIR_SWEEP_THRESHOLD) this.#sweep(now);
      lane = {
        bucket: new TokenBucket(this.#pairBurst, 1 / this.#pairIntervalMs, now),
        blockedUntil: 0,
      };
      this.#pairs.set(key, lane);
    }
    return lane;
  }

  #sweep(now: Millis): void {
    for (const [key, lane] of this.#pairs) {
      if (lane.blockedUntil <= now && lane.bucket.isFull(now)) this.#pairs.delete(key);
    }
  }

  /** For tests and metrics: how many contacts are being paced. */
  get pacedContacts(): number {
    return this.#pairs.size;
  }
}
