import { describe, expect, it } from 'vitest';
import { TransientDeliveryError } from '../../../bot/src/app/ports.js';
import {
  classifyConnectorError,
  retryAfterMs,
  UserUnreachableError,
} from '../../../bot/src/teams/connector-errors.js';

const restError = (statusCode: number, retryAfter?: string) => ({
  statusCode,
  response: {
    headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) },
  },
});

describe("the Bot Connector's errors", () => {
  it.each([429, 412, 502, 504])('should try %i again', (status) => {
    expect(classifyConnectorError(restError(status), 'u1', 0)).toBeInstanceOf(
      TransientDeliveryError,
    );
  });

  it('should honour Retry-After, in seconds or as a date', () => {
    expect(classifyConnectorError(restError(429, '7'), 'u1', 0)).toMatchObject({
      retryAfterMs: 7_000,
    });
    const now = Date.UTC(2026, 0, 5, 9);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('should try a network failure again', () => {
    expect(
      classifyConnectorError(
        Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
        'u1',
        0,
      ),
    ).toBeInstanceOf(TransientDeliveryError);
  });

  it.each([400, 401, 403, 404])('should give up on %i for this user', (status) => {
    const error = classifyConnectorError(restError(status), 'u1', 0);
    expect(error).toBeInstanceOf(UserUnreachableError);
    expect(error.message).toContain(String(status));
  });
});
