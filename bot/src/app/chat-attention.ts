/**
 * Issue 10 (chat): what has arrived in a user's personal chat since they last worked in a
 * conversation, so a typed message never goes silently to the wrong person.
 *
 * The user channel says when a card about a conversation (a contact's message, a colleague's,
 * a notice) is posted to a user; the application layer says when the user works in one
 * (it becomes current: they wrote, replied, opened or started it). A typed message is
 * unambiguous only while nothing about another conversation arrived in between.
 *
 * Kept in memory, per process: after a restart nothing is "since", which errs towards
 * sending as before. (A store-backed version is needed for several instances.)
 */
import type { ThreadId, UserId } from '../core/types.js';

/** Enough for any real chat; the oldest users are forgotten beyond it. */
const MAX_USERS = 50_000;

export class ChatAttention {
  /** Per user: the conversations that got a card since the user last worked, oldest first. */
  private readonly arrivals = new Map<UserId, ThreadId[]>();

  /** A card about `threadId` was posted in the user's chat. */
  arrived(userId: UserId, threadId: ThreadId): void {
    const list = (this.arrivals.get(userId) ?? []).filter((id) => id !== threadId);
    list.push(threadId);
    this.arrivals.delete(userId);
    if (this.arrivals.size >= MAX_USERS) {
      const oldest = this.arrivals.keys().next().value;
      if (oldest !== undefined) this.arrivals.delete(oldest);
    }
    this.arrivals.set(userId, list);
  }

  /** The user worked in a conversation: what arrived before is behind them. */
  worked(userId: UserId): void {
    this.arrivals.delete(userId);
  }

  /** Conversations other than `current` that got a card since the user last worked. */
  since(userId: UserId, current?: ThreadId): ThreadId[] {
    return (this.arrivals.get(userId) ?? []).filter((id) => id !== current);
  }
}
