/**
 * One server process for the shared-budgets test (shared-budgets.e2e.test.ts): the product as
 * `npm start` starts it, configured from the environment it was given, on a port of its own
 * choosing. Prints "ready" once listening and stops cleanly on SIGTERM.
 */
import { pino } from 'pino';
import { loadConfig } from '../../bot/src/config/config.js';
import { startProduct } from '../../bot/src/product.js';
import { createTeamsAdapter } from '../../bot/src/teams/teams-adapter.js';

// The moment each request leaves this process, as the budget let it go: the test counts
// these, since what arrives at the stand-in also carries the loaded machine's scheduling.
const sendingFetch = globalThis.fetch;
globalThis.fetch = (input, init) =>
  sendingFetch(input, {
    ...init,
    headers: { ...(init?.headers as Record<string, string>), 'x-sent-at': String(Date.now()) },
  });

const config = { ...loadConfig(process.env), port: 0 };
const product = await startProduct(config, {
  logger: pino({ level: process.env.E2E_LOG ?? 'error' }),
  adapters: (core) => createTeamsAdapter(core),
  host: '127.0.0.1',
  pollMs: 100,
});
// A server that has been running talks to Graph over warm connections: open them now, so the
// test measures pacing, not this process's first connection set-up.
await Promise.all(
  Array.from({ length: 8 }, () =>
    fetch(`${process.env.WHATSAPP_API_URL}/warm-up`, { method: 'POST', body: '{}' }).then((r) =>
      r.arrayBuffer(),
    ),
  ),
);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void product.stop().then(() => process.exit(0));
});
