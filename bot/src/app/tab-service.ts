/**
 * What the personal tab may do and see, for one signed-in user: the tab's HTTP API calls only
 * this. Every query and command checks access itself: a user reaches the threads they take or
 * took part in (on their own organisation's numbers) and the contacts in their own contacts;
 * anything else is "not found", exactly as if it did not exist.
 */
import type { Logger } from 'pino';
import { isContactBlocked } from '../core/engine.js';
import {
  isRejection,
  type MediaRef,
  type Message,
  type Notice,
  type Outcome,
  type Thread,
  type ThreadState,
  type UserRef,
} from '../core/types.js';
import type { ContactRecord, Organisation, Store, UserRecord } from '../store/port.js';
import type { InboxEntry, MessagePage, TabChange } from '../store/tab-port.js';
import type { Clock } from './clock.js';
import { contactIdFor, type Conversations } from './conversations.js';

/** A refusal the tab shows: a code in the product's words, its HTTP status, maybe a notice. */
export class TabError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly notice?: Notice,
  ) {
    super(message);
  }
}

export const notFound = (what: 'thread' | 'message' | 'contact' | 'user') =>
  new TabError(`${what}.not_found`, 404, `No such ${what}, or it is not yours.`);

/** The signed-in user, enabled, with their organisation. */
export interface TabUser {
  readonly user: UserRecord;
  readonly organisation: Organisation;
}

export interface TabServiceOptions {
  readonly store: Store;
  readonly conversations: Conversations;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Local development: users and organisations are enabled on arrival with this number. */
  readonly local?: { readonly phoneNumberId: string; readonly displayPhoneNumber: string };
  readonly maxParticipants: number;
}

export interface ThreadListQuery {
  readonly state?: ThreadState | undefined;
  readonly q?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export interface WriteResult {
  readonly message: Message;
  readonly outcome: 'sent' | 'pending' | 'resume_requested';
  readonly notice?: Notice | undefined;
}

export class TabService {
  constructor(private readonly o: TabServiceOptions) {}

  now(): number {
    return this.o.clock.now();
  }

  // --- who is asking -----------------------------------------------------------------------

  /**
   * The user a valid token (or, locally, X-Local-User) names. Refused with 403 when the user
   * or their organisation is not enabled; locally both are enabled on arrival.
   */
  async arrive(who: { userId: string; tenantId?: string; name?: string }): Promise<TabUser> {
    const known = await this.o.store.getUser(who.userId);
    if (this.o.local) {
      if (!known && !who.tenantId) throw notFound('user');
      const user: UserRecord = {
        locale: 'en',
        subOrganisation: 'default',
        ...known,
        id: who.userId,
        tenantId: known?.tenantId ?? who.tenantId!,
        name: known?.name ?? who.name ?? who.userId,
        enabled: true,
      };
      if (!known || !known.enabled) await this.o.store.putUser(user);
      return { user, organisation: await this.localOrganisation(user) };
    }
    const organisation = who.tenantId
      ? await this.o.store.getOrganisation(who.tenantId)
      : undefined;
    if (!organisation?.enabled)
      throw new TabError(
        'organisation.not_enabled',
        403,
        'Your organisation has not enabled WhatsApp for Teams.',
      );
    if (!known?.enabled || known.tenantId !== who.tenantId)
      throw new TabError('user.not_enabled', 403, 'Your administrator has not enabled you yet.');
    return { user: known, organisation };
  }

  private async localOrganisation(user: UserRecord): Promise<Organisation> {
    const local = this.o.local!;
    const existing = await this.o.store.getOrganisation(user.tenantId);
    const number = existing?.businessNumbers.find((n) => n.phoneNumberId === local.phoneNumberId);
    if (existing?.enabled && number?.intakeUserIds.includes(user.id)) return existing;
    const organisation: Organisation = {
      tenantId: user.tenantId,
      name: existing?.name ?? 'Local development',
      enabled: true,
      businessNumbers: [
        { ...local, intakeUserIds: [...new Set([...(number?.intakeUserIds ?? []), user.id])] },
        ...(existing?.businessNumbers ?? []).filter((n) => n.phoneNumberId !== local.phoneNumberId),
      ],
      maxParticipants: existing?.maxParticipants ?? this.o.maxParticipants,
      contactLocale: existing?.contactLocale ?? 'en',
    };
    await this.o.store.putOrganisation(organisation);
    return organisation;
  }

  /** Local development's user picker: everyone known, or two developers to start with. */
  async localUsers(): Promise<UserRecord[]> {
    const users = await this.o.store.listAllUsers(200);
    if (users.length > 0) return users;
    const tenantId = 'local-tenant';
    const seeded: UserRecord[] = [
      {
        id: 'local-user-1',
        name: 'Alex Wilber',
        tenantId,
        locale: 'en',
        enabled: true,
        subOrganisation: 'default',
      },
      {
        id: 'local-user-2',
        name: 'Megan Bowen',
        tenantId,
        locale: 'en',
        enabled: true,
        subOrganisation: 'default',
      },
    ];
    for (const user of seeded) {
      await this.o.store.putUser(user);
      await this.localOrganisation(user);
    }
    return seeded;
  }

