/**
 * Send again on a failed message (issue 10 item 3): a new attempt as a new message, where
 * the window rules say (sent, held with Resume, or refused when closed), and once only.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../bot/src/core/types.js';
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

const DAY = 24 * HOUR;

function failedMessage(w: World, body = 'Your parcel is on its way'): string {
  const id = w.write(alice, body).messages[0]!.id;
  w.report(id, 'sent');
  w.report(id, 'failed', failure(131026, 'other', 'reason.undeliverable'));
  return id;
}

function sendAgain(w: World, id: string, by = alice): Outcome {
  return w.run({ type: 'send_again', by: by.id, message: w.message(id) });
}

describe('Send again', () => {
  it('sends the same words again as a new message, and marks the failed one as sent again', () => {
    const w = World.active();
    w.add(alice, bob);
    const failed = failedMessage(w);
    const t = expectTransition(sendAgain(w, failed));
    const [again] = sends(t);
    expect(again).toBeDefined();
    expect(again).not.toBe(failed);
    expect(w.message(again!)).toMatchObject({
      body: 'Your parcel is on its way',
      author: { id: alice.id },
      status: 'pending',
      retryOf: failed,
    });
    expect(w.message(failed)).toMatchObject({ status: 'failed', retriedAs: again });
    // Every participant's card of the failed message is brought up to date (no button).
    expect(effectsOf(t, 'status_changed')).toContainEqual({
      type: 'status_changed',
      threadId: 't-1',
      messageId: failed,
      to: [alice.id, bob.id],
    });
    // Colleagues see the new message as they see any other.
    expect(effectsOf(t, 'share_outbound')[0]).toMatchObject({ messageId: again, to: [bob.id] });
  });

  it('sends nothing the second time: the message goes out again at most once', () => {
    const w = World.active();
    const failed = failedMessage(w);
    expectTransition(sendAgain(w, failed));
    const messagesBefore = w.messages.size;
    expectRejection(sendAgain(w, failed), 'release.already_sent_again');
    expect(w.messages.size).toBe(messagesBefore);
  });

  it('keeps a picture or a file with its caption', () => {
    const w = World.active();
    const media = { id: 'media-1', mimeType: 'image/png', size: 2048, caption: 'the label' };
    const id = expectTransition(w.run({ type: 'compose', by: alice.id, media })).messages[0]!.id;
    w.report(id, 'failed', failure(131053, 'other', 'reason.media_upload_failed'));
    const t = expectTransition(sendAgain(w, id));
    expect(w.message(sends(t)[0]!)).toMatchObject({ kind: 'image', media });
  });

  it('holds the new attempt and asks the contact to resume when the window has closed', () => {
    const w = World.active();
    const failed = failedMessage(w);
    w.later(DAY + HOUR);
    const t = expectTransition(sendAgain(w, failed));
    expect(w.thread.state).toBe('paused');
    const [resume] = sends(t);
    expect(w.message(resume!).template).toBe('resume');
    expect(w.heldMessages().map((m) => m.body)).toEqual(['Your parcel is on its way']);
    expect(noticeFor(t, alice.id)).toEqual(['thread.paused']);
    // The contact resumes: the new attempt goes out, and the release notice counts it.
    const resumed = w.contactTaps('resume');
    expect(sends(resumed).map((id) => w.message(id).body)).toEqual(['Your parcel is on its way']);
    expect(noticeFor(resumed, alice.id)).toEqual(['release.resumed_released']);
  });

  it('says the conversation is closed (restart it) and sends nothing when it has closed', () => {
    const w = World.active();
    const failed = failedMessage(w);
    w.contactWrites('STOP');
    expect(w.thread.state).toBe('closed');
    const notice = expectRejection(sendAgain(w, failed), 'thread.closed');
    expect(notice.params).toEqual({ contact: 'Maria Silva' });
    expect(w.message(failed).retriedAs).toBeUndefined();
  });

  it('refuses a message that did not fail', () => {
    const w = World.active();
    const id = w.write(alice, 'fine').messages[0]!.id;
    w.report(id, 'delivered');
    expectRejection(sendAgain(w, id), 'release.not_failed');
  });

  it("refuses a colleague's failed message: it goes out under its author's name", () => {
    const w = World.active();
    w.add(alice, bob);
    const failed = failedMessage(w);
    const notice = expectRejection(sendAgain(w, failed, bob), 'release.not_author');
    expect(notice.params).toEqual({ author: alice.name });
  });
});
