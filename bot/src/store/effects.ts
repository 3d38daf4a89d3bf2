/**
 * Where each effect of a transition goes, the same for both stores: most go to the outbox,
 * `schedule` becomes a timer and `record_consent` a consent record.
 */
import type { ConsentRecord, Effect, Thread } from '../core/types.js';

export type ScheduleEffect = Extract<Effect, { type: 'schedule' }>;

export interface SortedEffects {
  /** In the order the engine gave them: the outbox hands them out in this order. */
  readonly outbox: readonly Effect[];
  readonly timers: readonly ScheduleEffect[];
  readonly consents: readonly ConsentRecord[];
}

export function sortEffects(effects: readonly Effect[]): SortedEffects {
  const outbox: Effect[] = [];
  const timers: ScheduleEffect[] = [];
  const consents: ConsentRecord[] = [];
  for (const effect of effects) {
    if (effect.type === 'schedule') timers.push(effect);
    else if (effect.type === 'record_consent') consents.push(effect.record);
    else outbox.push(effect);
  }
  return { outbox, timers, consents };
}

/** A thread counts as open (one per business number and contact) until it is closed. */
export function isOpen(thread: Thread): boolean {
  return thread.state !== 'closed';
}
