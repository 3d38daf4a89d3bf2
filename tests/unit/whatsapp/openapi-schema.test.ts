/**
 * The OpenAPI validator the client tests rely on: it must accept Meta's own examples of the
 * messages we send, and reject bodies that deviate, or the client tests would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  compilerFor,
  describeErrors,
  loadRawSpec,
  requestBodyValidator,
  requestExamples,
  validatorAt,
} from './openapi-schema.js';

const MESSAGES = '/{Version}/{Phone-Number-ID}/messages';
const validate = requestBodyValidator(MESSAGES, 'post');
const examples = requestExamples(MESSAGES, 'post');

const text = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '16505551234',
  type: 'text',
  text: { body: 'Hello', preview_url: false },
};

const template = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '16505551234',
  type: 'template',
  template: {
    name: 'wa4t_opt_in',
    language: { policy: 'deterministic', code: 'en' },
    components: [
      { type: 'body', parameters: [{ type: 'text', text: 'Contoso' }] },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload: 'wa4t:consent' }],
      },
    ],
  },
};

function accepts(body: unknown): void {
  expect(validate(body), describeErrors(validate)).toBe(true);
}

describe('the OpenAPI schema of POST /{Version}/{Phone-Number-ID}/messages', () => {
  it.each([
    'Send Text Message',
    'Send Reply to Text Message',
    'Send Image Message by ID',
    'Send Reply to Image Message by ID',
  ])("accepts Meta's own example %s", (name) => accepts(examples[name]));

  it.each(['Send Message Template Text', 'Send Sample Shipping Confirmation Template'])(
    "accepts Meta's template example %s once it names the language policy the schema requires",
    (name) => {
      const example = structuredClone(examples[name]) as {
        template: { language: Record<string, string> };
      };
      example.template.language.policy = 'deterministic';
      accepts(example);
    },
  );

  it('accepts our text and template shapes, with biz_opaque_callback_data', () => {
    accepts({ ...text, biz_opaque_callback_data: 'thread-1:3' });
    accepts({ ...template, biz_opaque_callback_data: 'thread-1:3' });
  });

  it.each<[string, (b: Record<string, unknown>) => void]>([
    ['a text without a recipient', (b) => delete b.to],
    ['a misspelt top-level property', (b) => (b.biz_opaque_callbackdata = 'x')],
    ['a callback data over 512 characters', (b) => (b.biz_opaque_callback_data = 'x'.repeat(513))],
    ['an unknown property inside text', (b) => ((b.text as Record<string, unknown>).bold = true)],
    ['a type that does not match its content', (b) => (b.type = 'image')],
    ['an unknown recipient type', (b) => (b.recipient_type = 'person')],
  ])('rejects %s', (_, change) => {
    const body = structuredClone(text) as Record<string, unknown>;
    change(body);
    expect(validate(body)).toBe(false);
  });

  it.each<
    [
      string,
      (t: {
        template: Record<string, unknown> & { components: Record<string, unknown>[] };
      }) => void,
    ]
  >([
    ['a template without a language', (b) => delete b.template.language],
    [
      'a body parameter without its text',
      (b) => delete (b.template.components[0]!.parameters as Record<string, unknown>[])[0]!.text,
    ],
    [
      'a quick reply without its payload',
      (b) => delete (b.template.components[1]!.parameters as Record<string, unknown>[])[0]!.payload,
    ],
    ['a button index that is a number', (b) => (b.template.components[1]!.index = 0)],
    ['a button index out of 0-9', (b) => (b.template.components[1]!.index = '10')],
    ['a quick reply without its sub_type', (b) => delete b.template.components[1]!.sub_type],
    ['a component of an unknown type', (b) => (b.template.components[0]!.type = 'footer')],
  ])('rejects %s', (_, change) => {
    const body = structuredClone(template) as Parameters<typeof change>[0];
    change(body);
    expect(validate(body)).toBe(false);
  });

  it('rejects an image sent by neither id nor link', () => {
    expect(validate({ ...text, type: 'image', text: undefined, image: { media_id: '1' } })).toBe(
      false,
    );
  });

  it('needs the normalisation: the schema as published rejects even a valid text message', () => {
    const published = validatorAt('#/components/schemas/Message', compilerFor(loadRawSpec()));
    expect(published(text)).toBe(false);
    expect(validatorAt('#/components/schemas/Message')(text)).toBe(true);
  });

  it("needs the normalisation: as published, a template's body parameters are never checked", () => {
    const published = validatorAt('#/components/schemas/Message', compilerFor(loadRawSpec()));
    const broken = structuredClone(template);
    broken.template.components[0] = {
      type: 'body',
      parameters: [{ type: 'text', txet: 'Contoso' } as never],
    };
    broken.template.components.pop(); // the published index pattern refuses "0" anyway
    expect(published(broken)).toBe(true);
    expect(validate(broken)).toBe(false);
  });
});

describe('the OpenAPI schema of POST /{Version}/{Phone-Number-ID}/media (multipart)', () => {
  const upload = requestBodyValidator(
    '/{Version}/{Phone-Number-ID}/media',
    'post',
    'multipart/form-data',
  );

  it('accepts file, messaging_product and type', () => {
    expect(upload({ file: '<binary>', messaging_product: 'whatsapp', type: 'image/png' })).toBe(
      true,
    );
  });

  it('rejects a messaging_product that is not a string', () => {
    expect(upload({ file: '<binary>', messaging_product: 1 })).toBe(false);
  });
});
