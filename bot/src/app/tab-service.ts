/**
 * What the personal tab may do and see, for one signed-in user: the tab's HTTP API calls only
 * this, and this is a thin layer over the application layer every surface calls (issue 8):
 * access checks are app's `Access` (a user reaches the threads they take or took part in, on
 * numbers their organisation owns now, and their own contacts; anything else is "not found"),
 * commands are app's `UserCommands`, read positions are app's (`markRead`, so the tab and the
 * bot's `threads` card show the same unread number). What the tab adds is its inbox (paged,
 * filtered, searched in the store), message pages and the per-user change log.
 */
import type { AddContactResult, DuplicateChoice } from './duplicate-contact.js';
import type { Logger } from 'pino';
import { CodedError, type ErrorCode } from '../core/errors.js';
import { isContactBlocked } from '../core/start.js';
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
import type { Organisation, Store, UserRecord } from '../store/port.js';
import type { InboxEntry, MessagePage, TabChange } from '../store/tab-port.js';
import type { Actor, ContactView, OwnName } from './access.js';
import type { Application } from './application.js';
import type { Clock } from './clock.js';
import { httpStatusOf } from './errors.js';
import { foldName as fold } from '../core/fold-name.js';

/**
 * A refusal the tab shows: a coded error with the sentence the tab's API answers and maybe a
 * notice; its HTTP status is the code's in the one mapping (app/errors.ts).
 */
export class TabError extends CodedError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly notice?: Notice,
  ) {
    super(code, message);
  }

  get status(): number {
    return httpStatusOf(this);
  }
}

export const notFound = (what: 'thread' | 'message' | 'contact' | 'user') =>
  new TabError(`${what}.not_found`, `No such ${what}, or it is not yours.`);

/** The signed-in user, enabled, with their organisation: the application layer's actor. */
export type TabUser = Actor;

export interface TabServiceOptions {
  readonly store: Store;
  /** The application layer: access checks, queries, commands, read positions. */
  readonly app: Application;
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
  constructor(private readonly options: TabServiceOptions) {}

  now(): number {
    return this.options.clock.now();
  }

  // --- who is asking -----------------------------------------------------------------------

  /**
   * The user a valid token (or, locally, X-Local-User) names. Refused with 403 when the user
   * or their organisation is not enabled; locally both are enabled on arrival.
   */
  async arrive(who: { userId: string; tenantId?: string; name?: string }): Promise<TabUser> {
    const known = await this.options.store.getUser(who.userId);
    if (this.options.local) {
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
      if (!known || !known.enabled) await this.options.store.putUser(user);
      return { user, organisation: await this.localOrganisation(user) };
    }
    const organisation = who.tenantId
      ? await this.options.store.getOrganisation(who.tenantId)
      : undefined;
    if (!organisation?.enabled)
      throw new TabError(
        'organisation.not_enabled',
        'Your organisation has not enabled WhatsApp for Teams.',
      );
    if (!known?.enabled || known.tenantId !== who.tenantId)
      throw new TabError('user.not_enabled', 'Your administrator has not enabled you yet.');
    return { user: known, organisation };
  }

