/**
 * The detector registry: which pure function answers for which class, on values or keys, and which
 * characters it cannot work without (`needs`, a charclass mask). A detector is skipped for a string
 * that contains none of its needed characters; the masks are deliberately wide (a detector may still
 * use only some of them) and the engine test runs every detector's positive table through the engine
 * to prove no mask hides a detection.
 */
import { ANY, C } from '../charclass';
import type { Detection, DetectorClass, KeyDetector, SourceKind } from '../types';
import { detectCodeInjection, GATE_KINDS as CODE_GATE_KINDS } from './code-injection';
import { detectDeserialization, detectDeserializationTypeHint, MARKER_BIGRAMS, TYPE_HINT_KEYS } from './deserialization';
import { detectNoSqlInjection, detectNoSqlInjectionKey } from './nosql-injection';
import { detectPathTraversal } from './path-traversal';
import { detectPrototypePollution, detectPrototypePollutionKey } from './prototype-pollution';
import { detectShellInjection, SHELL_CHAR_CLASSES } from './shell-injection';
import { detectSqlInjection } from './sql-injection';
import { detectSsrf } from './ssrf';
import { detectXss } from './xss';
import { detectTemplateInjection, QX_DELIMITERS } from './template-injection';
import { detectLdapInjection } from './ldap-injection';
import { detectXxe } from './xxe';
import { detectJndi } from './jndi';
import { detectCrlfInjection, detectMailHeaderInjection, MAIL_FIELD_KEYS } from './crlf-injection';
import { detectSsiInjection } from './ssi-injection';

/**
 * A value detector. `mask`, when given, is `charMask(value)` (the engine computes it for the gate
 * anyway): a detector may use it to skip a pass of its own; without it, it computes what it needs.
 */
export type ValueDetector = (value: string, mask?: number) => Detection | undefined;

export interface DetectorEntry {
  class: DetectorClass;
  /** Runs on every string value and every object key (keys are strings an attacker chooses too). */
  value?: ValueDetector;
  /** Runs on object keys only, with the parent key. Key detectors always run: keys are short. */
  key?: KeyDetector;
  /**
   * Character kinds a key needs for `key` to answer; the engine calls it for no other key (default:
   * every key). For the keys of parsed bodies and queries, whose mask the engine reads anyway.
   */
  keyNeeds?: number;
  /** Shortest key `key` can answer for (default: any); the engine calls it for no shorter key. */
  keyMinLength?: number;
  /**
   * Runs on a string value with the key it sits under in a parsed document (`[0]` for the first item
   * of a two-item array): for what only the pair shows (a type hint naming a gadget class).
   */
  pair?: (key: string, value: string) => Detection | undefined;
  /** The keys `pair` can answer for (the engine calls it for no other key). */
  pairKeys?: ReadonlySet<string>;
  /** Character kinds a value needs for `pair` to answer (the engine calls it for no other value). */
  pairNeeds?: number;
  /** Character kinds the value detector needs; see charclass.ts. */
  needs: number;
  /**
   * Adjacent ASCII character pairs (128 x 128, indexed `previous << 7 | current`, 1 flagging one; see
   * charMaskBigrams) of which a value needs one for `value` to answer, unless its mask meets
   * `bigramsOr`. The engine reads them in its mask pass over string values and their decoded forms
   * (not keys, which are not gated on them).
   */
  bigrams?: Uint8Array;
  bigramsOr?: number;
  /**
   * Character kinds of which a value needs one as well, besides one of `needs` (the engine calls
   * `value` only when the mask meets both): for a detector whose own entry check proves it answers
   * undefined on every value with none of them (it must, given the mask; see the entry).
   */
  needsAlso?: number;
  /** Also run on long letters-and-digits-only strings (encoded blobs), which set no mask bit. */
  alnum?: boolean;
  /** Only these sources (default: all). */
  sources?: readonly SourceKind[];
}

/** Anything but letters and digits (which set no bit): a bare word or number is never an injection. */
const NON_ALNUM = ANY;
/**
 * What a shell payload cannot do without: separators, quotes, expansions, globs, or (for a whole
 * command line such as `cat /etc/passwd`) spaces, slashes and dashes.
 */
const SHELL = C.SPACE | C.SLASH | C.DASH | C.STAR | C.OTHER | C.SEMI | C.PIPE | C.AMP | C.BACKTICK | C.DOLLAR | C.NEWLINE | C.LT | C.GT | C.PAREN | C.BRACE | C.SQUOTE | C.DQUOTE | C.BSLASH | C.CARET | C.PERCENT | C.CTRL | C.NONASCII;

