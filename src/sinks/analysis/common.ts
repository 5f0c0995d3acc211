/** What the analyzers share: finding where an input occurs in an operation. */
import type { UserInput } from '../context';

/** Why an operation is unsafe, and which input made it so. */
export interface Verdict {
  input: UserInput;
  reason: string;
}

/** Start offsets of `needle` in `haystack`, at most `max` of them (non-overlapping scan). */
export function occurrences(haystack: string, needle: string, max = 16): number[] {
  const out: number[] = [];
  if (needle.length === 0) return out;
  let i = haystack.indexOf(needle);
  while (i !== -1 && out.length < max) {
    out.push(i);
    i = haystack.indexOf(needle, i + 1);
  }
  return out;
}

/** True for `[A-Za-z0-9_]+`: a bare word cannot span two tokens of any language checked here. */
export function isWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return false;
  }
  return true;
}

/** A token with its span and, for delimited tokens (strings, quoted names, comments), the content span. */
export interface Tok {
  kind: number;
  start: number;
  end: number;
  /** Content start/end for delimited tokens; equal to start/end otherwise. */
  cs: number;
  ce: number;
  /** Delimited token whose closing delimiter was found. */
  closed: boolean;
}

/**
 * The structural test shared by the SQL and JavaScript analyzers: the input at [s, e) is harmless when
 * it lies inside the content of one closed delimited token (a string literal, a quoted name, a comment)
 * or inside one bare token (word, number, operator). Anything else means the input produced a token
 * boundary or a delimiter: it changed the structure.
 */
export function spanIsContained(tokens: readonly Tok[], s: number, e: number, isDelimited: (kind: number) => boolean): { safe: boolean; covered: Tok[] } {
  const covered: Tok[] = [];
  // Binary search the first token ending after s.
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.end <= s) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.start >= e) break;
    covered.push(t);
  }
  if (covered.length === 0) return { safe: true, covered };
  if (covered.length > 1) return { safe: false, covered };
  const t = covered[0]!;
  if (isDelimited(t.kind)) return { safe: t.closed && s >= t.cs && e <= t.ce, covered };
  return { safe: true, covered };
}
