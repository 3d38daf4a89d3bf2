/**
 * Time for everything outside the engine. The engine is handed `now`; the app reads it
 * here, so tests and the sandbox can move time forward ("25 hours later…").
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
