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
