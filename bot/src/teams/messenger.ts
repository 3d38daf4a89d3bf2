/**
 * Proactive messages: the bot writes to a user's personal chat on its own (a contact's
 * message, a receipt, a notice), through the conversation reference kept when the user last
 * talked to it, within Teams' rate limits.
 */
import {
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import type { Logger } from 'pino';
import { TransientDeliveryError, WaitForSlot } from '../app/ports.js';
import type { UserRecord } from '../core/records.js';
import type { Millis } from '../core/types.js';
import { connectorOf, withoutRetries, type ConnectorClientLike } from './connector.js';
import { classifyConnectorError, UserUnreachableError } from './connector-errors.js';
import { teamsBudgets, type SendBudgets } from '../app/send-budgets.js';
import type { Budget } from '../core/records.js';
import {
  CONVERSATION_WINDOWS,
  TENANT_WINDOWS,
  type SendTarget,
  type TeamsRateLimiter,
  type Window,
} from './rate-limits.js';
import { conversationReferenceOf } from './teams-user.js';
import { ConnectorPace, type Spare } from './connector-pace.js';

export interface MessengerOptions {
  readonly adapter: CloudAdapter;
  /** The bot's app id; empty in local mode (anonymous). */
  readonly appId: string;
  readonly limiter: TeamsRateLimiter;
  readonly logger: Logger;
  /**
   * Delivery under load: Teams' limits as budgets shared by every instance, each send given
   * its slot. Without them, the process's own limiter (tests of one process).
   */
  readonly budgets?: SendBudgets;
  readonly conversationWindows?: readonly Window[];
  readonly tenantWindows?: readonly Window[];
  /** gather: the connector pace's clock (tests); real time by default. */
  readonly paceClock?: {
    readonly now: () => Millis;
    readonly sleep: (ms: Millis) => Promise<void>;
  };
}

/**
 * Called right before the request leaves (Delivery under load): waits for the send's slot,
 * so nothing between the wait and the request can make it late. Throws WaitForSlot to send
 * nothing now.
 */
export type Gate = () => Promise<void>;

export interface Posted {
  readonly activityId: string;
  readonly conversationId: string;
}

export class TeamsMessenger {
  /** gather: the last gate, on the times calls actually leave and are answered. */
  readonly pace: ConnectorPace;

  constructor(private readonly options: MessengerOptions) {
    this.pace = new ConnectorPace({
      conversationWindows: options.conversationWindows ?? CONVERSATION_WINDOWS,
      tenantWindows: options.tenantWindows ?? TENANT_WINDOWS,
      ...(options.paceClock ?? {}),
    });
  }

  /** Where a user's proactive messages go, or undefined when they never opened a chat with the bot. */
  targetOf(user: UserRecord): SendTarget | undefined {
    const ref = conversationReferenceOf(user.conversationReference);
    return ref ? { conversationId: ref.conversation.id, tenantId: user.tenantId } : undefined;
  }

  /**
   * Room for these sends within Teams' limits, all or none; throws TransientDeliveryError
   * with the wait when over, so the dispatcher tries again then.
   */
  reserve(targets: readonly SendTarget[]): void {
    const wait = this.options.limiter.tryAcquire(targets);
    if (wait > 0) throw new TransientDeliveryError('over Teams rate limits', wait);
  }

  /** Count a reply sent within the user's own turn. */
  counted(target: SendTarget | undefined): void {
    if (!target) return;
    this.pace.record(target);
    this.countedElsewhere(target);
  }

  private countedElsewhere(target: SendTarget): void {
    if (this.options.budgets) this.options.budgets.count(this.budgetsOf(target));
    else this.options.limiter.record(target);
  }

  /**
   * gather: a call within the user's own turn (a card posted or updated below what they
   * clicked or wrote) passes the last gate like any other: Teams counts it in the chat's and
   * tenant's windows as it arrives. Counted after the fact, a reply that came right behind a
   * burst of cards made a window one over (7 cards in 1 s, then Info's receipts: 8). It waits
   * up to TURN_HOLD_MS (a chat's 7 a second and 8 in 2 s always free a call by then); past
   * that it goes anyway, counted, rather than leave the user without an answer.
   */
  async inTurn<T>(target: SendTarget | undefined, call: () => Promise<T>): Promise<T> {
    if (!target) return call();
    const entered = await this.pace.enter(target, TURN_HOLD_MS, this.hourlySpare, true);
    if ('waitMs' in entered) {
      this.options.logger.debug(
        { waitMs: entered.waitMs },
        "a reply in the user's turn goes without waiting for Teams' windows",
      );
      try {
        return await call();
      } finally {
        this.counted(target);
      }
    }
    try {
      return await call();
    } finally {
      entered.done();
      this.countedElsewhere(target);
    }
  }

  /**
   * gather: the chat's hourly window, where the summary stands in: the fourth of its windows,
   * as in CONVERSATION_WINDOWS (1,800 an hour; tests scale the four down). Windows without a
   * fourth have no hourly limit.
   */
  get hourlyWindow(): Window | undefined {
    return (this.options.conversationWindows ?? CONVERSATION_WINDOWS)[3];
  }

  /** The shared budgets a send to this target counts against, when they are in use. */
  get budgets(): SendBudgets | undefined {
    return this.options.budgets;
  }

  budgetsOf(target: SendTarget): Budget[] {
    return teamsBudgets(target, {
      conversation: this.options.conversationWindows ?? CONVERSATION_WINDOWS,
      tenant: this.options.tenantWindows ?? TENANT_WINDOWS,
    });
  }

  /**
   * Wait for a slot for one send outside the outbox (a status card posted for a user's own
   * words): held up to the budgets' hold, else TransientDeliveryError.
   */
  async waitForSlot(target: SendTarget): Promise<void> {
    if (!this.options.budgets) return this.reserve([target]);
    const defer = await this.options.budgets.acquire(this.budgetsOf(target));
    if (defer > 0) throw new TransientDeliveryError('over Teams rate limits', defer);
  }

  /**
   * gather: every call but the hourly summary leaves the hour's last call to it, so the
   * summary can always stand in once the chat is at its hourly limit.
   */
  get hourlySpare(): Spare | undefined {
    const hour = this.hourlyWindow;
    return hour ? { perMs: hour.perMs, calls: 1 } : undefined;
  }

  /** gather: the chat has used every call of the hour but the one kept for the summary. */
  hourlyFull(target: SendTarget): boolean {
    const hour = this.hourlyWindow;
    return hour !== undefined && this.pace.recentCalls(target, hour.perMs) >= hour.max - 1;
  }

  /** Post a new message in the user's personal chat. Call reserve() first. */
  async send(
    user: UserRecord,
    activity: Partial<Activity>,
    gate?: Gate,
    /** gather: the hourly summary, which may take the hour's last call. */
    summary = false,
  ): Promise<Posted> {
    return this.withConnector(user, async (client, conversationId, reference) => {
      const outgoing = TurnContext.applyConversationReference({ ...activity }, reference);
      delete outgoing.replyToId;
      await gate?.();
      const response = await this.paced(
        user,
        conversationId,
        () => client.conversations.sendToConversation(conversationId, outgoing),
        summary ? undefined : this.hourlySpare,
      );
      if (!response.id) throw new Error('the Bot Connector returned no activity id');
      return { activityId: response.id, conversationId };
    });
  }

  /** Replace a message the bot posted (a status card as receipts arrive). Call reserve() first. */
  async update(
    user: UserRecord,
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
    gate?: Gate,
  ): Promise<void> {
    await this.withConnector(user, async (client, _conversationId, reference) => {
      const outgoing = TurnContext.applyConversationReference(
        { ...activity, id: activityId },
        reference,
      );
      delete outgoing.replyToId;
      await gate?.();
      await this.paced(
        user,
        conversationId,
        () =>
          client.conversations.updateActivity(conversationId, activityId, {
            ...outgoing,
            id: activityId,
          }),
        this.hourlySpare,
      );
    });
  }

  /**
   * gather: every call to the connector passes the pace, right before it leaves, and counts
   * until it is answered, whatever the answer (Teams counts refused calls too). A wait longer
   * than the budgets hold in memory puts the effect back in the outbox (WaitForSlot).
   */
  private async paced<T>(
    user: UserRecord,
    conversationId: string,
    call: () => Promise<T>,
    spare: Spare | undefined,
  ): Promise<T> {
    const target = { conversationId, tenantId: user.tenantId };
    const entered = await this.pace.enter(target, this.options.budgets?.holdMs ?? 10_000, spare);
    if ('waitMs' in entered) throw new WaitForSlot(entered.waitMs);
    try {
      return await call();
    } finally {
      entered.done();
    }
  }

  private async withConnector<T>(
    user: UserRecord,
    fn: (
      client: ConnectorClientLike,
      conversationId: string,
      reference: Partial<ConversationReference>,
    ) => Promise<T>,
  ): Promise<T> {
    const reference = conversationReferenceOf(user.conversationReference);
    if (!reference)
      throw new UserUnreachableError(
        user.id,
        'no conversation with the bot yet (the app was never opened)',
      );
    let result: { value: T } | undefined;
    let failure: unknown;
    try {
      await this.options.adapter.continueConversationAsync(
        this.options.appId,
        reference,
        async (context) => {
          // Caught here: the adapter would hand an error thrown from this callback to onTurnError.
          try {
            result = {
              value: await fn(
                withoutRetries(connectorOf(context)),
                reference.conversation.id,
                reference,
              ),
            };
          } catch (error) {
            failure = error;
          }
        },
      );
    } catch (error) {
      failure = error;
    }
    if (result) return result.value;
    if (failure instanceof WaitForSlot) throw failure;
    throw classifyConnectorError(failure, user.id, Date.now());
  }
}

/** gather: how long a call within the user's own turn waits for Teams' windows at most. */
export const TURN_HOLD_MS = 2_000;
