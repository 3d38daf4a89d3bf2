/**
 * The app's own Cloud API client against the sandbox: what the product does in sandbox mode.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudApiClient } from '../../../bot/src/whatsapp/cloud-api-client.js';
import { WhatsAppApiError } from '../../../bot/src/whatsapp/errors.js';
import {
  CONTACT,
  CREDENTIALS,
  PNG,
  startHarness,
  statusesFor,
  valueOf,
  type Harness,
} from './harness.js';

let h: Harness;
let client: CloudApiClient;
beforeEach(async () => {
  h = await startHarness();
  // The contact looks at the chat: the business's messages are read as they arrive.
  h.sandbox.phone(CONTACT).openChat();
  client = new CloudApiClient({
    baseUrl: `${h.url}/sandbox/graph`,
    phoneNumberId: CREDENTIALS.phoneNumberId,
    accessToken: CREDENTIALS.accessToken,
  });
});
afterEach(async () => {
  await h.close();
});

const target = (callbackData: string) => ({ to: `+${CONTACT}`, callbackData });

describe('the app’s Cloud API client against the sandbox', () => {
  it('should send the opt-in template, and get the consent tap back with its own payload', async () => {
    const sent = await client.sendTemplate(target('thread-1:0'), {
      template: 'opt_in',
      businessName: 'Contoso',
    });
    await h.sandbox.idle();
    const phone = h.sandbox.phone(CONTACT);
    expect(phone.received()[0]).toMatchObject({
      id: sent.wamid,
      text: expect.stringContaining('Contoso would like to message you'),
    });
    phone.tapButton('wa4t:consent');
    await h.sandbox.idle();
    const message = (
      valueOf(h.accepted().at(-1)!).messages as { button: { payload: string; text: string } }[]
    )[0];
    expect(message?.button).toEqual({ payload: 'wa4t:consent:thread-1:0', text: 'Agree' });
  });

  it('should send the resume template with its "Resume conversation" button', async () => {
    await client.sendTemplate(target('thread-1:5'), {
      template: 'resume',
      businessName: 'Contoso',
    });
    await h.sandbox.idle();
    expect(h.sandbox.phone(CONTACT).received()[0]?.buttons).toEqual([
      { index: 0, title: 'Resume conversation', payload: 'wa4t:resume:thread-1:5' },
    ]);
  });

  it('should send a participant notice template', async () => {
    await client.sendTemplate(target('thread-1:6'), {
      template: 'participant_notice',
      notice: 'Ana has joined this conversation.',
    });
    await h.sandbox.idle();
    expect(h.sandbox.phone(CONTACT).received()[0]?.text).toBe('Ana has joined this conversation.');
  });

  it('should send text and a picture inside the window, and download what the contact sent', async () => {
    const { mediaId } = h.sandbox.phone(CONTACT).sendImage(PNG, 'image/png');
    await h.sandbox.idle();
    const text = await client.sendText(target('thread-1:7'), 'Got it, thanks');
    const picture = await client.sendPicture(target('thread-1:8'), {
      bytes: PNG,
      mimeType: 'image/png',
      caption: 'Label',
    });
    await h.sandbox.idle();
    expect(statusesFor(h, text.wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statusesFor(h, picture.wamid).map((s) => s.status)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);

    const downloaded = await client.downloadMedia(mediaId);
    expect(downloaded.bytes).toEqual(PNG);
    expect(downloaded.mimeType).toBe('image/png');
    expect(downloaded.sha256).toBe(downloaded.declaredSha256);
  });

  it('should surface a refused token as a WhatsAppApiError with code 190', async () => {
    const wrong = new CloudApiClient({
      baseUrl: `${h.url}/sandbox/graph`,
      phoneNumberId: CREDENTIALS.phoneNumberId,
      accessToken: 'nope',
    });
    const error = await wrong.sendText(target('x'), 'hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect((error as WhatsAppApiError).graphCode).toBe(190);
  });
});
