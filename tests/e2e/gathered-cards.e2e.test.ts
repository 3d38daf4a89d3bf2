/**
 * Gathered cards (issue 11 item 2), as a Teams user sees them: when their chat is at Teams'
 * limits (scaled down here), a contact's messages that wait for a slot arrive together in one
 * card, each with its own words, time, Reply and Info; across everything the chat shows, every
 * message is there exactly once and in the order it was written, and no window of Teams'
 * limits is exceeded as the connector counts arrivals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeActions, textOf } from './support/bot-connector.js';
import { TeamsUser } from './support/teams-client.js';
import { createSandboxClock } from '../../bot/src/sandbox/clock.js';
import { startTeamsWorld, type TeamsWorld } from './support/teams-product.js';
import { busiest } from '../support/busiest.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const CHAT = [
  { max: 7, perMs: 1_000 },
  { max: 8, perMs: 2_000 },
  { max: 12, perMs: 4_000 },
];
const TENANT = [{ max: 30, perMs: 1_000 }];

/** Where each text appears across the chat as it reads now: [card index, place in the card]. */
function placesOf(cardTexts: readonly string[], text: string): [number, number][] {
  const places: [number, number][] = [];
  cardTexts.forEach((t, card) => {
    let from = 0;
    for (;;) {
      const at = t.indexOf(text, from);
      if (at < 0) break;
      places.push([card, at]);
      from = at + text.length;
    }
  });
  return places;
}

