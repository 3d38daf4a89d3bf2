/**
 * Delivery under load, as a Teams user sees it: a burst of contacts writing at once all reach
 * the user's chat, each message once, while no window of Teams' limits is exceeded (scaled
 * down here), and Teams' own 429s are waited out without giving anything up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTeamsWorld, type TeamsWorld } from './support/teams-product.js';
import { busiest } from '../support/busiest.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** Teams' per-chat windows, scaled down so a burst reaches the longer ones within seconds. */
const CHAT = [
  { max: 7, perMs: 1_000 },
  { max: 8, perMs: 2_000 },
  { max: 12, perMs: 4_000 },
];
const TENANT = [{ max: 30, perMs: 1_000 }];

describe('a burst of contacts writing to one Teams user', () => {
  it('shows every message exactly once, and keeps every window of Teams limits', async () => {
    const w = await startTeamsWorld({ conversationWindows: CHAT, tenantWindows: TENANT });
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    const before = w.connector.calls.length;

    const contacts = Array.from({ length: 12 }, (_, i) => `4477009${String(i).padStart(5, '0')}`);
    for (const [i, phone] of contacts.entries())
      w.product.sandbox.phone(phone).sendText(`Order ${i + 1}: where is my parcel?`);
    await w.settle();

    for (let i = 1; i <= contacts.length; i++) {
      const shown = alice.messages().filter((m) => m.text.includes(`Order ${i}:`));
      expect(shown, `order ${i}`).toHaveLength(1);
      // The card itself says the contact started the conversation: no notice of its own.
      expect(shown[0]!.text, `order ${i}`).toMatch(
        /Contact \d+ has started a new WhatsApp conversation with you\.[\s\S]*Order \d+:/,
      );
    }
    const proactive = w.connector.calls.slice(before);
    // One Teams call per new contact: each a card carrying its message, nothing else.
    expect(proactive).toHaveLength(contacts.length);
    expect(proactive.every((c) => c.method === 'POST')).toBe(true);
    expect(
      alice.messages().filter((m) => m.text.includes('has started a new WhatsApp conversation')),
    ).toHaveLength(contacts.length);
    // Every window holds as the connector counts arrivals, however late a card left after
    // its slot (the connector pace counts calls until they are answered).
    for (const window of [...CHAT, ...TENANT])
      expect(
        busiest(
          proactive.map((c) => c.at),
          window.perMs,
        ),
        `${window.max}/${window.perMs} ms`,
      ).toBeLessThanOrEqual(window.max);
    // Without slots they would all arrive at once.
    expect(
      busiest(
        proactive.map((c) => c.at),
        1_000,
      ),
    ).toBeLessThan(contacts.length);
    // Nothing was given up: no effect is left, none failed.
    expect(await w.product.store.countPendingEffects()).toBe(0);
  }, 30_000);

  it("posts a colleague's welcome within the tenant's window while a burst is being shown", async () => {
    const TIGHT = [{ max: 3, perMs: 1_000 }];
    const w = await startTeamsWorld({ conversationWindows: CHAT, tenantWindows: TIGHT });
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    const before = w.connector.calls.length;
    for (let i = 0; i < 6; i++)
      w.product.sandbox.phone(`44770091${String(i).padStart(4, '0')}`).sendText(`Parcel ${i + 1}?`);
    // Bob installs the app right after the tenant's second filled up with Alice's cards.
    while (alice.messages().filter((m) => m.text.includes('Parcel')).length < 3)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const bob = w.user({ id: 'aad-bob', name: 'Bob Brown' });
    await bob.install();
    await w.settle();

    expect(bob.texts().join('\n')).toContain('Write a message here and it goes to the WhatsApp');
    expect(alice.messages().filter((m) => m.text.includes('Parcel'))).toHaveLength(6);
    // His welcome is one of the tenant's calls like any card: it waited, no second has four.
    const calls = w.connector.calls.slice(before);
    const welcome = calls.find((c) => c.conversationId.includes('aad-bob'))!;
    expect(welcome.at - calls[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(
      busiest(
        calls.map((c) => c.at),
        1_000,
      ),
    ).toBeLessThanOrEqual(3);
  }, 30_000);

  it("waits out Teams' own 429s without counting them, however many", async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    // More 429s in a row than the outbox's attempts: each is a wait, not an attempt.
    w.connector.failNext(429, { times: 12, retryAfter: '0' });
    w.product.sandbox.phone('447700900999').sendText('Still there?');
    await w.settle();
    expect(alice.messages().filter((m) => m.text.includes('Still there?'))).toHaveLength(1);
  });
});
