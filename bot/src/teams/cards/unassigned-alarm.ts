/**
 * alarm (issue 12): the card an admin gets when a contact's message reached nobody: who wrote
 * (name and number, as contacts are shown), what they wrote, how many messages wait, and
 * "Assign to me" or a pick of the organisation's enabled users. Once assigned (or taken, or
 * closed) the same card says so, with no buttons left.
 */
import type { UnassignedView } from '../../app/unassigned.js';
import type { Notice } from '../../core/types.js';
import { cardLang, phoneLabel, strings } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';
import { listed, pickerQuery } from '../colleague-search.js';

export interface UnassignedAlarmCardOptions {
  /** The admin the card is for: "Assign to me" assigns to them. */
  readonly viewerId: string;
  /** Why the last click did nothing (already assigned, not a candidate). */
  readonly note?: string | undefined;
}

export function unassignedAlarmCard(
  view: UnassignedView,
  locale: string | undefined,
  options: UnassignedAlarmCardOptions,
): AdaptiveCard {
  const tr = strings(locale);
  const contact = view.contact.name;
  const outcome = view.outcome;
  const done = outcome !== undefined;
  const canAssignMe = !done && view.candidates.some((c) => c.id === options.viewerId);
  const from = tr('alarm.unassigned.from', { contact, phone: phoneLabel(view.contact.phone) });
  return expand('unassigned-alarm', {
    lang: cardLang(tr.locale),
    fallbackText: `${tr('alarm.unassigned.title')}: ${from}`,
    style: done ? 'good' : 'attention',
    threadId: view.threadId,
    viewerId: options.viewerId,
    done,
    canAssignMe,
    canPick: !done && view.candidates.length > 0,
    hasNote: options.note !== undefined,
    // The first by name; typing finds the others (colleague-search.ts).
    candidates: listed(view.candidates, tr.locale),
    query: pickerQuery('assignees', view.threadId),
    t: {
      title: tr('alarm.unassigned.title'),
      from,
      body: tr('alarm.unassigned.body', { contact }),
      text: view.text ?? tr('alarm.unassigned.no_text'),
      count: tr('alarm.unassigned.count', { count: view.count }),
      pickLabel: tr('alarm.unassigned.pick_label'),
      pickPlaceholder: tr('alarm.unassigned.pick_placeholder'),
      pickRequired: tr('alarm.unassigned.pick_required'),
      assignMe: tr('alarm.unassigned.assign_me'),
      assign: tr('alarm.unassigned.assign'),
      outcome:
        outcome?.kind === 'assigned'
          ? tr('alarm.unassigned.assigned', { user: outcome.user, by: outcome.by })
          : outcome?.kind === 'taken'
            ? tr('alarm.unassigned.taken', { user: outcome.user })
            : outcome?.kind === 'closed'
              ? tr('alarm.unassigned.closed')
              : '',
      note: options.note ?? '',
    },
  });
}

/** The clear card's notice: the contact's message was assigned, taken or closed. */
export function unassignedClearedNotice(view: UnassignedView): Notice {
  const contact = view.contact.name;
  const outcome = view.outcome;
  if (outcome?.kind === 'assigned')
    return {
      key: 'alarm.unassigned.cleared',
      params: { contact, user: outcome.user, by: outcome.by },
    };
  if (outcome?.kind === 'taken')
    return { key: 'alarm.unassigned.cleared_taken', params: { contact, user: outcome.user } };
  return { key: 'alarm.unassigned.cleared_closed', params: { contact } };
}
