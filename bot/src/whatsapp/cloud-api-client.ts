/**
 * The WhatsApp Cloud API client for one business number: send text, pictures and our three
 * templates, and download what contacts send. Built to Meta's OpenAPI
 * (facebook/openapi business-messaging-api_v23.0.yaml); tests validate every body against it.
 *
 * It only makes calls (HTTP in graph-transport.ts): when to send, pacing (send-pacer.ts) and
 * retries (error-catalogue.ts) are the dispatcher's.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MediaRejectedError } from './errors.js';
import { GraphTransport, type CloudApiLogger } from './graph-transport.js';
import {
  checkOutboundDocument,
  checkOutboundImage,
  IMAGE_MAX_BYTES,
  baseMimeType,
} from './media-rules.js';
import {
  documentMessage,
  imageMessage,
  templateMessage,
  textMessage,
  type OutboundMessage,
  type SendTarget,
} from './message-payloads.js';
import {
  DEFAULT_TEMPLATES,
  templateComponents,
  type TemplateSend,
  type TemplatesConfig,
} from './templates.js';

export type { CloudApiLogger } from './graph-transport.js';

export interface CloudApiClientOptions {
  /** WHATSAPP_API_URL, e.g. https://graph.facebook.com (or the sandbox). */
  readonly baseUrl: string;
  /** Graph API version, e.g. "v23.0": pinned, upgraded on purpose. */
  readonly apiVersion?: string;
  /** The business number (Cloud API phone_number_id). */
  readonly phoneNumberId: string;
  /**
   * A System User token with whatsapp_business_messaging
   * (https://developers.facebook.com/documentation/business-messaging/whatsapp/permissions/).
   */
  readonly accessToken: string;
  /** Approved template names and languages; defaults to DEFAULT_TEMPLATES. */
  readonly templates?: Partial<TemplatesConfig>;
  readonly fetch?: typeof globalThis.fetch;
  /** Per request, body included. Default 15 s. */
  readonly timeoutMs?: number;
  readonly logger?: CloudApiLogger;
}

/** A message WhatsApp accepted: its wamid. Delivery (or failure) comes later by webhook. */
export interface SentMessage {
  readonly wamid: string;
  /** `accepted`, or for marketing templates `held_for_quality_assessment` / `paused`. */
  readonly messageStatus?: 'accepted' | 'held_for_quality_assessment' | 'paused' | undefined;
}

export interface OutboundPicture {
  readonly bytes: Uint8Array;
  /** What the attachment claims; the bytes decide (media-rules.ts). */
  readonly mimeType: string;
  readonly caption?: string | undefined;
  readonly filename?: string | undefined;
}

export interface DownloadedMedia {
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly size: number;
  /** Base64 SHA-256 of the bytes we received. */
  readonly sha256: string;
  /**
   * The sha256 WhatsApp announced, if any (its exact input is unconfirmed,
   * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
   */
  readonly declaredSha256?: string | undefined;
}

/**
 * Send response. OpenAPI: components/schemas/MessageResponsePayload.
 */
const acceptedMessage = z.object({
  id: z.string().min(1),
  message_status: z.enum(['accepted', 'held_for_quality_assessment', 'paused']).optional(),
});
const sendResponse = z.object({ messages: z.tuple([acceptedMessage]).rest(acceptedMessage) });

/** Upload response. OpenAPI: POST /{Version}/{Phone-Number-ID}/media (uploadImage). */
const uploadResponse = z.object({ id: z.string().min(1) });

/**
 * Media metadata. OpenAPI: GET /{Version}/{Media-ID} (retrieveMediaUrl);
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/.
 * `file_size` is a string of digits in the spec's example, a number in some captures.
 */
const mediaInfo = z.object({
  url: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  file_size: z.union([z.string(), z.number()]).optional(),
  id: z.string().optional(),
});

export class CloudApiClient {
  readonly phoneNumberId: string;
  readonly templates: TemplatesConfig;
  readonly #http: GraphTransport;

  constructor(options: CloudApiClientOptions) {
    this.phoneNumberId = options.phoneNumberId;
    this.templates = { ...DEFAULT_TEMPLATES, ...options.templates };
    this.#http = new GraphTransport({ ...options, apiVersion: options.apiVersion ?? 'v23.0' });
  }

  /** Keep the token out of util.inspect / console.log of the client. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `CloudApiClient { phoneNumberId: '${this.phoneNumberId}' }`;
  }

  toJSON(): object {
    return { phoneNumberId: this.phoneNumberId };
  }

  /**
   * A text message (inside the customer-service window only,
   * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
   */
  async sendText(target: SendTarget, body: string): Promise<SentMessage> {
    return this.#send(textMessage(target, body));
  }

  /**
   * A picture: checked (JPEG/PNG, ≤ 5 MB), uploaded, then sent by media id with its caption.
   * Uploading rather than linking, since Teams files need authentication Meta does not have
   * (OpenAPI ImageMessage).
   */
  async sendPicture(
    target: SendTarget,
    picture: OutboundPicture,
    beforeSend?: () => Promise<void>,
  ): Promise<SentMessage & { mediaId: string }> {
    const mediaId = await this.uploadPicture(picture);
    // The message, not the upload, counts against the number's throughput: its slot is
    // waited for here, after the upload (issue 11 item 8).
    await beforeSend?.();
    const sent = await this.sendImageById(target, mediaId, picture.caption);
    return { ...sent, mediaId };
  }

