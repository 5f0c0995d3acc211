/**
 * Detector state under 1,000,000 distinct callers, and the guard's cost per invocation.
 */
import { createDowGuard } from '../../src/dow/guard';
import { createMemoryStore } from '../../src/dow/store';
import { GUARD_CONFIG } from './scenarios';
import { Rng } from './rng';

export interface MemoryReport {
  callers: number;
  stateBytesMax: number;
  heapBytesPerGuard: number | undefined;
}

/** Feeds one guard (with a shared store) 1,000,000 distinct callers at 1,000 req/s and reads its state size. */
export function measureState(callers = 1_000_000): MemoryReport {
  const rng = new Rng(42);
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  const guard = createDowGuard({ ...GUARD_CONFIG, store: createMemoryStore(), memoryMb: 512, provider: 'aws' }, { clock, random: () => rng.uniform(), seed: 7, env: {} });
  let max = 0;
  for (let i = 0; i < callers; i++) {
    now += 1;
    const key = `c${i}`;
    const info = { key, anonymous: (i & 1) === 0, route: 'GET /items', now };
    const d = guard.admit(info);
    if (d.action === 'allow' || d.action === 'log') guard.record(info, 50 + rng.uniform() * 100);
    if (i % 5000 === 0) max = Math.max(max, guard.stats().stateBytes);
  }
  max = Math.max(max, guard.stats().stateBytes);
  return { callers, stateBytesMax: max, heapBytesPerGuard: heapPerGuard(callers) };
}

/**
 * Heap actually retained by guards (no store: the store's memory is the server's), measured with
 * --expose-gc: 8 guards each fed `callers / 8` … `callers` distinct callers, heap delta per guard.
 */
function heapPerGuard(callers: number): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const n = 8;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const guards = [];
  for (let g = 0; g < n; g++) {
    let now = 1_700_000_000_000;
    const rng = new Rng(g);
    const guard = createDowGuard({ ...GUARD_CONFIG, memoryMb: 512, provider: 'aws' }, { clock: { now: () => now }, random: () => rng.uniform(), seed: g, env: {} });
    const per = Math.floor(callers / 4);
    for (let i = 0; i < per; i++) {
      now += 1;
      const info = { key: `g${g}-c${i}`, anonymous: (i & 1) === 0, route: 'GET /items', now };
      if (guard.admit(info).action === 'allow') guard.record(info, 80);
    }
    guards.push(guard);
  }
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const per = (after - before) / n;
  guards.length = 0;
  return per;
}

/** Nanoseconds per admit()+record() pair on a guard with a shared (in-process) store, 200,000 callers. */
export function measureOverhead(invocations = 2_000_000): number {
  const rng = new Rng(3);
  let now = 1_700_000_000_000;
  const guard = createDowGuard({ ...GUARD_CONFIG, store: createMemoryStore(), memoryMb: 512, provider: 'aws' }, { clock: { now: () => now }, random: () => rng.uniform(), seed: 3, env: {} });
  const keys = Array.from({ length: 200_000 }, (_, i) => `k${i}`);
  const infos = keys.map((key, i) => ({ key, anonymous: (i & 1) === 0, route: 'GET /items', now: 0 }));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < invocations; i++) {
    now += 5;
    const info = infos[(i * 7919) % infos.length]!;
    info.now = now;
    if (guard.admit(info).action === 'allow') guard.record(info, 80);
  }
  return Number(process.hrtime.bigint() - t0) / invocations;
}
