/**
 * What the app layer needs from the adapters at its edges, in the product's words.
 */
import { CodedError } from '../core/errors.js';
import type { Effect, Failure, Message, Thread } from '../core/types.js';

/** The outcome of handing one message to WhatsApp. */
export type SendResult =
  | { readonly outcome: 'sent'; readonly waMessageId: string }
  /** Try again later: a transient error or a throttle (130429, 131056). */
  | { readonly outcome: 'retry'; readonly afterMs?: number | undefined; readonly reason: string }
  /** WhatsApp refused it for good: the message fails with this reason. */
  | { readonly outcome: 'failed'; readonly failure: Failure };

/** Sends stored messages to the contact (the WhatsApp adapter). */
export interface ContactChannel {
  /** `attempt` is 1 for the first try of this message, 2 for the next, and so on. */
  send(thread: Thread, message: Message, attempt: number): Promise<SendResult>;
}

export type TeamsEffect = Extract<
  Effect,
  { type: 'notify' | 'deliver_inbound' | 'share_outbound' | 'status_changed' }
>;

/** An error worth trying again (Teams 429/412/502/504, a network failure). */
export class TransientDeliveryError extends CodedError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super('teams.transient_delivery', message);
  }
}

/** Tells business users in Teams (the Teams adapter): notices, inbound messages, receipts. */
export interface UserChannel {
  deliver(effect: TeamsEffect, thread: Thread): Promise<void>;
}
