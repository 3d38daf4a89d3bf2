/**
 * The tab's API wired from the product's core: the application layer's TabService over the
 * store and the use cases, Teams SSO when the tab's Entra app is configured, local users
 * without BOT_ID, and signed picture links.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../app/clock.js';
import type { Conversations } from '../../app/conversations.js';
import { TabService } from '../../app/tab-service.js';
import type { Config } from '../../config/config.js';
import type { Store } from '../../store/port.js';
import { mediaUrlSecret, MediaUrls } from '../../teams/media-route.js';
import { tabApiRoutes, type TabApi } from './routes.js';
import { TeamsSsoVerifier } from './sso.js';

export function createTabApi(core: {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly conversations: Conversations;
  readonly logger: Logger;
}): TabApi {
  const { config, store, clock, conversations, logger } = core;
  const wa = config.whatsapp;
  const media = new MediaUrls({
    publicUrl: config.publicUrl,
    secret: mediaUrlSecret(config.bot.appPassword ?? wa.appSecret),
    clock,
  });
  return tabApiRoutes({
    service: new TabService({
      store,
      conversations,
      clock,
      logger,
      maxParticipants: config.maxParticipants,
      ...(config.bot.local
        ? {
            local: {
              phoneNumberId: wa.phoneNumberId,
              displayPhoneNumber: wa.displayPhoneNumber,
            },
          }
        : {}),
    }),
    local: config.bot.local,
    sso: config.tab.clientId
      ? new TeamsSsoVerifier({
          authorityHost: config.tab.authorityHost,
          clientId: config.tab.clientId,
          domain: config.tab.domain,
        })
      : undefined,
    logger,
    mediaUrl: (id) => media.urlFor(id),
    businessName: config.businessName,
  });
}
