/**
 * A linear, allocation-light lexer for the shell languages an injected value can land in: POSIX sh /
 * bash, Windows cmd.exe and the parts of PowerShell that look the same at token level.
 *
 * It is not a parser. It splits a string into the tokens a shell would see (words, separators,
 * substitutions, redirections) and, for every word, the *normalized* text the shell would execute
 * after quote removal and escape processing, plus flags recording how that text was spelled. The
 * detector decides from that token stream; the lexer never looks for attacks itself.
 *
 * Cost model: every character is consumed once. Look-aheads are bounded (a `${...}` or `$[...]` body is
 * searched for at most 256 characters, arithmetic at most 64) or consume what they scan (a quoted
 * string is skipped with indexOf and the cursor moves past it), so the whole scan is O(n) whatever the
 * input. Normalized word text is capped at NORM_CAP characters; longer words are still consumed.
 * No RegExp is used.
 *
 * Quotes: a quote opens a quoted string only if a matching quote exists later in the input (checked in
 * O(1) against the last index of that quote character). An unmatched quote ends the token stream with a
 * QTAIL token: in a real shell the rest would be an unterminated string. The detector models inputs
 * that are spliced *inside* a quoted string by starting the lexer in single- or double-quote context.
 */

export const TK_END = 0;
export const TK_WORD = 1;
/** Command separator: kind is one of SEP_*. */
export const TK_SEP = 2;
/** A plain `(` (subshell, grouping or call syntax). */
export const TK_OPEN = 3;
/** A plain `)`. */
export const TK_CLOSE = 4;
/** Start of a substitution: `$(`, a backtick, `<(`, `>(` or `$((`. kind is one of SUB_*. */
export const TK_SUB_OPEN = 5;
/** End of the innermost substitution. */
export const TK_SUB_CLOSE = 6;
/** Redirection operator: kind is one of RD_*. */
export const TK_REDIR = 7;
/** An unmatched quote: the rest of the input is an unterminated string. Always followed by TK_END. */
export const TK_QTAIL = 8;

export const SEP_SEMI = 1; // ;
export const SEP_AMP = 2; // &
export const SEP_AND = 3; // &&
export const SEP_PIPE = 4; // |
export const SEP_OR = 5; // ||
export const SEP_NL = 6; // real newline (LF, CR or CRLF)
export const SEP_LNL = 7; // the two characters `\n` or `\r` where a separator can stand
export const SEP_PIPEAMP = 8; // |&
export const SEP_DSEMI = 9; // ;;

export const SUB_DOLLAR = 1; // $(
export const SUB_BACKTICK = 2; // `
export const SUB_PROC_IN = 3; // <(
export const SUB_PROC_OUT = 4; // >(
export const SUB_ARITH = 5; // $((

export const RD_OUT = 1; // > >|
export const RD_APPEND = 2; // >>
export const RD_IN = 3; // <
export const RD_HEREDOC = 4; // << <<-
export const RD_HERESTR = 5; // <<<
export const RD_DUP = 6; // >& <& &> &>> <>

/** Some part of the word was quoted ('..', "..", $'..'). */
export const W_QUOTED = 1;
/** Some part of the word was unquoted literal text. */
export const W_UNQUOTED = 2;
/** A backslash escaped an ordinary letter or digit (`c\at`). */
export const W_BACKSLASH = 4;
/** The word contains a parameter expansion ($x, ${x}, $@, $*, $1 ...), removed from `norm`. */
export const W_VAR = 8;
/** Unquoted glob characters * ? [ . */
export const W_GLOB = 16;
/** An unquoted `{` (possible brace expansion); braces and commas are kept in `norm`. */
export const W_BRACE = 32;
/** A cmd.exe caret escape (`w^h^o^a^m^i`), removed from `norm`. */
export const W_CARET = 64;
/** A backslash-newline line continuation inside the word. */
export const W_CONT = 128;
/** The word starts with `NAME=` (an assignment); `assignName` holds NAME. */
export const W_ASSIGN = 256;
/** ANSI-C quoting `$'..'` was used. */
export const W_ANSI = 512;
/** Arithmetic expansion inlined into the word (`$((7))`, `$[1]`). */
export const W_ARITH = 1024;
/** `$[]`: an empty arithmetic expansion. */
export const W_EMPTY_ARITH = 2048;
/** `${name(` or `${@name(`: a brace expansion holding a call (PHP complex syntax); see `braceCall`. */
export const W_BRACE_CALL = 4096;
/** The word was cut at NORM_CAP characters. */
export const W_LONG = 8192;
/** The word began inside a double-quoted string resumed after a substitution. */
export const W_RESUMED = 16384;
/** A Windows-style path: backslashes kept literally. */
export const W_WINPATH = 32768;
/**
 * A substring expansion that cuts characters out of a variable: bash `${PATH:0:1}`, cmd.exe
 * `%COMSPEC:~-7,3%`. Set only when the source is a variable with a well-known path value (PATH, HOME,
 * COMSPEC, ProgramFiles…, any slice of them) or the slice is one character long: `${GIT_SHA:0:7}`,
 * `%DATE:~10,4%` (batch-script date stamps) are data, not characters built for a command line.
 * Where the value is known (`${HOME:0:1}` is `/`, `%COMSPEC:~-7,3%` is `cmd`) it is put in `norm`;
 * `slice` holds the first one as written, for reasons.
 */
export const W_SLICE = 65536;

/** With plainPct, how far a plain run is walked before the rest is searched for natively. */
const PLAIN_WALK = 32;

/** Longest normalized word text kept; the rest of a longer word is consumed but not stored. */
export const NORM_CAP = 256;
/** How much of a `#` comment next() walks before it searches (natively) for the line feed. */
const COMMENT_WALK = 64;
/** How far `${`, `$[` bodies are searched for their closing character. */
const BRACE_SCAN = 256;
/** How far `$((` is searched for a short inline arithmetic body. */
const ARITH_SCAN = 64;
/** Substitution nesting tracked exactly; deeper nesting is counted but not typed. */
const MAX_DEPTH = 128;
/** Longest period (separator and word) periodShape accepts. */
const PERIOD_MAX = 64;
/** periodCopies' native comparison block. */
const PERIOD_BLOCK = 1024;

const M_PAREN = 1;
const M_BACKTICK = 2;
const M_ARITH = 3;

const C_TAB = 9;
const C_LF = 10;
const C_VT = 11;
const C_FF = 12;
const C_CR = 13;
const C_SPACE = 32;
const C_BANG = 33;
const C_DQ = 34;
const C_HASH = 35;
const C_DOLLAR = 36;
const C_AMP = 38;
const C_SQ = 39;
const C_LPAREN = 40;
const C_RPAREN = 41;
const C_STAR = 42;
const C_PLUS = 43;
const C_SEMI = 59;
const C_LT = 60;
const C_EQ = 61;
const C_GT = 62;
const C_QUEST = 63;
const C_LBRACK = 91;
const C_BSLASH = 92;
const C_CARET = 94;
const C_BACKTICK = 96;
const C_LBRACE = 123;
const C_PIPE = 124;
const C_PERCENT = 37;
const C_COLON = 58;

/** Characters that end an unquoted word. `+` counts as blank: form encoding writes spaces as `+`. */
function isBlank(c: number): boolean {
  return c === C_SPACE || c === C_TAB || c === C_VT || c === C_FF || c === C_PLUS;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLowerAlpha(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** Characters with no meaning inside an unquoted word (letters, digits, most punctuation). */
const PLAIN = new Uint8Array(128);
(() => {
  for (let c = 33; c < 127; c++) PLAIN[c] = 1;
  for (const ch of '\'"\\$^=*?[{;&|<>()`#+%') PLAIN[ch.charCodeAt(0)] = 0;
})();

function isPlain(c: number): boolean {
  return c >= 128 || PLAIN[c] === 1;
}

/** argRun's classes: word text (PLAIN, `=`), what ends a word item (blanks, `<`, `>`), anything else. */
const AR_OTHER = 0;
const AR_WORD = 1;
const AR_END = 2;
const ARG_CLASS = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) ARG_CLASS[c] = isPlain(c) || c === C_EQ ? AR_WORD : isBlank(c) || c === C_LT || c === C_GT ? AR_END : AR_OTHER;
})();

/** The characters readDq stops at: `"`, `\`, backtick, `$`. */
const DQ_STOP = new Uint8Array(128);
(() => {
  for (const ch of '"\\`$') DQ_STOP[ch.charCodeAt(0)] = 1;
})();

