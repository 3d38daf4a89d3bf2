/**
 * The sandbox behaves like a phone (issue 10 item 7): the user's message shows Delivered, not
 * Read, until the contact has the chat open and in view; then its status card turns Read in
 * place. With read receipts off it never does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';

const PHONE = '447700900123';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('read only when the contact looks', () => {
  it('shows delivered but not yet read, then read once the contact opens the chat', async () => {
    const w = (world = await startTeamsWorld());
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await consentedConversation(w, alice);
    const phone = w.product.sandbox.phone(PHONE).closeChat();

    await alice.say('Your parcel is at the depot.');
    await w.settle();
    const card = () => alice.find('Your parcel is at the depot.')!;
    expect(phone.received().at(-1)!.text).toBe('Your parcel is at the depot.');
    expect(card().text).toContain('Delivered');
    expect(card().text).not.toMatch(/Read ·/);

    phone.openChat();
    await w.settle();
    expect(card().text).toMatch(/Read ·/);

    phone.closeChat().setReadReceipts(false);
    await alice.say('Pick it up before 6 pm.');
    await w.settle();
    phone.openChat();
    await w.settle();
    expect(alice.find('Pick it up before 6 pm.')!.text).toContain('Delivered');
    expect(alice.find('Pick it up before 6 pm.')!.text).not.toMatch(/Read ·/);
  });
});
