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
import type { Store } from '../store/port.js';
import { sniffImageType } from '../whatsapp/media-rules.js';

export const MEDIA_PATH = '/api/media';
/** Long enough to scroll back through a week of chat; short enough that a leaked link dies. */
export const MEDIA_URL_LIFETIME = 7 * 24 * 3_600_000;

export class MediaUrls {
  constructor(
    private readonly o: {
      readonly publicUrl: string;
      readonly secret: Buffer;
      readonly clock: Clock;
      readonly lifetimeMs?: number;
    },
  ) {}

  /** A URL the Teams client can fetch the picture from until it expires. */
  urlFor(mediaId: string): string {
    const exp = Math.floor((this.o.clock.now() + (this.o.lifetimeMs ?? MEDIA_URL_LIFETIME)) / 1000);
    return `${this.o.publicUrl}${MEDIA_PATH}/${encodeURIComponent(mediaId)}?exp=${exp}&sig=${this.sign(mediaId, exp)}`;
  }

  /** Whether a URL's signature is ours and not expired. */
  verify(mediaId: string, exp: string | undefined, sig: string | undefined): boolean {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < this.o.clock.now()) return false;
    const expected = Buffer.from(this.sign(mediaId, Number(exp)));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(mediaId: string, exp: number): string {
    return createHmac('sha256', this.o.secret).update(`${mediaId}\n${exp}`).digest('base64url');
  }
}

/**
 * The signing key, derived from a secret the deployment already has and shares across
 * instances (the bot's password, else the WhatsApp app secret), so no new setting is needed.
 */
export function mediaUrlSecret(secret: string): Buffer {
  return createHmac('sha256', secret).update('wa4t media urls v1').digest();
}

function safeFileName(id: string, type: string | undefined): string {
  const base = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'media';
  return type === 'image/png'
    ? `${base}.png`
    : type === 'image/jpeg'
      ? `${base}.jpg`
      : `${base}.bin`;
}

export function mediaRoute(o: {
  readonly urls: MediaUrls;
  readonly store: Store;
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
        const media = await o.store.getMedia(id);
        if (!media) {
          res.send(404, { error: 'no such picture' });
          return;
        }
        // ops (issue 12, hardening): never the type Graph reported (text/html included) but a
        // picture type the bytes really are; anything else is a download, and nothing runs.
        const sniffed = sniffImageType(media.bytes);
        const type = sniffed ?? 'application/octet-stream';
        const disposition = sniffed ? 'inline' : 'attachment';
        res.writeHead(200, {
          'content-type': type,
          'content-length': String(media.bytes.byteLength),
          'content-disposition': `${disposition}; filename="${safeFileName(id, sniffed)}"`,
          'content-security-policy': "default-src 'none'; sandbox",
          'cache-control': 'private, max-age=86400',
          'x-content-type-options': 'nosniff',
        });
        res.end(Buffer.from(media.bytes));
        o.logger.debug({ mediaId: id }, 'picture served to Teams');
      });
    },
  };
}
