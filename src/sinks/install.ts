/**
 * `installSinks(options)`: patches the sinks once per process (idempotent; later calls update the
 * mode, reporter and policies used outside invocations and install any sink group not yet installed).
 * Built-in modules are patched in place, so code that was bundled, or imported them before, is covered
 * (ESM named imports are re-synced); http and https, when not loaded yet, when user code first gets
 * them (http.ts). Third-party drivers are hooked as they load, and those already
 * loaded are patched from the require cache.
 */
import { RaspConfigError } from '../errors';
import { betterSqlite3Hook } from './better-sqlite3';
import { installChildProcess } from './child_process';
import { installEval, installFunction, installVm } from './code';
import { sinkGlobal, type SinkMode } from './context';
import { installEnvGuard } from './env';
import type { SinkFinding } from './errors';
import { installFetch, undiciHook } from './fetch';
import { installFs } from './fs';
import { hookPackages, loaderModule, undoAll } from './hooks';
import { installHttp } from './http';
import { mongodbHook } from './mongodb';
import { mysql2Hook } from './mysql2';
import { installNet, NET_HOOK } from './net';
import { pgHook } from './pg';
import { hardenPrototypes } from './prototype';
import { resolvePolicies, type PolicyOptions, type ResolvedPolicies } from './policies';
import { sqlite3Hook } from './sqlite3';

/** Sink groups; all on by default except `eval` (see code.ts for why). */
export interface SinkOptions {
  childProcess?: boolean;
  fs?: boolean;
  /** http, https and the socket-level (post-DNS) check. */
  http?: boolean;
  /** global fetch and the undici package. */
  fetch?: boolean;
  /** pg, mysql2, better-sqlite3, sqlite3. */
  sql?: boolean;
  /** mongodb. */
  nosql?: boolean;
  /** vm and the Function constructor. */
  code?: boolean;
  /** global eval (turns direct eval into global-scope eval). Default false. */
  eval?: boolean;
  /** Make Object.prototype non-extensible at install (irreversible; see prototype.ts). Default false. */
  prototypePollution?: boolean;
}

export type ResolvedSinkOptions = Required<SinkOptions>;

export interface InstallOptions {
  /** `false` installs nothing (policies included); an object switches groups. */
  sinks?: SinkOptions | boolean;
  /** Least-privilege policies (already resolved ones are accepted too). */
  policies?: PolicyOptions | ResolvedPolicies;
  /** Mode outside invocations (cold start, background work): `block` (default), `monitor`, or `off`. */
  mode?: SinkMode | 'off';
  /** Reporter for findings outside invocations (and inside, when the invocation has none). */
  report?: (finding: SinkFinding) => void;
  /** Install the socket hook even when http, fetch and the egress policy are off (egress watch). */
  observeConnections?: boolean;
}

export interface SinkInstallation {
  /**
   * Every operation patched in this process so far, e.g. `child_process.exec`, `fs.readFileSync`. http
   * and https operations are listed from install on, also when they are patched at their first load
   * (http.ts installHttp: the process had not loaded them at install).
   */
  installed: string[];
  policies: ResolvedPolicies;
  sinks: ResolvedSinkOptions;
}

/** Option keys `protect()` accepts for this module: pass them to resolveOptions/createRuntime as extraKeys. */
export const SINK_OPTION_KEYS: readonly string[] = Object.freeze(['sinks', 'policies']);

