/**
 * Throttling is waiting, not failing (Delivery under load): the app's own limits (Teams per
 * chat and per tenant, WhatsApp's throughput and pair rate) give each send the next free slot,
 * reserved for it, instead of a refusal to retry.
 *
 * The budgets are shared by every instance through the store (Store.takeBudget): an instance
 * leases about `leaseMs` worth of slots at a time for the sends waiting in it, so the store is
 * written once per lease, not once per send, and no configured instance count divides the
 * rate. A slot is a time: the caller holds its effect until then (in memory when it is close,
 * in the outbox when it is far), and the same `key` gets the same slot back.
 */
import type { Logger } from 'pino';
import type { Millis } from '../core/types.js';
import type { Budget, BudgetClaim, BudgetGrant, Store } from '../store/port.js';

export interface SendBudgetsOptions {
  readonly store: Pick<Store, 'takeBudget'>;
  /** Wall-clock time: WhatsApp and Teams count real seconds, whatever the product's clock says. */
  readonly now?: () => Millis;
  /** How much time one lease covers. Default 100 ms. */
  readonly leaseMs?: Millis;
  /** Longest wait held in memory; a later slot sends the effect back to the outbox. Default 10 s. */
  readonly holdMs?: Millis;
  readonly sleep?: (ms: Millis) => Promise<void>;
  readonly logger?: Logger;
}

/**
 * A slot: the send may go at `at`, and must leave before `to`: the end of its leased block
 * plus the lateness its budgets keep to spare (their windows' slackMs).
 */
export interface Slot {
  readonly at: Millis;
  readonly to: Millis;
}

interface Lease extends BudgetGrant {
  used: number;
}

interface Pool {
  readonly budgets: readonly Budget[];
  /** How late after its block a slot may still be used (the budgets' slack). */
  readonly lateMs: Millis;
  leases: Lease[];
  readonly waiters: ((slot: Slot | Error) => void)[];
  /** Sends counted without waiting (+) and slots given back (-), by time, not yet written. */
  readonly counts: Map<Millis, number>;
  /** How many slots one lease asks for at least: about leaseMs worth of the tightest window. */
  readonly worth: number;
  /** When the leases' unused slots are next looked at (a timer is set). */
  lookAgain?: Millis | undefined;
}

/** Give-backs and counted sends wait at most this long for a lease to carry them. */
const COUNTS_FLUSH_MS = 20;

const realSleep = (ms: Millis) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });

/** Effects waiting for a slot longer than holdMs go back to the outbox this long before it. */
export function deferFor(waitMs: Millis, holdMs: Millis): Millis {
  return Math.max(1, waitMs - holdMs / 2);
}

export class SendBudgets {
  readonly holdMs: Millis;
  /** Wall-clock time, as the budgets count it. */
  readonly now: () => Millis;
  private readonly leaseMs: Millis;
  private readonly sleepFor: (ms: Millis) => Promise<void>;
  private readonly pools = new Map<string, Pool>();
  private readonly reserved = new Map<string, Slot>();
  private flushing: Promise<void> | undefined;
  private countsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Which pool each reserved key's slot came from, to give it back if unused. */
  private readonly slotPools = new Map<Slot, { pool: Pool; block: Millis }>();
  private calls = 0;
  /** How long a lease takes from the store, smoothed. */
  private latencyMs = 0;

  constructor(private readonly options: SendBudgetsOptions) {
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? 100;
    this.holdMs = options.holdMs ?? 10_000;
    this.sleepFor = options.sleep ?? realSleep;
  }

  /**
   * The slot for one send counting against all these budgets. With a key (an outbox effect),
   * a slot still ahead is given back to the same key rather than a new one taken.
   */
  async reserve(budgets: readonly Budget[], key?: string): Promise<Slot> {
    const now = this.now();
    if (++this.calls % 1_000 === 0) this.sweep(now);
    if (key !== undefined) {
      const mine = this.reserved.get(key);
      if (mine && mine.to > now) return mine;
      // Its block passed while the effect was back in the outbox: unused, so given back.
      if (mine) this.giveBack(mine);
    }
    const slot = await this.take(budgets);
    if (key !== undefined) this.reserved.set(key, slot);
    return slot;
  }

