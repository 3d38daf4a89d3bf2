/**
 * keepboth (issue 10 item 4): the address book's documents with the user's other names for a
 * contact (`aliases`, absent for none). No index: searches by name are the user's own, made
 * over their address book by the application layer, never across users.
 */
import type { UpdateFilter } from 'mongodb';
import type { AddressBookEntry } from '../port.js';
import type { AddressBookDoc } from './documents.js';

/** The upsert of an entry: the name always; the other names only when the entry gives them. */
export function addressBookUpdate(entry: AddressBookEntry): UpdateFilter<AddressBookDoc> {
  const base = { userId: entry.userId, contactId: entry.contactId, name: entry.name };
  if (entry.aliases === undefined) return { $set: base };
  if (entry.aliases.length === 0) return { $set: base, $unset: { aliases: '' } };
  return { $set: { ...base, aliases: [...entry.aliases] } };
}

/** An entry from its document; `aliases` only when there are some. */
export function addressBookEntryOfDoc(doc: AddressBookDoc): AddressBookEntry {
  return {
    userId: doc.userId,
    contactId: doc.contactId,
    name: doc.name,
    ...(doc.aliases && doc.aliases.length > 0 ? { aliases: [...doc.aliases] } : {}),
  };
}
