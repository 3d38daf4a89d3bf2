/**
 * Send again (release, issue 10): a failed message is tried once more as a NEW message with
 * the same words or file, written by the same author, and goes where any new message would
 * (compose.ts): at once while the window is open, held with "Resume conversation" while
 * paused, refused with the reason (restart) when the conversation is closed.
 *
 * Once only: the failed message keeps the id of the message that sent it again, committed
 * with it, so a second Send again (a double click, another instance) sends nothing.
 */
import { participantIds, reject, transition } from './build.js';
import { compose } from './compose.js';
import {
  isRejection,
  type Message,
  type Millis,
  type Outcome,
  type Thread,
  type UserId,
} from './types.js';

export function sendAgain(thread: Thread, by: UserId, failed: Message, now: Millis): Outcome {
  if (failed.threadId !== thread.id) throw new Error(`message ${failed.id} is not in ${thread.id}`);
  if (failed.retriedAs !== undefined) return reject('release.already_sent_again');
  const isWords = failed.kind === 'text' || failed.kind === 'image' || failed.kind === 'document';
  if (failed.direction !== 'outbound' || failed.status !== 'failed' || !isWords)
    return reject('release.not_failed');
  if (failed.author && failed.author.id !== by)
    return reject('release.not_author', { author: failed.author.name });

  const outcome = compose(
    thread,
    by,
    {
      body: failed.body,
      media: failed.media,
      mediaKind: failed.kind === 'document' ? 'document' : failed.media ? 'image' : undefined,
    },
    now,
  );
  if (isRejection(outcome)) return outcome;
  const [again, ...rest] = outcome.messages;
  if (!again) throw new Error(`compose wrote nothing for ${failed.id}`);
  const marked: Message = { ...failed, retriedAs: again.id };
  const audience = participantIds(outcome.thread);
  return transition(
    outcome.thread,
    [{ ...again, retryOf: failed.id }, ...rest, marked],
    [
      ...outcome.effects,
      // The failed message's card loses its Send again button and says it was sent again.
      ...(audience.length > 0
        ? [
            {
              type: 'status_changed' as const,
              threadId: thread.id,
              messageId: failed.id,
              to: audience,
            },
          ]
        : []),
    ],
  );
}
