/**
 * The personal tab's HTTP API under /api/tab/ (README, "The personal tab's API"). Handlers only translate: authenticate, validate the body with zod (400 naming the
 * field), call the application layer (TabService), and turn its answer into JSON. A thread
 * that is not the caller's is 404, exactly like one that does not exist.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type restify from 'restify';
import { z } from 'zod';
import { httpStatusOf } from '../../app/errors.js';
import { TabError, type TabService, type TabUser } from '../../app/tab-service.js';
import { CodedError } from '../../core/errors.js';
import { getCatalogue, resolveLocale, DEFAULT_LOCALE } from '../../i18n/catalogue.js';
import type { InboxEntry } from '../../store/tab-port.js';
import type { DuplicateContactBody } from './contract.js';
import { BodyTooLargeError, readRawBody } from '../raw-body.js';
import type { RouteModule } from '../server.js';
import { ChangeStreams } from './events.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import { InvalidTokenError, KeysUnavailableError, type TeamsSsoVerifier } from './sso.js';
import { contactView, messageView, threadSummary, type ViewContext } from './views.js';
import { numberProblem } from '../../core/phone-number.js';

export const TAB_API = '/api/tab';
const JSON_LIMIT = 64 * 1024;
/** The same limit as the bot's pictures. */
export const PICTURE_LIMIT = 5 * 1024 * 1024;

export interface TabApiOptions {
  readonly service: TabService;
  /** With no BOT_ID: X-Local-User is accepted, and /local/users lists who to act as. */
  readonly local: boolean;
  /** Checks Teams SSO tokens; absent when no tab app is configured (AAD_APP_CLIENT_ID). */
  readonly sso?: TeamsSsoVerifier | undefined;
  readonly logger: Logger;
  readonly mediaUrl: (mediaId: string) => string;
  readonly businessName: string;
  /** How often an open event stream looks for new changes. */
  readonly pollMs?: number;
  readonly pingMs?: number;
}

export interface TabApi extends RouteModule {
  /** Ends the open event streams (the server waits for open connections when closing). */
  stop(): void;
}

/** Who is asking, and until when their token holds (none for a local user). */
interface Caller {
  readonly me: TabUser;
  readonly expiresAt?: number | undefined;
}

type Handler = (
  req: restify.Request,
  res: restify.Response,
  me: TabUser,
  caller: Caller,
) => Promise<void>;

/** A malformed request: `request.invalid`, naming the field that was wrong. */
class BadRequest extends CodedError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('request.invalid', message);
  }
}

const text = z
  .string({ error: 'must be a string' })
  .max(4096, { error: 'must be at most 4,096 characters (WhatsApp’s limit)' })
  .refine((v) => v.trim().length > 0, { error: 'must not be empty' });
const id = z.string({ error: 'must be a string' }).trim().min(1, { error: 'is required' }).max(300);
const schemas = {
  message: z.object({ text }),
  user: z.object({ userId: id }),
  contact: z.object({
    name: z.string({ error: 'must be a string' }).trim().min(1, { error: 'is required' }).max(100),
    phone: z.string({ error: 'must be a string' }).max(40),
    // reply (issue 10): the answer to "already a contact under another name" (409 without it).
    // keepboth (issue 10 item 4): 'both' keeps the name and the new one as another name;
    // 'keep' (clients from before it) keeps the name alone.
    onDuplicate: z.enum(['rename', 'both', 'keep']).optional(),
  }),
  conversation: z.object({ contactId: id }),
};
const phoneNumber = z
  .string()
  .transform((v) => v.replace(/[\s().-]/g, '').replace(/^(\+|00)/, ''))
  .pipe(z.string().regex(/^[1-9]\d{6,14}$/));
const STATES = ['awaiting_consent', 'active', 'paused', 'closed'] as const;

