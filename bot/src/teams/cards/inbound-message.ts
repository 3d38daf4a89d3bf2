/** A contact's message, as it arrives in the user's chat with the bot: Reply, Info, group actions. */
import type { Message, Notice } from '../../core/types.js';
import {
  cardLang,
  clientDateTime,
  noticeText,
  strings,
  threadLine,
  type CardContact,
} from './format.js';
import { fileView, goneText, locationView, mediaPreview } from './media-view.js';
import { expand, type AdaptiveCard } from './templates.js';

export interface InboundMessageCardData {
  readonly message: Message;
  readonly contact: CardContact;
  /** The other participants' names, when colleagues share the conversation. */
  readonly colleagues?: readonly string[];
  /** Where the Teams client fetches the picture: an https URL the bot serves, or a data: URI. */
  readonly pictureUrl?: string;
  /** Where a file (document, audio, video) is downloaded from: a signed URL, like pictures. */
  readonly fileUrl?: string;
  /** A notice the card says above the message (the contact started this conversation with it). */
  readonly notice?: Notice | undefined;
}

export function inboundMessageCard(
  data: InboundMessageCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const { message, contact } = data;
  const text = message.body?.trim() ? message.body : undefined;
  const hasPicture = Boolean(data.pictureUrl);
  const file = data.fileUrl ? fileView(message, tr) : undefined;
  const place = locationView(message, tr);
  const gone = goneText(message, tr);
  const t = {
    received: tr('card.inbound.received', {
      time: clientDateTime(message.statusTimes.received ?? message.createdAt),
    }),
    unsupported: tr('card.inbound.unsupported', { contact: contact.name }),
    pictureAlt: tr('card.picture.from', { contact: contact.name }),
    replyLabel: tr('card.inbound.reply_label'),
    replyPlaceholder: tr('card.inbound.reply_placeholder', { contact: contact.name }),
    replyRequired: tr('card.inbound.reply_required'),
    reply: tr('card.inbound.reply'),
    info: tr('card.action.info'),
    add: tr('card.inbound.add'),
    remove: tr('card.inbound.remove'),
    transfer: tr('card.inbound.transfer'),
    leave: tr('card.inbound.leave'),
    download: tr('media.download'),
    openMap: tr('media.location.open_map'),
  };
  const preview = mediaPreview(message, tr);
  const lead = data.notice ? noticeText(data.notice, tr) : undefined;
  return expand('inbound-message', {
    lang: cardLang(tr.locale),
    fallbackText: `${contact.name}: ${text ?? preview ?? (hasPicture ? tr('card.picture.preview') : t.unsupported)}`,
    threadId: message.threadId,
    messageId: message.id,
    contactName: contact.name,
    threadLine: threadLine(tr, contact, data.colleagues),
    hasLead: lead !== undefined,
    lead: lead ?? '',
    hasText: text !== undefined,
    text: text ?? '',
    hasPicture,
    pictureUrl: data.pictureUrl ?? '',
    hasFile: file !== undefined,
    file: file ?? { icon: '', name: '', details: '' },
    fileUrl: data.fileUrl ?? '',
    hasLocation: place !== undefined,
    location: place
      ? { ...place, title: `📍 ${place.name}` }
      : { title: '', address: '', mapUrl: '' },
    hasGone: gone !== undefined,
    gone: gone ?? '',
    unsupported: text === undefined && !hasPicture && !file && !place && gone === undefined,
    t,
  });
}
