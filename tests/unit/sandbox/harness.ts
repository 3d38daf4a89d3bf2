/**
 * A restify server on 127.0.0.1 with only the sandbox's routes and a fake app webhook that
 * records what WhatsApp (the sandbox) posts to it. Clients call it with global fetch.
 */
import { png } from '../../../scripts/app-package.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import restify from 'restify';
import {
  createSandbox,
  createSandboxClock,
  type Sandbox,
  type SandboxClock,
  type SandboxOptions,
} from '../../../bot/src/sandbox/index.js';
import type { WebhookPayload } from '../../../bot/src/sandbox/webhook-payloads.js';

export const CREDENTIALS = {
  phoneNumberId: '100000000000001',
  displayPhoneNumber: '15550000001',
  accessToken: 'sandbox-access-token',
  appSecret: 'sandbox-app-secret',
} as const;

export const CONTACT = '447700900123';

/** A 1×1 PNG (the encoder that draws the app's icons). */
export const PNG = png(1, new Uint8Array([0, 128, 105, 255]));

/** The start of a JPEG (SOI + APP0): enough for type sniffing. */
export const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0sandbox'),
]);

export interface ReceivedWebhook {
  readonly headers: Record<string, string | string[] | undefined>;
  /** The raw body as received. */
  readonly raw: Buffer;
  readonly json: WebhookPayload;
  /** What the fake app answered. */
  readonly answered: number;
}

export interface Harness {
  readonly url: string;
  readonly graph: string;
  readonly sandbox: Sandbox;
  readonly clock: SandboxClock;
  /** Every POST to the fake app's webhook, in arrival order. */
  readonly received: ReceivedWebhook[];
  /** The next `count` webhooks are answered with `status`. */
  refuseNext(count: number, status?: number): void;
  /** Webhook payloads the app accepted (2xx). */
  accepted(): WebhookPayload[];
  /** Authorised call to the sandbox's Graph API. */
  graphCall(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser());
  const received: ReceivedWebhook[] = [];
  const refusals: number[] = [];

  server.post('/api/whatsapp/webhook', async (req: restify.Request, res: restify.Response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    const status = refusals.shift() ?? 200;
    received.push({
      headers: { ...req.headers },
      raw,
      json: JSON.parse(raw.toString('utf8')) as WebhookPayload,
      answered: status,
    });
    res.send(status, status < 300 ? 'OK' : { error: 'refused by the test' });
  });

  // The port is known once the server listens: the sandbox asks for the webhook URL when posting.
  let url = '';
  const clock = options.clock ?? createSandboxClock({ frozenAt: Date.UTC(2026, 0, 5, 9, 0, 0) });
  const sandbox = createSandbox({
    ...CREDENTIALS,
    webhookUrl: () => `${url}/api/whatsapp/webhook`,
    deliveryDelays: { sentMs: 0, deliveredMs: 0, readMs: 0 },
    webhookRetry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
    clock,
  });
  sandbox.routes.register(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;

  const graph = `${url}/sandbox/graph/v23.0`;
  return {
    url,
    graph,
    sandbox,
    clock,
    received,
    refuseNext(count, status = 500) {
      for (let i = 0; i < count; i++) refusals.push(status);
    },
    accepted: () => received.filter((r) => r.answered < 300).map((r) => r.json),
    graphCall(method, path, body) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${CREDENTIALS.accessToken}`,
      };
      if (body !== undefined && !(body instanceof FormData))
        headers['content-type'] = 'application/json';
      return fetch(`${graph}${path}`, {
        method,
        headers,
        body:
          body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      });
    },
    async close() {
      sandbox.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Checks `X-Hub-Signature-256` against the raw body, as the app must
 * (https://whatsapp.github.io/WhatsApp-Nodejs-SDK/api-reference/webhooks/start).
 */
export function signatureIsValid(
  webhook: ReceivedWebhook,
  appSecret: string = CREDENTIALS.appSecret,
): boolean {
  const header = webhook.headers['x-hub-signature-256'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', appSecret).update(webhook.raw).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The first change value of a payload. */
export function valueOf(payload: WebhookPayload): Record<string, unknown> {
  const value = payload.entry[0]?.changes[0]?.value;
  if (!value) throw new Error('webhook without entry[0].changes[0].value');
  return value as unknown as Record<string, unknown>;
}

export interface StatusSeen {
  readonly id: string;
  readonly status: string;
  readonly biz_opaque_callback_data?: string;
  readonly errors?: { code: number; title: string }[];
}

/** The statuses the app accepted for one wamid, in order. */
export function statusesFor(h: Harness, wamid: string): StatusSeen[] {
  return h
    .accepted()
    .flatMap((p) => (valueOf(p).statuses ?? []) as StatusSeen[])
    .filter((s) => s.id === wamid);
}

/** A text message body as the app's client builds it. */
export function textBody(
  text: string,
  to = CONTACT,
  callback = 'thread-1:1',
): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    biz_opaque_callback_data: callback,
    type: 'text',
    text: { body: text, preview_url: false },
  };
}

/** The opt-in template as the app's client builds it. */
export function optInBody(to = CONTACT, ref = 'thread-1:0'): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    biz_opaque_callback_data: ref,
    type: 'template',
    template: {
      name: 'wa4t_opt_in',
      language: { policy: 'deterministic', code: 'en' },
      components: [
        { type: 'body', parameters: [{ type: 'text', text: 'Contoso' }] },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: `wa4t:consent:${ref}` }],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '1',
          parameters: [{ type: 'payload', payload: `wa4t:decline:${ref}` }],
        },
      ],
    },
  };
}

/** Sends and returns the wamid, failing the test on a non-200. */
export async function send(h: Harness, body: unknown): Promise<string> {
  const response = await h.graphCall('POST', `/${CREDENTIALS.phoneNumberId}/messages`, body);
  const json = (await response.json()) as { messages?: { id: string }[]; error?: unknown };
  if (response.status !== 200 || !json.messages?.[0])
    throw new Error(`send refused: ${response.status} ${JSON.stringify(json)}`);
  return json.messages[0].id;
}

export const HOUR = 60 * 60 * 1000;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The structure of a JSON value: keys and value types, arrays by their first element. What the
 * sandbox posts is compared with Meta's examples by shape, not by value.
 */
export function shape(value: unknown): Json {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, shape(v)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  }
  return typeof value;
}
