/**
 * What a user does with contacts and threads, whatever they used to do it (a typed command,
 * a card's button, the compose extension): find and add contacts, begin a conversation,
 * confirm an opt-in, write. Each answers with the card to show.
 */
import { CodedError } from '../core/errors.js';
import {
  isRejection,
  type MediaRef,
  type Message,
  type Outcome,
  type Thread,
  type UserRef,
} from '../core/types.js';
import { t } from '../i18n/catalogue.js';
import { isOwnWords } from './user-channel.js';
import {
  noticeCard,
  optInConfirmationCard,
  threadInfoCard,
  type AdaptiveCard,
} from './cards/index.js';
import { withNote } from './card-decorations.js';
import { cardActivity, messageCard, type AddressBookContact } from './card-views.js';
import { asPhoneNumber } from './commands.js';
import { otherNamesOf } from '../app/access.js';
import type { BotServices, Turn } from './turn.js';
import { foldName as fold } from '../core/fold-name.js';

/** Where the author's status card goes: an answer in this turn, or their personal chat. */
export type PostVia = 'turn' | 'personal_chat';

export class UserActions {
  constructor(private readonly services: BotServices) {}

  /** The thread the user last worked in: where a plain typed message goes. */
  async setCurrentThread(turn: Turn, threadId: string): Promise<void> {
    await this.services.app.commands.setCurrentThread(turn, threadId);
  }

  contacts(turn: Turn): Promise<AddressBookContact[]> {
    return this.services.app.queries.contacts(turn);
  }

  /**
   * The user's contacts matching a name or a number: exact matches first, then partial ones.
   * keepboth (issue 10 item 4): by the user's other names for a contact too (their own).
   */
  async findContacts(turn: Turn, query: string): Promise<AddressBookContact[]> {
    const contacts = await this.contacts(turn);
    const phone = asPhoneNumber(query);
    if (phone) return contacts.filter((c) => c.phone === phone);
    const q = fold(query);
    if (!q) return [];
    const names = (c: AddressBookContact) => [c.name, ...(c.aliases ?? [])].map(fold);
    const exact = contacts.filter((c) => names(c).includes(q));
    if (exact.length > 0) return exact;
    const digits = query.replace(/\D/g, '');
    return contacts.filter(
      (c) =>
        names(c).some((n) => n.includes(q)) || (digits.length >= 4 && c.phone.includes(digits)),
    );
  }

  /** Add a contact to the user's contacts; undefined when the organisation has no number. */
  async addContact(
    turn: Turn,
    name: string,
    phone: string,
  ): Promise<AddressBookContact | undefined> {
    try {
      const added = await this.services.app.commands.addContact(turn, name, phone);
      // Not the contact id: it embeds the phone number (ops, issue 12).
      this.services.logger.info({ userId: turn.user.id }, 'contact added to address book');
      return added;
    } catch (error) {
      if (error instanceof CodedError && error.code === 'organisation.no_business_number')
        return undefined;
      throw error;
    }
  }

  /**
   * `new`: with no open thread, confirm the opt-in first; with one the user is in, it just
   * becomes current; with one of colleagues', the engine says why not (or hands over a
   * thread nobody answered).
   */
  async begin(turn: Turn, contact: AddressBookContact, draft?: string): Promise<AdaptiveCard> {
    const begun = await this.services.app.commands.begin(turn, contact.id);
    switch (begun.kind) {
      case 'current':
        return withNote(
          this.threadInfo(turn, begun.thread),
          t(turn.locale, 'bot.now_writing_to', { contact: begun.thread.contact.name }),
          'default',
        );
      case 'started':
        return this.startCard(turn, begun.outcome);
      case 'confirm_opt_in':
        return optInConfirmationCard(
          {
            contact: { id: begun.contact.id, name: begun.contact.name, phone: begun.contact.phone },
            businessName: this.services.businessName,
            ...(draft ? { draft } : {}),
          },
          turn.locale,
        );
    }
  }

  /** The opt-in was confirmed: a new thread (or a restarted one), and the draft written to it, pending. */
  async confirmOptIn(
    turn: Turn,
    input: { contactId: string; draft?: string | undefined; restartThreadId?: string | undefined },
    via: PostVia = 'turn',
  ): Promise<{ card: AdaptiveCard; outcome: Outcome }> {
    const outcome = input.restartThreadId
      ? await this.services.app.commands.restart(turn, input.restartThreadId)
      : await this.services.app.commands.start(turn, input.contactId);
    if (isRejection(outcome)) return { card: await this.startCard(turn, outcome), outcome };
    let thread = outcome.thread;
    if (input.draft) {
      const written = await this.write(turn, thread.id, { body: input.draft }, via);
      if (!isRejection(written)) thread = written.thread;
    }
    return { card: this.threadInfo(turn, thread), outcome };
  }

