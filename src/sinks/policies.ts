/**
 * Least-privilege runtime policies, each `block`, `alert` or `allow` (the default: a policy does
 * nothing until switched on). They do not look at input: they say what the function may do at all.
 *
 * - `egress`: outbound connections only to allowed hosts and CIDRs. Loopback and the cloud providers'
 *   API and identity endpoints are allowed unless switched off.
 * - `childProcess`: no child processes, except allowed programs.
 * - `fsWrite`: no writes outside allowed directories (default: /tmp and the OS temp dir).
 * - `codeRead`: no reads of the function's own code directory (LAMBDA_TASK_ROOT, the Azure script
 *   root, the GCP source dir), except allowed paths. Module loading is not affected.
 * - `credentialEnv`: no reads of credential environment variables (AWS_SECRET_ACCESS_KEY,
 *   AWS_SESSION_TOKEN, IDENTITY_HEADER, ...) except from allowed modules; also no reads of
 *   /proc/self/environ.
 *
 * Options are checked once; a mistake throws RaspConfigError('RASP_ERR_OPTIONS') naming the option.
 */
import type * as os from 'node:os';
import * as nodePath from 'node:path';
import { RaspConfigError } from '../errors';
import { classifyIp, ipBytes, platformEndpoints, type InternalEndpoint } from './analysis/ssrf';
import { programName } from './analysis/shell';

export type PolicyAction = 'block' | 'alert' | 'allow';

export interface EgressPolicyOptions {
  action?: PolicyAction;
  /** Host names (`api.stripe.com`), subdomain wildcards (`*.stripe.com`), IPs and CIDRs (`10.0.0.0/8`). */
  allow?: string[];
  /** Allow the cloud providers' API and identity endpoints (`*.amazonaws.com`, `*.googleapis.com`, ...). Default true. */
  allowProviderEndpoints?: boolean;
  /** Allow loopback destinations (the Lambda runtime API, the Azure host, local sidecars). Default true. */
  allowLoopback?: boolean;
}
export interface ChildProcessPolicyOptions {
  action?: PolicyAction;
  /** Programs that may run: names (`convert`) or absolute paths (`/opt/bin/ffmpeg`). */
  allow?: string[];
}
export interface FsWritePolicyOptions {
  action?: PolicyAction;
  /** Directories writes may go to. Default: `/tmp` and the OS temp dir. */
  allow?: string[];
}
export interface CodeReadPolicyOptions {
  action?: PolicyAction;
  /** The code directories; default from the platform's environment (LAMBDA_TASK_ROOT, ...). */
  dirs?: string[];
  /** Files or directories inside them that may be read (absolute, or relative to each code dir): `templates/`. */
  allow?: string[];
}
export interface CredentialEnvPolicyOptions {
  action?: PolicyAction;
  /** The variables guarded; default CREDENTIAL_ENV_VARS. */
  vars?: string[];
  /**
   * Who may read them: package names (`@aws-sdk/credential-provider-env`, matched as
   * `node_modules/<name>/` in the caller's file) or absolute file path prefixes. Added to the
   * defaults (the AWS, Azure and Google SDKs).
   */
  allowModules?: string[];
}

export interface PolicyOptions {
  egress?: PolicyAction | EgressPolicyOptions;
  childProcess?: PolicyAction | ChildProcessPolicyOptions;
  fsWrite?: PolicyAction | FsWritePolicyOptions;
  codeRead?: PolicyAction | CodeReadPolicyOptions;
  credentialEnv?: PolicyAction | CredentialEnvPolicyOptions;
}

export const CREDENTIAL_ENV_VARS: readonly string[] = Object.freeze([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'IDENTITY_HEADER',
  'MSI_SECRET',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AzureWebJobsStorage',
]);

/** Modules that read credentials for a living. */
export const DEFAULT_CREDENTIAL_READERS: readonly string[] = Object.freeze(['@aws-sdk/', '@smithy/', 'aws-sdk/', '@azure/', 'google-auth-library/', 'gcp-metadata/', '@google-cloud/']);

const PROVIDER_HOSTS = ['*.amazonaws.com', '*.amazonaws.com.cn', '*.api.aws', '*.azure.com', '*.azure.net', '*.windows.net', '*.microsoftonline.com', '*.azurewebsites.net', '*.googleapis.com', 'metadata.google.internal', '169.254.169.254'];

interface Cidr {
  bytes: number[];
  bits: number;
}