/**
 * readWord's characters once its norm is full (NORM_CAP): what the loop would do with each is fixed
 * by its class here. 1: plain (the default case; appending only sets W_LONG), 2: a glob character
 * (W_GLOB as well), 4: `{` (W_BRACE as well), 0: anything else (the loop reads it). Above ASCII is
 * plain.
 */
const CAPPED = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) CAPPED[c] = PLAIN[c] === 1 ? 1 : 0;
  for (const ch of '*?[') CAPPED[ch.charCodeAt(0)] = 2;
})();
CAPPED[123] = 4;

/** True when `c` ends a word (used to look at the character after a construct). */
export function isWordBoundary(c: number): boolean {
  return (
    Number.isNaN(c) ||
    isBlank(c) ||
    c === C_LF ||
    c === C_CR ||
    c === C_SEMI ||
    c === C_AMP ||
    c === C_PIPE ||
    c === C_LT ||
    c === C_GT ||
    c === C_LPAREN ||
    c === C_RPAREN ||
    c === C_BACKTICK
  );
}

/**
 * Index of the last `q` in s[from, to), or -1 (to > from). From the start of the string, the native
 * lastIndexOf; for a sub-range, a loop that stops at `from`: lastIndexOf would search on past it,
 * and lexing many sub-ranges of one string would no longer be linear overall.
 */
function lastInRange(s: string, q: string, from: number, to: number): number {
  if (from === 0) return s.lastIndexOf(q, to - 1);
  const c = q.charCodeAt(0);
  for (let k = to - 1; k >= from; k--) if (s.charCodeAt(k) === c) return k;
  return -1;
}

/** Where the lexer starts: as if the input were spliced unquoted, inside '..' or inside "..". */
export const CTX_NONE = 0;
export const CTX_SINGLE = 1;
export const CTX_DOUBLE = 2;

export class ShellLexer {
  readonly s: string;
  readonly n: number;
  /** First index of the lexed range. */
  readonly from: number;
  /** Cursor: index of the next unread character. */
  i = 0;

  // ---- current token (valid after next()) ----
  type = TK_END;
  kind = 0;
  start = 0;
  end = 0;
  /** Whitespace (or the start of input) immediately precedes the token. */
  spaceBefore = true;
  /** Word: normalized text (quotes removed, escapes resolved, expansions removed), capped. */
  norm = '';
  /** Word: W_* flags. */
  flags = 0;
  /** Word: number of quoted segments. */
  quotedParts = 0;
  /** Word: count of unquoted literal characters. */
  unquotedChars = 0;
  /**
   * Word: it opens with an empty quoted part that the application's own quote began (the value's
   * first character closes it: `'ls meaning' or …` read inside `'…'`). Counted in quotedParts, but
   * not the input's doing.
   */
  emptyLead = false;
  /** Word: number of parameter expansions. */
  varCount = 0;
  /** Word: name of the first parameter expansion (`a` for `$a`, `_GET` for `$_GET[..]`), capped. */
  firstVar = '';
  /** Word: NAME of a leading `NAME=`. */
  assignName = '';
  /** Word: function name inside `${name(..)}` / `${@name(..)}`. */
  braceCall = '';
  /** Word: the brace call used the `@` error-suppression prefix. */
  braceCallAt = false;
  /** Word: the first character-building substring expansion as written (see W_SLICE), capped. */
  slice = '';

  // ---- sticky observations over the whole input ----
  /** `$IFS` / `${IFS}` was used (as a word separator). */
  sawIFS = false;

  // ---- internals ----
  private readonly lastSingle: number;
  private readonly lastDouble: number;
  // Substitution stack, allocated on first use (most inputs never open a substitution).
  private modes: number[] = [];
  private parens: number[] = [];
  private resumeDq: boolean[] = [];
  private sp = 0;
  /** Cached index of the next `}` / `]` at or after the cursor (-1: none): keeps `${`/`$[` look-ups linear. */
  private nextRBrace = -2;
  private nextRBrack = -2;
  /** inertBelow's cache: the first `:~` at or after `tildeFrom + 2` (-1: none; -2: not searched yet). */
  private nextTilde = -2;
  private tildeFrom = 0;
  private overflow = 0;
  /** Plain parentheses outside any substitution. */
  private topParens = 0;
  /** The next word starts inside a double-quoted string (resumed after a substitution / CTX_DOUBLE). */
  private pendingDq = false;
  /** The next word starts inside a single-quoted string (CTX_SINGLE). */
  private pendingSq = false;
  /** The last token ended a word at a `\n` that must be emitted as SEP_LNL next. */
  private finished = false;

  /**
   * Optional oracle: is this word a command name? Lets `abc\nuname` read as a literal newline before
   * `uname` rather than as the escaped letter `n` (see literalNewlineAt).
   */
  isCommand: ((word: string) => boolean) | undefined;

  /**
   * Set by a caller that knows it (from the value's character kinds): every character of the range
   * is plain (isPlain) or `%`, and the range ends where the string does. Then a run of plain
   * characters ends at the next `%` (or the end), found by a native search, and so does a run of
   * `%` that open no slice (inertBelow) past NORM_CAP: a megabyte-long word of percent escapes or
   * text (`%41%42x…`, what decoding it leaves) is not walked a character at a time.
   */
  plainPct = false;

  /**
   * @param quotes pass false when the caller knows [from, to) holds no quote character (skips a scan).
   * @param kinds the quotes [from, to) may hold, when the caller knows: 1 single, 2 double (each kind
   * ruled out skips its scan: on 1 MB with double quotes only, the search for a single one read it all).
   */
  constructor(s: string, ctx = CTX_NONE, from = 0, to = s.length, quotes = true, kinds = 3) {
    this.s = s;
    this.n = to;
    this.from = from;
    this.i = from;
    // Last quote of each kind inside [from, to): scanned within the range only, so lexing many
    // sub-ranges of one string stays linear overall.
    // Each kind on its own (see lastInRange): on a long value without one kind of quote, one loop for
    // both walked the whole range, about a third of the detector's time on prose.
    this.lastSingle = quotes && (kinds & 1) !== 0 && to > from ? lastInRange(s, "'", from, to) : -1;
    this.lastDouble = quotes && (kinds & 2) !== 0 && to > from ? lastInRange(s, '"', from, to) : -1;
    if (ctx === CTX_SINGLE) this.pendingSq = true;
    else if (ctx === CTX_DOUBLE) this.pendingDq = true;
  }

  /** Current substitution depth (0 at top level). */
  get depth(): number {
    return this.sp + this.overflow;
  }

  private code(j: number): number {
    return j < this.n ? this.s.charCodeAt(j) : NaN;
  }

  private resetWord(): void {
    this.norm = '';
    this.flags = 0;
    this.quotedParts = 0;
    this.unquotedChars = 0;
    this.emptyLead = false;
    this.varCount = 0;
    this.firstVar = '';
    this.assignName = '';
    this.braceCall = '';
    this.braceCallAt = false;
    this.slice = '';
  }

  private push(mode: number, dq: boolean): void {
    if (this.sp < MAX_DEPTH) {
      this.modes[this.sp] = mode;
      this.parens[this.sp] = 0;
      this.resumeDq[this.sp] = dq;
      this.sp++;
    } else {
      this.overflow++;
    }
  }

  /** Pops one level; returns whether the level was opened inside a double-quoted string. */
  private pop(): boolean {
    if (this.overflow > 0) {
      this.overflow--;
      return false;
    }
    if (this.sp > 0) {
      this.sp--;
      return this.resumeDq[this.sp] === true;
    }
    return false;
  }

  private topMode(): number {
    if (this.overflow > 0) return M_PAREN;
    return this.sp > 0 ? (this.modes[this.sp - 1] ?? 0) : 0;
  }

  private append(text: string): void {
    const room = NORM_CAP - this.norm.length;
    if (room <= 0) {
      if (text.length > 0) this.flags |= W_LONG;
      return;
    }
    if (text.length > room) {
      this.norm += text.slice(0, room);
      this.flags |= W_LONG;
    } else {
      this.norm += text;
    }
  }

  private appendCode(c: number): void {
    if (this.norm.length < NORM_CAP) this.norm += String.fromCharCode(c);
    else this.flags |= W_LONG;
  }

  private noteVar(name: string): void {
    this.flags |= W_VAR;
    this.varCount++;
    if (this.varCount === 1) this.firstVar = name.length > 32 ? name.slice(0, 32) : name;
  }

