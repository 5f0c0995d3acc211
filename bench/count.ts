/**
 * A fixed number of warm invocations of the bench's typical request (postRequest(1024, 'typical'): a
 * 1 KB JSON order, 10 headers, 3 query parameters), for deterministic instruction counts:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null node --single-threaded dist/bench/count.js lambda 2000
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null node --single-threaded dist/bench/count.js lambda 12000
 *
 * (12000's total - 2000's) / 10000 is the instructions per call, setup and compilation cancelled
 * (mostly: TurboFan may still compile late). Wall-clock timings on the shared host move by ±30 %; these
 * counts move by well under 1 % between runs.
 *
 * Usage: `node dist/bench/count.js <lambda|azure|gcp> <calls> [bare]`. With `bare`, the same loop calls the
 * bare handler: protect()'s added part is the difference of the two per-call counts.
 *
 * Each call reads a new request, as on a platform: Lambda, a JSON-parsed copy of the API Gateway event
 * (a pool of 64, renewed inside the loop every 64 calls, so the renewal is counted per call on both
 * sides); Azure, a new HttpRequest of @azure/functions per call, built from JSON-parsed copies of the
 * headers, URL and body (bench/azure-fixtures.ts; the pool renewed inside the loop as Lambda's), whose
 * body the bare handler reads (`req.text()`); GCP, the Express requests captured from a real
 * functions-framework server (bench/harness.ts, captureGcpRequests), cycled as bench/run.ts cycles them
 * (not renewed: an Express request is a large object graph; the bare handler does nothing).
 * The first call's answer is checked (a 200): a count of a blocked request would be meaningless.
 * For attribution, add `--perf-basic-prof` to node and map callgrind's JIT addresses with
 * /tmp/perf-<pid>.map.
 */
import type { Context } from 'aws-lambda';
import { protect as lambdaProtect } from 'serverless-rasp/aws-lambda';
import { protect as azureProtect } from 'serverless-rasp/azure-functions';
import { protect as gcpProtect } from 'serverless-rasp/gcp-functions';
import { azureHttp } from './azure-fixtures';
import { captureGcpRequests, cycle, gcpCopies } from './harness';
import { postRequest } from './payloads';

type Any = any;

async function lambda(n: number, bare: boolean): Promise<void> {
  const text = JSON.stringify(postRequest(1024, 'typical').lambda);
  const handler = async (): Promise<{ statusCode: number; body: string }> => ({ statusCode: 200, body: 'ok' });
  const h = (bare ? handler : lambdaProtect(handler, { log: false })) as (e: unknown, c: Context) => Promise<{ statusCode: number }>;
  const ctx = { awsRequestId: 'a', functionName: 'f', memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 30000 } as unknown as Context;
  const pool: unknown[] = [];
  for (let k = 0; k < 64; k++) pool.push(JSON.parse(text));
  for (let i = 0; i < n; i++) {
    if (i % 64 === 0 && i > 0) for (let k = 0; k < 64; k++) pool[k] = JSON.parse(text);
    const r = await h(pool[i % 64], ctx);
    if (i === 0 && r.statusCode !== 200) throw new Error(`count: the first call answered ${r.statusCode}`);
  }
}

async function azure(n: number, bare: boolean): Promise<void> {
  const { httpContext, bare: handler, requestOf } = azureHttp();
  const h = (bare ? handler : azureProtect(handler, { log: false })) as (r: Any, c: Any) => Promise<{ status?: number }>;
  const { next, pool } = requestOf(postRequest(1024, 'typical'));
  for (let i = 0; i < n; i++) {
    // New strings for every request: the pool's copies renewed once each has been used.
    if (i % pool.size === 0 && i > 0) pool.refill();
    const r = await h(next(), httpContext);
    if (i === 0 && r.status !== 200) throw new Error(`count: the first call answered ${String(r.status)}`);
  }
}

async function gcp(n: number, bare: boolean): Promise<void> {
  const list = (await captureGcpRequests([postRequest(1024, 'typical')], gcpCopies))[0]!;
  const handler = (_req: unknown, _res: unknown): void => undefined;
  const h = (bare ? handler : gcpProtect(handler as Any, { log: false })) as unknown as (req: unknown, res: unknown) => unknown;
  const { req, res } = list[0]!;
  let blocked = false;
  const probe = { ...(res as object), headersSent: false, status: () => ((blocked = true), probe), set: () => probe, send: () => probe };
  await h(req, probe);
  if (blocked) throw new Error('count: the first call was blocked');
  const next = cycle(list);
  for (let i = 1; i < n; i++) {
    const x = next();
    await h(x.req, x.res);
  }
}

const [provider, calls, mode] = process.argv.slice(2);
const n = Number(calls);
if ((provider !== 'lambda' && provider !== 'azure' && provider !== 'gcp') || !Number.isInteger(n) || n < 1 || (mode !== undefined && mode !== 'bare')) {
  console.error('usage: node dist/bench/count.js <lambda|azure|gcp> <calls> [bare]');
  process.exit(2);
}
(provider === 'lambda' ? lambda(n, mode === 'bare') : provider === 'azure' ? azure(n, mode === 'bare') : gcp(n, mode === 'bare')).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
