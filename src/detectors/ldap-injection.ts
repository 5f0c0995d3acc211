/**
 * LDAP filter injection.
 *
 * Applications build search filters by pasting input into a template such as `(uid=${user})` or
 * `(&(uid=${user})(userPassword=${pass}))`. Input that closes the current filter item with `)` and
 * opens a new one with `(` rewrites the query: `*)(uid=*))(|(uid=*` matches every user,
 * `admin)(&)` appends an always-true filter, `admin)(|(objectClass=*)` ORs in everything,
 * `*(|(mail=*))` embeds a filter expression in the assertion value, and a NUL after `)` truncates the
 * rest of the template in C-string based libraries.
 *
 * Structure, not keywords: one pass tracks parenthesis depth. A `)` that closes more than the value
 * opened is a breakout; what follows it decides: another filter item (`(attr=`, `(attr>=`, `(attr~=`,
 * `(attr:dn:=`, `(&`, `(|`, `(!`) is `ldap.filter-breakout` (high; the template's own `)` completes an
 * item left open at the end of the value), a NUL is `ldap.nul-truncation` (high), a wildcard
 * (`*)*`) is `ldap.wildcard-breakout` (medium). An operator group with a filter item inside
 * (`(|(attr=`) anywhere is `ldap.filter-injection` (high). Balanced parentheses, as in names
 * ("John (Jack) Smith"), phone numbers and emoticons, never break out.
 *
 * Escapes: RFC 4515 hex escapes (`\2a` `\28` `\29` `\5c` `\00`) are literal characters to an LDAP
 * server, so they are harmless in a filter; they matter only where an application unescapes before
 * building the filter. They are decoded and re-checked, and a breakout that exists only in the decoded
 * form is reported at medium (`ldap.escaped-breakout`).
 *
 * High: a value made only of filter metacharacters, with a wildcard, that closes the application's
 * item after a wildcard (`*)*`) or pairs a parenthesis with an operator (`*()|&'`): the fuzzing probe
 * (`ldap.metacharacter-probe`); no name, prose or code is metacharacters alone.
 * Medium: the same run of metacharacters (`*()|&`) inside other text.
 * Low: a bare wildcard value (`*`, `admin*`), which enumerates when pasted into an equality filter,
 * but is also what a search box with wildcard support receives.
 *
 * Cost: a charCode loop returns at once for values without `(`, `)`, `*`, `\` or NUL. Otherwise one
 * pass, each breakout looked at with a bounded look-ahead (attribute names up to 64 characters). No RegExp.
 */
import type { Detection } from '../types';
import { better, hexVal } from './util';

/** Blanks a filter parser skips between items: OpenLDAP's LDAP_SPACE takes a line feed too. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
function isAttrStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}
function isAttrChar(c: number): boolean {
  // Attribute descriptions: letters, digits, hyphen, options after `;`, OID dots.
  return isAttrStart(c) || c === 45 || c === 59 || c === 46 || c === 95;
}

/**
 * Is there a filter item at `i` (just after a `(`)? `&`/`|`/`!` followed by `(`, `)` or the end of
 * the value, or an attribute description followed by a filter type (`=`, `~=`, `>=`, `<=`, `:…:=`).
 */
