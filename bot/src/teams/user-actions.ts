/**
 * What a user does with contacts and threads, whatever they used to do it (a typed command,
 * a card's button, the compose extension): find and add contacts, begin a conversation,
 * confirm an opt-in, write. Each answers with the card to show.
 */
import { isContactBlocked } from '../core/engine.js';
import {
  isRejection,
  type MediaRef,
  type Message,
  type Outcome,
  type Thread,
  type UserRef,
} from '../core/types.js';
import { contactIdFor } from '../app/conversations.js';
import { t } from '../i18n/catalogue.js';
import { isOwnWords } from './user-channel.js';
import type { UserRecord } from '../store/port.js';
import {
  noticeCard,
  optInConfirmationCard,
  threadInfoCard,
  type AdaptiveCard,
} from './cards/index.js';
import { withNote } from './card-decorations.js';
import { addressBook, cardActivity, messageCard, type AddressBookContact } from './card-views.js';
import { asPhoneNumber } from './commands.js';
import { businessNumberOf } from './enablement.js';
import type { BotServices, Turn } from './turn.js';

/** Where the author's status card goes: an answer in this turn, or their personal chat. */
export type PostVia = 'turn' | 'personal_chat';

export class UserActions {
  constructor(private readonly s: BotServices) {}

  /** The thread the user last worked in: where a plain typed message goes. */
  async setCurrentThread(turn: Turn, threadId: string): Promise<void> {
    const user = (await this.s.store.getUser(turn.user.id)) ?? turn.user;
    if (user.currentThreadId !== threadId)
      await this.s.store.putUser({ ...user, currentThreadId: threadId });
  }

  contacts(userId: string): Promise<AddressBookContact[]> {
    return addressBook(this.s.store, userId);
  }

  /** The user's contacts matching a name or a number: exact matches first, then partial ones. */
  async findContacts(userId: string, query: string): Promise<AddressBookContact[]> {
    const contacts = await this.contacts(userId);
    const phone = asPhoneNumber(query);
    if (phone) return contacts.filter((c) => c.phone === phone);
    const q = fold(query);
    if (!q) return [];
    const exact = contacts.filter((c) => fold(c.name) === q);
    if (exact.length > 0) return exact;
    const digits = query.replace(/\D/g, '');
    return contacts.filter(
      (c) => fold(c.name).includes(q) || (digits.length >= 4 && c.phone.includes(digits)),
    );
  }

  /** Add a contact to the user's contacts, on the organisation's business number. */
  async addContact(
    turn: Turn,
    name: string,
    phone: string,
  ): Promise<AddressBookContact | undefined> {
    const businessNumberId = businessNumberOf(turn.organisation);
    if (!businessNumberId) return undefined;
    const id = contactIdFor(businessNumberId, phone);
    const existing = await this.s.store.getContact(id);
    if (!existing) await this.s.store.putContact({ id, businessNumberId, phone, name });
    await this.s.store.putAddressBookEntry({ userId: turn.user.id, contactId: id, name });
    // Not the contact id: it embeds the phone number (ops, issue 12).
    this.s.logger.info({ userId: turn.user.id }, 'contact added to address book');
    return { id, name, phone, businessNumberId };
  }

  /**
   * `new`: with no open thread, confirm the opt-in first; with one the user is in, it just
   * becomes current; with one of colleagues', the engine says why not (or hands over a
   * thread nobody answered).
   */
  async begin(turn: Turn, contact: AddressBookContact, draft?: string): Promise<AdaptiveCard> {
    const stored = await this.s.store.getContact(contact.id);
    const open = await this.s.store.findOpenThread(contact.businessNumberId, contact.id);
    if (open?.participants.some((p) => p.id === turn.user.id)) {
      await this.setCurrentThread(turn, open.id);
      return withNote(
        this.threadInfo(turn, open),
        t(turn.locale, 'bot.now_writing_to', { contact: open.contact.name }),
        'default',
      );
    }
    if (open)
      return this.startCard(
        turn,
        await this.s.conversations.start(this.ref(turn.user), contact.id),
      );
    if (stored && isContactBlocked(stored)) {
      return noticeCard(
        { key: 'thread.contact_opted_out', params: { contact: stored.name } },
        turn.locale,
      );
    }
    return optInConfirmationCard(
      {
        contact: { id: contact.id, name: stored?.name ?? contact.name, phone: contact.phone },
        businessName: this.s.businessName,
        ...(draft ? { draft } : {}),
      },
      turn.locale,
    );
  }

