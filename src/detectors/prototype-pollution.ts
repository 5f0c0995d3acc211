/**
 * Prototype pollution.
 *
 * A recursive merge, `_.set`/`_.merge`, `qs`/`dot-prop`-style path setters or a hand-written
 * `obj[a][b] = v` write through `__proto__` (or `constructor.prototype`) and change `Object.prototype`
 * for the whole process. The attacker's input shows one of:
 *
 * - an object key `__proto__` (own property after `JSON.parse`), or `prototype` under `constructor`;
 * - a query-string key that a nested parser expands: `__proto__[x]`, `a[__proto__][x]`,
 *   `constructor[prototype][x]`, `__proto__.x`, `constructor.prototype.x`;
 * - a string used as a property path or name: `__proto__.isAdmin`, `["__proto__"]`, `__proto__`;
 * - a JSON Pointer (RFC 6901) that JSON Patch or pointer setters walk: `/__proto__/isAdmin`,
 *   `/constructor/prototype/isAdmin` (`{"op": "add", "path": "/__proto__/x", …}`);
 * - JSON/YAML text with such keys, for a later `JSON.parse` + merge;
 * - React Server Components (Flight) references that walk the chain: `$1:__proto__:then`.
 *
 * Structure, not keywords: `__proto__` in prose ("the `__proto__` property") has no path or key
 * syntax around it and is not reported. JavaScript property names are case-sensitive, so `__PROTO__`
 * is harmless and ignored.
 *
 * Cost: keys compare length first and strings exactly; values run `indexOf` for the two needles
 * (`__proto__`, `prototype`) — a native linear scan, tens of nanoseconds for short strings — and only
 * look at a few characters around each occurrence. No RegExp touches the input.
 */
import type { Confidence, Detection } from '../types';

const PROTO = '__proto__';
const PROTOTYPE = 'prototype';
const CONSTRUCTOR = 'constructor';

const C_DQUOTE = 34;
const C_SQUOTE = 39;
const C_BACKTICK = 96;
const C_DOT = 46;
const C_LBRACKET = 91;
const C_RBRACKET = 93;
const C_LBRACE = 123;
const C_COMMA = 44;
const C_COLON = 58;
const C_EQ = 61;
const C_BACKSLASH = 92;
const C_QUESTION = 63;
const C_AMP = 38;
const C_SEMI = 59;
const C_DOLLAR = 36;
const C_DASH = 45;
const C_SLASH = 47;

const RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };

function isWs(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff;
}
function isNewline(c: number): boolean {
  return c === 10 || c === 13;
}
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === C_DOLLAR || c >= 0x80;
}
function isQuote(c: number): boolean {
  return c === C_DQUOTE || c === C_SQUOTE || c === C_BACKTICK;
}
/**
 * Whitespace skips are unbounded (JSON/YAML allow any amount, so a cap would be an evasion) and stay
 * linear overall: each starts next to one needle occurrence and stops at the first non-space, so a
 * whitespace run is crossed by at most the occurrences on either side of it.
 */
function skipWs(s: string, i: number): number {
  const n = s.length;
  while (i < n && isWs(s.charCodeAt(i))) i++;
  return i;
}
function skipWsBack(s: string, i: number): number {
  while (i >= 0 && isWs(s.charCodeAt(i))) i--;
  return i;
}
function at(s: string, i: number): number {
  return i >= 0 && i < s.length ? s.charCodeAt(i) : -1;
}
function better(a: Detection | undefined, b: Detection | undefined): Detection | undefined {
  if (b === undefined) return a;
  if (a === undefined) return b;
  return RANK[b.confidence] > RANK[a.confidence] ? b : a;
}

// ---------------------------------------------------------------------------------------------------
// Object keys

/**
 * An object key the walker found. `__proto__` anywhere is high; `prototype` is high only under a
 * `constructor` key; a key that is a bracket/dot path (`a[__proto__][x]`, `constructor.prototype.x`)
 * is high when one of its segments is `__proto__` or a `constructor` segment is followed by `prototype`.
 */
