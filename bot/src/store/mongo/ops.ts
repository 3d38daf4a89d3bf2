/** The MongoDB side of the operations port (ops-port.ts, issue 12). */
import { GridFSBucket, ObjectId, type Collection, type Db } from 'mongodb';
import type { Millis } from '../../core/types.js';
import {
  FINAL_STATUSES,
  suppressionKey,
  type AlarmRecord,
  type ContactData,
  type ErasureResult,
  type OpenThreadCount,
  type OpsStore,
  type OutboxStats,
  type TimerStats,
} from '../ops-port.js';
import {
  messageFromDoc,
  plain,
  threadFromDoc,
  type AddressBookDoc,
  type ConsentDoc,
  type ContactDoc,
  type MessageCardDoc,
  type MessageDoc,
  type OutboxDoc,
  type ThreadDoc,
  type TimerDoc,
} from './documents.js';
import { isDuplicateKey } from './errors.js';

interface ProbeDoc {
  _id: string;
  at: number;
}
interface JobLeaseDoc {
  _id: string;
  owner: string;
  leaseUntil: number;
}
interface AlarmDoc {
  _id: string;
  data: AlarmRecord;
}
interface SuppressionDoc {
  _id: string;
  at: number;
}

const digits = (phone: string) => phone.replace(/\D/g, '');

export class MongoOps implements OpsStore {
  private readonly probe: Collection<ProbeDoc>;
  private readonly jobs: Collection<JobLeaseDoc>;
  private readonly alarms: Collection<AlarmDoc>;
  private readonly outbox: Collection<OutboxDoc>;
  private readonly timers: Collection<TimerDoc>;
  private readonly threads: Collection<ThreadDoc>;
  private readonly messages: Collection<MessageDoc>;
  private readonly cards: Collection<MessageCardDoc>;
  private readonly contacts: Collection<ContactDoc>;
  private readonly addressBook: Collection<AddressBookDoc>;
  private readonly consents: Collection<ConsentDoc>;
  private readonly suppressions: Collection<SuppressionDoc>;
  private readonly bucket: GridFSBucket;

  constructor(db: Db) {
    this.messages = db.collection('messages');
    this.cards = db.collection('message_cards');
    this.contacts = db.collection('contacts');
    this.addressBook = db.collection('address_book');
    this.consents = db.collection('consent_records');
    this.suppressions = db.collection('suppressions');
    this.bucket = new GridFSBucket(db, { bucketName: 'media' });
    this.probe = db.collection('ops_probe');
    this.jobs = db.collection('job_leases');
    this.alarms = db.collection('alarms');
    this.outbox = db.collection('outbox');
    this.timers = db.collection('timers');
    this.threads = db.collection('threads');
  }

  async probeCommit(owner: string, now: Millis): Promise<void> {
    await this.probe.updateOne(
      { _id: owner },
      { $set: { at: now } },
      { upsert: true, writeConcern: { w: 'majority' } },
    );
  }