export function tabApiRoutes(o: TabApiOptions): TabApi {
  const { service } = o;
  const streams = new ChangeStreams({
    service,
    logger: o.logger,
    pollMs: o.pollMs ?? 200,
    pingMs: o.pingMs ?? 15_000,
  });

  async function authenticate(req: restify.Request, allowQueryToken: boolean): Promise<Caller> {
    const localUser = req.header('x-local-user');
    if (o.local && localUser) {
      try {
        return { me: await service.arrive({ userId: localUser }) };
      } catch (error) {
        if (error instanceof TabError && error.status === 404)
          throw new TabError('auth.unknown_local_user', 'No such local user.');
        throw error;
      }
    }
    const header = req.header('authorization') ?? '';
    const query = req.query as Record<string, unknown>;
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const token =
      bearer ??
      (allowQueryToken && typeof query.access_token === 'string' ? query.access_token : undefined);
    if (!token) throw new TabError('auth.missing_token', 'Sign in: no token was sent.');
    if (!o.sso) throw new TabError('auth.not_configured', 'The tab’s sign-in is not configured.');
    try {
      const identity = await o.sso.verify(token);
      return { me: await service.arrive(identity), expiresAt: identity.expiresAt };
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new TabError(error.code, 'The sign-in token is not valid.');
      if (error instanceof KeysUnavailableError) {
        o.logger.warn({ err: error.message }, 'tab sign-in keys unavailable');
        throw new TabError(error.code, 'Sign-in cannot be checked now; try again.');
      }
      throw error;
    }
  }

  /** Every answer's status is its code's in the one mapping (app/errors.ts). */
  function fail(res: restify.Response, error: unknown): void {
    if (error instanceof BadRequest || error instanceof TabError) {
      const field = (error as { field?: string }).field;
      const notice = error instanceof TabError ? error.notice : undefined;
      res.send(httpStatusOf(error), {
        error: { code: error.code, message: error.message, ...(field ? { field } : {}) },
        ...(notice ? { notice: { key: notice.key, params: notice.params } } : {}),
      });
    } else if (error instanceof CodedError && error.code !== 'internal') {
      // A coded error from below the service (the store busy: 503, the tab tries again).
      const status = httpStatusOf(error);
      o.logger.warn({ err: error, code: error.code }, 'tab API request refused');
      res.send(status, {
        error: {
          code: error.code,
          message: status >= 500 ? 'Something went wrong; try again.' : error.message,
        },
      });
    } else {
      o.logger.error({ err: error }, 'tab API request failed');
      res.send(500, {
        error: { code: 'server.error', message: 'Something went wrong; try again.' },
      });
    }
  }

  /** Authenticated route: nothing runs for a caller without a valid token. */
  const authed =
    (handler: Handler, options: { queryToken?: boolean } = {}) =>
    async (req: restify.Request, res: restify.Response) => {
      let caller: Caller;
      try {
        caller = await authenticate(req, options.queryToken === true);
      } catch (error) {
        fail(res, error);
        return;
      }
      try {
        await handler(req, res, caller.me, caller);
      } catch (error) {
        fail(res, error);
      }
    };

  async function body<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type))
      throw new BadRequest('(body)', 'Send JSON (Content-Type: application/json).');
    let raw: Buffer;
    try {
      raw = await readRawBody(req, JSON_LIMIT);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        throw new BadRequest('(body)', 'The body is too large.');
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequest('(body)', 'The body is not valid JSON.');
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.join('.') || '(body)';
      throw new BadRequest(field, `${field} ${issue.message}`);
    }
    return result.data;
  }

  async function context(me: TabUser): Promise<ViewContext> {
    const numbers = new Map(
      me.organisation.businessNumbers.map((n) => [n.phoneNumberId, n.displayPhoneNumber]),
    );
    return {
      now: service.now(),
      mediaUrl: o.mediaUrl,
      businessName: o.businessName,
      displayNumber: (pn) => numbers.get(pn) ?? pn,
    };
  }

  async function summary(me: TabUser, entry: InboxEntry) {
    const ctx = await context(me);
    const blocked =
      entry.thread.state === 'closed' && (await service.contactBlocked(entry.thread.contact.id));
    return threadSummary(entry, { ...ctx, contactBlocked: blocked });
  }

  const param = (req: restify.Request, name: string): string => String(req.params[name] ?? '');
  const queryOf = (req: restify.Request) => req.query as Record<string, unknown>;

  function limitOf(req: restify.Request, fallback: number): number {
    const raw = queryOf(req).limit;
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 100)
      throw new BadRequest('limit', 'limit must be a whole number from 1 to 100.');
    return n;
  }

  function optionalString(req: restify.Request, name: string): string | undefined {
    const raw = queryOf(req)[name];
    if (raw === undefined || raw === '') return undefined;
    if (typeof raw !== 'string') throw new BadRequest(name, `${name} must be given once.`);
    return raw;
  }

  async function afterThreadChange(me: TabUser, threadId: string) {
    return { thread: await summary(me, await service.entry(me, threadId)) };
  }

  /** A route whose use case changes a thread: it answers with the thread as the caller now sees it. */
  const threadChange = (
    status: 200 | 201,
    run: (req: restify.Request, me: TabUser) => Promise<{ readonly id: string }>,
  ) =>
    authed(async (req, res, me) => {
      const thread = await run(req, me);
      res.send(status, await afterThreadChange(me, thread.id));
    });

  /** What the tab hears after writing a message or a picture: the message, its outcome, a notice. */
  async function written(me: TabUser, result: Awaited<ReturnType<TabService['write']>>) {
    const ctx = await context(me);
    return {
      message: messageView(result.message, ctx),
      outcome: result.outcome,
      ...(result.notice
        ? { notice: { key: result.notice.key, params: result.notice.params } }
        : {}),
    };
  }

  return {
    stop: () => streams.stop(),
    register(server: restify.Server) {
      server.get(`${TAB_API}/i18n/:locale`, async (req, res) => {
        const locale = resolveLocale(param(req, 'locale'));
        const all = getCatalogue();
        res.setHeader('cache-control', 'public, max-age=300');
        res.send(200, { locale, messages: { ...all[DEFAULT_LOCALE], ...all[locale] } });
      });

      server.get(`${TAB_API}/local/users`, async (_req, res) => {
        if (!o.local) {
          res.send(404, { error: { code: 'not_found', message: 'Not found.' } });
          return;
        }
        try {
          const users = await service.localUsers();
          res.send(200, {
            users: users.map((u) => ({ id: u.id, name: u.name, tenantId: u.tenantId })),
          });
        } catch (error) {
          fail(res, error);
        }
      });

      server.get(
        `${TAB_API}/me`,
        authed(async (_req, res, me) => {
          res.send(200, {
            user: {
              id: me.user.id,
              name: me.user.name,
              locale: me.user.locale,
              tenantId: me.user.tenantId,
              isAdmin: await service.isAdmin(me),
            },
            local: o.local,
            now: service.now(),
          });
        }),
      );

      server.get(
        `${TAB_API}/threads`,
        authed(async (req, res, me) => {
          const state = optionalString(req, 'state');
          if (state !== undefined && !(STATES as readonly string[]).includes(state))
            throw new BadRequest('state', `state must be one of ${STATES.join(', ')}.`);
          const q = optionalString(req, 'q');
          if (q !== undefined && q.length > 200)
            throw new BadRequest('q', 'q must be at most 200 characters.');
          const { entries, nextCursor } = await service.listThreads(me, {
            state: state as (typeof STATES)[number] | undefined,
            q,
            cursor: optionalString(req, 'cursor'),
            limit: limitOf(req, 50),
          });
          const threads = [];
          for (const entry of entries) threads.push(await summary(me, entry));
          res.send(200, { threads, nextCursor });
        }),
      );

      server.get(
        `${TAB_API}/threads/:threadId`,
        authed(async (req, res, me) => {
          const { entry, page } = await service.messages(
            me,
            param(req, 'threadId'),
            optionalString(req, 'before'),
            limitOf(req, 50),
          );
          const ctx = await context(me);
          res.send(200, {
            thread: await summary(me, entry),
            messages: page.messages.map((m) => messageView(m, ctx)),
            prevCursor: page.more && page.messages[0] ? String(page.messages[0].seq) : null,
          });
        }),
      );

      server.post(
        `${TAB_API}/threads/:threadId/read`,
        authed(async (req, res, me) => {
          await service.markRead(me, param(req, 'threadId'));
          res.send(204);
        }),
      );

      server.post(
        `${TAB_API}/threads/:threadId/messages`,
        authed(async (req, res, me) => {
          const input = await body(req, schemas.message);
          const result = await service.write(me, param(req, 'threadId'), { body: input.text });
          res.send(201, await written(me, result));
        }),
      );

      server.post(
        `${TAB_API}/threads/:threadId/pictures`,
        authed(async (req, res, me) => {
          const threadId = param(req, 'threadId');
          await service.entry(me, threadId);
          const picture = await readPicture(req);
          res.send(201, await written(me, await service.writePicture(me, threadId, picture)));
        }),
      );

      server.get(
        `${TAB_API}/messages/:messageId/info`,
        authed(async (req, res, me) => {
          const message = await service.message(me, param(req, 'messageId'));
          res.send(200, { message: messageView(message, await context(me)) });
        }),
      );

      server.post(
        `${TAB_API}/threads/:threadId/remind`,
        authed(async (req, res, me) => {
          const notice = await service.remind(me, param(req, 'threadId'));
          res.send(200, { notice: { key: notice.key, params: notice.params } });
        }),
      );

      // The thread actions: each answers with the thread as the caller now sees it.
      server.post(
        `${TAB_API}/threads/:threadId/participants`,
        threadChange(200, async (req, me) => {
          const { userId } = await body(req, schemas.user);
          return service.addParticipant(me, param(req, 'threadId'), userId);
        }),
      );
      server.del(
        `${TAB_API}/threads/:threadId/participants/:userId`,
        threadChange(200, (req, me) =>
          service.removeParticipant(me, param(req, 'threadId'), param(req, 'userId')),
        ),
      );
      server.post(
        `${TAB_API}/threads/:threadId/leave`,
        threadChange(200, (req, me) => service.leave(me, param(req, 'threadId'))),
      );
      server.post(
        `${TAB_API}/threads/:threadId/transfer`,
        threadChange(200, async (req, me) => {
          const { userId } = await body(req, schemas.user);
          return service.transfer(me, param(req, 'threadId'), userId);
        }),
      );
      server.post(
        `${TAB_API}/threads/:threadId/restart`,
        threadChange(201, (req, me) => service.restart(me, param(req, 'threadId'))),
      );

      server.get(
        `${TAB_API}/threads/:threadId/candidates`,
        authed(async (req, res, me) => {
          res.send(200, { users: await service.candidates(me, param(req, 'threadId')) });
        }),
      );

      server.get(
        `${TAB_API}/contacts`,
        authed(async (req, res, me) => {
          const contacts = await service.contacts(me, optionalString(req, 'q'));
          res.send(200, {
            contacts: contacts.map(contactView),
          });
        }),
      );

      server.post(
        `${TAB_API}/contacts`,
        authed(async (req, res, me) => {
          const input = await body(req, schemas.contact);
          const phone = phoneNumber.safeParse(input.phone);
          if (!phone.success) {
            res.send(400, {
              error: {
                code: 'contact.invalid_number',
                message: 'phone must be a WhatsApp number with its country code.',
                field: 'phone',
              },
              // What is wrong with it, precisely, as the chat and the compose extension say.
              notice: numberProblem(input.phone) ?? {
                key: 'card.compose.invalid_phone',
                params: {},
              },
            });
            return;
          }
          // reply (issue 10): a number already in the user's contacts under another name is
          // answered 409 with both names, and nothing changes until the tab asks again with
          // `onDuplicate` ('rename' the user's entry, or keep 'both' names). A name the entry
          // already has (keepboth: its name or another) is 200 with the contact as it is.
          const result = await service.addContactOrAsk(
            me,
            input.name,
            phone.data,
            input.onDuplicate ?? 'ask',
          );
          if (result.kind === 'duplicate') {
            const duplicate: DuplicateContactBody = {
              error: {
                code: 'contact.duplicate',
                message: 'This number is already one of your contacts under another name.',
                field: 'phone',
              },
              existing: contactView(result.existing),
              requested: { name: result.name },
            };
            res.send(409, duplicate);
            return;
          }
          const contact = result.contact;
          res.send(result.kind === 'added' ? 201 : 200, { contact: contactView(contact) });
        }),
      );

      server.post(
        `${TAB_API}/conversations`,
        threadChange(201, async (req, me) => {
          const { contactId } = await body(req, schemas.conversation);
          return service.startConversation(me, contactId);
        }),
      );

      server.get(
        `${TAB_API}/events`,
        authed(
          async (req, res, me, caller) => {
            const raw =
              req.header('last-event-id') ||
              (typeof queryOf(req).lastEventId === 'string'
                ? (queryOf(req).lastEventId as string)
                : '');
            if (raw !== '' && !/^\d{1,15}$/.test(raw))
              throw new BadRequest(
                'Last-Event-ID',
                'Last-Event-ID must be an event id this server sent.',
              );
            const after = raw === '' ? await service.lastChangeSeq(me) : Number(raw);
            streams.open(req, res, me, after, caller.expiresAt);
          },
          { queryToken: true },
        ),
      );
    },
  };
}

