/**
 * Turns parsed webhook items into the app's events: inbound messages (media downloaded at
 * once, since WhatsApp's media ids expire) and statuses (errors mapped to reasons).
 * Everything is committed before the webhook is answered 200.
 *
 * Media once: a message already taken in is recognised before its media is downloaded, the
 * same message arriving twice at once shares one download in this process, and the store
 * keeps media by the WhatsApp message id, so instances racing still keep one copy.
 * Media WhatsApp says no longer exists (a permanent error) is kept as a message saying so, and
 * the webhook is answered 200; only a transient failure (5xx, WhatsApp delivers again) is not.
 */
import type { Logger } from 'pino';
import { contactIdFor, type Conversations, type InboundMessage } from '../app/conversations.js';
import type { InboundContent, MediaKind } from '../core/types.js';
import type { Store } from '../store/port.js';
import type { CloudApiClient, DownloadedMedia } from './cloud-api-client.js';
import { failureForCodes, policyForError } from './error-catalogue.js';
import { MediaRejectedError, WhatsAppApiError } from './errors.js';
import { MEDIA_MAX_BYTES } from './media-rules.js';
import type { InboundMessageItem, StatusItem, WebhookItem } from './webhook.js';

export interface WebhookEventsOptions {
  readonly conversations: Conversations;
  readonly store: Pick<Store, 'putMedia' | 'hasHandledEvent'>;
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
  /** Messages being taken in now, by wamid: a second delivery meanwhile waits for the first. */
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(private readonly options: WebhookEventsOptions) {}

  /** Applies every item in order; throws (→ 5xx, WhatsApp redelivers) if one cannot be kept. */
  async handle(items: readonly WebhookItem[]): Promise<HandledItems> {
    let applied = 0;
    let repeated = 0;
    let skipped = 0;
    for (const item of items) {
      const client = await this.options.clientFor(item.phoneNumberId);
      if (!client) {
        this.options.logger.warn(
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
          this.options.logger.warn(
            {
              phoneNumberId: item.phoneNumberId,
              graphCode: item.error.graphCode,
              title: item.error.title,
            },
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
    const running = this.inFlight.get(item.waMessageId);
    if (running) {
      // The same message delivered twice at once: one download; the second is a repeat unless
      // the first failed (then it tries again itself).
      const first = await running.catch(() => undefined);
      if (first !== undefined) return false;
    }
    const taking = this.takeIn(item, client);
    this.inFlight.set(item.waMessageId, taking);
    try {
      return await taking;
    } finally {
      if (this.inFlight.get(item.waMessageId) === taking) this.inFlight.delete(item.waMessageId);
    }
  }

  private async takeIn(item: InboundMessageItem, client: CloudApiClient): Promise<boolean> {
    // A redelivery is recognised before anything is downloaded.
    if (await this.options.store.hasHandledEvent(item.idempotencyKey)) return false;
    const content = await this.content(item, client);
    const message: InboundMessage = {
      businessNumberId: item.phoneNumberId,
      waMessageId: item.waMessageId,
      from: item.from,
      profileName: item.contactName,
      sentAt: item.sentAt,
      content,
    };
    return this.options.conversations.receive(message);
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
      case 'image':
      case 'media': {
        const kind: MediaKind = c.type === 'image' ? 'image' : c.kind;
        const filename = c.type === 'media' ? c.filename : undefined;
        const downloaded = await this.download(client, c.mediaId, kind, item);
        if (!downloaded) return { type: 'media_gone', kind, caption: c.caption, filename };
        const media = await this.options.store.putMedia(
          downloaded.bytes,
          downloaded.mimeType,
          c.caption,
          {
            key: item.waMessageId,
            filename,
          },
        );
        return c.type === 'image'
          ? { type: 'image', media }
          : { type: 'media', kind: c.kind, media };
      }
      case 'location':
        return { type: 'location', location: c.location };
      case 'other':
        return { type: 'other', description: c.messageType };
    }
  }

  /** The media's bytes, or undefined when WhatsApp says it no longer exists (permanent). */
  private async download(
    client: CloudApiClient,
    mediaId: string,
    kind: MediaKind,
    item: InboundMessageItem,
  ): Promise<DownloadedMedia | undefined> {
    try {
      return await client.downloadMedia(mediaId, { maxBytes: MEDIA_MAX_BYTES[kind] });
    } catch (error) {
      if (!isMediaGone(error)) throw error;
      this.options.logger.warn(
        {
          waMessageId: item.waMessageId,
          kind,
          graphCode: error instanceof WhatsAppApiError ? error.graphCode : undefined,
          reason: error instanceof MediaRejectedError ? error.rejection : undefined,
        },
        'media the contact sent could not be downloaded for good; kept as a message saying so',
      );
      return undefined;
    }
  }

  private async status(item: StatusItem): Promise<boolean> {
    return this.options.conversations.report({
      waMessageId: item.waMessageId,
      messageId: item.callbackData,
      status: item.status,
      at: item.at,
      failure:
        item.status === 'failed' ? failureForCodes(item.errors.map((e) => e.graphCode)) : undefined,
      // recipient_id is the contact's wa_id: whose queue this status waits in.
      contactId: item.recipientId ? contactIdFor(item.phoneNumberId, item.recipientId) : undefined,
    });
  }
}

/**
 * Whether a download failed for good: WhatsApp refused the media id (it expired, was deleted,
 * never belonged to this number: a 4xx it will answer again) or the file is over WhatsApp's own
 * limit. Not a token or permission problem (an administrator fixes it, then the redelivery
 * works), nor anything transient: those answer 5xx so WhatsApp delivers again.
 */
export function isMediaGone(error: unknown): boolean {
  if (error instanceof MediaRejectedError) return true;
  if (!(error instanceof WhatsAppApiError)) return false;
  if (error.httpStatus < 400 || error.httpStatus >= 500) return false;
  const policy = policyForError(error);
  return !policy.retryable && !policy.needsAdmin;
}
