/**
 * Pictures both ways between Teams and WhatsApp: one attached in Teams reaches the contact's
 * phone as an image; one from the contact reaches the user as a card whose picture the Teams
 * client can fetch (a signed, expiring link).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { imageUrls } from './support/bot-connector.js';
import { PNG } from './support/test-product.js';
import {
  consentedConversation,
  loopback,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';
import type { TeamsUser } from './support/teams-client.js';

const PHONE = '447700900123';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function consented(): Promise<{ w: TeamsWorld; alice: TeamsUser }> {
  const w = await startTeamsWorld();
  world = w;
  const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
  await consentedConversation(w, alice);
  return { w, alice };
}

describe('pictures between Teams and WhatsApp', () => {
  it('sends a picture attached in Teams to the contact, with the words as its caption', async () => {
    const { w, alice } = await consented();
    const url = w.connector.serveFile('label.png', PNG, 'image/png');
    await alice.say('The shipping label', [
      { contentType: 'image/*', contentUrl: url, name: 'label.png' },
      { contentType: 'text/html', content: '<div><img src="x"></div>' },
    ]);
    await w.settle();
    const received = w.product.sandbox.phone(PHONE).received().at(-1)!;
    expect(received).toMatchObject({
      kind: 'image',
      image: { mimeType: 'image/png', caption: 'The shipping label' },
    });
    const status = alice.find('The shipping label')!;
    expect(status.text).toContain('To Maria Silva');
    expect(imageUrls(status.card)).toHaveLength(1);

    // A file attached in personal chat arrives as download info with a pre-authenticated URL.
    const file = w.connector.serveFile('photo.png', PNG, 'image/png');
    await alice.say('', [
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name: 'photo.png',
        content: { downloadUrl: file, fileType: 'png' },
      },
    ]);
    await w.settle();
    expect(w.product.sandbox.phone(PHONE).received().at(-1)).toMatchObject({ kind: 'image' });
  });

  it('refuses a picture WhatsApp would not take, saying why', async () => {
    const { w, alice } = await consented();
    const gif = w.connector.serveFile('anim.gif', Buffer.from('GIF89a....'), 'image/gif');
    const before = w.product.sandbox.phone(PHONE).received().length;
    await alice.say('', [{ contentType: 'image/gif', contentUrl: gif }]);
    expect(alice.last().text).toContain('only JPEG and PNG pictures can');
    const big = w.connector.serveFile(
      'big.png',
      Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]),
      'image/png',
    );
    await alice.say('', [{ contentType: 'image/png', contentUrl: big }]);
    expect(alice.last().text).toContain('too large for WhatsApp');
    await w.settle();
    expect(w.product.sandbox.phone(PHONE).received()).toHaveLength(before);
  });

  it('says so when Teams does not hand over the picture, and sends nothing', async () => {
    const { w, alice } = await consented();
    const served = w.connector.serveFile('label.png', PNG, 'image/png');
    const before = w.product.sandbox.phone(PHONE).received().length;
    await alice.say('The label', [
      { contentType: 'image/png', contentUrl: served.replace('label.png', 'missing.png') },
    ]);
    expect(alice.last().text).toContain("We couldn't get that picture from Teams");
    await w.settle();
    expect(w.product.sandbox.phone(PHONE).received()).toHaveLength(before);
  });

  it("shows the contact's picture in a card whose link Teams can fetch, and nobody else can forge", async () => {
    const { w, alice } = await consented();
    w.product.sandbox.phone(PHONE).sendImage(PNG, 'image/png', { caption: 'the damaged box' });
    await w.settle();
    const card = alice.find('the damaged box')!;
    expect(card.text).toContain('Maria Silva');
    const [url] = imageUrls(card.card);
    expect(url).toMatch(/\/api\/media\/[^?]+\?exp=\d+&sig=/);
    const fetched = await fetch(loopback(url!));
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PNG)).toBe(true);

    const forged = loopback(url!).replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await fetch(forged)).status).toBe(403);
    const otherId = loopback(url!).replace(/\/api\/media\/[^?]+/, '/api/media/someone-elses');
    expect((await fetch(otherId)).status).toBe(403);
  });
});
