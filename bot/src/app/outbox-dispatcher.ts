/**
 * The outbox dispatcher: drains committed effects to WhatsApp and Teams.
 *
 * - Per thread and lane, strictly in order: the store hands out only the oldest effect of a
 *   thread's WhatsApp lane and of its Teams lane, so waiting on one never holds the other.
 * - Throttling is waiting, not failing: our own limits (and Teams' 429) put an effect back
 *   for its slot without counting an attempt; only errors from WhatsApp or Teams count.
 * - Never one effect twice at the same time: each claim is a lease held by one owner.
 * - Failures are retried as the one retry policy says (retry-policy.ts): how often and after
 *   how long; when it gives up, the message fails with a reason the user sees.
 * - A send interrupted by a crash (its lease ran out) is sent again only if WhatsApp never
 *   acknowledged it, and the message is then flagged as possibly sent twice.
 */
import type { Logger } from 'pino';
import type { Message } from '../core/types.js';
import type { OutboxItem, Store } from '../store/port.js';
import type { Lane } from '../store/lanes.js';
import type { Clock } from './clock.js';
import type { Conversations } from './conversations.js';
import { RetryPolicy, type RetryClassName } from './retry-policy.js';
import {
  TransientDeliveryError,
  WaitForSlot,
  type ContactChannel,
  type TeamsEffect,
  type UserChannel,
} from './ports.js';

/** Each lane is claimed on its own, with its own places (drain). */
const LANES: readonly Lane[] = ['whatsapp', 'teams'];

/** Teams' 429 without a Retry-After: wait a second, as Teams' guidance for bots suggests. */
const THROTTLED_WAIT_MS = 1_000;

export interface DispatcherOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly conversations: Conversations;
  readonly contacts: ContactChannel;
  readonly users: UserChannel;
  /** Who this instance is, for leases. */
  readonly owner: string;
  readonly leaseMs?: number;
  readonly batchSize?: number;
  /** How often to look for due effects when nothing woke the dispatcher. */
  readonly pollMs?: number;
  /** When to try again (the one retry policy); tests pass a shortened one. */
  readonly retryPolicy?: RetryPolicy;
}

export class OutboxDispatcher {
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly retryPolicy: RetryPolicy;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt: number | undefined;
  private poke: (() => void) | undefined;
  /** A commit came while the drain was claiming: claim both lanes again. */
  private kicked = false;

  constructor(private readonly options: DispatcherOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = options.batchSize ?? 64;
    this.pollMs = options.pollMs ?? 500;
    this.retryPolicy = options.retryPolicy ?? new RetryPolicy();
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    await this.draining;
  }

