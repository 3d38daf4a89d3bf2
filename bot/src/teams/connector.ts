/**
 * The parts of the Bot Connector client the bot uses, typed here (botframework-connector is
 * botbuilder's, not ours), and how to reach it from a turn.
 * REST reference: https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
 */
import type { Activity, TurnContext } from 'botbuilder';

export interface ConnectorClientLike {
  readonly conversations: {
    /** POST /v3/conversations/{conversationId}/activities */
    sendToConversation(
      conversationId: string,
      activity: Partial<Activity>,
    ): Promise<{ id?: string }>;
    /** PUT /v3/conversations/{conversationId}/activities/{activityId} */
    updateActivity(
      conversationId: string,
      activityId: string,
      activity: Partial<Activity>,
    ): Promise<unknown>;
  };
  /** The app's credentials (absent or empty in local mode). */
  readonly credentials?: { getToken?(forceRefresh?: boolean): Promise<string> };
  /** The @azure/core-client pipeline under the compat layer. */
  readonly client?: { readonly pipeline?: { removePolicy(options: { phase: string }): unknown } };
}

export function connectorOf(context: TurnContext): ConnectorClientLike {
  const client = context.turnState.get(context.adapter.ConnectorClientKey) as
    ConnectorClientLike | undefined;
  if (!client) throw new Error('no Bot Connector client in this turn');
  return client;
}

/**
 * The client's own retries (up to 3, with Retry-After and exponential waits) would hold the
 * outbox for seconds, even minutes; for proactive sends the outbox retries instead, after the
 * wait Teams asks for, without blocking other threads.
 */
export function withoutRetries(client: ConnectorClientLike): ConnectorClientLike {
  client.client?.pipeline?.removePolicy({ phase: 'Retry' });
  return client;
}
