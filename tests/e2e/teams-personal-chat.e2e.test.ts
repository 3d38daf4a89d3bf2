/**
 * The bot in a user's personal chat, driven the way Teams drives it: activities and invokes
 * POSTed to /api/messages, answers read from a recording Bot Connector, the sandbox playing
 * WhatsApp and the contact's phone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeActions } from './support/bot-connector.js';
import { TeamsUser } from './support/teams-client.js';
import { startTeamsWorld, type TeamsWorld } from './support/teams-product.js';

const PHONE = '447700900123';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function start(options: Parameters<typeof startTeamsWorld>[0] = {}): Promise<TeamsWorld> {
  world = await startTeamsWorld(options);
  return world;
}

/** Alice adds Maria, starts a conversation and confirms the opt-in; returns the thread id. */
async function aliceStartsWithMaria(w: TeamsWorld, alice: TeamsUser): Promise<string> {
  await alice.say('add contact Maria Silva +44 7700 900123');
  await alice.say('new Maria');
  const optIn = alice.last();
  expect(optIn.text).toContain('Ask Maria Silva for consent?');
  const confirm = executeActions(optIn.card).find((a) => a.verb === 'optin.confirm')!;
  const answer = await alice.execute('optin.confirm', confirm.data, optIn.activityId);
  expect(TeamsUser.card(answer)).toBeDefined();
  await w.settle();
  const threadId = (await w.product.store.getUser(alice.id))!.currentThreadId!;
  expect(threadId).toBeDefined();
  return threadId;
}

