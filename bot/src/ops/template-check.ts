/**
 * Templates checked (issue 12, item 5). With WHATSAPP_BUSINESS_ACCOUNT_ID set, the server
 * reads the account's templates (Graph `GET /{waba-id}/message_templates`) at start and
 * hourly, and says what is missing, not approved or has other variables or buttons than the
 * app sends, instead of failing the first send with 132000/132001. It also knows which
 * translations are approved, so templates go out in the contact's language when one exists.
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/
 */
import type { Logger } from 'pino';
import type { TemplateName } from '../core/types.js';
import { DEFAULT_TEMPLATES, type TemplatesConfig } from '../whatsapp/templates.js';

/** What the app sends with each template: body variables and quick-reply buttons. */
export const TEMPLATE_SHAPES: Readonly<
  Record<TemplateName, { readonly variables: number; readonly quickReplies: number }>
> = {
  opt_in: { variables: 1, quickReplies: 2 },
  resume: { variables: 1, quickReplies: 1 },
  participant_notice: { variables: 1, quickReplies: 0 },
};

export interface GraphTemplate {
  readonly name: string;
  readonly language: string;
  readonly status: string;
  readonly components?: readonly {
    readonly type: string;
    readonly text?: string;
    readonly buttons?: readonly { readonly type: string }[];
  }[];
}

export interface TemplateProblem {
  readonly template: TemplateName;
  readonly name: string;
  readonly language: string;
  readonly problem: 'missing' | 'not_approved' | 'variables' | 'buttons';
  /** e.g. the status, or "2 variables, the app sends 1". */
  readonly detail: string;
}

export interface TemplateCheck {
  readonly problems: readonly TemplateProblem[];
  /** Approved languages (WhatsApp codes) of each template that fits what the app sends. */
  readonly approved: ReadonlyMap<TemplateName, ReadonlySet<string>>;
}

const variablesOf = (text: string | undefined) =>
  new Set([...(text ?? '').matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1])).size;

export function checkTemplates(
  list: readonly GraphTemplate[],
  templates: TemplatesConfig = DEFAULT_TEMPLATES,
): TemplateCheck {
  const problems: TemplateProblem[] = [];
  const approved = new Map<TemplateName, Set<string>>();
  for (const kind of Object.keys(TEMPLATE_SHAPES) as TemplateName[]) {
    const { name, language } = templates[kind];
    const shape = TEMPLATE_SHAPES[kind];
    const fits = new Set<string>();
    for (const t of list.filter((x) => x.name === name)) {
      const body = t.components?.find((c) => c.type === 'BODY');
      const buttons = (t.components?.find((c) => c.type === 'BUTTONS')?.buttons ?? []).filter(
        (b) => b.type === 'QUICK_REPLY',
      ).length;
      const variables = variablesOf(body?.text);
      const problem = (p: TemplateProblem['problem'], detail: string) => {
        if (t.language === language)
          problems.push({ template: kind, name, language, problem: p, detail });
      };
      if (t.status !== 'APPROVED') problem('not_approved', t.status);
      else if (variables !== shape.variables)
        problem('variables', `${variables} variables, the app sends ${shape.variables}`);
      else if (buttons !== shape.quickReplies)
        problem('buttons', `${buttons} quick replies, the app sends ${shape.quickReplies}`);
      else fits.add(t.language);
    }
    if (!list.some((x) => x.name === name && x.language === language)) {
      problems.push({
        template: kind,
        name,
        language,
        problem: 'missing',
        detail: 'not in the account',
      });
    }
    approved.set(kind, fits);
  }
  return { problems, approved };
}

/** Reads every page of the account's templates. */
export async function fetchTemplates(o: {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly wabaId: string;
  readonly accessToken: string;
  readonly fetch?: typeof globalThis.fetch;
}): Promise<GraphTemplate[]> {
  const get = o.fetch ?? globalThis.fetch;
  const list: GraphTemplate[] = [];
  let url: string | undefined =
    `${o.baseUrl}/${o.apiVersion}/${encodeURIComponent(o.wabaId)}/message_templates?fields=name,language,status,components&limit=100`;
  for (let page = 0; url && page < 50; page++) {
    const response: Response = await get(url, {
      headers: { authorization: `Bearer ${o.accessToken}` },
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as {
      data?: GraphTemplate[];
      paging?: { next?: string };
      error?: { code?: number; message?: string };
    };
    if (!response.ok) {
      throw new Error(
        `the template list was refused: ${response.status} (#${body.error?.code ?? '?'}) ${body.error?.message ?? ''}`.trim(),
      );
    }
    list.push(...(body.data ?? []));
    url = body.paging?.next;
  }
  return list;
}

/** "pt-BR" → ["pt_BR", "pt"]: the WhatsApp codes to try for a locale, best first. */
export function languageCandidates(locale: string): string[] {
  const code = locale.replace('-', '_');
  const base = code.split('_')[0]!;
  return code === base ? [code] : [code, base];
}

/** Runs the check at start and hourly, and answers which language a template goes out in. */
export class TemplateChecker {
  private last: TemplateCheck | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      readonly load: () => Promise<GraphTemplate[]>;
      readonly logger: Logger;
      readonly templates?: TemplatesConfig;
      readonly intervalMs?: number;
      /** Told after each check (metrics, alarms). */
      readonly onChecked?: (check: TemplateCheck) => void;
    },
  ) {}

  get current(): TemplateCheck | undefined {
    return this.last;
  }

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.options.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<TemplateCheck | undefined> {
    try {
      const check = checkTemplates(await this.options.load(), this.options.templates);
      this.last = check;
      for (const p of check.problems) {
        this.options.logger.warn(
          { template: p.name, language: p.language, problem: p.problem, detail: p.detail },
          'WhatsApp template problem: sends with it will fail until it is fixed in WhatsApp Manager',
        );
      }
      if (check.problems.length === 0)
        this.options.logger.info('WhatsApp templates checked: all approved');
      this.options.onChecked?.(check);
      return check;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'WhatsApp templates could not be checked');
      return undefined;
    }
  }

  /**
   * The language to send `template` in for a contact whose language is `locale`: its
   * approved translation when there is one, else undefined (the configured language).
   */
  languageFor(template: TemplateName, locale: string | undefined): string | undefined {
    if (!locale || !this.last) return undefined;
    const approved = this.last.approved.get(template);
    return languageCandidates(locale).find((code) => approved?.has(code));
  }
}
