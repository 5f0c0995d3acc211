import t from 'tap';
import { createDowGuard, passThreshold, type AdmitInfo, type Decision, type DowGuard } from '../../src/dow/guard';
import type { DowAlert, DowOptions } from '../../src/dow/options';
import { createMemoryStore } from '../../src/dow/store';

const T0 = 1_700_000_000_000;
function clock(start = T0): { now: () => number; t: number } {
  const c = { t: start, now: () => c.t };
  return c;
}
const rejected = (d: Decision): boolean => d.action === 'throttle' || d.action === 'shed';

/** Requests spread over the instances in turn, each admitted one recorded as a 50 ms invocation. */
function roundRobin(guards: DowGuard[]): (info: AdmitInfo) => Decision {
  let n = 0;
  return (info) => {
    const g = guards[n++ % guards.length]!;
    const d = g.admit(info);
    if (!rejected(d)) g.record(info, 50);
    return d;
  };
}

/** 40 minutes of 10 req/s from 3,000 callers; the 1,000 with an index divisible by 3 are anonymous. */
function warmUp(c: { t: number }, call: (info: AdmitInfo) => Decision): void {
  for (let ms = 0; ms < 40 * 60_000; ms += 100) {
    c.t = T0 + ms;
    const i = (ms / 100) % 3000;
    call({ key: `u${i}`, anonymous: i % 3 === 0 });
  }
}

/**
 * `n` guards sharing one memory store (a $100/h budget unless `extra` says otherwise), called in turn
 * and warmed up: the clock, the guards, the caller, and the time the warm-up ended.
 */
function warmFleet(n: number, seed: number, extra: DowOptions = {}, prefix = 'g') {
  const c = clock();
  const store = createMemoryStore();
  const opts: DowOptions = { store, budget: { usdPerHour: 100 }, ...extra };
  const guards = Array.from({ length: n }, (_, i) => createDowGuard(opts, { clock: c, seed: seed + i, instanceId: `${prefix}${i}`, env: {} }));
  const call = roundRobin(guards);
  warmUp(c, call);
  return { c, guards, call, start: c.t };
}

t.test('a caller over its per-caller limit gets 429 with Retry-After; callers at normal rates never do', async (t) => {
  const c = clock();
  const alerts: DowAlert[] = [];
  const g = createDowGuard({ perCaller: { limit: 60, windowSeconds: 60 }, onAlert: (a) => void alerts.push(a) }, { clock: c, seed: 1, env: {} });
  let attackerAllowed = 0;
  let otherRejected = 0;
  let first: Decision | undefined;
  for (let ms = 0; ms < 120_000; ms += 100) {
    c.t = T0 + ms;
    const info: AdmitInfo = { key: '198.51.100.1', anonymous: true };
    const d = g.admit(info); // 10 req/s
    if (rejected(d)) first ??= d;
    else {
      attackerAllowed++;
      g.record(info, 50);
    }
    if (ms % 1000 === 0) {
      for (let i = 0; i < 20; i++) {
        // 200 other callers, each once every 10 s (6/min, a tenth of the limit)
        const other: AdmitInfo = { key: `203.0.113.${((ms / 1000) % 10) * 20 + i}`, anonymous: i % 2 === 0 };
        const od = g.admit(other);
        if (rejected(od)) otherRejected++;
        else g.record(other, 50);
      }
    }
  }
  t.equal(otherRejected, 0, 'nobody else rejected');
  t.ok(attackerAllowed >= 178 && attackerAllowed <= 181, `attacker allowed ${attackerAllowed} ≈ 60 + 120 s × 1/s`);
  t.match(first, { action: 'throttle', rule: 'rate.per-caller', signal: 'per-caller', status: 429 });
  t.ok(Number.isInteger(first!.retryAfterSeconds) && first!.retryAfterSeconds! >= 1, `Retry-After ${first!.retryAfterSeconds}`);
  t.equal(alerts.filter((a) => a.signal === 'per-caller').length, 1, 'one alert per cooldown');
  t.equal(alerts[0]!.key, '198.51.100.1');
  t.equal(g.stats().counters.throttled, 1200 - attackerAllowed);
});

