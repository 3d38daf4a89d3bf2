/**
 * Budgets shared across instances (Delivery under load, issue 11 item 8): what keeps several
 * instances near each limit without a store write per send. Two SendBudgets play two
 * instances on one store; time is a fake clock the test moves (no timing assertion: each
 * figure below is decided by the budgets, not by how fast this machine runs).
 */
import { describe, expect, it } from 'vitest';
import { SendBudgets } from '../../../bot/src/app/send-budgets.js';
import type { Budget, BudgetClaim, BudgetGrant, Store } from '../../../bot/src/store/port.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';

const T0 = Date.UTC(2026, 0, 5, 9);

/** The store's budget calls, counted: the claims each carried. */
class Calls {
  readonly claims: BudgetClaim[][] = [];
  constructor(private readonly store: Store) {}
  takeBudget = (claims: readonly BudgetClaim[], now: number, leaseMs: number) => {
    this.claims.push([...claims]);
    return this.store.takeBudget(claims, now, leaseMs);
  };
}

function world() {
  const store = new SqliteStore(':memory:');
  let now = T0;
  const clock = {
    now: () => now,
    advance: (ms: number) => (now += ms),
  };
  const instance = () => {
    const calls = new Calls(store);
    const budgets = new SendBudgets({
      store: calls,
      now: clock.now,
      // Waiting moves the clock to the end of the wait, plus what the test says the event
      // loop was late by.
      sleep: async (ms) => {
        await Promise.resolve();
        clock.advance(ms + late);
      },
    });
    return { calls, budgets };
  };
  let late = 0;
  return {
    store,
    clock,
    instance,
    setLate: (ms: number) => (late = ms),
  };
}

const number = (max: number): Budget[] => [
  { id: 'wa:number:bn-1', windows: [{ max, perMs: 1_000, slackMs: 30 }] },
];

describe('budgets shared by several instances', () => {
  it('gives a slot its send woke too late for back to the store, so the send still goes within the second', async () => {
    const w = world();
    const a = w.instance();
    // One send a second. The event loop is 200 ms late getting to the first send: its
    // slot's block is over, so it may not go in it.
    const first = await a.budgets.reserve(number(1), 'reply-1');
    expect(first.at).toBe(T0);
    w.clock.advance(200);
    expect(await a.budgets.acquire(number(1), 'reply-1')).toBe(0);
    // It went now, in a new slot it could take because the late one was given back (else
    // the one send a second was spent, and it would have waited for the next second).
    expect(w.clock.now()).toBeLessThan(T0 + 1_000);
    const gaveBack = a.calls.claims.flat().filter((c) => c.force && c.want < 0);
    expect(gaveBack).toHaveLength(1);
    await w.store.close();
  });

  it('lets another instance use the slots one gave back', async () => {
    const w = world();
    const a = w.instance();
    const b = w.instance();
    const slot = await a.budgets.reserve(number(2));
    await a.budgets.reserve(number(2));
    // The second is full for B.
    const [full] = await w.store.takeBudget([{ budgets: number(2), want: 1 }], T0, 100);
    expect(full![0]!.from).toBeGreaterThanOrEqual(T0 + 1_000);
    // A gives one back (its send was abandoned); it rides on A's next lease.
    a.budgets.giveBack(slot);
    await a.budgets.reserve([{ id: 'other', windows: [{ max: 5, perMs: 1_000 }] }]);
    const later = await b.budgets.reserve(number(2));
    expect(later.at).toBeLessThan(T0 + 1_000);
    await w.store.close();
  });

  it('counts sends made without waiting in batches, not a store write per send', async () => {
    const w = world();
    const a = w.instance();
    const chat: Budget[] = [{ id: 'teams:conversation:c1', windows: [{ max: 7, perMs: 1_000 }] }];
    for (let i = 0; i < 7; i++) a.budgets.count(chat);
    expect(a.calls.claims).toHaveLength(0);
    // The next lease carries all seven: one store call, and the chat's second is spent.
    const next = await a.budgets.reserve(chat);
    expect(a.calls.claims).toHaveLength(1);
    expect(a.calls.claims[0]!.filter((c) => c.force).reduce((n, c) => n + c.want, 0)).toBe(7);
    expect(next.at).toBeGreaterThanOrEqual(T0 + 1_000);
    await w.store.close();
  });

  it('takes the store once per lease of about 100 ms, not once per send', async () => {
    const w = world();
    const a = w.instance();
    // Sends one after another, as a trickle comes: each lease covers about 100 ms worth.
    for (let i = 0; i < 400; i++) await a.budgets.acquire(number(80), `send-${i}`);
    // 400 sends at 80 a second: 8 per 100 ms lease, 50 leases.
    expect(a.calls.claims.length).toBeLessThanOrEqual(400 / 5);
    await w.store.close();
  });
});

describe('leases spread over their blocks', () => {
  const slotsOf = (grants: readonly BudgetGrant[]) => grants.reduce((n, g) => n + g.count, 0);

  it("spreads a number's many slots over the lease instead of one burst", async () => {
    const store = new SqliteStore(':memory:');
    const [grants] = await store.takeBudget([{ budgets: number(80), want: 64 }], T0, 100);
    // 80 a second: one per 10 ms block, 8 in 100 ms: never 64 requests at once.
    expect(grants!.every((g) => g.count === 1)).toBe(true);
    expect(slotsOf(grants!)).toBe(8);
    await store.close();
  });

  it("keeps a contact's burst: 10 replies to one contact go at once", async () => {
    const store = new SqliteStore(':memory:');
    const pair: Budget = {
      id: 'wa:pair:bn-1:c1',
      windows: [{ max: 10, perMs: 60_000, slackMs: 30 }],
    };
    const [grants] = await store.takeBudget([{ budgets: [pair], want: 10 }], T0, 100);
    expect(slotsOf(grants!)).toBe(10);
    expect(grants![0]!.from).toBe(T0);
    await store.close();
  });
});
