/**
 * JavaScript source analysis for `eval`, `new Function` and `vm`. A small tokenizer finds string
 * literals, template chunks, comments, regular expression literals, numbers, names and punctuators.
 * An input is an injection when it is not contained in one token (it closed a string, opened a
 * comment, or added names, calls and operators) and is not a JSON value (data, not code, which is
 * what `eval('(' + json + ')')` in old code expects).
 */
import type { UserInput } from '../context';
import { occurrences, spanIsContained, type Tok, type Verdict } from './common';

export const J_STR = 1;
export const J_TEMPLATE = 2;
export const J_COMMENT = 3;
export const J_REGEX = 4;
export const J_NUM = 5;
export const J_NAME = 6;
export const J_PUNCT = 7;

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 0x80;
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** Tokens of a script. Linear; never throws. */
export function tokenizeJs(src: string): Tok[] {
  const toks: Tok[] = [];
  const n = src.length;
  const push = (kind: number, start: number, end: number, cs = start, ce = end, closed = true): void => {
    toks.push({ kind, start, end, cs, ce, closed });
  };
  /** Template nesting: for each open `${`, the brace depth at which it closes. */
  const templ: number[] = [];
  let braces = 0;
  const regexAllowed = (): boolean => {
    const t = toks[toks.length - 1];
    if (!t) return true;
    if (t.kind === J_NUM || t.kind === J_STR || t.kind === J_TEMPLATE || t.kind === J_REGEX) return false;
    if (t.kind === J_NAME) return REGEX_AFTER_WORD.has(src.slice(t.start, t.end));
    const p = src.slice(t.start, t.end);
    return p !== ')' && p !== ']' && p !== '}' && p !== '++' && p !== '--';
  };
  /** Reads a template chunk starting after its opening delimiter (` or }); returns the next index. */
  const templateChunk = (start: number, contentStart: number): number => {
    let j = contentStart;
    while (j < n) {
      const c = src.charCodeAt(j);
      if (c === 92) {
        j += 2;
        continue;
      }
      if (c === 96) {
        push(J_TEMPLATE, start, j + 1, contentStart, j, true);
        return j + 1;
      }
      if (c === 36 && src.charCodeAt(j + 1) === 123) {
        push(J_TEMPLATE, start, j + 2, contentStart, j, true);
        templ.push(braces);
        braces++;
        return j + 2;
      }
      j++;
    }
    push(J_TEMPLATE, start, n, contentStart, n, false);
    return n;
  };
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) {
      i++;
      continue;
    }
    const c1 = src.charCodeAt(i + 1);
    if (c === 47 && c1 === 47) {
      let j = i + 2;
      while (j < n && src.charCodeAt(j) !== 10 && src.charCodeAt(j) !== 13) j++;
      push(J_COMMENT, i, j, i + 2, j, true);
      i = j;
      continue;
    }
    if (c === 47 && c1 === 42) {
      const close = src.indexOf('*/', i + 2);
      if (close === -1) push(J_COMMENT, i, n, i + 2, n, false);
      else push(J_COMMENT, i, close + 2, i + 2, close, true);
      i = close === -1 ? n : close + 2;
      continue;
    }
    if (c === 39 || c === 34) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === 92) {
          j += 2;
          continue;
        }
        if (d === c || d === 10 || d === 13) break;
        j++;
      }
      const closed = j < n && src.charCodeAt(j) === c;
      push(J_STR, i, closed ? j + 1 : j, i + 1, j, closed);
      i = closed ? j + 1 : j;
      continue;
    }
    if (c === 96) {
      i = templateChunk(i, i + 1);
      continue;
    }
    if (c === 125 && templ.length > 0 && templ[templ.length - 1] === braces - 1) {
      templ.pop();
      braces--;
      i = templateChunk(i, i + 1);
      continue;
    }
    if (c === 47 && regexAllowed()) {
      let j = i + 1;
      let cls = false;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === 92) {
          j += 2;
          continue;
        }
        if (d === 10 || d === 13) break;
        if (d === 91) cls = true;
        else if (d === 93) cls = false;
        else if (d === 47 && !cls) break;
        j++;
      }
      const closed = j < n && src.charCodeAt(j) === 47;
      let end = closed ? j + 1 : j;
      while (end < n && isIdPart(src.charCodeAt(end))) end++;
      push(J_REGEX, i, end, i + 1, j, closed);
      i = end;
      continue;
    }
    if ((c >= 48 && c <= 57) || (c === 46 && c1 >= 48 && c1 <= 57)) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (isIdPart(d) || d === 46) j++;
        else if ((d === 43 || d === 45) && (src.charCodeAt(j - 1) | 0x20) === 101 && !/^0[xX]/.test(src.slice(i, i + 2))) j++;
        else break;
      }
      push(J_NUM, i, j);
      i = j;
      continue;
    }
    if (isIdStart(c) || c === 92) {
      let j = i + 1;
      while (j < n && (isIdPart(src.charCodeAt(j)) || src.charCodeAt(j) === 92)) j++;
      push(J_NAME, i, j);
      i = j;
      continue;
    }
    if (c === 123) braces++;
    else if (c === 125) braces = Math.max(0, braces - 1);
    // Punctuators: longest of the common multi-character ones.
    const four = src.slice(i, i + 4);
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    const len =
      four === '>>>=' ? 4 : ['===', '!==', '**=', '<<=', '>>=', '>>>', '...', '&&=', '||=', '??='].includes(three) ? 3 : ['=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>'].includes(two) ? 2 : 1;
    push(J_PUNCT, i, i + len);
    i += len;
  }
  return toks;
}

function delimited(kind: number): boolean {
  return kind === J_STR || kind === J_TEMPLATE || kind === J_COMMENT || kind === J_REGEX;
}

function isJsonValue(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Finds an input that changes the structure of the JavaScript `code`. */
export function checkJs(code: string, inputs: readonly UserInput[]): Verdict | undefined {
  let tokens: Tok[] | undefined;
  for (const input of inputs) {
    const u = input.value;
    if (u.length > code.length) continue;
    const at = occurrences(code, u);
    if (at.length === 0) continue;
    tokens ??= tokenizeJs(code);
    for (const s of at) {
      const r = spanIsContained(tokens, s, s + u.length, delimited);
      if (r.safe) continue;
      // A JSON value that stands on its own tokens is data: `eval('(' + '{"a":1}' + ')')` runs nothing.
      // It must start and end on token boundaries, or it may be closing a literal of the code around it.
      const first = r.covered[0];
      const last = r.covered[r.covered.length - 1];
      const lead = u.length - u.trimStart().length;
      const trail = u.length - u.trimEnd().length;
      if (first && last && first.start === s + lead && last.end === s + u.length - trail && isJsonValue(u)) continue;
      // A signed number.
      if (r.covered.length === 2 && /^\s*[-+]\s*\d/.test(u)) continue;
      return { input, reason: `Input adds JavaScript code (spans ${r.covered.length} tokens or leaves a literal) to the evaluated source.` };
    }
  }
  return undefined;
}
