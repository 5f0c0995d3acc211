/**
 * NoSQL (MongoDB) injection.
 *
 * Two shapes reach a Mongo query from user input:
 *
 * 1. Operator injection: the app expects a scalar (`{ user: body.user }`) and the attacker sends an
 *    object whose key is a query operator (`{"$ne": null}`), either as parsed JSON (the walker hands us
 *    the key), as a query-string key that `qs` will expand (`user[$ne]=1`), or as JSON text inside a
 *    string the app later `JSON.parse`s.
 * 2. `$where` JavaScript injection: the value is spliced into a `$where` JS string; the attacker breaks
 *    out of the JS string literal (`'; return true; var x='`) or supplies a JS predicate
 *    (`this.password.match(/.*\/)`, `sleep(5000)`).
 *
 * Structure, not keywords: a `$ne` in prose or as a bare value is nothing; it counts only in object-key
 * position (`{`/`,` before, `:` after), between query-string brackets, or as the exact object key.
 * Mongo matches operators case-sensitively, so `$NE` is not an operator (and is rejected by the server).
 *
 * Cost: keys are checked with one charCode test and, for `$`-keys, one Map lookup. Values first run a
 * table-driven prefilter for `$ ; & | (` (every shape above needs one of them, except a whole-value
 * `this.x == ...` predicate, checked with one `startsWith`); benign words, ids and numbers return
 * after that single pass (from 16 characters on, five native indexOf searches, which also lead the
 * detailed pass from one trigger to the next). The detailed pass only does bounded look-arounds at those
 * characters, so the whole detector is linear in the input length. No RegExp touches the input.
 */
import type { Confidence, Detection } from '../types';
import { C, dollarBefore } from '../charclass';

/** Operator tiers. Anything not listed is "unknown" (low at most for keys, ignored inside values). */
const HIGH: readonly string[] = [
  // comparison / logical / element / evaluation / array query operators
  '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$regex', '$where', '$exists', '$expr', '$or',
  '$and', '$nor', '$not', '$elemMatch', '$all', '$mod', '$text', '$jsonSchema',
  // server-side JavaScript and data-moving aggregation stages
  '$function', '$accumulator', '$lookup', '$graphLookup', '$unionWith', '$out', '$merge',
];
const MEDIUM: readonly string[] = [
  // operators with harmless semantics or that only matter next to another operator
  '$eq', '$size', '$options', '$bitsAllSet', '$bitsAnySet', '$bitsAllClear', '$bitsAnyClear',
  // geo
  '$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$geometry', '$box', '$center',
  '$centerSphere', '$polygon', '$maxDistance', '$minDistance',
  // update operators (mass assignment into an update document)
  '$set', '$unset', '$setOnInsert', '$inc', '$mul', '$rename', '$min', '$max', '$currentDate',
  '$push', '$pull', '$pullAll', '$addToSet', '$pop', '$bit', '$each', '$position', '$slice', '$sort',
  // aggregation stages without side effects
  '$match', '$group', '$project', '$unwind', '$limit', '$addFields', '$replaceRoot', '$replaceWith',
  '$facet', '$bucket', '$bucketAuto', '$sample', '$sortByCount', '$densify', '$fill',
];
/**
 * Names that are Mongo operators but also common keys of other conventions: `$type` (Json.NET type
 * metadata), `$comment` (JSON Schema), `$filter`/`$skip`/`$count`/`$search`/`$orderby` (OData query
 * options). Low only.
 */
const LOW: readonly string[] = [
  '$type', '$comment', '$filter', '$skip', '$count', '$search', '$orderby', '$natural', '$hint',
  '$explain', '$query', '$maxTimeMS', '$rand', '$sampleRate', '$language', '$caseSensitive',
  '$diacriticSensitive',
];
/** `$`-keys of other conventions (JSON Schema, JSON Reference, OData, GData, BadgerFish): never reported. */
const BENIGN_DOLLAR_KEYS: readonly string[] = [
  '$schema', '$id', '$ref', '$defs', '$anchor', '$vocabulary', '$dynamicRef', '$dynamicAnchor',
  '$recursiveRef', '$recursiveAnchor', '$db', '$t', '$value', '$values', '$key', '$select', '$top',
  '$expand', '$format', '$inlinecount', '$skiptoken', '$deltatoken', '$metadata', '$batch', '$apply',
  '$compute', '$levels', '$index', '$schemaversion', '$version', '$name',
];

const TIER = new Map<string, Confidence>();
(() => {
  for (const k of LOW) TIER.set(k, 'low');
  for (const k of MEDIUM) TIER.set(k, 'medium');
  for (const k of HIGH) TIER.set(k, 'high');
})();
const BENIGN = new Set<string>(BENIGN_DOLLAR_KEYS);

