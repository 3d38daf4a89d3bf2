/**
 * Send budgets shared by every instance on MongoDB (Delivery under load): one document per
 * budget holding the slots taken per (window, block), read and written in one transaction
 * per lease, so instances never both take the last slot of a block.
 */
import type { ClientSession, Db, MongoClient, TransactionOptions } from 'mongodb';
import type { Millis } from '../../core/types.js';
import { firstKeptBlock, MemoryBlockCounts, takeSlots } from '../budget-blocks.js';
import type { BudgetClaim, BudgetGrant } from '../port.js';

export interface BudgetDoc {
  _id: string;
  /** `<window perMs>:<block>` → slots taken. */
  blocks: Record<string, number>;
}

export const BUDGETS_COLLECTION = 'budget_blocks';

const TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

const created = new WeakMap<Db, Promise<void>>();

/** Transactions cannot create collections on servers before 4.4: create it first, once. */
function ensureCollection(db: Db): Promise<void> {
  let done = created.get(db);
  if (!done) {
    done = db
      .createCollection(BUDGETS_COLLECTION)
      .then(() => undefined)
      .catch((error: unknown) => {
        // 48 NamespaceExists: another instance (or an earlier start) made it.
        if ((error as { code?: unknown }).code !== 48) throw error;
      });
    created.set(db, done);
  }
  return done;
}

export async function takeBudget(
  client: MongoClient,
  db: Db,
  claims: readonly BudgetClaim[],
  now: Millis,
  leaseMs: Millis,
): Promise<BudgetGrant[][]> {
  if (claims.length === 0) return [];
  await ensureCollection(db);
  const budgets = db.collection<BudgetDoc>(BUDGETS_COLLECTION);
  const session = client.startSession();
  try {
    let result: BudgetGrant[][] = [];
    await session.withTransaction(async (s: ClientSession) => {
      const windows = new Map<string, Map<number, Millis>>();
      for (const claim of claims)
        for (const budget of claim.budgets) {
          const perWindow = windows.get(budget.id) ?? new Map<number, Millis>();
          for (const w of budget.windows) perWindow.set(w.perMs, firstKeptBlock(w, now));
          windows.set(budget.id, perWindow);
        }
      const counts = new MemoryBlockCounts();
      const kept = new Map<string, Record<string, number>>();
      const docs = await budgets
        .find({ _id: { $in: [...windows.keys()] } }, { session: s })
        .toArray();
      for (const id of windows.keys()) kept.set(id, {});
      for (const doc of docs) {
        const keep = kept.get(doc._id) as Record<string, number>;
        for (const [key, used] of Object.entries(doc.blocks)) {
          const [perMs, block] = key.split(':').map(Number) as [number, number];
          const first = windows.get(doc._id)?.get(perMs);
          // Blocks nobody needs any more are dropped on the way.
          if (first === undefined || block < first) continue;
          keep[key] = used;
          counts.set(doc._id, perMs, block, used);
        }
      }
      result = claims.map((claim) => takeSlots(claim, now, leaseMs, counts));
      const touched = new Set<string>();
      for (const [key, { budget, windowMs, block }] of counts.touched) {
        (kept.get(budget) as Record<string, number>)[`${windowMs}:${block}`] =
          counts.values.get(key) ?? 0;
        touched.add(budget);
      }
      for (const id of touched)
        await budgets.replaceOne(
          { _id: id },
          { blocks: kept.get(id) ?? {} },
          { upsert: true, session: s },
        );
    }, TRANSACTION);
    return result;
  } finally {
    await session.endSession();
  }
}
