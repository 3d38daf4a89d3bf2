/** Info on a message: the time of each of its statuses (or when an inbound message arrived). */
import type { Message } from '../../core/types.js';
import { mediaPreview } from './media-view.js';
import { cardLang, clientDateTime, strings, truncate, type CardContact } from './format.js';
import { messageWords, OUTBOUND_STATUSES, STATUS_MARKS } from './message-view.js';
import { expand, type AdaptiveCard } from './templates.js';

export interface ReceiptInfoCardData {
  readonly message: Message;
  readonly contact: CardContact;
}

export function receiptInfoCard(
  data: ReceiptInfoCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const { message, contact } = data;
  const inbound = message.direction === 'inbound';
  const times = message.statusTimes;
  // Failed shows only when it happened; read shows as "not yet" until it does.
  const statuses = inbound
    ? (['received'] as const)
    : OUTBOUND_STATUSES.filter((s) => s !== 'failed' || times.failed !== undefined);
  const rows = statuses.map((status) => {
    const at = status === 'pending' ? (times.pending ?? message.createdAt) : times[status];
    return {
      ...STATUS_MARKS[status],
      label: tr(`card.status.${status}`),
      time: at === undefined ? tr('card.info.not_yet') : clientDateTime(at),
    };
  });
  const words = messageWords(message, contact, tr);
  const snippet = words
    ? truncate(words, 200)
    : (mediaPreview(message, tr) ?? (message.media ? tr('card.picture.preview') : ''));
  return expand('receipt-info', {
    lang: cardLang(tr.locale),
    hasSnippet: snippet !== '',
    snippet,
    rows,
    hasReason: message.status === 'failed' && message.failure !== undefined,
    reason: message.failure ? tr(message.failure.reasonKey) : '',
    // WhatsApp reports read only when the contact has read receipts on.
    showReadNote: !inbound && times.delivered !== undefined && times.read === undefined,
    t: {
      title: tr('card.info.title'),
      party: tr(inbound ? 'card.info.from' : 'card.info.to', { contact: contact.name }),
      readNote: tr('card.info.read_note', { contact: contact.name }),
    },
  });
}
