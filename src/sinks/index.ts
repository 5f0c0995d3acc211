/**
 * Runtime self-protection at the sinks, and least-privilege policies. The adapters call
 * `installSinks` once at cold start and run each handler call inside `runWithInvocation`.
 */
export { installSinks, uninstallSinks, resolveSinkOptions, SINK_OPTION_KEYS, type InstallOptions, type SinkOptions, type SinkInstallation, type ResolvedSinkOptions } from './install';
export {
  runWithInvocation,
  currentInvocation,
  createInvocation,
  userInputsFrom,
  Invocation,
  type InvocationInit,
  type UserInput,
  type OperatorInput,
  type SinkMode,
} from './context';
export { SinkBlockedError, findSinkBlock, type SinkFinding } from './errors';
export { resolvePolicies, CREDENTIAL_ENV_VARS, DEFAULT_CREDENTIAL_READERS, type PolicyAction, type PolicyOptions, type ResolvedPolicies } from './policies';
export { guard, type GuardDriver, type GuardOptions } from './guard';
