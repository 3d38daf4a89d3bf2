/**
 * Teams single sign-on for the tab: the token `authentication.getAuthToken` hands the tab is
 * an Entra ID v2 access token for the tab's app. It is checked with jose against the keys the
 * authority publishes (its OpenID configuration's `jwks_uri`, cached and refreshed when a new
 * key id appears), for the issuer of the token's own tenant, our audience and its expiry.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/tabs/how-to/authentication/tab-sso-token-graph
 * https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-tokens
 */
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { CodedError } from '../../core/errors.js';

export interface SsoOptions {
  /** e.g. https://login.microsoftonline.com (AAD_APP_OAUTH_AUTHORITY_HOST). */
  readonly authorityHost: string;
  /** The tab's Entra app (AAD_APP_CLIENT_ID). */
  readonly clientId: string;
  /** The host of the Application ID URI `api://{domain}/{clientId}` (TAB_DOMAIN). */
  readonly domain: string;
  /** How far clocks may disagree, in seconds. */
  readonly clockToleranceS?: number;
}

/** Who a valid token names. */
export interface SsoIdentity {
  /** The Entra object id: the user id everywhere in the product (aadObjectId). */
  readonly userId: string;
  readonly tenantId: string;
  readonly name?: string | undefined;
  /** When the token expires (epoch ms): an event stream opened with it ends then. */
  readonly expiresAt: number;
}

/** The token is missing, malformed, expired, wrongly signed or not for us: 401. */
export class InvalidTokenError extends CodedError {
  constructor(reason: string) {
    super('auth.invalid_token', reason);
  }
}

/** The authority's keys could not be fetched: 503, the tab tries again. */
export class KeysUnavailableError extends CodedError {
  constructor(reason: string) {
    super('auth.unavailable', reason);
  }
}

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TeamsSsoVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly options: SsoOptions) {}

  get audiences(): string[] {
    return [this.options.clientId, `api://${this.options.domain}/${this.options.clientId}`];
  }

  async verify(token: string): Promise<SsoIdentity> {
    let tid: unknown;
    try {
      tid = decodeJwt(token).tid;
    } catch {
      throw new InvalidTokenError('the token is not a JWT');
    }
    if (typeof tid !== 'string' || !TENANT_ID.test(tid))
      throw new InvalidTokenError('the token names no tenant');
    const keys = await this.jwks();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: `${this.options.authorityHost}/${tid}/v2.0`,
        audience: this.audiences,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'oid', 'tid'],
        clockTolerance: this.options.clockToleranceS ?? 60,
      });
      const oid = payload.oid;
      if (typeof oid !== 'string' || oid === '') throw new InvalidTokenError('no user in token');
      return {
        userId: oid,
        tenantId: tid,
        name: typeof payload.name === 'string' ? payload.name : undefined,
        expiresAt: (payload.exp ?? 0) * 1000,
      };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof errors.JWKSTimeout || error instanceof TypeError)
        throw new KeysUnavailableError('the authority did not answer');
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.code);
      throw error;
    }
  }

  /** The key set from the authority's OpenID configuration; looked up again after a failure. */
  private jwks(): Promise<JWTVerifyGetKey> {
    this.keys ??= (async () => {
      const url = `${this.options.authorityHost}/common/v2.0/.well-known/openid-configuration`;
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new KeysUnavailableError(`openid configuration: ${response.status}`);
      const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
      if (typeof jwksUri !== 'string') throw new KeysUnavailableError('no jwks_uri');
      return createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge: 6 * 3_600_000 });
    })().catch((error: unknown) => {
      this.keys = undefined;
      throw error instanceof KeysUnavailableError
        ? error
        : new KeysUnavailableError(`openid configuration: ${String(error)}`);
    });
    return this.keys;
  }
}
