/**
 * What a probe from outside found (issue 12, item 7), each fixed and kept fixed: the sandbox
 * only for this machine, webhook bodies that cannot crash the parser, a Bot Framework call
 * without a type, asset names that are not assets, media served as what it is, slow clients.
 */
import { SystemRecords } from '../../bot/src/app/system-records.js';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { isDirectLoopback } from '../../bot/src/sandbox/index.js';
import { createServer, listen } from '../../bot/src/http/server.js';
import { MediaUrls, mediaRoute, mediaUrlSecret } from '../../bot/src/teams/media-route.js';
import { startTeamsWorld, type TeamsWorld } from './support/teams-product.js';
import { PNG, startTestProduct, T0, type TestProduct } from './support/test-product.js';
import { inboundTextWebhook, signWebhook } from './support/whatsapp-webhooks.js';

let product: TestProduct | undefined;
let world: TeamsWorld | undefined;
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await product?.stop();
  await world?.stop();
  product = undefined;
  world = undefined;
  for (const close of closers.splice(0)) await close();
});

async function postWebhook(url: string, body: string): Promise<Response> {
  return fetch(`${url}/api/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(body) },
    body,
  });
}

function errorsWebhook(error: unknown): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '100000000000000',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000001', phone_number_id: '100000000000001' },
              errors: [error],
            },
          },
        ],
      },
    ],
  });
}

describe('the sandbox answers only this machine', () => {
  it('tells a direct loopback request from one relayed by a proxy or tunnel', () => {
    expect(isDirectLoopback('127.0.0.1', {})).toBe(true);
    expect(isDirectLoopback('::1', {})).toBe(true);
    expect(isDirectLoopback('::ffff:127.0.0.1', {})).toBe(true);
    expect(isDirectLoopback('192.168.1.20', {})).toBe(false);
    expect(isDirectLoopback('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).toBe(false);
    expect(isDirectLoopback('127.0.0.1', { forwarded: 'for=203.0.113.9' })).toBe(false);
  });

  it('serves the phone page to localhost, and 404 to a request that came through a tunnel', async () => {
    product = await startTestProduct();
    expect((await fetch(`${product.url}/sandbox`)).status).toBe(200);
    const tunnelled = await fetch(`${product.url}/sandbox`, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'abc.devtunnels.ms' },
    });
    expect(tunnelled.status).toBe(404);
    expect(await tunnelled.text()).not.toContain('<html');
    const graph = await fetch(`${product.url}/sandbox/graph/v23.0/100000000000001/messages`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.9' },
      body: '{}',
    });
    expect(graph.status).toBe(404);
  });

  it('answers 404, not 500 with a file path, for asset names that are object properties', async () => {
    product = await startTestProduct();
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const response = await fetch(`${product.url}/sandbox/assets/${name}`);
      expect(response.status, name).toBe(404);
      const text = await response.text();
      expect(text).not.toMatch(/\/work|\/src\/|node:|Error/);
    }
    expect((await fetch(`${product.url}/sandbox/assets/phone.css`)).status).toBe(200);
  });
});

describe('webhook bodies the parser cannot take', () => {
  it('keeps an error nested thousands of levels deep without overflowing the stack', async () => {
    product = await startTestProduct();
    const deep = '{"nested":'.repeat(20_000) + '"bottom"' + '}'.repeat(20_000);
    const body = errorsWebhook({
      code: 130429,
      title: 'Rate limit hit',
      error_data: 'DEEP',
    }).replace('"DEEP"', deep);
    const response = await postWebhook(product.url, body);
    expect(response.status).toBe(200);
    // Delivered again, it is the same error (same digest), not a second one.
    expect((await postWebhook(product.url, body)).status).toBe(200);
  });

  it('answers 400 with its own words, never a stack, for bodies JSON cannot hold', async () => {
    product = await startTestProduct();
    const deepArray = '['.repeat(200_000) + ']'.repeat(200_000);
    for (const body of [
      deepArray,
      '{"object":',
      '\u0000',
      '{"object":"whatsapp_business_account","entry":{}}',
    ]) {
      const response = await postWebhook(product.url, body);
      expect(response.status, body.slice(0, 20)).toBe(400);
      const text = await response.text();
      expect(text).toContain('malformed webhook body');
      expect(text).not.toMatch(/ at |Maximum call stack|RangeError|\.ts:/);
    }
  });
});

describe('POST /api/messages without an activity type', () => {
  it('answers 400 for {} or a body with no type, before anything else', async () => {
    world = await startTeamsWorld();
    for (const body of ['{}', '{"text":"hi"}', '[]', '{"type":42}']) {
      const response = await fetch(`${world.product.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status, body).toBe(400);
      expect(await response.text()).toContain('needs a \\"type\\"');
    }
  });
});

describe('media served to Teams', () => {
  async function serve(bytes: Uint8Array, mimeType: string) {
    const store = new SqliteStore(':memory:');
    const ref = await store.putMedia(bytes, mimeType);
    const urls = new MediaUrls({
      publicUrl: 'http://127.0.0.1',
      secret: mediaUrlSecret('s'),
      clock: { now: () => T0 },
    });
    const server = createServer({
      logger: pino({ level: 'silent' }),
      routes: [
        mediaRoute({ urls, records: new SystemRecords(store), logger: pino({ level: 'silent' }) }),
      ],
    });
    const url = await listen(server, 0, '127.0.0.1');
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    closers.push(() => store.close());
    const path = urls.urlFor(ref.id).replace('http://127.0.0.1', '');
    return fetch(`${url}${path}`);
  }

  it('serves a picture as the picture type its bytes are, with a CSP that runs nothing', async () => {
    const response = await serve(PNG, 'image/png');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(response.headers.get('content-disposition')).toBe('inline');
  });

  it('never serves what Graph called text/html as a page: it is a download', async () => {
    const html = new TextEncoder().encode('<html><script>alert(document.cookie)</script></html>');
    const response = await serve(html, 'text/html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('slow clients', () => {
  function open(url: string): Promise<Socket> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(socket));
      socket.once('error', reject);
    });
  }
  function received(socket: Socket): Promise<string> {
    return new Promise((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('error', () => resolve(text));
      socket.on('close', () => resolve(text));
    });
  }

  it('answers 408 and closes a webhook whose body trickles in, and keeps nothing', async () => {
    product = await startTestProduct({ env: { REQUEST_TIMEOUT_SECONDS: '1' } });
    const body = inboundTextWebhook({ wamid: 'wamid.slow', text: 'slow', timestamp: T0 / 1000 });
    const socket = await open(product.url);
    const answer = received(socket);
    socket.write(
      `POST /api/whatsapp/webhook HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n` +
        `x-hub-signature-256: ${signWebhook(body)}\r\ncontent-length: ${body.length}\r\n\r\n` +
        body.slice(0, 10),
    );
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toContain('send the whole request sooner');
    expect(await product.store.countPendingEffects()).toBe(0);
  });

  it('holds no more connections than MAX_CONNECTIONS', async () => {
    product = await startTestProduct({ env: { MAX_CONNECTIONS: '2' } });
    const held = [await open(product.url), await open(product.url)];
    closers.push(() => held.forEach((s) => s.destroy()));
    await new Promise((r) => setTimeout(r, 50));
    const third = await open(product.url);
    const closed = await received(third);
    expect(closed).toBe('');
    held.forEach((s) => s.destroy());
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`${product.url}/healthz`)).status).toBe(200);
  });
});
