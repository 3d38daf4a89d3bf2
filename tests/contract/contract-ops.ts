/**
 * The operations port (issue 12) on every store: the readiness probe, job leases (one
 * instance runs a job; a released lease is taken over at once), the figures the metrics
 * report, and alarm records.
 */
import { describe, expect, it } from 'vitest';
import {
  aConsentRecord,
  aContact,
  aMessage,
  ana,
  aThread,
  BUSINESS_NUMBER,
  recordConsent,
  create,
  HOUR,
  MINUTE,
  schedule,
  sendToContact,
  T0,
  useStore,
  type MakeStore,
  type MakeTwoClients,
  useTwoClients,
} from './store-fixtures.js';

export function describeOpsContract(makeStore: MakeStore, makeTwoClients: MakeTwoClients): void {
  describe('operations', () => {
    const store = useStore(makeStore);

    it('commits the readiness probe', async () => {
      await expect(store().ops.probeCommit('a', T0)).resolves.toBeUndefined();
      await expect(store().ops.probeCommit('a', T0 + 1)).resolves.toBeUndefined();
    });

    it("reports the outbox's depth and its oldest effect, and due and late timers", async () => {
      expect(await store().ops.outboxStats()).toEqual({ depth: 0, oldestCreatedAt: undefined });
      const t1 = aThread('t1', { contact: aContact(1) });
      const t2 = aThread('t2', { contact: aContact(2) });
      await create(store(), t1, { effects: [sendToContact(t1, 1), schedule(t1, T0 + MINUTE)] });
      await create(
        store(),
        t2,
        { effects: [sendToContact(t2, 1), schedule(t2, T0 + HOUR)] },
        T0 + 5000,
      );
      expect(await store().ops.outboxStats()).toEqual({ depth: 2, oldestCreatedAt: T0 });
      expect(await store().ops.timerStats(T0, MINUTE)).toEqual({ due: 0, late: 0 });
      expect(await store().ops.timerStats(T0 + 30 * MINUTE, 5 * MINUTE)).toEqual({
        due: 1,
        late: 1,
      });
      expect(await store().ops.timerStats(T0 + HOUR, 5 * MINUTE)).toEqual({ due: 2, late: 1 });
    });

    it('counts open conversations by state and window', async () => {
      await create(
        store(),
        aThread('t1', { contact: aContact(1), state: 'active', lastInboundAt: T0 }),
      );
      await create(
        store(),
        aThread('t2', { contact: aContact(2), state: 'active', lastInboundAt: T0 - 25 * HOUR }),
      );
      await create(store(), aThread('t3', { contact: aContact(3) }));
      await create(store(), aThread('t4', { contact: aContact(4), state: 'closed', closedAt: T0 }));
      expect(await store().ops.openThreads(T0 + HOUR, 24 * HOUR)).toEqual([
        { state: 'active', window: 'closed', count: 1 },
        { state: 'active', window: 'open', count: 1 },
        { state: 'awaiting_consent', window: 'closed', count: 1 },
      ]);
    });

    it('keeps alarm records', async () => {
      const raised = {
        key: 'token_refused',
        kind: 'token_refused',
        state: 'raised' as const,
        since: T0,
        toldRaised: ['u1'],
        toldCleared: [],
        detail: { code: '190' },
      };
      await store().ops.putAlarm(raised);
      expect(await store().ops.getAlarm('token_refused')).toEqual(raised);
      await store().ops.putAlarm({ ...raised, state: 'cleared', toldCleared: ['u1'] });
      expect(await store().ops.listAlarms()).toEqual([
        { ...raised, state: 'cleared', toldCleared: ['u1'] },
      ]);
      expect(await store().ops.getAlarm('other')).toBeUndefined();
    });

    it('forgets a record, but not one written again since it was read', async () => {
      const signal = {
        key: 'signal:unassigned:t1',
        kind: 'signal',
        state: 'raised' as const,
        since: T0,
        toldRaised: [],
        toldCleared: [],
        detail: { threadId: 't1' },
      };
      await store().ops.putAlarm({ ...signal, since: T0 + 5 });
      await store().ops.deleteAlarm(signal.key, T0);
      expect((await store().ops.getAlarm(signal.key))?.since).toBe(T0 + 5);
      await store().ops.deleteAlarm(signal.key, T0 + 5);
      expect(await store().ops.getAlarm(signal.key)).toBeUndefined();
      await store().ops.putAlarm(signal);
      await store().ops.deleteAlarm(signal.key);
      await store().ops.deleteAlarm('never-there');
      expect(await store().ops.listAlarms()).toEqual([]);
    });
  });

  describe('retention and erasure', () => {
    const store = useStore(makeStore);
    const DAY = 24 * HOUR;

    /** A thread of contact n with a message per status, created `ageDays` before T0. */
    async function history(n: number, statuses: readonly string[], ageDays: number) {
      const t = aThread(`t${n}`, { contact: aContact(n), state: 'active' });
      const createdAt = T0 - ageDays * DAY;
      const messages = [];
      for (const [i, status] of statuses.entries()) {
        const media = await store().putMedia(new Uint8Array([1, 2, n, i]), 'image/png');
        messages.push(
          aMessage(t, i + 1, {
            status: status as never,
            createdAt,
            media,
            ...(status === 'received' ? { direction: 'inbound', kind: 'inbound' } : {}),
          }),
        );
      }
      await create(store(), t, { messages }, createdAt);
      return { thread: t, messages };
    }

    it('deletes exactly the final-state messages older than the period, with their media', async () => {
      const old = await history(
        1,
        ['delivered', 'read', 'failed', 'received', 'pending', 'sent'],
        40,
      );
      const recent = await history(2, ['read', 'received', 'pending'], 10);
      const cutoff = T0 - 30 * DAY;
      expect(await store().ops.deleteMessagesBefore(cutoff, 2)).toBe(2);
      expect(await store().ops.deleteMessagesBefore(cutoff, 100)).toBe(2);
      expect(await store().ops.deleteMessagesBefore(cutoff, 100)).toBe(0);
      const left = await store().listMessages('t1');
      expect(left.map((m) => m.status)).toEqual(['pending', 'sent']);
      expect(await store().listMessages('t2')).toHaveLength(3);
      for (const m of old.messages.slice(0, 4))
        expect(await store().getMedia(m.media!.id)).toBeUndefined();
      for (const m of [...old.messages.slice(4), ...recent.messages]) {
        expect(await store().getMedia(m.media!.id)).toBeDefined();
      }
      // The thread and its queue are untouched.
      expect(await store().getThread('t1')).toMatchObject({ state: 'active' });
    });

    it("exports a contact's data, then erases it, keeping an opt-out as a hashed suppression", async () => {
      const contact = aContact(3);
      await store().putContact({ ...contact, businessNumberId: BUSINESS_NUMBER, optedOutAt: T0 });
      await store().putAddressBookEntry({ userId: ana.id, contactId: contact.id, name: 'Cust' });
      const t = aThread('t3', { contact, state: 'active' });
      const media = await store().putMedia(new Uint8Array([9]), 'image/jpeg');
      await create(store(), t, {
        messages: [aMessage(t, 1, { status: 'read', media })],
        effects: [recordConsent(aConsentRecord(t, { kind: 'opt_out', text: 'STOP' }))],
      });
      await history(4, ['read'], 1);

      const data = await store().ops.contactData(contact.phone);
      expect(data.contacts.map((c) => c.id)).toEqual([contact.id]);
      expect(data.addressBook).toEqual([{ userId: ana.id, contactId: contact.id, name: 'Cust' }]);
      expect(data.threads.map((x) => x.id)).toEqual(['t3']);
      expect(data.messages.map((m) => m.body)).toEqual(['message 1']);
      expect(data.consentRecords.map((c) => c.kind)).toEqual(['opt_out']);
      expect(data.suppressed).toBe(false);

      const result = await store().ops.eraseContact(contact.phone, {
        keepConsentProof: false,
        now: T0,
      });
      expect(result).toEqual({
        contacts: 1,
        threads: 1,
        messages: 1,
        media: 1,
        consentRecords: 1,
        suppressed: true,
      });
      expect(await store().getContact(contact.id)).toBeUndefined();
      expect(await store().getThread('t3')).toBeUndefined();
      expect(await store().getMedia(media.id)).toBeUndefined();
      expect(await store().listAddressBook(ana.id)).toEqual([]);
      expect(await store().listConsentRecords({ contactId: contact.id })).toEqual([]);
      expect(await store().ops.isSuppressed(`+${contact.phone}`)).toBe(true);
      const after = await store().ops.contactData(contact.phone);
      expect(after).toMatchObject({ contacts: [], threads: [], messages: [], suppressed: true });
      // Somebody else's history stays.
      expect(await store().listMessages('t4')).toHaveLength(1);
      expect(await store().ops.isSuppressed(aContact(4).phone)).toBe(false);
    });

    it('keeps proof of consent without the number or the words when the organisation chooses', async () => {
      const contact = aContact(5);
      const t = aThread('t5', { contact, state: 'active' });
      await create(store(), t, {
        effects: [recordConsent(aConsentRecord(t, { kind: 'consent', text: 'Yes please' }))],
      });
      const result = await store().ops.eraseContact(contact.phone, {
        keepConsentProof: true,
        now: T0,
      });
      expect(result).toMatchObject({ consentRecords: 1, suppressed: false });
      const kept = await store().listConsentRecords({});
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ kind: 'consent', threadId: 't5' });
      expect(JSON.stringify(kept)).not.toContain(contact.phone);
      expect(JSON.stringify(kept)).not.toContain('Yes please');
    });
  });

  describe('operations with two instances', () => {
    const both = useTwoClients(makeTwoClients);

    it('gives a job lease to one owner until it runs out, and renews it for its holder', async () => {
      const [a, b] = both();
      expect(await a.ops.acquireJobLease('alarms', 'A', T0, MINUTE)).toBe(true);
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + 1000, MINUTE)).toBe(false);
      expect(await a.ops.acquireJobLease('alarms', 'A', T0 + 2000, MINUTE)).toBe(true);
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + MINUTE + 1000, MINUTE)).toBe(false);
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + MINUTE + 2000, MINUTE)).toBe(true);
      expect(await b.ops.acquireJobLease('retention', 'B', T0, MINUTE)).toBe(true);
    });

    it("hands a released owner's job leases, effects and timers to another instance at once", async () => {
      const [a, b] = both();
      const t1 = aThread('t1');
      await create(a, t1, { effects: [sendToContact(t1, 1), schedule(t1, T0)] });
      expect(await a.ops.acquireJobLease('alarms', 'A', T0, HOUR)).toBe(true);
      expect(await a.claimEffects('A', T0, HOUR, 10)).toHaveLength(1);
      expect(await a.claimDueTimers('A', T0, HOUR, 10)).toHaveLength(1);
      expect(await b.claimEffects('B', T0 + 1, HOUR, 10)).toHaveLength(0);

      await a.ops.releaseLeases('A');
      expect(await b.ops.acquireJobLease('alarms', 'B', T0 + 2, HOUR)).toBe(true);
      const effects = await b.claimEffects('B', T0 + 2, HOUR, 10);
      expect(effects).toHaveLength(1);
      expect(effects[0]!.recovered).toBe(false);
      expect(await b.claimDueTimers('B', T0 + 2, HOUR, 10)).toHaveLength(1);
    });
  });
}
