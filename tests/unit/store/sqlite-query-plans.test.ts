/**
 * Reading SQLite's EXPLAIN QUERY PLAN into the port's QueryPlan. The rows below are what
 * SQLite reported for the hot queries before migration 10 gave them ordered indexes.
 */
import { describe, expect, it } from 'vitest';
import { planStep } from '../../../bot/src/store/sqlite/query-plans.js';

const rows = (...details: string[]) => details.map((detail) => ({ detail }));

describe('SQLite query plans', () => {
  it('sees an index search that still sorts in memory', () => {
    const step = planStep(
      'candidates',
      rows(
        'SEARCH timers USING INDEX timers_by_due (at<?)',
        'USE TEMP B-TREE FOR LAST TERM OF ORDER BY',
      ),
    );
    expect(step).toMatchObject({
      indexes: ['timers_by_due'],
      fullScan: false,
      sortsInMemory: true,
    });
  });

  it('sees a join driven from the wrong table: every message of the number sorted per page', () => {
    const step = planStep(
      'next page',
      rows(
        'SEARCH t USING INDEX threads_by_contact (business_number_id=?)',
        'SEARCH m USING INDEX messages_by_thread (thread_id=?)',
        'USE TEMP B-TREE FOR ORDER BY',
      ),
    );
    expect(step.indexes).toEqual(['threads_by_contact', 'messages_by_thread']);
    expect(step.sortsInMemory).toBe(true);
  });

  it('calls a scan a full scan, with or without an index, and an automatic index too', () => {
    expect(planStep('s', rows('SCAN messages')).fullScan).toBe(true);
    expect(planStep('s', rows('SCAN m USING INDEX messages_by_time')).fullScan).toBe(true);
    const automatic = planStep(
      's',
      rows('SEARCH p USING AUTOMATIC COVERING INDEX (thread_id=?)', 'SCAN t'),
    );
    expect(automatic.fullScan).toBe(true);
  });

  it('reads primary keys and correlated subqueries as index searches', () => {
    const step = planStep(
      'candidates',
      rows(
        'SEARCH o USING INDEX outbox_due_order (not_before<?)',
        'CORRELATED SCALAR SUBQUERY 1',
        'SEARCH e USING COVERING INDEX sqlite_autoindex_outbox_2 (thread_id=? AND seq<?)',
        'SEARCH c USING INTEGER PRIMARY KEY (rowid=?)',
      ),
    );
    expect(step).toMatchObject({
      indexes: ['outbox_due_order', 'sqlite_autoindex_outbox_2', 'c primary key'],
      fullScan: false,
      sortsInMemory: false,
    });
  });
});
