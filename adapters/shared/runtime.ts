/**
 * What every adapter shares: the engine built once at cold start, fail-open inspection, and the one
 * security-event format. Adapters only normalize events and shape native responses around this.
 */
import { monotonicNow } from '../../src/clock';
import { createEngineFromResolved, type Engine } from '../../src/engine';
import { resolveOptions, type ResolvedOptions, type SecurityEvent } from '../../src/options';
import { installSinks, SINK_OPTION_KEYS, type InstallOptions, type SinkBlockedError, type SinkFinding, type SinkInstallation } from '../../src/sinks/index';
// What runs per invocation, from the modules that define it rather than through the barrels: a
// name a barrel re-exports compiles to a getter on its exports object (`Object.defineProperty(exports,
// name, { get })`), called on every use; the profile showed them among the wrapper's own costs.
import { createInvocation, runWithInvocation } from '../../src/sinks/context';
import { findSinkBlock } from '../../src/sinks/errors';
import { callerKey, ipKey } from '../../src/dow/caller-key';
import type { Finding, InspectionRequest, Verdict } from '../../src/types';
import type { IntegrityVerdict } from '../../src/integrity/index';
import { createVisibility, VISIBILITY_OPTION_KEYS, type Visibility, type VisibilityOptions } from '../../src/visibility';
// Straight from the modules, not dow/index: that barrel also loads the Redis store and its RESP
// client (net, tls), needed only when a store is configured (measured: ~1 ms of cold start).
import { createDowGuard, type AdmitInfo, type Decision, type DowGuard } from '../../src/dow/guard';
import type { DowOptions } from '../../src/dow/options';

export interface InvocationMeta {
  provider: string;
  functionName: string | undefined;
  requestId: string | undefined;
  trigger: string | undefined;
  sourceIp: string | undefined;
}

export interface Runtime {
  readonly engine: Engine;
  readonly opts: ResolvedOptions;
  /**
   * Inspects and reports. Never throws: a failure inside the library is logged (once per instance)
   * and becomes `allow`, or `block` when the user chose `failClosed`.
   */
  check(req: InspectionRequest, meta: InvocationMeta, startedAt?: number): Verdict;
  /**
   * When the last `check` began (`start`) and its inspection ended (`end`), by monotonicNow(), for
   * an adapter that times the handler after it: read right after `check` returns (the next check
   * overwrites them). `end` is NaN when that check failed or reported a finding (its report is not
   * the handler's time): read the clock then. The inspection's own clock reads, shared: two fewer per
   * invocation (~50 ns each), see Admission.done.
   */
  readonly lastCheck: { readonly start: number; readonly end: number };
  /** Reports a failure of the library outside `check` (e.g. while normalizing an event). */
  fail(err: unknown, meta: InvocationMeta): Verdict;
  /**
   * Runs the user's handler as the current invocation for the sink checks, with `requests` as its
   * untrusted input. Gives the handler's result, or the SinkBlockedError of an operation a sink
   * stopped (even when the handler caught it). Other errors of the handler propagate unchanged.
   * Synchronous when the handler is (a value, a throw), a promise when it returns one: every promise
   * costs, and more where the platform tracks them with async hooks (functions-framework's domains).
   */
  guard<T>(requests: InspectionRequest | readonly InspectionRequest[], meta: InvocationMeta, fn: () => T | Promise<T>): Guarded<T> | Promise<Guarded<T>>;
  /**
   * The same, then `after` on the outcome, or `afterError` on the handler's own error (what the
   * two-argument form rethrows), in the same promise: an adapter that would otherwise chain or await
   * the outcome saves a promise per invocation (~0.1 µs each under the sink checks'
   * AsyncLocalStorage, which hooks every promise). Throws synchronously only what they throw.
   */
  guard<T, R>(
    requests: InspectionRequest | readonly InspectionRequest[],
    meta: InvocationMeta,
    fn: () => T | Promise<T>,
    after: (out: Guarded<T>) => R,
    afterError: (err: unknown) => R,
  ): R | Promise<R>;
  /**
   * Denial-of-wallet admission before an invocation: O(1), never throws, never waits. A `throttle`
   * (429) or `shed` (503) decision is logged here; the adapter answers with `status` and
   * `Retry-After`. `done(durationMs)` accounts the invocation's cost afterwards. `memoryMb`: the
   * function's memory as the platform reports it per invocation (Lambda's `context.memoryLimitInMB`).
   * `at`: monotonicNow() read by the caller just before, which it then passes to `check` as its
   * `startedAt` too: the guard's wall clock is derived from it (see wallAt) instead of a Date.now()
   * of its own. One clock read fewer per invocation (~0.1 µs where the clock is a system call, as on
   * the bench's machine); the inspection's `micros` then include the admission (~0.3 µs).
   */
  admit(req: InspectionRequest, meta: InvocationMeta, http: boolean, memoryMb?: number | string, at?: number): Admission;
  /** The denial-of-wallet guard (stats, flush), when enabled. */
  readonly dow: DowGuard | undefined;
  /** Metrics, integrity, egress watch, audit report (src/visibility.ts). */
  readonly vis: Visibility<InvocationMeta>;
  /**
   * Start of an invocation, before anything else: the integrity verdict to refuse it with (a block
   * verdict; answer it like an engine block), or undefined. A promise only when an integrity scan is
   * still in flight (rare); otherwise synchronous and nearly free.
   */
  begin(meta: InvocationMeta): Verdict | undefined | Promise<Verdict | undefined>;
  /** End of an invocation, in `finally` (also after a block): writes metrics, schedules integrity scans. */
  end(): void;
}

