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

t.test('scaleAt keeps its last answer per (time, landmark): every answer identical to computing it afresh', async (t) => {
  // Differential: a sketch whose scaleAt computes exp() on every call (the code before the cache)
  // against the real one, on a seeded stream of adds and queries with repeated times (many
  // invocations in one millisecond), small steps, and jumps past the rescale point (a new landmark,
  // to which the cache must not answer with the old scale). Every answer compared exactly.
  const rng = new Rng(19);
  const real = new DecayedSpaceSaving<string>(16, 60_000);
  const ref = new DecayedSpaceSaving<string>(16, 60_000);
  (ref as unknown as { scaleAt(now: number): number }).scaleAt = function (this: { landmark: number; tau: number }, now: number): number {
    return Math.exp((now - this.landmark) / this.tau);
  };
  let now = 1_000;
  let diffs = 0;
  let rescales = 0;
  for (let i = 0; i < 20_000; i++) {
    const r = rng.uniform();
    if (r < 0.6) {
      // the same millisecond again
    } else if (r < 0.97) now += Math.floor(rng.uniform() * 50);
    else {
      now += 60_000 * 45; // past 30 tau: rescale on the next add
      rescales++;
    }
    const key = `k${Math.floor(rng.uniform() * 40)}`;
    const w = rng.uniform() * 3;
    const ask = (at: number): void => {
      const q = `k${Math.floor(rng.uniform() * 40)}`;
      if (real.total(at) !== ref.total(at)) diffs++;
      if (real.guaranteed(q, at) !== ref.guaranteed(q, at)) diffs++;
      if (real.upper(q, at) !== ref.upper(q, at)) diffs++;
      if (real.floor(at) !== ref.floor(at)) diffs++;
      if (real.emergentMass(now - 500, at, 1) !== ref.emergentMass(now - 500, at, 1)) diffs++;
    };
    // Asked at the add's time before it too (as the guard does: a check at admission, the add at
    // the end, the same millisecond), so an add that rescales follows a cached answer for its time.
    if (rng.uniform() < 0.5) ask(now);
    real.add(key, w, now, i & 1);
    ref.add(key, w, now, i & 1);
    ask(now + (rng.uniform() < 0.5 ? 0 : Math.floor(rng.uniform() * 1000)));
  }
  t.ok(rescales > 100, `the stream crossed the rescale point (${rescales} times)`);
  t.equal(diffs, 0, 'every answer identical');
  t.same(real.top(16, now), ref.top(16, now), 'the same heavy hitters, the same weights');
});
