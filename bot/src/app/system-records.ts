/**
 * What the adapters need from the store that no user asks for: an activity handled once,
 * pictures behind signed URLs, and, for the channel that tells users (the dispatcher's
 * UserChannel), the users, messages and the cards their chats show for them.
 */
import type { MessageCard, ThreadCard, UserRecord } from '../core/records.js';
import type { MediaRef, Message, Millis, Thread } from '../core/types.js';
import type { OutboxItem, Store } from '../store/port.js';
import { isOrganisationAdmin } from './user-queries.js';

export class SystemRecords {
  constructor(private readonly store: Store) {}

  /** True for the one caller, across instances, that claims the key first. */
  claimOnce(key: string, now: Millis): Promise<boolean> {
    return this.store.claimEventKey(key, now);
  }

  /** A picture, for a URL whose signature the caller checked. */
  media(id: string): Promise<{ ref: MediaRef; bytes: Uint8Array } | undefined> {
    return this.store.getMedia(id);
  }

  /**
   * ops (issue 12): who is told when WhatsApp stops working for a business number: the admins
   * of the organisation that owns it (`npm run admin -- user admin <userId> on`), by the same
   * rule as `UserQueries.isAdmin`. `everyoneIfNone` (local mode, no BOT_ID) gives every enabled
   * user of that organisation when it has no admin, so the Agents Playground's user sees them.
   */
  async organisationAdmins(
    businessNumberId: string,
    options: { readonly everyoneIfNone?: boolean } = {},
  ): Promise<UserRecord[]> {
    const org = await this.store.getOrganisationByBusinessNumber(businessNumberId);
    if (!org) return [];
    const users = await this.store.listUsers(org.tenantId);
    const admins = users.filter((u) => isOrganisationAdmin(u, org.tenantId));
    if (admins.length > 0 || !options.everyoneIfNone) return admins;
    return users.filter((u) => u.enabled);
  }

  user(id: string): Promise<UserRecord | undefined> {
    return this.store.getUser(id);
  }

  message(id: string): Promise<Message | undefined> {
    return this.store.getMessage(id);
  }

  messageCard(messageId: string, userId: string): Promise<MessageCard | undefined> {
    return this.store.getMessageCard(messageId, userId);
  }

  keepMessageCard(card: MessageCard): Promise<void> {
    return this.store.putMessageCard(card);
  }

  /** reply (issue 10): the thread with the user's own name for its contact (names are per user). */
  async namedFor(userId: string, thread: Thread): Promise<Thread> {
    // A notice about no conversation (an ops alarm) has no contact to name.
    if (!thread.contact) return thread;
    const entry = (await this.store.listAddressBook(userId)).find(
      (e) => e.contactId === thread.contact.id,
    );
    return entry === undefined || entry.name === thread.contact.name
      ? thread
      : { ...thread, contact: { ...thread.contact, name: entry.name } };
  }

  /** release (issue 10): the newest conversation cards a user's chat shows for a thread. */
  threadCards(threadId: string, userId: string, limit = 3): Promise<ThreadCard[]> {
    return this.store.listThreadCards(threadId, userId, limit);
  }

  // gather (issue 11 item 2): gathered cards

  /** The messages one card in a user's chat carries, oldest first. */
  async messagesOfCard(userId: string, activityId: string): Promise<Message[]> {
    const cards = await this.store.listMessageCardsByActivity(userId, activityId);
    const messages = await Promise.all(cards.map((c) => this.store.getMessage(c.messageId)));
    return messages
      .filter((m): m is Message => m !== undefined)
      .sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
  }

  /** The thread's Teams effects waiting behind the one at `afterSeq`, in order. */
  waitingTeamsEffects(threadId: string, afterSeq: number, limit: number): Promise<OutboxItem[]> {
    return this.store.listWaitingTeamsEffects(threadId, afterSeq, limit);
  }

  /**
   * What waits to be shown to a user, by conversation (oldest first), leaving out messages a
   * card of theirs already carries: for the hourly summary.
   */
  async waitingFor(userId: string): Promise<{ thread: Thread; messageIds: string[] }[]> {
    const waiting = await this.store.listMessagesWaitingFor(userId, 5_000);
    const byThread = new Map<string, string[]>();
    for (const w of waiting) {
      if (await this.store.getMessageCard(w.messageId, userId)) continue;
      const ids = byThread.get(w.threadId) ?? [];
      if (!ids.includes(w.messageId)) ids.push(w.messageId);
      byThread.set(w.threadId, ids);
    }
    const out: { thread: Thread; messageIds: string[] }[] = [];
    for (const [threadId, messageIds] of byThread) {
      const thread = await this.store.getThread(threadId);
      if (thread) out.push({ thread, messageIds });
    }
    return out;
  }

  thread(id: string): Promise<Thread | undefined> {
    return this.store.getThread(id);
  }
}
