/**
 * From an error to what a surface answers (issue 8): one HTTP status and one notice key per
 * code of core/errors.ts. The bot shows the notice; the tab's API answers the status with
 * `{ error: { code, message }, notice? }`.
 */
import { toCodedError, type ErrorCode } from '../core/errors.js';
import type { NoticeKey } from '../core/notice-keys.js';

export interface ErrorAnswer {
  readonly status: number;
  /** What the user reads; errors no user causes read `bot.error`. */
  readonly notice?: NoticeKey;
}

export const ERROR_ANSWERS: Readonly<Record<ErrorCode, ErrorAnswer>> = {
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
  'event.duplicate': { status: 200, notice: 'bot.duplicate' },
  'request.body_too_large': { status: 413 },
  'request.invalid': { status: 400, notice: 'bot.invalid_submission' },
  'whatsapp.rate_limited': { status: 503 },
  'whatsapp.unavailable': { status: 503 },
  'whatsapp.api_error': { status: 502 },
  'whatsapp.media_rejected': { status: 400 },
  'whatsapp.webhook_invalid': { status: 400 },
  'teams.transient_delivery': { status: 503 },
  'teams.user_unreachable': { status: 502 },
  'picture.unsupported': { status: 400, notice: 'bot.picture.unsupported' },
  'picture.too_large': { status: 413, notice: 'bot.picture.too_large' },
  'picture.download_failed': { status: 502, notice: 'bot.picture.download_failed' },
  // Not an error: an effect waits for its send slot (the dispatcher puts it back in the outbox).
  'teams.waiting_for_slot': { status: 503 },
  'document.unsupported': { status: 400, notice: 'media.document.unsupported' },
  'document.too_large': { status: 413, notice: 'media.document.too_large' },
  // The store cannot take the write now: 503 so WhatsApp (or the tab) tries again.
  'store.busy': { status: 503 },
  'store.migrations_pending': { status: 503 },
  'store.migration_lease_lost': { status: 503 },
  // The tab's sign-in (Teams SSO): 401 for a token we cannot accept, 503 when we cannot check it.
  'auth.missing_token': { status: 401 },
  'auth.invalid_token': { status: 401 },
  'auth.not_configured': { status: 401 },
  'auth.unavailable': { status: 503 },
  'auth.unknown_local_user': { status: 401 },
  'thread.write_failed': { status: 500 },
  'action.refused': { status: 409 },
  // The local WhatsApp sandbox's phone API (a contact's phone in development).
  'sandbox.invalid_number': { status: 400 },
  'sandbox.invalid_message': { status: 400 },
  'sandbox.no_such_message': { status: 404 },
  'sandbox.no_such_button': { status: 404 },
  'sandbox.no_such_media': { status: 404 },
  'config.invalid': { status: 500 },
  'admin.usage': { status: 400 },
  internal: { status: 500 },
};

export function httpStatusOf(error: unknown): number {
  return ERROR_ANSWERS[toCodedError(error).code].status;
}

export function noticeKeyOf(error: unknown): NoticeKey {
  return ERROR_ANSWERS[toCodedError(error).code].notice ?? 'bot.error';
}
