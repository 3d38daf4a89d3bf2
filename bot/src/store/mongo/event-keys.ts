/**
 * Claiming an event key once, even when the reply to the claim is lost.
 *
 * The claim is an insert of the key (unique `_id`), tagged with a random claim id. When the
 * reply is lost (a network error, a failover, a write-concern timeout), nobody knows whether
 * the insert happened: with retryable writes the driver retries it and the server answers
 * the retry from its record; with `retryWrites=false` (vCore) a plain retry would meet our own
 * key and report the event as handled by someone else, so the activity would be dropped.
 * Instead the key is read back: our claim id means the claim was ours; another means someone
 * else's; no key means the insert did not happen, so it is tried again.
 */
import { MongoError, MongoNetworkError, MongoWriteConcernError } from 'mongodb';
import { isDuplicateKey } from './errors.js';

export interface EventKeyClaims {
  insert(eventKey: string, claimId: string): Promise<void>;
  /** The claim id stored for the key (read from the primary), or null when it is not stored. */
  claimIdOf(eventKey: string): Promise<string | null>;
}

/** How many times a claim whose reply was lost is looked up and tried again. */
const ATTEMPTS = 3;

/** True for the one caller that claimed the key, false for everyone after. */
export async function claimEventKeyOnce(
  claims: EventKeyClaims,
  eventKey: string,
  claimId: string,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await claims.insert(eventKey, claimId);
      return true;
    } catch (error) {
      // Already stored: ours (an earlier attempt of this call did land) or someone else's.
      if (isDuplicateKey(error)) return (await claims.claimIdOf(eventKey)) === claimId;
      if (!replyMayBeLost(error) || attempt >= ATTEMPTS) throw error;
      const stored = await claims.claimIdOf(eventKey);
      if (stored !== null) return stored === claimId;
      // Not stored: the insert did not happen (or was rolled back). Try again.
    }
  }
}

/** Errors after which a write may have been applied although no reply said so. */
export function replyMayBeLost(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoWriteConcernError ||
    (error instanceof MongoError && error.hasErrorLabel('RetryableWriteError'))
  );
}
