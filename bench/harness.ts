/**
 * Timing harness for the warm benchmarks. Benchmarks print; they never assert timings.
 */
import type { AddressInfo } from 'node:net';
import type { BenchRequest } from './payloads';

/**
 * Times several variants in alternating rounds (the order rotates each round, so drift on a shared
 * machine hits all of them alike). Each variant runs `n` sequential invocations per round, with `n`
 * calibrated so that a round lasts about `roundMs`. Returns the median µs per invocation per variant,
 * of wall time, or of the process's CPU time with `cpu: true`.
 */
export async function measure(
  variants: Record<string, () => unknown>,
  opts: { rounds?: number; roundMs?: number; warmupMs?: number; cpu?: boolean } = {},
): Promise<Record<string, number>> {
  const rounds = opts.rounds ?? 15;
  const roundMs = opts.roundMs ?? 25;
  // V8 needs a few hundred milliseconds of a hot path (hundreds of invocations) before the detectors
  // run optimized code: the first ones cost several times the steady state. Measure the steady state.
  const warmupMs = opts.warmupMs ?? 400;
  const names = Object.keys(variants);
  const n: Record<string, number> = {};
  for (const name of names) {
    const fn = variants[name]!;
    // Warm up (JIT, caches), then estimate the cost of one call.
    const warmEnd = performance.now() + warmupMs;
    let calls = 0;
    while (performance.now() < warmEnd || calls < 3) {
      await fn();
      calls++;
    }
    const t = performance.now();
    const probe = Math.max(3, Math.min(calls, 1000));
    for (let i = 0; i < probe; i++) await fn();
    const each = (performance.now() - t) / probe;
    n[name] = Math.max(1, Math.min(100_000, Math.round(roundMs / Math.max(each, 1e-4))));
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(r + j) % names.length]!;
      const fn = variants[name]!;
      const count = n[name]!;
      if (opts.cpu === true) {
        // CPU time of this process (all its threads, the collector's included): time the scheduler
        // gave to other processes on a shared machine does not count, unlike wall time.
        const c0 = process.cpuUsage();
        for (let i = 0; i < count; i++) await fn();
        const c = process.cpuUsage(c0);
        samples[name]!.push((c.user + c.system) / count);
        continue;
      }
      const t = process.hrtime.bigint();
      for (let i = 0; i < count; i++) await fn();
      samples[name]!.push(Number(process.hrtime.bigint() - t) / 1000 / count);
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(samples[k]!)]));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Real functions-framework request and response objects: each request is sent over loopback to the
 * framework's own server (its body parsers, `rawBody`, Express 5 request), and the objects the handler
 * received are kept, to call wrappers with them directly afterwards.
 */
export async function captureGcpRequests(requests: BenchRequest[]): Promise<Array<{ req: unknown; res: unknown }>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const functions = require('@google-cloud/functions-framework') as typeof import('@google-cloud/functions-framework');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  let last: { req: unknown; res: unknown } | undefined;
  const name = `bench-capture-${process.pid}`;
  functions.http(name, (req, res) => {
    last = { req, res };
    res.status(200).send('ok');
  });
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const out: Array<{ req: unknown; res: unknown }> = [];
  try {
    for (const r of requests) {
      const qs = new URLSearchParams(r.query).toString();
      const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'host' && k !== 'content-length'));
      const res = await fetch(`http://127.0.0.1:${port}${r.path}${qs ? `?${qs}` : ''}`, { method: r.method, headers, body: r.body });
      await res.text();
      if (last === undefined) throw new Error('functions-framework did not call the capture function');
      out.push(last);
      last = undefined;
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return out;
}
