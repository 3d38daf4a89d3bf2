import { describe, expect, it } from 'vitest';
import {
  MEDIA_URL_LIFETIME,
  mediaUrlSecret,
  MediaUrls,
} from '../../../bot/src/teams/media-route.js';

const T0 = Date.UTC(2026, 0, 5, 9);

function urls(now: { t: number }, secret = 'bot-password') {
  return new MediaUrls({
    publicUrl: 'https://bot.example',
    secret: mediaUrlSecret(secret),
    clock: { now: () => now.t },
  });
}

function parts(url: string) {
  const u = new URL(url);
  return {
    id: decodeURIComponent(u.pathname.split('/').at(-1)!),
    exp: u.searchParams.get('exp') ?? undefined,
    sig: u.searchParams.get('sig') ?? undefined,
  };
}

describe('signed picture links', () => {
  it('should verify a link it made, for that picture only', () => {
    const now = { t: T0 };
    const u = urls(now);
    const { id, exp, sig } = parts(u.urlFor('media-1'));
    expect(id).toBe('media-1');
    expect(u.verify('media-1', exp, sig)).toBe(true);
    expect(u.verify('media-2', exp, sig)).toBe(false);
    expect(u.verify('media-1', String(Number(exp) + 1), sig)).toBe(false);
    expect(u.verify('media-1', exp, undefined)).toBe(false);
  });

  it('should refuse a link once it expired, and one signed with another secret', () => {
    const now = { t: T0 };
    const { exp, sig } = parts(urls(now).urlFor('media-1'));
    expect(urls({ t: T0 }, 'another-secret').verify('media-1', exp, sig)).toBe(false);
    now.t = T0 + MEDIA_URL_LIFETIME + 1_000;
    expect(urls(now).verify('media-1', exp, sig)).toBe(false);
  });
});
