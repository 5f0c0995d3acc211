/**
 * Sink protection end to end: real vulnerable handlers wrapped with each provider's REAL protect(),
 * driven by real-shaped triggers (Lambda API Gateway v2, SQS, S3; Azure HTTP with a real HttpRequest
 * and InvocationContext, Azure storage queue; GCP HTTP through the real functions-framework server,
 * Pub/Sub CloudEvent). Every exploit must be stopped BEFORE its side effect:
 *
 * - string-built SQL on a real better-sqlite3 database (`DELETE FROM notes WHERE id = ` + input);
 * - execSync of a command built from input (a single-quoted argument the input breaks out of);
 * - fs.readFileSync of a concatenated path (`../secret.txt`);
 * - fetch of a user URL against a local stand-in for the cloud metadata endpoint;
 * - eval and new Function of user input.
 *
 * The input detectors for those classes are switched off (SINK_ONLY), so it is the sink layer that
 * stops them; with default options the input layer stops them first and the handler never runs.
 * Benign inputs run through the very same handlers, including inputs an input rule finds suspicious
 * but that stay inside their literal at the sink. Monitor mode lets the exploit run and logs the
 * sink finding.
 */
import t, { type Test } from 'tap';
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect as protectLambda, type ProtectOptions, type SecurityEvent } from '../../adapters/aws-lambda/index';
import { protect as protectAzure } from '../../adapters/azure-functions/index';
import { protect as protectGcp } from '../../adapters/gcp-functions/index';
import { SinkBlockedError, uninstallSinks, type SinkFinding } from '../../src/sinks/index';
import * as ev from '../helpers/lambda-events';
import { tempDir } from '../sinks/helpers';

type Any = any;

// ------------------------------------------------------------------------------------------------
// The world the vulnerable application lives in.

const DIR = tempDir('rasp-adapter-sinks-');
const PUBLIC = path.join(DIR, 'public');
const SECRET = 'TOP-SECRET-7f3a9c';
const CREDS = 'AKIAFAKEMETADATA0001';
fs.mkdirSync(path.join(PUBLIC, 'sub'), { recursive: true });
fs.writeFileSync(path.join(DIR, 'secret.txt'), SECRET);
// File names an input rule finds suspicious but that are only data inside a single-quoted argument.
const FILES: Record<string, string> = {
  'report 2024.txt': 'public data',
  'q3; rm -rf tmp.txt': 'quarter three',
  '$(id) & more.txt': 'more',
};
for (const [name, content] of Object.entries(FILES)) fs.writeFileSync(path.join(PUBLIC, name), content);

interface Stmt {
  all(...a: unknown[]): unknown[];
  get(...a: unknown[]): unknown;
  run(...a: unknown[]): unknown;
}
interface Db {
  prepare(sql: string): Stmt;
  exec(sql: string): void;
  close(): void;
}
const requireCjs = createRequire(__filename);
const Database = requireCjs('better-sqlite3') as new (file: string) => Db;
const db = new Database(path.join(DIR, 'app.db'));
db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL)');
const BOBBY = "Robert'); DROP TABLE notes; --";
const SEEDED = 3;
/** Puts the table back to its three seeded rows (outside any invocation). */
function seed(): void {
  db.exec('DELETE FROM notes');
  const ins = db.prepare('INSERT INTO notes (id, owner, body) VALUES (?, ?, ?)');
  ins.run(1, 'alice', 'first');
  ins.run(2, "O'Brien", 'hello');
  ins.run(3, BOBBY, 'bobby');
}
seed();
const rowCount = (): number => (db.prepare('SELECT COUNT(*) AS n FROM notes').get() as { n: number }).n;
const rowExists = (id: number): boolean => db.prepare('SELECT id FROM notes WHERE id = ?').get(id) !== undefined;
/** The table still holds exactly the seeded rows: no exploit deleted anything. */
const tableIntact = (): boolean => rowCount() === SEEDED && rowExists(1) && rowExists(2) && rowExists(3);

/** Local servers: a stand-in for the metadata endpoint (must never be reached), and an internal API. */
async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
const meta = { hits: 0, port: 0 };
const api = { hits: 0, port: 0 };

/** One unit of work, as every trigger carries it: `{ action, arg }`. */
type Action = 'sql-delete' | 'sql-find' | 'sql-find-bound' | 'shell' | 'read' | 'fetch' | 'lookup' | 'eval' | 'function';
interface Job {
  action: Action;
  arg: string;
}

/** Everything the application produced (responses, record results): a leaked secret would show up here. */
const outputs: string[] = [];
const leaked = (): boolean => outputs.some((o) => o.includes(SECRET) || o.includes(CREDS));

