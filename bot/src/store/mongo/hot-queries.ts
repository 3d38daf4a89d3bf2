/**
 * The hot queries' filters, sorts and pipelines (port.ts, HOT_QUERIES), shared by the store
 * that runs them and by explainQuery (query-plans.ts), which asks the server how it plans
 * exactly these.
 */
import type { Document, Filter, Sort } from 'mongodb';
import { laneTypes, WHATSAPP_EFFECT_TYPES, type Lane } from '../lanes.js';
import type { Millis } from '../../core/types.js';
import type { MessageRange } from '../port.js';
import type { MessageDoc, OutboxDoc, ThreadDoc, TimerDoc } from './documents.js';

/**
 * A message by its WhatsApp id. The unique index is partial on `{ $type: 'string' }`, and the
 * planner uses a partial index only for a query that implies its filter: the `$type` clause is
 * repeated here, so every lookup goes through the index instead of scanning `messages`.
 */
export function waMessageIdIs(waMessageId: string): Filter<MessageDoc> {
  return { waMessageId: { $eq: waMessageId, $type: 'string' } };
}

/** A user's threads, most recently changed first (index by_participant_recent). */
export function threadsForUser(userId: string): { filter: Filter<ThreadDoc>; sort: Sort } {
  return { filter: { participantIds: userId }, sort: { updatedAt: -1, _id: -1 } };
}

/** A thread's messages in order (index by_thread_seq). */
export function messagesOfThread(threadId: string): { filter: Filter<MessageDoc>; sort: Sort } {
  return { filter: { threadId }, sort: { seq: 1, _id: 1 } };
}

/** Not leased, or leased by someone whose lease ran out. `null` also matches a missing field. */
export function free(now: Millis): Filter<OutboxDoc> & Filter<TimerDoc> {
  return { $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }] };
}

/**
 * One page of claimEffects' candidates: due, free effects in (notBefore, _id) order, after the
 * last one the previous page read (index due_order). Nothing groups the whole outbox.
 */
export function dueEffectsPage(
  now: Millis,
  after?: { notBefore: number; _id: string },
  lane?: Lane,
): { filter: Filter<OutboxDoc>; sort: Sort } {
  const due: Filter<OutboxDoc> = { notBefore: { $lte: now }, ...free(now), ...laneFilter(lane) };
  const filter: Filter<OutboxDoc> = after
    ? {
        $and: [
          due,
          {
            $or: [
              { notBefore: { $gt: after.notBefore } },
              { notBefore: after.notBefore, _id: { $gt: after._id } },
            ],
          },
        ],
      }
    : due;
  return { filter, sort: { notBefore: 1, _id: 1 } };
}

/**
 * replycpu (issue 11): one lane's effects, as laneOf tells them (every type but a WhatsApp
 * send is the Teams lane's).
 */
function laneFilter(lane: Lane | undefined): Filter<OutboxDoc> {
  if (lane === undefined) return {};
  const types = [...WHATSAPP_EFFECT_TYPES];
  return { 'effect.type': lane === 'whatsapp' ? { $in: types } : { $nin: types } };
}

/** An effect of the same thread's lane before this one (claimEffects' check; index lane_order). */
export function earlierEffectFilter(threadId: string, lane: Lane, seq: number): Filter<OutboxDoc> {
  return { threadId, 'effect.type': { $in: [...laneTypes(lane)] }, seq: { $lt: seq } };
}

/** The next due, free timer, leased to `owner` in the same step (index due_order). */
export function dueTimerClaim(
  owner: string,
  now: Millis,
  leaseMs: Millis,
  claimed: readonly string[],
): { filter: Filter<TimerDoc>; sort: Sort; update: Document } {
  return {
    // Not one this loop took already (with leaseMs 0 it would look free again).
    filter: { at: { $lte: now }, _id: { $nin: [...claimed] }, ...free(now) },
    sort: { at: 1, _id: 1 },
    update: { $set: { owner, leaseUntil: now + leaseMs } },
  };
}

/**
 * A page of the CDR (index by_time). The index range starts at the last row read, not at the
 * start of the period: the `$or` alone would leave its bounds at `from` on every page.
 */
export function cdrPipeline(range: MessageRange, threadsCollection: string): Document[] {
  const { after } = range;
  const start = after ? Math.max(range.from, after.createdAt) : range.from;
  const match: Filter<MessageDoc>[] = [{ 'data.createdAt': { $gte: start, $lt: range.to } }];
  if (after !== undefined) {
    match.push({
      $or: [
        { 'data.createdAt': { $gt: after.createdAt } },
        { 'data.createdAt': after.createdAt, threadId: { $gt: after.threadId } },
        { 'data.createdAt': after.createdAt, threadId: after.threadId, seq: { $gt: after.seq } },
      ],
    });
  }
  // Messages do not carry their business number: it is their thread's, joined in. The
  // range scan walks every number's messages in it, which suits an occasional export.
  return [
    { $match: { $and: match } },
    { $sort: { 'data.createdAt': 1, threadId: 1, seq: 1 } },
    {
      $lookup: {
        from: threadsCollection,
        localField: 'threadId',
        foreignField: '_id',
        as: 'thread',
      },
    },
    // Exactly one thread per message; the SQLite store's inner join drops orphans too.
    { $unwind: '$thread' },
    ...(range.businessNumberId !== undefined
      ? [{ $match: { 'thread.businessNumberId': range.businessNumberId } }]
      : []),
    { $limit: range.limit },
    {
      $project: {
        data: 1,
        possiblyDuplicate: 1,
        'thread.businessNumberId': 1,
        'thread.data.contact': 1,
      },
    },
  ];
}
