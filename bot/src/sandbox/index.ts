/**
 * The local WhatsApp sandbox: WhatsApp's Cloud API and a contact's phone in one, served by the
 * app's own restify server, so the product runs with no WhatsApp account (PRODUCT.md, "Running
 * it"). Routes:
 * - /sandbox/graph/:version/…      the Cloud API endpoints the client calls (graph-routes.ts)
 * - /sandbox/media-download/:id    media bytes, with the Bearer token
 * - /sandbox                       the contact's phone page (page/)
 * - /sandbox/api/…                 the JSON API the page uses (phone-api-routes.ts)
 * Webhooks go to the app's POST /api/whatsapp/webhook, signed with the app secret.
 *
 * Wiring, in the composition root (sandbox mode):
 *   const clock = createSandboxClock();
 *   const sandbox = createSandbox({ ...config.whatsapp, clock, logger,
 *     webhookUrl: `http://127.0.0.1:${config.port}/api/whatsapp/webhook` });
 *   createServer({ logger, routes: [sandbox.routes, …] });   // and give `clock` to the app
 */
import type { RouteModule } from '../http/server.js';
import type { TemplatesConfig } from '../whatsapp/templates.js';
import { createSandboxClock, type SandboxClock } from './clock.js';
import type { ChatEntry, ChatLocation, ChatMediaKind } from './contact-phone.js';
import { registerGraphRoutes } from './graph-routes.js';
import {
  DEFAULT_DELIVERY_DELAYS,
  type DeliveryDelays,
  type OutboundRecord,
} from './outbound-delivery.js';
import { registerPageRoutes } from './page-routes.js';
import { registerPhoneApiRoutes } from './phone-api-routes.js';
import { silentLogger, type SandboxLogger } from './sandbox-logger.js';
import { templateTable } from './template-texts.js';
import {
  listedTemplates,
  registerTemplateListRoute,
  type ListedTemplate,
} from './template-list.js';
import type { WebhookDelivery, WebhookRetry } from './webhook-sender.js';
import { WhatsAppSandbox } from './whatsapp-sandbox.js';

export { createSandboxClock, type Clock, type SandboxClock } from './clock.js';
export type {
  ChatEntry,
  ChatStatus,
  ChatButton,
  ChatLocation,
  ChatMediaKind,
} from './contact-phone.js';
export type { DeliveryDelays, OutboundRecord } from './outbound-delivery.js';
export type { WebhookDelivery, WebhookRetry, WebhookAttempt } from './webhook-sender.js';
export type { WebhookPayload, InboundMessage, StatusUpdate } from './webhook-payloads.js';
export { signature as webhookSignature } from './webhook-sender.js';
export { SandboxError } from './sandbox-error.js';
export { templateTable, type TemplateText } from './template-texts.js';
export { GRAPH_BASE_PATH } from './graph-routes.js';
export type { ListedTemplate } from './template-list.js';

export interface SandboxOptions {
  readonly appSecret: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** The business number's digits, e.g. "15550000001". */
  readonly displayPhoneNumber: string;
  /**
   * The app's POST /api/whatsapp/webhook; a function when the port is known only once the
   * server listens (tests on port 0).
   */
  readonly webhookUrl: string | (() => string);
  /** Shared with the app; a real-time clock that can be moved forward by default. */
  readonly clock?: SandboxClock;
  /** Default 300 / 800 / 1500 ms; tests pass 0. */
  readonly deliveryDelays?: Partial<DeliveryDelays>;
  /** Default 5 attempts, 1 s doubling up to 30 s. */
  readonly webhookRetry?: Partial<WebhookRetry>;
  /** The name the phone page shows for the business. Default "Contoso". */
  readonly businessName?: string;
  /** `entry[].id` in webhooks. */
  readonly businessAccountId?: string;
  /** The app's template names, if not the defaults (bot/src/whatsapp/templates.ts). */
  readonly templates?: Partial<TemplatesConfig>;
  readonly logger?: SandboxLogger;
  /** Posts webhooks and fetches pictures sent by link. Default: global fetch. */
  readonly fetch?: typeof globalThis.fetch;
}