t.test('defaults: detection and alerts on, but nothing is ever blocked without a limit or a budget', async (t) => {
  const c = clock();
  const alerts: DowAlert[] = [];
  const g = createDowGuard({ onAlert: (a) => void alerts.push(a) }, { clock: c, seed: 2, env: {} });
  let rejections = 0;
  let logged = 0;
  for (let ms = 0; ms < 15 * 60_000; ms += 20) {
    c.t = T0 + ms;
    // Ten minutes of varied callers, then one new anonymous caller takes over.
    const info: AdmitInfo = ms < 10 * 60_000 ? { key: `u${(ms / 20) % 5000}`, anonymous: true } : { key: 'newcomer', anonymous: true };
    const d = g.admit(info);
    if (rejected(d)) rejections++;
    if (d.action === 'log') logged++;
    g.record(info, 30);
  }
  t.equal(rejections, 0, 'never throttled nor shed');
  t.ok(alerts.some((a) => a.signal === 'concentration'), `alerted: ${alerts.map((a) => a.signal).join(',')}`);
  t.ok(logged >= 1, 'the alerting invocation is returned as `log`');
  t.equal(alerts[0]!.scope, 'instance');
  t.equal(alerts[0]!.topCallers[0]!.key, 'newcomer');
});

t.test('with a shared store a caller spread over instances is limited globally', async (t) => {
  const c = clock();
  const store = createMemoryStore();
  const opts = { perCaller: { limit: 100, windowSeconds: 60 }, store, flushSeconds: 0.5 };
  const a = createDowGuard(opts, { clock: c, seed: 3, instanceId: 'a', env: {} });
  const b = createDowGuard(opts, { clock: c, seed: 4, instanceId: 'b', env: {} });
  const solo = createDowGuard({ perCaller: { limit: 100, windowSeconds: 60 } }, { clock: c, seed: 5, env: {} });
  let allowed = 0;
  let soloRejected = 0;
  for (let i = 0; i < 150; i++) {
    c.t = T0 + i * 100; // 10 req/s for 15 s, alternating instances: each sees 75, the fleet 150
    const g = i % 2 === 0 ? a : b;
    const info: AdmitInfo = { key: 'spread', anonymous: true };
    const d = g.admit(info);
    if (!rejected(d)) {
      allowed++;
      g.record(info, 20);
    }
    if (i % 2 === 0 && rejected(solo.admit(info))) soloRejected++;
  }
  t.equal(soloRejected, 0, 'one instance alone sees 75 requests and never limits');
  t.ok(allowed >= 100 && allowed <= 110, `fleet-wide: ${allowed} allowed for a limit of 100`);
  t.ok(a.stats().store.flushes > 10 && a.stats().store.healthy);
});

t.test('over the budget, anonymous traffic is shed; signed-in callers never are', async (t) => {
  const c = clock();
  const alerts: DowAlert[] = [];
  // 1 GB × 1 s ≈ $0.0000169 per call; 50 calls/s ≈ $3/h on this one instance, budget $1/h.
  const g = createDowGuard({ budget: { usdPerHour: 1, alertUsdPerHour: 0.5 }, memoryMb: 1024, provider: 'aws', onAlert: (a) => void alerts.push(a) }, { clock: c, seed: 6, env: {} });
  let anonShed = 0;
  let anon = 0;
  let authShed = 0;
  let shedDecision: Decision | undefined;
  for (let ms = 0; ms < 5 * 60_000; ms += 20) {
    c.t = T0 + ms;
    const anonymous = (ms / 20) % 2 === 0;
    const info: AdmitInfo = { key: `k${(ms / 20) % 3000}`, anonymous };
    const d = g.admit(info);
    if (anonymous) anon++;
    if (d.action === 'shed') {
      shedDecision ??= d;
      if (anonymous) anonShed++;
      else authShed++;
    } else g.record(info, 1000);
  }
  t.equal(authShed, 0, 'authenticated callers are never shed');
  t.ok(anonShed > anon * 0.3, `anonymous shed ${anonShed}/${anon}`);
  t.match(shedDecision, { action: 'shed', rule: 'rate.budget', signal: 'budget', status: 503, retryAfterSeconds: 5 });
  t.ok(alerts.some((a) => a.signal === 'budget'));
  const s = g.stats();
  t.ok(s.projectedUsdPerHour > 1, `projected $${s.projectedUsdPerHour.toFixed(2)}/h`);
});

