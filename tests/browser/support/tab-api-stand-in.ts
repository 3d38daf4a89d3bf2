/**
 * A stand-in for the tab's API (/api/tab/*; the payloads in tabs/src/types.ts, the routes in
 * tabs/src/api.ts), in memory, for the browser tests until the real routes land. It follows the
 * contract exactly: local users through X-Local-User, conversations scoped to their
 * participants (404 for anybody else), 400 naming the field, change events over SSE with a
 * per-user sequence and Last-Event-ID. It serves the built tab through the real route (bot/src/http/tab-static.ts).
 *
 * Tests drive the WhatsApp side through its methods: the contact consents, replies, and
 * receipts arrive; the clock moves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import type restify from 'restify';
import { readRawBody } from '../../../bot/src/http/raw-body.js';
import { createServer, listen } from '../../../bot/src/http/server.js';
import { tabStaticRoute } from '../../../bot/src/http/tab-static.js';
import { getCatalogue, resolveLocale } from '../../../bot/src/i18n/catalogue.js';

const HOUR = 3_600_000;
const WINDOW = 24 * HOUR;

type State = 'awaiting_consent' | 'active' | 'paused' | 'closed';
type Status = 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface StandInUser {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
}

interface Message {
  id: string;
  seq: number;
  direction: 'inbound' | 'outbound';
  kind: 'text' | 'image' | 'notice' | 'system';
  author: { id: string; name: string } | null;
  text: string | null;
  notice: { key: string; params: Record<string, string> } | null;
  media: { url: string; mimeType: string; size: number } | null;
  status: Status;
  statusTimes: Partial<Record<Status, number>>;
  failure: { graphCode: number; reasonKey: string } | null;
  possiblyDuplicate: boolean;
  createdAt: number;
}

interface Thread {
  id: string;
  contactId: string;
  state: Exclude<State, 'paused'>;
  lastInboundAt: number | null;
  closedReason?: 'all_left' | 'declined' | 'opted_out' | 'optin_undeliverable';
  participants: string[];
  former: string[];
  messages: Message[];
  readUpTo: Map<string, number>;
  restarted: boolean;
}

interface Contact {
  id: string;
  name: string;
  phone: string;
  /** keepboth (issue 10 item 4): the user's other names for it. */
  aliases?: string[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field?: string,
    readonly notice?: { key: string; params: Record<string, string> },
  ) {
    super(code);
  }
}

export class TabApiStandIn {
  readonly users: StandInUser[] = [
    { id: 'u-ana', name: 'Ana Souza', tenantId: 't-contoso' },
    { id: 'u-bruno', name: 'Bruno Costa', tenantId: 't-contoso' },
    { id: 'u-chen', name: 'Chen Wei', tenantId: 't-contoso' },
    { id: 'u-other', name: 'Olga Other', tenantId: 't-fabrikam' },
  ];
  readonly contacts: Contact[] = [];
  readonly threads: Thread[] = [];
  readonly media = new Map<string, { type: string; body: Buffer }>();
  /** False plays a server with BOT_ID set: no local users, tokens only. */
  local = true;
  /** Added to the wall clock: the sandbox's "move time forward". */
  clockOffset = 0;
  private nextId = 1;
  private eventSeq = new Map<string, number>();
  private log: { userId: string; id: number; data: string }[] = [];
  private streams = new Set<{ userId: string; res: ServerResponse }>();
  private server?: restify.Server;
  url = '';

  now(): number {
    return Date.now() + this.clockOffset;
  }

  private id(prefix: string): string {
    return `${prefix}:${this.nextId++}/x`;
  }

  // ---- the WhatsApp side, for tests -------------------------------------------------------

  addContact(name: string, phone: string): Contact {
    const contact = { id: this.id('contact'), name, phone };
    this.contacts.push(contact);
    return contact;
  }

  /** A conversation, as if it had run for a while. */
  seedThread(o: {
    contact: Contact;
    participants: string[];
    state?: Exclude<State, 'paused'>;
    lastInboundAt?: number | null;
    former?: string[];
    closedReason?: Thread['closedReason'];
  }): Thread {
    const thread: Thread = {
      id: this.id('thread'),
      contactId: o.contact.id,
      state: o.state ?? 'active',
      lastInboundAt: o.lastInboundAt === undefined ? this.now() : o.lastInboundAt,
      ...(o.closedReason ? { closedReason: o.closedReason } : {}),
      participants: [...o.participants],
      former: [...(o.former ?? [])],
      messages: [],
      readUpTo: new Map(),
      restarted: false,
    };
    this.threads.push(thread);
    return thread;
  }

