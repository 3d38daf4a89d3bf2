/**
 * Issue 10 (chat): nothing typed goes to the wrong person, and words never turn into commands
 * (or commands into WhatsApp messages) by accident.
 * - Where a typed message goes: the current conversation while that is unambiguous; the only
 *   conversation the user takes part in when there is no current one (the answer names it);
 *   otherwise a card asking which one, the text kept on it, sent only on the user's choice
 *   and at most once (the choice is claimed once per card, across instances).
 * - A command word followed by words that do not fit: a card asking whether to send it or
 *   run the command.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ThreadNotFoundError } from '../core/errors.js';
import type { NoticeKey } from '../core/notice-keys.js';
import { isRejection, type Thread } from '../core/types.js';
import { t } from '../i18n/catalogue.js';
import { noticeCard, type AdaptiveCard } from './cards/index.js';
import { cardLang, strings } from './cards/format.js';
import { MAX_TEXT } from './cards/verbs.js';
import type { CommandHandlers } from './command-handlers.js';
import { parseCommand, plainText } from './commands.js';
import type { BotServices, Turn } from './turn.js';
import type { UserActions } from './user-actions.js';

export const CHAT_VERBS = {
  /** Send the kept text to the conversation picked on the card. */
  send: 'chat.send',
  /** Do not send the kept text. */
  cancel: 'chat.cancel',
  /** Run the kept text as the command it starts with. */
  run: 'chat.run',
} as const;

const id = z.string().trim().min(1).max(256);
const chatAction = z.discriminatedUnion('verb', [
  z.object({
    verb: z.literal(CHAT_VERBS.send),
    data: z.object({
      choiceId: id,
      draft: z.string().trim().min(1).max(MAX_TEXT),
      threadId: id.optional(),
    }),
  }),
  z.object({ verb: z.literal(CHAT_VERBS.cancel), data: z.object({ choiceId: id }) }),
  z.object({
    verb: z.literal(CHAT_VERBS.run),
    data: z.object({ choiceId: id, draft: z.string().trim().min(1).max(MAX_TEXT) }),
  }),
]);

/** A conversation a choice card offers, by its contact's name. */
interface Option {
  readonly id: string;
  readonly name: string;
}

/** Where a typed message goes: a thread, or the card that asks (or says why not). */
export interface Route {
  readonly thread: Thread;
  /** No current conversation: this is the only one the user takes part in. */
  readonly only?: true;
}

export class ChatRouting {
  constructor(
    private readonly services: BotServices,
    private readonly actions: UserActions,
    private readonly commands: CommandHandlers,
  ) {}

  /**
   * The thread a typed message goes to, or the card to answer with instead (a choice, or how
   * to pick a conversation). `files`: pictures or files came with it.
   */
  async route(turn: Turn, text: string, files: boolean): Promise<Route | { card: AdaptiveCard }> {
    const { queries } = this.services.app;
    const current = await queries.currentThread(turn);
    if (current) {
      const arrived = await this.arrivedSince(turn, current.id);
      if (arrived.length === 0) return { thread: current };
      const options = [{ id: current.id, name: current.contact.name }, ...arrived];
      return {
        card: this.choiceCard(
          turn,
          options,
          text,
          files,
          t(turn.locale, 'chat.choose.since', {
            contact: current.contact.name,
          }),
          true,
        ),
      };
    }
    const open = (await queries.myConversations(turn)).filter(
      (c) => c.participating && c.state !== 'closed',
    );
    if (open.length === 1) return { thread: open[0]!.thread, only: true };
    if (open.length === 0) return { card: await this.commands.noCurrentThread(turn) };
    const options = open.map((c) => ({ id: c.id, name: c.contact.name }));
    return {
      card: this.choiceCard(
        turn,
        options,
        text,
        files,
        t(turn.locale, 'chat.choose.several'),
        false,
      ),
    };
  }

  /** Conversations that got a card in the user's chat since they last worked (still theirs). */
  private async arrivedSince(turn: Turn, currentId: string): Promise<Option[]> {
    const options: Option[] = [];
    for (const threadId of await this.services.app.attention.since(turn.user.id, currentId)) {
      try {
        const thread = await this.services.app.queries.thread(turn, threadId);
        options.push({ id: thread.id, name: thread.contact.name });
      } catch (error) {
        if (!(error instanceof ThreadNotFoundError)) throw error;
      }
    }
    return options;
  }

