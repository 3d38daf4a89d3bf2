/**
 * Issue 10 (chat): nothing typed in the bot chat goes to the wrong person, and commands never
 * reach a customer. Driven as Teams drives the bot (recording Bot Connector), with the
 * sandbox as WhatsApp and the contacts' phones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeActions } from './support/bot-connector.js';
import { TeamsUser } from './support/teams-client.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';

const MARIA = { name: 'Maria Silva', phone: '447700900123' };
const BOB = { name: 'Bob Brown', phone: '12025550147' };

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

function received(w: TeamsWorld, phone: string): string[] {
  return w.product.sandbox
    .phone(phone)
    .received()
    .map((m) => m.text ?? '');
}

/** Everything the sandbox got from the business, any contact. */
function sentTexts(w: TeamsWorld): string[] {
  return [...received(w, MARIA.phone), ...received(w, BOB.phone)];
}

describe('where a typed message goes (issue 10)', () => {
  it('asks which conversation when another contact wrote since, and sends only on the choice, once', async () => {
    const w = (world = await startTeamsWorld());
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await consentedConversation(w, alice, MARIA);
    await consentedConversation(w, alice, BOB);

    // Bob is current and nothing else arrived: straight to Bob.
    await alice.say('Your order is ready.');
    await w.settle();
    expect(alice.last().text).toContain('To Bob Brown');
    expect(received(w, BOB.phone)).toContain('Your order is ready.');

    // Maria writes while Alice types: the next words are not sent until Alice says where.
    w.product.sandbox.phone(MARIA.phone).sendText('Is my parcel here?');
    await w.settle();
    expect(alice.find('Is my parcel here?')).toBeDefined();
    await alice.say('It arrives on Monday.');
    await w.settle();
    const choice = alice.last();
    expect(choice.text).toContain(
      'Nothing has been sent yet: messages about other conversations arrived since you last wrote to Bob Brown. Which conversation is this message for?',
    );
    expect(choice.text).toContain('It arrives on Monday.');
    const buttons = executeActions(choice.card);
    expect(buttons.map((b) => b.title)).toEqual([
      'Send to Bob Brown (current)',
      'Send to Maria Silva',
      "Don't send",
    ]);
    expect(sentTexts(w)).not.toContain('It arrives on Monday.');

    // Alice picks Maria: only Maria gets it, once, and Maria becomes current.
    const toMaria = buttons.find((b) => b.title === 'Send to Maria Silva')!;
    const answer = await alice.execute(toMaria.verb, toMaria.data, choice.activityId);
    expect(JSON.stringify(TeamsUser.card(answer))).toContain('Sent to Maria Silva.');
    await w.settle();
    expect(received(w, MARIA.phone).filter((t) => t === 'It arrives on Monday.')).toHaveLength(1);
    expect(received(w, BOB.phone)).not.toContain('It arrives on Monday.');
    expect(alice.find('To Maria Silva')).toBeDefined();

    // A second click (or Bob's button after all) sends nothing.
    const again = await alice.execute(toMaria.verb, toMaria.data, choice.activityId);
    expect(JSON.stringify(TeamsUser.card(again))).toContain('This message was already handled');
    const toBob = buttons.find((b) => b.title === 'Send to Bob Brown (current)')!;
    await alice.execute(toBob.verb, toBob.data, choice.activityId);
    await w.settle();
    expect(received(w, MARIA.phone).filter((t) => t === 'It arrives on Monday.')).toHaveLength(1);
    expect(received(w, BOB.phone)).not.toContain('It arrives on Monday.');

    // Now Bob writes in turn: Maria is current, Bob's words arrived since.
    w.product.sandbox.phone(BOB.phone).sendText('Can I pick it up today?');
    await w.settle();
    await alice.say('Yes, until 6 pm.');
    await w.settle();
    const second = alice.last();
    expect(second.text).toContain('since you last wrote to Maria Silva');
    const titles = executeActions(second.card).map((b) => b.title);
    expect(titles).toEqual(['Send to Maria Silva (current)', 'Send to Bob Brown', "Don't send"]);
    expect(sentTexts(w)).not.toContain('Yes, until 6 pm.');
    const bob = executeActions(second.card).find((b) => b.title === 'Send to Bob Brown')!;
    await alice.execute(bob.verb, bob.data, second.activityId);
    await w.settle();
    expect(received(w, BOB.phone)).toContain('Yes, until 6 pm.');
    expect(received(w, MARIA.phone)).not.toContain('Yes, until 6 pm.');

    // Having chosen, the next words go straight to Bob.
    await alice.say('See you later.');
    await w.settle();
    expect(alice.last().text).toContain('To Bob Brown');
    expect(received(w, BOB.phone)).toContain('See you later.');
  });

  it("sends nothing when the user chooses Don't send", async () => {
    const w = (world = await startTeamsWorld());
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await consentedConversation(w, alice, MARIA);
    await consentedConversation(w, alice, BOB);
    w.product.sandbox.phone(MARIA.phone).sendText('Hello?');
    await w.settle();
    await alice.say('Not for anyone yet.');
    const choice = alice.last();
    const cancel = executeActions(choice.card).find((b) => b.title === "Don't send")!;
    const answer = await alice.execute(cancel.verb, cancel.data, choice.activityId);
    expect(JSON.stringify(TeamsUser.card(answer))).toContain('Not sent. Nothing went to WhatsApp.');
    await w.settle();
    expect(sentTexts(w)).not.toContain('Not for anyone yet.');
  });

  it('sends to the only conversation a user takes part in, naming it; with several, asks', async () => {
    const w = (world = await startTeamsWorld());
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await consentedConversation(w, alice, MARIA);
    // Alice has no current conversation any more (as a colleague just added would not).
    const user = (await w.product.store.getUser(alice.id))!;
    await w.product.store.putUser({ ...user, currentThreadId: undefined });
    await alice.say('Good morning!');
    await w.settle();
    expect(alice.find('Sent to Maria Silva, the only conversation you take part in')).toBeDefined();
    expect(alice.find('To Maria Silva')).toBeDefined();
    expect(received(w, MARIA.phone)).toContain('Good morning!');

    await consentedConversation(w, alice, BOB);
    const again = (await w.product.store.getUser(alice.id))!;
    await w.product.store.putUser({ ...again, currentThreadId: undefined });
    await alice.say('Who gets this?');
    await w.settle();
    expect(alice.last().text).toContain('you take part in several conversations');
    expect(executeActions(alice.last().card).map((b) => b.title)).toEqual(
      expect.arrayContaining(['Send to Maria Silva', 'Send to Bob Brown']),
    );
    expect(sentTexts(w)).not.toContain('Who gets this?');
  });
});
