/**
 * A hand-written, linear SQL tokenizer in the spirit of libinjection: it reads untrusted text the way a
 * permissive SQL parser (MySQL, PostgreSQL, MSSQL, Oracle, SQLite, all at once) would, so the SQLi
 * detector can ask "what would the database see here?" without a single regular expression.
 *
 * Design notes:
 * - One forward pass over char codes; every character is consumed once, except the few characters of a
 *   lookahead when a keyword may be split by a comment (`UN/**\/ION`), which is bounded by the word
 *   length. So the cost is linear in the input, whatever the input (1 MB of `(`, quotes, comments...).
 * - Comments and whitespace are not returned as tokens: they set flags on the following token
 *   (`gap`, `comment`). The end of input is a token of its own (`T_EOF`) that says whether the text
 *   ended inside a line comment or an unterminated block comment, which is what "truncate the rest of
 *   the query" attacks rely on.
 * - MySQL versioned comments `/*!50000 select *\/` are code, not comments: their content is tokenized.
 * - Dialect breadth beats dialect accuracy: `#` starts a comment (MySQL), `[x]` is an identifier
 *   (MSSQL), `$$..$$` is a string (PostgreSQL), `\N` is NULL (MySQL), curly quotes are quotes (some
 *   charset conversions turn them into ASCII quotes).
 * - Words are lower-cased (`word`) only when short enough to be a keyword, so a 1 MB word costs one
 *   scan and no allocation.
 */

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
}

export function newToken(): SqlToken {
  return { kind: T_EOF, start: 0, end: 0, word: '', op: '', quote: 0, closed: false, gap: false, comment: false, joined: false };
}

/** Whitespace as any of the dialects (or a lenient proxy in front of them) would accept it. */
export function isSpace(c: number): boolean {
  if (c <= 32) return c !== 0; // C0 controls (TAB, LF, VT, FF, CR...) and space; NUL is a terminator.
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
  return !isSpace(c) && quoteClass(c) === Q_NONE;
}

/** Characters that start a word (digits start numbers, `$` starts dollar quotes/placeholders). */
function isWordStart(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return !isSpace(c) && quoteClass(c) === Q_NONE;
}

/**
 * Words that MySQL splits off a digit run (`1union`, `1FROM`, `0or`): a digit string directly followed
 * by one of these is a number and a keyword, otherwise it is an identifier (`6ca2o`, `2nd`).
 */
const SPLIT_AFTER_DIGITS = new Set([
  'and', 'or', 'xor', 'union', 'from', 'order', 'group', 'having', 'limit', 'like', 'rlike', 'regexp',
  'div', 'mod', 'is', 'in', 'not', 'between', 'where', 'select', 'into', 'procedure', 'as', 'then',
  'else', 'end', 'when', 'collate', 'sounds', 'offset',
]);

/** Keywords recognised when a comment splits them: `UN/**\/ION`, `SEL/**\/ECT`. */
const JOINABLE = new Set([
  'union', 'select', 'from', 'where', 'and', 'or', 'xor', 'order', 'group', 'having', 'insert', 'update',
  'delete', 'drop', 'exec', 'execute', 'sleep', 'benchmark', 'concat', 'information_schema', 'table',
  'database', 'version', 'char', 'limit', 'into', 'outfile', 'like', 'null', 'waitfor', 'delay', 'all',
  'distinct', 'substring', 'ascii', 'extractvalue', 'updatexml', 'load_file', 'group_concat', 'case',
  'when', 'then', 'user', 'values', 'declare', 'shutdown', 'truncate', 'create', 'alter',
]);

const OPS3 = ['<=>', '->>', '!~*', '#>>'];
const OPS2 = ['<>', '<=', '>=', '!=', '!<', '!>', '==', '||', '&&', '::', ':=', '<<', '>>', '->', '@>', '<@', '?|', '?&', '!~', '~*', '^=', '|=', '&=', '+=', '-=', '*=', '/=', '%='];

/**
 * Streaming tokenizer over `s[start..)`. Call `next(tok)` until it returns a T_EOF token. The object
 * keeps no per-token allocations besides the lower-cased word text.
 */
export class SqlLexer {
  private readonly s: string;
  private pos: number;
  private readonly len: number;
  /** Open MySQL versioned comments: their closing `*\/` is skipped as whitespace. */
  private versioned = 0;

  constructor(s: string, start = 0) {
    this.s = s;
    this.pos = start;
    this.len = s.length;
  }

