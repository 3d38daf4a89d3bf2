/**
 * One transition committed in one SQLite transaction: the version-checked thread, its
 * messages, its effects (outbox, timers, consent records), the contact's policy change and
 * the handled event key. Runs inside Sql.write, so any throw rolls all of it back.
 */
import type { ContactPolicyChange, Message, Thread, Transition } from '../../core/types.js';
import { isOpen, sortEffects, type ScheduleEffect } from '../effects.js';
import { contactAfterChange } from '../policy-change.js';
import {
  DuplicateEventError,
  OpenThreadExistsError,
  StaleThreadError,
  type ApplyOptions,
  type ContactRecord,
} from '../port.js';
import { expandReleases } from './pending-queue.js';
import { fromJson, type JsonRow } from './rows.js';
import type { Sql } from './sql.js';
import { recordTabChanges } from './tab-changes.js';

export function applyTransition(
  sql: Sql,
  transition: Transition,
  options: ApplyOptions,
  newId: () => string,
): void {
  const { thread } = transition;
  if (options.eventKey !== undefined) recordEvent(sql, options.eventKey, options.now);

  const stored = sql.get<{ version: number; outbox_seq: number }>(
    'SELECT version, outbox_seq FROM threads WHERE id = ?',
    thread.id,
  );
  const fresh = options.expectedVersion === undefined;
  if (fresh ? stored !== undefined : stored?.version !== options.expectedVersion) {
    throw new StaleThreadError(thread.id);
  }
  if (isOpen(thread)) refuseSecondOpenThread(sql, thread);

  // Messages first: a release sends what is held once they are written.
  for (const message of transition.messages) writeMessage(sql, message);
  const { outbox, timers, consents } = sortEffects(expandReleases(sql, transition.effects));
  const outboxSeq = stored?.outbox_seq ?? 0;
  writeThread(
    sql,
    thread,
    (options.expectedVersion ?? 0) + 1,
    outboxSeq + outbox.length,
    options.now,
  );
  outbox.forEach((effect, i) => {
    sql.run(
      `INSERT INTO outbox (id, thread_id, seq, effect, attempts, not_before, created_at)
       VALUES (?, ?, ?, ?, 0, ?, ?)`,
      newId(),
      thread.id,
      outboxSeq + i + 1,
      JSON.stringify(effect),
      options.now,
      options.now,
    );
  });
  for (const timer of timers) writeTimer(sql, timer, newId());
  for (const record of consents) {
    sql.run(
      `INSERT INTO consent_records (business_number_id, contact_id, at, json) VALUES (?, ?, ?, ?)`,
      record.businessNumberId,
      record.contactId,
      record.at,
      JSON.stringify(record),
    );
  }
  if (transition.contact) changeContactPolicy(sql, thread, transition.contact);
  // tab (issue 9): inboxes and the per-user change log, in this same transaction.
  recordTabChanges(sql, transition, options.now);
}

function recordEvent(sql: Sql, eventKey: string, now: number): void {
  if (sql.get('SELECT 1 FROM handled_events WHERE event_key = ?', eventKey)) {
    throw new DuplicateEventError(eventKey);
  }
  sql.run('INSERT INTO handled_events (event_key, handled_at) VALUES (?, ?)', eventKey, now);
}

function refuseSecondOpenThread(sql: Sql, thread: Thread): void {
  const other = sql.get<{ id: string }>(
    `SELECT id FROM threads
     WHERE business_number_id = ? AND contact_id = ? AND open = 1 AND id <> ?`,
    thread.businessNumberId,
    thread.contact.id,
    thread.id,
  );
  if (other) throw new OpenThreadExistsError(other.id);
}