/** THE VULNERABLE APPLICATION: each action builds its operation from the input by concatenation. */
async function perform(job: Job): Promise<unknown> {
  const arg = String(job.arg);
  let result: unknown;
  switch (job.action) {
    case 'sql-delete':
      // Numeric id, no quotes: `0 OR 1=1` deletes every row.
      db.exec('DELETE FROM notes WHERE id = ' + arg);
      result = 'deleted';
      break;
    case 'sql-find':
      // Escaped literal: O'Brien becomes 'O''Brien' and stays inside the literal.
      result = db.prepare("SELECT owner, body FROM notes WHERE owner = '" + arg.replace(/'/g, "''") + "'").all();
      break;
    case 'sql-find-bound':
      result = db.prepare('SELECT owner, body FROM notes WHERE owner = ?').all(arg);
      break;
    case 'shell':
      // A single-quoted argument: data unless the input closes the quote.
      result = execSync(`wc -c '${PUBLIC}/${arg}'`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      break;
    case 'read':
      result = fs.readFileSync(PUBLIC + '/' + arg, 'utf8');
      break;
    case 'fetch':
      result = await (await fetch(arg)).text();
      break;
    case 'lookup':
      // The function's own call to an internal service: the input is only in the query string.
      result = await (await fetch(`http://127.0.0.1:${api.port}/lookup?q=${encodeURIComponent(arg)}`)).json();
      break;
    case 'eval':
      // The old "parse JSON with eval" idiom.
      result = eval('(' + arg + ')');
      break;
    case 'function':
      result = new Function('return (' + arg + ')')();
      break;
    default:
      throw new Error(`unknown action ${String(job.action)}`);
  }
  outputs.push(JSON.stringify(result) ?? 'undefined');
  return result;
}

// ------------------------------------------------------------------------------------------------
// Exploits and benign inputs.

const SINK_ONLY_DETECTORS = { sqli: false, shell: false, 'path-traversal': false, ssrf: false, 'code-injection': false } as const;

interface Exploit {
  name: string;
  job: Job;
  /** The sink finding's class and operation. */
  cls: string;
  op: RegExp;
  /** Whether the side effect happened. */
  happened: () => boolean;
}

let markers = 0;
/** A fresh set of exploits with their own marker files. */
function exploits(): Exploit[] {
  const shellMarker = path.join(DIR, `pwned-shell-${++markers}`);
  const evalMarker = path.join(DIR, `pwned-eval-${markers}`);
  const fnMarker = path.join(DIR, `pwned-function-${markers}`);
  const hitsBefore = meta.hits;
  const writeFile = (marker: string): string => `process.mainModule.require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
  return [
    { name: 'string-built SQL (DELETE … WHERE id = 0 OR 1=1)', job: { action: 'sql-delete', arg: '0 OR 1=1' }, cls: 'sqli', op: /^better-sqlite3\.exec$/, happened: () => !tableIntact() },
    { name: 'execSync breaking out of a quoted argument', job: { action: 'shell', arg: `x'; touch ${shellMarker}; echo '` }, cls: 'shell', op: /^child_process\.execSync$/, happened: () => fs.existsSync(shellMarker) },
    { name: 'readFileSync of a concatenated path (../secret.txt)', job: { action: 'read', arg: '../secret.txt' }, cls: 'path-traversal', op: /^fs\.readFileSync$/, happened: leaked },
    {
      name: 'fetch of a user URL to the metadata stand-in',
      job: { action: 'fetch', arg: `http://127.0.0.1:${meta.port}/latest/meta-data/iam/security-credentials/admin` },
      cls: 'ssrf',
      op: /^fetch$|^net\./,
      happened: () => meta.hits !== hitsBefore || leaked(),
    },
    { name: 'eval of user input', job: { action: 'eval', arg: writeFile(evalMarker) }, cls: 'code-injection', op: /^eval$/, happened: () => fs.existsSync(evalMarker) },
    { name: 'new Function of user input', job: { action: 'function', arg: writeFile(fnMarker) }, cls: 'code-injection', op: /^Function$/, happened: () => fs.existsSync(fnMarker) },
  ];
}

interface Benign {
  job: Job;
  /** An input rule flags it (it is blocked at the door with default options). */
  suspicious: boolean;
  expect: (result: unknown) => boolean;
  /** Set-up before the run (the row a benign DELETE removes). */
  before?: () => void;
  /** The side effect the benign run must have had. */
  after?: () => boolean;
}

const rows = (owner: string, body: string) => (r: unknown): boolean => JSON.stringify(r) === JSON.stringify([{ owner, body }]);
const wc = (name: string) => (r: unknown): boolean => typeof r === 'string' && r.startsWith(`${Buffer.byteLength(FILES[name]!)} `) && r.includes(name);
const echoQ = (q: string) => (r: unknown): boolean => (r as { q?: unknown } | null)?.q === q;
const JSON_DOC = `{"qty": 2, "note": "it's (fine); ok"}`;
const JSON_CODE_TEXT = `{"note": "process.mainModule.require('fs')"}`;

const BENIGN: Benign[] = [
  { job: { action: 'sql-delete', arg: '42' }, suspicious: false, expect: (r) => r === 'deleted', before: () => db.prepare("INSERT OR REPLACE INTO notes (id, owner, body) VALUES (42, 'tmp', 'tmp')").run(), after: () => !rowExists(42) && tableIntact() },
  { job: { action: 'sql-find', arg: "O'Brien" }, suspicious: false, expect: rows("O'Brien", 'hello') },
  { job: { action: 'sql-find', arg: BOBBY }, suspicious: true, expect: rows(BOBBY, 'bobby'), after: tableIntact },
  { job: { action: 'sql-find-bound', arg: "O'Brien" }, suspicious: false, expect: rows("O'Brien", 'hello') },
  { job: { action: 'sql-find-bound', arg: BOBBY }, suspicious: true, expect: rows(BOBBY, 'bobby'), after: tableIntact },
  { job: { action: 'shell', arg: 'report 2024.txt' }, suspicious: false, expect: wc('report 2024.txt') },
  { job: { action: 'shell', arg: 'q3; rm -rf tmp.txt' }, suspicious: true, expect: wc('q3; rm -rf tmp.txt') },
  { job: { action: 'shell', arg: '$(id) & more.txt' }, suspicious: true, expect: wc('$(id) & more.txt') },
  { job: { action: 'read', arg: 'report 2024.txt' }, suspicious: false, expect: (r) => r === 'public data' },
  { job: { action: 'read', arg: 'sub/../report 2024.txt' }, suspicious: false, expect: (r) => r === 'public data' },
  { job: { action: 'lookup', arg: 'weather in Paris' }, suspicious: false, expect: echoQ('weather in Paris') },
  { job: { action: 'lookup', arg: 'http://169.254.169.254/latest/meta-data/' }, suspicious: true, expect: echoQ('http://169.254.169.254/latest/meta-data/') },
  { job: { action: 'eval', arg: JSON_DOC }, suspicious: false, expect: (r) => JSON.stringify(r) === JSON.stringify(JSON.parse(JSON_DOC)) },
  { job: { action: 'eval', arg: JSON_CODE_TEXT }, suspicious: true, expect: (r) => JSON.stringify(r) === JSON.stringify(JSON.parse(JSON_CODE_TEXT)) },
  { job: { action: 'function', arg: JSON_DOC }, suspicious: false, expect: (r) => JSON.stringify(r) === JSON.stringify(JSON.parse(JSON_DOC)) },
  { job: { action: 'function', arg: JSON_CODE_TEXT }, suspicious: true, expect: (r) => JSON.stringify(r) === JSON.stringify(JSON.parse(JSON_CODE_TEXT)) },
];
const label = (j: Job): string => `${j.action}(${JSON.stringify(j.arg)})`;

// ------------------------------------------------------------------------------------------------
// Options and logs.

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => void lines.push(JSON.parse(line) as SecurityEvent) };
}
/** Sink-only: the input detectors of the five exploited classes are off, the sinks do the work. */
const sinkOnly = (log: (line: string) => void, extra: ProtectOptions = {}): ProtectOptions => ({ detectors: { ...SINK_ONLY_DETECTORS }, sinks: { eval: true }, log, ...extra });
/** Defaults (plus the opt-in eval hook). */
const defaults = (log: (line: string) => void, extra: ProtectOptions = {}): ProtectOptions => ({ sinks: { eval: true }, log, ...extra });

