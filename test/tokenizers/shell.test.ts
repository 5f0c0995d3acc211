import t from 'tap';
import { CTX_NONE, NORM_CAP, ShellLexer, TK_END, TK_SUB_OPEN, TK_WORD, W_BACKSLASH, W_BRACE, W_CONT, W_GLOB, W_LONG, W_SLICE, W_UNQUOTED, W_VAR, W_WINPATH } from '../../src/tokenizers/shell';

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

/** Every token of `s` from `lx` on, as comparable strings. */
function rest(lx: ShellLexer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 10000; k++) {
    const tk = lx.next();
    out.push([tk, lx.kind, lx.start, lx.end, lx.spaceBefore, tk === TK_WORD ? lx.norm : '', tk === TK_WORD ? lx.flags : 0, lx.depth].join('|'));
    if (tk === TK_END) break;
  }
  return out;
}

t.test('argRun skips words and redirections, never the last word, and the tokens after it are unchanged', async (t) => {
  const lx = new ShellLexer('a b c "d e" \'f\' g=h <x >y z;w');
  lx.next();
  t.equal(lx.argRun(false), 4, 'b c "d e" \'f\'');
  t.equal(lx.runRedirs, 0);
  t.equal(lx.next(), TK_WORD);
  t.equal(lx.norm, 'g=h', 'the last word of the run is a token');
  // Property: after the first token, skipping then lexing gives the tail of the full token stream.
  const cases = [
    'a b c d e',
    'a b <c >d e f',
    'a <b <c',
    'a b "c d" e "f$x" g',
    'a b "c\\"d" e',
    "a b 'c d' e 'f",
    'a b "c d',
    'a b #c d',
    'a b\\\nc d',
    'a b c(d) e',
    'a b c>(d) e',
    'a b c;d e',
    'a b c`d` e',
    'a b+c+d',
    'a x="<a x="<a x="<a x="<a x="<a',
    'a <abcdef b c',
    'a < b > c d',
    'a b <<c d e',
    'a b ü é c',
    'x=1 y="2 3" z=\'4\' w <a v=5 u',
    'x=1 y=2 3 z=4',
    `x=1 ${'a'.repeat(70)}=2 y=3 z=4`,
  ];
  for (const s of cases) {
    for (const assignOnly of [false, true]) {
      const full = new ShellLexer(s);
      const all = rest(full);
      const lx2 = new ShellLexer(s);
      lx2.next();
      const k = lx2.argRun(assignOnly);
      const r = lx2.runRedirs;
      t.same(rest(lx2), all.slice(1 + k + 2 * r), `${JSON.stringify(s)} assignOnly=${assignOnly}: ${k} words, ${r} redirections skipped`);
    }
  }
  // Only NAME= words in assignment mode; redirections alone are all skipped.
  const a = new ShellLexer('x=1 y=2 z w=3 v=4');
  a.next();
  t.equal(a.argRun(true), 0, 'y=2 is the last assignment before `z`');
  const b = new ShellLexer('x=1 y=2 w=3 v=4 z');
  b.next();
  t.equal(b.argRun(true), 2, 'y=2 w=3');
  const c = new ShellLexer('a <b >c <d;e');
  c.next();
  t.equal(c.argRun(false), 0);
  t.equal(c.runRedirs, 2, '`<d` ends at `;`: not an item');
});

t.test('openRun skips glued $( openers only', async (t) => {
  const lx = new ShellLexer('$($($($((1))x)');
  lx.next();
  t.equal(lx.argRun(false), 0);
  t.equal(lx.openRun(), 2, 'not `$((`');
  t.equal(lx.depth, 3);
  const full = rest(new ShellLexer('$($($($((1))x)'));
  t.same(rest(lx), full.slice(3));
  const sp = new ShellLexer('$( $(');
  sp.next();
  t.equal(sp.openRun(), 0, 'a blank between: not skipped');
  const deep = new ShellLexer('$('.repeat(1000) + 'id');
  deep.next();
  t.equal(deep.openRun(), 999);
  t.equal(deep.depth, 1000);
  t.equal(deep.next(), TK_WORD);
  t.equal(deep.norm, 'id');
});