/** Longest operator name including `$` (`$diacriticSensitive`); longer identifiers cannot match. */
const MAX_OP_LEN = 20;
/** Shortest operator name including `$` (`$ne`, `$gt`): `$a` in `a$a$` is none (no slice, no lookup). */
const MIN_OP_LEN = Math.min(...Array.from(TIER.keys(), (k) => k.length));

const RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };
const DOWNGRADE: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };

const C_DOLLAR = 36;
const C_SEMI = 59;
const C_AMP = 38;
const C_PIPE = 124;
const C_LPAREN = 40;
const C_RPAREN = 41;
const C_LBRACKET = 91;
const C_RBRACKET = 93;
const C_LBRACE = 123;
const C_RBRACE = 125;
const C_COMMA = 44;
const C_COLON = 58;
const C_DOT = 46;
const C_DQUOTE = 34;
const C_SQUOTE = 39;
const C_BACKSLASH = 92;
const C_SLASH = 47;
const C_EQ = 61;
const C_BANG = 33;
const C_LT = 60;
const C_GT = 62;

/** Prefilter table: characters without which no value shape above can occur. */
const TRIGGER = new Uint8Array(128);
TRIGGER[C_DOLLAR] = 1;
TRIGGER[C_SEMI] = 1;
TRIGGER[C_AMP] = 1;
TRIGGER[C_PIPE] = 1;
TRIGGER[C_LPAREN] = 1;


function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdent(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 95 || c === C_DOLLAR;
}
/** JS whitespace we skip: ASCII space/tab/CR/LF/VT/FF, NBSP and the Unicode spaces JS accepts. */
function isWs(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0x1680
  );
}
/**
 * Whitespace skips are unbounded (JSON and JS allow any amount, so a cap would be an evasion). They
 * stay linear overall: each skip starts at an anchor (`$`, `;`, `&&`, `||`, `(` or a token right after
 * one) and stops at the first non-space, so a run of whitespace is crossed by at most the anchor
 * before it and the anchor after it.
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
/** `s` has the ASCII word `w` at `i`, not followed by an identifier character. */
function wordAt(s: string, i: number, w: string): boolean {
  if (!s.startsWith(w, i)) return false;
  const after = i + w.length;
  return after >= s.length || !isIdent(s.charCodeAt(after));
}
/** End index of an ASCII identifier starting at `i` (bounded), or `i` if none. */
function identEnd(s: string, i: number, max = 64): number {
  const end = Math.min(s.length, i + max);
  let j = i;
  while (j < end && isIdent(s.charCodeAt(j))) j++;
  return j;
}

function better(a: Detection | undefined, b: Detection | undefined): Detection | undefined {
  if (b === undefined) return a;
  if (a === undefined) return b;
  return RANK[b.confidence] > RANK[a.confidence] ? b : a;
}

// ---------------------------------------------------------------------------------------------------
// Object keys

/**
 * An object key the walker found in parsed input. Exact operator names are tiered (see the tables);
 * query-string keys that `qs` would expand into an operator (`user[$ne]`, `a[b][$regex]`, and the
 * `allowDots` form `user.$ne`) are checked for the operator inside.
 */
export function detectNoSqlInjectionKey(key: string, _parentKey: string | undefined): Detection | undefined {
  const n = key.length;
  if (n < 2) return undefined;
  if (key.charCodeAt(0) === C_DOLLAR) {
    const tier = n <= MAX_OP_LEN ? TIER.get(key) : undefined;
    if (tier !== undefined) {
      return {
        rule: 'nosql.operator-key',
        reason: `Object key "${key}" is a MongoDB query operator, so the value becomes a query expression.`,
        confidence: tier,
      };
    }
    // `$amount`, `$Where`: `$` + identifier that Mongo does not know. Not an injection by itself.
    if (n <= 40 && isAsciiLetter(key.charCodeAt(1)) && identEnd(key, 1) === n && !BENIGN.has(key)) {
      return {
        rule: 'nosql.unknown-operator',
        reason: 'Object key starts with "$" like a MongoDB operator but is not a known operator.',
        confidence: 'low',
      };
    }
    return undefined;
  }
  if (key.indexOf('$') === -1) return undefined;
  return bracketOrDottedOperator(key);
}

