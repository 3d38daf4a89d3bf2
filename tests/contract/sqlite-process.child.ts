/**
 * One of two processes sharing a SQLite file (see sqlite-processes.test.ts): at a common start
 * time it applies a change to the shared thread from version 1, then drains the outbox, and
 * prints what it got as one JSON line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';
import { StaleThreadError } from '../../bot/src/store/port.js';

const [file, owner, startAt] = process.argv.slice(2);
if (!file || !owner || !startAt)
  throw new Error('usage: sqlite-process.child.ts <file> <owner> <startAt>');

const NOW = Date.UTC(2025, 0, 6, 12, 0);
const store = new SqliteStore(file);
const shared = await store.getThread('shared');
if (!shared) throw new Error('the parent creates the shared thread');

await sleep(Math.max(0, Number(startAt) - Date.now()));

let sharedChange: 'won' | 'stale';
try {
  await store.apply(
    {
      thread: { ...shared, participants: [{ id: owner, name: owner, joinedAt: NOW }] },
      messages: [],
      effects: [],
    },
    { expectedVersion: 1, now: NOW },
  );
  sharedChange = 'won';
} catch (error) {
  if (!(error instanceof StaleThreadError)) throw error;
  sharedChange = 'stale';
}

const claimed: { id: string; threadId: string; seq: number }[] = [];
while ((await store.countPendingEffects()) > 0) {
  const items = await store.claimEffects(owner, NOW, 60_000, 2);
  for (const item of items) {
    claimed.push({ id: item.id, threadId: item.threadId, seq: item.seq });
    await store.completeEffect(item.id, owner);
  }
  if (items.length === 0) await sleep(1);
}
await store.close();
process.stdout.write(`${JSON.stringify({ sharedChange, claimed })}\n`);
