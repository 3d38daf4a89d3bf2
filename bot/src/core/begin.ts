/**
 * How a thread begins, as events the engine decides (issue 8): a user starts a conversation
 * with a contact, restarts a closed one, or a contact writes when nothing is open. Decided
 * against the contact's threads on the business number: the open one (if any) and the latest.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
 */
import { transition } from './build.js';
import { inbound } from './inbound.js';
import { isOptOutKeyword } from './opt-out.js';
import { restartThread, startThread, threadOpenedByContact } from './start.js';
import type {
  ContactPolicy,
  ContactRef,
  InboundContent,
  Millis,
  Outcome,
  Thread,
  ThreadId,
  Transition,
  UserRef,
} from './types.js';

/** The contact's threads on one business number, as the store has them now. */
export interface BeginSnapshot {
  /** The contact's open thread, if any (at most one). */
  readonly open?: Thread | undefined;
  /** The contact's most recent thread, open or closed. */
  readonly latest?: Thread | undefined;
}

export type BeginEvent =
  /** A user confirmed the opt-in for a contact. */
  | {
      readonly type: 'start';
      readonly id: ThreadId;
      readonly businessNumberId: string;
      readonly contact: ContactRef;
      readonly contactPolicy: ContactPolicy;
      readonly by: UserRef;
    }
  /** A user asked to begin a closed thread again. */
  | {
      readonly type: 'restart';
      readonly id: ThreadId;
      readonly closed: Thread;
      readonly contactPolicy: ContactPolicy;
      readonly by: UserRef;
    }
  /** A contact wrote and no thread of theirs is open (with one open: `inbound` on it). */
  | {
      readonly type: 'contact_writes';
      readonly id: ThreadId;
      readonly businessNumberId: string;
      readonly contact: ContactRef;
      /** The users the admin named as intake for the business number. */
      readonly intake: readonly UserRef[];
      readonly waMessageId: string;
      readonly sentAt: Millis;
      readonly content: InboundContent;
    };

/** Contact identity: one WhatsApp chat per (business number, phone), the phone without '+'. */
export function contactIdFor(businessNumberId: string, phone: string): string {
  return `${businessNumberId}:${phone.replace(/^\+/, '')}`;
}

export function begin(snapshot: BeginSnapshot, event: BeginEvent, now: Millis): Outcome {
  switch (event.type) {
    case 'start':
      return startThread({ ...event, openThread: snapshot.open }, now);
    case 'restart':
      // With a thread open meanwhile (the contact wrote, a colleague started), restarting is
      // starting: the engine says whose it is, or hands over one nobody answers.
      return snapshot.open
        ? startThread(
            {
              id: event.id,
              businessNumberId: event.closed.businessNumberId,
              contact: event.closed.contact,
              contactPolicy: event.contactPolicy,
              by: event.by,
              openThread: snapshot.open,
            },
            now,
          )
        : restartThread(
            event.closed,
            { id: event.id, by: event.by, contactPolicy: event.contactPolicy },
            now,
          );
    case 'contact_writes':
      return contactWrites(snapshot, event, now);
  }
}

function contactWrites(
  snapshot: BeginSnapshot,
  event: Extract<BeginEvent, { type: 'contact_writes' }>,
  now: Millis,
): Transition {
  if (snapshot.open)
    throw new Error(
      `contact_writes decided with thread ${snapshot.open.id} open: send inbound to it`,
    );
  const previous = snapshot.latest;
  if (previous && isOptOut(event.content)) return optOutWithNothingOpen(previous, event);
  const thread = threadOpenedByContact(
    {
      id: event.id,
      businessNumberId: event.businessNumberId,
      contact: event.contact,
      previous,
      intake: event.intake,
    },
    now,
  );
  return inbound({ thread, pending: [] }, event, now);
}

function isOptOut(content: InboundContent): boolean {
  return (
    (content.type === 'text' && isOptOutKeyword(content.text)) ||
    (content.type === 'button' && content.button === 'decline')
  );
}

/**
 * STOP (or Decline) with nothing open: keep the proof against the last thread, which stays
 * closed, and block the contact; open nothing.
 */
function optOutWithNothingOpen(
  previous: Thread,
  event: Extract<BeginEvent, { type: 'contact_writes' }>,
): Transition {
  const { content } = event;
  const text = content.type === 'text' || content.type === 'button' ? content.text : undefined;
  return {
    ...transition(
      previous,
      [],
      [
        {
          type: 'record_consent',
          record: {
            contactId: event.contact.id,
            businessNumberId: event.businessNumberId,
            threadId: previous.id,
            kind: content.type === 'button' ? 'decline' : 'opt_out',
            at: event.sentAt,
            waMessageId: event.waMessageId,
            via: content.type === 'button' ? 'button' : 'keyword',
            text,
          },
        },
      ],
    ),
    contact: {
      contactId: event.contact.id,
      optedOutAt: event.sentAt,
      lastInboundAt: event.sentAt,
    },
  };
}
