/**
 * `npm run admin -- contact export|erase <number>` (issue 12, item 4): a data subject's
 * request. Export prints everything kept about a phone number as JSON; erase deletes it
 * (every business number), keeping an opt-out as a hashed suppression entry and, with
 * --keep-consent-proof, the consent records without the number or the words.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SUPPORTED_LOCALES } from '../i18n/catalogue.js';
import type { Store } from '../store/port.js';
import { AdminUsageError } from './admin-commands.js';

export const CONTACT_USAGE = `
Contacts' data (data subject requests):
  contact export <number> [--out <file>]
      Everything kept about this phone number, as JSON: contact records, address book
      entries, conversations, messages (pictures as their metadata), consent records.
  contact erase <number> [--keep-consent-proof]
      Deletes the contact on every business number: conversations, messages, pictures,
      cards, address book entries and consent records (--keep-consent-proof keeps those
      records without the number or the words, as proof). An opt-out is kept as a hash
      of the number, so erasing never lets business messages reach someone who said STOP.
  contact language <number> <language>
      The language the app writes to this contact in (participant notices), and sends
      templates in when an approved translation exists (en, es, fr, de, pt-BR, it, ja,
      zh-CN); without it, the organisation's.
  <number> is international, with or without + and spaces: +44 7700 900123.`;

/** "+44 7700 900123" → "447700900123"; a clear error otherwise. */
export function parsePhone(text: string | undefined): string {
  const digits = (text ?? '').replace(/[\s().-]/g, '').replace(/^\+/, '');
  if (!/^[1-9]\d{6,14}$/.test(digits)) {
    throw new AdminUsageError(
      `"${text ?? ''}" is not a phone number: give it in international form, e.g. +44 7700 900123`,
    );
  }
  return digits;
}

export async function runContactCommand(
  argv: readonly string[],
  store: Store,
  print: (line: string) => void,
  now: () => number = Date.now,
): Promise<void> {
  const [action, ...rest] = argv;
  if (action === 'language') {
    const locale = rest.at(-1);
    const phone = parsePhone(rest.slice(0, -1).join(' ') || undefined);
    if (!locale || !(SUPPORTED_LOCALES as readonly string[]).includes(locale)) {
      throw new AdminUsageError(
        `"${locale ?? ''}" is not a language the app speaks: use one of ${SUPPORTED_LOCALES.join(', ')}`,
      );
    }
    const { contacts } = await store.ops.contactData(phone);
    if (contacts.length === 0) {
      throw new AdminUsageError(`no contact has the number +${phone}: add the contact first`);
    }
    for (const contact of contacts) await store.putContact({ ...contact, locale });
    print(
      `Notices to +${phone} are written in ${locale}; templates go out in ${locale} when an approved translation exists.`,
    );
    return;
  }
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'keep-consent-proof': { type: 'boolean', default: false },
    },
  });
  const phone = parsePhone(positionals.join(' ') || undefined);
  if (action === 'export') {
    const data = await store.ops.contactData(phone);
    const json = `${JSON.stringify({ phone: `+${phone}`, exportedAt: new Date(now()).toISOString(), ...data }, null, 2)}\n`;
    if (values.out) {
      await writeFile(values.out, json);
      print(`Wrote the data kept about +${phone} to ${values.out}.`);
    } else {
      print(json.trimEnd());
    }
    return;
  }
  if (action === 'erase') {
    const r = await store.ops.eraseContact(phone, {
      keepConsentProof: values['keep-consent-proof'],
      now: now(),
    });
    const consent = values['keep-consent-proof'] ? 'kept without the number' : 'deleted';
    print(
      `Erased +${phone}: ${r.contacts} contact record(s), ${r.threads} conversation(s), ` +
        `${r.messages} message(s), ${r.media} picture(s); ${r.consentRecords} consent record(s) ${consent}.`,
    );
    if (r.suppressed) {
      print('The number had opted out: it stays opted out (kept as a hash of the number).');
    }
    return;
  }
  throw new AdminUsageError(`contact takes export, erase or language, not "${action ?? ''}"`);
}
