/**
 * The denial-of-wallet guard: one object per function instance, created at cold start.
 *
 *   const guard = createDowGuard({ perCaller: { limit: 600, windowSeconds: 60 }, budget: { usdPerHour: 5 } });
 *   const d = guard.admit({ key, anonymous, route });     // before the handler; never throws, never waits
 *   if (d.action === 'throttle' || d.action === 'shed') → answer d.status with Retry-After: d.retryAfterSeconds
 *   else run the handler, then guard.record(info, durationMs)
 *
 * Per invocation the guard does O(1) work: one GCRA check in a capped table, two heavy-hitter sketch
 * updates, a few decayed counters. Once per second (piggy-backed on an invocation) it runs the
 * detectors over its fixed-size state; once per flush interval it sends one batch to the shared store
 * (if any) without waiting for it. Memory is fixed at creation (≈ 62 KiB, 8 KiB of it the known-callers
 * filter, 12 KiB the persistent-callers filter, 1.5 KiB the session passes) whatever the number of
 * callers. Every internal failure fails open (`allow`).
 */
import { FingerprintBloom } from './bloom';
import { Cusum, UpShiftBaseline } from './change';
import { callerKey, type CallerKeyOption, type CallerRequest } from './caller-key';
import { systemClock, type Clock } from './clock';
import { GcraLimiter } from './gcra';
import { GlobalView, READ_SECONDS } from './global-view';
import { hash32, randomSeed } from './hash';
import { createCostModel } from './cost';
import { resolveDowOptions, type DowAlert, type DowOptions, type DowRule, type DowSignal, type ResolvedDowOptions } from './options';
import { DecayedSpaceSaving } from './space-saving';
import { KNOWN_PER_SLOT, KNOWN_SLOTS, MAX_PASSES_PER_FLUSH, SLOT_SECONDS, type DowBlock, type DowPass, type DowBucket, type DowHeavySlot, type DowKeyDelta, type DowSurgeRecord, type DowSyncBatch, type DowSyncResult } from './store';
import { ExpiringTable } from './table';

export interface AdmitInfo {
  /** The caller key (see `callerKey`), or undefined when the trigger has none (queues, timers). */
  key: string | undefined;
  route?: string | undefined;
  /** No authenticated identity: only anonymous traffic is ever shed or throttled by the anomaly/budget rules. */
  anonymous: boolean;
  /** Override the clock (ms), for tests and simulation. */
  now?: number;
}

export type DowAction = 'allow' | 'log' | 'throttle' | 'shed';

export interface Decision {
  /**
   * `allow`: run the handler. `log`: run it, and log this decision (an alert was just raised).
   * `throttle`: answer 429 with Retry-After (a caller over a limit). `shed`: answer 503 with
   * Retry-After (load shed to hold the budget or during an attack).
   */
  action: DowAction;
  rule?: DowRule;
  signal?: DowSignal;
  reason?: string;
  retryAfterSeconds?: number;
  /** HTTP status to answer with when the action is `throttle` (429) or `shed` (503). */
  status?: 429 | 503;
  /** In monitor mode: the action that was not taken. */
  wouldBe?: 'throttle' | 'shed';
}

export interface DowStats {
  instanceId: string;
  uptimeMs: number;
  /** Bytes of detector state held by this guard (fixed-size tables + bounded maps). */
  stateBytes: number;
  /** The price table and the (billed) memory size the cost model uses. */
  cost: { provider: string; memoryMb: number; memorySource: ResolvedDowOptions['memorySource'] };
  /** `global` when the numbers below come from the shared store, else `instance`. */
  scope: 'global' | 'instance';
  perSecond: number;
  baselinePerSecond: number;
  /** Spend per hour projected from the recent rate, counting rejected invocations at what they would have cost. */
  projectedUsdPerHour: number;
  /** The same for the traffic left after per-caller throttling (what the budget and shedding act on). */
  offeredUsdPerHour: number;
  anomalies: Array<{ signal: DowSignal; since: number }>;
  /**
   * `anonymousNew`: callers first seen since the anomaly began, recently; `anonymousPersistent`: those
   * first seen more than a couple of minutes ago (shed first); `anonymousEstablished`: the rest.
   */
  shedProbability: { anonymousNew: number; anonymousPersistent: number; anonymousEstablished: number };
  /**
   * Anonymous callers the fleet saw before the current anomaly began (read from the store once per
   * episode): never shed as new callers. `before` is the cut-off (ms), undefined outside an anomaly.
   */
  known: { callers: number; before: number | undefined; falsePositiveRate: number };
  /** Anonymous callers first seen since the anomaly began and around for PERSISTENT_AFTER_MS or more (read from the store incrementally). */
  persistent: { callers: number; falsePositiveRate: number };
  /**
   * Session passes in force during an anomaly (new callers calling far faster than the episode's new
   * callers usually do: admitted like known ones), the new callers' mean count in the per-caller window
   * this episode (μ), and the count from which a caller is passed (undefined: none, yet or at all).
   */
  passes: { callers: number; meanCount: number; threshold: number | undefined };
  limiter: { capacity: number; live: number; evictions: number } | undefined;
  store: { configured: boolean; healthy: boolean; flushes: number; failures: number; lastSyncAt: number | undefined; lastError: string | undefined };
  counters: { invocations: number; throttled: number; shed: number; alerts: number; errors: number };
  topCallers: Array<{ key: string; share: number; usd: number }>;
  /** Latest detector readings (for dashboards and tuning). */
  detectors: {
    concentrationShare: number;
    leechShare: number;
    costZ: number;
    costCusum: number;
    surgeRatio: number;
    costSurgeRatio: number;
  };
}

export interface DowGuard {
  /** Decide before running the handler. O(1), synchronous, never throws. */
  admit(info: AdmitInfo): Decision;
  /**
   * Account an admitted invocation's measured duration (call it in a `finally`). Never throws.
   * `endedAt`: the time it ended (ms, the guard's clock), when the caller knows it without reading the
   * clock; otherwise `info.now + durationMs` when `info.now` is set, else the clock is read.
   */
  record(info: AdmitInfo, durationMs: number, endedAt?: number): void;
  /**
   * The function's memory (MB) as the platform reports it per invocation (Lambda:
   * `context.memoryLimitInMB`, a string). Reprices from then on; ignored when the `memoryMb` option was
   * set, or for a value outside 64–65,536. O(1) when unchanged. Never throws.
   */
  useMemoryMb(memoryMb: number | string | undefined): void;
  stats(): DowStats;
  /** Flush to the store now and wait (at most the store's timeout). Mostly for tests and shutdown. */
  flush(): Promise<void>;
  /** Waits (at most the store's timeout) for a flush already in flight; resolves at once if none. */
  settle(): Promise<void>;
  close(): Promise<void>;
  readonly options: ResolvedDowOptions;
}

export interface DowGuardDeps {
  clock?: Clock;
  /** Uniform [0, 1) source for shedding; seeded in simulation. */
  random?: () => number;
  instanceId?: string;
  /** Hash seed for the tables (random by default). */
  seed?: number;
  env?: NodeJS.ProcessEnv;
}

export { callerKey, type CallerKeyOption, type CallerRequest };

// ---- tuning (documented defaults; see the README section on denial of wallet) ----------------------
const LIMITER_CAPACITY = 1024;
const BLOCK_CAPACITY = 512;
const FAST_K = 64;
const FAST_HALF_LIFE_MS = 60_000;
const MAX_KEYS_PER_FLUSH = 64;
const MAX_BLOCKS_PER_FLUSH = 128;
const ALERT_COOLDOWN_MS = 10 * 60_000;
/** An anomaly signal stays active this long after its last evidence. */
const HOLD_MS: Record<DowSignal, number> = {
  'per-caller': 60_000,
  surge: 30_000,
  'cost-surge': 30_000,
  'cost-shift': 5 * 60_000,
  concentration: 30_000,
  leech: 10 * 60_000,
  budget: 30_000,
};
/** After this long a signal's baseline is re-learned (a lasting change becomes the new normal; the budget still holds). */
const MAX_FREEZE_MS = 30 * 60_000;
const ANON = 1;
/** A caller is established when it has been a heavy caller for this long (before an anomaly's onset). */
const ESTABLISHED_AGE_MS = 20 * 60_000;
/**
 * Concentration: share of this instance's recent spend carried by new anonymous callers that each hold
 * at least EMERGENT_KEY_SHARE of it (a few-key blast or expensive-request attack seen from one instance).
 */
const CONCENTRATION_SHARE = 0.5;
const CONCENTRATION_MIN_REQUESTS = 200;
/**
 * Leech (shared store): once a minute one instance of the fleet reads the heaviest anonymous callers
 * of the last three ten-minute slots. A caller that holds ≥ LEECH_KEY_SHARE of anonymous spend in each
 * of the three slots (steady, not a burst) and was not among the heavy callers 40–100 minutes ago is a
 * new steady caller; when those carry ≥ LEECH_SHARE of anonymous spend, it is a leech.
 */
