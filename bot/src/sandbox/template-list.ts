/**
 * GET /sandbox/graph/:version/:wabaId/message_templates: the business account's templates as
 * Graph lists them, so the app's template check (issue 12) runs against the sandbox too.
 * Every template of the app is approved here in the catalogue's eight languages; tests and
 * demos change `sandbox.templates` to see a template missing, rejected or with other variables.
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/
 */
import type { Server } from 'restify';
import type { NoticeKey } from '../core/notice-keys.js';
import { SUPPORTED_LOCALES as LOCALES, t } from '../i18n/catalogue.js';
import { templateTable } from './template-texts.js';
import type { TemplatesConfig } from '../whatsapp/templates.js';

export interface ListedTemplate {
  id: string;
  name: string;
  /** WhatsApp's language code: en, pt_BR, zh_CN… */
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
  category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  components: (
    | { type: 'BODY'; text: string }
    | { type: 'BUTTONS'; buttons: { type: 'QUICK_REPLY'; text: string }[] }
  )[];
}

/** "pt-BR" → "pt_BR", as WhatsApp names languages. */
export const whatsappLanguage = (locale: string): string => locale.replace('-', '_');

const BODIES: Readonly<Record<string, { key?: NoticeKey; buttons: NoticeKey[] }>> = {
  opt_in: { key: 'contact.opt_in', buttons: ['contact.opt_in.agree', 'contact.opt_in.decline'] },
  resume: { key: 'contact.resume', buttons: ['contact.resume.button'] },
  participant_notice: { buttons: [] },
};

export function listedTemplates(names?: Partial<TemplatesConfig>): ListedTemplate[] {
  const table = templateTable(names);
  const kinds = ['opt_in', 'resume', 'participant_notice'] as const;
  const list: ListedTemplate[] = [];
  let id = 700000000000000;
  for (const kind of kinds) {
    const name = [...table.values()][kinds.indexOf(kind)]!.name;
    const spec = BODIES[kind]!;
    for (const locale of LOCALES) {
      const buttons = spec.buttons.map((k) => ({
        type: 'QUICK_REPLY' as const,
        text: t(locale, k),
      }));
      list.push({
        id: String(id++),
        name,
        language: whatsappLanguage(locale),
        status: 'APPROVED',
        category: 'UTILITY',
        components: [
          { type: 'BODY', text: spec.key ? t(locale, spec.key, { business: '{{1}}' }) : '{{1}}' },
          ...(buttons.length > 0 ? [{ type: 'BUTTONS' as const, buttons }] : []),
        ],
      });
    }
  }
  return list;
}

export function registerTemplateListRoute(
  server: Server,
  o: {
    readonly accessToken: string;
    readonly businessAccountId: string;
    readonly templates: () => readonly ListedTemplate[];
  },
): void {
  server.get('/sandbox/graph/:version/:wabaId/message_templates', async (req, res) => {
    if (req.header('authorization') !== `Bearer ${o.accessToken}`) {
      res.send(401, {
        error: {
          message: 'Invalid OAuth access token - Cannot parse access token',
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'sandbox',
        },
      });
      return;
    }
    if (req.params.wabaId !== o.businessAccountId) {
      res.send(400, {
        error: {
          message: `Unsupported get request. Object with ID '${String(req.params.wabaId)}' does not exist`,
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
          fbtrace_id: 'sandbox',
        },
      });
      return;
    }
    res.send(200, { data: o.templates(), paging: { cursors: { before: 'b', after: 'a' } } });
  });
}
