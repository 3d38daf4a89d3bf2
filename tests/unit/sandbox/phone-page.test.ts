/**
 * The contact's phone page: GET /sandbox serves plain HTML, JS and CSS from this server, and the
 * page's JSON API under /sandbox/api does what the page's buttons do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTACT,
  HOUR,
  PNG,
  optInBody,
  send,
  startHarness,
  statusesFor,
  textBody,
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

const api = (path: string, method = 'GET', body?: unknown): Promise<Response> =>
  fetch(`${h.url}/sandbox/api${path}`, {
    method,
    headers:
      body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
  });

interface PhoneView {
  number: string;
  name: string;
  readReceipts: boolean;
  failNextDelivery: number | null;
  window: { open: boolean; closesAt: number | null };
  messages: {
    id: string;
    from: string;
    kind: string;
    text?: string;
    buttons?: { index: number; payload: string }[];
  }[];
}

describe('sandbox phone page', () => {
  it('should serve the page at /sandbox with its script and style from the same server', async () => {
    const page = await fetch(`${h.url}/sandbox`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<label for="who-number">');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['phone.js', 'phone.css']) {
      expect(html).toContain(`/sandbox/assets/${asset}`);
      const response = await fetch(`${h.url}/sandbox/assets/${asset}`);
      expect(response.status).toBe(200);
      expect((await response.text()).length).toBeGreaterThan(500);
    }
    expect((await fetch(`${h.url}/sandbox/assets/secret.txt`)).status).toBe(404);
  });

  it('should describe the business and the failure codes the page offers', async () => {
    const state = (await (await api('/state')).json()) as {
      business: { displayPhoneNumber: string };
      failureChoices: { code: number }[];
    };
    expect(state.business.displayPhoneNumber).toBe('15550000001');
    expect(state.failureChoices.map((c) => c.code)).toEqual(
      expect.arrayContaining([131026, 131047, 131049, 131000, 130429]),
    );
  });
});

describe('sandbox phone API', () => {
  it('should open a phone by number and name, and send what the contact types', async () => {
    const opened = (await (
      await api(`/phones/${CONTACT}`, 'PUT', { name: 'Ana Silva' })
    ).json()) as PhoneView;
    expect(opened).toMatchObject({
      number: CONTACT,
      name: 'Ana Silva',
      readReceipts: true,
      window: { open: false },
    });

    const sent = await api(`/phones/${CONTACT}/messages`, 'POST', { text: 'Hi there' });
    expect(sent.status).toBe(201);
    await h.sandbox.idle();
    const value = valueOf(h.accepted().at(-1)!);
    expect(value.contacts).toEqual([{ profile: { name: 'Ana Silva' }, wa_id: CONTACT }]);

    const view = (await (await api(`/phones/${CONTACT}`)).json()) as PhoneView;
    expect(view.window.open).toBe(true);
    expect(view.messages).toMatchObject([
      { from: 'contact', kind: 'text', text: 'Hi there', status: 'delivered' },
    ]);
  });

  it('should tap a template button by message and index', async () => {
    const template = await send(h, optInBody());
    await h.sandbox.idle();
    const response = await api(`/phones/${CONTACT}/taps`, 'POST', {
      messageId: template,
      index: 0,
    });
    expect(response.status).toBe(201);
    await h.sandbox.idle();
    const message = (
      valueOf(h.accepted().at(-1)!).messages as { button: { payload: string } }[]
    )[0];
    expect(message?.button.payload).toBe('wa4t:consent:thread-1:0');
  });

  it('should send a picture uploaded from the page', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
    form.append('caption', 'The broken part');
    const response = await api(`/phones/${CONTACT}/images`, 'POST', form);
    expect(response.status).toBe(201);
    await h.sandbox.idle();
    const message = (
      valueOf(h.accepted().at(-1)!).messages as { image: { caption: string; mime_type: string } }[]
    )[0];
    expect(message?.image).toMatchObject({ caption: 'The broken part', mime_type: 'image/png' });
    const { mediaId } = (await response.json()) as { mediaId: string };
    const img = await api(`/media/${mediaId}`);
    expect(Buffer.from(await img.arrayBuffer())).toEqual(PNG);
  });

  it('should switch read receipts off and set a failure for the next delivery', async () => {
    await api(`/phones/${CONTACT}/messages`, 'POST', { text: 'Hi' });
    const settings = (await (
      await api(`/phones/${CONTACT}/settings`, 'PATCH', {
        readReceipts: false,
        failNextDelivery: 131049,
      })
    ).json()) as PhoneView;
    expect(settings).toMatchObject({ readReceipts: false, failNextDelivery: 131049 });
    const failed = await send(h, textBody('one'));
    const delivered = await send(h, textBody('two'));
    await h.sandbox.idle();
    expect(statusesFor(h, failed)[0]?.errors?.[0]?.code).toBe(131049);
    expect(statusesFor(h, delivered).map((s) => s.status)).toEqual(['sent', 'delivered']);
  });

  it('should move the shared clock, closing the window', async () => {
    await api(`/phones/${CONTACT}/messages`, 'POST', { text: 'Hi' });
    const before = h.clock.now();
    const moved = (await (await api('/clock', 'POST', { advanceMs: 25 * HOUR })).json()) as {
      now: number;
    };
    expect(moved.now - before).toBe(25 * HOUR);
    const view = (await (await api(`/phones/${CONTACT}`)).json()) as PhoneView;
    expect(view.window.open).toBe(false);
  });

  it('should answer 400 for a number that is not one, and for an empty text', async () => {
    expect((await api('/phones/12ab', 'PUT', { name: 'X' })).status).toBe(400);
    expect((await api(`/phones/${CONTACT}/messages`, 'POST', { text: '   ' })).status).toBe(400);
    expect((await api(`/phones/${CONTACT}/taps`, 'POST', { payload: 'nothing' })).status).toBe(404);
  });
});
