/**
 * The contract for gathered cards (issue 11 item 2): several messages may map to one card in
 * a user's chat; the thread's Teams effects still waiting behind one, in order; and what waits
 * to be shown to a user across threads (for the hourly summary).
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../bot/src/core/types.js';
import {
  aContact,
  aMessage,
  aThread,
  change,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

export function describeGatherContract(makeStore: MakeStore): void {
  describe('gathered cards', () => {
    const store = useStore(makeStore);

    it('lists every message one card carries, for that user only', async () => {
      for (const messageId of ['t1:1', 't1:2', 't1:3'])
        await store().putMessageCard({
          messageId,
          userId: 'user-ana',
          activityId: '1:gathered',
          conversationId: 'a:personal-ana',
        });
      await store().putMessageCard({
        messageId: 't1:1',
        userId: 'user-ben',
        activityId: '1:gathered',
        conversationId: 'a:personal-ben',
      });
      const carried = await store().listMessageCardsByActivity('user-ana', '1:gathered');
      expect(carried.map((c) => c.messageId).sort()).toEqual(['t1:1', 't1:2', 't1:3']);
      expect(await store().listMessageCardsByActivity('user-ana', '1:other')).toEqual([]);
    });

    it("lists a thread's Teams effects after a place, in order, without its WhatsApp ones", async () => {
      const thread = aThread('t1', { state: 'active' });
      const m = [1, 2, 3].map((i) =>
        aMessage(thread, i, { direction: 'inbound', kind: 'inbound' }),
      );
      const effects: Effect[] = [
        { type: 'deliver_inbound', threadId: 't1', messageId: 't1:1', to: ['user-ana'] },
        { type: 'send_to_contact', threadId: 't1', messageId: 't1:2' },
        { type: 'deliver_inbound', threadId: 't1', messageId: 't1:2', to: ['user-ana'] },
        { type: 'deliver_inbound', threadId: 't1', messageId: 't1:3', to: ['user-ben'] },
      ] as Effect[];
      await store().apply(change(thread, { messages: m, effects }), { now: T0 });
      await store().apply(
        change(aThread('t2', { state: 'active', contact: aContact(2) }), {
          effects: [
            { type: 'deliver_inbound', threadId: 't2', messageId: 't2:1', to: ['user-ana'] },
          ] as Effect[],
        }),
        { now: T0 },
      );
      const all = await store().listWaitingTeamsEffects('t1', -1, 10);
      expect(all.map((e) => e.effect.type)).toEqual([
        'deliver_inbound',
        'deliver_inbound',
        'deliver_inbound',
      ]);
      const after = await store().listWaitingTeamsEffects('t1', all[0]!.seq, 1);
      expect(after.map((e) => ('messageId' in e.effect ? e.effect.messageId : ''))).toEqual([
        't1:2',
      ]);

      const waiting = await store().listMessagesWaitingFor('user-ana', 10);
      expect(waiting).toEqual(
        expect.arrayContaining([
          { threadId: 't1', messageId: 't1:1' },
          { threadId: 't1', messageId: 't1:2' },
          { threadId: 't2', messageId: 't2:1' },
        ]),
      );
      expect(waiting).toHaveLength(3);
      expect(await store().listMessagesWaitingFor('user-ben', 10)).toEqual([
        { threadId: 't1', messageId: 't1:3' },
      ]);
    });
  });
}
