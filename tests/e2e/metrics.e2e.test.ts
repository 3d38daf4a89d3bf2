/**
 * GET /metrics (issue 12, item 1): each family moves when what it counts happens, behind the
 * METRICS_TOKEN bearer when set, and no label carries a phone number, a name or an id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, Thread } from '../../bot/src/core/types.js';
import { TransientDeliveryError, type TeamsEffect } from '../../bot/src/app/ports.js';
import { countedContacts, countedUsers, PrometheusMetrics } from '../../bot/src/ops/metrics.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';
import { HOUR, startTestProduct, T0, type TestProduct } from './support/test-product.js';
import { inboundTextWebhook, signWebhook } from './support/whatsapp-webhooks.js';

const TOKEN = 'metrics-token-for-tests';
let product: TestProduct | undefined;
let world: TeamsWorld | undefined;
afterEach(async () => {
  await product?.stop();
  await world?.stop();
  product = undefined;
  world = undefined;
});

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The sample's value, e.g. value(text, 'wa4t_webhooks_refused_total{reason="signature"}'). */
function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

async function post(url: string, body: string, signature = signWebhook(body)): Promise<number> {
  const response = await fetch(`${url}/api/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  });
  return response.status;
}

describe('/metrics', () => {
  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    product = await startTestProduct({ env: { METRICS_TOKEN: TOKEN } });
    expect((await fetch(`${product.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${product.url}/metrics`, {
      headers: { authorization: 'Bearer guess' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('METRICS_TOKEN');
    expect(await scrape(product.url)).toContain('# TYPE wa4t_webhooks_received_total counter');
  });

  it('counts webhooks received, refused by reason and deduplicated, and times commits', async () => {
    product = await startTestProduct({ env: { METRICS_TOKEN: TOKEN } });
    const body = inboundTextWebhook({ wamid: 'wamid.M1', text: 'Hi', timestamp: T0 / 1000 });
    expect(await post(product.url, body)).toBe(200);
    expect(await post(product.url, body)).toBe(200);
    expect(await post(product.url, body, signWebhook(body, 'wrong'))).toBe(401);
    expect(await post(product.url, '{"object":"page"}')).toBe(400);
    const text = await scrape(product.url);
    expect(value(text, 'wa4t_webhooks_received_total')).toBe(2);
    expect(value(text, 'wa4t_webhook_items_deduplicated_total')).toBe(1);
    expect(value(text, 'wa4t_webhooks_refused_total{reason="signature"}')).toBe(1);
    expect(value(text, 'wa4t_webhooks_refused_total{reason="malformed"}')).toBe(1);
    expect(value(text, 'wa4t_webhooks_refused_total{reason="store_unavailable"}')).toBe(0);
    expect(value(text, 'wa4t_store_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it("reports the outbox's depth and oldest age, due and late timers, and open conversations by window", async () => {
    const store = new SqliteStore(':memory:');
    product = await startTestProduct({ store, env: { METRICS_TOKEN: TOKEN } });
    await product.dispatcher.stop();
    await product.timers.stop();
    const body = inboundTextWebhook({ wamid: 'wamid.M2', text: 'Hello', timestamp: T0 / 1000 });
    expect(await post(product.url, body)).toBe(200);
    product.sandbox.clock.advance(2 * 60_000);
    let text = await scrape(product.url);
    expect(value(text, 'wa4t_outbox_effects')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'wa4t_outbox_oldest_effect_age_seconds')).toBe(120);
    const before = {
      due: value(text, 'wa4t_timers_due')!,
      late: value(text, 'wa4t_timers_late')!,
      open: value(text, 'wa4t_open_conversations{state="active",window="open"}')!,
      closed: value(text, 'wa4t_open_conversations{state="active",window="closed"}')!,
    };

    const thread: Thread = {
      id: 'metrics-t',
      businessNumberId: '100000000000001',
      contact: { id: '100000000000001:15550001111', phone: '15550001111', name: 'Somebody' },
      state: 'active',
      participants: [],
      createdAt: T0,
      createdBy: 'u1',
      lastInboundAt: T0,
      pending: [],
      nextSeq: 1,
      version: 0,
    } as unknown as Thread;
    await store.apply(
      {
        thread,
        messages: [],
        effects: [{ type: 'schedule', threadId: thread.id, timer: 'optin_retry', at: T0 }],
      },
      { now: T0 },
    );
    text = await scrape(product.url);
    expect(value(text, 'wa4t_timers_due')).toBe(before.due + 1);
    expect(value(text, 'wa4t_timers_late')).toBe(before.late + 1);
    expect(value(text, 'wa4t_open_conversations{state="active",window="open"}')).toBe(
      before.open + 1,
    );
    product.sandbox.clock.advance(25 * HOUR);
    text = await scrape(product.url);
    expect(value(text, 'wa4t_open_conversations{state="active",window="open"}')).toBe(0);
    expect(value(text, 'wa4t_open_conversations{state="active",window="closed"}')).toBe(
      before.closed + before.open + 1,
    );
  });

  it('counts WhatsApp and Teams sends in a whole conversation, and no label names anyone', async () => {
    world = await startTeamsWorld({ env: { METRICS_TOKEN: TOKEN } });
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    await consentedConversation(world, ana);
    await ana.say('Your order has shipped');
    await world.settle();
    const text = await scrape(world.product.url);
    expect(
      value(text, 'wa4t_whatsapp_sends_total{outcome="sent",graph_code="none"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(value(text, 'wa4t_teams_sends_total{outcome="delivered"}')).toBeGreaterThanOrEqual(1);
    // Label values: words and codes only. No phone number, wamid, user, thread or tenant.
    const ours = text
      .split('\n')
      .filter((l) => l.startsWith('wa4t_'))
      .join('\n');
    const labels = [...ours.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
      [...m[1]!.matchAll(/="([^"]*)"/g)].map((v) => v[1]!),
    );
    expect(labels.length).toBeGreaterThan(10);
    for (const label of labels) expect(label).toMatch(/^(?:[a-z_]+|\d{1,6}|\+Inf|[\d.]+)$/);
    expect(text).not.toMatch(/447700900123|Maria|Ana|wamid|tenant|100000000000001/);
  });
});

describe('send counters', () => {
  const thread = {} as Thread;
  const message = {} as Message;

  it('labels WhatsApp outcomes with catalogue codes only, never free text', async () => {
    const metrics = new PrometheusMetrics({
      store: new SqliteStore(':memory:'),
      clock: { now: () => T0 },
    });
    const results = [
      {
        outcome: 'failed',
        failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.access_token' },
      },
      { outcome: 'retry', afterMs: 1, reason: 'WhatsApp 130429', graphCode: 130429 },
      { outcome: 'retry', afterMs: 1, reason: 'paced to WhatsApp limits' },
      {
        outcome: 'failed',
        failure: { graphCode: 447700900, kind: 'other', reasonKey: 'reason.access_token' },
      },
    ] as const;
    let i = 0;
    const channel = countedContacts({ send: async () => results[i++]! }, metrics);
    for (let n = 0; n < results.length; n++) await channel.send(thread, message, 1);
    const text = await metrics.registry.metrics();
    expect(value(text, 'wa4t_whatsapp_sends_total{outcome="failed",graph_code="131026"}')).toBe(1);
    expect(value(text, 'wa4t_whatsapp_sends_total{outcome="retry",graph_code="130429"}')).toBe(1);
    expect(value(text, 'wa4t_whatsapp_sends_total{outcome="retry",graph_code="none"}')).toBe(1);
    expect(value(text, 'wa4t_whatsapp_sends_total{outcome="failed",graph_code="other"}')).toBe(1);
    expect(text).not.toContain('447700900');
  });

  it('counts a Teams throttle as a throttle, and other failures as failures', async () => {
    const metrics = new PrometheusMetrics({
      store: new SqliteStore(':memory:'),
      clock: { now: () => T0 },
    });
    const errors = [new TransientDeliveryError('429'), new Error('unreachable'), undefined];
    let i = 0;
    const channel = countedUsers(
      {
        deliver: async () => {
          const e = errors[i++];
          if (e) throw e;
        },
      },
      metrics,
    );
    for (let n = 0; n < 3; n++)
      await channel.deliver({} as TeamsEffect, thread).catch(() => undefined);
    const text = await metrics.registry.metrics();
    expect(value(text, 'wa4t_teams_sends_total{outcome="throttled"}')).toBe(1);
    expect(value(text, 'wa4t_teams_sends_total{outcome="failed"}')).toBe(1);
    expect(value(text, 'wa4t_teams_sends_total{outcome="delivered"}')).toBe(1);
    expect(value(text, 'wa4t_teams_throttles_total')).toBe(1);
  });
});
