/**
 * Action.Execute from the bot's cards (cards/verbs.ts): each verb does its job and answers
 * with the card that replaces the one the user clicked.
 * - Show-something verbs (Info, a list's items, the help card's lists) post what they show as
 *   a new message and refresh the clicked card, so nothing the user was reading goes away.
 * - Group actions turn the clicked card into a picker or a confirmation; when done or
 *   cancelled, the card the user started from comes back (a contact's message, found by the
 *   card's activity id), or the thread's info.
 * - A submission that fails its schema gets a card saying what was wrong, never a crash.
 */
import type { NoticeKey } from '../core/notice-keys.js';
import { noticeKeyOf } from '../app/errors.js';
import { ContactNotFoundError, MessageNotFoundError, ThreadNotFoundError } from '../core/errors.js';
import { isRejection, type Outcome } from '../core/types.js';
import { hasKey, t } from '../i18n/catalogue.js';
import type { Message, Thread } from '../core/types.js';
import {
  addParticipantCard,
  helpCard,
  leaveConfirmationCard,
  noticeCard,
  noticeText,
  optInConfirmationCard,
  parseCardAction,
  receiptInfoCard,
  removeParticipantCard,
  removeParticipantConfirmationCard,
  transferCard,
  VERBS,
  type AdaptiveCard,
  type CardAction,
} from './cards/index.js';
import { strings } from './cards/format.js';
import { withNote, withSentReply } from './card-decorations.js';
import { cardActivity, contactOf } from './card-views.js';
import { clickedCard } from './gathered-cards.js';
import { openFromSummary } from './gather-actions.js';
import type { CommandHandlers } from './command-handlers.js';
import type { BotServices, Turn } from './turn.js';
import type { UserActions } from './user-actions.js';
import { alreadyText, ReplyActions } from './reply-actions.js';
import { assignFromCard } from './alarm-actions.js'; // alarm (issue 12)

type Data<V extends CardAction['verb']> = Extract<CardAction, { verb: V }>['data'];

export class CardActions {
  /** reply (issue 10): Reply on every card about a conversation, duplicate numbers. */
  private readonly reply10: ReplyActions;

  constructor(
    private readonly services: BotServices,
    private readonly actions: UserActions,
    private readonly commands: CommandHandlers,
  ) {
    this.reply10 = new ReplyActions(services, actions);
  }

  /** `action` is the invoke's value.action: { type: 'Action.Execute', verb, data }. */
  async handle(turn: Turn, action: unknown): Promise<AdaptiveCard> {
    const raw = (typeof action === 'object' && action !== null ? action : {}) as {
      verb?: unknown;
      data?: unknown;
    };
    const parsed = parseCardAction({ verb: raw.verb, data: raw.data ?? {} });
    if (!parsed.success)
      return this.refused(
        turn,
        raw.verb,
        parsed.error.issues.map((i) => i.message),
      );
    const log = this.services.logger.child({ userId: turn.user.id, verb: parsed.data.verb });
    try {
      const card = await this.run(turn, parsed.data);
      log.debug('card action done');
      return card;
    } catch (error) {
      // Not found and not theirs read the same: nothing about the thread or contact shows.
      if (
        error instanceof ThreadNotFoundError ||
        error instanceof MessageNotFoundError ||
        error instanceof ContactNotFoundError
      )
        return this.notice(turn, noticeKeyOf(error));
      throw error;
    }
  }

