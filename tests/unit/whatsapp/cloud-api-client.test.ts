import { inspect } from 'node:util';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudApiClient, type CloudApiLogger } from '../../../bot/src/whatsapp/cloud-api-client.js';
import {
  MediaRejectedError,
  WhatsAppApiError,
  WhatsAppUnavailableError,
} from '../../../bot/src/whatsapp/errors.js';
import { IMAGE_MAX_BYTES } from '../../../bot/src/whatsapp/media-rules.js';
import { decodeQuickReply } from '../../../bot/src/whatsapp/templates.js';
import { describeErrors, requestBodyValidator } from './openapi-schema.js';
import { GRAPH, JPEG, PHONE_NUMBER_ID, PNG, TOKEN, VERSION } from './support/fixtures.js';
import { nock } from './support/nock.js';

const MESSAGES_PATH = `/${VERSION}/${PHONE_NUMBER_ID}/messages`;
const MEDIA_PATH = `/${VERSION}/${PHONE_NUMBER_ID}/media`;
const validateMessage = requestBodyValidator('/{Version}/{Phone-Number-ID}/messages', 'post');
const validateUpload = requestBodyValidator(
  '/{Version}/{Phone-Number-ID}/media',
  'post',
  'multipart/form-data',
);

const target = { to: '+1 650-555-1234', callbackData: 'thread-7:3' };

/** What the API answers to a send (OpenAPI sendMessage "Example response"). */
const accepted = (wamid: string) => ({
  messaging_product: 'whatsapp',
  contacts: [{ input: '16505551234', wa_id: '16505551234' }],
  messages: [{ id: wamid, message_status: 'accepted' }],
});

interface Seen {
  body?: unknown;
  headers?: Headers;
  form?: FormData;
}

/** Expects one send and records what the client POSTed. */
function expectSend(wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5'): Seen {
  const seen: Seen = {};
  nock(GRAPH)
    .post(MESSAGES_PATH)
    .reply(async (req: Request) => {
      seen.headers = req.headers;
      seen.body = await req.json();
      return [200, accepted(wamid)];
    });
  return seen;
}

/** The body must satisfy Meta's schema for sendMessage, or the test fails with ajv's reasons. */
function expectValidMessage(body: unknown): void {
  expect(validateMessage(body), describeErrors(validateMessage)).toBe(true);
}

type Body = Record<string, unknown> & {
  template: {
    name: string;
    language: { code: string };
    components: {
      type: string;
      parameters: Record<string, string>[];
      index?: string;
      sub_type?: string;
    }[];
  };
};

function client(
  overrides: Partial<ConstructorParameters<typeof CloudApiClient>[0]> = {},
): CloudApiClient {
  return new CloudApiClient({
    baseUrl: GRAPH,
    apiVersion: VERSION,
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: TOKEN,
    ...overrides,
  });
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every expected request was made').toEqual([]);
});

afterAll(() => {
  nock.enableNetConnect();
});

describe('CloudApiClient: text', () => {
  it('posts a text message that matches the OpenAPI schema and returns its wamid', async () => {
    const seen = expectSend('wamid.text1');
    const sent = await client().sendText(target, 'Your order has shipped.');

    expect(sent).toEqual({ wamid: 'wamid.text1', messageStatus: 'accepted' });
    expectValidMessage(seen.body);
    expect(seen.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      biz_opaque_callback_data: 'thread-7:3',
      type: 'text',
      text: { body: 'Your order has shipped.', preview_url: false },
    });
    expect(seen.headers?.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(seen.headers?.get('content-type')).toBe('application/json');
  });

  it('quotes the inbound message it answers', async () => {
    const seen = expectSend();
    await client().sendText({ ...target, replyTo: 'wamid.inbound9' }, 'Yes, it is.');
    expectValidMessage(seen.body);
    expect((seen.body as Body).context).toEqual({ message_id: 'wamid.inbound9' });
  });

  it('works with a base URL that has a trailing slash (the sandbox)', async () => {
    const seen = expectSend();
    await client({ baseUrl: `${GRAPH}/` }).sendText(target, 'hi');
    expect(seen.body).toBeDefined();
  });

  it('refuses a callback id WhatsApp would not echo (over 512 characters)', async () => {
    await expect(
      client().sendText({ ...target, callbackData: 'x'.repeat(513) }, 'hi'),
    ).rejects.toThrow(RangeError);
  });
});

