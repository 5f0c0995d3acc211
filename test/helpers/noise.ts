/**
 * Seeded pseudo-random bytes (a linear congruential generator's high bytes): binary payloads that
 * look like compressed or encrypted data, the same on every run.
 */
export function noise(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
