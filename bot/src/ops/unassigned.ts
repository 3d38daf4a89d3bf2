/**
 * The fourth alarm (issue 12, item 3): a contact's message that reached nobody. The message is
 * kept in a thread nobody takes part in (app/unassigned.ts); the instance that kept it writes
 * a signal record, and the leased job here raises one alarm per such thread:
 * - raised: each admin of the organisation that owns the number gets ONE card in their
 *   personal chat, in their language, with the contact, the message and a way to assign it;
 *   further messages from the contact while nobody answers are counted on that same card
 *   (updated in place), never a card per message;
 * - cleared, once someone takes part (an admin assigned it, or a user began a conversation
 *   with the contact) or the thread closed: each admin's card says who took it and by whom,
 *   and a clear card says so too.
 * As with the other alarms, the record names who was told before the card goes, so two
 * instances (one holding the lease at a time) send each card once; `wa4t_alarm_active
 * {alarm="unassigned_message"}` is 1 while any such message waits.
 */
import type { Logger } from 'pino';
import type { Clock } from '../app/clock.js';
import {
  isUnanswered,
  UNASSIGNED_ALARM,
  unassignedKeys,
  type UnassignedMessages,
  type UnassignedView,
} from '../app/unassigned.js';
import type { Millis, Thread, ThreadId } from '../core/types.js';
import type { AlarmRecord } from '../store/ops-port.js';
import type { Store } from '../store/port.js';
import { noMetrics, type Metrics } from './metrics.js';

/** How the admins' cards reach Teams (teams/alarm-cards.ts). */
export interface UnassignedCards {
  /** Posts the admin's card the first time, then updates that same card in place. */
  show(userId: string, view: UnassignedView): Promise<void>;
  /** The alarm cleared: the admin's card shows how (no buttons left), and a clear card says so. */
  cleared(userId: string, view: UnassignedView): Promise<void>;
}

export interface UnassignedAlarmOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly cards: UnassignedCards;
  readonly unassigned: Pick<UnassignedMessages, 'view'>;
  /** The admins of the organisation that owns a business number. */
  readonly admins: (businessNumberId: string) => Promise<readonly string[]>;
  readonly metrics?: Metrics;
  /**
   * Threads this process was told of a new message for since it last checked them: a pass
   * checks a raised thread again only when it is among them, except once per `fullEveryMs`,
   * when every thread is checked again (a new admin, a thread taken or closed, a message
   * another instance kept).
   */
  readonly checked?: CheckedSignals;
}

export interface CheckedSignals {
  fullAt: Millis;
  readonly fullEveryMs: Millis;
  readonly dirty: Set<ThreadId>;
}

/**
 * Called by the instance that kept a message nobody receives (Conversations' onUnanswered):
 * a signal for the job, which may run on another instance. Writing it again changes nothing.
 */
export async function signalUnanswered(
  store: Store,
  threadId: ThreadId,
  now: Millis,
): Promise<void> {
  await store.ops.putAlarm({
    key: unassignedKeys.signal(threadId),
    kind: 'signal',
    state: 'raised',
    since: now,
    toldRaised: [],
    toldCleared: [],
    detail: { threadId },
  });
}

/** One pass of the job: raise, count or clear the alarm of each thread nobody answered. */
export async function checkUnassigned(o: UnassignedAlarmOptions): Promise<void> {
  const records = await o.store.ops.listAlarms();
  const byKey = new Map(records.map((r) => [r.key, r]));
  // One look-up of a number's admins per pass, however many of its contacts wait.
  const admins = new Map<string, Promise<readonly string[]>>();
  const adminsOf = (businessNumberId: string): Promise<readonly string[]> => {
    let found = admins.get(businessNumberId);
    if (!found) admins.set(businessNumberId, (found = o.admins(businessNumberId)));
    return found;
  };
  let waiting = 0;
  const checked = o.checked;
  const full = !checked || o.clock.now() - checked.fullAt >= checked.fullEveryMs;
  if (checked && full) checked.fullAt = o.clock.now();
  for (const signal of records) {
    if (!signal.key.startsWith(unassignedKeys.signalPrefix)) continue;
    const threadId = signal.key.slice(unassignedKeys.signalPrefix.length);
    const record = byKey.get(unassignedKeys.alarm(threadId));
    if (record && finished(record)) {
      await forget(o, signal, threadId);
      continue;
    }
    if (!full && record?.state === 'raised' && !checked?.dirty.has(threadId)) {
      waiting++;
      continue;
    }
    checked?.dirty.delete(threadId); // a message kept while this check runs marks it again
    try {
      const checkedNow = await checkThread(o, threadId, record, byKey, adminsOf);
      if (checkedNow.waiting) waiting++;
      else if (finished(checkedNow.record)) await forget(o, signal, threadId);
    } catch (error) {
      o.logger.warn({ err: error, threadId, alarm: UNASSIGNED_ALARM }, 'alarm not checked');
    }
  }
  (o.metrics ?? noMetrics).alarm(UNASSIGNED_ALARM, waiting > 0);
}

/**
 * Over for good: answered before anyone was told (no record), or cleared with every admin
 * who was told of it told it cleared too.
 */
