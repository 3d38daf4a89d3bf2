import { describe, expect, it } from 'vitest';
import {
  HOUR,
  World,
  alice,
  bob,
  effectsOf,
  expectRejection,
  expectTransition,
  failure,
  noticeFor,
  sends,
} from './harness.js';

describe('the opt-in reminder', () => {
  it('cannot be sent before 24 hours have passed without an answer', () => {
    const w = World.started();
    w.later(23 * HOUR);
    const n = expectRejection(w.run({ type: 'remind', by: alice.id }), 'optin.reminder_too_early');
    expect(n.params.hours).toBe(1);
  });

  it('sends the opt-in again after 24 hours, and the next one only 24 hours after that', () => {
    const w = World.started();
    w.later(24 * HOUR);
    const t = expectTransition(w.run({ type: 'remind', by: alice.id }));
    expect(sends(t).map((id) => w.message(id).template)).toEqual(['opt_in']);
    expect(w.thread.optIn?.reminders).toBe(1);
    expect(noticeFor(t, alice.id)).toEqual(['optin.reminder_sent']);
    w.later(12 * HOUR);
    expectRejection(w.run({ type: 'remind', by: alice.id }), 'optin.reminder_too_early');
    w.later(12 * HOUR);
    expectTransition(w.run({ type: 'remind', by: alice.id }));
    expect(w.thread.optIn?.reminders).toBe(2);
  });

  it('is refused once the contact has consented', () => {
    const w = World.active();
    w.later(48 * HOUR);
    expectRejection(w.run({ type: 'remind', by: alice.id }), 'optin.reminder_not_needed');
  });

  it('is refused to someone who is not a participant', () => {
    const w = World.started();
    w.later(25 * HOUR);
    expectRejection(w.run({ type: 'remind', by: bob.id }), 'thread.not_participant');
  });
});

describe('an opt-in that cannot be delivered', () => {
  it('tells the user, in the seed wording, and schedules a retry 24 hours later', () => {
    const w = World.started();
    const optIn = w.byTemplate('opt_in')[0]!.id;
    w.later(HOUR);
    const t = w.report(optIn, 'failed', failure(131026, 'other', 'reason.undeliverable'));
    expect(noticeFor(t, alice.id)).toEqual(['optin.failed']);
    expect(effectsOf(t, 'schedule')).toEqual([
      { type: 'schedule', threadId: 't-1', timer: 'optin_retry', at: w.now + 24 * HOUR },
    ]);
    expect(w.thread.state).toBe('awaiting_consent');
  });

  it('is retried when the timer fires, not before', () => {
    const w = World.started();
    w.report(w.byTemplate('opt_in')[0]!.id, 'failed', failure(131026));
    w.later(23 * HOUR);
    expect(sends(expectTransition(w.run({ type: 'timer', timer: 'optin_retry' })))).toEqual([]);
    w.later(HOUR);
    const t = expectTransition(w.run({ type: 'timer', timer: 'optin_retry' }));
    expect(sends(t).map((id) => w.message(id).template)).toEqual(['opt_in']);
    // The timer firing twice sends nothing more.
    expect(sends(expectTransition(w.run({ type: 'timer', timer: 'optin_retry' })))).toEqual([]);
  });

  it('closes the thread when it fails a second time, and what was pending is marked failed', () => {
    const w = World.started();
    const pending = w.write(alice, 'held').messages[0]!.id;
    w.report(w.byTemplate('opt_in')[0]!.id, 'failed', failure(131026));
    w.later(24 * HOUR);
    w.run({ type: 'timer', timer: 'optin_retry' });
    const retry = w.byTemplate('opt_in')[1]!.id;
    const t = w.report(retry, 'failed', failure(131026));
    expect(w.thread).toMatchObject({ state: 'closed', closedReason: 'optin_undeliverable' });
    expect(noticeFor(t, alice.id)).toContain('optin.failed_closed');
    expect(w.message(pending)).toMatchObject({
      status: 'failed',
      failure: { reasonKey: 'reason.optin_undeliverable' },
    });
  });

  it('does not count the same failure twice when WhatsApp repeats it', () => {
    const w = World.started();
    const optIn = w.byTemplate('opt_in')[0]!.id;
    w.report(optIn, 'failed', failure(131026));
    w.report(optIn, 'failed', failure(131026));
    expect(w.thread.state).toBe('awaiting_consent');
    expect(w.thread.optIn?.failures).toBe(1);
  });
});
