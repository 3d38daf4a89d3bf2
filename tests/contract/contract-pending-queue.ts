/**
 * The contract for pending queues (issue 11 item 4): held messages are found in the order
 * they were written, and a release becomes, in its place, one send per held message.
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../bot/src/core/types.js';
import {
  aMessage,
  aThread,
  change,
  create,
  notify,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

export function describePendingQueueContract(makeStore: MakeStore): void {
  describe('pending queue', () => {
    const store = useStore(makeStore);

    it('lists held messages in the order written, whatever order they were held in', async () => {
      const t = aThread('t1', { nextSeq: 5 });
      const held = (seq: number) => aMessage(t, seq, { held: true, body: `held ${seq}` });
      let thread = await create(
        store(),
        { ...t, pendingCount: 2 },
        {
          messages: [held(3), aMessage(t, 2), held(1)],
        },
      );
      await store().apply(change({ ...thread, pendingCount: 3 }, { messages: [held(2)] }), {
        expectedVersion: thread.version,
        now: T0,
      });
      thread = (await store().getThread('t1'))!;
      expect(thread.pendingCount).toBe(3);
      expect((await store().listHeldMessages('t1')).map((m) => m.body)).toEqual([
        'held 1',
        'held 2',
        'held 3',
      ]);
      expect(await store().listHeldMessages('other')).toEqual([]);
    });

    it('takes a message out of the queue when it is written without the flag', async () => {
      const t = aThread('t1');
      const thread = await create(
        store(),
        { ...t, pendingCount: 1 },
        {
          messages: [aMessage(t, 1, { held: true })],
        },
      );
      await store().apply(
        change(
          { ...thread, pendingCount: 0 },
          { messages: [aMessage(t, 1, { status: 'failed' })] },
        ),
        { expectedVersion: thread.version, now: T0 },
      );
      expect(await store().listHeldMessages('t1')).toEqual([]);
      expect((await store().getMessage('t1:1'))?.status).toBe('failed');
    });

    it('turns a release into one send per held message, in order and in its place, and empties the queue', async () => {
      const t = aThread('t1');
      const thread = await create(
        store(),
        { ...t, pendingCount: 3, nextSeq: 5 },
        {
          messages: [3, 1, 2].map((seq) => aMessage(t, seq, { held: true })),
        },
      );
      const release: Effect = { type: 'release_pending', threadId: 't1' };
      const before = notify(t, 'before');
      const after = notify(t, 'after');
      await store().apply(
        change(
          { ...thread, state: 'active', pendingCount: 0 },
          {
            messages: [aMessage(t, 4, { direction: 'inbound', kind: 'inbound' })],
            effects: [before, release, after],
          },
        ),
        { expectedVersion: thread.version, now: T0 },
      );
      expect(await store().listHeldMessages('t1')).toEqual([]);
      const held = await store().getMessage('t1:2');
      expect(held?.held).toBeUndefined();
      const order: Effect[] = [];
      for (;;) {
        const [item] = await store().claimEffects('a', T0, 60_000, 1);
        if (!item) break;
        order.push(item.effect);
        await store().completeEffect(item.id, 'a');
      }
      expect(order).toEqual([
        before,
        { type: 'send_to_contact', threadId: 't1', messageId: 't1:1' },
        { type: 'send_to_contact', threadId: 't1', messageId: 't1:2' },
        { type: 'send_to_contact', threadId: 't1', messageId: 't1:3' },
        after,
      ]);
    });

    it('releases nothing, and stores no release, when nothing is held', async () => {
      const t = aThread('t1');
      const thread = await create(store(), t);
      await store().apply(
        change(
          { ...thread, state: 'active' },
          { effects: [{ type: 'release_pending', threadId: 't1' }] },
        ),
        { expectedVersion: thread.version, now: T0 },
      );
      expect(await store().countPendingEffects('t1')).toBe(0);
    });
  });
}
