/** Recognising MongoDB's duplicate-key errors (E11000) by the index that refused the write. */
import { MongoServerError } from 'mongodb';

/** https://www.mongodb.com/docs/manual/reference/error-codes/ (11000 DuplicateKey) */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown, indexName?: string): boolean {
  if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) return false;
  if (indexName === undefined) return true;
  // errmsg: "E11000 duplicate key error collection: db.threads index: one_open_thread dup key: …"
  return error.message.includes(` index: ${indexName} `);
}
