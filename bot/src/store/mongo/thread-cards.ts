/**
 * release (issue 10): the conversation cards kept per (thread, user) on MongoDB (collection
 * `thread_cards`, one document per card, index migration 10), so a state change updates them
 * in place. `keptAt` orders them: a card kept again becomes the newest.
 */
import type { Collection, Db } from 'mongodb';
import type { ThreadCard } from '../../core/records.js';

/** The most cards kept per (thread, user): older ones still refresh themselves when viewed. */
export const THREAD_CARDS_KEPT = 5;

export interface ThreadCardDoc {
  _id: string;
  threadId: string;
  userId: string;
  activityId: string;
  conversationId: string;
  keptAt: number;
}

export const THREAD_CARDS = 'thread_cards';
/** The index listThreadCards reads in order (index-migrations.ts, version 10). */
export const THREAD_CARDS_NEWEST = { threadId: 1, userId: 1, keptAt: -1 } as const;

export function threadCardsOf(db: Db): Collection<ThreadCardDoc> {
  return db.collection<ThreadCardDoc>(THREAD_CARDS);
}

export async function putThreadCard(
  cards: Collection<ThreadCardDoc>,
  card: ThreadCard,
  now: number = Date.now(),
): Promise<void> {
  await cards.replaceOne(
    { _id: JSON.stringify([card.threadId, card.userId, card.activityId]) },
    { ...card, keptAt: now },
    { upsert: true },
  );
  const older = await cards
    .find({ threadId: card.threadId, userId: card.userId }, { projection: { _id: 1 } })
    .sort({ keptAt: -1, _id: -1 })
    .skip(THREAD_CARDS_KEPT) // a cursor's skip (the newest kept), not a skipped test
    .toArray();
  if (older.length > 0) await cards.deleteMany({ _id: { $in: older.map((d) => d._id) } });
}

export async function listThreadCards(
  cards: Collection<ThreadCardDoc>,
  threadId: string,
  userId: string,
  limit: number,
): Promise<ThreadCard[]> {
  const docs = await cards
    .find({ threadId, userId })
    .sort({ keptAt: -1, _id: -1 })
    .limit(limit)
    .toArray();
  return docs.map((d) => ({
    threadId: d.threadId,
    userId: d.userId,
    activityId: d.activityId,
    conversationId: d.conversationId,
  }));
}
