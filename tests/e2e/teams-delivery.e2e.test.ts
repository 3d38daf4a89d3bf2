/**
 * Proactive messages when Teams pushes back: 429 and 502 from the Bot Connector are tried
 * again (after Retry-After), and a user the bot cannot reach is skipped without holding up
 * anyone else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeActions } from './support/bot-connector.js';
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

describe('proactive delivery to Teams', () => {
  it("tries again after Teams' 429 (Retry-After) and 502, and shows the contact's message once", async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await consentedConversation(w, alice);

    w.connector.failNext(429, { retryAfter: '0' });
    w.product.sandbox.phone(PHONE).sendText('Are you there?');
    await w.settle();
    expect(alice.messages().filter((m) => m.text.includes('Are you there?'))).toHaveLength(1);

    // No Retry-After: the outbox's own backoff, a second or so later (the clock is the sandbox's).
    const failedBefore = w.connector.calls.length;
    w.connector.failNext(502);
    w.product.sandbox.phone(PHONE).sendText('Hello again?');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alice.find('Hello again?')).toBeUndefined();
    w.product.sandbox.clock.advance(60_000);
    await w.settle();
    expect(alice.messages().filter((m) => m.text.includes('Hello again?'))).toHaveLength(1);
    expect(w.connector.calls.length).toBeGreaterThan(failedBefore);
  });

  it('skips a participant who never opened the bot, and still tells the others', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    // Dan was enabled by an admin but has never talked to the bot: no conversation reference.
    await w.product.store.putUser({
      id: 'aad-dan',
      tenantId: alice.tenantId,
      name: 'Dan Dunn',
      locale: 'en-US',
      enabled: true,
      subOrganisation: 'default',
    });
    await alice.say('add contact Maria Silva +447700900123');
    await alice.say('new Maria');
    const optIn = alice.last();
    await alice.execute(
      'optin.confirm',
      executeActions(optIn.card).find((a) => a.verb === 'optin.confirm')!.data,
      optIn.activityId,
    );
    const threadId = (await w.product.store.getUser(alice.id))!.currentThreadId!;
    await alice.execute('participant.add', { threadId, userId: 'aad-dan' });
    await w.settle();
    expect(alice.find('You have added Dan Dunn')).toBeDefined();
    expect(await w.product.store.countPendingEffects()).toBe(0);
  });
});
