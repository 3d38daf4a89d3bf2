/**
 * What becomes of a message the business sent, once the sandbox accepted it: WhatsApp's
 * `sent → delivered → read` statuses with the configured delays, or one `failed` status.
 *
 * - Free-form messages (text, image, interactive) to a contact who has not written in the last
 *   24 hours, or never did, fail with 131047 "Re-engagement message", after a 200 with a wamid:
 *   the asynchronous path (131047,
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 *   Templates are always allowed.
 * - A phone set to fail its next delivery fails it with the chosen code.
 * - A picture whose media id is unknown, or whose link cannot be fetched as JPEG/PNG, fails with
 *   131053 "Media upload error".
 * - `read` only once the phone has the chat open and in view (now, or when it is next opened),
 *   templates too, so "delivered, not yet read" can be seen; never with read receipts off
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/).
 */
import { WINDOW } from '../core/types.js';
import { sniffImageType, IMAGE_MAX_BYTES } from '../whatsapp/media-rules.js';
import type { Clock } from './clock.js';
import type { ContactPhone } from './contact-phone.js';
import { statusError } from './error-codes.js';
import type { MediaStore } from './media-store.js';
import type { OutboundView } from './outbound-message.js';
import type { PendingWork } from './pending-work.js';
import type { SendRequest } from './send-request.js';
import {
  unixSeconds,
  type DeliveryStatus,
  type Pricing,
  type StatusUpdate,
} from './webhook-payloads.js';

export interface DeliveryDelays {
  /** From acceptance to `sent` (or `failed`). */
  readonly sentMs: number;
  /** From `sent` to `delivered`: the message appears on the phone. */
  readonly deliveredMs: number;
  /** From `delivered` to `read`, when the phone sends read receipts. */
  readonly readMs: number;
}

export const DEFAULT_DELIVERY_DELAYS: DeliveryDelays = {
  sentMs: 300,
  deliveredMs: 800,
  readMs: 1500,
};

/** A business send the sandbox accepted, and the statuses it reported for it. */
export interface OutboundRecord {
  readonly wamid: string;
  readonly waId: string;
  readonly request: SendRequest;
  /** Sandbox-clock time of acceptance. */
  readonly acceptedAt: number;
  readonly statuses: {
    readonly status: DeliveryStatus;
    readonly at: number;
    readonly code?: number;
  }[];
}

export interface DeliveryContext {
  readonly clock: Clock;
  readonly delays: DeliveryDelays;
  readonly work: PendingWork;
  readonly media: MediaStore;
  readonly fetch: typeof globalThis.fetch;
  /** Reports a status to the app (a webhook) and to the phone. */
  readonly report: (record: OutboundRecord, status: StatusUpdate) => void;
}

/** Whether the contact's window is open at `now` (24 h from their last message). */
export function windowOpen(phone: ContactPhone, now: number): boolean {
  return phone.lastInboundAt !== undefined && now - phone.lastInboundAt < WINDOW;
}

/**
 * Decides at acceptance what will happen (so a test's `failNextDelivery` or clock move before
 * the send is what counts), then plays it out in the background.
 */
