/**
 * A tiny in-memory world for engine tests: it keeps one thread and its messages, applies
 * each transition the engine returns, and lets a test move a fake clock.
 */
import type { NoticeKey } from '../../../bot/src/core/notice-keys.js';
import { expect } from 'vitest';
import { decide, needsPendingMessages, startThread } from '../../../bot/src/core/engine.js';
import {
  HOUR,
  isRejection,
  type Effect,
  type Failure,
  type Message,
  type Notice,
  type Outcome,
  type Thread,
  type ThreadEvent,
  type Transition,
  type UserRef,
} from '../../../bot/src/core/types.js';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const SECOND = 1000;
export { HOUR };

export const alice: UserRef = { id: 'u-alice', name: 'Alice Adams' };
export const bob: UserRef = { id: 'u-bob', name: 'Bob Brown' };
export const carol: UserRef = { id: 'u-carol', name: 'Carol Chen' };
export const maria = { id: 'c-maria', phone: '447700900123', name: 'Maria Silva' };

export function expectTransition(outcome: Outcome): Transition {
  if (isRejection(outcome))
    throw new Error(`expected a transition, got rejection ${outcome.notice.key}`);
  return outcome;
}

export function expectRejection(outcome: Outcome, key: string): Notice {
  expect(isRejection(outcome)).toBe(true);
  if (!isRejection(outcome)) throw new Error('unreachable');
  expect(outcome.notice.key).toBe(key);
  return outcome.notice;
}

export function failure(
  code: number,
  kind: Failure['kind'] = 'other',
  reasonKey: NoticeKey = 'reason.unknown',
): Failure {
  return { graphCode: code, kind, reasonKey };
}

let wamidCounter = 0;

export class World {
  thread!: Thread;
  readonly messages = new Map<string, Message>();
  now = T0;
  last!: Transition;

  static started(by: UserRef = alice, at = T0): World {
    const w = new World();
    w.now = at;
    w.commit(
      expectTransition(
        startThread(
          { id: 't-1', businessNumberId: 'bn-1', contact: maria, contactPolicy: {}, by },
          at,
        ),
      ),
    );
    return w;
  }

  /** A thread where the contact consented and the window is open. */
  static active(by: UserRef = alice): World {
    const w = World.started(by);
    w.sendAll();
    w.contactTaps('consent');
    return w;
  }

  /**
   * Applies a transition as a store does: messages first, then each release_pending turned
   * in place into one send per held message (in seq order), which leave the queue.
   */
  commit(t: Transition): Transition {
    this.thread = t.thread;
    for (const m of t.messages) this.messages.set(m.id, m);
    const effects = t.effects.flatMap((e): Effect[] => {
      if (e.type !== 'release_pending') return [e];
      return this.heldMessages().map((m) => {
        this.messages.set(m.id, { ...m, held: undefined });
        return { type: 'send_to_contact', threadId: e.threadId, messageId: m.id };
      });
    });
    this.last = { ...t, effects };
    expect(this.held()).toHaveLength(this.thread.pendingCount);
    return this.last;
  }

  /** The held (pending) messages, in the order written, as a store keeps them. */
  heldMessages(): Message[] {
    return [...this.messages.values()].filter((m) => m.held).sort((a, b) => a.seq - b.seq);
  }

  /** The ids of the held messages, in order. */
  held(): string[] {
    return this.heldMessages().map((m) => m.id);
  }

  later(ms: number): this {
    this.now += ms;
    return this;
  }

  run(event: ThreadEvent): Outcome {
    const pending = needsPendingMessages(this.thread, event) ? this.heldMessages() : [];
    const outcome = decide({ thread: this.thread, pending }, event, this.now);
    return isRejection(outcome) ? outcome : this.commit(outcome);
  }

  write(by: UserRef, body: string): Transition {
    return expectTransition(this.run({ type: 'compose', by: by.id, body }));
  }

  contactWrites(text: string, sentAt = this.now): Transition {
    return expectTransition(
      this.run({
        type: 'inbound',
        waMessageId: `wamid.in${++wamidCounter}`,
        sentAt,
        content: { type: 'text', text },
      }),
    );
  }

  contactTaps(button: 'consent' | 'decline' | 'resume'): Transition {
    return expectTransition(
      this.run({
        type: 'inbound',
        waMessageId: `wamid.in${++wamidCounter}`,
        sentAt: this.now,
        content: { type: 'button', button, text: button },
      }),
    );
  }

  /** WhatsApp reports a status for a message. */
  report(
    messageId: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    f?: Failure,
    waMessageId?: string,
  ): Transition {
    const message = this.messages.get(messageId)!;
    return expectTransition(
      this.run({
        type: 'status',
        message,
        status,
        at: this.now,
        waMessageId: waMessageId ?? message.waMessageId ?? `wamid.out-${messageId}`,
        failure: f,
      }),
    );
  }

  /** Every send_to_contact in the last transition is accepted by WhatsApp (status sent). */
  sendAll(): string[] {
    const ids = sends(this.last);
    for (const id of ids) this.report(id, 'sent');
    return ids;
  }

  add(by: UserRef, user: UserRef, maxParticipants = 8): Outcome {
    return this.run({ type: 'add_participant', by: by.id, user, maxParticipants });
  }

  message(id: string): Message {
    return this.messages.get(id)!;
  }

  byTemplate(template: Message['template']): Message[] {
    return [...this.messages.values()].filter((m) => m.template === template);
  }
}

export function sends(t: Transition): string[] {
  return t.effects
    .filter((e): e is Extract<Effect, { type: 'send_to_contact' }> => e.type === 'send_to_contact')
    .map((e) => e.messageId);
}

export function notices(
  t: Transition,
): { to: readonly string[]; key: string; params: Notice['params'] }[] {
  return t.effects
    .filter((e): e is Extract<Effect, { type: 'notify' }> => e.type === 'notify')
    .map((e) => ({ to: e.to, key: e.notice.key, params: e.notice.params }));
}

export function noticeFor(t: Transition, userId: string): string[] {
  return notices(t)
    .filter((n) => n.to.includes(userId))
    .map((n) => n.key);
}

export function effectsOf<T extends Effect['type']>(
  t: Transition,
  type: T,
): Extract<Effect, { type: T }>[] {
  return t.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}
