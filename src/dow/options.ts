/**
 * `denialOfWallet` options: checked once at creation. An unknown key, a wrong type or a bad value
 * throws RaspConfigError('RASP_ERR_OPTIONS') naming the option and what to write instead.
 */
import { RaspConfigError } from '../errors';
import type { CallerKeyOption } from './caller-key';
import { DEFAULT_MEMORY_MB, PROVIDERS, createCostModel, type CostModel, type Pricing, type Provider } from './cost';
import type { DowStore } from './store';

/** What an alert reports. One alert per signal per cooldown (per fleet with a shared store). */
export interface DowAlert {
  rule: DowRule;
  signal: DowSignal;
  /** ms (the guard's clock). */
  time: number;
  message: string;
  /** `global` when computed from the shared store's fleet-wide view, `instance` when from this instance only. */
  scope: 'global' | 'instance';
  instanceId: string;
  /** The caller concerned, for per-caller alerts. */
  key?: string;
  /** Projected spend (USD per hour) at the time of the alert. */
  projectedUsdPerHour: number;
  /** Heaviest recent callers by cost (this instance's view), heaviest first. */
  topCallers: Array<{ key: string; share: number }>;
}

export type DowRule = 'rate.per-caller' | 'rate.budget' | 'rate.anomaly';

/**
 * - `per-caller`: a caller went over `perCaller`.
 * - `surge`: invocations jumped abruptly against their recent baseline (blast, distributed flood).
 * - `cost-surge`: spend jumped abruptly against its baseline.
 * - `cost-shift`: the cost per invocation shifted up (expensive-request attack), CUSUM.
 * - `concentration`: a few new callers carry most of this instance's spend (few-key blast).
 * - `leech`: new, steady callers carry a growing share of spend (low-and-slow), CUSUM.
 * - `budget`: projected spend passed `budget.alertUsdPerHour` or `budget.usdPerHour`.
 */
export type DowSignal = 'per-caller' | 'surge' | 'cost-surge' | 'cost-shift' | 'concentration' | 'leech' | 'budget';

export interface DowOptions {
  /** Per-caller limit: at most `limit` invocations per `windowSeconds` per key. Over it: 429 + Retry-After. */
  perCaller?: { limit: number; windowSeconds: number; key?: CallerKeyOption };
  /**
   * Spend budget in USD per hour (projected from the recent cost rate). `alertUsdPerHour` raises an
   * alert; `usdPerHour` sheds a share of anonymous traffic to hold spend at the budget, and lets the
   * anomaly detectors shed or throttle new anonymous callers during an attack.
   */
  budget?: { usdPerHour?: number; alertUsdPerHour?: number };
  /** Price overrides (USD), e.g. `{ perGbSecondUsd: 0.0000221 }` for a regional uplift. */
  pricing?: Partial<Pricing>;
  /**
   * Function memory in MB. Lambda: read from the environment at cold start and from
   * `context.memoryLimitInMB` on each invocation, so there is no need to set it. Azure and GCP: set it
   * to the memory you configured (Azure Consumption bills up to 1,536 MB, the default here; Cloud Run
   * functions: the memory limit, default 256 MB here).
   */
  memoryMb?: number;
  /** Price table to use. Default: detected from the environment, else `aws`. */
  provider?: Provider;
  /** Shared state across instances (createRedisStore, createMemoryStore). Without it every instance sees only its own traffic. */
  store?: DowStore;
  /** Called once per alert (per fleet with a store). Errors it throws are swallowed. */
  onAlert?: (alert: DowAlert) => void;
  /** Seconds between store flushes (piggy-backed on invocations). Default 2. */
  flushSeconds?: number;
  /** Decide and report, never reject: throttle/shed decisions come back as `log` with `wouldBe`. Default false. */
  monitor?: boolean;
}

export interface ResolvedDowOptions {
  perCaller: { limit: number; windowMs: number; key: CallerKeyOption } | undefined;
  usdPerHour: number | undefined;
  alertUsdPerHour: number | undefined;
  cost: CostModel;
  /**
   * Where the memory size came from: the `memoryMb` option (never overridden), the environment, the
   * platform default, or the platform per invocation (`guard.useMemoryMb`, Lambda's context).
   */
  memorySource: 'option' | 'environment' | 'default' | 'platform';
  store: DowStore | undefined;
  onAlert: ((alert: DowAlert) => void) | undefined;
  flushMs: number;
  monitor: boolean;
}

