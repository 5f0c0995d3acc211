/**
 * Time for the denial-of-wallet detectors. Every detector takes its time from a `Clock` so tests and
 * the simulator can drive them with simulated milliseconds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (or any monotonic origin shared by all callers of one guard). */
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });
