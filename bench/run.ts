/**
 * `npm run bench`: what protect() costs, per provider, in one run.
 *
 *  1. Warm overhead per invocation, bare handler against the protected one, called directly with
 *     real-shaped inputs, each provider's rows in a child process of its own (warmInChild): API
 *     Gateway HTTP API events (Lambda), real `HttpRequest` and `InvocationContext` objects (Azure), real functions-framework Express requests (GCP); small,
 *     typical (1 KB JSON body, 10 headers, 3 query parameters) and large (1 MB body) requests, an SQS
 *     batch of ten, a Storage queue message, a Pub/Sub CloudEvent. Side by side: libddwaf
 *     (@datadog/native-appsec, Datadog's recommended rules) on the same request data, and Aikido Zen's
 *     serverless wrappers where it has one (Lambda, Cloud Functions), in their own process. Every call
 *     gets a new event (JSON.parse'd copies renewed between timed batches; new Azure HttpRequests;
 *     a pool of captured GCP requests): see bench/harness.ts, freshCopies.
 *  2. Cost per KB of body, 1 KB to 1 MB, all sizes interleaved in a child process of their own (perKb).
 *  3. Cold start as whole fresh processes: imports, initialization and first invocation; bare,
 *     protected (package and esbuild bundle), libddwaf's initialization with the recommended rules, Zen.
 *
 * Prints markdown tables (the machine noted) and writes the same to bench/results.md, with the raw
 * figures in bench/results.json (`node dist/bench/readme-table.js` turns them into the README's table).
 * Benchmarks print; they never assert timings. Knobs: BENCH_ROUNDS (15), BENCH_ROUND_MS (25),
 * BENCH_COLD_RUNS (9), BENCH_OUT (directory for results.*).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InvocationContext as AzInvocationContext } from '@azure/functions';
import { build } from 'esbuild';
import { protect as lambdaProtect } from 'serverless-rasp/aws-lambda';
import { protect as azureProtect } from 'serverless-rasp/azure-functions';
import { protect as gcpProtect } from 'serverless-rasp/gcp-functions';
import * as ev from '../test/helpers/lambda-events';
import { azureHttp } from './azure-fixtures';
import { captureGcpRequests, cycle, freshCopies, gcpCopies, measure, median, type FreshPool } from './harness';
import { loadLibddwaf, type LibddwafRequest } from './peers/libddwaf';
import { catalogueBody, countStrings, orderBody, postRequest, smallRequest, sqsBatch, toLibddwaf, type BenchRequest } from './payloads';

type Any = any;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 25);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const ROOT = path.resolve(__dirname, '..', '..');
const OUT = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(ROOT, 'bench');

/** Targets printed next to the figures (not asserted). */
const TARGETS = { warmVsLibddwaf: 1 / 30, coldAddedMs: 15, perKbSpread: 1.5 };

const progress = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

export interface WarmRow {
  provider: 'Lambda' | 'Azure' | 'GCP';
  event: string;
  bareUs: number;
  protectUs: number;
  addedUs: number;
  libddwafUs?: number;
  libddwafNote?: string;
  zenAddedUs?: number;
  extra?: Record<string, number>;
}

export interface Results {
  machine: Record<string, string | number>;
  settings: { rounds: number; roundMs: number; coldRuns: number };
  libddwaf: { version: string; rules: number };
  warm: WarmRow[];
  perKb: Array<{ kb: number; strings: number; bareUs: number; protectUs: number; addedUs: number; bodyUs: number; perKbUs: number | null }>;
  detectors: Array<{ detector: string; orderUsPerKb: number; catalogueUsPerKb: number }>;
  cold: Array<{ variant: string; label: string; importMs: number; firstMs: number; totalMs: number; wallMs: number; addedMs?: number; versus?: string }>;
  targets: Array<{ target: string; figure: string; met: boolean | null }>;
  /** Bare typical handlers timed in a process where protect() never ran (bench/bare-clean.ts). */
  bareClean?: { lambda: number; azure: number } | { error: string };
  seconds: number;
}

/**
 * The bare typical Lambda and Azure handlers in a child process that never loads serverless-rasp:
 * without the promise hooks protect() turns on for the whole process (see bench/bare-clean.ts).
 */
function bareClean(): { lambda: number; azure: number } | { error: string } {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'bare-clean.js')], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, NODE_OPTIONS: '' } });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  try {
    const out = JSON.parse(line) as { lambda: number; azure: number; loaded: boolean };
    if (out.loaded) return { error: 'serverless-rasp was loaded in the child' };
    return { lambda: out.lambda, azure: out.azure };
  } catch {
    return { error: (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-1)[0] ?? 'no output' };
  }
}

function machineInfo(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
}

const fmt = (us: number | undefined): string => (us === undefined ? '–' : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : us >= 100 ? `${us.toFixed(0)} µs` : us >= 10 ? `${us.toFixed(1)} µs` : `${us.toFixed(2)} µs`);
const ms = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b === 0 ? '–' : a / b >= 0.095 ? (a / b).toFixed(2) : `1/${(b / a).toFixed(0)}`);

// ---------------------------------------------------------------------------------------------------
// Warm
// ---------------------------------------------------------------------------------------------------

function wafRunner(waf: ReturnType<typeof loadLibddwaf>, data: { next: () => LibddwafRequest }): { run: () => void; note?: string } {
  const hits = waf.run(data.next());
  return { run: () => void waf.run(data.next()), note: hits.length > 0 ? `flags ${hits.map((h) => h.id).join(',')}` : undefined };
}

