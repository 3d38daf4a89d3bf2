/**
 * The commands every surface (the bot, the compose extension, the tab's API) carries out for
 * an acting user: add a contact, begin / start / restart a conversation, write, remind, add /
 * remove a participant, leave, transfer, mark read. Each checks access first (`Access`):
 * a thread or contact that is not the user's is "not found", and nothing changes.
 */
import { CodedError } from '../core/errors.js';
import { isContactBlocked } from '../core/start.js';
import {
  isRejection,
  type MediaRef,
  type Outcome,
  type Rejection,
  type Thread,
} from '../core/types.js';
import type { Store } from '../store/port.js';
import type { Actor, ContactView } from './access.js';
import { contactIdFor } from '../core/engine.js';
import type { Conversations } from './conversations.js';
import { prepareDocument, type DocumentToSend, type PreparedDocument } from './send-document.js';
import type { UserQueries } from './user-queries.js';
import type { ChatAttention } from './chat-attention.js';
import {
  aliasesAfterRename,
  isOneOfItsNames,
  withAlias,
  type AddContactResult,
  type DuplicateChoice,
} from './duplicate-contact.js';

/** What beginning a conversation with a contact comes to. */
export type BeginResult =
  /** The user already takes part in the contact's open thread: it is now their current one. */
  | { readonly kind: 'current'; readonly thread: Thread }
  /** Nothing open: the user confirms the opt-in request first. */
  | { readonly kind: 'confirm_opt_in'; readonly contact: ContactView }
  /** The engine's answer to starting on a colleague's open thread (refused, or taken over). */
  | { readonly kind: 'started'; readonly outcome: Outcome };

/** A candidate the user picked is not (or no longer) one: nothing was done. */
const NOT_A_CANDIDATE: Rejection = { rejected: true, notice: { key: 'card.add.none', params: {} } };

export class UserCommands {
  constructor(
    private readonly store: Store,
    private readonly conversations: Conversations,
    private readonly queries: UserQueries,
    private readonly attention?: ChatAttention,
  ) {}

  private get access() {
    return this.queries.access;
  }

  /** Add a contact (E.164 digits, no '+') to the user's contacts, on their organisation's number. */
  async addContact(actor: Actor, name: string, phone: string): Promise<ContactView> {
    const digits = phone.replace(/^\+/, '');
    if (!/^[1-9]\d{6,14}$/.test(digits))
      throw new CodedError('contact.invalid_number', 'not an E.164 number');
    const businessNumberId = actor.organisation.businessNumbers[0]?.phoneNumberId;
    if (!businessNumberId || !(await this.access.ownsNumber(actor, businessNumberId)))
      throw new CodedError('organisation.no_business_number', 'no business number');
    const id = contactIdFor(businessNumberId, digits);
    if (!(await this.store.getContact(id)))
      await this.store.putContact({ id, businessNumberId, phone: digits, name });
    await this.store.putAddressBookEntry({ userId: actor.user.id, contactId: id, name });
    return { id, name, phone: digits, businessNumberId };
  }

  // reply (issue 10 item 4): a number already in the user's contacts under another name.
  /**
   * Add a contact, asking first (`choice` 'ask') when the number is already one of the
   * user's contacts under another name; 'rename' renames the user's own entry, 'both' keeps
   * its name and the new one as another name (keepboth), 'keep' keeps it as it is. A name the
   * entry already has (its name or another) is 'already'. Invalid numbers throw as addContact
   * does.
   */
  async addContactOrAsk(
    actor: Actor,
    name: string,
    phone: string,
    choice: DuplicateChoice = 'ask',
  ): Promise<AddContactResult> {
    const digits = phone.replace(/^\+/, '');
    const existing = (await this.access.contacts(actor)).find(
      (c) =>
        c.phone === digits &&
        c.businessNumberId === actor.organisation.businessNumbers[0]?.phoneNumberId,
    );
    if (!existing) return { kind: 'added', contact: await this.addContact(actor, name, phone) };
    // keepboth (issue 10 item 4): its name or one of its other names is no question.
    if (isOneOfItsNames(existing, name)) return { kind: 'already', contact: existing };
    if (choice === 'keep') return { kind: 'kept', contact: existing };
    if (choice === 'ask') return { kind: 'duplicate', existing, name: name.trim() };
    if (choice === 'both')
      return {
        kind: 'kept_both',
        contact: await this.keepBoth(actor, existing.id, name),
        name: name.trim(),
      };
    return {
      kind: 'renamed',
      contact: await this.renameContact(actor, existing.id, name),
      previousName: existing.name,
    };
  }

