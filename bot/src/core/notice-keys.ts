/**
 * Typed notice keys (issue 8): every key of the English catalogue, as a type, so a typo in a
 * notice or reason key is a compile error rather than a runtime throw.
 *
 * ADDING AN AREA FILE (bot/src/i18n/locales/<lang>/<area>.json): add ONE line to `Areas`
 * below for its English file, in the same form. tests/unit/i18n-keys.test.ts fails until
 * you do.
 */
/* eslint-disable @typescript-eslint/consistent-type-imports -- one line per area file */
interface Areas {
  app: typeof import('../i18n/locales/en/app.json');
  bot: typeof import('../i18n/locales/en/bot.json');
  core: typeof import('../i18n/locales/en/core.json');
  reasons: typeof import('../i18n/locales/en/reasons.json');
  teams: typeof import('../i18n/locales/en/teams.json');
  media: typeof import('../i18n/locales/en/media.json');
  tab: typeof import('../i18n/locales/en/tab.json');
  chat: typeof import('../i18n/locales/en/chat.json');
  ops: typeof import('../i18n/locales/en/ops.json');
  reply: typeof import('../i18n/locales/en/reply.json');
  release: typeof import('../i18n/locales/en/release.json');
  gather: typeof import('../i18n/locales/en/gather.json');
  alarm: typeof import('../i18n/locales/en/alarm.json');
  keepboth: typeof import('../i18n/locales/en/keepboth.json');
}
/* eslint-enable @typescript-eslint/consistent-type-imports */

/** A key of the catalogue: what `t`, notices and failure reasons take. */
export type NoticeKey = { [A in keyof Areas]: keyof Areas[A] & string }[keyof Areas];
