/**
 * Templates checked against the account's list (issue 12, item 5), here the sandbox's: what
 * is missing, not approved or of another shape is reported before a send fails with
 * 132000/132001; and a template goes out in the contact's language when an approved
 * translation exists, else in the organisation's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runContactCommand } from '../../bot/src/admin/contact-commands.js';
import { checkTemplates, languageCandidates } from '../../bot/src/ops/template-check.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';
import { startTestProduct, type TestProduct } from './support/test-product.js';

let product: TestProduct | undefined;
let world: TeamsWorld | undefined;
afterEach(async () => {
  await product?.stop();
  await world?.stop();
  product = undefined;
  world = undefined;
});

describe('the template check against the sandbox', () => {
  it('finds every template approved, then names each one missing, rejected or of another shape', async () => {
    product = await startTestProduct({ env: { METRICS_TOKEN: 't' } });
    const ok = await product.templates!.run();
    expect(ok?.problems).toEqual([]);
    expect([...ok!.approved.get('opt_in')!]).toEqual(
      expect.arrayContaining(['en', 'es', 'fr', 'de', 'pt_BR', 'it', 'ja', 'zh_CN']),
    );

    const list = product.sandbox.templates;
    product.sandbox.templates = list
      .filter((x) => !(x.name === 'wa4t_resume' && x.language === 'en'))
      .map((x) =>
        x.language !== 'en'
          ? x
          : x.name === 'wa4t_opt_in'
            ? { ...x, status: 'REJECTED' as const }
            : x.name === 'wa4t_participant_notice'
              ? { ...x, components: [{ type: 'BODY' as const, text: '{{1}} and {{2}}' }] }
              : x,
      );
    const check = await product.templates!.run();
    expect(check?.problems).toEqual([
      {
        template: 'opt_in',
        name: 'wa4t_opt_in',
        language: 'en',
        problem: 'not_approved',
        detail: 'REJECTED',
      },
      {
        template: 'resume',
        name: 'wa4t_resume',
        language: 'en',
        problem: 'missing',
        detail: 'not in the account',
      },
      {
        template: 'participant_notice',
        name: 'wa4t_participant_notice',
        language: 'en',
        problem: 'variables',
        detail: '2 variables, the app sends 1',
      },
    ]);
    const metrics = await (
      await fetch(`${product.url}/metrics`, { headers: { authorization: 'Bearer t' } })
    ).text();
    expect(metrics).toContain('wa4t_whatsapp_template_problems 3');
  });

  it('reports buttons that differ from what the app sends', () => {
    const check = checkTemplates([
      {
        name: 'wa4t_opt_in',
        language: 'en',
        status: 'APPROVED',
        components: [
          { type: 'BODY', text: 'Hi from {{1}}' },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY' }] },
        ],
      },
    ]);
    expect(check.problems[0]).toMatchObject({
      template: 'opt_in',
      problem: 'buttons',
      detail: '1 quick replies, the app sends 2',
    });
    expect(languageCandidates('pt-BR')).toEqual(['pt_BR', 'pt']);
    expect(languageCandidates('ja')).toEqual(['ja']);
  });
});

describe('templates in the contact language', () => {
  it("sends the opt-in in the contact's language when set, else the organisation's", async () => {
    world = await startTeamsWorld();
    await world.product.templates!.run();
    const ana = world.user({ id: 'aad-ana', name: 'Ana Souza' });
    await ana.say('add contact Maria Silva +44 7700 900123');
    const said: string[] = [];
    await runContactCommand(['language', '+44 7700 900123', 'pt-BR'], world.product.store, (l) =>
      said.push(l),
    );
    expect(said).toEqual([
      'Notices to +447700900123 are written in pt-BR; templates go out in pt-BR when an approved translation exists.',
    ]);
    await consentedConversation(world, ana, { name: 'Maria Silva', phone: '447700900123' });
    const maria = world.product.sandbox.phone('447700900123').messages();
    expect(maria.find((m) => m.template?.name === 'wa4t_opt_in')?.template?.language).toBe('pt_BR');

    await consentedConversation(world, ana, { name: 'Rui Costa', phone: '351912345678' });
    const rui = world.product.sandbox.phone('351912345678').messages();
    expect(rui.find((m) => m.template?.name === 'wa4t_opt_in')?.template?.language).toBe('en');
  });

  it('says which languages there are when given another', async () => {
    world = await startTeamsWorld();
    await expect(
      runContactCommand(['language', '+44 7700 900123', 'klingon'], world.product.store, () => {}),
    ).rejects.toThrow(
      '"klingon" is not a language the app speaks: use one of en, es, fr, de, pt-BR, it, ja, zh-CN',
    );
  });
});
