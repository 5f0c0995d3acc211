/**
 * Denial-of-wallet protection: per-caller limits, spend budgets and attack detection for cloud
 * functions, with an optional shared store across instances.
 */
export { createDowGuard, type AdmitInfo, type Decision, type DowAction, type DowGuard, type DowGuardDeps, type DowStats } from './guard';
export { callerKey, hashApiKey, type CallerKeyKind, type CallerKeyOption, type CallerRequest } from './caller-key';
export { resolveDowOptions, type DowAlert, type DowOptions, type DowRule, type DowSignal, type ResolvedDowOptions } from './options';
export { createCostModel, LIST_PRICES, DEFAULT_MEMORY_MB, PROVIDERS, type CostModel, type Pricing, type Provider } from './cost';
export { createMemoryStore, type DowStore, type DowSyncBatch, type DowSyncResult, type DowBlock, type DowBucket, type DowKeyDelta, type MemoryStoreOptions } from './store';
export { createRedisStore, type RedisStoreOptions, type RedisDowStore } from './redis-store';
export { RespClient, RespError, RespConnectionError, parseRedisUrl, type RespClientOptions } from './resp';
export { GcraLimiter } from './gcra';
export { DecayedSpaceSaving, type HeavyHitter } from './space-saving';
export { Cusum, Ewma, SurgeDetector } from './change';
export { systemClock, type Clock } from './clock';
