/** The `contacts` command: the user's contacts, each with Message, and a form to add one. */
import { cardLang, nameList, phoneLabel, strings, type CardContact } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

/** Teams refuses cards over about 28 KB: longer lists show the first ones and a count. */
export const MAX_LISTED = 40;

export interface ContactsListCardData {
  /** keepboth (issue 10 item 4): with the user's other names for each, if any. */
  readonly contacts: readonly (CardContact & {
    readonly id: string;
    readonly aliases?: readonly string[];
  })[];
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
    contacts: listed.map((c) => ({
      id: c.id,
      name: c.name,
      // keepboth (issue 10 item 4): the name stays the shown one; the others beside the number.
      phoneLabel:
        c.aliases && c.aliases.length > 0
          ? `${phoneLabel(c.phone)} · ${tr('keepboth.also_saved_as_list', { names: nameList(c.aliases, tr.locale) })}`
          : phoneLabel(c.phone),
    })),
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
