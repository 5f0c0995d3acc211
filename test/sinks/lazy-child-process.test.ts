/**
 * child_process is patched when user code first gets it, not at installSinks, when the process has not
 * loaded it yet (src/sinks/child_process.ts installChildProcess; cold start: child_process,
 * internal/child_process and dgram are not loaded, ~12 M instructions with Lambda's V8 flags). Every
 * child process still starts at a choke point installed at installSinks, in Node's bindings
 * (process_wrap's Process#spawn, spawn_sync's spawn), so each way user code gets the module is covered,
 * each in a fresh Node process (no test-runner preloads, which load child_process themselves):
 * - `require` (CommonJS, bundles) and process.getBuiltinModule: the exports are patched before the
 *   module is returned;
 * - an ES module `import` (no Node 20 hook sees it): unpatched exports, checked at the binding choke
 *   points with the same checks (the command never runs); the next `require` patches the module in
 *   place and re-syncs the import's bindings.
 * Already loaded at install: patched at once (the other sink tests, whose runner loaded it).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { tempDir } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const dir = tempDir('rasp-lazy-cp-');
const marker = path.join(dir, 'pwned');

function runNode(file: string): { results: Record<string, unknown>; stderr: string } {
  fs.rmSync(marker, { force: true });
  // env -i: the test runner injects preloads into the processes it spawns, and those load
  // child_process themselves.
  const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  let results: Record<string, unknown> = {};
  try {
    results = JSON.parse(line) as Record<string, unknown>;
  } catch {
    results = { parseError: r.stdout + r.stderr };
  }
  return { results: { ...results, pwned: fs.existsSync(marker) }, stderr: r.stderr };
}

const INJECT = `x; touch ${marker}`;
const PRELUDE = `
const loaded = () => ['child_process', 'internal/child_process', 'dgram'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
const inputs = [{ value: ${JSON.stringify(INJECT)}, source: 'body', path: 'body.name' }];
const out = {};
// Each attempt in an invocation of its own: the result, and the operation the finding names.
const attempt = (name, fn) => {
  let op = '';
  rasp.runWithInvocation({ inputs, report: (f) => { op ||= f.operation; } }, () => {
    try { fn(); out[name] = 'no throw'; } catch (e) { out[name] = e.code || e.message; }
  });
  if (op) out[name] += ' at ' + op;
};
const ops = ['child_process.exec', 'child_process.execSync', 'child_process.spawn', 'child_process.spawnSync', 'child_process.execFile', 'child_process.execFileSync', 'child_process.ChildProcess.prototype.spawn', 'child_process.fork', 'child_process (process_wrap binding)', 'child_process (spawn_sync binding)'];
`;
const CMD = JSON.stringify(`echo ${INJECT}`);

t.before(async () => {
  await build({ entryPoints: [path.join(root, 'src/sinks/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'rasp.cjs'), external: ['re2'], logLevel: 'silent' });
});

t.test('CommonJS require after installSinks: not loaded at install, patched before require returns', async (t) => {
  const file = path.join(dir, 'cjs.cjs');
  fs.writeFileSync(
    file,
    `const rasp = require('./rasp.cjs');
${PRELUDE}
const inst = rasp.installSinks({ sinks: { http: false, fetch: false } });
out.atInstall = loaded();
out.listed = ops.filter((o) => inst.installed.includes(o)).length;
{
  attempt('execSync', () => require('child_process').execSync(${CMD}));
  attempt('spawn shell', () => require('node:child_process').spawn(${CMD}, { shell: true }).on('error', () => {}));
  // Not from input: runs.
  attempt('benign', () => require('child_process').execFileSync('true'));
}
out.after = loaded();
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(
    results,
    { atInstall: [], listed: 10, execSync: 'RASP_ERR_BLOCKED at child_process.execSync', 'spawn shell': 'RASP_ERR_BLOCKED at child_process.spawn', benign: 'no throw', after: ['child_process', 'internal/child_process', 'dgram'], pwned: false },
    stderr,
  );
});

t.test('process.getBuiltinModule after installSinks: patched', { skip: typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule !== 'function' && 'no process.getBuiltinModule' }, async (t) => {
  const file = path.join(dir, 'gbm.cjs');
  fs.writeFileSync(
    file,
    `const rasp = require('./rasp.cjs');
${PRELUDE}
rasp.installSinks();
out.atInstall = loaded();
{
  attempt('exec', () => process.getBuiltinModule('node:child_process').exec(${CMD}));
}
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { atInstall: [], exec: 'RASP_ERR_BLOCKED at child_process.exec', pwned: false }, stderr);
});

t.test('ES module import after installSinks: the binding choke points block; a later require patches the import', async (t) => {
  const file = path.join(dir, 'esm.mjs');
  fs.writeFileSync(
    file,
    `import rasp from './rasp.cjs';
import { createRequire } from 'node:module';
${PRELUDE}
rasp.installSinks();
out.atInstall = loaded();
{
  const cp = await import('node:child_process');
  attempt('import exec', () => cp.exec(${CMD}));
  attempt('import execSync', () => cp.execSync(${CMD}));
  attempt('import spawn shell', () => cp.spawn(${CMD}, { shell: true }));
  attempt('import benign', () => cp.execFileSync('true'));
  createRequire(import.meta.url)('node:child_process');
  attempt('named after require', () => cp.execSync(${CMD}));
  attempt('default after require', () => cp.default.exec(${CMD}));
}
// Let an exec that was not stopped run to its end before the marker is looked at.
await new Promise((resolve) => setTimeout(resolve, 300));
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(
    results,
    {
      atInstall: [],
      'import exec': 'RASP_ERR_BLOCKED at child_process (process_wrap binding)',
      'import execSync': 'RASP_ERR_BLOCKED at child_process (spawnSync)',
      'import spawn shell': 'RASP_ERR_BLOCKED at child_process (process_wrap binding)',
      'import benign': 'no throw',
      'named after require': 'RASP_ERR_BLOCKED at child_process.execSync',
      'default after require': 'RASP_ERR_BLOCKED at child_process.exec',
      pwned: false,
    },
    stderr,
  );
});

t.test('loaded before installSinks: patched at install (ESM named imports re-synced)', async (t) => {
  const file = path.join(dir, 'early.mjs');
  fs.writeFileSync(
    file,
    `import { execSync } from 'node:child_process';
import rasp from './rasp.cjs';
${PRELUDE}
const inst = rasp.installSinks();
out.listed = ops.filter((o) => inst.installed.includes(o)).length;
{
  attempt('named', () => execSync(${CMD}));
}
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { listed: 10, named: 'RASP_ERR_BLOCKED at child_process.execSync', pwned: false }, stderr);
});

t.test('a binding choke point could not be installed (its method marked wrapped): child_process patched at install', async (t) => {
  const file = path.join(dir, 'no-binding.cjs');
  fs.writeFileSync(
    file,
    `process.noDeprecation = true;
const pw = process.binding('process_wrap');
Object.defineProperty(pw.Process.prototype.spawn, Symbol.for('serverless-rasp.wrapped'), { value: true });
const rasp = require('./rasp.cjs');
${PRELUDE}
const inst = rasp.installSinks();
out.processWrap = inst.installed.includes('child_process (process_wrap binding)');
out.atInstall = loaded();
attempt('execSync', () => require('child_process').execSync(${CMD}));
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { processWrap: false, atInstall: ['child_process', 'internal/child_process', 'dgram'], execSync: 'RASP_ERR_BLOCKED at child_process.execSync', pwned: false }, stderr);
});

// Review (rC, s22). fork(modulePath) through exports the fork wrapper never saw: an ES module import
// after installSinks (checked only at process_wrap, where the module is an argument of execPath) and a
// reference taken before installSinks (checked at ChildProcess#spawn, where 'ipc' is still a stdio
// string). Both ran the input's module before; the fork export's check (module path from input) now
// applies there too. And a refusal at process_wrap closes the stdio pipes Node made for the call
// (before: three Pipe handles left open per refused child, listed by process._getActiveHandles).
const FORKED = path.join(dir, 'forked.cjs');
fs.writeFileSync(FORKED, `require('fs').writeFileSync(${JSON.stringify(marker)}, '');\n`);
const FORK_PRELUDE = `
const out = {};
const attemptWith = (name, value, fn) => {
  let op = '';
  rasp.runWithInvocation({ inputs: [{ value, source: 'body', path: 'body.job' }], report: (f) => { op ||= f.operation; } }, () => {
    try { const c = fn(); out[name] = 'no throw'; c?.on?.('error', () => {}); } catch (e) { out[name] = e.code || e.message; }
  });
  if (op) out[name] += ' at ' + op;
};
const pipes = () => process._getActiveHandles().filter((h) => h.constructor?.name === 'Pipe').length;
`;

t.test('fork of a module path from input, through an ES module import after installSinks: blocked at process_wrap', async (t) => {
  const file = path.join(dir, 'esm-fork.mjs');
  fs.writeFileSync(
    file,
    `import rasp from './rasp.cjs';
${FORK_PRELUDE}
rasp.installSinks();
const cp = await import('node:child_process');
attemptWith('fork', ${JSON.stringify(FORKED)}, () => cp.fork(${JSON.stringify(FORKED)}));
attemptWith('fork own execArgv', ${JSON.stringify(FORKED)}, () => cp.fork(${JSON.stringify(FORKED)}, ['a'], { execArgv: ['--no-warnings'] }));
// The input is an argument of the forked module, not the module: runs.
let benign;
attemptWith('benign fork', 'a', () => (benign = cp.fork(${JSON.stringify(path.join(dir, 'noop.cjs'))}, ['a'], { execArgv: [] })));
// The benign child's own IPC pipe stays open until it has exited, which on a loaded machine can take
// longer than any fixed wait: count the pipes once it has closed ('close' is attached in the tick
// that forked it, so it cannot have fired yet).
const benignClosed = benign ? new Promise((resolve) => benign.once('close', resolve)) : Promise.resolve();
attemptWith('exec', 'x; touch ${marker}', () => cp.exec(${CMD}));
await benignClosed;
await new Promise((resolve) => setTimeout(resolve, 300));
out.pipes = pipes();
console.log(JSON.stringify(out));
`,
  );
  fs.writeFileSync(path.join(dir, 'noop.cjs'), 'process.exit(0);\n');
  const { results, stderr } = runNode(file);
  t.same(
    results,
    {
      fork: 'RASP_ERR_BLOCKED at child_process (process_wrap binding)',
      'fork own execArgv': 'RASP_ERR_BLOCKED at child_process (process_wrap binding)',
      'benign fork': 'no throw',
      exec: 'RASP_ERR_BLOCKED at child_process (process_wrap binding)',
      pipes: 0,
      pwned: false,
    },
    stderr,
  );
});

t.test('fork of a module path from input, through a reference taken before installSinks: blocked at ChildProcess#spawn', async (t) => {
  const file = path.join(dir, 'early-fork.cjs');
  fs.writeFileSync(
    file,
    `const { fork } = require('node:child_process');
const rasp = require('./rasp.cjs');
${FORK_PRELUDE}
rasp.installSinks();
attemptWith('fork', ${JSON.stringify(FORKED)}, () => fork(${JSON.stringify(FORKED)}));
setTimeout(() => console.log(JSON.stringify(out)), 300);
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { fork: 'RASP_ERR_BLOCKED at child_process (ChildProcess.spawn)', pwned: false }, stderr);
});