  async acquireJobLease(
    name: string,
    owner: string,
    now: Millis,
    leaseMs: Millis,
  ): Promise<boolean> {
    try {
      const taken = await this.jobs.findOneAndUpdate(
        { _id: name, $or: [{ owner }, { leaseUntil: { $lte: now } }] },
        { $set: { owner, leaseUntil: now + leaseMs } },
        { upsert: true, returnDocument: 'after' },
      );
      return taken?.owner === owner;
    } catch (error) {
      // The upsert raced another owner holding a live lease: theirs.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.jobs.deleteMany({ owner });
    await this.timers.updateMany({ owner }, { $set: { owner: null, leaseUntil: null } });
    await this.outbox.updateMany({ owner }, { $set: { owner: null, leaseUntil: null } });
    await this.probe.deleteOne({ _id: owner });
  }

  async outboxStats(): Promise<OutboxStats> {
    const depth = await this.outbox.countDocuments();
    const oldest = await this.outbox.find().sort({ createdAt: 1 }).limit(1).next();
    return { depth, oldestCreatedAt: oldest?.createdAt };
  }

  async timerStats(now: Millis, lateAfterMs: Millis): Promise<TimerStats> {
    const due = await this.timers.countDocuments({ at: { $lte: now } });
    const late = await this.timers.countDocuments({ at: { $lt: now - lateAfterMs } });
    return { due, late };
  }

  async openThreads(now: Millis, windowMs: Millis): Promise<OpenThreadCount[]> {
    const rows = await this.threads
      .aggregate<{
        _id: { state: OpenThreadCount['state']; window: 'open' | 'closed' };
        count: number;
      }>([
        { $match: { open: true } },
        {
          $group: {
            _id: {
              state: '$state',
              window: {
                $cond: [
                  { $gt: [{ $ifNull: ['$data.lastInboundAt', 0] }, now - windowMs] },
                  'open',
                  'closed',
                ],
              },
            },
            count: { $sum: 1 },
          },
        },
      ])
      .toArray();
    return rows
      .map((r) => ({ state: r._id.state, window: r._id.window, count: r.count }))
      .sort((a, b) => `${a.state}${a.window}`.localeCompare(`${b.state}${b.window}`));
  }

  async getAlarm(key: string): Promise<AlarmRecord | undefined> {
    return (await this.alarms.findOne({ _id: key }))?.data;
  }

  async putAlarm(record: AlarmRecord): Promise<void> {
    await this.alarms.replaceOne({ _id: record.key }, { data: record }, { upsert: true });
  }

  async listAlarms(): Promise<AlarmRecord[]> {
    return (await this.alarms.find().sort({ _id: 1 }).toArray()).map((d) => d.data);
  }

  // retention and erasure

  async deleteMessagesBefore(before: Millis, limit: number): Promise<number> {
    const docs = await this.messages
      .find(
        { 'data.status': { $in: [...FINAL_STATUSES] }, 'data.createdAt': { $lt: before } },
        { projection: { _id: 1, 'data.media.id': 1 } },
      )
      .sort({ 'data.createdAt': 1 })
      .limit(limit)
      .toArray();
    await this.deleteMessages(docs);
    return docs.length;
  }

  async contactData(phone: string): Promise<ContactData> {
    const { contactIds, threadIds } = await this.ownedBy(phone);
    return {
      contacts: (await this.contacts.find({ _id: { $in: contactIds } }).toArray()).map(
        (d) => d.data,
      ),
      addressBook: (await this.addressBook.find({ contactId: { $in: contactIds } }).toArray()).map(
        (d) => ({ userId: d.userId, contactId: d.contactId, name: d.name }),
      ),
      threads: (await this.threads.find({ _id: { $in: threadIds } }).toArray()).map(threadFromDoc),
      messages: (
        await this.messages
          .find({ threadId: { $in: threadIds } })
          .sort({ threadId: 1, seq: 1 })
          .toArray()
      ).map(messageFromDoc),
      consentRecords: (
        await this.consents
          .find({ contactId: { $in: contactIds } })
          .sort({ at: 1, _id: 1 })
          .toArray()
      ).map((d) => d.data),
      suppressed: await this.isSuppressed(phone),
    };
  }

  async eraseContact(
    phone: string,
    options: { readonly keepConsentProof: boolean; readonly now: Millis },
  ): Promise<ErasureResult> {
    const key = suppressionKey(phone);
    const { contactIds, threadIds } = await this.ownedBy(phone);
    const contacts = await this.contacts.find({ _id: { $in: contactIds } }).toArray();
    const optedOut = contacts.some((c) => c.data.optedOutAt !== undefined);
    // The suppression entry first: an erasure cut short never loses an opt-out.
    if (optedOut) {
      await this.suppressions.updateOne(
        { _id: key },
        { $setOnInsert: { at: options.now } },
        { upsert: true },
      );
    }
    const messages = await this.messages
      .find({ threadId: { $in: threadIds } }, { projection: { _id: 1, 'data.media.id': 1 } })
      .toArray();
    const media = await this.deleteMessages(messages);
    await this.outbox.deleteMany({ threadId: { $in: threadIds } });
    await this.timers.deleteMany({ threadId: { $in: threadIds } });
    await this.threads.deleteMany({ _id: { $in: threadIds } });
    await this.addressBook.deleteMany({ contactId: { $in: contactIds } });
    const consents = await this.consents.find({ contactId: { $in: contactIds } }).toArray();
    if (options.keepConsentProof) {
      const erasedId = `erased:${key.slice(0, 16)}`;
      for (const c of consents) {
        await this.consents.updateOne(
          { _id: c._id },
          {
            $set: {
              contactId: erasedId,
              data: plain({ ...c.data, contactId: erasedId, text: undefined }),
            },
          },
        );
      }
    } else {
      await this.consents.deleteMany({ contactId: { $in: contactIds } });
    }
    await this.contacts.deleteMany({ _id: { $in: contactIds } });
    return {
      contacts: contacts.length,
      threads: threadIds.length,
      messages: messages.length,
      media,
      consentRecords: consents.length,
      suppressed: optedOut || (await this.isSuppressed(phone)),
    };
  }

  async isSuppressed(phone: string): Promise<boolean> {
    return (await this.suppressions.countDocuments({ _id: suppressionKey(phone) })) > 0;
  }

  private async ownedBy(phone: string): Promise<{ contactIds: string[]; threadIds: string[] }> {
    const forms = [digits(phone), `+${digits(phone)}`];
    const contactIds = (
      await this.contacts.find({ phone: { $in: forms } }, { projection: { _id: 1 } }).toArray()
    ).map((d) => d._id);
    const threads = await this.threads
      .find({ 'data.contact.phone': { $in: forms } }, { projection: { _id: 1, contactId: 1 } })
      .toArray();
    // A thread's contact id counts even when no contact record was written.
    const ids = new Set([...contactIds, ...threads.map((t) => t.contactId)]);
    return { contactIds: [...ids], threadIds: threads.map((t) => t._id) };
  }

  /** Deletes the messages, their cards and their media; returns how many media went. */
  private async deleteMessages(docs: readonly Pick<MessageDoc, '_id' | 'data'>[]): Promise<number> {
    const ids = docs.map((d) => d._id);
    if (ids.length === 0) return 0;
    await this.cards.deleteMany({ messageId: { $in: ids } });
    await this.messages.deleteMany({ _id: { $in: ids } });
    let media = 0;
    for (const d of docs) {
      const id = d.data?.media?.id;
      if (!id || !ObjectId.isValid(id) || id.length !== 24) continue;
      await this.bucket.delete(new ObjectId(id)).catch(() => undefined);
      media++;
    }
    return media;
  }
}
