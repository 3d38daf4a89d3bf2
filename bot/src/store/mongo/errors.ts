/**
 * Recognising duplicate-key errors (code 11000) by the unique index that refused the write,
 * on MongoDB and on Azure Cosmos DB for MongoDB vCore (DocumentDB), which word them apart:
 *
 *   MongoDB:  "E11000 duplicate key error collection: db.threads index: one_open_thread dup key: {…}"
 *             with `keyPattern` and `keyValue` fields on the error (MongoDB 4.2 and later);
 *   vCore:    "Duplicate key violation on the requested collection: Index 'one_open_thread'".
 *
 * The key pattern is read first (it names the fields, whatever the index is called), then the
 * index name in either wording.
 */
import { MongoServerError, type Document } from 'mongodb';

/** https://www.mongodb.com/docs/manual/reference/error-codes/ (11000 DuplicateKey) */
const DUPLICATE_KEY = 11000;

/** A unique index as the store declares it: its name and its key pattern. */
export interface UniqueIndex {
  readonly name: string;
  readonly key: Readonly<Record<string, 1 | -1>>;
}

/** What a duplicate-key error says about the index that refused the write. */
export interface DuplicateKey {
  /** The index's name, when the message gives one. */
  readonly indexName?: string;
  /** The index's key pattern, when the server reports it. */
  readonly keyPattern?: Document;
}

/** The index behind a duplicate-key error, or undefined for any other error. */
export function duplicateKeyOf(error: unknown): DuplicateKey | undefined {
  if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) return undefined;
  const keyPattern: unknown = error.keyPattern;
  const indexName = indexNameIn(error.message);
  return {
    ...(indexName !== undefined ? { indexName } : {}),
    ...(isDocument(keyPattern) ? { keyPattern } : {}),
  };
}

/**
 * True for a duplicate-key error; with `index`, only when the error is known to come from that
 * index (by key pattern, else by name). An error that names no index matches none.
 */
export function isDuplicateKey(error: unknown, index?: UniqueIndex): boolean {
  const duplicate = duplicateKeyOf(error);
  if (duplicate === undefined) return false;
  if (index === undefined) return true;
  if (duplicate.keyPattern !== undefined) return sameKey(duplicate.keyPattern, index.key);
  return duplicate.indexName === index.name;
}

/** A duplicate-key error that names no index (vCore's '<unknown>', or a terse message). */
export function isUnattributedDuplicateKey(error: unknown): boolean {
  const duplicate = duplicateKeyOf(error);
  return (
    duplicate !== undefined &&
    duplicate.indexName === undefined &&
    duplicate.keyPattern === undefined
  );
}

/** The `_id` index every collection has. */
export const ID_INDEX: UniqueIndex = { name: '_id_', key: { _id: 1 } };

function indexNameIn(message: string): string | undefined {
  // MongoDB: "… index: NAME dup key: …"; vCore: "… Index 'NAME'" ('<unknown>' when it cannot tell).
  const name =
    / index: (\S+) dup key/.exec(message)?.[1] ?? /\bIndex '([^']*)'/i.exec(message)?.[1];
  return name === undefined || name === '<unknown>' ? undefined : name;
}

function sameKey(pattern: Document, key: Readonly<Record<string, number>>): boolean {
  const a = Object.entries(pattern);
  const b = Object.entries(key);
  return (
    a.length === b.length &&
    a.every(([field, order], i) => {
      const other = b[i];
      return other !== undefined && other[0] === field && Number(other[1]) === Number(order);
    })
  );
}

function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
