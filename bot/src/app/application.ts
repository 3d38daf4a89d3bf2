/**
 * The application layer as the surfaces get it (issue 8): the bot, the compose extension and
 * the tab's API call these, and nothing under store/. The composition root (product.ts)
 * builds it over the store.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/port.js';
import { ChatAttention } from './chat-attention.js';
import type { Clock } from './clock.js';
import type { Conversations } from './conversations.js';
import { Enablement, type EnablementMode, type LocalBusinessNumber } from './enablement.js';
import { SystemRecords } from './system-records.js';
import { UserCommands } from './user-commands.js';
import { UserQueries } from './user-queries.js';
import { UnassignedMessages } from './unassigned.js'; // alarm (issue 12)

export interface Application {
  readonly commands: UserCommands;
  readonly queries: UserQueries;
  readonly records: SystemRecords;
  /** chat (issue 10): what arrived in each user's chat since they last worked in a conversation. */
  readonly attention: ChatAttention;
  /** alarm (issue 12): contacts' messages that reached nobody, assigned by the admins. */
  readonly unassigned: UnassignedMessages;
  /** Who may use the app, in the given mode ('local' without BOT_ID). */
  enablement(mode: EnablementMode, localNumber: LocalBusinessNumber): Enablement;
}

export function createApplication(options: {
  readonly store: Store;
  readonly conversations: Conversations;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxParticipants: number;
  /** alarm (issue 12): a thread nobody answered was assigned (the alarm job tells the admins). */
  readonly onAssigned?: () => void;
  /** alarm (issue 12): local mode, where every enabled user is told of alarms when no admin is named. */
  readonly everyoneIfNoAdmin?: boolean;
}): Application {
  const { store, conversations, clock, logger, maxParticipants } = options;
  const queries = new UserQueries(store, clock, { maxParticipants });
  const attention = new ChatAttention(store, clock);
  return {
    queries,
    attention,
    commands: new UserCommands(store, conversations, queries, attention),
    records: new SystemRecords(store),
    unassigned: new UnassignedMessages(
      store,
      conversations,
      clock,
      options.onAssigned,
      options.everyoneIfNoAdmin,
    ),
    enablement: (mode, localNumber) =>
      new Enablement({ store, logger, mode, localNumber, maxParticipants }),
  };
}
