/**
 * keepboth (issue 10 item 4): the address book's rows with the user's other names for a
 * contact (migration 13, column `aliases`: a JSON array of strings, NULL for none).
 */
import type { AddressBookEntry } from '../port.js';

export interface AddressBookRow {
  readonly user_id: string;
  readonly contact_id: string;
  readonly name: string;
  readonly aliases: string | null;
}

/** The column's value for an entry's other names: NULL for none (or not given). */
export function aliasesColumn(aliases: readonly string[] | undefined): string | null {
  return aliases && aliases.length > 0 ? JSON.stringify(aliases) : null;
}

/** An entry from its row; `aliases` only when there are some. */
export function addressBookEntryOf(row: AddressBookRow): AddressBookEntry {
  const aliases = row.aliases !== null ? (JSON.parse(row.aliases) as unknown) : [];
  const names = Array.isArray(aliases)
    ? aliases.filter((a): a is string => typeof a === 'string')
    : [];
  return {
    userId: row.user_id,
    contactId: row.contact_id,
    name: row.name,
    ...(names.length > 0 ? { aliases: names } : {}),
  };
}
