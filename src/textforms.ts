/**
 * Readers for the text bodies that are neither one JSON document nor a form: line-delimited JSON,
 * CSV, YAML, and JSON that does not parse. The whole text is always inspected as well; these readings
 * exist because inside such a text a value is quoted and escaped (`"1"")) or 1=1--"` in CSV,
 * `"x\" or 1=1--"` in YAML or broken JSON), and a detector reading the text as a whole sees the
 * escapes, not the value the application's CSV, YAML or JSON reader hands the handler.
 *
 * Each reader is one linear pass, never throws, and produces at most `max` values (the engine's
 * maxStrings): an attacker sets the body's size, not the work per byte.
 */

/** The RFC 8259 escape after a backslash (`n` → newline); -1 for an unknown one (kept verbatim). */
function simpleEscape(c: number): number {
  switch (c) {
    case 34: // "
    case 92: // \
    case 47: // /
      return c;
    case 98:
      return 8; // b
    case 102:
      return 12; // f
    case 110:
      return 10; // n
    case 114:
      return 13; // r
    case 116:
      return 9; // t
    case 48:
      return 0; // 0 (YAML, JSON5)
    default:
      return -1;
  }
}

function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
}

/** The value of `digits` hex digits at `i`, or -1. */
function hexAt(s: string, i: number, digits: number): number {
  if (i + digits > s.length) return -1;
  let v = 0;
  for (let k = i; k < i + digits; k++) {
    const d = hexDigit(s.charCodeAt(k));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * Reads a double-quoted literal whose opening quote is at `open`, with JSON's escapes (and YAML's
 * `\0`, `\xXX`): the decoded text and the index after the closing quote (the end of the line or text
 * when it is never closed: a truncated body still holds the value).
 */
function readDoubleQuoted(s: string, open: number, stopAtNewline: boolean): { text: string; end: number } {
  let out = '';
  let last = open + 1;
  let i = open + 1;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) break;
    if (stopAtNewline && c === 10) break;
    if (c !== 92 || i + 1 >= s.length) continue;
    out += s.slice(last, i);
    const e = s.charCodeAt(i + 1);
    const simple = simpleEscape(e);
    if (simple >= 0) {
      out += String.fromCharCode(simple);
      i += 1;
    } else if (e === 117 /* u */ && hexAt(s, i + 2, 4) >= 0) {
      out += String.fromCharCode(hexAt(s, i + 2, 4));
      i += 5;
    } else if (e === 120 /* x */ && hexAt(s, i + 2, 2) >= 0) {
      out += String.fromCharCode(hexAt(s, i + 2, 2));
      i += 3;
    } else {
      out += s[i + 1] ?? '';
      i += 1;
    }
    last = i + 1;
  }
  out += s.slice(last, i);
  return { text: out, end: i + 1 };
}

/**
 * A field quoted with `q` in which a doubled quote stands for one (CSV's `""`, YAML's `''`), from its
 * opening quote at `open`, read no further than `limit`: its text, and where it closes (`limit` when
 * it does not).
 */
function readDoubled(s: string, open: number, limit: number, q: number): { text: string; close: number } {
  let out = '';
  let last = open + 1;
  let j = open + 1;
  for (; j < limit; j++) {
    if (s.charCodeAt(j) !== q) continue;
    if (s.charCodeAt(j + 1) !== q) break;
    out += s.slice(last, j + 1);
    j++;
    last = j + 1;
  }
  return { text: out + s.slice(last, j), close: j };
}

/**
 * Every double-quoted string literal of a JSON-like text that JSON.parse rejected (a trailing comma,
 * a comment, a truncated document, a second document, single values a lenient or JSON5 parser still
 * reads), decoded. Keys and values alike: which is which does not matter to a value detector.
 */
export function jsonStringLiterals(s: string, max: number): string[] {
  const out: string[] = [];
  let i = s.indexOf('"');
  while (i !== -1 && out.length < max) {
    const r = readDoubleQuoted(s, i, false);
    if (r.text.length > 0) out.push(r.text);
    i = r.end >= s.length ? -1 : s.indexOf('"', r.end);
  }
  return out;
}

/**
 * Line-delimited JSON (NDJSON, JSON Lines, RFC 7464 JSON text sequences): one document per line, each
 * parsed; undefined unless there are at least two and every non-blank line parses (otherwise it is
 * not this format, and the caller falls back to the literals).
 */
