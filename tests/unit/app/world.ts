/**
 * The app layer over a real (in-memory SQLite) store, with fake channels standing in for
 * WhatsApp and Teams, and a clock the test moves.
 */
import { pino } from 'pino';
import { createSandboxClock } from '../../../bot/src/sandbox/clock.js';
import { Conversations } from '../../../bot/src/app/conversations.js';
import { OutboxDispatcher } from '../../../bot/src/app/outbox-dispatcher.js';
import { RetryPolicy } from '../../../bot/src/app/retry-policy.js';
import { TimerRunner } from '../../../bot/src/app/timer-runner.js';
import type {
  ContactChannel,
  SendResult,
  TeamsEffect,
  UserChannel,
} from '../../../bot/src/app/ports.js';
import type { Message, Thread, UserRef } from '../../../bot/src/core/types.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../bot/src/store/port.js';

export const alice: UserRef = { id: 'u-alice', name: 'Alice Adams' };
export const bob: UserRef = { id: 'u-bob', name: 'Bob Brown' };
export const BN = 'bn-1';
export const CONTACT_ID = `${BN}:447700900123`;

/** Plays WhatsApp: records what was sent and answers with whatever the test queued. */
export class FakeWhatsApp implements ContactChannel {
  readonly sent: Message[] = [];
  private readonly answers: SendResult[] = [];
  private n = 0;
  answerNext(...results: SendResult[]): void {
    this.answers.push(...results);
  }
  async send(_thread: Thread, message: Message, _attempt: number): Promise<SendResult> {
    const answer = this.answers.shift() ?? { outcome: 'sent', waMessageId: `wamid.out${++this.n}` };
    if (answer.outcome === 'sent') this.sent.push(message);
    return answer;
  }
}

/** Plays Teams: records what each user was told. */
export class FakeTeams implements UserChannel {
  readonly delivered: TeamsEffect[] = [];
  failNext: Error[] = [];
  async deliver(effect: TeamsEffect): Promise<void> {
    const error = this.failNext.shift();
    if (error) throw error;
    this.delivered.push(effect);
  }
  noticesFor(userId: string): string[] {
    return this.delivered.flatMap((e) =>
      e.type === 'notify' && e.to.includes(userId) ? [e.notice.key] : [],
    );
  }
}

export class AppWorld {
  readonly clock = createSandboxClock({ frozenAt: Date.UTC(2026, 0, 5, 9) });
  readonly logger = pino({ level: 'silent' });
  readonly whatsapp = new FakeWhatsApp();
  readonly teams = new FakeTeams();
  readonly conversations: Conversations;
  readonly dispatcher: OutboxDispatcher;
  readonly timers: TimerRunner;
  private ids = 0;

  constructor(
    readonly store: Store = new SqliteStore(':memory:'),
    options: { maxAttempts?: number } = {},
  ) {
    this.conversations = new Conversations({
      store,
      clock: this.clock,
      logger: this.logger,
      maxParticipants: 8,
      newId: () => `t-${++this.ids}`,
    });
    this.dispatcher = new OutboxDispatcher({
      store,
      clock: this.clock,
      logger: this.logger,
      conversations: this.conversations,
      contacts: this.whatsapp,
      users: this.teams,
      owner: 'test',
      retryPolicy: new RetryPolicy({
        random: () => 0.5,
        overrides: { whatsapp: { maxAttempts: options.maxAttempts ?? 4 } },
      }),
    });
    this.timers = new TimerRunner({
      store,
      clock: this.clock,
      logger: this.logger,
      conversations: this.conversations,
      owner: 'test',
    });
  }

  async withContact(): Promise<this> {
    await this.store.putContact({
      id: CONTACT_ID,
      businessNumberId: BN,
      phone: '447700900123',
      name: 'Maria Silva',
    });
    return this;
  }

  async thread(id = 't-1'): Promise<Thread> {
    return (await this.store.getThread(id))!;
  }

  async messages(threadId = 't-1'): Promise<Message[]> {
    return this.store.listMessages(threadId);
  }
}
