import { describe, expect, it } from 'vitest';
import { TeamsRateLimiter } from '../../../bot/src/teams/rate-limits.js';

function makeLimiter(start = 1_000_000) {
  const clock = { now: start };
  return { clock, limiter: new TeamsRateLimiter({ now: () => clock.now }) };
}

const alice = { conversationId: 'a:alice', tenantId: 't1' };

describe("Teams' rate limits", () => {
  it('should let 7 messages a second through to one conversation, then say how long to wait', () => {
    const { clock, limiter } = makeLimiter();
    for (let i = 0; i < 7; i++) expect(limiter.tryAcquire([alice])).toBe(0);
    expect(limiter.tryAcquire([alice])).toBe(1_000);
    clock.now += 400;
    expect(limiter.tryAcquire([alice])).toBe(600);
    clock.now += 600;
    expect(limiter.tryAcquire([alice])).toBe(0);
  });

  it('should hold to 8 per 2 seconds even when each second is under 7', () => {
    const { clock, limiter } = makeLimiter();
    for (let i = 0; i < 6; i++) expect(limiter.tryAcquire([alice])).toBe(0);
    clock.now += 1_000;
    expect(limiter.tryAcquire([alice])).toBe(0);
    expect(limiter.tryAcquire([alice])).toBe(0);
    // 8 within the last 2 s: the first 6 leave the window at start + 2 s.
    expect(limiter.tryAcquire([alice])).toBe(1_000);
  });

  it('should hold to 60 per 30 seconds and 1,800 per hour', () => {
    const { clock, limiter } = makeLimiter();
    for (let i = 0; i < 60; i++) {
      expect(limiter.tryAcquire([alice])).toBe(0);
      clock.now += 300;
    }
    expect(limiter.tryAcquire([alice])).toBeGreaterThan(0);
    const hourly = new TeamsRateLimiter({
      now: () => clock.now,
      conversationWindows: [{ max: 1_800, perMs: 3_600_000 }],
      tenantWindows: [],
    });
    for (let i = 0; i < 1_800; i++) expect(hourly.tryAcquire([alice])).toBe(0);
    expect(hourly.tryAcquire([alice])).toBe(3_600_000);
  });

  it('should hold every conversation of a tenant to 30 a second together', () => {
    const { limiter } = makeLimiter();
    for (let i = 0; i < 30; i++)
      expect(limiter.tryAcquire([{ conversationId: `a:${i}`, tenantId: 't1' }])).toBe(0);
    expect(limiter.tryAcquire([{ conversationId: 'a:new', tenantId: 't1' }])).toBe(1_000);
    expect(limiter.tryAcquire([{ conversationId: 'a:new', tenantId: 't2' }])).toBe(0);
  });

  it('should take room for several sends all at once or not at all', () => {
    const { limiter } = makeLimiter();
    for (let i = 0; i < 5; i++) limiter.tryAcquire([alice]);
    const bob = { conversationId: 'a:bob', tenantId: 't1' };
    expect(limiter.tryAcquire([alice, alice, alice, bob])).toBeGreaterThan(0);
    // Nothing was counted for Bob by the refused batch.
    for (let i = 0; i < 7; i++) expect(limiter.tryAcquire([bob])).toBe(0);
  });

  it('should count answers sent within a turn against the same windows', () => {
    const { limiter } = makeLimiter();
    for (let i = 0; i < 7; i++) limiter.record(alice);
    expect(limiter.tryAcquire([alice])).toBe(1_000);
  });
});
