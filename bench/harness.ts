/**
 * Timing harness for the warm benchmarks. Benchmarks print; they never assert timings.
 */
import type { AddressInfo } from 'node:net';
import type { BenchRequest } from './payloads';

/**
 * Times several variants in alternating rounds (the order rotates each round, so drift on a shared
 * machine hits all of them alike). Each variant runs `n` sequential invocations per round, with `n`
 * calibrated so that a round lasts about `roundMs`. Returns the median µs per invocation per variant,
 * of wall time, or of the process's CPU time with `cpu: true`. Variants named in `unseen` take their
 * input from that pool (see `freshCopies`), and each of their timed calls gets a copy no call saw.
 */
export async function measure(
  variants: Record<string, () => unknown>,
  opts: { rounds?: number; roundMs?: number; warmupMs?: number; cpu?: boolean; unseen?: Record<string, FreshPool<unknown>> } = {},
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
      // A variant fed from an `unseen` pool gets a copy no call has seen yet: its calls are timed in
      // batches of at most the pool's size, and the pool is refilled between batches, untimed.
      const pool = opts.unseen?.[name];
      const batch = pool === undefined ? count : pool.size;
      let cpu = 0;
      let wall = 0n;
      for (let done = 0; done < count; done += batch) {
        pool?.refill();
        const m = Math.min(batch, count - done);
        if (opts.cpu === true) {
          // CPU time of this process (all its threads, the collector's included): time the scheduler
          // gave to other processes on a shared machine does not count, unlike wall time.
          const c0 = process.cpuUsage();
          for (let i = 0; i < m; i++) await fn();
          const c = process.cpuUsage(c0);
          cpu += c.user + c.system;
        } else {
          const t = process.hrtime.bigint();
          for (let i = 0; i < m; i++) await fn();
          wall += process.hrtime.bigint() - t;
        }
      }
      samples[name]!.push(opts.cpu === true ? cpu / count : Number(wall) / 1000 / count);
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(samples[k]!)]));
}

/**
 * What a warm invocation is handed: the Lambda runtime JSON.parses a new event for every invocation
 * (new, flat, non-internalized string values; only object keys come out internalized), a
 * functions-framework server builds a new request and body, the Azure worker a new HttpRequest. Timing
 * one object over and over flatters an inspector: V8 caches a string's hash, flattening and
 * internalization on the string itself, so every call after the first pays none of them. A pool of
 * JSON.parse'd copies, built outside any timed region: at least 2 (no call sees the previous call's
 * object), at most `max` (64), and about `budgetBytes` (256 KB) of JSON in all, so a 1 MB event gets 2
 * copies and the 2.6 KB typical one 64. Small on purpose: copies alive while they wait are young objects
 * that every scavenge copies, which a function's heap (one event at a time) does not hold; measured on
 * the typical Lambda event, interleaved, CPU per call: same object 15.06-15.41 µs, unseen copies from a
 * pool of 8 15.51-15.74, of 64 15.76-16.08, of 1,000 16.07-16.75. `next()` hands them out in turn
 * (and wraps around); `refill()` replaces the copies handed out since the last refill with new ones,
 * which `measure` does between timed batches for the variants given in `unseen`.
 */
export interface FreshPool<T> {
  next: () => T;
  refill: () => void;
  size: number;
}

export function freshCopies<T>(value: T, opts: { max?: number; budgetBytes?: number } = {}): FreshPool<T> {
  const text = JSON.stringify(value);
  return poolOf(() => JSON.parse(text) as T, text.length, opts);
}

/** A pool of objects made by `make` (each a new one), sized as `freshCopies` sizes it for `bytes` each. */
export function poolOf<T>(make: () => T, bytes: number, opts: { max?: number; budgetBytes?: number } = {}): FreshPool<T> {
  const size = Math.max(2, Math.min(opts.max ?? 64, Math.floor((opts.budgetBytes ?? 256 * 2 ** 10) / Math.max(1, bytes))));
  const copies = Array.from({ length: size }, make);
  let i = 0;
  let used = 0;
  return {
    next: () => {
      const c = copies[i]!;
      i = i + 1 === size ? 0 : i + 1;
      if (used < size) used++;
      return c;
    },
    refill: () => {
      // The copies handed out since the last refill are copies[0 .. used) (refills restart at 0).
      for (let k = 0; k < used; k++) copies[k] = make();
      i = 0;
      used = 0;
    },
    size,
  };
}

/** Hands out the items of `list` in turn, wrapping around. */
export function cycle<T>(list: T[]): () => T {
  let i = 0;
  return () => {
    const x = list[i]!;
    i = i + 1 === list.length ? 0 : i + 1;
    return x;
  };
}

/**
 * How many captured copies of a request the GCP pools hold: about 4 MB of body in all, 2 to 16. Not
 * more: each Express request is a large object graph (its socket, parser, headers), and cycling
 * through 250 of them made every call read memory no cache held (typical event 16.3 µs with 16
 * requests, 24.5 with 250, in one process), where a function reads the request the framework has
 * just built. The copies are not renewed (capturing takes a loopback round trip), so after the
 * first pass their strings' hashes are cached: on Lambda that difference measured ~1-4 %.
 */
export const gcpCopies = (r: BenchRequest): number => Math.max(2, Math.min(16, Math.floor((4 * 2 ** 20) / Math.max(1, r.body?.length ?? 0))));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Real functions-framework request and response objects: each request is sent over loopback to the
 * framework's own server (its body parsers, `rawBody`, Express 5 request), and the objects the handler
 * received are kept, to call wrappers with them directly afterwards. Each request is sent `copies(r)`
 * times (default once): the framework builds a new request, headers and parsed body for each, as it
 * does per invocation, and the bench cycles through them. Capture over loopback is too slow to renew
 * them between timed batches, so after the first pass a copy's strings have their hashes cached (the
 * Lambda and Azure pools are renewed; these are not).
 */
export async function captureGcpRequests(requests: BenchRequest[], copies: (r: BenchRequest) => number = () => 1): Promise<Array<Array<{ req: unknown; res: unknown }>>> {
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
  const out: Array<Array<{ req: unknown; res: unknown }>> = [];
  try {
    for (const r of requests) {
      const qs = new URLSearchParams(r.query).toString();
      const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'host' && k !== 'content-length'));
      const list: Array<{ req: unknown; res: unknown }> = [];
      for (let k = Math.max(1, copies(r)); k > 0; k--) {
        const res = await fetch(`http://127.0.0.1:${port}${r.path}${qs ? `?${qs}` : ''}`, { method: r.method, headers, body: r.body });
        await res.text();
        if (last === undefined) throw new Error('functions-framework did not call the capture function');
        list.push(last);
        last = undefined;
      }
      out.push(list);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return out;
}
