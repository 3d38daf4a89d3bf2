/**
 * The tab's side of a commit, written inside the same transaction as the transition (called
 * from applyTransition): every user who takes or took part in the thread keeps it in their
 * inbox (with its last activity), and gets one change per thread and per message in their
 * change log, under the next number of their own monotonic sequence. Another instance
 * streaming to that user reads the log, so a change reaches them whichever instance made it.
 */
import type { Transition, UserId } from '../../core/types.js';
import type { Sql } from './sql.js';
import { KEEP_CHANGES, PRUNE_CHANGES_EVERY } from '../tab-port.js';

export function recordTabChanges(sql: Sql, transition: Transition, now: number): void {
  const { thread, messages } = transition;
  const current = new Set(thread.participants.map((p) => p.id));
  const known = sql.all<{ user_id: string; last_activity_at: number }>(
    'SELECT user_id, last_activity_at FROM tab_inbox WHERE thread_id = ?',
    thread.id,
  );
  const lastActivityAt = Math.max(
    thread.createdAt,
    ...known.map((k) => k.last_activity_at),
    ...messages.map((m) => m.createdAt),
  );
  for (const userId of current) {
    sql.run(
      `INSERT INTO tab_inbox (user_id, thread_id, participating, last_activity_at)
       VALUES (?, ?, 1, ?)
       ON CONFLICT (user_id, thread_id) DO UPDATE SET
         participating = 1, last_activity_at = excluded.last_activity_at`,
      userId,
      thread.id,
      lastActivityAt,
    );
  }
  for (const { user_id: userId } of known) {
    if (current.has(userId)) continue;
    sql.run(
      'UPDATE tab_inbox SET participating = 0, last_activity_at = ? WHERE user_id = ? AND thread_id = ?',
      lastActivityAt,
      userId,
      thread.id,
    );
  }
  const audience = new Set<UserId>([...current, ...known.map((k) => k.user_id)]);
  for (const userId of audience) {
    logChange(sql, userId, 'thread', thread.id, null, now);
    for (const message of messages) logChange(sql, userId, 'message', thread.id, message.id, now);
  }
}

export function logChange(
  sql: Sql,
  userId: UserId,
  kind: 'thread' | 'message',
  threadId: string,
  messageId: string | null,
  now: number,
): void {
  const { seq } = sql.get<{ seq: number }>(
    `INSERT INTO tab_change_seq (user_id, seq) VALUES (?, 1)
     ON CONFLICT (user_id) DO UPDATE SET seq = seq + 1
     RETURNING seq`,
    userId,
  )!;
  sql.run(
    'INSERT INTO tab_changes (user_id, seq, kind, thread_id, message_id, at) VALUES (?, ?, ?, ?, ?, ?)',
    userId,
    seq,
    kind,
    threadId,
    messageId,
    now,
  );
  if (seq % PRUNE_CHANGES_EVERY === 0 && seq > KEEP_CHANGES) {
    sql.run('DELETE FROM tab_changes WHERE user_id = ? AND seq <= ?', userId, seq - KEEP_CHANGES);
  }
}
