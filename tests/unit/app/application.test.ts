/**
 * The application layer every surface calls: each query and command for an acting user, who
 * reaches only conversations they take or took part in and their own contacts, and gets the
 * same "not found" for anyone else's. Unread counts, read positions, the admin role, and a
 * business number that moves to another organisation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../bot/src/app/access.js';
import { createApplication, type Application } from '../../../bot/src/app/application.js';
import type { Organisation, UserRecord } from '../../../bot/src/core/records.js';
import { HOUR } from '../../../bot/src/core/types.js';
import { AppWorld, BN } from './world.js';

const PHONE = '447700900123';
const OTHER_BN = 'bn-fabrikam';

const org = (tenantId: string, numbers: string[]): Organisation => ({
  tenantId,
  name: tenantId,
  enabled: true,
  businessNumbers: numbers.map((n) => ({
    phoneNumberId: n,
    displayPhoneNumber: `+1 555 ${n}`,
    intakeUserIds: [],
  })),
  maxParticipants: 8,
  contactLocale: 'en',
});

const user = (id: string, tenantId: string, name: string): UserRecord => ({
  id,
  tenantId,
  name,
  locale: 'en-US',
  enabled: true,
  subOrganisation: 'sales',
});

let w: AppWorld;
let app: Application;
let alice: Actor;
let ben: Actor;
let eve: Actor;
let threadId: string;
let mariaId: string;

function inbound(id: string, body: string) {
  return {
    businessNumberId: BN,
    waMessageId: id,
    from: PHONE,
    profileName: 'Maria Silva',
    sentAt: w.clock.now(),
    content: { type: 'text' as const, text: body },
  };
}

beforeEach(async () => {
  w = new AppWorld();
  app = createApplication({
    store: w.store,
    conversations: w.conversations,
    clock: w.clock,
    logger: w.logger,
    maxParticipants: 8,
  });
  const contoso = org('tenant-contoso', [BN]);
  const fabrikam = org('tenant-fabrikam', [OTHER_BN]);
  await w.store.putOrganisation(contoso);
  await w.store.putOrganisation(fabrikam);
  alice = { user: user('u-alice', 'tenant-contoso', 'Alice Adams'), organisation: contoso };
  ben = { user: user('u-ben', 'tenant-contoso', 'Ben Brown'), organisation: contoso };
  eve = { user: user('u-eve', 'tenant-fabrikam', 'Eve Evans'), organisation: fabrikam };
  for (const a of [alice, ben, eve]) await w.store.putUser(a.user);

  mariaId = (await app.commands.addContact(alice, 'Maria Silva', PHONE)).id;
  const started = await app.commands.start(alice, mariaId);
  if ('rejected' in started) throw new Error('not started');
  threadId = started.thread.id;
  await w.conversations.receive(inbound('wamid.1', 'Hello?'));
  await w.dispatcher.drain();
});

/** What the store holds about the conversation and what went out, to compare before and after. */
async function state(): Promise<string> {
  return JSON.stringify({
    thread: await w.store.getThread(threadId),
    messages: await w.store.listMessages(threadId),
    participations: await Promise.all(
      [alice, ben, eve].map((a) => w.store.getParticipation(threadId, a.user.id)),
    ),
    current: await Promise.all([ben, eve].map((a) => w.store.getUser(a.user.id))),
    sent: w.whatsapp.sent.length,
    told: w.teams.delivered.length,
    pending: await w.store.countPendingEffects(),
  });
}

describe('my conversations', () => {
  it("lists the user's conversation in the tab's summary shape, with unread messages until read", async () => {
    const [summary, ...rest] = await app.queries.myConversations(alice);
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({
      id: threadId,
      contact: { id: mariaId, name: 'Maria Silva', phone: `+${PHONE}` },
      businessNumber: { id: BN, display: `+1 555 ${BN}` },
      state: 'active',
      windowExpiresAt: w.clock.now() + 24 * HOUR,
      participating: true,
      participants: [{ id: alice.user.id, name: 'Alice Adams' }],
      lastMessage: { body: 'Hello?' },
      unread: 1,
      canRestart: false,
      canRemind: false,
    });

    await app.commands.markRead(alice, threadId);
    expect((await app.queries.summary(alice, threadId)).unread).toBe(0);
    await w.conversations.receive(inbound('wamid.2', 'Anyone?'));
    expect((await app.queries.summary(alice, threadId)).unread).toBe(1);
    // Writing reads what came before.
    await app.commands.write(alice, threadId, { body: 'Yes, here.' });
    expect((await app.queries.summary(alice, threadId)).unread).toBe(0);
  });

  it("shows 'paused' as soon as the window has run out, before anyone writes", async () => {
    w.clock.advance(25 * HOUR);
    expect((await app.queries.summary(alice, threadId)).state).toBe('paused');
  });

  it('keeps a conversation the user left, read-only, and counts a colleague’s words as unread', async () => {
    expect(await app.commands.addParticipant(alice, threadId, ben.user.id)).not.toHaveProperty(
      'rejected',
    );
    await app.commands.markRead(ben, threadId);
    await app.commands.write(alice, threadId, { body: 'Ben, over to you.' });
    expect((await app.queries.summary(ben, threadId)).unread).toBe(1);
    await app.commands.leave(alice, threadId);

    const [left] = await app.queries.myConversations(alice);
    expect(left).toMatchObject({ id: threadId, participating: false });
    expect((await app.queries.conversation(alice, threadId)).messages.length).toBeGreaterThan(0);
    expect(await app.queries.myConversations(alice, { participatingOnly: true })).toEqual([]);
    const refused = await app.commands.write(alice, threadId, { body: 'one more' });
    expect(refused).toMatchObject({ rejected: true, notice: { key: 'thread.not_participant' } });
  });
});

