/**
 * Media the business uploads: POST /{phone-number-id}/media (multipart), GET /{media-id}, the
 * download URL with the token, DELETE; pictures are JPEG or PNG up to 5 MB
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTACT,
  CREDENTIALS,
  JPEG,
  PNG,
  send,
  startHarness,
  statusesFor,
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

const mediaPath = `/${CREDENTIALS.phoneNumberId}/media`;

function uploadForm(bytes: Uint8Array, type: string, name = 'picture'): FormData {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', type);
  form.append('file', new Blob([bytes], { type }), name);
  return form;
}

async function upload(bytes: Uint8Array, type: string): Promise<Response> {
  return h.graphCall('POST', mediaPath, uploadForm(bytes, type));
}

describe('sandbox media', () => {
  it('should store an uploaded JPEG and give it back through GET /{media-id} and its URL', async () => {
    const response = await upload(JPEG, 'image/jpeg');
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(id).toMatch(/^\d{16}$/);

    const info = (await (await h.graphCall('GET', `/${id}`)).json()) as {
      url: string;
      mime_type: string;
      file_size: string;
    };
    expect(info).toMatchObject({ mime_type: 'image/jpeg', file_size: String(JPEG.length) });
    const bytes = await fetch(info.url, {
      headers: { authorization: `Bearer ${CREDENTIALS.accessToken}` },
    });
    expect(Buffer.from(await bytes.arrayBuffer())).toEqual(JPEG);
  });

  it('should refuse a picture over 5 MB with 131053', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const response = await upload(big, 'image/png');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(131053);
  });

  it('should refuse a GIF, and a "PNG" that is not one, with 131053', async () => {
    const gif = await upload(Buffer.from('GIF89a....'), 'image/gif');
    expect(((await gif.json()) as { error: { code: number } }).error.code).toBe(131053);
    const fake = await upload(JPEG, 'image/png');
    expect(((await fake.json()) as { error: { code: number } }).error.code).toBe(131053);
  });

  it('should refuse an upload without messaging_product', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'p.png');
    const response = await h.graphCall('POST', mediaPath, form);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(131008);
  });

  it('should answer an unknown media id with code 100, and forget deleted media', async () => {
    const { id } = (await (await upload(PNG, 'image/png')).json()) as { id: string };
    const deleted = await h.graphCall('DELETE', `/${id}`);
    expect(await deleted.json()).toEqual({ success: true });
    const gone = await h.graphCall('GET', `/${id}`);
    expect(gone.status).toBe(400);
    expect(((await gone.json()) as { error: { code: number } }).error.code).toBe(100);
  });

  it('should deliver an uploaded picture by media id, and show it on the phone', async () => {
    h.sandbox.phone(CONTACT).sendText('Send me the invoice');
    await h.sandbox.idle();
    const { id } = (await (await upload(PNG, 'image/png')).json()) as { id: string };
    const wamid = await send(h, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CONTACT,
      type: 'image',
      image: { id, caption: 'Your invoice' },
    });
    await h.sandbox.idle();
    expect(statusesFor(h, wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(h.sandbox.phone(CONTACT).received().at(-1)).toMatchObject({
      kind: 'image',
      image: { mediaId: id, mimeType: 'image/png', caption: 'Your invoice' },
    });
  });

  it('should fail a picture whose media id does not exist with 131053, after accepting it', async () => {
    h.sandbox.phone(CONTACT).sendText('Hi');
    await h.sandbox.idle();
    const wamid = await send(h, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CONTACT,
      type: 'image',
      image: { id: '1234567890123456' },
    });
    await h.sandbox.idle();
    expect(statusesFor(h, wamid)[0]).toMatchObject({
      status: 'failed',
      errors: [{ code: 131053 }],
    });
  });

  it('should fetch a picture sent by link', async () => {
    h.sandbox.phone(CONTACT).sendText('Hi');
    await h.sandbox.idle();
    const { id } = (await (await upload(PNG, 'image/png')).json()) as { id: string };
    // Any reachable URL will do: the sandbox's own page API serves the bytes without a token.
    const wamid = await send(h, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CONTACT,
      type: 'image',
      image: { link: `${h.url}/sandbox/api/media/${id}` },
    });
    await h.sandbox.idle();
    expect(statusesFor(h, wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(h.sandbox.phone(CONTACT).received().at(-1)?.image?.mimeType).toBe('image/png');
  });
});
