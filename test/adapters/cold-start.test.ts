/**
 * Cold start: optional subsystems (Redis store, integrity, egress watch, audit report, virtual
 * patches, ajv, re2js, OpenTelemetry) are loaded only when configured, and built-ins only by the
 * sink groups that patch them. When configured they still work, also from an esbuild bundle that has
 * no node_modules next to it (the lazy requires are inlined). Each case runs in a fresh Node process.
 * Runs against dist/ (`npm test` builds first).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { build } from 'esbuild';
import * as ev from '../helpers/lambda-events';
import { tempDir } from '../sinks/helpers';

type Any = any;
const root = path.resolve(__dirname, '..', '..');
const adapter = path.join(root, 'dist', 'adapters', 'aws-lambda', 'index.js');
const OPTIONAL = /[\\/](redis-store|resp|integrity[\\/]index|egress[\\/]index|patches[\\/](index|audit))\.js$|[\\/]node_modules[\\/](ajv|re2js|@opentelemetry)[\\/]/;

/** Requires the built adapter in a fresh process, calls protect(options), reports what got loaded. */
function loadedBy(options: string): { modules: string[]; builtins: string[]; stderr: string } {
  const script = `
const before = new Set(process.moduleLoadList);
const { protect } = require(${JSON.stringify(adapter)});
protect(async () => ({ statusCode: 200 }), ${options});
const builtins = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice(13));
console.log(JSON.stringify({ modules: Object.keys(require.cache), builtins }));
`;
  const file = path.join(tempDir('rasp-cold-load-'), 'load.js');
  fs.writeFileSync(file, script);
  // A clean environment through env -i: the test runner injects preloads (NODE_OPTIONS) into the
  // processes it spawns, and those load child_process and net themselves.
  const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{"modules":[],"builtins":[]}') as { modules: string[]; builtins: string[] };
  return { ...out, stderr: r.stderr };
}

t.test('defaults load no optional subsystem', async (t) => {
  const r = loadedBy('{ log: false }');
  t.ok(r.modules.some((m) => m.endsWith(path.join('sinks', 'install.js'))), r.stderr);
  t.same(r.modules.filter((m) => OPTIONAL.test(m)), [], 'no Redis store, integrity, egress watch, audit, patches, ajv, re2js, OpenTelemetry');
  for (const b of ['net', 'vm']) t.ok(r.builtins.includes(b), `${b} patched`);
  // Patched when the application first requires them (test/sinks/lazy-http.test.ts and
  // lazy-child-process.test.ts), not loaded here: every child process is checked meanwhile at the
  // choke points in Node's bindings.
  for (const b of ['http', 'https', 'tls', 'crypto', 'child_process', 'dgram']) t.notOk(r.builtins.includes(b), `${b} not loaded`);
  // The default fsWrite allowlist's os.tmpdir(), computed on first read while the policy is off.
  t.notOk(r.builtins.includes('os'), 'os not loaded');
  // The CommonJS loader taken from the module cache (sinks/hooks.ts loaderModule), not node:module.
  t.notOk(r.builtins.includes('module'), 'node:module not loaded');
});

t.test('sinks: false loads none of the built-ins the sinks patch', async (t) => {
  const r = loadedBy('{ log: false, sinks: false }');
  t.ok(r.modules.some((m) => m.endsWith(path.join('sinks', 'install.js'))), r.stderr);
  for (const b of ['child_process', 'http', 'https', 'net', 'dns', 'vm', 'tls', 'crypto']) t.notOk(r.builtins.includes(b), `${b} not loaded`);
});

t.test('configured subsystems are loaded', async (t) => {
  const dir = tempDir('rasp-cold-');
  fs.writeFileSync(path.join(dir, 'audit.json'), JSON.stringify({ auditReportVersion: 2, vulnerabilities: {} }));
  const r = loadedBy(
    `{ log: false, integrity: { watchDirs: [${JSON.stringify(dir)}], codeDirs: [] }, egressWatch: true, auditReport: ${JSON.stringify(path.join(dir, 'audit.json'))}, virtualPatches: [{ id: 'ua', where: 'headers.user-agent', match: 'sqlmap' }] }`,
  );
  for (const re of [/integrity[\\/]index\.js$/, /egress[\\/]index\.js$/, /patches[\\/]audit\.js$/, /patches[\\/]index\.js$/]) {
    t.ok(r.modules.some((m) => re.test(m)), `${re} loaded`, { stderr: r.stderr });
  }
});

