/**
 * Every card verb, typed command and compose-extension action, tried by someone whose
 * conversation and contact it is not: Ben (Alice's colleague in the same organisation and
 * sub-organisation, not in the conversation, without Maria among his contacts) and Eve (of
 * another organisation), each with Alice's ids. Nothing changes, nothing is sent to the
 * contact or to Alice, and nothing they read names the contact, her number or her words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamsUser, type InvokeAnswer } from './support/teams-client.js';
import { MARIA, twoOrganisations, type TwoOrganisations } from './support/two-organisations.js';

let o: TwoOrganisations;
let aliceCard: string;
beforeAll(async () => {
  o = await twoOrganisations();
  aliceCard = o.alice.find('Hello?')!.activityId;
});
afterAll(async () => {
  await o?.w.stop();
});

/** Everything the store keeps about Maria's conversation, what she got, and what Alice saw. */
async function state(): Promise<string> {
  const store = o.w.product.store;
  const [number] = o.mariaId.split(':');
  return JSON.stringify({
    thread: await store.getThread(o.threadId),
    latest: await store.findLatestThread(number!, o.mariaId),
    messages: await store.listMessages(o.threadId),
    contact: await store.getContact(o.mariaId),
    participations: await Promise.all(
      [o.alice, o.ben, o.eve].map((u) => store.getParticipation(o.threadId, u.id)),
    ),
    received: o.w.product.sandbox.phone(MARIA.phone).received().length,
    alice: o.alice.texts(),
    pending: await store.countPendingEffects(),
  });
}

/** What a prober reads: every card they got, and the answer itself. */
function words(prober: TeamsUser, answer?: InvokeAnswer): string {
  return [...prober.texts(), JSON.stringify(answer?.body ?? {})].join('\n');
}

/** `typed`: what the prober typed themselves, which an answer may repeat back to them. */
function expectNothingRevealed(text: string, typed: readonly string[] = []): void {
  const own = typed.reduce((rest, t) => rest.split(t).join(''), text);
  expect(own).not.toContain('Maria');
  expect(own).not.toContain('Silva');
  expect(own).not.toContain(MARIA.phone);
  expect(own).not.toContain('7700 900123');
  expect(own).not.toContain('Hello?');
}

const verbs = (o: TwoOrganisations, prober: TeamsUser): [string, Record<string, unknown>][] => [
  ['reply', { threadId: o.threadId, replyText: 'I am not Alice' }],
  ['info', { threadId: o.threadId, messageId: o.inboundId }],
  ['participant.add.pick', { threadId: o.threadId }],
  ['participant.add', { threadId: o.threadId, userId: prober.id }],
  ['participant.remove.pick', { threadId: o.threadId }],
  ['participant.remove.ask', { threadId: o.threadId, userId: o.alice.id }],
  ['participant.remove', { threadId: o.threadId, userId: o.alice.id }],
  ['transfer.pick', { threadId: o.threadId }],
  ['transfer', { threadId: o.threadId, userId: prober.id }],
  ['leave.ask', { threadId: o.threadId }],
  ['leave', { threadId: o.threadId }],
  ['cancel', { threadId: o.threadId }],
  ['optin.confirm', { contactId: o.mariaId, draft: 'Hi' }],
  ['optin.confirm', { contactId: o.mariaId, restartThreadId: o.threadId }],
  ['optin.cancel', { contactId: o.mariaId }],
  ['optin.remind', { threadId: o.threadId }],
  ['thread.restart', { threadId: o.threadId }],
  ['thread.open', { threadId: o.threadId }],
  ['thread.new', { contactId: o.mariaId }],
  ['threads.list', {}],
  ['contacts.list', {}],
  // reply (issue 10): Reply on a notice or status card; the duplicate number's choice.
  ['thread.reply', { threadId: o.threadId }],
  [
    'thread.reply',
    {
      threadId: o.threadId,
      notice: JSON.stringify({ key: 'thread.resumed_continue', params: { contact: 'X' } }),
    },
  ],
  ['contact.duplicate.rename', { contactId: o.mariaId, name: 'Mine now' }],
  ['contact.duplicate.keep', { contactId: o.mariaId }],
  // keepboth (issue 10 item 4)
  ['contact.duplicate.both', { contactId: o.mariaId, name: 'Mine now' }],
  // release (issue 10)
  ['message.send_again', { threadId: o.threadId, messageId: o.inboundId }],
  ['thread.refresh', { threadId: o.threadId }],
  ['threads.refresh', {}],
];

