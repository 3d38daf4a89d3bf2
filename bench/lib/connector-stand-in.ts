/**
 * A stand-in for Teams' Bot Connector on a loopback port, as the benchmark needs it: it
 * accepts every activity the bot posts or updates, never refuses one, and records when each
 * call came, so the benchmark checks Teams' rate limits from outside.
 */
import { createServer, type Server } from 'node:http';

export interface ConnectorCall {
  readonly at: number;
  readonly method: string;
  readonly conversationId: string;
  /** The activity as JSON text: what the user is shown. */
  readonly activity: string;
}

export class ConnectorStandIn {
  readonly calls: ConnectorCall[] = [];
  private n = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ConnectorStandIn> {
    const box: { self?: ConnectorStandIn } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const self = box.self!;
        const url = req.url ?? '';
        const body = Buffer.concat(chunks).toString('utf8');
        const conversation = /\/v3\/conversations\/([^/]+)\/activities/.exec(url);
        res.writeHead(200, { 'content-type': 'application/json' });
        if (conversation) {
          self.calls.push({
            at: Date.now(),
            method: req.method ?? 'POST',
            conversationId: decodeURIComponent(conversation[1]!),
            activity: body,
          });
          res.end(JSON.stringify({ id: `activity-${++self.n}` }));
        } else {
          // createConversation and anything else: a conversation id.
          res.end(JSON.stringify({ id: `conversation-${++self.n}` }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const self = new ConnectorStandIn(server, `http://127.0.0.1:${port}`);
    box.self = self;
    return self;
  }

  /** The most calls to one conversation within any window of `ms`. */
  maxInWindow(ms: number, conversationId?: string): number {
    const times = this.calls
      .filter((c) => conversationId === undefined || c.conversationId === conversationId)
      .map((c) => c.at)
      .sort((a, b) => a - b);
    return maxInWindow(times, ms);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The most of these (sorted) times that fall within any window of `ms`. */
export function maxInWindow(sorted: readonly number[], ms: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= ms) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
