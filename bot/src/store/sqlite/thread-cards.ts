/**
 * release (issue 10): the conversation cards kept per (thread, user) on the embedded store
 * (table `thread_cards`, migration 12), so a state change updates them in place. The rowid
 * orders them: a card kept again is written again, and becomes the newest.
 */
import type { ThreadCard } from '../../core/records.js';
import type { Sql } from './sql.js';

/** The most cards kept per (thread, user): older ones still refresh themselves when viewed. */
export const THREAD_CARDS_KEPT = 5;

interface ThreadCardRow {
  thread_id: string;
  user_id: string;
  activity_id: string;
  conversation_id: string;
}

export function putThreadCard(sql: Sql, card: ThreadCard): void {
  sql.run(
    'DELETE FROM thread_cards WHERE thread_id = ? AND user_id = ? AND activity_id = ?',
    card.threadId,
    card.userId,
    card.activityId,
  );
  sql.run(
    `INSERT INTO thread_cards (thread_id, user_id, activity_id, conversation_id)
     VALUES (?, ?, ?, ?)`,
    card.threadId,
    card.userId,
    card.activityId,
    card.conversationId,
  );
  sql.run(
    `DELETE FROM thread_cards WHERE thread_id = ? AND user_id = ? AND rowid NOT IN (
       SELECT rowid FROM thread_cards WHERE thread_id = ? AND user_id = ?
       ORDER BY rowid DESC LIMIT ?)`,
    card.threadId,
    card.userId,
    card.threadId,
    card.userId,
    THREAD_CARDS_KEPT,
  );
}

export function listThreadCards(
  sql: Sql,
  threadId: string,
  userId: string,
  limit: number,
): ThreadCard[] {
  return sql
    .all<ThreadCardRow>(
      `SELECT * FROM thread_cards WHERE thread_id = ? AND user_id = ?
       ORDER BY rowid DESC LIMIT ?`,
      threadId,
      userId,
      limit,
    )
    .map((row) => ({
      threadId: row.thread_id,
      userId: row.user_id,
      activityId: row.activity_id,
      conversationId: row.conversation_id,
    }));
}
