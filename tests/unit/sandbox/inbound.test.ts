/**
 * What the contact sends reaches the app as Meta's webhooks do: the same shapes as the OpenAPI
 * examples of POST /whatsapp/webhooks
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages),
 * signed over the raw bytes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spec } from '../whatsapp/openapi-schema.js';
import {
  CONTACT,
  CREDENTIALS,
  PNG,
  optInBody,
  send,
  shape,
  signatureIsValid,
  startHarness,
  valueOf,
  type Harness,
} from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function webhookExample(name: string): unknown {
  const paths = spec().paths as Record<
    string,
    Record<
      string,
      { requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> } }
    >
  >;
  const example =
    paths['/whatsapp/webhooks']?.post?.requestBody.content['application/json']?.examples[name];
  if (!example) throw new Error(`no webhook example "${name}" in the spec`);
  return example.value;
}

/** The last webhook the app accepted that carries messages. */
function lastInbound(): {
  payload: unknown;
  message: Record<string, unknown>;
  value: Record<string, unknown>;
} {
  const payload = h
    .accepted()
    .filter((p) => 'messages' in valueOf(p))
    .at(-1);
  if (!payload) throw new Error('no inbound webhook');
  const value = valueOf(payload);
  return { payload, value, message: (value.messages as Record<string, unknown>[])[0] ?? {} };
}

