/**
 * gather (issue 11 item 2): what a gathered card needs from the embedded store: the messages
 * one card carries (several messages may map to one activity), and the thread's Teams effects
 * still waiting behind the one being delivered, in order.
 */
import type { MessageCard } from '../../core/records.js';
import type { OutboxItem } from '../port.js';
import { outboxItemFromRow, type OutboxRow } from './rows.js';
import type { Sql } from './sql.js';

interface CardRow {
  message_id: string;
  user_id: string;
  activity_id: string;
  conversation_id: string;
}

export function listMessageCardsByActivity(
  sql: Sql,
  userId: string,
  activityId: string,
): MessageCard[] {
  return sql
    .all<CardRow>(
      'SELECT * FROM message_cards WHERE user_id = ? AND activity_id = ?',
      userId,
      activityId,
    )
    .map((row) => ({
      messageId: row.message_id,
      userId: row.user_id,
      activityId: row.activity_id,
      conversationId: row.conversation_id,
    }));
}

export function listWaitingTeamsEffects(
  sql: Sql,
  threadId: string,
  afterSeq: number,
  limit: number,
): OutboxItem[] {
  return sql
    .all<OutboxRow>(
      `SELECT * FROM outbox WHERE thread_id = ? AND lane = 'teams' AND seq > ?
       ORDER BY seq LIMIT ?`,
      threadId,
      afterSeq,
      limit,
    )
    .map((row) => outboxItemFromRow(row, false));
}

/**
 * Messages waiting in the outbox to be shown to a user, any thread, oldest first: read when a
 * chat reaches Teams' hourly limit (at most once an hour per user), so a scan of the Teams
 * lane's effects is acceptable.
 */
export function listMessagesWaitingFor(
  sql: Sql,
  userId: string,
  limit: number,
): { threadId: string; messageId: string }[] {
  return sql.all<{ threadId: string; messageId: string }>(
    `SELECT thread_id AS threadId, json_extract(effect, '$.messageId') AS messageId FROM outbox
     WHERE lane = 'teams'
       AND json_extract(effect, '$.type') IN ('deliver_inbound', 'share_outbound')
       AND EXISTS (SELECT 1 FROM json_each(outbox.effect, '$.to') WHERE value = ?)
     ORDER BY created_at, thread_id, seq LIMIT ?`,
    userId,
    limit,
  );
}
