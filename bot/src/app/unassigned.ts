/**
 * alarm (issue 12): a contact's message that reached nobody. A contact who writes with
 * nothing open, no last participants to reopen with and no intake users for the number gets a
 * thread nobody takes part in; the message is kept there (and every one after it). The
 * organisation's admins are told (ops/unassigned.ts) and assign it here: "Assign to me" or
 * a pick of the organisation's enabled users. Assigning starts the conversation for that
 * user, who joins the waiting thread and is shown what the contact wrote (core/start.ts).
 *
 * Only an admin of the organisation that owns the thread's number reaches it: anyone else,
 * whatever ids they send, gets the same "not found" as for a thread that does not exist.
 */
import { ThreadNotFoundError } from '../core/errors.js';
import type { UserRecord } from '../core/records.js';
import {
  isRejection,
  type Message,
  type Outcome,
  type Rejection,
  type Thread,
  type ThreadId,
  type UserRef,
} from '../core/types.js';
import type { Store } from '../store/port.js';
import type { Actor } from './access.js';
import type { Clock } from './clock.js';
import type { Conversations } from './conversations.js';
import { isOrganisationAdmin } from './user-queries.js';

/** The alarm record's kind, and the label of `wa4t_alarm_active{alarm}`. */
export const UNASSIGNED_ALARM = 'unassigned_message';

/** The store's keys: the alarm record, what the receiving instance saw, who assigned it. */
export const unassignedKeys = {
  alarm: (threadId: ThreadId) => `unassigned:${threadId}`,
  signal: (threadId: ThreadId) => `signal:unassigned:${threadId}`,
  assigned: (threadId: ThreadId) => `signal:assigned:${threadId}`,
  signalPrefix: 'signal:unassigned:',
} as const;

/** What an admin's card shows about a thread nobody answered. */
export interface UnassignedView {
  readonly threadId: ThreadId;
  readonly contact: { readonly name: string; readonly phone: string };
  /** The contact's first message: its text, or undefined for a picture or file without one. */
  readonly text: string | undefined;
  /** Messages the contact wrote while nobody answered. */
  readonly count: number;
  /** The organisation's enabled users, who may take it. */
  readonly candidates: readonly UserRef[];
  /** How it ended, once it has: assigned by an admin, taken by a user, or closed. */
  readonly outcome?:
    | { readonly kind: 'assigned'; readonly user: string; readonly by: string }
    | { readonly kind: 'taken'; readonly user: string }
    | { readonly kind: 'closed' }
    | undefined;
}

/** Whether nobody takes part in this open thread: the contact's messages reach no one. */
export function isUnanswered(thread: Thread): boolean {
  return thread.state !== 'closed' && thread.participants.length === 0;
}

const NOT_A_CANDIDATE: Rejection = {
  rejected: true,
  notice: { key: 'alarm.unassigned.not_candidate', params: {} },
};

export class UnassignedMessages {
  constructor(
    private readonly store: Store,
    private readonly conversations: Conversations,
    private readonly clock: Clock,
    /** Called once a thread was assigned, so the alarm job tells the other admins at once. */
    private readonly onAssigned?: () => void,
    /**
     * Local mode (no BOT_ID): with no admin named, every enabled user of the organisation is
     * told of alarms (SystemRecords.organisationAdmins), so every one of them may assign.
     */
    private readonly everyoneIfNoAdmin = false,
  ) {}

