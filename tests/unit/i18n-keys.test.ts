/**
 * Notice keys are typed from the English catalogue (bot/src/i18n/keys.ts). A new area file
 * is typed only once keys.ts names it: this test says which line is missing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NoticeKey } from '../../bot/src/core/notice-keys.js';
import { t } from '../../bot/src/i18n/catalogue.js';

const I18N = join(import.meta.dirname, '../../bot/src/i18n');

describe('typed notice keys', () => {
  it('cover every English area file', () => {
    const source = readFileSync(join(I18N, '../core/notice-keys.ts'), 'utf8');
    const areas = readdirSync(join(I18N, 'locales/en')).filter((f) => f.endsWith('.json'));
    const missing = areas.filter((file) => !source.includes(`'../i18n/locales/en/${file}'`));
    expect(missing, `add a line for each of these to Areas in bot/src/core/notice-keys.ts`).toEqual(
      [],
    );
  });

  it('take a real key, and refuse a typo at compile time', () => {
    const key: NoticeKey = 'bot.thread_gone';
    expect(t('en', key)).toBe('That conversation or message no longer exists.');
    // @ts-expect-error a typo in a key does not compile
    const typo: NoticeKey = 'bot.thread_gon';
    expect(() => t('en', typo)).toThrow('unknown key');
  });
});
