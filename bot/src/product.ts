/**
 * Wires the product from a typed configuration: the store, the engine's use cases, the
 * dispatchers, the WhatsApp adapter (or the sandbox standing in for WhatsApp), the Teams
 * adapter and the HTTP server. index.ts calls it with the environment's configuration; the
 * end-to-end tests call it with their own.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type restify from 'restify';
import { systemClock, type Clock } from './app/clock.js';
import { createApplication, type Application } from './app/application.js';
import { Conversations } from './app/conversations.js';
import { OutboxDispatcher } from './app/outbox-dispatcher.js';
import { SendBudgets } from './app/send-budgets.js';
import type { UserChannel } from './app/ports.js';
import { TimerRunner } from './app/timer-runner.js';
import type { Config } from './config/config.js';
import { Readiness } from './http/readiness.js';
import { createServer, listen, type RouteModule } from './http/server.js';
import { tabStaticRoute } from './http/tab-static.js';
import { whatsappWebhookRoute, WEBHOOK_PATH } from './http/whatsapp-webhook-route.js';
import { createTabApi } from './http/tab-api/index.js'; // tab (issue 9)
import {
  createSandbox,
  createSandboxClock,
  type Sandbox,
  type SandboxClock,
} from './sandbox/index.js';
import {
  countedContacts,
  countedUsers,
  metricsRoute,
  PrometheusMetrics,
  timedStore,
} from './ops/metrics.js';
import { enforceRetention, LeasedJob, suppressingStore } from './ops/retention.js';
import { HOUR, type TemplateName, type Thread } from './core/types.js';
import { fetchTemplates, TemplateChecker } from './ops/template-check.js';
import { AlarmSignals, checkAlarms, fanOut, organisationAdmins } from './ops/alarms.js';
// alarm (issue 12): a contact's message that reached nobody.
import {
  checkUnassigned,
  signalUnanswered,
  type CheckedSignals,
  type UnassignedCards,
} from './ops/unassigned.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/port.js';
import { BusinessNumbers } from './whatsapp/business-numbers.js';
import { WhatsAppChannel } from './whatsapp/contact-channel.js';
import { SendPacer } from './whatsapp/send-pacer.js';
import { WhatsAppSendGate } from './whatsapp/send-gate.js';
import { WebhookEvents } from './whatsapp/webhook-events.js';

export interface ProductOptions {
  readonly logger: Logger;
  /** Tells business users in Teams; the Teams adapter unless a test records instead. */
  readonly users?: UserChannel;
  /**
   * The Teams side, built from the core: its routes (/api/messages, the tab's API) and the
   * channel that tells users. `users` above, when given, wins (tests that record).
   */
  readonly adapters?: (core: ProductCore) => {
    readonly routes?: readonly RouteModule[];
    readonly users?: UserChannel;
    /** alarm (issue 12): the admins' cards about a contact's message that reached nobody. */
    readonly alarmCards?: UnassignedCards;
  };
  /** The sandbox's clock, shared with the app; tests pass a frozen one. */
  readonly clock?: SandboxClock;
  readonly store?: Store;
  /** Sandbox delivery delays (sent, delivered, read); tests pass 0. */
  readonly deliveryDelays?: { sentMs?: number; deliveredMs?: number; readMs?: number };
  readonly host?: string;
  /** Dispatcher polling, for tests that want the outbox drained promptly. */
  readonly pollMs?: number;
}

/** What the adapters are given. */
export interface ProductCore {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly conversations: Conversations;
  /** The use cases and queries every surface calls (the only way they reach the store). */
  readonly app: Application;
  readonly logger: Logger;
  readonly sandbox?: Sandbox | undefined;
  /** Send slots within WhatsApp's and Teams' limits, shared by every instance (Delivery under load). */
  readonly budgets?: SendBudgets;
}

