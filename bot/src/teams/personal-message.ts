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
import { DOCUMENT_MAX_BYTES } from '../whatsapp/media-rules.js';
import {
  downloadFile,
  downloadPicture,
  originOf,
  PictureRefusedError,
  picturesIn,
} from './attachments.js';
import type { CommandHandlers } from './command-handlers.js';
import { parseCommand, plainText } from './commands.js';
import { connectorOf } from './connector.js';
import type { BotServices, Turn } from './turn.js';
import type { UserActions } from './user-actions.js';

export class PersonalMessages {
  constructor(
    private readonly services: BotServices,
    private readonly actions: UserActions,
    private readonly commands: CommandHandlers,
  ) {}

  async handle(turn: Turn): Promise<void> {
    const activity = turn.context.activity;
    const text = plainText(activity.text);
    const { pictures, files, others } = picturesIn(activity.attachments);
    const attached = pictures.length + files.length;
    const command = attached === 0 ? parseCommand(text) : undefined;
    if (command) return this.reply(turn, await this.commands.run(turn, command));
    if (attached === 0 && others > 0 && !text)
      return this.reply(turn, this.notice(turn, 'bot.picture.unsupported'));
    if (!text && attached === 0) return;

    const thread = await this.services.app.queries.currentThread(turn);
    if (!thread) return this.reply(turn, await this.commands.noCurrentThread(turn));

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
        return this.reply(turn, this.notice(turn, `bot.picture.${error.problem}`));
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
  }

  private async botToken(turn: Turn): Promise<string | undefined> {
    const credentials = connectorOf(turn.context).credentials;
    return credentials?.getToken ? credentials.getToken() : undefined;
  }

  private notice(turn: Turn, key: NoticeKey): AdaptiveCard {
    return noticeCard({ key, params: {} }, turn.locale);
  }

  private async reply(turn: Turn, card: AdaptiveCard): Promise<void> {
    await turn.context.sendActivity(cardActivity(card));
    this.services.messenger.counted(this.services.messenger.targetOf(turn.user));
  }
}
