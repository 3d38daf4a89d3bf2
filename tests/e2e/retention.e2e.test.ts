/**
 * Retention, export and erasure through the product (issue 12, item 4): the leased
 * retention job deletes what is older than RETENTION_DAYS and final; `contact export` gives a
 * contact's data; `contact erase` deletes it, and an opt-out survives: the erased number,
 * added again, is still opted out and gets no business message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parsePhone, runContactCommand } from '../../bot/src/admin/contact-commands.js';
import { AdminUsageError } from '../../bot/src/admin/admin-commands.js';
import { loadConfig } from '../../bot/src/config/config.js';
import { DAY } from '../../bot/src/ops/retention.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';
import { PNG } from './support/test-product.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const PHONE = '447700900123';

async function admin(w: TeamsWorld, ...argv: string[]): Promise<string> {
  const lines: string[] = [];
  await runContactCommand(
    argv,
    w.product.store,
    (l) => lines.push(l),
    () => w.product.clock.now(),
  );
  return lines.join('\n');
}

describe('retention', () => {
  it('deletes messages in a final state older than RETENTION_DAYS, with their pictures, and keeps the rest', async () => {
    world = await startTeamsWorld({ env: { RETENTION_DAYS: '30' } });
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    await consentedConversation(world, ana);
    const phone = world.product.sandbox.phone(PHONE);
    const { mediaId } = phone.sendImage(PNG, 'image/png', { caption: 'old receipt' });
    expect(mediaId).toBeTruthy();
    await world.settle();
    const data = await world.product.store.ops.contactData(PHONE);
    const before = data.messages.length;
    const picture = data.messages.find((m) => m.media)!.media!;
    expect(before).toBeGreaterThan(2);

    const job = world.product.jobs.find((j) => j.name === 'retention')!;
    expect(await job.runOnce()).toBe(true);
    expect((await world.product.store.ops.contactData(PHONE)).messages).toHaveLength(before);

    world.product.sandbox.clock.advance(31 * DAY);
    phone.sendText('Hello again, a month later');
    await world.settle();
    expect(await job.runOnce()).toBe(true);
    const after = await world.product.store.ops.contactData(PHONE);
    expect(after.messages.map((m) => m.body)).toEqual(['Hello again, a month later']);
    expect(await world.product.store.getMedia(picture.id)).toBeUndefined();
    // The conversation itself and its consent stay.
    expect(after.threads).toHaveLength(1);
    expect(after.consentRecords.map((c) => c.kind)).toContain('consent');
  });

  it('takes RETENTION_DAYS as whole days, and says so otherwise', () => {
    expect(loadConfig({ RETENTION_DAYS: '365' }).ops.retentionDays).toBe(365);
    expect(loadConfig({}).ops.retentionDays).toBeUndefined();
    expect(() => loadConfig({ RETENTION_DAYS: 'a year' })).toThrow(
      /RETENTION_DAYS must be a whole number of days, e\.g\. 365/,
    );
  });
});

describe('a contact erased', () => {
  it('exports their data as JSON first', async () => {
    world = await startTeamsWorld();
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    await consentedConversation(world, ana);
    await ana.say('Your parcel ships on Tuesday');
    await world.settle();
    const json = JSON.parse(await admin(world, 'export', '+44', '7700', '900123')) as {
      phone: string;
      messages: { body?: string }[];
      consentRecords: { kind: string }[];
      addressBook: { name: string }[];
    };
    expect(json.phone).toBe('+447700900123');
    expect(json.messages.map((m) => m.body)).toContain('Your parcel ships on Tuesday');
    expect(json.consentRecords.map((c) => c.kind)).toContain('consent');
    expect(json.addressBook.map((a) => a.name)).toEqual(['Maria Silva']);
  });

  it('stays opted out after erasure: added again, the number gets no business message', async () => {
    world = await startTeamsWorld();
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    await consentedConversation(world, ana);
    const phone = world.product.sandbox.phone(PHONE);
    phone.sendText('STOP');
    await world.settle();
    const received = phone.received().length;

    const said = await admin(world, 'erase', '+44 7700 900123');
    expect(said).toMatch(/^Erased \+447700900123: 1 contact record\(s\), 1 conversation\(s\)/);
    expect(said).toContain('consent record(s) deleted');
    expect(said).toContain('The number had opted out: it stays opted out');
    const left = await world.product.store.ops.contactData(PHONE);
    expect(left).toMatchObject({ contacts: [], threads: [], messages: [], consentRecords: [] });
    expect(left.suppressed).toBe(true);

    const seen = ana.texts().length;
    await ana.say('add contact Maria Silva +44 7700 900123');
    await ana.say('new Maria');
    await world.settle();
    expect(ana.texts().slice(seen).join('\n')).toContain(
      'Maria Silva has opted out of WhatsApp messages. You can message them again after they write to you.',
    );
    expect(phone.received()).toHaveLength(received);
  });

  it('refuses a number it cannot read, saying how to write one', async () => {
    expect(parsePhone('+44 7700 900123')).toBe(PHONE);
    expect(() => parsePhone('Maria')).toThrow(AdminUsageError);
    expect(() => parsePhone('12')).toThrow(
      /give it in international form, e\.g\. \+44 7700 900123/,
    );
  });
});