describe('the bot in personal chat', () => {
  it('greets a user who installs it with what they can do', async () => {
    const w = await start();
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    expect(await alice.install()).toBe(200);
    expect(alice.last().text).toContain('WhatsApp for Teams');
    expect(alice.last().text).toContain('add contact <name> <number>');
    const stored = await w.product.store.getUser(alice.id);
    expect(stored).toMatchObject({
      name: 'Alice Adams',
      locale: 'en-US',
      enabled: true,
      tenantId: 'tenant-contoso',
    });
    expect(stored!.conversationReference).toMatchObject({
      conversation: { id: alice.conversationId },
      serviceUrl: w.connector.url,
    });
  });

  it('handles an activity Teams sends again (same id) only once', async () => {
    const w = await start();
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.say('add contact Maria Silva +447700900123', [], { id: 'repeated-1' });
    await alice.say('add contact Maria Silva +447700900123', [], { id: 'repeated-1' });
    expect(alice.messages()).toHaveLength(1);
    const answer = await alice.execute('contacts.list', {}, undefined, { id: 'repeated-2' });
    const again = await alice.execute('contacts.list', {}, undefined, { id: 'repeated-2' });
    expect(answer.body).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
    expect(again.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
    });
    expect(alice.messages()).toHaveLength(2);
  });

  it('tells someone with no conversation yet where a typed message could go, instead of sending it', async () => {
    const w = await start();
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.say('Hello, is anyone there?');
    expect(alice.last().text).toContain("haven't picked a WhatsApp conversation");
    expect(w.product.sandbox.sent()).toHaveLength(0);
  });

  it('carries a conversation from new to consent, with the status card updated in place, and replies from the inbound card', async () => {
    const w = await start();
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await aliceStartsWithMaria(w, alice);
    expect(alice.find('asked Maria Silva for consent')).toBeDefined();

    // Written while awaiting consent: pending, and the answer names the recipient.
    await alice.say('Your order has shipped.');
    const status = alice.last();
    expect(status.text).toContain('To Maria Silva');
    expect(status.text).toContain('+447700900123');
    expect(status.text).toContain('Pending');
    await w.settle();
    expect(
      w.product.sandbox
        .phone(PHONE)
        .received()
        .map((m) => m.text),
    ).not.toContain('Your order has shipped.');

    // Maria has the chat open: what arrives is read (the sandbox reads only what is on screen).
    w.product.sandbox.phone(PHONE).openChat().tapButton('Agree');
    await w.settle();
    expect(
      w.product.sandbox
        .phone(PHONE)
        .received()
        .map((m) => m.text),
    ).toContain('Your order has shipped.');
    // The same card, updated in place: never a new card per status, never going backwards,
    // ending on Read. (Receipts that arrive together, as the sandbox sends them, may be
    // shown in one update: the card always shows the message's latest status.)
    const updates = w.connector.updatesOf(status.activityId);
    const statuses = updates.map(
      (u) => /(Sent|Delivered|Read) ·/.exec(JSON.stringify(u.activity))?.[1],
    );
    const rank = (s: string | undefined) => ['Sent', 'Delivered', 'Read'].indexOf(s ?? '');
    expect(statuses.at(-1)).toBe('Read');
    expect(statuses.map(rank).every((r, i, all) => r >= 0 && (i === 0 || r >= all[i - 1]!))).toBe(
      true,
    );
    expect(alice.messages().filter((m) => m.text.includes('Your order has shipped.'))).toHaveLength(
      1,
    );

    // The contact writes: a card naming the contact and the thread, with Reply and the group actions.
    w.product.sandbox.phone(PHONE).sendText('Great, thanks! When will it arrive?');
    await w.settle();
    const inbound = alice.find('When will it arrive?')!;
    expect(inbound.text).toContain('Maria Silva');
    expect(inbound.text).toContain('WhatsApp · +447700900123');
    expect(executeActions(inbound.card).map((a) => a.verb)).toEqual(
      expect.arrayContaining([
        'reply',
        'info',
        'participant.add.pick',
        'participant.remove.pick',
        'transfer.pick',
        'leave.ask',
      ]),
    );

    const reply = executeActions(inbound.card).find((a) => a.verb === 'reply')!;
    const refreshed = TeamsUser.card(
      await alice.execute(
        'reply',
        { ...reply.data, replyText: 'Tomorrow before noon.' },
        inbound.activityId,
      ),
    );
    expect(JSON.stringify(refreshed)).toContain('You replied');
    expect(JSON.stringify(refreshed)).toContain('Tomorrow before noon.');
    expect(JSON.stringify(refreshed)).toContain('When will it arrive?');
    await w.settle();
    expect(w.product.sandbox.phone(PHONE).received().at(-1)!.text).toBe('Tomorrow before noon.');
    const replyCard = alice.find(/To Maria Silva.*Tomorrow before noon\./)!;
    expect(replyCard.text).toContain('Read');

    // Info: the time of each status, posted below the card.
    const info = executeActions(replyCard.card).find((a) => a.verb === 'info')!;
    await alice.execute('info', info.data, replyCard.activityId);
    expect(alice.last().text).toMatch(/Message info.*Pending.*Sent.*Delivered.*Read/);
  });

  it('answers every command', async () => {
    const w = await start();
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.say('HELP');
    expect(alice.last().text).toContain('threads');
    await alice.say('add contact Bob');
    expect(alice.last().text).toContain('type add contact followed by their name');
    await alice.say('add contact Bob Brown +1 202 555 0147');
    expect(alice.last().text).toContain('Bob Brown (+12025550147) is now in your contacts');
    await alice.say('contacts');
    expect(alice.last().text).toContain('Bob Brown');
    // Carol is no contact: "new Carol" could be words for a customer, so the bot asks.
    await alice.say('new Carol');
    expect(alice.last().text).toContain('Is “new Carol” a message or the command new?');
    await alice.say('/new Carol');
    expect(alice.last().text).toContain('None of your contacts matches "Carol"');
    await alice.say('new +44 20 7946 0000');
    expect(alice.last().text).toContain('+442079460000 is not in your contacts yet');
    await alice.say('open Bob');
    expect(alice.last().text).toContain('You have no conversation with Bob Brown yet');
    await alice.say('threads');
    expect(alice.last().text).toContain('You have no WhatsApp conversations yet');
    await alice.say('info');
    expect(alice.last().text).toContain("haven't picked a WhatsApp conversation");

    await aliceStartsWithMaria(w, alice);
    await alice.say('info');
    expect(alice.last().text).toMatch(
      /Conversation with Maria Silva.*Waiting for consent.*Alice Adams/,
    );
    await alice.say('threads');
    expect(alice.last().text).toContain('Maria Silva');
    await alice.say('new Maria');
    expect(alice.last().text).toContain('What you write here now goes to Maria Silva.');
  });

  it('answers a card submission that fails its schema with a clear error, not a crash', async () => {
    const w = await start();
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    const answer = await alice.execute('contact.add', { contactName: 'Zed', contactPhone: '12' });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(TeamsUser.card(answer))).toContain('That is not a WhatsApp number');
    const unknown = await alice.execute('no.such.verb', {});
    expect(JSON.stringify(TeamsUser.card(unknown))).toContain(
      "the card sent something we couldn't read",
    );
    const missing = await alice.execute('reply', { threadId: 'nope' });
    expect(missing.status).toBe(200);
  });

  it('shows someone who is not enabled why, instead of an error', async () => {
    const w = await start({ enablement: 'admin' });
    const olga = w.user({ id: 'aad-olga', name: 'Olga Ortiz', locale: 'fr-FR' });
    await olga.say('help');
    expect(olga.last().text).toContain("Votre organisation n'a pas activé");
    await w.product.store.putOrganisation({
      tenantId: 'tenant-contoso',
      name: 'Contoso',
      enabled: true,
      businessNumbers: [],
      maxParticipants: 8,
      contactLocale: 'en',
    });
    await olga.say('help');
    expect(olga.last().text).toContain("n'est pas activée pour votre compte");
    expect((await w.product.store.getUser(olga.id))!.enabled).toBe(false);
  });
});
