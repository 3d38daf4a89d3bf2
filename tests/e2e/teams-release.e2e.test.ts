/**
 * Issue 10 item 3, "every outcome said where the user is looking", end to end: the real
 * server on a loopback port, the sandbox as WhatsApp, a recording Bot Connector as Teams.
 * - The contact consents (or resumes) and what was held goes out: each participant reads
 *   how many messages went, in their language.
 * - A failed message shows it once, on its own card, with Send again; sending again delivers
 *   it, once however often the button is pressed.
 * - The conversation card no longer says "Waiting for consent" once the contact agreed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeActions, textOf } from './support/bot-connector.js';
import { TeamsUser } from './support/teams-client.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';

const MARIA = { name: 'Maria Silva', phone: '447700900123' };
const JONAS = { name: 'Jonas Weber', phone: '4915112345678' };

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** Adds the contact, `new`, confirms the opt-in on the card: the conversation awaits consent. */
async function awaitingConsent(
  w: TeamsWorld,
  user: TeamsUser,
  contact: { name: string; phone: string },
): Promise<{ threadId: string; answer: Record<string, unknown>; cardId: string }> {
  await user.say(`add contact ${contact.name} +${contact.phone}`);
  await user.say(`new ${contact.name}`);
  const optIn = user.last();
  const answer = await user.execute(
    'optin.confirm',
    executeActions(optIn.card).find((a) => a.verb === 'optin.confirm')!.data,
    optIn.activityId,
  );
  await w.settle();
  const threadId = (await w.product.store.getUser(user.id))!.currentThreadId!;
  return { threadId, answer: TeamsUser.card(answer), cardId: optIn.activityId };
}

describe('held messages released, said with their count', () => {
  it('tells the user how many pending messages go out when the contact agrees, in English and in German', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    const dieter = w.user({ id: 'aad-dieter', name: 'Dieter Braun', locale: 'de-DE' });
    await alice.install();
    await dieter.install();
    await awaitingConsent(w, alice, MARIA);
    await awaitingConsent(w, dieter, JONAS);
    for (const text of ['Hello Maria', 'Your order is ready', 'It ships tomorrow']) {
      await alice.say(text);
    }
    await dieter.say('Guten Tag, Ihre Bestellung ist da');
    await w.settle();
    const maria = w.product.sandbox.phone(MARIA.phone);
    const jonas = w.product.sandbox.phone(JONAS.phone);
    expect(maria.received().filter((m) => m.text === 'Hello Maria')).toHaveLength(0);

    maria.tapButton('wa4t:consent');
    jonas.tapButton('wa4t:consent');
    await w.settle();

    expect(alice.find('agreed to receive messages')?.text, alice.texts().join('\n')).toContain(
      'Maria Silva agreed to receive messages: 3 pending messages are being sent.',
    );
    expect(dieter.find('hat zugestimmt')?.text, dieter.texts().join('\n')).toContain(
      'Jonas Weber hat zugestimmt, Nachrichten zu erhalten: 1 ausstehende Nachricht wird jetzt gesendet.',
    );
    // Not the "you can start" notice as well: the messages are the news.
    expect(alice.find('You can start the conversation')).toBeUndefined();
    // And they did go out, in order, and their cards moved on from pending.
    const texts = maria.received().map((m) => m.text);
    expect(texts.filter((t) => t !== undefined && /Maria|order|ships/.test(t))).toEqual([
      'Hello Maria',
      'Your order is ready',
      'It ships tomorrow',
    ]);
    expect(alice.find('It ships tomorrow')!.text).not.toContain('Pending');
  });

  it('keeps the seed\'s "you can start" notice when nothing was held', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    await consentedConversation(w, alice, MARIA);
    expect(alice.find('Maria Silva has opted in. You can start the conversation.')).toBeDefined();
    expect(alice.find('pending message')).toBeUndefined();
  });
});

