/**
 * Per-key rate limiting with GCRA (the generic cell rate algorithm, a leaky bucket as a meter): one
 * number per key, the theoretical arrival time (TAT). `limit` requests per `windowMs`, of which all
 * `limit` may arrive at once; after that one every `windowMs / limit`. O(1) per check, and the keys
 * live in a capped ExpiringTable, so memory is fixed whatever the number of callers.
 */
import { ExpiringTable } from './table';

export interface GcraResult {
  allowed: boolean;
  /** When denied: milliseconds until one more request would be allowed. 0 when allowed. */
  retryAfterMs: number;
}

export class GcraLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Emission interval: the steady-state spacing between allowed requests. */
  readonly intervalMs: number;
  private readonly table: ExpiringTable;

  constructor(limit: number, windowMs: number, capacity: number, seed: number) {
    if (!(limit > 0) || !(windowMs > 0)) throw new RangeError('GCRA limit and window must be positive');
    this.limit = limit;
    this.windowMs = windowMs;
    this.intervalMs = windowMs / limit;
    this.table = new ExpiringTable(capacity, seed);
  }

  /** Counts one request (of `weight` units) for `key` at `now` if it fits; reports the wait otherwise. */
  check(key: string, now: number, weight = 1): GcraResult {
    const stored = this.table.get(key, now);
    const tat = stored > now ? stored : now;
    const next = tat + this.intervalMs * weight;
    const over = next - now - this.windowMs;
    // A tiny epsilon absorbs floating-point drift so that exactly `limit` requests fit in a burst.
    if (over > 1e-6) return { allowed: false, retryAfterMs: over };
    this.table.set(key, next, now);
    return { allowed: true, retryAfterMs: 0 };
  }

  /** Marks `key` as having used its whole allowance until `untilMs` (e.g. a global over-limit verdict). */
  exhaust(key: string, untilMs: number, now: number): void {
    // With TAT = until + window - interval, `next - now - window = until - now`: denied exactly until `until`.
    this.table.set(key, untilMs + this.windowMs - this.intervalMs, now);
  }

  get capacity(): number {
    return this.table.capacity;
  }
  get bytes(): number {
    return this.table.bytes;
  }
  get evictions(): number {
    return this.table.evictions;
  }
  live(now: number): number {
    return this.table.live(now);
  }
}