/** `user[$ne]`, `a[b][$in][]`, `user.$ne`: an operator as a nested segment of a query-string key. */
function bracketOrDottedOperator(key: string): Detection | undefined {
  let best: Detection | undefined;
  let i = key.indexOf('$');
  while (i !== -1) {
    const prev = i > 0 ? key.charCodeAt(i - 1) : -1;
    if (prev === C_LBRACKET || prev === C_DOT) {
      const end = identEnd(key, i + 1, MAX_OP_LEN);
      const op = key.slice(i, end);
      const tier = end > i + 1 ? TIER.get(op) : undefined;
      const next = end < key.length ? key.charCodeAt(end) : -1;
      if (tier !== undefined) {
        if (prev === C_LBRACKET && next === C_RBRACKET) {
          best = better(best, {
            rule: 'nosql.bracket-operator',
            reason: `Query-string key nests the MongoDB operator "${op}" ([op] syntax), which qs expands into a query object.`,
            confidence: tier,
          });
        } else if (prev === C_DOT && (next === -1 || next === C_DOT || next === C_LBRACKET)) {
          best = better(best, {
            rule: 'nosql.bracket-operator',
            reason: `Dotted key nests the MongoDB operator "${op}", which dotted query parsers expand into a query object.`,
            confidence: DOWNGRADE[tier],
          });
        }
        if (best?.confidence === 'high') return best;
      }
    }
    i = key.indexOf('$', i + 1);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// String values

/**
 * A string value (or key text) that carries Mongo operator syntax meant for a later `JSON.parse` or
 * query-string parse, or `$where` JavaScript.
 */
/** The charMask kinds (charclass.ts) of the trigger characters `$ ; & | (`. */
const TRIGGER_KINDS = C.DOLLAR | C.SEMI | C.AMP | C.PIPE | C.PAREN;

/**
 * `mask`: the value's charMask when the caller has it (the engine does). A value without a trigger
 * kind is answered as the walk and the searches below answer it when they find no trigger (an
 * e-mail address, a sentence: no pass at all), and only the kinds present are searched for.
 */
export function detectNoSqlInjection(value: string, mask?: number): Detection | undefined {
  const n = value.length;
  if (n < 3) return undefined;
  if (mask !== undefined && (mask & TRIGGER_KINDS) === 0) return value.startsWith('this.') ? valueStart(value) : undefined;
  if (n >= LONG_VALUE) return detectLong(value, mask ?? -1);
  // Fast path: one pass over charCodes against a 128-entry table. A benign word/id/number has none of
  // `$ ; & | (`, so it costs one table load per character and no allocation.
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && TRIGGER[c] === 1) {
      first = i;
      break;
    }
  }
  if (first === -1) {
    // `this.name == "x"` needs none of them; it is a $where predicate only as the whole value.
    return value.startsWith('this.') ? valueStart(value) : undefined;
  }

  let best = valueStart(value);
  if (best?.confidence === 'high') return best;
  const shellStart = mongoShellCall(value, skipWs(value, 0));

  for (let i = first; i < n; i++) {
    const c = value.charCodeAt(i);
    let d: Detection | undefined;
    if (c === C_DOLLAR) {
      d = operatorInText(value, i);
    } else if (c === C_SEMI) {
      d = connector(value, i, i + 1, ';', shellStart);
    } else if ((c === C_AMP || c === C_PIPE) && i + 1 < n && value.charCodeAt(i + 1) === c) {
      d = connector(value, i, i + 2, c === C_AMP ? '&&' : '||', shellStart);
      i++;
    } else if (c === C_LPAREN && i >= 5) {
      d = sleepCall(value, i);
    } else {
      continue;
    }
    best = better(best, d);
    if (best?.confidence === 'high') return best;
  }
  return best;
}

/**
 * Values at least this long take detectLong: five native indexOf searches (a few ns each, then well
 * under a nanosecond per character) beat a charCode loop (~2 ns per character) from here on.
 */
const LONG_VALUE = 16;

/**
 * detectNoSqlInjection for long values, same result: the trigger characters are visited in the same
 * order through indexOf (the next `$`, `;`, `&`, `|` and `(`, merged by position) instead of a walk
 * over every character; the second character of an `&&` / `||` is skipped as the loop skips it.
 */
