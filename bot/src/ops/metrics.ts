/**
 * Prometheus metrics (issue 12, item 1), with prom-client. Components get a small `Metrics`
 * object to call (the webhook route, the wrappers below); figures that live in the store
 * (outbox, timers, open conversations) are read when Prometheus scrapes. Names follow
 * Prometheus conventions (`_total` counters, `_seconds` units, base units); labels carry only
 * bounded values: reasons, outcomes, WhatsApp error codes from the catalogue, states. Never a
 * phone number, a name or an id.
 * https://prometheus.io/docs/practices/naming/
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type restify from 'restify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../app/clock.js';
import type { ContactChannel, UserChannel } from '../app/ports.js';
import { TransientDeliveryError } from '../app/ports.js';
import { HOUR } from '../core/types.js';
import type { RouteModule } from '../http/server.js';
import type { Store } from '../store/port.js';
import { KNOWN_CODES } from '../whatsapp/error-catalogue.js';

export type WebhookRefusal = 'signature' | 'malformed' | 'too_large' | 'store_unavailable';
export type TeamsOutcome = 'delivered' | 'throttled' | 'failed';

/** What components report; `noMetrics` when nobody scrapes. */
export interface Metrics {
  webhookReceived(): void;
  webhookRefused(reason: WebhookRefusal): void;
  webhookDeduplicated(items: number): void;
  commitSeconds(seconds: number): void;
  whatsappSend(outcome: 'sent' | 'retry' | 'failed', graphCode: number | undefined): void;
  teamsSend(outcome: TeamsOutcome): void;
  alarm(kind: string, active: boolean): void;
  templateProblems(count: number): void;
}

export const noMetrics: Metrics = {
  webhookReceived() {},
  webhookRefused() {},
  webhookDeduplicated() {},
  commitSeconds() {},
  whatsappSend() {},
  teamsSend() {},
  alarm() {},
  templateProblems() {},
};

