/**
 * `npm run bench:adversarial`: is every detector linear, and does hostile text cost more per KB than
 * ordinary text? For each detector (called directly, as the engine would call it on one string) and
 * for the whole engine (the string as a JSON body field), CPU time per KB on:
 *
 *   - ordinary text: English prose with punctuation, the same text the per-KB bench reads;
 *   - adversarial shapes an attacker would pick to trigger worst cases: nested parentheses, quote runs,
 *     `<` runs, repeated `../`, long whitespace, unbalanced template and comment openers, alternating
 *     quotes and keywords, escaped dots, percent and entity runs;
 *
 * at 1 KB, 64 KB and 1 MB. Linear means the per-KB cost stays flat across sizes; "no more per KB than
 * ordinary text" compares each shape's 1 MB cost with prose at 1 MB. Prints a table and the worst
 * ratio per detector. CPU time, best of a few runs, so a loaded machine blurs it less; it never
 * asserts. Knobs: ADV_RUNS (5), ADV_SIZES (KB list, default 1,64,1024).
 */
import { DETECTORS } from '../src/detectors/index';
import { charMask } from '../src/charclass';
import { createEngine } from '../src/engine';
import { machine } from './util';

const RUNS = Number(process.env.ADV_RUNS ?? 5);
const SIZES = (process.env.ADV_SIZES ?? '1,64,1024').split(',').map(Number);

const PROSE =
  "Soft cotton jersey with a relaxed fit and ribbed collar, machine washable at 30 degrees. It's made from organic fibres at a " +
  'family-run mill (since 1962); sizes run true to size - order one size up for a looser look. Free returns within 30 days, ' +
  '100% satisfaction or your money back: see example.com/returns for details. ';

/** Repeats `unit` to exactly `bytes` characters. */
function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

const SHAPES: Record<string, string> = {
  prose: PROSE,
  'nested (': '(',
  'quotes \'"': `'"`,
  'quote-or': "' or '",
  '< runs': '<',
  '<a<a': '<a ',
  '<a x="': '<a x="',
  '</a>': '</a>x',
  '../': '../',
  '..\\': '..\\',
  '\\.\\.': '\\.\\./',
  whitespace: ' \t ',
  '${${': '${',
  '{{': '{{',
  '/*': '/*',
  '%25': '%25',
  '&#': '&#38;',
  'union select': ' union select ',
  '$(': '$(',
  ';|&': ';|&',
};

function cpuUs(fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, c.user + c.system);
  }
  return best;
}

function perKb(fn: (s: string) => unknown, s: string): number {
  const kb = s.length / 1024;
  // Small inputs: repeat so one measurement spans at least ~20 ms of work.
  const reps = Math.max(1, Math.floor(64 / kb));
  fn(s);
  return cpuUs(() => {
    for (let i = 0; i < reps; i++) fn(s);
  }) / reps / kb;
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function main(): void {
  const engine = createEngine({ limits: { maxBytes: 4 * 1024 * 1024 } });
  const targets: Array<{ name: string; run: (s: string) => unknown; needs?: number; needsAlso?: number | undefined }> = DETECTORS.filter((d) => d.value !== undefined).map((d) => ({
    name: d.class,
    run: d.value!,
    needs: d.needs,
    needsAlso: d.needsAlso,
  }));
  targets.push({
    name: 'engine (JSON body field)',
    run: (s) => engine.inspect({ sources: [{ kind: 'body', path: 'body', value: JSON.stringify({ note: s }), decoding: 'body', contentType: 'application/json' }] }),
  });

  console.log(`serverless-rasp adversarial inputs: µs of CPU per KB, best of ${RUNS}; ${machine()}`);
  console.log(`sizes ${SIZES.map((k) => `${k} KB`).join(', ')}; "–" = the engine would not call this detector on that text (its character mask)\n`);
  const big = SIZES[SIZES.length - 1]!;
  const mid = SIZES.length > 1 ? SIZES[SIZES.length - 2]! : big;
  const summary: Array<{ name: string; growth: number; growthShape: string; worst: number; worstShape: string }> = [];
  let engineProse = 0;
  // The engine first: its prose cost is the yardstick ("ordinary text") for every row.
  for (const t of [targets[targets.length - 1]!, ...targets.slice(0, -1)]) {
    const rows: string[] = [];
    let growth = 0;
    let growthShape = '';
    let worst = 0;
    let worstShape = '';
    // Warm-up: every shape once at 16 KB, so the first rows are not timed while the JIT still compiles.
    for (const unit of Object.values(SHAPES)) for (let i = 0; i < 3; i++) t.run(fill(unit, 16 * 1024));
    for (const [shape, unit] of Object.entries(SHAPES)) {
      const cells: string[] = [];
      const bySize = new Map<number, number>();
      for (const kb of SIZES) {
        const s = fill(unit, kb * 1024);
        if (t.needs !== undefined && ((charMask(s) & t.needs) === 0 || (t.needsAlso !== undefined && (charMask(s) & t.needsAlso) === 0))) {
          cells.push('–');
          continue;
        }
        const v = perKb(t.run, s);
        bySize.set(kb, v);
        cells.push(fmt(v));
      }
      const atBig = bySize.get(big);
      const atMid = bySize.get(mid);
      if (t.needs === undefined && shape === 'prose' && atBig !== undefined) engineProse = atBig;
      // Growth is judged only where the cost is measurable (above 0.5 µs/KB): below that, timer noise.
      if (atBig !== undefined && atMid !== undefined && atMid > 0.5 && atBig / atMid > growth) {
        growth = atBig / atMid;
        growthShape = shape;
      }
      if (shape !== 'prose' && atBig !== undefined && engineProse > 0 && atBig / engineProse > worst) {
        worst = atBig / engineProse;
        worstShape = shape;
      }
      rows.push(`  ${shape.padEnd(14)} ${cells.map((c) => c.padStart(9)).join('')}`);
    }
    console.log(`${t.name}`);
    console.log(`  ${'input'.padEnd(14)} ${SIZES.map((k) => `${k} KB`.padStart(9)).join('')}`);
    for (const r of rows) console.log(r);
    console.log('');
    summary.push({ name: t.name, growth, growthShape, worst, worstShape });
  }
  console.log(`SUMMARY (ordinary text = the engine on prose at ${big} KB: ${fmt(engineProse)} µs/KB)`);
  console.log(`  linear: per-KB cost at ${big} KB ÷ at ${mid} KB, worst shape (≤ 1.5 counts as flat)`);
  console.log(`  vs ordinary text: the dearest adversarial shape per KB at ${big} KB ÷ ordinary text per KB (target ≤ 1)`);
  console.log(`  ${'detector'.padEnd(26)} ${'linear'.padStart(8)} ${''.padEnd(14)} ${'vs text'.padStart(8)}`);
  for (const r of summary) {
    console.log(
      `  ${r.name.padEnd(26)} ${`×${r.growth.toFixed(2)}`.padStart(8)} ${r.growthShape.padEnd(14)} ${`×${r.worst.toFixed(2)}`.padStart(8)} ${r.worstShape.padEnd(14)} ${r.growth <= 1.5 && r.worst <= 1 ? 'MET' : 'NOT MET'}`,
    );
  }
}

main();
