/**
 * The bot: Teams' activities routed to small handlers, in Teams' words mapped to ours.
 * - message (personal chat): a command, or words and pictures for the current thread;
 * - installationUpdate / conversationUpdate (bot added): keep the user and greet them once;
 * - invoke adaptiveCard/action: a card's Action.Execute (card-actions.ts);
 * - invoke composeExtension/fetchTask, /submitAction, /query: the compose extension.
 * Every activity is handled once (activity-dedupe.ts), and only for an enabled user: anyone
 * else gets the not-enabled card, saying why.
 */
import {
  ActivityTypes,
  TeamsActivityHandler,
  type InvokeResponse,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
  type TurnContext,
} from 'botbuilder';
import { t } from '../i18n/catalogue.js';
import { helpCard, noticeCard, notEnabledCard, type AdaptiveCard } from './cards/index.js';
import { cardActivity } from './card-views.js';
import type { ActivityDedupe } from './activity-dedupe.js';
import type { CardActions } from './card-actions.js';
import type { ChatRouting } from './chat-choice.js';
import type { ComposeExtension } from './compose-extension.js';
import type { Enablement } from '../app/enablement.js';
import type { PersonalMessages } from './personal-message.js';
import { identityOf } from './teams-user.js';
import { matching, parseDataset, searchResponse } from './colleague-search.js';
import { CodedError } from '../core/errors.js';
import type { UserRef } from '../core/types.js';
import { keepConversationCards } from './conversation-cards.js';
import type { BotServices, Turn } from './turn.js';

export interface WhatsAppBotParts {
  readonly services: BotServices;
  readonly enablement: Enablement;
  readonly dedupe: ActivityDedupe;
  readonly messages: PersonalMessages;
  readonly cardActions: CardActions;
  /** chat (issue 10): the choice cards' buttons (which conversation; message or command). */
  readonly chat?: ChatRouting;
  readonly composeExtension: ComposeExtension;
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Turn is for an enabled user; otherwise the card that says why not. */
type Arrived = { readonly turn: Turn } | { readonly notEnabled: AdaptiveCard };

export class WhatsAppBot extends TeamsActivityHandler {
  constructor(private readonly parts: WhatsAppBotParts) {
    super();
    this.onMessage(async (context, next) => {
      await this.personalMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = context.activity.membersAdded?.some(
        (m) => m.id === context.activity.recipient?.id,
      );
      if (botAdded) await this.welcome(context);
      await next();
    });
  }