const LEECH_EVERY_MS = 60_000;
const LEECH_KEY_SHARE = 0.002;
const LEECH_SHARE = 0.1;
/** The store must hold this much history before established callers are known. */
const LEECH_MIN_HISTORY_MS = 105 * 60_000;
/**
 * Cost shift: CUSUM (k = 0.5, h = 12) on log(anonymous / authenticated mean cost per request) over
 * blocks of ≥ 60 requests of each kind, every request's cost capped at COST_CAP × the running mean
 * (winsorised: a rare slow request does not swing a block, and the estimate does not depend on how
 * many requests of each kind a block holds). A ratio, so a slow dependency that slows everyone down
 * does not look like an expensive-request attack.
 */
const COST_BLOCK_MIN = 60;
const COST_CAP = 5;
const COST_WARMUP_BLOCKS = 30;
/** …and only when new anonymous heavy callers carry at least this share of the instance's recent spend. */
const COST_SHIFT_CORROBORATION = 0.5;
/**
 * During a surge, new anonymous callers are admitted up to this multiple of their usual (pre-attack)
 * rate and spend; authenticated and established callers are never counted against it.
 */
const DEFENSE_HEADROOM = 1.5;
/** Spend per request is heavy-tailed (one slow report moves it), so the spend target gets twice the room. */
const DEFENSE_COST_HEADROOM = 3;
/** Half-life of the per-class traffic mix the usual share of new callers is learned from. */
const CLASS_HALF_LIFE_MS = 60_000;
/**
 * Half-life of the per-class mix the shedding is computed from: short, so that when an attack stops
 * the shedding stops within seconds instead of following a minute-old mix (≈ 14 s of traffic; during
 * an attack an instance sees plenty).
 */
const MIX_HALF_LIFE_MS = 10_000;
/** Assumed usual share of new anonymous callers when an instance has not measured it yet. */
const USUAL_NEW_SHARE = 0.25;
/** The fleet-wide surge record lives this long after its last confirmation. */
const SURGE_TTL_MS = 30_000;
/** During an attack, a new anonymous caller with this share of recent spend (or more) is throttled. */
const EMERGENT_KEY_SHARE = 0.02;
/** …judged only on an instance that has seen this many requests recently (≈ the last minute and a half). */
const EMERGENT_MIN_REQUESTS = 50;
const ANOMALY_BLOCK_MS = 60_000;
/**
 * Known callers (shared store only): a Bloom filter of the anonymous callers the fleet saw in the
 * 40–50 minutes before an anomaly's onset (minus a minute), 8 KiB, at most 5,120 keys, ≈ 0.5 % false
 * positives at that fill (≈ 0.02 % at the ~2,000 of the simulated web API). During the anomaly they
 * are admitted like established callers; only callers first seen after the onset are shed as new. A
 * false positive admits one more attacker key (fails open).
 */
const KNOWN_BITS = 65_536;
const KNOWN_HASHES = 4;
const KNOWN_CAPACITY = KNOWN_SLOTS * KNOWN_PER_SLOT;
/**
 * Persistent new callers (shared store only): anonymous callers the fleet first saw after an anomaly's
 * onset, PERSISTENT_AFTER_MS or more ago. A visitor's session is a burst (in the simulator ~8 requests
 * about 5 s apart, 94 % of a never-seen visitor's requests within two minutes of its first); a flood's
 * keys keep coming for the whole attack (84 % of its requests from keys first seen over two minutes
 * earlier). So within the spend target, callers first seen recently are admitted before persistent
 * ones: the persistent ones are shed first. One minute rather than two: visitors still calling after a
 * minute mostly call fast enough for a session pass (below), which keeps them out of this class, and
 * the flood's keys are persistent a minute sooner, shortening the first minutes of an episode when every
 * key is new (alone, without passes, one minute sheds more visitors than it spares: measured). An
 * attacker who rotates each key out before PERSISTENT_AFTER_MS gets only fresh keys, which are shed
 * like any new caller, as before; one with more keys than the filter holds keeps the overflow in the
 * new class (fails open to the old rule).
 * 12 KiB, k = 4, at most 12,288 keys: ≈ 1.4 % false positives at 10,600 keys, 2.4 % when full (a
 * false positive sheds a recent new caller first; the shedding still follows the spend target).
 */
const PERSISTENT_AFTER_MS = 60_000;
const PERSISTENT_BITS = 98_304;
const PERSISTENT_HASHES = 4;
const PERSISTENT_CAPACITY = 12_288;
/**
 * Session passes (shared store only). A distributed flood keeps each of its keys slow (that is how it
 * stays under per-key limits: in the simulator 1 request per 17–67 s per key), while a visitor's
 * session is a burst (~1 request per 5 s). During an episode every instance learns the fleet-wide
 * request count (the store's per-caller window, 60 s) of the new callers it flushes (the flood's keys,
 * during one), μ; a new caller whose count reaches a level that a Poisson(μ) caller reaches with
 * probability ≤ PASS_FALSE_RATE is passed fleet-wide for PASS_MS: admitted like a known caller (and
 * counted against the same target), whatever its age, and not shed as persistent. Counts are read
 * from the store after the fact (2–6 s), so a session gets its pass from about its threshold-th
 * request on (5–11 in the simulated floods); its first requests are still shed like any new caller's.
 * No pass when the new callers are themselves fast (a threshold above PASS_MAX_COUNT: rotation, or a
 * flood whose keys call as often as people do): then nothing in the rate tells a visitor from them.
 * A flood key passed by chance is admitted for PASS_MS, within the same spend target (seed 1: no
 * measurable change in the flood's spend saved). Cost: O(keys in the batch) per flush, 1.5 KiB (128
 * slots), at most MAX_PASSES_PER_FLUSH sent and MAX_SHARED_PASSES read per flush (during an episode).
 */
const PASS_CAPACITY = 128;
const PASS_MS = 60_000;
const PASS_FALSE_RATE = 0.01;
const PASS_MIN_COUNT = 5;
const PASS_MAX_COUNT = 16;
/** New callers' counts sampled (this episode, this instance) before any pass is given. */
const PASS_MIN_SAMPLES = 32;
/** Routes whose mean cost is tracked (to price rejected invocations at what they would have cost). */
const MAX_ROUTES = 64;
const LEECH_BLOCK_MS = 10 * 60_000;
const SHED_RETRY_AFTER_S = 5;
const STALE_GLOBAL_MS = 15_000;
/** A fleet-wide surge is held this long after the last successful store round trip. */
const STORE_DOWN_HOLD_MS = 5 * 60_000;

const ALLOW: Decision = Object.freeze({ action: 'allow' });

/** A sum decaying with a half-life: value(t) = Σ w·2^(−(t−tᵢ)/h). `rate` = value/τ (per second). */
class Decayed {
  private v = 0;
  private at = 0;
  private readonly tau: number;
  constructor(halfLifeMs: number) {
    this.tau = halfLifeMs / Math.LN2;
  }
  add(w: number, now: number): void {
    this.v = this.value(now) + w;
    this.at = now;
  }
  value(now: number): number {
    return now > this.at ? this.v * Math.exp(-(now - this.at) / this.tau) : this.v;
  }
  ratePerSecond(now: number): number {
    return this.value(now) / (this.tau / 1000);
  }
}

type Classes = readonly [Decayed, Decayed, Decayed, Decayed, Decayed, Decayed];
function decayedClasses(halfLifeMs: number): Classes {
  return [new Decayed(halfLifeMs), new Decayed(halfLifeMs), new Decayed(halfLifeMs), new Decayed(halfLifeMs), new Decayed(halfLifeMs), new Decayed(halfLifeMs)];
}

interface SignalState {
  since: number;
  until: number;
  /** Evidence reference time: callers first seen after it are "new" for this episode. */
  ref: number;
}

interface KeyDelta {
  count: number;
  cost: number;
  anonCost: number;
}

/** Cost-per-request accumulator for one class of callers (winsorised mean). */
class CostBlock {
  n = 0;
  sum = 0;
  add(c: number, cap: number): void {
    this.n++;
    this.sum += c < cap ? c : cap;
  }
  mean(): number {
    return this.n > 0 ? this.sum / this.n : 0;
  }
  reset(): void {
    this.n = 0;
    this.sum = 0;
  }
}

class Guard implements DowGuard {
  readonly options: ResolvedDowOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly instanceId: string;
  private readonly fpSeed: number;
  private readonly createdAt: number;