/** The one sink finding logged for this exploit. */
function sinkLine(t: Test, lines: SecurityEvent[], x: Exploit, action: 'block' | 'monitor', where?: RegExp): SecurityEvent | undefined {
  const hits = lines.filter((l) => l.rule === `sink.${x.cls}` && l.action === action);
  t.equal(hits.length, 1, `one ${action} line with rule sink.${x.cls}`);
  const l = hits[0];
  const f = l?.findings[0] as SinkFinding | undefined;
  t.equal(f?.kind, 'sink', 'a sink finding, not an input finding');
  t.equal(f?.class, x.cls);
  t.match(f?.operation, x.op, `operation ${String(f?.operation)}`);
  t.equal(f?.blocked, action === 'block');
  if (where) t.match(l?.where, where, `where ${String(l?.where)}`);
  return l;
}

/** No sink line at all: the input layer decided. */
const inputLines = (lines: SecurityEvent[]): SecurityEvent[] => lines.filter((l) => !String(l.rule).startsWith('sink.'));

const isSinkBlock = (err: unknown): boolean => err instanceof SinkBlockedError && err.code === 'RASP_ERR_BLOCKED';

// ------------------------------------------------------------------------------------------------

t.before(async () => {
  const m = await listen((_req, res) => {
    meta.hits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ AccessKeyId: CREDS, SecretAccessKey: 'x', Token: 'y' }));
  });
  meta.port = m.port;
  const a = await listen((req, res) => {
    api.hits++;
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ q }));
  });
  api.port = a.port;
  t.teardown(() => {
    m.server.close();
    a.server.close();
    db.close();
    uninstallSinks();
    fs.rmSync(DIR, { recursive: true, force: true });
  });
});

t.afterEach(async () => {
  seed();
});

t.test('the exploits are real: unprotected, each one has its side effect', async (t) => {
  for (const x of exploits()) {
    await perform(x.job).catch(() => undefined);
    t.ok(x.happened(), x.name);
    seed();
  }
  outputs.length = 0;
  meta.hits = 0;
});

// ---- AWS Lambda ----------------------------------------------------------------------------------

const lambdaCtx = () => ev.lambdaContext({ functionName: 'notes-api' });
const v2 = (job: Job): APIGatewayProxyEventV2 =>
  ev.apiGatewayV2({ method: 'POST', path: '/jobs', routeKey: 'POST /jobs', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) });

function lambdaHttpHandler() {
  const state = { calls: 0 };
  const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    state.calls++;
    const result = await perform(JSON.parse(event.body ?? '{}') as Job);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ result }) };
  };
  return { state, handler };
}

