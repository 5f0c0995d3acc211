/**
 * dist/pkg/core.js runs the packed code with a V8 code cache when the cache fits the process, and with
 * Node's own loader otherwise (scripts/core-loader.js, scripts/code-cache.js). Every case must protect
 * the same way; a cache that does not belong to the source must never be used.
 * Child processes with a clean environment (no NODE_OPTIONS from the test runner); each test makes the
 * cache it needs in its own copy of dist/pkg (the build ships none).
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const pkg = path.join(root, 'dist', 'pkg');
const MAGIC = 'serverless-rasp code cache 1\n';

/** What a child sees: the cache state, a benign and an attack invocation, an error message from the code. */
interface Seen {
  state: string;
  benign: number;
  attack: number;
  message: string;
  viaRequire: boolean;
  /** node:v8 loaded by core.js (for V8's tag). */
  v8Loaded: boolean;
}

const CHILD = `
const dir = process.argv[2];
const core = require(dir + '/core.js');
const v8Loaded = process.moduleLoadList.includes('NativeModule v8');
const { protect } = core.load('aws-lambda');
const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false, mode: 'block', sinks: false });
const event = (q) => ({
  version: '2.0', routeKey: 'GET /items', rawPath: '/items', rawQueryString: 'q=' + encodeURIComponent(q), headers: { host: 'example.org', 'user-agent': 'test' },
  queryStringParameters: { q }, isBase64Encoded: false,
  requestContext: { accountId: '1', apiId: 'a', domainName: 'example.org', http: { method: 'GET', path: '/items', protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' }, requestId: 'r', routeKey: 'GET /items', stage: '$default', timeEpoch: 0 },
});
const context = { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 30000 };
(async () => {
  const benign = (await handler(event('summer sale'), context)).statusCode;
  const attack = (await handler(event("1' union select password from users--"), context)).statusCode;
  let message = '';
  try { core.load('nope'); } catch (e) { message = e.message; }
  const viaRequire = Object.keys(require.cache).some((k) => k.endsWith('core-code.js'));
  console.log(JSON.stringify({ state: core.codeCacheState, benign, attack, message, viaRequire, v8Loaded }));
})();
`;

/** node with only PATH in its environment (`env -i`: tap adds NODE_OPTIONS to the env a child is given). */
const clean = (args: string[]) => spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, ...args], { encoding: 'utf8', timeout: 120_000 });

function child(dir: string, flags: string[] = []): Seen {
  const script = path.join(dir, 'child-under-test.js');
  if (!fs.existsSync(script)) fs.writeFileSync(script, CHILD);
  const r = clean([...flags, script, dir]);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(line) as Seen;
}

/**
 * A copy of dist/pkg inside dist/ (so that node_modules resolves as from dist/pkg), removed at the end;
 * with a cache made by code-cache.js for a plain `node` unless `cache` is false.
 */
