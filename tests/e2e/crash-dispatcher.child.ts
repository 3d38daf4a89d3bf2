/**
 * A dispatcher process for the crash test: drains the outbox of the database given as
 * argv[2], "sending" each message by appending its id to the log file argv[3] (that is what
 * WhatsApp received), then waiting a little as a real Cloud API answer would.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Conversations } from '../../bot/src/app/conversations.js';
import { OutboxDispatcher } from '../../bot/src/app/outbox-dispatcher.js';
import { systemClock } from '../../bot/src/app/clock.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';

const [file, log, owner] = process.argv.slice(2) as [string, string, string];
const store = new SqliteStore(file);
const logger = pino({ level: 'silent' });
const conversations = new Conversations({ store, clock: systemClock, logger, maxParticipants: 8 });
let n = 0;
const dispatcher = new OutboxDispatcher({
  store,
  clock: systemClock,
  logger,
  conversations,
  owner,
  leaseMs: 400,
  batchSize: 4,
  contacts: {
    async send(_thread, message) {
      appendFileSync(log, `${message.id}\n`);
      await sleep(15);
      return { outcome: 'sent', waMessageId: `wamid.${owner}.${++n}` };
    },
  },
  users: { async deliver() {} },
});
await dispatcher.drain();
await store.close();
process.stdout.write('drained\n');
