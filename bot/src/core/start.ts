/**
 * How threads begin: a business user confirms the opt-in (start or restart), or a contact
 * writes when no thread is open.
 */
import { notice, reject, send, systemMessage, transition } from './build.js';
import type {
  ContactPolicy,
  Effect,
  ContactRef,
  Millis,
  Outcome,
  Participant,
  Thread,
  ThreadId,
  UserRef,
} from './types.js';

/** A contact who declined or opted out is blocked until they write to the business again. */
export function isContactBlocked(policy: ContactPolicy): boolean {
  if (policy.optedOutAt === undefined) return false;
  return policy.lastInboundAt === undefined || policy.lastInboundAt <= policy.optedOutAt;
}

export interface StartThreadInput {
  /** The new thread's id (the caller makes ids: the engine has no randomness). */
  readonly id: ThreadId;
  readonly businessNumberId: string;
  readonly contact: ContactRef;
  readonly contactPolicy: ContactPolicy;
  readonly by: UserRef;
  /** The contact's open thread on this business number, if any. */
  readonly openThread?: Thread | undefined;
  /** The closed thread this one restarts, if any. */
  readonly previous?: Thread | undefined;
}

/**
 * A user confirmed the opt-in: a new thread awaits consent, and the opt-in template goes out.
 * At most one thread is open per (business number, contact): the contact sees one chat.
 */
export function startThread(input: StartThreadInput, now: Millis): Outcome {
  const { contact, by, openThread } = input;
  if (openThread) {
    if (openThread.participants.some((p) => p.id === by.id)) {
      return reject('thread.already_yours', { contact: contact.name });
    }
    if (openThread.participants.length === 0) {
      // A thread the contact opened with no one to answer it: the user takes it.
      const participant: Participant = { ...by, joinedAt: now };
      return transition(
        { ...openThread, participants: [participant] },
        [],
        [
          {
            type: 'notify',
            threadId: openThread.id,
            to: [by.id],
            notice: notice('thread.joined_waiting', { contact: contact.name }),
          },
          // alarm (issue 12): and is shown what the contact wrote while nobody answered
          // (only the contact writes in such a thread: every message is theirs, in order).
          ...waitingMessages(openThread).map((messageId): Effect => ({
            type: 'deliver_inbound',
            threadId: openThread.id,
            messageId,
            to: [by.id],
          })),
        ],
      );
    }
    return reject('thread.contact_in_conversation', {
      contact: contact.name,
      participants: openThread.participants.map((p) => p.name).join(', '),
    });
  }
  if (isContactBlocked(input.contactPolicy)) {
    return reject('thread.contact_opted_out', { contact: contact.name });
  }
  const fresh: Thread = {
    id: input.id,
    businessNumberId: input.businessNumberId,
    contact,
    state: 'awaiting_consent',
    participants: [{ ...by, joinedAt: now }],
    createdAt: now,
    createdBy: by.id,
    previousThreadId: input.previous?.id,
    pendingCount: 0,
    nextSeq: 1,
    version: 0,
  };
  const { thread, message } = systemMessage(fresh, now, {
    kind: 'template',
    template: 'opt_in',
    author: { id: by.id, name: by.name },
  });
  const started: Thread = {
    ...thread,
    optIn: { messageId: message.id, lastSentAt: now, failures: 0, reminders: 0 },
  };
  return transition(
    started,
    [message],
    [
      send(started, message),
      {
        type: 'notify',
        threadId: started.id,
        to: [by.id],
        notice: notice('thread.optin_sent', { contact: contact.name }),
      },
    ],
  );
}

/** Restart: a closed thread can only begin again with a new opt-in, in a new thread. */
export function restartThread(
  closed: Thread,
  input: Omit<StartThreadInput, 'previous' | 'contact' | 'businessNumberId'>,
  now: Millis,
): Outcome {
  if (closed.state !== 'closed')
    return reject('thread.restart_not_closed', { contact: closed.contact.name });
  return startThread(
    {
      ...input,
      contact: closed.contact,
      businessNumberId: closed.businessNumberId,
      previous: closed,
    },
    now,
  );
}

export interface ContactOpensInput {
  readonly id: ThreadId;
  readonly businessNumberId: string;
  readonly contact: ContactRef;
  /** The contact's most recent (closed) thread, if any. */
  readonly previous?: Thread | undefined;
  /** The users the admin named as intake for the business number. */
  readonly intake: readonly UserRef[];
}

/**
 * A contact can always message the business. With no open thread, their message opens one:
 * with the last thread's remaining participants, or else with the number's intake users.
 * The contact wrote first, so the thread is active: the window is open and writing to the
 * business is consent to this conversation. The caller then applies the inbound message
 * to the new thread.
 */
export function threadOpenedByContact(input: ContactOpensInput, now: Millis): Thread {
  const remaining =
    input.previous && input.previous.closedReason !== 'all_left' ? input.previous.participants : [];
  const participants: Participant[] =
    remaining.length > 0
      ? remaining.map((p) => ({ ...p, joinedAt: now }))
      : input.intake.map((u) => ({ id: u.id, name: u.name, joinedAt: now }));
  return {
    id: input.id,
    businessNumberId: input.businessNumberId,
    contact: input.contact,
    state: 'active',
    participants,
    createdAt: now,
    createdBy: participants[0]?.id ?? 'contact',
    previousThreadId: input.previous?.id,
    pendingCount: 0,
    nextSeq: 1,
    version: 0,
  };
}

/** alarm (issue 12): the messages of a thread nobody answered, by id (`<thread>:<seq>`). */
function waitingMessages(thread: Thread): string[] {
  return Array.from({ length: Math.max(0, thread.nextSeq - 1) }, (_, i) => `${thread.id}:${i + 1}`);
}
