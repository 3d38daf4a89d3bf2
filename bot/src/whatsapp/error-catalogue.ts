/**
 * What to do about a WhatsApp error code: retry (and when), slow down, or fail the message
 * with a plain-language reason (an i18n key in locales/<lang>/reasons.json).
 *
 * Codes and meanings: Meta's error-codes page
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 * (it also gives the retry advice). Meta says to key logic on Graph's `code` (our `graphCode`, and
 * `error_data.details`), never on titles, which it will deprecate.
 */
import type { NoticeKey } from '../core/notice-keys.js';
import {
  RETRY_CLASSES,
  exponentialBackoff,
  pairBackoff,
  type RetryDelay,
} from '../app/retry-policy.js';
import type { Failure, FailureKind } from '../core/types.js';

export { exponentialBackoff, pairBackoff, type RetryDelay };
import { MediaRejectedError, WhatsAppApiError, WhatsAppUnavailableError } from './errors.js';

export type Throttle = 'throughput' | 'pair';

export interface ErrorPolicy {
  /** Whether the dispatcher sends again by itself. */
  readonly retryable: boolean;
  /** Attempts in all, the first included: 1 means never retried. */
  readonly maxAttempts: number;
  readonly retryAfterMs?: RetryDelay | undefined;
  /**
   * Not the message's fault: slow the business number (throughput) or this contact (pair)
   * down in send-pacer.ts and send again, rather than fail it.
   */
  readonly throttle?: Throttle | undefined;
  /** Only an administrator can fix it (token, account, billing, templates): alert. */
  readonly needsAdmin: boolean;
  /** What the user is told when the message finally fails. */
  readonly failure: Failure;
}

/** A Failure's `graphCode` for errors with no WhatsApp code: no answer, or our own bug. */
export const NO_WHATSAPP_CODE = -1;

// ---------------------------------------------------------------------------------------------
// Classes: the one retry policy's (app/retry-policy.ts); this table only says which class
// each code is in. Meta's advice on retrying: see the error-codes page above.

type Spec = Omit<ErrorPolicy, 'failure'> & { readonly reasonKey: NoticeKey };

const permanent = (reasonKey: NoticeKey, needsAdmin = false): Spec => ({
  retryable: false,
  maxAttempts: 1,
  needsAdmin,
  reasonKey,
});

/** "Transient server": backoff with full jitter, 1 s … 60 s, at most 5 attempts. */
const transient = (maxAttempts = RETRY_CLASSES.transient.maxAttempts): Spec => ({
  retryable: true,
  maxAttempts,
  retryAfterMs: RETRY_CLASSES.transient.delay,
  needsAdmin: false,
  reasonKey: 'reason.service_unavailable',
});

/** "Throughput": our number is over its messages-per-second; wait and send again. */
const throughput: Spec = {
  retryable: true,
  maxAttempts: RETRY_CLASSES.throughput.maxAttempts,
  retryAfterMs: RETRY_CLASSES.throughput.delay,
  throttle: 'throughput',
  needsAdmin: false,
  reasonKey: 'reason.rate_limited',
};

/** "Pair": too many to this contact; 4^X s, stop after about 5 attempts and tell the user. */
const pair: Spec = {
  retryable: true,
  maxAttempts: RETRY_CLASSES.pair.maxAttempts,
  retryAfterMs: RETRY_CLASSES.pair.delay,
  throttle: 'pair',
  needsAdmin: false,
  reasonKey: 'reason.pair_rate_limited',
};

