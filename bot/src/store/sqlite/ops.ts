/** The SQLite side of the operations port (ops-port.ts, issue 12). Tables: migration 8. */
import type { Millis } from '../../core/types.js';
import type {
  AlarmRecord,
  OpenThreadCount,
  OpsStore,
  OutboxStats,
  TimerStats,
} from '../ops-port.js';
import type { Sql } from './sql.js';

export class SqliteOps implements OpsStore {
  constructor(private readonly sql: Sql) {}

  async probeCommit(owner: string, now: Millis): Promise<void> {
    this.sql.write(() =>
      this.sql.run(
        'INSERT INTO ops_probe (owner, at) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET at = excluded.at',
        owner,
        now,
      ),
    );
  }

  async acquireJobLease(
    name: string,
    owner: string,
    now: Millis,
    leaseMs: Millis,
  ): Promise<boolean> {
    return this.sql.write(() => {
      const row = this.sql.get<{ owner: string; lease_until: number }>(
        'SELECT owner, lease_until FROM job_leases WHERE name = ?',
        name,
      );
      if (row && row.owner !== owner && row.lease_until > now) return false;
      this.sql.run(
        'INSERT INTO job_leases (name, owner, lease_until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until',
        name,
        owner,
        now + leaseMs,
      );
      return true;
    });
  }

  async releaseLeases(owner: string): Promise<void> {
    this.sql.write(() => {
      this.sql.run('DELETE FROM job_leases WHERE owner = ?', owner);
      this.sql.run('UPDATE timers SET owner = NULL, lease_until = NULL WHERE owner = ?', owner);
      // Effects still leased were claimed but not started (the dispatcher finished the rest).
      this.sql.run('UPDATE outbox SET owner = NULL, lease_until = NULL WHERE owner = ?', owner);
      this.sql.run('DELETE FROM ops_probe WHERE owner = ?', owner);
    });
  }

  async outboxStats(): Promise<OutboxStats> {
    const row = this.sql.get<{ depth: number; oldest: number | null }>(
      'SELECT count(*) AS depth, min(created_at) AS oldest FROM outbox',
    );
    return { depth: row?.depth ?? 0, oldestCreatedAt: row?.oldest ?? undefined };
  }

  async timerStats(now: Millis, lateAfterMs: Millis): Promise<TimerStats> {
    const row = this.sql.get<{ due: number; late: number | null }>(
      'SELECT count(*) AS due, sum(at < ?) AS late FROM timers WHERE at <= ?',
      now - lateAfterMs,
      now,
    );
    return { due: row?.due ?? 0, late: row?.late ?? 0 };
  }

  async openThreads(now: Millis, windowMs: Millis): Promise<OpenThreadCount[]> {
    return this.sql
      .all<{ state: OpenThreadCount['state']; window: 'open' | 'closed'; count: number }>(
        `SELECT state,
           CASE WHEN coalesce(json_extract(json, '$.lastInboundAt'), 0) > ? THEN 'open' ELSE 'closed' END AS window,
           count(*) AS count
         FROM threads WHERE open = 1 GROUP BY 1, 2 ORDER BY 1, 2`,
        now - windowMs,
      )
      .map((r) => ({ state: r.state, window: r.window, count: r.count }));
  }

  async getAlarm(key: string): Promise<AlarmRecord | undefined> {
    const row = this.sql.get<{ json: string }>('SELECT json FROM alarms WHERE key = ?', key);
    return row ? (JSON.parse(row.json) as AlarmRecord) : undefined;
  }

  async putAlarm(record: AlarmRecord): Promise<void> {
    this.sql.run(
      'INSERT INTO alarms (key, json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET json = excluded.json',
      record.key,
      JSON.stringify(record),
    );
  }

  async listAlarms(): Promise<AlarmRecord[]> {
    return this.sql
      .all<{ json: string }>('SELECT json FROM alarms ORDER BY key')
      .map((r) => JSON.parse(r.json) as AlarmRecord);
  }
}
