/**
 * What an admin does: enable an organisation (a Microsoft 365 tenant) with its WhatsApp
 * business number and intake users; enable or disable users and set their sub-organisation;
 * export proof of consent and the message record (CDR) as CSV.
 * `npm run admin -- …` (cli.ts) runs these against the configured store; see README,
 * "Enabling organisations and users".
 */
import { parseArgs } from 'node:util';
import { CodedError } from '../core/errors.js';
import { HOUR, type Millis } from '../core/types.js';
import { SUPPORTED_LOCALES } from '../i18n/catalogue.js';
import type { Organisation, Store, UserRecord } from '../store/port.js';
import { DEFAULT_SUB_ORGANISATION } from '../app/enablement.js';
import {
  exportConsent,
  exportMessages,
  streamWriter,
  writeToFile,
  type WriteText,
} from './exports.js';

export const USAGE = `Usage: npm run admin -- <command>

  org enable <tenantId> --number <phoneNumberId> [--display <+15550000001>] [--name <name>]
             [--intake <userId,userId>] [--max-participants <n>] [--contact-locale <en>]
      Enable the WhatsApp connector for a tenant, with its business number (added to the
      numbers it has) and the users who receive messages from contacts with no conversation.
  org disable <tenantId>          Disable the connector for a tenant (its data is kept).
  org show <tenantId>             Show a tenant's organisation.
  user enable <userId> --tenant <tenantId> [--name <name>] [--sub-org <name>]
      Enable a user (their Entra object id); they may have talked to the bot already or not.
  user disable <userId>           Disable a user.
  user sub-org <userId> <name>    Move a user to a sub-organisation (colleagues who can join
                                  a conversation are those of the same sub-organisation).
  user admin <userId> on|off      Make a user an admin of their organisation, or no longer
                                  (admins are told of alarms and of unassigned messages).
  users <tenantId>                List a tenant's users: enabled, sub-organisation, name.
  intake add|remove <phoneNumberId> <userId>
                                  Name or remove an intake user of a business number.
  export consent [--number <phoneNumberId>] [--contact <contactId or phone>] [--out <file>]
                 [--bom] [--raw]
      Proof of consent as CSV: every consent, decline, opt-out and resume, with its time
      and the WhatsApp message that carried it.
  export messages --from <date> --to <date> [--number <phoneNumberId>] [--with-text]
                  [--lang <en>] [--out <file>] [--bom] [--raw]
      The message record (CDR) as CSV: one row per message created from --from up to
      --to, with the time of each status. --with-text adds what was written. A failed
      message's reason is in words, in English or the --lang given (${SUPPORTED_LOCALES.join(', ')}),
      with its key in failure_reason_key.
      A date is a whole UTC day (2025-01-31: --to includes that day), or give a time
      with its zone (2025-01-31T09:00:00Z; --to is then excluded).
  Exports go to standard output, or to --out <file>. --bom starts the file with a UTF-8
  byte order mark, so Excel opens it as UTF-8. A cell beginning with =, +, - or @ is
  written with a ' before it, so no spreadsheet runs it as a formula; --raw keeps it as is.
  store migrate                   Apply the store's pending schema and index migrations (run
                                  it ahead of a rollout: new instances then start at once).
  store migrations                List the migrations recorded in the store.`;

/** The admin typed a command the command line cannot run: it prints why and the usage. */
export class AdminUsageError extends CodedError {
  declare readonly code: 'admin.usage';
  constructor(message: string) {
    super('admin.usage', message);
  }
}

/** Where exports go without --out. */
export interface AdminOutput {
  readonly stdout: WriteText;
}

