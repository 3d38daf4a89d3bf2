/**
 * Alarms to admins, in Teams (issue 12, item 3). Each alarm is a record in the store (raised
 * or cleared, since when, who was told); a job under a lease (one instance at a time) checks
 * the conditions every minute, so with several instances each admin gets one card when an
 * alarm starts and one when it clears, in their language. Conditions:
 * - webhook_silence: no webhook for WEBHOOK_SILENCE_MINUTES while messages were being sent;
 * - whatsapp_refused: WhatsApp refusing the token (190 and kin) or the number restricted,
 *   flagged or rate-limited at the account level;
 * - outbox_stuck: the outbox's oldest effect older than OUTBOX_ALARM_MINUTES.
 * What the instances see (webhooks, sends, refusals) reaches the job through signal records
 * in the store, written at most every 30 s per instance.
 */
import type { Logger } from 'pino';
import type { Clock } from '../app/clock.js';
import type { UserChannel } from '../app/ports.js';
import type { SystemRecords } from '../app/system-records.js';
import type { Millis, Thread } from '../core/types.js';
import type { AlarmRecord } from '../store/ops-port.js';
import type { Store } from '../store/port.js';
import { noMetrics, type Metrics } from './metrics.js';

export type AlarmKind = 'webhook_silence' | 'whatsapp_refused' | 'outbox_stuck';
const KINDS: readonly AlarmKind[] = ['webhook_silence', 'whatsapp_refused', 'outbox_stuck'];

/** Codes about the token, the app's permissions or the account, not one message. */
export const ACCOUNT_CODES: ReadonlySet<number> = new Set([
  0, 3, 10, 190, 200, 368, 130429, 131031, 131042, 131048,
]);

const MINUTE = 60_000;
const SIGNAL_EVERY_MS = 30_000;

/** Feeds the alarm job from this instance: called by the metrics fan-out. */
export class AlarmSignals implements Metrics {
  private readonly written = new Map<string, Millis>();
  private readonly refused: { graphCode?: number } = {};
  /** The first send since the last webhook this instance saw. */
  private sendSince: Millis | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  webhookReceived(): void {
    // Written at once when a send waits for it; else at most every 30 s.
    this.signal('signal:webhook', 'raised', undefined, this.sendSince !== undefined);
    this.sendSince = undefined;
  }
  whatsappSend(outcome: 'sent' | 'retry' | 'failed', graphCode: number | undefined): void {
    if (this.sendSince === undefined) {
      this.sendSince = this.clock.now();
      this.signal('signal:send', 'raised', undefined, true);
    }
    if (graphCode !== undefined && ACCOUNT_CODES.has(graphCode)) {
      this.refused.graphCode = graphCode;
      this.signal('signal:refused', 'raised', { graphCode: String(graphCode) }, true);
    } else if (outcome === 'sent') {
      this.signal('signal:refused', 'cleared', undefined, this.refused.graphCode !== undefined);
      this.refused.graphCode = undefined;
    }
  }
  webhookRefused(): void {}
  webhookDeduplicated(): void {}
  commitSeconds(): void {}
  teamsSend(): void {}
  alarm(): void {}
  templateProblems(): void {}

  private signal(
    key: string,
    state: 'raised' | 'cleared',
    detail?: Record<string, string>,
    force = false,
  ): void {
    const now = this.clock.now();
    const last = this.written.get(`${key}:${state}`);
    if (!force && last !== undefined && now - last < SIGNAL_EVERY_MS) return;
    this.written.set(`${key}:${state}`, now);
    const record: AlarmRecord = {
      key,
      kind: 'signal',
      state,
      since: now,
      toldRaised: [],
      toldCleared: [],
      detail,
    };
    void this.store.ops
      .putAlarm(record)
      .catch((error: unknown) => this.logger.warn({ err: error, key }, 'alarm signal not kept'));
  }
}

/** Sends to every metrics object given. */
export function fanOut(...all: Metrics[]): Metrics {
  const each =
    <K extends keyof Metrics>(k: K) =>
    (...args: Parameters<Metrics[K]>) => {
      for (const m of all) (m[k] as (...a: Parameters<Metrics[K]>) => void)(...args);
    };
  return {
    webhookReceived: each('webhookReceived'),
    webhookRefused: each('webhookRefused'),
    webhookDeduplicated: each('webhookDeduplicated'),
    commitSeconds: each('commitSeconds'),
    whatsappSend: each('whatsappSend'),
    teamsSend: each('teamsSend'),
    alarm: each('alarm'),
    templateProblems: each('templateProblems'),
  };
}

