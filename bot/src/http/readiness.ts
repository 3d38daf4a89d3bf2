/**
 * Liveness and readiness (issue 12). /healthz says the process runs and touches nothing slow;
 * /readyz says whether this instance should be sent traffic: 503 while it starts (the store
 * opens and migrates), while the store cannot commit, and from the moment it shuts down.
 */
export type Phase = 'starting' | 'ready' | 'stopping';

export interface ReadinessAnswer {
  readonly ready: boolean;
  readonly status: 'ready' | 'starting' | 'unavailable' | 'shutting_down';
  readonly reason?: string;
}

export class Readiness {
  private current: Phase = 'starting';
  private probe: (() => Promise<void>) | undefined;

  constructor(private readonly probeTimeoutMs = 2_000) {}

  get phase(): Phase {
    return this.current;
  }

  /** Started: from now on readiness is whether `probe` (a small commit) succeeds. */
  ready(probe: () => Promise<void>): void {
    this.probe = probe;
    if (this.current === 'starting') this.current = 'ready';
  }

  /** Shutting down: not ready any more, whatever the store says. */
  stopping(): void {
    this.current = 'stopping';
  }

  async check(): Promise<ReadinessAnswer> {
    if (this.current === 'starting') {
      return { ready: false, status: 'starting', reason: 'the store is opening and migrating' };
    }
    if (this.current === 'stopping') {
      return { ready: false, status: 'shutting_down', reason: 'this instance is shutting down' };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.probe?.(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('probe timed out')), this.probeTimeoutMs);
        }),
      ]);
      return { ready: true, status: 'ready' };
    } catch {
      return { ready: false, status: 'unavailable', reason: 'the store cannot commit' };
    } finally {
      clearTimeout(timer);
    }
  }
}
