/**
 * The sandbox's "stop webhooks" switch (issue 12): an operator stops the webhooks the sandbox
 * posts (statuses and the contact's messages), as when the subscription or a firewall breaks,
 * and sees the webhook-silence alarm; on resume what was held is delivered, in order (WhatsApp
 * keeps undelivered webhooks and delivers them again), and the alarm clears.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  consentedConversation,
  loopback,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const MINUTE = 60_000;
const SILENT = 'WhatsApp has sent this app no webhooks for 1 minute while messages were being sent';
const BACK = 'WhatsApp webhooks are arriving again.';

describe('the sandbox stops and resumes its webhooks', () => {
  it('holds statuses and messages while stopped, raises webhook silence, and delivers in order on resume', async () => {
    world = await startTeamsWorld({ env: { WEBHOOK_SILENCE_MINUTES: '1' } });
    const w = world;
    const api = `${loopback(w.product.url)}/sandbox/api/webhooks`;
    const put = (body: unknown) =>
      fetch(api, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ana = w.user({ id: 'aad-ana', name: 'Ana Souza' });
    await consentedConversation(w, ana);
    const alarms = w.product.jobs.find((j) => j.name === 'alarms')!;
    const runAlarms = async () => {
      await new Promise((r) => setTimeout(r, 50));
      await w.product.store.ops.releaseLeases(w.product.owner);
      expect(await alarms.runOnce()).toBe(true);
      await w.settle();
    };

    // A body the switch cannot take is refused, and changes nothing.
    const bad = await put({ stopped: 'yes' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'stopped: Invalid input: expected boolean, received string',
    });
    expect(await put({ stopped: true }).then((r) => r.json())).toEqual({
      stopped: true,
      held: 0,
      released: 0,
    });

    // The product's clock is frozen in these tests: the send comes after the last webhook.
    w.product.sandbox.clock.advance(1000);
    const maria = w.product.sandbox.phone('447700900123');
    maria.sendText('Are you there?');
    maria.sendText('Hello?');
    await ana.say('Your parcel ships on Tuesday');
    await w.settle();
    // Nothing reached the app: not Maria's words, not the receipts of Ana's message.
    expect(ana.texts().join('\n')).not.toContain('Are you there?');
    const state = (await (await fetch(api)).json()) as { stopped: boolean; held: number };
    expect(state.stopped).toBe(true);
    expect(state.held).toBeGreaterThanOrEqual(3);

    w.product.sandbox.clock.advance(MINUTE);
    await runAlarms();
    await runAlarms();
    expect(ana.texts().filter((t) => t.includes(SILENT))).toHaveLength(1);

    const resumed = (await (await put({ stopped: false })).json()) as { released: number };
    expect(resumed.released).toBe(state.held);
    await w.settle();
    const texts = ana.texts();
    const first = texts.findIndex((t) => t.includes('Are you there?'));
    const second = texts.findIndex((t) => t.includes('Hello?'));
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(w.product.sandbox.webhooks().every((d) => d.state === 'delivered')).toBe(true);

    await runAlarms();
    await runAlarms();
    expect(ana.texts().filter((t) => t.includes(BACK))).toHaveLength(1);
  });
});
