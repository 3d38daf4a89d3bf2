/**
 * What the review of the MongoDB store before its first real server (issue 13) asked both
 * stores to do alike: a thread keeps its creation time, consent records of the same
 * millisecond keep the order they were committed in, an empty page is empty, and the schema
 * migrations are recorded in the database.
 */
import { describe, expect, it } from 'vitest';
import {
  aConsentRecord,
  aContact,
  aMessage,
  aThread,
  change,
  create,
  HOUR,
  MINUTE,
  recordConsent,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

export function describeStoreReviewContract(makeStore: MakeStore): void {
  describe('store review (issue 13)', () => {
    const store = useStore(makeStore);

    it("keeps a thread's creation time when an update carries another", async () => {
      const first = await create(store(), aThread('t1'));
      // Closed, with a creation time that is not its own (the engine's copy went astray).
      await store().apply(change({ ...first, state: 'closed', createdAt: T0 + 5 * HOUR }), {
        expectedVersion: 1,
        now: T0 + MINUTE,
      });
      expect((await store().getThread('t1'))?.createdAt).toBe(T0);

      // The contact's next conversation is the latest one, not the older one that claimed
      // a later creation time.
      await create(store(), aThread('t2', { createdAt: T0 + HOUR }), {}, T0 + HOUR);
      const latest = await store().findLatestThread(first.businessNumberId, aContact(1).id);
      expect(latest?.id).toBe('t2');
    });

    it('lists consent records of the same millisecond in the order they were committed', async () => {
      const thread = await create(store(), aThread('t1'));
      const at = T0 + MINUTE;
      const kinds = ['consent', 'opt_out', 'resume', 'opt_out', 'consent'] as const;
      let current = thread;
      for (const [i, kind] of kinds.entries()) {
        const record = aConsentRecord(current, { kind, at, waMessageId: `wamid.same-ms-${i}` });
        await store().apply(change(current, { effects: [recordConsent(record)] }), {
          expectedVersion: current.version,
          now: at,
        });
        current = (await store().getThread('t1'))!;
      }
      const listed = await store().listConsentRecords({ contactId: aContact(1).id });
      expect(listed.map((r) => `${r.kind} ${r.waMessageId}`)).toEqual(
        kinds.map((kind, i) => `${kind} wamid.same-ms-${i}`),
      );
    });

    it('answers a page of the message record with no room in it with no messages', async () => {
      const thread = aThread('t1');
      await create(store(), thread, { messages: [aMessage(thread, 1)] });
      const range = { from: T0, to: T0 + HOUR };
      expect(await store().listMessagesBetween({ ...range, limit: 0 })).toEqual([]);
      expect(await store().listMessagesBetween({ ...range, limit: 1 })).toHaveLength(1);
    });

    it('records its schema migrations, each once, with a name', async () => {
      const { applied } = await store().schemaMigrations();
      expect(applied.length).toBeGreaterThan(0);
      const versions = applied.map((m) => m.version);
      expect(new Set(versions).size).toBe(versions.length);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      for (const m of applied) expect(m.name).not.toBe('');
    });
  });
}
