/**
 * Before the first message to a contact (or a restart): confirm sending the opt-in request.
 * WhatsApp's Business policy requires the contact's consent before the business writes.
 * https://www.whatsapp.com/legal/business-policy/
 */
import { cardLang, strings, threadLine, type CardContact } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

export interface OptInConfirmationCardData {
  readonly contact: CardContact & { readonly id: string };
  /** The business name the opt-in request shows the contact. */
  readonly businessName: string;
  /** The message the user wrote, sent (pending) once the opt-in goes out. */
  readonly draft?: string;
  /** Set when restarting a closed conversation: a new opt-in, in a new thread. */
  readonly restartThreadId?: string;
}

export function optInConfirmationCard(
  data: OptInConfirmationCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const contact = data.contact.name;
  const t = {
    title: tr(data.restartThreadId ? 'card.optin.restart_title' : 'card.optin.title', { contact }),
    body: tr('card.optin.body', { contact, business: data.businessName }),
    draft: tr('card.optin.draft'),
    confirm: tr('card.optin.confirm'),
    cancel: tr('card.action.cancel'),
  };
  const draft = data.draft?.trim() ?? '';
  return expand('opt-in-confirmation', {
    lang: cardLang(tr.locale),
    fallbackText: t.title,
    contactId: data.contact.id,
    threadLine: threadLine(tr, data.contact),
    hasDraft: draft !== '',
    draft,
    restartThreadId: data.restartThreadId ?? '',
    t,
  });
}
