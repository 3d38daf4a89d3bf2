/**
 * What is wrong with a typed WhatsApp number, in one place for every surface (the bot chat,
 * the compose extension, the tab): a number is 7 to 15 digits with its country code (E.164,
 * https://www.itu.int/rec/T-REC-E.164).
 */
import type { Notice } from './types.js';

/** What is wrong with a typed number (issue 10, item 4). */
export type PhoneProblem = 'letters' | 'too_short' | 'too_long' | 'no_country_code';

/**
 * Why a typed number is not a WhatsApp number, or undefined when it is one (or when it
 * cannot be told: digits alone are taken as having their country code).
 */
export function phoneProblem(raw: string): PhoneProblem | undefined {
  const typed = raw.trim();
  if (/[^\d\s().+-]/.test(typed) || /.\+/.test(typed)) return 'letters';
  const digits = typed.replace(/\D/g, '');
  const international = typed.startsWith('+') || digits.startsWith('00');
  const national = international ? digits.replace(/^00/, '') : digits;
  if (!international && /^0/.test(digits)) return 'no_country_code';
  if (national.length < 7) return 'too_short';
  if (national.length > 15) return 'too_long';
  return undefined;
}

/** The notice that says precisely what is wrong with a typed number, or undefined. */
export function numberProblem(raw: string): Notice | undefined {
  const problem = phoneProblem(raw);
  return problem ? { key: `chat.phone.${problem}`, params: { phone: raw.trim() } } : undefined;
}
