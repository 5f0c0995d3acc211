/**
 * JNDI lookups and other Log4j 2 lookups (Log4Shell, CVE-2021-44228 and its follow-ups).
 *
 * A value that a Java service logs through Log4j 2 (before 2.17) is interpolated: `${prefix:key}` runs
 * the lookup `prefix`, and `${jndi:ldap://host/a}` makes the JVM fetch and run a remote class. Log4j
 * resolves nested lookups inside out, so attackers build the word `jndi` out of lookups that evaluate
 * to single letters: `${${lower:J}ndi:…}`, `${${::-j}${::-n}di:…}` (an unknown lookup with a `:-`
 * default), `${${env:NaN:-j}ndi…}`, `${${upper:ı}…}` (dotless i upper-cases to `I`), `${date:'j'}`
 * (a quoted literal in a date pattern). Keyword lists chase these forms one by one; this detector
 * instead evaluates the expression the way Log4j's StrSubstitutor does (innermost first, `:-`
 * defaults, `lower`/`upper`/`date`, unresolvable lookups left as written) and looks at what the
 * evaluated lookups name.
 *
 * Rules:
 * - `jndi.lookup` (high): a `${jndi:…}` lookup written plainly.
 * - `jndi.obfuscated-lookup` (high): a lookup that evaluates to `jndi:` only after nested lookups.
 * - `jndi.nested-lookup` (high): a lookup name assembled from nested lookups (`${${lower:e}nv:X}`):
 *   no honest value builds the name of a Log4j lookup out of other lookups.
 * - `jndi.sensitive-lookup`: a lookup that reads the environment, system properties, the thread
 *   context, resource bundles, container or JVM data (`${env:AWS_SECRET_ACCESS_KEY}`,
 *   `${sys:user.home}`, `${ctx:…}`). High when the value is nothing but such lookups with a
 *   well-formed key (blanks and quotes aside): the exfiltration probe a scanner sends where a
 *   vulnerable service logs and echoes it. Medium inside other text: `${env:X}` is also the variable
 *   syntax of config tools (Serverless Framework, Commons Configuration) and of prose about Log4j.
 *   The cost of the high: a JSON field whose whole value is a Serverless-style `${env:STAGE}` is
 *   blocked at paranoia 1 (an exclusion for that path lets it through).
 * - `jndi.lookup-syntax` (low): a standalone case-conversion or date lookup.
 * - `jndi.commons-text-lookup` (high): the lookups of Apache Commons Text's `StringSubstitutor` that
 *   run code or reach out (Text4Shell, CVE-2022-42889), in the same `${prefix:…}` syntax:
 *   `${script:javascript:…}`, `${url:UTF-8:http://…}`, `${file:UTF-8:/etc/passwd}`,
 *   `${dns:address|host}`. Each is judged by its argument's shape (an engine name, a charset then a
 *   URL or path, a record type then `|`), which a Spring-style `${url:http://localhost}` placeholder
 *   with a default does not have. `${base64Decoder:…}` and `${urlDecoder:…}` are decoded: the
 *   substitutor substitutes their output again, so a lookup inside it is judged as if written.
 *
 * Unknown names with a default (`${x:-j}`) evaluate to the default when they sit inside another
 * lookup (Log4j finds no property `x`): `${${x:-j}ndi:…}` builds the word. At the top level they stay
 * as written (`${VAR:-default}` is also shell and Compose syntax).
 *
 * Cost: the fast path is one native `indexOf('${')`: values without it (almost all) return at once.
 * Otherwise one left-to-right pass with a stack of open lookups. Depth is capped at 32 (deeper `${`
 * are kept as text) and each lookup keeps at most 4 KB of content, so every character is evaluated at
 * most 32 times and the pass stays linear. No RegExp.
 */
import { decodeBase64, percentDecode } from '../decode';
import type { Confidence, Detection } from '../types';
import { RANK, peek } from './util';

const MAX_DEPTH = 32;
const MAX_CONTENT = 4096;

/** Lookups that read data an attacker wants to see: environment, properties, context, config. */
const SENSITIVE = new Set([
  'env',
  'sys',
  'ctx',
  'main',
  'map',
  'sd',
  'bundle',
  'java',
  'docker',
  'k8s',
  'kubernetes',
  'spring',
  'web',
  'jvmrunargs',
  'marker',
  'event',
  'log4j',
]);

interface Frame {
  /** Evaluated content so far (nested lookups already replaced by their values). */
  buf: string;
  /** Content exceeded MAX_CONTENT: kept truncated, evaluated only for its prefix. */
  overflow: boolean;
  /** A nested lookup was evaluated inside this one (its value is part of `buf`). */
  nested: boolean;
  /** Where the first nested lookup started, relative to `buf` (for "name built by a lookup"). */
  firstNestedAt: number;
}

