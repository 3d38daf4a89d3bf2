import { describe, expect, it } from 'vitest';
import {
  isContactBlocked,
  restartThread,
  startThread,
  threadOpenedByContact,
} from '../../../bot/src/core/engine.js';
import { decide } from '../../../bot/src/core/engine.js';
import {
  HOUR,
  T0,
  World,
  alice,
  bob,
  carol,
  effectsOf,
  expectRejection,
  expectTransition,
  maria,
  noticeFor,
  notices,
  sends,
} from './harness.js';

const input = { id: 't-2', businessNumberId: 'bn-1', contact: maria, contactPolicy: {} };

describe('starting a thread', () => {
  it('refuses a second thread for a contact who already has an open one, naming its participants', () => {
    const w = World.active();
    const n = expectRejection(
      startThread({ ...input, by: bob, openThread: w.thread }, w.now),
      'thread.contact_in_conversation',
    );
    expect(n.params.participants).toBe(alice.name);
  });

  it('tells a participant who asks again that the thread is already theirs', () => {
    const w = World.active();
    expectRejection(
      startThread({ ...input, by: alice, openThread: w.thread }, w.now),
      'thread.already_yours',
    );
  });

  it('refuses a contact who opted out until they write again', () => {
    const blocked = { optedOutAt: T0, lastInboundAt: T0 };
    expect(isContactBlocked(blocked)).toBe(true);
    expectRejection(
      startThread({ ...input, by: alice, contactPolicy: blocked }, T0 + HOUR),
      'thread.contact_opted_out',
    );
    const wroteAgain = { optedOutAt: T0, lastInboundAt: T0 + HOUR };
    expect(isContactBlocked(wroteAgain)).toBe(false);
    expectTransition(
      startThread({ ...input, by: alice, contactPolicy: wroteAgain }, T0 + 2 * HOUR),
    );
  });

  it('restarts a closed thread only with a new opt-in, as a new thread', () => {
    const w = World.active();
    w.run({ type: 'leave', by: alice.id });
    const t = expectTransition(
      restartThread(w.thread, { id: 't-2', by: alice, contactPolicy: {} }, w.now),
    );
    expect(t.thread).toMatchObject({
      id: 't-2',
      state: 'awaiting_consent',
      previousThreadId: 't-1',
    });
    expect(t.messages[0]!.template).toBe('opt_in');
  });

  it('does not restart a thread that is still open', () => {
    const w = World.active();
    expectRejection(
      restartThread(w.thread, { id: 't-2', by: alice, contactPolicy: {} }, w.now),
      'thread.restart_not_closed',
    );
  });
});

