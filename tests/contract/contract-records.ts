/**
 * The contract for what surrounds threads: organisations, users, contacts and their policy,
 * address books, proof of consent and media.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Organisation, UserRecord } from '../../bot/src/store/port.js';
import {
  aConsentRecord,
  aContact,
  aThread,
  change,
  create,
  MINUTE,
  OTHER_BUSINESS_NUMBER,
  recordConsent,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

const contoso: Organisation = {
  tenantId: 'tenant-contoso',
  name: 'Contoso',
  enabled: true,
  businessNumbers: [
    { phoneNumberId: 'pn-100', displayPhoneNumber: '+1 555 0100', intakeUserIds: ['user-ana'] },
    { phoneNumberId: 'pn-101', displayPhoneNumber: '+1 555 0101', intakeUserIds: [] },
  ],
  maxParticipants: 5,
  contactLocale: 'en',
};

function aUser(id: string, name: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    tenantId: contoso.tenantId,
    name,
    locale: 'en-US',
    enabled: true,
    subOrganisation: 'sales',
    ...overrides,
  };
}

export function describeRecordContract(makeStore: MakeStore): void {
  describe('organisations and users', () => {
    const store = useStore(makeStore);

    it('finds an organisation by tenant and by any of its business numbers', async () => {
      await store().putOrganisation(contoso);
      expect(await store().getOrganisation('tenant-contoso')).toEqual(contoso);
      expect(await store().getOrganisationByBusinessNumber('pn-101')).toEqual(contoso);
      expect(await store().getOrganisation('tenant-other')).toBeUndefined();
      expect(await store().getOrganisationByBusinessNumber('pn-999')).toBeUndefined();
    });

    it('replaces an organisation, with the business numbers it has now', async () => {
      await store().putOrganisation(contoso);
      const renumbered: Organisation = {
        ...contoso,
        enabled: false,
        businessNumbers: [contoso.businessNumbers[1]!],
      };
      await store().putOrganisation(renumbered);
      expect(await store().getOrganisation('tenant-contoso')).toEqual(renumbered);
      expect(await store().getOrganisationByBusinessNumber('pn-101')).toEqual(renumbered);
      expect(await store().getOrganisationByBusinessNumber('pn-100')).toBeUndefined();
    });

    it("keeps users with their conversation reference, and lists a tenant's users by name", async () => {
      const zoe = aUser('user-zoe', 'Zoe', {
        conversationReference: {
          conversation: { id: 'a:1' },
          serviceUrl: 'https://smba.example/',
          user: { id: '29:1' },
        },
        currentThreadId: 't1',
        email: 'zoe@contoso.example',
      });
      const ana = aUser('user-ana', 'Ana');
      await store().putUser(zoe);
      await store().putUser(ana);
      await store().putUser(aUser('user-olga', 'Olga', { tenantId: 'tenant-fabrikam' }));
      expect(await store().getUser('user-zoe')).toEqual(zoe);
      expect((await store().listUsers(contoso.tenantId)).map((u) => u.id)).toEqual([
        'user-ana',
        'user-zoe',
      ]);

      await store().putUser({ ...ana, name: 'Ana Souza', enabled: false });
      expect(await store().getUser('user-ana')).toEqual({
        ...ana,
        name: 'Ana Souza',
        enabled: false,
      });
      expect(await store().listUsers('tenant-fabrikam')).toEqual([
        aUser('user-olga', 'Olga', { tenantId: 'tenant-fabrikam' }),
      ]);
      expect(await store().getUser('user-nobody')).toBeUndefined();
    });
  });

  describe('contacts and the address book', () => {
    const store = useStore(makeStore);

    it('finds a contact by id and by phone on a business number', async () => {
      const contact = { ...aContact(1), businessNumberId: 'pn-100', lastInboundAt: T0 };
      await store().putContact(contact);
      expect(await store().getContact(contact.id)).toEqual(contact);
      expect(await store().findContactByPhone('pn-100', contact.phone)).toEqual(contact);
      expect(
        await store().findContactByPhone(OTHER_BUSINESS_NUMBER, contact.phone),
      ).toBeUndefined();
      expect(await store().getContact('contact-none')).toBeUndefined();
    });

    it("keeps each user's own contacts by name, renaming an entry put again", async () => {
      await store().putAddressBookEntry({
        userId: 'user-ana',
        contactId: 'contact-1',
        name: 'Zed',
      });
      await store().putAddressBookEntry({
        userId: 'user-ana',
        contactId: 'contact-2',
        name: 'Maria',
      });
      await store().putAddressBookEntry({
        userId: 'user-ben',
        contactId: 'contact-1',
        name: 'Mr Zed',
      });
      await store().putAddressBookEntry({
        userId: 'user-ana',
        contactId: 'contact-1',
        name: 'Alex',
      });
      expect(await store().listAddressBook('user-ana')).toEqual([
        { userId: 'user-ana', contactId: 'contact-1', name: 'Alex' },
        { userId: 'user-ana', contactId: 'contact-2', name: 'Maria' },
      ]);
      expect(await store().listAddressBook('user-ben')).toEqual([
        { userId: 'user-ben', contactId: 'contact-1', name: 'Mr Zed' },
      ]);
      expect(await store().listAddressBook('user-nobody')).toEqual([]);
    });

    it("sets and clears a contact's policy with a transition, leaving absent fields alone", async () => {
      const contact = { ...aContact(1), businessNumberId: 'pn-100', lastInboundAt: T0 };
      await store().putContact(contact);
      const thread = await create(store(), aThread('t1'), {
        contact: { contactId: contact.id, optedOutAt: T0 + 1 },
      });
      expect(await store().getContact(contact.id)).toEqual({ ...contact, optedOutAt: T0 + 1 });

      // The contact writes again: the block goes, the time of the message is kept.
      await store().apply(
        change(thread, {
          contact: { contactId: contact.id, optedOutAt: undefined, lastInboundAt: T0 + 2 },
        }),
        {
          expectedVersion: 1,
          now: T0 + 2,
        },
      );
      const unblocked = await store().getContact(contact.id);
      expect(unblocked).toEqual({ ...contact, lastInboundAt: T0 + 2 });
      expect(unblocked).not.toHaveProperty('optedOutAt');
      expect(await store().findContactByPhone('pn-100', contact.phone)).toEqual(unblocked);
    });

    it('creates the contact from the thread when a policy change names a contact not kept yet', async () => {
      await create(store(), aThread('t1'), {
        contact: { contactId: aContact(1).id, lastInboundAt: T0 },
      });
      expect(await store().getContact(aContact(1).id)).toEqual({
        ...aContact(1),
        businessNumberId: 'pn-100',
        lastInboundAt: T0,
      });
    });
  });

  describe('proof of consent', () => {
    const store = useStore(makeStore);

    it('a consent record is kept with its time and message', async () => {
      const t1 = aThread('t1');
      const consent = aConsentRecord(t1, { at: T0 + MINUTE, waMessageId: 'wamid.C1' });
      const thread = await create(store(), t1, { effects: [recordConsent(consent)] });
      const optOut = aConsentRecord(thread, {
        kind: 'opt_out',
        via: 'keyword',
        text: 'STOP',
        at: T0 + 2 * MINUTE,
        waMessageId: 'wamid.C2',
      });
      await store().apply(
        change(
          { ...thread, state: 'closed', closedReason: 'opted_out' },
          { effects: [recordConsent(optOut)] },
        ),
        {
          expectedVersion: 1,
          now: T0 + 2 * MINUTE,
        },
      );
      const t2 = aThread('t2', { contact: aContact(2), businessNumberId: OTHER_BUSINESS_NUMBER });
      const other = aConsentRecord(t2, { at: T0, waMessageId: 'wamid.C3' });
      await create(store(), t2, { effects: [recordConsent(other)] });

      expect(await store().listConsentRecords({ contactId: aContact(1).id })).toEqual([
        consent,
        optOut,
      ]);
      expect(await store().listConsentRecords({ businessNumberId: OTHER_BUSINESS_NUMBER })).toEqual(
        [other],
      );
      expect(
        await store().listConsentRecords({ businessNumberId: 'pn-100', contactId: aContact(2).id }),
      ).toEqual([]);
      expect(await store().listConsentRecords({})).toEqual([other, consent, optOut]);
      expect(await store().countPendingEffects()).toBe(0);
    });
  });

  describe('media', () => {
    const store = useStore(makeStore);

    it("round-trips a picture's bytes with its type, size, caption and sha256", async () => {
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 256);
      const ref = await store().putMedia(bytes, 'image/jpeg', 'The invoice');
      expect(ref).toEqual({
        id: expect.any(String),
        mimeType: 'image/jpeg',
        size: 300_000,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        caption: 'The invoice',
      });
      const got = await store().getMedia(ref.id);
      expect(got?.ref).toEqual(ref);
      expect(Buffer.from(got!.bytes).equals(Buffer.from(bytes))).toBe(true);
    });

    it('gives each picture its own id, and nothing for an unknown one', async () => {
      const a = await store().putMedia(new Uint8Array([1, 2, 3]), 'image/png');
      const b = await store().putMedia(new Uint8Array([1, 2, 3]), 'image/png');
      expect(a.id).not.toBe(b.id);
      expect(a).not.toHaveProperty('caption');
      expect((await store().getMedia(b.id))?.ref).toEqual(b);
      expect(await store().getMedia('0123456789abcdef01234567')).toBeUndefined();
      expect(await store().getMedia('../../etc/passwd')).toBeUndefined();
    });
  });
}
