/**
 * The simulated world: benign traffic with a daily cycle, over-dispersion, sessions from a Zipf
 * population of callers, steady integrations, batch jobs and benign flash crowds; attacks; and a
 * Lambda-like platform (one request per instance at a time, warm instances reused most-recently-freed
 * first, idle instances reclaimed, cold starts, a concurrency cap). Every instance runs its own guard
 * and sees only its own requests; with the shared store the guards sync through an in-process store
 * (same semantics as the Redis store).
 *
 * The parameters below were fixed from the research note (shared/research/dow.md §3.3) before the
 * detectors were calibrated, and are printed with the results. Time is simulated (ms); everything is
 * driven by a seeded generator.
 */
import { createDowGuard, type Decision, type DowGuard } from '../../src/dow/guard';
import { createCostModel, type CostModel, type Provider } from '../../src/dow/cost';
import type { DowAlert, DowOptions } from '../../src/dow/options';
import { createMemoryStore, type DowStore } from '../../src/dow/store';
import { Rng, Zipf } from './rng';

export const WORLD = Object.freeze({
  /** Mean benign invocations per second over a day. */
  meanRps: 30,
  /** Daily sinusoid: rate × (1 + a·sin(2π(h − peak + 6)/24)), peak at 15:00, trough at 03:00. */
  dailyAmplitude: 0.6,
  peakHour: 15,
  /** Multiplicative log-normal AR(1) noise on the rate: σ and correlation time. */
  noiseSigma: 0.2,
  noiseCorrelationS: 900,
  /** Benign callers (IPs): Zipf(1.0) over 1,000,000 keys; the top ranks behave like NAT gateways. */
  users: 1_000_000,
  zipfS: 1.0,
  /** Share of sessions that are authenticated (signed-in users). */
  authShare: 0.6,
  sessionMeanRequests: 8,
  thinkMeanS: 5,
  /** Steady authenticated integrations, rates log-uniform in [0.05, 1] req/s. */
  integrations: 20,
  /** Authenticated batch jobs per day, 0.1–1 req/s for 30–180 min (benign emergent heavy callers). */
  jobsPerDay: 3,
  /** Benign flash crowds per day: session rate × U[3, 6], ramp-up U[2, 15] min, plateau U[10, 30], decay U[10, 40]; 80 % new callers, 30 % of them signed in; 60 % of their requests on one item page. */
  flashPerDay: 1,
  /** Benign latency incidents per day (a slow dependency): every duration × U[1.5, 3] for U[5, 30] min. */
  incidentsPerDay: 0.5,
  /** Deploys per day (every warm instance replaced). */
  deploysPerDay: 1,
  /** Lambda's default account concurrency; the function (memory, durations, prices) is a FunctionProfile. */
  concurrencyCap: 1000,
  coldStartMs: 250,
  idleReclaimMinS: 300,
  idleReclaimMaxS: 900,
});

export const ROUTES = Object.freeze([
  { route: 'GET /items', p: 0.55, medianMs: 60, sigma: 0.5 },
  { route: 'GET /items/{id}', p: 0.25, medianMs: 40, sigma: 0.4 },
  { route: 'POST /orders', p: 0.12, medianMs: 220, sigma: 0.4 },
  { route: 'GET /search', p: 0.07, medianMs: 350, sigma: 0.5 },
  { route: 'GET /report', p: 0.01, medianMs: 1800, sigma: 0.4 },
]);

/** Mean of the route mix's durations (ms): Σ p · median · e^(σ²/2) ≈ 125 ms. */
export const MEAN_DURATION_MS = ROUTES.reduce((s, r) => s + r.p * r.medianMs * Math.exp((r.sigma * r.sigma) / 2), 0);

/**
 * Billed duration of a rejected invocation (ms). The guard answers 429/503 in-process in microseconds;
 * Lambda bills the invoke phase in 1 ms steps, and a trivial Node.js handler reports ≈ 1 ms.
 */
export const REJECT_MS = 1;

