/**
 * Small builders for the store contract: threads, messages, effects and transitions shaped
 * as the engine makes them (a thread's message ids are `${thread.id}:${seq}`).
 */
import type { NoticeKey } from '../../bot/src/core/notice-keys.js';
import { afterEach, beforeEach } from 'vitest';
import type {
  ConsentRecord,
  ContactRef,
  Effect,
  Message,
  Millis,
  Participant,
  Thread,
  Transition,
} from '../../bot/src/core/types.js';
import { HOUR } from '../../bot/src/core/types.js';
import type { Store } from '../../bot/src/store/port.js';

export type MakeStore = () => Promise<Store>;
export type MakeTwoClients = () => Promise<readonly [Store, Store]>;

/** Monday 6 January 2025, 09:00 UTC. */
export const T0: Millis = Date.UTC(2025, 0, 6, 9, 0);
export const MINUTE: Millis = 60_000;
export { HOUR };

export const BUSINESS_NUMBER = 'pn-100';
export const OTHER_BUSINESS_NUMBER = 'pn-200';

export const ana: Participant = { id: 'user-ana', name: 'Ana Souza', joinedAt: T0 };
export const ben: Participant = { id: 'user-ben', name: 'Ben Okafor', joinedAt: T0 };

export function aContact(n = 1): ContactRef {
  return { id: `contact-${n}`, phone: `3460000000${n}`, name: `Customer ${n}` };
}

export function aThread(id: string, overrides: Partial<Thread> = {}): Thread {
  return {
    id,
    businessNumberId: BUSINESS_NUMBER,
    contact: aContact(1),
    state: 'awaiting_consent',
    participants: [ana],
    createdAt: T0,
    createdBy: ana.id,
    pendingCount: 0,
    nextSeq: 1,
    version: 0,
    ...overrides,
  };
}

export function aMessage(thread: Thread, seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `${thread.id}:${seq}`,
    threadId: thread.id,
    seq,
    direction: 'outbound',
    kind: 'text',
    author: { id: ana.id, name: ana.name },
    body: `message ${seq}`,
    status: 'pending',
    statusTimes: { pending: T0 },
    attempts: 0,
    createdAt: T0,
    ...overrides,
  };
}

export function sendToContact(thread: Thread, seq: number): Effect {
  return { type: 'send_to_contact', threadId: thread.id, messageId: `${thread.id}:${seq}` };
}

export function notify(thread: Thread, key: string, to: readonly string[] = [ana.id]): Effect {
  return {
    type: 'notify',
    threadId: thread.id,
    to,
    notice: { key: key as NoticeKey, params: { contact: 'Customer 1', count: 2 } },
  };
}

export function schedule(thread: Thread, at: Millis): Effect {
  return { type: 'schedule', threadId: thread.id, timer: 'optin_retry', at };
}

export function aConsentRecord(
  thread: Thread,
  overrides: Partial<ConsentRecord> = {},
): ConsentRecord {
  return {
    contactId: thread.contact.id,
    businessNumberId: thread.businessNumberId,
    threadId: thread.id,
    kind: 'consent',
    at: T0 + MINUTE,
    waMessageId: `wamid.consent-${thread.id}`,
    via: 'button',
    text: 'Yes, I agree',
    ...overrides,
  };
}

export function recordConsent(record: ConsentRecord): Effect {
  return { type: 'record_consent', record };
}

export function change(
  thread: Thread,
  parts: Partial<Omit<Transition, 'thread'>> = {},
): Transition {
  return { thread, messages: [], effects: [], ...parts };
}

/** Store a new thread (version 1) and return it as stored. */
export async function create(
  store: Store,
  thread: Thread,
  parts: Partial<Omit<Transition, 'thread'>> = {},
  now: Millis = T0,
): Promise<Thread> {
  await store.apply(change(thread, parts), { now });
  const stored = await store.getThread(thread.id);
  if (!stored) throw new Error(`thread ${thread.id} was not stored`);
  return stored;
}

/** A fresh store for each test, closed after it. */
export function useStore(makeStore: MakeStore): () => Store {
  let current: Store | undefined;
  beforeEach(async () => {
    current = await makeStore();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the store is opened in beforeEach');
    return current;
  };
}

/** Two fresh clients of one store for each test (two instances), closed after it. */
export function useTwoClients(makeTwoClients: MakeTwoClients): () => readonly [Store, Store] {
  let clients: readonly [Store, Store] | undefined;
  beforeEach(async () => {
    clients = await makeTwoClients();
  });
  afterEach(async () => {
    await Promise.all(clients?.map((c) => c.close()) ?? []);
    clients = undefined;
  });
  return () => {
    if (!clients) throw new Error('the clients are opened in beforeEach');
    return clients;
  };
}