  /** Reads the next token into the public fields. Returns its type. */
  next(): number {
    if (this.pendingOpen !== 0) {
      // A substitution opener met inside a double-quoted string (consumed by readDq).
      this.type = TK_SUB_OPEN;
      this.kind = this.pendingOpen;
      // As outside quotes: a blank before a backtick is what tells a markdown code span in quoted
      // prose ("set `debug` to `true` in \"config\"") from one glued into a word.
      this.spaceBefore = this.i >= 2 && isBlank(this.s.charCodeAt(this.i - 2));
      this.start = this.i - 1;
      this.end = this.i;
      this.pendingOpen = 0;
      return TK_SUB_OPEN;
    }
    if (this.finished) return this.setEnd();
    // Skip blanks and comments.
    let sawSpace = this.i === this.from;
    for (;;) {
      if (this.pendingDq || this.pendingSq) break;
      if (this.i >= this.n) return this.setEnd();
      const c = this.s.charCodeAt(this.i);
      if (isBlank(c)) {
        sawSpace = true;
        this.i++;
        continue;
      }
      if (c === C_BSLASH && this.code(this.i + 1) === C_LF) {
        // Line continuation between words.
        this.i += 2;
        continue;
      }
      if (c === C_HASH && (sawSpace || this.atCommandBoundary())) {
        // Comment to end of line: walked for COMMENT_WALK characters, then the line feed is found
        // by a native search in the range's rest (a slice of a flat string is a view: no copy). On
        // random punctuation the first `#` after a blank comments out the rest of a line-less value,
        // and the walk of it was a quarter of the detector's time there; short comments stay a walk
        // (a slice and a search each cost more than a few loads). The search stops at the range's
        // end, as the walk does (attribute passes lex a short range of a long value).
        let k = this.i + 1;
        const lim = this.n - k > COMMENT_WALK ? k + COMMENT_WALK : this.n;
        while (k < lim && this.s.charCodeAt(k) !== C_LF) k++;
        if (k === lim && k < this.n) {
          const j = this.s.slice(k, this.n).indexOf('\n');
          k = j === -1 ? this.n : k + j;
        }
        this.i = k;
        continue;
      }
      break;
    }
    this.spaceBefore = sawSpace;
    this.start = this.i;
    this.kind = 0;
    if (this.pendingSq || this.pendingDq) return this.readWord();
    const c = this.s.charCodeAt(this.i);
    const c1 = this.code(this.i + 1);
    switch (c) {
      case C_LF:
        this.i++;
        return this.setTok(TK_SEP, SEP_NL);
      case C_CR:
        this.i += c1 === C_LF ? 2 : 1;
        return this.setTok(TK_SEP, SEP_NL);
      case C_SEMI:
        if (c1 === C_SEMI) {
          this.i += 2;
          return this.setTok(TK_SEP, SEP_DSEMI);
        }
        this.i++;
        return this.setTok(TK_SEP, SEP_SEMI);
      case C_AMP:
        if (c1 === C_AMP) {
          this.i += 2;
          return this.setTok(TK_SEP, SEP_AND);
        }
        if (c1 === C_GT) {
          this.i += this.code(this.i + 2) === C_GT ? 3 : 2;
          return this.setTok(TK_REDIR, RD_DUP);
        }
        this.i++;
        return this.setTok(TK_SEP, SEP_AMP);
      case C_PIPE:
        if (c1 === C_PIPE) {
          this.i += 2;
          return this.setTok(TK_SEP, SEP_OR);
        }
        if (c1 === C_AMP) {
          this.i += 2;
          return this.setTok(TK_SEP, SEP_PIPEAMP);
        }
        this.i++;
        return this.setTok(TK_SEP, SEP_PIPE);
      case C_LT:
        if (c1 === C_LPAREN) {
          this.i += 2;
          this.push(M_PAREN, false);
          return this.setTok(TK_SUB_OPEN, SUB_PROC_IN);
        }
        if (c1 === C_LT) {
          if (this.code(this.i + 2) === C_LT) {
            this.i += 3;
            return this.setTok(TK_REDIR, RD_HERESTR);
          }
          this.i += this.code(this.i + 2) === 45 ? 3 : 2;
          return this.setTok(TK_REDIR, RD_HEREDOC);
        }
        if (c1 === C_AMP || c1 === C_GT) {
          this.i += 2;
          return this.setTok(TK_REDIR, RD_DUP);
        }
        this.i++;
        return this.setTok(TK_REDIR, RD_IN);
      case C_GT:
        if (c1 === C_LPAREN) {
          this.i += 2;
          this.push(M_PAREN, false);
          return this.setTok(TK_SUB_OPEN, SUB_PROC_OUT);
        }
        if (c1 === C_GT) {
          this.i += 2;
          return this.setTok(TK_REDIR, RD_APPEND);
        }
        if (c1 === C_AMP) {
          this.i += 2;
          return this.setTok(TK_REDIR, RD_DUP);
        }
        this.i += c1 === C_PIPE ? 2 : 1;
        return this.setTok(TK_REDIR, RD_OUT);
      case C_LPAREN:
        this.i++;
        if (this.sp > 0 && this.overflow === 0) this.parens[this.sp - 1]!++;
        else if (this.sp === 0) this.topParens++;
        return this.setTok(TK_OPEN, 0);
      case C_RPAREN: {
        const m = this.topMode();
        if (m === M_PAREN && this.overflow === 0 && this.sp > 0 && (this.parens[this.sp - 1] ?? 0) > 0) {
          this.parens[this.sp - 1]!--;
          this.i++;
          return this.setTok(TK_CLOSE, 0);
        }
        if (m === M_PAREN) {
          this.i++;
          this.pendingDq = this.pop();
          return this.setTok(TK_SUB_CLOSE, 0);
        }
        if (m === M_ARITH) {
          if (this.sp > 0 && (this.parens[this.sp - 1] ?? 0) > 0) {
            this.parens[this.sp - 1]!--;
            this.i++;
            return this.setTok(TK_CLOSE, 0);
          }
          this.i += c1 === C_RPAREN ? 2 : 1;
          this.pendingDq = this.pop();
          return this.setTok(TK_SUB_CLOSE, 0);
        }
        if (this.topParens > 0) this.topParens--;
        this.i++;
        return this.setTok(TK_CLOSE, 0);
      }
      case C_BACKTICK:
        this.i++;
        if (this.topMode() === M_BACKTICK) {
          this.pendingDq = this.pop();
          return this.setTok(TK_SUB_CLOSE, 0);
        }
        this.push(M_BACKTICK, false);
        return this.setTok(TK_SUB_OPEN, SUB_BACKTICK);
      case C_DOLLAR:
        if (c1 === C_LPAREN) {
          if (this.code(this.i + 2) === C_LPAREN && !this.inlineArith(this.i)) {
            this.i += 3;
            this.push(M_ARITH, false);
            return this.setTok(TK_SUB_OPEN, SUB_ARITH);
          }
          if (this.code(this.i + 2) !== C_LPAREN) {
            this.i += 2;
            this.push(M_PAREN, false);
            return this.setTok(TK_SUB_OPEN, SUB_DOLLAR);
          }
        }
        return this.readWord();
      case C_SQ:
        if (this.i >= this.lastSingle) return this.qtail();
        return this.readWord();
      case C_DQ:
        if (this.i >= this.lastDouble) return this.qtail();
        return this.readWord();
      case C_BSLASH:
        if ((c1 === 110 || c1 === 114) && this.literalNewlineAt(this.i)) {
          this.i += 2;
          return this.setTok(TK_SEP, SEP_LNL);
        }
        return this.readWord();
      default:
        return this.readWord();
    }
  }

  /** Whether the previous non-blank character ends a command (so `#` starts a comment). */
  private atCommandBoundary(): boolean {
    if (this.i === this.from) return true;
    const p = this.s.charCodeAt(this.i - 1);
    return p === C_SEMI || p === C_AMP || p === C_PIPE || p === C_LF || p === C_CR || p === C_LPAREN;
  }

  /**
   * `\n` / `\r` written as two characters stands where a newline separator would (payload lists carry
   * them literally, and some sinks unescape them). Only treated so at a word start or when the next
   * character cannot continue a word (so `p\nasswd` stays an escaped letter).
   */
  private literalNewlineAt(j: number): boolean {
    const after = this.code(j + 2);
    if (Number.isNaN(after)) return true;
    if (j === this.from) return true;
    const p = this.s.charCodeAt(j - 1);
    if (isWordBoundary(p) || p === C_SQ || p === C_DQ) return true;
    if (!isLowerAlpha(after)) return true;
    if (this.isCommand === undefined) return false;
    // `abc\nuname -a`: the letters after `\n` spell a command followed by a word end.
    let e = j + 2;
    const limit = Math.min(this.n, j + 2 + 16);
    while (e < limit && isIdentChar(this.s.charCodeAt(e))) e++;
    if (e < this.n && !isWordBoundary(this.s.charCodeAt(e)) && this.s.charCodeAt(e) !== C_BSLASH) return false;
    return this.isCommand(this.s.slice(j + 2, e));
  }

