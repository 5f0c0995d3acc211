/**
 * Denial-of-wallet trace simulator: `npm run simulate-dow` (compiles with bench/tsconfig.json, then
 * runs dist/bench-build/bench/simulate-dow.js).
 *
 *   node --expose-gc dist/bench-build/bench/simulate-dow.js [--seed 1] [--days 7] [--trials 10]
 *        [--leech-trials 4] [--jobs 2] [--quick] [--json]
 *
 * Seeded, deterministic (the same seed prints the same numbers, whatever --jobs), simulated time. For
 * each attack it runs independent trials at random times of day, each after two hours of benign
 * warm-up, once with every instance on its own and once with the shared store; and a benign run of
 * --days days (daily cycle, flash crowds, batch jobs, slow-dependency incidents, deploys) for the
 * false-alarm rate. See bench/dow/world.ts for the model and its parameters.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { measureOverhead, measureState } from './dow/measure';
import { GUARD_CONFIG, SCENARIOS, WARMUP_MS, type BenignSummary, type Job, type TrialSummary } from './dow/scenarios';
import { ROUTES, WORLD, type AttackKind } from './dow/world';

interface Args {
  seed: number;
  days: number;
  trials: number;
  leechTrials: number;
  jobs: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seed: 1, days: 35, trials: 10, leechTrials: 4, jobs: Math.max(1, Math.min(4, os.cpus().length)), json: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${k} needs a number`);
      return n;
    };
    if (k === '--seed') a.seed = v();
    else if (k === '--days') a.days = v();
    else if (k === '--trials') a.trials = v();
    else if (k === '--leech-trials') a.leechTrials = v();
    else if (k === '--jobs') a.jobs = Math.max(1, v());
    else if (k === '--json') a.json = true;
    else if (k === '--quick') {
      a.days = 7;
      a.trials = 3;
      a.leechTrials = 1;
    } else throw new Error(`unknown argument ${k}; known: --seed --days --trials --leech-trials --jobs --quick --json`);
  }
  return a;
}

const KINDS: AttackKind[] = ['blast', 'flood', 'rotation', 'expensive', 'leech'];

function buildJobs(a: Args): Job[] {
  const jobs: Job[] = [];
  // Benign weeks (independent seeds, the same for both modes); longest jobs first so workers finish together.
  const chunks = Math.max(1, Math.ceil(a.days / 7));
  for (let c = 0; c < chunks; c++) {
    const days = Math.min(7, a.days - 7 * c) || a.days;
    for (const store of [true, false]) jobs.push({ type: 'benign', store, days, seed: a.seed * 1000 + 1 + c * 7919, chunk: c });
  }
  KINDS.forEach((kind, ki) => {
    const n = kind === 'leech' ? a.leechTrials : a.trials;
    for (let t = 0; t < n; t++) {
      const seed = a.seed * 1_000_003 + ki * 10_007 + t * 101;
      for (const store of [true, false]) jobs.push({ type: 'trial', kind, store, trial: t, seed });
      if (kind === 'flood' && t < Math.ceil(n / 2)) jobs.push({ type: 'trial', kind, store: true, trial: t, seed, storeDown: true });
    }
  });
  return jobs;
}

async function runAll(jobs: Job[], workers: number): Promise<Array<TrialSummary | BenignSummary>> {
  const results: Array<TrialSummary | BenignSummary> = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const file = path.join(__dirname, 'dow', 'worker.js');
  await new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    const feed = (w: Worker): void => {
      if (next >= jobs.length) {
        void w.terminate();
        return;
      }
      const id = next++;
      w.postMessage({ id, job: jobs[id] });
    };
    for (let i = 0; i < Math.min(workers, jobs.length); i++) {
      const w = new Worker(file);
      pool.push(w);
      w.on('message', (m: { id: number; result: TrialSummary | BenignSummary }) => {
        results[m.id] = m.result;
        done++;
        if (process.stderr.isTTY) process.stderr.write(`\r  simulated ${done}/${jobs.length} runs`);
        if (done === jobs.length) {
          if (process.stderr.isTTY) process.stderr.write('\n');
          resolve();
        }
        feed(w);
      });
      w.on('error', reject);
      feed(w);
    }
  });
  return results;
}

// ---- formatting ----------------------------------------------------------------------------------

/** Upper 95 % confidence bound of a Poisson mean after observing `k` events (exact, chi-square based). */
function poissonUpper95(k: number): number {
  // Solve P(X ≤ k; λ) = 0.05 for λ by bisection.
  const cdf = (lambda: number): number => {
    let term = Math.exp(-lambda);
    let sum = term;
    for (let i = 1; i <= k; i++) {
      term *= lambda / i;
      sum += term;
    }
    return sum;
  };
  let lo = 0;
  let hi = k + 10 + 10 * Math.sqrt(k + 1);
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}

