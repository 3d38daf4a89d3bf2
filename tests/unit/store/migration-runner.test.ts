/**
 * The versioned-migration runner's ordering and lease logic, against an in-memory ledger that
 * behaves as the MongoDB one does (a lease held until it runs out, versions recorded once).
 */
import { describe, expect, it } from 'vitest';
import {
  MigrationLeaseLost,
  MigrationWaitTimeout,
  runMigrations,
  type MigrationLedger,
  type RunMigrationsOptions,
  type VersionedMigration,
} from '../../../bot/src/store/migration-runner.js';

class FakeLedger implements MigrationLedger {
  readonly recorded = new Map<number, string>();
  lease: { owner: string; until: number } | undefined;
  readonly log: string[] = [];

  async applied(): Promise<ReadonlySet<number>> {
    return new Set(this.recorded.keys());
  }
  async acquire(owner: string, now: number, leaseMs: number): Promise<boolean> {
    if (this.lease && this.lease.owner !== owner && this.lease.until > now) return false;
    this.lease = { owner, until: now + leaseMs };
    this.log.push(`lease ${owner}`);
    return true;
  }
  async renew(owner: string, now: number, leaseMs: number): Promise<boolean> {
    if (this.lease?.owner !== owner) return false;
    this.lease = { owner, until: now + leaseMs };
    return true;
  }
  async release(owner: string): Promise<void> {
    if (this.lease?.owner === owner) this.lease = undefined;
    this.log.push(`release ${owner}`);
  }
  async record(migration: { version: number; name: string }): Promise<void> {
    this.recorded.set(migration.version, migration.name);
  }
}

/** A clock that only moves when someone sleeps. */
function clockedOptions(owner: string, overrides: Partial<RunMigrationsOptions> = {}) {
  let now = 1_000;
  const options: RunMigrationsOptions = {
    owner,
    leaseMs: 60_000,
    pollMs: 1_000,
    maxWaitMs: 10_000,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    ...overrides,
  };
  return { options, advance: (ms: number) => (now += ms) };
}

function migration(version: number, ran: number[], up?: () => Promise<void>): VersionedMigration {
  return {
    version,
    name: `m${version}`,
    up:
      up ??
      (async () => {
        ran.push(version);
      }),
  };
}

describe('versioned migrations', () => {
  it('applies each unrecorded version once, in version order, and records it', async () => {
    const ledger = new FakeLedger();
    const ran: number[] = [];
    const all = [migration(3, ran), migration(1, ran), migration(2, ran)];
    expect(await runMigrations(ledger, all, clockedOptions('a').options)).toEqual([1, 2, 3]);
    expect(ran).toEqual([1, 2, 3]);
    expect([...ledger.recorded.keys()]).toEqual([1, 2, 3]);
    expect(ledger.lease).toBeUndefined();

    // The next start finds nothing to do and takes no lease.
    ledger.log.length = 0;
    expect(await runMigrations(ledger, all, clockedOptions('b').options)).toEqual([]);
    expect(ran).toEqual([1, 2, 3]);
    expect(ledger.log).toEqual([]);
  });

  it('runs a version that landed below the highest recorded one', async () => {
    const ledger = new FakeLedger();
    ledger.recorded.set(1, 'm1').set(3, 'm3');
    const ran: number[] = [];
    const all = [migration(1, ran), migration(2, ran), migration(3, ran)];
    expect(await runMigrations(ledger, all, clockedOptions('a').options)).toEqual([2]);
    expect(ran).toEqual([2]);
  });

  it('waits while another instance holds the lease, then finds its work done', async () => {
    const ledger = new FakeLedger();
    ledger.lease = { owner: 'other', until: 1_000 + 60_000 };
    const ran: number[] = [];
    const all = [migration(1, ran)];
    let polls = 0;
    const { options } = clockedOptions('a', {
      sleep: async () => {
        // The other instance finishes during our second wait.
        if (++polls === 2) {
          ledger.recorded.set(1, 'm1');
          ledger.lease = undefined;
        }
      },
    });
    expect(await runMigrations(ledger, all, options)).toEqual([]);
    expect(ran).toEqual([]);
    expect(polls).toBe(2);
  });

  it('takes over a lease that ran out (its holder died) and runs what it did not record', async () => {
    const ledger = new FakeLedger();
    ledger.recorded.set(1, 'm1');
    ledger.lease = { owner: 'dead', until: 1_500 };
    const ran: number[] = [];
    const all = [migration(1, ran), migration(2, ran)];
    const { options } = clockedOptions('a');
    expect(await runMigrations(ledger, all, options)).toEqual([2]);
    expect(ran).toEqual([2]);
    expect(ledger.log).toEqual(['lease a', 'release a']);
  });

  it('gives up with a sentence saying what to run when another instance takes too long', async () => {
    const ledger = new FakeLedger();
    ledger.lease = { owner: 'other', until: Number.MAX_SAFE_INTEGER };
    const { options } = clockedOptions('a', { maxWaitMs: 5_000 });
    const run = runMigrations(ledger, [migration(1, [])], options);
    await expect(run).rejects.toBeInstanceOf(MigrationWaitTimeout);
    await expect(run).rejects.toThrow(/npm run admin -- store migrate/);
  });

  it('stops before the next migration when its lease was taken over', async () => {
    const ledger = new FakeLedger();
    const ran: number[] = [];
    const all = [
      migration(1, ran, async () => {
        ran.push(1);
        // Slower than the lease: someone else took it meanwhile.
        ledger.lease = { owner: 'other', until: Number.MAX_SAFE_INTEGER };
      }),
      migration(2, ran),
    ];
    await expect(runMigrations(ledger, all, clockedOptions('a').options)).rejects.toBeInstanceOf(
      MigrationLeaseLost,
    );
    expect(ran).toEqual([1]);
    expect([...ledger.recorded.keys()]).toEqual([1]);
    expect(ledger.lease?.owner).toBe('other');
  });

  it('records nothing for a migration that failed, and frees the lease for a retry', async () => {
    const ledger = new FakeLedger();
    const ran: number[] = [];
    const failing = migration(2, ran, async () => {
      throw new Error('index build failed');
    });
    const all = [migration(1, ran), failing];
    await expect(runMigrations(ledger, all, clockedOptions('a').options)).rejects.toThrow(
      'index build failed',
    );
    expect([...ledger.recorded.keys()]).toEqual([1]);
    expect(ledger.lease).toBeUndefined();
    expect(
      await runMigrations(
        ledger,
        [migration(1, ran), migration(2, ran)],
        clockedOptions('b').options,
      ),
    ).toEqual([2]);
  });
});
