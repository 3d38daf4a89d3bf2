/**
 * replycpu (issue 11, Lanes): notices waiting in memory for their Teams slot never take the
 * places of WhatsApp sends. In the replies benchmark, 64 new-contact notices waiting for one
 * chat's slots filled every place of the dispatcher, and no reply went to WhatsApp for 4 s.
 */
import { describe, expect, it, vi } from 'vitest';
import { OutboxDispatcher } from '../../../bot/src/app/outbox-dispatcher.js';
import type { TeamsEffect, UserChannel } from '../../../bot/src/app/ports.js';
import { isRejection } from '../../../bot/src/core/types.js';
import { AppWorld, BN, alice } from './world.js';

/** Teams where every notice waits (for its slot, say) until the test lets them all go. */
class WaitingTeams implements UserChannel {
  readonly waiting: TeamsEffect[] = [];
  readonly delivered: TeamsEffect[] = [];
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  async deliver(effect: TeamsEffect): Promise<void> {
    this.waiting.push(effect);
    await this.gate;
    this.delivered.push(effect);
  }
  letGo(): void {
    this.release();
  }
}

const PHONES = ['447700900101', '447700900102', '447700900103'];

/** Three consented contacts, each in an open thread of Alice's; every effect so far done. */
async function threeOpenThreads(w: AppWorld): Promise<string[]> {
  const threads: string[] = [];
  for (const [i, phone] of PHONES.entries()) {
    const contactId = `${BN}:${phone}`;
    await w.store.putContact({ id: contactId, businessNumberId: BN, phone, name: `Contact ${i}` });
    const started = await w.conversations.start(alice, contactId);
    if (isRejection(started)) throw new Error('not started');
    threads.push(started.thread.id);
    await w.conversations.receive({
      businessNumberId: BN,
      waMessageId: `wamid.consent.${i}`,
      from: phone,
      sentAt: w.clock.now(),
      content: { type: 'button', button: 'consent', text: 'Agree' },
    });
  }
  await w.dispatcher.drain();
  return threads;
}

describe('the outbox dispatcher, lane by lane', () => {
  it("sends a reply to WhatsApp while notices fill every place waiting for Teams' slots", async () => {
    const w = new AppWorld();
    const threads = await threeOpenThreads(w);
    // Each contact writes: one notice for Alice per thread, older than her reply below.
    for (const [i, phone] of PHONES.entries())
      await w.conversations.receive({
        businessNumberId: BN,
        waMessageId: `wamid.in.${i}`,
        from: phone,
        sentAt: w.clock.now(),
        content: { type: 'text', text: `question ${i}` },
      });
    w.clock.advance(1_000);
    await w.conversations.compose(alice.id, threads[2]!, { body: 'Here is your answer' });

    const teams = new WaitingTeams();
    const dispatcher = new OutboxDispatcher({
      store: w.store,
      clock: w.clock,
      logger: w.logger,
      conversations: w.conversations,
      contacts: w.whatsapp,
      users: teams,
      owner: 'lanes',
      // Fewer places than waiting notices.
      batchSize: 2,
    });
    const draining = dispatcher.drain();
    try {
      await vi.waitFor(() =>
        expect(w.whatsapp.sent.map((m) => m.body)).toContain('Here is your answer'),
      );
      // The notices were still waiting for Teams when the reply went.
      expect(teams.delivered).toEqual([]);
      expect(teams.waiting.length).toBeGreaterThan(0);
    } finally {
      teams.letGo();
      await draining;
    }
    // And none of them was lost.
    const told = teams.delivered.filter((e) => e.type === 'deliver_inbound');
    expect(told).toHaveLength(3);
  });
});
