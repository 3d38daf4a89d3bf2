/**
 * A thin layer over better-sqlite3: cached prepared statements and write transactions
 * that take the write lock up front (BEGIN IMMEDIATE), so that a read-then-write never
 * fails half-way with SQLITE_BUSY when another connection wrote in between.
 */
import type Database from 'better-sqlite3';

export class Sql {
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(readonly db: Database.Database) {}

  get<R>(source: string, ...params: unknown[]): R | undefined {
    return this.statement(source).get(...params) as R | undefined;
  }

  all<R>(source: string, ...params: unknown[]): R[] {
    return this.statement(source).all(...params) as R[];
  }

  run(source: string, ...params: unknown[]): Database.RunResult {
    return this.statement(source).run(...params);
  }

  /** Run `fn` in one write transaction: all of it is committed, or none of it. */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private statement(source: string): Database.Statement<unknown[], unknown> {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(source);
      this.statements.set(source, statement);
    }
    return statement;
  }
}
