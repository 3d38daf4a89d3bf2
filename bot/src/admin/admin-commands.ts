/**
 * What an admin does: enable an organisation (a Microsoft 365 tenant) with its WhatsApp
 * business number and intake users; enable or disable users and set their sub-organisation.
 * `npm run admin -- …` (cli.ts) runs these against the configured store; see README,
 * "Enabling organisations and users".
 */
import { parseArgs } from 'node:util';
import type { Organisation, Store, UserRecord } from '../store/port.js';
import { DEFAULT_SUB_ORGANISATION } from '../teams/enablement.js';

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
  users <tenantId>                List a tenant's users: enabled, sub-organisation, name.
  intake add|remove <phoneNumberId> <userId>
                                  Name or remove an intake user of a business number.`;

export class AdminUsageError extends Error {
  readonly code = 'admin_usage';
}

export async function runAdmin(
  argv: readonly string[],
  store: Store,
  print: (line: string) => void,
  defaults: { maxParticipants: number },
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
  if (area === 'users') {
    const tenantId = need(action, '<tenantId>');
    for (const u of await store.listUsers(tenantId)) {
      print(
        `${u.enabled ? 'enabled ' : 'disabled'}  ${u.subOrganisation.padEnd(16)} ${u.id}  ${u.name}${u.conversationReference ? '' : '  (has not opened the bot)'}`,
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
  throw new AdminUsageError(
    positionals.length ? `unknown command: ${positionals.join(' ')}` : 'no command',
  );
}
