/**
 * The sandbox's media: what the business uploads (POST /{phone-number-id}/media), what contacts
 * send, and pictures fetched from links. In memory: the sandbox forgets everything on restart,
 * as a developer tool may.
 *
 * Limits: Meta's "Supported media types" table as copied by BSPs
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
 */
import { createHash, randomInt } from 'node:crypto';
import { IMAGE_MAX_BYTES, sniffImageType } from '../whatsapp/media-rules.js';

export interface StoredMedia {
  /** Graph-style numeric id, e.g. "1003383421387256". */
  readonly id: string;
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly size: number;
  /**
   * Base64 SHA-256 of the bytes, as in inbound media webhooks
   * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/).
   */
  readonly sha256: string;
  /** Who put it here: the business (upload, link) or a contact's number. */
  readonly from: 'business' | { readonly contact: string };
  readonly filename?: string | undefined;
}

const MB = 1024 * 1024;

/** Largest accepted upload per MIME type. */
const UPLOAD_LIMITS: Readonly<Record<string, number>> = {
  'image/jpeg': IMAGE_MAX_BYTES,
  'image/png': IMAGE_MAX_BYTES,
  'image/webp': 500 * 1024, // stickers: 100 KB static, 500 KB animated
  'video/mp4': 16 * MB,
  'video/3gpp': 16 * MB,
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'text/plain': 100 * MB,
  'application/pdf': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
};

/** The largest upload of any type, so the HTTP layer can stop reading beyond it. */
export const MAX_UPLOAD_BYTES = 100 * MB;

/** Why WhatsApp would refuse this upload (131053), or undefined if it would accept it. */
export function uploadProblem(bytes: Uint8Array, mimeType: string): string | undefined {
  const limit = UPLOAD_LIMITS[mimeType];
  if (limit === undefined) {
    return `Param file must be a file with one of the following types: ${Object.keys(UPLOAD_LIMITS).join(', ')}. Received file of type '${mimeType}'.`;
  }
  if (bytes.length === 0) return 'The file is empty.';
  if (bytes.length > limit)
    return `File of type ${mimeType} is ${bytes.length} bytes; the limit is ${limit} bytes.`;
  if (
    mimeType.startsWith('image/') &&
    mimeType !== 'image/webp' &&
    sniffImageType(bytes) !== mimeType
  ) {
    return `The file is not a valid ${mimeType} image.`;
  }
  return undefined;
}

/** Which MIME types a contact's phone sends as each kind. */
const CONTACT_KINDS: Readonly<Record<string, (mimeType: string) => boolean>> = {
  audio: (m) => m.startsWith('audio/'),
  voice: (m) => m === 'audio/ogg' || m.startsWith('audio/'),
  video: (m) => m.startsWith('video/'),
  sticker: (m) => m === 'image/webp',
};

/**
 * Why a contact's phone could not send this as `kind`, or undefined. A phone sends any file as
 * a document (up to 100 MB); audio, video and stickers keep WhatsApp's types and limits.
 */
export function contactMediaProblem(
  kind: string,
  bytes: Uint8Array,
  mimeType: string,
): string | undefined {
  if (bytes.length === 0) return 'The file is empty.';
  if (kind === 'document') {
    return bytes.length > MAX_UPLOAD_BYTES
      ? `A document is at most ${MAX_UPLOAD_BYTES} bytes; this one is ${bytes.length}.`
      : undefined;
  }
  const fits = CONTACT_KINDS[kind];
  if (!fits?.(mimeType)) return `A ${kind} cannot be of type ${mimeType || 'unknown'}.`;
  return uploadProblem(bytes, mimeType);
}

export class MediaStore {
  readonly #media = new Map<string, StoredMedia>();
  readonly #downloads = new Map<string, number>();

  /** Counts a download of the media's bytes (the app fetching what a contact sent). */
  downloaded(id: string): void {
    this.#downloads.set(id, (this.#downloads.get(id) ?? 0) + 1);
  }

  /** How many times the media's bytes were downloaded. */
  downloads(id: string): number {
    return this.#downloads.get(id) ?? 0;
  }

  put(
    bytes: Uint8Array,
    mimeType: string,
    from: StoredMedia['from'],
    filename?: string,
  ): StoredMedia {
    let id: string;
    do id = `${randomInt(1e7, 1e8)}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
    while (this.#media.has(id));
    const buffer = Buffer.from(bytes);
    const stored: StoredMedia = {
      id,
      bytes: buffer,
      mimeType,
      size: buffer.length,
      sha256: createHash('sha256').update(buffer).digest('base64'),
      from,
      filename,
    };
    this.#media.set(id, stored);
    return stored;
  }

  get(id: string): StoredMedia | undefined {
    return this.#media.get(id);
  }

  delete(id: string): boolean {
    return this.#media.delete(id);
  }
}
