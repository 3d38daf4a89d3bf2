/**
 * reply (issue 10 items 1 and 4), driven as Teams drives the bot (recording Bot Connector),
 * with the sandbox as WhatsApp and the contacts' phones, on a real server on loopback:
 * - "arrived since" survives a restart: two contacts writing in turn while the user types,
 *   with the server restarted in between, still get the choice card, and nothing goes to the
 *   wrong one;
 * - Reply on a notice card makes that conversation the current one; someone else's thread id
 *   reads exactly like one that does not exist;
 * - a number already in the contacts under another name asks (rename or keep both) in the
 *   chat and in the compose extension, and nothing changes until the user chooses; keep both
 *   keeps one contact shown by its name, found by the user's searches under either name
 *   (keepboth), and by no one else's under the other;
 * - the compose extension refuses what the chat refuses, with the same sentences.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { executeActions, RecordingBotConnector, textOf } from './support/bot-connector.js';
import { TeamsUser } from './support/teams-client.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';
import { twoOrganisations } from './support/two-organisations.js';

const MARIA = { name: 'Maria Silva', phone: '447700900123' };
const BOB = { name: 'Bob Brown', phone: '12025550147' };
const ALICE = { id: 'aad-alice', name: 'Alice Adams' };

const root = mkdtempSync(join(tmpdir(), 'wa-reply-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(options: Parameters<typeof startTeamsWorld>[0] = {}): Promise<TeamsWorld> {
  const w = await startTeamsWorld(options);
  cleanups.push(() => w.stop());
  return w;
}

function received(w: TeamsWorld, phone: string): string[] {
  return w.product.sandbox
    .phone(phone)
    .received()
    .map((m) => m.text ?? '');
}

/** How many messages of Alice's conversation with `contact` carry `words`. */
async function wordsIn(w: TeamsWorld, contact: string, words: string): Promise<number> {
  const threads = await w.product.store.listThreadsForUser(ALICE.id);
  const thread = threads.find((t) => t.contact.name === contact)!;
  return (await w.product.store.listMessages(thread.id)).filter((m) => m.body === words).length;
}

function answerText(answer: { body: unknown }): string {
  return textOf(TeamsUser.card(answer as never));
}

interface TaskAnswer {
  task?: { type: string; value: string | { card?: { content?: unknown } } };
}

function dialog(body: unknown): { text: string; card: unknown } {
  const task = (body as TaskAnswer).task;
  if (task?.type !== 'continue' || typeof task.value === 'string')
    throw new Error(`not a dialog: ${JSON.stringify(body)}`);
  return { text: textOf(task.value.card?.content), card: task.value.card?.content };
}

