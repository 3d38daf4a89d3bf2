/**
 * keepboth (issue 10 item 4): adding a number that is already one of the user's contacts
 * under another name, answered "keep both": one contact and one conversation, the name the
 * user had stays the shown one, the new name is another name of the user's own entry. Their
 * lookups find it by either; a colleague's do not; a rename keeps the other names.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { otherNamesOf, type Actor } from '../../../bot/src/app/access.js';
import { createApplication, type Application } from '../../../bot/src/app/application.js';
import type { Organisation, UserRecord } from '../../../bot/src/core/records.js';
import { AppWorld, BN } from './world.js';

const PHONE = '447700900123';

const contoso: Organisation = {
  tenantId: 'tenant-contoso',
  name: 'Contoso',
  enabled: true,
  businessNumbers: [{ phoneNumberId: BN, displayPhoneNumber: '+1 555 0100', intakeUserIds: [] }],
  maxParticipants: 8,
  contactLocale: 'en',
};

const user = (id: string, name: string): UserRecord => ({
  id,
  tenantId: contoso.tenantId,
  name,
  locale: 'en-US',
  enabled: true,
  subOrganisation: 'sales',
});

let w: AppWorld;
let app: Application;
let alice: Actor;
let ben: Actor;
let mariaId: string;

beforeEach(async () => {
  w = new AppWorld();
  app = createApplication({
    store: w.store,
    conversations: w.conversations,
    clock: w.clock,
    logger: w.logger,
    maxParticipants: 8,
  });
  await w.store.putOrganisation(contoso);
  alice = { user: user('u-alice', 'Alice Adams'), organisation: contoso };
  ben = { user: user('u-ben', 'Ben Brown'), organisation: contoso };
  for (const a of [alice, ben]) await w.store.putUser(a.user);
  mariaId = (await app.commands.addContact(alice, 'Maria Silva', PHONE)).id;
  await app.commands.addContact(ben, 'Maria', PHONE);
});

const entries = async (a: Actor) =>
  (await w.store.listAddressBook(a.user.id)).map((e) => ({ name: e.name, aliases: e.aliases }));

describe('keep both', () => {
  it('asks first and changes nothing until the answer', async () => {
    const asked = await app.commands.addContactOrAsk(alice, 'Mary', `+${PHONE}`);
    expect(asked).toMatchObject({ kind: 'duplicate', existing: { name: 'Maria Silva' } });
    expect(await entries(alice)).toEqual([{ name: 'Maria Silva', aliases: undefined }]);
  });

  it('keeps the name shown and the new one as another name of the same contact, for this user only', async () => {
    const kept = await app.commands.addContactOrAsk(alice, ' Mary ', PHONE, 'both');
    expect(kept).toMatchObject({
      kind: 'kept_both',
      name: 'Mary',
      contact: { id: mariaId, name: 'Maria Silva', aliases: ['Mary'] },
    });
    // One contact, one entry: still shown as Maria Silva, also saved as Mary.
    expect(await app.queries.contacts(alice)).toEqual([
      expect.objectContaining({ id: mariaId, name: 'Maria Silva', aliases: ['Mary'] }),
    ]);
    expect(await entries(alice)).toEqual([{ name: 'Maria Silva', aliases: ['Mary'] }]);
    // Ben's entry for the same number knows nothing of Alice's other name.
    expect(await entries(ben)).toEqual([{ name: 'Maria', aliases: undefined }]);
    expect((await app.queries.contacts(ben))[0]).not.toHaveProperty('aliases');
  });

  it("shows the user's other names on the conversation as they see it, never a colleague's", async () => {
    await app.commands.addContactOrAsk(alice, 'Mary', PHONE, 'both');
    const started = await app.commands.start(alice, mariaId);
    if ('rejected' in started) throw new Error('not started');
    expect(started.thread.contact.name).toBe('Maria Silva');
    expect(otherNamesOf(started.thread)).toEqual(['Mary']);
    const stored = await w.store.getThread(started.thread.id);
    // Never stored on the thread: it is one user's view.
    expect(stored?.contact).not.toHaveProperty('aliases');
    const asBen = await app.queries.access.named(ben, stored!);
    expect(asBen.contact.name).toBe('Maria');
    expect(otherNamesOf(asBen)).toEqual([]);
  });

  it('is no question when the name is already its name or one of its other names', async () => {
    await app.commands.addContactOrAsk(alice, 'Mary', PHONE, 'both');
    for (const name of ['Mary', '  mary ', 'Maria  Silva', 'MARIA SILVA'])
      expect(await app.commands.addContactOrAsk(alice, name, PHONE)).toMatchObject({
        kind: 'already',
        contact: { name: 'Maria Silva', aliases: ['Mary'] },
      });
    // Keep both again with a name it has adds nothing twice.
    await app.commands.keepBoth(alice, mariaId, 'MARY');
    expect(await entries(alice)).toEqual([{ name: 'Maria Silva', aliases: ['Mary'] }]);
  });

  it('keeps adding other names, and a rename keeps them but for the one that becomes the name', async () => {
    await app.commands.addContactOrAsk(alice, 'Mary', PHONE, 'both');
    await app.commands.addContactOrAsk(alice, 'Mrs Silva', PHONE, 'both');
    expect(await entries(alice)).toEqual([{ name: 'Maria Silva', aliases: ['Mary', 'Mrs Silva'] }]);
    const renamed = await app.commands.addContactOrAsk(alice, 'mrs silva', PHONE, 'rename');
    // "mrs silva" is one of its names already: nothing to ask, nothing renamed.
    expect(renamed.kind).toBe('already');
    await app.commands.renameContact(alice, mariaId, 'Mrs Silva');
    expect(await entries(alice)).toEqual([{ name: 'Mrs Silva', aliases: ['Mary'] }]);
    await app.commands.addContactOrAsk(alice, 'Dr Silva', PHONE, 'rename');
    expect(await entries(alice)).toEqual([{ name: 'Dr Silva', aliases: ['Mary'] }]);
  });

  it("still takes 'keep' (cards and clients from before): the name alone, nothing added", async () => {
    expect(await app.commands.addContactOrAsk(alice, 'Mary', PHONE, 'keep')).toMatchObject({
      kind: 'kept',
    });
    expect(await entries(alice)).toEqual([{ name: 'Maria Silva', aliases: undefined }]);
  });
});
