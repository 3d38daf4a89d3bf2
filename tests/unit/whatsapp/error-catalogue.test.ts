import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { placeholders, SUPPORTED_LOCALES } from '../../../bot/src/i18n/catalogue.js';
import {
  decideRetry,
  failureForCodes,
  KNOWN_CODES,
  NO_WHATSAPP_CODE,
  pairBackoff,
  policyForCode,
  policyForError,
  REASON_KEYS,
} from '../../../bot/src/whatsapp/error-catalogue.js';
import {
  MediaRejectedError,
  WhatsAppApiError,
  WhatsAppUnavailableError,
} from '../../../bot/src/whatsapp/errors.js';

/** The codes issue 4 asks the catalogue to know. */
const REQUIRED_CODES = [
  0, 1, 2, 4, 10, 100, 190, 368, 130429, 131000, 131005, 131008, 131009, 131016, 131021, 131026,
  131031, 131042, 131045, 131047, 131048, 131049, 131050, 131051, 131052, 131053, 131056, 132000,
  132001, 132005, 132007, 132012, 132015, 132016, 133010, 135000,
];

function reasons(locale: string): Record<string, string> {
  const path = fileURLToPath(
    new URL(`../../../bot/src/i18n/locales/${locale}/reasons.json`, import.meta.url),
  );
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
}

const apiError = (
  code: number,
  httpStatus = 400,
  extra: Partial<ConstructorParameters<typeof WhatsAppApiError>[0]> = {},
) =>
  new WhatsAppApiError({ httpStatus, graphCode: code, title: `(#${code})`, details: '', ...extra });

describe('the error catalogue', () => {
  it.each(REQUIRED_CODES)('knows code %i', (code) => {
    expect(KNOWN_CODES).toContain(code);
    expect(policyForCode(code).failure.reasonKey).not.toBe('reason.unknown');
  });

  it('gives unknown codes a default: not retried, "unknown" reason', () => {
    expect(KNOWN_CODES).not.toContain(424242);
    expect(policyForCode(424242)).toMatchObject({
      retryable: false,
      maxAttempts: 1,
      failure: { graphCode: 424242, kind: 'other', reasonKey: 'reason.unknown' },
    });
  });

  it('reads 131047 as the window having closed and 131050 as an opt-out', () => {
    expect(policyForCode(131047).failure).toEqual({
      graphCode: 131047,
      kind: 'window_closed',
      reasonKey: 'reason.window_closed',
    });
    expect(policyForCode(131050).failure).toEqual({
      graphCode: 131050,
      kind: 'opted_out',
      reasonKey: 'reason.opted_out',
    });
    for (const code of REQUIRED_CODES.filter((c) => c !== 131047 && c !== 131050)) {
      expect(policyForCode(code).failure.kind, String(code)).toBe('other');
    }
  });

  it('treats 130429 (throughput) and 131056 (pair) as throttles to slow down for, not failures', () => {
    expect(policyForCode(130429)).toMatchObject({ retryable: true, throttle: 'throughput' });
    expect(policyForCode(131056)).toMatchObject({ retryable: true, throttle: 'pair' });
    expect(decideRetry(apiError(130429), 1, () => 0.5)).toMatchObject({
      retry: true,
      throttle: 'throughput',
    });
    expect(decideRetry(apiError(131056), 1)).toMatchObject({ retry: true, throttle: 'pair' });
  });

  it('backs off a pair 4^X seconds (1, 4, 16, 64) and tells the user after 5 attempts', () => {
    const waits = [1, 2, 3, 4].map((attempt) => decideRetry(apiError(131056), attempt));
    expect(waits.map((d) => (d.retry ? d.afterMs : -1))).toEqual([1000, 4000, 16000, 64000]);
    expect(pairBackoff(5)).toBe(256_000);
    expect(decideRetry(apiError(131056), 5)).toEqual({
      retry: false,
      needsAdmin: false,
      failure: { graphCode: 131056, kind: 'other', reasonKey: 'reason.pair_rate_limited' },
    });
  });

  it('retries transient errors with full jitter, doubling from 1 s and capped at 60 s, 5 attempts', () => {
    for (const code of [2, 131000, 131016]) {
      const upper = (attempt: number) => {
        const d = decideRetry(apiError(code, 500), attempt, () => 0.999999);
        return d.retry ? d.afterMs : -1;
      };
      expect([1, 2, 3, 4].map(upper)).toEqual([999, 1999, 3999, 7999]);
      const low = decideRetry(apiError(code), 1, () => 0);
      expect(low).toMatchObject({ retry: true, afterMs: 0 });
      expect(decideRetry(apiError(code), 5)).toMatchObject({
        retry: false,
        failure: { reasonKey: 'reason.service_unavailable' },
      });
    }
    expect(policyForCode(131000).retryAfterMs?.(20, () => 0.999999)).toBe(59_999);
    // Code 1: "once, with backoff; then treat as a bug".
    expect(decideRetry(apiError(1), 1)).toMatchObject({ retry: true });
    expect(decideRetry(apiError(1), 2)).toMatchObject({ retry: false });
  });

  it.each([
    0, 10, 100, 190, 368, 131026, 131031, 131047, 131048, 131049, 131050, 131051, 132001, 133010,
    135000,
  ])('never retries code %i by itself', (code) => {
    expect(policyForCode(code)).toMatchObject({ retryable: false, maxAttempts: 1 });
    expect(decideRetry(apiError(code), 1)).toMatchObject({ retry: false });
  });

  it('lets Graph\'s own "regain access" estimate win when it is longer', () => {
    const d = decideRetry(apiError(80007, 400, { retryAfterMs: 300_000 }), 1, () => 0.5);
    expect(d).toEqual({ retry: true, afterMs: 300_000, throttle: 'throughput' });
  });

  it('reads 200-299 as permission errors an administrator must fix', () => {
    expect(policyForCode(250)).toMatchObject({
      needsAdmin: true,
      failure: { reasonKey: 'reason.permission_denied' },
    });
  });
});

