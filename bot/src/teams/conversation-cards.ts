/**
 * release (issue 10): cards that show a conversation's state (the conversation card from
 * `info`, the opt-in card once confirmed, a group action's outcome) never keep saying
 * "Waiting for consent" after consent. Two ways, both:
 * - each such card carries an Adaptive Card `refresh` (Action.Execute `thread.refresh`) for
 *   the user who sees it, so Teams asks for its current look when it is shown again
 *   (card-actions.ts answers through the application layer's access checks);
 * - the latest one a user was shown per conversation is kept (`Store.putThreadCard`), and
 *   every notice about the conversation (each state change brings one) updates it in place.
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 */
import type { Activity, InvokeResponse, ResourceResponse } from 'botbuilder';
import type { Thread } from '../core/types.js';
import type { UserRecord } from '../core/records.js';
import { threadInfoCard, VERBS, type AdaptiveCard } from './cards/index.js';
import { conversationReferenceOf } from './teams-user.js';
import type { BotServices, Turn } from './turn.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The conversation a card shows the state of: from its refresh clause, else none. */
export function conversationOfCard(card: unknown): string | undefined {
  const refresh = (card as { refresh?: { action?: { verb?: unknown; data?: unknown } } } | null)
    ?.refresh;
  if (refresh?.action?.verb !== VERBS.refreshThread) return undefined;
  const threadId = (refresh.action.data as { threadId?: unknown } | undefined)?.threadId;
  return typeof threadId === 'string' && threadId !== '' ? threadId : undefined;
}

function cardOf(activity: Partial<Activity>): unknown {
  if (activity.type === 'invokeResponse')
    return (activity.value as InvokeResponse | undefined)?.body?.value;
  return activity.attachments?.find((a) => a.contentType === ADAPTIVE_CARD)?.content;
}

/**
 * Keep each conversation card this turn shows: a card sent (its new activity id), or the
 * card an Action.Execute answered with (it replaced the clicked card: the clicked activity).
 */
export function keepConversationCards(turn: Turn, services: BotServices): void {
  turn.context.onSendActivities(async (context, activities, next) => {
    const responses: ResourceResponse[] = await next();
    for (const [i, activity] of activities.entries()) {
      const threadId = conversationOfCard(cardOf(activity));
      const activityId =
        activity.type === 'invokeResponse' ? context.activity.replyToId : responses[i]?.id;
      const conversationId = context.activity.conversation?.id;
      if (!threadId || !activityId || !conversationId) continue;
      try {
        await services.app.commands.keepThreadCard(turn, { threadId, activityId, conversationId });
      } catch (error) {
        services.logger.warn(
          { err: error, userId: turn.user.id, threadId },
          'could not keep the conversation card; it still refreshes when viewed',
        );
      }
    }
    return responses;
  });
}

/** A card that Teams refreshes with `verb` for the user of this turn (their Teams id) when shown. */
export function refreshedFor(
  turn: Turn,
  card: AdaptiveCard,
  verb: string,
  data: Record<string, string> = {},
): AdaptiveCard {
  const viewer = turn.context.activity.from?.id;
  if (!viewer) return card;
  return {
    ...card,
    refresh: { action: { type: 'Action.Execute', verb, data }, userIds: [viewer] },
  };
}

/** The conversation card as a user sees it now, refreshing itself for them. */
export function conversationCardFor(thread: Thread, user: UserRecord, now: number): AdaptiveCard {
  const mri = conversationReferenceOf(user.conversationReference)?.user?.id;
  return threadInfoCard(
    { thread, viewerId: user.id, now, ...(mri ? { refreshFor: [mri] } : {}) },
    user.locale,
  );
}
