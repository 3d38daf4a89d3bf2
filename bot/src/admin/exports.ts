/**
 * The admin's exports, as CSV (csv.ts): proof of consent, and the message record (CDR).
 * `npm run admin -- export …` (admin-commands.ts) runs them against the configured store.
 */
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import type { ConsentRecord, ContactRef, Message, Millis } from '../core/types.js';
import { hasKey, t } from '../i18n/catalogue.js';
import type { Store } from '../store/port.js';
import { csvRecord, isoTime, UTF8_BOM, type CsvOptions, type CsvValue } from './csv.js';

/** How a CSV file is written, for both exports. */
export interface CsvFileOptions extends CsvOptions {
  /** Start with the UTF-8 byte order mark, so Excel reads the file as UTF-8. */
  readonly bom?: boolean | undefined;
}

/** Where an export's text goes, in order; resolves once the text is handed on. */
export type WriteText = (text: string) => Promise<void>;

/** How many messages the CDR reads from the store at a time. */
const PAGE = 500;

export const CONSENT_COLUMNS = [
  'time',
  'kind',
  'via',
  'business_number',
  'contact_id',
  'contact_phone',
  'contact_name',
  'thread_id',
  'wa_message_id',
  'text',
] as const;

export interface ConsentExportFilter extends CsvFileOptions {
  readonly businessNumberId?: string | undefined;
  /** A contact id, or a phone number (any punctuation; matched on its digits). */
  readonly contact?: string | undefined;
}

/**
 * Every consent, decline, opt-out and resume, oldest first, with the contact it came from
 * and the WhatsApp message that carried it. Returns how many records were written.
 */
export async function exportConsent(
  store: Store,
  write: WriteText,
  filter: ConsentExportFilter,
): Promise<number> {
  const phone = filter.contact !== undefined ? phoneDigits(filter.contact) : undefined;
  const records = await store.listConsentRecords({
    businessNumberId: filter.businessNumberId,
    ...(filter.contact !== undefined && phone === undefined ? { contactId: filter.contact } : {}),
  });
  const contacts = new Map<string, ContactRef | undefined>();
  const contactOf = async (record: ConsentRecord): Promise<ContactRef | undefined> => {
    if (!contacts.has(record.contactId)) {
      const contact =
        (await store.getContact(record.contactId)) ??
        (await store.getThread(record.threadId))?.contact;
      contacts.set(record.contactId, contact);
    }
    return contacts.get(record.contactId);
  };
  const csv = { raw: filter.raw };
  let text = (filter.bom ? UTF8_BOM : '') + csvRecord(CONSENT_COLUMNS, csv);
  let count = 0;
  for (const record of records) {
    const contact = await contactOf(record);
    if (phone !== undefined && (contact === undefined || phoneDigits(contact.phone) !== phone))
      continue;
    text += csvRecord(
      [
        isoTime(record.at),
        record.kind,
        record.via,
        record.businessNumberId,
        record.contactId,
        contact && e164(contact.phone),
        contact?.name,
        record.threadId,
        record.waMessageId,
        record.text,
      ],
      csv,
    );
    count++;
  }
  await write(text);
  return count;
}

/**
 * The times of each status, as the user's Info shows them. The reference product's CDR leaves
 * out delivery and read times; ours keeps them, since participants see them on every message
 * anyway and they are what a dispute about a message turns on. An empty read time means
 * WhatsApp never reported one (the contact may have read receipts off).
 */
const STATUS_COLUMNS = ['pending', 'sent', 'delivered', 'read', 'failed', 'received'] as const;

export const MESSAGE_COLUMNS = [
  'created_at',
  'thread_id',
  'message_id',
  'business_number',
  'direction',
  'kind',
  'template',
  'author_id',
  'author_name',
  'contact_phone',
  'contact_name',
  'wa_message_id',
  'status',
  ...STATUS_COLUMNS.map((s) => `${s}_at`),
  'failure_code',
  'failure_reason',
  'failure_reason_key',
  'attempts',
  'possibly_sent_twice',
] as const;

export interface MessageExportOptions extends CsvFileOptions {
  readonly businessNumberId?: string | undefined;
  /** The language of `failure_reason` (a supported locale); English by default. */
  readonly locale?: string | undefined;
  /** Inclusive. */
  readonly from: Millis;
  /** Exclusive. */
  readonly to: Millis;
  /**
   * Add what was written (text, a picture's caption). Off by default: the record of who
   * wrote to whom and when does not need the words, and is often shared more widely.
   */
  readonly withText: boolean;
}

/**
 * The message record (CDR): one row per message created in [from, to), oldest first, read
 * from the store a page at a time. Returns how many messages were written.
 */
