/**
 * Alarms to admins in Teams (issue 12, item 3): each condition gives one card when it starts
 * and one when it clears per admin, however often the leased job runs and whichever instance
 * runs it; each alarm is a metric too.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../../bot/src/admin/admin-commands.js';
import { AlarmSignals, checkAlarms } from '../../bot/src/ops/alarms.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { createSandboxClock } from '../../bot/src/sandbox/index.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';
import { RecordingUsers, T0 } from './support/test-product.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const MINUTE = 60_000;
const REFUSED = "WhatsApp is refusing the business number's messages (error 190).";
const ACCEPTED = "WhatsApp accepts the business number's messages again.";

describe('alarms to admins in Teams', () => {
  it('tells each admin once when WhatsApp refuses the token, and once when it accepts it again', async () => {
    world = await startTeamsWorld();
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    await consentedConversation(world, ana);
    const alarms = world.product.jobs.find((j) => j.name === 'alarms')!;
    const cards = () => ana.texts().filter((t) => t.includes(REFUSED) || t.includes(ACCEPTED));

    world.product.sandbox.tokenRefused = true;
    await ana.say('Your parcel ships on Tuesday');
    await world.settle();
    await new Promise((r) => setTimeout(r, 50));
    // The job runs again and again; another instance holds no lease meanwhile.
    await world.product.store.ops.releaseLeases(world.product.owner);
    expect(await alarms.runOnce()).toBe(true);
    expect(
      await world.product.store.ops.acquireJobLease('alarms', 'instance-2', Date.now(), MINUTE),
    ).toBe(false);
    expect(await alarms.runOnce()).toBe(true);
    await world.settle();
    expect(cards()).toHaveLength(1);
    expect(cards()[0]).toContain(REFUSED);
    expect(await world.product.store.ops.getAlarm('whatsapp_refused')).toMatchObject({
      state: 'raised',
      toldRaised: ['aad-ana'],
    });
    const metrics = await (await fetch(`${world.product.url}/metrics`)).text();
    expect(metrics).toContain('wa4t_alarm_active{alarm="whatsapp_refused"} 1');

    world.product.sandbox.tokenRefused = false;
    await ana.say('Sorry, here it is again');
    await world.settle();
    await new Promise((r) => setTimeout(r, 50));
    expect(await alarms.runOnce()).toBe(true);
    expect(await alarms.runOnce()).toBe(true);
    await world.settle();
    expect(cards()).toHaveLength(2);
    expect(cards()[1]).toContain(ACCEPTED);
    expect(await world.product.store.ops.getAlarm('whatsapp_refused')).toMatchObject({
      state: 'cleared',
      toldCleared: ['aad-ana'],
    });
  });

  it("tells the organisation's admins (user admin … on), in each admin's language", async () => {
    world = await startTeamsWorld();
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    const jo = world.user({ id: 'aad-jo', name: 'João Lima', locale: 'pt-BR' });
    await consentedConversation(world, ana);
    await jo.say('help');
    const org = (await world.product.store.getUser('aad-ana'))!.tenantId;
    const said: string[] = [];
    await runAdmin(['user', 'admin', 'aad-jo', 'on'], world.product.store, (l) => said.push(l), {
      maxParticipants: 8,
    });
    expect(said[0]).toBe(`aad-jo (João Lima) is now an admin of ${org}`);

    await world.product.dispatcher.stop();
    await ana.say('One more thing');
    world.product.sandbox.clock.advance(16 * MINUTE);
    await world.product.store.ops.releaseLeases(world.product.owner);
    await world.product.jobs.find((j) => j.name === 'alarms')!.runOnce();
    await new Promise((r) => setTimeout(r, 50));
    expect(
      jo
        .texts()
        .some((t) =>
          t.includes('Há mensagens aguardando entrega: a mais antiga espera há 16 minutos.'),
        ),
    ).toBe(true);
    expect(ana.texts().some((t) => t.includes('waiting to be delivered'))).toBe(false);
  });
});

describe('webhook silence', () => {
  it('starts when sends get no webhook for WEBHOOK_SILENCE_MINUTES, and clears when one arrives', async () => {
    const store = new SqliteStore(':memory:');
    const clock = createSandboxClock({ frozenAt: T0 });
    const logger = pino({ level: 'silent' });
    const signals = new AlarmSignals(store, clock, logger);
    const users = new RecordingUsers();
    const check = () =>
      checkAlarms({
        store,
        clock,
        users,
        logger,
        admins: async () => ['admin-1', 'admin-2'],
        silenceMs: 60 * MINUTE,
        outboxAgeMs: 15 * MINUTE,
      });
    const notices = () =>
      users.effects.map((e) => (e.type === 'notify' ? `${e.to[0]} ${e.notice.key}` : ''));

    signals.webhookReceived();
    clock.advance(MINUTE);
    signals.whatsappSend('sent', undefined);
    await new Promise((r) => setTimeout(r, 10));
    clock.advance(59 * MINUTE);
    await check();
    expect(notices()).toEqual([]);
    clock.advance(2 * MINUTE);
    await check();
    await check();
    expect(notices()).toEqual([
      'admin-1 ops.alarm.webhook_silence.raised',
      'admin-2 ops.alarm.webhook_silence.raised',
    ]);
    signals.webhookReceived();
    await new Promise((r) => setTimeout(r, 10));
    await check();
    await check();
    expect(notices().slice(2)).toEqual([
      'admin-1 ops.alarm.webhook_silence.cleared',
      'admin-2 ops.alarm.webhook_silence.cleared',
    ]);
    await store.close();
  });
});
