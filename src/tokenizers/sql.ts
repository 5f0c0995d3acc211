/**
 * A hand-written, linear SQL tokenizer in the spirit of libinjection: it reads untrusted text the way a
 * permissive SQL parser (MySQL, PostgreSQL, MSSQL, Oracle, SQLite, all at once) would, so the SQLi
 * detector can ask "what would the database see here?" without a single regular expression.
 *
 * Design notes:
 * - One forward pass over char codes; every character is consumed once, except bounded lookaheads
 *   (a keyword split by a comment, `UN/**\/ION`: at most 16 + 64 characters; a `[ident]` body: at most
 *   130). So the cost is linear in the input, whatever the input (1 MB of `(`, quotes, comments...).
 * - Comments and whitespace are not returned as tokens: they set flags on the following token
 *   (`gap`, `comment`). The end of input is a token of its own (`T_EOF`) that says whether the text
 *   ended inside a line comment or an unterminated block comment, which is what "truncate the rest of
 *   the query" attacks rely on.
 * - MySQL versioned comments `/*!50000 select *\/` are code, not comments: their content is tokenized.
 * - Block comments end at the first `*\/` (MySQL, Oracle, SQLite), unless the lexer is told to nest them
 *   (`nestComments`) the way PostgreSQL and SQL Server do: `/* a /* b *\/ c *\/` is then one comment.
 *   The two readings hide different text (`/* /* *\/ UNION SELECT ... *\/` is code to MySQL, a comment
 *   to PostgreSQL), so a caller reads with the flat rule first and, when the lexer reports a `/*` inside
 *   a comment (`nestedSeen`), reads again with nesting. Either reading is one forward pass.
 * - Backslashes escape inside literals and `#` starts a comment (MySQL) unless the lexer is told to
 *   read the standard way (`standard`: PostgreSQL, SQL Server, Oracle, SQLite); the caller reads again
 *   that way when a backslash hid a quote (`escapeSeen`) or a `#` may be PostgreSQL's XOR (`hashSeen`).
 * - `--` starts a comment in every reading but MySQL's own (`mysqlDashes`), where it needs a space or
 *   control character after it (`1--1` is 1 - -1); reported as `dashSeen`, read again the same way.
 * - Dialect breadth beats dialect accuracy: `#` starts a comment (MySQL) unless it is a PostgreSQL JSON
 *   path operator before a literal (`#> '{a}'`), `[x]` is an identifier (MSSQL), `$$..$$` is a string
 *   (PostgreSQL), `\N` is NULL (MySQL), curly and full-width quotes are quotes (some charset
 *   conversions turn them into ASCII quotes), NUL and Unicode spaces (NBSP, VT, FF...) separate tokens.
 * - Words are lower-cased (`word`) only when short enough to be a keyword (and only copied when they
 *   have upper-case letters), so a 1 MB word costs one scan and no allocation.
 */
import { scatter, unpackI32, unpackU16 } from '../packed';

export const T_EOF = 0;
/** String literal; `quote` is 1 for single, 2 for double quotes, 3 for dollar quoting. */
export const T_STR = 1;
export const T_NUM = 2;
/** Bare word: keyword, function name or identifier. */
export const T_WORD = 3;
/** `@var`, `@@system_var`. */
export const T_VAR = 4;
/** Quoted identifier: `` `x` ``, `[x]`. */
export const T_IDENT = 5;
/** Operator; `op` holds its text. */
export const T_OP = 6;
export const T_LPAREN = 7;
export const T_RPAREN = 8;
export const T_COMMA = 9;
export const T_SEMI = 10;
export const T_DOT = 11;
/** Anything else (stray backslash, braces, lone `@`...). `op` holds its text. */
export const T_OTHER = 12;

/** Quote classes returned by `quoteClass`. */
export const Q_NONE = 0;
export const Q_SINGLE = 1;
export const Q_DOUBLE = 2;
export const Q_BACKTICK = 4;

/** Longest word that is lower-cased for keyword lookup. Longer words are identifiers. */
const MAX_KEYWORD = 32;

export interface SqlToken {
  kind: number;
  start: number;
  end: number;
  /** Lower-cased text of a short word (T_WORD), or '' when too long. */
  word: string;
  /** Operator text for T_OP / T_OTHER. */
  op: string;
  /** T_STR: quote class. T_NUM: 1 when the number is hex/binary. */
  quote: number;
  /** T_STR / T_IDENT: the closing quote was found. */
  closed: boolean;
  /** Whitespace or a comment precedes the token. */
  gap: boolean;
  /** A comment precedes the token (T_EOF: the input ends inside a line or unterminated block comment). */
  comment: boolean;
  /** T_WORD produced by joining two halves around a comment (`UN/**\/ION`). */
  joined: boolean;
  /** A block comment glues this token to the previous one with no whitespace (`SELECT/**\/x`). */
  glued: boolean;
}

export function newToken(): SqlToken {
  return { kind: T_EOF, start: 0, end: 0, word: '', op: '', quote: 0, closed: false, gap: false, comment: false, joined: false, glued: false };
}

/**
 * Whitespace as any of the dialects (or a lenient proxy in front of them) would accept it. (UCLASS
 * below repeats the non-ASCII ranges of isSpace, quoteClass and isPunct: change both.)
 */