export interface RunningProduct extends ProductCore {
  readonly metrics: PrometheusMetrics;
  /** Periodic jobs run under leases (retention, …). */
  readonly jobs: readonly LeasedJob[];
  /** The template check, when WHATSAPP_BUSINESS_ACCOUNT_ID (or the sandbox) gives an account. */
  readonly templates: TemplateChecker | undefined;
  readonly url: string;
  readonly server: restify.Server;
  readonly dispatcher: OutboxDispatcher;
  readonly timers: TimerRunner;
  /** This instance's lease owner name. */
  readonly owner: string;
  stop(options?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /** How long to keep serving after readiness turns 503 (SHUTDOWN_DELAY_SECONDS). */
  readonly delayMs?: number;
}

/** Logs what would reach Teams, until the Teams adapter is wired. */
export function loggingUserChannel(logger: Logger): UserChannel {
  return {
    async deliver(effect, thread) {
      logger.info(
        { threadId: thread.id, effect: effect.type, to: effect.to },
        'would tell users in Teams',
      );
    },
  };
}

/** alarm (issue 12): logs the admins' cards, until the Teams adapter is wired. */
function loggingAlarmCards(logger: Logger): UnassignedCards {
  const log = (userId: string, view: { threadId: string }) =>
    logger.info({ userId, threadId: view.threadId }, 'would show an alarm card in Teams');
  return { show: async (u, v) => log(u, v), cleared: async (u, v) => log(u, v) };
}

export async function startProduct(
  config: Config,
  options: ProductOptions,
): Promise<RunningProduct> {
  const logger = options.logger;
  // ops (issue 12): the server answers /healthz and /readyz (503, starting) while the store
  // opens and migrates; the other routes are added once everything is wired.
  const readiness = new Readiness();
  const server = createServer({
    logger,
    readiness,
    requestTimeoutMs: config.ops.requestTimeoutMs,
    maxConnections: config.ops.maxConnections,
    health: () => ({ sandbox: config.whatsapp.sandbox }),
  });
  const url = await listen(server, config.port, options.host);
  let opened: Store;
  try {
    opened =
      options.store ??
      (await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir }));
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const sandboxClock = config.whatsapp.sandbox
    ? (options.clock ?? createSandboxClock())
    : undefined;
  const clock: Clock = sandboxClock ?? systemClock;
  // ops (issue 12): metrics, fed through small wrappers (commits, WhatsApp and Teams sends).
  const metrics = new PrometheusMetrics({ store: opened, clock });
  const store = timedStore(suppressingStore(opened, clock), metrics);
  // What this instance sees, for the alarm job (which may run on another instance).
  const observed = fanOut(metrics, new AlarmSignals(store, clock, logger));
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  // The dispatcher is built after the use cases it calls back; commits wake it through here.
  const wake: { dispatcher?: OutboxDispatcher; unassigned?: LeasedJob } = {};
  const conversations = new Conversations({
    store,
    clock,
    logger,
    maxParticipants: config.maxParticipants,
    onCommitted: () => wake.dispatcher?.kick(),
    // alarm (issue 12): a message nobody receives raises its alarm at once (the job below).
    onUnanswered: (threadId) =>
      signalUnanswered(store, threadId, clock.now())
        .then(() => {
          unassignedChecked.dirty.add(threadId);
          wake.unassigned?.kick();
        })
        .catch((error: unknown) => logger.warn({ err: error, threadId }, 'alarm signal not kept')),
  });

  const wa = config.whatsapp;
  const numbers = new BusinessNumbers(
    {
      baseUrl: wa.apiUrl,
      apiVersion: wa.apiVersion,
      phoneNumberId: wa.phoneNumberId,
      accessToken: wa.accessToken,
      logger,
    },
    store,
  );
  const clientFor = (businessNumberId: string) => numbers.clientFor(businessNumberId);
  const organisationLocale = async (businessNumberId: string) =>
    (await store.getOrganisationByBusinessNumber(businessNumberId))?.contactLocale ?? 'en';
  // alarm (issue 12): what the app writes to a contact (participant notices) is in the
  // contact's language when one is set, as templates are, else the organisation's default.
  const contactLocale = async (businessNumberId: string, contactId: string) =>
    (await store.getContact(contactId))?.locale ?? (await organisationLocale(businessNumberId));

  // Delivery under load: WhatsApp's and Teams' limits as send budgets shared by every
  // instance through the store; each send waits for its reserved slot, in wall-clock time.
  const budgets = new SendBudgets({ store, logger });

  // ops (issue 12): templates checked at start and hourly; sent in the contact's language.
  const templateChecker = wa.businessAccountId
    ? new TemplateChecker({
        load: () =>
          fetchTemplates({
            baseUrl: wa.apiUrl,
            apiVersion: wa.apiVersion,
            wabaId: wa.businessAccountId!,
            accessToken: wa.accessToken,
          }),
        logger,
        onChecked: (check) => metrics.templateProblems(check.problems.length),
      })
    : undefined;
  const templateLanguage = async (template: TemplateName, thread: Thread) => {
    if (!templateChecker) return undefined;
    const contact = await store.getContact(thread.contact.id);
    const locale = contact?.locale ?? (await organisationLocale(thread.businessNumberId));
    return templateChecker.languageFor(template, locale);
  };
  const whatsAppChannel = new WhatsAppChannel({
    clientFor,
    pacer: new SendPacer({ now: () => Date.now(), messagesPerSecond: wa.messagesPerSecond }),
    budgets,
    gate: new WhatsAppSendGate(wa.messagesPerSecond),
    store,
    businessName: () => config.businessName,
    contactLocale,
    templateLanguage,
  });
  const contacts = countedContacts(whatsAppChannel, observed, logger);

  const sandbox = sandboxClock
    ? createSandbox({
        appSecret: wa.appSecret,
        accessToken: wa.accessToken,
        phoneNumberId: wa.phoneNumberId,
        displayPhoneNumber: wa.displayPhoneNumber,
        webhookUrl: `http://127.0.0.1:${config.port}${WEBHOOK_PATH}`,
        clock: sandboxClock,
        businessName: config.businessName,
        ...(options.deliveryDelays ? { deliveryDelays: options.deliveryDelays } : {}),
        logger,
      })
    : undefined;