  addMessage(thread: Thread, m: Partial<Message> & Pick<Message, 'direction'>): Message {
    const at = m.createdAt ?? this.now();
    const message: Message = {
      id: this.id('msg'),
      seq: (thread.messages.at(-1)?.seq ?? 0) + 1,
      kind: 'text',
      author: null,
      text: null,
      notice: null,
      media: null,
      status: m.direction === 'inbound' ? 'received' : 'sent',
      statusTimes: {},
      failure: null,
      possiblyDuplicate: false,
      createdAt: at,
      ...m,
    };
    if (Object.keys(message.statusTimes).length === 0) message.statusTimes[message.status] = at;
    if (message.direction === 'inbound' && message.kind === 'text') thread.lastInboundAt = at;
    thread.messages.push(message);
    return message;
  }

  /** Keeps a picture and returns its URL, as the real API's signed media URLs. */
  addPicture(body: Buffer, type: 'image/png' | 'image/jpeg'): Message['media'] {
    const mediaId = `m${this.nextId++}`;
    this.media.set(mediaId, { type, body });
    return { url: `/api/tab/stand-in-media/${mediaId}`, mimeType: type, size: body.length };
  }

  contactReplies(threadId: string, text: string): Message {
    const thread = this.thread(threadId);
    const message = this.addMessage(thread, { direction: 'inbound', text });
    this.changed(thread, 'message', message.id);
    return message;
  }

  contactConsents(threadId: string): void {
    const thread = this.thread(threadId);
    const contact = this.contactOf(thread);
    thread.state = 'active';
    thread.lastInboundAt = this.now();
    for (const m of thread.messages) {
      if (m.direction === 'outbound' && m.status === 'pending') this.setStatus(m, 'sent');
    }
    this.notice(thread, 'thread.consented_start', { contact: contact.name });
    this.changed(thread, 'thread');
  }

  receipt(messageId: string, status: Status, failure?: Message['failure']): void {
    for (const thread of this.threads) {
      const m = thread.messages.find((x) => x.id === messageId);
      if (!m) continue;
      this.setStatus(m, status);
      if (failure) m.failure = failure;
      this.changed(thread, 'message', m.id);
      return;
    }
    throw new Error(`no message ${messageId}`);
  }

  /** Drops every live stream, as a proxy or a restart would. */
  dropStreams(): void {
    for (const s of this.streams) s.res.destroy();
    this.streams.clear();
  }

  streamCount(): number {
    return this.streams.size;
  }

  private setStatus(m: Message, status: Status): void {
    m.status = status;
    m.statusTimes[status] = this.now();
  }

  private notice(thread: Thread, key: string, params: Record<string, string>): Message {
    return this.addMessage(thread, {
      direction: 'outbound',
      kind: 'system',
      notice: { key, params },
      status: 'sent',
    });
  }

  // ---- views ------------------------------------------------------------------------------

  thread(id: string): Thread {
    const thread = this.threads.find((t) => t.id === id);
    if (!thread) throw new Error(`no thread ${id}`);
    return thread;
  }

  private contactOf(thread: Thread): Contact {
    return this.contacts.find((c) => c.id === thread.contactId) as Contact;
  }

  private user(id: string): StandInUser {
    return this.users.find((u) => u.id === id) ?? { id, name: id, tenantId: 't-contoso' };
  }

  private state(thread: Thread): State {
    if (thread.state === 'active' && thread.lastInboundAt !== null) {
      if (thread.lastInboundAt + WINDOW <= this.now()) return 'paused';
    }
    return thread.state;
  }

  private summary(thread: Thread, userId: string) {
    const contact = this.contactOf(thread);
    const readUpTo = thread.readUpTo.get(userId) ?? 0;
    const last = thread.messages.at(-1) ?? null;
    const state = this.state(thread);
    return {
      id: thread.id,
      contact: { id: contact.id, name: contact.name, phone: contact.phone },
      businessNumber: { id: 'pn-1', display: '+1 555 0100' },
      state,
      windowExpiresAt:
        thread.lastInboundAt !== null && thread.state !== 'awaiting_consent'
          ? thread.lastInboundAt + WINDOW
          : null,
      ...(thread.closedReason ? { closedReason: thread.closedReason } : {}),
      participating: thread.participants.includes(userId),
      participants: thread.participants.map((id) => ({ id, name: this.user(id).name })),
      lastMessage: last,
      lastActivityAt: last?.createdAt ?? 0,
      unread: thread.messages.filter((m) => m.seq > readUpTo && m.direction === 'inbound').length,
      canRestart: thread.state === 'closed' && !thread.restarted,
      canRemind: thread.state === 'awaiting_consent' && thread.participants.includes(userId),
    };
  }

