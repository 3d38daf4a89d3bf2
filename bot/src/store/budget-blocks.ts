/**
 * Send budgets shared by every instance (Delivery under load, item 8), the part both stores
 * share: which slots a claim may take, given what every instance took already.
 *
 * Time is cut, per window (`max` sends in any `perMs`), into blocks of perMs / DIVISIONS. A
 * send in a block counts in that block. Any stretch of `perMs` touches at most DIVISIONS + 1
 * consecutive blocks, so keeping every run of DIVISIONS + 1 + spare blocks at or under `max`
 * keeps every sliding window under it, however the instances place their sends inside their
 * blocks, with spare blocks for the time a request takes to arrive (runOf). In a steady
 * stream that uses DIVISIONS / run of the limit: 98 % with one spare block, 90 % with 100 ms
 * to spare on a one-second window.
 *
 * Instances lease a few blocks' worth (about 100 ms) at a time and place their sends inside
 * them, so the store is written once per lease, not once per send.
 */
import type { Millis } from '../core/types.js';
import type { Budget, BudgetClaim, BudgetGrant, BudgetWindow } from './port.js';

export const DIVISIONS = 100;

/**
 * Runs of this many blocks are kept under a window's limit: any stretch of `perMs` touches at
 * most DIVISIONS + 1 blocks, plus enough blocks to cover the time a request may take to
 * arrive after its block ends (the window's slackMs, at least one block).
 */
export function runOf(window: BudgetWindow): number {
  return DIVISIONS + 1 + Math.max(1, Math.ceil((window.slackMs ?? 0) / blockMsOf(window)));
}

export function blockMsOf(window: BudgetWindow): Millis {
  return Math.max(1, Math.round(window.perMs / DIVISIONS));
}

/** Counts taken so far, per (budget, window, block); the store loads and saves them. */
export interface BlockCounts {
  get(budget: string, window: BudgetWindow, block: number): number;
  /** Every count of one budget's window, by block (absent: 0). */
  row(budget: string, window: BudgetWindow): ReadonlyMap<number, number> | undefined;
  add(budget: string, window: BudgetWindow, block: number, n: number): void;
}

