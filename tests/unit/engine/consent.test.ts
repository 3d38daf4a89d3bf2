import { describe, expect, it } from 'vitest';
import { HOUR, World, alice, effectsOf, maria, noticeFor, sends } from './harness.js';

describe('a new thread awaits consent', () => {
  it('sends the opt-in template and tells the user their messages will wait for consent', () => {
    const w = World.started();
    expect(w.thread.state).toBe('awaiting_consent');
    const [optIn] = sends(w.last);
    expect(w.message(optIn!).template).toBe('opt_in');
    expect(noticeFor(w.last, alice.id)).toEqual(['thread.optin_sent']);
  });

  it('keeps what participants write as pending, in order, and sends none of it', () => {
    const w = World.started();
    const first = w.write(alice, 'Hello Maria');
    const second = w.write(alice, 'Your order is ready');
    expect(sends(first)).toEqual([]);
    expect(sends(second)).toEqual([]);
    expect(w.held()).toEqual([first.messages[0]!.id, second.messages[0]!.id]);
    expect(first.messages[0]!.status).toBe('pending');
  });

  it('releases the pending messages in the order they were written when the contact consents', () => {
    const w = World.started();
    const ids = ['one', 'two', 'three'].map((b) => w.write(alice, b).messages[0]!.id);
    w.later(2 * HOUR);
    const t = w.contactTaps('consent');
    expect(w.thread.state).toBe('active');
    expect(sends(t)).toEqual(ids);
    expect(w.held()).toEqual([]);
    // With messages waiting, the notice says they are going out, and how many (release.test.ts).
    expect(noticeFor(t, alice.id)).toEqual(['release.consented_released']);
  });

  it('tells participants they can start when the contact consents and nothing was pending', () => {
    const w = World.started();
    const t = w.contactTaps('consent');
    expect(sends(t)).toEqual([]);
    expect(noticeFor(t, alice.id)).toEqual(['thread.consented_start']);
  });

  it('records the consent with its time and the WhatsApp message that carried it', () => {
    const w = World.started();
    w.later(3 * HOUR);
    const t = w.contactTaps('consent');
    const [record] = effectsOf(t, 'record_consent');
    expect(record!.record).toMatchObject({
      kind: 'consent',
      at: w.now,
      via: 'button',
      contactId: maria.id,
      threadId: 't-1',
    });
    expect(record!.record.waMessageId).toMatch(/^wamid\./);
  });

  it('takes a written reply to the opt-in as consent, and shows that reply to participants', () => {
    const w = World.started();
    w.write(alice, 'queued');
    const t = w.contactWrites('Yes please, go ahead');
    expect(w.thread.state).toBe('active');
    expect(effectsOf(t, 'record_consent')[0]!.record).toMatchObject({
      kind: 'consent',
      via: 'message',
    });
    expect(effectsOf(t, 'deliver_inbound')[0]!.to).toEqual([alice.id]);
    expect(sends(t)).toHaveLength(1);
  });

  it('opens the 24-hour window with the consent', () => {
    const w = World.started();
    w.later(HOUR).contactTaps('consent');
    expect(w.thread.lastInboundAt).toBe(w.now);
    expect(w.last.contact).toMatchObject({ contactId: maria.id, lastInboundAt: w.now });
  });
});

describe('the contact declines', () => {
  it('closes the thread, records the decline and blocks the contact', () => {
    const w = World.started();
    const pending = w.write(alice, 'never sent').messages[0]!;
    const t = w.contactTaps('decline');
    expect(w.thread).toMatchObject({ state: 'closed', closedReason: 'declined' });
    expect(effectsOf(t, 'record_consent')[0]!.record.kind).toBe('decline');
    expect(t.contact?.optedOutAt).toBe(w.now);
    expect(noticeFor(t, alice.id)).toContain('thread.contact_declined');
    // What was held can no longer go out: it is marked failed with a reason, not left pending.
    expect(w.message(pending.id)).toMatchObject({
      status: 'failed',
      failure: { reasonKey: 'reason.contact_opted_out' },
    });
  });
});