  /**
   * Skips redirections of a short plain word (`<a`, `> b`, `<abc`): `<` or `>` alone (a blank, letter,
   * digit or `_` after it: no `<<`, `<(`, `<&`, `<>`, `>>`, `>|`, `>&`, `>(`), then a word of one to
   * five [A-Za-z0-9_] characters starting with a letter or `_`, ended by a blank, `<`, `>` or the end;
   * blanks here are space and tab only (no `+`, line continuation or comment). Each such pair lexes as
   * TK_REDIR (RD_IN / RD_OUT) then TK_WORD (norm = the word, flags W_UNQUOTED), changing none of the
   * lexer's own state but the cursor. Only between tokens, outside quotes and substitutions. Returns
   * how many pairs were skipped (the cursor is after the last word); the caller owns their meaning.
   */
  redirRun(): number {
    if (this.finished || this.pendingOpen !== 0 || this.pendingDq || this.pendingSq) return 0;
    const s = this.s;
    const n = this.n;
    let i = this.i;
    let k = 0;
    /** After the last word skipped (the blanks after it are the next token's to see). */
    let end = i;
    for (;;) {
      while (i < n && (s.charCodeAt(i) === C_SPACE || s.charCodeAt(i) === C_TAB)) i++;
      if (i >= n) break;
      const c = s.charCodeAt(i);
      if (c !== C_LT && c !== C_GT) break;
      let p = i + 1;
      const c1 = p < n ? s.charCodeAt(p) : NaN;
      if (!(c1 === C_SPACE || c1 === C_TAB || isIdentChar(c1))) break;
      while (p < n && (s.charCodeAt(p) === C_SPACE || s.charCodeAt(p) === C_TAB)) p++;
      const w = p;
      if (!(p < n && isIdentStart(s.charCodeAt(p)))) break;
      p++;
      while (p < n && p - w <= 5 && isIdentChar(s.charCodeAt(p))) p++;
      if (p - w > 5) break;
      const d = p < n ? s.charCodeAt(p) : NaN;
      if (p < n && d !== C_SPACE && d !== C_TAB && d !== C_LT && d !== C_GT) break;
      k++;
      i = end = p;
    }
    if (k > 0) this.i = end;
    return k;
  }

  /** Redirections skipped by the last argRun (each stands for a TK_REDIR and its TK_WORD target). */
  runRedirs = 0;

  /**
   * Skips a run of simple words and short redirections between tokens, for a caller that knows such
   * tokens change nothing but counters in its current state (the shell detector's arguments of a
   * record that names no command, or assignments at command position once it keeps no more of them).
   * The caller owns their meaning; the lexer's token fields are left as they were.
   *
   * Items, each after blanks (isBlank characters only: no line continuation, no comment):
   *   - a word of PLAIN characters, `=`, matched '..' segments and matched ".." segments with no `\`,
   *     backtick or `$` inside, ended by a blank, `<`, `>` or the end of the range: to next() a
   *     TK_WORD whose flags hold at most W_UNQUOTED, W_QUOTED, W_ASSIGN and W_LONG, with no
   *     substitution, expansion or lexer state change. With `assignOnly`, the word must also open
   *     with NAME= (up to 64 identifier characters, unquoted): a W_ASSIGN word.
   *   - a redirection as redirRun skips it (`<a`, `> b`): a TK_REDIR (RD_IN / RD_OUT) then a TK_WORD.
   * The last word item of the run is not skipped (nor what follows it): next() returns it, so the
   * caller sees the run's last word as a token (its text, and the token kinds after it, are exact).
   * Returns the number of words skipped; runRedirs holds the redirections skipped. Each character is
   * read at most twice (the unskipped tail is read again by next()): linear.
   */
  argRun(assignOnly: boolean): number {
    this.runRedirs = 0;
    if (this.finished || this.pendingOpen !== 0 || this.pendingDq || this.pendingSq) return 0;
    const s = this.s;
    const n = this.n;
    const lastDouble = this.lastDouble;
    const lastSingle = this.lastSingle;
    let i = this.i;
    let words = 0;
    let redirs = 0;
    // What is committed: the cursor and counts before the last word item seen.
    let cutI = i;
    let cutWords = 0;
    let cutRedirs = 0;
    let sawWord = false;
    scan: for (;;) {
      let j = i;
      let c = 0;
      while (j < n) {
        c = s.charCodeAt(j);
        if (!isBlank(c)) break;
        j++;
      }
      if (j >= n) break;
      if (c === C_LT || c === C_GT) {
        const e = this.redirItem(j);
        if (e < 0) break;
        redirs++;
        i = e;
        continue;
      }
      // A word item (see argRun): PLAIN and `=`, matched quotes; ends at a blank, `<`, `>` or n.
      let k = j;
      if (assignOnly) {
        if (!isIdentStart(c)) break;
        k++;
        while (k < n && k - j <= 64 && isIdentChar(s.charCodeAt(k))) k++;
        if (k >= n || k - j > 64 || s.charCodeAt(k) !== C_EQ) break;
        k++;
      }
      while (k < n) {
        const d = s.charCodeAt(k);
        const a = d < 128 ? (ARG_CLASS[d] as number) : AR_WORD;
        if (a === AR_WORD) {
          k++;
        } else if (a === AR_END) {
          break;
        } else if (d === C_DQ) {
          // Matched (a later `"` exists in range): readDq reads it all as literal text.
          if (k >= lastDouble) break scan;
          k++;
          for (;;) {
            const q = s.charCodeAt(k);
            if (q < 128 && DQ_STOP[q] === 1) {
              if (q !== C_DQ) break scan;
              break;
            }
            k++;
          }
          k++;
        } else if (d === C_SQ) {
          if (k >= lastSingle) break scan;
          k = s.indexOf("'", k + 1) + 1;
        } else {
          break scan;
        }
      }
      cutI = i;
      cutWords = words;
      cutRedirs = redirs;
      sawWord = true;
      words++;
      i = k;
    }
    if (!sawWord) {
      // Redirections only: their targets set no word text the caller keeps; all are skipped.
      cutI = i;
      cutRedirs = redirs;
    }
    this.i = cutI;
    this.runRedirs = cutRedirs;
    return cutWords;
  }

  /** End of the redirection item at `j` (a `<` or `>`), or -1: redirRun's grammar, one pair. */
  private redirItem(j: number): number {
    const s = this.s;
    const n = this.n;
    let p = j + 1;
    const c1 = p < n ? s.charCodeAt(p) : NaN;
    if (!(c1 === C_SPACE || c1 === C_TAB || isIdentChar(c1))) return -1;
    while (p < n && (s.charCodeAt(p) === C_SPACE || s.charCodeAt(p) === C_TAB)) p++;
    const w = p;
    if (!(p < n && isIdentStart(s.charCodeAt(p)))) return -1;
    p++;
    while (p < n && p - w <= 5 && isIdentChar(s.charCodeAt(p))) p++;
    if (p - w > 5) return -1;
    const d = p < n ? s.charCodeAt(p) : NaN;
    if (p < n && d !== C_SPACE && d !== C_TAB && d !== C_LT && d !== C_GT) return -1;
    return p;
  }

  /**
   * After a `$(` opener: skips the `$(` openers that follow it directly (no blank between; a third
   * `(` would make `$((`, not skipped). Each is what next() returns there: TK_SUB_OPEN SUB_DOLLAR,
   * one level pushed. The token fields are set to the last one's. Returns how many were skipped.
   */
  openRun(): number {
    if (this.finished || this.pendingOpen !== 0 || this.pendingDq || this.pendingSq) return 0;
    const s = this.s;
    const n = this.n;
    // The run of `$(` pairs from the cursor, two loads a pair: inside the run the character after a
    // pair is the next pair's `$`, so only the last pair can be followed by the `(` of a `$((`, which
    // makes it no opener (the run then ends before it). Then the pushes, each as push() does it:
    // below MAX_DEPTH a level is stored, past it only counted (overflow), so those are added at
    // once. A loop testing three characters and calling push() per pair was ~2.2 µs/KB on 1 MB of
    // `$($(` (the detector's whole cost there), this ~1.4.
    const i0 = this.i;
    let i = i0;
    while (i + 1 < n && s.charCodeAt(i) === C_DOLLAR && s.charCodeAt(i + 1) === C_LPAREN) i += 2;
    if (i > i0 && i < n && s.charCodeAt(i) === C_LPAREN) i -= 2;
    const k = (i - i0) >> 1;
    if (k > 0) {
      const stored = this.sp < MAX_DEPTH ? Math.min(k, MAX_DEPTH - this.sp) : 0;
      for (let q = 0; q < stored; q++) this.push(M_PAREN, false);
      this.overflow += k - stored;
      this.i = i;
      this.type = TK_SUB_OPEN;
      this.kind = SUB_DOLLAR;
      this.start = i - 2;
      this.end = i;
      this.spaceBefore = false;
    }
    return k;
  }

