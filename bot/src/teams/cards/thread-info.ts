/** The `info` command: the current conversation, its participants, state and window. */
import { WINDOW, type Millis, type Thread, type UserId } from '../../core/types.js';
import { cardLang, clientDateTime, nameList, phoneLabel, strings, windowLeft } from './format.js';
import { withReplyAction } from './reply-action.js';
import { expand, type AdaptiveCard } from './templates.js';
import { VERBS } from './verbs.js';

export interface ThreadInfoCardData {
  readonly thread: Thread;
  /** keepboth (issue 10 item 4): the viewer's other names for the contact ("Also saved as"). */
  readonly otherNames?: readonly string[];
  /** The user who asked: only a participant gets the group actions. */
  readonly viewerId: UserId;
  readonly now: Millis;
  /**
   * release (issue 10): the Teams ids (MRIs) of the users who see this card; Teams asks the
   * bot for its current look (verb thread.refresh) when they view it, so a state shown here
   * ("Waiting for consent") never outlives the change.
   * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
   */
  readonly refreshFor?: readonly string[];
}

export function threadInfoCard(data: ThreadInfoCardData, locale: string | undefined): AdaptiveCard {
  const tr = strings(locale);
  const { thread, now } = data;
  const contact = thread.contact.name;
  const window =
    thread.state === 'awaiting_consent'
      ? tr('card.thread_info.window_not_open', { contact })
      : (windowLeft(
          tr,
          thread.lastInboundAt !== undefined ? thread.lastInboundAt + WINDOW : undefined,
          now,
        ) ?? tr('card.thread_info.window_closed', { contact }));
  const rows = [
    { label: tr('card.thread_info.number'), value: phoneLabel(thread.contact.phone) },
    ...(data.otherNames && data.otherNames.length > 0
      ? [{ label: tr('keepboth.also_saved_as'), value: nameList(data.otherNames, tr.locale) }]
      : []),
    { label: tr('card.thread_info.state'), value: tr(`card.state.${thread.state}`) },
    {
      label: tr('card.thread_info.participants'),
      value:
        nameList(
          thread.participants.map((p) => p.name),
          tr.locale,
        ) || '—',
    },
    ...(thread.state === 'closed' ? [] : [{ label: tr('card.thread_info.window'), value: window }]),
    { label: tr('card.thread_info.started'), value: clientDateTime(thread.createdAt) },
  ];
  const isParticipant = thread.participants.some((p) => p.id === data.viewerId);
  const card = expand('thread-info', {
    lang: cardLang(tr.locale),
    threadId: thread.id,
    rows,
    isOpen: thread.state !== 'closed' && isParticipant,
    canRemind: thread.state === 'awaiting_consent' && isParticipant,
    canRestart: thread.state === 'closed',
    t: {
      title: tr('card.thread_info.title', { contact }),
      remind: tr('card.notice.remind'),
      restart: tr('card.notice.restart'),
      add: tr('card.inbound.add'),
      remove: tr('card.inbound.remove'),
      transfer: tr('card.inbound.transfer'),
      leave: tr('card.inbound.leave'),
    },
  });
  // release (issue 10): refreshed with the conversation's current state when viewed.
  const refreshed =
    data.refreshFor && data.refreshFor.length > 0
      ? {
          ...card,
          refresh: {
            action: {
              type: 'Action.Execute',
              verb: VERBS.refreshThread,
              data: { threadId: thread.id },
            },
            userIds: [...data.refreshFor],
          },
        }
      : card;
  // reply (issue 10): an open conversation the user takes part in offers Reply.
  return thread.state !== 'closed' && isParticipant
    ? withReplyAction(refreshed, thread.id, tr)
    : refreshed;
}
