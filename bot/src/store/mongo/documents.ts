/**
 * Documents as the MongoDB store keeps them: the fields it queries on at the top level, and
 * the entity itself under `data` (passed through JSON, so it reads back exactly as the SQLite
 * store returns it: no `undefined` turned into `null`).
 */
import type { ObjectId } from 'mongodb';
import type { ConsentRecord, Effect, Message, Thread } from '../../core/types.js';
import type { ContactRecord, Organisation, OutboxItem, TimerItem, UserRecord } from '../port.js';
import { withGraphCode } from '../record-compat.js';

export interface OrganisationDoc {
  _id: string;
  businessNumberIds: string[];
  data: Organisation;
}

export interface UserDoc {
  _id: string;
  tenantId: string;
  name: string;
  data: UserRecord;
}

export interface ContactDoc {
  _id: string;
  businessNumberId: string;
  phone: string;
  data: ContactRecord;
}

export interface AddressBookDoc {
  /** JSON of [userId, contactId]: one entry per user and contact. */
  _id: string;
  userId: string;
  contactId: string;
  name: string;
  /** keepboth (issue 10 item 4): the user's other names for the contact; absent: none. */
  aliases?: string[];
}

export interface ThreadDoc {
  _id: string;
  businessNumberId: string;
  contactId: string;
  state: Thread['state'];
  /** True until closed; a partial unique index allows one open thread per contact. */
  open: boolean;
  version: number;
  /** The last outbox seq given to this thread's effects. */
  outboxSeq: number;
  participantIds: string[];
  createdAt: number;
  updatedAt: number;
  data: Thread;
}

export interface MessageDoc {
  _id: string;
  threadId: string;
  seq: number;
  /** Absent until WhatsApp gave an id: the unique index only covers strings. */
  waMessageId?: string;
  possiblyDuplicate: boolean;
  /** In its thread's pending queue (absent otherwise): a partial index finds them in order. */
  held?: true;
  data: Message;
}

export interface HandledEventDoc {
  _id: string;
  handledAt: number;
  /** Who claimed it (claimEventKey), so a claim whose reply was lost can be read back. */
  claimId?: string;
}

export interface MessageCardDoc {
  /** JSON of [messageId, userId]: one card per message and user. */
  _id: string;
  messageId: string;
  userId: string;
  activityId: string;
  conversationId: string;
}

export interface OutboxDoc {
  _id: string;
  threadId: string;
  seq: number;
  effect: Effect;
  attempts: number;
  notBefore: number;
  owner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
}

export interface TimerDoc {
  _id: string;
  threadId: string;
  timer: TimerItem['timer'];
  at: number;
  owner: string | null;
  leaseUntil: number | null;
}

export interface ConsentDoc {
  _id?: ObjectId;
  businessNumberId: string;
  contactId: string;
  at: number;
  /** Commit order among records (counters.consent_records); absent on records from before it. */
  seq?: number;
  data: ConsentRecord;
}

/** A sequence handed out inside transactions (`{ $inc: { value: 1 } }`). */
export interface CounterDoc {
  _id: string;
  value: number;
}

/** A deep copy as JSON would make it: what the SQLite store's JSON columns hold too. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function threadFromDoc(doc: ThreadDoc): Thread {
  return { ...doc.data, version: doc.version };
}

export function messageFromDoc(doc: MessageDoc): Message {
  const message = withGraphCode(doc.data);
  return doc.possiblyDuplicate ? { ...message, possiblyDuplicate: true } : message;
}

export function outboxItemFromDoc(doc: OutboxDoc, recovered: boolean): OutboxItem {
  return {
    id: doc._id,
    threadId: doc.threadId,
    seq: doc.seq,
    effect: doc.effect,
    attempts: doc.attempts,
    notBefore: doc.notBefore,
    ...(doc.lastError !== null ? { lastError: doc.lastError } : {}),
    recovered,
  };
}

export function timerFromDoc(doc: TimerDoc): TimerItem {
  return { id: doc._id, threadId: doc.threadId, timer: doc.timer, at: doc.at };
}

export function messageCardId(messageId: string, userId: string): string {
  return JSON.stringify([messageId, userId]);
}

export function addressBookId(userId: string, contactId: string): string {
  return JSON.stringify([userId, contactId]);
}
