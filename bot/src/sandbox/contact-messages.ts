/**
 * What a contact sends, two ways: as their phone shows it, and as the webhook message WhatsApp
 * posts for it. Shapes and key order: the OpenAPI webhook examples "Text Message", "Image
 * Message", "Button Message", "Interactive Button Reply Message", "Interactive List Reply
 * Message"
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
 */
import type {
  ChatButton,
  ChatEntry,
  ChatLocation,
  ChatMediaKind,
  ContactPhone,
} from './contact-phone.js';
import type { StoredMedia } from './media-store.js';
import { SandboxError } from './sandbox-error.js';
import type { InboundMessage } from './webhook-payloads.js';

/** The fields every inbound message has, known once the sandbox gives it an id and a time. */
export type InboundBase = Pick<InboundMessage, 'from' | 'id' | 'timestamp'>;

export interface ContactMessage {
  readonly chat: Omit<ChatEntry, 'id' | 'from' | 'at' | 'status'>;
  readonly message: (base: InboundBase) => InboundMessage;
}

/** `context` of a reply or a tap: the business number and the message answered. */
type Context = { readonly from: string; readonly id: string };

export function textMessage(
  phone: ContactPhone,
  business: string,
  text: string,
  replyTo?: string,
): ContactMessage {
  const body = text.trim();
  if (!body) throw new SandboxError('invalid_message', 'A message needs some text.');
  if (replyTo && !phone.find(replyTo))
    throw new SandboxError('no_such_message', `There is no message ${replyTo} on this phone.`);
  const context: Context | undefined = replyTo ? { from: business, id: replyTo } : undefined;
  return {
    chat: { kind: 'text', text: body, replyTo },
    message: (base) => ({ ...(context ? { context } : {}), ...base, type: 'text', text: { body } }),
  };
}

export function imageMessage(stored: StoredMedia, caption?: string): ContactMessage {
  const text = caption?.trim() || undefined;
  return {
    chat: {
      kind: 'image',
      image: { mediaId: stored.id, mimeType: stored.mimeType, caption: text },
    },
    message: (base) => ({
      ...base,
      type: 'image',
      image: {
        ...(text ? { caption: text } : {}),
        mime_type: stored.mimeType,
        sha256: stored.sha256,
        id: stored.id,
      },
    }),
  };
}

/**
 * A document, audio or voice note, video or sticker: OpenAPI DocumentMessage_1 (with
 * `filename`), AudioMessage_1 (`voice`), VideoMessage_1 (`caption`), StickerMessage_1
 * (`animated`), each with MediaMessageProperties (mime_type, sha256, id). Meta's spec has no
 * webhook example for these: built from the schema, in the key order of "Image Message".
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
export function mediaMessage(
  kind: ChatMediaKind,
  stored: StoredMedia,
  options: { caption?: string | undefined; filename?: string | undefined } = {},
): ContactMessage {
  const caption =
    kind === 'document' || kind === 'video' ? options.caption?.trim() || undefined : undefined;
  const filename = kind === 'document' ? options.filename?.trim() || 'document' : undefined;
  const common = { mime_type: stored.mimeType, sha256: stored.sha256, id: stored.id };
  const chat = {
    kind: 'media' as const,
    media: {
      kind,
      mediaId: stored.id,
      mimeType: stored.mimeType,
      size: stored.size,
      caption,
      filename,
    },
  };
  switch (kind) {
    case 'document':
      return {
        chat,
        message: (base) => ({
          ...base,
          type: 'document',
          document: { ...(caption ? { caption } : {}), filename: filename as string, ...common },
        }),
      };
    case 'audio':
    case 'voice':
      return {
        chat,
        message: (base) => ({
          ...base,
          type: 'audio',
          audio: { ...common, voice: kind === 'voice' },
        }),
      };
    case 'video':
      return {
        chat,
        message: (base) => ({
          ...base,
          type: 'video',
          video: { ...(caption ? { caption } : {}), ...common },
        }),
      };
    case 'sticker':
      return {
        chat,
        message: (base) => ({ ...base, type: 'sticker', sticker: { ...common, animated: false } }),
      };
  }
}

/** A shared place: the OpenAPI webhook example "Location Message" (LocationMessage_1). */
export function locationMessage(location: ChatLocation): ContactMessage {
  const { latitude, longitude } = location;
  if (
    !Number.isFinite(latitude) ||
    !Number.isFinite(longitude) ||
    Math.abs(latitude) > 90 ||
    Math.abs(longitude) > 180
  ) {
    throw new SandboxError('invalid_message', 'A location needs a latitude and a longitude.');
  }
  const body = {
    ...(location.address ? { address: location.address } : {}),
    latitude,
    longitude,
    ...(location.name ? { name: location.name } : {}),
    ...(location.url ? { url: location.url } : {}),
  };
  return {
    chat: { kind: 'location', location: body },
    message: (base) => ({ ...base, location: body, type: 'location' }),
  };
}

