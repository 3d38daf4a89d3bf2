/**
 * A token bucket on an injected clock: `capacity` tokens, refilled continuously at
 * `refillPerMs`. It never reads the time itself, so tests drive it with a fake clock.
 * (Libraries such as `limiter` read Date.now and sleep; we need "how long until", not sleep.)
 */
import type { Millis } from '../core/types.js';

export class TokenBucket {
  #tokens: number;
  #updatedAt: Millis;

  constructor(
    readonly capacity: number,
    readonly refillPerMs: number,
    now: Millis,
  ) {
    if (!(capacity >= 1) || !(refillPerMs > 0)) {
      throw new RangeError('a token bucket needs capacity ≥ 1 and a positive refill rate');
    }
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  #refill(now: Millis): void {
    // A clock that steps back refills nothing (and never removes tokens).
    if (now <= this.#updatedAt) return;
    this.#tokens = Math.min(
      this.capacity,
      this.#tokens + (now - this.#updatedAt) * this.refillPerMs,
    );
    this.#updatedAt = now;
  }

  /** Milliseconds until one token is available: 0 if one is there now. */
  waitMs(now: Millis): Millis {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.refillPerMs);
  }

  /** Takes one token; the caller checked waitMs() was 0. */
  take(now: Millis): void {
    this.#refill(now);
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  /** Empties the bucket: WhatsApp said we were over, so our estimate was too generous. */
  drain(now: Millis): void {
    this.#refill(now);
    this.#tokens = 0;
  }

  isFull(now: Millis): boolean {
    this.#refill(now);
    return this.#tokens >= this.capacity;
  }
}
