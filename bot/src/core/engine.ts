/**
 * The conversation engine: given a thread, one event and the current time, the new thread
 * and the effects to carry out. Pure: no I/O, no clock, no randomness. Every WhatsApp policy
 * and group rule lives in the files this one dispatches to.
 */
import { begin, type BeginEvent, type BeginSnapshot } from './begin.js';
import { compose } from './compose.js';
import { inbound } from './inbound.js';
import { optInRetryDue, remind } from './opt-in.js';
import { addParticipant, leave, removeParticipant, transfer } from './participants.js';
import { sendAgain } from './send-again.js';
import { status } from './status.js';
import type { Millis, Outcome, ThreadEvent, ThreadSnapshot } from './types.js';

export function decide(snapshot: ThreadSnapshot, event: ThreadEvent, now: Millis): Outcome;
/** How a thread begins: start, restart, a contact writing with nothing open (begin.ts). */
export function decide(snapshot: BeginSnapshot, event: BeginEvent, now: Millis): Outcome;
export function decide(
  snapshot: ThreadSnapshot | BeginSnapshot,
  event: ThreadEvent | BeginEvent,
  now: Millis,
): Outcome {
  if (isBeginEvent(event)) return begin(snapshot as BeginSnapshot, event, now);
  const thread = (snapshot as ThreadSnapshot).thread;
  switch (event.type) {
    case 'compose':
      return compose(thread, event.by, event, now);
    case 'inbound':
      return inbound(snapshot as ThreadSnapshot, event, now);
    case 'status':
      return status(snapshot as ThreadSnapshot, event, now);
    case 'remind':
      return remind(thread, event.by, now);
    case 'timer':
      return optInRetryDue(thread, now);
    case 'add_participant':
      return addParticipant(thread, event.by, event.user, event.maxParticipants, now);
    case 'remove_participant':
      return removeParticipant(thread, event.by, event.user, now);
    case 'leave':
      return leave(snapshot as ThreadSnapshot, event.by, now);
    case 'transfer':
      return transfer(thread, event.by, event.to, now);
    case 'send_again':
      return sendAgain(thread, event.by, event.message, now);
  }
}

function isBeginEvent(event: ThreadEvent | BeginEvent): event is BeginEvent {
  return event.type === 'start' || event.type === 'restart' || event.type === 'contact_writes';
}

export { contactIdFor, type BeginEvent, type BeginSnapshot } from './begin.js';
export { startThread, restartThread, threadOpenedByContact, isContactBlocked } from './start.js';
export { isWindowOpen, stateAt, windowClosesAt, windowTimeLeft } from './window.js';
export { isOptOutKeyword, OPT_OUT_KEYWORDS } from './opt-out.js';
export { applyReceipt } from './receipts.js';
export { needsPendingMessages } from './build.js';
