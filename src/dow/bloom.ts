/**
 * A fixed-size Bloom filter over 32-bit key fingerprints (the guard hashes each key once, with its
 * per-process seed, and reuses that fingerprint here). `bits` bits and `k` probes derived from the
 * fingerprint by double hashing (Kirsch and Mitzenmacher 2006): no per-probe string hashing.
 *
 * Bounded: at most `capacity` insertions are accepted (later ones are refused and counted), so the
 * false-positive rate never exceeds its design value, (1 − e^(−k·capacity/bits))^k: with 65,536 bits,
 * k = 4 and 4,096 keys that is ≈ 0.24 %. A false positive only ever admits a caller that would
 * otherwise have been shed (fails open).
 *
 * `bits` is rounded up to a multiple of 32 (not to a power of two: the probe positions are mapped onto
 * the range by multiply-and-shift, so a 12 KiB filter costs 12 KiB).
 */
import { fmix32 } from './hash';

export class FingerprintBloom {
  readonly k: number;
  readonly capacity: number;
  private readonly words: Uint32Array;
  /** Number of bits (a multiple of 32). */
  private readonly m: number;
  private n = 0;
  /** Insertions refused because the filter was full. */
  refused = 0;

  constructor(bits: number, k: number, capacity: number) {
    const b = Math.max(1024, Math.ceil(bits / 32) * 32);
    this.words = new Uint32Array(b >>> 5);
    this.m = b;
    this.k = k;
    this.capacity = capacity;
  }

  get size(): number {
    return this.n;
  }

  get bytes(): number {
    return this.words.byteLength;
  }

  /** Design false-positive rate at the current fill: (1 − e^(−k·n/m))^k. */
  get falsePositiveRate(): number {
    return Math.pow(1 - Math.exp((-this.k * this.n) / this.m), this.k);
  }

  /** Adds a fingerprint (one already present counts once); false when the filter is at capacity. */
  add(fp: number): boolean {
    if (this.has(fp)) return true;
    if (this.n >= this.capacity) {
      this.refused++;
      return false;
    }
    this.n++;
    const h2 = (fmix32(fp ^ 0x2545f491) | 1) >>> 0;
    let h = fp >>> 0;
    for (let i = 0; i < this.k; i++) {
      const bit = this.index(h);
      this.words[bit >>> 5]! |= 1 << (bit & 31);
      h = (h + h2) >>> 0;
    }
    return true;
  }

  has(fp: number): boolean {
    if (this.n === 0) return false;
    const h2 = (fmix32(fp ^ 0x2545f491) | 1) >>> 0;
    let h = fp >>> 0;
    for (let i = 0; i < this.k; i++) {
      const bit = this.index(h);
      if ((this.words[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
      h = (h + h2) >>> 0;
    }
    return true;
  }

  /** h (32 bits) onto [0, m): h·m < 2^52, exact in a double. */
  private index(h: number): number {
    return Math.floor((h * this.m) / 4294967296);
  }

  clear(): void {
    if (this.n === 0) return;
    this.words.fill(0);
    this.n = 0;
  }
}
