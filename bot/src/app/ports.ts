/**
 * What the app layer needs from the adapters at its edges, in the product's words.
 */
import { CodedError } from '../core/errors.js';
import type { Effect, Failure, Message, Thread } from '../core/types.js';

/** The outcome of handing one message to WhatsApp. */
export type SendResult =
  | { readonly outcome: 'sent'; readonly waMessageId: string }
  /** Try again later: a transient error or a throttle (130429, 131056). */
  | {
      readonly outcome: 'retry';
      readonly afterMs?: number | undefined;
      readonly reason: string;
      /** WhatsApp's numeric error code, when it answered with one. */
      readonly graphCode?: number | undefined;
    }
  /**
   * Our own limits (throughput, pair rate): its slot is reserved, later than the dispatcher
   * holds an effect in memory. Waiting, not an attempt: put it back in the outbox this long.
   */
  | { readonly outcome: 'wait'; readonly afterMs: number }
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

/**
 * An error worth trying again (Teams 429/412/502/504, a network failure). `throttled` (Teams'
 * own 429) waits for its Retry-After without counting as an attempt.
 */
export class TransientDeliveryError extends CodedError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly throttled = false,
  ) {
    super('teams.transient_delivery', message);
  }
}

/**
 * Not an error: the effect's sends have their slots within our own limits (Teams per chat and
 * per tenant), later than the dispatcher holds an effect in memory. Put it back in the outbox
 * for `afterMs` without counting an attempt; the slots stay reserved for it.
 */
export class WaitForSlot extends CodedError {
  constructor(readonly afterMs: number) {
    super('teams.waiting_for_slot', `waiting ${afterMs} ms for a send slot`);
  }
}

/** What the dispatcher tells a channel about the effect it delivers. */
export interface DeliveryContext {
  /** The outbox effect's id: slots reserved for it are found again when it comes back. */
  readonly key?: string;
  /** gather: the effect's place in its thread, to find what waits behind it. */
  readonly seq?: number;
}

/** Tells business users in Teams (the Teams adapter): notices, inbound messages, receipts. */
export interface UserChannel {
  deliver(effect: TeamsEffect, thread: Thread, context?: DeliveryContext): Promise<void>;
}
