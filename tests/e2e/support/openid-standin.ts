/**
 * A local stand-in for Entra ID's OpenID endpoints on a loopback port: the configuration at
 * /common/v2.0/.well-known/openid-configuration, its jwks_uri with one RSA key, and token
 * signing with that key (or another, for a forged signature). Tests point
 * AAD_APP_OAUTH_AUTHORITY_HOST at it.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface TokenClaims {
  oid?: string;
  tid?: string;
  name?: string;
  aud?: string;
  iss?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key the stand-in does not publish. */
  forged?: boolean;
}

export class OpenIdStandIn {
  /** How many times the keys were fetched. */
  keyFetches = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly key: CryptoKey,
    private readonly otherKey: CryptoKey,
    readonly clientId: string,
  ) {}

  static async start(clientId: string): Promise<OpenIdStandIn> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', use: 'sig', alg: 'RS256' };
    const box: { self?: OpenIdStandIn } = {};
    const server = createServer((req, res) => {
      const base = box.self!.url;
      if (req.url === '/common/v2.0/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            issuer: `${base}/{tenantid}/v2.0`,
            jwks_uri: `${base}/common/discovery/v2.0/keys`,
          }),
        );
      } else if (req.url === '/common/discovery/v2.0/keys') {
        box.self!.keyFetches++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    box.self = new OpenIdStandIn(
      server,
      `http://127.0.0.1:${port}`,
      privateKey,
      other.privateKey,
      clientId,
    );
    return box.self;
  }

  /** A Teams SSO token as Entra issues it for the tab (v2, audience the tab's app). */
  async token(claims: TokenClaims = {}): Promise<string> {
    const tid = claims.tid ?? '11111111-1111-1111-1111-111111111111';
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      oid: claims.oid ?? 'user-ana',
      tid,
      name: claims.name ?? 'Ana Souza',
      ver: '2.0',
      scp: 'access_as_user',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1', typ: 'JWT' })
      .setIssuer(claims.iss ?? `${this.url}/${tid}/v2.0`)
      .setAudience(claims.aud ?? this.clientId)
      .setIssuedAt(now - 60)
      .setNotBefore(now - 60)
      .setExpirationTime(now + (claims.expiresIn ?? 3600))
      .sign(claims.forged ? this.otherKey : this.key);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
