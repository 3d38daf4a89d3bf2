/**
 * Versioned migrations applied once across every instance: each version is recorded in the
 * database when it has run, and only the holder of a lease applies any, so instances starting
 * together do not build the same indexes side by side. The others wait for the holder to
 * finish (or for its lease to run out, if it died) and then find nothing left to do.
 *
 * A migration must be safe to run again: its runner may die after applying it and before
 * recording it, and the next lease holder then runs it a second time.
 * The MongoDB store keeps its ledger in the database (mongo/index-migrations.ts); this file
 * holds the ordering and lease logic only, so it is tested without a server.
 */
import { CodedError } from '../core/errors.js';

export interface VersionedMigration {
  readonly version: number;
  readonly name: string;
  up(): Promise<void>;
}

/** Where the applied versions and the lease live. */
export interface MigrationLedger {
  /** The versions recorded as applied. */
  applied(): Promise<ReadonlySet<number>>;
  /** Take the lease until `now + leaseMs` if it is free, expired, or already `owner`'s. */
  acquire(owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Extend `owner`'s lease; false when someone else holds it now. */
  renew(owner: string, now: number, leaseMs: number): Promise<boolean>;
  release(owner: string): Promise<void>;
  record(migration: Pick<VersionedMigration, 'version' | 'name'>, now: number): Promise<void>;
}

export interface RunMigrationsOptions {
  /** Who runs them (unique per process). */
  readonly owner: string;
  readonly leaseMs: number;
  /** How often a waiting instance looks again. */
  readonly pollMs: number;
  /** How long to wait for another instance before giving up. */
  readonly maxWaitMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Renew the lease this often while a migration runs (0: only between migrations). */
  readonly heartbeatMs?: number;
}

/** Another instance held the lease for longer than we were prepared to wait. */
export class MigrationWaitTimeout extends CodedError {
  constructor(readonly pending: readonly number[]) {
    super(
      'store.migrations_pending',
      `Store migrations ${pending.join(', ')} are being applied by another instance and did not ` +
        'finish in time. Run `npm run admin -- store migrate` and start again when it is done.',
    );
  }
}

/** This runner's lease ran out and someone else took it: stop before applying more. */
export class MigrationLeaseLost extends CodedError {
  constructor(readonly version: number) {
    super(
      'store.migration_lease_lost',
      `Lost the migration lease before migration ${version}; another instance carries on.`,
    );
  }
}

/**
 * Apply every migration not yet recorded, in version order (also those below the highest
 * recorded: branches may land their numbers out of order). Returns the versions this call
 * applied; empty when there was nothing to do or another instance did it.
 */
export async function runMigrations(
  ledger: MigrationLedger,
  migrations: readonly VersionedMigration[],
  options: RunMigrationsOptions,
): Promise<number[]> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const pendingIn = (done: ReadonlySet<number>) => ordered.filter((m) => !done.has(m.version));
  const startedAt = options.now();

  for (;;) {
    const pending = pendingIn(await ledger.applied());
    // The common case at start-up: one read, no lease.
    if (pending.length === 0) return [];
    if (await ledger.acquire(options.owner, options.now(), options.leaseMs)) break;
    if (options.now() - startedAt >= options.maxWaitMs) {
      throw new MigrationWaitTimeout(pending.map((m) => m.version));
    }
    await options.sleep(options.pollMs);
  }

  const applied: number[] = [];
  try {
    // Read again under the lease: the previous holder may have finished meanwhile.
    for (const migration of pendingIn(await ledger.applied())) {
      if (!(await ledger.renew(options.owner, options.now(), options.leaseMs))) {
        throw new MigrationLeaseLost(migration.version);
      }
      await withHeartbeat(ledger, options, () => migration.up());
      await ledger.record(migration, options.now());
      applied.push(migration.version);
    }
  } finally {
    await ledger.release(options.owner);
  }
  return applied;
}

async function withHeartbeat(
  ledger: MigrationLedger,
  options: RunMigrationsOptions,
  work: () => Promise<void>,
): Promise<void> {
  const every = options.heartbeatMs ?? 0;
  if (every <= 0) return work();
  const timer = setInterval(() => {
    // A failed renewal shows at the next migration's renew; nothing to do here.
    ledger.renew(options.owner, options.now(), options.leaseMs).catch(() => undefined);
  }, every);
  timer.unref();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
}
