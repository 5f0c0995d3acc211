/**
 * `serverless-rasp explain`: the built CLI (dist/src/cli.js, built by `npm test`'s pretest) run as a
 * child process on real-shaped Lambda events written to a temporary directory, and through stdin.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import * as ev from '../helpers/lambda-events';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, RASP_MODE: '', ...opts.env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-cli-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

const SQLI = "1' OR '1'='1";
const attackEvent = ev.apiGatewayV2({
  routeKey: 'POST /orders/{id}',
  path: '/orders/42',
  method: 'POST',
  body: JSON.stringify({ items: [{ name: 'shirt' }, { name: SQLI }] }),
  headers: { 'content-type': 'application/json' },
});
const cleanEvent = ev.apiGatewayV2({
  routeKey: 'POST /orders/{id}',
  path: '/orders/42',
  method: 'POST',
  body: JSON.stringify({ customer: "Jane O'Neil", note: 'Leave it at the door, please.' }),
  headers: { 'content-type': 'application/json' },
});

/**
 * A body declared JSON that is not JSON: a medium-confidence protocol finding, engine-side. From a
 * public (non-reserved) address, so nothing about the caller's IP adds findings of its own.
 */
function brokenJsonEvent() {
  return ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', body: '{"name": "Ann"', headers: { 'content-type': 'application/json' }, sourceIp: '52.94.236.248' });
}

const attackFile = write('attack.json', attackEvent);
const cleanFile = write('clean.json', cleanEvent);

t.test('the built CLI exists and starts with a shebang', async (t) => {
  t.ok(fs.existsSync(CLI), 'dist/src/cli.js exists (run npm run build first)');
  t.match(fs.readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

t.test('an attack in an HTTP body: each finding with rule, class, confidence, path and reason; exit 2', async (t) => {
  const r = cli(['explain', attackFile]);
  t.equal(r.code, 2, r.stderr);
  t.match(r.stdout, /event: apigw-v2 \(HTTP\), POST \/orders\/42, route POST \/orders\/\{id\}/);
  t.match(r.stdout, /sqli\.\S+\s+\[class sqli, confidence high\]/);
  t.match(r.stdout, /path:\s+body\.items\[1\]\.name\s+\(body\)/);
  t.match(r.stdout, /reason: \S.+/);
  t.match(r.stdout, /value:\s+1' OR '1'='1/);
  t.match(r.stdout, /verdict: BLOCK \(HTTP 403\)/);
  t.equal(r.stderr, '');
});

t.test('a clean event is allowed: exit 0', async (t) => {
  const r = cli(['explain', cleanFile]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /no findings/);
  t.match(r.stdout, /verdict: ALLOW/);
});

t.test('the event can come from stdin, with - or with no argument', async (t) => {
  const dash = cli(['explain', '-'], { input: JSON.stringify(attackEvent) });
  t.equal(dash.code, 2, dash.stderr);
  t.match(dash.stdout, /body\.items\[1\]\.name/);
  const implicit = cli(['explain'], { input: JSON.stringify(cleanEvent) });
  t.equal(implicit.code, 0, implicit.stderr);
  t.match(implicit.stdout, /verdict: ALLOW/);
});

t.test('a batch event is explained per record', async (t) => {
  const batch = ev.sqs([{ body: JSON.stringify({ sku: 'A-1', qty: 2 }) }, { body: JSON.stringify({ file: 'report.pdf; cat /etc/passwd' }) }, { body: 'plain text message' }]);
  const r = cli(['explain', write('sqs.json', batch)]);
  t.equal(r.code, 2, r.stderr);
  t.match(r.stdout, /event: sqs batch, 3 records/);
  const ids = batch.Records.map((x) => x.messageId);
  t.match(r.stdout, `records[0] (id ${ids[0]}): no findings`);
  t.match(r.stdout, new RegExp(`records\\[1\\] \\(id ${ids[1]}\\): \\d+ findings?`));
  t.match(r.stdout, /path:\s+records\[1\]\.body\.file\s+\(record\)/);
  t.match(r.stdout, `records[2] (id ${ids[2]}): no findings`);
  t.match(r.stdout, /verdict: BLOCK 1 of 3 records/);
  t.match(r.stdout, /batchItemFailures/);

  const clean = cli(['explain', write('sqs-clean.json', ev.sqs([{ body: 'hello' }, { body: '{"a":1}' }]))]);
  t.equal(clean.code, 0, clean.stderr);
  t.match(clean.stdout, /verdict: ALLOW/);
});

t.test('--json prints one document with the same verdict and findings', async (t) => {
  const r = cli(['explain', attackFile, '--json']);
  t.equal(r.code, 2, r.stderr);
  const doc = JSON.parse(r.stdout) as { trigger: string; verdict: string; results: Array<{ action: string; status: number; findings: Array<{ rule: string; class: string; confidence: string; path: string; reason: string }> }> };
  t.equal(doc.trigger, 'apigw-v2');
  t.equal(doc.verdict, 'block');
  t.equal(doc.results.length, 1);
  t.equal(doc.results[0]!.status, 403);
  const f = doc.results[0]!.findings.find((x) => x.path === 'body.items[1].name');
  t.ok(f, 'the finding at body.items[1].name');
  t.equal(f?.class, 'sqli');
  t.equal(f?.confidence, 'high');
  t.type(f?.reason, 'string');
});

t.test('--paranoia decides which findings act; lower-confidence ones are listed apart', async (t) => {
  const broken = brokenJsonEvent();
  const file = write('broken.json', broken);
  const p1 = cli(['explain', file]);
  t.equal(p1.code, 0, p1.stderr);
  t.match(p1.stdout, /below paranoia 1 \(not acted on/);
  t.match(p1.stdout, /protocol\.invalid-json\s+\[class protocol, confidence medium\]/);
  const p2 = cli(['explain', file, '--paranoia', '2']);
  t.equal(p2.code, 2, p2.stderr);
  t.match(p2.stdout, /paranoia 2/);
  t.match(p2.stdout, /\d+\. protocol\.invalid-json/);
  t.match(p2.stdout, /verdict: BLOCK \(HTTP 403\)/);
  const eq = cli(['explain', file, '--paranoia=2']);
  t.equal(eq.code, 2, 'the --flag=value form');
});

t.test('--options: detectors, exclusions and paranoia from a file; block mode whatever the file or RASP_MODE say', async (t) => {
  const off = cli(['explain', attackFile, '--options', write('no-sqli.json', { detectors: { sqli: false } })]);
  t.equal(off.code, 0, off.stderr);
  t.notMatch(off.stdout, /class sqli/);

  const excluded = cli(['explain', attackFile, '--options', write('excl.json', { exclusions: [{ path: 'body.items[*].name' }] })]);
  t.equal(excluded.code, 0, excluded.stderr);

  const monitor = cli(['explain', attackFile, '--options', write('monitor.json', { mode: 'monitor', log: false, failClosed: true })], { env: { RASP_MODE: 'off' } });
  t.equal(monitor.code, 2, monitor.stderr);
  t.match(monitor.stdout, /note: the options file sets mode 'monitor'/);

  const broken = brokenJsonEvent();
  const p2 = write('p2.json', { paranoia: 2 });
  const brokenFile = write('broken2.json', broken);
  t.equal(cli(['explain', brokenFile, '--options', p2]).code, 2, 'paranoia from the file');
  t.equal(cli(['explain', brokenFile, '--options', p2, '--paranoia', '1']).code, 0, '--paranoia wins over the file');
});

t.test('options errors print the RaspConfigError message and exit 1', async (t) => {
  const bad = cli(['explain', attackFile, '--options', write('bad.json', { paranoia: 5 })]);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /serverless-rasp: options\.paranoia must be 1, 2 or 3; got number\./);
  t.equal(bad.stdout, '');

  const unknown = cli(['explain', attackFile, '--options', write('unknown.json', { detector: { xss: false } })]);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /unknown option 'detector'/);

  const cls = cli(['explain', attackFile, '--options', write('cls.json', { detectors: { sqlinjection: false } })]);
  t.equal(cls.code, 1);
  t.match(cls.stderr, /unknown detector class 'detectors\.sqlinjection'/);

  const schema = cli(['explain', attackFile, '--options', write('schema.json', { schema: { type: 'no-such-type' } })]);
  t.equal(schema.code, 1);
  t.match(schema.stderr, /serverless-rasp/);

  const notObject = cli(['explain', attackFile, '--options', write('array.json', [1, 2])]);
  t.equal(notObject.code, 1);
  t.match(notObject.stderr, /must hold a JSON object/);

  const notJson = cli(['explain', attackFile, '--options', write('opts.txt', 'paranoia: 2')]);
  t.equal(notJson.code, 1);
  t.match(notJson.stderr, /options file '.*opts\.txt' is not valid JSON/);

  const missing = cli(['explain', attackFile, '--options', path.join(dir, 'nope.json')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cannot read options file '.*nope\.json': no such file/);
});

t.test('usage and input errors exit 1 with a clear message', async (t) => {
  const none = cli([]);
  t.equal(none.code, 1);
  t.match(none.stderr, /missing command: explain/);
  t.match(none.stderr, /usage: serverless-rasp explain/);

  const unknown = cli(['inspect', attackFile]);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /unknown command 'inspect'/);

  const flag = cli(['explain', attackFile, '--verbose']);
  t.equal(flag.code, 1);
  t.match(flag.stderr, /unknown flag '--verbose'/);

  const paranoia = cli(['explain', attackFile, '--paranoia', '4']);
  t.equal(paranoia.code, 1);
  t.match(paranoia.stderr, /--paranoia must be 1, 2 or 3; got '4'/);

  const two = cli(['explain', attackFile, cleanFile]);
  t.equal(two.code, 1);
  t.match(two.stderr, /explain takes one event file/);

  const missing = cli(['explain', path.join(dir, 'missing.json')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cannot read event '.*missing\.json': no such file/);

  const notJson = cli(['explain', write('event.txt', '{"version": "2.0",')]);
  t.equal(notJson.code, 1);
  t.match(notJson.stderr, /event '.*event\.txt' is not valid JSON/);

  const empty = cli(['explain', '-'], { input: '' });
  t.equal(empty.code, 1);
  t.match(empty.stderr, /event on stdin is empty/);

  const help = cli(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /usage: serverless-rasp explain/);
  t.match(help.stdout, /Exit status: 0 allowed, 2 would be blocked, 1 usage/);
});