// Both trees: the CommonJS one (what a bundler reads when it ignores the `module` condition) and the
// ES module one (esbuild, webpack and rollup by default), whose lazy require()s esbuild inlines too.
for (const tree of [['adapters'], ['esm', 'adapters']]) t.test(`an esbuild bundle of dist/${tree.join('/')} without node_modules: every lazily loaded subsystem works`, async (t) => {
  const dir = tempDir('rasp-cold-bundle-');
  const watch = path.join(dir, 'watched');
  const outDir = path.join(dir, 'out');
  fs.mkdirSync(watch);
  fs.mkdirSync(outDir);
  // Shipped with the function: relative paths resolve against its directory (the cwd on Lambda).
  fs.writeFileSync(path.join(outDir, 'audit.json'), JSON.stringify({ auditReportVersion: 2, vulnerabilities: {} }));
  fs.writeFileSync(path.join(outDir, 'patches.json'), JSON.stringify([{ id: 'scanner-ua', where: 'headers.user-agent', match: '(?i)sqlmap' }]));
  const src = path.join(dir, 'handler.ts');
  fs.writeFileSync(
    src,
    `import { protect } from ${JSON.stringify(path.join(root, 'dist', ...tree, 'aws-lambda', 'index.js'))};
export const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), {
  log: false,
  schemas: { 'POST /orders': { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]+$' } }, required: ['sku'] } },
  virtualPatches: 'patches.json',
  integrity: { watchDirs: [${JSON.stringify(watch)}], codeDirs: [], intervalMs: 0, codeIntervalMs: 0 },
  egressWatch: true,
  auditReport: 'audit.json',
});
`,
  );
  const out = path.join(outDir, 'handler.js');
  await build({ entryPoints: [src], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile: out, external: ['re2'], logLevel: 'silent' });
  const json = { 'content-type': 'application/json' };
  const post = (ua: string, body: unknown): unknown =>
    ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', headers: { ...json, 'user-agent': ua }, body: JSON.stringify(body) });
  const events = [post('curl/8.5.0', { sku: 'ABC' }), post('curl/8.5.0', { sku: 'abc' }), post('sqlmap/1.7.2', { sku: 'ABC' })];
  fs.writeFileSync(path.join(outDir, 'events.json'), JSON.stringify(events));
  const runner = path.join(outDir, 'run.js');
  fs.writeFileSync(
    runner,
    `const { handler } = require('./handler.js');
const events = JSON.parse(require('fs').readFileSync(require('path').join(__dirname, 'events.json'), 'utf8'));
const ctx = { awsRequestId: 'r', functionName: 'f', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 3000 };
(async () => {
  const res = [];
  for (const e of events) res.push((await handler(e, ctx)).statusCode);
  const s = handler.getStats();
  console.log(JSON.stringify({ res, integrity: s.integrity !== undefined, egress: s.egress !== undefined }));
})();
`,
  );
  // Run from the output directory alone: nothing to resolve ajv, re2js or the library from.
  const r = spawnSync(process.execPath, [runner], { cwd: path.dirname(out), encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  let result: Any = {};
  try {
    result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  } catch {
    result = { parseError: r.stdout + r.stderr };
  }
  t.same(result, { res: [200, 400, 403], integrity: true, egress: true }, 'valid 200, schema 400 (pattern on re2js), patch 403; integrity and egress watch on', { stderr: r.stderr });
  t.match(r.stderr, /RASP_W_NO_RE2/, 'without re2 next to the bundle, the inlined re2js runs the patterns');
});

// scripts/embed-optional.js: in dist/esm (what bundlers read) ajv and re2js are compressed text,
// compiled on the first require, so a bundle that never needs them does not pre-parse ~270 KB of their code at every
// cold start. The bundle test above runs them from that text (schema, virtual patch, re2js fallback).
t.test('dist/esm carries ajv and re2js as text, at the installed versions, required only from there', async (t) => {
  const esm = path.join(root, 'dist', 'esm', 'src');
  for (const pkg of ['ajv', 're2js']) {
    const text = fs.readFileSync(path.join(esm, 'embedded', `${pkg}.js`), 'utf8');
    const version = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    t.match(text, `: ${pkg} ${version}, bundled`, `${pkg} ${version}`);
    // The literal is returned by a function declaration (pre-parsed in a bundle, not turned into a
    // heap string at every cold start: see textModule there), brotli-compressed as base64: ~109 KB of
    // the bundle instead of ~318 KB for the three texts.
    const literal = /^function packed\(\) \{\n {2}return "([A-Za-z0-9+/=]*)";\n\}$/m.exec(text);
    t.ok(literal, `${pkg}: its code is a base64 string literal, returned by a function`);
    const code = zlib.brotliDecompressSync(Buffer.from(literal?.[1] ?? '', 'base64')).toString('utf8');
    t.match(code, `//# sourceURL=serverless-rasp/embedded/${pkg}.js`, `${pkg}: the literal is its compressed code`);
    t.ok(literal !== null && literal[1]!.length < code.length / 2, `${pkg}: compressed to under half (${literal?.[1]?.length ?? 0} of ${code.length} characters)`);
    t.match(text, /^new Function\("module", "exports", text\(\)\)\(m, m\.exports\);$/m, `${pkg}: compiled from that text on the first require`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(path.join(esm, 'embedded', `${pkg}.js`)) as Record<string, unknown>;
    t.ok(pkg === 'ajv' ? typeof exported.default === 'function' : typeof (exported.RE2JS as { compile?: unknown } | undefined)?.compile === 'function', `${pkg} exports`);
  }
  const users: Record<string, string> = { 'regex.js': 're2js', 'schema.js': 'ajv', 'patches/index.js': 'ajv' };
  for (const [file, pkg] of Object.entries(users)) {
    const src = fs.readFileSync(path.join(esm, file), 'utf8');
    t.notMatch(src, `require('${pkg}')`, `${file} does not require ${pkg} from node_modules`);
    t.match(src, `embedded/${pkg}.js')`, `${file} requires the embedded ${pkg}`);
  }
});

// Review (rC, s22): brotli carries no checksum. Of random one-character changes to the base64, about
// one in ten decompressed to different code that still compiled and ran (re2js's tables, ajv's
// keywords): a damaged or edited bundle ran altered pattern and schema checks without a word. The
// generated module checks the length and CRC-32 of the build's text; every damaged copy throws, with
// a message that says what happened. Each text: one change that decompresses to other code, one that
// does not decompress.
t.test('a damaged embedded text fails loudly at its first require, never runs altered code', async (t) => {
  const dir = tempDir('rasp-embed-damaged-');
  const esm = path.join(root, 'dist', 'esm', 'src', 'embedded');
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (const pkg of ['re2js', 'ajv', 'ajv-meta']) {
    const file = fs.readFileSync(path.join(esm, `${pkg}.js`), 'utf8');
    const m = /return "([A-Za-z0-9+/=]*)";/.exec(file);
    t.ok(m, `${pkg}: base64 literal`);
    const b64 = m![1]!;
    const original = zlib.brotliDecompressSync(Buffer.from(b64, 'base64'));
    let silent: string | undefined;
    let broken: string | undefined;
    // Deterministic walk over positions and replacement characters; bounded.
    for (let k = 0; k < 4000 && (silent === undefined || broken === undefined); k++) {
      const i = 64 + ((k * 7919) % (b64.length - 128));
      const c = B64[(B64.indexOf(b64[i]!) + 1 + (k % 63)) % 64]!;
      const bad = b64.slice(0, i) + c + b64.slice(i + 1);
      let out: Buffer | undefined;
      try {
        out = zlib.brotliDecompressSync(Buffer.from(bad, 'base64'));
      } catch {
        broken ??= bad;
        continue;
      }
      if (!out.equals(original)) silent ??= bad;
    }
    t.ok(silent !== undefined && broken !== undefined, `${pkg}: found a change that decompresses to other code, and one that does not`);
    for (const [kind, bad, msg] of [
      ['other code', silent!, /serverless-rasp: the embedded [\w-]+ is damaged \(its length or CRC-32 differs/],
      ['no brotli stream', broken!, /serverless-rasp: the embedded [\w-]+ cannot be decompressed/],
    ] as const) {
      const copy = path.join(dir, `${pkg}-${kind.replace(/ /g, '-')}.js`);
      fs.writeFileSync(copy, file.replace(b64, bad));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      t.throws(() => require(copy), msg, `${pkg}, changed to ${kind}: throws at require`);
    }
  }
});

// A loop among a module's top-level statements runs in the bundle's top-level function (esbuild
// hoists the top level of every module it does not wrap into one function: ~430 KB of bytecode in
// the bench's bundle). Its iterations spend that function's tier-up budget, and V8 then
// baseline-compiles the whole function (Sparkplug, on the main thread, at every cold start: measured
// 15.3 -> 13.8 ms of CPU for the bench bundle's top level once its 39 such loops were each in a function
// of its own; --trace-baseline-batch-compilation shows the ~430 KB function enqueued, then not).
// A loop in a function of its own (an IIFE, as most tables are built) spends that function's budget.
t.test('no loop at the top level of a module (dist/esm: what bundlers hoist)', async (t) => {
  const esm = path.join(root, 'dist', 'esm');
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        // tsc indents everything nested: a statement at column 0 is at the module's top level.
        fs.readFileSync(p, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/^(for|while|do)\b/.test(line)) found.push(`${path.relative(esm, p)}:${i + 1}: ${line.slice(0, 60)}`);
          });
      }
    }
  };
  walk(path.join(esm, 'src'));
  walk(path.join(esm, 'adapters'));
  t.same(found, [], 'top-level loops');
  // The check itself: it sees a top-level loop where one is.
  t.match('for (let c = 0; c < 10; c++) HEX[48 + c] = c;', /^(for|while|do)\b/);
});

