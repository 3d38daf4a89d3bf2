import { describe, expect, it } from 'vitest';
import { WebhookPayloadError } from '../../../bot/src/whatsapp/errors.js';
import {
  parseWebhook,
  type InboundMessageItem,
  type WebhookItem,
} from '../../../bot/src/whatsapp/webhook.js';
import { describeErrors, requestExamples, validatorAt } from './openapi-schema.js';
import { fixture } from './support/fixtures.js';

/** Meta's webhook examples: OpenAPI POST /whatsapp/webhooks, requestBody examples. */
const metaExamples = requestExamples('/whatsapp/webhooks', 'post');

const ROUTE = { phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };
const SHEENA = { from: '16505551234', contactName: 'Sheena Nelson' };

/** What each of Meta's examples must parse to (one inbound message each, or nothing). */
const expected: Record<string, Partial<InboundMessageItem> | null> = {
  'Text Message': {
    ...ROUTE,
    ...SHEENA,
    wabaId: '419561257915477',
    waMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    sentAt: 1749416383000,
    content: { type: 'text', text: 'Does it come in another color?' },
  },
  'Text Message with Context (Product Inquiry)': {
    ...ROUTE,
    ...SHEENA,
    wabaId: '102290129340398',
    contextId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
    content: { type: 'text', text: 'Is this still available?' },
  },
  'Text Message from Click to WhatsApp Ad': {
    ...SHEENA,
    sentAt: 1750275992000,
    content: { type: 'text', text: 'Hello! Can I get more info on this?' },
  },
  'Reaction Message': { ...SHEENA, content: { type: 'other', messageType: 'reaction' } },
  'Image Message': {
    ...SHEENA,
    sentAt: 1744344496000,
    content: {
      type: 'image',
      mediaId: '1003383421387256',
      mimeType: 'image/jpeg',
      sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
      caption: 'Taj Mahal',
    },
  },
  'Location Message': {
    ...SHEENA,
    content: {
      type: 'location',
      location: {
        latitude: 37.44221496582,
        longitude: -122.16165924072,
        name: 'Philz Coffee',
        address: '101 Forest Ave, Palo Alto, CA 94301',
        url: 'https://philzcoffee.com/',
      },
    },
  },
  'Contact Sharing Message': { ...SHEENA, content: { type: 'other', messageType: 'contacts' } },
  'Unsupported Message': {
    ...SHEENA,
    content: { type: 'other', messageType: 'unsupported' },
    errors: [
      {
        graphCode: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        details: 'Message type is currently not supported.',
      },
    ],
  },
  'Button Message': {
    ...SHEENA,
    contextId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA',
    content: { type: 'button', button: 'unknown', payload: 'Unsubscribe', text: 'Unsubscribe' },
  },
  'Interactive List Reply Message': {
    ...SHEENA,
    content: {
      type: 'interactive',
      reply: 'list_reply',
      id: 'priority_express',
      title: 'Priority Mail Express',
      button: 'unknown',
    },
  },
  'Interactive Button Reply Message': {
    ...SHEENA,
    contextId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA',
    content: {
      type: 'interactive',
      reply: 'button_reply',
      id: 'cancel-button',
      title: 'Cancel',
      button: 'unknown',
    },
  },
  'Order Message': { ...SHEENA, content: { type: 'other', messageType: 'order' } },
  'System Message': {
    from: '16505551234',
    contactName: undefined,
    sentAt: 1750269342000,
    content: { type: 'other', messageType: 'system', newWaId: '12195555358' },
  },
  // Group events are other webhook fields: nothing for a 1:1 connector.
  'Group Create Message': null,
  'Group Settings Update': null,
  'Group Remove Participants': null,
};