function detectLong(value: string, mask: number): Detection | undefined {
  const n = value.length;
  // (A kind the value's mask lacks has no occurrence: not searched for. `mask` is -1 without one.)
  let nd = (mask & C.DOLLAR) !== 0 ? value.indexOf('$') : -1;
  let ns = (mask & C.SEMI) !== 0 ? value.indexOf(';') : -1;
  let na = (mask & C.AMP) !== 0 ? value.indexOf('&') : -1;
  let np = (mask & C.PIPE) !== 0 ? value.indexOf('|') : -1;
  let nl = (mask & C.PAREN) !== 0 ? value.indexOf('(') : -1;
  if (nd === -1 && ns === -1 && na === -1 && np === -1 && nl === -1) {
    return value.startsWith('this.') ? valueStart(value) : undefined;
  }

  let best = valueStart(value);
  if (best?.confidence === 'high') return best;
  const shellStart = mongoShellCall(value, skipWs(value, 0));
  // Only a `(` right after `sleep` can be judged (sleepCall), so the `(` visited are those of
  // `sleep(`: one native search instead of a visit per `(` (1 MB of `((((` or `$($(` was ~9 µs/KB
  // here). Same positions in the same order as the `(` the loop judged before.
  if (nl !== -1) nl = sleepParen(value, 0);
  const numEnd = leadingNumberEnd(value);
  // connector judges a `;`, `&&` or `||` only after a context: a quote, `)` or `}` before it (blanks
  // between), or the leading number as all that precedes it. Without a quote, parenthesis or brace
  // in the value (its mask says so), that leaves one place: the first non-blank after that number.
  // The connectors are then looked for there alone, not searched for: entity runs (`&#38;`, `&lt;`,
  // `&#`) paid a search per `;` and a `&&` search that stops at every `&` (~3 µs/KB at 1 MB), and
  // their decoded `&&&&` a connector call per pair (~2.5 µs/KB). Cost: one mask test, and for a
  // value that opens with a number, one skip over the blanks after it.
  const noContext = mask !== -1 && (mask & (C.SQUOTE | C.DQUOTE | C.PAREN | C.BRACE)) === 0;
  if (noContext) {
    const at = numEnd === -1 ? -1 : skipWs(value, numEnd);
    const c = at === -1 || at >= n ? -1 : value.charCodeAt(at);
    ns = c === C_SEMI ? at : -1;
    na = c === C_AMP && value.charCodeAt(at + 1) === C_AMP ? at : -1;
    np = c === C_PIPE && value.charCodeAt(at + 1) === C_PIPE ? at : -1;
  }
  // Likewise a lone `&` or `|` is never judged: the first `&&` (`||`) at or after a position is the
  // first `&` (`|`) the loop would judge there (`;|&` runs: a visit per character before); and of a
  // run (`&&&&`) only its first pair (see livePair).
  if (na !== -1 && !noContext) na = livePair(value, na, '&&', C_AMP);
  if (np !== -1 && !noContext) np = livePair(value, np, '||', C_PIPE);
  // Nor is a `$` without an ASCII letter after it (operatorInText's first test), nor a `;` that
  // connector rejects by the character right before it (see liveSemi): `$($(`, `${${`, `&#38;&#38;`,
  // `;|&;|&` were a visit of the loop below per character pair (~7-10 µs/KB at 1 MB).
  if (nd !== -1) nd = dollarBefore(value, nd, false);
  if (ns !== -1 && !noContext) ns = liveSemi(value, ns, numEnd);

  for (;;) {
    // The next trigger: the smallest of the five positions (-1: none left of that kind).
    let i = n;
    if (nd !== -1 && nd < i) i = nd;
    if (ns !== -1 && ns < i) i = ns;
    if (na !== -1 && na < i) i = na;
    if (np !== -1 && np < i) i = np;
    if (nl !== -1 && nl < i) i = nl;
    if (i === n) return best;
    const c = value.charCodeAt(i);
    let d: Detection | undefined;
    let next = i + 1;
    if (c === C_DOLLAR) {
      d = operatorInText(value, i);
      nd = dollarBefore(value, next, false);
    } else if (c === C_SEMI) {
      d = connector(value, i, i + 1, ';', shellStart);
      ns = noContext ? -1 : liveSemi(value, next, numEnd);
    } else if (c === C_LPAREN) {
      d = sleepCall(value, i);
      nl = sleepParen(value, next);
    } else {
      // `&&` / `||`: both characters are consumed.
      d = connector(value, i, i + 2, c === C_AMP ? '&&' : '||', shellStart);
      next = i + 2;
      if (c === C_AMP) na = noContext ? -1 : livePair(value, next, '&&', C_AMP);
      else np = noContext ? -1 : livePair(value, next, '||', C_PIPE);
    }
    best = better(best, d);
    if (best?.confidence === 'high') return best;
  }
}

/**
 * End of the leading number (`  42;`): the index after its last digit, or -1 when the value does not
 * start (after whitespace) with a digit. connector's numeric context is exactly a connector after
 * that number and whitespace: the last non-space character before it is the digit at numEnd - 1.
 */
function leadingNumberEnd(value: string): number {
  const n = value.length;
  const t = skipWs(value, 0);
  let e = t;
  while (e < n && isDigit(value.charCodeAt(e))) e++;
  return e > t ? e : -1;
}

/**
 * Index of the first `;` at or after `from` that connector may accept, or -1. A `;` is skipped when
 * the character right before it is neither whitespace (connector looks further back then) nor one
 * that makes a context: a quote or `)` `}`, or the last digit of the leading number (numEnd - 1; any
 * other digit is in no numeric context, see leadingNumberEnd), or when the character after it starts
 * no tail connector accepts after a `;` (semiTailMay). connector returns undefined for those.
 */