interface State {
  best: Detection | undefined;
  /** Decoder lookups followed so far in this call, nested scans included (at most MAX_DECODES). */
  budget: { decodes: number };
  /** A sensitive lookup with a well-formed key (`${env:USER}`, `${sys:java.version}`) was evaluated. */
  sensitiveKey: string | undefined;
}

function report(st: State, rule: string, confidence: Confidence, reason: string): void {
  if (st.best === undefined || RANK[confidence] > RANK[st.best.confidence]) st.best = { rule, reason, confidence };
}

/**
 * Case folding for comparing lookup names: ASCII lower case plus the letters Java case mapping
 * turns into ASCII (dotless ı, İ, long ſ, Kelvin sign) and fullwidth Latin letters. Log4j itself
 * lower-cases the prefix with `Locale.US`; the extra folds only make the comparison more lenient.
 */
function foldCode(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c < 128) return c;
  if (c === 0x131 || c === 0x130) return 105; // ı İ -> i
  if (c === 0x17f) return 115; // ſ -> s
  if (c === 0x212a) return 107; // Kelvin sign -> k
  if (c >= 0xff21 && c <= 0xff3a) return c - 0xff21 + 97;
  if (c >= 0xff41 && c <= 0xff5a) return c - 0xff41 + 97;
  return c;
}

/** Whitespace Log4j does not trim, but a lenient comparison may skip. */
function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** Folded prefix of `s` before its first `:` (whitespace trimmed), at most 16 characters; '' if none. */
function prefixOf(s: string): string {
  const colon = s.indexOf(':');
  if (colon <= 0) return '';
  let a = 0;
  let b = colon;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  if (b - a === 0 || b - a > 16) return '';
  let out = '';
  for (let i = a; i < b; i++) out += String.fromCharCode(foldCode(s.charCodeAt(i)));
  return out;
}

/** Does `s` contain `jndi` followed by optional whitespace and `:`, under folding? Linear. */
function containsJndi(s: string): boolean {
  const n = s.length;
  for (let i = 0; i + 4 < n; i++) {
    if (foldCode(s.charCodeAt(i)) !== 106 /* j */) continue;
    if (foldCode(s.charCodeAt(i + 1)) !== 110 || foldCode(s.charCodeAt(i + 2)) !== 100 || foldCode(s.charCodeAt(i + 3)) !== 105) continue;
    let j = i + 4;
    while (j < n && isWs(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === 58 /* : */) return true;
  }
  return false;
}

/**
 * `SimpleDateFormat` output for a pattern, as far as it matters here: quoted text is literal (`'j'`
 * gives `j`, `''` gives `'`), other non-letters are literal, pattern letters become digits.
 */
function dateLiteral(pattern: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        out += "'";
        i++;
      } else quoted = !quoted;
      continue;
    }
    const c = ch.charCodeAt(0);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    out += quoted || !letter ? ch : '0';
  }
  return out;
}

/**
 * The key of a data lookup as Log4j's lookups read it: an environment variable (`AWS_REGION`), a
 * property (`java.version`, `user.home`), a context key (`loginId`), an argument (`0`, `--file`), or
 * a bundle and key (`application:db.password`). 1 to 128 characters, no blanks.
 */
function keyShaped(key: string): boolean {
  const n = key.length;
  if (n === 0 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45 || c === 58)) return false;
  }
  return true;
}

/** s[a, b) holds something other than blanks and quotes (text around a lookup). */
function hasText(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!(isWs(c) || c === 34 || c === 39)) return true;
  }
  return false;
}

/**
 * Evaluates one lookup's content (nested lookups already replaced). Returns the value Log4j would
 * substitute, or undefined when the lookup stays unresolved (then the text is kept as written).
 */
