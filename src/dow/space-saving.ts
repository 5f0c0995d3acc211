/**
 * Heavy hitters by cost: weighted Space-Saving (Metwally, Agrawal, El Abbadi 2005) over exponentially
 * decayed weights (forward decay, Cormode et al. 2009). `k` counters, a min-heap over them and a map
 * from key to counter: O(log k) per update with k fixed, so O(1) per invocation, and memory fixed at k
 * entries whatever the number of distinct keys.
 *
 * Guarantees (per the Space-Saving analysis, for the decayed stream): every key whose decayed weight is
 * above total/k is in the table, and for each tracked key `count - error <= true weight <= count`.
 * Each counter also remembers when its key entered the table, which the detectors use to tell
 * long-standing heavy callers from emergent ones.
 */

export interface HeavyHitter<K> {
  key: K;
  /** Upper bound of the key's decayed weight. */
  count: number;
  /** Guaranteed part: the key's decayed weight is at least this. */
  guaranteed: number;
  /** When the key (re)entered the table (ms). */
  since: number;
}

export class DecayedSpaceSaving<K extends string | number> {
  readonly k: number;
  readonly halfLifeMs: number;
  private readonly tau: number;
  private readonly keys: (K | undefined)[];
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private readonly since: Float64Array;
  /** Bit flags per counter, OR-ed on every add (e.g. "seen anonymous"); reset when the counter is reused. */
  private readonly tags: Uint8Array;
  /** heap[i] = counter index; counters ordered by count (min at heap[0]). */
  private readonly heap: Int32Array;
  /** pos[c] = position of counter c in the heap. */
  private readonly pos: Int32Array;
  private readonly index = new Map<K, number>();
  private size = 0;
  private landmark = 0;
  private totalScaled = 0;
  private started = false;

  constructor(k: number, halfLifeMs: number) {
    this.k = k;
    this.halfLifeMs = halfLifeMs;
    this.tau = halfLifeMs / Math.LN2;
    this.keys = new Array<K | undefined>(k).fill(undefined);
    this.counts = new Float64Array(k);
    this.errors = new Float64Array(k);
    this.since = new Float64Array(k);
    this.tags = new Uint8Array(k);
    this.heap = new Int32Array(k);
    this.pos = new Int32Array(k);
  }

  /** Approximate bytes held (typed arrays, the key map, and `keyBytes` per stored key). */
  bytes(keyBytes = 0): number {
    const typed = this.counts.byteLength + this.errors.byteLength + this.since.byteLength + this.tags.byteLength + this.heap.byteLength + this.pos.byteLength;
    // V8 OrderedHashMap: ~3 words per entry plus buckets; the keys array: one word per slot.
    return typed + this.k * 8 + this.size * (40 + keyBytes);
  }

  get length(): number {
    return this.size;
  }

  private rescale(now: number): void {
    if (!this.started) {
      this.started = true;
      this.landmark = now;
      return;
    }
    if ((now - this.landmark) / this.tau < 30) return;
    const f = Math.exp(-(now - this.landmark) / this.tau);
    for (let c = 0; c < this.size; c++) {
      this.counts[c]! *= f;
      this.errors[c]! *= f;
    }
    this.totalScaled *= f;
    this.landmark = now;
  }

  /**
   * exp((now - landmark) / tau), the last answer kept with its time and landmark: an instance under
   * load sees many invocations in the same millisecond (the guard's times are whole milliseconds),
   * and `add` runs once per invocation (~15 ns for Math.exp). Keyed on both inputs, so a rescale (a
   * new landmark) or any other time computes it afresh: the same value, bit for bit.
   */
  private scaleNow = NaN;
  private scaleLandmark = NaN;
  private scaleValue = 1;
  private scaleAt(now: number): number {
    if (now === this.scaleNow && this.landmark === this.scaleLandmark) return this.scaleValue;
    const v = Math.exp((now - this.landmark) / this.tau);
    this.scaleNow = now;
    this.scaleLandmark = this.landmark;
    this.scaleValue = v;
    return v;
  }

