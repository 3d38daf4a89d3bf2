/**
 * `npm run admin -- …`: the admin's command line, on the store the product is configured
 * with (DATA_DIR's embedded store, or MONGODB_URI). Like index.ts, an entry point: it reads
 * the environment and the .env files through config/environment.ts, as the server does.
 */
import { ConfigError } from '../config/config.js';
import { configFromEnvironment } from '../config/environment.js';
import { openStore } from '../store/open-store.js';
import { AdminUsageError, runAdmin, USAGE } from './admin-commands.js';
import { CONTACT_USAGE, runContactCommand } from './contact-commands.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    console.log(USAGE + CONTACT_USAGE);
    return 0;
  }
  let config;
  try {
    // The real environment over env/.env.local and env/.env.local.user, as the server reads it.
    config = configFromEnvironment(process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  try {
    // ops (issue 12): contact export / erase.
    if (argv[0] === 'contact') await runContactCommand(argv.slice(1), store, (l) => console.log(l));
    else
      await runAdmin(argv, store, (line) => console.log(line), {
        maxParticipants: config.maxParticipants,
      });
    return 0;
  } catch (error) {
    if (
      error instanceof AdminUsageError ||
      (error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`${error.message}\n\n${USAGE}${CONTACT_USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
