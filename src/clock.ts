/**
 * The adapters' monotonic clock, in milliseconds (fractional), for durations only: the inspection's
 * `micros`, the handler's time, the guard's end time (adapters/shared/runtime.ts). Its origin is when
 * this module loaded, not performance.timeOrigin: readings are not interchangeable with
 * performance.now() (an engine from createEngine() keeps that clock; see engine.ts buildEngine).
 *
 * Why not performance.now(): in Node.js the global `performance` is a lazy accessor whose first read
 * loads perf_hooks (node:perf_hooks and eight internal modules: ~12 M instructions, about 3.5% of the
 * library's cold start, all of it on the first invocation; callgrind, Node 20). process.uptime() reads
 * the same source (uv_hrtime, since the process started, in seconds as a double: nanoseconds stay exact
 * for months) and loads nothing.
 *
 * Per invocation (a few readings), callgrind, the bench's Lambda bundle, 12,000 minus 2,000 calls:
 * performance.now() 221.4 K instructions, process.uptime() 221.9 K, process.hrtime() 222.9 K (an array
 * per reading), process.hrtime(start) 223.2 K (validates and subtracts in JS).
 */
const ORIGIN = process.uptime() * 1e3;

/** Milliseconds since this module loaded (fractional): readings start near 0, as performance.now()'s do. */
export function monotonicNow(): number {
  return process.uptime() * 1e3 - ORIGIN;
}
