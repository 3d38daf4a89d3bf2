/**
 * Tells business users in Teams what the engine decided, each in their own language and in
 * their own personal chat with the bot:
 * - notify: a notice card;
 * - deliver_inbound: the contact's message, naming the contact and the thread, with Reply,
 *   Info and the group actions;
 * - share_outbound: a colleague's message, with its author's name;
 * - status_changed: the message's card, UPDATED IN PLACE (the card first posted for that
 *   message and user, kept in the store); never a new card per status. A message the app
 *   sent for the users (the opt-in, a participant notice) gets its card with its first
 *   receipt; a user's own words get theirs from the turn that wrote them.
 *
 * Rate limits are taken for every send of an effect at once, before any is sent, so a retry
 * does not repeat what went out. A user who cannot be reached (never opened the bot) is
 * skipped and logged; the notice stays in the thread's history.
 */
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import {
  WaitForSlot,
  type DeliveryContext,
  type TeamsEffect,
  type UserChannel,
} from '../app/ports.js';
import { deferFor, type SendBudgets, type Slot } from '../app/send-budgets.js';
import type { Message, Thread, UserId } from '../core/types.js';
import type { SystemRecords } from '../app/system-records.js';
import type { ChatAttention } from '../app/chat-attention.js';
import type { UserRecord } from '../core/records.js';
import { noticeCard } from './cards/index.js';
import { cardActivity, messageCard } from './card-views.js';
import { conversationCardFor } from './conversation-cards.js';
import { UserUnreachableError } from './connector-errors.js';
import type { MediaUrls } from './media-route.js';
import type { Gate, TeamsMessenger } from './messenger.js';
import type { SendTarget } from './rate-limits.js';

export interface TeamsUserChannelOptions {
  readonly records: SystemRecords;
  readonly messenger: TeamsMessenger;
  readonly media: MediaUrls;
  readonly logger: Logger;
  /** chat (issue 10): told of each card about a conversation posted in a user's chat. */
  readonly attention?: Pick<ChatAttention, 'arrived'>;
  /** release (issue 10): the time the conversation card shows (the window's time left). */
  readonly clock?: { now(): number };
}

/** One thing to do for one user. */
type Step =
  | {
      readonly kind: 'post';
      readonly user: UserRecord;
      readonly target: SendTarget;
      readonly activity: Partial<Activity>;
      readonly messageId?: string;
      /** The conversation a new card is about (a message or notice), for ChatAttention. */
      readonly threadId?: string;
    }
  | {
      readonly kind: 'update';
      readonly user: UserRecord;
      readonly target: SendTarget;
      readonly activity: Partial<Activity>;
      readonly conversationId: string;
      readonly activityId: string;
      /** release (issue 10): a conversation card brought up to date; a failure loses nothing. */
      readonly optional?: boolean;
    };

export class TeamsUserChannel implements UserChannel {
  constructor(private readonly options: TeamsUserChannelOptions) {}

  /** Users an effect already reached, while the rest of it waits (Teams 429): not twice. */
  private readonly reached = new Map<string, Set<UserId>>();

  async deliver(effect: TeamsEffect, thread: Thread, context: DeliveryContext = {}): Promise<void> {
    const log = this.options.logger.child({ threadId: thread.id, effect: effect.type });
    const message =
      'messageId' in effect ? await this.options.records.message(effect.messageId) : undefined;
    if ('messageId' in effect && !message) {
      log.warn(
        { messageId: effect.messageId },
        'effect names a message that does not exist; nothing to show',
      );
      return;
    }
    const steps: Step[] = [];
    for (const userId of new Set(effect.to)) {
      const user = await this.options.records.user(userId);
      const target = user && this.options.messenger.targetOf(user);
      if (!user || !target) {
        log.warn(
          { userId },
          'user has no chat with the bot yet; the notice stays in the thread history',
        );
        continue;
      }
      const step = await this.plan(effect, thread, message, user, target);
      if (step) steps.push(step);
      // release (issue 10): a notice means the state changed: the conversation card follows.
      if (effect.type === 'notify') {
        for (const card of await this.options.records.threadCards(thread.id, user.id))
          steps.push({
            kind: 'update',
            user,
            target,
            activity: cardActivity(conversationCardFor(thread, user, this.now())),
            conversationId: card.conversationId,
            activityId: card.activityId,
            optional: true,
          });
      }
    }

    const budgets = this.options.messenger.budgets;
    if (!budgets) {
      this.options.messenger.reserve(steps.map((s) => s.target));
      for (const step of steps) await this.run(step, log);
      return;
    }
    await this.deliverInSlots(steps, budgets, context.key, log);
  }

