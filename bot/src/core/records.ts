/**
 * What the product keeps about organisations, users, contacts and who took part in which
 * conversation: plain records, shared by the store (which keeps them) and the surfaces (the
 * bot, the compose extension, the tab's API), which get them from the application layer.
 */
import type { ContactRef, MessageId, Millis, ThreadId, UserId } from './types.js';

/** An organisation (a Microsoft 365 tenant) and its WhatsApp business numbers. */
export interface Organisation {
  readonly tenantId: string;
  readonly name: string;
  /** Whether the admin enabled the WhatsApp connector for the tenant. */
  readonly enabled: boolean;
  readonly businessNumbers: readonly BusinessNumber[];
  /** The most participants a thread may have. */
  readonly maxParticipants: number;
  /** The language of texts sent to contacts (notices inside the window). */
  readonly contactLocale: string;
}

export interface BusinessNumber {
  /** Cloud API phone_number_id. */
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  /** Users who receive messages from contacts with no thread to reopen. */
  readonly intakeUserIds: readonly UserId[];
}

/** A Teams user of a tenant, with what the bot needs to reach them proactively. */
export interface UserRecord {
  /** The Entra object id (aadObjectId). */
  readonly id: UserId;
  readonly tenantId: string;
  readonly name: string;
  readonly email?: string | undefined;
  /** BCP 47, from the Teams client (activity.locale). */
  readonly locale: string;
  readonly enabled: boolean;
  readonly subOrganisation: string;
  /** Bot Framework ConversationReference for proactive messages, as JSON. */
  readonly conversationReference?: unknown;
  /** The thread the user last worked in: where a plain typed message goes. */
  readonly currentThreadId?: ThreadId | undefined;
  /** An organisation admin (set with `npm run admin -- user admin <userId> on`). */
  readonly admin?: boolean | undefined;
}

/** The WhatsApp party for one business number, with its policy state. */
export interface ContactRecord extends ContactRef {
  readonly businessNumberId: string;
  readonly optedOutAt?: Millis | undefined;
  readonly lastInboundAt?: Millis | undefined;
  /** ops (issue 12): the contact's language (e.g. "pt-BR"); else the organisation's. */
  readonly locale?: string | undefined;
}

/** A contact in one user's contacts (users must add a contact before messaging it). */
export interface AddressBookEntry {
  readonly userId: UserId;
  readonly contactId: string;
  readonly name: string;
  /**
   * keepboth (issue 10 item 4): the user's other names for the contact ("keep both"), found
   * by their searches like `name`, shown as "also saved as". Putting an entry without this
   * field keeps the other names it has; an empty list removes them.
   */
  readonly aliases?: readonly string[];
}

/**
 * A card the bot posted in one user's Teams chat for one message: the inbound card of a
 * contact's message, or the status card of an outgoing one. Receipts update it in place
 * (Bot Framework updateActivity on `activityId`), so there is never a new card per status.
 */
/**
 * release (issue 10): a card showing a thread's state (the conversation card) in a user's
 * chat, updated in place when the state changes (Bot Framework updateActivity).
 */
export interface ThreadCard {
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly activityId: string;
  readonly conversationId: string;
}

export interface MessageCard {
  readonly messageId: MessageId;
  readonly userId: UserId;
  /** The Teams activity id of the card, as the Bot Connector returned it. */
  readonly activityId: string;
  /** The conversation the card is in (the user's personal chat with the bot). */
  readonly conversationId: string;
}

/**
 * A user's part in one thread: when they (last) joined, when they left (absent while they
 * take part), and how far they have read (the seq of the last message they saw; 0: none).
 * Kept after they leave, so a conversation someone took part in stays theirs to read.
 */
export interface Participation {
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly joinedAt: Millis;
  readonly leftAt?: Millis | undefined;
  readonly lastReadSeq: number;
}

// Delivery under load (issue 11): send budgets shared by every instance.

/** A rate limit: at most `max` sends in any `perMs`. */
export interface BudgetWindow {
  readonly max: number;
  readonly perMs: Millis;
  /** How late after its slot a send may reach the other side (kept to spare). */
  readonly slackMs?: Millis;
}

/** One limit shared by every instance (a business number's throughput, a Teams chat). */
export interface Budget {
  /** Names the limit, e.g. `teams:tenant:<id>`; never a phone number. */
  readonly id: string;
  readonly windows: readonly BudgetWindow[];
}

/** Slots wanted from several budgets together: each slot counts against all of them. */
export interface BudgetClaim {
  readonly budgets: readonly Budget[];
  /** How many slots; the store grants up to about `leaseMs` worth. */
  readonly want: number;
  /**
   * Count `want` sends made whatever the budgets say (a reply within a user's own turn), in
   * the block holding `at` (default now); a negative `want` gives back slots granted earlier
   * and not used.
   */
  readonly force?: boolean;
  readonly at?: Millis;
}

/** Slots granted to one instance: `count` sends may go in [from, to). */
export interface BudgetGrant {
  readonly from: Millis;
  readonly to: Millis;
  readonly count: number;
}