export function startDelivery(
  ctx: DeliveryContext,
  record: OutboundRecord,
  phone: ContactPhone,
  view: OutboundView,
): void {
  const inWindow = windowOpen(phone, record.acceptedAt);
  const chosen = phone.takeFailNext();
  const failure = chosen ?? (record.request.type !== 'template' && !inWindow ? 131047 : undefined);
  const template = record.request.type === 'template';
  const pricing: Pricing = {
    billable: !inWindow && template,
    pricing_model: 'PMP',
    category: template ? 'utility' : 'service',
    type: !inWindow && template ? 'regular' : 'free_customer_service',
  };
  const status = (s: DeliveryStatus, extra: Partial<StatusUpdate> = {}): StatusUpdate => ({
    id: record.wamid,
    status: s,
    timestamp: unixSeconds(ctx.clock.now()),
    recipient_id: record.waId,
    ...(record.request.biz_opaque_callback_data === undefined
      ? {}
      : { biz_opaque_callback_data: record.request.biz_opaque_callback_data }),
    ...extra,
  });
  const fail = (code: number, details?: string) => {
    phone.add({
      ...view,
      id: record.wamid,
      from: 'business',
      at: ctx.clock.now(),
      kind: 'undelivered',
      status: 'failed',
      error: { code, title: statusError(code).title },
    });
    ctx.report(record, status('failed', { errors: [statusError(code, details)] }));
  };

  ctx.work.run(
    async () => {
      await ctx.work.wait(ctx.delays.sentMs);
      if (failure !== undefined) return fail(failure);
      const image = await resolveImage(ctx, view);
      if (typeof image === 'string') return fail(131053, image);
      const media = resolveDocument(ctx, view);
      if (typeof media === 'string') return fail(131053, media);
      ctx.report(record, status('sent', { pricing }));
      await ctx.work.wait(ctx.delays.deliveredMs);
      phone.add({
        ...view,
        ...(image ? { image } : {}),
        ...(media ? { media } : {}),
        id: record.wamid,
        from: 'business',
        at: ctx.clock.now(),
        status: 'delivered',
      });
      ctx.report(record, status('delivered', { pricing }));
      await ctx.work.wait(ctx.delays.readMs);
      // Read when the contact looks at the chat; receipts checked then: switching them off
      // while a message waits counts.
      phone.delivered(record.wamid, () => {
        if (phone.readReceipts) ctx.report(record, status('read', { pricing }));
      });
    },
    () => undefined,
  );
}

/** A document as the phone shows it (type and size from the upload), or why it cannot be. */
function resolveDocument(ctx: DeliveryContext, view: OutboundView): OutboundView['media'] | string {
  if (view.kind !== 'media' || !view.media) return undefined;
  const stored = ctx.media.get(view.media.mediaId);
  if (!stored) return `Media ID ${view.media.mediaId} does not exist or has expired.`;
  return {
    ...view.media,
    mimeType: stored.mimeType,
    size: stored.size,
    filename: view.media.filename ?? stored.filename,
  };
}

/** The picture to show, undefined for a non-picture, or why it cannot be delivered. */
async function resolveImage(
  ctx: DeliveryContext,
  view: OutboundView,
): Promise<OutboundView['image'] | string> {
  if (view.kind !== 'image' || !view.image) return undefined;
  if (view.imageLink) {
    const fetched = await fetchPicture(ctx.fetch, view.imageLink);
    if (typeof fetched === 'string') return fetched;
    const stored = ctx.media.put(fetched.bytes, fetched.mimeType, 'business');
    return { mediaId: stored.id, mimeType: stored.mimeType, caption: view.image.caption };
  }
  const stored = ctx.media.get(view.image.mediaId);
  if (!stored) return `Media ID ${view.image.mediaId} does not exist or has expired.`;
  if (!stored.mimeType.startsWith('image/'))
    return `Media ID ${view.image.mediaId} is ${stored.mimeType}, not an image.`;
  return { mediaId: stored.id, mimeType: stored.mimeType, caption: view.image.caption };
}

async function fetchPicture(
  fetch: typeof globalThis.fetch,
  link: string,
): Promise<{ bytes: Buffer; mimeType: string } | string> {
  try {
    const response = await fetch(link, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return `Downloading media from ${link} answered HTTP ${response.status}.`;
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > IMAGE_MAX_BYTES) return `The picture at ${link} is over 5 MB.`;
    const mimeType = sniffImageType(bytes);
    return mimeType ? { bytes, mimeType } : `The file at ${link} is not a JPEG or PNG picture.`;
  } catch (error) {
    return `Media could not be downloaded from ${link}: ${error instanceof Error ? error.message : String(error)}.`;
  }
}