  private visible(threadId: string, userId: string): Thread {
    const thread = this.threads.find((t) => t.id === threadId);
    if (!thread || !(thread.participants.includes(userId) || thread.former.includes(userId))) {
      throw new HttpError(404, 'thread.not_found');
    }
    return thread;
  }

  private writable(threadId: string, userId: string): Thread {
    const thread = this.visible(threadId, userId);
    if (!thread.participants.includes(userId)) {
      throw new HttpError(409, 'thread.not_participant', undefined, {
        key: 'thread.not_participant',
        params: { contact: this.contactOf(thread).name },
      });
    }
    if (thread.state === 'closed') {
      throw new HttpError(409, 'thread.closed', undefined, {
        key: 'thread.closed',
        params: { contact: this.contactOf(thread).name },
      });
    }
    return thread;
  }

  // ---- change events ----------------------------------------------------------------------

  private changed(thread: Thread, kind: 'thread' | 'message', messageId?: string): void {
    for (const userId of new Set([...thread.participants, ...thread.former])) {
      const id = (this.eventSeq.get(userId) ?? 0) + 1;
      this.eventSeq.set(userId, id);
      const data = JSON.stringify({
        kind,
        threadId: thread.id,
        ...(messageId ? { messageId } : {}),
      });
      this.log.push({ userId, id, data });
      for (const s of this.streams) {
        if (s.userId === userId) s.res.write(`id: ${id}\nevent: change\ndata: ${data}\n\n`);
      }
    }
  }

  // ---- HTTP -------------------------------------------------------------------------------

  async start(): Promise<string> {
    const server = createServer({
      logger: pino({ level: 'silent' }),
      routes: [tabStaticRoute(), { register: (s) => this.register(s) }],
    });
    this.server = server;
    this.url = await listen(server, 0, '127.0.0.1');
    return this.url;
  }

  async stop(): Promise<void> {
    this.dropStreams();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private caller(req: IncomingMessage): StandInUser {
    const local = req.headers['x-local-user'];
    if (this.local && typeof local === 'string' && local) return this.user(local);
    throw new HttpError(401, 'auth.missing_token');
  }

  private async json(req: IncomingMessage): Promise<Record<string, unknown>> {
    const raw = await readRawBody(req, 64 * 1024);
    try {
      const body = JSON.parse(raw.toString('utf8')) as unknown;
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        return body as Record<string, unknown>;
      }
    } catch {
      // falls through
    }
    throw new HttpError(400, 'request.invalid_body', 'body');
  }

