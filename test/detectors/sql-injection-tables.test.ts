import t from 'tap';
import { LOAD_TABLES_FOR_TEST } from '../../src/detectors/sql-injection';
import { UCLASS, U_OTHER, U_QUOTE, U_WORD } from '../../src/tokenizers/sql';

const T = LOAD_TABLES_FOR_TEST;

// KW2 is filled from the keyword table's two-character words, not from kwFlags on every pair (those
// calls made V8 optimize wordSig at every cold start). The table it replaced, rebuilt here: kwFlags of
// each [_0-9a-z] pair at its folded index, every other entry 0. All 16,384 entries must match.
function referenceKw2(): Uint16Array {
  const r = new Uint16Array(128 * 128);
  const chars: number[] = [95];
  for (let c = 48; c <= 57; c++) chars.push(c);
  for (let c = 97; c <= 122; c++) chars.push(c);
  for (const a of chars) for (const b of chars) r[T.kw2Index(a, b)] = T.kwFlags(String.fromCharCode(a, b), 0, 2);
  return r;
}

const firstDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
};

t.test('KW2 equals kwFlags on every two-character word', async (t) => {
  const ref = referenceKw2();
  t.equal(firstDiff(T.KW2, ref), -1, 'every entry');
  t.ok(ref.some((f) => f !== 0), 'some two-character keyword');
  // Upper and mixed case read the folded entry: the same flags as kwFlags (case-insensitive).
  let bad = '';
  const word = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
  for (let a = 0; a < 128; a++) {
    for (let b = 0; b < 128; b++) {
      if (word(a) && word(b) && T.KW2[T.kw2Index(a, b)] !== T.kwFlags(String.fromCharCode(a, b), 0, 2)) bad ||= String.fromCharCode(a, b);
    }
  }
  t.equal(bad, '', 'all [A-Za-z0-9_] pairs');
  // The comparison sees a difference.
  const planted = ref.slice();
  const or = T.kw2Index(111, 114);
  planted[or] = (planted[or] as number) ^ 1; // `or`
  t.not(firstDiff(T.KW2, planted), -1, 'a planted difference');
});

// KW is filled with one add per distinct word, its hash computed inline (wordHash's ~800 calls at load
// made V8 optimize it). Its keys must be exactly the wordHash of the table's words, each with KW_ANY
// and the rest of its flags (merged per word before the add, as the add merged them per hash before).
t.test('KW keys are the wordHash of its words', async (t) => {
  const kw = T.KW as unknown as { keys: Int32Array; flags: Uint16Array };
  const slots = new Map<number, number>();
  for (let i = 0; i < kw.flags.length; i++) if (kw.flags[i] !== 0) slots.set(kw.keys[i] as number, kw.flags[i] as number);
  const hashes = new Set(T.KW_WORDS.map((w) => T.wordHash(w, 0, w.length)));
  t.equal(slots.size, hashes.size, 'one slot per distinct hash');
  t.same([...hashes].filter((h) => !slots.has(h)), [], 'every word found');
  t.same(
    T.KW_WORDS.filter((w) => (T.KW.get(T.wordHash(w, 0, w.length)) & T.KW_ANY) === 0),
    [],
    'KW_ANY on every word',
  );
  t.equal(T.KW.get(T.wordHash('qzxv', 0, 4)), 0, 'a non-word');
});

// WWX is filled by runs of equal UCLASS classes (native searches, each class's next position searched
// again only once passed). Every unit at or above U+0080 must read the class its UCLASS entry maps to
// (U_OTHER: neutral 0, U_WORD: foreign word 6, U_QUOTE: trigger 2), as a loop over each unit would fill it.
t.test('WWX maps every non-ASCII unit by its UCLASS class', async (t) => {
  const want = new Map([[U_OTHER, 0], [U_WORD, 6], [U_QUOTE, 2]]);
  let bad = -1;
  for (let c = 128; c < 65536; c++) if (bad === -1 && T.WWX[c] !== want.get(UCLASS[c] as number)) bad = c;
  t.equal(bad, -1, 'every unit from U+0080');
  t.equal(T.WWX.length, 65536);
  t.equal(T.WWX[0x2019], 2, 'a typographic quote triggers');
  t.equal(T.WWX[0xe9], 6, 'é is a word character');
  t.equal(T.WWX[0x3000], 0, 'the ideographic space is neutral');
  t.equal(T.WWX[0xffff], 6, 'the last unit');
});
