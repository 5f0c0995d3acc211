/**
 * The detector registry: which pure function answers for which class, on values or keys, and which
 * characters it cannot work without (`needs`, a charclass mask). A detector is skipped for a string
 * that contains none of its needed characters; the masks are deliberately wide (a detector may still
 * use only some of them) and the engine test runs every detector's positive table through the engine
 * to prove no mask hides a detection.
 */
import { ANY, C } from '../charclass';
import type { DetectorClass, KeyDetector, SourceKind, StringDetector } from '../types';
import { detectCodeInjection } from './code-injection';
import { detectDeserialization, detectDeserializationTypeHint, TYPE_HINT_KEYS } from './deserialization';
import { detectNoSqlInjection, detectNoSqlInjectionKey } from './nosql-injection';
import { detectPathTraversal } from './path-traversal';
import { detectPrototypePollution, detectPrototypePollutionKey } from './prototype-pollution';
import { detectShellInjection } from './shell-injection';
import { detectSqlInjection } from './sql-injection';
import { detectSsrf } from './ssrf';
import { detectXss } from './xss';
import { detectTemplateInjection } from './template-injection';
import { detectLdapInjection } from './ldap-injection';
import { detectXxe } from './xxe';
import { detectJndi } from './jndi';
import { detectCrlfInjection, detectMailHeaderInjection, MAIL_FIELD_KEYS } from './crlf-injection';
import { detectSsiInjection } from './ssi-injection';

export interface DetectorEntry {
  class: DetectorClass;
  /** Runs on every string value and every object key (keys are strings an attacker chooses too). */
  value?: StringDetector;
  /** Runs on object keys only, with the parent key. Key detectors always run: keys are short. */
  key?: KeyDetector;
  /**
   * Runs on a string value with the key it sits under in a parsed document (`[0]` for the first item
   * of a two-item array): for what only the pair shows (a type hint naming a gadget class).
   */
  pair?: (key: string, value: string) => ReturnType<StringDetector>;
  /** The keys `pair` can answer for (the engine calls it for no other key). */
  pairKeys?: ReadonlySet<string>;
  /** Character kinds the value detector needs; see charclass.ts. */
  needs: number;
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
  { class: 'prototype-pollution', key: detectPrototypePollutionKey, value: detectPrototypePollution, needs: C.UNDERSCORE | C.DOT | C.BRACKET | C.COLON | C.SLASH },
  { class: 'nosqli', key: detectNoSqlInjectionKey, value: detectNoSqlInjection, needs: C.DOLLAR | C.BRACE | C.BRACKET | C.SEMI | C.PAREN | C.SQUOTE | C.DQUOTE | C.AMP | C.PIPE | C.DOT },
  { class: 'sqli', value: detectSqlInjection, needs: NON_ALNUM },
  { class: 'shell', value: detectShellInjection, needs: SHELL },
  { class: 'xss', value: detectXss, needs: C.LT | C.COLON | C.SQUOTE | C.DQUOTE | C.BRACE | C.PAREN | C.BACKTICK | C.NONASCII | C.EQ | C.CTRL | C.AMP },
  { class: 'path-traversal', value: detectPathTraversal, needs: C.DOT | C.SLASH | C.BSLASH | C.COLON | C.CTRL | C.NONASCII | C.PERCENT },
  { class: 'ssrf', value: detectSsrf, needs: C.COLON | C.DOT | C.SLASH | C.BSLASH | C.NONASCII | C.PERCENT },
  { class: 'code-injection', value: detectCodeInjection, needs: C.PAREN | C.BRACKET | C.BACKTICK | C.DOT | C.NONASCII },
  { class: 'deserialization', value: detectDeserialization, pair: detectDeserializationTypeHint, pairKeys: TYPE_HINT_KEYS, alnum: true, needs: ANY & ~(C.SPACE | C.COMMA) },
  { class: 'jndi', value: detectJndi, needs: C.DOLLAR },
  { class: 'ssti', value: detectTemplateInjection, needs: C.BRACE | C.PERCENT | C.HASH | C.DOLLAR | C.OTHER },
  { class: 'xxe', value: detectXxe, needs: C.LT },
  { class: 'ldap', value: detectLdapInjection, needs: C.PAREN | C.STAR | C.BSLASH | C.CTRL },
  // Line breaks are ordinary in body text; they split headers only where a value becomes a header
  // or a redirect: headers, cookies, the path and the query. The pair check (mail fields such as
  // `email`, `subject`) runs in every source: a contact form's body is where those arrive.
  { class: 'crlf', value: detectCrlfInjection, pair: detectMailHeaderInjection, pairKeys: MAIL_FIELD_KEYS, needs: C.NEWLINE | C.NONASCII, sources: ['header', 'cookie', 'path', 'query'] },
  // SSI directives and ESI tags all open with `<`.
  { class: 'ssi', value: detectSsiInjection, needs: C.LT },
] satisfies DetectorEntry[]);
