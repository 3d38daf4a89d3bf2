/**
 * The tab's HTTP API from outside, as the tab (or anyone) calls it: Teams SSO tokens checked
 * against a local OpenID stand-in, each user reaching only their own conversations (404
 * otherwise, the same as for one that does not exist), bodies validated (400 naming the
 * field), and a message written from the tab reaching the contact's phone in the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../bot/src/config/config.js';
import type { NoticeKey } from '../../bot/src/core/notice-keys.js';
import { t } from '../../bot/src/i18n/catalogue.js';
import type { UserRecord } from '../../bot/src/store/port.js';
import { OpenIdStandIn } from './support/openid-standin.js';
import {
  HOUR,
  PNG,
  RecordingUsers,
  startTestProduct,
  type TestProduct,
} from './support/test-product.js';

const CLIENT_ID = 'aaaaaaaa-0000-4000-8000-00000000a001';
const TAB_DOMAIN = 'tab.contoso.example';
const TENANT_A = '11111111-1111-1111-1111-111111111111';
const TENANT_B = '22222222-2222-2222-2222-222222222222';
const TENANT_OFF = '33333333-3333-3333-3333-333333333333';
const BN = SANDBOX_CREDENTIALS.phoneNumberId;
const PHONE = '447700900123';

const user = (id: string, name: string, tenantId: string, enabled = true): UserRecord => ({
  id,
  name,
  tenantId,
  locale: 'en-GB',
  enabled,
  subOrganisation: 'sales',
});
const ana = user('user-ana', 'Ana Souza', TENANT_A);
const ben = user('user-ben', 'Ben Okafor', TENANT_A);
const dora = user('user-dora', 'Dora Disabled', TENANT_A, false);
const carl = user('user-carl', 'Carl Other', TENANT_B);
const erin = user('user-erin', 'Erin Offline', TENANT_OFF);

let idp: OpenIdStandIn;
let p: TestProduct;
let threadId: string;
let messageId: string;
const tokens: Record<string, string> = {};

interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; field?: string; message: string };
    notice?: { key: string; params: Record<string, string> };
  };
}

async function call(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${p.url.replace('//localhost', '//127.0.0.1')}/api/tab${path}`, {
    method,
    headers: {
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined && typeof body !== 'string'
        ? { 'content-type': 'application/json' }
        : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

beforeAll(async () => {
  idp = await OpenIdStandIn.start(CLIENT_ID);
  p = await startTestProduct({
    users: new RecordingUsers(),
    env: {
      BOT_ID: '00000000-0000-0000-0000-0000000000bb',
      BOT_PASSWORD: 'not-a-real-secret',
      // A registered bot runs beside the sandbox only when SANDBOX=on says so (issue 12).
      SANDBOX: 'on',
      AAD_APP_CLIENT_ID: CLIENT_ID,
      TAB_DOMAIN,
      AAD_APP_OAUTH_AUTHORITY_HOST: idp.url,
    },
  });
  const org = (tenantId: string, number: string, enabled = true) => ({
    tenantId,
    name: tenantId,
    enabled,
    businessNumbers: [
      { phoneNumberId: number, displayPhoneNumber: `+${number}`, intakeUserIds: [] },
    ],
    maxParticipants: 8,
    contactLocale: 'en',
  });
  await p.store.putOrganisation(org(TENANT_A, BN));
  await p.store.putOrganisation(org(TENANT_B, '200000000000002'));
  await p.store.putOrganisation(org(TENANT_OFF, '300000000000003', false));
  for (const u of [ana, ben, dora, carl, erin]) {
    await p.store.putUser(u);
    tokens[u.id] = await idp.token({ oid: u.id, tid: u.tenantId, name: u.name });
  }

  // Ana adds a contact, starts a conversation, and the contact agrees on their phone.
  const added = await call(tokens[ana.id], 'POST', '/contacts', {
    name: 'Maria Silva',
    phone: '+44 7700 900123',
  });
  expect(added.status).toBe(201);
  const contactId = (added.body.contact as { id: string }).id;
  const started = await call(tokens[ana.id], 'POST', '/conversations', { contactId });
  expect(started.status).toBe(201);
  threadId = (started.body.thread as { id: string }).id;
  await p.settle();
  p.sandbox.phone(PHONE).openChat().tapButton('Agree');
  await p.settle();
});

afterAll(async () => {
  await p?.stop();
  await idp?.close();
});

describe('the tab API, signed in with Teams SSO', () => {
  it('writes a message that reaches the contact, and shows it with its receipts', async () => {
    const written = await call(
      tokens[ana.id],
      'POST',
      `/threads/${encodeURIComponent(threadId)}/messages`,
      {
        text: 'Your order has shipped.',
      },
    );
    expect(written.status).toBe(201);
    expect(written.body).toMatchObject({
      outcome: 'sent',
      message: {
        text: 'Your order has shipped.',
        author: { id: ana.id, name: 'Ana Souza' },
        direction: 'outbound',
      },
    });
    messageId = (written.body.message as { id: string }).id;
    await p.settle();
    expect(
      p.sandbox
        .phone(PHONE)
        .received()
        .map((m) => m.text),
    ).toContain('Your order has shipped.');

    const shown = await call(tokens[ana.id], 'GET', `/threads/${encodeURIComponent(threadId)}`);
    expect(shown.status).toBe(200);
    const messages = shown.body.messages as {
      id: string;
      text: string | null;
      status: string;
      notice: { key: NoticeKey; params: Record<string, string> } | null;
    }[];
    const mine = messages.find((m) => m.id === messageId)!;
    expect(mine).toMatchObject({ text: 'Your order has shipped.', status: 'read' });
    // The opt-in request is shown as the catalogue's words, with the business's name.
    const optIn = messages[0]!;
    expect(t('en', optIn.notice!.key, optIn.notice!.params)).toContain(
      'Contoso would like to message you',
    );
    expect(shown.body.thread).toMatchObject({
      state: 'active',
      participating: true,
      contact: { name: 'Maria Silva', phone: '+447700900123' },
      participants: [{ id: ana.id, name: 'Ana Souza' }],
    });

    const info = await call(
      tokens[ana.id],
      'GET',
      `/messages/${encodeURIComponent(messageId)}/info`,
    );
    expect(Object.keys((info.body.message as { statusTimes: object }).statusTimes).sort()).toEqual([
      'delivered',
      'pending',
      'read',
      'sent',
    ]);
  });

  it('sends a picture from the tab to the contact', async () => {
    const response = await fetch(
      `${p.url.replace('//localhost', '//127.0.0.1')}/api/tab/threads/${encodeURIComponent(threadId)}/pictures?caption=${encodeURIComponent('The parcel')}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[ana.id]}`, 'content-type': 'image/png' },
        body: PNG,
      },
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      message: { kind: string; text: string; media: { mimeType: string } };
    };
    expect(body.message).toMatchObject({
      kind: 'image',
      text: 'The parcel',
      media: { mimeType: 'image/png' },
    });
    await p.settle();
    expect(p.sandbox.phone(PHONE).received().at(-1)).toMatchObject({ kind: 'image' });
  });

  it('counts the contact’s reply as unread until the thread is opened and marked read', async () => {
    // Opening the conversation marked what was there read (the contact's "Agree" among it).
    expect(
      (await call(tokens[ana.id], 'POST', `/threads/${encodeURIComponent(threadId)}/read`)).status,
    ).toBe(204);
    p.sandbox.phone(PHONE).sendText('Thanks! When will it arrive?');
    await p.settle();
    const list = await call(tokens[ana.id], 'GET', '/threads');
    const [summary] = list.body.threads as {
      id: string;
      unread: number;
      lastMessage: { text: string; direction: string };
    }[];
    expect(summary).toMatchObject({
      id: threadId,
      unread: 1,
      lastMessage: { text: 'Thanks! When will it arrive?', direction: 'inbound' },
    });
    // The bot's `threads` card counts from the same read position: the same number.
    const anaActor = {
      user: (await p.store.getUser(ana.id))!,
      organisation: (await p.store.getOrganisation(TENANT_A))!,
    };
    const botCount = async () =>
      (await p.app.queries.myConversations(anaActor)).find((c) => c.id === threadId)?.unread;
    expect(await botCount()).toBe(1);
    expect(
      (await call(tokens[ana.id], 'POST', `/threads/${encodeURIComponent(threadId)}/read`)).status,
    ).toBe(204);
    const after = await call(tokens[ana.id], 'GET', '/threads');
    expect((after.body.threads as { unread: number }[])[0]!.unread).toBe(0);
    expect(await botCount()).toBe(0);
  });

  it('finds the conversation by name, number and message text, and filters by state', async () => {
    const ids = async (query: string) =>
      (
        (await call(tokens[ana.id], 'GET', `/threads?${query}`)).body.threads as { id: string }[]
      ).map((x) => x.id);
    expect(await ids('q=maria')).toEqual([threadId]);
    expect(await ids(`q=${encodeURIComponent('7700 900123')}`)).toEqual([threadId]);
    expect(await ids('q=shipped')).toEqual([threadId]);
    expect(await ids('q=invoice')).toEqual([]);
    expect(await ids('state=active')).toEqual([threadId]);
    expect(await ids('state=paused')).toEqual([]);
    // Ben has the word too, but not the conversation.
    expect(
      ((await call(tokens[ben.id], 'GET', '/threads?q=maria')).body.threads as unknown[]).length,
    ).toBe(0);
  });

  it('accepts the Application ID URI as audience', async () => {
    const token = await idp.token({
      oid: ana.id,
      tid: TENANT_A,
      aud: `api://${TAB_DOMAIN}/${CLIENT_ID}`,
    });
    const me = await call(token, 'GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { id: ana.id, name: 'Ana Souza', tenantId: TENANT_A },
      local: false,
    });
  });

  it.each([
    ['no token', async () => undefined],
    ['a malformed token', async () => 'not.a.jwt'],
    ['an expired token', () => idp.token({ oid: ana.id, tid: TENANT_A, expiresIn: -600 })],
    [
      'a token signed with another key',
      () => idp.token({ oid: ana.id, tid: TENANT_A, forged: true }),
    ],
    [
      'a token for another app',
      () => idp.token({ oid: ana.id, tid: TENANT_A, aud: 'bbbbbbbb-0000-4000-8000-00000000b002' }),
    ],
    [
      'a token from another issuer',
      () => idp.token({ oid: ana.id, tid: TENANT_A, iss: `https://evil.example/${TENANT_A}/v2.0` }),
    ],
    [
      'a token whose issuer names another tenant',
      () => idp.token({ oid: ana.id, tid: TENANT_A, iss: `${idp.url}/${TENANT_B}/v2.0` }),
    ],
  ])('refuses %s with 401 and changes nothing', async (_name, make) => {
    const token = await make();
    const before = (await p.store.listMessages(threadId)).length;
    const sent = p.sandbox.phone(PHONE).received().length;
    const write = await call(token, 'POST', `/threads/${encodeURIComponent(threadId)}/messages`, {
      text: 'forged',
    });
    expect(write.status).toBe(401);
    expect(write.body.error?.code).toMatch(/^auth\./);
    expect((await call(token, 'GET', '/threads')).status).toBe(401);
    expect((await call(token, 'GET', '/events')).status).toBe(401);
    await p.settle();
    expect((await p.store.listMessages(threadId)).length).toBe(before);
    expect(p.sandbox.phone(PHONE).received().length).toBe(sent);
  });

  it('streams changes with the token in the query, as EventSource needs, and fetched the keys once', async () => {
    const controller = new AbortController();
    const response = await fetch(
      `${p.url.replace('//localhost', '//127.0.0.1')}/api/tab/events?access_token=${tokens[ana.id]}&lastEventId=0`,
      { signal: controller.signal },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: change'))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/^id: 1$/m);
    expect(text).toContain(`"threadId":"${threadId}"`);
    // Only that route takes a token in the query.
    expect((await call(undefined, 'GET', `/threads?access_token=${tokens[ana.id]}`)).status).toBe(
      401,
    );
    const bad = await call(tokens[ana.id], 'GET', '/events', undefined, {
      'last-event-id': 'yesterday',
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'Last-Event-ID' } } });
    expect(idp.keyFetches).toBe(1);
  });

  it('ends an event stream when its token expires, so the tab signs in again', async () => {
    const shortLived = await idp.token({ oid: ana.id, tid: TENANT_A, expiresIn: 1 });
    const response = await fetch(
      `${p.url.replace('//localhost', '//127.0.0.1')}/api/tab/events?access_token=${shortLived}`,
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })();
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 8000));
    expect(await Promise.race([ended, timeout])).toBe(true);
  });

  it('refuses a user or an organisation that is not enabled with 403, saying which', async () => {
    const disabledUser = await call(tokens[dora.id], 'GET', '/threads');
    expect(disabledUser).toMatchObject({
      status: 403,
      body: { error: { code: 'user.not_enabled' } },
    });
    const disabledTenant = await call(tokens[erin.id], 'GET', '/threads');
    expect(disabledTenant).toMatchObject({
      status: 403,
      body: { error: { code: 'organisation.not_enabled' } },
    });
    const stranger = await idp.token({ oid: 'user-nobody', tid: TENANT_A });
    expect((await call(stranger, 'GET', '/me')).status).toBe(403);
  });

  it('never takes X-Local-User or lists local users when BOT_ID is set', async () => {
    expect(
      (await call(undefined, 'GET', '/me', undefined, { 'x-local-user': ana.id })).status,
    ).toBe(401);
    expect((await call(undefined, 'GET', '/local/users')).status).toBe(404);
  });

  describe.each([
    ['a colleague of the same organisation', () => tokens[ben.id]!],
    ['a user of another organisation', () => tokens[carl.id]!],
  ])('for %s, the conversation does not exist', (_who, token) => {
    const routes: [string, () => string, unknown?][] = [
      ['GET', () => `/threads/${encodeURIComponent(threadId)}`],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/read`],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/messages`, { text: 'hello' }],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/pictures`, { caption: 'x' }],
      ['GET', () => `/messages/${encodeURIComponent(messageId)}/info`],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/remind`],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/participants`, { userId: ben.id }],
      ['DELETE', () => `/threads/${encodeURIComponent(threadId)}/participants/${ana.id}`],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/leave`],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/transfer`, { userId: ben.id }],
      ['POST', () => `/threads/${encodeURIComponent(threadId)}/restart`],
      ['GET', () => `/threads/${encodeURIComponent(threadId)}/candidates`],
    ];
    it.each(routes.map(([m, path, body]) => [m, path, body] as const))(
      '%s answers 404 exactly as for a thread that does not exist, and changes nothing',
      async (method, path, body) => {
        const before = await p.store.getThread(threadId);
        const theirs = await call(token(), method, path(), body);
        const missing = await call(
          token(),
          method,
          path()
            .replace(encodeURIComponent(threadId), 'no-such-thread')
            .replace(encodeURIComponent(messageId), 'no-such-message'),
          body,
        );
        expect(theirs.status).toBe(404);
        expect(theirs.body).toEqual(missing.body);
        expect(JSON.stringify(theirs.body)).not.toContain('Maria');
        expect(await p.store.getThread(threadId)).toEqual(before);
      },
    );

    it('their event stream never names the conversation', async () => {
      const controller = new AbortController();
      const response = await fetch(
        `${p.url.replace('//localhost', '//127.0.0.1')}/api/tab/events?lastEventId=0`,
        { headers: { authorization: `Bearer ${token()}` }, signal: controller.signal },
      );
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      let text = '';
      const until = Date.now() + 600;
      while (Date.now() < until) {
        const chunk = await Promise.race([
          reader.read(),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)),
        ]);
        if (chunk?.value) text += new TextDecoder().decode(chunk.value);
      }
      controller.abort();
      expect(text).toContain('retry:');
      expect(text).not.toContain(threadId);
    });

    it('is not in their list, and the contact is not in their contacts', async () => {
      expect((await call(token(), 'GET', '/threads')).body.threads).toEqual([]);
      expect((await call(token(), 'GET', '/contacts')).body.contacts).toEqual([]);
      const contactId = `${BN}:${PHONE}`;
      const start = await call(token(), 'POST', '/conversations', { contactId });
      expect(start.status).toBe(404);
      expect(JSON.stringify(start.body)).not.toContain('Maria');
    });
  });

  it('says which field is wrong with 400, and keeps nothing', async () => {
    const path = `/threads/${encodeURIComponent(threadId)}/messages`;
    const before = (await p.store.listMessages(threadId)).length;
    const cases: [unknown, string][] = [
      [{}, 'text'],
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(4097) }, 'text'],
      [{ text: 42 }, 'text'],
      ['{"text": ', '(body)'],
    ];
    for (const [body, field] of cases) {
      const answer = await call(
        tokens[ana.id],
        'POST',
        path,
        body,
        typeof body === 'string' ? { 'content-type': 'application/json' } : {},
      );
      expect(answer.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'request.invalid', field });
    }
    expect((await call(tokens[ana.id], 'GET', '/threads?state=sleeping')).body.error).toMatchObject(
      { field: 'state' },
    );
    expect((await call(tokens[ana.id], 'GET', '/threads?limit=1000')).body.error).toMatchObject({
      field: 'limit',
    });
    expect((await call(tokens[ana.id], 'GET', '/threads?cursor=garbage')).body.error).toMatchObject(
      { field: 'cursor' },
    );
    expect(
      (
        await call(
          tokens[ana.id],
          'POST',
          `/threads/${encodeURIComponent(threadId)}/participants`,
          {},
        )
      ).body.error,
    ).toMatchObject({ field: 'userId' });
    const badPhone = await call(tokens[ana.id], 'POST', '/contacts', {
      name: 'Bad',
      phone: '0123',
    });
    expect(badPhone).toMatchObject({ status: 400, body: { error: { field: 'phone' } } });
    // What is wrong with it, precisely, as the chat and the compose extension say it.
    const notice = badPhone.body.notice!;
    expect(t('en', notice.key as NoticeKey, notice.params as Record<string, string>)).toContain(
      '“0123” has no country code',
    );
    expect((await p.store.listMessages(threadId)).length).toBe(before);
  });

  it('shows the conversation as paused as soon as the window has run out', async () => {
    p.clock.now(); // the sandbox clock is frozen; move it past the 24-hour window
    (p.clock as unknown as { advance(ms: number): void }).advance(25 * HOUR);
    const paused = await call(tokens[ana.id], 'GET', '/threads?state=paused');
    expect(
      (paused.body.threads as { id: string; state: string }[]).map((x) => [x.id, x.state]),
    ).toEqual([[threadId, 'paused']]);
    expect(
      ((await call(tokens[ana.id], 'GET', '/threads?state=active')).body.threads as unknown[])
        .length,
    ).toBe(0);
  });
});

// reply (issue 10): a number already in the user's contacts under another name.
describe('adding a number that is already a contact under another name', () => {
  it('answers 409 with both names and changes nothing; renaming then shows the new name in the list and its search', async () => {
    const before = (await call(tokens[ana.id], 'GET', '/contacts')).body.contacts;
    const asked = await call(tokens[ana.id], 'POST', '/contacts', {
      name: 'Mrs Silva',
      phone: '0044 7700 900123',
    });
    expect(asked).toMatchObject({
      status: 409,
      body: {
        error: { code: 'contact.duplicate' },
        existing: { name: 'Maria Silva', phone: '+447700900123' },
        requested: { name: 'Mrs Silva' },
      },
    });
    expect((await call(tokens[ana.id], 'GET', '/contacts')).body.contacts).toEqual(before);

    const kept = await call(tokens[ana.id], 'POST', '/contacts', {
      name: 'Mrs Silva',
      phone: '+44 7700 900123',
      onDuplicate: 'keep',
    });
    expect(kept).toMatchObject({ status: 200, body: { contact: { name: 'Maria Silva' } } });

    const renamed = await call(tokens[ana.id], 'POST', '/contacts', {
      name: 'Mrs Silva',
      phone: '+44 7700 900123',
      onDuplicate: 'rename',
    });
    expect(renamed).toMatchObject({ status: 200, body: { contact: { name: 'Mrs Silva' } } });
    const names = (await call(tokens[ana.id], 'GET', '/contacts')).body.contacts as {
      name: string;
    }[];
    expect(names.map((c) => c.name)).toContain('Mrs Silva');
    expect(names.map((c) => c.name)).not.toContain('Maria Silva');

    // Her conversation, in Ana's list and in Ana's search by the new name, carries it.
    const list = (await call(tokens[ana.id], 'GET', '/threads')).body.threads as {
      id: string;
      contact: { name: string };
    }[];
    expect(list.find((x) => x.id === threadId)?.contact.name).toBe('Mrs Silva');
    const found = (await call(tokens[ana.id], 'GET', '/threads?q=Mrs')).body.threads as {
      id: string;
      contact: { name: string };
    }[];
    expect(found.map((x) => [x.id, x.contact.name])).toEqual([[threadId, 'Mrs Silva']]);
  });

  // keepboth (issue 10 item 4): "keep both": one contact, one conversation, two names.
  it("keeps both names with onDuplicate 'both': the name stays shown, the other is found by Ana's searches only", async () => {
    const asked = await call(tokens[ana.id], 'POST', '/contacts', {
      name: 'Mary',
      phone: '+44 7700 900123',
    });
    expect(asked).toMatchObject({
      status: 409,
      body: { error: { code: 'contact.duplicate' }, existing: { name: 'Mrs Silva' } },
    });
    const both = await call(tokens[ana.id], 'POST', '/contacts', {
      name: 'Mary',
      phone: '+44 7700 900123',
      onDuplicate: 'both',
    });
    expect(both).toMatchObject({
      status: 200,
      body: { contact: { name: 'Mrs Silva', phone: '+447700900123', aliases: ['Mary'] } },
    });
    // Still one contact and one conversation for the number.
    const contacts = (await call(tokens[ana.id], 'GET', '/contacts')).body.contacts as {
      name: string;
      phone: string;
      aliases?: string[];
    }[];
    expect(contacts.filter((c) => c.phone === '+447700900123')).toEqual([
      expect.objectContaining({ name: 'Mrs Silva', aliases: ['Mary'] }),
    ]);
    // The same name again is no question: it is already there.
    const again = await call(tokens[ana.id], 'POST', '/contacts', {
      name: 'mary',
      phone: '+44 7700 900123',
    });
    expect(again).toMatchObject({ status: 200, body: { contact: { name: 'Mrs Silva' } } });

    // Ana's search by the other name finds the contact and the conversation, shown by its name.
    expect(
      (
        (await call(tokens[ana.id], 'GET', '/contacts?q=Mary')).body.contacts as { name: string }[]
      ).map((c) => c.name),
    ).toEqual(['Mrs Silva']);
    const found = (await call(tokens[ana.id], 'GET', '/threads?q=Mary')).body.threads as {
      id: string;
      contact: { name: string; aliases?: string[] };
    }[];
    expect(found.map((x) => [x.id, x.contact.name, x.contact.aliases])).toEqual([
      [threadId, 'Mrs Silva', ['Mary']],
    ]);
    const one = await call(tokens[ana.id], 'GET', `/threads/${encodeURIComponent(threadId)}`);
    expect(one.body.thread).toMatchObject({ contact: { name: 'Mrs Silva', aliases: ['Mary'] } });

    // Ben takes part in the same conversation and has the number as his own contact: Ana's
    // other name is hers alone.
    const added = await call(
      tokens[ana.id],
      'POST',
      `/threads/${encodeURIComponent(threadId)}/participants`,
      { userId: ben.id },
    );
    expect(added.status).toBe(200);
    await call(tokens[ben.id], 'POST', '/contacts', { name: 'Maria', phone: '+447700900123' });
    const bens = async (q: string) =>
      ((await call(tokens[ben.id], 'GET', `/threads?q=${q}`)).body.threads as { id: string }[]).map(
        (x) => x.id,
      );
    expect(await bens('maria')).toEqual([threadId]);
    expect(await bens('Mary')).toEqual([]);
    expect((await call(tokens[ben.id], 'GET', '/contacts?q=Mary')).body.contacts).toEqual([]);
    const benSees = await call(tokens[ben.id], 'GET', `/threads/${encodeURIComponent(threadId)}`);
    expect(benSees.body.thread).toMatchObject({ contact: { name: 'Maria' } });
    expect(JSON.stringify(benSees.body)).not.toContain('Mary');
  });
});
