/**
 * Path traversal and local file inclusion: does the value, used as (part of) a file path, climb out of
 * the directory the application meant, name a sensitive system file, or switch to a stream wrapper?
 *
 * Decided by structure:
 * - the value is split into path-like tokens; each token is normalised (`\` and Unicode slashes to
 *   `/`, full-width and encoded dots to `.`, leftover `%2e`/`%252f`, overlong UTF-8 remnants such as
 *   `%c0%af` or `\u00c0\u00af`, `%u2215`, and `0x2e`/`0x2f` spellings) and walked segment by segment.
 *   A segment of two or more dots (`..`, `....` after a naive `../` strip, `..;` for Tomcat) climbs; the
 *   token climbs out when the walk goes above its start. Two levels out, or one with an obfuscation,
 *   a leading `/` or a sensitive target, is `high`; one plain level (`../README.md`) is `medium`;
 *   climbing that stays inside (`a/b/../c`) is `low`, except through a `..;` segment (`/app/..;/admin`:
 *   the gateway routed `/app/`, the servlet container serves its sibling), which is `high`. A token
 *   with an escaped dot after a dot (`\.\.\/`) is also read with its backslash escapes undone, as a
 *   shell, a regex or a JSON string would;
 * - absolute paths into system locations (`/etc/…`, `/proc/…`, `/var/task`, `C:\Windows\…`, `boot.ini`,
 *   `\\?\`), judged by the first segments so `/search/items` or `/lib/app.js` pass; drive-relative
 *   names at the start of the value (`c:boot.ini`, `c:inetpubwwwroot…` that lost its backslashes);
 * - stream wrappers and file URLs (`php://filter`, `zip://`, `phar://`, `file://`);
 * - a NUL byte after a path or file name (`x.php\0.jpg`) that truncates the name in native code.
 * Relative names ("docs/readme.md"), version strings ("v1.2..3"), ellipses ("wait...") and public URLs
 * pass.
 *
 * Cost: a single pass, one table load per character, rejects values without a slash, backslash,
 * colon, `%`, NUL, non-ASCII character or `..` (most ids, names, numbers, e-mail addresses and
 * sentences). A second, allocation-free pass asks of every token whether analyzeToken could hit at
 * all (tokenMayHit's questions, the segment checks included, as the token is read); `Mozilla/5.0`,
 * `application/json` and public URLs stop there. A remaining token is walked once per reading (twice
 * for the escaped one), in place while nothing in it needs rewriting and over its normalised copy
 * from the first thing that does; segments are compared in place. Linear in the input with a small
 * constant whatever its shape (a megabyte of `../`, `\.\./`, `/*`, `%25` or `/etc` costs a few
 * table loads per character, no allocation per segment), with no look-ahead longer than a crown
 * word.
 */
import { C } from '../charclass';
import { scatter, unpackI32, unpackU16 } from '../packed';
import type { Confidence, Detection } from '../types';
import { PATH_TABLES } from './path-tables';
import { better, colonFrom, hexVal, type Hit } from './util';

/**
 * s[k], or -1 past the end (where charCodeAt gives NaN). An out-of-bounds charCodeAt deoptimises a
 * warm scan and leaves it, and hexVal, reading doubles; -1 compares like NaN in every test it meets
 * here (equalities, `>= x && <= y` ranges, hexVal, `| 0x20`).
 */
function at(s: string, k: number): number {
  return k < s.length ? s.charCodeAt(k) : -1;
}

/** `/` or `\`. */
function isSep(c: number): boolean {
  return c === 47 || c === 92;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Unicode characters that some normaliser or file API turns into a separator or a dot. */
function unicodeSep(c: number): boolean {
  return c === 0x2215 || c === 0x2216 || c === 0xff0f || c === 0xff3c || c === 0x2044 || c === 0x29f8 || c === 0xfe68;
}
/** U+FFFD (an invalid sequence) or a private-use code point: what stands for a separator only after a lossy decoder or IIS's best-fit mapping. */
function replacedLead(c: number): boolean {
  return c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff);
}
function unicodeDot(c: number): boolean {
  return c === 0xff0e || c === 0x2024 || c === 0xfe52;
}

// ---------------------------------------------------------------------------------------------------
// Token normalisation
// ---------------------------------------------------------------------------------------------------

interface Normalized {
  /**
   * Disguised separators as `/` and dots as `.`, NUL kept; lower-cased by the caller when `cased`. A
   * backslash stays: every reader takes `\` for `/` (rewriting it would copy every long token with
   * one, for nothing).
   */
  text: string;
  /** `text` holds an upper-case ASCII letter or a non-ASCII character: lower-casing may change it. */
  cased: boolean;
  /** A separator or dot came from an encoding remnant, a Unicode look-alike or a `0x` spelling. */
  obfuscated: boolean;
  /** Both `/` and `\` appeared. */
  mixed: boolean;
  /**
   * A `.\.` (an escaped dot after a dot) was seen. Exact when nothing was rewritten (every character
   * was read); otherwise it may miss one inside a rewritten sequence.
   */
  escDot: boolean;
}

/**
 * Reads `%XX` with any number (bounded) of `25` re-encodings in between: `%2e`, `%252e`, `%25252e`.
 * Returns the index after it and leaves the byte in `pctByte`, or returns -1 (no tuple allocated per
 * `%`; a byte and an index packed in one number would leave the small-integer range on long tokens).
 */
let pctByte = 0;
function percentByte(s: string, p: number, end: number): number {
  let q = p + 1;
  for (let k = 0; k < 4 && q + 3 < end && s.charCodeAt(q) === 50 && s.charCodeAt(q + 1) === 53 && hexVal(s.charCodeAt(q + 2)) >= 0 && hexVal(s.charCodeAt(q + 3)) >= 0; k++) {
    q += 2; // `%25` then more: the `25` re-encodes the `%`.
  }
  const h1 = hexVal(at(s, q));
  const h2 = hexVal(at(s, q + 1));
  if (q + 1 >= end || h1 < 0 || h2 < 0) return -1;
  pctByte = h1 * 16 + h2;
  return q + 2;
}

/**
 * Whether normalize, reaching the `%` at s[i], may rewrite it: only when a hex digit or `u` follows
 * (percentByte's `%XX` and `%25XX`, `%uXXXX`); any other `%` it keeps as it is, an ordinary
 * character of the text (no name, word or rule holds one). tokenMayHit and firstMayToken took every
 * `%` for a rewrite: a megabyte of `%'\;` sent each 3-character token `\;%` through analyzeToken
 * (~90 µs/KB of this detector). A `%XX` that spells nothing normalize rewrites still counts here:
 * deciding it (percentByte) at every `%` of a `%25` run cost more than the analysis it spares, which
 * passes such runs at once (mayNormalizeToPath). What follows a token's end is a PT_BOUND or PT_LEAD
 * character, no hex digit or `u`, so the answer is the same whatever end the caller knows.
 */
function percentMayRewrite(s: string, i: number): boolean {
  const d = at(s, i + 1);
  // (Two hex digits: percentByte needs them, its `25` re-encodings included, whose `2` and `5` are
  // hex digits too. One hex digit then something else was taken for a rewrite: a megabyte of
  // `%0?.~` sent every `.~%0` token through analyzeToken, ~40 µs/KB of this detector.)
  return (hexVal(d) >= 0 && hexVal(at(s, i + 2)) >= 0) || (d | 0x20) === 117;
}

/**
 * Whether normalize rewrites the `0` at s[i] (token end `end`): `0x` then two hex digits spelling `.`,
 * `/` or `\\` (normalize's test). Any other `0x` is kept (`0x:/`, `0x1f`); tokenMayHit and
 * firstMayToken took each for a rewrite (a megabyte of `x:/&0` analysed every `0x:/` token, ~70 µs/KB).
 * Reads past a token's end meet a PT_BOUND or PT_LEAD character, never a hex digit: `end` may be
 * the value's end, with the same answer as the token's.
 */
function zeroXRewrites(s: string, i: number, end: number): boolean {
  return (at(s, i + 1) | 0x20) === 120 && zeroXSpells(s, i, end);
}

/** zeroXRewrites past its first test. */
function zeroXSpells(s: string, i: number, end: number): boolean {
  if (i + 3 >= end) return false;
  const h1 = hexVal(s.charCodeAt(i + 2));
  const h2 = hexVal(s.charCodeAt(i + 3));
  if (h1 < 0 || h2 < 0) return false;
  const v = h1 * 16 + h2;
  return v === 0x2e || v === 0x2f || v === 0x5c;
}

/** Maps an overlong two-byte UTF-8 pair (C0/C1 lead) to what it spells. */
function overlong(lead: number, cont: number): number {
  return ((lead & 0x1f) << 6) | (cont & 0x3f);
}

/** Tokens longer than this are normalised (and unescaped) through a code-unit buffer. */
const LONG_TOKEN = 256;

/**
 * A string built code unit by code unit into one typed array (for long tokens): one byte per unit
 * while every unit fits, two bytes from the first one that does not, so an ASCII token stays a
 * one-byte string (lower-cased and read faster than a two-byte one). Capacity is fixed: the callers
 * never write more units than the token they read.
 */
class UnitBuffer {
  private narrow: Uint8Array | undefined;
  private wide: Uint16Array | undefined;
  private n = 0;
  constructor(private readonly capacity: number) {
    this.narrow = new Uint8Array(capacity);
  }

  /** Appends s[a, b). */
  copy(s: string, a: number, b: number): void {
    let n = this.n;
    const narrow = this.narrow;
    if (narrow !== undefined) {
      for (; a < b; a++) {
        const c = s.charCodeAt(a);
        if (c > 255) break;
        narrow[n++] = c;
      }
      this.n = n;
      if (a === b) return;
      // A unit above 255: widen what is there and go on two bytes per unit.
      this.wide = new Uint16Array(this.capacity);
      this.wide.set(narrow.subarray(0, n));
      this.narrow = undefined;
    }
    const wide = this.wide!;
    for (; a < b; a++) {
      const c = s.charCodeAt(a);
      wide[n++] = c;
    }
    this.n = n;
  }

  /** Appends one unit. */
  push(c: number): void {
    const narrow = this.narrow;
    if (narrow !== undefined) {
      if (c <= 255) {
        narrow[this.n++] = c;
        return;
      }
      this.wide = new Uint16Array(this.capacity);
      this.wide.set(narrow.subarray(0, this.n));
      this.narrow = undefined;
    }
    this.wide![this.n++] = c;
  }

  toString(): string {
    if (this.narrow !== undefined) return Buffer.from(this.narrow.buffer, 0, this.n).toString('latin1');
    return Buffer.from(this.wide!.buffer, 0, this.n * 2).toString('utf16le');
  }
}

/**
 * False when normalize(s, start, end) provably rewrites nothing and returns a text without `/`, `\\`
 * or `.`: s[start, end) holds none of them, no code unit above ASCII (which normalize may rewrite,
 * and lower-cases), no `0x` and no `%` that normalize would rewrite (its `%uXXXX` and percentByte
 * tests, asked here as there, at every `%`: with nothing rewritten normalize reads every position).
 * Its `2f`/`5c` rewrite needs a `.` before. True means normalize must run. analyzeReading asks this
 * first: a megabyte of `%25` or `%%` cost ~5-10 µs/KB of normalize's bookkeeping for a text it
 * then only searched for separators; this reads each character once with a table-free test.
 */
function mayNormalizeToPath(s: string, start: number, end: number): boolean {
  // The same questions as asked at each position before the tables (the differential and tests
  // hold it to those answers): one load says what a character is (MAY_PATH), hex digits are read
  // from HEX_VAL, a decoded byte is judged by MAY_BYTE, and a run of `%` is passed in one loop.
  // A megabyte of `%%` (what decoding `%25` once leaves) read each `%` through all the tests
  // (~6 µs/KB, now ~1.7); `%25` ~3.7 (now ~2.5, with the run of escapes below).
  for (let i = start; i < end; i++) {
    const k = MAY_PATH[s.charCodeAt(i)] as number;
    if (k === 0) continue;
    if (k === MP_YES) return true; // `/`, `\\`, `.`, above ASCII
    if (k === MP_ZERO) {
      if ((at(s, i + 1) | 0x20) === 120) return true;
      continue;
    }
    // A `%` within two characters of the end is neither a `%uXXXX` nor percentByte's `%XX`.
    if (i + 2 >= end) continue;
    const c1 = s.charCodeAt(i + 1);
    if (c1 === 37) {
      // `%%`: this `%` starts nothing (neither a hex digit nor `u` follows); of a run of them only
      // the last can. (The loop's increment takes the next one.)
      while (i + 2 < end && s.charCodeAt(i + 2) === 37) i++;
      continue;
    }
    const h1 = HEX_VAL[c1] as number;
    if (h1 < 0) {
      // normalize rewrites a `%uXXXX` only to a separator or dot; any four hex digits count here.
      // (Its percentByte then reads a `u`, or whatever follows the `%`, where a hex digit must be.)
      if ((c1 | 0x20) === 117 && i + 5 < end && (HEX_VAL[s.charCodeAt(i + 2)] as number) >= 0 && (HEX_VAL[s.charCodeAt(i + 3)] as number) >= 0 && (HEX_VAL[s.charCodeAt(i + 4)] as number) >= 0 && (HEX_VAL[s.charCodeAt(i + 5)] as number) >= 0) return true;
      continue;
    }
    const c2 = s.charCodeAt(i + 2);
    if (c1 === 50 && c2 === 53 && i + 4 < end && (HEX_VAL[s.charCodeAt(i + 3)] as number) >= 0 && (HEX_VAL[s.charCodeAt(i + 4)] as number) >= 0) {
      // `%25` then two hex digits: percentByte's re-encoded `%`, read by percentByte itself.
      if (percentByte(s, i, end) >= 0 && MAY_BYTE[pctByte] === 1) return true;
      continue;
    }
    // percentByte without a re-encoding: the two hex digits after the `%`.
    const h2 = HEX_VAL[c2] as number;
    if (h2 < 0) continue;
    if (MAY_BYTE[h1 * 16 + h2] === 1) return true;
    // The two hex digits need no reading of their own: neither is a `/`, `\\`, `.`, `%` or above
    // ASCII, and a `0` could only start `0x` as the second (the first is followed by a hex digit).
    // A megabyte of `%25` read each digit through the tests above (3 iterations a `%25`, 1 now).
    if (c2 === 48) {
      i += 1;
      continue;
    }
    // More `%XX` right after (`%25%25…`): each asked here what the iteration would ask of it (a
    // `%`, two hex digits, no `%25` re-encoding of two more, a byte normalize keeps) without the
    // questions its first load already answers. Anything else is left to the iteration.
    let q = i + 3;
    while (q + 2 < end && s.charCodeAt(q) === 37) {
      const d1 = s.charCodeAt(q + 1);
      const d2 = s.charCodeAt(q + 2);
      const g1 = HEX_VAL[d1] as number;
      const g2 = HEX_VAL[d2] as number;
      if (g1 < 0 || g2 < 0 || d2 === 48) break;
      // `%25` then two hex digits: a re-encoding, for the iteration (percentByte).
      if (d1 === 50 && d2 === 53 && q + 4 < end && (HEX_VAL[s.charCodeAt(q + 3)] as number) >= 0 && (HEX_VAL[s.charCodeAt(q + 4)] as number) >= 0) break;
      if (MAY_BYTE[g1 * 16 + g2] === 1) return true;
      q += 3;
    }
    // (The loop's increment goes to `q`.)
    i = q - 1;
  }
  return false;
}

/** mayNormalizeToPath's kinds of character: what makes it true at once, a `0`, a `%`; 0 otherwise. */
const MP_YES = 1;
const MP_ZERO = 2;
const MP_PERCENT = 3;
/** Built by buildTokenTables (mayNormalizeToPath runs only inside a token analysis). */
let MAY_PATH!: Uint8Array;
/** The value of a hex digit, -1 for any other code unit (hexVal as a table). */
let HEX_VAL!: Int8Array;
/** Bytes normalize rewrites when an escape spells them: a separator, a dot, NUL, an overlong lead. */
let MAY_BYTE!: Uint8Array;

/**
 * Whether `t.toLowerCase()` contains `.ini`, read on `t` itself: `.`, then `i` or `I`, `n` or `N`,
 * and `i`, `I` or `İ` (U+0130, which lower-cases to `i` and a combining dot: an `i` that ends the
 * match; in any other place its combining dot breaks it). No other character lower-cases to
 * anything that holds `i`, `n` or `.`.
 */
function hasDotIni(t: string): boolean {
  for (let k = t.indexOf('.'); k !== -1 && k + 3 < t.length; k = t.indexOf('.', k + 1)) {
    const a = t.charCodeAt(k + 1) | 0x20;
    const b = t.charCodeAt(k + 2) | 0x20;
    const c = t.charCodeAt(k + 3);
    if (a === 105 && b === 110 && ((c | 0x20) === 105 || c === 0x130)) return true;
  }
  return false;
}

