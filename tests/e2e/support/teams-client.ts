/**
 * A Teams user as the bot meets them: activities and invokes POSTed to /api/messages the way
 * Teams sends them (personal chat, msteams channel, the user's tenant and language), with the
 * serviceUrl of a recording Bot Connector where the bot's answers land.
 */
import type { CardMessage, RecordingBotConnector } from './bot-connector.js';

export interface TeamsUserOptions {
  readonly id: string;
  readonly name: string;
  readonly tenantId?: string;
  readonly locale?: string;
}

export interface InvokeAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

let sequence = 0;

export class TeamsUser {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
  readonly locale: string;
  readonly conversationId: string;

  constructor(
    private readonly productUrl: string,
    private readonly connector: RecordingBotConnector,
    options: TeamsUserOptions,
  ) {
    this.id = options.id;
    this.name = options.name;
    this.tenantId = options.tenantId ?? 'tenant-contoso';
    this.locale = options.locale ?? 'en-US';
    this.conversationId = `a:personal-${options.id}`;
  }

  /** The bot was added to the user's personal scope. */
  async install(): Promise<number> {
    return (await this.post({ type: 'installationUpdate', action: 'add' })).status;
  }

  /** Type a message (with attachments: pictures). Returns the HTTP status. */
  async say(
    text: string,
    attachments: readonly Record<string, unknown>[] = [],
    options: { id?: string } = {},
  ): Promise<number> {
    return (
      await this.post(
        { type: 'message', text, ...(attachments.length ? { attachments } : {}) },
        options.id,
      )
    ).status;
  }

  /** Click an Action.Execute button of a card (the card's activity id as replyToId). */
  async execute(
    verb: string,
    data: Record<string, unknown>,
    onCard?: string,
    options: { id?: string } = {},
  ): Promise<InvokeAnswer> {
    return this.post(
      {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        ...(onCard ? { replyToId: onCard } : {}),
      },
      options.id,
    );
  }

  /** The card an Action.Execute answered with. */
  static card(answer: InvokeAnswer): Record<string, unknown> {
    const body = answer.body as { type?: string; value?: Record<string, unknown> };
    if (body.type !== 'application/vnd.microsoft.card.adaptive' || !body.value)
      throw new Error(`not a card: ${JSON.stringify(answer.body)}`);
    return body.value;
  }

  /** An invoke of the compose extension (composeExtension/fetchTask, submitAction, query). */
  async composeExtension(
    name: 'fetchTask' | 'submitAction' | 'query',
    value: Record<string, unknown>,
  ): Promise<InvokeAnswer> {
    return this.post({ type: 'invoke', name: `composeExtension/${name}`, value });
  }

  /** What the user sees in their chat with the bot: each message with its card as last updated. */
  messages(): CardMessage[] {
    return this.connector.messages(this.conversationId);
  }

  last(): CardMessage {
    const all = this.messages();
    const last = all.at(-1);
    if (!last) throw new Error(`${this.name} has no messages from the bot`);
    return last;
  }

  /** The latest message whose card reads `text`. */
  find(text: string | RegExp): CardMessage | undefined {
    return this.messages()
      .filter((m) => (typeof text === 'string' ? m.text.includes(text) : text.test(m.text)))
      .at(-1);
  }

  /** Texts of every card the user got, oldest first. */
  texts(): string[] {
    return this.messages().map((m) => m.text);
  }

  activity(fields: Record<string, unknown>, id?: string): Record<string, unknown> {
    return {
      id: id ?? `${this.id}-activity-${++sequence}`,
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      locale: this.locale,
      from: { id: `29:${this.id}`, aadObjectId: this.id, name: this.name },
      recipient: { id: '28:wa4t-bot', name: 'WhatsApp for Teams' },
      conversation: {
        id: this.conversationId,
        conversationType: 'personal',
        tenantId: this.tenantId,
      },
      channelData: { tenant: { id: this.tenantId } },
      ...fields,
    };
  }

  async post(fields: Record<string, unknown>, id?: string): Promise<InvokeAnswer> {
    const response = await fetch(`${this.productUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.activity(fields, id)),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }
}
