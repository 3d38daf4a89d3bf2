/**
 * WhatsApp reports a message's status. The receipt only moves forward (receipts.ts); a
 * failure then means something different for each kind of message:
 * - the opt-in: retried once after 24 hours, and a second failure closes the thread;
 * - the resume request: participants are told, and the next message asks again;
 * - a participant notice: participants are told the contact was not informed;
 * - 131047 on a user's message: the window had closed after all, so the message goes back
 *   to the queue and the thread pauses;
 * - anything else: the message's card shows it failed, the reason and Send again.
 */
import type { NoticeKey } from './notice-keys.js';
import { cancelPending, notice, notify, participantIds, send, transition } from './build.js';
import { pauseAndQueue } from './compose.js';
import { applyReceipt, type ReportedStatus } from './receipts.js';
import { isWindowOpen } from './window.js';
import {
  HOUR,
  type Effect,
  type Failure,
  type Message,
  type Millis,
  type Thread,
  type ThreadSnapshot,
  type Transition,
} from './types.js';

export const OPT_IN_RETRY_DELAY = 24 * HOUR;

export interface StatusInput {
  readonly message: Message;
  readonly status: ReportedStatus;
  readonly at: Millis;
  readonly waMessageId?: string | undefined;
  readonly failure?: Failure | undefined;
}

const NOTICE_FAILED: Readonly<Record<string, NoticeKey>> = {
  'contact.participant_added': 'notice_failed.added',
  'contact.participant_removed': 'notice_failed.removed',
  'contact.participant_left': 'notice_failed.left',
  'contact.participant_transferred': 'notice_failed.transferred',
};

export function status(snapshot: ThreadSnapshot, input: StatusInput, now: Millis): Transition {
  const thread = snapshot.thread;
  const m = input.message;
  if (m.direction !== 'outbound') return transition(thread);
  // A status for an earlier attempt of a message that was queued again after 131047.
  if (input.waMessageId && m.waMessageId && input.waMessageId !== m.waMessageId)
    return transition(thread);

  const receipt = applyReceipt(m, input.status, input.at, input.waMessageId);
  if (!receipt.changed) return transition(thread);
  const audience =
    participantIds(thread).length > 0 ? participantIds(thread) : m.author ? [m.author.id] : [];
  const statusChanged: Effect[] = receipt.advanced
    ? [{ type: 'status_changed', threadId: thread.id, messageId: m.id, to: audience }]
    : [];
  if (!(receipt.advanced && input.status === 'failed')) {
    return transition(thread, [receipt.message], statusChanged);
  }

  const failure: Failure = input.failure ?? {
    graphCode: 0,
    kind: 'other',
    reasonKey: 'reason.unknown',
  };
  const failed: Message = { ...receipt.message, failure };

  if (thread.optIn?.messageId === m.id && thread.state === 'awaiting_consent') {
    return optInFailed(snapshot, failed, statusChanged, now);
  }
  if (thread.resumeMessageId === m.id) {
    const next: Thread = { ...thread, resumeMessageId: undefined };
    return transition(
      next,
      [failed],
      [
        ...statusChanged,
        ...notify(next, audience, notice('resume.failed', { contact: thread.contact.name })),
      ],
    );
  }
  if (m.kind === 'notice' || m.template === 'participant_notice') {
    const key: NoticeKey = NOTICE_FAILED[m.noticeKey ?? ''] ?? 'notice_failed.added';
    return transition(
      thread,
      [failed],
      [
        ...statusChanged,
        ...notify(thread, audience, notice(key, { contact: thread.contact.name })),
      ],
    );
  }
  if (
    failure.kind === 'window_closed' &&
    (m.kind === 'text' || m.kind === 'image') &&
    thread.state !== 'closed'
  ) {
    return windowClosedAfterAll(thread, m, now);
  }
  // release (issue 10): the failure is shown once, on the message's own card (failed, the
  // reason, Send again), not as a card and a separate notice. The author gets that card even
  // without one yet (user-channel.ts).
  const author = m.author && !audience.includes(m.author.id) ? [m.author.id] : [];
  return transition(
    thread,
    [failed],
    [
      {
        type: 'status_changed',
        threadId: thread.id,
        messageId: m.id,
        to: [...audience, ...author],
      },
    ],
  );
}

/**
 * "We were unable to deliver your opt-in message. We'll attempt to resend it and keep you
 * updated." A retry follows 24 hours later; a second failure closes the thread.
 */
function optInFailed(
  snapshot: ThreadSnapshot,
  failed: Message,
  statusChanged: Effect[],
  now: Millis,
): Transition {
  const thread = snapshot.thread;
  const optIn = thread.optIn!;
  const failures = optIn.failures + 1;
  const audience = participantIds(thread);
  if (failures >= 2) {
    const closed: Thread = {
      ...thread,
      state: 'closed',
      closedAt: now,
      closedReason: 'optin_undeliverable',
      optIn: { ...optIn, failures, retryAt: undefined },
    };
    const cancelled = cancelPending(snapshot, closed, now, 'reason.optin_undeliverable');
    return transition(
      cancelled.thread,
      [failed, ...cancelled.messages],
      [
        ...statusChanged,
        ...cancelled.effects,
        ...notify(
          closed,
          audience,
          notice('optin.failed_closed', { contact: thread.contact.name }),
        ),
      ],
    );
  }
  const retryAt = now + OPT_IN_RETRY_DELAY;
  const next: Thread = { ...thread, optIn: { ...optIn, failures, retryAt } };
  return transition(
    next,
    [failed],
    [
      ...statusChanged,
      ...notify(next, audience, notice('optin.failed', { contact: thread.contact.name })),
      { type: 'schedule', threadId: thread.id, timer: 'optin_retry', at: retryAt },
    ],
  );
}

/**
 * 131047 ("Re-engagement message"): WhatsApp says the window had closed, whatever our clock
 * thought. The message is not lost: it goes back to the queue in its place, and the thread
 * pauses and asks the contact to resume. If the contact has written since it was sent, the
 * window is open again and it simply goes again.
 */
function windowClosedAfterAll(thread: Thread, m: Message, now: Millis): Transition {
  const requeued: Message = {
    ...m,
    status: 'pending',
    statusTimes: { pending: m.statusTimes.pending ?? now },
    waMessageId: undefined,
    failure: undefined,
  };
  const audience = participantIds(thread);
  const changed: Effect = {
    type: 'status_changed',
    threadId: thread.id,
    messageId: m.id,
    to: audience,
  };
  const sentAt = m.statusTimes.sent ?? m.createdAt;
  const contactWroteSince = thread.lastInboundAt !== undefined && thread.lastInboundAt > sentAt;
  if (thread.state === 'active' && contactWroteSince && isWindowOpen(thread, now)) {
    return transition(thread, [requeued], [changed, send(thread, requeued)]);
  }
  return pauseAndQueue(thread, [requeued], now, [changed]);
}
