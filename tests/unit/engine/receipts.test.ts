import { describe, expect, it } from 'vitest';
import { applyReceipt } from '../../../bot/src/core/engine.js';
import type { Message } from '../../../bot/src/core/types.js';
import { HOUR, SECOND, World, alice, bob, effectsOf, failure, noticeFor } from './harness.js';

function sentMessage(): { w: World; id: string } {
  const w = World.active();
  w.add(alice, bob);
  const id = w.write(alice, 'Your parcel is on its way').messages[0]!.id;
  return { w, id };
}

describe('receipts on a message', () => {
  it('moves pending → sent → delivered → read and keeps the time of each for Info', () => {
    const { w, id } = sentMessage();
    const t0 = w.now;
    w.later(SECOND).report(id, 'sent');
    w.later(SECOND).report(id, 'delivered');
    w.later(SECOND).report(id, 'read');
    expect(w.message(id).status).toBe('read');
    expect(w.message(id).statusTimes).toEqual({
      pending: t0,
      sent: t0 + SECOND,
      delivered: t0 + 2 * SECOND,
      read: t0 + 3 * SECOND,
    });
  });

  it('never moves backwards when WhatsApp reports statuses out of order', () => {
    const { w, id } = sentMessage();
    w.later(3 * SECOND).report(id, 'read');
    const late = w.report(id, 'delivered');
    const later = w.report(id, 'sent');
    expect(w.message(id).status).toBe('read');
    expect(effectsOf(late, 'status_changed')).toEqual([]);
    expect(effectsOf(later, 'status_changed')).toEqual([]);
  });

  it('changes nothing when the same status arrives twice', () => {
    const { w, id } = sentMessage();
    w.report(id, 'sent');
    const before = w.message(id);
    const again = w.report(id, 'sent');
    expect(again.messages).toEqual([]);
    expect(again.effects).toEqual([]);
    expect(w.message(id)).toBe(before);
  });

  it('counts a read with no delivered before it as delivered too', () => {
    const { w, id } = sentMessage();
    w.report(id, 'sent');
    w.later(SECOND).report(id, 'read');
    expect(w.message(id).statusTimes.delivered).toBe(w.now);
  });

  it('tells every participant when a receipt changes, so each status card updates in place', () => {
    const { w, id } = sentMessage();
    const t = w.report(id, 'delivered');
    expect(effectsOf(t, 'status_changed')).toEqual([
      { type: 'status_changed', threadId: 't-1', messageId: id, to: [alice.id, bob.id] },
    ]);
  });

  it('does not let a failure override a delivery, but lets a later delivery override a failure', () => {
    const { w, id } = sentMessage();
    w.report(id, 'delivered');
    w.report(id, 'failed', failure(131000));
    expect(w.message(id).status).toBe('delivered');

    const other = w.write(alice, 'second').messages[0]!.id;
    w.report(other, 'failed', failure(131000));
    w.report(other, 'delivered');
    expect(w.message(other).status).toBe('delivered');
    expect(w.message(other).failure).toBeUndefined();
  });

  it("shows a failure once, on the message's card, with the reason from the error catalogue", () => {
    const { w, id } = sentMessage();
    const t = w.report(id, 'failed', failure(131026, 'other', 'reason.undeliverable'));
    expect(w.message(id)).toMatchObject({
      status: 'failed',
      failure: { graphCode: 131026, reasonKey: 'reason.undeliverable' },
    });
    // The card (failed, the reason, Send again) is the news: no separate notice (issue 10).
    expect(effectsOf(t, 'status_changed')).toEqual([
      { type: 'status_changed', threadId: 't-1', messageId: id, to: [alice.id, bob.id] },
    ]);
    expect(noticeFor(t, alice.id)).toEqual([]);
    expect(noticeFor(t, bob.id)).toEqual([]);
  });

  it('carries receipts on system messages too (opt-in, resume, participant notices)', () => {
    const w = World.started();
    const optIn = w.byTemplate('opt_in')[0]!.id;
    w.later(HOUR).report(optIn, 'delivered');
    expect(w.message(optIn).status).toBe('delivered');
  });

  it('ignores statuses for inbound messages', () => {
    const w = World.active();
    const inbound = w.contactWrites('hi').messages[0]!;
    const t = w.report(inbound.id, 'read');
    expect(t.messages).toEqual([]);
  });
});

describe('applyReceipt', () => {
  const base: Message = {
    id: 't:1',
    threadId: 't',
    seq: 1,
    direction: 'outbound',
    kind: 'text',
    status: 'pending',
    statusTimes: { pending: 0 },
    attempts: 0,
    createdAt: 0,
  };
  it('records the wamid the first time it is seen', () => {
    expect(applyReceipt(base, 'sent', 5, 'wamid.X').message.waMessageId).toBe('wamid.X');
  });
  it('records a late sent time without moving the status back', () => {
    const read = applyReceipt(base, 'read', 10).message;
    const r = applyReceipt(
      { ...read, statusTimes: { pending: 0, read: 10, delivered: 10 } },
      'sent',
      4,
    );
    expect(r.message.status).toBe('read');
    expect(r.message.statusTimes.sent).toBe(4);
    expect(r.advanced).toBe(false);
  });
});
