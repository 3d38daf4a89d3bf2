/** The `threads` command: the user's conversations, with state, last message and window left. */
import type { Millis, ThreadState } from '../../core/types.js';
import { MAX_LISTED } from './contacts-list.js';
import { cardLang, strings, truncate, windowLeft, type Strings } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

export interface ThreadSummary {
  readonly threadId: string;
  readonly contactName: string;
  readonly state: ThreadState;
  /** When the customer-service window closes (24 h after the contact's last message). */
  readonly windowClosesAt?: Millis;
  readonly unread?: number;
  readonly lastMessage?: {
    /** `you`: the user; `colleague`: another participant (with `author`); `contact`: the contact. */
    readonly from: 'you' | 'colleague' | 'contact';
    readonly author?: string;
    readonly text?: string;
    readonly hasPicture?: boolean;
    readonly at: Millis;
  };
}

export interface ThreadsListCardData {
  /** Most recent first. */
  readonly threads: readonly ThreadSummary[];
  readonly now: Millis;
}

const STATE_COLORS: Readonly<Record<ThreadState, string>> = {
  active: 'good',
  awaiting_consent: 'warning',
  paused: 'warning',
  closed: 'default',
};

export function threadsListCard(
  data: ThreadsListCardData,
  locale: string | undefined,
): AdaptiveCard {
  const tr = strings(locale);
  const listed = data.threads.slice(0, MAX_LISTED);
  const more = data.threads.length - listed.length;
  return expand('threads-list', {
    lang: cardLang(tr.locale),
    isEmpty: data.threads.length === 0,
    threads: listed.map((thread) => {
      const left =
        thread.state === 'active' ? windowLeft(tr, thread.windowClosesAt, data.now) : undefined;
      return {
        threadId: thread.threadId,
        contactName: thread.contactName,
        hasUnread: (thread.unread ?? 0) > 0,
        unread: tr('card.threads.unread', { count: thread.unread ?? 0 }),
        statusLine: [tr(`card.state.${thread.state}`), left].filter(Boolean).join(' · '),
        stateColor: STATE_COLORS[thread.state],
        preview: preview(thread, tr),
      };
    }),
    hasMore: more > 0,
    t: {
      title: tr('card.threads.title'),
      empty: tr('card.threads.empty'),
      more: tr('card.threads.more', { count: more }),
      open: tr('card.threads.open'),
    },
  });
}

function preview(thread: ThreadSummary, tr: Strings): string {
  const last = thread.lastMessage;
  if (!last) return tr('card.threads.no_messages');
  const text = last.text?.trim()
    ? truncate(last.text.replace(/\s+/g, ' '), 120)
    : last.hasPicture
      ? tr('card.picture.preview')
      : '…';
  if (last.from === 'you') return tr('card.threads.last_you', { text });
  if (last.from === 'colleague')
    return tr('card.threads.last_colleague', { author: last.author ?? '', text });
  return text;
}
