/**
 * Denial-of-wallet protection: per-caller limits, spend budgets and attack detection for cloud
 * functions, with an optional store shared by the instances.
 *
 *   import { createDowGuard, createRedisStore, callerKey } from 'serverless-rasp';
 *   const guard = createDowGuard({
 *     perCaller: { limit: 600, windowSeconds: 60, key: 'ip' },      // 429 + Retry-After above it
 *     budget: { alertUsdPerHour: 2, usdPerHour: 5 },                // alert; shed anonymous traffic above
 *     store: createRedisStore({ url: process.env.REDIS_URL! }),     // optional: fleet-wide view
 *     onAlert: (a) => console.log(JSON.stringify(a)),
 *   });
 *   // per invocation
 *   const info = { key: callerKey('ip', { ip, headers, claims, route }), route, anonymous: !claims };
 *   const d = guard.admit(info);            // synchronous, O(1), never throws, never waits on the store
 *   if (d.action === 'throttle' || d.action === 'shed') return reply(d.status, { 'retry-after': d.retryAfterSeconds });
 *   const t0 = performance.now();
 *   try { return await handler(event) } finally { guard.record(info, performance.now() - t0) }
 *
 * Defaults: detection and alerts always on; nothing is rejected unless `perCaller` (throttle callers
 * over it) or `budget.usdPerHour` (shed anonymous traffic to hold it, and shed/throttle new anonymous
 * callers during a detected attack) is set.
 */
export { createDowGuard, type AdmitInfo, type Decision, type DowAction, type DowGuard, type DowGuardDeps, type DowStats } from './guard';
export { callerKey, hashApiKey, MAX_KEY_LENGTH, type CallerKeyKind, type CallerKeyOption, type CallerRequest } from './caller-key';
export { resolveDowOptions, detectProvider, type DowAlert, type DowOptions, type DowRule, type DowSignal, type ResolvedDowOptions } from './options';
export { createCostModel, LIST_PRICES, DEFAULT_MEMORY_MB, PROVIDERS, type CostModel, type Pricing, type Provider } from './cost';
export {
  createMemoryStore,
  type DowStore,
  type DowSyncBatch,
  type DowSyncResult,
  type DowBlock,
  type DowBlockRule,
  type DowBucket,
  type DowHeavySlot,
  type DowKeyDelta,
  type DowSurgeRecord,
  type MemoryStoreOptions,
} from './store';
export { createRedisStore, type RedisStoreOptions, type RedisDowStore } from './redis-store';
export { RespClient, RespError, RespConnectionError, parseRedisUrl, type RespClientOptions } from './resp';
export { GcraLimiter, type GcraResult } from './gcra';
export { ExpiringTable } from './table';
export { DecayedSpaceSaving, type HeavyHitter } from './space-saving';
export { Cusum, Ewma, SurgeDetector, UpShiftBaseline, type SurgeOptions } from './change';
export { systemClock, type Clock } from './clock';