  // --- queries -------------------------------------------------------------------------------

  async listThreads(
    me: TabUser,
    query: ThreadListQuery,
  ): Promise<{ entries: InboxEntry[]; nextCursor: string | null }> {
    const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
    const page = await this.o.store.listInbox({
      userId: me.user.id,
      state: query.state,
      q: query.q,
      after,
      limit: query.limit + 1,
      now: this.now(),
    });
    const shown = page.slice(0, query.limit);
    const last = shown[shown.length - 1];
    const nextCursor =
      page.length > query.limit && last
        ? encodeCursor({ lastActivityAt: last.lastActivityAt, threadId: last.thread.id })
        : null;
    // A thread on a number the organisation no longer has is not shown.
    const numbers = ownNumbers(me);
    const entries = shown.filter((e) => numbers.has(e.thread.businessNumberId));
    return { entries, nextCursor };
  }

  /** One thread as the user sees it, or 404. */
  async entry(me: TabUser, threadId: string): Promise<InboxEntry> {
    const entry = await this.o.store.getInboxEntry(me.user.id, threadId);
    if (!entry || !ownNumbers(me).has(entry.thread.businessNumberId)) throw notFound('thread');
    return entry;
  }

  async messages(
    me: TabUser,
    threadId: string,
    before: string | undefined,
    limit: number,
  ): Promise<{ entry: InboxEntry; page: MessagePage }> {
    const entry = await this.entry(me, threadId);
    const beforeSeq = before !== undefined ? decodeSeq(before) : undefined;
    return { entry, page: await this.o.store.listMessagePage(threadId, beforeSeq, limit) };
  }

  async markRead(me: TabUser, threadId: string): Promise<void> {
    await this.entry(me, threadId);
    await this.o.store.markInboxRead(me.user.id, threadId);
  }

  async message(me: TabUser, messageId: string): Promise<Message> {
    const message = await this.o.store.getMessage(messageId);
    if (!message) throw notFound('message');
    try {
      await this.entry(me, message.threadId);
    } catch {
      throw notFound('message');
    }
    return message;
  }

  async changes(me: TabUser, afterSeq: number, limit: number): Promise<TabChange[]> {
    return this.o.store.listChanges(me.user.id, afterSeq, limit);
  }

  lastChangeSeq(me: TabUser): Promise<number> {
    return this.o.store.lastChangeSeq(me.user.id);
  }

  /** Colleagues who may join: enabled, same tenant and sub-organisation, not in the thread. */
  async candidates(me: TabUser, threadId: string): Promise<UserRef[]> {
    const { thread } = await this.entry(me, threadId);
    return this.candidatesFor(me, thread);
  }

  private async candidatesFor(me: TabUser, thread: Thread): Promise<UserRef[]> {
    const users = await this.o.store.listUsers(me.user.tenantId);
    return users
      .filter(
        (u) =>
          u.enabled &&
          u.subOrganisation === me.user.subOrganisation &&
          !thread.participants.some((p) => p.id === u.id),
      )
      .map((u) => ({ id: u.id, name: u.name }));
  }

  async contacts(me: TabUser, q?: string): Promise<ContactRecord[]> {
    const numbers = ownNumbers(me);
    const entries = await this.o.store.listAddressBook(me.user.id);
    const found: ContactRecord[] = [];
    const needle = q ? fold(q) : '';
    const digits = q?.replace(/\D/g, '') ?? '';
    for (const entry of entries) {
      const contact = await this.o.store.getContact(entry.contactId);
      if (!contact || !numbers.has(contact.businessNumberId)) continue;
      const named = { ...contact, name: entry.name };
      if (
        !needle ||
        fold(entry.name).includes(needle) ||
        (digits.length >= 3 && contact.phone.includes(digits))
      )
        found.push(named);
    }
    return found;
  }

  // --- commands ------------------------------------------------------------------------------

  async addContact(me: TabUser, name: string, phone: string): Promise<ContactRecord> {
    const businessNumberId = me.organisation.businessNumbers[0]?.phoneNumberId;
    if (!businessNumberId)
      throw new TabError(
        'organisation.no_number',
        409,
        'Your organisation has no WhatsApp number.',
      );
    const id = contactIdFor(businessNumberId, phone);
    const existing = await this.o.store.getContact(id);
    if (!existing) await this.o.store.putContact({ id, businessNumberId, phone, name });
    await this.o.store.putAddressBookEntry({ userId: me.user.id, contactId: id, name });
    return { ...(existing ?? { id, businessNumberId, phone }), name };
  }

  async startConversation(me: TabUser, contactId: string): Promise<Thread> {
    const mine = (await this.contacts(me)).find((c) => c.id === contactId);
    if (!mine) throw notFound('contact');
    return this.thread(await this.o.conversations.start(ref(me), contactId));
  }

