/**
 * File-integrity monitoring for a function instance (option `integrity`).
 *
 * Attackers who get code execution in a warm instance drop tools in /tmp (they survive across
 * invocations) or alter the function's own files. This module records, at cold start, the state of
 * the code directory (LAMBDA_TASK_ROOT, Azure's wwwroot, GCP's workspace, configurable) and of the
 * writable scratch directories (/tmp, configurable), and between invocations reports new or changed
 * executable or script files in the scratch directories and any change in the code directory.
 *
 * Cost design (the per-invocation cost when nothing changed is two property reads and one clock read):
 *
 * - `check()` runs before the handler: when no scan has produced findings it returns `undefined`
 *   after one array-length and one field test. No I/O, ever.
 * - `after()` runs when the handler settles: one `performance.now()` compared with the time the next
 *   scan is due (`intervalMs`, default 1 s). When due, a scan is scheduled with `setImmediate` and
 *   runs asynchronously, off the hot path: `fs.promises` readdir/lstat on the libuv thread pool.
 * - Scratch directories are walked fully (bounded by `maxFiles`); only files that are executable
 *   (a mode x bit), carry a script/binary extension, or start with `#!`, ELF, PE or Mach-O magic are
 *   reported. A data file written by the application is not a finding.
 * - The code directory can be large (node_modules): each code scan (every `codeIntervalMs`, default
 *   10 s) re-stats the function's own files (outside node_modules) and a rotating window of `budget`
 *   other entries, so a tree of N entries is fully re-checked every N / budget code scans. Directories
 *   are stat'ed in the same rotation; a changed directory is re-listed to find added and removed files.
 *   Comparison uses size, mtime, ctime, mode and inode: ctime cannot be set from user space, so a
 *   content change whose mtime was forged back (`touch -d`) is still seen.
 * - Optional content hashes (`hash: true`): SHA-256 of the function's own files, computed off the hot
 *   path after cold start; every code scan re-hashes `hashSample` of them (round robin).
 * - Lambda freezes the instance after the response: a scan scheduled by `after()` may only complete
 *   when the next invocation thaws it. `busy` tells the adapter a scan is in flight; `settled()` waits
 *   for it (bounded by `waitMs`, default 50 ms) so that a file dropped in invocation N is reported in
 *   invocation N + 1. That wait happens only in the rare invocation that finds a scan in flight.
 * - The scratch baseline is taken synchronously at creation (/tmp is empty or small at cold start, and
 *   bounded); the code baseline asynchronously (it can be thousands of files), so cold start does not
 *   pay for node_modules.
 *
 * In block mode with `action: 'block'`, an instance with an integrity finding refuses every further
 * invocation (`check()` keeps returning a block verdict): the platform replaces refused instances
 * only when they crash, so pair it with alerting.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { RaspConfigError } from '../errors';
import { platformCodeDirs } from '../sinks/policies';
import type { AttackClass, Finding } from '../types';

/**
 * The class integrity findings carry. `custom` until the AttackClass union gains `integrity`
 * (proposed); then change this one constant.
 */
export const INTEGRITY_CLASS: AttackClass = 'custom';

export interface IntegrityOptions {
  /** Code directories to baseline; default: the platform's (LAMBDA_TASK_ROOT, AzureWebJobsScriptRoot or /home/site/wwwroot, the GCP source dir), else process.cwd(). `[]` disables. */
  codeDirs?: string[];
  /** Writable directories watched for new executables; default `/tmp` and the OS temp dir. `[]` disables. */
  watchDirs?: string[];
  /** Minimum milliseconds between two scans of the watched directories. Default 1000. */
  intervalMs?: number;
  /** Minimum milliseconds between two code-directory scans. Default 10000. */
  codeIntervalMs?: number;
  /** Code entries re-checked per code scan beyond the function's own files. Default 2000. */
  budget?: number;
  /** `alert` (default) reports; `block` also makes a tampered instance refuse invocations (in block mode). */
  action?: 'alert' | 'block';
  /** SHA-256 the function's own files (outside node_modules) and re-hash a sample each code scan. Default false. */
  hash?: boolean;
  /** Files re-hashed per code scan with `hash`. Default 8. */
  hashSample?: number;
  /** Most entries recorded per root. Default 50000 for code, 5000 for watched directories. */
  maxFiles?: number;
  /** Deepest directory level walked. Default 24. */
  maxDepth?: number;
  /** Absolute path prefixes never reported (a cache directory the application writes binaries to). */
  ignore?: string[];
  /** How long an invocation waits for a scan in flight (see `settled`). Default 50 ms. */
  waitMs?: number;
}