function normalize(s: string, start: number, end: number): Normalized {
  // Runs of characters that need no rewriting are copied as slices and the result is lower-cased
  // once; `out` (a rope in V8) is never read while it is built. `dots` counts the `.` ending it.
  // A long token with a rewrite goes through one code-unit buffer instead, written as the token is
  // read from its first rewrite on: a rope holds a string per rewrite, half a million on 1 MB of
  // `..%2f`, and the collector then costs more than the scan. The text is the same either way; it is
  // never longer than the token.
  const long = end - start > LONG_TOKEN;
  let buf: UnitBuffer | undefined; // a long token's output, from its first rewrite on
  let out = '';
  let run = start;
  let dots = 0;
  let obf = false;
  let slash = false;
  let back = false;
  let escDot = false;
  let cased = false; // a kept character is an upper-case letter or not ASCII
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 92) {
      // Separators stay in the run, `\` too.
      if (c === 47) slash = true;
      else {
        back = true;
        if (!escDot && i > start && i + 1 < end && s.charCodeAt(i - 1) === 46 && s.charCodeAt(i + 1) === 46) escDot = true;
      }
      if (buf !== undefined) buf.push(c);
      dots = 0;
      continue;
    }
    // What this position contributes when it must be rewritten: a separator, a dot or a NUL (-1: none).
    let piece = -1;
    let last = i; // index of the last character the rewrite consumed
    if (c === 37 /* % */) {
      if ((at(s, i + 1) | 0x20) === 117 /* %uXXXX */ && i + 5 < end) {
        const a = hexVal(s.charCodeAt(i + 2));
        const b = hexVal(s.charCodeAt(i + 3));
        const d = hexVal(s.charCodeAt(i + 4));
        const e = hexVal(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          const cp = (a << 12) | (b << 8) | (d << 4) | e;
          if (cp === 0x2e || unicodeDot(cp)) piece = 46;
          else if (cp === 0x2f || cp === 0x5c || unicodeSep(cp) || (cp >= 0xe000 && cp <= 0xf8ff)) piece = 47;
          if (piece >= 0) last = i + 5;
        }
      }
      const next = piece < 0 ? percentByte(s, i, end) : -1;
      if (next >= 0) {
        const b = pctByte;
        if (b === 0x2e || b === 0x2f || b === 0x5c) {
          piece = b === 0x2e ? 46 : 47;
          last = next - 1;
        } else if (b === 0) {
          piece = 0;
          last = next - 1;
        } else if (b === 0xc0 || b === 0xc1 || b === 0xe0) {
          // Overlong lead byte: the continuation may be valid (`%af`), re-encoded (`%25af`) or junk
          // from a fuzz list (`%9v`); whatever it spells, between dots it stands as a separator.
          let next2 = next;
          let cont = -1;
          if (at(s, next) === 37) {
            const pc = percentByte(s, next, end);
            if (pc >= 0) {
              cont = pctByte;
              next2 = pc;
              if (b === 0xe0 && at(s, next2) === 37) {
                const pd = percentByte(s, next2, end);
                if (pd >= 0) {
                  cont = pctByte;
                  next2 = pd;
                }
              }
            } else if (next + 2 < end) {
              next2 = next + 3;
            }
          }
          const spelled = cont < 0 ? -1 : b === 0xe0 ? cont & 0x3f : overlong(b, cont);
          piece = spelled === 0x2e ? 46 : 47;
          last = Math.min(next2, end) - 1;
        }
      }
    } else if (c === 48 /* 0x2e, 0x2f, 0x5c spelled out */ && (at(s, i + 1) | 0x20) === 120 && i + 3 < end) {
      const h1 = hexVal(s.charCodeAt(i + 2));
      const h2 = hexVal(s.charCodeAt(i + 3));
      const v = h1 * 16 + h2;
      if (h1 >= 0 && h2 >= 0 && (v === 0x2e || v === 0x2f || v === 0x5c)) {
        piece = v === 0x2e ? 46 : 47;
        last = i + 3;
      }
    } else if (dots >= 2 && ((c === 50 && (at(s, i + 1) | 0x20) === 102) || (c === 53 && (at(s, i + 1) | 0x20) === 99))) {
      // `..2f..2f`: a list whose `%` signs were stripped once.
      piece = 47;
      last = i + 1;
    } else if (c >= 0x80) {
      if (unicodeSep(c) || c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) {
        // U+FFFD from an invalid (overlong) sequence and private-use code points that IIS best-fit
        // mapping turned into `/` (`%uEFC8`, `%uF025`) stand where a separator was.
        piece = 47;
      } else if (unicodeDot(c)) {
        piece = 46;
      } else if ((c === 0xc0 || c === 0xc1 || c === 0xe0) && i + 1 < end) {
        // Overlong UTF-8 decoded as Latin-1: `\u00c0\u00af` is `/`, `\u00c0\u00ae` is `.`.
        let j = i + 1;
        if (c === 0xe0 && s.charCodeAt(j) >= 0x80 && s.charCodeAt(j) <= 0xbf) j++;
        const d = at(s, j);
        if (d >= 0x80 && d <= 0xbf) {
          const v = c === 0xe0 ? d & 0x3f : overlong(c, d);
          if (v === 0x2e || v === 0x2f || v === 0x5c) {
            piece = v === 0x2e ? 46 : 47;
            last = j;
          }
        }
      }
    }
    if (piece < 0) {
      if (buf !== undefined) buf.push(c);
      if (c >= 65 && (c <= 90 || c >= 0x80)) cased = true;
      dots = c === 46 ? dots + 1 : 0;
      continue;
    }
    // Everything rewritten here was disguised (a backslash never gets here).
    obf = true;
    if (long) {
      if (buf === undefined) {
        // Nothing was rewritten before: run === start.
        buf = new UnitBuffer(end - start);
        buf.copy(s, start, i);
      }
      buf.push(piece);
    } else {
      if (run < i) out += s.slice(run, i);
      out += piece === 46 ? '.' : piece === 47 ? '/' : '\0';
    }
    dots = piece === 46 ? dots + 1 : 0;
    i = last;
    run = last + 1;
  }
  // Lower-cased only when some kept character may change (a long token of `../` is not copied).
  if (buf !== undefined) {
    return { text: buf.toString(), cased, obfuscated: obf, mixed: slash && back, escDot };
  }
  if (run < end) out += s.slice(run, end);
  return { text: out, cased, obfuscated: obf, mixed: slash && back, escDot };
}

// ---------------------------------------------------------------------------------------------------
// Sensitive locations
// ---------------------------------------------------------------------------------------------------

/** First segments that only a system path has; one more segment makes it high. */
const STRONG_ROOTS = new Set([
  'etc',
  'proc',
  'root',
  'windows',
  'winnt',
  'system32',
  'xampp',
  'wamp',
  'wamp64',
  'lampp',
  'inetpub',
  'program files',
  'program files (x86)',
  'programfiles',
  'programdata',
  'documents and settings',
  'system volume information',
  'sysprep',
  'appserv',
  'web-inf',
  'meta-inf',
]);

/** First segments shared with web routes (`/lib/app.js`, `/home`): high only with a system-looking rest. */
const WEAK_ROOTS = new Set([
  'var',
  'usr',
  'opt',
  'home',
  'srv',
  'dev',
  'sys',
  'lib',
  'lib64',
  'bin',
  'sbin',
  'boot',
  'tmp',
  'mnt',
  'private',
  'library',
  'volumes',
  'apache',
  'apache2',
  'nginx',
  'httpd',
  'php',
  'php4',
  'php5',
  'mysql',
  'logs',
  'log',
  'www',
  'wp-content',
  'web',
  'system',
  'users',
  'opt',
  'data',
  // `/run/secrets/…`: where Docker and Compose mount secrets (and systemd its credentials).
  'run',
]);

/** Second segments that make a weak root a system path: `/var/log`, `/usr/local`, `/opt/lampp`. */
const SYSTEM_SUBDIRS = new Set([
  'log',
  'logs',
  'www',
  'lib',
  'local',
  'run',
  'spool',
  'mail',
  'adm',
  'task',
  'runtime',
  'backups',
  'db',
  'apache',
  'apache2',
  'nginx',
  'httpd',
  'conf',
  'etc',
  'lampp',
  'xampp',
  'cache',
  'tmp',
  'self',
  'bin',
  'sbin',
  'share',
  'config',
  'settings',
  'root',
  'webserver',
  'ports',
  'src',
  'include',
]);

/** File and directory names that are secrets or configuration wherever they sit. */
const SENSITIVE_NAMES = new Set([
  'passwd',
  'shadow',
  'group',
  'hosts',
  'issue',
  'environ',
  'cmdline',
  'sudoers',
  'crontab',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'authorized_keys',
  'known_hosts',
  '.htpasswd',
  '.htaccess',
  '.bash_history',
  '.bashrc',
  '.profile',
  '.netrc',
  '.npmrc',
  '.pgpass',
  '.my.cnf',
  '.env',
  '.ssh',
  '.aws',
  '.git',
  '.svn',
  '.docker',
  '.kube',
  '.forward',
  '.rhosts',
  '.cshrc',
  'wp-config.php',
  'web.config',
  'web.xml',
  'boot.ini',
  'win.ini',
  'system.ini',
  'php.ini',
  'httpd.conf',
  'my.cnf',
  'my.ini',
  'access_log',
  'error_log',
  'access.log',
  'error.log',
  'sam',
  'ntuser.dat',
  'unattend.xml',
  'sysprep.inf',
  'sysprep.xml',
  'unattended.xml',
  'global.asa',
  'desktop.ini',
  '.history',
  '.sh_history',
  '.zsh_history',
  '.mysql_history',
  '.psql_history',
  '.viminfo',
  '.gitconfig',
  'credentials',
  'config.php',
  'configuration.php',
  'settings.php',
  'localsettings.php',
  'database.yml',
  'secrets.yml',
  'appsettings.json',
]);

/**
 * Classic targets spelled inside a normalised token, found even when the separators around them are
 * mangled (`/....etc/passwd`, `/0x2e0x2eetc/passwd`). The character before must not be a letter.
 */
const CROWN_STRINGS = [
  'etc/passwd',
  'etc/shadow',
  'etc/sudoers',
  'etc/master.passwd',
  'boot.ini',
  'win.ini',
  'web-inf/web.xml',
  'proc/self/',
  // Anything under /proc is the process's own memory, environment or the host's network tables.
  '/proc/',
  // The process's own descriptors under their /dev names (links into /proc/self/fd): read as a
  // file, `/dev/stdin` and `/dev/fd/0` block the event loop on an open pipe until the function
  // times out; read as a script (`x;. /dev/stdin`), they run what is piped in.
  'dev/fd/',
  'dev/stdin',
  '.ssh/id_',
  '.aws/credentials',
  'system32/drivers/etc/hosts',
  'system32/config/sam',
];

/** Extensions of configuration, logs and keys. */
const SENSITIVE_EXTENSIONS = new Set(['.ini', '.log', '.conf', '.cnf', '.cfg', '.err', '.pem', '.key', '.inf', '.htpasswd', '.passwd']);

/** Segments that are a secret on their own, wherever they sit. */
const CROWN_SINGLES = ['.ssh', '.aws', 'id_rsa', 'win.ini', 'boot.ini', '.htpasswd'];

function crownSingle(a: string): boolean {
  return CROWN_SINGLES.includes(a);
}

/**
 * `dir`: the segment is a directory (more of the path follows it). The by-name reading (`config`,
 * `secret`… with an extension) is for files: a directory or host-like first segment so named
 * (`/myconfig.d/x`, `//remoteconfig.example/x`, `/firebaseremoteconfig.googleapis.com/…`, a CloudEvent
 * source) names no secret; exact names (`.ssh`, `wp-config.php`) and extensions still count.
 */
function sensitiveName(seg: string, dir = false): boolean {
  if (SENSITIVE_NAMES.has(seg)) return true;
  const dot = seg.lastIndexOf('.');
  if (dot <= 0) return seg.endsWith('_history');
  if (dot < seg.length - 1 && SENSITIVE_EXTENSIONS.has(seg.slice(dot))) return true;
  if (dir) return false;
  // Configuration and secrets by name, with an extension: `_config.php`, `db-secrets.json`.
  const base = seg.slice(0, dot);
  return base.includes('config') || base.includes('passw') || base.includes('secret') || base.includes('credential');
}

// ---------------------------------------------------------------------------------------------------
// Token analysis
// ---------------------------------------------------------------------------------------------------

/** `..` runs glued to a system root because the separators were stripped (`....etc/`, `..web-inf`). */
const GLUED_ROOTS = ['etc/', 'etcpasswd', 'web-inf', 'windows/', 'winnt/', 'inetpub', 'boot.ini', 'win.ini'];

/**
 * The words of a list by their first two characters (both ASCII), as `(c1 << 7) | c2`, with the
 * prefix they share (`etc/` for the four `etc/…` targets, compared once). PAIRS flags the pairs that
 * begin some word (PAIR_CROWN, PAIR_GLUED), so most positions of a token are passed after one load.
 */
interface PairWords {
  prefix: string;
  words: string[];
}
function byPair(words: readonly string[], flag: number): Array<PairWords | undefined> {
  const out = new Array<PairWords | undefined>(1 << 14).fill(undefined);
  for (const w of words) {
    const k = (w.charCodeAt(0) << 7) | w.charCodeAt(1);
    const g = out[k];
    if (g === undefined) out[k] = { prefix: w, words: [w] };
    else {
      g.words.push(w);
      let m = 0;
      while (m < g.prefix.length && m < w.length && g.prefix.charCodeAt(m) === w.charCodeAt(m)) m++;
      g.prefix = w.slice(0, m);
    }
    PAIRS[k] = (PAIRS[k] as number) | flag;
  }
  return out;
}
const PAIR_CROWN = 1;
const PAIR_GLUED = 2;
// Built by buildTokenTables at the first token analysis (see there).
let PAIRS!: Uint8Array;
let CROWN_BY_PAIR!: Array<PairWords | undefined>;
let GLUED_BY_PAIR!: Array<PairWords | undefined>;

/**
 * t[p, hi) begins with `w` (its first `from` characters already compared), ignoring ASCII case, `\`
 * read as `/`.
 */
function restAt(t: string, p: number, hi: number, w: string, from: number): boolean {
  if (p + w.length > hi) return false;
  for (let k = from; k < w.length; k++) {
    const c = fold(t.charCodeAt(p + k));
    if (c !== w.charCodeAt(k) && !(c === 92 && w.charCodeAt(k) === 47)) return false;
  }
  return true;
}

/** t[p, hi) begins with one of the group's words (their first two characters already compared). */
function groupAt(t: string, p: number, hi: number, g: PairWords): boolean {
  if (!restAt(t, p, hi, g.prefix, 2)) return false;
  const from = g.prefix.length;
  for (let w = 0; w < g.words.length; w++) if (restAt(t, p, hi, g.words[w]!, from)) return true;
  return false;
}

/**
 * At `p` of the token text t[…, hi): a crown target spelled there, not glued to a preceding letter
 * or digit, or a run of two or more dots glued to a system root (`....etc/`, `..web-inf`) starting
 * there. `c` is t[p], `next` t[p + 1] (0 at the end), `before` t[p - 1] (47 at the start), all case
 * folded; `dots` is the length of the `.` run that ends at p - 1. A table says whether some word
 * starts with the two characters; only those words are compared, in place (thirteen `indexOf`s and
 * a `startsWith` per dot run cost several times more on a megabyte of `../`).
 */
function crownAtPos(t: string, p: number, hi: number, c: number, next: number, before: number, dots: number): boolean {
  if (c >= 128 || next >= 128) return false;
  if (c === 92) c = 47; // (no word has a `/` second)
  const k = (c << 7) | next;
  const f = PAIRS[k] as number;
  if (f === 0) return false;
  if ((f & PAIR_GLUED) !== 0 && dots >= 2 && groupAt(t, p, hi, GLUED_BY_PAIR[k]!)) return true;
  if ((f & PAIR_CROWN) !== 0 && !(before >= 97 && before <= 122) && !(before >= 48 && before <= 57) && groupAt(t, p, hi, CROWN_BY_PAIR[k]!)) return true;
  return false;
}

/** The longest crown word or glued root. */
const CROWN_REACH = Math.max(...CROWN_STRINGS.map((w) => w.length), ...GLUED_ROOTS.map((w) => w.length));

/** crownAtPos at every position of t[q - CROWN_REACH, q) (`t` lower case, its token ends at `hi`). */
function crownBefore(t: string, q: number, hi: number): boolean {
  for (let p = Math.max(0, q - CROWN_REACH); p < q; p++) {
    const before = p > 0 ? t.charCodeAt(p - 1) : 47;
    const dots = before === 46 ? (p > 1 && t.charCodeAt(p - 2) === 46 ? 2 : 1) : 0; // (only `>= 2` matters)
    if (crownAtPos(t, p, hi, t.charCodeAt(p), p + 1 < hi ? t.charCodeAt(p + 1) : 0, before, dots)) return true;
  }
  return false;
}

/** The finding for a token that names a crown target (crownAtPos). */
function crownHit(): Hit {
  return { rule: 'path.system-file', confidence: 'high', reason: 'A path that names a classic system file (passwd, boot.ini, web.xml…).' };
}

/** What the previous named segment was, for crownPairOf's pairs. */
const PREV_OTHER = 0;
const PREV_ETC = 1;
const PREV_PROC = 2;
const PREV_VAR = 3;

/** A word list as hash buckets (segHash), for in-place membership tests. */
function table(words: Iterable<string>): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const w of words) {
    const h = segHash(w, 0, w.length);
    const list = m.get(h);
    if (list === undefined) m.set(h, [w]);
    else list.push(w);
  }
  return m;
}

/**
 * t[a, b) is one of the table's words, ignoring ASCII case (the words are lower case and hold no
 * `\`); a hash collision is settled by the comparison.
 */
function inTable(tab: Map<number, string[]>, t: string, a: number, b: number): boolean {
  const list = tab.get(segHash(t, a, b));
  if (list === undefined) return false;
  for (let k = 0; k < list.length; k++) if (equalsCI(t, a, b, list[k]!)) return true;
  return false;
}

/** What a whole segment is, as bits (nameFlags). */
const NAME_SENSITIVE = 1; // SENSITIVE_NAMES or crownSingle's names
const NAME_STRONG = 2; // STRONG_ROOTS
const NAME_ETC = 4;
const NAME_PROC = 8;
const NAME_VAR = 16;
const NAME_ETC_PAIR = 32; // passwd, shadow, sudoers: crownPair after etc
const NAME_VAR_PAIR = 64; // task, runtime: crownPair after var

/** Every name analyzeReading asks about, with its bits, by segHash; and their signatures (segSig). Built by buildTokenTables. */
let NAME_TABLE!: Map<number, Array<{ word: string; flags: number }>>;
let NAME_SIG!: Uint8Array;
function addName(word: string, flags: number): void {
  const h = segHash(word, 0, word.length);
  let list = NAME_TABLE.get(h);
  if (list === undefined) NAME_TABLE.set(h, (list = []));
  const known = list.find((x) => x.word === word);
  if (known !== undefined) known.flags |= flags;
  else list.push({ word, flags });
  NAME_SIG[segSig(word, 0, word.length)] = 1;
}

/**
 * The bits of the segment t[a, b) (ignoring ASCII case), or 0. A signature of its length and three
 * characters turns most segments away after four loads; the rest are hashed, looked up and compared.
 */
function nameFlags(t: string, a: number, b: number): number {
  if (b - a < 2 || NAME_SIG[segSig(t, a, b)] !== 1) return 0; // (every name has two characters)
  const list = NAME_TABLE.get(segHash(t, a, b));
  if (list === undefined) return 0;
  for (let k = 0; k < list.length; k++) if (equalsCI(t, a, b, list[k]!.word)) return list[k]!.flags;
  return 0;
}

/**
 * The rest of sensitiveName for t[a, b) (ignoring ASCII case), after its name list: a `_history`
 * file, a sensitive extension, or configuration and secrets by name with an extension.
 */
function sensitiveRestAt(t: string, a: number, b: number): boolean {
  let dot = b - 1;
  while (dot >= a && t.charCodeAt(dot) !== 46) dot--;
  if (dot <= a) return fold(t.charCodeAt(b - 1)) === 121 && endsWithCI(t, a, b, '_history');
  if (dot < b - 1 && inTable(EXTENSION_TABLE, t, dot, b)) return true;
  // (`passw`, the shortest word, needs five characters before the dot.)
  return dot - a >= 5 && (containsCI(t, a, dot, 'config') || containsCI(t, a, dot, 'passw') || containsCI(t, a, dot, 'secret') || containsCI(t, a, dot, 'credential'));
}

/**
 * Two consecutive segments that are a classic target (crownPair): `etc/passwd`, `proc/<x>`,
 * `var/task`. `prev` is what the first one was; `flags` the second's bits (named, not empty).
 */
function crownPairOf(prev: number, flags: number): boolean {
  if (prev === PREV_ETC) return (flags & NAME_ETC_PAIR) !== 0;
  if (prev === PREV_PROC) return true;
  if (prev === PREV_VAR) return (flags & NAME_VAR_PAIR) !== 0;
  return false;
}

/**
 * The segment as analyzeReading names it: its text (lower-cased when `lower`; it is then ASCII), or
 * '' when it is too long to be a name.
 */
function segmentText(t: string, a: number, b: number, lower: boolean): string {
  if (b - a > MAX_NAMED_SEGMENT) return '';
  return lower ? t.slice(a, b).toLowerCase() : t.slice(a, b);
}

/** Longest segment worth naming; longer ones are ordinary (no system name is that long). */
const MAX_NAMED_SEGMENT = 64;

/** Link kinds of a token (analyzeToken's `link`). */
const LINK_ATTR = 1;
const LINK_MD = 2;

/**
 * Analyses one path-like token `s[start, end)`. `leading`: it starts the value (or is the value).
 * `link`: the token is a link target, resolved against a URL, not a directory: LINK_ATTR (after `="`
 * or `='`, an href or src, but also any XML attribute) or LINK_MD (after `](`, markdown); 0 if neither.
 * `lead`: it is the value's leading token, which ends at its first PT_LEAD character before `end`
 * (found by the first reading, left in `leadTokenEnd` when that reading does not decide).
 */
function analyzeToken(s: string, start: number, end: number, leading: boolean, link: number, lead: boolean): Hit | undefined {
  if (!tokenTablesBuilt) buildTokenTables();
  const hit = analyzeReading(s, start, end, leading, link, lead);
  if (hit?.confidence === 'high') return hit;
  if (lead) end = leadTokenEnd = READING.end;
  // Read a second time with backslash escapes undone (`\.\.\/` is `../` to a shell, a regex or a
  // JSON string): as separators those backslashes only leave single dots, which climb nothing.
  // The first reading saw every `.\.` unless something was rewritten.
  if (!(READING.obfuscated ? hasEscapedDot(s, start, end) : READING.escDot)) return hit;
  const u = unescapeDots(s, start, end);
  return better(hit, analyzeReading(u, 0, u.length, leading, link, false));
}

