/**
 * Inbound messages: signed WhatsApp webhooks, each a new message, verified, parsed, run
 * through the engine and committed (SQLite file, WAL, synchronous=FULL) before the 200.
 * From many contacts (every request from one of BENCH_CONTACTS), and all to one thread.
 * Also GET /healthz, the product's routing overhead.
 */
import { inboundTextWebhook, signWebhook } from '../../tests/e2e/support/whatsapp-webhooks.js';
import { GraphStandIn } from '../lib/graph-stand-in.js';
import {
  dataDir,
  FIGURE_HEADER,
  figureRow,
  freePort,
  load,
  productEnv,
  type Figure,
  type Scenario,
} from '../lib/common.js';
import { startProductProcess } from '../lib/product-process.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 2000);
let run = 0;

export function phoneOf(i: number): string {
  return `4477${String(10_000_000 + i)}`;
}

async function webhooks(url: string, name: string, from: (n: number) => string): Promise<Figure> {
  const prefix = `wamid.bench.${Date.now()}.${++run}`;
  let n = 0;
  return load(name, {
    url: `${url}/api/whatsapp/webhook`,
    requests: [
      {
        method: 'POST',
        path: '/api/whatsapp/webhook',
        setupRequest(request) {
          const i = ++n;
          const body = inboundTextWebhook({
            wamid: `${prefix}.${i}`,
            from: from(i),
            text: `message ${i}`,
            profileName: 'Bench Contact',
          });
          return {
            ...request,
            body,
            headers: {
              'content-type': 'application/json',
              'x-hub-signature-256': signWebhook(body),
            },
          };
        },
      },
    ],
  });
}

export const inbound: Scenario = {
  name: 'inbound',
  async run({ bareRps }) {
    const graph = await GraphStandIn.start();
    const product = await startProductProcess(productEnv(dataDir(), graph.url), await freePort());
    try {
      const healthz = await load('GET /healthz', { url: `${product.url}/healthz` });
      const many = await webhooks(
        product.url,
        `inbound webhooks, ${CONTACTS.toLocaleString('en-US')} contacts`,
        () => phoneOf(Math.floor(Math.random() * CONTACTS)),
      );
      const one = await webhooks(product.url, 'inbound webhooks, one thread', () => phoneOf(-1));
      return {
        title: 'Inbound (product in its own process)',
        header: FIGURE_HEADER,
        rows: [healthz, many, one].map((f) => figureRow(f, bareRps)),
        notes: [`server resident memory after the runs: ${product.rssMiB().toFixed(0)} MiB`],
      };
    } finally {
      await product.stop();
      await graph.close();
    }
  },
};
