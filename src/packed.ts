/**
 * Load-time tables written out (cold start). The detectors' lookup tables (word-hash tables, signature
 * maps) used to be computed at every cold start from the detectors' word lists: thousands of hash
 * computations, Map and Set insertions and typed-array stores in interpreted top-level code (~20 M
 * instructions for the SQL detector alone). They are now built once by `node scripts/check-tables.js
 * --write` from the same lists (the lists and their builder functions stay the one source of truth) and
 * written into generated modules (src/detectors/*-tables.ts) as base64 strings of the tables' bytes;
 * `npm run build` and the tables tests rebuild them from the lists and fail when the written data
 * differs.
 *
 * Cost at load: one native base64 decode and copy per array, plus a scatter loop over the non-zero
 * entries of the sparse ones (hundreds of iterations, in a function of its own: see the no-top-level
 * loop rule in test/adapters/cold-start.test.ts).
 *
 * Byte order: the data is little-endian whatever host wrote it (scripts/check-tables.js swaps on a
 * big-endian one). Every host Lambda, Azure Functions and Cloud Functions run on reads it as it is; a
 * big-endian host (Node runs on s390x) swaps each element's bytes once at load (review rP, s23: without
 * the swap such a host read every key, flag and slot index byte-reversed, so the SQL and shell
 * detectors silently found nothing, with no error: the tables built at load before were host-order).
 */

/** Whether this host's typed arrays are little-endian (read once at load). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The bytes of base64 `s` (little-endian elements of `unit` bytes), in a fresh (unpooled, aligned)
 * ArrayBuffer in the host's byte order: on a big-endian host each element's bytes are swapped by
 * Buffer's native swap16/swap32 (no loop here). `littleEndianHost`: for the test only.
 */
export function unpackBytes(s: string, unit: 1 | 2 | 4, littleEndianHost = HOST_LITTLE_ENDIAN): ArrayBuffer {
  const b = Buffer.from(s, 'base64');
  if (b.length % unit !== 0) throw new Error('serverless-rasp: a written table has a partial element');
  const out = new ArrayBuffer(b.length);
  const view = Buffer.from(out); // a view of `out`, no copy
  view.set(b);
  if (!littleEndianHost) {
    if (unit === 2) view.swap16();
    else if (unit === 4) view.swap32();
  }
  return out;
}
const bytes = unpackBytes;

/** Base64 of Uint8Array data as written by the generator. */
export function unpackU8(s: string): Uint8Array {
  return new Uint8Array(bytes(s, 1));
}

/** Base64 of little-endian Uint16Array data as written by the generator. */
export function unpackU16(s: string): Uint16Array {
  return new Uint16Array(bytes(s, 2));
}

/** Base64 of little-endian Int32Array data as written by the generator. */
export function unpackI32(s: string): Int32Array {
  return new Int32Array(bytes(s, 4));
}

/** Writes values[k] (or `value` when values is a number) at table[at[k]] for every k. */
export function scatter(table: { [i: number]: number }, at: Uint16Array, values: ArrayLike<number> | number): void {
  if (typeof values === 'number') {
    for (let k = 0; k < at.length; k++) table[at[k] as number] = values;
  } else {
    if (values.length !== at.length) throw new Error('serverless-rasp: a written table has mismatched parts');
    for (let k = 0; k < at.length; k++) table[at[k] as number] = values[k] as number;
  }
}

/**
 * The first difference between two tables (typed arrays, arrays, objects of them, primitives) as a
 * path, or '' when they are equal: what the build's check and the tables tests compare the loaded
 * tables with their builders' output by. Fields named in `skip` (memos filled on use) are not read.
 */
export function tableDifference(a: unknown, b: unknown, at = '', skip: ReadonlySet<string> = new Set(['pairs'])): string {
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    if (!(ArrayBuffer.isView(b) || Array.isArray(b)) || (a as object).constructor !== (b as object).constructor) return `${at}: kinds differ`;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return `${at}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) {
        const d = tableDifference(x[i], y[i], `${at}[${i}]`, skip);
        if (d !== '') return d;
      }
    }
    return '';
  }
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: kinds differ`;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (skip.has(k)) continue;
      const d = tableDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`, skip);
      if (d !== '') return d;
    }
    return '';
  }
  return Object.is(a, b) ? '' : `${at}: ${String(a)} vs ${String(b)}`;
}