  async write(
    me: TabUser,
    threadId: string,
    content: { body?: string; media?: MediaRef },
  ): Promise<WriteResult> {
    await this.entry(me, threadId);
    const outcome = await this.o.conversations.compose(me.user.id, threadId, content);
    const transition = this.transition(outcome);
    const written = transition.messages
      .filter((m) => m.author?.id === me.user.id && (m.kind === 'text' || m.kind === 'image'))
      .sort((a, b) => b.seq - a.seq)[0];
    if (!written) throw new TabError('thread.write_failed', 500, 'The message was not kept.');
    const held = transition.thread.pending.includes(written.id);
    const resume = transition.messages.some((m) => m.template === 'resume');
    const notice = transition.effects.find(
      (e): e is Extract<typeof e, { type: 'notify' }> =>
        e.type === 'notify' && e.to.includes(me.user.id),
    )?.notice;
    return {
      message: written,
      outcome: held ? (resume ? 'resume_requested' : 'pending') : 'sent',
      notice,
    };
  }

  /** A picture (JPEG or PNG bytes, already checked), with an optional caption. */
  async writePicture(
    me: TabUser,
    threadId: string,
    picture: { bytes: Uint8Array; mimeType: string; caption?: string | undefined },
  ): Promise<WriteResult> {
    await this.entry(me, threadId);
    const media = await this.o.store.putMedia(picture.bytes, picture.mimeType, picture.caption);
    return this.write(me, threadId, {
      media,
      ...(picture.caption ? { body: picture.caption } : {}),
    });
  }

  async remind(me: TabUser, threadId: string): Promise<Notice> {
    await this.entry(me, threadId);
    const transition = this.transition(await this.o.conversations.remind(me.user.id, threadId));
    return (
      transition.effects.find(
        (e): e is Extract<typeof e, { type: 'notify' }> =>
          e.type === 'notify' && e.to.includes(me.user.id),
      )?.notice ?? {
        key: 'optin.reminder_sent',
        params: { contact: transition.thread.contact.name },
      }
    );
  }

  async addParticipant(me: TabUser, threadId: string, userId: string): Promise<Thread> {
    const { thread } = await this.entry(me, threadId);
    const user = (await this.candidatesFor(me, thread)).find((u) => u.id === userId);
    if (!user) throw notFound('user');
    return this.thread(await this.o.conversations.addParticipant(me.user.id, threadId, user));
  }

  async removeParticipant(me: TabUser, threadId: string, userId: string): Promise<Thread> {
    const { thread } = await this.entry(me, threadId);
    if (!thread.participants.some((p) => p.id === userId)) throw notFound('user');
    return this.thread(await this.o.conversations.removeParticipant(me.user.id, threadId, userId));
  }

  async leave(me: TabUser, threadId: string): Promise<Thread> {
    await this.entry(me, threadId);
    return this.thread(await this.o.conversations.leave(me.user.id, threadId));
  }

  async transfer(me: TabUser, threadId: string, userId: string): Promise<Thread> {
    const { thread } = await this.entry(me, threadId);
    const user = (await this.candidatesFor(me, thread)).find((u) => u.id === userId);
    if (!user) throw notFound('user');
    return this.thread(await this.o.conversations.transfer(me.user.id, threadId, user));
  }

  async restart(me: TabUser, threadId: string): Promise<Thread> {
    await this.entry(me, threadId);
    return this.thread(await this.o.conversations.restart(ref(me), threadId));
  }

  /** Whether the contact of a closed thread may be asked again. */
  async contactBlocked(contactId: string): Promise<boolean> {
    const contact = await this.o.store.getContact(contactId);
    return contact ? isContactBlocked(contact) : false;
  }

  private transition(outcome: Outcome) {
    if (isRejection(outcome))
      throw new TabError(
        'action.refused',
        409,
        'The conversation does not allow this now.',
        outcome.notice,
      );
    return outcome;
  }

  private thread(outcome: Outcome): Thread {
    return this.transition(outcome).thread;
  }
}

function ref(me: TabUser): UserRef {
  return { id: me.user.id, name: me.user.name };
}

function ownNumbers(me: TabUser): Set<string> {
  return new Set(me.organisation.businessNumbers.map((n) => n.phoneNumberId));
}

export function encodeCursor(c: { lastActivityAt: number; threadId: string }): string {
  return Buffer.from(JSON.stringify([c.lastActivityAt, c.threadId])).toString('base64url');
}

export class BadCursorError extends TabError {
  constructor(field: string) {
    super('request.invalid', 400, `${field} is not a cursor this server gave out.`);
    this.field = field;
  }
  readonly field: string;
}

function decodeCursor(cursor: string): { lastActivityAt: number; threadId: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'number' && typeof id === 'string')
      return { lastActivityAt: at, threadId: id };
  } catch {
    // falls through
  }
  throw new BadCursorError('cursor');
}

export function encodeSeq(seq: number): string {
  return String(seq);
}

function decodeSeq(before: string): number {
  if (!/^\d{1,15}$/.test(before)) throw new BadCursorError('before');
  return Number(before);
}

/** Case and accents do not matter when looking for a name. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
