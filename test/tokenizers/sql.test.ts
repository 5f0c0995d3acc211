import t from 'tap';
import { SqlLexer, T_EOF, T_NUM, T_OP, T_OTHER, T_STR, T_WORD, Vocabulary, foreignWord, newToken, quoteClass, Q_SINGLE, Q_NONE, isWordChar, UCLASS, U_OTHER, U_QUOTE, U_WORD, type SqlToken } from '../../src/tokenizers/sql';

/** Every token of `s` as `kind:start-end:word`, read with `lx` (reset onto `s`). */
function tokens(lx: SqlLexer, s: string): string[] {
  lx.reset(s);
  const out: string[] = [];
  const tok: SqlToken = newToken();
  for (;;) {
    const more = lx.next(tok);
    out.push(`${tok.kind}:${tok.start}-${tok.end}:${tok.word}`);
    if (!more || tok.kind === T_EOF) return out;
  }
}

t.test('a vocabulary interns the words it knows and blanks the others', async (t) => {
  const v = new Vocabulary(['select', 'union', 'rdb$database'], ['xp_']);
  const s = 'SeLeCt Union selects rdb$DATABASE xp_CmdShell XP_ x';
  t.equal(v.lookup(s, 0, 6), 'select');
  t.equal(v.lookup(s, 7, 12), 'union');
  t.equal(v.lookup(s, 13, 20), '', 'a longer word is not the keyword');
  t.equal(v.lookup(s, 21, 33), 'rdb$database');
  t.equal(v.lookup(s, 34, 45), 'xp_cmdshell', 'a prefixed word keeps its (lower-cased) text');
  t.equal(v.lookup(s, 46, 49), 'xp_');
  t.equal(v.lookup(s, 50, 51), '');
  // Interned: the very string from the vocabulary, not a copy.
  t.equal(v.lookup('UNION', 0, 5), v.lookup('union', 0, 5));
  t.ok(v.has('union'));
  t.notOk(v.has('selects'));
});

t.test('a non-ASCII letter that lower-cases into ASCII still finds its keyword', async (t) => {
  // U+212A KELVIN SIGN lower-cases to `k`: the lexer without a vocabulary reads `\u212Aill` as `kill`.
  const v = new Vocabulary(['kill']);
  t.equal(v.lookup('\u212aill', 0, 4), 'kill');
  t.equal(v.lookup('\u00e9t\u00e9', 0, 3), '');
});

t.test('a lexer with a vocabulary splits exactly like one without', async (t) => {
  const vocab = new Vocabulary(['select', 'from', 'union', 'or', 'and', 'null', 'where', 'sleep'], ['xp_']);
  const plain = new SqlLexer('');
  const withVocab = new SqlLexer('', 0, vocab);
  const parts = [' ', 'SELECT', 'sel/**/ect', 'Union', 'x', '1', '1e5', '0x1F', "'a'", '"b"', '`c`', '(', ')', ';', '--', '#', '/*!5 or*/', '\u212aill', 'caf\u00e9', 'XP_dirtree', '@v', '\\N', 'where', 'null', ',', '.', '=', 'sleep(1)', '\\Nor', '/* /* */', '*/', 'un/*/**/*/ion'];
  let seed = 5;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  let checked = 0;
  for (let k = 0; k < 3000; k++) {
    let s = '';
    const n = 1 + Math.floor(rnd() * 8);
    for (let j = 0; j < n; j++) s += parts[Math.floor(rnd() * parts.length)] as string;
    const a = tokens(plain, s);
    const b = tokens(withVocab, s);
    t.equal(a.length, b.length, `same token count for ${JSON.stringify(s)}`);
    for (let i = 0; i < a.length; i++) {
      const [ka, pa, wa] = (a[i] as string).split(':');
      const [kb, pb, wb] = (b[i] as string).split(':');
      if (ka !== kb || pa !== pb) t.fail(`token ${i} of ${JSON.stringify(s)}: ${a[i]} vs ${b[i]}`);
      // Known words come back equal; every other word comes back blank.
      const expect = Number(ka) === T_WORD && wa !== undefined && !vocab.has(wa) && !wa.startsWith('xp_') ? '' : wa;
      if (wb !== expect) t.fail(`word ${i} of ${JSON.stringify(s)}: ${JSON.stringify(wa)} -> ${JSON.stringify(wb)}`);
      checked++;
    }
  }
  t.ok(checked > 3000);
});

