/**
 * From what the store keeps to what a card shows: a message's card for one viewer (the
 * contact's message with Reply, or an outgoing message with its receipt), the user's threads
 * and contacts as the list cards want them.
 */
import type { Activity } from 'botbuilder';
import { WINDOW, type Message, type Thread, type UserId } from '../core/types.js';
import type { Store } from '../store/port.js';
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

export interface AddressBookContact extends CardContact {
  readonly id: string;
  readonly businessNumberId: string;
}

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
  return message.direction === 'inbound'
    ? inboundMessageCard(common, locale)
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

/** The user's contacts, with their numbers, by name. */
export async function addressBook(store: Store, userId: UserId): Promise<AddressBookContact[]> {
  const entries = await store.listAddressBook(userId);
  const contacts: AddressBookContact[] = [];
  for (const entry of entries) {
    const contact = await store.getContact(entry.contactId);
    if (contact)
      contacts.push({
        id: contact.id,
        name: entry.name,
        phone: contact.phone,
        businessNumberId: contact.businessNumberId,
      });
  }
  return contacts;
}

/** How many threads a list shows at most (the card's own limit, MAX_LISTED, is 40). */
const LISTED_THREADS = 40;

/** The user's threads as the threads list shows them, most recent first. */
export async function threadSummaries(store: Store, userId: UserId): Promise<ThreadSummary[]> {
  const threads = (await store.listThreadsForUser(userId)).slice(0, LISTED_THREADS);
  const summaries: ThreadSummary[] = [];
  for (const thread of threads) {
    const last = (await store.listMessages(thread.id))
      .filter((m) => m.body !== undefined || m.media !== undefined)
      .at(-1);
    summaries.push({
      threadId: thread.id,
      contactName: thread.contact.name,
      state: thread.state,
      ...(thread.lastInboundAt !== undefined
        ? { windowClosesAt: thread.lastInboundAt + WINDOW }
        : {}),
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
    });
  }
  return summaries;
}
