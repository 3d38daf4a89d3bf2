/**
 * Participation history, read positions and business numbers that move between tenants, on
 * MongoDB (issue 8). Participations live in their own collection, one document per
 * (thread, user), written in `apply`'s transaction from the thread's participants.
 */
import type { ClientSession, Collection, Db, MongoClient, TransactionOptions } from 'mongodb';
import type { Organisation, Participation } from '../../core/records.js';
import type { Thread } from '../../core/types.js';
import type { Collections } from './collections.js';
import { plain, threadFromDoc } from './documents.js';

export interface ParticipationDoc {
  /** `<threadId>\u0000<userId>`. */
  _id: string;
  threadId: string;
  userId: string;
  joinedAt: number;
  leftAt: number | null;
  lastReadSeq: number;
}

export function participationsOf(db: Db): Collection<ParticipationDoc> {
  return db.collection<ParticipationDoc>('participations');
}

const idOf = (threadId: string, userId: string) => `${threadId}\u0000${userId}`;

function participationFromDoc(doc: ParticipationDoc): Participation {
  return {
    threadId: doc.threadId,
    userId: doc.userId,
    joinedAt: doc.joinedAt,
    ...(doc.leftAt !== null ? { leftAt: doc.leftAt } : {}),
    lastReadSeq: doc.lastReadSeq,
  };
}

/** Inside `apply`'s transaction: who is listed takes part, who is not any more left now. */
export async function writeParticipations(
  participations: Collection<ParticipationDoc>,
  session: ClientSession,
  thread: Thread,
  now: number,
): Promise<void> {
  const current = [...new Set(thread.participants.map((p) => p.id))];
  await participations.updateMany(
    { threadId: thread.id, leftAt: null, userId: { $nin: current } },
    { $set: { leftAt: now } },
    { session },
  );
  for (const userId of current) {
    const _id = idOf(thread.id, userId);
    const doc = await participations.findOne({ _id }, { session });
    if (!doc) {
      await participations.insertOne(
        { _id, threadId: thread.id, userId, joinedAt: now, leftAt: null, lastReadSeq: 0 },
        { session },
      );
    } else if (doc.leftAt !== null) {
      await participations.updateOne(
        { _id },
        { $set: { joinedAt: now, leftAt: null } },
        { session },
      );
    }
  }
}

export async function listParticipations(
  c: Collections,
  participations: Collection<ParticipationDoc>,
  userId: string,
): Promise<{ thread: Thread; participation: Participation }[]> {
  const docs = await participations.find({ userId }).toArray();
  const byThread = new Map(docs.map((d) => [d.threadId, d]));
  // Threads written before participations were kept list the user among participantIds only.
  const threads = await c.threads
    .find({ $or: [{ _id: { $in: [...byThread.keys()] } }, { participantIds: userId }] })
    .sort({ updatedAt: -1, _id: -1 })
    .toArray();
  return threads.map((doc) => {
    const found = byThread.get(doc._id);
    return {
      thread: threadFromDoc(doc),
      participation: found
        ? participationFromDoc(found)
        : { threadId: doc._id, userId, joinedAt: doc.createdAt, lastReadSeq: 0 },
    };
  });
}

export async function getParticipation(
  c: Collections,
  participations: Collection<ParticipationDoc>,
  threadId: string,
  userId: string,
): Promise<Participation | undefined> {
  const doc = await participations.findOne({ _id: idOf(threadId, userId) });
  if (doc) return participationFromDoc(doc);
  const thread = await c.threads.findOne({ _id: threadId, participantIds: userId });
  return thread ? { threadId, userId, joinedAt: thread.createdAt, lastReadSeq: 0 } : undefined;
}

export async function markRead(
  c: Collections,
  participations: Collection<ParticipationDoc>,
  threadId: string,
  userId: string,
  seq: number,
): Promise<void> {
  const participation = await getParticipation(c, participations, threadId, userId);
  if (!participation) return;
  await participations.updateOne(
    { _id: idOf(threadId, userId) },
    {
      $max: { lastReadSeq: seq },
      $setOnInsert: {
        threadId,
        userId,
        joinedAt: participation.joinedAt,
        leftAt: participation.leftAt ?? null,
      },
    },
    { upsert: true },
  );
}

/**
 * Keep an organisation in one transaction: numbers it lists leave any other organisation's
 * record first, so the unique index on businessNumberIds holds.
 */
export async function putOrganisation(
  client: MongoClient,
  organisations: Collections['organisations'],
  org: Organisation,
  transaction: TransactionOptions,
): Promise<void> {
  const ids = org.businessNumbers.map((n) => n.phoneNumberId);
  const session = client.startSession();
  try {
    await session.withTransaction(async () => {
      await organisations.updateMany(
        { _id: { $ne: org.tenantId }, businessNumberIds: { $in: ids } },
        {
          $pull: {
            businessNumberIds: { $in: ids },
            'data.businessNumbers': { phoneNumberId: { $in: ids } },
          },
        },
        { session },
      );
      await organisations.replaceOne(
        { _id: org.tenantId },
        { businessNumberIds: ids, data: plain(org) },
        { upsert: true, session },
      );
    }, transaction);
  } finally {
    await session.endSession();
  }
}
