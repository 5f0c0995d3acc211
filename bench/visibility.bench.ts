/**
 * What the visibility features add per invocation when nothing changed, printed, never asserted:
 *
 * - integrity: `check()` before the handler and `after()` when it settles, with the default 1 s
 *   interval (the scans themselves run asynchronously, off the hot path; their duration is printed
 *   separately for a small /tmp and for a real code tree);
 * - virtual patches: the engine-side cost of an EMPTY set (one `undefined` test per source and per
 *   walked value) and, for scale, of a one-rule set on `headers.user-agent`, both measured as the
 *   difference between the same walk over a typical API Gateway event with and without the calls;
 * - metrics: `record()` + `flush()` (one EMF line into a no-op writer), and with the OpenTelemetry
 *   API present but no SDK registered (no-op meter);
 * - egress watch: classifying one allowed connection.
 *
 * Run: npx esbuild bench/visibility.bench.ts --bundle --platform=node --outfile=dist/bench/visibility.bench.js \
 *        --external:re2 --external:@opentelemetry/api --log-level=warning && node dist/bench/visibility.bench.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalize } from '../adapters/aws-lambda/normalize';
import { decodePayload, looksLikeJson } from '../src/body';
import { createEngine } from '../src/engine';
import { createEgressWatch, resolveEgressWatchOptions } from '../src/egress/index';
import { createIntegrityMonitor, resolveIntegrityOptions } from '../src/integrity/index';
import { createMetrics } from '../src/metrics/index';
import { compilePatches, loadVirtualPatches, resolveVirtualPatches, type PatchMatcher, type SourcePatchMatcher } from '../src/patches/index';
import type { Segment } from '../src/paths';
import type { InspectionRequest } from '../src/types';
import { createVisibility } from '../src/visibility';
import * as ev from '../test/helpers/lambda-events';
import { machine, median } from './util';

const ROUNDS = 15;

/** Nanoseconds per iteration of `fn(n)` (which runs n iterations), median of ROUNDS rounds. */
function nsPer(n: number, fn: (n: number) => void): number {
  fn(Math.min(n, 10_000));
  fn(Math.min(n, 10_000));
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    fn(n);
    rounds.push(Number(process.hrtime.bigint() - t) / n);
  }
  return median(rounds);
}

/**
 * Like nsPer, but lets the event loop turn between rounds (as it does between invocations), so a
 * scan scheduled by `after()` runs and completes there, not inside the timed loop. Rounds are short
 * (well under the 1 s scan interval).
 */
async function nsPerAsync(n: number, fn: (n: number) => void, settle: () => Promise<void>): Promise<number> {
  fn(Math.min(n, 10_000));
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS * 4; r++) {
    await settle();
    const t = process.hrtime.bigint();
    fn(n);
    rounds.push(Number(process.hrtime.bigint() - t) / n);
  }
  return median(rounds);
}

