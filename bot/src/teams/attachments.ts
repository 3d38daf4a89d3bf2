/**
 * Pictures a user pastes or attaches in their chat with the bot, on their way to WhatsApp.
 * Teams sends them as:
 * - an `image/*` attachment whose contentUrl is on the Bot Connector and needs the bot's
 *   token (a pasted or inline picture);
 *   https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4#receive-files-in-personal-chat
 * - `application/vnd.microsoft.teams.file.download.info`, whose content.downloadUrl is
 *   pre-authenticated (a file attached in personal chat).
 * Anything else (the text/html rendering Teams adds beside a picture) is not a picture.
 * WhatsApp takes JPEG and PNG up to 5 MB: anything else is refused with a reason the user reads.
 */
import type { Attachment } from 'botbuilder';
import { CodedError } from '../core/errors.js';
import { checkOutboundImage, IMAGE_MAX_BYTES } from '../whatsapp/media-rules.js';
import { MediaRejectedError } from '../whatsapp/errors.js';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export interface TeamsPicture {
  /** Where to download it. */
  readonly url: string;
  /** Whether the URL needs the bot's token (the Bot Connector's attachment store). */
  readonly needsToken: boolean;
  readonly declaredType: string;
  readonly name?: string | undefined;
}

export type PictureProblem = 'unsupported' | 'too_large' | 'download_failed';

/** A picture (or file) from Teams we cannot send: its code says which problem (app/errors.ts). */
export class PictureRefusedError extends CodedError {
  declare readonly code: `picture.${PictureProblem}`;
  constructor(
    readonly problem: PictureProblem,
    detail: string,
  ) {
    super(`picture.${problem}`, detail);
  }
}

interface DownloadInfo {
  readonly downloadUrl?: string;
  readonly fileType?: string;
}

/** File types Teams names for a picture; any other attached file is a document. */
const PICTURE_FILE_TYPES = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'heic', 'heif']);

/** A file (not a picture) attached in personal chat: sent to WhatsApp as a document. */
export interface TeamsFile {
  readonly url: string;
  readonly name: string;
}

/**
 * The pictures (and files meant as pictures) among an activity's attachments, and the other
 * files (documents: a PDF, an Office file) attached in personal chat.
 */
export function picturesIn(attachments: readonly Attachment[] | undefined): {
  pictures: TeamsPicture[];
  files: TeamsFile[];
  others: number;
} {
  const pictures: TeamsPicture[] = [];
  const files: TeamsFile[] = [];
  let others = 0;
  for (const a of attachments ?? []) {
    const type = (a.contentType ?? '').toLowerCase();
    if (type.startsWith('image/') && a.contentUrl) {
      pictures.push({
        url: a.contentUrl,
        needsToken: !a.contentUrl.startsWith('data:'),
        declaredType: type,
        name: a.name,
      });
    } else if (type === FILE_DOWNLOAD_INFO) {
      const info = (a.content ?? {}) as DownloadInfo;
      const fileType = (info.fileType ?? '').toLowerCase();
      if (info.downloadUrl && fileType && !PICTURE_FILE_TYPES.has(fileType))
        files.push({ url: info.downloadUrl, name: a.name ?? `document.${fileType}` });
      else if (info.downloadUrl)
        pictures.push({
          url: info.downloadUrl,
          needsToken: false,
          declaredType: `image/${info.fileType ?? 'unknown'}`,
          name: a.name,
        });
    } else if (type !== 'text/html' && !type.startsWith('application/vnd.microsoft.card')) {
      others++;
    }
  }
  return { pictures, files, others };
}

/**
 * A file's bytes from its pre-authenticated download URL, read up to `maxBytes` (one byte past
 * it is enough to know it is too large: the caller's rules then say so).
 */
export async function downloadFile(
  file: TeamsFile,
  maxBytes: number,
  o: Pick<DownloadOptions, 'fetch' | 'timeoutMs'> = {},
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await (o.fetch ?? globalThis.fetch)(file.url, {
      signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
    });
  } catch (error) {
    throw new PictureRefusedError(
      'download_failed',
      `file download failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok || !response.body)
    throw new PictureRefusedError('download_failed', `file download answered ${response.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    chunks.push(chunk);
    if (size > maxBytes) break;
  }
  return Buffer.concat(chunks);
}

export interface DownloadOptions {
  /** The bot's token, for Bot Connector URLs (none in local mode). */
  readonly token?: () => Promise<string | undefined>;
  /** Only these origins get the token: the turn's Bot Connector. */
  readonly trustedOrigins: readonly string[];
  readonly fetch?: typeof globalThis.fetch;
  readonly timeoutMs?: number;
}

/** The picture's bytes and real type, checked against WhatsApp's rules. */
export async function downloadPicture(
  picture: TeamsPicture,
  o: DownloadOptions,
): Promise<{ bytes: Uint8Array; mimeType: string }> {
  const bytes = picture.url.startsWith('data:')
    ? fromDataUri(picture.url)
    : await fetchBytes(picture, o);
  try {
    return { bytes, mimeType: checkOutboundImage(bytes, picture.declaredType) };
  } catch (error) {
    if (error instanceof MediaRejectedError) {
      throw new PictureRefusedError(
        error.rejection === 'too_large' ? 'too_large' : 'unsupported',
        error.message,
      );
    }
    throw error;
  }
}

async function fetchBytes(picture: TeamsPicture, o: DownloadOptions): Promise<Uint8Array> {
  const headers: Record<string, string> = {};
  if (picture.needsToken && o.token && o.trustedOrigins.includes(originOf(picture.url))) {
    const token = await o.token();
    if (token) headers.authorization = `Bearer ${token}`;
  }
  let response: Response;
  try {
    response = await (o.fetch ?? globalThis.fetch)(picture.url, {
      headers,
      signal: AbortSignal.timeout(o.timeoutMs ?? 20_000),
    });
  } catch (error) {
    throw new PictureRefusedError(
      'download_failed',
      `picture download failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok || !response.body)
    throw new PictureRefusedError(
      'download_failed',
      `picture download answered ${response.status}`,
    );
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > IMAGE_MAX_BYTES)
    throw new PictureRefusedError('too_large', `picture is ${declared} bytes`);
  // Read at most one byte past the limit: enough to know it is too large.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    chunks.push(chunk);
    if (size > IMAGE_MAX_BYTES)
      throw new PictureRefusedError('too_large', `picture is over ${IMAGE_MAX_BYTES} bytes`);
  }
  return Buffer.concat(chunks);
}

function fromDataUri(uri: string): Uint8Array {
  const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(uri);
  if (!match) throw new PictureRefusedError('unsupported', 'malformed data: URI');
  const data = match[2] as string;
  const bytes = match[1]
    ? Buffer.from(data, 'base64')
    : Buffer.from(decodeURIComponent(data), 'binary');
  if (bytes.length > IMAGE_MAX_BYTES)
    throw new PictureRefusedError('too_large', `picture is ${bytes.length} bytes`);
  return bytes;
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