export interface ResolvedIntegrity {
  codeDirs: string[];
  watchDirs: string[];
  intervalMs: number;
  codeIntervalMs: number;
  budget: number;
  action: 'alert' | 'block';
  hash: boolean;
  hashSample: number;
  maxFiles: number | undefined;
  maxDepth: number;
  ignore: string[];
  waitMs: number;
}

export interface IntegrityVerdict {
  action: 'monitor' | 'block';
  findings: Finding[];
  /** False when the findings were reported already and the instance is refusing invocations. */
  fresh: boolean;
}

export interface IntegrityStats {
  scans: number;
  codeScans: number;
  codeEntries: number;
  watchEntries: number;
  /** A root had more entries than maxFiles; the rest are not watched. */
  truncated: boolean;
  findings: number;
  tampered: boolean;
  lastScanMicros: number;
  hashed: number;
}

export interface IntegrityMonitor {
  /** Before the handler. Sync, no I/O; `undefined` when there is nothing to report. */
  check(): IntegrityVerdict | undefined;
  /** When the handler settled (also on error). Schedules an async scan when one is due. */
  after(): void;
  /** A scan is in flight (e.g. it was frozen with the instance). */
  readonly busy: boolean;
  /** Waits for the scan in flight, at most `ms` (default `waitMs`). */
  settled(ms?: number): Promise<void>;
  /** Resolves when the cold-start baseline is complete. */
  ready(): Promise<void>;
  /** Runs a full scan now (tests, diagnostics); its findings are also queued for `check()`. */
  scanNow(): Promise<Finding[]>;
  stats(): IntegrityStats;
  readonly options: ResolvedIntegrity;
}

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

const KEYS = ['codeDirs', 'watchDirs', 'intervalMs', 'codeIntervalMs', 'budget', 'action', 'hash', 'hashSample', 'maxFiles', 'maxDepth', 'ignore', 'waitMs'];

/** Azure's code directory when AzureWebJobsScriptRoot is not set. */
const AZURE_WWWROOT = '/home/site/wwwroot';

export function defaultCodeDirs(env: NodeJS.ProcessEnv, cwd = process.cwd()): string[] {
  const dirs = platformCodeDirs(env, cwd);
  if (dirs.length === 0 && (env.WEBSITE_SITE_NAME !== undefined || env.FUNCTIONS_WORKER_RUNTIME !== undefined)) dirs.push(AZURE_WWWROOT);
  if (dirs.length === 0) dirs.push(nodePath.resolve(cwd));
  return dirs;
}

function dirList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) fail(`${where} must be an array of absolute directory paths.`);
  for (const d of v as string[]) if (!nodePath.isAbsolute(d)) fail(`${where}: '${d.slice(0, 80)}' must be an absolute path, e.g. '/tmp'.`);
  return [...new Set((v as string[]).map((d) => nodePath.resolve(d)))];
}

function nonNegInt(v: unknown, where: string, min = 0): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
  return fail(`${where} must be an integer ≥ ${min}; got ${v === null ? 'null' : typeof v === 'number' ? v : typeof v}.`);
}

