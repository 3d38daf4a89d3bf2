/**
 * The catalogue of every user-visible sentence, by key, in each supported language.
 *
 * Each language is a folder under locales/ holding JSON files by area (core.json for the
 * engine's notices, reasons.json for WhatsApp failure reasons, teams.json for cards, …); the
 * files of one language are merged. tests/unit/i18n.test.ts checks that every key exists in
 * every language with the same placeholders.
 *
 * A NEW AREA FILE: also add one line for its English file to `Areas` in
 * bot/src/core/notice-keys.ts, so its keys are typed (tests/unit/i18n-keys.test.ts checks).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NoticeKey } from '../core/notice-keys.js';
import { expandPlurals, parameterNames } from './plural.js';

export const SUPPORTED_LOCALES = ['en', 'es', 'fr', 'de', 'pt-BR', 'it', 'ja', 'zh-CN'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export type Messages = Readonly<Record<string, string>>;

const localesDir = join(dirname(fileURLToPath(import.meta.url)), 'locales');

function loadLocale(locale: Locale): Messages {
  const dir = join(localesDir, locale);
  const merged: Record<string, string> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const entries = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value !== 'string')
        throw new Error(`i18n ${locale}/${file}: ${key} is not a string`);
      if (key in merged) throw new Error(`i18n ${locale}/${file}: ${key} is defined twice`);
      merged[key] = value;
    }
  }
  return merged;
}

let catalogue: Readonly<Record<Locale, Messages>> | undefined;

/** All languages, loaded once. */
export function getCatalogue(): Readonly<Record<Locale, Messages>> {
  catalogue ??= Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, loadLocale(l)])) as Record<
    Locale,
    Messages
  >;
  return catalogue;
}

/**
 * The supported locale closest to a Teams locale ("pt-br", "fr-CA", "zh-Hans-CN", "en-US"):
 * exact match first, then the language alone, then English.
 */
export function resolveLocale(requested: string | undefined | null): Locale {
  if (!requested) return DEFAULT_LOCALE;
  const lower = requested.toLowerCase();
  const exact = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split(/[-_]/)[0];
  if (language === 'pt') return 'pt-BR';
  if (language === 'zh') return 'zh-CN';
  return SUPPORTED_LOCALES.find((l) => l.toLowerCase() === language) ?? DEFAULT_LOCALE;
}

/**
 * Placeholders are `{name}`; a missing parameter is left visible rather than dropped. A count
 * is a plural block, `{count, plural, one {…} other {…}}` (plural.ts), chosen by the
 * language's plural rules.
 */
export function placeholders(text: string): string[] {
  return parameterNames(text);
}

export function hasKey(key: string): key is NoticeKey {
  return key in getCatalogue()[DEFAULT_LOCALE];
}

/** The sentence for `key` in the user's language, with its parameters filled in. */
export function t(
  locale: string | undefined,
  key: NoticeKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  const all = getCatalogue();
  const text = all[resolveLocale(locale)][key] ?? all[DEFAULT_LOCALE][key];
  if (text === undefined) throw new Error(`i18n: unknown key ${key}`);
  return expandPlurals(text, resolveLocale(locale), params).replace(
    /\{(\w+)\}/g,
    (whole, name: string) => (name in params ? String(params[name]) : whole),
  );
}
