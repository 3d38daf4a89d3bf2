/**
 * Turns parsed webhook items into the app's events: inbound messages (pictures downloaded at
 * once, since WhatsApp's media links expire) and statuses (errors mapped to reasons).
 * Everything is committed before the webhook is answered 200.
 */
import type { Logger } from 'pino';
import { contactIdFor, type Conversations, type InboundMessage } from '../app/conversations.js';
import type { InboundContent } from '../core/types.js';
import type { Store } from '../store/port.js';
import type { CloudApiClient } from './cloud-api-client.js';
import { failureForCodes } from './error-catalogue.js';
import type { InboundMessageItem, StatusItem, WebhookItem } from './webhook.js';

export interface WebhookEventsOptions {
  readonly conversations: Conversations;
  readonly store: Pick<Store, 'putMedia'>;
  readonly clientFor: (
    businessNumberId: string,
  ) => Promise<CloudApiClient | undefined> | CloudApiClient | undefined;
  readonly logger: Logger;
}

export interface HandledItems {
  readonly applied: number;
  readonly repeated: number;
  readonly skipped: number;
}

export class WebhookEvents {
  constructor(private readonly o: WebhookEventsOptions) {}

  /** Applies every item in order; throws (→ 5xx, WhatsApp redelivers) if one cannot be kept. */
  async handle(items: readonly WebhookItem[]): Promise<HandledItems> {
    let applied = 0;
    let repeated = 0;
    let skipped = 0;
    for (const item of items) {
      const client = await this.o.clientFor(item.phoneNumberId);
      if (!client) {
        this.o.logger.warn(
          { phoneNumberId: item.phoneNumberId },
          'webhook for a business number this app does not serve; skipped',
        );
        skipped++;
        continue;
      }
      let done: boolean;
      switch (item.kind) {
        case 'message':
          done = await this.message(item, client);
          break;
        case 'status':
          done = await this.status(item);
          break;
        case 'error':
          // About the number or the app (e.g. 130429), not one message: for operators.
          this.o.logger.warn(
            { phoneNumberId: item.phoneNumberId, code: item.error.code, title: item.error.title },
            'WhatsApp reported an error for the business number',
          );
          done = true;
          break;
      }
      if (done) applied++;
      else repeated++;
    }
    return { applied, repeated, skipped };
  }

  private async message(item: InboundMessageItem, client: CloudApiClient): Promise<boolean> {
    const content = await this.content(item, client);
    const message: InboundMessage = {
      businessNumberId: item.phoneNumberId,
      waMessageId: item.waMessageId,
      from: item.from,
      profileName: item.contactName,
      sentAt: item.sentAt,
      content,
    };
    return this.o.conversations.receive(message);
  }

  private async content(item: InboundMessageItem, client: CloudApiClient): Promise<InboundContent> {
    const c = item.content;
    switch (c.type) {
      case 'text':
        return { type: 'text', text: c.text };
      case 'button':
      case 'interactive': {
        const text = c.type === 'button' ? c.text : c.title;
        return c.button === 'unknown'
          ? { type: 'text', text }
          : { type: 'button', button: c.button, text };
      }
      case 'image': {
        const downloaded = await client.downloadMedia(c.mediaId);
        const media = await this.o.store.putMedia(downloaded.bytes, downloaded.mimeType, c.caption);
        return { type: 'image', media };
      }
      case 'other':
        return { type: 'other', description: c.messageType };
    }
  }

  private async status(item: StatusItem): Promise<boolean> {
    return this.o.conversations.report({
      waMessageId: item.waMessageId,
      messageId: item.callbackData,
      status: item.status,
      at: item.at,
      failure:
        item.status === 'failed' ? failureForCodes(item.errors.map((e) => e.code)) : undefined,
      // recipient_id is the contact's wa_id: whose queue this status waits in.
      contactId: item.recipientId ? contactIdFor(item.phoneNumberId, item.recipientId) : undefined,
    });
  }
}
