/**
 * The fleet-wide view an instance rebuilds from the shared store's answers: global requests and spend
 * per second, a lagged baseline of both, the abrupt-surge tests against it and the projected spend.
 * Fed once per flush; O(1) per answer (a fixed number of buckets).
 */
import { Ewma, SurgeDetector } from './change';
import type { DowSyncResult } from './store';

/** Buckets younger than this (s) are not fed to the baseline: an attack is tested against the past. */
export const BASELINE_LAG_S = 40;
/**
 * Surge tests: the last five settled seconds at ≥ 4× the baseline, or the last three (still filling in
 * as other instances flush) at ≥ 6×. Both also need ≥ 30 extra requests and 6 σ (see SurgeDetector).
 */
const SETTLED_RATIO = 4;
const FRESH_RATIO = 6;
/** One-second buckets asked for on each flush. */
export const READ_SECONDS = 12;
const RING = 16;

export interface SurgeReading {
  /** Observed/baseline ratio of global invocations when significant, else 0. */
  count: number;
  /** Same for global spend. */
  cost: number;
}

export class GlobalView {
  readonly countSurge: SurgeDetector;
  readonly costSurge: SurgeDetector;
  private readonly secT = new Float64Array(RING).fill(-1);
  private readonly secC = new Float64Array(RING);
  private readonly secX = new Float64Array(RING);
  private lastFedTen = -Infinity;
  originMs = 0;
  lastResultAt = -Infinity;
  /** USD per hour projected from the fleet's settled per-second spend (EWMA, one-minute half-life). */
  projectedUsdPerHour = 0;
  private readonly spend = new Ewma(60_000);
  private lastSpendSecond = -Infinity;
  /** Invocations per second over the last settled ten seconds, fleet-wide. */
  perSecond = 0;
  /** Spend (USD) per second over the same ten seconds (counting rejected invocations at what they would have cost). */
  usdPerSecond = 0;
  readonly settleSeconds: number;

  constructor(flushMs: number) {
    const base = { halfLifeMs: 120_000, ratio: SETTLED_RATIO, minExcess: 30, minZ: 6, warmupMs: 300_000 };
    this.countSurge = new SurgeDetector(base);
    this.costSurge = new SurgeDetector(base);
    this.settleSeconds = Math.ceil(flushMs / 1000) + 1;
  }

  set frozen(v: boolean) {
    this.countSurge.frozen = v;
    this.costSurge.frozen = v;
  }

  /** Baseline invocations per second (0 until warm). */
  get baselinePerSecond(): number {
    return this.countSurge.warm ? this.countSurge.baseline.mean : 0;
  }

  /** Baseline USD per second (0 until warm). */
  get baselineUsdPerSecond(): number {
    return this.costSurge.warm ? this.costSurge.baseline.mean : 0;
  }

  /** Takes a fleet-wide surge's baseline (measured before the surge) and stops learning. */
  adopt(basePerSecond: number, baseUsdPerSecond: number): void {
    for (const [d, v] of [[this.countSurge, basePerSecond], [this.costSurge, baseUsdPerSecond]] as const) {
      if (!(v > 0)) continue;
      d.baseline.mean = v;
      if (d.baseline.weightMs < d.opts.warmupMs) d.baseline.weightMs = d.opts.warmupMs;
      if (d.baseline.samples === 0) d.baseline.samples = 1;
      d.frozen = true;
    }
  }

  /** How many ten-second buckets to ask for: a long history after a gap (cold start, idle). */
  tensWanted(now: number): number {
    return now - this.lastResultAt > (BASELINE_LAG_S + 40) * 1000 ? 60 : 9;
  }

  private sum(from: number, to: number, arr: Float64Array): number {
    let s = 0;
    for (let t = from; t <= to; t++) {
      const i = ((t % RING) + RING) % RING;
      if (this.secT[i] === t) s += arr[i]!;
    }
    return s;
  }

  apply(res: DowSyncResult, now: number): SurgeReading {
    this.lastResultAt = now;
    if (res.originMs > 0) this.originMs = res.originMs;
    for (const b of res.seconds) {
      const i = ((b.t % RING) + RING) % RING;
      this.secT[i] = b.t;
      this.secC[i] = b.count;
      this.secX[i] = b.costNanoUsd / 1e9;
    }
    const s = Math.floor(now / 1000);
    const feedEdge = Math.floor((s - BASELINE_LAG_S) / 10) - 1;
    const firstUseful = Math.ceil((this.originMs + 10_000) / 10_000);
    for (const b of res.tens) {
      if (b.t <= this.lastFedTen || b.t > feedEdge) continue;
      if (b.t < firstUseful) {
        this.lastFedTen = b.t;
        continue;
      }
      const dt = Number.isFinite(this.lastFedTen) ? (b.t - this.lastFedTen) * 10_000 : 10_000;
      this.countSurge.feed(b.count / 10, dt);
      this.costSurge.feed(b.costNanoUsd / 1e9 / 10, dt);
      this.lastFedTen = b.t;
    }

    const k = this.settleSeconds;
    const settledC = this.sum(s - k - 4, s - k, this.secC);
    const settledX = this.sum(s - k - 4, s - k, this.secX);
    const freshC = this.sum(s - 3, s - 1, this.secC);
    const freshX = this.sum(s - 3, s - 1, this.secX);
    this.perSecond = this.sum(s - k - 9, s - k, this.secC) / 10;
    this.usdPerSecond = this.sum(s - k - 9, s - k, this.secX) / 10;
    // Budget projection: settled seconds, each fed once, smoothed over about a minute (a burst of a few
    // slow requests in ten seconds is not a spend rate).
    const from = Math.max(this.lastSpendSecond + 1, s - k - 9);
    for (let t = from; t <= s - k; t++) {
      const i = ((t % RING) + RING) % RING;
      const v = this.secT[i] === t ? this.secX[i]! : 0;
      const dt = Number.isFinite(this.lastSpendSecond) ? (t - this.lastSpendSecond) * 1000 : 1000;
      this.spend.update(v, dt);
      this.lastSpendSecond = t;
    }
    this.projectedUsdPerHour = this.spend.mean * 3600;

    const count = Math.max(this.countSurge.test(settledC, 5, SETTLED_RATIO), this.countSurge.test(freshC, 3, FRESH_RATIO));
    const unit = this.countSurge.baseline.mean > 0 ? this.costSurge.baseline.mean / this.countSurge.baseline.mean : 0;
    const cost = unit > 0 ? Math.max(this.costSurge.test(settledX, 5, SETTLED_RATIO, unit), this.costSurge.test(freshX, 3, FRESH_RATIO, unit)) : 0;
    return { count, cost };
  }
}
