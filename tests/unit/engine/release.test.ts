/**
 * Issue 10 item 3: when the contact consents or resumes and held messages go out, every
 * participant is told so, with how many; when nothing was held, the seed's notice as before.
 */
import { describe, expect, it } from 'vitest';
import { t } from '../../../bot/src/i18n/catalogue.js';
import type { NoticeKey } from '../../../bot/src/core/notice-keys.js';
import type { Transition } from '../../../bot/src/core/types.js';
import { HOUR, World, alice, bob, notices, sends } from './harness.js';

const DAY = 24 * HOUR;

/** The words each participant reads, in a language. */
function read(tr: Transition, userId: string, locale = 'en'): string[] {
  return notices(tr)
    .filter((n) => n.to.includes(userId))
    .map((n) => t(locale, n.key as NoticeKey, n.params));
}

describe('the release notice', () => {
  it('tells every participant that the contact agreed and how many held messages are going out', () => {
    const w = World.started();
    w.add(alice, bob);
    w.write(alice, 'one');
    w.write(bob, 'two');
    w.write(alice, 'three');
    const tr = w.later(HOUR).contactTaps('consent');
    expect(sends(tr)).toHaveLength(3);
    for (const user of [alice, bob]) {
      expect(read(tr, user.id)).toEqual([
        'Maria Silva agreed to receive messages: 3 pending messages are being sent.',
      ]);
    }
    expect(read(tr, alice.id, 'de')).toEqual([
      'Maria Silva hat zugestimmt, Nachrichten zu erhalten: 3 ausstehende Nachrichten werden jetzt gesendet.',
    ]);
  });

  it('says "1 pending message is" for a single held message, in each language\'s singular', () => {
    const w = World.started();
    w.write(alice, 'only one');
    const tr = w.contactTaps('consent');
    expect(read(tr, alice.id)).toEqual([
      'Maria Silva agreed to receive messages: 1 pending message is being sent.',
    ]);
    expect(read(tr, alice.id, 'fr')).toEqual([
      'Maria Silva a accepté de recevoir des messages : 1 message en attente est en cours d’envoi.',
    ]);
    expect(read(tr, alice.id, 'ja')).toEqual([
      'Maria Silva さんがメッセージの受信に同意しました。保留中のメッセージ 1 件を送信しています。',
    ]);
  });

  it('counts a written reply to the opt-in as consent, and says the count too', () => {
    const w = World.started();
    w.write(alice, 'a');
    w.write(alice, 'b');
    const tr = w.contactWrites('yes, fine');
    expect(read(tr, alice.id)).toEqual([
      'Maria Silva agreed to receive messages: 2 pending messages are being sent.',
    ]);
  });

  it('keeps the seed\'s "you can start" notice when nothing was held', () => {
    const w = World.started();
    const tr = w.contactTaps('consent');
    expect(read(tr, alice.id)).toEqual([
      'Maria Silva has opted in. You can start the conversation.',
    ]);
  });

  it('tells every participant that the contact resumed and how many held messages are going out', () => {
    const w = World.active();
    w.add(alice, bob);
    w.now += DAY + HOUR;
    w.write(alice, 'queued 1');
    w.write(bob, 'queued 2');
    const tr = w.later(HOUR).contactTaps('resume');
    expect(sends(tr)).toHaveLength(2);
    for (const user of [alice, bob]) {
      expect(read(tr, user.id)).toEqual([
        'Maria Silva resumed the conversation: 2 pending messages are being sent.',
      ]);
    }
    expect(read(tr, bob.id, 'pt-BR')).toEqual([
      'Maria Silva retomou a conversa: 2 mensagens pendentes estão sendo enviadas.',
    ]);
  });

  it('says the release when a reply from the contact crosses the resume request', () => {
    const w = World.active();
    w.now += DAY + HOUR;
    w.write(alice, 'queued while paused');
    const tr = w.contactWrites('Hi, I was about to write');
    expect(read(tr, alice.id)).toEqual([
      'Maria Silva resumed the conversation: 1 pending message is being sent.',
    ]);
  });

  it('keeps the seed\'s "you can continue" notice when the window reopens with nothing held', () => {
    const w = World.active();
    w.now += DAY + HOUR;
    const tr = w.contactTaps('resume');
    expect(read(tr, alice.id)).toEqual([
      'Maria Silva has resumed the conversation. You can continue.',
    ]);
  });

  it('says nothing when the contact simply writes inside the window', () => {
    const w = World.active();
    const tr = w.later(HOUR).contactWrites('thanks');
    expect(read(tr, alice.id)).toEqual([]);
  });
});
