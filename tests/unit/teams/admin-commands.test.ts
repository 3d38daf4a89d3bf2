import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminUsageError, runAdmin } from '../../../bot/src/admin/admin-commands.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';

let store: SqliteStore;
let lines: string[];
const admin = (...argv: string[]) =>
  runAdmin(argv, store, (l) => lines.push(l), { maxParticipants: 8 });

beforeEach(() => {
  store = new SqliteStore(':memory:');
  lines = [];
});
afterEach(async () => {
  await store.close();
});

describe('the admin command line', () => {
  it('enables an organisation with its business number and intake users, and disables it', async () => {
    await admin(
      'org',
      'enable',
      'tenant-1',
      '--number',
      'pn-1',
      '--display',
      '+1 555 0100',
      '--name',
      'Contoso',
      '--intake',
      'u1, u2',
    );
    expect(await store.getOrganisation('tenant-1')).toEqual({
      tenantId: 'tenant-1',
      name: 'Contoso',
      enabled: true,
      businessNumbers: [
        { phoneNumberId: 'pn-1', displayPhoneNumber: '+1 555 0100', intakeUserIds: ['u1', 'u2'] },
      ],
      maxParticipants: 8,
      contactLocale: 'en',
    });
    await admin('intake', 'remove', 'pn-1', 'u1');
    await admin('intake', 'add', 'pn-1', 'u3');
    expect(
      (await store.getOrganisationByBusinessNumber('pn-1'))!.businessNumbers[0]!.intakeUserIds,
    ).toEqual(['u2', 'u3']);
    await admin('org', 'disable', 'tenant-1');
    expect((await store.getOrganisation('tenant-1'))!.enabled).toBe(false);
  });

  it('enables a user the bot has not met, keeps what the bot knows of one it has, and moves them between sub-organisations', async () => {
    await admin(
      'user',
      'enable',
      'aad-1',
      '--tenant',
      'tenant-1',
      '--name',
      'Ana',
      '--sub-org',
      'sales',
    );
    expect(await store.getUser('aad-1')).toMatchObject({
      tenantId: 'tenant-1',
      name: 'Ana',
      enabled: true,
      subOrganisation: 'sales',
    });
    await store.putUser({
      ...(await store.getUser('aad-1'))!,
      conversationReference: { conversation: { id: 'a:1' } },
      locale: 'pt-BR',
    });
    await admin('user', 'sub-org', 'aad-1', 'support');
    await admin('user', 'disable', 'aad-1');
    expect(await store.getUser('aad-1')).toMatchObject({
      enabled: false,
      subOrganisation: 'support',
      locale: 'pt-BR',
      conversationReference: { conversation: { id: 'a:1' } },
    });
    await admin('users', 'tenant-1');
    expect(lines.at(-1)).toContain('disabled');
  });

  it('makes a user an admin of their organisation and no longer, and says so', async () => {
    await admin('user', 'enable', 'aad-1', '--tenant', 'tenant-1', '--name', 'Ana');
    expect((await store.getUser('aad-1'))!.admin).toBeUndefined();
    await admin('user', 'admin', 'aad-1', 'on');
    expect(await store.getUser('aad-1')).toMatchObject({ admin: true, enabled: true });
    expect(lines.at(-1)).toBe('aad-1 (Ana) is now an admin of tenant-1');
    await admin('users', 'tenant-1');
    expect(lines.at(-1)).toContain('(admin)');
    await admin('user', 'admin', 'aad-1', 'off');
    expect((await store.getUser('aad-1'))!.admin).toBe(false);
    expect(lines.at(-1)).toBe('aad-1 (Ana) is no longer an admin of tenant-1');
    await expect(admin('user', 'admin', 'aad-1', 'yes')).rejects.toThrow('on or off');
    await expect(admin('user', 'admin', 'aad-9', 'on')).rejects.toThrow('enable them first');
  });

  it('explains what is missing instead of guessing', async () => {
    await expect(admin('user', 'enable', 'aad-2')).rejects.toBeInstanceOf(AdminUsageError);
    await expect(admin('org', 'enable', 'tenant-1')).rejects.toThrow('--number');
    await expect(admin('launch')).rejects.toThrow('unknown command');
  });
});
