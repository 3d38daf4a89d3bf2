/** The contract for the outbox (effects handed out under leases) and the timers. */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../bot/src/core/types.js';
import type { Store } from '../../bot/src/store/port.js';
import {
  aConsentRecord,
  aContact,
  aThread,
  change,
  create,
  MINUTE,
  notify,
  recordConsent,
  schedule,
  sendToContact,
  T0,
  useStore,
  type MakeStore,
} from './store-fixtures.js';

const LEASE = MINUTE;

/** A new thread `id` (its own contact) with these effects in its first transition. */
async function threadWithEffects(
  store: Store,
  id: string,
  n: number,
  effects: readonly Effect[],
  now = T0,
) {
  return create(store, aThread(id, { contact: aContact(n) }), { effects }, now);
}

export function describeOutboxContract(makeStore: MakeStore): void {
  describe('outbox', () => {
    const store = useStore(makeStore);

    // replycpu (issue 11): a dispatcher claims each lane with places of its own.
    it("hands out one lane's effects when asked for that lane, each still its lane's oldest", async () => {
      const a = aThread('t1');
      const b = aThread('t2', { contact: aContact(2) });
      await create(store(), a, {
        effects: [notify(a, 'thread.started'), sendToContact(a, 1), sendToContact(a, 2)],
      });
      await create(store(), b, { effects: [notify(b, 'thread.started'), sendToContact(b, 3)] });

      const sends = await store().claimEffects('a', T0, LEASE, 10, 'whatsapp');
      expect(sends.map((e) => [e.threadId, e.effect.type]).sort()).toEqual([
        ['t1', 'send_to_contact'],
        ['t2', 'send_to_contact'],
      ]);
      // The first send of t1, never the one behind it.
      expect(sends.find((e) => e.threadId === 't1')?.effect).toEqual(sendToContact(a, 1));
      const notices = await store().claimEffects('a', T0, LEASE, 10, 'teams');
      expect(notices.map((e) => [e.threadId, e.effect.type]).sort()).toEqual([
        ['t1', 'notify'],
        ['t2', 'notify'],
      ]);
      // Both lanes are leased now: nothing else is due.
      expect(await store().claimEffects('c', T0, LEASE, 10)).toEqual([]);
    });

    it("keeps a transition's effects in the order given, with increasing seqs, leaving out timers and consent", async () => {
      const t = aThread('t1');
      const effects = [
        sendToContact(t, 1),
        schedule(t, T0 + 1000),
        notify(t, 'thread.started'),
        recordConsent(aConsentRecord(t)),
      ];
      const thread = await create(store(), t, { effects });
      expect(await store().countPendingEffects('t1')).toBe(2);

      // The send (WhatsApp lane) and the notice (Teams lane) are each their lane's first.
      const both = (await store().claimEffects('a', T0, LEASE, 10)).sort((x, y) => x.seq - y.seq);
      expect(both).toEqual([
        {
          id: expect.any(String),
          threadId: 't1',
          seq: expect.any(Number),
          effect: effects[0],
          attempts: 0,
          notBefore: T0,
          recovered: false,
        },
        expect.objectContaining({ threadId: 't1', effect: effects[2], attempts: 0 }),
      ]);
      const first = [both[0]!];
      const second = [both[1]!];
      expect(second[0]!.seq).toBeGreaterThan(first[0]!.seq);
      await store().completeEffect(first[0]!.id, 'a');

      // A later transition's effects come after the earlier ones.
      await store().apply(change(thread, { effects: [notify(thread, 'later')] }), {
        expectedVersion: 1,
        now: T0,
      });
      await store().completeEffect(second[0]!.id, 'a');
      const third = await store().claimEffects('a', T0, LEASE, 10);
      expect(third.map((i) => i.effect)).toEqual([notify(thread, 'later')]);
      expect(third[0]!.seq).toBeGreaterThan(second[0]!.seq);
      await store().completeEffect(third[0]!.id, 'a');
      expect(await store().countPendingEffects()).toBe(0);
    });

    it("hands out a lane's effects strictly in order, even while an earlier one waits for a retry", async () => {
      const t = aThread('t1');
      const effects = [sendToContact(t, 1), sendToContact(t, 2), sendToContact(t, 3)];
      await create(store(), t, { effects });

      const [e1, ...more] = await store().claimEffects('a', T0, LEASE, 10);
      expect(more).toEqual([]);
      expect(e1!.effect).toEqual(effects[0]);
      expect(await store().claimEffects('b', T0 + 1, LEASE, 10)).toEqual([]);

      await store().completeEffect(e1!.id, 'a');
      const [e2] = await store().claimEffects('b', T0 + 2, LEASE, 10);
      expect(e2!.effect).toEqual(effects[1]);
      await store().retryEffect(e2!.id, 'b', T0 + 10 * MINUTE, 'WhatsApp answered 503');

      // The third is due, but the second is not done: nothing for this lane until it is.
      expect(await store().claimEffects('c', T0 + 5 * MINUTE, LEASE, 10)).toEqual([]);
      const [again, ...none] = await store().claimEffects('c', T0 + 10 * MINUTE, LEASE, 10);
      expect(none).toEqual([]);
      expect(again).toEqual({
        ...e2,
        attempts: 1,
        notBefore: T0 + 10 * MINUTE,
        lastError: 'WhatsApp answered 503',
        recovered: false,
      });
      await store().completeEffect(again!.id, 'c');
      const [e3] = await store().claimEffects('c', T0 + 10 * MINUTE, LEASE, 10);
      expect(e3!.effect).toEqual(effects[2]);
    });

    it("keeps a thread's WhatsApp lane and Teams lane apart: a notice waiting for Teams never holds a send, nor the reverse", async () => {
      const t = aThread('t1');
      const effects = [
        notify(t, 'held by Teams'),
        sendToContact(t, 1),
        notify(t, 'second notice'),
        sendToContact(t, 2),
      ];
      await create(store(), t, { effects });

      // Both lanes' heads at once.
      const heads = await store().claimEffects('a', T0, LEASE, 10);
      expect(heads.map((i) => i.effect)).toEqual(expect.arrayContaining([effects[0], effects[1]]));
      expect(heads).toHaveLength(2);
      const notice = heads.find((i) => i.effect.type === 'notify')!;
      const send = heads.find((i) => i.effect.type === 'send_to_contact')!;

      // The notice waits an hour for Teams; the sends of the thread go on meanwhile.
      await store().deferEffect(notice.id, 'a', T0 + 60 * MINUTE);
      await store().completeEffect(send.id, 'a');
      const [next, ...rest] = await store().claimEffects('a', T0 + 1, LEASE, 10);
      expect(rest).toEqual([]);
      expect(next!.effect).toEqual(effects[3]);
      await store().completeEffect(next!.id, 'a');
      expect(await store().claimEffects('a', T0 + 2, LEASE, 10)).toEqual([]);

      // The Teams lane keeps its own order: the second notice only after the first.
      const [first] = await store().claimEffects('a', T0 + 60 * MINUTE, LEASE, 10);
      expect(first!.effect).toEqual(effects[0]);
      await store().completeEffect(first!.id, 'a');
      const [second] = await store().claimEffects('a', T0 + 60 * MINUTE, LEASE, 10);
      expect(second!.effect).toEqual(effects[2]);
    });

    it('an effect waiting for a slot of our own limits does not count an attempt', async () => {
      await threadWithEffects(store(), 't1', 1, [sendToContact(aThread('t1'), 1)]);
      const [first] = await store().claimEffects('a', T0, LEASE, 1);
      await store().retryEffect(first!.id, 'a', T0 + 1, 'WhatsApp answered 503');
      const [second] = await store().claimEffects('a', T0 + 1, LEASE, 1);
      await store().deferEffect(second!.id, 'a', T0 + MINUTE);
      // Not before its slot, and by no one but the lease holder.
      expect(await store().claimEffects('b', T0 + MINUTE - 1, LEASE, 1)).toEqual([]);
      const [third] = await store().claimEffects('b', T0 + MINUTE, LEASE, 1);
      await store().deferEffect(third!.id, 'intruder', T0 + 10 * MINUTE);
      expect(third).toMatchObject({
        id: first!.id,
        attempts: 1,
        notBefore: T0 + MINUTE,
        lastError: 'WhatsApp answered 503',
        recovered: false,
      });
    });

    it('hands out at most one effect per thread lane, for several threads at once, up to the limit', async () => {
      await threadWithEffects(store(), 't1', 1, [
        notify(aThread('t1'), 'a1'),
        notify(aThread('t1'), 'a2'),
      ]);
      await threadWithEffects(store(), 't2', 2, [
        notify(aThread('t2'), 'b1'),
        notify(aThread('t2'), 'b2'),
      ]);
      await threadWithEffects(store(), 't3', 3, [notify(aThread('t3'), 'c1')]);

      const two = await store().claimEffects('a', T0, LEASE, 2);
      expect(two).toHaveLength(2);
      const rest = await store().claimEffects('a', T0, LEASE, 10);
      const all = [...two, ...rest];
      expect(all.map((i) => (i.effect as { notice: { key: string } }).notice.key).sort()).toEqual([
        'a1',
        'b1',
        'c1',
      ]);
      expect(new Set(all.map((i) => i.threadId)).size).toBe(3);
      expect(await store().claimEffects('a', T0, LEASE, 0)).toEqual([]);
    });

    it('does not hand out an effect before its time', async () => {
      await threadWithEffects(store(), 't1', 1, [notify(aThread('t1'), 'later')], T0 + MINUTE);
      expect(await store().claimEffects('a', T0, LEASE, 10)).toEqual([]);
      expect(await store().claimEffects('a', T0 + MINUTE, LEASE, 10)).toHaveLength(1);
    });

    it('a lease that ran out is handed to another owner and flagged recovered', async () => {
      await threadWithEffects(store(), 't1', 1, [
        sendToContact(aThread('t1'), 1),
        sendToContact(aThread('t1'), 2),
      ]);
      const [item] = await store().claimEffects('a', T0, LEASE, 10);
      expect(item!.recovered).toBe(false);
      expect(await store().claimEffects('b', T0 + LEASE - 1, LEASE, 10)).toEqual([]);

      const [stolen] = await store().claimEffects('b', T0 + LEASE, LEASE, 10);
      expect(stolen).toEqual({ ...item, recovered: true });

      // The first owner comes back too late: its completion and retry are ignored.
      await store().completeEffect(item!.id, 'a');
      await store().retryEffect(item!.id, 'a', T0, 'late');
      expect(await store().countPendingEffects('t1')).toBe(2);
      expect(await store().claimEffects('c', T0 + LEASE + 1, LEASE, 10)).toEqual([]);

      await store().completeEffect(stolen!.id, 'b');
      expect(await store().countPendingEffects('t1')).toBe(1);
      const [next] = await store().claimEffects('c', T0 + LEASE + 1, LEASE, 10);
      expect(next).toMatchObject({ effect: sendToContact(aThread('t1'), 2), recovered: false });
    });

    it('an effect put back for a retry is not recovered, and counts its attempts', async () => {
      await threadWithEffects(store(), 't1', 1, [sendToContact(aThread('t1'), 1)]);
      const [first] = await store().claimEffects('a', T0, LEASE, 1);
      await store().retryEffect(first!.id, 'a', T0 + 1, 'timeout');
      const [second] = await store().claimEffects('a', T0 + 1, LEASE, 1);
      await store().retryEffect(second!.id, 'a', T0 + 2, 'timeout again');
      const [third] = await store().claimEffects('b', T0 + 2, LEASE, 1);
      expect(third).toMatchObject({
        id: first!.id,
        attempts: 2,
        lastError: 'timeout again',
        recovered: false,
      });
    });

    it('ignores a completion or retry by someone who does not hold the lease', async () => {
      await threadWithEffects(store(), 't1', 1, [sendToContact(aThread('t1'), 1)]);
      const [item] = await store().claimEffects('a', T0, LEASE, 1);
      await store().completeEffect(item!.id, 'intruder');
      await store().retryEffect(item!.id, 'intruder', T0, 'nope');
      expect(await store().countPendingEffects()).toBe(1);
      expect(await store().claimEffects('b', T0 + 1, LEASE, 1)).toEqual([]);
      // The holder's own completion counts.
      await store().completeEffect(item!.id, 'a');
      expect(await store().countPendingEffects()).toBe(0);
    });

    it('counts pending effects for one thread or for all', async () => {
      await threadWithEffects(store(), 't1', 1, [
        notify(aThread('t1'), 'a'),
        notify(aThread('t1'), 'b'),
      ]);
      await threadWithEffects(store(), 't2', 2, [notify(aThread('t2'), 'c')]);
      expect(await store().countPendingEffects('t1')).toBe(2);
      expect(await store().countPendingEffects('t2')).toBe(1);
      expect(await store().countPendingEffects('t3')).toBe(0);
      expect(await store().countPendingEffects()).toBe(3);
      // A leased effect is still pending.
      await store().claimEffects('a', T0, LEASE, 10);
      expect(await store().countPendingEffects()).toBe(3);
    });
  });

  describe('timers', () => {
    const store = useStore(makeStore);

    it('turns a schedule effect into a timer that fires once it is due', async () => {
      await threadWithEffects(store(), 't1', 1, [schedule(aThread('t1'), T0 + 24 * 60 * MINUTE)]);
      expect(await store().claimDueTimers('a', T0 + 24 * 60 * MINUTE - 1, LEASE, 10)).toEqual([]);
      const timers = await store().claimDueTimers('a', T0 + 24 * 60 * MINUTE, LEASE, 10);
      expect(timers).toEqual([
        { id: expect.any(String), threadId: 't1', timer: 'optin_retry', at: T0 + 24 * 60 * MINUTE },
      ]);
      await store().completeTimer(timers[0]!.id, 'a');
      expect(await store().claimDueTimers('a', T0 + 100 * 60 * MINUTE, LEASE, 10)).toEqual([]);
    });

    it("replaces a thread's pending timer with a new schedule", async () => {
      const thread = await threadWithEffects(store(), 't1', 1, [schedule(aThread('t1'), T0 + 10)]);
      await store().apply(change(thread, { effects: [schedule(thread, T0 + 20)] }), {
        expectedVersion: 1,
        now: T0,
      });
      expect(await store().claimDueTimers('a', T0 + 10, LEASE, 10)).toEqual([]);
      expect(await store().claimDueTimers('a', T0 + 20, LEASE, 10)).toMatchObject([
        { threadId: 't1', at: T0 + 20 },
      ]);
    });

    it('a timer fires once: a second owner gets nothing while the lease holds', async () => {
      await threadWithEffects(store(), 't1', 1, [schedule(aThread('t1'), T0)]);
      const [timer] = await store().claimDueTimers('a', T0, LEASE, 10);
      expect(timer).toBeDefined();
      expect(await store().claimDueTimers('b', T0 + LEASE - 1, LEASE, 10)).toEqual([]);
      await store().completeTimer(timer!.id, 'a');
      expect(await store().claimDueTimers('b', T0 + 10 * LEASE, LEASE, 10)).toEqual([]);
    });

    it('hands a timer whose lease ran out to another owner, and ignores the first owner after that', async () => {
      await threadWithEffects(store(), 't1', 1, [schedule(aThread('t1'), T0)]);
      const [timer] = await store().claimDueTimers('a', T0, LEASE, 10);
      const [again] = await store().claimDueTimers('b', T0 + LEASE, LEASE, 10);
      expect(again).toEqual(timer);
      await store().completeTimer(timer!.id, 'a');
      expect(await store().claimDueTimers('c', T0 + 3 * LEASE, LEASE, 10)).toEqual([again]);
    });

    it('keeps a timer that was rescheduled while the old one was firing', async () => {
      const thread = await threadWithEffects(store(), 't1', 1, [schedule(aThread('t1'), T0)]);
      const [firing] = await store().claimDueTimers('a', T0, LEASE, 10);
      // The engine handles the timer event and schedules the next retry...
      await store().apply(change(thread, { effects: [schedule(thread, T0 + 24 * 60 * MINUTE)] }), {
        expectedVersion: 1,
        now: T0 + 1,
      });
      // ...then the dispatcher marks the fired timer done: the new one stays.
      await store().completeTimer(firing!.id, 'a');
      expect(await store().claimDueTimers('a', T0 + 24 * 60 * MINUTE, LEASE, 10)).toMatchObject([
        { threadId: 't1', at: T0 + 24 * 60 * MINUTE },
      ]);
    });

    it('hands out due timers oldest first, up to the limit', async () => {
      await threadWithEffects(store(), 't1', 1, [schedule(aThread('t1'), T0 + 3)]);
      await threadWithEffects(store(), 't2', 2, [schedule(aThread('t2'), T0 + 1)]);
      await threadWithEffects(store(), 't3', 3, [schedule(aThread('t3'), T0 + 2)]);
      expect((await store().claimDueTimers('a', T0 + 5, LEASE, 2)).map((t) => t.threadId)).toEqual([
        't2',
        't3',
      ]);
      expect((await store().claimDueTimers('a', T0 + 5, LEASE, 2)).map((t) => t.threadId)).toEqual([
        't1',
      ]);
    });
  });
}
