/**
 * The engine's vocabulary: threads, messages, events and effects, in the product's words.
 *
 * Times are epoch milliseconds (numbers), so that the engine never needs a clock: every
 * function takes `now` as an argument.
 */
import type { NoticeKey } from './notice-keys.js';

export type Millis = number;
export const HOUR: Millis = 60 * 60 * 1000;
/** WhatsApp's customer-service window: 24 h from the contact's last message. */
export const WINDOW: Millis = 24 * HOUR;

export type UserId = string;
export type ThreadId = string;
export type MessageId = string;

/** A business user as the engine needs to know them: an id and a display name. */
export interface UserRef {
  readonly id: UserId;
  readonly name: string;
}

/** A WhatsApp user, known by an E.164 phone number (the wa_id without '+') and a name. */
export interface ContactRef {
  readonly id: string;
  readonly phone: string;
  readonly name: string;
}

/**
 * What the engine needs to know of a contact's policy state across threads.
 * Blocked means business-initiated messages are refused: the contact declined or opted out
 * and has not written since.
 */
export interface ContactPolicy {
  readonly optedOutAt?: Millis | undefined;
  readonly lastInboundAt?: Millis | undefined;
}

export type ThreadState = 'awaiting_consent' | 'active' | 'paused' | 'closed';

export type ClosedReason = 'all_left' | 'declined' | 'opted_out' | 'optin_undeliverable';

export interface Participant extends UserRef {
  readonly joinedAt: Millis;
}

export interface OptInProgress {
  /** The opt-in template message currently in flight (the latest one sent). */
  readonly messageId: MessageId;
  /** When the last opt-in (first send, retry or reminder) was sent. */
  readonly lastSentAt: Millis;
  /** How many opt-in sends failed to be delivered. Two close the thread. */
  readonly failures: number;
  /** How many reminders participants sent. */
  readonly reminders: number;
  /** Set while a retry is scheduled after a failed delivery. */
  readonly retryAt?: Millis | undefined;
}

export interface Thread {
  readonly id: ThreadId;
  /** The organisation's WhatsApp business number (Cloud API phone_number_id). */
  readonly businessNumberId: string;
  readonly contact: ContactRef;
  readonly state: ThreadState;
  readonly participants: readonly Participant[];
  readonly createdAt: Millis;
  readonly createdBy: UserId;
  /** The thread this one restarts or reopens, if any. */
  readonly previousThreadId?: ThreadId | undefined;
  /** When the contact last wrote in this thread: the window runs 24 h from here. */
  readonly lastInboundAt?: Millis | undefined;
  readonly consentedAt?: Millis | undefined;
  readonly optIn?: OptInProgress | undefined;
  /** The "Resume conversation" template in flight while paused, if one was sent. */
  readonly resumeMessageId?: MessageId | undefined;
  /**
   * How many messages are held until the contact consents or resumes. The held messages
   * themselves are the thread's messages with `held` set (kept in seq order by the store), so
   * writing to a thread with a long queue costs what writing to an empty one does.
   */
  readonly pendingCount: number;
  readonly closedAt?: Millis | undefined;
  readonly closedReason?: ClosedReason | undefined;
  /** The next message sequence number: message ids are `${thread.id}:${seq}`. */
  readonly nextSeq: number;
  /** Optimistic concurrency: the store refuses a write whose version is stale. */
  readonly version: number;
}

export type Direction = 'outbound' | 'inbound';

/** What travels to the contact: a user's own words, or something the app sends for them. */
export type OutboundKind = 'text' | 'image' | 'document' | 'template' | 'notice';

/** Templates the business sends (approved on Meta's side; see the WhatsApp adapter). */
export type TemplateName = 'opt_in' | 'resume' | 'participant_notice';

/** Notices to the contact about participants: a template outside the window, text inside. */
export type ContactNoticeKey =
  | 'contact.participant_added'
  | 'contact.participant_removed'
  | 'contact.participant_left'
  | 'contact.participant_transferred';

/**
 * Receipt statuses, in rank order. `failed` is terminal for the user unless better
 * evidence (delivered, read) arrives later: WhatsApp does that for multi-device users.
 */
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface MediaRef {
  /** Our stored media id (the store keeps the bytes). */
  readonly id: string;
  readonly mimeType: string;
  readonly size: number;
  readonly sha256?: string | undefined;
  readonly caption?: string | undefined;
  /** A document's file name, as the contact's phone (or the user's attachment) gave it. */
  readonly filename?: string | undefined;
}

/**
 * Every kind of media WhatsApp carries: pictures, documents (PDF, Office files, text), audio
 * (a voice note is audio recorded in WhatsApp), video and stickers (WebP pictures).
 */
export type MediaKind = 'image' | 'document' | 'audio' | 'voice' | 'video' | 'sticker';

