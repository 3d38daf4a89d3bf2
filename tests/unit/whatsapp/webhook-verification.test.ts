import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature, verifySubscription } from '../../../bot/src/whatsapp/webhook.js';

const APP_SECRET = 'app-secret-0123456789';
/** As Meta sends it: compact JSON, with non-ASCII text. */
const body = Buffer.from(
  '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"text":"Olá 👋"}}]}]}',
  'utf8',
);
const sign = (bytes: Buffer, secret = APP_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

describe('verifySignature (X-Hub-Signature-256)', () => {
  it('accepts the HMAC-SHA256 of the raw bytes with the app secret', () => {
    expect(verifySignature(body, sign(body), APP_SECRET)).toBe(true);
  });

  it('accepts upper-case hex', () => {
    expect(verifySignature(body, `sha256=${sign(body).slice(7).toUpperCase()}`, APP_SECRET)).toBe(
      true,
    );
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySignature(body, sign(body, 'another-app'), APP_SECRET)).toBe(false);
  });

  it('refuses a body changed by one byte', () => {
    const tampered = Buffer.from(body);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 3) ^ 1, tampered.length - 3);
    expect(verifySignature(tampered, sign(body), APP_SECRET)).toBe(false);
  });

  it('refuses the same JSON re-serialised with other whitespace or escaping', () => {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    expect(
      verifySignature(Buffer.from(JSON.stringify(parsed, null, 2)), sign(body), APP_SECRET),
    ).toBe(false);
    const escaped = Buffer.from(body.toString('utf8').replace('á', '\\u00e1'));
    expect(verifySignature(escaped, sign(body), APP_SECRET)).toBe(false);
  });

  it('refuses a missing header', () => {
    expect(verifySignature(body, undefined, APP_SECRET)).toBe(false);
    expect(verifySignature(body, '', APP_SECRET)).toBe(false);
  });

  it('refuses a wrong prefix (sha1=, SHA256=, none)', () => {
    const hex = sign(body).slice('sha256='.length);
    expect(verifySignature(body, `sha1=${hex}`, APP_SECRET)).toBe(false);
    expect(verifySignature(body, `SHA256=${hex}`, APP_SECRET)).toBe(false);
    expect(verifySignature(body, hex, APP_SECRET)).toBe(false);
  });

  it('refuses a truncated or non-hex signature without throwing', () => {
    expect(verifySignature(body, sign(body).slice(0, -2), APP_SECRET)).toBe(false);
    expect(verifySignature(body, `sha256=${'zz'.repeat(32)}`, APP_SECRET)).toBe(false);
    expect(verifySignature(body, `${sign(body)}00`, APP_SECRET)).toBe(false);
  });

  it('refuses everything when no app secret is configured', () => {
    expect(
      verifySignature(body, `sha256=${createHmac('sha256', '').update(body).digest('hex')}`, ''),
    ).toBe(false);
  });
});

describe('verifySubscription (the GET handshake)', () => {
  const query = {
    'hub.mode': 'subscribe',
    'hub.verify_token': 'my-verify-token',
    'hub.challenge': '1158201444',
  };

  it('returns the challenge when the mode is subscribe and the token matches', () => {
    expect(verifySubscription(query, 'my-verify-token')).toEqual({
      ok: true,
      challenge: '1158201444',
    });
  });

  it('refuses a wrong or missing token', () => {
    expect(
      verifySubscription({ ...query, 'hub.verify_token': 'guess' }, 'my-verify-token'),
    ).toEqual({ ok: false, reason: 'wrong_token' });
    expect(
      verifySubscription({ ...query, 'hub.verify_token': undefined }, 'my-verify-token'),
    ).toEqual({ ok: false, reason: 'wrong_token' });
    expect(verifySubscription(query, '')).toEqual({ ok: false, reason: 'wrong_token' });
  });

  it('refuses another mode, a repeated parameter and a missing challenge', () => {
    expect(
      verifySubscription({ ...query, 'hub.mode': 'unsubscribe' }, 'my-verify-token'),
    ).toMatchObject({ ok: false, reason: 'not_subscribe' });
    expect(
      verifySubscription(
        { ...query, 'hub.verify_token': ['my-verify-token', 'x'] },
        'my-verify-token',
      ),
    ).toMatchObject({ ok: false });
    expect(verifySubscription({ ...query, 'hub.challenge': '' }, 'my-verify-token')).toEqual({
      ok: false,
      reason: 'no_challenge',
    });
  });
});
