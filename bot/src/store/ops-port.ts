/**
 * What operating the service needs from the store (issue 12): a commit probe for readiness,
 * named job leases (one instance runs each periodic job), leases released at shutdown, the
 * figures the metrics report, and alarm records. Both stores implement it (sqlite/ops.ts,
 * mongo/ops.ts) and hand it out as `store.ops`.
 */
import { createHash } from 'node:crypto';
import type { ConsentRecord, Message, Millis, Thread, ThreadState } from '../core/types.js';
import type { AddressBookEntry, ContactRecord } from './port.js';

/** Statuses after which a message changes no more: retention may delete it. */
export const FINAL_STATUSES = ['delivered', 'read', 'failed', 'received'] as const;

/**
 * The suppression key of a phone number (digits only): what survives a contact's erasure
 * so that an opt-out still holds. A hash, not the number; numbers are few enough that it is
 * pseudonymous rather than anonymous, which is why it is kept only for opt-outs.
 */
export function suppressionKey(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return createHash('sha256').update(`wa4t-suppression:${digits}`).digest('hex');
}

/** Everything kept about one phone number, for a data subject request. */
export interface ContactData {
  readonly contacts: readonly ContactRecord[];
  readonly addressBook: readonly AddressBookEntry[];
  readonly threads: readonly Thread[];
  readonly messages: readonly Message[];
  readonly consentRecords: readonly ConsentRecord[];
  readonly suppressed: boolean;
}

export interface ErasureResult {
  readonly contacts: number;
  readonly threads: number;
  readonly messages: number;
  readonly media: number;
  /** Deleted, or kept anonymised when the organisation keeps proof of consent. */
  readonly consentRecords: number;
  /** The number had opted out: a suppression entry keeps it so. */
  readonly suppressed: boolean;
}

/** Open conversations by state and whether the customer-service window is open. */
export interface OpenThreadCount {
  readonly state: Exclude<ThreadState, 'closed'>;
  readonly window: 'open' | 'closed';
  readonly count: number;
}

export interface OutboxStats {
  /** Effects not yet completed. */
  readonly depth: number;
  /** When the oldest of them was created, if any. */
  readonly oldestCreatedAt: Millis | undefined;
}

export interface TimerStats {
  /** Timers whose time has come. */
  readonly due: number;
  /** Due timers more than `lateAfterMs` past their time. */
  readonly late: number;
}

/** One alarm condition: raised or cleared, since when, and who was told of it. */
export interface AlarmRecord {
  /** e.g. `webhook_silence`, `token_refused`, `outbox_stuck`, `unrouted:<wamid>`. */
  readonly key: string;
  readonly kind: string;
  readonly state: 'raised' | 'cleared';
  readonly since: Millis;
  /** Users told that it started / that it cleared (one card each). */
  readonly toldRaised: readonly string[];
  readonly toldCleared: readonly string[];
  /** What the cards say (kind-specific, no phone numbers). */
  readonly detail?: Readonly<Record<string, string>> | undefined;
}

export interface OpsStore {
  /** A small write that must commit: throws while the store cannot commit. */
  probeCommit(owner: string, now: Millis): Promise<void>;
  /**
   * Take or renew the named job's lease until now + leaseMs: true when `owner` holds it
   * (it was free, ran out, or is already theirs), false when another owner does.
   */
  acquireJobLease(name: string, owner: string, now: Millis, leaseMs: Millis): Promise<boolean>;
  /** Give back every lease `owner` holds (effects, timers, jobs), so another instance takes over at once. */
  releaseLeases(owner: string): Promise<void>;
  outboxStats(): Promise<OutboxStats>;
  timerStats(now: Millis, lateAfterMs: Millis): Promise<TimerStats>;
  openThreads(now: Millis, windowMs: Millis): Promise<OpenThreadCount[]>;
  getAlarm(key: string): Promise<AlarmRecord | undefined>;
  /** Keeps (or replaces) the record; the alarm job runs under a lease, so one writer. */
  putAlarm(record: AlarmRecord): Promise<void>;
  listAlarms(): Promise<AlarmRecord[]>;
  /**
   * Forgets a finished alarm's record. With `since`, only if the record kept is still the one
   * read then (same `since`): a signal written again meanwhile (a new message) stays.
   */
  deleteAlarm(key: string, since?: Millis): Promise<void>;

  // retention and erasure
  /**
   * Deletes up to `limit` messages created before `before` whose status is final
   * (FINAL_STATUSES), with their media and cards. Pending messages and queues are never
   * touched. Returns how many were deleted.
   */
  deleteMessagesBefore(before: Millis, limit: number): Promise<number>;
  /** What is kept about this phone number (digits, as E.164 without "+"). */
  contactData(phone: string): Promise<ContactData>;
  /**
   * Deletes the contact (on every business number), its threads, messages, media, cards,
   * outbox and timers, address book entries and consent records (or, with
   * `keepConsentProof`, keeps the records with the number and name removed). If the
   * contact had opted out, a suppression entry keyed by `suppressionKey(phone)` is kept.
   */
  eraseContact(
    phone: string,
    options: { readonly keepConsentProof: boolean; readonly now: Millis },
  ): Promise<ErasureResult>;
  /** Whether this number opted out and was erased since. */
  isSuppressed(phone: string): Promise<boolean>;
}
