/**
 * One transition committed in one MongoDB multi-document transaction. The steps and their
 * order mirror the SQLite store's, so both refuse the same writes with the same errors.
 * The callback may run more than once (withTransaction retries transient conflicts), so it
 * computes everything afresh each time.
 */
import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongodb';
import { CodedError } from '../../core/errors.js';
import type { ContactPolicyChange, Message, Thread, Transition } from '../../core/types.js';
import { isOpen, sortEffects } from '../effects.js';
import { contactAfterChange } from '../policy-change.js';
import {
  DuplicateEventError,
  OpenThreadExistsError,
  StaleThreadError,
  type ApplyOptions,
} from '../port.js';
import { ONE_OPEN_THREAD, UNIQUE_WA_MESSAGE_ID, type Collections } from './collections.js';
import { plain, type MessageDoc, type OutboxDoc, type ThreadDoc } from './documents.js';
import { ID_INDEX, isDuplicateKey, isUnattributedDuplicateKey } from './errors.js';
import { waMessageIdIs } from './hot-queries.js';
import { expandReleases } from './pending-queue.js';

/**
 * Thrown inside the transaction when the one-open-thread index refused the write (a race the
 * read before it could not see). The transaction is aborted by then, so the caller looks up
 * the open thread afterwards and throws OpenThreadExistsError.
 */
export class OpenThreadRace extends CodedError {
  constructor(readonly thread: Thread) {
    super('thread.open_exists', `another open thread appeared for ${thread.contact.id}`);
  }
}

export async function applyTransition(
  c: Collections,
  session: ClientSession,
  transition: Transition,
  options: ApplyOptions,
): Promise<void> {
  const { thread } = transition;
  const { now } = options;
  if (options.eventKey !== undefined) {
    try {
      await c.handledEvents.insertOne({ _id: options.eventKey, handledAt: now }, { session });
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateEventError(options.eventKey);
      throw error;
    }
  }

  const stored = await c.threads.findOne(
    { _id: thread.id },
    { session, projection: { version: 1, outboxSeq: 1, createdAt: 1 } },
  );
  const fresh = options.expectedVersion === undefined;
  if (fresh ? stored !== null : stored?.version !== options.expectedVersion) {
    throw new StaleThreadError(thread.id);
  }
  if (isOpen(thread)) {
    const other = await c.threads.findOne(
      {
        businessNumberId: thread.businessNumberId,
        contactId: thread.contact.id,
        open: true,
        _id: { $ne: thread.id },
      },
      { session, projection: { _id: 1 } },
    );
    if (other) throw new OpenThreadExistsError(other._id);
  }

  // Messages first: a release sends what is held once they are written.
  for (const message of transition.messages) await writeMessage(c, session, message);
  const effects = await expandReleases(c, session, transition.effects);
  const { outbox, timers, consents } = sortEffects(effects);
  const outboxSeq = stored?.outboxSeq ?? 0;
  const version = (options.expectedVersion ?? 0) + 1;
  // A thread's creation time is its first write's: an update never moves it.
  const createdAt = stored?.createdAt ?? thread.createdAt;
  await writeThread(c, session, thread, options.expectedVersion, {
    businessNumberId: thread.businessNumberId,
    contactId: thread.contact.id,
    state: thread.state,
    open: isOpen(thread),
    version,
    outboxSeq: outboxSeq + outbox.length,
    participantIds: [...new Set(thread.participants.map((p) => p.id))],
    createdAt,
    updatedAt: now,
    data: plain({ ...thread, createdAt, version }),
  });

  if (outbox.length > 0) {
    const docs: OutboxDoc[] = outbox.map((effect, i) => ({
      _id: randomUUID(),
      threadId: thread.id,
      seq: outboxSeq + i + 1,
      effect: plain(effect),
      attempts: 0,
      notBefore: now,
      owner: null,
      leaseUntil: null,
      lastError: null,
      createdAt: now,
    }));
    await c.outbox.insertMany(docs, { session, ordered: true });
  }
  // One pending timer per (thread, timer): a new schedule replaces the old under a new id,
  // so that completing the old one (whose firing caused this schedule) keeps the new.
  for (const timer of timers) {
    await c.timers.deleteMany({ threadId: timer.threadId, timer: timer.timer }, { session });
    await c.timers.insertOne(
      {
        _id: randomUUID(),
        threadId: timer.threadId,
        timer: timer.timer,
        at: timer.at,
        owner: null,
        leaseUntil: null,
      },
      { session },
    );
  }
  if (consents.length > 0) {
    // Records of the same millisecond keep their commit order: a sequence taken in this
    // transaction (two transactions taking it conflict, and one is retried after the other).
    const counter = await c.counters.findOneAndUpdate(
      { _id: 'consent_records' },
      { $inc: { value: consents.length } },
      { session, upsert: true, returnDocument: 'after' },
    );
    const first = (counter?.value ?? consents.length) - consents.length + 1;
    await c.consentRecords.insertMany(
      consents.map((record, i) => ({
        businessNumberId: record.businessNumberId,
        contactId: record.contactId,
        at: record.at,
        seq: first + i,
        data: plain(record),
      })),
      { session, ordered: true },
    );
  }
  if (transition.contact) await changeContactPolicy(c, session, thread, transition.contact);
}