const CATALOGUE = new Map<number, Spec>([
  // Authentication and permissions: only the administrator can fix these.
  [0, permanent('reason.access_token', true)], // AuthException: token expired or invalidated
  [190, permanent('reason.access_token', true)], // access token expired or invalid
  [3, permanent('reason.permission_denied', true)], // API method: capability or permission
  [10, permanent('reason.permission_denied', true)], // permission not granted or removed
  [131005, permanent('reason.permission_denied', true)], // access denied

  // Transient: WhatsApp's side is down or overloaded.
  [1, transient(2)], // API Unknown: "once, with backoff; then treat as a bug" (error-codes page)
  [2, transient()], // API Service: temporary downtime or overload
  [131000, transient()], // something went wrong
  [131016, transient()], // service unavailable
  [133004, transient()], // server temporarily unavailable
  // Business account in maintenance (e.g. a throughput upgrade, ≤ about 1 minute).
  [131057, { ...transient(), retryAfterMs: exponentialBackoff(10_000, 60_000) }],

  // Throughput (per business number,
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput) and Graph
  // rate limits (codes 4, 80007, 17).
  [130429, throughput], // rate limit hit: messages per second
  [4, throughput], // too many calls (app)
  [80007, throughput], // WABA rate limit
  [17, throughput], // user request limit
  [131056, pair], // pair rate limit: this business number to this contact (error-codes page)

  // Policy and quality: never retried blindly
  // (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
  [368, permanent('reason.account_problem', true)], // temporarily blocked for policy violations
  [131031, permanent('reason.account_problem', true)], // account locked
  [130497, permanent('reason.country_restricted', true)], // restricted for this country
  [131048, permanent('reason.spam_limited', true)], // spam rate limit
  [131049, permanent('reason.engagement_limited')], // healthy-ecosystem (per-user) limit
  [130472, permanent('reason.engagement_limited')], // number in a Meta experiment
  [131042, permanent('reason.payment_problem', true)], // payment method / credit line

  // The contact.
  [131026, permanent('reason.undeliverable')], // not on WhatsApp, blocked us, old app, terms
  [131047, permanent('reason.window_closed')], // > 24 h since the contact's last message
  [131050, permanent('reason.opted_out')], // contact stopped messages from the business
  [131021, permanent('reason.recipient_is_business')], // recipient cannot be the sender
  [131030, permanent('reason.recipient_not_allowed', true)], // not in the test allow-list

  // The message.
  [100, permanent('reason.invalid_request')], // invalid parameter
  [131008, permanent('reason.invalid_request')], // required parameter missing
  [131009, permanent('reason.invalid_request')], // parameter value not valid
  [131055, permanent('reason.invalid_request')], // method not allowed
  [135000, permanent('reason.invalid_request')], // generic user error
  [131051, permanent('reason.unsupported_message')], // unsupported message type
  [131052, permanent('reason.media_download_failed')], // contact's media could not be downloaded
  [131053, permanent('reason.media_upload_failed')], // our media could not be uploaded/fetched

  // Templates: the approved templates do not match what the app sends.
  [132000, permanent('reason.template_problem', true)], // parameter count mismatch
  [132001, permanent('reason.template_problem', true)], // not in that language / not approved
  [132005, permanent('reason.template_problem', true)], // hydrated text too long
  [132007, permanent('reason.template_problem', true)], // format character policy violated
  [132008, permanent('reason.template_problem', true)], // parameter format invalid
  [132012, permanent('reason.template_problem', true)], // parameter format mismatch
  [132015, permanent('reason.template_paused', true)], // paused for low quality
  [132016, permanent('reason.template_paused', true)], // disabled

  // The business number's registration.
  [131037, permanent('reason.display_name_pending', true)], // display name needs approval
  [131045, permanent('reason.number_not_registered', true)], // incorrect certificate
  [133000, permanent('reason.number_not_registered', true)], // incomplete deregistration
  [133005, permanent('reason.number_not_registered', true)], // two-step PIN mismatch
  [133006, permanent('reason.number_not_registered', true)], // re-verification needed
  [133007, permanent('reason.number_not_registered', true)], // PIN guess limit
  [133008, permanent('reason.number_not_registered', true)], // too many PIN guesses
  [133009, permanent('reason.number_not_registered', true)], // PIN entered too fast
  [133010, permanent('reason.number_not_registered', true)], // number not registered
  [133015, permanent('reason.number_not_registered', true)], // wait before registering
  [133016, permanent('reason.number_not_registered', true)], // register/deregister rate limit
]);

const UNKNOWN: Spec = permanent('reason.unknown');

