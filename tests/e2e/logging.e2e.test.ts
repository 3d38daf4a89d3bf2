/**
 * Logs an operator can follow (issue 12, item 6): one JSON line per request with its id,
 * route, status and duration; the ids to follow a message (thread, message, WhatsApp id,
 * activity id); and at info level never a body, a phone number, a name, a token or a secret,
 * through a whole conversation.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../bot/src/config/config.js';
import { createLogger } from '../../bot/src/log.js';
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

function capture(): {
  lines: () => Record<string, unknown>[];
  raw: () => string;
  stream: Writable;
} {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    stream,
    raw: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logs at info level', () => {
  it('follow a whole conversation by ids, one line per request, and name nobody', async () => {
    const log = capture();
    world = await startTeamsWorld({ logger: createLogger('info', log.stream) });
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    await consentedConversation(world, ana, { name: 'Maria Silva', phone: '447700900123' });
    await ana.say('Your parcel ships on Tuesday');
    await world.settle();
    const phone = world.product.sandbox.phone('447700900123');
    phone.sendText('Thanks, see you then');
    phone.sendImage(PNG, 'image/png', { caption: 'my receipt photo' });
    await world.settle();

    const lines = log.lines();
    const text = log.raw();
    expect(lines.length).toBeGreaterThan(10);

    // Nothing personal or secret, in any form it travels in.
    for (const secret of [
      '447700900123',
      '+44 7700 900123',
      '7700 900123',
      'Maria Silva',
      'Your parcel ships on Tuesday',
      'Thanks, see you then',
      'my receipt photo',
      SANDBOX_CREDENTIALS.accessToken,
      SANDBOX_CREDENTIALS.appSecret,
      SANDBOX_CREDENTIALS.verifyToken,
      'sha256=',
      'Bearer ',
    ]) {
      expect(text, secret).not.toContain(secret);
    }

    // One line per request: its id, route pattern, status and duration.
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThan(5);
    for (const r of requests) {
      expect(r).toMatchObject({
        level: 30,
        requestId: expect.any(String),
        method: expect.any(String),
        route: expect.any(String),
        status: expect.any(Number),
        durationMs: expect.any(Number),
      });
    }
    expect(requests.map((r) => r.route)).toContain('/api/whatsapp/webhook');
    expect(requests.map((r) => r.route)).toContain('/api/messages');

    // The ids to follow the contact's message from webhook to the cards in Teams.
    const webhook = lines.find(
      (l) => l.msg === 'webhook handled' && JSON.stringify(l.items).includes('msg:wamid.'),
    );
    expect(webhook).toBeDefined();
    const handedOver = lines.find((l) => l.msg === 'message handed to WhatsApp' && l.waMessageId);
    expect(handedOver).toMatchObject({
      threadId: expect.any(String),
      messageId: expect.any(String),
      waMessageId: expect.stringMatching(/^wamid\./),
    });
    expect(lines.some((l) => l.msg === 'card posted' && typeof l.activityId === 'string')).toBe(
      true,
    );
  });
});
