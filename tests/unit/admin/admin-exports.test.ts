/**
 * The admin's CSV exports, over a store filled through the real use cases: a contact who
 * consents, talks and opts out on one number, and one who declines on another.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminUsageError, runAdmin } from '../../../bot/src/admin/admin-commands.js';
import { MINUTE } from '../../contract/store-fixtures.js';
import { AppWorld, BN, CONTACT_ID, alice, bob } from '../app/world.js';

const PHONE = '447700900123';
const OTHER_BN = 'bn-2';
const ZOE_ID = `${OTHER_BN}:15550001111`;
/** The world's frozen clock starts here. */
const DAY = '2026-01-05';
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 9) + minutes * MINUTE).toISOString();

const dir = mkdtempSync(join(tmpdir(), 'wa-teams-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let w: AppWorld;
let lines: string[];

/** Run the admin command line; what an export writes to standard output comes back. */
async function admin(...argv: string[]): Promise<string> {
  let out = '';
  await runAdmin(
    argv,
    w.store,
    (l) => lines.push(l),
    { maxParticipants: 8 },
    {
      stdout: async (text) => {
        out += text;
      },
    },
  );
  return out;
}

/** RFC 4180, enough to read back what the exporter wrote: rows as header → value. */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += c;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  expect(field).toBe(''); // every record ends with CRLF
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])));
}

function inbound(id: string, from: string, businessNumberId: string, content: object) {
  return w.conversations.receive({
    businessNumberId,
    waMessageId: id,
    from,
    sentAt: w.clock.now(),
    content: content as never,
  });
}

beforeAll(async () => {
  w = await new AppWorld().withContact();
  lines = [];
  await w.store.putContact({
    id: ZOE_ID,
    businessNumberId: OTHER_BN,
    phone: '15550001111',
    name: 'Zoë Ünal, Jr.',
  });
  // Maria on bn-1: opt-in (t-1:1) sent, delivered and read.
  await w.conversations.start(alice, CONTACT_ID);
  await w.dispatcher.drain(); // wamid.out1
  w.clock.advance(MINUTE);
  await w.conversations.report({
    waMessageId: 'wamid.out1',
    status: 'delivered',
    at: w.clock.now(),
  });
  w.clock.advance(MINUTE);
  await w.conversations.report({ waMessageId: 'wamid.out1', status: 'read', at: w.clock.now() });
  // +2 min: she agrees (t-1:2).
  await inbound('wamid.in1', PHONE, BN, {
    type: 'button',
    button: 'consent',
    text: 'Yes, "I agree"',
  });
  // +3 min: Alice writes (t-1:3, sent), then a message WhatsApp refuses (t-1:4).
  w.clock.advance(MINUTE);
  await w.conversations.compose(alice.id, 't-1', { body: 'Hello Maria,\nhow can we help?' });
  await w.conversations.compose(alice.id, 't-1', { body: 'Olá, São Paulo' });
  w.whatsapp.answerNext(
    { outcome: 'sent', waMessageId: 'wamid.out2' },
    {
      outcome: 'failed',
      failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
    },
  );
  await w.dispatcher.drain();
  await w.store.markMessagePossiblyDuplicate('t-1:3');
  // Zoë on bn-2 (t-2): Bob's opt-in, declined at +4 min.
  await w.conversations.start(bob, ZOE_ID);
  await w.dispatcher.drain(); // wamid.out3
  w.clock.advance(MINUTE);
  await inbound('wamid.in2', '15550001111', OTHER_BN, {
    type: 'button',
    button: 'decline',
    text: 'No thanks',
  });
  // +5 min: Maria opts out by keyword (t-1:5).
  w.clock.advance(MINUTE);
  await inbound('wamid.in3', PHONE, BN, { type: 'text', text: 'STOP' });
});