function liveSemi(value: string, from: number, numEnd: number): number {
  let k = value.indexOf(';', from);
  while (k !== -1) {
    if (k === 0) return k; // nothing before: connector rejects it, cheaply
    const b = value.charCodeAt(k - 1);
    if ((b === C_SQUOTE || b === C_DQUOTE || b === C_RPAREN || b === C_RBRACE || isWs(b) || (isDigit(b) && k === numEnd)) && semiTailMay(value, k + 1)) return k;
    // (A plain scan instead of indexOf, as in dollarBefore, was slower here: `&#38;` has a `;` every
    // five characters, where one indexOf call costs less than five loop turns.)
    k = value.indexOf(';', k + 1);
  }
  return -1;
}

/**
 * After a `;` (at `t`), jsTail can start one of the tails a `;` is judged on: connector drops
 * `compare` and `true` after a `;`, and every other tail starts (after blanks) with `r` (return),
 * `v`, `l`, `c` (declarations), `s` (sleep), `w` (while), `t` (this) or `d` (db). A blank is let
 * through (jsTail skips them). `";"` runs had a `;` after a quote every three characters, each a
 * connector call that read the literal after it (~9.5 µs/KB at 64 KB).
 */
function semiTailMay(value: string, t: number): boolean {
  if (t >= value.length) return false;
  const a = value.charCodeAt(t);
  return a === 114 || a === 118 || a === 108 || a === 99 || a === 115 || a === 119 || a === 116 || a === 100 || isWs(a);
}

/**
 * Index of the first `pair` (`&&` or `||`, two of `c`) at or after `from` that connector may accept,
 * or -1. A pair right after another `c` is rejected by connector (the character before it, a `c`, is
 * no context), so of a run (`&&&&`) only the first pair can be judged: the rest of the run is walked
 * over (one load a character) and the search resumes after it, instead of a search and a connector
 * call per pair (a value with a quote and 1 MB of `&&`). Same pairs judged, in the same order.
 */
function livePair(value: string, from: number, pair: string, c: number): number {
  let k = value.indexOf(pair, from);
  while (k > 0 && value.charCodeAt(k - 1) === c) {
    let j = k + 2;
    while (j < value.length && value.charCodeAt(j) === c) j++;
    k = value.indexOf(pair, j);
  }
  return k;
}

/** Index of the first `(` at or after `from` that ends `sleep(` (it is at 5 or later), or -1. */
function sleepParen(value: string, from: number): number {
  const k = value.indexOf('sleep(', from < 5 ? 0 : from - 5);
  return k === -1 ? -1 : k + 5;
}

/** `$op` inside text: in object-key position (`{"$gt": ""}`, `, $where: '...'`) or `[$op]` brackets. */
function operatorInText(s: string, i: number): Detection | undefined {
  // operator names are ASCII letters only; a run of `$$$$` stops at once
  const n0 = s.length;
  const stop = Math.min(n0, i + MAX_OP_LEN + 1);
  let end = i + 1;
  while (end < stop && isAsciiLetter(s.charCodeAt(end))) end++;
  // (A one-letter name, dense in `a$a$`, sliced and looked up per `$`: ~20 µs/KB at 64 KB.)
  if (end - i < MIN_OP_LEN || end - i > MAX_OP_LEN) return undefined;
  const op = s.slice(i, end);
  const tier = TIER.get(op);
  if (tier === undefined) return undefined;
  const n = s.length;

  // `[$ne]`, `user[$regex]=...`
  if (i > 0 && s.charCodeAt(i - 1) === C_LBRACKET && end < n && s.charCodeAt(end) === C_RBRACKET) {
    return {
      rule: 'nosql.bracket-operator',
      reason: `Text contains the query-string operator form "[${op}]", which qs expands into a MongoDB query object.`,
      confidence: tier,
    };
  }

  // Object-key position. Before: optional quote (maybe backslash-escaped), whitespace, then `{`, `,`
  // or the start of the string. After: the matching quote, whitespace, `:`.
  let p = i - 1;
  let quote = -1;
  if (p >= 0) {
    const q = s.charCodeAt(p);
    if (q === C_DQUOTE || q === C_SQUOTE) {
      quote = q;
      p--;
      if (p >= 0 && s.charCodeAt(p) === C_BACKSLASH) p--;
    }
  }
  p = skipWsBack(s, p);
  const before = p >= 0 ? s.charCodeAt(p) : -1;
  if (before !== -1 && before !== C_LBRACE && before !== C_COMMA) return undefined;
  let q = end;
  if (quote !== -1) {
    if (q < n && s.charCodeAt(q) === C_BACKSLASH) q++;
    if (q >= n || s.charCodeAt(q) !== quote) return undefined;
    q++;
  }
  q = skipWs(s, q);
  if (q >= n || s.charCodeAt(q) !== C_COLON) return undefined;
  return {
    rule: 'nosql.operator-object',
    reason: `Text contains an object whose key is the MongoDB operator "${op}", ready for JSON.parse into a query.`,
    confidence: tier,
  };
}

