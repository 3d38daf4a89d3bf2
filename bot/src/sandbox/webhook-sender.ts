/**
 * Posts webhooks to the app as WhatsApp does: signed with the app secret, one at a time in the
 * order they happened, and retried with backoff while the app answers non-2xx or cannot be
 * reached (WhatsApp retries for up to 7 days; the sandbox gives up sooner;
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint).
 *
 * Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body bytes)>`
 * (https://whatsapp.github.io/WhatsApp-Nodejs-SDK/api-reference/webhooks/start). The body escapes
 * non-ASCII characters and slashes the way Graph's JSON does, so
 * an app that hashes a re-serialised body instead of the raw bytes fails here, not in production.
 */
import { createHmac } from 'node:crypto';
import type { PendingWork } from './pending-work.js';
import type { SandboxLogger } from './sandbox-logger.js';
import type { WebhookPayload } from './webhook-payloads.js';

export interface WebhookRetry {
  /** Attempts in all, the first included. Default 5. */
  readonly attempts: number;
  /** Wait before the first retry; each next wait doubles. Default 1 s. */
  readonly initialDelayMs: number;
  /** Longest wait between attempts. Default 30 s. */
  readonly maxDelayMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = {
  attempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
};

export interface WebhookAttempt {
  /** Real time of the attempt (Date.now()). */
  readonly at: number;
  readonly httpStatus?: number;
  /** Why the app could not be reached. */
  readonly error?: string;
}

/** `held`: made while webhooks were stopped (see WebhookSender.stop), posted on resume. */
export type WebhookState = 'held' | 'pending' | 'delivered' | 'failed';

/** One webhook and what became of it, for tests and the page. */
export interface WebhookDelivery {
  readonly seq: number;
  readonly payload: WebhookPayload;
  /** The exact bytes posted (UTF-8), which the signature covers. */
  readonly body: string;
  readonly signature: string;
  readonly attempts: readonly WebhookAttempt[];
  readonly state: WebhookState;
}

export interface WebhookSenderOptions {
  /** The app's webhook; a function when it is known only once the server listens. */
  readonly url: string | (() => string);
  readonly appSecret: string;
  readonly fetch: typeof globalThis.fetch;
  readonly work: PendingWork;
  readonly logger: SandboxLogger;
  readonly retry?: Partial<WebhookRetry>;
  /** How long the app has to answer one attempt. Default 10 s. */
  readonly timeoutMs?: number;
}

/** `sha256=` + hex HMAC-SHA256 of the raw body with the app secret. */
export function signature(appSecret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** JSON as Graph writes it: non-ASCII as \uXXXX and "/" as "\/". */
export function graphJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface MutableDelivery {
  seq: number;
  payload: WebhookPayload;
  body: string;
  signature: string;
  attempts: WebhookAttempt[];
  state: WebhookState;
}

const KEEP = 1000;

export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #retry: WebhookRetry;
  readonly #deliveries: MutableDelivery[] = [];
  #queue: Promise<void> = Promise.resolve();
  #seq = 0;
  /** alarm (issue 12): webhooks made while stopped, in order, with who waits for each. */
  #held: { delivery: MutableDelivery; settled?: ((delivered: boolean) => void) | undefined }[] = [];
  #stopped = false;

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_WEBHOOK_RETRY, ...options.retry };
  }

  /**
   * Queues a webhook; `settled` is told whether the app finally took it. Returns the record,
   * which changes as attempts are made.
   */
  send(payload: WebhookPayload, settled?: (delivered: boolean) => void): WebhookDelivery {
    const body = graphJson(payload);
    const delivery: MutableDelivery = {
      seq: ++this.#seq,
      payload,
      body,
      signature: signature(this.#options.appSecret, body),
      attempts: [],
      state: 'pending',
    };
    this.#deliveries.push(delivery);
    if (this.#deliveries.length > KEEP) this.#deliveries.splice(0, this.#deliveries.length - KEEP);
    if (this.#stopped) {
      delivery.state = 'held';
      this.#held.push({ delivery, settled });
      return delivery;
    }
    this.#enqueue(delivery, settled);
    return delivery;
  }

  /**
   * alarm (issue 12): stop posting webhooks, as when the app's subscription breaks or a
   * firewall blocks Meta: the webhook-silence alarm can be seen. What happens meanwhile is
   * held, in order (WhatsApp keeps undelivered webhooks and delivers them again), and posted
   * on resume. Webhooks already on their way finish.
   */
  stop(): void {
    this.#stopped = true;
  }

  /** Post again, the held webhooks first, in the order they happened. */
  resume(): void {
    this.#stopped = false;
    const held = this.#held;
    this.#held = [];
    for (const { delivery, settled } of held) {
      delivery.state = 'pending';
      this.#enqueue(delivery, settled);
    }
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** How many webhooks wait for resume. */
  get heldCount(): number {
    return this.#held.length;
  }

  #enqueue(delivery: MutableDelivery, settled?: (delivered: boolean) => void): void {
    const previous = this.#queue;
    const mine = (async () => {
      await previous;
      const delivered = await this.#deliver(delivery);
      settled?.(delivered);
    })();
    // The queue goes on whatever happened to this one.
    this.#queue = mine.catch(() => undefined);
    this.#options.work.run(
      () => mine,
      (error) =>
        this.#options.logger.warn(
          { err: error, seq: delivery.seq },
          'sandbox webhook delivery stopped',
        ),
    );
  }

  /** Every webhook so far (the last 1,000), oldest first. */
  deliveries(): readonly WebhookDelivery[] {
    return this.#deliveries;
  }

  async #deliver(delivery: MutableDelivery): Promise<boolean> {
    const { attempts, initialDelayMs, maxDelayMs } = this.#retry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1)
        await this.#options.work.wait(Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 2)));
      const result = await this.#post(delivery);
      delivery.attempts.push(result);
      if (result.httpStatus !== undefined && result.httpStatus >= 200 && result.httpStatus < 300) {
        delivery.state = 'delivered';
        this.#options.logger.debug(
          { seq: delivery.seq, attempts: attempt },
          'sandbox webhook delivered',
        );
        return true;
      }
      this.#options.logger.warn(
        { seq: delivery.seq, attempt, status: result.httpStatus, error: result.error },
        attempt < attempts
          ? 'sandbox webhook refused, will retry'
          : 'sandbox webhook refused, giving up',
      );
    }
    delivery.state = 'failed';
    return false;
  }

  async #post(delivery: MutableDelivery): Promise<WebhookAttempt> {
    const at = Date.now();
    try {
      const { url } = this.#options;
      const response = await this.#options.fetch(typeof url === 'string' ? url : url(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': delivery.signature,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
      // Read (and drop) the answer so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      return { at, httpStatus: response.status };
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return { at, error: `${error instanceof Error ? error.message : String(error)}${cause}` };
    }
  }
}
