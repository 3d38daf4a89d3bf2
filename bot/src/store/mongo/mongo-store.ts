/**
 * The production store: MongoDB through the official driver, shared by any number of
 * stateless instances. It needs a replica set (Atlas, a self-hosted replica set, Cosmos DB
 * for MongoDB vCore) because `apply` runs in a multi-document transaction.
 */
import * as gather from './gather.js';
import { randomUUID } from 'node:crypto';
import {
  MongoClient,
  type ClientSession,
  type Collection,
  type Db,
  type TransactionOptions,
} from 'mongodb';
import type {
  ConsentRecord,
  MediaRef,
  Message,
  Millis,
  Thread,
  Transition,
} from '../../core/types.js';
import {
  OpenThreadExistsError,
  type AddressBookEntry,
  type ApplyOptions,
  type BudgetClaim,
  type BudgetGrant,
  type ContactRecord,
  type HotQuery,
  type MessageCard,
  type ThreadCard,
  type MessageInThread,
  type MessageRange,
  type Organisation,
  type OutboxItem,
  type QueryPlan,
  type SchemaMigrations,
  type Participation,
  type PutMediaOptions,
  type Store,
  type TimerItem,
  type UserRecord,
} from '../port.js';
import { applyTransition, OpenThreadRace } from './apply-transition.js';
import { collections, type Collections } from './collections.js';
import {
  addressBookId,
  messageCardId,
  messageFromDoc,
  plain,
  threadFromDoc,
  type ConsentDoc,
  type MessageCardDoc,
  type MessageDoc,
  type ThreadDoc,
} from './documents.js';
import { claimEventKeyOnce } from './event-keys.js';
import { cdrPipeline, messagesOfThread, threadsForUser, waMessageIdIs } from './hot-queries.js';
import { migrateIndexes, MongoMigrationLedger } from './index-migrations.js';
import * as budgets from './budgets.js';
import { MongoChatArrivals } from './chat-arrivals.js';
import * as leases from './leases.js';
import type { Lane } from '../lanes.js'; // replycpu (issue 11)
import * as participations from './participations.js';
import * as threadCards from './thread-cards.js';
import { MediaBucket } from './media-bucket.js';
import { MongoOps } from './ops.js';
import { heldMessages, upgradePendingLists } from './pending-queue.js';
import { MongoTabQueries, recordTabChanges, tabCollections, type TabCollections } from './tab.js';
import { explainMongo } from './query-plans.js';
import { DURABLE, MAJORITY } from './write-concern.js';
// keepboth (issue 10 item 4)
import { addressBookEntryOfDoc, addressBookUpdate } from './address-book.js';

export interface MongoStoreOptions {
  /** The database; defaults to the one named in the URI, else `whatsapp_teams`. */
  readonly dbName?: string;
}

const TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: MAJORITY,
  readPreference: 'primary',
};

/** The database named in a mongodb:// or mongodb+srv:// URI's path, if any. */
export function databaseInUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(uri);
  return match?.[1] !== undefined ? decodeURIComponent(match[1]) : undefined;
}

export class MongoStore implements Store {
  private readonly collections: Collections;
  private readonly media: MediaBucket;
  /** ops (issue 12): readiness, job leases, metrics figures, alarms. */
  readonly ops: MongoOps;
  private readonly tabC: TabCollections;
  private readonly tab: MongoTabQueries;
  /** The index migrations this store applied when it connected. */
  private appliedNow: readonly number[] = [];
  private readonly participations: Collection<participations.ParticipationDoc>;
  /** reply (issue 10 item 1): chat arrivals. */
  private readonly arrivals: MongoChatArrivals;

  /** Use `MongoStore.connect`; this takes a connected client and a database whose indexes exist. */
  constructor(
    private readonly client: MongoClient,
    readonly db: Db,
    private readonly ownsClient: boolean,
  ) {
    this.collections = collections(db);
    this.media = new MediaBucket(db);
    this.ops = new MongoOps(db, this.collections);
    this.participations = participations.participationsOf(db);
    this.arrivals = new MongoChatArrivals(db);
    this.tabC = tabCollections(db, this.collections);
    this.tab = new MongoTabQueries(
      this.tabC,
      (fn) => this.transaction(fn),
      async (threadId, userId) => (await this.getParticipation(threadId, userId))?.lastReadSeq ?? 0,
    );
  }