/**
 * The token holds an escaped dot right after another dot (`.\.`, as in `\.\.`), the only way the
 * escaped reading can climb where the plain one does not. Windows climbs (`..\..\`) qualify too;
 * both readings climb then. tokenMayHit lets these tokens past the pre-check when the escaped
 * reading may find something (escapedMayHit).
 */
function hasEscapedDot(s: string, start: number, end: number): boolean {
  if (end - start > LONG_TOKEN) {
    // A long token: its first backslashes found by the native search, in a slice of the token only
    // (a search of `s` from `start` could read past the token to the end of the value, for each
    // token). A megabyte of `%XX` escapes (one token) spent ~6% of the detector in the loop below.
    // A search per backslash costs more than the loop where they are dense (a megabyte of `\\`):
    // after 16 the loop reads on from the last one.
    const t = s.slice(start, end);
    let k = t.indexOf('\\', 1);
    for (let found = 0; k !== -1 && k + 1 < t.length; k = t.indexOf('\\', k + 1)) {
      if (t.charCodeAt(k - 1) === 46 && t.charCodeAt(k + 1) === 46) return true;
      if (++found === 16) break;
    }
    if (k === -1 || k + 1 >= t.length) return false;
    // (The loop below from this backslash's position in `s`: k + start, one before it the dot.)
    start += k;
  }
  for (let k = start; k + 2 < end; k++) {
    if (s.charCodeAt(k) === 46 && s.charCodeAt(k + 1) === 92 && s.charCodeAt(k + 2) === 46) return true;
  }
  return false;
}

/** The token with every `\` before a `.` or `/` dropped. Linear, one copy of the token. */
function unescapeDots(s: string, start: number, end: number): string {
  // Long tokens: one code-unit buffer. Slices joined (or `+=`) would allocate a string per escaped
  // dot, half a million on a 1 MB `\.\./` run, and the collector then dominates the cost.
  if (end - start > LONG_TOKEN) {
    const token = s.slice(start, end);
    if (Buffer.byteLength(token, 'utf8') === token.length) {
      // ASCII only (each character one UTF-8 byte): its Latin-1 bytes are its code units, and the
      // token is compacted in place in them. ~2 ns a character where the code-unit buffer, read and
      // written a character at a time through charCodeAt and push, took ~4 (a megabyte of `\.\./`
      // spent about a third of the detector here). The test costs ~0.1 ns a character (native).
      const bytes = Buffer.from(token, 'latin1');
      const len = bytes.length;
      let n = 0;
      for (let k = 0; k < len; k++) {
        const c = bytes[k] as number;
        if (c === 92 && k + 1 < len) {
          const d = bytes[k + 1] as number;
          if (d === 46 || d === 47) {
            // The `\` is dropped; what it escaped is kept, and is no `\` to look at.
            bytes[n++] = d;
            k++;
            continue;
          }
        }
        bytes[n++] = c;
      }
      return bytes.toString('latin1', 0, n);
    }
    const buf = new UnitBuffer(end - start);
    for (let k = start; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c === 92 && k + 1 < end) {
        const d = s.charCodeAt(k + 1);
        if (d === 46 || d === 47) continue;
      }
      buf.push(c);
    }
    return buf.toString();
  }
  let out = '';
  let run = start;
  for (let k = start; k + 1 < end; k++) {
    const d = s.charCodeAt(k + 1);
    if (s.charCodeAt(k) === 92 && (d === 46 || d === 47)) {
      out += s.slice(run, k);
      run = k + 1;
      k++;
    }
  }
  return out + s.slice(run, end);
}

/**
 * What analyzeReading learnt of the token besides its finding (for analyzeToken): whether it was
 * rewritten, whether it holds a `.\.`, and where it ends (found by the walk for the leading token).
 */
const READING = { obfuscated: false, escDot: false, end: 0 };

/** Where the leading token ended, once analyzeToken found it. */
let leadTokenEnd = 0;

/** The first PT_LEAD character in s[k, b), or `b`. */
function leadStopIn(s: string, k: number, b: number): number {
  while (k < b && ((PT2[s.charCodeAt(k)] as number) & PT_LEAD) === 0) k++;
  return k;
}

/** ASCII upper-case letters to lower case; anything else unchanged. */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/**
 * A URL's scheme and authority do not count: in `http://host/a` the path starts after the third `/`.
 * The token t[lo, hi) is one when its first separator, at `f` from its start (found among the first
 * 25 characters, or -1), ends a `scheme:` and another separator follows it.
 */
function isUrlAt(t: string, lo: number, hi: number, f: number): boolean {
  // A scheme of one letter is a drive: `C:\\Windows\\…` (a JSON-escaped path typed as is) and
  // `C://inetpub//…` are drive paths, which Windows reads with the repeated separators collapsed.
  return f >= 3 && f < 25 && t.charCodeAt(lo + f - 1) === 58 && lo + f + 1 < hi && isSep(t.charCodeAt(lo + f + 1));
}

/** The first separator among the first 25 characters of t[lo, hi), from lo, or -1. */
function firstSepNear(t: string, lo: number, hi: number): number {
  for (let k = lo; k < hi && k - lo < 25; k++) if (isSep(t.charCodeAt(k))) return k - lo;
  return -1;
}

/** What sepDotRun leaves for analyzeReading. */
const SEP_RUN = { p: 0, seps: 0, a: 0, slash: false, back: false, esc: false, dots: 0, before: 0, c: 0 };

/** Where inertRun stopped: the character before (folded) and the one there. */
const RUN = { before: 0, c: 0 };

/**
 * A run of inert characters (INERT: ASCII, none of `/ \\ . %` nor PT_LEAD) in analyzeReading's walk
 * of t[…, hi), from `p`, where `c` (t[p], folded) is one and no `.` run ends before it: passes each
 * whose pair with the next starts no crown word or glued root (PAIRS), whose next ends no leading
 * token, and which is no `0x` that normalize rewrites (`raw`: the walk is still over the token itself).
 * At such a character the iteration would only move on: crownAtPos finds nothing, no rewrite starts
 * (not `%`, above ASCII or `0x`; no `2f`/`5c` after dots, the character before being inert or a
 * separator), no segment ends. Returns where it stops, with the character there (the next one the
 * iteration reads, with the state it would have) and the one before in RUN when it moved. A megabyte
 * of `x:/&0`, one leading token, spent ~17 ns a character in the iteration's questions (~15 µs/KB).
 */
function inertRun(t: string, p: number, hi: number, c: number, raw: boolean): number {
  let before = 0;
  while (p + 1 < hi) {
    const nx = fold(t.charCodeAt(p + 1));
    if (nx >= 128 || (PAIRS[(c << 7) | nx] as number) !== 0 || ((PT2[nx] as number) & PT_LEAD) !== 0) break;
    if (c === 48 && nx === 120 && raw && zeroXRewrites(t, p, hi)) break;
    before = c;
    c = nx;
    p++;
    if (INERT[c] !== 1) break;
  }
  RUN.before = before;
  RUN.c = c;
  return p;
}

/** ASCII characters analyzeReading's walk passes in a run (see there): not `/ \\ . %` nor PT_LEAD. Built by buildTokenTables. */
let INERT!: Uint8Array;

/** sepDotRun's kinds of character: `.` 1, `/` 2, `\\` 4, anything else 0. Built by buildTokenTables. */
let SEP_DOT!: Uint8Array;
const K_DOT = 1;
const K_SLASH = 2;
const K_BACK = 4;
/** The kinds `.`, `\\`, `.` in a row, three bits each: an escaped dot after a dot. */
const K_ESC_DOT = (K_DOT << 6) | (K_BACK << 3) | K_DOT;

/**
 * analyzeReading's tight loop over a run of separators and dots, entered right after a separator that
 * ended an empty or `.` segment (so no `.` run ends before `p`, and `a`, where the current segment
 * starts, is `p`). From `p`, while the character (`c`, t[p], case folded; 0 past the token) and the
 * one after it are separators or dots, and not two dots, what the walk's iterations would do for it
 * is done here: no crown word or glued root starts with two of these characters, none of them ends
 * the leading token or is rewritten by normalize, and a segment ended here is empty or `.` (between
 * two separators of the run there is at most one dot, as two in a row stop it), so it is only
 * counted. It stops, with the state the iteration would start with, at anything else, which the
 * iteration then reads. Leaves in SEP_RUN where it stopped (`p`), the separators passed (`seps`, the
 * current segment then starting at `a`), whether a `/`, a `\\` or a `.\\.` (an escaped dot after a
 * dot) was among them, and, when it moved, the `.` run
 * before the stop (at most one dot), the character before it and the character at it (a separator
 * or a dot: the last step read it).
 *
 * One table load a character and no branch on what the character is but the counting: the first
 * reading of a megabyte of `\\.\\./` spends its time here (~5 ns a character as a chain of tests
 * inside analyzeReading, ~3 here).
 */
function sepDotRun(t: string, p: number, hi: number, a: number, c: number): void {
  const p0 = p;
  let seps = 0;
  let seen = 0; // the kinds passed, or-ed
  let esc = false;
  // The kinds of the last two characters passed (three bits each; the one before `p0` is a
  // separator, which no `.\\.` starts with, so it need not be in).
  let w = 0;
  let kc = SEP_DOT[c] as number;
  while (kc !== 0 && p + 1 < hi) {
    const kn = SEP_DOT[t.charCodeAt(p + 1)] as number;
    // The character after is neither a separator nor a dot, or both are dots: stop here.
    if (kn === 0 || (kc & kn) === K_DOT) break;
    if (kc !== K_DOT) {
      seps++;
      a = p + 1;
    }
    seen |= kc;
    w = ((w << 3) | kc) & 0o77;
    if (((w << 3) | kn) === K_ESC_DOT) esc = true;
    kc = kn;
    p++;
  }
  SEP_RUN.p = p;
  SEP_RUN.seps = seps;
  SEP_RUN.a = a;
  SEP_RUN.slash = (seen & K_SLASH) !== 0;
  SEP_RUN.back = (seen & K_BACK) !== 0;
  SEP_RUN.esc = esc;
  if (p !== p0) {
    const last = t.charCodeAt(p - 1);
    SEP_RUN.dots = last === 46 ? 1 : 0;
    SEP_RUN.before = last;
    SEP_RUN.c = t.charCodeAt(p);
  }
}

/** plainSegments' classes of code unit. Built by buildTokenTables. */
let FSEG!: Uint8Array;
const FS_STOP = 0; // `.`, `%`, a PT_LEAD character or above ASCII: the walk must read it
const FS_LETTER = 1; // an ASCII letter but `p`
const FS_OTHER = 2; // any other ASCII character above the blank, not `0`
const FS_SEP = 3; // `/` or `\\`
const FS_BLANK = 4; // NUL to space: trimmed from a segment's end
const FS_ZERO = 5; // `0`, as in `0x2e`
const FS_P = 6; // `p` or `P`: `/proc/` is a crown word
/**
 * plainSegments' step, one load a character: PSTEP[(row << 7) | c] for an ASCII c, the row 1 after a
 * letter, 0 otherwise; the answer is the next row (0 or 1: a plain character) or PS_ZERO, PS_SEP or
 * PS_STOP (FS_STOP, or a letter after a letter). Built by buildTokenTables from FSEG.
 */
let PSTEP!: Uint8Array;
/**
 * plainSegments' step by the character before (ASCII) instead of the row: PPAIR[(b << 7) | c] is
 * PSTEP's answer for c in row 1 when b is a letter, row 0 otherwise, but for a `0` (plain: 0), a
 * `2` or `5` after `x` or `X` (PS_ZERO: the third character of `0x2e`, `0x2f`, `0x5c`) and a
 * separator after a blank (PS_SEP_BLANK). Built by buildTokenTables.
 */
let PPAIR!: Uint8Array;
const PS_SEP_BLANK = 5;
const PS_ZERO = 2;
const PS_SEP = 3;
const PS_STOP = 4;

/** What plainSegments passed: segments, those that add depth, and the separators' kinds. */
const PLAIN_RUN = { segs: 0, depth: 0, slash: false, back: false };

/**
 * From `p`, the start of a segment (after a separator, its first character neither a separator nor
 * FS_STOP), passes every plain segment ended by a separator that a character neither a separator
 * nor FS_STOP follows, and returns the last such separator (or p - 1 when none). A plain segment is
 * ASCII, holds no `.`, `%` or PT_LEAD character, no two letters in a row and no `0x` that normalize
 * rewrites. For such a segment analyzeReading's iterations would only count: no rewrite starts in it
 * (no `%`, nothing above ASCII, no rewriting `0x`, no dots before a `2f`/`5c`), no climb (no dot),
 * no name, root or `_history` (each holds two letters in a row, wordShape, so nameFlags and
 * sensitiveRestAt say no and the next segment pairs with nothing), no hidden segment, and no crown
 * word or glued root starts in it or at its separator (every word starts with two letters, a `.`, or
 * `/p` as in `/proc/`: held at load, crownStartShape; a `p` after the separator stops the loop), the
 * leading token does not end in it or at the character after its separator. So the walk's state
 * after it is its count (segIndex, slashCount), its depth (one unless blank once trimmed, or a
 * two-character `x:`) and the separators seen, with the previous named segment nothing.
 * Caller: the walk is over the token itself (no normalised copy), not a URL, after its first two
 * named segments, with no strong root before and the previous named segment nothing (`proc/` then
 * an empty segment leaves PREV_PROC for the next named one, which crownPairOf then accepts).
 * One table load a character: a megabyte of `x:/&0`, one leading token of drive path, spent ~12 µs/KB
 * in the iterations' questions (a crown pair, an inert run and the name checks per segment).
 */
function plainSegments(t: string, p: number, hi: number): number {
  let last = p - 1;
  let segs = 0;
  let depth = 0;
  let slash = false;
  let back = false;
  let a = p;
  // The step is looked up by the character and the one before it (PPAIR), not by the row the last
  // lookup gave: each lookup then waits only for its own loads, not for the lookup before it. The
  // pair also names the two events PSTEP's row could not: a `2` or `5` after an `x` (a `0x2e`-like
  // spelling is asked there, not at every `0`), and a separator after a blank (only that segment
  // end needs trimming). `x:/&0` had two events every five characters; now one, with no trim loop.
  let pc = 0; // the character before q (none: a separator, no letter, precedes p)
  const step = PSTEP; // (a local: the module binding is reloaded at every use in the loop)
  const pair = PPAIR;
  for (let q = p; q < hi; q++) {
    const c = t.charCodeAt(q);
    const k = c < 128 ? (pair[(pc << 7) | c] as number) : PS_STOP;
    const b = pc;
    pc = c;
    if (k < PS_ZERO) continue;
    if (k === PS_ZERO) {
      // zeroXRewrites at the `0` two characters back, asked where its first hex digit stands (no
      // separator between: the same run, the same state, when it stops here rather than there).
      if (q - 2 >= p && t.charCodeAt(q - 2) === 48 && zeroXSpells(t, q - 2, hi)) break;
      continue;
    }
    if ((k !== PS_SEP && k !== PS_SEP_BLANK) || q + 1 >= hi) break;
    const nx = t.charCodeAt(q + 1);
    const kn = nx < 128 ? (step[nx] as number) : PS_STOP;
    if (kn === PS_STOP || kn === PS_SEP || (nx | 0x20) === 112) break;
    segs++;
    if (k === PS_SEP) {
      // (b, before the separator, is no blank: the segment ends at q untrimmed; a two-character
      // segment's second character is b.)
      if (q > a && !(q - a === 2 && b === 58)) depth++;
    } else {
      // The segment's end once trimmed (NUL to space dropped, as analyzeReading does).
      let e = q;
      while (e > a && t.charCodeAt(e - 1) <= 32) e--;
      if (e > a && !(e - a === 2 && t.charCodeAt(a + 1) === 58)) depth++;
    }
    if (c === 47) slash = true;
    else back = true;
    last = q;
    a = q + 1;
  }
  PLAIN_RUN.segs = segs;
  PLAIN_RUN.depth = depth;
  PLAIN_RUN.slash = slash;
  PLAIN_RUN.back = back;
  return last;
}

/**
 * The longest run of plain segments (plainSegments) in the first reading of the leading token,
 * s[leadSpanStart, leadSpanEnd] (up to its last separator), or empty (-1, -1); set by detectFull.
 * No token that lies inside it can have a high finding unless it is the value's first (see
 * spanSkip).
 */
let leadSpanStart = -1;
let leadSpanEnd = -1;

/**
 * Where nextMayToken, at a token start `i` with a medium best finding (highOnly: detectFull's loop),
 * may go on reading (i or later):
 * past every token that lies inside leadSpan, up to its last PT_BOUND character. Such a token holds
 * no `%`, `.`, unit above ASCII or NUL (the leading token stops before one), no two letters in a
 * row and no `0x` that spells something (plainSegments tested each with the leading token's end,
 * so with the token's end too): no reading of it is rewritten, climbs, names a root, a secret or a
 * hidden file, or holds a crown word (each has two letters in a row, wordShape, or a dot), and a
 * token that is not the value's first keeps an absolute or drive finding medium. So nothing in it
 * is higher than medium, which `better` does not take over an equal best. The tokens that start
 * before the run or run past its last boundary are read as before. A megabyte of `x:/&0` (one
 * leading token, a drive path: medium) had its 200,000 tokens read again by nextMayToken (~3 µs/KB).
 * `bound`: the last PT_BOUND character of the run, found at the first need (-2 before; -1 none).
 */
function spanSkip(s: string, i: number): number {
  if (i < leadSpanStart || i >= leadSpanEnd) return i;
  if (spanBound === -2) {
    let k = leadSpanEnd;
    while (k >= leadSpanStart && !isBoundary(s.charCodeAt(k))) k--;
    spanBound = k >= leadSpanStart ? k : -1;
  }
  return spanBound > i ? spanBound : i;
}
let spanBound = -2;

/** What plainSegments assumes of every crown word and glued root: it starts with two letters, a `.`, or `/p`. */
function crownStartShape(w: string): void {
  const letter = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;
  const c0 = w.charCodeAt(0);
  const c1 = w.charCodeAt(1);
  if ((letter(c0) && letter(c1)) || c0 === 46 || (c0 === 47 && c1 === 112)) return;
  throw new Error(`path-traversal: word ${w} breaks the plain-segment pass`);
}

/**
 * analyzeToken for one reading of the token s[start, end) (not empty).
 *
 * The token is walked in place as the text normalize would return when it rewrites nothing (case
 * folded wherever names are compared): no copy, no lower-cased string. At the first character
 * normalize may rewrite (`%`, `0x`, `2f` or `5c` after dots, anything above ASCII, which lower-casing
 * may also change) the walk moves to normalize's text, identical up to there, and goes on from the
 * same place; it starts over only when the rewrite is among the first characters, where the URL,
 * absolute and UNC tests look. So each character is walked about once, and a token with nothing to
 * rewrite (a megabyte of `../`) is read by this walk alone. Crown targets (crownAtPos's question)
 * are looked for in the same pass; one decides the token as soon as it is seen.
 *
 * `lead`: the token is the value's leading one, which ends at its first PT_LEAD character (at `end`
 * at the latest); the walk finds that end as it goes (READING.end) rather than have it looked for
 * first. Nothing it reads past the end changes its answer: a word it compares holds no PT_LEAD
 * character, and the URL and UNC tests are given the exact end (the first 27 characters are looked
 * at first).
 */
