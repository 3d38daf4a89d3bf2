/** The pure engine alone, in-process: decide(compose) on an active thread, per second. */
import { decide, startThread } from '../../bot/src/core/engine.js';
import { isRejection, type Thread } from '../../bot/src/core/types.js';
import { DURATION_S, fmt, type Scenario } from '../lib/common.js';

export const engine: Scenario = {
  name: 'engine',
  async run({ bareRps }) {
    const now = Date.now();
    const started = startThread(
      {
        id: 't',
        businessNumberId: 'bn',
        contact: { id: 'c', phone: '1', name: 'C' },
        contactPolicy: {},
        by: { id: 'u', name: 'U' },
      },
      now,
    );
    if (isRejection(started)) throw new Error('could not start');
    const active: Thread = {
      ...started.thread,
      state: 'active',
      consentedAt: now,
      lastInboundAt: now,
    };
    const until = performance.now() + DURATION_S * 1000;
    let ops = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 1000; i++)
        decide(
          { thread: active, pending: [] },
          { type: 'compose', by: 'u', body: 'hello' },
          now + i,
        );
      ops += 1000;
    }
    const rate = ops / DURATION_S;
    return {
      title: 'Engine (in-process)',
      header: ['benchmark', 'decisions/s', '× bare'],
      rows: [['engine decide(compose)', fmt(rate), fmt(rate / bareRps, 2)]],
    };
  },
};