  /**
   * Connect, apply the index migrations not yet applied (waiting while another instance
   * applies them), and hand back a store that closes the client on close().
   */
  static async connect(uri: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
    const client = new MongoClient(uri);
    await client.connect();
    try {
      const db = client.db(options.dbName ?? databaseInUri(uri) ?? 'whatsapp_teams');
      const store = new MongoStore(client, db, true);
      store.appliedNow = await migrateIndexes(db);
      await upgradePendingLists(store.collections);
      return store;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  // organisations and users

  async putOrganisation(org: Organisation): Promise<void> {
    // issue 8: a number moving between tenants leaves its old organisation, in one transaction.
    await participations.putOrganisation(
      this.client,
      this.collections.organisations,
      org,
      TRANSACTION,
    );
  }

  async getOrganisation(tenantId: string): Promise<Organisation | undefined> {
    return (await this.collections.organisations.findOne({ _id: tenantId }))?.data;
  }

  async getOrganisationByBusinessNumber(phoneNumberId: string): Promise<Organisation | undefined> {
    return (await this.collections.organisations.findOne({ businessNumberIds: phoneNumberId }))
      ?.data;
  }

  async putUser(user: UserRecord): Promise<void> {
    await this.collections.users.replaceOne(
      { _id: user.id },
      { tenantId: user.tenantId, name: user.name, data: plain(user) },
      { upsert: true },
    );
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return (await this.collections.users.findOne({ _id: id }))?.data;
  }

  async listUsers(tenantId: string): Promise<UserRecord[]> {
    const docs = await this.collections.users
      .find({ tenantId })
      .sort({ name: 1, _id: 1 })
      .toArray();
    return docs.map((doc) => doc.data);
  }

  // contacts

  async putContact(contact: ContactRecord): Promise<void> {
    await this.collections.contacts.replaceOne(
      { _id: contact.id },
      { businessNumberId: contact.businessNumberId, phone: contact.phone, data: plain(contact) },
      { upsert: true },
    );
  }

  async getContact(id: string): Promise<ContactRecord | undefined> {
    return (await this.collections.contacts.findOne({ _id: id }))?.data;
  }

  async findContactByPhone(
    businessNumberId: string,
    phone: string,
  ): Promise<ContactRecord | undefined> {
    const docs = await this.collections.contacts
      .find({ businessNumberId, phone })
      .sort({ _id: 1 })
      .limit(1)
      .toArray();
    return docs[0]?.data;
  }

  // keepboth (issue 10 item 4): with the entry's other names (aliases, address-book.ts).
  async putAddressBookEntry(entry: AddressBookEntry): Promise<void> {
    await this.collections.addressBook.updateOne(
      { _id: addressBookId(entry.userId, entry.contactId) },
      addressBookUpdate(entry),
      { upsert: true },
    );
  }

  async listAddressBook(userId: string): Promise<AddressBookEntry[]> {
    const docs = await this.collections.addressBook
      .find({ userId })
      .sort({ name: 1, contactId: 1 })
      .toArray();
    return docs.map(addressBookEntryOfDoc);
  }

  // threads and messages

  async getThread(id: string): Promise<Thread | undefined> {
    const doc = await this.collections.threads.findOne({ _id: id });
    return doc ? threadFromDoc(doc) : undefined;
  }

  async findOpenThread(businessNumberId: string, contactId: string): Promise<Thread | undefined> {
    const doc = await this.collections.threads.findOne({ businessNumberId, contactId, open: true });
    return doc ? threadFromDoc(doc) : undefined;
  }

  async findLatestThread(businessNumberId: string, contactId: string): Promise<Thread | undefined> {
    const docs = await this.collections.threads
      .find({ businessNumberId, contactId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(1)
      .toArray();
    return docs[0] ? threadFromDoc(docs[0]) : undefined;
  }

  async listThreadsForUser(userId: string): Promise<Thread[]> {
    const { filter, sort } = threadsForUser(userId);
    const docs = await this.collections.threads.find(filter).sort(sort).toArray();
    return docs.map(threadFromDoc);
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const doc = await this.collections.messages.findOne({ _id: id });
    return doc ? messageFromDoc(doc) : undefined;
  }

  async getMessageByWaId(waMessageId: string): Promise<Message | undefined> {
    const doc = await this.collections.messages.findOne(waMessageIdIs(waMessageId));
    return doc ? messageFromDoc(doc) : undefined;
  }

  async listMessages(threadId: string): Promise<Message[]> {
    const { filter, sort } = messagesOfThread(threadId);
    const docs = await this.collections.messages.find(filter).sort(sort).toArray();
    return docs.map(messageFromDoc);
  }

  // pending queues (issue 11 item 4)
  async listHeldMessages(threadId: string): Promise<Message[]> {
    return heldMessages(this.collections, threadId);
  }

  async listMessagesBetween(range: MessageRange): Promise<MessageInThread[]> {
    // MongoDB refuses `$limit: 0`; an empty page needs no query.
    if (range.limit <= 0) return [];
    const docs = await this.collections.messages
      .aggregate<MessageDoc & { thread: Pick<ThreadDoc, 'businessNumberId' | 'data'> }>(
        cdrPipeline(range, this.collections.threads.collectionName),
      )
      .toArray();
    return docs.map((doc) => ({
      message: messageFromDoc(doc),
      businessNumberId: doc.thread.businessNumberId,
      contact: doc.thread.data.contact,
    }));
  }

  // tab (issue 9): see tab.ts

  listInbox: Store['listInbox'] = (query) => this.tab.listInbox(query);
  getInboxEntry: Store['getInboxEntry'] = (userId, threadId) =>
    this.tab.getInboxEntry(userId, threadId);
  listMessagePage: Store['listMessagePage'] = (threadId, beforeSeq, limit) =>
    this.tab.listMessagePage(threadId, beforeSeq, limit);
  listChanges: Store['listChanges'] = (userId, afterSeq, limit) =>
    this.tab.listChanges(userId, afterSeq, limit);
  lastChangeSeq: Store['lastChangeSeq'] = (userId) => this.tab.lastChangeSeq(userId);
  listAllUsers: Store['listAllUsers'] = (limit) => this.tab.listAllUsers(limit);

  private async transaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = this.client.startSession();
    try {
      let result: T | undefined;
      await session.withTransaction(async () => {
        result = await fn(session);
      }, TRANSACTION);
      return result as T;
    } finally {
      await session.endSession();
    }
  }

  async apply(transition: Transition, options: ApplyOptions): Promise<void> {
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        await applyTransition(this.collections, session, transition, options);
        // issue 8: participation history, in the same transaction.
        await participations.writeParticipations(
          this.participations,
          session,
          transition.thread,
          options.now,
        );
        // tab (issue 9): inboxes and the per-user change log, in this same transaction.
        await recordTabChanges(this.tabC, session, transition, options.now);
      }, TRANSACTION);
    } catch (error) {
      if (!(error instanceof OpenThreadRace)) throw error;
      const { thread } = error;
      const open = await this.findOpenThread(thread.businessNumberId, thread.contact.id);
      throw new OpenThreadExistsError(open?.id ?? thread.id);
    } finally {
      await session.endSession();
    }
  }

