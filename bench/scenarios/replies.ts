/**
 * Replies from Teams against WhatsApp's throughput cap: BENCH_REPLY_THREADS contacts (300)
 * write once, then the Teams user sends BENCH_REPLIES replies (1,500) across their threads
 * (Reply on the card, Action.Execute) as fast as the bot takes them, at
 * WHATSAPP_MESSAGES_PER_SECOND=BENCH_CAP (80). Measured at the Graph API stand-in: how many
 * reached WhatsApp, how many the product marked failed, the achieved rate (first to last
 * send) against the cap, and the most sends within any 1 s.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SQLITE_FILE_NAME } from '../../bot/src/store/open-store.js';
import { inboundTextWebhook, signWebhook } from '../../tests/e2e/support/whatsapp-webhooks.js';
import { ConnectorStandIn, maxInWindow } from '../lib/connector-stand-in.js';
import { GraphStandIn } from '../lib/graph-stand-in.js';
import { dataDir, fmt, freePort, pool, productEnv, sleep, type Scenario } from '../lib/common.js';
import { startProductProcess } from '../lib/product-process.js';
import { BenchTeamsUser } from '../lib/teams-user.js';
import { phoneOf } from './inbound.js';

const THREADS = Number(process.env.BENCH_REPLY_THREADS ?? 300);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 1500);
const CAP = Number(process.env.BENCH_CAP ?? 80);
const WAIT_S = Number(process.env.BENCH_REPLY_WAIT_SECONDS ?? 120);
/**
 * 0 (the default): clicks as fast as 16 connections get answers, as in the recorded runs.
 * Otherwise clicks a second, each at its time whatever the answers to earlier ones, as
 * independent users click (110: 1,500 in 14 s, as the issue measured).
 */
const RATE = Number(process.env.BENCH_REPLY_RATE ?? 0);

export const replies: Scenario = {
  name: 'replies',
  async run() {
    const graph = await GraphStandIn.start();
    const connector = await ConnectorStandIn.start();
    const dir = dataDir();
    const product = await startProductProcess(
      productEnv(dir, graph.url, { WHATSAPP_MESSAGES_PER_SECOND: String(CAP) }),
      await freePort(),
    );
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const user = new BenchTeamsUser(product.url, connector.url, 'bench-agent', 'Ana Agent');
      if ((await user.say('help')) !== 200) throw new Error('the bot did not answer the user');
      const contacts = Array.from({ length: THREADS }, (_, i) => phoneOf(200_000 + i));
      await pool(contacts, 32, async (from, i) => {
        const body = inboundTextWebhook({
          wamid: `wamid.ask.${Date.now()}.${i}`,
          from,
          text: 'Hello?',
        });
        const res = await fetch(`${product.url}/api/whatsapp/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(body) },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      });
      const threads = db
        .prepare<[], { id: string }>('SELECT id FROM threads WHERE open = 1 ORDER BY id')
        .all()
        .map((r) => r.id);
      if (threads.length < THREADS) throw new Error(`${threads.length} threads opened`);

      const sendsBefore = graph.sends.length;
      const cpuBefore = product.cpuMs();
      const replyTexts = Array.from({ length: REPLIES }, (_, i) => `reply ${i} end`);
      const started = Date.now();
      let refused = 0;
      const answered: number[] = [];
      const latencies: number[] = [];
      const click = async (replyText: string, i: number) => {
        const sent = Date.now();
        const status = await user.execute('reply', {
          threadId: threads[i % threads.length],
          replyText,
        });
        answered.push(Date.now());
        latencies.push(Date.now() - sent);
        if (status !== 200) refused++;
      };
      if (RATE > 0) {
        // Independent users: each click at its time, whether or not earlier ones were answered.
        const clicks: Promise<void>[] = [];
        for (const [i, replyText] of replyTexts.entries()) {
          const wait = started + (i * 1000) / RATE - Date.now();
          if (wait > 0) await sleep(wait);
          clicks.push(click(replyText, i));
        }
        await Promise.all(clicks);
      } else {
        await pool(replyTexts, 16, click);
      }
      const acceptedIn = Date.now() - started;

      const deadline = Date.now() + WAIT_S * 1000;
      const isReply = (text?: string) => text !== undefined && /^reply \d+ end$/.test(text);
      const count = () => graph.sends.slice(sendsBefore).filter((s) => isReply(s.text)).length;
      while (count() < REPLIES && Date.now() < deadline) await sleep(250);
      const cpuPerReply = (product.cpuMs() - cpuBefore) / REPLIES;
      const sends = graph.sends.slice(sendsBefore).filter((s) => isReply(s.text));
      const times = sends.map((s) => s.at).sort((a, b) => a - b);
      const all = graph.sends
        .slice(sendsBefore)
        .map((s) => s.at)
        .sort((a, b) => a - b);
      const span = (times.at(-1)! - times[0]!) / 1000;
      const achieved = times.length > 1 ? (times.length - 1) / span : NaN;
      const failed = db
        .prepare<[], { n: number }>(
          `SELECT count(*) AS n FROM messages WHERE json_extract(json, '$.status') = 'failed'`,
        )
        .get()!.n;
      // Both counted per second from the first reply's click, so they line up.
      const perSecond = secondsFrom(started, all);
      const answeredPerSecond = secondsFrom(started, answered);
      return {
        title: `${fmt(REPLIES)} replies against a cap of ${CAP}/s`,
        notes: [
          `Replies answered by the bot in each second from the first click: ${answeredPerSecond.join(', ')}.`,
          `Sends that reached WhatsApp in each of those seconds: ${perSecond.join(', ')}.`,
        ],
        header: ['figure', 'value', 'goal'],
        rows: [
          [
            'replies accepted by the bot in',
            `${fmt(acceptedIn / 1000, 1)} s (${refused} refused)`,
            '–',
          ],
          [
            'clicks',
            RATE > 0 ? `${fmt(RATE)} a second, each on its own` : '16 connections, closed loop',
            '–',
          ],
          [
            'answer to a click, p50 / p99',
            `${percentile(latencies, 50)} / ${percentile(latencies, 99)} ms`,
            '–',
          ],
          ['server CPU per reply (its turn and its send)', `${fmt(cpuPerReply, 2)} ms`, '–'],
          ['replies that reached WhatsApp', `${fmt(sends.length)} of ${fmt(REPLIES)}`, 'all'],
          ['messages marked failed', fmt(failed), '0'],
          [
            'achieved rate (first to last send)',
            `${fmt(achieved, 1)}/s = ${fmt(achieved / CAP, 2)} of the cap`,
            '>= 0.95',
          ],
          ['most sends in any 1 s (every send)', fmt(maxInWindow(all, 1000)), `<= ${CAP}`],
        ],
      };
    } finally {
      db.close();
      await product.stop();
      await connector.close();
      await graph.close();
    }
  },
};

/** How many of `times` fall in each whole second after `origin`. */
function secondsFrom(origin: number, times: readonly number[]): number[] {
  const counts: number[] = [];
  for (const t of times) {
    const k = Math.max(0, Math.floor((t - origin) / 1000));
    while (counts.length <= k) counts.push(0);
    counts[k]!++;
  }
  return counts;
}

function percentile(values: readonly number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return at === undefined ? '–' : fmt(at);
}
