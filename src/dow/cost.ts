/**
 * Cost model: what one invocation costs, from the provider's published list prices (research note
 * shared/research/dow.md §2.4), the function's memory size and the measured duration. Free tiers are
 * ignored on purpose: a budget guard must assume the free grant is already spent. Every number can be
 * overridden with the `pricing` option, e.g. for regional uplifts or negotiated rates.
 */

export type Provider = 'aws' | 'aws-arm64' | 'azure' | 'azure-flex' | 'gcp' | 'gcp-gen1';

export const PROVIDERS: readonly Provider[] = Object.freeze(['aws', 'aws-arm64', 'azure', 'azure-flex', 'gcp', 'gcp-gen1']);

export interface Pricing {
  /** USD per invocation (the platform's request fee). */
  perRequestUsd: number;
  /** USD per GB-second of allocated memory (GiB-second on GCP). */
  perGbSecondUsd: number;
  /** USD per vCPU-second (GCP Cloud Run functions / 2nd gen). 0 elsewhere. */
  perVcpuSecondUsd: number;
  /** vCPUs billed per instance; `undefined` derives it from memory (GCP's default CPU per memory tier). */
  vcpu: number | undefined;
  /** USD per GHz-second (GCP 1st gen). 0 elsewhere. */
  perGhzSecondUsd: number;
  /** CPU GHz billed; `undefined` derives it from memory (GCP 1st gen tiers). */
  ghz: number | undefined;
  /** Billed duration is rounded up to a multiple of this (ms). */
  granularityMs: number;
  /** Shortest billed duration (ms). */
  minBilledMs: number;
  /** Billed memory is rounded up to a multiple of this (MB). */
  memoryStepMb: number;
  /** A front door billed per request (API Gateway, APIM, …). 0 by default: set it to include it. */
  frontDoorPerRequestUsd: number;
}

/**
 * List prices (USD), as published and collected in the research note:
 * - AWS Lambda x86: $0.20 per 1M requests, $0.0000166667 per GB-s, 1 ms billing.
 * - AWS Lambda arm64: $0.20 per 1M requests, $0.0000133334 per GB-s.
 * - Azure Functions Consumption: $0.20 per 1M executions, $0.000016 per GB-s; memory rounded up to
 *   128 MB; 100 ms minimum.
 * - Azure Functions Flex Consumption (on demand): $0.40 per 1M, $0.000026 per GB-s.
 * - GCP Cloud Run functions (2nd gen): $0.40 per 1M, $0.000024 per vCPU-s + $0.0000025 per GiB-s,
 *   rounded up to 100 ms.
 * - GCP Cloud Functions 1st gen: $0.40 per 1M, $0.0000025 per GB-s + $0.0000100 per GHz-s, 100 ms.
 */
export const LIST_PRICES: Readonly<Record<Provider, Readonly<Pricing>>> = Object.freeze({
  aws: Object.freeze(base({ perRequestUsd: 0.2e-6, perGbSecondUsd: 0.0000166667, granularityMs: 1, minBilledMs: 1 })),
  'aws-arm64': Object.freeze(base({ perRequestUsd: 0.2e-6, perGbSecondUsd: 0.0000133334, granularityMs: 1, minBilledMs: 1 })),
  azure: Object.freeze(base({ perRequestUsd: 0.2e-6, perGbSecondUsd: 0.000016, granularityMs: 1, minBilledMs: 100, memoryStepMb: 128 })),
  'azure-flex': Object.freeze(base({ perRequestUsd: 0.4e-6, perGbSecondUsd: 0.000026, granularityMs: 1, minBilledMs: 1 })),
  gcp: Object.freeze(base({ perRequestUsd: 0.4e-6, perGbSecondUsd: 0.0000025, perVcpuSecondUsd: 0.000024, granularityMs: 100, minBilledMs: 100 })),
  'gcp-gen1': Object.freeze(base({ perRequestUsd: 0.4e-6, perGbSecondUsd: 0.0000025, perGhzSecondUsd: 0.00001, granularityMs: 100, minBilledMs: 100 })),
});

