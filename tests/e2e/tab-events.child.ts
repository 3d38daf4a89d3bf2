/**
 * One server instance for the live-updates test: the whole product on port argv[2] with its
 * embedded store in argv[3], local mode (no BOT_ID). Prints "ready" once it listens; stops on
 * SIGTERM.
 */
import { pino } from 'pino';
import { loadConfig } from '../../bot/src/config/config.js';
import { startProduct } from '../../bot/src/product.js';

const [port, dataDir] = process.argv.slice(2) as [string, string];
const config = loadConfig({ PORT: port, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const product = await startProduct(config, {
  logger: pino({ level: 'silent' }),
  host: '127.0.0.1',
  deliveryDelays: { sentMs: 0, deliveredMs: 0, readMs: 0 },
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void product.stop().then(() => process.exit(0));
});