export interface ResolvedPolicies {
  egress: { action: PolicyAction; hosts: Set<string>; suffixes: string[]; cidrs: Cidr[]; allowLoopback: boolean };
  childProcess: { action: PolicyAction; allow: Set<string> };
  fsWrite: { action: PolicyAction; allow: string[] };
  codeRead: { action: PolicyAction; dirs: string[]; allow: string[] };
  credentialEnv: { action: PolicyAction; vars: Set<string>; modules: string[]; paths: string[] };
  /** Endpoints from the environment (runtime API, identity endpoints), for the SSRF check. */
  endpoints: InternalEndpoint[];
  /** Any policy not `allow`. */
  active: boolean;
}

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v;
}

function action(v: unknown, where: string): PolicyAction {
  if (v === 'block' || v === 'alert' || v === 'allow') return v;
  return fail(`${where} must be 'block', 'alert' or 'allow'; got ${describe(v)}.`);
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) fail(`${where} must be an array of non-empty strings; got ${describe(v)}.`);
  return [...(v as string[])];
}

/** Splits `undefined | action | { action, ...rest }` and rejects unknown keys. */
function policy(v: unknown, name: string, keys: readonly string[]): { action: PolicyAction; o: Record<string, unknown> } {
  if (v === undefined) return { action: 'allow', o: {} };
  if (typeof v === 'string') return { action: action(v, `policies.${name}`), o: {} };
  if (!isPlainObject(v)) fail(`policies.${name} must be 'block', 'alert', 'allow' or an object { action, ${keys.join(', ')} }; got ${describe(v)}.`);
  for (const k of Object.keys(v)) {
    if (k !== 'action' && !keys.includes(k)) fail(`unknown option 'policies.${name}.${k}'. Known: action, ${keys.join(', ')}.`);
  }
  return { action: v.action === undefined ? 'block' : action(v.action, `policies.${name}.action`), o: v };
}

function parseCidr(entry: string, where: string): Cidr | undefined {
  const slash = entry.indexOf('/');
  const ip = slash === -1 ? entry : entry.slice(0, slash);
  const bytes = ipBytes(ip);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  let bits = max;
  if (slash !== -1) {
    const b = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b) || Number(b) > max) fail(`${where}: '${entry}' has an invalid prefix length; use 0 to ${max}.`);
    bits = Number(b);
  }
  return { bytes, bits };
}

function inCidr(bytes: number[], c: Cidr): boolean {
  if (bytes.length !== c.bytes.length) return false;
  let bits = c.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (c.bytes[i]! & mask)) return false;
  }
  return true;
}

/** Code directories the platform tells us about. */
export function platformCodeDirs(env: NodeJS.ProcessEnv, cwd = process.cwd()): string[] {
  const dirs: string[] = [];
  if (env.LAMBDA_TASK_ROOT) dirs.push(env.LAMBDA_TASK_ROOT);
  if (env.AzureWebJobsScriptRoot) dirs.push(env.AzureWebJobsScriptRoot);
  // Cloud Functions / Cloud Run run the function from its source directory (/workspace).
  if (env.FUNCTION_TARGET !== undefined || env.K_SERVICE !== undefined) dirs.push(cwd);
  return [...new Set(dirs.map((d) => nodePath.resolve(d)))];
}

/**
 * With the egress policy off (`allow`, the default) the sinks never read the allowlist, so its
 * provider entries are parsed on the first read of `hosts`, `suffixes` or `cidrs` instead of at cold
 * start (~0.5 ms). Readers see the same values either way.
 */
function fillOnFirstRead(egress: ResolvedPolicies['egress'], fill: () => void): void {
  let filled = false;
  for (const key of ['hosts', 'suffixes', 'cidrs'] as const) {
    const value = egress[key];
    Object.defineProperty(egress, key, {
      enumerable: true,
      configurable: true,
      get() {
        if (!filled) {
          filled = true;
          fill();
        }
        return value;
      },
    });
  }
}

/**
 * The default fsWrite allowlist, /tmp and the OS temp dir. With the fsWrite policy off (`allow`, the
 * default) the sinks never read it, so it is computed on the first read of `allow` instead: os.tmpdir()
 * is what loads node:os at cold start (~0.3 ms; nothing else this library loads by default needs it).
 * With the policy on it is computed now. Readers see the same values either way.
 */
