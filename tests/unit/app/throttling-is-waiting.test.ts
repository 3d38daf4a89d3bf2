/**
 * Throttling is waiting, not failing (Delivery under load): the app's own limits never count
 * as attempts, never fail a message and never drop a notice; each send waits for its slot.
 * On a fake clock: the budgets' time and the product's time are the test's.
 */
import { describe, expect, it } from 'vitest';
import { OutboxDispatcher } from '../../../bot/src/app/outbox-dispatcher.js';
import { TransientDeliveryError, WaitForSlot } from '../../../bot/src/app/ports.js';
import { RetryPolicy } from '../../../bot/src/app/retry-policy.js';
import { SendBudgets } from '../../../bot/src/app/send-budgets.js';
import { HOUR } from '../../../bot/src/core/types.js';
import { CloudApiClient } from '../../../bot/src/whatsapp/cloud-api-client.js';
import { WhatsAppChannel } from '../../../bot/src/whatsapp/contact-channel.js';
import { SendPacer } from '../../../bot/src/whatsapp/send-pacer.js';
import { AppWorld, CONTACT_ID, alice } from './world.js';

async function consented(w: AppWorld): Promise<void> {
  await w.withContact();
  await w.conversations.start(alice, CONTACT_ID);
  await w.dispatcher.drain();
  await w.conversations.receive({
    businessNumberId: 'bn-1',
    waMessageId: 'wamid.consent',
    from: '447700900123',
    sentAt: w.clock.now(),
    content: { type: 'button', button: 'consent', text: 'Agree' },
  });
  await w.dispatcher.drain();
}

/**
 * Waiting on the fake clock: sleepers wake one at a time, earliest first, each moving the
 * clock to the end of its wait (never back), as timers would.
 */
function fakeSleep(w: AppWorld): (ms: number) => Promise<void> {
  const sleepers: { target: number; wake: () => void }[] = [];
  let scheduled = false;
  const next = () => {
    scheduled = false;
    sleepers.sort((a, b) => a.target - b.target);
    const first = sleepers.shift();
    if (!first) return;
    if (w.clock.now() < first.target) w.clock.advance(first.target - w.clock.now());
    first.wake();
    if (sleepers.length > 0) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // After the store's own batches (setImmediate) of this turn, so every sleeper is in.
    setTimeout(next, 0);
  };
  return (ms) =>
    new Promise<void>((wake) => {
      sleepers.push({ target: w.clock.now() + ms, wake });
      schedule();
    });
}

