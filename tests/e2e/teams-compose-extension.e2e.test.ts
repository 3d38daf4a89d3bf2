/**
 * The compose extension, as Teams invokes it: "New WhatsApp message" from a chat's compose
 * box, through the opt-in step, to the contact's consent; and the search command.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from './support/bot-connector.js';
import { startTeamsWorld, type TeamsWorld } from './support/teams-product.js';

const PHONE = '447700900123';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

interface TaskAnswer {
  task?: { type: string; value: string | { card?: { content?: unknown } } };
}

function dialogCard(body: unknown): string {
  const task = (body as TaskAnswer).task;
  if (task?.type !== 'continue' || typeof task.value === 'string')
    throw new Error(`not a dialog: ${JSON.stringify(body)}`);
  return textOf(task.value.card?.content);
}

/** The dialog's last step: a notice card saying what happened. */
function dialogMessage(body: unknown): string {
  return dialogCard(body);
}

describe('the compose extension', () => {
  it('writes to a new contact: the opt-in step, the pending message, and its delivery once the contact consents', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.install();

    const fetched = await alice.composeExtension('fetchTask', {
      commandId: 'newWhatsAppMessage',
      commandContext: 'compose',
    });
    expect(fetched.status).toBe(200);
    expect(dialogCard(fetched.body)).toContain('New WhatsApp message');

    // Nothing chosen: the dialog comes back saying what is missing.
    const refused = await alice.composeExtension('submitAction', {
      commandId: 'newWhatsAppMessage',
      data: { verb: 'compose.send', message: 'Hi' },
    });
    expect(dialogCard(refused.body)).toContain(
      'Choose a contact, or enter the name and WhatsApp number of a new one.',
    );

    const send = await alice.composeExtension('submitAction', {
      commandId: 'newWhatsAppMessage',
      data: {
        verb: 'compose.send',
        newContactName: 'Maria Silva',
        newContactPhone: '+44 7700 900123',
        message: 'Hello Maria, your order is ready.',
      },
    });
    expect(dialogCard(send.body)).toContain('Ask Maria Silva for consent?');
    const contactId = (await w.product.store.listAddressBook(alice.id))[0]!.contactId;

    const confirmed = await alice.composeExtension('submitAction', {
      commandId: 'newWhatsAppMessage',
      data: {
        verb: 'compose.optin.confirm',
        contactId,
        message: 'Hello Maria, your order is ready.',
      },
    });
    expect(dialogMessage(confirmed.body)).toContain("We've asked Maria Silva for consent.");
    await w.settle();

    // The status card went to Alice's personal chat; only the opt-in reached the phone.
    const status = alice.find('Hello Maria, your order is ready.')!;
    expect(status.text).toContain('To Maria Silva');
    expect(status.text).toContain('Pending');
    const phone = w.product.sandbox.phone(PHONE);
    expect(phone.received().map((m) => m.kind)).toEqual(['template']);

    // Maria has the chat open: what arrives is read (the sandbox reads only what is on screen).
    phone.openChat().tapButton('Agree');
    await w.settle();
    expect(phone.received().at(-1)!.text).toBe('Hello Maria, your order is ready.');
    expect(alice.messages().find((m) => m.activityId === status.activityId)!.text).toContain(
      'Read',
    );
    expect(w.connector.updatesOf(status.activityId).length).toBeGreaterThanOrEqual(3);

    // The thread is open now: the next message from the dialog goes at once.
    const again = await alice.composeExtension('submitAction', {
      commandId: 'newWhatsAppMessage',
      data: { verb: 'compose.send', contactId, message: 'One more thing.' },
    });
    expect(dialogMessage(again.body)).toContain('Your message to Maria Silva is on its way.');
    await w.settle();
    expect(phone.received().at(-1)!.text).toBe('One more thing.');
  });

  it('finds contacts and threads by name or number', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    await alice.say('add contact Maria Silva +447700900123');
    await alice.say('add contact Bob Brown +12025550147');
    const byName = await alice.composeExtension('query', {
      commandId: 'searchWhatsApp',
      parameters: [{ name: 'query', value: 'mar' }],
    });
    const results = (
      byName.body as {
        composeExtension: { attachments: { preview: { content: { title: string } } }[] };
      }
    ).composeExtension.attachments;
    expect(results.map((r) => r.preview.content.title)).toEqual(['Maria Silva']);
    const byNumber = await alice.composeExtension('query', {
      commandId: 'searchWhatsApp',
      parameters: [{ name: 'query', value: '+1 202 555 0147' }],
    });
    expect(JSON.stringify(byNumber.body)).toContain('Bob Brown');
  });
});
