/**
 * A participant's message with its receipt. The bot updates this card in place as receipts
 * arrive; a colleague's message shows its author's name.
 */
import type { Message, UserId } from '../../core/types.js';
import { cardLang, clientDateTime, strings, threadLine, type CardContact } from './format.js';
import { fileView } from './media-view.js';
import { messageWords, STATUS_MARKS, statusTime } from './message-view.js';
import { withReplyAction } from './reply-action.js';
import { expand, type AdaptiveCard } from './templates.js';

export interface MessageStatusCardData {
  readonly message: Message;
  readonly contact: CardContact;
  /** The user who will see the card: their own message reads "To …", a colleague's names its author. */
  readonly viewerId: UserId;
  readonly colleagues?: readonly string[];
  readonly pictureUrl?: string;
  /** A document's signed download link (card-views.ts). */
  readonly fileUrl?: string;
}

export function messageStatusCard(
  data: MessageStatusCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const { message, contact } = data;
  const status = message.status === 'received' ? 'sent' : message.status;
  const colleague =
    message.author && message.author.id !== data.viewerId ? message.author : undefined;
  const text = messageWords(message, contact, tr);
  const hasPicture = Boolean(data.pictureUrl);
  const file = data.fileUrl ? fileView(message, tr) : undefined;
  const reason = status === 'failed' && message.failure ? tr(message.failure.reasonKey) : undefined;
  const t = {
    heading: colleague
      ? tr('card.message.colleague_to', { author: colleague.name, contact: contact.name })
      : tr('card.message.to', { contact: contact.name }),
    pictureAlt: tr('card.picture.to', { contact: contact.name }),
    status: tr('card.message.status_time', {
      status: tr(`card.status.${status}`),
      time: clientDateTime(statusTime(message)),
    }),
    reason: reason ?? '',
    possiblyTwice: tr('card.message.possibly_twice', { contact: contact.name }),
    info: tr('card.action.info'),
    download: tr('media.download'),
    // release (issue 10): a failed message of the viewer's own offers Send again, once.
    sendAgain: tr('release.send_again'),
    sentAgain: tr('release.sent_again'),
  };
  const ownWords =
    message.author?.id === data.viewerId &&
    (message.kind === 'text' || message.kind === 'image' || message.kind === 'document');
  const card = expand('message-status', {
    lang: cardLang(tr.locale),
    fallbackText: `${t.heading}: ${text ?? (file ? `${file.icon} ${file.name}` : tr('card.picture.preview'))} (${tr(`card.status.${status}`)})`,
    threadId: message.threadId,
    messageId: message.id,
    icon: !message.author ? '🔔' : colleague ? '👥' : '📤',
    threadLine: threadLine(tr, contact, data.colleagues),
    hasText: text !== undefined,
    text: text ?? '',
    hasPicture,
    pictureUrl: data.pictureUrl ?? '',
    hasFile: file !== undefined,
    file: file ?? { icon: '', name: '', details: '' },
    fileUrl: data.fileUrl ?? '',
    status: STATUS_MARKS[status],
    hasReason: reason !== undefined,
    // A send interrupted by a crash may have reached WhatsApp twice (outbox-dispatcher.ts).
    possiblyTwice: message.possiblyDuplicate === true,
    canSendAgain: status === 'failed' && ownWords && message.retriedAs === undefined,
    sentAgain: message.retriedAs !== undefined,
    t,
  });
  // reply (issue 10): Reply makes this conversation the current one.
  return withReplyAction(card, message.threadId, tr);
}