describe('"arrived since" after a restart (issue 10 item 1)', () => {
  it('two contacts writing in turn while the user types, across restarts: the choice card still appears, and nothing goes to the wrong one', async () => {
    const file = join(mkdtempSync(join(root, 'restart-')), 'wa.sqlite');
    const connector = await RecordingBotConnector.start();
    cleanups.push(() => connector.close());
    const run = async () => {
      const store = new SqliteStore(file);
      const w = await startTeamsWorld({ store, connector });
      return {
        w,
        alice: w.user(ALICE),
        stop: async () => {
          await w.stop();
          await store.close();
        },
      };
    };

    // First run: Alice talks to Maria and Bob (Bob is current); Maria writes.
    let r = await run();
    await consentedConversation(r.w, r.alice, MARIA);
    await consentedConversation(r.w, r.alice, BOB);
    r.w.product.sandbox.phone(MARIA.phone).sendText('Is my parcel here?');
    await r.w.settle();
    expect(r.alice.find('Is my parcel here?')).toBeDefined();
    await r.stop();

    // The server restarts. Alice types: not sent to Bob, she is asked.
    r = await run();
    cleanups.push(() => r.stop());
    await r.alice.say('It arrives on Monday.');
    await r.w.settle();
    const choice = r.alice.last();
    expect(choice.text).toContain(
      'Nothing has been sent yet: messages about other conversations arrived since you last wrote to Bob Brown.',
    );
    const buttons = executeActions(choice.card);
    expect(buttons.map((b) => b.title)).toEqual([
      'Send to Bob Brown (current)',
      'Send to Maria Silva',
      "Don't send",
    ]);
    expect(received(r.w, BOB.phone)).not.toContain('It arrives on Monday.');
    const toMaria = buttons.find((b) => b.title === 'Send to Maria Silva')!;
    const chosen = await r.alice.execute(toMaria.verb, toMaria.data, choice.activityId);
    expect(answerText(chosen)).toContain('Sent to Maria Silva.');
    await r.w.settle();
    // Written once, to Maria's conversation only. (The sandbox, restarted with the server,
    // forgot Maria's window, so it may hold the words for her Resume: the app's records say
    // where they went.)
    expect(await wordsIn(r.w, MARIA.name, 'It arrives on Monday.')).toBe(1);
    expect(await wordsIn(r.w, BOB.name, 'It arrives on Monday.')).toBe(0);
    expect(received(r.w, BOB.phone)).not.toContain('It arrives on Monday.');

    // Now Bob writes, the server restarts again, and Alice (current: Maria) types.
    r.w.product.sandbox.phone(BOB.phone).sendText('Can I pick it up today?');
    await r.w.settle();
    await r.stop();
    cleanups.pop();
    r = await run();
    cleanups.push(() => r.stop());
    await r.alice.say('Yes, until 6 pm.');
    await r.w.settle();
    const second = r.alice.last();
    expect(second.text).toContain('since you last wrote to Maria Silva');
    expect(executeActions(second.card).map((b) => b.title)).toEqual([
      'Send to Maria Silva (current)',
      'Send to Bob Brown',
      "Don't send",
    ]);
    expect([...received(r.w, MARIA.phone), ...received(r.w, BOB.phone)]).not.toContain(
      'Yes, until 6 pm.',
    );
    const toBob = executeActions(second.card).find((b) => b.title === 'Send to Bob Brown')!;
    await r.alice.execute(toBob.verb, toBob.data, second.activityId);
    await r.w.settle();
    expect(await wordsIn(r.w, BOB.name, 'Yes, until 6 pm.')).toBe(1);
    expect(await wordsIn(r.w, MARIA.name, 'Yes, until 6 pm.')).toBe(0);
    expect(received(r.w, MARIA.phone)).not.toContain('Yes, until 6 pm.');
  });
});

describe('Reply on a notice card (issue 10 item 1)', () => {
  it("makes that conversation the current one: the next typed words go there, not to the other one's", async () => {
    const w = await world();
    const alice = w.user(ALICE);
    await consentedConversation(w, alice, MARIA);
    await consentedConversation(w, alice, BOB);
    // The notice that Maria agreed: a card about Maria's conversation, with Reply.
    const notice = alice
      .messages()
      .find(
        (m) =>
          m.text.includes('Maria Silva') &&
          !m.text.includes('Bob Brown') &&
          executeActions(m.card).some((a) => a.verb === 'thread.reply'),
      );
    expect(notice, alice.texts().join('\n')).toBeDefined();
    const reply = executeActions(notice!.card).find((a) => a.verb === 'thread.reply')!;
    expect(reply.title).toBe('Reply');
    const answer = await alice.execute(reply.verb, reply.data, notice!.activityId);
    const text = answerText(answer);
    expect(text).toContain(
      'Replying to Maria Silva: type your message below. What you write here now goes to Maria Silva.',
    );
    // The notice is still there to read, under the note.
    expect(text).toContain(notice!.text.split('\n').at(-1)!.slice(0, 20));

    await alice.say('Thanks for agreeing!');
    await w.settle();
    expect(alice.last().text).toContain('To Maria Silva');
    expect(received(w, MARIA.phone)).toContain('Thanks for agreeing!');
    expect(received(w, BOB.phone)).not.toContain('Thanks for agreeing!');
  });

  it("someone else's thread id, a colleague's or another organisation's, reads exactly as one that does not exist, and changes nothing", async () => {
    const o = await twoOrganisations();
    cleanups.push(() => o.w.stop());
    for (const prober of [o.ben, o.eve]) {
      const missing = answerText(
        await prober.execute('thread.reply', { threadId: 'no-such-thread' }),
      );
      const forged = answerText(await prober.execute('thread.reply', { threadId: o.threadId }));
      expect(forged).toBe(missing);
      expect(forged).toContain('That conversation or message no longer exists.');
      expect(forged).not.toContain('Maria');
      expect((await o.w.product.store.getUser(prober.id))!.currentThreadId).toBeUndefined();
    }
  });
});