  /**
   * Rename the user's own entry for one of their contacts (names are per user). keepboth: its
   * other names stay, but for one that is now its name.
   */
  async renameContact(actor: Actor, contactId: string, name: string): Promise<ContactView> {
    const { view } = await this.access.contact(actor, contactId);
    const renamed = name.trim();
    const aliases = aliasesAfterRename(view, renamed);
    await this.store.putAddressBookEntry({
      userId: actor.user.id,
      contactId: view.id,
      name: renamed,
      aliases,
    });
    return { ...view, name: renamed, aliases };
  }

  /**
   * keepboth (issue 10 item 4): keep the user's name for one of their contacts and `name` as
   * another name of the same entry (one number, one contact, one conversation); their
   * searches find it by either. A name it already has changes nothing.
   */
  async keepBoth(actor: Actor, contactId: string, name: string): Promise<ContactView> {
    const { view } = await this.access.contact(actor, contactId);
    const aliases = withAlias(view, name);
    if (aliases.length !== (view.aliases ?? []).length)
      await this.store.putAddressBookEntry({
        userId: actor.user.id,
        contactId: view.id,
        name: view.name,
        aliases,
      });
    return { ...view, aliases };
  }

  /**
   * `new` with a contact: the thread the user is in becomes current; with nothing open, the
   * opt-in is to be confirmed; with a colleague's thread, the engine decides.
   */
  async begin(actor: Actor, contactId: string): Promise<BeginResult> {
    const { view, record } = await this.access.contact(actor, contactId);
    const open = await this.store.findOpenThread(record.businessNumberId, record.id);
    if (open?.participants.some((p) => p.id === actor.user.id)) {
      await this.setCurrentThread(actor, open.id);
      // reply (issue 10): with the user's own name for the contact.
      return { kind: 'current', thread: await this.access.named(actor, open) };
    }
    if (open || isContactBlocked(record))
      return { kind: 'started', outcome: await this.start(actor, contactId) };
    return { kind: 'confirm_opt_in', contact: { ...view, name: record.name } };
  }

  /** The opt-in was confirmed: a new thread (or a refusal saying why); it becomes current. */
  async start(actor: Actor, contactId: string): Promise<Outcome> {
    const { record } = await this.access.contact(actor, contactId);
    const outcome = await this.conversations.start(this.ref(actor), record.id);
    if (!isRejection(outcome)) await this.setCurrentThread(actor, outcome.thread.id);
    return this.namedOutcome(actor, outcome);
  }

  /** Restart a closed thread the user took part in: a new opt-in, in a new thread. */
  async restart(actor: Actor, threadId: string): Promise<Outcome> {
    const { thread } = await this.access.thread(actor, threadId);
    const outcome = await this.conversations.restart(this.ref(actor), thread.id);
    if (!isRejection(outcome)) await this.setCurrentThread(actor, outcome.thread.id);
    return this.namedOutcome(actor, outcome);
  }

  /** Write (words, a picture) to a thread; on success it becomes current and is read. */
  async write(
    actor: Actor,
    threadId: string,
    content: { body?: string; media?: MediaRef },
  ): Promise<Outcome> {
    const { thread } = await this.access.thread(actor, threadId);
    const outcome = await this.conversations.compose(actor.user.id, thread.id, content);
    if (isRejection(outcome)) return outcome;
    await this.setCurrentThread(actor, thread.id);
    await this.markRead(actor, thread.id);
    return this.namedOutcome(actor, outcome);
  }

  /**
   * release (issue 10): Send again on a failed message the user can reach (not found
   * otherwise, as everything else); on success the conversation becomes current.
   */
  async sendAgain(actor: Actor, messageId: string): Promise<Outcome> {
    const { message, thread } = await this.access.message(actor, messageId);
    const outcome = await this.conversations.sendAgain(actor.user.id, message);
    if (isRejection(outcome)) return outcome;
    await this.setCurrentThread(actor, thread.id);
    await this.markRead(actor, thread.id);
    return outcome;
  }