t.test('reset reads a new string from the start, whatever the previous one left open', async (t) => {
  const lx = new SqlLexer('/*!50000 select');
  t.ok(tokens(lx, '/*!50000 select').length > 1);
  // The versioned comment of the first string must not leak: `*/` is an operator pair here.
  t.same(tokens(lx, '1*/2'), tokens(new SqlLexer(''), '1*/2'));
});

t.test('a prime after a digit closes a single-quoted literal', async (t) => {
  t.equal(quoteClass(0x2032), Q_SINGLE);
  const lx = new SqlLexer('');
  lx.reset("'1\u2032=1");
  const tok = newToken();
  lx.next(tok);
  t.equal(tok.kind, T_STR);
  t.ok(tok.closed);
  t.equal(tok.end, 3);
});

t.test('block comments: flat by default (reporting a nested opener), nested on request', async (t) => {
  const s = '1 /* a /* b */ c */ union';
  const flat = new SqlLexer(s);
  const words = (lx: SqlLexer): string[] => tokens(lx, s).filter((x) => Number(x.split(':')[0]) === T_WORD).map((x) => x.split(':')[2] as string);
  // Flat (MySQL): the comment ends at the first `*/`, so `c` is code and `*/` an operator pair.
  t.same(words(flat), ['c', 'union']);
  t.ok(flat.nestedSeen, 'a `/*` inside a flat comment is reported');
  const nested = new SqlLexer(s);
  nested.nestComments = true;
  t.same(words(nested), ['union']);
  t.notOk(nested.nestedSeen);
  // Plain comments report nothing.
  const plain = new SqlLexer('');
  tokens(plain, '1 /* a */ or /**/ 2 /*** x ***/');
  t.notOk(plain.nestedSeen);
  // `/*/**/*/` is one comment when nesting (`/*`, `/*`, `*/`, `*/`).
  nested.reset('x/*/**/*/y');
  t.same(tokens(nested, 'x/*/**/*/y').map((x) => x.split(':')[2]), ['x', 'y', '']);
  // An unterminated nested comment runs to the end, like an unterminated flat one.
  const open = tokens(nested, 'a /* /* */ b');
  t.equal(open.length, 2);
  t.equal(open[1], `${T_EOF}:12-12:`);
  // A keyword split by a nested comment joins when nesting (`UN/* /* */ */ION`).
  const j = new SqlLexer('');
  j.nestComments = true;
  t.same(tokens(j, 'UN/* /* */ */ION x').map((x) => x.split(':')[2]), ['union', 'x', '']);
});

t.test('MySQL \\N is NULL, also glued to a keyword, but not to other words', async (t) => {
  const lx = new SqlLexer('');
  const w = (s: string): string[] => tokens(lx, s).map((x) => x.split(':')[2] as string);
  t.same(w('\\Nunion select'), ['null', 'union', 'select', '']);
  t.same(w('\\NOR 1'), ['null', 'or', '', '']);
  t.same(w('\\N'), ['null', '']);
  t.notSame(w('\\Notes')[0], 'null');
  t.notSame(w('\\Nunavut')[0], 'null');
});

/** Every token field of `s` (from `start`) read by `next` alone. */
function fullTokens(s: string, start = 0): SqlToken[] {
  const lx = new SqlLexer(s, start);
  const out: SqlToken[] = [];
  for (;;) {
    const tok = newToken();
    const more = lx.next(tok);
    out.push(tok);
    if (!more) return out;
  }
}

