/**
 * Pending queues that scale (issue 11 item 4): writing to a thread with a long queue does
 * the same work as writing to an empty one, counted as store calls, messages read and rows
 * written (never as time), and the queue still goes out whole and in order.
 */
import { describe, expect, it } from 'vitest';
import type { Message, Transition } from '../../../bot/src/core/types.js';
import type { Store } from '../../../bot/src/store/port.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import { AppWorld, CONTACT_ID, alice } from './world.js';

/** The store, counting what each use case asks of it. */
class CountingStore {
  calls = 0;
  messagesRead = 0;
  messagesWritten = 0;
  threadBytesWritten = 0;
  readonly store: Store;

  constructor(inner: Store) {
    this.store = new Proxy(inner, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          this.calls++;
          if (key === 'apply') {
            const t = args[0] as Transition;
            this.messagesWritten += t.messages.length;
            this.threadBytesWritten += JSON.stringify(t.thread).length;
          }
          const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(
            target,
            args,
          )) as unknown;
          if (Array.isArray(result)) this.messagesRead += result.length;
          else if (result && typeof result === 'object' && 'seq' in result) this.messagesRead++;
          return result;
        };
      },
    });
  }

  reset(): void {
    this.calls = this.messagesRead = this.messagesWritten = this.threadBytesWritten = 0;
  }

  work() {
    return {
      calls: this.calls,
      messagesRead: this.messagesRead,
      messagesWritten: this.messagesWritten,
      threadBytesWritten: this.threadBytesWritten,
    };
  }
}

describe('a pending queue', () => {
  it('costs the same to write to with 1,000 messages waiting as with none, and releases them all in order', async () => {
    const counting = new CountingStore(new SqliteStore(':memory:'));
    const w = await new AppWorld(counting.store).withContact();
    await w.conversations.start(alice, CONTACT_ID);
    await w.dispatcher.drain();

    counting.reset();
    await w.conversations.compose(alice.id, 't-1', { body: 'message 1' });
    const first = counting.work();

    for (let i = 2; i <= 1000; i++)
      await w.conversations.compose(alice.id, 't-1', { body: `message ${i}` });
    expect((await w.thread()).pendingCount).toBe(1000);

    counting.reset();
    await w.conversations.compose(alice.id, 't-1', { body: 'message 1001' });
    const last = counting.work();

    expect(last.calls).toBe(first.calls);
    expect(last.messagesRead).toBe(first.messagesRead);
    expect(last.messagesWritten).toBe(1);
    expect(first.messagesWritten).toBe(1);
    // The thread row holds counters, not the queue: only a few digits longer (pendingCount,
    // nextSeq and version), where a list of 1,000 ids would add kilobytes.
    expect(last.threadBytesWritten - first.threadBytesWritten).toBeLessThanOrEqual(16);

    // The contact agrees: all of them go out, in the order written, none twice.
    await w.conversations.receive({
      businessNumberId: 'bn-1',
      waMessageId: 'wamid.consent',
      from: '447700900123',
      sentAt: w.clock.now(),
      content: { type: 'button', button: 'consent', text: 'Agree' },
    });
    await w.dispatcher.drain();
    const texts = w.whatsapp.sent.filter((m: Message) => m.kind === 'text').map((m) => m.body);
    expect(texts).toEqual(Array.from({ length: 1001 }, (_, i) => `message ${i + 1}`));
    expect((await w.thread()).pendingCount).toBe(0);
    expect(await w.store.listHeldMessages('t-1')).toEqual([]);
  });

  it('fails every held message, with its reason, when the contact declines', async () => {
    const w = await new AppWorld().withContact();
    await w.conversations.start(alice, CONTACT_ID);
    await w.dispatcher.drain();
    for (let i = 1; i <= 30; i++)
      await w.conversations.compose(alice.id, 't-1', { body: `message ${i}` });
    await w.conversations.receive({
      businessNumberId: 'bn-1',
      waMessageId: 'wamid.decline',
      from: '447700900123',
      sentAt: w.clock.now(),
      content: { type: 'button', button: 'decline', text: 'Decline' },
    });
    const texts = (await w.messages()).filter((m) => m.kind === 'text');
    expect(texts).toHaveLength(30);
    for (const m of texts) {
      expect(m.status).toBe('failed');
      expect(m.failure?.reasonKey).toBe('reason.contact_opted_out');
      expect(m.held).toBeUndefined();
    }
    expect((await w.thread()).pendingCount).toBe(0);
    expect(await w.store.listHeldMessages('t-1')).toEqual([]);
  });
});
