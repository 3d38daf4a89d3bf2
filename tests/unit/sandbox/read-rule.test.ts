/**
 * The sandbox behaves like a phone (issue 10 item 7): a business message is reported `read`
 * only while the contact has the chat open and in view, with read receipts on; until then it
 * stays delivered, not read. Templates too. The phone page holds the chat open with a lease it
 * renews while it shows the chat, so a tab put away stops reading.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTACT,
  optInBody,
  send,
  startHarness,
  statusesFor,
  textBody,
  type Harness,
} from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const statuses = (wamid: string) => statusesFor(h, wamid).map((s) => s.status);

async function viewing(visible: boolean): Promise<Response> {
  return fetch(`${h.url}/sandbox/api/phones/${CONTACT}/viewing`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visible }),
  });
}

describe('read only when the chat is open and in view', () => {
  it('keeps a template delivered and not read until the contact opens the chat', async () => {
    const phone = h.sandbox.phone(CONTACT);
    const wamid = await send(h, optInBody());
    await h.sandbox.idle();
    expect(statuses(wamid)).toEqual(['sent', 'delivered']);
    expect(phone.unread).toBe(1);
    phone.openChat();
    await h.sandbox.idle();
    expect(statuses(wamid)).toEqual(['sent', 'delivered', 'read']);
    expect(phone.unread).toBe(0);
  });

  it('reads what arrives while the chat is open, and stops when it is closed', async () => {
    const phone = h.sandbox.phone(CONTACT);
    phone.sendText('Hello?');
    await h.sandbox.idle();
    phone.openChat();
    const seen = await send(h, textBody('Hi Ana'));
    await h.sandbox.idle();
    expect(statuses(seen)).toEqual(['sent', 'delivered', 'read']);
    phone.closeChat();
    const away = await send(h, textBody('Are you there?', CONTACT, 'thread-1:2'));
    await h.sandbox.idle();
    expect(statuses(away)).toEqual(['sent', 'delivered']);
  });

  it('never reports read with read receipts off, even when the chat is open', async () => {
    const phone = h.sandbox.phone(CONTACT).setReadReceipts(false);
    const wamid = await send(h, optInBody());
    await h.sandbox.idle();
    phone.openChat();
    await h.sandbox.idle();
    expect(statuses(wamid)).toEqual(['sent', 'delivered']);
  });

  it('takes the page’s word that it shows the chat, for a few seconds at a time', async () => {
    const wamid = await send(h, optInBody());
    await h.sandbox.idle();
    const opened = await viewing(true);
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({ chatOpen: true, unread: 0 });
    await h.sandbox.idle();
    expect(statuses(wamid)).toEqual(['sent', 'delivered', 'read']);
    expect(await (await viewing(false)).json()).toMatchObject({ chatOpen: false });
    expect((await viewing('yes' as unknown as boolean)).status).toBe(400);
  });
});