function defaultWriteDirs(fsWrite: ResolvedPolicies['fsWrite']): void {
  const compute = (): string[] => ['/tmp', (require('node:os') as typeof os).tmpdir()].map((d) => nodePath.resolve(d));
  if (fsWrite.action !== 'allow') {
    fsWrite.allow = compute();
    return;
  }
  let value: string[] | undefined;
  Object.defineProperty(fsWrite, 'allow', {
    enumerable: true,
    configurable: true,
    get: () => (value ??= compute()),
    set: (v: string[]) => {
      value = v;
    },
  });
}

export function resolvePolicies(input: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedPolicies {
  if (input === undefined) input = {};
  if (!isPlainObject(input)) fail(`options.policies must be an object like { egress: 'block' }; got ${describe(input)}.`);
  const known = ['egress', 'childProcess', 'fsWrite', 'codeRead', 'credentialEnv'];
  for (const k of Object.keys(input)) if (!known.includes(k)) fail(`unknown policy 'policies.${k}'. Known: ${known.join(', ')}.`);

  const endpoints = platformEndpoints(env);

  const eg = policy(input.egress, 'egress', ['allow', 'allowProviderEndpoints', 'allowLoopback']);
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  const cidrs: Cidr[] = [];
  const addHost = (h: string, where: string): void => {
    const e = h.trim().toLowerCase();
    const cidr = parseCidr(e, where);
    if (cidr) {
      cidrs.push(cidr);
      return;
    }
    if (e.includes('/')) fail(`${where}: '${h}' is neither a host name nor a valid CIDR.`);
    if (e.startsWith('*.') || e.startsWith('.')) {
      const suffix = e.startsWith('*.') ? e.slice(1) : e;
      if (!/^(\.[a-z0-9_-]+)+$/.test(suffix)) fail(`${where}: '${h}' is not a valid wildcard host; write '*.example.com'.`);
      suffixes.push(suffix);
      return;
    }
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(e)) fail(`${where}: '${h}' is not a valid host name, IP or CIDR.`);
    hosts.add(e.replace(/\.$/, ''));
  };
  if (eg.o.allow !== undefined) strings(eg.o.allow, 'policies.egress.allow').forEach((h) => addHost(h, 'policies.egress.allow'));
  if (eg.o.allowProviderEndpoints !== undefined && typeof eg.o.allowProviderEndpoints !== 'boolean') fail(`policies.egress.allowProviderEndpoints must be true or false.`);
  if (eg.o.allowLoopback !== undefined && typeof eg.o.allowLoopback !== 'boolean') fail(`policies.egress.allowLoopback must be true or false.`);
  const egress: ResolvedPolicies['egress'] = { action: eg.action, hosts, suffixes, cidrs, allowLoopback: eg.o.allowLoopback !== false };
  if (eg.o.allowProviderEndpoints !== false) {
    // Constant entries and platform endpoints without a '/': parsing them cannot fail.
    const addProviders = (): void => {
      PROVIDER_HOSTS.forEach((h) => addHost(h, 'provider endpoints'));
      for (const ep of endpoints) {
        const c = parseCidr(ep.host, 'provider endpoints');
        if (c) cidrs.push(c);
        else hosts.add(ep.host);
      }
    };
    if (eg.action === 'allow') fillOnFirstRead(egress, addProviders);
    else addProviders();
  }

  const cp = policy(input.childProcess, 'childProcess', ['allow']);
  const cpAllow = new Set<string>();
  if (cp.o.allow !== undefined) for (const p of strings(cp.o.allow, 'policies.childProcess.allow')) cpAllow.add(p.includes('/') || p.includes('\\') ? p : p.toLowerCase());

  const fw = policy(input.fsWrite, 'fsWrite', ['allow']);
  const writeDirs = fw.o.allow !== undefined ? strings(fw.o.allow, 'policies.fsWrite.allow') : undefined;
  if (writeDirs) for (const d of writeDirs) if (!nodePath.isAbsolute(d)) fail(`policies.fsWrite.allow: '${d}' must be an absolute directory, e.g. '/tmp'.`);

  const cr = policy(input.codeRead, 'codeRead', ['dirs', 'allow']);
  const codeDirs = cr.o.dirs !== undefined ? strings(cr.o.dirs, 'policies.codeRead.dirs') : platformCodeDirs(env);
  for (const d of codeDirs) if (!nodePath.isAbsolute(d)) fail(`policies.codeRead.dirs: '${d}' must be an absolute directory.`);
  const readAllow: string[] = [];
  if (cr.o.allow !== undefined) {
    for (const a of strings(cr.o.allow, 'policies.codeRead.allow')) {
      if (nodePath.isAbsolute(a)) readAllow.push(nodePath.resolve(a) + (a.endsWith('/') ? '/' : ''));
      else for (const d of codeDirs) readAllow.push(nodePath.resolve(d, a) + (a.endsWith('/') ? '/' : ''));
    }
  }

  const ce = policy(input.credentialEnv, 'credentialEnv', ['vars', 'allowModules']);
  const vars = new Set(ce.o.vars !== undefined ? strings(ce.o.vars, 'policies.credentialEnv.vars') : CREDENTIAL_ENV_VARS);
  const modules = [...DEFAULT_CREDENTIAL_READERS];
  const paths: string[] = [];
  if (ce.o.allowModules !== undefined) {
    for (const m of strings(ce.o.allowModules, 'policies.credentialEnv.allowModules')) {
      if (nodePath.isAbsolute(m)) paths.push(m);
      else modules.push(m.endsWith('/') ? m : m + '/');
    }
  }

  const resolved: ResolvedPolicies = {
    egress,
    childProcess: { action: cp.action, allow: cpAllow },
    fsWrite: { action: fw.action, allow: writeDirs ? writeDirs.map((d) => nodePath.resolve(d)) : [] },
    codeRead: { action: cr.action, dirs: codeDirs.map((d) => nodePath.resolve(d)), allow: readAllow },
    credentialEnv: { action: ce.action, vars, modules, paths },
    endpoints,
    active: false,
  };
  if (!writeDirs) defaultWriteDirs(resolved.fsWrite);
  resolved.active = [resolved.egress, resolved.childProcess, resolved.fsWrite, resolved.codeRead, resolved.credentialEnv].some((p) => p.action !== 'allow');
  return resolved;
}

