/**
 * The package as a consumer sees it: built output, subpath exports, `require` and `import`, and types
 * under both module systems. Runs against dist/ (`npm test` builds first).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const node = (args: string[], cwd = root) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });

t.test('require() and import work by package name', async (t) => {
  const cjs = node(['-e', "const a = require('serverless-rasp/aws-lambda'); const c = require('serverless-rasp'); console.log(typeof a.protect, typeof c.createEngine, typeof c.RequestBlockedError)"]);
  t.equal(cjs.stdout.trim(), 'function function function', cjs.stderr);
  const esm = node([
    '--input-type=module',
    '-e',
    "import { protect } from 'serverless-rasp/aws-lambda'; import { createEngine, RaspConfigError } from 'serverless-rasp'; console.log(typeof protect, typeof createEngine, typeof RaspConfigError)",
  ]);
  t.equal(esm.stdout.trim(), 'function function function', esm.stderr);
});

t.test('importing the Lambda adapter loads no other provider SDK', async (t) => {
  const r = node(['-e', "require('serverless-rasp/aws-lambda'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /@azure|@google-cloud|functions-framework/.test(k))))"]);
  t.equal(r.stdout.trim(), '[]', r.stderr);
});

t.test('types resolve for ESM and CommonJS consumers', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-consumer-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'serverless-rasp'), 'dir');
  fs.symlinkSync(path.join(root, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'), 'dir');
  const body = `
import { protect, RequestBlockedError, type SecurityEvent } from 'serverless-rasp/aws-lambda';
import { createEngine, type Verdict } from 'serverless-rasp';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
const h = protect(async (e: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => ({ statusCode: 200, body: e.rawPath }), {
  mode: 'monitor',
  onSecurityEvent: (ev: SecurityEvent) => void ev.rule,
});
export const run = (e: APIGatewayProxyEventV2, c: Context): Promise<APIGatewayProxyResultV2> => h(e, c);
const v: Verdict = createEngine().inspect({ sources: [] });
export const ok: boolean = v.action === 'allow' && RequestBlockedError.name.length > 0;
// @ts-expect-error unknown options are a type error too
protect(async () => 1, { mdoe: 'block' });
`;
  fs.writeFileSync(path.join(dir, 'esm.mts'), body);
  fs.writeFileSync(path.join(dir, 'cjs.cts'), body);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = node([tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', 'esm.mts', 'cjs.cts'], dir);
  t.equal(r.status, 0, r.stdout + r.stderr);
});

t.test('Node loads the entries from dist/pkg: one file, the same exports, one copy of each module', async (t) => {
  const r = node([
    '-e',
    `
const a = require('serverless-rasp/aws-lambda');
const c = require('serverless-rasp');
const entries = { 'aws-lambda': 'adapters/aws-lambda', 'azure-functions': 'adapters/azure-functions', 'gcp-functions': 'adapters/gcp-functions', index: 'src' };
const names = {};
for (const [e, dir] of Object.entries(entries)) {
  const packed = Object.keys(require('./dist/pkg/' + e + '.js')).sort();
  names[e] = JSON.stringify(packed) === JSON.stringify(Object.keys(require('./dist/' + dir + '/index.js')).sort()) ? 'same' : packed;
}
console.log(JSON.stringify({
  resolved: require.resolve('serverless-rasp/aws-lambda').replace(/\\\\/g, '/').split('/dist/')[1],
  // one class, not two copies: an error from one entry is an instance of the other's class
  shared: new a.RequestBlockedError([], 'r') instanceof c.RaspError,
  names,
}));
`,
  ]);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{}') as Record<string, unknown>;
  t.same(out, { resolved: 'pkg/aws-lambda.js', shared: true, names: { 'aws-lambda': 'same', 'azure-functions': 'same', 'gcp-functions': 'same', index: 'same' } }, r.stderr);
});

t.test('a bundler reads the ES module tree (dist/esm), not dist/pkg (it bundles only what the entry reaches)', async (t) => {
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-pkg-bundle-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'serverless-rasp'), 'dir');
  fs.writeFileSync(path.join(dir, 'h.ts'), "import { protect } from 'serverless-rasp/aws-lambda';\nexport const handler = protect(async () => ({ statusCode: 200 }));\n");
  const res = buildSync({ absWorkingDir: dir, entryPoints: ['h.ts'], outfile: path.join(dir, 'h.js'), bundle: true, platform: 'node', format: 'cjs', external: ['re2'], metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(res.metafile.inputs).map((k) => k.replace(/\\/g, '/'));
  t.ok(inputs.some((k) => k.endsWith('dist/esm/adapters/aws-lambda/index.js')), 'the adapter from the ES module tree (the `module` condition)');
  t.notOk(inputs.some((k) => k.includes('dist/pkg/')), 'not dist/pkg');
  t.notOk(inputs.some((k) => /dist\/(src|adapters)\//.test(k)), 'not the CommonJS tree either (no second copy of any module)');
  t.notOk(inputs.some((k) => k.includes('azure-functions') || k.includes('gcp-functions')), 'no other provider adapter');
});

t.test('through dist/pkg, the optional packages stay unloaded by default (lazy requires kept)', async (t) => {
  const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, '-e', "require('serverless-rasp/aws-lambda').protect(async () => ({ statusCode: 200 }), { log: false }); console.log(JSON.stringify(Object.keys(require.cache).map((k) => k.replace(/\\\\/g, '/').split('/').slice(-2).join('/'))))"], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  // (core.js loads core-code.js with Node's loader when there is no code cache, the default.)
  t.same(JSON.parse(r.stdout.trim() || '[]'), ['pkg/aws-lambda.js', 'pkg/core.js', 'pkg/core-code.js'], r.stderr);
});

t.test('the ES module tree a bundler reads exports the same names as the CommonJS tree, for every entry', async (t) => {
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-esm-names-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'serverless-rasp'), 'dir');
  const entries: Record<string, string> = { 'serverless-rasp': 'src', 'serverless-rasp/aws-lambda': 'adapters/aws-lambda', 'serverless-rasp/azure-functions': 'adapters/azure-functions', 'serverless-rasp/gcp-functions': 'adapters/gcp-functions' };
  for (const [spec, tree] of Object.entries(entries)) {
    const out = path.join(dir, `${tree.replace(/\//g, '-')}.js`);
    const res = buildSync({ absWorkingDir: dir, stdin: { contents: `module.exports = require(${JSON.stringify(spec)});`, resolveDir: dir }, outfile: out, bundle: true, platform: 'node', format: 'cjs', external: ['re2', '@azure/functions', '@google-cloud/functions-framework'], metafile: true, logLevel: 'silent' });
    t.ok(Object.keys(res.metafile.inputs).some((k) => k.replace(/\\/g, '/').includes(`dist/esm/${tree}/index.js`)), `${spec}: from dist/esm`);
    const bundled = Object.keys(require(out) as object).filter((k) => k !== '__esModule').sort();
    const cjs = Object.keys(require(path.join(root, 'dist', tree, 'index.js')) as object).filter((k) => k !== '__esModule').sort();
    t.same(bundled, cjs, `${spec}: same export names`);
  }
});
