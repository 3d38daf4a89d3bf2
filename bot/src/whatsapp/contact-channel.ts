/**
 * The WhatsApp side of the outbox: turns a stored message into the Cloud API call it needs
 * (text, picture, template or notice), paced to WhatsApp's limits, and WhatsApp's answer into
 * what the dispatcher does next (done, try again later, or failed with a reason).
 */
import { WaitForSlot, type ContactChannel, type SendResult } from '../app/ports.js';
import type { SendBudgets } from '../app/send-budgets.js';
import type { Message, TemplateName, Thread } from '../core/types.js';
import { t } from '../i18n/catalogue.js';
import type { Store } from '../store/port.js';
import type { CloudApiClient, SentMessage } from './cloud-api-client.js';
import { decideRetry } from './error-catalogue.js';
import { WhatsAppApiError } from './errors.js';
import type { SendPacer } from './send-pacer.js';
import type { WhatsAppSendGate } from './send-gate.js';
import type { SendTarget } from './message-payloads.js';

export interface WhatsAppChannelOptions {
  /** The client for a business number, or undefined for a number this app does not serve. */
  readonly clientFor: (
    businessNumberId: string,
  ) => Promise<CloudApiClient | undefined> | CloudApiClient | undefined;
  readonly pacer: SendPacer;
  /** Send slots shared by every instance; without them, the pacer alone (one process). */
  readonly budgets?: SendBudgets;
  /** The last gate before each send's request, within its slot (send-gate.ts). */
  readonly gate?: WhatsAppSendGate;
  readonly store: Pick<Store, 'getMedia'>;
  /** The name the opt-in and resume templates show the contact. */
  readonly businessName: (businessNumberId: string) => Promise<string> | string;
  /**
   * The language of texts the app writes to a contact (participant notices): the contact's
   * own (`contact language`), else the organisation's default; never the Teams user's.
   */
  readonly contactLocale: (businessNumberId: string, contactId: string) => Promise<string> | string;
  /** ops (issue 12): the approved translation to send a template in, if any (else the configured language). */
  readonly templateLanguage?: (
    template: TemplateName,
    thread: Thread,
  ) => Promise<string | undefined> | string | undefined;
  readonly random?: () => number;
}

export class WhatsAppChannel implements ContactChannel {
  constructor(private readonly options: WhatsAppChannelOptions) {}

  async send(thread: Thread, message: Message, attempt: number): Promise<SendResult> {
    const client = await this.options.clientFor(thread.businessNumberId);
    if (!client) {
      return {
        outcome: 'failed',
        failure: { graphCode: 10, kind: 'other', reasonKey: 'reason.permission_denied' },
      };
    }
    // Throttling is waiting (Delivery under load): the next free slot of the number's
    // throughput and the pair rate, shared by every instance, is reserved for this message,
    // and waited for right before the message's own request (after any upload or lookup),
    // so it reaches WhatsApp within its slot's slack.
    const budgets = this.options.budgets;
    // The last gate (send-gate.ts): the send counts as on its way from when it leaves until
    // WhatsApp answers, whatever the answer.
    const gate = this.options.gate;
    const number = thread.businessNumberId;
    let answered: (() => void) | undefined;
    const ready = async (): Promise<void> => {
      if (!budgets) return;
      const deferMs = await budgets.acquire(
        this.options.pacer.budgets(thread.businessNumberId, thread.contact.id),
        message.id,
        this.options.pacer.blockedMs(thread.businessNumberId, thread.contact.phone),
        gate && {
          waitMs: () => gate.waitMs(number),
          leave: () => {
            answered = gate.leave(number);
          },
        },
      );
      if (deferMs > 0) throw new WaitForSlot(deferMs);
    };
    if (!budgets) {
      const wait = this.options.pacer.tryAcquire(thread.businessNumberId, thread.contact.phone);
      if (wait > 0) return { outcome: 'retry', afterMs: wait, reason: 'paced to WhatsApp limits' };
    }

    const target: SendTarget = { to: thread.contact.phone, callbackData: message.id };
    try {
      const sent = await this.deliver(client, thread, message, target, ready);
      answered?.();
      if (!sent)
        return {
          outcome: 'failed',
          failure: { graphCode: 131053, kind: 'other', reasonKey: 'reason.media_upload_failed' },
        };
      return { outcome: 'sent', waMessageId: sent.wamid };
    } catch (error) {
      answered?.();
      if (error instanceof WaitForSlot) return { outcome: 'wait', afterMs: error.afterMs };
      const decision = decideRetry(error, attempt, this.options.random);
      if (!decision.retry) return { outcome: 'failed', failure: decision.failure };
      let afterMs = decision.afterMs;
      if (decision.throttle) {
        // 130429 / 131056: not the message's fault. Slow the number or this pair down.
        afterMs = this.options.pacer.slowDown(
          decision.throttle,
          thread.businessNumberId,
          thread.contact.phone,
          attempt,
          afterMs,
        );
      }
      const graphCode = error instanceof WhatsAppApiError ? error.graphCode : undefined;
      return {
        outcome: 'retry',
        afterMs,
        reason: `WhatsApp ${graphCode ?? 'unavailable'}`,
        graphCode,
      };
    }
  }

  private async deliver(
    client: CloudApiClient,
    thread: Thread,
    message: Message,
    target: SendTarget,
    ready: () => Promise<void>,
  ): Promise<SentMessage | undefined> {
    switch (message.kind) {
      case 'text':
        await ready();
        return client.sendText(target, message.body ?? '');
      case 'image': {
        const stored = message.media
          ? await this.options.store.getMedia(message.media.id)
          : undefined;
        if (!stored) return undefined;
        return client.sendPicture(
          target,
          {
            bytes: stored.bytes,
            mimeType: stored.ref.mimeType,
            caption: message.body ?? stored.ref.caption,
          },
          ready,
        );
      }
      case 'document': {
        // media: a user's document, by upload, under its file name
        const stored = message.media
          ? await this.options.store.getMedia(message.media.id)
          : undefined;
        if (!stored) return undefined;
        return client.sendDocument(
          target,
          {
            bytes: stored.bytes,
            filename: stored.ref.filename ?? 'document.pdf',
            caption: message.body ?? stored.ref.caption,
          },
          ready,
        );
      }
      case 'notice': {
        const text = await this.noticeText(thread, message);
        await ready();
        return client.sendText(target, text);
      }
      case 'template': {
        const businessName = await this.options.businessName(thread.businessNumberId);
        const template = message.template ?? 'participant_notice';
        const language = await this.options.templateLanguage?.(template, thread);
        const notice =
          template === 'opt_in' || template === 'resume'
            ? ''
            : await this.noticeText(thread, message);
        await ready();
        switch (template) {
          case 'opt_in':
            return client.sendTemplate(target, { template: 'opt_in', businessName }, language);
          case 'resume':
            return client.sendTemplate(target, { template: 'resume', businessName }, language);
          default:
            return client.sendTemplate(
              target,
              { template: 'participant_notice', notice },
              language,
            );
        }
      }
      case 'inbound':
        throw new Error(`message ${message.id} is inbound; nothing to send`);
    }
  }

  private async noticeText(thread: Thread, message: Message): Promise<string> {
    const locale = await this.options.contactLocale(thread.businessNumberId, thread.contact.id);
    return t(locale, message.noticeKey ?? 'contact.participant_added', message.params ?? {});
  }
}