/** For the "unseen callers" figure: what the guard's known set covers (see KNOWN_* in src/dow/store.ts). */
const KNOWN_MARGIN_MS = 60_000;
const KNOWN_LOOKBACK_MS = 40 * 60_000;
const ALLOWED: Decision = Object.freeze({ action: 'allow' });

/**
 * The function being attacked: what it costs per invocation. Durations are the route mix's, scaled so
 * its mean is the profile's; the benign traffic and the attacks are the same for every profile.
 */
export interface FunctionProfile {
  id: string;
  title: string;
  provider: Provider;
  memoryMb: number;
  /** Mean duration of the benign route mix (ms). */
  meanMs: number;
  /** Per request in front of the function: API Gateway HTTP API $1.00 per million (first 300 M); a Lambda function URL costs nothing extra. */
  frontDoorPerRequestUsd: number;
  frontDoor: string;
  /** INIT (cold start) billed at the invoke rate: AWS on-demand functions since 1 August 2025. */
  initBilled: boolean;
}

/**
 * Realistic functions (research note §2.4): the simulated web API (the world every scenario runs
 * against), and the note's two worked examples with and without an API Gateway in front. A rejected
 * invocation still pays the request fee, the front door and REJECT_MS of compute, so the share of
 * attack spend any in-function guard can save is bounded per profile (printed as its ceiling).
 */
export const PROFILES: readonly FunctionProfile[] = Object.freeze([
  { id: 'web-512', title: 'web API, 512 MB, route mix (mean 125 ms), Lambda function URL', provider: 'aws', memoryMb: 512, meanMs: MEAN_DURATION_MS, frontDoorPerRequestUsd: 0, frontDoor: 'function URL', initBilled: true },
  { id: '128mb-200ms-apigw', title: '128 MB, mean 200 ms, API Gateway HTTP API (§2.4 example 1)', provider: 'aws', memoryMb: 128, meanMs: 200, frontDoorPerRequestUsd: 1e-6, frontDoor: 'HTTP API', initBilled: true },
  { id: '1gb-1s-apigw', title: '1 GB, mean 1 s, API Gateway HTTP API (§2.4 example 2)', provider: 'aws', memoryMb: 1024, meanMs: 1000, frontDoorPerRequestUsd: 1e-6, frontDoor: 'HTTP API', initBilled: true },
  { id: '1gb-1s-url', title: '1 GB, mean 1 s, Lambda function URL', provider: 'aws', memoryMb: 1024, meanMs: 1000, frontDoorPerRequestUsd: 0, frontDoor: 'function URL', initBilled: true },
] as FunctionProfile[]);

export function profileCost(p: FunctionProfile): CostModel {
  return createCostModel(p.provider, p.memoryMb, { frontDoorPerRequestUsd: p.frontDoorPerRequestUsd });
}

/** Expected benign cost of one invocation under a profile (USD; cold starts and incidents aside). */
export function meanInvocationUsd(p: FunctionProfile): number {
  const c = profileCost(p);
  return c.perRequestUsd + (p.meanMs / 1000) * c.perSecondUsd;
}

export type AttackKind = 'blast' | 'leech' | 'flood' | 'rotation' | 'expensive';

export interface AttackSpec {
  kind: AttackKind;
  startMs: number;
  endMs: number;
  /** Total attack requests per second. */
  rps: number;
  /** Distinct keys in use at once. */
  keys: number;
  /** Requests per key before it is replaced by a fresh one (IP rotation); 0 = never. */
  rotateAfter: number;
  /** Route index every attack request hits, or -1 for the benign mix. */
  route: number;
  /** Human-readable parameters. */
  label: string;
}

export interface FlashSpec {
  startMs: number;
  mult: number;
  rampMs: number;
  plateauMs: number;
  decayMs: number;
}

export interface IncidentSpec {
  startMs: number;
  endMs: number;
  mult: number;
}

export interface JobSpec {
  startMs: number;
  endMs: number;
  rps: number;
  key: string;
}

