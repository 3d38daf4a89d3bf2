/**
 * Small helpers the card builders share: the user's language, times the Teams client renders
 * in the user's own time zone, phone numbers and names as users read them.
 */
import type { NoticeKey } from '../../core/notice-keys.js';
import { resolveLocale, t, type Locale } from '../../i18n/catalogue.js';
import type { Millis, Notice } from '../../core/types.js';

export type Params = Readonly<Record<string, string | number>>;

/** A card's contact: who the conversation is with. `phone` is E.164 without the '+'. */
export interface CardContact {
  readonly name: string;
  readonly phone: string;
}

/** Sentences from the catalogue, in one language. */
export interface Strings {
  readonly locale: Locale;
  (key: NoticeKey, params?: Params): string;
}

export function strings(requested: string | undefined): Strings {
  const locale = resolveLocale(requested);
  return Object.assign((key: NoticeKey, params: Params = {}) => t(locale, key, params), { locale });
}

/** A notice's sentence: keyParams are catalogue keys, translated first in the same language. */
export function noticeText(notice: Notice, tr: Strings): string {
  const params: Record<string, string | number> = { ...notice.params };
  for (const [name, key] of Object.entries(notice.keyParams ?? {}))
    params[name] = tr(key, notice.params);
  return tr(notice.key, params);
}

/** The card's `lang` (ISO 639-1): clients use it to localise {{DATE()}} and {{TIME()}}. */
export function cardLang(locale: Locale): string {
  return locale.split('-')[0] as string;
}

/**
 * A moment the Teams client shows in the user's own time zone and language (the bot does not
 * know the user's time zone). RFC 3339 without fractions, as the functions expect.
 * https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features#datetime-formatting-and-localization
 */
export function clientDateTime(at: Millis): string {
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

export function phoneLabel(phone: string): string {
  return `+${phone.replace(/^\+/, '')}`;
}

/** "Sam, Alex and Kim" in the user's language. */
export function nameList(names: readonly string[], locale: Locale): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(names);
}

/** At most `max` characters (code points, so no emoji is cut in half), with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max
    ? chars.join('')
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/** "WhatsApp · +55 11… · with Sam and Alex": the contact's number and the other participants. */
export function threadLine(
  tr: Strings,
  contact: CardContact,
  colleagues: readonly string[] = [],
): string {
  const phone = phoneLabel(contact.phone);
  return colleagues.length
    ? tr('card.thread.line_group', { phone, participants: nameList(colleagues, tr.locale) })
    : tr('card.thread.line', { phone });
}

/** Time left in the customer-service window, rounded down to the minute; none once it closed. */
export function windowLeft(
  tr: Strings,
  closesAt: Millis | undefined,
  now: Millis,
): string | undefined {
  if (closesAt === undefined || closesAt <= now) return undefined;
  const minutes = Math.floor((closesAt - now) / 60_000);
  return tr('card.window.left', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}
