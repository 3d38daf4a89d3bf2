/**
 * How threads begin, decided by the engine as events (core/begin.ts): start, restart (which
 * is a start when a thread opened meanwhile), and a contact writing with nothing open, STOP
 * included.
 */
import { describe, expect, it } from 'vitest';
import { contactIdFor, decide } from '../../../bot/src/core/engine.js';
import type { Thread } from '../../../bot/src/core/types.js';
import { alice, bob, expectRejection, expectTransition, maria, T0 } from './harness.js';

const BN = 'bn-1';

function started(id = 't-1', by = alice): Thread {
  return expectTransition(
    decide(
      {},
      { type: 'start', id, businessNumberId: BN, contact: maria, contactPolicy: {}, by },
      T0,
    ),
  ).thread;
}

const closed = (thread: Thread): Thread => ({
  ...thread,
  state: 'closed',
  closedAt: T0 + 1,
  closedReason: 'all_left',
  participants: [],
});

const writes = (text: string, intake = [bob]) =>
  ({
    type: 'contact_writes',
    id: 't-2',
    businessNumberId: BN,
    contact: maria,
    intake,
    waMessageId: 'wamid.in',
    sentAt: T0 + 10,
    content: { type: 'text', text },
  }) as const;

describe('beginning a thread', () => {
  it('start: a new thread awaits consent, the opt-in template goes out, the user is told', () => {
    const t = expectTransition(
      decide(
        {},
        {
          type: 'start',
          id: 't-1',
          businessNumberId: BN,
          contact: maria,
          contactPolicy: {},
          by: alice,
        },
        T0,
      ),
    );
    expect(t.thread).toMatchObject({ id: 't-1', state: 'awaiting_consent', createdBy: alice.id });
    expect(t.messages.map((m) => m.template)).toEqual(['opt_in']);
    expect(t.effects.map((e) => e.type)).toEqual(['send_to_contact', 'notify']);
  });

  it("start on a colleague's open thread is refused, naming who has it", () => {
    const open = started('t-1', bob);
    const notice = expectRejection(
      decide(
        { open },
        {
          type: 'start',
          id: 't-9',
          businessNumberId: BN,
          contact: maria,
          contactPolicy: {},
          by: alice,
        },
        T0,
      ),
      'thread.contact_in_conversation',
    );
    expect(notice.params).toMatchObject({ participants: 'Bob Brown' });
  });

  it('restart: a closed thread begins again in a new thread that remembers the old one', () => {
    const old = closed(started());
    const t = expectTransition(
      decide({}, { type: 'restart', id: 't-2', closed: old, contactPolicy: {}, by: alice }, T0 + 5),
    );
    expect(t.thread).toMatchObject({
      id: 't-2',
      previousThreadId: 't-1',
      state: 'awaiting_consent',
    });
  });

  it('restart with a thread opened meanwhile is a start: refused while a colleague has it', () => {
    const old = closed(started());
    const open = started('t-3', bob);
    expectRejection(
      decide(
        { open },
        { type: 'restart', id: 't-4', closed: old, contactPolicy: {}, by: alice },
        T0,
      ),
      'thread.contact_in_conversation',
    );
    expectRejection(
      decide({}, { type: 'restart', id: 't-4', closed: open, contactPolicy: {}, by: alice }, T0),
      'thread.restart_not_closed',
    );
  });

  it('a contact writing with nothing open opens an active thread with the intake users', () => {
    const t = expectTransition(decide({}, writes('Hello'), T0 + 10));
    expect(t.thread).toMatchObject({ id: 't-2', state: 'active', participants: [{ id: bob.id }] });
    expect(t.messages.map((m) => m.body)).toEqual(['Hello']);
  });

  it('STOP with nothing open is recorded against the last thread, which stays closed, and opens nothing', () => {
    const latest = closed(started());
    const t = expectTransition(decide({ latest }, writes('STOP'), T0 + 10));
    expect(t.thread).toEqual(latest);
    expect(t.messages).toEqual([]);
    expect(t.effects).toEqual([
      expect.objectContaining({
        type: 'record_consent',
        record: expect.objectContaining({ kind: 'opt_out', via: 'keyword', threadId: 't-1' }),
      }),
    ]);
    expect(t.contact).toMatchObject({ optedOutAt: T0 + 10 });
  });

  it('names contacts by business number and phone, with or without the plus', () => {
    expect(contactIdFor(BN, '+447700900123')).toBe(contactIdFor(BN, '447700900123'));
    expect(contactIdFor(BN, '447700900123')).toBe('bn-1:447700900123');
  });
});
