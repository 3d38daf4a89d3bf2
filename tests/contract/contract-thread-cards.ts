/**
 * release (issue 10): the conversation card kept per (thread, user), so a state change
 * updates the card the user's chat shows instead of leaving "Waiting for consent" behind.
 */
import { describe, expect, it } from 'vitest';
import type { ThreadCard } from '../../bot/src/store/port.js';
import { useStore, type MakeStore } from './store-fixtures.js';

const card = (overrides: Partial<ThreadCard> = {}): ThreadCard => ({
  threadId: 't1',
  userId: 'user-ana',
  activityId: '1:activity-a',
  conversationId: 'a:personal-ana',
  ...overrides,
});

export function describeThreadCardContract(makeStore: MakeStore): void {
  describe('conversation cards', () => {
    const store = useStore(makeStore);

    it('keeps the conversation card of a thread for each user', async () => {
      await store().putThreadCard(card());
      await store().putThreadCard(
        card({ userId: 'user-ben', activityId: '1:activity-b', conversationId: 'a:personal-ben' }),
      );
      expect(await store().listThreadCards('t1', 'user-ana', 3)).toEqual([card()]);
      expect(await store().listThreadCards('t1', 'user-ben', 3)).toEqual([
        card({ userId: 'user-ben', activityId: '1:activity-b', conversationId: 'a:personal-ben' }),
      ]);
      expect(await store().listThreadCards('t2', 'user-ana', 3)).toEqual([]);
    });

    it('lists the newest first, a card kept again counting as new, up to the limit', async () => {
      await store().putThreadCard(card({ activityId: '1:a' }));
      await new Promise((resolve) => setTimeout(resolve, 2));
      await store().putThreadCard(card({ activityId: '1:b' }));
      await new Promise((resolve) => setTimeout(resolve, 2));
      await store().putThreadCard(card({ activityId: '1:c' }));
      await new Promise((resolve) => setTimeout(resolve, 2));
      await store().putThreadCard(card({ activityId: '1:a' }));
      const ids = async (limit: number) =>
        (await store().listThreadCards('t1', 'user-ana', limit)).map((c) => c.activityId);
      expect(await ids(3)).toEqual(['1:a', '1:c', '1:b']);
      expect(await ids(2)).toEqual(['1:a', '1:c']);
    });

    it('forgets the oldest beyond the few it keeps', async () => {
      for (let i = 1; i <= 8; i++) {
        await store().putThreadCard(card({ activityId: `1:card-${i}` }));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const kept = (await store().listThreadCards('t1', 'user-ana', 100)).map((c) => c.activityId);
      expect(kept).toEqual(['1:card-8', '1:card-7', '1:card-6', '1:card-5', '1:card-4']);
    });
  });
}
