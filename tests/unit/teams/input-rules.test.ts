/**
 * reply (issue 10 item 4): the one set of input rules the bot chat and the compose extension
 * share, read as the user reads them.
 */
import { describe, expect, it } from 'vitest';
import { noticeText } from '../../../bot/src/teams/cards/index.js';
import { strings } from '../../../bot/src/teams/cards/format.js';
import { numberProblem, textProblem } from '../../../bot/src/teams/input-rules.js';
import type { Notice } from '../../../bot/src/core/types.js';

const words = (notice: Notice | undefined, locale = 'en') =>
  notice ? noticeText(notice, strings(locale)) : undefined;

describe('input rules (chat and compose extension)', () => {
  it('refuses an empty or blank text, except in the chat when a picture or file comes with it', () => {
    expect(words(textProblem('  \n ', { attachments: 0, surface: 'dialog', locale: 'en' }))).toBe(
      'There is nothing to send: the message is empty. Type some words.',
    );
    expect(words(textProblem('', { attachments: 0, surface: 'chat', locale: 'en' }))).toContain(
      'attach a picture or a file',
    );
    expect(textProblem('', { attachments: 1, surface: 'chat', locale: 'en' })).toBeUndefined();
  });

  it('refuses over 4,096 characters with the length and the limit, written in the language', () => {
    const long = 'a'.repeat(4097);
    expect(textProblem('a'.repeat(4096), { attachments: 0, surface: 'chat', locale: 'en' })).toBe(
      undefined,
    );
    expect(words(textProblem(long, { attachments: 0, surface: 'dialog', locale: 'en' }))).toBe(
      'Not sent: your message is 4,097 characters long and WhatsApp allows at most 4,096. Shorten it or split it into several messages.',
    );
    expect(
      words(textProblem(long, { attachments: 0, surface: 'dialog', locale: 'fr-FR' }), 'fr'),
    ).toMatch(/4\u202f097|4\u00a0097/);
  });

  it('says what is wrong with a number', () => {
    expect(words(numberProblem('+44 77'))).toContain('is too short');
    expect(words(numberProblem('+44 7700 9OO123'))).toContain('contains letters');
    expect(words(numberProblem('07700 900123'))).toContain('has no country code');
    expect(numberProblem('+44 7700 900123')).toBeUndefined();
  });
});