/** Validates the `integrity` option. `false`/undefined → undefined (off). Throws RaspConfigError naming the key. */
export function resolveIntegrityOptions(v: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedIntegrity | undefined {
  if (v === undefined || v === false) return undefined;
  if (v !== true && !isPlainObject(v)) fail(`options.integrity must be true, false or an object like { watchDirs: ['/tmp'], action: 'block' }.`);
  const o: Record<string, unknown> = v === true ? {} : v;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`unknown option 'integrity.${k}'. Known: ${KEYS.join(', ')}.`);
  if (o.action !== undefined && o.action !== 'alert' && o.action !== 'block') fail(`options.integrity.action must be 'alert' or 'block'.`);
  if (o.hash !== undefined && typeof o.hash !== 'boolean') fail(`options.integrity.hash must be true or false.`);
  const ignore = o.ignore === undefined ? [] : dirList(o.ignore, 'options.integrity.ignore');
  return {
    codeDirs: o.codeDirs === undefined ? defaultCodeDirs(env) : dirList(o.codeDirs, 'options.integrity.codeDirs'),
    watchDirs: o.watchDirs === undefined ? [...new Set(['/tmp', tmpdir()].map((d) => nodePath.resolve(d)))] : dirList(o.watchDirs, 'options.integrity.watchDirs'),
    intervalMs: o.intervalMs === undefined ? 1000 : nonNegInt(o.intervalMs, 'options.integrity.intervalMs'),
    codeIntervalMs: o.codeIntervalMs === undefined ? 10_000 : nonNegInt(o.codeIntervalMs, 'options.integrity.codeIntervalMs'),
    budget: o.budget === undefined ? 2000 : nonNegInt(o.budget, 'options.integrity.budget', 1),
    action: (o.action as 'alert' | 'block' | undefined) ?? 'alert',
    hash: o.hash === true,
    hashSample: o.hashSample === undefined ? 8 : nonNegInt(o.hashSample, 'options.integrity.hashSample'),
    maxFiles: o.maxFiles === undefined ? undefined : nonNegInt(o.maxFiles, 'options.integrity.maxFiles', 1),
    maxDepth: o.maxDepth === undefined ? 24 : nonNegInt(o.maxDepth, 'options.integrity.maxDepth', 1),
    ignore,
    waitMs: o.waitMs === undefined ? 50 : nonNegInt(o.waitMs, 'options.integrity.waitMs'),
  };
}

// ---------------------------------------------------------------------------------------------
// File classification.

const SCRIPT_EXT = new Set(['.sh', '.bash', '.zsh', '.ksh', '.csh', '.fish', '.py', '.pyc', '.pl', '.pm', '.rb', '.php', '.js', '.mjs', '.cjs', '.ts', '.lua', '.tcl', '.awk', '.so', '.node', '.dylib', '.jar', '.class', '.war', '.exe', '.dll', '.elf', '.ps1', '.psm1', '.bat', '.cmd', '.vbs', '.run', '.appimage']);

/** What makes a file look runnable, or undefined. */
function runnable(file: string, e: Entry, head: Buffer | undefined): string | undefined {
  if ((e.mode & 0o111) !== 0) return `mode ${(e.mode & 0o777).toString(8)}`;
  const ext = nodePath.extname(file).toLowerCase();
  if (SCRIPT_EXT.has(ext)) return `${ext} file`;
  if (head !== undefined) {
    if (head[0] === 0x23 && head[1] === 0x21) return 'starts with #!';
    if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return 'ELF binary';
    if (head[0] === 0x4d && head[1] === 0x5a) return 'PE binary';
    if ((head[0] === 0xcf || head[0] === 0xce) && head[1] === 0xfa && head[2] === 0xed && head[3] === 0xfe) return 'Mach-O binary';
  }
  return undefined;
}