export interface RunSpec {
  seed: number;
  startMs: number;
  endMs: number;
  /** The operator's configuration; null runs without any guard (the no-defense counterfactual). */
  guard: DowOptions | null;
  /** The function (default PROFILES[0]). */
  profile?: FunctionProfile;
  store: boolean;
  attack?: AttackSpec;
  flashes: FlashSpec[];
  jobs: JobSpec[];
  deploys: number[];
  incidents: IncidentSpec[];
  /** Store outage windows [from, to) (ms), for the failure scenario. */
  storeDown?: Array<[number, number]>;
  /** Count legitimate rejections separately inside this window (the attack window). */
  windowMs?: [number, number];
  /** Called once a simulated minute with the idle instances' guards (diagnostics). */
  probe?: (t: number, guards: DowGuard[]) => void;
  /** Called for every request the platform ran (diagnostics): arrival, start time and the guard's decision. */
  observe?: (a: Readonly<Arrival>, start: number, d: Readonly<Decision>, guard: DowGuard | undefined) => void;
}

export interface AlertRecord {
  time: number;
  signal: string;
  scope: string;
  key: string | undefined;
  message: string;
}

export interface RunResult {
  alerts: AlertRecord[];
  /** Attack requests that arrived (including those the platform throttled at its concurrency cap). */
  attackArrivals: number;
  /** Attack requests that reached an instance. */
  attackRequests: number;
  attackRejected: number;
  /** Spend of the attack's requests (USD): request fee, front door, billed compute (and INIT for the cold starts they caused). */
  attackSpend: number;
  /** Its compute part (GB-s, INIT included): what the function's own code and the guard control. */
  attackCompute: number;
  /** What a perfect in-function guard would pay: every attack request answered in REJECT_MS. */
  attackSpendFloor: number;
  attackComputeFloor: number;
  /** What the attack's admitted-or-not requests would have cost had they all run, in this run (diagnostics). */
  attackSpendOffered: number;
  firstAttackBlockAt: number | undefined;
  legitRequests: number;
  legitRejected: number;
  legitWindowRequests: number;
  legitWindowRejected: number;
  /**
   * Legitimate requests in the window from anonymous callers the fleet had not seen in the 40 minutes
   * before the onset (minus a minute): nothing in their history tells them from a flood's fresh keys.
   */
  legitWindowUnseen: number;
  legitWindowUnseenRejected: number;
  platformThrottled: number;
  instancesCreated: number;
  maxInstances: number;
  maxStateBytes: number;
  storeSyncs: number;
  attackKeys: Set<string>;
  /** Legitimate rejections by rule/signal. */
  legitRejectedBy: Record<string, number>;
  /** Attack requests and rejections per 10 simulated minutes since the attack began. */
  attackTimeline: Array<[number, number]>;
}

interface Instance {
  guard: DowGuard | undefined;
  busyUntil: number;
  freedAt: number;
  reclaimAfterMs: number;
  retired: boolean;
  heapPos: number;
}

interface Session {
  next: number;
  left: number;
  key: string;
  anon: boolean;
  flash: boolean;
}

export interface Arrival {
  t: number;
  key: string;
  anon: boolean;
  route: number;
  attack: boolean;
  /** Duration had it run (ms), drawn on arrival so the stream does not depend on the guard's decisions. */
  dur: number;
}

/** Binary min-heap keyed by a numeric field. */
class Heap<T> {
  private readonly a: T[] = [];
  constructor(private readonly keyOf: (x: T) => number) {}
  get size(): number {
    return this.a.length;
  }
  peek(): T | undefined {
    return this.a[0];
  }
  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    const k = this.keyOf(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keyOf(a[p]!) <= k) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    const k = this.keyOf(last);
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.keyOf(a[r]!) < this.keyOf(a[l]!) ? r : l;
      if (this.keyOf(a[c]!) >= k) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
  clear(): void {
    this.a.length = 0;
  }
}

let zipfCache: Zipf | undefined;
export function zipf(): Zipf {
  zipfCache ??= new Zipf(WORLD.users, WORLD.zipfS);
  return zipfCache;
}

