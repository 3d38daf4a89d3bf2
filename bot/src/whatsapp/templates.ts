/**
 * The three templates the business sends, and how their quick-reply buttons come back.
 *
 * Each must be approved in WhatsApp Manager with exactly these variables and buttons (the
 * wording the app shows in Teams is the i18n `contact.*` text):
 * - opt_in: body with {{1}} = the business name; quick replies [0] Agree, [1] Decline.
 * - resume: body with {{1}} = the business name; quick reply [0] "Resume conversation".
 * - participant_notice: body {{1}} = the notice ("Ana has joined this conversation.").
 * A mismatch fails with 132000 (parameter count) or 132001 (name/language), see error-catalogue.ts.
 */
import type { TemplateName } from '../core/types.js';

export interface TemplateConfig {
  /** The approved template's name in WhatsApp Manager. */
  readonly name: string;
  /** Its language code, e.g. "en" or "en_GB". */
  readonly language: string;
}

export type TemplatesConfig = Readonly<Record<TemplateName, TemplateConfig>>;

export const DEFAULT_TEMPLATES: TemplatesConfig = {
  opt_in: { name: 'wa4t_opt_in', language: 'en' },
  resume: { name: 'wa4t_resume', language: 'en' },
  participant_notice: { name: 'wa4t_participant_notice', language: 'en' },
};

/** What a send asks for: the template and the values of its variables. */
export type TemplateSend =
  | { readonly template: 'opt_in'; readonly businessName: string }
  | { readonly template: 'resume'; readonly businessName: string }
  | { readonly template: 'participant_notice'; readonly notice: string };

// -------------------------------------------------------------------------------------------
// Quick-reply payloads.

/** What a tap on one of our buttons means. */
export type QuickReplyAction = 'consent' | 'decline' | 'resume';

/** Marks payloads as ours, so a tap on another app's template is not read as consent. */
export const PAYLOAD_PREFIX = 'wa4t';

/**
 * `wa4t:<action>` or `wa4t:<action>:<ref>`, where ref is our message id (the template that
 * carried the button). WhatsApp returns the payload verbatim in the inbound `button.payload`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages,
 * https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates), so the
 * webhook parser can tell consent, decline and resume apart.
 */
export function encodeQuickReply(action: QuickReplyAction, ref?: string): string {
  return ref ? `${PAYLOAD_PREFIX}:${action}:${ref}` : `${PAYLOAD_PREFIX}:${action}`;
}

export interface DecodedQuickReply {
  readonly action: QuickReplyAction;
  readonly ref?: string | undefined;
}

const ACTIONS: readonly string[] = ['consent', 'decline', 'resume'] satisfies QuickReplyAction[];

/** The action of one of our payloads; undefined for anything else. */
export function decodeQuickReply(payload: string): DecodedQuickReply | undefined {
  const [prefix, action, ...rest] = payload.split(':');
  if (prefix !== PAYLOAD_PREFIX || action === undefined || !ACTIONS.includes(action))
    return undefined;
  const ref = rest.join(':');
  return { action: action as QuickReplyAction, ref: ref === '' ? undefined : ref };
}

// -------------------------------------------------------------------------------------------
// Template components (the `template.components` of a send).

/**
 * Template send components.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#template-object
 * OpenAPI: components/schemas/TemplateObject, BodyComponent, ButtonComponent.
 */
export type TemplateComponent =
  | { readonly type: 'body'; readonly parameters: readonly { type: 'text'; text: string }[] }
  | {
      readonly type: 'button';
      readonly sub_type: 'quick_reply';
      /** A string, "0".."9": the button's position in the approved template. */
      readonly index: string;
      readonly parameters: readonly { type: 'payload'; payload: string }[];
    };

/**
 * Template text variables may not contain new lines or tabs, nor more than four spaces in a
 * row: Graph refuses them with "Param text cannot have new-line/tab characters or more than 4
 * consecutive spaces". A multi-line notice is flattened rather than refused.
 */
export function templateText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {4,}/g, '   ')
    .trim();
}

const body = (...values: string[]): TemplateComponent => ({
  type: 'body',
  parameters: values.map((v) => ({ type: 'text', text: templateText(v) })),
});

const quickReply = (index: number, payload: string): TemplateComponent => ({
  type: 'button',
  sub_type: 'quick_reply',
  index: String(index),
  parameters: [{ type: 'payload', payload }],
});

/** The components for a send; `ref` (our message id) is carried in the button payloads. */
export function templateComponents(send: TemplateSend, ref?: string): TemplateComponent[] {
  switch (send.template) {
    case 'opt_in':
      return [
        body(send.businessName),
        quickReply(0, encodeQuickReply('consent', ref)),
        quickReply(1, encodeQuickReply('decline', ref)),
      ];
    case 'resume':
      return [body(send.businessName), quickReply(0, encodeQuickReply('resume', ref))];
    case 'participant_notice':
      return [body(send.notice)];
  }
}