export async function runAdmin(
  argv: readonly string[],
  store: Store,
  print: (line: string) => void,
  defaults: { maxParticipants: number },
  output: AdminOutput = { stdout: streamWriter(process.stdout) },
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      number: { type: 'string' },
      display: { type: 'string' },
      name: { type: 'string' },
      intake: { type: 'string' },
      'max-participants': { type: 'string' },
      'contact-locale': { type: 'string' },
      tenant: { type: 'string' },
      'sub-org': { type: 'string' },
      contact: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      'with-text': { type: 'boolean' },
      lang: { type: 'string' },
      bom: { type: 'boolean' },
      raw: { type: 'boolean' },
    },
  });
  const [area, action, ...rest] = positionals;
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new AdminUsageError(`missing ${what}`);
    return value;
  };

  if (area === 'org' && action === 'enable') {
    const tenantId = need(rest[0], '<tenantId>');
    const number = need(values.number, '--number <phoneNumberId>');
    const existing = await store.getOrganisation(tenantId);
    const intake = values.intake
      ? values.intake
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
    const known = existing?.businessNumbers.find((n) => n.phoneNumberId === number);
    const max =
      values['max-participants'] !== undefined ? Number(values['max-participants']) : undefined;
    if (max !== undefined && (!Number.isInteger(max) || max < 1))
      throw new AdminUsageError('--max-participants must be a whole number ≥ 1');
    const org: Organisation = {
      tenantId,
      name: values.name ?? existing?.name ?? tenantId,
      enabled: true,
      businessNumbers: [
        ...(existing?.businessNumbers ?? []).filter((n) => n.phoneNumberId !== number),
        {
          phoneNumberId: number,
          displayPhoneNumber: values.display ?? known?.displayPhoneNumber ?? number,
          intakeUserIds: intake ?? known?.intakeUserIds ?? [],
        },
      ],
      maxParticipants: max ?? existing?.maxParticipants ?? defaults.maxParticipants,
      contactLocale: values['contact-locale'] ?? existing?.contactLocale ?? 'en',
    };
    await store.putOrganisation(org);
    return print(
      `enabled ${tenantId} (${org.name}) with ${org.businessNumbers.map((n) => n.phoneNumberId).join(', ')}`,
    );
  }
  if (area === 'org' && (action === 'disable' || action === 'show')) {
    const tenantId = need(rest[0], '<tenantId>');
    const org = await store.getOrganisation(tenantId);
    if (!org) throw new AdminUsageError(`no organisation ${tenantId}`);
    if (action === 'show') return print(JSON.stringify(org, null, 2));
    await store.putOrganisation({ ...org, enabled: false });
    return print(`disabled ${tenantId}`);
  }
  if (area === 'user' && (action === 'enable' || action === 'disable')) {
    const id = need(rest[0], '<userId>');
    const existing = await store.getUser(id);
    const tenantId = values.tenant ?? existing?.tenantId;
    if (!tenantId)
      throw new AdminUsageError('a user the bot has not met yet needs --tenant <tenantId>');
    const user: UserRecord = {
      ...existing,
      id,
      tenantId,
      name: values.name ?? existing?.name ?? id,
      locale: existing?.locale ?? 'en-US',
      enabled: action === 'enable',
      subOrganisation: values['sub-org'] ?? existing?.subOrganisation ?? DEFAULT_SUB_ORGANISATION,
    };
    await store.putUser(user);
    return print(
      `${action}d ${id} (${user.name}) in ${tenantId}, sub-organisation ${user.subOrganisation}`,
    );
  }
  if (area === 'user' && action === 'sub-org') {
    const id = need(rest[0], '<userId>');
    const subOrganisation = need(rest[1], '<sub-organisation>');
    const existing = await store.getUser(id);
    if (!existing) throw new AdminUsageError(`no user ${id}: enable them first`);
    await store.putUser({ ...existing, subOrganisation });
    return print(`${id} is now in sub-organisation ${subOrganisation}`);
  }
  if (area === 'user' && action === 'admin') {
    const id = need(rest[0], '<userId>');
    const setting = need(rest[1], 'on or off');
    if (setting !== 'on' && setting !== 'off')
      throw new AdminUsageError(`user admin takes on or off, not ${setting}`);
    const existing = await store.getUser(id);
    if (!existing) throw new AdminUsageError(`no user ${id}: enable them first`);
    await store.putUser({ ...existing, admin: setting === 'on' });
    return print(
      `${id} (${existing.name}) is ${setting === 'on' ? 'now' : 'no longer'} an admin of ${existing.tenantId}`,
    );
  }
  if (area === 'users') {
    const tenantId = need(action, '<tenantId>');
    for (const u of await store.listUsers(tenantId)) {
      print(
        `${u.enabled ? 'enabled ' : 'disabled'}  ${u.subOrganisation.padEnd(16)} ${u.id}  ${u.name}${u.admin ? '  (admin)' : ''}${u.conversationReference ? '' : '  (has not opened the bot)'}`,
      );
    }
    return;
  }
  if (area === 'intake' && (action === 'add' || action === 'remove')) {
    const number = need(rest[0], '<phoneNumberId>');
    const userId = need(rest[1], '<userId>');
    const org = await store.getOrganisationByBusinessNumber(number);
    if (!org) throw new AdminUsageError(`no organisation has the business number ${number}`);
    const businessNumbers = org.businessNumbers.map((n) =>
      n.phoneNumberId !== number
        ? n
        : {
            ...n,
            intakeUserIds:
              action === 'add'
                ? [...new Set([...n.intakeUserIds, userId])]
                : n.intakeUserIds.filter((u) => u !== userId),
          },
    );
    await store.putOrganisation({ ...org, businessNumbers });
    return print(
      `${action === 'add' ? 'added' : 'removed'} intake user ${userId} ${action === 'add' ? 'to' : 'from'} ${number}`,
    );
  }
  // store schema (issue 13): run migrations ahead of a rollout, list what is recorded
  if (area === 'store' && (action === 'migrate' || action === 'migrations')) {
    if (rest.length > 0) throw new AdminUsageError(`unexpected ${rest.join(' ')}`);
    // Opening the store applied whatever was due (under a lease on MongoDB).
    const { applied, appliedNow } = await store.schemaMigrations();
    const line = (m: (typeof applied)[number]) =>
      `  ${String(m.version).padStart(3)}  ${new Date(m.appliedAt).toISOString()}  ${m.name}`;
    if (action === 'migrate') {
      print(
        appliedNow.length > 0
          ? `applied ${appliedNow.length} migration${appliedNow.length === 1 ? '' : 's'} now: ${appliedNow.join(', ')}`
          : 'nothing to apply: the store was up to date',
      );
    }
    print(`${applied.length} migrations recorded:`);
    for (const m of applied) print(line(m));
    return;
  }
  if (area === 'export' && (action === 'consent' || action === 'messages')) {
    if (rest.length > 0) throw new AdminUsageError(`unexpected ${rest.join(' ')}`);
    const out = values.out;
    const run = async (fill: (write: WriteText) => Promise<number>): Promise<number> => {
      if (out === undefined) return fill(output.stdout);
      try {
        return await writeToFile(out, fill);
      } catch (error) {
        if (isFileError(error))
          throw new AdminUsageError(`cannot write --out ${out}: ${error.message}`);
        throw error;
      }
    };
    const csv = { bom: values.bom === true, raw: values.raw === true };
    if (action === 'consent') {
      if (
        values.from !== undefined ||
        values.to !== undefined ||
        values['with-text'] ||
        values.lang !== undefined
      )
        throw new AdminUsageError(
          'export consent takes --number, --contact, --out, --bom and --raw (it lists every record)',
        );
      const count = await run((write) =>
        exportConsent(store, write, {
          businessNumberId: values.number,
          contact: values.contact,
          ...csv,
        }),
      );
      if (out !== undefined) print(`wrote ${count} consent records to ${out}`);
      return;
    }
    if (values.contact !== undefined)
      throw new AdminUsageError('export messages takes --number, not --contact');
    const from = parseTime(need(values.from, '--from <date>'), '--from');
    const to = parseTime(need(values.to, '--to <date>'), '--to');
    if (from >= to)
      throw new AdminUsageError(`--from ${values.from} must come before --to ${values.to}`);
    const locale = values.lang === undefined ? undefined : supportedLocale(values.lang);
    const count = await run((write) =>
      exportMessages(store, write, {
        businessNumberId: values.number,
        from,
        to,
        withText: values['with-text'] === true,
        locale,
        ...csv,
      }),
    );
    if (out !== undefined) print(`wrote ${count} messages to ${out}`);
    return;
  }
  throw new AdminUsageError(
    positionals.length ? `unknown command: ${positionals.join(' ')}` : 'no command',
  );
}

