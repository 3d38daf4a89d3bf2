/**
 * The last gate before a call reaches the Bot Connector (gather, issue 11 item 2): Teams
 * counts a call when it arrives, and every call counts (posts, updates in place, and those it
 * answers 429), per chat (7/1 s, 8/2 s, 60/30 s, 1,800/h) and per tenant (30/1 s).
 *
 * The shared send budgets (app/send-budgets.ts) give each send a slot, but a slot is a grant
 * time: the request leaves later (the adapter, a busy event loop) and reaches the connector
 * later still, so two sends in slots a window apart could arrive less than a window apart.
 * That is how a burst went one over a window. This gate counts what it can know for sure, per
 * process: a call may leave at `t` only if, in every window of `perMs`, fewer than `max`
 * earlier calls were still unanswered or answered after `t - perMs`. A call arrives after it
 * left and before it was answered, so two calls this allows are at least `perMs` apart as the
 * connector sees them, however late either left. It costs the time an answer takes (a few
 * milliseconds) on calls that are a window apart anyway.
 */
import type { Millis } from '../core/types.js';
import { getOrMake, type SendTarget, type Window } from './rate-limits.js';

export interface ConnectorPaceOptions {
  readonly conversationWindows: readonly Window[];
  readonly tenantWindows: readonly Window[];
  readonly now?: () => Millis;
  readonly sleep?: (ms: Millis) => Promise<void>;
}

/** Calls of one window kept for another kind of call (the hourly summary keeps the hour's last). */
export interface Spare {
  readonly perMs: Millis;
  readonly calls: number;
}

interface Call {
  /** When it was answered; undefined while in flight. */
  doneAt: Millis | undefined;
}

class CallLog {
  /** Calls in the order they left; answered ones older than the longest window are forgotten. */
  readonly calls: Call[] = [];
  constructor(private readonly windows: readonly Window[]) {}

  /**
   * 0 when one more call may leave now, else how long to wait before asking again. `spare`
   * keeps the last calls of one window (by its perMs) for another kind of call.
   */
  waitMs(now: Millis, spare?: Spare): Millis {
    this.forget(now);
    let wait = 0;
    for (const w of this.windows) {
      const max = spare && spare.perMs === w.perMs ? w.max - spare.calls : w.max;
      // Calls that might still be within perMs of a call leaving now, as the connector sees it.
      const close = this.calls.filter((c) => c.doneAt === undefined || c.doneAt > now - w.perMs);
      if (close.length < max) continue;
      // The oldest of them must drop out: when it is answered, perMs after that.
      const answered = close
        .map((c) => c.doneAt)
        .filter((d): d is Millis => d !== undefined)
        .sort((a, b) => a - b);
      const over = close.length - max + 1;
      // Enough answered calls leave the window in time; else wait for an answer.
      const leaves =
        answered.length >= over
          ? (answered[over - 1] as Millis) + w.perMs - now
          : POLL_IN_FLIGHT_MS;
      wait = Math.max(wait, Math.max(1, leaves));
    }
    return wait;
  }

  private forget(now: Millis): void {
    const longest = Math.max(...this.windows.map((w) => w.perMs));
    while (this.calls.length > 0) {
      const first = this.calls[0] as Call;
      if (first.doneAt === undefined || first.doneAt > now - longest) break;
      this.calls.shift();
    }
  }

  /**
   * replycpu (issue 11): how many calls could leave within `withinMs` from now, as far as
   * this log can tell: room now, plus calls that drop out of each window by then.
   */
  freeWithin(now: Millis, withinMs: Millis, spare?: Spare): number {
    this.forget(now);
    let free = Number.POSITIVE_INFINITY;
    for (const w of this.windows) {
      const max = spare && spare.perMs === w.perMs ? w.max - spare.calls : w.max;
      const close = this.calls.filter((c) => c.doneAt === undefined || c.doneAt > now - w.perMs);
      // A call still in flight is taken as answered now (an answer takes milliseconds).
      const leaving = close.filter((c) => (c.doneAt ?? now) + w.perMs <= now + withinMs).length;
      free = Math.min(free, max - close.length + leaving);
    }
    return Math.max(0, free);
  }

  idle(now: Millis): boolean {
    this.forget(now);
    return this.calls.length === 0;
  }

  /** How many calls are within the window of `perMs` (any of this log's windows). */
  countWithin(now: Millis, perMs: Millis): number {
    return this.calls.filter((c) => c.doneAt === undefined || c.doneAt > now - perMs).length;
  }
}

/** While a call is in flight, look again this often (an answer takes milliseconds). */
const POLL_IN_FLIGHT_MS = 5;

const realSleep = (ms: Millis) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });

export class ConnectorPace {
  private readonly chats = new Map<string, CallLog>();
  private readonly tenants = new Map<string, CallLog>();
  /** replycpu (issue 11): callers waiting in enter, per chat and per tenant. */
  private readonly waitingChats = new Map<string, number>();
  private readonly waitingTenants = new Map<string, number>();
  private readonly now: () => Millis;
  private readonly sleep: (ms: Millis) => Promise<void>;

  constructor(private readonly options: ConnectorPaceOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /**
   * How long until a call to this target may leave (0: now). A caller that will not wait that
   * long (more than it holds in memory) puts its effect back in the outbox instead.
   */
  waitMs(target: SendTarget, spare?: Spare): Millis {
    const now = this.now();
    return Math.max(this.chat(target).waitMs(now, spare), this.tenant(target).waitMs(now));
  }

  /**
   * Wait until a call may leave, at most `holdMs` (else the wait still needed is returned and
   * nothing is counted), then count it as in flight: call the returned `done` when answered,
   * whatever the answer (Teams counts refused calls too).
   */
  async enter(
    target: SendTarget,
    holdMs: Millis,
    spare?: Spare,
    /**
     * replycpu (issue 11): also give up at once when the callers already waiting for this
     * chat (or tenant) take every call its windows can let out within the hold: this one
     * would wait the whole hold and go anyway. A user's own turns use it: 16 of one user's
     * turns at once each waited the full 2 s, then went over the windows all the same.
     */
    giveUpWhenQueued = false,
  ): Promise<{ readonly done: () => void } | { readonly waitMs: Millis }> {
    const started = this.now();
    for (;;) {
      const wait = this.waitMs(target, spare);
      if (wait === 0) break;
      const now = this.now();
      if (now + wait - started > holdMs) return { waitMs: wait };
      if (giveUpWhenQueued && this.queuedBeyond(target, now, holdMs - (now - started), spare))
        return { waitMs: wait };
      this.waiting(target, +1);
      try {
        await this.sleep(wait);
      } finally {
        this.waiting(target, -1);
      }
    }
    this.sweep();
    const call: Call = { doneAt: undefined };
    const chat = this.chat(target);
    const tenant = this.tenant(target);
    chat.calls.push(call);
    tenant.calls.push(call);
    return {
      done: () => {
        call.doneAt ??= this.now();
      },
    };
  }

  private queuedBeyond(target: SendTarget, now: Millis, withinMs: Millis, spare?: Spare): boolean {
    const chatAhead = this.waitingChats.get(target.conversationId) ?? 0;
    const tenantAhead = this.waitingTenants.get(target.tenantId) ?? 0;
    return (
      chatAhead >= this.chat(target).freeWithin(now, withinMs, spare) ||
      tenantAhead >= this.tenant(target).freeWithin(now, withinMs)
    );
  }

  private waiting(target: SendTarget, by: 1 | -1): void {
    const bump = (map: Map<string, number>, key: string) => {
      const n = (map.get(key) ?? 0) + by;
      if (n > 0) map.set(key, n);
      else map.delete(key);
    };
    bump(this.waitingChats, target.conversationId);
    bump(this.waitingTenants, target.tenantId);
  }

  /**
   * Count a call leaving now, in flight until the returned function is called (when it is
   * answered). For a caller that checked waitMs itself (the WhatsApp send gate).
   */
  start(target: SendTarget): () => void {
    this.sweep();
    const call: Call = { doneAt: undefined };
    this.chat(target).calls.push(call);
    this.tenant(target).calls.push(call);
    return () => {
      call.doneAt ??= this.now();
    };
  }

  /** Count a call that could not wait (an answer within a user's own turn), answered now. */
  record(target: SendTarget): void {
    const call: Call = { doneAt: this.now() };
    this.chat(target).calls.push(call);
    this.tenant(target).calls.push(call);
  }

  /** How many calls to this chat might fall in the last `perMs`, as the connector counts them. */
  recentCalls(target: SendTarget, perMs: Millis): number {
    return this.chat(target).countWithin(this.now(), perMs);
  }

  /** Forget chats and tenants with no call left in their longest window. */
  private sweep(): void {
    if (this.chats.size < 1_000) return;
    const now = this.now();
    for (const [id, log] of this.chats) if (log.idle(now)) this.chats.delete(id);
    for (const [id, log] of this.tenants) if (log.idle(now)) this.tenants.delete(id);
  }

  private chat(target: SendTarget): CallLog {
    return getOrMake(
      this.chats,
      target.conversationId,
      () => new CallLog(this.options.conversationWindows),
    );
  }

  private tenant(target: SendTarget): CallLog {
    return getOrMake(this.tenants, target.tenantId, () => new CallLog(this.options.tenantWindows));
  }
}