/**
 * A tap on a button of a business message: a template quick reply (inbound type `button`, with
 * the payload the business set) or an interactive reply button (`interactive` `button_reply`).
 * `target` is the button's payload or id, its label, or a payload prefix ("wa4t:consent" finds
 * "wa4t:consent:<ref>"), newest message first; or a message id and the button's index.
 */
export function buttonTap(
  phone: ContactPhone,
  business: string,
  target: string | { messageId: string; index: number },
): ContactMessage {
  const { entry, button } = findButton(phone, target);
  const context: Context = { from: business, id: entry.id };
  const chat = { kind: 'button' as const, text: button.title, replyTo: entry.id };
  if (entry.kind === 'template') {
    return {
      chat,
      message: (base) => ({
        context,
        ...base,
        type: 'button',
        button: { payload: button.payload, text: button.title },
      }),
    };
  }
  return {
    chat,
    message: (base) => ({
      context,
      ...base,
      type: 'interactive',
      interactive: {
        type: 'button_reply',
        button_reply: { id: button.payload, title: button.title },
      },
    }),
  };
}

/** A row picked from an interactive list, by id or title (inbound `list_reply`). */
export function listChoice(
  phone: ContactPhone,
  business: string,
  row: string,
  messageId?: string,
): ContactMessage {
  const lists = phone
    .entries()
    .filter((e) => e.from === 'business' && e.list && (!messageId || e.id === messageId))
    .reverse();
  for (const entry of lists) {
    const found = entry.list?.sections
      .flatMap((s) => s.rows)
      .find((r) => r.id === row || r.title === row);
    if (!found) continue;
    return {
      chat: { kind: 'list_reply', text: found.title, replyTo: entry.id },
      message: (base) => ({
        context: { from: business, id: entry.id },
        ...base,
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: {
            id: found.id,
            title: found.title,
            ...(found.description ? { description: found.description } : {}),
          },
        },
      }),
    };
  }
  throw new SandboxError('no_such_button', `No list on this phone has a row "${row}".`);
}

function findButton(
  phone: ContactPhone,
  target: string | { messageId: string; index: number },
): { entry: ChatEntry; button: ChatButton } {
  const tappable = phone
    .entries()
    .filter((e) => e.from === 'business' && e.kind !== 'undelivered' && e.buttons?.length)
    .reverse();
  if (typeof target !== 'string') {
    const entry = tappable.find((e) => e.id === target.messageId);
    const button = entry?.buttons?.find((b) => b.index === target.index);
    if (!entry || !button) {
      throw new SandboxError(
        'no_such_button',
        `Message ${target.messageId} has no button ${target.index} on this phone.`,
      );
    }
    return { entry, button };
  }
  const matchers: ((b: ChatButton) => boolean)[] = [
    (b) => b.payload === target,
    (b) => b.title.toLowerCase() === target.toLowerCase(),
    (b) => b.payload.startsWith(`${target}:`),
  ];
  for (const matches of matchers) {
    for (const entry of tappable) {
      const button = entry.buttons?.find(matches);
      if (button) return { entry, button };
    }
  }
  throw new SandboxError('no_such_button', `No message on this phone has a button "${target}".`);
}