describe.each([
  ['a colleague in the same organisation', () => o.ben],
  ['a user of another organisation', () => o.eve],
])("someone else's ids, tried by %s", (_who, proberOf) => {
  it('every card verb: nothing changes, nothing is sent, nothing is revealed', async () => {
    const prober = proberOf();
    for (const [verb, data] of verbs(o, prober)) {
      const before = await state();
      // Also from Alice's own card (its activity id), as a forged replyToId.
      for (const onCard of [undefined, aliceCard]) {
        const answer = await prober.execute(verb, data, onCard);
        expect(answer.status, verb).toBe(200);
        TeamsUser.card(answer);
        await o.w.settle();
        expect(await state(), verb).toBe(before);
        expectNothingRevealed(words(prober, answer));
      }
    }
    expect((await o.w.product.store.getUser(prober.id))!.currentThreadId).toBeUndefined();
  });

  it('every typed command, and words with no conversation picked', async () => {
    const prober = proberOf();
    const before = await state();
    const typed = [
      'help',
      'contacts',
      'threads',
      'info',
      'new Maria',
      'open Maria',
      `open +${MARIA.phone}`,
      'Hello Maria, it is me',
    ];
    for (const text of typed) {
      await prober.say(text);
      await o.w.settle();
      expect(await state(), text).toBe(before);
    }
    // The prober's own words may be echoed back (the card asking "a message or a command?"
    // quotes them); nothing else about Maria may show.
    expectNothingRevealed(words(prober), [...typed, '"Maria"', `+${MARIA.phone}`]);
  });

  it('every compose-extension action and the search', async () => {
    const prober = proberOf();
    const before = await state();
    const answers = [
      await prober.composeExtension('fetchTask', { commandId: 'newWhatsAppMessage' }),
      await prober.composeExtension('submitAction', {
        commandId: 'newWhatsAppMessage',
        data: { verb: 'compose.send', contactId: o.mariaId, message: 'Hi' },
      }),
      await prober.composeExtension('submitAction', {
        commandId: 'newWhatsAppMessage',
        data: { verb: 'compose.optin.confirm', contactId: o.mariaId, message: 'Hi' },
      }),
      await prober.composeExtension('submitAction', {
        commandId: 'newWhatsAppMessage',
        data: { verb: 'compose.back', contactId: o.mariaId, message: 'Hi' },
      }),
      // reply (issue 10): the duplicate number's answer in the dialog, with Alice's contact.
      ...(await Promise.all(
        (['rename', 'both', 'keep'] as const).map((choice) =>
          prober.composeExtension('submitAction', {
            commandId: 'newWhatsAppMessage',
            data: {
              verb: 'compose.duplicate',
              choice,
              contactId: o.mariaId,
              name: 'Mine now',
              message: 'Hi',
            },
          }),
        ),
      )),
      ...(await Promise.all(
        ['Maria', MARIA.phone, '9001', ''].map((value) =>
          prober.composeExtension('query', {
            commandId: 'searchWhatsApp',
            parameters: [{ name: 'query', value }],
          }),
        ),
      )),
    ];
    await o.w.settle();
    expect(await state()).toBe(before);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expectNothingRevealed(JSON.stringify(answer.body));
    }
  });
});

describe('the owner, for contrast', () => {
  it('Alice reads her conversation and Maria by name with the same probes', async () => {
    const info = TeamsUser.card(
      await o.alice.execute('info', { threadId: o.threadId, messageId: o.inboundId }),
    );
    expect(JSON.stringify(info)).toContain('Hello?');
    const search = await o.alice.composeExtension('query', {
      commandId: 'searchWhatsApp',
      parameters: [{ name: 'query', value: 'Maria' }],
    });
    expect(JSON.stringify(search.body)).toContain(MARIA.name);
  });
});