async function warmLambda(reqs: Record<string, BenchRequest>, waf: ReturnType<typeof loadLibddwaf>): Promise<WarmRow[]> {
  const rows: WarmRow[] = [];
  const context = ev.lambdaContext();
  const bare = async (event: { rawPath?: string }) => ({ statusCode: 200, body: String(event.rawPath) });
  const wrapped = lambdaProtect(bare, { log: false });
  const noSinks = lambdaProtect(bare, { log: false, sinks: false });
  for (const [name, r] of Object.entries(reqs)) {
    const res = (await wrapped(r.lambda, context)) as { statusCode: number };
    if (res.statusCode !== 200) throw new Error(`Lambda: the ${name} event was answered ${res.statusCode}; the bench would time the wrong path`);
    // A fresh JSON.parse'd event per call, as the runtime hands it (bench/harness.ts, freshCopies).
    // The bare handler only reads rawPath: its copies are cycled, not renewed.
    const events = freshCopies(r.lambda);
    const bareEvents = freshCopies(r.lambda);
    const ddPool = toLibddwaf(r);
    const dd = wafRunner(waf, ddPool);
    const variants: Record<string, () => unknown> = { bare: () => bare(bareEvents.next()), protect: () => wrapped(events.next(), context), libddwaf: dd.run };
    const unseen: Record<string, FreshPool<unknown>> = { protect: events, libddwaf: ddPool.pool };
    if (name === 'typical') {
      variants['sinks: false'] = () => noSinks(events.next(), context);
      unseen['sinks: false'] = events;
    }
    progress(`Lambda ${name}`);
    const m = await measure(variants, { rounds: ROUNDS, roundMs: ROUND_MS, unseen });
    rows.push({
      provider: 'Lambda',
      event: name,
      bareUs: m.bare!,
      protectUs: m.protect!,
      addedUs: m.protect! - m.bare!,
      libddwafUs: m.libddwaf,
      libddwafNote: dd.note,
      extra: name === 'typical' ? { 'protect({ sinks: false }) added': m['sinks: false']! - m.bare! } : undefined,
    });
  }
  // SQS batch of ten 1 KB messages: libddwaf has no SQS integration; fed each message body on its own
  // (parsed from the record of a fresh batch, as protect() parses it).
  const batch = sqsBatch(10, 1024);
  const batches = freshCopies(batch);
  const bareBatches = freshCopies(batch);
  const sqsBare = async (_e: unknown) => ({ batchItemFailures: [] as Array<{ itemIdentifier: string }> });
  const sqsWrapped = lambdaProtect(sqsBare, { log: false });
  const check = (await sqsWrapped(batch, context)) as { batchItemFailures: unknown[] };
  if (check.batchItemFailures.length > 0) throw new Error('Lambda: a benign SQS record was reported failed');
  progress('Lambda SQS batch of 10');
  const m = await measure(
    {
      bare: () => sqsBare(bareBatches.next()),
      protect: () => sqsWrapped(batches.next(), context),
      libddwaf: () => {
        for (const rec of batches.next().Records) waf.run({ body: JSON.parse(rec.body) as unknown });
      },
    },
    { rounds: ROUNDS, roundMs: ROUND_MS, unseen: { protect: batches, libddwaf: batches } },
  );
  rows.push({ provider: 'Lambda', event: 'sqs10', bareUs: m.bare!, protectUs: m.protect!, addedUs: m.protect! - m.bare!, libddwafUs: m.libddwaf, libddwafNote: 'each body run as a request body' });
  return rows;
}

async function warmAzure(reqs: Record<string, BenchRequest>, waf: ReturnType<typeof loadLibddwaf>): Promise<WarmRow[]> {
  const { InvocationContext } = require('@azure/functions') as typeof import('@azure/functions');
  const rows: WarmRow[] = [];
  const { httpContext, bare, requestOf } = azureHttp();
  const wrapped = azureProtect(bare, { log: false });
  for (const [name, r] of Object.entries(reqs)) {
    // A new HttpRequest per call on every side, from fresh strings (bench/azure-fixtures.ts). The bare
    // handler reads the body too, so it gets unseen copies as protect() does.
    const make = requestOf(r);
    const res = (await wrapped(make.next(), httpContext)) as { status: number };
    if (res.status !== 200) throw new Error(`Azure: the ${name} request was answered ${res.status}`);
    const ddPool = toLibddwaf(r);
    const dd = wafRunner(waf, ddPool);
    progress(`Azure ${name}`);
    const m = await measure(
      { bare: () => bare(make.next(), httpContext), protect: () => wrapped(make.next(), httpContext), libddwaf: dd.run },
      { rounds: ROUNDS, roundMs: ROUND_MS, unseen: { bare: make.pool, protect: make.pool, libddwaf: ddPool.pool } },
    );
    rows.push({ provider: 'Azure', event: name, bareUs: m.bare!, protectUs: m.protect!, addedUs: m.protect! - m.bare!, libddwafUs: m.libddwaf, libddwafNote: dd.note });
  }
  const queueContext = new InvocationContext({
    invocationId: '7c9e6679-7425-40de-944b-e07fc1f90ae8',
    functionName: 'fulfilOrder',
    logHandler: () => undefined,
    triggerMetadata: { id: 'b2c3', dequeueCount: 1 },
    options: { trigger: { type: 'queueTrigger', name: 'queueItem', queueName: 'orders', connection: 'AzureWebJobsStorage' } as Any, extraInputs: [], extraOutputs: [] },
  });
  // The worker deserializes each message: a fresh copy per call.
  const messages = freshCopies(JSON.parse(orderBody(1024)) as unknown);
  const qBare = async (_m: unknown, _c: AzInvocationContext) => undefined;
  const qWrapped = azureProtect(qBare, { log: false });
  await qWrapped(messages.next(), queueContext);
  progress('Azure queue message');
  const m = await measure(
    { bare: () => qBare(messages.next(), queueContext), protect: () => qWrapped(messages.next(), queueContext), libddwaf: () => waf.run({ body: messages.next() }) },
    { rounds: ROUNDS, roundMs: ROUND_MS, unseen: { protect: messages, libddwaf: messages } },
  );
  rows.push({ provider: 'Azure', event: 'queue1k', bareUs: m.bare!, protectUs: m.protect!, addedUs: m.protect! - m.bare!, libddwafUs: m.libddwaf, libddwafNote: 'message run as a request body' });
  return rows;
}

