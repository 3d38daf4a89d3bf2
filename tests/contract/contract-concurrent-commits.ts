/**
 * The contract for many commits at once (issue 11 item 6, group commit): however a store
 * groups concurrent commits, each caller hears back only once its own change is durable and
 * visible to every other client, a refused change fails alone, and a repeated event is
 * refused only once the first one is kept.
 */
import { describe, expect, it } from 'vitest';
import { DuplicateEventError, StaleThreadError } from '../../bot/src/store/port.js';
import {
  aContact,
  aMessage,
  aThread,
  change,
  create,
  T0,
  type MakeTwoClients,
  useTwoClients,
} from './store-fixtures.js';

export function describeConcurrentCommitContract(makeTwoClients: MakeTwoClients): void {
  describe('concurrent commits', () => {
    const both = useTwoClients(makeTwoClients);

    it('answers each of many concurrent commits only once the other client can read it', async () => {
      const [a, b] = both();
      const seenByOther = await Promise.all(
        Array.from({ length: 25 }, async (_, i) => {
          const t = aThread(`t${i}`, { contact: aContact(i) });
          await a.apply(change(t, { messages: [aMessage(t, 1)] }), {
            now: T0,
            eventKey: `msg:wamid.${i}`,
          });
          return [
            (await b.getThread(t.id))?.version,
            (await b.getMessage(`${t.id}:1`))?.body,
            await b.hasHandledEvent(`msg:wamid.${i}`),
          ];
        }),
      );
      expect(seenByOther).toEqual(Array.from({ length: 25 }, () => [1, 'message 1', true]));
    });

    it('fails only the refused change among concurrent ones, and keeps the others', async () => {
      const [a, b] = both();
      const existing = await create(a, aThread('old', { contact: aContact(9) }));
      const results = await Promise.allSettled([
        a.apply(change(aThread('t1', { contact: aContact(1) })), { now: T0 }),
        a.apply(change({ ...existing, state: 'active' }), {
          expectedVersion: existing.version + 5,
          now: T0,
        }),
        a.apply(change(aThread('t2', { contact: aContact(2) })), { now: T0 }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleThreadError);
      expect(await b.getThread('t1')).toBeDefined();
      expect(await b.getThread('t2')).toBeDefined();
      expect((await b.getThread('old'))?.state).toBe('awaiting_consent');
    });

    it('refuses a repeated event among concurrent commits only once the first is kept', async () => {
      const [a, b] = both();
      const outcomes: string[] = [];
      await Promise.allSettled(
        [1, 2].map((n) =>
          a
            .apply(change(aThread(`t${n}`, { contact: aContact(n) })), {
              now: T0,
              eventKey: 'msg:wamid.same',
            })
            .then(
              async () => outcomes.push(`kept t${n}`),
              async (error: unknown) => {
                // Whoever was first is already readable by the time the repeat is refused.
                const kept = (await b.getThread('t1')) ?? (await b.getThread('t2'));
                outcomes.push(
                  error instanceof DuplicateEventError && kept ? 'repeat refused' : String(error),
                );
              },
            ),
        ),
      );
      expect(outcomes).toHaveLength(2);
      expect(outcomes).toContain('repeat refused');
      expect(outcomes.filter((o) => /^kept t[12]$/.test(o))).toHaveLength(1);
      const kept = [await b.getThread('t1'), await b.getThread('t2')].filter(Boolean);
      expect(kept).toHaveLength(1);
    });
  });
}
