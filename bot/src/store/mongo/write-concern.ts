/**
 * Write concern for the writes that decide who does something once: lease claims, event keys,
 * completions. Acknowledged by a majority of the replica set, so a failover cannot roll back
 * a lease or a completion the caller already acted on (and send an effect twice); bounded by a
 * timeout so a lost majority fails the call (the work is retried) instead of hanging it.
 * Transactions commit with the same write concern (mongo-store.ts).
 *
 * With `retryWrites=false` (Azure Cosmos DB for MongoDB vCore asks for it), the driver does not
 * retry a write whose reply was lost: the write may or may not have happened. A lost lease
 * claim is harmless (the lease runs out and the item is claimed again, flagged as recovered);
 * a lost completion leaves the effect to be handed out again after its lease, as recovered, the
 * way a crash mid-dispatch does (see the README's outbox section); a lost event-key claim is resolved by
 * claimEventKeyOnce (event-keys.ts).
 */
import type { WriteConcernSettings } from 'mongodb';

export const MAJORITY: WriteConcernSettings = { w: 'majority', wtimeoutMS: 10_000 };

export const DURABLE = { writeConcern: MAJORITY } as const;
