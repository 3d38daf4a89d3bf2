/**
 * The sandbox's world: the business number, the contacts' phones, the media, and what moves
 * between them. The Cloud API routes call `send`; the phone page and tests call the contact's
 * actions; both sides' effects reach the app as signed webhooks.
 */
import type { Clock } from './clock.js';
import {
  buttonTap,
  imageMessage,
  listChoice,
  locationMessage,
  mediaMessage,
  textMessage,
  type ContactMessage,
} from './contact-messages.js';
import { ContactPhone, type ChatLocation, type ChatMediaKind } from './contact-phone.js';
import { invalidParameter, recipientIsSender, type GraphError } from './error-codes.js';
import { contactMediaProblem, MediaStore } from './media-store.js';
import {
  startDelivery,
  windowOpen,
  type DeliveryDelays,
  type OutboundRecord,
} from './outbound-delivery.js';
import { viewOf } from './outbound-message.js';
import { PendingWork } from './pending-work.js';
import { SandboxError } from './sandbox-error.js';
import type { SandboxLogger } from './sandbox-logger.js';
import { waIdOf, type MarkReadRequest, type SendRequest } from './send-request.js';
import type { TemplateText } from './template-texts.js';
import {
  inboundPayload,
  newWamid,
  statusPayload,
  unixSeconds,
  type BusinessNumber,
  type StatusUpdate,
} from './webhook-payloads.js';
import { WebhookSender, type WebhookRetry } from './webhook-sender.js';

export interface WorldOptions {
  readonly business: BusinessNumber;
  readonly appSecret: string;
  readonly webhookUrl: string | (() => string);
  readonly clock: Clock;
  readonly delays: DeliveryDelays;
  readonly templates: ReadonlyMap<string, TemplateText>;
  readonly fetch: typeof globalThis.fetch;
  readonly logger: SandboxLogger;
  readonly webhookRetry?: Partial<WebhookRetry> | undefined;
}

/** A phone number as the sandbox keys it: digits only, 6 to 15 of them (E.164). */
export function normaliseNumber(input: string): string {
  const digits = input.replace(/[\s()+.-]/g, '');
  if (!/^\d{6,15}$/.test(digits))
    throw new SandboxError('invalid_number', `"${input}" is not a phone number (6 to 15 digits).`);
  return digits;
}

export class WhatsAppSandbox {
  readonly media = new MediaStore();
  readonly work = new PendingWork();
  readonly webhooks: WebhookSender;
  readonly #options: WorldOptions;
  readonly #phones = new Map<string, ContactPhone>();
  readonly #outbound = new Map<string, OutboundRecord>();
  readonly #inbound = new Set<string>();
  #version = 0;

  constructor(options: WorldOptions) {
    this.#options = options;
    this.webhooks = new WebhookSender({
      url: options.webhookUrl,
      appSecret: options.appSecret,
      fetch: options.fetch,
      work: this.work,
      logger: options.logger,
      retry: options.webhookRetry,
    });
  }

  get business(): BusinessNumber {
    return this.#options.business;
  }

  get clock(): Clock {
    return this.#options.clock;
  }

  /** Goes up on every change a phone page should show. */
  get version(): number {
    return this.#version;
  }

  changed(): void {
    this.#version += 1;
  }

  /** A contact's phone, made on first use; `name` renames it. */
  phone(number: string, name?: string): ContactPhone {
    const key = normaliseNumber(number);
    let phone = this.#phones.get(key);
    if (!phone) {
      phone = new ContactPhone(key, name?.trim() || `Contact ${key.slice(-4)}`, () =>
        this.changed(),
      );
      this.#phones.set(key, phone);
      this.changed();
    } else if (name?.trim() && name.trim() !== phone.name) {
      phone.name = name.trim();
    }
    return phone;
  }

