/**
 * Live updates for the tab: Server-Sent Events from the user's change log in the store. The
 * log is written in the same transaction as each change, whichever instance made it, so a
 * stream here sees changes made anywhere; each event's `id` is the user's change sequence,
 * and a client that reconnects with Last-Event-ID gets exactly what it missed.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { Logger } from 'pino';
import type restify from 'restify';
import type { TabService, TabUser } from '../../app/tab-service.js';

export interface ChangeStreamsOptions {
  readonly service: TabService;
  readonly logger: Logger;
  readonly pollMs: number;
  readonly pingMs: number;
}

export class ChangeStreams {
  private readonly open_ = new Set<() => void>();

  constructor(private readonly options: ChangeStreamsOptions) {}

  /**
   * Stream the user's changes after `after`. With `expiresAt` (the token's expiry, epoch ms)
   * the stream ends then: the tab reconnects with a fresh token, checked again.
   */
  open(
    req: restify.Request,
    res: restify.Response,
    me: TabUser,
    after: number,
    expiresAt?: number,
  ): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A client that loses the stream tries again after a second.
    res.write('retry: 1000\n\n');
    let cursor = after;
    let closed = false;
    let busy = false;
    const poll = async () => {
      if (closed || busy) return;
      busy = true;
      try {
        for (;;) {
          const changes = await this.options.service.changes(me, cursor, 200);
          for (const change of changes) {
            if (closed) return;
            const data = {
              kind: change.kind,
              threadId: change.threadId,
              ...(change.messageId !== undefined ? { messageId: change.messageId } : {}),
            };
            res.write(`id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(data)}\n\n`);
            cursor = change.seq;
          }
          if (changes.length < 200) break;
        }
      } catch (error) {
        this.options.logger.warn({ err: error }, 'tab event stream could not read changes');
      } finally {
        busy = false;
      }
    };
    const poller = setInterval(() => void poll(), this.options.pollMs);
    const pinger = setInterval(() => {
      if (!closed) res.write(': ping\n\n');
    }, this.options.pingMs);
    const expiry =
      expiresAt !== undefined
        ? setTimeout(() => close(), Math.max(0, Math.min(expiresAt - Date.now(), 2 ** 31 - 1)))
        : undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(poller);
      clearInterval(pinger);
      clearTimeout(expiry);
      this.open_.delete(close);
      res.end();
    };
    this.open_.add(close);
    req.on('close', close);
    res.on('close', close);
    void poll();
  }

  /** End every open stream (the server is stopping). */
  stop(): void {
    for (const close of [...this.open_]) close();
  }
}
