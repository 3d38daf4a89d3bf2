/**
 * Typed notice keys (issue 8): every key of the English catalogue, as a type, so a typo in a
 * notice or reason key is a compile error rather than a runtime throw.
 *
 * ADDING AN AREA FILE (bot/src/i18n/locales/<lang>/<area>.json): add ONE line to `Areas`
 * below for its English file, in the same form. tests/unit/i18n-keys.test.ts fails until
 * you do.
 */
interface Areas {
  app: typeof import('./locales/en/app.json', { with: { type: 'json' } });
  bot: typeof import('./locales/en/bot.json', { with: { type: 'json' } });
  core: typeof import('./locales/en/core.json', { with: { type: 'json' } });
  reasons: typeof import('./locales/en/reasons.json', { with: { type: 'json' } });
  teams: typeof import('./locales/en/teams.json', { with: { type: 'json' } });
}

/** A key of the catalogue: what `t`, notices and failure reasons take. */
export type NoticeKey = { [A in keyof Areas]: keyof Areas[A] & string }[keyof Areas];
