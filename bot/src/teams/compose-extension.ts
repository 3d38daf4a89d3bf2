/**
 * The compose extension, from any chat's compose box:
 * - "New WhatsApp message" (action command `newWhatsAppMessage`): a dialog to pick or add a
 *   contact and write; the first message to a contact asks to confirm the opt-in, then is
 *   kept pending until the contact agrees. The message's status card goes to the user's
 *   personal chat with the bot, where receipts update it.
 *   https://learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/action-commands/create-task-module
 * - the search command: the user's contacts and threads by name or number.
 *   https://learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/search-commands/respond-to-search
 */
import {
  CardFactory,
  type MessagingExtensionActionResponse,
  type MessagingExtensionAttachment,
  type MessagingExtensionResponse,
} from 'botbuilder';
import { isRejection, type Notice } from '../core/types.js';
import { t } from '../i18n/catalogue.js';
import {
  asAttachment,
  contactsListCard,
  dialogErrorKey,
  newMessageOptInTaskCard,
  newMessageTaskCard,
  noticeCard,
  parseDialogSubmission,
  type AdaptiveCard,
} from './cards/index.js';
import { strings } from './cards/format.js';
import type { AddressBookContact } from './card-views.js';
import type { BotServices, Turn } from './turn.js';
import type { UserActions } from './user-actions.js';
import { z } from 'zod';
import { DIALOG_VERBS, MAX_TEXT, noticeText } from './cards/index.js';
import { numberProblem, textProblem } from './input-rules.js';
import { DUPLICATE_DIALOG_VERB, duplicateDialogCard, ReplyActions } from './reply-actions.js';

/** reply (issue 10): the answer to the duplicate number's question in the dialog. */
const duplicateAnswer = z.object({
  contactId: z.string().trim().min(1).max(256),
  name: z.string().trim().min(1).max(256),
  message: z.string().trim().min(1).max(MAX_TEXT),
  // keepboth (issue 10 item 4): 'both'; 'keep' from dialogs opened before it.
  choice: z.enum(['rename', 'both', 'keep']),
});

export const NEW_MESSAGE_COMMAND = 'newWhatsAppMessage';
/** Teams shows at most this many results; more would not help anyone find a contact. */
const MAX_RESULTS = 25;

export class ComposeExtension {
  constructor(
    private readonly services: BotServices,
    private readonly actions: UserActions,
  ) {}

  /** The dialog's first step: the user's contacts, or add one, and the message. */
  async fetchTask(turn: Turn): Promise<MessagingExtensionActionResponse> {
    return this.dialog(
      turn.locale,
      newMessageTaskCard({ contacts: await this.actions.contacts(turn) }, turn.locale),
    );
  }

  async submitAction(turn: Turn, data: unknown): Promise<MessagingExtensionActionResponse> {
    const contacts = await this.actions.contacts(turn);
    // reply (issue 10): the chat's input rules, and the duplicate number's question.
    const checked = await this.reply10(turn, data, contacts);
    if (checked) return checked;
    const parsed = parseDialogSubmission(data);
    if (!parsed.success) {
      const entered = (typeof data === 'object' && data !== null ? data : {}) as Record<
        string,
        unknown
      >;
      const text = (key: string) =>
        typeof entered[key] === 'string' ? (entered[key] as string) : undefined;
      return this.dialog(
        turn.locale,
        newMessageTaskCard(
          {
            contacts,
            errorKey: dialogErrorKey(parsed.error),
            ...defined({
              contactId: text('contactId'),
              newContactName: text('newContactName'),
              newContactPhone: text('newContactPhone'),
              message: text('message'),
            }),
          },
          turn.locale,
        ),
      );
    }
    const submission = parsed.data;
    switch (submission.verb) {
      case 'compose.back':
        return this.dialog(
          turn.locale,
          newMessageTaskCard(
            { contacts, contactId: submission.contactId, message: submission.message },
            turn.locale,
          ),
        );
      case 'compose.optin.confirm': {
        const contact = contacts.find((c) => c.id === submission.contactId);
        if (!contact)
          return this.dialog(
            turn.locale,
            newMessageTaskCard(
              { contacts, errorKey: 'card.compose.no_contact', message: submission.message },
              turn.locale,
            ),
          );
        const { outcome } = await this.actions.confirmOptIn(
          turn,
          { contactId: contact.id, draft: submission.message },
          'personal_chat',
        );
        if (isRejection(outcome)) return this.message(turn.locale, outcome.notice);
        return this.message(turn.locale, {
          key: 'bot.compose.pending',
          params: { contact: outcome.thread.contact.name },
        });
      }
      case 'compose.send': {
        if (submission.to.kind === 'new') {
          const result = await new ReplyActions(this.services, this.actions).addContact(
            turn,
            submission.to.name,
            submission.to.phone,
          );
          if (result?.kind === 'duplicate')
            return this.dialog(
              turn.locale,
              duplicateDialogCard(turn.locale, result.existing, result.name, submission.message),
            );
          if (result) return this.send(turn, result.contact, submission.message);
        }
        const contact =
          submission.to.kind === 'new'
            ? undefined
            : contacts.find(
                (c) => submission.to.kind === 'contact' && c.id === submission.to.contactId,
              );
        if (!contact)
          return this.dialog(
            turn.locale,
            newMessageTaskCard(
              { contacts, errorKey: 'card.compose.no_contact', message: submission.message },
              turn.locale,
            ),
          );
        return this.send(turn, contact, submission.message);
      }
    }
  }

