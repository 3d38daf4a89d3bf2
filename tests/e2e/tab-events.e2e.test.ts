/**
 * Live updates whichever instance made the change: two server processes share one embedded
 * store; a message written through one reaches a tab streaming Server-Sent Events from the
 * other within 2 seconds, exactly once, and again after the stream is cut and resumed with
 * Last-Event-ID (what was written meanwhile arrives once, nothing earlier comes again).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/test-product.js';

const child = join(dirname(fileURLToPath(import.meta.url)), 'tab-events.child.ts');
const USER = 'local-user-1';

interface Instance {
  readonly process: ChildProcess;
  readonly url: string;
}

async function startInstance(dataDir: string): Promise<Instance> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', child, String(port), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  return { process: proc, url: `http://127.0.0.1:${port}/api/tab` };
}

interface SseEvent {
  readonly id: number;
  readonly event: string;
  readonly data: { kind: string; threadId: string; messageId?: string };
  readonly at: number;
}

/** A tab's EventSource, by hand: every event with its id, and a way to cut the connection. */
class Stream {
  readonly events: SseEvent[] = [];
  private req: ClientRequest | undefined;

  constructor(
    private readonly url: string,
    private readonly lastEventId?: number,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.req = request(
        `${this.url}/events`,
        {
          headers: {
            'x-local-user': USER,
            ...(this.lastEventId !== undefined
              ? { 'last-event-id': String(this.lastEventId) }
              : {}),
          },
        },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`events: ${res.statusCode}`));
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const fields = Object.fromEntries(
                block
                  .split('\n')
                  .filter((l) => !l.startsWith(':') && l.includes(': '))
                  .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
              );
              if (fields.id !== undefined && fields.data !== undefined) {
                this.events.push({
                  id: Number(fields.id),
                  event: fields.event ?? 'message',
                  data: JSON.parse(fields.data) as SseEvent['data'],
                  at: Date.now(),
                });
              }
            }
          });
          resolve();
        },
      );
      this.req.on('error', () => undefined);
      this.req.end();
    });
  }

  /** A dropped connection, as a network would drop it. */
  cut(): void {
    this.req?.destroy();
  }

  lastId(): number {
    return this.events.at(-1)?.id ?? 0;
  }

  forMessage(messageId: string): SseEvent[] {
    return this.events.filter((e) => e.data.kind === 'message' && e.data.messageId === messageId);
  }

  async waitFor(messageId: string, withinMs: number): Promise<SseEvent> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const found = this.forMessage(messageId)[0];
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no event for ${messageId} within ${withinMs} ms`);
  }
}

let dir: string;
let a: Instance;
let b: Instance;
let threadId: string;

async function post(
  instance: Instance,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${instance.url}${path}`, {
    method: 'POST',
    headers: { 'x-local-user': USER, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Writes through instance A; the message is held until the contact agrees, so it changes once. */
async function write(text: string): Promise<{ id: string; writtenAt: number }> {
  const answer = await post(a, `/threads/${encodeURIComponent(threadId)}/messages`, { text });
  return { id: (answer.message as { id: string }).id, writtenAt: Date.now() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wa4t-tab-events-'));
  a = await startInstance(dir);
  b = await startInstance(dir);
  await fetch(`${a.url}/local/users`);
  const contact = await post(a, '/contacts', { name: 'Maria Silva', phone: '+447700900123' });
  const started = await post(a, '/conversations', {
    contactId: (contact.contact as { id: string }).id,
  });
  threadId = (started.thread as { id: string }).id;
}, 60_000);

afterAll(async () => {
  for (const instance of [a, b]) {
    if (!instance) continue;
    const exited = new Promise((resolve) => instance.process.once('exit', resolve));
    instance.process.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('live updates across instances', () => {
  it('a change committed through one instance reaches a stream on the other within 2 s, exactly once, also after a cut and resume', async () => {
    const stream = new Stream(b.url);
    await stream.open();

    const first = await write('Hello from instance A');
    const seen = await stream.waitFor(first.id, 2000);
    expect(seen.at - first.writtenAt).toBeLessThan(2000);
    expect(seen.data.threadId).toBe(threadId);

    // The connection drops; a message is written meanwhile; the tab resumes from its last id.
    await new Promise((r) => setTimeout(r, 300));
    stream.cut();
    const lastId = stream.lastId();
    const missed = await write('Written while the stream was down');
    const resumed = new Stream(b.url, lastId);
    await resumed.open();
    const caughtUp = await resumed.waitFor(missed.id, 2000);
    expect(caughtUp.at - missed.writtenAt).toBeLessThan(2000);

    const after = await write('And one more after resuming');
    await resumed.waitFor(after.id, 2000);
    await new Promise((r) => setTimeout(r, 500));

    // Exactly once: no event id twice, ids strictly increasing, nothing from before the cut again.
    for (const s of [stream, resumed]) {
      const ids = s.events.map((e) => e.id);
      expect(ids).toEqual([...new Set(ids)].sort((x, y) => x - y));
    }
    expect(resumed.events.every((e) => e.id > lastId)).toBe(true);
    expect(stream.forMessage(first.id)).toHaveLength(1);
    expect(stream.forMessage(missed.id)).toHaveLength(0);
    expect(resumed.forMessage(first.id)).toHaveLength(0);
    expect(resumed.forMessage(missed.id)).toHaveLength(1);
    expect(resumed.forMessage(after.id)).toHaveLength(1);
  });
});