  private readonly limiter: GcraLimiter | undefined;
  private readonly callerBlocks: ExpiringTable;
  private readonly anomalyBlocks: ExpiringTable;
  private readonly fast = new DecayedSpaceSaving<string>(FAST_K, FAST_HALF_LIFE_MS);
  private readonly reqs = new Decayed(FAST_HALF_LIFE_MS);
  private readonly spend = new Decayed(FAST_HALF_LIFE_MS);
  /**
   * Offered requests and their cost (what they cost or would have cost) by class: 0 protected
   * (authenticated or keyless), 1 anonymous new, 2 anonymous established, 3 throttled per key,
   * 4 anonymous known (seen by the fleet before the current anomaly; empty outside one), 5 anonymous
   * persistent new (first seen since the onset, PERSISTENT_AFTER_MS or more ago; empty outside one).
   */
  private readonly classN = decayedClasses(CLASS_HALF_LIFE_MS);
  private readonly classX = decayedClasses(CLASS_HALF_LIFE_MS);
  /** The same classes over MIX_HALF_LIFE_MS: the current mix, for shedding. */
  private readonly mixN = decayedClasses(MIX_HALF_LIFE_MS);
  private readonly mixX = decayedClasses(MIX_HALF_LIFE_MS);
  /** Known callers of the current anomaly episode, and the cut-off they were read for. */
  private readonly known = new FingerprintBloom(KNOWN_BITS, KNOWN_HASHES, KNOWN_CAPACITY);
  private knownBefore: number | undefined;
  /** The known set is in force (a fast anomaly is active and the set was read for it); updated once a second. */
  private knownLive = false;
  /** Persistent new callers of the current episode, and where the next incremental read starts (ms). */
  private readonly persistent = new FingerprintBloom(PERSISTENT_BITS, PERSISTENT_HASHES, PERSISTENT_CAPACITY);
  private persistentFrom: number | undefined;
  /** Session passes in force (shared through the store), passes to send, and the new callers' mean count (μ) this episode. */
  private readonly passes: ExpiringTable;
  private pendingPasses: DowPass[] = [];
  private passMean = 0;
  private passSamples = 0;
  private publishSurge: DowSurgeRecord | undefined;
  /** Usual share of new anonymous callers in invocations and spend (learned outside anomalies). */
  private usualNewN = -1;
  private usualNewX = -1;
  private meanCost = 0;
  /** Last memory size the platform reported (useMemoryMb), to make repeats O(1). */
  private reportedMemoryMb = 0;
  /**
   * Mean cost by route, in a box updated in place: a Map.set per invocation (its hash lookup again,
   * and a heap number for the value) cost more than the rest of the route's bookkeeping.
   */
  private readonly routeCost = new Map<string, { cost: number }>();

  // seconds
  private curSec = -1;
  private totalFast = 0;
  private anonCostDelta = 0;

  // cost shift
  private readonly anonBlock = new CostBlock();
  private readonly authBlock = new CostBlock();
  private blockStart = 0;
  private costBlocks = 0;
  /** log(anonymous / authenticated cost per request) and log(anonymous cost per request). */
  private readonly ratioBase = new UpShiftBaseline(3600_000, 12 * 3600_000);
  private readonly anonBase = new UpShiftBaseline(3600_000, 12 * 3600_000);
  private readonly costCusum = new Cusum(0.5, 12);
  private lastEvalClaim = -Infinity;
  private evalPending = false;

  // signals and defense
  private readonly signals = new Map<DowSignal, SignalState>();
  private pNew = 0;
  private offeredUsdPerHour = 0;
  private pEst = 0;
  private pOld = 0;
  private shedRule: DowRule = 'rate.anomaly';
  /** The shedding last computed from the fleet-wide view (held while the store is down). */
  private globalShed: { pNew: number; pOld: number; pEst: number; rule: DowRule } = { pNew: 0, pOld: 0, pEst: 0, rule: 'rate.anomaly' };
  private readonly lastAlert = new Map<DowSignal, number>();
  private pendingLog: Decision | undefined;

  // store
  private readonly global: GlobalView | undefined;
  private pendingSecs: DowBucket[] = [];
  private keyDeltas = new Map<string, KeyDelta>();
  private pendingBlocks: DowBlock[] = [];
  private pendingAlerts = new Map<string, DowAlert>();
  private inFlight: Promise<void> | undefined;
  private lastFlushAt = -Infinity;
  private retryAt = 0;
  private failuresInRow = 0;
  private established = new Uint32Array(0);
  private establishedSlot = -1;
  private storeHealthy = false;
  private flushes = 0;
  private failures = 0;
  private lastSyncAt: number | undefined;
  private lastError: string | undefined;

  private counters = { invocations: 0, throttled: 0, shed: 0, alerts: 0, errors: 0 };
  private readings = { concentrationShare: 0, leechShare: 0, costZ: 0, surgeRatio: 0, costSurgeRatio: 0 };

  constructor(options: ResolvedDowOptions, deps: DowGuardDeps) {
    this.options = options;
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    const seed = deps.seed ?? randomSeed(this.random);
    this.fpSeed = (seed ^ 0x5bd1e995) >>> 0;
    this.instanceId = deps.instanceId ?? `i-${(randomSeed(this.random) >>> 0).toString(36)}${Date.now().toString(36).slice(-4)}`;
    this.createdAt = this.clock.now();
    const pc = options.perCaller;
    this.limiter = pc ? new GcraLimiter(pc.limit, pc.windowMs, LIMITER_CAPACITY, seed) : undefined;
    this.callerBlocks = new ExpiringTable(BLOCK_CAPACITY, seed ^ 0x27d4eb2f);
    this.anomalyBlocks = new ExpiringTable(BLOCK_CAPACITY, seed ^ 0x165667b1);
    this.passes = new ExpiringTable(PASS_CAPACITY, seed ^ 0x61c88647);
    this.global = options.store ? new GlobalView(options.flushMs) : undefined;
    this.meanCost = options.cost.invocation(100);
  }

  /** Shedding and attack-time throttling need consent: a budget to hold (`budget.usdPerHour`). */
  private get budgetSet(): boolean {
    return this.options.usdPerHour !== undefined;
  }

  private fp(key: string): number {
    return hash32(key, this.fpSeed);
  }

  private globalFresh(now: number): boolean {
    return this.global !== undefined && this.storeHealthy && now - this.global.lastResultAt < STALE_GLOBAL_MS;
  }

  // ---- per invocation ------------------------------------------------------------------------------

  admit(info: AdmitInfo): Decision {
    try {
      return this.admitUnsafe(info);
    } catch {
      this.counters.errors++;
      return ALLOW;
    }
  }

  private admitUnsafe(info: AdmitInfo): Decision {
    const now = info.now !== undefined && Number.isFinite(info.now) ? info.now : this.clock.now();
    this.advance(now);
    this.counters.invocations++;
    const fee = this.options.cost.perRequestUsd;
    this.reqs.add(1, now);
    this.spend.add(fee, now);
    this.addSecond(now, 1, fee);

    const key = info.key;
    const anon = info.anonymous;
    let est = false;
    let fp = 0;
    if (anon) this.anonCostDelta += fee;
    if (key !== undefined) {
      if (anon) {
        fp = this.fp(key);
        est = this.isEstablished(key, fp, now);
      }
      if (this.options.store) this.addKeyDelta(key, 1, fee, anon ? fee : 0);
    }
    let d: Decision = ALLOW;
    if (key !== undefined) d = this.checkKey(key, anon, est, now);
    // Known callers are only spared the shedding; the per-key rules above still apply to them.
    const cls = d !== ALLOW ? 3 : !anon || key === undefined ? 0 : est ? 2 : this.anonClass(key, fp, now);
    this.classN[cls].add(1, now);
    this.mixN[cls].add(1, now);
    if (d === ALLOW && anon) {
      const p = cls === 5 ? this.pOld : cls === 1 || key === undefined ? this.pNew : this.pEst;
      if (p > 0 && this.random() < p) {
        this.counters.shed++;
        d = {
          action: 'shed',
          rule: this.shedRule,
          signal: this.shedRule === 'rate.budget' ? 'budget' : this.defenseSignal(now),
          reason: this.shedRule === 'rate.budget' ? 'projected spend is over the budget; shedding anonymous traffic' : 'abnormal invocation rate; shedding new anonymous callers',
          retryAfterSeconds: SHED_RETRY_AFTER_S,
          status: 503,
        };
      }
    }
    if (d !== ALLOW && this.options.monitor) {
      // Monitor mode: report what would have happened, reject nothing (the handler runs and is recorded).
      d = { ...d, action: 'log', wouldBe: d.action as 'throttle' | 'shed' };
      delete d.status;
      delete d.retryAfterSeconds;
      this.pendingLog = undefined;
    } else if (d !== ALLOW) {
      const would = (info.route !== undefined ? this.routeCost.get(info.route)?.cost : undefined) ?? this.meanCost;
      this.classX[cls].add(would, now);
      this.mixX[cls].add(would, now);
      // A rejected invocation still runs (and bills) for about a millisecond. The fleet-wide buckets
      // and heavy sets count what the caller offered (the cost had it run), so an attack that is being
      // shed still measures as an attack.
      const offered = Math.max(0, would - fee);
      this.spend.add(offered, now);
      this.addSecond(now, 0, offered);
      if (anon) this.anonCostDelta += offered;
      if (key !== undefined) {
        // The sketch and the store weigh what the caller offered, so a throttled attacker keeps looking heavy.
        this.fast.add(key, would, now, anon ? ANON : 0);
        if (this.options.store) this.addKeyDelta(key, 0, offered, anon ? offered : 0);
      }
    } else if (this.pendingLog) {
      d = this.pendingLog;
      this.pendingLog = undefined;
    }
    this.maybeFlush(now);
    return d;
  }