t.test('stringRun reads the literals `next` would return, while only ASCII blanks separate them', async (t) => {
  const cases: Array<[string, number, number]> = [
    // [text after a first literal, literals the run reads, index (in next's tokens) of the one left in the token]
    [`'a' 'b' "c"'d' x`, 3, 3],
    [`'a'\t\n'b''' "x""y" ;`, 2, 2], // `'b'''` and `"x""y"`: doubled quotes escape
    [`'a' 'it''s' 'c\\'d' 'e`, 3, 3], // doubled and backslashed quotes; the last literal is open
    [`'a' /**/ 'b'`, 0, -1], // a comment before the next literal: the token path reads it
    [`'a'\u0000'b'`, 0, -1], // NUL (comment-like) ends the run
    [`'a'\u00a0'b'`, 0, -1], // a non-ASCII space is left to next
    [`'a' N'b'`, 0, -1], // a prefixed literal is a word first
    [`'a' \u2019b\u2019`, 0, -1], // typographic quotes are left to next
    [`'a' $$b$$`, 0, -1], // dollar quoting too
    [`'a'    `, 0, -1], // trailing blanks stay unread
  ];
  for (const [s, count, last] of cases) {
    const ref = fullTokens(s);
    const lx = new SqlLexer(s);
    const first = newToken();
    lx.next(first);
    t.same(first, ref[0], `${JSON.stringify(s)}: first literal`);
    const tok = newToken();
    tok.start = -7;
    const k = lx.stringRun(tok);
    t.equal(k, count, `${JSON.stringify(s)}: literals read`);
    if (count > 0) {
      for (let i = 1; i <= count; i++) t.equal(ref[i]!.kind, T_STR);
      t.same(tok, ref[last], `${JSON.stringify(s)}: the last literal, field for field`);
    } else {
      t.equal(tok.start, -7, 'no literal: the token is left untouched');
    }
    // `next` goes on exactly where the token-by-token reading does (its `gap` included).
    const rest: SqlToken[] = [];
    for (;;) {
      const x = newToken();
      const more = lx.next(x);
      rest.push(x);
      if (!more) break;
    }
    const want = ref.slice(1 + count);
    t.equal(rest.length, want.length, `${JSON.stringify(s)}: tokens after the run`);
    for (let i = 0; i < rest.length; i++) {
      const a = { ...rest[i]! };
      const b = { ...want[i]! };
      if (a.kind === T_EOF) a.glued = b.glued = false; // never set for T_EOF (nor read)
      t.same(a, b, `${JSON.stringify(s)}: token ${i} after the run`);
    }
  }
});

t.test('backslashes: escapes by default (reporting one before a quote), characters in standard strings', async (t) => {
  const s = "'\\' or 1=1 --'";
  const words = (lx: SqlLexer): string[] => tokens(lx, s).filter((x) => Number(x.split(':')[0]) === T_WORD).map((x) => x.split(':')[2] as string);
  // MySQL: `\'` is an escaped quote, so the literal runs to the last quote and hides `or 1=1`.
  const my = new SqlLexer('');
  t.same(words(my), []);
  t.ok(my.escapeSeen, 'a backslash before the closing quote is reported');
  // Standard strings (PostgreSQL, SQL Server, Oracle, SQLite): `'\'` is a literal holding a backslash.
  const std = new SqlLexer('');
  std.standard = true;
  t.same(words(std), ['or']);
  t.equal(tokens(std, s)[0], `${T_STR}:0-3:`);
  t.notOk(std.escapeSeen);
  // A backslash before anything but the literal's own quote reads the same both ways: not reported.
  const same = new SqlLexer('');
  tokens(same, `'C:\\Users\\x' "a\\'b" 'n\\n' '\\\\'`);
  t.notOk(same.escapeSeen);
  same.standard = true;
  t.same(tokens(same, `'C:\\Users\\x' x`).slice(0, 1), [`${T_STR}:0-12:`]);
  // A double-quoted literal reports a backslash before its own quote.
  const dq = new SqlLexer('');
  tokens(dq, `"a\\"b"`);
  t.ok(dq.escapeSeen);
  // PostgreSQL's E'…' keeps backslash escapes in standard mode.
  t.same(tokens(std, `E'\\'' x`).slice(0, 2), [`${T_STR}:0-5:`, `${T_WORD}:6-7:x`]);
  t.same(tokens(std, `N'\\' x`).slice(0, 2), [`${T_STR}:0-4:`, `${T_WORD}:5-6:x`]);
  // The standard dialects have no `\N` (NULL): a backslash is a stray character, `Nunion` a word.
  t.same(tokens(std, '\\Nunion').map((x) => x.split(':').slice(0, 2).join(':')), [`${T_OTHER}:0-1`, `${T_WORD}:1-7`, `${T_EOF}:7-7`]);
  t.same(tokens(new SqlLexer(''), '\\Nunion').map((x) => x.split(':')[2]), ['null', 'union', '']);
  // A line comment ends at LF (or the end) in every reading.
  t.same(tokens(std, '1 -- a\nb').map((x) => x.split(':')[1]), ['0-1', '7-8', '8-8']);
  t.same(tokens(new SqlLexer(''), '1 # a\r\nb # c').map((x) => x.split(':')[1]), ['0-1', '7-8', '12-12']);
  // stringRun (glued literals) follows the same rule.
  std.reset(`'\\' '\\' x`);
  const tok = newToken();
  t.equal(std.stringRun(tok), 2);
  t.equal(tok.end, 7);
});

