/**
 * The contract for what the Teams adapter keeps: activities claimed once (Teams sends an
 * activity again when it thinks we missed it), and the card each user sees for a message, so
 * receipts update that card in place.
 */
import { describe, expect, it } from 'vitest';
import type { MessageCard } from '../../bot/src/store/port.js';
import {
  aThread,
  change,
  T0,
  useStore,
  type MakeStore,
  type MakeTwoClients,
  useTwoClients,
} from './store-fixtures.js';

const card = (overrides: Partial<MessageCard> = {}): MessageCard => ({
  messageId: 't1:2',
  userId: 'user-ana',
  activityId: '1:activity-a',
  conversationId: 'a:personal-ana',
  ...overrides,
});

export function describeTeamsContract(makeStore: MakeStore, makeTwoClients: MakeTwoClients): void {
  describe('Teams activities and cards', () => {
    const store = useStore(makeStore);

    it('claims an event key once: the first claim wins, every later one is refused', async () => {
      expect(await store().claimEventKey('teams:a:1:activity-1', T0)).toBe(true);
      expect(await store().claimEventKey('teams:a:1:activity-1', T0 + 1)).toBe(false);
      expect(await store().claimEventKey('teams:a:1:activity-2', T0 + 1)).toBe(true);
      expect(await store().hasHandledEvent('teams:a:1:activity-1')).toBe(true);
    });

    it("shares its keys with apply's event keys", async () => {
      await store().apply(change(aThread('t1')), { now: T0, eventKey: 'msg:wamid.1' });
      expect(await store().claimEventKey('msg:wamid.1', T0)).toBe(false);
    });

    it("keeps the card of a message for each user, and finds it by the card's activity", async () => {
      await store().putMessageCard(card());
      await store().putMessageCard(
        card({ userId: 'user-ben', activityId: '1:activity-b', conversationId: 'a:personal-ben' }),
      );
      expect(await store().getMessageCard('t1:2', 'user-ana')).toEqual(card());
      expect(await store().getMessageCard('t1:2', 'user-ben')).toMatchObject({
        activityId: '1:activity-b',
      });
      expect(await store().getMessageCard('t1:3', 'user-ana')).toBeUndefined();
      expect(await store().findMessageCardByActivity('user-ana', '1:activity-a')).toEqual(card());
      expect(await store().findMessageCardByActivity('user-ben', '1:activity-a')).toBeUndefined();
    });

    it('replaces the card of a message put again for the same user', async () => {
      await store().putMessageCard(card());
      await store().putMessageCard(card({ activityId: '1:activity-new' }));
      expect(await store().getMessageCard('t1:2', 'user-ana')).toEqual(
        card({ activityId: '1:activity-new' }),
      );
      expect(await store().findMessageCardByActivity('user-ana', '1:activity-a')).toBeUndefined();
    });
  });

  describe('Teams activities on two clients', () => {
    const both = useTwoClients(makeTwoClients);

    it('lets exactly one of two instances claim an activity sent to both at once', async () => {
      const [a, b] = both();
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).claimEventKey('teams:a:1:repeated', T0),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });
  });
}