function filterItemAt(s: string, i: number): boolean {
  const n = s.length;
  while (i < n && s.charCodeAt(i) === 40 /* ( */) i++;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (i >= n) return false;
  const c = s.charCodeAt(i);
  if (c === 38 || c === 124 || c === 33) {
    let j = i + 1;
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    const d = s.charCodeAt(j);
    // `(&)`, `(|(`, or the malformed-but-intended `(|attr=*)`; the end of the value counts, since the
    // application's template supplies the closing parenthesis.
    return j >= n || d === 40 || d === 41 || d === 0 || (j === i + 1 && isAttrStart(d) && filterItemAt(s, j));
  }
  if (!isAttrStart(c)) return false;
  let j = i + 1;
  while (j < n && j - i < 64 && isAttrChar(s.charCodeAt(j))) j++;
  // Extensible match: `attr:dn:=`, `attr:1.2.840.113556.1.4.803:=`, `:dn:2.4.6:=`.
  if (s.charCodeAt(j) === 58 /* : */) {
    const k = j;
    j++;
    while (j < n && j - k < 64 && (isAttrChar(s.charCodeAt(j)) || s.charCodeAt(j) === 58)) j++;
    return s.charCodeAt(j - 1) === 58 && s.charCodeAt(j) === 61 && assertionValue(s, j + 1);
  }
  // RFC 4515 allows no whitespace around the filter type, and code's `==`, `===`, `>=` comparisons
  // are written with spaces or doubled: `(c = x)`, `(a == b)`, `(chr >= 0)` are not filter items.
  const d = s.charCodeAt(j);
  let v: number;
  if (d === 61 /* = */) v = j + 1;
  else if ((d === 126 || d === 62 || d === 60) && s.charCodeAt(j + 1) === 61) v = j + 2;
  else return false;
  return assertionValue(s, v);
}

/**
 * The assertion value after the filter type, up to `)` or the end: LDAP values (`*`, `john*`,
 * `John Smith`) hold no unescaped `(`, and code's values (`exports.X || (X = {})`) have `(`,
 * braces, `|`, `&`, `;` or `==`. At most 256 characters are looked at.
 */
function assertionValue(s: string, v: number): boolean {
  const n = s.length;
  if (s.charCodeAt(v) === 61 || s.charCodeAt(v) === 32) return false;
  for (let k = v; k < n && k - v < 256; k++) {
    const c = s.charCodeAt(k);
    if (c === 41 || c === 0) return true;
    if (c === 40 || c === 123 || c === 125 || c === 124 || c === 38 || c === 59) return false;
    // `=` occurs in DN values (`memberOf=cn=admins,dc=example`); `==` only in code.
    if (c === 61 && s.charCodeAt(k + 1) === 61) return false;
  }
  return true;
}

function structure(s: string, escaped: boolean): Detection | undefined {
  const n = s.length;
  let depth = 0;
  let found: Detection | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 40 /* ( */) {
      // An operator group holding a filter item: `(|(attr=`, `(&(attr=`, `(!(attr=`.
      const op = i + 1 < n ? s.charCodeAt(i + 1) : NaN;
      // Most `(` open no operator group (`((((`, `$($(`, prose): counted without the tests below.
      if (op !== 38 && op !== 124 && op !== 33) {
        depth++;
        continue;
      }
      // `!(` is also code's negation (`if(!(c=x.c))`): a NOT group counts only where a filter could
      // start (the value's start, after `(`, `)` or a wildcard).
      const pc = i > 0 ? s.charCodeAt(i - 1) : -1;
      const startOk = op !== 33 || pc === -1 || pc === 40 || pc === 41 || pc === 42;
      if ((op === 38 || op === 124 || op === 33) && startOk && s.charCodeAt(i + 2) === 40 && filterItemAt(s, i + 3)) {
        return hit(escaped, 'ldap.filter-injection', 'LDAP filter expression with an operator group and a filter item inside the value.');
      }
      depth++;
      continue;
    }
    if (c !== 41 /* ) */) continue;
    if (depth > 0) {
      depth--;
      continue;
    }
    // A `)` the value did not open: it closes the application's filter item.
    let j = i + 1;
    while (j < n && (s.charCodeAt(j) === 41 || isSpace(s.charCodeAt(j)))) j++;
    const d = j < n ? s.charCodeAt(j) : NaN;
    if (d === 40 && filterItemAt(s, j + 1)) {
      return hit(escaped, 'ldap.filter-breakout', 'Value closes the LDAP filter item with ")" and opens another filter item.');
    }
    if (d === 0) {
      return hit(escaped, 'ldap.nul-truncation', 'Value closes the LDAP filter item and truncates the rest of the filter with a NUL byte.');
    }
    const prev = i > 0 ? s.charCodeAt(i - 1) : NaN;
    // (The only finding kept here, so the first one stands: `*)*)` built one object a `)`, ~2 µs/KB.)
    if (found === undefined && prev === 42 /* * */ && (j >= n || d === 42)) {
      found = {
        rule: 'ldap.wildcard-breakout',
        reason: 'Value closes the LDAP filter item right after a wildcard.',
        confidence: 'medium',
      };
    }
    // Continue after the run of `)` and spaces (each is unmatched too): keeps the pass linear.
    i = j - 1;
  }
  return found;
}

