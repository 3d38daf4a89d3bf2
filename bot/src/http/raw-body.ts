import type { IncomingMessage } from 'node:http';
import { CodedError } from '../core/errors.js';

export class BodyTooLargeError extends CodedError {
  constructor(readonly limit: number) {
    super('request.body_too_large', `request body is over ${limit} bytes`);
  }
}

/**
 * The request's exact bytes (signatures are computed over these, not re-serialised JSON),
 * refusing more than `maxBytes`: at once when Content-Length says so, else while reading.
 * The one raw-body reader: the product's routes and the sandbox's both use it.
 */
export async function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
