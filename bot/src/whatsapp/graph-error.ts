/**
 * Reading Graph's answer to a failed call: its error envelope, or the lack of one.
 */
import { z } from 'zod';
import { WhatsAppApiError, WhatsAppUnavailableError } from './errors.js';

/**
 * Graph's error envelope.
 * OpenAPI: components/schemas/GraphAPIError;
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes.
 */
const graphErrorEnvelope = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    error_data: z
      .object({ details: z.string().optional(), messaging_product: z.string().optional() })
      .partial()
      .optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

/**
 * The `x-business-use-case-usage` header: JSON keyed by business id, each a list of usages with
 * `estimated_time_to_regain_access` in minutes (OpenAPI components/headers).
 */
const businessUseCaseUsage = z.record(
  z.string(),
  z.array(z.object({ estimated_time_to_regain_access: z.number().optional() }).loose()),
);

/** How long Graph says to stay away, if it says so: the longest wait of any usage, in ms. */
export function regainAccessAfterMs(headers: Headers): number | undefined {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = businessUseCaseUsage.safeParse(json);
  if (!parsed.success) return undefined;
  const minutes = Object.values(parsed.data)
    .flat()
    .map((u) => u.estimated_time_to_regain_access ?? 0);
  const longest = Math.max(0, ...minutes);
  return longest > 0 ? longest * 60_000 : undefined;
}

/** Graph's generic "API Unknown" code, for an error answer that carries no envelope. */
export const UNKNOWN_GRAPH_CODE = 1;

/**
 * The error for a non-2xx answer. An envelope becomes a WhatsAppApiError with its code; a bare
 * 5xx or 429 (a proxy page, an overloaded edge) is transient; any other bare status is code 1.
 * `secret` (the access token) is scrubbed from every text we keep, in case Graph echoes it.
 */
export function errorFromResponse(
  status: number,
  headers: Headers,
  bodyText: string,
  secret: string,
  maybeDelivered: boolean,
): WhatsAppApiError | WhatsAppUnavailableError {
  const scrub = (text: string): string => (secret ? text.split(secret).join('[redacted]') : text);
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  const envelope = graphErrorEnvelope.safeParse(json);
  if (envelope.success) {
    const e = envelope.data.error;
    return new WhatsAppApiError({
      httpStatus: status,
      graphCode: e.code,
      subcode: e.error_subcode,
      title: scrub(e.message ?? e.error_user_title ?? e.type ?? `HTTP ${status}`),
      details: scrub(e.error_data?.details ?? e.error_user_msg ?? ''),
      fbtraceId: e.fbtrace_id,
      isTransient: e.is_transient,
      retryAfterMs: regainAccessAfterMs(headers),
    });
  }
  if (status >= 500 || status === 429) {
    return new WhatsAppUnavailableError(
      'http',
      maybeDelivered,
      `WhatsApp answered HTTP ${status} without an error body`,
      status,
    );
  }
  return new WhatsAppApiError({
    httpStatus: status,
    graphCode: UNKNOWN_GRAPH_CODE,
    title: `Unexpected HTTP ${status} from WhatsApp`,
    details: scrub(bodyText.slice(0, 200)),
    fbtraceId: headers.get('x-fb-trace-id') ?? undefined,
  });
}
