/**
 * The MongoDB store's collections and the indexes its queries and its idempotency rest on.
 */
import type { Collection, Db } from 'mongodb';
import type {
  AddressBookDoc,
  ConsentDoc,
  ContactDoc,
  CounterDoc,
  HandledEventDoc,
  MessageCardDoc,
  MessageDoc,
  OrganisationDoc,
  OutboxDoc,
  ThreadDoc,
  TimerDoc,
  UserDoc,
} from './documents.js';
import type { UniqueIndex } from './errors.js';

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
  readonly counters: Collection<CounterDoc>;
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
    counters: db.collection<CounterDoc>('counters'),
  };
}

/** Delivery under load: the outbox's lanes and its due effects, for claimEffects. */
export const LANE_ORDER = 'lane_order';
export const DUE_ORDER = 'due_order';

/**
 * The unique indexes whose duplicate-key errors the store tells apart (errors.ts). The indexes
 * themselves are created by the versioned migrations in index-migrations.ts.
 */
export const ONE_OPEN_THREAD: UniqueIndex = {
  name: 'one_open_thread',
  key: { businessNumberId: 1, contactId: 1 },
};
export const UNIQUE_WA_MESSAGE_ID: UniqueIndex = {
  name: 'unique_wa_message_id',
  key: { waMessageId: 1 },
};
