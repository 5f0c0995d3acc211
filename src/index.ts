/**
 * serverless-rasp core: the provider-agnostic engine. Most users import a provider entry instead:
 * `serverless-rasp/aws-lambda`.
 */
export { createEngine, type Engine } from './engine';
export { DEFAULTS, DETECTOR_CLASSES, type EngineOptions, type ProtectOptions, type Exclusion, type Limits, type Mode, type SecurityEvent } from './options';
export { RaspError, RaspConfigError, RequestBlockedError, type RaspErrorCode } from './errors';
export type {
  Action,
  AttackClass,
  Confidence,
  Decoding,
  Detection,
  DetectorClass,
  Finding,
  InputSource,
  InspectionRequest,
  KeyDetector,
  SourceKind,
  StringDetector,
  Verdict,
} from './types';
export {
  guard,
  SinkBlockedError,
  installSinks,
  runWithInvocation,
  currentInvocation,
  createInvocation,
  type SinkFinding,
  type SinkOptions,
  type PolicyOptions,
  type PolicyAction,
  type GuardOptions,
} from './sinks/index';
export { createRedisStore, createMemoryStore, createDowGuard, type DowOptions, type DowStore, type DowAlert, type RedisStoreOptions } from './dow/index';
export { loadVirtualPatches, type VirtualPatchRule } from './patches/index';
