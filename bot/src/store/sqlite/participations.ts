/**
 * Participation history and read positions on the embedded store (issue 8): the rows of
 * `thread_participants` (migration 4), which apply-transition.ts writes with every thread.
 */
import type { Participation } from '../../core/records.js';
import type { Thread } from '../../core/types.js';
import { threadFromRow, type ThreadRow } from './rows.js';
import type { Sql } from './sql.js';

interface ParticipationRow {
  thread_id: string;
  user_id: string;
  joined_at: number;
  left_at: number | null;
  last_read_seq: number;
}

function participationFromRow(row: ParticipationRow): Participation {
  return {
    threadId: row.thread_id,
    userId: row.user_id,
    joinedAt: row.joined_at,
    ...(row.left_at !== null ? { leftAt: row.left_at } : {}),
    lastReadSeq: row.last_read_seq,
  };
}

export function listParticipations(
  sql: Sql,
  userId: string,
): { thread: Thread; participation: Participation }[] {
  return sql
    .all<ThreadRow & ParticipationRow>(
      `SELECT t.version, t.json, p.thread_id, p.user_id, p.joined_at, p.left_at, p.last_read_seq
       FROM thread_participants p JOIN threads t ON t.id = p.thread_id
       WHERE p.user_id = ?
       ORDER BY t.updated_at DESC, t.id DESC`,
      userId,
    )
    .map((row) => ({ thread: threadFromRow(row), participation: participationFromRow(row) }));
}

export function getParticipation(
  sql: Sql,
  threadId: string,
  userId: string,
): Participation | undefined {
  const row = sql.get<ParticipationRow>(
    `SELECT thread_id, user_id, joined_at, left_at, last_read_seq
     FROM thread_participants WHERE thread_id = ? AND user_id = ?`,
    threadId,
    userId,
  );
  return row && participationFromRow(row);
}

/** Move the read position forward; true when it moved. */
export function markRead(sql: Sql, threadId: string, userId: string, seq: number): boolean {
  return (
    sql.run(
      `UPDATE thread_participants SET last_read_seq = ?
       WHERE thread_id = ? AND user_id = ? AND last_read_seq < ?`,
      seq,
      threadId,
      userId,
      seq,
    ).changes > 0
  );
}

/**
 * A business number belongs to one organisation: before `tenantId` lists these numbers, any
 * other organisation's record stops listing them. Runs inside the caller's write transaction.
 */
export function releaseNumbersFromOthers(
  sql: Sql,
  tenantId: string,
  phoneNumberIds: readonly string[],
): void {
  for (const phoneNumberId of phoneNumberIds) {
    const owner = sql.get<{ tenant_id: string }>(
      'SELECT tenant_id FROM business_numbers WHERE phone_number_id = ? AND tenant_id <> ?',
      phoneNumberId,
      tenantId,
    );
    if (!owner) continue;
    const row = sql.get<{ json: string }>(
      'SELECT json FROM organisations WHERE tenant_id = ?',
      owner.tenant_id,
    );
    if (row) {
      const org = JSON.parse(row.json) as { businessNumbers: { phoneNumberId: string }[] };
      const kept = {
        ...org,
        businessNumbers: org.businessNumbers.filter((n) => n.phoneNumberId !== phoneNumberId),
      };
      sql.run(
        'UPDATE organisations SET json = ? WHERE tenant_id = ?',
        JSON.stringify(kept),
        owner.tenant_id,
      );
    }
    sql.run('DELETE FROM business_numbers WHERE phone_number_id = ?', phoneNumberId);
  }
}
