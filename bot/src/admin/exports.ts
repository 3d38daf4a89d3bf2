/**
 * The admin's exports, as CSV (csv.ts): proof of consent, and the message record (CDR).
 * `npm run admin -- export …` (admin-commands.ts) runs them against the configured store.
 */
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import type { ConsentRecord, ContactRef, Message, Millis } from '../core/types.js';
import type { Store } from '../store/port.js';
import { csvRecord, isoTime, type CsvValue } from './csv.js';

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

export interface ConsentExportFilter {
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
  let text = csvRecord(CONSENT_COLUMNS);
  let count = 0;
  for (const record of records) {
    const contact = await contactOf(record);
    if (phone !== undefined && (contact === undefined || phoneDigits(contact.phone) !== phone))
      continue;
    text += csvRecord([
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
    ]);
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
  'attempts',
  'possibly_sent_twice',
] as const;

export interface MessageExportOptions {
  readonly businessNumberId?: string | undefined;
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
  await write(csvRecord([...MESSAGE_COLUMNS, ...(options.withText ? ['text'] : [])]));
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
        ...STATUS_COLUMNS.map((s) => isoTime(m.statusTimes[s])),
        m.failure?.code,
        m.failure?.reasonKey,
        m.direction === 'outbound' ? m.attempts : undefined,
        m.possiblyDuplicate === true,
      ];
      if (options.withText) row.push(m.body ?? m.media?.caption);
      text += csvRecord(row);
    }
    await write(text);
    count += page.length;
    if (page.length < PAGE) return count;
    after = page.at(-1)!.message;
  }
}

/** text, picture, template or notice; a contact's sticker or location is `other`. */
function kindOf(m: Message): string {
  if (m.kind === 'image') return 'picture';
  if (m.kind !== 'inbound') return m.kind;
  return m.media ? 'picture' : m.body !== undefined ? 'text' : 'other';
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