t.test('hash signs: a comment by default (reporting one after an operand), an operator read the standard way', async (t) => {
  const s = '1 # 0 or 1=1';
  const kinds = (lx: SqlLexer, v: string): string[] => tokens(lx, v).map((x) => x.split(':')[0] as string);
  const my = new SqlLexer('');
  t.same(kinds(my, s), [String(T_NUM), String(T_EOF)]);
  t.ok(my.hashSeen, 'a `#` after a number is reported');
  const std = new SqlLexer('');
  std.standard = true;
  t.same(kinds(std, s), [T_NUM, T_OP, T_NUM, T_WORD, T_NUM, T_OP, T_NUM, T_EOF].map(String));
  t.notOk(std.hashSeen);
  // After `)` or a quote it is reported too; after a word, at the start or after a far digit it is not.
  for (const [v, seen] of [["1)#0", true], ["'a'#0", true], ['order #12', false], ['#tag', false], ['C# 1', false], ['1' + ' '.repeat(20) + '#x', false]] as const) {
    const lx = new SqlLexer('');
    tokens(lx, v);
    t.equal(lx.hashSeen, seen, v);
  }
  // JSON path operators read the same both ways; without a literal after them only the standard way.
  t.same(tokens(std, "a #> '{x}'").map((x) => x.split(':')[1]), ['0-1', '2-4', '5-10', '10-10']);
  t.same(tokens(std, 'a #>> b').map((x) => x.split(':')[1]), ['0-1', '2-5', '6-7', '7-7']);
  t.same(tokens(std, 'a#-b').map((x) => x.split(':')[1]), ['0-1', '1-3', '3-4', '4-4']);
});

t.test('a CR ends a `--` comment in the standard reading only (reported otherwise, unless CRLF)', async (t) => {
  const kinds = (lx: SqlLexer, v: string): string[] => tokens(lx, v).map((x) => x.split(':')[0] as string);
  const my = new SqlLexer('');
  t.same(kinds(my, '1 -- a\ror 2'), [String(T_NUM), String(T_EOF)]);
  t.ok(my.crSeen);
  const std = new SqlLexer('');
  std.standard = true;
  t.same(kinds(std, '1 -- a\ror 2'), [T_NUM, T_WORD, T_NUM, T_EOF].map(String));
  t.notOk(std.crSeen);
  for (const v of ['1 -- a\r\nor 2', '1 -- a\r', '1 # a\rb', '1 -- a\nb\rc']) {
    const lx = new SqlLexer('');
    tokens(lx, v);
    t.notOk(lx.crSeen, JSON.stringify(v));
  }
  // Many comments, CRs and no LF: each ends at its CR (the searches are remembered, see nextOf).
  const many = '-- a\r'.repeat(5000) + 'x';
  t.same(tokens(std, many).slice(-2), [`${T_WORD}:25000-25001:x`, `${T_EOF}:25001-25001:`]);
  // A reset forgets the remembered positions.
  t.same(kinds(std, '1 -- a\rb'), [T_NUM, T_WORD, T_EOF].map(String));
  t.same(kinds(std, '-- \r1'), [T_NUM, T_EOF].map(String));
});