export function ndjsonDocuments(s: string, max: number): unknown[] | undefined {
  const docs: unknown[] = [];
  let start = 0;
  while (start <= s.length && docs.length < max) {
    let end = s.indexOf('\n', start);
    if (end === -1) end = s.length;
    let a = start;
    let b = end;
    // Blanks, CR and the record separator (0x1E) that starts each json-seq text.
    while (a < b && (s.charCodeAt(a) <= 32 || s.charCodeAt(a) === 0x1e)) a++;
    while (b > a && s.charCodeAt(b - 1) <= 32) b--;
    if (b > a) {
      try {
        docs.push(JSON.parse(s.slice(a, b)) as unknown);
      } catch {
        return undefined;
      }
    }
    start = end + 1;
  }
  return docs.length >= 2 ? docs : undefined;
}

/**
 * CSV as RFC 4180 readers return it (quoted fields with `""` for a quote, quoted line breaks), with
 * the delimiter sniffed from the first line (`,`, `;`, tab or `|`, whichever occurs most outside
 * quotes: spreadsheets export `;` in much of Europe). Rows of fields; at most `max` fields in all.
 */
export function csvRows(s: string, max: number): string[][] {
  let delim = 44;
  {
    const counts = new Map<number, number>([
      [44, 0],
      [59, 0],
      [9, 0],
      [124, 0],
    ]);
    let quoted = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 34) quoted = !quoted;
      else if (!quoted && (c === 10 || c === 13)) break;
      else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
    }
    let best = 0;
    for (const [c, n] of counts) if (n > best) [best, delim] = [n, c];
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let fields = 0;
  let i = 0;
  while (i <= s.length && fields < max) {
    let field = '';
    if (s.charCodeAt(i) === 34) {
      // Quoted: up to the quote not doubled; anything between it and the delimiter is kept too.
      const r = readDoubled(s, i, s.length, 34);
      field = r.text;
      i = r.close + 1;
      while (i < s.length && s.charCodeAt(i) !== delim && s.charCodeAt(i) !== 10 && s.charCodeAt(i) !== 13) field += s[i++];
    } else {
      const from = i;
      while (i < s.length && s.charCodeAt(i) !== delim && s.charCodeAt(i) !== 10 && s.charCodeAt(i) !== 13) i++;
      field = s.slice(from, i);
    }
    row.push(field);
    fields++;
    if (i >= s.length) break;
    const c = s.charCodeAt(i);
    if (c === delim) {
      i++;
      continue;
    }
    // End of the record (CRLF or LF).
    rows.push(row);
    row = [];
    i += c === 13 && s.charCodeAt(i + 1) === 10 ? 2 : 1;
    if (i >= s.length) break;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** Leading spaces of the line starting at `a`. */
function indentOf(s: string, a: number, b: number): number {
  let k = a;
  while (k < b && s.charCodeAt(k) === 32) k++;
  return k - a;
}

/** A YAML scalar as written after `key:` or `- `: quoted ones decoded, a plain one without its comment. */
function yamlScalar(s: string, a: number, b: number): string {
  const c = s.charCodeAt(a);
  if (c === 34) return readDoubleQuoted(s.slice(0, b), a, true).text;
  // Single-quoted: `''` is a quote; no other escape.
  if (c === 39) return readDoubled(s, a, b, 39).text;
  // Plain: a comment starts at ` #`.
  let end = b;
  for (let j = a + 1; j < b; j++) {
    if (s.charCodeAt(j) === 35 && (s.charCodeAt(j - 1) === 32 || s.charCodeAt(j - 1) === 9)) {
      end = j;
      break;
    }
  }
  return s.slice(a, end).trimEnd();
}

/** Each line break with the blanks around it as one space (a quoted YAML scalar's line folding). */
function foldLines(t: string): string {
  let out = '';
  let i = 0;
  while (i < t.length) {
    const nl = t.indexOf('\n', i);
    if (nl === -1) return out + t.slice(i);
    let a = nl;
    while (a > i && (t.charCodeAt(a - 1) === 32 || t.charCodeAt(a - 1) === 9 || t.charCodeAt(a - 1) === 13)) a--;
    let b = nl + 1;
    while (b < t.length && (t.charCodeAt(b) === 32 || t.charCodeAt(b) === 9)) b++;
    out += `${t.slice(i, a)} `;
    i = b;
  }
  return out;
}

/** Index after the closing quote of a single-quoted scalar opening at `a` (`''` is a quote). */
function singleQuotedEnd(s: string, a: number): number {
  return Math.min(readDoubled(s, a, s.length, 39).close + 1, s.length);
}

/** Whether the quoted scalar opening at `a` closes before `b` (the end of its line). */
function closesOnLine(s: string, a: number, b: number): boolean {
  const end = s.charCodeAt(a) === 34 ? readDoubleQuoted(s, a, true).end : singleQuotedEnd(s, a);
  return end <= b && s.charCodeAt(end - 1) === s.charCodeAt(a);
}

/**
 * The scalars of a YAML document, line by line: `key: value` pairs (a key may be quoted too) as
 * one-key objects so that key detectors see the keys, sequence items and block scalars (`|`, `>`) as
 * strings. Not a YAML parser (no anchors, tags or flow collections beyond their text): a reading of
 * the values a YAML parser would hand over, for the quoted forms the whole text hides.
 */
export function yamlScalars(s: string, max: number): unknown[] {
  const out: unknown[] = [];
  const n = s.length;
  let start = 0;
  while (start < n && out.length < max) {
    let end = s.indexOf('\n', start);
    if (end === -1) end = n;
    let b = end;
    if (b > start && s.charCodeAt(b - 1) === 13) b--;
    const indent = indentOf(s, start, b);
    let a = start + indent;
    start = end + 1;
    if (a >= b || s.charCodeAt(a) === 35) continue;
    if (s.startsWith('---', a) || s.startsWith('...', a)) continue;
    while (s.charCodeAt(a) === 45 /* - */ && (a + 1 === b || s.charCodeAt(a + 1) === 32)) {
      a += 2;
      while (a < b && s.charCodeAt(a) === 32) a++;
    }
    if (a >= b) continue;
    // The key: quoted, or plain up to `: ` (or a final `:`).
    let key: string | undefined;
    let v = a;
    const q = s.charCodeAt(a);
    if (q === 34 || q === 39) {
      const close = q === 34 ? readDoubleQuoted(s.slice(0, b), a, true).end : s.indexOf("'", a + 1) + 1;
      if (close > a && close <= b && s.charCodeAt(close) === 58 && (close + 1 === b || s.charCodeAt(close + 1) === 32)) {
        key = yamlScalar(s, a, close);
        v = close + 1;
      }
    } else {
      for (let j = a; j < b; j++) {
        if (s.charCodeAt(j) === 58 && (j + 1 === b || s.charCodeAt(j + 1) === 32 || s.charCodeAt(j + 1) === 9)) {
          key = s.slice(a, j).trimEnd();
          v = j + 1;
          break;
        }
        if (s.charCodeAt(j) === 35 && j > a && s.charCodeAt(j - 1) === 32) break;
      }
    }
    while (v < b && (s.charCodeAt(v) === 32 || s.charCodeAt(v) === 9)) v++;
    let value: string;
    const h = s.charCodeAt(v);
    if (v < b && (h === 124 || h === 62) /* | > */) {
      // A block scalar: the following lines indented deeper than this one.
      const lines: string[] = [];
      while (start < n) {
        let e2 = s.indexOf('\n', start);
        if (e2 === -1) e2 = n;
        let b2 = e2;
        if (b2 > start && s.charCodeAt(b2 - 1) === 13) b2--;
        const ind = indentOf(s, start, b2);
        if (start + ind < b2 && ind <= indent) break;
        lines.push(s.slice(start + ind, b2));
        start = e2 + 1;
      }
      value = lines.join(h === 124 ? '\n' : ' ').trimEnd();
    } else if (v < b && (h === 34 || h === 39) && !closesOnLine(s, v, b)) {
      // A quoted scalar that goes on over the next lines: read to its closing quote, line breaks
      // folded to a space as YAML does (`"1' or\n  '1'='1"` is one value).
      const close = h === 34 ? readDoubleQuoted(s, v, false).end : singleQuotedEnd(s, v);
      const folded = foldLines(s.slice(v, close));
      value = yamlScalar(folded, 0, folded.length);
      const nl = s.indexOf('\n', close);
      start = nl === -1 ? n : nl + 1;
    } else value = v < b ? yamlScalar(s, v, b) : '';
    if (key !== undefined) {
      const o = Object.create(null) as Record<string, string>;
      o[key] = value;
      out.push(o);
    } else if (value !== '') out.push(value);
  }
  return out;
}