function copyPkg(t: Test, cache = true): string {
  const dir = fs.mkdtempSync(path.join(root, 'dist', '.code-cache-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const f of fs.readdirSync(pkg)) if (!f.startsWith('child-under-test') && f !== 'core-code.cache') fs.copyFileSync(path.join(pkg, f), path.join(dir, f));
  if (cache) {
    const made = clean([path.join(dir, 'code-cache.js')]);
    if (made.status !== 0) throw new Error(`code-cache.js failed: ${made.stderr}`);
  }
  return dir;
}

/** The cache file split into its header (parsed) and V8's data. */
function readCache(dir: string): { header: Record<string, unknown>; head: Buffer; data: Buffer } {
  const file = fs.readFileSync(path.join(dir, 'core-code.cache'));
  const nl = file.indexOf(10, MAGIC.length);
  return { header: JSON.parse(file.toString('utf8', MAGIC.length, nl)) as Record<string, unknown>, head: file.subarray(0, nl + 1), data: file.subarray(nl + 1) };
}

const PROTECTS = { benign: 200, attack: 403, message: 'serverless-rasp: unknown entry nope' };

t.test('the build ships no cache: Node loads the code, which protects', async (t) => {
  t.equal(fs.existsSync(path.join(pkg, 'core-code.cache')), false, 'dist/pkg/core-code.cache');
  t.match(child(copyPkg(t, false)), { ...PROTECTS, state: 'absent', viaRequire: true, v8Loaded: false });
});

t.test('a cache made for this Node (code-cache.js): accepted, and the code protects', async (t) => {
  const dir = copyPkg(t);
  t.match(child(dir), { ...PROTECTS, state: 'accepted', viaRequire: false, v8Loaded: false });
  // Node-only options leave the V8 flags as they are: still accepted (V8's tag decides).
  t.match(child(dir, ['--enable-source-maps']), { ...PROTECTS, state: 'accepted', viaRequire: false });
  const { header } = readCache(dir);
  t.equal(header.v8, process.versions.v8);
});

t.test('other V8 flags (as AWS Lambda passes): no cache, Node loads the code, same protection', async (t) => {
  const dir = copyPkg(t);
  // Known V8 flags (Lambda's): told from the options, without loading node:v8 for V8's tag.
  for (const flags of [['--max-old-space-size=300'], ['--expose-gc'], ['--max_semi_space_size=17']]) {
    t.match(child(dir, flags), { ...PROTECTS, state: 'made for other V8 flags', viaRequire: true, v8Loaded: false }, flags.join(' '));
  }
  // Other V8 flags: V8's tag tells.
  for (const flags of [['--disallow-code-generation-from-strings'], ['--no-flush-bytecode']]) {
    t.match(child(dir, flags), { ...PROTECTS, state: 'made for other V8 flags', viaRequire: true, v8Loaded: true }, flags.join(' '));
  }
});

t.test('a cache made under the runtime flags is accepted under them (deploy-time use), not without them', async (t) => {
  const dir = copyPkg(t);
  const flags = ['--expose-gc', '--max-semi-space-size=17', '--max-old-space-size=921', '--disallow-code-generation-from-strings'];
  const made = clean([...flags, path.join(dir, 'code-cache.js')]);
  t.equal(made.status, 0, made.stderr);
  t.match(child(dir, flags), { ...PROTECTS, state: 'accepted', viaRequire: false }, 'vm.Script is not eval: works without code generation from strings');
  t.match(child(dir), { ...PROTECTS, state: 'made for other V8 flags', viaRequire: true });
});

t.test('core-code.js edited (same length): the cache is not used and the edited code runs', async (t) => {
  const dir = copyPkg(t);
  const code = path.join(dir, 'core-code.js');
  const before = fs.readFileSync(code, 'utf8');
  const edited = before.replace('serverless-rasp: unknown entry ', 'serverless-rasp: UNKNOWN ENTRY ');
  t.equal(edited.length, before.length);
  t.not(edited, before);
  fs.writeFileSync(code, edited);
  t.match(child(dir), { benign: 200, attack: 403, state: 'source changed', message: 'serverless-rasp: UNKNOWN ENTRY nope', viaRequire: true });

  // Why the header's SHA-256 is needed: V8 alone checks the length only, accepts this cache and runs
  // the bytecode of the source it was made from. (If this ever fails, V8 started checking content.)
  const { data } = readCache(dir);
  const probe = `
const vm = require('node:vm');
const fs = require('node:fs');
const src = '(function (exports, require, module, __filename, __dirname) { ' + fs.readFileSync(${JSON.stringify(code)}, 'utf8') + '\\n});';
const s = new vm.Script(src, { filename: ${JSON.stringify(code)}, cachedData: fs.readFileSync(process.argv[1]) });
const m = { exports: {} };
s.runInThisContext().call(m.exports, m.exports, require, m, '', '');
let message = '';
try { m.exports.load('nope'); } catch (e) { message = e.message; }
console.log(JSON.stringify({ rejected: s.cachedDataRejected, message }));
`;
  const dataFile = path.join(dir, 'v8-data.bin');
  fs.writeFileSync(dataFile, data);
  const r = clean(['-e', probe, dataFile]);
  t.same(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'), { rejected: false, message: 'serverless-rasp: unknown entry nope' }, r.stderr);
});

t.test('a cache V8 rejects (damaged data under a fitting header): V8 compiles the source, same protection', async (t) => {
  const dir = copyPkg(t);
  const { head, data } = readCache(dir);
  // V8's data starts with a magic number and then its version hash: change the version hash.
  const damaged = Buffer.from(data);
  damaged[4] = (damaged[4]! + 1) & 0xff;
  fs.writeFileSync(path.join(dir, 'core-code.cache'), Buffer.concat([head, damaged]));
  t.match(child(dir), { ...PROTECTS, state: 'rejected by V8', viaRequire: false });
  // Cut short.
  fs.writeFileSync(path.join(dir, 'core-code.cache'), Buffer.concat([head, data.subarray(0, data.length >> 1)]));
  t.match(child(dir), { ...PROTECTS, state: 'rejected by V8', viaRequire: false });
});

t.test('no cache, or not one of ours: Node loads the code', async (t) => {
  const dir = copyPkg(t);
  const cache = path.join(dir, 'core-code.cache');
  const { header, data } = readCache(dir);
  fs.writeFileSync(cache, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify({ ...header, v8: '0.0.0' })}\n`), data]));
  t.match(child(dir), { ...PROTECTS, state: 'made for V8 0.0.0 x64'.replace('x64', process.arch), viaRequire: true });
  for (const bad of ['', 'garbage', `${MAGIC}null\n`, `${MAGIC}{"v8":`, `${MAGIC}${'x'.repeat(5000)}\n`]) {
    fs.writeFileSync(cache, bad);
    t.match(child(dir), { ...PROTECTS, state: 'unknown format', viaRequire: true }, JSON.stringify(bad.slice(0, 40)));
  }
  fs.rmSync(cache);
  t.match(child(dir), { ...PROTECTS, state: 'absent', viaRequire: true });
});
