/**
 * The store contract against MongoDB. It needs a server (a replica set: `apply` uses
 * transactions), so it runs only when MONGODB_URI is set, e.g. against the replica set of
 * docker/mongodb-replica-set.compose.yaml (README, "Running on MongoDB"):
 *   MONGODB_URI='mongodb://localhost:27017,localhost:27018,localhost:27019/?replicaSet=rs0' npm test
 * Without one it is reported as skipped. Each run uses fresh databases and drops them after.
 * Besides the shared contract (query plans included), what only MongoDB has: its index
 * migrations, and the index bounds of a CDR page.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { cdrPipeline } from '../../bot/src/store/mongo/hot-queries.js';
import { INDEX_MIGRATIONS } from '../../bot/src/store/mongo/index-migrations.js';
import { MongoStore } from '../../bot/src/store/mongo/mongo-store.js';
import { planStep } from '../../bot/src/store/mongo/query-plans.js';
import { describeStoreContract } from './store-contract.js';

const uri = process.env.MONGODB_URI;
const run = `wat_${randomUUID().slice(0, 8)}`;
const databases: string[] = [];

function freshDatabase(): string {
  const name = `${run}_${databases.length + 1}`;
  databases.push(name);
  return name;
}

describe.skipIf(!uri)(
  'MongoDB at MONGODB_URI (skipped when it is unset: this needs a replica set)',
  () => {
    const mongoUri = uri ?? '';

    afterAll(async () => {
      const client = new MongoClient(mongoUri);
      try {
        for (const name of databases) await client.db(name).dropDatabase();
      } finally {
        await client.close();
      }
    });

    describeStoreContract(
      'MongoDB',
      () => MongoStore.connect(mongoUri, { dbName: freshDatabase() }),
      async () => {
        const dbName = freshDatabase();
        return [
          await MongoStore.connect(mongoUri, { dbName }),
          await MongoStore.connect(mongoUri, { dbName }),
        ] as const;
      },
    );

    describe('MongoDB only', () => {
      const all = INDEX_MIGRATIONS.map((m) => m.version);

      it('applies its index migrations once when instances start together', async () => {
        const dbName = freshDatabase();
        const stores = await Promise.all(
          [1, 2, 3].map(() => MongoStore.connect(mongoUri, { dbName })),
        );
        try {
          const appliedNow = await Promise.all(
            stores.map(async (s) => (await s.schemaMigrations()).appliedNow),
          );
          expect(appliedNow.flat().sort((a, b) => a - b)).toEqual(all);
          const { applied } = await stores[0]!.schemaMigrations();
          expect(applied.map((m) => m.version)).toEqual(all);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      });

      it('takes over a database indexed by the store before migrations were recorded', async () => {
        const dbName = freshDatabase();
        const client = new MongoClient(mongoUri);
        try {
          await INDEX_MIGRATIONS[0]!.up(client.db(dbName));
        } finally {
          await client.close();
        }
        const store = await MongoStore.connect(mongoUri, { dbName });
        try {
          expect((await store.schemaMigrations()).appliedNow).toEqual(all);
          const timers = await store.db.collection('timers').indexes();
          expect(timers.map((i) => i.key)).toContainEqual({ at: 1, _id: 1 });
        } finally {
          await store.close();
        }
      });

      it("reads a user's conversations in index order", async () => {
        const store = await MongoStore.connect(mongoUri, { dbName: freshDatabase() });
        try {
          const plan = await store.explainQuery('threads_for_user');
          for (const step of plan.steps) expect(step.sortsInMemory, step.detail).toBe(false);
        } finally {
          await store.close();
        }
      });

      it('starts the index range of a CDR page at the last row read', async () => {
        const store = await MongoStore.connect(mongoUri, { dbName: freshDatabase() });
        try {
          const range = {
            from: 1_000,
            to: 9_000,
            limit: 10,
            after: { createdAt: 5_000, threadId: 't', seq: 3 },
          };
          const explained = await store.db.command({
            explain: { aggregate: 'messages', pipeline: cdrPipeline(range, 'threads'), cursor: {} },
            verbosity: 'queryPlanner',
          });
          const step = planStep('next page', explained);
          expect(step.indexes).toContain('by_time');
          // One range [5000, 9000), or an $or's ranges, each from the last row read on.
          expect(step.detail).toMatch(/[[(]5000, /);
          expect(step.detail).not.toMatch(/[[(]1000, /);
        } finally {
          await store.close();
        }
      });
    });
  },
);