  const app = createApplication({
    store,
    conversations,
    clock,
    logger,
    maxParticipants: config.maxParticipants,
    // alarm (issue 12): who is told of a message nobody received may assign it.
    onAssigned: () => {
      unassignedChecked.fullAt = 0; // the next pass looks at every thread again
      wake.unassigned?.kick();
    },
    everyoneIfNoAdmin: config.bot.local,
  });
  const core: ProductCore = { config, store, clock, conversations, app, logger, sandbox, budgets };
  const edge = options.adapters?.(core);
  const users = countedUsers(
    options.users ?? edge?.users ?? loggingUserChannel(logger),
    metrics,
    logger,
  );
  const dispatcher = new OutboxDispatcher({
    store,
    clock,
    logger,
    conversations,
    contacts,
    users,
    owner,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
  wake.dispatcher = dispatcher;
  const timers = new TimerRunner({
    store,
    clock,
    logger,
    conversations,
    owner,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });

  const events = new WebhookEvents({ conversations, store, clientFor, logger });
  // tab (issue 9): the personal tab's API under /api/tab/, behind Teams SSO.
  const tabApi = createTabApi({ config, store, clock, app, logger });
  const routes: RouteModule[] = [
    whatsappWebhookRoute({
      appSecret: wa.appSecret,
      verifyToken: wa.verifyToken,
      events,
      logger,
      metrics: observed,
    }),
    metricsRoute({ metrics, token: config.ops.metricsToken }),
    ...(sandbox ? [sandbox.routes] : []),
    ...(edge?.routes ?? []),
    tabApi,
    // The personal tab's page and assets (issue 9), built into tabs/dist by `npm run build:tab`.
    tabStaticRoute(),
  ];
  for (const route of routes) route.register(server);
  // Moving the sandbox clock (+24 h on the phone page) makes due timers fire at once.
  sandboxClock?.onAdvance(() => {
    void timers
      .runDue()
      .catch((error: unknown) => logger.error({ err: error }, 'timer run failed'));
    dispatcher.kick();
  });
  dispatcher.start();
  timers.start();
  // ops (issue 12): retention, under a lease so one instance runs it at a time.
  const retentionDays = config.ops.retentionDays;
  const jobs: LeasedJob[] = [
    // ops (issue 12): alarms to the organisation's admins, in Teams.
    new LeasedJob({
      name: 'alarms',
      store,
      clock,
      owner,
      intervalMs: config.ops.alarmCheckMs,
      logger,
      run: () =>
        checkAlarms({
          store,
          clock,
          users,
          logger,
          metrics,
          admins: () => organisationAdmins(app.records, wa.phoneNumberId, config.bot.local),
          silenceMs: config.ops.webhookSilenceMs,
          outboxAgeMs: config.ops.outboxAlarmMs,
        }),
    }),
  ];
  // alarm (issue 12): a contact's message that reached nobody, one alarm per contact's thread.
  const unassignedChecked: CheckedSignals = {
    fullAt: 0,
    fullEveryMs: config.ops.alarmCheckMs,
    dirty: new Set(),
  };
  wake.unassigned = new LeasedJob({
    name: 'unassigned-alarms',
    store,
    clock,
    owner,
    intervalMs: config.ops.alarmCheckMs,
    // Kicked by every message that reaches nobody; each pass reads every waiting thread.
    kickGapMs: 500,
    logger,
    run: () =>
      checkUnassigned({
        checked: unassignedChecked,
        store,
        clock,
        logger,
        metrics,
        cards: edge?.alarmCards ?? loggingAlarmCards(logger),
        unassigned: app.unassigned,
        admins: async (businessNumberId) =>
          (
            await app.records.organisationAdmins(businessNumberId, {
              everyoneIfNone: config.bot.local,
            })
          ).map((u) => u.id),
      }),
  });
  jobs.push(wake.unassigned);
  if (retentionDays) {
    jobs.push(
      new LeasedJob({
        name: 'retention',
        store,
        clock,
        owner,
        intervalMs: HOUR,
        logger,
        run: () => enforceRetention(store, clock.now(), retentionDays, logger),
      }),
    );
  }
  for (const job of jobs) job.start();
  templateChecker?.start();
  readiness.ready(() => store.ops.probeCommit(owner, Date.now()));

  return {
    ...core,
    url,
    server,
    dispatcher,
    timers,
    owner,
    metrics,
    jobs,
    templates: templateChecker,
    async stop(o: StopOptions = {}) {
      // ops (issue 12): not ready at once (the load balancer stops sending), still serving
      // for `delayMs`; then no new connections, requests in flight and claimed effects
      // finish, and leases go back so another instance takes over without waiting them out.
      readiness.stopping();
      if (o.delayMs) await new Promise((resolve) => setTimeout(resolve, o.delayMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // tab (issue 9): end the live update streams, or the server would wait for them.
      tabApi.stop();
      await dispatcher.stop();
      await timers.stop();
      for (const job of jobs) await job.stop();
      templateChecker?.stop();
      await store.ops
        .releaseLeases(owner)
        .catch((error: unknown) => logger.warn({ err: error }, 'leases not released'));
      await closed;
      await sandbox?.close?.();
      if (!options.store) await store.close();
    },
  };
}
