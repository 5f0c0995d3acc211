import t from 'tap';
import { createCostModel, LIST_PRICES } from '../../src/dow/cost';

const close = (a: number, b: number, rel = 1e-3): boolean => Math.abs(a - b) <= rel * Math.abs(b);

t.test('AWS Lambda: the research note’s worked examples', async (t) => {
  const small = createCostModel('aws', 128);
  t.ok(close(small.invocation(200), 6.17e-7, 2e-3), `128 MB × 200 ms = ${small.invocation(200)}`);
  const big = createCostModel('aws', 1024);
  t.ok(close(big.invocation(1000), 1.687e-5, 2e-3), `1 GB × 1 s = ${big.invocation(1000)}`);
  t.equal(small.perRequestUsd, 0.2e-6);
  t.ok(close(small.compute(0.3), small.compute(1)), 'billed per started millisecond');
  const arm = createCostModel('aws-arm64', 1024);
  t.ok(arm.invocation(1000) < big.invocation(1000), 'arm64 is cheaper');
});

t.test('Azure rounds memory up to 128 MB and bills at least 100 ms; GCP rounds to 100 ms and adds CPU', async (t) => {
  const az = createCostModel('azure', 200);
  t.equal(az.memoryMb, 256);
  t.ok(close(az.compute(10), (100 / 1000) * 0.25 * 0.000016), 'minimum 100 ms');
  const gcp = createCostModel('gcp', 512);
  // 512 MB → 0.333 vCPU: 0.5 GiB × $0.0000025 + 0.333 × $0.000024 per second, 150 ms → 200 ms.
  t.ok(close(gcp.compute(150), 0.2 * (0.5 * 0.0000025 + 0.333 * 0.000024)), `gcp ${gcp.compute(150)}`);
  t.equal(gcp.perRequestUsd, 0.4e-6);
  const g1 = createCostModel('gcp-gen1', 1024);
  t.ok(close(g1.compute(100), 0.1 * (1 * 0.0000025 + 1.4 * 0.00001)), 'gen1 GHz-seconds');
});

t.test('every price can be overridden; a front door can be added', async (t) => {
  const m = createCostModel('aws', 1024, { perGbSecondUsd: 0.0000221, frontDoorPerRequestUsd: 1e-6 });
  t.ok(close(m.invocation(1000), 0.2e-6 + 1e-6 + 0.0000221));
  t.equal(LIST_PRICES.aws.perGbSecondUsd, 0.0000166667, 'list prices untouched');
  t.equal(m.compute(NaN), m.compute(0), 'bad durations bill the minimum, never NaN');
});
