/**
 * What WhatsApp accepts as a picture: JPEG or PNG, at most 5 MB.
 * Meta's "Supported media types" table, as copied by BSPs
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/):
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

/**
 * The documents WhatsApp accepts (the same table): text, PDF and Office files, up to 100 MB.
 * By file name, since Teams' declared types are often generic; the bytes must then look like
 * that kind of file (PDF's header, Office's OLE or ZIP container), or WhatsApp refuses it
 * (131053) after the user was told it was sent.
 */
const DOCUMENT_TYPES: Readonly<Record<string, { mimeType: string; magic?: readonly number[] }>> = {
  pdf: { mimeType: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46] }, // %PDF
  txt: { mimeType: 'text/plain' },
  doc: { mimeType: 'application/msword', magic: [0xd0, 0xcf, 0x11, 0xe0] },
  xls: { mimeType: 'application/vnd.ms-excel', magic: [0xd0, 0xcf, 0x11, 0xe0] },
  ppt: { mimeType: 'application/vnd.ms-powerpoint', magic: [0xd0, 0xcf, 0x11, 0xe0] },
  docx: {
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
  xlsx: {
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
  pptx: {
    mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
};

export const DOCUMENT_MAX_BYTES = MEDIA_MAX_BYTES.document;

/** The file name extensions of the documents WhatsApp accepts, for users to read. */
export const DOCUMENT_EXTENSIONS: readonly string[] = Object.keys(DOCUMENT_TYPES);

/** A file name's extension, lower-case, without the dot ("Q1 Report.PDF" → "pdf"). */
export function extensionOf(filename: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(filename.trim());
  return match ? (match[1] as string).toLowerCase() : '';
}

/**
 * Checks a document a user is about to send and returns the type to declare to WhatsApp;
 * throws MediaRejectedError (too large, empty, or not a kind WhatsApp takes) so the user learns
 * why before anything is uploaded.
 */
export function checkOutboundDocument(bytes: Uint8Array, filename: string): string {
  if (bytes.length > DOCUMENT_MAX_BYTES) {
    throw new MediaRejectedError(
      'too_large',
      `document is ${bytes.length} bytes; WhatsApp accepts at most ${DOCUMENT_MAX_BYTES}`,
    );
  }
  const extension = extensionOf(filename);
  const known = DOCUMENT_TYPES[extension];
  if (!known || bytes.length === 0) {
    throw new MediaRejectedError(
      'unsupported_type',
      `document "${extension || 'no extension'}" is not one WhatsApp accepts (${DOCUMENT_EXTENSIONS.join(', ')})`,
    );
  }
  if (known.magic && !known.magic.every((b, i) => bytes[i] === b)) {
    throw new MediaRejectedError(
      'unsupported_type',
      `the file named .${extension} is not a ${extension.toUpperCase()} file`,
    );
  }
  return known.mimeType;
}
