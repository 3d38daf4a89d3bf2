/**
 * A notice from the catalogue, as a card: the pending and resume notices, every failure, and
 * the outcome of group actions. Its look says how much it matters.
 */
import type { Notice } from '../../core/types.js';
import { cardLang, noticeText, strings } from './format.js';
import { withReplyAction } from './reply-action.js';
import { expand, type AdaptiveCard } from './templates.js';

export type NoticeKind = 'info' | 'warning' | 'attention';

/** Something the user's message depends on failed: they may need to act. */
const ATTENTION = [
  /^optin\.failed/,
  /^resume\.failed$/,
  /^notice_failed\./,
  /^message\.failed$/,
  /^bot\.error$/,
  /^bot\.picture\./,
  /^bot\.invalid_submission$/,
  // alarm (issue 12): WhatsApp stopped working for the organisation: an admin has to act.
  /^ops\.alarm\.[a-z_]+\.raised$/,
];

/** Paused, pending, closed or refused: nothing is lost, but things are not moving. */
const WARNING = new Set([
  'thread.paused',
  'thread.optin_sent',
  'thread.contact_declined',
  'thread.contact_opted_out_now',
  'thread.contact_opted_out',
  'thread.contact_in_conversation',
  'thread.already_yours',
  'thread.closed',
  'thread.not_participant',
  'thread.restart_not_closed',
  'optin.reminder_too_early',
  'optin.reminder_not_needed',
  'optin.reminder_retry_scheduled',
  'group.already_participant',
  'group.cap_reached',
  'group.cannot_remove_self',
  'group.not_a_participant',
  'group.cannot_transfer_to_self',
  'group.removed_you',
  'compose.empty',
  // The bot's own answers (bot.json): nothing was sent, and why.
  'bot.no_current_thread',
  'bot.contact_not_found',
  'bot.no_thread_with',
  'bot.add_contact_usage',
  'bot.no_business_number',
  'bot.thread_gone',
]);

/** Notices after which the conversation can be restarted with a new opt-in. */
const RESTARTABLE = new Set(['thread.closed', 'thread.contact_declined', 'optin.failed_closed']);
/** Notices about an opt-in request still unanswered: a reminder may be sent (after 24 h). */
const REMINDABLE = new Set(['thread.optin_sent']);

export function noticeKind(key: string): NoticeKind {
  if (ATTENTION.some((pattern) => pattern.test(key))) return 'attention';
  return WARNING.has(key) ? 'warning' : 'info';
}

const LOOK: Readonly<Record<NoticeKind, { icon: string; style: string; weight: string }>> = {
  info: { icon: 'ℹ️', style: 'default', weight: 'default' },
  warning: { icon: '⚠️', style: 'warning', weight: 'default' },
  attention: { icon: '❗', style: 'attention', weight: 'bolder' },
};

export interface NoticeCardOptions {
  /** The thread the notice is about: adds Restart or Send a reminder where they apply. */
  readonly threadId?: string;
}

export function noticeCard(
  notice: Notice,
  locale: string | undefined,
  options: NoticeCardOptions = {},
): AdaptiveCard {
  const tr = strings(locale);
  const threadId = options.threadId ?? '';
  const card = expand('notice', {
    lang: cardLang(tr.locale),
    text: noticeText(notice, tr),
    ...LOOK[noticeKind(notice.key)],
    threadId,
    canRemind: threadId !== '' && REMINDABLE.has(notice.key),
    canRestart: threadId !== '' && RESTARTABLE.has(notice.key),
    t: { remind: tr('card.notice.remind'), restart: tr('card.notice.restart') },
  });
  // reply (issue 10): a notice about a conversation offers Reply, unless it can only restart.
  return threadId !== '' && !RESTARTABLE.has(notice.key)
    ? withReplyAction(card, threadId, tr, notice)
    : card;
}
