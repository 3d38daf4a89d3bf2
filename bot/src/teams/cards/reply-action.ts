/**
 * reply (issue 10 item 1): every card about a conversation offers Reply. On a contact's
 * message the Reply button sends what was typed in the card; on the other cards about a
 * conversation (notices, a message's status, the conversation's info) Reply makes that
 * conversation the current one, so what the user types next goes there (card-actions.ts,
 * verb `thread.reply`, through the application layer with its access checks).
 *
 * Added to the expanded card rather than to the templates, so that the cards other work
 * changes keep their own actions as they are.
 */
import type { Notice } from '../../core/types.js';
import type { Strings } from './format.js';
import type { AdaptiveCard } from './templates.js';
import { VERBS } from './verbs.js';

/** The card with Reply first among its actions, for the conversation `threadId`. */
export function withReplyAction(
  card: AdaptiveCard,
  threadId: string,
  tr: Strings,
  notice?: Notice,
): AdaptiveCard {
  const reply = {
    type: 'Action.Execute',
    title: tr('reply.action'),
    verb: VERBS.replyHere,
    associatedInputs: 'none',
    // A notice card is rebuilt from its notice when Reply answers (Teams does not send the
    // card back): the notice travels with the button, and is checked again on the way in.
    data: { threadId, ...(notice ? { notice: JSON.stringify(notice) } : {}) },
  };
  return { ...card, actions: [reply, ...(card.actions ?? [])] };
}
