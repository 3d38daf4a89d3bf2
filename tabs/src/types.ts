/** The tab's HTTP API, as the contract (TAB_API.md) defines it. Times are epoch milliseconds. */
import type { MessageStatus, ThreadState } from '../../bot/src/http/tab-api/contract.js';

// The payloads' one source: the server builds them from the same file.
export type {
  ApiErrorBody,
  Contact,
  DuplicateContactBody,
  Me,
  MessageStatus,
  MessageView,
  Notice,
  SendOutcome,
  SendResult,
  ThreadState,
  ThreadSummary,
  UserRef,
} from '../../bot/src/http/tab-api/contract.js';

export const THREAD_STATES: readonly ThreadState[] = [
  'awaiting_consent',
  'active',
  'paused',
  'closed',
];

export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'pending',
  'sent',
  'delivered',
  'read',
  'failed',
  'received',
];
