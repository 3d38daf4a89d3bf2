/**
 * A reply within the user's own turn (Info's receipts, a list, their own words' status card)
 * reaches the Bot Connector like any card, and Teams counts it in the chat's windows as it
 * arrives. It passes the same last gate: right behind a burst that filled the chat's second,
 * it waits for a call to leave the window instead of making the second one over (gather).
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

function world() {
  let now = 1_000_000;
  const recorded: number[] = [];
  const limiter = { record: () => recorded.push(now) } as unknown as TeamsRateLimiter;
  const messenger = new TeamsMessenger({
    adapter: {} as never,
    appId: '',
    limiter,
    logger: pino({ level: 'silent' }),
    conversationWindows: CHAT,
    tenantWindows: TENANT,
    paceClock: {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    },
  });
  return { messenger, recorded, now: () => now, advance: (ms: number) => (now += ms) };
}

describe("a reply within the user's turn", () => {
  it('waits behind a burst that filled the chat’s second, and is counted', async () => {
    const w = world();
    // Seven cards answered over the last 600 ms: the chat's 7 a second is full.
    const answered: number[] = [];
    for (let i = 0; i < 7; i++) {
      const entered = await w.messenger.pace.enter(target, 10_000);
      if (!('done' in entered)) throw new Error('should go now');
      answered.push(w.now());
      entered.done();
      w.advance(100);
    }
    const sentAt: number[] = [];
    const result = await w.messenger.inTurn(target, async () => {
      sentAt.push(w.now());
      return 'sent';
    });
    expect(result).toBe('sent');
    // Not before the first of the seven is a second old.
    expect(sentAt[0]).toBeGreaterThanOrEqual((answered[0] as number) + 1_000);
    // Counted: the next card waits for it in turn.
    expect(w.messenger.pace.recentCalls(target, 1_000)).toBe(7);
    expect(w.recorded).toHaveLength(1);
  });

  it('goes now when the chat has room, and still goes when the wait is longer than a turn holds', async () => {
    const w = world();
    const first: number[] = [];
    await w.messenger.inTurn(target, async () => first.push(w.now()));
    expect(first).toEqual([1_000_000]);

    // A chat with no room for longer than a turn holds (its hour used up): the answer goes
    // anyway, counted, rather than the user getting none.
    const hourly = world();
    const full = new TeamsMessenger({
      adapter: {} as never,
      appId: '',
      limiter: { record: () => undefined } as unknown as TeamsRateLimiter,
      logger: pino({ level: 'silent' }),
      conversationWindows: [
        ...CHAT,
        { max: 9, perMs: 10 * TURN_HOLD_MS },
        { max: 2, perMs: 60 * TURN_HOLD_MS },
      ],
      tenantWindows: TENANT,
      paceClock: {
        now: hourly.now,
        sleep: async (ms) => {
          hourly.advance(ms);
        },
      },
    });
    full.counted(target);
    const at: number[] = [];
    const started = hourly.now();
    await full.inTurn(target, async () => at.push(hourly.now()));
    expect(at).toHaveLength(1);
    expect((at[0] as number) - started).toBeLessThanOrEqual(TURN_HOLD_MS);
    expect(full.pace.recentCalls(target, 1_000)).toBe(2);
  });
});
