/**
 * reply (issue 10 item 1): what arrived in a user's chat since they last worked in a
 * conversation is kept in the store, so a restart does not forget it and a second instance
 * sees what the first posted. Without it a typed message would go to the current
 * conversation although another contact's message arrived since.
 */
import { describe, expect, it } from 'vitest';
import {
  MINUTE,
  T0,
  useStore,
  useTwoClients,
  type MakeStore,
  type MakeTwoClients,
} from './store-fixtures.js';

export function describeChatArrivalsContract(
  makeStore: MakeStore,
  makeTwoClients: MakeTwoClients,
): void {
  describe('chat arrivals (what arrived since the user last worked)', () => {
    const store = useStore(makeStore);

    it('lists the conversations that got a card, oldest first, each once, per user', async () => {
      await store().noteArrival('user-ana', 't-maria', T0);
      await store().noteArrival('user-ana', 't-bob', T0 + MINUTE);
      await store().noteArrival('user-ben', 't-zoe', T0 + MINUTE);
      // Maria writes again: her conversation moves behind Bob's, and is listed once.
      await store().noteArrival('user-ana', 't-maria', T0 + 2 * MINUTE);
      expect(await store().listArrivals('user-ana')).toEqual(['t-bob', 't-maria']);
      expect(await store().listArrivals('user-ben')).toEqual(['t-zoe']);
      expect(await store().listArrivals('user-cy')).toEqual([]);
    });

    it('forgets what arrived up to the moment the user worked, and keeps what came after', async () => {
      await store().noteArrival('user-ana', 't-maria', T0);
      await store().noteArrival('user-ana', 't-bob', T0 + 2 * MINUTE);
      await store().noteArrival('user-ben', 't-maria', T0);
      await store().clearArrivals('user-ana', T0 + MINUTE);
      expect(await store().listArrivals('user-ana')).toEqual(['t-bob']);
      // Only Ana's: Ben has not worked.
      expect(await store().listArrivals('user-ben')).toEqual(['t-maria']);
      await store().clearArrivals('user-ana', T0 + 2 * MINUTE);
      expect(await store().listArrivals('user-ana')).toEqual([]);
      // Nothing to clear is no error.
      await store().clearArrivals('user-ana', T0 + 3 * MINUTE);
    });

    it('an earlier note arriving late does not move an arrival back', async () => {
      await store().noteArrival('user-ana', 't-maria', T0 + 2 * MINUTE);
      await store().noteArrival('user-ana', 't-bob', T0 + MINUTE);
      await store().noteArrival('user-ana', 't-maria', T0);
      await store().clearArrivals('user-ana', T0 + MINUTE);
      expect(await store().listArrivals('user-ana')).toEqual(['t-maria']);
    });
  });

  describe('chat arrivals across instances', () => {
    const clients = useTwoClients(makeTwoClients);

    it('one instance sees what another posted, and what another cleared', async () => {
      const [a, b] = clients();
      await a.noteArrival('user-ana', 't-maria', T0);
      expect(await b.listArrivals('user-ana')).toEqual(['t-maria']);
      await b.clearArrivals('user-ana', T0 + MINUTE);
      expect(await a.listArrivals('user-ana')).toEqual([]);
    });
  });
}
