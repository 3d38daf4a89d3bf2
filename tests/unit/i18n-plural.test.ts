/**
 * Plurals in the catalogue (bot/src/i18n/plural.ts): a count chooses its form with the
 * language's own rules (the tab words them with the same plural.ts), and every plural
 * sentence of every language has the forms its language needs.
 */
import { describe, expect, it } from 'vitest';
import { getCatalogue, placeholders, SUPPORTED_LOCALES } from '../../bot/src/i18n/catalogue.js';
import { expandPlurals, pluralBlocks } from '../../bot/src/i18n/plural.js';

const catalogue = getCatalogue();

describe('plural sentences', () => {
  it('choose the singular and the plural by the count, with the number written in', () => {
    const text = 'You have {count, plural, one {# new message} other {# new messages}} from {who}.';
    expect(expandPlurals(text, 'en', { count: 1 })).toBe('You have 1 new message from {who}.');
    expect(expandPlurals(text, 'en', { count: 0 })).toBe('You have 0 new messages from {who}.');
    expect(expandPlurals(text, 'en', { count: 1200 })).toBe(
      'You have 1,200 new messages from {who}.',
    );
    // French counts 0 and 1 as singular; the number is written the French way.
    expect(expandPlurals(text, 'fr', { count: 0 })).toBe('You have 0 new message from {who}.');
    expect(expandPlurals(text, 'fr', { count: 1200 })).toBe(
      'You have 1\u202f200 new messages from {who}.',
    );
  });

  it('take an exact =N form before the category', () => {
    const text = '{n, plural, =0 {nothing} one {one thing} other {# things}}';
    expect(expandPlurals(text, 'en', { n: 0 })).toBe('nothing');
    expect(expandPlurals(text, 'en', { n: 1 })).toBe('one thing');
    expect(expandPlurals(text, 'en', { n: 7 })).toBe('7 things');
  });

  it('leave the block visible as {name} when the count is missing, as for any parameter', () => {
    expect(expandPlurals('{n, plural, one {#} other {#s}}!', 'en', {})).toBe('{n}!');
  });

  it('refuse a plural without "other" or left open', () => {
    expect(() => pluralBlocks('{n, plural, one {x}}')).toThrow('other');
    expect(() => pluralBlocks('{n, plural, one {x} other {y')).toThrow('unclosed');
  });

  it('name the count and the parameters inside the forms as placeholders', () => {
    expect(placeholders('{contact}: {count, plural, one {# from {who}} other {#}}')).toEqual([
      'contact',
      'count',
      'who',
    ]);
  });

  describe.each(SUPPORTED_LOCALES)('in %s', (locale) => {
    it('have every form the language uses for counts from 0 to 200', () => {
      const rules = new Intl.PluralRules(locale);
      const missing: string[] = [];
      for (const [key, text] of Object.entries(catalogue[locale])) {
        for (const block of pluralBlocks(text)) {
          for (let n = 0; n <= 200; n++) {
            const category = rules.select(n);
            if (block.options[`=${n}`] === undefined && block.options[category] === undefined)
              missing.push(`${key}: ${category} (${n})`);
          }
        }
      }
      expect([...new Set(missing)]).toEqual([]);
    });
  });
});