async function warmGcp(reqs: Record<string, BenchRequest>, waf: ReturnType<typeof loadLibddwaf>): Promise<WarmRow[]> {
  const rows: WarmRow[] = [];
  // A new Express request per call, as the framework builds per invocation (bench/harness.ts).
  const captured = await captureGcpRequests(Object.values(reqs), gcpCopies);
  const bare = (_req: unknown, _res: unknown): void => undefined;
  const wrapped = gcpProtect(bare as Any, { log: false }) as unknown as (req: unknown, res: unknown) => unknown;
  for (const [i, [name, r]] of Object.entries(reqs).entries()) {
    const list = captured[i]!;
    const { req, res } = list[0]!;
    let blocked = false;
    const probe = { ...(res as object), headersSent: false, status: () => ((blocked = true), probe), set: () => probe, send: () => probe };
    await wrapped(req, probe);
    if (blocked) throw new Error(`GCP: the ${name} request was blocked`);
    const ddPool = toLibddwaf(r);
    const dd = wafRunner(waf, ddPool);
    const bareNext = cycle(list);
    const next = cycle(list);
    progress(`GCP ${name} (${list.length} captured requests)`);
    const m = await measure(
      {
        bare: async () => {
          const x = bareNext();
          bare(x.req, x.res);
        },
        protect: () => {
          const x = next();
          return wrapped(x.req, x.res);
        },
        libddwaf: dd.run,
      },
      { rounds: ROUNDS, roundMs: ROUND_MS, unseen: { libddwaf: ddPool.pool } },
    );
    rows.push({ provider: 'GCP', event: name, bareUs: m.bare!, protectUs: m.protect!, addedUs: m.protect! - m.bare!, libddwafUs: m.libddwaf, libddwafNote: dd.note });
  }
  const text = orderBody(1024);
  const ce = {
    specversion: '1.0',
    id: '9876543210',
    source: '//pubsub.googleapis.com/projects/demo-project/topics/orders',
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: {
      message: { data: Buffer.from(text).toString('base64'), attributes: { origin: 'checkout' }, messageId: '9876543210', publishTime: new Date().toISOString() },
      subscription: 'projects/demo-project/subscriptions/orders-sub',
    },
  };
  // The framework parses each CloudEvent from its request body: a fresh copy per call.
  const ces = freshCopies(ce);
  let handled = 0;
  const ceBare = async (_e: unknown) => void handled++;
  const ceWrapped = gcpProtect(ceBare as Any, { log: false }) as unknown as (e: unknown) => Promise<unknown>;
  await ceWrapped(ces.next());
  if (handled !== 1) throw new Error('GCP: the benign CloudEvent was dropped');
  progress('GCP Pub/Sub CloudEvent');
  const m = await measure(
    {
      bare: () => ceBare(ces.next()),
      protect: () => ceWrapped(ces.next()),
      libddwaf: () => waf.run({ body: JSON.parse(Buffer.from(ces.next().data.message.data, 'base64').toString('utf8')) as unknown }),
    },
    { rounds: ROUNDS, roundMs: ROUND_MS, unseen: { protect: ces, libddwaf: ces } },
  );
  rows.push({ provider: 'GCP', event: 'pubsub1k', bareUs: m.bare!, protectUs: m.protect!, addedUs: m.protect! - m.bare!, libddwafUs: m.libddwaf, libddwafNote: 'message run as a request body' });
  return rows;
}