/** A place the contact shared: only the coordinates are always there. */
export interface SharedLocation {
  readonly latitude: number;
  readonly longitude: number;
  readonly name?: string | undefined;
  readonly address?: string | undefined;
  readonly url?: string | undefined;
}

export type FailureKind =
  /** 131047: outside the customer-service window. The message goes back to the queue. */
  | 'window_closed'
  /** 131050 or an opt-out: the contact stopped messages from the business. */
  | 'opted_out'
  /** Anything else: the user is told the reason. */
  | 'other';

export interface Failure {
  /**
   * WhatsApp's numeric error code (Graph's `code`, e.g. 131026); 0 or -1 when WhatsApp gave
   * none. Records written before it had this name kept it as `code`: the stores read both.
   */
  readonly graphCode: number;
  readonly kind: FailureKind;
  /** i18n key of the plain-language reason and what to do next. */
  readonly reasonKey: NoticeKey;
}

export interface Message {
  readonly id: MessageId;
  readonly threadId: ThreadId;
  readonly seq: number;
  readonly direction: Direction;
  readonly kind: OutboundKind | 'inbound';
  /** The business user who wrote it (outbound text and pictures). */
  readonly author?: UserRef | undefined;
  readonly body?: string | undefined;
  readonly media?: MediaRef | undefined;
  /** What `media` is; absent means a picture (messages kept before other kinds existed). */
  readonly mediaKind?: MediaKind | undefined;
  /** A location the contact shared. */
  readonly location?: SharedLocation | undefined;
  /** Media the contact sent that WhatsApp no longer had when we asked for it (kept, said). */
  readonly mediaGone?: MediaKind | undefined;
  readonly template?: TemplateName | undefined;
  /** For notices and templates: the catalogue key and its parameters. */
  readonly noticeKey?: ContactNoticeKey | undefined;
  readonly params?: Readonly<Record<string, string>> | undefined;
  readonly status: MessageStatus;
  /** The time of each status, for Info. */
  readonly statusTimes: Readonly<Partial<Record<MessageStatus, Millis>>>;
  readonly failure?: Failure | undefined;
  /** WhatsApp's id (wamid) once the Cloud API accepted the message, or the inbound id. */
  readonly waMessageId?: string | undefined;
  /** How many times this message was handed to WhatsApp (a 131047 requeue sends it again). */
  readonly attempts: number;
  /** Set when a crash interrupted the send: WhatsApp may have received it twice. */
  readonly possiblyDuplicate?: boolean | undefined;
  /** In the thread's pending queue: held until the contact consents or resumes. */
  readonly held?: boolean | undefined;
  /** release (issue 10): a failed message sent again, as this new message (once only). */
  readonly retriedAs?: MessageId | undefined;
  /** release (issue 10): the failed message this one sends again. */
  readonly retryOf?: MessageId | undefined;
  /**
   * The contact started the conversation with this message: its card says so, every time it
   * is drawn (an update as receipts come, a gathered card, a refresh), not only when posted.
   */
  readonly opensConversation?: boolean | undefined;
  readonly createdAt: Millis;
}

export type ConsentKind = 'consent' | 'decline' | 'opt_out' | 'resume';

/** Proof of consent: who, what, when, and the WhatsApp message that carried it. */
export interface ConsentRecord {
  readonly contactId: string;
  readonly businessNumberId: string;
  readonly threadId: ThreadId;
  readonly kind: ConsentKind;
  readonly at: Millis;
  readonly waMessageId: string;
  /** How it was given: a template button, a keyword, or a free message. */
  readonly via: 'button' | 'keyword' | 'message';
  readonly text?: string | undefined;
}

/** A user-facing notice: a catalogue key and its parameters, rendered in the user's locale. */
export interface Notice {
  readonly key: NoticeKey;
  readonly params: Readonly<Record<string, string | number>>;
  /** Parameters whose values are themselves catalogue keys, rendered in the same language. */
  readonly keyParams?: Readonly<Record<string, NoticeKey>> | undefined;
}

/**
 * The thread as the engine sees it. The pending queue is a bounded view: its size is
 * `thread.pendingCount`, and the held messages themselves (in seq order) are only here when
 * `needsPendingMessages(thread, event)` says the event needs them (it may close the thread
 * and fail them); otherwise `pending` is empty.
 */
export interface ThreadSnapshot {
  readonly thread: Thread;
  readonly pending: readonly Message[];
}

/** An action refused: nothing changes, and the user who asked is told why. */
export interface Rejection {
  readonly rejected: true;
  readonly notice: Notice;
}

export type Outcome = Transition | Rejection;

export function isRejection(outcome: Outcome): outcome is Rejection {
  return 'rejected' in outcome;
}

// ---------------------------------------------------------------------------------------------
// Events: everything that can happen to a thread.