  /** Every activity: once, then as TeamsActivityHandler routes it. */
  override async run(context: TurnContext): Promise<void> {
    if (!(await this.parts.dedupe.firstTime(context.activity))) {
      this.parts.services.logger.info(
        { activityId: context.activity.id, type: context.activity.type },
        'activity sent again by Teams; already handled',
      );
      if (context.activity.type === ActivityTypes.Invoke) {
        await respond(context, {
          status: 200,
          body: {
            statusCode: 200,
            type: 'application/vnd.microsoft.activity.message',
            value: t(context.activity.locale, 'bot.duplicate'),
          },
        });
      }
      return;
    }
    await super.run(context);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'application/search') return this.searchColleagues(context);
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    const value = (context.activity.value ?? {}) as { action?: unknown };
    const card = await this.safely(
      context,
      async (turn) =>
        (await this.parts.chat?.action(turn, value.action)) ??
        this.parts.cardActions.handle(turn, value.action),
    );
    return { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD, value: card } };
  }

  protected override async handleTeamsMessagingExtensionFetchTask(
    context: TurnContext,
    _action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    const arrived = await this.arrive(context);
    if ('notEnabled' in arrived) return this.notEnabledDialog(context, arrived.notEnabled);
    return this.parts.composeExtension.fetchTask(arrived.turn);
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    const arrived = await this.arrive(context);
    if ('notEnabled' in arrived) return this.notEnabledDialog(context, arrived.notEnabled);
    try {
      return await this.parts.composeExtension.submitAction(arrived.turn, action.data);
    } catch (error) {
      this.parts.services.logger.error(
        { err: error, activityId: context.activity.id },
        'compose extension failed',
      );
      return this.parts.composeExtension.message(arrived.turn.locale, {
        key: 'bot.error',
        params: {},
      });
    }
  }

  protected override async handleTeamsMessagingExtensionQuery(
    context: TurnContext,
    query: MessagingExtensionQuery,
  ): Promise<MessagingExtensionResponse> {
    const arrived = await this.arrive(context);
    if ('notEnabled' in arrived)
      return {
        composeExtension: {
          type: 'message',
          text: t(context.activity.locale, 'card.not_enabled.title'),
        },
      };
    const text = query.parameters?.find((p) => p.name !== 'initialRun')?.value;
    return this.parts.composeExtension.query(arrived.turn, typeof text === 'string' ? text : '');
  }

  private async personalMessage(context: TurnContext): Promise<void> {
    const type = context.activity.conversation?.conversationType;
    if (type !== undefined && type !== 'personal') return;
    const card = await this.safely(context, async (turn) => {
      await this.parts.messages.handle(turn);
      return undefined;
    });
    if (card) await this.answer(context, card);
  }

  /**
   * A card the bot posts in the user's own chat within their turn (the welcome, "something
   * went wrong"): through Teams' last gate like every other post, so that it never makes
   * the chat's or the tenant's window one over.
   */
  private async answer(context: TurnContext, card: AdaptiveCard): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    const target = conversationId
      ? { conversationId, tenantId: identityOf(context.activity).tenantId }
      : undefined;
    await this.parts.services.messenger.inTurn(target, () =>
      context.sendActivity(cardActivity(card)),
    );
  }

  /**
   * A picker card asks for colleagues as the user types (colleague-search.ts): the same lists,
   * through the same access checks, as the card's own choices. A conversation the user may
   * not see, or an alarm they do not administer, finds nobody, exactly as one that does not
   * exist.
   */
  private async searchColleagues(context: TurnContext): Promise<InvokeResponse> {
    const value = (context.activity.value ?? {}) as {
      queryText?: unknown;
      dataset?: unknown;
      queryOptions?: { skip?: unknown; top?: unknown };
    };
    const asked = parseDataset(value.dataset);
    let found: readonly UserRef[] = [];
    const arrived = asked ? await this.arrive(context) : undefined;
    if (asked && arrived && 'turn' in arrived) {
      const { turn } = arrived;
      const { app } = this.parts.services;
      try {
        const users =
          asked.list === 'assignees'
            ? await app.unassigned.candidates(turn, asked.threadId)
            : await app.queries.candidates(turn, asked.threadId);
        const number = (n: unknown) => (typeof n === 'number' ? n : undefined);
        found = matching(
          users,
          typeof value.queryText === 'string' ? value.queryText : '',
          turn.locale,
          { skip: number(value.queryOptions?.skip), top: number(value.queryOptions?.top) },
        );
      } catch (error) {
        if (!(error instanceof CodedError)) throw error;
        // Not found (or not theirs): nobody, and nothing said about why.
      }
    }
    return { status: 200, body: searchResponse(found) };
  }

  /** Greet a user once per chat: what they can do, or why they cannot yet. */
  private async welcome(context: TurnContext): Promise<void> {
    const arrived = await this.arrive(context);
    if (!(await this.parts.dedupe.once(`teams:welcome:${context.activity.conversation?.id ?? ''}`)))
      return;
    const card = 'notEnabled' in arrived ? arrived.notEnabled : helpCard(arrived.turn.locale);
    await this.answer(context, card);
  }

  /** Run a handler for an enabled user; a failure is logged and told, not thrown at Teams. */
  private async safely<T>(
    context: TurnContext,
    fn: (turn: Turn) => Promise<T>,
  ): Promise<T | AdaptiveCard> {
    let locale = context.activity.locale;
    try {
      const arrived = await this.arrive(context);
      if ('notEnabled' in arrived) return arrived.notEnabled;
      locale = arrived.turn.locale;
      return await fn(arrived.turn);
    } catch (error) {
      this.parts.services.logger.error(
        {
          err: error,
          activityId: context.activity.id,
          type: context.activity.type,
          name: context.activity.name,
        },
        'bot turn failed',
      );
      return noticeCard({ key: 'bot.error', params: {} }, locale);
    }
  }

  private async arrive(context: TurnContext): Promise<Arrived> {
    const who = identityOf(context.activity);
    const arrival = await this.parts.enablement.arrive(who);
    if (!arrival.enabled) {
      this.parts.services.logger.info(
        { userId: who.userId, tenantId: who.tenantId, reason: arrival.reason },
        'not enabled',
      );
      return { notEnabled: notEnabledCard({ reason: arrival.reason }, who.locale) };
    }
    const turn = {
      context,
      user: arrival.user,
      organisation: arrival.organisation,
      locale: who.locale,
    };
    // release (issue 10): conversation cards shown in this turn are kept, to update in place.
    keepConversationCards(turn, this.parts.services);
    return { turn };
  }

  private notEnabledDialog(
    context: TurnContext,
    card: AdaptiveCard,
  ): MessagingExtensionActionResponse {
    return this.parts.composeExtension.dialog(context.activity.locale ?? 'en', card);
  }
}

async function respond(context: TurnContext, value: InvokeResponse): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value });
}
