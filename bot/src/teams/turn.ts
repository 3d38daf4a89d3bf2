/**
 * What every handler of the bot is given: the services it works with, and the turn: Teams'
 * context, and the enabled user and organisation it is for.
 */
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Clock } from '../app/clock.js';
import type { Conversations } from '../app/conversations.js';
import type { Organisation, Store, UserRecord } from '../store/port.js';
import type { MediaUrls } from './media-route.js';
import type { TeamsMessenger } from './messenger.js';

export interface BotServices {
  readonly store: Store;
  readonly conversations: Conversations;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly media: MediaUrls;
  readonly messenger: TeamsMessenger;
  /** The name the opt-in request shows the contact. */
  readonly businessName: string;
  readonly maxParticipants: number;
  /** Fetch for pictures from Teams (tests pass their own). */
  readonly fetch?: typeof globalThis.fetch;
  /** Whether pictures on the Bot Connector are fetched with the bot's token (not in local mode). */
  readonly authenticatedDownloads: boolean;
}

export interface Turn {
  readonly context: TurnContext;
  readonly user: UserRecord;
  readonly organisation: Organisation;
  /** The Teams client's language, for everything this turn answers. */
  readonly locale: string;
}