const KEYS = ['perCaller', 'budget', 'pricing', 'memoryMb', 'provider', 'store', 'onAlert', 'flushSeconds', 'monitor'];
const PER_CALLER_KEYS = ['limit', 'windowSeconds', 'key'];
const BUDGET_KEYS = ['usdPerHour', 'alertUsdPerHour'];
const PRICING_KEYS: (keyof Pricing)[] = [
  'perRequestUsd',
  'perGbSecondUsd',
  'perVcpuSecondUsd',
  'vcpu',
  'perGhzSecondUsd',
  'ghz',
  'granularityMs',
  'minBilledMs',
  'memoryStepMb',
  'frontDoorPerRequestUsd',
];
const CALLER_KEYS = ['ip', 'user', 'apiKey', 'route'];

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: denialOfWallet${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.slice(0, 40)}"`;
  if (typeof v === 'number') return String(v);
  return typeof v;
}

function unknownKeys(o: Record<string, unknown>, known: readonly string[], where: string, hint: string): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) fail(`${where}: unknown option '${k}'. Known: ${known.join(', ')}.${hint}`);
  }
}

function positiveNumber(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  return fail(`${where} must be a positive number; got ${describe(v)}.`);
}

/** The provider from well-known environment variables, read once. */
export function detectProvider(env: NodeJS.ProcessEnv): Provider {
  if (env.AWS_LAMBDA_FUNCTION_NAME) return process.arch === 'arm64' ? 'aws-arm64' : 'aws';
  if (env.FUNCTIONS_WORKER_RUNTIME || env.WEBSITE_SITE_NAME) return 'azure';
  if (env.FUNCTION_TARGET || env.K_SERVICE) return env.X_GOOGLE_FUNCTION_NAME || env.FUNCTION_NAME ? 'gcp-gen1' : 'gcp';
  return 'aws';
}