// Tables built at load by calling detector functions thousands of times make V8 optimize those
// functions with TurboFan during the import, at every cold start: the shell detector's SHORT_RUN
// (~7,900 runMayNameAt calls) cost ~9 ms of a compile thread and ~6 ms of load CPU that way, until
// the table was written out (SHORT_RUN_TRUE). Loading the package, protect() and a first invocation
// must optimize nothing of ours. `--trace-opt` names each function V8 marks or compiles for TurboFan.
t.test('no TurboFan compile while loading the package, protecting a handler and running it once', async (t) => {
  const pkg = path.join(root, 'dist', 'pkg', 'aws-lambda.js');
  const script = `
const { protect } = require(${JSON.stringify(pkg)});
const h = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false });
h(${JSON.stringify(ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', body: JSON.stringify({ sku: 'A-1', qty: 2, note: "O'Brien's order; ring twice" }) }))}, { awsRequestId: 'r', functionName: 'f', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 30000 })
  .then((r) => console.log('status', r.statusCode));
`;
  const file = path.join(tempDir('rasp-cold-opt-'), 'opt.js');
  fs.writeFileSync(file, script);
  const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, '--trace-opt', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  t.match(r.stdout, /status 200/, r.stderr);
  const turbofan = r.stdout.split('\n').filter((l) => /TURBOFAN/.test(l));
  t.same(turbofan, [], 'functions optimized during the cold start');
  // The check itself: the flag prints such lines for a function made hot at load.
  const hot = spawnSync(process.execPath, ['--trace-opt', '-e', 'function f(x){return x*2+1}let s=0;for(let i=0;i<2e6;i++)s+=f(i);console.log(s>0)'], { encoding: 'utf8', timeout: 60_000 });
  t.match(hot.stdout, /TURBOFAN/);
});