function pct(p: number, xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

function secs(x: number | undefined): string {
  if (x === undefined) return '—';
  if (x >= 3600) return `${(x / 3600).toFixed(1)} h`;
  if (x >= 120) return `${(x / 60).toFixed(0)} min`;
  return `${x.toFixed(1)} s`;
}

function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)} %`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

interface ScenarioStats {
  n: number;
  detected: number;
  alertP50?: number;
  alertP95?: number;
  blockP50?: number;
  blockP95?: number;
  blocked: number;
  savedMean: number;
  savedMin: number;
  ceiling: number;
  legitWindow: number;
  legitTrial: number;
  warmupAlerts: number;
  signals: Record<string, number>;
}

function summarize(trials: TrialSummary[]): ScenarioStats {
  const alerts = trials.map((t) => t.alertDelayS).filter((x): x is number => x !== undefined);
  const blocks = trials.map((t) => t.blockDelayS).filter((x): x is number => x !== undefined);
  // Missed trials count as +∞ in the percentiles.
  const withMisses = (xs: number[], n: number): number[] => [...xs, ...new Array<number>(n - xs.length).fill(Infinity)];
  const signals: Record<string, number> = {};
  for (const t of trials) if (t.firstSignal) signals[t.firstSignal] = (signals[t.firstSignal] ?? 0) + 1;
  const sum = (f: (t: TrialSummary) => number): number => trials.reduce((s, t) => s + f(t), 0);
  const s: ScenarioStats = {
    n: trials.length,
    detected: alerts.length,
    blocked: blocks.length,
    savedMean: sum((t) => t.attackSpendNoDefense - t.attackSpend) / Math.max(1e-12, sum((t) => t.attackSpendNoDefense)),
    savedMin: Math.min(...trials.map((t) => t.saved)),
    ceiling: 1 - sum((t) => t.attackSpendNoDefense * (1 - t.ceiling)) / Math.max(1e-12, sum((t) => t.attackSpendNoDefense)),
    legitWindow: sum((t) => t.legitWindowRejected) / Math.max(1, sum((t) => t.legitWindowRequests)),
    legitTrial: sum((t) => t.legitRejected) / Math.max(1, sum((t) => t.legitRequests)),
    warmupAlerts: sum((t) => t.warmupAlerts),
    signals,
  };
  const a50 = pct(0.5, withMisses(alerts, trials.length));
  const a95 = pct(0.95, withMisses(alerts, trials.length));
  const b50 = pct(0.5, withMisses(blocks, trials.length));
  const b95 = pct(0.95, withMisses(blocks, trials.length));
  if (a50 !== undefined && Number.isFinite(a50)) s.alertP50 = a50;
  if (a95 !== undefined && Number.isFinite(a95)) s.alertP95 = a95;
  if (b50 !== undefined && Number.isFinite(b50)) s.blockP50 = b50;
  if (b95 !== undefined && Number.isFinite(b95)) s.blockP95 = b95;
  return s;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const jobs = buildJobs(a);
  process.stderr.write(`serverless-rasp denial-of-wallet simulator: seed ${a.seed}, ${a.days} benign day(s), ${a.trials} trials per attack (${a.leechTrials} for the leech), ${a.jobs} worker(s)\n`);
  const results = await runAll(jobs, a.jobs);
  const mem = measureState();
  const overheadNs = measureOverhead();

  const benign = results.filter((r): r is BenignSummary => 'alertEpisodes' in r);
  const trials = results.filter((r): r is TrialSummary => 'kind' in r);
  if (a.json) {
    console.log(JSON.stringify({ args: a, world: WORLD, guard: GUARD_CONFIG, benign, trials, mem, overheadNs }, null, 2));
    return;
  }

  const out: string[] = [];
  const p = (s = ''): void => void out.push(s);
  p('serverless-rasp — denial-of-wallet simulator');
  p(`seed ${a.seed} · ${a.days} benign days per mode (in weeks with independent seeds) · ${a.trials} trials per attack (${a.leechTrials} leech) · simulated time · ${((Date.now() - t0) / 1000).toFixed(0)} s wall`);
  p();
  p('World (fixed before calibration; bench/dow/world.ts):');
  p(`  AWS Lambda x86, ${WORLD.memoryMb} MB, list prices; benign mean ${WORLD.meanRps} req/s with a daily cycle ±${WORLD.dailyAmplitude * 100} % (peak 15:00),`);
  p(`  log-normal AR(1) noise σ ${WORLD.noiseSigma} (${WORLD.noiseCorrelationS / 60} min), sessions of ~${WORLD.sessionMeanRequests} requests from Zipf(${WORLD.zipfS}) over ${WORLD.users.toLocaleString('en-US')} IPs,`);
  p(`  ${WORLD.authShare * 100} % signed in, ${WORLD.integrations} integrations, ${WORLD.jobsPerDay} batch jobs/day, ${WORLD.flashPerDay} flash crowd/day (×3–6, ramp 2–15 min),`);
  p(`  ${WORLD.incidentsPerDay} slow-dependency incident/day (durations ×1.5–3), ${WORLD.deploysPerDay} deploy/day; one request per instance, warm instances`);
  p(`  reused most-recently-freed first, reclaimed after 5–15 idle min, ${WORLD.coldStartMs} ms cold start, ${WORLD.concurrencyCap} concurrency cap.`);
  p(`  Routes: ${ROUTES.map((r) => `${r.route} ${Math.round(r.p * 100)} % ~${r.medianMs} ms`).join(', ')}.`);
  p(`  Guard: perCaller ${GUARD_CONFIG.perCaller!.limit}/${GUARD_CONFIG.perCaller!.windowSeconds} s by IP; budget alert $${GUARD_CONFIG.budget!.alertUsdPerHour}/h, shed above $${GUARD_CONFIG.budget!.usdPerHour}/h`);
  p('  (≈ 2× / 3× the highest projected spend of a calibration week run with another seed: $0.82/h); store flush every 2 s.');
  p(`  Trials start at a uniformly random time of day after ${WARMUP_MS / 3600_000} h of benign warm-up (no flash crowds or deploys inside trials).`);
  p();

  p('Benign traffic (false alarms: fleet-wide alert episodes, alerts < 10 min apart merged; 95 % upper bound by Poisson)');
  const brow: string[][] = [['mode', 'days', 'flash crowds', 'incidents', 'alert episodes', 'per day', '95 % bound', 'legit rejected', 'max instances', 'state bytes (sampled)']];
  const modes: Array<[string, BenignSummary[]]> = [
    ['local only', benign.filter((b) => !b.store)],
    ['shared store', benign.filter((b) => b.store)],
  ];
  const benignTotals: Record<string, { days: number; episodes: number; rejected: number; requests: number }> = {};
  for (const [label, bs] of modes) {
    if (bs.length === 0) continue;
    const days = bs.reduce((x, b) => x + b.days, 0);
    const episodes = bs.reduce((x, b) => x + b.alertEpisodes, 0);
    const rejected = bs.reduce((x, b) => x + b.legitRejected, 0);
    const requests = bs.reduce((x, b) => x + b.legitRequests, 0);
    benignTotals[label] = { days, episodes, rejected, requests };
    brow.push([
      label,
      String(days),
      String(bs.reduce((x, b) => x + b.flashes, 0)),
      String(bs.reduce((x, b) => x + b.incidents, 0)),
      String(episodes),
      (episodes / days).toFixed(3),
      (poissonUpper95(episodes) / days).toFixed(3),
      `${rejected} / ${requests.toLocaleString('en-US')} (${percent(rejected / requests, 4)})`,
      String(Math.max(...bs.map((b) => b.maxInstances))),
      String(Math.max(...bs.map((b) => b.maxStateBytes))),
    ]);
  }
  p(table(brow));
  for (const b of benign) for (const e of b.episodes) p(`  ${b.store ? 'store' : 'local'} episode, week ${b.chunk + 1} day ${Math.floor(e.hour / 24)} ${(e.hour % 24).toFixed(2)} h: ${e.signal} — ${e.message}`);
  for (const b of benign) if (Object.keys(b.rejectedBy).length) p(`  ${b.store ? 'store' : 'local'} week ${b.chunk + 1} legitimate rejections by rule: ${JSON.stringify(b.rejectedBy)}`);
  p();

  p('Attacks (alert/block: time from attack start to the first alert / first rejected attack request; p95 counts misses as never)');
  const rows: string[][] = [['scenario', 'mode', 'detected', 'alert p50', 'alert p95', 'block p50', 'block p95', 'spend saved', '(ceiling)', 'of avoidable', 'worst trial', 'legit rej. in window', 'legit rej. trial', 'first signal']];
  const stats: Record<string, ScenarioStats> = {};
  for (const kind of KINDS) {
    for (const [label, filter] of [
      ['local only', (t: TrialSummary) => !t.store],
      ['shared store', (t: TrialSummary) => t.store && !t.storeDown],
      ['store dies +60 s', (t: TrialSummary) => t.store && t.storeDown],
    ] as const) {
      const ts = trials.filter((t) => t.kind === kind && filter(t));
      if (ts.length === 0) continue;
      const s = summarize(ts);
      stats[`${kind}/${label}`] = s;
      rows.push([
        kind,
        label,
        `${s.detected}/${s.n}`,
        secs(s.alertP50),
        secs(s.alertP95),
        secs(s.blockP50),
        secs(s.blockP95),
        percent(s.savedMean),
        percent(s.ceiling),
        percent(s.ceiling > 0 ? s.savedMean / s.ceiling : 0),
        percent(s.savedMin),
        percent(s.legitWindow, 2),
        percent(s.legitTrial, 3),
        Object.entries(s.signals).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k}×${v}`).join(' '),
      ]);
    }
  }
  p(table(rows));
  p('  spend saved = 1 − attack spend with the guard / without it (Lambda request fee + GB-s). A rejected invocation still');
  p('  pays the request fee and ~1 ms, so "(ceiling)" is the most any in-function guard can save for that attack;');
  p('  "of avoidable" = saved / ceiling. worst trial = lowest saved share of any trial.');
  p('  legit rej. in window = legitimate requests rejected from attack start to 10 min after it ended; trial = incl. 2 h warm-up.');
  for (const kind of KINDS) p(`  ${kind}: ${SCENARIOS[kind].title}`);
  p();

  p(`Detector state under ${mem.callers.toLocaleString('en-US')} distinct callers: ${mem.stateBytesMax} bytes (${(mem.stateBytesMax / 1024).toFixed(1)} KiB, guard accounting)` +
    (mem.heapBytesPerGuard !== undefined ? `; V8 heap retained per guard after ${(mem.callers / 4).toLocaleString('en-US')} callers: ${(mem.heapBytesPerGuard / 1024).toFixed(1)} KiB` : ' (run node with --expose-gc for a heap measurement)'));
  p(`Guard cost per invocation (admit + record, shared store, this machine): ${(overheadNs / 1000).toFixed(2)} µs`);
  p();

  // ---- targets --------------------------------------------------------------------------------------
  const g = (k: string): ScenarioStats | undefined => stats[k];
  const local = benignTotals['local only'];
  const shared = benignTotals['shared store'];
  const check = (ok: boolean | 'point' | undefined): string => (ok === undefined ? 'n/a ' : ok === 'point' ? 'PASS (point estimate; 95 % bound above)' : ok ? 'PASS' : 'FAIL');
  const fa = (x: { days: number; episodes: number } | undefined): boolean | 'point' | undefined =>
    x === undefined ? undefined : poissonUpper95(x.episodes) / x.days <= 0.1 ? true : x.episodes / x.days <= 0.1 ? 'point' : false;
  const lines: Array<[string, boolean | 'point' | undefined, string]> = [
    ['blast detected within 5 s (p95), shared store', (g('blast/shared store')?.alertP95 ?? Infinity) <= 5, secs(g('blast/shared store')?.alertP95)],
    ['blast detected within 5 s (p95), local only', (g('blast/local only')?.alertP95 ?? Infinity) <= 5, secs(g('blast/local only')?.alertP95)],
    ['distributed flood detected within 30 s (p95), shared store', (g('flood/shared store')?.alertP95 ?? Infinity) <= 30, secs(g('flood/shared store')?.alertP95)],
    ['+50 % leech detected within 1 h (p95), shared store', (g('leech/shared store')?.alertP95 ?? Infinity) <= 3600, secs(g('leech/shared store')?.alertP95)],
    ['+50 % leech detected within 1 h (p95), local only', (g('leech/local only')?.alertP95 ?? Infinity) <= 3600, secs(g('leech/local only')?.alertP95)],
    ['≤ 0.1 false alarms per benign day, shared store', fa(shared), shared ? `${(shared.episodes / shared.days).toFixed(3)} (95 % bound ${(poissonUpper95(shared.episodes) / shared.days).toFixed(3)})` : '—'],
    ['≤ 0.1 false alarms per benign day, local only', fa(local), local ? `${(local.episodes / local.days).toFixed(3)} (95 % bound ${(poissonUpper95(local.episodes) / local.days).toFixed(3)})` : '—'],
    ['≥ 95 % of blast spend saved, shared store', (g('blast/shared store')?.savedMean ?? 0) >= 0.95, percent(g('blast/shared store')?.savedMean ?? 0)],
    ['≥ 95 % of blast spend saved, local only', (g('blast/local only')?.savedMean ?? 0) >= 0.95, percent(g('blast/local only')?.savedMean ?? 0)],
    ['≥ 80 % of distributed-flood spend saved, shared store', (g('flood/shared store')?.savedMean ?? 0) >= 0.8, percent(g('flood/shared store')?.savedMean ?? 0)],
    ['≤ 0.1 % legitimate requests rejected, benign days, shared store', shared ? shared.rejected / shared.requests <= 0.001 : undefined, shared ? percent(shared.rejected / shared.requests, 4) : '—'],
    ['≤ 0.1 % legitimate requests rejected, benign days, local only', local ? local.rejected / local.requests <= 0.001 : undefined, local ? percent(local.rejected / local.requests, 4) : '—'],
    ['≤ 0.1 % legitimate requests rejected in the flood window, shared store', (g('flood/shared store')?.legitWindow ?? 1) <= 0.001, percent(g('flood/shared store')?.legitWindow ?? 0, 2)],
    ['≤ 64 KiB detector state per instance under 1,000,000 callers', mem.stateBytesMax <= 65536, `${(mem.stateBytesMax / 1024).toFixed(1)} KiB`],
  ];
  p('Targets (issue #6)');
  p(table([['target', 'result', 'measured'], ...lines.map(([t, ok, m]) => [t, check(ok), m])]));
  console.log(out.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
