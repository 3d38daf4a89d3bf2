/**
 * The tab's data on MongoDB (see ../tab-port.ts), mirroring the SQLite store's: each user's
 * inbox, the per-user change log (written in the commit's own transaction by
 * recordTabChanges), unread counts from the application layer's read positions, and search
 * through text indexes on threads (the contact's name and number) and messages (their text).
 */
import type { ClientSession, Collection, Db, Filter } from 'mongodb';
import { WINDOW, type Thread, type Transition, type UserId } from '../../core/types.js';
import type { UserRecord } from '../port.js';
import {
  KEEP_CHANGES,
  PRUNE_CHANGES_EVERY,
  type InboxEntry,
  type InboxQuery,
  type MessagePage,
  type TabChange,
  type TabStore,
} from '../tab-port.js';
import { messageFromDoc, threadFromDoc, type ThreadDoc } from './documents.js';
import { collections, type Collections } from './collections.js';

export interface TabInboxDoc {
  /** `${userId}\n${threadId}` */
  _id: string;
  userId: string;
  threadId: string;
  participating: boolean;
  lastActivityAt: number;
}

export interface TabChangeSeqDoc {
  _id: string;
  seq: number;
}

export interface TabChangeDoc {
  /** `${userId}\n${seq}` */
  _id: string;
  userId: string;
  seq: number;
  kind: 'thread' | 'message';
  threadId: string;
  messageId: string | null;
  at: number;
}

/** The tab's own collections, and the store's (collections.ts) it reads. */
export interface TabCollections extends Pick<Collections, 'threads' | 'messages' | 'users'> {
  readonly inbox: Collection<TabInboxDoc>;
  readonly changeSeq: Collection<TabChangeSeqDoc>;
  readonly changes: Collection<TabChangeDoc>;
}

export function tabCollections(db: Db, store: Collections = collections(db)): TabCollections {
  return {
    inbox: db.collection<TabInboxDoc>('tab_inbox'),
    changeSeq: db.collection<TabChangeSeqDoc>('tab_change_seq'),
    changes: db.collection<TabChangeDoc>('tab_changes'),
    threads: store.threads,
    messages: store.messages,
    users: store.users,
  };
}

/** Inside the commit's transaction: inboxes and one change per thread and message, per user. */
export async function recordTabChanges(
  c: TabCollections,
  session: ClientSession,
  transition: Transition,
  now: number,
): Promise<void> {
  const { thread, messages } = transition;
  const current = new Set(thread.participants.map((p) => p.id));
  const known = await c.inbox.find({ threadId: thread.id }, { session }).toArray();
  const lastActivityAt = Math.max(
    thread.createdAt,
    ...known.map((k) => k.lastActivityAt),
    ...messages.map((m) => m.createdAt),
  );
  for (const userId of current) {
    await c.inbox.updateOne(
      { _id: `${userId}\n${thread.id}` },
      {
        $set: { participating: true, lastActivityAt },
        $setOnInsert: { userId, threadId: thread.id },
      },
      { session, upsert: true },
    );
  }
  const left = known.filter((k) => !current.has(k.userId)).map((k) => k._id);
  if (left.length > 0) {
    await c.inbox.updateMany(
      { _id: { $in: left } },
      { $set: { participating: false, lastActivityAt } },
      { session },
    );
  }
  const audience = new Set<UserId>([...current, ...known.map((k) => k.userId)]);
  for (const userId of audience) {
    await logChange(c, session, userId, 'thread', thread.id, null, now);
    for (const m of messages) await logChange(c, session, userId, 'message', thread.id, m.id, now);
  }
}

async function logChange(
  c: TabCollections,
  session: ClientSession | undefined,
  userId: UserId,
  kind: 'thread' | 'message',
  threadId: string,
  messageId: string | null,
  at: number,
): Promise<void> {
  const counter = await c.changeSeq.findOneAndUpdate(
    { _id: userId },
    { $inc: { seq: 1 } },
    { session, upsert: true, returnDocument: 'after' },
  );
  const seq = counter?.seq ?? 1;
  await c.changes.insertOne(
    { _id: `${userId}\n${seq}`, userId, seq, kind, threadId, messageId, at },
    { session },
  );
  // As on SQLite: keep the user's latest KEEP_CHANGES changes.
  if (seq % PRUNE_CHANGES_EVERY === 0 && seq > KEEP_CHANGES) {
    await c.changes.deleteMany({ userId, seq: { $lte: seq - KEEP_CHANGES } }, { session });
  }
}

export class MongoTabQueries implements TabStore {
  constructor(
    private readonly collections: TabCollections,
    private readonly transaction: <T>(fn: (session: ClientSession) => Promise<T>) => Promise<T>,
    /** The application layer's read position (participations.ts), 0 when none. */
    private readonly readSeqOf: (threadId: string, userId: UserId) => Promise<number>,
  ) {}

