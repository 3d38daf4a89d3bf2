/**
 * How MongoDB plans the hot queries: the explain command (queryPlanner verbosity) on the very
 * filters, sorts and pipelines the store runs, read into the port's QueryPlan.
 * https://www.mongodb.com/docs/manual/reference/explain-results/
 */
import type { Db, Document } from 'mongodb';
import type { HotQuery, QueryPlan, QueryPlanStep } from '../port.js';
import {
  cdrPipeline,
  dueEffectsPage,
  dueTimerClaim,
  earlierEffectFilter,
  messagesOfThread,
  threadsForUser,
  waMessageIdIs,
} from './hot-queries.js';

/** One command to explain: a find, an aggregate or a findAndModify. */
type Explainable = Document;

function statementsOf(query: HotQuery): { statement: string; command: Explainable }[] {
  const now = 0;
  switch (query) {
    case 'message_by_wa_id':
      return [
        {
          statement: 'lookup',
          command: { find: 'messages', filter: waMessageIdIs('wamid.x'), limit: 1 },
        },
      ];
    case 'claim_effects': {
      const page = dueEffectsPage(now, { notBefore: 0, _id: 'x' });
      return [
        {
          statement: 'candidates',
          command: { find: 'outbox', filter: page.filter, sort: page.sort, limit: 64 },
        },
        {
          statement: 'earlier effect check',
          command: { find: 'outbox', filter: earlierEffectFilter('t', 'teams', 2), limit: 1 },
        },
      ];
    }
    case 'claim_timers': {
      const { filter, sort, update } = dueTimerClaim('owner', now, 1000, []);
      return [
        {
          statement: 'claim',
          command: { findAndModify: 'timers', query: filter, sort, update, new: true },
        },
      ];
    }
    case 'threads_for_user': {
      const { filter, sort } = threadsForUser('user');
      return [{ statement: 'threads', command: { find: 'threads', filter, sort } }];
    }
    case 'messages_of_thread': {
      const { filter, sort } = messagesOfThread('thread');
      return [{ statement: 'messages', command: { find: 'messages', filter, sort } }];
    }
    case 'cdr_page': {
      const first = { from: 0, to: 1, limit: 100 };
      const next = {
        ...first,
        businessNumberId: 'pn',
        after: { createdAt: 0, threadId: 't', seq: 1 },
      };
      return [
        {
          statement: 'first page',
          command: { aggregate: 'messages', pipeline: cdrPipeline(first, 'threads'), cursor: {} },
        },
        {
          statement: "next page of one number's",
          command: { aggregate: 'messages', pipeline: cdrPipeline(next, 'threads'), cursor: {} },
        },
      ];
    }
  }
}

export async function explainMongo(db: Db, query: HotQuery): Promise<QueryPlan> {
  const steps: QueryPlanStep[] = [];
  for (const { statement, command } of statementsOf(query)) {
    const explained = await db.command({ explain: command, verbosity: 'queryPlanner' });
    steps.push(planStep(statement, explained));
  }
  return { query, steps };
}

/** Index bounds that cover every key: the whole index is read. */
const WHOLE_RANGE = new Set(['[MinKey, MaxKey]', '[MaxKey, MinKey]']);

/**
 * One statement's plan from an explain result, whichever shape the server gives: a find's
 * `queryPlanner.winningPlan`, the slot-based engine's `winningPlan.queryPlan`, an aggregate's
 * `stages[0].$cursor`, a sharded cluster's `shards`. Only winning plans are read.
 */
export function planStep(statement: string, explained: Document): QueryPlanStep {
  const indexes = new Set<string>();
  let fullScan = false;
  let sortsInMemory = false;
  const chain: string[] = [];

  const visitStage = (node: Document): void => {
    const stage = String(node.stage);
    let label = stage;
    switch (stage) {
      case 'COLLSCAN':
        fullScan = true;
        break;
      case 'IDHACK':
      case 'EXPRESS_IDHACK':
        indexes.add('_id_');
        break;
      case 'IXSCAN':
      case 'EXPRESS_IXSCAN':
      case 'COUNT_SCAN':
      case 'DISTINCT_SCAN': {
        const name = typeof node.indexName === 'string' ? node.indexName : 'index';
        indexes.add(name);
        const bounds = isDocument(node.indexBounds) ? node.indexBounds : undefined;
        const ranges = bounds ? Object.values(bounds).flat().map(String) : [];
        if (ranges.length > 0 && Object.values(bounds ?? {}).every(readsWholeField)) {
          fullScan = true;
        }
        label = `${stage} ${name}${bounds ? ` ${JSON.stringify(bounds)}` : ''}`;
        break;
      }
      case 'SORT':
        sortsInMemory = true;
        break;
      case 'EQ_LOOKUP': {
        // The $lookup pushed down into the query engine: an indexed loop join reads the other
        // collection by index; a hash or nested loop join reads all of it.
        const strategy = String(node.strategy);
        if (strategy === 'IndexedLoopJoin' && typeof node.indexName === 'string') {
          indexes.add(node.indexName);
        } else {
          fullScan = true;
        }
        label = `${stage} ${strategy}`;
        break;
      }
    }
    chain.push(label);
    if (isDocument(node.inputStage)) visitStage(node.inputStage);
    if (Array.isArray(node.inputStages)) {
      for (const child of node.inputStages) if (isDocument(child)) visitStage(child);
    }
  };

  const visitPlan = (plan: Document): void => {
    if (isDocument(plan.queryPlan)) visitStage(plan.queryPlan);
    else if (typeof plan.stage === 'string') visitStage(plan);
    if (Array.isArray(plan.shards)) {
      for (const shard of plan.shards) if (isDocument(shard)) visitAnywhere(shard);
    }
  };

  // Every winningPlan in the result, wherever the shape put it (never rejectedPlans).
  const visitAnywhere = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visitAnywhere(item);
      return;
    }
    if (!isDocument(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'rejectedPlans' || key === 'slotBasedPlan') continue;
      if (key === 'winningPlan' && isDocument(child)) visitPlan(child);
      else visitAnywhere(child);
    }
  };

  visitAnywhere(explained);
  return {
    statement,
    indexes: [...indexes],
    fullScan,
    sortsInMemory,
    detail: chain.length > 0 ? chain.join(' > ') : 'no winning plan in the explain output',
  };
}

function readsWholeField(ranges: unknown): boolean {
  return (
    Array.isArray(ranges) && ranges.length > 0 && ranges.every((r) => WHOLE_RANGE.has(String(r)))
  );
}

function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
