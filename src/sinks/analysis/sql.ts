/**
 * SQL statement analysis per dialect. A small linear tokenizer finds string literals, quoted names,
 * comments, numbers, words, parameters and operators the way the given database does (backslash
 * escapes in MySQL strings, not in standard PostgreSQL or SQLite strings; `$tag$` quoting in
 * PostgreSQL; `#` comments in MySQL; `"x"` a name in PostgreSQL and SQLite, a string in MySQL). An
 * input is an injection when its occurrence in the statement is not contained in one token: it closed
 * a literal, opened a comment, or added words and operators.
 */
import type { UserInput } from '../context';
import { isWord, occurrences, spanIsContained, type Tok, type Verdict } from './common';

export type SqlDialect = 'generic' | 'mysql' | 'postgres' | 'sqlite';

export const S_STR = 1;
export const S_QID = 2;
export const S_COMMENT = 3;
export const S_NUM = 4;
export const S_WORD = 5;
export const S_PARAM = 6;
export const S_OP = 7;
export const S_PUNCT = 8;
export const S_DOT = 9;
export const S_COMMA = 10;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
}
function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c) || c === 36;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
}

const OPS3 = new Set(['<=>', '->>', '!~*']);
const OPS2 = new Set(['<=', '>=', '<>', '!=', '||', '&&', '::', ':=', '->', '<<', '>>', '==', '~*', '!~', '@>', '<@', '#>', '?|', '?&']);