t.test('a fleet-wide surge is detected within seconds through the store', async (t) => {
  const c = clock();
  const store = createMemoryStore();
  const alerts: DowAlert[] = [];
  const opts = { store, budget: { usdPerHour: 100 }, onAlert: (a: DowAlert) => void alerts.push(a) };
  const guards = [0, 1, 2, 3].map((i) => createDowGuard(opts, { clock: c, seed: 10 + i, instanceId: `g${i}`, env: {} }));
  const call = roundRobin(guards);
  for (let ms = 0; ms < 20 * 60_000; ms += 50) {
    c.t = T0 + ms; // 20 req/s of varied callers
    call({ key: `u${(ms / 50) % 7000}`, anonymous: (ms / 50) % 3 === 0 });
  }
  t.equal(alerts.length, 0, 'no alert on steady traffic');
  const start = c.t;
  let authRejected = 0;
  let attackRejected = 0;
  let attack = 0;
  for (let ms = 0; ms < 60_000; ms += 2) {
    c.t = start + ms; // + 500 req/s from 5,000 new anonymous IPs
    attack++;
    if (rejected(call({ key: `bot${attack % 5000}`, anonymous: true }))) attackRejected++;
    if (ms % 50 === 0 && rejected(call({ key: `u${(ms / 50) % 7000}`, anonymous: false }))) authRejected++;
  }
  const surge = alerts.find((a) => a.signal === 'surge');
  t.ok(surge, 'surge alert');
  t.ok(surge!.time - start <= 5000, `within ${(surge!.time - start) / 1000} s`);
  t.equal(surge!.scope, 'global');
  t.equal(alerts.filter((a) => a.signal === 'surge').length, 1, 'raised once for the fleet');
  t.equal(authRejected, 0, 'signed-in callers are not shed');
  t.ok(attackRejected / attack > 0.8, `attack shed ${((100 * attackRejected) / attack).toFixed(0)} %`);
});

t.test('during a fleet-wide flood, anonymous callers the fleet saw before it are not shed; new ones are', async (t) => {
  const alerts: DowAlert[] = [];
  const { c, guards, call, start } = warmFleet(4, 20, { onAlert: (a: DowAlert) => void alerts.push(a) });
  t.equal(alerts.length, 0, 'no alert on steady traffic');
  t.equal(guards[0]!.stats().known.before, undefined, 'no known set outside an anomaly');
  const tally = { bot: [0, 0], returning: [0, 0], fresh: [0, 0] };
  const count = (k: keyof typeof tally, d: Decision): void => {
    tally[k][0]!++;
    if (rejected(d)) tally[k][1]!++;
  };
  for (let ms = 0; ms < 60_000; ms += 2) {
    c.t = start + ms; // + 500 req/s from 5,000 new anonymous IPs
    count('bot', call({ key: `bot${(ms / 2) % 5000}`, anonymous: true }));
    if (ms % 100 === 0) {
      const j = ms / 100;
      // The usual anonymous callers keep coming, and so do anonymous callers never seen before.
      count('returning', call({ key: `u${(j * 3) % 3000}`, anonymous: true }));
      count('fresh', call({ key: `new${j}`, anonymous: true }));
    }
  }
  const share = (k: keyof typeof tally): number => tally[k][1]! / tally[k][0]!;
  t.ok(alerts.some((a) => a.signal === 'surge'), 'surge alert');
  t.ok(share('bot') > 0.8, `flood shed ${(share('bot') * 100).toFixed(1)} %`);
  t.ok(share('returning') < 0.01, `returning anonymous callers rejected ${(share('returning') * 100).toFixed(2)} % (${tally.returning[1]}/${tally.returning[0]})`);
  // Nothing in a new caller's history tells it from the flood's keys: it is shed like them.
  t.ok(share('fresh') > 0.5, `new anonymous callers rejected ${(share('fresh') * 100).toFixed(1)} %`);
  const k = guards[1]!.stats().known;
  t.ok(k.callers >= 900 && k.callers <= 1000, `known set: ${k.callers} callers`);
  t.ok(k.before !== undefined && k.before < start, 'read from before the onset');
  t.ok(k.falsePositiveRate < 0.001, `design false-positive rate ${k.falsePositiveRate}`);
  t.ok(guards[1]!.stats().stateBytes <= 64 * 1024);
  // The flood stops: within seconds nobody is shed any more, though the surge is still held a while.
  const end = c.t;
  let lateRejected = 0;
  let late = 0;
  for (let ms = 0; ms < 120_000; ms += 100) {
    c.t = end + ms;
    const d = call({ key: `after${ms}`, anonymous: true });
    if (ms >= 20_000) {
      late++;
      if (rejected(d)) lateRejected++;
    }
  }
  t.equal(lateRejected, 0, `new anonymous callers from 20 s after the flood: ${lateRejected}/${late} rejected`);
  t.equal(guards[2]!.stats().known.before, undefined, 'the episode is over: known set dropped');
});

