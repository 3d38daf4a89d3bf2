/**
 * reply (issue 10 item 1): what arrived in a user's chat since they last worked in a
 * conversation, on MongoDB (collection `chat_arrivals`, index migration 9). One document per
 * (user, conversation), upserted on every card posted: a write is one upsert by `_id`, with
 * no read, and every instance sees what the others posted.
 */
import type { Collection, Db } from 'mongodb';
import type { Millis, ThreadId, UserId } from '../../core/types.js';

export const CHAT_ARRIVALS = 'chat_arrivals';

export interface ChatArrivalDoc {
  /** JSON of [userId, threadId]: no separator can collide. */
  _id: string;
  userId: UserId;
  threadId: ThreadId;
  at: Millis;
}

export class MongoChatArrivals {
  private readonly arrivals: Collection<ChatArrivalDoc>;

  constructor(db: Db) {
    this.arrivals = db.collection<ChatArrivalDoc>(CHAT_ARRIVALS);
  }

  async note(userId: UserId, threadId: ThreadId, at: Millis): Promise<void> {
    await this.arrivals.updateOne(
      { _id: JSON.stringify([userId, threadId]) },
      { $set: { userId, threadId }, $max: { at } },
      { upsert: true },
    );
  }

  async clear(userId: UserId, upTo: Millis): Promise<void> {
    await this.arrivals.deleteMany({ userId, at: { $lte: upTo } });
  }

  async list(userId: UserId): Promise<ThreadId[]> {
    const docs = await this.arrivals
      .find({ userId }, { projection: { threadId: 1, at: 1 } })
      .sort({ at: 1, threadId: 1 })
      .toArray();
    return docs.map((doc) => doc.threadId);
  }
}
