/**
 * The typed commands (commands.ts), each answered with one card in the user's language.
 */
import type { NoticeKey } from '../core/notice-keys.js';
import { t } from '../i18n/catalogue.js';
import {
  contactsListCard,
  helpCard,
  noticeCard,
  threadsListCard,
  type AdaptiveCard,
  VERBS,
} from './cards/index.js';
import { withNote } from './card-decorations.js';
import { refreshedFor } from './conversation-cards.js';
import { LISTED_THREADS, threadSummaries } from './card-views.js';
import { asPhoneNumber, type Command } from './commands.js';
import type { BotServices, Turn } from './turn.js';
import type { UserActions } from './user-actions.js';
import { alreadyNotice, ReplyActions } from './reply-actions.js';

export class CommandHandlers {
  constructor(
    private readonly services: BotServices,
    private readonly actions: UserActions,
  ) {}

  async run(turn: Turn, command: Command): Promise<AdaptiveCard> {
    switch (command.type) {
      case 'help':
        return helpCard(turn.locale);
      case 'contacts':
        return this.contactsList(turn);
      case 'add_contact_usage':
        return notice(turn, 'bot.add_contact_usage');
      case 'add_contact_invalid':
        return notice(turn, `chat.phone.${command.problem}`, { phone: command.phone });
      case 'add_contact': {
        // reply (issue 10): a number already in the contacts under another name asks first.
        const replies = new ReplyActions(this.services, this.actions);
        const result = await replies.addContact(turn, command.name, command.phone);
        if (!result) return notice(turn, 'bot.no_business_number');
        if (result.kind === 'duplicate')
          return replies.duplicateCard(turn, result.existing, result.name);
        // keepboth (issue 10 item 4): a name it already has is said so, not "added".
        if (result.kind === 'already')
          return noticeCard(alreadyNotice(result.contact, command.name), turn.locale);
        const added = result.contact;
        return notice(turn, 'bot.contact_added', { contact: added.name, phone: `+${added.phone}` });
      }
      case 'threads':
        return this.threadsList(turn);
      case 'new':
        return this.begin(turn, command.query);
      case 'open':
        return this.open(turn, command.query);
      case 'info':
        return this.info(turn);
    }
  }

  async contactsList(turn: Turn): Promise<AdaptiveCard> {
    return contactsListCard({ contacts: await this.actions.contacts(turn) }, turn.locale);
  }

  async threadsList(turn: Turn): Promise<AdaptiveCard> {
    // release (issue 10): the states it shows are current whenever the user sees it.
    return refreshedFor(
      turn,
      threadsListCard(
        { threads: await this.summaries(turn), now: this.services.clock.now() },
        turn.locale,
      ),
      VERBS.refreshThreads,
    );
  }

  /** The user's conversations as the list shows them, with their unread counts. */
  private async summaries(turn: Turn) {
    const conversations = await this.services.app.queries.myConversations(turn, {
      limit: LISTED_THREADS,
    });
    return threadSummaries(conversations, turn.user.id);
  }

  /** The current thread's info, or how to pick or start one. */
  async info(turn: Turn): Promise<AdaptiveCard> {
    const thread = await this.services.app.queries.currentThread(turn);
    return thread ? this.actions.threadInfo(turn, thread) : this.noCurrentThread(turn);
  }

  /** Nothing to write to yet: the user's threads to pick from, or how to start one. */
  async noCurrentThread(turn: Turn): Promise<AdaptiveCard> {
    const threads = await this.summaries(turn);
    const card =
      threads.length > 0
        ? threadsListCard({ threads, now: this.services.clock.now() }, turn.locale)
        : helpCard(turn.locale);
    return withNote(card, t(turn.locale, 'bot.no_current_thread'));
  }

  private async begin(turn: Turn, query: string): Promise<AdaptiveCard> {
    const found = await this.actions.findContacts(turn, query);
    if (found.length === 1) return this.actions.begin(turn, found[0]!);
    return this.notFoundOrMany(turn, query, found.length);
  }

  private async open(turn: Turn, query: string): Promise<AdaptiveCard> {
    const found = await this.actions.findContacts(turn, query);
    if (found.length !== 1) return this.notFoundOrMany(turn, query, found.length);
    const contact = found[0]!;
    const threads = (await this.services.app.queries.myConversations(turn)).filter(
      (c) => c.contact.id === contact.id,
    );
    const chosen =
      threads.find((c) => c.participating && c.state !== 'closed') ??
      threads.find((c) => c.participating) ??
      threads[0];
    if (!chosen) return notice(turn, 'bot.no_thread_with', { contact: contact.name });
    const thread = await this.services.app.commands.open(turn, chosen.id);
    return withNote(
      this.actions.threadInfo(turn, thread),
      t(turn.locale, 'bot.now_writing_to', { contact: thread.contact.name }),
      'default',
    );
  }

  /** No contact by that name: say so; a number not in the contacts: offer to add it; several: list them. */
  private async notFoundOrMany(turn: Turn, query: string, count: number): Promise<AdaptiveCard> {
    if (count > 1) {
      const matches = await this.actions.findContacts(turn, query);
      return withNote(
        contactsListCard({ contacts: matches }, turn.locale),
        t(turn.locale, 'bot.contact_ambiguous', { query }),
        'default',
      );
    }
    const phone = asPhoneNumber(query);
    if (phone) {
      return withNote(
        await this.contactsList(turn),
        t(turn.locale, 'bot.contact_unknown_number', { phone: `+${phone}` }),
        'default',
      );
    }
    return notice(turn, 'bot.contact_not_found', { query });
  }
}

function notice(turn: Turn, key: NoticeKey, params: Record<string, string> = {}): AdaptiveCard {
  return noticeCard({ key, params }, turn.locale);
}
