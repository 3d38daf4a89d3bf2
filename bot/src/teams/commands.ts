/**
 * What a user types in their personal chat with the bot: one of the commands the manifest
 * lists (cards/help.ts, COMMANDS), or a message for the conversation they last worked in.
 * Command words are English in every language and case-insensitive; anything that is not
 * exactly a command is a message, so "new shipment tomorrow?" to a contact never gets lost
 * as a command unless it really reads as one.
 */
import { phoneProblem, type PhoneProblem } from '../core/phone-number.js';
import { phoneNumber } from './cards/verbs.js';

export type Command =
  | { readonly type: 'help' }
  | { readonly type: 'contacts' }
  | { readonly type: 'add_contact'; readonly name: string; readonly phone: string }
  /** `add contact` with something missing or a number that is not one: explain the syntax. */
  | { readonly type: 'add_contact_usage' }
  /** chat (issue 10): `add contact` with a name and a number that is wrong, and what is wrong. */
  | { readonly type: 'add_contact_invalid'; readonly phone: string; readonly problem: PhoneProblem }
  | { readonly type: 'new'; readonly query: string }
  | { readonly type: 'threads' }
  | { readonly type: 'open'; readonly query: string }
  | { readonly type: 'info' };

/** Teams may wrap the text in markup (a pasted line, a mention): keep the words only. */
export function plainText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The command a text is, or undefined when it is a message for the current conversation. */
export function parseCommand(text: string): Command | undefined {
  const words = plainText(text);
  const lower = words.toLowerCase();
  switch (lower) {
    case 'help':
    case '?':
      return { type: 'help' };
    case 'contacts':
      return { type: 'contacts' };
    case 'threads':
    case 'conversations':
      return { type: 'threads' };
    case 'info':
      return { type: 'info' };
    case 'add contact':
      return { type: 'add_contact_usage' };
  }
  if (lower.startsWith('add contact ')) return addContact(words.slice('add contact '.length));
  const target = /^(new|open) (.+)$/i.exec(words);
  if (target) {
    const query = (target[2] as string).trim();
    return (target[1] as string).toLowerCase() === 'new'
      ? { type: 'new', query }
      : { type: 'open', query };
  }
  return undefined;
}

/** "Maria Silva +44 20 7946 0000": the name, then a number with its country code. */
function addContact(rest: string): Command {
  const match = /^(.+?)\s+(\+?[\d\s().-]{7,})$/.exec(rest.trim());
  if (!match) return badNumber(rest);
  const name = (match[1] as string).trim();
  const phone = phoneNumber.safeParse(match[2]);
  // A name has letters: "add contact +44 20 7946 0000" is a number with no name.
  if (!/\p{L}/u.test(name)) return { type: 'add_contact_usage' };
  if (!phone.success) return badNumber(rest);
  return { type: 'add_contact', name, phone: phone.data };
}

/** A query that is a phone number ("+44 7700 900123"), as stored: digits without '+'. */
export function asPhoneNumber(query: string): string | undefined {
  const parsed = phoneNumber.safeParse(query);
  return parsed.success ? parsed.data : undefined;
}

/** chat (issue 10): the words that are commands on their own. */
const COMMAND_WORDS = new Set(['new', 'open', 'help', 'threads', 'contacts', 'info']);

/**
 * What a typed text is (issue 10, item 2): a command; a bare `new` / `open` (the name is
 * missing); `new` / `open` with words to check against the contacts (`target`); a `/` that
 * is no command (`unknown`); a command word followed by words that do not fit (`ask`); or
 * undefined, a message. Nothing but undefined (or a confirmed choice) reaches WhatsApp.
 */
export type Typed =
  | { readonly kind: 'command'; readonly command: Command }
  | { readonly kind: 'bare'; readonly word: 'new' | 'open' }
  | { readonly kind: 'target'; readonly command: Command & { type: 'new' | 'open' } }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'ask'; readonly word: string };

export function readTyped(text: string): Typed | undefined {
  const words = plainText(text);
  const slash = words.startsWith('/');
  const body = slash ? words.slice(1).trim() : words;
  const lower = body.toLowerCase();
  if (lower === 'new' || lower === 'open') return { kind: 'bare', word: lower };
  const command = parseCommand(body);
  if (command) {
    if (!slash && (command.type === 'new' || command.type === 'open'))
      return { kind: 'target', command };
    return { kind: 'command', command };
  }
  if (slash) return { kind: 'unknown' };
  const first = lower.split(' ')[0] ?? '';
  if (COMMAND_WORDS.has(first)) return { kind: 'ask', word: first };
  return undefined;
}

/** "add contact Maria Silva 020 7946 0000": a name, then something meant as a number. */
function badNumber(rest: string): Command {
  const match = /^(.*?\p{L}.*?)\s+([+(\d][^]*)$/u.exec(rest.trim());
  if (!match) return { type: 'add_contact_usage' };
  const phone = (match[2] as string).trim();
  const problem = phoneProblem(phone);
  return problem ? { type: 'add_contact_invalid', phone, problem } : { type: 'add_contact_usage' };
}