export type InboundContent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly media: MediaRef }
  /** A document, audio or voice note, video or sticker, downloaded and stored. */
  | { readonly type: 'media'; readonly kind: Exclude<MediaKind, 'image'>; readonly media: MediaRef }
  | { readonly type: 'location'; readonly location: SharedLocation }
  /** Media WhatsApp said no longer exists (a permanent error): kept as a message saying so. */
  | {
      readonly type: 'media_gone';
      readonly kind: MediaKind;
      readonly caption?: string | undefined;
      readonly filename?: string | undefined;
    }
  /** A quick-reply button on one of our templates. */
  | {
      readonly type: 'button';
      readonly button: 'consent' | 'decline' | 'resume';
      readonly text: string;
    }
  /** Anything else WhatsApp delivers (a sticker, a location): it still opens the window. */
  | { readonly type: 'other'; readonly description: string };

export type ThreadEvent =
  | {
      readonly type: 'compose';
      readonly by: UserId;
      readonly body?: string;
      readonly media?: MediaRef;
      /** What `media` is: a picture unless said (a document keeps its file name). */
      readonly mediaKind?: 'image' | 'document';
    }
  | {
      readonly type: 'inbound';
      readonly waMessageId: string;
      /** When the contact sent it (WhatsApp's timestamp): the window runs from here. */
      readonly sentAt: Millis;
      readonly content: InboundContent;
    }
  | {
      readonly type: 'status';
      readonly message: Message;
      readonly status: 'sent' | 'delivered' | 'read' | 'failed';
      readonly at: Millis;
      readonly waMessageId?: string | undefined;
      readonly failure?: Failure | undefined;
    }
  | { readonly type: 'remind'; readonly by: UserId }
  | { readonly type: 'timer'; readonly timer: 'optin_retry' }
  | {
      readonly type: 'add_participant';
      readonly by: UserId;
      readonly user: UserRef;
      readonly maxParticipants: number;
    }
  | { readonly type: 'remove_participant'; readonly by: UserId; readonly user: UserId }
  | { readonly type: 'leave'; readonly by: UserId }
  | { readonly type: 'transfer'; readonly by: UserId; readonly to: UserRef }
  /** release (issue 10): Send again on a failed message: a new attempt, as a new message. */
  | { readonly type: 'send_again'; readonly by: UserId; readonly message: Message };

// ---------------------------------------------------------------------------------------------
// Effects: what the engine asks the adapters to do, committed with the new state (the outbox).

export type Effect =
  /** Send this stored message to the contact (text, picture, template or notice). */
  | { readonly type: 'send_to_contact'; readonly threadId: ThreadId; readonly messageId: MessageId }
  /**
   * Send every held message of this thread, in the order written. The store turns it, in
   * place and in the same transaction, into one send_to_contact per held message and takes
   * them out of the queue; it never reaches the outbox as such.
   */
  | { readonly type: 'release_pending'; readonly threadId: ThreadId }
  /** Tell these users a notice about this thread. */
  | {
      readonly type: 'notify';
      readonly threadId: ThreadId;
      readonly to: readonly UserId[];
      readonly notice: Notice;
    }
  /** Show the contact's message to these participants. */
  | {
      readonly type: 'deliver_inbound';
      readonly threadId: ThreadId;
      readonly messageId: MessageId;
      readonly to: readonly UserId[];
      /**
       * A notice the message's card says above the message, instead of a card of its own
       * (the contact started this conversation with this message: one card, one Teams call).
       */
      readonly notice?: Notice | undefined;
    }
  /** Show a participant's message (with its author) to the other participants. */
  | {
      readonly type: 'share_outbound';
      readonly threadId: ThreadId;
      readonly messageId: MessageId;
      readonly to: readonly UserId[];
    }
  /** A message's receipt changed: update its status card for these users. */
  | {
      readonly type: 'status_changed';
      readonly threadId: ThreadId;
      readonly messageId: MessageId;
      readonly to: readonly UserId[];
    }
  /** Wake this thread at `at` with a timer event. */
  | {
      readonly type: 'schedule';
      readonly threadId: ThreadId;
      readonly timer: 'optin_retry';
      readonly at: Millis;
    }
  /** Keep proof of consent, decline or opt-out. */
  | { readonly type: 'record_consent'; readonly record: ConsentRecord };

export interface ContactPolicyChange {
  readonly contactId: string;
  readonly optedOutAt?: Millis | undefined;
  readonly lastInboundAt?: Millis | undefined;
}

/** What one event did: the new thread, the messages it created or changed, and the effects. */
export interface Transition {
  readonly thread: Thread;
  readonly messages: readonly Message[];
  readonly effects: readonly Effect[];
  readonly contact?: ContactPolicyChange | undefined;
}