  async remind(actor: Actor, threadId: string): Promise<Outcome> {
    const { thread } = await this.access.thread(actor, threadId);
    return this.namedOutcome(actor, await this.conversations.remind(actor.user.id, thread.id));
  }

  async addParticipant(actor: Actor, threadId: string, userId: string): Promise<Outcome> {
    const { thread } = await this.access.thread(actor, threadId);
    const colleague = (await this.queries.candidatesFor(actor, thread)).find(
      (u) => u.id === userId,
    );
    if (!colleague) return NOT_A_CANDIDATE;
    return this.conversations.addParticipant(actor.user.id, thread.id, colleague);
  }

  async removeParticipant(actor: Actor, threadId: string, userId: string): Promise<Outcome> {
    const { thread } = await this.access.thread(actor, threadId);
    return this.conversations.removeParticipant(actor.user.id, thread.id, userId);
  }

  async leave(actor: Actor, threadId: string): Promise<Outcome> {
    const { thread } = await this.access.thread(actor, threadId);
    return this.conversations.leave(actor.user.id, thread.id);
  }

  async transfer(actor: Actor, threadId: string, userId: string): Promise<Outcome> {
    const { thread } = await this.access.thread(actor, threadId);
    const colleague = (await this.queries.candidatesFor(actor, thread)).find(
      (u) => u.id === userId,
    );
    if (!colleague) return NOT_A_CANDIDATE;
    return this.conversations.transfer(actor.user.id, thread.id, colleague);
  }

  /** The user has seen the thread up to `seq` (by default its newest message). */
  async markRead(actor: Actor, threadId: string, seq?: number): Promise<void> {
    const { thread } = await this.access.thread(actor, threadId);
    // replycpu (issue 11): the newest message is the thread's last seq given; reading every
    // message of the thread to find it cost each reply a read growing with the thread.
    const upTo = seq ?? thread.nextSeq - 1;
    await this.store.markRead(thread.id, actor.user.id, upTo);
  }

  /** The thread a plain typed message goes to from now on (opening it reads it). */
  async setCurrentThread(actor: Actor, threadId: string): Promise<void> {
    const { thread } = await this.access.thread(actor, threadId);
    const user = (await this.store.getUser(actor.user.id)) ?? actor.user;
    if (user.currentThreadId !== thread.id)
      await this.store.putUser({ ...user, currentThreadId: thread.id });
    await this.attention?.worked(actor.user.id);
  }

  /** Open a thread: it becomes current, and what it holds is read. */
  async open(actor: Actor, threadId: string): Promise<Thread> {
    await this.setCurrentThread(actor, threadId);
    await this.markRead(actor, threadId);
    return this.queries.thread(actor, threadId);
  }

  /** Keep a picture the user attached, to send it. */
  async keepPicture(_actor: Actor, bytes: Uint8Array, mimeType: string): Promise<MediaRef> {
    return this.store.putMedia(bytes, mimeType);
  }

  /** Check a document against WhatsApp's rules and keep it (throws DocumentRefusedError). */
  async keepDocument(_actor: Actor, document: DocumentToSend): Promise<PreparedDocument> {
    return prepareDocument(this.store, document);
  }

  /** release (issue 10): the conversation card the user's chat shows, updated on state changes. */
  async keepThreadCard(
    actor: Actor,
    card: { threadId: string; activityId: string; conversationId: string },
  ): Promise<void> {
    await this.access.thread(actor, card.threadId);
    await this.store.putThreadCard({ ...card, userId: actor.user.id });
  }

  /** Remember the card the user's chat shows for a message, so receipts update it in place. */
  async keepMessageCard(
    actor: Actor,
    card: { messageId: string; activityId: string; conversationId: string },
  ): Promise<void> {
    await this.access.message(actor, card.messageId);
    await this.store.putMessageCard({ ...card, userId: actor.user.id });
  }

  /** reply (issue 10): an outcome's thread with the user's own name for the contact. */
  private async namedOutcome(actor: Actor, outcome: Outcome): Promise<Outcome> {
    if (isRejection(outcome)) return outcome;
    return { ...outcome, thread: await this.access.named(actor, outcome.thread) };
  }

  private ref(actor: Actor) {
    return { id: actor.user.id, name: actor.user.name };
  }
}