  private async localOrganisation(user: UserRecord): Promise<Organisation> {
    const local = this.options.local!;
    const existing = await this.options.store.getOrganisation(user.tenantId);
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
      maxParticipants: existing?.maxParticipants ?? this.options.maxParticipants,
      contactLocale: existing?.contactLocale ?? 'en',
    };
    await this.options.store.putOrganisation(organisation);
    return organisation;
  }

  /** Local development's user picker: everyone known, or two developers to start with. */
  async localUsers(): Promise<UserRecord[]> {
    const users = await this.options.store.listAllUsers(200);
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
      await this.options.store.putUser(user);
      await this.localOrganisation(user);
    }
    return seeded;
  }

  /** Whether the user is an admin of their organisation (the application layer's role). */
  isAdmin(me: TabUser): Promise<boolean> {
    return this.options.app.queries.isAdmin(me);
  }

  // --- queries -------------------------------------------------------------------------------

  async listThreads(
    me: TabUser,
    query: ThreadListQuery,
  ): Promise<{ entries: InboxEntry[]; nextCursor: string | null }> {
    const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
    const inbox = (q: string | undefined) =>
      this.options.store.listInbox({
        userId: me.user.id,
        state: query.state,
        q,
        after,
        limit: query.limit + 1,
        now: this.now(),
      });
    // reply (issue 10): names are per user, and the store searches the thread's own name; the
    // user's contacts whose name (theirs) matches are found by number too, in the same order
    // and from the same cursor, so merging the pages keeps the paging exact.
    const names = await this.options.app.queries.access.contactNames(me);
    let page = await inbox(query.q);
    const renamed = query.q ? await this.renamedMatches(me, query.q, names) : [];
    if (renamed.length > 0) {
      const more = await Promise.all(
        renamed.map(async (c) =>
          (await inbox(c.phone)).filter((e) => e.thread.contact.id === c.id),
        ),
      );
      const byId = new Map(page.map((e) => [e.thread.id, e]));
      for (const e of more.flat()) byId.set(e.thread.id, e);
      page = [...byId.values()].sort(
        (a, b) => b.lastActivityAt - a.lastActivityAt || (a.thread.id < b.thread.id ? 1 : -1),
      );
    }
    const shown = await Promise.all(
      page.slice(0, query.limit).map(async (e) => ({
        ...e,
        thread: await this.options.app.queries.access.named(me, e.thread, names),
      })),
    );
    const last = shown[shown.length - 1];
    const nextCursor =
      page.length > query.limit && last
        ? encodeCursor({ lastActivityAt: last.lastActivityAt, threadId: last.thread.id })
        : null;
    // A thread on a number the organisation no longer owns is not shown (app's Access rule).
    const owned = new Map<string, boolean>();
    const entries: InboxEntry[] = [];
    for (const entry of shown) {
      const number = entry.thread.businessNumberId;
      let ours = owned.get(number);
      if (ours === undefined) {
        ours = await this.options.app.queries.access.ownsNumber(me, number);
        owned.set(number, ours);
      }
      if (ours) entries.push(entry);
    }
    return { entries, nextCursor };
  }

  /** One thread as the user sees it, or 404 (the application layer's access check). */
  async entry(me: TabUser, threadId: string): Promise<InboxEntry> {
    await this.checked(() => this.options.app.queries.access.thread(me, threadId));
    const entry = await this.options.store.getInboxEntry(me.user.id, threadId);
    if (!entry) throw notFound('thread');
    // reply (issue 10): the user's own name for the contact.
    return { ...entry, thread: await this.options.app.queries.access.named(me, entry.thread) };
  }

  /**
   * reply (issue 10): the user's contacts whose own name matches a search, when renamed;
   * keepboth: or one of their other names for it (theirs alone: never in the store's search).
   */
  private async renamedMatches(
    me: TabUser,
    q: string,
    names: ReadonlyMap<string, OwnName>,
  ): Promise<ContactView[]> {
    const words =
      q
        .normalize('NFKC')
        .toLocaleLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0 || names.size === 0) return [];
    const matches = (name: string) => {
      const own = name.normalize('NFKC').toLocaleLowerCase();
      return words.every((w) => own.includes(w));
    };
    const renamed: ContactView[] = [];
    for (const c of await this.options.app.queries.contacts(me)) {
      if ((c.aliases ?? []).some(matches)) renamed.push(c);
      // Only those the user named otherwise: the store's search finds the others itself.
      else if (matches(c.name) && (await this.options.store.getContact(c.id))?.name !== c.name)
        renamed.push(c);
    }
    return renamed;
  }

  async messages(
    me: TabUser,
    threadId: string,
    before: string | undefined,
    limit: number,
  ): Promise<{ entry: InboxEntry; page: MessagePage }> {
    const entry = await this.entry(me, threadId);
    const beforeSeq = before !== undefined ? decodeSeq(before) : undefined;
    return { entry, page: await this.options.store.listMessagePage(threadId, beforeSeq, limit) };
  }

  /** Read up to the newest message: the application layer's read position, as the bot's. */
  async markRead(me: TabUser, threadId: string): Promise<void> {
    await this.checked(() => this.options.app.commands.markRead(me, threadId));
  }

  async message(me: TabUser, messageId: string): Promise<Message> {
    return (await this.checked(() => this.options.app.queries.message(me, messageId))).message;
  }

  async changes(me: TabUser, afterSeq: number, limit: number): Promise<TabChange[]> {
    return this.options.store.listChanges(me.user.id, afterSeq, limit);
  }

  lastChangeSeq(me: TabUser): Promise<number> {
    return this.options.store.lastChangeSeq(me.user.id);
  }

  /** Colleagues who may join: the same candidates as the bot's. */
  async candidates(me: TabUser, threadId: string): Promise<UserRef[]> {
    return this.checked(() => this.options.app.queries.candidates(me, threadId));
  }

  /** The user's contacts (app's), those whose name or number matches `q` when given. */
  async contacts(me: TabUser, q?: string): Promise<ContactView[]> {
    const contacts = await this.options.app.queries.contacts(me);
    const needle = q ? fold(q) : '';
    const digits = q?.replace(/\D/g, '') ?? '';
    return contacts.filter(
      (c) =>
        !needle ||
        fold(c.name).includes(needle) ||
        // keepboth (issue 10 item 4): the user's other names for it find it too.
        (c.aliases ?? []).some((a) => fold(a).includes(needle)) ||
        (digits.length >= 3 && c.phone.includes(digits)),
    );
  }

  // --- commands: the application layer's, refusals as the tab answers them -----------------

  async addContact(me: TabUser, name: string, phone: string): Promise<ContactView> {
    return this.checked(() => this.options.app.commands.addContact(me, name, phone));
  }

  /** reply (issue 10): add a contact, asking first when the number is already one under another name. */
  async addContactOrAsk(
    me: TabUser,
    name: string,
    phone: string,
    choice: DuplicateChoice,
  ): Promise<AddContactResult> {
    return this.checked(() => this.options.app.commands.addContactOrAsk(me, name, phone, choice));
  }

  async startConversation(me: TabUser, contactId: string): Promise<Thread> {
    return this.thread(await this.checked(() => this.options.app.commands.start(me, contactId)));
  }

  async write(
    me: TabUser,
    threadId: string,
    content: { body?: string; media?: MediaRef },
  ): Promise<WriteResult> {
    const outcome = await this.checked(() =>
      this.options.app.commands.write(me, threadId, content),
    );
    const transition = this.transition(outcome);
    const written = transition.messages
      .filter((m) => m.author?.id === me.user.id && (m.kind === 'text' || m.kind === 'image'))
      .sort((a, b) => b.seq - a.seq)[0];
    if (!written) throw new TabError('thread.write_failed', 'The message was not kept.');
    const held = written.held === true;
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
    // Nothing is kept for a thread that is not the user's.
    await this.checked(() => this.options.app.queries.access.thread(me, threadId));
    const media = await this.options.store.putMedia(
      picture.bytes,
      picture.mimeType,
      picture.caption,
    );
    return this.write(me, threadId, {
      media,
      ...(picture.caption ? { body: picture.caption } : {}),
    });
  }

  async remind(me: TabUser, threadId: string): Promise<Notice> {
    const transition = this.transition(
      await this.checked(() => this.options.app.commands.remind(me, threadId)),
    );
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
    await this.candidate(me, threadId, userId);
    return this.thread(
      await this.checked(() => this.options.app.commands.addParticipant(me, threadId, userId)),
    );
  }

  async removeParticipant(me: TabUser, threadId: string, userId: string): Promise<Thread> {
    const thread = await this.checked(() => this.options.app.queries.thread(me, threadId));
    if (!thread.participants.some((p) => p.id === userId)) throw notFound('user');
    return this.thread(
      await this.checked(() => this.options.app.commands.removeParticipant(me, threadId, userId)),
    );
  }

  async leave(me: TabUser, threadId: string): Promise<Thread> {
    return this.thread(await this.checked(() => this.options.app.commands.leave(me, threadId)));
  }

  async transfer(me: TabUser, threadId: string, userId: string): Promise<Thread> {
    await this.candidate(me, threadId, userId);
    return this.thread(
      await this.checked(() => this.options.app.commands.transfer(me, threadId, userId)),
    );
  }

  async restart(me: TabUser, threadId: string): Promise<Thread> {
    return this.thread(await this.checked(() => this.options.app.commands.restart(me, threadId)));
  }

  /** Whether the contact of a closed thread may be asked again. */
  async contactBlocked(contactId: string): Promise<boolean> {
    const contact = await this.options.store.getContact(contactId);
    return contact ? isContactBlocked(contact) : false;
  }

  /** Someone who is not (or no longer) a candidate is "not found" to the tab, as in its API. */
  private async candidate(me: TabUser, threadId: string, userId: string): Promise<void> {
    if (!(await this.candidates(me, threadId)).some((u) => u.id === userId)) throw notFound('user');
  }

  /** The application layer's coded errors as the tab answers them (same codes and statuses). */
  private async checked<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof CodedError) || error.code === 'internal') throw error;
      switch (error.code) {
        case 'thread.not_found':
          throw notFound('thread');
        case 'message.not_found':
          throw notFound('message');
        case 'contact.not_found':
          throw notFound('contact');
        case 'user.not_found':
          throw notFound('user');
        default:
          throw new TabError(error.code, error.message);
      }
    }
  }

  private transition(outcome: Outcome) {
    if (isRejection(outcome))
      throw new TabError(
        'action.refused',
        'The conversation does not allow this now.',
        outcome.notice,
      );
    return outcome;
  }

  private thread(outcome: Outcome): Thread {
    return this.transition(outcome).thread;
  }
}

export function encodeCursor(c: { lastActivityAt: number; threadId: string }): string {
  return Buffer.from(JSON.stringify([c.lastActivityAt, c.threadId])).toString('base64url');
}

export class BadCursorError extends TabError {
  constructor(field: string) {
    super('request.invalid', `${field} is not a cursor this server gave out.`);
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
