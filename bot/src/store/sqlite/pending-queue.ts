/**
 * Pending queues that scale (issue 11 item 4): a held message is a row with `held = 1`
 * (indexed by thread and seq), not an id in the thread's JSON. Holding one more message
 * writes that message and the thread's count, whatever the queue's length; only a release
 * or a cancellation touches the whole queue, once.
 */
import type { Effect, Message } from '../../core/types.js';
import { messageFromRow, type MessageRow } from './rows.js';
import type { Sql } from './sql.js';

/** A thread's held messages, in the order written. */
export function heldMessages(sql: Sql, threadId: string): Message[] {
  return sql
    .all<MessageRow>(
      'SELECT possibly_duplicate, json FROM messages WHERE thread_id = ? AND held = 1 ORDER BY seq',
      threadId,
    )
    .map(messageFromRow);
}

/**
 * Each release_pending effect, in its place, becomes one send per held message of its
 * thread (in seq order), and those messages leave the queue. Run after the transition's
 * messages are written, inside its transaction.
 */
export function expandReleases(sql: Sql, effects: readonly Effect[]): readonly Effect[] {
  if (!effects.some((e) => e.type === 'release_pending')) return effects;
  return effects.flatMap((effect): Effect[] => {
    if (effect.type !== 'release_pending') return [effect];
    const ids = sql.all<{ id: string }>(
      'SELECT id FROM messages WHERE thread_id = ? AND held = 1 ORDER BY seq',
      effect.threadId,
    );
    sql.run(
      `UPDATE messages SET held = 0, json = json_remove(json, '$.held')
       WHERE thread_id = ? AND held = 1`,
      effect.threadId,
    );
    return ids.map(({ id }) => ({
      type: 'send_to_contact',
      threadId: effect.threadId,
      messageId: id,
    }));
  });
}
