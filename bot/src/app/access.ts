/**
 * Who may reach what (issue 8), checked by the application layer for every surface:
 * - a thread: one the user takes or took part in, on a business number their organisation
 *   owns now (a number that moved to another organisation takes its threads with it);
 * - a contact: one of the user's own contacts, on such a number.
 * Anything else gets the same "not found" as something that does not exist, so ids tried
 * from outside reveal nothing.
 */
import { ContactNotFoundError, MessageNotFoundError, ThreadNotFoundError } from '../core/errors.js';
import type { ContactRecord, Organisation, Participation, UserRecord } from '../core/records.js';
import type { ContactRef, Message, Thread } from '../core/types.js';
import type { Store } from '../store/port.js';

/** The user a command or query is for, and their organisation, as the surface found them. */
export interface Actor {
  readonly user: UserRecord;
  readonly organisation: Organisation;
}

/** A contact as a user sees it: their name for it, the number, the business number. */
export interface ContactView {
  readonly id: string;
  readonly name: string;
  readonly phone: string;
  readonly businessNumberId: string;
  /** keepboth (issue 10 item 4): the user's other names for it ("keep both"); absent: none. */
  readonly aliases?: readonly string[];
}

/** keepboth (issue 10 item 4): the user's own name for a contact, and their other names. */
export interface OwnName {
  readonly name: string;
  readonly aliases?: readonly string[] | undefined;
}

/**
 * keepboth (issue 10 item 4): a thread's contact as one user sees it, with their other names
 * for it. Only on a thread `Access.named` gave that user; never stored.
 */
interface SeenContact extends ContactRef {
  readonly aliases?: readonly string[];
}

/** The viewer's other names for the thread's contact ("also saved as"); empty for none. */
export function otherNamesOf(thread: Thread): readonly string[] {
  return (thread.contact as SeenContact).aliases ?? [];
}

export class Access {
  constructor(private readonly store: Store) {}

  /** Whether the actor's organisation owns this business number now (read fresh). */
  async ownsNumber(actor: Actor, businessNumberId: string): Promise<boolean> {
    const owner = await this.store.getOrganisationByBusinessNumber(businessNumberId);
    return owner !== undefined && owner.tenantId === actor.user.tenantId;
  }

  /** A thread the actor takes or took part in, with their part in it; else ThreadNotFoundError. */
  async thread(
    actor: Actor,
    threadId: string,
  ): Promise<{ thread: Thread; participation: Participation }> {
    const [thread, participation] = await Promise.all([
      this.store.getThread(threadId),
      this.store.getParticipation(threadId, actor.user.id),
    ]);
    if (!thread || !participation || !(await this.ownsNumber(actor, thread.businessNumberId)))
      throw new ThreadNotFoundError(threadId);
    return { thread: await this.named(actor, thread), participation };
  }

  // reply (issue 10 item 4): names are per user. A thread as the actor sees it carries the
  // actor's own name for the contact (their address-book entry), when they have one.
  /** The actor's names for their contacts (keepboth: with their other names), by contact id. */
  async contactNames(actor: Actor): Promise<ReadonlyMap<string, OwnName>> {
    const entries = await this.store.listAddressBook(actor.user.id);
    return new Map(entries.map((e) => [e.contactId, { name: e.name, aliases: e.aliases }]));
  }

  /** The thread with the actor's own name for its contact (and their other names for it). */
  async named(actor: Actor, thread: Thread, names?: ReadonlyMap<string, OwnName>): Promise<Thread> {
    const own = (names ?? (await this.contactNames(actor))).get(thread.contact.id);
    if (!own) return thread;
    const aliases = own.aliases ?? [];
    if (own.name === thread.contact.name && aliases.length === 0) return thread;
    const contact: SeenContact = {
      ...thread.contact,
      name: own.name,
      ...(aliases.length > 0 ? { aliases } : {}),
    };
    return { ...thread, contact };
  }

  /** A message in a thread the actor may read; else MessageNotFoundError. */
  async message(
    actor: Actor,
    messageId: string,
  ): Promise<{ message: Message; thread: Thread; participation: Participation }> {
    const message = await this.store.getMessage(messageId);
    if (!message) throw new MessageNotFoundError(messageId);
    try {
      return { message, ...(await this.thread(actor, message.threadId)) };
    } catch (error) {
      if (error instanceof ThreadNotFoundError) throw new MessageNotFoundError(messageId);
      throw error;
    }
  }

  /** The actor's contacts, by name, on numbers their organisation owns. */
  async contacts(actor: Actor): Promise<ContactView[]> {
    const entries = await this.store.listAddressBook(actor.user.id);
    const contacts: ContactView[] = [];
    const owned = new Map<string, boolean>();
    for (const entry of entries) {
      const contact = await this.store.getContact(entry.contactId);
      if (!contact) continue;
      let ours = owned.get(contact.businessNumberId);
      if (ours === undefined) {
        ours = await this.ownsNumber(actor, contact.businessNumberId);
        owned.set(contact.businessNumberId, ours);
      }
      if (ours)
        contacts.push({
          id: contact.id,
          name: entry.name,
          phone: contact.phone,
          businessNumberId: contact.businessNumberId,
          // keepboth (issue 10 item 4)
          ...(entry.aliases && entry.aliases.length > 0 ? { aliases: entry.aliases } : {}),
        });
    }
    return contacts;
  }

  /** One of the actor's contacts; else ContactNotFoundError. */
  async contact(
    actor: Actor,
    contactId: string,
  ): Promise<{ view: ContactView; record: ContactRecord }> {
    const view = (await this.contacts(actor)).find((c) => c.id === contactId);
    const record = view && (await this.store.getContact(view.id));
    if (!view || !record) throw new ContactNotFoundError(contactId);
    return { view, record };
  }
}