function analyzeReading(s: string, start: number, end: number, leading: boolean, link: number, lead: boolean): Hit | undefined {
  const noteSpan = lead; // the first reading of the leading token notes its longest plain run (leadSpan)
  let t = s;
  let lo = start;
  let hi = end;
  if (lead) {
    const near = leadStopIn(s, start, Math.min(end, start + 27));
    if (near < Math.min(end, start + 27)) {
      hi = end = near;
      lead = false;
    }
  }
  let n: Normalized | undefined; // normalize's result, once the walk moved to its text
  for (;;) {
    let isUrl = isUrlAt(t, lo, hi, firstSepNear(t, lo, hi));
    const absolute = isSep(t.charCodeAt(lo));
    const unc = absolute && lo + 1 < hi && isSep(t.charCodeAt(lo + 1)) && s.charCodeAt(start) === 92 && at(s, start + 1) === 92;
    let segIndex = 0; // index of the raw segment (empty ones included), as split('/') would number it
    let slashCount = 0;
    let depth = 0;
    let minDepth = 0;
    let climbs = 0;
    let oddClimb = false;
    // A climb written `..;` (a path parameter): Tomcat and Spring drop the parameter and climb, while
    // the proxy or gateway in front matched the path with it (`/app/..;/manager/html`).
    let paramClimb = false;
    let targetAfterClimb = false;
    let anySensitive = false;
    let hiddenSecret = false;
    let firstClimbAt = -1; // segIndex of the first climb
    let drive = false;
    // The first two named segments (after a drive), for the absolute-path rules, as ranges of `t`
    // (sliced once at the end; a segment longer than MAX_NAMED_SEGMENT reads as '').
    let s0a = -1;
    let s0e = -1;
    let s1a = -1;
    let s1e = -1;
    let s0Index = -1;
    let restSensitive = false;
    let prev = PREV_OTHER; // what the previous named segment was, for pairs like etc/passwd
    let prevStrong = false;
    // What normalize would report, while the walk reads the token itself.
    let sawSlash = false;
    let sawBack = false;
    let escDot = false;

    // Segments are compared in place (no slice per segment): nameFlags' signature turns most names
    // away after a few loads, the rest are looked up by hash and compared character by character.
    // A megabyte of `a/`, `/etc` or `../` allocates nothing here.
    let a = lo; // where the current segment starts
    let dots = 0; // `.` run before the current character (crownAtPos's and normalize's)
    let before = 47; // the character before it (folded); the token start counts as a separator
    let c = fold(t.charCodeAt(lo));
    let restart = false;
    for (let b = lo; ; b++) {
      if (b < hi) {
        let next = b + 1 < hi ? fold(t.charCodeAt(b + 1)) : 0;
        if (lead && next < 128 && ((PT2[next] as number) & PT_LEAD) !== 0) {
          // The leading token ends here.
          hi = end = b + 1;
          next = 0;
          lead = false;
        }
        // (A `%` with no hex digit or `u` after it, or a `0x` that spells nothing, is read in place,
        // as any character normalize keeps: a megabyte of `x:/&0`, one leading token, went through
        // normalize's copy, ~20 µs/KB, for its first `0x:`.
        // `hi` may still run past the leading token's end: what lies there starts with a PT_LEAD
        // character, no hex digit, so the answers are those for the exact end.)
        if (
          n === undefined &&
          ((c === 37 && percentMayRewrite(s, b)) || c >= 0x80 || (c === 48 && next === 120 && zeroXRewrites(s, b, hi)) || (dots >= 2 && ((c === 50 && next === 102) || (c === 53 && next === 99))))
        ) {
          // normalize may rewrite from here: go on over its text (the same up to here, lower case).
          if (lead) {
            hi = end = leadStopIn(s, b + 1, end);
            lead = false;
          }
          if (!mayNormalizeToPath(s, start, end)) {
            // normalize's text would hold no `/`, `\\` or `.` (see there), so the test below
            // would return here, with nothing rewritten (obfuscated false) and no `\\`.
            READING.obfuscated = false;
            READING.escDot = false;
            READING.end = end;
            return undefined;
          }
          n = normalize(s, start, end);
          const q = b - lo;
          t = n.text;
          // Asked of the text before its lower-casing (normalize leaves that to here): a token of
          // non-ASCII letters around a look-alike dot (`ａ．ｂ`, one every four characters) stops
          // here, and lower-casing each cost ~100 ns (ICU) whatever its length.
          if (t.indexOf('/') < 0 && t.indexOf('\\') < 0 && !hasDotIni(t) && t.indexOf('..') < 0) {
            // No separator: only a crown target could hit, and those without a `/` are `….ini`
            // or follow a `..` run (a megabyte of `%25` needs no walk).
            READING.obfuscated = n.obfuscated;
            READING.escDot = n.escDot;
            READING.end = end;
            return undefined;
          }
          if (n.cased) t = n.text = t.toLowerCase();
          const url = isUrlAt(t, 0, t.length, firstSepNear(t, 0, t.length));
          if (q < 2 || (segIndex > 0 && url !== isUrl)) {
            restart = true;
            break;
          }
          isUrl = url;
          a -= lo;
          if (s0a >= 0) {
            s0a -= lo;
            s0e -= lo;
          }
          if (s1a >= 0) {
            s1a -= lo;
            s1e -= lo;
          }
          b = q;
          lo = 0;
          hi = t.length;
          // A word checked just before here may run into the rewritten part: check those again.
          if (crownBefore(t, q, hi)) return crownHit();
          c = t.charCodeAt(b);
          next = b + 1 < hi ? t.charCodeAt(b + 1) : 0;
        }
        if (crownAtPos(t, b, hi, c, next, before, dots)) return crownHit();
        if (c === 92 && before === 46 && next === 46) escDot = true;
        dots = c === 46 ? dots + 1 : 0;
        before = c;
        c = next;
        if (before === 47) sawSlash = true;
        else if (before === 92) sawBack = true;
        else {
          if (dots === 0 && c < 128 && INERT[c] === 1) {
            // A run of inert characters from b + 1 (see inertRun).
            const p = inertRun(t, b + 1, hi, c, n === undefined);
            if (p !== b + 1) {
              before = RUN.before;
              c = RUN.c;
              b = p - 1;
            }
          }
          continue;
        }
        if (!prevStrong && (a === b || (b === a + 1 && t.charCodeAt(a) === 46))) {
          // An empty or `.` segment followed by a separator: nothing but its count changes.
          segIndex++;
          slashCount++;
          a = b + 1;
          // What follows may be more of the same (`\.\./`, `./././`, `////`): while the character
          // (`c`, at b + 1) and the one after it are separators or dots, and not two dots, what the
          // iterations would do for it is done here, in a tight loop: no crown word or glued root
          // starts with two of these characters, none of them ends the leading token or is
          // rewritten by normalize, and a segment ended here is empty or `.` (only counted). It
          // stops, with the state the iteration would start with, at anything else, which the
          // iteration then reads. The first reading of a megabyte of `\.\./` walked every
          // character through every question (~13 of the detector's ~20 µs/KB).
          // (sepDotRun: the tight loop, in a function of its own.)
          sepDotRun(t, b + 1, hi, a, c);
          if (SEP_RUN.seps > 0) {
            segIndex += SEP_RUN.seps;
            slashCount += SEP_RUN.seps;
            a = SEP_RUN.a;
            if (SEP_RUN.slash) sawSlash = true;
            if (SEP_RUN.back) sawBack = true;
            if (SEP_RUN.esc) escDot = true;
          }
          if (SEP_RUN.p !== b + 1) {
            dots = SEP_RUN.dots;
            before = SEP_RUN.before;
            c = SEP_RUN.c;
          }
          b = SEP_RUN.p - 1;
          continue;
        }
      }
      // The segment t[a, b) ends at a `/` or `\`, or at the end of the token.
      const raw = segIndex;
      segIndex++;
      const hasNext = b < hi;
      if (hasNext) slashCount++;
      if (prevStrong && raw > 0) {
        // `etc/…`: a strong root followed by anything (the original `STRONG_ROOTS && i + 1 < segs.length`).
        anySensitive = true;
        if (climbs > 0) targetAfterClimb = true;
        prevStrong = false;
      }
      seg: {
        if (isUrl && slashCount <= 3 && raw < 3) break seg;
        // Trim what Windows or a C API drops at the end of a segment.
        let e = b;
        while (e > a && t.charCodeAt(e - 1) <= 32) e--;
        if (e === a || (e === a + 1 && t.charCodeAt(a) === 46)) break seg;
        // Climb: two or more dots, then nothing, a `;` parameter, or controls/spaces (already trimmed).
        let d = a;
        while (d < e && t.charCodeAt(d) === 46) d++;
        if (d - a >= 2 && (d === e || t.charCodeAt(d) === 59)) {
          climbs++;
          if (firstClimbAt === -1) firstClimbAt = raw;
          if (!(d - a === 2 && d === e)) oddClimb = true;
          if (d < e && d - a === 2) paramClimb = true;
          depth--;
          if (depth < minDepth) minDepth = depth;
          prev = PREV_OTHER;
          break seg;
        }
        // A drive (`c:`) or a scheme does not add depth.
        if (e - a === 2 && t.charCodeAt(a + 1) === 58) {
          if (raw === 0 && isAlnum(t.charCodeAt(a))) drive = true;
          break seg;
        }
        depth++;
        if (s0a < 0) {
          s0a = a;
          s0e = e;
          s0Index = raw;
        } else if (s1a < 0) {
          s1a = a;
          s1e = e;
        }
        const named = e - a <= MAX_NAMED_SEGMENT;
        let sensitive = false;
        let strong = false;
        let kind = PREV_OTHER;
        if (named) {
          // sensitiveName(seg) || crownSingle(seg) || crownPair(prev, seg), and what seg is.
          const f = nameFlags(t, a, e);
          sensitive = (f & NAME_SENSITIVE) !== 0 || sensitiveRestAt(t, a, e) || crownPairOf(prev, f);
          strong = (f & NAME_STRONG) !== 0;
          kind = f & NAME_ETC ? PREV_ETC : f & NAME_PROC ? PREV_PROC : f & NAME_VAR ? PREV_VAR : PREV_OTHER;
        }
        if (sensitive) {
          anySensitive = true;
          if (t.charCodeAt(a) === 46) hiddenSecret = true;
          if (s0Index !== raw) restSensitive = true;
        }
        // After a climb: a secret, a system root, or any dotfile (`../.history`).
        if (climbs > 0 && (sensitive || (named && t.charCodeAt(a) === 46 && e - a > 1))) targetAfterClimb = true;
        prevStrong = strong && hasNext;
        prev = kind;
      }
      if (!hasNext) break;
      a = b + 1;
      if (!isUrl && !prevStrong) {
        // Climbs that follow (`../../`, `..\..\`): while the token goes on with `..`, a separator
        // and another `.`, each such `..` segment is counted here as the iterations would count it
        // (a climb; no crown word or glued root starts with `..`, `./` or `/.`, none of these
        // characters ends the leading token or is rewritten by normalize, and the `\` of `.\.`
        // is noted as an escaped dot). The iteration reads the `.` where it stops, with the state
        // it would have. A megabyte of `../` (and the escaped reading of `\.\./`) walked each
        // character through every question.
        let p = b + 1;
        while (p + 3 < hi && t.charCodeAt(p) === 46 && t.charCodeAt(p + 1) === 46 && t.charCodeAt(p + 3) === 46) {
          const sep = t.charCodeAt(p + 2);
          if (sep === 47) sawSlash = true;
          else if (sep === 92) {
            sawBack = true;
            escDot = true;
          } else break;
          const raw = segIndex;
          segIndex++;
          slashCount++;
          climbs++;
          if (firstClimbAt === -1) firstClimbAt = raw;
          depth--;
          if (depth < minDepth) minDepth = depth;
          prev = PREV_OTHER;
          before = sep;
          p += 3;
          a = p;
        }
        if (p !== b + 1) {
          c = 46;
          dots = 0;
          b = p - 1;
        }
      }
      if (n === undefined && !isUrl && !prevStrong && prev === PREV_OTHER && s1a >= 0 && FSEG[c] !== FS_STOP && FSEG[c] !== FS_SEP) {
        // Plain segments, each ended by a separator, passed in one tight loop (see plainSegments).
        const q = plainSegments(t, b + 1, hi);
        if (noteSpan && q - b > leadSpanEnd - leadSpanStart) {
          leadSpanStart = b + 1;
          leadSpanEnd = q;
        }
        if (q !== b) {
          segIndex += PLAIN_RUN.segs;
          slashCount += PLAIN_RUN.segs;
          depth += PLAIN_RUN.depth;
          if (PLAIN_RUN.slash) sawSlash = true;
          if (PLAIN_RUN.back) sawBack = true;
          b = q;
          a = q + 1;
          before = t.charCodeAt(q);
          c = fold(t.charCodeAt(q + 1));
        }
      }
      if (c < 128 && INERT[c] === 1) {
        // The next segment starts with inert characters (after the separator, no dot run).
        const p = inertRun(t, b + 1, hi, c, n === undefined);
        if (p !== b + 1) {
          before = RUN.before;
          c = RUN.c;
          b = p - 1;
        }
      }
    }
    if (restart) {
      // Over normalize's text from its start.
      lo = 0;
      hi = t.length;
      continue;
    }
    READING.obfuscated = n !== undefined && n.obfuscated;
    READING.escDot = n === undefined ? escDot : n.escDot;
    READING.end = end;
    if (!sawSlash && !sawBack) return undefined; // not a path: only a crown target could have hit
    const mixed = n === undefined ? sawSlash && sawBack : n.mixed;
    // (Read in place, the token may hold upper-case letters: names are lower-cased when sliced.)
    const s0 = s0a < 0 ? undefined : segmentText(t, s0a, s0e, n === undefined);
    const s1 = s1a < 0 ? undefined : segmentText(t, s1a, s1e, n === undefined);

    let hit: Hit | undefined;
    const out = -minDepth;
    if (climbs > 0) {
      const absoluteClimb = absolute && firstClimbAt === 1;
      const obf = (n !== undefined && n.obfuscated) || oddClimb || mixed;
      if (out === 2 && link === LINK_MD && !obf && !targetAfterClimb && !absoluteClimb && !leading) {
        // `[setup](../../docs/setup.md)`, `![logo](../../assets/logo.png)` in a README, a forum post
        // or an LLM answer: a markdown link two levels up, resolved by a browser against the page's
        // URL. A file API given the whole value reads no climb there (its first segment is `…](..`,
        // not `..`); a sink that does read the token after `](` is a markdown renderer. Shown, not
        // blocked. Only that shape: exactly two levels out, plain `../` (no encoding, no mixed or
        // odd separators), no sensitive name after the climb (`](../../.env)` stays high), not the
        // value's first token, and after `](` only: `="` is also an XML attribute
        // (`<include file="../../x"/>`), a quote alone a JSON string; both stay high, as do three
        // levels. Cost: none beyond the compares (the link kind is read where it already was).
        hit = { rule: 'path.traversal', confidence: 'medium', reason: 'A markdown link that climbs two directories up.' };
      } else if (out >= 2) {
        hit = { rule: 'path.traversal', confidence: 'high', reason: `A path that climbs ${out > 9 ? 'many' : out} directories up.` };
      } else if (out >= 1 && (obf || targetAfterClimb || absoluteClimb)) {
        const why = obf ? 'an obfuscated ../' : targetAfterClimb ? 'a ../ to a sensitive file' : 'a /../ above the root';
        hit = { rule: 'path.traversal', confidence: 'high', reason: `A path with ${why}.` };
      } else if (out >= 1) {
        // `../README.md`: the traversal primitive, but also every relative link in documentation.
        hit = { rule: 'path.traversal', confidence: link ? 'low' : 'medium', reason: 'A relative path that climbs one directory up.' };
      } else if (paramClimb) {
        // Staying inside its start is the point: the gateway in front routed `/app/…`, the servlet
        // container serves the sibling. No honest path has a `..;` segment.
        hit = { rule: 'path.traversal', confidence: 'high', reason: 'A path with a ..; segment (a climb hidden from the proxy as a path parameter).' };
      } else {
        hit = { rule: 'path.traversal', confidence: obf ? 'medium' : 'low', reason: 'A path with ../ that stays inside its start.' };
      }
      if (hit.confidence === 'high') return hit;
    }

    // Absolute or drive paths into system locations.
    let sys: Hit | undefined;
    if (!isUrl && (absolute || drive) && s0 !== undefined) {
      const r0 = s0;
      const r1 = s1 ?? '';
      // Something follows the first segment (`/etc/x`, or at least `/etc/`).
      const more = s1 !== undefined || isSep(t.charCodeAt(hi - 1));
      const where = r0.length > 0 ? r0 : '…';
      if (unc) {
        // `\\server\share\…`: a UNC path (SMB; leaks NTLM credentials on Windows hosts).
        sys = { rule: 'path.unc', confidence: 'medium', reason: 'A UNC network path.' };
      } else if (STRONG_ROOTS.has(r0) && more) {
        sys = { rule: 'path.system-file', confidence: 'high', reason: `An absolute path into ${where} (a system location).` };
      } else if (sensitiveName(r0, s1 !== undefined)) {
        sys = { rule: 'path.system-file', confidence: 'high', reason: 'An absolute path to a system or secret file.' };
      } else if (r0.length > 1 && r0.charCodeAt(0) === 46 && r0 !== '.well-known' && r0.charCodeAt(1) !== 46 && !replacedLead(s.charCodeAt(start))) {
        // Not any dot-name after a U+FFFD or a private-use character standing for the separator
        // (replacedLead): decoded bytes that are not text start that way (`\ufffd.rt` in base64
        // garbage, a binary field), and the known dot-directories (`.ssh`, `.git`, `.aws`…) are
        // sensitiveName's, above, whatever the separator.
        sys = { rule: 'path.system-file', confidence: 'high', reason: 'An absolute path into a hidden configuration directory.' };
      } else if (WEAK_ROOTS.has(r0) && r0 !== 'users' && (SYSTEM_SUBDIRS.has(r1) || restSensitive || (r0 === 'run' && (r1 === 'secrets' || r1 === 'credentials')))) {
        sys = { rule: 'path.system-file', confidence: 'high', reason: `An absolute path into ${where} (a system location).` };
      } else if (drive) {
        // Upload file names from old browsers carry `C:\Users\me\Desktop\x.jpg` (or `C:\fakepath\…`):
        // medium unless the path goes somewhere only an attacker would ask for.
        const high = restSensitive || (WEAK_ROOTS.has(r0) && r0 !== 'users');
        const conf: Confidence = high ? 'high' : r0 === 'fakepath' ? 'low' : 'medium';
        sys = { rule: 'path.system-file', confidence: conf, reason: 'An absolute Windows drive path.' };
      } else if (WEAK_ROOTS.has(r0) && r1 !== '') {
        sys = { rule: 'path.system-file', confidence: 'low', reason: 'An absolute path into a system-like directory.' };
      }
    }
    if (sys === undefined && anySensitive && !isUrl) {
      // Relative paths to secrets: `member/.htpasswd`, `etc/hosts`.
      sys = { rule: 'path.system-file', confidence: hiddenSecret ? 'high' : 'medium', reason: 'A path to a system or secret file.' };
    }
    if (sys !== undefined && !leading && sys.confidence === 'high') {
      // Inside prose ("see /etc/motd for details") only the classic targets (checked above) stay high.
      sys = { ...sys, confidence: 'medium' };
    }
    return better(hit, sys);
  }
}

// ---------------------------------------------------------------------------------------------------
// Token pre-check
// ---------------------------------------------------------------------------------------------------
//
// Values in ordinary traffic are full of slash-and-dot tokens that name nothing (`Mozilla/5.0`,
// `application/json`, `https://shop.example.com/cart`, `19.99`). analyzeToken walks each, compares
// its segments with the name tables and looks for crown strings. tokenMayHit reads the raw token
// once, with fewer questions, and returns false only when analyzeToken provably returns
// undefined: no character the normaliser rewrites (`%`, non-ASCII, NUL, `0x`), no `..` (climbs and
// glued climbs), no crown string (each needs `etc/`, `proc/`, `.ssh/`, `.aws/`, `system32/`,
// `web-inf/`, `boot.ini` or `win.ini`), not absolute or a drive (the root rules), and, for a relative
// path that is not a URL, no segment that sensitiveName, crownSingle, crownPair or the strong roots
// accept (the only way to `anySensitive`, the only relative finding without a climb).