t.test('double dashes: a comment by default (reporting one MySQL reads as minus signs), MySQL on request', async (t) => {
  const s = '1--1 union';
  const words = (lx: SqlLexer): string[] => tokens(lx, s).filter((x) => Number(x.split(':')[0]) === T_WORD).map((x) => x.split(':')[2] as string);
  const any = new SqlLexer('');
  t.same(words(any), []);
  t.ok(any.dashSeen, 'a `--` before a digit is reported');
  const my = new SqlLexer('');
  my.mysqlDashes = true;
  t.same(tokens(my, s), [`${T_NUM}:0-1:`, `${T_OP}:1-2:`, `${T_OP}:2-3:`, `${T_NUM}:3-4:`, `${T_WORD}:5-10:union`, `${T_EOF}:10-10:`]);
  t.notOk(my.dashSeen);
  // Before a space, a control character or the end, `--` is a comment to MySQL too (and not reported).
  for (const c of ['1-- x', '1--\tx', '1--\u0001x', '1--\u007fx', '1--']) {
    const plain = new SqlLexer('');
    t.same(tokens(plain, c).slice(0, 1), [`${T_NUM}:0-1:`], c);
    t.notOk(plain.dashSeen, c);
    t.equal(tokens(my, c).length, 2, c);
  }
  // `---x` is three minus signs to MySQL; a Unicode space after `--` is text to it.
  t.same(tokens(my, '---x').map((x) => x.split(':')[0]), [String(T_OP), String(T_OP), String(T_OP), String(T_WORD), String(T_EOF)]);
  t.equal(tokens(my, '--\u00a0x').length, 4);
});

t.test('string literals: quotes fast path and doubled quotes read as before', async (t) => {
  const lx = new SqlLexer('');
  t.same(tokens(lx, `'a''b' "c""d" 'e`), [`${T_STR}:0-6:`, `${T_STR}:7-13:`, `${T_STR}:14-16:`, `${T_EOF}:16-16:`]);
  // A typographic quote closes a literal it opened (its class), but never pairs to escape itself.
  t.same(tokens(lx, '\u2018a\u2019\u2019 x'), [`${T_STR}:0-3:`, `${T_STR}:3-6:`, `${T_EOF}:6-6:`]);
  // An ASCII quote of the other class inside a literal is text; a literal ending the input is closed.
  const tok = newToken();
  lx.reset(`"it's"`);
  lx.next(tok);
  t.equal(tok.kind, T_STR);
  t.equal(tok.end, 6);
  t.ok(tok.closed);
  // After a comment, a literal keeps the comment flags (the general path and the fast one agree).
  const ref = fullTokens(`/**/'a'`);
  t.equal(ref[0]!.kind, T_STR);
  t.ok(ref[0]!.comment);
  t.ok(ref[0]!.gap);
});

t.test('Vocabulary.lookup: two-letter words answer the same in any case and in any order of first use', (t) => {
  // The two-letter memo is filled on first use: whichever case comes first must not decide the
  // answer for the other, and neighbouring pairs must not share an entry.
  const words = ['or', 'in', 'is', 'by', 'select'];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const all: string[] = [];
  for (const x of letters) for (const y of letters) all.push(x + y);
  const expect = (w: string): string => (words.includes(w.toLowerCase()) ? w.toLowerCase() : '');
  const upperFirst = new Vocabulary(words, ['xp_']);
  const lowerFirst = new Vocabulary(words, ['xp_']);
  let wrong = 0;
  for (const w of all) {
    const W = w.toUpperCase();
    const M = w[0]!.toUpperCase() + w[1]!;
    // Inside a longer text too: lookup reads s[a, b).
    if (upperFirst.lookup(`(${W})`, 1, 3) !== expect(w) || upperFirst.lookup(w, 0, 2) !== expect(w) || upperFirst.lookup(M, 0, 2) !== expect(w)) wrong++;
    if (lowerFirst.lookup(w, 0, 2) !== expect(w) || lowerFirst.lookup(` ${W} `, 1, 3) !== expect(w) || lowerFirst.lookup(M, 0, 2) !== expect(w)) wrong++;
  }
  t.equal(wrong, 0);
  t.equal(upperFirst.lookup('OR', 0, 2), 'or');
  t.equal(upperFirst.lookup('on', 0, 2), '');
  // Not letters: not memoised, answered as before.
  t.equal(upperFirst.lookup('o1', 0, 2), '');
  t.equal(upperFirst.lookup('XP_CMDSHELL', 0, 11), 'xp_cmdshell');
  t.end();
});

