/**
 * The composition root: reads the typed configuration, opens the store, wires the adapters
 * and starts the server. With the admin command line (admin/cli.ts), the only module that
 * reads process.env.
 */
import { ConfigError } from './config/config.js';
import { configFromEnvironment } from './config/environment.js';
import { createLogger } from './log.js';
import { startProduct } from './product.js';
import { createTeamsAdapter } from './teams/teams-adapter.js';

async function main(): Promise<void> {
  let config;
  try {
    // The real environment over env/.env.local and env/.env.local.user, as the admin CLI reads it.
    config = configFromEnvironment(process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const product = await startProduct(config, {
    logger,
    adapters: (core) => createTeamsAdapter(core),
  });
  logger.info(
    {
      url: config.publicUrl,
      sandbox: config.whatsapp.sandbox,
      localBot: config.bot.local,
      store: config.mongodbUri ? 'mongodb' : 'sqlite',
    },
    'WhatsApp for Teams is listening',
  );
  if (config.bot.local) {
    logger.info(
      `Local bot (no BOT_ID): point the Agents Playground at ${config.publicUrl}/api/messages (npm run playground)`,
    );
  }
  if (config.whatsapp.sandbox) {
    logger.info(`The WhatsApp sandbox plays the contact's phone at ${config.publicUrl}/sandbox`);
  }
  // ops (issue 12): a graceful stop, bounded by SHUTDOWN_TIMEOUT_SECONDS.
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down: not ready, finishing work in flight');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long: exiting with work unfinished');
      process.exit(1);
    }, config.ops.shutdownTimeoutMs);
    deadline.unref();
    product.stop({ delayMs: signal === 'SIGINT' ? 0 : config.ops.shutdownDelayMs }).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
