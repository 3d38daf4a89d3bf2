/**
 * The change log keeps each user's latest KEEP_CHANGES changes, so it does not grow without
 * end; another user's log is untouched.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../bot/src/store/sqlite/migrations.js';
import { Sql } from '../../../bot/src/store/sqlite/sql.js';
import { logChange } from '../../../bot/src/store/sqlite/tab-changes.js';
import { KEEP_CHANGES, PRUNE_CHANGES_EVERY } from '../../../bot/src/store/tab-port.js';

describe('the tab change log', () => {
  it("keeps a user's latest changes and drops older ones", () => {
    const db = new Database(':memory:');
    migrate(db);
    const sql = new Sql(db);
    const total = KEEP_CHANGES + 2 * PRUNE_CHANGES_EVERY;
    sql.write(() => {
      logChange(sql, 'other', 'thread', 't0', null, 1);
      for (let i = 0; i < total; i++) logChange(sql, 'busy', 'message', 't1', `t1:${i}`, i);
    });
    const range = sql.get<{ n: number; first: number; last: number }>(
      "SELECT count(*) AS n, min(seq) AS first, max(seq) AS last FROM tab_changes WHERE user_id = 'busy'",
    )!;
    expect(range).toEqual({ n: KEEP_CHANGES, first: total - KEEP_CHANGES + 1, last: total });
    expect(sql.get("SELECT count(*) AS n FROM tab_changes WHERE user_id = 'other'")).toEqual({
      n: 1,
    });
    db.close();
  });
});
