/** A user who cannot use the app yet sees why, and whom to ask: not an error. */
import { cardLang, strings } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

export interface NotEnabledCardData {
  /** The organisation has not enabled the connector, or has not enabled this user. */
  readonly reason: 'organisation' | 'user';
  /** Whom to ask, when the organisation named someone. */
  readonly admin?: string;
}

export function notEnabledCard(data: NotEnabledCardData, locale: string | undefined): AdaptiveCard {
  const tr = strings(locale);
  const body =
    data.reason === 'organisation'
      ? tr('card.not_enabled.organisation')
      : data.admin
        ? tr('card.not_enabled.user_admin', { admin: data.admin })
        : tr('card.not_enabled.user');
  return expand('not-enabled', {
    lang: cardLang(tr.locale),
    t: { title: tr('card.not_enabled.title'), body },
  });
}