function evaluate(content: string, frame: Frame, st: State, depth: number): string | undefined {
  const prefix = prefixOf(content);
  const obfuscated = frame.nested;

  if (prefix === 'jndi') {
    if (obfuscated) {
      report(st, 'jndi.obfuscated-lookup', 'high', 'Log4j lookup that evaluates to a JNDI lookup only after nested lookups are resolved.');
    } else {
      report(st, 'jndi.lookup', 'high', 'Log4j JNDI lookup "${jndi:…}" that makes a vulnerable logger load a remote object.');
    }
    return undefined;
  }
  if (obfuscated && containsJndi(content)) {
    report(st, 'jndi.obfuscated-lookup', 'high', 'Log4j lookup whose evaluated value contains a JNDI lookup.');
  }
  if (obfuscated && frame.firstNestedAt <= content.indexOf(':')) {
    // The lookup's own name (before the first colon) contains text produced by a nested lookup.
    report(st, 'jndi.nested-lookup', 'high', 'Log4j lookup whose name is assembled from nested lookups, an obfuscation of a lookup.');
  }

  // `name:-default`: StrSubstitutor splits the default off first; unresolvable names use it.
  const dflt = content.indexOf(':-');
  const name = dflt === -1 ? content : content.slice(0, dflt);
  const def = dflt === -1 ? undefined : content.slice(dflt + 2);
  const p = dflt === -1 ? prefix : prefixOf(name);
  const rest = name.slice(name.indexOf(':') + 1);

  if (p === 'lower' || p === 'upper') {
    if (depth === 0 && !obfuscated) report(st, 'jndi.lookup-syntax', 'low', `Log4j "${p}" lookup.`);
    return p === 'lower' ? rest.toLowerCase() : rest.toUpperCase();
  }
  if (p === 'date') {
    if (depth === 0 && !obfuscated) report(st, 'jndi.lookup-syntax', 'low', 'Log4j "date" lookup.');
    return dateLiteral(rest);
  }
  if (SENSITIVE.has(p)) {
    report(st, 'jndi.sensitive-lookup', 'medium', `Log4j "${p}" lookup that reads runtime data into a log line.`);
    if (st.sensitiveKey === undefined && keyShaped(rest)) st.sensitiveKey = p;
    return def;
  }
  if (p === 'script' || p === 'url' || p === 'file' || p === 'dns' || p === 'base64decoder' || p === 'urldecoder') {
    const v = commonsText(p, content.slice(content.indexOf(':') + 1), st);
    if (v !== undefined) return v;
  }
  if (def !== undefined && (p !== '' || name.indexOf(':') !== -1 || name.length === 0 || depth > 0)) {
    // Unknown lookup (`${::-j}`, `${foo:bar:-j}`), or an undefined name inside another lookup
    // (`${${x:-j}ndi:…}`): Log4j finds nothing and uses the default.
    return def;
  }
  return undefined;
}

/**
 * Decoder outputs scanned again per call, nested ones included: at most 8 extra scans of at most
 * 4 KB each, whatever the value holds.
 */
const MAX_DECODES = 8;

/** `s` starts with a token (a charset `UTF-8`, a script engine `javascript`) and a colon. */
function tokenThenColon(s: string): number {
  const n = Math.min(s.length, 33);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) return i > 0 ? i + 1 : -1;
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95 || c === 46)) return -1;
  }
  return -1;
}

/**
 * Commons Text lookups by their argument (`arg` is the text after `prefix:`). Returns the value of a
 * decoder lookup (substituted again by the library), else undefined after reporting.
 */
function commonsText(p: string, arg: string, st: State): string | undefined {
  if (p === 'base64decoder' || p === 'urldecoder') {
    const decoded = p === 'urldecoder' ? percentDecode(arg) : decodeBase64(arg.trim());
    if (decoded === undefined || decoded.indexOf('${') === -1 || st.budget.decodes >= MAX_DECODES) return decoded;
    st.budget.decodes++;
    const inner = scan(decoded, decoded.indexOf('${'), st.budget);
    if (inner !== undefined && inner.confidence === 'high') {
      report(st, inner.rule, 'high', `Commons Text "${p === 'urldecoder' ? 'urlDecoder' : 'base64Decoder'}" lookup whose output is itself a lookup: ${inner.reason}`);
    }
    return decoded;
  }
  const t = tokenThenColon(arg);
  if (p === 'script') {
    // `${script:javascript:…}`: the engine name, then code.
    if (t !== -1 && t < arg.length) report(st, 'jndi.commons-text-lookup', 'high', 'Commons Text "script" lookup that runs code (Text4Shell).');
    return undefined;
  }
  if (p === 'dns') {
    const bar = arg.indexOf('|');
    const kind = bar > 0 && bar <= 16 ? arg.slice(0, bar).trim().toLowerCase() : '';
    if (kind === 'address' || kind === 'name' || kind === 'canonical-name') {
      report(st, 'jndi.commons-text-lookup', 'high', 'Commons Text "dns" lookup that makes the server resolve a name (Text4Shell).');
    }
    return undefined;
  }
  // `url` and `file`: a charset, then a URL (`http:`, `file:`) or a path.
  if (t === -1 || t >= arg.length) return undefined;
  if (p === 'url' ? tokenThenColon(arg.slice(t)) !== -1 : true) {
    report(st, 'jndi.commons-text-lookup', 'high', `Commons Text "${p}" lookup that makes the server ${p === 'url' ? 'fetch a URL' : 'read a file'} (Text4Shell).`);
  }
  return undefined;
}