/**
 * structure(), unless the value holds no `)` and none of `&`, `|`, `!`: then it has no breakout
 * (every one needs a `)` the value did not open) and no operator group, and structure() finds
 * nothing. Four native searches for single characters instead of a pass that counts every `(`
 * (dense `\x(`, `((((`: ~3 µs/KB). (Two-character needles such as `(&` are slow to search for in a
 * run of `(`, each one a partial match.)
 */
function structureOf(s: string, escaped: boolean): Detection | undefined {
  if (s.indexOf(')') === -1 && s.indexOf('&') === -1 && s.indexOf('|') === -1 && s.indexOf('!') === -1) return undefined;
  return structure(s, escaped);
}

function hit(escaped: boolean, rule: string, reason: string): Detection {
  if (escaped) {
    return {
      rule: 'ldap.escaped-breakout',
      reason: 'LDAP hex escapes (\\28, \\29, \\2a) that form a filter breakout once unescaped.',
      confidence: 'medium',
    };
  }
  return { rule, reason, confidence: 'high' };
}

/**
 * Undoes RFC 4515 escapes of filter metacharacters only; undefined when there are none. Verbatim
 * runs are copied as slices: one character at a time would build a rope of a million pieces on a
 * 1 MB value of backslashes.
 */
function unescapeFilter(s: string): string | undefined {
  let i = s.indexOf('\\');
  if (i === -1) return undefined;
  let out = '';
  let last = 0;
  // From escape to escape (nextEscape: native search between backslashes), as a loop over every
  // character visited them; backslashes that start no metacharacter escape are passed over there.
  for (i = nextEscape(s, i); i !== -1; i = nextEscape(s, i + 1)) {
    const v = escapeValue(s, i);
    out += s.slice(last, i) + String.fromCharCode(v);
    i += 2;
    last = i + 1;
  }
  if (last === 0) return undefined;
  return last < s.length ? out + s.slice(last) : out;
}

/**
 * The metacharacter that the escape at `i` (a backslash) spells, or -1 (not one: left as is). Reads
 * past the end are NaN without calling charCodeAt out of bounds (a call site that has read past the
 * end stays slower in V8's optimized code).
 */
function escapeValue(s: string, i: number): number {
  const n = s.length;
  const a = hexVal(i + 1 < n ? s.charCodeAt(i + 1) : NaN);
  const b = hexVal(i + 2 < n ? s.charCodeAt(i + 2) : NaN);
  if (a < 0 || b < 0) return -1;
  const v = a * 16 + b;
  return v === 0x28 || v === 0x29 || v === 0x2a || v === 0x00 || v === 0x26 || v === 0x7c || v === 0x3d || v === 0x21 ? v : -1;
}

/**
 * What a character can be in a metacharacter escape (escapeValue's eight: `\28 \29 \2a \00 \26 \7c
 * \3d \21`, hex in either case): 1 the backslash, 2 the first digit (`0 2 3 7`), 4 the second
 * (`0 1 6 8 9 a c d`, `A C D`). 0 for every other character (and for every one above ASCII).
 */
const ESC_ROLE = ((): Uint8Array => {
  const t = new Uint8Array(128);
  t[92] = 1;
  for (const ch of '0237') t[ch.charCodeAt(0)]! |= 2;
  for (const ch of '01689acdACD') t[ch.charCodeAt(0)]! |= 4;
  return t;
})();

/**
 * escapeValue(s, j) !== -1 for the backslash at `j`, its two digits' roles tested first (two table
 * loads: `\0-`, `\x(` need no hex decoding). No read past the end.
 */
