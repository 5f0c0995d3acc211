import t from 'tap';
import { GUARD_CONFIG, runJob, type TrialSummary } from '../../bench/dow/scenarios';
import { PROFILES, REJECT_MS, drawBackground, profileCost, run, type RunSpec } from '../../bench/dow/world';
import { Rng } from '../../bench/dow/rng';

// A smoke test of the trace simulator: one short attack trial with the shared store, twice.
t.test('the simulator is deterministic and detects a blast through the store', async (t) => {
  const job = { type: 'trial', kind: 'blast', store: true, trial: 0, seed: 424242 } as const;
  const a = runJob(job) as TrialSummary;
  const b = runJob(job) as TrialSummary;
  const strip = (r: TrialSummary): Omit<TrialSummary, 'simMs'> => {
    const { simMs: _ignored, ...rest } = r;
    return rest;
  };
  t.same(strip(a), strip(b), 'same seed, same numbers');
  t.ok(a.alertDelayS !== undefined && a.alertDelayS <= 5, `alert after ${a.alertDelayS} s`);
  t.ok(a.saved > 0.7, `saved ${(a.saved * 100).toFixed(1)} % (ceiling ${(a.ceiling * 100).toFixed(1)} %)`);
  t.ok(a.saved <= a.ceiling, 'never more than a perfect guard');
  t.ok(a.savedCompute > 0.9 && a.savedCompute <= a.computeCeiling, `compute saved ${(a.savedCompute * 100).toFixed(1)} % (ceiling ${(a.computeCeiling * 100).toFixed(1)} %)`);
  t.ok(a.legitWindowRejected / a.legitWindowRequests < 0.02, 'little collateral');
  t.equal(a.warmupAlerts, 0, 'no alert during the benign warm-up');
});

t.test('the no-guard counterfactual sees the same attack: same arrivals, same floor', async (t) => {
  const rng = new Rng(7);
  const startMs = 86400_000 + 3 * 3600_000;
  const attack = { kind: 'blast' as const, rps: 600, keys: 20, rotateAfter: 0, route: -1, label: 'test', startMs: startMs + 1800_000, endMs: startMs + 1800_000 + 120_000 };
  const spec: RunSpec = { seed: 8, startMs, endMs: attack.endMs + 60_000, guard: GUARD_CONFIG, store: true, attack, ...drawBackground(rng, startMs, attack.endMs + 60_000, { flashes: false, deploys: false }) };
  const guarded = run(spec);
  const none = run({ ...spec, guard: null, store: false });
  t.equal(guarded.attackArrivals, none.attackArrivals, `${none.attackArrivals} attack requests either way`);
  t.ok(Math.abs(guarded.attackSpendFloor - none.attackSpendFloor) < 1e-12, 'same floor');
  t.equal(none.attackRejected, 0, 'nothing rejected without a guard');
  t.ok(guarded.attackRejected > 0.9 * guarded.attackRequests, 'the guard rejects the blast');
  const c = profileCost(PROFILES[0]!);
  t.ok(Math.abs(none.attackSpendFloor - none.attackArrivals * c.invocation(REJECT_MS)) < 1e-9, 'floor = every attack request answered in REJECT_MS');
});

t.test('the ceiling depends on the function: request fees bound what a guard inside it can save', async (t) => {
  const small = runJob({ type: 'trial', kind: 'blast', store: true, trial: 0, seed: 424242, profile: '128mb-200ms-apigw' }) as TrialSummary;
  t.equal(small.profile, '128mb-200ms-apigw');
  t.ok(small.ceiling < 0.3, `128 MB behind API Gateway: ceiling ${(small.ceiling * 100).toFixed(1)} %`);
  t.ok(small.savedCompute > 0.9, `compute still saved ${(small.savedCompute * 100).toFixed(1)} %`);
  t.throws(() => runJob({ type: 'trial', kind: 'blast', store: true, trial: 0, seed: 1, profile: 'nope' }), /unknown function profile/);
});
