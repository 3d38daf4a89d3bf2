/**
 * The MongoDB index migrations against a stand-in that enforces the server's rules on index
 * names and options (an existing name with another key: 86 IndexKeySpecsConflict; the same
 * key and options under another name, or the same name with other options: 85
 * IndexOptionsConflict), so that a migration that would fail on a real server fails here.
 */
import { isDeepStrictEqual } from 'node:util';
import { MongoServerError, type Db, type IndexDescription } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { INDEX_MIGRATIONS } from '../../../bot/src/store/mongo/index-migrations.js';

type Index = { name: string; key: Record<string, unknown>; options: Record<string, unknown> };

function fakeDb() {
  const collections = new Map<string, Index[]>();
  const indexesOf = (name: string) => {
    let list = collections.get(name);
    if (!list) {
      list = [{ name: '_id_', key: { _id: 1 }, options: {} }];
      collections.set(name, list);
    }
    return list;
  };
  const conflict = (code: number, errmsg: string) => new MongoServerError({ code, errmsg });
  const db = {
    collection: (name: string) => ({
      async createIndexes(specs: IndexDescription[]) {
        const list = indexesOf(name);
        for (const { key, name: indexName, ...options } of specs) {
          const existing = list.find((i) => i.name === indexName);
          if (existing) {
            if (!isDeepStrictEqual(existing.key, key))
              throw conflict(86, `${indexName}: other key`);
            if (!isDeepStrictEqual(existing.options, options))
              throw conflict(85, `${indexName}: other options`);
            continue;
          }
          const twin = list.find(
            (i) => isDeepStrictEqual(i.key, key) && isDeepStrictEqual(i.options, options),
          );
          if (twin) throw conflict(85, `exists with a different name: ${twin.name}`);
          list.push({ name: String(indexName), key: key as Record<string, unknown>, options });
        }
      },
      async dropIndex(indexName: string) {
        const list = collections.get(name);
        if (!list) throw conflict(26, 'ns not found');
        const at = list.findIndex((i) => i.name === indexName);
        if (at < 0) throw conflict(27, `index not found with name [${indexName}]`);
        list.splice(at, 1);
      },
    }),
    async createCollection(name: string) {
      if (collections.has(name)) throw conflict(48, 'Collection already exists');
      indexesOf(name);
    },
  };
  return { db: db as unknown as Db, collections };
}

const keysOf = (collections: Map<string, Index[]>, name: string) =>
  (collections.get(name) ?? []).map((i) => i.key);

describe('MongoDB index migrations', () => {
  // Numbers are reserved per branch and may land out of order (migration-runner.ts applies
  // every one not yet recorded): unique and increasing, not necessarily without gaps.
  it('are numbered 1, 2, … (unique, increasing) with a name each', () => {
    const versions = INDEX_MIGRATIONS.map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    for (const m of INDEX_MIGRATIONS) expect(m.name).not.toBe('');
  });

  it('build a fresh database with the indexes the hot queries sort by', async () => {
    const { db, collections } = fakeDb();
    for (const m of INDEX_MIGRATIONS) await m.up(db);
    expect(keysOf(collections, 'threads')).toContainEqual({
      participantIds: 1,
      updatedAt: -1,
      _id: -1,
    });
    expect(keysOf(collections, 'threads')).toContainEqual({
      businessNumberId: 1,
      contactId: 1,
      createdAt: -1,
      _id: -1,
    });
    expect(keysOf(collections, 'messages')).toContainEqual({ threadId: 1, seq: 1, _id: 1 });
    expect(keysOf(collections, 'timers')).toContainEqual({ at: 1, _id: 1 });
    expect(keysOf(collections, 'consent_records')).toContainEqual({ at: 1, seq: 1 });
    // The indexes they replace are gone: no write pays for an index nothing reads.
    expect(keysOf(collections, 'timers')).not.toContainEqual({ at: 1 });
    expect(keysOf(collections, 'messages')).not.toContainEqual({ threadId: 1, seq: 1 });
    expect(collections.has('counters')).toBe(true);
  });

  it('take over a database whose indexes the store used to create at every start', async () => {
    const { db, collections } = fakeDb();
    // What the store did before migrations were recorded: version 1's indexes, no ledger.
    await INDEX_MIGRATIONS[0]!.up(db);
    const before = structuredClone([...collections.entries()]);
    await INDEX_MIGRATIONS[0]!.up(db);
    expect([...collections.entries()]).toEqual(before);
    for (const m of INDEX_MIGRATIONS.slice(1)) await m.up(db);
    expect(keysOf(collections, 'timers')).toContainEqual({ at: 1, _id: 1 });
  });

  it('can each run again after a runner died before recording it', async () => {
    const { db, collections } = fakeDb();
    for (const m of INDEX_MIGRATIONS) await m.up(db);
    const after = structuredClone([...collections.entries()]);
    for (const m of INDEX_MIGRATIONS.slice(1)) await m.up(db);
    expect([...collections.entries()]).toEqual(after);
  });

  it('keep the unique indexes that make webhook handling idempotent', async () => {
    const { db, collections } = fakeDb();
    for (const m of INDEX_MIGRATIONS) await m.up(db);
    const wamid = collections.get('messages')?.find((i) => i.name === 'unique_wa_message_id');
    expect(wamid?.options).toMatchObject({ unique: true });
    const open = collections.get('threads')?.find((i) => i.name === 'one_open_thread');
    expect(open?.options).toEqual({ unique: true, partialFilterExpression: { open: true } });
    const media = collections.get('media.files')?.find((i) => i.name === 'by_wa_message');
    expect(media?.options).toMatchObject({ unique: true });
  });
});
