/**
 * Every kind of media a contact sends, as WhatsApp's webhook carries it. Meta's OpenAPI has
 * webhook examples for pictures ("Image Message") and locations ("Location Message") only; the
 * document, audio, voice note, video and sticker bodies in tests/fixtures/whatsapp/inbound-*.json
 * are built from its schemas (DocumentMessage_1, AudioMessage_1, VideoMessage_1,
 * StickerMessage_1, each with MediaMessageProperties) and Meta's webhook reference
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages),
 * and validated against the schema here like every other body the tests build.
 */
import { describe, expect, it } from 'vitest';
import { parseWebhook, type InboundMessageItem } from '../../../bot/src/whatsapp/webhook.js';
import { describeErrors, spec, validatorAt } from './openapi-schema.js';
import { fixture } from './support/fixtures.js';

function example(name: string): unknown {
  const paths = spec().paths as Record<string, Record<string, Record<string, unknown>>>;
  const body = paths['/whatsapp/webhooks']!.post!.requestBody as {
    content: Record<string, { examples: Record<string, { value: unknown }> }>;
  };
  return body.content['application/json']!.examples[name]!.value;
}

const BUILT = [
  'inbound-document.json',
  'inbound-audio.json',
  'inbound-voice.json',
  'inbound-video.json',
  'inbound-sticker.json',
];

function only(body: unknown): InboundMessageItem {
  const [item] = parseWebhook(body);
  if (item?.kind !== 'message') throw new Error('no message');
  return item;
}

describe('inbound media webhooks against Meta’s schema', () => {
  const validate = validatorAt('#/components/schemas/WebhookPayload');

  it.each(['Image Message', 'Location Message'])("accepts Meta's own example %s", (name) => {
    expect(validate(example(name)), describeErrors(validate)).toBe(true);
  });

  it.each(BUILT)('accepts the body built from the schema, %s', (name) => {
    expect(validate(fixture(name)), describeErrors(validate)).toBe(true);
  });

  it('refuses a body that strays from the schema (a document with no file name)', () => {
    const body = structuredClone(fixture('inbound-document.json')) as {
      entry: { changes: { value: { messages: { document: Record<string, unknown> }[] } }[] }[];
    };
    delete body.entry[0]!.changes[0]!.value.messages[0]!.document.filename;
    expect(validate(body)).toBe(false);
    const voice = structuredClone(fixture('inbound-voice.json')) as {
      entry: { changes: { value: { messages: { audio: Record<string, unknown> }[] } }[] }[];
    };
    voice.entry[0]!.changes[0]!.value.messages[0]!.audio.voice = 'yes';
    expect(validate(voice)).toBe(false);
  });
});

describe('reading inbound media', () => {
  it('reads a document with its file name and caption', () => {
    expect(only(fixture('inbound-document.json')).content).toEqual({
      type: 'media',
      kind: 'document',
      mediaId: '1003383421387301',
      mimeType: 'application/pdf',
      sha256: expect.any(String),
      caption: 'Invoice for March',
      filename: 'invoice-march.pdf',
    });
  });

  it('tells a voice note from other audio', () => {
    expect(only(fixture('inbound-audio.json')).content).toMatchObject({ kind: 'audio' });
    expect(only(fixture('inbound-voice.json')).content).toMatchObject({
      type: 'media',
      kind: 'voice',
      mimeType: 'audio/ogg; codecs=opus',
    });
  });

  it('reads a video with its caption and a sticker', () => {
    expect(only(fixture('inbound-video.json')).content).toMatchObject({
      kind: 'video',
      caption: 'The box as it arrived',
    });
    expect(only(fixture('inbound-sticker.json')).content).toMatchObject({
      kind: 'sticker',
      mimeType: 'image/webp',
    });
  });

  it("reads Meta's location example: name, address, coordinates and link", () => {
    expect(only(example('Location Message')).content).toEqual({
      type: 'location',
      location: {
        latitude: 37.44221496582,
        longitude: -122.16165924072,
        name: 'Philz Coffee',
        address: '101 Forest Ave, Palo Alto, CA 94301',
        url: 'https://philzcoffee.com/',
      },
    });
  });
});
