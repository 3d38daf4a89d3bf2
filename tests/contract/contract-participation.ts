/**
 * The contract for who took part in a thread and how far each has read (issue 8), and for a
 * business number that moves to another organisation.
 */
import { describe, expect, it } from 'vitest';
import { Access, type Actor } from '../../bot/src/app/access.js';
import type { Organisation } from '../../bot/src/store/port.js';
import {
  aMessage,
  ana,
  aThread,
  ben,
  BUSINESS_NUMBER,
  change,
  create,
  MINUTE,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

const org = (tenantId: string, numbers: string[]): Organisation => ({
  tenantId,
  name: tenantId,
  enabled: true,
  businessNumbers: numbers.map((n) => ({
    phoneNumberId: n,
    displayPhoneNumber: `+${n}`,
    intakeUserIds: [],
  })),
  maxParticipants: 8,
  contactLocale: 'en',
});

export function describeParticipationContract(makeStore: MakeStore): void {
  describe('participation history and read positions', () => {
    const store = useStore(makeStore);

    it('keeps who took part: one who leaves keeps the thread, marked as left, and can join again', async () => {
      const t1 = await create(store(), aThread('t1', { participants: [ana] }));
      await store().apply(change({ ...t1, participants: [ana, ben] }), {
        now: T0 + MINUTE,
        expectedVersion: 1,
      });
      await store().apply(change({ ...t1, participants: [ben] }), {
        now: T0 + 2 * MINUTE,
        expectedVersion: 2,
      });

      const anas = await store().listParticipations(ana.id);
      expect(anas.map((p) => p.thread.id)).toEqual(['t1']);
      expect(anas[0]!.participation).toMatchObject({
        threadId: 't1',
        userId: ana.id,
        joinedAt: T0,
        leftAt: T0 + 2 * MINUTE,
      });
      expect(await store().getParticipation('t1', ben.id)).toMatchObject({
        joinedAt: T0 + MINUTE,
      });
      expect((await store().getParticipation('t1', ben.id))!.leftAt).toBeUndefined();
      // Current participants only, as before.
      expect(await store().listThreadsForUser(ana.id)).toEqual([]);
      expect(await store().getParticipation('t1', 'user-nobody')).toBeUndefined();

      await store().apply(change({ ...t1, participants: [ben, ana] }), {
        now: T0 + 3 * MINUTE,
        expectedVersion: 3,
      });
      const back = await store().getParticipation('t1', ana.id);
      expect(back).toMatchObject({ joinedAt: T0 + 3 * MINUTE });
      expect(back!.leftAt).toBeUndefined();
      expect((await store().listThreadsForUser(ana.id)).map((t) => t.id)).toEqual(['t1']);
    });

    it('lists the threads a user took part in, most recently changed first', async () => {
      await create(store(), aThread('t1'), {}, T0);
      await create(
        store(),
        aThread('t2', { contact: { id: 'c2', phone: '2', name: 'C2' } }),
        {},
        T0 + MINUTE,
      );
      expect((await store().listParticipations(ana.id)).map((p) => p.thread.id)).toEqual([
        't2',
        't1',
      ]);
      expect(await store().listParticipations(ben.id)).toEqual([]);
    });

    it('moves the read position forward only, and only for someone who took part', async () => {
      const t1 = aThread('t1');
      await create(store(), t1, { messages: [aMessage(t1, 1), aMessage(t1, 2), aMessage(t1, 3)] });
      expect((await store().getParticipation('t1', ana.id))!.lastReadSeq).toBe(0);
      await store().markRead('t1', ana.id, 2);
      expect((await store().getParticipation('t1', ana.id))!.lastReadSeq).toBe(2);
      await store().markRead('t1', ana.id, 1);
      expect((await store().getParticipation('t1', ana.id))!.lastReadSeq).toBe(2);
      await store().markRead('t1', ben.id, 3);
      expect(await store().getParticipation('t1', ben.id)).toBeUndefined();
    });
  });

  describe('business numbers between organisations', () => {
    const store = useStore(makeStore);

    it('a number moves between tenants: the old organisation no longer lists it, and its users lose access', async () => {
      await store().putOrganisation(org('tenant-a', [BUSINESS_NUMBER, 'pn-a2']));
      await create(store(), aThread('t1', { participants: [ana] }));
      const anaOfA: Actor = {
        user: {
          id: ana.id,
          tenantId: 'tenant-a',
          name: ana.name,
          locale: 'en',
          enabled: true,
          subOrganisation: 'sales',
        },
        organisation: org('tenant-a', [BUSINESS_NUMBER, 'pn-a2']),
      };
      const access = new Access(store());
      expect((await access.thread(anaOfA, 't1')).thread.id).toBe('t1');

      await store().putOrganisation(org('tenant-b', [BUSINESS_NUMBER]));
      await expect(access.thread(anaOfA, 't1')).rejects.toMatchObject({
        code: 'thread.not_found',
      });

      expect((await store().getOrganisationByBusinessNumber(BUSINESS_NUMBER))!.tenantId).toBe(
        'tenant-b',
      );
      const old = await store().getOrganisation('tenant-a');
      expect(old!.businessNumbers.map((n) => n.phoneNumberId)).toEqual(['pn-a2']);
      expect((await store().getOrganisationByBusinessNumber('pn-a2'))!.tenantId).toBe('tenant-a');
      // Putting the old organisation again (say, renamed) as it is now stored keeps it so.
      await store().putOrganisation({ ...old!, name: 'A renamed' });
      expect((await store().getOrganisationByBusinessNumber(BUSINESS_NUMBER))!.tenantId).toBe(
        'tenant-b',
      );
    });

    it('keeps organisations with no number side by side', async () => {
      await store().putOrganisation(org('tenant-a', []));
      await store().putOrganisation(org('tenant-b', []));
      expect(await store().getOrganisation('tenant-a')).toBeDefined();
      expect(await store().getOrganisation('tenant-b')).toBeDefined();
    });
  });
}
