/**
 * One defaults object, one resolver. Options are checked once, at cold start: an unknown key, a wrong
 * type or a bad value throws a RaspConfigError that names the option and what to write instead.
 * Environment variables are read here, once, never per invocation.
 */
import { RaspConfigError } from './errors';
import type { PatchMatcher, VirtualPatchRule } from './patches/index';
import type { SinkOptions } from './sinks/install';
import type { PolicyOptions } from './sinks/policies';
import type { DowOptions } from './dow/options';
import type { VisibilityOptions } from './visibility';
import type { DetectorClass, Finding } from './types';

export type Mode = 'block' | 'monitor' | 'off';

export interface Limits {
  /** Deepest object/array nesting walked. Deeper values are a `limits.depth` finding. */
  maxDepth: number;
  /** Most string values and keys inspected per invocation (or per batch record). */
  maxStrings: number;
  /** Most UTF-16 code units of strings inspected per invocation (or per record). */
  maxBytes: number;
}

/** A known false positive to ignore: every given field must match. */
export interface Exclusion {
  /** Route key (`POST /orders`, `POST /orders/{id}`) or concrete path (`/orders/42`). */
  route?: string;
  /**
   * Finding path: exact (`body.comment`), or with `*` for one segment and `**` for any depth
   * (`body.items[*].note`, `headers.**`, `records[*].body.**`).
   */
  path?: string;
  /** Rule ids (`sqli.tautology`) or rule prefixes ending in `.*` (`sqli.*`). */
  rules?: string[];
  /** Finding classes (`sqli`, `xss`, …). */
  classes?: string[];
}

/** The security event written for every monitor and block decision. */
export interface SecurityEvent {
  time: string;
  type: 'serverless-rasp';
  provider: string;
  function: string | undefined;
  requestId: string | undefined;
  trigger: string | undefined;
  sourceIp: string | undefined;
  action: 'monitor' | 'block' | 'error';
  /** The first finding's rule, class and path, for grepping; all findings follow. */
  rule: string | undefined;
  class: string | undefined;
  where: string | undefined;
  findings: Finding[];
  /** Inspection time in microseconds. */
  micros?: number;
  /** For `action: 'error'`: what failed inside the library. */
  error?: string;
}

export interface EngineOptions {
  /** `block` (default) stops attacks; `monitor` only logs; `off` disables inspection. Env `RASP_MODE` wins. */
  mode?: Mode;
  /** JSON Schema for the HTTP body, or for each record's payload on non-HTTP triggers. */
  schema?: object;
  /** JSON Schemas keyed by route: `'POST /orders'`, `'PUT /orders/{id}'`. Takes precedence over `schema`. */
  schemas?: Record<string, object>;
  /** Caps on what one invocation may make the engine walk. */
  limits?: Partial<Limits>;
  /** Switch detector classes off: `{ xss: false }`. All are on by default. */
  detectors?: Partial<Record<DetectorClass, boolean>>;
  /** 1 (default) acts on high-confidence findings; 2 adds medium; 3 adds low. */
  paranoia?: 1 | 2 | 3;
  /** Known false positives to ignore. */
  exclusions?: Exclusion[];
  /**
   * Virtual patches: rules `{ id, description?, where, match, action? }`, or the path of a JSON file
   * holding them (relative to the function directory). Validated and compiled at cold start.
   */
  virtualPatches?: VirtualPatchRule[] | string;
}

export interface ProtectOptions extends EngineOptions, VisibilityOptions {
  /** When the library itself fails: `false` (default) calls the handler anyway; `true` blocks. */
  failClosed?: boolean;
  /** Called with every security event (after the log line). Errors it throws are swallowed. */
  onSecurityEvent?: (event: SecurityEvent) => void;
  /** Where security events go: `true` (default) one JSON line on stdout, `false` nowhere, or a function. */
  log?: boolean | ((line: string) => void);
  /**
   * Checks at the sinks (child_process, fs, outbound requests, SQL and MongoDB drivers, vm/Function):
   * on by default; `false` patches nothing; an object switches groups (`{ eval: true }`).
   */
  sinks?: SinkOptions | boolean;
  /** Least-privilege runtime policies (egress allowlist, no child processes, …); all `allow` by default. */
  policies?: PolicyOptions;
  /**
   * Denial-of-wallet protection: per-caller limits (429 + Retry-After), a spend budget, attack
   * detection, an optional shared store. Detection and logging are on by default; `false` turns it off.
   */
  denialOfWallet?: DowOptions | false;
}