t.test('past NORM_CAP, % runs are counted as characters, and a slice after them is still read', async (t) => {
  const long = 'a'.repeat(NORM_CAP + 10);
  const v = long + '%25'.repeat(20);
  const lx = new ShellLexer(v);
  t.equal(lx.next(), TK_WORD);
  t.equal(lx.norm, v.slice(0, NORM_CAP));
  t.equal(lx.unquotedChars, v.length);
  t.ok((lx.flags & W_LONG) !== 0);
  t.equal(lx.flags & W_SLICE, 0);
  const [w] = words(long + '%25%25%COMSPEC:~-7,3%%25');
  t.ok(((w?.[1] ?? 0) & W_SLICE) !== 0, 'the slice after the cap');
  t.equal(w?.[2], '%COMSPEC:~-7,3%');
  const [w2] = words(long + '%25%%x:~1,1%');
  t.ok(((w2?.[1] ?? 0) & W_SLICE) !== 0, 'a slice right after a lone %');
});

t.test('past NORM_CAP, a word tail is passed in one loop with the flags and counts of the character walk', async (t) => {
  const x = 'x'.repeat(NORM_CAP);
  /** [flags, unquotedChars, end, slice] of the first word of `v`. */
  const first = (v: string): [number, number, number, string] => {
    const lx = new ShellLexer(v);
    t.equal(lx.next(), TK_WORD);
    t.equal(lx.norm.length, NORM_CAP);
    return [lx.flags, lx.unquotedChars, lx.end, lx.slice];
  };
  // Globs and `/`: each character counted, W_GLOB kept.
  t.same(first('/*'.repeat(NORM_CAP)), [W_LONG | W_GLOB | W_UNQUOTED, 2 * NORM_CAP, 2 * NORM_CAP, '']);
  // `\.` escapes count once each and set no W_BACKSLASH.
  t.same(first(x + '\\.\\./'.repeat(10)), [W_LONG | W_UNQUOTED, NORM_CAP + 30, NORM_CAP + 50, '']);
  // An escaped identifier character is left to the walk: W_BACKSLASH.
  t.same(first(x + '\\a'), [W_LONG | W_UNQUOTED | W_BACKSLASH, NORM_CAP + 1, NORM_CAP + 2, '']);
  // A Windows path (`c:` at the start): its backslashes are kept, one character each.
  t.same(first('c:' + x + '\\.'), [W_LONG | W_UNQUOTED | W_WINPATH, NORM_CAP + 4, NORM_CAP + 4, '']);
  t.same(first(x + '{/'), [W_LONG | W_UNQUOTED | W_BRACE, NORM_CAP + 2, NORM_CAP + 2, '']);
  // A `%NAME:~` slice after a glob tail is still read; `%` that opens none is a character.
  t.same(first(x + '/*%x:~1,1%'), [W_LONG | W_UNQUOTED | W_GLOB | W_SLICE, NORM_CAP + 3, NORM_CAP + 10, '%x:~1,1%']);
  t.same(first(x + '%25(%25'), [W_LONG | W_UNQUOTED, NORM_CAP + 3, NORM_CAP + 3, '']);
  t.same(first(x + '%ab:~1%'), [W_LONG | W_UNQUOTED, NORM_CAP + 7, NORM_CAP + 7, '']);
  // A line continuation and `=` stop the loop and are read as before.
  t.same(first(x + '\\\n/'), [W_LONG | W_UNQUOTED | W_CONT, NORM_CAP + 1, NORM_CAP + 3, '']);
  t.same(first(x + '/*=/'), [W_LONG | W_UNQUOTED | W_GLOB, NORM_CAP + 4, NORM_CAP + 4, '']);
});

t.test('openRun: runs past the stored depth and before `$((`, as next() reads them one at a time', async (t) => {
  for (const v of ['$('.repeat(130) + 'id', '$('.repeat(127) + '$((1))', '$('.repeat(200) + '$((1))x)', '$('.repeat(3), '$($', '$($((', 'x $($($(a)b)c)']) {
    const full = rest(new ShellLexer(v));
    const lx = new ShellLexer(v);
    let tk = lx.next();
    while (tk !== TK_END && tk !== TK_SUB_OPEN) tk = lx.next();
    if (tk === TK_END) continue;
    const before = full.findIndex((x) => x.startsWith(`${TK_SUB_OPEN}|`));
    const k = lx.openRun();
    // The k openers skipped are the next k tokens of next() alone (glued $( openers), and the token
    // fields and depth are those of the last one.
    for (let j = 1; j <= k; j++) t.ok(full[before + j]!.startsWith(`${TK_SUB_OPEN}|1|`), `${v.slice(0, 20)}: opener ${j}`);
    t.equal([lx.type, lx.kind, lx.start, lx.end, lx.spaceBefore, '', 0, lx.depth].join('|'), full[before + k], v.slice(0, 20));
    t.same(rest(lx), full.slice(before + k + 1), v.slice(0, 20));
  }
  const deep = new ShellLexer('$('.repeat(300) + '$((1))' + ')'.repeat(300));
  deep.next();
  t.equal(deep.openRun(), 299);
  t.equal(deep.depth, 300);
});

