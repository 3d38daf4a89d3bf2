/**
 * Every kind of media a contact sends reaches the Teams user (issue 10 item 5), with the
 * sandbox as WhatsApp and a recording Bot Connector as Teams: a document as a card with its
 * name, size and a signed download link; audio, a voice note and video likewise; a sticker as a
 * picture; a location as its name, address and a map link. The bodies the sandbox posts follow
 * Meta's webhook examples ("Image Message", "Location Message") and, for the kinds Meta gives
 * no example of, its schema (tests/unit/sandbox/inbound-media.test.ts checks them); see
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 *
 * Also: a picture WhatsApp no longer has is kept as a message saying so (the webhook answered
 * 200), and a picture delivered ten times is downloaded and stored once (issue 11 item 7).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../bot/src/sandbox/index.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { imageUrls, type CardMessage } from './support/bot-connector.js';
import { PNG } from './support/test-product.js';
import {
  consentedConversation,
  loopback,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';
import type { TeamsUser } from './support/teams-client.js';

const PHONE = '447700900123';
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n'),
  Buffer.alloc(2048, 0x20),
  Buffer.from('%%EOF\n'),
]);
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(300, 1)]);
const MP3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(500, 2)]);
const MP4 = Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), Buffer.alloc(4000, 3)]);
const WEBP = Buffer.concat([Buffer.from('RIFF\x24\0\0\0WEBPVP8 '), Buffer.alloc(40, 4)]);

let world: TeamsWorld | undefined;
let dir: string | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function consented(
  options: { store?: SqliteStore } = {},
): Promise<{ w: TeamsWorld; alice: TeamsUser }> {
  const w = await startTeamsWorld(options.store ? { store: options.store } : {});
  world = w;
  const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
  await consentedConversation(w, alice);
  return { w, alice };
}

/** The URLs of a card's Action.OpenUrl buttons, by title. */
function openUrls(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.OpenUrl') out[String(n.title)] = String(n.url);
    Object.values(n).forEach(walk);
  };
  walk(card);
  return out;
}

/** The webhook the sandbox posted for a contact's message. */
function webhookOf(w: TeamsWorld, wamid: string): WebhookDelivery {
  const found = w.product.sandbox
    .webhooks()
    .find((d) => JSON.stringify(d.payload).includes(JSON.stringify(wamid)));
  if (!found) throw new Error(`no webhook for ${wamid}`);
  return found;
}

async function downloaded(card: CardMessage): Promise<Response> {
  const url = openUrls(card.card).Download;
  expect(url).toMatch(/\/api\/media\/[^?]+\?exp=\d+&sig=/);
  return fetch(loopback(url!));
}

describe('every kind of media from the contact reaches Teams', () => {
  it('a document: its name, kind and size, and a signed link that downloads it under its name', async () => {
    const { w, alice } = await consented();
    w.product.sandbox.phone(PHONE).sendMedia('document', PDF, 'application/pdf', {
      filename: 'invoice-march.pdf',
      caption: 'Invoice for March',
    });
    await w.settle();
    const card = alice.find('invoice-march.pdf')!;
    expect(card.text).toContain('Maria Silva');
    expect(card.text).toContain('Invoice for March');
    expect(card.text).toContain('Document · 2 KB');
    const file = await downloaded(card);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain('filename="invoice-march.pdf"');
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
    const forged = openUrls(card.card).Download!.replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await fetch(loopback(forged))).status).toBe(403);
  });

  it('a voice note, other audio and a video, each with a download link', async () => {
    const { w, alice } = await consented();
    const phone = w.product.sandbox.phone(PHONE);
    phone.sendMedia('voice', OGG, 'audio/ogg');
    await w.settle();
    const voice = alice.last();
    expect(voice.text).toContain('Voice message');
    expect((await downloaded(voice)).headers.get('content-type')).toBe('audio/ogg');

    phone.sendMedia('audio', MP3, 'audio/mpeg');
    await w.settle();
    const audio = alice.last();
    expect(audio.text).toContain('Audio · 503 bytes');
    expect(Buffer.from(await (await downloaded(audio)).arrayBuffer()).equals(MP3)).toBe(true);

    phone.sendMedia('video', MP4, 'video/mp4', { caption: 'The box as it arrived' });
    await w.settle();
    const video = alice.find('The box as it arrived')!;
    expect(video.text).toContain('Video · 4 KB');
    expect((await downloaded(video)).headers.get('content-type')).toBe('video/mp4');
  });

  it('a sticker as a picture', async () => {
    const { w, alice } = await consented();
    w.product.sandbox.phone(PHONE).sendMedia('sticker', WEBP, 'image/webp');
    await w.settle();
    const card = alice.last();
    expect(card.text).toContain('Maria Silva');
    const [url] = imageUrls(card.card);
    const fetched = await fetch(loopback(url!));
    expect(fetched.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(WEBP)).toBe(true);
  });

  it("a location as its name, address and a map link (Meta's example place)", async () => {
    const { w, alice } = await consented();
    w.product.sandbox.phone(PHONE).sendLocation({
      latitude: 37.44221496582,
      longitude: -122.16165924072,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
      url: 'https://philzcoffee.com/',
    });
    await w.settle();
    const card = alice.find('Philz Coffee')!;
    expect(card.text).toContain('101 Forest Ave, Palo Alto, CA 94301');
    expect(openUrls(card.card)['Open map']).toBe(
      'https://www.openstreetmap.org/?mlat=37.442215&mlon=-122.161659#map=17/37.442215/-122.161659',
    );
  });

  it('a picture WhatsApp no longer has is kept as a message saying so, and the webhook answered 200', async () => {
    const { w, alice } = await consented();
    const { wamid, mediaId } = w.product.sandbox
      .phone(PHONE)
      .sendImage(PNG, 'image/png', { caption: 'the receipt' });
    // WhatsApp forgets the media before the app asks for it (expired, or deleted).
    expect(w.product.sandbox.forgetMedia(mediaId)).toBe(true);
    await w.settle();
    const card = alice.find('the receipt')!;
    expect(card.text).toContain(
      'This picture could not be downloaded: WhatsApp no longer has it. Ask the contact to send it again.',
    );
    expect(imageUrls(card.card)).toEqual([]);
    expect(webhookOf(w, wamid).attempts.map((a) => a.httpStatus)).toEqual([200]);
    const kept = await w.product.store.getMessageByWaId(wamid);
    expect(kept).toMatchObject({ mediaGone: 'image', body: 'the receipt' });
  });
});

