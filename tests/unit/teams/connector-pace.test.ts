/**
 * The connector pace (gather, issue 11 item 2): Teams counts a call when it arrives. A call
 * may leave only when fewer than `max` earlier calls could fall within its window as the
 * connector sees them (unanswered, or answered less than `perMs` ago), so however late a call
 * leaves after its slot, or however long an answer takes, no window of arrivals is ever over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectorPace } from '../../../bot/src/teams/connector-pace.js';
import { busiest } from '../../support/busiest.js';

const CHAT = [
  { max: 7, perMs: 1_000 },
  { max: 8, perMs: 2_000 },
];
const TENANT = [{ max: 30, perMs: 1_000 }];
const target = { conversationId: 'a:alice', tenantId: 't1' };

/** A fake clock the pace sleeps on. */
function fakeClock() {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => (now += ms),
  };
}

describe('the connector pace', () => {
  it('keeps every window of arrivals, whatever each call’s delay on the way and its answer time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 400 }),
            travel: fc.integer({ min: 0, max: 300 }),
            answer: fc.integer({ min: 0, max: 300 }),
          }),
          { minLength: 5, maxLength: 60 },
        ),
        async (calls) => {
          const clock = fakeClock();
          const pace = new ConnectorPace({
            conversationWindows: CHAT,
            tenantWindows: TENANT,
            now: clock.now,
            sleep: clock.sleep,
          });
          const arrivals: number[] = [];
          for (const call of calls) {
            clock.advance(call.gap);
            const entered = await pace.enter(target, 60_000);
            if (!('done' in entered)) throw new Error('should have waited in memory');
            // It reaches the connector somewhere between leaving and being answered.
            const leftAt = clock.now();
            arrivals.push(leftAt + call.travel);
            clock.advance(call.travel + call.answer);
            entered.done();
          }
          for (const w of [...CHAT, ...TENANT])
            expect(busiest(arrivals, w.perMs)).toBeLessThanOrEqual(w.max);
        },
      ),
      {
        numRuns: 300,
        // The case a slot-time count misses: the first call is slow on its way, the next fast.
        examples: [
          [
            [{ gap: 0, travel: 300, answer: 0 }].concat(
              Array.from({ length: 9 }, () => ({ gap: 0, travel: 0, answer: 0 })),
            ),
          ],
        ],
      },
    );
  });

  it('counts calls answered within a user’s own turn, and says how long to wait', () => {
    const clock = fakeClock();
    const pace = new ConnectorPace({ conversationWindows: CHAT, tenantWindows: TENANT, ...clock });
    for (let i = 0; i < 7; i++) pace.record(target);
    expect(pace.waitMs(target)).toBe(1_000);
    clock.advance(1_000);
    expect(pace.waitMs(target)).toBe(0);
    expect(pace.waitMs({ conversationId: 'a:ben', tenantId: 't1' })).toBe(0);
  });

  it('gives the wait back instead of holding a call longer than the caller holds it', async () => {
    const clock = fakeClock();
    const pace = new ConnectorPace({ conversationWindows: CHAT, tenantWindows: TENANT, ...clock });
    for (let i = 0; i < 8; i++) pace.record(target);
    const entered = await pace.enter(target, 500);
    expect(entered).toEqual({ waitMs: 2_000 });
  });
});
