/**
 * Every decision counted: CloudWatch Embedded Metric Format (EMF) lines on Lambda, OpenTelemetry span
 * events and instruments when `@opentelemetry/api` is installed (an optional peer, loaded lazily), and
 * an in-memory stats object for `getStats()`.
 *
 * Cost model. `record()` is a handful of integer increments (plus, with OpenTelemetry present, one
 * counter `add` and, for non-allow decisions, one span event). `flush()` builds and writes the EMF
 * line(s) of the invocation: one line with the totals (Invocations, Allowed, Monitored, Blocked,
 * Errors, InspectionTime) and, only when something was found, one line per finding class and one per
 * rule (dimension values are top-level members of an EMF document, so a Class or Rule breakdown needs
 * its own line). Breakdown lines are bounded by `maxBreakdownLines`; extra rules fold into `other`.
 *
 * Lambda freezes the environment when the handler returns: call `flush()` before returning (the
 * adapters do it in their `finally`). With `batch > 1` the totals of up to 100 invocations are held in
 * memory and written together; what is pending when the instance is reclaimed is lost.
 */
import { RaspConfigError } from '../errors';
import type { Finding } from '../types';

export type DecisionAction = 'allow' | 'monitor' | 'block' | 'error';

/** What `record` counts. A `Verdict` is a Decision. */
export interface Decision {
  action: DecisionAction;
  findings?: readonly Finding[];
  /** Inspection time in microseconds (engine verdicts have it; sink findings do not). */
  micros?: number;
}

/** Which layer made the decision. */
export type DecisionOrigin = 'input' | 'sink' | 'integrity' | 'egress' | 'patch' | 'audit';

export interface DecisionMeta {
  provider?: string | undefined;
  functionName?: string | undefined;
  trigger?: string | undefined;
  requestId?: string | undefined;
  /** Default `input` (an engine verdict). */
  origin?: DecisionOrigin;
}

export interface MetricsOptions {
  /**
   * CloudWatch Embedded Metric Format lines: `'auto'` (default) writes them when running on Lambda
   * (AWS_LAMBDA_FUNCTION_NAME is set), `true` always, `false` never.
   */
  emf?: boolean | 'auto';
  /** CloudWatch namespace. Default `ServerlessRasp`. */
  namespace?: string;
  /** Invocations per EMF write, 1 (default) to 100. */
  batch?: number;
  /** Extra dimensions added to every dimension set, e.g. `{ Stage: 'prod' }` (at most 5). */
  dimensions?: Record<string, string>;
  /** Most Class/Rule breakdown lines per flush (default 20). Rules beyond fold into `other`. */
  maxBreakdownLines?: number;
  /** Where EMF lines go. Default: one line on stdout. */
  write?: (line: string) => void;
  /**
   * OpenTelemetry: `'auto'` (default) uses `@opentelemetry/api` when it can be required and something
   * (an SDK) registered an OpenTelemetry global, checked again on each decision until then; `true`
   * loads the API at once; `false` never. Span events go on the active span for monitor/block/error decisions (`spanEvents: 'all'`
   * adds allow); counters and a histogram come from the global meter.
   */
  otel?: boolean | 'auto';
  spanEvents?: 'findings' | 'all';
}

export interface Counts {
  blocked: number;
  monitored: number;
}

/** A snapshot; mutating it changes nothing. */
export interface RaspStats {
  /** When this instance started counting (cold start), ISO 8601. */
  since: string;
  invocations: number;
  decisions: number;
  allowed: number;
  monitored: number;
  blocked: number;
  errors: number;
  byClass: Record<string, Counts>;
  byRule: Record<string, Counts>;
  byOrigin: Partial<Record<DecisionOrigin, Counts & { allowed: number }>>;
  /** Inspection time over decisions that carried one, in microseconds. */
  inspection: { count: number; totalMicros: number; meanMicros: number; maxMicros: number };
  /** EMF lines written so far. */
  emfLines: number;
  /** Whether OpenTelemetry is in use. */
  otel: boolean;
}