  /** Fills `t` with the next token. Returns false once T_EOF has been produced. */
  next(t: SqlToken): boolean {
    const s = this.s;
    const len = this.len;
    let gap = false;
    let comment = false;
    let openComment = false;
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
      // --- whitespace and comments -----------------------------------------------------------
      if (isSpace(c)) {
        this.pos = p + 1;
        gap = true;
        continue;
      }
      if (c === 0) {
        // NUL truncates the query in C-based drivers and logs: treat the rest as a comment.
        this.pos = len;
        gap = comment = openComment = true;
        continue;
      }
      const c1 = s.charCodeAt(p + 1);
      if ((c === 45 && c1 === 45) || c === 35) {
        // `--` (every dialect; MySQL wants a space after it, others do not) and `#` (MySQL).
        p += c === 35 ? 1 : 2;
        while (p < len && s.charCodeAt(p) !== 10) p++;
        this.pos = p;
        gap = comment = true;
        openComment = p >= len;
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
        const close = s.indexOf('*/', p + 2);
        gap = comment = true;
        if (close < 0) {
          this.pos = len;
          openComment = true;
        } else {
          this.pos = close + 2;
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
      t.start = p;
      // --- literals --------------------------------------------------------------------------
      const q = quoteClass(c);
      if (q === Q_SINGLE || q === Q_DOUBLE) {
        this.readString(t, p + 1, q);
        return true;
      }
      if (q === Q_BACKTICK) {
        const close = s.indexOf('`', p + 1);
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
        if (e === p + 1) {
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
      if (c === 92 && (c1 === 78 || c1 === 110) && !isWordChar(s.charCodeAt(p + 2))) {
        // MySQL `\N` is NULL.
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
      if (c < 128 && '=<>!+-*/%^&|~?:'.indexOf(String.fromCharCode(c)) >= 0) {
        t.kind = T_OP;
        const three = s.substr(p, 3);
        const two = s.substr(p, 2);
        let op = String.fromCharCode(c);
        if (OPS3.indexOf(three) >= 0) op = three;
        else if (OPS2.indexOf(two) >= 0) op = two;
        t.op = op;
        this.pos = t.end = p + op.length;
        return true;
      }
      t.kind = T_OTHER;
      t.op = String.fromCharCode(c);
      return true;
    }
  }

  /** String body after the opening quote at `from - 1`. Doubled quotes and backslashes escape. */
  private readString(t: SqlToken, from: number, q: number): void {
    const s = this.s;
    const len = this.len;
    let p = from;
    t.kind = T_STR;
    t.quote = q;
    while (p < len) {
      const c = s.charCodeAt(p);
      if (c === 92) {
        p += 2;
        continue;
      }
      if (quoteClass(c) === q) {
        if (quoteClass(s.charCodeAt(p + 1)) === q && c < 128 && s.charCodeAt(p + 1) === c) {
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
    const c1 = s.charCodeAt(p + 1) | 0x20;
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
    if (s.charCodeAt(e) === 46) {
      decimal = true;
      e++;
      while (e < len && isDigit(s.charCodeAt(e))) e++;
    }
    const ec = s.charCodeAt(e) | 0x20;
    if (ec === 101) {
      // Exponent: `1e5`, `1.e3`, `1e+5`. `1e` alone stays a word unless the number had a dot.
      let f = e + 1;
      const sign = s.charCodeAt(f);
      if (sign === 43 || sign === 45) f++;
      if (isDigit(s.charCodeAt(f))) {
        while (f < len && isDigit(s.charCodeAt(f))) f++;
        e = f;
        decimal = true;
      }
    }
    const after = s.charCodeAt(e);
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
    while (e < len && isWordChar(s.charCodeAt(e))) e++;
    const n = s.charCodeAt(e);
    // Literal prefixes: N'..', X'..', B'..', E'..' and charset introducers `_utf8'..'`; U&'..'.
    if (quoteClass(n) === Q_SINGLE && n === 39) {
      const w0 = s.charCodeAt(p) | 0x20;
      if ((e === p + 1 && (w0 === 110 || w0 === 120 || w0 === 98 || w0 === 101)) || (w0 === 95 && e - p <= 10)) {
        t.start = p;
        this.readString(t, e + 1, Q_SINGLE);
        return;
      }
    }
    if ((s.charCodeAt(p) | 0x20) === 117 && e === p + 1 && n === 38 && s.charCodeAt(e + 1) === 39) {
      this.readString(t, e + 2, Q_SINGLE);
      return;
    }
    t.kind = T_WORD;
    this.finishWord(t, p, e);
    // `UN/**/ION`: a comment glued between two word halves forms a keyword for targets that strip
    // comments before parsing. Bounded lookahead: only the next word is re-read.
    if (n === 47 && s.charCodeAt(e + 1) === 42 && s.charCodeAt(e + 2) !== 33 && e - p < 16) {
      const close = s.indexOf('*/', e + 2);
      if (close >= 0 && close - e < 64) {
        const q = close + 2;
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

  private finishWord(t: SqlToken, p: number, e: number): void {
    t.word = e - p <= MAX_KEYWORD ? this.s.slice(p, e).toLowerCase() : '';
    this.pos = t.end = e;
  }

  private readDollar(t: SqlToken, p: number): boolean {
    const s = this.s;
    let e = p + 1;
    while (e < this.len && e - p < 32 && isWordChar(s.charCodeAt(e)) && s.charCodeAt(e) !== 36) e++;
    if (s.charCodeAt(e) !== 36 || (e > p + 1 && isDigit(s.charCodeAt(p + 1)))) return false;
    const tag = s.slice(p, e + 1);
    const close = s.indexOf(tag, e + 1);
    t.kind = T_STR;
    t.quote = 3;
    t.closed = close >= 0;
    this.pos = t.end = close >= 0 ? close + tag.length : this.len;
    return true;
  }
}
