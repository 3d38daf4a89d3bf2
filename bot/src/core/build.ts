/**
 * Small builders shared by the engine's rules: message records, notices, the pending queue.
 */
import type { NoticeKey } from './notice-keys.js';
import { isOptOutKeyword } from './opt-out.js';
import { isWindowOpen } from './window.js';
import type {
  ContactNoticeKey,
  Effect,
  Message,
  MessageId,
  Millis,
  Notice,
  Participant,
  Thread,
  ThreadEvent,
  ThreadSnapshot,
  Transition,
  UserId,
} from './types.js';

export function messageId(thread: Thread, seq: number): MessageId {
  return `${thread.id}:${seq}`;
}

export function notice(
  key: NoticeKey,
  params: Record<string, string | number> = {},
  keyParams?: Record<string, NoticeKey>,
): Notice {
  return keyParams ? { key, params, keyParams } : { key, params };
}

export function reject(key: NoticeKey, params: Record<string, string | number> = {}) {
  return { rejected: true as const, notice: notice(key, params) };
}

export function participantIds(thread: Thread, except?: UserId): UserId[] {
  return thread.participants.filter((p) => p.id !== except).map((p) => p.id);
}

export function findParticipant(thread: Thread, id: UserId): Participant | undefined {
  return thread.participants.find((p) => p.id === id);
}

export function notify(thread: Thread, to: readonly UserId[], n: Notice): Effect[] {
  return to.length === 0 ? [] : [{ type: 'notify', threadId: thread.id, to, notice: n }];
}

export function send(thread: Thread, message: Message): Effect {
  return { type: 'send_to_contact', threadId: thread.id, messageId: message.id };
}

/** A message the app sends to the contact on the business's behalf (templates, notices). */
export function systemMessage(
  thread: Thread,
  now: Millis,
  fields: Pick<Message, 'kind'> &
    Partial<Pick<Message, 'template' | 'noticeKey' | 'params' | 'author'>>,
): { thread: Thread; message: Message } {
  const seq = thread.nextSeq;
  const message: Message = {
    id: messageId(thread, seq),
    threadId: thread.id,
    seq,
    direction: 'outbound',
    status: 'pending',
    statusTimes: { pending: now },
    attempts: 0,
    createdAt: now,
    ...fields,
  };
  return { thread: { ...thread, nextSeq: seq + 1 }, message };
}

/**
 * A notice to the contact about a participant change. Inside the window it goes as text;
 * outside it, only a template may be sent (131047 otherwise). Before consent, nothing is
 * sent: the contact has not agreed to hear from the business yet.
 */
export function contactNotice(
  thread: Thread,
  now: Millis,
  key: ContactNoticeKey,
  params: Record<string, string>,
  author: Participant,
): { thread: Thread; messages: Message[]; effects: Effect[] } {
  if (thread.consentedAt === undefined) return { thread, messages: [], effects: [] };
  const built = systemMessage(thread, now, {
    kind: isWindowOpen(thread, now) ? 'notice' : 'template',
    template: isWindowOpen(thread, now) ? undefined : 'participant_notice',
    noticeKey: key,
    params,
    author: { id: author.id, name: author.name },
  });
  return {
    thread: built.thread,
    messages: [built.message],
    effects: [send(built.thread, built.message)],
  };
}

/**
 * Hold a message in the queue. The queue is kept in the order messages were written (by
 * seq, by the store), whatever order they joined it in; the thread only counts it.
 */
export function enqueue(thread: Thread, message: Message): { thread: Thread; message: Message } {
  if (message.held) return { thread, message };
  return {
    thread: { ...thread, pendingCount: thread.pendingCount + 1 },
    message: { ...message, held: true },
  };
}

/** Release the pending queue in order: the store sends every held message, in one commit. */
export function releasePending(thread: Thread): { thread: Thread; effects: Effect[] } {
  if (thread.pendingCount === 0) return { thread, effects: [] };
  return {
    thread: { ...thread, pendingCount: 0 },
    effects: [{ type: 'release_pending', threadId: thread.id }],
  };
}

/**
 * Whether deciding `event` needs the held messages themselves (not only their count): only
 * for what may close the thread and fail them. The app loads them then, and only then.
 */
export function needsPendingMessages(thread: Thread, event: ThreadEvent): boolean {
  if (thread.pendingCount === 0) return false;
  switch (event.type) {
    case 'leave':
      return true;
    case 'inbound': {
      const c = event.content;
      return (
        (c.type === 'button' && c.button === 'decline') ||
        (c.type === 'text' && isOptOutKeyword(c.text))
      );
    }
    case 'status':
      return (
        event.status === 'failed' &&
        thread.state === 'awaiting_consent' &&
        thread.optIn?.messageId === event.message.id
      );
    default:
      return false;
  }
}

/**
 * Pending messages that can no longer go out (the thread closed): they fail with a reason,
 * so nobody believes they were delivered.
 */
export function cancelPending(
  snapshot: ThreadSnapshot,
  thread: Thread,
  now: Millis,
  reasonKey: NoticeKey,
) {
  if (snapshot.pending.length !== snapshot.thread.pendingCount) {
    // A caller that skipped needsPendingMessages: failing only some would lose the rest.
    throw new Error(
      `thread ${thread.id}: ${snapshot.thread.pendingCount} held messages, ${snapshot.pending.length} given`,
    );
  }
  const messages: Message[] = snapshot.pending
    .filter((m) => m.status === 'pending')
    .map((m) => ({
      ...m,
      held: undefined,
      status: 'failed',
      statusTimes: { ...m.statusTimes, failed: now },
      failure: { graphCode: 0, kind: 'other', reasonKey },
    }));
  const effects: Effect[] = [];
  for (const m of messages) {
    const to =
      participantIds(thread).length > 0 ? participantIds(thread) : m.author ? [m.author.id] : [];
    if (to.length > 0)
      effects.push({ type: 'status_changed', threadId: thread.id, messageId: m.id, to });
  }
  return { thread: { ...thread, pendingCount: 0 }, messages, effects };
}

export function transition(
  thread: Thread,
  messages: readonly Message[] = [],
  effects: readonly Effect[] = [],
  contact?: Transition['contact'],
): Transition {
  return contact ? { thread, messages, effects, contact } : { thread, messages, effects };
}