describe("parseWebhook on Meta's example payloads", () => {
  it('covers every example the OpenAPI file has', () => {
    expect(Object.keys(metaExamples).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('parses %s', (name, want) => {
    const items = parseWebhook(metaExamples[name]);
    if (want === null) {
      expect(items).toEqual([]);
      return;
    }
    expect(items).toHaveLength(1);
    const [item] = items as [InboundMessageItem];
    expect(item.kind).toBe('message');
    expect(item.idempotencyKey).toBe(`msg:${item.waMessageId}`);
    expect(item.waMessageId).toMatch(/^wamid\./);
    expect(item.phoneNumberId).toBe('106540352242922');
    expect(item).toMatchObject({ errors: [], ...want });
  });
});

describe('parseWebhook on statuses', () => {
  it('reads a failed status with its error code and our message id', () => {
    const items = parseWebhook(fixture('status-failed-window-closed.json'));
    expect(items).toEqual([
      {
        kind: 'status',
        idempotencyKey: 'status:wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGQUlMRUQA:failed',
        phoneNumberId: '106540352242922',
        displayPhoneNumber: '15550783881',
        wabaId: '419561257915477',
        waMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGQUlMRUQA',
        status: 'failed',
        at: 1767226100000,
        recipientId: '16505551234',
        callbackData: 'thread-7:3',
        errors: [
          {
            graphCode: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            details:
              'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
        ],
      },
    ]);
  });

  it('keeps every status in the order given, one key per (wamid, status), and skips statuses it does not know', () => {
    const items = parseWebhook(fixture('statuses-out-of-order.json'));
    expect(
      items.map((i) => [i.kind === 'status' && i.status, i.kind === 'status' && i.at]),
    ).toEqual([
      ['read', 1767225660000],
      ['sent', 1767225601000],
      ['delivered', 1767225602000],
    ]);
    expect(items.map((i) => i.idempotencyKey)).toEqual([
      'status:wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJTRU5UAA:read',
      'status:wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJTRU5UAA:sent',
      'status:wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJTRU5UAA:delivered',
    ]);
  });

  it('are fixtures the OpenAPI schema accepts', () => {
    const validate = validatorAt('#/components/schemas/WebhookPayload');
    const failed = fixture('status-failed-window-closed.json');
    expect(validate(failed), describeErrors(validate)).toBe(true);
    // "played" is in Meta's status reference
    // (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/)
    // but not in the v23.0 enum.
    const outOfOrder = fixture('statuses-out-of-order.json') as {
      entry: { changes: { value: { statuses: { status: string }[] } }[] }[];
    };
    expect(validate(outOfOrder)).toBe(false);
    const statuses = outOfOrder.entry[0]!.changes[0]!.value.statuses;
    statuses.splice(
      statuses.findIndex((st) => st.status === 'played'),
      1,
    );
    expect(validate(outOfOrder), describeErrors(validate)).toBe(true);
  });
});

describe('parseWebhook on errors and batches', () => {
  it('reads value.errors[] (e.g. 130429) as error items with a stable key', () => {
    const payload = fixture('value-errors-throughput.json');
    const [item, ...rest] = parseWebhook(payload);
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      kind: 'error',
      phoneNumberId: '106540352242922',
      error: {
        graphCode: 130429,
        title: 'Rate limit hit',
        details: 'Cloud API message throughput has been reached.',
      },
    });
    expect(item?.idempotencyKey).toMatch(/^error:106540352242922:130429:[0-9a-f]{16}$/);
    expect(parseWebhook(structuredClone(payload))[0]?.idempotencyKey).toBe(item?.idempotencyKey);
  });

  it('reads every entry and change, tags each item with its business number, and skips other fields', () => {
    const items: WebhookItem[] = parseWebhook(fixture('batch-two-numbers.json'));
    expect(items.map((i) => [i.kind, i.phoneNumberId, i.idempotencyKey])).toEqual([
      ['message', '106540352242922', 'msg:wamid.BATCH1'],
      ['message', '106540352242922', 'msg:wamid.BATCH2'],
      ['status', '200000000000002', 'status:wamid.OTHERNUMBER:delivered'],
    ]);
    expect(items[0]).toMatchObject({
      from: '19835552319',
      contactName: 'Lucía Gómez',
      content: { type: 'text', text: '¿Sigue disponible?' },
    });
    // A tap on our opt-in template: consent, with our message id from the payload.
    expect(items[1]).toMatchObject({
      contactName: 'Sheena Nelson',
      contextId: 'wamid.OPTIN',
      content: {
        type: 'button',
        button: 'consent',
        payload: 'wa4t:consent:thread-7:1',
        text: 'Agree',
        ref: 'thread-7:1',
      },
    });
  });

  it.each([
    ['wa4t:decline:t:2', 'decline'],
    ['wa4t:resume', 'resume'],
  ])(
    'reads the quick reply %s as %s, in a template button or an interactive reply',
    (payload, meaning) => {
      const message = (extra: object) =>
        envelope({ messages: [{ from: '1', id: 'wamid.Q', timestamp: '1', ...extra }] });
      const [button] = parseWebhook(message({ type: 'button', button: { payload, text: 'x' } }));
      const [reply] = parseWebhook(
        message({
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: payload, title: 'x' } },
        }),
      );
      expect(button).toMatchObject({ content: { button: meaning } });
      expect(reply).toMatchObject({ content: { button: meaning } });
    },
  );
});

