/**
 * What WhatsApp accepts as a picture: JPEG or PNG, at most 5 MB.
 * Meta's "Supported media types" table, as copied by BSPs (notes §4.6):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/
 */
import type { MediaKind } from '../core/types.js';
import { MediaRejectedError } from './errors.js';

export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

const MB = 1024 * 1024;

/**
 * The largest file of each kind WhatsApp carries (the same table): what a contact can send us,
 * and what a download stops reading beyond.
 */
export const MEDIA_MAX_BYTES: Readonly<Record<MediaKind, number>> = {
  image: IMAGE_MAX_BYTES,
  document: 100 * MB,
  audio: 16 * MB,
  voice: 16 * MB,
  video: 16 * MB,
  sticker: 500 * 1024,
};

export type ImageMimeType = 'image/jpeg' | 'image/png';
export const IMAGE_MIME_TYPES: readonly ImageMimeType[] = ['image/jpeg', 'image/png'];

/** The type the bytes really are, by their magic numbers (a ".png" may be anything). */
export function sniffImageType(bytes: Uint8Array): ImageMimeType | undefined {
  // JPEG: FF D8 FF (JFIF/Exif SOI marker).
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  // PNG: 89 50 4E 47 0D 0A 1A 0A (PNG spec, section 5.2).
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= png.length && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** The MIME type without parameters, lower-case: "Image/JPEG; q=1" → "image/jpeg". */
export function baseMimeType(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Checks a picture we are about to send and returns its real type (which is what we declare
 * to WhatsApp, whatever the attachment claimed); throws MediaRejectedError when WhatsApp would
 * refuse it (131053), so the user learns why before anything is uploaded.
 */
export function checkOutboundImage(bytes: Uint8Array, declaredMimeType: string): ImageMimeType {
  if (bytes.length > IMAGE_MAX_BYTES) {
    throw new MediaRejectedError(
      'too_large',
      `picture is ${bytes.length} bytes; WhatsApp accepts at most ${IMAGE_MAX_BYTES}`,
    );
  }
  const sniffed = sniffImageType(bytes);
  if (!sniffed) {
    const declared = baseMimeType(declaredMimeType) || 'no type';
    throw new MediaRejectedError(
      'unsupported_type',
      `picture (declared ${declared}) is not JPEG or PNG, the only pictures WhatsApp accepts`,
    );
  }
  return sniffed;
}