describe('gathered cards: a chat at Teams limits', () => {
  it('shows a burst from three contacts once each, in order, several to a card, within every window', async () => {
    const w = await startTeamsWorld({ conversationWindows: CHAT, tenantWindows: TENANT });
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    const before = w.connector.calls.length;

    const contacts = ['447700900301', '447700900302', '447700900303'];
    const written: string[] = [];
    for (let i = 1; i <= 12; i++)
      for (const [c, phone] of contacts.entries()) {
        const text = `Parcel ${c + 1}-${String(i).padStart(2, '0')} is late`;
        written.push(text);
        w.product.sandbox.phone(phone).sendText(text);
      }
    await w.settle();

    const cards = alice.messages().slice(0);
    const texts = cards.map((m) => m.text);
    // Exactly once each, across every card the chat shows.
    for (const text of written) expect(placesOf(texts, text), text).toHaveLength(1);
    // In the order each contact wrote them.
    for (const c of [1, 2, 3]) {
      const mine = written.filter((t) => t.startsWith(`Parcel ${c}-`));
      const places = mine.map((t) => placesOf(texts, t)[0] as [number, number]);
      for (let i = 1; i < places.length; i++) {
        const [card, at] = places[i] as [number, number];
        const [pCard, pAt] = places[i - 1] as [number, number];
        expect(card > pCard || (card === pCard && at > pAt), mine[i]).toBe(true);
      }
    }
    // Each contact started a conversation: the card carrying their first message says so,
    // above it, once; no card of its own for that.
    const started = 'has started a new WhatsApp conversation with you.';
    expect(placesOf(texts, started)).toHaveLength(contacts.length);
    for (const c of [1, 2, 3]) {
      const [card, at] = placesOf(texts, `Parcel ${c}-01 is late`)[0]!;
      const said = placesOf([texts[card]!], started).map(([, p]) => p);
      expect(
        said.some((p) => p < at),
        `contact ${c}`,
      ).toBe(true);
    }
    const saying = cards.filter((m) => m.text.includes(started));
    expect(saying.every((m) => /Parcel \d-\d\d is late/.test(m.text))).toBe(true);
    // Drawn again (Info on it brings the card back), it still says so: the message keeps it.
    const first = cards[placesOf(texts, 'Parcel 1-01 is late')[0]![0]]!;
    const again = executeActions(first.card).find((a) => a.verb === 'info')!;
    const redrawn = textOf(
      TeamsUser.card(await alice.execute('info', again.data, first.activityId)),
    );
    expect(redrawn).toContain(started);
    expect(redrawn.indexOf(started)).toBeLessThan(redrawn.indexOf('Parcel 1-01 is late'));
    // Gathered: fewer cards than messages, and a gathered card reads as one.
    const gathered = cards.filter((m) => /\d+ messages from /.test(m.text));
    expect(gathered.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThan(written.length + 1);
    const one = gathered[0]!;
    expect(one.text).toContain('Teams limits how fast an app may post in your chat');
    const actions = executeActions(one.card);
    const count = Number(/(\d+) messages from/.exec(one.text)![1]);
    // Each message its own Reply and Info.
    expect(actions.filter((a) => a.verb === 'reply')).toHaveLength(count);
    expect(actions.filter((a) => a.verb === 'info')).toHaveLength(count);
    expect(
      new Set(actions.filter((a) => a.verb === 'info').map((a) => a.data.messageId)).size,
    ).toBe(count);

    // A button on it (Info of its second message) brings the whole card back, none missing.
    const info = actions.filter((a) => a.verb === 'info')[1]!;
    const back = TeamsUser.card(await alice.execute('info', info.data, one.activityId));
    for (const text of written.filter((t) => one.text.includes(t)))
      expect(textOf(back), text).toContain(text);

    // Every window held, as the connector counts every call (posts and updates).
    const proactive = w.connector.calls.slice(before);
    for (const window of [...CHAT, ...TENANT])
      expect(
        busiest(
          proactive.map((c) => c.at),
          window.perMs,
        ),
        `${window.max}/${window.perMs} ms`,
      ).toBeLessThanOrEqual(window.max);
    expect(await w.product.store.countPendingEffects()).toBe(0);
  }, 60_000);

  it('at the hourly limit (scaled), a summary stands in with Open per conversation, and every message still shows once, in order', async () => {
    // The fourth window is the chat's hourly one (1,800 an hour), scaled to 10 per 6 s.
    const HOURLY = [...CHAT, { max: 10, perMs: 6_000 }];
    // A running clock: cards waiting for the "hour" go back to the outbox until it allows them.
    const w = await startTeamsWorld({
      conversationWindows: HOURLY,
      tenantWindows: TENANT,
      clock: createSandboxClock(),
    });
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();
    const before = w.connector.calls.length;

    // 16 messages from 8 new contacts (each first one saying the contact started the
    // conversation), the second of each once the first is shown: more cards than the hour
    // holds. (Written all at once, each contact's two would go on one card: 8 cards, which
    // the hour holds, and no summary is needed.)
    const contacts = Array.from(
      { length: 8 },
      (_, i) => `4477009004${String(i + 1).padStart(2, '0')}`,
    );
    const written: string[] = [];
    for (let i = 1; i <= 2; i++) {
      const wave: string[] = [];
      for (const [c, phone] of contacts.entries()) {
        const text = `Refund ${c + 1}-${i} please`;
        written.push(text);
        wave.push(text);
        w.product.sandbox.phone(phone).sendText(text);
      }
      if (i === 2) break;
      const shownAll = () => {
        const shown = alice.messages().map((m) => m.text);
        return wave.every((t) => shown.some((s) => s.includes(t)));
      };
      for (let n = 0; n < 400 && !shownAll(); n++) await new Promise((r) => setTimeout(r, 25));
      expect(shownAll(), 'the first message of each contact shown').toBe(true);
    }

    // Wait for the summary to stand in.
    let summary: ReturnType<typeof alice.messages>[number] | undefined;
    for (let i = 0; i < 400 && !summary; i++) {
      await new Promise((r) => setTimeout(r, 25));
      summary = alice.messages().find((m) => /new messages? from \d+ contacts?/.test(m.text));
    }
    expect(summary, 'a summary card').toBeDefined();
    const title = /(\d+) new messages? from (\d+) contacts?/.exec(summary!.text)!;
    expect(summary!.text).toContain("reached Teams' limit of messages an app may post in an hour");
    const opens = executeActions(summary!.card).filter((a) => a.verb === 'gather.open');
    expect(opens.length).toBe(Number(title[2]));
    expect(opens.every((o) => o.title === 'Open')).toBe(true);
    // Each line names a contact and how many of theirs wait.
    expect(summary!.text).toMatch(/Contact 04\d\d: \d+ new messages?/);

    // A conversation not hers: Open finds nothing, and shows nothing of it.
    const foreign = await alice.execute(
      'gather.open',
      { threadId: 'no-such-thread' },
      summary!.activityId,
    );
    expect(textOf(TeamsUser.card(foreign))).toContain('no longer exists');

    // Open one: the card shows its waiting messages, each with Reply and Info, above the rest.
    const open = opens[0]!;
    const answer = TeamsUser.card(
      await alice.execute('gather.open', open.data, summary!.activityId),
    );
    const shownOnOpen = written.filter((t) => textOf(answer).includes(t));
    expect(shownOnOpen.length).toBeGreaterThan(0);
    const contactNo = shownOnOpen[0]!.split(' ')[1]!.split('-')[0];
    expect(shownOnOpen.every((t) => t.startsWith(`Refund ${contactNo}-`))).toBe(true);
    expect(executeActions(answer).filter((a) => a.verb === 'info')).toHaveLength(
      shownOnOpen.length,
    );
    // The others that wait now still listed (more may wait than when the summary was posted:
    // a contact's second message can arrive after it), the opened one not.
    const still = executeActions(answer).filter((a) => a.verb === 'gather.open');
    expect(still.length).toBeLessThanOrEqual(contacts.length - 1);
    expect(still.map((a) => a.data.threadId)).not.toContain(open.data.threadId);

    await w.settle();
    // The chat as it reads now: every card as last posted or updated, the summary as Open left it.
    const texts = alice
      .messages()
      .map((m) => (m.activityId === summary!.activityId ? textOf(answer) : m.text));
    for (const text of written) expect(placesOf(texts, text), text).toHaveLength(1);
    for (const c of contacts.keys()) {
      const mine = written.filter((t) => t.startsWith(`Refund ${c + 1}-`));
      const places = mine.map((t) => placesOf(texts, t)[0] as [number, number]);
      for (let i = 1; i < places.length; i++) {
        const [card, at] = places[i] as [number, number];
        const [pCard, pAt] = places[i - 1] as [number, number];
        expect(card > pCard || (card === pCard && at > pAt), mine[i]).toBe(true);
      }
    }
    const proactive = w.connector.calls.slice(before);
    for (const window of [...HOURLY, ...TENANT])
      expect(
        busiest(
          proactive.map((c) => c.at),
          window.perMs,
        ),
        `${window.max}/${window.perMs} ms`,
      ).toBeLessThanOrEqual(window.max);
    expect(await w.product.store.countPendingEffects()).toBe(0);
  }, 90_000);
});
