/**
 * http and https are patched when user code first gets them, not at installSinks, when the process has
 * not loaded them yet (src/sinks/http.ts installHttp; cold start: http, https, tls and crypto are not
 * loaded for a function that makes no http(s) call). Every way user code gets them is covered, each in
 * a fresh Node process (no test-runner preloads, which load net and http themselves):
 * - `require` (CommonJS, bundles): patched before require returns: a synchronous SinkBlockedError;
 * - process.getBuiltinModule: the same;
 * - an ES module `import` (no Node 20 hook sees it): the socket hook (net.Socket#connect) blocks the
 *   connection with the same check, as an 'error' event; the next `require` patches the module in
 *   place and re-syncs the import's bindings.
 * Already loaded at install: patched at once (the other sink tests, which import node:http first).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { loaderModule } from '../../src/sinks/hooks';
import { tempDir } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const dir = tempDir('rasp-lazy-http-');

function runNode(file: string): { results: Record<string, unknown>; stderr: string } {
  // env -i: the test runner injects preloads into the processes it spawns (through the environment it
  // adds even to an explicit one), and those load built-ins themselves.
  const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  let results: Record<string, unknown> = {};
  try {
    results = JSON.parse(line) as Record<string, unknown>;
  } catch {
    results = { parseError: r.stdout + r.stderr };
  }
  return { results, stderr: r.stderr };
}

const PRELUDE = `
const loaded = () => ['http', 'https', 'tls'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
const inputs = [{ value: 'https://169.254.169.254/latest/meta-data/iam/security-credentials/', source: 'body', path: 'body.url' }];
const out = {};
const attempt = (name, fn) => { try { fn(); out[name] = 'no throw'; } catch (e) { out[name] = e.code || e.message; } };
`;

t.before(async () => {
  await build({ entryPoints: [path.join(root, 'src/sinks/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'rasp.cjs'), external: ['re2'], logLevel: 'silent' });
});

t.test('CommonJS require after installSinks: patched before require returns', async (t) => {
  const file = path.join(dir, 'cjs.cjs');
  fs.writeFileSync(
    file,
    `const rasp = require('./rasp.cjs');
${PRELUDE}
const inst = rasp.installSinks();
out.atInstall = loaded();
// hooks.ts loaderModule: the loader from the module cache, not node:module's public module.
out.nodeModule = process.moduleLoadList.includes('NativeModule module');
out.listed = ['http.request', 'http.get', 'https.request', 'https.get'].filter((o) => inst.installed.includes(o));
rasp.runWithInvocation({ inputs }, () => {
  attempt('https.request', () => require('https').request('https://169.254.169.254/latest/meta-data/').on('error', () => {}).end());
  attempt('http.get', () => require('node:http').get({ host: '169.254.169.254', path: '/latest/' }).on('error', () => {}));
  // Not from input: let through (the request object exists; destroyed at once).
  attempt('benign', () => require('http').request({ host: '127.0.0.1', port: 9 }).on('error', () => {}).destroy());
});
out.after = loaded();
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(
    results,
    { atInstall: [], nodeModule: false, listed: ['http.request', 'http.get', 'https.request', 'https.get'], 'https.request': 'RASP_ERR_BLOCKED', 'http.get': 'RASP_ERR_BLOCKED', benign: 'no throw', after: ['http', 'https', 'tls'] },
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
rasp.runWithInvocation({ inputs }, () => {
  attempt('https.get', () => process.getBuiltinModule('node:https').get('https://169.254.169.254/latest/').on('error', () => {}));
  attempt('http.request', () => process.getBuiltinModule('http').request({ hostname: '169.254.169.254' }).on('error', () => {}).end());
});
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { atInstall: [], 'https.get': 'RASP_ERR_BLOCKED', 'http.request': 'RASP_ERR_BLOCKED' }, stderr);
});

t.test('ES module import after installSinks: the socket hook blocks the connection; a later require patches the import', async (t) => {
  const file = path.join(dir, 'esm.mjs');
  fs.writeFileSync(
    file,
    `import rasp from './rasp.cjs';
import { createRequire } from 'node:module';
${PRELUDE}
rasp.installSinks();
out.atInstall = loaded();
await rasp.runWithInvocation({ inputs }, async () => {
  const https = await import('node:https');
  let req;
  attempt('import', () => { req = https.request('https://169.254.169.254/latest/meta-data/'); });
  out.connection = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve('no error in 10 s'), 10_000);
    req.on('error', (e) => { clearTimeout(timer); resolve(e.code || e.message); });
    req.end();
  });
  createRequire(import.meta.url)('node:https');
  attempt('named after require', () => https.request('https://169.254.169.254/latest/').on('error', () => {}).end());
  attempt('default after require', () => https.default.get('https://169.254.169.254/latest/').on('error', () => {}));
});
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { atInstall: [], import: 'no throw', connection: 'RASP_ERR_BLOCKED', 'named after require': 'RASP_ERR_BLOCKED', 'default after require': 'RASP_ERR_BLOCKED' }, stderr);
});

t.test('loaded before installSinks: patched at install (ESM named imports re-synced)', async (t) => {
  const file = path.join(dir, 'early.mjs');
  fs.writeFileSync(
    file,
    `import { request } from 'node:https';
import rasp from './rasp.cjs';
${PRELUDE}
rasp.installSinks();
rasp.runWithInvocation({ inputs }, () => {
  attempt('named', () => request('https://169.254.169.254/latest/').on('error', () => {}).end());
});
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { named: 'RASP_ERR_BLOCKED' }, stderr);
});

t.test('another copy of the library hooked the loader first: this copy patches at install instead', async (t) => {
  fs.copyFileSync(path.join(dir, 'rasp.cjs'), path.join(dir, 'rasp-copy.cjs'));
  const file = path.join(dir, 'copies.cjs');
  fs.writeFileSync(
    file,
    `const first = require('./rasp.cjs');
const second = require('./rasp-copy.cjs');
${PRELUDE}
first.installSinks({ sinks: { http: false } });
out.afterFirst = loaded();
second.installSinks();
out.afterSecond = loaded();
second.runWithInvocation({ inputs }, () => {
  attempt('https.request', () => require('https').request('https://169.254.169.254/latest/').on('error', () => {}).end());
});
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { afterFirst: [], afterSecond: ['http', 'https', 'tls'], 'https.request': 'RASP_ERR_BLOCKED' }, stderr);
});

t.test('loaderModule is the loader node:module exports', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  t.equal(loaderModule(), require('node:module'));
});

t.test('the socket hook could not be installed (its method marked wrapped): http and https patched at install', async (t) => {
  const file = path.join(dir, 'no-socket-hook.cjs');
  fs.writeFileSync(
    file,
    `const net = require('node:net');
Object.defineProperty(net.Socket.prototype.connect, Symbol.for('serverless-rasp.wrapped'), { value: true });
const rasp = require('./rasp.cjs');
${PRELUDE}
const inst = rasp.installSinks();
out.socketHook = inst.installed.includes('net.Socket.connect (post-DNS)');
out.atInstall = loaded();
rasp.runWithInvocation({ inputs }, () => {
  attempt('https.request', () => require('https').request('https://169.254.169.254/latest/').on('error', () => {}).end());
});
console.log(JSON.stringify(out));
`,
  );
  const { results, stderr } = runNode(file);
  t.same(results, { socketHook: false, atInstall: ['http', 'https', 'tls'], 'https.request': 'RASP_ERR_BLOCKED' }, stderr);
});
