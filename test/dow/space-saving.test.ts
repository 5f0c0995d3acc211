import t from 'tap';
import { DecayedSpaceSaving } from '../../src/dow/space-saving';
import { Rng, Zipf } from '../../bench/dow/rng';

t.test('Space-Saving finds the heavy hitters of a Zipf stream with its error bounds', async (t) => {
  const rng = new Rng(1);
  const z = new Zipf(100_000, 1.1);
  const ss = new DecayedSpaceSaving<string>(64, 1e15); // no decay
  const truth = new Map<string, number>();
  const N = 200_000;
  for (let i = 0; i < N; i++) {
    const k = `k${z.sample(rng)}`;
    truth.set(k, (truth.get(k) ?? 0) + 1);
    ss.add(k, 1, i);
  }
  t.ok(Math.abs(ss.total(N) - N) < 1e-6 * N, 'total');
  const trueTop = [...truth.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const top = ss.top(64, N);
  const keys = new Set(top.map((h) => h.key));
  for (const [k] of trueTop) t.ok(keys.has(k), `true top-10 key ${k} is tracked`);
  // Every key above N/k is guaranteed to be tracked.
  for (const [k, c] of truth) if (c > N / 64) t.ok(keys.has(k), `${k} (${c} > N/k) tracked`);
  for (const h of top) {
    const c = truth.get(h.key) ?? 0;
    const eps = 1e-6 * Math.max(1, c);
    t.ok(h.guaranteed <= c + eps && c <= h.count + eps, `${h.key}: ${h.guaranteed.toFixed(0)} ≤ ${c} ≤ ${h.count.toFixed(0)}`);
  }
  t.ok(top[0]!.key === trueTop[0]![0], 'heaviest first');
});

t.test('weights decay with the half-life; memory is fixed', async (t) => {
  const ss = new DecayedSpaceSaving<string>(8, 1000);
  ss.add('a', 100, 0);
  t.ok(Math.abs(ss.guaranteed('a', 1000) - 50) < 1e-9, 'halved after one half-life');
  t.ok(Math.abs(ss.total(3000) - 12.5) < 1e-9, 'total decays too');
  // Long runs rescale internally without losing precision.
  for (let i = 0; i < 1_000_000; i++) ss.add(`k${i % 1000}`, 1, i * 10);
  t.ok(Number.isFinite(ss.total(10_000_000)) && ss.total(10_000_000) > 0);
  t.equal(ss.length, 8);
  t.ok(ss.bytes(0) < 2048);
});

t.test('emergent mass counts only keys that entered after a time, with tags and a weight floor', async (t) => {
  const ss = new DecayedSpaceSaving<string>(16, 1e15);
  ss.add('old', 100, 0, 1);
  ss.add('new-anon', 50, 10, 1);
  ss.add('new-auth', 50, 10, 0);
  ss.add('tiny', 1, 10, 1);
  const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6;
  t.ok(near(ss.emergentMass(5, 20), 101), 'all keys since t=5');
  t.ok(near(ss.emergentMass(5, 20, 1), 51), 'anonymous-tagged only');
  t.ok(near(ss.emergentMass(5, 20, 1, 10), 50), 'with a weight floor');
  t.ok(near(ss.emergentMass(5, 20, 1, 0, (k) => k === 'new-anon'), 1), 'with an exclusion');
  t.equal(ss.sinceOf('old'), 0);
  t.equal(ss.tagOf('new-auth'), 0);
});