describe('export consent', () => {
  it('lists every consent, decline and opt-out, oldest first, with the message that carried it', async () => {
    const csv = await admin('export', 'consent');
    expect(csv.split('\r\n')[0]).toBe(
      'time,kind,via,business_number,contact_id,contact_phone,contact_name,thread_id,wa_message_id,text',
    );
    expect(parseCsv(csv)).toEqual([
      {
        time: at(2),
        kind: 'consent',
        via: 'button',
        business_number: BN,
        contact_id: CONTACT_ID,
        contact_phone: `+${PHONE}`,
        contact_name: 'Maria Silva',
        thread_id: 't-1',
        wa_message_id: 'wamid.in1',
        text: 'Yes, "I agree"',
      },
      {
        time: at(4),
        kind: 'decline',
        via: 'button',
        business_number: OTHER_BN,
        contact_id: ZOE_ID,
        contact_phone: '+15550001111',
        contact_name: 'Zoë Ünal, Jr.',
        thread_id: 't-2',
        wa_message_id: 'wamid.in2',
        text: 'No thanks',
      },
      {
        time: at(5),
        kind: 'opt_out',
        via: 'keyword',
        business_number: BN,
        contact_id: CONTACT_ID,
        contact_phone: `+${PHONE}`,
        contact_name: 'Maria Silva',
        thread_id: 't-1',
        wa_message_id: 'wamid.in3',
        text: 'STOP',
      },
    ]);
    expect(csv).toContain('"Yes, ""I agree"""');
  });

  it('keeps to one business number, or one contact by id or by phone', async () => {
    const kinds = async (...argv: string[]) =>
      parseCsv(await admin('export', 'consent', ...argv)).map((r) => r.kind);
    expect(await kinds('--number', BN)).toEqual(['consent', 'opt_out']);
    expect(await kinds('--contact', ZOE_ID)).toEqual(['decline']);
    expect(await kinds('--contact', '+44 7700 900123')).toEqual(['consent', 'opt_out']);
    expect(await kinds('--number', OTHER_BN, '--contact', PHONE)).toEqual([]);
  });
});

