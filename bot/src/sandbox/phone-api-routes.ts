/**
 * The small JSON API the contact's phone page polls and calls, under /sandbox/api. It is a
 * developer tool on the app's own server: no authentication, nothing secret in it.
 *
 *   GET   /sandbox/api/state                       business, clock, phones, error choices
 *   PUT   /sandbox/api/phones/:number              { name }  make or rename a phone
 *   GET   /sandbox/api/phones/:number              the phone: settings, window, chat
 *   POST  /sandbox/api/phones/:number/messages     { text, replyTo? }  send a text
 *   POST  /sandbox/api/phones/:number/images       multipart: file, caption?  send a picture
 *   POST  /sandbox/api/phones/:number/files        multipart: file, caption?  send a file: a
 *                                                  document, audio, video or sticker by its type
 *   POST  /sandbox/api/phones/:number/locations    { latitude, longitude, name?, address? }
 *   POST  /sandbox/api/phones/:number/taps         { messageId, index } or { payload }
 *   POST  /sandbox/api/phones/:number/list-replies { messageId?, rowId }
 *   PATCH /sandbox/api/phones/:number/settings     { readReceipts?, failNextDelivery? (code|null) }
 *   PUT   /sandbox/api/phones/:number/viewing      { visible }  the page shows the chat (or not)
 *   POST  /sandbox/api/clock                       { advanceMs }  move the shared clock
 *   GET   /sandbox/api/media/:id                   the picture, for <img> on the page
 *   GET   /sandbox/api/webhooks                    the last webhooks and what became of them
 *   PUT   /sandbox/api/webhooks                    { stopped }  stop posting webhooks (held,
 *                                                  posted in order on resume), or resume
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { SandboxClock } from './clock.js';
import type { ContactPhone } from './contact-phone.js';
import { errorTitle, FAILURE_CHOICES } from './error-codes.js';
import { formFile, readForm, readJson } from './http-body.js';
import { IMAGE_MAX_BYTES } from '../whatsapp/media-rules.js';
import { SandboxError } from './sandbox-error.js';
import { httpStatusOf } from '../app/errors.js';
import { CodedError } from '../core/errors.js';
import type { WhatsAppSandbox } from './whatsapp-sandbox.js';
import { WINDOW } from '../core/types.js';
import type { ChatMediaKind } from './contact-phone.js';
import { MAX_UPLOAD_BYTES } from './media-store.js';

/** How a phone sends a file of this type: a sticker, audio, video, or else a document. */
function kindOfFile(mimeType: string): ChatMediaKind {
  if (mimeType === 'image/webp') return 'sticker';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}

export const PHONE_API_PATH = '/sandbox/api';

export interface PhoneApiOptions {
  readonly sandbox: WhatsAppSandbox;
  readonly clock: SandboxClock;
  readonly businessName: string;
}

const MAX_ADVANCE_MS = 400 * 24 * 60 * 60 * 1000;

const nameBody = z.object({ name: z.string().trim().min(1).max(100) });
const textBody = z.object({
  text: z.string().trim().min(1).max(4096),
  replyTo: z.string().min(1).optional(),
});
const tapBody = z.union([
  z.object({ messageId: z.string().min(1), index: z.number().int().min(0).max(9) }),
  z.object({ payload: z.string().min(1) }),
]);
const listBody = z.object({ rowId: z.string().min(1), messageId: z.string().min(1).optional() });
const settingsBody = z.object({
  readReceipts: z.boolean().optional(),
  failNextDelivery: z.number().int().positive().nullable().optional(),
});
const viewingBody = z.object({ visible: z.boolean() });
const locationBody = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().trim().max(200).optional(),
  address: z.string().trim().max(400).optional(),
});
/**
 * How long the page's word that it shows the chat holds: it says so again with every poll,
 * so a tab closed or put away without a word stops reading within this time.
 */
export const VIEWING_LEASE_MS = 5_000;
const webhooksBody = z.object({ stopped: z.boolean() }); // alarm (issue 12)
const clockBody = z.object({ advanceMs: z.number().int().positive().max(MAX_ADVANCE_MS) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CodedError(
      'request.invalid',
      issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body',
    );
  }
  return parsed.data;
}