describe('CloudApiClient: templates', () => {
  it('sends the opt-in with the business name and consent/decline quick replies', async () => {
    const seen = expectSend('wamid.optin');
    const sent = await client().sendTemplate(target, {
      template: 'opt_in',
      businessName: 'Contoso',
    });

    expect(sent.wamid).toBe('wamid.optin');
    expectValidMessage(seen.body);
    const { template } = seen.body as Body;
    expect(template.name).toBe('wa4t_opt_in');
    expect(template.language).toEqual({ policy: 'deterministic', code: 'en' });
    expect(template.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'Contoso' }] },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload: 'wa4t:consent:thread-7:3' }],
      },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '1',
        parameters: [{ type: 'payload', payload: 'wa4t:decline:thread-7:3' }],
      },
    ]);
    expect((seen.body as Body).biz_opaque_callback_data).toBe('thread-7:3');
  });

  it('sends the resume template with one quick reply the webhook reads as resume', async () => {
    const seen = expectSend();
    await client().sendTemplate(target, { template: 'resume', businessName: 'Contoso' });

    expectValidMessage(seen.body);
    const { template } = seen.body as Body;
    expect(template.name).toBe('wa4t_resume');
    const buttons = template.components.filter((c) => c.type === 'button');
    expect(buttons).toHaveLength(1);
    expect(decodeQuickReply(buttons[0]!.parameters[0]!.payload!)).toEqual({
      action: 'resume',
      ref: 'thread-7:3',
    });
  });

  it('sends a participant notice as the body parameter, flattened to one line', async () => {
    const seen = expectSend();
    await client().sendTemplate(target, {
      template: 'participant_notice',
      notice: 'Ana has joined\nthis conversation.',
    });

    expectValidMessage(seen.body);
    const { template } = seen.body as Body;
    expect(template.name).toBe('wa4t_participant_notice');
    expect(template.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'Ana has joined this conversation.' }] },
    ]);
  });

  it('uses the configured template names and languages, and a per-send language', async () => {
    const configured = client({
      templates: { opt_in: { name: 'contoso_optin_v2', language: 'en_GB' } },
    });
    const first = expectSend();
    await configured.sendTemplate(target, { template: 'opt_in', businessName: 'Contoso' });
    expect((first.body as Body).template).toMatchObject({
      name: 'contoso_optin_v2',
      language: { code: 'en_GB' },
    });

    const second = expectSend();
    await configured.sendTemplate(target, { template: 'resume', businessName: 'Contoso' }, 'fr');
    expectValidMessage(second.body);
    expect((second.body as Body).template).toMatchObject({
      name: 'wa4t_resume',
      language: { code: 'fr' },
    });
  });
});