  async listInbox(query: InboxQuery): Promise<InboxEntry[]> {
    const filter: Filter<TabInboxDoc> = { userId: query.userId };
    if (query.state || query.q) {
      const ids = await this.matchingThreads(query);
      if (ids.length === 0) return [];
      filter.threadId = { $in: ids };
    }
    if (query.after) {
      filter.$or = [
        { lastActivityAt: { $lt: query.after.lastActivityAt } },
        { lastActivityAt: query.after.lastActivityAt, threadId: { $lt: query.after.threadId } },
      ];
    }
    const rows = await this.collections.inbox
      .find(filter)
      .sort({ lastActivityAt: -1, threadId: -1 })
      .limit(query.limit)
      .toArray();
    const threads = await this.collections.threads
      .find({ _id: { $in: rows.map((r) => r.threadId) } })
      .toArray();
    const byId = new Map(threads.map((t) => [t._id, threadFromDoc(t)]));
    const entries: InboxEntry[] = [];
    for (const row of rows) {
      const thread = byId.get(row.threadId);
      if (thread) entries.push(await this.entry(row, thread));
    }
    return entries;
  }

  /** The user's threads that pass the state filter and the search. */
  private async matchingThreads(query: InboxQuery): Promise<string[]> {
    const mine = (
      await this.collections.inbox
        .find({ userId: query.userId }, { projection: { threadId: 1 } })
        .toArray()
    ).map((r) => r.threadId);
    const threadFilter: Filter<ThreadDoc> = { _id: { $in: mine } };
    const expired = query.now - WINDOW;
    if (query.state === 'paused') {
      threadFilter.$or = [
        { state: 'paused' },
        {
          state: 'active',
          $or: [
            { 'data.lastInboundAt': { $exists: false } },
            { 'data.lastInboundAt': { $lte: expired } },
          ],
        },
      ];
    } else if (query.state === 'active') {
      threadFilter.state = 'active';
      threadFilter['data.lastInboundAt'] = { $gt: expired };
    } else if (query.state) {
      threadFilter.state = query.state;
    }
    let ids = (
      await this.collections.threads.find(threadFilter, { projection: { _id: 1 } }).toArray()
    ).map((t) => t._id);
    const words = query.q?.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length > 0 && ids.length > 0) {
      const search = words
        .slice(0, 8)
        .map((w) => `"${w}"`)
        .join(' ');
      const digits = /^[\d\s+().-]+$/.test(query.q!.trim()) ? query.q!.replace(/\D/g, '') : '';
      const byContact = await this.collections.threads
        .find(
          digits.length >= 3
            ? { _id: { $in: ids }, 'data.contact.phone': { $regex: digits } }
            : { _id: { $in: ids }, $text: { $search: search } },
          { projection: { _id: 1 } },
        )
        .toArray();
      const byText = await this.collections.messages.distinct('threadId', {
        threadId: { $in: ids },
        $text: { $search: search },
      });
      const found = new Set([...byContact.map((t) => t._id), ...byText]);
      ids = ids.filter((id) => found.has(id));
    }
    return ids;
  }

  async getInboxEntry(userId: UserId, threadId: string): Promise<InboxEntry | undefined> {
    const row = await this.collections.inbox.findOne({ _id: `${userId}\n${threadId}` });
    if (!row) return undefined;
    const doc = await this.collections.threads.findOne({ _id: threadId });
    return doc ? this.entry(row, threadFromDoc(doc)) : undefined;
  }

  async listMessagePage(
    threadId: string,
    beforeSeq: number | undefined,
    limit: number,
  ): Promise<MessagePage> {
    const docs = await this.collections.messages
      .find({ threadId, ...(beforeSeq !== undefined ? { seq: { $lt: beforeSeq } } : {}) })
      .sort({ seq: -1 })
      .limit(limit + 1)
      .toArray();
    return {
      messages: docs.slice(0, limit).reverse().map(messageFromDoc),
      more: docs.length > limit,
    };
  }

  /** A read position that moved (the application layer's markRead): a change for the user's tabs. */
  async logRead(userId: UserId, threadId: string): Promise<void> {
    await this.transaction((session) =>
      logChange(this.collections, session, userId, 'thread', threadId, null, Date.now()),
    );
  }

  async listChanges(userId: UserId, afterSeq: number, limit: number): Promise<TabChange[]> {
    const docs = await this.collections.changes
      .find({ userId, seq: { $gt: afterSeq } })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({
      seq: d.seq,
      kind: d.kind,
      threadId: d.threadId,
      ...(d.messageId !== null ? { messageId: d.messageId } : {}),
    }));
  }

  async lastChangeSeq(userId: UserId): Promise<number> {
    return (await this.collections.changeSeq.findOne({ _id: userId }))?.seq ?? 0;
  }

  async listAllUsers(limit: number): Promise<UserRecord[]> {
    const docs = await this.collections.users
      .find({})
      .sort({ name: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => d.data);
  }

  private async entry(row: TabInboxDoc, thread: Thread): Promise<InboxEntry> {
    const last = await this.collections.messages.findOne(
      { threadId: thread.id },
      { sort: { seq: -1 } },
    );
    const unread = await this.collections.messages.countDocuments({
      threadId: thread.id,
      seq: { $gt: await this.readSeqOf(thread.id, row.userId) },
      $or: [
        { 'data.direction': 'inbound' },
        {
          'data.kind': { $in: ['text', 'image'] },
          'data.author.id': { $exists: true, $ne: row.userId },
        },
      ],
    });
    return {
      thread,
      participating: row.participating,
      lastActivityAt: row.lastActivityAt,
      unread,
      lastMessage: last ? messageFromDoc(last) : undefined,
    };
  }
}