describe('a contact writing with no open thread', () => {
  it("reopens with the last thread's remaining participants", () => {
    const w = World.active();
    w.add(alice, bob);
    w.contactWrites('STOP');
    const thread = threadOpenedByContact(
      { id: 't-2', businessNumberId: 'bn-1', contact: maria, previous: w.thread, intake: [carol] },
      w.now,
    );
    expect(thread.participants.map((p) => p.id)).toEqual([alice.id, bob.id]);
    expect(thread.state).toBe('active');
  });

  it('goes to the intake users when everyone had left', () => {
    const w = World.active();
    w.run({ type: 'leave', by: alice.id });
    const opened = threadOpenedByContact(
      { id: 't-2', businessNumberId: 'bn-1', contact: maria, previous: w.thread, intake: [carol] },
      w.now,
    );
    expect(opened.participants.map((p) => p.id)).toEqual([carol.id]);
    // The message itself is consent to this conversation, and the window opens.
    const t = expectTransition(
      decide(
        { thread: opened, pending: [] },
        {
          type: 'inbound',
          waMessageId: 'wamid.new',
          sentAt: w.now,
          content: { type: 'text', text: 'Hello?' },
        },
        w.now,
      ),
    );
    expect(t.thread.consentedAt).toBe(w.now);
    // One card: the message itself says the contact started the conversation (issue 11).
    expect(noticeFor(t, carol.id)).toEqual([]);
    expect(effectsOf(t, 'deliver_inbound')).toEqual([
      {
        type: 'deliver_inbound',
        threadId: 't-2',
        messageId: t.messages[0]!.id,
        to: [carol.id],
        notice: { key: 'thread.opened_by_contact', params: { contact: maria.name } },
      },
    ]);
    // A reply goes straight out.
    const reply = expectTransition(
      decide(
        { thread: t.thread, pending: [] },
        { type: 'compose', by: carol.id, body: 'Hi!' },
        w.now + 1000,
      ),
    );
    expect(sends(reply)).toHaveLength(1);
  });

  it('tells everyone on the one card of a picture the contact opened with, each participant once', () => {
    const w = World.active();
    w.add(alice, bob);
    w.contactWrites('STOP');
    const opened = threadOpenedByContact(
      { id: 't-2', businessNumberId: 'bn-1', contact: maria, previous: w.thread, intake: [carol] },
      w.now,
    );
    const t = expectTransition(
      decide(
        { thread: opened, pending: [] },
        {
          type: 'inbound',
          waMessageId: 'wamid.pic',
          sentAt: w.now,
          content: {
            type: 'image',
            media: { id: 'm-1', mimeType: 'image/jpeg', size: 10, caption: 'Broken lid' },
          },
        },
        w.now,
      ),
    );
    expect(t.effects.filter((e) => e.type === 'notify')).toEqual([]);
    const [deliver, ...more] = effectsOf(t, 'deliver_inbound');
    expect(more).toEqual([]);
    expect(deliver?.to).toEqual([alice.id, bob.id]);
    expect(deliver?.notice).toEqual({
      key: 'thread.opened_by_contact',
      params: { contact: maria.name },
    });
  });

  it('keeps the notice a card of its own when what opened the conversation is a button tap', () => {
    const w = World.active();
    w.run({ type: 'leave', by: alice.id });
    const opened = threadOpenedByContact(
      { id: 't-2', businessNumberId: 'bn-1', contact: maria, previous: w.thread, intake: [carol] },
      w.now,
    );
    // A tap on an old template's button: nothing for the users to read, so the notice says it.
    const t = expectTransition(
      decide(
        { thread: opened, pending: [] },
        {
          type: 'inbound',
          waMessageId: 'wamid.tap',
          sentAt: w.now,
          content: { type: 'button', button: 'resume', text: 'Resume conversation' },
        },
        w.now,
      ),
    );
    expect(effectsOf(t, 'deliver_inbound')).toEqual([]);
    expect(notices(t)).toEqual([
      { to: [carol.id], key: 'thread.opened_by_contact', params: { contact: maria.name } },
    ]);
  });

  it('puts no such line on later messages of the conversation', () => {
    const w = World.active();
    w.run({ type: 'leave', by: alice.id });
    const opened = threadOpenedByContact(
      { id: 't-2', businessNumberId: 'bn-1', contact: maria, previous: w.thread, intake: [carol] },
      w.now,
    );
    const first = expectTransition(
      decide(
        { thread: opened, pending: [] },
        {
          type: 'inbound',
          waMessageId: 'wamid.1',
          sentAt: w.now,
          content: { type: 'text', text: 'Hi' },
        },
        w.now,
      ),
    );
    const second = expectTransition(
      decide(
        { thread: first.thread, pending: [] },
        {
          type: 'inbound',
          waMessageId: 'wamid.2',
          sentAt: w.now + 1000,
          content: { type: 'text', text: 'Anyone?' },
        },
        w.now + 1000,
      ),
    );
    expect(effectsOf(second, 'deliver_inbound')).toHaveLength(1);
    expect(effectsOf(second, 'deliver_inbound')[0]?.notice).toBeUndefined();
    expect(notices(second)).toEqual([]);
  });

  it('lets the first user who starts a thread take one nobody was answering', () => {
    const opened = threadOpenedByContact(
      { id: 't-9', businessNumberId: 'bn-1', contact: maria, intake: [] },
      T0,
    );
    const t = expectTransition(startThread({ ...input, by: bob, openThread: opened }, T0 + HOUR));
    expect(t.thread.participants.map((p) => p.id)).toEqual([bob.id]);
    expect(noticeFor(t, bob.id)).toEqual(['thread.joined_waiting']);
  });

  it('shows the user who takes a waiting thread every message the contact wrote meanwhile', () => {
    // alarm (issue 12): three messages arrived while nobody answered.
    const opened = {
      ...threadOpenedByContact(
        { id: 't-9', businessNumberId: 'bn-1', contact: maria, intake: [] },
        T0,
      ),
      nextSeq: 4,
    };
    const t = expectTransition(startThread({ ...input, by: bob, openThread: opened }, T0 + HOUR));
    expect(t.effects.filter((e) => e.type === 'deliver_inbound')).toEqual(
      ['t-9:1', 't-9:2', 't-9:3'].map((messageId) => ({
        type: 'deliver_inbound',
        threadId: 't-9',
        messageId,
        to: [bob.id],
      })),
    );
  });
});
