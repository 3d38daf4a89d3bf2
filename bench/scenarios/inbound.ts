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
  fmt,
  freePort,
  load,
  productEnv,
  sleep,
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
      // Server CPU per request (user + system, after the queue it left behind drained): a
      // figure a machine shared with other work does not distort the way rates are.
      const measured = async (run: () => Promise<Figure>) => {
        const before = product.cpuMs();
        const figure = await run();
        await sleep(1000);
        return { figure, cpu: (product.cpuMs() - before) / Math.max(1, figure.requests) };
      };
      const healthz = await measured(() => load('GET /healthz', { url: `${product.url}/healthz` }));
      // First contact from each (contact and thread created), then the measured run.
      await webhooks(product.url, 'warm-up', (i) => phoneOf(i % CONTACTS));
      const many = await measured(() =>
        webhooks(
          product.url,
          `inbound webhooks, ${CONTACTS.toLocaleString('en-US')} contacts`,
          () => phoneOf(Math.floor(Math.random() * CONTACTS)),
        ),
      );
      const one = await measured(() =>
        webhooks(product.url, 'inbound webhooks, one thread', () => phoneOf(-1)),
      );
      return {
        title: 'Inbound (product in its own process)',
        header: [...FIGURE_HEADER, 'server CPU ms/request'],
        rows: [healthz, many, one].map(({ figure, cpu }) => [
          ...figureRow(figure, bareRps),
          fmt(cpu, 2),
        ]),
        notes: [`server resident memory after the runs: ${product.rssMiB().toFixed(0)} MiB`],
      };
    } finally {
      await product.stop();
      await graph.close();
    }
  },
};
