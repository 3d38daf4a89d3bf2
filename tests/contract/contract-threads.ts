/** The contract for threads, messages and handled webhook events. */
import { describe, expect, it } from 'vitest';
import {
  DuplicateEventError,
  OpenThreadExistsError,
  StaleThreadError,
  type Store,
} from '../../bot/src/store/port.js';
import {
  aConsentRecord,
  aContact,
  aMessage,
  aThread,
  ana,
  ben,
  change,
  HOUR,
  create,
  MINUTE,
  notify,
  OTHER_BUSINESS_NUMBER,
  recordConsent,
  schedule,
  sendToContact,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

/** Everything one transition can write for thread `id`, to show a refused one wrote nothing. */
async function footprint(store: Store, id: string, eventKey: string) {
  return {
    thread: await store.getThread(id),
    messages: await store.listMessages(id),
    effects: await store.countPendingEffects(),
    consent: await store.listConsentRecords({}),
    contact: await store.getContact(aContact(1).id),
    handled: await store.hasHandledEvent(eventKey),
  };
}

export function describeThreadContract(makeStore: MakeStore): void {
  describe('threads', () => {
    const store = useStore(makeStore);

    it("stores a new thread at version 1 and finds it as the contact's open and latest thread", async () => {
      const thread = aThread('t1');
      await store().apply(change(thread), { now: T0 });
      const expected = { ...thread, version: 1 };
      expect(await store().getThread('t1')).toEqual(expected);
      expect(await store().findOpenThread(thread.businessNumberId, thread.contact.id)).toEqual(
        expected,
      );
      expect(await store().findLatestThread(thread.businessNumberId, thread.contact.id)).toEqual(
        expected,
      );
      expect(await store().getThread('nope')).toBeUndefined();
    });

    it('bumps the version by one on each change, whatever version the engine handed in', async () => {
      const stored = await create(store(), aThread('t1'));
      await store().apply(change({ ...stored, state: 'active', version: 41 }), {
        expectedVersion: 1,
        now: T0 + 1,
      });
      await store().apply(change({ ...stored, state: 'paused', version: 0 }), {
        expectedVersion: 2,
        now: T0 + 2,
      });
      expect(await store().getThread('t1')).toMatchObject({ state: 'paused', version: 3 });
    });

    it('a stale version writes nothing', async () => {
      const stored = await create(store(), aThread('t1'));
      await store().apply(change({ ...stored, state: 'active' }), {
        expectedVersion: 1,
        now: T0 + 1,
      });
      const before = await footprint(store(), 't1', 'evt-stale');

      const late = change(
        { ...stored, state: 'closed', closedReason: 'opted_out' },
        {
          messages: [aMessage(stored, 1)],
          effects: [
            notify(stored, 'thread.closed'),
            schedule(stored, T0 + 1000),
            recordConsent(aConsentRecord(stored)),
          ],
          contact: { contactId: stored.contact.id, optedOutAt: T0 },
        },
      );
      const refused = store().apply(late, {
        expectedVersion: 1,
        eventKey: 'evt-stale',
        now: T0 + 2,
      });
      await expect(refused).rejects.toBeInstanceOf(StaleThreadError);
      await expect(refused).rejects.toMatchObject({ code: 'thread.stale', threadId: 't1' });
      expect(await footprint(store(), 't1', 'evt-stale')).toEqual(before);
      expect(await store().claimDueTimers('probe', T0 + 10_000, MINUTE, 10)).toEqual([]);
    });

    it('refuses to create a thread whose id is already taken, as stale', async () => {
      await create(store(), aThread('t1'));
      await expect(
        store().apply(change(aThread('t1', { contact: aContact(2) })), { now: T0 }),
      ).rejects.toBeInstanceOf(StaleThreadError);
      expect(await store().getThread('t1')).toMatchObject({ contact: aContact(1), version: 1 });
    });

    it('refuses a change to a thread that was never stored, as stale', async () => {
      await expect(
        store().apply(change(aThread('ghost')), { expectedVersion: 1, now: T0 }),
      ).rejects.toBeInstanceOf(StaleThreadError);
      expect(await store().getThread('ghost')).toBeUndefined();
    });

    it('refuses a second open thread for the same contact', async () => {
      await create(store(), aThread('t1'));
      const second = store().apply(
        change(aThread('t2'), { effects: [notify(aThread('t2'), 'x')] }),
        { now: T0 },
      );
      await expect(second).rejects.toBeInstanceOf(OpenThreadExistsError);
      await expect(second).rejects.toMatchObject({ code: 'thread.open_exists', threadId: 't1' });
      expect(await store().getThread('t2')).toBeUndefined();
      expect(await store().countPendingEffects()).toBe(0);
    });

    it('refuses to reopen a closed thread while another thread with the contact is open', async () => {
      const first = await create(store(), aThread('t1'));
      await store().apply(change({ ...first, state: 'closed', closedReason: 'all_left' }), {
        expectedVersion: 1,
        now: T0,
      });
      await create(store(), aThread('t2', { createdAt: T0 + 1 }));
      await expect(
        store().apply(change({ ...first, state: 'active' }), { expectedVersion: 2, now: T0 + 2 }),
      ).rejects.toMatchObject({ code: 'thread.open_exists', threadId: 't2' });
      expect(await store().getThread('t1')).toMatchObject({ state: 'closed', version: 2 });
    });

    it('lets a contact have a new thread once the open one is closed, and finds the new one as latest', async () => {
      const first = await create(store(), aThread('t1'));
      await store().apply(
        change({ ...first, state: 'closed', closedReason: 'declined', closedAt: T0 + 1 }),
        {
          expectedVersion: 1,
          now: T0 + 1,
        },
      );
      const { businessNumberId, contact } = first;
      expect(await store().findOpenThread(businessNumberId, contact.id)).toBeUndefined();
      expect(await store().findLatestThread(businessNumberId, contact.id)).toMatchObject({
        id: 't1',
        state: 'closed',
      });

      await create(store(), aThread('t2', { createdAt: T0 + HOUR, previousThreadId: 't1' }));
      expect(await store().findOpenThread(businessNumberId, contact.id)).toMatchObject({
        id: 't2',
      });
      expect(await store().findLatestThread(businessNumberId, contact.id)).toMatchObject({
        id: 't2',
        previousThreadId: 't1',
      });
    });

    it('keeps one open thread per business number and contact, not per contact alone', async () => {
      await create(store(), aThread('t1'));
      await create(store(), aThread('t2', { contact: aContact(2) }));
      await create(store(), aThread('t3', { businessNumberId: OTHER_BUSINESS_NUMBER }));
      expect(await store().findOpenThread(OTHER_BUSINESS_NUMBER, aContact(1).id)).toMatchObject({
        id: 't3',
      });
      expect(
        await store().findOpenThread(aThread('x').businessNumberId, aContact(2).id),
      ).toMatchObject({ id: 't2' });
      expect(await store().findLatestThread(OTHER_BUSINESS_NUMBER, aContact(2).id)).toBeUndefined();
    });

    it('lists the threads a user takes part in, most recently changed first', async () => {
      const t1 = await create(store(), aThread('t1'), {}, T0);
      await create(
        store(),
        aThread('t2', { contact: aContact(2), participants: [ana, ben] }),
        {},
        T0 + 1,
      );
      await create(
        store(),
        aThread('t3', { contact: aContact(3), participants: [ben] }),
        {},
        T0 + 2,
      );
      expect((await store().listThreadsForUser(ana.id)).map((t) => t.id)).toEqual(['t2', 't1']);

      await store().apply(change({ ...t1, state: 'active' }), { expectedVersion: 1, now: T0 + 3 });
      const anasThreads = await store().listThreadsForUser(ana.id);
      expect(anasThreads.map((t) => t.id)).toEqual(['t1', 't2']);
      expect(anasThreads[0]).toMatchObject({ state: 'active', version: 2 });

      // Ana leaves t1: it is no longer hers.
      await store().apply(change({ ...t1, state: 'active', participants: [ben] }), {
        expectedVersion: 2,
        now: T0 + 4,
      });
      expect((await store().listThreadsForUser(ana.id)).map((t) => t.id)).toEqual(['t2']);
      expect((await store().listThreadsForUser(ben.id)).map((t) => t.id)).toEqual([
        't1',
        't3',
        't2',
      ]);
      expect(await store().listThreadsForUser('user-nobody')).toEqual([]);
    });
  });

  describe('messages', () => {
    const store = useStore(makeStore);

    it("keeps a thread's messages, updated by id, in seq order", async () => {
      const thread = aThread('t1');
      const m1 = aMessage(thread, 1, {
        kind: 'template',
        template: 'opt_in',
        author: undefined,
        body: undefined,
      });
      const m2 = aMessage(thread, 2, { params: { contact: 'Customer 1' } });
      await store().apply(change(thread, { messages: [m2, m1] }), { now: T0 });
      expect(await store().listMessages('t1')).toEqual([m1, m2]);

      const sent = {
        ...m1,
        status: 'sent' as const,
        statusTimes: { pending: T0, sent: T0 + 5 },
        waMessageId: 'wamid.A1',
        attempts: 1,
      };
      await store().apply(change(thread, { messages: [sent] }), {
        expectedVersion: 1,
        now: T0 + 5,
      });
      expect(await store().getMessage(m1.id)).toEqual(sent);
      expect(await store().getMessageByWaId('wamid.A1')).toEqual(sent);
      expect(await store().listMessages('t1')).toEqual([sent, m2]);
      expect(await store().getMessage('t1:99')).toBeUndefined();
      expect(await store().getMessageByWaId('wamid.unknown')).toBeUndefined();
      expect(await store().listMessages('t-other')).toEqual([]);
    });

    it('takes a WhatsApp message in once, and a refused transition leaves nothing of itself behind', async () => {
      const thread = await create(store(), aThread('t1'), {
        messages: [
          aMessage(aThread('t1'), 1, {
            direction: 'inbound',
            kind: 'inbound',
            waMessageId: 'wamid.IN1',
            status: 'received',
          }),
        ],
      });
      const before = await footprint(store(), 't1', 'evt-2');
      // The first message and the thread write would succeed; the second message repeats a
      // WhatsApp id, so the whole transition goes.
      const again = change(
        { ...thread, nextSeq: 4 },
        {
          messages: [
            aMessage(thread, 2),
            aMessage(thread, 3, {
              direction: 'inbound',
              kind: 'inbound',
              waMessageId: 'wamid.IN1',
              status: 'received',
            }),
          ],
          effects: [sendToContact(thread, 2), recordConsent(aConsentRecord(thread))],
          contact: { contactId: thread.contact.id, lastInboundAt: T0 + 9 },
        },
      );
      const refused = store().apply(again, { expectedVersion: 1, eventKey: 'evt-2', now: T0 + 9 });
      await expect(refused).rejects.toBeInstanceOf(DuplicateEventError);
      await expect(refused).rejects.toMatchObject({
        code: 'event.duplicate',
        eventKey: 'wamid:wamid.IN1',
      });
      expect(await footprint(store(), 't1', 'evt-2')).toEqual(before);
      expect(await store().getMessage('t1:2')).toBeUndefined();
    });

    it('keeps a message flagged possibly duplicate flagged when the engine writes it again', async () => {
      const thread = await create(store(), aThread('t1'), {
        messages: [aMessage(aThread('t1'), 1)],
      });
      await store().markMessagePossiblyDuplicate('t1:1');
      expect(await store().getMessage('t1:1')).toMatchObject({ possiblyDuplicate: true });

      const sent = aMessage(thread, 1, { status: 'sent', waMessageId: 'wamid.S1' });
      await store().apply(change(thread, { messages: [sent] }), {
        expectedVersion: 1,
        now: T0 + 1,
      });
      expect(await store().getMessage('t1:1')).toEqual({ ...sent, possiblyDuplicate: true });
      expect(await store().getMessageByWaId('wamid.S1')).toMatchObject({ possiblyDuplicate: true });
      expect(await store().listMessages('t1')).toEqual([{ ...sent, possiblyDuplicate: true }]);
    });
  });

  describe('webhook events', () => {
    const store = useStore(makeStore);

    it('a handled webhook event is not applied twice', async () => {
      const thread = await create(store(), aThread('t1'));
      expect(await store().hasHandledEvent('wamid.IN1')).toBe(false);
      const inbound = aMessage(thread, 1, {
        direction: 'inbound',
        kind: 'inbound',
        status: 'received',
      });
      await store().apply(
        change(
          { ...thread, state: 'active' },
          { messages: [inbound], effects: [notify(thread, 'a')] },
        ),
        {
          expectedVersion: 1,
          eventKey: 'wamid.IN1',
          now: T0 + 1,
        },
      );
      expect(await store().hasHandledEvent('wamid.IN1')).toBe(true);

      // WhatsApp delivers the same webhook again; the app computed it afresh from version 2.
      const current = await store().getThread('t1');
      const replay = store().apply(
        change(
          { ...thread, state: 'paused' },
          { messages: [aMessage(thread, 2)], effects: [notify(thread, 'b')] },
        ),
        { expectedVersion: 2, eventKey: 'wamid.IN1', now: T0 + 2 },
      );
      await expect(replay).rejects.toBeInstanceOf(DuplicateEventError);
      await expect(replay).rejects.toMatchObject({
        code: 'event.duplicate',
        eventKey: 'wamid.IN1',
      });
      expect(await store().getThread('t1')).toEqual(current);
      expect(await store().getMessage('t1:2')).toBeUndefined();
      expect(await store().countPendingEffects('t1')).toBe(1);
    });

    it('says an event was handled before it says a version is stale', async () => {
      const thread = await create(store(), aThread('t1'), {}, T0);
      await store().apply(change(thread), { expectedVersion: 1, eventKey: 'evt-1', now: T0 + 1 });
      await expect(
        store().apply(change(thread), { expectedVersion: 1, eventKey: 'evt-1', now: T0 + 2 }),
      ).rejects.toBeInstanceOf(DuplicateEventError);
    });
  });
}