  /** The slot was used (or given up): forget it. */
  release(key: string): void {
    this.reserved.delete(key);
  }

  /**
   * Wait for a slot: 0 once it has come (after holding up to holdMs in memory), else how long
   * to put the effect back in the outbox; the slot stays reserved for the key.
   */
  async waitFor(slot: Slot, atLeastMs: Millis = 0): Promise<Millis> {
    const wait = Math.max(slot.at - this.now(), atLeastMs);
    if (wait <= 0) return 0;
    if (wait > this.holdMs) return deferFor(wait, this.holdMs);
    await this.sleepFor(wait);
    // A timer may fire a millisecond before Date.now() reaches its time: never send before
    // the slot (its block's count would not cover it).
    for (let n = 0; this.now() < slot.at && n < 10; n++) await this.sleepFor(slot.at - this.now());
    return 0;
  }

  /**
   * Reserve (or find again) the key's slot and wait for it: 0 when the send may go now, inside
   * its slot's block; else how long to put the effect back in the outbox. A slot whose block
   * ended while waiting (a busy event loop) is not used late: a new one is reserved.
   */
  async acquire(
    budgets: readonly Budget[],
    key?: string,
    atLeastMs: Millis = 0,
    /**
     * A last gate of this process, waited for within the slot (the calls it still has on
     * their way count too, whatsapp/send-gate.ts): `leave` is called in the same tick as the
     * last look, when the send goes.
     */
    gate?: { readonly waitMs: () => Millis; readonly leave: () => void },
  ): Promise<Millis> {
    for (;;) {
      const slot = await this.reserve(budgets, key);
      const defer = await this.waitFor(slot, atLeastMs);
      if (defer > 0) {
        // Kept for the key's next try; with no key, nobody could use it: back it goes.
        if (key === undefined) this.giveBack(slot);
        return defer;
      }
      if (key !== undefined) this.release(key);
      let gated = gate?.waitMs() ?? 0;
      while (gated > 0 && this.now() + gated < slot.to) {
        await this.sleepFor(gated);
        gated = gate?.waitMs() ?? 0;
      }
      if (gated > 0) {
        // The gate opens only after the slot's block: the slot goes back for anyone, and
        // this send takes a new one once the gate is open.
        this.giveBack(slot);
        await this.sleepFor(gated);
        atLeastMs = 0;
        continue;
      }
      if (this.now() < slot.to) {
        this.slotPools.delete(slot);
        gate?.leave();
        return 0;
      }
      // Woke too late for the block (a busy event loop): the slot goes back to the store,
      // where the runs holding its block have room again, and a new one is taken.
      this.giveBack(slot);
      atLeastMs = 0;
    }
  }

  sleep(ms: Millis): Promise<void> {
    return ms > 0 ? this.sleepFor(ms) : Promise.resolve();
  }

  /**
   * Count a send that went now without waiting (an answer within a user's own turn). Written
   * with the next lease, or within COUNTS_FLUSH_MS: not a store write per send.
   */
  count(budgets: readonly Budget[]): void {
    const pool = this.poolOf(budgets);
    const now = this.now();
    pool.counts.set(now, (pool.counts.get(now) ?? 0) + 1);
    this.flushCountsSoon();
  }

  /** A slot granted and not used: back to the store (with the next lease), for anyone. */
  giveBack(slot: Slot): void {
    const granted = this.slotPools.get(slot);
    this.slotPools.delete(slot);
    if (!granted) return;
    // Counted in the block it was granted in (its time may have moved later, never out).
    const { pool, block } = granted;
    pool.counts.set(block, (pool.counts.get(block) ?? 0) - 1);
    this.flushCountsSoon();
  }

