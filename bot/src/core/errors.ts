/**
 * One error model (issue 8): every error the product raises on purpose carries a string `code`
 * in the product's words (`thread.not_found`, `contact.invalid_number`,
 * `whatsapp.rate_limited`); app/errors.ts maps each code to one HTTP status (for the tab's
 * API and the webhook) and one notice key (what the user reads). WhatsApp's own numeric error
 * code keeps its own field (`graphCode`) where it is known.
 */
/** Every code the product raises. Add one here (and to app/errors.ts's mapping) before throwing it. */
export const ERROR_CODES = [
  'thread.not_found',
  'message.not_found',
  'contact.not_found',
  'user.not_found',
  'contact.invalid_number',
  'organisation.no_business_number',
  'user.not_enabled',
  'organisation.not_enabled',
  'thread.stale',
  'thread.open_exists',
  'event.duplicate',
  'request.body_too_large',
  'request.invalid',
  'whatsapp.rate_limited',
  'whatsapp.unavailable',
  'whatsapp.api_error',
  'whatsapp.media_rejected',
  'whatsapp.webhook_invalid',
  'teams.transient_delivery',
  'teams.user_unreachable',
  'picture.unsupported',
  'picture.too_large',
  'picture.download_failed',
  'teams.waiting_for_slot',
  'document.unsupported',
  'document.too_large',
  'store.busy',
  'store.migrations_pending',
  'store.migration_lease_lost',
  'auth.missing_token',
  'auth.invalid_token',
  'auth.not_configured',
  'auth.unavailable',
  'auth.unknown_local_user',
  'thread.write_failed',
  'action.refused',
  'sandbox.invalid_number',
  'sandbox.invalid_message',
  'sandbox.no_such_message',
  'sandbox.no_such_button',
  'sandbox.no_such_media',
  'config.invalid',
  'admin.usage',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

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