t.test('Lambda API Gateway v2: the sinks stop every exploit with 403 before its side effect', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = lambdaHttpHandler();
  const wrapped = protectLambda(handler, sinkOnly(log));
  for (const x of exploits()) {
    const context = lambdaCtx();
    const before = lines.length;
    const res = (await wrapped(v2(x.job), context)) as APIGatewayProxyStructuredResultV2;
    t.equal(res.statusCode, 403, x.name);
    t.same(JSON.parse(String(res.body)), { error: 'blocked', requestId: context.awsRequestId }, 'native blocked body, no echo');
    t.notMatch(String(res.body), SECRET);
    t.notOk(x.happened(), 'side effect absent');
    const l = sinkLine(t, lines.slice(before), x, 'block', /^body\.arg$/);
    t.equal(l?.requestId, context.awsRequestId);
    t.equal(l?.trigger, 'apigw-v2');
  }
  t.equal(state.calls, 6, 'the handler ran each time: the input layer let them through');
  t.equal(inputLines(lines).length, 0, 'no input-layer finding: the sinks stopped them');
  t.equal(meta.hits, 0, 'the metadata stand-in received zero requests');
  t.ok(tableIntact());
});

t.test('Lambda API Gateway v2: benign inputs work through the same handler (sink-only and defaults)', async (t) => {
  for (const [name, opts] of [['sink-only', sinkOnly], ['defaults', defaults]] as const) {
    const { lines, log } = logs();
    const { handler } = lambdaHttpHandler();
    const wrapped = protectLambda(handler, opts(log));
    for (const b of BENIGN) {
      b.before?.();
      const res = (await wrapped(v2(b.job), lambdaCtx())) as APIGatewayProxyStructuredResultV2;
      if (name === 'defaults' && b.suspicious) {
        // The input rule does flag it: these are the false positives the sink layer avoids.
        t.equal(res.statusCode, 403, `${name}: ${label(b.job)} is flagged at the door`);
        continue;
      }
      t.equal(res.statusCode, 200, `${name}: ${label(b.job)}`);
      t.ok(b.expect((JSON.parse(String(res.body)) as { result: unknown }).result), 'expected result');
      if (b.after) t.ok(b.after(), 'expected side effect');
    }
    t.same(lines.filter((l) => String(l.rule).startsWith('sink.')), [], `${name}: no sink finding for benign input`);
    if (name === 'sink-only') t.same(lines, [], 'no security event at all');
    else t.equal(inputLines(lines).length, BENIGN.filter((b) => b.suspicious).length, 'one input-layer event per suspicious-looking input');
  }
});

t.test('Lambda API Gateway v2 with defaults: the input layer stops the exploits first', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = lambdaHttpHandler();
  const wrapped = protectLambda(handler, defaults(log));
  const xs = exploits();
  for (const x of xs) {
    const res = (await wrapped(v2(x.job), lambdaCtx())) as APIGatewayProxyStructuredResultV2;
    t.equal(res.statusCode, 403, x.name);
    t.notOk(x.happened());
  }
  t.equal(state.calls, 0, 'the handler never ran');
  t.equal(lines.length, xs.length);
  t.ok(lines.every((l) => l.action === 'block' && !String(l.rule).startsWith('sink.') && l.where === 'body.arg'), 'input-layer findings only');
  t.same(lines.map((l) => l.class), ['sqli', 'shell', 'path-traversal', 'ssrf', 'code-injection', 'code-injection']);
});

/** An SQS handler written the recommended way: per-record try/catch, partial batch response. */
function sqsHandler() {
  const processed: string[] = [];
  const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const r of event.Records) {
      try {
        await perform(JSON.parse(r.body) as Job);
        processed.push(r.messageId);
      } catch {
        batchItemFailures.push({ itemIdentifier: r.messageId });
      }
    }
    return { batchItemFailures };
  };
  return { processed, handler };
}

t.test('Lambda SQS: the record that drove the blocked operation is failed, clean records are processed', async (t) => {
  for (const x of exploits()) {
    t.test(x.name, async (t) => {
      const { lines, log } = logs();
      const { processed, handler } = sqsHandler();
      const wrapped = protectLambda(handler, sinkOnly(log));
      const event = ev.sqs([
        { body: JSON.stringify({ action: 'read', arg: 'report 2024.txt' }) },
        { body: JSON.stringify(x.job) },
        { body: JSON.stringify({ action: 'sql-find-bound', arg: BOBBY }) },
      ]);
      const [clean1, bad, clean2] = event.Records.map((r) => r.messageId);
      const res = (await wrapped(event, lambdaCtx())) as SQSBatchResponse;
      t.same(res.batchItemFailures, [{ itemIdentifier: bad }], 'only the bad record is failed');
      t.same(processed, [clean1, clean2], 'both clean records were processed');
      t.notOk(x.happened(), 'side effect absent');
      sinkLine(t, lines, x, 'block', /^records\[1\]\.body\.arg$/);
      t.equal(inputLines(lines).length, 0);
    });
  }
  t.test('benign batch: every record processed, no failures', async (t) => {
    const { lines, log } = logs();
    const { processed, handler } = sqsHandler();
    const wrapped = protectLambda(handler, sinkOnly(log));
    const jobs = BENIGN.filter((b) => b.before === undefined).map((b) => b.job);
    const event = ev.sqs(jobs.map((j) => ({ body: JSON.stringify(j) })));
    const res = (await wrapped(event, lambdaCtx())) as SQSBatchResponse;
    t.same(res.batchItemFailures, []);
    t.equal(processed.length, jobs.length);
    t.same(lines, []);
    t.ok(tableIntact());
  });
  t.test('defaults: the input layer fails the bad record and the handler only sees clean ones', async (t) => {
    const { lines, log } = logs();
    const seen: string[] = [];
    const { processed, handler } = sqsHandler();
    const wrapped = protectLambda(async (e: SQSEvent) => {
      seen.push(...e.Records.map((r) => r.messageId));
      return handler(e);
    }, defaults(log));
    const xs = exploits();
    const event = ev.sqs([{ body: JSON.stringify({ action: 'sql-find', arg: "O'Brien" }) }, ...xs.map((x) => ({ body: JSON.stringify(x.job) }))]);
    const ids = event.Records.map((r) => r.messageId);
    const res = (await wrapped(event, lambdaCtx())) as SQSBatchResponse;
    t.same(res.batchItemFailures, ids.slice(1).map((itemIdentifier) => ({ itemIdentifier })));
    t.same(seen, [ids[0]], 'the handler got the clean record only');
    t.same(processed, [ids[0]]);
    for (const x of xs) t.notOk(x.happened(), x.name);
    t.equal(lines.length, xs.length);
    t.equal(inputLines(lines).length, xs.length, 'all decided at the door');
  });
});

