/**
 * Live updates from GET /api/tab/events (Server-Sent Events). Read with fetch rather than
 * EventSource, because EventSource cannot send headers and the contract authenticates with
 * `Authorization` (or `X-Local-User` in local development) and resumes with `Last-Event-ID`.
 * Each `change` event names a thread (and maybe a message); the caller refetches what changed.
 * On a dropped stream it reconnects after a short, growing delay, resuming after the last id.
 */
export interface ChangeEvent {
  readonly kind: 'thread' | 'message';
  readonly threadId: string;
  readonly messageId?: string;
}

export interface EventStreamOptions {
  readonly url: string;
  readonly headers: () => Promise<Record<string, string>>;
  readonly onChange: (change: ChangeEvent) => void;
  /** Called on every (re)connection, so the caller can refetch what it may have missed. */
  readonly onOpen?: (reconnected: boolean) => void;
  readonly onStatus?: (connected: boolean) => void;
}

/** Parses one SSE block (lines up to a blank line) into its fields. */
export function parseSseBlock(block: string): { id?: string; event?: string; data?: string } {
  const out: { id?: string; event?: string; data?: string } = {};
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') out.id = value;
    else if (field === 'event') out.event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length) out.data = data.join('\n');
  return out;
}

export function openEventStream(options: EventStreamOptions): () => void {
  let stopped = false;
  let lastEventId: string | undefined;
  let controller: AbortController | undefined;
  let attempt = 0;
  let opened = false;

  const run = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers: Record<string, string> = {
          accept: 'text/event-stream',
          ...(await options.headers()),
        };
        if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
        const res = await fetch(options.url, { headers, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`events ${res.status}`);
        attempt = 0;
        options.onStatus?.(true);
        options.onOpen?.(opened);
        opened = true;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: RegExpExecArray | null;
          while ((end = /\r?\n\r?\n/.exec(buffer))) {
            const block = buffer.slice(0, end.index);
            buffer = buffer.slice(end.index + end[0].length);
            const event = parseSseBlock(block);
            if (event.id !== undefined) lastEventId = event.id;
            if ((event.event ?? 'message') === 'change' && event.data) {
              try {
                options.onChange(JSON.parse(event.data) as ChangeEvent);
              } catch {
                // A malformed event is skipped; the next refetch brings the truth.
              }
            }
          }
        }
      } catch {
        // Network drop, server restart or 5xx: reconnect below.
      }
      if (stopped) return;
      options.onStatus?.(false);
      attempt += 1;
      const delay = Math.min(500 * 2 ** (attempt - 1), 10_000);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
