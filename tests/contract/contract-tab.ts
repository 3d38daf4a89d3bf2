/**
 * The contract for the tab's data: inboxes (past participants keep the thread, read-only),
 * paging by last activity, the state filter ("paused" as soon as the window ran out), search
 * over the contact's name and number and the messages' text, unread counts from the
 * application layer's read positions, and the per-user change log written in the commit's
 * own transaction.
 */
import { describe, expect, it } from 'vitest';
import { isUnreadFor } from '../../bot/src/app/user-queries.js';
import type { Thread } from '../../bot/src/core/types.js';
import { StaleThreadError } from '../../bot/src/store/port.js';
import {
  aContact,
  aMessage,
  aThread,
  ana,
  ben,
  change,
  create,
  HOUR,
  MINUTE,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

export function describeTabContract(makeStore: MakeStore): void {
  describe('tab: inboxes, search, read positions and the change log', () => {
    const store = useStore(makeStore);

    async function threadWith(
      id: string,
      n: number,
      at: number,
      overrides: Partial<Thread> = {},
      body = `hello from ${id}`,
    ): Promise<Thread> {
      const thread = aThread(id, { contact: aContact(n), nextSeq: 2, ...overrides });
      return create(
        store(),
        thread,
        { messages: [aMessage(thread, 1, { body, createdAt: at })] },
        at,
      );
    }

    it('lists the threads a user takes part in, newest activity first, paged by cursor', async () => {
      await threadWith('t1', 1, T0);
      await threadWith('t2', 2, T0 + 2 * MINUTE);
      await threadWith('t3', 3, T0 + MINUTE);
      await threadWith('t-ben', 4, T0 + 3 * MINUTE, { participants: [ben], createdBy: ben.id });

      const page1 = await store().listInbox({ userId: ana.id, limit: 2, now: T0 + HOUR });
      expect(page1.map((e) => e.thread.id)).toEqual(['t2', 't3']);
      expect(page1[0]).toMatchObject({ participating: true, lastActivityAt: T0 + 2 * MINUTE });
      expect(page1[0]?.lastMessage?.body).toBe('hello from t2');
      const last = page1[1]!;
      const page2 = await store().listInbox({
        userId: ana.id,
        limit: 2,
        now: T0 + HOUR,
        after: { lastActivityAt: last.lastActivityAt, threadId: last.thread.id },
      });
      expect(page2.map((e) => e.thread.id)).toEqual(['t1']);
      expect(
        (await store().listInbox({ userId: ben.id, limit: 10, now: T0 })).map((e) => e.thread.id),
      ).toEqual(['t-ben']);
      expect(await store().getInboxEntry(ben.id, 't1')).toBeUndefined();
      expect(await store().getInboxEntry(ana.id, 'nope')).toBeUndefined();
    });

    it('keeps a thread for a user who left, as no longer participating, and logs changes for them', async () => {
      const t = await threadWith('t1', 1, T0, { participants: [ana, ben] });
      await store().apply(change({ ...t, participants: [ben] }), {
        expectedVersion: 1,
        now: T0 + MINUTE,
      });
      const entry = await store().getInboxEntry(ana.id, 't1');
      expect(entry).toMatchObject({ participating: false });
      const before = await store().lastChangeSeq(ana.id);
      const left = (await store().getThread('t1'))!;
      await store().apply(
        change(left, {
          messages: [aMessage(left, 2, { body: 'after you left', createdAt: T0 + HOUR })],
        }),
        { expectedVersion: 2, now: T0 + HOUR },
      );
      const changes = await store().listChanges(ana.id, before, 10);
      expect(changes.map((c) => [c.kind, c.messageId ?? null])).toEqual([
        ['thread', null],
        ['message', 't1:2'],
      ]);
      expect(changes[0]!.seq).toBe(before + 1);
      expect(changes[1]!.seq).toBe(before + 2);
    });

    it('gives each user a monotonic sequence of changes, and a refused commit logs nothing', async () => {
      const t = await threadWith('t1', 1, T0, { participants: [ana, ben] });
      const anaSeq = await store().lastChangeSeq(ana.id);
      expect(anaSeq).toBe(2); // the thread and its first message
      await expect(
        store().apply(change({ ...t, state: 'active' }), { expectedVersion: 7, now: T0 + 1 }),
      ).rejects.toBeInstanceOf(StaleThreadError);
      expect(await store().lastChangeSeq(ana.id)).toBe(2);
      await store().apply(change({ ...t, state: 'active' }), { expectedVersion: 1, now: T0 + 1 });
      const changes = await store().listChanges(ana.id, 0, 10);
      expect(changes.map((c) => c.seq)).toEqual([1, 2, 3]);
      expect(changes[2]).toMatchObject({ kind: 'thread', threadId: 't1' });
      expect(await store().listChanges(ben.id, 2, 10)).toHaveLength(1);
    });

    it('filters by the state a user sees: an active thread whose window ran out is paused', async () => {
      await threadWith('fresh', 1, T0, { state: 'active', lastInboundAt: T0, consentedAt: T0 });
      await threadWith('expired', 2, T0, {
        state: 'active',
        lastInboundAt: T0 - 25 * HOUR,
        consentedAt: T0 - 30 * HOUR,
      });
      await threadWith('paused', 3, T0, { state: 'paused', lastInboundAt: T0 - 30 * HOUR });
      await threadWith('waiting', 4, T0);
      const ids = async (state: 'active' | 'paused' | 'awaiting_consent' | 'closed') =>
        (await store().listInbox({ userId: ana.id, state, limit: 10, now: T0 + HOUR }))
          .map((e) => e.thread.id)
          .sort();
      expect(await ids('active')).toEqual(['fresh']);
      expect(await ids('paused')).toEqual(['expired', 'paused']);
      expect(await ids('awaiting_consent')).toEqual(['waiting']);
      expect(await ids('closed')).toEqual([]);
    });

    it("searches the contact's name, number and the messages' text", async () => {
      await threadWith('t1', 1, T0, {}, 'the invoice is attached');
      await threadWith('t2', 2, T0 + 1, {
        contact: { id: 'c-maria', phone: '447700900123', name: 'María Silva' },
      });
      await threadWith(
        't-ben',
        3,
        T0 + 2,
        { participants: [ben], createdBy: ben.id },
        'invoice for Ben',
      );
      const find = async (q: string) =>
        (await store().listInbox({ userId: ana.id, q, limit: 10, now: T0 })).map(
          (e) => e.thread.id,
        );
      expect(await find('invoice')).toEqual(['t1']);
      expect(await find('invo')).toEqual(['t1']);
      expect(await find('maria')).toEqual(['t2']);
      expect(await find('Silva')).toEqual(['t2']);
      expect(await find('447700900123')).toEqual(['t2']);
      expect(await find('+44 7700 900123')).toEqual(['t2']);
      expect(await find('nothing like it')).toEqual([]);
    });

    it("counts the contact's and colleagues' messages as unread until the user marks the thread read", async () => {
      const t = await threadWith('t1', 1, T0, { participants: [ana, ben] });
      const inbound = (seq: number) =>
        aMessage(t, seq, {
          direction: 'inbound',
          kind: 'inbound',
          author: undefined,
          status: 'received',
          body: `reply ${seq}`,
        });
      const byBen = aMessage(t, 4, { author: { id: ben.id, name: ben.name }, body: 'on it' });
      const notice = aMessage(t, 5, { kind: 'notice', author: undefined, body: undefined });
      await store().apply(
        change({ ...t, nextSeq: 6 }, { messages: [inbound(2), inbound(3), byBen, notice] }),
        { expectedVersion: 1, now: T0 + MINUTE },
      );
      // Ana wrote message 1 herself; Ben's words count for her, and hers for him.
      expect((await store().getInboxEntry(ana.id, 't1'))?.unread).toBe(3);
      expect((await store().getInboxEntry(ben.id, 't1'))?.unread).toBe(3);
      // The same number the application layer counts from the same read position.
      const messages = await store().listMessages('t1');
      for (const user of [ana, ben]) {
        const from = (await store().getParticipation('t1', user.id))?.lastReadSeq ?? 0;
        expect(messages.filter((m) => isUnreadFor(m, user.id, from)).length).toBe(3);
      }
      // Reading moves the application layer's read position, and tells the user's other tabs.
      const seq = await store().lastChangeSeq(ana.id);
      await store().markRead('t1', ana.id, 5);
      expect((await store().getParticipation('t1', ana.id))?.lastReadSeq).toBe(5);
      expect((await store().getInboxEntry(ana.id, 't1'))?.unread).toBe(0);
      expect((await store().getInboxEntry(ben.id, 't1'))?.unread).toBe(3);
      expect(await store().listChanges(ana.id, seq, 10)).toEqual([
        { seq: seq + 1, kind: 'thread', threadId: 't1' },
      ]);
      // Reading again changes nothing, so nothing is sent; a stranger reads nothing.
      await store().markRead('t1', ana.id, 5);
      expect(await store().lastChangeSeq(ana.id)).toBe(seq + 1);
      await store().markRead('t1', 'user-stranger', 5);
      expect(await store().getInboxEntry('user-stranger', 't1')).toBeUndefined();
      expect(await store().lastChangeSeq('user-stranger')).toBe(0);
    });

    it('pages a thread’s messages from the newest, oldest first within a page', async () => {
      const thread = aThread('t1', { nextSeq: 6 });
      await create(store(), thread, {
        messages: [1, 2, 3, 4, 5].map((s) => aMessage(thread, s, { createdAt: T0 + s })),
      });
      const newest = await store().listMessagePage('t1', undefined, 2);
      expect(newest.messages.map((m) => m.seq)).toEqual([4, 5]);
      expect(newest.more).toBe(true);
      const older = await store().listMessagePage('t1', 4, 3);
      expect(older.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(older.more).toBe(false);
    });
  });
}
