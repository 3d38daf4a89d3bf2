/**
 * The operations port (issue 12) on every store: the readiness probe, job leases (one
 * instance runs a job; a released lease is taken over at once), the figures the metrics
 * report, and alarm records.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../bot/src/store/port.js';
import {
  aContact,
  aThread,
  create,
  HOUR,
  MINUTE,
  schedule,
  sendToContact,
  T0,
  useStore,
  type MakeStore,
  type MakeTwoClients,
} from './store-fixtures.js';

export function describeOpsContract(makeStore: MakeStore, makeTwoClients: MakeTwoClients): void {
  describe('operations', () => {
    const store = useStore(makeStore);

    it('commits the readiness probe', async () => {
      await expect(store().ops.probeCommit('a', T0)).resolves.toBeUndefined();
      await expect(store().ops.probeCommit('a', T0 + 1)).resolves.toBeUndefined();
    });

    it("reports the outbox's depth and its oldest effect, and due and late timers", async () => {
      expect(await store().ops.outboxStats()).toEqual({ depth: 0, oldestCreatedAt: undefined });
      const t1 = aThread('t1', { contact: aContact(1) });
      const t2 = aThread('t2', { contact: aContact(2) });
      await create(store(), t1, { effects: [sendToContact(t1, 1), schedule(t1, T0 + MINUTE)] });
      await create(
        store(),
        t2,
        { effects: [sendToContact(t2, 1), schedule(t2, T0 + HOUR)] },
        T0 + 5000,
      );
      expect(await store().ops.outboxStats()).toEqual({ depth: 2, oldestCreatedAt: T0 });
      expect(await store().ops.timerStats(T0, MINUTE)).toEqual({ due: 0, late: 0 });
      expect(await store().ops.timerStats(T0 + 30 * MINUTE, 5 * MINUTE)).toEqual({
        due: 1,
        late: 1,
      });
      expect(await store().ops.timerStats(T0 + HOUR, 5 * MINUTE)).toEqual({ due: 2, late: 1 });
    });

    it('counts open conversations by state and window', async () => {
      await create(
        store(),
        aThread('t1', { contact: aContact(1), state: 'active', lastInboundAt: T0 }),
      );
      await create(
        store(),
        aThread('t2', { contact: aContact(2), state: 'active', lastInboundAt: T0 - 25 * HOUR }),
      );
      await create(store(), aThread('t3', { contact: aContact(3) }));
      await create(store(), aThread('t4', { contact: aContact(4), state: 'closed', closedAt: T0 }));
      expect(await store().ops.openThreads(T0 + HOUR, 24 * HOUR)).toEqual([
        { state: 'active', window: 'closed', count: 1 },
        { state: 'active', window: 'open', count: 1 },
        { state: 'awaiting_consent', window: 'closed', count: 1 },
      ]);
    });

    it('keeps alarm records', async () => {
      const raised = {
        key: 'token_refused',
        kind: 'token_refused',
        state: 'raised' as const,
        since: T0,
        toldRaised: ['u1'],
        toldCleared: [],
        detail: { code: '190' },
      };
      await store().ops.putAlarm(raised);
      expect(await store().ops.getAlarm('token_refused')).toEqual(raised);
      await store().ops.putAlarm({ ...raised, state: 'cleared', toldCleared: ['u1'] });
      expect(await store().ops.listAlarms()).toEqual([
        { ...raised, state: 'cleared', toldCleared: ['u1'] },
      ]);
      expect(await store().ops.getAlarm('other')).toBeUndefined();
    });
  });

  describe('operations with two instances', () => {
    let clients: readonly [Store, Store] | undefined;
    beforeEach(async () => {
      clients = await makeTwoClients();
    });
    afterEach(async () => {
      await Promise.all(clients?.map((c) => c.close()) ?? []);
      clients = undefined;
    });

    it('gives a job lease to one owner until it runs out, and renews it for its holder', async () => {
      const [a, b] = clients!;
      expect(await a.ops.acquireJobLease('alarms', 'A', T0, MINUTE)).toBe(true);
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + 1000, MINUTE)).toBe(false);
      expect(await a.ops.acquireJobLease('alarms', 'A', T0 + 2000, MINUTE)).toBe(true);
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + MINUTE + 1000, MINUTE)).toBe(false);
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + MINUTE + 2000, MINUTE)).toBe(true);
      expect(await b.ops.acquireJobLease('retention', 'B', T0, MINUTE)).toBe(true);
    });

    it("hands a released owner's job leases, effects and timers to another instance at once", async () => {
      const [a, b] = clients!;
      const t1 = aThread('t1');
      await create(a, t1, { effects: [sendToContact(t1, 1), schedule(t1, T0)] });
      expect(await a.ops.acquireJobLease('alarms', 'A', T0, HOUR)).toBe(true);
      expect(await a.claimEffects('A', T0, HOUR, 10)).toHaveLength(1);
      expect(await a.claimDueTimers('A', T0, HOUR, 10)).toHaveLength(1);
      expect(await b.claimEffects('B', T0 + 1, HOUR, 10)).toHaveLength(0);

      await a.ops.releaseLeases('A');
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + 2, HOUR)).toBe(true);
      const effects = await b.claimEffects('B', T0 + 2, HOUR, 10);
      expect(effects).toHaveLength(1);
      expect(effects[0]!.recovered).toBe(false);
      expect(await b.claimDueTimers('B', T0 + 2, HOUR, 10)).toHaveLength(1);
    });
  });
}