  async hasHandledEvent(eventKey: string): Promise<boolean> {
    return (
      (await this.collections.handledEvents.countDocuments({ _id: eventKey }, { limit: 1 })) > 0
    );
  }

  async claimEventKey(eventKey: string, now: Millis): Promise<boolean> {
    // The _id is unique: whoever inserted first claimed it, on any instance; a claim whose
    // reply was lost is read back by its claim id (event-keys.ts).
    return claimEventKeyOnce(
      {
        insert: async (key, claimId) => {
          await this.collections.handledEvents.insertOne(
            { _id: key, handledAt: now, claimId },
            DURABLE,
          );
        },
        claimIdOf: async (key) => {
          const doc = await this.collections.handledEvents.findOne(
            { _id: key },
            { readPreference: 'primary' },
          );
          return doc ? (doc.claimId ?? '') : null;
        },
      },
      eventKey,
      randomUUID(),
    );
  }

  async markMessagePossiblyDuplicate(id: string): Promise<void> {
    await this.collections.messages.updateOne({ _id: id }, { $set: { possiblyDuplicate: true } });
  }

  // outbox

  claimEffects(
    owner: string,
    now: Millis,
    leaseMs: Millis,
    limit: number,
    lane?: Lane, // replycpu (issue 11): one lane's effects
  ): Promise<OutboxItem[]> {
    return leases.claimEffects(this.collections, owner, now, leaseMs, limit, lane);
  }

  completeEffect(id: string, owner: string): Promise<void> {
    return leases.completeEffect(this.collections, id, owner);
  }

  retryEffect(id: string, owner: string, notBefore: Millis, error: string): Promise<void> {
    return leases.retryEffect(this.collections, id, owner, notBefore, error);
  }

  countPendingEffects(threadId?: string): Promise<number> {
    return leases.countPendingEffects(this.collections, threadId);
  }

  // Delivery under load: waiting without counting, budgets shared across instances.

  deferEffect(id: string, owner: string, notBefore: Millis): Promise<void> {
    return leases.deferEffect(this.collections, id, owner, notBefore);
  }

  takeBudget(
    claims: readonly BudgetClaim[],
    now: Millis,
    leaseMs: Millis,
  ): Promise<BudgetGrant[][]> {
    return budgets.takeBudget(this.client, this.db, claims, now, leaseMs);
  }

  // timers

  claimDueTimers(owner: string, now: Millis, leaseMs: Millis, limit: number): Promise<TimerItem[]> {
    return leases.claimDueTimers(this.collections, owner, now, leaseMs, limit);
  }

  completeTimer(id: string, owner: string): Promise<void> {
    return leases.completeTimer(this.collections, id, owner);
  }

  // proof of consent