const CUM_ROUTES = (() => {
  const c: number[] = [];
  let acc = 0;
  for (const r of ROUTES) c.push((acc += r.p));
  return c;
})();

function pickRoute(rng: Rng): number {
  const u = rng.uniform();
  for (let i = 0; i < CUM_ROUTES.length; i++) if (u < CUM_ROUTES[i]!) return i;
  return 0;
}

function durationOf(rng: Rng, route: number, scale: number): number {
  const r = ROUTES[route]!;
  return Math.max(1, rng.lognormal(r.medianMs * scale, r.sigma));
}

/** Benign rate multiplier from the daily cycle at time t (ms). */
export function dailyFactor(t: number): number {
  const h = (t / 3600_000) % 24;
  return 1 + WORLD.dailyAmplitude * Math.sin((2 * Math.PI * (h - WORLD.peakHour + 6)) / 24);
}

export function flashFactor(flashes: readonly FlashSpec[], t: number): number {
  let m = 1;
  for (const f of flashes) {
    const x = t - f.startMs;
    if (x < 0) continue;
    let v: number;
    if (x < f.rampMs) v = 1 + ((f.mult - 1) * x) / f.rampMs;
    else if (x < f.rampMs + f.plateauMs) v = f.mult;
    else if (x < f.rampMs + f.plateauMs + f.decayMs) v = f.mult - ((f.mult - 1) * (x - f.rampMs - f.plateauMs)) / f.decayMs;
    else continue;
    m += v - 1;
  }
  return m;
}

/** Benign background events for [start, end): flash crowds, batch jobs, deploys. */
export function drawBackground(rng: Rng, startMs: number, endMs: number, opts: { flashes: boolean; deploys: boolean }): Pick<RunSpec, 'flashes' | 'jobs' | 'deploys' | 'incidents'> {
  const flashes: FlashSpec[] = [];
  const incidents: IncidentSpec[] = [];
  const jobs: JobSpec[] = [];
  const deploys: number[] = [];
  const poissonTimes = (perDay: number): number[] => {
    const out: number[] = [];
    let t = startMs + rng.exp(86400_000 / perDay);
    while (t < endMs) {
      out.push(t);
      t += rng.exp(86400_000 / perDay);
    }
    return out;
  };
  if (opts.flashes) {
    for (const t of poissonTimes(WORLD.flashPerDay)) {
      flashes.push({ startMs: t, mult: rng.between(3, 6), rampMs: rng.between(2, 15) * 60_000, plateauMs: rng.between(10, 30) * 60_000, decayMs: rng.between(10, 40) * 60_000 });
    }
  }
  let j = 0;
  for (const t of poissonTimes(WORLD.jobsPerDay)) {
    jobs.push({ startMs: t, endMs: t + rng.between(30, 180) * 60_000, rps: rng.logUniform(0.1, 1), key: `job-${Math.floor(t)}-${j++}` });
  }
  if (opts.deploys) deploys.push(...poissonTimes(WORLD.deploysPerDay));
  for (const t of poissonTimes(WORLD.incidentsPerDay)) incidents.push({ startMs: t, endMs: t + rng.between(5, 30) * 60_000, mult: rng.between(1.5, 3) });
  return { flashes, jobs, deploys, incidents };
}