// The global `performance` is a lazy accessor: its first read loads perf_hooks (node:perf_hooks and
// eight internal modules, ~12 M instructions under callgrind). The adapters time with process.uptime()
// (src/clock.ts), so a first invocation (inspection, handler, DoW accounting) loads none of it. A
// blocked invocation too (the event path), and each provider's wrapper.
t.test('the first invocation reads no performance.now() (perf_hooks not loaded)', async (t) => {
  const pkg = path.join(root, 'dist', 'pkg', 'aws-lambda.js');
  const gcp = path.join(root, 'dist', 'pkg', 'gcp-functions.js');
  const event = (note: string) => JSON.stringify(ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', body: JSON.stringify({ sku: 'A-1', qty: 2, note }) }));
  const ctx = `{ awsRequestId: 'r', functionName: 'f', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 30000 }`;
  const script = `
const perf = () => process.moduleLoadList.filter((m) => /perf_hooks|internal\\/perf\\/performance$/.test(m));
const { protect } = require(${JSON.stringify(pkg)});
const h = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false });
const g = require(${JSON.stringify(gcp)}).protect((req, res) => res.status(200).send('ok'), { log: false });
const res = { statusCode: 0, headersSent: false, status(c) { this.statusCode = c; return this; }, setHeader() {}, set() { return this; }, send() { this.headersSent = true; return this; }, json() { this.headersSent = true; return this; }, end() { this.headersSent = true; return this; }, on() {}, once() {}, getHeader() {} };
(async () => {
  const ok = await h(${event("O'Brien's order; ring twice")}, ${ctx});
  const blocked = await h(${event("' or 1=1 --")}, ${ctx});
  await g({ method: 'POST', url: '/orders', path: '/orders', headers: { 'content-type': 'application/json' }, body: { q: 'summer sale' }, query: {} }, res);
  console.log(JSON.stringify({ ok: ok.statusCode, blocked: blocked.statusCode, perf: perf() }));
})();
`;
  const file = path.join(tempDir('rasp-cold-perf-'), 'perf.js');
  fs.writeFileSync(file, script);
  const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{}') as { ok?: number; blocked?: number; perf?: string[] };
  t.equal(out.ok, 200, r.stderr);
  t.equal(out.blocked, 403, 'the attack is blocked');
  t.same(out.perf, [], 'perf_hooks not loaded');
  // The check itself: one read of the global loads it.
  const read = spawnSync(process.execPath, ['-e', 'performance.now(); console.log(process.moduleLoadList.some((m) => m.endsWith("perf_hooks")))'], { encoding: 'utf8', timeout: 60_000 });
  t.match(read.stdout, /true/);
});