t.test('UCLASS agrees with quoteClass and isWordChar on every code unit at or above U+0080', async (t) => {
  let bad = 0;
  const seen = new Set<number>();
  for (let c = 128; c < 65536; c++) {
    const want = quoteClass(c) !== Q_NONE ? U_QUOTE : isWordChar(c) ? U_WORD : U_OTHER;
    seen.add(want);
    if (UCLASS[c] !== want) {
      if (bad++ < 5) t.fail(`U+${c.toString(16)}: UCLASS ${UCLASS[c]}, functions ${want}`);
    }
  }
  t.equal(bad, 0, 'no code unit differs');
  t.same([...seen].sort(), [U_OTHER, U_WORD, U_QUOTE].sort(), 'all three classes occur');
  t.equal(UCLASS.length, 65536);
});

t.test('only U+0130 and U+212A lower-case to text holding ASCII (what foreignWord relies on)', async (t) => {
  const found: number[] = [];
  for (let c = 128; c <= 0x10ffff; c++) {
    const low = String.fromCodePoint(c).toLowerCase();
    for (let i = 0; i < low.length; i++) {
      if (low.charCodeAt(i) < 128) {
        found.push(c);
        break;
      }
    }
  }
  t.same(found, [0x130, 0x212a]);
  t.ok(foreignWord('\uff43\uff44', 0, 2));
  t.ok(foreignWord('ab\u00e9', 0, 3));
  t.notOk(foreignWord('abc', 0, 3), 'ASCII only');
  t.notOk(foreignWord('\u00e9\u212aill', 0, 5), 'KELVIN SIGN');
  t.notOk(foreignWord('\u0130n\u00e9', 0, 3), 'U+0130');
});

t.test('Vocabulary.lookup on words with non-ASCII letters', async (t) => {
  const v = new Vocabulary(['kill', 'or', 'select'], ['xp_', 'i']);
  t.equal(v.lookup('\uff4f\uff52', 0, 2), '', 'full-width OR is no keyword');
  t.equal(v.lookup('or\u00e9', 0, 3), '');
  t.equal(v.lookup('s\u00e9lect', 0, 6, false), '');
  t.equal(v.lookup('\u212aill', 0, 4, false), 'kill', 'KELVIN SIGN still lower-cases to k');
  t.equal(v.lookup('xp_\u00e9', 0, 4, false), 'xp_\u00e9', 'a prefix with a non-ASCII tail keeps its text');
  // U+0130 lower-cases to `i` + U+0307: the word starts with the prefix `i` only once lower-cased.
  t.equal(v.lookup('\u0130x', 0, 2, false), '\u0130x'.toLowerCase());
  t.equal(v.lookup('\u0130x', 0, 2), '\u0130x'.toLowerCase());
  // A vocabulary with a non-ASCII word: its words are still found in any case.
  const u = new Vocabulary(['caf\u00e9', 'or']);
  t.equal(u.lookup('CAF\u00c9', 0, 4, false), 'caf\u00e9');
  t.equal(u.lookup('caf\u00e9', 0, 4), 'caf\u00e9');
  t.equal(u.lookup('\u00e9t\u00e9', 0, 3), '');
});