/** What a piece of JavaScript after a breakout point looks like. */
type Tail =
  | 'return' // `return true`, `return(1)`, `return this...`
  | 'decl' // `var x =`
  | 'sleep' // `sleep(5000)`
  | 'loop' // `while(`
  | 'this' // `this.field.match(`, `this.field == ...`
  | 'db' // `db.coll.method(`
  | 'compare' // `'a'=='a`, `1==1` (JS equality, not SQL `=`)
  | 'true' // `true`
  | undefined;

const THIS_METHODS: readonly string[] = [
  'match(', 'test(', 'indexOf(', 'startsWith(', 'endsWith(', 'includes(', 'charAt(', 'charCodeAt(',
  'substr(', 'substring(', 'slice(', 'search(', 'length', 'valueOf(', 'toString(',
];

function jsTail(s: string, t: number): Tail {
  const n = s.length;
  t = skipWs(s, t);
  if (t >= n) return undefined;
  const c = s.charCodeAt(t);
  switch (c) {
    case 114: // r
      return wordAt(s, t, 'return') ? returnTail(s, t + 6) : undefined;
    case 118: // v
    case 108: // l
    case 99: { // c
      const w = c === 118 ? 'var' : c === 108 ? 'let' : 'const';
      if (!wordAt(s, t, w)) return undefined;
      let j = t + w.length;
      const k = skipWs(s, j);
      if (k === j) return undefined;
      j = identEnd(s, k);
      if (j === k) return undefined;
      j = skipWs(s, j);
      return j < n && s.charCodeAt(j) === C_EQ ? 'decl' : undefined;
    }
    case 115: // s
      return sleepAt(s, t) ? 'sleep' : undefined;
    case 119: { // w
      if (!wordAt(s, t, 'while')) return undefined;
      const j = skipWs(s, t + 5);
      return j < n && s.charCodeAt(j) === C_LPAREN ? 'loop' : undefined;
    }
    case 116: // t
      if (thisPredicate(s, t)) return 'this';
      return wordAt(s, t, 'true') ? 'true' : undefined;
    case 100: // d
      return mongoShellCall(s, t) ? 'db' : undefined;
    default:
      return jsCompare(s, t) ? 'compare' : undefined;
  }
}

/**
 * After `return`: `true`/`false`/number/`this`/a Mongo shell call, optionally parenthesised, then the
 * statement ends.
 */
function returnTail(s: string, j: number): Tail {
  const n = s.length;
  j = skipWs(s, j);
  let parens = 0;
  while (j < n && parens < 4 && s.charCodeAt(j) === C_LPAREN) {
    parens++;
    j = skipWs(s, j + 1);
  }
  if (j >= n) return undefined;
  const c = s.charCodeAt(j);
  if (c === 116 && s.startsWith('this', j)) return 'return';
  if (c === C_BANG) return 'return';
  // `return db.getCollectionNames()`, `return db.users.find()`: the shell's data, returned.
  if (c === 100 && mongoShellCall(s, j)) return 'return';
  // `return '1'=='1`, `return /^a/.test(this.password)`: a constant comparison or a pattern test.
  if (c === C_SQUOTE || c === C_DQUOTE) return jsCompare(s, j) ? 'return' : undefined;
  if (c === C_SLASH) {
    const close = s.indexOf('/', j + 1);
    if (close !== -1 && close - j <= 128 && s.startsWith('.test(', close + 1 + flagsLen(s, close + 1))) return 'return';
    return undefined;
  }
  let k: number;
  if (wordAt(s, j, 'true')) k = j + 4;
  else if (wordAt(s, j, 'false')) k = j + 5;
  else if (isDigit(c)) {
    k = j;
    while (k < n && k - j < 16 && isDigit(s.charCodeAt(k))) k++;
  } else return undefined;
  k = skipWs(s, k);
  while (k < n && parens > 0 && s.charCodeAt(k) === C_RPAREN) {
    parens--;
    k = skipWs(s, k + 1);
  }
  if (k >= n) return 'return';
  if (isDigit(c) && jsCompare(s, j)) return 'return';
  const e = s.charCodeAt(k);
  return e === C_SEMI || e === C_SLASH || e === C_RBRACE || e === C_SQUOTE || e === C_DQUOTE || e === 0
    ? 'return'
    : undefined;
}

/** Regex flags after a regex literal's closing slash (`gimsuy`), at most six. */
function flagsLen(s: string, i: number): number {
  let k = i;
  while (k < s.length && k - i < 6 && 'gimsuyd'.indexOf(s[k]!) !== -1) k++;
  return k - i;
}

/** `sleep(` whitespace? digits: the Mongo shell/`$where` sleep, used for blind timing. */
function sleepAt(s: string, t: number): boolean {
  if (!s.startsWith('sleep', t)) return false;
  let j = skipWs(s, t + 5);
  if (j >= s.length || s.charCodeAt(j) !== C_LPAREN) return false;
  j = skipWs(s, j + 1);
  return j < s.length && isDigit(s.charCodeAt(j));
}