  /**
   * Throttling is waiting (Delivery under load): each send gets the next free slot of its
   * chat and tenant, reserved for it. Slots close enough are waited for here, in slot order;
   * if one is further away, the effect goes back to the outbox (WaitForSlot, not an attempt)
   * with every slot kept for it, and users already reached are not sent to again.
   */
  private async deliverInSlots(
    steps: readonly Step[],
    budgets: SendBudgets,
    key: string | undefined,
    log: Logger,
  ): Promise<void> {
    const reached = key !== undefined ? (this.reached.get(key) ?? new Set<UserId>()) : undefined;
    const todo = steps.filter((s) => !reached?.has(s.user.id));
    const slots = await Promise.all(
      todo.map((step) =>
        budgets.reserve(
          this.options.messenger.budgetsOf(step.target),
          key !== undefined ? `${key}:${step.user.id}` : undefined,
        ),
      ),
    );
    const wait = Math.max(0, ...slots.map((slot) => slot.at)) - budgets.now();
    if (wait > budgets.holdMs) throw new WaitForSlot(deferFor(wait, budgets.holdMs));
    const order = todo.map((step, i) => ({ step, slot: slots[i] as Slot }));
    order.sort((a, b) => a.slot.at - b.slot.at);
    if (key !== undefined && reached) {
      if (this.reached.size > 10_000) this.reached.clear();
      this.reached.set(key, reached);
    }
    for (const { step } of order) {
      // The slot is waited for right before the request leaves, inside the connector call.
      const gate = async () => {
        const deferMs = await budgets.acquire(
          this.options.messenger.budgetsOf(step.target),
          key !== undefined ? `${key}:${step.user.id}` : undefined,
        );
        if (deferMs > 0) throw new WaitForSlot(deferMs);
      };
      await this.run(step, log, gate);
      reached?.add(step.user.id);
    }
    if (key !== undefined) this.reached.delete(key);
  }

  private async plan(
    effect: TeamsEffect,
    thread: Thread,
    message: Message | undefined,
    user: UserRecord,
    target: SendTarget,
  ): Promise<Step | undefined> {
    if (effect.type === 'notify') {
      return {
        kind: 'post',
        user,
        target,
        activity: cardActivity(noticeCard(effect.notice, user.locale, { threadId: thread.id })),
        threadId: thread.id,
      };
    }
    const m = message as Message;
    const card = cardActivity(messageCard(m, thread, user.id, user.locale, this.options.media));
    const existing = await this.options.records.messageCard(m.id, user.id);
    if (effect.type === 'deliver_inbound' || effect.type === 'share_outbound') {
      // Already shown (a retry after a later recipient failed): not twice.
      return existing
        ? undefined
        : { kind: 'post', user, target, activity: card, messageId: m.id, threadId: thread.id };
    }
    if (existing) {
      return {
        kind: 'update',
        user,
        target,
        activity: card,
        conversationId: existing.conversationId,
        activityId: existing.activityId,
      };
    }
    // The author's own words get their card from the turn that wrote them, which brings it
    // up to date itself once recorded (UserActions.postStatusCard): nothing to post here.
    if (isOwnWords(m, user.id)) return undefined;
    // A message nobody has a card for yet (the opt-in the app sent, a participant notice):
    // its first receipt posts the card, and the next ones update it.
    return { kind: 'post', user, target, activity: card, messageId: m.id };
  }

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }

  private async run(step: Step, log: Logger, gate?: Gate): Promise<void> {
    try {
      if (step.kind === 'update') {
        await this.options.messenger.update(
          step.user,
          step.conversationId,
          step.activityId,
          step.activity,
          gate,
        );
        log.debug({ userId: step.user.id, activityId: step.activityId }, 'card updated in place');
        return;
      }
      const posted = await this.options.messenger.send(step.user, step.activity, gate);
      if (step.threadId) this.options.attention?.arrived(step.user.id, step.threadId);
      if (step.messageId)
        await this.options.records.keepMessageCard({
          messageId: step.messageId,
          userId: step.user.id,
          ...posted,
        });
      log.info(
        { userId: step.user.id, activityId: posted.activityId, messageId: step.messageId },
        'card posted',
      );
    } catch (error) {
      if (error instanceof UserUnreachableError) {
        log.warn(
          { userId: step.user.id, reason: error.message },
          'user cannot be reached in Teams; skipped',
        );
        return;
      }
      if (step.kind === 'update' && step.optional) {
        // release (issue 10): the card still refreshes itself when viewed.
        log.warn({ userId: step.user.id, err: error }, 'conversation card not updated; skipped');
        return;
      }
      throw error;
    }
  }
}

/** A user's own text or picture (not what the app sent on their behalf, like the opt-in). */
export function isOwnWords(message: Message, userId: UserId): boolean {
  return (
    message.author?.id === userId &&
    (message.kind === 'text' || message.kind === 'image' || message.kind === 'document')
  );
}
