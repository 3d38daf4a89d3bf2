/**
 * What a message shows in a card: its words (a user's text, or what the app sent for them),
 * its picture, and its receipt as ticks.
 */
import type { Message, MessageStatus } from '../../core/types.js';
import { noticeText, type CardContact, type Strings } from './format.js';

/** Receipt marks that read well in Teams on every client: text, coloured by the card. */
export const STATUS_MARKS: Readonly<
  Record<MessageStatus, { readonly mark: string; readonly color: string }>
> = {
  pending: { mark: '🕓', color: 'default' },
  sent: { mark: '✓', color: 'default' },
  delivered: { mark: '✓✓', color: 'default' },
  /** WhatsApp's blue ticks: the accent colour. */
  read: { mark: '✓✓', color: 'accent' },
  failed: { mark: '✗', color: 'attention' },
  received: { mark: '↓', color: 'default' },
};

/** The order a message goes through its receipts, for Info. */
export const OUTBOUND_STATUSES = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;

/**
 * The words of a message: what a user wrote, or, for what the app sent on their behalf
 * (the opt-in and resume templates, participant notices), a line saying so.
 */
export function messageWords(
  message: Message,
  contact: CardContact,
  tr: Strings,
): string | undefined {
  if (message.body !== undefined && message.body.trim() !== '') return message.body;
  if (message.noticeKey) {
    return tr('card.system.notice', {
      text: noticeText({ key: message.noticeKey, params: message.params ?? {} }, tr),
    });
  }
  if (message.template === 'opt_in') return tr('card.system.opt_in', { contact: contact.name });
  if (message.template === 'resume') return tr('card.system.resume', { contact: contact.name });
  return undefined;
}

/** The time of the message's current status, or when it was written. */
export function statusTime(message: Message): number {
  return message.statusTimes[message.status] ?? message.createdAt;
}