function zenWarm(): { lambda: Record<string, { bare: number; zen: number }>; gcp: Record<string, { bare: number; zen: number }> } | { error: string } {
  progress('Aikido Zen (own process)');
  const r = spawnSync(process.execPath, [path.join(__dirname, 'zen-warm.js'), String(ROUNDS), String(ROUND_MS)], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{"lambda"')).pop();
  if (!line) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ') };
  return JSON.parse(line) as { lambda: Record<string, { bare: number; zen: number }>; gcp: Record<string, { bare: number; zen: number }> };
}

// ---------------------------------------------------------------------------------------------------
// Cost per KB
// ---------------------------------------------------------------------------------------------------

/** The body sizes of the cost-per-KB rows, in KB (0: the same request without a body, the baseline). */
const PER_KB_SIZES = [0, 1, 4, 16, 64, 256, 1024];

/**
 * Every size in one `measure` call, its rounds alternating over all sizes' bare and protected
 * variants, not one size after the other. Timed one size after the other, anything that slowed the
 * host during the section landed on the sizes timed after it and read as a cost that grows with the
 * body: at 00:03 and at 01:59 (session 24) the rows from 64 KB, then 16 KB, on came out about twice
 * the smaller ones' per KB (×2.50, ×2.34), and so did the bare handler's own time (0.16 to 0.30 µs,
 * ×1.9), which never reads the body; the same rows in a fresh process, one size after the other,
 * printed 22.6 to 28.9 µs per KB (×1.28), and in the bench's own process state 21.7 to 28.4 (×1.31).
 * Interleaved, a slow stretch hits every size alike and the median of the rounds leaves it out.
 * In a process of its own (perKbInChild), as the warm rows are: its heap holds only these pools
 * (about 256 KB of JSON for each size's protect() and bare handler, 2 copies of the 256 KB and 1 MB
 * bodies: about 7 MB in all), each call a new JSON.parse'd copy (protect's renewed between batches).
 */
async function perKb(): Promise<Results['perKb']> {
  const context = ev.lambdaContext();
  const bare = async (event: { rawPath?: string }) => ({ statusCode: 200, body: String(event.rawPath) });
  const wrapped = lambdaProtect(bare, { log: false });
  const variants: Record<string, () => unknown> = {};
  const unseen: Record<string, FreshPool<unknown>> = {};
  const strings: Record<number, number> = {};
  for (const kb of PER_KB_SIZES) {
    const r = postRequest(kb * 1024, `${kb} KB`, 'catalogue');
    const res = (await wrapped(r.lambda, context)) as { statusCode: number };
    if (res.statusCode !== 200) throw new Error(`per-KB: the ${kb} KB body was answered ${res.statusCode}`);
    strings[kb] = r.body === undefined ? 0 : countStrings(r.body);
    const events = freshCopies(r.lambda);
    const bareEvents = freshCopies(r.lambda);
    variants[`bare ${kb}`] = () => bare(bareEvents.next());
    variants[`protect ${kb}`] = () => wrapped(events.next(), context);
    unseen[`protect ${kb}`] = events;
  }
  progress(`cost per KB: ${PER_KB_SIZES.join(', ')} KB, interleaved`);
  // CPU time: a 1 MB invocation takes tens of milliseconds, long enough for the scheduler of a shared
  // machine to hand whole slices to other processes; wall time then says more about them than us.
  const m = await measure(variants, { rounds: ROUNDS, roundMs: Math.max(ROUND_MS, 60), cpu: true, unseen });
  const out: Results['perKb'] = [];
  let base = 0;
  for (const kb of PER_KB_SIZES) {
    const bareUs = m[`bare ${kb}`]!;
    const protectUs = m[`protect ${kb}`]!;
    const added = protectUs - bareUs;
    if (kb === 0) base = added;
    out.push({ kb, strings: strings[kb]!, bareUs, protectUs, addedUs: added, bodyUs: added - base, perKbUs: kb === 0 ? null : (added - base) / kb });
  }
  return out;
}

const PER_KB_FLAG = '--per-kb';

/** The cost-per-KB rows (perKb), timed in a child process of their own (this file, run with PER_KB_FLAG). */
function perKbInChild(): Results['perKb'] {
  const r = spawnSync(process.execPath, [__filename, PER_KB_FLAG], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 });
  const line = r.stdout?.split('\n').filter((l) => l.startsWith('{"perKb"')).pop();
  if (r.status !== 0 || !line) throw new Error(`cost per KB failed in its child process: exit ${r.status ?? r.signal}`);
  return (JSON.parse(line) as { perKb: Results['perKb'] }).perKb;
}

/**
 * Where the time goes: each value detector called directly on every string and key of a 64 KB body
 * (no prefilter masks, no decoding), in µs per KB of body, for the two kinds of body the bench uses.
 */
async function detectorCosts(): Promise<Results['detectors']> {
  const { DETECTORS } = require('../src/detectors/index') as typeof import('../src/detectors/index');
  const strings = (json: string): string[] => {
    const out: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          out.push(k);
          walk(x);
        }
    };
    walk(JSON.parse(json));
    return out;
  };
  const bodies = { order: strings(orderBody(64 * 1024)), catalogue: strings(catalogueBody(64 * 1024)) };
  const out: Results['detectors'] = [];
  progress('detectors, one by one');
  for (const d of DETECTORS) {
    const fn = d.value;
    if (fn === undefined) continue;
    const row = { detector: d.class, orderUsPerKb: 0, catalogueUsPerKb: 0 };
    for (const [kind, list] of Object.entries(bodies)) {
      const m = await measure({ run: () => void list.forEach((x) => fn(x)) }, { rounds: 5, roundMs: ROUND_MS });
      if (kind === 'order') row.orderUsPerKb = m.run! / 64;
      else row.catalogueUsPerKb = m.run! / 64;
    }
    out.push(row);
  }
  return out.sort((a, b) => b.catalogueUsPerKb - a.catalogueUsPerKb);
}

// ---------------------------------------------------------------------------------------------------
// Cold start
// ---------------------------------------------------------------------------------------------------

