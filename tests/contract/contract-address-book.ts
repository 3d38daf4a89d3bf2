/**
 * keepboth (issue 10 item 4): "keep both" keeps the user's other names for a contact in their
 * own address-book entry. Every store keeps them per user, keeps them when the entry is put
 * again without them (a rename), replaces or removes them when it is put with them.
 */
import { describe, expect, it } from 'vitest';
import { useStore, type MakeStore } from './store-fixtures.js';

export function describeAddressBookAliasContract(makeStore: MakeStore): void {
  describe("a user's other names for a contact (keep both)", () => {
    const store = useStore(makeStore);

    it("keeps the other names in the user's own entry only", async () => {
      await store().putAddressBookEntry({
        userId: 'user-ana',
        contactId: 'contact-1',
        name: 'Maria Silva',
        aliases: ['Mary', 'Mrs Silva'],
      });
      await store().putAddressBookEntry({
        userId: 'user-ben',
        contactId: 'contact-1',
        name: 'Maria',
      });
      expect(await store().listAddressBook('user-ana')).toEqual([
        {
          userId: 'user-ana',
          contactId: 'contact-1',
          name: 'Maria Silva',
          aliases: ['Mary', 'Mrs Silva'],
        },
      ]);
      // Ben's entry for the same contact has no other names: Ana's are hers alone.
      expect(await store().listAddressBook('user-ben')).toEqual([
        { userId: 'user-ben', contactId: 'contact-1', name: 'Maria' },
      ]);
    });

    it('keeps them through a rename that does not give them, and replaces or removes them when it does', async () => {
      const ana = { userId: 'user-ana', contactId: 'contact-1' };
      await store().putAddressBookEntry({ ...ana, name: 'Maria Silva', aliases: ['Mary'] });
      await store().putAddressBookEntry({ ...ana, name: 'Mrs Silva' });
      expect(await store().listAddressBook('user-ana')).toEqual([
        { ...ana, name: 'Mrs Silva', aliases: ['Mary'] },
      ]);
      await store().putAddressBookEntry({ ...ana, name: 'Mrs Silva', aliases: ['Mary', 'M.'] });
      expect(await store().listAddressBook('user-ana')).toEqual([
        { ...ana, name: 'Mrs Silva', aliases: ['Mary', 'M.'] },
      ]);
      await store().putAddressBookEntry({ ...ana, name: 'Mrs Silva', aliases: [] });
      expect(await store().listAddressBook('user-ana')).toEqual([{ ...ana, name: 'Mrs Silva' }]);
    });

    it("exports the other names with the contact's data, and erases them with it", async () => {
      await store().putContact({
        id: 'contact-9',
        businessNumberId: 'pn-100',
        phone: '447700900999',
        name: 'Zoe Park',
      });
      await store().putAddressBookEntry({
        userId: 'user-ana',
        contactId: 'contact-9',
        name: 'Zoe Park',
        aliases: ['Zed'],
      });
      expect((await store().ops.contactData('447700900999')).addressBook).toEqual([
        { userId: 'user-ana', contactId: 'contact-9', name: 'Zoe Park', aliases: ['Zed'] },
      ]);
      await store().ops.eraseContact('447700900999', { keepConsentProof: false, now: 0 });
      expect(await store().listAddressBook('user-ana')).toEqual([]);
    });
  });
}
