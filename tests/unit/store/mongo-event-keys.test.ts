/**
 * claimEventKey when the reply to the claim is lost (retryWrites=false on vCore, a failover):
 * the key is read back by its claim id instead of being taken for someone else's.
 */
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { claimEventKeyOnce, type EventKeyClaims } from '../../../bot/src/store/mongo/event-keys.js';

const duplicate = () =>
  new MongoServerError({
    code: 11000,
    errmsg:
      'E11000 duplicate key error collection: wa.handled_events index: _id_ dup key: { _id: "k" }',
    keyPattern: { _id: 1 },
  });

/** A handled_events collection whose replies can be lost after (or before) the write lands. */
function claims(script: ('lose reply after write' | 'lose request' | 'ok')[]) {
  const stored = new Map<string, string>();
  let inserts = 0;
  const api: EventKeyClaims = {
    async insert(key, claimId) {
      const step = script[inserts++] ?? 'ok';
      if (step === 'lose request') throw new MongoNetworkError('connection reset');
      if (stored.has(key)) throw duplicate();
      stored.set(key, claimId);
      if (step === 'lose reply after write') throw new MongoNetworkError('connection reset');
    },
    async claimIdOf(key) {
      return stored.get(key) ?? null;
    },
  };
  return { api, stored, inserts: () => inserts };
}

describe('claiming an event key once', () => {
  it('is ours when our insert landed although its reply was lost', async () => {
    const c = claims(['lose reply after write']);
    expect(await claimEventKeyOnce(c.api, 'k', 'mine')).toBe(true);
    expect(c.stored.get('k')).toBe('mine');
    expect(c.inserts()).toBe(1);
  });

  it('tries again when the insert never reached the server', async () => {
    const c = claims(['lose request', 'ok']);
    expect(await claimEventKeyOnce(c.api, 'k', 'mine')).toBe(true);
    expect(c.inserts()).toBe(2);
  });

  it('is not ours when another instance claimed it first, with or without a lost reply', async () => {
    const c = claims(['ok', 'lose reply after write']);
    expect(await claimEventKeyOnce(c.api, 'k', 'first')).toBe(true);
    expect(await claimEventKeyOnce(c.api, 'k', 'second')).toBe(false);
    expect(c.stored.get('k')).toBe('first');
  });

  it('gives up after a few lost replies with nothing stored, so the caller can fail the turn', async () => {
    const c = claims(['lose request', 'lose request', 'lose request', 'ok']);
    await expect(claimEventKeyOnce(c.api, 'k', 'mine')).rejects.toBeInstanceOf(MongoNetworkError);
    expect(c.stored.has('k')).toBe(false);
  });

  it('passes other errors through untouched', async () => {
    const api: EventKeyClaims = {
      insert: async () => {
        throw new MongoServerError({ code: 13, errmsg: 'not authorized' });
      },
      claimIdOf: async () => null,
    };
    await expect(claimEventKeyOnce(api, 'k', 'mine')).rejects.toThrow('not authorized');
  });
});