const COLD_VARIANTS: Array<{ variant: string; label: string; versus?: string; bundle?: 'bare' | 'protect' }> = [
  { variant: 'lambda-bundle-bare', label: 'Lambda, bare handler (esbuild bundle)', bundle: 'bare' },
  { variant: 'lambda-bundle-protect', label: 'Lambda, protect() (esbuild bundle, as sam build makes it)', versus: 'lambda-bundle-bare', bundle: 'protect' },
  { variant: 'lambda-bare', label: 'Lambda, bare handler' },
  { variant: 'lambda-protect', label: 'Lambda, protect() (package from node_modules)', versus: 'lambda-bare' },
  { variant: 'azure-bare', label: 'Azure, bare handler (with @azure/functions)' },
  { variant: 'azure-protect', label: 'Azure, protect()', versus: 'azure-bare' },
  { variant: 'gcp-bare', label: 'GCP, bare handler' },
  { variant: 'gcp-protect', label: 'GCP, protect()', versus: 'gcp-bare' },
  // The optional deploy-time V8 code cache (README, "Cold start: an optional V8 code cache"): it fits
  // these children (plain `node`, the Node that made it); not the default, not in the targets.
  { variant: 'gcp-protect-cached', label: 'GCP, protect() with a deploy-time V8 code cache (optional)', versus: 'gcp-bare' },
  { variant: 'libddwaf', label: 'libddwaf: load + init with the recommended rules + first run', versus: 'lambda-bare' },
  { variant: 'zen-lambda', label: 'Aikido Zen: @aikidosec/firewall/lambda + first invocation', versus: 'lambda-bare' },
];

