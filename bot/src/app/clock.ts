/**
 * Time for everything outside the engine. The engine is handed `now`; the app reads it
 * here, so tests and the sandbox can move time forward ("25 hours later…").
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that runs with real time but can be moved forward: the sandbox's and the tests'. */
export class AdjustableClock implements Clock {
  private offset = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offset;
  }
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('time only moves forward');
    this.offset += ms;
  }
}
