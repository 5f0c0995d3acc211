import t from 'tap';
import { runJob, type TrialSummary } from '../../bench/dow/scenarios';

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
  t.ok(a.legitWindowRejected / a.legitWindowRequests < 0.02, 'little collateral');
  t.equal(a.warmupAlerts, 0, 'no alert during the benign warm-up');
});