t.test('Lambda S3: an object key that breaks the operation makes the invocation throw', async (t) => {
  const { lines, log } = logs();
  const done: string[] = [];
  // Vulnerable thumbnailer: sizes the file with a shell command, then reads it.
  const handler = async (event: S3Event): Promise<void> => {
    for (const r of event.Records) {
      const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
      await perform({ action: 'shell', arg: key });
      await perform({ action: 'read', arg: key });
      done.push(key);
    }
  };
  const wrapped = protectLambda(handler, sinkOnly(log));
  const shellMarker = path.join(DIR, 'pwned-s3');
  const cases: Array<{ key: string; cls: string; op: RegExp }> = [
    { key: `x'; touch ${shellMarker}; echo '.png`, cls: 'shell', op: /^child_process\.execSync$/ },
    { key: '../secret.txt', cls: 'path-traversal', op: /^fs\.readFileSync$/ },
  ];
  for (const c of cases) {
    const err = await wrapped(ev.s3([{ key: c.key }]), lambdaCtx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(isSinkBlock(err), `${c.key}: throws SinkBlockedError with code RASP_ERR_BLOCKED`);
    const f = (err as SinkBlockedError).finding;
    t.equal(f.class, c.cls);
    t.match(f.operation, c.op);
    t.equal(f.path, 'records[0].s3.object.key');
    t.notMatch((err as Error).message, SECRET);
  }
  t.notOk(fs.existsSync(shellMarker), 'marker file not created');
  t.notOk(leaked(), 'the secret was not read');
  t.same(done, []);
  t.same(lines.map((l) => [l.action, l.rule, l.trigger]), [
    ['block', 'sink.shell', 's3'],
    ['block', 'sink.path-traversal', 's3'],
  ]);
  // Benign keys, including one an input rule finds suspicious, work through the same handler.
  for (const key of Object.keys(FILES)) await wrapped(ev.s3([{ key }]), lambdaCtx());
  t.same(done, Object.keys(FILES));
  t.equal(lines.length, 2, 'no new security event');
});

// ---- Azure Functions -----------------------------------------------------------------------------

let seq = 0;
function azureContext(trigger: Record<string, unknown>, triggerMetadata?: Record<string, unknown>): InvocationContext {
  seq++;
  return new InvocationContext({
    invocationId: `8d1c6a3e-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    functionName: 'notes',
    triggerMetadata,
    logHandler: () => undefined,
    options: { trigger: trigger as Any },
  });
}
const HTTP_TRIGGER = { type: 'httpTrigger', name: 'request', methods: ['POST'], authLevel: 'anonymous', route: 'jobs' };
const QUEUE_TRIGGER = { type: 'queueTrigger', name: 'item', queueName: 'jobs', connection: 'Storage' };
const azureRequest = (job: Job): HttpRequest =>
  new HttpRequest({ method: 'POST', url: 'https://notes-app.azurewebsites.net/api/jobs', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify(job) } });
const queueMeta = (text: string) => ({
  queueTrigger: text,
  dequeueCount: 1,
  id: '5f7d3b4a-8d0e-4a43-9b43-3c1f7c0f4c11',
  popReceipt: 'AgAAAAMAAAAAAAAA',
  insertionTime: '2026-05-01T10:00:00+00:00',
  expirationTime: '2026-05-08T10:00:00+00:00',
  nextVisibleTime: '2026-05-01T10:10:00+00:00',
});

function azureHttpHandler() {
  const state = { calls: 0 };
  const handler = async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    state.calls++;
    const result = await perform((await request.json()) as Job);
    return { status: 200, jsonBody: { result } };
  };
  return { state, handler };
}

t.test('Azure HTTP: the sinks stop every exploit with 403 (real HttpRequest and InvocationContext)', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = azureHttpHandler();
  const wrapped = protectAzure(handler, sinkOnly(log));
  for (const x of exploits()) {
    const ctx = azureContext(HTTP_TRIGGER);
    const before = lines.length;
    const res = (await wrapped(azureRequest(x.job), ctx)) as HttpResponseInit;
    t.equal(res.status, 403, x.name);
    t.same(JSON.parse(res.body as string), { error: 'blocked', requestId: ctx.invocationId });
    t.equal(res.jsonBody, undefined, 'not the handler’s answer');
    t.notOk(x.happened(), 'side effect absent');
    const l = sinkLine(t, lines.slice(before), x, 'block', /^body\.arg$/);
    t.equal(l?.provider, 'azure');
    t.equal(l?.requestId, ctx.invocationId);
  }
  t.equal(state.calls, 6);
  t.equal(inputLines(lines).length, 0);
  t.equal(meta.hits, 0);

  // Benign, through the same wrapped handler.
  for (const b of BENIGN) {
    b.before?.();
    const res = (await wrapped(azureRequest(b.job), azureContext(HTTP_TRIGGER))) as HttpResponseInit;
    t.equal(res.status, 200, `benign ${label(b.job)}`);
    t.ok(b.expect((res.jsonBody as { result: unknown }).result), 'expected result');
    if (b.after) t.ok(b.after());
  }
  t.equal(lines.length, 6, 'no security event for benign input');
});

t.test('Azure HTTP with defaults: the input layer stops the exploits first', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = azureHttpHandler();
  const wrapped = protectAzure(handler, defaults(log));
  for (const x of exploits()) {
    const res = (await wrapped(azureRequest(x.job), azureContext(HTTP_TRIGGER))) as HttpResponseInit;
    t.equal(res.status, 403, x.name);
    t.notOk(x.happened());
  }
  t.equal(state.calls, 0);
  t.equal(inputLines(lines).length, 6);
  for (const b of BENIGN.filter((x) => !x.suspicious)) {
    b.before?.();
    const res = (await wrapped(azureRequest(b.job), azureContext(HTTP_TRIGGER))) as HttpResponseInit;
    t.equal(res.status, 200, `benign ${label(b.job)}`);
    t.ok(b.expect((res.jsonBody as { result: unknown }).result));
  }
  t.equal(lines.length, 6);
});

t.test('Azure storage queue: an exploit makes the invocation throw before its side effect', async (t) => {
  const { lines, log } = logs();
  const done: Job[] = [];
  const wrapped = protectAzure(async (item: unknown, _context: InvocationContext) => {
    await perform(item as Job);
    done.push(item as Job);
  }, sinkOnly(log));
  for (const x of exploits()) {
    const ctx = azureContext(QUEUE_TRIGGER, queueMeta(JSON.stringify(x.job)));
    const before = lines.length;
    const err = await wrapped({ ...x.job }, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(isSinkBlock(err), `${x.name}: throws SinkBlockedError (RASP_ERR_BLOCKED)`);
    t.equal((err as SinkBlockedError).requestId, ctx.invocationId);
    t.notOk(x.happened(), 'side effect absent');
    const l = sinkLine(t, lines.slice(before), x, 'block', /^payload\.arg$/);
    t.equal(l?.trigger, 'storage-queue');
  }
  t.same(done, []);
  t.equal(meta.hits, 0);
  for (const b of BENIGN) {
    b.before?.();
    await wrapped({ ...b.job }, azureContext(QUEUE_TRIGGER, queueMeta(JSON.stringify(b.job))));
    if (b.after) t.ok(b.after());
  }
  t.equal(done.length, BENIGN.length, 'every benign message processed');
  t.equal(lines.length, 6);
});

// ---- Google Cloud Functions ----------------------------------------------------------------------

let fnSeq = 0;
async function serve(name: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
/** The Host a deployed function sees (Google's front end routes by it). */
const GCP_HOST = 'us-central1-demo-project.cloudfunctions.net';
/** POSTs a job as a deployed function receives it: production Host header, JSON body. */
function postJob(url: string, job: Job, id?: string): Promise<{ status: number; text: string }> {
  const body = JSON.stringify(job);
  const headers: Record<string, string> = { host: GCP_HOST, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  if (id) headers['function-execution-id'] = id;
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/jobs`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function gcpHttpHandler() {
  const state = { calls: 0 };
  const handler: functions.HttpFunction = async (req, res) => {
    state.calls++;
    const result = await perform(req.body as Job);
    res.status(200).json({ result });
  };
  return { state, handler };
}

t.test('GCP HTTP (real functions-framework server): the sinks stop every exploit with 403', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = gcpHttpHandler();
  const name = `sinks-http-${++fnSeq}`;
  functions.http(name, protectGcp(handler, sinkOnly(log)));
  const srv = await serve(name);
  t.teardown(srv.close);
  let n = 0;
  for (const x of exploits()) {
    const id = `exec-${++n}`;
    const before = lines.length;
    const res = await postJob(srv.url, x.job, id);
    t.equal(res.status, 403, x.name);
    t.same(JSON.parse(res.text), { error: 'blocked', requestId: id });
    t.notMatch(res.text, SECRET);
    t.notOk(x.happened(), 'side effect absent');
    const l = sinkLine(t, lines.slice(before), x, 'block', /^body\.arg$/);
    t.equal(l?.provider, 'gcp');
    t.equal(l?.requestId, id);
  }
  t.equal(state.calls, 6);
  t.equal(inputLines(lines).length, 0);
  t.equal(meta.hits, 0);
  for (const b of BENIGN) {
    b.before?.();
    const res = await postJob(srv.url, b.job);
    t.equal(res.status, 200, `benign ${label(b.job)}`);
    t.ok(b.expect((JSON.parse(res.text) as { result: unknown }).result), 'expected result');
    if (b.after) t.ok(b.after());
  }
  t.equal(lines.length, 6);
});

t.test('GCP HTTP with defaults: the input layer stops the exploits first', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = gcpHttpHandler();
  const name = `sinks-http-${++fnSeq}`;
  functions.http(name, protectGcp(handler, defaults(log)));
  const srv = await serve(name);
  t.teardown(srv.close);
  for (const x of exploits()) {
    t.equal((await postJob(srv.url, x.job)).status, 403, x.name);
    t.notOk(x.happened());
  }
  t.equal(state.calls, 0);
  t.equal(inputLines(lines).length, 6);
  t.equal(lines.length, 6);
});

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
let ceSeq = 0;
/** A Pub/Sub messagePublished CloudEvent in binary content mode. */
function pubsubPost(job: Job): { id: string; init: RequestInit } {
  const id = `evt-${++ceSeq}`;
  return {
    id,
    init: {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
        'ce-source': '//pubsub.googleapis.com/projects/demo/topics/jobs',
        'ce-id': id,
        'ce-time': '2026-05-01T10:00:00Z',
      },
      body: JSON.stringify({
        message: { data: b64(JSON.stringify(job)), attributes: {}, messageId: '9876543210', publishTime: '2026-05-01T10:00:00Z' },
        subscription: 'projects/demo/subscriptions/eventarc-jobs',
      }),
    },
  };
}
interface PubSubData {
  message: { data: string };
}

t.test('GCP Pub/Sub CloudEvent: an exploit is acknowledged (204) and dropped, side effect absent', async (t) => {
  const { lines, log } = logs();
  const done: Job[] = [];
  const name = `sinks-ce-${++fnSeq}`;
  functions.cloudEvent(
    name,
    protectGcp(async (ce: functions.CloudEvent<PubSubData>) => {
      const job = JSON.parse(Buffer.from(ce.data!.message.data, 'base64').toString('utf8')) as Job;
      await perform(job);
      done.push(job);
    }, sinkOnly(log)),
  );
  const srv = await serve(name);
  t.teardown(srv.close);
  for (const x of exploits()) {
    const { id, init } = pubsubPost(x.job);
    const before = lines.length;
    const res = await fetch(srv.url, init);
    t.equal(res.status, 204, `${x.name}: acknowledged, not retried`);
    t.notOk(x.happened(), 'side effect absent');
    const l = sinkLine(t, lines.slice(before), x, 'block', /^data\.message\.data\.arg$/);
    t.equal(l?.requestId, id, 'the CloudEvent id is the request id');
    t.equal(l?.trigger, 'pubsub');
  }
  t.same(done, [], 'no exploit completed');
  t.equal(meta.hits, 0);
  t.equal(inputLines(lines).length, 0);
  for (const b of BENIGN) {
    b.before?.();
    t.equal((await fetch(srv.url, pubsubPost(b.job).init)).status, 204);
    if (b.after) t.ok(b.after());
  }
  t.equal(done.length, BENIGN.length, 'every benign message processed');
  t.equal(lines.length, 6);
});

// ---- monitor mode --------------------------------------------------------------------------------

t.test('monitor mode: the exploit runs and a security event with the sink finding is logged', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = lambdaHttpHandler();
  const wrapped = protectLambda(handler, sinkOnly(log, { mode: 'monitor' }));
  for (const x of exploits()) {
    const before = lines.length;
    const res = (await wrapped(v2(x.job), lambdaCtx())) as APIGatewayProxyStructuredResultV2;
    t.equal(res.statusCode, 200, `${x.name}: allowed`);
    t.ok(x.happened(), 'and it ran: monitor mode only reports');
    sinkLine(t, lines.slice(before), x, 'monitor', /^body\.arg$/);
    seed();
  }
  t.equal(state.calls, 6);
  t.ok(meta.hits > 0, 'the metadata stand-in was reached');
  t.ok(leaked(), 'the secret was read');

  // Defaults in monitor mode: the input finding and the sink finding are both logged.
  const m2 = logs();
  const wrapped2 = protectLambda(lambdaHttpHandler().handler, defaults(m2.log, { mode: 'monitor' }));
  const [sql] = exploits();
  const res = (await wrapped2(v2(sql!.job), lambdaCtx())) as APIGatewayProxyStructuredResultV2;
  t.equal(res.statusCode, 200);
  t.ok(sql!.happened(), 'rows deleted');
  t.same(m2.lines.map((l) => [l.action, l.class, String(l.rule).startsWith('sink.')]), [
    ['monitor', 'sqli', false],
    ['monitor', 'sqli', true],
  ]);
  seed();

  // Monitor on a non-HTTP trigger: the Azure queue message is processed, the finding logged.
  const m3 = logs();
  const done: Job[] = [];
  const wrapped3 = protectAzure(async (item: unknown) => {
    await perform(item as Job);
    done.push(item as Job);
  }, sinkOnly(m3.log, { mode: 'monitor' }));
  const shell = exploits()[1]!;
  await wrapped3({ ...shell.job }, azureContext(QUEUE_TRIGGER, queueMeta(JSON.stringify(shell.job))));
  t.equal(done.length, 1);
  t.ok(shell.happened(), 'the marker was created');
  sinkLine(t, m3.lines, shell, 'monitor', /^payload\.arg$/);
});

