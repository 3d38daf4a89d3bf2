/**
 * Pending queues that scale (issue 11 item 4), as the SQLite store keeps them: a held
 * message carries `held: true` (indexed with its thread and seq), and the thread only counts
 * them. Holding one more message writes that message and the count, whatever the queue's
 * length; only a release or a cancellation touches the whole queue, once.
 */
import type { ClientSession } from 'mongodb';
import type { Effect, Message } from '../../core/types.js';
import type { Collections } from './collections.js';
import { messageFromDoc } from './documents.js';

/** The partial index that finds a thread's held messages in order. */
export const HELD_INDEX = {
  // Its own key pattern (not by_thread_seq's), which every server version accepts.
  key: { threadId: 1, held: 1, seq: 1 },
  name: 'held_by_thread',
  partialFilterExpression: { held: true },
} as const;

/** A thread's held messages, in the order written. */
export async function heldMessages(c: Collections, threadId: string): Promise<Message[]> {
  const docs = await c.messages.find({ threadId, held: true }).sort({ seq: 1 }).toArray();
  return docs.map(messageFromDoc);
}

/**
 * Each release_pending effect, in its place, becomes one send per held message of its
 * thread (in seq order), and those messages leave the queue. Run after the transition's
 * messages are written, inside its transaction.
 */
export async function expandReleases(
  c: Collections,
  session: ClientSession,
  effects: readonly Effect[],
): Promise<readonly Effect[]> {
  if (!effects.some((e) => e.type === 'release_pending')) return effects;
  const out: Effect[] = [];
  for (const effect of effects) {
    if (effect.type !== 'release_pending') {
      out.push(effect);
      continue;
    }
    const held = await c.messages
      .find({ threadId: effect.threadId, held: true }, { session, projection: { _id: 1 } })
      .sort({ seq: 1 })
      .toArray();
    await c.messages.updateMany(
      { threadId: effect.threadId, held: true },
      { $unset: { held: '', 'data.held': '' } },
      { session },
    );
    for (const { _id } of held) {
      out.push({ type: 'send_to_contact', threadId: effect.threadId, messageId: _id });
    }
  }
  return out;
}

/**
 * Threads written before the queue moved to the messages list their held ids in
 * `data.pending`: flag those messages and keep only the count. Idempotent; run at connect.
 */
export async function upgradePendingLists(c: Collections): Promise<void> {
  const old = c.threads.find(
    { 'data.pending': { $type: 'array' } },
    { projection: { _id: 1, 'data.pending': 1 } },
  );
  for await (const doc of old) {
    const ids = (doc.data as unknown as { pending: string[] }).pending;
    if (ids.length > 0) {
      await c.messages.updateMany(
        { _id: { $in: ids } },
        { $set: { held: true, 'data.held': true } },
      );
    }
    await c.threads.updateOne(
      { _id: doc._id, 'data.pending': { $type: 'array' } },
      { $set: { 'data.pendingCount': ids.length }, $unset: { 'data.pending': '' } },
    );
  }
}
