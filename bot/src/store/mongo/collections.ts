/**
 * The MongoDB store's collections and the indexes its queries and its idempotency rest on.
 */
import type { Collection, Db } from 'mongodb';
import type {
  AddressBookDoc,
  ConsentDoc,
  ContactDoc,
  HandledEventDoc,
  MessageCardDoc,
  MessageDoc,
  OrganisationDoc,
  OutboxDoc,
  ThreadDoc,
  TimerDoc,
  UserDoc,
} from './documents.js';
import { HELD_INDEX } from './pending-queue.js';

export interface Collections {
  readonly organisations: Collection<OrganisationDoc>;
  readonly users: Collection<UserDoc>;
  readonly contacts: Collection<ContactDoc>;
  readonly addressBook: Collection<AddressBookDoc>;
  readonly threads: Collection<ThreadDoc>;
  readonly messages: Collection<MessageDoc>;
  readonly handledEvents: Collection<HandledEventDoc>;
  readonly outbox: Collection<OutboxDoc>;
  readonly timers: Collection<TimerDoc>;
  readonly consentRecords: Collection<ConsentDoc>;
  readonly messageCards: Collection<MessageCardDoc>;
}

export function collections(db: Db): Collections {
  return {
    organisations: db.collection<OrganisationDoc>('organisations'),
    users: db.collection<UserDoc>('users'),
    contacts: db.collection<ContactDoc>('contacts'),
    addressBook: db.collection<AddressBookDoc>('address_book'),
    threads: db.collection<ThreadDoc>('threads'),
    messages: db.collection<MessageDoc>('messages'),
    handledEvents: db.collection<HandledEventDoc>('handled_events'),
    outbox: db.collection<OutboxDoc>('outbox'),
    timers: db.collection<TimerDoc>('timers'),
    consentRecords: db.collection<ConsentDoc>('consent_records'),
    messageCards: db.collection<MessageCardDoc>('message_cards'),
  };
}

/** Index names that the store recognises in duplicate-key errors. */
export const ONE_OPEN_THREAD = 'one_open_thread';
export const UNIQUE_WA_MESSAGE_ID = 'unique_wa_message_id';

/**
 * Create the indexes (a no-op when they exist), one createIndexes command per collection.
 * This also creates the collections, which a transaction cannot do on servers before 4.4.
 */
export async function ensureIndexes(c: Collections): Promise<void> {
  await Promise.all([
    c.organisations.createIndexes([{ key: { businessNumberIds: 1 }, name: 'by_business_number' }]),
    c.users.createIndexes([{ key: { tenantId: 1, name: 1, _id: 1 }, name: 'by_tenant' }]),
    c.contacts.createIndexes([{ key: { businessNumberId: 1, phone: 1 }, name: 'by_phone' }]),
    c.addressBook.createIndexes([{ key: { userId: 1, name: 1, contactId: 1 }, name: 'by_user' }]),
    c.threads.createIndexes([
      // A contact sees one chat with the business: one open thread per (number, contact).
      // Partial indexes cannot use $ne, hence the `open` flag rather than state != 'closed'.
      {
        key: { businessNumberId: 1, contactId: 1 },
        name: ONE_OPEN_THREAD,
        unique: true,
        partialFilterExpression: { open: true },
      },
      { key: { businessNumberId: 1, contactId: 1, createdAt: -1 }, name: 'by_contact' },
      { key: { participantIds: 1, updatedAt: -1 }, name: 'by_participant' },
    ]),
    c.messages.createIndexes([
      // A WhatsApp message is taken in once; messages not yet accepted have no id.
      {
        key: { waMessageId: 1 },
        name: UNIQUE_WA_MESSAGE_ID,
        unique: true,
        partialFilterExpression: { waMessageId: { $type: 'string' } },
      },
      { key: { threadId: 1, seq: 1 }, name: 'by_thread' },
      // The message record export (CDR): by creation time across threads. On `data.createdAt`,
      // which every stored message has, so existing documents need no backfill.
      { key: { 'data.createdAt': 1, threadId: 1, seq: 1 }, name: 'by_time' },
      // pending queues (issue 11 item 4)
      HELD_INDEX,
    ]),
    // Creating an index also creates the collection before any transaction writes to it.
    c.handledEvents.createIndexes([{ key: { handledAt: 1 }, name: 'by_time' }]),
    c.outbox.createIndexes([
      // Also what claimEffects' per-thread "oldest first" sort and check walk.
      { key: { threadId: 1, seq: 1 }, name: 'thread_order', unique: true },
      { key: { notBefore: 1 }, name: 'by_due' },
    ]),
    c.timers.createIndexes([
      { key: { threadId: 1, timer: 1 }, name: 'one_per_thread', unique: true },
      { key: { at: 1 }, name: 'by_due' },
    ]),
    c.consentRecords.createIndexes([
      { key: { businessNumberId: 1, contactId: 1, at: 1 }, name: 'by_contact' },
      { key: { at: 1 }, name: 'by_time' },
    ]),
    c.messageCards.createIndexes([{ key: { userId: 1, activityId: 1 }, name: 'by_activity' }]),
  ]);
}
