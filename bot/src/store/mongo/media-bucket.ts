/**
 * Media bytes in GridFS: one file per media, with its type, caption, file name and sha256 as
 * metadata. Ids are GridFS ObjectIds, given out as hex strings.
 *
 * Media once: media that came with a WhatsApp message carries its id (`metadata.waMessageId`,
 * a unique index), so a message taken in twice, even by two instances at once, keeps one file:
 * GridFS writes the chunks, then the file document; the loser's file document is refused by the
 * index, and it removes its chunks and returns the winner's media.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, MongoServerError, ObjectId, type Db, type GridFSFile } from 'mongodb';
import type { MediaRef } from '../../core/types.js';
import type { PutMediaOptions } from '../port.js';

interface MediaMetadata {
  mimeType: string;
  sha256: string;
  caption?: string;
  filename?: string;
  waMessageId?: string;
}

export class MediaBucket {
  private readonly bucket: GridFSBucket;
  private readonly db: Db;
  private readonly bucketName: string;

  constructor(db: Db, bucketName = 'media') {
    this.bucket = new GridFSBucket(db, { bucketName });
    this.db = db;
    this.bucketName = bucketName;
  }

  // The unique index on metadata.waMessageId is index migration 3 (index-migrations.ts).

  private async byKey(key: string): Promise<MediaRef | undefined> {
    // The `$type` clause lets the planner use the partial unique index (as for messages).
    const file = await this.bucket
      .find({ 'metadata.waMessageId': { $eq: key, $type: 'string' } })
      .limit(1)
      .next();
    return file ? refOf(file) : undefined;
  }

  async put(
    bytes: Uint8Array,
    mimeType: string,
    caption?: string,
    options: PutMediaOptions = {},
  ): Promise<MediaRef> {
    const key = options.key;
    if (key !== undefined) {
      const kept = await this.byKey(key);
      if (kept) return kept;
    }
    const id = new ObjectId();
    const metadata: MediaMetadata = {
      mimeType,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(caption !== undefined ? { caption } : {}),
      ...(options.filename !== undefined ? { filename: options.filename } : {}),
      ...(key !== undefined ? { waMessageId: key } : {}),
    };
    const upload = this.bucket.openUploadStreamWithId(id, id.toHexString(), { metadata });
    try {
      await pipeline(Readable.from([Buffer.from(bytes)]), upload);
    } catch (error) {
      // No half file left behind: the chunks written so far go with it.
      await this.db
        .collection(`${this.bucketName}.chunks`)
        .deleteMany({ files_id: id })
        .catch(() => undefined);
      if (key !== undefined && error instanceof MongoServerError && error.code === 11000) {
        const kept = await this.byKey(key);
        if (kept) return kept;
      }
      throw error;
    }
    const { waMessageId: _key, ...shown } = metadata;
    return { id: id.toHexString(), size: bytes.byteLength, ...shown };
  }

  async get(id: string): Promise<{ ref: MediaRef; bytes: Uint8Array } | undefined> {
    if (!ObjectId.isValid(id) || id.length !== 24) return undefined;
    const objectId = new ObjectId(id);
    const file = await this.bucket.find({ _id: objectId }).next();
    if (!file) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(objectId))
      chunks.push(chunk as Buffer);
    return { ref: refOf(file), bytes: new Uint8Array(Buffer.concat(chunks)) };
  }
}

function refOf(file: GridFSFile): MediaRef {
  const metadata = file.metadata as MediaMetadata | undefined;
  return {
    id: file._id.toHexString(),
    mimeType: metadata?.mimeType ?? 'application/octet-stream',
    size: file.length,
    ...(metadata?.sha256 !== undefined ? { sha256: metadata.sha256 } : {}),
    ...(metadata?.caption !== undefined ? { caption: metadata.caption } : {}),
    ...(metadata?.filename !== undefined ? { filename: metadata.filename } : {}),
  };
}