/** The memory each platform gives a function when nobody configures it (Azure Consumption: its 1.5 GB cap). */
export const DEFAULT_MEMORY_MB: Readonly<Record<Provider, number>> = Object.freeze({
  aws: 128,
  'aws-arm64': 128,
  azure: 1536,
  'azure-flex': 2048,
  gcp: 256,
  'gcp-gen1': 256,
});

function base(p: Partial<Pricing>): Pricing {
  return {
    perRequestUsd: 0,
    perGbSecondUsd: 0,
    perVcpuSecondUsd: 0,
    vcpu: undefined,
    perGhzSecondUsd: 0,
    ghz: undefined,
    granularityMs: 1,
    minBilledMs: 0,
    memoryStepMb: 1,
    frontDoorPerRequestUsd: 0,
    ...p,
  };
}

/** GCP 2nd gen default vCPU per memory tier (MB → vCPU). */
const GCP_VCPU: ReadonlyArray<readonly [number, number]> = [
  [128, 0.083], [256, 0.167], [512, 0.333], [1024, 0.583], [2048, 1], [4096, 2], [8192, 2], [16384, 4], [32768, 8],
];
/** GCP 1st gen CPU clock per memory tier (MB → GHz). */
const GCP_GHZ: ReadonlyArray<readonly [number, number]> = [
  [128, 0.2], [256, 0.4], [512, 0.8], [1024, 1.4], [2048, 2.4], [4096, 4.8], [8192, 4.8], [16384, 4.8], [32768, 4.8],
];

function tier(table: ReadonlyArray<readonly [number, number]>, mb: number): number {
  for (const [limit, v] of table) if (mb <= limit) return v;
  return table[table.length - 1]![1];
}

/** A compiled cost function: USD for one invocation of `durationMs`. Constant time, no allocation. */
export interface CostModel {
  readonly provider: Provider;
  readonly memoryMb: number;
  readonly pricing: Readonly<Pricing>;
  /** Request fee (+ front door): what even a rejected invocation costs. */
  readonly perRequestUsd: number;
  /** USD per billed second of this function (memory + CPU). */
  readonly perSecondUsd: number;
  /** Full cost of one invocation. */
  invocation(durationMs: number): number;
  /** Compute part only (without the request fee). */
  compute(durationMs: number): number;
}

export function createCostModel(provider: Provider, memoryMb: number, overrides: Partial<Pricing> = {}): CostModel {
  const pricing: Pricing = { ...LIST_PRICES[provider], ...overrides };
  const step = pricing.memoryStepMb > 0 ? pricing.memoryStepMb : 1;
  const billedMb = Math.ceil(memoryMb / step) * step;
  const gb = billedMb / 1024;
  const vcpu = pricing.perVcpuSecondUsd > 0 ? (pricing.vcpu ?? tier(GCP_VCPU, billedMb)) : 0;
  const ghz = pricing.perGhzSecondUsd > 0 ? (pricing.ghz ?? tier(GCP_GHZ, billedMb)) : 0;
  const perSecondUsd = gb * pricing.perGbSecondUsd + vcpu * pricing.perVcpuSecondUsd + ghz * pricing.perGhzSecondUsd;
  const perRequestUsd = pricing.perRequestUsd + pricing.frontDoorPerRequestUsd;
  const gran = pricing.granularityMs > 0 ? pricing.granularityMs : 1;
  const minMs = pricing.minBilledMs;
  const compute = (durationMs: number): number => {
    const d = durationMs > 0 && Number.isFinite(durationMs) ? durationMs : 0;
    const billed = Math.max(minMs, Math.ceil(d / gran) * gran);
    return (billed / 1000) * perSecondUsd;
  };
  return Object.freeze({
    provider,
    memoryMb: billedMb,
    pricing: Object.freeze(pricing),
    perRequestUsd,
    perSecondUsd,
    invocation: (durationMs: number) => perRequestUsd + compute(durationMs),
    compute,
  });
}
