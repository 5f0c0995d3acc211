import t from 'tap';
import { Cusum, Ewma, SurgeDetector, UpShiftBaseline } from '../../src/dow/change';
import { Rng } from '../../bench/dow/rng';

t.test('EWMA converges to the mean and variance of a stationary series', async (t) => {
  const rng = new Rng(2);
  const e = new Ewma(60_000);
  for (let i = 0; i < 20_000; i++) e.update(10 + 2 * rng.normal(), 1000);
  t.ok(Math.abs(e.mean - 10) < 0.5, `mean ${e.mean}`);
  t.ok(Math.abs(e.std - 2) < 0.5, `std ${e.std}`);
  const f = new Ewma(1000);
  f.update(0, 0);
  f.update(10, 1000);
  t.ok(Math.abs(f.mean - 5) < 1e-9, 'one half-life moves halfway (after the first samples)');
});

t.test('CUSUM: no alarm on 20,000 samples of noise; a +1σ step is found within ~20 samples', async (t) => {
  const rng = new Rng(3);
  const c = new Cusum(0.5, 10); // in-control ARL ≈ 141,000 samples
  let alarms = 0;
  for (let i = 0; i < 20_000; i++) if (c.update(rng.normal())) (alarms++, c.reset());
  t.equal(alarms, 0, 'no false alarm on noise');
  const delays: number[] = [];
  for (let trial = 0; trial < 50; trial++) {
    const d = new Cusum(0.5, 10);
    let n = 0;
    while (!d.update(1 + rng.normal())) n++;
    delays.push(n + 1);
  }
  delays.sort((a, b) => a - b);
  const median = delays[25]!;
  t.ok(median >= 10 && median <= 32, `median delay ${median} (Siegmund ≈ 20)`);
  const big = new Cusum(0.5, 10);
  let n = 0;
  while (!big.update(3 + rng.normal())) n++;
  t.ok(n + 1 <= 8, `+3σ found in ${n + 1} samples`);
});

t.test('surge detector: abrupt 10× fires, noise and 1.5× do not, nothing before warm-up', async (t) => {
  const rng = new Rng(4);
  const d = new SurgeDetector({ halfLifeMs: 120_000, ratio: 4, minExcess: 30, minZ: 6, warmupMs: 300_000 });
  t.equal(d.test(10_000, 5), 0, 'cold detector never fires');
  for (let i = 0; i < 60; i++) d.feed(30 + rng.normal() * 3, 10_000);
  t.ok(d.warm);
  let fp = 0;
  for (let i = 0; i < 10_000; i++) if (d.test(rng.poisson(150), 5) > 0) fp++;
  t.equal(fp, 0, 'Poisson noise at the baseline never fires');
  t.equal(d.test(225, 5), 0, '1.5× does not fire');
  t.ok(d.test(1500, 5) >= 9, '10× fires with its ratio');
  const small = new SurgeDetector({ halfLifeMs: 120_000, ratio: 4, minExcess: 30, minZ: 6, warmupMs: 0 });
  small.feed(0.1, 10_000);
  t.equal(small.test(8, 5), 0, 'a handful of requests on a quiet function is not a surge');
});

t.test('up-shift baseline ignores the return from a dip', async (t) => {
  const b = new UpShiftBaseline(3600_000, 12 * 3600_000);
  for (let i = 0; i < 600; i++) b.learn(1 + 0.01 * Math.sin(i), 60_000);
  for (let i = 0; i < 60; i++) b.learn(0.5, 60_000); // an hour-long dip
  t.ok(b.z(1, 0.05) < 2, `back to normal reads as normal (z ${b.z(1, 0.05).toFixed(2)})`);
  t.ok(b.z(3, 0.05) > 4, `a real rise still stands out (z ${b.z(3, 0.05).toFixed(2)})`);
});
