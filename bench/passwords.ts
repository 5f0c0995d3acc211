/**
 * Generated passwords through the engine: how many a login would refuse. Each password is 20
 * characters drawn uniformly from the 94 printable ASCII symbols (what a password manager set to
 * "all characters" makes), seeded, and inspected twice as a JSON body: under `password` (a secret
 * field, see SECRET_KEYS in src/engine.ts) and under `note` (an ordinary field, the same value).
 * Prints the share blocked and the rules, per field. Not timed.
 *
 *   npm run bench:passwords [-- N]     (N passwords, default 20000)
 */
import { createEngine } from '../src/engine';
import { machine } from './util';

const N = Number(process.argv[2] ?? 20000);
const SEED = 12345;

/** mulberry32: a small seeded generator (uniform enough for a character pick). */
function generator(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const symbols: string[] = [];
for (let c = 33; c < 127; c++) symbols.push(String.fromCharCode(c));
const rnd = generator(SEED);
const engine = createEngine();
const fields = ['password', 'note'] as const;
const blocked: Record<string, number> = { password: 0, note: 0 };
const rules: Record<string, Record<string, number>> = { password: {}, note: {} };
for (let i = 0; i < N; i++) {
  let pw = '';
  for (let k = 0; k < 20; k++) pw += symbols[Math.floor(rnd() * symbols.length)]!;
  for (const field of fields) {
    const v = engine.inspect({ method: 'POST', path: '/login', sources: [{ kind: 'body', path: 'body', value: { username: 'jane', [field]: pw } }] });
    if (v.action !== 'block') continue;
    blocked[field]!++;
    const r = rules[field]!;
    for (const f of v.findings) r[f.rule] = (r[f.rule] ?? 0) + 1;
  }
}
console.log(`generated passwords through the engine (paranoia 1): ${N} of 20 characters over the 94 printable ASCII symbols, seed ${SEED}; ${machine()}`);
for (const field of fields) {
  const list = Object.entries(rules[field]!).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`  under "${field}": ${blocked[field]} blocked (${((100 * blocked[field]!) / N).toFixed(2)} %)${list ? `: ${list}` : ''}`);
}
