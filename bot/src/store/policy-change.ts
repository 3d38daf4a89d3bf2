/**
 * How a transition's contact policy change reads, for both stores: a key present sets the
 * field, a key present with `undefined` clears it, an absent key leaves it as it is.
 */
import type { ContactPolicyChange, Millis, Thread } from '../core/types.js';
import type { ContactRecord } from './port.js';

export type PolicyField = 'optedOutAt' | 'lastInboundAt';

export interface PolicyUpdate {
  readonly set: Partial<Record<PolicyField, Millis>>;
  readonly clear: readonly PolicyField[];
}

const FIELDS: readonly PolicyField[] = ['optedOutAt', 'lastInboundAt'];

export function readPolicyChange(change: ContactPolicyChange): PolicyUpdate {
  const set: Partial<Record<PolicyField, Millis>> = {};
  const clear: PolicyField[] = [];
  for (const field of FIELDS) {
    if (!Object.hasOwn(change, field)) continue;
    const value = change[field];
    if (value === undefined) clear.push(field);
    else set[field] = value;
  }
  return { set, clear };
}

/** A record with the update applied (for stores that rewrite the whole record). */
export function applyPolicyUpdate<T extends Partial<Record<PolicyField, Millis | undefined>>>(
  record: T,
  update: PolicyUpdate,
): T {
  const next: Record<string, unknown> = { ...record, ...update.set };
  for (const field of update.clear) delete next[field];
  return next as T;
}

/**
 * The contact as it should be stored after a transition's policy change: the stored record
 * (or, when none is stored yet, the thread's own contact) with the change applied. Undefined
 * when the change names a contact that is neither stored nor the thread's.
 */
export function contactAfterChange(
  stored: ContactRecord | undefined,
  thread: Thread,
  change: ContactPolicyChange,
): ContactRecord | undefined {
  const current: ContactRecord | undefined =
    stored ??
    (change.contactId === thread.contact.id
      ? {
          id: thread.contact.id,
          phone: thread.contact.phone,
          name: thread.contact.name,
          businessNumberId: thread.businessNumberId,
        }
      : undefined);
  return current && applyPolicyUpdate(current, readPolicyChange(change));
}