function memoryFromEnv(provider: Provider, env: NodeJS.ProcessEnv): number | undefined {
  const raw = provider.startsWith('aws') ? env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE : provider.startsWith('gcp') ? env.FUNCTION_MEMORY_MB : undefined;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function resolveDowOptions(input: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedDowOptions {
  if (input === undefined) input = {};
  if (!isPlainObject(input)) fail(` must be an object like { perCaller: { limit: 100, windowSeconds: 60 } }; got ${describe(input)}.`);
  const o = input;
  unknownKeys(o, KEYS, '', '');

  let perCaller: ResolvedDowOptions['perCaller'];
  if (o.perCaller !== undefined) {
    if (!isPlainObject(o.perCaller)) fail(`.perCaller must be an object like { limit: 100, windowSeconds: 60, key: 'ip' }; got ${describe(o.perCaller)}.`);
    const pc = o.perCaller;
    unknownKeys(pc, PER_CALLER_KEYS, '.perCaller', '');
    if (typeof pc.limit !== 'number' || !Number.isInteger(pc.limit) || pc.limit < 1) fail(`.perCaller.limit must be a positive integer (requests per window); got ${describe(pc.limit)}.`);
    const ws = pc.windowSeconds;
    if (typeof ws !== 'number' || !Number.isFinite(ws) || ws < 1 || ws > 86400) fail(`.perCaller.windowSeconds must be a number of seconds between 1 and 86400; got ${describe(ws)}.`);
    const key = pc.key ?? 'ip';
    if (typeof key !== 'function' && !(typeof key === 'string' && CALLER_KEYS.includes(key))) {
      fail(`.perCaller.key must be 'ip', 'user', 'apiKey', 'route' or a function (request) => string; got ${describe(key)}.`);
    }
    perCaller = { limit: pc.limit, windowMs: ws * 1000, key: key as CallerKeyOption };
  }

  let usdPerHour: number | undefined;
  let alertUsdPerHour: number | undefined;
  if (o.budget !== undefined) {
    if (!isPlainObject(o.budget)) fail(`.budget must be an object like { usdPerHour: 5, alertUsdPerHour: 2 }; got ${describe(o.budget)}.`);
    unknownKeys(o.budget, BUDGET_KEYS, '.budget', ' Amounts are in US dollars per hour.');
    if (o.budget.usdPerHour !== undefined) usdPerHour = positiveNumber(o.budget.usdPerHour, '.budget.usdPerHour');
    if (o.budget.alertUsdPerHour !== undefined) alertUsdPerHour = positiveNumber(o.budget.alertUsdPerHour, '.budget.alertUsdPerHour');
    if (usdPerHour === undefined && alertUsdPerHour === undefined) fail('.budget needs usdPerHour (shed above it) and/or alertUsdPerHour (alert above it).');
    if (usdPerHour !== undefined && alertUsdPerHour !== undefined && alertUsdPerHour > usdPerHour) {
      fail(`.budget.alertUsdPerHour (${alertUsdPerHour}) must not exceed budget.usdPerHour (${usdPerHour}): the alert should come before shedding.`);
    }
  }

  let provider: Provider;
  if (o.provider !== undefined) {
    if (typeof o.provider !== 'string' || !(PROVIDERS as readonly string[]).includes(o.provider)) fail(`.provider must be one of ${PROVIDERS.join(', ')}; got ${describe(o.provider)}.`);
    provider = o.provider as Provider;
  } else provider = detectProvider(env);

  const envMemory = memoryFromEnv(provider, env);
  let memoryMb = envMemory ?? DEFAULT_MEMORY_MB[provider];
  let memorySource: ResolvedDowOptions['memorySource'] = envMemory !== undefined ? 'environment' : 'default';
  if (o.memoryMb !== undefined) {
    if (typeof o.memoryMb !== 'number' || !Number.isFinite(o.memoryMb) || o.memoryMb < 64 || o.memoryMb > 65536) {
      fail(`.memoryMb must be the function's memory in MB (64–65536), e.g. context.memoryLimitInMB; got ${describe(o.memoryMb)}.`);
    }
    memoryMb = o.memoryMb;
    memorySource = 'option';
  }

  const pricing: Partial<Pricing> = {};
  if (o.pricing !== undefined) {
    if (!isPlainObject(o.pricing)) fail(`.pricing must be an object of USD prices like { perGbSecondUsd: 0.0000166667 }; got ${describe(o.pricing)}.`);
    unknownKeys(o.pricing, PRICING_KEYS, '.pricing', '');
    for (const [k, v] of Object.entries(o.pricing)) {
      if (v === undefined && (k === 'vcpu' || k === 'ghz')) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`.pricing.${k} must be a non-negative number; got ${describe(v)}.`);
      (pricing as Record<string, number>)[k] = v;
    }
  }

  let store: DowStore | undefined;
  if (o.store !== undefined) {
    const s = o.store as Partial<DowStore> | null;
    if (s === null || typeof s !== 'object' || typeof s.sync !== 'function') fail('.store must be a store from createRedisStore({ url }) or createMemoryStore().');
    store = s as DowStore;
  }

  let onAlert: ResolvedDowOptions['onAlert'];
  if (o.onAlert !== undefined) {
    if (typeof o.onAlert !== 'function') fail(`.onAlert must be a function (alert) => void; got ${describe(o.onAlert)}.`);
    onAlert = o.onAlert as (alert: DowAlert) => void;
  }

  let flushMs = 2000;
  if (o.flushSeconds !== undefined) {
    if (typeof o.flushSeconds !== 'number' || !Number.isFinite(o.flushSeconds) || o.flushSeconds < 0.5 || o.flushSeconds > 60) {
      fail(`.flushSeconds must be between 0.5 and 60; got ${describe(o.flushSeconds)}.`);
    }
    flushMs = o.flushSeconds * 1000;
  }

  if (o.monitor !== undefined && typeof o.monitor !== 'boolean') fail(`.monitor must be true or false; got ${describe(o.monitor)}.`);

  return { perCaller, usdPerHour, alertUsdPerHour, cost: createCostModel(provider, memoryMb, pricing), memorySource, store, onAlert, flushMs, monitor: o.monitor === true };
}
