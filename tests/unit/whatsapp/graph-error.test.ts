import { describe, expect, it } from 'vitest';
import { WhatsAppApiError, WhatsAppUnavailableError } from '../../../bot/src/whatsapp/errors.js';
import { errorFromResponse, regainAccessAfterMs } from '../../../bot/src/whatsapp/graph-error.js';

const SECRET = 'EAAG-secret';
const headers = (h: Record<string, string> = {}) => new Headers(h);
const parse = (status: number, body: unknown, h = headers(), maybeDelivered = true) =>
  errorFromResponse(
    status,
    h,
    typeof body === 'string' ? body : JSON.stringify(body),
    SECRET,
    maybeDelivered,
  );

describe("Graph's error envelope", () => {
  it('keeps the Graph code, subcode, title, details, trace id and the transient hint', () => {
    // The shape of Meta's own example (OpenAPI GraphAPIError: code 17, subcode 2446079).
    const error = parse(400, {
      error: {
        message: '(#17) User request limit reached',
        type: 'OAuthException',
        code: 17,
        error_subcode: 2446079,
        is_transient: true,
        error_data: { details: 'Too many calls' },
        fbtrace_id: 'AbCdEf',
      },
    });
    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect(error).toMatchObject({
      httpStatus: 400,
      graphCode: 17,
      subcode: 2446079,
      title: '(#17) User request limit reached',
      details: 'Too many calls',
      fbtraceId: 'AbCdEf',
      isTransient: true,
      code: 'whatsapp.api_error',
    });
    expect((error as Error).message).toBe(
      'WhatsApp API error 17/2446079 (HTTP 400): (#17) User request limit reached',
    );
  });

  it('falls back on error_user_msg for details, and reads an envelope with only a code', () => {
    expect(
      parse(400, {
        error: {
          code: 100,
          message: 'Invalid parameter',
          error_user_msg: 'The number is not valid',
        },
      }),
    ).toMatchObject({
      graphCode: 100,
      details: 'The number is not valid',
    });
    expect(parse(500, { error: { code: 131000 } })).toMatchObject({
      graphCode: 131000,
      httpStatus: 500,
      title: 'HTTP 500',
      details: '',
    });
  });

  it('scrubs the access token if Graph echoes it', () => {
    const error = parse(401, {
      error: {
        code: 190,
        message: `Bad token ${SECRET}`,
        error_data: { details: `got ${SECRET}` },
      },
    }) as WhatsAppApiError;
    expect(error.title).toBe('Bad token [redacted]');
    expect(error.details).toBe('got [redacted]');
  });

  it("reads Graph's estimated time to regain access (minutes) from x-business-use-case-usage", () => {
    const usage = {
      '104996': [
        { type: 'whatsapp', call_count: 100, estimated_time_to_regain_access: 3 },
        { type: 'x', estimated_time_to_regain_access: 1 },
      ],
    };
    const error = parse(
      400,
      { error: { code: 80007 } },
      headers({ 'x-business-use-case-usage': JSON.stringify(usage) }),
    );
    expect((error as WhatsAppApiError).retryAfterMs).toBe(180_000);
    expect(
      regainAccessAfterMs(headers({ 'x-business-use-case-usage': 'not json' })),
    ).toBeUndefined();
    expect(
      regainAccessAfterMs(
        headers({ 'x-business-use-case-usage': '{"1":[{"estimated_time_to_regain_access":0}]}' }),
      ),
    ).toBeUndefined();
    expect(regainAccessAfterMs(headers())).toBeUndefined();
  });
});

describe('an error answer without an envelope', () => {
  it('is transient for 5xx and 429, and says whether a send may have gone out', () => {
    expect(parse(503, '<html/>')).toMatchObject({
      reason: 'http',
      httpStatus: 503,
      maybeDelivered: true,
    });
    const throttled = parse(429, '', headers(), false);
    expect(throttled).toBeInstanceOf(WhatsAppUnavailableError);
    expect(throttled).toMatchObject({ httpStatus: 429, maybeDelivered: false });
  });

  it("is Graph's generic code 1 for any other status", () => {
    const error = parse(404, 'Not Found', headers({ 'x-fb-trace-id': 'TR' }));
    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect(error).toMatchObject({
      graphCode: 1,
      httpStatus: 404,
      details: 'Not Found',
      fbtraceId: 'TR',
    });
  });

  it('does not mistake an envelope with a non-numeric code for one', () => {
    expect(parse(400, { error: { code: 'oops' } })).toMatchObject({ graphCode: 1 });
  });
});
