/**
 * The real product with its Teams adapter, in local mode (no BOT_ID), the sandbox as WhatsApp
 * and a recording Bot Connector as Teams: what the teams-*.e2e tests drive.
 */
import type { SandboxClock } from '../../../bot/src/sandbox/clock.js';
import type { Logger } from 'pino';
import { SANDBOX_CREDENTIALS } from '../../../bot/src/config/config.js';
import type { Store } from '../../../bot/src/store/port.js';
import {
  createTeamsAdapter,
  type TeamsAdapterOptions,
} from '../../../bot/src/teams/teams-adapter.js';
import { executeActions, RecordingBotConnector } from './bot-connector.js';
import { TeamsUser, type TeamsUserOptions } from './teams-client.js';
import { startTestProduct, type TestProduct } from './test-product.js';

export const BUSINESS_NUMBER = SANDBOX_CREDENTIALS.phoneNumberId;

export interface TeamsWorld {
  readonly product: TestProduct;
  readonly connector: RecordingBotConnector;
  user(options: TeamsUserOptions): TeamsUser;
  /** Let the outbox, the sandbox and the bot's proactive messages settle. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTeamsWorld(
  options: TeamsAdapterOptions & {
    env?: Record<string, string>;
    store?: Store;
    logger?: Logger;
    /** reply (issue 10): the same Teams across a restart of the product (not closed by stop). */
    connector?: RecordingBotConnector;
    /** gather: a clock that runs (the default is frozen), so what waits in the outbox comes due. */
    clock?: SandboxClock;
  } = {},
): Promise<TeamsWorld> {
  const { env, store, logger, clock, connector: given, ...adapterOptions } = options;
  const connector = given ?? (await RecordingBotConnector.start());
  // The product's clock is frozen in these tests, so a notice held back by Teams' rate limits
  // would never come due: the limits are wide here, and tested on their own.
  const wide = {
    conversationWindows: [{ max: 10_000, perMs: 1_000 }],
    tenantWindows: [{ max: 10_000, perMs: 1_000 }],
    ...adapterOptions,
  };
  const product = await startTestProduct({
    adapters: (core) => createTeamsAdapter(core, wide),
    ...(env ? { env } : {}),
    ...(store ? { store } : {}),
    ...(logger ? { logger } : {}),
    ...(clock ? { clock } : {}),
  });
  return {
    product,
    connector,
    user: (o) => new TeamsUser(product.url, connector, o),
    settle: () => product.settle(),
    async stop() {
      await product.stop();
      if (!given) await connector.close();
    },
  };
}

/** The loopback address of a URL the product made with PUBLIC_URL's "localhost". */
export function loopback(url: string): string {
  return url.replace('//localhost:', '//127.0.0.1:');
}

/**
 * The usual opening: the user adds the contact, starts a conversation with `new`, confirms the
 * opt-in on the card, and the contact taps Agree on their phone.
 */
export async function consentedConversation(
  w: TeamsWorld,
  user: TeamsUser,
  contact: { readonly name: string; readonly phone: string } = {
    name: 'Maria Silva',
    phone: '447700900123',
  },
): Promise<void> {
  await user.say(`add contact ${contact.name} +${contact.phone}`);
  await user.say(`new ${contact.name}`);
  const optIn = user.last();
  await user.execute(
    'optin.confirm',
    executeActions(optIn.card).find((a) => a.verb === 'optin.confirm')!.data,
    optIn.activityId,
  );
  await w.settle();
  w.product.sandbox.phone(contact.phone).tapButton('Agree');
  await w.settle();
}