  private flushCountsSoon(): void {
    if (this.countsTimer || this.flushing) return;
    this.countsTimer = setTimeout(() => {
      this.countsTimer = undefined;
      this.flush();
    }, COUNTS_FLUSH_MS);
    this.countsTimer.unref?.();
  }

  private poolOf(budgets: readonly Budget[]): Pool {
    const id = budgets
      .map((b) => b.id)
      .sort()
      .join('|');
    let pool = this.pools.get(id);
    if (!pool) {
      const late = Math.min(...budgets.flatMap((b) => b.windows.map((w) => w.slackMs ?? 0)));
      const worth = Math.min(
        ...budgets.flatMap((b) =>
          b.windows.map((w) => Math.max(1, Math.floor((w.max * this.leaseMs) / w.perMs))),
        ),
      );
      pool = {
        budgets,
        leases: [],
        waiters: [],
        counts: new Map(),
        lateMs: Number.isFinite(late) ? late : 0,
        worth: Number.isFinite(worth) ? worth : 1,
      };
      this.pools.set(id, pool);
    }
    return pool;
  }

  private take(budgets: readonly Budget[]): Promise<Slot> {
    const pool = this.poolOf(budgets);
    const slot = this.fromLeases(pool, this.now());
    if (slot) return Promise.resolve(slot);
    return new Promise<Slot>((resolve, reject) => {
      pool.waiters.push((s) => (s instanceof Error ? reject(s) : resolve(s)));
      this.flush();
    });
  }

  /** The next unused slot of a pool's leases, spread evenly inside its block. */
  private fromLeases(pool: Pool, now: Millis): Slot | undefined {
    this.dropOver(pool, now);
    const lease = pool.leases[0];
    if (!lease) return undefined;
    const at = lease.from + Math.floor(((lease.to - lease.from) * lease.used) / lease.count);
    lease.used++;
    const slot = { at: Math.max(at, now), to: lease.to + pool.lateMs };
    this.slotPools.set(slot, { pool, block: lease.from });
    return slot;
  }

