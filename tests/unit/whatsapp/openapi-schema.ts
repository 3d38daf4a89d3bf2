/**
 * Meta's OpenAPI for the Cloud API (facebook/openapi, business-messaging-api_v23.0.yaml), loaded
 * once and compiled with ajv so tests can check every body the client builds against the schema
 * of its operation.
 *
 * The file is OpenAPI 3.1 (JSON Schema 2020-12), but a few of its schemas cannot be used as
 * written: they would reject Meta's own examples, or accept anything. `normalise` fixes exactly
 * those, each for a stated reason, and openapi-schema.test.ts proves the result still rejects
 * bodies that deviate.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Meta's OpenAPI description (facebook/openapi, MIT licence beside it), kept in the repo so
 * the tests need nothing outside it. The same file as ../shared/reference/.
 */
export const SPEC_PATH = fileURLToPath(
  new URL('../../fixtures/openapi/business-messaging-api_v23.0.yaml', import.meta.url),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(node: Json, visit: (o: JsonObject) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (isObject(node)) {
    visit(node);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

const schemaRef = (name: string): string => `#/components/schemas/${name}`;

/** The spec as Meta publishes it. */
export function loadRawSpec(): JsonObject {
  return parse(readFileSync(SPEC_PATH, 'utf8')) as JsonObject;
}

/** The spec with its known defects fixed (see each step). Returns a fresh copy. */
export function normalise(spec: JsonObject): JsonObject {
  const doc = structuredClone(spec);
  const schemas = (doc.components as JsonObject).schemas as JsonObject;

  // 1. `allOf: [Base, { additionalProperties: false, properties: {...} }]` rejects every
  //    property of Base (additionalProperties only sees its own subschema), so no TextMessage
  //    could ever validate. The intent, in 2020-12 terms, is `unevaluatedProperties: false` on
  //    the combined schema.
  walk(doc, (o) => {
    const allOf = o.allOf;
    if (!Array.isArray(allOf)) return;
    for (const branch of allOf) {
      if (isObject(branch) && branch.additionalProperties === false) {
        delete branch.additionalProperties;
        o.unevaluatedProperties = false;
      }
    }
  });

  // 2. `biz_opaque_callback_data` on a message send: documented on Meta's Messages reference
  //    (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages, "arbitrary
  //    string, useful for tracking", max 512 characters) and echoed in status webhooks, but the
  //    v23.0 file only has it on the calls API
  // (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/).
  const base = schemas.BaseMessageProperties as JsonObject;
  (base.properties as JsonObject).biz_opaque_callback_data = { type: 'string', maxLength: 512 };

  // 3. A template button's `index` has pattern `^[2-6, 11-14]$`: a character class, which
  //    rejects "0" although the description says "Position index of the button (0-9)" and the
  //    spec's own examples send "0" and "1".
  walk(doc, (o) => {
    if (o.pattern === '^[2-6, 11-14]$') o.pattern = '^[0-9]$';
  });

  // 5. (Applied before 4, which reads the mapping.) The webhook's `IncomingMessage` maps each
  //    type to the schema for SENDING it (AudioMessage: `to`, `recipient_type`, a media `link`),
  //    so not even Meta's own "Image Message" and "Location Message" examples validate. The
  //    inbound schemas are in the file, renamed by a collision: TextMessage_2, ReactionMessage_1,
  //    AudioMessage_1 (voice), DocumentMessage_1 (filename), ImageMessage_1, StickerMessage_1
  //    (animated), VideoMessage_1, LocationMessage_1, matching Meta's webhook reference
  // (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages);
  //    they in turn extend the send base instead of the inbound one (from, id, timestamp),
  //    BaseMessageProperties_1. Point both at the inbound schemas.
  const inbound: Record<string, string> = {
    text: 'TextMessage_2',
    reaction: 'ReactionMessage_1',
    audio: 'AudioMessage_1',
    document: 'DocumentMessage_1',
    image: 'ImageMessage_1',
    sticker: 'StickerMessage_1',
    video: 'VideoMessage_1',
    location: 'LocationMessage_1',
  };
  const incoming = schemas.IncomingMessage as JsonObject;
  const incomingMapping = (incoming.discriminator as JsonObject).mapping as JsonObject;
  for (const [type, name] of Object.entries(inbound)) {
    const sendSchema = incomingMapping[type];
    incomingMapping[type] = schemaRef(name);
    incoming.oneOf = (incoming.oneOf as JsonObject[]).map((r) =>
      r.$ref === sendSchema ? { $ref: schemaRef(name) } : r,
    );
    walk(schemas[name] as Json, (o) => {
      if (o.$ref === schemaRef('BaseMessageProperties'))
        o.$ref = schemaRef('BaseMessageProperties_1');
    });
  }

  // 4. OpenAPI `discriminator` on a base schema (TemplateComponent -> BodyComponent, …) is not
  //    JSON Schema: ajv ignores it, so body and button parameters would never be checked. Make
  //    it explicit as if/then, and point the subtypes' `allOf` at a copy of the base without
  //    the discriminator so the two do not recurse.
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isObject(schema) || !isObject(schema.discriminator)) continue;
    const { propertyName, mapping } = schema.discriminator as {
      propertyName: string;
      mapping: Record<string, string>;
    };
    const byValue = Object.entries(mapping).map(([value, target]) => ({
      if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
      then: { $ref: target },
    }));
    if (Array.isArray(schema.oneOf)) {
      // With `oneOf` as well (Message, IncomingMessage): the discriminator already names the
      // one branch that applies; checking it alone gives precise errors instead of eleven.
      schemas[name] = {
        type: 'object',
        required: [propertyName],
        properties: { [propertyName]: { enum: Object.keys(mapping) } },
        allOf: byValue,
      };
      continue;
    }
    const baseName = `${name}__base`;
    const { discriminator: _dropped, ...withoutDiscriminator } = schema;
    schemas[baseName] = withoutDiscriminator;
    for (const target of Object.values(mapping)) {
      walk(schemas[target.split('/').pop() as string] as Json, (o) => {
        if (o.$ref === schemaRef(name)) o.$ref = schemaRef(baseName);
      });
    }
    schemas[name] = {
      allOf: [{ $ref: schemaRef(baseName) }, ...byValue],
    };
  }
  return doc;
}

let ajv: Ajv2020 | undefined;
let rawSpec: JsonObject | undefined;

export function spec(): JsonObject {
  rawSpec ??= loadRawSpec();
  return rawSpec;
}

/** An ajv holding `doc` as schema "openapi". */
export function compilerFor(doc: JsonObject): Ajv2020 {
  // Unknown OpenAPI keywords (example, discriminator, x-…) are annotations here: not strict.
  const instance = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv2020) => void;
  addFormats(instance);
  // OpenAPI formats that are not JSON Schema ones.
  instance.addFormat('url', (s: string) => URL.canParse(s));
  instance.addFormat('binary', true);
  instance.addFormat('float', true);
  instance.addSchema(doc as object, 'openapi');
  return instance;
}

