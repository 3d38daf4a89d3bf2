import { describe, expect, it } from 'vitest';
import { isRejection } from '../../../bot/src/core/types.js';
import { TransientDeliveryError } from '../../../bot/src/app/ports.js';
import { AppWorld, CONTACT_ID, alice } from './world.js';

async function startedAndConsented(w: AppWorld): Promise<void> {
  await w.withContact();
  const outcome = await w.conversations.start(alice, CONTACT_ID);
  expect(isRejection(outcome)).toBe(false);
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

describe('the outbox dispatcher', () => {
  it('sends the opt-in to WhatsApp and records its wamid and the sent status', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.map((m) => m.template)).toEqual(['opt_in']);
    const [optIn] = await w.messages();
    expect(optIn).toMatchObject({ status: 'sent', waMessageId: 'wamid.out1' });
    expect(w.teams.noticesFor(alice.id)).toEqual(['thread.optin_sent']);
    expect(await w.store.countPendingEffects()).toBe(0);
  });

  it('releases fifty pending messages to WhatsApp in the order they were written', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    for (let i = 1; i <= 50; i++)
      await w.conversations.compose(alice.id, 't-1', { body: `message ${i}` });
    await w.dispatcher.drain();
    expect(w.whatsapp.sent).toHaveLength(1);
    await w.conversations.receive({
      businessNumberId: 'bn-1',
      waMessageId: 'wamid.c',
      from: '447700900123',
      sentAt: w.clock.now(),
      content: { type: 'button', button: 'consent', text: 'Agree' },
    });
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.slice(1).map((m) => m.body)).toEqual(
      Array.from({ length: 50 }, (_, i) => `message ${i + 1}`),
    );
  });

  it('retries a transient failure with backoff, keeping later messages of the thread behind it', async () => {
    const w = new AppWorld();
    await startedAndConsented(w);
    w.whatsapp.answerNext({ outcome: 'retry', reason: 'HTTP 503' });
    await w.conversations.compose(alice.id, 't-1', { body: 'first' });
    await w.conversations.compose(alice.id, 't-1', { body: 'second' });
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.filter((m) => m.kind === 'text').map((m) => m.body)).toEqual([]);
    w.clock.advance(1000);
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.filter((m) => m.kind === 'text').map((m) => m.body)).toEqual([
      'first',
      'second',
    ]);
  });

  it('waits as long as WhatsApp asks after a throttle', async () => {
    const w = new AppWorld();
    await startedAndConsented(w);
    w.whatsapp.answerNext({ outcome: 'retry', reason: '131056', afterMs: 16_000 });
    await w.conversations.compose(alice.id, 't-1', { body: 'paced' });
    await w.dispatcher.drain();
    w.clock.advance(15_000);
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.filter((m) => m.kind === 'text').map((m) => m.body)).toEqual([]);
    w.clock.advance(1_000);
    await w.dispatcher.drain();
    expect(w.whatsapp.sent.filter((m) => m.kind === 'text').map((m) => m.body)).toEqual(['paced']);
  });

  it('gives up after its bound and tells the author the message failed', async () => {
    const w = new AppWorld(undefined, { maxAttempts: 3 });
    await startedAndConsented(w);
    const retry = { outcome: 'retry' as const, reason: 'HTTP 503' };
    w.whatsapp.answerNext(retry, retry, retry);
    await w.conversations.compose(alice.id, 't-1', { body: 'doomed' });
    for (let i = 0; i < 5; i++) {
      await w.dispatcher.drain();
      w.clock.advance(60_000);
    }
    const doomed = (await w.messages()).find((m) => m.body === 'doomed')!;
    expect(doomed).toMatchObject({
      status: 'failed',
      failure: { reasonKey: 'reason.service_unavailable' },
    });
    // Shown once, on the message's own card (issue 10): a status change, not a notice.
    expect(w.teams.noticesFor(alice.id)).not.toContain('message.failed');
    expect(
      w.teams.delivered.some(
        (e) => e.type === 'status_changed' && e.messageId === doomed.id && e.to.includes(alice.id),
      ),
    ).toBe(true);
  });

  it('fails a message WhatsApp refuses for good, with the reason', async () => {
    const w = new AppWorld();
    await startedAndConsented(w);
    w.whatsapp.answerNext({
      outcome: 'failed',
      failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
    });
    await w.conversations.compose(alice.id, 't-1', { body: 'refused' });
    await w.dispatcher.drain();
    const refused = (await w.messages()).find((m) => m.body === 'refused')!;
    expect(refused).toMatchObject({ status: 'failed', failure: { graphCode: 131026 } });
    expect(refused.failure?.reasonKey).toBe('reason.undeliverable');
    expect(
      w.teams.delivered.filter((e) => e.type === 'notify').map((e) => e.notice.key),
    ).not.toContain('message.failed');
    expect(
      w.teams.delivered.some((e) => e.type === 'status_changed' && e.messageId === refused.id),
    ).toBe(true);
  });

  it('retries a Teams notice that hit a rate limit', async () => {
    const w = await new AppWorld().withContact();
    w.teams.failNext.push(new TransientDeliveryError('429', 2_000));
    await w.conversations.start(alice, CONTACT_ID);
    await w.dispatcher.drain();
    expect(w.teams.noticesFor(alice.id)).toEqual([]);
    w.clock.advance(2_000);
    await w.dispatcher.drain();
    expect(w.teams.noticesFor(alice.id)).toEqual(['thread.optin_sent']);
  });

  it('resends a send interrupted by a crash only if WhatsApp never acknowledged it, flagged as possibly twice', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    // Another instance claimed the opt-in send and died with it in flight.
    const [claimed] = await w.store.claimEffects('crashed-instance', w.clock.now(), 30_000, 1);
    expect(claimed!.effect.type).toBe('send_to_contact');
    await w.dispatcher.drain();
    expect(w.whatsapp.sent).toEqual([]);
    w.clock.advance(30_001);
    await w.dispatcher.drain();
    expect(w.whatsapp.sent).toHaveLength(1);
    const [optIn] = await w.messages();
    expect(optIn).toMatchObject({ status: 'sent', possiblyDuplicate: true });
  });
});