export function detectPrototypePollutionKey(key: string, parentKey: string | undefined): Detection | undefined {
  const n = key.length;
  if (n < 9) return undefined;
  if (n === 9) {
    if (key === PROTO) {
      return {
        rule: 'proto.proto-key',
        reason: 'Object key "__proto__" replaces or writes through the prototype when the object is merged or copied.',
        confidence: 'high',
      };
    }
    if (key === PROTOTYPE && parentKey === CONSTRUCTOR) {
      return {
        rule: 'proto.constructor-prototype',
        reason: 'Object key "prototype" under "constructor" reaches Object.prototype when the object is merged.',
        confidence: 'high',
      };
    }
    return undefined;
  }
  // Both names hold `proto`: one native search answers for the usual key (a header name, a field).
  if (key.indexOf('proto') === -1 || (key.indexOf(PROTO) === -1 && key.indexOf(PROTOTYPE) === -1)) return undefined;
  return pathKey(key);
}

/**
 * Splits a key into path segments at `[`, `]`, `.` and `/` (the syntaxes of qs, dot-prop, lodash
 * paths and JSON Pointer),
 * strips one pair of quotes from a segment (`["__proto__"]`), and looks for a `__proto__` segment or
 * a `constructor` segment followed by `prototype`. Linear; only segments of length 9 or 11 (plus
 * quotes) are compared.
 */
