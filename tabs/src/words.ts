/** How the tab words states, times and messages, always through the catalogue. */
import { TabApiError } from './api';
import type { Translator } from './i18n';
import type { MessageView, Notice, ThreadState, ThreadSummary } from './types';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** 'paused' as soon as the window has run out, whatever the last fetch said. */
export function effectiveState(thread: ThreadSummary, now: number): ThreadState {
  if (
    thread.state === 'active' &&
    thread.windowExpiresAt !== null &&
    thread.windowExpiresAt <= now
  ) {
    return 'paused';
  }
  return thread.state;
}

export interface Countdown {
  readonly text: string;
  readonly underHour: boolean;
  readonly ended: boolean;
}

/** The time left in the 24-hour window, or null when there is no open window. */
export function countdown(t: Translator, thread: ThreadSummary, now: number): Countdown | null {
  if (thread.windowExpiresAt === null || thread.state === 'closed') return null;
  if (thread.state === 'awaiting_consent') return null;
  const left = thread.windowExpiresAt - now;
  if (left <= 0) return { text: t.t('tab.window.ended'), underHour: false, ended: true };
  const hours = Math.floor(left / HOUR);
  const minutes = Math.floor((left % HOUR) / MINUTE);
  if (hours === 0 && minutes === 0) {
    return { text: t.t('tab.window.under_minute'), underHour: true, ended: false };
  }
  const text =
    hours > 0
      ? t.t('tab.window.left', { hours, minutes })
      : t.t('tab.window.left_minutes', { minutes });
  return { text, underHour: hours === 0, ended: false };
}

export function noticeText(t: Translator, notice: Notice): string {
  return t.t(notice.key, notice.params ?? {});
}

export function reasonText(t: Translator, reasonKey: string): string {
  if (t.has(reasonKey)) return t.t(reasonKey);
  if (t.has(`reason.${reasonKey}`)) return t.t(`reason.${reasonKey}`);
  return t.t('tab.message.failed_unknown');
}

/** Who wrote a message, as the reader should see it. */
export function authorName(
  t: Translator,
  message: MessageView,
  thread: ThreadSummary,
  myId: string,
): string {
  if (message.direction === 'inbound') return thread.contact.name;
  if (!message.author) return t.t('tab.author.app');
  return message.author.id === myId ? t.t('tab.author.you') : message.author.name;
}

/** The text of a message: what was written, the worded notice, or what kind of thing it is. */
export function messageBody(t: Translator, message: MessageView, thread: ThreadSummary): string {
  if (message.notice) return noticeText(t, message.notice);
  if (message.text) return message.text;
  switch (message.kind) {
    case 'image':
    case 'sticker':
      return t.t('tab.preview.picture');
    case 'document':
    case 'audio':
    case 'video':
      return t.t('tab.preview.attachment');
    default:
      return t.t('tab.message.unsupported', { contact: thread.contact.name });
  }
}

export function lastMessagePreview(t: Translator, thread: ThreadSummary, myId: string): string {
  const m = thread.lastMessage;
  if (!m) return t.t('tab.list.no_messages');
  const body = messageBody(t, m, thread);
  if (m.kind === 'notice' || m.kind === 'system') return body;
  return t.t('tab.preview.from', { author: authorName(t, m, thread, myId), text: body });
}

/** A sentence for a failed request: the server's notice when it gave one, else by status. */
export function errorText(t: Translator, error: unknown): string {
  if (error instanceof TabApiError) {
    if (error.notice) return noticeText(t, error.notice);
    if (error.status === 0) return t.t('tab.error.network');
    if (error.status === 401) return t.t('tab.error.signin');
    if (error.status === 403) {
      return t.t(
        error.code === 'organisation.not_enabled'
          ? 'tab.error.org_not_enabled'
          : 'tab.error.not_enabled',
      );
    }
    if (error.status === 404) return t.t('tab.error.not_found');
    if (error.status === 400) return t.t('tab.error.invalid', { field: error.field ?? '' });
    if (error.status === 409 || error.status === 422) return t.t('tab.error.refused');
  }
  return t.t('tab.error.server');
}
