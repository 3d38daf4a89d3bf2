/**
 * A stand-in for WhatsApp's Cloud API (Graph API) on a loopback port: it accepts every
 * send at once, answers with a new wamid, and records when each arrived, so the benchmark
 * reads the send rate the product achieved from outside.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 */
import { createServer, type Server } from 'node:http';

export interface RecordedSend {
  readonly at: number;
  readonly to: string;
  readonly text?: string | undefined;
  /** biz_opaque_callback_data: the product's message id. */
  readonly ref?: string | undefined;
}

export class GraphStandIn {
  readonly sends: RecordedSend[] = [];
  private n = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<GraphStandIn> {
    const box: { self?: GraphStandIn } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const self = box.self!;
        if (req.method === 'POST' && /\/messages$/.test(req.url ?? '')) {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
            to?: string;
            text?: { body?: string };
            biz_opaque_callback_data?: string;
          };
          self.sends.push({
            at: Date.now(),
            to: body.to ?? '',
            text: body.text?.body,
            ref: body.biz_opaque_callback_data,
          });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              messaging_product: 'whatsapp',
              contacts: [{ input: body.to, wa_id: body.to }],
              messages: [{ id: `wamid.standin.${++self.n}` }],
            }),
          );
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not in the stand-in","code":100}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const self = new GraphStandIn(server, `http://127.0.0.1:${port}`);
    box.self = self;
    return self;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
