/**
 * reply (issue 10 item 4): adding a number that is already one of the user's contacts under
 * another name asks first. A number is one WhatsApp chat, so it is one contact with one name
 * per user (the user's own address-book entry): the user either renames their entry to the
 * new name, or keeps the name they had. Nothing is created or renamed until they choose.
 */
import type { ContactView } from './access.js';

/** What to do with a number already in the user's contacts under another name. */
export type DuplicateChoice = 'ask' | 'rename' | 'keep';

export type AddContactResult =
  /** New to the user (or the same name again): in their contacts under `contact.name`. */
  | { readonly kind: 'added'; readonly contact: ContactView }
  /** Already there under another name, and nothing done: ask the user. */
  | { readonly kind: 'duplicate'; readonly existing: ContactView; readonly name: string }
  /** The user's entry was renamed from `previousName`. */
  | { readonly kind: 'renamed'; readonly contact: ContactView; readonly previousName: string }
  /** The user kept the name they had: nothing changed. */
  | { readonly kind: 'kept'; readonly contact: ContactView };

/** Names that differ only in case or spacing are the same name. */
export function sameName(a: string, b: string): boolean {
  const fold = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  return fold(a) === fold(b);
}
