/**
 * Plurals in the catalogue (bot/src/i18n/plural.ts): a count chooses its form with the
 * language's own rules (the tab words them with the same plural.ts), and every plural
 * sentence of every language has the forms its language needs.
 */
import { describe, expect, it } from 'vitest';
import { getCatalogue, placeholders, SUPPORTED_LOCALES, t } from '../../bot/src/i18n/catalogue.js';
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

  it('are the one way counts are worded: no key chooses its form by a suffix', () => {
    // Not "gather.card.header.one"/".other" nor "alarm.unassigned.count_one": a count goes in
    // a plural block of one sentence, worded by the language's rules.
    const suffixed = Object.keys(catalogue.en).filter((key) =>
      /([._](zero|one|two|few|many|other))+$/.test(key),
    );
    expect(suffixed).toEqual([]);
  });

  it('word the gathered card, the hourly summary and the alarms by the count', () => {
    const header = (count: number) => t('en', 'gather.card.header', { count, contact: 'Ana' });
    expect(header(2)).toBe('2 messages from Ana');
    expect(header(12)).toBe('12 messages from Ana');
    const title = (messages: number, contacts: number) =>
      t('en', 'gather.summary.title', { messages, contacts });
    expect(title(1, 1)).toBe('1 new message from 1 contact');
    expect(title(5, 1)).toBe('5 new messages from 1 contact');
    expect(title(12, 5)).toBe('12 new messages from 5 contacts');
    expect(t('en', 'gather.summary.line', { contact: 'Ana', count: 1 })).toBe('Ana: 1 new message');
    expect(t('en', 'gather.summary.line', { contact: 'Ana', count: 3 })).toBe(
      'Ana: 3 new messages',
    );
    expect(t('en', 'alarm.unassigned.count', { count: 1 })).toBe('1 message is waiting.');
    expect(t('en', 'alarm.unassigned.count', { count: 3 })).toBe('3 messages are waiting.');
    // The alarm's minutes come from the stored record as text.
    expect(t('en', 'ops.alarm.outbox_stuck.raised', { minutes: '1' })).toContain(
      'the oldest has waited 1 minute.',
    );
    expect(t('en', 'ops.alarm.webhook_silence.raised', { minutes: '5' })).toContain(
      'no webhooks for 5 minutes while',
    );
  });

  it('word them in each language with its own forms', () => {
    expect(t('fr', 'gather.summary.title', { messages: 1, contacts: 1 })).toBe(
      '1 nouveau message de 1 contact',
    );
    expect(t('fr', 'gather.summary.title', { messages: 12, contacts: 5 })).toBe(
      '12 nouveaux messages de 5 contacts',
    );
    expect(t('de', 'gather.summary.title', { messages: 5, contacts: 1 })).toBe(
      '5 neue Nachrichten von 1 Kontakt',
    );
    expect(t('de', 'gather.summary.title', { messages: 12, contacts: 5 })).toBe(
      '12 neue Nachrichten von 5 Kontakten',
    );
    expect(t('es', 'alarm.unassigned.count', { count: 1 })).toBe('Hay 1 mensaje esperando.');
    expect(t('pt-BR', 'alarm.unassigned.count', { count: 2 })).toBe(
      '2 mensagens estão aguardando.',
    );
    expect(t('it', 'gather.card.header', { count: 1, contact: 'Ana' })).toBe('1 messaggio da Ana');
    expect(t('it', 'ops.alarm.outbox_stuck.raised', { minutes: '1' })).toContain('da 1 minuto.');
    expect(t('ja', 'gather.card.header', { count: 2, contact: 'Ana' })).toBe(
      'Ana からのメッセージ 2 件',
    );
    expect(t('zh-CN', 'gather.summary.title', { messages: 12, contacts: 5 })).toBe(
      '来自 5 位联系人的 12 条新消息',
    );
    expect(t('zh-CN', 'alarm.unassigned.count', { count: 1 })).toBe('有 1 条消息正在等待。');
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