/** Case-folded FNV-1a over s[a, b), `\` read as `/`. */
function segHash(s: string, a: number, b: number): number {
  let h = -2128831035;
  for (let i = a; i < b; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    else if (c === 92) c = 47;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

/** A fixed open-addressing set of 32-bit hashes (read-only after module load). */
class HashSet32 {
  private readonly keys = new Int32Array(1024);
  private readonly used = new Uint8Array(1024);
  add(h: number): void {
    let i = h & 1023;
    while (this.used[i] === 1 && this.keys[i] !== h) i = (i + 1) & 1023;
    this.keys[i] = h;
    this.used[i] = 1;
  }
  /** The set as scripts/check-tables.js wrote it (src/detectors/path-tables.ts): no hashing at load. */
  static load(d: { readonly at: string; readonly keys: string }): HashSet32 {
    const set = new HashSet32();
    const at = unpackU16(d.at);
    scatter(set.keys, at, unpackI32(d.keys));
    scatter(set.used, at, 1);
    return set;
  }
  has(h: number): boolean {
    let i = h & 1023;
    while (this.used[i] === 1) {
      if (this.keys[i] === h) return true;
      i = (i + 1) & 1023;
    }
    return false;
  }
}

// The three sets and SEG_SIG as written out (src/detectors/path-tables.ts, from buildSegTables by
// `node scripts/check-tables.js --write`; the build's check and the tables test rebuild them from the
// lists and compare): building them here at every cold start was ~2.5 M instructions of the load.
/** Hashes of whole segments that make a relative path sensitive (names, strong roots, pair heads). */
const SEG_HASHES = HashSet32.load(PATH_TABLES.seg);
/** Hashes of sensitive extensions (with their dot). */
const EXT_HASHES = HashSet32.load(PATH_TABLES.ext);
/** Hashes of the weak roots (first segments of absolute paths into system-like places). */
const WEAK_HASHES = HashSet32.load(PATH_TABLES.weak);
/**
 * Signatures (length, first, second and last character) of the same names and extensions: most
 * segments miss here after four character loads, before any hashing.
 */
const SEG_SIG = new Uint8Array(65536);
scatter(SEG_SIG, unpackU16(PATH_TABLES.segSig), 1);

function segSig(s: string, a: number, b: number): number {
  const x = ((b - a) << 21) ^ ((s.charCodeAt(a) | 0x20) << 14) ^ ((s.charCodeAt(a + 1) | 0x20) << 7) ^ (s.charCodeAt(b - 1) | 0x20);
  return Math.imul(x, 0x9e3779b1) >>> 16;
}

/**
 * The sets and SEG_SIG from the lists (the one source of truth), with the shape checks the pre-checks
 * rely on (a list entry that breaks one fails the build's check and the test). Not run at load.
 */
function buildSegTables(): { SEG_HASHES: HashSet32; EXT_HASHES: HashSet32; WEAK_HASHES: HashSet32; SEG_SIG: Uint8Array } {
  const seg = new HashSet32();
  const ext = new HashSet32();
  const weak = new HashSet32();
  const sig = new Uint8Array(65536);
  for (const w of [...SENSITIVE_NAMES, ...STRONG_ROOTS, 'etc', 'proc', 'var', '.ssh', '.aws', 'id_rsa', 'win.ini', 'boot.ini', '.htpasswd']) {
    nameShape(w);
    seg.add(segHash(w, 0, w.length));
    sig[segSig(w, 0, w.length)] = 1;
  }
  for (const x of SENSITIVE_EXTENSIONS) {
    wordShape(x);
    ext.add(segHash(x, 0, x.length));
    sig[segSig(x, 0, x.length)] = 1;
  }
  for (const w of WEAK_ROOTS) {
    nameShape(w);
    weak.add(segHash(w, 0, w.length));
  }
  return { SEG_HASHES: seg, EXT_HASHES: ext, WEAK_HASHES: weak, SEG_SIG: sig };
}

/** For scripts/check-tables.js and the tables test: the written sets as loaded and as built. */
export const PATH_TABLES_FOR_CHECK = {
  loaded: (): Record<string, unknown> => ({ SEG_HASHES, EXT_HASHES, WEAK_HASHES, SEG_SIG }),
  build: buildSegTables,
};

/** What segmentMayBeSensitive and segmentMayHit assume of every name and root, held at load. */
function nameShape(w: string): void {
  if (w.length < 3 || !nameStart(w.charCodeAt(0))) throw new Error(`path-traversal: name ${w} breaks the segment pre-check`);
  wordShape(w);
}

/** What tokenMustAsk and mayBeHigh assume of every name, root, extension, crown head and crown word: two letters in a row. */
function wordShape(w: string): void {
  const letter = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;
  for (let k = 1; k < w.length; k++) {
    if (letter(w.charCodeAt(k - 1)) && letter(w.charCodeAt(k))) return;
  }
  throw new Error(`path-traversal: name ${w} breaks the token pre-check`);
}

/** The names and extensions analyzeReading compares segments with, in place. Built by buildTokenTables. */
let EXTENSION_TABLE!: Map<number, string[]>;

/**
 * The tables of the token analysis (analyzeReading and what it calls: PAIRS and the crown words by
 * pair, NAME_TABLE, NAME_SIG, EXTENSION_TABLE; mayNormalizeToPath's MAY_PATH, HEX_VAL and MAY_BYTE,
 * sepDotRun's SEP_DOT), built at the first token that reaches analyzeToken
 * rather than at module load. Most values never get there (tokenMayHit and the pre-checks turn them
 * away with the SEG_* tables, which stay eager): the typical request of the bench (1 KB JSON order,
 * ten headers) reaches none, and building them at load cost ~0.6 ms of every cold start (two
 * 16 Ki-entry arrays, a 64 KiB signature map, ~150 names hashed; this module's load went from 0.94 to
 * 0.35 ms on the bench's loaded machine). Built whole, once, before the first analysis reads any of
 * them, so every analysis sees the same tables as before; the cost is one flag test per token.
 */
let tokenTablesBuilt = false;
function buildTokenTables(): void {
  PAIRS = new Uint8Array(1 << 14);
  CROWN_BY_PAIR = byPair(CROWN_STRINGS, PAIR_CROWN);
  GLUED_BY_PAIR = byPair(GLUED_ROOTS, PAIR_GLUED);
  NAME_TABLE = new Map();
  NAME_SIG = new Uint8Array(65536);
  for (const w of SENSITIVE_NAMES) addName(w, NAME_SENSITIVE);
  for (const w of CROWN_SINGLES) addName(w, NAME_SENSITIVE);
  for (const w of STRONG_ROOTS) addName(w, NAME_STRONG);
  addName('etc', NAME_ETC);
  addName('proc', NAME_PROC);
  addName('var', NAME_VAR);
  for (const w of ['passwd', 'shadow', 'sudoers']) addName(w, NAME_ETC_PAIR);
  for (const w of ['task', 'runtime']) addName(w, NAME_VAR_PAIR);
  EXTENSION_TABLE = table(SENSITIVE_EXTENSIONS);
  MAY_PATH = new Uint8Array(65536);
  MAY_PATH.fill(MP_YES, 0x80);
  MAY_PATH[47] = MP_YES;
  MAY_PATH[92] = MP_YES;
  MAY_PATH[46] = MP_YES;
  MAY_PATH[48] = MP_ZERO;
  MAY_PATH[37] = MP_PERCENT;
  HEX_VAL = new Int8Array(65536).fill(-1);
  for (let c = 48; c <= 57; c++) HEX_VAL[c] = c - 48;
  for (let c = 97; c <= 102; c++) HEX_VAL[c] = HEX_VAL[c - 32] = c - 87;
  MAY_BYTE = new Uint8Array(256);
  for (const b of [0x2e, 0x2f, 0x5c, 0, 0xc0, 0xc1, 0xe0]) MAY_BYTE[b] = 1;
  INERT = new Uint8Array(128).fill(1);
  for (let c = 0; c < 128; c++) if (((PT2[c] as number) & PT_LEAD) !== 0) INERT[c] = 0;
  INERT[47] = INERT[92] = INERT[46] = INERT[37] = 0;
  FSEG = new Uint8Array(65536); // (FS_STOP above ASCII)
  for (let c = 0; c < 128; c++) {
    const l = c | 0x20;
    FSEG[c] = c <= 32 ? FS_BLANK : l === 112 ? FS_P : l >= 97 && l <= 122 ? FS_LETTER : FS_OTHER;
    if (((PT2[c] as number) & PT_LEAD) !== 0) FSEG[c] = FS_STOP;
  }
  FSEG[46] = FSEG[37] = FS_STOP;
  FSEG[47] = FSEG[92] = FS_SEP;
  FSEG[48] = FS_ZERO;
  PSTEP = new Uint8Array(256);
  for (let row = 0; row < 2; row++) {
    for (let c = 0; c < 128; c++) {
      const k = FSEG[c] as number;
      PSTEP[(row << 7) | c] = k === FS_LETTER || k === FS_P ? (row === 1 ? PS_STOP : 1) : k === FS_OTHER || k === FS_BLANK ? 0 : k === FS_ZERO ? PS_ZERO : k === FS_SEP ? PS_SEP : PS_STOP;
    }
  }
  PPAIR = new Uint8Array(128 * 128);
  for (let b = 0; b < 128; b++) {
    const row = FSEG[b] === FS_LETTER || FSEG[b] === FS_P ? 1 : 0;
    for (let c = 0; c < 128; c++) {
      let k = PSTEP[(row << 7) | c] as number;
      if (k === PS_ZERO) k = 0; // a `0` is plain here (not a letter: row 0 after it, as PSTEP's)
      else if (k === PS_SEP && b <= 32) k = PS_SEP_BLANK;
      if ((b | 0x20) === 120 && (c === 50 || c === 53)) k = PS_ZERO;
      PPAIR[(b << 7) | c] = k;
    }
  }
  for (const w of CROWN_STRINGS) crownStartShape(w);
  for (const w of GLUED_ROOTS) crownStartShape(w);
  SEP_DOT = new Uint8Array(65536);
  SEP_DOT[46] = K_DOT;
  SEP_DOT[47] = K_SLASH;
  SEP_DOT[92] = K_BACK;
  tokenTablesBuilt = true;
}

/** s[a, b) ends with `word` (lower case), ignoring ASCII case; `\` read as `/`. */
function endsWithCI(s: string, a: number, b: number, word: string): boolean {
  const k = b - word.length;
  if (k < a) return false;
  for (let j = 0; j < word.length; j++) {
    let c = s.charCodeAt(k + j);
    if (c >= 65 && c <= 90) c |= 0x20;
    else if (c === 92) c = 47;
    if (c !== word.charCodeAt(j)) return false;
  }
  return true;
}

/** s[a, b) contains `word` (lower case), ignoring ASCII case. */
function containsCI(s: string, a: number, b: number, word: string): boolean {
  for (let k = a; k + word.length <= b; k++) if (endsWithCI(s, a, k + word.length, word)) return true;
  return false;
}

const CROWN_HEADS = ['etc', 'proc', '.ssh', '.aws', 'system32', 'web-inf'];
// In a function of its own: no loop at a module's top level (test/adapters/cold-start.test.ts).
(() => {
  for (const w of [...CROWN_HEADS, '_history', ...CROWN_STRINGS, ...GLUED_ROOTS]) wordShape(w);
})();

/** Whether the segment s[a, b) (already trimmed, not empty) may be sensitive (see sensitiveName). */
function segmentMayBeSensitive(s: string, a: number, b: number): boolean {
  if (b - a > MAX_NAMED_SEGMENT) return false; // analyzeToken does not name longer segments
  // Upper-case letters and `\` fold the same way in segSig and segHash (`| 0x20`, no `\` inside).
  // Every name and root starts with a letter or a dot and has three characters or more (nameShape,
  // at load): other segments need no signature and hash (`;%`, `0-`, `0x:` of
  // dense punctuation, one every few characters). (A hash that collided with a shorter one only
  // sent the token on to analyzeToken, which compares names exactly: nothing for it to find.)
  if (b - a >= 3 && nameStart(s.charCodeAt(a)) && SEG_SIG[segSig(s, a, b)] === 1 && SEG_HASHES.has(segHash(s, a, b))) return true;
  let dot = b - 1;
  while (dot >= a && s.charCodeAt(dot) !== 46) dot--;
  if (dot <= a) return (s.charCodeAt(b - 1) | 0x20) === 121 && endsWithCI(s, a, b, '_history');
  if (b - dot >= 2 && SEG_SIG[segSig(s, dot, b)] === 1 && EXT_HASHES.has(segHash(s, dot, b))) return true;
  return (
    dot - a >= 5 &&
    (containsCI(s, a, dot, 'config') || containsCI(s, a, dot, 'passw') || containsCI(s, a, dot, 'secret') || containsCI(s, a, dot, 'credential'))
  );
}

/**
 * At a separator or dot at `k` inside the token starting at `a`: whether a crown string can start
 * around it (`etc/passwd`, `/proc/`, `.ssh/id_`, `system32/…`, `web-inf/web.xml`, `boot.ini`, `win.ini`)
 * or the dot starts a climb (`..`). `b` is the token end.
 */
function crownAt(s: string, a: number, b: number, k: number, c: number): boolean {
  if (c === 46) {
    if (k + 1 < b && s.charCodeAt(k + 1) === 46) return true; // `..`: climbs, glued climbs
    // (`.\.`, escaped dots: tokenMayHit asks escapedMayHit.)
    // (`i` first: one load for most dots, where the word compares cost a call each.)
    return k + 3 < b && (s.charCodeAt(k + 1) | 0x20) === 105 && endsWithCI(s, a, k + 4, '.ini') && (endsWithCI(s, a, k, 'boot') || endsWithCI(s, a, k, 'win'));
  }
  // Every crown head ends in `c`, `h`, `s`, `2` or `f`. (`k > a` first: no read before the string.)
  if (k <= a) return false;
  const p = s.charCodeAt(k - 1) | 0x20;
  if (p === 99 || p === 104 || p === 115 || p === 50 || p === 102) {
    for (const head of CROWN_HEADS) if (endsWithCI(s, a, k, head)) return true;
  }
  return false;
}

const SEG_NONE = 0;
const SEG_HIT = 1;
const SEG_NAMED = 2;

/**
 * One segment s[x, k) of tokenMayHit's walk (`k` is its separator or the token end): SEG_HIT when it
 * may be sensitive, or is the first named segment of an absolute path (`named` false until then; a
 * `x:` segment does not count as one) and a weak root or hidden directory; SEG_NAMED when it was that
 * first named segment and is neither; SEG_NONE otherwise. Trailing blanks and controls are trimmed,
 * `.` and empty segments skipped, as analyzeToken does.
 */
function segmentMayHit(s: string, x: number, k: number, named: boolean): number {
  let e = k;
  while (e > x && s.charCodeAt(e - 1) <= 32) e--;
  if (e === x || (e === x + 1 && s.charCodeAt(x) === 46)) return SEG_NONE;
  // One character: no name, root or hidden directory has one.
  if (e === x + 1) return named ? SEG_NONE : SEG_NAMED;
  if (segmentMayBeSensitive(s, x, e)) return SEG_HIT;
  if (named || (e === x + 2 && s.charCodeAt(x + 1) === 58)) return SEG_NONE;
  const c0 = s.charCodeAt(x);
  if (c0 === 46) return e - x <= MAX_NAMED_SEGMENT ? SEG_HIT : SEG_NAMED; // hidden (two or more characters here)
  // Weak roots: a letter first, three characters or more (see segmentMayBeSensitive).
  if (e - x >= 3 && e - x <= MAX_NAMED_SEGMENT && nameStart(c0) && WEAK_HASHES.has(segHash(s, x, e))) return SEG_HIT;
  return SEG_NAMED;
}

/** A letter (either case) or `.`: what every name, root and weak root starts with. */
function nameStart(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || c === 46;
}

// Tokens that hold units above ASCII (plainToken). One that starts above ASCII and in which
// analyzeToken provably finds nothing (a token shorter than 3 is never analysed; these are held to
// the same test) holds no `/`, `\\`, `%`
// or `0x` (`0X`), and its non-ASCII characters are neither separator look-alikes, U+FFFD nor
// private-use code points, and no overlong lead (U+00C0, U+00C1, U+00E0) is followed by the
// continuation unit(s) (U+0080-U+00BF) that spell a `.`, `/` or `\\` with it (normalize's test, asked
// as there: see overlongSpellsPath), so normalize rewrites only look-alike dots (unicodeDot) to `.`
// and keeps every other character (a lead it does not rewrite is kept, and so are the units after
// it, none of them a look-alike: normalize reads every position of a token it rewrites nothing in
// but those dots); with dots counted as normalize writes them, no two in a row and no `.ini` as
// hasDotIni reads it (`.`, `i`/`I`, `n`/`N`, `i`/`I`/`İ`), its text holds no separator, no `..` and
// no `.ini`. analyzeReading (lead false) meets the first character, above ASCII, with nothing
// walked, goes to normalize and returns there with nothing found (no `..`, so no `2f`/`5c` rewrite
// either); analyzeToken reads no second time (no `\\`, so no escaped dot).
// A megabyte of `ａ．ｂ ` or `é.é ` built normalize's text and its record per 4-character token,
// then went through the token scan and tokenMayHit (~41 and ~27 µs/KB of this detector).
//
// Every question is about a character and the one before it (PLAIN_EVENT, on PLAIN_CLASS's kinds):
// one table load a character and one branch that is nearly never taken, whatever the mix of
// letters, dots and blanks. A loop that branched on each character's kind mispredicted on varied
// tokens (random full-width letters around `．`, 1-3 a side: ~4.4 µs/KB here, ~2.2 now; 1 MB of
// `é.é ` ~4.5 -> ~2.2), and a token with À, Á or à before a letter went to analyzeToken (random
// Latin-1 letters around `.`: ~11 µs/KB of the detector).

/**
 * Passes the tokens that start at `a` and that plainToken would pass, as long as each starts above
 * ASCII (the argument above), in one read: returns where the first other token starts (or `n`), -1
 * when the first one may hit (reads past a token's end only answer -1 more often: they meet a
 * PT_BOUND character, which is ASCII and no continuation unit). Leaves the kinds of the units it read
 * in `plainSeen` (bits by kind:
 * the colons and NULs nextMayToken notes). A megabyte of `ａ．ｂ ` or `é.é ` was read twice a token
 * when each was found first and then asked (~3 µs/KB more).
 */
function plainTokenEnd(s: string, a: number, n: number): number {
  const cls = PLAIN_CLASS ?? buildPlainClass();
  const ev = PLAIN_EVENT;
  let prev = PL_BOUND << 4; // s[a - 1]'s kind, shifted: `a` starts a token
  let seen = 0;
  for (let k = a; k < n; k++) {
    const cur = cls[s.charCodeAt(k)] as number;
    seen |= 1 << cur;
    if (ev[prev | cur] !== 0) {
      const r = plainEvent(s, a, k, prev >> 4, cur);
      if (r !== -2) {
        plainSeen = seen;
        return r;
      }
    }
    prev = cur << 4;
  }
  plainSeen = seen;
  return n;
}
let plainSeen = 0;

/**
 * The test for one token s[a, b) that holds a code unit above ASCII (nextMayToken found one): true
 * when analyzeToken(s, a, b, …, lead false) provably returns undefined. The questions are the
 * pair questions above; the first unit has no pair before it inside the token, so it is read as if
 * a kept non-ASCII unit came before (PL_PLAIN, which raises no event with any kind but PL_NO, an
 * answer of false in any case; with a boundary before it, a first unit above ASCII raises the same
 * events). For a token that starts above ASCII that is the argument above. What an ASCII start adds
 * to it: analyzeReading walks the ASCII units before the first unit above ASCII
 * in place, and there only crownAtPos can answer (no separator ends a segment); every crown word and
 * glued root holds a `/` or `.ini` or follows a `..` run, and normalize keeps ASCII units as they are
 * (no `%`, `0x` or `..` here: so no `2f`/`5c` rewrite either), so its text would show the same `/`,
 * `..` or `.ini`, which the pair questions exclude. The walk then reaches the first unit above ASCII
 * and returns at normalize with nothing found, as for a token that starts above ASCII.
 * Tokens like `ab．ｃｄ.ef` (ASCII around full-width letters) went through tokenMayHit, normalize
 * and four searches of its text, ~330 ns a token (~33 µs/KB of this detector on 1 MB of them).
 */
function plainToken(s: string, a: number, b: number): boolean {
  const cls = PLAIN_CLASS ?? buildPlainClass();
  const ev = PLAIN_EVENT;
  let prev = PL_PLAIN << 4;
  for (let k = a; k < b; k++) {
    const cur = cls[s.charCodeAt(k)] as number;
    if (ev[prev | cur] !== 0 && plainEvent(s, a, k, prev >> 4, cur) !== -2) return false;
    prev = cur << 4;
  }
  return true;
}

/**
 * plainToken's and plainTokenEnd's question at an event: kind `p` at k - 1 (PL_BOUND for k = a in
 * plainTokenEnd), `cur` at k. Returns plainTokenEnd's answer (where the next token that starts at or
 * below ASCII or that may hit starts, -1 for the one at `a`), or -2 when the pair is passed after all (no `.ini`; an overlong lead that
 * spells nothing).
 */
function plainEvent(s: string, a: number, k: number, p: number, cur: number): number {
  // A token that starts at or below ASCII: detectFull's loop reads it.
  if (p === PL_BOUND && s.charCodeAt(k) < 0x80) return k;
  if (cur === PL_I) {
    // After a dot: `.ini` (hasDotIni's test, on the raw token: no character normalize keeps turns
    // into or out of these).
    const c2 = at(s, k + 2);
    if (!((at(s, k + 1) | 0x20) === 110 && ((c2 | 0x20) === 105 || c2 === 0x130))) return -2;
  } else if (cur === PL_CONT && p === PL_OVER) {
    if (!overlongSpellsPath(s, k - 1, s.charCodeAt(k - 1))) return -2;
  }
  // This token may hit: where it starts (after the last boundary before k, at `a` at the earliest).
  let t = k;
  while (t > a && PLAIN_CLASS![s.charCodeAt(t - 1)] !== PL_BOUND) t--;
  return t === a ? -1 : t;
}

/**
 * normalize's overlong test at s[i] = `c` (U+00C0, U+00C1 or U+00E0; i + 1 inside the token): a
 * continuation unit after it (U+00E0 may take one more first) spells `.`, `/` or `\\`.
 */
function overlongSpellsPath(s: string, i: number, c: number): boolean {
  let j = i + 1;
  if (c === 0xe0 && s.charCodeAt(j) >= 0x80 && s.charCodeAt(j) <= 0xbf) j++;
  const d = at(s, j);
  if (d >= 0x80 && d <= 0xbf) {
    const v = c === 0xe0 ? d & 0x3f : overlong(c, d);
    return v === 0x2e || v === 0x2f || v === 0x5c;
  }
  return false;
}

/**
 * plainToken's kinds of code unit: a non-ASCII one normalize keeps (PL_PLAIN); a token boundary
 * (PL_BOUND, PT_BOUND); any other ASCII one normalize keeps (PL_ASCII, and PL_COLON, PL_NUL); `.` and look-alike dots
 * (PL_ADOT, PL_UDOT); `0`; `i`/`I`; `x`/`X`; what normalize makes a separator or keeps as one
 * (PL_NO: `/`, `\\`, `%`, the separator look-alikes, U+FFFD, private use); an overlong lead
 * (PL_OVER); a continuation unit U+0080-U+00BF (PL_CONT). Built at the first call.
 *
 * PLAIN_EVENT[(p << 4) | c] flags the pairs plainEvent must look at: anything before PL_NO; a
 * boundary before an ASCII unit (the next token starts at or below ASCII); two dots; a dot before
 * `i`/`I`; `0` before `x`/`X`; an overlong lead before a continuation unit.
 */
const PL_PLAIN = 0;
const PL_BOUND = 1;
const PL_ASCII = 2;
const PL_ADOT = 3;
const PL_UDOT = 4;
const PL_ZERO = 5;
const PL_I = 6;
const PL_X = 7;
const PL_NO = 8;
const PL_OVER = 9;
const PL_CONT = 10;
/** `:` and NUL: PL_ASCII to every question, apart only for plainSeen. */
const PL_COLON = 11;
const PL_NUL = 12;
let PLAIN_CLASS: Uint8Array | undefined;
const PLAIN_EVENT = new Uint8Array(256);
function buildPlainClass(): Uint8Array {
  const cls = new Uint8Array(65536);
  for (let c = 0; c < 128; c++) cls[c] = ((PT[c] as number) & PT_BOUND) !== 0 ? PL_BOUND : PL_ASCII;
  for (let c = 0x80; c < 65536; c++) {
    if (unicodeSep(c) || c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) cls[c] = PL_NO;
    else if (unicodeDot(c)) cls[c] = PL_UDOT;
    else if (c === 0xc0 || c === 0xc1 || c === 0xe0) cls[c] = PL_OVER;
    else if (c <= 0xbf) cls[c] = PL_CONT;
    else cls[c] = PL_PLAIN;
  }
  cls[47] = cls[92] = cls[37] = PL_NO;
  cls[58] = PL_COLON;
  cls[0] = PL_NUL;
  cls[46] = PL_ADOT;
  cls[48] = PL_ZERO;
  cls[105] = cls[73] = PL_I;
  cls[120] = cls[88] = PL_X;
  for (let p = 0; p < 16; p++) PLAIN_EVENT[(p << 4) | PL_NO] = 1;
  for (const c of [PL_ASCII, PL_ADOT, PL_ZERO, PL_I, PL_X, PL_COLON, PL_NUL]) PLAIN_EVENT[(PL_BOUND << 4) | c] = 1;
  for (const p of [PL_ADOT, PL_UDOT]) for (const c of [PL_ADOT, PL_UDOT, PL_I]) PLAIN_EVENT[(p << 4) | c] = 1;
  PLAIN_EVENT[(PL_ZERO << 4) | PL_X] = 1;
  PLAIN_EVENT[(PL_OVER << 4) | PL_CONT] = 1;
  PLAIN_CLASS = cls;
  return cls;
}

/**
 * False when analyzeToken(s, a, b, …) provably returns undefined; true when it must run. `lead`: the
 * token is the value's leading one, which ends at its first PT_LEAD character before `b` (found here;
 * a look-ahead that runs into it reads a character no question matches, so the answer is the one
 * for the exact token). One pass,
 * the segment walk done as the token is read: no character normalize rewrites, no crownAt hit at a
 * separator or dot, and, once there is a separator, not a drive (`c:`) or UNC start and, unless the
 * token is a `scheme://` URL (only the crown strings and climbs count in one), no segment that
 * segmentMayHit accepts: any sensitive segment (a relative path hits only through one) and, for an
 * absolute path, a first named segment that is a weak root (`/var/…`) or hidden (`/.git/…`).
 */
function tokenMayHit(s: string, a: number, b: number, lead: boolean): boolean {
  const c0 = s.charCodeAt(a);
  // A drive is a letter or digit then `:` (analyzeReading's test; no rewrite spells either, and
  // a character above ASCII returns below): `\\:%` or `/:x` is no drive, and a megabyte of `:%"\\`
  // sent every `\\:%` token to analyzeToken (~85 µs/KB of this detector).
  const driveOrUnc = (at(s, a + 1) === 58 && isAlnum(c0)) || (c0 === 92 && at(s, a + 1) === 92);
  let firstSep = -1;
  let url = false;
  let x = a; // where the current segment starts
  let named = !(c0 === 47 || c0 === 92);
  let escAsked = false;
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80) return true; // rewritten by normalize
    const f = PT2[c] as number;
    if (f === 0) continue; // letters, digits but `0`, most punctuation
    if (lead && (f & PT_LEAD) !== 0) {
      b = k;
      break;
    }
    if (c === 0) return true; // rewritten by normalize
    if (c === 37) {
      // A `%` that normalize keeps for certain (see percentMayRewrite) is an ordinary character.
      // (Of a `%%` run only the last `%` can start an escape: the others are passed in one step.)
      while (k + 1 < b && s.charCodeAt(k + 1) === 37) k++;
      if (percentMayRewrite(s, k)) return true;
      continue;
    }
    if (c === 48 && zeroXRewrites(s, k, b)) return true; // `0x2e`
    if (c === 47 || c === 92 || c === 46) {
      if (c !== 46) {
        if (firstSep < 0) {
          firstSep = k;
          if (driveOrUnc) return true;
          // (A scheme of two characters or more, as isUrlAt reads one: `x:\\` is a drive's or nothing.)
          url = k - 2 > a && k - 1 - a < 24 && s.charCodeAt(k - 1) === 58 && k + 1 < b && (s.charCodeAt(k + 1) === 47 || s.charCodeAt(k + 1) === 92);
        }
        if (!url && k > x) {
          // (An empty segment is SEG_NONE.)
          const r = segmentMayHit(s, x, k, named);
          if (r === SEG_HIT) return true;
          if (r === SEG_NAMED) named = true;
        }
        x = k + 1;
        if (crownAt(s, a, b, k, c)) return true;
        // One-character segments that follow (`/*/*/*`, `/a/b/c`): a character that is not
        // PT_INTERESTING, PT_OTHER or PT_LEAD (so not rewritten, not `0`, not ending the leading
        // token), then a separator. The iterations would find no question in the character, and at
        // the separator a one-character segment (SEG_NAMED when none was named yet, unless it is a
        // blank or control, which trimming empties) and no crown head (each ends in three or more
        // characters without a separator, and the one before this character is one). Done here in
        // one step a segment; the loop goes on at the last separator's next character. A megabyte
        // of `/*` asked segmentMayHit and crownAt at every `/` (~8 µs/KB).
        while (k + 2 < b) {
          const d = s.charCodeAt(k + 1);
          const sep = s.charCodeAt(k + 2);
          if (!(sep === 47 || sep === 92) || d >= 0x80 || ((PT2[d] as number) & (PT_INTERESTING | PT_OTHER | PT_LEAD)) !== 0) break;
          if (!url && d > 32) named = true;
          k += 2;
          x = k + 1;
        }
        continue;
      }
      if (crownAt(s, a, b, k, c)) return true;
      // `.\.`: the escaped reading (analyzeToken reads the token again with them undone). Its
      // answer is the token's: asked once.
      if (!escAsked && k + 2 < b && s.charCodeAt(k + 1) === 92 && s.charCodeAt(k + 2) === 46) {
        escAsked = true;
        if (escapedMayHit(s, a, b)) return true;
      }
    }
  }
  mayLeadEnd = b;
  return firstSep >= 0 && !url && segmentMayHit(s, x, b, named) === SEG_HIT;
}

