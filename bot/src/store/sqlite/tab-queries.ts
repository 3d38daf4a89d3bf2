/**
 * The tab's queries on the embedded store (see ../tab-port.ts): inboxes by last activity
 * (index tab_inbox_by_activity), full-text search (FTS5 table tab_search, kept by triggers,
 * its rowids naming the thread: (tab_threads.n << 24) + seq),
 * the change log (written by tab-changes.ts in each commit). Unread counts start from the
 * application layer's read position (thread_participants.last_read_seq), with its rule
 * (app/user-queries.ts isUnreadFor), so the tab and the bot's list show the same number.
 */
import { WINDOW, type Message, type ThreadId, type UserId } from '../../core/types.js';
import type { UserRecord } from '../port.js';
import type { InboxEntry, InboxQuery, MessagePage, TabChange, TabStore } from '../tab-port.js';
import { fromJson, messageFromRow, threadFromRow, type JsonRow, type MessageRow } from './rows.js';
import type { Sql } from './sql.js';

interface InboxRow {
  readonly participating: number;
  readonly last_activity_at: number;
  readonly version: number;
  readonly json: string;
  readonly last_json: string | null;
  readonly last_possibly_duplicate: number | null;
  readonly unread: number;
}

/** The row, its thread, its newest message and its unread count, in one statement. */
const INBOX_COLUMNS = `i.participating, i.last_activity_at, t.version, t.json,
  (SELECT m.json FROM messages m WHERE m.thread_id = i.thread_id ORDER BY m.seq DESC LIMIT 1)
    AS last_json,
  (SELECT m.possibly_duplicate FROM messages m WHERE m.thread_id = i.thread_id
    ORDER BY m.seq DESC LIMIT 1) AS last_possibly_duplicate,
  (SELECT count(*) FROM messages m WHERE m.thread_id = i.thread_id
    AND m.seq > coalesce((SELECT p.last_read_seq FROM thread_participants p
                          WHERE p.thread_id = i.thread_id AND p.user_id = i.user_id), 0)
    AND (json_extract(m.json, '$.direction') = 'inbound'
      OR (json_extract(m.json, '$.kind') IN ('text', 'image')
        AND json_extract(m.json, '$.author.id') <> i.user_id))) AS unread`;
const LAST_INBOUND = "json_extract(t.json, '$.lastInboundAt')";

export class SqliteTabQueries implements TabStore {
  constructor(private readonly sql: Sql) {}

  async listInbox(query: InboxQuery): Promise<InboxEntry[]> {
    const where = ['i.user_id = ?'];
    const params: unknown[] = [query.userId];
    if (query.after) {
      where.push('(i.last_activity_at < ? OR (i.last_activity_at = ? AND i.thread_id < ?))');
      params.push(query.after.lastActivityAt, query.after.lastActivityAt, query.after.threadId);
    }
    if (query.state === 'paused') {
      where.push(
        `(t.state = 'paused' OR (t.state = 'active' AND coalesce(${LAST_INBOUND} + ${WINDOW}, 0) <= ?))`,
      );
      params.push(query.now);
    } else if (query.state === 'active') {
      where.push(`t.state = 'active' AND coalesce(${LAST_INBOUND} + ${WINDOW}, 0) > ?`);
      params.push(query.now);
    } else if (query.state) {
      where.push('t.state = ?');
      params.push(query.state);
    }
    const search = query.q !== undefined ? ftsQuery(query.q) : undefined;
    if (search) {
      const digits = phoneDigits(query.q ?? '');
      where.push(
        `(i.thread_id IN (SELECT k.thread_id FROM tab_threads k WHERE k.n IN
            (SELECT rowid >> 24 FROM tab_search WHERE tab_search MATCH ?))${
              digits ? ` OR json_extract(t.json, '$.contact.phone') LIKE ?` : ''
            })`,
      );
      params.push(search);
      if (digits) params.push(`%${digits}%`);
    }
    const rows = this.sql.all<InboxRow & { thread_id: string }>(
      `SELECT ${INBOX_COLUMNS} FROM tab_inbox i JOIN threads t ON t.id = i.thread_id
       WHERE ${where.join(' AND ')}
       ORDER BY i.last_activity_at DESC, i.thread_id DESC
       LIMIT ?`,
      ...params,
      query.limit,
    );
    return rows.map((row) => this.entry(row));
  }

  async getInboxEntry(userId: UserId, threadId: ThreadId): Promise<InboxEntry | undefined> {
    const row = this.sql.get<InboxRow>(
      `SELECT ${INBOX_COLUMNS} FROM tab_inbox i JOIN threads t ON t.id = i.thread_id
       WHERE i.user_id = ? AND i.thread_id = ?`,
      userId,
      threadId,
    );
    return row && this.entry(row);
  }

  async listMessagePage(
    threadId: ThreadId,
    beforeSeq: number | undefined,
    limit: number,
  ): Promise<MessagePage> {
    const rows = this.sql.all<MessageRow>(
      `SELECT possibly_duplicate, json FROM messages
       WHERE thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      threadId,
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit + 1,
    );
    const more = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(messageFromRow), more };
  }

  async listChanges(userId: UserId, afterSeq: number, limit: number): Promise<TabChange[]> {
    return this.sql
      .all<{
        seq: number;
        kind: 'thread' | 'message';
        thread_id: string;
        message_id: string | null;
      }>(
        `SELECT seq, kind, thread_id, message_id FROM tab_changes
         WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
        userId,
        afterSeq,
        limit,
      )
      .map((r) => ({
        seq: r.seq,
        kind: r.kind,
        threadId: r.thread_id,
        ...(r.message_id !== null ? { messageId: r.message_id } : {}),
      }));
  }

  async lastChangeSeq(userId: UserId): Promise<number> {
    return (
      this.sql.get<{ seq: number }>('SELECT seq FROM tab_change_seq WHERE user_id = ?', userId)
        ?.seq ?? 0
    );
  }

  async listAllUsers(limit: number): Promise<UserRecord[]> {
    return this.sql
      .all<JsonRow>('SELECT json FROM users ORDER BY name, id LIMIT ?', limit)
      .map((row) => fromJson<UserRecord>(row));
  }

  private entry(row: InboxRow): InboxEntry {
    const lastMessage: Message | undefined =
      row.last_json !== null
        ? messageFromRow({
            json: row.last_json,
            possibly_duplicate: row.last_possibly_duplicate ?? 0,
          })
        : undefined;
    return {
      thread: threadFromRow(row),
      participating: row.participating === 1,
      lastActivityAt: row.last_activity_at,
      unread: row.unread,
      lastMessage,
    };
  }
}

/**
 * The words of a search as an FTS5 query: each word a prefix ("mar" finds "Maria"), all of
 * them required. Quotes keep FTS5's own syntax out of what users type. Undefined for none.
 */
export function ftsQuery(q: string): string | undefined {
  const words = q.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words
    .slice(0, 8)
    .map((w) => `"${w}"*`)
    .join(' ');
}

/** A search that is a phone number, or part of one (3 digits or more), as its digits. */
export function phoneDigits(q: string): string | undefined {
  if (!/^[\d\s+().-]+$/.test(q.trim())) return undefined;
  const digits = q.replace(/\D/g, '');
  return digits.length >= 3 ? digits : undefined;
}
