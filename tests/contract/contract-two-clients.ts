/**
 * The contract for several instances sharing one store: the version check, the one-open-
 * thread rule and the leases hold across clients, not only inside one.
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../bot/src/core/types.js';
import {
  OpenThreadExistsError,
  StaleThreadError,
  type OutboxItem,
  type TimerItem,
} from '../../bot/src/store/port.js';
import {
  aContact,
  aThread,
  ben,
  change,
  create,
  MINUTE,
  notify,
  schedule,
  T0,
  type MakeTwoClients,
  useTwoClients,
} from './store-fixtures.js';

export function describeTwoClientContract(makeTwoClients: MakeTwoClients): void {
  describe('two clients on one store', () => {
    const both = useTwoClients(makeTwoClients);

    it('sees what the other client wrote', async () => {
      const [a, b] = both();
      await create(a, aThread('t1'));
      expect(await b.getThread('t1')).toMatchObject({ id: 't1', version: 1 });
    });

    it('of two changes computed from the same version, exactly one wins and the other is stale', async () => {
      const [a, b] = both();
      const base = await create(a, aThread('t1'));
      const paused = change({ ...base, state: 'paused' }, { effects: [notify(base, 'paused')] });
      const joined = change(
        { ...base, participants: [...base.participants, ben] },
        { effects: [notify(base, 'joined')] },
      );

      const results = await Promise.allSettled([
        a.apply(paused, { expectedVersion: 1, now: T0 + 1 }),
        b.apply(joined, { expectedVersion: 1, now: T0 + 1 }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(StaleThreadError);

      const winner = results[0]!.status === 'fulfilled' ? paused : joined;
      expect(await b.getThread('t1')).toEqual({ ...winner.thread, version: 2 });
      const [effect] = await a.claimEffects('probe', T0 + 1, MINUTE, 10);
      expect(effect?.effect).toEqual(winner.effects[0]);
      expect(await a.countPendingEffects()).toBe(1);
    });

    it('of two new threads for the same contact, only one is opened', async () => {
      const [a, b] = both();
      const results = await Promise.allSettled([
        a.apply(change(aThread('t1')), { now: T0 }),
        b.apply(change(aThread('t2')), { now: T0 }),
      ]);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(OpenThreadExistsError);
      const open = await a.findOpenThread(aThread('x').businessNumberId, aContact(1).id);
      expect(open?.id).toBe(results[0]!.status === 'fulfilled' ? 't1' : 't2');
      expect(lost[0]!.reason).toMatchObject({ threadId: open?.id });
    });

    it("never hands the same effect to both, and keeps each thread's order", async () => {
      const [a, b] = both();
      const threads = 8;
      const perThread = 3;
      for (let n = 1; n <= threads; n++) {
        const thread = aThread(`t${n}`, { contact: aContact(n) });
        const effects: Effect[] = Array.from({ length: perThread }, (_, i) =>
          notify(thread, `${n}.${i + 1}`),
        );
        await create(a, thread, { effects });
      }
      const handedOut: { owner: string; item: OutboxItem }[] = [];
      for (let round = 0; round < 100 && handedOut.length < threads * perThread; round++) {
        const now = T0 + round;
        const [fromA, fromB] = await Promise.all([
          a.claimEffects('a', now, MINUTE, 3),
          b.claimEffects('b', now, MINUTE, 3),
        ]);
        const claimed = [
          ...fromA.map((item) => ({ owner: 'a', item })),
          ...fromB.map((item) => ({ owner: 'b', item })),
        ];
        // At most one effect per thread is out at any time, across both clients.
        expect(new Set(claimed.map((c) => c.item.threadId)).size).toBe(claimed.length);
        handedOut.push(...claimed);
        await Promise.all(
          claimed.map(({ owner, item }) => (owner === 'a' ? a : b).completeEffect(item.id, owner)),
        );
      }
      const ids = handedOut.map((c) => c.item.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(threads * perThread);
      for (let n = 1; n <= threads; n++) {
        const keys = handedOut
          .filter((c) => c.item.threadId === `t${n}`)
          .map((c) => (c.item.effect as { notice: { key: string } }).notice.key);
        expect(keys).toEqual([`${n}.1`, `${n}.2`, `${n}.3`]);
      }
      expect(await b.countPendingEffects()).toBe(0);
    });

    it('a timer fires once across two clients', async () => {
      const [a, b] = both();
      for (let n = 1; n <= 10; n++) {
        const thread = aThread(`t${n}`, { contact: aContact(n) });
        await create(a, thread, { effects: [schedule(thread, T0 + n)] });
      }
      const fired: TimerItem[] = [];
      for (let round = 0; round < 5; round++) {
        const [fromA, fromB] = await Promise.all([
          a.claimDueTimers('a', T0 + 20, MINUTE, 4),
          b.claimDueTimers('b', T0 + 20, MINUTE, 4),
        ]);
        fired.push(...fromA, ...fromB);
      }
      expect(fired).toHaveLength(10);
      expect(new Set(fired.map((t) => t.id)).size).toBe(10);
      expect(new Set(fired.map((t) => t.threadId)).size).toBe(10);
    });
  });
}