/** WhatsApp's Cloud API as a fake: accepts every message and notes when (on the fake clock). */
function paced(w: AppWorld, options: { messagesPerSecond: number; pairBurst?: number }) {
  const sentAt: number[] = [];
  let n = 0;
  const client = new CloudApiClient({
    baseUrl: 'http://graph.test',
    phoneNumberId: 'bn-1',
    accessToken: 'token',
    fetch: async () => {
      sentAt.push(w.clock.now());
      return new Response(
        JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.r${++n}` }] }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    },
  });
  const budgets = new SendBudgets({
    store: w.store,
    now: () => w.clock.now(),
    holdMs: 2_000,
    sleep: fakeSleep(w),
  });
  const contacts = new WhatsAppChannel({
    clientFor: () => client,
    pacer: new SendPacer({
      now: () => w.clock.now(),
      messagesPerSecond: options.messagesPerSecond,
      ...(options.pairBurst !== undefined ? { pairBurst: options.pairBurst } : {}),
    }),
    budgets,
    store: w.store,
    businessName: () => 'Contoso',
    contactLocale: () => 'en',
  });
  const dispatcher = new OutboxDispatcher({
    store: w.store,
    clock: w.clock,
    logger: w.logger,
    conversations: w.conversations,
    contacts,
    users: w.teams,
    owner: 'paced',
    // If waiting counted, the second wait would fail the message.
    retryPolicy: new RetryPolicy({
      overrides: { whatsapp: { maxAttempts: 1 }, teams: { maxAttempts: 1 } },
    }),
  });
  return { sentAt, dispatcher };
}

/** Drain, and when only waiting effects are left, move the fake clock to the next one. */
async function drainAll(w: AppWorld, dispatcher: OutboxDispatcher): Promise<void> {
  for (let round = 0; round < 1_000; round++) {
    await dispatcher.drain();
    if ((await w.store.countPendingEffects()) === 0) return;
    w.clock.advance(250);
  }
  throw new Error('the outbox never emptied');
}

describe('throttling is waiting, not failing', () => {
  it('sends every reply beyond the pacer rate, none failed, never over the rate in any second', async () => {
    const w = new AppWorld();
    await consented(w);
    const { sentAt, dispatcher } = paced(w, { messagesPerSecond: 5, pairBurst: 1_000 });
    for (let i = 1; i <= 40; i++)
      await w.conversations.compose(alice.id, 't-1', { body: `reply ${i}` });
    await drainAll(w, dispatcher);

    const messages = (await w.messages()).filter((m) => m.body?.startsWith('reply '));
    expect(messages).toHaveLength(40);
    expect(messages.filter((m) => m.status === 'failed')).toEqual([]);
    expect(messages.every((m) => m.status === 'sent' && m.waMessageId)).toBe(true);
    // In order, and the number's throughput kept in every second.
    expect(messages.map((m) => m.waMessageId)).toEqual(
      Array.from({ length: 40 }, (_, i) => `wamid.r${i + 1}`),
    );
    const sorted = [...sentAt].sort((a, b) => a - b);
    for (let i = 5; i < sorted.length; i++)
      expect((sorted[i] as number) - (sorted[i - 5] as number)).toBeGreaterThanOrEqual(1_000);
    // And the rate was used: 40 at 5 a second take about 8 seconds, not much more.
    expect((sorted.at(-1) as number) - (sorted[0] as number)).toBeLessThan(10_000);
  });

  it("waits for a contact's pair rate in the outbox, without counting attempts", async () => {
    const w = new AppWorld();
    await consented(w);
    // 3 in a burst, then one every 6 s: most replies wait longer than the dispatcher holds.
    const { sentAt, dispatcher } = paced(w, { messagesPerSecond: 80, pairBurst: 3 });
    for (let i = 1; i <= 8; i++)
      await w.conversations.compose(alice.id, 't-1', { body: `reply ${i}` });
    await drainAll(w, dispatcher);
    const messages = (await w.messages()).filter((m) => m.body?.startsWith('reply '));
    expect(messages.map((m) => m.status)).toEqual(Array(8).fill('sent'));
    expect(sentAt).toHaveLength(8);
    const sorted = [...sentAt].sort((a, b) => a - b);
    for (let i = 3; i < sorted.length; i++)
      expect((sorted[i] as number) - (sorted[i - 3] as number)).toBeGreaterThanOrEqual(18_000);
  });

  it('a notice held back by Teams does not delay a WhatsApp send of the same thread', async () => {
    const w = new AppWorld(undefined, { maxAttempts: 1 });
    await consented(w);
    // Alice's chat is at Teams' hourly limit: the contact's message waits an hour for a slot.
    w.teams.failNext.push(new WaitForSlot(HOUR));
    await w.conversations.receive({
      businessNumberId: 'bn-1',
      waMessageId: 'wamid.in1',
      from: '447700900123',
      sentAt: w.clock.now(),
      content: { type: 'text', text: 'Is my parcel coming?' },
    });
    await w.dispatcher.drain();
    const shown = () =>
      w.teams.delivered.filter((e) => e.type === 'deliver_inbound').map((e) => e.messageId);
    expect(shown()).toEqual([]);

    // Alice answers at once: her reply goes to WhatsApp now, not in an hour.
    await w.conversations.compose(alice.id, 't-1', { body: 'Yes, tomorrow.' });
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.map((m) => m.body)).toContain('Yes, tomorrow.');
    expect(shown()).toEqual([]);

    // The hour passes: the contact's message is shown, not given up (waiting is no attempt).
    w.clock.advance(HOUR);
    await w.dispatcher.drain();
    expect(shown()).toHaveLength(1);
  });

  it("Teams' 429 waits for Retry-After without counting, however often", async () => {
    const w = new AppWorld(undefined, { maxAttempts: 2 });
    await consented(w);
    for (let i = 0; i < 6; i++)
      w.teams.failNext.push(new TransientDeliveryError('Bot Connector answered 429', 0, true));
    await w.conversations.receive({
      businessNumberId: 'bn-1',
      waMessageId: 'wamid.in2',
      from: '447700900123',
      sentAt: w.clock.now(),
      content: { type: 'text', text: 'Hello?' },
    });
    for (let i = 0; i < 10; i++) await w.dispatcher.drain();
    expect(w.teams.delivered.filter((e) => e.type === 'deliver_inbound')).toHaveLength(1);
  });
});
