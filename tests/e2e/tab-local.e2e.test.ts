/**
 * Local development (no BOT_ID): the tab works in a plain browser, as a local user the
 * developer picks from /api/tab/local/users and names in X-Local-User. Never with BOT_ID
 * (tab-api.e2e.test.ts checks that side).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProduct, type TestProduct } from './support/test-product.js';

let p: TestProduct;
const base = () => `${p.url.replace('//localhost', '//127.0.0.1')}/api/tab`;

beforeAll(async () => {
  p = await startTestProduct();
});
afterAll(async () => {
  await p?.stop();
});

describe('the tab API in local development', () => {
  it('offers local users to act as, and acts as the one picked', async () => {
    const listed = (await (await fetch(`${base()}/local/users`)).json()) as {
      users: { id: string; name: string; tenantId: string }[];
    };
    expect(listed.users.map((u) => u.name)).toEqual(['Alex Wilber', 'Megan Bowen']);
    const [alex, megan] = listed.users;
    const me = await fetch(`${base()}/me`, { headers: { 'x-local-user': megan!.id } });
    expect(await me.json()).toMatchObject({
      user: { id: megan!.id, name: 'Megan Bowen' },
      local: true,
    });

    // Alex starts a conversation; Megan, of the same organisation, does not see it.
    const post = (who: string, path: string, body: unknown) =>
      fetch(`${base()}${path}`, {
        method: 'POST',
        headers: { 'x-local-user': who, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const contact = (await (
      await post(alex!.id, '/contacts', { name: 'Maria Silva', phone: '+447700900123' })
    ).json()) as {
      contact: { id: string };
    };
    const started = await post(alex!.id, '/conversations', { contactId: contact.contact.id });
    expect(started.status).toBe(201);
    const threads = async (who: string) =>
      (
        (await (await fetch(`${base()}/threads`, { headers: { 'x-local-user': who } })).json()) as {
          threads: unknown[];
        }
      ).threads;
    expect(await threads(alex!.id)).toHaveLength(1);
    expect(await threads(megan!.id)).toHaveLength(0);
  });

  it("serves the catalogue in the user's language without sign-in", async () => {
    const answer = (await (await fetch(`${base()}/i18n/pt-br`)).json()) as {
      locale: string;
      messages: Record<string, string>;
    };
    expect(answer.locale).toBe('pt-BR');
    expect(answer.messages['contact.opt_in']).toMatch(/WhatsApp/);
    expect(answer.messages['contact.opt_in']).not.toBe(
      ((await (await fetch(`${base()}/i18n/en`)).json()) as { messages: Record<string, string> })
        .messages['contact.opt_in'],
    );
  });

  it('refuses a local user that does not exist, and a request naming nobody', async () => {
    expect((await fetch(`${base()}/me`, { headers: { 'x-local-user': 'nobody' } })).status).toBe(
      401,
    );
    expect((await fetch(`${base()}/me`)).status).toBe(401);
  });
});
