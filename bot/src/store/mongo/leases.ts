/**
 * The outbox and the timers in MongoDB, leased with findOneAndUpdate: the update is atomic on
 * one document, so of two instances claiming the same item exactly one matches. A lease is
 * held while now < leaseUntil.
 */
import type { Millis } from '../../core/types.js';
import type { OutboxItem, TimerItem } from '../port.js';
import type { Collections } from './collections.js';
import { outboxItemFromDoc, timerFromDoc, type OutboxDoc } from './documents.js';
import {
  claimCandidatesPipeline,
  dueTimerClaim,
  earlierEffectFilter,
  free,
} from './hot-queries.js';
import { DURABLE } from './write-concern.js';

export async function claimEffects(
  c: Collections,
  owner: string,
  now: Millis,
  leaseMs: Millis,
  limit: number,
): Promise<OutboxItem[]> {
  if (limit <= 0) return [];
  // Each thread's oldest unfinished effect, kept if it is due and free. Ask for a few more
  // than needed: another instance may take some of them first.
  const heads = await c.outbox.aggregate<OutboxDoc>(claimCandidatesPipeline(now, limit)).toArray();

  const claimed: OutboxItem[] = [];
  for (const head of heads) {
    if (claimed.length >= limit) break;
    // The aggregation is not a snapshot: it may have passed a thread's effect before its
    // transaction committed and seen a later one after. Seqs are given under the thread's
    // version check, so an earlier effect visible now can never appear later: check once.
    const earlier = await c.outbox.findOne(earlierEffectFilter(head.threadId, head.seq), {
      projection: { _id: 1 },
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
