/**
 * POST /api/messages: where the Bot Framework (Teams, the Agents Playground) delivers
 * activities. The CloudAdapter authenticates the caller's token (when BOT_ID is set), runs the
 * bot and writes the answer (200, or an invoke's response). The JSON body parser is on this
 * route only: the WhatsApp webhook and the sandbox read raw bytes.
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
 */
import type { CloudAdapter, Request as BotRequest, Response as BotResponse } from 'botbuilder';
import type { Logger } from 'pino';
import restify from 'restify';
import type { RouteModule } from '../http/server.js';
import type { WhatsAppBot } from './bot.js';

export const MESSAGES_PATH = '/api/messages';
/** Activities are small; a pasted picture arrives as a link, not in the body. */
const MAX_BODY_BYTES = 1024 * 1024;

export function messagesRoute(o: {
  readonly adapter: CloudAdapter;
  readonly bot: WhatsAppBot;
  readonly logger: Logger;
}): RouteModule {
  return {
    register(server: restify.Server) {
      // The Agents Playground checks the bot is up with HEAD before it connects.
      server.head(MESSAGES_PATH, async (_req, res) => {
        res.send(204);
      });
      server.post(
        MESSAGES_PATH,
        restify.plugins.bodyParser({
          mapParams: false,
          maxBodySize: MAX_BODY_BYTES,
          rejectUnknown: true,
        }),
        async (req, res) => {
          // ops (issue 12, hardening): an activity names its type; anything else is the
          // caller's mistake (400), not a crash of the adapter before authentication (500).
          const body = req.body as { type?: unknown } | undefined;
          if (typeof body !== 'object' || body === null || typeof body.type !== 'string') {
            res.send(400, { error: 'not a Bot Framework activity: the body needs a "type"' });
            return;
          }
          try {
            await o.adapter.process(
              req as unknown as BotRequest,
              res as unknown as BotResponse,
              (context) => o.bot.run(context),
            );
          } catch (error) {
            o.logger.error({ err: error }, 'activity could not be processed');
            if (!res.headersSent) res.send(500, { error: 'internal error' });
          }
        },
      );
    },
  };
}
