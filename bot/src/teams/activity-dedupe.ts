/**
 * Teams sends an activity again when it did not hear back in time (the same activity id in
 * the same conversation). Each one is handled once, across every instance: its key is
 * claimed in the store before anything is done (SystemRecords.claimOnce, over Store.claimEventKey).
 *
 * At most once, on purpose: a repeated "send" would message the contact twice, which is
 * worse than asking the user to try again after a failure (they are told).
 */
import type { Activity } from 'botbuilder';
import type { Clock } from '../app/clock.js';
import type { SystemRecords } from '../app/system-records.js';

/** The key of an activity, or undefined for one without an id (nothing to compare). */
export function activityKey(
  activity: Pick<Activity, 'id' | 'conversation' | 'channelId'>,
): string | undefined {
  if (!activity.id) return undefined;
  return `teams:activity:${activity.channelId ?? ''}:${activity.conversation?.id ?? ''}:${activity.id}`;
}

export class ActivityDedupe {
  constructor(
    private readonly records: Pick<SystemRecords, 'claimOnce'>,
    private readonly clock: Clock,
  ) {}

  /** True the first time an activity is seen; false for a repeat. */
  async firstTime(activity: Pick<Activity, 'id' | 'conversation' | 'channelId'>): Promise<boolean> {
    const key = activityKey(activity);
    return key === undefined ? true : this.records.claimOnce(key, this.clock.now());
  }

  /** True the first time something happens once per key (the welcome in a new chat). */
  async once(key: string): Promise<boolean> {
    return this.records.claimOnce(key, this.clock.now());
  }
}
