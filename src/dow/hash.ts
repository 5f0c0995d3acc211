/**
 * Small, fast, non-cryptographic string hashes for the fixed-size tables. Attackers choose keys, so the
 * tables never rely on a hash being collision-free: probing is bounded and a collision can only merge
 * two keys' counters (never crash or grow memory). The seed is random per process unless given.
 */

/** FNV-1a over UTF-16 code units, finished with a murmur3 avalanche. 32-bit unsigned result. */
export function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** murmur3 finalizer: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A per-process random seed so an attacker cannot precompute colliding keys offline. */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 0x100000000) >>> 0;
}