async function writeThread(
  c: Collections,
  session: ClientSession,
  thread: Thread,
  expectedVersion: number | undefined,
  fields: Omit<ThreadDoc, '_id'>,
): Promise<void> {
  try {
    if (expectedVersion === undefined) {
      await c.threads.insertOne({ _id: thread.id, ...fields }, { session });
      return;
    }
    // The conditional update is what makes the version check hold against a concurrent
    // writer: a conflicting transaction either fails to match or gets a write conflict and
    // is retried by withTransaction, which then reads the new version.
    // createdAt is left as stored (fields carries the stored value for the insert only).
    const { createdAt: _kept, ...changed } = fields;
    const result = await c.threads.updateOne(
      { _id: thread.id, version: expectedVersion },
      { $set: changed },
      { session },
    );
    if (result.matchedCount !== 1) throw new StaleThreadError(thread.id);
  } catch (error) {
    if (isDuplicateKey(error, ONE_OPEN_THREAD)) throw new OpenThreadRace(thread);
    // The thread's own id, or an index the error does not name: reload and try again.
    if (isDuplicateKey(error, ID_INDEX) || isUnattributedDuplicateKey(error)) {
      throw new StaleThreadError(thread.id);
    }
    throw error;
  }
}

async function writeMessage(
  c: Collections,
  session: ClientSession,
  message: Message,
): Promise<void> {
  const { waMessageId } = message;
  if (waMessageId !== undefined) {
    const other = await c.messages.findOne(
      { ...waMessageIdIs(waMessageId), _id: { $ne: message.id } },
      { session, projection: { _id: 1 } },
    );
    if (other) throw new DuplicateEventError(`wamid:${waMessageId}`);
  }
  const set: Partial<MessageDoc> = {
    threadId: message.threadId,
    seq: message.seq,
    data: plain(message),
  };
  if (waMessageId !== undefined) set.waMessageId = waMessageId;
  if (message.held) set.held = true;
  const unset = {
    ...(waMessageId === undefined ? { waMessageId: '' as const } : {}),
    ...(message.held ? {} : { held: '' as const }),
  };
  try {
    await c.messages.updateOne(
      { _id: message.id },
      {
        $set: set,
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
        // Sticky: a flag set by markMessagePossiblyDuplicate survives the engine's copy.
        $max: { possiblyDuplicate: message.possiblyDuplicate === true },
      },
      { session, upsert: true },
    );
  } catch (error) {
    // The WhatsApp id's index, or an index the error does not name (the _id cannot clash on
    // an upsert by _id inside a transaction: that is a write conflict, retried).
    const wamid = isDuplicateKey(error, UNIQUE_WA_MESSAGE_ID) || isUnattributedDuplicateKey(error);
    if (waMessageId !== undefined && wamid) {
      throw new DuplicateEventError(`wamid:${waMessageId}`);
    }
    throw error;
  }
}

async function changeContactPolicy(
  c: Collections,
  session: ClientSession,
  thread: Thread,
  change: ContactPolicyChange,
): Promise<void> {
  const doc = await c.contacts.findOne({ _id: change.contactId }, { session });
  const next = contactAfterChange(doc?.data, thread, change);
  if (!next) return;
  await c.contacts.replaceOne(
    { _id: next.id },
    { businessNumberId: next.businessNumberId, phone: next.phone, data: plain(next) },
    { session, upsert: true },
  );
}
