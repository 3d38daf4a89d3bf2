/**
 * WhatsApp webhooks in: verify (webhook-verification.ts), then parse a POST body into typed
 * items (inbound messages, statuses of our messages, errors), each tagged with the business
 * number it concerns and an idempotency key, since Meta delivers at least once and in any
 * order
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint).
 * The HTTP route stays thin: verify, parse, commit, answer 200.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { MediaKind, Millis, SharedLocation } from '../core/types.js';
import { WebhookPayloadError } from './errors.js';
import { decodeQuickReply, type QuickReplyAction } from './templates.js';
import {
  audioContent,
  buttonContent,
  documentContent,
  imageContent,
  locationContent,
  stickerContent,
  videoContent,
  interactiveContent,
  messagesValue,
  systemContent,
  textContent,
  webhookEnvelope,
  type MessagesValue,
  type WireMessage,
  type wireError,
} from './webhook-payload.js';

export { verifySignature, verifySubscription } from './webhook-verification.js';
export type { QueryParams, SubscriptionResult } from './webhook-verification.js';

/** Which business number a notification is about: route by `phoneNumberId`. */
export interface WebhookOrigin {
  /** Cloud API phone_number_id (`value.metadata.phone_number_id`). */
  readonly phoneNumberId: string;
  readonly displayPhoneNumber?: string | undefined;
  /** The WhatsApp Business Account (`entry[].id`). */
  readonly wabaId: string;
}

/** An error WhatsApp reports in a notification. Key logic on its code (Meta's advice). */
export interface WebhookError {
  /** Graph's `code`, e.g. 131047. */
  readonly graphCode: number;
  readonly title?: string | undefined;
  readonly message?: string | undefined;
  readonly details?: string | undefined;
}

/** A tap on a button: one of ours (consent, decline, resume) or somebody else's. */
export type ButtonMeaning = QuickReplyAction | 'unknown';

export type WebhookContent =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'image';
      /**
       * Download it now: webhook media ids expire after 7 days
       * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
       */
      readonly mediaId: string;
      readonly mimeType: string;
      readonly sha256?: string | undefined;
      readonly caption?: string | undefined;
    }
  /** A document, audio or voice note, video or sticker: downloaded at once like pictures. */
  | {
      readonly type: 'media';
      readonly kind: Exclude<MediaKind, 'image'>;
      readonly mediaId: string;
      readonly mimeType?: string | undefined;
      readonly sha256?: string | undefined;
      readonly caption?: string | undefined;
      readonly filename?: string | undefined;
    }
  | { readonly type: 'location'; readonly location: SharedLocation }
  /** A template quick reply (`type: button`). */
  | {
      readonly type: 'button';
      readonly button: ButtonMeaning;
      readonly payload: string;
      readonly text: string;
      /** Our message id carried in the payload (templates.ts), if any. */
      readonly ref?: string | undefined;
    }
  /** A reply to an interactive message (`type: interactive`). */
  | {
      readonly type: 'interactive';
      readonly reply: 'button_reply' | 'list_reply';
      readonly id: string;
      readonly title: string;
      readonly button: ButtonMeaning;
      readonly ref?: string | undefined;
    }
  /**
   * Anything else (reaction, contacts, unsupported, system …): it still opens the
   * window. For `system` user_changed_number, `newWaId` is the contact's new number (OpenAPI SystemMessage).
   */
  | { readonly type: 'other'; readonly messageType: string; readonly newWaId?: string | undefined };

