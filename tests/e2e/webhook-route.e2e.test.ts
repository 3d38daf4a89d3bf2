/**
 * POST /api/whatsapp/webhook as WhatsApp calls it: signed over the raw bytes, committed
 * before 200, refused without touching state when the signature or the body is wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../bot/src/config/config.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { startTestProduct, T0, type TestProduct } from './support/test-product.js';
import { inboundTextWebhook, signWebhook } from './support/whatsapp-webhooks.js';

let product: TestProduct | undefined;
afterEach(async () => {
  await product?.stop();
  product = undefined;
});

function textWebhook(wamid: string, text: string, phoneNumberId?: string): string {
  return inboundTextWebhook({
    wamid,
    text,
    timestamp: T0 / 1000,
    pretty: true,
    ...(phoneNumberId ? { phoneNumberId } : {}),
  });
}

const sign = signWebhook;

async function post(p: TestProduct, body: string, signature?: string): Promise<Response> {
  return fetch(`${p.url}/api/whatsapp/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
    body,
  });
}

async function inboundCount(p: TestProduct): Promise<number> {
  const threads = await p.store.findOpenThread(
    SANDBOX_CREDENTIALS.phoneNumberId,
    `${SANDBOX_CREDENTIALS.phoneNumberId}:447700900123`,
  );
  return threads ? (await p.store.listMessages(threads.id)).length : 0;
}

describe('the WhatsApp webhook', () => {
  it('answers the subscription handshake with the challenge, and refuses a wrong verify token', async () => {
    product = await startTestProduct();
    const ok = await fetch(
      `${product.url}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${SANDBOX_CREDENTIALS.verifyToken}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(
      `${product.url}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`,
    );
    expect(bad.status).toBe(403);
  });

  it('commits a signed message before answering 200, and a repeat changes nothing', async () => {
    product = await startTestProduct();
    const body = textWebhook('wamid.HBgM1', 'Hello?');
    const first = await post(product, body, sign(body));
    expect(first.status).toBe(200);
    expect(await inboundCount(product)).toBe(1);
    const again = await post(product, body, sign(body));
    expect(again.status).toBe(200);
    expect(await inboundCount(product)).toBe(1);
  });

  it('answers 401 to a wrong, missing or tampered signature, and changes nothing', async () => {
    product = await startTestProduct();
    const body = textWebhook('wamid.HBgM2', 'Hello?');
    expect((await post(product, body, sign(body, 'not-the-secret'))).status).toBe(401);
    expect((await post(product, body)).status).toBe(401);
    expect((await post(product, body.replace('Hello?', 'Hellp?'), sign(body))).status).toBe(401);
    expect((await post(product, JSON.stringify(JSON.parse(body)), sign(body))).status).toBe(401);
    expect(await inboundCount(product)).toBe(0);
  });

  it('answers 400 to a signed body that is not a WhatsApp notification, and changes nothing', async () => {
    product = await startTestProduct();
    for (const body of [
      '{"object":"page","entry":[]}',
      'not json at all',
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{}}]}]}',
    ]) {
      const response = await post(product, body, sign(body));
      expect(response.status, body).toBe(400);
    }
    expect(await inboundCount(product)).toBe(0);
  });

  it('answers 5xx when the store is down, so WhatsApp delivers it again; then takes it', async () => {
    const store = new SqliteStore(':memory:');
    product = await startTestProduct({ store });
    const original = store.apply.bind(store);
    store.apply = async () => {
      throw new Error('database is locked');
    };
    const body = textWebhook('wamid.HBgM3', 'Are you there?');
    const refused = await post(product, body, sign(body));
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(await inboundCount(product)).toBe(0);
    store.apply = original;
    expect((await post(product, body, sign(body))).status).toBe(200);
    expect(await inboundCount(product)).toBe(1);
  });

  it('routes several business numbers by metadata.phone_number_id, and skips a number nobody here owns', async () => {
    product = await startTestProduct();
    await product.store.putOrganisation({
      tenantId: 'tenant-2',
      name: 'Fabrikam',
      enabled: true,
      maxParticipants: 8,
      contactLocale: 'en',
      businessNumbers: [
        { phoneNumberId: '200000000000002', displayPhoneNumber: '15550000002', intakeUserIds: [] },
      ],
    });
    for (const [wamid, number] of [
      ['wamid.A', SANDBOX_CREDENTIALS.phoneNumberId],
      ['wamid.B', '200000000000002'],
      ['wamid.C', '300000000000003'],
    ] as const) {
      const body = textWebhook(wamid, `to ${number}`, number);
      expect((await post(product, body, sign(body))).status).toBe(200);
    }
    const onA = await product.store.findOpenThread(
      SANDBOX_CREDENTIALS.phoneNumberId,
      `${SANDBOX_CREDENTIALS.phoneNumberId}:447700900123`,
    );
    const onB = await product.store.findOpenThread(
      '200000000000002',
      '200000000000002:447700900123',
    );
    const onC = await product.store.findOpenThread(
      '300000000000003',
      '300000000000003:447700900123',
    );
    expect((await product.store.listMessages(onA!.id)).map((m) => m.body)).toEqual([
      `to ${SANDBOX_CREDENTIALS.phoneNumberId}`,
    ]);
    expect((await product.store.listMessages(onB!.id)).map((m) => m.body)).toEqual([
      'to 200000000000002',
    ]);
    expect(onC).toBeUndefined();
  });
});
