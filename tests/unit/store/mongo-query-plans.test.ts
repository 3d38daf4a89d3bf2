/**
 * Reading MongoDB's explain output (queryPlanner verbosity) into the port's QueryPlan, for the
 * shapes servers give: the classic engine's find, the slot-based engine's `queryPlan`, an
 * aggregate's `$cursor` stage and a `$lookup` pushed down as EQ_LOOKUP. The documents are
 * shaped after https://www.mongodb.com/docs/manual/reference/explain-results/; the same check
 * runs on a real server's output in the contract suite when MONGODB_URI is set.
 */
import { describe, expect, it } from 'vitest';
import { planStep } from '../../../bot/src/store/mongo/query-plans.js';

describe('MongoDB query plans', () => {
  it("sees a blocking sort when the index lacks the sort's _id (threads by participant)", () => {
    const step = planStep('threads', {
      explainVersion: '1',
      queryPlanner: {
        namespace: 'wa.threads',
        winningPlan: {
          stage: 'SORT',
          sortPattern: { updatedAt: -1, _id: -1 },
          inputStage: {
            stage: 'FETCH',
            inputStage: {
              stage: 'IXSCAN',
              indexName: 'by_participant',
              keyPattern: { participantIds: 1, updatedAt: -1 },
              indexBounds: {
                participantIds: ['["user", "user"]'],
                updatedAt: ['[MaxKey, MinKey]'],
              },
            },
          },
        },
        rejectedPlans: [],
      },
      ok: 1,
    });
    expect(step).toMatchObject({
      indexes: ['by_participant'],
      fullScan: false,
      sortsInMemory: true,
    });
    expect(step.detail).toMatch(/^SORT > FETCH > IXSCAN by_participant/);
  });

  it('calls a lookup that misses the partial index a collection scan, and ignores rejected plans', () => {
    const step = planStep('lookup', {
      queryPlanner: {
        winningPlan: {
          stage: 'COLLSCAN',
          filter: { waMessageId: { $eq: 'x' } },
          direction: 'forward',
        },
        rejectedPlans: [{ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'other' } }],
      },
    });
    expect(step).toMatchObject({ indexes: [], fullScan: true, sortsInMemory: false });
  });

  it("reads the slot-based engine's queryPlan, not its slot plan", () => {
    const step = planStep('messages', {
      explainVersion: '2',
      queryPlanner: {
        winningPlan: {
          queryPlan: {
            stage: 'FETCH',
            inputStage: {
              stage: 'IXSCAN',
              indexName: 'by_thread_seq',
              indexBounds: {
                threadId: ['["t", "t"]'],
                seq: ['[MinKey, MaxKey]'],
                _id: ['[MinKey, MaxKey]'],
              },
            },
          },
          slotBasedPlan: { stages: '[2] COLLSCAN …' },
        },
      },
    });
    expect(step).toMatchObject({
      indexes: ['by_thread_seq'],
      fullScan: false,
      sortsInMemory: false,
    });
  });

  it('calls an index read from end to end a full scan (the outbox grouped on every poll)', () => {
    const step = planStep('candidates', {
      stages: [
        {
          $cursor: {
            queryPlanner: {
              winningPlan: {
                stage: 'IXSCAN',
                indexName: 'thread_order',
                indexBounds: { threadId: ['[MinKey, MaxKey]'], seq: ['[MinKey, MaxKey]'] },
              },
            },
          },
        },
        { $group: { _id: '$threadId' } },
      ],
    });
    expect(step).toMatchObject({ indexes: ['thread_order'], fullScan: true });
  });

  it('reads a pushed-down $lookup: indexed loop join by _id, or a join that reads everything', () => {
    const page = (strategy: string) =>
      planStep('page', {
        queryPlanner: {
          winningPlan: {
            queryPlan: {
              stage: 'EQ_LOOKUP',
              strategy,
              ...(strategy === 'IndexedLoopJoin' ? { indexName: '_id_' } : {}),
              inputStage: {
                stage: 'IXSCAN',
                indexName: 'by_time',
                indexBounds: {
                  'data.createdAt': ['[5, 9)'],
                  threadId: ['[MinKey, MaxKey]'],
                  seq: ['[MinKey, MaxKey]'],
                },
              },
            },
          },
        },
      });
    expect(page('IndexedLoopJoin')).toMatchObject({
      indexes: ['_id_', 'by_time'],
      fullScan: false,
    });
    expect(page('HashJoin').fullScan).toBe(true);
    expect(page('NestedLoopJoin').fullScan).toBe(true);
  });

  it('says so when the output holds no winning plan at all', () => {
    const step = planStep('x', { ok: 1 });
    expect(step.indexes).toEqual([]);
    expect(step.detail).toBe('no winning plan in the explain output');
  });
});
