/**
 * fs, fs/promises: every path argument of every path-taking function is checked for input that takes
 * it out of its directory (path traversal), and against the `fsWrite`, `codeRead` and `credentialEnv`
 * (/proc/self/environ) policies. Reads made by the module loader are not the application's and are
 * skipped. File descriptors are not paths and pass.
 */
// A require, not an import: the sinks patch this very object (an ES namespace object is read-only),
// and the ESM build (dist/esm, what bundlers read) must keep it too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPath, pathRelevant } from './analysis/path';
import { currentInvocation, raise, sinkGlobal, type UserInput } from './context';
import { policyFinding, sinkFinding, wrapMethod } from './hooks';
import { isCodeRead, isEnvironFile, writeAllowed, type ResolvedPolicies } from './policies';

const state = sinkGlobal();
const realpathNative = fs.realpathSync.native;

/** r: read, w: write, m: metadata only, o: open (flags in the next argument decide). */
type Use = 'r' | 'w' | 'm' | 'o' | '-';

/** Path argument uses per function (callback and Sync forms share them). */
const CALLBACK_API: Record<string, Use[]> = {
  readFile: ['r'],
  readdir: ['r'],
  opendir: ['r'],
  readlink: ['r'],
  createReadStream: ['r'],
  open: ['o'],
  openAsBlob: ['r'],
  copyFile: ['r', 'w'],
  cp: ['r', 'w'],
  link: ['r', 'w'],
  symlink: ['-', 'w'],
  exists: ['m'],
  stat: ['m'],
  lstat: ['m'],
  statfs: ['m'],
  access: ['m'],
  realpath: ['m'],
  watch: ['m'],
  watchFile: ['m'],
  writeFile: ['w'],
  appendFile: ['w'],
  createWriteStream: ['w'],
  mkdir: ['w'],
  mkdtemp: ['w'],
  rm: ['w'],
  rmdir: ['w'],
  unlink: ['w'],
  rename: ['w', 'w'],
  truncate: ['w'],
  chmod: ['w'],
  lchmod: ['w'],
  chown: ['w'],
  lchown: ['w'],
  utimes: ['w'],
  lutimes: ['w'],
};

const PROMISES_API: Record<string, Use[]> = {
  readFile: ['r'],
  readdir: ['r'],
  opendir: ['r'],
  readlink: ['r'],
  open: ['o'],
  copyFile: ['r', 'w'],
  cp: ['r', 'w'],
  link: ['r', 'w'],
  symlink: ['-', 'w'],
  stat: ['m'],
  lstat: ['m'],
  statfs: ['m'],
  access: ['m'],
  realpath: ['m'],
  watch: ['m'],
  writeFile: ['w'],
  appendFile: ['w'],
  mkdir: ['w'],
  mkdtemp: ['w'],
  rm: ['w'],
  rmdir: ['w'],
  unlink: ['w'],
  rename: ['w', 'w'],
  truncate: ['w'],
  chmod: ['w'],
  lchmod: ['w'],
  chown: ['w'],
  lchown: ['w'],
  utimes: ['w'],
  lutimes: ['w'],
};

/** A path argument as a string, or undefined for file descriptors and file handles. */
export function pathString(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof URL) {
    if (arg.protocol !== 'file:') return undefined;
    try {
      return fileURLToPath(arg);
    } catch {
      return arg.pathname;
    }
  }
  if (Buffer.isBuffer(arg)) return arg.toString('utf8');
  // Node takes any Uint8Array as a path, not only a Buffer (`new TextEncoder().encode(p)`).
  if (arg instanceof Uint8Array) return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength).toString('utf8');
  if (isUrlLike(arg)) {
    try {
      return fileURLToPath(arg as unknown as URL);
    } catch {
      return undefined; // Node's own conversion throws the same way: the call fails
    }
  }
  return undefined;
}

/**
 * Node takes any object with `href` and `protocol` and without `auth` and `path` as a file URL
 * (internal/url isURL, duck-typed), so a JSON body's `{"href":"x","protocol":"file:","hostname":"",
 * "pathname":"/etc/pass%77d"}` handed to `fs.readFileSync(body.file)` reads /etc/passwd: the path
 * is `decodeURIComponent(pathname)`, which no input string contains. Application code passes real URL
 * instances; a plain object read as one is the attack's shape.
 */
function isUrlLike(arg: unknown): boolean {
  if (arg === null || typeof arg !== 'object' || arg instanceof URL || arg instanceof Uint8Array) return false;
  const o = arg as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown };
  return Boolean(o.href) && Boolean(o.protocol) && o.auth === undefined && o.path === undefined;
}

/** An input that is a field of a URL-like plain object given as a path (see isUrlLike). */
function urlLikeFromInput(arg: unknown, inputs: readonly UserInput[]): UserInput | undefined {
  if (!isUrlLike(arg)) return undefined;
  const o = arg as Record<string, unknown>;
  for (const k of ['pathname', 'href', 'protocol', 'hostname']) {
    const v = o[k];
    if (typeof v !== 'string' || v === '') continue;
    const input = inputs.find((i) => i.value === v);
    if (input) return input;
  }
  return undefined;
}