  /**
   * reply (issue 10): what the chat refuses, the dialog refuses with the same sentence (an
   * empty or over-long message, a number that is not one, and why), the user's entries kept;
   * and the answer to the duplicate number's question. Undefined: carry on as before.
   */
  private async reply10(
    turn: Turn,
    data: unknown,
    contacts: readonly AddressBookContact[],
  ): Promise<MessagingExtensionActionResponse | undefined> {
    const entered = (typeof data === 'object' && data !== null ? data : {}) as Record<
      string,
      unknown
    >;
    const text = (key: string) =>
      typeof entered[key] === 'string' ? (entered[key] as string) : undefined;
    if (entered.verb === DUPLICATE_DIALOG_VERB) {
      const answer = duplicateAnswer.safeParse(entered);
      if (!answer.success)
        return this.message(turn.locale, { key: 'bot.invalid_submission', params: {} });
      const { contactId, name, message, choice } = answer.data;
      const contact =
        choice === 'rename'
          ? await this.services.app.commands.renameContact(turn, contactId, name)
          : choice === 'both'
            ? await this.services.app.commands.keepBoth(turn, contactId, name)
            : await this.services.app.queries.contact(turn, contactId);
      return this.send(turn, contact, message);
    }
    if (entered.verb !== DIALOG_VERBS.send) return undefined;
    const message = text('message') ?? '';
    const phone = text('newContactPhone')?.trim() ? text('newContactPhone') : undefined;
    const problem =
      textProblem(message, { attachments: 0, surface: 'dialog', locale: turn.locale }) ??
      (phone !== undefined ? numberProblem(phone) : undefined);
    if (!problem) return undefined;
    return this.dialog(
      turn.locale,
      newMessageTaskCard(
        {
          contacts,
          errorText: noticeText(problem, strings(turn.locale)),
          ...defined({
            contactId: text('contactId'),
            newContactName: text('newContactName'),
            newContactPhone: text('newContactPhone'),
            message,
          }),
        },
        turn.locale,
      ),
    );
  }

  /** Send from the dialog: at once to an open thread, or through the opt-in step first. */
  private async send(
    turn: Turn,
    contact: AddressBookContact,
    message: string,
  ): Promise<MessagingExtensionActionResponse> {
    const begun = await this.services.app.commands.begin(turn, contact.id);
    if (begun.kind === 'confirm_opt_in')
      return this.dialog(
        turn.locale,
        newMessageOptInTaskCard(
          {
            contact: { id: begun.contact.id, name: begun.contact.name, phone: begun.contact.phone },
            businessName: this.services.businessName,
            message,
          },
          turn.locale,
        ),
      );
    // A colleague's conversation (refused, with who has it), or one nobody answered (taken).
    let open = begun.kind === 'current' ? begun.thread : undefined;
    if (begun.kind === 'started') {
      if (isRejection(begun.outcome)) return this.message(turn.locale, begun.outcome.notice);
      open = begun.outcome.thread;
    }
    if (!open) return this.message(turn.locale, { key: 'bot.error', params: {} });
    const written = await this.actions.write(turn, open.id, { body: message }, 'personal_chat');
    if (isRejection(written)) return this.message(turn.locale, written.notice);
    return this.message(turn.locale, {
      key: 'bot.compose.sent',
      params: { contact: open.contact.name },
    });
  }

  /** Search: the user's contacts and threads whose name or number matches. */
  async query(turn: Turn, text: string): Promise<MessagingExtensionResponse> {
    const q = text.trim();
    const contacts = q
      ? await this.actions.findContacts(turn, q)
      : await this.actions.contacts(turn);
    const conversations = await this.services.app.queries.myConversations(turn, {
      participatingOnly: true,
    });
    const threads = conversations
      .map((c) => c.thread)
      .filter(
        (th) =>
          !q ||
          contacts.some((c) => c.id === th.contact.id) ||
          th.contact.name.toLowerCase().includes(q.toLowerCase()) ||
          th.contact.phone.includes(q.replace(/\D/g, '') || '\u0000'),
      );
    const tr = strings(turn.locale);
    const attachments: MessagingExtensionAttachment[] = [
      ...threads.map((thread) => ({
        ...asAttachment(this.actions.threadInfo(turn, thread)),
        preview: CardFactory.thumbnailCard(
          thread.contact.name,
          `+${thread.contact.phone} · ${tr(`card.state.${thread.state}`)}`,
        ),
      })),
      ...contacts.map((contact) => ({
        ...asAttachment(contactsListCard({ contacts: [contact] }, turn.locale)),
        preview: CardFactory.thumbnailCard(contact.name, `+${contact.phone}`),
      })),
    ].slice(0, MAX_RESULTS);
    return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments } };
  }

  dialog(locale: string, card: AdaptiveCard): MessagingExtensionActionResponse {
    return {
      task: {
        type: 'continue',
        value: {
          title: t(locale, 'card.compose.title'),
          height: 'large',
          width: 'medium',
          card: asAttachment(card),
        },
      },
    };
  }

  /**
   * End the dialog's steps with a sentence: what happened, or why not. As a card in the dialog
   * rather than a `message` task: every client shows a card (the Agents Playground shows an
   * empty dialog for `message`), and the card can say how much it matters.
   */
  message(locale: string, notice: Notice): MessagingExtensionActionResponse {
    return this.dialog(locale, noticeCard(notice, locale));
  }
}

function defined<T extends Record<string, string | undefined>>(
  values: T,
): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: string;
  };
}
