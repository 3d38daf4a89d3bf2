/**
 * gather (issue 11 item 2): Open on the hourly summary (hourly-summary.ts). Through the
 * application layer only: UserCommands.open makes the conversation current and checks the
 * user may reach it ("not found" otherwise, like every verb); the messages shown are read with
 * UserQueries and recorded as carried by the summary's activity with UserCommands.
 */
import type { Message, Thread } from '../core/types.js';
import type { AdaptiveCard } from './cards/index.js';
import { hourlySummaryCard } from './hourly-summary.js';
import type { BotServices, Turn } from './turn.js';

export async function openFromSummary(
  services: BotServices,
  turn: Turn,
  threadId: string,
): Promise<AdaptiveCard> {
  const { commands, queries, records } = services.app;
  const thread = await commands.open(turn, threadId);
  const activityId = turn.context.activity.replyToId;
  const conversationId = turn.context.activity.conversation.id;
  const waiting = await records.waitingFor(turn.user.id);
  const mine = waiting.find((w) => w.thread.id === thread.id);
  if (activityId && mine)
    for (const messageId of mine.messageIds)
      await commands.keepMessageCard(turn, { messageId, activityId, conversationId });

  // What the card carries now, by conversation, and what still waits.
  const carried = activityId ? await queries.messagesOfCard(turn, activityId) : [];
  const opened = new Map<string, { thread: Thread; messages: Message[] }>();
  for (const message of carried) {
    const entry = opened.get(message.threadId) ?? {
      thread:
        message.threadId === thread.id ? thread : await queries.thread(turn, message.threadId),
      messages: [],
    };
    entry.messages.push(message);
    opened.set(message.threadId, entry);
  }
  const still = waiting
    .filter((w) => !opened.has(w.thread.id))
    .map((w) => ({ thread: w.thread, count: w.messageIds.length }));
  return hourlySummaryCard(still, [...opened.values()], turn.user.id, turn.locale, services.media);
}