export async function exportMessages(
  store: Store,
  write: WriteText,
  options: MessageExportOptions,
): Promise<number> {
  const csv = { raw: options.raw };
  await write(
    (options.bom ? UTF8_BOM : '') +
      csvRecord([...MESSAGE_COLUMNS, ...(options.withText ? ['text'] : [])], csv),
  );
  let count = 0;
  let after: Message | undefined;
  for (;;) {
    const page = await store.listMessagesBetween({
      businessNumberId: options.businessNumberId,
      from: options.from,
      to: options.to,
      after,
      limit: PAGE,
    });
    if (page.length === 0) return count;
    let text = '';
    for (const { message: m, businessNumberId, contact } of page) {
      const author = m.direction === 'inbound' ? contact : m.author;
      const row: CsvValue[] = [
        isoTime(m.createdAt),
        m.threadId,
        m.id,
        businessNumberId,
        m.direction,
        kindOf(m),
        m.template,
        author?.id,
        author?.name,
        e164(contact.phone),
        contact.name,
        m.waMessageId,
        m.status,
        ...STATUS_COLUMNS.map((s) => isoTime(statusTimesOf(m)[s])),
        m.failure?.graphCode,
        m.failure && reasonWords(m.failure.reasonKey, options.locale),
        m.failure?.reasonKey,
        m.direction === 'outbound' ? m.attempts : undefined,
        m.possiblyDuplicate === true,
      ];
      if (options.withText) row.push(m.body ?? m.media?.caption);
      text += csvRecord(row, csv);
    }
    await write(text);
    count += page.length;
    if (page.length < PAGE) return count;
    after = page.at(-1)!.message;
  }
}

/**
 * The failure's reason as users read it, in the export's language: the key is kept in its own
 * column for whoever sorts or counts by it.
 */
function reasonWords(key: string, locale: string | undefined): string {
  return hasKey(key) ? t(locale, key) : key;
}

/**
 * The status times as a record should read: WhatsApp's `failed` comes with a time in whole
 * seconds while `sent` is ours to the millisecond, so a failure in the same second can look
 * earlier than the send. It never happened before the send: shown no earlier than `sent_at`.
 */
function statusTimesOf(m: Message): Message['statusTimes'] {
  const { sent, failed } = m.statusTimes;
  return sent !== undefined && failed !== undefined && failed < sent
    ? { ...m.statusTimes, failed: sent }
    : m.statusTimes;
}

/**
 * text, picture, template or notice; what a contact sent: text, picture, document, audio,
 * voice, video, sticker or location (`media_gone` when WhatsApp no longer had the file);
 * `other` for anything else (a reaction, a contact card).
 */
function kindOf(m: Message): string {
  if (m.kind === 'image') return 'picture';
  if (m.kind !== 'inbound') return m.kind;
  if (m.media) return !m.mediaKind || m.mediaKind === 'image' ? 'picture' : m.mediaKind;
  if (m.location) return 'location';
  if (m.mediaGone) return 'media_gone';
  return m.body !== undefined ? 'text' : 'other';
}

/** The store keeps WhatsApp's wa_id (no '+'); people read and search E.164. */
function e164(phone: string): string {
  return phone.startsWith('+') ? phone : `+${phone}`;
}

/** The digits of something that looks like a phone number, else undefined (a contact id). */
function phoneDigits(value: string): string | undefined {
  return /^\+?[\d\s().-]+$/.test(value) ? value.replace(/\D/g, '') : undefined;
}

/**
 * Write an export to `file`: into `file.part` first, renamed when complete, so a failed
 * export never leaves a file that looks whole.
 */
export async function writeToFile(
  file: string,
  fill: (write: WriteText) => Promise<number>,
): Promise<number> {
  const part = `${file}.part`;
  const stream = createWriteStream(part);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  try {
    await Promise.race([new Promise((resolve) => stream.once('open', resolve)), failed]);
    const count = await fill((text) =>
      Promise.race([
        new Promise<void>((resolve, reject) =>
          stream.write(text, 'utf8', (error) => (error ? reject(error) : resolve())),
        ),
        failed,
      ]),
    );
    await Promise.race([new Promise<void>((resolve) => stream.end(resolve)), failed]);
    await rename(part, file);
    return count;
  } catch (error) {
    stream.destroy();
    await unlink(part).catch(() => undefined);
    throw error;
  }
}

/** Write an export to a stream such as process.stdout, one chunk after the other. */
export function streamWriter(stream: NodeJS.WritableStream): WriteText {
  return (text) =>
    new Promise((resolve, reject) =>
      stream.write(text, 'utf8', (error) => (error ? reject(error) : resolve())),
    );
}