function typicalRequest(): InspectionRequest {
  const items = Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${1000 + i}`, name: `Cotton T-shirt, size ${['S', 'M', 'L'][i % 3]}`, qty: i + 1, price: 19.99 }));
  const body = JSON.stringify({ customer: { name: "Jane O'Neil", email: 'jane@example.com' }, note: 'Leave it at the door, please.', items });
  const n = normalize(
    ev.apiGatewayV2({
      routeKey: 'POST /orders',
      path: '/orders',
      method: 'POST',
      body: body.padEnd(1024, ' '),
      query: { page: '2', sort: 'price', q: 'summer sale' },
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/plain, */*',
        'accept-language': 'en-US,en;q=0.9',
        'accept-encoding': 'gzip, deflate, br',
        origin: 'https://shop.example.com',
        referer: 'https://shop.example.com/cart?step=2',
        'x-request-id': '3f1c2a9e-5b7d-4c1e-9a2b-7d6e5f4c3b2a',
      },
    }),
  );
  if (n.kind !== 'http') throw new Error('expected an HTTP event');
  return n.request;
}

/**
 * The engine's walk, reduced to the traversal (no detectors), with the two calls the engine gets:
 * `forSource` once per source, then the bound matcher (when any) at every value. `patches`
 * undefined is the empty set as the engine sees it.
 */
function walker(req: InspectionRequest, patches: PatchMatcher | undefined, withCalls: boolean): () => number {
  // Decoded once up front: both variants walk the same values; only the patch calls differ.
  const decoded = req.sources.map((s) => ((s.decoding ?? 'none') !== 'none' || s.base64 === true ? decodePayload(s.value, s.decoding ?? 'none', s.contentType, s.base64 === true).value : s.value));
  const segs: Segment[] = [];
  let m: SourcePatchMatcher | undefined;
  let hits = 0;
  const visit = (v: unknown): void => {
    if (withCalls && m !== undefined) {
      const h = m(segs, v);
      if (h !== undefined) hits += h.length;
    }
    if (typeof v === 'string') {
      if (looksLikeJson(v)) {
        try {
          const p: unknown = JSON.parse(v);
          if (p !== null && typeof p === 'object') visit(p);
        } catch {
          // text
        }
      }
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        segs.push(i);
        visit(v[i]);
        segs.pop();
      }
    } else {
      for (const k in v as Record<string, unknown>) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        segs.push(k);
        visit((v as Record<string, unknown>)[k]);
        segs.pop();
      }
    }
  };
  return () => {
    hits = 0;
    for (let i = 0; i < req.sources.length; i++) {
      m = withCalls ? patches?.forSource(req.sources[i]!) : undefined;
      visit(decoded[i]);
    }
    return hits;
  };
}

/** Values the walk visits (with JSON-in-string and decoded bodies), via a match-everything rule. */
function countVisits(req: InspectionRequest): number {
  return walker(req, compilePatches(loadVirtualPatches([{ id: 'all', where: '**', match: { schema: true } }])), true)();
}

async function main(): Promise<void> {
  const out: string[] = [];
  const row = (what: string, ns: number, note = ''): void => {
    out.push(`| ${what} | ${ns < 10 ? ns.toFixed(2) : ns.toFixed(1)} | ${note} |`);
  };
  console.log(`# Visibility overhead per invocation (${machine()})`);
  console.log('');
  console.log('| what | ns / invocation (median) | note |');
  console.log('|---|---:|---|');

  const N = 2_000_000;
  const baseline = nsPer(N, (n) => {
    let x = 0;
    for (let i = 0; i < n; i++) x += i & 1;
    if (x < 0) console.log(x);
  });
  row('empty loop (reference)', baseline);

  // --- integrity -------------------------------------------------------------------------------
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-bench-tmp-')));
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(tmp, `cache-${i}.json`), '{}');
  const codeDir = path.resolve(__dirname, '..', '..', 'src');
  const mon = createIntegrityMonitor(resolveIntegrityOptions({ watchDirs: [tmp], codeDirs: [fs.existsSync(codeDir) ? codeDir : path.resolve('src')] }, {})!);
  await mon.ready();
  await mon.scanNow();
  const RN = 200_000;
  const integ = await nsPerAsync(
    RN,
    (n) => {
      for (let i = 0; i < n; i++) {
        if (mon.check() !== undefined) throw new Error('unexpected finding');
        mon.after();
      }
    },
    () => mon.settled(1000),
  );
  row('integrity: check() + after(), nothing changed', integ - baseline, `default intervalMs 1000: a clock read per invocation (${mon.stats().scans} scans ran between rounds)`);
  const vis = createVisibility({ metrics: false, integrity: { watchDirs: [tmp], codeDirs: [] } }, { mode: 'block', env: {} });
  await vis.integrity!.ready();
  await vis.integrity!.scanNow();
  const facade = await nsPerAsync(
    RN,
    (n) => {
      for (let i = 0; i < n; i++) {
        // A scan still in flight makes before() return a promise; a round never waits for one.
        const v = vis.before();
        if (v !== undefined && !(v instanceof Promise)) throw new Error('unexpected finding');
        vis.after();
      }
    },
    () => vis.integrity!.settled(1000),
  );
  row('integrity through createVisibility: before() + after()', facade - baseline, 'what the runtime calls');
  await new Promise((r) => setTimeout(r, 50));

  // --- virtual patches -------------------------------------------------------------------------
  const req = typicalRequest();
  const empty = resolveVirtualPatches([]);
  if (empty !== undefined) throw new Error('an empty set must compile to undefined');
  const plain = walker(req, undefined, false);
  const gated = walker(req, undefined, true);
  const values = countVisits(req);
  // Alternating rounds (drift on a shared machine hits both alike); the difference per round.
  const WN = 50_000;
  const diffs: number[] = [];
  const plains: number[] = [];
  for (let r = 0; r < ROUNDS * 2; r++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < WN; i++) plain();
    const a = Number(process.hrtime.bigint() - t) / WN;
    t = process.hrtime.bigint();
    for (let i = 0; i < WN; i++) gated();
    const b = Number(process.hrtime.bigint() - t) / WN;
    plains.push(a);
    diffs.push(b - a);
  }
  const tPlain = median(plains);
  row('walk of a typical API Gateway v2 event (reference)', tPlain, `${req.sources.length} sources, ${values} values walked, no detectors`);
  row('virtual patches, EMPTY set: walk with the calls − walk without', median(diffs), 'alternating rounds; noise on a shared machine dominates (the work is 5 optional calls + 63 undefined tests)');
  const one = compilePatches(loadVirtualPatches([{ id: 'scanner-ua', where: 'headers.user-agent', match: { regex: '(sqlmap|nikto|masscan)', flags: 'i' } }]));
  const withOne = walker(req, one, true);
  if (withOne() !== 0) throw new Error('the typical event must not match');
  const oneDiffs: number[] = [];
  for (let r = 0; r < ROUNDS * 2; r++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < WN; i++) plain();
    const a = Number(process.hrtime.bigint() - t) / WN;
    t = process.hrtime.bigint();
    for (let i = 0; i < WN; i++) withOne();
    oneDiffs.push(Number(process.hrtime.bigint() - t) / WN - a);
  }
  row('virtual patches, one rule on headers.user-agent', median(oneDiffs), 'only the headers source gets a matcher');
  const engine = createEngine({});
  const tEngine = nsPer(20_000, (n) => {
    for (let i = 0; i < n; i++) engine.inspect(req);
  });
  row('engine.inspect of the same event (reference)', tEngine);

  // --- metrics ---------------------------------------------------------------------------------
  const verdict = { action: 'allow' as const, status: 200, findings: [], micros: 12 };
  const noEmf = createMetrics({ emf: false, otel: false }, {});
  const emf = createMetrics({ emf: true, otel: false, write: () => undefined }, { AWS_LAMBDA_FUNCTION_NAME: 'orders' });
  const otelOnly = createMetrics({ emf: false, otel: 'auto' }, {});
  const MN = 200_000;
  row('metrics: record + flush, stats only', nsPer(MN, (n) => {
    for (let i = 0; i < n; i++) {
      noEmf.record(verdict);
      noEmf.flush();
    }
  }) - baseline);
  row('metrics: record + flush, one EMF line (no-op writer)', nsPer(MN, (n) => {
    for (let i = 0; i < n; i++) {
      emf.record(verdict);
      emf.flush();
    }
  }) - baseline, 'the totals line built from cached parts; the stdout write itself not included');
  row(`metrics: record + flush, OpenTelemetry API ${otelOnly.otel ? 'present, no SDK' : 'absent'}`, nsPer(MN, (n) => {
    for (let i = 0; i < n; i++) {
      otelOnly.record(verdict);
      otelOnly.flush();
    }
  }) - baseline);

  // --- egress ----------------------------------------------------------------------------------
  const watch = createEgressWatch(resolveEgressWatchOptions({ allow: ['api.stripe.com', '*.example.org'] }, {})!);
  row('egress watch: classify one allowed connection', nsPer(MN, (n) => {
    for (let i = 0; i < n; i++) if (watch.classify('api.stripe.com', 443).length !== 0) throw new Error('x');
  }) - baseline, 'per connection, not per invocation');
  for (const line of out) console.log(line);

  // --- scan durations (async, off the hot path) ------------------------------------------------
  console.log('');
  console.log('Scan durations (asynchronous, between invocations; not on the hot path):');
  const t0 = performance.now();
  await mon.scanNow();
  console.log(`- /tmp stand-in with 21 entries + src/ (${mon.stats().codeEntries} entries): ${(performance.now() - t0).toFixed(2)} ms wall`);
  const nm = path.resolve('node_modules');
  if (fs.existsSync(nm)) {
    const big = createIntegrityMonitor(resolveIntegrityOptions({ watchDirs: [], codeDirs: [nm], maxFiles: 200_000 }, {})!);
    const tb = performance.now();
    await big.ready();
    const baseMs = performance.now() - tb;
    const ts = performance.now();
    await big.scanNow();
    const scanMs = performance.now() - ts;
    const s = big.stats();
    console.log(`- node_modules as a code dir (${s.codeEntries} entries${s.truncated ? ', truncated' : ''}): baseline ${baseMs.toFixed(0)} ms wall (async, after cold start); one code scan (own files + budget 2000 of the rotation) ${scanMs.toFixed(1)} ms wall`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  vis.stop();
  watch.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
