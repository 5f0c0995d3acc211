import t from 'tap';
import { SqlLexer, T_EOF, T_STR, T_WORD, Vocabulary, newToken, quoteClass, Q_SINGLE, type SqlToken } from '../../src/tokenizers/sql';

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
