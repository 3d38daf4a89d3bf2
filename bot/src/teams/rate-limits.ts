/**
 * Teams' limits on what a bot sends, kept before Teams enforces them with HTTP 429:
 * - per conversation (a user's chat with the bot): 7 per second, 8 per 2 s, 60 per 30 s and
 *   1,800 per hour;
 * - per app per tenant: 30 per second.
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit
 *
 * Sliding windows over the times of recent sends, on an injected clock. The limiter never
 * sleeps: it answers how long to wait, and the outbox dispatcher reschedules the notice
 * (TransientDeliveryError with retryAfterMs). Per process: with several instances, each
 * keeps its own count, and Teams' 429 (honoured the same way) covers the rest.
 */
import type { Millis } from '../core/types.js';

export interface Window {
  readonly max: number;
  readonly perMs: Millis;
}

export const CONVERSATION_WINDOWS: readonly Window[] = [
  { max: 7, perMs: 1_000 },
  { max: 8, perMs: 2_000 },
  { max: 60, perMs: 30_000 },
  { max: 1_800, perMs: 3_600_000 },
];
export const TENANT_WINDOWS: readonly Window[] = [{ max: 30, perMs: 1_000 }];

/** Where a send goes: the conversation and the tenant it counts against. */
export interface SendTarget {
  readonly conversationId: string;
  readonly tenantId: string;
}

class SlidingLog {
  /** Send times, oldest first, within the longest window. */
  readonly times: Millis[] = [];
  constructor(private readonly windows: readonly Window[]) {}

  private forget(now: Millis): void {
    const longest = Math.max(...this.windows.map((w) => w.perMs));
    while (this.times.length > 0 && (this.times[0] as number) <= now - longest) this.times.shift();
  }

  /** How long until `count` more sends fit every window (0: now). */
  waitMs(now: Millis, count: number): Millis {
    this.forget(now);
    let wait = 0;
    for (const w of this.windows) {
      const inWindow = this.times.filter((t) => t > now - w.perMs);
      const over = inWindow.length + count - w.max;
      if (over <= 0) continue;
      if (count > w.max) return Number.POSITIVE_INFINITY;
      // The oldest `over` sends must leave the window first.
      const leaves = (inWindow[over - 1] as number) + w.perMs - now;
      wait = Math.max(wait, leaves);
    }
    return wait;
  }

  record(now: Millis, count: number): void {
    for (let i = 0; i < count; i++) this.times.push(now);
  }

  idle(now: Millis): boolean {
    this.forget(now);
    return this.times.length === 0;
  }
}

export interface TeamsRateLimiterOptions {
  readonly now: () => Millis;
  readonly conversationWindows?: readonly Window[];
  readonly tenantWindows?: readonly Window[];
}

export class TeamsRateLimiter {
  private readonly conversations = new Map<string, SlidingLog>();
  private readonly tenants = new Map<string, SlidingLog>();

  constructor(private readonly options: TeamsRateLimiterOptions) {}

  /**
   * Take room for all these sends at once, or none: 0 when they may go now (and are counted),
   * else the milliseconds to wait before asking again. All-or-nothing, so a notice to several
   * users is not half sent and then sent again to the first ones on the retry.
   */
  tryAcquire(targets: readonly SendTarget[]): Millis {
    if (targets.length === 0) return 0;
    const now = this.options.now();
    const perConversation = countBy(targets, (t) => t.conversationId);
    const perTenant = countBy(targets, (t) => t.tenantId);
    let wait = 0;
    for (const [id, count] of perConversation)
      wait = Math.max(wait, this.conversation(id).waitMs(now, count));
    for (const [id, count] of perTenant) wait = Math.max(wait, this.tenant(id).waitMs(now, count));
    if (wait > 0) return Number.isFinite(wait) ? Math.ceil(wait) : this.longestWindow();
    for (const [id, count] of perConversation) this.conversation(id).record(now, count);
    for (const [id, count] of perTenant) this.tenant(id).record(now, count);
    this.sweep(now);
    return 0;
  }

  /** Count a send that could not wait (an answer within a user's own turn). */
  record(target: SendTarget): void {
    const now = this.options.now();
    this.conversation(target.conversationId).record(now, 1);
    this.tenant(target.tenantId).record(now, 1);
  }

  private conversation(id: string): SlidingLog {
    return getOrMake(
      this.conversations,
      id,
      () => new SlidingLog(this.options.conversationWindows ?? CONVERSATION_WINDOWS),
    );
  }

  private tenant(id: string): SlidingLog {
    return getOrMake(
      this.tenants,
      id,
      () => new SlidingLog(this.options.tenantWindows ?? TENANT_WINDOWS),
    );
  }

  private longestWindow(): Millis {
    return Math.max(
      ...(this.options.conversationWindows ?? CONVERSATION_WINDOWS).map((w) => w.perMs),
    );
  }

  /** Forget conversations that sent nothing within their longest window. */
  private sweep(now: Millis): void {
    if (this.conversations.size < 1_000) return;
    for (const [id, log] of this.conversations) if (log.idle(now)) this.conversations.delete(id);
    for (const [id, log] of this.tenants) if (log.idle(now)) this.tenants.delete(id);
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The value under `key`, made and kept on first use. */
export function getOrMake<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