export interface AlarmOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly users: UserChannel;
  readonly logger: Logger;
  /** Who is told: the organisation's admins. */
  readonly admins: () => Promise<readonly string[]>;
  readonly silenceMs: Millis;
  readonly outboxAgeMs: Millis;
  readonly metrics?: Metrics;
}

/** One pass of the alarm job: raise or clear each condition, and tell who has not been told. */
export async function checkAlarms(o: AlarmOptions): Promise<void> {
  const now = o.clock.now();
  const metrics = o.metrics ?? noMetrics;
  const [webhook, send, refused, outbox] = await Promise.all([
    o.store.ops.getAlarm('signal:webhook'),
    o.store.ops.getAlarm('signal:send'),
    o.store.ops.getAlarm('signal:refused'),
    o.store.ops.outboxStats(),
  ]);
  const lastWebhook = webhook?.since ?? 0;
  const active: Record<AlarmKind, Record<string, string> | undefined> = {
    // Sends since the last webhook, and the last webhook longer ago than the silence.
    webhook_silence:
      send && send.since > lastWebhook && now - send.since >= o.silenceMs
        ? {
            minutes: String(Math.round((now - send.since) / MINUTE)),
          }
        : undefined,
    // The notice's {code} is Graph's code; a signal kept before the rename named it `code`.
    whatsapp_refused:
      refused?.state === 'raised'
        ? { code: refused.detail?.graphCode ?? refused.detail?.code ?? '?' }
        : undefined,
    outbox_stuck:
      outbox.oldestCreatedAt !== undefined && now - outbox.oldestCreatedAt >= o.outboxAgeMs
        ? { minutes: String(Math.round((now - outbox.oldestCreatedAt) / MINUTE)) }
        : undefined,
  };
  const admins = await o.admins();
  for (const kind of KINDS) {
    const detail = active[kind];
    metrics.alarm(kind, detail !== undefined);
    let record = await o.store.ops.getAlarm(kind);
    if (detail && record?.state !== 'raised') {
      record = {
        key: kind,
        kind,
        state: 'raised',
        since: now,
        toldRaised: [],
        toldCleared: [],
        detail,
      };
      await o.store.ops.putAlarm(record);
      o.logger.warn({ alarm: kind, ...detail }, 'alarm raised');
    } else if (!detail && record?.state === 'raised') {
      record = { ...record, state: 'cleared', since: now, toldCleared: [] };
      await o.store.ops.putAlarm(record);
      o.logger.info({ alarm: kind }, 'alarm cleared');
    }
    if (!record) continue;
    await tell(o, record, admins);
  }
}

/**
 * One card per admin and state: the record names who was told before the card goes, so a
 * crash between the two loses a card rather than sending it twice.
 */
async function tell(
  o: AlarmOptions,
  record: AlarmRecord,
  admins: readonly string[],
): Promise<void> {
  const raised = record.state === 'raised';
  const told = raised ? record.toldRaised : record.toldCleared;
  // A clear goes to those who heard the start.
  const audience = raised ? admins : record.toldRaised;
  let current = record;
  for (const admin of audience) {
    if (told.includes(admin) || current[raised ? 'toldRaised' : 'toldCleared'].includes(admin))
      continue;
    current = raised
      ? { ...current, toldRaised: [...current.toldRaised, admin] }
      : { ...current, toldCleared: [...current.toldCleared, admin] };
    await o.store.ops.putAlarm(current);
    const base = `ops.alarm.${record.kind as AlarmKind}.${raised ? 'raised' : 'cleared'}` as const;
    // "1 minute", not "1 minutes" (WEBHOOK_SILENCE_MINUTES=1 in the README): the sentence's
    // plural block words `minutes` by the admin's language. A stored kind this version does
    // not know is still told, in the words of its key.
    const notice = {
      key: base,
      params: raised ? (record.detail ?? {}) : {},
    };
    await o.users
      .deliver({ type: 'notify', threadId: '', to: [admin], notice }, { id: '' } as Thread)
      .catch((error: unknown) =>
        o.logger.warn(
          { err: error, alarm: record.kind, userId: admin },
          'alarm card not delivered',
        ),
      );
  }
}

/**
 * The admins of the organisation that owns the business number, as the application says
 * (`npm run admin -- user admin <userId> on`, `UserQueries.isAdmin`'s rule). In local mode
 * (no BOT_ID) with none set, every enabled user of that organisation, so the Agents
 * Playground's user sees the alarms.
 */
export async function organisationAdmins(
  records: Pick<SystemRecords, 'organisationAdmins'>,
  businessNumberId: string,
  local: boolean,
): Promise<string[]> {
  const admins = await records.organisationAdmins(businessNumberId, { everyoneIfNone: local });
  return admins.map((u) => u.id);
}