  private checkKey(key: string, anon: boolean, est: boolean, now: number): Decision {
    const blocked = this.callerBlocks.get(key, now);
    if (blocked > 0) return this.throttle('rate.per-caller', 'per-caller', blocked - now, this.perCallerReason());
    if (anon) {
      const ab = this.anomalyBlocks.get(key, now);
      if (ab > 0) {
        // An attacker that keeps calling keeps this instance's local signal alive.
        const sig = this.defenseSignal(now);
        if (sig === 'concentration' && this.signals.has(sig)) this.evidence(sig, now, now);
        return this.throttle('rate.anomaly', sig, ab - now, 'new caller with an abnormal share of spend during an attack');
      }
    }
    if (this.limiter) {
      const r = this.limiter.check(key, now);
      if (!r.allowed) {
        this.raise('per-caller', now, `a caller went over ${this.options.perCaller!.limit} requests per ${this.options.perCaller!.windowMs / 1000} s`, 'instance', key);
        return this.throttle('rate.per-caller', 'per-caller', r.retryAfterMs, this.perCallerReason());
      }
    }
    if (anon && !est && this.budgetSet && this.reqs.value(now) >= EMERGENT_MIN_REQUESTS && this.defenseActive(now, true)) {
      const share = this.totalFast > 0 ? this.fast.guaranteed(key, now) / this.totalFast : 0;
      const since = this.fast.sinceOf(key);
      if (share >= EMERGENT_KEY_SHARE && since !== undefined && since > this.defenseRef(now)) {
        this.blockKey(key, 'rate.anomaly', now + ANOMALY_BLOCK_MS, now);
        return this.throttle('rate.anomaly', this.defenseSignal(now), ANOMALY_BLOCK_MS, 'new caller with an abnormal share of spend during an attack');
      }
    }
    return ALLOW;
  }

  private perCallerReason(): string {
    const pc = this.options.perCaller;
    return pc ? `over ${pc.limit} requests per ${pc.windowMs / 1000} s` : 'over the per-caller limit';
  }

