import { describe, expect, it } from 'vitest';
import { HOUR, isRejection } from '../../../bot/src/core/types.js';
import { AppWorld, BN, CONTACT_ID, alice, bob } from './world.js';

const PHONE = '447700900123';

function text(w: AppWorld, id: string, body: string) {
  return {
    businessNumberId: BN,
    waMessageId: id,
    from: PHONE,
    profileName: 'Maria Silva',
    sentAt: w.clock.now(),
    content: { type: 'text' as const, text: body },
  };
}

async function withIntake(w: AppWorld, ...users: { id: string; name: string }[]) {
  await w.store.putOrganisation({
    tenantId: 'tenant-1',
    name: 'Contoso',
    enabled: true,
    maxParticipants: 8,
    contactLocale: 'en',
    businessNumbers: [
      {
        phoneNumberId: BN,
        displayPhoneNumber: '15550000001',
        intakeUserIds: users.map((u) => u.id),
      },
    ],
  });
  for (const u of users)
    await w.store.putUser({
      id: u.id,
      tenantId: 'tenant-1',
      name: u.name,
      locale: 'en-US',
      enabled: true,
      subOrganisation: 'sales',
    });
}

describe('a contact writes to the business', () => {
  it('opens a thread with the intake users when the contact is new, keeping their name', async () => {
    const w = new AppWorld();
    await withIntake(w, bob);
    expect(await w.conversations.receive(text(w, 'wamid.A', 'Hello, is anyone there?'))).toBe(true);
    const thread = await w.thread();
    expect(thread).toMatchObject({
      state: 'active',
      contact: { name: 'Maria Silva', phone: PHONE },
      participants: [{ id: bob.id }],
    });
    await w.dispatcher.drain();
    expect(w.teams.delivered.find((e) => e.type === 'deliver_inbound')).toMatchObject({
      to: [bob.id],
    });
  });

  it('changes nothing when WhatsApp delivers the same message twice', async () => {
    const w = new AppWorld();
    await withIntake(w, bob);
    await w.conversations.receive(text(w, 'wamid.A', 'Hello'));
    expect(await w.conversations.receive(text(w, 'wamid.A', 'Hello'))).toBe(false);
    expect((await w.messages()).filter((m) => m.direction === 'inbound')).toHaveLength(1);
  });

  it('goes to the open thread when there is one', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    await w.conversations.receive(text(w, 'wamid.B', 'yes'));
    expect((await w.thread()).state).toBe('active');
    expect(await w.store.findOpenThread(BN, CONTACT_ID)).toMatchObject({ id: 't-1' });
  });

  it('records STOP with no open thread as an opt-out, opening nothing', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    await w.conversations.leave(alice.id, 't-1');
    await w.conversations.receive(text(w, 'wamid.S', 'STOP'));
    expect(await w.store.findOpenThread(BN, CONTACT_ID)).toBeUndefined();
    expect((await w.store.getContact(CONTACT_ID))?.optedOutAt).toBe(w.clock.now());
    expect(
      (await w.store.listConsentRecords({ contactId: CONTACT_ID })).map((r) => r.kind),
    ).toEqual(['opt_out']);
    // And nobody can start a new thread until the contact writes again.
    const refused = await w.conversations.start(alice, CONTACT_ID);
    expect(isRejection(refused) && refused.notice.key).toBe('thread.contact_opted_out');
    w.clock.advance(HOUR);
    await w.conversations.receive(text(w, 'wamid.T', 'Sorry, I would like to talk again'));
    const thread = await w.store.findOpenThread(BN, CONTACT_ID);
    expect(thread?.participants.map((p) => p.id)).toEqual([]);
  });
});

describe('statuses from WhatsApp', () => {
  it('finds the message by our own id echoed back, even if the send answer was lost', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    const [optIn] = await w.messages();
    expect(
      await w.conversations.report({
        waMessageId: 'wamid.unknown-to-us',
        messageId: optIn!.id,
        status: 'delivered',
        at: w.clock.now(),
      }),
    ).toBe(true);
    expect((await w.messages())[0]).toMatchObject({
      status: 'delivered',
      waMessageId: 'wamid.unknown-to-us',
    });
  });

  it('ignores a repeated status and a status for a message it never sent', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    await w.dispatcher.drain();
    const report = { waMessageId: 'wamid.out1', status: 'delivered' as const, at: w.clock.now() };
    expect(await w.conversations.report(report)).toBe(true);
    expect(await w.conversations.report(report)).toBe(false);
    expect(await w.conversations.report({ ...report, waMessageId: 'wamid.other-app' })).toBe(false);
  });
});

describe('timers', () => {
  it('retries an undelivered opt-in 24 hours later, once, even across a restart of the runner', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    await w.dispatcher.drain();
    await w.conversations.report({
      waMessageId: 'wamid.out1',
      status: 'failed',
      at: w.clock.now(),
      failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
    });
    await w.dispatcher.drain();
    expect(w.teams.noticesFor(alice.id)).toContain('optin.failed');
    w.clock.advance(23 * HOUR);
    expect(await w.timers.runDue()).toBe(0);
    w.clock.advance(HOUR);
    expect(await w.timers.runDue()).toBe(1);
    expect(await w.timers.runDue()).toBe(0);
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.map((m) => m.template)).toEqual(['opt_in', 'opt_in']);
  });
});

describe('commands on a thread', () => {
  it('refuses a message to a thread that does not exist with a coded error', async () => {
    const w = new AppWorld();
    await expect(w.conversations.compose(alice.id, 'nope', { body: 'x' })).rejects.toMatchObject({
      code: 'thread.not_found',
    });
  });
});

describe('the participant cap', () => {
  it("follows the organisation's own setting over the configured default", async () => {
    const w = await new AppWorld().withContact();
    const carol = { id: 'u-carol', name: 'Carol Chen' };
    await withIntake(w, bob);
    await w.store.putOrganisation({
      ...(await w.store.getOrganisation('tenant-1'))!,
      maxParticipants: 2,
    });
    await w.conversations.start(alice, CONTACT_ID);
    expect(isRejection(await w.conversations.addParticipant(alice.id, 't-1', bob))).toBe(false);
    const refused = await w.conversations.addParticipant(alice.id, 't-1', carol);
    expect(isRejection(refused) && refused.notice).toMatchObject({
      key: 'group.cap_reached',
      params: { max: 2 },
    });
  });
});
