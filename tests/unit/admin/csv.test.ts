import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, isoTime } from '../../../bot/src/admin/csv.js';

describe('the CSV writer (RFC 4180)', () => {
  it('leaves plain fields alone and writes nothing for a missing value', () => {
    expect(csvRecord(['t-1', 42, true, undefined, ''])).toBe('t-1,42,true,,\r\n');
  });

  it('quotes fields with commas, quotes or line breaks, doubling the quotes inside', () => {
    expect(csvField('Silva, Maria')).toBe('"Silva, Maria"');
    expect(csvField('She said "yes"')).toBe('"She said ""yes"""');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('windows\r\nbreak')).toBe('"windows\r\nbreak"');
    expect(csvField('"')).toBe('""""');
    expect(csvRecord(['a,b', 'c"d', 'e\nf'])).toBe('"a,b","c""d","e\nf"\r\n');
  });

  it('keeps non-ASCII text as it is (UTF-8 when written)', () => {
    expect(csvRecord(['São Paulo', '東京', 'Zoë 👋', 'Ünïcödé, ja'])).toBe(
      'São Paulo,東京,Zoë 👋,"Ünïcödé, ja"\r\n',
    );
  });

  it('writes times as ISO 8601 in UTC', () => {
    expect(isoTime(Date.UTC(2026, 0, 5, 9, 30, 15, 250))).toBe('2026-01-05T09:30:15.250Z');
    expect(isoTime(undefined)).toBeUndefined();
  });
});
