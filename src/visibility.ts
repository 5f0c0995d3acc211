/**
 * Visibility, in one object per protected handler: metrics (EMF, OpenTelemetry, stats),
 * file-integrity monitoring, egress watch and the build-time audit report. `createVisibility`
 * validates and builds everything at cold start (RaspConfigError on a mistake); the adapters' shared
 * runtime calls `record` per decision and `before`/`after` around each handler call.
 *
 * Virtual patches are an engine option (`virtualPatches`, resolved by `resolveVirtualPatches` in
 * resolveOptions and called from the engine's walk); they are not part of this object.
 */
import type { EgressStats, EgressWatch, EgressWatchOptions } from './egress/index';
import type { IntegrityMonitor, IntegrityOptions, IntegrityStats, IntegrityVerdict } from './integrity/index';
import { createMetrics, resolveMetricsOptions, type Decision, type DecisionMeta, type Metrics, type MetricsOptions, type RaspStats } from './metrics/index';
import type { AuditCheck, AuditOptions } from './patches/audit';
import type { Finding } from './types';

// Integrity, egress watch and the audit check are off by default: their modules are required only
// when their option is set (not loading them saves ~1.5 ms of cold start). `undefined` and `false`
// mean off for all three, exactly as their resolve*Options functions decide.
const loadIntegrity = (): typeof import('./integrity/index') => require('./integrity/index') as typeof import('./integrity/index');
const loadEgress = (): typeof import('./egress/index') => require('./egress/index') as typeof import('./egress/index');
const loadAudit = (): typeof import('./patches/audit') => require('./patches/audit') as typeof import('./patches/audit');
const isOff = (v: unknown): boolean => v === undefined || v === false;

/** The option keys this module owns (pass them to resolveOptions as extra keys, or add them to OPTION_KEYS). */
export const VISIBILITY_OPTION_KEYS: readonly string[] = Object.freeze(['metrics', 'integrity', 'egressWatch', 'auditReport']);

/** What ProtectOptions gains. */
export interface VisibilityOptions {
  /** Decision metrics: EMF on Lambda, OpenTelemetry when installed, `getStats()`. Default on; `false`: none of them. */
  metrics?: boolean | MetricsOptions;
  /** File-integrity monitoring of the code directory and /tmp. Default off. */
  integrity?: boolean | IntegrityOptions;
  /** Per-invocation outbound connection records and flags. Default off. */
  egressWatch?: boolean | EgressWatchOptions;
  /** The `npm audit --json` output shipped with the function; loaded flagged packages are reported once. */
  auditReport?: string | AuditOptions;
}

export interface VisibilityStats extends RaspStats {
  integrity?: IntegrityStats;
  egress?: EgressStats;
}

export interface Visibility<M extends DecisionMeta = DecisionMeta> {
  readonly metrics: Metrics | undefined;
  readonly integrity: IntegrityMonitor | undefined;
  readonly egress: EgressWatch | undefined;
  readonly audit: AuditCheck | undefined;
  /** Counts one decision (engine verdict, sink finding). Integrity and audit decisions are counted here already. */
  record(decision: Decision, meta?: DecisionMeta): void;
  /**
   * Before the handler. Returns the integrity verdict (undefined when nothing to report) synchronously
   * on the hot path, or a promise only when a scan is still in flight (then waits for it, bounded).
   * New findings and refusals are reported through `report` and counted; the caller only refuses the
   * invocation when the verdict's action is `block`.
   */
  before(meta?: M): IntegrityVerdict | undefined | Promise<IntegrityVerdict | undefined>;
  /** When the handler settled (in `finally`): schedules the integrity scan when due, writes metrics. */
  after(): void;
  getStats(): VisibilityStats;
  /** Unsubscribes the egress watch (tests). */
  stop(): void;
}

/** Out-of-band findings: integrity (with the invocation's meta) and audit (cold start: meta undefined). */
export type VisibilityReport<M extends DecisionMeta = DecisionMeta> = (action: 'monitor' | 'block', findings: Finding[], meta: M | undefined) => void;

