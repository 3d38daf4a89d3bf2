/**
 * Media bytes in GridFS: one file per picture, with its type, caption and sha256 as metadata.
 * Ids are GridFS ObjectIds, given out as hex strings.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, ObjectId, type Db } from 'mongodb';
import type { MediaRef } from '../../core/types.js';

interface MediaMetadata {
  mimeType: string;
  sha256: string;
  caption?: string;
}

export class MediaBucket {
  private readonly bucket: GridFSBucket;

  constructor(db: Db, bucketName = 'media') {
    this.bucket = new GridFSBucket(db, { bucketName });
  }

  async put(bytes: Uint8Array, mimeType: string, caption?: string): Promise<MediaRef> {
    const id = new ObjectId();
    const metadata: MediaMetadata = {
      mimeType,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(caption !== undefined ? { caption } : {}),
    };
    const upload = this.bucket.openUploadStreamWithId(id, id.toHexString(), { metadata });
    await pipeline(Readable.from([Buffer.from(bytes)]), upload);
    return { id: id.toHexString(), size: bytes.byteLength, ...metadata };
  }

  async get(id: string): Promise<{ ref: MediaRef; bytes: Uint8Array } | undefined> {
    if (!ObjectId.isValid(id) || id.length !== 24) return undefined;
    const objectId = new ObjectId(id);
    const file = await this.bucket.find({ _id: objectId }).next();
    if (!file) return undefined;
    const metadata = file.metadata as MediaMetadata | undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(objectId))
      chunks.push(chunk as Buffer);
    const ref: MediaRef = {
      id,
      mimeType: metadata?.mimeType ?? 'application/octet-stream',
      size: file.length,
      ...(metadata?.sha256 !== undefined ? { sha256: metadata.sha256 } : {}),
      ...(metadata?.caption !== undefined ? { caption: metadata.caption } : {}),
    };
    return { ref, bytes: new Uint8Array(Buffer.concat(chunks)) };
  }
}
