import { describe, expect, it } from 'vitest';
import { SendPacer } from '../../../bot/src/whatsapp/send-pacer.js';
import { TokenBucket } from '../../../bot/src/whatsapp/token-bucket.js';

const NUMBER = '106540352242922';

/** A clock the test moves by hand. */
function fakeClock(start = 1_767_225_600_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (t: number) => {
      now = t;
    },
  };
}

describe('SendPacer: one contact (pair rate, error 131056)', () => {
  // 1,000/s so the number's own burst (a tenth of a second's worth) does not get in the way.
  it('lets a burst of 10 through, then one message every 6 seconds', () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, messagesPerSecond: 1000 });
    for (let i = 0; i < 10; i++) expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(0);

    expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(6000);
    clock.advance(5999);
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(1);
    clock.advance(1);
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(0);
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(6000);
  });

  it('only answers how long to wait when asked for the delay, and reserves nothing', () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, pairBurst: 1 });
    expect(pacer.delayMs(NUMBER, 'ana')).toBe(0);
    expect(pacer.delayMs(NUMBER, 'ana')).toBe(0);
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(0);
    expect(pacer.delayMs(NUMBER, 'ana')).toBe(6000);
  });

  it('does not hold other contacts back', () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, messagesPerSecond: 1000 });
    for (let i = 0; i < 10; i++) pacer.tryAcquire(NUMBER, 'ana');
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBeGreaterThan(0);
    expect(pacer.tryAcquire(NUMBER, 'ben')).toBe(0);
    expect(pacer.tryAcquire('other-number', 'ana')).toBe(0);
  });

  it('backs a contact off 4^X seconds after a 131056, draining its burst', () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, messagesPerSecond: 1000 });
    pacer.tryAcquire(NUMBER, 'ana');

    expect(pacer.slowDown('pair', NUMBER, 'ana', 1)).toBe(6000); // blocked 1 s, but the bucket is empty: 6 s
    expect(pacer.slowDown('pair', NUMBER, 'ana', 3)).toBe(16_000);
    expect(pacer.delayMs(NUMBER, 'ben')).toBe(0);
    clock.advance(16_000);
    // 16 s of refill at 1 per 6 s: two messages, then wait.
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(0);
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBe(0);
    expect(pacer.tryAcquire(NUMBER, 'ana')).toBeGreaterThan(0);
  });
});

describe('SendPacer: the business number (throughput, error 130429)', () => {
  /** Sends to a new contact each time, as fast as the pacer allows, for `ms`. */
  function sendFor(pacer: SendPacer, clock: ReturnType<typeof fakeClock>, ms: number): number[] {
    const start = clock.now();
    const sentAt: number[] = [];
    let contact = 0;
    while (clock.now() - start < ms) {
      const wait = pacer.tryAcquire(NUMBER, `c${contact}`);
      if (wait === 0) {
        sentAt.push(clock.now() - start);
        contact += 1;
      } else clock.advance(wait);
    }
    return sentAt;
  }

  it('keeps to 80 messages a second by default', () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now });
    const sentAt = sendFor(pacer, clock, 10_000);
    const perSecond = Array.from(
      { length: 10 },
      (_, s) => sentAt.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length,
    );
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(88); // a tenth of a second's burst at most
    expect(sentAt.length).toBeGreaterThanOrEqual(790);
    expect(sentAt.length).toBeLessThanOrEqual(810);
  });

  it("spreads a same-instant burst over the number's tenth of a second (8 at 80/s)", () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now });
    const waits = Array.from({ length: 10 }, () => pacer.tryAcquire(NUMBER, 'ana'));
    expect(waits.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(waits[8]).toBe(13); // 1/80 s, rounded up
  });

  it('can be raised to 1,000 a second, and no further', () => {
    const clock = fakeClock();
    const sentAt = sendFor(new SendPacer({ now: clock.now, messagesPerSecond: 1000 }), clock, 2000);
    expect(sentAt.length).toBeGreaterThanOrEqual(1990);
    expect(sentAt.length).toBeLessThanOrEqual(2110);
    expect(() => new SendPacer({ messagesPerSecond: 1001 })).toThrow(RangeError);
    expect(() => new SendPacer({ messagesPerSecond: 0 })).toThrow(RangeError);
  });

  it("holds the whole number back after a 130429, for Graph's wait if it is longer", () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now });
    expect(pacer.slowDown('throughput', NUMBER, 'ana', 1)).toBe(1000);
    expect(pacer.delayMs(NUMBER, 'ben')).toBe(1000);
    expect(pacer.delayMs('other-number', 'ben')).toBe(0);
    expect(pacer.slowDown('throughput', NUMBER, 'ana', 3)).toBe(4000);
    expect(pacer.slowDown('throughput', NUMBER, 'ana', 1, 120_000)).toBe(120_000);
    expect(pacer.slowDown('throughput', NUMBER, 'ana', 20)).toBe(120_000); // never shortens a hold
    clock.advance(120_000);
    expect(pacer.tryAcquire(NUMBER, 'ben')).toBe(0);
  });
});

describe('SendPacer: housekeeping', () => {
  it('forgets contacts that have been idle long enough to be back at a full burst', () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, messagesPerSecond: 1000 });
    for (let i = 0; i < 10_000; i++) {
      pacer.tryAcquire(NUMBER, `c${i}`);
      clock.advance(1);
    }
    expect(pacer.pacedContacts).toBe(10_000);
    clock.advance(60_000);
    pacer.tryAcquire(NUMBER, 'newcomer');
    expect(pacer.pacedContacts).toBe(1);
  });
});

describe('TokenBucket', () => {
  it('grants nothing when the clock steps back', () => {
    const bucket = new TokenBucket(1, 1 / 1000, 10_000);
    bucket.take(10_000);
    expect(bucket.waitMs(5_000)).toBe(1000);
    expect(bucket.waitMs(10_500)).toBe(500);
    expect(bucket.waitMs(11_000)).toBe(0);
  });

  it('refuses a bucket that could never grant a token', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(RangeError);
  });
});