  /** Which conversation is this for? One button per conversation, the first the current one. */
  choiceCard(
    turn: Turn,
    options: readonly Option[],
    text: string,
    files: boolean,
    question: string,
    currentFirst: boolean,
  ): AdaptiveCard {
    const choiceId = randomUUID();
    const tr = strings(turn.locale);
    return {
      type: 'AdaptiveCard',
      version: '1.5',
      lang: cardLang(tr.locale),
      fallbackText: question,
      body: [
        { type: 'TextBlock', text: question, wrap: true, weight: 'bolder', color: 'warning' },
        ...(text ? draftBlock(t(turn.locale, 'chat.choose.draft'), text) : []),
        ...(files
          ? [{ type: 'TextBlock', text: t(turn.locale, 'chat.choose.files_again'), wrap: true }]
          : []),
      ],
      actions: [
        ...options.map((o, i) => ({
          type: 'Action.Execute',
          title: t(
            turn.locale,
            i === 0 && currentFirst ? 'chat.choose.to_current' : 'chat.choose.to',
            {
              contact: o.name,
            },
          ),
          verb: CHAT_VERBS.send,
          data: { choiceId, threadId: o.id, ...(text ? { draft: text } : {}) },
        })),
        {
          type: 'Action.Execute',
          title: t(turn.locale, 'chat.choose.cancel'),
          verb: CHAT_VERBS.cancel,
          data: { choiceId },
        },
      ],
    };
  }

  /** "help me with my order": a message, or the command `word`? Nothing sent until chosen. */
  async askCard(turn: Turn, text: string, word: string): Promise<AdaptiveCard> {
    const choiceId = randomUUID();
    const current = await this.services.app.queries.currentThread(turn);
    const question = t(turn.locale, 'chat.command.ask', { text, command: word });
    return {
      type: 'AdaptiveCard',
      version: '1.5',
      lang: cardLang(strings(turn.locale).locale),
      fallbackText: question,
      body: [{ type: 'TextBlock', text: question, wrap: true, weight: 'bolder' }],
      actions: [
        {
          type: 'Action.Execute',
          title: current
            ? t(turn.locale, 'chat.command.send_to', { contact: current.contact.name })
            : t(turn.locale, 'chat.command.send_message'),
          verb: CHAT_VERBS.send,
          // With no thread named, the choice goes through route(): nothing to the wrong person.
          data: { choiceId, draft: text, ...(current ? { threadId: current.id } : {}) },
        },
        {
          type: 'Action.Execute',
          title: t(turn.locale, 'chat.command.run', { command: word }),
          verb: CHAT_VERBS.run,
          data: { choiceId, draft: text },
        },
      ],
    };
  }

  /** A button of these cards: the card that replaces it, or undefined for other verbs. */
  async action(turn: Turn, action: unknown): Promise<AdaptiveCard | undefined> {
    const raw = (typeof action === 'object' && action !== null ? action : {}) as {
      verb?: unknown;
      data?: unknown;
    };
    if (typeof raw.verb !== 'string' || !raw.verb.startsWith('chat.')) return undefined;
    const parsed = chatAction.safeParse({ verb: raw.verb, data: raw.data ?? {} });
    if (!parsed.success) return notice(turn, 'bot.error');
    const a = parsed.data;
    // Each card's choice is made once: a second click (or a retry) sends nothing again.
    const first = await this.services.app.records.claimOnce(
      `teams:chat-choice:${turn.user.id}:${a.data.choiceId}`,
      this.services.clock.now(),
    );
    if (!first) return notice(turn, 'chat.choose.already');
    switch (a.verb) {
      case CHAT_VERBS.cancel:
        return notice(turn, 'chat.choose.cancelled');
      case CHAT_VERBS.run: {
        const command = parseCommand(a.data.draft) ?? parseCommand(firstWord(a.data.draft));
        if (!command) return notice(turn, 'bot.error');
        return this.commands.run(turn, command);
      }
      case CHAT_VERBS.send: {
        if (!a.data.threadId) {
          const routed = await this.route(turn, a.data.draft, false);
          if ('card' in routed) return routed.card;
          return this.send(turn, routed.thread, a.data.draft);
        }
        const thread = await this.services.app.queries.thread(turn, a.data.threadId);
        return this.send(turn, thread, a.data.draft);
      }
    }
  }

  private async send(turn: Turn, thread: Thread, draft: string): Promise<AdaptiveCard> {
    const outcome = await this.actions.write(turn, thread.id, { body: draft }, 'turn');
    if (isRejection(outcome))
      return noticeCard(outcome.notice, turn.locale, { threadId: thread.id });
    return notice(turn, 'chat.choose.sent', { contact: thread.contact.name });
  }
}

function draftBlock(label: string, text: string): unknown[] {
  return [
    {
      type: 'Container',
      style: 'emphasis',
      items: [
        { type: 'TextBlock', text: label, isSubtle: true, size: 'small', wrap: true },
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text }] },
      ],
    },
  ];
}

/** "help me with my order" → "help". */
function firstWord(text: string): string {
  return plainText(text).replace(/^\//, '').split(' ')[0] ?? '';
}

function notice(turn: Turn, key: NoticeKey, params: Record<string, string> = {}): AdaptiveCard {
  return noticeCard({ key, params }, turn.locale);
}
