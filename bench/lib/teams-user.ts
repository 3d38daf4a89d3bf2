/**
 * A Teams user as the Bot Connector presents them to the bot: activities posted to
 * /api/messages (anonymous, as in local use), answered through the connector stand-in.
 */
let sequence = 0;

export class BenchTeamsUser {
  readonly conversationId: string;
  constructor(
    private readonly productUrl: string,
    private readonly connectorUrl: string,
    readonly id: string,
    readonly name: string,
    readonly tenantId = 'tenant-bench',
  ) {
    this.conversationId = `a:personal-${id}`;
  }

  /** Type a message in the personal chat. */
  say(text: string): Promise<number> {
    return this.post({ type: 'message', text });
  }

  /** Click a card's Action.Execute button. */
  execute(verb: string, data: Record<string, unknown>): Promise<number> {
    return this.post({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
  }

  private async post(fields: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${this.productUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: `${this.id}-bench-${++sequence}`,
        channelId: 'msteams',
        serviceUrl: this.connectorUrl,
        timestamp: new Date().toISOString(),
        locale: 'en-US',
        from: { id: `29:${this.id}`, aadObjectId: this.id, name: this.name },
        recipient: { id: '28:wa4t-bot', name: 'WhatsApp for Teams' },
        conversation: {
          id: this.conversationId,
          conversationType: 'personal',
          tenantId: this.tenantId,
        },
        channelData: { tenant: { id: this.tenantId } },
        ...fields,
      }),
    });
    await res.arrayBuffer();
    return res.status;
  }
}