/** The oldest block of a window still needed at `now` (older ones can be forgotten). */
export function firstKeptBlock(window: BudgetWindow, now: Millis): number {
  return Math.floor(now / blockMsOf(window)) - runOf(window);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Smoothing for windows of a second or less (a number's throughput, a chat's or a tenant's
 * per-second limit), so that a lease of many slots does not put them all in one block: a
 * burst of concurrent requests arrives spread over tens of milliseconds, eating the slack.
 * At most ceil(max / DIVISIONS) sends in one block and ceil(max / 10) in any tenth of the
 * run: both allow at least the window's own rate, so they shape the stream without lowering
 * it. Longer windows (the pair rate's burst of 10, Teams' 60 per 30 s) keep their bursts.
 */
export const SMOOTHED_UP_TO_MS: Millis = 1_000;

function limitsOf(window: BudgetWindow): { run: number; max: number }[] {
  const run = runOf(window);
  if (window.perMs > SMOOTHED_UP_TO_MS) return [{ run, max: window.max }];
  const tenth = Math.max(1, Math.floor(run / 10));
  return [
    { run, max: window.max },
    { run: tenth, max: Math.ceil(window.max / 10) },
    { run: 1, max: Math.ceil(window.max / DIVISIONS) },
  ];
}

/** How many more sends fit in the block holding `t`, and if none, the earliest time worth trying. */
function roomAt(
  budgets: readonly Budget[],
  counts: BlockCounts,
  t: Millis,
): { room: number; next: Millis } {
  let room = Number.POSITIVE_INFINITY;
  let next = t;
  for (const budget of budgets) {
    for (const w of budget.windows) {
      const size = blockMsOf(w);
      const k = Math.floor(t / size);
      const RUN = runOf(w);
      // Counts of blocks k-RUN+1 .. k+RUN-1, the blocks of every run holding k.
      const row = counts.row(budget.id, w);
      const values: number[] = [];
      for (let i = k - RUN + 1; i <= k + RUN - 1; i++) values.push(row?.get(i) ?? 0);
      for (const limit of limitsOf(w)) {
        // Every run of limit.run blocks holding k stays <= limit.max.
        const offset = RUN - limit.run;
        let sum = 0;
        for (let i = 0; i < limit.run; i++) sum += values[offset + i] as number;
        let free = limit.max - sum;
        // The last full run (starting at block k-limit.run+1+j): no room before it ends.
        let lastFull = free <= 0 ? 0 : -1;
        for (let j = 1; j < limit.run; j++) {
          sum +=
            (values[offset + j + limit.run - 1] as number) - (values[offset + j - 1] as number);
          free = Math.min(free, limit.max - sum);
          if (limit.max - sum <= 0) lastFull = j;
        }
        if (lastFull >= 0) next = Math.max(next, (k + lastFull + 1) * size);
        room = Math.min(room, free);
      }
    }
  }
  return { room, next };
}

/**
 * Take slots for one claim: the earliest blocks at or after `now` with room in every window
 * of every budget, up to `want`, within `leaseMs` of the first. Records them in `counts`.
 */
export function takeSlots(
  claim: BudgetClaim,
  now: Millis,
  leaseMs: Millis,
  counts: BlockCounts,
): BudgetGrant[] {
  const windows = claim.budgets.flatMap((b) => b.windows.map((w) => ({ b, w })));
  if (claim.want === 0 || (claim.want < 0 && !claim.force) || windows.length === 0) return [];
  if (claim.force) {
    // Sends that went without waiting, counted in the block they went in; or (want < 0)
    // slots given back unused, freeing the runs that hold their block for other sends.
    const at = claim.at ?? now;
    for (const { b, w } of windows) counts.add(b.id, w, Math.floor(at / blockMsOf(w)), claim.want);
    return [{ from: at, to: at + 1, count: claim.want }];
  }
  const fine = windows.map(({ w }) => blockMsOf(w)).reduce(gcd);
  const grants: BudgetGrant[] = [];
  let remaining = claim.want;
  let block = Math.floor(now / fine);
  let leaseEnd: Millis | undefined;
  for (let tries = 0; remaining > 0 && tries < 10_000; tries++) {
    const t = block * fine;
    if (leaseEnd !== undefined && t >= leaseEnd) break;
    const { room, next } = roomAt(claim.budgets, counts, t);
    if (room <= 0) {
      block = Math.max(block + 1, Math.floor(next / fine));
      continue;
    }
    const n = Math.min(room, remaining);
    for (const { b, w } of windows) counts.add(b.id, w, Math.floor(t / blockMsOf(w)), n);
    grants.push({ from: Math.max(now, t), to: t + fine, count: n });
    remaining -= n;
    leaseEnd ??= t + Math.max(leaseMs, fine);
    block++;
  }
  return grants;
}

/** Counts in memory, for a store to fill before and write back after. */
export class MemoryBlockCounts implements BlockCounts {
  /**
   * The counts added, by key(), and `touched` names them (to write back). Counts loaded with
   * set() are kept only by row: a lease loads a hundred or so blocks and changes a few.
   */
  readonly values = new Map<string, number>();
  readonly touched = new Map<string, { budget: string; windowMs: Millis; block: number }>();
  /** The same counts by (budget, window) then block: what the search reads, many times. */
  private readonly rows = new Map<string, Map<number, number>>();

  static key(budget: string, windowMs: Millis, block: number): string {
    return `${budget}\u0000${windowMs}\u0000${block}`;
  }

  private rowOf(budget: string, windowMs: Millis): Map<number, number> {
    const id = `${budget}\u0000${windowMs}`;
    let row = this.rows.get(id);
    if (!row) {
      row = new Map();
      this.rows.set(id, row);
    }
    return row;
  }

  set(budget: string, windowMs: Millis, block: number, used: number): void {
    this.rowOf(budget, windowMs).set(block, used);
  }

  get(budget: string, window: BudgetWindow, block: number): number {
    return this.rows.get(`${budget}\u0000${window.perMs}`)?.get(block) ?? 0;
  }

  row(budget: string, window: BudgetWindow): ReadonlyMap<number, number> | undefined {
    return this.rows.get(`${budget}\u0000${window.perMs}`);
  }

  add(budget: string, window: BudgetWindow, block: number, n: number): void {
    const key = MemoryBlockCounts.key(budget, window.perMs, block);
    const row = this.rowOf(budget, window.perMs);
    // A slot given back to a block already forgotten leaves nothing to take from.
    const used = Math.max(0, (row.get(block) ?? 0) + n);
    row.set(block, used);
    this.values.set(key, used);
    this.touched.set(key, { budget, windowMs: window.perMs, block });
  }
}