export interface InboundMessageItem extends WebhookOrigin {
  readonly kind: 'message';
  /** `msg:<wamid>` */
  readonly idempotencyKey: string;
  readonly waMessageId: string;
  /** The contact's WhatsApp id (`from`). */
  readonly from: string;
  /** When the contact sent it: the window runs from here. */
  readonly sentAt: Millis;
  /** The contact's WhatsApp profile name, when WhatsApp sends it. */
  readonly contactName?: string | undefined;
  /** The wamid of our message this replies to or whose button was tapped. */
  readonly contextId?: string | undefined;
  readonly content: WebhookContent;
  /** e.g. 131051 on an `unsupported` message. */
  readonly errors: readonly WebhookError[];
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusItem extends WebhookOrigin {
  readonly kind: 'status';
  /** `status:<wamid>:<status>` */
  readonly idempotencyKey: string;
  readonly waMessageId: string;
  readonly status: DeliveryStatus;
  readonly at: Millis;
  readonly recipientId?: string | undefined;
  /** Our message id, echoed from `biz_opaque_callback_data`. */
  readonly callbackData?: string | undefined;
  readonly errors: readonly WebhookError[];
}

/** `value.errors[]`: about the number or the app, not one message (e.g. 130429). */
export interface ErrorItem extends WebhookOrigin {
  readonly kind: 'error';
  /** `error:<phone_number_id>:<code>:<digest of the error>` */
  readonly idempotencyKey: string;
  readonly error: WebhookError;
}

export type WebhookItem = InboundMessageItem | StatusItem | ErrorItem;

const DELIVERY_STATUSES: readonly string[] = [
  'sent',
  'delivered',
  'read',
  'failed',
] satisfies DeliveryStatus[];

/**
 * Every item of a webhook POST body (already JSON-parsed, after verifySignature on the raw
 * bytes), in the order WhatsApp listed them. Throws WebhookPayloadError (→ 400) when the body
 * is not a WhatsApp Business Account notification or a `messages` change lacks its routing.
 */
export function parseWebhook(body: unknown): WebhookItem[] {
  const envelope = webhookEnvelope.safeParse(body);
  if (!envelope.success) {
    throw new WebhookPayloadError(
      'not a WhatsApp Business Account notification',
      issuesOf(envelope.error, []),
    );
  }
  const items: WebhookItem[] = [];
  envelope.data.entry.forEach((entry, e) => {
    entry.changes.forEach((change, c) => {
      if (change.field !== 'messages') return;
      const value = messagesValue.safeParse(change.value);
      if (!value.success) {
        throw new WebhookPayloadError(
          'a messages notification is malformed',
          issuesOf(value.error, ['entry', e, 'changes', c, 'value']),
        );
      }
      items.push(...itemsOf(value.data, entry.id));
    });
  });
  return items;
}

function itemsOf(value: MessagesValue, wabaId: string): WebhookItem[] {
  const origin: WebhookOrigin = {
    phoneNumberId: value.metadata.phone_number_id,
    displayPhoneNumber: value.metadata.display_phone_number,
    wabaId,
  };
  const names = new Map<string, string>();
  for (const c of value.contacts ?? []) {
    if (c.wa_id && c.profile?.name) names.set(c.wa_id, c.profile.name);
  }
  // One profile and no wa_id match: it is the sender's (contacts[],
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
  const onlyName = value.contacts?.length === 1 ? value.contacts[0]?.profile?.name : undefined;

  const messages = (value.messages ?? []).map((m): InboundMessageItem => ({
    ...origin,
    kind: 'message',
    idempotencyKey: `msg:${m.id}`,
    waMessageId: m.id,
    from: m.from,
    sentAt: m.timestamp,
    contactName: names.get(m.from) ?? onlyName,
    contextId: m.context?.id,
    content: contentOf(m),
    errors: (m.errors ?? []).map(errorOf),
  }));
  const statuses = (value.statuses ?? []).flatMap((s): StatusItem[] =>
    DELIVERY_STATUSES.includes(s.status)
      ? [
          {
            ...origin,
            kind: 'status',
            idempotencyKey: `status:${s.id}:${s.status}`,
            waMessageId: s.id,
            status: s.status as DeliveryStatus,
            at: s.timestamp,
            recipientId: s.recipient_id,
            callbackData: s.biz_opaque_callback_data,
            errors: (s.errors ?? []).map(errorOf),
          },
        ]
      : [],
  );
  const errors = (value.errors ?? []).map((raw): ErrorItem => ({
    ...origin,
    kind: 'error',
    idempotencyKey: `error:${origin.phoneNumberId}:${raw.code}:${digest(errorOf(raw))}`,
    error: errorOf(raw),
  }));
  return [...messages, ...statuses, ...errors];
}

function contentOf(m: WireMessage): WebhookContent {
  const other: WebhookContent = { type: 'other', messageType: m.type };
  switch (m.type) {
    case 'text': {
      const p = textContent.safeParse(m);
      return p.success ? { type: 'text', text: p.data.text.body } : other;
    }
    case 'image': {
      const p = imageContent.safeParse(m);
      if (!p.success) return other;
      const { id, mime_type, sha256, caption } = p.data.image;
      return { type: 'image', mediaId: id, mimeType: mime_type, sha256, caption };
    }
    case 'document': {
      const p = documentContent.safeParse(m);
      if (!p.success) return other;
      const { id, mime_type, sha256, filename, caption } = p.data.document;
      return {
        type: 'media',
        kind: 'document',
        mediaId: id,
        mimeType: mime_type,
        sha256,
        caption,
        filename,
      };
    }
    case 'audio': {
      const p = audioContent.safeParse(m);
      if (!p.success) return other;
      const { id, mime_type, sha256, voice } = p.data.audio;
      return {
        type: 'media',
        kind: voice ? 'voice' : 'audio',
        mediaId: id,
        mimeType: mime_type,
        sha256,
      };
    }
    case 'video': {
      const p = videoContent.safeParse(m);
      if (!p.success) return other;
      const { id, mime_type, sha256, caption } = p.data.video;
      return { type: 'media', kind: 'video', mediaId: id, mimeType: mime_type, sha256, caption };
    }
    case 'sticker': {
      const p = stickerContent.safeParse(m);
      if (!p.success) return other;
      const { id, mime_type, sha256 } = p.data.sticker;
      return { type: 'media', kind: 'sticker', mediaId: id, mimeType: mime_type, sha256 };
    }
    case 'location': {
      const p = locationContent.safeParse(m);
      if (!p.success) return other;
      const { latitude, longitude, name, address, url } = p.data.location;
      return { type: 'location', location: { latitude, longitude, name, address, url } };
    }
    case 'button': {
      const p = buttonContent.safeParse(m);
      if (!p.success) return other;
      const ours = decodeQuickReply(p.data.button.payload);
      return {
        type: 'button',
        button: ours?.action ?? 'unknown',
        payload: p.data.button.payload,
        text: p.data.button.text,
        ref: ours?.ref,
      };
    }
    case 'interactive': {
      const p = interactiveContent.safeParse(m);
      if (!p.success) return other;
      const i = p.data.interactive;
      const { id, title } = i.type === 'button_reply' ? i.button_reply : i.list_reply;
      const ours = decodeQuickReply(id);
      return {
        type: 'interactive',
        reply: i.type,
        id,
        title,
        button: ours?.action ?? 'unknown',
        ref: ours?.ref,
      };
    }
    case 'system': {
      const p = systemContent.safeParse(m);
      const changed = p.success && p.data.system.type === 'user_changed_number';
      return { ...other, newWaId: changed ? p.data.system.wa_id : undefined };
    }
    default:
      return other;
  }
}

function errorOf(raw: z.infer<typeof wireError>): WebhookError {
  return {
    graphCode: raw.code,
    title: raw.title,
    message: raw.message,
    details: raw.error_data?.details,
  };
}

/**
 * A short stable digest, so the same error redelivered gets the same key. Built from the typed
 * fields only: whatever else a body nests (thousands of levels deep) never reaches it.
 */
function digest(error: WebhookError): string {
  const fields = [error.graphCode, error.title, error.message, error.details].map((f) => f ?? '');
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 16);
}

function issuesOf(error: z.ZodError, prefix: readonly (string | number)[]): string[] {
  return error.issues
    .slice(0, 10)
    .map((i) => `${[...prefix, ...i.path].join('.') || '(body)'}: ${i.message}`);
}
