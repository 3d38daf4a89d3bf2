/**
 * Media WhatsApp no longer has, against a download that failed for now: the first is kept as a
 * message saying so (the webhook is answered 200), the second is not kept at all (5xx, so
 * WhatsApp delivers the webhook again), nor is a token problem an administrator must fix.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Conversations } from '../../../bot/src/app/conversations.js';
import { createSandboxClock } from '../../../bot/src/sandbox/clock.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import type { CloudApiClient } from '../../../bot/src/whatsapp/cloud-api-client.js';
import {
  MediaRejectedError,
  WhatsAppApiError,
  WhatsAppUnavailableError,
} from '../../../bot/src/whatsapp/errors.js';
import { parseWebhook } from '../../../bot/src/whatsapp/webhook.js';
import { WebhookEvents } from '../../../bot/src/whatsapp/webhook-events.js';
import { fixture, PHONE_NUMBER_ID } from './support/fixtures.js';

const WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RAA=';

function world(failure: unknown) {
  const store = new SqliteStore(':memory:');
  const logger = pino({ level: 'silent' });
  const conversations = new Conversations({
    store,
    clock: createSandboxClock({ frozenAt: Date.UTC(2025, 3, 11) }),
    logger,
    maxParticipants: 8,
  });
  let downloads = 0;
  const client = {
    phoneNumberId: PHONE_NUMBER_ID,
    downloadMedia: () => {
      downloads++;
      return Promise.reject(failure);
    },
  } as unknown as CloudApiClient;
  const events = new WebhookEvents({ conversations, store, clientFor: () => client, logger });
  return { store, events, downloads: () => downloads };
}

const graphError = (httpStatus: number, code: number) =>
  new WhatsAppApiError({ httpStatus, graphCode: code, title: `(#${code})`, details: '' });

describe('a document whose media cannot be downloaded', () => {
  it.each([
    ['the media id is unknown to WhatsApp (expired or deleted)', graphError(400, 100)],
    ['WhatsApp reports a media download error', graphError(400, 131052)],
    ['the file is over WhatsApp’s own limit', new MediaRejectedError('too_large', 'big')],
  ])('is kept as a message saying so when %s', async (_why, error) => {
    const w = world(error);
    const items = parseWebhook(fixture('inbound-document.json'));
    await expect(w.events.handle(items)).resolves.toMatchObject({ applied: 1 });
    expect(await w.store.getMessageByWaId(WAMID)).toMatchObject({
      mediaGone: 'document',
      body: 'Invoice for March',
    });
    // Delivered again: recognised before anything is downloaded.
    await expect(w.events.handle(items)).resolves.toMatchObject({ repeated: 1 });
    expect(w.downloads()).toBe(1);
  });

  it.each([
    ['WhatsApp cannot be reached', new WhatsAppUnavailableError('network', false, 'down')],
    ['WhatsApp answers 500', graphError(500, 1)],
    ['the access token was revoked (an administrator must fix it)', graphError(401, 190)],
  ])(
    'is not kept when %s: the webhook fails so WhatsApp delivers it again',
    async (_why, error) => {
      const w = world(error);
      await expect(w.events.handle(parseWebhook(fixture('inbound-document.json')))).rejects.toBe(
        error,
      );
      expect(await w.store.getMessageByWaId(WAMID)).toBeUndefined();
    },
  );
});
