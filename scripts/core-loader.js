/**
 * dist/pkg/core.js (copied there by scripts/pack-entries.js; the entries require it): runs
 * dist/pkg/core-code.js, the package's modules in one file (see pack-entries.js), compiled with the V8
 * code cache dist/pkg/core-code.cache when there is one and it fits this process. The package ships
 * none: a user makes it at deploy time, with the runtime's Node and V8 flags (scripts/code-cache.js;
 * README, "Cold start: an optional V8 code cache"). Without one, Node's CommonJS loader compiles
 * core-code.js as before, after one failed open() of the cache file.
 *
 * Why: compiling core-code.js (~1.4 MB) at import, then each function V8 compiles on its first call in
 * the first invocation, is a large part of what protect() adds to a cold start from node_modules. The
 * cache holds V8's bytecode of the functions code-cache.js's warm-up ran (import, protect(), two
 * ordinary invocations), taken after that warm-up: V8 deserializes it instead of parsing and
 * compiling. Cost: reading it (~0.55 MB) and the SHA-256 below.
 *
 * When it does not fit, Node's CommonJS loader compiles core-code.js as without one (same code, same
 * behaviour, plus reading the cache's first 4 KB):
 * - Another V8 version, or other V8 flags. Any non-default V8 flag counts, with its value: AWS Lambda's
 *   managed Node runtime starts node with --max-semi-space-size and --max-old-space-size derived from
 *   the function's memory (and --expose-gc), so a cache for it must be made under those flags.
 * - core-code.js changed since the cache was made. V8 checks the source only by its length: given a
 *   same-length edit it accepts the cache and runs the OLD bytecode (test/package/code-cache.test.ts
 *   shows it). So the header carries the SHA-256 of the source the cache was made from.
 * NODE_DEBUG=serverless-rasp says which case applied; `require('./core.js').codeCacheState` too.
 *
 * Not eval: vm.Script compiles like the CommonJS loader does, and works under
 * --disallow-code-generation-from-strings. Stack traces name core-code.js with its own line numbers
 * (the wrapper below is Node's, on the first line). The code must not use dynamic import() (a vm.Script
 * without importModuleDynamically cannot): pack-entries.js fails the build if it does. Whoever can
 * write the cache file can also write core-code.js: the cache adds no trust boundary.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const CODE = path.join(__dirname, 'core-code.js');
const CACHE = path.join(__dirname, 'core-code.cache');
/**
 * A cache file: this line, a JSON header line (at most HEADER_MAX bytes in all; see
 * scripts/code-cache.js, which writes it), then V8's data.
 */
const MAGIC = 'serverless-rasp code cache 1\n';
const HEADER_MAX = 4096;
// Node's CommonJS wrapper; scripts/code-cache.js compiles the source with the same one (V8 checks the
// length of the wrapped source; test/package/code-cache.test.ts checks the cache is accepted).
const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const TAIL = '\n});';

/**
 * The cache's header if the cache was made for a process like this one, else why not: same V8 version
 * and architecture, and the same V8 flags (V8 rejects a cache made under other flags, after a read of
 * the whole cache and ~3 ms more CPU than Node's own loader for the compile that follows). The flags
 * are taken to be the same when the node options and NODE_OPTIONS are, and to differ when they differ
 * in a known V8 flag (isV8Flag: AWS Lambda's case, see above); otherwise V8's own tag for that
 * (v8.cachedDataVersionTag(): version, flags, CPU features) decides, which costs loading node:v8.
 * Reads HEADER_MAX bytes.
 */
function fittingHeader() {
  let fd;
  const buf = Buffer.alloc(HEADER_MAX);
  let n;
  try {
    fd = fs.openSync(CACHE, 'r');
    n = fs.readSync(fd, buf, 0, HEADER_MAX, 0);
  } catch {
    return { why: 'absent' };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  const nl = buf.indexOf(10, MAGIC.length);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC || nl < 0 || nl >= n) return { why: 'unknown format' };
  let h;
  try {
    h = JSON.parse(buf.toString('utf8', MAGIC.length, nl));
  } catch {
    return { why: 'unknown format' };
  }
  if (typeof h !== 'object' || h === null || !Array.isArray(h.execArgv) || typeof h.nodeOptions !== 'string') return { why: 'unknown format' };
  if (h.v8 !== process.versions.v8 || h.arch !== process.arch) return { why: `made for V8 ${h.v8} ${h.arch}` };
  const mine = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')].filter((a) => a !== '');
  const theirs = [...h.execArgv, ...h.nodeOptions.split(' ')].filter((a) => a !== '');
  if (mine.length !== theirs.length || mine.some((a, i) => a !== theirs[i])) {
    if (mine.some((a) => !theirs.includes(a) && isV8Flag(a)) || theirs.some((a) => !mine.includes(a) && isV8Flag(a))) return { why: 'made for other V8 flags' };
    if (h.tag !== require('node:v8').cachedDataVersionTag()) return { why: 'made for other V8 flags' };
  }
  return { header: h, head: Buffer.from(buf.subarray(0, nl + 1)) };
}

/**
 * A V8 flag AWS Lambda's runtime passes, or another common one: if the options differ in one, V8 would
 * reject the cache, and loading node:v8 for its tag (~5 M instructions, ~0.5 ms) can be skipped.
 */
function isV8Flag(arg) {
  const a = String(arg).split('_').join('-');
  for (const f of ['--max-old-space-size', '--max-semi-space-size', '--expose-gc', '--stack-size', '--stack-trace-limit', '--jitless', '--no-opt']) {
    if (a === f || a.startsWith(`${f}=`)) return true;
  }
  return false;
}

let state;
let script;
let file;
const fit = fittingHeader();
const bytes = fit.header === undefined ? undefined : fs.readFileSync(CODE);
if (fit.header === undefined) {
  state = fit.why;
} else if (fit.header.sha256 !== require('node:crypto').createHash('sha256').update(bytes).digest('hex')) {
  // ~1 ms for 1.4 MB; node:crypto is loaded by the package's sinks anyway.
  state = 'source changed';
} else if (!(file = fs.readFileSync(CACHE)).subarray(0, fit.head.length).equals(fit.head)) {
  // Replaced since its header was read (scripts/code-cache.js renames a new one in): not checked.
  state = 'changed while read';
} else {
  const data = file.subarray(fit.head.length);
  script = new (require('node:vm').Script)(HEAD + bytes.toString('utf8') + TAIL, { filename: CODE, cachedData: data });
  // Rejected (V8 flags set some other way, e.g. v8.setFlagsFromString): V8 compiled the source instead.
  state = script.cachedDataRejected ? 'rejected by V8' : 'accepted';
}
if (state !== 'accepted') require('node:util').debuglog('serverless-rasp')(`code cache not used: ${state}`);

let target = exports;
if (script !== undefined) {
  script.runInThisContext().call(exports, exports, require, module, CODE, __dirname);
} else {
  // As before the cache: Node's CommonJS loader. (Compiling through vm.Script without a cache measured
  // ~3 ms more CPU per cold start than this.)
  target = module.exports = require('./core-code.js');
}
/** 'accepted', 'absent', 'source changed', 'made for other V8 flags', 'rejected by V8', ... (tests). */
Object.defineProperty(target, 'codeCacheState', { value: state });
