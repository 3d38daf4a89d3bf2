/**
 * The SQL of the hot queries (port.ts, HOT_QUERIES), shared by the store that runs them and by
 * explainQuery, which asks SQLite how it plans exactly these statements.
 */
import type { HotQuery } from '../port.js';
import {
  CLAIMABLE_EFFECTS,
  CLAIMABLE_LANE_EFFECTS,
  CLAIMABLE_TIMERS,
  LEASE_EFFECT,
  LEASE_TIMER,
} from './leases.js';

const THREAD_COLUMNS = 't.version, t.json';

export const MESSAGE_BY_WA_ID =
  'SELECT possibly_duplicate, json FROM messages WHERE wa_message_id = ?';

export const THREADS_FOR_USER = `SELECT ${THREAD_COLUMNS} FROM threads t
  JOIN thread_participants p ON p.thread_id = t.id
  WHERE p.user_id = ? AND p.left_at IS NULL
  ORDER BY t.updated_at DESC, t.id DESC`;

export const MESSAGES_OF_THREAD =
  'SELECT possibly_duplicate, json FROM messages WHERE thread_id = ? ORDER BY seq, id';

/**
 * A page of the CDR. CROSS JOIN keeps messages as the outer loop, read in messages_by_time
 * order from the last row read: left to itself the planner may start from the number's
 * threads and sort all their messages for every page.
 */
export function messagesBetweenSql(page: { after: boolean; number: boolean }): string {
  const where = ['m.created_at >= ?', 'm.created_at < ?'];
  if (page.after) where.push('(m.created_at, m.thread_id, m.seq) > (?, ?, ?)');
  if (page.number) where.push('t.business_number_id = ?');
  return `SELECT m.possibly_duplicate, m.json, t.business_number_id,
         json_extract(t.json, '$.contact') AS contact
    FROM messages m CROSS JOIN threads t ON t.id = m.thread_id
    WHERE ${where.join(' AND ')}
    ORDER BY m.created_at, m.thread_id, m.seq
    LIMIT ?`;
}

/** Each hot query's statements, with sample parameters to plan them with. */
export const HOT_STATEMENTS: Record<
  HotQuery,
  readonly { statement: string; sql: string; params: unknown[] }[]
> = {
  message_by_wa_id: [{ statement: 'lookup', sql: MESSAGE_BY_WA_ID, params: ['wamid.x'] }],
  claim_effects: [
    { statement: 'candidates', sql: CLAIMABLE_EFFECTS, params: [{ now: 0, limit: 10 }] },
    { statement: 'lease', sql: LEASE_EFFECT, params: ['owner', 0, 'id'] },
    // replycpu (issue 11): one lane's candidates.
    {
      statement: 'candidates of one lane',
      sql: CLAIMABLE_LANE_EFFECTS,
      params: [{ now: 0, limit: 10, lane: 'whatsapp' }],
    },
  ],
  claim_timers: [
    { statement: 'candidates', sql: CLAIMABLE_TIMERS, params: [{ now: 0, limit: 10 }] },
    { statement: 'lease', sql: LEASE_TIMER, params: ['owner', 0, 'id'] },
  ],
  threads_for_user: [{ statement: 'threads', sql: THREADS_FOR_USER, params: ['user'] }],
  messages_of_thread: [{ statement: 'messages', sql: MESSAGES_OF_THREAD, params: ['thread'] }],
  cdr_page: [
    {
      statement: 'first page',
      sql: messagesBetweenSql({ after: false, number: false }),
      params: [0, 1, 100],
    },
    {
      statement: "next page of one number's",
      sql: messagesBetweenSql({ after: true, number: true }),
      params: [0, 1, 0, 'thread', 1, 'pn', 100],
    },
  ],
};
