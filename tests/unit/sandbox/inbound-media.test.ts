/**
 * Every kind of media the sandbox's contact sends reaches the app as WhatsApp posts it: a
 * location in the shape of Meta's "Location Message" example; documents, audio, voice notes,
 * videos and stickers, which Meta gives no example of, in the shape of the bodies built from
 * its schema (tests/fixtures/whatsapp/inbound-*.json), and every one valid against the schema.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeErrors, spec, validatorAt } from '../whatsapp/openapi-schema.js';
import { fixture } from '../whatsapp/support/fixtures.js';
import { CONTACT, shape, startHarness, valueOf, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function lastInbound(): unknown {
  const payload = h
    .accepted()
    .filter((p) => 'messages' in valueOf(p))
    .at(-1);
  if (!payload) throw new Error('no inbound webhook');
  return payload;
}

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const validate = () => validatorAt('#/components/schemas/WebhookPayload');

describe('sandbox inbound media', () => {
  it.each([
    [
      'document',
      'application/pdf',
      'inbound-document.json',
      { caption: 'March', filename: 'a.pdf' },
    ],
    ['audio', 'audio/mpeg', 'inbound-audio.json', {}],
    ['voice', 'audio/ogg', 'inbound-voice.json', {}],
    ['video', 'video/mp4', 'inbound-video.json', { caption: 'The box' }],
    ['sticker', 'image/webp', 'inbound-sticker.json', {}],
  ] as const)('posts a %s as the schema describes it', async (kind, mimeType, built, options) => {
    const { mediaId } = h.sandbox.phone(CONTACT).sendMedia(kind, PDF, mimeType, options);
    await h.sandbox.idle();
    const payload = lastInbound();
    const v = validate();
    expect(v(payload), describeErrors(v)).toBe(true);
    expect(shape(payload)).toEqual(shape(fixture(built)));
    expect(JSON.stringify(payload)).toContain(JSON.stringify(mediaId));
  });

  it('posts a location in the shape of Meta’s "Location Message" example', async () => {
    h.sandbox.phone(CONTACT).sendLocation({
      latitude: 37.44221496582,
      longitude: -122.16165924072,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
      url: 'https://philzcoffee.com/',
    });
    await h.sandbox.idle();
    const payload = lastInbound();
    const paths = spec().paths as Record<string, Record<string, Record<string, unknown>>>;
    const body = paths['/whatsapp/webhooks']!.post!.requestBody as {
      content: Record<string, { examples: Record<string, { value: unknown }> }>;
    };
    const example = body.content['application/json']!.examples['Location Message']!.value;
    expect(shape(payload)).toEqual(shape(example));
    const v = validate();
    expect(v(payload), describeErrors(v)).toBe(true);
  });

  it('lets the phone page share a location and send a file', async () => {
    const shared = await fetch(`${h.url}/sandbox/api/phones/${CONTACT}/locations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latitude: 51.5007, longitude: -0.1246, name: 'Big Ben' }),
    });
    expect(shared.status).toBe(201);
    await h.sandbox.idle();
    expect(JSON.stringify(lastInbound())).toContain('"name":"Big Ben"');
    const form = new FormData();
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'terms.pdf');
    const sent = await fetch(`${h.url}/sandbox/api/phones/${CONTACT}/files`, {
      method: 'POST',
      body: form,
    });
    expect(sent.status).toBe(201);
    await h.sandbox.idle();
    expect(JSON.stringify(lastInbound())).toContain('"filename":"terms.pdf"');
    const wrong = await fetch(`${h.url}/sandbox/api/phones/${CONTACT}/locations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latitude: 91, longitude: 0 }),
    });
    expect(wrong.status).toBe(400);
  });

  it('refuses what a phone could not send', () => {
    const phone = h.sandbox.phone(CONTACT);
    expect(() => phone.sendMedia('sticker', PDF, 'application/pdf')).toThrow(/sticker/);
    expect(() => phone.sendMedia('document', Buffer.alloc(0), 'application/pdf')).toThrow(/empty/);
    expect(() => phone.sendLocation({ latitude: 100, longitude: 0 })).toThrow(/latitude/);
  });
});