  private register(server: restify.Server): void {
    const route = (
      method: 'get' | 'post' | 'del',
      path: string,
      handler: (req: restify.Request, user: StandInUser) => Promise<[number, unknown?]>,
      auth = true,
    ) => {
      server[method](path, async (req: restify.Request, res: restify.Response) => {
        try {
          const user = auth ? this.caller(req) : (undefined as unknown as StandInUser);
          const [status, body] = await handler(req, user);
          if (body === undefined) res.sendRaw(status, '');
          else res.send(status, body);
        } catch (e) {
          if (e instanceof HttpError) {
            res.send(e.status, {
              error: { code: e.code, message: e.code, ...(e.field ? { field: e.field } : {}) },
              ...(e.notice ? { notice: e.notice } : {}),
            });
          } else {
            res.send(500, { error: { code: 'internal', message: String(e) } });
          }
        }
      });
    };
    const p = (req: restify.Request, name: string) =>
      decodeURIComponent(String((req.params as Record<string, string>)[name]));
    const q = (req: restify.Request) => req.query as Record<string, string | undefined>;

    route(
      'get',
      '/api/tab/local/users',
      async () => {
        if (!this.local) throw new HttpError(404, 'not_found');
        return [200, { users: this.users.filter((u) => u.tenantId === 't-contoso') }];
      },
      false,
    );
    route(
      'get',
      '/api/tab/i18n/:locale',
      async (req) => {
        const locale = resolveLocale(p(req, 'locale'));
        return [200, { locale, messages: getCatalogue()[locale] }];
      },
      false,
    );
    route('get', '/api/tab/me', async (_req, user) => [
      200,
      {
        user: {
          id: user.id,
          name: user.name,
          locale: 'en-US',
          tenantId: user.tenantId,
          isAdmin: false,
        },
        local: true,
        now: this.now(),
      },
    ]);
    route('get', '/api/tab/threads', async (req, user) => {
      const { state, q: text, cursor, limit } = q(req);
      if (state && !['awaiting_consent', 'active', 'paused', 'closed'].includes(state)) {
        throw new HttpError(400, 'request.invalid_query', 'state');
      }
      const size = Math.min(Number(limit ?? 50) || 50, 100);
      const needle = (text ?? '').trim().toLowerCase();
      const all = this.threads
        .filter((t) => t.participants.includes(user.id) || t.former.includes(user.id))
        .map((t) => this.summary(t, user.id))
        .filter((s) => !state || s.state === state)
        .filter((s) => {
          if (!needle) return true;
          const thread = this.thread(s.id);
          return (
            s.contact.name.toLowerCase().includes(needle) ||
            s.contact.phone.replace(/\D/g, '').includes(needle.replace(/\D/g, '') || '\u0000') ||
            thread.messages.some((m) => (m.text ?? '').toLowerCase().includes(needle))
          );
        })
        .sort((a, b) => b.lastActivityAt - a.lastActivityAt);
      const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
      const page = all.slice(start, start + size);
      const next =
        start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : null;
      return [200, { threads: page, nextCursor: next }];
    });
    route('get', '/api/tab/threads/:threadId', async (req, user) => {
      const thread = this.visible(p(req, 'threadId'), user.id);
      const size = Math.min(Number(q(req).limit ?? 50) || 50, 100);
      const before = q(req).before;
      const end = before
        ? Number(Buffer.from(before, 'base64url').toString())
        : thread.messages.length;
      const start = Math.max(0, end - size);
      return [
        200,
        {
          thread: this.summary(thread, user.id),
          messages: thread.messages.slice(start, end),
          prevCursor: start > 0 ? Buffer.from(String(start)).toString('base64url') : null,
        },
      ];
    });
    route('post', '/api/tab/threads/:threadId/read', async (req, user) => {
      const thread = this.visible(p(req, 'threadId'), user.id);
      thread.readUpTo.set(user.id, thread.messages.at(-1)?.seq ?? 0);
      return [204];
    });
    route('post', '/api/tab/threads/:threadId/messages', async (req, user) => {
      const body = await this.json(req);
      const text = body.text;
      if (typeof text !== 'string' || text.trim() === '' || [...text].length > 4096) {
        throw new HttpError(400, 'request.invalid_body', 'text');
      }
      const thread = this.writable(p(req, 'threadId'), user.id);
      return [201, this.send(thread, user, { text })];
    });
    route('post', '/api/tab/threads/:threadId/pictures', async (req, user) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0];
      if (type !== 'image/jpeg' && type !== 'image/png') {
        throw new HttpError(400, 'request.invalid_body', 'file');
      }
      const body = await readRawBody(req, 5 * 1024 * 1024 + 1).catch(() => {
        throw new HttpError(400, 'picture.too_large', 'file');
      });
      const thread = this.writable(p(req, 'threadId'), user.id);
      const caption = q(req).caption;
      return [
        201,
        this.send(thread, user, {
          kind: 'image',
          text: caption ? caption : null,
          media: this.addPicture(body, type),
        }),
      ];
    });
    server.get(
      '/api/tab/stand-in-media/:id',
      async (req: restify.Request, res: restify.Response) => {
        const m = this.media.get(String(req.params.id));
        if (!m) return res.send(404, { error: { code: 'media.not_found', message: 'not found' } });
        res.sendRaw(200, m.body, { 'content-type': m.type });
      },
    );
    route('get', '/api/tab/messages/:messageId/info', async (req, user) => {
      const id = p(req, 'messageId');
      for (const thread of this.threads) {
        const m = thread.messages.find((x) => x.id === id);
        if (m) {
          this.visible(thread.id, user.id);
          return [200, { message: m }];
        }
      }
      throw new HttpError(404, 'message.not_found');
    });
    route('post', '/api/tab/threads/:threadId/remind', async (req, user) => {
      const thread = this.writable(p(req, 'threadId'), user.id);
      const contact = this.contactOf(thread).name;
      if (thread.state !== 'awaiting_consent') {
        throw new HttpError(409, 'optin.reminder_not_needed', undefined, {
          key: 'optin.reminder_not_needed',
          params: { contact },
        });
      }
      return [200, { notice: { key: 'optin.reminder_sent', params: { contact } } }];
    });
    route('get', '/api/tab/threads/:threadId/candidates', async (req, user) => {
      const thread = this.writable(p(req, 'threadId'), user.id);
      return [
        200,
        {
          users: this.users
            .filter((u) => u.tenantId === user.tenantId && !thread.participants.includes(u.id))
            .map((u) => ({ id: u.id, name: u.name })),
        },
      ];
    });
    route('post', '/api/tab/threads/:threadId/participants', async (req, user) => {
      const body = await this.json(req);
      if (typeof body.userId !== 'string')
        throw new HttpError(400, 'request.invalid_body', 'userId');
      const thread = this.writable(p(req, 'threadId'), user.id);
      const added = this.user(body.userId);
      thread.participants.push(added.id);
      thread.former = thread.former.filter((id) => id !== added.id);
      this.notice(thread, 'group.colleague_added', { by: user.name, user: added.name });
      this.changed(thread, 'thread');
      return [200, { thread: this.summary(thread, user.id) }];
    });
    route('del', '/api/tab/threads/:threadId/participants/:userId', async (req, user) => {
      const thread = this.writable(p(req, 'threadId'), user.id);
      const removed = this.user(p(req, 'userId'));
      if (!thread.participants.includes(removed.id)) {
        throw new HttpError(409, 'group.not_a_participant', undefined, {
          key: 'group.not_a_participant',
          params: { user: removed.name },
        });
      }
      thread.participants = thread.participants.filter((id) => id !== removed.id);
      thread.former.push(removed.id);
      this.notice(thread, 'group.colleague_removed', { by: user.name, user: removed.name });
      this.changed(thread, 'thread');
      return [200, { thread: this.summary(thread, user.id) }];
    });
    route('post', '/api/tab/threads/:threadId/leave', async (req, user) => {
      const thread = this.writable(p(req, 'threadId'), user.id);
      thread.participants = thread.participants.filter((id) => id !== user.id);
      thread.former.push(user.id);
      this.notice(thread, 'group.colleague_left', { user: user.name });
      if (thread.participants.length === 0) {
        thread.state = 'closed';
        thread.closedReason = 'all_left';
      }
      this.changed(thread, 'thread');
      return [200, { thread: this.summary(thread, user.id) }];
    });
    route('post', '/api/tab/threads/:threadId/transfer', async (req, user) => {
      const body = await this.json(req);
      if (typeof body.userId !== 'string')
        throw new HttpError(400, 'request.invalid_body', 'userId');
      const thread = this.writable(p(req, 'threadId'), user.id);
      const to = this.user(body.userId);
      thread.participants = [...thread.participants.filter((id) => id !== user.id), to.id];
      thread.former.push(user.id);
      this.notice(thread, 'group.colleague_transferred', { by: user.name, user: to.name });
      this.changed(thread, 'thread');
      return [200, { thread: this.summary(thread, user.id) }];
    });
    route('post', '/api/tab/threads/:threadId/restart', async (req, user) => {
      const old = this.visible(p(req, 'threadId'), user.id);
      if (old.state !== 'closed' || old.restarted) {
        throw new HttpError(409, 'thread.restart_not_closed', undefined, {
          key: 'thread.restart_not_closed',
          params: { contact: this.contactOf(old).name },
        });
      }
      old.restarted = true;
      const thread = this.open(this.contactOf(old), user);
      this.changed(old, 'thread');
      return [201, { thread: this.summary(thread, user.id) }];
    });
    route('get', '/api/tab/contacts', async (req) => {
      const needle = (q(req).q ?? '').toLowerCase();
      return [
        200,
        {
          contacts: this.contacts.filter(
            (c) =>
              !needle ||
              [c.name, ...(c.aliases ?? [])].some((n) => n.toLowerCase().includes(needle)) ||
              c.phone.includes(needle),
          ),
        },
      ];
    });
    route('post', '/api/tab/contacts', async (req) => {
      const body = await this.json(req);
      if (typeof body.name !== 'string' || body.name.trim() === '') {
        throw new HttpError(400, 'request.invalid_body', 'name');
      }
      const phone = typeof body.phone === 'string' ? body.phone.replace(/[\s()-]/g, '') : '';
      if (!/^\+?[1-9]\d{7,14}$/.test(phone)) {
        throw new HttpError(400, 'contact.invalid_phone', 'phone', {
          key: 'card.compose.invalid_phone',
          params: { example: '+44 7700 900123' },
        });
      }
      const e164 = phone.startsWith('+') ? phone : `+${phone}`;
      // reply (issue 10): already a contact under another name: 409 with both names, as the
      // real API answers, until the tab asks again with `onDuplicate`.
      const existing = this.contacts.find((c) => c.phone === e164);
      const requested = body.name.trim();
      const named = (n: string) => n === requested;
      if (existing && [existing.name, ...(existing.aliases ?? [])].some(named))
        return [200, { contact: existing }];
      if (existing) {
        if (body.onDuplicate === 'keep') return [200, { contact: existing }];
        // keepboth (issue 10 item 4): the name stays, the new one is another name.
        if (body.onDuplicate === 'both') {
          existing.aliases = [...(existing.aliases ?? []), body.name.trim()];
          return [200, { contact: existing }];
        }
        if (body.onDuplicate === 'rename') {
          existing.name = body.name.trim();
          return [200, { contact: existing }];
        }
        return [
          409,
          {
            error: { code: 'contact.duplicate', message: 'already a contact', field: 'phone' },
            existing,
            requested: { name: body.name.trim() },
          },
        ];
      }
      const contact = this.addContact(body.name.trim(), e164);
      return [201, { contact }];
    });
    route('post', '/api/tab/conversations', async (req, user) => {
      const body = await this.json(req);
      const contact = this.contacts.find((c) => c.id === body.contactId);
      if (!contact) throw new HttpError(400, 'request.invalid_body', 'contactId');
      const open = this.threads.find((t) => t.contactId === contact.id && t.state !== 'closed');
      if (open) {
        throw new HttpError(409, 'thread.contact_in_conversation', undefined, {
          key: 'thread.contact_in_conversation',
          params: { contact: contact.name, user: this.user(open.participants[0] ?? '').name },
        });
      }
      const thread = this.open(contact, user);
      return [201, { thread: this.summary(thread, user.id) }];
    });
    server.get('/api/tab/events', async (req: restify.Request, res: restify.Response) => {
      let user: StandInUser;
      try {
        user = this.caller(req);
      } catch {
        return res.send(401, { error: { code: 'auth.missing_token', message: 'token' } });
      }
      const after = Number(req.headers['last-event-id'] ?? q(req).lastEventId ?? 0) || 0;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      for (const e of this.log) {
        if (e.userId === user.id && e.id > after) {
          res.write(`id: ${e.id}\nevent: change\ndata: ${e.data}\n\n`);
        }
      }
      const stream = { userId: user.id, res: res as unknown as ServerResponse };
      this.streams.add(stream);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(ping);
        this.streams.delete(stream);
      });
    });
  }

  private open(contact: Contact, user: StandInUser): Thread {
    const thread = this.seedThread({
      contact,
      participants: [user.id],
      state: 'awaiting_consent',
      lastInboundAt: null,
    });
    this.notice(thread, 'thread.optin_sent', { contact: contact.name });
    this.changed(thread, 'thread');
    return thread;
  }

  private send(
    thread: Thread,
    user: StandInUser,
    m: Partial<Message>,
  ): { message: Message; outcome: 'sent' | 'pending' | 'resume_requested'; notice?: unknown } {
    const state = this.state(thread);
    const outcome =
      state === 'active' ? 'sent' : state === 'paused' ? 'resume_requested' : 'pending';
    const message = this.addMessage(thread, {
      direction: 'outbound',
      author: { id: user.id, name: user.name },
      status: outcome === 'sent' ? 'sent' : 'pending',
      ...m,
    });
    this.changed(thread, 'message', message.id);
    const contact = this.contactOf(thread).name;
    return {
      message,
      outcome,
      ...(outcome === 'resume_requested'
        ? { notice: { key: 'thread.paused', params: { contact } } }
        : {}),
    };
  }
}