  /**
   * Uploads a picture and returns its media id (valid 30 days,
   * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
   */
  async uploadPicture(
    picture: Pick<OutboundPicture, 'bytes' | 'mimeType' | 'filename'>,
  ): Promise<string> {
    const mimeType = checkOutboundImage(picture.bytes, picture.mimeType);
    // multipart/form-data: file, type, messaging_product (OpenAPI uploadImage;
    // https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mimeType);
    const name = picture.filename ?? (mimeType === 'image/png' ? 'picture.png' : 'picture.jpg');
    form.append('file', new Blob([picture.bytes], { type: mimeType }), name);
    const response = await this.#http.call({
      operation: 'upload',
      method: 'POST',
      url: this.#http.url(`${this.phoneNumberId}/media`),
      body: form,
    });
    return (await this.#http.json(response, uploadResponse, 'upload')).id;
  }

  /**
   * A document (PDF, Office, text; ≤ 100 MB): checked, uploaded, then sent by media id with
   * the file name the contact's phone shows and an optional caption.
   */
  async sendDocument(
    target: SendTarget,
    document: { bytes: Uint8Array; filename: string; caption?: string | undefined },
    beforeSend?: () => Promise<void>,
  ): Promise<SentMessage & { mediaId: string }> {
    const mimeType = checkOutboundDocument(document.bytes, document.filename);
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mimeType);
    form.append('file', new Blob([document.bytes], { type: mimeType }), document.filename);
    const response = await this.#http.call({
      operation: 'upload',
      method: 'POST',
      url: this.#http.url(`${this.phoneNumberId}/media`),
      body: form,
    });
    const mediaId = (await this.#http.json(response, uploadResponse, 'upload')).id;
    await beforeSend?.();
    const sent = await this.#send(
      documentMessage(target, mediaId, document.filename, document.caption),
    );
    return { ...sent, mediaId };
  }

  /** A picture already uploaded (or received) by media id. */
  async sendImageById(target: SendTarget, mediaId: string, caption?: string): Promise<SentMessage> {
    return this.#send(imageMessage(target, mediaId, caption));
  }

  /**
   * One of our templates (the only messages allowed outside the window,
   * https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates). Its
   * buttons carry `wa4t:<action>:<callbackData>` (templates.ts). `language` overrides the
   * configured one, e.g. for a contact's language.
   */
  async sendTemplate(
    target: SendTarget,
    send: TemplateSend,
    language?: string,
  ): Promise<SentMessage> {
    const configured = this.templates[send.template];
    const config = language ? { ...configured, language } : configured;
    return this.#send(
      templateMessage(target, config, templateComponents(send, target.callbackData)),
    );
  }

  /**
   * Downloads media a contact sent: GET /{media-id} for a short-lived URL (5 minutes), then
   * GET that URL with the same token
   * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
   * Refuses anything over `maxBytes` (default
   * the 5 MB picture limit) without reading it all.
   */
  async downloadMedia(
    mediaId: string,
    options: { maxBytes?: number } = {},
  ): Promise<DownloadedMedia> {
    const maxBytes = options.maxBytes ?? IMAGE_MAX_BYTES;
    // phone_number_id: Graph checks the media belongs to our number (OpenAPI retrieveMediaUrl).
    const infoUrl = this.#http.url(
      `${encodeURIComponent(mediaId)}?phone_number_id=${encodeURIComponent(this.phoneNumberId)}`,
    );
    const info = await this.#http.json(
      await this.#http.call({ operation: 'media_info', method: 'GET', url: infoUrl }),
      mediaInfo,
      'media_info',
    );
    const announced = info.file_size === undefined ? undefined : Number(info.file_size);
    if (announced !== undefined && announced > maxBytes) {
      throw new MediaRejectedError(
        'too_large',
        `media ${mediaId} is ${announced} bytes; the limit is ${maxBytes}`,
      );
    }
    const url = this.#http.mediaUrl(info.url);
    const response = await this.#http.call({ operation: 'media_download', method: 'GET', url });
    const bytes = await this.#http.readLimited(response, maxBytes, mediaId);
    const mimeType =
      baseMimeType(info.mime_type ?? response.headers.get('content-type') ?? '') ||
      'application/octet-stream';
    return {
      bytes,
      mimeType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      declaredSha256: info.sha256,
    };
  }

  // -----------------------------------------------------------------------------------------

  async #send(message: OutboundMessage): Promise<SentMessage> {
    const response = await this.#http.call({
      operation: 'send',
      method: 'POST',
      url: this.#http.url(`${this.phoneNumberId}/messages`),
      body: JSON.stringify(message),
    });
    const [sent] = (await this.#http.json(response, sendResponse, 'send')).messages;
    return { wamid: sent.id, messageStatus: sent.message_status };
  }
}
