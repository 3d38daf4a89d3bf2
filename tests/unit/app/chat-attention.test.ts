import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatAttention } from '../../../bot/src/app/chat-attention.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'wa-attention-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ChatAttention (issue 10)', () => {
  it('lists the other conversations that got a card since the user last worked, oldest first', async () => {
    let now = 1_000;
    const clock = { now: () => now++ };
    const store = new SqliteStore(join(root, 'a.sqlite'));
    const a = new ChatAttention(store, clock);
    await a.arrived('alice', 't-maria');
    await a.arrived('alice', 't-bob');
    await a.arrived('alice', 't-maria');
    await a.arrived('carol', 't-zoe');
    expect(await a.since('alice', 't-bob')).toEqual(['t-maria']);
    expect(await a.since('alice')).toEqual(['t-bob', 't-maria']);
    await a.worked('alice');
    expect(await a.since('alice')).toEqual([]);
    expect(await a.since('carol')).toEqual(['t-zoe']);
    await store.close();
  });

  it('remembers across a restart (a new process on the same store file)', async () => {
    const file = join(root, 'b.sqlite');
    const clock = { now: () => 5_000 };
    const first = new SqliteStore(file);
    await new ChatAttention(first, clock).arrived('alice', 't-maria');
    await first.close();
    const second = new SqliteStore(file);
    expect(await new ChatAttention(second, clock).since('alice', 't-bob')).toEqual(['t-maria']);
    await second.close();
  });
});
