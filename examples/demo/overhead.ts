/**
 * What protect() costs per warm invocation, measured here on the Lambda typical request of
 * `npm run bench` (POST /orders, 10 headers, 3 query parameters, a 1 KB JSON order): the same bare
 * handler called directly and wrapped, in alternating rounds so drift hits both alike. A quick look;
 * `npm run bench` is the full comparison. Printed, never asserted.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { protect } from 'serverless-rasp/aws-lambda';
import { postRequest } from '../../bench/payloads';
import * as ev from '../../test/helpers/lambda-events';

export interface Overhead {
  bareUs: number;
  protectUs: number;
  invocations: number;
  warmup: number;
  rounds: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function measureOverhead(opts: { rounds?: number; perRound?: number; warmup?: number; warmupMs?: number } = {}): Promise<Overhead> {
  const rounds = opts.rounds ?? 20;
  const perRound = opts.perRound ?? 250;
  const warmup = opts.warmup ?? 2000;
  // V8 needs a few hundred milliseconds of a hot path before it runs optimized code.
  const warmupMs = opts.warmupMs ?? 400;
  const event = postRequest(1024, 'typical').lambda;
  const context = ev.lambdaContext({ functionName: 'demo-overhead' });
  const bare = async (e: APIGatewayProxyEventV2) => ({ statusCode: 200, body: String(e.rawPath) });
  const wrapped = protect(bare, { log: false });
  const check = (await wrapped(event, context)) as { statusCode: number };
  if (check.statusCode !== 200) throw new Error(`the typical request was answered ${check.statusCode}: the measurement would time the wrong path`);

  const variants: Array<[string, () => Promise<unknown>]> = [
    ['bare', () => bare(event)],
    ['protect', () => wrapped(event, context)],
  ];
  for (const [, fn] of variants) {
    const end = performance.now() + warmupMs;
    for (let i = 0; i < warmup || performance.now() < end; i++) await fn();
  }
  const samples: Record<string, number[]> = { bare: [], protect: [] };
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < variants.length; j++) {
      const [name, fn] = variants[(r + j) % variants.length]!;
      const t = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) await fn();
      samples[name]!.push(Number(process.hrtime.bigint() - t) / 1000 / perRound);
    }
  }
  return { bareUs: median(samples.bare!), protectUs: median(samples.protect!), invocations: rounds * perRound, warmup, rounds };
}

export function formatUs(us: number): string {
  return us >= 100 ? `${us.toFixed(0)} µs` : us >= 10 ? `${us.toFixed(1)} µs` : `${us.toFixed(2)} µs`;
}