/** Tokens of a statement. Never throws; unterminated literals run to the end with `closed: false`. */
export function tokenizeSql(q: string, dialect: SqlDialect): Tok[] {
  const toks: Tok[] = [];
  const n = q.length;
  const mysql = dialect === 'mysql' || dialect === 'generic';
  const push = (kind: number, start: number, end: number, cs = start, ce = end, closed = true): void => {
    toks.push({ kind, start, end, cs, ce, closed });
  };
  /** A quoted run from `i` (the opening quote) with `q`-doubling and optional backslash escapes. */
  const quoted = (kind: number, start: number, i: number, close: number, backslash: boolean): number => {
    let j = i + 1;
    while (j < n) {
      const c = q.charCodeAt(j);
      if (backslash && c === 92) {
        j += 2;
        continue;
      }
      if (c === close) {
        if (q.charCodeAt(j + 1) === close) {
          j += 2;
          continue;
        }
        push(kind, start, j + 1, i + 1, j, true);
        return j + 1;
      }
      j++;
    }
    push(kind, start, n, i + 1, n, false);
    return n;
  };
  let i = 0;
  while (i < n) {
    const c = q.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const c1 = q.charCodeAt(i + 1);
    // Comments.
    if (c === 45 && c1 === 45 && (dialect !== 'mysql' || i + 2 >= n || isSpace(q.charCodeAt(i + 2)) || q.charCodeAt(i + 2) < 32)) {
      let j = i + 2;
      while (j < n && q.charCodeAt(j) !== 10) j++;
      push(S_COMMENT, i, j, i + 2, j, true);
      i = j;
      continue;
    }
    if (c === 35 && mysql) {
      let j = i + 1;
      while (j < n && q.charCodeAt(j) !== 10) j++;
      push(S_COMMENT, i, j, i + 1, j, true);
      i = j;
      continue;
    }
    if (c === 47 && c1 === 42) {
      // MySQL `/*! ... */` is code: emit the delimiters as punctuation and tokenize the inside.
      if (mysql && q.charCodeAt(i + 2) === 33) {
        push(S_PUNCT, i, i + 3);
        i += 3;
        continue;
      }
      if (dialect !== 'postgres') {
        const close = q.indexOf('*/', i + 2);
        if (close === -1) push(S_COMMENT, i, n, i + 2, n, false);
        else push(S_COMMENT, i, close + 2, i + 2, close, true);
        i = close === -1 ? n : close + 2;
        continue;
      }
      // PostgreSQL block comments nest.
      let depth = 1;
      let j = i + 2;
      let contentEnd = n;
      while (j < n) {
        if (q.charCodeAt(j) === 42 && q.charCodeAt(j + 1) === 47) {
          depth--;
          if (depth === 0) {
            contentEnd = j;
            j += 2;
            break;
          }
          j += 2;
          continue;
        }
        if (q.charCodeAt(j) === 47 && q.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
          continue;
        }
        j++;
      }
      push(S_COMMENT, i, Math.min(j, n), i + 2, contentEnd, depth === 0);
      i = Math.min(j, n);
      continue;
    }
    if (c === 42 && c1 === 47 && mysql) {
      push(S_PUNCT, i, i + 2); // end of a `/*!` block
      i += 2;
      continue;
    }
    // Strings and quoted names.
    if (c === 39) {
      i = quoted(S_STR, i, i, 39, mysql);
      continue;
    }
    if (c === 34) {
      i = mysql ? quoted(S_STR, i, i, 34, true) : quoted(S_QID, i, i, 34, false);
      continue;
    }
    if (c === 96) {
      i = quoted(S_QID, i, i, 96, false);
      continue;
    }
    if (c === 91 && (dialect === 'sqlite' || dialect === 'generic')) {
      let j = i + 1;
      while (j < n && q.charCodeAt(j) !== 93) j++;
      push(S_QID, i, Math.min(j + 1, n), i + 1, j, j < n);
      i = Math.min(j + 1, n);
      continue;
    }
    // PostgreSQL dollar quoting: $$...$$ or $tag$...$tag$; `$1` is a parameter.
    if (c === 36 && (dialect === 'postgres' || dialect === 'generic')) {
      if (isDigit(c1)) {
        let j = i + 1;
        while (j < n && isDigit(q.charCodeAt(j))) j++;
        push(S_PARAM, i, j);
        i = j;
        continue;
      }
      let j = i + 1;
      while (j < n && isWordPart(q.charCodeAt(j)) && q.charCodeAt(j) !== 36) j++;
      if (q.charCodeAt(j) === 36) {
        const tag = q.slice(i, j + 1);
        const end = q.indexOf(tag, j + 1);
        if (end === -1) push(S_STR, i, n, j + 1, n, false);
        else push(S_STR, i, end + tag.length, j + 1, end, true);
        i = end === -1 ? n : end + tag.length;
        continue;
      }
    }
    if (isDigit(c) || (c === 46 && isDigit(c1))) {
      let j = i;
      if (c === 48 && (c1 === 120 || c1 === 88 || c1 === 98 || c1 === 66)) {
        j += 2;
        while (j < n && /[0-9a-fA-F_]/.test(q[j]!)) j++;
      } else {
        while (j < n && (isDigit(q.charCodeAt(j)) || q.charCodeAt(j) === 46 || q.charCodeAt(j) === 95)) j++;
        const e = q.charCodeAt(j);
        if ((e === 101 || e === 69) && (isDigit(q.charCodeAt(j + 1)) || ((q.charCodeAt(j + 1) === 43 || q.charCodeAt(j + 1) === 45) && isDigit(q.charCodeAt(j + 2))))) {
          j += 2;
          while (j < n && isDigit(q.charCodeAt(j))) j++;
        }
      }
      // `1abc` in MySQL is a name; either way it is one token.
      while (j < n && isWordPart(q.charCodeAt(j))) j++;
      push(S_NUM, i, j);
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(q.charCodeAt(j))) j++;
      // Prefixed strings: N'..', X'..', B'..', E'..', U&'..', _utf8'..'.
      const nx = q.charCodeAt(j);
      if (nx === 39 && (j - i === 1 || q.charCodeAt(i) === 95)) {
        const backslash = mysql || (dialect === 'postgres' && (c === 69 || c === 101));
        i = quoted(S_STR, i, j, 39, backslash);
        continue;
      }
      push(S_WORD, i, j);
      i = j;
      continue;
    }
    if (c === 63 || ((c === 58 || c === 64) && isWordStart(c1))) {
      let j = i + 1;
      if (c === 64 && c1 === 64) j++;
      while (j < n && isWordPart(q.charCodeAt(j))) j++;
      push(S_PARAM, i, j);
      i = j;
      continue;
    }
    if (c === 46) {
      push(S_DOT, i, i + 1);
      i++;
      continue;
    }
    if (c === 44) {
      push(S_COMMA, i, i + 1);
      i++;
      continue;
    }
    if (c === 40 || c === 41 || c === 59 || c === 91 || c === 93 || c === 123 || c === 125) {
      push(S_PUNCT, i, i + 1);
      i++;
      continue;
    }
    const three = q.slice(i, i + 3);
    const two = q.slice(i, i + 2);
    const len = OPS3.has(three) ? 3 : OPS2.has(two) ? 2 : 1;
    push(S_OP, i, i + len);
    i += len;
  }
  return toks;
}

