/**
 * What the personal tab needs of the store, beside the main port: each user's inbox (the
 * threads they take or took part in, by last activity, with full-text search) and the
 * per-user change log that live updates stream from (written in the same transaction as the
 * change, by `Store.apply`, and by `Store.markRead` when a read position moves). Read
 * positions themselves are the application layer's (`Participation.lastReadSeq`).
 */
import type { Message, Millis, Thread, ThreadId, ThreadState, UserId } from '../core/types.js';
import type { UserRecord } from './port.js';

/** Where a page of the inbox starts: after this (lastActivityAt, threadId), newest first. */
export interface InboxCursor {
  readonly lastActivityAt: Millis;
  readonly threadId: ThreadId;
}

export interface InboxQuery {
  readonly userId: UserId;
  /** The state a user sees now: an active thread whose window has run out is paused. */
  readonly state?: ThreadState | undefined;
  /** Words to find in the contact's name, number or a message's text. */
  readonly q?: string | undefined;
  readonly after?: InboxCursor | undefined;
  readonly limit: number;
  readonly now: Millis;
}

/** One thread as one user sees it in their inbox. */
export interface InboxEntry {
  readonly thread: Thread;
  /** False: the user took part earlier and left (they still see it, read-only). */
  readonly participating: boolean;
  readonly lastActivityAt: Millis;
  /**
   * Messages the user has not seen yet: the contact's, and colleagues' words and pictures
   * (not notices or templates, nor the user's own).
   */
  readonly unread: number;
  readonly lastMessage?: Message | undefined;
}

/**
 * How many of a user's latest changes the log keeps. A tab away for longer than that reloads
 * what it shows anyway; older changes are dropped every PRUNE_CHANGES_EVERY changes.
 */
export const KEEP_CHANGES = 10_000;
export const PRUNE_CHANGES_EVERY = 1_000;

export interface TabChange {
  /** Monotonic per user: what Server-Sent Events carry as `id`. */
  readonly seq: number;
  readonly kind: 'thread' | 'message';
  readonly threadId: ThreadId;
  readonly messageId?: string | undefined;
}

export interface MessagePage {
  /** Oldest first. */
  readonly messages: Message[];
  /** True when older messages exist before the first one. */
  readonly more: boolean;
}

export interface TabStore {
  /** The user's inbox, newest activity first, filtered; at most `limit` entries. */
  listInbox(query: InboxQuery): Promise<InboxEntry[]>;
  /** One thread as this user sees it; undefined when they never took part (or no such thread). */
  getInboxEntry(userId: UserId, threadId: ThreadId): Promise<InboxEntry | undefined>;
  /** The newest `limit` messages of a thread before seq `beforeSeq` (all when absent). */
  listMessagePage(
    threadId: ThreadId,
    beforeSeq: number | undefined,
    limit: number,
  ): Promise<MessagePage>;
  /** The user's changes after `afterSeq`, oldest first. */
  listChanges(userId: UserId, afterSeq: number, limit: number): Promise<TabChange[]>;
  /** The user's latest change seq (0 when none). */
  lastChangeSeq(userId: UserId): Promise<number>;
  /** Users of every tenant, by name (local development's user picker). */
  listAllUsers(limit: number): Promise<UserRecord[]>;
}
