/**
 * The server the tab benchmark drives, in its own process: the whole product on port argv[2]
 * with the embedded store in argv[3] (local mode), its clock at argv[4]. Prints "ready".
 */
import { pino } from 'pino';
import { loadConfig } from '../bot/src/config/config.js';
import { startProduct } from '../bot/src/product.js';
import { createSandboxClock } from '../bot/src/sandbox/index.js';

const [port, dataDir, now] = process.argv.slice(2) as [string, string, string];
const config = loadConfig({ PORT: port, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const product = await startProduct(config, {
  logger: pino({ level: 'silent' }),
  clock: createSandboxClock({ frozenAt: Number(now) }),
  host: '127.0.0.1',
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void product.stop().then(() => process.exit(0));
});