const KNOWN = new Set(KNOWN_CODES);
/** A WhatsApp error code as a label: one of the catalogue's, else "other" (never free text). */
function codeLabel(code: number | undefined): string {
  if (code === undefined) return 'none';
  return KNOWN.has(code) ? String(code) : 'other';
}

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly received: Counter;
  private readonly refused: Counter<'reason'>;
  private readonly deduplicated: Counter;
  private readonly commits: Histogram;
  private readonly whatsapp: Counter<'outcome' | 'graph_code'>;
  private readonly teams: Counter<'outcome'>;
  private readonly teamsThrottles: Counter;
  private readonly alarms: Gauge<'alarm'>;
  private readonly templates: Gauge;

  constructor(o: { readonly store: Store; readonly clock: Clock; readonly lateAfterMs?: number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.received = new Counter({
      name: 'wa4t_webhooks_received_total',
      help: 'WhatsApp webhook POSTs taken in (signature and body valid).',
      registers,
    });
    this.refused = new Counter({
      name: 'wa4t_webhooks_refused_total',
      help: 'WhatsApp webhook POSTs refused, by reason.',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of ['signature', 'malformed', 'too_large', 'store_unavailable']) {
      this.refused.inc({ reason }, 0);
    }
    this.deduplicated = new Counter({
      name: 'wa4t_webhook_items_deduplicated_total',
      help: 'Webhook items WhatsApp delivered again, recognised and not applied twice.',
      registers,
    });
    this.commits = new Histogram({
      name: 'wa4t_store_commit_duration_seconds',
      help: 'Time to commit one transition (thread, messages, effects) to the store.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.whatsapp = new Counter({
      name: 'wa4t_whatsapp_sends_total',
      help: 'Messages handed to the WhatsApp Cloud API, by outcome and WhatsApp error code.',
      labelNames: ['outcome', 'graph_code'],
      registers,
    });
    this.teams = new Counter({
      name: 'wa4t_teams_sends_total',
      help: 'Cards and notices sent to users in Teams, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.teamsThrottles = new Counter({
      name: 'wa4t_teams_throttles_total',
      help: "Teams sends held back by Teams' rate limits (ours or a 429 from the connector).",
      registers,
    });
    this.alarms = new Gauge({
      name: 'wa4t_alarm_active',
      help: 'Whether an alarm condition is raised (1) or not (0), by alarm.',
      labelNames: ['alarm'],
      registers,
    });
    this.templates = new Gauge({
      name: 'wa4t_whatsapp_template_problems',
      help: 'Templates the app sends that are missing, not approved or of another shape, at the last check.',
      registers,
    });
    const { store, clock } = o;
    const lateAfterMs = o.lateAfterMs ?? 60_000;
    new Gauge({
      name: 'wa4t_outbox_effects',
      help: 'Effects waiting in the outbox (to WhatsApp or to Teams).',
      registers,
      async collect() {
        this.set((await store.ops.outboxStats()).depth);
      },
    });
    new Gauge({
      name: 'wa4t_outbox_oldest_effect_age_seconds',
      help: 'Age of the oldest effect waiting in the outbox (0 when empty).',
      registers,
      async collect() {
        const { oldestCreatedAt } = await store.ops.outboxStats();
        this.set(oldestCreatedAt === undefined ? 0 : (clock.now() - oldestCreatedAt) / 1000);
      },
    });
    new Gauge({
      name: 'wa4t_timers_due',
      help: 'Timers whose time has come and that have not fired yet.',
      registers,
      async collect() {
        this.set((await store.ops.timerStats(clock.now(), lateAfterMs)).due);
      },
    });
    new Gauge({
      name: 'wa4t_timers_late',
      help: 'Due timers more than a minute past their time.',
      registers,
      async collect() {
        this.set((await store.ops.timerStats(clock.now(), lateAfterMs)).late);
      },
    });
    new Gauge({
      name: 'wa4t_open_conversations',
      help: "Open conversations by state and whether WhatsApp's 24-hour window is open.",
      labelNames: ['state', 'window'],
      registers,
      async collect() {
        this.reset();
        for (const state of ['awaiting_consent', 'active', 'paused']) {
          for (const window of ['open', 'closed']) this.set({ state, window }, 0);
        }
        for (const r of await store.ops.openThreads(clock.now(), 24 * HOUR)) {
          this.set({ state: r.state, window: r.window }, r.count);
        }
      },
    });
  }

  webhookReceived(): void {
    this.received.inc();
  }
  webhookRefused(reason: WebhookRefusal): void {
    this.refused.inc({ reason });
  }
  webhookDeduplicated(items: number): void {
    if (items > 0) this.deduplicated.inc(items);
  }
  commitSeconds(seconds: number): void {
    this.commits.observe(seconds);
  }
  whatsappSend(outcome: 'sent' | 'retry' | 'failed', graphCode: number | undefined): void {
    this.whatsapp.inc({ outcome, graph_code: codeLabel(graphCode) });
  }
  teamsSend(outcome: TeamsOutcome): void {
    this.teams.inc({ outcome });
    if (outcome === 'throttled') this.teamsThrottles.inc();
  }
  alarm(kind: string, active: boolean): void {
    this.alarms.set({ alarm: kind }, active ? 1 : 0);
  }
  templateProblems(count: number): void {
    this.templates.set(count);
  }
}

/** The store, with each commit (`apply`) timed. */
export function timedStore(store: Store, metrics: Metrics): Store {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'apply') {
        return async (...args: Parameters<Store['apply']>) => {
          const started = process.hrtime.bigint();
          try {
            return await target.apply(...args);
          } finally {
            metrics.commitSeconds(Number(process.hrtime.bigint() - started) / 1e9);
          }
        };
      }
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/** Counts WhatsApp sends by outcome and error code, and logs the ids to follow each. */
export function countedContacts(
  channel: ContactChannel,
  metrics: Metrics,
  logger?: Logger,
): ContactChannel {
  return {
    async send(thread, message, attempt) {
      const result = await channel.send(thread, message, attempt);
      logger?.info(
        {
          threadId: thread.id,
          messageId: message.id,
          attempt,
          outcome: result.outcome,
          ...(result.outcome === 'sent' ? { waMessageId: result.waMessageId } : {}),
          ...(result.outcome === 'failed' ? { graphCode: result.failure.graphCode } : {}),
        },
        'message handed to WhatsApp',
      );
      if (result.outcome === 'sent') metrics.whatsappSend('sent', undefined);
      else if (result.outcome === 'failed')
        metrics.whatsappSend('failed', result.failure.graphCode);
      else if (result.outcome === 'retry') metrics.whatsappSend('retry', result.graphCode);
      // 'wait': held for a slot of the shared budgets, nothing was sent.
      return result;
    },
  };
}

/** Counts Teams sends by outcome; a transient refusal is a throttle. */
export function countedUsers(channel: UserChannel, metrics: Metrics, logger?: Logger): UserChannel {
  return {
    async deliver(effect, thread, context) {
      try {
        // gather: the outbox effect's key and place pass through (slots found again, gathering).
        await channel.deliver(effect, thread, context);
        metrics.teamsSend('delivered');
        logger?.info(
          {
            threadId: thread.id,
            effect: effect.type,
            ...('messageId' in effect ? { messageId: effect.messageId } : {}),
          },
          'told users in Teams',
        );
      } catch (error) {
        metrics.teamsSend(error instanceof TransientDeliveryError ? 'throttled' : 'failed');
        throw error;
      }
    },
  };
}

/** GET /metrics, behind `Authorization: Bearer <METRICS_TOKEN>` when the token is set. */
export function metricsRoute(o: {
  readonly metrics: PrometheusMetrics;
  readonly token?: string | undefined;
}): RouteModule {
  const expected = o.token ? createHash('sha256').update(o.token).digest() : undefined;
  return {
    register(server: restify.Server) {
      server.get('/metrics', async (req, res) => {
        if (expected) {
          const given = /^Bearer (.+)$/.exec(req.header('authorization') ?? '')?.[1] ?? '';
          const digest = createHash('sha256').update(given).digest();
          if (!timingSafeEqual(digest, expected)) {
            res.setHeader('www-authenticate', 'Bearer');
            res.send(401, { error: 'metrics need the bearer token set in METRICS_TOKEN' });
            return;
          }
        }
        const body = await o.metrics.registry.metrics();
        res.sendRaw(200, body, { 'content-type': o.metrics.registry.contentType });
      });
    },
  };
}
