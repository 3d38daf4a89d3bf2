/**
 * The webhook bodies WhatsApp POSTs to the app, in Meta's envelope: object
 * whatsapp_business_account, entry[].changes[].value with messaging_product, metadata, and
 * contacts + messages (something a contact sent) or statuses (what became of a business send).
 *
 * OpenAPI: POST /whatsapp/webhooks, schemas WebhookPayload, Entry, Change, Metadata,
 * ContactProfile, StatusMessageValue, Statuses, StatusError, Pricing; its examples "Text
 * Message", "Image Message", "Button Message", "Interactive Button Reply Message" and
 * "Interactive List Reply Message" give the inbound shapes
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/).
 */
import { randomBytes } from 'node:crypto';
import type { StatusError } from './error-codes.js';

/** The business number the webhooks are about. */
export interface BusinessNumber {
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  /** The WhatsApp Business Account id (`entry[].id`). */
  readonly businessAccountId: string;
}

/** A new WhatsApp message id. Real ones are base64 of the chat and a key. */
export function newWamid(): string {
  return `wamid.${randomBytes(30).toString('base64')}`;
}

/**
 * Webhook timestamps are Unix seconds, as strings
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
 */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

// ---------------------------------------------------------------------------------------------
// Statuses.

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/**
 * OpenAPI Pricing, under per-message pricing (PMP, since 1 July 2025): free-form
 * messages and templates inside the window are free customer service.
 */
export interface Pricing {
  readonly billable: boolean;
  readonly pricing_model: 'PMP';
  readonly category: 'service' | 'utility';
  readonly type: 'free_customer_service' | 'regular';
}

/** OpenAPI Statuses. */
export interface StatusUpdate {
  readonly id: string;
  readonly status: DeliveryStatus;
  readonly timestamp: string;
  readonly recipient_id: string;
  readonly biz_opaque_callback_data?: string;
  readonly pricing?: Pricing;
  readonly errors?: readonly StatusError[];
}

// ---------------------------------------------------------------------------------------------
// Inbound messages.

interface InboundBase {
  readonly from: string;
  readonly id: string;
  readonly timestamp: string;
  /** The business message this one answers or whose button was tapped. */
  readonly context?: { readonly from: string; readonly id: string };
}

export type InboundMessage =
  | (InboundBase & { readonly type: 'text'; readonly text: { readonly body: string } })
  | (InboundBase & {
      readonly type: 'image';
      readonly image: {
        readonly caption?: string;
        readonly mime_type: string;
        readonly sha256: string;
        readonly id: string;
      };
    })
  /**
   * Every other kind of media, and locations: OpenAPI DocumentMessage_1, AudioMessage_1,
   * VideoMessage_1, StickerMessage_1 (MediaMessageProperties: mime_type, sha256, id) and
   * LocationMessage_1; Meta's webhook reference,
   * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
   */
  | (InboundBase & {
      readonly type: 'document';
      readonly document: {
        readonly caption?: string;
        readonly filename: string;
        readonly mime_type: string;
        readonly sha256: string;
        readonly id: string;
      };
    })
  | (InboundBase & {
      readonly type: 'audio';
      readonly audio: {
        readonly mime_type: string;
        readonly sha256: string;
        readonly id: string;
        readonly voice: boolean;
      };
    })
  | (InboundBase & {
      readonly type: 'video';
      readonly video: {
        readonly caption?: string;
        readonly mime_type: string;
        readonly sha256: string;
        readonly id: string;
      };
    })
  | (InboundBase & {
      readonly type: 'sticker';
      readonly sticker: {
        readonly mime_type: string;
        readonly sha256: string;
        readonly id: string;
        readonly animated: boolean;
      };
    })
  | (InboundBase & {
      readonly type: 'location';
      readonly location: {
        readonly address?: string;
        readonly latitude: number;
        readonly longitude: number;
        readonly name?: string;
        readonly url?: string;
      };
    })
  /**
   * A template's quick-reply button: payload as the business set it, text as shown
   * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
   */
  | (InboundBase & {
      readonly type: 'button';
      readonly button: { readonly payload: string; readonly text: string };
    })
  | (InboundBase & {
      readonly type: 'interactive';
      readonly interactive:
        | {
            readonly type: 'button_reply';
            readonly button_reply: { readonly id: string; readonly title: string };
          }
        | {
            readonly type: 'list_reply';
            readonly list_reply: {
              readonly id: string;
              readonly title: string;
              readonly description?: string;
            };
          };
    });

/** OpenAPI ContactProfile. */
export interface ContactProfile {
  readonly profile: { readonly name: string };
  readonly wa_id: string;
}

// ---------------------------------------------------------------------------------------------
// The envelope.

interface Metadata {
  readonly display_phone_number: string;
  readonly phone_number_id: string;
}

export type ChangeValue =
  | {
      readonly messaging_product: 'whatsapp';
      readonly metadata: Metadata;
      readonly statuses: readonly StatusUpdate[];
    }
  | {
      readonly messaging_product: 'whatsapp';
      readonly metadata: Metadata;
      readonly contacts: readonly ContactProfile[];
      readonly messages: readonly InboundMessage[];
    };

/** OpenAPI WebhookPayload. */
export interface WebhookPayload {
  readonly object: 'whatsapp_business_account';
  readonly entry: readonly {
    readonly id: string;
    readonly changes: readonly { readonly value: ChangeValue; readonly field: 'messages' }[];
  }[];
}

function envelope(business: BusinessNumber, value: ChangeValue): WebhookPayload {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: business.businessAccountId, changes: [{ value, field: 'messages' }] }],
  };
}

function metadata(business: BusinessNumber): Metadata {
  return {
    display_phone_number: business.displayPhoneNumber,
    phone_number_id: business.phoneNumberId,
  };
}

export function statusPayload(business: BusinessNumber, status: StatusUpdate): WebhookPayload {
  return envelope(business, {
    messaging_product: 'whatsapp',
    metadata: metadata(business),
    statuses: [status],
  });
}

export function inboundPayload(
  business: BusinessNumber,
  contact: ContactProfile,
  message: InboundMessage,
): WebhookPayload {
  return envelope(business, {
    messaging_product: 'whatsapp',
    metadata: metadata(business),
    contacts: [contact],
    messages: [message],
  });
}
