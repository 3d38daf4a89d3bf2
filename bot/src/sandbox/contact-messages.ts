/**
 * What a contact sends, two ways: as their phone shows it, and as the webhook message WhatsApp
 * posts for it. Shapes and key order: the OpenAPI webhook examples "Text Message", "Image
 * Message", "Button Message", "Interactive Button Reply Message", "Interactive List Reply
 * Message" (notes §2.1–2.4).
 */
import type { ChatButton, ChatEntry, ContactPhone } from './contact-phone.js';
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
