/**
 * The contract for send budgets shared by every instance (Delivery under load): slots taken
 * through the store keep every window of every budget, for any number of clients together.
 */
import { describe, expect, it } from 'vitest';
import type { Budget, BudgetGrant, Store } from '../../bot/src/store/port.js';
import { T0, useStore, type MakeStore, type MakeTwoClients } from './store-fixtures.js';
import { busiest } from '../support/busiest.js';

const perSecond = (id: string, max: number): Budget => ({ id, windows: [{ max, perMs: 1_000 }] });

/** Every slot of the grants, placed evenly inside its block as an instance would. */
function slotTimes(grants: readonly BudgetGrant[]): number[] {
  return grants.flatMap((g) =>
    Array.from({ length: g.count }, (_, i) => g.from + Math.floor(((g.to - g.from) * i) / g.count)),
  );
}

/** Lease ~100 ms at a time for `ms`, as one instance keeping a queue of `want` would. */
async function leaseFor(
  store: Store,
  budgets: readonly Budget[],
  start: number,
  ms: number,
  want: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let now = start; now < start + ms; now += 100) {
    const [grants] = await store.takeBudget([{ budgets, want }], now, 100);
    times.push(...slotTimes(grants ?? []));
  }
  return times;
}

export function describeBudgetContract(makeStore: MakeStore, makeTwoClients: MakeTwoClients): void {
  describe('send budgets shared by every instance', () => {
    const store = useStore(makeStore);

    it('grants the earliest slots within about the lease, and never more than the limit', async () => {
      const number = perSecond('wa:pn-100', 80);
      const [grants] = await store().takeBudget([{ budgets: [number], want: 500 }], T0, 100);
      const total = (grants ?? []).reduce((n, g) => n + g.count, 0);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(80);
      expect(grants![0]!.from).toBe(T0);
      for (const g of grants!) expect(g.to).toBeLessThanOrEqual(T0 + 100 + 25);
    });

    it('keeps a 7-a-second chat under its limit in every second, and uses at least 90 % of it', async () => {
      const chat: Budget = { id: 'teams:conversation:a', windows: [{ max: 7, perMs: 1_000 }] };
      const times = await leaseFor(store(), [chat], T0, 10_000, 20);
      expect(busiest(times, 1_000)).toBeLessThanOrEqual(7);
      expect(times.length).toBeGreaterThanOrEqual(0.9 * 70);
    });

    it('takes slots from several budgets together: a chat and its tenant', async () => {
      const tenant = perSecond('teams:tenant:t1', 3);
      const a = perSecond('teams:conversation:a', 7);
      const b = perSecond('teams:conversation:b', 7);
      const grants = await store().takeBudget(
        [
          { budgets: [a, tenant], want: 5 },
          { budgets: [b, tenant], want: 5 },
        ],
        T0,
        1_000,
      );
      const count = (gs: readonly BudgetGrant[] | undefined) =>
        (gs ?? []).filter((g) => g.from < T0 + 1_000).reduce((n, g) => n + g.count, 0);
      // Within one second the tenant's 3 are shared between the two chats.
      expect(count(grants[0]) + count(grants[1])).toBe(3);
    });

    it('schedules for the next free slot when a window is full, however long away', async () => {
      const hourly: Budget = {
        id: 'teams:conversation:h',
        windows: [{ max: 3, perMs: 3_600_000 }],
      };
      const [now] = await store().takeBudget([{ budgets: [hourly], want: 3 }], T0, 100);
      expect(slotTimes(now ?? [])).toHaveLength(3);
      const [later] = await store().takeBudget([{ budgets: [hourly], want: 1 }], T0 + 1, 100);
      expect(later).toHaveLength(1);
      expect(later![0]!.from).toBeGreaterThanOrEqual(T0 + 3_600_000);
    });

    it('counts a send that could not wait, so the next ones wait for it', async () => {
      const chat = perSecond('teams:conversation:c', 2);
      await store().takeBudget([{ budgets: [chat], want: 2, force: true }], T0, 100);
      const [grants] = await store().takeBudget([{ budgets: [chat], want: 1 }], T0, 100);
      expect(grants![0]!.from).toBeGreaterThanOrEqual(T0 + 1_000);
    });
  });

  describe('send budgets across two clients', () => {
    it('two instances leasing at once stay together under the limit and use at least 90 % of it', async () => {
      const [a, b] = await makeTwoClients();
      try {
        const number = perSecond('wa:pn-shared', 40);
        const [ta, tb] = await Promise.all([
          leaseFor(a, [number], T0, 5_000, 30),
          leaseFor(b, [number], T0, 5_000, 30),
        ]);
        const all = [...ta, ...tb];
        expect(busiest(all, 1_000)).toBeLessThanOrEqual(40);
        expect(all.length).toBeGreaterThanOrEqual(0.9 * 200);
        // Both got a share.
        expect(ta.length).toBeGreaterThan(0);
        expect(tb.length).toBeGreaterThan(0);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
