/**
 * A participant writes. Where the message goes depends on the thread's state:
 * awaiting consent → held; active with the window open → sent at once;
 * window closed → paused, "Resume conversation" template sent (once), message held.
 */
import {
  enqueue,
  findParticipant,
  notice,
  notify,
  participantIds,
  reject,
  send,
  systemMessage,
  transition,
} from './build.js';
import { isWindowOpen } from './window.js';
import type { MediaRef, Message, Millis, Outcome, Thread, Transition, UserId } from './types.js';

export function compose(
  thread: Thread,
  by: UserId,
  content: {
    body?: string | undefined;
    media?: MediaRef | undefined;
    mediaKind?: 'image' | 'document' | undefined;
  },
  now: Millis,
): Outcome {
  if (thread.state === 'closed') return reject('thread.closed', { contact: thread.contact.name });
  const author = findParticipant(thread, by);
  if (!author) return reject('thread.not_participant', { contact: thread.contact.name });
  const body = content.body?.trim();
  if (!body && !content.media) return reject('compose.empty');

  const seq = thread.nextSeq;
  const message: Message = {
    id: `${thread.id}:${seq}`,
    threadId: thread.id,
    seq,
    direction: 'outbound',
    kind: content.media ? (content.mediaKind === 'document' ? 'document' : 'image') : 'text',
    author: { id: author.id, name: author.name },
    body: body || undefined,
    media: content.media,
    ...(content.media && content.mediaKind === 'document'
      ? { mediaKind: 'document' as const }
      : {}),
    status: 'pending',
    statusTimes: { pending: now },
    attempts: 0,
    createdAt: now,
  };
  const next: Thread = { ...thread, nextSeq: seq + 1 };
  // Participants see each other's messages with the author's name.
  const shared = participantIds(next, by);
  const share =
    shared.length > 0
      ? [{ type: 'share_outbound' as const, threadId: next.id, messageId: message.id, to: shared }]
      : [];

  if (next.state === 'awaiting_consent') {
    const queued = enqueue(next, message);
    return transition(queued.thread, [queued.message], share);
  }
  if (next.state === 'active' && isWindowOpen(next, now)) {
    return transition(next, [message], [send(next, message), ...share]);
  }
  return pauseAndQueue(next, [message], now, share);
}

/**
 * The window has closed: hold the messages and ask the contact to resume, unless a resume
 * request is already in flight (one request per pause).
 */
export function pauseAndQueue(
  thread: Thread,
  held: readonly Message[],
  now: Millis,
  effects: Transition['effects'] = [],
) {
  let next: Thread = { ...thread, state: 'paused' };
  const queued: Message[] = [];
  for (const m of held) {
    const q = enqueue(next, m);
    next = q.thread;
    queued.push(q.message);
  }
  if (next.resumeMessageId !== undefined) return transition(next, queued, effects);
  const { thread: withResume, message: resume } = systemMessage(next, now, {
    kind: 'template',
    template: 'resume',
  });
  next = { ...withResume, resumeMessageId: resume.id };
  return transition(
    next,
    [...queued, resume],
    [
      ...effects,
      send(next, resume),
      ...notify(
        next,
        participantIds(next),
        notice('thread.paused', { contact: next.contact.name }),
      ),
    ],
  );
}
