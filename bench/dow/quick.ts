import { run, drawBackground } from './world';
import { Rng } from './rng';
import type { DowGuard } from '../../src/dow/guard';
const store = process.argv[2] === 'store';
const days = Number(process.argv[3] ?? 1);
const rng = new Rng(7);
const start = 0;
const end = days * 86400_000;
const bg = drawBackground(rng, start, end, { flashes: true, deploys: true });
console.log(JSON.stringify(bg.flashes.map(f=>({h:(f.startMs/3600e3).toFixed(2), m:f.mult.toFixed(1), ramp:(f.rampMs/60e3).toFixed(1)}))));
const samples: Record<string, number[]> = { conc: [], leech: [], costZ: [], surge: [], age: [] };
const probe = (t: number, gs: DowGuard[]) => {
  for (const g of gs) {
    const s = g.stats();
    samples.conc!.push(s.detectors.concentrationShare);
    samples.leech!.push(s.detectors.leechShare);
    samples.costZ!.push(s.detectors.costZ);
    samples.surge!.push(s.detectors.surgeRatio);
  }
};
const t0 = Date.now();
const r = run({ seed: 11, startMs: start, endMs: end, guard: { perCaller: { limit: 600, windowSeconds: 60 }, budget: { usdPerHour: 1.6, alertUsdPerHour: 1.1 } }, store, ...bg, probe });
console.log('ms', Date.now() - t0, 'legit', r.legitRequests, 'rej', r.legitRejected, JSON.stringify(r.legitRejectedBy), 'inst', r.instancesCreated, 'max', r.maxInstances, 'bytes', r.maxStateBytes, 'syncs', r.storeSyncs);
const q = (a: number[], p: number) => { const b = [...a].sort((x, y) => x - y); return b[Math.min(b.length - 1, Math.floor(p * b.length))]; };
for (const [k, v] of Object.entries(samples)) if (v.length) console.log(k, 'n', v.length, [0.5, 0.9, 0.99, 0.999, 1].map((p) => q(v, p)!.toFixed(3)).join(' '));
const bySig: Record<string, number> = {};
for (const a of r.alerts) bySig[a.signal] = (bySig[a.signal] ?? 0) + 1;
console.log('alerts', r.alerts.length, JSON.stringify(bySig));
for (const a of r.alerts.slice(0, 40)) console.log((a.time/3600e3).toFixed(3), a.signal, a.scope, a.key);