export interface VisibilityContext<M extends DecisionMeta = DecisionMeta> {
  mode: 'block' | 'monitor' | 'off';
  /** Where integrity and audit findings go (the runtime's security-event emitter). Must not throw. */
  report?: VisibilityReport<M>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Validates and builds everything (cold start). Unknown keys are the caller's concern (resolveOptions). */
export function createVisibility<M extends DecisionMeta = DecisionMeta>(options: VisibilityOptions | undefined, ctx: VisibilityContext<M>): Visibility<M> {
  const o = options ?? {};
  const env = ctx.env ?? process.env;
  const metricsOpts = resolveMetricsOptions(o.metrics);
  const integrityMod = isOff(o.integrity) ? undefined : loadIntegrity();
  const egressMod = isOff(o.egressWatch) ? undefined : loadEgress();
  const auditMod = isOff(o.auditReport) ? undefined : loadAudit();
  const integrityOpts = integrityMod?.resolveIntegrityOptions(o.integrity, env);
  const egressOpts = egressMod?.resolveEgressWatchOptions(o.egressWatch, env);
  const auditOpts = auditMod?.resolveAuditOptions(o.auditReport);

  const metrics = metricsOpts === false ? undefined : createMetrics(metricsOpts, env);
  const integrity = integrityOpts === undefined || ctx.mode === 'off' ? undefined : integrityMod!.createIntegrityMonitor(integrityOpts, ctx.mode);
  const egress = egressOpts === undefined || ctx.mode === 'off' ? undefined : egressMod!.createEgressWatch(egressOpts);
  egress?.start();
  const audit = auditOpts === undefined ? undefined : auditMod!.createAuditCheck(auditOpts, ctx.cwd);

  const report = (action: 'monitor' | 'block', findings: Finding[], meta: M | undefined, origin: 'integrity' | 'audit'): void => {
    if (findings.length === 0) return;
    metrics?.record({ action, findings }, { ...meta, origin });
    try {
      ctx.report?.(action, findings, meta);
    } catch {
      // the reporter is the runtime's; a failure there must not change the decision
    }
  };
  const auditNow = (): void => {
    try {
      if (audit !== undefined) report('monitor', audit.check(), undefined, 'audit');
    } catch {
      // best effort
    }
  };
  // Packages loaded at cold start, now; those the handler requires on its first call, after it.
  auditNow();
  let lateAudit = audit !== undefined;

  const seen = (v: IntegrityVerdict | undefined, meta: M | undefined): IntegrityVerdict | undefined => {
    // Fresh findings are reported (monitor or block); a refused invocation is reported as a block.
    if (v !== undefined) report(v.action, v.findings, meta, 'integrity');
    return v;
  };
  const waitAndCheck = async (mon: IntegrityMonitor, meta: M | undefined): Promise<IntegrityVerdict | undefined> => {
    await mon.settled();
    return seen(mon.check(), meta);
  };

  return {
    metrics,
    integrity,
    egress,
    audit,
    record(decision, meta) {
      metrics?.record(decision, meta);
    },
    before(meta) {
      if (integrity === undefined) return undefined;
      if (integrity.busy) return waitAndCheck(integrity, meta);
      const v = integrity.check();
      return v === undefined ? undefined : seen(v, meta);
    },
    after() {
      integrity?.after();
      metrics?.flush();
      if (lateAudit) {
        lateAudit = false;
        setImmediate(auditNow);
      }
    },
    getStats() {
      const s: VisibilityStats = metrics?.stats() ?? {
        since: '',
        invocations: 0,
        decisions: 0,
        allowed: 0,
        monitored: 0,
        blocked: 0,
        errors: 0,
        byClass: {},
        byRule: {},
        byOrigin: {},
        inspection: { count: 0, totalMicros: 0, meanMicros: 0, maxMicros: 0 },
        emfLines: 0,
        otel: false,
      };
      if (integrity !== undefined) s.integrity = integrity.stats();
      if (egress !== undefined) s.egress = egress.stats();
      return s;
    },
    stop() {
      egress?.stop();
    },
  };
}
