/**
 * Gathered cards (issue 11 item 2): which messages a card that waited for its slot carries,
 * and that a receipt for any of them re-renders the whole card with each one's current status.
 */
import type { Activity, CloudAdapter } from 'botbuilder';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemRecords } from '../../../bot/src/app/system-records.js';
import { t } from '../../../bot/src/i18n/catalogue.js';
import type { Effect, Message, Thread } from '../../../bot/src/core/types.js';
import type { UserRecord } from '../../../bot/src/store/port.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import { CardGathering, gatheredCard } from '../../../bot/src/teams/gathered-cards.js';
import { hourlySummaryCard } from '../../../bot/src/teams/hourly-summary.js';
import { MediaUrls } from '../../../bot/src/teams/media-route.js';
import { TeamsMessenger, type Posted } from '../../../bot/src/teams/messenger.js';
import { TeamsRateLimiter } from '../../../bot/src/teams/rate-limits.js';
import { TeamsUserChannel } from '../../../bot/src/teams/user-channel.js';
import { UserUnreachableError } from '../../../bot/src/teams/connector-errors.js';
import { executeActions, textOf } from '../../e2e/support/bot-connector.js';

const T0 = Date.UTC(2026, 0, 5, 9);

class RecordingMessenger extends TeamsMessenger {
  readonly sent: { userId: string; activity: Partial<Activity>; activityId: string }[] = [];
  readonly updated: { userId: string; activityId: string; activity: Partial<Activity> }[] = [];
  private n = 0;
  constructor() {
    super({
      adapter: {} as CloudAdapter,
      appId: '',
      limiter: new TeamsRateLimiter({ now: () => T0 }),
      logger: pino({ level: 'silent' }),
    });
  }
  override async send(user: UserRecord, activity: Partial<Activity>): Promise<Posted> {
    const activityId = `activity-${++this.n}`;
    this.sent.push({ userId: user.id, activity, activityId });
    return { activityId, conversationId: `a:${user.id}` };
  }
  override async update(
    user: UserRecord,
    _conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    this.updated.push({ userId: user.id, activityId, activity });
  }
}

const user = (id: string, name: string, locale = 'en-US'): UserRecord => ({
  id,
  tenantId: 't1',
  name,
  locale,
  enabled: true,
  subOrganisation: 'default',
  conversationReference: {
    serviceUrl: 'https://smba.example/',
    conversation: { id: `a:${id}` },
    channelId: 'msteams',
  },
});

const thread: Thread = {
  id: 't1',
  businessNumberId: 'pn',
  contact: { id: 'c1', phone: '447700900123', name: 'Maria Silva' },
  state: 'active',
  participants: [
    { id: 'alice', name: 'Alice Adams', joinedAt: T0 },
    { id: 'ben', name: 'Ben Brown', joinedAt: T0 },
  ],
  createdAt: T0,
  createdBy: 'alice',
  pendingCount: 0,
  nextSeq: 10,
  version: 0,
};

const inbound = (seq: number, body: string): Message => ({
  id: `t1:${seq}`,
  threadId: 't1',
  seq,
  direction: 'inbound',
  kind: 'inbound',
  body,
  status: 'received',
  statusTimes: { received: T0 + seq },
  attempts: 0,
  createdAt: T0 + seq,
});

const byAlice = (seq: number, body: string): Message => ({
  id: `t1:${seq}`,
  threadId: 't1',
  seq,
  direction: 'outbound',
  kind: 'text',
  author: { id: 'alice', name: 'Alice Adams' },
  body,
  status: 'sent',
  statusTimes: { pending: T0, sent: T0 + seq },
  attempts: 1,
  createdAt: T0 + seq,
});

const media = new MediaUrls({
  publicUrl: 'https://bot.example',
  secret: Buffer.from('k'),
  clock: { now: () => T0 },
});

let store: SqliteStore;
let records: SystemRecords;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  records = new SystemRecords(store);
  for (const u of [user('alice', 'Alice Adams'), user('ben', 'Ben Brown', 'de-DE')])
    await store.putUser(u);
});
afterEach(async () => {
  await store.close();
});