/** `this.<field>` followed by a comparison or a string/regex method: a `$where` predicate. */
function thisPredicate(s: string, t: number): boolean {
  const n = s.length;
  if (!s.startsWith('this.', t)) return false;
  let j = identEnd(s, t + 5);
  if (j === t + 5) return false;
  // `this.a.b.c`: allow a short member chain before the predicate
  for (let hops = 0; hops < 4 && j < n && s.charCodeAt(j) === C_DOT; hops++) {
    for (const m of THIS_METHODS) if (s.startsWith(m, j + 1)) return true;
    const k = identEnd(s, j + 1);
    if (k === j + 1) return false;
    j = k;
  }
  if (j < n && s.charCodeAt(j) === C_LBRACKET) {
    // this.password[0] == 'a' (an index then a comparison; `this.cfg[key] = v` is an assignment)
    const stop = Math.min(n, j + 16);
    let k = j + 1;
    while (k < stop && s.charCodeAt(k) !== C_RBRACKET) k++;
    if (k >= stop) return false;
    j = k + 1;
  }
  j = skipWs(s, j);
  if (j >= n) return false;
  const c = s.charCodeAt(j);
  const c2 = j + 1 < n ? s.charCodeAt(j + 1) : -1;
  if ((c === C_EQ || c === C_BANG) && c2 === C_EQ) return true; // ==, ===, !=, !==
  if (c === C_LT || c === C_GT) return true;
  return false;
}

/** `db.<collection>.<method>(` — Mongo shell statements (`$where`/mapReduce context). */
function mongoShellCall(s: string, t: number): boolean {
  if (!s.startsWith('db.', t)) return false;
  let j = identEnd(s, t + 3);
  if (j === t + 3) return false;
  if (s.charCodeAt(j) === C_LPAREN) return true; // db.getCollectionNames(
  if (s.charCodeAt(j) !== C_DOT) return false;
  const k = identEnd(s, j + 1);
  if (k === j + 1) return false;
  j = skipWs(s, k);
  return j < s.length && s.charCodeAt(j) === C_LPAREN;
}

/** A literal, `==`/`===`/`!=`/`!==`, a literal: JS equality (SQL has single `=`). */
function jsCompare(s: string, t: number): boolean {
  const n = s.length;
  let j = literalEnd(s, t);
  if (j === -1) return false;
  j = skipWs(s, j);
  if (j + 1 >= n) return false;
  const c = s.charCodeAt(j);
  if (!((c === C_EQ || c === C_BANG) && s.charCodeAt(j + 1) === C_EQ)) return false;
  j += 2;
  if (j < n && s.charCodeAt(j) === C_EQ) j++;
  j = skipWs(s, j);
  return j < n && literalEnd(s, j) !== -1;
}

/** End of a short quoted string or number literal at `t` (an unterminated quote runs to the end). */
function literalEnd(s: string, t: number): number {
  const n = s.length;
  if (t >= n) return -1;
  const c = s.charCodeAt(t);
  if (c === C_SQUOTE || c === C_DQUOTE) {
    const end = Math.min(n, t + 65);
    for (let j = t + 1; j < end; j++) if (s.charCodeAt(j) === c) return j + 1;
    return end === n ? n : -1;
  }
  if (isDigit(c)) {
    let j = t;
    while (j < n && j - t < 16 && isDigit(s.charCodeAt(j))) j++;
    return j;
  }
  return -1;
}

/**
 * A connector (`;`, `&&`, `||`) at [at, next). Classifies what precedes it (a closed JS string
 * literal = breakout; a number that is the whole prefix = numeric breakout; `)`/`}` = statement) and
 * what follows it.
 */
function connector(
  s: string,
  at: number,
  next: number,
  kind: ';' | '&&' | '||',
  shellStart: boolean,
): Detection | undefined {
  // The context before the connector first: it is a few character loads, and most `;` in ordinary
  // values (`Mozilla/5.0 (X11; Linux …`, `en-US,en;q=0.9`) have none of the three.
  const p = skipWsBack(s, at - 1);
  const before = p >= 0 ? s.charCodeAt(p) : -1;

  let ctx: 'quote' | 'number' | 'statement' | undefined;
  if (before === C_SQUOTE || before === C_DQUOTE) ctx = 'quote';
  else if (isDigit(before)) {
    // numeric context only when the whole prefix is a number: `1; return true`, `0 || 1==1`
    let k = p;
    while (k >= 0 && isDigit(s.charCodeAt(k))) k--;
    if (skipWsBack(s, k) < 0) ctx = 'number';
  } else if (before === C_RPAREN || before === C_RBRACE) ctx = 'statement';
  if (ctx === undefined) return undefined;
  const tail = jsTail(s, next);
  if (tail === undefined) return undefined;

  let confidence: Confidence | undefined;
  if (kind === ';') {
    if (tail === 'compare' || tail === 'true') confidence = undefined;
    else if (ctx === 'statement') {
      // `foo(); return true;` is also ordinary JS; it is Mongo only with a shell call or a sleep.
      confidence = tail === 'sleep' || tail === 'db' || tail === 'loop' || shellStart ? 'high' : 'medium';
    } else confidence = 'high';
  } else {
    // `&&` / `||`: a predicate joined to the original `$where` expression
    if (tail === 'this' || tail === 'sleep' || tail === 'compare' || tail === 'true' || tail === 'return') {
      confidence = ctx === 'statement' ? 'medium' : 'high';
    }
  }
  if (confidence === undefined) return undefined;
  const where =
    ctx === 'quote' ? 'closes a JavaScript string' : ctx === 'number' ? 'ends a numeric operand' : 'ends a statement';
  return {
    rule: 'nosql.where-injection',
    reason: `Text ${where} and continues with "${kind}" and ${TAIL_TEXT[tail]}, the shape of $where JavaScript injection.`,
    confidence,
  };
}