t.test('non-ASCII letters, punctuation, spaces and quotes lex as before the table fast paths', async (t) => {
  const lx = new SqlLexer('', 0, new Vocabulary(['or', 'kill']));
  const all = (s: string): string[] => {
    lx.reset(s);
    const out: string[] = [];
    const tok: SqlToken = newToken();
    for (;;) {
      const more = lx.next(tok);
      out.push(`${tok.kind}:${tok.start}-${tok.end}:${tok.word}:${tok.op}:${tok.gap ? 'g' : ''}${tok.comment ? 'c' : ''}${tok.glued ? 'G' : ''}`);
      if (!more) return out;
    }
  };
  const O = T_OTHER;
  const W = T_WORD;
  // `ab．ｃｄ.ef`: word, full-width full stop (punctuation: T_OTHER), full-width word, dot, word.
  t.same(all('ab\uff0e\uff43\uff44.ef'), [`${W}:0-2:::`, `${O}:2-3::?other:`, `${W}:3-5:::`, '11:5-6:::', `${W}:6-8:::`, `${T_EOF}:8-8:::`]);
  // A non-ASCII letter starts a word and continues an ASCII one; punctuation ends it.
  t.same(all('\u00e9or or\u3002or'), [`${W}:0-3:::`, `${W}:4-6:or::g`, `${O}:6-7::?other:`, `${W}:7-9:or::`, `${T_EOF}:9-9:::`]);
  // Unicode spaces separate (gap), and a block comment glues punctuation to what precedes it.
  t.same(all('x\u3000\u2014/**/\u3002\u212aill'), [`${W}:0-1:::`, `${O}:2-3::?other:g`, `${O}:7-8::?other:gcG`, `${W}:8-12:kill::`, `${T_EOF}:12-12:::`]);
  // Typographic quotes open literals; punctuation after a space keeps the gap.
  t.same(all('\u2019a\u2019 \u00bf'), [`${T_STR}:0-3:::`, `${O}:4-5::?other:g`, `${T_EOF}:5-5:::`]);
});

t.test('castRun reads `::` + literal pairs as next would, and leaves the rest unread', async (t) => {
  // [value (starting with the `::` the caller has lexed), pairs castRun reads]
  const cases: Array<[string, number]> = [
    ["::'a'::'b'  ::  \"c\" x", 3],
    ["::'a'::'b'", 2],
    [":: 'a'::x", 1],
    ["::'a' ::/**/'b'", 1],
    ["::'a'::", 1],
    ["::'a'::'b", 2],
    ["::''::''::''", 3],
    ['::x', 0],
    [':: /**/ \'a\'', 0],
    ["::-- c\n'a'", 0],
  ];
  for (const [s, pairs] of cases) {
    const want = tokens(new SqlLexer(''), s);
    const lx = new SqlLexer('');
    lx.reset(s);
    const op = newToken();
    lx.next(op);
    const lit = newToken();
    const k = lx.castRun(lit);
    t.equal(k, pairs, `${JSON.stringify(s)}: pairs`);
    // The last literal read is the token `next` gives at 2k - 1; what follows it, token by token.
    if (k > 0) t.equal(`${lit.kind}:${lit.start}-${lit.end}:${lit.word}`, want[2 * k - 1], `${JSON.stringify(s)}: last literal`);
    const rest: string[] = [];
    const tok = newToken();
    for (;;) {
      const more = lx.next(tok);
      rest.push(`${tok.kind}:${tok.start}-${tok.end}:${tok.word}`);
      if (!more || tok.kind === T_EOF) break;
    }
    // (The caller's `::` is want[0]: with no pair read, the rest starts after it.)
    t.same(rest, want.slice(k === 0 ? 1 : 2 * k), `${JSON.stringify(s)}: the rest`);
  }
});

t.test('digits and { } ] through the fast path: the tokens the general path gave', async (t) => {
  // Taken on the build before the fast path (kind:start:end:op-or-word); numbers that end the value
  // read nothing past it (readNumber's guarded reads).
  const cases: [string, string[]][] = [
    ['=0{}]1e', ['6:0:1:=', '2:1:2:', '12:2:3:{', '12:3:4:}', '12:4:5:]', '3:5:7:1e']],
    ['9.', ['2:0:2:']],
    ['0x1f}', ['2:0:4:', '12:4:5:}']],
    ['1union]', ['2:0:1:', '3:1:6:union', '12:6:7:]']],
    ['6ca2o{', ['3:0:5:6ca2o', '12:5:6:{']],
    [' 1e+5]', ['2:1:5:', '12:5:6:]']],
    ['{[a]}', ['12:0:1:{', '5:1:4:', '12:4:5:}']],
    ['.5]', ['2:0:2:', '12:2:3:]']],
  ];
  for (const [s, want] of cases) {
    const lx = new SqlLexer(s);
    const tok = newToken();
    const got: string[] = [];
    while (lx.next(tok)) got.push(`${tok.kind}:${tok.start}:${tok.end}:${tok.op || tok.word || ''}`);
    t.same(got, want, JSON.stringify(s));
  }
});

