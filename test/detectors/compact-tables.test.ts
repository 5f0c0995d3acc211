/**
 * Load-time tables kept compact (cold start): the SQL lexer's two-character operator table and the
 * deserialization detector's gadget prefix tables index 16,384 (char, char) slots. As arrays of
 * strings they were 128 KB heap objects (8-byte slots), three of them filled slot by slot at every
 * cold start; they are now Uint8Arrays of bucket numbers (16 KB each, zero-filled outside the heap)
 * into short lists. Each is checked here against a reference written independently of the source,
 * on every slot or on every prefix and its near misses.
 */
import t from 'tap';
import { LOAD_TABLES_FOR_TEST as SQL } from '../../src/tokenizers/sql';
import { SqlLexer, T_OP, newToken } from '../../src/tokenizers/sql';
import { LOAD_TABLES_FOR_TEST as DS } from '../../src/detectors/deserialization';

// The SQL lexer's two-character operators (src/tokenizers/sql.ts: `next`'s operator branch).
// (`^@`: PostgreSQL's starts-with, round 7.)
const SQL_OPS2 = '<> <= >= != !< !> == || && :: := << >> -> <@ ?| ?& !~ ~* ^= |= &= += -= *= /= %= ^@'.split(' ');

t.test('the two-character operator table answers every (char, char) slot as the operator list does', async (t) => {
  t.ok(SQL.OP2 instanceof Uint8Array, 'a Uint8Array, not a 16 K-slot heap array');
  t.equal(SQL.OP2.length, 128 * 128);
  const want = new Set(SQL_OPS2);
  let bad = '';
  let found = 0;
  for (let a = 0; a < 128; a++) {
    for (let b = 0; b < 128; b++) {
      const pair = String.fromCharCode(a, b);
      const got = SQL.OP2_LIST[SQL.OP2[a * 128 + b] as number];
      if (got !== undefined) found++;
      if (got !== (want.has(pair) ? pair : undefined)) bad ||= JSON.stringify(pair);
    }
  }
  t.equal(bad, '', 'every slot');
  t.equal(found, SQL_OPS2.length, 'each operator once');
  t.equal(SQL.OP2_LIST[0], undefined, 'slot 0 is none');
});

t.test('the lexer reads each two-character operator as one token, and other operator pairs as one character', async (t) => {
  const lx = new SqlLexer('');
  const tok = newToken();
  const firstOp = (s: string): string | undefined => {
    lx.reset(s);
    while (lx.next(tok)) if (tok.kind === T_OP) return tok.op;
    return undefined;
  };
  for (const op of SQL_OPS2) t.equal(firstOp(`a ${op} b`), op, op);
  // Pairs of operator characters that are not operators: the first character alone.
  for (const s of ['=!', '+!', '?=', '&|', '%&']) t.equal(firstOp(`a ${s} b`), s[0], s);
  // The three-character ones are still matched before the table.
  for (const op of ['<=>', '->>', '!~*']) t.equal(firstOp(`a ${op} b`), op, op);
});

/** The reference: a prefix of the list at s[i…], by comparing each. */
const naive = (list: readonly string[], s: string, i: number): boolean => list.some((p) => s.startsWith(p, i));

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

t.test('the gadget prefix tables find exactly the prefixes a comparison with each finds', async (t) => {
  const tables: Array<[string, readonly string[], typeof DS.DOTNET_GADGETS]> = [
    ['.NET', DS.DOTNET_GADGET_LIST, DS.DOTNET_GADGETS],
    ['Java', DS.JAVA_GADGET_LIST, DS.JAVA_GADGETS],
  ];
  const next = rng(0x5eed);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._$/\u00e9\u2028';
  for (const [name, list, table] of tables) {
    t.ok(table.byTwo instanceof Uint8Array, `${name}: (c0, c7) slots are a Uint8Array`);
    t.ok(list.length > 10, `${name}: a list`);
    let cases = 0;
    let bad = '';
    const check = (s: string, i: number): void => {
      cases++;
      if (DS.startsWithAny(s, i, table) !== naive(list, s, i)) bad ||= `${JSON.stringify(s)}@${i}`;
    };
    for (const p of list) {
      for (const s of [p, `${p}X`, `${p}.Inner`]) {
        check(s, 0);
        check(`zz${s}`, 2);
      }
      // Near misses: every truncation, and a changed character at each position (0 and 7 pick buckets).
      for (let k = 0; k < p.length; k++) {
        check(p.slice(0, k), 0);
        for (const c of ['a', 'Z', '.', '\u00e9']) check(p.slice(0, k) + c + p.slice(k + 1), 0);
      }
    }
    // Random strings and random splices of prefixes.
    for (let n = 0; n < 20_000; n++) {
      let s = '';
      const len = Math.floor(next() * 24);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(next() * alphabet.length)];
      if (next() < 0.5) {
        const p = list[Math.floor(next() * list.length)] as string;
        const cut = Math.floor(next() * (p.length + 1));
        s = s.slice(0, 3) + p.slice(0, cut) + s.slice(3);
      }
      check(s, Math.floor(next() * 4));
    }
    t.equal(bad, '', `${name}: ${cases} cases agree with the reference`);
  }
  // The comparison sees a difference: a table built without one prefix misses it.
  const short = DS.prefixTable(DS.JAVA_GADGET_LIST.slice(1));
  const gone = DS.JAVA_GADGET_LIST[0] as string;
  t.equal(DS.startsWithAny(gone, 0, short), naive(DS.JAVA_GADGET_LIST.slice(1), gone, 0), 'a reduced table agrees with the reduced list');
  t.equal(DS.startsWithAny(gone, 0, DS.JAVA_GADGETS), true, 'and the full one finds it');
});

t.test('a prefix table refuses more buckets than a byte numbers', async (t) => {
  const many: string[] = [];
  for (let a = 65; a < 91; a++) for (let b = 97; b < 123; b++) many.push(`${String.fromCharCode(a)}xxxxxx${String.fromCharCode(b)}`);
  t.ok(many.length > 255);
  t.throws(() => DS.prefixTable(many), /more than 255 buckets/);
  t.doesNotThrow(() => DS.prefixTable(many.slice(0, 255)));
});