/** A `messages` notification around `value` fields. */
function envelope(
  value: object,
  metadata: object | null = {
    display_phone_number: '15550783881',
    phone_number_id: '106540352242922',
  },
): unknown {
  const routing = metadata === null ? {} : { metadata };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '419561257915477',
        changes: [
          { field: 'messages', value: { messaging_product: 'whatsapp', ...routing, ...value } },
        ],
      },
    ],
  };
}

describe('parseWebhook on what is not a WhatsApp notification', () => {
  function refusal(body: unknown): WebhookPayloadError {
    try {
      parseWebhook(body);
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookPayloadError);
      return error as WebhookPayloadError;
    }
    throw new Error('parseWebhook accepted it');
  }

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an empty object', {}],
    ['a Page webhook', { object: 'page', entry: [] }],
    ['entries that are not a list', { object: 'whatsapp_business_account', entry: {} }],
    [
      'a change without a field',
      { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ value: {} }] }] },
    ],
  ])('refuses %s with a 400', (_, body) => {
    const error = refusal(body);
    expect(error.httpStatus).toBe(400);
    expect(error.code).toBe('whatsapp.webhook_invalid');
  });

  it('refuses a messages change that does not say which business number it is for', () => {
    const error = refusal(envelope({ messages: [] }, null));
    expect(error.issues.join('\n')).toContain('entry.0.changes.0.value.metadata');
  });

  it.each([
    ['without an id', { from: '1', timestamp: '1', type: 'text', text: { body: 'x' } }],
    ['without a sender', { id: 'wamid.X', timestamp: '1', type: 'text', text: { body: 'x' } }],
    [
      'with a timestamp that is not Unix seconds',
      {
        from: '1',
        id: 'wamid.X',
        timestamp: '2026-01-01T00:00:00Z',
        type: 'text',
        text: { body: 'x' },
      },
    ],
  ])('refuses a message %s', (_, message) => {
    refusal(envelope({ messages: [message] }));
  });

  it('refuses a status without the wamid it is about', () => {
    refusal(envelope({ statuses: [{ status: 'sent', timestamp: '1', recipient_id: '1' }] }));
  });

  it('reads a known type whose content does not match as "other", which still opens the window', () => {
    const [item] = parseWebhook(
      envelope({
        messages: [
          { from: '1', id: 'wamid.X', timestamp: '1', type: 'image', image: { caption: 'no id' } },
        ],
      }),
    );
    expect(item).toMatchObject({
      kind: 'message',
      content: { type: 'other', messageType: 'image' },
    });
  });

  it('reads a message type WhatsApp adds later as "other"', () => {
    const [item] = parseWebhook(
      envelope({
        messages: [{ from: '1', id: 'wamid.X', timestamp: '1', type: 'poll', poll: {} }],
      }),
    );
    expect(item).toMatchObject({ content: { type: 'other', messageType: 'poll' } });
  });
});
