/**
 * The compose extension's "New WhatsApp message" dialog: pick a contact or add one, write,
 * send; and, for a first message, the step that confirms the opt-in request.
 * Dialogs submit with Action.Submit (see verbs.ts, DIALOG_VERBS).
 */
import type { NoticeKey } from '../../core/notice-keys.js';
import { cardLang, nameList, phoneLabel, strings, threadLine, type CardContact } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

export interface NewMessageTaskCardData {
  /** keepboth (issue 10 item 4): with the user's other names for each, if any. */
  readonly contacts: readonly (CardContact & {
    readonly id: string;
    readonly aliases?: readonly string[];
  })[];
  /** Shown again after a refused Send, with what the user had entered. */
  readonly errorKey?: NoticeKey;
  /** reply (issue 10): a refusal with its details (a length, a number), already in words. */
  readonly errorText?: string;
  readonly contactId?: string;
  readonly newContactName?: string;
  readonly newContactPhone?: string;
  readonly message?: string;
}

export function newMessageTaskCard(
  data: NewMessageTaskCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const example = tr('card.contacts.phone_placeholder');
  const contacts = [...data.contacts]
    .sort((a, b) => a.name.localeCompare(b.name, tr.locale))
    .map((c) => ({
      id: c.id,
      // keepboth (issue 10 item 4): typing one of the other names in the picker finds it too.
      label:
        c.aliases && c.aliases.length > 0
          ? `${c.name} (${phoneLabel(c.phone)}) · ${tr('keepboth.also_saved_as_list', { names: nameList(c.aliases, tr.locale) })}`
          : `${c.name} (${phoneLabel(c.phone)})`,
    }));
  return expand('new-message-task', {
    lang: cardLang(tr.locale),
    hasError: data.errorKey !== undefined || data.errorText !== undefined,
    error: data.errorText ?? (data.errorKey ? tr(data.errorKey, { example }) : ''),
    hasContacts: contacts.length > 0,
    contacts,
    contactId: data.contactId ?? '',
    newContactName: data.newContactName ?? '',
    newContactPhone: data.newContactPhone ?? '',
    message: data.message ?? '',
    t: {
      title: tr('card.compose.title'),
      to: tr('card.compose.to'),
      toPlaceholder: tr('card.compose.to_placeholder'),
      noContacts: tr('card.compose.no_contacts'),
      orNew: tr('card.compose.or_new'),
      name: tr('card.contacts.name'),
      phone: tr('card.contacts.phone'),
      phonePlaceholder: example,
      message: tr('card.compose.message'),
      messagePlaceholder: tr('card.compose.message_placeholder'),
      messageRequired: tr('card.compose.message_required'),
      firstNote: tr('card.compose.first_note'),
      send: tr('card.compose.send'),
    },
  });
}

export interface NewMessageOptInTaskCardData {
  readonly contact: CardContact & { readonly id: string };
  readonly businessName: string;
  readonly message: string;
}

export function newMessageOptInTaskCard(
  data: NewMessageOptInTaskCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const contact = data.contact.name;
  return expand('new-message-opt-in-task', {
    lang: cardLang(tr.locale),
    contactId: data.contact.id,
    message: data.message,
    threadLine: threadLine(tr, data.contact),
    t: {
      title: tr('card.optin.title', { contact }),
      body: tr('card.optin.body', { contact, business: data.businessName }),
      draft: tr('card.optin.draft'),
      confirm: tr('card.compose.confirm'),
      back: tr('card.compose.back'),
    },
  });
}
