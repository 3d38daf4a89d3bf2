/**
 * The Teams side of the product, wired from its core: the Bot Framework CloudAdapter, the bot
 * and its handlers, the channel that tells users (proactive messages) and the routes
 * (/api/messages, /api/media). product.ts plugs it in through `adapters`.
 */
import { CloudAdapter, type TurnContext } from 'botbuilder';
import type { UserChannel } from '../app/ports.js';
import type { RouteModule } from '../http/server.js';
import type { ProductCore } from '../product.js';
import { ActivityDedupe } from './activity-dedupe.js';
import { WhatsAppBot } from './bot.js';
import { CardActions } from './card-actions.js';
import { ChatRouting } from './chat-choice.js';
import { CommandHandlers } from './command-handlers.js';
import { ComposeExtension } from './compose-extension.js';
import { KeptConnectorClientsAuthentication } from './connector-clients.js';
import type { EnablementMode } from '../app/enablement.js';
import { mediaRoute, mediaUrlSecret, MediaUrls } from './media-route.js';
import { messagesRoute } from './messages-route.js';
import { TeamsMessenger } from './messenger.js';
import { PersonalMessages } from './personal-message.js';
import { TeamsRateLimiter, type Window } from './rate-limits.js';
import type { BotServices } from './turn.js';
import { UserActions } from './user-actions.js';
import { TeamsUserChannel } from './user-channel.js';
import { TeamsAlarmCards } from './alarm-cards.js'; // alarm (issue 12)

export interface TeamsAdapterOptions {
  /** Who may use the app; by default 'local' without BOT_ID and 'admin' with it. Tests force 'admin'. */
  readonly enablement?: EnablementMode;
  /** Fetch for pictures from Teams. */
  readonly fetch?: typeof globalThis.fetch;
  /** Teams' limits, for tests that want to reach them quickly (or never). */
  readonly conversationWindows?: readonly Window[];
  readonly tenantWindows?: readonly Window[];
}

export interface TeamsAdapter {
  readonly routes: readonly RouteModule[];
  readonly users: UserChannel;
  readonly adapter: CloudAdapter;
  readonly bot: WhatsAppBot;
  /** alarm (issue 12): the admins' cards about a contact's message that reached nobody. */
  readonly alarmCards: TeamsAlarmCards;
}

export function createTeamsAdapter(
  core: ProductCore,
  options: TeamsAdapterOptions = {},
): TeamsAdapter {
  const { config, app, clock, logger } = core;
  const bot = config.bot;
  // With BOT_ID every call must carry a valid Bot Framework token; without it (local use
  // only) calls are anonymous and so are the bot's own calls to the connector.
  // Each turn's connector client is kept and reused (connector-clients.ts).
  const auth = new KeptConnectorClientsAuthentication(
    bot.appId
      ? {
          MicrosoftAppId: bot.appId,
          MicrosoftAppPassword: bot.appPassword,
          MicrosoftAppType: bot.appType,
          MicrosoftAppTenantId: bot.tenantId,
        }
      : {},
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error(
      { err: error, activityId: context.activity.id, type: context.activity.type },
      'unhandled error in a bot turn',
    );
  };

  const media = new MediaUrls({
    publicUrl: config.publicUrl,
    secret: mediaUrlSecret(bot.appPassword ?? config.whatsapp.appSecret),
    clock,
  });
  const messenger = new TeamsMessenger({
    adapter,
    appId: bot.appId ?? '',
    // Teams counts in wall-clock time, whatever the product's clock says (the sandbox's
    // can be moved a day forward, or frozen in tests).
    limiter: new TeamsRateLimiter({
      now: () => Date.now(),
      ...(options.conversationWindows ? { conversationWindows: options.conversationWindows } : {}),
      ...(options.tenantWindows ? { tenantWindows: options.tenantWindows } : {}),
    }),
    logger,
    // Delivery under load: the same limits as budgets shared by every instance.
    ...(core.budgets ? { budgets: core.budgets } : {}),
    ...(options.conversationWindows ? { conversationWindows: options.conversationWindows } : {}),
    ...(options.tenantWindows ? { tenantWindows: options.tenantWindows } : {}),
  });
  const services: BotServices = {
    app,
    clock,
    logger,
    media,
    messenger,
    businessName: config.businessName,
    authenticatedDownloads: !bot.local,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const enablement = app.enablement(options.enablement ?? (bot.local ? 'local' : 'admin'), {
    phoneNumberId: config.whatsapp.phoneNumberId,
    displayPhoneNumber: config.whatsapp.displayPhoneNumber,
  });
  const actions = new UserActions(services);
  const commands = new CommandHandlers(services, actions);
  const chat = new ChatRouting(services, actions, commands);
  const whatsAppBot = new WhatsAppBot({
    services,
    enablement,
    dedupe: new ActivityDedupe(app.records, clock),
    messages: new PersonalMessages(services, actions, commands, chat),
    chat,
    cardActions: new CardActions(services, actions, commands),
    composeExtension: new ComposeExtension(services, actions),
  });

  return {
    adapter,
    bot: whatsAppBot,
    users: new TeamsUserChannel({
      records: app.records,
      attention: app.attention,
      messenger,
      media,
      logger,
      clock, // release (issue 10): conversation cards show the window's time left
    }),
    alarmCards: new TeamsAlarmCards({ records: app.records, messenger, logger }),
    routes: [
      messagesRoute({ adapter, bot: whatsAppBot, logger }),
      mediaRoute({ urls: media, records: app.records, logger }),
    ],
  };
}
