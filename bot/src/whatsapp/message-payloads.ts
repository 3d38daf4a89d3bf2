/**
 * The JSON bodies we POST to /{version}/{phone-number-id}/messages. Pure builders, so the tests
 * can check each against Meta's OpenAPI schema for the operation.
 */
import type { TemplateConfig, TemplateComponent } from './templates.js';

/** `biz_opaque_callback_data` is at most 512 characters (Meta's Messages reference). */
export const CALLBACK_DATA_MAX = 512;

/** Who and what a send is for: the contact, and our own message id echoed in status webhooks. */
export interface SendTarget {
  /** The contact's WhatsApp number (E.164, with or without '+'). */
  readonly to: string;
  /** Our message id: comes back as `statuses[].biz_opaque_callback_data`. */
  readonly callbackData: string;
  /** The wamid of an inbound message to quote, if this answers it. */
  readonly replyTo?: string | undefined;
}

/**
 * Properties every message send carries.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * OpenAPI: POST /{Version}/{Phone-Number-ID}/messages (sendMessage), BaseMessageProperties.
 */
interface OutboundBase {
  readonly messaging_product: 'whatsapp';
  readonly recipient_type: 'individual';
  readonly to: string;
  readonly biz_opaque_callback_data: string;
  readonly context?: { readonly message_id: string };
}

/** OpenAPI: components/schemas/TextMessage. */
export interface OutboundText extends OutboundBase {
  readonly type: 'text';
  readonly text: { readonly body: string; readonly preview_url: boolean };
}

/** OpenAPI: components/schemas/ImageMessage (MediaObject by id). */
export interface OutboundImage extends OutboundBase {
  readonly type: 'image';
  readonly image: { readonly id: string; readonly caption?: string };
}

/**
 * OpenAPI: components/schemas/TemplateMessage, TemplateObject, LanguageObject;
 * https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates.
 */
export interface OutboundTemplate extends OutboundBase {
  readonly type: 'template';
  readonly template: {
    readonly name: string;
    readonly language: { readonly policy: 'deterministic'; readonly code: string };
    readonly components: readonly TemplateComponent[];
  };
}

/** OpenAPI DocumentMessage: an uploaded file by id, with the name the contact's phone shows. */
export interface OutboundDocument extends OutboundBase {
  readonly type: 'document';
  readonly document: { readonly id: string; readonly filename: string; readonly caption?: string };
}

export type OutboundMessage = OutboundText | OutboundImage | OutboundDocument | OutboundTemplate;

function base(target: SendTarget): OutboundBase {
  if (target.callbackData.length === 0 || target.callbackData.length > CALLBACK_DATA_MAX) {
    throw new RangeError(`callbackData must be 1..${CALLBACK_DATA_MAX} characters`);
  }
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    // Graph takes the number with or without '+'; digits only keeps logs and tests uniform.
    to: target.to.replace(/[^\d]/g, ''),
    biz_opaque_callback_data: target.callbackData,
    ...(target.replyTo ? { context: { message_id: target.replyTo } } : {}),
  };
}

export function textMessage(target: SendTarget, body: string): OutboundText {
  // No link previews: a business user's link should not fetch and show someone else's page.
  return { ...base(target), type: 'text', text: { body, preview_url: false } };
}

export function imageMessage(target: SendTarget, mediaId: string, caption?: string): OutboundImage {
  return {
    ...base(target),
    type: 'image',
    image: caption ? { id: mediaId, caption } : { id: mediaId },
  };
}

export function documentMessage(
  target: SendTarget,
  mediaId: string,
  filename: string,
  caption?: string,
): OutboundDocument {
  return {
    ...base(target),
    type: 'document',
    document: caption ? { id: mediaId, filename, caption } : { id: mediaId, filename },
  };
}

export function templateMessage(
  target: SendTarget,
  config: TemplateConfig,
  components: readonly TemplateComponent[],
): OutboundTemplate {
  return {
    ...base(target),
    type: 'template',
    template: {
      name: config.name,
      // "deterministic" is the only policy (OpenAPI LanguageObject, required there).
      language: { policy: 'deterministic', code: config.language },
      components,
    },
  };
}