function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(nodePath.sep) ? dir : dir + nodePath.sep);
}

/** Is a connection to `host` (as named) / `address` (as resolved, optional) allowed by the egress policy? */
export function egressAllowed(pol: ResolvedPolicies['egress'], host: string, address?: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (pol.hosts.has(h)) return true;
  for (const s of pol.suffixes) if (h.endsWith(s) && h.length > s.length) return true;
  for (const candidate of address !== undefined ? [h, address] : [h]) {
    const bytes = ipBytes(candidate);
    if (!bytes) continue;
    if (pol.allowLoopback && classifyIp(candidate) === 'loopback') return true;
    if (pol.cidrs.some((c) => inCidr(bytes, c))) return true;
    if (address !== undefined && pol.hosts.has(candidate)) return true;
  }
  if (pol.allowLoopback && (h === 'localhost' || h.endsWith('.localhost')) && address === undefined) return true;
  return false;
}

/** Is a name or address one the egress check must wait for DNS to decide? (A name not allowed by name.) */
export function egressNeedsResolution(pol: ResolvedPolicies['egress'], host: string): boolean {
  return ipBytes(host) === undefined && !egressAllowed(pol, host);
}

export function childProcessAllowed(pol: ResolvedPolicies['childProcess'], file: string): boolean {
  return pol.allow.has(file) || pol.allow.has(programName(file));
}

const ALWAYS_WRITABLE = ['/dev/null', '/dev/stdout', '/dev/stderr', '/proc/self/fd/1', '/proc/self/fd/2'];

export function writeAllowed(pol: ResolvedPolicies['fsWrite'], resolved: string): boolean {
  if (ALWAYS_WRITABLE.includes(resolved)) return true;
  return pol.allow.some((d) => within(resolved, d));
}

/** Is this (resolved) path a read of the code directory that is not explicitly allowed? */
export function isCodeRead(pol: ResolvedPolicies['codeRead'], resolved: string): boolean {
  if (!pol.dirs.some((d) => within(resolved, d))) return false;
  return !pol.allow.some((a) => (a.endsWith('/') ? resolved.startsWith(a) || resolved + '/' === a : resolved === a || within(resolved, a)));
}

/** `/proc/self/environ`, `/proc/<pid>/environ`, `/proc/thread-self/environ`: the environment as a file. */
export function isEnvironFile(resolved: string): boolean {
  return /^\/proc\/(self|thread-self|\d+)(\/task\/\d+)?\/environ$/.test(resolved);
}