function openUse(flags: unknown): Use {
  if (flags === undefined || flags === null) return 'r';
  if (typeof flags === 'number') return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND)) !== 0 ? 'w' : 'r';
  if (typeof flags === 'string') return /[wa+]/.test(flags) ? 'w' : 'r';
  return 'r';
}

/** Resolves symlinks for policy checks (a link in /tmp must not open the code directory). */
function real(p: string, use: Use): string {
  const abs = nodePath.resolve(p);
  try {
    return realpathNative(abs);
  } catch {
    if (use === 'w') {
      try {
        return nodePath.join(realpathNative(nodePath.dirname(abs)), nodePath.basename(abs));
      } catch {
        return abs;
      }
    }
    return abs;
  }
}

function policyChecks(pol: ResolvedPolicies, operation: string, p: string, use: Use): void {
  const ctx = currentInvocation();
  if (use === 'w' && pol.fsWrite.action !== 'allow') {
    const r = real(p, 'w');
    if (!writeAllowed(pol.fsWrite, r)) {
      raise(ctx, policyFinding('fs-write', operation, `The function wrote outside the allowed directories (${pol.fsWrite.allow.join(', ')}).`, r), pol.fsWrite.action);
    }
  }
  if (use === 'r' && (pol.codeRead.action !== 'allow' || pol.credentialEnv.action !== 'allow')) {
    const r = real(p, 'r');
    if (pol.codeRead.action !== 'allow' && isCodeRead(pol.codeRead, r)) {
      raise(ctx, policyFinding('code-read', operation, 'The function read its own code directory and the codeRead policy forbids it.', r), pol.codeRead.action);
    }
    if (pol.credentialEnv.action !== 'allow' && isEnvironFile(r)) {
      raise(ctx, policyFinding('credential-env', operation, 'The function read the process environment as a file and the credentialEnv policy forbids it.', r), pol.credentialEnv.action);
    }
  }
}

/** Checks every path argument of one call. Throws SinkBlockedError to block. */
export function checkFsCall(operation: string, uses: readonly Use[], args: readonly unknown[]): void {
  if (state.loading > 0) return;
  const ctx = currentInvocation();
  const pol = ctx?.policies ?? state.outside.policies;
  const polActive = pol !== undefined && (pol.fsWrite.action !== 'allow' || pol.codeRead.action !== 'allow' || pol.credentialEnv.action !== 'allow');
  let inputs: readonly UserInput[] | undefined;
  if (ctx) inputs = ctx.memo('path-inputs', () => ctx.inputs.filter((i) => pathRelevant(i.value)));
  for (let i = 0; i < uses.length; i++) {
    // Before the early return below: the fields of such an object need not look like paths at all.
    if (ctx && uses[i] !== '-' && isUrlLike(args[i])) {
      const from = urlLikeFromInput(args[i], ctx.inputs);
      if (from) ctx.raise(sinkFinding('path-traversal', operation, { input: from, reason: 'A plain object from input is used as a file URL: Node reads the file its pathname names.' }, pathString(args[i]) ?? '[object]'), 'block');
    }
  }
  if (!polActive && (inputs === undefined || inputs.length === 0)) return;
  for (let i = 0; i < uses.length; i++) {
    let use = uses[i]!;
    if (use === '-') continue;
    const p = pathString(args[i]);
    if (p === undefined) continue;
    if (use === 'o') use = openUse(args[i + 1]);
    if (ctx && inputs && inputs.length > 0) {
      const v = checkPath(p, inputs);
      if (v) ctx.raise(sinkFinding('path-traversal', operation, v, p), 'block');
    }
    if (polActive) policyChecks(pol, operation, p, use);
  }
}

function wrapAll(obj: Record<string, unknown>, prefix: string, api: Record<string, Use[]>, sync: boolean): string[] {
  const done: string[] = [];
  for (const [name, uses] of Object.entries(api)) {
    const names = sync ? [name, `${name}Sync`] : [name];
    for (const n of names) {
      const operation = `${prefix}.${n}`;
      if (
        wrapMethod(obj, n, (orig) =>
          sync
            ? function (this: unknown, ...args: unknown[]) {
                checkFsCall(operation, uses, args);
                return orig.apply(this, args);
              }
            : function (this: unknown, ...args: unknown[]) {
                // A promise API reports a block as a rejection, like its other errors.
                try {
                  checkFsCall(operation, uses, args);
                } catch (err) {
                  return Promise.reject(err);
                }
                return orig.apply(this, args);
              },
        )
      )
        done.push(operation);
    }
  }
  return done;
}

export function installFs(): string[] {
  const done = wrapAll(fs as unknown as Record<string, unknown>, 'fs', CALLBACK_API, true);
  done.push(...wrapAll(fs.promises as unknown as Record<string, unknown>, 'fs.promises', PROMISES_API, false));
  return done;
}
