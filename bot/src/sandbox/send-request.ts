/**
 * The body of POST /{Version}/{Phone-Number-ID}/messages as the sandbox accepts it: the shapes
 * of Meta's OpenAPI (operation sendMessage: schemas Message, BaseMessageProperties, TextMessage,
 * ImageMessage/MediaObject_1, TemplateMessage/TemplateObject, InteractiveMessage/
 * InteractiveObject, and MarkMessageRequestPayload), checked strictly so a wrong body fails here
 * as it would on Graph. The sandbox delivers text, image, template and interactive messages.
 */
import { z } from 'zod';
import { invalidParameter, missingParameter, type GraphError } from './error-codes.js';

const context = z.strictObject({ message_id: z.string().min(1) });

/**
 * BaseMessageProperties, plus biz_opaque_callback_data (Meta's Messages reference: ≤ 512).
 * `recipient_type` (like `language.policy` below) is required by the schema, yet the spec's own
 * examples leave it out and Graph defaults it, so it is optional here too.
 */
const base = {
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().regex(/^\+?[\d\s()-]{5,24}$/, 'must be a phone number'),
  context: context.optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
};

/** TextMessage: the body is at most 4,096 characters (OpenAPI TextMessage). */
const text = z.strictObject({
  ...base,
  type: z.literal('text'),
  text: z.strictObject({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }),
});

/** MediaObject_1: by id or by link, with an optional caption. */
const media = z.union([
  z.strictObject({ id: z.string().min(1), caption: z.string().max(1024).optional() }),
  z.strictObject({
    link: z.url({ protocol: /^https?$/ }),
    caption: z.string().max(1024).optional(),
  }),
]);

const image = z.strictObject({ ...base, type: z.literal('image'), image: media });

/** DocumentMessage: an uploaded file by id, with the file name the phone shows. */
const document = z.strictObject({
  ...base,
  type: z.literal('document'),
  document: z.strictObject({
    id: z.string().min(1),
    filename: z.string().min(1).max(240).optional(),
    caption: z.string().max(1024).optional(),
  }),
});

/** ParameterObject (body) and ButtonParameterObject (button), the kinds a sandbox can show. */
const textParameter = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1),
  parameter_name: z.string().optional(),
});
const currencyParameter = z.strictObject({
  type: z.literal('currency'),
  currency: z.strictObject({
    fallback_value: z.string(),
    code: z.string(),
    amount_1000: z.number(),
  }),
});
const dateTimeParameter = z.strictObject({
  type: z.literal('date_time'),
  date_time: z.object({ fallback_value: z.string() }).loose(),
});
const mediaParameter = z.strictObject({
  type: z.enum(['image', 'video', 'document']),
  image: media.optional(),
  video: media.optional(),
  document: media.optional(),
});

const bodyComponent = z.strictObject({
  type: z.literal('body'),
  parameters: z.array(z.union([textParameter, currencyParameter, dateTimeParameter])).optional(),
});
const headerComponent = z.strictObject({
  type: z.literal('header'),
  parameters: z.array(z.union([textParameter, mediaParameter])).min(1),
});
const buttonComponent = z.strictObject({
  type: z.literal('button'),
  sub_type: z.enum(['quick_reply', 'url', 'catalog']),
  // A string in the schema; one of the spec's own examples sends a number, which Graph takes.
  index: z.union([
    z.string().regex(/^[0-9]$/, 'must be "0" to "9"'),
    z.number().int().min(0).max(9).transform(String),
  ]),
  parameters: z
    .array(
      z.union([
        z.strictObject({ type: z.literal('payload'), payload: z.string().min(1) }),
        z.strictObject({ type: z.literal('text'), text: z.string().min(1) }),
      ]),
    )
    .min(1),
});

const template = z.strictObject({
  ...base,
  type: z.literal('template'),
  template: z.strictObject({
    name: z.string().min(1),
    language: z.strictObject({
      policy: z.literal('deterministic').optional(),
      code: z.string().min(2),
    }),
    components: z
      .array(z.discriminatedUnion('type', [headerComponent, bodyComponent, buttonComponent]))
      .optional(),
  }),
});

/** InteractiveObject, reply buttons (≤ 3) and lists (≤ 10 sections). */
const replyButton = z.strictObject({
  type: z.literal('reply'),
  reply: z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
});
const listRow = z.strictObject({
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(24),
  description: z.string().max(72).optional(),
});
const listSection = z.strictObject({
  title: z.string().max(24).optional(),
  rows: z.array(listRow).min(1).max(10),
});

