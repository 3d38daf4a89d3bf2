/**
 * The store contract against MongoDB. It needs a server (a replica set: `apply` uses
 * transactions), so it runs only when MONGODB_URI is set, e.g.
 *   MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' npx vitest run tests/contract
 * Without one it is reported as skipped. Each run uses fresh databases and drops them after.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, describe } from 'vitest';
import { MongoStore } from '../../bot/src/store/mongo/mongo-store.js';
import { describeStoreContract } from './store-contract.js';

const uri = process.env.MONGODB_URI;
const run = `wat_${randomUUID().slice(0, 8)}`;
const databases: string[] = [];

function freshDatabase(): string {
  const name = `${run}_${databases.length + 1}`;
  databases.push(name);
  return name;
}

describe.skipIf(!uri)('MongoDB (needs MONGODB_URI)', () => {
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
});
