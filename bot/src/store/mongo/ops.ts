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
import { messageFromDoc, plain, threadFromDoc, type MessageDoc } from './documents.js';
import { collections, type Collections } from './collections.js';
import { isDuplicateKey } from './errors.js';
import { addressBookEntryOfDoc } from './address-book.js';

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
  private readonly suppressions: Collection<SuppressionDoc>;
  private readonly bucket: GridFSBucket;

  /** The store's own collections (collections.ts), shared with MongoStore. */
  constructor(
    db: Db,
    private readonly c: Collections = collections(db),
  ) {
    this.suppressions = db.collection('suppressions');
    this.bucket = new GridFSBucket(db, { bucketName: 'media' });
    this.probe = db.collection('ops_probe');
    this.jobs = db.collection('job_leases');
    this.alarms = db.collection('alarms');
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
    await this.c.timers.updateMany({ owner }, { $set: { owner: null, leaseUntil: null } });
    await this.c.outbox.updateMany({ owner }, { $set: { owner: null, leaseUntil: null } });
    await this.probe.deleteOne({ _id: owner });
  }

  async outboxStats(): Promise<OutboxStats> {
    const depth = await this.c.outbox.countDocuments();
    const oldest = await this.c.outbox.find().sort({ createdAt: 1 }).limit(1).next();
    return { depth, oldestCreatedAt: oldest?.createdAt };
  }

  async timerStats(now: Millis, lateAfterMs: Millis): Promise<TimerStats> {
    const due = await this.c.timers.countDocuments({ at: { $lte: now } });
    const late = await this.c.timers.countDocuments({ at: { $lt: now - lateAfterMs } });
    return { due, late };
  }

  async openThreads(now: Millis, windowMs: Millis): Promise<OpenThreadCount[]> {
    const rows = await this.c.threads
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

  async deleteAlarm(key: string, since?: Millis): Promise<void> {
    await this.alarms.deleteOne(
      since === undefined ? { _id: key } : { _id: key, 'data.since': since },
    );
  }

  async listAlarms(): Promise<AlarmRecord[]> {
    return (await this.alarms.find().sort({ _id: 1 }).toArray()).map((d) => d.data);
  }

  // retention and erasure

  async deleteMessagesBefore(before: Millis, limit: number): Promise<number> {
    const docs = await this.c.messages
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
      contacts: (await this.c.contacts.find({ _id: { $in: contactIds } }).toArray()).map(
        (d) => d.data,
      ),
      addressBook: (
        await this.c.addressBook.find({ contactId: { $in: contactIds } }).toArray()
      ).map(addressBookEntryOfDoc),
      threads: (await this.c.threads.find({ _id: { $in: threadIds } }).toArray()).map(
        threadFromDoc,
      ),
      messages: (
        await this.c.messages
          .find({ threadId: { $in: threadIds } })
          .sort({ threadId: 1, seq: 1 })
          .toArray()
      ).map(messageFromDoc),
      consentRecords: (
        await this.c.consentRecords
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
    const contacts = await this.c.contacts.find({ _id: { $in: contactIds } }).toArray();
    const optedOut = contacts.some((c) => c.data.optedOutAt !== undefined);
    // The suppression entry first: an erasure cut short never loses an opt-out.
    if (optedOut) {
      await this.suppressions.updateOne(
        { _id: key },
        { $setOnInsert: { at: options.now } },
        { upsert: true },
      );
    }
    const messages = await this.c.messages
      .find({ threadId: { $in: threadIds } }, { projection: { _id: 1, 'data.media.id': 1 } })
      .toArray();
    const media = await this.deleteMessages(messages);
    await this.c.outbox.deleteMany({ threadId: { $in: threadIds } });
    await this.c.timers.deleteMany({ threadId: { $in: threadIds } });
    await this.c.threads.deleteMany({ _id: { $in: threadIds } });
    await this.c.addressBook.deleteMany({ contactId: { $in: contactIds } });
    const consents = await this.c.consentRecords.find({ contactId: { $in: contactIds } }).toArray();
    if (options.keepConsentProof) {
      const erasedId = `erased:${key.slice(0, 16)}`;
      for (const c of consents) {
        await this.c.consentRecords.updateOne(
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
      await this.c.consentRecords.deleteMany({ contactId: { $in: contactIds } });
    }
    await this.c.contacts.deleteMany({ _id: { $in: contactIds } });
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
      await this.c.contacts.find({ phone: { $in: forms } }, { projection: { _id: 1 } }).toArray()
    ).map((d) => d._id);
    const threads = await this.c.threads
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
    await this.c.messageCards.deleteMany({ messageId: { $in: ids } });
    await this.c.messages.deleteMany({ _id: { $in: ids } });
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
