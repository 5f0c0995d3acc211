/**
 * The invocation context the sinks read: which strings (and operator objects) came from the current
 * invocation's untrusted input, whether to block or only report, where to report, and which
 * least-privilege policies apply. It travels with the handler's async tree through AsyncLocalStorage,
 * so a sink called anywhere below the handler (callbacks, promises, timers, streams) sees it.
 *
 * Inputs are collected lazily, on the first sink call that needs them: an invocation that never
 * reaches a sink pays one object allocation. Collection decodes exactly as the engine does (body by
 * content type, base64, JSON-looking strings parsed, percent/entity/escape decoding) and is bounded by
 * the engine's limits, so a string the engine inspected is a string the sinks know.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { decodePayload, looksLikeJson } from '../body';
import { deepDecode } from '../decode';
import { DEFAULTS, type Limits } from '../options';
import { appendSegment } from '../paths';
import type { InspectionRequest, SourceKind } from '../types';
import { SinkBlockedError, type SinkFinding } from './errors';
import type { ResolvedPolicies } from './policies';

/** One untrusted string of the invocation, with where it came from. */
export interface UserInput {
  value: string;
  source: SourceKind;
  /** JSON path, e.g. `body.name`, `query.file`, `records[2].body.cmd`, `headers.x-host`. */
  path: string;
}

/** An object from the input that has a `$` key (`{ "$ne": null }`): what a NoSQL injection is made of. */
export interface OperatorInput {
  value: Record<string, unknown>;
  source: SourceKind;
  path: string;
}

export type SinkMode = 'block' | 'monitor';

export interface InvocationInit {
  /** The engine requests of this invocation (one, or one per batch record the handler will see). */
  requests?: InspectionRequest | readonly InspectionRequest[];
  /** Inputs collected already (tests, custom adapters). Used instead of `requests` when given. */
  inputs?: readonly UserInput[];
  /** `block` (default) stops operations; `monitor` only reports them. */
  mode?: SinkMode;
  /** Called with every sink or policy finding of this invocation (after deduplication). Must not throw. */
  report?: (finding: SinkFinding) => void;
  /** Least-privilege policies; undefined means the ones given to installSinks. */
  policies?: ResolvedPolicies;
  requestId?: string;
  /** Caps on collection; the engine's defaults when omitted. */
  limits?: Partial<Limits>;
}

/** Most findings reported per invocation: a loop of blocked calls must not flood the logs. */
const MAX_REPORTS = 32;
/** Most operator objects kept per invocation. */
const MAX_OPERATORS = 256;

export class Invocation {
  readonly mode: SinkMode;
  readonly report: ((finding: SinkFinding) => void) | undefined;
  readonly policies: ResolvedPolicies | undefined;
  readonly requestId: string | undefined;
  /** The first operation this invocation blocked, even if the handler caught the error. */
  blocked: SinkBlockedError | undefined;
  /** Every finding reported in this invocation (bounded). */
  readonly findings: SinkFinding[] = [];
  private collected: Collected | undefined;
  private readonly init: InvocationInit;
  /** Dedupe keys of the findings raised; made on the first one (most invocations raise none). */
  private seen: Set<string> | undefined;

  constructor(init: InvocationInit = {}) {
    this.init = init;
    this.mode = init.mode ?? 'block';
    this.report = init.report;
    this.policies = init.policies;
    this.requestId = init.requestId;
  }

  private get data(): Collected {
    if (this.collected === undefined) {
      this.collected = this.init.inputs !== undefined ? fromList(this.init.inputs) : collect(this.init.requests, this.init.limits);
    }
    return this.collected;
  }

  /** Every untrusted string (values, keys, decoded variants), deduplicated, longest caps applied. */
  get inputs(): readonly UserInput[] {
    return this.data.inputs;
  }

  /** Lower-cased values, index-aligned with `inputs`. */
  get lowered(): readonly string[] {
    const d = this.data;
    if (d.lowered === undefined) d.lowered = d.inputs.map((i) => i.value.toLowerCase());
    return d.lowered;
  }

  get operators(): readonly OperatorInput[] {
    return this.data.operators;
  }

  /** Whether the collection stopped at a limit (the engine reports and blocks that on its own). */
  get truncated(): boolean {
    return this.data.truncated;
  }

  /**
   * Records a finding, reports it once per rule/operation/target, and throws SinkBlockedError when
   * `action` is `block` and the mode is `block`. The finding's `blocked` is set accordingly.
   */
  raise(finding: Omit<SinkFinding, 'blocked'>, action: 'block' | 'alert'): void {
    raise(this, finding, action);
  }