  /** Adds `weight` for `key` at `now` (times must not go backwards by more than a few seconds). */
  add(key: K, weight: number, now: number, tag = 0): void {
    if (!(weight > 0)) return;
    this.rescale(now);
    const w = weight * this.scaleAt(now);
    this.totalScaled += w;
    const c = this.index.get(key);
    if (c !== undefined) {
      this.counts[c]! += w;
      this.tags[c]! |= tag;
      this.siftDown(this.pos[c]!);
      return;
    }
    if (this.size < this.k) {
      const n = this.size++;
      this.keys[n] = key;
      this.counts[n] = w;
      this.errors[n] = 0;
      this.since[n] = now;
      this.tags[n] = tag;
      this.heap[n] = n;
      this.pos[n] = n;
      this.index.set(key, n);
      this.siftUp(n);
      return;
    }
    const m = this.heap[0]!;
    const old = this.keys[m];
    if (old !== undefined) this.index.delete(old);
    const floor = this.counts[m]!;
    this.keys[m] = key;
    this.errors[m] = floor;
    this.counts[m] = floor + w;
    this.since[m] = now;
    this.tags[m] = tag;
    this.index.set(key, m);
    this.siftDown(0);
  }

  /** Decayed total weight of everything added. */
  total(now: number): number {
    return this.started ? this.totalScaled / this.scaleAt(now) : 0;
  }

  /** The key's guaranteed decayed weight (0 when untracked). */
  guaranteed(key: K, now: number): number {
    const c = this.index.get(key);
    if (c === undefined) return 0;
    return (this.counts[c]! - this.errors[c]!) / this.scaleAt(now);
  }

  /** Upper bound of the key's decayed weight (0 when untracked: then it is at most the minimum counter). */
  upper(key: K, now: number): number {
    const c = this.index.get(key);
    return c === undefined ? 0 : this.counts[c]! / this.scaleAt(now);
  }

  /** When the key entered the table, or undefined. */
  sinceOf(key: K): number | undefined {
    const c = this.index.get(key);
    return c === undefined ? undefined : this.since[c];
  }

  /** Smallest counter (decayed): every untracked key weighs at most this. */
  floor(now: number): number {
    return this.size < this.k ? 0 : this.counts[this.heap[0]!]! / this.scaleAt(now);
  }

  /**
   * Sum of guaranteed weight of keys that entered the table after `after` (ms), optionally only those
   * with a tag bit in `tagMask`, a guaranteed weight of at least `minWeight`, and not excluded. O(k): call it on a timer (once a second), not per
   * invocation.
   */
  emergentMass(after: number, now: number, tagMask = 0, minWeight = 0, exclude?: (key: K) => boolean): number {
    const scale = this.scaleAt(now);
    const min = minWeight * scale;
    let s = 0;
    for (let c = 0; c < this.size; c++) {
      if (this.since[c]! <= after) continue;
      if (tagMask !== 0 && (this.tags[c]! & tagMask) === 0) continue;
      const g = this.counts[c]! - this.errors[c]!;
      if (g < min || g <= 0) continue;
      if (exclude && exclude(this.keys[c] as K)) continue;
      s += g;
    }
    return s / scale;
  }

  /** The key's tag bits (0 when untracked). */
  tagOf(key: K): number {
    const c = this.index.get(key);
    return c === undefined ? 0 : this.tags[c]!;
  }

  /** The `n` heaviest keys by guaranteed weight, heaviest first. O(k log k); for reports and flushes. */
  top(n: number, now: number): HeavyHitter<K>[] {
    const s = this.scaleAt(now);
    const out: HeavyHitter<K>[] = [];
    for (let c = 0; c < this.size; c++) {
      const key = this.keys[c];
      if (key === undefined) continue;
      out.push({ key, count: this.counts[c]! / s, guaranteed: (this.counts[c]! - this.errors[c]!) / s, since: this.since[c]! });
    }
    out.sort((a, b) => b.guaranteed - a.guaranteed);
    return out.length > n ? out.slice(0, n) : out;
  }

  private less(a: number, b: number): boolean {
    return this.counts[this.heap[a]!]! < this.counts[this.heap[b]!]!;
  }

  private swap(a: number, b: number): void {
    const ca = this.heap[a]!;
    const cb = this.heap[b]!;
    this.heap[a] = cb;
    this.heap[b] = ca;
    this.pos[cb] = a;
    this.pos[ca] = b;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private siftDown(i: number): void {
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.less(r, l) ? r : l;
      if (!this.less(m, i)) break;
      this.swap(i, m);
      i = m;
    }
  }
}