describe('gathering a conversation into one card', () => {
  it('carries the messages waiting right behind for the same user, in order, up to the first notice for them', async () => {
    const messages = [1, 2, 3, 4, 5].map((i) => inbound(i, `Question ${i}`));
    const to = ['alice'];
    const effects: Effect[] = [
      { type: 'deliver_inbound', threadId: 't1', messageId: 't1:1', to },
      { type: 'deliver_inbound', threadId: 't1', messageId: 't1:2', to },
      // Someone else's notice does not stop it; a receipt neither.
      { type: 'notify', threadId: 't1', to: ['ben'], notice: { key: 'core.window_closed' } },
      { type: 'status_changed', threadId: 't1', messageId: 't1:1', to },
      { type: 'deliver_inbound', threadId: 't1', messageId: 't1:3', to },
      // A notice for Alice: what comes after it comes after it.
      { type: 'notify', threadId: 't1', to, notice: { key: 'core.window_closed' } },
      { type: 'deliver_inbound', threadId: 't1', messageId: 't1:4', to },
    ] as Effect[];
    await store.apply({ thread, messages, effects }, { now: T0 });
    // Question 2 is already on a card of Alice's (Open showed it): not twice.
    await store.putMessageCard({
      messageId: 't1:2',
      userId: 'alice',
      activityId: 'opened',
      conversationId: 'a:alice',
    });
    const waiting = await store.listWaitingTeamsEffects('t1', 0, 100);
    const first = waiting[0]!;
    const gathering = new CardGathering({ records, media });
    const carried = await gathering.gather(messages[0]!, thread, user('alice', 'A'), first.seq);
    expect(carried.map((m) => m.body)).toEqual(['Question 1', 'Question 3']);

    const card = gatheredCard(carried, thread, 'alice', 'en-US', media);
    const words = textOf(card);
    expect(words).toContain('2 messages from Maria Silva');
    expect(words.indexOf('Question 1')).toBeLessThan(words.indexOf('Question 3'));
    const actions = executeActions(card);
    expect(actions.filter((a) => a.verb === 'info').map((a) => a.data.messageId)).toEqual([
      't1:1',
      't1:3',
    ]);
    expect(actions.filter((a) => a.verb === 'reply')).toHaveLength(2);
  });

  it('says how many in the reader’s language, with its plural', () => {
    const one = gatheredCard([inbound(1, 'Hallo')], thread, 'ben', 'de-DE', media);
    expect(textOf(one)).not.toContain('Nachrichten von');
    const two = gatheredCard(
      [inbound(1, 'Hallo'), inbound(2, 'Noch da?')],
      thread,
      'ben',
      'de-DE',
      media,
    );
    expect(textOf(two)).toContain('2 Nachrichten von Maria Silva');
    const ja = gatheredCard([inbound(1, 'a'), inbound(2, 'b')], thread, 'ben', 'ja-JP', media);
    expect(textOf(ja)).toContain('Maria Silva からのメッセージ 2 件');
  });
});

describe('the hourly summary', () => {
  const waitingFrom = (counts: readonly number[]) =>
    counts.map((count, i) => ({
      thread: {
        ...thread,
        id: `t${i + 1}`,
        contact: { ...thread.contact, name: `Contact ${i + 1}` },
      },
      count,
    }));

  it('counts messages and contacts, each with its own plural, in the reader’s language', () => {
    const one = textOf(hourlySummaryCard(waitingFrom([1]), [], 'alice', 'en-US', media));
    expect(one).toContain('1 new message from 1 contact');
    expect(one).toContain('Contact 1: 1 new message');
    expect(one).not.toMatch(/\d new messages/);
    const fromOne = textOf(hourlySummaryCard(waitingFrom([5]), [], 'alice', 'en-US', media));
    expect(fromOne).toContain('5 new messages from 1 contact');
    expect(fromOne).not.toContain('1 contacts');
    const many = textOf(
      hourlySummaryCard(waitingFrom([4, 3, 2, 2, 1]), [], 'alice', 'en-US', media),
    );
    expect(many).toContain('12 new messages from 5 contacts');
    expect(many).toContain('Contact 1: 4 new messages');
    expect(many).toContain('Contact 5: 1 new message');
    const de = textOf(hourlySummaryCard(waitingFrom([4, 3, 2, 2, 1]), [], 'ben', 'de-DE', media));
    expect(de).toContain('12 neue Nachrichten von 5 Kontakten');
    expect(de).toContain('Contact 5: 1 neue Nachricht');
    const fr = textOf(hourlySummaryCard(waitingFrom([1]), [], 'ben', 'fr-FR', media));
    expect(fr).toContain('1 nouveau message de 1 contact');
  });
});

describe('a contact who opens the conversation with a message (issue 11: one call per new contact)', () => {
  const opened = { key: 'thread.opened_by_contact' as const, params: { contact: 'Maria Silva' } };

  it("posts one card per user, saying above the message that the contact started it, in each reader's language", async () => {
    const first = inbound(1, 'Hello? Is my order coming?');
    await store.apply({ thread, messages: [first], effects: [] }, { now: T0 });
    const messenger = new RecordingMessenger();
    const channel = new TeamsUserChannel({
      records,
      messenger,
      media,
      logger: pino({ level: 'silent' }),
    });
    await channel.deliver(
      {
        type: 'deliver_inbound',
        threadId: 't1',
        messageId: first.id,
        to: ['alice', 'ben'],
        notice: opened,
      },
      thread,
    );
    expect(messenger.sent.map((s) => s.userId)).toEqual(['alice', 'ben']);
    const words = (i: number) =>
      textOf((messenger.sent[i]!.activity.attachments![0]!.content ?? {}) as object);
    const alice = words(0);
    const said = 'Maria Silva has started a new WhatsApp conversation with you.';
    expect(alice.split(said)).toHaveLength(2);
    expect(alice.indexOf(said)).toBeLessThan(alice.indexOf('Hello? Is my order coming?'));
    expect(words(1)).toContain(t('de', 'thread.opened_by_contact', { contact: 'Maria Silva' }));
    expect(words(1)).toContain('Hello? Is my order coming?');
  });

  it('says it once on a gathered card, above the message it came with', () => {
    const card = gatheredCard(
      [inbound(1, 'Question 1'), inbound(2, 'Question 2')],
      thread,
      'alice',
      'en-US',
      media,
      { 't1:1': opened },
    );
    const words = textOf(card);
    const said = 'Maria Silva has started a new WhatsApp conversation with you.';
    expect(words.split(said)).toHaveLength(2);
    expect(words.indexOf(said)).toBeLessThan(words.indexOf('Question 1'));
    expect(words).toContain('2 messages from Maria Silva');
  });
});