const DAY: Millis = 24 * HOUR;
const DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A date is a whole UTC day: from its start for --from, to the start of the next day for
 * --to (so `--from 2025-01-01 --to 2025-01-31` is all of January). A time must carry its zone.
 */
function parseTime(value: string, option: '--from' | '--to'): Millis {
  const date = DATE.exec(value);
  const day = date && Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  // Date.UTC rolls 2025-02-30 over to March: a real date reads back the same.
  const real = day !== null && new Date(day).toISOString().slice(0, 10) === date?.[0];
  if (real && value.length === 10) return option === '--to' ? day + DAY : day;
  if (real && TIME_WITH_ZONE.test(value)) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return at;
  }
  throw new AdminUsageError(
    `${option} takes a date (2025-01-31, a whole UTC day) or a time with its zone ` +
      `(2025-01-31T09:00:00Z), not "${value}"`,
  );
}

/** A language the catalogue has ("de", "pt-BR", "zh-cn"), else a usage error listing them. */
function supportedLocale(value: string): string {
  const found = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === value.toLowerCase());
  if (found) return found;
  throw new AdminUsageError(`--lang takes one of ${SUPPORTED_LOCALES.join(', ')}, not "${value}"`);
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    'code' in error &&
    ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EROFS', 'EPERM'].includes(String(error.code))
  );
}