  /**
   * Whether s[a, b) is a period the shell detector's skipPeriods may skip copies of: a one-character separator `;`, `&` or `|`,
   * then a word of identifier characters and `$` (at most PERIOD_MAX characters in all), the cursor
   * right after it (the word was the last token read). Such a period is two tokens, TK_SEP then
   * TK_WORD, whatever precedes it, and reading them changes none of the lexer's own state (no quote,
   * substitution, brace, bracket or `%` look-up): `$` there is a name (`$a`), a special parameter
   * (`$$`, `$1`) or a literal `$`. What ends each token is the character after it, one of the
   * period's own (the word's first, the next period's separator).
   */
  periodShape(a: number, b: number): boolean {
    if (b - a < 2 || b - a > PERIOD_MAX || b !== this.i || this.finished || this.pendingOpen !== 0 || this.pendingDq || this.pendingSq) return false;
    const s = this.s;
    const c0 = s.charCodeAt(a);
    if (c0 !== C_SEMI && c0 !== C_AMP && c0 !== C_PIPE) return false;
    for (let k = a + 1; k < b; k++) {
      const c = s.charCodeAt(k);
      if (isIdentChar(c)) continue;
      if (c !== C_DOLLAR) return false;
      // `$IFS` is a separator to the lexer (sawIFS, the word ends there): the caller never gets here
      // after one, but a period holding it is refused all the same.
      if (k + 3 < b && s.charCodeAt(k + 1) === 73 && s.charCodeAt(k + 2) === 70 && s.charCodeAt(k + 3) === 83) return false;
    }
    return true;
  }

  /**
   * How many copies of the period s[a, b) (periodShape, b the cursor) stand at the cursor such that
   * each is followed by the period's first character (so its word ends as the period's did, and its
   * separator is read as the period's was), at most `max`. The text from `a` is p-periodic as far as
   * s[x] === s[x - p]: found by native comparisons of PERIOD_BLOCK characters (a slice of a flat
   * string is a view), then a character loop in the block that differs. Linear, moves nothing.
   */
  periodCopies(a: number, b: number, max: number): number {
    const s = this.s;
    const n = this.n;
    const p = b - a;
    const lim = max < (n - b) / p ? b + max * p + 1 : n;
    let x = b;
    while (x + PERIOD_BLOCK <= lim && s.startsWith(s.slice(x - p, x - p + PERIOD_BLOCK), x)) x += PERIOD_BLOCK;
    while (x < lim && s.charCodeAt(x) === s.charCodeAt(x - p)) x++;
    // s[b, x) repeats the period; a copy ending before x is followed by s[a] (the period's start).
    const m = x - b;
    const c = Math.floor(m / p);
    const k = m % p !== 0 ? c : c - 1;
    return k < 0 ? 0 : k > max ? max : k;
  }

  /** Moves the cursor and the current word's bounds `by` characters on (skipPeriods, after periodCopies). */
  shiftWord(by: number): void {
    this.i += by;
    this.start += by;
    this.end += by;
  }

  private qtail(): number {
    this.i = this.n;
    this.finished = true;
    return this.setTok(TK_QTAIL, 0);
  }

  private setTok(type: number, kind: number): number {
    this.type = type;
    this.kind = kind;
    this.end = this.i;
    return type;
  }

  private setEnd(): number {
    this.type = TK_END;
    this.kind = 0;
    this.start = this.end = this.i = this.n;
    this.spaceBefore = true;
    return TK_END;
  }

  /** `$((...))` whose body is a short run of digits (inline: `$((7))z` reads as `7z`). */
  private inlineArith(j: number): boolean {
    const limit = Math.min(this.n, j + 3 + ARITH_SCAN);
    for (let k = j + 3; k < limit; k++) {
      const c = this.s.charCodeAt(k);
      if (c === C_RPAREN) return this.code(k + 1) === C_RPAREN && k > j + 3;
      if (!(isDigit(c) || c === C_SPACE || c === 43 || c === 45 || c === C_STAR || c === 47 || c === C_PERCENT)) {
        return false;
      }
    }
    return false;
  }

  /**
   * Reads one word. Stops before a character that ends a word, before a substitution opener (the
   * opener is returned by the next call), or at an unmatched quote.
   */
  private readWord(): number {
    this.resetWord();
    this.type = TK_WORD;
    this.start = this.i;
    if (this.pendingSq) {
      this.pendingSq = false;
      const j = this.s.indexOf("'", this.i);
      const stop = j < 0 || j >= this.n ? this.n : j;
      this.emptyLead = stop === this.i;
      this.append(this.s.slice(this.i, Math.min(stop, this.i + NORM_CAP + 1)));
      this.flags |= W_QUOTED;
      this.quotedParts++;
      this.i = stop < this.n ? stop + 1 : this.n;
    }
    if (this.pendingDq) {
      this.pendingDq = false;
      this.flags |= W_RESUMED;
      this.emptyLead = this.s.charCodeAt(this.i) === C_DQ;
      if (!this.readDq()) return this.finishWord();
    }
    let winPath = false;
    while (this.i < this.n) {
      const c = this.s.charCodeAt(this.i);
      if (isWordBoundary(c)) break;
      switch (c) {
        case C_SQ: {
          if (this.i >= this.lastSingle) return this.finishWord();
          const j = this.s.indexOf("'", this.i + 1);
          this.append(this.s.slice(this.i + 1, Math.min(j, this.i + 2 + NORM_CAP)));
          this.flags |= W_QUOTED;
          this.quotedParts++;
          this.i = j + 1;
          continue;
        }
        case C_DQ:
          if (this.i >= this.lastDouble) return this.finishWord();
          this.i++;
          if (!this.readDq()) return this.finishWord();
          continue;
        case C_BSLASH: {
          const c1 = this.code(this.i + 1);
          if (Number.isNaN(c1)) {
            this.i++;
            continue;
          }
          if (c1 === C_LF) {
            this.flags |= W_CONT;
            this.i += 2;
            continue;
          }
          if (!winPath && this.norm.length >= 2 && this.norm.charCodeAt(1) === C_COLON) winPath = true;
          if (!winPath && this.norm.length > 0 && this.norm.charCodeAt(0) === C_PERCENT) winPath = true;
          if (!winPath && this.norm.length === 0 && c1 === C_BSLASH && this.unquotedChars === 0) winPath = true;
          if (winPath) {
            this.flags |= W_WINPATH;
            this.appendCode(C_BSLASH);
            this.unquotedChars++;
            this.i++;
            continue;
          }
          if ((c1 === 110 || c1 === 114) && this.literalNewlineAt(this.i)) return this.finishWord();
          if (c1 === 48 && this.code(this.i + 2) === 51 && this.code(this.i + 3) === 51 && this.code(this.i + 4) === C_LBRACK) {
            // `\033[2A`: a terminal control sequence written out; skip it (it hides what follows).
            let k = this.i + 5;
            const limit = Math.min(this.n, k + 16);
            while (k < limit && !isIdentStart(this.s.charCodeAt(k))) k++;
            this.flags |= W_BACKSLASH;
            this.i = k + 1;
            continue;
          }
          if (isIdentChar(c1)) this.flags |= W_BACKSLASH;
          this.appendCode(c1);
          this.unquotedChars++;
          this.i += 2;
          continue;
        }
        case C_DOLLAR:
          if (!this.readDollar(false)) return this.finishWord();
          continue;
        case C_CARET: {
          const c1 = this.code(this.i + 1);
          if (!Number.isNaN(c1) && !isWordBoundary(c1)) {
            this.flags |= W_CARET;
            this.i++;
            continue;
          }
          break;
        }
        case C_EQ:
          if ((this.flags & ~(W_UNQUOTED | W_CARET)) === 0) {
            if (this.assignName === '' && this.isIdentNorm()) {
              this.assignName = this.norm;
              this.flags |= W_ASSIGN;
            }
          }
          break;
        case C_STAR:
        case C_QUEST:
        case C_LBRACK:
          this.flags |= W_GLOB;
          if (this.norm.length >= NORM_CAP) {
            this.capStep(winPath);
            continue;
          }
          break;
        case C_LBRACE:
          this.flags |= W_BRACE;
          break;
        case C_PERCENT:
          if (this.cmdSlice()) continue;
          if (this.norm.length >= NORM_CAP) {
            this.capStep(winPath);
            continue;
          }
          break;
        default: {
          // A run of ordinary characters: appended as one slice. (plainPct: it ends at the next
          // `%`; a native search past the first PLAIN_WALK characters, for long runs only.)
          let e = this.i + 1;
          if (this.plainPct) {
            const lim = e + PLAIN_WALK < this.n ? e + PLAIN_WALK : this.n;
            while (e < lim && this.s.charCodeAt(e) !== C_PERCENT) e++;
            if (e === lim && e < this.n) {
              const q = this.s.indexOf('%', e);
              e = q === -1 ? this.n : q;
            }
          } else {
            while (e < this.n && isPlain(this.s.charCodeAt(e))) e++;
          }
          if (e - this.i > 1) {
            if (e < this.n && this.s.charCodeAt(e) === C_PERCENT && this.norm.length >= NORM_CAP) e = this.cappedRun(e);
            // Past NORM_CAP, append() would only set W_LONG: no slice to make (`%25%25…` as one word).
            if (this.norm.length < NORM_CAP) this.append(this.s.slice(this.i, Math.min(e, this.i + NORM_CAP)));
            else this.flags |= W_LONG;
            this.unquotedChars += e - this.i;
            this.flags |= W_UNQUOTED;
            this.i = e;
            continue;
          }
          if (this.norm.length >= NORM_CAP) {
            this.capStep(winPath);
            continue;
          }
          break;
        }
      }
      this.appendCode(c);
      this.unquotedChars++;
      this.flags |= W_UNQUOTED;
      this.i++;
    }
    return this.finishWord();
  }

