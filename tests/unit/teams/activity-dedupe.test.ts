import { describe, expect, it } from 'vitest';
import { ActivityDedupe, activityKey } from '../../../bot/src/teams/activity-dedupe.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import { SystemRecords } from '../../../bot/src/app/system-records.js';

const activity = (id: string | undefined, conversation = 'a:alice') => ({
  id,
  channelId: 'msteams',
  conversation: { id: conversation } as never,
});

describe('activity dedupe', () => {
  it('should handle an activity the first time and refuse the same id in the same conversation again', async () => {
    const store = new SqliteStore(':memory:');
    const dedupe = new ActivityDedupe(new SystemRecords(store), { now: () => 1 });
    expect(await dedupe.firstTime(activity('1'))).toBe(true);
    expect(await dedupe.firstTime(activity('1'))).toBe(false);
    expect(await dedupe.firstTime(activity('1', 'a:bob'))).toBe(true);
    expect(await dedupe.firstTime(activity('2'))).toBe(true);
    await store.close();
  });

  it('should let through activities that carry no id, every time', async () => {
    const store = new SqliteStore(':memory:');
    const dedupe = new ActivityDedupe(new SystemRecords(store), { now: () => 1 });
    expect(await dedupe.firstTime(activity(undefined))).toBe(true);
    expect(await dedupe.firstTime(activity(undefined))).toBe(true);
    expect(activityKey(activity(undefined))).toBeUndefined();
    await store.close();
  });

  it('should let exactly one of many simultaneous deliveries through', async () => {
    const store = new SqliteStore(':memory:');
    const dedupe = new ActivityDedupe(new SystemRecords(store), { now: () => 1 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => dedupe.firstTime(activity('same'))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await store.close();
  });
});
