/**
 * replycpu (issue 11): a user's own turns waiting for their chat's windows. A turn waits (up
 * to TURN_HOLD_MS) only while the turns already waiting leave it a call the windows can let
 * out within the hold; one that would wait the whole hold and go anyway goes at once. In the
 * replies benchmark, 16 turns of one user at a time each waited the full 2 s and then went
 * over the windows all the same: for 5 s the bot answered almost nothing.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { TeamsMessenger, TURN_HOLD_MS } from '../../../bot/src/teams/messenger.js';
import type { TeamsRateLimiter } from '../../../bot/src/teams/rate-limits.js';

const CHAT = [
  { max: 7, perMs: 1_000 },
  { max: 8, perMs: 2_000 },
];
const TENANT = [{ max: 30, perMs: 1_000 }];
const target = { conversationId: 'a:alice', tenantId: 't1' };

/** A clock the test moves; sleepers wake when it passes their time. */
function world() {
  let now = 1_000_000;
  const sleepers: { until: number; wake: () => void }[] = [];
  const messenger = new TeamsMessenger({
    adapter: {} as never,
    appId: '',
    limiter: { record: () => undefined } as unknown as TeamsRateLimiter,
    logger: pino({ level: 'silent' }),
    conversationWindows: CHAT,
    tenantWindows: TENANT,
    paceClock: {
      now: () => now,
      sleep: (ms) => new Promise<void>((wake) => sleepers.push({ until: now + ms, wake })),
    },
  });
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  const advance = async (ms: number) => {
    const end = now + ms;
    for (; now < end; now += 10) {
      for (const s of sleepers.splice(0)) {
        if (s.until <= now) s.wake();
        else sleepers.push(s);
      }
      await settle();
    }
  };
  return { messenger, now: () => now, advance, settle };
}

describe("a user's own turns, many at once", () => {
  it('wait only as many as the chat can take within the hold; the others go at once, counted', async () => {
    const w = world();
    // Seven cards answered over the last 600 ms: the chat's 7 a second is full.
    for (let i = 0; i < 7; i++) {
      const entered = await w.messenger.pace.enter(target, 10_000);
      if (!('done' in entered)) throw new Error('should go now');
      entered.done();
      await w.advance(100);
    }
    const started = w.now();
    const wentAt: number[] = [];
    const turns = Array.from({ length: 12 }, () =>
      w.messenger.inTurn(target, async () => {
        wentAt.push(w.now());
      }),
    );
    await w.settle();
    // Within the hold the chat can let out 7 more calls (the seven drop out of its second):
    // seven turns wait for them, the other five go now rather than after a 2 s wait.
    expect(wentAt).toEqual([started, started, started, started, started]);
    await w.advance(TURN_HOLD_MS + 100);
    await Promise.all(turns);
    expect(wentAt).toHaveLength(12);
    for (const at of wentAt) expect(at - started).toBeLessThanOrEqual(TURN_HOLD_MS);
  });

  it('still waits, alone, for the call that frees the chat', async () => {
    const w = world();
    for (let i = 0; i < 7; i++) {
      const entered = await w.messenger.pace.enter(target, 10_000);
      if (!('done' in entered)) throw new Error('should go now');
      entered.done();
      await w.advance(100);
    }
    const first = w.now() - 700;
    const wentAt: number[] = [];
    const turn = w.messenger.inTurn(target, async () => {
      wentAt.push(w.now());
    });
    await w.settle();
    expect(wentAt).toEqual([]);
    await w.advance(TURN_HOLD_MS);
    await turn;
    // Not before the first of the seven is a second old.
    expect(wentAt[0]).toBeGreaterThanOrEqual(first + 1_000);
  });

  it('waits behind calls still in flight, as for answered ones', async () => {
    const w = world();
    const inFlight: (() => void)[] = [];
    for (let i = 0; i < 7; i++) {
      const entered = await w.messenger.pace.enter(target, 10_000);
      if (!('done' in entered)) throw new Error('should go now');
      inFlight.push(entered.done);
    }
    const wentAt: number[] = [];
    const turn = w.messenger.inTurn(target, async () => {
      wentAt.push(w.now());
    });
    await w.settle();
    expect(wentAt).toEqual([]);
    await w.advance(100);
    const answeredAt = w.now();
    for (const done of inFlight) done();
    await w.advance(TURN_HOLD_MS);
    await turn;
    expect(wentAt[0]).toBeGreaterThanOrEqual(answeredAt + 1_000);
  });
});