describe('CloudApiClient: pictures', () => {
  /** Expects an upload and records the multipart form. */
  function expectUpload(mediaId = '4490709327384033'): Seen {
    const seen: Seen = {};
    nock(GRAPH)
      .post(MEDIA_PATH)
      .reply(async (req: Request) => {
        seen.headers = req.headers;
        seen.form = await req.formData();
        return [200, { id: mediaId }];
      });
    return seen;
  }

  it('uploads the picture (multipart) and then sends it by media id with its caption', async () => {
    const upload = expectUpload('media-42');
    const send = expectSend('wamid.picture');

    const sent = await client().sendPicture(target, {
      bytes: JPEG,
      mimeType: 'image/jpeg',
      caption: 'Your invoice',
    });

    expect(sent).toMatchObject({ wamid: 'wamid.picture', mediaId: 'media-42' });
    const form = upload.form!;
    const file = form.get('file') as File;
    const fields = {
      file: '<binary>',
      messaging_product: form.get('messaging_product'),
      type: form.get('type'),
    };
    expect(validateUpload(fields), describeErrors(validateUpload)).toBe(true);
    expect(fields).toEqual({ file: '<binary>', messaging_product: 'whatsapp', type: 'image/jpeg' });
    expect(file.type).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(JPEG)).toBe(true);
    expect(upload.headers?.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(upload.headers?.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);

    expectValidMessage(send.body);
    expect(send.body).toMatchObject({
      type: 'image',
      image: { id: 'media-42', caption: 'Your invoice' },
      biz_opaque_callback_data: 'thread-7:3',
    });
  });

  it('declares the type the bytes really are (a PNG attached as image/jpeg)', async () => {
    const upload = expectUpload();
    expectSend();
    await client().sendPicture(target, { bytes: PNG, mimeType: 'image/jpeg' });
    expect(upload.form?.get('type')).toBe('image/png');
    expect((upload.form?.get('file') as File).type).toBe('image/png');
  });

  it('refuses a picture over 5 MB before uploading anything', async () => {
    const big = Buffer.concat([JPEG, Buffer.alloc(IMAGE_MAX_BYTES)]);
    const error = await client()
      .sendPicture(target, { bytes: big, mimeType: 'image/jpeg' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect((error as MediaRejectedError).rejection).toBe('too_large');
  });

  it('refuses a picture that is not JPEG or PNG before uploading anything', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
    const error = await client()
      .sendPicture(target, { bytes: gif, mimeType: 'image/png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect((error as MediaRejectedError).rejection).toBe('unsupported_type');
  });
});

describe('CloudApiClient: documents', () => {
  const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n%%EOF\n');

  it('uploads a PDF under its name and sends it by media id with its file name and caption', async () => {
    let form: FormData | undefined;
    nock(GRAPH)
      .post(MEDIA_PATH)
      .reply(async (req: Request) => {
        form = await req.formData();
        return [200, { id: 'media-doc' }];
      });
    const send = expectSend('wamid.document');
    const sent = await client().sendDocument(target, {
      bytes: PDF,
      filename: 'Invoice March.pdf',
      caption: 'Your invoice',
    });
    expect(sent).toMatchObject({ wamid: 'wamid.document', mediaId: 'media-doc' });
    const fields = {
      file: '<binary>',
      messaging_product: form!.get('messaging_product'),
      type: form!.get('type'),
    };
    expect(validateUpload(fields), describeErrors(validateUpload)).toBe(true);
    expect(fields.type).toBe('application/pdf');
    expect((form!.get('file') as File).name).toBe('Invoice March.pdf');
    expectValidMessage(send.body);
    expect(send.body).toMatchObject({
      type: 'document',
      document: { id: 'media-doc', filename: 'Invoice March.pdf', caption: 'Your invoice' },
    });
  });

  it('refuses what WhatsApp would not take before uploading anything', async () => {
    const refused = (bytes: Uint8Array, filename: string) =>
      client()
        .sendDocument(target, { bytes, filename })
        .then(
          () => {
            throw new Error('sent');
          },
          (e: unknown) => e as MediaRejectedError,
        );
    expect((await refused(PDF, 'setup.exe')).rejection).toBe('unsupported_type');
    expect((await refused(Buffer.from('MZ not a pdf'), 'fake.pdf')).rejection).toBe(
      'unsupported_type',
    );
    expect(
      (await refused(Buffer.concat([PDF, Buffer.alloc(100 * 1024 * 1024)]), 'big.pdf')).rejection,
    ).toBe('too_large');
  });
});

describe('CloudApiClient: downloading what a contact sent', () => {
  const MEDIA_ID = '1003383421387256';
  const MEDIA_URL =
    'https://lookaside.example.test/whatsapp_business/attachments/?mid=1003383421387256&ext=1';

  function expectMediaInfo(info: Record<string, unknown>): void {
    nock(GRAPH)
      .get(`/${VERSION}/${MEDIA_ID}`)
      .query({ phone_number_id: PHONE_NUMBER_ID })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, { messaging_product: 'whatsapp', id: MEDIA_ID, ...info });
  }

  it('asks Graph for the media URL, then downloads it with the token', async () => {
    expectMediaInfo({
      url: MEDIA_URL,
      mime_type: 'image/jpeg',
      sha256: 'abc=',
      file_size: String(JPEG.length),
    });
    nock('https://lookaside.example.test')
      .get('/whatsapp_business/attachments/')
      .query({ mid: MEDIA_ID, ext: '1' })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, JPEG, { 'content-type': 'image/jpeg' });

    const media = await client().downloadMedia(MEDIA_ID);

    expect(media.bytes.equals(JPEG)).toBe(true);
    expect(media).toMatchObject({
      mimeType: 'image/jpeg',
      size: JPEG.length,
      declaredSha256: 'abc=',
    });
    expect(media.sha256).toBe(createHash('sha256').update(JPEG).digest('base64'));
  });

  it('refuses media whose announced size is over the limit, without downloading it', async () => {
    expectMediaInfo({
      url: MEDIA_URL,
      mime_type: 'image/jpeg',
      file_size: String(IMAGE_MAX_BYTES + 1),
    });
    await expect(client().downloadMedia(MEDIA_ID)).rejects.toBeInstanceOf(MediaRejectedError);
  });

  it('stops reading a download that grows past the limit when no Content-Length says so', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512));
      },
    });
    const fake: typeof fetch = async (url) =>
      String(url).startsWith(GRAPH)
        ? Response.json({ url: MEDIA_URL, mime_type: 'image/jpeg' })
        : new Response(endless, { headers: { 'content-type': 'image/jpeg' } });

    const error = await client({ fetch: fake })
      .downloadMedia(MEDIA_ID, { maxBytes: 1024 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MediaRejectedError);
    expect((error as MediaRejectedError).rejection).toBe('too_large');
    expect(pulled).toBeLessThan(10);
  });

  it('refuses a download whose Content-Length is over the limit', async () => {
    expectMediaInfo({ url: MEDIA_URL, mime_type: 'image/jpeg' });
    nock('https://lookaside.example.test')
      .get('/whatsapp_business/attachments/')
      .query(true)
      .reply(200, Buffer.alloc(2048, 1), {
        'content-type': 'image/jpeg',
        'content-length': '2048',
      });
    const error = await client()
      .downloadMedia(MEDIA_ID, { maxBytes: 1024 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRejectedError);
  });

  it('never sends the token to a media URL in clear text', async () => {
    expectMediaInfo({ url: 'http://evil.example.test/steal', mime_type: 'image/jpeg' });
    // No interceptor for evil.example.test: a request there would fail the test differently.
    const error = await client()
      .downloadMedia(MEDIA_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect((error as WhatsAppApiError).title).toBe('Media URL is not HTTPS');
  });

  it('reports an expired or unknown media id as the API error Graph returns', async () => {
    nock(GRAPH)
      .get(`/${VERSION}/${MEDIA_ID}`)
      .query(true)
      .reply(400, {
        error: {
          message: 'Unsupported get request.',
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
          fbtrace_id: 'AXyz',
        },
      });
    const error = await client()
      .downloadMedia(MEDIA_ID)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      graphCode: 100,
      subcode: 33,
      httpStatus: 400,
      fbtraceId: 'AXyz',
    });
  });
});

