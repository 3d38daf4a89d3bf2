/**
 * The tab's API wired from the product's core: TabService over the application layer (the
 * use cases and queries every surface calls) and the tab's store queries, Teams SSO when the tab's Entra app is configured, local users
 * without BOT_ID, and signed picture links.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../app/clock.js';
import type { Application } from '../../app/application.js';
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
  readonly app: Application;
  readonly logger: Logger;
}): TabApi {
  const { config, store, clock, app, logger } = core;
  const wa = config.whatsapp;
  const media = new MediaUrls({
    publicUrl: config.publicUrl,
    secret: mediaUrlSecret(config.bot.appPassword ?? wa.appSecret),
    clock,
  });
  return tabApiRoutes({
    service: new TabService({
      store,
      app,
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