function writeThread(
  sql: Sql,
  thread: Thread,
  version: number,
  outboxSeq: number,
  now: number,
): void {
  sql.run(
    `INSERT INTO threads (id, business_number_id, contact_id, state, open, version, outbox_seq,
                          created_at, updated_at, json)
     VALUES (@id, @businessNumberId, @contactId, @state, @open, @version, @outboxSeq,
             @createdAt, @now, @json)
     ON CONFLICT (id) DO UPDATE SET
       business_number_id = excluded.business_number_id, contact_id = excluded.contact_id,
       state = excluded.state, open = excluded.open, version = excluded.version,
       outbox_seq = excluded.outbox_seq, updated_at = excluded.updated_at,
       -- A thread's creation time is its first write's: an update never moves it.
       json = json_set(excluded.json, '$.createdAt', threads.created_at)`,
    {
      id: thread.id,
      businessNumberId: thread.businessNumberId,
      contactId: thread.contact.id,
      state: thread.state,
      open: isOpen(thread) ? 1 : 0,
      version,
      outboxSeq,
      createdAt: thread.createdAt,
      now,
      json: JSON.stringify({ ...thread, version }),
    },
  );
  writeParticipations(sql, thread, now);
}

/**
 * Participation history (issue 8): who is listed now takes part (joining now if new, or again
 * after leaving); who is no longer listed left now. Rows are never deleted.
 */
function writeParticipations(sql: Sql, thread: Thread, now: number): void {
  const current = [...new Set(thread.participants.map((p) => p.id))];
  sql.run(
    `UPDATE thread_participants SET left_at = ?
     WHERE thread_id = ? AND left_at IS NULL
       AND user_id NOT IN (SELECT value FROM json_each(?))`,
    now,
    thread.id,
    JSON.stringify(current),
  );
  for (const userId of current) {
    sql.run(
      `INSERT INTO thread_participants (user_id, thread_id, joined_at, left_at, last_read_seq)
       VALUES (?, ?, ?, NULL, 0)
       ON CONFLICT (user_id, thread_id) DO UPDATE SET
         joined_at = CASE WHEN left_at IS NULL THEN joined_at ELSE excluded.joined_at END,
         left_at = NULL`,
      userId,
      thread.id,
      now,
    );
  }
}

function writeMessage(sql: Sql, message: Message): void {
  const waMessageId = message.waMessageId ?? null;
  if (waMessageId !== null) {
    const other = sql.get(
      'SELECT 1 FROM messages WHERE wa_message_id = ? AND id <> ?',
      waMessageId,
      message.id,
    );
    if (other) throw new DuplicateEventError(`wamid:${waMessageId}`);
  }
  sql.run(
    `INSERT INTO messages (id, thread_id, seq, wa_message_id, possibly_duplicate, held, created_at, json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
       thread_id = excluded.thread_id, seq = excluded.seq, wa_message_id = excluded.wa_message_id,
       possibly_duplicate = max(possibly_duplicate, excluded.possibly_duplicate),
       held = excluded.held, created_at = excluded.created_at, json = excluded.json`,
    message.id,
    message.threadId,
    message.seq,
    waMessageId,
    message.possiblyDuplicate ? 1 : 0,
    message.held ? 1 : 0,
    message.createdAt,
    JSON.stringify(message),
  );
}

/** One pending timer per (thread, timer): a new schedule replaces the old under a new id. */
function writeTimer(sql: Sql, effect: ScheduleEffect, id: string): void {
  sql.run('DELETE FROM timers WHERE thread_id = ? AND timer = ?', effect.threadId, effect.timer);
  sql.run(
    'INSERT INTO timers (id, thread_id, timer, at) VALUES (?, ?, ?, ?)',
    id,
    effect.threadId,
    effect.timer,
    effect.at,
  );
}

function changeContactPolicy(sql: Sql, thread: Thread, change: ContactPolicyChange): void {
  const row = sql.get<JsonRow>('SELECT json FROM contacts WHERE id = ?', change.contactId);
  const next = contactAfterChange(row ? fromJson<ContactRecord>(row) : undefined, thread, change);
  if (next) writeContact(sql, next);
}

export function writeContact(sql: Sql, contact: ContactRecord): void {
  sql.run(
    `INSERT INTO contacts (id, business_number_id, phone, json) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
       business_number_id = excluded.business_number_id, phone = excluded.phone, json = excluded.json`,
    contact.id,
    contact.businessNumberId,
    contact.phone,
    JSON.stringify(contact),
  );
}
