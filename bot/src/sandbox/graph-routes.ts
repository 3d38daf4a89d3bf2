/**
 * The Cloud API endpoints the app's client uses, under /sandbox/graph/:version, answering as
 * Graph does (Meta's OpenAPI, business-messaging-api_v23.0.yaml):
 * - POST /{Version}/{Phone-Number-ID}/messages (sendMessage) → MessageResponsePayload
 * - POST /{Version}/{Phone-Number-ID}/media (uploadImage, multipart/form-data) → { id }
 * - GET /{Version}/{Media-ID} (retrieveMediaUrl) → { url, mime_type, sha256, file_size, id, … }
 * - DELETE /{Version}/{Media-ID} (deleteMedia) → { success: true }
 * - GET <url> with the same Bearer token → the bytes
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/)
 * Every call needs `Authorization: Bearer <access token>` (else 401, code 190).
 */
import type { Request, Response, Server } from 'restify';
import {
  GraphError,
  invalidParameter,
  invalidToken,
  mediaUploadError,
  missingParameter,
  unknownObject,
} from './error-codes.js';
import { BodyTooLargeError, formFile, readForm, readJson } from './http-body.js';
import { MAX_UPLOAD_BYTES, uploadProblem } from './media-store.js';
import type { SandboxLogger } from './sandbox-logger.js';
import { parseSendRequest } from './send-request.js';
import type { WhatsAppSandbox } from './whatsapp-sandbox.js';

export const GRAPH_BASE_PATH = '/sandbox/graph';
export const MEDIA_DOWNLOAD_PATH = '/sandbox/media-download';

export interface GraphRoutesOptions {
  readonly sandbox: WhatsAppSandbox;
  readonly accessToken: string;
  readonly logger: SandboxLogger;
}

type Handler = (req: Request, res: Response) => Promise<void>;

export function registerGraphRoutes(server: Server, options: GraphRoutesOptions): void {
  const { sandbox, accessToken, logger } = options;
  const business = sandbox.business;

  /** Checks the token and the version, answers Graph's envelope for any GraphError. */
  const graph =
    (handler: Handler): Handler =>
    async (req, res) => {
      try {
        authorise(req, accessToken);
        const version = req.params.version as string | undefined;
        if (version !== undefined && !/^v\d+\.\d+$/.test(version)) {
          throw new GraphError(400, 2635, `Unknown version: ${version}`, undefined, {
            type: 'OAuthException',
          });
        }
        await handler(req, res);
      } catch (error) {
        const graphError = asGraphError(error);
        if (graphError.httpStatus >= 500)
          logger.warn({ err: error, path: req.path() }, 'sandbox graph route failed');
        const body = graphError.body();
        res.header('x-fb-trace-id', body.error.fbtrace_id);
        if (graphError.code === 190) {
          res.header(
            'www-authenticate',
            `OAuth "Facebook Platform" "invalid_token" "${graphError.message}"`,
          );
        }
        res.send(graphError.httpStatus, body);
      }
    };

  const ownNumber = (req: Request): void => {
    const id = req.params.phoneNumberId as string;
    if (id !== business.phoneNumberId) throw unknownObject(id, 'post');
  };

  server.post(
    `${GRAPH_BASE_PATH}/:version/:phoneNumberId/messages`,
    graph(async (req, res) => {
      ownNumber(req);
      const json = await readJson(req);
      if (json === undefined) throw invalidParameter('The request body is not valid JSON.');
      const parsed = parseSendRequest(json);
      if ('error' in parsed) throw parsed.error;
      if ('markRead' in parsed) {
        const refused = sandbox.markRead(parsed.markRead);
        if (refused) throw refused;
        res.send(200, { success: true });
        return;
      }
      const accepted = sandbox.send(parsed.request);
      if (accepted instanceof GraphError) throw accepted;
      res.send(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: parsed.request.to, wa_id: accepted.waId }],
        messages: [{ id: accepted.wamid, message_status: 'accepted' }],
      });
    }),
  );

  server.post(
    `${GRAPH_BASE_PATH}/:version/:phoneNumberId/media`,
    graph(async (req, res) => {
      ownNumber(req);
      // Room for multipart framing around the largest file.
      const form = await readForm(req, MAX_UPLOAD_BYTES + 64 * 1024);
      if (!form)
        throw invalidParameter(
          'Upload media as multipart/form-data with file, type and messaging_product.',
        );
      if (form.get('messaging_product') !== 'whatsapp') {
        throw missingParameter(
          'The parameter messaging_product is required and must be "whatsapp".',
        );
      }
      const file = await formFile(form, 'file');
      if (!file) throw missingParameter('The parameter file is required.');
      const declared = form.get('type');
      const mimeType =
        (typeof declared === 'string' && declared ? declared : file.type)
          .split(';')[0]
          ?.trim()
          .toLowerCase() ?? '';
      const problem = uploadProblem(file.bytes, mimeType);
      if (problem) throw mediaUploadError(problem);
      const stored = sandbox.media.put(file.bytes, mimeType, 'business', file.name);
      logger.debug({ mediaId: stored.id, size: stored.size }, 'sandbox stored uploaded media');
      res.send(200, { id: stored.id });
    }),
  );

  server.get(
    `${GRAPH_BASE_PATH}/:version/:mediaId`,
    graph(async (req, res) => {
      const id = req.params.mediaId as string;
      const stored = sandbox.media.get(id);
      // ?phone_number_id= checks the media belongs to that number (OpenAPI retrieveMediaUrl).
      const owner = new URL(req.url ?? '/', 'http://sandbox').searchParams.get('phone_number_id');
      if (!stored || (owner !== null && owner !== business.phoneNumberId))
        throw unknownObject(id, 'get');
      res.send(200, {
        messaging_product: 'whatsapp',
        url: `${origin(req)}${MEDIA_DOWNLOAD_PATH}/${stored.id}`,
        mime_type: stored.mimeType,
        sha256: stored.sha256,
        // A string of digits in the spec's example (retrieveMediaUrl).
        file_size: String(stored.size),
        id: stored.id,
      });
    }),
  );

  server.del(
    `${GRAPH_BASE_PATH}/:version/:mediaId`,
    graph(async (req, res) => {
      const id = req.params.mediaId as string;
      if (!sandbox.media.delete(id)) throw unknownObject(id, 'delete');
      res.send(200, { success: true });
    }),
  );

  server.get(
    `${MEDIA_DOWNLOAD_PATH}/:mediaId`,
    graph(async (req, res) => {
      const stored = sandbox.media.get(req.params.mediaId as string);
      if (!stored) throw new GraphError(404, 100, 'Media not found');
      sandbox.media.downloaded(stored.id);
      res.sendRaw(200, stored.bytes, {
        'content-type': stored.mimeType,
        'content-length': String(stored.size),
        'cache-control': 'no-store',
      });
    }),
  );
}

/** The bearer token must be exactly the sandbox's access token. */
function authorise(req: Request, accessToken: string): void {
  const header = req.headers.authorization;
  if (!header) throw invalidToken(true);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || match[1] !== accessToken) throw invalidToken(false);
}

/** Where the client reached us (127.0.0.1:PORT): the media URL must be on the same origin. */
function origin(req: Request): string {
  const host = req.headers.host ?? '127.0.0.1';
  return `http://${host}`;
}

function asGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof BodyTooLargeError)
    return mediaUploadError(`The request is over ${error.limit} bytes.`);
  // Graph's generic "API Unknown" / "Something went wrong".
  return new GraphError(500, 1, 'An unknown error has occurred.', undefined, { isTransient: true });
}