describe('export messages (CDR)', () => {
  it('lists every message of the period with its times, and no text by default', async () => {
    const rows = parseCsv(await admin('export', 'messages', '--from', DAY, '--to', DAY));
    expect(rows.map((r) => [r.message_id, r.direction, r.kind, r.author_name])).toEqual([
      ['t-1:1', 'outbound', 'template', alice.name],
      ['t-1:2', 'inbound', 'text', 'Maria Silva'],
      ['t-1:3', 'outbound', 'text', alice.name],
      ['t-1:4', 'outbound', 'text', alice.name],
      ['t-2:1', 'outbound', 'template', bob.name],
      ['t-2:2', 'inbound', 'text', 'Zoë Ünal, Jr.'],
      ['t-1:5', 'inbound', 'text', 'Maria Silva'],
    ]);
    expect(rows[0]).toEqual({
      created_at: at(0),
      thread_id: 't-1',
      message_id: 't-1:1',
      business_number: BN,
      direction: 'outbound',
      kind: 'template',
      template: 'opt_in',
      author_id: alice.id,
      author_name: alice.name,
      contact_phone: `+${PHONE}`,
      contact_name: 'Maria Silva',
      wa_message_id: 'wamid.out1',
      status: 'read',
      pending_at: at(0),
      sent_at: at(0),
      delivered_at: at(1),
      read_at: at(2),
      failed_at: '',
      received_at: '',
      failure_code: '',
      failure_reason: '',
      failure_reason_key: '',
      attempts: '1',
      possibly_sent_twice: 'false',
    });
    expect(rows[1]).toMatchObject({
      author_id: CONTACT_ID,
      status: 'received',
      received_at: at(2),
      wa_message_id: 'wamid.in1',
    });
    expect(rows[2]).toMatchObject({ status: 'sent', possibly_sent_twice: 'true' });
    expect(rows[3]).toMatchObject({
      status: 'failed',
      failed_at: at(3),
      failure_code: '131026',
      failure_reason:
        'WhatsApp could not reach this number: it may not be on WhatsApp, may have blocked your business, or may need to update the app. Check the number, or reach the contact another way.',
      failure_reason_key: 'reason.undeliverable',
    });
    expect(rows.every((r) => !('text' in r))).toBe(true);
  });

  it('adds what was written with --with-text, quoted where it must be', async () => {
    const csv = await admin('export', 'messages', '--from', DAY, '--to', DAY, '--with-text');
    expect(parseCsv(csv).map((r) => r.text)).toEqual([
      '',
      'Yes, "I agree"',
      'Hello Maria,\nhow can we help?',
      'Olá, São Paulo',
      '',
      'No thanks',
      'STOP',
    ]);
    expect(csv).toContain('"Hello Maria,\nhow can we help?"');
  });

  it('keeps to a business number and to the period: --from included, --to excluded', async () => {
    const ids = async (...argv: string[]) =>
      parseCsv(await admin('export', 'messages', ...argv)).map((r) => r.message_id);
    expect(await ids('--from', DAY, '--to', DAY, '--number', OTHER_BN)).toEqual(['t-2:1', 't-2:2']);
    expect(await ids('--from', at(2), '--to', at(4))).toEqual(['t-1:2', 't-1:3', 't-1:4', 't-2:1']);
    expect(await ids('--from', '2026-01-05T10:02:00+01:00', '--to', at(3))).toEqual(['t-1:2']);
    expect(await ids('--from', '2026-01-06', '--to', '2026-01-31')).toEqual([]);
  });

  it('writes to --out <file> and says how many, leaving no partial file', async () => {
    const file = join(dir, 'cdr.csv');
    expect(await admin('export', 'messages', '--from', DAY, '--to', DAY, '--out', file)).toBe('');
    expect(lines.at(-1)).toBe(`wrote 7 messages to ${file}`);
    expect(parseCsv(readFileSync(file, 'utf8'))).toHaveLength(7);
    expect(existsSync(`${file}.part`)).toBe(false);
    await admin('export', 'consent', '--out', join(dir, 'consent.csv'));
    expect(lines.at(-1)).toBe(`wrote 3 consent records to ${join(dir, 'consent.csv')}`);
    expect(readFileSync(join(dir, 'consent.csv'), 'utf8')).toContain('Zoë Ünal');
  });

  it('says what to type when a date or an option is wrong', async () => {
    const refused = (...argv: string[]) => expect(admin('export', ...argv)).rejects;
    await refused('messages', '--to', DAY).toThrow('missing --from <date>');
    await refused('messages', '--from', DAY).toThrow('missing --to <date>');
    await refused('messages', '--from', '05/01/2026', '--to', DAY).toThrow(
      '--from takes a date (2025-01-31, a whole UTC day) or a time with its zone',
    );
    await refused('messages', '--from', '2026-02-30', '--to', DAY).toThrow('--from takes a date');
    await refused('messages', '--from', DAY, '--to', '2026-01-05T12:00').toThrow('--to takes');
    await refused('messages', '--from', '2026-01-06', '--to', DAY).toThrow(
      '--from 2026-01-06 must come before --to 2026-01-05',
    );
    await refused('messages', '--from', DAY, '--to', DAY, '--contact', PHONE).toBeInstanceOf(
      AdminUsageError,
    );
    await refused('consent', '--with-text').toBeInstanceOf(AdminUsageError);
    await refused('calls').toThrow('unknown command: export calls');
    await refused('consent', '--out', join(dir, 'no-such-dir', 'x.csv')).toThrow(
      'cannot write --out',
    );
    // An option nobody knows: parseArgs refuses it (the CLI exits 2 with the usage).
    await refused('consent', '--format', 'xlsx').toMatchObject({
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
  });
});