describe('a number already in the contacts under another name (issue 10 item 4)', () => {
  it('in the chat: asks, changes nothing until the choice; Keep both finds her by either name, for Alice only; Rename shows the new name on her next card', async () => {
    const w = await world();
    const alice = w.user(ALICE);
    await consentedConversation(w, alice, MARIA);

    await alice.say('add contact Mary +44 7700 900123');
    const asked = alice.last();
    expect(asked.text).toContain(
      '+447700900123 is already in your contacts as Maria Silva. A number is one WhatsApp chat, so it stays one contact: rename Maria Silva to Mary, or keep both names (Maria Silva shown, Mary saved as another name)? Nothing has changed yet.',
    );
    const buttons = executeActions(asked.card);
    expect(buttons.map((b) => b.title)).toEqual(['Rename to Mary', 'Keep both']);
    // Nothing changed yet: still one contact, still Maria Silva.
    expect((await w.product.store.listAddressBook(alice.id)).map((e) => e.name)).toEqual([
      'Maria Silva',
    ]);

    // The contacts card's add form asks the same.
    const fromCard = answerText(
      await alice.execute('contact.add', { contactName: 'Mary', contactPhone: '+447700900123' }),
    );
    expect(fromCard).toContain('+447700900123 is already in your contacts as Maria Silva.');
    expect((await w.product.store.listAddressBook(alice.id)).map((e) => e.name)).toEqual([
      'Maria Silva',
    ]);

    // A card posted before Keep both existed still answers its "Keep Maria Silva" button.
    const legacy = answerText(
      await alice.execute('contact.duplicate.keep', { contactId: buttons[0]!.data.contactId }),
    );
    expect(legacy).toContain('Nothing changed: +447700900123 stays Maria Silva in your contacts.');
    expect(await w.product.store.listAddressBook(alice.id)).toEqual([
      expect.not.objectContaining({ aliases: expect.anything() }),
    ]);

    // keepboth (issue 10 item 4): Keep both: one contact, shown as Maria Silva, also Mary.
    const both = buttons.find((b) => b.title === 'Keep both')!;
    const kept = answerText(await alice.execute(both.verb, both.data, asked.activityId));
    expect(kept).toContain(
      'Maria Silva stays the name in your contacts and Mary is saved as another name: searching for either finds +447700900123 and its conversation.',
    );
    expect(await w.product.store.listAddressBook(alice.id)).toEqual([
      expect.objectContaining({ name: 'Maria Silva', aliases: ['Mary'] }),
    ]);
    expect(await w.product.store.listThreadsForUser(alice.id)).toHaveLength(1);
    await alice.say('contacts');
    expect(alice.last().text).toContain('Maria Silva');
    expect(alice.last().text).toContain('Also saved as: Mary');
    // The same name again is no question.
    await alice.say('add contact mary +447700900123');
    expect(alice.last().text).toContain(
      '+447700900123 is already in your contacts as Maria Silva, also saved as Mary.',
    );
    expect(executeActions(alice.last().card)).toEqual([]);

    // "open Mary" finds her conversation; its info card shows her name, and the other one.
    await alice.say('open Mary');
    const opened = alice.last().text;
    expect(opened).toContain('What you write here now goes to Maria Silva.');
    expect(opened).toContain('Conversation with Maria Silva');
    expect(opened).toContain('Also saved as Mary');
    await alice.say('info');
    expect(alice.last().text).toContain('Also saved as Mary');
    // The compose extension's search by the other name finds the contact and the conversation.
    const titles = async (user: TeamsUser, value: string) =>
      (
        (
          await user.composeExtension('query', {
            commandId: 'searchWhatsApp',
            parameters: [{ name: 'query', value }],
          })
        ).body as {
          composeExtension: { attachments: { preview: { content: { title: string } } }[] };
        }
      ).composeExtension.attachments.map((r) => r.preview.content.title);
    expect(await titles(alice, 'Mary')).toContain('Maria Silva');
    expect((await titles(alice, 'Mary')).every((t) => t === 'Maria Silva')).toBe(true);
    // Bob, a colleague with the same number as his own contact, does not find it by Alice's.
    const bob = w.user({ id: 'aad-bob', name: 'Bob Baker' });
    await bob.say('add contact Maria +44 7700 900123');
    expect(await titles(bob, 'Maria')).toContain('Maria');
    expect(await titles(bob, 'Mary')).toEqual([]);
    // For Bob, "Mary" names none of his contacts: "open Mary" is not even taken as a command.
    await bob.say('open Mary');
    expect(bob.last().text).toContain('Is “open Mary” a message or the command open?');
    expect(bob.last().text).not.toContain('What you write here now goes to');

    const rename = buttons.find((b) => b.title === 'Rename to Mary')!;
    const renamed = answerText(await alice.execute(rename.verb, rename.data, asked.activityId));
    expect(renamed).toContain(
      'Maria Silva is now Mary in your contacts, your conversations and your searches.',
    );
    // Mary is her name now, so it is no longer another name too.
    expect(await w.product.store.listAddressBook(alice.id)).toEqual([
      { userId: alice.id, contactId: expect.any(String), name: 'Mary' },
    ]);
    await alice.say('contacts');
    expect(alice.last().text).toContain('Mary');
    expect(alice.last().text).not.toContain('Maria Silva');

    // Her next message arrives under Alice's name for her; the conversation list says so too.
    w.product.sandbox.phone(MARIA.phone).sendText('Did you rename me?');
    await w.settle();
    const card = alice.find('Did you rename me?')!;
    expect(card.text).toContain('Mary');
    expect(card.text).not.toContain('Maria Silva');
    await alice.say('threads');
    expect(alice.last().text).toContain('Mary');
    expect(alice.last().text).not.toContain('Maria Silva');
  });

  it('in the compose extension: asks in the dialog, then sends to the contact under the chosen name', async () => {
    const w = await world();
    const alice = w.user(ALICE);
    await consentedConversation(w, alice, MARIA);

    const asked = await alice.composeExtension('submitAction', {
      commandId: 'newWhatsAppMessage',
      data: {
        verb: 'compose.send',
        newContactName: 'Mrs Silva',
        newContactPhone: '+44 7700 900123',
        message: 'Your parcel left the warehouse.',
      },
    });
    const question = dialog(asked.body);
    expect(question.text).toContain(
      '+447700900123 is already in your contacts as Maria Silva. A number is one WhatsApp chat, so it stays one contact: rename Maria Silva to Mrs Silva, or keep both names (Maria Silva shown, Mrs Silva saved as another name)? Nothing has changed yet.',
    );
    await w.settle();
    expect(received(w, MARIA.phone)).not.toContain('Your parcel left the warehouse.');
    expect((await w.product.store.listAddressBook(alice.id)).map((e) => e.name)).toEqual([
      'Maria Silva',
    ]);

    const actions = (question.card as { actions: { title: string; data: unknown }[] }).actions;
    expect(actions.map((a) => a.title)).toEqual(['Rename to Mrs Silva', 'Keep both']);
    const sent = await alice.composeExtension('submitAction', {
      commandId: 'newWhatsAppMessage',
      data: actions[0]!.data,
    });
    expect(dialog(sent.body).text).toContain('Your message to Mrs Silva is on its way.');
    await w.settle();
    expect(
      received(w, MARIA.phone).filter((t) => t === 'Your parcel left the warehouse.'),
    ).toHaveLength(1);
    expect((await w.product.store.listAddressBook(alice.id)).map((e) => e.name)).toEqual([
      'Mrs Silva',
    ]);
  });
});

// keepboth (issue 10 item 4)
describe('keep both in the compose extension (issue 10 item 4)', () => {
  it('sends to the one conversation under the name Alice had, and her search finds it by the new one', async () => {
    const w = await world();
    const alice = w.user(ALICE);
    await consentedConversation(w, alice, MARIA);
    const send = (data: Record<string, unknown>) =>
      alice.composeExtension('submitAction', { commandId: 'newWhatsAppMessage', data });

    const asked = dialog(
      (
        await send({
          verb: 'compose.send',
          newContactName: 'Mrs Silva',
          newContactPhone: '+44 7700 900123',
          message: 'Your parcel left the warehouse.',
        })
      ).body,
    );
    const actions = (asked.card as { actions: { title: string; data: Record<string, unknown> }[] })
      .actions;
    const both = actions.find((a) => a.title === 'Keep both')!;
    const sent = await send(both.data);
    expect(dialog(sent.body).text).toContain('Your message to Maria Silva is on its way.');
    await w.settle();
    expect(
      received(w, MARIA.phone).filter((t) => t === 'Your parcel left the warehouse.'),
    ).toHaveLength(1);
    // One conversation, one contact: Maria Silva, also saved as Mrs Silva.
    expect(await w.product.store.listThreadsForUser(ALICE.id)).toHaveLength(1);
    expect(await w.product.store.listAddressBook(alice.id)).toEqual([
      expect.objectContaining({ name: 'Maria Silva', aliases: ['Mrs Silva'] }),
    ]);
    const search = await alice.composeExtension('query', {
      commandId: 'searchWhatsApp',
      parameters: [{ name: 'query', value: 'Mrs Silva' }],
    });
    const titles = (
      search.body as {
        composeExtension: { attachments: { preview: { content: { title: string } } }[] };
      }
    ).composeExtension.attachments.map((r) => r.preview.content.title);
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((t) => t === 'Maria Silva')).toBe(true);

    // The dialog's contact picker shows her by her name, with the other one to type.
    const picker = dialog(
      (await alice.composeExtension('fetchTask', { commandId: 'newWhatsAppMessage' })).body,
    );
    expect(picker.text).toContain('Maria Silva (+447700900123) · Also saved as: Mrs Silva');

    // Writing under the other name again goes straight to her: nothing to ask.
    const again = await send({
      verb: 'compose.send',
      newContactName: 'mrs silva',
      newContactPhone: '+447700900123',
      message: 'It arrives tomorrow.',
    });
    expect(dialog(again.body).text).toContain('Your message to Maria Silva is on its way.');
    await w.settle();
    expect(received(w, MARIA.phone)).toContain('It arrives tomorrow.');
  });
});