/** Where tokenMayHit's last walk to its end stopped: the leading token's end, with `lead`. */
let mayLeadEnd = 0;

/**
 * Whether analyzeToken's escaped reading of the token s[a, b) (up to its first PT_LEAD character, for
 * the leading one) may find anything: false when its text (unescapeDots: each `\\` before a `.` or `/`
 * dropped) holds no separator and nothing normalize could make one of, and no crown word or glued
 * root. That reading then returns nothing: crownAtPos finds no word (each holds two letters in a
 * row: wordShape), and without a separator the walk ends with none (a climb, an absolute path or a
 * secret needs one). A separator there is a `/` of the token or a `\\` that no `.` or `/` follows;
 * normalize could rewrite a `%`, a `0x`, a unit above ASCII or a `2f`/`5c` (after dots, which
 * unescaping may join); NUL counts too. Dense `.\\.` tokens (`.=.\\` repeated) went through
 * analyzeToken's two readings each (~70 µs/KB of this detector).
 */
function escapedMayHit(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80 || c === 0 || c === 37 || c === 47) return true;
    if (((PT2[c] as number) & PT_LEAD) !== 0) return false;
    const d = k + 1 < b ? s.charCodeAt(k + 1) : -1;
    if (c === 92) {
      if (d !== 46 && d !== 47) return true;
      continue;
    }
    const l = c | 0x20;
    const m = d | 0x20;
    if (l >= 97 && l <= 122 && m >= 97 && m <= 122) return true;
    if ((c === 48 && m === 120) || (c === 50 && m === 102) || (c === 53 && m === 99)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Wrappers, NUL
// ---------------------------------------------------------------------------------------------------

/** PHP/Java stream wrappers and `file:` URLs, lower-case, without the `:`. */
const WRAPPERS = ['php', 'zip', 'phar', 'expect', 'glob', 'data', 'compress.zlib', 'compress.bzip2', 'ogg', 'rar', 'zlib', 'jar', 'file', 'netdoc'];

/** s[a, b) equals `name` (lower case), ignoring ASCII case. */
function equalsCI(s: string, a: number, b: number, name: string): boolean {
  if (b - a !== name.length) return false;
  for (let k = 0; k < name.length; k++) {
    let c = s.charCodeAt(a + k);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== name.charCodeAt(k)) return false;
  }
  return true;
}

function isLetter(c: number): boolean {
  return (c | 0x20) >= 97 && (c | 0x20) <= 122;
}

/** What scanWrappers' first test assumes of every wrapper name (and `jar`, `netdoc`): letters before its last character. */
function wrapperShape(w: string): void {
  if (w.length < 3 || !isLetter(w.charCodeAt(w.length - 2)) || !isLetter(w.charCodeAt(w.length - 3))) throw new Error(`path-traversal: wrapper ${w} breaks the colon test`);
}
(() => {
  for (const w of WRAPPERS) wrapperShape(w);
  wrapperShape('netdoc');
  wrapperShape('jar');
})();

function scanWrappers(s: string): Hit | undefined {
  // The next colon is searched from i + 4: one at i + 1 to i + 3 has the colon at i among the three
  // characters before it, and every name compared below has three or more (`php`, `jar`, `file`).
  // A colon run paid a native search (~7 ns) and a look-back per colon (~7 µs/KB); one every fourth.
  for (let i = s.indexOf(':'); i !== -1; i = colonFrom(s, i + 4)) {
    // Every name compared below ends with three letters, or with two letters and a digit
    // (`compress.bzip2`): a colon without letters two and three characters before it names none.
    // One or two loads (a megabyte of `x:/&0`, a colon every fifth character, read up to three
    // characters back per colon).
    if (i < 3 || !isLetter(s.charCodeAt(i - 2)) || !isLetter(s.charCodeAt(i - 3))) continue;
    // Scheme letters before the colon.
    let a = i;
    while (a > 0 && i - a < 16) {
      const c = s.charCodeAt(a - 1);
      if (isAlnum(c) || c === 46 || c === 43 || c === 45) a--;
      else break;
    }
    // (Every name compared below has three characters or more.)
    if (i - a < 3) continue;
    // Compared in place (no lower-cased copy): most colons are times, ports and URL schemes.
    const slashes = at(s, i + 1) === 47 && at(s, i + 2) === 47;
    if (equalsCI(s, a, i, 'file') || equalsCI(s, a, i, 'netdoc')) {
      // `file:///etc/passwd`, `file:/etc/passwd`, `file://host/share`.
      if (at(s, i + 1) === 47 || at(s, i + 1) === 92) {
        return { rule: 'path.file-url', confidence: 'high', reason: 'A file: URL that reads the local file system.' };
      }
      continue;
    }
    if (equalsCI(s, a, i, 'jar') && s.startsWith('file:', i + 1)) {
      return { rule: 'path.file-url', confidence: 'high', reason: 'A jar:file: URL that reads the local file system.' };
    }
    if (!slashes) continue;
    for (const scheme of WRAPPERS) {
      if (scheme === 'file' || !equalsCI(s, a, i, scheme)) continue;
      if (scheme === 'data' && !s.startsWith('text/', i + 3) && !s.startsWith('application/', i + 3)) break;
      return { rule: 'path.stream-wrapper', confidence: 'high', reason: `A ${scheme}:// stream wrapper (file inclusion).` };
    }
  }
  return undefined;
}

/**
 * A NUL right after a file or path name (`shell.php\0.jpg`, `/etc/shadow\0`): native code stops
 * there. Looks back over the name (bounded) for the `.` or separator that makes it a file name.
 * `first`: the value's first NUL, or -1 (the caller has searched for it already: on a two-byte string
 * that search is not free, ~0.5 µs/KB, as the native search stops at every ASCII character's zero
 * high byte).
 */
function scanNul(s: string, first: number): Hit | undefined {
  let found = false;
  for (let z = first; z !== -1; z = s.indexOf('\0', z + 1)) {
    found = true;
    let k = z - 1;
    while (k >= 0 && z - k <= 64) {
      const c = s.charCodeAt(k);
      if (c === 46 || c === 47 || c === 92) {
        if (k < z - 1) {
          return { rule: 'path.null-byte', confidence: 'high', reason: 'A NUL byte after a file name, which truncates it in native code.' };
        }
        break;
      }
      if (!(isAlnum(c) || c === 95 || c === 45)) break;
      k--;
    }
  }
  return found ? { rule: 'path.null-byte', confidence: 'low', reason: 'A NUL byte in a value.' } : undefined;
}

// ---------------------------------------------------------------------------------------------------

/** Characters that end a path token inside text. */
function isBoundary(c: number): boolean {
  return c < 128 && ((PT[c] as number) & PT_BOUND) !== 0;
}

/** Per-character bits: ends a token; makes a token worth analysing; needed by some rule at all. */
const PT_BOUND = 1;
const PT_INTERESTING = 2;
const PT = new Uint8Array(128);
(() => {
  for (const ch of ' \t\n\r"\'`()[]<>|,=?&{}*') PT[ch.charCodeAt(0)] = (PT[ch.charCodeAt(0)] as number) | PT_BOUND;
  for (const ch of '/\\%.0') PT[ch.charCodeAt(0)] = (PT[ch.charCodeAt(0)] as number) | PT_INTERESTING;
})();

/**
 * PT for every UTF-16 code unit, plus PT_OTHER on `:`, NUL and everything above ASCII. Two more bits
 * serve detectPathTraversal's first pass: FAST_NEED on what every rule but the bare Windows classics
 * needs (`/`, `\`, `%`, `:`, NUL, anything above ASCII), FAST_DOT on `.` (two in a row need the
 * rules too). One table, one load per character.
 */
const PT_OTHER = 4;
const FAST_NEED = 8;
const FAST_DOT = 16;
/** Ends the leading token (detectFull): a line break, a quote, `<`, `>`, `|` or `?` (and NUL). */
const PT_LEAD = 32;
const PT2 = new Uint8Array(65536);
(() => {
  PT2.set(PT);
  PT2.fill(PT_OTHER | FAST_NEED, 128);
  PT2[58] = PT_OTHER | FAST_NEED;
  PT2[0] = PT_OTHER | FAST_NEED;
  for (const ch of '/\\%') PT2[ch.charCodeAt(0)] = (PT2[ch.charCodeAt(0)] as number) | FAST_NEED;
  PT2[46] = (PT2[46] as number) | FAST_DOT;
  for (const ch of '\n\r"\'`<>|?') PT2[ch.charCodeAt(0)] = (PT2[ch.charCodeAt(0)] as number) | PT_LEAD;
})();

