/**
 * The hourly summary (issue 11 item 2): only when a user's chat is at Teams' hourly limit
 * (1,800 calls an hour per chat) does one card stand in for the cards still waiting: "12 new
 * messages from 5 contacts", a line per conversation with an Open button. The cards themselves
 * still come, each once, when the hour allows.
 *
 * Open (verb gather.open) goes through the application layer: it makes the conversation the
 * user's current one (UserCommands.open, access-checked: "not found" otherwise), and the
 * summary card comes back (the invoke's answer, which Teams does not count as a post) showing
 * that conversation's waiting messages, each with its Reply and Info, above what still waits.
 * Those messages are recorded as carried by the summary's activity, so their own cards are
 * not posted again later: each message shown once.
 */
import type { Message, Thread, UserId } from '../core/types.js';
import { strings } from './cards/format.js';
import { VERBS, type AdaptiveCard } from './cards/index.js';
import { gatheredCard } from './gathered-cards.js';
import type { MediaUrls } from './media-route.js';

type Element = Readonly<Record<string, unknown>>;

export interface WaitingConversation {
  readonly thread: Thread;
  readonly count: number;
}

/** The card that stands in at the hourly limit; `opened` are conversations the user opened on it. */
export function hourlySummaryCard(
  waiting: readonly WaitingConversation[],
  opened: readonly { readonly thread: Thread; readonly messages: readonly Message[] }[],
  viewerId: UserId,
  locale: string,
  media: MediaUrls,
): AdaptiveCard {
  const tr = strings(locale);
  const messages = waiting.reduce((n, w) => n + w.count, 0);
  const contacts = waiting.length;
  const body: unknown[] = [];
  let title = '';
  if (contacts > 0) {
    // "12 new messages from 5 contacts": each count words its own noun (plural blocks).
    title = tr('gather.summary.title', { messages, contacts });
    body.push(
      { type: 'TextBlock', text: title, weight: 'bolder', size: 'medium', wrap: true },
      {
        type: 'TextBlock',
        text: tr('gather.summary.note'),
        isSubtle: true,
        size: 'small',
        spacing: 'none',
        wrap: true,
      },
    );
    for (const w of waiting)
      body.push({
        type: 'ColumnSet',
        separator: true,
        columns: [
          {
            type: 'Column',
            width: 'stretch',
            verticalContentAlignment: 'center',
            items: [
              {
                type: 'TextBlock',
                text: tr('gather.summary.line', {
                  contact: w.thread.contact.name,
                  count: w.count,
                }),
                wrap: true,
              },
            ],
          },
          {
            type: 'Column',
            width: 'auto',
            items: [
              {
                type: 'ActionSet',
                actions: [
                  {
                    type: 'Action.Execute',
                    title: tr('gather.summary.open'),
                    verb: VERBS.gatherOpen,
                    associatedInputs: 'none',
                    data: { threadId: w.thread.id },
                  },
                ],
              },
            ],
          },
        ],
      });
  }
  for (const o of opened) {
    const card = gatheredCard(o.messages, o.thread, viewerId, locale, media);
    body.push({
      type: 'Container',
      separator: true,
      spacing: 'large',
      items: [
        ...(card.body ?? []),
        ...((card.actions ?? []).length > 0 ? [{ type: 'ActionSet', actions: card.actions }] : []),
      ],
    });
  }
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    fallbackText: title || tr('gather.summary.open'),
    body: body as Element[],
  };
}
