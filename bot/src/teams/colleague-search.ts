/**
 * Picking a colleague in an organisation of any size (Add, Transfer, and an admin's Assign on
 * the unassigned-message alarm). A card listed every enabled colleague: with a few hundred,
 * it outgrew what Teams accepts for a card (about 28 KB) and the picker never appeared. Now a
 * card lists the first LISTED_COLLEAGUES by name and asks the bot for the rest as the user
 * types: Teams' dynamic typeahead (`choices.data`, a Data.Query whose dataset names the list
 * and the conversation), answered here to the `application/search` invoke, through the same
 * access checks as the list itself ("not found" gives no names at all).
 *
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/dynamic-search
 */
import type { UserRef } from '../core/types.js';
import { foldName as fold } from '../core/fold-name.js';

/** How many colleagues a card lists itself; typing finds the others. */
export const LISTED_COLLEAGUES = 25;

/** Teams shows at most 15 choices per search answer. */
const MOST_PER_ANSWER = 15;

/** Which list: colleagues who may join a conversation (Add, Transfer), or take a waiting one. */
export type PickerList = 'colleagues' | 'assignees';

const PREFIX = 'wa4t.';

/** The Data.Query a picker card carries, naming its list and conversation. */
export function pickerQuery(list: PickerList, threadId: string): Record<string, string> {
  return { type: 'Data.Query', dataset: `${PREFIX}${list}.${threadId}` };
}

/** The list and conversation a search asks about, or undefined for a dataset not ours. */
export function parseDataset(
  dataset: unknown,
): { readonly list: PickerList; readonly threadId: string } | undefined {
  if (typeof dataset !== 'string' || !dataset.startsWith(PREFIX)) return undefined;
  const rest = dataset.slice(PREFIX.length);
  const dot = rest.indexOf('.');
  const list = rest.slice(0, dot);
  const threadId = rest.slice(dot + 1);
  if (dot < 1 || !threadId || (list !== 'colleagues' && list !== 'assignees')) return undefined;
  return { list, threadId };
}

/** Colleagues sorted by name as the user's language sorts them. */
export function byName(users: readonly UserRef[], locale: string): UserRef[] {
  return [...users].sort((a, b) => a.name.localeCompare(b.name, locale));
}

/** The first colleagues a card lists itself. */
export function listed(users: readonly UserRef[], locale: string): UserRef[] {
  return byName(users, locale).slice(0, LISTED_COLLEAGUES);
}

/**
 * Colleagues whose name holds what the user typed (names that begin with it first), a page
 * at a time as Teams asks (skip, top; at most 15).
 */
export function matching(
  users: readonly UserRef[],
  queryText: string,
  locale: string,
  page: { readonly skip?: number; readonly top?: number } = {},
): UserRef[] {
  const query = fold(queryText);
  const found = byName(users, locale).filter((u) => fold(u.name).includes(query));
  const starts = (u: UserRef) =>
    fold(u.name)
      .split(' ')
      .some((word) => word.startsWith(query))
      ? 0
      : 1;
  const ranked = query ? [...found].sort((a, b) => starts(a) - starts(b)) : found;
  const skip = Math.max(0, Math.floor(page.skip ?? 0));
  const top = Math.min(MOST_PER_ANSWER, Math.max(1, Math.floor(page.top ?? MOST_PER_ANSWER)));
  return ranked.slice(skip, skip + top);
}

/** Teams' answer to an `application/search` invoke. */
export function searchResponse(users: readonly UserRef[]): Record<string, unknown> {
  return {
    type: 'application/vnd.microsoft.search.searchResponse',
    value: { results: users.map((u) => ({ title: u.name, value: u.id })) },
  };
}
