/**
 * The sandbox's Cloud API: what a send is answered with, and what is refused as Graph refuses
 * it (OpenAPI sendMessage, GraphAPIError;
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeErrors, validatorAt } from '../whatsapp/openapi-schema.js';
import {
  CONTACT,
  CREDENTIALS,
  optInBody,
  startHarness,
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

const messagesPath = `/${CREDENTIALS.phoneNumberId}/messages`;

async function errorOf(response: Response): Promise<{
  code: number;
  message: string;
  type: string;
  fbtrace_id: string;
  error_subcode?: number;
}> {
  const json = (await response.json()) as {
    error: { code: number; message: string; type: string; fbtrace_id: string };
  };
  const validate = validatorAt('#/components/schemas/GraphAPIError');
  expect(validate(json), describeErrors(validate)).toBe(true);
  return json.error;
}

describe('sandbox Cloud API: authentication', () => {
  it('should refuse a send without an Authorization header with 401 and code 190', async () => {
    const response = await fetch(`${h.graph}${messagesPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(textBody('hi')),
    });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe(190);
  });

  it('should refuse a wrong bearer token with 401 and code 190, and say so in WWW-Authenticate', async () => {
    const response = await fetch(`${h.graph}${messagesPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
      body: JSON.stringify(textBody('hi')),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 190, type: 'OAuthException' });
    expect(error.fbtrace_id).toMatch(/^[\w-]{10,}$/);
  });

  it('should refuse media downloads without the token', async () => {
    const response = await fetch(`${h.url}/sandbox/media-download/123`);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe(190);
  });
});

describe('sandbox Cloud API: sending', () => {
  it('should answer a text send with the contact and a wamid, as MessageResponsePayload says', async () => {
    const response = await h.graphCall('POST', messagesPath, textBody('Hello'));
    expect(response.status).toBe(200);
    const json = (await response.json()) as { messages: { id: string }[] };
    const validate = validatorAt('#/components/schemas/MessageResponsePayload');
    expect(validate(json), describeErrors(validate)).toBe(true);
    expect(json).toMatchObject({
      messaging_product: 'whatsapp',
      contacts: [{ input: CONTACT, wa_id: CONTACT }],
      messages: [{ message_status: 'accepted' }],
    });
    expect(json.messages[0]?.id).toMatch(/^wamid\./);
  });

  it('should give the wa_id without "+" when the number was sent with one', async () => {
    const json = (await (
      await h.graphCall('POST', messagesPath, optInBody(`+${CONTACT}`))
    ).json()) as {
      contacts: { input: string; wa_id: string }[];
    };
    expect(json.contacts[0]).toEqual({ input: `+${CONTACT}`, wa_id: CONTACT });
  });

  it('should refuse an unknown phone_number_id with code 100', async () => {
    const response = await h.graphCall('POST', '/999999999999999/messages', textBody('hi'));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 100, type: 'GraphMethodException', error_subcode: 33 });
  });

  it('should refuse a body without a required field with 131008', async () => {
    const { to: _to, ...body } = textBody('hi');
    const response = await h.graphCall('POST', messagesPath, body);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe(131008);
  });

  it('should refuse an unknown field with code 100', async () => {
    const response = await h.graphCall('POST', messagesPath, {
      ...textBody('hi'),
      colour: 'green',
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe(100);
  });

  it('should refuse a template it does not know with 132001', async () => {
    const body = optInBody();
    const response = await h.graphCall('POST', messagesPath, {
      ...body,
      template: { ...(body.template as object), name: 'no_such_template' },
    });
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe(132001);
  });

  it('should refuse a template with the wrong number of body variables with 132000', async () => {
    const body = optInBody();
    const template = body.template as { components: unknown[] };
    const response = await h.graphCall('POST', messagesPath, {
      ...body,
      template: { ...template, components: template.components.slice(1) },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe(132000);
  });

  it('should refuse more than three reply buttons', async () => {
    const button = (n: number) => ({ type: 'reply', reply: { id: `b${n}`, title: `B${n}` } });
    const response = await h.graphCall('POST', messagesPath, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CONTACT,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Pick one' },
        action: { buttons: [1, 2, 3, 4].map(button) },
      },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe(100);
  });

  it('should refuse a send to the business number itself with 131021', async () => {
    const response = await h.graphCall(
      'POST',
      messagesPath,
      textBody('hi', CREDENTIALS.displayPhoneNumber),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe(131021);
  });

  it('should take a read receipt for a message the contact sent, and refuse one for an unknown id', async () => {
    const wamid = h.sandbox.phone(CONTACT).sendText('Hi');
    const ok = await h.graphCall('POST', messagesPath, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid,
      typing_indicator: { type: 'text' },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ success: true });
    const unknown = await h.graphCall('POST', messagesPath, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.nope',
    });
    expect(unknown.status).toBe(400);
  });
});