type Handler = (req: Request, res: Response) => Promise<void>;

export function registerPhoneApiRoutes(server: Server, options: PhoneApiOptions): void {
  const { sandbox, clock } = options;

  const api =
    (handler: Handler): Handler =>
    async (req, res) => {
      res.header('cache-control', 'no-store');
      try {
        await handler(req, res);
      } catch (error) {
        // The status is the code's in the one mapping (app/errors.ts).
        if (error instanceof SandboxError)
          res.send(httpStatusOf(error), { error: error.message, code: error.code });
        else if (error instanceof CodedError && error.code !== 'internal')
          res.send(httpStatusOf(error), { error: error.message });
        else throw error;
      }
    };

  const phoneOf = (req: Request): ContactPhone => sandbox.phone(req.params.number as string);

  const view = (phone: ContactPhone) => {
    const now = clock.now();
    const closesAt = phone.lastInboundAt === undefined ? undefined : phone.lastInboundAt + WINDOW;
    return {
      version: sandbox.version,
      now,
      number: phone.number,
      name: phone.name,
      readReceipts: phone.readReceipts,
      chatOpen: phone.viewing,
      unread: phone.unread,
      failNextDelivery: phone.failNext ?? null,
      window: { open: sandbox.windowOpen(phone), closesAt: closesAt ?? null },
      messages: phone.entries(),
    };
  };

  server.get(
    `${PHONE_API_PATH}/state`,
    api(async (_req, res) => {
      res.send(200, {
        version: sandbox.version,
        now: clock.now(),
        offsetMs: clock.offsetMs,
        business: {
          name: options.businessName,
          displayPhoneNumber: sandbox.business.displayPhoneNumber,
          phoneNumberId: sandbox.business.phoneNumberId,
        },
        phones: sandbox.phones().map((p) => ({ number: p.number, name: p.name })),
        failureChoices: FAILURE_CHOICES.map((code) => ({ code, title: errorTitle(code) })),
        imageMaxBytes: IMAGE_MAX_BYTES,
      });
    }),
  );

  server.put(
    `${PHONE_API_PATH}/phones/:number`,
    api(async (req, res) => {
      const { name } = parse(nameBody, await readJson(req));
      res.send(200, view(sandbox.phone(req.params.number as string, name)));
    }),
  );

  server.get(
    `${PHONE_API_PATH}/phones/:number`,
    api(async (req, res) => {
      res.send(200, view(phoneOf(req)));
    }),
  );

  server.post(
    `${PHONE_API_PATH}/phones/:number/messages`,
    api(async (req, res) => {
      const body = parse(textBody, await readJson(req));
      res.send(201, { id: sandbox.sendText(phoneOf(req).number, body.text, body.replyTo) });
    }),
  );

  server.post(
    `${PHONE_API_PATH}/phones/:number/images`,
    api(async (req, res) => {
      const form = await readForm(req, IMAGE_MAX_BYTES * 4);
      if (!form)
        throw new CodedError(
          'request.invalid',
          'send the picture as multipart/form-data with a "file" field',
        );
      const file = await formFile(form, 'file');
      if (!file) throw new CodedError('request.invalid', 'file: a picture is required');
      const caption = form.get('caption');
      const sent = sandbox.sendImage(
        phoneOf(req).number,
        file.bytes,
        file.type || 'image/jpeg',
        typeof caption === 'string' ? caption : undefined,
      );
      res.send(201, { id: sent.wamid, mediaId: sent.mediaId });
    }),
  );

  server.post(
    `${PHONE_API_PATH}/phones/:number/files`,
    api(async (req, res) => {
      const form = await readForm(req, MAX_UPLOAD_BYTES + 64 * 1024);
      if (!form)
        throw new CodedError(
          'request.invalid',
          'send the file as multipart/form-data with a "file" field',
        );
      const file = await formFile(form, 'file');
      if (!file) throw new CodedError('request.invalid', 'file: a file is required');
      const caption = form.get('caption');
      const type = (file.type || 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
      const sent = sandbox.sendMedia(phoneOf(req).number, kindOfFile(type), file.bytes, type, {
        caption: typeof caption === 'string' ? caption : undefined,
        filename: file.name || undefined,
      });
      res.send(201, { id: sent.wamid, mediaId: sent.mediaId });
    }),
  );

  server.post(
    `${PHONE_API_PATH}/phones/:number/locations`,
    api(async (req, res) => {
      const body = parse(locationBody, await readJson(req));
      const id = sandbox.sendLocation(phoneOf(req).number, {
        latitude: body.latitude,
        longitude: body.longitude,
        ...(body.name ? { name: body.name } : {}),
        ...(body.address ? { address: body.address } : {}),
      });
      res.send(201, { id });
    }),
  );

  server.post(
    `${PHONE_API_PATH}/phones/:number/taps`,
    api(async (req, res) => {
      const body = parse(tapBody, await readJson(req));
      const target =
        'payload' in body ? body.payload : { messageId: body.messageId, index: body.index };
      res.send(201, { id: sandbox.tapButton(phoneOf(req).number, target) });
    }),
  );

  server.post(
    `${PHONE_API_PATH}/phones/:number/list-replies`,
    api(async (req, res) => {
      const body = parse(listBody, await readJson(req));
      res.send(201, { id: sandbox.chooseListRow(phoneOf(req).number, body.rowId, body.messageId) });
    }),
  );

  server.patch(
    `${PHONE_API_PATH}/phones/:number/settings`,
    api(async (req, res) => {
      const body = parse(settingsBody, await readJson(req));
      const phone = phoneOf(req);
      if (body.readReceipts !== undefined) phone.readReceipts = body.readReceipts;
      if (body.failNextDelivery !== undefined) phone.failNext = body.failNextDelivery ?? undefined;
      res.send(200, view(phone));
    }),
  );

  server.put(
    `${PHONE_API_PATH}/phones/:number/viewing`,
    api(async (req, res) => {
      const { visible } = parse(viewingBody, await readJson(req));
      const phone = phoneOf(req);
      phone.setViewing(visible, VIEWING_LEASE_MS);
      res.send(200, view(phone));
    }),
  );

  server.post(
    `${PHONE_API_PATH}/clock`,
    api(async (req, res) => {
      const { advanceMs } = parse(clockBody, await readJson(req));
      clock.advance(advanceMs);
      sandbox.changed();
      res.send(200, { now: clock.now(), offsetMs: clock.offsetMs });
    }),
  );

  server.get(
    `${PHONE_API_PATH}/media/:id`,
    api(async (req, res) => {
      const stored = sandbox.media.get(req.params.id as string);
      if (!stored) throw new CodedError('sandbox.no_such_media', 'no such media');
      res.sendRaw(200, stored.bytes, {
        'content-type': stored.mimeType,
        'content-length': String(stored.size),
        'x-content-type-options': 'nosniff',
        ...(stored.mimeType.startsWith('image/')
          ? {}
          : {
              'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(stored.filename ?? 'file')}`,
            }),
      });
    }),
  );

  server.get(
    `${PHONE_API_PATH}/webhooks`,
    api(async (_req, res) => {
      const recent = sandbox.webhooks.deliveries().slice(-100);
      res.send(200, {
        stopped: sandbox.webhooks.stopped,
        held: sandbox.webhooks.heldCount,
        deliveries: recent.map((d) => ({
          seq: d.seq,
          state: d.state,
          attempts: d.attempts,
          payload: d.payload,
        })),
      });
    }),
  );

  // alarm (issue 12): stop webhooks to see the webhook-silence alarm; resume posts what was held.
  server.put(
    `${PHONE_API_PATH}/webhooks`,
    api(async (req, res) => {
      const { stopped } = parse(webhooksBody, await readJson(req));
      const released = stopped ? 0 : sandbox.webhooks.heldCount;
      if (stopped) sandbox.webhooks.stop();
      else sandbox.webhooks.resume();
      sandbox.changed();
      res.send(200, {
        stopped: sandbox.webhooks.stopped,
        held: sandbox.webhooks.heldCount,
        released,
      });
    }),
  );
}
