import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { compileSafe, loadRE2 } from '../../src/regex';

const root = path.resolve(__dirname, '../..');

t.test('patterns run on the re2 addon when it loads', async (t) => {
  t.ok(loadRE2(), 're2 is installed in this project');
  const re = compileSafe('^[A-Z]{3}-\\d{4}$');
  t.ok(re.test('ABC-1234'));
  t.notOk(re.test('abc-1234'));
  t.ok(compileSafe('abc', 'i').test('xABCx'));
  t.throws(() => compileSafe('('), 'an invalid pattern throws at compile time');
  // A pattern that is exponential on a backtracking engine is linear on RE2.
  t.notOk(compileSafe('^(a+)+$').test('a'.repeat(50_000) + 'b'));
});

// Blocks `require('re2')` in a child process, as a bundle shipped without the addon would.
const WITHOUT_RE2 = `
const M = require('module');
const resolve = M._resolveFilename;
M._resolveFilename = function (request, ...rest) {
  if (request === 're2') throw new Error("Cannot find module 're2' (simulated)");
  return resolve.call(this, request, ...rest);
};
`;

t.test('without the addon: a loud warning, and still linear-time protection', async (t) => {
  const script = `${WITHOUT_RE2}
const { compileSafe } = require('./dist/src/regex.js');
const re = compileSafe('^(a+)+$');
const t0 = Date.now();
const r = re.test('a'.repeat(5000) + 'b');
const { protect } = require('./dist/adapters/aws-lambda/index.js');
const h = protect(async () => 'ran', { log: false, schema: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]+$' } } } });
Promise.all([h({ sku: 'ABC' }, {}), h({ sku: 'abc' }, {}).catch((e) => e.code), h({ sku: "1' OR '1'='1" }, {}).catch((e) => e.code)])
  .then((out) => console.log(JSON.stringify({ r, ms: Date.now() - t0, out })));
`;
  const res = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  t.equal(res.status, 0, res.stderr);
  const warnings = res.stderr.split('\n').filter((l) => l.includes('RASP_W_NO_RE2'));
  t.equal(warnings.length, 1, 'exactly one warning line');
  t.match(JSON.parse(warnings[0]!).cause, /simulated/);
  const out = JSON.parse(res.stdout.trim()) as { r: boolean; out: unknown[] };
  t.equal(out.r, false);
  t.same(out.out, ['ran', 'RASP_ERR_BLOCKED', 'RASP_ERR_BLOCKED'], 'schema patterns and detectors still protect');
});