export interface Metrics {
  /** Counts one decision. Never throws. */
  record(decision: Decision, meta?: DecisionMeta): void;
  /**
   * Ends an invocation: writes the EMF line(s) when the batch is full (every invocation with
   * `batch: 1`), or now with `force`. Never throws.
   */
  flush(force?: boolean): void;
  /** A snapshot of everything counted since cold start. */
  stats(): RaspStats;
  readonly emf: boolean;
  readonly otel: boolean;
}

/** Keys of `byRule`/`byClass` kept; beyond, counts go to `other` so a flood of rule ids stays bounded. */
const MAX_KEYS = 256;
/** EMF allows at most 100 values per metric per document. */
const MAX_SAMPLES = 100;

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

const METRICS_KEYS = ['emf', 'namespace', 'batch', 'dimensions', 'maxBreakdownLines', 'write', 'otel', 'spanEvents'];

/** Validates the `metrics` option (`true`, `false` or an object). Throws RaspConfigError naming the key. */
export function resolveMetricsOptions(v: unknown): MetricsOptions | false {
  if (v === undefined || v === true) return {};
  if (v === false) return false;
  if (!isPlainObject(v)) fail(`options.metrics must be true, false or an object like { emf: true, batch: 10 }.`);
  for (const k of Object.keys(v)) if (!METRICS_KEYS.includes(k)) fail(`unknown option 'metrics.${k}'. Known: ${METRICS_KEYS.join(', ')}.`);
  const o = v as MetricsOptions & Record<string, unknown>;
  if (o.emf !== undefined && typeof o.emf !== 'boolean' && o.emf !== 'auto') fail(`options.metrics.emf must be true, false or 'auto'.`);
  if (o.otel !== undefined && typeof o.otel !== 'boolean' && o.otel !== 'auto') fail(`options.metrics.otel must be true, false or 'auto'.`);
  if (o.namespace !== undefined && (typeof o.namespace !== 'string' || !/^[A-Za-z0-9._\-/#:]{1,255}$/.test(o.namespace))) {
    fail(`options.metrics.namespace must be a CloudWatch namespace (letters, digits, . _ - / # :), e.g. 'ServerlessRasp'.`);
  }
  if (o.batch !== undefined && (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 100)) fail(`options.metrics.batch must be an integer from 1 to 100.`);
  if (o.maxBreakdownLines !== undefined && (!Number.isInteger(o.maxBreakdownLines) || o.maxBreakdownLines < 0 || o.maxBreakdownLines > 100)) {
    fail(`options.metrics.maxBreakdownLines must be an integer from 0 to 100.`);
  }
  if (o.write !== undefined && typeof o.write !== 'function') fail(`options.metrics.write must be a function (line) => void.`);
  if (o.spanEvents !== undefined && o.spanEvents !== 'findings' && o.spanEvents !== 'all') fail(`options.metrics.spanEvents must be 'findings' or 'all'.`);
  if (o.dimensions !== undefined) {
    if (!isPlainObject(o.dimensions)) fail(`options.metrics.dimensions must be an object of strings, e.g. { Stage: 'prod' }.`);
    const entries = Object.entries(o.dimensions);
    if (entries.length > 5) fail(`options.metrics.dimensions has ${entries.length} entries; at most 5 are allowed.`);
    for (const [k, x] of entries) {
      if (typeof x !== 'string' || x.length === 0 || x.length > 1024) fail(`options.metrics.dimensions.${k} must be a non-empty string.`);
      if (RESERVED.has(k)) fail(`options.metrics.dimensions.${k} clashes with a metric or dimension of the library; rename it.`);
    }
  }
  return { ...o };
}

const RESERVED = new Set(['_aws', 'FunctionName', 'Class', 'Rule', 'Invocations', 'Allowed', 'Monitored', 'Blocked', 'Errors', 'InspectionTime']);

// ---------------------------------------------------------------------------------------------
// OpenTelemetry, through the API package only. Loaded once, lazily; absent means a no-op.

interface OtelSpan {
  addEvent(name: string, attributes?: Record<string, string | number | boolean>): unknown;
  isRecording?(): boolean;
}
interface OtelCounter {
  add(n: number, attributes?: Record<string, string>): void;
}
interface OtelHistogram {
  record(v: number, attributes?: Record<string, string>): void;
}
interface OtelMeter {
  createCounter(name: string, opts?: { description?: string; unit?: string }): OtelCounter;
  createHistogram(name: string, opts?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } }): OtelHistogram;
}
interface OtelApi {
  trace: { getActiveSpan(): OtelSpan | undefined };
  metrics: { getMeterProvider(): object; getMeter(name: string, version?: string): OtelMeter };
}