const interactiveCommon = {
  header: z
    .strictObject({
      type: z.literal('text'),
      text: z.string().min(1).max(60),
      sub_text: z.string().max(60).optional(),
    })
    .optional(),
  body: z.strictObject({ text: z.string().min(1).max(1024) }),
  footer: z.strictObject({ text: z.string().min(1).max(60) }).optional(),
};

const interactive = z.strictObject({
  ...base,
  type: z.literal('interactive'),
  interactive: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('button'),
      ...interactiveCommon,
      action: z.strictObject({ buttons: z.array(replyButton).min(1).max(3) }),
    }),
    z.strictObject({
      type: z.literal('list'),
      ...interactiveCommon,
      action: z.strictObject({
        button: z.string().min(1).max(20),
        sections: z.array(listSection).min(1).max(10),
      }),
    }),
  ]),
});

/** MarkMessageRequestPayload: a read receipt for an inbound message, with a typing indicator. */
const markRead = z.strictObject({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.strictObject({ type: z.literal('text') }).optional(),
});

export type TextRequest = z.infer<typeof text>;
export type ImageRequest = z.infer<typeof image>;
export type DocumentRequest = z.infer<typeof document>;
export type TemplateRequest = z.infer<typeof template>;
export type InteractiveRequest = z.infer<typeof interactive>;
export type SendRequest =
  TextRequest | ImageRequest | DocumentRequest | TemplateRequest | InteractiveRequest;
export type MarkReadRequest = z.infer<typeof markRead>;

const schemas = { text, image, document, template, interactive } as const;
const OTHER_TYPES = ['audio', 'document', 'video', 'sticker', 'location', 'contacts', 'reaction'];

/** The request, or the Graph error WhatsApp would answer with. */
export function parseSendRequest(
  json: unknown,
): { request: SendRequest } | { markRead: MarkReadRequest } | { error: GraphError } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { error: invalidParameter('The request body must be a JSON object.') };
  }
  const body = json as Record<string, unknown>;
  if (body.messaging_product === undefined) {
    return { error: missingParameter('The parameter messaging_product is required.') };
  }
  if ('status' in body && !('type' in body)) {
    const parsed = markRead.safeParse(body);
    return parsed.success ? { markRead: parsed.data } : { error: toGraphError(parsed.error, body) };
  }
  const type = body.type;
  if (type === undefined) return { error: missingParameter('The parameter type is required.') };
  if (typeof type !== 'string' || !(type in schemas)) {
    return {
      error: invalidParameter(
        OTHER_TYPES.includes(String(type))
          ? `The sandbox does not deliver ${String(type)} messages; it delivers text, image, document, template and interactive.`
          : `Unsupported message type: ${String(type)}.`,
      ),
    };
  }
  const interactiveType = (body.interactive as { type?: unknown } | undefined)?.type;
  if (
    type === 'interactive' &&
    typeof interactiveType === 'string' &&
    !['button', 'list'].includes(interactiveType)
  ) {
    return {
      error: invalidParameter(
        `The sandbox delivers interactive button and list messages, not ${interactiveType}.`,
      ),
    };
  }
  const parsed = schemas[type as keyof typeof schemas].safeParse(body);
  return parsed.success ? { request: parsed.data } : { error: toGraphError(parsed.error, body) };
}

/** The first problem, as Graph reports it: 131008 for a missing field, 100 for a wrong one. */
function toGraphError(error: z.ZodError, body: unknown): GraphError {
  const issue = error.issues[0];
  if (!issue) return invalidParameter('Invalid request.');
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path ? `${path}.` : '';
    return invalidParameter(
      `Param ${issue.keys.map((k) => where + k).join(', ')} is not a valid parameter.`,
    );
  }
  if (valueAt(body, issue.path) === undefined)
    return missingParameter(`The parameter ${path} is required.`);
  return invalidParameter(`Param ${path} is invalid: ${issue.message}.`);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** The contact's WhatsApp id: `to` without '+' and punctuation. */
export function waIdOf(to: string): string {
  return to.replace(/\D/g, '');
}

/**
 * Everything but templates is free-form: allowed only inside the 24-hour window
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
 */
export function isFreeForm(request: SendRequest): boolean {
  return request.type !== 'template';
}