  /** The opt-in was confirmed: a new thread (or a restarted one), and the draft written to it, pending. */
  async confirmOptIn(
    turn: Turn,
    input: { contactId: string; draft?: string | undefined; restartThreadId?: string | undefined },
    via: PostVia = 'turn',
  ): Promise<{ card: AdaptiveCard; outcome: Outcome }> {
    const outcome = input.restartThreadId
      ? await this.s.conversations.restart(this.ref(turn.user), input.restartThreadId)
      : await this.s.conversations.start(this.ref(turn.user), input.contactId);
    if (isRejection(outcome)) return { card: await this.startCard(turn, outcome), outcome };
    await this.setCurrentThread(turn, outcome.thread.id);
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
    const outcome = await this.s.conversations.compose(turn.user.id, threadId, content);
    if (isRejection(outcome)) return outcome;
    await this.setCurrentThread(turn, threadId);
    const mine = outcome.messages.find((m) => isOwnWords(m, turn.user.id));
    if (mine) await this.postStatusCard(turn, mine, outcome.thread, via);
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
      cardActivity(messageCard(m, th, turn.user.id, turn.locale, this.s.media));
    const log = this.s.logger.child({
      userId: turn.user.id,
      messageId: message.id,
      threadId: thread.id,
    });
    try {
      const user = (await this.s.store.getUser(turn.user.id)) ?? turn.user;
      const target = this.s.messenger.targetOf(user);
      let posted: { activityId: string; conversationId: string } | undefined;
      if (via === 'turn') {
        const response = await turn.context.sendActivity(render(message, thread));
        this.s.messenger.counted(target);
        if (response?.id)
          posted = {
            activityId: response.id,
            conversationId: turn.context.activity.conversation.id,
          };
      } else if (target) {
        await this.s.messenger.waitForSlot(target);
        posted = await this.s.messenger.send(user, render(message, thread));
      }
      if (!posted) return;
      await this.s.store.putMessageCard({ messageId: message.id, userId: user.id, ...posted });

      const now = await this.s.store.getMessage(message.id);
      if (!now || (now.status === message.status && now.failure === message.failure)) return;
      const fresh = (await this.s.store.getThread(thread.id)) ?? thread;
      if (via === 'turn') {
        await turn.context.updateActivity({ ...render(now, fresh), id: posted.activityId });
      } else if (target) {
        await this.s.messenger.waitForSlot(target);
        await this.s.messenger.update(
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
    return threadInfoCard({ thread, viewerId: turn.user.id, now: this.s.clock.now() }, turn.locale);
  }

  /** Colleagues who may join: enabled, same tenant and sub-organisation, not in the thread yet. */
  async candidates(turn: Turn, thread: Thread): Promise<UserRef[]> {
    const users = await this.s.store.listUsers(turn.user.tenantId);
    return users
      .filter(
        (u) =>
          u.enabled &&
          u.subOrganisation === turn.user.subOrganisation &&
          !thread.participants.some((p) => p.id === u.id),
      )
      .map((u) => ({ id: u.id, name: u.name }));
  }

  ref(user: UserRecord): UserRef {
    return { id: user.id, name: user.name };
  }

  /** After start: the refusal with its reason, or the thread the user now works in. */
  private async startCard(turn: Turn, outcome: Outcome): Promise<AdaptiveCard> {
    if (isRejection(outcome)) return noticeCard(outcome.notice, turn.locale);
    await this.setCurrentThread(turn, outcome.thread.id);
    return withNote(
      this.threadInfo(turn, outcome.thread),
      t(turn.locale, 'bot.now_writing_to', { contact: outcome.thread.contact.name }),
      'default',
    );
  }
}

/** Case and accents do not matter when looking for a name. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
