/**
 * The parts of the MongoDB store that need no server: reading the database name from a URI,
 * recognising duplicate-key errors by index, and reading documents back as entities.
 * (The store itself runs against a server in mongo-store.test.ts.)
 */
import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { outboxItemFromDoc, plain, threadFromDoc } from '../../bot/src/store/mongo/documents.js';
import { ONE_OPEN_THREAD, UNIQUE_WA_MESSAGE_ID } from '../../bot/src/store/mongo/collections.js';
import {
  duplicateKeyOf,
  ID_INDEX,
  isDuplicateKey,
  isUnattributedDuplicateKey,
} from '../../bot/src/store/mongo/errors.js';
import { databaseInUri } from '../../bot/src/store/mongo/mongo-store.js';
import { aThread, notify, T0 } from './store-fixtures.js';

describe('MongoDB store helpers', () => {
  it('reads the database named in a connection string, if any', () => {
    expect(databaseInUri('mongodb://localhost:27017/teams?replicaSet=rs0')).toBe('teams');
    expect(
      databaseInUri('mongodb+srv://u:p%2Fw@cluster0.example.net/prod%2Dwa?retryWrites=true'),
    ).toBe('prod-wa');
    expect(databaseInUri('mongodb://a:1,b:2/multi')).toBe('multi');
    expect(databaseInUri('mongodb://localhost:27017/?replicaSet=rs0')).toBeUndefined();
    expect(databaseInUri('mongodb://localhost:27017')).toBeUndefined();
  });

  it("tells which unique index refused a write, in MongoDB's words and in vCore's", () => {
    // MongoDB 4.2+: the index in the message, its key pattern and value as fields.
    const mongodb = new MongoServerError({
      code: 11000,
      errmsg:
        'E11000 duplicate key error collection: wa.threads index: one_open_thread dup key: { businessNumberId: "pn-100", contactId: "c1" }',
      keyPattern: { businessNumberId: 1, contactId: 1 },
      keyValue: { businessNumberId: 'pn-100', contactId: 'c1' },
    });
    // Azure Cosmos DB for MongoDB vCore (DocumentDB): its own wording, no key pattern.
    const vcore = new MongoServerError({
      code: 11000,
      errmsg: "Duplicate key violation on the requested collection: Index 'one_open_thread'",
    });
    for (const error of [mongodb, vcore]) {
      expect(isDuplicateKey(error)).toBe(true);
      expect(isDuplicateKey(error, ONE_OPEN_THREAD)).toBe(true);
      expect(isDuplicateKey(error, ID_INDEX)).toBe(false);
      expect(isDuplicateKey(error, UNIQUE_WA_MESSAGE_ID)).toBe(false);
      expect(isUnattributedDuplicateKey(error)).toBe(false);
    }
    expect(duplicateKeyOf(mongodb)).toEqual({
      indexName: 'one_open_thread',
      keyPattern: { businessNumberId: 1, contactId: 1 },
    });
    expect(duplicateKeyOf(vcore)).toEqual({ indexName: 'one_open_thread' });

    // The key pattern decides when present, whatever the index was named.
    const renamed = new MongoServerError({
      code: 11000,
      errmsg: 'E11000 duplicate key error collection: wa.messages index: wamid_v2 dup key: { … }',
      keyPattern: { waMessageId: 1 },
    });
    expect(isDuplicateKey(renamed, UNIQUE_WA_MESSAGE_ID)).toBe(true);

    // vCore when it cannot tell: a duplicate key, from no index in particular.
    const unknown = new MongoServerError({
      code: 11000,
      errmsg: "Duplicate key violation on the requested collection: Index '<unknown>'",
    });
    expect(isDuplicateKey(unknown)).toBe(true);
    expect(isDuplicateKey(unknown, ONE_OPEN_THREAD)).toBe(false);
    expect(isUnattributedDuplicateKey(unknown)).toBe(true);

    expect(isDuplicateKey(new MongoServerError({ code: 112, errmsg: 'WriteConflict' }))).toBe(
      false,
    );
    expect(isDuplicateKey(new Error('E11000'))).toBe(false);
  });

  it('keeps entities as JSON would, and reads the version from the document', () => {
    const thread = { ...aThread('t1'), previousThreadId: undefined, version: 0 };
    const data = plain(thread);
    expect(data).not.toHaveProperty('previousThreadId');
    const doc = {
      _id: 't1',
      businessNumberId: thread.businessNumberId,
      contactId: thread.contact.id,
      state: thread.state,
      open: true,
      version: 3,
      outboxSeq: 0,
      participantIds: ['user-ana'],
      createdAt: T0,
      updatedAt: T0,
      data,
    };
    expect(threadFromDoc(doc)).toEqual({ ...data, version: 3 });
    const effect = notify(aThread('t1'), 'x');
    const base = {
      _id: 'o1',
      threadId: 't1',
      seq: 1,
      effect,
      attempts: 2,
      notBefore: T0,
      owner: 'a',
      leaseUntil: T0,
      createdAt: T0,
    };
    expect(outboxItemFromDoc({ ...base, lastError: null }, true)).toEqual({
      id: 'o1',
      threadId: 't1',
      seq: 1,
      effect,
      attempts: 2,
      notBefore: T0,
      recovered: true,
    });
    expect(outboxItemFromDoc({ ...base, lastError: 'boom' }, false)).toMatchObject({
      lastError: 'boom',
      recovered: false,
    });
  });
});
