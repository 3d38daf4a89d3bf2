/**
 * Request bodies for the sandbox's routes, read here rather than by a server-wide body parser:
 * the routes need the raw bytes (multipart uploads, exact JSON) and their own size limits.
 * Multipart is parsed by the platform's own `Response.formData()` (undici), no extra library.
 */
import type { Request } from 'restify';
import { BodyTooLargeError, readRawBody } from '../http/raw-body.js';

export { BodyTooLargeError };

/** The raw body, refusing more than `limit` bytes. */
export async function readBody(req: Request, limit: number): Promise<Buffer> {
  // A server-wide bodyParser may have read the stream already: use what it kept.
  const kept = (req as { rawBody?: unknown }).rawBody ?? (req.readableEnded ? req.body : undefined);
  if (Buffer.isBuffer(kept)) return kept;
  if (typeof kept === 'string') return Buffer.from(kept);
  return readRawBody(req, limit);
}

/** The JSON body, or undefined when it is not JSON. */
export async function readJson(req: Request, limit = 1024 * 1024): Promise<unknown> {
  const raw = await readBody(req, limit);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A multipart/form-data body, or undefined when it is not one. */
export async function readForm(req: Request, limit: number): Promise<FormData | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) return undefined;
  const raw = await readBody(req, limit);
  try {
    return await new Response(raw, { headers: { 'content-type': type } }).formData();
  } catch {
    return undefined;
  }
}

/** The uploaded file of a form field, with its bytes. */
export async function formFile(
  form: FormData,
  field: string,
): Promise<{ bytes: Buffer; type: string; name: string } | undefined> {
  const value = form.get(field);
  if (value === null || typeof value === 'string') return undefined;
  return { bytes: Buffer.from(await value.arrayBuffer()), type: value.type, name: value.name };
}