function compiler(): Ajv2020 {
  ajv ??= compilerFor(normalise(spec()));
  return ajv;
}

/** The validator of a JSON-pointer location in the spec, e.g. `#/components/schemas/Message`. */
export function validatorAt(pointer: string, using: Ajv2020 = compiler()): ValidateFunction {
  const id = `openapi${pointer}`;
  return using.getSchema(id) ?? using.compile({ $ref: id });
}

/** The request-body validator of an operation, e.g. ('/{Version}/{Phone-Number-ID}/messages', 'post'). */
export function requestBodyValidator(
  path: string,
  method: string,
  mediaType = 'application/json',
): ValidateFunction {
  const escaped = path.replaceAll('~', '~0').replaceAll('/', '~1');
  return validatorAt(
    `#/paths/${encodeURIComponent(escaped).replaceAll('%7B', '{').replaceAll('%7D', '}')}/${method}/requestBody/content/${mediaType.replace('/', '~1')}/schema`,
  );
}

export function requestExamples(
  path: string,
  method: string,
  mediaType = 'application/json',
): Record<string, unknown> {
  const op = ((spec().paths as JsonObject)[path] as JsonObject)[method] as JsonObject;
  const content = ((op.requestBody as JsonObject).content as JsonObject)[mediaType] as JsonObject;
  return Object.fromEntries(
    Object.entries((content.examples ?? {}) as JsonObject).map(([k, v]) => [
      k,
      (v as JsonObject).value,
    ]),
  );
}

/** ajv's errors as one readable line, for test failure messages. */
export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
    .join('; ');
}