function escapeAt(s: string, j: number): boolean {
  if (j + 2 >= s.length) return false;
  const a = s.charCodeAt(j + 1);
  const b = s.charCodeAt(j + 2);
  if (a >= 128 || b >= 128 || !((ESC_ROLE[a] as number) & 2) || !((ESC_ROLE[b] as number) & 4)) return false;
  return escapeValue(s, j) !== -1;
}

/**
 * The first index at or after `from` where a metacharacter escape (escapeValue) starts, or -1.
 *
 * An escape is three characters, so every third one is read (from the first backslash b: k = b + 2, b + 5, ...): the
 * escapes that could cover k start at k (k is its backslash), k - 1 (k its first digit) or k - 2 (k
 * its second), and ESC_ROLE[k] says which of the three to test; a character with no role rules out
 * all three with one load. Two escapes never overlap (their second and third characters are hex
 * digits, not backslashes), so at most one of the three holds and the first found is the first.
 * Dense backslashes (`\x(`, `` `\'( ``, `-('\0`) were read character by character (with an
 * indexOf per run of them): ~3 µs/KB at 64 KB. Text without a backslash for 48 characters goes back
 * to indexOf, so a long value with a stray backslash is not read in JavaScript to its end.
 */
function nextEscape(s: string, from: number): number {
  const n = s.length;
  let b = s.indexOf('\\', from);
  if (b === -1) return -1;
  let seen = b; // the last step that met a backslash
  // (Every start j has j + 2 < n (escapeValue reads two digits), so k < n covers them all.)
  for (let k = b + 2; k < n; k += 3) {
    const c = s.charCodeAt(k);
    const role = c < 128 ? (ESC_ROLE[c] as number) : 0;
    if (role !== 0) {
      if (role & 1) {
        seen = k;
        if (escapeAt(s, k)) return k;
      } else {
        if (role & 2 && s.charCodeAt(k - 1) === 92) {
          seen = k;
          if (escapeAt(s, k - 1)) return k - 1;
        }
        if (role & 4 && s.charCodeAt(k - 2) === 92) {
          seen = k;
          if (escapeAt(s, k - 2)) return k - 2;
        }
      }
    }
    if (k - seen > 48) {
      // Every start up to k is ruled out: on from the next backslash after it.
      b = s.indexOf('\\', k + 1);
      if (b === -1) return -1;
      seen = b;
      k = b - 1; // next step b + 2
    }
  }
  return -1;
}

/** `*()|&`: the metacharacters of metaRun's runs. */
function isMeta(c: number): boolean {
  return c === 42 || c === 40 || c === 41 || c === 124 || c === 38;
}

/**
 * `*()|&` run of 5+ with a parenthesis and an operator, the fuzzing probe `*()|&'`: some maximal
 * run of these characters is 5 long or more and holds both. Any such run covers one of every five
 * consecutive positions, so only every fifth character is read until one is a metacharacter; then
 * its whole run is read (back to the last character known not to be one, and forward) and the next
 * look is five past its end. Dense `\x(` or `(((` read every character (~2-3 µs/KB); this reads
 * each at most twice, most once or a fifth.
 */
function metaRun(s: string): boolean {
  const n = s.length;
  // No operator, no run that holds one.
  if (s.indexOf('|') === -1 && s.indexOf('&') === -1) return false;
  let floor = 0; // every position below it has been read or ruled out
  for (let i = 4; i < n; ) {
    if (!isMeta(s.charCodeAt(i))) {
      floor = i + 1;
      i += 5;
      continue;
    }
    let a = i;
    while (a > floor && isMeta(s.charCodeAt(a - 1))) a--;
    // From the run's start, as the character loop read it: true as soon as it would be.
    let paren = false;
    let op = false;
    let b = a;
    for (; b < n; b++) {
      const c = s.charCodeAt(b);
      if (c === 40 || c === 41) paren = true;
      else if (c === 124 || c === 38) op = true;
      else if (c !== 42) break;
      if (b - a >= 4 && paren && op) return true;
    }
    floor = b + 1;
    i = b + 5;
  }
  return false;
}

