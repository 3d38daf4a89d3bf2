/**
 * The group actions on a conversation: leave (with a confirmation), add a colleague, remove a
 * participant (pick, then confirm), transfer. Each card's buttons carry the thread's id.
 */
import { byName, listed, pickerQuery } from '../colleague-search.js';
import type { UserRef } from '../../core/types.js';
import { cardLang, strings, type CardContact } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

interface ThreadCardData {
  readonly threadId: string;
  readonly contact: CardContact;
}

export interface LeaveConfirmationCardData extends ThreadCardData {
  /** The user is the last participant: leaving closes the conversation. */
  readonly isLast: boolean;
}

export function leaveConfirmationCard(
  data: LeaveConfirmationCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const contact = data.contact.name;
  return expand('leave-confirmation', {
    lang: cardLang(tr.locale),
    threadId: data.threadId,
    isLast: data.isLast,
    t: {
      title: tr('card.leave.title', { contact }),
      body: tr('card.leave.body', { contact }),
      last: tr('card.leave.body_last', { contact }),
      confirm: tr('card.leave.confirm'),
      cancel: tr('card.action.cancel'),
    },
  });
}

export interface AddParticipantCardData extends ThreadCardData {
  /** Enabled colleagues of the same sub-organisation who are not in the conversation yet. */
  readonly candidates: readonly UserRef[];
  readonly participantCount: number;
  readonly maxParticipants: number;
}

export function addParticipantCard(
  data: AddParticipantCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const contact = data.contact.name;
  const full = data.participantCount >= data.maxParticipants;
  return expand('add-participant', {
    lang: cardLang(tr.locale),
    threadId: data.threadId,
    canAdd: data.candidates.length > 0 && !full,
    candidates: listed(data.candidates, tr.locale),
    query: pickerQuery('colleagues', data.threadId),
    t: {
      title: tr('card.add.title', { contact }),
      count: tr('card.add.count', { count: data.participantCount, max: data.maxParticipants }),
      body: tr('card.add.body', { contact }),
      label: tr('card.add.label'),
      placeholder: tr('card.add.placeholder'),
      required: tr('card.add.required'),
      unavailable: full
        ? tr('group.cap_reached', { max: data.maxParticipants })
        : tr('card.add.none'),
      confirm: tr('card.add.confirm'),
      cancel: tr('card.action.cancel'),
    },
  });
}

export interface RemoveParticipantCardData extends ThreadCardData {
  /** The other participants (not the user, who leaves instead). */
  readonly participants: readonly UserRef[];
}

export function removeParticipantCard(
  data: RemoveParticipantCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  return expand('remove-participant', {
    lang: cardLang(tr.locale),
    threadId: data.threadId,
    canRemove: data.participants.length > 0,
    participants: byName(data.participants, tr.locale),
    t: {
      title: tr('card.remove.title', { contact: data.contact.name }),
      label: tr('card.remove.label'),
      placeholder: tr('card.remove.placeholder'),
      required: tr('card.remove.required'),
      none: tr('card.remove.none'),
      next: tr('card.remove.next'),
      cancel: tr('card.action.cancel'),
    },
  });
}

export interface RemoveParticipantConfirmationCardData extends ThreadCardData {
  readonly user: UserRef;
}

export function removeParticipantConfirmationCard(
  data: RemoveParticipantConfirmationCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const params = { user: data.user.name, contact: data.contact.name };
  return expand('remove-participant-confirmation', {
    lang: cardLang(tr.locale),
    threadId: data.threadId,
    userId: data.user.id,
    t: {
      title: tr('card.remove.confirm_title', params),
      body: tr('card.remove.confirm_body', params),
      confirm: tr('card.remove.confirm'),
      cancel: tr('card.action.cancel'),
    },
  });
}

export interface TransferCardData extends ThreadCardData {
  /** Enabled colleagues of the same sub-organisation, other than the user. */
  readonly candidates: readonly UserRef[];
}

export function transferCard(data: TransferCardData, locale: string | undefined): AdaptiveCard {
  const tr = strings(locale);
  const contact = data.contact.name;
  return expand('transfer', {
    lang: cardLang(tr.locale),
    threadId: data.threadId,
    canTransfer: data.candidates.length > 0,
    candidates: listed(data.candidates, tr.locale),
    query: pickerQuery('colleagues', data.threadId),
    t: {
      title: tr('card.transfer.title', { contact }),
      body: tr('card.transfer.body', { contact }),
      label: tr('card.transfer.label'),
      placeholder: tr('card.transfer.placeholder'),
      required: tr('card.transfer.required'),
      unavailable: tr('card.add.none'),
      confirm: tr('card.transfer.confirm'),
      cancel: tr('card.action.cancel'),
    },
  });
}
