/**
 * From what the store keeps to what a card shows: a message's card for one viewer (the
 * contact's message with Reply, or an outgoing message with its receipt), the user's threads
 * and contacts as the list cards want them.
 */
import type { Activity } from 'botbuilder';
import type { ContactView } from '../app/access.js';
import type { ConversationSummary } from '../app/user-queries.js';
import type { Message, Notice, Thread, UserId } from '../core/types.js';
import {
  asAttachment,
  inboundMessageCard,
  messageStatusCard,
  type AdaptiveCard,
  type CardContact,
  type ThreadSummary,
} from './cards/index.js';
import { showsAsPicture } from './cards/media-view.js';
import type { MediaUrls } from './media-route.js';

/** A contact of the user's, as lists and pickers show it. */
export type AddressBookContact = ContactView & CardContact;

export function contactOf(thread: Thread): CardContact {
  return { name: thread.contact.name, phone: thread.contact.phone };
}

/** The other participants, by name: "with Sam and Alex" on the viewer's cards. */
export function colleaguesOf(thread: Thread, viewerId: UserId): string[] {
  return thread.participants.filter((p) => p.id !== viewerId).map((p) => p.name);
}

/** The card a viewer sees for a message: the contact's message, or an outgoing one with its receipt. */
export function messageCard(
  message: Message,
  thread: Thread,
  viewerId: UserId,
  locale: string,
  media: MediaUrls,
  /** A notice the card of a contact's message says above it (deliver_inbound's notice). */
  notice?: Notice,
): AdaptiveCard {
  const common = {
    message,
    contact: contactOf(thread),
    colleagues: colleaguesOf(thread, viewerId),
    // media: pictures and stickers show as images, other files as a download link
    ...(message.media
      ? showsAsPicture(message)
        ? { pictureUrl: media.urlFor(message.media.id) }
        : { fileUrl: media.urlFor(message.media.id) }
      : {}),
  };
  // The contact's first message says they started the conversation, with the viewer's own
  // name for them (as the card's header), however often the card is drawn again.
  const lead: Notice | undefined = message.opensConversation
    ? { key: 'thread.opened_by_contact', params: { contact: contactOf(thread).name } }
    : notice;
  return message.direction === 'inbound'
    ? inboundMessageCard({ ...common, notice: lead }, locale)
    : messageStatusCard({ ...common, viewerId }, locale);
}

/** A message activity carrying one card (and more, shown as a list). */
export function cardActivity(...cards: AdaptiveCard[]): Partial<Activity> {
  return {
    type: 'message',
    attachments: cards.map(asAttachment),
    ...(cards.length > 1 ? { attachmentLayout: 'list' } : {}),
  };
}

/** How many threads a list shows at most (the card's own limit, MAX_LISTED, is 40). */
export const LISTED_THREADS = 40;

/** The user's conversations as the threads list shows them (the same unread numbers as the tab). */
export function threadSummaries(
  conversations: readonly ConversationSummary[],
  userId: UserId,
): ThreadSummary[] {
  return conversations.map((c) => {
    const last = c.lastWords;
    return {
      threadId: c.id,
      contactName: c.contact.name,
      state: c.state,
      unread: c.unread,
      ...(c.windowExpiresAt !== null ? { windowClosesAt: c.windowExpiresAt } : {}),
      ...(last
        ? {
            lastMessage: {
              from:
                last.direction === 'inbound'
                  ? 'contact'
                  : last.author?.id === userId
                    ? 'you'
                    : 'colleague',
              ...(last.author ? { author: last.author.name } : {}),
              ...(last.body ? { text: last.body } : {}),
              hasPicture: last.media !== undefined,
              at: last.createdAt,
            },
          }
        : {}),
    };
  });
}
