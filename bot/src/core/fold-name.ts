/**
 * How names are compared when someone looks for one (a colleague in a picker, a contact or a
 * conversation in the chat and the tab): case, accents and spacing do not matter, so "jose"
 * finds "José".
 */
export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
