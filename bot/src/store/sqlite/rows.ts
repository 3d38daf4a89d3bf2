/**
 * Rows as SQLite returns them, and the entities they hold. Each table keeps the columns the
 * store queries on, plus the entity itself as JSON.
 */
import type { Effect, Message, Thread } from '../../core/types.js';
import type { OutboxItem, TimerItem } from '../port.js';
import { withGraphCode } from '../record-compat.js';

export interface JsonRow {
  readonly json: string;
}

export interface ThreadRow extends JsonRow {
  readonly version: number;
}

export interface MessageRow extends JsonRow {
  readonly possibly_duplicate: number;
}

export interface OutboxRow {
  readonly id: string;
  readonly thread_id: string;
  readonly seq: number;
  readonly effect: string;
  readonly attempts: number;
  readonly not_before: number;
  readonly owner: string | null;
  readonly lease_until: number | null;
  readonly last_error: string | null;
}

export interface TimerRow {
  readonly id: string;
  readonly thread_id: string;
  readonly timer: TimerItem['timer'];
  readonly at: number;
}

export interface MediaRow {
  readonly id: string;
  readonly mime_type: string;
  readonly size: number;
  readonly sha256: string;
  readonly caption: string | null;
}

export function fromJson<T>(row: JsonRow): T {
  return JSON.parse(row.json) as T;
}

/** The version column is the truth: the JSON keeps whatever the engine handed in. */
export function threadFromRow(row: ThreadRow): Thread {
  return { ...fromJson<Thread>(row), version: row.version };
}

export function messageFromRow(row: MessageRow): Message {
  const message = withGraphCode(fromJson<Message>(row));
  return row.possibly_duplicate ? { ...message, possiblyDuplicate: true } : message;
}

export function outboxItemFromRow(row: OutboxRow, recovered: boolean): OutboxItem {
  return {
    id: row.id,
    threadId: row.thread_id,
    seq: row.seq,
    effect: JSON.parse(row.effect) as Effect,
    attempts: row.attempts,
    notBefore: row.not_before,
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    recovered,
  };
}

export function timerFromRow(row: TimerRow): TimerItem {
  return { id: row.id, threadId: row.thread_id, timer: row.timer, at: row.at };
}
