/**
 * The Teams user channel: which card each user gets for each effect, and that receipts update
 * the card first posted for a message and user, in place, never a new card per status.
 */
import type { Activity, CloudAdapter } from 'botbuilder';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientDeliveryError, type TeamsEffect } from '../../../bot/src/app/ports.js';
import type { Message, Thread } from '../../../bot/src/core/types.js';
import type { UserRecord } from '../../../bot/src/store/port.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import { SystemRecords } from '../../../bot/src/app/system-records.js';
import { ChatAttention } from '../../../bot/src/app/chat-attention.js';
import { UserUnreachableError } from '../../../bot/src/teams/connector-errors.js';
import { MediaUrls } from '../../../bot/src/teams/media-route.js';
import { TeamsMessenger, type Posted } from '../../../bot/src/teams/messenger.js';
import { TeamsRateLimiter, type Window } from '../../../bot/src/teams/rate-limits.js';
import { TeamsUserChannel } from '../../../bot/src/teams/user-channel.js';

const T0 = Date.UTC(2026, 0, 5, 9);

/** The real messenger with the Bot Connector replaced by a record of what would be sent. */
class RecordingMessenger extends TeamsMessenger {
  readonly sent: { userId: string; activity: Partial<Activity>; activityId: string }[] = [];
  readonly updated: { userId: string; activityId: string; activity: Partial<Activity> }[] = [];
  failWith: Error | undefined;
  private n = 0;

  constructor(windows?: readonly Window[]) {
    super({
      adapter: {} as CloudAdapter,
      appId: '',
      limiter: new TeamsRateLimiter({
        now: () => T0,
        ...(windows ? { conversationWindows: windows } : {}),
      }),
      logger: pino({ level: 'silent' }),
    });
  }

  override async send(user: UserRecord, activity: Partial<Activity>): Promise<Posted> {
    if (this.failWith) throw this.failWith;
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
    if (this.failWith) throw this.failWith;
    this.updated.push({ userId: user.id, activityId, activity });
  }
}

const user = (id: string, name: string, reference = true): UserRecord => ({
  id,
  tenantId: 't1',
  name,
  locale: 'en-US',
  enabled: true,
  subOrganisation: 'default',
  ...(reference
    ? {
        conversationReference: {
          serviceUrl: 'https://smba.example/',
          conversation: { id: `a:${id}` },
          channelId: 'msteams',
        },
      }
    : {}),
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
  nextSeq: 4,
  version: 0,
};

const message = (seq: number, fields: Partial<Message>): Message => ({
  id: `t1:${seq}`,
  threadId: 't1',
  seq,
  direction: 'outbound',
  kind: 'text',
  status: 'sent',
  statusTimes: { pending: T0, sent: T0 + 1 },
  attempts: 1,
  createdAt: T0,
  ...fields,
});

const byAlice = message(1, {
  author: { id: 'alice', name: 'Alice Adams' },
  body: 'Your order has shipped.',
});
const optIn = message(2, {
  kind: 'template',
  template: 'opt_in',
  author: { id: 'alice', name: 'Alice Adams' },
});
const fromMaria = message(3, {
  direction: 'inbound',
  kind: 'inbound',
  body: 'Thanks!',
  status: 'received',
  statusTimes: { received: T0 },
});

let store: SqliteStore;
let messenger: RecordingMessenger;
let channel: TeamsUserChannel;

function text(activity: Partial<Activity>): string {
  return JSON.stringify(activity.attachments);
}

async function setStatus(m: Message, status: Message['status']): Promise<void> {
  const stored = (await store.getThread('t1'))!;
  await store.apply(
    {
      thread: stored,
      messages: [{ ...m, status, statusTimes: { ...m.statusTimes, [status]: T0 + 5 } }],
      effects: [],
    },
    { now: T0, expectedVersion: stored.version },
  );
}

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  messenger = new RecordingMessenger();
  channel = new TeamsUserChannel({
    records: new SystemRecords(store),
    messenger,
    media: new MediaUrls({
      publicUrl: 'https://bot.example',
      secret: Buffer.from('k'),
      clock: { now: () => T0 },
    }),
    logger: pino({ level: 'silent' }),
  });
  for (const u of [user('alice', 'Alice Adams'), user('ben', 'Ben Brown')]) await store.putUser(u);
  await store.apply({ thread, messages: [byAlice, optIn, fromMaria], effects: [] }, { now: T0 });
});
afterEach(async () => {
  await store.close();
});