  async listConsentRecords(filter: {
    businessNumberId?: string;
    contactId?: string;
  }): Promise<ConsentRecord[]> {
    const query: Partial<Pick<ConsentDoc, 'businessNumberId' | 'contactId'>> = {};
    if (filter.businessNumberId !== undefined) query.businessNumberId = filter.businessNumberId;
    if (filter.contactId !== undefined) query.contactId = filter.contactId;
    // Same time: in commit order (the sequence given in apply), across every process.
    const docs = await this.collections.consentRecords
      .find(query)
      .sort({ at: 1, seq: 1 })
      .toArray();
    return docs.map((doc) => doc.data);
  }

  // reply (issue 10 item 1): chat arrivals (chat-arrivals.ts)

  async noteArrival(userId: string, threadId: string, at: Millis): Promise<void> {
    await this.arrivals.note(userId, threadId, at);
  }

  async clearArrivals(userId: string, upTo: Millis): Promise<void> {
    await this.arrivals.clear(userId, upTo);
  }

  async listArrivals(userId: string): Promise<string[]> {
    return this.arrivals.list(userId);
  }

  // Teams cards

  async putMessageCard(card: MessageCard): Promise<void> {
    await this.collections.messageCards.replaceOne(
      { _id: messageCardId(card.messageId, card.userId) },
      {
        messageId: card.messageId,
        userId: card.userId,
        activityId: card.activityId,
        conversationId: card.conversationId,
      },
      { upsert: true },
    );
  }

  async getMessageCard(messageId: string, userId: string): Promise<MessageCard | undefined> {
    const doc = await this.collections.messageCards.findOne({
      _id: messageCardId(messageId, userId),
    });
    return doc ? messageCardFromDoc(doc) : undefined;
  }

  async findMessageCardByActivity(
    userId: string,
    activityId: string,
  ): Promise<MessageCard | undefined> {
    const docs = await this.collections.messageCards
      .find({ userId, activityId })
      .sort({ messageId: 1 })
      .limit(1)
      .toArray();
    return docs[0] ? messageCardFromDoc(docs[0]) : undefined;
  }

  // release (issue 10): conversation cards, updated in place (thread-cards.ts)

  async putThreadCard(card: ThreadCard): Promise<void> {
    await threadCards.putThreadCard(threadCards.threadCardsOf(this.db), card);
  }

  async listThreadCards(threadId: string, userId: string, limit: number): Promise<ThreadCard[]> {
    return threadCards.listThreadCards(threadCards.threadCardsOf(this.db), threadId, userId, limit);
  }

  // gather (issue 11 item 2): gathered cards

  listMessageCardsByActivity(userId: string, activityId: string): Promise<MessageCard[]> {
    return gather.listMessageCardsByActivity(this.collections, userId, activityId);
  }

  listWaitingTeamsEffects(
    threadId: string,
    afterSeq: number,
    limit: number,
  ): Promise<OutboxItem[]> {
    return gather.listWaitingTeamsEffects(this.collections, threadId, afterSeq, limit);
  }
  async listMessagesWaitingFor(
    userId: string,
    limit: number,
  ): Promise<{ threadId: string; messageId: string }[]> {
    return gather.listMessagesWaitingFor(this.collections, userId, limit);
  }

  // participation and read positions (issue 8)

  async listParticipations(
    userId: string,
  ): Promise<{ thread: Thread; participation: Participation }[]> {
    return participations.listParticipations(this.collections, this.participations, userId);
  }

  async getParticipation(threadId: string, userId: string): Promise<Participation | undefined> {
    return participations.getParticipation(this.collections, this.participations, threadId, userId);
  }

  async markRead(threadId: string, userId: string, seq: number): Promise<void> {
    const before = await this.getParticipation(threadId, userId);
    await participations.markRead(this.collections, this.participations, threadId, userId, seq);
    // tab (issue 9): a read position that moved is a change for the user's other tabs.
    if (before && seq > before.lastReadSeq) await this.tab.logRead(userId, threadId);
  }

  // media

  putMedia(
    bytes: Uint8Array,
    mimeType: string,
    caption?: string,
    options?: PutMediaOptions,
  ): Promise<MediaRef> {
    // media once: media-bucket.ts
    return this.media.put(bytes, mimeType, caption, options);
  }

  getMedia(id: string): Promise<{ ref: MediaRef; bytes: Uint8Array } | undefined> {
    return this.media.get(id);
  }

  // query plans and schema migrations (issue 13)

  explainQuery(query: HotQuery): Promise<QueryPlan> {
    return explainMongo(this.db, query);
  }

  async schemaMigrations(): Promise<SchemaMigrations> {
    return { applied: await new MongoMigrationLedger(this.db).list(), appliedNow: this.appliedNow };
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}

function messageCardFromDoc(doc: MessageCardDoc): MessageCard {
  return {
    messageId: doc.messageId,
    userId: doc.userId,
    activityId: doc.activityId,
    conversationId: doc.conversationId,
  };
}
