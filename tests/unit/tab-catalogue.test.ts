/**
 * The tab words everything through the catalogue: every key its source names exists in English
 * (and so, by tests/unit/i18n.test.ts, in every language), including the keys it builds from a
 * state, a status or an outcome. A missing key would show the user the key itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getCatalogue } from '../../bot/src/i18n/catalogue.js';

const tabSrc = join(dirname(fileURLToPath(import.meta.url)), '../../tabs/src');
const english = getCatalogue().en;

function sources(): string {
  return readdirSync(tabSrc)
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => readFileSync(join(tabSrc, f), 'utf8'))
    .join('\n');
}

describe("the tab's sentences", () => {
  it('names only keys the catalogue has', () => {
    const keys = [...new Set([...sources().matchAll(/'(tab\.[a-z_.]+[a-z_])'/g)].map((m) => m[1]))];
    expect(keys.length).toBeGreaterThan(80);
    expect(keys.filter((k) => !((k as string) in english))).toEqual([]);
  });

  it('has a sentence for every state, status and send outcome of the API', () => {
    const built = [
      ...['awaiting_consent', 'active', 'paused', 'closed'].map((s) => `tab.state.${s}`),
      ...['pending', 'sent', 'delivered', 'read', 'failed', 'received'].map(
        (s) => `tab.status.${s}`,
      ),
      ...['sent', 'pending', 'resume_requested'].map((o) => `tab.outcome.${o}`),
    ];
    expect(built.filter((k) => !(k in english))).toEqual([]);
    expect(english['tab.state.paused']).toBe('Paused');
    expect(english['tab.outcome.resume_requested']).toContain('{contact}');
  });
});
