/**
 * reply (issue 10 items 1 and 4) in the bot chat and the compose extension:
 * - Reply on a notice, a message's status card or a conversation's info makes that
 *   conversation the current one (through the application layer: a thread that is not the
 *   user's gets the same "no longer exists" as one that does not exist);
 * - a number already in the user's contacts under another name is not added at once: a card
 *   asks whether to rename the user's entry or keep both names (keepboth: the shown name
 *   stays, the new one is kept as another name), and nothing changes until they choose.
 */
import { CodedError } from '../core/errors.js';
import type { NoticeKey } from '../core/notice-keys.js';
import type { Notice } from '../core/types.js';
import { sameName, type AddContactResult, type DuplicateChoice } from '../app/duplicate-contact.js';
import type { ContactView } from '../app/access.js';
import { hasKey, t } from '../i18n/catalogue.js';
import { noticeCard, type AdaptiveCard } from './cards/index.js';
import { cardLang, phoneLabel, strings } from './cards/format.js';
import { VERBS } from './cards/verbs.js';
import { withNote } from './card-decorations.js';
import { messageCard } from './card-views.js';
import type { BotServices, Turn } from './turn.js';
import type { UserActions } from './user-actions.js';

/** The compose extension's dialog verb for the duplicate question (Action.Submit). */
export const DUPLICATE_DIALOG_VERB = 'compose.duplicate';

export class ReplyActions {
  constructor(
    private readonly services: BotServices,
    private readonly actions: UserActions,
  ) {}

  /** Reply on a card about a conversation: it becomes current; the card says so. */
  async replyHere(turn: Turn, data: { threadId: string; notice?: string | undefined }) {
    const { commands, queries } = this.services.app;
    await commands.setCurrentThread(turn, data.threadId);
    const thread = await queries.thread(turn, data.threadId);
    const activityId = turn.context.activity.replyToId;
    const clicked = activityId ? await queries.messageOfCard(turn, activityId) : undefined;
    const notice = parseNotice(data.notice);
    const card =
      clicked?.message.threadId === thread.id
        ? messageCard(clicked.message, thread, turn.user.id, turn.locale, this.services.media)
        : notice
          ? noticeCard(notice, turn.locale, { threadId: thread.id })
          : this.actions.threadInfo(turn, thread);
    return withNote(
      card,
      t(turn.locale, 'reply.now_current', { contact: thread.contact.name }),
      'default',
    );
  }

  /** Add a contact, or undefined when the organisation has no business number. */
  async addContact(
    turn: Turn,
    name: string,
    phone: string,
    choice: DuplicateChoice = 'ask',
  ): Promise<AddContactResult | undefined> {
    try {
      const result = await this.services.app.commands.addContactOrAsk(turn, name, phone, choice);
      // Not the contact id: it embeds the phone number (ops, issue 12).
      this.services.logger.info({ userId: turn.user.id, outcome: result.kind }, 'contact added');
      return result;
    } catch (error) {
      if (error instanceof CodedError && error.code === 'organisation.no_business_number')
        return undefined;
      throw error;
    }
  }

  /** The question, as a card in the bot chat: rename or keep both. Nothing changed yet. */
  duplicateCard(turn: Turn, existing: ContactView, name: string): AdaptiveCard {
    const question = duplicateQuestion(turn.locale, existing, name);
    return {
      type: 'AdaptiveCard',
      version: '1.5',
      lang: cardLang(strings(turn.locale).locale),
      fallbackText: question,
      body: [{ type: 'TextBlock', text: question, wrap: true, weight: 'bolder', color: 'warning' }],
      actions: [
        {
          type: 'Action.Execute',
          title: t(turn.locale, 'reply.duplicate.rename', { name }),
          verb: VERBS.duplicateRename,
          data: { contactId: existing.id, name },
        },
        {
          type: 'Action.Execute',
          title: t(turn.locale, 'keepboth.keep_both'),
          verb: VERBS.duplicateBoth,
          data: { contactId: existing.id, name },
        },
      ],
    };
  }