export const DETECTORS: readonly DetectorEntry[] = Object.freeze([
  // Every key it answers for holds `__proto__` or `prototype` (nine characters): `sku`, `qty`,
  // `price` skip the call.
  { class: 'prototype-pollution', key: detectPrototypePollutionKey, keyMinLength: 9, value: detectPrototypePollution, needs: C.UNDERSCORE | C.DOT | C.BRACKET | C.COLON | C.SLASH },
  // An operator key holds `$` (`$ne`, `user[$gt]`); the encoding markers are let through too, for a
  // check that would decode `%24ne` or a fullwidth dollar. `sku`, `qty`, `items` skip the call.
  {
    class: 'nosqli',
    key: detectNoSqlInjectionKey,
    keyNeeds: C.DOLLAR | C.PERCENT | C.AMP | C.BSLASH | C.NONASCII,
    value: detectNoSqlInjection,
    needs: C.DOLLAR | C.BRACE | C.BRACKET | C.SEMI | C.PAREN | C.SQUOTE | C.DQUOTE | C.AMP | C.PIPE | C.DOT,
    // `needsAlso`: detectNoSqlInjection answers undefined, at its first check, for a value with none
    // of its triggers (`$ ; & | (`) that does not start with `this.` (a `.`). `Jane O'Neil` and
    // quoted or bracketed text skip the call.
    needsAlso: C.DOLLAR | C.SEMI | C.AMP | C.PIPE | C.PAREN | C.DOT,
  },
  { class: 'sqli', value: detectSqlInjection, needs: NON_ALNUM },
  // `needsAlso`: given the mask, detectShellInjection returns at its first line for a value with no
  // P_SHELL character (SHELL_CHAR_CLASSES) and none of the blanks its plainClean looks for (space,
  // tab, `+`; SPACE also holds VT and FF: wider): plainClean is then true without reading a word
  // (no blank at all, or none in the first 41 characters). `SKU-1000`, ISO dates, `a/b/c.json`,
  // URLs without a query skip the call (~40 ns each). A `+` with none of `needs` stays skipped. `=`
  // lets through an option with its program and nothing else (`-oProxyCommand=id`, `--upload-pack=id`,
  // `ssh://-oProxyCommand=id/x`): argumentInjection reads those; other values with `=` and none of the
  // rest return at the detector's first mask test.
  { class: 'shell', value: detectShellInjection, needs: SHELL, needsAlso: SHELL_CHAR_CLASSES | C.SPACE | C.PLUS | C.EQ },
  { class: 'xss', value: detectXss, needs: C.LT | C.COLON | C.SQUOTE | C.DQUOTE | C.BRACE | C.PAREN | C.BACKTICK | C.NONASCII | C.EQ | C.CTRL | C.AMP },
  { class: 'path-traversal', value: detectPathTraversal, needs: C.DOT | C.SLASH | C.BSLASH | C.COLON | C.CTRL | C.NONASCII | C.PERCENT },
  { class: 'ssrf', value: detectSsrf, needs: C.COLON | C.DOT | C.SLASH | C.BSLASH | C.NONASCII | C.PERCENT },
  { class: 'code-injection', value: detectCodeInjection, needs: CODE_GATE_KINDS },
  // A type hint names a gadget class: every one is dotted (`com.sun.…`, `System.…`), or spelled
  // `Name:#Namespace`.
  // A marker needs one of a few character pairs (`_$`, `!`, `(`, `O:`, `rO`, `ac`, …), a gadget type
  // name one of its own (`.W`, `.l`, …), unless a `<` (an XML object graph) or a non-ASCII byte says
  // otherwise: see MARKER_BIGRAMS. `SKU-1000`, `Cotton T-shirt, size M` and a note that ends
  // `please.` skip the call. Blanks and commas count
  // as any other character: `Bearer rO0ABXNy…` (a Java stream in base64 without `+`, `/` or `=`,
  // which an attacker can arrange) must reach the detector; the pair gate keeps prose cheap.
  {
    class: 'deserialization',
    value: detectDeserialization,
    pair: detectDeserializationTypeHint,
    pairKeys: TYPE_HINT_KEYS,
    pairNeeds: C.DOT | C.COLON,
    alnum: true,
    needs: ANY,
    bigrams: MARKER_BIGRAMS,
    bigramsOr: C.LT | C.NONASCII,
  },
  { class: 'jndi', value: detectJndi, needs: C.DOLLAR },
  // Template constructs need one of `{ % @ # $` (TEMPLATE_KINDS there); QX_DELIMITERS (there too) are
  // for Perl `qx` literals (`qx/id/`, `qx!id!`, `qx'id'`): on a value with none of the former the
  // detector makes one search for `qx` and returns (`/orders`, "Jane O'Neil": ~15-20 ns a call).
  { class: 'ssti', value: detectTemplateInjection, needs: C.BRACE | C.PERCENT | C.HASH | C.DOLLAR | C.OTHER | QX_DELIMITERS },
  { class: 'xxe', value: detectXxe, needs: C.LT },
  // `needsAlso`: every finding of detectLdapInjection needs one of these too. An operator group or a
  // metacharacter run needs `& | !`; a breakout, a filter item after its `(` (`&`, `|`, `!` or a
  // filter type, all with `=`); NUL truncation a NUL (CTRL); the wildcard rules a `*`; the escaped
  // forms a `\`. `+1 (555) 010-0000` and `(optional)` skip the call (~0.2 µs for the phone number:
  // four passes over it).
  { class: 'ldap', value: detectLdapInjection, needs: C.PAREN | C.STAR | C.BSLASH | C.CTRL, needsAlso: C.STAR | C.BSLASH | C.CTRL | C.AMP | C.PIPE | C.BANG | C.EQ },
  // Line breaks are ordinary in body text; they split headers only where a value becomes a header
  // or a redirect: headers, cookies, the path and the query. The pair check (mail fields such as
  // `email`, `subject`) runs in every source: a contact form's body is where those arrive.
  // A mail field is injected through a line break (CR, LF, or NEL / U+2028 / U+2029, all non-ASCII);
  // the encoding markers are let through too, for a check that would decode `%0d%0a` or `&#10;`.
  // Names and addresses in a contact form or an order (`"name": "Jane O'Neil"`) skip the call.
  {
    class: 'crlf',
    value: detectCrlfInjection,
    pair: detectMailHeaderInjection,
    pairKeys: MAIL_FIELD_KEYS,
    pairNeeds: C.NEWLINE | C.NONASCII | C.PERCENT | C.AMP | C.BSLASH | C.CTRL,
    needs: C.NEWLINE | C.NONASCII,
    sources: ['header', 'cookie', 'path', 'query'],
  },
  // SSI directives and ESI tags all open with `<`.
  { class: 'ssi', value: detectSsiInjection, needs: C.LT },
] satisfies DetectorEntry[]);
