import t from 'tap';
import { NORM_CAP, ShellLexer, TK_END, TK_WORD, W_LONG, W_SLICE, W_VAR } from '../../src/tokenizers/shell';

// Test vectors written for this project (not copied from any payload corpus).

/** Every word of `s` as [norm, flags, slice]. */
function words(s: string): [string, number, string][] {
  const lx = new ShellLexer(s);
  const out: [string, number, string][] = [];
  for (let k = 0; k < 64; k++) {
    const tk = lx.next();
    if (tk === TK_END) break;
    if (tk === TK_WORD) out.push([lx.norm, lx.flags, lx.slice]);
  }
  return out;
}

t.test('bash substring expansions: character-building slices are flagged, known characters resolved', async (t) => {
  const [w] = words('${PATH:0:1}etc${HOME:0:1}passwd');
  t.equal(w?.[0], '/etc/passwd');
  t.ok(((w?.[1] ?? 0) & W_SLICE) !== 0);
  t.equal(w?.[2], '${PATH:0:1}');
  // Any slice of a path-valued variable, and one-character slices of any variable.
  for (const s of ['${PATH: -1}', '${PATH:(-2):1}', '${HOME:3}', '${x:4:1}']) {
    const [v] = words(s);
    t.ok(((v?.[1] ?? 0) & W_SLICE) !== 0, s);
    t.ok(((v?.[1] ?? 0) & W_VAR) !== 0, s);
  }
  // Data slices, defaults and other expansions are plain variables.
  for (const s of ['${GIT_SHA:0:7}', '${x:-1}', '${x:-default}', '${PORT:8080}', '${x:a:1}', '${x}', '${x:1:1:1}']) {
    const [v] = words(s);
    t.equal((v?.[1] ?? 0) & W_SLICE, 0, s);
  }
});

t.test('cmd.exe substring expansions', async (t) => {
  const cases: [string, string][] = [
    ['%COMSPEC:~-7,3%', 'cmd'],
    ['%ComSpec:~0,1%', 'C'],
    ['%ProgramFiles:~10,1%x', ' x'],
    ['%SystemRoot:~-4%', 'dows'],
    ['%windir:~3,-2%', 'Windo'],
    ['%x:~5,1%', ''],
  ];
  for (const [s, norm] of cases) {
    const [v] = words(s);
    t.equal(v?.[0], norm, s);
    t.ok(((v?.[1] ?? 0) & W_SLICE) !== 0, s);
  }
  // Not slices: kept as written.
  for (const s of ['%DATE:~10,4%', '%PATH%', '50%', '%x:~a%', '%COMSPEC:~1,2', '100%:~1,1%']) {
    const [v] = words(s);
    t.equal(v?.[0], s, s);
    t.equal((v?.[1] ?? 0) & W_SLICE, 0, s);
  }
});

t.test('slice look-ahead stays bounded on long runs of %', async (t) => {
  const v = '%a:~1,'.repeat(50000) + '%';
  t.doesNotThrow(() => words(v));
});

t.test('double-quoted text is kept as written, up to NORM_CAP, then flagged W_LONG', async (t) => {
  t.same(words('x="<a b=" "a\\$b\\"c$HOME d" e"f"g'), [
    ['x=<a b=', words('x="<a b="')[0]![1], ''],
    ['a$b"c d', words('"a\\$b\\"c$HOME d"')[0]![1], ''],
    ['efg', words('e"f"g')[0]![1], ''],
  ]);
  for (const [len, lead] of [
    [NORM_CAP, ''],
    [NORM_CAP + 1, ''],
    [NORM_CAP - 3, 'ab'],
    [NORM_CAP - 1, 'abcd'],
    [3 * NORM_CAP, 'x'],
  ] as const) {
    const body = 'q'.repeat(len);
    const [w] = words(`${lead}"${body}"`);
    const whole = lead + body;
    t.equal(w![0], whole.slice(0, NORM_CAP), `norm of ${lead}"q x ${len}"`);
    t.equal((w![1] & W_LONG) !== 0, whole.length > NORM_CAP, `W_LONG of ${lead}"q x ${len}"`);
  }
});
