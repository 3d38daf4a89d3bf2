/**
 * The conversation engine: given a thread, one event and the current time, the new thread
 * and the effects to carry out. Pure: no I/O, no clock, no randomness. Every WhatsApp policy
 * and group rule lives in the files this one dispatches to.
 */
import { compose } from './compose.js';
import { inbound } from './inbound.js';
import { optInRetryDue, remind } from './opt-in.js';
import { addParticipant, leave, removeParticipant, transfer } from './participants.js';
import { status } from './status.js';
import type { Millis, Outcome, ThreadEvent, ThreadSnapshot } from './types.js';

export function decide(snapshot: ThreadSnapshot, event: ThreadEvent, now: Millis): Outcome {
  const thread = snapshot.thread;
  switch (event.type) {
    case 'compose':
      return compose(thread, event.by, event, now);
    case 'inbound':
      return inbound(snapshot, event, now);
    case 'status':
      return status(snapshot, event, now);
    case 'remind':
      return remind(thread, event.by, now);
    case 'timer':
      return optInRetryDue(thread, now);
    case 'add_participant':
      return addParticipant(thread, event.by, event.user, event.maxParticipants, now);
    case 'remove_participant':
      return removeParticipant(thread, event.by, event.user, now);
    case 'leave':
      return leave(snapshot, event.by, now);
    case 'transfer':
      return transfer(thread, event.by, event.to, now);
  }
}

export { startThread, restartThread, threadOpenedByContact, isContactBlocked } from './start.js';
export { isWindowOpen, stateAt, windowClosesAt, windowTimeLeft } from './window.js';
export { isOptOutKeyword, OPT_OUT_KEYWORDS } from './opt-out.js';
export { applyReceipt } from './receipts.js';
export { needsPendingMessages } from './build.js';
