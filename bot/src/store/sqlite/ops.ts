/** The SQLite side of the operations port (ops-port.ts, issue 12). Tables: migration 8. */
import type { ConsentRecord, Millis } from '../../core/types.js';
import type { ContactRecord } from '../port.js';
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
import type { MediaBytes } from './media-bytes.js';
import {
  fromJson,
  messageFromRow,
  threadFromRow,
  type JsonRow,
  type MessageRow,
  type ThreadRow,
} from './rows.js';
import type { Sql } from './sql.js';
import { addressBookEntryOf, type AddressBookRow } from './address-book.js';

const FINAL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');
const digits = (phone: string) => phone.replace(/\D/g, '');
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class SqliteOps implements OpsStore {
  constructor(
    private readonly sql: Sql,
    private readonly media: MediaBytes,
    /** The store's group commit (issue 11): every write of ops goes through it too. */
    private readonly write: <T>(work: () => T) => Promise<T> = async (work) => sql.write(work),
  ) {}

  async probeCommit(owner: string, now: Millis): Promise<void> {
    await this.write(() =>
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
    return this.write(() => {
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
    await this.write(() => {
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
    await this.write(() =>
      this.sql.run(
        'INSERT INTO alarms (key, json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET json = excluded.json',
        record.key,
        JSON.stringify(record),
      ),
    );
  }

  async deleteAlarm(key: string, since?: Millis): Promise<void> {
    await this.write(() =>
      since === undefined
        ? this.sql.run('DELETE FROM alarms WHERE key = ?', key)
        : this.sql.run(
            "DELETE FROM alarms WHERE key = ? AND json_extract(json, '$.since') = ?",
            key,
            since,
          ),
    );
  }

  async listAlarms(): Promise<AlarmRecord[]> {
    return this.sql
      .all<{ json: string }>('SELECT json FROM alarms ORDER BY key')
      .map((r) => JSON.parse(r.json) as AlarmRecord);
  }

  // retention and erasure

  async deleteMessagesBefore(before: Millis, limit: number): Promise<number> {
    const rows = this.sql.all<{ id: string; media: string | null }>(
      `SELECT id, json_extract(json, '$.media.id') AS media FROM messages
       WHERE created_at < ? AND json_extract(json, '$.status') IN (${FINAL})
       ORDER BY created_at LIMIT ?`,
      before,
      limit,
    );
    const media = await this.write(() => this.deleteMessages(rows));
    await this.removeBytes(media);
    return rows.length;
  }

  async contactData(phone: string): Promise<ContactData> {
    const { contactIds, threadIds } = this.ownedBy(phone);
    return {
      contacts: this.select<JsonRow>('SELECT json FROM contacts WHERE id IN', contactIds).map((r) =>
        fromJson<ContactRecord>(r),
      ),
      addressBook: this.select<AddressBookRow>(
        'SELECT user_id, contact_id, name, aliases FROM address_book WHERE contact_id IN',
        contactIds,
      ).map(addressBookEntryOf),
      threads: this.select<ThreadRow>(
        'SELECT version, json FROM threads WHERE id IN',
        threadIds,
      ).map(threadFromRow),
      messages: this.select<MessageRow>(
        'SELECT json, possibly_duplicate FROM messages WHERE thread_id IN',
        threadIds,
        'ORDER BY thread_id, seq',
      ).map(messageFromRow),
      consentRecords: this.select<JsonRow>(
        'SELECT json FROM consent_records WHERE contact_id IN',
        contactIds,
        'ORDER BY at, id',
      ).map((r) => fromJson<ConsentRecord>(r)),
      suppressed: await this.isSuppressed(phone),
    };
  }

  async eraseContact(
    phone: string,
    options: { readonly keepConsentProof: boolean; readonly now: Millis },
  ): Promise<ErasureResult> {
    const key = suppressionKey(phone);
    const { result, media } = await this.write(() => {
      const { contactIds, threadIds } = this.ownedBy(phone);
      const contacts = this.select<JsonRow>(
        'SELECT json FROM contacts WHERE id IN',
        contactIds,
      ).map((r) => fromJson<ContactRecord>(r));
      const messages = this.select<{ id: string; media: string | null }>(
        `SELECT id, json_extract(json, '$.media.id') AS media FROM messages WHERE thread_id IN`,
        threadIds,
      );
      const media = this.deleteMessages(messages);
      for (const table of ['outbox', 'timers'])
        this.remove(`DELETE FROM ${table} WHERE thread_id IN`, threadIds);
      this.remove('DELETE FROM threads WHERE id IN', threadIds);
      this.remove('DELETE FROM address_book WHERE contact_id IN', contactIds);
      const consents = this.select<{ id: number; json: string }>(
        'SELECT id, json FROM consent_records WHERE contact_id IN',
        contactIds,
      );
      for (const c of consents) {
        if (!options.keepConsentProof) {
          this.sql.run('DELETE FROM consent_records WHERE id = ?', c.id);
          continue;
        }
        const record = fromJson<ConsentRecord>(c);
        const anonymous = { ...record, contactId: `erased:${key.slice(0, 16)}`, text: undefined };
        this.sql.run(
          'UPDATE consent_records SET contact_id = ?, json = ? WHERE id = ?',
          anonymous.contactId,
          JSON.stringify(anonymous),
          c.id,
        );
      }
      this.remove('DELETE FROM contacts WHERE id IN', contactIds);
      const suppressed =
        contacts.some((c) => c.optedOutAt !== undefined) ||
        this.sql.get('SELECT 1 FROM suppressions WHERE key = ?', key) !== undefined;
      if (suppressed) {
        this.sql.run(
          'INSERT INTO suppressions (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
          key,
          options.now,
        );
      }
      return {
        media,
        result: {
          contacts: contacts.length,
          threads: threadIds.length,
          messages: messages.length,
          media: media.length,
          consentRecords: consents.length,
          suppressed,
        },
      };
    });
    await this.removeBytes(media);
    return result;
  }

  async isSuppressed(phone: string): Promise<boolean> {
    return (
      this.sql.get('SELECT 1 FROM suppressions WHERE key = ?', suppressionKey(phone)) !== undefined
    );
  }

  /** The contacts with this number (on any business number) and their threads. */
  private ownedBy(phone: string): { contactIds: string[]; threadIds: string[] } {
    const contactIds = this.sql
      .all<{ id: string }>(
        'SELECT id FROM contacts WHERE phone = ? OR phone = ?',
        digits(phone),
        `+${digits(phone)}`,
      )
      .map((r) => r.id);
    const threads = this.sql.all<{ id: string; contact_id: string }>(
      `SELECT id, contact_id FROM threads WHERE json_extract(json, '$.contact.phone') IN (?, ?)`,
      digits(phone),
      `+${digits(phone)}`,
    );
    // A thread's contact id counts even when no contact record was written.
    const ids = new Set([...contactIds, ...threads.map((t) => t.contact_id)]);
    return { contactIds: [...ids], threadIds: threads.map((t) => t.id) };
  }

  private select<R>(prefix: string, ids: readonly string[], suffix = ''): R[] {
    if (ids.length === 0) return [];
    return this.sql.all<R>(`${prefix} (${marks(ids.length)}) ${suffix}`, ...ids);
  }

  private remove(prefix: string, ids: readonly string[]): void {
    if (ids.length > 0) this.sql.run(`${prefix} (${marks(ids.length)})`, ...ids);
  }

  /** Deletes the messages, their cards and media rows; returns the media ids whose bytes go. */
  private deleteMessages(rows: readonly { id: string; media: string | null }[]): string[] {
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      this.remove('DELETE FROM message_cards WHERE message_id IN', chunk);
      this.remove('DELETE FROM messages WHERE id IN', chunk);
    }
    const media = rows.flatMap((r) => (r.media ? [r.media] : []));
    for (let i = 0; i < media.length; i += 500) {
      this.remove('DELETE FROM media WHERE id IN', media.slice(i, i + 500));
    }
    return media;
  }

  private async removeBytes(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.media.remove(id);
  }
}