describe("someone else's conversation and contact", () => {
  const probers = () =>
    [
      ['a colleague of the same organisation', ben],
      ['a user of another organisation', eve],
    ] as const;

  it('every query answers "not found", the same as for an id that does not exist', async () => {
    for (const [who, prober] of probers()) {
      expect(await app.queries.myConversations(prober), who).toEqual([]);
      expect(await app.queries.contacts(prober), who).toEqual([]);
      for (const id of [threadId, 'no-such-thread']) {
        await expect(app.queries.thread(prober, id), who).rejects.toMatchObject({
          code: 'thread.not_found',
        });
        await expect(app.queries.conversation(prober, id), who).rejects.toMatchObject({
          code: 'thread.not_found',
        });
        await expect(app.queries.summary(prober, id), who).rejects.toMatchObject({
          code: 'thread.not_found',
        });
        await expect(app.queries.candidates(prober, id), who).rejects.toMatchObject({
          code: 'thread.not_found',
        });
      }
      const messageId = (await w.store.listMessages(threadId))[0]!.id;
      for (const id of [messageId, 'no-such-message'])
        await expect(app.queries.message(prober, id), who).rejects.toMatchObject({
          code: 'message.not_found',
        });
      for (const id of [mariaId, 'no-such-contact'])
        await expect(app.queries.contact(prober, id), who).rejects.toMatchObject({
          code: 'contact.not_found',
        });
      expect(await app.queries.currentThread(prober), who).toBeUndefined();
    }
  });

  it('every command changes nothing and sends nothing', async () => {
    const before = await state();
    for (const [who, prober] of probers()) {
      const onThread: [string, () => Promise<unknown>][] = [
        ['write', () => app.commands.write(prober, threadId, { body: 'hi' })],
        ['remind', () => app.commands.remind(prober, threadId)],
        ['restart', () => app.commands.restart(prober, threadId)],
        ['add', () => app.commands.addParticipant(prober, threadId, prober.user.id)],
        ['remove', () => app.commands.removeParticipant(prober, threadId, alice.user.id)],
        ['leave', () => app.commands.leave(prober, threadId)],
        ['transfer', () => app.commands.transfer(prober, threadId, prober.user.id)],
        ['markRead', () => app.commands.markRead(prober, threadId)],
        ['open', () => app.commands.open(prober, threadId)],
        ['setCurrentThread', () => app.commands.setCurrentThread(prober, threadId)],
      ];
      for (const [name, run] of onThread)
        await expect(run(), `${who}: ${name}`).rejects.toMatchObject({ code: 'thread.not_found' });
      for (const [name, run] of [
        ['start', () => app.commands.start(prober, mariaId)],
        ['begin', () => app.commands.begin(prober, mariaId)],
      ] as const)
        await expect(run(), `${who}: ${name}`).rejects.toMatchObject({
          code: 'contact.not_found',
        });
      const messageId = (await w.store.listMessages(threadId))[0]!.id;
      await expect(
        app.commands.keepMessageCard(prober, { messageId, activityId: 'a', conversationId: 'c' }),
      ).rejects.toMatchObject({ code: 'message.not_found' });
      await w.dispatcher.drain();
      expect(await state(), who).toBe(before);
    }
  });
});

describe('the organisation admin role', () => {
  it('is off by default, on once set, and only for an enabled user of the organisation', async () => {
    expect(await app.queries.isAdmin(alice)).toBe(false);
    await w.store.putUser({ ...alice.user, admin: true });
    expect(await app.queries.isAdmin(alice)).toBe(true);
    await w.store.putUser({ ...alice.user, admin: true, enabled: false });
    expect(await app.queries.isAdmin(alice)).toBe(false);
    await w.store.putUser({ ...eve.user, admin: true });
    expect(await app.queries.isAdmin({ ...eve, organisation: alice.organisation })).toBe(false);
  });

  it("names who is told of a business number's alarms: its organisation's enabled admins", async () => {
    const told = async (bn: string, everyoneIfNone = false) =>
      (await app.records.organisationAdmins(bn, { everyoneIfNone })).map((u) => u.name);
    expect(await told(BN)).toEqual([]);
    // Local mode (no BOT_ID) with no admin yet: every enabled user, so the Playground sees them.
    expect((await told(BN, true)).sort()).toEqual(['Alice Adams', 'Ben Brown']);
    await w.store.putUser({ ...ben.user, admin: true });
    await w.store.putUser({ ...eve.user, admin: true });
    expect(await told(BN)).toEqual(['Ben Brown']);
    expect(await told(BN, true)).toEqual(['Ben Brown']);
    expect(await told(OTHER_BN)).toEqual(['Eve Evans']);
    await w.store.putUser({ ...ben.user, admin: true, enabled: false });
    expect(await told(BN)).toEqual([]);
    expect(await told('bn-nobody', true)).toEqual([]);
  });
});

describe('a business number that moves to another organisation', () => {
  it("takes its conversations and contacts with it: the old organisation's users lose access", async () => {
    await w.store.putOrganisation(org('tenant-fabrikam', [OTHER_BN, BN]));
    const stale = alice; // the organisation as Alice's turn found it, before the move
    expect(await app.queries.myConversations(stale)).toEqual([]);
    expect(await app.queries.contacts(stale)).toEqual([]);
    await expect(app.queries.thread(stale, threadId)).rejects.toMatchObject({
      code: 'thread.not_found',
    });
    await expect(app.commands.write(stale, threadId, { body: 'hi' })).rejects.toMatchObject({
      code: 'thread.not_found',
    });
    await expect(app.commands.addContact(stale, 'Zoe', '447700900999')).rejects.toMatchObject({
      code: 'organisation.no_business_number',
    });
  });
});
