/**
 * Scenarios, trials and the metrics the simulator prints. A job is one deterministic simulation (a
 * benign week, or one attack trial); jobs are independent so they can run on worker threads.
 */
import type { DowOptions } from '../../src/dow/options';
import { Rng } from './rng';
import { PROFILES, WORLD, drawBackground, meanInvocationUsd, run, type AttackKind, type AttackSpec, type FunctionProfile, type RunResult, type RunSpec } from './world';

/** The simulated operator's configuration (what a user would write). */
export const GUARD_CONFIG: DowOptions = Object.freeze({
  // Well above the heaviest benign caller (a NAT-like IP with ~7 % of all traffic, ≤ 4 req/s).
  perCaller: { limit: 600, windowSeconds: 60, key: 'ip' },
  // Set the way an operator would: from a calibration week with another seed
  // (`node dist/bench-build/bench/dow/calibrate.js 99 7`: highest projected spend $0.82/h, flash crowds
  // and slow-dependency incidents included), alert at ≈ 2× and shed above ≈ 3× that.
  budget: { alertUsdPerHour: 1.6, usdPerHour: 2.5 },
}) as DowOptions;

/**
 * The same operator on another function: budgets scaled by what a benign invocation costs there (the
 * calibration would find the same traffic costing that much more or less), and the front door's fee
 * configured in `pricing` (an operator behind API Gateway would).
 */
export function guardFor(profile: FunctionProfile): DowOptions {
  const k = meanInvocationUsd(profile) / meanInvocationUsd(PROFILES[0]!);
  const b = GUARD_CONFIG.budget!;
  return { ...GUARD_CONFIG, budget: { alertUsdPerHour: b.alertUsdPerHour! * k, usdPerHour: b.usdPerHour! * k } };
}

export function profileById(id: string | undefined): FunctionProfile {
  const p = PROFILES.find((x) => x.id === (id ?? PROFILES[0]!.id));
  if (!p) throw new Error(`unknown function profile ${id}`);
  return p;
}

export const SCENARIOS: Record<AttackKind, { title: string; durationMs: number; draw: (rng: Rng) => Omit<AttackSpec, 'startMs' | 'endMs'> }> = {
  blast: {
    title: 'blast: 10–100 IPs, 10–50× the mean rate, 10 min',
    durationMs: 10 * 60_000,
    draw: (rng) => {
      const keys = Math.round(rng.logUniform(10, 100));
      const mult = rng.between(10, 50);
      return { kind: 'blast', rps: mult * WORLD.meanRps, keys, rotateAfter: 0, route: -1, label: `${keys} IPs, ${mult.toFixed(0)}×` };
    },
  },
  leech: {
    title: 'leech: 100 IPs, +50 % of the mean rate, 4 h',
    durationMs: 4 * 3600_000,
    draw: () => ({ kind: 'leech', rps: 0.5 * WORLD.meanRps, keys: 100, rotateAfter: 0, route: -1, label: '100 IPs, +50%' }),
  },
  flood: {
    title: 'distributed flood: 10,000 IPs, 5–20× the mean rate, 15 min',
    durationMs: 15 * 60_000,
    draw: (rng) => {
      const mult = rng.between(5, 20);
      return { kind: 'flood', rps: mult * WORLD.meanRps, keys: 10_000, rotateAfter: 0, route: -1, label: `10,000 IPs, ${mult.toFixed(0)}×` };
    },
  },
  rotation: {
    title: 'IP rotation: 100 IPs at a time, each replaced after 50 requests, 5–20×, 15 min',
    durationMs: 15 * 60_000,
    draw: (rng) => {
      const mult = rng.between(5, 20);
      return { kind: 'rotation', rps: mult * WORLD.meanRps, keys: 100, rotateAfter: 50, route: -1, label: `rotating, ${mult.toFixed(0)}×` };
    },
  },
  expensive: {
    title: 'expensive requests: 20 IPs, +50 % requests all on GET /report (≈ 15× cost each), 30 min',
    durationMs: 30 * 60_000,
    draw: () => ({ kind: 'expensive', rps: 0.5 * WORLD.meanRps, keys: 20, rotateAfter: 0, route: 4, label: '20 IPs → /report' }),
  },
};

export const WARMUP_MS = 2 * 3600_000;
export const TAIL_MS = 10 * 60_000;

export type Job =
  | { type: 'benign'; store: boolean; days: number; seed: number; chunk: number }
  | { type: 'trial'; kind: AttackKind; store: boolean; trial: number; seed: number; storeDown?: boolean; profile?: string };

export interface TrialSummary {
  kind: AttackKind;
  profile: string;
  store: boolean;
  storeDown: boolean;
  label: string;
  alertDelayS: number | undefined;
  blockDelayS: number | undefined;
  firstSignal: string | undefined;
  /** 1 − attack spend with the guard / in the same trial without any guard (request fee, front door, compute, INIT). */
  saved: number;
  /** The most an in-function guard can save: 1 − (every attack request answered in REJECT_MS) / without a guard. */
  ceiling: number;
  /** The same for the compute part only (GB-s and INIT: what the function controls). */
  savedCompute: number;
  computeCeiling: number;
  attackSpend: number;
  attackSpendNoDefense: number;
  attackSpendFloor: number;
  attackCompute: number;
  attackComputeNoDefense: number;
  attackComputeFloor: number;
  legitWindowRejected: number;
  legitWindowRequests: number;
  legitWindowUnseen: number;
  legitWindowUnseenRejected: number;
  legitRejected: number;
  legitRequests: number;
  warmupAlerts: number;
  maxInstances: number;
  maxStateBytes: number;
  storeSyncs: number;
  simMs: number;
  requests: number;
}

