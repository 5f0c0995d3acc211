/**
 * Denial-of-wallet trace simulator: `npm run simulate-dow` (compiles with bench/tsconfig.json, then
 * runs dist/bench-build/bench/simulate-dow.js).
 *
 *   node --expose-gc dist/bench-build/bench/simulate-dow.js [--seed 1] [--days 7] [--trials 10]
 *        [--leech-trials 4] [--jobs 2] [--quick] [--json]
 *
 * Seeded, deterministic (the same seed prints the same numbers, whatever --jobs), simulated time. For
 * each attack it runs independent trials at random times of day, each after two hours of benign
 * warm-up, once with every instance on its own and once with the shared store, and once more with no
 * guard at all (the spend it saves is measured against that); and a benign run of --days days (daily
 * cycle, flash crowds, batch jobs, slow-dependency incidents, deploys) for the false-alarm rate. The
 * blast and the flood also run against other realistic functions (PROFILES: memory, duration, API
 * Gateway or not), because the share of spend an in-function guard can save depends on them. See
 * bench/dow/world.ts for the model and its parameters.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { measureOverhead, measureState } from './dow/measure';
import { GUARD_CONFIG, SCENARIOS, WARMUP_MS, guardFor, type BenignSummary, type Job, type TrialSummary } from './dow/scenarios';
import { PROFILES, REJECT_MS, ROUTES, WORLD, meanInvocationUsd, profileCost, type AttackKind } from './dow/world';

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
      // Other functions: the attacks with spend targets, same seeds (same traffic, other costs).
      if (kind === 'blast' || kind === 'flood') {
        for (const prof of PROFILES.slice(1)) {
          for (const store of kind === 'blast' ? [true, false] : [true]) jobs.push({ type: 'trial', kind, store, trial: t, seed, profile: prof.id });
        }
      }
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
  savedCompute: number;
  computeCeiling: number;
  legitWindow: number;
  /** Share of the window's legitimate requests from anonymous callers unseen in the 40 min before the onset, and how many of those were rejected. */
  unseenShare: number;
  unseenRejected: number;
  seenRejected: number;
  legitTrial: number;
  /** Legitimate requests rejected per trial, mean. */
  legitRejectedPerTrial: number;
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
    ceiling: 1 - sum((t) => t.attackSpendFloor) / Math.max(1e-12, sum((t) => t.attackSpendNoDefense)),
    savedCompute: sum((t) => t.attackComputeNoDefense - t.attackCompute) / Math.max(1e-12, sum((t) => t.attackComputeNoDefense)),
    computeCeiling: 1 - sum((t) => t.attackComputeFloor) / Math.max(1e-12, sum((t) => t.attackComputeNoDefense)),
    legitWindow: sum((t) => t.legitWindowRejected) / Math.max(1, sum((t) => t.legitWindowRequests)),
    unseenShare: sum((t) => t.legitWindowUnseen) / Math.max(1, sum((t) => t.legitWindowRequests)),
    unseenRejected: sum((t) => t.legitWindowUnseenRejected) / Math.max(1, sum((t) => t.legitWindowUnseen)),
    seenRejected: sum((t) => t.legitWindowRejected - t.legitWindowUnseenRejected) / Math.max(1, sum((t) => t.legitWindowRequests - t.legitWindowUnseen)),
    legitTrial: sum((t) => t.legitRejected) / Math.max(1, sum((t) => t.legitRequests)),
    legitRejectedPerTrial: sum((t) => t.legitRejected) / Math.max(1, trials.length),
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
  const allTrials = results.filter((r): r is TrialSummary => 'kind' in r);
  const web = PROFILES[0]!;
  const trials = allTrials.filter((t) => t.profile === web.id);
  if (a.json) {
    console.log(JSON.stringify({ args: a, world: WORLD, profiles: PROFILES, guard: GUARD_CONFIG, benign, trials: allTrials, mem, overheadNs }, null, 2));
    return;
  }

  const out: string[] = [];
  const p = (s = ''): void => void out.push(s);
  const usd = (x: number): string => `$${x.toPrecision(3)}`;
  const webCost = profileCost(web);
  p('serverless-rasp — denial-of-wallet simulator');
  p(`seed ${a.seed} · ${a.days} benign days per mode (in weeks with independent seeds) · ${a.trials} trials per attack (${a.leechTrials} leech) · simulated time · ${((Date.now() - t0) / 1000).toFixed(0)} s wall`);
  p();
  p('World (fixed before calibration; bench/dow/world.ts):');
  p(`  Function: AWS Lambda x86, ${web.memoryMb} MB, list prices ($0.20 per million requests, $0.0000166667 per GB-s, billed per 1 ms), invoked through a`);
  p(`  ${web.frontDoor} (no fee); INIT billed on cold starts (AWS, since 1 August 2025). Mean benign invocation ${usd(meanInvocationUsd(web))} (request fee ${usd(webCost.perRequestUsd)}).`);
  p(`  A rejected invocation (429/503 answered in-process) is billed ${REJECT_MS} ms: ${usd(webCost.invocation(REJECT_MS))}, of which the request fee is ${((webCost.perRequestUsd / webCost.invocation(REJECT_MS)) * 100).toFixed(0)} %.`);
  p(`  Traffic: benign mean ${WORLD.meanRps} req/s with a daily cycle ±${WORLD.dailyAmplitude * 100} % (peak 15:00),`);
  p(`  log-normal AR(1) noise σ ${WORLD.noiseSigma} (${WORLD.noiseCorrelationS / 60} min), sessions of ~${WORLD.sessionMeanRequests} requests from Zipf(${WORLD.zipfS}) over ${WORLD.users.toLocaleString('en-US')} IPs,`);
  p(`  ${WORLD.authShare * 100} % signed in, ${WORLD.integrations} integrations, ${WORLD.jobsPerDay} batch jobs/day, ${WORLD.flashPerDay} flash crowd/day (×3–6, ramp 2–15 min),`);
  p(`  ${WORLD.incidentsPerDay} slow-dependency incident/day (durations ×1.5–3), ${WORLD.deploysPerDay} deploy/day; one request per instance, warm instances`);
  p(`  reused most-recently-freed first, reclaimed after 5–15 idle min, ${WORLD.coldStartMs} ms cold start, ${WORLD.concurrencyCap} concurrency cap.`);
  p(`  Routes: ${ROUTES.map((r) => `${r.route} ${Math.round(r.p * 100)} % ~${r.medianMs} ms`).join(', ')}.`);
  p(`  Guard: perCaller ${GUARD_CONFIG.perCaller!.limit}/${GUARD_CONFIG.perCaller!.windowSeconds} s by IP; budget alert $${GUARD_CONFIG.budget!.alertUsdPerHour}/h, shed above $${GUARD_CONFIG.budget!.usdPerHour}/h`);
  p('  (≈ 2× / 3× the highest projected spend of a calibration week run with another seed: $0.82/h); store flush every 2 s.');
  p(`  Trials start at a uniformly random time of day after ${WARMUP_MS / 3600_000} h of benign warm-up (no flash crowds or deploys inside trials).`);
  p('  Spend saved is measured against the same trial (same arrivals and durations) run with no guard at all.');
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

  p(`Attacks on the ${web.id} function (alert/block: time from attack start to the first alert / first rejected attack request; p95 counts misses as never)`);
  const rows: string[][] = [['scenario', 'mode', 'detected', 'alert p50', 'alert p95', 'block p50', 'block p95', 'spend saved', '(ceiling)', 'of avoidable', 'compute saved', '(ceiling)', 'worst trial', 'legit rej. in window', 'unseen share', 'unseen rej.', 'others rej.', 'first signal']];
  const stats: Record<string, ScenarioStats> = {};
  const modeFilters = [
    ['local only', (t: TrialSummary) => !t.store],
    ['shared store', (t: TrialSummary) => t.store && !t.storeDown],
    ['store dies +60 s', (t: TrialSummary) => t.store && t.storeDown],
  ] as const;
  for (const kind of KINDS) {
    for (const [label, filter] of modeFilters) {
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
        percent(s.savedCompute),
        percent(s.computeCeiling),
        percent(s.savedMin),
        percent(s.legitWindow, 2),
        percent(s.unseenShare, 1),
        percent(s.unseenRejected, 1),
        percent(s.seenRejected, 2),
        Object.entries(s.signals).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k}×${v}`).join(' '),
      ]);
    }
  }
  p(table(rows));
  p('  spend saved = 1 − attack spend with the guard / in the same trial with no guard (request fee + GB-s + INIT). "(ceiling)" =');
  p(`  what a perfect in-function guard would save: every attack request still pays the request fee (and any front door) and`);
  p(`  ${REJECT_MS} ms; "of avoidable" = saved / ceiling. compute saved = the same for GB-s and INIT only (what the function controls).`);
  p('  worst trial = lowest saved share of any trial. legit rej. in window = legitimate requests rejected from attack start to 10 min');
  p('  after it ended; unseen share = those from anonymous callers the fleet had not seen in the 40 min before the onset (nothing');
  p('  in their history tells them from fresh attack keys); unseen rej. / others rej. = rejected share of each group.');
  for (const kind of KINDS) p(`  ${kind}: ${SCENARIOS[kind].title}`);
  p();

  // ---- other functions ------------------------------------------------------------------------------
  p('The same blast and flood against other realistic functions (same traffic and seeds; budgets scaled to each function\'s cost):');
  const prow: string[][] = [['function', 'per invocation', 'rejected costs', 'scenario', 'mode', 'spend saved', '(ceiling)', 'of avoidable', 'compute saved', '(ceiling)', 'worst trial']];
  const profStats: Record<string, ScenarioStats> = {};
  for (const prof of PROFILES) {
    const c = profileCost(prof);
    let firstRow = true;
    for (const kind of ['blast', 'flood'] as const) {
      for (const [label, filter] of modeFilters.slice(0, 2)) {
        const ts = allTrials.filter((t) => t.profile === prof.id && t.kind === kind && filter(t));
        if (ts.length === 0) continue;
        const s = summarize(ts);
        profStats[`${prof.id}/${kind}/${label}`] = s;
        prow.push([
          firstRow ? prof.id : '',
          firstRow ? usd(meanInvocationUsd(prof)) : '',
          firstRow ? usd(c.invocation(REJECT_MS)) : '',
          kind,
          label,
          percent(s.savedMean),
          percent(s.ceiling),
          percent(s.ceiling > 0 ? s.savedMean / s.ceiling : 0),
          percent(s.savedCompute),
          percent(s.computeCeiling),
          percent(s.savedMin),
        ]);
        firstRow = false;
      }
    }
  }
  p(table(prow));
  for (const prof of PROFILES) {
    const g = guardFor(prof).budget!;
    p(`  ${prof.id}: ${prof.title}; budget alert $${g.alertUsdPerHour!.toFixed(2)}/h, shed above $${g.usdPerHour!.toFixed(2)}/h.`);
  }
  p('  A guard inside the function cannot make a rejected invocation cheaper than the platform bills it: for a short, small');
  p('  function (or one behind API Gateway) the request fees alone keep the saved share of total spend well below 95 %.');
  p();

  p(`Detector state under ${mem.callers.toLocaleString('en-US')} distinct callers: ${mem.stateBytesMax} bytes (${(mem.stateBytesMax / 1024).toFixed(1)} KiB, guard accounting)` +
    (mem.heapBytesPerGuard !== undefined ? `; V8 heap retained per guard after ${(mem.callers / 4).toLocaleString('en-US')} callers: ${(mem.heapBytesPerGuard / 1024).toFixed(1)} KiB` : ' (run node with --expose-gc for a heap measurement)'));
  p(`Guard cost per invocation (admit + record, shared store, this machine): ${(overheadNs / 1000).toFixed(2)} µs`);
  p();

  // ---- targets --------------------------------------------------------------------------------------
  const g = (k: string): ScenarioStats | undefined => stats[k];
  const local = benignTotals['local only'];
  const shared = benignTotals['shared store'];
  type Verdict = boolean | 'point' | 'ceiling' | undefined;
  const check = (ok: Verdict): string =>
    ok === undefined ? 'n/a ' : ok === 'point' ? 'PASS (point estimate; 95 % bound above)' : ok === 'ceiling' ? 'FAIL (target above the ceiling)' : ok ? 'PASS' : 'FAIL';
  const fa = (x: { days: number; episodes: number } | undefined): Verdict =>
    x === undefined ? undefined : poissonUpper95(x.episodes) / x.days <= 0.1 ? true : x.episodes / x.days <= 0.1 ? 'point' : false;
  const savedTarget = (s: ScenarioStats | undefined, target: number): Verdict => (s === undefined ? undefined : s.savedMean >= target ? true : s.ceiling < target ? 'ceiling' : false);
  const savedText = (s: ScenarioStats | undefined): string => (s ? `${percent(s.savedMean)} (ceiling ${percent(s.ceiling)}; compute ${percent(s.savedCompute)})` : '—');
  // Per attacked day: the trial's rejections against a whole day's legitimate requests (benign runs of the same mode).
  const perDay = (s: ScenarioStats | undefined, b: { days: number; requests: number } | undefined): number | undefined =>
    s && b && b.requests > 0 ? s.legitRejectedPerTrial / (b.requests / b.days) : undefined;
  const floodDay = perDay(g('flood/shared store'), shared);
  const worstWindow = (['blast', 'flood', 'rotation', 'expensive', 'leech'] as const)
    .map((k) => [k, g(`${k}/shared store`)?.legitWindow ?? 0] as const)
    .sort((x, y) => y[1] - x[1])[0]!;
  const lines: Array<[string, Verdict, string]> = [
    ['blast detected within 5 s (p95), shared store', (g('blast/shared store')?.alertP95 ?? Infinity) <= 5, secs(g('blast/shared store')?.alertP95)],
    ['blast detected within 5 s (p95), local only', (g('blast/local only')?.alertP95 ?? Infinity) <= 5, secs(g('blast/local only')?.alertP95)],
    ['distributed flood detected within 30 s (p95), shared store', (g('flood/shared store')?.alertP95 ?? Infinity) <= 30, secs(g('flood/shared store')?.alertP95)],
    ['+50 % leech detected within 1 h (p95), shared store', (g('leech/shared store')?.alertP95 ?? Infinity) <= 3600, secs(g('leech/shared store')?.alertP95)],
    ['+50 % leech detected within 1 h (p95), local only', (g('leech/local only')?.alertP95 ?? Infinity) <= 3600, secs(g('leech/local only')?.alertP95)],
    ['≤ 0.1 false alarms per benign day, shared store', fa(shared), shared ? `${(shared.episodes / shared.days).toFixed(3)} (95 % bound ${(poissonUpper95(shared.episodes) / shared.days).toFixed(3)})` : '—'],
    ['≤ 0.1 false alarms per benign day, local only', fa(local), local ? `${(local.episodes / local.days).toFixed(3)} (95 % bound ${(poissonUpper95(local.episodes) / local.days).toFixed(3)})` : '—'],
  ];
  for (const prof of PROFILES) {
    const pre = prof === web ? `${prof.id}` : prof.id;
    const key = (kind: string, mode: string): ScenarioStats | undefined => (prof === web ? stats[`${kind}/${mode}`] : profStats[`${prof.id}/${kind}/${mode}`]);
    lines.push([`≥ 95 % of blast spend saved, shared store, ${pre}`, savedTarget(key('blast', 'shared store'), 0.95), savedText(key('blast', 'shared store'))]);
    lines.push([`≥ 95 % of blast spend saved, local only, ${pre}`, savedTarget(key('blast', 'local only'), 0.95), savedText(key('blast', 'local only'))]);
    lines.push([`≥ 80 % of distributed-flood spend saved, shared store, ${pre}`, savedTarget(key('flood', 'shared store'), 0.8), savedText(key('flood', 'shared store'))]);
  }
  lines.push(
    ['≤ 0.1 % legitimate requests rejected, benign days, shared store', shared ? shared.rejected / shared.requests <= 0.001 : undefined, shared ? percent(shared.rejected / shared.requests, 4) : '—'],
    ['≤ 0.1 % legitimate requests rejected, benign days, local only', local ? local.rejected / local.requests <= 0.001 : undefined, local ? percent(local.rejected / local.requests, 4) : '—'],
    ['≤ 0.1 % legitimate requests rejected in the flood window, shared store', (g('flood/shared store')?.legitWindow ?? 1) <= 0.001, g('flood/shared store') ? `${percent(g('flood/shared store')!.legitWindow, 2)} (unseen callers ${percent(g('flood/shared store')!.unseenShare, 1)} of the window)` : '—'],
    [`≤ 0.1 % legitimate requests rejected in every attack window, shared store`, worstWindow[1] <= 0.001, `worst: ${worstWindow[0]} ${percent(worstWindow[1], 2)}`],
    ['≤ 0.1 % of a day\'s legitimate requests rejected on a day with one distributed flood, shared store', floodDay === undefined ? undefined : floodDay <= 0.001, floodDay === undefined ? '—' : percent(floodDay, 3)],
    ['≤ 64 KiB detector state per instance under 1,000,000 callers', mem.stateBytesMax <= 65536, `${(mem.stateBytesMax / 1024).toFixed(1)} KiB`],
  );
  p('Targets (issue #6)');
  p(table([['target', 'result', 'measured'], ...lines.map(([t, ok, m]) => [t, check(ok), m])]));
  p('  "FAIL (target above the ceiling)": no guard inside the function can reach it for that function; see the ceiling.');
  console.log(out.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