/**
 * Detects Log4j JNDI lookups, their obfuscations and sensitive lookups. Does not catch its own
 * errors: a bug must reach the engine's wrapper, which logs it once and fails open, instead of
 * silently turning into "no finding".
 */
export function detectJndi(value: string): Detection | undefined {
  // Fast path: every lookup starts with `${` (encoded spellings arrive decoded from the engine).
  // Its `{` first: a one-character search, where the two-character one stopped at every `$` (1 MB
  // of `$($(`: ~2.8 µs/KB to find none). Every `${` has its `{` at `brace` or later.
  const brace = value.indexOf('{');
  if (brace === -1) return undefined;
  const first = value.indexOf('${', brace > 0 ? brace - 1 : 0);
  if (first === -1) return undefined;
  return scan(value, first, { decodes: 0 });
}

/** `budget`: decoder outputs already scanned in this call (a decoded value is scanned again). */
function scan(s: string, first: number, budget: { decodes: number }): Detection | undefined {
  const st: State = { best: undefined, budget, sensitiveKey: undefined };
  const stack: Frame[] = [];
  const n = s.length;
  // Text outside every lookup (blanks and quotes aside): decides whether a data lookup is the whole
  // value. Each top-level stretch is read at most once, and only until text is found.
  let text = hasText(s, 0, first);
  for (let i = first; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 36 /* $ */ && s.charCodeAt(i + 1) === 123 /* { */ && stack.length < MAX_DEPTH) {
      stack.push({ buf: '', overflow: false, nested: false, firstNestedAt: Number.MAX_SAFE_INTEGER });
      i++;
      continue;
    }
    const top = peek(stack);
    if (top === undefined) {
      // Top-level text: only the next `${` matters.
      const next = s.indexOf('${', i);
      if (!text) text = hasText(s, i, next === -1 ? n : next);
      if (next === -1) break;
      i = next - 1;
      continue;
    }
    if (c === 125 /* } */) {
      stack.pop();
      const content = top.buf;
      // An overflowing lookup (over 4 KB) is judged by its name only; its value is not needed.
      const val = top.overflow ? overflowed(content, top, st) : evaluate(content, top, st, stack.length);
      const parent = peek(stack);
      if (parent !== undefined) {
        const text = val ?? '${' + content + '}';
        if (val !== undefined) {
          if (!parent.nested) parent.firstNestedAt = parent.buf.length;
          parent.nested = true;
        }
        append(parent, text);
      } else if (val !== undefined && containsJndi(val)) {
        // A top-level lookup whose value spells a JNDI lookup (`${x:-${jndi:…}` forms), which
        // Log4j substitutes again.
        report(st, 'jndi.obfuscated-lookup', 'high', 'Log4j lookup whose default value is itself a JNDI lookup.');
      }
      if (st.best?.confidence === 'high') return st.best;
      continue;
    }
    append(top, s[i]!);
  }
  if (st.best?.rule === 'jndi.sensitive-lookup' && st.best.confidence === 'medium' && !text && stack.length === 0 && st.sensitiveKey !== undefined) {
    // The value is nothing but data lookups (`${env:AWS_SECRET_ACCESS_KEY}`, `${sys:user.name}`): the
    // exfiltration probe, sent where a vulnerable service logs and echoes it. The same lookup inside
    // other text (a config file, a sentence about Log4j) stays medium.
    const p = st.sensitiveKey;
    st.best = { rule: 'jndi.sensitive-lookup', confidence: 'high', reason: `A value that is only a Log4j "${p}" lookup, which reads runtime data into a log line.` };
  }
  // Unclosed lookups (a truncated value): a JNDI prefix is still the attacker's intent.
  for (const f of stack) {
    if (prefixOf(f.buf) === 'jndi' || (f.nested && containsJndi(f.buf))) {
      report(st, 'jndi.lookup', 'high', 'Unterminated Log4j JNDI lookup "${jndi:…".');
      break;
    }
  }
  return st.best;
}

function overflowed(content: string, frame: Frame, st: State): undefined {
  if (prefixOf(content) === 'jndi') {
    report(st, frame.nested ? 'jndi.obfuscated-lookup' : 'jndi.lookup', 'high', 'Log4j JNDI lookup "${jndi:…}" with an oversized argument.');
  }
  return undefined;
}

function append(f: Frame, text: string): void {
  if (f.overflow) return;
  if (f.buf.length + text.length > MAX_CONTENT) {
    f.buf += text.slice(0, Math.max(0, MAX_CONTENT - f.buf.length));
    f.overflow = true;
    return;
  }
  f.buf += text;
}