let otelApi: OtelApi | null | undefined;

/** The key `@opentelemetry/api` 1.x keeps its globals under (set when anything is registered). */
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');

function otelRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[OTEL_GLOBAL] !== undefined;
}

/** `@opentelemetry/api`, or null when it is not installed. */
export function loadOtel(): OtelApi | null {
  if (otelApi === undefined) {
    try {
      otelApi = require('@opentelemetry/api') as OtelApi;
    } catch {
      otelApi = null;
    }
  }
  return otelApi;
}

interface Instruments {
  provider: object;
  decisions: OtelCounter;
  findings: OtelCounter;
  inspection: OtelHistogram;
}

const BUCKETS_US = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 50_000, 250_000];

// ---------------------------------------------------------------------------------------------

interface Pending {
  invocations: number;
  allowed: number;
  monitored: number;
  blocked: number;
  errors: number;
  samples: number[];
  seenSamples: number;
  byClass: Map<string, Counts>;
  byRule: Map<string, Counts & { cls: string }>;
}

function freshPending(): Pending {
  return { invocations: 0, allowed: 0, monitored: 0, blocked: 0, errors: 0, samples: [], seenSamples: 0, byClass: new Map(), byRule: new Map() };
}

/** Empties `p` for reuse (see `flush`). */
function resetPending(p: Pending): void {
  p.invocations = 0;
  p.allowed = 0;
  p.monitored = 0;
  p.blocked = 0;
  p.errors = 0;
  // Nearly always one sample (batch 1: one decision per flush). Setting `length` is a runtime call in
  // V8 (~40 ns per invocation measured); a pop is a few ns. Either way the array is emptied.
  const samples = p.samples;
  if (samples.length === 1) samples.pop();
  else if (samples.length > 0) samples.length = 0;
  p.seenSamples = 0;
  if (p.byClass.size > 0) p.byClass.clear();
  if (p.byRule.size > 0) p.byRule.clear();
}

function bump(map: Map<string, Counts>, key: string, blocked: boolean): void {
  let c = map.get(key);
  if (c === undefined) {
    if (map.size >= MAX_KEYS) key = 'other';
    c = map.get(key);
    if (c === undefined) {
      c = { blocked: 0, monitored: 0 };
      map.set(key, c);
    }
  }
  if (blocked) c.blocked++;
  else c.monitored++;
}

/** The classes and rules of a decision without findings (never written to). */
const NO_NAMES: string[] = [];

/**
 * Creates the counters of one protected handler. `env` is read once, here.
 *
 * @example
 * const metrics = createMetrics({ batch: 1 });
 * metrics.record(verdict, { provider: 'aws', trigger: 'apigw-v2' });
 * metrics.flush(); // one EMF line on stdout
 */