async function readHead(file: string): Promise<Buffer | undefined> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead >= 2 ? buf : undefined;
  } catch {
    return undefined;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function sizeText(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${Math.round(n / 1024 / 1024)} MB`;
}

// ---------------------------------------------------------------------------------------------
// Snapshots.

interface Entry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  mode: number;
  ino: number;
  dir: boolean;
}

function entryOf(st: fs.Stats): Entry {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, mode: st.mode, ino: st.ino, dir: st.isDirectory() };
}

function same(a: Entry, b: Entry): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.mode === b.mode && a.ino === b.ino;
}

interface WalkLimits {
  maxFiles: number;
  maxDepth: number;
  ignore: readonly string[];
}

function ignored(p: string, ignore: readonly string[]): boolean {
  for (const i of ignore) if (p === i || p.startsWith(i.endsWith(nodePath.sep) ? i : i + nodePath.sep)) return true;
  return false;
}

/** Synchronous walk (cold start, small scratch dirs). Symlinks are recorded, never followed. */
function walkSync(root: string, lim: WalkLimits, into: Map<string, Entry>): boolean {
  let truncated = false;
  const stack: Array<[string, number]> = [[root, 0]];
  try {
    into.set(root, entryOf(fs.lstatSync(root)));
  } catch {
    return false;
  }
  while (stack.length > 0) {
    const [dir, depth] = stack.pop()!;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (into.size >= lim.maxFiles) return true;
      const p = nodePath.join(dir, name);
      if (ignored(p, lim.ignore)) continue;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        continue;
      }
      const e = entryOf(st);
      into.set(p, e);
      if (e.dir) {
        if (depth + 1 < lim.maxDepth) stack.push([p, depth + 1]);
        else truncated = true;
      }
    }
  }
  return truncated;
}

/** Asynchronous walk: readdir + lstat on the thread pool, 32 lstats in flight at most. */
async function walkAsync(root: string, lim: WalkLimits, into: Map<string, Entry>): Promise<boolean> {
  let truncated = false;
  try {
    into.set(root, entryOf(await fs.promises.lstat(root)));
  } catch {
    return false;
  }
  const stack: Array<[string, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [dir, depth] = stack.pop()!;
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      continue;
    }
    for (let i = 0; i < names.length; i += 32) {
      const chunk = names.slice(i, i + 32).map((n) => nodePath.join(dir, n)).filter((p) => !ignored(p, lim.ignore));
      const stats = await Promise.all(chunk.map((p) => fs.promises.lstat(p).catch(() => undefined)));
      for (let j = 0; j < chunk.length; j++) {
        const st = stats[j];
        if (st === undefined) continue;
        if (into.size >= lim.maxFiles) return true;
        const e = entryOf(st);
        into.set(chunk[j]!, e);
        if (e.dir) {
          if (depth + 1 < lim.maxDepth) stack.push([chunk[j]!, depth + 1]);
          else truncated = true;
        }
      }
    }
  }
  return truncated;
}

async function sha256(file: string, maxBytes = 8 * 1024 * 1024): Promise<string | undefined> {
  try {
    const st = await fs.promises.lstat(file);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return createHash('sha256').update(await fs.promises.readFile(file)).digest('hex');
  } catch {
    return undefined;
  }
}

function isOwnFile(p: string): boolean {
  return !p.includes(`${nodePath.sep}node_modules${nodePath.sep}`) && !p.endsWith(`${nodePath.sep}node_modules`);
}

const MAX_PENDING = 32;

function finding(rule: string, path: string, reason: string): Finding {
  return { rule, class: INTEGRITY_CLASS, confidence: 'high', source: 'event', path, reason };
}

/**
 * Creates the monitor of one instance. `mode` is the protect() mode: only `block` lets
 * `action: 'block'` refuse invocations.
 */
export function createIntegrityMonitor(opts: ResolvedIntegrity, mode: 'block' | 'monitor' | 'off' = 'block'): IntegrityMonitor {
  const blocking = opts.action === 'block' && mode === 'block';
  const codeLim: WalkLimits = { maxFiles: opts.maxFiles ?? 50_000, maxDepth: opts.maxDepth, ignore: opts.ignore };
  const watchLim: WalkLimits = { maxFiles: opts.maxFiles ?? 5000, maxDepth: opts.maxDepth, ignore: opts.ignore };
  // A code dir inside a watched dir (tests, local runs) is the code scan's business.
  const watchIgnore = [...opts.ignore, ...opts.codeDirs.filter((c) => opts.watchDirs.some((w) => c !== w && c.startsWith(w + nodePath.sep)))];
  const watchLimScan: WalkLimits = { ...watchLim, ignore: watchIgnore };

  let pending: Finding[] = [];
  let tampered: Finding[] | undefined;
  let scanning: Promise<void> | undefined;
  let nextAt = 0;
  let nextWatchAt = 0;
  let nextCodeAt = 0;
  let truncated = false;
  const st = { scans: 0, codeScans: 0, findings: 0, lastScanMicros: 0, hashed: 0 };

  // Watched (scratch) directories: synchronous baseline now.
  let watch = new Map<string, Entry>();
  for (const d of opts.watchDirs) truncated = walkSync(d, watchLimScan, watch) || truncated;

  // Code directories: asynchronous baseline, then hashes of the function's own files.
  const code = new Map<string, Entry>();
  const children = new Map<string, Set<string>>();
  const hashes = new Map<string, string>();
  let order: string[] = [];
  let own: string[] = [];
  let cursor = 0;
  let hashCursor = 0;

  const index = (): void => {
    children.clear();
    for (const p of code.keys()) {
      const parent = nodePath.dirname(p);
      if (!code.has(parent) || parent === p) continue;
      let s = children.get(parent);
      if (s === undefined) children.set(parent, (s = new Set()));
      s.add(nodePath.basename(p));
    }
    own = [];
    order = [];
    // The function's own files and directories (outside node_modules) are re-checked on every code
    // scan, up to `budget` of them; everything else takes its turn in the rotation.
    for (const p of code.keys()) (isOwnFile(p) && own.length < opts.budget ? own : order).push(p);
  };

  const baseline: Promise<void> = (async () => {
    await new Promise<void>((r) => setImmediate(r));
    for (const d of opts.codeDirs) truncated = (await walkAsync(d, codeLim, code)) || truncated;
    index();
    if (opts.hash) {
      for (const p of own) {
        if (code.get(p)?.dir !== false) continue;
        const h = await sha256(p);
        if (h !== undefined) {
          hashes.set(p, h);
          st.hashed++;
        }
      }
    }
  })().catch(() => undefined);

  // Each change is reported once: the snapshots are updated as changes are seen.
  const push = (f: Finding): void => {
    st.findings++;
    if (pending.length < MAX_PENDING) pending.push(f);
  };

  const scanWatch = async (): Promise<void> => {
    const now = new Map<string, Entry>();
    for (const d of opts.watchDirs) truncated = (await walkAsync(d, watchLimScan, now)) || truncated;
    let sniffs = 0;
    for (const [p, e] of now) {
      if (e.dir || (e.mode & fs.constants.S_IFMT) === fs.constants.S_IFLNK) continue;
      const before = watch.get(p);
      if (before !== undefined && same(before, e)) continue;
      const exts = (e.mode & 0o111) !== 0 || SCRIPT_EXT.has(nodePath.extname(p).toLowerCase());
      const head = !exts && e.size >= 2 && sniffs++ < 64 ? await readHead(p) : undefined;
      const why = runnable(p, e, head);
      if (why === undefined) continue;
      const where = opts.watchDirs.find((d) => p.startsWith(d + nodePath.sep)) ?? nodePath.dirname(p);
      if (before === undefined) {
        push(finding('integrity.tmp-executable', p, `A new executable or script file appeared in ${where} between invocations (${why}, ${sizeText(e.size)}).`));
      } else {
        push(finding('integrity.tmp-executable-changed', p, `An executable or script file in ${where} was modified between invocations (${why}, ${sizeText(e.size)}).`));
      }
    }
    watch = now;
  };

  const checkCodeEntry = async (p: string): Promise<void> => {
    const before = code.get(p);
    if (before === undefined) return;
    let stat: fs.Stats | undefined;
    try {
      stat = await fs.promises.lstat(p);
    } catch {
      stat = undefined;
    }
    if (stat === undefined) {
      push(finding('integrity.code-removed', p, `A file of the function's code directory was removed after cold start.`));
      code.delete(p);
      return;
    }
    const e = entryOf(stat);
    if (same(before, e)) return;
    code.set(p, e);
    if (e.dir) {
      // Entries added to or removed from this directory.
      let names: string[] = [];
      try {
        names = await fs.promises.readdir(p);
      } catch {
        names = [];
      }
      const known = children.get(p) ?? new Set<string>();
      const nowSet = new Set(names);
      for (const n of names) {
        if (known.has(n)) continue;
        const child = nodePath.join(p, n);
        if (ignored(child, opts.ignore)) continue;
        known.add(n);
        let cst: fs.Stats | undefined;
        try {
          cst = await fs.promises.lstat(child);
        } catch {
          continue;
        }
        code.set(child, entryOf(cst));
        order.push(child);
        push(finding('integrity.code-added', child, `A ${cst.isDirectory() ? 'directory' : 'file'} was added to the function's code directory after cold start.`));
      }
      for (const n of known) {
        if (nowSet.has(n)) continue;
        known.delete(n);
        const child = nodePath.join(p, n);
        if (code.delete(child)) push(finding('integrity.code-removed', child, `An entry of the function's code directory was removed after cold start.`));
      }
      children.set(p, known);
      return;
    }
    const what = before.size !== e.size ? `size ${before.size} → ${e.size}` : before.mode !== e.mode ? `mode ${(before.mode & 0o7777).toString(8)} → ${(e.mode & 0o7777).toString(8)}` : before.mtimeMs !== e.mtimeMs ? 'modification time changed' : before.ino !== e.ino ? 'replaced (new inode)' : 'metadata changed (ctime)';
    push(finding('integrity.code-modified', p, `A file of the function's code directory changed after cold start (${what}).`));
  };

  const scanCode = async (): Promise<void> => {
    st.codeScans++;
    const targets: string[] = [...own];
    const n = Math.min(opts.budget, order.length);
    for (let i = 0; i < n; i++) {
      targets.push(order[cursor % order.length]!);
      cursor = (cursor + 1) % Math.max(order.length, 1);
    }
    for (let i = 0; i < targets.length; i += 32) await Promise.all(targets.slice(i, i + 32).map(checkCodeEntry));
    if (opts.hash && hashes.size > 0 && opts.hashSample > 0) {
      const keys = [...hashes.keys()];
      for (let i = 0; i < Math.min(opts.hashSample, keys.length); i++) {
        const p = keys[hashCursor++ % keys.length]!;
        const h = await sha256(p);
        if (h !== undefined && h !== hashes.get(p)) {
          hashes.set(p, h);
          push(finding('integrity.code-content', p, `The content of a file of the function's code directory changed after cold start (SHA-256 differs).`));
        }
      }
    }
  };

  const scan = async (full: boolean): Promise<void> => {
    await baseline;
    const t0 = performance.now();
    st.scans++;
    if (full || t0 >= nextWatchAt) {
      await scanWatch();
      nextWatchAt = performance.now() + opts.intervalMs;
    }
    if (full || t0 >= nextCodeAt) {
      if (opts.codeDirs.length > 0) await scanCode();
      nextCodeAt = performance.now() + opts.codeIntervalMs;
    }
    nextAt = Math.min(nextWatchAt, nextCodeAt);
    st.lastScanMicros = Math.round((performance.now() - t0) * 1000);
  };

  const start = (full: boolean): Promise<void> => {
    const p = new Promise<void>((r) => setImmediate(r))
      .then(() => scan(full))
      .catch(() => undefined)
      .finally(() => {
        if (scanning === p) scanning = undefined;
      });
    scanning = p;
    return p;
  };

  if (opts.watchDirs.length === 0) nextWatchAt = Infinity;
  if (opts.codeDirs.length === 0) nextCodeAt = Infinity;
  nextAt = Math.min(nextWatchAt, nextCodeAt);

  return {
    options: opts,
    check(): IntegrityVerdict | undefined {
      if (pending.length === 0) return tampered === undefined ? undefined : { action: 'block', findings: tampered, fresh: false };
      const findings = pending;
      pending = [];
      if (blocking) tampered = [...(tampered ?? []), ...findings].slice(0, MAX_PENDING);
      return { action: blocking ? 'block' : 'monitor', findings, fresh: true };
    },
    after(): void {
      if (scanning !== undefined || performance.now() < nextAt) return;
      void start(false);
    },
    get busy(): boolean {
      return scanning !== undefined;
    },
    async settled(ms = opts.waitMs): Promise<void> {
      const s = scanning;
      if (s === undefined) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([s, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      if (timer !== undefined) clearTimeout(timer);
    },
    ready: () => baseline,
    async scanNow(): Promise<Finding[]> {
      while (scanning !== undefined) await scanning;
      const before = pending.length;
      await start(true);
      return pending.slice(before);
    },
    stats(): IntegrityStats {
      return { ...st, codeEntries: code.size, watchEntries: watch.size, truncated, tampered: tampered !== undefined };
    },
  };
}
