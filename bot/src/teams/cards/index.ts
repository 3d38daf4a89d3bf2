/** The bot's Adaptive Cards: one builder per card, the verbs their buttons carry, and helpers. */
export { asAttachment, CARD_TEMPLATES, type AdaptiveCard, type CardTemplate } from './templates.js';
export { noticeText, type CardContact } from './format.js';
export * from './verbs.js';
export { STATUS_MARKS } from './message-view.js';
export { inboundMessageCard, type InboundMessageCardData } from './inbound-message.js';
export { messageStatusCard, type MessageStatusCardData } from './message-status.js';
export { optInConfirmationCard, type OptInConfirmationCardData } from './opt-in-confirmation.js';
export { noticeCard, noticeKind, type NoticeCardOptions, type NoticeKind } from './notice.js';
export * from './group-actions.js';
export { receiptInfoCard, type ReceiptInfoCardData } from './receipt-info.js';
export { threadInfoCard, type ThreadInfoCardData } from './thread-info.js';
export { contactsListCard, MAX_LISTED, type ContactsListCardData } from './contacts-list.js';
export { threadsListCard, type ThreadSummary, type ThreadsListCardData } from './threads-list.js';
export { COMMANDS, helpCard, type CommandId } from './help.js';
export { notEnabledCard, type NotEnabledCardData } from './not-enabled.js';
export * from './new-message-task.js';
// alarm (issue 12)
export {
  unassignedAlarmCard,
  unassignedClearedNotice,
  type UnassignedAlarmCardOptions,
} from './unassigned-alarm.js';