  /** Caches a value derived from the inputs (e.g. the path-relevant subset) for this invocation. */
  memo<T>(key: string, compute: () => T): T {
    const m = (this.memos ??= new Map<string, unknown>());
    if (m.has(key)) return m.get(key) as T;
    const v = compute();
    m.set(key, v);
    return v;
  }
  private memos: Map<string, unknown> | undefined;

  /** @internal dedupe key bookkeeping. */
  firstTime(key: string): boolean {
    const seen = (this.seen ??= new Set<string>());
    if (seen.has(key)) return false;
    if (seen.size < 1024) seen.add(key);
    return true;
  }
}

interface Collected {
  inputs: UserInput[];
  lowered?: string[];
  operators: OperatorInput[];
  truncated: boolean;
}

function fromList(list: readonly UserInput[]): Collected {
  const seen = new Set<string>();
  const inputs: UserInput[] = [];
  for (const i of list) {
    if (i.value.length < 2 || seen.has(i.value)) continue;
    seen.add(i.value);
    inputs.push(i);
  }
  return { inputs, operators: [], truncated: false };
}

class Collector {
  readonly inputs: UserInput[] = [];
  readonly operators: OperatorInput[] = [];
  private readonly byValue = new Set<string>();
  strings = 0;
  bytes = 0;
  truncated = false;
  source: SourceKind = 'event';
  readonly ancestors: object[] = [];
  constructor(readonly limits: Limits) {}

  private push(value: string, path: string): void {
    if (value.length < 2 || this.byValue.has(value)) return;
    this.byValue.add(value);
    this.inputs.push({ value, source: this.source, path });
  }

  string(s: string, path: string, depth: number, isKey: boolean): void {
    if (this.truncated) return;
    if (++this.strings > this.limits.maxStrings || (this.bytes += s.length) > this.limits.maxBytes) {
      this.truncated = true;
      return;
    }
    if (s.length < 2) return;
    this.push(s, path);
    if (!isKey && looksLikeJson(s)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch {
        parsed = undefined;
      }
      if (parsed !== null && typeof parsed === 'object') {
        this.value(parsed, path, depth + 1);
        return;
      }
    }
    const decoded = deepDecode(s);
    if (decoded !== undefined) this.push(decoded, path);
    // S3 keys and form values use '+' for a space; the application decodes them.
    if (s.includes('+') && s.includes('%')) {
      const plus = deepDecode(s.replace(/\+/g, ' '));
      if (plus !== undefined) this.push(plus, path);
    }
    const trimmed = s.trim();
    if (trimmed.length !== s.length) this.push(trimmed, path);
  }

  value(v: unknown, path: string, depth: number): void {
    if (this.truncated) return;
    if (typeof v === 'string') {
      this.string(v, path, depth, false);
      return;
    }
    if (typeof v === 'number' || typeof v === 'bigint') {
      // A number the handler interpolates into a query is a string there.
      const s = String(v);
      if (s.length >= 2) this.push(s, path);
      return;
    }
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    if (depth >= this.limits.maxDepth) {
      this.truncated = true;
      return;
    }
    if (this.ancestors.includes(v)) return;
    this.ancestors.push(v);
    if (Array.isArray(v)) {
      let allScalars = v.length > 1;
      for (let i = 0; i < v.length && !this.truncated; i++) {
        const x: unknown = v[i];
        if (typeof x !== 'string' && typeof x !== 'number') allScalars = false;
        this.value(x, appendSegment(path, i), depth + 1);
      }
      // `?id=1&id=2` arrives as an array; `${ids}` in a template makes it "1,2".
      if (allScalars && v.length <= 64) this.push(v.join(','), path);
    } else {
      const obj = v as Record<string, unknown>;
      let operator = false;
      for (const k in obj) {
        if (this.truncated) break;
        if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
        const childPath = appendSegment(path, k);
        if (k.charCodeAt(0) === 36 /* $ */) operator = true;
        this.string(k, childPath, depth, true);
        this.value(obj[k], childPath, depth + 1);
      }
      if (operator && this.operators.length < MAX_OPERATORS) this.operators.push({ value: obj, source: this.source, path });
    }
    this.ancestors.pop();
  }
}

function collect(requests: InspectionRequest | readonly InspectionRequest[] | undefined, limits?: Partial<Limits>): Collected {
  const c = new Collector({ ...DEFAULTS.limits, ...limits });
  const list: readonly InspectionRequest[] = requests === undefined ? [] : Array.isArray(requests) ? requests : [requests as InspectionRequest];
  for (const req of list) {
    for (const source of req.sources) {
      if (c.truncated) break;
      c.source = source.kind;
      // Collected lazily, from inside the handler's own operation (its fs, SQL or fetch call): a
      // value that throws when read (a getter, a Proxy: events built in code) made that call throw
      // the getter's error, our bug in the handler's path. Such a source is left out (fail open);
      // the engine walked the same sources before the handler ran and logged the failure then (or
      // blocked, with failClosed). What was collected before it is kept.
      try {
        let value = source.value;
        const decoding = source.decoding ?? 'none';
        if (decoding !== 'none' || source.base64 === true) {
          value = decodePayload(value, decoding, source.contentType, source.base64 === true).value;
        }
        c.value(value, source.path, 0);
      } catch {
        c.ancestors.length = 0;
      }
    }
  }
  return { inputs: c.inputs, operators: c.operators, truncated: c.truncated };
}

