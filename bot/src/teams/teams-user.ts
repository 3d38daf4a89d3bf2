/**
 * Who is talking to the bot, from a Bot Framework activity: the Entra user (aadObjectId), the
 * tenant, the Teams client's language, and, in personal chat, the conversation reference the
 * bot needs to write to them later (proactive messages).
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';

export interface TeamsIdentity {
  /** Entra object id; the Teams user id (29:…) where a client sends none (local tools). */
  readonly userId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly locale: string;
  /** Set in the user's personal chat with the bot, the only place the bot writes on its own. */
  readonly personalReference?: Partial<ConversationReference> | undefined;
}

/** The tenant local tools use when they send none. */
export const LOCAL_TENANT = 'local';

interface TeamsChannelData {
  readonly tenant?: { readonly id?: string };
}

export function identityOf(activity: Activity): TeamsIdentity {
  const channelData = (activity.channelData ?? {}) as TeamsChannelData;
  const tenantId = activity.conversation?.tenantId ?? channelData.tenant?.id ?? LOCAL_TENANT;
  const personal =
    activity.conversation?.conversationType === 'personal' ||
    activity.conversation?.conversationType === undefined;
  const reference = TurnContext.getConversationReference(activity);
  return {
    userId: activity.from?.aadObjectId || activity.from?.id || 'unknown',
    tenantId,
    name: activity.from?.name?.trim() || 'Teams user',
    locale: activity.locale ?? 'en-US',
    personalReference:
      personal && activity.serviceUrl ? { ...reference, activityId: undefined } : undefined,
  };
}

/** The stored reference, checked enough to write with: the connector's address and the chat. */
export function conversationReferenceOf(stored: unknown): ConversationReference | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const ref = stored as Partial<ConversationReference>;
  if (typeof ref.serviceUrl !== 'string' || typeof ref.conversation?.id !== 'string')
    return undefined;
  return ref as ConversationReference;
}
