/**
 * The "WhatsApp refuses the number" alarm names Graph's error code. Its signal keeps it as
 * `graphCode` (issue 8); a signal a previous version stored as `code` still gives the same card.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { TeamsEffect } from '../../../bot/src/app/ports.js';
import { AlarmSignals, checkAlarms } from '../../../bot/src/ops/alarms.js';
import { t } from '../../../bot/src/i18n/catalogue.js';
import { createSandboxClock } from '../../../bot/src/sandbox/index.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0);
const REFUSED = "WhatsApp is refusing the business number's messages (error 190).";

async function cardsAfterCheck(store: SqliteStore): Promise<string[]> {
  const effects: TeamsEffect[] = [];
  await checkAlarms({
    store,
    clock: createSandboxClock({ frozenAt: T0 + 1000 }),
    users: {
      deliver: async (effect: TeamsEffect) => {
        effects.push(effect);
      },
    } as never,
    logger: pino({ level: 'silent' }),
    admins: async () => ['admin-1'],
    silenceMs: 60 * 60_000,
    outboxAgeMs: 15 * 60_000,
  });
  return effects.flatMap((e) =>
    e.type === 'notify' ? [t('en', e.notice.key, e.notice.params)] : [],
  );
}

describe('the WhatsApp-refused alarm and its Graph code', () => {
  it('keeps the code a refused send reported as graphCode, and tells it to the admin', async () => {
    const store = new SqliteStore(':memory:');
    try {
      const signals = new AlarmSignals(
        store,
        createSandboxClock({ frozenAt: T0 }),
        pino({ level: 'silent' }),
      );
      signals.whatsappSend('failed', 190);
      await new Promise((r) => setTimeout(r, 10));
      expect((await store.ops.getAlarm('signal:refused'))?.detail).toEqual({ graphCode: '190' });
      const cards = await cardsAfterCheck(store);
      expect(cards).toHaveLength(1);
      expect(cards[0]).toContain(REFUSED);
    } finally {
      await store.close();
    }
  });

  it('reads a signal stored before the rename (detail.code) the same way', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await store.ops.putAlarm({
        key: 'signal:refused',
        kind: 'signal',
        state: 'raised',
        since: T0,
        toldRaised: [],
        toldCleared: [],
        detail: { code: '190' },
      });
      const cards = await cardsAfterCheck(store);
      expect(cards).toHaveLength(1);
      expect(cards[0]).toContain(REFUSED);
    } finally {
      await store.close();
    }
  });
});
