/**
 * alarm (issue 12): the admins' cards about a contact's message that reached nobody, in each
 * admin's personal chat and language. One card per admin and thread, kept in the store like a
 * message's card (under `alarm:unassigned:<thread>`), so the count and the outcome update that
 * same card in place; the clear is a notice card of its own as well.
 */
import type { Logger } from 'pino';
import type { SystemRecords } from '../app/system-records.js';
import type { UnassignedView } from '../app/unassigned.js';
import type { UnassignedCards } from '../ops/unassigned.js';
import { noticeCard, unassignedAlarmCard, unassignedClearedNotice } from './cards/index.js';
import { cardActivity } from './card-views.js';
import type { TeamsMessenger } from './messenger.js';

export class TeamsAlarmCards implements UnassignedCards {
  constructor(
    private readonly options: {
      readonly records: SystemRecords;
      readonly messenger: TeamsMessenger;
      readonly logger: Logger;
    },
  ) {}

  async show(userId: string, view: UnassignedView): Promise<void> {
    const { records, messenger, logger } = this.options;
    const user = await records.user(userId);
    const target = user && messenger.targetOf(user);
    if (!user || !target) {
      logger.warn({ userId }, 'admin has no chat with the bot yet; alarm card not shown');
      return;
    }
    const activity = cardActivity(unassignedAlarmCard(view, user.locale, { viewerId: userId }));
    const key = cardKey(view.threadId);
    const existing = await records.messageCard(key, userId);
    await messenger.waitForSlot(target);
    if (existing) {
      await messenger.update(user, existing.conversationId, existing.activityId, activity);
      return;
    }
    const posted = await messenger.send(user, activity);
    await records.keepMessageCard({ messageId: key, userId, ...posted });
    logger.info({ userId, activityId: posted.activityId }, 'alarm card posted');
  }

  async cleared(userId: string, view: UnassignedView): Promise<void> {
    await this.show(userId, view);
    const { records, messenger } = this.options;
    const user = await records.user(userId);
    const target = user && messenger.targetOf(user);
    if (!user || !target) return;
    await messenger.waitForSlot(target);
    await messenger.send(
      user,
      cardActivity(noticeCard(unassignedClearedNotice(view), user.locale)),
    );
  }
}

function cardKey(threadId: string): string {
  return `alarm:unassigned:${threadId}`;
}