/**
 * Every untrusted string of one engine request (or of several: a batch), each with its source kind
 * and JSON path: values, object keys, and the decoded forms the application may see (JSON inside
 * strings, percent/entity/escape decoding, `+` as space, trimmed, arrays joined with commas).
 * Strings shorter than two characters are left out: they cannot change an operation's structure.
 */
export function userInputsFrom(request: InspectionRequest | readonly InspectionRequest[], limits?: Partial<Limits>): UserInput[] {
  return collect(request, limits).inputs;
}

/** The state all copies of this library in one process share (a bundled copy and a required one). */
export interface SinkGlobal {
  als: AsyncLocalStorage<Invocation>;
  /** Mode, reporter and policies outside any invocation (cold start, background work). */
  outside: { mode: SinkMode; report: ((finding: SinkFinding) => void) | undefined; policies: ResolvedPolicies | undefined };
  /** Set while the CommonJS loader reads a module file: those reads are not the application's. */
  loading: number;
  /** Findings reported outside invocations, deduplicated. */
  outsideSeen: Set<string>;
  installed: Map<string, () => void>;
}

const GLOBAL = Symbol.for('serverless-rasp.sinks.v1');

export function sinkGlobal(): SinkGlobal {
  const g = globalThis as unknown as Record<symbol, SinkGlobal | undefined>;
  let s = g[GLOBAL];
  if (s === undefined) {
    s = {
      als: new AsyncLocalStorage<Invocation>(),
      outside: { mode: 'block', report: undefined, policies: undefined },
      loading: 0,
      outsideSeen: new Set(),
      installed: new Map(),
    };
    Object.defineProperty(globalThis, GLOBAL, { value: s, enumerable: false, configurable: true, writable: false });
  }
  return s;
}

const state = sinkGlobal();

/** Builds the context for one invocation. Cheap: inputs are collected on first use. */
export function createInvocation(init: InvocationInit = {}): Invocation {
  return new Invocation(init);
}

/**
 * Runs `fn` (the user's handler call) with `ctx` as the current invocation for everything it starts,
 * synchronously or asynchronously. Accepts an Invocation or the init object for one.
 */
export function runWithInvocation<T>(ctx: Invocation | InvocationInit, fn: () => T): T {
  const inv = ctx instanceof Invocation ? ctx : new Invocation(ctx);
  return state.als.run(inv, fn);
}

/** The invocation the caller runs in, or undefined outside any protected invocation. */
export function currentInvocation(): Invocation | undefined {
  return state.als.getStore();
}

/** Truncates and strips control characters: what goes into `target` and `snippet`. */
export function excerpt(s: string, max = 120): string {
  const cut = s.length > max ? s.slice(0, max) + '…' : s;
  let out = '';
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    out += c < 32 || c === 127 ? (c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : '\\x' + c.toString(16).padStart(2, '0')) : cut[i];
  }
  return out;
}

/**
 * The one place a decision is made: report (deduplicated, bounded) and throw when blocking. Outside
 * an invocation the mode, reporter and dedupe set given to installSinks are used.
 */
export function raise(ctx: Invocation | undefined, f: Omit<SinkFinding, 'blocked'>, action: 'block' | 'alert'): void {
  const mode = ctx ? ctx.mode : state.outside.mode;
  const blocked = action === 'block' && mode === 'block';
  const finding: SinkFinding = { ...f, blocked };
  // The operation is left out: one request seen by fetch and then by the socket is one finding.
  const key = `${f.rule}|${f.target ?? ''}|${f.path}`;
  let fresh: boolean;
  if (ctx) {
    fresh = ctx.firstTime(key) && ctx.findings.length < MAX_REPORTS;
    if (fresh) ctx.findings.push(finding);
  } else {
    fresh = !state.outsideSeen.has(key);
    if (fresh && state.outsideSeen.size < 1024) state.outsideSeen.add(key);
  }
  const report = ctx ? ctx.report ?? state.outside.report : state.outside.report;
  if (fresh && report) {
    try {
      report(finding);
    } catch {
      // A reporter's failure must not change the decision.
    }
  }
  if (blocked) {
    const err = new SinkBlockedError(finding, ctx?.requestId);
    if (ctx && ctx.blocked === undefined) ctx.blocked = err;
    throw err;
  }
}
