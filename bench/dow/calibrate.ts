/**
 * Budget calibration, the way an operator would do it: run a benign week (a seed the report does not
 * use) with the shared store and read the highest fleet-wide projected spend the guard ever showed.
 *   node dist/bench-build/bench/dow/calibrate.js [seed] [days]
 */
import { Rng } from './rng';
import { drawBackground, run } from './world';
import type { DowGuard } from '../../src/dow/guard';

const seed = Number(process.argv[2] ?? 99);
const days = Number(process.argv[3] ?? 7);
const rng = new Rng(seed);
const bg = drawBackground(rng, 0, days * 86400_000, { flashes: true, deploys: true });
let max = 0;
let maxAt = 0;
const hourly: number[] = [];
const r = run({
  seed: seed + 1,
  startMs: 0,
  endMs: days * 86400_000,
  guard: {},
  store: true,
  ...bg,
  probe: (t: number, gs: DowGuard[]) => {
    for (const g of gs) {
      const s = g.stats();
      if (s.scope !== 'global') continue;
      if (s.projectedUsdPerHour > max) {
        max = s.projectedUsdPerHour;
        maxAt = t;
      }
      const h = Math.floor(t / 3600_000);
      hourly[h] = Math.max(hourly[h] ?? 0, s.projectedUsdPerHour);
    }
  },
});
const sorted = hourly.filter((x) => x !== undefined).sort((a, b) => a - b);
console.log(JSON.stringify({ seed, days, flashes: bg.flashes.length, incidents: bg.incidents.length, maxUsdPerHour: max, atHour: maxAt / 3600_000, medianHourlyPeak: sorted[Math.floor(sorted.length / 2)], legit: r.legitRequests }));