  /**
   * The end of readWord's loop for a character appended with norm full (W_LONG), then skipCapped.
   * Taken from the glob, `%` and one-character plain cases only, the ones `/*`, `\.\./` and `%25`
   * runs reach: from the end of the loop, the check cost `\${\${…` (every `{`) more than it saved.
   */
  private capStep(winPath: boolean): void {
    this.flags |= W_LONG | W_UNQUOTED;
    this.unquotedChars++;
    this.i++;
    this.skipCapped(winPath);
  }

  /**
   * With norm full, passes over what follows in the word as readWord's loop would, one table load a
   * character instead of the switch, appendCode and the flag updates each time: plain, glob and `{`
   * characters (CAPPED), a `%` that opens no `%NAME:~` slice, and `\` escapes of a character that is
   * not an identifier character or a line feed (no W_BACKSLASH, no `\n`, `\r` or `\033[` test), when
   * the backslash is not a Windows path's (winPath as the loop would have it: at the cap it can only
   * come from norm's first two characters). Each of these only counts in unquotedChars (an escape
   * pair once) and sets W_LONG (norm is full), W_UNQUOTED (not for an escape), W_GLOB or W_BRACE. It
   * stops at anything else, which the loop reads with the same state. A megabyte of `/*` or `\.\./`
   * (one word) went through the switch a character at a time (~5 µs/KB of the detector's ~10).
   */
  private skipCapped(winPath: boolean): void {
    const s = this.s;
    const n = this.n;
    const esc = !(winPath || this.norm.charCodeAt(1) === C_COLON || this.norm.charCodeAt(0) === C_PERCENT);
    let k = this.i;
    let cls = 0;
    let pairs = 0; // escape pairs passed (two characters, counted once)
    while (k < n) {
      const d = s.charCodeAt(k);
      if (d >= 128) {
        cls |= 1;
        k++;
        continue;
      }
      const t = CAPPED[d] as number;
      if (t !== 0) {
        cls |= t;
        k++;
        continue;
      }
      if (d === C_PERCENT) {
        // Not a `%NAME:~` opener: cmdSlice gives up having changed nothing, and the `%` is appended
        // as a plain character (what cappedRun also relies on); percentStep passes it (and what
        // follows when it can), else it may open one: the loop reads it.
        const e = this.percentStep(k);
        if (e < 0) break;
        cls |= 1;
        k = e;
        continue;
      }
      if (d === C_BSLASH && esc && k + 1 < n) {
        const d1 = s.charCodeAt(k + 1);
        if (d1 !== C_LF && !isIdentChar(d1)) {
          pairs++;
          k += 2;
          continue;
        }
      }
      break;
    }
    if (k === this.i) return;
    let f = W_LONG;
    if (cls !== 0) f |= W_UNQUOTED;
    if (cls & 2) f |= W_GLOB;
    if (cls & 4) f |= W_BRACE;
    this.flags |= f;
    this.unquotedChars += k - this.i - pairs;
    this.i = k;
  }

  private finishWord(): number {
    this.end = this.i;
    this.type = TK_WORD;
    return TK_WORD;
  }

  private isIdentNorm(): boolean {
    const t = this.norm;
    if (t.length === 0 || !isIdentStart(t.charCodeAt(0))) return false;
    for (let k = 1; k < t.length; k++) if (!isIdentChar(t.charCodeAt(k))) return false;
    return true;
  }

  /**
   * Reads the body of a double-quoted string, cursor just after the opening quote. Returns false when
   * a substitution opener (`$(` or a backtick) interrupts it: the word ends there and the opener is the
   * next token; the string resumes after the matching close.
   */
  private readDq(): boolean {
    this.flags |= W_QUOTED;
    this.quotedParts++;
    while (this.i < this.n) {
      const c = this.s.charCodeAt(this.i);
      if (c === C_DQ) {
        this.i++;
        return true;
      }
      if (c === C_BSLASH) {
        const c1 = this.code(this.i + 1);
        if (c1 === C_DOLLAR || c1 === C_BACKTICK || c1 === C_DQ || c1 === C_BSLASH) {
          this.appendCode(c1);
          this.i += 2;
          continue;
        }
        if (c1 === C_LF) {
          this.flags |= W_CONT;
          this.i += 2;
          continue;
        }
        this.appendCode(c);
        this.i++;
        continue;
      }
      if (c === C_BACKTICK) {
        this.i++;
        this.push(M_BACKTICK, true);
        this.pendingOpen = SUB_BACKTICK;
        return false;
      }
      if (c === C_DOLLAR) {
        if (!this.readDollar(true)) return false;
        continue;
      }
      // A run of characters with no meaning inside "..": appended as one slice, as appendCode would
      // have character by character (up to NORM_CAP, then W_LONG). One string per run instead of one
      // per character: `x="<a x="` runs cost a concatenation per character.
      let e = this.i + 1;
      while (e < this.n) {
        const d = this.s.charCodeAt(e);
        if (d === C_DQ || d === C_BSLASH || d === C_BACKTICK || d === C_DOLLAR) break;
        e++;
      }
      const room = NORM_CAP - this.norm.length;
      if (room <= 0) this.flags |= W_LONG;
      else if (e - this.i > room) {
        this.norm += this.s.slice(this.i, this.i + room);
        this.flags |= W_LONG;
      } else this.norm += this.s.slice(this.i, e);
      this.i = e;
    }
    return true;
  }

  /** A substitution opener found inside double quotes, already consumed: next() returns it first. */
  private pendingOpen = 0;

