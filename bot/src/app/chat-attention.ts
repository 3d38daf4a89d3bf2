/**
 * Issue 10 (chat): what has arrived in a user's personal chat since they last worked in a
 * conversation, so a typed message never goes silently to the wrong person.
 *
 * The user channel says when a card about a conversation (a contact's message, a colleague's,
 * a notice) is posted to a user; the application layer says when the user works in one
 * (it becomes current: they wrote, replied, opened or started it). A typed message is
 * unambiguous only while nothing about another conversation arrived in between.
 *
 * reply (issue 10 item 1): kept in the store (`Store.noteArrival`), not in memory, so a
 * restart does not forget it and every instance sees what another posted. The arrival is
 * noted before the card is sent: if the note is written and the card never goes out, the
 * bot asks once too often, which is the safe side; the reverse would send to the wrong person.
 */
import type { ThreadId, UserId } from '../core/types.js';
import type { Store } from '../store/port.js';
import type { Clock } from './clock.js';

export class ChatAttention {
  constructor(
    private readonly store: Pick<Store, 'noteArrival' | 'clearArrivals' | 'listArrivals'>,
    private readonly clock: Clock,
  ) {}

  /** A card about `threadId` is posted in the user's chat (one upsert in the store). */
  async arrived(userId: UserId, threadId: ThreadId): Promise<void> {
    await this.store.noteArrival(userId, threadId, this.clock.now());
  }

  /** The user worked in a conversation: what arrived up to now is behind them. */
  async worked(userId: UserId): Promise<void> {
    await this.store.clearArrivals(userId, this.clock.now());
  }

  /** Conversations other than `current` that got a card since the user last worked. */
  async since(userId: UserId, current?: ThreadId): Promise<ThreadId[]> {
    return (await this.store.listArrivals(userId)).filter((id) => id !== current);
  }
}