t.test('never throws, fails open on nonsense, and memory stays fixed under 1,000,000 callers', async (t) => {
  const c = clock();
  const g = createDowGuard({ perCaller: { limit: 10, windowSeconds: 1 }, budget: { usdPerHour: 1 }, store: createMemoryStore(), onAlert: () => { throw new Error('sink down'); } }, { clock: c, seed: 7, env: {} });
  t.doesNotThrow(() => {
    g.admit({ key: undefined, anonymous: true });
    g.admit({ key: '', anonymous: false, now: NaN });
    g.record({ key: 'x', anonymous: true }, NaN);
    g.record({ key: 'x', anonymous: true }, -5);
    g.admit(null as unknown as AdmitInfo);
    g.record(undefined as unknown as AdmitInfo, 1);
  });
  let at100k = 0;
  for (let i = 0; i < 1_000_000; i++) {
    c.t = T0 + i;
    const info: AdmitInfo = { key: `c${i}`, anonymous: (i & 1) === 0 };
    if (!rejected(g.admit(info))) g.record(info, 40);
    if (i === 100_000) at100k = g.stats().stateBytes;
  }
  const s = g.stats();
  t.ok(s.stateBytes <= 64 * 1024, `${s.stateBytes} bytes`);
  t.ok(s.stateBytes <= at100k + 4096, `no growth from 100,000 to 1,000,000 callers (${at100k} → ${s.stateBytes})`);
  t.ok(s.limiter!.live <= s.limiter!.capacity);
});

t.test('monitor mode reports what would have been throttled and rejects nothing', async (t) => {
  const c = clock();
  const g = createDowGuard({ perCaller: { limit: 5, windowSeconds: 60 }, monitor: true }, { clock: c, seed: 9, env: {} });
  const seen: Decision[] = [];
  for (let i = 0; i < 20; i++) {
    c.t = T0 + i * 10;
    const info: AdmitInfo = { key: 'k', anonymous: true };
    seen.push(g.admit(info));
    g.record(info, 10);
  }
  t.equal(seen.filter(rejected).length, 0, 'nothing rejected');
  const would = seen.filter((d) => d.wouldBe === 'throttle');
  t.equal(would.length, 15, 'the 15 over the limit are reported');
  t.match(would[0], { action: 'log', rule: 'rate.per-caller', wouldBe: 'throttle' });
  t.equal(would[0]!.status, undefined);
});

