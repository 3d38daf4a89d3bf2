/**
 * The tab's HTTP API payloads, as the contract (TAB_API.md) defines them: the one source of
 * these types. The server builds them (views.ts) and the tab reads them (tabs/src/types.ts
 * imports them with `import type`, so nothing here reaches the tab's bundle). Types only, no
 * imports: both builds (NodeNext for the bot, Vite for the tab) read this file. Times are
 * epoch milliseconds.
 */
export type ThreadState = 'awaiting_consent' | 'active' | 'paused' | 'closed';

export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface Notice {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export interface UserRef {
  readonly id: string;
  readonly name: string;
}

export interface MessageView {
  readonly id: string;
  readonly seq: number;
  readonly direction: 'inbound' | 'outbound';
  readonly kind:
    | 'text'
    | 'image'
    | 'document'
    | 'audio'
    | 'video'
    | 'sticker'
    | 'location'
    | 'template'
    | 'notice'
    | 'system'
    | 'other';
  readonly author: UserRef | null;
  readonly text: string | null;
  readonly notice: Notice | null;
  readonly media: {
    readonly url: string;
    readonly mimeType: string;
    readonly size: number;
    readonly fileName?: string;
  } | null;
  readonly status: MessageStatus;
  readonly statusTimes: Partial<Record<MessageStatus, number>>;
  readonly failure: { readonly graphCode: number; readonly reasonKey: string } | null;
  readonly possiblyDuplicate: boolean;
  readonly createdAt: number;
}

export interface ThreadSummary {
  readonly id: string;
  readonly contact: {
    readonly id: string;
    readonly name: string;
    readonly phone: string;
    /** keepboth (issue 10 item 4): the user's other names for the contact; absent: none. */
    readonly aliases?: readonly string[];
  };
  readonly businessNumber: { readonly id: string; readonly display: string };
  readonly state: ThreadState;
  readonly windowExpiresAt: number | null;
  readonly closedReason?: 'all_left' | 'declined' | 'opted_out' | 'optin_undeliverable';
  readonly participating: boolean;
  readonly participants: readonly UserRef[];
  readonly lastMessage: MessageView | null;
  readonly lastActivityAt: number;
  readonly unread: number;
  readonly canRestart: boolean;
  readonly canRemind: boolean;
}

export interface Me {
  readonly user: {
    readonly id: string;
    readonly name: string;
    readonly locale: string;
    readonly tenantId: string;
    readonly isAdmin: boolean;
  };
  readonly local: boolean;
  readonly now: number;
}

export interface Contact {
  readonly id: string;
  /** The user's own name for the contact: the one shown. */
  readonly name: string;
  readonly phone: string;
  /**
   * keepboth (issue 10 item 4): the user's other names for it ("Also saved as"), which their
   * searches find too; absent when none.
   */
  readonly aliases?: readonly string[];
}

export type SendOutcome = 'sent' | 'pending' | 'resume_requested';

export interface SendResult {
  readonly message: MessageView;
  readonly outcome: SendOutcome;
  readonly notice?: Notice;
}

export interface ApiErrorBody {
  readonly error?: {
    readonly code?: string;
    readonly message?: string;
    readonly field?: string;
  };
  readonly notice?: Notice;
}

/**
 * reply (issue 10): POST /contacts answered 409 `contact.duplicate`: the number is already
 * the caller's contact under another name. Ask again with `onDuplicate`: 'rename' (the new
 * name replaces the old) or 'both' (keepboth: the old name stays the shown one, the new one
 * is kept as another name of the same contact); 'keep' (keep the old name alone) is still
 * taken from clients that send it.
 */
export interface DuplicateContactBody extends ApiErrorBody {
  readonly existing: Contact;
  readonly requested: { readonly name: string };
}
