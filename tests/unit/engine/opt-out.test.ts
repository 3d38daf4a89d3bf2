import { describe, expect, it } from 'vitest';
import { OPT_OUT_KEYWORDS, isOptOutKeyword } from '../../../bot/src/core/engine.js';
import { World, alice, effectsOf, noticeFor } from './harness.js';

const samples: Record<string, string> = {
  en: 'STOP',
  es: 'Baja',
  fr: 'ARRÊT',
  de: 'Stopp',
  'pt-BR': 'Parar',
  it: 'Basta!',
  ja: '配信停止',
  'zh-CN': '退订',
};

describe('opt-out keywords', () => {
  it.each(Object.entries(samples))(
    'closes the thread and blocks the contact for the %s keyword "%s"',
    (_lang, word) => {
      const w = World.active();
      const t = w.contactWrites(word);
      expect(w.thread).toMatchObject({ state: 'closed', closedReason: 'opted_out' });
      expect(effectsOf(t, 'record_consent')[0]!.record).toMatchObject({
        kind: 'opt_out',
        via: 'keyword',
        text: word,
      });
      expect(t.contact?.optedOutAt).toBe(w.now);
      expect(noticeFor(t, alice.id)).toContain('thread.contact_opted_out_now');
    },
  );

  it('has keywords for every supported language', () => {
    expect(Object.keys(OPT_OUT_KEYWORDS).sort()).toEqual(Object.keys(samples).sort());
  });

  it('does not treat a sentence that merely contains a keyword as an opt-out', () => {
    expect(isOptOutKeyword("Please don't stop sending updates")).toBe(false);
    expect(isOptOutKeyword('  stop. ')).toBe(true);
    const w = World.active();
    w.contactWrites('Can you stop by tomorrow?');
    expect(w.thread.state).toBe('active');
  });
});