describe('receipts on a gathered card', () => {
  it('update the card that carries the message, re-rendering every message with its current status', async () => {
    const first = byAlice(1, 'Your order has shipped.');
    const second = byAlice(2, 'It arrives on Tuesday.');
    await store.apply({ thread, messages: [first, second], effects: [] }, { now: T0 });
    for (const m of [first, second])
      await store.putMessageCard({
        messageId: m.id,
        userId: 'ben',
        activityId: 'gathered-1',
        conversationId: 'a:ben',
      });
    const messenger = new RecordingMessenger();
    const channel = new TeamsUserChannel({
      records,
      messenger,
      media,
      logger: pino({ level: 'silent' }),
    });
    const stored = (await store.getThread('t1'))!;
    await store.apply(
      {
        thread: stored,
        messages: [
          { ...second, status: 'read', statusTimes: { ...second.statusTimes, read: T0 + 9 } },
        ],
        effects: [],
      },
      { now: T0, expectedVersion: stored.version },
    );
    await channel.deliver(
      { type: 'status_changed', threadId: 't1', messageId: second.id, to: ['ben'] },
      thread,
    );
    expect(messenger.sent).toEqual([]);
    expect(messenger.updated.map((u) => u.activityId)).toEqual(['gathered-1']);
    const card = (messenger.updated[0]!.activity.attachments![0]!.content ?? {}) as object;
    const words = textOf(card);
    // Both messages still there, once each, in order; each with its own status (Ben reads German).
    expect(words).toContain('2 Nachrichten von Maria Silva');
    expect(words.split('Your order has shipped.')).toHaveLength(2);
    expect(words.split('It arrives on Tuesday.')).toHaveLength(2);
    expect(words.indexOf('Your order has shipped.')).toBeLessThan(
      words.indexOf('It arrives on Tuesday.'),
    );
    const afterFirst = words.slice(words.indexOf('Your order'), words.indexOf('It arrives'));
    const afterSecond = words.slice(words.indexOf('It arrives'));
    expect(afterFirst).toMatch(/Gesendet/);
    expect(afterSecond).toMatch(/Gelesen/);
  });
});

describe('a user Teams refuses for good', () => {
  it("tells the organisation's admins who and from whom (never what), keeps the message, and only once an hour", async () => {
    await store.putOrganisation({
      tenantId: 't1',
      name: 'Contoso',
      enabled: true,
      businessNumbers: [
        { phoneNumberId: 'pn', displayPhoneNumber: '+44 20 7946 0000', intakeUserIds: ['alice'] },
      ],
      maxParticipants: 5,
      contactLocale: 'en',
    });
    await store.putUser({ ...user('ben', 'Ben Brown', 'de-DE'), admin: true });
    const question = inbound(1, 'Where is my secret parcel?');
    await store.apply({ thread, messages: [question], effects: [] }, { now: T0 });
    const messenger = new (class extends RecordingMessenger {
      override async send(u: UserRecord, activity: Partial<Activity>): Promise<Posted> {
        // The app was removed from Alice's Teams: 403 for her, the rest goes through.
        if (u.id === 'alice')
          throw new UserUnreachableError('alice', 'Bot Connector answered 403', 403);
        return super.send(u, activity);
      }
    })();
    const channel = new TeamsUserChannel({
      records,
      messenger,
      media,
      logger: pino({ level: 'silent' }),
    });
    const effect = {
      type: 'deliver_inbound',
      threadId: 't1',
      messageId: question.id,
      to: ['alice'],
    } as const;
    await channel.deliver(effect, thread);
    await channel.deliver(effect, thread);

    expect(messenger.sent.map((s) => s.userId)).toEqual(['ben']);
    const words = textOf(messenger.sent[0]!.activity.attachments![0]!.content);
    expect(words).toContain('Alice Adams ist in Teams nicht mehr erreichbar');
    expect(words).toContain('Maria Silva');
    expect(words).not.toContain('secret parcel');
    // Kept: in the store and the conversation's history.
    expect((await store.getMessage(question.id))?.body).toBe('Where is my secret parcel?');
  });
});
