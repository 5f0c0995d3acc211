/**
 * ESM and CommonJS applications, and an application bundled with esbuild (the library inlined into
 * the handler's single file, built-ins patched in place, better-sqlite3 external as native modules
 * are). Each runs in its own Node process.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { tempDir } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const dir = tempDir('rasp-bundle-');
const betterSqlite = require.resolve('better-sqlite3', { paths: [root] });

function runNode(file: string): { results: Record<string, string>; stderr: string } {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  let results: Record<string, string> = {};
  try {
    results = JSON.parse(line) as Record<string, string>;
  } catch {
    results = { parseError: r.stdout + r.stderr };
  }
  return { results, stderr: r.stderr };
}

t.test('ESM app: named imports of built-ins bound before installSinks, driver imported first', async (t) => {
  // The library as the ESM app would get it from the package: a CommonJS build.
  await build({ entryPoints: [path.join(root, 'src/sinks/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'rasp.cjs'), external: ['re2'], logLevel: 'silent' });
  const marker = path.join(dir, 'pwned-esm');
  fs.writeFileSync(
    path.join(dir, 'app.mjs'),
    `import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Database from ${JSON.stringify(betterSqlite)};
import rasp from './rasp.cjs';
rasp.installSinks();
const out = {};
const attempt = (name, fn) => { try { out[name] = String(fn()).trim(); } catch (e) { out[name] = e.code || e.message; } };
const body = { cmd: 'x; touch ${marker}', file: '../../../etc/passwd', name: "x' OR '1'='1", ok: 'alice' };
const inputs = Object.entries(body).map(([k, v]) => ({ value: v, source: 'body', path: 'body.' + k }));
const db = new Database(':memory:');
db.exec("CREATE TABLE u (name TEXT); INSERT INTO u VALUES ('alice')");
rasp.runWithInvocation({ inputs }, () => {
  attempt('shell', () => execSync('echo ' + body.cmd));
  attempt('file', () => readFileSync('${dir}/public/' + body.file));
  attempt('sql', () => db.prepare("SELECT * FROM u WHERE name = '" + body.name + "'").all().length);
  attempt('benign', () => db.prepare("SELECT * FROM u WHERE name = '" + body.ok + "'").all().length);
  attempt('echo', () => execSync('echo ' + body.ok));
});
console.log(JSON.stringify(out));
`,
  );
  const { results } = runNode(path.join(dir, 'app.mjs'));
  t.same(results, { shell: 'RASP_ERR_BLOCKED', file: 'RASP_ERR_BLOCKED', sql: 'RASP_ERR_BLOCKED', benign: '1', echo: 'alice' });
  t.notOk(fs.existsSync(marker), 'marker not created');
});

t.test('esbuild bundle of a handler with the library inlined', async (t) => {
  const marker = path.join(dir, 'pwned-bundle');
  const src = path.join(dir, 'handler.ts');
  fs.writeFileSync(
    src,
    `import { execSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { installSinks, runWithInvocation, findSinkBlock } from ${JSON.stringify(path.join(root, 'src/sinks/index'))};
import type { InspectionRequest } from ${JSON.stringify(path.join(root, 'src/types'))};

installSinks();
const db = new Database(':memory:');
db.exec("CREATE TABLE orders (id INTEGER, owner TEXT); INSERT INTO orders VALUES (1, 'alice'), (2, 'bob')");

export async function handler(event: { body: string }): Promise<{ statusCode: number; body: string }> {
  const request: InspectionRequest = { sources: [{ kind: 'body', path: 'body', value: event.body, decoding: 'body', contentType: 'application/json' }] };
  try {
    return await runWithInvocation({ requests: request }, async () => {
      const { owner, label } = JSON.parse(event.body) as { owner: string; label: string };
      const rows = db.prepare("SELECT id FROM orders WHERE owner = '" + owner + "'").all();
      const echoed = execSync('echo "' + label + '"').toString().trim();
      return { statusCode: 200, body: JSON.stringify({ rows: rows.length, echoed }) };
    });
  } catch (err) {
    if (findSinkBlock(err)) return { statusCode: 403, body: 'blocked' };
    throw err;
  }
}
`,
  );
  await build({ entryPoints: [src], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: path.join(dir, 'dist', 'index.js'), external: ['better-sqlite3', 're2'], logLevel: 'silent', nodePaths: [path.join(root, 'node_modules')] });
  const bundled = fs.readFileSync(path.join(dir, 'dist', 'index.js'), 'utf8');
  t.match(bundled, /runWithInvocation/, 'the library is inside the bundle');
  fs.writeFileSync(
    path.join(dir, 'run-bundle.cjs'),
    `const Module = require('node:module');
process.env.NODE_PATH = ${JSON.stringify(path.join(root, 'node_modules'))}; Module._initPaths();
const { handler } = require('./dist/index.js');
(async () => {
  const out = {};
  for (const [name, body] of [
    ['benign', { owner: 'alice', label: "it's a gift; handle with care" }],
    ['sqli', { owner: "x' OR '1'='1", label: 'x' }],
    ['shell', { owner: 'alice', label: 'x"; touch ${marker}; echo "' }],
  ]) {
    const r = await handler({ body: JSON.stringify(body) });
    out[name] = r.statusCode + ' ' + r.body;
  }
  console.log(JSON.stringify(out));
})();
`,
  );
  const { results, stderr } = runNode(path.join(dir, 'run-bundle.cjs'));
  t.same(results, { benign: `200 ${JSON.stringify({ rows: 1, echoed: "it's a gift; handle with care" })}`, sqli: '403 blocked', shell: '403 blocked' }, stderr);
  t.notOk(fs.existsSync(marker), 'marker not created');
});
