/**
 * A message the user writes in their personal chat with the bot: a command, or words and
 * pictures for the thread they last worked in. The answer always names who receives it
 * (the status card: "To Maria Silva", WhatsApp · +55 …), so nothing goes to the wrong person.
 */
import type { NoticeKey } from '../core/notice-keys.js';
import { isRejection, type MediaRef } from '../core/types.js';
import { noticeCard, type AdaptiveCard } from './cards/index.js';
import { cardActivity } from './card-views.js';
import { DocumentRefusedError } from '../app/send-document.js';
import { noticeKeyOf } from '../app/errors.js';
import { DOCUMENT_MAX_BYTES } from '../whatsapp/media-rules.js';
import {
  downloadFile,
  downloadPicture,
  originOf,
  PictureRefusedError,
  picturesIn,
} from './attachments.js';
import type { CommandHandlers } from './command-handlers.js';
import { asPhoneNumber, plainText, readTyped, type Typed } from './commands.js';
import type { ChatRouting } from './chat-choice.js';
import { withNote } from './card-decorations.js';
import { textProblem } from './input-rules.js';
import { t } from '../i18n/catalogue.js';
import { connectorOf } from './connector.js';
import type { BotServices, Turn } from './turn.js';
import type { UserActions } from './user-actions.js';

export class PersonalMessages {
  constructor(
    private readonly services: BotServices,
    private readonly actions: UserActions,
    private readonly commands: CommandHandlers,
    private readonly routing: ChatRouting,
  ) {}

  async handle(turn: Turn): Promise<void> {
    const activity = turn.context.activity;
    const text = plainText(activity.text);
    const { pictures, files, others } = picturesIn(activity.attachments);
    const attached = pictures.length + files.length;
    if (attached === 0) {
      const typed = readTyped(text);
      if (typed) return this.reply(turn, await this.typed(turn, text, typed));
    }
    if (attached === 0 && others > 0 && !text)
      return this.reply(turn, this.notice(turn, 'bot.picture.unsupported'));
    // reply (issue 10): the same input rules as the compose extension (input-rules.ts).
    const problem = textProblem(text, {
      attachments: attached,
      surface: 'chat',
      locale: turn.locale,
    });
    if (problem) return this.reply(turn, noticeCard(problem, turn.locale));

    // chat (issue 10): only where it is unambiguous; otherwise the user is asked.
    const routed = await this.routing.route(turn, text, attached > 0);
    if ('card' in routed) return this.reply(turn, routed.card);
    const thread = routed.thread;

    // One message per picture, the words going with the first as its caption.
    const media: MediaRef[] = [];
    for (const picture of pictures) {
      try {
        const { bytes, mimeType } = await downloadPicture(picture, {
          trustedOrigins: [originOf(activity.serviceUrl)],
          ...(this.services.authenticatedDownloads ? { token: () => this.botToken(turn) } : {}),
          ...(this.services.fetch ? { fetch: this.services.fetch } : {}),
        });
        media.push(await this.services.app.commands.keepPicture(turn, bytes, mimeType));
      } catch (error) {
        if (!(error instanceof PictureRefusedError)) throw error;
        this.services.logger.info(
          { userId: turn.user.id, problem: error.problem },
          'picture from Teams refused',
        );
        return this.reply(turn, this.notice(turn, noticeKeyOf(error)));
      }
    }
    // media: documents (PDF, Office files), checked by the same use case the tab calls.
    const documents: { media: MediaRef; mediaKind: 'document' }[] = [];
    for (const file of files) {
      try {
        const bytes = await downloadFile(file, DOCUMENT_MAX_BYTES, {
          ...(this.services.fetch ? { fetch: this.services.fetch } : {}),
        });
        const prepared = await this.services.app.commands.keepDocument(turn, {
          bytes,
          filename: file.name,
        });
        documents.push({ media: prepared.media, mediaKind: 'document' });
      } catch (error) {
        if (error instanceof DocumentRefusedError) {
          this.services.logger.info(
            { userId: turn.user.id, problem: error.problem },
            'document from Teams refused',
          );
          return this.reply(
            turn,
            noticeCard({ key: error.noticeKey, params: error.params }, turn.locale),
          );
        }
        if (error instanceof PictureRefusedError)
          return this.reply(turn, this.notice(turn, 'media.document.download_failed'));
        throw error;
      }
    }
    const attachments: { media: MediaRef; mediaKind?: 'document' }[] = [
      ...media.map((m) => ({ media: m })),
      ...documents,
    ];
    const contents =
      attachments.length > 0
        ? attachments.map((a, i) => (i === 0 && text ? { body: text, ...a } : a))
        : [{ body: text }];
    for (const content of contents) {
      const outcome = await this.actions.write(turn, thread.id, content, 'turn');
      if (isRejection(outcome))
        return this.reply(turn, noticeCard(outcome.notice, turn.locale, { threadId: thread.id }));
    }
    if (routed.only)
      await this.reply(
        turn,
        noticeCard(
          { key: 'chat.only_conversation', params: { contact: thread.contact.name } },
          turn.locale,
        ),
      );
  }

  /** A command, a bare `new`/`open`, a `/` that is none, or a command word to ask about. */
  private async typed(turn: Turn, text: string, typed: Typed): Promise<AdaptiveCard> {
    switch (typed.kind) {
      case 'command':
        return this.commands.run(turn, typed.command);
      case 'bare':
        return withNote(
          await this.commands.contactsList(turn),
          t(
            turn.locale,
            typed.word === 'new' ? 'chat.command.new_which' : 'chat.command.open_which',
          ),
          'default',
        );
      case 'unknown':
        return noticeCard({ key: 'chat.command.unknown', params: { text } }, turn.locale);
      case 'target': {
        const query = typed.command.query;
        const fits =
          asPhoneNumber(query) !== undefined ||
          (await this.actions.findContacts(turn, query)).length > 0;
        if (fits) return this.commands.run(turn, typed.command);
        return this.routing.askCard(turn, text, typed.command.type);
      }
      case 'ask':
        return this.routing.askCard(turn, text, typed.word);
    }
  }

  private async botToken(turn: Turn): Promise<string | undefined> {
    const credentials = connectorOf(turn.context).credentials;
    return credentials?.getToken ? credentials.getToken() : undefined;
  }

  private notice(turn: Turn, key: NoticeKey): AdaptiveCard {
    return noticeCard({ key, params: {} }, turn.locale);
  }

  private async reply(turn: Turn, card: AdaptiveCard): Promise<void> {
    const { messenger } = this.services;
    await messenger.inTurn(messenger.targetOf(turn.user), () =>
      turn.context.sendActivity(cardActivity(card)),
    );
  }
}