/** Runs one simulation. Deterministic for a given spec. */
export function run(spec: RunSpec): RunResult {
  const rng = new Rng(spec.seed);
  const placeRng = rng.fork();
  const attackRng = rng.fork();
  const z = zipf();
  const prof = spec.profile ?? PROFILES[0]!;
  const cost: CostModel = profileCost(prof);
  const scale = prof.meanMs / MEAN_DURATION_MS;
  const initUsd = prof.initBilled ? cost.compute(WORLD.coldStartMs) : 0;
  const rejectUsd = cost.invocation(REJECT_MS);
  const rejectComputeUsd = cost.compute(REJECT_MS);
  let now = spec.startMs;
  const clock = { now: () => now };
  const downs = spec.storeDown ?? [];
  const store: DowStore | undefined = spec.store ? createMemoryStore({ down: (t) => downs.some(([a, b]) => t >= a && t < b) }) : undefined;

  const res: RunResult = {
    alerts: [],
    attackArrivals: 0,
    attackRequests: 0,
    attackRejected: 0,
    attackSpend: 0,
    attackCompute: 0,
    attackSpendFloor: 0,
    attackComputeFloor: 0,
    attackSpendOffered: 0,
    firstAttackBlockAt: undefined,
    legitRequests: 0,
    legitRejected: 0,
    legitWindowRequests: 0,
    legitWindowRejected: 0,
    legitWindowUnseen: 0,
    legitWindowUnseenRejected: 0,
    platformThrottled: 0,
    instancesCreated: 0,
    maxInstances: 0,
    maxStateBytes: 0,
    storeSyncs: 0,
    attackKeys: new Set(),
    legitRejectedBy: {},
    attackTimeline: [],
  };

  // ---- platform --------------------------------------------------------------------------------
  let idle: Instance[] = [];
  let idleHead = 0;
  const busy = new Heap<Instance>((i) => i.busyUntil);
  let live = 0;
  let instSeq = 0;
  const onAlert = (a: DowAlert): void => {
    res.alerts.push({ time: a.time, signal: a.signal, scope: a.scope, key: a.key, message: a.message });
  };
  // The operator configures the function's memory, provider and (behind an API Gateway) the front door's fee.
  const guardOptions: DowOptions | undefined = spec.guard
    ? { ...spec.guard, memoryMb: prof.memoryMb, provider: prof.provider, pricing: { ...spec.guard.pricing, frontDoorPerRequestUsd: prof.frontDoorPerRequestUsd }, onAlert }
    : undefined;
  if (store && guardOptions) guardOptions.store = store;

  const newInstance = (): Instance => {
    instSeq++;
    res.instancesCreated++;
    live++;
    if (live > res.maxInstances) res.maxInstances = live;
    const grng = placeRng.fork();
    const gseed = Math.floor(grng.uniform() * 2 ** 32);
    const guard = guardOptions ? createDowGuard(guardOptions, { clock, random: () => grng.uniform(), instanceId: `sim-${instSeq}`, seed: gseed, env: {} }) : undefined;
    return { guard, busyUntil: 0, freedAt: 0, reclaimAfterMs: placeRng.between(WORLD.idleReclaimMinS, WORLD.idleReclaimMaxS) * 1000, retired: false, heapPos: 0 };
  };

  const release = (t: number): void => {
    for (;;) {
      const top = busy.peek();
      if (!top || top.busyUntil > t) break;
      busy.pop();
      if (top.retired) {
        live--;
        continue;
      }
      top.freedAt = top.busyUntil;
      idle.push(top);
    }
    while (idleHead < idle.length && t - idle[idleHead]!.freedAt > idle[idleHead]!.reclaimAfterMs) {
      idleHead++;
      live--;
    }
    if (idleHead > 1024 && idleHead * 2 > idle.length) {
      idle = idle.slice(idleHead);
      idleHead = 0;
    }
  };

  const deploy = (): void => {
    live -= idle.length - idleHead;
    idle = [];
    idleHead = 0;
    // Busy instances finish their request, then go away.
    const all: Instance[] = [];
    let x: Instance | undefined;
    while ((x = busy.pop())) all.push(x);
    for (const i of all) {
      i.retired = true;
      busy.push(i);
    }
  };

  // ---- benign sources ------------------------------------------------------------------------------
  const sessions = new Heap<Session>((s) => s.next);
  const integ = Array.from({ length: WORLD.integrations }, (_, i) => ({ key: `api-${i}`, rps: rng.logUniform(0.05, 1) }));
  let noise = 0;
  const rho = Math.exp(-10 / WORLD.noiseCorrelationS);
  let flashSeq = 0;
  const deploys = [...spec.deploys].sort((a, b) => a - b);
  let deployIdx = 0;

  // ---- attack ---------------------------------------------------------------------------------------
  const atk = spec.attack;
  let rotSeq = 0;
  const rotKeys: string[] = [];
  const rotUses: number[] = [];
  if (atk) for (let i = 0; i < atk.keys; i++) rotKeys.push(`x-${atk.kind}-${i}`), rotUses.push(0);
  const attackKey = (): string => {
    const i = attackRng.int(atk!.keys);
    if (atk!.rotateAfter > 0 && ++rotUses[i]! > atk!.rotateAfter) {
      rotKeys[i] = `x-${atk!.kind}-r${rotSeq++}`;
      rotUses[i] = 1;
    }
    const k = rotKeys[i]!;
    if (res.attackKeys.size < 200_000) res.attackKeys.add(k);
    return k;
  };

  const arrivals: Arrival[] = [];
  const win = spec.windowMs;
  /** Legitimate anonymous callers' last request before the onset (window runs only; the simulator's own bookkeeping, not the guard's). */
  const lastAnonSeen = new Map<string, number>();

  for (let sec = spec.startMs; sec < spec.endMs; sec += 1000) {
    now = sec;
    if ((sec / 1000) % 10 === 0) noise = rho * noise + Math.sqrt(1 - rho * rho) * WORLD.noiseSigma * rng.normal();
    while (deployIdx < deploys.length && deploys[deployIdx]! <= sec) {
      deploy();
      deployIdx++;
    }
    arrivals.length = 0;
    const base = WORLD.meanRps * dailyFactor(sec) * Math.exp(noise - (WORLD.noiseSigma * WORLD.noiseSigma) / 2);
    const flash = flashFactor(spec.flashes, sec);
    const baseSessions = base / WORLD.sessionMeanRequests;
    // Regular sessions.
    for (let n = rng.poisson(baseSessions); n > 0; n--) {
      const rank = z.sample(rng);
      sessions.push({ next: sec + rng.uniform() * 1000, left: rng.geometric(WORLD.sessionMeanRequests), key: `u${rank}`, anon: rng.uniform() >= WORLD.authShare, flash: false });
    }
    // Flash-crowd sessions: mostly callers never seen before.
    if (flash > 1) {
      for (let n = rng.poisson(baseSessions * (flash - 1)); n > 0; n--) {
        const fresh = rng.uniform() < 0.8;
        const key = fresh ? `f${flashSeq++}` : `u${z.sample(rng)}`;
        const anon = fresh ? rng.uniform() >= 0.3 : rng.uniform() >= WORLD.authShare;
        sessions.push({ next: sec + rng.uniform() * 1000, left: rng.geometric(WORLD.sessionMeanRequests), key, anon, flash: true });
      }
    }
    const end = sec + 1000;
    for (;;) {
      const s = sessions.peek();
      if (!s || s.next >= end) break;
      sessions.pop();
      const route = s.flash && rng.uniform() < 0.6 ? 1 : pickRoute(rng);
      arrivals.push({ t: s.next, key: s.key, anon: s.anon, route, attack: false, dur: durationOf(rng, route, scale) });
      if (--s.left > 0) {
        s.next += rng.exp(WORLD.thinkMeanS * 1000);
        sessions.push(s);
      }
    }
    for (const it of integ) {
      for (let n = rng.poisson(it.rps); n > 0; n--) {
        const t = sec + rng.uniform() * 1000;
        const route = rng.uniform() < 0.8 ? 0 : 1;
        arrivals.push({ t, key: it.key, anon: false, route, attack: false, dur: durationOf(rng, route, scale) });
      }
    }
    for (const j of spec.jobs) {
      if (sec < j.startMs || sec >= j.endMs) continue;
      for (let n = rng.poisson(j.rps); n > 0; n--) {
        const t = sec + rng.uniform() * 1000;
        const route = rng.uniform() < 0.7 ? 0 : 3;
        arrivals.push({ t, key: j.key, anon: false, route, attack: false, dur: durationOf(rng, route, scale) });
      }
    }
    if (atk && sec >= atk.startMs && sec < atk.endMs) {
      for (let n = attackRng.poisson(atk.rps); n > 0; n--) {
        const t = sec + attackRng.uniform() * 1000;
        const key = attackKey();
        const route = atk.route >= 0 ? atk.route : pickRoute(attackRng);
        arrivals.push({ t, key, anon: true, route, attack: true, dur: durationOf(attackRng, route, scale) });
      }
    }
    arrivals.sort((a, b) => a.t - b.t);
    let slow = 1;
    for (const inc of spec.incidents) if (sec >= inc.startMs && sec < inc.endMs) slow = Math.max(slow, inc.mult);

    for (const a of arrivals) {
      now = a.t;
      release(a.t);
      if (a.attack) {
        res.attackArrivals++;
        res.attackSpendFloor += rejectUsd;
        res.attackComputeFloor += rejectComputeUsd;
      }
      let inst: Instance;
      let start = a.t;
      let init = 0;
      if (idle.length > idleHead) inst = idle.pop()!;
      else if (live < WORLD.concurrencyCap) {
        inst = newInstance();
        start += WORLD.coldStartMs;
        init = initUsd;
      } else {
        // Lambda's own 429 is not billed by Lambda; a front door still bills the request.
        res.platformThrottled++;
        if (a.attack) res.attackSpend += cost.pricing.frontDoorPerRequestUsd;
        continue;
      }
      now = start;
      const info = { key: a.key, anonymous: a.anon, route: ROUTES[a.route]!.route, now: start };
      const d: Decision = inst.guard ? inst.guard.admit(info) : ALLOWED;
      const dur = a.dur * slow;
      const rejected = d.action === 'throttle' || d.action === 'shed';
      if (spec.observe) spec.observe(a, start, d, inst.guard);
      const ran = rejected ? REJECT_MS : dur;
      if (!rejected && inst.guard) inst.guard.record(info, dur);
      inst.busyUntil = start + ran;
      busy.push(inst);
      if (a.attack) {
        const slot = Math.floor((start - atk!.startMs) / 600_000);
        while (res.attackTimeline.length <= slot) res.attackTimeline.push([0, 0]);
        res.attackTimeline[slot]![0]++;
        if (rejected) res.attackTimeline[slot]![1]++;
        res.attackRequests++;
        res.attackSpendOffered += cost.invocation(dur) + init;
        res.attackSpend += cost.invocation(ran) + init;
        res.attackCompute += cost.compute(ran) + init;
        if (rejected) {
          res.attackRejected++;
          if (res.firstAttackBlockAt === undefined) res.firstAttackBlockAt = start;
        }
      } else {
        res.legitRequests++;
        if (rejected) {
          res.legitRejected++;
          const why = `${d.action}:${d.rule}/${d.signal}`;
          res.legitRejectedBy[why] = (res.legitRejectedBy[why] ?? 0) + 1;
        }
        if (win && a.anon && start < win[0] - KNOWN_MARGIN_MS) lastAnonSeen.set(a.key, start);
        if (win && start >= win[0] && start < win[1]) {
          res.legitWindowRequests++;
          if (rejected) res.legitWindowRejected++;
          if (a.anon) {
            const seen = lastAnonSeen.get(a.key);
            if (seen === undefined || seen < win[0] - KNOWN_MARGIN_MS - KNOWN_LOOKBACK_MS) {
              res.legitWindowUnseen++;
              if (rejected) res.legitWindowUnseenRejected++;
            }
          }
        }
      }
    }
    // Sample state size once a minute on one live instance.
    if ((sec / 1000) % 60 === 0 && idle.length > idleHead) {
      const g = idle[idle.length - 1]!.guard;
      const b = g ? g.stats().stateBytes : 0;
      if (b > res.maxStateBytes) res.maxStateBytes = b;
      if (spec.probe) spec.probe(sec, idle.slice(idleHead).flatMap((i) => (i.guard ? [i.guard] : [])));
    }
  }
  res.storeSyncs = store ? (store as unknown as { syncs: number }).syncs : 0;
  return res;
}
