/**
 * One pass over a string that records which kinds of characters it contains, as a bit mask. Each
 * detector declares the characters it cannot work without; the engine skips a detector when none of
 * them are present. Most values in real traffic (ids, names, numbers, enum words) then cost one table
 * lookup per character and no detector call at all.
 */

export const C = {
  SQUOTE: 1 << 0,
  DQUOTE: 1 << 1,
  BACKTICK: 1 << 2,
  SEMI: 1 << 3,
  PIPE: 1 << 4,
  AMP: 1 << 5,
  DOLLAR: 1 << 6,
  LT: 1 << 7,
  GT: 1 << 8,
  PAREN: 1 << 9,
  BRACE: 1 << 10,
  BRACKET: 1 << 11,
  SLASH: 1 << 12,
  BSLASH: 1 << 13,
  DOT: 1 << 14,
  COLON: 1 << 15,
  EQ: 1 << 16,
  HASH: 1 << 17,
  DASH: 1 << 18,
  SPACE: 1 << 19,
  NEWLINE: 1 << 20,
  PERCENT: 1 << 21,
  UNDERSCORE: 1 << 22,
  /** NUL and other C0 controls except tab/CR/LF, and DEL. */
  CTRL: 1 << 23,
  /** Anything at or above U+0080: lookalikes, NBSP, replacement characters from overlong UTF-8. */
  NONASCII: 1 << 24,
  STAR: 1 << 25,
  BANG: 1 << 26,
  CARET: 1 << 27,
  /** `? @ ~` */
  OTHER: 1 << 28,
  COMMA: 1 << 29,
  PLUS: 1 << 30,
} as const;

/** Every bit: for detectors that must see everything. */
export const ANY = 0x7fffffff;

const TABLE = new Int32Array(128);
(() => {
  for (let c = 0; c < 32; c++) TABLE[c] = C.CTRL;
  TABLE[127] = C.CTRL;
  TABLE[9] = C.SPACE;
  TABLE[11] = C.SPACE;
  TABLE[12] = C.SPACE;
  TABLE[32] = C.SPACE;
  TABLE[10] = C.NEWLINE;
  TABLE[13] = C.NEWLINE;
  // Letters and digits set no bit: a string of only letters and digits has mask 0 and runs no
  // value detector at all.
  const set = (chars: string, bit: number): void => {
    for (const ch of chars) TABLE[ch.charCodeAt(0)] = bit;
  };
  set("'", C.SQUOTE);
  set('"', C.DQUOTE);
  set('`', C.BACKTICK);
  set(';', C.SEMI);
  set('|', C.PIPE);
  set('&', C.AMP);
  set('$', C.DOLLAR);
  set('<', C.LT);
  set('>', C.GT);
  set('()', C.PAREN);
  set('{}', C.BRACE);
  set('[]', C.BRACKET);
  set('/', C.SLASH);
  set('\\', C.BSLASH);
  set('.', C.DOT);
  set(':', C.COLON);
  set('=', C.EQ);
  set('#', C.HASH);
  set('-', C.DASH);
  set('%', C.PERCENT);
  set('_', C.UNDERSCORE);
  set('*', C.STAR);
  set('!', C.BANG);
  set('^', C.CARET);
  set('?@~', C.OTHER);
  set(',', C.COMMA);
  set('+', C.PLUS);
})();

/** The mask of character kinds present in `s`. Linear, allocation-free. */
export function charMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    m |= c < 128 ? TABLE[c]! : C.NONASCII;
  }
  return m;
}

/** Bit 31 of charMaskBigrams' result, which no charMask bit uses. */
export const BIGRAM_HIT = 1 << 31;

/**
 * The table charMaskBigrams reads: for each pair of ASCII characters (`previous << 7 | current`,
 * 128 x 128), the current character's charMask bits, with BIGRAM_HIT where `bigrams` flags the pair.
 * One load per character then answers both (64 KB, built once per engine).
 */
export function bigramMaskTable(bigrams: Uint8Array): Int32Array {
  // Row copies and a native search for the flags (1): a few hundred steps at cold start, where a loop
  // over the 16K entries ran ~1 ms before the optimizer.
  const out = new Int32Array(128 * 128);
  for (let p = 0; p < 128; p++) out.set(TABLE, p << 7);
  for (let i = bigrams.indexOf(1); i !== -1; i = bigrams.indexOf(1, i + 1)) out[i]! |= BIGRAM_HIT;
  // The pairs that may start something deepDecode undoes, flagged with NONASCII, a bit no ASCII
  // character's entry has (charMaskBigrams sets it itself for wide characters, and tells the two
  // apart: see there). A few dozen stores.
  const flag = (prev: string, next: string): void => {
    for (const ch of next) out[(prev.charCodeAt(0) << 7) | ch.charCodeAt(0)]! |= C.NONASCII;
  };
  flag('%', '0123456789abcdefABCDEFuU');
  flag('&', '#abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
  flag('\\', 'uUxX');
  return out;
}

/** What the last charMaskBigrams call found: see decodePairsSeen. */
let decodePairs = false;

/**
 * Whether the string the last charMaskBigrams call read holds a pair that may start an encoding
 * deepDecode undoes: `%` before a hex digit or `u` (`%XX`, `%uXXXX`), `&` before `#` or a letter (a
 * reference), a backslash before `u` or `x` (either case). Every change percentDecode (without `+`
 * as a space), htmlDecode and escapeDecode make starts at such a pair, so a string without one
 * decodes to itself: the engine then skips deepDecode, whose passes read every character again where
 * `%`, `&` or `\\` are dense and start nothing (1 MB of `%'\\;`, `x:/&0`, `&{'`: ~2-3 µs/KB each).
 */
export function decodePairsSeen(): boolean {
  return decodePairs;
}

/**
 * charMask(s), with BIGRAM_HIT set when some adjacent pair of ASCII characters of `s` is flagged in
 * the `bigrams` the table was built from (bigramMaskTable; the first character, and one after a
 * non-ASCII character, is read as following NUL: row 0). One pass, one load per character, for both:
 * a detector gated on bigrams (DetectorEntry.bigrams) is spared its own pass over values that have
 * none of them.
 */
export function charMaskBigrams(s: string, table: Int32Array): number {
  let m = 0;
  let row = 0;
  // NONASCII from the table marks a decode pair (bigramMaskTable); a wide character sets it here.
  let wide = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      m |= table[row | c]!;
      row = c << 7;
    } else {
      wide = C.NONASCII;
      row = 0;
    }
  }
  decodePairs = (m & C.NONASCII) !== 0;
  return (m & ~C.NONASCII) | wide;
}

/**
 * Index of the first `$` at or after `from` that an ASCII letter follows (or `_` too, with
 * `underscore`), or -1. Detectors that only act on `$name` skip every other `$` with it: the NoSQL
 * operator search (`$gt`) and Velocity's references (`$x`, `$_`). Runs of `$` (`$($(`, `${${`) are
 * read by a plain scan, one compare per character rather than an indexOf call per `$`, until 16
 * characters pass without one; then indexOf again (prose with one price, `$5`, stays one native
 * search). Linear.
 */
export function dollarBefore(s: string, from: number, underscore: boolean): number {
  const n = s.length;
  let k = s.indexOf('$', from);
  while (k !== -1) {
    let last = k;
    let i = k + 1;
    for (; i < n && i - last <= 16; i++) {
      const c = s.charCodeAt(i);
      if (c === 36) last = i;
      else if (i === last + 1 && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (underscore && c === 95))) return last;
    }
    if (i >= n) return -1;
    k = s.indexOf('$', i);
  }
  return -1;
}
