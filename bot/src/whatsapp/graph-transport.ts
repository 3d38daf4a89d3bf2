/**
 * HTTP to Graph for the Cloud API client: URLs, the bearer token, a timeout, and every way a
 * call can fail turned into a coded error (errors.ts). The token goes in the Authorization
 * header and nowhere else: not in URLs, logs or errors.
 */
import type { z } from 'zod';
import { MediaRejectedError, WhatsAppApiError, WhatsAppUnavailableError } from './errors.js';
import { errorFromResponse, UNKNOWN_GRAPH_CODE } from './graph-error.js';

/** The part of a pino logger the client uses. Objects only carry ids, codes and timings. */
export interface CloudApiLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface GraphTransportOptions {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly accessToken: string;
  readonly fetch?: typeof globalThis.fetch | undefined;
  readonly timeoutMs?: number | undefined;
  readonly logger?: CloudApiLogger | undefined;
}

export type Operation = 'send' | 'upload' | 'media_info' | 'media_download';

export interface Call {
  readonly operation: Operation;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: string | FormData;
}

/** Connection errors that prove the request never reached WhatsApp. */
const NOT_SENT_CAUSES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const USER_AGENT = 'wa4t/0.1 (WhatsApp for Microsoft Teams)';

export class GraphTransport {
  readonly #token: string;
  readonly #base: URL;
  readonly #version: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #logger: CloudApiLogger | undefined;

  constructor(options: GraphTransportOptions) {
    this.#token = options.accessToken;
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.#version = options.apiVersion;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#logger = options.logger;
  }

  /** Keep the token out of util.inspect / console.log. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `GraphTransport { base: '${this.#base.origin}' }`;
  }

  toJSON(): object {
    return { base: this.#base.origin };
  }

  /** A Graph URL: `<base>/<version>/<path>`. */
  url(path: string): string {
    return new URL(`${this.#version}/${path}`, this.#base).toString();
  }

  /**
   * The token goes only to Graph's media host over HTTPS, or to our own base URL (the sandbox
   * on http://localhost): never in clear text to a host a payload could name.
   */
  mediaUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WhatsAppApiError({
        httpStatus: 200,
        graphCode: UNKNOWN_GRAPH_CODE,
        title: 'Media URL is not a URL',
        details: '',
      });
    }
    if (url.protocol !== 'https:' && url.origin !== this.#base.origin) {
      throw new WhatsAppApiError({
        httpStatus: 200,
        graphCode: UNKNOWN_GRAPH_CODE,
        title: 'Media URL is not HTTPS',
        details: `refusing to send credentials to ${url.origin}`,
      });
    }
    return url.toString();
  }

  /** Makes the call; a non-2xx answer or no answer becomes a coded error. */
  async call(call: Call): Promise<Response> {
    const started = Date.now();
    const path = new URL(call.url).pathname;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      'user-agent': USER_AGENT,
    };
    if (typeof call.body === 'string') headers['content-type'] = 'application/json';
    const isSend = call.operation === 'send';
    let response: Response;
    try {
      response = await this.#fetch(call.url, {
        method: call.method,
        headers,
        body: call.body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const failure = this.#unavailable(error, isSend, call);
      this.#logger?.warn(
        {
          operation: call.operation,
          path,
          reason: failure.reason,
          maybeDelivered: failure.maybeDelivered,
        },
        'whatsapp request failed',
      );
      throw failure;
    }
    if (response.ok) {
      this.#logger?.debug(
        { operation: call.operation, path, status: response.status, ms: Date.now() - started },
        'whatsapp request',
      );
      return response;
    }
    const text = await response.text().catch(() => '');
    const error = errorFromResponse(response.status, response.headers, text, this.#token, isSend);
    this.#logger?.warn(
      error instanceof WhatsAppApiError
        ? {
            operation: call.operation,
            path,
            status: error.httpStatus,
            graphCode: error.graphCode,
            subcode: error.subcode,
            fbtraceId: error.fbtraceId,
          }
        : { operation: call.operation, path, status: error.httpStatus, reason: error.reason },
      'whatsapp request refused',
    );
    throw error;
  }

  #unavailable(error: unknown, isSend: boolean, call: Call): WhatsAppUnavailableError {
    const name = error instanceof Error ? error.name : '';
    const what = `${call.method} ${new URL(call.url).pathname}`;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new WhatsAppUnavailableError(
        'timeout',
        isSend,
        `WhatsApp did not answer ${what} within ${this.#timeoutMs} ms`,
        undefined,
        { cause: error },
      );
    }
    const cause =
      error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
    const causeCode = typeof cause?.code === 'string' ? cause.code : undefined;
    const neverSent = causeCode !== undefined && NOT_SENT_CAUSES.has(causeCode);
    return new WhatsAppUnavailableError(
      'network',
      isSend && !neverSent,
      `WhatsApp could not be reached for ${what}${causeCode ? ` (${causeCode})` : ''}`,
      undefined,
      { cause: error },
    );
  }

  /** A 2xx body that is not what the spec says is an API error too (code 1), not a crash. */
  async json<T>(response: Response, schema: z.ZodType<T>, operation: Operation): Promise<T> {
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new WhatsAppApiError({
      httpStatus: response.status,
      graphCode: UNKNOWN_GRAPH_CODE,
      title: `Unexpected ${operation} response from WhatsApp`,
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      fbtraceId: response.headers.get('x-fb-trace-id') ?? undefined,
    });
  }

  /** Reads a body, stopping as soon as it exceeds `maxBytes` (Content-Length may be absent). */
  async readLimited(response: Response, maxBytes: number, mediaId: string): Promise<Buffer> {
    const tooLarge = (size: number) =>
      new MediaRejectedError(
        'too_large',
        `media ${mediaId} is over ${maxBytes} bytes (${size} read)`,
      );
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw tooLarge(declared);
    }
    if (!response.body) return Buffer.alloc(0);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge(size);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, size);
  }
}
