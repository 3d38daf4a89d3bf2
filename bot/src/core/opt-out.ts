/**
 * Opt-out keywords: a contact who sends one of these, alone, stops business-initiated
 * messages until they write again (WhatsApp Business Messaging Policy: "honor opt-out
 * requests", https://business.whatsapp.com/policy). One list per supported language.
 */
export const OPT_OUT_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['stop', 'unsubscribe', 'opt out', 'optout', 'cancel', 'end', 'quit', 'stop all'],
  es: ['parar', 'detener', 'baja', 'cancelar', 'darme de baja', 'no más'],
  fr: ['arrêt', 'arret', 'arrêter', 'stop', 'désabonner', 'se désabonner', 'désinscription'],
  de: ['stopp', 'abmelden', 'beenden', 'abbestellen', 'kündigen'],
  'pt-BR': ['parar', 'pare', 'sair', 'cancelar', 'descadastrar'],
  it: ['basta', 'fermati', 'disiscrivimi', 'annulla', 'cancellami'],
  ja: ['停止', '配信停止', 'ストップ', '中止', '解除'],
  'zh-CN': ['退订', '停止', '取消订阅', '退出', 'td'],
};

const ALL = new Set(Object.values(OPT_OUT_KEYWORDS).flat().map(normalise));

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/[\s.!。！?？,，]+$/u, '')
    .replace(/^[\s]+/u, '')
    .replace(/\s+/gu, ' ');
}

/** True when the whole message is an opt-out keyword ("STOP", "Stop.", "退订"), not a sentence containing one. */
export function isOptOutKeyword(text: string): boolean {
  return ALL.has(normalise(text));
}
