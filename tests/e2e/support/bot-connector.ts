/**
 * A recording Bot Connector: what Teams' connector service is to the bot, on a loopback port.
 * It answers the calls the bot makes and keeps them, so tests read what each user saw:
 * - POST /v3/conversations/:id/activities (a new message, proactive)
 * - POST /v3/conversations/:id/activities/:replyToId (an answer within a turn)
 * - PUT  /v3/conversations/:id/activities/:activityId (a message updated in place)
 * - POST /v3/conversations (createConversation)
 * - GET  /files/:name: pictures a test puts there, as Teams' attachment store would serve them.
 * It can also fail the next calls (429 with Retry-After, 502…), as Teams does under load.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RecordedCall {
  readonly method: 'POST' | 'PUT';
  readonly conversationId: string;
  /** The id of the message: assigned for a POST, the one updated for a PUT. */
  readonly activityId: string;
  readonly replyToId?: string | undefined;
  readonly activity: Record<string, unknown>;
  readonly authorization?: string | undefined;
  /** When the call arrived (wall clock): Teams' rate limits count these. */
  readonly at: number;
}

export interface CardMessage {
  readonly activityId: string;
  readonly conversationId: string;
  /** The first card of the message, as last updated. */
  readonly card: Record<string, unknown>;
  readonly cards: readonly Record<string, unknown>[];
  /** Every text in the card, joined: what the user reads. */
  readonly text: string;
  /** How many times it was updated in place. */
  readonly updates: number;
}

interface Failure {
  readonly status: number;
  readonly retryAfter?: string | undefined;
}

export class RecordingBotConnector {
  readonly calls: RecordedCall[] = [];
  private readonly files = new Map<string, { bytes: Buffer; type: string }>();
  private readonly failures: Failure[] = [];
  private next = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<RecordingBotConnector> {
    const box: { self?: RecordingBotConnector } = {};
    const server = createServer((req, res) => {
      void box.self!.handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, {
            'content-type':
              typeof body === 'string' ? 'application/json' : 'application/octet-stream',
            ...headers,
          });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    box.self = new RecordingBotConnector(server, `http://127.0.0.1:${port}/`);
    return box.self;
  }

  /** The next `times` calls from the bot fail with `status`. */
  failNext(status: number, options: { times?: number; retryAfter?: string } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i++)
      this.failures.push({ status, retryAfter: options.retryAfter });
  }

  /** Serve bytes at /files/:name (a picture a Teams user attached); returns its URL. */
  serveFile(name: string, bytes: Buffer, type: string): string {
    this.files.set(name, { bytes, type });
    return `${this.url}files/${name}`;
  }

  /** The messages posted in a conversation, oldest first, each with its card as last updated. */
  messages(conversationId: string): CardMessage[] {
    const posted = this.calls.filter(
      (c) => c.method === 'POST' && c.conversationId === conversationId,
    );
    return posted.map((post) => {
      const updates = this.calls.filter(
        (c) => c.method === 'PUT' && c.activityId === post.activityId,
      );
      const latest = updates.at(-1)?.activity ?? post.activity;
      const cards = cardsOf(latest);
      return {
        activityId: post.activityId,
        conversationId,
        card: cards[0] ?? {},
        cards,
        text: cards.map(textOf).join(' | '),
        updates: updates.length,
      };
    });
  }

  /** The PUTs that updated one message, in order. */
  updatesOf(activityId: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'PUT' && c.activityId === activityId);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: string | Buffer; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const file = this.files.get(decodeURIComponent(url.pathname.slice('/files/'.length)));
      return file
        ? { status: 200, body: file.bytes, headers: { 'content-type': file.type } }
        : { status: 404, body: '{}' };
    }
    const raw = await readBody(req);
    const failure = this.failures.shift();
    if (failure) {
      return {
        status: failure.status,
        body: JSON.stringify({ error: { code: 'Throttled', message: 'test failure' } }),
        ...(failure.retryAfter !== undefined
          ? { headers: { 'retry-after': failure.retryAfter } }
          : {}),
      };
    }
    const activity = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const authorization = req.headers.authorization;
    if (req.method === 'POST' && url.pathname === '/v3/conversations') {
      return { status: 200, body: JSON.stringify({ id: `a:created-${++this.next}` }) };
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return { status: 404, body: '{}' };
    const conversationId = decodeURIComponent(match[1] as string);
    const target = match[2] !== undefined ? decodeURIComponent(match[2]) : undefined;
    if (req.method === 'PUT' && target) {
      this.calls.push({
        method: 'PUT',
        conversationId,
        activityId: target,
        activity,
        authorization,
        at: Date.now(),
      });
      return { status: 200, body: JSON.stringify({ id: target }) };
    }
    if (req.method === 'POST') {
      const activityId = `1:activity-${++this.next}`;
      this.calls.push({
        method: 'POST',
        conversationId,
        activityId,
        replyToId: target,
        activity,
        authorization,
        at: Date.now(),
      });
      return { status: 200, body: JSON.stringify({ id: activityId }) };
    }
    return { status: 405, body: '{}' };
  }
}

function cardsOf(activity: Record<string, unknown>): Record<string, unknown>[] {
  const attachments = (activity.attachments ?? []) as {
    contentType?: string;
    content?: Record<string, unknown>;
  }[];
  return attachments
    .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a) => a.content ?? {});
}

/** Every `text` in a card, in order (TextBlocks, TextRuns, facts), joined by spaces. */
export function textOf(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'text' || key === 'title' || key === 'value') && typeof value === 'string')
        out.push(value);
      else walk(value);
    }
  };
  walk(card);
  return out.join(' ');
}

/** The Action.Execute actions of a card, by verb, with their data. */
export function executeActions(
  card: unknown,
): { verb: string; data: Record<string, unknown>; title: string }[] {
  const out: { verb: string; data: Record<string, unknown>; title: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute')
      out.push({
        verb: String(n.verb),
        data: (n.data ?? {}) as Record<string, unknown>,
        title: String(n.title ?? ''),
      });
    Object.values(n).forEach(walk);
  };
  walk(card);
  return out;
}

/** The URLs of a card's images. */
export function imageUrls(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Image' && typeof n.url === 'string') out.push(n.url);
    Object.values(n).forEach(walk);
  };
  walk(card);
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
