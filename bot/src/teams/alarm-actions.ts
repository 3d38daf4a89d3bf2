/**
 * alarm (issue 12): "Assign to me" and "Assign" on the admin's card about a contact's message
 * that reached nobody. The application layer checks the admin role (anyone else: not found);
 * the clicked card comes back saying who took it, or why nothing was done.
 */
import { isRejection } from '../core/types.js';
import { noticeText, unassignedAlarmCard, type AdaptiveCard } from './cards/index.js';
import { strings } from './cards/format.js';
import type { BotServices, Turn } from './turn.js';

export async function assignFromCard(
  services: BotServices,
  turn: Turn,
  data: { readonly threadId: string; readonly userId: string },
): Promise<AdaptiveCard> {
  const { outcome, view } = await services.app.unassigned.assign(turn, data.threadId, data.userId);
  const note = isRejection(outcome) ? noticeText(outcome.notice, strings(turn.locale)) : undefined;
  return unassignedAlarmCard(view, turn.locale, { viewerId: turn.user.id, note });
}