describe('sandbox inbound messages', () => {
  it('should post a contact text in the shape of the OpenAPI "Text Message" example', async () => {
    const wamid = h.sandbox
      .phone(CONTACT, 'Sheena Nelson')
      .sendText('Does it come in another color?');
    await h.sandbox.idle();
    const { payload, value, message } = lastInbound();
    expect(shape(payload)).toEqual(shape(webhookExample('Text Message')));
    expect(value.contacts).toEqual([{ profile: { name: 'Sheena Nelson' }, wa_id: CONTACT }]);
    expect(message).toMatchObject({
      from: CONTACT,
      id: wamid,
      type: 'text',
      text: { body: 'Does it come in another color?' },
    });
    expect(message.timestamp).toBe(String(Math.floor(h.clock.now() / 1000)));
    expect(signatureIsValid(h.received.at(-1)!)).toBe(true);
  });

  it('should escape non-ASCII text in the raw body and sign those exact bytes', async () => {
    h.sandbox.phone(CONTACT).sendText('Olá 👋 — ça va?');
    await h.sandbox.idle();
    const webhook = h.received.at(-1)!;
    expect(/^[\x20-\x7e]*$/.test(webhook.raw.toString('utf8'))).toBe(true);
    expect(webhook.raw.toString()).toContain('\\ud83d\\udc4b');
    expect(signatureIsValid(webhook)).toBe(true);
    expect(lastInbound().message).toMatchObject({ text: { body: 'Olá 👋 — ça va?' } });
  });

  it('should mark the contact’s own message delivered once the app took the webhook', async () => {
    const phone = h.sandbox.phone(CONTACT);
    const wamid = phone.sendText('Hi');
    expect(phone.messages().find((m) => m.id === wamid)?.status).toBe('sending');
    await h.sandbox.idle();
    expect(phone.messages().find((m) => m.id === wamid)?.status).toBe('delivered');
    expect(phone.windowOpen()).toBe(true);
  });

  it('should post a tap on a template quick reply as a "button" message with the app’s payload', async () => {
    const template = await send(h, optInBody(CONTACT, 'thread-4:0'));
    await h.sandbox.idle();
    const wamid = h.sandbox.phone(CONTACT).tapButton('wa4t:consent');
    await h.sandbox.idle();
    const { payload, message } = lastInbound();
    expect(shape(payload)).toEqual(shape(webhookExample('Button Message')));
    expect(message).toEqual({
      context: { from: CREDENTIALS.displayPhoneNumber, id: template },
      from: CONTACT,
      id: wamid,
      timestamp: expect.stringMatching(/^\d+$/),
      type: 'button',
      button: { payload: 'wa4t:consent:thread-4:0', text: 'Agree' },
    });
  });

  it('should find a quick reply by its label too', async () => {
    await send(h, optInBody(CONTACT, 'thread-4:0'));
    await h.sandbox.idle();
    h.sandbox.phone(CONTACT).tapButton('Decline');
    await h.sandbox.idle();
    expect(lastInbound().message).toMatchObject({
      type: 'button',
      button: { payload: 'wa4t:decline:thread-4:0', text: 'Decline' },
    });
  });

  it('should refuse to tap a button no message has', async () => {
    expect(() => h.sandbox.phone(CONTACT).tapButton('wa4t:resume')).toThrow(
      /No message on this phone/,
    );
  });

  it('should post a tap on an interactive reply button as "button_reply", like the OpenAPI example', async () => {
    h.sandbox.phone(CONTACT).sendText('Can I get a refund?');
    await h.sandbox.idle();
    const question = await send(h, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CONTACT,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Approve the refund for order 5531?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'refund:5531:yes', title: 'Approve' } },
            { type: 'reply', reply: { id: 'refund:5531:no', title: 'Cancel' } },
          ],
        },
      },
    });
    await h.sandbox.idle();
    h.sandbox.phone(CONTACT).tapButton('refund:5531:no');
    await h.sandbox.idle();
    const { payload, message } = lastInbound();
    expect(shape(payload)).toEqual(shape(webhookExample('Interactive Button Reply Message')));
    expect(message).toMatchObject({
      context: { from: CREDENTIALS.displayPhoneNumber, id: question },
      type: 'interactive',
      interactive: {
        type: 'button_reply',
        button_reply: { id: 'refund:5531:no', title: 'Cancel' },
      },
    });
  });

  it('should post a list choice as "list_reply", like the OpenAPI example', async () => {
    h.sandbox.phone(CONTACT).sendText('How can I ship it?');
    await h.sandbox.idle();
    await send(h, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CONTACT,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Choose a shipping option' },
        action: {
          button: 'Options',
          sections: [
            {
              title: 'Mail',
              rows: [
                {
                  id: 'priority_express',
                  title: 'Priority Mail Express',
                  description: 'Next Day to 2 Days',
                },
              ],
            },
          ],
        },
      },
    });
    await h.sandbox.idle();
    h.sandbox.phone(CONTACT).chooseListRow('priority_express');
    await h.sandbox.idle();
    const { payload, message } = lastInbound();
    expect(shape(payload)).toEqual(shape(webhookExample('Interactive List Reply Message')));
    expect(message).toMatchObject({
      interactive: {
        type: 'list_reply',
        list_reply: { id: 'priority_express', title: 'Priority Mail Express' },
      },
    });
  });

  it('should post a picture as an "image" message whose media id the app can download with its token', async () => {
    const { wamid, mediaId } = h.sandbox
      .phone(CONTACT)
      .sendImage(PNG, 'image/png', { caption: 'Receipt' });
    await h.sandbox.idle();
    const { payload, message } = lastInbound();
    expect(shape(payload)).toEqual(shape(webhookExample('Image Message')));
    expect(message).toMatchObject({
      id: wamid,
      type: 'image',
      image: {
        id: mediaId,
        mime_type: 'image/png',
        caption: 'Receipt',
        sha256: expect.any(String),
      },
    });

    const info = await h.graphCall(
      'GET',
      `/${mediaId}?phone_number_id=${CREDENTIALS.phoneNumberId}`,
    );
    expect(info.status).toBe(200);
    const meta = (await info.json()) as {
      url: string;
      sha256: string;
      file_size: string;
      mime_type: string;
      id: string;
    };
    expect(meta).toMatchObject({
      id: mediaId,
      mime_type: 'image/png',
      file_size: String(PNG.length),
      messaging_product: 'whatsapp',
    });
    expect(new URL(meta.url).origin).toBe(h.url);

    expect((await fetch(meta.url)).status).toBe(401);
    const download = await fetch(meta.url, {
      headers: { authorization: `Bearer ${CREDENTIALS.accessToken}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG);
  });
});