async function coldStarts(typical: BenchRequest): Promise<Results['cold']> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-bench-cold-'));
  const cleanup: string[] = [dir];
  try {
    // The deployed shape: the handler bundled with the library, re2 external next to it.
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'serverless-rasp'), 'dir');
    fs.symlinkSync(path.join(ROOT, 'node_modules', 're2'), path.join(dir, 'node_modules', 're2'), 'dir');
    fs.writeFileSync(path.join(dir, 'bare.ts'), `export const handler = async (event: any) => ({ statusCode: 200, body: String(event.rawPath) });\n`);
    fs.writeFileSync(
      path.join(dir, 'protect.ts'),
      `import { protect } from 'serverless-rasp/aws-lambda';\nexport const handler = protect(async (event: any) => ({ statusCode: 200, body: String(event.rawPath) }), { log: false });\n`,
    );
    for (const name of ['bare', 'protect']) {
      await build({ absWorkingDir: dir, entryPoints: [path.join(dir, `${name}.ts`)], outfile: path.join(dir, `${name}.js`), bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: ['re2'], logLevel: 'silent' });
    }
    const qs = new URLSearchParams(typical.query).toString();
    const dd = toLibddwaf(typical).next();
    const input = {
      lambdaEvent: typical.lambda,
      request: { method: typical.method, url: `https://orders-app.azurewebsites.net/api${typical.path}?${qs}`, path: typical.path, query: typical.query, headers: typical.headers, body: typical.body },
      libddwaf: {
        'server.request.query': dd.query,
        'server.request.headers.no_cookies': dd.headers,
        'server.request.cookies': dd.cookies,
        'server.request.body': dd.body,
        'server.request.uri.raw': dd.uri,
        'server.request.method': dd.method,
        'http.client_ip': dd.ip,
      },
      rulesPath: path.join(path.dirname(require.resolve('dd-trace/package.json')), 'packages/dd-trace/src/appsec/recommended.json'),
    };
    // A copy of dist/pkg with its code cache, inside dist/ so that it resolves node_modules as the
    // package does; removed below.
    const cachedPkg = fs.mkdtempSync(path.join(ROOT, 'dist', '.bench-code-cache-'));
    cleanup.push(cachedPkg);
    for (const f of fs.readdirSync(path.join(ROOT, 'dist', 'pkg'))) if (f !== 'core-code.cache') fs.copyFileSync(path.join(ROOT, 'dist', 'pkg', f), path.join(cachedPkg, f));
    const made = spawnSync(process.execPath, [path.join(cachedPkg, 'code-cache.js')], { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    if (made.status !== 0) throw new Error(`code-cache.js failed: ${made.stderr || made.stdout}`);
    const inputFile = path.join(dir, 'input.json');
    fs.writeFileSync(inputFile, JSON.stringify(input));
    const child = path.join(__dirname, 'cold-start.js');
    const runs: Record<string, Array<{ importMs: number; firstMs: number; totalMs: number; wallMs: number }>> = {};
    for (let i = 0; i < COLD_RUNS; i++) {
      progress(`cold start, run ${i + 1}/${COLD_RUNS}`);
      for (const v of COLD_VARIANTS) {
        const args = [child, v.variant, inputFile];
        if (v.bundle) args.push(path.join(dir, `${v.bundle}.js`));
        if (v.variant === 'gcp-protect-cached') args.push(cachedPkg);
        const t = process.hrtime.bigint();
        const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
        const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
        const line = r.stdout.split('\n').filter((l) => l.startsWith('{"variant"')).pop();
        if (!line) throw new Error(`cold start ${v.variant} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
        const j = JSON.parse(line) as { importMs: number; firstMs: number; totalMs: number; status: unknown };
        if (j.status !== 200) throw new Error(`cold start ${v.variant}: first invocation answered ${String(j.status)}`);
        (runs[v.variant] ??= []).push({ importMs: j.importMs, firstMs: j.firstMs, totalMs: j.totalMs, wallMs });
      }
    }
    return COLD_VARIANTS.map((v) => {
      const list = runs[v.variant]!;
      const base = v.versus ? runs[v.versus]! : undefined;
      return {
        variant: v.variant,
        label: v.label,
        importMs: median(list.map((x) => x.importMs)),
        firstMs: median(list.map((x) => x.firstMs)),
        totalMs: median(list.map((x) => x.totalMs)),
        wallMs: median(list.map((x) => x.wallMs)),
        // Runs are interleaved: the median of per-run differences cancels drift between runs.
        addedMs: base ? median(list.map((x, i) => x.totalMs - base[i]!.totalMs)) : undefined,
        versus: v.versus,
      };
    });
  } finally {
    for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------

const EVENT_LABEL: Record<string, string> = {
  small: 'small: GET, 8 headers, no query, no body',
  typical: 'typical: POST, 10 headers, 3 query params, 1 KB JSON order',
  large: 'large: POST, 10 headers, 3 query params, 1 MB JSON catalogue (prose)',
  sqs10: 'SQS batch of 10 × 1 KB JSON orders',
  queue1k: 'Storage queue message, 1 KB JSON order',
  pubsub1k: 'Pub/Sub CloudEvent, 1 KB JSON order',
};

export function markdown(res: Results, zen: ReturnType<typeof zenWarm>): string {
  const m = res.machine;
  const L: string[] = [];
  L.push('# serverless-rasp benchmark');
  L.push('');
  L.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadavg}; ${m.date}.`);
  L.push(`Warm figures: median µs per invocation over ${res.settings.rounds} alternating rounds of about ${res.settings.roundMs} ms per variant, each provider's rows in a process of its own, as a function's process hosts one provider (in one process, the rows after the GCP ones paid the promise hooks of functions-framework's \`node:domain\`, and each provider ran on the others' leftovers). Cold starts: median of ${res.settings.coldRuns} fresh processes per variant, variants interleaved; in the Lambda and GCP processes, bare and protected alike, what the platform's runtime loads before the application (http, net and fs/promises: Lambda's runtime interface client and ES module entry, functions-framework) is loaded before the clock starts (cold-start.ts, preloadRuntime).`);
  L.push(`libddwaf ${res.libddwaf.version} with Datadog's recommended rules (${res.libddwaf.rules} rules), fed the same request data (query, headers, cookies, parsed body, URI, method, client IP).`);
  L.push(
    "Events: every call gets a new event, as each platform hands one per invocation, never the previous call's object. Lambda (and the SQS batch, the cost-per-KB rows, the Azure queue message, the Pub/Sub CloudEvent, libddwaf's data): JSON.parse'd copies of the event, built outside the timed region (up to 64, about 256 KB of JSON; 2 of the 1 MB event: a larger pool's waiting copies cost the scavenges a function's heap does not have), and renewed between timed batches, so each protect() and libddwaf call reads strings no call has read (fresh, flat, not internalized, hashes not cached). Azure: a new `HttpRequest` per call from such copies. GCP: a pool of real functions-framework requests (up to 16; 4 of the 1 MB one: cycling through 250 made every call read cold memory, +50 %), each sent over loopback, cycled (not renewed, so their strings' hashes are cached after the first pass).",
  );
  L.push('');
  L.push('## Warm overhead per invocation');
  L.push('');
  L.push('| provider | event | bare | protect() | added by protect() | libddwaf, same data | added ÷ libddwaf | Zen wrapper, added |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of res.warm) {
    L.push(
      `| ${r.provider} | ${EVENT_LABEL[r.event] ?? r.event} | ${fmt(r.bareUs)} | ${fmt(r.protectUs)} | **${fmt(r.addedUs)}** | ${fmt(r.libddwafUs)}${r.libddwafNote ? ` (${r.libddwafNote})` : ''} | ${ratio(r.addedUs, r.libddwafUs)} | ${r.zenAddedUs === undefined ? 'n/a' : fmt(r.zenAddedUs)} |`,
    );
  }
  const typical = res.warm.find((r) => r.provider === 'Lambda' && r.event === 'typical');
  if (typical?.extra) for (const [k, v] of Object.entries(typical.extra)) L.push(`\nLambda typical, ${k}: ${fmt(v)} (the rest of the added time is the sink-check context, AsyncLocalStorage).`);
  const azTypical = res.warm.find((r) => r.provider === 'Azure' && r.event === 'typical');
  if (res.bareClean !== undefined && 'error' in res.bareClean) L.push(`\nBare handlers without protect() in the process: did not run (${res.bareClean.error}).`);
  else if (res.bareClean !== undefined && typical && azTypical)
    L.push(
      `\nThe same bare typical handlers in a process where protect() never ran (bench/bare-clean.ts): Lambda ${fmt(res.bareClean.lambda)} (${fmt(typical.bareUs)} here), Azure ${fmt(res.bareClean.azure)} (${fmt(azTypical.bareUs)} here). protect() turns on Node's promise hooks for the whole process (AsyncLocalStorage, for the sink checks), so the bare handlers measured here pay them too; what they cost a handler's own promises (the Azure SDK's body read makes about twenty) is protect()'s cost as well, and is not in the added column: with it, Azure typical adds ${fmt(azTypical.protectUs - res.bareClean.azure)}, Lambda typical ${fmt(typical.protectUs - res.bareClean.lambda)} (separate processes: noisier than the alternated rounds).`,
    );
  L.push('');
  L.push('Bare: the handler alone. Azure: a new `HttpRequest` per invocation on both sides (its body is a stream), and the handler reads the body, as a POST handler does; protect() reads it first and keeps it readable for the handler. GCP: Express requests captured from the real functions-framework server, then passed directly, a different one each call.');
  L.push('libddwaf stops at 256 items per container and 4096 characters per string by default, so on the 1 MB body it inspects part of the data protect() inspects in full.');
  if ('error' in zen) L.push(`Aikido Zen: did not run (${zen.error}).`);
  else
    L.push(
      'Aikido Zen (1.8, no token, in its own process): its Lambda and Cloud Functions wrappers only collect the request into its context; its checks run at the sinks (SQL, shell, files, outbound HTTP), which these handlers do not call. It has no Azure wrapper. So its column is the cost of context capture, not of an inspection.',
    );
  L.push('');
  L.push('## Cost per KB of body (Lambda, POST /orders, 10 headers, 3 query parameters)');
  L.push('');
  L.push('| body | strings + keys | bare | protect() | added | added by the body | per KB |');
  L.push('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of res.perKb) {
    L.push(`| ${r.kb === 0 ? 'none' : r.kb >= 1024 ? `${r.kb / 1024} MB` : `${r.kb} KB`} | ${r.strings} | ${fmt(r.bareUs)} | ${fmt(r.protectUs)} | ${fmt(r.addedUs)} | ${r.kb === 0 ? '–' : fmt(r.bodyUs)} | ${r.perKbUs === null ? '–' : fmt(r.perKbUs)} |`);
  }
  L.push('');
  L.push(`"Added by the body" is the added time minus the added time of the same request without a body. Process CPU time (median of ${ROUNDS} rounds, each alternating over every size, in a process of their own), not wall time: on a shared machine a multi-millisecond invocation otherwise absorbs other processes' time slices.`);
  L.push('');
  L.push('### Where the time goes: each detector on a 64 KB body (µs per KB; called directly on every string and key, before masks)');
  L.push('');
  L.push('| detector | order (short fields) | catalogue (prose) |');
  L.push('|---|---:|---:|');
  for (const d of res.detectors) L.push(`| ${d.detector} | ${fmt(d.orderUsPerKb)} | ${fmt(d.catalogueUsPerKb)} |`);
  L.push('');
  L.push('## Cold start (fresh process: imports and initialization, then the first invocation)');
  L.push('');
  L.push('| variant | imports + init (ms) | first invocation (ms) | total (ms) | added (ms) | process start to first response (ms) |');
  L.push('|---|---:|---:|---:|---:|---:|');
  for (const c of res.cold) {
    L.push(`| ${c.label} | ${ms(c.importMs)} | ${ms(c.firstMs)} | ${ms(c.totalMs)} | ${c.addedMs === undefined ? '–' : `**${ms(c.addedMs)}** vs ${res.cold.find((x) => x.variant === c.versus)?.label.split(',')[0] ?? c.versus} bare`} | ${ms(c.wallMs)} |`);
  }
  L.push('');
  L.push('"Added" is the median of per-run differences against the bare handler of the same run. The last column is measured by the parent (spawn to exit), Node\'s own start included.');
  L.push('');
  L.push('## Targets (printed, not asserted)');
  L.push('');
  L.push('| target | measured | met |');
  L.push('|---|---|---|');
  for (const t of res.targets) L.push(`| ${t.target} | ${t.figure} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`);
  L.push('');
  L.push(`Whole run: ${res.seconds.toFixed(0)} s.`);
  return L.join('\n');
}

function targets(res: Results): Results['targets'] {
  const out: Results['targets'] = [];
  for (const p of ['Lambda', 'Azure', 'GCP'] as const) {
    const r = res.warm.find((x) => x.provider === p && x.event === 'typical');
    if (!r || r.libddwafUs === undefined) continue;
    out.push({
      target: `${p}, typical event: added warm time under 1/30 of libddwaf's time for the same data`,
      figure: `${fmt(r.addedUs)} vs ${fmt(r.libddwafUs)} (${ratio(r.addedUs, r.libddwafUs)}; 1/30 = ${fmt(r.libddwafUs / 30)})`,
      met: r.addedUs <= r.libddwafUs * TARGETS.warmVsLibddwaf,
    });
  }
  for (const v of ['lambda-bundle-protect', 'lambda-protect', 'azure-protect', 'gcp-protect']) {
    const c = res.cold.find((x) => x.variant === v);
    if (!c || c.addedMs === undefined) continue;
    out.push({ target: `cold start added at most ${TARGETS.coldAddedMs} ms: ${c.label}`, figure: `${ms(c.addedMs)} ms`, met: c.addedMs <= TARGETS.coldAddedMs });
  }
  const cached = res.cold.find((x) => x.variant === 'gcp-protect-cached');
  if (cached?.addedMs !== undefined) out.push({ target: `for reference (optional, not the default): ${cached.label}`, figure: `${ms(cached.addedMs)} ms`, met: null });
  const dd = res.cold.find((x) => x.variant === 'libddwaf');
  if (dd?.addedMs !== undefined) out.push({ target: 'for reference: libddwaf initialization with the recommended rules', figure: `${ms(dd.addedMs)} ms`, met: null });
  const per = res.perKb.filter((r) => r.perKbUs !== null).map((r) => r.perKbUs!);
  if (per.length > 0) {
    const lo = Math.min(...per);
    const hi = Math.max(...per);
    out.push({
      target: `cost per KB flat from 1 KB to 1 MB (largest ÷ smallest ≤ ${TARGETS.perKbSpread})`,
      figure: `${fmt(lo)} to ${fmt(hi)} per KB (×${(hi / lo).toFixed(2)})`,
      met: hi / lo <= TARGETS.perKbSpread,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineInfo();
  // Loaded here only for its version and rule count; the warm rows load it in their own processes.
  const waf = loadLibddwaf();
  const reqs = benchRequests();
  const typicalHeaders = Object.keys(reqs.typical.headers).length;
  if (typicalHeaders !== 10) throw new Error(`the typical request has ${typicalHeaders} headers, not 10`);

  progress('bare handlers in a process without protect()');
  const clean = bareClean();
  // Each provider's warm rows in a process of its own, as each runs in production (see warmInChild).
  const warm = [...warmInChild('lambda'), ...warmInChild('azure'), ...warmInChild('gcp')];
  const zen = zenWarm();
  if (!('error' in zen)) {
    for (const r of warm) {
      const z = r.provider === 'Lambda' ? zen.lambda[r.event] : r.provider === 'GCP' ? zen.gcp[r.event] : undefined;
      if (z) r.zenAddedUs = z.zen - z.bare;
    }
  }
  const kb = perKbInChild();
  const detectors = await detectorCosts();
  const cold = await coldStarts(reqs.typical);
  const res: Results = {
    machine,
    settings: { rounds: ROUNDS, roundMs: ROUND_MS, coldRuns: COLD_RUNS },
    libddwaf: { version: waf.version, rules: waf.rules },
    warm,
    perKb: kb,
    detectors,
    cold,
    targets: [],
    bareClean: clean,
    seconds: 0,
  };
  res.targets = targets(res);
  res.seconds = (Date.now() - started) / 1000;
  const md = markdown(res, zen);
  console.log(md);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.md'), `${md}\n`);
  fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify(res, null, 2)}\n`);
  progress(`wrote ${path.relative(process.cwd(), path.join(OUT, 'results.md'))} and results.json`);
}

/** The small, typical and large requests of the warm rows (seeded: the same in every process). */
function benchRequests(): Record<'small' | 'typical' | 'large', BenchRequest> {
  return { small: smallRequest(), typical: postRequest(1024, 'typical'), large: postRequest(1024 * 1024, 'large', 'catalogue') };
}

type WarmProvider = 'lambda' | 'azure' | 'gcp';
const WARM_FLAG = '--warm-rows';

/**
 * One provider's warm rows, timed in a child process that hosts that provider alone (this file, run
 * with WARM_FLAG), as a function's process does: a Lambda or Azure process never loads
 * functions-framework, and a GCP process never runs the other adapters. In one process for all three,
 * each provider's rows ran after the others' and among their leftovers. One of those a real process
 * does not have: functions-framework loads `node:domain` (function_wrappers.js), whose async hook has
 * a destroy callback, so from the GCP rows on every promise of the process paid destroy tracking
 * (promiseInitHookWithDestroyTracking, registerDestroyHook: ~6 % of a GCP typical call's profile),
 * and so did the rows timed after them in that process (cost per KB: Lambda). The others (the
 * engine's call sites having seen the other providers' objects, the earlier rows' heap) showed no
 * difference for GCP typical within this machine's noise; a process per provider rules them out
 * rather than arguing them away. The parent, which times the detector rows (the cost-per-KB rows have
 * a child of their own, perKbInChild), never loads functions-framework now. Same settings (BENCH_ROUNDS, BENCH_ROUND_MS: the environment is
 * inherited); progress goes to this process's stderr. Throws when the child fails.
 */
function warmInChild(provider: WarmProvider): WarmRow[] {
  const r = spawnSync(process.execPath, [__filename, WARM_FLAG, provider], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 });
  const line = r.stdout?.split('\n').filter((l) => l.startsWith('{"warm"')).pop();
  if (r.status !== 0 || !line) throw new Error(`warm rows (${provider}) failed in their child process: exit ${r.status ?? r.signal}`);
  return (JSON.parse(line) as { warm: WarmRow[] }).warm;
}

/** The child's side of warmInChild: one provider's rows, as one JSON line on stdout. */
async function warmChild(provider: WarmProvider): Promise<void> {
  const waf = loadLibddwaf();
  const reqs = benchRequests();
  const rows = provider === 'lambda' ? await warmLambda(reqs, waf) : provider === 'azure' ? await warmAzure(reqs, waf) : await warmGcp(reqs, waf);
  process.stdout.write(`${JSON.stringify({ warm: rows })}\n`);
}

if (require.main === module && process.argv[2] === PER_KB_FLAG) {
  perKb()
    .then((rows) => void process.stdout.write(`${JSON.stringify({ perKb: rows })}\n`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
} else if (require.main === module && process.argv[2] === WARM_FLAG) {
  const provider = process.argv[3] as WarmProvider;
  if (provider !== 'lambda' && provider !== 'azure' && provider !== 'gcp') throw new Error(`${WARM_FLAG}: lambda, azure or gcp, not ${String(provider)}`);
  warmChild(provider).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
