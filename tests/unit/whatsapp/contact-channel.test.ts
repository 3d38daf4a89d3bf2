/**
 * The WhatsApp side of the outbox: what the dispatcher is told after each kind of answer.
 */
import { describe, expect, it } from 'vitest';
import { CloudApiClient } from '../../../bot/src/whatsapp/cloud-api-client.js';
import { WhatsAppChannel } from '../../../bot/src/whatsapp/contact-channel.js';
import { SendPacer } from '../../../bot/src/whatsapp/send-pacer.js';
import type { Message, Thread } from '../../../bot/src/core/types.js';

const thread: Thread = {
  id: 't',
  businessNumberId: 'bn',
  contact: { id: 'c', phone: '447700900123', name: 'Maria' },
  state: 'active',
  participants: [],
  createdAt: 0,
  createdBy: 'u',
  pendingCount: 0,
  nextSeq: 3,
  version: 1,
  consentedAt: 0,
  lastInboundAt: 0,
};
const text: Message = {
  id: 't:2',
  threadId: 't',
  seq: 2,
  direction: 'outbound',
  kind: 'text',
  body: 'Hello',
  status: 'pending',
  statusTimes: { pending: 0 },
  attempts: 0,
  createdAt: 0,
};

function channel(answer: () => Promise<Response>, now = { t: 0 }) {
  const calls: { url: string; body: string }[] = [];
  const client = new CloudApiClient({
    baseUrl: 'http://graph.test',
    phoneNumberId: 'bn',
    accessToken: 'token',
    fetch: async (url, init) => {
      calls.push({ url: String(url), body: String(init?.body) });
      return answer();
    },
  });
  const pacer = new SendPacer({ now: () => now.t, pairBurst: 2 });
  const ch = new WhatsAppChannel({
    clientFor: (bn) => (bn === 'bn' ? client : undefined),
    pacer,
    store: { getMedia: async () => undefined },
    businessName: () => 'Contoso',
    contactLocale: () => 'fr',
    random: () => 0.5,
  });
  return { ch, calls, pacer };
}

const accepted = async () =>
  new Response(
    JSON.stringify({ messaging_product: 'whatsapp', contacts: [], messages: [{ id: 'wamid.OK' }] }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );
const refused =
  (code: number, status = 400) =>
  async () =>
    new Response(
      JSON.stringify({ error: { message: 'x', type: 'OAuthException', code, fbtrace_id: 'f' } }),
      { status, headers: { 'content-type': 'application/json' } },
    );

describe('sending a stored message to WhatsApp', () => {
  it('answers sent with the wamid, carrying our id as biz_opaque_callback_data', async () => {
    const { ch, calls } = channel(accepted);
    expect(await ch.send(thread, text, 1)).toEqual({ outcome: 'sent', waMessageId: 'wamid.OK' });
    expect(JSON.parse(calls[0]!.body)).toMatchObject({
      to: '447700900123',
      biz_opaque_callback_data: 't:2',
      text: { body: 'Hello' },
    });
  });

  it('slows down and retries on the pair rate limit (131056) rather than failing', async () => {
    const { ch } = channel(refused(131056));
    const result = await ch.send(thread, text, 1);
    expect(result).toMatchObject({ outcome: 'retry' });
    expect(result.outcome === 'retry' && result.afterMs).toBeGreaterThanOrEqual(1000);
  });

  it('slows down and retries on the throughput limit (130429)', async () => {
    const { ch } = channel(refused(130429, 429));
    expect(await ch.send(thread, text, 1)).toMatchObject({ outcome: 'retry' });
  });

  it('fails with the window-closed reason on a synchronous 131047, so the engine pauses', async () => {
    const { ch } = channel(refused(131047));
    expect(await ch.send(thread, text, 1)).toEqual({
      outcome: 'failed',
      failure: expect.objectContaining({ graphCode: 131047, kind: 'window_closed' }),
    });
  });

  it('fails for good on an undeliverable number with its reason', async () => {
    const { ch } = channel(refused(131026));
    expect(await ch.send(thread, text, 1)).toMatchObject({
      outcome: 'failed',
      failure: { graphCode: 131026, reasonKey: 'reason.undeliverable' },
    });
  });

  it("retries a server error, then stops after the catalogue's bound", async () => {
    const { ch } = channel(refused(131000, 500));
    expect(await ch.send(thread, text, 1)).toMatchObject({ outcome: 'retry' });
    expect(await ch.send(thread, text, 10)).toMatchObject({ outcome: 'failed' });
  });

  it('paces a burst to one contact before WhatsApp has to refuse it', async () => {
    const now = { t: 0 };
    const { ch, calls } = channel(accepted, now);
    await ch.send(thread, text, 1);
    await ch.send(thread, text, 1);
    const third = await ch.send(thread, text, 1);
    expect(third).toMatchObject({ outcome: 'retry' });
    expect(calls).toHaveLength(2);
  });

  it("writes participant notices to the contact in the organisation's language", async () => {
    const { ch, calls } = channel(accepted);
    const notice: Message = {
      ...text,
      kind: 'notice',
      body: undefined,
      noticeKey: 'contact.participant_added',
      params: { name: 'Bob' },
    };
    await ch.send(thread, notice, 1);
    expect(JSON.parse(calls[0]!.body).text.body).toContain('Bob');
    expect(JSON.parse(calls[0]!.body).text.body).not.toBe('Bob has joined this conversation.');
  });

  it('refuses a number this app does not serve', async () => {
    const { ch } = channel(accepted);
    expect(await ch.send({ ...thread, businessNumberId: 'other' }, text, 1)).toMatchObject({
      outcome: 'failed',
    });
  });
});