/** A contact's phone, as tests and the e2e suite drive it. */
export interface SandboxPhone {
  readonly number: string;
  readonly name: string;
  /** Changes the profile name the next webhooks carry. */
  setName(name: string): SandboxPhone;
  /** Sends a text; returns its wamid. `replyTo` quotes a message on this phone. */
  sendText(text: string, options?: { replyTo?: string }): string;
  /** Sends a picture (stored as media the app can download); returns its wamid and media id. */
  sendImage(
    bytes: Uint8Array,
    mimeType: string,
    options?: { caption?: string },
  ): { wamid: string; mediaId: string };
  /**
   * Sends a document, audio, voice note, video or sticker; returns its wamid and media id.
   * A document keeps its `filename`; documents and videos may have a caption.
   */
  sendMedia(
    kind: ChatMediaKind,
    bytes: Uint8Array,
    mimeType: string,
    options?: { caption?: string; filename?: string },
  ): { wamid: string; mediaId: string };
  /** Shares a place; returns its wamid. */
  sendLocation(location: ChatLocation): string;
  /**
   * Taps a button: by payload ("wa4t:consent:…"), payload prefix ("wa4t:consent"), label
   * ("Agree"), or a message id and button index. Returns the reply's wamid.
   */
  tapButton(target: string | { messageId: string; index: number }): string;
  /** Picks a row of an interactive list, by id or title. */
  chooseListRow(row: string, options?: { messageId?: string }): string;
  /** The chat, oldest first. */
  messages(): ChatEntry[];
  /** The business's messages that reached this phone (not undelivered ones). */
  received(): ChatEntry[];
  setReadReceipts(on: boolean): SandboxPhone;
  readonly readReceipts: boolean;
  /**
   * The contact opens the chat and looks at it: what arrived is read now (with read receipts
   * on, WhatsApp reports `read`), and what arrives while it stays open is read as it comes.
   * A phone starts with the chat closed: the business's messages stay delivered, not read.
   */
  openChat(): SandboxPhone;
  /** The contact leaves the chat (or puts the phone away). */
  closeChat(): SandboxPhone;
  readonly chatOpen: boolean;
  /** Business messages delivered and not yet read. */
  readonly unread: number;
  /** The next business message to this phone fails with `code` (undefined: none). */
  failNextDelivery(code: number | undefined): SandboxPhone;
  /** Whether the business may send free-form messages now (24 h from the last message). */
  windowOpen(): boolean;
}

export interface Sandbox {
  readonly routes: RouteModule;
  readonly clock: SandboxClock;
  /** A contact's phone, made on first use (every number is on WhatsApp here). */
  phone(number: string, name?: string): SandboxPhone;
  phones(): SandboxPhone[];
  /** Every business send the Cloud API accepted, with the statuses reported for it. */
  sent(): OutboundRecord[];
  /**
   * WhatsApp forgets a media id (it expired, or was deleted): downloading it then fails as on
   * Graph. Returns whether there was such media.
   */
  forgetMedia(mediaId: string): boolean;
  /** How many times a media's bytes were downloaded. */
  mediaDownloads(mediaId: string): number;
  /** Every webhook posted to the app (the last 1,000) and what became of it. */
  webhooks(): readonly WebhookDelivery[];
  /** Resolves when no status or webhook is pending (see PendingWork.idle). */
  idle(options?: { quietMs?: number }): Promise<void>;
  /** Cancels pending statuses and retries. */
  close(): void;
  /** ops (issue 12): the business account's template list Graph serves; change it freely. */
  templates: ListedTemplate[];
  /** ops (issue 12): while true, the Cloud API refuses the access token (190). */
  tokenRefused: boolean;
}

const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'x-original-host',
];

