/**
 * reply (issue 10 item 4): the rules a user's input meets before anything is sent, in one
 * place for the bot chat and the compose extension: a text is not empty and fits WhatsApp's
 * 4,096 characters; a number says what is wrong with it (core/phone-number.ts).
 */
import type { Notice } from '../core/types.js';
import { resolveLocale } from '../i18n/catalogue.js';
import { MAX_TEXT } from './cards/verbs.js';

/**
 * What is wrong with a text to send, or undefined when it can go. `withAttachments`: the
 * chat, where a picture or a file may come instead of words.
 */
export function textProblem(
  text: string,
  where: {
    readonly attachments: number;
    readonly surface: 'chat' | 'dialog';
    /** The user's language: the length and the limit are written as it writes numbers. */
    readonly locale: string;
  },
): Notice | undefined {
  if (text.trim() === '' && where.attachments === 0)
    return { key: where.surface === 'chat' ? 'chat.empty' : 'reply.compose.empty', params: {} };
  if (text.length > MAX_TEXT) {
    const number = new Intl.NumberFormat(resolveLocale(where.locale));
    return {
      key: 'chat.too_long',
      params: { length: number.format(text.length), limit: number.format(MAX_TEXT) },
    };
  }
  return undefined;
}

export { numberProblem } from '../core/phone-number.js';
