/**
 * The wire shape of a WhatsApp webhook POST, as zod schemas. Strict where routing and
 * idempotency depend on a field; loose elsewhere, so a field Meta adds never turns a
 * notification into a 400 (Meta would redeliver it for up to 7 days,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint).
 */
import { z } from 'zod';

/**
 * Unix seconds, sent as a string
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages);
 * group events send a number. → epoch ms.
 */
const unixSeconds = z
  .union([z.string().regex(/^\d+$/, 'must be Unix seconds'), z.number().int().nonnegative()])
  .transform((v) => Number(v) * 1000);

/**
 * An error inside a notification: `statuses[].errors[]`, `messages[].errors[]`, `value.errors[]`.
 * OpenAPI: components/schemas/StatusError, ErrorObject_2;
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/errors
 */
export const wireError = z
  .object({
    code: z.number().int(),
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
  })
  .loose();

/**
 * Who wrote: `value.contacts[]` (absent for `system` messages).
 * OpenAPI: components/schemas/ContactProfile.
 */
const contactProfile = z
  .object({
    profile: z.object({ name: z.string().optional() }).loose().optional(),
    wa_id: z.string().optional(),
  })
  .loose();

/**
 * An inbound message: the fields every type has. Its content is read per type in webhook.ts.
 * OpenAPI: components/schemas/IncomingMessage (discriminated on `type`);
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
export const wireMessage = z
  .object({
    id: z.string().min(1),
    from: z.string().min(1),
    timestamp: unixSeconds,
    type: z.string().min(1),
    /** Set when the contact replied to, or tapped a button on, one of our messages. */
    context: z
      .object({ from: z.string().optional(), id: z.string().optional() })
      .loose()
      .optional(),
    errors: z.array(wireError).optional(),
  })
  .loose();
export type WireMessage = z.infer<typeof wireMessage>;

/**
 * A status of a message we sent.
 * OpenAPI: components/schemas/Statuses;
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/;
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/
 * `status` is any string here: a value Meta adds (e.g. `played`) is skipped, not refused.
 */
const wireStatus = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    timestamp: unixSeconds,
    recipient_id: z.string().optional(),
    /** Our message id, echoed from the send (message-payloads.ts). */
    biz_opaque_callback_data: z.string().optional(),
    errors: z.array(wireError).optional(),
  })
  .loose();

/**
 * `entry[].changes[].value` for `field: "messages"`: inbound messages, statuses or errors.
 * OpenAPI: IncomingMessageValueGeneral, IncomingMessageValueSystem, StatusMessageValue.
 */
export const messagesValue = z
  .object({
    messaging_product: z.literal('whatsapp').optional(),
    /**
     * The routing key: which business number
     * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
     */
    metadata: z
      .object({ phone_number_id: z.string().min(1), display_phone_number: z.string().optional() })
      .loose(),
    contacts: z.array(contactProfile).optional(),
    messages: z.array(wireMessage).optional(),
    statuses: z.array(wireStatus).optional(),
    errors: z.array(wireError).optional(),
  })
  .loose();
export type MessagesValue = z.infer<typeof messagesValue>;

/**
 * The envelope. OpenAPI: components/schemas/WebhookPayload, Entry, Change;
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages.
 * Only `field: "messages"` values are read; other fields (account_update, template status,
 * groups) have other shapes and are skipped.
 */
export const webhookEnvelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z
      .object({
        /** The WhatsApp Business Account id. */
        id: z.string(),
        changes: z.array(z.object({ field: z.string(), value: z.unknown() }).loose()),
      })
      .loose(),
  ),
});

// ---------------------------------------------------------------------------------------------
// Content by message type
// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
// A known type whose content does not match is read as
// "other": it still opens the window, and nothing is lost silently (the type is kept).

/** OpenAPI: TextMessage (webhook example "Text Message"). */
export const textContent = z.object({ text: z.object({ body: z.string() }).loose() });

/**
 * OpenAPI: ImageMessage (webhook example "Image Message");
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/.
 */
export const imageContent = z.object({
  image: z
    .object({
      id: z.string().min(1),
      mime_type: z.string(),
      sha256: z.string().optional(),
      caption: z.string().optional(),
    })
    .loose(),
});

/** A template quick-reply tap. OpenAPI: ButtonMessage (example "Button Message"). */
export const buttonContent = z.object({
  button: z.object({ payload: z.string(), text: z.string() }).loose(),
});

/**
 * A reply to an interactive message. OpenAPI: InteractiveMessageReply (examples
 * "Interactive Button Reply Message", "Interactive List Reply Message").
 */
export const interactiveContent = z.object({
  interactive: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('button_reply'),
      button_reply: z.object({ id: z.string(), title: z.string() }).loose(),
    }),
    z.object({
      type: z.literal('list_reply'),
      list_reply: z.object({ id: z.string(), title: z.string() }).loose(),
    }),
  ]),
});

/** OpenAPI: SystemMessage (example "System Message"). */
export const systemContent = z.object({
  system: z
    .object({
      type: z.string().optional(),
      body: z.string().optional(),
      wa_id: z.string().optional(),
    })
    .loose(),
});

// Every other kind of media, and locations. Meta's webhook reference for messages
// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages)
// and the OpenAPI schemas MediaMessageProperties (id, mime_type, sha256), DocumentMessage_1
// (+ filename), AudioMessage_1 (+ voice), VideoMessage_1 (+ caption), StickerMessage_1
// (+ animated) and LocationMessage_1. Only the id is needed to download: the rest is optional
// here, so a field Meta drops never turns a file into "unsupported".

const mediaFields = {
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
};

/** OpenAPI DocumentMessage_1: a file, with its name. */
export const documentContent = z.object({
  document: z
    .object({ ...mediaFields, filename: z.string().optional(), caption: z.string().optional() })
    .loose(),
});

/** OpenAPI AudioMessage_1: `voice: true` for a voice note recorded in WhatsApp. */
export const audioContent = z.object({
  audio: z.object({ ...mediaFields, voice: z.boolean().optional() }).loose(),
});

/** OpenAPI VideoMessage_1. */
export const videoContent = z.object({
  video: z.object({ ...mediaFields, caption: z.string().optional() }).loose(),
});

/** OpenAPI StickerMessage_1: a WebP picture, `animated` or not. */
export const stickerContent = z.object({
  sticker: z.object({ ...mediaFields, animated: z.boolean().optional() }).loose(),
});

/** Coordinates are numbers in webhooks (LocationMessage_1); accept digits in a string too. */
const coordinate = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

/** OpenAPI LocationMessage_1 (webhook example "Location Message"). */
export const locationContent = z.object({
  location: z
    .object({
      latitude: coordinate,
      longitude: coordinate,
      name: z.string().optional(),
      address: z.string().optional(),
      url: z.string().optional(),
    })
    .loose(),
});
