/**
 * The errors the sandbox produces, worded as WhatsApp words them: Graph error envelopes for
 * refused requests, and `statuses[].errors[]` for deliveries that fail later.
 *
 * Codes and titles: Meta's error-codes page
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 * Envelope: OpenAPI components/schemas/GraphAPIError.
 */
import { randomBytes } from 'node:crypto';

export const ERROR_CODES_HREF =
  'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

interface ErrorText {
  readonly title: string;
  readonly details: string;
}

/**
 * Errors a delivery can fail with, in status webhooks
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 */
const DELIVERY_ERRORS: Readonly<Record<number, ErrorText>> = {
  131026: {
    title: 'Message undeliverable',
    details:
      'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted our new Terms of Service and Privacy Policy; the recipient is using an old WhatsApp version.',
  },
  131047: {
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details:
      'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  131050: {
    title: 'User has stopped marketing messages',
    details:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  },
  131000: {
    title: 'Something went wrong',
    details: 'Message failed to send due to an unknown error.',
  },
  130429: {
    title: 'Rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number in a short period of time.',
  },
  131053: {
    title: 'Media upload error',
    details: 'Unable to upload the media used in the message.',
  },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  131016: { title: 'Service unavailable', details: 'A service is temporarily unavailable.' },
  131021: {
    title: 'Recipient cannot be sender',
    details: 'Sender and recipient phone number is the same.',
  },
};

/** The choices on the phone page's "fail the next delivery" select, most useful first. */
export const FAILURE_CHOICES: readonly number[] = [
  131026, 131047, 131049, 131000, 130429, 131050, 131056, 131016,
];

export function errorTitle(code: number): string {
  return DELIVERY_ERRORS[code]?.title ?? `Error ${code}`;
}

/** OpenAPI components/schemas/StatusError. */
export interface StatusError {
  readonly code: number;
  readonly title: string;
  readonly message: string;
  readonly error_data: { readonly details: string };
  readonly href: string;
}

export function statusError(code: number, details?: string): StatusError {
  const text = DELIVERY_ERRORS[code] ?? {
    title: `Error ${code}`,
    details: 'The sandbox was asked to fail this delivery.',
  };
  return {
    code,
    title: text.title,
    message: text.title,
    error_data: { details: details ?? text.details },
    href: ERROR_CODES_HREF,
  };
}

/** Graph's error envelope, as the body of a refused request. */
export interface GraphErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly code: number;
    readonly error_subcode?: number;
    readonly error_data?: { readonly messaging_product: 'whatsapp'; readonly details: string };
    readonly is_transient?: boolean;
    readonly fbtrace_id: string;
  };
}

/**
 * A refused request: the HTTP status and Graph's envelope. The one error class outside the
 * product's coded base (core/errors.ts), on purpose: it is the sandbox playing Meta's Graph
 * API, so its `code` is Graph's number and its answer Meta's envelope, which the product reads
 * back as a WhatsAppApiError (with that number as `graphCode`). It never reaches a Teams user
 * or the product's own HTTP answers.
 */
export class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly details?: string,
    readonly options: {
      readonly type?: string;
      readonly subcode?: number;
      readonly isTransient?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }

  body(): GraphErrorBody {
    return {
      error: {
        message: this.message,
        type: this.options.type ?? 'OAuthException',
        code: this.code,
        ...(this.options.subcode === undefined ? {} : { error_subcode: this.options.subcode }),
        ...(this.details === undefined
          ? {}
          : { error_data: { messaging_product: 'whatsapp' as const, details: this.details } }),
        ...(this.options.isTransient === undefined
          ? {}
          : { is_transient: this.options.isTransient }),
        fbtrace_id: fbtraceId(),
      },
    };
  }
}

/** Graph's trace ids look like "AXsgnV2Cm3ZMGF3dF_cfYIn". */
export function fbtraceId(): string {
  return randomBytes(17).toString('base64url').slice(0, 23);
}

// The refusals the sandbox makes, with Graph's wording.

export const invalidToken = (missing: boolean): GraphError =>
  new GraphError(
    401,
    190,
    missing
      ? 'An active access token must be used to query information about the current user.'
      : 'Invalid OAuth access token - Cannot parse access token',
  );

/** An id Graph does not know (the wrong phone_number_id, a deleted media id). */
export const unknownObject = (id: string, method: 'get' | 'post' | 'delete'): GraphError =>
  new GraphError(
    400,
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    undefined,
    { type: 'GraphMethodException', subcode: 33 },
  );

export const invalidParameter = (details: string): GraphError =>
  new GraphError(400, 100, '(#100) Invalid parameter', details);

export const missingParameter = (details: string): GraphError =>
  new GraphError(400, 131008, '(#131008) Required parameter is missing', details);

export const invalidParameterValue = (details: string): GraphError =>
  new GraphError(400, 131009, '(#131009) Parameter value is not valid', details);

export const mediaUploadError = (details: string): GraphError =>
  new GraphError(400, 131053, '(#131053) Media upload error', details);

export const templateNotFound = (name: string, language: string): GraphError =>
  new GraphError(
    404,
    132001,
    '(#132001) Template name does not exist in the translation',
    `template name (${name}) does not exist in ${language}`,
  );

export const templateParamCount = (expected: number, got: number): GraphError =>
  new GraphError(
    400,
    132000,
    '(#132000) Number of parameters does not match the expected number of params',
    `body: number of localizable_params (${got}) does not match the expected number of params (${expected})`,
  );

export const recipientIsSender = (): GraphError =>
  new GraphError(
    400,
    131021,
    '(#131021) Recipient cannot be sender',
    DELIVERY_ERRORS[131021]?.details,
  );
