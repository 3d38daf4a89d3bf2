import type { Message, MessageStatus, Millis } from './types.js';

/**
 * Receipt ordering. WhatsApp reports statuses at least once and in any order
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/):
 * a status only ever moves forward, and a repeat changes
 * nothing. `failed` ranks with `sent`: it can replace pending or sent, and better evidence
 * (delivered, read) still wins after it, as WhatsApp does for multi-device users.
 */
const RANK: Readonly<Record<MessageStatus, number>> = {
  pending: 0,
  sent: 1,
  failed: 1.5,
  delivered: 2,
  read: 3,
  received: 0,
};

export type ReportedStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface ReceiptResult {
  readonly message: Message;
  /** True when the shown status changed (the status card needs an update). */
  readonly advanced: boolean;
  /** True when anything was recorded (a new status time, a wamid). */
  readonly changed: boolean;
}

export function applyReceipt(
  message: Message,
  status: ReportedStatus,
  at: Millis,
  waMessageId?: string,
): ReceiptResult {
  const times: Partial<Record<MessageStatus, Millis>> = { ...message.statusTimes };
  const advanced = RANK[status] > RANK[message.status];
  // Info shows the time of each status even when it arrives late; a failure that lost to
  // better evidence is not shown.
  if (times[status] === undefined && (status !== 'failed' || advanced)) times[status] = at;
  // A read with no delivered before it counts as delivered too: WhatsApp sends no
  // delivered webhook when the contact has the chat open.
  if (status === 'read' && times.delivered === undefined) times.delivered = at;
  if ((status === 'delivered' || status === 'read') && times.sent === undefined) times.sent = at;
  const newWaId = message.waMessageId ?? waMessageId;
  const changed =
    advanced ||
    newWaId !== message.waMessageId ||
    Object.keys(times).length !== Object.keys(message.statusTimes).length;
  if (!changed) return { message, advanced: false, changed: false };
  return {
    message: {
      ...message,
      status: advanced ? status : message.status,
      statusTimes: times,
      waMessageId: newWaId,
      // A new wamid means WhatsApp took this message in once more (a 131047 requeue sends again).
      attempts: newWaId !== message.waMessageId ? message.attempts + 1 : message.attempts,
      failure: advanced && status !== 'failed' ? undefined : message.failure,
    },
    advanced,
    changed: true,
  };
}
