/**
 * The tab's client for /api/tab/*. Every request carries the caller's credentials: the Teams
 * SSO token (Authorization: Bearer), or in local development the X-Local-User header the
 * developer picked. Errors come back as TabApiError with the status, the error code and, for
 * refused actions, the notice to show.
 */
import type {
  ApiErrorBody,
  Contact,
  Me,
  MessageView,
  Notice,
  SendResult,
  ThreadState,
  ThreadSummary,
  UserRef,
} from './types';

export type Credentials =
  | { readonly kind: 'teams'; readonly token: () => Promise<string> }
  | { readonly kind: 'local'; readonly userId: string };

export class TabApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly field: string | undefined,
    readonly notice: Notice | undefined,
    /** The answer's body, for errors that carry more (409 contact.duplicate: both names). */
    readonly body?: unknown,
  ) {
    super(`tab api ${status} ${code ?? ''}`);
  }
}

export const API_BASE = '/api/tab';

export async function authHeaders(credentials: Credentials): Promise<Record<string, string>> {
  if (credentials.kind === 'local') return { 'x-local-user': credentials.userId };
  return { authorization: `Bearer ${await credentials.token()}` };
}

/** GET /api/tab/local/users: the users a developer can act as, or null outside local development. */
export async function localUsers(): Promise<(UserRef & { tenantId: string })[] | null> {
  try {
    const res = await fetch(`${API_BASE}/local/users`, { headers: { accept: 'application/json' } });
    if (!res.ok) return null;
    const body = (await res.json()) as { users?: (UserRef & { tenantId: string })[] };
    return Array.isArray(body.users) ? body.users : null;
  } catch {
    return null;
  }
}

export class TabApi {
  constructor(private readonly credentials: Credentials) {}

  private async request<T>(method: string, path: string, body?: unknown | Blob): Promise<T> {
    let auth: Record<string, string>;
    try {
      auth = await authHeaders(this.credentials);
    } catch {
      // Teams gave no token (sign-in or consent failed): the user reads the sign-in sentence.
      throw new TabApiError(401, 'auth.no_token', undefined, undefined);
    }
    const headers: Record<string, string> = { accept: 'application/json', ...auth };
    let payload: BodyInit | undefined;
    if (body instanceof Blob) {
      payload = body;
      headers['content-type'] = body.type;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(`${API_BASE}${path}`, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
      });
    } catch {
      throw new TabApiError(0, 'network', undefined, undefined);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const err = (parsed ?? {}) as ApiErrorBody;
      throw new TabApiError(res.status, err.error?.code, err.error?.field, err.notice, parsed);
    }
    return parsed as T;
  }

  me(): Promise<Me> {
    return this.request('GET', '/me');
  }

  threads(query: {
    state?: ThreadState | undefined;
    q?: string | undefined;
    cursor?: string | undefined;
    limit?: number;
  }): Promise<{ threads: ThreadSummary[]; nextCursor: string | null }> {
    const params = new URLSearchParams();
    if (query.state) params.set('state', query.state);
    if (query.q) params.set('q', query.q);
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.limit) params.set('limit', String(query.limit));
    const qs = params.toString();
    return this.request('GET', `/threads${qs ? `?${qs}` : ''}`);
  }

  thread(
    threadId: string,
    before?: string,
  ): Promise<{ thread: ThreadSummary; messages: MessageView[]; prevCursor: string | null }> {
    const qs = before ? `?before=${encodeURIComponent(before)}` : '';
    return this.request('GET', `/threads/${encodeURIComponent(threadId)}${qs}`);
  }

  markRead(threadId: string): Promise<void> {
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/read`);
  }

  send(threadId: string, text: string): Promise<SendResult> {
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/messages`, { text });
  }

  sendPicture(threadId: string, file: Blob, caption: string): Promise<SendResult> {
    const qs = caption ? `?caption=${encodeURIComponent(caption)}` : '';
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/pictures${qs}`, file);
  }

  info(messageId: string): Promise<{ message: MessageView }> {
    return this.request('GET', `/messages/${encodeURIComponent(messageId)}/info`);
  }

  remind(threadId: string): Promise<{ notice: Notice }> {
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/remind`);
  }

  candidates(threadId: string): Promise<{ users: UserRef[] }> {
    return this.request('GET', `/threads/${encodeURIComponent(threadId)}/candidates`);
  }

  addParticipant(threadId: string, userId: string): Promise<{ thread: ThreadSummary }> {
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/participants`, {
      userId,
    });
  }

  removeParticipant(threadId: string, userId: string): Promise<{ thread: ThreadSummary }> {
    return this.request(
      'DELETE',
      `/threads/${encodeURIComponent(threadId)}/participants/${encodeURIComponent(userId)}`,
    );
  }

  leave(threadId: string): Promise<{ thread: ThreadSummary }> {
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/leave`);
  }

  transfer(threadId: string, userId: string): Promise<{ thread: ThreadSummary }> {
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/transfer`, { userId });
  }

  restart(threadId: string): Promise<{ thread: ThreadSummary }> {
    return this.request('POST', `/threads/${encodeURIComponent(threadId)}/restart`);
  }

  contacts(q: string): Promise<{ contacts: Contact[] }> {
    return this.request('GET', `/contacts${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }

  /**
   * 409 `contact.duplicate` when the number is already a contact under another name (reply);
   * asked again with 'rename' or 'both' (keepboth: keep the name, and the new one as another).
   */
  addContact(
    name: string,
    phone: string,
    onDuplicate?: 'rename' | 'both',
  ): Promise<{ contact: Contact }> {
    return this.request('POST', '/contacts', {
      name,
      phone,
      ...(onDuplicate ? { onDuplicate } : {}),
    });
  }

  startConversation(contactId: string): Promise<{ thread: ThreadSummary }> {
    return this.request('POST', '/conversations', { contactId });
  }

  eventsUrl(): string {
    return `${API_BASE}/events`;
  }

  headers(): Promise<Record<string, string>> {
    return authHeaders(this.credentials);
  }
}
