/**
 * Pinned verdict tables (session 16, dense punctuation): seeded strings that mix a detector's
 * trigger characters, dense sweep units and attack fragments, and an FNV-1a digest of every verdict
 * (rule and confidence) over them. A detector test pins the digest the build before a speed change
 * gave, so a fast path that changes any verdict fails it.
 */
import { prng } from './prng';

/** `count` strings from `pieces`: runs of one piece, mixes, and a few long repeats. */
export function verdictTable(seed: number, pieces: readonly string[], count: number): string[] {
  const r = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    if (r() < 0.3) s = pieces[Math.floor(r() * pieces.length)]!.repeat(1 + Math.floor(r() * 12));
    const len = 1 + Math.floor(r() * 14);
    for (let k = 0; k < len; k++) s += pieces[Math.floor(r() * pieces.length)]!;
    if (r() < 0.08) s = s.repeat(24);
    out.push(s);
  }
  return out;
}

/** FNV-1a over the verdict keys, in hex. */
export function verdictDigest(verdicts: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const v of verdicts) for (let k = 0; k < v.length; k++) h = Math.imul(h ^ v.charCodeAt(k), 0x01000193) >>> 0;
  return h.toString(16);
}

/** One verdict as digest input: `rule|confidence;`, or `-;` for none. */
export const verdictKey = (d: { rule: string; confidence: string } | undefined): string => (d === undefined ? '-;' : `${d.rule}|${d.confidence};`);

/** One verdict with its reason as digest input: `rule|confidence|reason;`, or `-;` for none. */
export const reasonKey = (d: { rule: string; confidence: string; reason: string } | undefined): string => (d === undefined ? '-;' : `${d.rule}|${d.confidence}|${d.reason};`);

/**
 * The digest of `first` and `second` (a detector without and with the engine's mask, say) over
 * `table`, and how many strings `first` finds something in. `key`: what of a verdict the digest
 * reads (verdictKey: rule and confidence; reasonKey: the reason too).
 */
export function pinnedVerdicts<V extends { rule: string; confidence: string } | undefined>(
  table: readonly string[],
  first: (s: string) => V,
  second: (s: string) => V,
  key: (d: V) => string = verdictKey,
): { findings: number; digest: string } {
  const keys: string[] = [];
  let findings = 0;
  for (const s of table) {
    const a = first(s);
    if (a !== undefined) findings++;
    keys.push(key(a), key(second(s)));
  }
  return { findings, digest: verdictDigest(keys) };
}