  /** keepboth (issue 10 item 4): the user kept their name, and the new one as another name. */
  async keepBoth(turn: Turn, data: { contactId: string; name: string }): Promise<AdaptiveCard> {
    const contact = await this.services.app.commands.keepBoth(turn, data.contactId, data.name);
    return notice(turn, 'keepboth.kept_both', {
      existing: contact.name,
      name: data.name.trim(),
      phone: phoneLabel(contact.phone),
    });
  }

  /** The user chose to rename their entry. */
  async rename(turn: Turn, data: { contactId: string; name: string }): Promise<AdaptiveCard> {
    const before = await this.services.app.queries.contact(turn, data.contactId);
    const after = await this.services.app.commands.renameContact(turn, before.id, data.name);
    return notice(turn, 'reply.duplicate.renamed', { existing: before.name, name: after.name });
  }

  /** The user chose to keep the name they had (cards from before "keep both"). */
  async keep(turn: Turn, data: { contactId: string }): Promise<AdaptiveCard> {
    const contact = await this.services.app.queries.contact(turn, data.contactId);
    return notice(turn, 'reply.duplicate.kept', {
      existing: contact.name,
      phone: phoneLabel(contact.phone),
    });
  }
}

/** keepboth: the number is already in the contacts under this name, or as another name. */
export function alreadyNotice(contact: ContactView, name: string): Notice {
  const other = (contact.aliases ?? []).find((a) => sameName(a, name));
  return other !== undefined && !sameName(contact.name, name)
    ? {
        key: 'keepboth.already_as_alias',
        params: { phone: phoneLabel(contact.phone), existing: contact.name, name: other },
      }
    : {
        key: 'keepboth.already',
        params: { phone: phoneLabel(contact.phone), existing: contact.name },
      };
}

/** The same, as a sentence in the user's language. */
export function alreadyText(locale: string, contact: ContactView, name: string): string {
  const said = alreadyNotice(contact, name);
  return t(locale, said.key, said.params);
}

/** The sentence that asks, in the user's language: rename, or keep both (keepboth). */
export function duplicateQuestion(locale: string, existing: ContactView, name: string): string {
  return t(locale, 'keepboth.question', {
    phone: phoneLabel(existing.phone),
    existing: existing.name,
    name,
  });
}

/** The compose extension's question: rename or keep both, then the message goes as chosen. */
export function duplicateDialogCard(
  locale: string,
  existing: ContactView,
  name: string,
  message: string,
): AdaptiveCard {
  const question = duplicateQuestion(locale, existing, name);
  const data = { verb: DUPLICATE_DIALOG_VERB, contactId: existing.id, name, message };
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    lang: cardLang(strings(locale).locale),
    fallbackText: question,
    body: [{ type: 'TextBlock', text: question, wrap: true, weight: 'bolder', color: 'warning' }],
    actions: [
      {
        type: 'Action.Submit',
        title: t(locale, 'reply.duplicate.rename', { name }),
        data: { ...data, choice: 'rename' },
      },
      {
        type: 'Action.Submit',
        title: t(locale, 'keepboth.keep_both'),
        data: { ...data, choice: 'both' },
      },
    ],
  };
}

/** A notice carried by a Reply button, checked: only catalogue keys and plain values. */
function parseNotice(raw: string | undefined): Notice | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as { key?: unknown; params?: unknown; keyParams?: unknown };
    if (typeof value.key !== 'string' || !hasKey(value.key)) return undefined;
    const params = plain(value.params);
    const keyParams = plain(value.keyParams ?? {});
    if (!params || !keyParams) return undefined;
    if (Object.values(keyParams).some((k) => typeof k !== 'string' || !hasKey(k))) return undefined;
    return {
      key: value.key,
      params,
      ...(Object.keys(keyParams).length > 0
        ? { keyParams: keyParams as Record<string, NoticeKey> }
        : {}),
    };
  } catch {
    return undefined;
  }
}

function plain(value: unknown): Record<string, string | number> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.some(([, v]) => typeof v !== 'string' && typeof v !== 'number')) return undefined;
  return Object.fromEntries(entries) as Record<string, string | number>;
}

function notice(turn: Turn, key: NoticeKey, params: Record<string, string> = {}): AdaptiveCard {
  return noticeCard({ key, params }, turn.locale);
}