  private throttle(rule: DowRule, signal: DowSignal, retryMs: number, reason: string): Decision {
    this.counters.throttled++;
    return { action: 'throttle', rule, signal, reason, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)), status: 429 };
  }

  private blockKey(key: string, rule: DowBlock['rule'], until: number, now: number): void {
    (rule === 'rate.per-caller' ? this.callerBlocks : this.anomalyBlocks).set(key, until, now);
    if (this.options.store && this.pendingBlocks.length < MAX_BLOCKS_PER_FLUSH) this.pendingBlocks.push({ key, untilMs: until, rule });
  }

  record(info: AdmitInfo, durationMs: number, endedAt?: number): void {
    try {
      const d = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
      const now =
        endedAt !== undefined && Number.isFinite(endedAt) ? endedAt : info.now !== undefined && Number.isFinite(info.now) ? info.now + d : this.clock.now();
      this.advance(now);
      const compute = this.options.cost.compute(d);
      const full = compute + this.options.cost.perRequestUsd;
      this.spend.add(compute, now);
      this.addSecond(now, 0, compute);
      this.meanCost += 0.01 * (full - this.meanCost);
      if (info.route !== undefined) {
        const rc = this.routeCost.get(info.route);
        if (rc !== undefined) rc.cost = rc.cost + 0.05 * (full - rc.cost);
        else if (this.routeCost.size < MAX_ROUTES) this.routeCost.set(info.route, { cost: full });
      }
      const key = info.key;
      if (info.anonymous) {
        this.anonCostDelta += compute;
        this.anonBlock.add(full, COST_CAP * this.meanCost);
      } else this.authBlock.add(full, COST_CAP * this.meanCost);
      let cls: 0 | 1 | 2 | 4 | 5 = 0;
      if (info.anonymous && key !== undefined) {
        const fp = this.fp(key);
        cls = this.isEstablished(key, fp, now) ? 2 : this.anonClass(key, fp, now);
      }
      this.classX[cls].add(full, now);
      this.mixX[cls].add(full, now);
      if (key !== undefined) {
        this.fast.add(key, full, now, info.anonymous ? ANON : 0);
        if (this.options.store) this.addKeyDelta(key, 0, compute, info.anonymous ? compute : 0);
      }
    } catch {
      this.counters.errors++;
    }
  }

  useMemoryMb(memoryMb: number | string | undefined): void {
    try {
      if (memoryMb === undefined || this.options.memorySource === 'option') return;
      const mb = typeof memoryMb === 'number' ? memoryMb : Number(memoryMb);
      if (mb === this.reportedMemoryMb || !(mb >= 64 && mb <= 65536)) return;
      this.reportedMemoryMb = mb;
      this.options.memorySource = 'platform';
      const cost = this.options.cost;
      const step = cost.pricing.memoryStepMb > 0 ? cost.pricing.memoryStepMb : 1;
      if (Math.ceil(mb / step) * step === cost.memoryMb) return;
      // The full pricing (list prices with the user's overrides) carries over; only the memory changes.
      this.options.cost = createCostModel(cost.provider, mb, cost.pricing);
      if (this.counters.invocations <= 1) this.meanCost = this.options.cost.invocation(100);
    } catch {
      this.counters.errors++;
    }
  }

  // ---- established callers -------------------------------------------------------------------------

  /** An anonymous caller that is not established: known or passed (4), persistent new (5) or new (1). */
  private anonClass(key: string, fp: number, now: number): 1 | 4 | 5 {
    if (!this.knownLive) return 1;
    if (this.known.has(fp) || this.passes.get(key, now) > 0) return 4;
    return this.persistent.has(fp) ? 5 : 1;
  }

  /** Established: among the fleet’s heavy anonymous callers 40–100 minutes ago, or a heavy caller here since before the reference time. */
  private isEstablished(key: string, fp: number, now: number): boolean {
    if (this.inEstablished(fp)) return true;
    const since = this.fast.sinceOf(key);
    return since !== undefined && since <= Math.min(this.defenseRef(now), now - ESTABLISHED_AGE_MS);
  }

  // ---- time ----------------------------------------------------------------------------------------

  private addSecond(now: number, count: number, cost: number): void {
    if (!this.options.store) return;
    const t = Math.floor(now / 1000);
    const last = this.pendingSecs[this.pendingSecs.length - 1];
    if (last && last.t >= t) {
      last.count += count;
      last.costNanoUsd += cost * 1e9;
      return;
    }
    if (this.pendingSecs.length >= 180) this.pendingSecs.shift();
    this.pendingSecs.push({ t, count, costNanoUsd: cost * 1e9 });
  }

  private addKeyDelta(key: string, count: number, cost: number, anonCost: number): void {
    const e = this.keyDeltas.get(key);
    if (e) {
      e.count += count;
      e.cost += cost;
      e.anonCost += anonCost;
    } else if (this.keyDeltas.size < MAX_KEYS_PER_FLUSH) {
      this.keyDeltas.set(key, { count, cost, anonCost });
    }
  }

  private advance(now: number): void {
    const sec = Math.floor(now / 1000);
    if (sec <= this.curSec) return;
    if (this.curSec >= 0) this.closeSecond(this.curSec);
    this.curSec = sec;
    this.onSecond(now);
  }

  private closeSecond(sec: number): void {
    // Cost per request, anonymous against authenticated, in blocks (restart after 10 sparse minutes).
    if (this.anonBlock.n === 0 && this.authBlock.n === 0) this.blockStart = sec;
    if (this.anonBlock.n >= COST_BLOCK_MIN && this.authBlock.n >= COST_BLOCK_MIN) {
      this.costSample(Math.log(this.anonBlock.mean() / this.authBlock.mean()), Math.log(this.anonBlock.mean()), sec * 1000);
      this.anonBlock.reset();
      this.authBlock.reset();
    } else if (sec - this.blockStart > 600) {
      this.anonBlock.reset();
      this.authBlock.reset();
    }
  }

  /**
   * One block: `x` = log(anonymous / authenticated mean cost), `a` = log(anonymous mean cost). The
   * CUSUM is fed min(z(x), z(a)): an expensive-request attack raises both; a slow dependency raises
   * only `a` (everyone is slower); a change in authenticated traffic moves only `x`.
   */
  private costSample(x: number, a: number, now: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(a)) return;
    this.costBlocks++;
    const active = this.signals.get('cost-shift');
    if (this.costBlocks > COST_WARMUP_BLOCKS) {
      const z = Math.min(this.ratioBase.z(x, 0.05), this.anonBase.z(a, 0.05), 4);
      this.readings.costZ = z;
      // Corroborated: the extra spend per request must come with new anonymous callers that carry a
      // good part of the spend (the daily mix of signed-in vs anonymous traffic drifts on its own).
      if (this.costCusum.update(z)) {
        this.costCusum.reset();
        if (this.readings.concentrationShare >= COST_SHIFT_CORROBORATION && this.reqs.value(now) >= EMERGENT_MIN_REQUESTS) {
          this.evidence('cost-shift', now, now);
          this.raise('cost-shift', now, `anonymous requests cost ${Math.exp(x).toFixed(1)}× authenticated ones (usually ${Math.exp(this.ratioBase.level).toFixed(1)}×)`, 'instance');
        }
      }
    }
    if (active && now - active.since > MAX_FREEZE_MS) {
      // A lasting change: accept it as the new normal.
      this.ratioBase.reset(x);
      this.anonBase.reset(a);
      this.signals.delete('cost-shift');
      return;
    }
    if (!this.signals.has('cost-shift')) {
      this.ratioBase.learn(x, 60_000);
      this.anonBase.learn(a, 60_000);
    }
  }

  private onSecond(now: number): void {
    this.totalFast = this.fast.total(now);

    // Concentration: new anonymous callers carry most of this instance's recent spend.
    if (this.totalFast > 0) {
      const active = this.signals.get('concentration');
      const after = active ? active.ref : now - 10 * 60_000;
      const share = this.fast.emergentMass(after, now, ANON, EMERGENT_KEY_SHARE * this.totalFast) / this.totalFast;
      this.readings.concentrationShare = share;
      if (share >= CONCENTRATION_SHARE && this.reqs.value(now) >= CONCENTRATION_MIN_REQUESTS) {
        this.evidence('concentration', now, after);
        this.raise('concentration', now, `new anonymous callers carry ${(share * 100).toFixed(0)} % of this instance's recent spend`, 'instance');
      }
    }

    // Usual share of new anonymous callers (not learned during an anomaly), half-life 10 minutes.
    // Outside an anomaly no caller is "known" or "persistent", so classes 4 and 5 are (decaying to) empty and count as new.
    if (!this.defenseActive(now)) {
      const n1 = this.classN[1].value(now) + this.classN[4].value(now) + this.classN[5].value(now);
      const nAll = n1 + this.classN[0].value(now) + this.classN[2].value(now);
      const x1 = this.classX[1].value(now) + this.classX[4].value(now) + this.classX[5].value(now);
      const xAll = x1 + this.classX[0].value(now) + this.classX[2].value(now);
      if (nAll >= 100 && xAll > 0) {
        const a = this.usualNewN < 0 ? 1 : 1 - Math.pow(2, -1 / 600);
        this.usualNewN = this.usualNewN < 0 ? n1 / nAll : this.usualNewN + a * (n1 / nAll - this.usualNewN);
        this.usualNewX = this.usualNewX < 0 ? x1 / xAll : this.usualNewX + a * (x1 / xAll - this.usualNewX);
      }
    }

    // Without a fresh global view: a fleet-wide surge seen shortly before is held (the store may be
    // down because of the attack) for STORE_DOWN_HOLD_MS, with the fleet's last shedding; otherwise
    // budget and shedding go local. An instance that was merely idle (its view went stale between
    // invocations, the store not known to be down) decides locally until its next sync says more, and
    // keeps the surge until then: shedding on minutes-old numbers would hit callers after an attack
    // ended, dropping the surge would let it through if the store turns out to be down.
    const fresh = this.globalFresh(now);
    const recent = this.lastSyncAt !== undefined && now - this.lastSyncAt < STORE_DOWN_HOLD_MS && (this.signals.has('surge') || this.signals.has('cost-surge'));
    const hold = !fresh && recent && !this.storeHealthy;
    const pending = !fresh && recent && this.storeHealthy;
    if (hold) {
      this.pNew = this.globalShed.pNew;
      this.pOld = this.globalShed.pOld;
      this.pEst = this.globalShed.pEst;
      this.shedRule = this.globalShed.rule;
    } else if (!fresh) {
      const localUsdPerHour = this.spend.ratePerSecond(now) * 3600;
      this.updateShedding(now, this.reqs.ratePerSecond(now), localUsdPerHour, localUsdPerHour, 0, 0, false);
    }

    // Expire signals.
    for (const [sig, st] of this.signals) if (st.until <= now && !((hold || pending) && (sig === 'surge' || sig === 'cost-surge'))) this.signals.delete(sig);
    this.updateFreeze(now);
    // Outside an episode the sets are not used. They are kept (not cleared) until an episode with
    // another onset reads its own: an instance left idle past a signal's hold, then woken by the same
    // fleet-wide surge, would otherwise read 10,000 persistent callers again and, meanwhile, count the
    // flood's keys as new callers in the mix it sheds by.
    this.knownLive = this.defenseActive(now, true) && this.knownBefore !== undefined;
  }

  /** The global baseline does not learn during a surge, unless the surge has lasted past MAX_FREEZE_MS. */
  private updateFreeze(now: number): void {
    if (this.global) this.global.frozen = (this.signals.has('surge') || this.signals.has('cost-surge')) && !this.longSurge(now);
  }

  private inEstablished(fp: number): boolean {
    const arr = this.established;
    let lo = 0;
    let hi = arr.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = arr[mid]!;
      if (v === fp) return true;
      if (v < fp) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  // ---- signals, defense, budget ------------------------------------------------------------------

  private evidence(signal: DowSignal, now: number, ref: number, since = now): void {
    const s = this.signals.get(signal);
    if (s) {
      s.until = Math.max(s.until, now + HOLD_MS[signal]);
      if (since < s.since) {
        s.since = since;
        s.ref = Math.min(s.ref, ref);
      }
    } else this.signals.set(signal, { since, until: now + HOLD_MS[signal], ref });
  }

  /** An anomaly is active (`fast`: one of the fast-moving ones, not the slow leech). */
  private defenseActive(now: number, fast = false): boolean {
    for (const [sig, st] of this.signals) if (sig !== 'per-caller' && sig !== 'budget' && !(fast && sig === 'leech') && st.until > now) return true;
    return false;
  }

  private defenseSignal(now: number): DowSignal {
    let best: DowSignal = 'surge';
    let since = Infinity;
    for (const [sig, st] of this.signals) {
      if (sig === 'per-caller' || sig === 'budget' || st.until <= now) continue;
      if (st.since < since) {
        since = st.since;
        best = sig;
      }
    }
    return best;
  }

  /** Callers first seen after this are "new" for the current episode (now when there is none). */
  private defenseRef(now: number): number {
    let ref = now;
    for (const [sig, st] of this.signals) if (sig !== 'per-caller' && sig !== 'budget' && st.until > now) ref = Math.min(ref, st.ref);
    return ref;
  }

  /**
   * Shedding probabilities. `totalPerSecond` and `totalUsdPerHour` are the (global or local) invocation
   * rate and projected spend, counting rejected invocations at what they would have cost. During a surge, new anonymous callers are shed until what is left (after per-key
   * throttling) is back at `countTarget` invocations/s and `costTarget` USD/s (0: no target); within
   * it, recent new callers are admitted before persistent ones. Over the budget, anonymous callers are
   * shed (persistent new ones first, then the other new ones) to hold the budget.
   */
  private updateShedding(
    now: number,
    totalPerSecond: number,
    totalUsdPerHour: number,
    currentUsdPerHour: number,
    countTarget: number,
    costTarget: number,
    global: boolean,
    base?: { perSecond: number; usdPerSecond: number; newShareN: number; newShareX: number },
  ): void {
    const o = this.options;
    const n = this.mixN.map((c) => c.value(now));
    const x = this.mixX.map((c) => c.value(now));
    const allN = n[0]! + n[1]! + n[2]! + n[4]! + n[5]!;
    const allX = x[0]! + x[1]! + x[2]! + x[4]! + x[5]!;
    const totN = allN + n[3]!;
    const totX = allX + x[3]!;
    // What is left once per-key throttling has done its part. Placement does not depend on the key,
    // so this instance's mix stands for the fleet's.
    const effN = totN > 0 ? (totalPerSecond * allN) / totN : totalPerSecond;
    const effX = ((totX > 0 ? (totalUsdPerHour * allX) / totX : totalUsdPerHour)) / 3600;
    // The surge's spend target follows the current spend (the last settled seconds), so the shedding
    // stops when the attack does; the budget follows the smoothed projection.
    const effXNow = ((totX > 0 ? (currentUsdPerHour * allX) / totX : currentUsdPerHour)) / 3600;
    const fNewN = allN > 0 ? n[1]! / allN : 0;
    const fNewX = allX > 0 ? x[1]! / allX : 0;
    const fOldN = allN > 0 ? n[5]! / allN : 0;
    const fOldX = allX > 0 ? x[5]! / allX : 0;
    const fKnownN = allN > 0 ? n[4]! / allN : 0;
    const fKnownX = allX > 0 ? x[4]! / allX : 0;
    // Known callers are shed (over the budget) with the established ones, after the new ones.
    const fEstX = allX > 0 ? (x[2]! + x[4]!) / allX : 0;
    let pNew = 0;
    let pOld = 0;
    let pEst = 0;
    let rule: DowRule = 'rate.anomaly';
    if (this.budgetSet) {
      // Targets are for the callers that were new before the anomaly: their usual share of the
      // baseline, with headroom. Known callers (seen before the onset) were part of that share: they
      // are always admitted and count against the target; callers first seen since share the rest,
      // recent ones first, persistent ones with what the recent ones leave.
      let newN = effN * fNewN;
      let newX = effXNow * fNewX;
      let oldN = effN * fOldN;
      let oldX = effXNow * fOldX;
      let knownN = effN * fKnownN;
      let knownX = effXNow * fKnownX;
      if (base) {
        // New and known callers together cannot exceed what is left of the fleet's current traffic
        // after the usual rest of it: when an attack stops, this drops to their usual share at once,
        // while this instance's mix still remembers the attack for a few half-lives.
        const capN = Math.max(0, effN - base.perSecond * (1 - base.newShareN));
        const capX = Math.max(0, effXNow - base.usdPerSecond * (1 - base.newShareX));
        if (newN + oldN + knownN > capN) {
          const k = capN / (newN + oldN + knownN);
          newN *= k;
          oldN *= k;
          knownN *= k;
        }
        if (newX + oldX + knownX > capX) {
          const k = capX / (newX + oldX + knownX);
          newX *= k;
          oldX *= k;
          knownX *= k;
        }
      }
      const fill = (target: number, known: number, fresh: number, old: number): void => {
        if (target <= 0 || fresh + old + known <= target) return;
        const room = Math.max(0, target - known);
        if (fresh > 0) pNew = Math.max(pNew, 1 - Math.min(1, room / fresh));
        if (old > 0) pOld = Math.max(pOld, 1 - Math.min(1, Math.max(0, room - fresh) / old));
      };
      fill(countTarget, knownN, newN, oldN);
      fill(costTarget, knownX, newX, oldX);
    }
    const offeredUsdPerHour = effX * 3600;
    if (o.usdPerHour !== undefined && offeredUsdPerHour > o.usdPerHour) {
      // Persistent new callers first, then the other new ones, then the rest.
      const need = (offeredUsdPerHour - o.usdPerHour) / offeredUsdPerHour;
      const bOld = fOldX > 0 ? Math.min(1, need / fOldX) : 0;
      const bNew = fNewX > 0 ? Math.max(0, Math.min(1, (need - fOldX) / fNewX)) : 0;
      const bEst = fEstX > 0 ? Math.max(0, Math.min(1, (need - fOldX - fNewX) / fEstX)) : 0;
      if (bNew >= pNew && bOld >= pOld) rule = 'rate.budget';
      pNew = Math.max(pNew, bNew);
      pOld = Math.max(pOld, bOld);
      pEst = bEst;
      this.evidence('budget', now, now);
      this.raise('budget', now, `projected spend $${offeredUsdPerHour.toFixed(2)}/h is over the budget of $${o.usdPerHour}/h; shedding anonymous traffic`, global ? 'global' : 'instance');
    } else if (o.alertUsdPerHour !== undefined && offeredUsdPerHour > o.alertUsdPerHour) {
      this.raise('budget', now, `projected spend $${offeredUsdPerHour.toFixed(2)}/h is over the alert level of $${o.alertUsdPerHour}/h`, global ? 'global' : 'instance');
    }
    // A persistent new caller is never admitted more readily than a recent one.
    pOld = Math.max(pOld, pNew);
    this.offeredUsdPerHour = offeredUsdPerHour;
    this.pNew = pNew;
    this.pOld = pOld;
    this.pEst = pEst;
    this.shedRule = rule;
    if (global) this.globalShed = { pNew, pOld, pEst, rule };
  }

  // ---- alerts --------------------------------------------------------------------------------------

  private raise(signal: DowSignal, now: number, message: string, scope: 'global' | 'instance', key?: string): void {
    const last = this.lastAlert.get(signal);
    if (last !== undefined && now - last < ALERT_COOLDOWN_MS) return;
    this.lastAlert.set(signal, now);
    const rule: DowRule = signal === 'per-caller' ? 'rate.per-caller' : signal === 'budget' ? 'rate.budget' : 'rate.anomaly';
    const alert: DowAlert = {
      rule,
      signal,
      time: now,
      message,
      scope,
      instanceId: this.instanceId,
      projectedUsdPerHour: this.projected(now),
      topCallers: this.topCallers(now, 5).map(({ key: k, share }) => ({ key: k, share })),
    };
    if (key !== undefined) alert.key = key;
    this.pendingLog = { action: 'log', rule, signal, reason: message };
    if (this.options.store && this.storeHealthy) {
      // Claimed through the store so the fleet raises it once; flushed right away.
      this.pendingAlerts.set(signal, alert);
      this.lastFlushAt = Math.min(this.lastFlushAt, now - this.options.flushMs);
    } else this.deliver(alert);
  }

  private deliver(alert: DowAlert): void {
    this.counters.alerts++;
    const cb = this.options.onAlert;
    if (!cb) return;
    try {
      cb(alert);
    } catch {
      // The user's sink is theirs to fix.
    }
  }

  private projected(now: number): number {
    if (this.globalFresh(now)) return this.global!.projectedUsdPerHour;
    return this.spend.ratePerSecond(now) * 3600;
  }

  private topCallers(now: number, n: number): Array<{ key: string; share: number; usd: number }> {
    const total = this.fast.total(now);
    const tauS = FAST_HALF_LIFE_MS / Math.LN2 / 1000;
    return this.fast.top(n, now).map((h) => ({ key: h.key, share: total > 0 ? h.guaranteed / total : 0, usd: h.guaranteed / tauS }));
  }

  // ---- store ---------------------------------------------------------------------------------------

  private maybeFlush(now: number): void {
    if (!this.options.store || this.inFlight || now < this.retryAt) return;
    if (now - this.lastFlushAt < this.options.flushMs) return;
    this.startFlush(now);
  }

  private buildBatch(now: number): DowSyncBatch {
    const keys: DowKeyDelta[] = [];
    for (const [key, d] of this.keyDeltas) keys.push({ key, count: d.count, costNanoUsd: Math.round(d.cost * 1e9), anonCostNanoUsd: Math.round(d.anonCost * 1e9) });
    this.keyDeltas = new Map();
    const anonCostNanoUsd = Math.round(this.anonCostDelta * 1e9);
    this.anonCostDelta = 0;
    const claimEval = now - this.lastEvalClaim >= LEECH_EVERY_MS && !this.evalPending;
    if (claimEval) this.lastEvalClaim = now;
    const readHeavy = this.evalPending;
    this.evalPending = false;
    const seconds = this.pendingSecs.map((b) => ({ t: b.t, count: b.count, costNanoUsd: Math.round(b.costNanoUsd) }));
    this.pendingSecs = [];
    const blocks = this.pendingBlocks;
    this.pendingBlocks = [];
    const slot = Math.floor(now / 1000 / SLOT_SECONDS);
    const surge = this.publishSurge;
    this.publishSurge = undefined;
    // Once per anomaly episode (and again if its onset moves earlier): the callers seen before it.
    const ref = this.defenseActive(now, true) ? this.defenseRef(now) : undefined;
    const knownBefore = ref !== undefined && ref !== this.knownBefore ? ref : undefined;
    // Every flush of an episode (with a budget to shed for), starting with the one that reads the known
    // set: the callers first seen since the onset that have now been around PERSISTENT_AFTER_MS, from
    // where the last read ended.
    let olderFrom: number | undefined;
    if (this.budgetSet) olderFrom = knownBefore ?? (this.knownLive ? this.persistentFrom ?? this.knownBefore : undefined);
    const olderTo = now - PERSISTENT_AFTER_MS;
    const older = olderFrom !== undefined && olderTo >= olderFrom ? { olderFrom, olderTo } : {};
    const passes = this.pendingPasses;
    this.pendingPasses = [];
    return {
      instanceId: this.instanceId,
      nowMs: now,
      seconds,
      keys,
      keyWindowSeconds: this.options.perCaller ? Math.max(1, Math.round(this.options.perCaller.windowMs / 1000)) : 60,
      blocks,
      alerts: [...this.pendingAlerts.keys()],
      alertCooldownMs: ALERT_COOLDOWN_MS,
      readSeconds: READ_SECONDS,
      readTens: this.global!.tensWanted(now),
      anonCostNanoUsd,
      readEstablished: slot !== this.establishedSlot && !this.defenseActive(now),
      claimEval,
      readHeavy,
      ...(surge ? { surge } : {}),
      surgeTtlMs: SURGE_TTL_MS,
      ...(knownBefore !== undefined ? { knownBefore } : {}),
      ...older,
      ...(passes.length > 0 ? { passes } : {}),
      ...(this.knownLive ? { readPasses: true } : {}),
    };
  }

  private startFlush(now: number): void {
    const store = this.options.store!;
    this.lastFlushAt = now;
    const batch = this.buildBatch(now);
    const alerts = this.pendingAlerts;
    this.pendingAlerts = new Map();
    let res: DowSyncResult | Promise<DowSyncResult>;
    try {
      res = store.sync(batch);
    } catch (err) {
      this.onSyncFailure(err, now, alerts);
      return;
    }
    if (res && typeof (res as Promise<DowSyncResult>).then === 'function') {
      this.inFlight = (res as Promise<DowSyncResult>).then(
        (r) => {
          this.inFlight = undefined;
          this.onSyncResult(r, batch, alerts, this.clock.now());
        },
        (err: unknown) => {
          this.inFlight = undefined;
          this.onSyncFailure(err, this.clock.now(), alerts);
        },
      );
    } else {
      this.onSyncResult(res as DowSyncResult, batch, alerts, now);
    }
  }

  private onSyncFailure(err: unknown, now: number, alerts: Map<string, DowAlert>): void {
    this.failures++;
    this.failuresInRow++;
    this.storeHealthy = false;
    this.lastError = err instanceof Error ? err.message : String(err);
    this.retryAt = now + Math.min(30_000, this.options.flushMs * 2 ** Math.min(this.failuresInRow - 1, 4));
    // Nobody can claim them: raise them from here.
    for (const a of alerts.values()) {
      a.scope = 'instance';
      this.deliver(a);
    }
  }

  private onSyncResult(r: DowSyncResult, batch: DowSyncBatch, alerts: Map<string, DowAlert>, now: number): void {
    try {
      this.applySync(r, batch, alerts, now);
    } catch (err) {
      this.counters.errors++;
      this.onSyncFailure(err, now, new Map());
    }
  }

  private applySync(r: DowSyncResult, batch: DowSyncBatch, alerts: Map<string, DowAlert>, now: number): void {
    this.flushes++;
    this.failuresInRow = 0;
    this.storeHealthy = true;
    this.lastSyncAt = now;
    const g = this.global!;
    if (r.surge && now - r.surge.since < MAX_FREEZE_MS) {
      // A surge the fleet already knows about: measure against its pre-attack baseline, do not learn the attack.
      g.adopt(r.surge.basePerSecond, r.surge.baseUsdPerSecond);
      this.usualNewN = r.surge.newShareN;
      this.usualNewX = r.surge.newShareX;
      if (r.surge.kinds & 1) this.evidence('surge', now, r.surge.since - 60_000, r.surge.since);
      if (r.surge.kinds & 2) this.evidence('cost-surge', now, r.surge.since - 60_000, r.surge.since);
    }
    const reading = g.apply(r, now);
    this.readings.surgeRatio = reading.count;
    this.readings.costSurgeRatio = reading.cost;

    for (const id of r.claimed) {
      const a = alerts.get(id);
      if (a) this.deliver(a);
    }
    if (r.established) {
      // A caller blocked right now is not established, however long it has been heavy (a leech).
      const blocked = new Set(r.blocks.map((b) => b.key));
      const keep = r.established.filter((k) => !blocked.has(k));
      const fps = new Uint32Array(keep.length);
      keep.forEach((k, i) => (fps[i] = this.fp(k)));
      fps.sort();
      this.established = fps;
      this.establishedSlot = Math.floor(batch.nowMs / 1000 / SLOT_SECONDS);
    }
    for (const b of r.blocks) {
      if (b.untilMs > now) (b.rule === 'rate.per-caller' ? this.callerBlocks : this.anomalyBlocks).set(b.key, b.untilMs, now);
    }
    if (batch.knownBefore !== undefined) {
      this.known.clear();
      // Bounded twice: the store returns at most KNOWN_SLOTS × KNOWN_PER_SLOT keys, the filter accepts no more.
      if (r.known) for (const k of r.known) if (typeof k === 'string' && !this.known.add(this.fp(k))) break;
      // Persistent callers read for an earlier onset of the same episode stay (they were first seen
      // after this one too); a later onset is another episode: start empty.
      if (this.knownBefore === undefined || batch.knownBefore > this.knownBefore) {
        this.persistent.clear();
        this.passMean = 0;
        this.passSamples = 0;
      }
      this.knownBefore = batch.knownBefore;
      this.persistentFrom = undefined;
    }
    this.knownLive = this.knownBefore !== undefined && this.defenseActive(now, true);
    if (batch.olderFrom !== undefined && r.older && this.knownBefore !== undefined && batch.olderFrom >= this.knownBefore) {
      for (const k of r.older.keys) {
        if (typeof k !== 'string') continue;
        const fp = this.fp(k);
        // Known and established callers keep their class; a full filter refuses the rest (they stay new).
        if (this.known.has(fp) || this.inEstablished(fp)) continue;
        if (!this.persistent.add(fp)) break;
      }
      if (Number.isFinite(r.older.nextMs) && r.older.nextMs >= batch.olderFrom) this.persistentFrom = r.older.nextMs;
    }
    if (r.passes) for (const ps of r.passes) if (typeof ps.key === 'string' && ps.untilMs > now) this.passes.set(ps.key, ps.untilMs, now);
    if (this.knownLive && this.budgetSet) this.sessionPasses(batch, r, now);
    if (r.evalClaimed) {
      // Read the heavy sets on the very next invocation.
      this.evalPending = true;
      this.lastFlushAt = -Infinity;
    }
    if (r.heavy) this.leech(r.heavy, g.originMs, now);

    if (!g.countSurge.warm) {
      this.updateShedding(now, g.perSecond, g.projectedUsdPerHour, g.usdPerSecond * 3600, 0, 0, true);
      this.perKeyGlobal(batch, r, now, 0);
      return;
    }
    const base = g.baselinePerSecond;
    if (reading.count > 0) {
      this.evidence('surge', now, now - 60_000);
      this.raise('surge', now, `invocations ${reading.count.toFixed(1)}× the baseline of ${base.toFixed(1)}/s across the fleet`, 'global');
    }
    if (reading.cost > 0) {
      this.evidence('cost-surge', now, now - 60_000);
      this.raise('cost-surge', now, `spend ${reading.cost.toFixed(1)}× the baseline of $${(g.baselineUsdPerSecond * 3600).toFixed(2)}/h across the fleet`, 'global');
    }
    this.updateFreeze(now);
    if ((reading.count > 0 || reading.cost > 0) && !this.longSurge(now)) {
      const since = Math.min(this.signals.get('surge')?.since ?? Infinity, this.signals.get('cost-surge')?.since ?? Infinity);
      this.publishSurge = {
        since,
        basePerSecond: base,
        baseUsdPerSecond: g.baselineUsdPerSecond,
        kinds: (reading.count > 0 ? 1 : 0) | (reading.cost > 0 ? 2 : 0),
        newShareN: this.usualNewN > 0 ? this.usualNewN : USUAL_NEW_SHARE,
        newShareX: this.usualNewX > 0 ? this.usualNewX : USUAL_NEW_SHARE,
      };
    }
    const usualN = this.usualNewN > 0 ? this.usualNewN : USUAL_NEW_SHARE;
    const usualX = this.usualNewX > 0 ? this.usualNewX : USUAL_NEW_SHARE;
    const countTarget = this.signals.has('surge') ? base * usualN * DEFENSE_HEADROOM : 0;
    const costTarget = this.signals.has('cost-surge') ? g.baselineUsdPerSecond * usualX * DEFENSE_COST_HEADROOM : 0;
    this.updateShedding(now, g.perSecond, g.projectedUsdPerHour, g.usdPerSecond * 3600, countTarget, costTarget, true, {
      perSecond: base,
      usdPerSecond: g.baselineUsdPerSecond,
      newShareN: usualN,
      newShareX: usualX,
    });
    this.perKeyGlobal(batch, r, now, base);
  }

  private passThresholdNow(): number | undefined {
    const t = this.passSamples >= PASS_MIN_SAMPLES ? passThreshold(this.passMean) : Infinity;
    return Number.isFinite(t) ? t : undefined;
  }

  /**
   * Session passes from this batch's fleet-wide counts: learn the new callers' usual count μ, pass the
   * ones far above it. O(batch keys) per flush.
   */
  private sessionPasses(batch: DowSyncBatch, r: DowSyncResult, now: number): void {
    const threshold = this.passThresholdNow() ?? Infinity;
    batch.keys.forEach((k, i) => {
      const c = r.keyCounts[i];
      if (k.anonCostNanoUsd <= 0 || c === undefined || !Number.isFinite(c)) return;
      if (this.callerBlocks.get(k.key, now) > 0 || this.anomalyBlocks.get(k.key, now) > 0) return;
      const fp = this.fp(k.key);
      if (this.inEstablished(fp) || this.known.has(fp)) return;
      const passed = this.passes.get(k.key, now);
      if (passed === 0) {
        // μ from the new callers (during a flood, mostly its keys), one sample per key and flush. Early
        // in an episode their counts are young and μ low; the threshold rises as they age. (Learning μ
        // from persistent callers only, full windows, gave no pass in the first PERSISTENT_AFTER_MS:
        // seed 1, first four floods, 2.35 % of the window's legitimate requests rejected instead of 2.10 %.)
        this.passSamples++;
        this.passMean += (Math.max(0, c - 1) - this.passMean) / Math.min(this.passSamples, 256);
      }
      if (c >= threshold && passed < now + PASS_MS / 2 && this.pendingPasses.length < MAX_PASSES_PER_FLUSH) {
        this.passes.set(k.key, now + PASS_MS, now);
        this.pendingPasses.push({ key: k.key, untilMs: now + PASS_MS });
      }
    });
  }

  /** Fleet-wide leech test on the store's heaviest anonymous callers; blocks the new steady ones during an attack. */
  private leech(heavy: DowHeavySlot[], originMs: number, now: number): void {
    if (originMs <= 0 || now - originMs < LEECH_MIN_HISTORY_MS || this.established.length === 0 || heavy.length < 4) return;
    // (established callers are known only once the store holds 40–100 minutes of history)
    const cur = heavy[0]!;
    const use = now / 1000 - cur.slot * SLOT_SECONDS >= SLOT_SECONDS / 2 ? heavy.slice(0, 3) : heavy.slice(1, 4);
    let total = 0;
    let persistent: Map<string, number> | undefined;
    for (const sl of use) {
      total += sl.totalNanoUsd;
      const next = new Map<string, number>();
      for (const k of sl.keys) {
        if (k.costNanoUsd < LEECH_KEY_SHARE * sl.totalNanoUsd) break;
        if (persistent === undefined || persistent.has(k.key)) next.set(k.key, (persistent?.get(k.key) ?? 0) + k.costNanoUsd);
      }
      persistent = next;
    }
    if (!persistent || total <= 0) return;
    let mass = 0;
    const fresh: string[] = [];
    for (const [k, c] of persistent) {
      if (this.inEstablished(this.fp(k))) continue;
      mass += c;
      fresh.push(k);
    }
    const share = mass / total;
    this.readings.leechShare = share;
    if (this.budgetSet && this.defenseActive(now)) {
      // During an attack: new anonymous callers that carry a large share of recent anonymous spend.
      const recent = new Map<string, number>();
      for (const sl of heavy.slice(0, 2)) for (const k of sl.keys) recent.set(k.key, (recent.get(k.key) ?? 0) + k.costNanoUsd);
      const recentTotal = heavy[0]!.totalNanoUsd + heavy[1]!.totalNanoUsd;
      for (const [k, c] of recent) {
        if (c < EMERGENT_KEY_SHARE * recentTotal) continue;
        if (this.inEstablished(this.fp(k)) || this.anomalyBlocks.get(k, now) > now + 2 * ANOMALY_BLOCK_MS) continue;
        this.blockKey(k, 'rate.anomaly', now + 5 * ANOMALY_BLOCK_MS, now);
      }
    }
    if (share >= LEECH_SHARE) {
      this.evidence('leech', now, now);
      this.raise('leech', now, `${fresh.length} new steady anonymous callers carry ${(share * 100).toFixed(0)} % of anonymous spend across the fleet`, 'global');
      // Renewed well before they run out, so a steady leech stays blocked.
      if (this.budgetSet) for (const k of fresh) if (this.anomalyBlocks.get(k, now) < now + LEECH_BLOCK_MS / 2) this.blockKey(k, 'rate.anomaly', now + LEECH_BLOCK_MS, now);
    }
  }

  private longSurge(now: number): boolean {
    for (const sig of ['surge', 'cost-surge'] as const) {
      const st = this.signals.get(sig);
      if (st && now - st.since > MAX_FREEZE_MS) return true;
    }
    return false;
  }

  /** Global per-key verdicts: over the per-caller limit, or a new anonymous heavy caller during an attack. */
  private perKeyGlobal(batch: DowSyncBatch, r: DowSyncResult, now: number, basePerSecond: number): void {
    const pc = this.options.perCaller;
    const defense = this.budgetSet && this.defenseActive(now);
    const windowS = batch.keyWindowSeconds;
    const emergency = Math.max(20, 0.02 * basePerSecond * windowS);
    batch.keys.forEach((k, i) => {
      const c = r.keyCounts[i] ?? 0;
      if (pc && c > pc.limit) {
        const retry = Math.ceil(((c - pc.limit) * pc.windowMs) / pc.limit);
        if (this.callerBlocks.get(k.key, now) < now + retry) {
          this.blockKey(k.key, 'rate.per-caller', now + retry, now);
          this.raise('per-caller', now, `a caller went over ${pc.limit} requests per ${pc.windowMs / 1000} s across the fleet`, 'global', k.key);
        }
        return;
      }
      if (defense && k.anonCostNanoUsd > 0 && c >= emergency) {
        if (this.isEstablished(k.key, this.fp(k.key), now)) return;
        if (this.anomalyBlocks.get(k.key, now) === 0) this.blockKey(k.key, 'rate.anomaly', now + ANOMALY_BLOCK_MS, now);
      }
    });
  }

  flush(): Promise<void> {
    if (!this.options.store) return Promise.resolve();
    if (!this.inFlight) this.startFlush(this.clock.now());
    return this.settle();
  }

  settle(): Promise<void> {
    const p = this.inFlight;
    if (!p) return Promise.resolve();
    const timeout = this.options.store?.timeoutMs ?? 50;
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeout);
      t.unref();
      p.then(
        () => {
          clearTimeout(t);
          resolve();
        },
        () => {
          clearTimeout(t);
          resolve();
        },
      );
    });
  }

  async close(): Promise<void> {
    await this.settle();
  }

  // ---- stats ---------------------------------------------------------------------------------------

  stateBytes(): number {
    let keyBytes = 0;
    for (const k of this.keyDeltas.keys()) keyBytes += 24 + k.length + 64;
    return (
      (this.limiter?.bytes ?? 0) +
      this.callerBlocks.bytes +
      this.anomalyBlocks.bytes +
      this.passes.bytes +
      this.pendingPasses.length * 96 +
      this.fast.bytes(56) +
      this.known.bytes +
      this.persistent.bytes +
      this.routeCost.size * 96 +
      this.established.byteLength +
      keyBytes +
      this.pendingSecs.length * 48 +
      this.pendingBlocks.length * 96 +
      (this.global ? 16 * 3 * 8 + 256 : 0) +
      1024 // scalars, counters, EWMAs, CUSUMs, signal map
    );
  }

  stats(): DowStats {
    const now = this.clock.now();
    const global = this.globalFresh(now);
    const g = this.global;
    return {
      instanceId: this.instanceId,
      uptimeMs: now - this.createdAt,
      stateBytes: this.stateBytes(),
      cost: { provider: this.options.cost.provider, memoryMb: this.options.cost.memoryMb, memorySource: this.options.memorySource },
      scope: global ? 'global' : 'instance',
      perSecond: global ? g!.perSecond : this.reqs.ratePerSecond(now),
      baselinePerSecond: global ? g!.baselinePerSecond : 0,
      projectedUsdPerHour: this.projected(now),
      offeredUsdPerHour: this.offeredUsdPerHour,
      anomalies: [...this.signals].filter(([, s]) => s.until > now).map(([signal, s]) => ({ signal, since: s.since })),
      shedProbability: { anonymousNew: this.pNew, anonymousPersistent: this.pOld, anonymousEstablished: this.pEst },
      known: { callers: this.knownLive ? this.known.size : 0, before: this.knownLive ? this.knownBefore : undefined, falsePositiveRate: this.known.falsePositiveRate },
      persistent: { callers: this.knownLive ? this.persistent.size : 0, falsePositiveRate: this.persistent.falsePositiveRate },
      passes: { callers: this.knownLive ? this.passes.live(now) : 0, meanCount: this.passMean, threshold: this.knownLive ? this.passThresholdNow() : undefined },
      limiter: this.limiter ? { capacity: this.limiter.capacity, live: this.limiter.live(now), evictions: this.limiter.evictions } : undefined,
      store: {
        configured: this.options.store !== undefined,
        healthy: this.storeHealthy,
        flushes: this.flushes,
        failures: this.failures,
        lastSyncAt: this.lastSyncAt,
        lastError: this.lastError,
      },
      counters: { ...this.counters },
      topCallers: this.topCallers(now, 10),
      detectors: { ...this.readings, costCusum: this.costCusum.s },
    };
  }
}