/** A request from this machine itself, not relayed by a proxy or a dev tunnel. */
export function isDirectLoopback(
  remoteAddress: string | undefined,
  headers: Readonly<Record<string, unknown>>,
): boolean {
  const address = remoteAddress?.replace(/^::ffff:/, '') ?? '';
  const loopback = address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
  return loopback && FORWARDING_HEADERS.every((h) => headers[h] === undefined);
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const clock = options.clock ?? createSandboxClock();
  const businessAccountId = options.businessAccountId ?? '100000000000000';
  const logger = options.logger ?? silentLogger;
  const world = new WhatsAppSandbox({
    business: {
      phoneNumberId: options.phoneNumberId,
      displayPhoneNumber: options.displayPhoneNumber,
      businessAccountId,
    },
    appSecret: options.appSecret,
    webhookUrl: options.webhookUrl,
    clock,
    delays: { ...DEFAULT_DELIVERY_DELAYS, ...options.deliveryDelays },
    templates: templateTable(options.templates),
    fetch: options.fetch ?? globalThis.fetch,
    logger,
    webhookRetry: options.webhookRetry,
  });

  const handle = (number: string): SandboxPhone => {
    const phone = world.phone(number);
    const self: SandboxPhone = {
      number: phone.number,
      get name() {
        return phone.name;
      },
      setName(name) {
        phone.name = name;
        return self;
      },
      sendText: (text, o) => world.sendText(phone.number, text, o?.replyTo),
      sendImage: (bytes, mimeType, o) => world.sendImage(phone.number, bytes, mimeType, o?.caption),
      sendMedia: (kind, bytes, mimeType, o) =>
        world.sendMedia(phone.number, kind, bytes, mimeType, o),
      sendLocation: (location) => world.sendLocation(phone.number, location),
      tapButton: (target) => world.tapButton(phone.number, target),
      chooseListRow: (row, o) => world.chooseListRow(phone.number, row, o?.messageId),
      messages: () => phone.entries(),
      received: () =>
        phone.entries().filter((e) => e.from === 'business' && e.kind !== 'undelivered'),
      setReadReceipts(on) {
        phone.readReceipts = on;
        return self;
      },
      get readReceipts() {
        return phone.readReceipts;
      },
      openChat() {
        phone.setViewing(true);
        return self;
      },
      closeChat() {
        phone.setViewing(false);
        return self;
      },
      get chatOpen() {
        return phone.viewing;
      },
      get unread() {
        return phone.unread;
      },
      failNextDelivery(code) {
        phone.failNext = code;
        return self;
      },
      windowOpen: () => world.windowOpen(phone),
    };
    return self;
  };

  const self: Sandbox = {
    templates: listedTemplates(options.templates),
    tokenRefused: false,
    routes: {
      register(server) {
        // ops (issue 12, hardening): the contact's phone and the fake Cloud API answer only
        // this machine, and not through a tunnel (which also arrives from localhost).
        server.pre((req, res, next) => {
          const path = req.path();
          if (path !== '/sandbox' && !path.startsWith('/sandbox/')) return next();
          if (!isDirectLoopback(req.socket.remoteAddress, req.headers)) {
            res.send(404, { error: 'not found' });
            return next(false);
          }
          // ops (issue 12): play WhatsApp refusing the access token, to see the alarm.
          if (self.tokenRefused && path.startsWith('/sandbox/graph/')) {
            res.send(401, {
              error: {
                message: 'Error validating access token: Session has expired.',
                type: 'OAuthException',
                code: 190,
                error_subcode: 463,
                fbtrace_id: 'sandbox',
              },
            });
            return next(false);
          }
          return next();
        });
        // alarm (issue 12): the phone page shows the switch as it is.
        server.get('/sandbox/api/token', (_req, res, next) => {
          res.send(200, { refused: self.tokenRefused });
          return next();
        });
        server.post('/sandbox/api/token', async (req, res) => {
          const chunks: Buffer[] = [];
          for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
          let refused: unknown;
          try {
            refused = (
              JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { refused?: unknown }
            ).refused;
          } catch {
            refused = undefined;
          }
          if (typeof refused !== 'boolean') {
            res.send(400, { error: 'send {"refused": true} or {"refused": false}' });
            return;
          }
          self.tokenRefused = refused;
          res.send(200, { refused });
        });
        logger.info(
          { page: '/sandbox', graph: '/sandbox/graph' },
          'WhatsApp sandbox: the contact phone page is at /sandbox',
        );
        registerGraphRoutes(server, { sandbox: world, accessToken: options.accessToken, logger });
        registerPhoneApiRoutes(server, {
          sandbox: world,
          clock,
          businessName: options.businessName ?? 'Contoso',
        });
        registerPageRoutes(server);
        registerTemplateListRoute(server, {
          accessToken: options.accessToken,
          businessAccountId,
          templates: () => self.templates,
        });
      },
    },
    clock,
    phone(number, name) {
      world.phone(number, name);
      return handle(number);
    },
    phones: () => world.phones().map((p) => handle(p.number)),
    sent: () => world.outbound(),
    forgetMedia: (mediaId) => world.media.delete(mediaId),
    mediaDownloads: (mediaId) => world.media.downloads(mediaId),
    webhooks: () => world.webhooks.deliveries(),
    idle: (o) => world.work.idle(o),
    close: () => world.close(),
  };
  return self;
}
