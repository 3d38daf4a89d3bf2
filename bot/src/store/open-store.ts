/**
 * Which store the app runs on: MongoDB when a URI is configured (any number of instances),
 * else the embedded SQLite file in the data directory (one instance, development).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './port.js';

export interface OpenStoreOptions {
  readonly mongodbUri?: string | undefined;
  /** The MongoDB database; defaults to the one named in the URI, else `whatsapp_teams`. */
  readonly mongodbDatabase?: string | undefined;
  /** Where the SQLite file and its media live. */
  readonly dataDir: string;
}

export const SQLITE_FILE_NAME = 'whatsapp-teams.db';

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.mongodbUri) {
    // Loaded on demand: a SQLite deployment never loads the driver, and the reverse.
    const { MongoStore } = await import('./mongo/mongo-store.js');
    return MongoStore.connect(options.mongodbUri, {
      ...(options.mongodbDatabase ? { dbName: options.mongodbDatabase } : {}),
    });
  }
  const { SqliteStore } = await import('./sqlite/sqlite-store.js');
  mkdirSync(options.dataDir, { recursive: true });
  return new SqliteStore(join(options.dataDir, SQLITE_FILE_NAME));
}