  /**
   * Handles `$` at the cursor inside a word. Returns false when the word must end here (a `$(`
   * substitution opener follows, or `$IFS` acts as a separator).
   */
  private readDollar(inDq: boolean): boolean {
    const j = this.i;
    const c1 = this.code(j + 1);
    if (c1 === C_LPAREN) {
      if (this.code(j + 2) === C_LPAREN && this.inlineArith(j)) {
        // $((digits)) inlined.
        const close = this.s.indexOf('))', j + 3);
        let digits = '';
        for (let k = j + 3; k < close; k++) {
          const d = this.s.charCodeAt(k);
          if (isDigit(d)) digits += String.fromCharCode(d);
        }
        this.append(digits);
        this.flags |= W_ARITH;
        this.i = close + 2;
        return true;
      }
      if (inDq) {
        this.i = j + 2;
        const arith = this.code(j + 2) === C_LPAREN;
        if (arith) this.i++;
        this.push(arith ? M_ARITH : M_PAREN, true);
        this.pendingOpen = arith ? SUB_ARITH : SUB_DOLLAR;
        return false;
      }
      return false; // next() emits the opener
    }
    if (c1 === C_LBRACE) {
      if (this.nextRBrace !== -1 && this.nextRBrace < j + 2) {
        const f = this.s.indexOf('}', j + 2);
        this.nextRBrace = f < 0 || f >= this.n ? -1 : f;
      }
      const close = this.nextRBrace >= 0 && this.nextRBrace - j - 2 <= BRACE_SCAN ? this.nextRBrace : -1;
      if (close < 0) {
        this.appendCode(C_DOLLAR);
        this.i++;
        return true;
      }
      const inner = this.s.slice(j + 2, close);
      this.i = close + 1;
      if (inner.length >= 3 && inner.startsWith('IFS') && (inner.length === 3 || !isIdentChar(inner.charCodeAt(3)))) {
        this.sawIFS = true;
        if (inDq) {
          this.appendCode(C_SPACE);
          return true;
        }
        return false;
      }
      // ${name(...)} / ${@name(...)}: not valid sh; PHP's complex interpolation syntax.
      let k = 0;
      let at = false;
      if (inner.charCodeAt(0) === 64) {
        at = true;
        k = 1;
      }
      let e = k;
      while (e < inner.length && isIdentChar(inner.charCodeAt(e))) e++;
      if (e > k && inner.charCodeAt(e) === C_LPAREN) {
        this.flags |= W_BRACE_CALL;
        this.braceCall = inner.slice(k, Math.min(e, k + 32));
        this.braceCallAt = at;
      }
      // `${!name}` is bash's indirection: it expands the variable that `name` holds, so the variable
      // the word depends on is `name` (`b=a;${!b}` runs what `a` holds).
      const v0 = inner.charCodeAt(0) === 33 && inner.length > 1 && isIdentChar(inner.charCodeAt(1)) ? 1 : 0;
      let v = v0;
      while (v < inner.length && isIdentChar(inner.charCodeAt(v))) v++;
      this.noteVar(inner.slice(v0, v));
      if (v0 === 0 && v > 0 && v < inner.length && inner.charCodeAt(v) === C_COLON) this.bashSlice(inner, v);
      return true;
    }
    if (c1 === C_LBRACK) {
      if (this.nextRBrack !== -1 && this.nextRBrack < j + 2) {
        const f = this.s.indexOf(']', j + 2);
        this.nextRBrack = f < 0 || f >= this.n ? -1 : f;
      }
      const k = this.nextRBrack;
      if (k >= 0 && k - j - 2 <= ARITH_SCAN) {
        this.flags |= k === j + 2 ? W_EMPTY_ARITH | W_ARITH : W_ARITH;
        this.i = k + 1;
        return true;
      }
      this.appendCode(C_DOLLAR);
      this.i++;
      return true;
    }
    if (!inDq && c1 === C_SQ) {
      // $'...' ANSI-C quoting: escapes decoded.
      this.i = j + 2;
      this.flags |= W_QUOTED | W_ANSI;
      this.quotedParts++;
      while (this.i < this.n) {
        const c = this.s.charCodeAt(this.i);
        if (c === C_SQ) {
          this.i++;
          return true;
        }
        if (c === C_BSLASH && this.i + 1 < this.n) {
          this.i = this.ansiEscape(this.i + 1);
          continue;
        }
        this.appendCode(c);
        this.i++;
      }
      return true;
    }
    if (!inDq && c1 === C_DQ) {
      // $"..." locale string: same as "..."
      if (j + 1 >= this.lastDouble) {
        this.i++;
        return true;
      }
      this.i = j + 2;
      return this.readDq();
    }
    if (isIdentStart(c1)) {
      let e = j + 1;
      while (e < this.n && isIdentChar(this.s.charCodeAt(e))) e++;
      const name = this.s.slice(j + 1, Math.min(e, j + 34));
      this.i = e;
      if (name === 'IFS' && e - j === 4) {
        this.sawIFS = true;
        if (inDq) {
          this.appendCode(C_SPACE);
          return true;
        }
        return false;
      }
      this.noteVar(name);
      return true;
    }
    if (isDigit(c1) || c1 === 64 || c1 === C_STAR || c1 === C_QUEST || c1 === C_HASH || c1 === C_BANG || c1 === 45 || c1 === C_DOLLAR) {
      // Special parameters: $1 $@ $* $? $# $! $- $$
      this.noteVar(String.fromCharCode(c1));
      this.i = j + 2;
      return true;
    }
    this.appendCode(C_DOLLAR);
    this.unquotedChars++;
    this.i++;
    return true;
  }

  /**
   * `${NAME:offset}` / `${NAME:offset:length}` (the body, already cut at `}`; `colon` indexes its
   * first `:`). Offsets are digits, ` -N` or `(-N)`; `${x:-default}` is a default value, not a slice.
   * Reads only the body (at most BRACE_SCAN characters), so the lexer stays linear.
   */
  private bashSlice(inner: string, colon: number): void {
    let k = colon + 1;
    let neg = false;
    if (inner.charCodeAt(k) === C_SPACE && inner.charCodeAt(k + 1) === 45) {
      neg = true;
      k += 2;
    } else if (inner.charCodeAt(k) === C_LPAREN && inner.charCodeAt(k + 1) === 45) {
      neg = true;
      k += 2;
    }
    const o = readSmallInt(inner, k);
    if (o.end === k) return;
    k = o.end;
    if (neg && inner.charCodeAt(colon + 1) === C_LPAREN) {
      if (inner.charCodeAt(k) !== C_RPAREN) return;
      k++;
    }
    let len = -1;
    if (k < inner.length) {
      if (inner.charCodeAt(k) !== C_COLON) return;
      const l = readSmallInt(inner, k + 1);
      if (l.end === k + 1 || l.end !== inner.length) return;
      len = l.value;
    }
    const name = inner.slice(0, colon);
    const known = BASH_SOURCES.has(name);
    if (!known && len !== 1) return;
    this.flags |= W_SLICE;
    if (this.slice === '') this.slice = '${' + (inner.length > 24 ? inner.slice(0, 24) : inner) + '}';
    // Only the leading `/` of these variables is certain (PATH=/usr/…, HOME=/home/…, SHELL=/bin/…).
    if (known && !neg && o.value === 0 && len === 1) this.appendCode(47);
  }

  /**
   * cmd.exe substring expansion at the cursor (a `%`): `%NAME:~offset%`, `%NAME:~offset,length%`,
   * either number possibly negative. Consumes it and returns true when it builds characters (see
   * W_SLICE); otherwise consumes nothing. Looks ahead at most 48 characters.
   */
  private cmdSlice(): boolean {
    const s = this.s;
    const a = this.i + 1;
    const limit = Math.min(this.n, a + 48);
    let k = this.cmdSliceName(this.i);
    if (k < 0) return false;
    const name = s.slice(a, k).toLowerCase();
    k += 2;
    const negOff = s.charCodeAt(k) === 45;
    if (negOff) k++;
    const o = readSmallInt(s, k, limit);
    if (o.end === k) return false;
    k = o.end;
    let len: number | undefined;
    let negLen = false;
    if (s.charCodeAt(k) === 44) {
      k++;
      negLen = s.charCodeAt(k) === 45;
      if (negLen) k++;
      const l = readSmallInt(s, k, limit);
      if (l.end === k) return false;
      len = l.value;
      k = l.end;
    }
    if (k >= limit || s.charCodeAt(k) !== C_PERCENT) return false;
    const value = CMD_VALUES.get(name);
    if (value === undefined && !(len === 1 && !negLen)) return false;
    this.flags |= W_SLICE;
    if (this.slice === '') this.slice = s.slice(this.i, k + 1);
    if (value !== undefined) {
      // cmd.exe's rules: a negative offset counts from the end, a negative length leaves characters off it.
      const L = value.length;
      const from = negOff ? Math.max(0, L - o.value) : Math.min(L, o.value);
      const to = len === undefined ? L : negLen ? Math.max(from, L - len) : Math.min(L, from + len);
      this.append(value.slice(from, to));
    }
    this.unquotedChars++;
    this.flags |= W_UNQUOTED;
    this.i = k + 1;
    return true;
  }

