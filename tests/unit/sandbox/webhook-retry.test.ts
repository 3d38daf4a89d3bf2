/**
 * WhatsApp retries a webhook the app refuses or cannot take
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint);
 * so does the sandbox,
 * in order, and it records what became of each one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox } from '../../../bot/src/sandbox/index.js';
import { CONTACT, CREDENTIALS, signatureIsValid, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('sandbox webhook delivery', () => {
  it('should retry a webhook the app answered 500, with the same signed body', async () => {
    h = await startHarness();
    h.refuseNext(1, 500);
    const wamid = h.sandbox.phone(CONTACT).sendText('Hello');
    await h.sandbox.idle();

    expect(h.received.map((r) => r.answered)).toEqual([500, 200]);
    expect(h.received[0]?.raw.equals(h.received[1]!.raw)).toBe(true);
    expect(h.received.every((r) => signatureIsValid(r))).toBe(true);
    const [delivery] = h.sandbox.webhooks();
    expect(delivery).toMatchObject({
      state: 'delivered',
      attempts: [{ httpStatus: 500 }, { httpStatus: 200 }],
    });
    expect(
      h.sandbox
        .phone(CONTACT)
        .messages()
        .find((m) => m.id === wamid)?.status,
    ).toBe('delivered');
  });

  it('should give up after the configured attempts and keep the contact’s message at one tick', async () => {
    h = await startHarness();
    h.refuseNext(3, 503);
    const wamid = h.sandbox.phone(CONTACT).sendText('Hello');
    await h.sandbox.idle();

    expect(h.received).toHaveLength(3);
    expect(h.sandbox.webhooks()[0]?.state).toBe('failed');
    expect(
      h.sandbox
        .phone(CONTACT)
        .messages()
        .find((m) => m.id === wamid)?.status,
    ).toBe('sent');
  });

  it('should keep later webhooks behind one being retried, so the app sees them in order', async () => {
    h = await startHarness();
    h.refuseNext(1, 500);
    const phone = h.sandbox.phone(CONTACT);
    phone.sendText('one');
    phone.sendText('two');
    await h.sandbox.idle();
    const bodies = h.accepted().map((p) => JSON.stringify(p));
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toContain('"one"');
    expect(bodies[1]).toContain('"two"');
  });

  it('should record an unreachable app as failed attempts', async () => {
    const sandbox = createSandbox({
      ...CREDENTIALS,
      webhookUrl: 'http://127.0.0.1:9/api/whatsapp/webhook',
      deliveryDelays: { sentMs: 0, deliveredMs: 0, readMs: 0 },
      webhookRetry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
    });
    sandbox.phone(CONTACT).sendText('anyone there?');
    await sandbox.idle();
    const [delivery] = sandbox.webhooks();
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts).toHaveLength(2);
    expect(delivery?.attempts[0]?.error).toMatch(/fetch failed/);
    sandbox.close();
  });
});

// alarm (issue 12): the "stop webhooks" switch, to see the webhook-silence alarm.
describe('sandbox webhooks stopped', () => {
  const textOf = (r: { json: unknown }) => JSON.stringify(r.json).match(/"body":"([^"]*)"/)?.[1];

  it('should hold every webhook while stopped and post them in order, signed, on resume', async () => {
    h = await startHarness();
    const api = `${h.url}/sandbox/api/webhooks`;
    const put = (stopped: boolean) =>
      fetch(api, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ stopped }),
      }).then((r) => r.json() as Promise<{ stopped: boolean; held: number; released: number }>);

    expect(await put(true)).toEqual({ stopped: true, held: 0, released: 0 });
    const phone = h.sandbox.phone(CONTACT);
    phone.sendText('one');
    phone.sendText('two');
    phone.sendText('three');
    await h.sandbox.idle();
    expect(h.received).toHaveLength(0);
    expect(h.sandbox.webhooks().map((d) => d.state)).toEqual(['held', 'held', 'held']);
    expect(await (await fetch(api)).json()).toMatchObject({ stopped: true, held: 3 });

    expect(await put(false)).toEqual({ stopped: false, held: 0, released: 3 });
    await h.sandbox.idle();
    expect(h.received.map(textOf)).toEqual(['one', 'two', 'three']);
    expect(h.received.every((r) => signatureIsValid(r))).toBe(true);
    expect(h.sandbox.webhooks().map((d) => d.state)).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ]);
  });

  it('should refuse a switch it cannot read and change nothing', async () => {
    h = await startHarness();
    const answer = await fetch(`${h.url}/sandbox/api/webhooks`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"stopped": "please"}',
    });
    expect(answer.status).toBe(400);
    h.sandbox.phone(CONTACT).sendText('still flowing');
    await h.sandbox.idle();
    expect(h.received.map(textOf)).toEqual(['still flowing']);
  });
});
