/**
 * A burst of BENCH_BURST contacts (1,000) each writing once, within about a second, to the
 * one Teams user who takes in the number's new contacts. Measured at the Bot Connector
 * stand-in: how many of the messages Teams was shown (each message's text found in some
 * activity posted or updated in the user's chat), when the last one was, and the most calls
 * to that chat within any 1 s, 2 s and 30 s (Teams allows 7, 8 and 60) and to the tenant
 * within any 1 s (30).
 */
import { inboundTextWebhook, signWebhook } from '../../tests/e2e/support/whatsapp-webhooks.js';
import { ConnectorStandIn } from '../lib/connector-stand-in.js';
import { GraphStandIn } from '../lib/graph-stand-in.js';
import { dataDir, fmt, freePort, pool, productEnv, sleep, type Scenario } from '../lib/common.js';
import { startProductProcess } from '../lib/product-process.js';
import { BenchTeamsUser } from '../lib/teams-user.js';
import { phoneOf } from './inbound.js';

const CONTACTS = Number(process.env.BENCH_BURST ?? 1000);
const WAIT_S = Number(process.env.BENCH_BURST_WAIT_SECONDS ?? 600);

export const teamsBurst: Scenario = {
  name: 'teams-burst',
  async run() {
    const graph = await GraphStandIn.start();
    const connector = await ConnectorStandIn.start();
    const product = await startProductProcess(productEnv(dataDir(), graph.url), await freePort());
    try {
      const user = new BenchTeamsUser(product.url, connector.url, 'bench-intake', 'Ines Intake');
      // /healthz is liveness only: the server answers 503 until it is ready (readiness, ops).
      let said = await user.say('help');
      for (let i = 0; said === 503 && i < 120; i++) {
        await sleep(500);
        said = await user.say('help');
      }
      if (said !== 200) throw new Error(`the bot did not answer the user (${said})`);
      await sleep(500);
      const before = connector.calls.length;

      const texts = Array.from({ length: CONTACTS }, (_, i) => `burst message ${i} end`);
      const started = Date.now();
      let refused = 0;
      await pool(texts, 64, async (text, i) => {
        const body = inboundTextWebhook({
          wamid: `wamid.burst.${started}.${i}`,
          from: phoneOf(100_000 + i),
          text,
          profileName: `Contact ${i}`,
        });
        const res = await fetch(`${product.url}/api/whatsapp/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(body) },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) refused++;
      });
      const sentIn = Date.now() - started;

      const shownAt = new Map<string, number>();
      const deadline = Date.now() + WAIT_S * 1000;
      let seen = before;
      while (shownAt.size < CONTACTS && Date.now() < deadline) {
        for (; seen < connector.calls.length; seen++) {
          const call = connector.calls[seen]!;
          for (const match of call.activity.matchAll(/burst message (\d+) end/g)) {
            if (!shownAt.has(match[1]!)) shownAt.set(match[1]!, call.at);
          }
        }
        if (shownAt.size < CONTACTS) await sleep(200);
      }
      const last = Math.max(...shownAt.values());
      const chat = user.conversationId;
      const window = (ms: number) => connector.maxInWindow(ms, chat);
      return {
        title: `Burst of ${fmt(CONTACTS)} contacts to one Teams user`,
        header: ['figure', 'value', 'limit or goal'],
        rows: [
          ['webhooks sent in', `${fmt(sentIn / 1000, 1)} s (${refused} not answered 200)`, '–'],
          ['messages shown in Teams', `${fmt(shownAt.size)} of ${fmt(CONTACTS)}`, 'all'],
          [
            'time to show the last one',
            shownAt.size > 0 ? `${fmt((last - started) / 1000, 1)} s` : '–',
            `(waited up to ${WAIT_S} s)`,
          ],
          ['calls to the chat (posts and updates)', fmt(connector.calls.length - before), '–'],
          ['most calls to the chat in any 1 s', fmt(window(1000)), '7'],
          ['most calls to the chat in any 2 s', fmt(window(2000)), '8'],
          ['most calls to the chat in any 30 s', fmt(window(30_000)), '60'],
          ['most calls to the tenant in any 1 s', fmt(connector.maxInWindow(1000)), '30'],
        ],
      };
    } finally {
      await product.stop();
      await connector.close();
      await graph.close();
    }
  },
};
