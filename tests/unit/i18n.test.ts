import { readdirSync } from 'node:fs';
import type { NoticeKey } from '../../bot/src/core/notice-keys.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  getCatalogue,
  placeholders,
  resolveLocale,
  SUPPORTED_LOCALES,
  t,
} from '../../bot/src/i18n/catalogue.js';

const localesDir = join(dirname(fileURLToPath(import.meta.url)), '../../bot/src/i18n/locales');

/**
 * Quick-reply buttons sent to the contact on WhatsApp: a reply button's title is at most 20
 * characters (template quick-reply buttons allow 25; we hold both to the stricter limit).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
 */
const BUTTON_LABELS = ['contact.resume.button', 'contact.opt_in.agree', 'contact.opt_in.decline'];
const BUTTON_MAX_CHARS = 20;

const catalogue = getCatalogue();
const english = catalogue.en;
const englishKeys = Object.keys(english).sort();
const translations = SUPPORTED_LOCALES.filter((l) => l !== 'en');

function jsonFiles(locale: string): string[] {
  return readdirSync(join(localesDir, locale))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** Placeholder names, each once: a translation may repeat or drop a repetition of a name. */
function placeholderSet(text: string): string[] {
  return [...new Set(placeholders(text))].sort();
}

describe('the i18n catalogue', () => {
  it('should have English keys to compare against', () => {
    expect(englishKeys.length).toBeGreaterThan(0);
  });

  describe.each(translations)('%s', (locale) => {
    const messages = catalogue[locale];

    it('should have the same files as English', () => {
      expect(jsonFiles(locale)).toEqual(jsonFiles('en'));
    });

    it('should have every English key', () => {
      const missing = englishKeys.filter((key) => !(key in messages));
      expect(missing).toEqual([]);
    });

    it('should have no key that English lacks', () => {
      const extra = Object.keys(messages).filter((key) => !(key in english));
      expect(extra).toEqual([]);
    });

    it('should use exactly the placeholders of English in every sentence', () => {
      const mismatched = englishKeys
        .filter((key) => key in messages)
        .map((key) => ({
          key,
          english: placeholderSet(english[key] as string),
          translated: placeholderSet(messages[key] as string),
        }))
        .filter((m) => m.english.join() !== m.translated.join());
      expect(mismatched).toEqual([]);
    });
  });

  describe.each(SUPPORTED_LOCALES)('%s', (locale) => {
    const messages = catalogue[locale];

    it('should have no empty sentence', () => {
      const empty = Object.keys(messages).filter((key) => (messages[key] as string).trim() === '');
      expect(empty).toEqual([]);
    });

    it(`should keep quick-reply button labels within ${BUTTON_MAX_CHARS} characters`, () => {
      const tooLong = BUTTON_LABELS.filter((key) => key in messages)
        .map((key) => ({ key, label: messages[key] as string }))
        .filter(({ label }) => [...label].length > BUTTON_MAX_CHARS);
      expect(tooLong).toEqual([]);
    });

    it('should name the quick-reply buttons in the sentences that tell the contact to tap them', () => {
      const label = (key: string) => messages[key] ?? (english[key] as string);
      expect(messages['contact.opt_in']).toContain(label('contact.opt_in.agree'));
      expect(messages['contact.opt_in']).toContain(label('contact.opt_in.decline'));
      expect(messages['contact.resume']).toContain(label('contact.resume.button'));
    });
  });
});

describe('t', () => {
  it('should fill in every parameter', () => {
    const text = t('en', 'group.you_transferred', { contact: 'Ana Lima', user: 'Sam Jones' });
    expect(text).toBe(
      (english['group.you_transferred'] as string)
        .replaceAll('{contact}', 'Ana Lima')
        .replaceAll('{user}', 'Sam Jones'),
    );
    expect(text).not.toMatch(/\{\w+\}/);
  });

  it('should fill in parameters in the requested language', () => {
    const text = t('fr', 'message.failed', { contact: 'Ana Lima', reason: 'Because.' });
    expect(text).toBe(
      (catalogue.fr['message.failed'] as string)
        .replace('{contact}', 'Ana Lima')
        .replace('{reason}', 'Because.'),
    );
  });

  it('should accept numbers as parameters', () => {
    expect(t('en', 'group.cap_reached', { max: 8 })).toContain('8');
  });

  it('should leave a missing parameter visible rather than drop it', () => {
    expect(t('en', 'thread.consented_start')).toContain('{contact}');
  });

  it('should fall back to English for an unknown locale', () => {
    const params = { contact: 'Ana Lima' };
    expect(t('xx-YY', 'thread.consented_start', params)).toBe(
      t('en', 'thread.consented_start', params),
    );
    expect(t(undefined, 'thread.consented_start', params)).toBe(
      t('en', 'thread.consented_start', params),
    );
  });

  it('should throw on an unknown key', () => {
    expect(() => t('en', 'no.such.key' as NoticeKey)).toThrow(/unknown key/);
  });
});

describe('resolveLocale', () => {
  it.each([
    ['pt-br', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['fr-CA', 'fr'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-US', 'en'],
    ['de_DE', 'de'],
    ['ja', 'ja'],
    ['nl-NL', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    [null, 'en'],
  ])('should map %s to %s', (requested, expected) => {
    expect(resolveLocale(requested)).toBe(expected);
  });
});
