/**
 * What the app's templates say. On WhatsApp they are approved in WhatsApp Manager and WhatsApp
 * renders them on the phone; the sandbox keeps this table instead, with the English texts of the
 * i18n catalogue (contact.opt_in, contact.resume, …) written with WhatsApp's {{1}} variables.
 * Names, variables and buttons follow bot/src/whatsapp/templates.ts.
 */
import type { NoticeKey } from '../core/notice-keys.js';
import { t } from '../i18n/catalogue.js';
import type { TemplateName } from '../core/types.js';
import { DEFAULT_TEMPLATES, type TemplatesConfig } from '../whatsapp/templates.js';

/** One approved template, as the phone shows it. */
export interface TemplateText {
  /** The name the business sends (`template.name`). */
  readonly name: string;
  /** The body, with {{1}}, {{2}}… for its variables. */
  readonly body: string;
  /** How many body variables a send must fill (else Graph answers 132000). */
  readonly variables: number;
  /** Quick-reply button labels, by index. */
  readonly quickReplies: readonly string[];
}

/** The body of a template in our catalogue's words, its {business} turned into {{1}}. */
function body(key: NoticeKey): string {
  return t('en', key, { business: '{{1}}' });
}

function texts(): Readonly<Record<TemplateName, Omit<TemplateText, 'name'>>> {
  return {
    opt_in: {
      body: body('contact.opt_in'),
      variables: 1,
      quickReplies: [t('en', 'contact.opt_in.agree'), t('en', 'contact.opt_in.decline')],
    },
    resume: {
      body: body('contact.resume'),
      variables: 1,
      quickReplies: [t('en', 'contact.resume.button')],
    },
    // The notice is the whole body ("Ana has joined this conversation.").
    participant_notice: { body: '{{1}}', variables: 1, quickReplies: [] },
  };
}

/** The table by template name, for the names the app is configured with. */
export function templateTable(
  names: Partial<TemplatesConfig> = {},
): ReadonlyMap<string, TemplateText> {
  const configured: TemplatesConfig = { ...DEFAULT_TEMPLATES, ...names };
  const byKind = texts();
  const table = new Map<string, TemplateText>();
  for (const kind of Object.keys(byKind) as TemplateName[]) {
    const name = configured[kind].name;
    table.set(name, { name, ...byKind[kind] });
  }
  return table;
}

/** The body with its variables filled in; a missing one stays visible as {{n}}. */
export function renderTemplate(body: string, values: readonly string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => values[Number(n) - 1] ?? whole);
}
