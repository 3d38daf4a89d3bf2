/**
 * The contact writes. Every message from the contact (a button tap included) opens or
 * refreshes the window. A consent or any reply releases what was held while awaiting
 * consent; any message releases what was held while paused. A decline or an opt-out
 * keyword closes the thread and blocks business-initiated messages until they write again.
 */
import {
  cancelPending,
  notice,
  notify,
  participantIds,
  releasePending,
  transition,
} from './build.js';
import { isOptOutKeyword } from './opt-out.js';
import { isWindowOpen } from './window.js';
import type {
  ConsentKind,
  ConsentRecord,
  Effect,
  InboundContent,
  Message,
  Millis,
  Thread,
  ThreadSnapshot,
  Transition,
} from './types.js';

export interface InboundInput {
  readonly waMessageId: string;
  readonly sentAt: Millis;
  readonly content: InboundContent;
}

function inboundMessage(thread: Thread, input: InboundInput, now: Millis): Message {
  const seq = thread.nextSeq;
  const c = input.content;
  return {
    id: `${thread.id}:${seq}`,
    threadId: thread.id,
    seq,
    direction: 'inbound',
    kind: 'inbound',
    body:
      c.type === 'text' || c.type === 'button'
        ? c.text
        : c.type === 'image' || c.type === 'media'
          ? c.media.caption
          : c.type === 'media_gone'
            ? c.caption
            : undefined,
    media: c.type === 'image' || c.type === 'media' ? c.media : undefined,
    ...(c.type === 'media' ? { mediaKind: c.kind } : {}),
    ...(c.type === 'location' ? { location: c.location } : {}),
    ...(c.type === 'media_gone' ? { mediaGone: c.kind } : {}),
    status: 'received',
    statusTimes: { received: input.sentAt },
    waMessageId: input.waMessageId,
    attempts: 0,
    createdAt: now,
  };
}

function consentRecord(
  thread: Thread,
  input: InboundInput,
  kind: ConsentKind,
  via: ConsentRecord['via'],
): Effect {
  const text =
    input.content.type === 'text' || input.content.type === 'button'
      ? input.content.text
      : undefined;
  return {
    type: 'record_consent',
    record: {
      contactId: thread.contact.id,
      businessNumberId: thread.businessNumberId,
      threadId: thread.id,
      kind,
      at: input.sentAt,
      waMessageId: input.waMessageId,
      via,
      text,
    },
  };
}

export function inbound(snapshot: ThreadSnapshot, input: InboundInput, now: Millis): Transition {
  const before = snapshot.thread;
  if (before.state === 'closed') {
    throw new Error(`inbound message ${input.waMessageId} routed to closed thread ${before.id}`);
  }
  const message = inboundMessage(before, input, now);
  const lastInboundAt = Math.max(before.lastInboundAt ?? 0, input.sentAt);
  let thread: Thread = { ...before, nextSeq: before.nextSeq + 1, lastInboundAt };
  const everyone = participantIds(thread);
  const deliver: Effect = {
    type: 'deliver_inbound',
    threadId: thread.id,
    messageId: message.id,
    to: everyone,
  };
  const c = input.content;

  // Opt-out: a decline on the opt-in template, or an opt-out keyword alone.
  const optOut =
    c.type === 'button' && c.button === 'decline'
      ? ('decline' as const)
      : c.type === 'text' && isOptOutKeyword(c.text)
        ? ('opt_out' as const)
        : undefined;
  if (optOut) {
    thread = {
      ...thread,
      state: 'closed',
      closedAt: now,
      closedReason: optOut === 'decline' ? 'declined' : 'opted_out',
    };
    const cancelled = cancelPending(snapshot, thread, now, 'reason.contact_opted_out');
    return transition(
      cancelled.thread,
      [message, ...cancelled.messages],
      [
        consentRecord(thread, input, optOut, c.type === 'button' ? 'button' : 'keyword'),
        ...(optOut === 'opt_out' ? [deliver] : []),
        ...cancelled.effects,
        ...notify(
          thread,
          everyone,
          notice(
            optOut === 'decline' ? 'thread.contact_declined' : 'thread.contact_opted_out_now',
            { contact: thread.contact.name },
          ),
        ),
      ],
      { contactId: thread.contact.id, lastInboundAt, optedOutAt: input.sentAt },
    );
  }

  const isButton = c.type === 'button';
  const effects: Effect[] = [];
  const contact = { contactId: thread.contact.id, lastInboundAt };

  if (thread.state === 'awaiting_consent' || thread.consentedAt === undefined) {
    // Consent: the agree button, or any reply to the opt-in (writing to the business is
    // consent to this conversation). Kept as proof with the message that carried it.
    const openedByContact = thread.state !== 'awaiting_consent';
    effects.push(consentRecord(thread, input, 'consent', isButton ? 'button' : 'message'));
    const count = thread.pendingCount;
    const hadPending = count > 0;
    const released = releasePending({
      ...thread,
      state: 'active',
      consentedAt: input.sentAt,
      optIn: thread.optIn ? { ...thread.optIn, retryAt: undefined } : undefined,
    });
    thread = released.thread;
    // The contact started the conversation with a message: its card says so (one card).
    const opened = notice('thread.opened_by_contact', { contact: thread.contact.name });
    if (!isButton) effects.push(openedByContact ? { ...deliver, notice: opened } : deliver);
    const kept = openedByContact && !isButton ? { ...message, opensConversation: true } : message;
    effects.push(...released.effects);
    if (openedByContact && isButton) {
      // Nothing the users are shown carries it: the notice stays a card of its own.
      effects.push(...notify(thread, everyone, opened));
    } else if (!openedByContact) {
      // release (issue 10): what was held is said with its count; nothing held, "you can start".
      effects.push(
        ...notify(
          thread,
          everyone,
          hadPending
            ? notice('release.consented_released', { contact: thread.contact.name, count })
            : notice('thread.consented_start', { contact: thread.contact.name }),
        ),
      );
    }
    return transition(thread, [kept], effects, contact);
  }

  const windowWasClosed = !isWindowOpen(before, input.sentAt);
  if (
    thread.state === 'paused' ||
    thread.resumeMessageId !== undefined ||
    thread.pendingCount > 0 ||
    windowWasClosed
  ) {
    // Any message from the contact resumes: the window is open again, the queue goes out
    // in order. A reply that crosses a resume request in flight resumes just the same, and
    // the request is no longer awaited.
    if (isButton && c.button === 'resume')
      effects.push(consentRecord(thread, input, 'resume', 'button'));
    const count = thread.pendingCount;
    const released = releasePending({ ...thread, state: 'active', resumeMessageId: undefined });
    thread = released.thread;
    if (!isButton) effects.push(deliver);
    effects.push(...released.effects);
    // release (issue 10): what was held is said with its count; nothing held, "continue".
    effects.push(
      ...notify(
        thread,
        everyone,
        count > 0
          ? notice('release.resumed_released', { contact: thread.contact.name, count })
          : notice('thread.resumed_continue', { contact: thread.contact.name }),
      ),
    );
    return transition(thread, [message], effects, contact);
  }

  // Active: the message simply arrives. A repeated button tap only refreshes the window.
  return transition(thread, [message], isButton ? [] : [deliver], contact);
}
