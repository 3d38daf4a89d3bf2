/**
 * What the Bot Connector's answers mean for a proactive message:
 * - 429 (throttled), 412 (precondition failed: a concurrent update), 502 and 504 (the service
 *   had a moment): try again later, after Retry-After when Teams gave one;
 *   https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit#handle-rate-limits
 * - a network failure: likewise;
 * - anything else (403 the user blocked or uninstalled the bot, 404 no such conversation):
 *   this user cannot be reached now; trying again would not help.
 */
import { TransientDeliveryError } from '../app/ports.js';
import { CodedError } from '../core/errors.js';

export const TRANSIENT_STATUSES = new Set([412, 429, 502, 504]);

/** The user has no conversation with the bot we can write to (never installed, or removed it). */
export class UserUnreachableError extends CodedError {
  constructor(
    readonly userId: string,
    reason: string,
    /** gather: the connector's answer (403, 404: the app was removed or blocked), if any. */
    readonly status?: number,
  ) {
    super('teams.user_unreachable', `Teams user ${userId} cannot be reached: ${reason}`);
  }
}

interface RestLikeError {
  readonly statusCode?: number;
  readonly code?: string;
  readonly response?: { readonly headers?: { get?(name: string): string | undefined | null } };
}

/** Retry-After: seconds, or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

/**
 * The error to throw for a failed call to the Bot Connector: TransientDeliveryError for what
 * is worth trying again (the dispatcher reschedules it), UserUnreachableError otherwise.
 */
export function classifyConnectorError(error: unknown, userId: string, now: number): Error {
  const e = (typeof error === 'object' && error !== null ? error : {}) as RestLikeError;
  const status = e.statusCode;
  if (status !== undefined && TRANSIENT_STATUSES.has(status)) {
    const after = retryAfterMs(e.response?.headers?.get?.('retry-after'), now);
    // 429 is Teams throttling us: wait for Retry-After without counting an attempt.
    return new TransientDeliveryError(`Bot Connector answered ${status}`, after, status === 429);
  }
  if (status === undefined && e.code !== undefined && NETWORK_CODES.has(e.code)) {
    return new TransientDeliveryError(`Bot Connector unreachable (${e.code})`);
  }
  return new UserUnreachableError(
    userId,
    status !== undefined
      ? `Bot Connector answered ${status}`
      : error instanceof Error
        ? error.message
        : 'unknown error',
    status,
  );
}
