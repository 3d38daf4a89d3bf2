/** The MongoDB side of the operations port (ops-port.ts, issue 12). */
import type { Collection, Db } from 'mongodb';
import type { Millis } from '../../core/types.js';
import type {
  AlarmRecord,
  OpenThreadCount,
  OpsStore,
  OutboxStats,
  TimerStats,
} from '../ops-port.js';
import type { OutboxDoc, ThreadDoc, TimerDoc } from './documents.js';
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

export async function ensureOpsIndexes(db: Db): Promise<void> {
  // Creating an index creates the collection too; job leases are found by owner at shutdown.
  await db.collection<JobLeaseDoc>('job_leases').createIndex({ owner: 1 }, { name: 'by_owner' });
  await db.collection<AlarmDoc>('alarms').createIndex({ 'data.state': 1 }, { name: 'by_state' });
}

export class MongoOps implements OpsStore {
  private readonly probe: Collection<ProbeDoc>;
  private readonly jobs: Collection<JobLeaseDoc>;
  private readonly alarms: Collection<AlarmDoc>;
  private readonly outbox: Collection<OutboxDoc>;
  private readonly timers: Collection<TimerDoc>;
  private readonly threads: Collection<ThreadDoc>;

  constructor(db: Db) {
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
}
