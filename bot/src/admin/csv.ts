/**
 * CSV as RFC 4180 has it: CRLF between records, a field in double quotes when it holds a
 * comma, a double quote, CR or LF (a double quote inside doubled). Text stays as it is
 * (UTF-8 when written out); times are ISO 8601 in UTC.
 */
import type { Millis } from '../core/types.js';

export type CsvValue = string | number | boolean | undefined;

export function csvField(value: CsvValue, options: CsvOptions = {}): string {
  if (value === undefined) return '';
  const text = options.raw ? String(value) : neutralise(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvOptions {
  /** Keep cells exactly as stored, even those a spreadsheet would read as a formula. */
  readonly raw?: boolean | undefined;
}

/** One record, with its CRLF. */
export function csvRecord(values: readonly CsvValue[], options: CsvOptions = {}): string {
  return `${values.map((v) => csvField(v, options)).join(',')}\r\n`;
}

/**
 * What opens the file in Excel as UTF-8 (names in Japanese, accents, emoji): the byte order
 * mark, at the very start of the file, when `--bom` asks for it.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * A cell a spreadsheet would run as a formula (CSV injection, OWASP): one that begins with
 * `=`, `+`, `-` or `@` (or a tab or carriage return, which some strip first). A contact's
 * name such as `=HYPERLINK(…)` becomes `'=HYPERLINK(…)`, text the spreadsheet shows and never
 * runs. A plain number (`-1`, a phone number in E.164 such as `+447700900123`) is a value, not a
 * formula, and stays as it is.
 * https://owasp.org/www-community/attacks/CSV_Injection
 */
export function neutralise(text: string): string {
  if (!/^[=+\-@\t\r]/.test(text)) return text;
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return text;
  return `'${text}`;
}

/** An ISO 8601 UTC time (2025-01-06T09:00:00.000Z), or nothing. */
export function isoTime(at: Millis | undefined): string | undefined {
  return at === undefined ? undefined : new Date(at).toISOString();
}