function pathKey(key: string): Detection | undefined {
  const n = key.length;
  let start = 0;
  let prevWasConstructor = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? key.charCodeAt(i) : -1;
    if (c !== -1 && c !== C_LBRACKET && c !== C_RBRACKET && c !== C_DOT && c !== C_SLASH) continue;
    let s0 = start;
    let e0 = i;
    if (e0 - s0 >= 2) {
      const q = key.charCodeAt(s0);
      if ((q === C_DQUOTE || q === C_SQUOTE) && key.charCodeAt(e0 - 1) === q) {
        s0++;
        e0--;
      }
    }
    const len = e0 - s0;
    if (len > 0) {
      if (len === 9 && key.startsWith(PROTO, s0)) {
        return {
          rule: 'proto.path-key',
          reason: 'Object key is a property path with a "__proto__" segment, which nested parsers expand into a prototype write.',
          confidence: 'high',
        };
      }
      if (len === 9 && prevWasConstructor && key.startsWith(PROTOTYPE, s0)) {
        return {
          rule: 'proto.path-key',
          reason: 'Object key is a property path through "constructor" then "prototype", which reaches Object.prototype.',
          confidence: 'high',
        };
      }
      prevWasConstructor = len === 11 && key.startsWith(CONSTRUCTOR, s0);
    }
    start = i + 1;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// String values

/**
 * A string value (or key text) used as a property path or name, or JSON/YAML text to be parsed and
 * merged, that reaches a prototype.
 */
export function detectPrototypePollution(value: string): Detection | undefined {
  const n = value.length;
  if (n < 9) return undefined;
  let best: Detection | undefined;
  let i = value.indexOf(PROTO);
  // Flight references need a `$`; knowing there is none skips their back-walk.
  const flight = i === -1 && value.indexOf(PROTOTYPE) === -1 ? false : value.indexOf('$') !== -1;
  while (i !== -1) {
    best = better(best, protoAt(value, i, flight));
    if (best?.confidence === 'high') return best;
    i = value.indexOf(PROTO, i + 9);
  }
  i = value.indexOf(PROTOTYPE);
  while (i !== -1) {
    best = better(best, prototypeAt(value, i, flight));
    if (best?.confidence === 'high') return best;
    i = value.indexOf(PROTOTYPE, i + 9);
  }
  // React Flight `$3:constructor:constructor` (reaches Function): one more native scan, only when
  // the value has a `$` at all.
  if (!flight && value.indexOf('$') === -1) return best;
  i = value.indexOf(':constructor');
  while (i !== -1) {
    const a = at(value, i + 12);
    if ((a === -1 || a === C_COLON) && flightReference(value, i)) return flightHit('constructor');
    i = value.indexOf(':constructor', i + 12);
  }
  return best;
}

function flightHit(segment: string): Detection {
  return {
    rule: 'proto.flight-path',
    reason: `Value is a React Flight reference whose path walks through "${segment}".`,
    confidence: 'high',
  };
}

/** Context of one `__proto__` occurrence at `i`. */
function protoAt(s: string, i: number, flight: boolean): Detection | undefined {
  const n = s.length;
  const end = i + 9;
  if (i === 0 && end === n) {
    return {
      rule: 'proto.proto-name',
      reason: 'Value is exactly "__proto__", a property name that writes through the prototype when used as a key.',
      confidence: 'high',
    };
  }
  const b = at(s, i - 1);
  const a = at(s, end);
  // Identifier characters on either side: `my__proto__x` is a different name.
  if ((b !== -1 && isIdentStart(b) && b !== C_DOLLAR) || (a !== -1 && (isIdentStart(a) || (a >= 48 && a <= 57)))) {
    // Except `__pro__proto__to__`: a filter that deletes `__proto__` once leaves `__proto__`.
    if (s.startsWith('__pro', i - 5) && s.startsWith('to__', end)) {
      const c = at(s, end + 4);
      if (c === C_LBRACKET || c === C_RBRACKET || c === C_DOT || c === C_SLASH || isQuote(c)) {
        return pathHit('Value nests "__proto__" inside itself, which a one-pass strip turns back into "__proto__"');
      }
    }
    return undefined;
  }

  // Path step after it: `__proto__.x`, `__proto__[x]`, `__proto__["x"]`.
  if ((a === C_DOT || a === C_LBRACKET) && end + 1 < n) {
    const a2 = s.charCodeAt(end + 1);
    if (isIdentStart(a2) || isQuote(a2) || (a2 >= 48 && a2 <= 57)) {
      return pathHit('Value is a property path that continues through "__proto__"');
    }
  }
  // Path step before it: `a[__proto__]`, `obj.__proto__`, `["__proto__"]`, Flight `$1:__proto__:then`.
  if (b === C_LBRACKET && (a === C_RBRACKET)) return pathHit('Value has the bracket path segment "[__proto__]"');
  // JSON Pointer `/__proto__/x` (JSON Patch `path`, jsonpointer.set): a segment between slashes with a
  // further segment below it. Prose has no `/__proto__/name`; a trailing `/__proto__` replaces one
  // object's prototype only (medium, below).
  if (b === C_SLASH && a === C_SLASH && end + 1 < n) {
    const a2 = s.charCodeAt(end + 1);
    if (isIdentStart(a2) || (a2 >= 48 && a2 <= 57)) return pathHit('Value is a JSON Pointer through "__proto__"');
  }
  if (isQuote(b) && a === b && at(s, i - 2) === C_LBRACKET && at(s, end + 1) === C_RBRACKET) {
    return pathHit('Value has the bracket path segment ["__proto__"]');
  }
  if (flight && b === C_COLON && (a === C_COLON || a === -1 || isQuote(a)) && flightReference(s, i - 1)) {
    return flightHit('__proto__');
  }

  // Object key in JSON/JS/YAML text: `"__proto__": {`, `{__proto__: {`, `__proto__:\n  x: 1`.
  let q = end;
  let quoted = false;
  if (isQuote(b) && a === b) {
    quoted = true;
    q = end + 1;
  } else if (isQuote(b) && a === C_BACKSLASH && at(s, end + 1) === b) {
    // escaped quotes inside a JSON string: {\"__proto__\": ...}
    quoted = true;
    q = end + 2;
  }
  q = skipWs(s, q);
  if (at(s, q) === C_COLON) {
    // Only an object value pollutes (`{"__proto__": {"isAdmin": true}}`); `{ __proto__: null }` is
    // the null-prototype idiom of JS code and a primitive merely replaces one object's prototype.
    const objectValue = objectValueAfter(s, q + 1);
    if (quoted) {
      return {
        rule: 'proto.proto-json-key',
        reason: objectValue
          ? 'Text contains an object with the key "__proto__" holding an object, which pollutes the prototype when parsed and merged.'
          : 'Text contains an object with the key "__proto__".',
        confidence: objectValue ? 'high' : 'medium',
      };
    }
    // Unquoted: a JS object literal or YAML mapping key; prose ("on __proto__: it is") has neither.
    const p = skipWsBackNoNewline(s, i - 1);
    const before = at(s, p);
    if (before === -1 || before === C_LBRACE || before === C_COMMA || before === C_DASH || isNewline(before)) {
      return {
        rule: 'proto.proto-json-key',
        reason: objectValue
          ? 'Text contains an object or mapping with the key "__proto__" holding an object, which pollutes the prototype when parsed and merged.'
          : 'Text contains an object or mapping with the key "__proto__".',
        confidence: objectValue ? 'high' : 'medium',
      };
    }
    return {
      rule: 'proto.proto-json-key',
      reason: 'Text has "__proto__" followed by a colon, possibly an object key.',
      confidence: 'low',
    };
  }

  // `obj.__proto__ = ...`, query `__proto__=x`: a prototype reference without a further path.
  if (b === C_DOT || b === C_LBRACKET || b === C_QUESTION || b === C_AMP || b === C_SEMI || b === C_SLASH || b === -1) {
    const e = skipWs(s, end);
    if (at(s, e) === C_EQ || e >= n) {
      return {
        rule: 'proto.proto-path',
        reason: 'Value assigns to or ends with a "__proto__" property reference.',
        confidence: 'medium',
      };
    }
  }
  return undefined;
}

function pathHit(what: string): Detection {
  return {
    rule: 'proto.proto-path',
    reason: `${what}, which a path setter or nested parser turns into a prototype write.`,
    confidence: 'high',
  };
}

/**
 * The value after a key's colon is an object: `{`, or (YAML block mapping) a newline then an indented
 * `key:`. Bounded look-ahead.
 */
function objectValueAfter(s: string, q: number): boolean {
  let j = q;
  let newline = false;
  const end = s.length;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (!isWs(c)) break;
    if (isNewline(c)) newline = true;
    j++;
  }
  const c = at(s, j);
  if (c === C_LBRACE) return true;
  if (!newline) return false;
  // YAML: `key:` on the next line (optionally quoted key)
  let k = j;
  if (isQuote(c)) k++;
  const stop = Math.min(s.length, k + 256);
  while (k < stop) {
    const d = s.charCodeAt(k);
    if (d === C_COLON) return k > j;
    if (isNewline(d)) return false;
    k++;
  }
  return false;
}

