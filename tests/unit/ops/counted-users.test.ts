/**
 * The metrics wrapper around the Teams channel passes each delivery's context on: its key is
 * the outbox effect's id, under which the send slots reserved for it are found again when it
 * comes back from waiting (budgets, issue 11 item 8). Dropping it made every return take a
 * new slot behind every other waiting card, and a burst to one user stalled.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryContext, TeamsEffect } from '../../../bot/src/app/ports.js';
import type { Thread } from '../../../bot/src/core/types.js';
import { countedUsers, noMetrics } from '../../../bot/src/ops/metrics.js';

describe('counting what Teams was told', () => {
  it("passes the effect's key on to the Teams channel", async () => {
    const seen: (DeliveryContext | undefined)[] = [];
    const channel = countedUsers(
      {
        deliver: async (_effect, _thread, context) => {
          seen.push(context);
        },
      },
      noMetrics,
    );
    const effect = { type: 'notify', to: ['u-1'] } as unknown as TeamsEffect;
    await channel.deliver(effect, { id: 't-1' } as Thread, { key: 'effect-42' });
    expect(seen).toEqual([{ key: 'effect-42' }]);
  });
});
