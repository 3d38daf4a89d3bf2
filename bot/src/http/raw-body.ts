import type { IncomingMessage } from 'node:http';
import { CodedError } from '../core/errors.js';

export class BodyTooLargeError extends CodedError {
  constructor(message: string) {
    super('request.body_too_large', message);
  }
}

/** The request's exact bytes (signatures are computed over these, not re-serialised JSON). */
export async function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(`request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