export interface Admission {
  decision: Decision;
  /**
   * Accounts the invocation's cost. `sinceCheckMs`: monotonicNow() at its end minus
   * `lastCheck.start` of its check; the end time is then the admission's wall-clock reading plus
   * that (whole milliseconds, as Date.now() gives them), not a second reading of Date.now(). It can
   * lag one by under a millisecond (the admission's reading is floored) and does not follow a
   * wall-clock step taken during the invocation.
   */
  done(durationMs: number, sinceCheckMs?: number): void;
}

/**
 * The adapters' clock (src/clock.ts: process.uptime() in ms, origin at load): the engine they create reads
 * the same one (createEngineFromResolved), so `at`/`startedAt`, lastCheck and `micros` compare. Not
 * performance.now(), whose first read loads perf_hooks (~12 M instructions on the first invocation).
 */
export { monotonicNow };

const ALLOW_ADMISSION: Admission = { decision: { action: 'allow' }, done: () => undefined };

/** An admission the guard decided: an object with a method rather than a closure per invocation. */
class DowAdmission implements Admission {
  constructor(
    readonly decision: Decision,
    private readonly dow: DowGuard,
    private readonly info: AdmitInfo,
  ) {}

  done(ms: number, sinceCheckMs?: number): void {
    const info = this.info;
    if (sinceCheckMs !== undefined && Number.isFinite(sinceCheckMs) && sinceCheckMs >= 0) this.dow.record(info, ms, info.now! + Math.floor(sinceCheckMs));
    else {
      // The guard reads the clock at the end, as before (`info.now + ms` would leave out the inspection).
      info.now = undefined;
      this.dow.record(info, ms);
    }
  }
}

/**
 * The outcome of a guarded handler call. When a sink blocked an operation, `returned` says whether
 * the handler still finished (it caught the error) and `value` is what it returned then.
 */
function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

export type Guarded<T> = { ok: true; value: T } | { ok: false; blocked: SinkBlockedError; returned: boolean; value?: T };

/** The verdict an adapter answers with when a sink stopped an operation. */
export function sinkVerdict(blocked: SinkBlockedError): Verdict {
  return { action: 'block', status: 403, findings: [blocked.finding], micros: 0 };
}

