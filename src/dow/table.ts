/**
 * A fixed-size table from keys to "expiry-like" numbers (a GCRA theoretical arrival time, a block's
 * end). An entry whose value is at or before `now` carries no information and is free to reuse, so the
 * table only has to hold keys that are currently "in debt". Memory is fixed at creation: 12 bytes per
 * slot, whatever the number of distinct keys seen.
 *
 * Open addressing with a bounded probe window. When every slot in a key's window is live, the entry with
 * the smallest value (the one closest to expiry, i.e. the least information lost) is evicted: the
 * evicted key starts again from a clean slate. That fails open (a limit can be under-enforced for an
 * evicted key), never closed.
 */
import { hash32 } from './hash';

const PROBES = 16;

export class ExpiringTable {
  private readonly fps: Uint32Array;
  private readonly values: Float64Array;
  private readonly mask: number;
  private readonly seedA: number;
  private readonly seedB: number;
  /** Live entries evicted to make room (a capacity-pressure signal). */
  evictions = 0;
  /**
   * No value in the table is above this (the largest ever set): at or before `now`, `get` answers 0
   * without hashing the key. Block tables are empty on nearly every invocation, and each `get` hashed
   * the key twice (~30 ns per invocation, for the caller-block and anomaly-block lookups).
   */
  private maxValue = 0;

  constructor(capacity: number, seed: number) {
    let cap = 16;
    while (cap < capacity) cap <<= 1;
    this.fps = new Uint32Array(cap);
    this.values = new Float64Array(cap);
    this.mask = cap - 1;
    this.seedA = seed >>> 0;
    this.seedB = (seed ^ 0x9e3779b9) >>> 0;
  }

  get capacity(): number {
    return this.fps.length;
  }

  /** Bytes of table memory (fixed). */
  get bytes(): number {
    return this.fps.byteLength + this.values.byteLength;
  }

  private fingerprint(key: string): number {
    return (hash32(key, this.seedB) | 1) >>> 0; // never 0: 0 marks an empty slot
  }

  /** The key's value, or 0 when absent or expired. */
  get(key: string, now: number): number {
    if (this.maxValue <= now) return 0;
    const fp = this.fingerprint(key);
    let i = hash32(key, this.seedA) & this.mask;
    for (let p = 0; p < PROBES; p++, i = (i + 1) & this.mask) {
      if (this.fps[i] === fp) {
        const v = this.values[i]!;
        return v > now ? v : 0;
      }
    }
    return 0;
  }

  /** Sets the key's value, reusing its slot, a free or expired slot, or evicting the soonest-expiring. */
  set(key: string, value: number, now: number): void {
    if (value > this.maxValue) this.maxValue = value;
    const fp = this.fingerprint(key);
    const start = hash32(key, this.seedA) & this.mask;
    let free = -1;
    let victim = -1;
    let victimValue = Infinity;
    let i = start;
    for (let p = 0; p < PROBES; p++, i = (i + 1) & this.mask) {
      const f = this.fps[i]!;
      if (f === fp) {
        this.values[i] = value;
        return;
      }
      const v = this.values[i]!;
      if (free < 0 && (f === 0 || v <= now)) free = i;
      else if (v < victimValue) {
        victimValue = v;
        victim = i;
      }
    }
    let slot = free;
    if (slot < 0) {
      slot = victim;
      this.evictions++;
    }
    this.fps[slot] = fp;
    this.values[slot] = value;
  }

  /** Removes the key (sets it free). */
  delete(key: string): void {
    const fp = this.fingerprint(key);
    let i = hash32(key, this.seedA) & this.mask;
    for (let p = 0; p < PROBES; p++, i = (i + 1) & this.mask) {
      if (this.fps[i] === fp) {
        this.values[i] = 0;
        return;
      }
    }
  }

  /** Live entries (O(capacity); for stats only). */
  live(now: number): number {
    let n = 0;
    for (let i = 0; i < this.values.length; i++) if (this.fps[i] !== 0 && this.values[i]! > now) n++;
    return n;
  }
}