describe("the compose extension follows the chat's input rules (issue 10 item 4)", () => {
  it.each([
    [
      'an empty message',
      { contactName: 'Zoe Park', phone: '+44 7700 900555', message: '   ' },
      'There is nothing to send: the message is empty. Type some words.',
    ],
    [
      'a 5,000-character message',
      { contactName: 'Zoe Park', phone: '+44 7700 900555', message: 'a'.repeat(5000) },
      'Not sent: your message is 5,000 characters long and WhatsApp allows at most 4,096.',
    ],
    [
      'a number that is too short',
      { contactName: 'Zoe Park', phone: '+44 77', message: 'Hi' },
      '“+44 77” is too short to be a WhatsApp number',
    ],
    [
      'a number with letters',
      { contactName: 'Zoe Park', phone: '+44 7700 9OO555', message: 'Hi' },
      '“+44 7700 9OO555” contains letters or signs a phone number cannot have.',
    ],
    [
      'a number without its country code',
      { contactName: 'Zoe Park', phone: '07700 900555', message: 'Hi' },
      '“07700 900555” has no country code.',
    ],
  ])(
    'refuses %s with the precise reason, keeps what was entered, sends nothing',
    async (_what, input, sentence) => {
      const w = await world();
      const alice = w.user(ALICE);
      await alice.install();
      const answer = await alice.composeExtension('submitAction', {
        commandId: 'newWhatsAppMessage',
        data: {
          verb: 'compose.send',
          newContactName: input.contactName,
          newContactPhone: input.phone,
          message: input.message,
        },
      });
      const shown = dialog(answer.body);
      expect(shown.text).toContain(sentence);
      // Still the dialog, with what the user typed, to correct it.
      expect(JSON.stringify(shown.card)).toContain(input.phone);
      await w.settle();
      expect(await w.product.store.listAddressBook(alice.id)).toEqual([]);
      expect(w.product.sandbox.phone('447700900555').received()).toEqual([]);
    },
  );

  it('says the same as the chat, word for word, in the user’s language', async () => {
    const w = await world();
    const alice = w.user({ ...ALICE, locale: 'de-DE' });
    await alice.install();
    await alice.say('x'.repeat(5000));
    const chat = alice.last().text;
    const answer = await alice.composeExtension('submitAction', {
      commandId: 'newWhatsAppMessage',
      data: {
        verb: 'compose.send',
        newContactName: 'Zoe Park',
        newContactPhone: '+44 7700 900555',
        message: 'x'.repeat(5000),
      },
    });
    const sentence = chat.slice(chat.indexOf('Nicht gesendet')).trim();
    expect(sentence).toContain(
      'Ihre Nachricht ist 5.000 Zeichen lang, WhatsApp erlaubt höchstens 4.096.',
    );
    expect(dialog(answer.body).text).toContain(sentence);
  });
});
