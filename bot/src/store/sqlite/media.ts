/**
 * Media once (SQLite): media is kept by the WhatsApp message that carried it, so a message
 * delivered again, or taken in by two processes at once, leaves one copy. The bytes are
 * written first (MediaBytes: a temporary name, renamed, never left behind), then the row;
 * the unique index on `wa_message_id` decides a race, and the loser removes its bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { MediaRef } from '../../core/types.js';
import type { PutMediaOptions } from '../port.js';
import type { MediaBytes } from './media-bytes.js';
import type { Sql } from './sql.js';

export interface MediaRowV9 {
  readonly id: string;
  readonly mime_type: string;
  readonly size: number;
  readonly sha256: string;
  readonly caption: string | null;
  readonly filename: string | null;
}

export function mediaRefOf(row: MediaRowV9): MediaRef {
  return {
    id: row.id,
    mimeType: row.mime_type,
    size: row.size,
    sha256: row.sha256,
    ...(row.caption !== null ? { caption: row.caption } : {}),
    ...(row.filename !== null ? { filename: row.filename } : {}),
  };
}

function byKey(sql: Sql, key: string): MediaRef | undefined {
  const row = sql.get<MediaRowV9>('SELECT * FROM media WHERE wa_message_id = ?', key);
  return row && mediaRefOf(row);
}

export async function putMediaOnce(
  sql: Sql,
  files: MediaBytes,
  bytes: Uint8Array,
  mimeType: string,
  caption: string | undefined,
  options: PutMediaOptions = {},
  /** How the row is committed: the store's group commit (issue 11 item 6). */
  commit: <T>(work: () => T) => Promise<T> = async (work) => work(),
): Promise<MediaRef> {
  const key = options.key;
  if (key !== undefined) {
    const kept = byKey(sql, key);
    if (kept) return kept;
  }
  const ref: MediaRef = {
    id: randomUUID(),
    mimeType,
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...(caption !== undefined ? { caption } : {}),
    ...(options.filename !== undefined ? { filename: options.filename } : {}),
  };
  await files.write(ref.id, bytes);
  try {
    const inserted = await commit(() =>
      sql.run(
        `INSERT INTO media (id, mime_type, size, sha256, caption, filename, wa_message_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wa_message_id) WHERE wa_message_id IS NOT NULL DO NOTHING`,
        ref.id,
        ref.mimeType,
        ref.size,
        ref.sha256,
        caption ?? null,
        options.filename ?? null,
        key ?? null,
        Date.now(),
      ),
    );
    if (inserted.changes === 0 && key !== undefined) {
      // Another writer kept this message's media first: theirs stands, ours goes.
      await files.remove(ref.id);
      const kept = byKey(sql, key);
      if (kept) return kept;
      throw new Error(`media for ${key} was kept and is gone again`);
    }
  } catch (error) {
    await files.remove(ref.id);
    throw error;
  }
  return ref;
}

export async function getMediaV9(
  sql: Sql,
  files: MediaBytes,
  id: string,
): Promise<{ ref: MediaRef; bytes: Uint8Array } | undefined> {
  const row = sql.get<MediaRowV9>('SELECT * FROM media WHERE id = ?', id);
  if (!row) return undefined;
  const bytes = await files.read(row.id);
  if (!bytes) return undefined;
  return { ref: mediaRefOf(row), bytes };
}