// ---- regressions: batch bookkeeping after a sink block, and what counts as a user-chosen host ------

t.test(
  'Lambda SQS: a sink block keeps the batchItemFailures the handler reported itself',
  async (t) => {
    const { log } = logs();
    const { processed, handler } = sqsHandler();
    const wrapped = protectLambda(handler, sinkOnly(log));
    const [sql] = exploits();
    const event = ev.sqs([
      { body: JSON.stringify(sql!.job) },
      // Fails for an ordinary reason (unknown action): the handler reports it for a retry.
      { body: JSON.stringify({ action: 'archive', arg: '7' }) },
      { body: JSON.stringify({ action: 'read', arg: 'report 2024.txt' }) },
    ]);
    const [bad, failedByHandler, clean] = event.Records.map((r) => r.messageId);
    const res = (await wrapped(event, lambdaCtx())) as SQSBatchResponse;
    t.same(processed, [clean]);
    t.notOk(sql!.happened());
    t.same(res.batchItemFailures, [{ itemIdentifier: bad }, { itemIdentifier: failedByHandler }], 'the handler’s own failure is kept');
  },
);

t.test(
  'Lambda SQS: records the handler never reached because of a sink block are not acknowledged',
  async (t) => {
    const { log } = logs();
    const processed: string[] = [];
    // The simplest SQS handler: no per-record try/catch, an error fails the invocation.
    const wrapped = protectLambda(async (event: SQSEvent): Promise<void> => {
      for (const r of event.Records) {
        await perform(JSON.parse(r.body) as Job);
        processed.push(r.messageId);
      }
    }, sinkOnly(log));
    const [sql] = exploits();
    const event = ev.sqs([
      { body: JSON.stringify({ action: 'sql-find', arg: "O'Brien" }) },
      { body: JSON.stringify(sql!.job) },
      { body: JSON.stringify({ action: 'read', arg: 'report 2024.txt' }) },
    ]);
    const ids = event.Records.map((r) => r.messageId);
    const res = (await wrapped(event, lambdaCtx())) as unknown as SQSBatchResponse;
    t.same(processed, [ids[0]], 'the handler stopped at the blocked record');
    const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
    t.ok(failed.has(ids[1]!), 'the blocked record is failed');
    t.ok(failed.has(ids[2]!), 'the record the handler never processed is failed too (else SQS deletes it)');
  },
);

