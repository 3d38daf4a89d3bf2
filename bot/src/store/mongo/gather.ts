/**
 * gather (issue 11 item 2): what a gathered card needs from MongoDB: the messages one card
 * carries (several messages may map to one activity; index message_cards by_activity), and
 * the thread's Teams effects still waiting behind the one being delivered, in order (the
 * outbox's lane_order index: threadId, effect.type, seq).
 */
import type { MessageCard } from '../../core/records.js';
import { laneTypes } from '../lanes.js';
import type { OutboxItem } from '../port.js';
import { LANE_ORDER, type Collections } from './collections.js';
import { outboxItemFromDoc } from './documents.js';

export async function listMessageCardsByActivity(
  c: Collections,
  userId: string,
  activityId: string,
): Promise<MessageCard[]> {
  const docs = await c.messageCards.find({ userId, activityId }).toArray();
  return docs.map((doc) => ({
    messageId: doc.messageId,
    userId: doc.userId,
    activityId: doc.activityId,
    conversationId: doc.conversationId,
  }));
}

export async function listWaitingTeamsEffects(
  c: Collections,
  threadId: string,
  afterSeq: number,
  limit: number,
): Promise<OutboxItem[]> {
  const docs = await c.outbox
    .find({ threadId, 'effect.type': { $in: [...laneTypes('teams')] }, seq: { $gt: afterSeq } })
    .sort({ seq: 1 })
    .hint(LANE_ORDER)
    .limit(limit)
    .toArray();
  return docs.map((doc) => outboxItemFromDoc(doc, false));
}

/**
 * Messages waiting in the outbox to be shown to a user, any thread, oldest first: read when a
 * chat reaches Teams' hourly limit (at most once an hour per user).
 */
export async function listMessagesWaitingFor(
  c: Collections,
  userId: string,
  limit: number,
): Promise<{ threadId: string; messageId: string }[]> {
  const docs = await c.outbox
    .find({ 'effect.type': { $in: ['deliver_inbound', 'share_outbound'] }, 'effect.to': userId })
    .sort({ createdAt: 1, threadId: 1, seq: 1 })
    .limit(limit)
    .toArray();
  return docs.flatMap((doc) =>
    'messageId' in doc.effect ? [{ threadId: doc.threadId, messageId: doc.effect.messageId }] : [],
  );
}
