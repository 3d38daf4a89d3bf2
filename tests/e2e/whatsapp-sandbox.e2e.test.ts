/**
 * The real server on a loopback port, with the sandbox playing WhatsApp and the contact's
 * phone: the conversation's policy as WhatsApp enforces it, end to end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contactIdFor } from '../../bot/src/app/conversations.js';
import { SANDBOX_CREDENTIALS } from '../../bot/src/config/config.js';
import {
  HOUR,
  PNG,
  RecordingUsers,
  startTestProduct,
  type TestProduct,
} from './support/test-product.js';

const alice = { id: 'u-alice', name: 'Alice Adams' };
const PHONE = '447700900123';
const BN = SANDBOX_CREDENTIALS.phoneNumberId;
const CONTACT = contactIdFor(BN, PHONE);

let product: TestProduct | undefined;
afterEach(async () => {
  await product?.stop();
  product = undefined;
});

async function start(): Promise<{ p: TestProduct; users: RecordingUsers }> {
  const users = new RecordingUsers();
  const p = await startTestProduct({ users });
  product = p;
  await p.store.putContact({
    id: CONTACT,
    businessNumberId: BN,
    phone: PHONE,
    name: 'Maria Silva',
  });
  return { p, users };
}

async function consented(): Promise<{ p: TestProduct; users: RecordingUsers; threadId: string }> {
  const { p, users } = await start();
  const started = await p.conversations.start(alice, CONTACT);
  if ('rejected' in started) throw new Error(started.notice.key);
  await p.settle();
  p.sandbox.phone(PHONE).tapButton('wa4t:consent');
  await p.settle();
  return { p, users, threadId: started.thread.id };
}

describe('WhatsApp through the sandbox', () => {
  it('asks for consent, and once given, carries messages both ways with their receipts', async () => {
    const { p, users } = await start();
    const started = await p.conversations.start(alice, CONTACT);
    if ('rejected' in started) throw new Error(started.notice.key);
    await p.conversations.compose(alice.id, started.thread.id, {
      body: 'Hello Maria, your order has shipped.',
    });
    await p.settle();

    const phone = p.sandbox.phone(PHONE);
    const [optIn] = phone.received();
    expect(optIn).toMatchObject({ kind: 'template', text: expect.stringContaining('Contoso') });
    expect(optIn!.buttons!.map((b) => b.title)).toEqual(['Agree', 'Decline']);
    // Nothing else reaches the contact before consent.
    expect(phone.received()).toHaveLength(1);
    expect((await p.store.getMessage(`${started.thread.id}:2`))!.status).toBe('pending');

    // She has the chat open: what arrives is read (the sandbox reads only what is on screen).
    phone.openChat().tapButton('Agree');
    await p.settle();
    expect(phone.received().map((m) => m.text)).toContain('Hello Maria, your order has shipped.');
    expect((await p.store.getThread(started.thread.id))!.state).toBe('active');
    const hello = (await p.store.getMessage(`${started.thread.id}:2`))!;
    expect(hello.status).toBe('read');
    expect(Object.keys(hello.statusTimes).sort()).toEqual(['delivered', 'pending', 'read', 'sent']);
    expect((await p.store.listConsentRecords({ contactId: CONTACT })).map((r) => r.kind)).toEqual([
      'consent',
    ]);

    phone.sendText('Thanks! When will it arrive?');
    await p.settle();
    const inbound = (await p.store.listMessages(started.thread.id)).filter(
      (m) => m.direction === 'inbound',
    );
    expect(inbound.map((m) => m.body)).toContain('Thanks! When will it arrive?');
    expect(users.effects.some((e) => e.type === 'deliver_inbound' && e.to.includes(alice.id))).toBe(
      true,
    );
    expect(users.effects.filter((e) => e.type === 'status_changed').length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('shows no read receipt when the contact has read receipts off', async () => {
    const { p, threadId } = await consented();
    p.sandbox.phone(PHONE).setReadReceipts(false);
    const sent = await p.conversations.compose(alice.id, threadId, { body: 'Private?' });
    if ('rejected' in sent) throw new Error();
    await p.settle();
    expect((await p.store.getMessage(sent.messages[0]!.id))!.status).toBe('delivered');
  });

  it('pauses when the window expires, sends the resume template, and releases the queue in order on resume', async () => {
    const { p, users, threadId } = await consented();
    p.sandbox.clock.advance(25 * HOUR);
    for (const body of ['one', 'two', 'three'])
      await p.conversations.compose(alice.id, threadId, { body });
    await p.settle();
    const phone = p.sandbox.phone(PHONE);
    const resume = phone.received().at(-1)!;
    expect(resume).toMatchObject({
      kind: 'template',
      buttons: [expect.objectContaining({ title: 'Resume conversation' })],
    });
    expect(users.notices(alice.id)).toContain('thread.paused');
    expect((await p.store.getThread(threadId))!.state).toBe('paused');

    phone.tapButton('Resume conversation');
    await p.settle();
    expect(
      phone
        .received()
        .slice(-3)
        .map((m) => m.text),
    ).toEqual(['one', 'two', 'three']);
    expect((await p.store.getThread(threadId))!.state).toBe('active');
  });

  it('trusts WhatsApp when it says the window closed (131047), queues the message again and resumes', async () => {
    const { p, threadId } = await consented();
    // The contact's clock and WhatsApp's agree the window is shut; ours is told by 131047.
    p.sandbox.phone(PHONE).failNextDelivery(131047);
    const sent = await p.conversations.compose(alice.id, threadId, { body: 'edge' });
    if ('rejected' in sent) throw new Error();
    await p.settle();
    expect((await p.store.getThread(threadId))!.state).toBe('paused');
    expect((await p.store.getMessage(sent.messages[0]!.id))!.status).toBe('pending');
    p.sandbox.phone(PHONE).openChat().tapButton('Resume conversation');
    await p.settle();
    expect((await p.store.getMessage(sent.messages[0]!.id))!.status).toBe('read');
  });

  it('retries an undelivered opt-in after 24 hours and closes the thread when it fails again', async () => {
    const { p, users } = await start();
    const phone = p.sandbox.phone(PHONE);
    phone.failNextDelivery(131026);
    const started = await p.conversations.start(alice, CONTACT);
    if ('rejected' in started) throw new Error();
    await p.settle();
    expect(users.notices(alice.id)).toContain('optin.failed');
    expect((await p.store.getThread(started.thread.id))!.state).toBe('awaiting_consent');

    phone.failNextDelivery(131026);
    p.sandbox.clock.advance(23 * HOUR);
    await p.settle();
    expect(p.sandbox.sent().filter((s) => s.request.type === 'template')).toHaveLength(1);
    p.sandbox.clock.advance(HOUR);
    await p.settle();
    expect(p.sandbox.sent().filter((s) => s.request.type === 'template')).toHaveLength(2);
    expect((await p.store.getThread(started.thread.id))!).toMatchObject({
      state: 'closed',
      closedReason: 'optin_undeliverable',
    });
    expect(users.notices(alice.id)).toContain('optin.failed_closed');
  });

  it('carries a picture each way: downloaded and kept when it comes in, uploaded when it goes out', async () => {
    const { p, users, threadId } = await consented();
    const phone = p.sandbox.phone(PHONE);
    phone.sendImage(PNG, 'image/png', { caption: 'the damaged box' });
    await p.settle();
    const inbound = (await p.store.listMessages(threadId)).find(
      (m) => m.direction === 'inbound' && m.media,
    )!;
    expect(inbound.media).toMatchObject({
      mimeType: 'image/png',
      size: PNG.length,
      caption: 'the damaged box',
    });
    const kept = await p.store.getMedia(inbound.media!.id);
    expect(Buffer.from(kept!.bytes).equals(PNG)).toBe(true);
    expect(
      users.effects.some((e) => e.type === 'deliver_inbound' && e.messageId === inbound.id),
    ).toBe(true);

    const media = await p.store.putMedia(PNG, 'image/png');
    phone.openChat();
    const sent = await p.conversations.compose(alice.id, threadId, { body: 'our label', media });
    if ('rejected' in sent) throw new Error();
    await p.settle();
    const received = phone.received().at(-1)!;
    expect(received).toMatchObject({
      kind: 'image',
      image: { mimeType: 'image/png', caption: 'our label' },
    });
    expect((await p.store.getMessage(sent.messages[0]!.id))!.status).toBe('read');
  });
});
