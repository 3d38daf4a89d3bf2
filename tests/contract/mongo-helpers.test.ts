/**
 * The parts of the MongoDB store that need no server: reading the database name from a URI,
 * recognising duplicate-key errors by index, and reading documents back as entities.
 * (The store itself runs against a server in mongo-store.test.ts.)
 */
import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { outboxItemFromDoc, plain, threadFromDoc } from '../../bot/src/store/mongo/documents.js';
import { isDuplicateKey } from '../../bot/src/store/mongo/errors.js';
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

  it('tells which unique index refused a write', () => {
    const error = new MongoServerError({
      code: 11000,
      errmsg:
        'E11000 duplicate key error collection: wa.threads index: one_open_thread dup key: { businessNumberId: "pn-100" }',
    });
    expect(isDuplicateKey(error)).toBe(true);
    expect(isDuplicateKey(error, 'one_open_thread')).toBe(true);
    expect(isDuplicateKey(error, '_id_')).toBe(false);
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