  /** One store call at a time, for every pool with sends waiting. */
  private flush(): void {
    if (this.flushing) return;
    if (this.countsTimer) {
      clearTimeout(this.countsTimer);
      this.countsTimer = undefined;
    }
    this.flushing = this.lease()
      .catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const pool of this.pools.values())
          for (const waiter of pool.waiters.splice(0)) waiter(failure);
      })
      .finally(() => {
        this.flushing = undefined;
        const pools = [...this.pools.values()];
        if (pools.some((p) => p.waiters.length > 0)) this.flush();
        else if (pools.some((p) => p.counts.size > 0)) this.flushCountsSoon();
      });
  }

  private async lease(): Promise<void> {
    const waiting = [...this.pools.values()].filter((p) => p.waiters.length > 0);
    // Sends counted and slots given back since the last lease go with this one.
    const counted: BudgetClaim[] = [];
    for (const pool of this.pools.values()) {
      for (const [at, want] of pool.counts)
        if (want !== 0) counted.push({ budgets: pool.budgets, want, force: true, at });
      pool.counts.clear();
    }
    if (waiting.length === 0 && counted.length === 0) return;
    // Ask for slots from a little ahead: those of the moment the answer arrives, not of the
    // moment the question left (a store busy with other instances takes a while).
    const now = this.now();
    const grants = await this.options.store.takeBudget(
      [
        ...counted,
        ...waiting.map((p) => ({ budgets: p.budgets, want: Math.max(p.waiters.length, p.worth) })),
      ],
      now + Math.min(250, Math.round(2 * this.latencyMs)),
      this.leaseMs,
    );
    grants.splice(0, counted.length);
    const after = this.now();
    this.latencyMs = 0.8 * this.latencyMs + 0.2 * (after - now);
    waiting.forEach((pool, i) => {
      const granted = grants[i] ?? [];
      if (granted.length === 0) {
        // No room found at all (not expected: the search skips ahead to the next free block).
        const failure = new Error('no send slot found in the shared budget');
        for (const waiter of pool.waiters.splice(0)) waiter(failure);
        return;
      }
      for (const grant of granted) pool.leases.push({ ...grant, used: 0 });
      pool.leases.sort((a, b) => a.from - b.from);
      while (pool.waiters.length > 0) {
        const slot = this.fromLeases(pool, after);
        if (!slot) break;
        (pool.waiters.shift() as (slot: Slot) => void)(slot);
      }
      // Slots left over for the sends to come; what none of them uses goes back once its
      // block is over (fromLeases), looked at then even if no send comes.
      const end = Math.max(...pool.leases.map((l) => l.to + pool.lateMs));
      if (pool.leases.length > 0) this.lookAgainAt(pool, end);
    });
  }

  private lookAgainAt(pool: Pool, at: Millis): void {
    if (pool.lookAgain !== undefined && pool.lookAgain <= at) return;
    pool.lookAgain = at;
    const timer = setTimeout(
      () => {
        pool.lookAgain = undefined;
        this.fromLeasesUnused(pool);
      },
      Math.max(1, at - this.now() + 1),
    );
    timer.unref?.();
  }

  private fromLeasesUnused(pool: Pool): void {
    this.dropOver(pool, this.now());
    if (pool.leases.length > 0)
      this.lookAgainAt(pool, Math.max(...pool.leases.map((l) => l.to + pool.lateMs)));
  }

  /** Forget used-up leases; give back the unused slots of those whose block is over. */
  private dropOver(pool: Pool, now: Millis): void {
    pool.leases = pool.leases.filter((l) => {
      if (l.used >= l.count) return false;
      if (l.to + pool.lateMs > now) return true;
      pool.counts.set(l.from, (pool.counts.get(l.from) ?? 0) - (l.count - l.used));
      this.flushCountsSoon();
      return false;
    });
  }

  private sweep(now: Millis): void {
    for (const [key, slot] of this.reserved)
      if (slot.to < now - 60_000) {
        this.reserved.delete(key);
        this.slotPools.delete(slot);
      }
    for (const [id, pool] of this.pools)
      if (
        pool.waiters.length === 0 &&
        pool.counts.size === 0 &&
        pool.leases.every((l) => l.to <= now)
      )
        this.pools.delete(id);
    for (const slot of this.slotPools.keys())
      if (slot.to < now - 60_000) this.slotPools.delete(slot);
  }
}

// The limits, as budgets.

/**
 * A card's request leaves through the Bot Framework adapter after its slot: the time kept to
 * spare so Teams never counts one too many. A chat's windows keep 100 ms (a burst to one user
 * runs at its 8 per 2 s, where 100 ms costs 5 %, and its few calls leave no room for a late
 * one); the tenant's 30 a second keeps 50 ms, so it can be used at 94 % (issue 11 item 8).
 */
export const TEAMS_SLACK_MS = 100;
export const TEAMS_TENANT_SLACK_MS = 50;

/** Teams: per chat 7/s, 8/2 s, 60/30 s, 1,800/h; per app per tenant 30/s. */
export function teamsBudgets(
  target: { conversationId: string; tenantId: string },
  windows: {
    conversation: readonly { max: number; perMs: Millis }[];
    tenant: readonly { max: number; perMs: Millis }[];
  },
): Budget[] {
  const slack = (ws: readonly { max: number; perMs: Millis }[], slackMs: Millis) =>
    ws.map((w) => ({ ...w, slackMs }));
  return [
    {
      id: `teams:conversation:${target.conversationId}`,
      windows: slack(windows.conversation, TEAMS_SLACK_MS),
    },
    {
      id: `teams:tenant:${target.tenantId}`,
      windows: slack(windows.tenant, TEAMS_TENANT_SLACK_MS),
    },
  ];
}
