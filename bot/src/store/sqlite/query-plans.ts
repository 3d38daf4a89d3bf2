/**
 * How SQLite plans the hot queries: EXPLAIN QUERY PLAN on the very statements the store runs
 * (hot-queries.ts), read into the port's QueryPlan.
 */
import type Database from 'better-sqlite3';
import type { HotQuery, QueryPlan, QueryPlanStep } from '../port.js';
import { HOT_STATEMENTS } from './hot-queries.js';

interface PlanRow {
  readonly id: number;
  readonly parent: number;
  readonly detail: string;
}

export function explainSqlite(db: Database.Database, query: HotQuery): QueryPlan {
  return {
    query,
    steps: HOT_STATEMENTS[query].map(({ statement, sql, params }) =>
      planStep(
        statement,
        db.prepare<unknown[], PlanRow>(`EXPLAIN QUERY PLAN ${sql}`).all(...params),
      ),
    ),
  };
}

/**
 * One statement's plan from EXPLAIN QUERY PLAN's rows (https://sqlite.org/eqp.html):
 * `SEARCH t USING INDEX i (…)` reads part of an index; `SCAN t` (with or without an index)
 * reads all of it; an AUTOMATIC index is built from a full scan for this query only;
 * `USE TEMP B-TREE FOR …` sorts (or groups) in memory.
 */
export function planStep(
  statement: string,
  rows: readonly Pick<PlanRow, 'detail'>[],
): QueryPlanStep {
  const indexes = new Set<string>();
  let fullScan = false;
  let sortsInMemory = false;
  for (const { detail } of rows) {
    const access = /^(SCAN|SEARCH) (\S+)(?: USING (.*))?$/.exec(detail);
    if (access) {
      const [, kind, table, using] = access;
      if (table === 'CONSTANT' || table?.startsWith('(')) continue;
      if (kind === 'SCAN') fullScan = true;
      if (using === undefined) continue;
      if (using.includes('AUTOMATIC')) fullScan = true;
      const index = /INDEX (\S+)/.exec(using)?.[1];
      if (index !== undefined) indexes.add(index);
      else if (/PRIMARY KEY/.test(using)) indexes.add(`${table ?? ''} primary key`);
      continue;
    }
    if (detail.startsWith('USE TEMP B-TREE')) sortsInMemory = true;
  }
  return {
    statement,
    indexes: [...indexes],
    fullScan,
    sortsInMemory,
    detail: rows.map((row) => row.detail).join('; '),
  };
}
