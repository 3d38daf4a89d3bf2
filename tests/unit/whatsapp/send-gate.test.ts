/**
 * The last gate before a send reaches WhatsApp (whatsapp/send-gate.ts): a message arrives
 * after it left and before it was answered, so with the gate any `max + 1` sends of a number
 * are a second apart as WhatsApp may see them, however slow the answers. Time is a fake clock
 * the waits move (no timing assertion: each figure is decided by the gate and the budgets).
 */
import { describe, expect, it } from 'vitest';
import { SendBudgets } from '../../../bot/src/app/send-budgets.js';
import type { Budget } from '../../../bot/src/store/port.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';
import { WhatsAppSendGate } from '../../../bot/src/whatsapp/send-gate.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const NUMBER = 'bn-1';
const budgets = (max: number): Budget[] => [
  { id: `wa:number:${NUMBER}`, windows: [{ max, perMs: 1_000, slackMs: 30 }] },
];

function world(max: number, answerMs: number) {
  let now = T0;
  const answers: { at: number; done: () => void }[] = [];
  /** Answers come in as time passes, each at its own time. */
  const advance = (ms: number) => {
    const to = now + ms;
    for (const a of answers.filter((x) => x.at <= to).sort((x, y) => x.at - y.at)) {
      now = Math.max(now, a.at);
      a.done();
      answers.splice(answers.indexOf(a), 1);
    }
    now = to;
  };
  const gate = new WhatsAppSendGate(max, () => now);
  const shared = new SendBudgets({
    store: new SqliteStore(':memory:'),
    now: () => now,
    sleep: async (ms) => {
      await Promise.resolve();
      advance(ms);
    },
  });
  const left: number[] = [];
  const send = (key: string) =>
    shared.acquire(budgets(max), key, 0, {
      waitMs: () => gate.waitMs(NUMBER),
      leave: () => {
        left.push(now);
        answers.push({ at: now + answerMs, done: gate.leave(NUMBER) });
      },
    });
  return { gate, shared, send, left, advance, now: () => now };
}

describe('the last gate before WhatsApp', () => {
  it('lets a send leave only when fewer than the rate are still on their way or answered within the second', () => {
    let now = T0;
    const gate = new WhatsAppSendGate(3, () => now);
    const done = [gate.leave(NUMBER), gate.leave(NUMBER), gate.leave(NUMBER)];
    // Three on their way: the fourth waits for an answer.
    expect(gate.waitMs(NUMBER)).toBeGreaterThan(0);
    now += 40;
    for (const d of done) d();
    // Answered at +40: a fourth may leave a second after the first answer.
    expect(gate.waitMs(NUMBER)).toBe(1_000);
    now += 1_000;
    expect(gate.waitMs(NUMBER)).toBe(0);
    // Another number has its own sends.
    expect(gate.waitMs('bn-2')).toBe(0);
  });

  it('keeps any four sends at three a second a second apart from the first one’s answer, with slow answers', async () => {
    const w = world(3, 300);
    for (let i = 0; i < 10; i++) expect(await w.send(`m${i}`)).toBe(0);
    expect(w.left).toHaveLength(10);
    for (let i = 3; i < w.left.length; i++)
      expect(w.left[i]! - w.left[i - 3]!, `send ${i}`).toBeGreaterThanOrEqual(300 + 1_000);
  });

  it('costs nothing when answers come at once: the sends leave when the budgets alone would let them', async () => {
    const gated = world(3, 0);
    for (let i = 0; i < 9; i++) expect(await gated.send(`m${i}`)).toBe(0);
    const alone = world(3, 0);
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      expect(await alone.shared.acquire(budgets(3), `m${i}`)).toBe(0);
      times.push(alone.now());
    }
    expect(gated.left).toEqual(times);
  });
});
