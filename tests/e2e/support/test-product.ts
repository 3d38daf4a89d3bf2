/**
 * The real product on a loopback port, with the sandbox as WhatsApp (frozen clock, no
 * delivery delays) and a recording channel standing in for Teams where a test needs it.
 */
import { png } from '../../../scripts/app-package.js';
import { createServer } from 'node:net';
import { pino } from 'pino';
import type { TeamsEffect, UserChannel } from '../../../bot/src/app/ports.js';
import { loadConfig } from '../../../bot/src/config/config.js';
import {
  startProduct,
  type ProductOptions,
  type RunningProduct,
} from '../../../bot/src/product.js';
import { createSandboxClock, type Sandbox } from '../../../bot/src/sandbox/index.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const HOUR = 3_600_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export class RecordingUsers implements UserChannel {
  readonly effects: TeamsEffect[] = [];
  async deliver(effect: TeamsEffect): Promise<void> {
    this.effects.push(effect);
  }
  notices(userId: string): string[] {
    return this.effects.flatMap((e) =>
      e.type === 'notify' && e.to.includes(userId) ? [e.notice.key] : [],
    );
  }
}

export interface TestProduct extends RunningProduct {
  readonly sandbox: Sandbox;
  /** Let the outbox, the sandbox's statuses and its webhooks run until all is quiet. */
  settle(): Promise<void>;
}

export async function startTestProduct(
  options: Partial<ProductOptions> & { env?: Record<string, string> } = {},
): Promise<TestProduct> {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    DATA_DIR: '/nonexistent',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const product = await startProduct(config, {
    logger: pino({ level: process.env.E2E_LOG ?? 'silent' }),
    store: options.store ?? new SqliteStore(':memory:'),
    clock: createSandboxClock({ frozenAt: T0 }),
    deliveryDelays: { sentMs: 0, deliveredMs: 0, readMs: 0 },
    host: '127.0.0.1',
    pollMs: 20,
    ...options,
  });
  const sandbox = product.sandbox!;
  return {
    ...product,
    sandbox,
    async settle() {
      // Effects may be held in memory for their send slot (Teams' limits) by the background
      // drain: keep going while time allows, not for a fixed number of rounds.
      const deadline = Date.now() + 20_000;
      for (let round = 0; round < 50 || Date.now() < deadline; round++) {
        await product.dispatcher.drain();
        await product.timers.runDue();
        await sandbox.idle({ quietMs: 15 });
        if ((await product.store.countPendingEffects()) === 0) {
          await sandbox.idle({ quietMs: 15 });
          if ((await product.store.countPendingEffects()) === 0) return;
        }
      }
      throw new Error('the product did not settle');
    },
  };
}

/** A 1×1 PNG (the encoder that draws the app's icons). */
export const PNG = png(1, new Uint8Array([37, 211, 102, 255]));