/** The value is `boot.ini` or `win.ini` (any case) between ASCII blanks (what trim() drops here). */
function isWindowsClassic(v: string): boolean {
  let a = 0;
  let b = v.length;
  while (a < b && ((v.charCodeAt(a) >= 9 && v.charCodeAt(a) <= 13) || v.charCodeAt(a) === 32)) a++;
  while (b > a && ((v.charCodeAt(b - 1) >= 9 && v.charCodeAt(b - 1) <= 13) || v.charCodeAt(b - 1) === 32)) b--;
  return equalsCI(v, a, b, 'boot.ini') || equalsCI(v, a, b, 'win.ini');
}

/** The charMask bits of FAST_NEED's characters (CTRL stands for NUL: wider, so never a miss). */
const MASK_NEED = C.SLASH | C.BSLASH | C.PERCENT | C.COLON | C.CTRL | C.NONASCII;

/**
 * Whether the value may hold a NUL: not when its charMask (when given) has no control character. The
 * native search for one is not free on a two-byte string (~0.5 µs/KB: V8 reads it a code unit at a
 * time, as every ASCII character's high byte is a zero byte to memchr).
 */
function mayHoldNul(mask: number | undefined): boolean {
  return mask === undefined || (mask & C.CTRL) !== 0;
}

/**
 * `::$` at `k` names the default data stream of a file: `$DATA` after `name.ext` (an extension of 1-32
 * letters or digits: PHP's `self::$data` has none) or a dotfile (`.htaccess`, `/.env`), then the end or
 * a character no name continues with, and not what PHP code puts after a static property. Case-
 * insensitive, as NTFS is. Bounded: 34 characters back, 10 ahead. (The seeded reference in the tests
 * found an extension of 9 read as one: off by one, fixed.)
 * (Review rB: an extension of 1-8 let `application.properties::$DATA` pass and a dotfile
 * `.htaccess::$DATA`; PHP concatenating a static property, `$path.Config::$data;`,
 * `$prefix.View::$data['t']`, read as a stream: what follows tells them apart, phpAfterProperty.)
 */
function adsStream(s: string, k: number): boolean {
  const t = k + 3;
  const word = (w: string): boolean => {
    for (let j = 0; j < w.length; j++) if ((s.charCodeAt(t + j) | 0x20) !== w.charCodeAt(j)) return false;
    const e = s.charCodeAt(t + w.length);
    return !(isAlnum(e) || e === 95);
  };
  if (!word('data')) return false;
  let p = k;
  while (p > 0 && k - p < 32 && isAlnum(s.charCodeAt(p - 1))) p--;
  if (p === k || p < 1 || s.charCodeAt(p - 1) !== 46) return false;
  const b = p > 1 ? s.charCodeAt(p - 2) : -1;
  // `name.ext`, or a dotfile at the start or after a separator.
  if (!(isAlnum(b) || b === -1 || b === 47 || b === 92)) return false;
  return !phpAfterProperty(s, t + 4);
}

/**
 * At `i`, right after `::$data`, PHP code goes on with the static property: `[`, `(`, `)`, `,`, `=`,
 * `->`, a `;` that ends the statement (then the end or a blank: `;jsessionid=` is a URL's), or a
 * concatenating `.` (then a blank, a quote or `$`). A path or file name never does (its `$DATA` ends
 * it; a trailing `.` is stripped by Windows and stays reported). Up to 4 blanks first. O(1).
 */