  /**
   * An admin assigns the thread to `userId` (themselves or a colleague): that user joins it
   * and sees the contact's messages. A refusal says why (already assigned, not a candidate).
   */
  async assign(
    actor: Actor,
    threadId: ThreadId,
    userId: string,
  ): Promise<{ outcome: Outcome; view: UnassignedView }> {
    const thread = await this.adminsThread(actor, threadId);
    const assignee = await this.store.getUser(userId);
    const refuse = async (rejection: Rejection) => ({
      outcome: rejection,
      view: await this.view(thread),
    });
    if (!isCandidate(assignee, actor.organisation.tenantId)) return refuse(NOT_A_CANDIDATE);
    if (!isUnanswered(thread)) return refuse(alreadyAssigned(thread));
    // The admin's name goes on the alarm's clear card, written before the thread changes so
    // that the job never sees the thread assigned without knowing by whom.
    const admin = await this.store.getUser(actor.user.id);
    await this.store.ops.putAlarm({
      key: unassignedKeys.assigned(thread.id),
      kind: 'signal',
      state: 'raised',
      since: this.clock.now(),
      toldRaised: [],
      toldCleared: [],
      detail: { by: admin?.name ?? actor.user.name, user: assignee.name },
    });
    const outcome = await this.conversations.start(
      { id: assignee.id, name: assignee.name },
      thread.contact.id,
    );
    if (isRejection(outcome)) {
      const fresh = (await this.store.getThread(thread.id)) ?? thread;
      return refuse(isUnanswered(fresh) ? outcome : alreadyAssigned(fresh));
    }
    // The contact is among the assignee's contacts from now on, under the name it came with.
    const known = (await this.store.listAddressBook(assignee.id)).some(
      (e) => e.contactId === thread.contact.id,
    );
    if (!known)
      await this.store.putAddressBookEntry({
        userId: assignee.id,
        contactId: thread.contact.id,
        name: thread.contact.name,
      });
    this.onAssigned?.();
    return {
      outcome,
      view: await this.view(outcome.thread, {
        kind: 'assigned',
        user: assignee.name,
        by: admin?.name ?? actor.user.name,
      }),
    };
  }

  /** The thread, for an admin of the organisation that owns its number; else not found. */
  private async adminsThread(actor: Actor, threadId: ThreadId): Promise<Thread> {
    const thread = await this.store.getThread(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    const owner = await this.store.getOrganisationByBusinessNumber(thread.businessNumberId);
    if (!owner || owner.tenantId !== actor.organisation.tenantId)
      throw new ThreadNotFoundError(threadId);
    const users = await this.store.listUsers(owner.tenantId);
    const admins = users.filter((u) => isOrganisationAdmin(u, owner.tenantId));
    const allowed =
      admins.length === 0 && this.everyoneIfNoAdmin ? users.filter((u) => u.enabled) : admins;
    if (!allowed.some((u) => u.id === actor.user.id)) throw new ThreadNotFoundError(threadId);
    return thread;
  }

  /**
   * Who an admin may assign the thread to (the organisation's enabled users), for the card's
   * search as they type: "not found" for anyone but the owning organisation's admins.
   */
  async candidates(actor: Actor, threadId: ThreadId): Promise<readonly UserRef[]> {
    return (await this.view(await this.adminsThread(actor, threadId))).candidates;
  }

  /** What the admins' cards show about this thread (for the alarm job, and after an action). */
  async view(thread: Thread, outcome?: UnassignedView['outcome']): Promise<UnassignedView> {
    const owner = await this.store.getOrganisationByBusinessNumber(thread.businessNumberId);
    const users = owner ? await this.store.listUsers(owner.tenantId) : [];
    const first = await this.store.getMessage(`${thread.id}:1`);
    return {
      threadId: thread.id,
      contact: { name: thread.contact.name, phone: thread.contact.phone },
      text: textOf(first),
      count: Math.max(1, thread.nextSeq - 1),
      candidates: users
        .filter((u) => owner && isCandidate(u, owner.tenantId))
        .map((u) => ({ id: u.id, name: u.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      outcome: outcome ?? settled(thread),
    };
  }
}

/** How a thread someone takes part in (or that closed) settled, as far as the thread says. */
function settled(thread: Thread): UnassignedView['outcome'] {
  if (isUnanswered(thread)) return undefined;
  const first = thread.participants[0];
  return first ? { kind: 'taken', user: first.name } : { kind: 'closed' };
}

function isCandidate(user: UserRecord | undefined, tenantId: string): user is UserRecord {
  return user?.enabled === true && user.tenantId === tenantId;
}

function alreadyAssigned(thread: Thread): Rejection {
  if (thread.state === 'closed')
    return { rejected: true, notice: { key: 'alarm.unassigned.closed', params: {} } };
  return {
    rejected: true,
    notice: {
      key: 'alarm.unassigned.already',
      params: { user: thread.participants.map((p) => p.name).join(', ') },
    },
  };
}

function textOf(message: Message | undefined): string | undefined {
  const text = message?.body?.trim();
  return text ? text : undefined;
}
