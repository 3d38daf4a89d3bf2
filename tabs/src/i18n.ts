/**
 * The tab's sentences come from the product's one catalogue (bot/src/i18n/locales/<lang>/*.json),
 * bundled at build time: one chunk per language, loaded when the Teams user's locale is known.
 * The tab's own sentences are in tab.json; notices and failure reasons (notice.key, reasonKey)
 * are the engine's and WhatsApp's, from the other files, so the tab words them exactly as the bot.
 */
import { expandPlurals } from '../../bot/src/i18n/plural.js';

type Messages = Record<string, string>;

export const SUPPORTED_LOCALES = ['en', 'es', 'fr', 'de', 'pt-BR', 'it', 'ja', 'zh-CN'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const files = import.meta.glob<Messages>('../../bot/src/i18n/locales/*/*.json', {
  import: 'default',
});

/** The supported locale closest to a Teams locale ("pt-br", "fr-CA", "zh-Hans-CN"), as the bot does. */
export function resolveLocale(requested: string | undefined | null): Locale {
  if (!requested) return 'en';
  const lower = requested.toLowerCase();
  const exact = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split(/[-_]/)[0];
  if (language === 'pt') return 'pt-BR';
  if (language === 'zh') return 'zh-CN';
  return SUPPORTED_LOCALES.find((l) => l.toLowerCase() === language) ?? 'en';
}

async function load(locale: Locale): Promise<Messages> {
  const prefix = `../../bot/src/i18n/locales/${locale}/`;
  const parts = await Promise.all(
    Object.entries(files)
      .filter(([path]) => path.startsWith(prefix))
      .map(([, loader]) => loader()),
  );
  return Object.assign({}, ...parts) as Messages;
}

export type Params = Readonly<Record<string, string | number>>;

export interface Translator {
  readonly locale: Locale;
  /** The sentence for `key`, parameters filled in; English if the language lacks it. */
  t(key: string, params?: Params): string;
  has(key: string): boolean;
  /** Formats a number in the user's language (1,234 / 1 234 / 1.234). */
  number(n: number): string;
  /** A time of day for today, else a short date and time. */
  when(epochMs: number, now: number): string;
  /** Date and time in full, for Info. */
  dateTime(epochMs: number): string;
}

export async function loadTranslator(requested: string | undefined | null): Promise<Translator> {
  const locale = resolveLocale(requested);
  const [english, own] = await Promise.all([
    load('en'),
    locale === 'en' ? Promise.resolve({}) : load(locale),
  ]);
  return makeTranslator(locale, { ...english, ...own });
}

export function makeTranslator(locale: Locale, messages: Messages): Translator {
  const numberFormat = new Intl.NumberFormat(locale);
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const dayFormat = new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const fullFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  return {
    locale,
    t(key, params = {}) {
      const text = messages[key];
      if (text === undefined) return key;
      // Counts choose their plural form as the bot does (bot/src/i18n/plural.ts).
      return expandPlurals(text, locale, params).replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in params ? String(params[name]) : whole,
      );
    },
    has: (key) => key in messages,
    number: (n) => numberFormat.format(n),
    when(epochMs, now) {
      const a = new Date(epochMs);
      const b = new Date(now);
      const sameDay = a.toDateString() === b.toDateString();
      return sameDay ? timeFormat.format(a) : dayFormat.format(a);
    },
    dateTime: (epochMs) => fullFormat.format(new Date(epochMs)),
  };
}
