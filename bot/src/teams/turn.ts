/**
 * What every handler of the bot is given: the services it works with, and the turn: Teams'
 * context, and the enabled user and organisation it is for (the acting user the application
 * layer checks every command and query against).
 */
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Actor } from '../app/access.js';
import type { Application } from '../app/application.js';
import type { Clock } from '../app/clock.js';
import type { MediaUrls } from './media-route.js';
import type { TeamsMessenger } from './messenger.js';

export interface BotServices {
  /** The use cases and queries: the only way the bot reaches what the product keeps. */
  readonly app: Application;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly media: MediaUrls;
  readonly messenger: TeamsMessenger;
  /** The name the opt-in request shows the contact. */
  readonly businessName: string;
  /** Fetch for pictures from Teams (tests pass their own). */
  readonly fetch?: typeof globalThis.fetch;
  /** Whether pictures on the Bot Connector are fetched with the bot's token (not in local mode). */
  readonly authenticatedDownloads: boolean;
}

export interface Turn extends Actor {
  readonly context: TurnContext;
  /** The Teams client's language, for everything this turn answers. */
  readonly locale: string;
}
