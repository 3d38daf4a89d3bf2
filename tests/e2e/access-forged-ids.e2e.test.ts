/**
 * Ids in card data come from outside (a contact id is `<phone_number_id>:<number>`, easy to
 * guess). A user who sends another user's ids, of the same organisation or of another one,
 * changes nothing, sends nothing and learns nothing about the contact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TeamsUser } from './support/teams-client.js';
import { MARIA, twoOrganisations, type TwoOrganisations } from './support/two-organisations.js';

let world: TwoOrganisations | undefined;
afterEach(async () => {
  await world?.w.stop();
  world = undefined;
});

async function setUp(): Promise<TwoOrganisations> {
  world = await twoOrganisations();
  return world;
}

/** What the store and the contact's phone hold, to compare before and after a probe. */
async function snapshot(o: TwoOrganisations) {
  const store = o.w.product.store;
  return JSON.stringify({
    threads: await store.findLatestThread(o.mariaId.split(':')[0]!, o.mariaId),
    open: await store.findOpenThread(o.mariaId.split(':')[0]!, o.mariaId),
    messages: await store.listMessages(o.threadId),
    received: o.w.product.sandbox.phone(MARIA.phone).received().length,
    consent: await store.listConsentRecords({ contactId: o.mariaId }),
  });
}

describe('forged card actions', () => {
  it("optin.confirm with another organisation's contact opens nothing and sends nothing", async () => {
    const o = await setUp();
    const before = await snapshot(o);
    for (const prober of [o.eve, o.ben]) {
      const card = TeamsUser.card(
        await prober.execute('optin.confirm', { contactId: o.mariaId, draft: 'Hi from me' }),
      );
      const words = JSON.stringify(card);
      expect(words).toContain('That contact is not among your contacts');
      expect(words).not.toContain(MARIA.name);
      expect(words).not.toContain(MARIA.phone);
      await o.w.settle();
      expect(await snapshot(o)).toBe(before);
      expect(prober.texts().join('\n')).not.toContain(MARIA.name);
    }
  });

  it('optin.cancel, optin.remind and thread.restart reveal no name to someone else', async () => {
    const o = await setUp();
    const before = await snapshot(o);
    for (const prober of [o.eve, o.ben]) {
      const probes = [
        await prober.execute('optin.cancel', { contactId: o.mariaId }),
        await prober.execute('optin.remind', { threadId: o.threadId }),
        await prober.execute('thread.restart', { threadId: o.threadId }),
        await prober.execute('optin.confirm', {
          contactId: o.mariaId,
          restartThreadId: o.threadId,
        }),
      ];
      for (const answer of probes) {
        const words = JSON.stringify(TeamsUser.card(answer));
        expect(words).not.toContain(MARIA.name);
        expect(words).not.toContain(MARIA.phone);
      }
      await o.w.settle();
      expect(await snapshot(o)).toBe(before);
    }
  });
});