const TAIL_TEXT: Record<Exclude<Tail, undefined>, string> = {
  return: 'a return statement',
  decl: 'a variable declaration',
  sleep: 'a sleep() call',
  loop: 'a while loop',
  this: 'a predicate on this.<field>',
  db: 'a Mongo shell call',
  compare: 'a JavaScript equality',
  true: 'a constant true',
};

/**
 * `sleep(<digits>)` inside other text, e.g. concatenated into a `$where` string (`'+sleep(5000)+'`).
 * Medium on its own (SQL has `sleep(` too); high when joined by a JavaScript operator.
 */
function sleepCall(s: string, paren: number): Detection | undefined {
  const t = paren - 5;
  if (!s.startsWith('sleep', t) || (t > 0 && isIdent(s.charCodeAt(t - 1)))) return undefined;
  if (!sleepAt(s, t)) return undefined;
  let j = skipWs(s, paren + 1);
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  j = skipWs(s, j);
  if (j >= s.length || s.charCodeAt(j) !== C_RPAREN) return undefined;
  const p = skipWsBack(s, t - 1);
  const b = p >= 0 ? s.charCodeAt(p) : -1;
  // `(select(sleep(5)))` is SQL; JS concatenation/statement/logical context makes it $where
  const js = (b === -1 && sleepEndsExpression(s, t)) || b === 43 /* + */ || b === C_SEMI || b === C_AMP || b === C_PIPE || b === C_SQUOTE ||
    b === C_DQUOTE;
  return {
    rule: 'nosql.where-sleep',
    reason: 'Text calls sleep(<ms>), the blind timing probe of $where JavaScript injection.',
    confidence: js ? 'high' : 'medium',
  };
}

/**
 * `sleep(N)` at `t` is the whole expression: followed by the end, `;`, a comment, a JS operator or a
 * quote — not by prose (`sleep(2) called`).
 */
function sleepEndsExpression(s: string, t: number): boolean {
  const n = s.length;
  let j = skipWs(s, s.indexOf('(', t) + 1);
  while (j < n && isDigit(s.charCodeAt(j))) j++;
  j = skipWs(s, j);
  if (j >= n || s.charCodeAt(j) !== C_RPAREN) return false;
  j = skipWs(s, j + 1);
  if (j >= n) return true;
  const c = s.charCodeAt(j);
  return c === C_SEMI || c === C_SLASH || c === C_AMP || c === C_PIPE || c === 43 || c === C_SQUOTE ||
    c === C_DQUOTE || c === 0 || c === 35 /* # */ || c === 45 /* - */;
}

/** The whole value is a `$where` predicate: `this.password.match(/.*\/)`, `sleep(5000)`, `db.x.find(`. */
function valueStart(s: string): Detection | undefined {
  const t = skipWs(s, 0);
  if (t >= s.length) return undefined;
  const c = s.charCodeAt(t);
  if (c !== 116 && c !== 115 && c !== 100 && c !== 114) return undefined; // t s d r
  const tail = jsTail(s, t);
  if (tail === 'sleep' && !sleepEndsExpression(s, t)) {
    return {
      rule: 'nosql.where-predicate',
      reason: 'Value starts with a sleep() call.',
      confidence: 'medium',
    };
  }
  if (tail === 'this' || tail === 'sleep') {
    return {
      rule: 'nosql.where-predicate',
      reason: `Value is ${TAIL_TEXT[tail]}, a JavaScript expression for a $where clause.`,
      confidence: 'high',
    };
  }
  if (tail === 'db' || tail === 'return') {
    return {
      rule: 'nosql.where-predicate',
      reason: `Value starts with ${TAIL_TEXT[tail]}, JavaScript meant for a $where clause or the Mongo shell.`,
      confidence: 'medium',
    };
  }
  return undefined;
}
