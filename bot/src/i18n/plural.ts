/**
 * Plurals in the catalogue (release, issue 10): a sentence that depends on a count carries
 * every form its language needs, in ICU MessageFormat's plural syntax, and the right one is
 * chosen with the language's own plural rules (Intl.PluralRules):
 *
 *   "{count, plural, one {# pending message is} other {# pending messages are}} being sent."
 *
 * Selectors are `=N` (an exact number, checked first) or a CLDR category (zero, one, two,
 * few, many, other); `other` is required; `#` is the number, formatted for the language.
 * https://unicode-org.github.io/icu/userguide/format_parse/messages/#complex-argument-types
 * https://developer.mozilla.org/docs/Web/JavaScript/Reference/Global_Objects/Intl/PluralRules
 *
 * Pure and without imports, so the tab (tabs/src/i18n.ts) words plurals exactly as the bot.
 */

export interface PluralBlock {
  /** Where the block starts and ends (exclusive) in the sentence. */
  readonly start: number;
  readonly end: number;
  /** The parameter whose number chooses the form. */
  readonly name: string;
  /** Each selector (`one`, `other`, `=0`) and its text. */
  readonly options: Readonly<Record<string, string>>;
}

const OPENING = /\{\s*(\w+)\s*,\s*plural\s*,/g;

/** The plural blocks of a sentence, in order; a malformed one throws, naming the sentence. */
export function pluralBlocks(text: string): PluralBlock[] {
  const blocks: PluralBlock[] = [];
  OPENING.lastIndex = 0;
  for (let match = OPENING.exec(text); match; match = OPENING.exec(text)) {
    const options: Record<string, string> = {};
    let i = match.index + match[0].length;
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] === '}') break;
      const selector = /^(=\d+|zero|one|two|few|many|other)\s*\{/.exec(text.slice(i));
      if (!selector) throw new Error(`i18n: malformed plural in "${text}"`);
      i += selector[0].length;
      let depth = 1;
      const from = i;
      while (i < text.length && depth > 0) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}') depth--;
        i++;
      }
      if (depth > 0) throw new Error(`i18n: unclosed plural option in "${text}"`);
      options[selector[1] as string] = text.slice(from, i - 1);
    }
    if (options.other === undefined) throw new Error(`i18n: plural without "other" in "${text}"`);
    blocks.push({ start: match.index, end: i + 1, name: match[1] as string, options });
    OPENING.lastIndex = i + 1;
  }
  return blocks;
}

/** The form of a block for a number in a language: `=N` first, then its category, else other. */
export function pluralForm(block: PluralBlock, locale: string, n: number): string {
  const exact = block.options[`=${n}`];
  if (exact !== undefined) return exact;
  const category = new Intl.PluralRules(locale).select(n);
  return block.options[category] ?? (block.options.other as string);
}

/**
 * The sentence with each plural block replaced by its form for the parameter's number (`#`
 * written as that number in the language). A block whose parameter is missing or not a
 * number is left as `{name}`, visible, as a missing simple parameter is.
 */
export function expandPlurals(
  text: string,
  locale: string,
  params: Readonly<Record<string, string | number>>,
): string {
  const blocks = pluralBlocks(text);
  if (blocks.length === 0) return text;
  let out = '';
  let at = 0;
  for (const block of blocks) {
    out += text.slice(at, block.start);
    const value = params[block.name];
    const n = typeof value === 'number' ? value : Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n)) {
      out += `{${block.name}}`;
    } else {
      const number = new Intl.NumberFormat(locale).format(n);
      out += pluralForm(block, locale, n).replace(/#/g, number);
    }
    at = block.end;
  }
  return out + text.slice(at);
}

/** The parameter names a sentence uses: simple `{name}`s and plural blocks (and theirs). */
export function parameterNames(text: string): string[] {
  const names: string[] = [];
  let rest = '';
  let at = 0;
  for (const block of pluralBlocks(text)) {
    rest += text.slice(at, block.start);
    names.push(block.name);
    for (const option of Object.values(block.options)) names.push(...parameterNames(option));
    at = block.end;
  }
  rest += text.slice(at);
  names.push(...[...rest.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string));
  return names.sort();
}
