/**
 * Pictures in cards. The Teams client fetches a card's images itself, without our auth, so a
 * picture is served at GET /api/media/:id?exp=…&sig=…: an HMAC-SHA256 over the id and the
 * expiry with a server secret every instance shares. The URL is unguessable and stops
 * working after MEDIA_URL_LIFETIME; cards re-rendered later (receipts) get a fresh one.
 *
 * Why not inline data: URIs: Teams refuses cards over about 28 KB, and a phone picture is
 * hundreds of KB; shrinking it would need an image library for little gain.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type restify from 'restify';
import type { Clock } from '../app/clock.js';
import type { RouteModule } from '../http/server.js';
import type { SystemRecords } from '../app/system-records.js';
import type { MediaRef } from '../core/types.js';
import { sniffImageType } from '../whatsapp/media-rules.js';

export const MEDIA_PATH = '/api/media';
/** Long enough to scroll back through a week of chat; short enough that a leaked link dies. */
export const MEDIA_URL_LIFETIME = 7 * 24 * 3_600_000;

export class MediaUrls {
  constructor(
    private readonly options: {
      readonly publicUrl: string;
      readonly secret: Buffer;
      readonly clock: Clock;
      readonly lifetimeMs?: number;
    },
  ) {}

  /** A URL the Teams client can fetch the picture from until it expires. */
  urlFor(mediaId: string): string {
    const exp = Math.floor(
      (this.options.clock.now() + (this.options.lifetimeMs ?? MEDIA_URL_LIFETIME)) / 1000,
    );
    return `${this.options.publicUrl}${MEDIA_PATH}/${encodeURIComponent(mediaId)}?exp=${exp}&sig=${this.sign(mediaId, exp)}`;
  }

  /** Whether a URL's signature is ours and not expired. */
  verify(mediaId: string, exp: string | undefined, sig: string | undefined): boolean {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < this.options.clock.now()) return false;
    const expected = Buffer.from(this.sign(mediaId, Number(exp)));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(mediaId: string, exp: number): string {
    return createHmac('sha256', this.options.secret)
      .update(`${mediaId}\n${exp}`)
      .digest('base64url');
  }
}

/**
 * The signing key, derived from a secret the deployment already has and shares across
 * instances (the bot's password, else the WhatsApp app secret), so no new setting is needed.
 */
export function mediaUrlSecret(secret: string): Buffer {
  return createHmac('sha256', secret).update('wa4t media urls v1').digest();
}

/** JPEG, PNG, or WebP (a sticker: "RIFF" size "WEBP"), by the bytes' magic numbers. */
function pictureType(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return sniffImageType(bytes);
}

/**
 * ops (issue 12, hardening): the type we serve. A picture is the type its bytes are; a type
 * a browser would run or render as a page (HTML, SVG, XML, scripts) is never served as such,
 * whatever Graph reported: it goes as application/octet-stream.
 */
function servedType(ref: Pick<MediaRef, 'mimeType'>, bytes: Uint8Array): string {
  const sniffed = pictureType(bytes);
  if (sniffed) return sniffed;
  const type = (ref.mimeType.split(';')[0] ?? '').trim().toLowerCase();
  const active =
    !/^[a-z]+\/[a-z0-9.+-]+$/.test(type) ||
    /^text\//.test(type) ||
    /(^|\+|\/)(xml|html|xhtml\+xml|javascript|ecmascript|svg\+xml)$/.test(type);
  return active || type.startsWith('image/') ? 'application/octet-stream' : type;
}

export function mediaRoute(o: {
  readonly urls: MediaUrls;
  readonly records: Pick<SystemRecords, 'media'>;
  readonly logger: Logger;
}): RouteModule {
  return {
    register(server: restify.Server) {
      server.get(`${MEDIA_PATH}/:id`, async (req, res) => {
        const id = String(req.params.id ?? '');
        const query = req.query as Record<string, string | undefined>;
        if (!o.urls.verify(id, query.exp, query.sig)) {
          res.send(403, { error: 'this picture link is not valid or has expired' });
          return;
        }
        const media = await o.records.media(id);
        if (!media) {
          res.send(404, { error: 'no such picture' });
          return;
        }
        res.writeHead(200, {
          'content-type': servedType(media.ref, media.bytes),
          'content-length': String(media.bytes.byteLength),
          'cache-control': 'private, max-age=86400',
          'x-content-type-options': 'nosniff',
          // media: pictures show in cards; any other file (a contact's document, audio, video)
          // is a download under its own name, never rendered on our origin.
          'content-disposition': dispositionOf(media.ref, media.bytes),
          'content-security-policy': "default-src 'none'; sandbox",
        });
        res.end(Buffer.from(media.bytes));
        o.logger.debug({ mediaId: id }, 'picture served to Teams');
      });
    },
  };
}

/** Pictures the Teams client shows inline; everything else is downloaded. */
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** `inline`, or `attachment` with the file name (RFC 6266, RFC 5987 for non-ASCII names). */
export function dispositionOf(
  ref: Pick<MediaRef, 'mimeType' | 'filename'>,
  bytes?: Uint8Array,
): string {
  if (INLINE_TYPES.has(ref.mimeType) && !ref.filename && (!bytes || pictureType(bytes)))
    return 'inline';
  const name = ref.filename?.trim();
  if (!name) return 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