export function isSpace(c: number): boolean {
  if (c <= 32) return c !== 0; // C0 controls (TAB, LF, VT, FF, CR...) and space; NUL is handled apart.
  if (c < 0xa0) return c === 0x85;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Which quote a character acts as. Typographic and full-width quotes count as their ASCII forms. */
export function quoteClass(c: number): number {
  if (c === 39) return Q_SINGLE;
  if (c === 34) return Q_DOUBLE;
  if (c === 96) return Q_BACKTICK;
  if (c < 0x2b9) return Q_NONE;
  // U+2032 PRIME: what a word processor (or a payload list copied through one) makes of `'` after a
  // digit (`'1′='1`). Heights and coordinates (`5′ 10″`, `40°26′`) never continue as SQL after it.
  if (c === 0x2018 || c === 0x2019 || c === 0x2bc || c === 0xff07 || c === 0x2032) return Q_SINGLE;
  if (c === 0x201c || c === 0x201d || c === 0xff02) return Q_DOUBLE;
  return Q_NONE;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

/** Characters that continue a word: ASCII alnum, `_`, `$`, and non-ASCII that is neither space nor quote. */
export function isWordChar(c: number): boolean {
  if (c < 128) {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
  }
  // `c >= 128` is false for NaN (charCodeAt past the end): the end of input is not a word character.
  return c >= 128 && !isSpace(c) && quoteClass(c) === Q_NONE && !isPunct(c);
}

/**
 * Non-ASCII punctuation (dashes, bullets, CJK and full-width punctuation): not part of a word. An en
 * dash is what a word processor makes of `--`, so it must not glue itself to `1=1–`.
 */
function isPunct(c: number): boolean {
  return (
    (c >= 0xa1 && c <= 0xbf && c !== 0xaa && c !== 0xb5 && c !== 0xba) ||
    c === 0xd7 ||
    c === 0xf7 ||
    (c >= 0x2010 && c <= 0x206f) ||
    (c >= 0x3000 && c <= 0x303f) ||
    (c >= 0xff01 && c <= 0xff0f) ||
    (c >= 0xff1a && c <= 0xff20)
  );
}

/**
 * What the functions above make of each code unit at or above U+0080, as a table (index: the code
 * unit; below U+0080 unused) for scans that read every character (the SQL detector's gate): U_QUOTE
 * where quoteClass is not Q_NONE, U_WORD where isWordChar holds, U_OTHER for the rest (isSpace or
 * isPunct). Built from the same ranges as those functions, without calling them: 65,536 calls at load
 * left their type feedback full of non-ASCII branches, and the callers they are inlined into read
 * ~3-5% dearer on ASCII values (the bench's typical event). test/tokenizers/sql.test.ts checks every
 * code unit against the functions.
 */
export const U_OTHER = 0;
export const U_WORD = 1;
export const U_QUOTE = 2;
export const UCLASS: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  t.fill(U_WORD, 128);
  // isPunct
  t.fill(U_OTHER, 0xa1, 0xc0);
  t[0xaa] = t[0xb5] = t[0xba] = U_WORD;
  t[0xd7] = t[0xf7] = U_OTHER;
  t.fill(U_OTHER, 0x2010, 0x2070);
  t.fill(U_OTHER, 0x3000, 0x3040);
  t.fill(U_OTHER, 0xff01, 0xff10);
  t.fill(U_OTHER, 0xff1a, 0xff21);
  // isSpace
  for (const c of [0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) t[c] = U_OTHER;
  t.fill(U_OTHER, 0x2000, 0x200c);
  // quoteClass
  for (const c of [0x2018, 0x2019, 0x2bc, 0xff07, 0x2032, 0x201c, 0x201d, 0xff02]) t[c] = U_QUOTE;
  return t;
})();

/** Characters that start a word (digits start numbers, `$` starts dollar quotes/placeholders). */
function isWordStart(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return c >= 128 && !isSpace(c) && quoteClass(c) === Q_NONE && !isPunct(c);
}

/**
 * Words that MySQL splits off a digit run (`1union`, `1FROM`, `0or`): a digit string directly followed
 * by one of these is a number and a keyword, otherwise it is an identifier (`6ca2o`, `2nd`).
 */
export const SPLIT_AFTER_DIGITS: ReadonlySet<string> = new Set([
  'and', 'or', 'xor', 'union', 'from', 'order', 'group', 'having', 'limit', 'like', 'rlike', 'regexp',
  'div', 'mod', 'is', 'in', 'not', 'between', 'where', 'select', 'into', 'procedure', 'as', 'then',
  'else', 'end', 'when', 'collate', 'sounds', 'offset',
]);

/** Keywords recognised when a comment splits them: `UN/**\/ION`, `SEL/**\/ECT`. */
const JOINABLE = new Set([
  'union', 'select', 'from', 'where', 'and', 'or', 'xor', 'order', 'group', 'having', 'insert', 'update',
  'delete', 'drop', 'exec', 'execute', 'sleep', 'benchmark', 'concat', 'information_schema', 'table',
  'database', 'version', 'char', 'limit', 'into', 'outfile', 'like', 'null', 'waitfor', 'delay', 'all',
  'distinct', 'distinctrow', 'substring', 'ascii', 'extractvalue', 'updatexml', 'load_file', 'group_concat', 'case',
  'when', 'then', 'user', 'values', 'declare', 'shutdown', 'truncate', 'create', 'alter',
]);

/** Single-character operators, indexed by char code (interned strings, no allocation per token). */
const OP1: (string | undefined)[] = [];
(() => {
  for (const ch of '=<>!+-*/%^&|~?:') OP1[ch.charCodeAt(0)] = ch;
})();
/**
 * Two-character operators by `c0 * 128 + c1` (both ASCII): `OP2_LIST[OP2[c0 * 128 + c1]]` (slot 0 is
 * none). Indexed tables, not a Map: every operator character was one Map look-up, most of the lexer's
 * time on runs of `<` or `</a>`. The 16,384 slots are a Uint8Array (16 KB, zero-filled outside the JS
 * heap, only the 27 written slots' page touched), not an array of strings: that was a 128 KB heap
 * object filled slot by slot at every cold start (~0.4-0.7 ms on the bench's machine).
 */
const OP2_LIST: readonly (string | undefined)[] = [undefined, '<>', '<=', '>=', '!=', '!<', '!>', '==', '||', '&&', '::', ':=', '<<', '>>', '->', '<@', '?|', '?&', '!~', '~*', '^=', '|=', '&=', '+=', '-=', '*=', '/=', '%=', '^@'];
const OP2 = new Uint8Array(128 * 128);
(() => {
  for (let i = 1; i < OP2_LIST.length; i++) {
    const op = OP2_LIST[i] as string;
    OP2[op.charCodeAt(0) * 128 + op.charCodeAt(1)] = i;
  }
})();

/** For tests (test/detectors/compact-tables.test.ts). */
export const LOAD_TABLES_FOR_TEST = { OP2, OP2_LIST };

/**
 * ASCII characters by what `next` does with them first (LX_OTHER: the general sequence of tests).
 * Spaces, word starts (letters, `_`), `$`, `( ) , ;` and the operator characters that open nothing
 * else (`= < > ! + % ^ & | ~ ? :`) each reach one outcome whatever follows, so they skip the comment,
 * literal and prefix tests the other characters need: hostile runs of them (`((((`, `<a<a`, `</a>`)
 * are one table load per token instead of about twenty comparisons.
 */
const LX_OTHER = 0;
const LX_SPACE = 1;
const LX_WORD = 2;
const LX_PUNCT = 3;
const LX_OP = 4;
/** `$`: a dollar-quoted string or placeholder, else a word (`$($($(`). */
const LX_DOLLAR = 5;
/**
 * `'` and `"`: always a string literal (the general tests before the literal one, spaces, NUL, `#`,
 * `--`, `/*`, `*\/`, never match them). Quote runs (`'"'"…`) are one token per quote pair.
 */
const LX_QUOTE = 6;
/**
 * Digits: always a number (readNumber; it makes a word of `6ca2o` itself). The general tests before
 * the number one (spaces, NUL, `#`, `--`, `/*`, `*\/`, quotes) never match a digit. Runs of short
 * numbers between operators (`=0=0`, `(0~(0~`) took the whole sequence per number.
 */
const LX_DIGIT = 7;
/**
 * `{`, `}` and `]`: a one-character T_OTHER token whatever follows (none opens a comment, literal,
 * word or operator; `[` may open an identifier). Dense punctuation (`&{'`, `` (`] ``) met them at
 * every unit.
 */
const LX_BRACE = 8;
/** `` ` ``: always a backtick identifier (to the next backtick or the end). */
const LX_BACKTICK = 9;
/**
 * `\ - / * .`: one outcome unless the next character starts something (then the general path
 * decides): `\` is a one-character T_OTHER unless `N` or `n` follows (MySQL's `\N`), `-` an
 * operator unless `-` follows (a comment), `/` unless `*` follows, `*` unless `/` follows inside a
 * versioned comment, `.` a T_DOT unless a digit follows (`.5`).
 */
const LX_COND = 10;
const LX_CLASS = new Uint8Array(128);
(() => {
  for (let c = 1; c <= 32; c++) LX_CLASS[c] = LX_SPACE;
  for (let c = 65; c <= 90; c++) LX_CLASS[c] = LX_CLASS[c + 32] = LX_WORD;
})();
LX_CLASS[95] = LX_WORD;
(() => {
  for (const ch of '(),;') LX_CLASS[ch.charCodeAt(0)] = LX_PUNCT;
  for (const ch of '=<>!+%^&|~?:') LX_CLASS[ch.charCodeAt(0)] = LX_OP;
})();
LX_CLASS[36] = LX_DOLLAR;
LX_CLASS[39] = LX_CLASS[34] = LX_QUOTE;
(() => {
  for (let c = 48; c <= 57; c++) LX_CLASS[c] = LX_DIGIT;
})();
LX_CLASS[123] = LX_CLASS[125] = LX_CLASS[93] = LX_BRACE;
LX_CLASS[96] = LX_BACKTICK;
(() => {
  for (const ch of '\\-/*.') LX_CLASS[ch.charCodeAt(0)] = LX_COND;
})();

/** Case-insensitive (ASCII) FNV-1a hash of s[a, b). */
function foldHash(s: string, a: number, b: number): number {
  let h = -2128831035;
  for (let i = a; i < b; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

function vocabSig(s: string, a: number, b: number): number {
  return ((b - a) * 1031 + (s.charCodeAt(a) | 0x20) * 37 + (s.charCodeAt(b - 1) | 0x20)) & 8191;
}

function isAscii(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/**
 * s[a, b) holds a code unit at or above U+0080 and none of the two whose lower case holds an ASCII
 * character (U+0130, U+212A): its lower case is no ASCII word and starts with no ASCII prefix that
 * its own ASCII start does not spell (see Vocabulary.find).
 */
export function foreignWord(s: string, a: number, b: number): boolean {
  let foreign = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) {
      if (c === 0x130 || c === 0x212a) return false;
      foreign = true;
    }
  }
  return foreign;
}

/** A Vocabulary as scripts/check-tables.js writes it out (base64 of little-endian arrays, src/packed.ts). */
export interface VocabularyData {
  /** The slots' words joined by spaces ('' for an empty slot): as many entries as slots. */
  readonly slots: string;
  /** Uint16 indices of the non-empty slots, and their Int32 keys (foldHash) in the same order. */
  readonly at: string;
  readonly keys: string;
  /** Uint16 indices of the signature map's entries that are 1. */
  readonly sig: string;
  readonly prefixes: readonly string[];
  readonly short: boolean;
  readonly asciiOnly: boolean;
}

function isVocabularyData(x: Iterable<string> | VocabularyData): x is VocabularyData {
  return typeof (x as VocabularyData).slots === 'string';
}

/**
 * The words a caller compares word tokens with. A lexer given one sets `word` to the interned
 * lower-case text of a word in it (or of a word starting with one of `prefixes`, e.g. `xp_`) and to
 * '' for every other word, as it does for words too long to be keywords. So prose and identifiers cost
 * a signature test per word instead of a string allocation, and the caller's Set and Map look-ups hit
 * strings whose hashes are already computed. The caller must list every word it compares with.
 */
export class Vocabulary {
  private readonly sig = new Uint8Array(8192);
  private readonly keys: Int32Array;
  /** Open-addressing slots: the lower-case words, '' in empty slots (every word of the vocabulary once). */
  private readonly vals: string[];
  private readonly mask: number;
  private readonly prefixes: string[];
  /** A word or prefix of one character is listed (lookup's one-character shortcut is off then). */
  readonly short: boolean;
  /** Every word and prefix is ASCII (find's rejection of words with other letters relies on it). */
  private readonly asciiOnly: boolean;
  /** lookup's answers for two ASCII letters, by (first - a) * 26 + (second - a), lower-cased. */
  private readonly pairs: (string | undefined)[] = new Array<string | undefined>(676).fill(undefined);

  /**
   * @param words the words (built here: a hash per word), or the same vocabulary as written out by
   *   scripts/check-tables.js (see src/packed.ts): the load-time path, no hashing.
   */
  constructor(words: Iterable<string> | VocabularyData, prefixes: readonly string[] = []) {
    if (isVocabularyData(words)) {
      // Slots, keys and signatures as the build below makes them (the build step and the tables test
      // compare them with a Vocabulary built from the lists). Building it at every cold start (~1,000
      // list entries spread, filtered and lower-cased into a Set, 481 words hashed) was ~9 M
      // instructions of the SQL detector's load; this path is ~1.2 M (a split, two scatter loops).
      // The slot strings come from one split, not interned: the walker's `===` with literals and the
      // Map look-ups read them as the list strings before (also split), per-call count unchanged.
      this.vals = words.slots.split(' ');
      this.mask = this.vals.length - 1;
      this.keys = new Int32Array(this.vals.length);
      scatter(this.keys, unpackU16(words.at), unpackI32(words.keys));
      scatter(this.sig, unpackU16(words.sig), 1);
      this.prefixes = words.prefixes.slice();
      this.short = words.short;
      this.asciiOnly = words.asciiOnly;
      return;
    }
    const all = new Set([...words].filter((w) => w.length > 0 && w.length <= MAX_KEYWORD).map((w) => w.toLowerCase()));
    let size = 64;
    while (size < all.size * 2) size *= 2;
    this.mask = size - 1;
    this.keys = new Int32Array(size);
    this.vals = new Array<string>(size).fill('');
    for (const w of all) {
      const h = foldHash(w, 0, w.length);
      let i = h & this.mask;
      while (this.vals[i] !== '') i = (i + 1) & this.mask;
      this.keys[i] = h;
      this.vals[i] = w;
      this.sig[vocabSig(w, 0, w.length)] = 1;
    }
    this.prefixes = prefixes.map((x) => x.toLowerCase());
    this.short = [...all, ...this.prefixes].some((w) => w.length <= 1);
    // ASCII exactly when no character takes more than one UTF-8 byte: one native count over the
    // words joined (a loop over each word's characters ran ~0.5 ms at import, before the optimizer).
    const joined = [...all, ...this.prefixes].join('');
    this.asciiOnly = Buffer.byteLength(joined, 'utf8') === joined.length;
  }

  /** Whether `w` (lower case) is in the vocabulary: a probe of the slots (no Set kept besides them). */
  has(w: string): boolean {
    if (w.length === 0 || w.length > MAX_KEYWORD) return false;
    for (let i = foldHash(w, 0, w.length) & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.vals[i] as string;
      if (v === '') return false;
      if (v === w) return true;
    }
  }

  /**
   * The interned lower-case word for s[a, b), or '' when it is not in the vocabulary.
   * @param ascii the caller knows whether s[a, b) is ASCII (undefined: scanned here when it matters)
   */
  lookup(s: string, a: number, b: number, ascii?: boolean): string {
    // Two ASCII letters (`or`, `in`, `is`, `at`, `to`: the commonest words of SQL and of prose): the
    // answer depends only on their lower case (every path below folds ASCII case the same way and
    // returns the interned or lower-cased word), so it is remembered per pair, filled on first use
    // (at most 676 entries). 1 MB of `' or '`: the hash probe was ~12 % of SQL's walk.
    if (b - a === 2) {
      const x = (s.charCodeAt(a) | 0x20) - 97;
      const y = (s.charCodeAt(a + 1) | 0x20) - 97;
      if (x >= 0 && x < 26 && y >= 0 && y < 26) {
        const i = x * 26 + y;
        let v = this.pairs[i];
        if (v === undefined) this.pairs[i] = v = this.find(s, a, b, ascii);
        return v;
      }
    }
    return this.find(s, a, b, ascii);
  }

  /** lookup without the two-letter memo. */
  private find(s: string, a: number, b: number, ascii?: boolean): string {
    // One ASCII character (`a` in `<a <a`, `x`, `i`): no vocabulary word or prefix is that short, and
    // lower-casing keeps it one ASCII character. (Checked against the list: see the SQL tests.)
    if (b - a === 1 && s.charCodeAt(a) < 128 && !this.short) return '';
    for (let k = 0; k < this.prefixes.length; k++) {
      const pre = this.prefixes[k] as string;
      const m = pre.length - 1;
      // The prefix's last character first (`_` in `xp_`): most words fail there.
      if (b - a > m && (s.charCodeAt(a + m) | 0x20) === (pre.charCodeAt(m) | 0x20) && this.startsWith(s, a, pre)) return s.slice(a, b).toLowerCase();
    }
    // Fast reject by signature, unless a non-ASCII letter could lower-case into an ASCII one (KELVIN
    // SIGN -> k), which the lexer without a vocabulary would have done.
    if (this.sig[vocabSig(s, a, b)] === 0 && (ascii ?? isAscii(s, a, b))) return '';
    // A word with a non-ASCII letter (`ｃｄ`, `é`) found nothing below but paid a hash probe and a
    // lower-cased copy (~30% of the SQL detector on 1 MB of `ab．ｃｄ.ef `). With an ASCII vocabulary
    // both are void unless a code unit lower-cases to something holding ASCII: of all code points only
    // U+0130 (-> `i` U+0307) and U+212A KELVIN SIGN (-> `k`) do (test/tokenizers/sql.test.ts checks
    // every one). Without them every other non-ASCII unit lower-cases to non-ASCII text only, so the
    // lower-cased word holds a non-ASCII character (no ASCII word equals it), and its ASCII start is
    // the word's own ASCII start: a prefix it begins with was matched by the loop above. The probe
    // below cannot match either (it compares code units with the ASCII word unfolded).
    if (ascii !== true && this.asciiOnly && foreignWord(s, a, b)) return '';
    const h = foldHash(s, a, b);
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.vals[i] as string;
      if (v === '') break;
      if (this.keys[i] === h && v.length === b - a && this.startsWith(s, a, v)) return v;
    }
    for (let i = a; i < b; i++) {
      if (s.charCodeAt(i) >= 128) {
        // Rare: fall back to the Unicode lower-casing the lexer uses without a vocabulary.
        const low = s.slice(a, b).toLowerCase();
        return this.has(low) || this.prefixes.some((x) => low.startsWith(x)) ? low : '';
      }
    }
    return '';
  }

  /** s[a..) starts with the lower-case ASCII `w`, ignoring ASCII case. */
  private startsWith(s: string, a: number, w: string): boolean {
    for (let i = 0; i < w.length; i++) {
      let c = s.charCodeAt(a + i);
      if (c >= 65 && c <= 90) c |= 0x20;
      if (c !== w.charCodeAt(i)) return false;
    }
    return true;
  }
}

/**
 * Streaming tokenizer over `s[start..)`. Call `next(tok)` until it returns a T_EOF token. The object
 * keeps no per-token allocations besides the lower-cased word text.
 */
/** MySQL native functions (resolved by name, so callable quoted) that the walker's delay, error and file rules name. */
const QUOTED_CALLS = new Set([
  'sleep', 'extractvalue', 'updatexml', 'name_const', 'load_file', 'gtid_subset', 'gtid_subtract',
  'st_latfromgeohash', 'st_longfromgeohash', 'st_pointfromgeohash',
]);

export class SqlLexer {
  private s: string;
  private pos: number;
  private len: number;
  /** Open MySQL versioned comments: their closing `*\/` is skipped as whitespace. */
  private versioned = 0;
  private readonly vocab: Vocabulary | undefined;
  /** Read block comments nested (PostgreSQL, SQL Server) instead of ending them at the first `*\/`. */
  nestComments = false;
  /**
   * A flat-read block comment held a `/*` (so a nesting dialect reads it differently). Sticky across
   * `reset`: the caller clears it before the walks whose lexers it wants to hear about.
   */
  nestedSeen = false;
  /**
   * Read as the standard dialects do (PostgreSQL since 9.1, SQL Server, Oracle, SQLite), not MySQL:
   * - a backslash in a literal is a character, only a doubled quote escapes. `'\' or 1=1--` is one
   *   literal to MySQL and a tautology to the others;
   * - `#` starts no comment: PostgreSQL's XOR operator (a name or parameter character elsewhere), so
   *   `1#0 or 1=1` is a tautology to PostgreSQL and `1` to MySQL;
   * - a `--` comment ends at CR as well as LF (PostgreSQL, SQL Server).
   * A caller reads MySQL's way first and, when the lexer reports a backslash before a quote inside a
   * literal (`escapeSeen`), a `#` comment after an operand (`hashSeen`) or a CR inside a `--` comment
   * (`crSeen`), reads again the standard way. Either reading is one forward pass.
   */
  standard = false;
  /** Sticky like nestedSeen: a backslash-escaped quote was read inside a literal (see standard). */
  escapeSeen = false;
  /**
   * Sticky like nestedSeen: a `#` comment was read right after what may be an operand to PostgreSQL's
   * XOR (a digit, `)` or a quote before it, spaces aside; see standard). `order #12` does not count.
   */
  hashSeen = false;
  /**
   * Read `--` as MySQL does: a comment only before a space, a control character or the end; else two
   * minus signs. `1--1 union select …` is `1 - -1 UNION SELECT …` to MySQL and `1` to every other
   * dialect, so a caller reads the comment first and, when the lexer reports a `--` that MySQL does
   * not take for one (`dashSeen`), reads again MySQL's way.
   */
  mysqlDashes = false;
  /** Sticky like nestedSeen: a `--` comment was read that MySQL reads as two minus signs. */
  dashSeen = false;
  /** Sticky like nestedSeen: a `--` comment held a CR before its LF (see standard). */
  crSeen = false;
  /**
   * Read `$tag$` (a tag of one or more characters) as a dollar-quote opener (PostgreSQL). Off, it is a
   * word like `$x` (`$$` still opens a literal): the reading of one extra walk that looks past dollar
   * tags an attacker places before the one that closes the application's literal (see
   * sql-injection's dollarWalks).
   */
  dollarTags = true;
  /** nextOf's last answers (-2: none yet). */
  private lfAt = -2;
  private crAt = -2;

  /** @param vocab when given, words outside it come back as '' (see Vocabulary) */
  constructor(s: string, start = 0, vocab?: Vocabulary) {
    this.s = s;
    this.pos = start;
    this.len = s.length;
    this.vocab = vocab;
  }

  /**
   * Moves the cursor to `p` (a token boundary the caller has read past: see the walker's comparison
   * chains). What the lexer tracks besides the cursor (open versioned comments, nestedSeen) must not
   * change between the old cursor and `p`, so the caller only skips text without comments.
   */
  seek(p: number): void {
    this.pos = p;
  }

  /** Starts over on another string: lets a caller reuse one lexer instead of allocating one per walk. */
  reset(s: string, start = 0): void {
    this.s = s;
    this.pos = start;
    this.len = s.length;
    this.versioned = 0;
    this.lfAt = this.crAt = -2;
  }

  /**
   * Index of the next LF (`c` 10) or CR (13) at or after `p`, or -1. The last answer is kept: the
   * lexer asks at increasing positions, so each character is searched once per walk (`--a<CR>` runs
   * without LF would otherwise search to the end once per comment). `reset` forgets it.
   */
  private nextOf(c: number, p: number): number {
    if (c === 10) {
      if (this.lfAt !== -1 && this.lfAt < p) this.lfAt = this.s.indexOf('\n', p);
      return this.lfAt;
    }
    if (this.crAt !== -1 && this.crAt < p) this.crAt = this.s.indexOf('\r', p);
    return this.crAt;
  }

  /** Fills `t` with the next token. Returns false once T_EOF has been produced. */
  next(t: SqlToken): boolean {
    const s = this.s;
    const len = this.len;
    let gap = false;
    let comment = false;
    let openComment = false;
    let space = false;
    let block = false;
    t.word = '';
    t.op = '';
    t.quote = 0;
    t.closed = false;
    t.joined = false;
    for (;;) {
      let p = this.pos;
      if (p >= len) {
        t.kind = T_EOF;
        t.start = t.end = len;
        t.gap = gap;
        t.comment = openComment;
        return false;
      }
      const c = s.charCodeAt(p);
      // Above U+007F, a letter (UCLASS: isWordChar, so neither space nor quote nor punctuation) goes
      // where the general tests below send it after ~20 comparisons that all fail for it (not a space,
      // NUL, `#`, `-`, `/`, `*`, quote, digit or dot): to readWord, as isWordStart holds. The rest
      // (Unicode spaces, punctuation, quotes) takes the general path as before.
      const lc = c < 128 ? (LX_CLASS[c] as number) : UCLASS[c] === U_WORD ? LX_WORD : LX_OTHER;
      if (lc === LX_COND) {
        const c1 = p + 1 < len ? s.charCodeAt(p + 1) : NaN;
        const plain =
          c === 92 ? c1 !== 78 && c1 !== 110 : c === 45 ? c1 !== 45 : c === 47 ? c1 !== 42 : c === 42 ? !(c1 === 47 && this.versioned > 0) : !isDigit(c1);
        if (plain) {
          openComment = false;
          t.gap = gap;
          t.comment = comment;
          t.glued = block && !space && p > 0 && !isSpace(s.charCodeAt(p - 1));
          t.start = p;
          if (c === 92 || c === 46) {
            this.pos = t.end = p + 1;
            t.kind = c === 92 ? T_OTHER : T_DOT;
            if (c === 92) t.op = '\\';
          } else this.readOp(t, p, c);
          return true;
        }
      } else if (lc !== LX_OTHER) {
        // The fast path (see LX_CLASS): the same outcome as the general tests below, sooner.
        if (lc === LX_SPACE) {
          this.pos = p + 1;
          gap = space = true;
          continue;
        }
        openComment = false;
        t.gap = gap;
        t.comment = comment;
        t.glued = block && !space && p > 0 && !isSpace(s.charCodeAt(p - 1));
        t.start = p;
        if (lc === LX_WORD) {
          this.readWord(t, p);
          return true;
        }
        if (lc === LX_PUNCT) {
          this.pos = t.end = p + 1;
          t.kind = c === 40 ? T_LPAREN : c === 41 ? T_RPAREN : c === 44 ? T_COMMA : T_SEMI;
          return true;
        }
        if (lc === LX_QUOTE) {
          this.readString(t, p + 1, c === 39 ? Q_SINGLE : Q_DOUBLE);
          return true;
        }
        if (lc === LX_DIGIT) {
          this.readNumber(t, p);
          return true;
        }
        if (lc === LX_BACKTICK) {
          const close = s.indexOf('`', p + 1);
          if (close > 0 && this.quotedCall(t, p, close)) return true;
          t.kind = T_IDENT;
          t.closed = close >= 0;
          this.pos = t.end = close >= 0 ? close + 1 : len;
          return true;
        }
        if (lc === LX_BRACE) {
          this.pos = t.end = p + 1;
          t.kind = T_OTHER;
          t.op = c === 123 ? '{' : c === 125 ? '}' : ']';
          return true;
        }
        if (lc === LX_DOLLAR) {
          if (!this.readDollar(t, p)) this.readWord(t, p);
          return true;
        }
        this.readOp(t, p, c);
        return true;
      }
      if (c >= 128 && UCLASS[c] === U_OTHER && !isSpace(c)) {
        // Non-ASCII punctuation (`．`, `。`, `–`, `•`: isPunct, as UCLASS is neither a letter nor a
        // quote and isSpace fails): every test below fails for it (no NUL, comment, quote, digit, dot,
        // word start, `$`, `@`, `[`, backslash, ASCII operator), so it ends as T_OTHER `?other` there.
        openComment = false;
        t.gap = gap;
        t.comment = comment;
        t.glued = block && !space && p > 0 && !isSpace(s.charCodeAt(p - 1));
        t.start = p;
        this.pos = t.end = p + 1;
        t.kind = T_OTHER;
        t.op = '?other';
        return true;
      }
      // --- whitespace and comments -----------------------------------------------------------
      if (isSpace(c)) {
        this.pos = p + 1;
        gap = space = true;
        continue;
      }
      if (c === 0) {
        // NUL: a separator to lenient parsers, and a truncation point to C-based drivers and logs, so
        // it separates tokens and, when nothing follows, counts like a comment ending the query.
        this.pos = p + 1;
        gap = comment = openComment = true;
        continue;
      }
      const c1 = p + 1 < len ? s.charCodeAt(p + 1) : NaN;
      if (c === 35 && (c1 === 62 || c1 === 45) && this.quoteFollows(p + 2)) {
        // PostgreSQL JSON path operators `#>`, `#>>`, `#-` (followed by a literal path), not a comment.
        const op = c1 === 45 ? '#-' : s.charCodeAt(p + 2) === 62 ? '#>>' : '#>';
        t.gap = gap;
        t.comment = comment;
        t.glued = false;
        t.start = p;
        t.kind = T_OP;
        t.op = op;
        this.pos = t.end = p + op.length;
        return true;
      }
      if (c === 35 && this.standard) {
        // PostgreSQL's XOR `#` (and `##`, read as two), `#>`, `#>>`, `#-` without a literal after them.
        const op = c1 === 45 ? '#-' : c1 === 62 ? (s.charCodeAt(p + 2) === 62 ? '#>>' : '#>') : '#';
        t.gap = gap;
        t.comment = comment;
        t.glued = block && !space && p > 0 && !isSpace(s.charCodeAt(p - 1));
        t.start = p;
        t.kind = T_OP;
        t.op = op;
        this.pos = t.end = p + op.length;
        return true;
      }
      if ((c === 45 && c1 === 45 && !(this.mysqlDashes && this.dashOperators(p))) || c === 35) {
        // `--` (every dialect; MySQL wants a space after it, others do not) and `#` (MySQL). Only a
        // comment that every dialect accepts (`-- `, `--` at the end, `---`, `#`) counts as truncating
        // the query at the end of input: `-SHOES --INFANT` is a search syntax, not a comment.
        const c2 = s.charCodeAt(p + 2);
        const strict = c === 35 || !(c2 > 32) || c2 === 45;
        if (c === 45 && !this.dashSeen && this.dashOperators(p)) this.dashSeen = true;
        if (c === 35 && !this.hashSeen && this.afterOperand(p)) this.hashSeen = true;
        // The line's end by the engine's native search: a comment that runs to the end of a long value
        // is read by every walk of every reading (1 MB of `1--x '\'' 1#x`: ~1 µs/KB per walk by a loop).
        // PostgreSQL (and SQL Server) also end `--` at CR, MySQL and SQLite at LF only: `x'--<CR> or
        // 1=1--` is a tautology to PostgreSQL. The standard reading ends there; the others report it.
        const from = p + (c === 35 ? 1 : 2);
        const nl = this.nextOf(10, from);
        p = nl < 0 ? len : nl;
        if (c === 45) {
          // (A CR right before the LF, or the end, ends the comment at the same token: CRLF text.)
          const cr = this.nextOf(13, from);
          if (cr >= 0 && cr < p - 1) {
            if (this.standard) p = cr;
            else this.crSeen = true;
          }
        }
        this.pos = p;
        gap = comment = true;
        openComment = p >= len && strict;
        continue;
      }
      if (c === 47 && c1 === 42) {
        if (s.charCodeAt(p + 2) === 33) {
          // `/*!` or `/*!50000`: MySQL executes the content.
          p += 3;
          let d = 0;
          while (d < 6 && isDigit(s.charCodeAt(p))) {
            p++;
            d++;
          }
          this.versioned++;
          this.pos = p;
          gap = true;
          continue;
        }
        const end = this.blockEnd(p);
        gap = comment = block = true;
        if (end < 0) {
          this.pos = len;
          openComment = true;
        } else {
          this.pos = end;
          openComment = false;
        }
        continue;
      }
      if (c === 42 && c1 === 47 && this.versioned > 0) {
        this.versioned--;
        this.pos = p + 2;
        gap = true;
        continue;
      }
      openComment = false;
      t.gap = gap;
      t.comment = comment;
      t.glued = block && !space && p > 0 && !isSpace(s.charCodeAt(p - 1));
      t.start = p;
      // --- literals --------------------------------------------------------------------------
      const q = quoteClass(c);
      if (q === Q_SINGLE || q === Q_DOUBLE) {
        this.readString(t, p + 1, q);
        return true;
      }
      if (q === Q_BACKTICK) {
        const close = s.indexOf('`', p + 1);
        if (close > 0 && s.charCodeAt(p) === 96 && this.quotedCall(t, p, close)) return true;
        t.kind = T_IDENT;
        t.closed = close >= 0;
        this.pos = t.end = close >= 0 ? close + 1 : len;
        return true;
      }
      if (isDigit(c) || (c === 46 && isDigit(c1))) {
        this.readNumber(t, p);
        return true;
      }
      if (isWordStart(c)) {
        this.readWord(t, p);
        return true;
      }
      if (c === 36) {
        // `$$...$$` / `$tag$...$tag$` (PostgreSQL) or a `$1` placeholder.
        if (this.readDollar(t, p)) return true;
        this.readWord(t, p);
        return true;
      }
      if (c === 64) {
        // `@var`, `@@var`, `@"quoted"`, `` @`quoted` ``.
        let e = p + 1;
        if (s.charCodeAt(e) === 64) e++;
        const n = s.charCodeAt(e);
        const nq = quoteClass(n);
        if (nq !== Q_NONE) {
          const close = s.indexOf(s[e] as string, e + 1);
          e = close < 0 ? len : close + 1;
        } else {
          while (e < len && isWordChar(s.charCodeAt(e))) e++;
        }
        if (e === p + 2 && s.charCodeAt(p + 1) === 64) {
          // `@@` on its own: the PostgreSQL text-search / JSON-path match operator.
          t.kind = T_OP;
          t.op = '@@';
          this.pos = t.end = e;
          return true;
        }
        if (e === p + 1) {
          if (s.charCodeAt(p + 1) === 63) {
            t.kind = T_OP;
            t.op = '@?';
            this.pos = t.end = p + 2;
            return true;
          }
          if (s.charCodeAt(p + 1) === 62) {
            t.kind = T_OP;
            t.op = '@>';
            this.pos = t.end = p + 2;
            return true;
          }
          t.kind = T_OTHER;
          t.op = '@';
          this.pos = t.end = p + 1;
          return true;
        }
        t.kind = T_VAR;
        this.pos = t.end = e;
        return true;
      }
      if (c === 91) {
        // `[ident]` (MSSQL) when it closes soon on an identifier-ish body; otherwise a bracket.
        let e = p + 1;
        const lim = Math.min(len, p + 130);
        while (e < lim) {
          const d = s.charCodeAt(e);
          if (d === 93 || !(isWordChar(d) || d === 32 || d === 46 || d === 45)) break;
          e++;
        }
        if (e < lim && s.charCodeAt(e) === 93 && e > p + 1) {
          t.kind = T_IDENT;
          t.closed = true;
          this.pos = t.end = e + 1;
          return true;
        }
        t.kind = T_OTHER;
        t.op = '[';
        this.pos = t.end = p + 1;
        return true;
      }
      if (c === 92 && (c1 === 78 || c1 === 110) && !this.standard && (!isWordChar(s.charCodeAt(p + 2)) || this.keywordAt(p + 2))) {
        // MySQL `\N` is NULL, also glued to a keyword (`\Nunion`, `\Nor`): MySQL's lexer ends the
        // NULL token after the `N`. Other words keep the backslash apart (`C:\Notes`). The standard
        // dialects have no `\N`: a backslash is a stray character to them.
        t.kind = T_WORD;
        t.word = 'null';
        this.pos = t.end = p + 2;
        return true;
      }
      // --- punctuation and operators -----------------------------------------------------------
      this.pos = t.end = p + 1;
      switch (c) {
        case 40:
          t.kind = T_LPAREN;
          return true;
        case 41:
          t.kind = T_RPAREN;
          return true;
        case 44:
          t.kind = T_COMMA;
          return true;
        case 59:
          t.kind = T_SEMI;
          return true;
        case 46:
          t.kind = T_DOT;
          return true;
        default:
          break;
      }
      if (c < 128 && OP1[c] !== undefined) {
        this.readOp(t, p, c);
        return true;
      }
      t.kind = T_OTHER;
      t.op = c === 123 ? '{' : c === 125 ? '}' : c === 91 ? '[' : c === 93 ? ']' : c === 92 ? '\\' : '?other';
      return true;
    }
  }

  /**
   * Reads the string literals that follow, as `next` would return them one by one, while each is
   * opened by an ASCII `'` or `"` with nothing but ASCII blanks (TAB, LF, space... U+0001-U+0020)
   * before it: `t` is left holding the last one (untouched when there is none). Returns how many
   * were read. Blanks before anything else are left unread, so the next `next` sees them (its `gap`)
   * as it would have. For callers to whom a run of glued literals is one value (the SQLi walker):
   * on 1 MB of `'"'"…` this is one loop per literal instead of `next`'s general dispatch.
   */
  stringRun(t: SqlToken): number {
    let k = 0;
    while (this.literalAfterBlanks(t, this.pos)) k++;
    return k;
  }

  /**
   * Reads into `t` the literal opened by the ASCII `'` or `"` at `from` (blanks before it skipped), as
   * `next` would return it, and moves the cursor past it; false, with nothing moved, when there is
   * none. For the walker's operator chains.
   */
  readLiteral(t: SqlToken, from: number): boolean {
    return this.literalAfterBlanks(t, from);
  }

  /**
   * From `from`: ASCII blanks, then a literal opened by `'` or `"`, read into `t` as `next` would
   * return it (its `gap` tells whether blanks came first; no comment, so not glued). False, with
   * nothing read or moved, when something else follows the blanks.
   */
  private literalAfterBlanks(t: SqlToken, from: number): boolean {
    const s = this.s;
    const len = this.len;
    let p = from;
    let c = p < len ? s.charCodeAt(p) : NaN;
    while (c >= 1 && c <= 32) {
      p++;
      c = p < len ? s.charCodeAt(p) : NaN;
    }
    if (c !== 39 && c !== 34) return false;
    t.word = '';
    t.op = '';
    t.closed = false;
    t.joined = false;
    t.gap = p > from;
    t.comment = false;
    t.glued = false;
    t.start = p;
    this.readString(t, p + 1, c === 39 ? Q_SINGLE : Q_DOUBLE);
    return true;
  }

  /**
   * After a `::` the caller has lexed (its end is `pos`): the literals that follow it, each after
   * blanks only, chained by further `::` (blanks around them), as `next` would lex them one token at
   * a time: `''::''::'x'`. Reads each literal into `t` (the last one stays there) and returns how many
   * it read; 0 when no literal follows the first `::` (then nothing moves and `t` is untouched). A
   * `::` not followed by a literal is left unread, as the next token. `castGap` tells whether blanks
   * preceded the last `::` read here (the first one's is the caller's token's). Linear: each
   * character once, besides the blanks after a last `::` read twice.
   */
  castRun(t: SqlToken): number {
    const s = this.s;
    const len = this.len;
    let k = 0;
    let p = this.pos;
    for (;;) {
      // Blanks, then a literal.
      if (!this.literalAfterBlanks(t, p)) return k;
      k++;
      // Blanks, `::`, then (checked above, next round) a literal: else stop before the blanks.
      const end = this.pos;
      let q = end;
      let c = q < len ? s.charCodeAt(q) : NaN;
      while (c >= 1 && c <= 32) {
        q++;
        c = q < len ? s.charCodeAt(q) : NaN;
      }
      if (c !== 58 || q + 1 >= len || s.charCodeAt(q + 1) !== 58) return k;
      let r = q + 2;
      c = r < len ? s.charCodeAt(r) : NaN;
      while (c >= 1 && c <= 32) {
        r++;
        c = r < len ? s.charCodeAt(r) : NaN;
      }
      if (c !== 39 && c !== 34) return k;
      this.castGap = q > end;
      p = q + 2;
    }
  }

  /** See castRun. */
  castGap = false;

  /** The operator starting with the OP1 character `c` at `p` (longest of three, two, one characters). */
  private readOp(t: SqlToken, p: number, c: number): void {
    const s = this.s;
    const op1 = OP1[c] as string;
    // Past the end: NaN, as charCodeAt would give, without asking it (see readWord).
    const len = this.len;
    const c1 = p + 1 < len ? s.charCodeAt(p + 1) : NaN;
    t.kind = T_OP;
    let op: string = op1;
    const c2 = p + 2 < len ? s.charCodeAt(p + 2) : NaN;
    if (c === 60 && c1 === 61 && c2 === 62) op = '<=>';
    else if (c === 45 && c1 === 62 && c2 === 62) op = '->>';
    else if (c === 33 && c1 === 126 && c2 === 42) op = '!~*';
    // PostgreSQL's ILIKE operators `~~*` and `!~~*` (`x' or name ~~* '%`: every row), one token each
    // as PostgreSQL reads them (`~` then `~*` made a unary `~` before a binary operator: no SQL).
    else if (c === 126 && c1 === 126 && c2 === 42) op = '~~*';
    else if (c === 33 && c1 === 126 && c2 === 126 && p + 3 < len && s.charCodeAt(p + 3) === 42) op = '!~~*';
    // PostgreSQL's text pattern comparisons `~<~`, `~<=~`, `~>=~`, `~>~` (text_pattern_ops), one
    // token each (`~` then `>=` then `~` made no comparison).
    else if (c === 126 && (c1 === 60 || c1 === 62) && (c2 === 126 || (c2 === 61 && p + 3 < len && s.charCodeAt(p + 3) === 126))) op = c2 === 126 ? (c1 === 60 ? '~<~' : '~>~') : c1 === 60 ? '~<=~' : '~>=~';
    // `^@` is PostgreSQL's starts-with (OP2_LIST), but `^@@version` is MySQL's XOR with a system
    // variable (PostgreSQL has no `^@@`): `^` alone there.
    else if (c === 94 && c1 === 64 && c2 === 64) op = '^';
    else if (c1 < 128) op = OP2_LIST[OP2[c * 128 + c1] as number] ?? op1;
    t.op = op;
    this.pos = t.end = p + op.length;
  }

  /** Whether a quote follows `from` after at most a `>` and a few spaces (bounded lookahead). */
  private quoteFollows(from: number): boolean {
    const s = this.s;
    let p = from;
    if (s.charCodeAt(p) === 62) p++;
    const lim = Math.min(this.len, p + 4);
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    return s.charCodeAt(p) === 39;
  }

  /**
   * String body after the opening quote at `from - 1`. Doubled quotes escape; backslashes too, unless
   * the lexer reads standard strings (`standard`) and the literal is no `E'…'` (`esc`).
   */
  private readString(t: SqlToken, from: number, q: number, esc = false): void {
    const s = this.s;
    const len = this.len;
    let p = from;
    t.kind = T_STR;
    t.quote = q;
    // The ASCII quote of class q; below U+02B9 no other character has a quote class (quoteClass).
    const aq = q === Q_SINGLE ? 39 : 34;
    while (p < len) {
      const c = s.charCodeAt(p);
      if (c === 92 && (esc || !this.standard)) {
        // The two readings part only where a backslash hides a quote that closes this literal in the
        // standard one (`'\'`); a Windows path (`'C:\Users'`) or `\n` reads the same in both.
        if (!this.escapeSeen) {
          const d = p + 1 < len ? s.charCodeAt(p + 1) : NaN;
          if (d === aq || (d >= 0x2b9 && quoteClass(d) === q)) this.escapeSeen = true;
        }
        p += 2;
        continue;
      }
      if (c === aq || (c >= 0x2b9 && quoteClass(c) === q)) {
        // A doubled ASCII quote escapes itself (a typographic one never pairs). The character after
        // the closing quote is read only inside the string: V8 keeps a charCodeAt call site that once
        // read past the end in a slower form (see readWord), and every literal that ends the input
        // did so here.
        if (c === aq && p + 1 < len && s.charCodeAt(p + 1) === c) {
          p += 2;
          continue;
        }
        t.closed = true;
        this.pos = t.end = p + 1;
        return;
      }
      p++;
    }
    this.pos = t.end = len;
  }

  private readNumber(t: SqlToken, p: number): void {
    const s = this.s;
    const len = this.len;
    t.kind = T_NUM;
    let e = p;
    const c0 = s.charCodeAt(p);
    // Every read past a digit run is guarded (NaN at the end, as charCodeAt gives there): a value that
    // ends in a number made these call sites read out of bounds, after which V8 keeps them slower for
    // good (see readWord). 1 MB of `=0`: one number per two characters.
    const c1 = (p + 1 < len ? s.charCodeAt(p + 1) : NaN) | 0x20;
    if (c0 === 48 && (c1 === 120 || c1 === 98)) {
      // 0x... hex / 0b... binary literal.
      e = p + 2;
      if (c1 === 120) while (e < len && isHex(s.charCodeAt(e))) e++;
      else while (e < len && (s.charCodeAt(e) === 48 || s.charCodeAt(e) === 49)) e++;
      if (e > p + 2 && !isWordChar(s.charCodeAt(e))) {
        t.quote = 1;
        this.pos = t.end = e;
        return;
      }
      e = p; // `0xyz`: an identifier in MySQL.
      while (e < len && isWordChar(s.charCodeAt(e))) e++;
      t.kind = T_WORD;
      this.finishWord(t, p, e);
      return;
    }
    while (e < len && isDigit(s.charCodeAt(e))) e++;
    let decimal = false;
    if (e < len && s.charCodeAt(e) === 46) {
      decimal = true;
      e++;
      while (e < len && isDigit(s.charCodeAt(e))) e++;
    }
    const ec = (e < len ? s.charCodeAt(e) : NaN) | 0x20;
    if (ec === 101) {
      // Exponent: `1e5`, `1.e3`, `1e+5`. `1e` alone stays a word unless the number had a dot.
      let f = e + 1;
      const sign = f < len ? s.charCodeAt(f) : NaN;
      if (sign === 43 || sign === 45) f++;
      if (f < len && isDigit(s.charCodeAt(f))) {
        while (f < len && isDigit(s.charCodeAt(f))) f++;
        e = f;
        decimal = true;
      }
    }
    const after = e < len ? s.charCodeAt(e) : NaN;
    if (!decimal && e < len && isWordChar(after)) {
      // `1union` splits, `6ca2o` is an identifier.
      let w = e;
      while (w < len && isWordChar(s.charCodeAt(w))) w++;
      const tail = w - e <= 12 ? s.slice(e, w).toLowerCase() : '';
      if (!SPLIT_AFTER_DIGITS.has(tail)) {
        t.kind = T_WORD;
        this.finishWord(t, p, w);
        return;
      }
    }
    this.pos = t.end = e;
  }

  private readWord(t: SqlToken, p: number): void {
    const s = this.s;
    const len = this.len;
    let e = p + 1;
    /** OR of the word's char codes: >= 128 when it has a non-ASCII letter. */
    let bits = s.charCodeAt(p);
    for (; e < len; e++) {
      const c = s.charCodeAt(e);
      // UCLASS answers isWordChar above U+007F (checked for every unit by the tests): one load
      // instead of isSpace, quoteClass and isPunct per letter of `ｃｄ`, `Müller`.
      if (c < 128 ? !isWordChar(c) : UCLASS[c] !== U_WORD) break;
      bits |= c;
    }
    // NaN past the end, without calling charCodeAt out of bounds: V8 recompiles a call site that
    // once read past the end into a slower form for good (a 1 MB loop reading `charCodeAt(i + 1)`:
    // 15 µs/KB, guarded 4, Node 20). On this lexer alone the three guarded sites gave little
    // (`<a <a`: 16.1 -> 14.5 µs/KB, near the noise); they cost a compare each.
    const n = e < len ? s.charCodeAt(e) : NaN;
    // Literal prefixes: N'..', X'..', B'..', E'..' and charset introducers `_utf8'..'`; U&'..'.
    if (quoteClass(n) === Q_SINGLE && n === 39) {
      const w0 = s.charCodeAt(p) | 0x20;
      if ((e === p + 1 && (w0 === 110 || w0 === 120 || w0 === 98 || w0 === 101)) || (w0 === 95 && e - p <= 10)) {
        t.start = p;
        // PostgreSQL's `E'…'` keeps backslash escapes whatever standard_conforming_strings says.
        this.readString(t, e + 1, Q_SINGLE, w0 === 101 && e === p + 1);
        return;
      }
    }
    if ((s.charCodeAt(p) | 0x20) === 117 && e === p + 1 && n === 38) {
      const q = s.charCodeAt(e + 1);
      if (q === 39) {
        this.readString(t, e + 2, Q_SINGLE);
        return;
      }
      if (q === 34) {
        // U&"..." is a PostgreSQL quoted identifier.
        this.readString(t, e + 2, Q_DOUBLE);
        t.kind = T_IDENT;
        return;
      }
    }
    t.kind = T_WORD;
    this.finishWord(t, p, e, bits < 128);
    // `UN/**/ION`: a comment glued between two word halves forms a keyword for targets that strip
    // comments before parsing. Bounded lookahead: only the next word is re-read.
    if (n === 47 && s.charCodeAt(e + 1) === 42 && s.charCodeAt(e + 2) !== 33 && e - p < 16) {
      const q = this.blockEnd(e, e + 65);
      if (q >= 0) {
        if (isWordStart(s.charCodeAt(q))) {
          let r = q + 1;
          while (r < len && r - q < 16 && isWordChar(s.charCodeAt(r))) r++;
          if (!isWordChar(s.charCodeAt(r))) {
            const joined = (s.slice(p, e) + s.slice(q, r)).toLowerCase();
            if (JOINABLE.has(joined)) {
              t.word = joined;
              t.joined = true;
              this.pos = t.end = r;
            }
          }
        }
      }
    }
  }

  /**
   * `` `SLEEP`(5) ``: MySQL's parser takes a quoted identifier before `(` as a function name and resolves
   * it among its native functions like the bare one, so ``1 AND`SLEEP`(5)`` sleeps. A backtick name of
   * QUOTED_CALLS directly followed by `(` is read as the bare word (the walker judges the call as it
   * would `SLEEP(5)`). Keyword functions (BENCHMARK, CHAR, IF…) are grammar tokens, not names, and
   * fail quoted: not listed. O(name length), names of at most 20 characters.
   */
  private quotedCall(t: SqlToken, p: number, close: number): boolean {
    const s = this.s;
    const a = p + 1;
    if (close - a < 5 || close - a > 20 || s.charCodeAt(close + 1) !== 40) return false;
    for (let i = a; i < close; i++) {
      const c = s.charCodeAt(i) | 0x20;
      if (!((c >= 97 && c <= 122) || c === 95)) return false;
    }
    const w = s.slice(a, close).toLowerCase();
    if (!QUOTED_CALLS.has(w)) return false;
    t.kind = T_WORD;
    t.word = this.vocab !== undefined ? this.vocab.lookup(s, a, close, true) || w : w;
    this.pos = t.end = close + 1;
    return true;
  }

  private finishWord(t: SqlToken, p: number, e: number, ascii?: boolean): void {
    if (e - p > MAX_KEYWORD) {
      t.word = '';
    } else if (this.vocab !== undefined) {
      t.word = this.vocab.lookup(this.s, p, e, ascii);
    } else {
      const s = this.s;
      let upper = false;
      for (let i = p; i < e; i++) {
        const c = s.charCodeAt(i);
        if ((c >= 65 && c <= 90) || c >= 128) {
          upper = true;
          break;
        }
      }
      t.word = upper ? s.slice(p, e).toLowerCase() : s.slice(p, e);
    }
    this.pos = t.end = e;
  }

  /**
   * End (index after the closing `*\/`) of the block comment opening at `p`, or -1 when it does not
   * close before `lim`. Flat: the first `*\/`; a `/*` before it sets `nestedSeen`. The look-back
   * (`lastIndexOf`) stops at the opener at `p` at the latest, so it scans the comment body only.
   * Nested: one forward pass counting `/*` and `*\/`. Linear in the comment either way.
   */
  private blockEnd(p: number, lim = this.len): number {
    const s = this.s;
    if (!this.nestComments) {
      const close = s.indexOf('*/', p + 2);
      if (close < 0 || close + 2 > lim) return -1;
      if (!this.nestedSeen && s.lastIndexOf('/*', close - 1) >= p + 2) this.nestedSeen = true;
      return close + 2;
    }
    const end = Math.min(lim, this.len);
    let depth = 1;
    let i = p + 2;
    while (i < end - 1) {
      const c = s.charCodeAt(i);
      if (c === 47 && s.charCodeAt(i + 1) === 42) {
        depth++;
        i += 2;
      } else if (c === 42 && s.charCodeAt(i + 1) === 47) {
        i += 2;
        if (--depth === 0) return i;
      } else i++;
    }
    return -1;
  }

  /**
   * The `--` at `p` is two minus signs to MySQL: a character follows that is neither a space nor a
   * control character (MySQL tests the byte: a Unicode space, UTF-8 bytes above 127, counts as text).
   */
  private dashOperators(p: number): boolean {
    const c2 = p + 2 < this.len ? this.s.charCodeAt(p + 2) : 0;
    return c2 > 32 && c2 !== 127;
  }

  /**
   * What ends before `p`, spaces aside (at most 16 looked at), may be an operand of PostgreSQL's `#`:
   * a digit, `)` or a quote. Prose's `order #12`, `#tag` and `C#` stay comments in every reading.
   */
  private afterOperand(p: number): boolean {
    const s = this.s;
    let i = p - 1;
    const lim = Math.max(0, p - 16);
    while (i >= lim && isSpace(s.charCodeAt(i))) i--;
    if (i < 0) return false;
    const c = s.charCodeAt(i);
    return (c >= 48 && c <= 57) || c === 41 || quoteClass(c) !== Q_NONE;
  }

  /** A keyword that MySQL splits off a `\N` or a digit run starts at `p` and ends a word (bounded). */
  private keywordAt(p: number): boolean {
    const s = this.s;
    let e = p;
    while (e < this.len && e - p <= 12 && isWordChar(s.charCodeAt(e))) e++;
    return e - p <= 12 && SPLIT_AFTER_DIGITS.has(s.slice(p, e).toLowerCase());
  }

  private readDollar(t: SqlToken, p: number): boolean {
    const s = this.s;
    let e = p + 1;
    while (e < this.len && e - p < 32 && isWordChar(s.charCodeAt(e)) && s.charCodeAt(e) !== 36) e++;
    if (s.charCodeAt(e) !== 36 || (e > p + 1 && (isDigit(s.charCodeAt(p + 1)) || !this.dollarTags))) return false;
    const tag = s.slice(p, e + 1);
    const close = s.indexOf(tag, e + 1);
    t.kind = T_STR;
    t.quote = 3;
    t.closed = close >= 0;
    this.pos = t.end = close >= 0 ? close + tag.length : this.len;
    return true;
  }
}
