/**
 * One error model (issue 8): every error the product raises on purpose carries a string `code`
 * in the product's words (`thread.not_found`, `contact.invalid_number`,
 * `whatsapp.rate_limited`), and each code maps to one HTTP status (for the tab's API and the
 * webhook) and one notice key (what the user reads). WhatsApp's own numeric error code keeps
 * its own field (`graphCode`) where it is known.
 */
import type { NoticeKey } from '../i18n/keys.js';

export interface ErrorCodeInfo {
  /** The HTTP status a route answers with. */
  readonly status: number;
  /** What the user reads; absent for errors no user causes (they read `bot.error`). */
  readonly notice?: NoticeKey;
}

/** Every code, with its status and notice. Add a code here before throwing it. */
export const ERROR_CODES = {
  'thread.not_found': { status: 404, notice: 'bot.thread_gone' },
  'message.not_found': { status: 404, notice: 'bot.thread_gone' },
  'contact.not_found': { status: 404, notice: 'app.contact_gone' },
  'user.not_found': { status: 404, notice: 'card.add.none' },
  'contact.invalid_number': { status: 400, notice: 'bot.add_contact_usage' },
  'organisation.no_business_number': { status: 409, notice: 'bot.no_business_number' },
  'user.not_enabled': { status: 403, notice: 'card.not_enabled.title' },
  'organisation.not_enabled': { status: 403, notice: 'card.not_enabled.title' },
  'thread.stale': { status: 409 },
  'thread.open_exists': { status: 409 },
  'event.duplicate': { status: 200 },
  'request.body_too_large': { status: 413 },
  'request.invalid': { status: 400, notice: 'bot.invalid_submission' },
  'whatsapp.rate_limited': { status: 503 },
  'whatsapp.unavailable': { status: 503 },
  'whatsapp.api_error': { status: 502 },
  'teams.transient_delivery': { status: 503 },
  'teams.user_unreachable': { status: 502 },
  'config.invalid': { status: 500 },
  internal: { status: 500 },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Any thrown value as a coded error: coded ones as they are, anything else `internal`. */
export function toCodedError(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CodedError('internal', message, { cause: error });
}

export function httpStatusOf(error: unknown): number {
  return ERROR_CODES[toCodedError(error).code].status;
}

/** The notice a user reads for an error: its code's, else "something went wrong". */
export function noticeKeyOf(error: unknown): NoticeKey {
  const info: ErrorCodeInfo = ERROR_CODES[toCodedError(error).code];
  return info.notice ?? 'bot.error';
}

/** A thread that does not exist, or is not the caller's: the same answer for both. */
export class ThreadNotFoundError extends CodedError {
  constructor(readonly threadId: string) {
    super('thread.not_found', `No thread ${threadId}.`);
  }
}

/** A message that does not exist, or is in a thread that is not the caller's. */
export class MessageNotFoundError extends CodedError {
  constructor(readonly messageId: string) {
    super('message.not_found', `No message ${messageId}.`);
  }
}

/** A contact that does not exist, or is not among the caller's contacts. */
export class ContactNotFoundError extends CodedError {
  constructor(readonly contactId: string) {
    super('contact.not_found', `No contact ${contactId}.`);
  }
}