/** The picture of an upload: multipart field `file`, or the raw body; JPEG or PNG, ≤ 5 MB. */
async function readPicture(
  req: restify.Request,
): Promise<{ bytes: Buffer; mimeType: string; caption?: string | undefined }> {
  let raw: Buffer;
  try {
    raw = await readRawBody(req, PICTURE_LIMIT + 64 * 1024);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new BadRequest('file', 'file must be at most 5 MB.');
    throw error;
  }
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  let bytes: Buffer;
  let caption: string | undefined;
  const boundary = boundaryOf(req.headers['content-type']);
  if (boundary) {
    const parts = parseMultipart(raw, boundary);
    if (!parts) throw new BadRequest('(body)', 'The form could not be read.');
    const file = parts.find((p) => p.name === 'file');
    if (!file) throw new BadRequest('file', 'file is required.');
    bytes = file.data;
    caption = parts.find((p) => p.name === 'caption')?.data.toString('utf8');
  } else if (/^image\/(jpeg|png)\b/.test(type)) {
    bytes = raw;
    const q = (req.query as Record<string, unknown>).caption;
    caption = typeof q === 'string' ? q : undefined;
  } else {
    throw new BadRequest('file', 'Send a JPEG or PNG picture.');
  }
  if (bytes.length > PICTURE_LIMIT) throw new BadRequest('file', 'file must be at most 5 MB.');
  const mimeType = sniff(bytes);
  if (!mimeType) throw new BadRequest('file', 'file must be a JPEG or PNG picture.');
  caption = caption?.trim() || undefined;
  if (caption !== undefined && caption.length > 1024)
    throw new BadRequest('caption', 'caption must be at most 1,024 characters.');
  return { bytes, mimeType, caption };
}

function sniff(bytes: Buffer): string | undefined {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg';
  if (
    bytes.length > 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  return undefined;
}
