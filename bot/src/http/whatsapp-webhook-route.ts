/**
 * /api/whatsapp/webhook: thin on purpose. Verify, parse, commit, answer.
 * - GET: the subscription handshake (hub.mode, hub.verify_token, hub.challenge).
 * - POST: 401 without a valid X-Hub-Signature-256 over the raw bytes, 400 for a body that is
 *   not a WhatsApp notification (neither changes state), 200 once every item is committed,
 *   5xx when something could not be kept, so that WhatsApp delivers it again.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
import type { Logger } from 'pino';
import type restify from 'restify';
import { WebhookPayloadError } from '../whatsapp/errors.js';
import {
  parseWebhook,
  verifySignature,
  verifySubscription,
  type QueryParams,
} from '../whatsapp/webhook.js';
import type { WebhookEvents } from '../whatsapp/webhook-events.js';
import { noMetrics, type Metrics } from '../ops/metrics.js';
import type { RouteModule } from './server.js';
import { readRawBody, BodyTooLargeError } from './raw-body.js';

export const WEBHOOK_PATH = '/api/whatsapp/webhook';

export interface WebhookRouteOptions {
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly events: WebhookEvents;
  readonly logger: Logger;
  /** ops (issue 12): received / refused / deduplicated counts. */
  readonly metrics?: Metrics;
}

export function whatsappWebhookRoute(o: WebhookRouteOptions): RouteModule {
  return {
    register(server: restify.Server) {
      const metrics = o.metrics ?? noMetrics;
      server.get(WEBHOOK_PATH, async (req, res) => {
        const result = verifySubscription(req.query as QueryParams, o.verifyToken);
        if (result.ok) {
          res.setHeader('content-type', 'text/plain');
          res.sendRaw(200, result.challenge);
        } else {
          res.send(403, { error: 'verification failed' });
        }
      });

      server.post(WEBHOOK_PATH, async (req, res) => {
        let raw: Buffer;
        try {
          raw = await readRawBody(req, 3 * 1024 * 1024);
        } catch (error) {
          // Every request gets an answer: too large (413), or a body that could not be read
          // (the client went away, a broken stream: 400, and WhatsApp sends it again).
          if (error instanceof BodyTooLargeError) {
            metrics.webhookRefused('too_large');
            res.send(413, { error: 'body too large' });
          } else {
            metrics.webhookRefused('malformed');
            o.logger.warn({ err: error }, 'webhook body could not be read');
            res.send(400, { error: 'body could not be read' });
          }
          return;
        }
        const signature = req.header('x-hub-signature-256');
        if (!verifySignature(raw, signature, o.appSecret)) {
          o.logger.warn({ hasSignature: Boolean(signature) }, 'webhook refused: bad signature');
          metrics.webhookRefused('signature');
          res.send(401, { error: 'invalid signature' });
          return;
        }
        let items;
        try {
          items = parseWebhook(JSON.parse(raw.toString('utf8')));
        } catch (error) {
          // Any body the parser cannot take is the sender's fault (400, never retried for
          // days); only our own message is shown, never a stack or a runtime's words.
          const detail =
            error instanceof WebhookPayloadError
              ? error.message
              : error instanceof SyntaxError
                ? 'not JSON'
                : 'a body this server cannot read';
          o.logger.warn({ reason: detail }, 'webhook refused: malformed body');
          metrics.webhookRefused('malformed');
          res.send(400, { error: 'malformed webhook body', detail });
          return;
        }
        try {
          const handled = await o.events.handle(items);
          metrics.webhookReceived();
          metrics.webhookDeduplicated(handled.repeated);
          // The ids to follow a message: WhatsApp's (in each item's key), never a body.
          o.logger.info(
            {
              requestId: res.getHeader('x-request-id'),
              items: items.map((i) => i.idempotencyKey),
              ...handled,
            },
            'webhook handled',
          );
          res.send(200, { ok: true });
          return;
        } catch (error) {
          // Nothing answered 200 unless committed: WhatsApp retries with backoff for days.
          o.logger.error(
            { err: error, items: items.map((i) => i.idempotencyKey) },
            'webhook could not be kept; WhatsApp will deliver it again',
          );
          metrics.webhookRefused('store_unavailable');
          res.send(503, { error: 'temporarily unavailable' });
          return;
        }
      });
    },
  };
}
