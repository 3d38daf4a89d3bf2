/**
 * A stand-in for WhatsApp's Cloud API (Graph API) on a loopback port: it accepts every
 * send at once, answers with a new wamid, and records when each arrived, so the benchmark
 * reads the send rate the product achieved from outside.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 *
 * It runs in a worker thread with its own event loop, so that the time it records for a send
 * is when the send arrived, not when the benchmark's own busy loop (the load it generates)
 * got round to it: read on the main thread, a loaded run bunched sends into a second of 86
 * that the server had spread under 80.
 */
import { Worker } from 'node:worker_threads';

export interface RecordedSend {
  readonly at: number;
  readonly to: string;
  readonly text?: string | undefined;
  /** biz_opaque_callback_data: the product's message id. */
  readonly ref?: string | undefined;
}

/** The worker's code: plain JavaScript (no loader in the worker), the server and its records. */
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createServer } = require('node:http');
let n = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST' && /\\/messages$/.test(req.url ?? '')) {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      parentPort.postMessage({
        at,
        to: body.to ?? '',
        text: body.text?.body,
        ref: body.biz_opaque_callback_data,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: 'wamid.standin.' + ++n }],
        }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not in the stand-in","code":100}}');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'close') server.close(() => parentPort.postMessage({ closed: true }));
});
`;

export class GraphStandIn {
  readonly sends: RecordedSend[] = [];
  private constructor(
    private readonly worker: Worker,
    readonly url: string,
  ) {}

  static async start(): Promise<GraphStandIn> {
    const worker = new Worker(WORKER, { eval: true });
    const box: { self?: GraphStandIn } = {};
    const port = await new Promise<number>((resolve, reject) => {
      worker.on('message', (m: RecordedSend | { port: number } | { closed: true }) => {
        if ('port' in m) resolve(m.port);
        else if ('at' in m) box.self?.sends.push(m);
      });
      worker.once('error', reject);
    });
    const self = new GraphStandIn(worker, `http://127.0.0.1:${port}`);
    box.self = self;
    return self;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.worker.on('message', (m: { closed?: true }) => {
        if (m.closed) resolve();
      }),
    );
    this.worker.postMessage('close');
    await closed;
    await this.worker.terminate();
  }
}
