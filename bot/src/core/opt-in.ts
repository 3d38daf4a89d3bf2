/**
 * The opt-in's follow-ups: a reminder a participant may send after 24 hours without an
 * answer (and again every 24 h), and the automatic retry 24 hours after a failed delivery.
 */
import {
  findParticipant,
  notice,
  notify,
  participantIds,
  reject,
  send,
  systemMessage,
  transition,
} from './build.js';
import { HOUR, type Millis, type Outcome, type Thread, type Transition } from './types.js';

export const REMINDER_AFTER = 24 * HOUR;

function resendOptIn(
  thread: Thread,
  now: Millis,
  reminder: boolean,
  by?: { id: string; name: string },
): Transition {
  const optIn = thread.optIn!;
  const { thread: next, message } = systemMessage(thread, now, {
    kind: 'template',
    template: 'opt_in',
    author: by,
  });
  const sent: Thread = {
    ...next,
    optIn: {
      ...optIn,
      messageId: message.id,
      lastSentAt: now,
      reminders: optIn.reminders + (reminder ? 1 : 0),
      retryAt: undefined,
    },
  };
  const key = reminder ? 'optin.reminder_sent' : 'optin.retried';
  return transition(
    sent,
    [message],
    [
      send(sent, message),
      ...notify(sent, participantIds(sent), notice(key, { contact: thread.contact.name })),
    ],
  );
}

export function remind(thread: Thread, by: string, now: Millis): Outcome {
  const participant = findParticipant(thread, by);
  if (!participant) return reject('thread.not_participant', { contact: thread.contact.name });
  if (thread.state !== 'awaiting_consent' || !thread.optIn) {
    return reject('optin.reminder_not_needed', { contact: thread.contact.name });
  }
  if (thread.optIn.retryAt !== undefined) {
    return reject('optin.reminder_retry_scheduled', { contact: thread.contact.name });
  }
  const allowedAt = thread.optIn.lastSentAt + REMINDER_AFTER;
  if (now < allowedAt) {
    return reject('optin.reminder_too_early', {
      contact: thread.contact.name,
      hours: Math.ceil((allowedAt - now) / HOUR),
    });
  }
  return resendOptIn(thread, now, true, { id: participant.id, name: participant.name });
}

/** The opt-in retry timer fired: send the opt-in once more, if it is still awaited. */
export function optInRetryDue(thread: Thread, now: Millis): Transition {
  const retryAt = thread.optIn?.retryAt;
  if (thread.state !== 'awaiting_consent' || retryAt === undefined || now < retryAt)
    return transition(thread);
  return resendOptIn(thread, now, false);
}