export interface ResolvedOptions {
  mode: Mode;
  schema: object | undefined;
  schemas: Record<string, object>;
  limits: Limits;
  detectors: Record<DetectorClass, boolean>;
  paranoia: 1 | 2 | 3;
  exclusions: Exclusion[];
  /** Compiled virtual patches; undefined when there are none (the engine then does nothing for them). */
  virtualPatches: PatchMatcher | undefined;
  failClosed: boolean;
  onSecurityEvent: ((event: SecurityEvent) => void) | undefined;
  log: ((line: string) => void) | undefined;
}

export const DETECTOR_CLASSES: readonly DetectorClass[] = Object.freeze([
  'sqli',
  'nosqli',
  'shell',
  'path-traversal',
  'ssrf',
  'xss',
  'code-injection',
  'prototype-pollution',
  'deserialization',
  'ssti',
  'ldap',
  'xxe',
  'jndi',
  'crlf',
  'ssi',
]);

/**
 * Generous defaults: a Lambda synchronous payload is at most 6 MB, so 8 Mi code units covers a whole
 * event. Depth 64 is beyond any honest API document and far below a stack overflow.
 */
export const DEFAULTS = Object.freeze({
  mode: 'block' as Mode,
  limits: Object.freeze({ maxDepth: 64, maxStrings: 20_000, maxBytes: 8 * 1024 * 1024 }) as Readonly<Limits>,
  paranoia: 1 as const,
  failClosed: false,
});

const OPTION_KEYS = new Set([
  'sinks',
  'policies',
  'mode',
  'schema',
  'schemas',
  'limits',
  'detectors',
  'paranoia',
  'exclusions',
  'virtualPatches',
  'failClosed',
  'onSecurityEvent',
  'log',
]);

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v;
}

function checkMode(v: unknown, where: string): Mode {
  if (v === 'block' || v === 'monitor' || v === 'off') return v;
  return fail(`${where} must be 'block', 'monitor' or 'off'; got ${describe(v)}.`);
}

function positiveInt(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  return fail(`${where} must be a positive integer; got ${describe(v)}.`);
}

function stringList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) {
    fail(`${where} must be an array of non-empty strings.`);
  }
  return [...(v as string[])];
}

/**
 * `extraKeys` are options an adapter adds on top of the core ones; their checks are the adapter's.
 * `env` is read once, here.
 */
