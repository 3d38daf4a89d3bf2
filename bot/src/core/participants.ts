/**
 * Group messaging: several business users in one thread with one contact. Each party to a
 * change gets their own notice (wording: `group.*` in bot/src/i18n/locales/en/core.json), and
 * the contact is told too once they have consented.
 */
import {
  cancelPending,
  contactNotice,
  findParticipant,
  notice,
  notify,
  participantIds,
  reject,
  transition,
} from './build.js';
import type {
  Effect,
  Millis,
  Outcome,
  Participant,
  Thread,
  ThreadSnapshot,
  UserId,
  UserRef,
} from './types.js';

function guard(thread: Thread, by: UserId): Participant | ReturnType<typeof reject> {
  if (thread.state === 'closed') return reject('thread.closed', { contact: thread.contact.name });
  return (
    findParticipant(thread, by) ??
    reject('thread.not_participant', { contact: thread.contact.name })
  );
}

export function addParticipant(
  thread: Thread,
  by: UserId,
  user: UserRef,
  maxParticipants: number,
  now: Millis,
): Outcome {
  const actor = guard(thread, by);
  if ('rejected' in actor) return actor;
  if (findParticipant(thread, user.id))
    return reject('group.already_participant', { user: user.name });
  if (thread.participants.length >= maxParticipants)
    return reject('group.cap_reached', { max: maxParticipants });

  const added: Thread = {
    ...thread,
    participants: [...thread.participants, { id: user.id, name: user.name, joinedAt: now }],
  };
  const others = participantIds(added).filter((id) => id !== by && id !== user.id);
  const toContact = contactNotice(
    added,
    now,
    'contact.participant_added',
    { name: user.name },
    actor,
  );
  return transition(toContact.thread, toContact.messages, [
    ...notify(
      added,
      [by],
      notice('group.you_added', { user: user.name, contact: thread.contact.name }),
    ),
    ...notify(
      added,
      [user.id],
      notice('group.added_you', { by: actor.name, contact: thread.contact.name }),
    ),
    ...notify(added, others, notice('group.colleague_added', { by: actor.name, user: user.name })),
    ...toContact.effects,
  ]);
}

export function removeParticipant(
  thread: Thread,
  by: UserId,
  userId: UserId,
  now: Millis,
): Outcome {
  const actor = guard(thread, by);
  if ('rejected' in actor) return actor;
  if (userId === by) return reject('group.cannot_remove_self');
  const removed = findParticipant(thread, userId);
  if (!removed) return reject('group.not_a_participant');

  const next: Thread = {
    ...thread,
    participants: thread.participants.filter((p) => p.id !== userId),
  };
  const others = participantIds(next, by);
  const toContact = contactNotice(
    next,
    now,
    'contact.participant_removed',
    { name: removed.name },
    actor,
  );
  return transition(toContact.thread, toContact.messages, [
    ...notify(next, [by], notice('group.you_removed', { user: removed.name })),
    ...notify(
      next,
      [userId],
      notice('group.removed_you', { by: actor.name, contact: thread.contact.name }),
    ),
    ...notify(
      next,
      others,
      notice('group.colleague_removed', { by: actor.name, user: removed.name }),
    ),
    ...toContact.effects,
  ]);
}

/**
 * Leave: the contact is told the user is no longer available; when the last participant
 * leaves, the thread closes and whatever was still held will not be sent.
 */
export function leave(snapshot: ThreadSnapshot, by: UserId, now: Millis): Outcome {
  const thread = snapshot.thread;
  const actor = guard(thread, by);
  if ('rejected' in actor) return actor;

  let next: Thread = { ...thread, participants: thread.participants.filter((p) => p.id !== by) };
  const toContact = contactNotice(
    next,
    now,
    'contact.participant_left',
    { name: actor.name },
    actor,
  );
  next = toContact.thread;
  const effects: Effect[] = [
    ...notify(next, [by], notice('group.you_left', { contact: thread.contact.name })),
    ...notify(next, participantIds(next), notice('group.colleague_left', { user: actor.name })),
    ...toContact.effects,
  ];
  if (next.participants.length > 0) return transition(next, toContact.messages, effects);

  const closed: Thread = { ...next, state: 'closed', closedAt: now, closedReason: 'all_left' };
  const cancelled = cancelPending(snapshot, closed, now, 'reason.thread_closed');
  return transition(
    cancelled.thread,
    [...toContact.messages, ...cancelled.messages],
    [...effects, ...cancelled.effects],
  );
}

/** Transfer: hand the contact to another user in one step (they join, the user leaves). */
export function transfer(thread: Thread, by: UserId, to: UserRef, now: Millis): Outcome {
  const actor = guard(thread, by);
  if ('rejected' in actor) return actor;
  if (to.id === by) return reject('group.cannot_transfer_to_self');
  if (findParticipant(thread, to.id)) return reject('group.already_participant', { user: to.name });

  const next: Thread = {
    ...thread,
    participants: [
      ...thread.participants.filter((p) => p.id !== by),
      { id: to.id, name: to.name, joinedAt: now },
    ],
  };
  const others = participantIds(next).filter((id) => id !== to.id);
  const toContact = contactNotice(
    next,
    now,
    'contact.participant_transferred',
    { from: actor.name, to: to.name },
    actor,
  );
  return transition(toContact.thread, toContact.messages, [
    ...notify(
      next,
      [by],
      notice('group.you_transferred', { user: to.name, contact: thread.contact.name }),
    ),
    ...notify(
      next,
      [to.id],
      notice('group.transferred_to_you', { by: actor.name, contact: thread.contact.name }),
    ),
    ...notify(
      next,
      others,
      notice('group.colleague_transferred', { by: actor.name, user: to.name }),
    ),
    ...toContact.effects,
  ]);
}
