/**
 * A contact's phone: their WhatsApp number and profile name, the chat with the business as the
 * phone shows it, and the two switches a tester flips (read receipts, fail the next delivery).
 * Like a real phone, it reads the business's messages only while the chat is open and in view.
 */

/**
 * Where a message stands. For the contact's own messages: 'sending' until the app took the
 * webhook, then 'delivered' ('sent' if WhatsApp gave up retrying); they are never 'read' because
 * business users' reads are not shown to contacts. For the business's messages: the last status
 * the sandbox reported to the app.
 */
export type ChatStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A button the contact can tap: a template quick reply, or an interactive reply button. */
export interface ChatButton {
  readonly index: number;
  readonly title: string;
  /** The template button's payload, or the interactive button's id. */
  readonly payload: string;
}

export interface ChatListRow {
  readonly id: string;
  readonly title: string;
  readonly description?: string | undefined;
}

export interface ChatList {
  readonly button: string;
  readonly sections: readonly {
    readonly title?: string | undefined;
    readonly rows: readonly ChatListRow[];
  }[];
}

export type ChatKind =
  | 'text'
  | 'image'
  | 'template'
  | 'interactive'
  /** The contact tapped a template quick reply or an interactive reply button. */
  | 'button'
  | 'list_reply'
  /** A file (document, audio or voice note, video) or a sticker, either way. */
  | 'media'
  /** A place the contact shared. */
  | 'location'
  /** A business message WhatsApp did not deliver: not on a real phone, shown for the developer. */
  | 'undelivered';

/** The media kinds besides pictures. `voice` is audio recorded in WhatsApp. */
export type ChatMediaKind = 'document' | 'audio' | 'voice' | 'video' | 'sticker';

export interface ChatMedia {
  readonly kind: ChatMediaKind;
  readonly mediaId: string;
  readonly mimeType: string;
  readonly size?: number | undefined;
  readonly caption?: string | undefined;
  readonly filename?: string | undefined;
}

export interface ChatLocation {
  readonly latitude: number;
  readonly longitude: number;
  readonly name?: string | undefined;
  readonly address?: string | undefined;
  readonly url?: string | undefined;
}

export interface ChatEntry {
  /** The wamid. */
  readonly id: string;
  readonly from: 'business' | 'contact';
  /** Sandbox-clock time, epoch ms. */
  readonly at: number;
  readonly kind: ChatKind;
  /** Text, rendered template body, interactive body, caption-less reply title. */
  readonly text?: string | undefined;
  readonly header?: string | undefined;
  readonly footer?: string | undefined;
  readonly image?:
    | { readonly mediaId: string; readonly mimeType: string; readonly caption?: string | undefined }
    | undefined;
  readonly media?: ChatMedia | undefined;
  readonly location?: ChatLocation | undefined;
  readonly template?: { readonly name: string; readonly language: string } | undefined;
  readonly buttons?: readonly ChatButton[] | undefined;
  readonly list?: ChatList | undefined;
  /** The message this one answers (context.id). */
  readonly replyTo?: string | undefined;
  /** The business's biz_opaque_callback_data, for the developer. */
  readonly callbackData?: string | undefined;
  readonly status: ChatStatus;
  readonly error?: { readonly code: number; readonly title: string } | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class ContactPhone {
  readonly number: string;
  #name: string;
  #readReceipts = true;
  #failNext: number | undefined;
  #lastInboundAt: number | undefined;
  /** Until when (real time, ms) the chat is open and visible; Infinity: until closed. */
  #viewingUntil = 0;
  /** Business messages delivered while nobody looked: read (reported) once the chat is seen. */
  readonly #unread = new Map<string, () => void>();
  readonly #entries: Mutable<ChatEntry>[] = [];
  readonly #changed: () => void;

  constructor(number: string, name: string, changed: () => void) {
    this.number = number;
    this.#name = name;
    this.#changed = changed;
  }

  get name(): string {
    return this.#name;
  }

  set name(name: string) {
    this.#name = name;
    this.#changed();
  }

  get readReceipts(): boolean {
    return this.#readReceipts;
  }

  set readReceipts(on: boolean) {
    this.#readReceipts = on;
    this.#changed();
  }

  /** The error code the next business message to this phone fails with, if set. */
  get failNext(): number | undefined {
    return this.#failNext;
  }

  set failNext(code: number | undefined) {
    this.#failNext = code;
    this.#changed();
  }

  /** Takes the failure set for the next delivery (it applies once). */
  takeFailNext(): number | undefined {
    const code = this.#failNext;
    if (code !== undefined) this.failNext = undefined;
    return code;
  }

  /** When the contact last wrote to the business: the 24-hour window runs from here. */
  get lastInboundAt(): number | undefined {
    return this.#lastInboundAt;
  }

  set lastInboundAt(at: number | undefined) {
    this.#lastInboundAt = at;
    this.#changed();
  }

  /**
   * Whether the contact has the chat open and in view: a phone reads what arrives only then
   * (the page says so while it shows the chat; tests open and close it).
   */
  get viewing(): boolean {
    return this.#viewingUntil > Date.now();
  }

  /**
   * The chat is open and visible (for `leaseMs` of real time, or until closed), or not. On
   * opening, every message delivered meanwhile is read; returns how many.
   */
  setViewing(visible: boolean, leaseMs = Number.POSITIVE_INFINITY): number {
    const was = this.viewing;
    this.#viewingUntil = visible ? Date.now() + leaseMs : 0;
    if (was !== this.viewing) this.#changed();
    if (!visible) return 0;
    const waiting = [...this.#unread.values()];
    this.#unread.clear();
    for (const read of waiting) read();
    return waiting.length;
  }

  /**
   * A business message reached the phone: read now if the chat is in view, else when it
   * next is. `read` reports it (unless read receipts are off by then).
   */
  delivered(id: string, read: () => void): void {
    if (this.viewing) read();
    else this.#unread.set(id, read);
  }

  /** How many business messages are delivered and not yet read. */
  get unread(): number {
    return this.#unread.size;
  }

  add(entry: ChatEntry): void {
    this.#entries.push({ ...entry });
    this.#changed();
  }

  setStatus(id: string, status: ChatStatus): void {
    const entry = this.#entries.find((e) => e.id === id);
    if (!entry || entry.status === status) return;
    entry.status = status;
    this.#changed();
  }

  find(id: string): ChatEntry | undefined {
    return this.#entries.find((e) => e.id === id);
  }

  /** The chat, oldest first (copies: changing them changes nothing). */
  entries(): ChatEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }
}