  /** Something was committed: drain now rather than at the next poll. */
  kick(): void {
    if (!this.running) return;
    if (this.draining) {
      this.again = true;
      this.kicked = true;
      this.poke?.();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.draining = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'outbox drain failed'))
      .finally(() => {
        this.draining = undefined;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.timer = setTimeout(() => this.kick(), this.pollMs);
          this.timer.unref?.();
        }
      });
  }

  /**
   * Dispatch until nothing is due. Returns how many effects were handled. Each lane (WhatsApp
   * sends, Teams notices) has up to `batchSize` effects in flight at once (each its thread
   * lane's oldest; an effect waiting in memory for its slot takes one place), claimed on its
   * own: notices waiting for Teams' slots never take the places of WhatsApp sends, and the
   * reverse (replycpu, issue 11: 64 notices waiting for one chat's slots held every reply's
   * send back for seconds). As each finishes, its lane's next due ones are claimed.
   */
  async drain(): Promise<number> {
    let handled = 0;
    const inFlight: Record<Lane, Set<Promise<void>>> = { whatsapp: new Set(), teams: new Set() };
    // The lanes to claim for: both at first, after a commit (kick) and when an effect finished.
    const toClaim = new Set<Lane>(LANES);
    let wake: (() => void) | undefined;
    for (;;) {
      // A commit while a claim was on its way (kick) may have made either lane's effect due.
      if (this.kicked) for (const lane of LANES) toClaim.add(lane);
      this.kicked = false;
      for (const lane of LANES) {
        if (!toClaim.delete(lane)) continue;
        const running = inFlight[lane];
        const room = this.batchSize - running.size;
        if (room <= 0) continue;
        const items = await this.options.store.claimEffects(
          this.options.owner,
          this.options.clock.now(),
          this.leaseMs,
          room,
          lane,
        );
        for (const item of items) {
          const one: Promise<void> = this.dispatch(item).finally(() => {
            running.delete(one);
            // Its lane's next effect may be due now, and what it committed may be either lane's.
            for (const l of LANES) toClaim.add(l);
            wake?.();
          });
          running.add(one);
        }
        handled += items.length;
      }
      if (inFlight.whatsapp.size + inFlight.teams.size === 0) return handled;
      if (toClaim.size === 0)
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.poke = resolve;
        });
      wake = undefined;
      this.poke = undefined;
    }
  }

  private async dispatch(item: OutboxItem): Promise<void> {
    const log = this.options.logger.child({
      effectId: item.id,
      threadId: item.threadId,
      effect: item.effect.type,
    });
    try {
      switch (item.effect.type) {
        case 'send_to_contact':
          return await this.sendToContact(item, item.effect.messageId);
        case 'schedule':
        case 'record_consent':
        case 'release_pending':
          // Kept (or, for a release, expanded) by the store itself at commit; nothing to dispatch.
          return await this.options.store.completeEffect(item.id, this.options.owner);
        default:
          return await this.tellUsers(item, item.effect);
      }
    } catch (error) {
      if (error instanceof WaitForSlot) return await this.defer(item, error.afterMs);
      log.warn({ err: error, attempts: item.attempts }, 'effect failed; will retry');
      await this.retry(item, 'unexpected', error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Throttling is waiting, not failing: back to the outbox until `afterMs` from now without
   * counting an attempt (our own limits, Teams' 429), and a wake-up then, not polling.
   */
  private async defer(item: OutboxItem, afterMs: number): Promise<void> {
    const wait = Math.max(0, Math.round(afterMs));
    await this.options.store.deferEffect(
      item.id,
      this.options.owner,
      this.options.clock.now() + wait,
    );
    this.wakeIn(wait);
  }

  private wakeIn(ms: number): void {
    if (!this.running) return;
    const at = Date.now() + ms;
    if (this.wakeAt !== undefined && this.wakeAt <= at && this.wakeAt > Date.now()) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = undefined;
      this.kick();
    }, ms);
    this.wakeTimer.unref?.();
  }

  private async sendToContact(item: OutboxItem, messageId: string): Promise<void> {
    const message = await this.options.store.getMessage(messageId);
    const thread = await this.options.store.getThread(item.threadId);
    if (!message || !thread) {
      this.options.logger.error(
        { messageId, threadId: item.threadId },
        'outbox names a message that does not exist; dropped',
      );
      return this.options.store.completeEffect(item.id, this.options.owner);
    }
    // Already acknowledged by WhatsApp (a crash after the send was recorded): done.
    if (message.status !== 'pending' || message.waMessageId) {
      return this.options.store.completeEffect(item.id, this.options.owner);
    }
    if (item.recovered) {
      // The process died while this send was in flight: WhatsApp may have it already.
      await this.options.store.markMessagePossiblyDuplicate(message.id);
      this.options.logger.warn(
        { messageId: message.id, threadId: thread.id },
        'resending a message interrupted by a crash; it may arrive twice',
      );
    }
    const result = await this.options.contacts.send(thread, message, item.attempts + 1);
    switch (result.outcome) {
      case 'sent':
        await this.options.conversations.sent(message, result.waMessageId, thread.contact.id);
        return this.options.store.completeEffect(item.id, this.options.owner);
      case 'failed':
        await this.options.conversations.failed(message, result.failure);
        return this.options.store.completeEffect(item.id, this.options.owner);
      case 'wait':
        return this.defer(item, result.afterMs);
      case 'retry':
        if (!(await this.retry(item, 'whatsapp', result.reason, result.afterMs)))
          return this.giveUp(item, message);
        return;
    }
  }

  private async tellUsers(item: OutboxItem, effect: TeamsEffect): Promise<void> {
    const thread = await this.options.store.getThread(item.threadId);
    if (!thread) return this.options.store.completeEffect(item.id, this.options.owner);
    try {
      await this.options.users.deliver(effect, thread, { key: item.id, seq: item.seq });
    } catch (error) {
      if (error instanceof WaitForSlot) return this.defer(item, error.afterMs);
      // Teams' own 429: wait for its Retry-After; it is not an attempt.
      if (error instanceof TransientDeliveryError && error.throttled)
        return this.defer(item, error.retryAfterMs ?? THROTTLED_WAIT_MS);
      if (
        error instanceof TransientDeliveryError &&
        (await this.retry(item, 'teams', error.message, error.retryAfterMs))
      )
        return;
      // A user who cannot be reached (uninstalled the app, no conversation yet) or a notice
      // that failed too often: it stays in the thread's history, visible in the tab.
      this.options.logger.warn(
        { err: error, threadId: thread.id, effect: effect.type },
        'could not tell users in Teams; giving up on this notice',
      );
    }
    return this.options.store.completeEffect(item.id, this.options.owner);
  }

  private async giveUp(item: OutboxItem, message: Message): Promise<void> {
    this.options.logger.warn(
      { messageId: message.id, attempts: item.attempts + 1 },
      'giving up sending a message',
    );
    await this.options.conversations.failed(message, {
      graphCode: 0,
      kind: 'other',
      reasonKey: 'reason.service_unavailable',
    });
    await this.options.store.completeEffect(item.id, this.options.owner);
  }

  /** Put the effect back for when the retry policy says; false when it says to give up. */
  private async retry(
    item: OutboxItem,
    kind: RetryClassName,
    reason: string,
    askedMs?: number,
  ): Promise<boolean> {
    const decision = this.retryPolicy.decide(kind, item.attempts + 1, askedMs);
    if (!decision.retry) return false;
    await this.options.store.retryEffect(
      item.id,
      this.options.owner,
      this.options.clock.now() + decision.afterMs,
      reason,
    );
    return true;
  }
}
