/** The `contacts` command: the user's contacts, each with Message, and a form to add one. */
import { cardLang, phoneLabel, strings, type CardContact } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

/** Teams refuses cards over about 28 KB: longer lists show the first ones and a count. */
export const MAX_LISTED = 40;

export interface ContactsListCardData {
  readonly contacts: readonly (CardContact & { readonly id: string })[];
}

export function contactsListCard(
  data: ContactsListCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const sorted = [...data.contacts].sort((a, b) => a.name.localeCompare(b.name, tr.locale));
  const listed = sorted.slice(0, MAX_LISTED);
  const more = sorted.length - listed.length;
  return expand('contacts-list', {
    lang: cardLang(tr.locale),
    isEmpty: sorted.length === 0,
    contacts: listed.map((c) => ({ id: c.id, name: c.name, phoneLabel: phoneLabel(c.phone) })),
    hasMore: more > 0,
    t: {
      title: tr('card.contacts.title'),
      empty: tr('card.contacts.empty'),
      more: tr('card.contacts.more', { count: more }),
      message: tr('card.contacts.message'),
      add: tr('card.contacts.add'),
      name: tr('card.contacts.name'),
      nameRequired: tr('card.contacts.name_required'),
      phone: tr('card.contacts.phone'),
      phonePlaceholder: tr('card.contacts.phone_placeholder'),
      phoneRequired: tr('card.contacts.phone_required'),
      save: tr('card.contacts.save'),
    },
  });
}
