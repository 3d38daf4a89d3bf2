/**
 * What becomes of a business send: signed status webhooks sent → delivered → read, the 24-hour
 * window, read receipts off, and failures on demand
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeErrors, validatorAt } from '../whatsapp/openapi-schema.js';
import {
  CONTACT,
  HOUR,
  optInBody,
  send,
  signatureIsValid,
  startHarness,
  statusesFor,
  textBody,
  valueOf,
  type Harness,
} from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  // The contact looks at the chat: the business's messages are read as they arrive.
  h.sandbox.phone(CONTACT).openChat();
});
afterEach(async () => {
  await h.close();
});

/** The contact writes first, so the window is open. */
async function openWindow(): Promise<void> {
  h.sandbox.phone(CONTACT, 'Ana Silva').sendText('Hello?');
  await h.sandbox.idle();
}

describe('sandbox statuses', () => {
  it('should report sent, delivered and read for a text inside the window, each signed and carrying the callback data', async () => {
    await openWindow();
    const wamid = await send(h, textBody('Thanks, looking at it now.', CONTACT, 'thread-7:3'));
    await h.sandbox.idle();

    const statuses = statusesFor(h, wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statuses.every((s) => s.biz_opaque_callback_data === 'thread-7:3')).toBe(true);

    // Not the raw text: Graph-style JSON escapes the "/" a wamid may hold.
    const webhooks = h.received.filter((r) => JSON.stringify(r.json).includes(wamid));
    expect(webhooks).toHaveLength(3);
    for (const webhook of webhooks) {
      expect(signatureIsValid(webhook)).toBe(true);
      expect(signatureIsValid(webhook, 'another-secret')).toBe(false);
      expect(webhook.headers['content-type']).toBe('application/json');
    }
  });

  it('should post status webhooks that match the OpenAPI WebhookPayload schema', async () => {
    await openWindow();
    const wamid = await send(h, textBody('Hi'));
    await h.sandbox.idle();
    const validate = validatorAt('#/components/schemas/WebhookPayload');
    const payloads = h.accepted().filter((p) => JSON.stringify(p).includes(wamid));
    expect(payloads.length).toBeGreaterThan(0);
    for (const payload of payloads) expect(validate(payload), describeErrors(validate)).toBe(true);
    expect(payloads[0]).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: '15550000001',
                  phone_number_id: '100000000000001',
                },
                statuses: [
                  {
                    id: wamid,
                    status: 'sent',
                    recipient_id: CONTACT,
                    timestamp: expect.stringMatching(/^\d+$/),
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('should use the sandbox clock for status timestamps', async () => {
    await openWindow();
    h.clock.advance(HOUR);
    const wamid = await send(h, textBody('Hi'));
    await h.sandbox.idle();
    const payload = h.accepted().find((p) => JSON.stringify(p).includes(wamid));
    const status = (valueOf(payload!).statuses as { timestamp: string }[])[0];
    expect(Number(status?.timestamp) * 1000).toBe(Math.floor(h.clock.now() / 1000) * 1000);
  });

  it('should never report read when the contact turned read receipts off', async () => {
    await openWindow();
    h.sandbox.phone(CONTACT).setReadReceipts(false);
    const wamid = await send(h, textBody('Hi'));
    await h.sandbox.idle();
    expect(statusesFor(h, wamid).map((s) => s.status)).toEqual(['sent', 'delivered']);
    expect(
      h.sandbox
        .phone(CONTACT)
        .received()
        .map((m) => m.text),
    ).toContain('Hi');
  });

  it('should fail the next delivery with the chosen code, once', async () => {
    await openWindow();
    h.sandbox.phone(CONTACT).failNextDelivery(131026);
    const failed = await send(h, textBody('First'));
    const delivered = await send(h, textBody('Second'));
    await h.sandbox.idle();

    const statuses = statusesFor(h, failed);
    expect(statuses.map((s) => s.status)).toEqual(['failed']);
    expect(statuses[0]?.errors?.[0]).toMatchObject({
      code: 131026,
      title: 'Message undeliverable',
    });
    expect(statuses[0]?.biz_opaque_callback_data).toBe('thread-1:1');
    expect(statusesFor(h, delivered).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    // The phone only shows what reached it; the failure is a note for the developer.
    const phone = h.sandbox.phone(CONTACT);
    expect(phone.received().map((m) => m.text)).toEqual(['Second']);
    expect(phone.messages().find((m) => m.id === failed)).toMatchObject({
      kind: 'undelivered',
      error: { code: 131026 },
    });
  });
});

describe('sandbox 24-hour window', () => {
  it('should accept a free-form message to a contact who never wrote, then fail it with 131047', async () => {
    const wamid = await send(h, textBody('Hello out of the blue'));
    await h.sandbox.idle();
    const statuses = statusesFor(h, wamid);
    expect(statuses.map((s) => s.status)).toEqual(['failed']);
    expect(statuses[0]?.errors?.[0]).toMatchObject({
      code: 131047,
      title: 'Re-engagement message',
    });
  });

  it('should fail a free-form message 25 hours after the contact last wrote with 131047', async () => {
    await openWindow();
    h.clock.advance(25 * HOUR);
    const wamid = await send(h, textBody('Still there?'));
    await h.sandbox.idle();
    expect(statusesFor(h, wamid)[0]?.errors?.[0]?.code).toBe(131047);
    expect(h.sandbox.phone(CONTACT).windowOpen()).toBe(false);
  });

  it('should still deliver a free-form message 23 hours after the contact last wrote', async () => {
    await openWindow();
    h.clock.advance(23 * HOUR);
    const wamid = await send(h, textBody('Here is the update'));
    await h.sandbox.idle();
    expect(statusesFor(h, wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('should deliver a template outside the window, billed as a regular utility message', async () => {
    h.clock.advance(48 * HOUR);
    const wamid = await send(h, optInBody());
    await h.sandbox.idle();
    expect(statusesFor(h, wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const sent = h.accepted().find((p) => JSON.stringify(p).includes(wamid));
    expect((valueOf(sent!).statuses as unknown[])[0]).toMatchObject({
      pricing: { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' },
    });
  });

  it('should show the template on the phone with its body and quick-reply buttons', async () => {
    const wamid = await send(h, optInBody(CONTACT, 'thread-9:0'));
    await h.sandbox.idle();
    const [template] = h.sandbox.phone(CONTACT).received();
    expect(template).toMatchObject({
      id: wamid,
      kind: 'template',
      text: expect.stringMatching(/^Contoso would like to message you here on WhatsApp\./),
      template: { name: 'wa4t_opt_in', language: 'en' },
      buttons: [
        { index: 0, title: 'Agree', payload: 'wa4t:consent:thread-9:0' },
        { index: 1, title: 'Decline', payload: 'wa4t:decline:thread-9:0' },
      ],
    });
  });
});

describe('sandbox delivery delays', () => {
  it('should wait the configured delays between statuses', async () => {
    await h.close();
    h = await startHarness({ deliveryDelays: { sentMs: 30, deliveredMs: 30, readMs: 30 } });
    // The contact looks at the chat: the business's messages are read as they arrive.
    h.sandbox.phone(CONTACT).openChat();
    await openWindow();
    const started = Date.now();
    const wamid = await send(h, textBody('Hi'));
    expect(statusesFor(h, wamid)).toEqual([]);
    await h.sandbox.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(85);
    expect(statusesFor(h, wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });
});