const changed = (m: Message, to: string[]): TeamsEffect => ({
  type: 'status_changed',
  threadId: 't1',
  messageId: m.id,
  to,
});

describe('the Teams user channel', () => {
  it('should update the card of a message in place, on the activity first recorded for that user, for every receipt', async () => {
    await store.putMessageCard({
      messageId: byAlice.id,
      userId: 'alice',
      activityId: 'turn-card',
      conversationId: 'a:alice',
    });
    await setStatus(byAlice, 'delivered');
    await channel.deliver(changed(byAlice, ['alice']), thread);
    await setStatus(byAlice, 'read');
    await channel.deliver(changed(byAlice, ['alice']), thread);
    expect(messenger.sent).toEqual([]);
    expect(messenger.updated.map((u) => u.activityId)).toEqual(['turn-card', 'turn-card']);
    expect(text(messenger.updated[0]!.activity)).toContain('Delivered');
    expect(text(messenger.updated[1]!.activity)).toContain('Read');
  });

  it("should show a colleague's message with its author's name, and then update that card in place", async () => {
    await channel.deliver(
      { type: 'share_outbound', threadId: 't1', messageId: byAlice.id, to: ['ben'] },
      thread,
    );
    expect(messenger.sent).toHaveLength(1);
    expect(text(messenger.sent[0]!.activity)).toContain('Alice Adams to Maria Silva');
    await setStatus(byAlice, 'delivered');
    await channel.deliver(changed(byAlice, ['ben']), thread);
    expect(messenger.sent).toHaveLength(1);
    expect(messenger.updated).toEqual([
      expect.objectContaining({ userId: 'ben', activityId: messenger.sent[0]!.activityId }),
    ]);
  });

  it('should post the card of what the app sent for the users with its first receipt, and update it after', async () => {
    await channel.deliver(changed(optIn, ['alice', 'ben']), thread);
    expect(messenger.sent.map((s) => s.userId)).toEqual(['alice', 'ben']);
    expect(text(messenger.sent[0]!.activity)).toContain('Opt-in request to Maria Silva');
    await setStatus(optIn, 'read');
    await channel.deliver(changed(optIn, ['alice', 'ben']), thread);
    expect(messenger.sent).toHaveLength(2);
    expect(messenger.updated.map((u) => u.activityId)).toEqual(
      messenger.sent.map((s) => s.activityId),
    );
  });

  it("should leave the author's own words to the turn that wrote them when their card is not recorded yet", async () => {
    await channel.deliver(changed(byAlice, ['alice', 'ben']), thread);
    // Ben never got the shared card: his first receipt posts it; Alice's comes from her turn.
    expect(messenger.sent.map((s) => s.userId)).toEqual(['ben']);
    expect(messenger.updated).toEqual([]);
  });

  it("should not show a contact's message twice when the effect is tried again", async () => {
    const effect: TeamsEffect = {
      type: 'deliver_inbound',
      threadId: 't1',
      messageId: fromMaria.id,
      to: ['alice', 'ben'],
    };
    await channel.deliver(effect, thread);
    await channel.deliver(effect, thread);
    expect(messenger.sent.map((s) => s.userId)).toEqual(['alice', 'ben']);
    expect(text(messenger.sent[0]!.activity)).toContain('Thanks!');
    expect(text(messenger.sent[0]!.activity)).toContain('"verb":"reply"');
  });

  it("should render a notice in each user's own language", async () => {
    await store.putUser({ ...user('ben', 'Ben Brown'), locale: 'de-DE' });
    await channel.deliver(
      {
        type: 'notify',
        threadId: 't1',
        to: ['alice', 'ben'],
        notice: { key: 'thread.consented_start', params: { contact: 'Maria Silva' } },
      },
      thread,
    );
    expect(text(messenger.sent[0]!.activity)).toContain('Maria Silva has opted in.');
    expect(text(messenger.sent[1]!.activity)).not.toContain('has opted in');
  });

  it('should skip a user with no conversation with the bot, and still tell the others', async () => {
    await store.putUser(user('ben', 'Ben Brown', false));
    await channel.deliver(
      {
        type: 'notify',
        threadId: 't1',
        to: ['ben', 'alice', 'nobody'],
        notice: { key: 'thread.consented_start', params: { contact: 'Maria Silva' } },
      },
      thread,
    );
    expect(messenger.sent.map((s) => s.userId)).toEqual(['alice']);
  });

  it('should ask to be tried again later, sending nothing, when over Teams rate limits', async () => {
    messenger = new RecordingMessenger([{ max: 1, perMs: 1_000 }]);
    channel = new TeamsUserChannel({
      records: new SystemRecords(store),
      messenger,
      media: new MediaUrls({
        publicUrl: 'https://bot.example',
        secret: Buffer.from('k'),
        clock: { now: () => T0 },
      }),
      logger: pino({ level: 'silent' }),
    });
    const notice: TeamsEffect = {
      type: 'notify',
      threadId: 't1',
      to: ['alice'],
      notice: { key: 'thread.consented_start', params: { contact: 'Maria Silva' } },
    };
    await channel.deliver(notice, thread);
    const error = await channel.deliver(notice, thread).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as TransientDeliveryError).retryAfterMs).toBe(1_000);
    expect(messenger.sent).toHaveLength(1);
  });

  it('should pass on a transient failure of the Bot Connector, and skip a user it cannot reach', async () => {
    const notice: TeamsEffect = {
      type: 'notify',
      threadId: 't1',
      to: ['alice'],
      notice: { key: 'thread.consented_start', params: { contact: 'Maria Silva' } },
    };
    messenger.failWith = new TransientDeliveryError('Bot Connector answered 429', 2_000);
    await expect(channel.deliver(notice, thread)).rejects.toMatchObject({ retryAfterMs: 2_000 });
    messenger.failWith = new UserUnreachableError('alice', 'Bot Connector answered 403');
    await expect(channel.deliver(notice, thread)).resolves.toBeUndefined();
  });
});

