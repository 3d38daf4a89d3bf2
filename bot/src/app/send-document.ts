/**
 * A user sends a document (PDF, Office or text file, up to WhatsApp's 100 MB) to a contact:
 * the one use case every surface calls (the bot chat's attachments, the tab). The file is
 * checked against WhatsApp's rules before anything is kept or sent, so the user learns at once
 * what was wrong; then it is kept (under its name) and written to the thread like any message,
 * subject to the same consent, window and queue.
 */
import { CodedError } from '../core/errors.js';
import type { NoticeKey } from '../core/notice-keys.js';
import type { MediaRef, Outcome, ThreadId, UserId } from '../core/types.js';
import type { Store } from '../store/port.js';
import { MediaRejectedError } from '../whatsapp/errors.js';
import {
  checkOutboundDocument,
  DOCUMENT_EXTENSIONS,
  DOCUMENT_MAX_BYTES,
} from '../whatsapp/media-rules.js';
import type { Conversations } from './conversations.js';
import { noticeKeyOf } from './errors.js';

export interface DocumentToSend {
  readonly bytes: Uint8Array;
  /** The name the contact's phone shows; its extension says what kind of file it is. */
  readonly filename: string;
  /** Words that go with it. */
  readonly caption?: string | undefined;
}

export type DocumentProblem = 'too_large' | 'unsupported';

/** WhatsApp would refuse this document: the notice key says why and what to do. */
export class DocumentRefusedError extends CodedError {
  constructor(
    readonly problem: DocumentProblem,
    detail: string,
  ) {
    super(`document.${problem}`, detail);
  }

  /** The catalogue key of the sentence the user reads (the one mapping, app/errors.ts). */
  get noticeKey(): NoticeKey {
    return noticeKeyOf(this);
  }

  /** Its parameters: WhatsApp's limit and the kinds it takes. */
  get params(): Readonly<Record<string, string>> {
    return {
      limit: `${Math.round(DOCUMENT_MAX_BYTES / (1024 * 1024))} MB`,
      extensions: DOCUMENT_EXTENSIONS.map((e) => `.${e}`).join(', '),
    };
  }
}

/** What compose takes for a checked, kept document. */
export interface PreparedDocument {
  readonly body?: string;
  readonly media: MediaRef;
  readonly mediaKind: 'document';
}

/** Check a document against WhatsApp's rules and keep it; throws DocumentRefusedError. */
export async function prepareDocument(
  store: Pick<Store, 'putMedia'>,
  document: DocumentToSend,
): Promise<PreparedDocument> {
  const filename = document.filename.trim().replace(/[/\\]/g, '_');
  let mimeType: string;
  try {
    mimeType = checkOutboundDocument(document.bytes, filename);
  } catch (error) {
    if (error instanceof MediaRejectedError)
      throw new DocumentRefusedError(
        error.rejection === 'too_large' ? 'too_large' : 'unsupported',
        error.message,
      );
    throw error;
  }
  const caption = document.caption?.trim() || undefined;
  const media = await store.putMedia(document.bytes, mimeType, undefined, { filename });
  return { ...(caption ? { body: caption } : {}), media, mediaKind: 'document' };
}

/** The whole use case: check, keep, and write it to the thread. */
export async function sendDocument(
  deps: { readonly store: Pick<Store, 'putMedia'>; readonly conversations: Conversations },
  by: UserId,
  threadId: ThreadId,
  document: DocumentToSend,
): Promise<Outcome> {
  const prepared = await prepareDocument(deps.store, document);
  return deps.conversations.compose(by, threadId, prepared);
}