export interface BenignSummary {
  store: boolean;
  chunk: number;
  days: number;
  alertEpisodes: number;
  alertsBySignal: Record<string, number>;
  episodes: Array<{ hour: number; signal: string; message: string }>;
  legitRejected: number;
  legitRequests: number;
  rejectedBy: Record<string, number>;
  flashes: number;
  incidents: number;
  maxInstances: number;
  maxStateBytes: number;
  storeSyncs: number;
  simMs: number;
}

/** Alerts within this gap of each other (fleet-wide, any signal) are one episode. */
export const EPISODE_GAP_MS = 10 * 60_000;

export function runJob(job: Job): TrialSummary | BenignSummary {
  const t0 = Date.now();
  if (job.type === 'benign') {
    const rng = new Rng(job.seed);
    const start = 0;
    const end = job.days * 86400_000;
    const bg = drawBackground(rng, start, end, { flashes: true, deploys: true });
    const r = run({ seed: job.seed + 1, startMs: start, endMs: end, guard: GUARD_CONFIG, store: job.store, ...bg });
    const episodes: BenignSummary['episodes'] = [];
    let last = -Infinity;
    const bySignal: Record<string, number> = {};
    for (const a of [...r.alerts].sort((x, y) => x.time - y.time)) {
      bySignal[a.signal] = (bySignal[a.signal] ?? 0) + 1;
      if (a.time - last > EPISODE_GAP_MS) episodes.push({ hour: a.time / 3600_000, signal: a.signal, message: a.message });
      last = a.time;
    }
    return {
      store: job.store,
      chunk: job.chunk,
      days: job.days,
      alertEpisodes: episodes.length,
      alertsBySignal: bySignal,
      episodes,
      legitRejected: r.legitRejected,
      legitRequests: r.legitRequests,
      rejectedBy: r.legitRejectedBy,
      flashes: bg.flashes.length,
      incidents: bg.incidents.length,
      maxInstances: r.maxInstances,
      maxStateBytes: r.maxStateBytes,
      storeSyncs: r.storeSyncs,
      simMs: Date.now() - t0,
    };
  }
  const sc = SCENARIOS[job.kind];
  const profile = profileById(job.profile);
  const rng = new Rng(job.seed);
  const day = rng.int(7);
  const attackStart = WARMUP_MS + day * 86400_000 + Math.floor(rng.uniform() * 86400) * 1000;
  const attack: AttackSpec = { ...sc.draw(rng), startMs: attackStart, endMs: attackStart + sc.durationMs };
  const start = attackStart - WARMUP_MS;
  const end = attack.endMs + TAIL_MS;
  const bg = drawBackground(rng, start, end, { flashes: false, deploys: false });
  const spec: RunSpec = { seed: job.seed + 7, startMs: start, endMs: end, guard: guardFor(profile), profile, store: job.store, attack, ...bg, windowMs: [attackStart, end] };
  if (job.storeDown) spec.storeDown = [[attackStart + 60_000, attackStart + 6 * 60_000]];
  const r: RunResult = run(spec);
  // The counterfactual: the same trial (same arrivals and durations) with no guard at all. Its
  // instances, cold starts and platform throttling follow from that, as they would without a guard.
  const none: RunResult = run({ ...spec, guard: null, store: false, storeDown: [] });
  const after = r.alerts.filter((a) => a.time >= attackStart).sort((a, b) => a.time - b.time);
  const first = after.find((a) => a.time <= attack.endMs + 5 * 60_000);
  return {
    kind: job.kind,
    profile: profile.id,
    store: job.store,
    storeDown: job.storeDown === true,
    label: attack.label,
    alertDelayS: first ? (first.time - attackStart) / 1000 : undefined,
    blockDelayS: r.firstAttackBlockAt !== undefined ? (r.firstAttackBlockAt - attackStart) / 1000 : undefined,
    firstSignal: first?.signal,
    saved: none.attackSpend > 0 ? 1 - r.attackSpend / none.attackSpend : 0,
    ceiling: none.attackSpend > 0 ? 1 - r.attackSpendFloor / none.attackSpend : 0,
    savedCompute: none.attackCompute > 0 ? 1 - r.attackCompute / none.attackCompute : 0,
    computeCeiling: none.attackCompute > 0 ? 1 - r.attackComputeFloor / none.attackCompute : 0,
    attackSpend: r.attackSpend,
    attackSpendNoDefense: none.attackSpend,
    attackSpendFloor: r.attackSpendFloor,
    attackCompute: r.attackCompute,
    attackComputeNoDefense: none.attackCompute,
    attackComputeFloor: r.attackComputeFloor,
    legitWindowRejected: r.legitWindowRejected,
    legitWindowRequests: r.legitWindowRequests,
    legitWindowUnseen: r.legitWindowUnseen,
    legitWindowUnseenRejected: r.legitWindowUnseenRejected,
    legitRejected: r.legitRejected,
    legitRequests: r.legitRequests,
    warmupAlerts: r.alerts.filter((a) => a.time < attackStart).length,
    maxInstances: r.maxInstances,
    maxStateBytes: r.maxStateBytes,
    storeSyncs: r.storeSyncs,
    simMs: Date.now() - t0,
    requests: r.legitRequests + r.attackRequests,
  };
}
