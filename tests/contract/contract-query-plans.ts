/**
 * The hot queries' plans (Store.explainQuery): each one is served by an index on every store,
 * reads no whole table or collection, and (except a user's own conversations, read whole)
 * comes out of its index in order, so a claim or a page stops after its limit instead of
 * sorting every candidate. The same checks run on SQLite here and on MongoDB with MONGODB_URI.
 */
import { describe, expect, it } from 'vitest';
import { HOT_QUERIES, type HotQuery } from '../../bot/src/store/port.js';
import {
  aMessage,
  aThread,
  create,
  notify,
  schedule,
  T0,
  HOUR,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

const WHAT: Record<HotQuery, { says: string; inIndexOrder: boolean }> = {
  message_by_wa_id: { says: 'finding a message by its WhatsApp id', inIndexOrder: true },
  claim_effects: { says: "claiming the outbox's due effects", inIndexOrder: true },
  claim_timers: { says: 'claiming due timers', inIndexOrder: true },
  // A user's conversations are read whole; on SQLite, where participants are a table of
  // their own, they may be sorted after the index found them.
  threads_for_user: { says: "listing a user's conversations", inIndexOrder: false },
  messages_of_thread: { says: "reading a conversation's messages", inIndexOrder: true },
  cdr_page: { says: 'reading a page of the message record (CDR)', inIndexOrder: true },
};

export function describeQueryPlanContract(makeStore: MakeStore): void {
  describe('hot queries are served by indexes', () => {
    const store = useStore(makeStore);

    it('names every hot query it plans and gives each statement a plan', async () => {
      for (const query of HOT_QUERIES) {
        const plan = await store().explainQuery(query);
        expect(plan.query).toBe(query);
        expect(plan.steps.length, query).toBeGreaterThan(0);
        for (const step of plan.steps) expect(step.detail, query).not.toBe('');
      }
    });

    for (const query of HOT_QUERIES) {
      const { says, inIndexOrder } = WHAT[query];
      it(`${says} uses an index${inIndexOrder ? ', in index order' : ''}`, async () => {
        // A little of everything, so the planner sees collections with rows in them.
        const thread = aThread('t1');
        await create(store(), thread, {
          messages: [aMessage(thread, 1, { waMessageId: 'wamid.1' }), aMessage(thread, 2)],
          effects: [notify(thread, 'a'), notify(thread, 'b'), schedule(thread, T0 + HOUR)],
        });

        const plan = await store().explainQuery(query);
        for (const step of plan.steps) {
          const where = `${query}, ${step.statement}: ${step.detail}`;
          expect(step.indexes, where).not.toEqual([]);
          expect(step.fullScan, where).toBe(false);
          if (inIndexOrder) expect(step.sortsInMemory, where).toBe(false);
        }
      });
    }
  });
}
