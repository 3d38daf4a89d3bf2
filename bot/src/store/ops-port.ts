/**
 * What operating the service needs from the store (issue 12): a commit probe for readiness,
 * named job leases (one instance runs each periodic job), leases released at shutdown, the
 * figures the metrics report, and alarm records. Both stores implement it (sqlite/ops.ts,
 * mongo/ops.ts) and hand it out as `store.ops`.
 */
import type { Millis, ThreadState } from '../core/types.js';

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
}