t.test(
  'GCP HTTP in local development: the function’s own call to a loopback service is not SSRF',
  async (t) => {
    const { lines, log } = logs();
    const { handler } = gcpHttpHandler();
    const name = `sinks-http-${++fnSeq}`;
    functions.http(name, protectGcp(handler, sinkOnly(log)));
    const srv = await serve(name);
    t.teardown(srv.close);
    // What `curl http://127.0.0.1:8080/…` against `npx functions-framework` sends: Host 127.0.0.1:<port>.
    const res = await fetch(`${srv.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'lookup', arg: 'weather in Paris' }) });
    t.equal(res.status, 200, 'the lookup (URL built by the function, input only in the query) runs');
    t.same(lines.map((l) => [l.rule, l.where]), [], 'no finding');
  },
);

t.test(
  'Azure HTTP in local development: the function’s own call to a localhost service is not SSRF',
  async (t) => {
    const { lines, log } = logs();
    const wrapped = protectAzure(async (_req: HttpRequest, _ctx: InvocationContext): Promise<HttpResponseInit> => {
      const r = await fetch(`http://localhost:${api.port}/lookup?q=status`);
      return { status: 200, jsonBody: await r.json() };
    }, sinkOnly(log));
    const req = new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/status', headers: { host: 'localhost:7071' } });
    const res = (await wrapped(req, azureContext(HTTP_TRIGGER))) as HttpResponseInit;
    t.equal(res.status, 200);
    t.same(lines.map((l) => [l.rule, l.where]), [], 'no finding');
  },
);

t.test(
  'Lambda: the word "localhost" in a text field does not block the function’s own call to a local extension',
  async (t) => {
    const { lines, log } = logs();
    const wrapped = protectLambda(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
      const { note } = JSON.parse(event.body ?? '{}') as { note: string };
      // Stands in for GET http://localhost:2773/secretsmanager/get?secretId=… (no input in the URL).
      const secret = await (await fetch(`http://localhost:${api.port}/lookup?q=db-password`)).json();
      return { statusCode: 200, body: JSON.stringify({ saved: note, with: secret }) };
    }, sinkOnly(log));
    const res = (await wrapped(
      ev.apiGatewayV2({ method: 'POST', path: '/notes', routeKey: 'POST /notes', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'works on localhost, fails in prod' }) }),
      lambdaCtx(),
    )) as APIGatewayProxyStructuredResultV2;
    t.equal(res.statusCode, 200);
    t.same(lines.map((l) => [l.rule, l.where]), [], 'no finding');
  },
);
