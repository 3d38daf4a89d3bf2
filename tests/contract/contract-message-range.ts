/** The contract for reading messages by time across threads: the message record export (CDR). */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../bot/src/core/types.js';
import type { MessageInThread, MessageRange, Store } from '../../bot/src/store/port.js';
import {
  aContact,
  aMessage,
  aThread,
  BUSINESS_NUMBER,
  change,
  create,
  HOUR,
  MINUTE,
  OTHER_BUSINESS_NUMBER,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

/** The ids of the messages in the range, in the order the store gives them. */
async function ids(store: Store, range: Omit<MessageRange, 'limit'> & { limit?: number }) {
  const found = await store.listMessagesBetween({ limit: 100, ...range });
  return found.map((m) => m.message.id);
}

/** Every page, following `after`, until a short page. */
async function allPages(store: Store, range: Omit<MessageRange, 'after'>) {
  const pages: string[][] = [];
  let after: Message | undefined;
  for (;;) {
    const page: MessageInThread[] = await store.listMessagesBetween({ ...range, after });
    pages.push(page.map((m) => m.message.id));
    if (page.length < range.limit) return pages;
    after = page.at(-1)!.message;
  }
}

export function describeMessageRangeContract(makeStore: MakeStore): void {
  describe('messages by time (CDR)', () => {
    const store = useStore(makeStore);

    /**
     * t1 (pn-100, contact 1): seq 1 at T0, seq 2 and seq 10 at T0+2m (same time: seq order,
     *   not string order), seq 3 at T0+5m.
     * t2 (pn-200, contact 2): seq 1 at T0+1m, seq 2 at T0+2m.
     * t3 (pn-100, contact 3): seq 1 at T0+2m.
     */
    async function threeThreads() {
      const t1 = aThread('t1', { nextSeq: 11 });
      await create(store(), t1, {
        messages: [
          aMessage(t1, 1),
          aMessage(t1, 2, { createdAt: T0 + 2 * MINUTE }),
          aMessage(t1, 10, { createdAt: T0 + 2 * MINUTE }),
          aMessage(t1, 3, { createdAt: T0 + 5 * MINUTE }),
        ],
      });
      const t2 = aThread('t2', { businessNumberId: OTHER_BUSINESS_NUMBER, contact: aContact(2) });
      await create(store(), t2, {
        messages: [
          aMessage(t2, 1, { createdAt: T0 + MINUTE }),
          aMessage(t2, 2, { createdAt: T0 + 2 * MINUTE, direction: 'inbound', kind: 'inbound' }),
        ],
      });
      const t3 = aThread('t3', { contact: aContact(3) });
      await create(store(), t3, { messages: [aMessage(t3, 1, { createdAt: T0 + 2 * MINUTE })] });
      return { t1, t2, t3 };
    }

    it('lists messages across threads oldest first: by time, then thread, then seq', async () => {
      await threeThreads();
      expect(await ids(store(), { from: T0, to: T0 + HOUR })).toEqual([
        't1:1',
        't2:1',
        't1:2',
        't1:10',
        't2:2',
        't3:1',
        't1:3',
      ]);
    });

    it('includes `from` and excludes `to`', async () => {
      await threeThreads();
      expect(await ids(store(), { from: T0 + 2 * MINUTE, to: T0 + 5 * MINUTE })).toEqual([
        't1:2',
        't1:10',
        't2:2',
        't3:1',
      ]);
      expect(await ids(store(), { from: T0 + 5 * MINUTE, to: T0 + 5 * MINUTE })).toEqual([]);
      expect(await ids(store(), { from: T0 + 5 * MINUTE + 1, to: T0 + HOUR })).toEqual([]);
    });

    it("keeps to one business number's threads when asked", async () => {
      await threeThreads();
      expect(
        await ids(store(), { businessNumberId: BUSINESS_NUMBER, from: T0, to: T0 + HOUR }),
      ).toEqual(['t1:1', 't1:2', 't1:10', 't3:1', 't1:3']);
      expect(
        await ids(store(), {
          businessNumberId: OTHER_BUSINESS_NUMBER,
          from: T0,
          to: T0 + HOUR,
        }),
      ).toEqual(['t2:1', 't2:2']);
      expect(await ids(store(), { businessNumberId: 'pn-999', from: T0, to: T0 + HOUR })).toEqual(
        [],
      );
    });

    it('pages through with `after` the last message of a page, even inside one instant', async () => {
      await threeThreads();
      expect(await allPages(store(), { from: T0, to: T0 + HOUR, limit: 2 })).toEqual([
        ['t1:1', 't2:1'],
        ['t1:2', 't1:10'],
        ['t2:2', 't3:1'],
        ['t1:3'],
      ]);
      expect(
        await allPages(store(), {
          businessNumberId: BUSINESS_NUMBER,
          from: T0,
          to: T0 + HOUR,
          limit: 3,
        }),
      ).toEqual([
        ['t1:1', 't1:2', 't1:10'],
        ['t3:1', 't1:3'],
      ]);
    });

    it("returns each message as stored, with its thread's business number and contact", async () => {
      const { t1, t2 } = await threeThreads();
      // A later change (a receipt) keeps the message's place: it is ordered by creation.
      const stored = (await store().getThread('t1'))!;
      const sent = aMessage(t1, 1, {
        status: 'delivered',
        statusTimes: { pending: T0, sent: T0 + 9 * MINUTE, delivered: T0 + 10 * MINUTE },
        waMessageId: 'wamid.1',
      });
      await store().apply(change(stored, { messages: [sent] }), {
        expectedVersion: stored.version,
        now: T0 + 10 * MINUTE,
      });
      await store().markMessagePossiblyDuplicate('t2:1');
      const found = await store().listMessagesBetween({ from: T0, to: T0 + 2 * MINUTE, limit: 10 });
      expect(found).toEqual([
        { message: sent, businessNumberId: BUSINESS_NUMBER, contact: t1.contact },
        {
          message: { ...aMessage(t2, 1, { createdAt: T0 + MINUTE }), possiblyDuplicate: true },
          businessNumberId: OTHER_BUSINESS_NUMBER,
          contact: t2.contact,
        },
      ]);
    });
  });
}