/** Whitespace back-skip that stops at a newline (a YAML key starts a line). */
function skipWsBackNoNewline(s: string, i: number): number {
  while (i >= 0) {
    const c = s.charCodeAt(i);
    if (!isWs(c) || isNewline(c)) break;
    i--;
  }
  return i;
}

/**
 * `$<id>:seg:seg` — a React Server Components reference (`$1:__proto__:then`, `$3:constructor:...`).
 * `colon` is the colon before the dangerous segment; walk back over plain segments to `$<id>`.
 */
function flightReference(s: string, colon: number): boolean {
  let j = colon - 1;
  const stop = Math.max(0, colon - 64);
  while (j >= stop) {
    const c = s.charCodeAt(j);
    if (c === C_DOLLAR) return true;
    if (c === C_COLON || isIdentStart(c) || (c >= 48 && c <= 57)) {
      j--;
      continue;
    }
    return false;
  }
  return false;
}

/**
 * Context of one `prototype` occurrence at `i`: reported only after a `constructor` step, in any of
 * the path syntaxes (`constructor.prototype`, `[constructor][prototype]`, `["constructor"]["prototype"]`,
 * Flight `:constructor:prototype`) or as nested object keys (`"constructor": {"prototype":`, YAML).
 */
function prototypeAt(s: string, i: number, flight: boolean): Detection | undefined {
  const end = i + 9;
  const a = at(s, end);
  if (a !== -1 && (isIdentStart(a) || (a >= 48 && a <= 57))) return undefined; // prototypes, prototyped
  const b = at(s, i - 1);
  if (b !== -1 && (isIdentStart(b) || (b >= 48 && b <= 57)) && b !== C_DOLLAR) return undefined;

  if (flight && b === C_COLON && (a === -1 || a === C_COLON || isQuote(a)) && flightReference(s, i - 1)) {
    return flightHit('prototype');
  }
  const path = constructorPathBefore(s, i);
  if (path === 'path') {
    // `constructor.prototype` followed by a further step (`.x`, `[x]`), a bracket close, an assignment
    // or, as a quoted key, a colon. Ending there (prose, "...through constructor.prototype") is medium:
    // the attack writes a property below the prototype.
    const a2 = at(s, end + 1);
    const step = (a === C_DOT || a === C_LBRACKET) && (isIdentStart(a2) || isQuote(a2) || (a2 >= 48 && a2 <= 57));
    const key = (a === C_DQUOTE || a === C_SQUOTE) && at(s, skipWs(s, end + 1)) === C_COLON;
    const closeQuoted = (a === C_DQUOTE || a === C_SQUOTE) && a2 === C_RBRACKET; // ["prototype"]
    if (step || key || closeQuoted || a === C_RBRACKET || a === C_EQ) {
      return {
        rule: 'proto.constructor-prototype',
        reason: 'Value is a property path through "constructor" then "prototype", which reaches Object.prototype.',
        confidence: 'high',
      };
    }
    return {
      rule: 'proto.constructor-prototype',
      reason: 'Value mentions the path constructor.prototype.',
      confidence: 'medium',
    };
  }
  if (path === 'pointer') {
    // `/constructor/prototype/x`: a segment below the prototype. Ending there replaces nothing (the
    // prototype property of Object is read-only): medium.
    const a2 = at(s, end + 1);
    const step = a === C_SLASH && (isIdentStart(a2) || (a2 >= 48 && a2 <= 57));
    return {
      rule: 'proto.constructor-prototype',
      reason: step
        ? 'Value is a JSON Pointer through "constructor" then "prototype", which reaches Object.prototype.'
        : 'Value has the pointer segments "constructor" then "prototype".',
      confidence: step ? 'high' : 'medium',
    };
  }
  if (path === 'object') {
    // `"prototype"` must itself be a key: quote, whitespace, colon
    let q = end;
    if (isQuote(a)) q++;
    else if (a === C_BACKSLASH) q += 2;
    q = skipWs(s, q);
    if (at(s, q) === C_COLON) {
      const objectValue = objectValueAfter(s, q + 1);
      return {
        rule: 'proto.constructor-prototype',
        reason: objectValue
          ? 'Text nests an object under "constructor" then "prototype", which pollutes Object.prototype when merged.'
          : 'Text nests the key "prototype" under the key "constructor".',
        confidence: objectValue ? 'high' : 'medium',
      };
    }
  }
  return undefined;
}

