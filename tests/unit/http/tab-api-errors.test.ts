/**
 * The tab's API answers every refusal with its code's status in the one mapping
 * (app/errors.ts): sign-in problems 401 (or 503 when the keys cannot be fetched), a busy store
 * 503 so the tab tries again, anything unknown 500; each with its code and the sentence the tab
 * shows.
 */
import pino from 'pino';
import type restify from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TabService } from '../../../bot/src/app/tab-service.js';
import { createServer, listen } from '../../../bot/src/http/server.js';
import { TAB_API, tabApiRoutes } from '../../../bot/src/http/tab-api/routes.js';
import {
  InvalidTokenError,
  KeysUnavailableError,
  type TeamsSsoVerifier,
} from '../../../bot/src/http/tab-api/sso.js';
import { StoreBusyError } from '../../../bot/src/store/sqlite/group-commit.js';

/** What each token makes the stand-in verifier or service do. */
const outcomes: Record<string, () => never> = {
  forged: () => {
    throw new InvalidTokenError('signature verification failed');
  },
  'keys-down': () => {
    throw new KeysUnavailableError('the authority did not answer');
  },
  'store-busy': () => {
    throw new StoreBusyError(2000);
  },
  broken: () => {
    throw new Error('something unexpected');
  },
};

let server: restify.Server;
let url: string;

beforeAll(async () => {
  const sso = {
    verify: (token: string) => {
      if (token === 'forged' || token === 'keys-down') outcomes[token]!();
      return Promise.resolve({ userId: token, tenantId: 't', expiresAt: Date.now() + 60_000 });
    },
  } as unknown as TeamsSsoVerifier;
  const service = {
    arrive: (who: { userId: string }) => Promise.resolve().then(() => outcomes[who.userId]!()),
  } as unknown as TabService;
  const api = tabApiRoutes({
    service,
    local: false,
    sso,
    logger: pino({ level: 'silent' }),
    mediaUrl: (id) => `/media/${id}`,
    businessName: 'Contoso',
  });
  server = createServer({ logger: pino({ level: 'silent' }), routes: [api] });
  url = await listen(server, 0, '127.0.0.1');
});

afterAll(() => {
  server.close();
});

async function me(token?: string) {
  const response = await fetch(`${url}${TAB_API}/me`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe("the tab's API refusals", () => {
  it.each([
    [undefined, 401, 'auth.missing_token', 'Sign in: no token was sent.'],
    ['forged', 401, 'auth.invalid_token', 'The sign-in token is not valid.'],
    ['keys-down', 503, 'auth.unavailable', 'Sign-in cannot be checked now; try again.'],
    ['store-busy', 503, 'store.busy', 'Something went wrong; try again.'],
    ['broken', 500, 'server.error', 'Something went wrong; try again.'],
  ] as const)('token %s: %i %s', async (token, status, code, message) => {
    expect(await me(token)).toEqual({ status, body: { error: { code, message } } });
  });
});
