/**
 * The outbox and the timers, leased to one owner at a time. A lease is held while
 * now < leaseUntil; once it ran out, the next claim may hand the item to someone else.
 * Each claim runs under the write lock, so two clients never lease the same item.
 */
import type { Millis } from '../../core/types.js';
import type { Lane } from '../lanes.js';
import type { OutboxItem, TimerItem } from '../port.js';
import { outboxItemFromRow, timerFromRow, type OutboxRow, type TimerRow } from './rows.js';
import type { Sql } from './sql.js';

/** Due items that are each the oldest unfinished effect of their thread's lane. */
export const CLAIMABLE_EFFECTS = `
  SELECT o.* FROM outbox o
  WHERE o.not_before <= @now
    AND (o.lease_until IS NULL OR o.lease_until <= @now)
    AND NOT EXISTS (
      SELECT 1 FROM outbox e WHERE e.thread_id = o.thread_id AND e.lane = o.lane AND e.seq < o.seq
    )
  ORDER BY o.not_before, o.created_at, o.thread_id, o.seq
  LIMIT @limit`;

/**
 * replycpu (issue 11): the due heads of one lane, read in the order of index outbox_lane_due
 * (migration 14), so a claim for one lane never walks the other lane's due effects.
 */
export const CLAIMABLE_LANE_EFFECTS = `
  SELECT o.* FROM outbox o
  WHERE o.lane = @lane
    AND o.not_before <= @now
    AND (o.lease_until IS NULL OR o.lease_until <= @now)
    AND NOT EXISTS (
      SELECT 1 FROM outbox e WHERE e.thread_id = o.thread_id AND e.lane = @lane AND e.seq < o.seq
    )
  ORDER BY o.not_before, o.created_at, o.thread_id, o.seq
  LIMIT @limit`;

export const LEASE_EFFECT = 'UPDATE outbox SET owner = ?, lease_until = ? WHERE id = ?';

/** Due timers that are free, oldest first. */
export const CLAIMABLE_TIMERS = `
  SELECT * FROM timers
  WHERE at <= @now AND (lease_until IS NULL OR lease_until <= @now)
  ORDER BY at, id LIMIT @limit`;

export const LEASE_TIMER = 'UPDATE timers SET owner = ?, lease_until = ? WHERE id = ?';

export function claimEffects(
  sql: Sql,
  owner: string,
  now: Millis,
  leaseMs: Millis,
  limit: number,
  lane?: Lane,
): OutboxItem[] {
  if (limit <= 0) return [];
  const candidates = () =>
    lane === undefined
      ? sql.all<OutboxRow>(CLAIMABLE_EFFECTS, { now, limit })
      : sql.all<OutboxRow>(CLAIMABLE_LANE_EFFECTS, { now, limit, lane });
  return sql.write(() =>
    candidates().map((row) => {
      sql.run(LEASE_EFFECT, owner, now + leaseMs, row.id);
      // Still leased by someone whose lease ran out: they died before completing or retrying.
      return outboxItemFromRow(row, row.owner !== null);
    }),
  );
}

export function completeEffect(sql: Sql, id: string, owner: string): void {
  sql.run('DELETE FROM outbox WHERE id = ? AND owner = ?', id, owner);
}

export function retryEffect(
  sql: Sql,
  id: string,
  owner: string,
  notBefore: Millis,
  error: string,
): void {
  sql.run(
    `UPDATE outbox SET owner = NULL, lease_until = NULL, attempts = attempts + 1,
       not_before = ?, last_error = ?
     WHERE id = ? AND owner = ?`,
    notBefore,
    error,
    id,
    owner,
  );
}

/** Put the effect back for `notBefore` without counting an attempt: it waits for its slot. */
export function deferEffect(sql: Sql, id: string, owner: string, notBefore: Millis): void {
  sql.run(
    'UPDATE outbox SET owner = NULL, lease_until = NULL, not_before = ? WHERE id = ? AND owner = ?',
    notBefore,
    id,
    owner,
  );
}

export function countPendingEffects(sql: Sql, threadId?: string): number {
  const row =
    threadId === undefined
      ? sql.get<{ n: number }>('SELECT count(*) AS n FROM outbox')
      : sql.get<{ n: number }>('SELECT count(*) AS n FROM outbox WHERE thread_id = ?', threadId);
  return row?.n ?? 0;
}

export function claimDueTimers(
  sql: Sql,
  owner: string,
  now: Millis,
  leaseMs: Millis,
  limit: number,
): TimerItem[] {
  if (limit <= 0) return [];
  return sql.write(() =>
    sql.all<TimerRow>(CLAIMABLE_TIMERS, { now, limit }).map((row) => {
      sql.run(LEASE_TIMER, owner, now + leaseMs, row.id);
      return timerFromRow(row);
    }),
  );
}

export function completeTimer(sql: Sql, id: string, owner: string): void {
  sql.run('DELETE FROM timers WHERE id = ? AND owner = ?', id, owner);
}