describe('a failed message', () => {
  it('shows the failure once, on its card, and Send again delivers it as a new message, once', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    await consentedConversation(w, alice, MARIA);
    const maria = w.product.sandbox.phone(MARIA.phone);
    maria.failNextDelivery(131026);
    const before = alice.messages().length;
    await alice.say('Your parcel is on its way');
    await w.settle();

    // One card: the message itself, failed with the reason and Send again. No notice besides.
    const after = alice.messages().slice(before);
    expect(
      after.map((m) => m.text).filter((t) => /not delivered|Not delivered/.test(t)),
    ).toHaveLength(1);
    const failedCard = alice.find('Your parcel is on its way')!;
    expect(failedCard.text).toContain('Not delivered');
    expect(failedCard.text).toMatch(/WhatsApp|deliver/);
    const again = executeActions(failedCard.card).find((a) => a.verb === 'message.send_again');
    expect(again?.title).toBe('Send again');
    expect(maria.received().filter((m) => m.text === 'Your parcel is on its way')).toHaveLength(0);

    const answer = TeamsUser.card(
      await alice.execute('message.send_again', again!.data, failedCard.activityId),
    );
    await w.settle();
    expect(textOf(answer)).toContain('Sent again as a new message.');
    expect(executeActions(answer).map((a) => a.verb)).not.toContain('message.send_again');
    expect(maria.received().filter((m) => m.text === 'Your parcel is on its way')).toHaveLength(1);
    // The new attempt has its own card, delivered; the failed one kept its place, updated.
    const cards = alice.messages().filter((m) => m.text.includes('Your parcel is on its way'));
    expect(cards).toHaveLength(2);
    expect(cards[1]!.text).toMatch(/Delivered|Read/);
    expect(cards[0]!.text).toContain('Sent again as a new message.');

    // Pressed again (a double click, a stale card): nothing more goes out.
    const second = TeamsUser.card(
      await alice.execute('message.send_again', again!.data, failedCard.activityId),
    );
    await w.settle();
    expect(textOf(second)).toContain('already sent again');
    expect(maria.received().filter((m) => m.text === 'Your parcel is on its way')).toHaveLength(1);
    expect(
      alice.messages().filter((m) => m.text.includes('Your parcel is on its way')),
    ).toHaveLength(2);
  });

  it('sends again into a closed window through "Resume conversation", and out once the contact resumes', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    await consentedConversation(w, alice, MARIA);
    const maria = w.product.sandbox.phone(MARIA.phone);
    maria.failNextDelivery(131026);
    await alice.say('Your invoice is attached');
    await w.settle();
    const failedCard = alice.find('Your invoice is attached')!;
    const again = executeActions(failedCard.card).find((a) => a.verb === 'message.send_again')!;

    w.product.sandbox.clock.advance(25 * 60 * 60 * 1000);
    await alice.execute('message.send_again', again.data, failedCard.activityId);
    await w.settle();
    expect(maria.received().filter((m) => m.text === 'Your invoice is attached')).toHaveLength(0);
    expect(alice.find('paused')).toBeDefined();

    maria.tapButton('wa4t:resume');
    await w.settle();
    expect(maria.received().filter((m) => m.text === 'Your invoice is attached')).toHaveLength(1);
    expect(alice.find('resumed the conversation')?.text).toContain(
      'Maria Silva resumed the conversation: 1 pending message is being sent.',
    );
  });
});

describe('the conversation card', () => {
  it('no longer says "Waiting for consent" after consent: Teams refreshes it with the current state', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    const { threadId, answer, cardId } = await awaitingConsent(w, alice, MARIA);
    expect(textOf(answer)).toContain('Waiting for consent');
    // The card asks Teams to refresh it for Alice (her Teams id) when she sees it.
    expect(answer.refresh).toMatchObject({
      action: { type: 'Action.Execute', verb: 'thread.refresh', data: { threadId } },
      userIds: ['29:aad-alice'],
    });

    // `info` shows the same state, on a card of its own; `threads` lists it.
    await alice.say('info');
    const infoCard = alice.last();
    expect(infoCard.text).toContain('Waiting for consent');
    await alice.say('threads');
    const list = alice.last();
    expect(list.text).toContain('Waiting for consent');
    expect(list.card.refresh).toMatchObject({
      action: { type: 'Action.Execute', verb: 'threads.refresh' },
      userIds: ['29:aad-alice'],
    });

    w.product.sandbox.phone(MARIA.phone).tapButton('wa4t:consent');
    await w.settle();

    // Both cards were updated in place in Alice's chat: the opt-in card (which the
    // confirmation turned into the conversation card) and the `info` card.
    for (const id of [cardId, infoCard.activityId]) {
      const shown = alice.messages().find((m) => m.activityId === id)!;
      expect(shown.updates).toBeGreaterThan(0);
      expect(shown.text).toContain('Active');
      expect(shown.text).not.toContain('Waiting for consent');
    }

    // Teams also sends the card's refresh action as it shows the card again.
    const refreshed = TeamsUser.card(await alice.execute('thread.refresh', { threadId }, cardId));
    expect(textOf(refreshed)).not.toContain('Waiting for consent');
    expect(textOf(refreshed)).toContain('Active');
    expect(refreshed.refresh).toBeDefined();
    const relisted = TeamsUser.card(await alice.execute('threads.refresh', {}, list.activityId));
    expect(textOf(relisted)).toContain('Maria Silva');
    expect(textOf(relisted)).not.toContain('Waiting for consent');
  });

  it("answers a refresh of someone else's conversation with the same not-found as everything else", async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    const ben = w.user({ id: 'aad-ben', name: 'Ben Brown' });
    const eve = w.user({ id: 'aad-eve', name: 'Eve Evans', tenantId: 'tenant-fabrikam' });
    for (const u of [alice, ben, eve]) await u.install();
    const { threadId, cardId } = await awaitingConsent(w, alice, MARIA);
    for (const prober of [ben, eve]) {
      for (const onCard of [undefined, cardId]) {
        const card = TeamsUser.card(await prober.execute('thread.refresh', { threadId }, onCard));
        expect(textOf(card)).toContain('That conversation or message no longer exists.');
        expect(textOf(card)).not.toMatch(/Maria|Silva|900123|consent/);
        expect(card.refresh).toBeUndefined();
      }
    }
    // And their refreshes kept nothing: the state change updates only Alice's card.
    w.product.sandbox.phone(MARIA.phone).tapButton('wa4t:consent');
    await w.settle();
    for (const prober of [ben, eve])
      expect(prober.texts().join('\n')).not.toMatch(/Maria|Silva|Active/);
  });
});
