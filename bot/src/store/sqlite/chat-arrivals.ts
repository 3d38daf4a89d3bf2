/**
 * reply (issue 10 item 1): what arrived in a user's chat since they last worked in a
 * conversation, on the embedded store (table `chat_arrivals`, migration 11). One row per
 * (user, conversation), upserted on every card posted: a write costs one primary-key upsert,
 * and a user's rows are few (the conversations that got a card since they last worked).
 */
import type { Millis, ThreadId, UserId } from '../../core/types.js';
import type { Sql } from './sql.js';

export function noteArrival(sql: Sql, userId: UserId, threadId: ThreadId, at: Millis): void {
  sql.run(
    `INSERT INTO chat_arrivals (user_id, thread_id, at) VALUES (?, ?, ?)
     ON CONFLICT (user_id, thread_id) DO UPDATE SET at = max(at, excluded.at)`,
    userId,
    threadId,
    at,
  );
}

/** True when the user has something to clear (read first: most clears find nothing). */
export function hasArrivals(sql: Sql, userId: UserId, upTo: Millis): boolean {
  return (
    sql.get('SELECT 1 FROM chat_arrivals WHERE user_id = ? AND at <= ? LIMIT 1', userId, upTo) !==
    undefined
  );
}

export function clearArrivals(sql: Sql, userId: UserId, upTo: Millis): void {
  sql.run('DELETE FROM chat_arrivals WHERE user_id = ? AND at <= ?', userId, upTo);
}

export function listArrivals(sql: Sql, userId: UserId): ThreadId[] {
  return sql
    .all<{ thread_id: string }>(
      'SELECT thread_id FROM chat_arrivals WHERE user_id = ? ORDER BY at, thread_id',
      userId,
    )
    .map((row) => row.thread_id);
}
