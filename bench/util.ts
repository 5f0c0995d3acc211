/** Small timing helpers shared by the bench scripts. Benchmarks print; they never assert. */
import os from 'node:os';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Node ${process.version}, ${cpu}, ${os.cpus().length} cores, ${os.platform()}`;
}

/**
 * Alternates rounds of two loops (so drift on a shared machine hits both alike) and returns
 * microseconds per iteration for each round. `make(n)` returns a function running n iterations.
 */
export async function timeRounds(
  makeA: (n: number) => () => Promise<void> | void,
  makeB: (n: number) => () => Promise<void> | void,
  opts: { rounds?: number; iterations?: number; warmup?: number } = {},
): Promise<{ a: number[]; b: number[] }> {
  const rounds = opts.rounds ?? 15;
  const n = opts.iterations ?? 2000;
  const a = makeA(n);
  const b = makeB(n);
  for (let w = 0; w < (opts.warmup ?? 3); w++) {
    await a();
    await b();
  }
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = process.hrtime.bigint();
    await a();
    ra.push(Number(process.hrtime.bigint() - t) / 1000 / n);
    t = process.hrtime.bigint();
    await b();
    rb.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  return { a: ra, b: rb };
}
