/**
 * The outbox and the timers in MongoDB, leased with findOneAndUpdate: the update is atomic on
 * one document, so of two instances claiming the same item exactly one matches. A lease is
 * held while now < leaseUntil.
 */
import type { Millis } from '../../core/types.js';
import { laneOf, type Lane } from '../lanes.js';
import type { OutboxItem, TimerItem } from '../port.js';
import { DUE_ORDER, LANE_ORDER, type Collections } from './collections.js';
import { outboxItemFromDoc, timerFromDoc, type OutboxDoc } from './documents.js';
import { dueEffectsPage, dueTimerClaim, earlierEffectFilter, free } from './hot-queries.js';
import { DURABLE } from './write-concern.js';

/** How many due candidates one page of claimEffects reads, and how many pages at most. */
const PAGE = 64;
const MAX_PAGES = 16;

/**
 * Candidates come from an index-backed query over due effects (`due_order`: notBefore, _id),
 * read page by page until enough are claimed; each is kept only if it is the oldest
 * unfinished effect of its thread's lane (`lane_order`: threadId, effect.type, seq). No
 * grouping of the whole outbox, and no in-memory sort.
 */
export async function claimEffects(
  c: Collections,
  owner: string,
  now: Millis,
  leaseMs: Millis,
  limit: number,
  only?: Lane,
): Promise<OutboxItem[]> {
  if (limit <= 0) return [];
  const claimed: OutboxItem[] = [];
  const seen = new Set<string>();
  let after: { notBefore: number; _id: string } | undefined;
  for (let page = 0; page < MAX_PAGES && claimed.length < limit; page++) {
    const { filter, sort } = dueEffectsPage(now, after, only);
    const candidates = await c.outbox.find(filter).sort(sort).hint(DUE_ORDER).limit(PAGE).toArray();
    for (const head of candidates) {
      if (claimed.length >= limit) break;
      const lane = laneOf(head.effect);
      const laneKey = `${head.threadId}\u0000${lane}`;
      // One per lane per claim: a lane's later effect waits for its earlier one.
      if (seen.has(laneKey)) continue;
      seen.add(laneKey);
      // Seqs are given under the thread's version check, so an earlier effect of the lane
      // visible now can never appear later: one check is enough.
      const earlier = await c.outbox.findOne(earlierEffectFilter(head.threadId, lane, head.seq), {
        projection: { _id: 1 },
        hint: LANE_ORDER,
      });
      if (earlier) continue;
      const before = await c.outbox.findOneAndUpdate(
        { _id: head._id, notBefore: { $lte: now }, ...free(now) },
        { $set: { owner, leaseUntil: now + leaseMs } },
        { returnDocument: 'before', ...DURABLE },
      );
      // Still leased by someone whose lease ran out: they died before completing or retrying.
      if (before) claimed.push(outboxItemFromDoc(before, before.owner !== null));
    }
    if (candidates.length < PAGE) break;
    const last = candidates[candidates.length - 1] as OutboxDoc;
    after = { notBefore: last.notBefore, _id: last._id };
  }
  return claimed;
}

export async function completeEffect(c: Collections, id: string, owner: string): Promise<void> {
  await c.outbox.deleteOne({ _id: id, owner }, DURABLE);
}

export async function retryEffect(
  c: Collections,
  id: string,
  owner: string,
  notBefore: Millis,
  error: string,
): Promise<void> {
  await c.outbox.updateOne(
    { _id: id, owner },
    { $set: { owner: null, leaseUntil: null, notBefore, lastError: error }, $inc: { attempts: 1 } },
    DURABLE,
  );
}

/** Back to waiting until `notBefore`, without counting an attempt (Delivery under load). */
export async function deferEffect(
  c: Collections,
  id: string,
  owner: string,
  notBefore: Millis,
): Promise<void> {
  await c.outbox.updateOne(
    { _id: id, owner },
    { $set: { owner: null, leaseUntil: null, notBefore } },
    DURABLE,
  );
}

export async function countPendingEffects(c: Collections, threadId?: string): Promise<number> {
  return c.outbox.countDocuments(threadId === undefined ? {} : { threadId });
}

export async function claimDueTimers(
  c: Collections,
  owner: string,
  now: Millis,
  leaseMs: Millis,
  limit: number,
): Promise<TimerItem[]> {
  const claimed: TimerItem[] = [];
  while (claimed.length < limit) {
    const claim = dueTimerClaim(
      owner,
      now,
      leaseMs,
      claimed.map((t) => t.id),
    );
    const timer = await c.timers.findOneAndUpdate(claim.filter, claim.update, {
      sort: claim.sort,
      returnDocument: 'after',
      ...DURABLE,
    });
    if (!timer) break;
    claimed.push(timerFromDoc(timer));
  }
  return claimed;
}

export async function completeTimer(c: Collections, id: string, owner: string): Promise<void> {
  await c.timers.deleteOne({ _id: id, owner }, DURABLE);
}