t.test('backticks and backslashes through the fast path: the tokens the general path gave', async (t) => {
  // Taken on the build before the fast path (kind:start:end:op-or-word:closed:glued); `\N` and `\n`
  // still take the general path (MySQL's NULL, not in the standard reading).
  const cases: [string, boolean, string[]][] = [
    ['`a`\\x\\', false, ['5:0:3::1:0', '12:3:4:\\:0:0', '3:4:5:x:0:0', '12:5:6:\\:0:0']],
    ['(`]`', false, ['7:0:1::0:0', '5:1:4::1:0']],
    ['\\N\\', false, ['3:0:2:null:0:0', '12:2:3:\\:0:0']],
    ['\\Nunion \\n', true, ['12:0:1:\\:0:0', '3:1:7:nunion:0:0', '12:8:9:\\:0:0', '3:9:10:n:0:0']],
    ['x\\`', false, ['3:0:1:x:0:0', '12:1:2:\\:0:0', '5:2:3::0:0']],
  ];
  for (const [s, standard, want] of cases) {
    const lx = new SqlLexer(s);
    lx.standard = standard;
    const tok = newToken();
    const got: string[] = [];
    while (lx.next(tok)) got.push(`${tok.kind}:${tok.start}:${tok.end}:${tok.op || tok.word || ''}:${tok.closed ? 1 : 0}:${tok.glued ? 1 : 0}`);
    t.same(got, want, JSON.stringify(s));
  }
});

t.test('- / * . through the fast path: the tokens the general path gave', async (t) => {
  // Taken on the build before the fast path (kind:start:end:op-or-word:comment:glued): `--`, `/*`, a
  // versioned comment's `*/` and `.5` still take the general path.
  const cases: [string, string[]][] = [
    ['a-b/c*d.e', ['3:0:1:a:0:0', '6:1:2:-:0:0', '3:2:3:b:0:0', '6:3:4:/:0:0', '3:4:5:c:0:0', '6:5:6:*:0:0', '3:6:7:d:0:0', '11:7:8::0:0', '3:8:9:e:0:0']],
    ['x--y', ['3:0:1:x:0:0']],
    ['1/*c*/-.5', ['2:0:1::0:0', '6:6:7:-:1:1', '2:7:9::0:0']],
    ['/*!1 a*b*/.x', ['3:5:6:a:0:0', '6:6:7:*:0:0', '3:7:8:b:0:0', '11:10:11::0:0', '3:11:12:x:0:0']],
    ['->>-=*/', ['6:0:3:->>:0:0', '6:3:5:-=:0:0', '6:5:6:*:0:0', '6:6:7:/:0:0']],
    ['a.-1.', ['3:0:1:a:0:0', '11:1:2::0:0', '6:2:3:-:0:0', '2:3:5::0:0']],
  ];
  for (const [s, want] of cases) {
    const lx = new SqlLexer(s);
    const tok = newToken();
    const got: string[] = [];
    while (lx.next(tok)) got.push(`${tok.kind}:${tok.start}:${tok.end}:${tok.op || tok.word || ''}:${tok.comment ? 1 : 0}:${tok.glued ? 1 : 0}`);
    t.same(got, want, JSON.stringify(s));
  }
});

t.test('dollarTags off: a tag is a word, `$$` still a literal, placeholders unchanged (session 20)', async (t) => {
  const lx = new SqlLexer('');
  const s = '$q$ x $q$ $$a$$ $1 $é$;';
  const on = tokens(lx, s);
  t.same(on.slice(0, 1), [`${T_STR}:0-9:`], 'tags on: `$q$ x $q$` is one literal');
  lx.dollarTags = false;
  try {
    const off = tokens(lx, s);
    t.same(off.slice(0, 3), [`${T_WORD}:0-3:$q$`, `${T_WORD}:4-5:x`, `${T_WORD}:6-9:$q$`], 'tags off: words');
    t.equal(off[3], `${T_STR}:10-15:`, '`$$a$$` is still a literal');
    t.equal(off[4], on[2], '`$1` reads the same');
    t.equal(off[5], `${T_WORD}:19-22:$é$`, 'a non-ASCII tag is a word too');
  } finally {
    lx.dollarTags = true;
  }
  t.same(tokens(lx, s), on, 'back on: as before');
});
