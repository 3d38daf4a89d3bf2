import { describe, expect, it } from 'vitest';
import { stateAt, windowTimeLeft } from '../../../bot/src/core/engine.js';
import { HOUR, SECOND, World, alice, bob, failure, noticeFor, sends } from './harness.js';

const DAY = 24 * HOUR;

describe('the 24-hour customer-service window', () => {
  it('sends a message written 1 second before the window closes at once', () => {
    const w = World.active();
    const consentAt = w.now;
    w.now = consentAt + DAY - SECOND;
    const t = w.write(alice, 'just in time');
    expect(sends(t)).toEqual([t.messages[0]!.id]);
    expect(w.thread.state).toBe('active');
  });

  it('pauses the thread and sends the resume template for a message written 1 second after it closes', () => {
    const w = World.active();
    w.now += DAY + SECOND;
    const t = w.write(alice, 'too late');
    const written = t.messages.find((m) => m.kind === 'text')!;
    const resume = t.messages.find((m) => m.template === 'resume')!;
    expect(w.thread.state).toBe('paused');
    expect(sends(t)).toEqual([resume.id]);
    expect(w.held()).toEqual([written.id]);
    expect(noticeFor(t, alice.id)).toEqual(['thread.paused']);
  });

  it('sends one resume request per pause, and queues what follows it in order', () => {
    const w = World.active();
    w.now += DAY + HOUR;
    const first = w.write(alice, 'one');
    const second = w.write(alice, 'two');
    expect(sends(second)).toEqual([]);
    expect(w.byTemplate('resume')).toHaveLength(1);
    expect(w.held()).toHaveLength(2);
    expect(w.held()[0]).toBe(first.messages.find((m) => m.kind === 'text')!.id);
  });

  it('is not extended by the business writing, only by the contact', () => {
    const w = World.active();
    const opened = w.now;
    w.later(20 * HOUR).write(alice, 'business message');
    expect(w.thread.lastInboundAt).toBe(opened);
    w.later(5 * HOUR);
    expect(stateAt(w.thread, w.now)).toBe('paused');
  });

  it('is refreshed by every message from the contact', () => {
    const w = World.active();
    w.later(23 * HOUR).contactWrites('still here');
    w.later(23 * HOUR);
    expect(stateAt(w.thread, w.now)).toBe('active');
    expect(windowTimeLeft(w.thread, w.now)).toBe(HOUR);
  });

  it('releases the queue in order when the contact taps Resume conversation, and records the resume', () => {
    const w = World.active();
    w.now += DAY + HOUR;
    const ids = ['a', 'b', 'c'].map(
      (b) => w.write(alice, b).messages.find((m) => m.kind === 'text')!.id,
    );
    w.later(HOUR);
    const t = w.contactTaps('resume');
    expect(w.thread.state).toBe('active');
    expect(sends(t)).toEqual(ids);
    expect(t.effects.some((e) => e.type === 'record_consent' && e.record.kind === 'resume')).toBe(
      true,
    );
  });

  it('tells participants they can continue when the contact comes back after the window closed and nothing was queued', () => {
    const w = World.active();
    w.now += DAY + HOUR;
    const t = w.contactTaps('resume');
    expect(sends(t)).toEqual([]);
    expect(noticeFor(t, alice.id)).toEqual(['thread.resumed_continue']);
  });

  it('says nothing extra when the contact simply writes inside the window', () => {
    const w = World.active();
    const t = w.later(HOUR).contactWrites('thanks');
    expect(noticeFor(t, alice.id)).toEqual([]);
  });

  it('handles a reply from the contact that crosses a resume request in flight: the queue goes out once', () => {
    const w = World.active();
    w.now += DAY + HOUR;
    const t1 = w.write(alice, 'queued while paused');
    const queued = t1.messages.find((m) => m.kind === 'text')!.id;
    const resume = t1.messages.find((m) => m.template === 'resume')!.id;
    w.later(SECOND);
    const reply = w.contactWrites('Hi, I was about to write to you');
    expect(sends(reply)).toEqual([queued]);
    expect(w.thread.resumeMessageId).toBeUndefined();
    // The contact then taps the resume button too: nothing is sent twice.
    const tap = w.contactTaps('resume');
    expect(sends(tap)).toEqual([]);
    // And a late failure of the resume template no longer alarms anyone.
    const late = w.report(resume, 'failed', failure(131026));
    expect(noticeFor(late, alice.id)).not.toContain('resume.failed');
    expect(w.thread.state).toBe('active');
  });

  it('tells participants "Failed to deliver resume request." and asks again with the next message', () => {
    const w = World.active();
    w.add(alice, bob);
    w.now += DAY + HOUR;
    const t1 = w.write(alice, 'one');
    const resume = t1.messages.find((m) => m.template === 'resume')!.id;
    const failed = w.report(resume, 'failed', failure(131026));
    expect(noticeFor(failed, alice.id)).toContain('resume.failed');
    expect(noticeFor(failed, bob.id)).toContain('resume.failed');
    expect(w.thread.state).toBe('paused');
    const t2 = w.write(alice, 'two');
    expect(t2.messages.some((m) => m.template === 'resume')).toBe(true);
    expect(w.held()).toHaveLength(2);
  });

  it('puts a message that WhatsApp refused with 131047 back in the queue, pauses, and asks to resume', () => {
    const w = World.active();
    const sent = w.write(alice, 'sent near the edge').messages[0]!;
    w.sendAll();
    w.later(HOUR);
    const t = w.report(sent.id, 'failed', failure(131047, 'window_closed', 'reason.window_closed'));
    expect(w.thread.state).toBe('paused');
    expect(w.held()).toEqual([sent.id]);
    expect(w.message(sent.id).status).toBe('pending');
    expect(t.messages.some((m) => m.template === 'resume')).toBe(true);
    // When the contact resumes, it goes out again.
    const resumed = w.contactTaps('resume');
    expect(sends(resumed)).toEqual([sent.id]);
    // Handed to WhatsApp a second time: Info and the CDR count both attempts.
    expect(w.message(sent.id).attempts).toBe(1);
    w.report(sent.id, 'sent', undefined, 'wamid.again');
    expect(w.message(sent.id).attempts).toBe(2);
  });

  it('ignores a late status for the earlier attempt of a message that was queued again', () => {
    const w = World.active();
    const sent = w.write(alice, 'x').messages[0]!;
    w.report(sent.id, 'sent', undefined, 'wamid.first');
    w.report(sent.id, 'failed', failure(131047, 'window_closed'), 'wamid.first');
    w.contactTaps('resume');
    w.report(sent.id, 'sent', undefined, 'wamid.second');
    const stale = w.report(sent.id, 'delivered', undefined, 'wamid.first');
    expect(stale.messages).toEqual([]);
    expect(w.message(sent.id).waMessageId).toBe('wamid.second');
  });
});