  private async run(turn: Turn, a: CardAction): Promise<AdaptiveCard> {
    const { commands, queries } = this.services.app;
    switch (a.verb) {
      case VERBS.reply:
        return this.reply(turn, a.data);
      case VERBS.info:
        return this.info(turn, a.data);
      case VERBS.addParticipantPick: {
        const thread = await queries.thread(turn, a.data.threadId);
        return addParticipantCard(
          {
            threadId: thread.id,
            contact: contactOf(thread),
            candidates: await queries.candidatesFor(turn, thread),
            participantCount: thread.participants.length,
            // The organisation's own cap, as the engine applies it.
            maxParticipants: await queries.maxParticipants(turn),
          },
          turn.locale,
        );
      }
      case VERBS.addParticipant:
        return this.done(
          turn,
          a.data.threadId,
          await commands.addParticipant(turn, a.data.threadId, a.data.userId),
        );
      case VERBS.removeParticipantPick: {
        const thread = await queries.thread(turn, a.data.threadId);
        const others = thread.participants
          .filter((p) => p.id !== turn.user.id)
          .map((p) => ({ id: p.id, name: p.name }));
        return removeParticipantCard(
          { threadId: thread.id, contact: contactOf(thread), participants: others },
          turn.locale,
        );
      }
      case VERBS.removeParticipantAsk: {
        const thread = await queries.thread(turn, a.data.threadId);
        const participant = thread.participants.find((p) => p.id === a.data.userId);
        if (!participant)
          return this.restore(turn, thread.id, t(turn.locale, 'group.not_a_participant'));
        return removeParticipantConfirmationCard(
          {
            threadId: thread.id,
            contact: contactOf(thread),
            user: { id: participant.id, name: participant.name },
          },
          turn.locale,
        );
      }
      case VERBS.removeParticipant:
        return this.done(
          turn,
          a.data.threadId,
          await commands.removeParticipant(turn, a.data.threadId, a.data.userId),
        );
      case VERBS.transferPick: {
        const thread = await queries.thread(turn, a.data.threadId);
        return transferCard(
          {
            threadId: thread.id,
            contact: contactOf(thread),
            candidates: await queries.candidatesFor(turn, thread),
          },
          turn.locale,
        );
      }
      case VERBS.transfer:
        return this.done(
          turn,
          a.data.threadId,
          await commands.transfer(turn, a.data.threadId, a.data.userId),
        );
      case VERBS.leaveAsk: {
        const thread = await queries.thread(turn, a.data.threadId);
        const isLast =
          thread.participants.length === 1 && thread.participants[0]?.id === turn.user.id;
        return leaveConfirmationCard(
          { threadId: thread.id, contact: contactOf(thread), isLast },
          turn.locale,
        );
      }
      case VERBS.leave:
        return this.done(turn, a.data.threadId, await commands.leave(turn, a.data.threadId));
      case VERBS.cancel:
        return a.data.threadId
          ? this.restore(turn, (await queries.thread(turn, a.data.threadId)).id)
          : this.notice(turn, 'bot.cancelled');
      case VERBS.confirmOptIn:
        return (await this.actions.confirmOptIn(turn, a.data)).card;
      case VERBS.cancelOptIn: {
        const contact = await queries.contact(turn, a.data.contactId);
        return this.notice(turn, 'bot.optin_cancelled', { contact: contact.name });
      }
      case VERBS.remind: {
        const outcome = await commands.remind(turn, a.data.threadId);
        if (isRejection(outcome))
          return noticeCard(outcome.notice, turn.locale, { threadId: a.data.threadId });
        return this.actions.threadInfo(turn, outcome.thread);
      }
      case VERBS.restart: {
        const thread = await queries.thread(turn, a.data.threadId);
        const c = thread.contact;
        return optInConfirmationCard(
          {
            contact: { id: c.id, name: c.name, phone: c.phone },
            businessName: this.services.businessName,
            restartThreadId: thread.id,
          },
          turn.locale,
        );
      }
      case VERBS.openThread: {
        const thread = await commands.open(turn, a.data.threadId);
        await this.post(
          turn,
          withNote(
            this.actions.threadInfo(turn, thread),
            t(turn.locale, 'bot.now_writing_to', { contact: thread.contact.name }),
            'default',
          ),
        );
        return this.commands.threadsList(turn);
      }
      case VERBS.newThread: {
        const contact = await queries.contact(turn, a.data.contactId);
        await this.post(turn, await this.actions.begin(turn, contact));
        return this.commands.contactsList(turn);
      }
      case VERBS.addContact: {
        // reply (issue 10): a number already in the contacts under another name asks first.
        const result = await this.reply10.addContact(turn, a.data.contactName, a.data.contactPhone);
        if (!result) return this.notice(turn, 'bot.no_business_number');
        if (result.kind === 'duplicate')
          return this.reply10.duplicateCard(turn, result.existing, result.name);
        const added = result.contact;
        return withNote(
          await this.commands.contactsList(turn),
          // keepboth (issue 10 item 4): a name it already has is said so, not "added".
          result.kind === 'already'
            ? alreadyText(turn.locale, added, a.data.contactName)
            : t(turn.locale, 'bot.contact_added', {
                contact: added.name,
                phone: `+${added.phone}`,
              }),
          'default',
        );
      }
      case VERBS.listThreads:
        await this.post(turn, await this.commands.threadsList(turn));
        return helpCard(turn.locale);
      case VERBS.listContacts:
        await this.post(turn, await this.commands.contactsList(turn));
        return helpCard(turn.locale);
      // reply (issue 10): Reply on any card about a conversation; the duplicate number's choice.
      case VERBS.replyHere:
        return this.reply10.replyHere(turn, a.data);
      case VERBS.duplicateRename:
        return this.reply10.rename(turn, a.data);
      case VERBS.duplicateKeep:
        return this.reply10.keep(turn, a.data);
      // keepboth (issue 10 item 4)
      case VERBS.duplicateBoth:
        return this.reply10.keepBoth(turn, a.data);
      // release (issue 10)
      case VERBS.sendAgain:
        return this.sendAgain(turn, a.data);
      case VERBS.refreshThread:
        // A card showing the conversation's state asks for its current look (refresh).
        return this.actions.threadInfo(turn, await queries.thread(turn, a.data.threadId));
      case VERBS.refreshThreads:
        return this.commands.threadsList(turn);
      case VERBS.gatherOpen:
        return openFromSummary(this.services, turn, a.data.threadId);
      // alarm (issue 12): an admin assigns a contact's message that reached nobody.
      case VERBS.alarmAssign:
        return assignFromCard(this.services, turn, a.data);
    }
  }

