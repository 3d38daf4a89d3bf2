/**
 * The WhatsApp adapter's coded errors: one class per way a call can fail, each a CodedError
 * (core/errors.ts) with a string `code` in the product's words; Graph's own numeric error code
 * travels as `graphCode`. Logs and the error catalogue (error-catalogue.ts) tell them apart
 * without reading messages. None carries the access token.
 */
import { CodedError } from '../core/errors.js';

/** What Graph said when it refused a request (its error envelope, see graph-error.ts). */
export interface WhatsAppApiErrorInit {
  readonly httpStatus: number;
  /** Graph's `error.code`, e.g. 131056. The key to error-catalogue.ts. */
  readonly graphCode: number;
  readonly subcode?: number | undefined;
  /** Graph's `error.message`, e.g. "(#131056) (Business Account, Consumer Account) pair rate limit hit". */
  readonly title: string;
  /** `error.error_data.details` (or `error_user_msg`): Meta says to build logic on code + details. */
  readonly details: string;
  readonly fbtraceId?: string | undefined;
  /** Graph's own hint (`error.is_transient`). */
  readonly isTransient?: boolean | undefined;
  /** From `x-business-use-case-usage` `estimated_time_to_regain_access` (OpenAPI components/headers). */
  readonly retryAfterMs?: number | undefined;
}

/**
 * The Cloud API answered with an error envelope.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
export class WhatsAppApiError extends CodedError implements WhatsAppApiErrorInit {
  declare readonly code: 'whatsapp.api_error';
  readonly httpStatus: number;
  readonly graphCode: number;
  readonly subcode?: number | undefined;
  readonly title: string;
  readonly details: string;
  readonly fbtraceId?: string | undefined;
  readonly isTransient?: boolean | undefined;
  readonly retryAfterMs?: number | undefined;

  constructor(init: WhatsAppApiErrorInit) {
    const sub = init.subcode === undefined ? '' : `/${init.subcode}`;
    super(
      'whatsapp.api_error',
      `WhatsApp API error ${init.graphCode}${sub} (HTTP ${init.httpStatus}): ${init.title}`,
    );
    this.name = 'WhatsAppApiError';
    this.httpStatus = init.httpStatus;
    this.graphCode = init.graphCode;
    this.subcode = init.subcode;
    this.title = init.title;
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
    this.isTransient = init.isTransient;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * WhatsApp could not be reached, did not answer in time, or answered 5xx/429 without a Graph
 * error body. Always retryable
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 */
export class WhatsAppUnavailableError extends CodedError {
  declare readonly code: 'whatsapp.unavailable';
  readonly retryable = true as const;

  constructor(
    readonly reason: 'network' | 'timeout' | 'http',
    /**
     * Whether WhatsApp may have accepted the message anyway: after a timeout, a reset or a 5xx
     * the send is ambiguous and a retry can deliver it twice (the Cloud API has no idempotency
     * key). False only when the request provably never left (DNS, refused).
     */
    readonly maybeDelivered: boolean,
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super('whatsapp.unavailable', message, options);
    this.name = 'WhatsAppUnavailableError';
  }
}

export type MediaRejection = 'too_large' | 'unsupported_type';

/** A picture we refuse before calling WhatsApp: not JPEG/PNG, or over 5 MB (media-rules.ts). */
export class MediaRejectedError extends CodedError {
  declare readonly code: 'whatsapp.media_rejected';

  constructor(
    readonly rejection: MediaRejection,
    message: string,
  ) {
    super('whatsapp.media_rejected', message);
    this.name = 'MediaRejectedError';
  }
}

/** A webhook POST whose body is not a WhatsApp notification: answer 400. */
export class WebhookPayloadError extends CodedError {
  declare readonly code: 'whatsapp.webhook_invalid';
  readonly httpStatus = 400 as const;

  constructor(
    message: string,
    /** Where the body deviates, e.g. ["entry.0.changes.0.value.metadata: Required"]. */
    readonly issues: readonly string[] = [],
  ) {
    super('whatsapp.webhook_invalid', message);
    this.name = 'WebhookPayloadError';
  }
}