t.test('past NORM_CAP, a %NAME:~ slice is read at every distance from the `%` runs and the next `:~`', async (t) => {
  // inertBelow passes a `%` only when the next `:~` is more than 34 characters after it: names of 1 to
  // 33 characters open a slice (cmdSliceName's limit), 34 and more do not; both after a run of
  // inert `%` (the search) and with a `:~` just out of reach before them.
  const long = 'a'.repeat(NORM_CAP + 10);
  for (let len = 1; len <= 36; len++) {
    for (const pre of ['%41'.repeat(40), '%41x%', '%' + 'b'.repeat(40) + ':~1,1%%41', '']) {
      const v = long + pre + '%' + 'N'.repeat(len) + ':~5,1%' + '%42'.repeat(5);
      const lx = new ShellLexer(v);
      t.equal(lx.next(), TK_WORD);
      t.equal((lx.flags & W_SLICE) !== 0, len <= 33, `name of ${len} after ${JSON.stringify(pre.slice(0, 12))}`);
      if (len <= 33) t.equal(lx.slice, '%' + 'N'.repeat(len) + ':~5,1%');
      t.equal(lx.end, v.length);
    }
  }
  // In a sub-range (no search: the walk), the same.
  const v = 'x' + long + '%41'.repeat(40) + '%N:~5,1%y';
  const sub = new ShellLexer(v, CTX_NONE, 1, v.length - 1);
  t.equal(sub.next(), TK_WORD);
  t.ok((sub.flags & W_SLICE) !== 0);
});

t.test('plainPct (plain characters and `%` only): the tokens of the character walk', async (t) => {
  const cases = [
    '%41%42x'.repeat(200),
    'AB'.repeat(300) + '%',
    '%4'.repeat(100),
    '%',
    'a%b',
    '100%',
    '%%%%' + 'z'.repeat(300) + '%%',
    'x'.repeat(NORM_CAP - 1) + '%41' + 'y'.repeat(40),
    'x'.repeat(NORM_CAP) + '%' + 'y'.repeat(100) + '%41',
    '/a/b.c-d_e!f,g:h%2F'.repeat(30),
    'é%C3%A9ü'.repeat(100),
  ];
  for (const v of cases) {
    const lx = new ShellLexer(v);
    lx.plainPct = true;
    t.same(rest(lx), rest(new ShellLexer(v)), v.slice(0, 24));
    // unquotedChars and the W_* flags past the cap too.
    const a = new ShellLexer(v);
    a.plainPct = true;
    a.next();
    const b = new ShellLexer(v);
    b.next();
    t.same([a.unquotedChars, a.flags, a.norm, a.end], [b.unquotedChars, b.flags, b.norm, b.end], v.slice(0, 24));
  }
});

t.test('comments: the line feed found past the walk, and the range end kept (session 17)', async (t) => {
  // A `#` after a blank comments to the end of the line: short comments are walked, longer ones
  // searched for natively; the tokens after it (the line feed's separator included) and a range's
  // end are the same.
  const toks = (s: string, from = 0, to = s.length): string[] => {
    const lx = new ShellLexer(s, CTX_NONE, from, to);
    const out: string[] = [];
    for (let k = 0; k < 64; k++) {
      const tk = lx.next();
      out.push(tk === TK_WORD ? lx.norm : `<${tk}:${lx.start}>`);
      if (tk === TK_END) break;
    }
    return out;
  };
  for (const len of [0, 1, 63, 64, 65, 200, 5000]) {
    const c = 'x'.repeat(len);
    t.same(toks(`a #${c}\nid -u`), ['a', `<2:${3 + len}>`, 'id', '-u', `<0:${9 + len}>`], `comment of ${len}`);
    t.same(toks(`a #${c}`), ['a', `<0:${3 + len}>`], `comment of ${len} at the end`);
    t.same(toks(`a #${c}\r\nb`), ['a', `<2:${4 + len}>`, 'b', `<0:${6 + len}>`], `comment of ${len}, CRLF`);
    // A range ending inside the comment: the comment stops there, the line feed after it unread.
    t.same(toks(`q="a #${c}" b\nid`, 3, 6 + len), ['a', `<0:${6 + len}>`], `range ending in a comment of ${len}`);
  }
});