/**
 * The whole value is a filter-metacharacter probe: nothing but `* ( ) | & ! =` (and the quotes a
 * fuzz list adds to probe SQL at the same time), at least three of them, with a wildcard and either
 * a `)` right after a `*` that the value did not open (`*)*`, `*))`: it closes the application's
 * `(attr=*` item, the error-based probe) or a parenthesis and an `|`/`&` operator together
 * (`*()|&`). Prose, names and code always carry letters or digits; the metacharacter-only values
 * that do occur are balanced markers without an operator (`(*)`, `(!)`) or have no parenthesis
 * (`***`, `&&`, the MIME wildcard of an Accept header, which also holds a slash). Bounded: 64
 * characters at most.
 */
function metaProbe(s: string): boolean {
  const n = s.length;
  if (n < 3 || n > 64) return false;
  let metas = 0;
  let depth = 0;
  let star = false;
  let paren = false;
  let op = false;
  let breakout = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 42) star = true;
    else if (c === 40) {
      paren = true;
      depth++;
    } else if (c === 41) {
      paren = true;
      if (depth > 0) depth--;
      else if (s.charCodeAt(i - 1) === 42) breakout = true;
    } else if (c === 124 || c === 38) op = true;
    else if (c === 33 || c === 61) {
      // `!` and `=`: filter syntax, but not a signal on their own.
    } else if (c === 39 || c === 34 || c === 32 || c === 9) {
      continue; // quotes and blanks do not count as metacharacters
    } else return false;
    metas++;
  }
  return metas >= 3 && star && (breakout || (paren && op));
}

/** A lone wildcard value: `*`, `admin*`, `*admin` (a leading or trailing star, no spaces). */
function bareWildcard(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 64) return false;
  if (s.charCodeAt(0) !== 42 && s.charCodeAt(n - 1) !== 42) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 42) {
      if (i !== 0 && i !== n - 1) return false;
    } else if (!isAttrChar(c) && c !== 64) return false;
  }
  return true;
}

/**
 * Detects LDAP filter injection. Does not catch its own errors: a bug must reach the engine's wrapper
 * (logged once, fails open), not read as "clean".
 */
export function detectLdapInjection(value: string): Detection | undefined {
  // Fast path: a breakout needs `(` or `)`; escapes need `\`; NUL and `*` cover truncation and
  // wildcards. Short values take one charCode loop; longer ones native indexOf scans, which cost
  // less per character than a loop but carry a fixed price per call.
  let interesting = false;
  let backslash = false;
  const n = value.length;
  if (n <= 32) {
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      // Letters, digits and most punctuation are above `*` (42): one comparison rejects them.
      if (c > 42) {
        if (c === 92) backslash = true;
      } else if (c >= 40 || c === 0) interesting = true;
    }
  } else {
    interesting = value.indexOf(')') !== -1 || value.indexOf('(') !== -1 || value.indexOf('*') !== -1 || value.indexOf('\u0000') !== -1;
    backslash = value.indexOf('\\') !== -1;
  }
  if (!interesting && !backslash) return undefined;
  let found: Detection | undefined;
  if (interesting) {
    found = structureOf(value, false);
    if (found?.confidence === 'high') return found;
    // metaProbe only for short values that start like one (blank, quote, `! & ( ) * = |`).
    const c0 = value.charCodeAt(0);
    if (value.length <= 64 && (c0 <= 42 || c0 === 61 || c0 === 124) && metaProbe(value)) {
      return { rule: 'ldap.metacharacter-probe', reason: 'Value made only of LDAP filter metacharacters that close or open a filter item.', confidence: 'high' };
    }
    if (found === undefined && metaRun(value)) {
      found = { rule: 'ldap.metacharacters', reason: 'Run of LDAP filter metacharacters, a filter-injection probe.', confidence: 'medium' };
    }
    if (found === undefined && bareWildcard(value)) {
      found = { rule: 'ldap.wildcard', reason: 'Value is an LDAP wildcard pattern.', confidence: 'low' };
    }
  }
  if (backslash) {
    const un = unescapeFilter(value);
    if (un !== undefined) found = better(found, structureOf(un, true));
  }
  return found;
}