describe('policyForError: the one place that classifies what a send threw', () => {
  it('falls back on the HTTP status and is_transient for codes it does not know', () => {
    expect(policyForError(apiError(777, 503))).toMatchObject({
      retryable: true,
      failure: { reasonKey: 'reason.service_unavailable' },
    });
    expect(policyForError(apiError(777, 429))).toMatchObject({ throttle: 'throughput' });
    expect(policyForError(apiError(777, 400, { isTransient: true }))).toMatchObject({
      retryable: true,
    });
    expect(policyForError(apiError(777, 400))).toMatchObject({
      retryable: false,
      failure: { graphCode: 777, reasonKey: 'reason.unknown' },
    });
  });

  it('keeps a known code over the HTTP status (131047 answered with a 500 is still the window)', () => {
    expect(policyForError(apiError(131047, 500))).toMatchObject({
      retryable: false,
      failure: { kind: 'window_closed' },
    });
  });

  it('retries WhatsApp being unreachable, and throttles on a bare 429', () => {
    const down = new WhatsAppUnavailableError('timeout', true, 'no answer');
    expect(policyForError(down)).toMatchObject({
      retryable: true,
      maxAttempts: 5,
      failure: { graphCode: NO_WHATSAPP_CODE },
    });
    expect(policyForError(new WhatsAppUnavailableError('http', false, '429', 429))).toMatchObject({
      throttle: 'throughput',
    });
  });

  it("gives a refused picture its own reason under WhatsApp's media code", () => {
    expect(policyForError(new MediaRejectedError('too_large', 'big')).failure).toEqual({
      graphCode: 131053,
      kind: 'other',
      reasonKey: 'reason.picture_too_large',
    });
    expect(
      policyForError(new MediaRejectedError('unsupported_type', 'gif')).failure.reasonKey,
    ).toBe('reason.picture_unsupported');
  });

  it('does not retry a bug', () => {
    expect(policyForError(new TypeError('x is undefined'))).toMatchObject({
      retryable: false,
      failure: { reasonKey: 'reason.unknown' },
    });
  });
});

describe('failureForCodes (a failed status webhook)', () => {
  it('uses the first code the catalogue knows', () => {
    expect(failureForCodes([131047]).kind).toBe('window_closed');
    expect(failureForCodes([999, 131026]).reasonKey).toBe('reason.undeliverable');
    expect(failureForCodes([999])).toEqual({
      graphCode: 999,
      kind: 'other',
      reasonKey: 'reason.unknown',
    });
    expect(failureForCodes([])).toEqual({
      graphCode: NO_WHATSAPP_CODE,
      kind: 'other',
      reasonKey: 'reason.unknown',
    });
  });
});

describe('the reasons, in every language', () => {
  const english = reasons('en');

  it('include every reason the catalogue can give, and no other', () => {
    expect(Object.keys(english).sort()).toEqual([...REASON_KEYS].sort());
    for (const code of REQUIRED_CODES)
      expect(english).toHaveProperty([policyForCode(code).failure.reasonKey]);
  });

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))(
    'exist in %s with the same keys and placeholders',
    (locale) => {
      const translated = reasons(locale);
      expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(translated)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(text, `${locale} ${key} is translated`).not.toBe(english[key]);
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(english[key]!));
      }
    },
  );

  it('send the user to their administrator whenever only an administrator can fix it', () => {
    const adminCodes = [...KNOWN_CODES, 250].filter((c) => policyForCode(c).needsAdmin);
    expect(adminCodes.length).toBeGreaterThan(10);
    for (const code of adminCodes) {
      expect(english[policyForCode(code).failure.reasonKey], String(code)).toMatch(
        /Ask your administrator/,
      );
    }
  });

  it('say what happened and what to do next: at least two sentences each', () => {
    for (const [key, text] of Object.entries(english)) {
      expect(text.split(/[.;]\s/).length, key).toBeGreaterThanOrEqual(2);
    }
  });
});