describe('CloudApiClient: failures', () => {
  it("turns Graph's error envelope into a WhatsAppApiError with its code and trace id", async () => {
    nock(GRAPH)
      .post(MESSAGES_PATH)
      .reply(
        400,
        {
          error: {
            message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
            type: 'OAuthException',
            code: 131056,
            error_data: {
              messaging_product: 'whatsapp',
              details:
                'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
            },
            fbtrace_id: 'A4O5a8RAgePwbcGSu',
          },
        },
        {
          'x-business-use-case-usage': JSON.stringify({
            '1234': [{ type: 'whatsapp', call_count: 100, estimated_time_to_regain_access: 2 }],
          }),
        },
      );
    const error = await client()
      .sendText(target, 'hi')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect(error).toMatchObject({
      httpStatus: 400,
      code: 'whatsapp.api_error',
      graphCode: 131056,
      title: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
      details: expect.stringContaining('too many messages') as string,
      fbtraceId: 'A4O5a8RAgePwbcGSu',
      retryAfterMs: 120_000,
    });
  });

  it('treats a 5xx without an error body as WhatsApp being unavailable, possibly after sending', async () => {
    nock(GRAPH).post(MESSAGES_PATH).reply(502, '<html>Bad gateway</html>');
    const error = await client()
      .sendText(target, 'hi')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppUnavailableError);
    expect(error).toMatchObject({
      reason: 'http',
      httpStatus: 502,
      maybeDelivered: true,
      retryable: true,
    });
  });

  it('reads a 2xx that is not a send response as an API error, not a crash', async () => {
    nock(GRAPH).post(MESSAGES_PATH).reply(200, { messaging_product: 'whatsapp', messages: [] });
    await expect(client().sendText(target, 'hi')).rejects.toMatchObject({
      graphCode: 1,
      title: 'Unexpected send response from WhatsApp',
    });
  });

  it('turns an unreachable WhatsApp into a retryable error that says nothing was sent', async () => {
    // Net connect is disabled and nothing is intercepted: fetch fails before connecting.
    const error = await client({ baseUrl: 'https://unreachable.example.test' })
      .sendText(target, 'hi')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppUnavailableError);
    expect(error).toMatchObject({ reason: 'network', retryable: true, maybeDelivered: false });
  });

  it('gives up after the timeout and says the message may have been sent', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
      });
    const error = await client({ fetch: hanging, timeoutMs: 20 })
      .sendText(target, 'hi')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', maybeDelivered: true });
  });
});

describe('CloudApiClient: the access token', () => {
  it('never appears in logs, errors or an inspected client', async () => {
    const lines: unknown[] = [];
    const logger: CloudApiLogger = {
      debug: (o, m) => lines.push([o, m]),
      warn: (o, m) => lines.push([o, m]),
    };
    const c = client({ logger });

    expectSend();
    await c.sendText(target, 'hi');
    nock(GRAPH)
      .post(MESSAGES_PATH)
      .reply(401, {
        error: {
          message: `Invalid OAuth access token - Cannot parse access token ${TOKEN}`,
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'T',
        },
      });
    const refused = await c.sendText(target, 'hi').catch((e: unknown) => e);
    const unreachable = await client({ logger, baseUrl: 'https://unreachable.example.test' })
      .sendText(target, 'hi')
      .catch((e: unknown) => e);

    expect(lines.length).toBeGreaterThanOrEqual(3);
    const everything = [
      JSON.stringify(lines),
      String(refused),
      JSON.stringify(refused),
      inspect(refused, { depth: 5 }),
      String(unreachable),
      inspect(unreachable, { depth: 5 }),
      inspect(c, { depth: 5 }),
      JSON.stringify(c),
    ].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect((refused as WhatsAppApiError).title).toContain('[redacted]');
  });
});