  phones(): ContactPhone[] {
    return [...this.#phones.values()];
  }

  /** Every business send accepted so far, oldest first. */
  outbound(): OutboundRecord[] {
    return [...this.#outbound.values()];
  }

  /**
   * The contact opens (or leaves) the chat. The page holds it open for `leaseMs` at a time,
   * renewed while it shows the chat, so a closed tab stops reading. Returns how many messages
   * were read on opening.
   */
  setViewing(number: string, visible: boolean, leaseMs?: number): number {
    return this.phone(number).setViewing(visible, leaseMs);
  }

  windowOpen(phone: ContactPhone): boolean {
    return windowOpen(phone, this.clock.now());
  }

  // -------------------------------------------------------------------------------------------
  // The business sends (from the Cloud API routes).

  /** Accepts a send (200 with a wamid) or refuses it as Graph would. */
  send(request: SendRequest): OutboundRecord | GraphError {
    const waId = waIdOf(request.to);
    if (waId === this.business.displayPhoneNumber.replace(/\D/g, '')) return recipientIsSender();
    let phone: ContactPhone;
    try {
      phone = this.phone(waId);
    } catch {
      return invalidParameter(`Param to (${request.to}) is not a valid phone number.`);
    }
    const view = viewOf(request, this.#options.templates);
    if (!('kind' in view)) return view;
    const record: OutboundRecord = {
      wamid: newWamid(),
      waId,
      request,
      acceptedAt: this.clock.now(),
      statuses: [],
    };
    this.#outbound.set(record.wamid, record);
    this.#options.logger.debug(
      { wamid: record.wamid, type: request.type },
      'sandbox accepted a message',
    );
    startDelivery(
      {
        clock: this.clock,
        delays: this.#options.delays,
        work: this.work,
        media: this.media,
        fetch: this.#options.fetch,
        report: (r, status) => this.#report(r, phone, status),
      },
      record,
      phone,
      view,
    );
    return record;
  }

  /** A read receipt (and typing indicator) for a contact's message: never shown to contacts. */
  markRead(request: MarkReadRequest): GraphError | undefined {
    if (!this.#inbound.has(request.message_id)) {
      return invalidParameter(
        `Param message_id (${request.message_id}) is not a message this number received.`,
      );
    }
    return undefined;
  }

  #report(record: OutboundRecord, phone: ContactPhone, status: StatusUpdate): void {
    const code = status.errors?.[0]?.code;
    record.statuses.push({
      status: status.status,
      at: this.clock.now(),
      ...(code === undefined ? {} : { code }),
    });
    phone.setStatus(record.wamid, status.status);
    this.webhooks.send(statusPayload(this.business, status));
  }

  // -------------------------------------------------------------------------------------------
  // The contact writes (from the phone page or tests).

  sendText(number: string, text: string, replyTo?: string): string {
    const phone = this.phone(number);
    return this.#inboundFrom(
      phone,
      textMessage(phone, this.business.displayPhoneNumber, text, replyTo),
    );
  }

  sendImage(
    number: string,
    bytes: Uint8Array,
    mimeType: string,
    caption?: string,
  ): { wamid: string; mediaId: string } {
    if (bytes.length === 0 || !mimeType.startsWith('image/')) {
      throw new SandboxError('invalid_message', 'A picture needs image bytes and an image/* type.');
    }
    const phone = this.phone(number);
    const stored = this.media.put(bytes, mimeType, { contact: phone.number });
    return { wamid: this.#inboundFrom(phone, imageMessage(stored, caption)), mediaId: stored.id };
  }

  /**
   * Sends a document, audio or voice note, video or sticker (stored as media the app can
   * download); returns its wamid and media id. A phone sends any file as a document.
   */
  sendMedia(
    number: string,
    kind: ChatMediaKind,
    bytes: Uint8Array,
    mimeType: string,
    options: { caption?: string | undefined; filename?: string | undefined } = {},
  ): { wamid: string; mediaId: string } {
    const problem = contactMediaProblem(kind, bytes, mimeType);
    if (problem) throw new SandboxError('invalid_message', problem);
    const phone = this.phone(number);
    const stored = this.media.put(bytes, mimeType, { contact: phone.number }, options.filename);
    return {
      wamid: this.#inboundFrom(phone, mediaMessage(kind, stored, options)),
      mediaId: stored.id,
    };
  }

  /** Shares a place. */
  sendLocation(number: string, location: ChatLocation): string {
    const phone = this.phone(number);
    return this.#inboundFrom(phone, locationMessage(location));
  }

  /** Taps a template quick reply or interactive reply button (see contact-messages.ts). */
  tapButton(number: string, target: string | { messageId: string; index: number }): string {
    const phone = this.phone(number);
    return this.#inboundFrom(phone, buttonTap(phone, this.business.displayPhoneNumber, target));
  }

  /** Picks a row of an interactive list, by id or title. */
  chooseListRow(number: string, row: string, messageId?: string): string {
    const phone = this.phone(number);
    return this.#inboundFrom(
      phone,
      listChoice(phone, this.business.displayPhoneNumber, row, messageId),
    );
  }

  /** Something the contact sent: it opens the window, shows on the phone and goes to the app. */
  #inboundFrom(phone: ContactPhone, { chat, message }: ContactMessage): string {
    const wamid = newWamid();
    const at = this.clock.now();
    phone.lastInboundAt = at;
    phone.add({ ...chat, id: wamid, from: 'contact', at, status: 'sending' });
    this.#inbound.add(wamid);
    const payload = inboundPayload(
      this.business,
      { profile: { name: phone.name }, wa_id: phone.number },
      message({ from: phone.number, id: wamid, timestamp: unixSeconds(at) }),
    );
    this.webhooks.send(payload, (delivered) =>
      phone.setStatus(wamid, delivered ? 'delivered' : 'sent'),
    );
    return wamid;
  }

  close(): void {
    this.work.close();
  }
}