function delimited(kind: number): boolean {
  return kind === S_STR || kind === S_QID || kind === S_COMMENT;
}

/** Token shapes that span several tokens but are still one value: `-5`, `users.name`, `1, 2, 3`. */
function isHarmlessShape(q: string, covered: readonly Tok[]): boolean {
  const kinds = covered.map((t) => t.kind);
  // Signed number.
  if (kinds.length === 2 && kinds[1] === S_NUM && kinds[0] === S_OP && (q[covered[0]!.start] === '-' || q[covered[0]!.start] === '+')) {
    return covered[0]!.end - covered[0]!.start === 1;
  }
  // Qualified name: word(.word)+ — the covered span must be exactly that.
  if (kinds.length >= 3 && kinds.length % 2 === 1 && kinds.every((k, i) => (i % 2 === 0 ? k === S_WORD || k === S_QID : k === S_DOT))) return true;
  // Number list: num(,num)+ .
  if (kinds.length >= 3 && kinds.length % 2 === 1 && kinds.every((k, i) => (i % 2 === 0 ? k === S_NUM : k === S_COMMA))) return true;
  return false;
}

/**
 * Finds an input that changes the structure of `query`. Matching is case-insensitive (applications
 * upper- or lower-case values); `lowered` are the inputs lower-cased, index-aligned.
 */
export function checkSql(query: string, inputs: readonly UserInput[], lowered: readonly string[], dialect: SqlDialect): Verdict | undefined {
  let tokens: Tok[] | undefined;
  let lq: string | undefined;
  let fold = true;
  for (let k = 0; k < inputs.length; k++) {
    const input = inputs[k]!;
    const u = lowered[k] ?? input.value.toLowerCase();
    if (u.length > query.length || isWord(u)) continue;
    if (lq === undefined) {
      lq = query.toLowerCase();
      // toLowerCase can change length for a few code points; then offsets no longer line up.
      if (lq.length !== query.length) {
        lq = query;
        fold = false;
      }
    }
    const at = fold && u.length === input.value.length ? occurrences(lq, u) : occurrences(query, input.value);
    if (at.length === 0) continue;
    tokens ??= tokenizeSql(query, dialect);
    for (const s of at) {
      const e = s + u.length;
      const r = spanIsContained(tokens, s, e, delimited);
      if (r.safe) continue;
      if (r.covered.length > 1 && isHarmlessShape(query, r.covered)) continue;
      const t = r.covered.find((x) => delimited(x.kind) && (s < x.cs || e > x.ce || !x.closed));
      const what =
        r.covered.length === 1 && t
          ? t.kind === S_COMMENT
            ? 'opens or closes a comment'
            : t.closed
              ? 'closes a quoted literal'
              : 'leaves a quoted literal unterminated'
          : `spans ${r.covered.length} SQL tokens`;
      return { input, reason: `Input ${what} in the ${dialect === 'generic' ? 'SQL' : dialect} statement.` };
    }
  }
  return undefined;
}