describe('media once', () => {
  it('a picture delivered ten times (four at once) is downloaded once, stored once and shown once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wa-media-once-'));
    const { w, alice } = await consented({ store: new SqliteStore(join(dir, 'wa.db')) });
    const { wamid, mediaId } = w.product.sandbox
      .phone(PHONE)
      .sendImage(PNG, 'image/png', { caption: 'ten times' });
    await w.settle();
    const first = webhookOf(w, wamid);
    const again = () =>
      fetch(`${w.product.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': first.signature },
        body: first.body,
      }).then((r) => r.status);
    expect(await Promise.all([again(), again(), again(), again()])).toEqual([200, 200, 200, 200]);
    for (let i = 0; i < 5; i++) expect(await again()).toBe(200);
    await w.settle();
    expect(w.product.sandbox.mediaDownloads(mediaId)).toBe(1);
    expect(readdirSync(join(dir, 'media'))).toHaveLength(1);
    expect(alice.messages().filter((m) => m.text.includes('ten times'))).toHaveLength(1);
  });
});

describe('documents both ways', () => {
  it('sends a PDF attached in the bot chat to the contact under its name, with the words as caption', async () => {
    const { w, alice } = await consented();
    const url = w.connector.serveFile('invoice.pdf', PDF, 'application/pdf');
    await alice.say('Your invoice for March', [
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name: 'invoice-march.pdf',
        content: { downloadUrl: url, fileType: 'pdf' },
      },
    ]);
    await w.settle();
    const received = w.product.sandbox.phone(PHONE).received().at(-1)!;
    expect(received).toMatchObject({
      kind: 'media',
      media: {
        kind: 'document',
        filename: 'invoice-march.pdf',
        mimeType: 'application/pdf',
        size: PDF.length,
        caption: 'Your invoice for March',
      },
    });
    const onPhone = await fetch(
      `${w.product.url}/sandbox/api/media/${encodeURIComponent(received.media!.mediaId)}`,
    );
    expect(Buffer.from(await onPhone.arrayBuffer()).equals(PDF)).toBe(true);
    const status = alice.find('invoice-march.pdf')!;
    expect(status.text).toContain('To Maria Silva');
    expect(status.text).toContain('Your invoice for March');
    expect(status.text).toContain('Document · 2 KB');
  });

  it('refuses a file WhatsApp would not take, saying why, and sends nothing', async () => {
    const { w, alice } = await consented();
    const before = w.product.sandbox.phone(PHONE).received().length;
    const exe = w.connector.serveFile(
      'setup.exe',
      Buffer.from('MZ\x90\x00'),
      'application/x-msdownload',
    );
    await alice.say('', [
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name: 'setup.exe',
        content: { downloadUrl: exe, fileType: 'exe' },
      },
    ]);
    expect(alice.last().text).toContain(
      'WhatsApp does not accept this kind of file. Send a PDF, Word, Excel, PowerPoint or text file (.pdf, .txt, .doc, .xls, .ppt, .docx, .xlsx, .pptx).',
    );
    await w.settle();
    expect(w.product.sandbox.phone(PHONE).received()).toHaveLength(before);
  });

  it('the phone page sends a document, which reaches Teams with its name', async () => {
    const { w, alice } = await consented();
    const form = new FormData();
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'delivery-note.pdf');
    form.append('caption', 'Signed');
    const sent = await fetch(`${w.product.url}/sandbox/api/phones/${PHONE}/files`, {
      method: 'POST',
      body: form,
    });
    expect(sent.status).toBe(201);
    await w.settle();
    const card = alice.find('delivery-note.pdf')!;
    expect(card.text).toContain('Signed');
    expect((await downloaded(card)).headers.get('content-type')).toBe('application/pdf');
  });
});
