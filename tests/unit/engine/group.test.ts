import { describe, expect, it } from 'vitest';
import {
  HOUR,
  World,
  alice,
  bob,
  carol,
  expectRejection,
  expectTransition,
  failure,
  noticeFor,
  sends,
} from './harness.js';

describe('add user', () => {
  it('adds a colleague and tells everyone, the contact included', () => {
    const w = World.active();
    w.add(alice, carol);
    const t = expectTransition(w.add(alice, bob));
    expect(w.thread.participants.map((p) => p.id)).toEqual([alice.id, carol.id, bob.id]);
    expect(noticeFor(t, alice.id)).toEqual(['group.you_added']);
    expect(noticeFor(t, bob.id)).toEqual(['group.added_you']);
    expect(noticeFor(t, carol.id)).toEqual(['group.colleague_added']);
    const [toContact] = sends(t);
    expect(w.message(toContact!)).toMatchObject({
      kind: 'notice',
      noticeKey: 'contact.participant_added',
      params: { name: bob.name },
    });
  });

  it('tells a contact whose window has closed with the participant-notice template', () => {
    const w = World.active();
    w.later(25 * HOUR);
    const t = expectTransition(w.add(alice, bob));
    expect(w.message(sends(t)[0]!)).toMatchObject({
      kind: 'template',
      template: 'participant_notice',
    });
  });

  it('says nothing to a contact who has not consented yet', () => {
    const w = World.started();
    const t = expectTransition(w.add(alice, bob));
    expect(sends(t)).toEqual([]);
  });

  it('refuses beyond the participant cap', () => {
    const w = World.active();
    w.add(alice, bob, 2);
    const n = expectRejection(w.add(alice, carol, 2), 'group.cap_reached');
    expect(n.params.max).toBe(2);
  });

  it('refuses someone already in the thread, and requests from non-participants', () => {
    const w = World.active();
    w.add(alice, bob);
    expectRejection(w.add(alice, bob), 'group.already_participant');
    expectRejection(w.add(carol, carol), 'thread.not_participant');
  });

  it("shows each participant the others' messages with the author's name", () => {
    const w = World.active();
    w.add(alice, bob);
    const t = w.write(bob, 'I can help with that');
    expect(t.messages[0]!.author).toEqual(bob);
    expect(t.effects.find((e) => e.type === 'share_outbound')).toMatchObject({ to: [alice.id] });
  });

  it('tells participants when the contact could not be told about the change', () => {
    const w = World.active();
    const t1 = expectTransition(w.add(alice, bob));
    const t2 = w.report(sends(t1)[0]!, 'failed', failure(131026));
    expect(noticeFor(t2, alice.id)).toEqual(['notice_failed.added']);
  });
});

describe('remove participant', () => {
  it('gives the remover, the others, the removed user and the contact each their own notice', () => {
    const w = World.active();
    w.add(alice, bob);
    w.add(alice, carol);
    const t = expectTransition(w.run({ type: 'remove_participant', by: alice.id, user: carol.id }));
    expect(w.thread.participants.map((p) => p.id)).toEqual([alice.id, bob.id]);
    expect(noticeFor(t, alice.id)).toEqual(['group.you_removed']);
    expect(noticeFor(t, bob.id)).toEqual(['group.colleague_removed']);
    expect(noticeFor(t, carol.id)).toEqual(['group.removed_you']);
    expect(t.effects.find((e) => e.type === 'notify' && e.to.includes(bob.id))).toMatchObject({
      notice: { params: { by: alice.name, user: carol.name } },
    });
    expect(w.message(sends(t)[0]!)).toMatchObject({
      noticeKey: 'contact.participant_removed',
      params: { name: carol.name },
    });
  });

  it('refuses to remove yourself (that is leaving)', () => {
    const w = World.active();
    expectRejection(
      w.run({ type: 'remove_participant', by: alice.id, user: alice.id }),
      'group.cannot_remove_self',
    );
  });

  it('reports a failed removal notice to the contact with the seed wording key', () => {
    const w = World.active();
    w.add(alice, bob);
    const t = expectTransition(w.run({ type: 'remove_participant', by: alice.id, user: bob.id }));
    const failed = w.report(sends(t)[0]!, 'failed', failure(131000));
    expect(noticeFor(failed, alice.id)).toEqual(['notice_failed.removed']);
  });
});

describe('leave', () => {
  it('tells the contact the user is no longer available, and tells the leaver and the others', () => {
    const w = World.active();
    w.add(alice, bob);
    const t = expectTransition(w.run({ type: 'leave', by: bob.id }));
    expect(noticeFor(t, bob.id)).toEqual(['group.you_left']);
    expect(noticeFor(t, alice.id)).toEqual(['group.colleague_left']);
    expect(w.message(sends(t)[0]!)).toMatchObject({
      noticeKey: 'contact.participant_left',
      params: { name: bob.name },
    });
    expect(w.thread.state).toBe('active');
  });

  it('closes the thread when the last participant leaves, still telling the contact', () => {
    const w = World.active();
    const t = expectTransition(w.run({ type: 'leave', by: alice.id }));
    expect(w.thread).toMatchObject({ state: 'closed', closedReason: 'all_left', participants: [] });
    expect(sends(t)).toHaveLength(1);
    expect(noticeFor(t, alice.id)).toEqual(['group.you_left']);
    // A closed thread accepts no more messages.
    expectRejection(w.run({ type: 'compose', by: alice.id, body: 'x' }), 'thread.closed');
  });

  it('reports to the leaver when the contact could not be told, even once the thread is closed', () => {
    const w = World.active();
    const t = expectTransition(w.run({ type: 'leave', by: alice.id }));
    const failed = w.report(sends(t)[0]!, 'failed', failure(131026));
    expect(noticeFor(failed, alice.id)).toEqual(['notice_failed.left']);
  });

  it('marks messages still held as failed when the last participant leaves', () => {
    const w = World.started();
    const held = w.write(alice, 'held').messages[0]!.id;
    w.run({ type: 'leave', by: alice.id });
    expect(w.message(held)).toMatchObject({
      status: 'failed',
      failure: { reasonKey: 'reason.thread_closed' },
    });
  });
});

describe('transfer', () => {
  it('hands the contact to another user in one step, with one notice to the contact', () => {
    const w = World.active();
    w.add(alice, carol);
    const t = expectTransition(w.run({ type: 'transfer', by: alice.id, to: bob }));
    expect(w.thread.participants.map((p) => p.id)).toEqual([carol.id, bob.id]);
    expect(noticeFor(t, alice.id)).toEqual(['group.you_transferred']);
    expect(noticeFor(t, bob.id)).toEqual(['group.transferred_to_you']);
    expect(noticeFor(t, carol.id)).toEqual(['group.colleague_transferred']);
    expect(sends(t)).toHaveLength(1);
    expect(w.message(sends(t)[0]!)).toMatchObject({
      noticeKey: 'contact.participant_transferred',
      params: { from: alice.name, to: bob.name },
    });
  });

  it('refuses a transfer to someone already in the thread, or to yourself', () => {
    const w = World.active();
    w.add(alice, bob);
    expectRejection(
      w.run({ type: 'transfer', by: alice.id, to: bob }),
      'group.already_participant',
    );
    expectRejection(
      w.run({ type: 'transfer', by: alice.id, to: alice }),
      'group.cannot_transfer_to_self',
    );
  });
});