/**
 * Walks back from `prototype` over one separator to `constructor`. Returns 'path' for path syntaxes,
 * 'pointer' for a JSON Pointer (`/constructor/prototype`), 'object' for nested keys (`"constructor": { "prototype"`, YAML `constructor:\n  prototype:`).
 */
function constructorPathBefore(s: string, i: number): 'path' | 'pointer' | 'object' | undefined {
  let j = i - 1;
  // JSON Pointer: `/constructor/prototype`, the `constructor` segment itself after a `/`.
  if (at(s, j) === C_SLASH) return endsConstructorAt(s, j - 1) && at(s, j - 12) === C_SLASH ? 'pointer' : undefined;
  // optional closing quote of a quoted segment/key, possibly escaped
  let quoted = false;
  if (isQuote(at(s, j))) {
    quoted = true;
    j--;
    if (at(s, j) === C_BACKSLASH) j--;
  }
  const sep = at(s, j);
  if (sep === C_DOT || sep === C_COLON || sep === C_LBRACKET) {
    // constructor.prototype | :constructor:prototype | [constructor][prototype] | ["constructor"]["prototype"]
    j--;
    if (sep === C_LBRACKET && at(s, j) === C_RBRACKET) j--;
    if (isQuote(at(s, j))) {
      j--;
      if (at(s, j) === C_BACKSLASH) j--;
    }
    if (endsConstructorAt(s, j)) return 'path';
    if (sep !== C_COLON) return undefined;
  }
  // Nested keys: `"constructor" : {  "prototype"` or YAML `constructor:\n    prototype:`
  j = skipWsBack(s, quoted ? j : i - 1);
  if (at(s, j) === C_LBRACE) j = skipWsBack(s, j - 1);
  if (at(s, j) !== C_COLON) return undefined;
  j = skipWsBack(s, j - 1);
  if (isQuote(at(s, j))) {
    j--;
    if (at(s, j) === C_BACKSLASH) j--;
  }
  return endsConstructorAt(s, j) ? 'object' : undefined;
}

/** `constructor` ends at index `j` (inclusive) and is not the tail of a longer identifier. */
function endsConstructorAt(s: string, j: number): boolean {
  const start = j - 10;
  if (start < 0 || !s.startsWith(CONSTRUCTOR, start)) return false;
  const b = at(s, start - 1);
  return b === -1 || !(isIdentStart(b) || (b >= 48 && b <= 57)) || b === C_DOLLAR;
}