/** Every reason key the catalogue can produce (tests check each exists in every language). */
export const REASON_KEYS: readonly string[] = [
  ...new Set([
    ...[...CATALOGUE.values()].map((s) => s.reasonKey),
    UNKNOWN.reasonKey,
    'reason.picture_too_large',
    'reason.picture_unsupported',
  ]),
].sort();

/** The codes the catalogue knows (the rest get the unknown policy). */
export const KNOWN_CODES: readonly number[] = [...CATALOGUE.keys()].sort((a, b) => a - b);

function kindOf(graphCode: number): FailureKind {
  if (graphCode === 131047) return 'window_closed';
  if (graphCode === 131050) return 'opted_out';
  return 'other';
}

function policy(graphCode: number, spec: Spec): ErrorPolicy {
  const { reasonKey, ...rest } = spec;
  return { ...rest, failure: { graphCode, kind: kindOf(graphCode), reasonKey } };
}

/** The policy for a WhatsApp error code, from a send response or a webhook's `errors[]`. */
export function policyForCode(graphCode: number): ErrorPolicy {
  const spec = CATALOGUE.get(graphCode);
  if (spec) return policy(graphCode, spec);
  // 200–299: "API permission" errors
  // (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
  if (graphCode >= 200 && graphCode <= 299)
    return policy(graphCode, permanent('reason.permission_denied', true));
  return policy(graphCode, UNKNOWN);
}

/**
 * The one place that turns anything a send can throw into a policy: Graph's errors by code
 * (an unknown code falls back on the HTTP status and Graph's `is_transient`), WhatsApp being
 * unreachable as transient, a refused picture as its reason, and anything else (a bug) as an
 * unknown failure that is not retried.
 */
export function policyForError(error: unknown): ErrorPolicy {
  if (error instanceof WhatsAppApiError) {
    const { graphCode } = error;
    if (CATALOGUE.has(graphCode) || (graphCode >= 200 && graphCode <= 299)) {
      return policyForCode(graphCode);
    }
    if (error.httpStatus === 429) return policy(graphCode, throughput);
    if (error.httpStatus >= 500 || error.isTransient) return policy(graphCode, transient());
    return policyForCode(graphCode);
  }
  if (error instanceof WhatsAppUnavailableError) {
    if (error.httpStatus === 429) return policy(NO_WHATSAPP_CODE, throughput);
    return policy(NO_WHATSAPP_CODE, transient());
  }
  if (error instanceof MediaRejectedError) {
    // Our own check of the rule WhatsApp enforces with 131053.
    const reasonKey =
      error.rejection === 'too_large' ? 'reason.picture_too_large' : 'reason.picture_unsupported';
    return policy(131053, permanent(reasonKey));
  }
  return policy(NO_WHATSAPP_CODE, UNKNOWN);
}

export type RetryDecision =
  | { readonly retry: true; readonly afterMs: number; readonly throttle?: Throttle | undefined }
  | { readonly retry: false; readonly failure: Failure; readonly needsAdmin: boolean };

/**
 * After attempt number `attempt` (1-based) failed with `error`: send again after `afterMs`,
 * or give up with a Failure for the user. Graph's own wait (x-business-use-case-usage) wins
 * when it is longer than ours.
 */
export function decideRetry(
  error: unknown,
  attempt: number,
  random: () => number = Math.random,
): RetryDecision {
  const p = policyForError(error);
  if (!p.retryable || attempt >= p.maxAttempts) {
    return { retry: false, failure: p.failure, needsAdmin: p.needsAdmin };
  }
  const ours = p.retryAfterMs?.(attempt, random) ?? 0;
  const graphs = error instanceof WhatsAppApiError ? (error.retryAfterMs ?? 0) : 0;
  return { retry: true, afterMs: Math.max(ours, graphs), throttle: p.throttle };
}

/** The Failure for a `failed` status webhook, from its `errors[]` codes (first known wins). */
export function failureForCodes(codes: readonly number[]): Failure {
  const known = codes.find((c) => CATALOGUE.has(c)) ?? codes[0];
  return known === undefined
    ? policy(NO_WHATSAPP_CODE, UNKNOWN).failure
    : policyForCode(known).failure;
}