  /**
   * A plain run inside a word whose norm is already NORM_CAP long stopped at a `%` (at `e`): where the
   * run can go on to. Past the cap a character only counts (unquotedChars, W_UNQUOTED, W_LONG), and
   * so does a `%` that opens no `%NAME:~` slice (cmdSlice refuses it unchanged, then it is appended),
   * so the run goes on over plain characters and such `%`. (Below the cap it may not: append() of
   * one longer run flags W_LONG otherwise than the pieces did.) 1 MB of `%25%25…` was a switch and a
   * cmdSlice call per `%`; cmdSliceName reads the name after each `%` again: two reads per character.
   * So the `%` and the identifier characters after it are passed at once when cmdSliceName's walk
   * would provably stop at the same place and answer -1 (see passPercent).
   */
  private cappedRun(e: number): number {
    const s = this.s;
    const n = this.n;
    for (;;) {
      if (e >= n || s.charCodeAt(e) !== C_PERCENT) return e;
      const f = this.percentStep(e);
      if (f < 0) return e;
      e = f;
      while (e < n && isPlain(s.charCodeAt(e))) e++;
    }
  }

  /**
   * Past NORM_CAP, for the `%` at `k` (cappedRun, skipCapped): where the characters from `k` that
   * only count end, the `%` opening no slice (cmdSlice gives up having changed nothing; the `%` is a
   * plain character): after it, after the identifier characters after it (passPercent), or, with
   * plainPct, at `inertTo` (all before it is plain characters and inert `%`). -1: it may open one,
   * for the caller's loop to read. `inertTo`, `askAt`: inertBelow's last answers (a `%` below
   * `inertTo` opens no slice; one below `askAt` past it gets no other answer), kept while the
   * cursor moves on.
   */
  private percentStep(k: number): number {
    if (k >= this.inertTo && k >= this.askAt) {
      this.inertTo = this.inertBelow(k);
      this.askAt = this.tildeAsk;
    }
    if (k < this.inertTo) return this.plainPct ? this.inertTo : k + 1;
    const e = this.passPercent(k);
    if (e > k) return e;
    return this.cmdSliceName(k) >= 0 ? -1 : k + 1;
  }

  private inertTo = -1;
  private askAt = -1;

  /**
   * A bound B such that no `%` at any q in [p, B) opens a `%NAME:~` slice (B <= p: none known), by
   * one native search: cmdSliceName(q) answers -1 unless a `:~` starts at some k in [q + 2, q + 34]
   * (its walk stops at q + 34 at the latest, and k = q + 1 is an empty name). With t the first `:~`
   * at or after p + 2 (none: every such `%`), the first one at or after q + 2 is t or later, so every
   * `%` at q < t - 34 opens none: it is appended as a plain character (cmdSlice gives up having
   * changed nothing), which past NORM_CAP only counts. Only for a lexer whose range ends where the
   * string does (`n` is its length): the search never reads past the range, and this lexer's searches
   * go forward from where the last one stopped (the cache is kept while `p` moves on and the `:~`
   * found is still ahead), so they read the range about once: linear. A sub-range lexer (an attribute
   * value) gets p and takes the walk, as before. cappedRun and skipCapped read 1 MB of `%41%42x` (one
   * word) with passPercent's walk of the identifier characters after every `%` and a loop entry per
   * run between them (~5 µs/KB, the detector's whole cost there).
   */
  private inertBelow(p: number): number {
    if (this.n !== this.s.length) {
      this.tildeAsk = this.n;
      return p;
    }
    let t = this.nextTilde;
    if (t === -2 || p < this.tildeFrom || (t !== -1 && t < p + 2)) {
      // A `:~` found and passed: where they are dense (`%a:~1,` runs) a search per `%` would cost a
      // native call each on top of the walk; the walk answers alone until 64 characters on.
      if (t >= 0 && p >= this.tildeFrom && p < this.tildeFrom + 64) {
        this.tildeAsk = this.tildeFrom + 64;
        return p;
      }
      t = this.s.indexOf(':~', p + 2);
      this.nextTilde = t;
      this.tildeFrom = p;
    }
    // The answer holds until `t` is passed (p + 2 > t) at the earliest.
    this.tildeAsk = t === -1 ? this.n : t - 1;
    return t === -1 ? this.n : t - 34;
  }

  /**
   * Set by inertBelow(p) when it answers p or less: no `%` before this position gets another answer
   * (the same `:~`, or the pause after one), so a caller need not ask again before it.
   */
  private tildeAsk = 0;

  /**
   * For the `%` at `p`: the end of the identifier characters after it, when they end within 32
   * characters and before `n` at a character that is not `(`, `)` or `:`. cmdSliceName's walk stops
   * there too (its limits are 33 and 48 characters) and answers -1, so the `%` opens no slice and it
   * and those characters (plain) only count. `p` otherwise: cmdSliceName must answer.
   */
  private passPercent(p: number): number {
    const s = this.s;
    const n = this.n;
    let e = p + 1;
    while (e < n && e - p <= 32 && isIdentChar(s.charCodeAt(e))) e++;
    if (e >= n || e - p > 32) return p;
    const stop = s.charCodeAt(e);
    return stop === C_LPAREN || stop === C_RPAREN || stop === C_COLON ? p : e;
  }

  /**
   * For the `%` at `p`: the end of the NAME of a `%NAME:~` opener (cmdSlice's first test), or -1 when
   * none follows, where cmdSlice gives up having changed nothing.
   */
  private cmdSliceName(p: number): number {
    const s = this.s;
    const a = p + 1;
    const limit = Math.min(this.n, a + 48);
    let k = a;
    while (k < limit && k - a <= 32) {
      const c = s.charCodeAt(k);
      if (!(isIdentChar(c) || c === C_LPAREN || c === C_RPAREN)) break;
      k++;
    }
    if (k === a || s.charCodeAt(k) !== C_COLON || s.charCodeAt(k + 1) !== 126) return -1;
    return k;
  }

  /** Decodes one ANSI-C escape whose letter is at `k`; returns the index after it. */
  private ansiEscape(k: number): number {
    const c = this.s.charCodeAt(k);
    if (c === 120) {
      // \xHH
      let v = 0;
      let e = k + 1;
      while (e < this.n && e < k + 3) {
        const h = hexVal(this.s.charCodeAt(e));
        if (h < 0) break;
        v = v * 16 + h;
        e++;
      }
      if (e > k + 1) this.appendCode(v);
      return e;
    }
    if (c >= 48 && c <= 55) {
      let v = 0;
      let e = k;
      while (e < this.n && e < k + 3) {
        const d = this.s.charCodeAt(e);
        if (d < 48 || d > 55) break;
        v = v * 8 + (d - 48);
        e++;
      }
      this.appendCode(v);
      return e;
    }
    this.appendCode(ANSI_ESCAPES[c] ?? c);
    return k + 1;
  }
}

/** Up to six decimal digits at `k` (before `limit`): their value and where they end (`end === k`: none). */
function readSmallInt(s: string, k: number, limit = s.length): { value: number; end: number } {
  let v = 0;
  let e = k;
  while (e < limit && e - k < 6 && isDigit(s.charCodeAt(e))) v = v * 10 + s.charCodeAt(e++) - 48;
  return { value: v, end: e };
}

/** Variables whose value is a path on every Unix host: any slice of them builds characters. */
const BASH_SOURCES: ReadonlySet<string> = new Set(['PATH', 'HOME', 'PWD', 'OLDPWD', 'SHELL', 'TMPDIR', 'MAIL', 'LS_COLORS', 'BASH']);

/**
 * Variables every Windows host defines with a standard value (lower-case names), for cmd.exe slices:
 * `%COMSPEC:~-7,3%` is `cmd`, `%ProgramFiles:~10,1%` a blank. Installations on another drive or
 * folder give other characters; a slice of these is character-building all the same.
 */
const CMD_VALUES: ReadonlyMap<string, string> = new Map([
  ['comspec', 'C:\\Windows\\system32\\cmd.exe'],
  ['programfiles', 'C:\\Program Files'],
  ['programfiles(x86)', 'C:\\Program Files (x86)'],
  ['programw6432', 'C:\\Program Files'],
  ['commonprogramfiles', 'C:\\Program Files\\Common Files'],
  ['systemroot', 'C:\\Windows'],
  ['windir', 'C:\\Windows'],
  ['programdata', 'C:\\ProgramData'],
  ['allusersprofile', 'C:\\ProgramData'],
  ['public', 'C:\\Users\\Public'],
  ['systemdrive', 'C:'],
  ['os', 'Windows_NT'],
  ['pathext', '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC'],
]);

const ANSI_ESCAPES: Readonly<Record<number, number>> = { 110: 10, 116: 9, 114: 13, 97: 7, 98: 8, 101: 27, 102: 12, 118: 11 };

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
