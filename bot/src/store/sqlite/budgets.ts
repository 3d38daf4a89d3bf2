/**
 * Send budgets shared by every instance on one embedded store (Delivery under load): slots
 * per (budget, window, block) in `budget_blocks`, taken in one write per lease.
 */
import type { Millis } from '../../core/types.js';
import { firstKeptBlock, MemoryBlockCounts, takeSlots } from '../budget-blocks.js';
import type { BudgetClaim, BudgetGrant } from '../port.js';
import type { Sql } from './sql.js';

/**
 * Runs inside a write of the store's group commit (a savepoint of its batch), so a lease
 * never blocks the event loop on another process's lock: the batch asks for the lock on a
 * timer like every other write.
 */
export function takeBudget(
  sql: Sql,
  claims: readonly BudgetClaim[],
  now: Millis,
  leaseMs: Millis,
): BudgetGrant[][] {
  if (claims.length === 0) return [];
  return take(sql, claims, now, leaseMs);
}

function take(
  sql: Sql,
  claims: readonly BudgetClaim[],
  now: Millis,
  leaseMs: Millis,
): BudgetGrant[][] {
  const counts = new MemoryBlockCounts();
  const loaded = new Set<string>();
  for (const claim of claims) {
    for (const budget of claim.budgets) {
      for (const w of budget.windows) {
        const key = `${budget.id}\u0000${w.perMs}`;
        if (loaded.has(key)) continue;
        loaded.add(key);
        const from = firstKeptBlock(w, now);
        // Blocks nobody needs any more: every run of blocks they belonged to is over.
        sql.run(
          'DELETE FROM budget_blocks WHERE budget = ? AND window_ms = ? AND block < ?',
          budget.id,
          w.perMs,
          from,
        );
        for (const row of sql.all<{ block: number; used: number }>(
          'SELECT block, used FROM budget_blocks WHERE budget = ? AND window_ms = ? AND block >= ?',
          budget.id,
          w.perMs,
          from,
        ))
          counts.set(budget.id, w.perMs, row.block, row.used);
      }
    }
  }
  const grants = claims.map((claim) => takeSlots(claim, now, leaseMs, counts));
  for (const [key, { budget, windowMs, block }] of counts.touched) {
    sql.run(
      `INSERT INTO budget_blocks (budget, window_ms, block, used) VALUES (?, ?, ?, ?)
       ON CONFLICT (budget, window_ms, block) DO UPDATE SET used = excluded.used`,
      budget,
      windowMs,
      block,
      counts.values.get(key),
    );
  }
  return grants;
}