const DEFAULT_SINKS: ResolvedSinkOptions = Object.freeze({ childProcess: true, fs: true, http: true, fetch: true, sql: true, nosql: true, code: true, eval: false, prototypePollution: false });

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`);
}

export function resolveSinkOptions(v: unknown): ResolvedSinkOptions | false {
  if (v === undefined || v === true) return { ...DEFAULT_SINKS };
  if (v === false) return false;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`options.sinks must be true, false or an object like { eval: true, fs: false }; got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}.`);
  const out = { ...DEFAULT_SINKS };
  for (const [k, x] of Object.entries(v)) {
    if (!(k in DEFAULT_SINKS)) fail(`unknown option 'sinks.${k}'. Known: ${Object.keys(DEFAULT_SINKS).join(', ')}.`);
    if (typeof x !== 'boolean') fail(`options.sinks.${k} must be true or false; got ${typeof x}.`);
    out[k as keyof SinkOptions] = x;
  }
  return out;
}

function isResolved(p: unknown): p is ResolvedPolicies {
  return p !== null && typeof p === 'object' && 'endpoints' in p && 'active' in p && (p as { egress?: { hosts?: unknown } }).egress?.hosts instanceof Set;
}

const state = sinkGlobal();
const installed: string[] = [];
const groups = new Set<string>();

function group(name: string, install: () => string[]): void {
  if (groups.has(name)) return;
  groups.add(name);
  try {
    installed.push(...install());
  } catch {
    // One group failing to patch (an unusual runtime) must not stop the others; it is absent from `installed`.
  }
}

/**
 * Several protect() calls in one process (several handlers in one bundle) share the patched sinks, so
 * what applies outside invocations (cold start, background work) is merged, not last-wins: `block`
 * if any of them blocks, every reporter hears each finding, and active policies are kept until
 * another set of active policies replaces them (a later protect() without policies does not erase
 * them).
 */
const outsideReporters: Array<(finding: SinkFinding) => void> = [];
let registrations = 0;
function registerOutside(mode: SinkMode, report: ((finding: SinkFinding) => void) | undefined, policies: ResolvedPolicies | undefined): void {
  if (report !== undefined && !outsideReporters.includes(report)) outsideReporters.push(report);
  const reporters = [...outsideReporters];
  const prev = state.outside;
  const first = registrations++ === 0;
  state.outside = {
    mode: first ? mode : mode === 'block' || prev.mode === 'block' ? 'block' : mode,
    report:
      reporters.length === 0
        ? undefined
        : reporters.length === 1
          ? reporters[0]
          : (f) => {
              for (const r of reporters) r(f);
            },
    policies: policies ?? prev.policies,
  };
}

/**
 * Installs the sinks. Throws RaspConfigError for bad options. Call once at cold start (protect() does);
 * calling again is cheap and only adds groups or updates the outside-invocation settings.
 */
export function installSinks(options: InstallOptions = {}): SinkInstallation {
  if (options === null || typeof options !== 'object') fail('installSinks(options) needs an object.');
  const sinks = resolveSinkOptions(options.sinks);
  const policies = isResolved(options.policies) ? options.policies : resolvePolicies(options.policies);
  if (options.mode !== undefined && options.mode !== 'block' && options.mode !== 'monitor' && options.mode !== 'off') fail(`mode must be 'block', 'monitor' or 'off'.`);
  if (options.report !== undefined && typeof options.report !== 'function') fail('report must be a function (finding) => void.');
  if (sinks === false || options.mode === 'off') return { installed: [...installed], policies, sinks: { ...DEFAULT_SINKS, ...Object.fromEntries(Object.keys(DEFAULT_SINKS).map((k) => [k, false])) } as ResolvedSinkOptions };

  registerOutside(options.mode ?? 'block', options.report, policies.active ? policies : undefined);

  const hooks = [];
  if (sinks.childProcess || policies.childProcess.action !== 'allow') group('childProcess', installChildProcess);
  if (sinks.fs || policies.fsWrite.action !== 'allow' || policies.codeRead.action !== 'allow' || policies.credentialEnv.action !== 'allow') group('fs', installFs);
  if (sinks.http || sinks.fetch || policies.egress.action !== 'allow' || options.observeConnections === true) group('net', installNet);
  // http and https may be patched at their first load only when this copy's socket hook is in place:
  // it is what checks a request made through an ES module import of them (http.ts).
  if (sinks.http || policies.egress.action !== 'allow') group('http', () => installHttp(installed.includes(NET_HOOK)));
  if (sinks.fetch || policies.egress.action !== 'allow') {
    group('fetch', installFetch);
    hooks.push(undiciHook);
  }
  if (sinks.sql) hooks.push(betterSqlite3Hook, sqlite3Hook, pgHook, mysql2Hook);
  if (sinks.nosql) hooks.push(mongodbHook);
  if (sinks.code) {
    group('vm', installVm);
    group('Function', installFunction);
  }
  if (sinks.eval) group('eval', installEval);
  if (sinks.prototypePollution) group('prototype', hardenPrototypes);
  if (policies.credentialEnv.action !== 'allow') group('env', installEnvGuard);
  if (hooks.length > 0) {
    hookPackages(hooks);
    for (const h of hooks) if (!installed.includes(`require('${h.name}')`)) installed.push(`require('${h.name}')`);
  }
  // ESM named imports of built-ins (`import { exec } from 'node:child_process'`) see the patched functions.
  loaderModule().syncBuiltinESMExports?.();
  return { installed: [...installed], policies, sinks };
}

/** Restores every patched function and global (tests). The next installSinks patches again. */
export function uninstallSinks(): void {
  undoAll();
  groups.clear();
  installed.length = 0;
  state.outside = { mode: 'block', report: undefined, policies: undefined };
  outsideReporters.length = 0;
  registrations = 0;
  state.outsideSeen.clear();
  loaderModule().syncBuiltinESMExports?.();
}
