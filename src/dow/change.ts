/**
 * Change detection on rates: an exponentially weighted mean/variance for irregularly spaced samples,
 * a one-sided CUSUM (Page 1954) on standardised residuals, and a ratio test of a short window against
 * a lagged baseline for abrupt surges. All O(1) per sample and a few numbers of state.
 */

/** EWMA of mean and variance with a half-life in milliseconds (α = 1 − 2^(−Δt/half-life)). */
export class Ewma {
  mean = 0;
  variance = 0;
  /** Milliseconds of data absorbed (saturates); 0 means no sample yet. */
  weightMs = 0;
  /** Samples absorbed. While few, α is at least 1/n (a plain average) so early variance is not underestimated. */
  samples = 0;
  readonly halfLifeMs: number;

  constructor(halfLifeMs: number) {
    this.halfLifeMs = halfLifeMs;
  }

  update(x: number, dtMs: number): void {
    if (!Number.isFinite(x)) return;
    this.samples++;
    if (this.weightMs === 0) {
      this.mean = x;
      this.variance = 0;
      this.weightMs = Math.max(dtMs, 1);
      return;
    }
    const a = Math.max(1 - Math.pow(2, -Math.max(dtMs, 0) / this.halfLifeMs), 1 / this.samples);
    const d = x - this.mean;
    const inc = a * d;
    this.mean += inc;
    this.variance = (1 - a) * (this.variance + d * inc);
    this.weightMs = Math.min(this.weightMs + dtMs, 1e15);
  }

  get std(): number {
    return Math.sqrt(this.variance);
  }

  reset(): void {
    this.mean = 0;
    this.variance = 0;
    this.weightMs = 0;
    this.samples = 0;
  }
}

/**
 * One-sided upper CUSUM: S = max(0, S + z − k), alarm when S > h. With k = 0.5 and h = 8 on
 * standardised Gaussian residuals the in-control average run length is ≈ 19,000 samples and a +1σ
 * shift is found in ≈ 16 samples (Siegmund's approximation, research note §2.2).
 */
export class Cusum {
  s = 0;
  constructor(
    readonly k: number,
    readonly h: number,
  ) {}

  /** Feeds one standardised residual; true while the statistic is above the threshold. */
  update(z: number): boolean {
    if (Number.isFinite(z)) this.s = Math.max(0, this.s + z - this.k);
    return this.s > this.h;
  }

  reset(): void {
    this.s = 0;
  }
}

export interface SurgeOptions {
  /** Half-life of the baseline rate (ms). */
  halfLifeMs: number;
  /** Observed/expected ratio that counts as a surge. */
  ratio: number;
  /** Least excess (requests over the window) that counts, so quiet functions do not alarm on a handful. */
  minExcess: number;
  /** Least excess in standard deviations (Poisson with 30 % over-dispersion). */
  minZ: number;
  /** Milliseconds of baseline data needed before the detector may alarm. */
  warmupMs: number;
}

/**
 * Abrupt-surge test: a short window's count against an EWMA baseline that is fed only with data older
 * than a lag (the caller feeds it settled, lagged buckets), so an attack cannot drag the baseline up
 * before it is tested. Gradual ramps (benign flash crowds rise over minutes) move the baseline with them.
 */
export class SurgeDetector {
  readonly baseline: Ewma;
  frozen = false;

  constructor(readonly opts: SurgeOptions) {
    this.baseline = new Ewma(opts.halfLifeMs);
  }

  /** Feeds the baseline with a settled rate (per second) covering `dtMs`. Ignored while frozen. */
  feed(ratePerSecond: number, dtMs: number): void {
    if (!this.frozen) this.baseline.update(ratePerSecond, dtMs);
  }

  get warm(): boolean {
    return this.baseline.weightMs >= this.opts.warmupMs;
  }

  /** Expected count over `seconds` at the baseline rate. */
  expected(seconds: number): number {
    return this.baseline.mean * seconds;
  }

  /**
   * Observed/expected ratio for `observed` over `seconds`, or 0 when not a significant surge. For a
   * series that is not a count (cost), `unit` is the baseline's value per request: significance is
   * then judged in request equivalents.
   */
  test(observed: number, seconds: number, ratio = this.opts.ratio, unit = 1): number {
    if (!this.warm || !(unit > 0)) return 0;
    const e = Math.max(this.expected(seconds), 1e-12);
    const r = observed / e;
    if (r < ratio) return 0;
    const eq = e / unit;
    const excess = (observed - e) / unit;
    if (excess < this.opts.minExcess) return 0;
    if (excess < this.opts.minZ * Math.sqrt(eq + 0.09 * eq * eq)) return 0;
    return r;
  }
}

/**
 * Baseline for a one-sided (upward) shift test: a fast and a slow EWMA, and a residual measured
 * against the higher of the two means, so that the return to normal after a benign dip does not read
 * as a rise.
 */
export class UpShiftBaseline {
  readonly fast: Ewma;
  readonly slow: Ewma;
  constructor(fastHalfLifeMs: number, slowHalfLifeMs: number) {
    this.fast = new Ewma(fastHalfLifeMs);
    this.slow = new Ewma(slowHalfLifeMs);
  }
  get level(): number {
    return Math.max(this.fast.mean, this.slow.mean);
  }
  /** Standardised residual of x (σ floored at `minSd`). */
  z(x: number, minSd: number): number {
    return (x - this.level) / Math.max(this.fast.std, this.slow.std, minSd);
  }
  learn(x: number, dtMs: number): void {
    this.fast.update(x, dtMs);
    this.slow.update(x, dtMs);
  }
  reset(x: number): void {
    this.fast.reset();
    this.slow.reset();
    this.learn(x, 0);
  }
}
