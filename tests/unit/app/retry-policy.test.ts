/**
 * One retry policy for every kind of failure (issue 8): how many attempts, after how long,
 * and a wait the other side asked for honoured. The WhatsApp error table only classifies.
 */
import { describe, expect, it } from 'vitest';
import { RETRY_CLASSES, RetryPolicy } from '../../../bot/src/app/retry-policy.js';
import { decideRetry, policyForCode } from '../../../bot/src/whatsapp/error-catalogue.js';
import { WhatsAppApiError } from '../../../bot/src/whatsapp/errors.js';

const policy = new RetryPolicy({ random: () => 0.5 });

describe('the retry policy', () => {
  it('retries a Teams failure with growing waits, then gives up after its bound', () => {
    const waits: number[] = [];
    for (let attempt = 1; ; attempt++) {
      const d = policy.decide('teams', attempt);
      if (!d.retry) break;
      waits.push(d.afterMs);
    }
    expect(waits).toHaveLength(RETRY_CLASSES.teams.maxAttempts - 1);
    expect(waits.slice(0, 3)).toEqual([500, 1000, 2000]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(60_000);
  });

  it('waits as long as the other side asked (Retry-After: 0 is at once), within the bound', () => {
    expect(policy.decide('teams', 1, 30_000)).toEqual({ retry: true, afterMs: 30_000 });
    expect(policy.decide('teams', 1, 0)).toEqual({ retry: true, afterMs: 0 });
    expect(policy.decide('teams', RETRY_CLASSES.teams.maxAttempts, 0)).toEqual({ retry: false });
  });

  it('recomputes a store conflict at once, a few times, and never drops an unexpected failure', () => {
    expect(policy.decide('store_conflict', 1)).toEqual({ retry: true, afterMs: 0 });
    expect(policy.decide('store_conflict', 5)).toEqual({ retry: false });
    expect(policy.decide('unexpected', 1_000)).toMatchObject({ retry: true });
    expect((policy.decide('unexpected', 1_000) as { afterMs: number }).afterMs).toBeLessThanOrEqual(
      15 * 60_000,
    );
  });

  it("is the WhatsApp table's policy too: its classes take their bounds from here", () => {
    expect(policyForCode(131000).maxAttempts).toBe(RETRY_CLASSES.transient.maxAttempts);
    expect(policyForCode(130429).maxAttempts).toBe(RETRY_CLASSES.throughput.maxAttempts);
    expect(policyForCode(131056).maxAttempts).toBe(RETRY_CLASSES.pair.maxAttempts);
    const last = RETRY_CLASSES.transient.maxAttempts;
    const graphError = new WhatsAppApiError({
      httpStatus: 500,
      graphCode: 131000,
      title: 'Something went wrong',
      details: '',
    });
    expect(decideRetry(graphError, last - 1, () => 0.5).retry).toBe(true);
    expect(decideRetry(graphError, last).retry).toBe(false);
  });
});