// reply (issue 10): arrivals kept in the store, and each user's own name for the contact.
describe('the Teams user channel, for the chat (reply)', () => {
  const attentionChannel = () =>
    new TeamsUserChannel({
      records: new SystemRecords(store),
      messenger,
      media: new MediaUrls({
        publicUrl: 'https://bot.example',
        secret: Buffer.from('k'),
        clock: { now: () => T0 },
      }),
      logger: pino({ level: 'silent' }),
      attention: new ChatAttention(store, { now: () => T0 }),
    });
  const inbound: TeamsEffect = {
    type: 'deliver_inbound',
    threadId: 't1',
    messageId: fromMaria.id,
    to: ['alice', 'ben'],
  };

  it('notes the card as arrived for a user whose current conversation is another, before it goes; not for the one it is current for', async () => {
    await store.putUser({ ...user('alice', 'Alice Adams'), currentThreadId: 't-bob' });
    await store.putUser({ ...user('ben', 'Ben Brown'), currentThreadId: 't1' });
    let notedWhenSent: string[] | undefined;
    const send = messenger.send.bind(messenger);
    messenger.send = async (u, activity) => {
      if (u.id === 'alice') notedWhenSent = await store.listArrivals('alice');
      return send(u, activity);
    };
    await attentionChannel().deliver(inbound, thread);
    expect(notedWhenSent).toEqual(['t1']);
    expect(await store.listArrivals('ben')).toEqual([]);
  });

  it('shows each user their own name for the contact', async () => {
    await store.putAddressBookEntry({ userId: 'alice', contactId: 'c1', name: 'Mrs Silva' });
    await attentionChannel().deliver(inbound, thread);
    const forAlice = messenger.sent.find((s) => s.userId === 'alice')!;
    const forBen = messenger.sent.find((s) => s.userId === 'ben')!;
    expect(text(forAlice.activity)).toContain('Mrs Silva');
    expect(text(forAlice.activity)).not.toContain('Maria Silva');
    expect(text(forBen.activity)).toContain('Maria Silva');
  });
});
