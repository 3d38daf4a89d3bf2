/**
 * Is this webhook call from Meta? The GET subscription handshake, and the POST signature.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`
 * (https://whatsapp.github.io/WhatsApp-Nodejs-SDK/api-reference/webhooks/start). The HMAC is over
 * the bytes exactly as received: re-serialised JSON differs in
 * whitespace and in how non-ASCII text is escaped, so it must never be hashed instead.
 * Compared in constant time.
 */
export function verifySignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  // An empty secret would make every signature forgeable: refuse rather than accept.
  if (!appSecret || !header?.startsWith(SIGNATURE_PREFIX)) return false;
  const hex = header.slice(SIGNATURE_PREFIX.length).trim();
  if (!HEX_SHA256.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  // timingSafeEqual throws on a length mismatch; both are 32 bytes here, checked anyway.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A query string as restify/Node parse it: repeated keys become arrays. */
export type QueryParams = Readonly<Record<string, string | readonly string[] | undefined>>;

export type SubscriptionResult =
  /** Answer 200 with `challenge` as the plain-text body. */
  | { readonly ok: true; readonly challenge: string }
  /** Answer 403 (Meta's samples; its Node SDK uses 401). */
  | { readonly ok: false; readonly reason: 'not_subscribe' | 'wrong_token' | 'no_challenge' };

const single = (v: string | readonly string[] | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

/**
 * The GET handshake Meta sends when the callback URL or verify token is saved:
 * `hub.mode=subscribe&hub.verify_token=<ours>&hub.challenge=<n>`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint).
 */
export function verifySubscription(query: QueryParams, verifyToken: string): SubscriptionResult {
  if (single(query['hub.mode']) !== 'subscribe') return { ok: false, reason: 'not_subscribe' };
  const given = single(query['hub.verify_token']);
  if (!verifyToken || given === undefined || !sameSecret(given, verifyToken)) {
    return { ok: false, reason: 'wrong_token' };
  }
  const challenge = single(query['hub.challenge']);
  if (!challenge) return { ok: false, reason: 'no_challenge' };
  return { ok: true, challenge };
}

/** Constant-time string comparison: hash both first so the lengths always match. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHmac('sha256', 'wa4t-verify-token').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
