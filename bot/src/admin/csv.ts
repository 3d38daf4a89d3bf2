/**
 * CSV as RFC 4180 has it: CRLF between records, a field in double quotes when it holds a
 * comma, a double quote, CR or LF (a double quote inside doubled). Text stays as it is
 * (UTF-8 when written out); times are ISO 8601 in UTC.
 */
import type { Millis } from '../core/types.js';

export type CsvValue = string | number | boolean | undefined;

export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, with its CRLF. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** An ISO 8601 UTC time (2025-01-06T09:00:00.000Z), or nothing. */
export function isoTime(at: Millis | undefined): string | undefined {
  return at === undefined ? undefined : new Date(at).toISOString();
}
