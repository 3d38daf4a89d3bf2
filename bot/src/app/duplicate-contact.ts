/**
 * reply (issue 10 item 4): adding a number that is already one of the user's contacts under
 * another name asks first. A number is one WhatsApp chat, so it is one contact and one
 * conversation, with one shown name per user (the user's own address-book entry): the user
 * either renames their entry to the new name, or keeps both (keepboth: the name they had
 * stays the shown one, the new one is kept as another name their searches find). Nothing is
 * created or renamed until they choose. A name the entry already has is no question.
 */
import type { ContactView } from './access.js';

/** What to do with a number already in the user's contacts under another name. */
export type DuplicateChoice =
  | 'ask'
  | 'rename'
  /** keepboth: the name stays, the new one is kept as another name of the same entry. */
  | 'both'
  /** Keep the name, nothing else (cards and tab clients from before "keep both"). */
  | 'keep';

export type AddContactResult =
  /** New to the user (or the same name again): in their contacts under `contact.name`. */
  | { readonly kind: 'added'; readonly contact: ContactView }
  /** Already there under another name, and nothing done: ask the user. */
  | { readonly kind: 'duplicate'; readonly existing: ContactView; readonly name: string }
  /** The user's entry was renamed from `previousName`. */
  | { readonly kind: 'renamed'; readonly contact: ContactView; readonly previousName: string }
  /** The user kept the name they had: nothing changed. */
  | { readonly kind: 'kept'; readonly contact: ContactView }
  /** keepboth: the name stays; `name` is now one of the entry's other names. */
  | { readonly kind: 'kept_both'; readonly contact: ContactView; readonly name: string }
  /** keepboth: already in the user's contacts under this name or as one of its other names. */
  | { readonly kind: 'already'; readonly contact: ContactView };

/** Names that differ only in case or spacing are the same name. */
export function sameName(a: string, b: string): boolean {
  const fold = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  return fold(a) === fold(b);
}

/** keepboth: whether `name` is the contact's name or one of the user's other names for it. */
export function isOneOfItsNames(contact: ContactView, name: string): boolean {
  return [contact.name, ...(contact.aliases ?? [])].some((n) => sameName(n, name));
}

/** keepboth: the other names after adding `name` (no repeats, never the shown name). */
export function withAlias(contact: ContactView, name: string): string[] {
  const aliases = [...(contact.aliases ?? [])];
  return isOneOfItsNames(contact, name) ? aliases : [...aliases, name.trim()];
}

/** keepboth: the other names once the entry is renamed to `name` (that one dropped). */
export function aliasesAfterRename(contact: ContactView, name: string): string[] {
  return (contact.aliases ?? []).filter((a) => !sameName(a, name));
}