const INTERNAL: Finding = {
  rule: 'internal.error',
  class: 'protocol',
  confidence: 'high',
  source: 'event',
  path: 'event',
  reason: 'serverless-rasp failed to inspect this invocation and failClosed is set.',
};

export function createRuntime(provider: string, options: unknown, extraKeys: readonly string[] = []): Runtime {
  const opts = resolveOptions(options, [...extraKeys, ...SINK_OPTION_KEYS, 'denialOfWallet', ...VISIBILITY_OPTION_KEYS]);
  const engine = createEngineFromResolved(opts);
  let reportedError = false;

  const emit = (ev: SecurityEvent): void => {
    try {
      opts.log?.(JSON.stringify(ev));
    } catch {
      // A closed stdout must not break the invocation.
    }
    if (opts.onSecurityEvent) {
      try {
        opts.onSecurityEvent(ev);
      } catch {
        // The user's sink is theirs to fix; the decision stands.
      }
    }
  };

  const event = (meta: InvocationMeta, action: SecurityEvent['action'], findings: Finding[], micros?: number): SecurityEvent => {
    const first = findings[0];
    const ev: SecurityEvent = {
      time: new Date().toISOString(),
      type: 'serverless-rasp',
      provider: meta.provider,
      function: meta.functionName,
      requestId: meta.requestId,
      trigger: meta.trigger,
      sourceIp: meta.sourceIp,
      action,
      rule: first?.rule,
      class: first?.class,
      where: first?.path,
      findings,
    };
    if (micros !== undefined) ev.micros = micros;
    return ev;
  };

  const coldStart: InvocationMeta = { provider, functionName: undefined, requestId: undefined, trigger: 'cold-start', sourceIp: undefined };
  // Integrity findings come with the invocation's meta; audit findings (cold start) without.
  const vis = createVisibility<InvocationMeta>(options as VisibilityOptions | undefined, {
    mode: opts.mode,
    report: (action, findings, meta) => emit(event(meta ?? coldStart, action, findings)),
  });

  const fail = (err: unknown, meta: InvocationMeta): Verdict => {
    vis.record({ action: 'error' }, meta);
    if (!reportedError) {
      reportedError = true;
      const ev = event(meta, 'error', []);
      ev.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      emit(ev);
    }
    return opts.failClosed
      ? { action: 'block', status: 403, findings: [INTERNAL], micros: 0 }
      : { action: 'allow', status: 200, findings: [], micros: 0 };
  };

  const sinkEvent = (meta: InvocationMeta, f: SinkFinding): void => {
    emit(event(meta, f.blocked ? 'block' : 'monitor', [f]));
    vis.record({ action: f.blocked ? 'block' : 'monitor', findings: [f] }, { ...meta, origin: f.rule.startsWith('egress.') ? 'egress' : 'sink' });
  };
  const raw = (options ?? {}) as { sinks?: unknown; policies?: unknown };
  // Patching happens once, at cold start; `sinks: false` leaves every built-in untouched and skips
  // the per-invocation context (and its AsyncLocalStorage cost) entirely.
  const sinks: SinkInstallation | undefined =
    opts.mode === 'off' || raw.sinks === false
      ? undefined
      : installSinks({
          sinks: raw.sinks as InstallOptions['sinks'],
          policies: raw.policies as InstallOptions['policies'],
          mode: opts.mode,
          report: (f) => sinkEvent({ provider, functionName: undefined, requestId: undefined, trigger: 'cold-start', sourceIp: undefined }, f),
        });

  // Denial of wallet: detection and logging on by default; blocking only where the user set a limit
  // or a budget (the guard decides that). `denialOfWallet: false` turns it off.
  const rawDow = (raw as { denialOfWallet?: unknown }).denialOfWallet;
  const dow: DowGuard | undefined =
    opts.mode === 'off' || rawDow === false
      ? undefined
      : createDowGuard({
          // Lambda's price table (x86 or arm64) is detected from the environment; Azure and GCP say so.
          ...(provider === 'aws' ? {} : { provider: providerTable(provider) }),
          monitor: opts.mode === 'monitor',
          ...(rawDow as DowOptions | undefined),
        });

  // Wall-clock time (ms) at a monotonicNow() reading: the monotonic reading plus an offset taken
  // from Date.now() at most once a second (and whenever the monotonic clock seems to have gone back),
  // so a wall-clock step is followed within a second, as the guard's one-second buckets are.
  let wallOffset = 0;
  let wallSyncedAt = -Infinity;
  const wallAt = (t: number): number => {
    if (!(t - wallSyncedAt < 1000 && t >= wallSyncedAt)) {
      wallOffset = Date.now() - t;
      wallSyncedAt = t;
    }
    return Math.floor(wallOffset + t);
  };

  const admit = (req: InspectionRequest, meta: InvocationMeta, http: boolean, memoryMb?: number | string, at?: number): Admission => {
    if (dow === undefined) return ALLOW_ADMISSION;
    let info: AdmitInfo;
    let decision: Decision;
    try {
      dow.useMemoryMb(memoryMb);
      // The first header source (a loop: `find` and its closure cost more per invocation).
      let headers: Record<string, string | string[] | undefined> | undefined;
      for (let i = 0; i < req.sources.length; i++) {
        const x = req.sources[i]!;
        if (x.kind === 'header') {
          headers = x.value as Record<string, string | string[] | undefined> | undefined;
          break;
        }
      }
      const route = req.route ?? (req.method !== undefined && req.path !== undefined ? `${req.method} ${req.path}` : undefined);
      const anonymous = !headers || (headers.authorization === undefined && headers['x-api-key'] === undefined);
      // Only HTTP callers have a key and can be throttled or shed; queue and event triggers are
      // counted for cost and anomaly detection only.
      // The default key (the IP) without the request object callerKey takes.
      const keyOption = dow.options.perCaller?.key;
      const key = !http ? undefined : keyOption === undefined || keyOption === 'ip' ? ipKey(req.ip) : callerKey(keyOption, { ip: req.ip, headers, route });
      // The guard's clock is Date.now() (created without deps above): read here, to derive the end
      // time from it (see Admission.done); the guard reads none itself then.
      info = { key, route, anonymous: http && anonymous, now: at !== undefined && Number.isFinite(at) ? wallAt(at) : Date.now() };
      decision = dow.admit(info);
    } catch (err) {
      fail(err, meta);
      return ALLOW_ADMISSION;
    }
    if (decision.action !== 'allow') {
      const f: Finding = {
        rule: decision.rule ?? 'rate',
        class: 'rate',
        confidence: 'high',
        source: 'event',
        path: 'invocation',
        reason: decision.reason ?? 'Invocation rate or spend over its limit.',
      };
      const blocking = decision.action === 'throttle' || decision.action === 'shed';
      // An alert (`log`) is about the traffic as a whole, raised on whichever invocation noticed it:
      // it carries no caller, so the current one is not named in it.
      emit(event(blocking ? meta : { ...meta, sourceIp: undefined }, blocking ? 'block' : 'monitor', [f]));
    }
    return new DowAdmission(decision, dow, info);
  };

  function guard<T>(requests: InspectionRequest | readonly InspectionRequest[], meta: InvocationMeta, fn: () => T | Promise<T>): Guarded<T> | Promise<Guarded<T>>;
  function guard<T, R>(
    requests: InspectionRequest | readonly InspectionRequest[],
    meta: InvocationMeta,
    fn: () => T | Promise<T>,
    after: (out: Guarded<T>) => R,
    afterError: (err: unknown) => R,
  ): R | Promise<R>;
  function guard<T, R>(
    requests: InspectionRequest | readonly InspectionRequest[],
    meta: InvocationMeta,
    fn: () => T | Promise<T>,
    after?: (out: Guarded<T>) => R,
    afterError?: (err: unknown) => R,
  ): Guarded<T> | R | Promise<Guarded<T> | R> {
    // Without sinks there is no context: the handler's value as is, its errors unchanged.
    const ctx =
      sinks === undefined
        ? undefined
        : createInvocation({
            requests,
            mode: opts.mode === 'monitor' ? 'monitor' : 'block',
            policies: sinks.policies,
            requestId: meta.requestId,
            limits: opts.limits,
            report: (f) => sinkEvent(meta, f),
          });
    // With `after`, the outcome goes straight on to it: no second promise, no wrapper closures.
    const settled = (value: T): Guarded<T> | R => {
      const out: Guarded<T> = ctx?.blocked ? { ok: false, blocked: ctx.blocked, returned: true, value } : { ok: true, value };
      return after === undefined ? out : after(out);
    };
    const failed = (err: unknown): Guarded<T> | R => {
      const blocked = ctx === undefined ? undefined : findSinkBlock(err) ?? ctx.blocked;
      if (blocked === undefined) {
        if (afterError === undefined) throw err;
        return afterError(err);
      }
      const out: Guarded<T> = { ok: false, blocked, returned: false };
      return after === undefined ? out : after(out);
    };
    let v: T | Promise<T>;
    try {
      v = ctx === undefined ? fn() : runWithInvocation(ctx, fn);
    } catch (err) {
      return failed(err);
    }
    return isThenable(v) ? Promise.resolve(v).then(settled, failed) : settled(v);
  }

  const lastCheck = { start: NaN, end: NaN };
  const check = (req: InspectionRequest, meta: InvocationMeta, startedAt?: number): Verdict => {
    let verdict: Verdict;
    const t0 = startedAt !== undefined && Number.isFinite(startedAt) ? startedAt : monotonicNow();
    lastCheck.start = t0;
    lastCheck.end = NaN;
    try {
      verdict = engine.inspect(req, t0);
    } catch (err) {
      return fail(err, meta);
    }
    if (verdict.action !== 'allow') emit(event(meta, verdict.action, verdict.findings, verdict.micros));
    // The inspection's end, from its own reading (`micros`, rounded: within half a microsecond).
    else lastCheck.end = t0 + verdict.micros / 1000;
    vis.record(verdict, meta);
    return verdict;
  };

  const refusal = (iv: IntegrityVerdict | undefined): Verdict | undefined =>
    iv !== undefined && iv.action === 'block' ? { action: 'block', status: 403, findings: iv.findings, micros: 0 } : undefined;
  const begin = (meta: InvocationMeta): Verdict | undefined | Promise<Verdict | undefined> => {
    const iv = vis.before(meta);
    return iv instanceof Promise ? iv.then(refusal) : refusal(iv);
  };
  const end = (): void => vis.after();

  return { engine, opts, check, lastCheck, fail, guard, admit, dow, vis, begin, end };
}

function providerTable(provider: string): DowOptions['provider'] {
  return provider === 'azure' ? 'azure' : provider === 'gcp' ? 'gcp' : 'aws';
}

/** The JSON body of a throttled (429) or shed (503) HTTP request. */
export function rateLimitedBody(decision: Decision, requestId: string | undefined): string {
  return JSON.stringify({ error: decision.status === 503 ? 'overloaded' : 'rate_limited', requestId: requestId ?? null });
}

/** The JSON body of a blocked HTTP request: no payload echo, no stack trace. */
export function blockedBody(verdict: Verdict, requestId: string | undefined): string {
  return JSON.stringify(
    verdict.status === 400 ? { error: 'invalid_request', requestId: requestId ?? null } : { error: 'blocked', requestId: requestId ?? null },
  );
}