export function resolveOptions(
  input: unknown,
  extraKeys: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  if (input === undefined) input = {};
  if (!isPlainObject(input)) fail(`options must be a plain object; got ${describe(input)}.`);
  const o = input;
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.has(key) && !extraKeys.includes(key)) {
      fail(`unknown option '${key}'. Known options: ${[...new Set([...OPTION_KEYS, ...extraKeys])].join(', ')}.`);
    }
  }

  let mode = o.mode === undefined ? DEFAULTS.mode : checkMode(o.mode, 'options.mode');
  const envMode = env.RASP_MODE;
  if (envMode !== undefined && envMode !== '') {
    const m = envMode.trim().toLowerCase();
    if (m !== 'block' && m !== 'monitor' && m !== 'off') {
      throw new RaspConfigError(
        'RASP_ERR_ENV',
        `serverless-rasp: environment variable RASP_MODE must be block, monitor or off; got "${envMode.slice(0, 40)}". Unset it or fix its value.`,
      );
    }
    mode = m;
  }

  if (o.schema !== undefined && !isPlainObject(o.schema) && typeof o.schema !== 'boolean') {
    fail(`options.schema must be a JSON Schema object; got ${describe(o.schema)}.`);
  }
  const schemas: Record<string, object> = {};
  if (o.schemas !== undefined) {
    if (!isPlainObject(o.schemas)) fail(`options.schemas must be an object keyed by route ('POST /orders'); got ${describe(o.schemas)}.`);
    for (const [route, schema] of Object.entries(o.schemas)) {
      if (!/^[A-Z]+ \/\S*$|^ANY \/\S*$/.test(route)) {
        fail(`options.schemas key '${route.slice(0, 60)}' must be 'METHOD /path', e.g. 'POST /orders' or 'PUT /orders/{id}'.`);
      }
      if (!isPlainObject(schema)) fail(`options.schemas['${route}'] must be a JSON Schema object.`);
      schemas[route] = schema;
    }
  }

  const limits: Limits = { ...DEFAULTS.limits };
  if (o.limits !== undefined) {
    if (!isPlainObject(o.limits)) fail(`options.limits must be an object; got ${describe(o.limits)}.`);
    for (const [k, v] of Object.entries(o.limits)) {
      if (k !== 'maxDepth' && k !== 'maxStrings' && k !== 'maxBytes') {
        fail(`unknown option 'limits.${k}'. Known: maxDepth, maxStrings, maxBytes.`);
      }
      limits[k] = positiveInt(v, `options.limits.${k}`);
    }
  }

  const detectors = Object.fromEntries(DETECTOR_CLASSES.map((c) => [c, true])) as Record<DetectorClass, boolean>;
  if (o.detectors !== undefined) {
    if (!isPlainObject(o.detectors)) fail(`options.detectors must be an object like { xss: false }.`);
    for (const [k, v] of Object.entries(o.detectors)) {
      if (!(DETECTOR_CLASSES as readonly string[]).includes(k)) {
        fail(`unknown detector class 'detectors.${k}'. Known: ${DETECTOR_CLASSES.join(', ')}.`);
      }
      if (typeof v !== 'boolean') fail(`options.detectors.${k} must be true or false; got ${describe(v)}.`);
      detectors[k as DetectorClass] = v;
    }
  }

  let paranoia: 1 | 2 | 3 = DEFAULTS.paranoia;
  if (o.paranoia !== undefined) {
    if (o.paranoia !== 1 && o.paranoia !== 2 && o.paranoia !== 3) fail(`options.paranoia must be 1, 2 or 3; got ${describe(o.paranoia)}.`);
    paranoia = o.paranoia;
  }

  const exclusions: Exclusion[] = [];
  if (o.exclusions !== undefined) {
    if (!Array.isArray(o.exclusions)) fail(`options.exclusions must be an array of { route?, path?, rules?, classes? }.`);
    o.exclusions.forEach((e: unknown, i: number) => {
      if (!isPlainObject(e)) fail(`options.exclusions[${i}] must be an object with route, path, rules or classes.`);
      const out: Exclusion = {};
      for (const [k, v] of Object.entries(e)) {
        if (k === 'route' || k === 'path') {
          if (typeof v !== 'string' || v.length === 0) fail(`options.exclusions[${i}].${k} must be a non-empty string.`);
          out[k] = v;
        } else if (k === 'rules' || k === 'classes') {
          out[k] = stringList(v, `options.exclusions[${i}].${k}`);
        } else {
          fail(`unknown key 'exclusions[${i}].${k}'. Known: route, path, rules, classes.`);
        }
      }
      if (Object.keys(out).length === 0) fail(`options.exclusions[${i}] is empty and would exclude every finding; name a route, path, rules or classes.`);
      exclusions.push(out);
    });
  }

  if (o.failClosed !== undefined && typeof o.failClosed !== 'boolean') fail(`options.failClosed must be true or false; got ${describe(o.failClosed)}.`);
  if (o.onSecurityEvent !== undefined && typeof o.onSecurityEvent !== 'function') {
    fail(`options.onSecurityEvent must be a function (event) => void; got ${describe(o.onSecurityEvent)}.`);
  }
  let log: ((line: string) => void) | undefined = (line) => process.stdout.write(line + '\n');
  if (o.log === false) log = undefined;
  else if (typeof o.log === 'function') log = o.log as (line: string) => void;
  else if (o.log !== undefined && o.log !== true) fail(`options.log must be true, false or a function (line) => void; got ${describe(o.log)}.`);

  return {
    mode,
    schema: o.schema as object | undefined,
    schemas,
    limits,
    detectors,
    paranoia,
    exclusions,
    // patches/index is required only when patches are configured (~0.5 ms of cold start otherwise);
    // resolveVirtualPatches(undefined) is undefined, so skipping it changes nothing.
    virtualPatches: o.virtualPatches === undefined ? undefined : (require('./patches/index') as typeof import('./patches/index')).resolveVirtualPatches(o.virtualPatches),
    failClosed: o.failClosed === true,
    onSecurityEvent: o.onSecurityEvent as ((event: SecurityEvent) => void) | undefined,
    log,
  };
}