  /** Write to a thread; on success it becomes current and the author gets the message's status card. */
  async write(
    turn: Turn,
    threadId: string,
    content: { body?: string; media?: MediaRef; mediaKind?: 'image' | 'document' },
    via: PostVia,
  ): Promise<Outcome> {
    const outcome = await this.services.app.commands.write(turn, threadId, content);
    if (isRejection(outcome)) return outcome;
    const mine = outcome.messages.find((m) => isOwnWords(m, turn.user.id));
    if (mine) await this.postStatusCard(turn, mine, outcome.thread, via);
    return outcome;
  }

  /** release (issue 10): Send again on a failed message; the new attempt gets its status card. */
  async sendAgain(turn: Turn, messageId: string): Promise<Outcome> {
    const outcome = await this.services.app.commands.sendAgain(turn, messageId);
    if (isRejection(outcome)) return outcome;
    const again = outcome.messages.find((m) => m.retryOf === messageId);
    if (again) await this.postStatusCard(turn, again, outcome.thread, 'turn');
    return outcome;
  }

  /**
   * The author's own message, as a status card naming the recipient ("To Maria Silva",
   * WhatsApp · +55 …), recorded so receipts update it in place. A receipt that arrived while
   * the card was on its way found no card to update (TeamsUserChannel skips the author's own
   * words), so once recorded the card is brought up to date here if the message moved on.
   */
  async postStatusCard(turn: Turn, message: Message, thread: Thread, via: PostVia): Promise<void> {
    const render = (m: Message, th: Thread) =>
      cardActivity(messageCard(m, th, turn.user.id, turn.locale, this.services.media));
    const log = this.services.logger.child({
      userId: turn.user.id,
      messageId: message.id,
      threadId: thread.id,
    });
    try {
      const user = (await this.services.app.records.user(turn.user.id)) ?? turn.user;
      const target = this.services.messenger.targetOf(user);
      let posted: { activityId: string; conversationId: string } | undefined;
      if (via === 'turn') {
        const response = await this.services.messenger.inTurn(target, () =>
          turn.context.sendActivity(render(message, thread)),
        );
        if (response?.id)
          posted = {
            activityId: response.id,
            conversationId: turn.context.activity.conversation.id,
          };
      } else if (target) {
        await this.services.messenger.waitForSlot(target);
        posted = await this.services.messenger.send(user, render(message, thread));
      }
      if (!posted) return;
      await this.services.app.commands.keepMessageCard(turn, { messageId: message.id, ...posted });

      const { message: now, thread: fresh } = await this.services.app.queries.message(
        turn,
        message.id,
      );
      if (now.status === message.status && now.failure === message.failure) return;
      if (via === 'turn') {
        // gather: an update in place counts in Teams' windows like a post.
        await this.services.messenger.inTurn(target, () =>
          turn.context.updateActivity({ ...render(now, fresh), id: posted.activityId }),
        );
      } else if (target) {
        await this.services.messenger.waitForSlot(target);
        await this.services.messenger.update(
          user,
          posted.conversationId,
          posted.activityId,
          render(now, fresh),
        );
      }
    } catch (error) {
      log.warn({ err: error }, 'could not post or update the status card of the author');
    }
  }

  threadInfo(turn: Turn, thread: Thread): AdaptiveCard {
    // release (issue 10): the card refreshes itself for the user who sees it (their MRI).
    const viewer = turn.context.activity.from?.id;
    return threadInfoCard(
      {
        thread,
        // keepboth (issue 10 item 4): "Also saved as" the user's other names for the contact.
        otherNames: otherNamesOf(thread),
        viewerId: turn.user.id,
        now: this.services.clock.now(),
        ...(viewer ? { refreshFor: [viewer] } : {}),
      },
      turn.locale,
    );
  }

  /** Colleagues who may join: enabled, same tenant and sub-organisation, not in the thread yet. */
  candidates(turn: Turn, thread: Thread): Promise<UserRef[]> {
    return this.services.app.queries.candidatesFor(turn, thread);
  }

  /** After start: the refusal with its reason, or the thread the user now works in. */
  private async startCard(turn: Turn, outcome: Outcome): Promise<AdaptiveCard> {
    if (isRejection(outcome)) return noticeCard(outcome.notice, turn.locale);
    return withNote(
      this.threadInfo(turn, outcome.thread),
      t(turn.locale, 'bot.now_writing_to', { contact: outcome.thread.contact.name }),
      'default',
    );
  }
}