export function createMetrics(options: MetricsOptions = {}, env: NodeJS.ProcessEnv = process.env): Metrics {
  const onLambda = env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.AWS_LAMBDA_FUNCTION_NAME !== '';
  const emf = options.emf === true || ((options.emf ?? 'auto') === 'auto' && onLambda);
  const namespace = options.namespace ?? 'ServerlessRasp';
  const batch = options.batch ?? 1;
  const maxBreakdown = options.maxBreakdownLines ?? 20;
  const extraDims = options.dimensions ?? {};
  const extraDimNames = Object.keys(extraDims);
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const spanAll = options.spanEvents === 'all';
  let functionName: string | undefined = onLambda ? env.AWS_LAMBDA_FUNCTION_NAME : undefined;

  // 'auto' loads `@opentelemetry/api` only once something registered an OpenTelemetry global (an SDK,
  // a context manager): without one every API call is a no-op, and loading the API costs ~1.5 ms of
  // cold start. The check is one symbol lookup per decision until then.
  let api: OtelApi | null | undefined = options.otel === false ? null : options.otel === true || otelRegistered() ? loadOtel() : undefined;
  const otelNow = (): OtelApi | null => {
    if (api === undefined) {
      if (!otelRegistered()) return null;
      api = loadOtel();
    }
    return api;
  };
  let instruments: Instruments | undefined;
  const instrumentsNow = (): Instruments | undefined => {
    if (api === null || api === undefined) return undefined;
    // The application may register its MeterProvider after cold start: follow the global one.
    const provider = api.metrics.getMeterProvider();
    if (instruments === undefined || instruments.provider !== provider) {
      const meter = api.metrics.getMeter('serverless-rasp');
      instruments = {
        provider,
        decisions: meter.createCounter('rasp.decisions', { description: 'Inspection decisions by action', unit: '{decision}' }),
        findings: meter.createCounter('rasp.findings', { description: 'Decisions with a finding, by class and rule', unit: '{decision}' }),
        inspection: meter.createHistogram('rasp.inspection.duration', {
          description: 'Time spent inspecting one invocation or record',
          unit: 'us',
          advice: { explicitBucketBoundaries: BUCKETS_US },
        }),
      };
    }
    return instruments;
  };

  // The time is taken now and formatted on the first stats() call: the first toISOString() of a
  // process costs ~0.2 ms, which cold start need not pay.
  const sinceMs = Date.now();
  let since: string | undefined;
  const totals = { invocations: 0, decisions: 0, allowed: 0, monitored: 0, blocked: 0, errors: 0, emfLines: 0 };
  const inspection = { count: 0, totalMicros: 0, maxMicros: 0 };
  const byClass = new Map<string, Counts>();
  const byRule = new Map<string, Counts>();
  const byOrigin = new Map<DecisionOrigin, Counts & { allowed: number }>();
  let pending = freshPending();
  /**
   * The batch before `pending`, emptied, taken again by the next flush: with the default batch of 1
   * every invocation ends one, and a fresh object, array and two Maps each time were ~50 ns and
   * their garbage. Undefined while a flush writes it (a `write` that ends up flushing again gets a
   * fresh one).
   */
  let spare: Pending | undefined = freshPending();

  const otelRecord = (d: Decision, meta: DecisionMeta | undefined, classes: string[], rules: string[]): void => {
    const ins = instrumentsNow();
    if (ins === undefined || api === null || api === undefined) return;
    const attrs: Record<string, string> = { 'rasp.action': d.action, 'rasp.origin': meta?.origin ?? 'input' };
    if (meta?.provider !== undefined) attrs['rasp.provider'] = meta.provider;
    if (meta?.trigger !== undefined) attrs['rasp.trigger'] = meta.trigger;
    ins.decisions.add(1, attrs);
    if (d.micros !== undefined) ins.inspection.record(d.micros, attrs);
    const findings = d.findings ?? [];
    for (let i = 0; i < rules.length; i++) {
      ins.findings.add(1, { 'rasp.action': d.action, 'rasp.class': classes[i]!, 'rasp.rule': rules[i]! });
    }
    if (d.action === 'allow' && !spanAll) return;
    const span = api.trace.getActiveSpan();
    if (span === undefined || (span.isRecording !== undefined && !span.isRecording())) return;
    const first = findings[0];
    const ev: Record<string, string | number | boolean> = { 'rasp.action': d.action, 'rasp.origin': meta?.origin ?? 'input', 'rasp.findings': findings.length };
    if (first !== undefined) {
      ev['rasp.rule'] = first.rule;
      ev['rasp.class'] = first.class;
      ev['rasp.where'] = first.path;
      if (rules.length > 1) ev['rasp.rules'] = rules.join(',');
    }
    if (d.micros !== undefined) ev['rasp.inspection_us'] = d.micros;
    if (meta?.requestId !== undefined) ev['rasp.request_id'] = meta.requestId;
    span.addEvent('serverless-rasp.decision', ev);
  };

  const record = (d: Decision, meta?: DecisionMeta): void => {
    try {
      if (functionName === undefined && meta?.functionName !== undefined) functionName = meta.functionName;
      totals.decisions++;
      const origin = meta?.origin ?? 'input';
      let o = byOrigin.get(origin);
      if (o === undefined) byOrigin.set(origin, (o = { allowed: 0, monitored: 0, blocked: 0 }));
      switch (d.action) {
        case 'allow':
          totals.allowed++;
          pending.allowed++;
          o.allowed++;
          break;
        case 'monitor':
          totals.monitored++;
          pending.monitored++;
          o.monitored++;
          break;
        case 'block':
          totals.blocked++;
          pending.blocked++;
          o.blocked++;
          break;
        default:
          totals.errors++;
          pending.errors++;
      }
      if (d.micros !== undefined && Number.isFinite(d.micros)) {
        inspection.count++;
        inspection.totalMicros += d.micros;
        if (d.micros > inspection.maxMicros) inspection.maxMicros = d.micros;
        // Reservoir sampling: at most 100 values per EMF document, a fair sample of the batch.
        const n = ++pending.seenSamples;
        if (pending.samples.length < MAX_SAMPLES) pending.samples.push(d.micros);
        else {
          const j = Math.floor(Math.random() * n);
          if (j < MAX_SAMPLES) pending.samples[j] = d.micros;
        }
      }
      const findings = d.findings;
      // Nearly every decision is a clean allow: it shares one empty pair instead of two new arrays.
      let classes = NO_NAMES;
      let rules = NO_NAMES;
      if (findings !== undefined && findings.length > 0 && (d.action === 'block' || d.action === 'monitor')) {
        classes = [];
        rules = [];
        const blocked = d.action === 'block';
        // Each class and rule counts once per decision, however many values it fired on.
        const seenClass = new Set<string>();
        for (const f of findings) {
          if (!seenClass.has(f.class)) {
            seenClass.add(f.class);
            bump(byClass, f.class, blocked);
            bump(pending.byClass, f.class, blocked);
          }
          if (!rules.includes(f.rule)) {
            rules.push(f.rule);
            classes.push(f.class);
            bump(byRule, f.rule, blocked);
            let r = pending.byRule.get(f.rule);
            if (r === undefined) pending.byRule.set(f.rule, (r = { blocked: 0, monitored: 0, cls: f.class }));
            if (blocked) r.blocked++;
            else r.monitored++;
          }
        }
      }
      if (otelNow() !== null) otelRecord(d, meta, classes, rules);
    } catch {
      // Counting must never change a decision.
    }
  };

  const dims = (names: string[]): string[][] => [[...names, ...extraDimNames]];
  const directive = (dimensions: string[][], metrics: Array<{ Name: string; Unit: string }>): object => ({
    Namespace: namespace,
    Dimensions: dimensions,
    Metrics: metrics,
  });
  const COUNT = 'Count';

  const emitLine = (line: string): void => {
    try {
      write(line);
      totals.emfLines++;
    } catch {
      // A closed stdout must not break the invocation.
    }
  };
  const emit = (doc: Record<string, unknown>): void => emitLine(JSON.stringify(doc));

  // The totals line has a fixed shape: its directive and dimension members are serialized once.
  const totalsMetrics = (withTime: boolean): string =>
    JSON.stringify([
      directive(dims(['FunctionName']), [
        ...['Invocations', 'Allowed', 'Monitored', 'Blocked', 'Errors'].map((Name) => ({ Name, Unit: COUNT })),
        ...(withTime ? [{ Name: 'InspectionTime', Unit: 'Microseconds' }] : []),
      ]),
    ]);
  const DIRECTIVE_TIME = totalsMetrics(true);
  const DIRECTIVE_NO_TIME = totalsMetrics(false);
  let baseJson: string | undefined;
  let baseFor: string | undefined;

  const writeEmf = (p: Pending): void => {
    const fn = functionName ?? 'unknown';
    const ts = Date.now();
    if (baseFor !== fn || baseJson === undefined) {
      baseFor = fn;
      baseJson = JSON.stringify({ FunctionName: fn, ...extraDims }).slice(1, -1);
    }
    const time = p.samples.length === 0 ? '' : `,"InspectionTime":${p.samples.length === 1 ? p.samples[0] : `[${p.samples.join(',')}]`}`;
    emitLine(
      `{"_aws":{"Timestamp":${ts},"CloudWatchMetrics":${p.samples.length > 0 ? DIRECTIVE_TIME : DIRECTIVE_NO_TIME}},${baseJson},"Invocations":${p.invocations},"Allowed":${p.allowed},"Monitored":${p.monitored},"Blocked":${p.blocked},"Errors":${p.errors}${time}}`,
    );
    if (p.byClass.size === 0) return;
    writeBreakdown(p, ts, { FunctionName: fn, ...extraDims });
  };

  const writeBreakdown = (p: Pending, ts: number, base: Record<string, string>): void => {
    let budget = maxBreakdown;
    const counted = [
      { Name: 'Blocked', Unit: COUNT },
      { Name: 'Monitored', Unit: COUNT },
    ];
    for (const [cls, c] of p.byClass) {
      if (budget-- <= 0) break;
      emit({ _aws: { Timestamp: ts, CloudWatchMetrics: [directive(dims(['FunctionName', 'Class']), counted)] }, ...base, Class: cls, Blocked: c.blocked, Monitored: c.monitored });
    }
    if (budget <= 0) return;
    // Most frequent rules first; the rest fold into one `other` line.
    const rules = [...p.byRule.entries()].sort((a, b) => b[1].blocked + b[1].monitored - (a[1].blocked + a[1].monitored));
    const shown = rules.length > budget ? rules.slice(0, budget - 1) : rules;
    const rest = rules.slice(shown.length);
    for (const [rule, c] of shown) {
      emit({ _aws: { Timestamp: ts, CloudWatchMetrics: [directive(dims(['FunctionName', 'Rule']), counted)] }, ...base, Rule: rule, Class: c.cls, Blocked: c.blocked, Monitored: c.monitored });
    }
    if (rest.length > 0) {
      const b = rest.reduce((s, [, c]) => s + c.blocked, 0);
      const m = rest.reduce((s, [, c]) => s + c.monitored, 0);
      emit({ _aws: { Timestamp: ts, CloudWatchMetrics: [directive(dims(['FunctionName', 'Rule']), counted)] }, ...base, Rule: 'other', Blocked: b, Monitored: m });
    }
  };

  const flush = (force = false): void => {
    try {
      if (!force) {
        totals.invocations++;
        pending.invocations++;
        if (pending.invocations < batch && pending.samples.length < MAX_SAMPLES) return;
      }
      const p = pending;
      pending = spare ?? freshPending();
      spare = undefined;
      if (emf && !(p.invocations === 0 && p.allowed + p.monitored + p.blocked + p.errors === 0)) writeEmf(p);
      resetPending(p);
      spare = p;
    } catch {
      // never throws
    }
  };

  const stats = (): RaspStats => {
    const obj = <T>(m: Map<string, T>): Record<string, T> => {
      const out: Record<string, T> = {};
      for (const [k, v] of m) out[k] = { ...v };
      return out;
    };
    const origins: RaspStats['byOrigin'] = {};
    for (const [k, v] of byOrigin) origins[k] = { ...v };
    return {
      since: (since ??= new Date(sinceMs).toISOString()),
      invocations: totals.invocations,
      decisions: totals.decisions,
      allowed: totals.allowed,
      monitored: totals.monitored,
      blocked: totals.blocked,
      errors: totals.errors,
      byClass: obj(byClass),
      byRule: obj(byRule),
      byOrigin: origins,
      inspection: {
        count: inspection.count,
        totalMicros: inspection.totalMicros,
        meanMicros: inspection.count === 0 ? 0 : Math.round((inspection.totalMicros / inspection.count) * 10) / 10,
        maxMicros: inspection.maxMicros,
      },
      emfLines: totals.emfLines,
      otel: otelNow() !== null,
    };
  };

  return {
    record,
    flush,
    stats,
    emf,
    get otel() {
      return otelNow() !== null;
    },
  };
}