  /**
   * release (issue 10): Send again on a failed message. The new attempt gets its own status
   * card below; the failed card comes back saying it was sent again (no button), or why not.
   * A closed conversation is explained below with Restart, the message card kept.
   */
  private async sendAgain(turn: Turn, data: Data<'message.send_again'>): Promise<AdaptiveCard> {
    const { queries } = this.services.app;
    const outcome = await this.actions.sendAgain(turn, data.messageId);
    const { message, thread } = await queries.message(turn, data.messageId);
    if (message.threadId !== data.threadId) return this.notice(turn, 'bot.thread_gone');
    const card = await this.messageCard(turn, message, thread);
    if (!isRejection(outcome)) return card;
    if (outcome.notice.key === 'thread.closed') {
      await this.post(turn, noticeCard(outcome.notice, turn.locale, { threadId: thread.id }));
      return card;
    }
    return withNote(card, noticeText(outcome.notice, strings(turn.locale)));
  }

  /** Reply from a contact's message card: the card comes back showing what was sent. */
  private async reply(turn: Turn, data: Data<'reply'>): Promise<AdaptiveCard> {
    const { queries } = this.services.app;
    const thread = await queries.thread(turn, data.threadId);
    const original = await this.clickedMessage(turn, thread.id);
    const outcome = await this.actions.write(turn, thread.id, { body: data.replyText }, 'turn');
    const fresh = await queries.thread(turn, thread.id);
    if (isRejection(outcome)) {
      const why = noticeText(outcome.notice, strings(turn.locale));
      return original
        ? withNote(await this.messageCard(turn, original, fresh), why)
        : noticeCard(outcome.notice, turn.locale, { threadId: thread.id });
    }
    if (!original) return this.actions.threadInfo(turn, fresh);
    return withSentReply(
      await this.messageCard(turn, original, fresh),
      t(turn.locale, 'bot.you_replied'),
      data.replyText,
    );
  }

  /** Info: the message's receipts with their times, posted below; the card itself refreshed. */
  private async info(turn: Turn, data: Data<'info'>): Promise<AdaptiveCard> {
    const { message, thread } = await this.services.app.queries.message(turn, data.messageId);
    if (message.threadId !== data.threadId) return this.notice(turn, 'bot.thread_gone');
    await this.post(turn, receiptInfoCard({ message, contact: contactOf(thread) }, turn.locale));
    return this.messageCard(turn, message, thread);
  }

  /** A group action's outcome: the refusal on the card, or the card the user started from. */
  private async done(turn: Turn, threadId: string, outcome: Outcome): Promise<AdaptiveCard> {
    if (isRejection(outcome))
      return this.restore(turn, threadId, noticeText(outcome.notice, strings(turn.locale)));
    return this.restore(turn, outcome.thread.id);
  }

  /** The card the user clicked from: a message card (by its activity id), else the thread's info. */
  private async restore(turn: Turn, threadId: string, note?: string): Promise<AdaptiveCard> {
    const fresh = await this.services.app.queries.thread(turn, threadId);
    const clicked = await this.clickedMessage(turn, fresh.id);
    const card = clicked
      ? await this.messageCard(turn, clicked, fresh)
      : this.actions.threadInfo(turn, fresh);
    return note ? withNote(card, note) : card;
  }

  /** The message whose card the user clicked, when the card was one of a message's. */
  private async clickedMessage(turn: Turn, threadId: string): Promise<Message | undefined> {
    const activityId = turn.context.activity.replyToId;
    const found = activityId
      ? await this.services.app.queries.messageOfCard(turn, activityId)
      : undefined;
    return found?.message.threadId === threadId ? found.message : undefined;
  }

  /**
   * gather: the clicked message's card as it comes back: the whole gathered card when the
   * clicked card carries several messages, so none of them goes away.
   */
  private async messageCard(turn: Turn, message: Message, thread: Thread): Promise<AdaptiveCard> {
    const activityId = turn.context.activity.replyToId;
    const carried = activityId
      ? await this.services.app.queries.messagesOfCard(turn, activityId)
      : [];
    return clickedCard(carried, message, thread, turn.user.id, turn.locale, this.services.media);
  }

  private async post(turn: Turn, card: AdaptiveCard): Promise<void> {
    const { messenger } = this.services;
    await messenger.inTurn(messenger.targetOf(turn.user), () =>
      turn.context.sendActivity(cardActivity(card)),
    );
  }

  private notice(turn: Turn, key: NoticeKey, params: Record<string, string> = {}): AdaptiveCard {
    return noticeCard({ key, params }, turn.locale);
  }

  /** A submission that does not fit the verb's schema: what was wrong, in the user's words. */
  private async refused(
    turn: Turn,
    verb: unknown,
    issues: readonly string[],
  ): Promise<AdaptiveCard> {
    this.services.logger.info(
      { userId: turn.user.id, verb: typeof verb === 'string' ? verb : undefined },
      'card submission refused by its schema',
    );
    const key: NoticeKey = issues.find((m) => hasKey(m)) ?? 'bot.invalid_submission';
    const params = { example: t(turn.locale, 'card.contacts.phone_placeholder') };
    if (verb === VERBS.addContact)
      return withNote(await this.commands.contactsList(turn), t(turn.locale, key, params));
    return noticeCard({ key, params }, turn.locale);
  }
}
