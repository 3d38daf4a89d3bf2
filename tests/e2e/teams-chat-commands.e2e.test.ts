/**
 * Issue 10 (chat), items 2 and 4: commands never reach a customer, words never turn into
 * commands by accident, and bad input gets a precise answer before anything is sent.
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

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

function received(w: TeamsWorld): string[] {
  return w.product.sandbox
    .phone(MARIA.phone)
    .received()
    .map((m) => m.text ?? '');
}

async function withMaria(): Promise<{ w: TeamsWorld; alice: TeamsUser; before: number }> {
  const w = (world = await startTeamsWorld());
  const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
  await consentedConversation(w, alice, MARIA);
  return { w, alice, before: received(w).length };
}

describe('commands in the bot chat (issue 10)', () => {
  it('treats every bare command word, in any case and with spaces around, as a command', async () => {
    const { w, alice, before } = await withMaria();
    const answers: Record<string, string | RegExp> = {
      help: 'add contact <name> <number>',
      threads: 'Maria Silva',
      contacts: 'Maria Silva',
      info: /Conversation with Maria Silva/,
      new: 'Who do you want to write to? Type new followed by a contact',
      open: 'Which conversation do you want to open? Type open followed by a contact',
    };
    for (const [word, expected] of Object.entries(answers)) {
      for (const typed of [
        word,
        `  ${word.toUpperCase()}  `,
        `/${word}`,
        ` ${word[0]!.toUpperCase()}${word.slice(1)} `,
      ]) {
        await alice.say(typed);
        const last = alice.last();
        if (typeof expected === 'string') expect(last.text, typed).toContain(expected);
        else expect(last.text, typed).toMatch(expected);
        expect(last.text, typed).not.toContain('To Maria Silva');
      }
    }
    // bare new / open offer the contacts to pick from
    await alice.say('new');
    expect(alice.last().text).toContain('Maria Silva');
    expect(executeActions(alice.last().card).length).toBeGreaterThan(0);
    await w.settle();
    expect(received(w)).toHaveLength(before);
  });

  it('says a leading / that is no command is not one, and sends nothing', async () => {
    const { w, alice, before } = await withMaria();
    await alice.say('/shipment');
    expect(alice.last().text).toContain(
      '“/shipment” is not a command, and nothing was sent to WhatsApp',
    );
    await w.settle();
    expect(received(w)).toHaveLength(before);
  });

  it('asks whether words that start with a command word are a message or a command', async () => {
    const { w, alice, before } = await withMaria();
    await alice.say('new shipment tomorrow?');
    const ask = alice.last();
    expect(ask.text).toContain(
      'Nothing has been sent yet. Is “new shipment tomorrow?” a message or the command new?',
    );
    expect(executeActions(ask.card).map((a) => a.title)).toEqual([
      'Send it to Maria Silva',
      'Run the command new',
    ]);
    await w.settle();
    expect(received(w)).toHaveLength(before);
    const send = executeActions(ask.card)[0]!;
    const answer = await alice.execute(send.verb, send.data, ask.activityId);
    expect(JSON.stringify(TeamsUser.card(answer))).toContain('Sent to Maria Silva.');
    await w.settle();
    expect(received(w).filter((t) => t === 'new shipment tomorrow?')).toHaveLength(1);

    await alice.say('help me with my order');
    const help = alice.last();
    expect(help.text).toContain('Is “help me with my order” a message or the command help?');
    const run = executeActions(help.card).find((a) => a.title === 'Run the command help')!;
    const shown = await alice.execute(run.verb, run.data, help.activityId);
    expect(JSON.stringify(TeamsUser.card(shown))).toContain('add contact <name> <number>');
    await w.settle();
    expect(received(w)).not.toContain('help me with my order');

    // Words that fit stay a command: Maria is a contact.
    await alice.say('open maria');
    expect(alice.last().text).toContain('What you write here now goes to Maria Silva.');
  });
});

describe('bad input in the bot chat (issue 10)', () => {
  it('refuses a text over 4,096 characters with the limit and its length', async () => {
    const { w, alice, before } = await withMaria();
    await alice.say('x'.repeat(5000));
    expect(alice.last().text).toContain(
      'Not sent: your message is 5,000 characters long and WhatsApp allows at most 4,096.',
    );
    await w.settle();
    expect(received(w)).toHaveLength(before);
  });

  it('answers an empty or whitespace-only message clearly', async () => {
    const { alice } = await withMaria();
    await alice.say('   ');
    expect(alice.last().text).toContain('There is nothing to send: the message is empty.');
    await alice.say('&nbsp;<p> </p>');
    expect(alice.last().text).toContain('There is nothing to send: the message is empty.');
  });

  it('says what is wrong with an invalid number: too short, letters, no country code', async () => {
    const w = (world = await startTeamsWorld());
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.say('add contact Bob Brown 12');
    expect(alice.last().text).toContain('“12” is too short to be a WhatsApp number');
    await alice.say('add contact Bob Brown +44 20 79AB 0000');
    expect(alice.last().text).toContain('“+44 20 79AB 0000” contains letters or signs');
    await alice.say('add contact Bob Brown 020 7946 0000');
    expect(alice.last().text).toContain(
      '“020 7946 0000” has no country code. Start the number with + and the country code',
    );
    await alice.say('add contact Bob Brown +1 202 555 0147 0000 0000');
    expect(alice.last().text).toContain('is too long to be a WhatsApp number');
    await alice.say('contacts');
    expect(alice.last().text).not.toContain('Bob Brown');
  });
});
