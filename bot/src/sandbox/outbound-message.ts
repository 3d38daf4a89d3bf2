/**
 * What a business send looks like on the contact's phone: its text, picture, rendered template
 * with quick-reply buttons, or interactive message. Templates are checked against the approved
 * table the way Graph checks them: an unknown name is 132001, a wrong number of body variables
 * 132000
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 */
import type { ChatButton, ChatEntry } from './contact-phone.js';
import {
  invalidParameterValue,
  templateNotFound,
  templateParamCount,
  type GraphError,
} from './error-codes.js';
import type { SendRequest, TemplateRequest } from './send-request.js';
import { renderTemplate, type TemplateText } from './template-texts.js';

/** The phone's view of a send, before it has an id, a time and a status. */
export type OutboundView = Omit<ChatEntry, 'id' | 'from' | 'at' | 'status' | 'error'> & {
  /** An image sent by link: fetched when it is delivered. */
  readonly imageLink?: string | undefined;
};

export function viewOf(
  request: SendRequest,
  templates: ReadonlyMap<string, TemplateText>,
): OutboundView | GraphError {
  const common = {
    replyTo: request.context?.message_id,
    callbackData: request.biz_opaque_callback_data,
  };
  switch (request.type) {
    case 'text':
      return { ...common, kind: 'text', text: request.text.body };
    case 'image': {
      const { caption } = request.image;
      return 'id' in request.image
        ? { ...common, kind: 'image', image: { mediaId: request.image.id, mimeType: '', caption } }
        : {
            ...common,
            kind: 'image',
            imageLink: request.image.link,
            image: { mediaId: '', mimeType: '', caption },
          };
    }
    case 'document':
      // The file's type and size are filled in at delivery, from the upload.
      return {
        ...common,
        kind: 'media',
        media: {
          kind: 'document',
          mediaId: request.document.id,
          mimeType: '',
          caption: request.document.caption,
          filename: request.document.filename,
        },
      };
    case 'template':
      return templateView(request, templates, common);
    case 'interactive': {
      const { interactive } = request;
      const shared = {
        ...common,
        kind: 'interactive' as const,
        text: interactive.body.text,
        header: interactive.header?.text,
        footer: interactive.footer?.text,
      };
      if (interactive.type === 'button') {
        const buttons = interactive.action.buttons.map((b, index) => ({
          index,
          title: b.reply.title,
          payload: b.reply.id,
        }));
        return { ...shared, buttons };
      }
      return {
        ...shared,
        list: { button: interactive.action.button, sections: interactive.action.sections },
      };
    }
  }
}

function templateView(
  request: TemplateRequest,
  templates: ReadonlyMap<string, TemplateText>,
  common: Pick<OutboundView, 'replyTo' | 'callbackData'>,
): OutboundView | GraphError {
  const { name, language, components = [] } = request.template;
  const approved = templates.get(name);
  if (!approved) return templateNotFound(name, language.code);
  const values = components
    .filter((c) => c.type === 'body')
    .flatMap((c) => c.parameters ?? [])
    .map((p) =>
      p.type === 'text'
        ? p.text
        : p.type === 'currency'
          ? p.currency.fallback_value
          : p.date_time.fallback_value,
    );
  if (values.length !== approved.variables)
    return templateParamCount(approved.variables, values.length);
  const payloads = new Map<number, string>();
  for (const component of components) {
    if (component.type !== 'button') continue;
    const index = Number(component.index);
    if (component.sub_type !== 'quick_reply' || index >= approved.quickReplies.length) {
      return invalidParameterValue(
        `Template ${name} has no ${component.sub_type} button at index ${component.index}.`,
      );
    }
    const parameter = component.parameters[0];
    if (parameter?.type === 'payload') payloads.set(index, parameter.payload);
  }
  // A quick reply sent without a payload comes back with its label as the payload.
  const buttons: ChatButton[] = approved.quickReplies.map((title, index) => ({
    index,
    title,
    payload: payloads.get(index) ?? title,
  }));
  return {
    ...common,
    kind: 'template',
    text: renderTemplate(approved.body, values),
    template: { name, language: language.code },
    buttons,
  };
}