/**
 * The count (in the per-caller window, this request included) from which a caller is passed when new
 * callers make μ requests each on average: the least t ≥ PASS_MIN_COUNT with P(Poisson(μ) ≥ t − 1) ≤
 * PASS_FALSE_RATE; Infinity when that is above PASS_MAX_COUNT. O(PASS_MAX_COUNT).
 */
export function passThreshold(mu: number): number {
  if (!(mu >= 0) || !Number.isFinite(mu)) return Infinity;
  // P(X ≥ n) = 1 − Σ_{i<n} P(X = i).
  let term = Math.exp(-mu);
  let cdf = term;
  for (let n = 1; n < PASS_MAX_COUNT; n++) {
    // cdf = P(X ≤ n − 1); the tail from n is 1 − cdf.
    if (n + 1 >= PASS_MIN_COUNT && 1 - cdf <= PASS_FALSE_RATE) return n + 1;
    term *= mu / n;
    cdf += term;
  }
  return Infinity;
}

/**
 * Creates the guard. Throws RaspConfigError('RASP_ERR_OPTIONS') for bad options; never throws after.
 * Defaults: detection and alerts on; blocking only where `perCaller` (throttle over the limit) or
 * `budget` (shed over `usdPerHour`; shed/throttle new anonymous callers during a detected attack) is set.
 */
export function createDowGuard(options?: DowOptions, deps: DowGuardDeps = {}): DowGuard {
  const resolved = resolveDowOptions(options, deps.env ?? process.env);
  return new Guard(resolved, deps);
}