t.test('the memory the platform reports per invocation reprices, unless memoryMb was configured', async (t) => {
  const g = createDowGuard({ provider: 'aws' }, { clock: clock(), seed: 30, env: {} });
  t.same(g.stats().cost, { provider: 'aws', memoryMb: 128, memorySource: 'default' });
  g.useMemoryMb('2048');
  t.same(g.stats().cost, { provider: 'aws', memoryMb: 2048, memorySource: 'platform' });
  t.equal(g.options.cost.compute(1000), 2 * 0.0000166667, '2 GB × 1 s');
  for (const bad of ['lots', '', 0, 63, 1e9, NaN, undefined]) g.useMemoryMb(bad as string);
  t.equal(g.stats().cost.memoryMb, 2048, 'nonsense is ignored');
  const env = createDowGuard({ provider: 'aws' }, { clock: clock(), seed: 31, env: { AWS_LAMBDA_FUNCTION_NAME: 'f', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' } });
  t.same(env.stats().cost, { provider: env.options.cost.provider, memoryMb: 1024, memorySource: 'environment' });
  const fixed = createDowGuard({ provider: 'azure', memoryMb: 700, pricing: { perGbSecondUsd: 0.00002 } }, { clock: clock(), seed: 32, env: {} });
  fixed.useMemoryMb(4096);
  t.same(fixed.stats().cost, { provider: 'azure', memoryMb: 768, memorySource: 'option' }, 'the option wins (Azure bills in 128 MB steps)');
  const az = createDowGuard({ provider: 'azure', pricing: { perGbSecondUsd: 0.00002 } }, { clock: clock(), seed: 33, env: {} });
  az.useMemoryMb(300);
  t.equal(az.options.cost.memoryMb, 384);
  t.equal(az.options.cost.pricing.perGbSecondUsd, 0.00002, 'price overrides carry over');
});

t.test('during a flood, new callers that keep calling are shed before new callers that just arrived', async (t) => {
  // 16 instances: ~16 requests/s each during the flood, as Lambda instances of a 50 ms function would
  // see (each flush records at most 64 distinct callers per instance).
  const { c, guards, call, start } = warmFleet(16, 40);
  // Six minutes of 250 req/s from 5,000 new anonymous IPs (each every 20 s, for the whole attack), and
  // a new visitor every second making 5 requests 2 s apart (a short session, then gone).
  const tally = { early: { bot: [0, 0], visitor: [0, 0] }, late: { bot: [0, 0], visitor: [0, 0] } };
  let midPersistent = 0;
  for (let ms = 0; ms < 6 * 60_000; ms += 4) {
    c.t = start + ms;
    const phase = ms < 3 * 60_000 ? tally.early : tally.late;
    const b = call({ key: `bot${(ms / 4) % 5000}`, anonymous: true });
    phase.bot[0]!++;
    if (rejected(b)) phase.bot[1]!++;
    if (ms % 2000 === 0) {
      for (let j = 0; j < 5; j++) {
        const v = call({ key: `visitor${ms / 1000 - 2 * j}`, anonymous: true });
        if (ms / 1000 - 2 * j < 0) continue;
        phase.visitor[0]!++;
        if (rejected(v)) phase.visitor[1]!++;
      }
    }
    if (ms === 4 * 60_000) midPersistent = guards[1]!.stats().persistent.callers;
  }
  const share = (x: number[]): number => x[1]! / x[0]!;
  const pct = (x: number[]): string => `${(share(x) * 100).toFixed(1)} % of ${x[0]}`;
  t.ok(share(tally.early.bot) > 0.8 && share(tally.late.bot) > 0.95, `flood shed: first 3 min ${pct(tally.early.bot)}, then ${pct(tally.late.bot)}`);
  // At first every flood key is as new as a visitor: both are shed alike (as before this rule).
  t.ok(share(tally.early.visitor) > 0.5, `visitors in the first 3 min: ${pct(tally.early.visitor)} shed`);
  // Two minutes after they were first seen the flood's keys are persistent: visitors now get the room.
  t.ok(share(tally.late.visitor) < 0.15, `visitors after 3 min: ${pct(tally.late.visitor)} shed`);
  t.ok(midPersistent >= 4900 && midPersistent <= 5200, `persistent new callers on an instance: ${midPersistent}`);
  const s = guards[1]!.stats();
  t.ok(s.shedProbability.anonymousPersistent > 0.9, `persistent callers shed with p ${s.shedProbability.anonymousPersistent.toFixed(3)}`);
  t.ok(s.shedProbability.anonymousNew < s.shedProbability.anonymousPersistent, `recent new callers with p ${s.shedProbability.anonymousNew.toFixed(3)}`);
  t.ok(s.persistent.falsePositiveRate < 0.005, `design false-positive rate ${s.persistent.falsePositiveRate}`);
  t.ok(s.stateBytes <= 64 * 1024, `${s.stateBytes} bytes of state`);
  // The flood stops: nobody is shed within seconds, and the episode's sets are no longer used.
  const end = c.t;
  let late = 0;
  for (let ms = 0; ms < 120_000; ms += 100) {
    c.t = end + ms;
    const d = call({ key: `bot${ms % 5000}`, anonymous: true });
    if (ms >= 30_000 && rejected(d)) late++;
  }
  t.equal(late, 0, 'a persistent key calling at a normal rate after the flood is not shed');
  t.equal(guards[2]!.stats().persistent.callers, 0, 'not in use outside an episode');
});

t.test('an attacker who rotates every key out before it is persistent is shed like any new caller (the old rule)', async (t) => {
  const { c, call, start } = warmFleet(2, 60, {}, 'r');
  const bot = [0, 0];
  const visitor = [0, 0];
  for (let ms = 0; ms < 6 * 60_000; ms += 2) {
    c.t = start + ms;
    // 5,000 keys at a time, each replaced by a fresh one after 60 s.
    const d = call({ key: `rot${Math.floor(ms / 60_000)}-${(ms / 2) % 5000}`, anonymous: true });
    if (ms >= 3 * 60_000) {
      bot[0]!++;
      if (rejected(d)) bot[1]!++;
      if (ms % 1000 === 0) {
        visitor[0]!++;
        if (rejected(call({ key: `v${ms}`, anonymous: true }))) visitor[1]!++;
      }
    }
  }
  t.ok(bot[1]! / bot[0]! > 0.8, `rotating flood shed ${((100 * bot[1]!) / bot[0]!).toFixed(1)} %`);
  t.ok(visitor[1]! / visitor[0]! > 0.5, `new visitors shed ${((100 * visitor[1]!) / visitor[0]!).toFixed(1)} %: nothing tells them from fresh flood keys`);
});

t.test('passThreshold: the count a Poisson(μ) caller reaches with probability ≤ 1 %, none when new callers are fast', async (t) => {
  t.equal(passThreshold(0), 5, 'never below 5');
  t.equal(passThreshold(0.9), 6, 'a 5× flood of 10,000 keys (μ ≈ 0.9 per minute)');
  t.equal(passThreshold(3.6), 11, 'a 20× flood (μ ≈ 3.6)');
  t.equal(passThreshold(8), Infinity, 'keys as fast as visitors: no pass');
  t.equal(passThreshold(Number.NaN), Infinity);
  t.equal(passThreshold(-1), Infinity);
});

t.test('during a flood of slow keys, a visitor still calling fast gets a session pass; the flood does not', async (t) => {
  const { c, guards, call, start } = warmFleet(16, 80);
  // Four minutes of 250 req/s from 10,000 new anonymous IPs (each every 40 s), and a new visitor every
  // 5 s calling every 3 s for 54 s (19 requests: under the 20 a minute that marks a new heavy caller).
  const visitorN = new Array<number>(19).fill(0);
  const visitorShed = new Array<number>(19).fill(0);
  const bot = [0, 0];
  for (let ms = 0; ms < 4 * 60_000; ms += 4) {
    c.t = start + ms;
    const b = call({ key: `bot${(ms / 4) % 10_000}`, anonymous: true });
    if (ms >= 60_000) {
      bot[0]!++;
      if (rejected(b)) bot[1]!++;
    }
    if (ms % 1000 === 0) {
      for (let v = Math.max(0, Math.ceil((ms - 54_000) / 5000)); v * 5000 <= ms; v++) {
        const n = (ms - v * 5000) / 3000; // the visitor's request index, from 0
        if (!Number.isInteger(n) || n > 18) continue;
        const d = call({ key: `visitor${v}`, anonymous: true });
        // Visitors arriving from the second minute on: before, no caller is persistent yet, so there is
        // no pace of the flood's keys to compare with (and no pass).
        if (v * 5000 < 60_000) continue;
        visitorN[n]!++;
        if (rejected(d)) visitorShed[n]!++;
      }
    }
  }
  const shed = (from: number, to: number): number => visitorShed.slice(from, to).reduce((a, b) => a + b, 0) / Math.max(1, visitorN.slice(from, to).reduce((a, b) => a + b, 0));
  const s = guards[3]!.stats();
  t.ok(s.passes.threshold !== undefined && s.passes.threshold >= 5 && s.passes.threshold <= 10, `passed from a count of ${s.passes.threshold} (μ ${s.passes.meanCount.toFixed(2)})`);
  t.ok(s.passes.callers > 0 && s.passes.callers <= 24, `${s.passes.callers} callers passed on an instance (the visitors of the last minute)`);
  // The first requests of a session look like any new caller's and are shed like them; once its
  // count is far above the flood keys' the visitor is admitted, whatever its age.
  t.ok(shed(0, 3) > 0.3, `a visitor's first 3 requests: ${(shed(0, 3) * 100).toFixed(1)} % shed`);
  t.ok(shed(13, 19) < 0.05, `requests 13–18: ${(shed(13, 19) * 100).toFixed(1)} % shed`);
  t.ok(bot[1]! / bot[0]! > 0.95, `flood shed ${((100 * bot[1]!) / bot[0]!).toFixed(1)} % after the first minute`);
  t.ok(s.stateBytes <= 64 * 1024, `${s.stateBytes} bytes of state`);
});

t.test('no session passes when the new callers are themselves fast (rotation)', async (t) => {
  const { c, guards, call, start } = warmFleet(4, 90, {}, 'f');
  let passedMax = 0;
  for (let ms = 0; ms < 3 * 60_000; ms += 2) {
    c.t = start + ms;
    // 500 req/s from 200 keys at a time (2.5 req/s each), each replaced after 20 s.
    call({ key: `fast${Math.floor(ms / 20_000)}-${(ms / 2) % 200}`, anonymous: true });
    if (ms % 10_000 === 0) passedMax = Math.max(passedMax, guards[1]!.stats().passes.callers);
  }
  t.equal(guards[1]!.stats().passes.threshold, undefined, `no threshold (μ ${guards[1]!.stats().passes.meanCount.toFixed(1)})`);
  t.equal(passedMax, 0, 'nobody passed');
});