function phpAfterProperty(s: string, i: number): boolean {
  const n = s.length;
  let j = i;
  while (j < n && j - i < 4 && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
  if (j >= n) return false;
  const c = s.charCodeAt(j);
  const d = j + 1 < n ? s.charCodeAt(j + 1) : -1;
  if (c === 91 || c === 40 || c === 41 || c === 44 || c === 61) return true;
  if (c === 45) return d === 62;
  if (c === 59) return d === -1 || d <= 32;
  if (c === 46) return d === 32 || d === 9 || d === 39 || d === 34 || d === 36;
  return false;
}

/**
 * The `$` at `d` (after a `:`) starts `$INDEX_ALLOCATION`, the attribute type of a directory's index:
 * `dir::$INDEX_ALLOCATION` (default stream) or `dir:$I30:$INDEX_ALLOCATION` (the index's own name)
 * opens the directory `dir` under another name, so `/admin::$INDEX_ALLOCATION/secret` reaches
 * `/admin/secret` past a check on `/admin` (IIS, any Windows file API). No extension is asked for (a
 * directory has none): the stream syntax before it, a name before that (a character that is no
 * colon), the whole type word, and not PHP code going on after a static property of that name
 * (phpAfterProperty) decide. Case-insensitive, as NTFS is. Bounded: 6 characters back, 18 ahead.
 */
function indexAllocation(s: string, d: number): boolean {
  // (`| 0x20` folds the letters; it makes `_` DEL, hence the table's `\x7f`.)
  const w = 'index\x7fallocation';
  for (let j = 0; j < w.length; j++) if ((s.charCodeAt(d + 1 + j) | 0x20) !== w.charCodeAt(j)) return false;
  const e = s.charCodeAt(d + 1 + w.length);
  if (isAlnum(e) || e === 95) return false;
  // The colon before the stream's name (empty: `::`, or `$I30`).
  let c = d - 2;
  if (c >= 3 && s.charCodeAt(c) === 48 && s.charCodeAt(c - 1) === 51 && (s.charCodeAt(c - 2) | 0x20) === 105 && s.charCodeAt(c - 3) === 36) c -= 4;
  if (c < 1 || s.charCodeAt(c) !== 58 || s.charCodeAt(c - 1) === 58) return false;
  return !phpAfterProperty(s, d + 1 + w.length);
}

/**
 * `mask`, when given, is charMask(value) (the engine's): it only spares a scan, never changes an answer.
 *
 * A value that is a relative `file:` URL (`file:../secret.txt`, `file:%2e%2e/%2e%2e/x`; round 8) is
 * also read without its scheme: `new URL(input, 'file:///srv/app/files/')` resolves it as it resolves
 * the bare path (dot segments, `%2e` among them, climb from the base), so it is judged as that path
 * is (`file:../README` medium as `../README` is; an npm `file:../lib` dependency stays allowed). One
 * more pass over the rest of the value, only when it starts with `file:` and no `/` or `\`.
 */
export function detectPathTraversal(value: string, mask?: number): Detection | undefined {
  const d = detectWithFileUrl(value, mask);
  if (d?.confidence === 'high' || typeof value !== 'string') return d;
  if (mask !== undefined && (mask & (C.SPACE | C.NEWLINE)) === 0) return d;
  const stripped = urlStripped(value);
  if (stripped === undefined) return d;
  // (Only a climb counts from the stripped copy: what the deletion joins is a dot segment; the
  // other rules read the value as a file name, where a tab is a tab.)
  const s = detectWithFileUrl(stripped);
  return s?.rule === 'path.traversal' ? better(d, s) : d;
}

function detectWithFileUrl(value: string, mask?: number): Detection | undefined {
  const d = detectPathOnce(value, mask);
  if (d?.confidence === 'high' || typeof value !== 'string') return d;
  const rest = relativeFileUrl(value);
  return rest === -1 ? d : better(d, detectPathOnce(value.slice(rest)));
}

/** A character of `..`, `/`, `\` or `%2e` (urlStripped). O(1). */
function splitsClimb(c: number): boolean {
  return c === 46 || c === 47 || c === 92 || c === 37 || c === 50 || c === 101 || c === 69;
}

/** Longest value urlStripped copies: a URL a handler resolves, not a document. */
const STRIP_MAX = 2048;

/**
 * The value as the WHATWG URL parser reads it, which deletes every tab, LF and CR before parsing
 * (review of round 8: `new URL('.\t./secret.txt', base)`, `new URL('fi\tle:../secret.txt', base)`
 * and `file:%2e\n%2e/` climb out of the base, and passed as `.\t./` is no dot segment to a path
 * reader), or undefined when there is none to delete or the value reads as text: a space between
 * two other characters (lines of prose joined would make "wait..\n/x" a climb), or longer than
 * STRIP_MAX. One scan and at most one copy and one more pass, only for a value of at most STRIP_MAX
 * characters with a tab or line break that was not high.
 */
function urlStripped(v: string): string | undefined {
  const n = v.length;
  if (n > STRIP_MAX) return undefined;
  let a = 0;
  while (a < n && v.charCodeAt(a) <= 32) a++;
  let b = n;
  while (b > a && v.charCodeAt(b - 1) <= 32) b--;
  // Only a break that can split what a climb is made of counts: beside a dot, `/`, `\`, or a
  // `%2e` piece, or in the first six characters of a value that starts with `f` (`fi\tle:`).
  // Tab-separated data ("a\tb") makes no copy. Worst case (2 KB of `.\t.`): ~55 µs, main's ~18.
  let strip = false;
  const f = (v.charCodeAt(a) | 32) === 102;
  for (let k = a; k < b; k++) {
    const c = v.charCodeAt(k);
    if (c === 9 || c === 10 || c === 13) strip ||= (f && k < a + 6) || splitsClimb(v.charCodeAt(k - 1)) || splitsClimb(v.charCodeAt(k + 1));
    else if (c === 32) return undefined;
  }
  if (!strip) return undefined;
  // (The kept runs sliced and joined: a rope of runs, flattened once by the next charCodeAt.)
  let out = '';
  let from = a;
  for (let k = a; k < b; k++) {
    const c = v.charCodeAt(k);
    if (c === 9 || c === 10 || c === 13) {
      if (k > from) out += v.slice(from, k);
      from = k + 1;
    }
  }
  return from < b ? out + v.slice(from, b) : out;
}

/**
 * Where the path of a relative `file:` URL starts (the value, after leading blanks, is `file:` then
 * neither `/` nor `\`), or -1. WHATWG strips leading C0 controls and spaces; up to 32 here. O(1).
 */
function relativeFileUrl(v: string): number {
  let i = 0;
  while (i < v.length && i < 32 && v.charCodeAt(i) <= 32) i++;
  if (i + 5 >= v.length || !equalsCI(v, i, i + 4, 'file') || v.charCodeAt(i + 4) !== 58) return -1;
  const c = v.charCodeAt(i + 5);
  return c === 47 || c === 92 ? -1 : i + 5;
}

function detectPathOnce(value: string, mask?: number): Detection | undefined {
  if (typeof value !== 'string' || value.length < 2) return undefined;
  // Fast path: one pass for the characters every rule needs: a separator, `%`, NUL, a colon, non-ASCII
  // look-alikes, or two dots in a row. Words, numbers, e-mail addresses and "v1.2" cannot form a path,
  // a wrapper or a NUL truncation; a bare file name can only be one of the two Windows classics.
  // A second pass (firstMayToken) splits the value into the tokens analysed below and asks
  // tokenMayHit's questions, so a value whose tokens cannot hit (`Mozilla/5.0 (X11; …`,
  // `https://host/cart?x=1`) returns after it: no normalised copies, no crown-string searches. A value
  // that starts like a path has its leading token analysed first, and that pass only runs when the
  // leading token did not decide.
  // The first pass is one table load per character (PT2's FAST bits): most values are read whole here.
  if (mask !== undefined && (mask & MASK_NEED) === 0) {
    // The mask already shows that no FAST_NEED character is present: the first pass below would
    // only look for `..`, which the native search finds faster (a sentence with a full stop was
    // ~150 ns of table loads). Same answers: `..` goes on to the rules, else the Windows classics.
    if (value.indexOf('..') === -1) {
      if ((mask & C.DOT) !== 0 && value.length < 64 && isWindowsClassic(value)) {
        return { rule: 'path.system-file', confidence: 'high', reason: 'A Windows system file name (boot.ini / win.ini).' };
      }
      return undefined;
    }
  } else {
    let need = false;
    let dot = false;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      const f = (PT2[value.charCodeAt(i)] as number) & (FAST_NEED | FAST_DOT);
      if (f === 0) continue;
      if (f === FAST_NEED || (i + 1 < n && value.charCodeAt(i + 1) === 46)) {
        need = true;
        break;
      }
      dot = true;
    }
    if (!need) {
      if (dot && value.length < 64) {
        // No character outside ASCII here, so trim() would drop only ASCII blanks.
        if (isWindowsClassic(value)) {
          return { rule: 'path.system-file', confidence: 'high', reason: 'A Windows system file name (boot.ini / win.ini).' };
        }
      }
      return undefined;
    }
  }
  const n = value.length;
  // NTFS alternate data streams (round 2, hE2): `web.config::$DATA` reads a file's default stream
  // under a name that ends in no extension, so IIS serves the source of `index.asp::$DATA` and an
  // upload filter passes `shell.asp::$DATA`. One native search for `$` per value that got past the
  // first pass (a colon, a dot pair, a separator…), and O(1) per `$`. (A search for `::$` itself
  // cost 1 MB of `:` ~4x: 1.95 -> 7.6 µs/KB in this detector.)
  for (let d = value.indexOf('$'); d !== -1; d = value.indexOf('$', d + 1)) {
    if (d > 2 && value.charCodeAt(d - 1) === 58 && value.charCodeAt(d - 2) === 58 && adsStream(value, d - 2)) {
      return { rule: 'path.windows-stream', confidence: 'high', reason: 'An NTFS stream suffix (::$DATA) that reads a file under another name.' };
    }
    // (Session 20: `/admin::$INDEX_ALLOCATION/secret`, `dir:$I30:$INDEX_ALLOCATION`. O(1) per `$`.)
    if (d > 2 && value.charCodeAt(d - 1) === 58 && indexAllocation(value, d)) {
      return { rule: 'path.windows-stream', confidence: 'high', reason: 'An NTFS directory index stream (::$INDEX_ALLOCATION) that opens a directory under another name.' };
    }
  }
  // A value that starts like a path (or a device) goes to the rules in any case; the others only
  // when some token may hit (firstMayToken), a wrapper did, or there is a NUL.
  let i = 0;
  while (i < n && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
  const c0 = at(value, i);
  const c1 = at(value, i + 1);
  const device = c0 === 92 && c1 === 92;
  const pathStart = c0 === 47 || c0 === 92 || c0 === 46 || c0 === 126 || (isAlnum(c0) && c1 === 58);
  if (device || pathStart) {
    const nulAt = mayHoldNul(mask) ? value.indexOf('\0') : -1;
    return detectFull(value, value.indexOf(':') !== -1 ? scanWrappers(value) : undefined, -1, nulAt, mask);
  }
  const from = firstMayToken(value, mask);
  // firstMayToken noted colons and NULs in what it read.
  const colon = mayColon || (mayScanned < n && value.indexOf(':', mayScanned) !== -1);
  // The first NUL: in what firstMayToken read when it saw one there (found at once), else after it.
  const nulAt = mayNul ? value.indexOf('\0') : mayScanned < n && mayHoldNul(mask) ? value.indexOf('\0', mayScanned) : -1;
  const wrapper = colon && (mayScanned < n || mayLetterPair) ? scanWrappers(value) : undefined;
  if (wrapper === undefined && from === n && nulAt === -1) return undefined;
  // (No leading token to end here: the value does not start like a path, so detectFull's lead
  // test, the only other reader of `nulAt`, does not pass.)
  return detectFull(value, wrapper, from, nulAt, mask);
}

/** The charMask bits of `/ \ % .`, code units above ASCII and control characters (NUL among them). */
const MASK_MAY = C.SLASH | C.BSLASH | C.PERCENT | C.DOT | C.NONASCII | C.CTRL;

/**
 * What the last nextMayToken call saw besides its answer: where the token it found ends, how far
 * it read, and whether that part holds a colon or a NUL.
 */
let mayTokenEnd = 0;
let mayScanned = 0;
let mayColon = false;
let mayNul = false;
/**
 * Whether what the last nextMayToken call read (without highOnly) held two ASCII letters in a row,
 * exact when it read the whole value and true otherwise. Every wrapper name scanWrappers compares
 * ends with two letters before its last character (wrapperShape), so a value without them names none:
 * colon runs without letters (`'::'`, `a: b&`) had every colon looked at (~1.5 µs/KB).
 */
let mayLetterPair = true;

/** nextMayToken from the value's start, after the caller's mask (when given) had its say. */
function firstMayToken(value: string, mask: number | undefined, askedStart = -1, askedEnd = -1): number {
  const n = value.length;
  if (mask !== undefined && (mask & MASK_MAY) === 0 && value.indexOf('0x') === -1 && value.indexOf('0X') === -1) {
    // No token can be accepted: each needs one of `/ \ % .`, a code unit above ASCII or `0` (the
    // questions' `interesting`), and then a hit that only those, a NUL or `0x` make. Without the
    // first five or a control character (the charMask) nor `0x`, the walk below would read every
    // character to find none: ~7 µs/KB on `a: b&` or `::x` runs, the colon-only values that reach
    // this detector, against two native searches here (~0.1 µs/KB).
    mayTokenEnd = mayScanned = n;
    mayColon = (mask & C.COLON) !== 0;
    mayNul = false;
    mayLetterPair = true;
    return n;
  }
  // The tokens before the first `/ \\ % . 0` or unit above ASCII are passed by nextMayToken unasked
  // (none is `interesting`): found here first in one tight loop, which notes only kinds and pairs.
  // Colon-and-letter runs (`a: b&`, `'::'`) that reach this detector without a mask, made of one- and
  // two-character tokens, cost nextMayToken's steps per token (~4 µs/KB; ~1.5 here).
  const nt = NT_TABLE ?? buildNtTable();
  let acc = 0;
  let pairs = 0;
  let prev = 0;
  let j = 0;
  for (; j < n; j++) {
    const t = (nt[value.charCodeAt(j)] as number) ^ NT_HIGH;
    if ((t & NT_INTERESTING) !== 0) break;
    pairs |= prev & (t >> 16);
    acc |= t;
    prev = t;
  }
  if (j === n) {
    mayTokenEnd = mayScanned = n;
    mayColon = (acc & NT_COLON) !== 0;
    mayNul = (acc & NT_NUL) !== 0;
    mayLetterPair = (pairs & NT_LET) !== 0;
    return n;
  }
  // From the start of the token that holds it, with what was read before it added to the notes.
  while (j > 0 && ((nt[value.charCodeAt(j - 1)] as number) & NT_BOUND) === 0) j--;
  const from = nextMayToken(value, j, false, askedStart, askedEnd);
  if ((acc & NT_COLON) !== 0) mayColon = true;
  if ((acc & NT_NUL) !== 0) mayNul = true;
  if ((pairs & NT_LET) !== 0) mayLetterPair = true;
  return from;
}

/**
 * nextMayToken's kinds of code unit, one Int32 each. Bits 0-8, what the unit is: an ASCII letter
 * (NT_LET), `%`, `0`, `.`, `/` or `\\` (NT_SEP), above ASCII, NUL, `:`, `x` or `X`. Bits 16-24, the
 * kinds before it that make a pair worth noting (NT_LET before a letter: two letters in a row; NT_PCT
 * before a hex digit or `u`; NT_ZERO before `x`; NT_DOT before `.` or `i`; NT_X before `2` or `5`,
 * as in the `0x2e`, `0x2f` and `0x5c` that normalize rewrites; NT_DOT2 before `\\`, as in `.\\.`;
 * NT_BACK (`\\` itself) before `\\`), read as `prev & (t >> 16)`. Bit 30, a
 * token boundary (PT_BOUND). Built at the first call.
 */
const NT_LET = 1;
const NT_PCT = 2;
const NT_ZERO = 4;
const NT_DOT = 8;
const NT_SEP = 16;
const NT_HIGH = 32;
const NT_NUL = 64;
const NT_COLON = 128;
const NT_X = 256;
const NT_DOT2 = 512;
const NT_BACK = 1024;
/** A `.` again, paired only before `2`, `5`, `i` or `I` (tokenMustAsk: `..2f`, `..5c`, `.ini`). */
const NT_DOT25 = 2048;
const NT_BOUND = 1 << 30;
/** detectFull's `interesting`: `/ \ % . 0` or a unit above ASCII. */
const NT_INTERESTING = NT_PCT | NT_ZERO | NT_DOT | NT_SEP | NT_HIGH;
let NT_TABLE: Int32Array | undefined;
function buildNtTable(): Int32Array {
  // Stored XOR NT_HIGH, so that the zeros of a new array read as NT_HIGH above ASCII: filling the
  // 65536 entries cost ~0.1 ms at the first call (a 128-entry table and a compare a character
  // read ~1 µs/KB slower on dense punctuation and on prose).
  const nt = new Int32Array(65536);
  const w = (c: number, bits: number): void => {
    nt[c] = (nt[c] as number) | (bits << 16);
  };
  for (let c = 0; c < 128; c++) {
    if (((PT[c] as number) & PT_BOUND) !== 0) nt[c] = NT_BOUND;
    const l = c | 0x20;
    if (l >= 97 && l <= 122) {
      nt[c] = NT_LET;
      w(c, NT_LET);
      if (l <= 102 || l === 117) w(c, NT_PCT); // a-f, u
      if (l === 120) {
        nt[c] = (nt[c] as number) | NT_X;
        w(c, NT_ZERO); // x
      }
      if (l === 105) w(c, NT_DOT | NT_DOT25); // i
    }
    if (c >= 48 && c <= 57) w(c, NT_PCT);
    if (c === 50 || c === 53) w(c, NT_X | NT_DOT25); // 2, 5
  }
  nt[37] = NT_PCT;
  nt[48] = (nt[48] as number) | NT_ZERO;
  nt[46] = NT_DOT | NT_DOT2 | NT_DOT25 | ((NT_DOT | NT_SEP) << 16);
  nt[47] = NT_SEP;
  nt[92] = NT_SEP | NT_BACK | ((NT_DOT2 | NT_BACK) << 16);
  nt[0] = NT_NUL;
  nt[58] = NT_COLON;
  for (let c = 0; c < 128; c++) nt[c] = (nt[c] as number) ^ NT_HIGH;
  return (NT_TABLE = nt);
}

/**
 * The first token at or after `start` (where a token starts or a boundary is) that detectFull
 * analyses: tokens split at PT_BOUND characters, three characters or more, with a `/ \ % . 0` or a
 * unit above ASCII, that tokenMayHit accepts and that plainToken does not pass (a token holding
 * units above ASCII that normalize can only give look-alike dots); with `highOnly`, only one that may
 * give a high finding (mayBeHigh); not s[askedStart, askedEnd), which tokenMayHit turned away as
 * the leading token. Returns where it starts, or the value's length; leaves its end in `mayTokenEnd` and what was read in the other notes.
 *
 * Each token is read once at one table load per character (NT_TABLE), noting which kinds it holds
 * and which pairs of them follow each other; tokenMayHit is asked only when those could lead it to
 * accept the token (tokenMustAsk). Dense punctuation is made of short tokens (`\;%`, `0x:/`, `\0-`)
 * that hold a separator or `%` but nothing tokenMayHit accepts: asking each cost ~70 ns, a third
 * or more of this detector on such text (~15 µs/KB on `%'\;`, `-('\0`, `0x:/&`; now ~3).
 */
function nextMayToken(value: string, start: number, highOnly: boolean, askedStart: number, askedEnd: number): number {
  const nt = NT_TABLE ?? buildNtTable();
  const n = value.length;
  let all = 0; // the kinds of every token read
  let allPairs = 0; // the pairs of every token read (mayLetterPair)
  let j = start;
  // Each character is loaded once: the load that ends a run of boundaries starts the token, and the
  // boundary that ends a token is passed without a second look (on `</a>x`, `%'\\;` or `-('\\0`,
  // one- to three-character tokens, the loads at the token edges were half of this loop's).
  for (;;) {
    let t = 0;
    for (; j < n; j++) {
      t = (nt[value.charCodeAt(j)] as number) ^ NT_HIGH;
      if ((t & NT_BOUND) === 0) break;
    }
    if (j >= n) break;
    if (highOnly && j >= leadSpanStart && j < leadSpanEnd) {
      // Inside the leading token's plain run: its tokens cannot be high (spanSkip).
      const k = spanSkip(value, j);
      if (k !== j) {
        j = k;
        continue;
      }
    }
    if ((t & NT_HIGH) !== 0) {
      // Tokens that start above ASCII and that plainToken would pass, in one read.
      const e = plainTokenEnd(value, j, n);
      if ((plainSeen & (1 << PL_COLON)) !== 0) all |= NT_COLON;
      if ((plainSeen & (1 << PL_NUL)) !== 0) all |= NT_NUL;
      if (e >= 0) {
        allPairs |= NT_LET; // (letter pairs unread: taken as present)
        j = e;
        continue;
      }
    }
    const ts = j;
    let acc = t;
    let pairs = 0;
    let prev = t;
    for (j++; j < n; j++) {
      const u = (nt[value.charCodeAt(j)] as number) ^ NT_HIGH;
      if ((u & NT_BOUND) !== 0) break;
      pairs |= prev & (u >> 16);
      acc |= u;
      prev = u;
    }
    all |= acc;
    allPairs |= pairs;
    const te = j++; // (s[te] is a boundary, or te is the value's end)
    if (te - ts < 3 || (acc & NT_INTERESTING) === 0) continue;
    if (highOnly && !mayBeHigh(acc, pairs)) continue;
    if (!tokenMustAsk(value, ts, te, acc, pairs) || (ts === askedStart && te === askedEnd)) continue;
    if ((acc & NT_HIGH) !== 0 && plainToken(value, ts, te)) continue;
    if (tokenMayHit(value, ts, te, false)) {
      mayTokenEnd = mayScanned = te;
      mayColon = (all & NT_COLON) !== 0;
      mayNul = (all & NT_NUL) !== 0;
      mayLetterPair = true;
      return ts;
    }
  }
  mayTokenEnd = mayScanned = n;
  mayColon = (all & NT_COLON) !== 0;
  mayNul = (all & NT_NUL) !== 0;
  // (With highOnly, spanSkip passes characters unread.)
  mayLetterPair = highOnly || (allPairs & NT_LET) !== 0;
  return n;
}

/**
 * False when analyzeToken cannot give the token (not the value's first one) a high finding, from
 * nextMayToken's notes of it: detectFull needs no more once its best is medium (a later finding
 * replaces it only when higher). Such a token's absolute and system-file findings are medium at
 * most (only the first token keeps them high); high needs a climb or a crown target in one of its
 * readings: a `..` segment, in the token itself, made by normalize (whose rewrites start at a unit
 * above ASCII, a `%` before a hex digit or `u`, a `0x` then `2` or `5`, or after `..`) or by
 * unescaping a `.\\.` (the escaped reading); or a crown word or glued root, each with two letters in
 * a row (wordShape). A NUL counts too (trimmed from a segment's end). Dense punctuation whose tokens
 * are each a medium finding (`x:/ `, `/.$`, `\\\\0` of `\\0,\\`: drive, hidden and UNC paths) sent every
 * token through analyzeToken, ~45-95 µs/KB of this detector.
 */
function mayBeHigh(acc: number, pairs: number): boolean {
  return (acc & (NT_HIGH | NT_NUL)) !== 0 || (pairs & (NT_PCT | NT_DOT | NT_DOT2 | NT_LET)) !== 0 || (pairs & (NT_ZERO | NT_X)) === (NT_ZERO | NT_X);
}

/**
 * False when tokenMayHit(s, a, b, false) cannot accept the token s[a, b) (for leadMustAsk, the
 * leading token with tokenMayHit's `lead`) but through a hash collision, which only sends a token to analyzeToken, where names are compared
 * exactly: no finding. `acc` and `pairs` are nextMayToken's notes of it. tokenMayHit accepts a token
 * through a unit above ASCII or NUL; a `%` that a hex digit or `u` follows (percentMayRewrite); a
 * `0x` that spells a separator or dot (zeroXRewrites, asked here); at a dot, `..`, `.ini` or `.\.`
 * (NT_DOT2's `.\`); and with a separator, a drive or UNC start (asked here), a crown head before a
 * separator, or a segment that names something or, as the first named one of an absolute path
 * (the token starts with a separator), is hidden (segmentMayHit). Every crown head, name, root, weak
 * root, extension and `_history` holds two letters in a row (held at load, wordShape), so a token
 * with a separator but no two letters in a row (dots or not) has none of those; a hidden first
 * segment needs a dot and a separator first (asked here).
 */
function tokenMustAsk(s: string, a: number, b: number, acc: number, pairs: number): boolean {
  if ((acc & (NT_HIGH | NT_NUL)) !== 0 || (pairs & NT_PCT) !== 0) return true;
  // A `..` (or `.i`) asks when the token has a separator, two letters in a row, or a dot before a
  // `2`, `5` or `i`. Without them it finds nothing: one segment of dots climbs from nowhere, a glued
  // root or `.ini` needs two letters in a row, and the rewrite a dot run allows is `..2f`/`..5c`
  // (exhaustively: every such token of up to 5-8 characters over alphabets of the characters that
  // matter, in 18 contexts, verdicts equal to an inert token's). Dense dot units (`.. x`, `~..(`,
  // `#_?..`) sent every 3-5-character token through analyzeToken (~25-35 µs/KB of this detector).
  if ((pairs & NT_DOT) !== 0 && ((acc & NT_SEP) !== 0 || (pairs & (NT_LET | NT_DOT25)) !== 0)) return true;
  if ((acc & NT_SEP) !== 0) {
    if ((pairs & (NT_LET | NT_DOT2)) !== 0) return true;
    const c0 = s.charCodeAt(a);
    const c1 = at(s, a + 1);
    if ((c1 === 58 && isAlnum(c0)) || (c0 === 92 && c1 === 92)) return true;
    // A hidden first segment (`/.x`) of an absolute path: a dot right after a separator (the NT_SEP
    // pair; segmentMayHit trims a segment's end only). A dot elsewhere sent every `/a.` token of
    // `/a.[{` through tokenMayHit (~15 µs/KB of this detector).
    if ((pairs & NT_SEP) !== 0 && (c0 === 47 || c0 === 92)) return true;
  }
  // (`0x`, then two hex digits spelling `.`, `/` or `\\`: the first a `2` or `5`.)
  if ((pairs & (NT_ZERO | NT_X)) === (NT_ZERO | NT_X)) {
    for (let k = a; k + 1 < b; k++) if (s.charCodeAt(k) === 48 && zeroXRewrites(s, k, b)) return true;
  }
  return false;
}

/**
 * tokenMustAsk for the leading token s[a, …) (tokenMayHit's `lead`: it ends at its first PT_LEAD
 * character, or at `bound`): false when tokenMayHit(s, a, bound, true) cannot accept it. Its PT_BOUND
 * characters are ordinary ones here (neither a pair nor a kind: no name holds one where its dot or
 * letters in a row are). A value that starts with a separator is one such token up to its first
 * quote or line break: a megabyte of `\x(` was read by tokenMayHit's segment walk (~10 µs/KB).
 */
function leadMustAsk(s: string, a: number, bound: number): boolean {
  leadInertEnd = -1;
  // A drive or UNC start: tokenMayHit decides at the first separator (no need to read the token).
  const c1 = at(s, a + 1);
  if ((c1 === 58 && isAlnum(s.charCodeAt(a))) || (s.charCodeAt(a) === 92 && c1 === 92)) return true;
  const nt = NT_TABLE ?? buildNtTable();
  // What makes tokenMustAsk true whatever follows: it is asked as the token is read, so a token
  // that must be asked is not read twice (`/.`, `.\\/` or `/%a+` repeated, one megabyte-long
  // leading token each, are decided at their second or third character).
  const startSep = s.charCodeAt(a) === 47 || s.charCodeAt(a) === 92;
  const surePairs = NT_PCT | NT_DOT | NT_DOT2 | (startSep ? NT_LET : 0);
  const sureAcc = NT_HIGH | NT_NUL | (startSep ? NT_DOT : 0);
  let acc = 0;
  let pairs = 0;
  let prev = 0;
  let j = a;
  for (; j < bound; j++) {
    const c = s.charCodeAt(j);
    if (c < 128 && ((PT2[c] as number) & PT_LEAD) !== 0) break;
    const t = ((nt[c] as number) ^ NT_HIGH) & ~NT_BOUND;
    pairs |= prev & (t >> 16);
    acc |= t;
    prev = t;
    if ((pairs & surePairs) !== 0 || (acc & sureAcc) !== 0) return true;
  }
  if (tokenMustAsk(s, a, j, acc, pairs)) return true;
  // The tokens inside it (split at PT_BOUND characters, which pair with nothing here) hold some of
  // its kinds and pairs, so tokenMustAsk turns each away as well unless through what only a token's
  // start makes: a drive (a `:`), a UNC start (`\\\\`) or a hidden first segment (a dot), with a
  // separator (a `0x` that spells something within a token does within this one). Without those
  // nextMayToken need not read them: a megabyte of `\\x(`, one leading token, was read twice.
  // (Only when it ends at a PT_LEAD character, a token boundary, or at the value's end: one that
  // ends at a NUL, no boundary, has the token around that NUL start inside it and end after it.)
  if ((j < bound || bound === s.length) && ((acc & NT_SEP) === 0 || ((acc & (NT_DOT | NT_COLON)) === 0 && (pairs & NT_BACK) === 0))) leadInertEnd = j;
  return false;
}

/** Where leadMustAsk's token ends when no token inside it can be asked either, else -1. */
let leadInertEnd = -1;

/** System roots that a drive-relative name may begin with, glued (`c:inetpubwwwroot…`). */
const DRIVE_GLUED_ROOTS = ['windows', 'winnt', 'inetpub', 'system32'];

/**
 * A drive-relative Windows path at the start of the value: a drive letter and a name with no
 * separator after the colon (`c:boot.ini`, `d:web.config`), which Windows resolves against that
 * drive's current directory; it is also what is left of `c:\…` after a list lost its backslashes
 * (`c:inetpubwwwroot…`). High when the name is a system or secret file, a system root followed by a
 * separator (`c:windows\system32`), or a system root with more glued to it; nothing otherwise, so
 * `a:1`, `q:hello` and `x:y.txt` pass. `a` is the index after the colon; at most MAX_NAMED_SEGMENT
 * characters are read.
 */
function driveRelative(s: string, a: number): Hit | undefined {
  let e = a;
  while (e < s.length && e - a <= MAX_NAMED_SEGMENT) {
    const c = s.charCodeAt(e);
    if (c === 47 || c === 92 || c === 58 || isBoundary(c)) break;
    e++;
  }
  if (e === a || e - a > MAX_NAMED_SEGMENT) return undefined;
  const seg = s.slice(a, e).toLowerCase();
  const sep = s.charCodeAt(e) === 47 || s.charCodeAt(e) === 92;
  let hit = sensitiveName(seg) || crownSingle(seg) || (sep && STRONG_ROOTS.has(seg));
  for (let k = 0; k < DRIVE_GLUED_ROOTS.length && !hit; k++) {
    const r = DRIVE_GLUED_ROOTS[k]!;
    hit = seg.startsWith(r) && seg.length > r.length;
  }
  if (!hit) return undefined;
  return { rule: 'path.system-file', confidence: 'high', reason: 'A drive-relative Windows path (no separator after the drive) to a system location or file.' };
}

/**
 * The rules in order, once the value holds something that may hit (`wrapper`: scanWrappers' answer).
 * `from`: firstMayToken's answer, or -1 when it has not run yet (it runs here, after the leading
 * token, if that did not decide); the token loop starts there, as every token before it would be
 * passed over, and does not read that token again. `nulAt`: the first NUL, or -1.
 */
function detectFull(value: string, wrapper: Hit | undefined, from: number, nulAt: number, mask: number | undefined): Detection | undefined {
  let best: Hit | undefined = wrapper;
  if (best?.confidence === 'high') return best;
  best = better(best, scanNul(value, nulAt));
  if (best?.confidence === 'high') return best;

  const n = value.length;
  // The leading token: a value that starts like a path keeps its spaces (`C:\Program Files\…`,
  // `/usr/local/apache/logs/access. log`) up to a line break, quote or query.
  let i = 0;
  while (i < n && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
  const c0 = at(value, i);
  const c1 = at(value, i + 1);
  // Device and extended-length paths: `\\?\C:\…`, `\\.\PhysicalDrive0` (the `?` would end a token).
  const c2 = at(value, i + 2);
  if (c0 === 92 && c1 === 92 && (c2 === 63 || c2 === 46) && at(value, i + 3) === 92) {
    return { rule: 'path.windows-device', confidence: 'high', reason: 'A Windows device or extended-length path prefix.' };
  }
  if (c1 === 58 && ((c0 | 0x20) >= 97 && (c0 | 0x20) <= 122)) {
    best = better(best, driveRelative(value, i + 2));
    if (best?.confidence === 'high') return best;
  }
  const pathStart = c0 === 47 || c0 === 92 || c0 === 46 || c0 === 126 || (isAlnum(c0) && c1 === 58 && (c2 === 47 || c2 === 92));
  let leadStart = -1;
  let leadEnd = -1;
  let askedStart = -1;
  let askedEnd = -1;
  let inertFrom = -1; // where the leading token ends when no token inside it can be asked
  leadSpanStart = leadSpanEnd = -1;
  spanBound = -2;
  if (pathStart) {
    // Up to a line break, a quote, `<`, `>`, `|`, `?` (PT_LEAD) or NUL, none of them a space or tab.
    // Its end is found by whichever reads it first: tokenMayHit when it finds nothing, else the
    // analysis (so the token is not read once more just to find where it stops).
    const bound = nulAt >= 0 ? nulAt : n;
    if (!leadMustAsk(value, i, bound)) inertFrom = leadInertEnd;
    else {
      if (tokenMayHit(value, i, bound, true)) {
        best = better(best, analyzeToken(value, i, bound, true, 0, true));
        if (best?.confidence === 'high') return best;
        leadStart = i;
        leadEnd = leadTokenEnd;
      } else {
        // The loop's token that equals it (no PT_BOUND character in it) is passed over by
        // tokenMayHit as well (the same questions of the same characters; a look-ahead past the
        // leading token's end meets a PT_LEAD character, which no question matches): not asked
        // again (a megabyte of `.\\/` or `/.`, one token either way, was read by tokenMayHit twice).
        askedStart = i;
        askedEnd = mayLeadEnd;
      }
    }
    // (When leadMustAsk turns it away, tokenMustAsk turns away the loop's token that equals it, and,
    // with leadInertEnd, every token inside it.)
  }
  if (from < 0) from = inertFrom >= 0 ? nextMayToken(value, inertFrom, false, -1, -1) : firstMayToken(value, mask, askedStart, askedEnd);
  // Every whitespace/punctuation-delimited token that nextMayToken accepts (the leading one again,
  // without its spaces). `first`: the value's first token, analysed or not.
  let f0 = 0;
  while (f0 < n && isBoundary(value.charCodeAt(f0))) f0++;
  for (i = from; i < n; i = nextMayToken(value, i, best?.confidence === 'medium', askedStart, askedEnd)) {
    const j = mayTokenEnd;
    const start = i;
    i = j;
    // The leading token again, unchanged: already analysed.
    if (start === leadStart && j === leadEnd) continue;
    // `](../x.md)` and `href="../"`: links resolve against a URL, not a directory.
    const p1 = start > 0 ? value.charCodeAt(start - 1) : 0;
    const p2 = start > 1 ? value.charCodeAt(start - 2) : 0;
    const link = p1 === 40 && p2 === 93 ? LINK_MD : (p1 === 34 || p1 === 39) && p2 === 61 ? LINK_ATTR : 0;
    best = better(best, analyzeToken(value, start, j, start === f0, link, false));
    if (best?.confidence === 'high') return best;
  }
  return best === undefined ? undefined : { rule: best.rule, reason: best.reason, confidence: best.confidence };
}