function finished(record: AlarmRecord | undefined): boolean {
  return (
    record === undefined ||
    (record.state === 'cleared' && record.toldRaised.every((a) => record.toldCleared.includes(a)))
  );
}

/**
 * A finished alarm's records go, so that each pass reads only what still waits (they were
 * kept for ever, one set per contact who ever wrote to nobody). The signal stays if a new
 * message wrote it again meanwhile: that one is checked (and alarmed) afresh.
 */
async function forget(o: UnassignedAlarmOptions, signal: AlarmRecord, threadId: ThreadId) {
  await o.store.ops.deleteAlarm(signal.key, signal.since);
  await o.store.ops.deleteAlarm(unassignedKeys.alarm(threadId));
  await o.store.ops.deleteAlarm(unassignedKeys.assigned(threadId));
}

/** Whether the thread's messages still reach nobody, and its alarm record as this pass left it. */
async function checkThread(
  o: UnassignedAlarmOptions,
  threadId: ThreadId,
  found: AlarmRecord | undefined,
  byKey: ReadonlyMap<string, AlarmRecord>,
  adminsOf: (businessNumberId: string) => Promise<readonly string[]>,
): Promise<{ readonly waiting: boolean; readonly record: AlarmRecord | undefined }> {
  const now = o.clock.now();
  const key = unassignedKeys.alarm(threadId);
  const thread = await o.store.getThread(threadId);
  let record = found;
  if (thread && isUnanswered(thread)) {
    if (record?.state === 'cleared') return { waiting: false, record };
    const count = String(Math.max(1, thread.nextSeq - 1));
    if (!record) {
      record = {
        key,
        kind: UNASSIGNED_ALARM,
        state: 'raised',
        since: now,
        toldRaised: [],
        toldCleared: [],
        detail: { threadId, count },
      };
      await o.store.ops.putAlarm(record);
      o.logger.warn({ alarm: UNASSIGNED_ALARM, threadId }, 'alarm raised');
    }
    const admins = await adminsOf(thread.businessNumberId);
    // Every admin told and no new message since: nothing to show again. (Without this, each
    // pass re-read every waiting message and its organisation: with thousands of contacts
    // writing to nobody, back-to-back passes took most of the server's time.)
    if (record.detail?.count === count && admins.every((a) => record!.toldRaised.includes(a)))
      return { waiting: true, record };
    const view = await o.unassigned.view(thread);
    const before = record.toldRaised;
    for (const admin of admins) {
      if (record.toldRaised.includes(admin)) continue;
      record = { ...record, toldRaised: [...record.toldRaised, admin] };
      await o.store.ops.putAlarm(record);
      await deliver(o, admin, () => o.cards.show(admin, view));
    }
    // More messages since the cards went out: the same cards count them.
    if (record.detail?.count !== count) {
      record = { ...record, detail: { ...record.detail, count } };
      await o.store.ops.putAlarm(record);
      for (const admin of before) await deliver(o, admin, () => o.cards.show(admin, view));
    }
    return { waiting: true, record };
  }

  // Taken (or gone) before anyone was told: nothing to clear (its signal is forgotten).
  if (!record) return { waiting: false, record };
  if (record.state === 'raised') {
    record = {
      ...record,
      state: 'cleared',
      since: now,
      toldCleared: [],
      detail: {
        ...record.detail,
        ...outcomeOf(thread, byKey.get(unassignedKeys.assigned(threadId))),
      },
    };
    await o.store.ops.putAlarm(record);
    o.logger.info({ alarm: UNASSIGNED_ALARM, threadId }, 'alarm cleared');
  }
  // The contact was erased meanwhile: nothing left to show.
  if (!thread) return { waiting: false, record };
  const view = await o.unassigned.view(thread, viewOutcome(record.detail ?? {}));
  for (const admin of record.toldRaised) {
    if (record.toldCleared.includes(admin)) continue;
    record = { ...record, toldCleared: [...record.toldCleared, admin] };
    await o.store.ops.putAlarm(record);
    await deliver(o, admin, () => o.cards.cleared(admin, view));
  }
  return { waiting: false, record };
}

/** How the wait ended, as the record keeps it (names only, no numbers). */
function outcomeOf(
  thread: Thread | undefined,
  assigned: AlarmRecord | undefined,
): Record<string, string> {
  if (!thread || thread.participants.length === 0) return { outcome: 'closed' };
  const user = thread.participants[0]?.name ?? '';
  // The admin's assignment, unless someone else took the contact first meanwhile.
  const by = assigned?.detail?.user === user ? assigned.detail.by : undefined;
  return by ? { outcome: 'assigned', user, by } : { outcome: 'taken', user };
}

function viewOutcome(detail: Readonly<Record<string, string>>): UnassignedView['outcome'] {
  if (detail.outcome === 'assigned')
    return { kind: 'assigned', user: detail.user ?? '', by: detail.by ?? '' };
  if (detail.outcome === 'taken') return { kind: 'taken', user: detail.user ?? '' };
  return { kind: 'closed' };
}

async function deliver(
  o: UnassignedAlarmOptions,
  admin: string,
  send: () => Promise<void>,
): Promise<void> {
  await send().catch((error: unknown) =>
    o.logger.warn(
      { err: error, alarm: UNASSIGNED_ALARM, userId: admin },
      'alarm card not delivered',
    ),
  );
}
