/**
 * Cross-site scripting: does the value, dropped into an HTML page (text, an attribute, a URL attribute,
 * a `<style>` or an inline script string), make the browser run script or load active content?
 *
 * Decided by structure:
 * - tags, split into attributes by the browser-faithful scanner in tokenizers/html.ts: script and
 *   embedding tags, any `on*` event handler, attribute values that are `javascript:`/`vbscript:`/
 *   `data:text/html` URLs (entities, tabs and newlines inside the scheme undone), `<base href>`,
 *   `<meta http-equiv>`, `<link rel=import|stylesheet>`;
 * - attribute breakouts without a tag: a quote that closes the attribute the value landed in, followed
 *   by a new `on*=` attribute (`" onmouseover="…`, `' autofocus onfocus=…`);
 * - script URLs on their own (the value may become an `href`), only when code follows the scheme, so
 *   "JavaScript: The Good Parts" passes;
 * - CSS `expression(` / `behavior:` / `-moz-binding:` after a property colon (comments and escapes
 *   inside the keyword undone);
 * - JavaScript-string breakouts (`';alert(1)//`, `'-alert(1)-'`) and values that are a dialog/eval call;
 * - AngularJS template injection: `{{ … constructor … }}` and friends.
 * Prose with angle brackets (`a < b`, `<3`, `x<y>z`, `<me@x.com>`, `use <b>bold</b>`) is text or a
 * harmless tag: nothing, or `low`.
 *
 * Cost: a charCode prefilter returns at once for strings without any of `< : ( \` { = &` (most ids,
 * names, numbers and plain sentences); the same pass checks, around each of those characters, whether
 * the scan it would trigger can fire at all (a sink name before `(`, a scheme name before `:`, `on…`
 * before `=`), so `Mozilla/5.0 (X11; …` or `https://host/?a=1` scan nothing more. Every later pass is a single linear scan; per-position look-aheads are
 * bounded by small constants, so adversarial input (1 MB of `<`, quotes or `javascript:`) stays linear.
 */
import { isHtmlSpace, scanHtmlTags, type HtmlTag } from '../tokenizers/html';
import type { Confidence, Detection } from '../types';

const RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };

/** Keeps the most confident finding seen so far; the first of equal rank wins. */
class Best {
  hit: Detection | undefined;
  add(rule: string, confidence: Confidence, reason: string): boolean {
    if (this.hit === undefined || RANK[confidence] > RANK[this.hit.confidence]) {
      this.hit = { rule: `xss.${rule}`, reason, confidence };
    }
    return confidence === 'high';
  }
  /** Would a finding of this confidence replace the current one? Lets hot loops skip building reasons. */
  wants(confidence: Confidence): boolean {
    return this.hit === undefined || RANK[confidence] > RANK[this.hit.confidence];
  }
  get high(): boolean {
    return this.hit !== undefined && this.hit.confidence === 'high';
  }
}

/** Tags that run script or load active content whatever their attributes. */
const SCRIPT_TAGS = new Set(['script']);
const EMBED_TAGS = new Set(['iframe', 'frame', 'object', 'embed', 'applet', 'portal', 'layer', 'ilayer', 'vmlframe']);

/** Attributes whose value the browser loads or navigates to (HTML, SVG, SMIL, legacy IE). */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'xlink:href',
  'background',
  'lowsrc',
  'dynsrc',
  'poster',
  'codebase',
  'cite',
  'to',
  'from',
  'by',
  'values',
  'srcset',
  'ping',
  'content',
  'style',
  'code',
  'archive',
  'classid',
]);

/** Attributes that bind data or behaviour into the page (IE data islands, HTC behaviours). */
const ACTIVE_ATTRIBUTES = new Set(['datasrc', 'dataformatas', 'datafld', 'implementation', 'srcdoc', 'ev:handler']);

/**
 * Event handler attribute names, current and legacy (IE, old Firefox), without the `on` prefix. Inside
 * a tag any `on*` attribute is reported; outside a tag (attribute breakout) the name must be known, so
 * "online=1" or "onboarding=true" in a query-like value pass.
 */
const EVENTS = new Set(
  (
    'abort activate afterprint afterscriptexecute afterupdate animationcancel animationend animationiteration ' +
    'animationstart auxclick beforeactivate beforecopy beforecut beforedeactivate beforeeditfocus beforeinput ' +
    'beforepaste beforeprint beforescriptexecute beforetoggle beforeunload beforeupdate begin blur bounce ' +
    'cancel canplay canplaythrough cellchange change click close contextmenu controlselect copy cuechange cut ' +
    'dataavailable datasetchanged datasetcomplete dblclick deactivate drag dragdrop dragend dragenter dragexit ' +
    'dragleave dragover dragstart drop durationchange emptied end ended error errorupdate filterchange finish ' +
    'focus focusin focusout formchange formdata forminput fullscreenchange fullscreenerror gotpointercapture ' +
    'hashchange help input invalid keydown keypress keyup layoutcomplete load loadeddata loadedmetadata loadend ' +
    'loadstart losecapture lostpointercapture message messageerror mousedown mouseenter mouseleave mousemove ' +
    'mouseout mouseover mouseup mousewheel move moveend movestart offline online outofsync pagehide pageshow ' +
    'paste pause play playing pointercancel pointerdown pointerenter pointerleave pointermove pointerout ' +
    'pointerover pointerrawupdate pointerup popstate progress propertychange ratechange readystatechange redo ' +
    'repeat reset resize resizeend resizestart resume reverse rowdelete rowenter rowexit rowinserted rowsdelete ' +
    'rowsinserted scroll scrollend search securitypolicyviolation seek seeked seeking select selectionchange ' +
    'selectstart show slotchange stalled start stop storage submit suspend synchronize timeerror timeupdate ' +
    'toggle touchcancel touchend touchmove touchstart transitioncancel transitionend transitionrun ' +
    'transitionstart undo unhandledrejection unload urlflip visibilitychange volumechange waiting ' +
    'webkitanimationend webkitanimationiteration webkitanimationstart webkitmouseforcechanged ' +
    'webkitmouseforcedown webkitmouseforceup webkitmouseforcewillbegin webkitplaybacktargetavailabilitychanged ' +
    'webkittransitionend wheel zoom'
  ).split(' '),
);

/** `data:` media types a browser renders as a document or runs as script. */
const ACTIVE_DATA_TYPES = new Set([
  'text/html',
  'text/xml',
  'application/xml',
  'application/xhtml+xml',
  'image/svg+xml',
  // `+` decoded to a space by a form decoder, then dropped by the reader.
  'image/svgxml',
  'text/javascript',
  'application/javascript',
  'application/x-javascript',
  'text/ecmascript',
  'application/ecmascript',
  'text/vbscript',
  'application/x-shockwave-flash',
]);

/** Calls that XSS payloads use as a proof or a trampoline. */
const SINKS = new Set(['alert', 'prompt', 'confirm', 'eval', 'setTimeout', 'setInterval', 'execScript']);

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isIdentChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 36;
}
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}
/** `s.indexOf(needle, from)` that looks no further than `limit`: keeps per-position work bounded. */
function indexWithin(s: string, needle: string, from: number, limit: number): number {
  const end = Math.min(s.length, limit);
  if (from >= end) return -1;
  const k = s.slice(from, end).indexOf(needle);
  return k === -1 ? -1 : from + k;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

// ---------------------------------------------------------------------------------------------------
// Obfuscation-aware character reader for URL schemes: HTML entities decoded, and tab/LF/CR (which the
// URL parser strips anywhere) skipped. Bounded: at most `SCHEME_BUDGET` raw characters per attempt.
// ---------------------------------------------------------------------------------------------------

const SCHEME_BUDGET = 96;

/** The few named entities that matter inside a scheme (lower case, with their `;`). */
const SCHEME_ENTITIES: readonly [string, number][] = [
  ['tab;', 9],
  ['newline;', 10],
  ['colon;', 58],
];

/** Decodes an entity at `p` (which holds `&`). Returns [codePoint, nextIndex] or undefined. */
function entityAt(s: string, p: number): [number, number] | undefined {
  if (s.charCodeAt(p + 1) === 35 /* # */) {
    let j = p + 2;
    const hex = (s.charCodeAt(j) | 0x20) === 120;
    if (hex) j++;
    const start = j;
    let cp = 0;
    // Leading zeros are free (`&#x0000006a;`); the digit count is capped so the attempt stays bounded.
    while (j < s.length && j - start < 12) {
      const d = hex ? hexVal(s.charCodeAt(j)) : s.charCodeAt(j) - 48;
      if (d < 0 || d > (hex ? 15 : 9)) break;
      cp = cp * (hex ? 16 : 10) + d;
      j++;
    }
    if (j === start) return undefined;
    if (s.charCodeAt(j) === 59) j++;
    return [cp, j];
  }
  for (const [name, cp] of SCHEME_ENTITIES) {
    let k = 0;
    while (k < name.length && lower(s.charCodeAt(p + 1 + k)) === name.charCodeAt(k)) k++;
    if (k === name.length) return [cp, p + 1 + k];
  }
  return undefined;
}

interface Reader {
  c: number;
  next: number;
}

/**
 * Next meaningful lower-cased code unit at or after `p`, skipping tab/LF/CR (raw or as entities), and
 * HTML comments / CDATA seams (`javas<!-- -->cript:`) that older parsers dropped. With `loose`, also
 * NUL, spaces and NBSP, which legacy browsers ignored inside a scheme; the caller then demands code
 * after the colon.
 */
function readSchemeChar(s: string, p: number, limit: number, out: Reader, loose = false): boolean {
  while (p < limit) {
    let c = s.charCodeAt(p);
    let next = p + 1;
    if (c === 38 /* & */) {
      const e = entityAt(s, p);
      if (e !== undefined) {
        c = e[0];
        next = e[1];
      }
    } else if (c === 60 /* < */ && s.startsWith('<!--', p)) {
      const close = indexWithin(s, '-->', p + 4, limit);
      if (close === -1) return false;
      p = close + 3;
      continue;
    } else if (c === 60 /* < */ && s.charCodeAt(p + 1) === 33 && s.slice(p, p + 9).toUpperCase() === '<![CDATA[') {
      p += 9;
      continue;
    } else if (c === 93 /* ] */ && s.startsWith(']]>', p)) {
      p += 3;
      if (s.startsWith('<![', p)) {
        const open = indexWithin(s, '[', p + 3, limit);
        if (open === -1) return false;
        p = open + 1;
      }
      continue;
    }
    if (c === 9 || c === 10 || c === 13 || (loose && (c < 32 || c === 32 || c === 0xa0))) {
      p = next;
      continue;
    }
    out.c = lower(c);
    out.next = next;
    return true;
  }
  return false;
}

type SchemeKind = 'javascript' | 'vbscript' | 'livescript' | 'mocha' | 'data';

const SCHEMES: SchemeKind[] = ['javascript', 'vbscript', 'livescript', 'mocha', 'data'];

/**
 * Matches a script-capable scheme (with its `:`) starting at `p`; leading C0 controls and spaces are
 * skipped when `leading` (URL parsers strip them). Returns the scheme and the index after the colon.
 */
function schemeAt(s: string, p: number, leading: boolean, loose = false): { kind: SchemeKind; after: number } | undefined {
  const limit = Math.min(s.length, p + SCHEME_BUDGET);
  const r: Reader = { c: 0, next: 0 };
  if (leading) {
    while (readSchemeChar(s, p, limit, r) && (r.c <= 32 || r.c === 0xa0)) p = r.next;
  }
  if (!readSchemeChar(s, p, limit, r)) return undefined;
  const first = r.c;
  for (const kind of SCHEMES) {
    if (kind.charCodeAt(0) !== first) continue;
    let q = r.next;
    let k = 1;
    const t: Reader = { c: 0, next: 0 };
    while (k < kind.length && readSchemeChar(s, q, limit, t, loose) && t.c === kind.charCodeAt(k)) {
      q = t.next;
      k++;
    }
    if (k < kind.length) continue;
    if (!readSchemeChar(s, q, limit, t, loose) || t.c !== 58 /* : */) continue;
    return { kind, after: t.next };
  }
  return undefined;
}

/** For `data:`: is the media type one a browser renders as a document or runs? */
function activeDataType(s: string, p: number): boolean {
  const limit = Math.min(s.length, p + 64);
  let t = '';
  const r: Reader = { c: 0, next: 0 };
  while (readSchemeChar(s, p, limit, r)) {
    if (r.c === 44 /* , */ || r.c === 59 /* ; */) break;
    if (r.c > 32) t += String.fromCharCode(r.c);
    p = r.next;
  }
  return ACTIVE_DATA_TYPES.has(t);
}

/**
 * After `javascript:`: does code follow? A punctuation start (`/`, `(`, quote, backslash, `%`…) or an
 * identifier chain (`a.b.c`) directly followed by `(`, a backtick, `=` or `[`. Prose ("JavaScript:
 * The Good Parts") has a word and a space.
 */
function codeFollows(s: string, p: number): boolean {
  const n = s.length;
  while (p < n && (s.charCodeAt(p) <= 32 || s.charCodeAt(p) === 0xa0)) p++;
  if (p >= n) return false;
  const c = s.charCodeAt(p);
  if (!isIdentChar(c)) {
    // `javascript:` then a closing quote or `>` (`c="javascript:";`) is a URL being assembled.
    return c !== 44 /* , */ && c !== 46 /* . */ && c !== 33 /* ! */ && c !== 63 /* ? */;
  }
  let q = p;
  while (q < n && q - p < 64 && (isIdentChar(s.charCodeAt(q)) || s.charCodeAt(q) === 46)) q++;
  const d = s.charCodeAt(q);
  if (d === 40 || d === 96 || d === 61 || d === 91) return true;
  // `javascript:alert&#40;1)` keeps its parenthesis behind an entity.
  if (d === 38) {
    const e = entityAt(s, q);
    return e !== undefined && (e[0] === 40 || e[0] === 96);
  }
  return false;
}

function schemeReason(kind: SchemeKind): string {
  return kind === 'data' ? 'A data: URL with an HTML, SVG or script media type.' : `A ${kind}: URL that runs script.`;
}

// ---------------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------------

function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** A plausible element name: letters, digits, `-`, `:`; emails and arrows are not. */
function elementLike(name: string): boolean {
  if (name.length === 0 || name.length > 32) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!(isAlnum(c) || c === 45 || c === 58)) return false;
  }
  return true;
}

function checkTag(tag: HtmlTag, input: string, best: Best): boolean {
  const name = localName(tag.name);
  if (tag.closing) {
    if (name === 'script') {
      // Code before `</script>` is a statement finished inside an inline script, then the breakout.
      let code = false;
      for (let k = Math.max(0, tag.start - 256); k < tag.start; k++) {
        const c = input.charCodeAt(k);
        if (c === 40 || c === 59 || c === 61) code = true;
      }
      if (code) return best.add('context-breakout', 'high', 'Script code followed by </script>, which ends an inline script.');
    }
    if (name === 'script' || name === 'style' || name === 'title' || name === 'textarea') {
      return best.add('context-breakout', 'medium', `A closing </${name}> tag that ends the surrounding context.`);
    }
    return false;
  }
  if (SCRIPT_TAGS.has(name)) return best.add('script-tag', 'high', 'A <script> tag.');
  if (EMBED_TAGS.has(name)) return best.add('embed-tag', 'high', `An <${name}> tag that loads active content.`);
  let hasHref = false;
  let hasSrc = false;
  let rel = '';
  let httpEquiv = false;
  for (const a of tag.attributes) {
    const an = a.name;
    if (an.length > 2 && an.charCodeAt(0) === 111 && an.charCodeAt(1) === 110 /* on */) {
      // `onload!#$%…` in a fuzzed tag: the leading letters still name the event.
      let e = 2;
      while (e < an.length && an.charCodeAt(e) >= 97 && an.charCodeAt(e) <= 122) e++;
      if (a.hasValue || EVENTS.has(an.slice(2, e))) {
        return best.add('event-handler', 'high', `An ${an.length <= 24 ? an : 'on…'} event handler attribute in a tag.`);
      }
      best.add('event-handler', 'medium', 'An on* attribute without a value in a tag.');
    }
    if (a.hasValue && a.value.length > 0) {
      const v = a.value;
      const strict = schemeAt(v, 0, true);
      const sch = strict ?? schemeAt(v, 0, true, true);
      if (sch !== undefined && (sch.kind !== 'data' || activeDataType(v, sch.after))) {
        // In a URL attribute the scheme alone runs; elsewhere (alt, title, a disguised scheme with
        // spaces or NULs) code must follow, so `alt="JavaScript: The Good Parts"` passes.
        if ((strict !== undefined && (URL_ATTRIBUTES.has(an) || sch.kind === 'data')) || codeFollows(v, sch.after)) {
          return best.add('script-url', 'high', `${schemeReason(sch.kind)} in the ${an.length <= 16 ? an : ''} attribute.`);
        }
      }
      // Netscape JavaScript entities: `&{alert(1)};`.
      const amp = v.indexOf('&{');
      if (amp !== -1 && v.indexOf('}', amp) !== -1) {
        return best.add('script-url', 'high', 'A JavaScript entity &{…} in an attribute value.');
      }
      // SMIL `<set attributeName="onmouseover" to="…">` writes an event handler.
      if (an === 'attributename' && (v.charCodeAt(0) | 0x20) === 111 && (v.charCodeAt(1) | 0x20) === 110) {
        return best.add('event-handler', 'high', 'An SVG animation that sets an event handler attribute.');
      }
      if (an === 'style' && cssExpressionAnywhere(v)) {
        return best.add('css-expression', 'high', 'A CSS expression( in a style attribute.');
      }
    }
    if (ACTIVE_ATTRIBUTES.has(an)) return best.add('active-attribute', 'high', `A ${an} attribute that binds content or behaviour.`);
    if (an === 'src') hasSrc = true;
    if (an === 'href' || an === 'xlink:href') hasHref = true;
    else if (an === 'rel') rel = a.value.toLowerCase();
    else if (an === 'http-equiv' || an === 'charset') httpEquiv = true;
  }
  if (name === 'base' && hasHref) return best.add('base-href', 'high', 'A <base href> that re-roots every relative URL.');
  if (name === 'meta' && httpEquiv) return best.add('meta-refresh', 'high', 'A <meta http-equiv> or <meta charset> tag.');
  if (name === 'style') return best.add('style-tag', 'high', 'A <style> tag (CSS injection).');
  // An IE data island loading a document (`<xml src=…>`); a plain `<xml>` root (WeChat bodies) passes.
  if (name === 'xml' && hasSrc) return best.add('embed-tag', 'high', 'An <xml src> data island that loads a document.');
  if (name === 'include' && hasHref) return best.add('embed-tag', 'high', 'An XInclude element that loads a document.');
  if (name === 'link' && hasHref) {
    if (rel.includes('import') || rel.includes('stylesheet')) {
      return best.add('link-import', 'high', 'A <link> that imports a document or stylesheet.');
    }
    return best.add('html-tag', 'medium', 'A <link> tag with an href.');
  }
  if (name === 'svg' || name === 'math' || name === 'form' || name === 'isindex' || name === 'import') {
    return best.add('html-tag', 'medium', `An <${name}> tag.`);
  }
  // A quote and `>` right before the tag closed an attribute first: `"><img …>`.
  const b1 = input.charCodeAt(tag.start - 1);
  const b2 = input.charCodeAt(tag.start - 2);
  if (b1 === 62 && isQuote(b2)) return best.add('tag-breakout', 'medium', 'A quote and > that close an attribute, then a tag.');
  if (elementLike(tag.name)) best.add('html-tag', 'low', 'An HTML tag.');
  return false;
}

/**
 * `<script`, `<iframe`… anywhere, even where the tag scanner saw an attribute value or a comment:
 * `<img src="x` `<script>…` and `<t:set to="<SCRIPT>…">` rely on another parser's view of the quotes.
 */
function scanDangerousTagNames(s: string, best: Best): boolean {
  let i = s.indexOf('<');
  while (i !== -1) {
    let j = i + 1;
    // IE processing instructions that bind behaviours or stylesheets, and server-side includes.
    const pi = s.charCodeAt(j);
    if (pi === 63 /* ? */ || pi === 33 /* ! */) {
      const head = s.slice(j, j + 16).toLowerCase();
      if (head.startsWith('?import') || head.startsWith('?xml-stylesheet') || head.startsWith('?xml:namespace')) {
        return best.add('embed-tag', 'high', 'An XML processing instruction that imports behaviour or a stylesheet.');
      }
      if (head.startsWith('!--#exec') || head.startsWith('!--#include')) {
        return best.add('server-include', 'high', 'A server-side include directive.');
      }
    }
    let k = j;
    while (k < s.length && k - j < 24) {
      const c = s.charCodeAt(k);
      if (!(isAlnum(c) || c === 58 || c === 45 || c === 95)) break;
      k++;
    }
    if (k > j) {
      const end = s.charCodeAt(k);
      if (k >= s.length || isHtmlSpace(end) || end === 47 || end === 62 || end === 0 || end === 60) {
        const name = localName(s.slice(j, k).toLowerCase());
        if (SCRIPT_TAGS.has(name)) return best.add('script-tag', 'high', 'A <script> tag.');
        if (EMBED_TAGS.has(name)) return best.add('embed-tag', 'high', `An <${name}> tag that loads active content.`);
      }
    }
    i = s.indexOf('<', i + 1);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Outside tags: schemes, event-handler breakouts, CSS, JavaScript strings, templates
// ---------------------------------------------------------------------------------------------------

/**
 * Script URLs outside a tag: `high` at the start of the value or after punctuation (`=`, a quote, `(`,
 * `:`), `medium` after a space in the middle of text; in both cases only when code follows.
 */
function scanSchemes(s: string, best: Best): boolean {
  const n = s.length;
  // Where the value starts, ignoring the quotes and spaces an attacker may lead with.
  let start = 0;
  while (start < n) {
    const c = s.charCodeAt(start);
    if (c <= 32 || isQuote(c)) start++;
    else break;
  }
  for (let i = 0; i < n; i++) {
    const c = lower(s.charCodeAt(i));
    // Candidate starts: the first letter of a scheme (j v l m d) or `&#` of an encoded one; the next
    // raw character must be the scheme's second letter or something the reader skips.
    let second: number;
    if (c === 106 || c === 100) second = 97; // javascript, data: `a`
    else if (c === 118) second = 98; // vbscript: `b`
    else if (c === 108) second = 105; // livescript: `i`
    else if (c === 109) second = 111; // mocha: `o`
    else if (c === 38) second = -1;
    else continue;
    const nx = s.charCodeAt(i + 1);
    if (second === -1 ? nx !== 35 : lower(nx) !== second && nx !== 9 && nx !== 10 && nx !== 13 && nx !== 38 && nx !== 60 && nx !== 93) continue;
    const prev = i === 0 ? 32 : s.charCodeAt(i - 1);
    if (isAlnum(prev) || prev === 95 || prev === 45 || prev === 46 || prev === 47) continue;
    const m = schemeAt(s, i, false);
    if (m === undefined) continue;
    if (m.kind === 'data') {
      if (activeDataType(s, m.after)) {
        const at = i <= start || prev === 61 || prev === 40 || isQuote(prev) || prev === 58;
        if (best.add('script-url', at ? 'high' : 'medium', schemeReason('data'))) return true;
      }
      continue;
    }
    if (!codeFollows(s, m.after)) {
      if (best.wants('low')) best.add('script-url', 'low', `A ${m.kind}: scheme without code after it.`);
      i = m.after - 1;
      continue;
    }
    // Mid-text after a space ("try javascript:alert(1) in the console") is only medium; after any
    // punctuation (`=`, a quote, `(`, `:`, `>`, `?`, `;` of an entity) it is a URL being placed.
    const anchored = i <= start || !(prev <= 32 || prev === 0xa0);
    if (best.add('script-url', anchored ? 'high' : 'medium', schemeReason(m.kind))) return true;
    i = m.after - 1;
  }
  return false;
}

/** A call (`f(`, or a tagged template `` f`…` ``) in the first word of a handler value. */
function callsSoon(s: string, p: number): boolean {
  for (let k = p; k < s.length && k - p < 64; k++) {
    const c = s.charCodeAt(k);
    if (c === 40) return true;
    if (c === 96) return k > p && isIdentChar(s.charCodeAt(k - 1));
    if (c <= 32 || c === 62) return false;
  }
  return false;
}

/** An earlier `"` or `'` followed by a space or `/` and an attribute: the value already left a quote. */
function breakoutBefore(s: string, p: number): boolean {
  for (let k = Math.max(0, p - 256); k < p; k++) {
    const c = s.charCodeAt(k);
    if ((c === 34 || c === 39) && (s.charCodeAt(k + 1) === 32 || s.charCodeAt(k + 1) === 47 || s.charCodeAt(k + 1) === 62)) return true;
  }
  return false;
}

/**
 * `on<event>=` where an attribute could start (start of value, whitespace, quote, `/`, `;`, `(`): the
 * value was placed in an attribute or tag and adds a handler. Inside a real tag checkTag already
 * decided; this catches the breakouts (`" onfocus="…`, `' autofocus onfocus=…`).
 */
function scanEventAttributes(s: string, best: Best): boolean {
  const n = s.length;
  for (let i = 0; i + 2 < n; i++) {
    if ((s.charCodeAt(i) | 0x20) !== 111 || (s.charCodeAt(i + 1) | 0x20) !== 110) continue;
    const prev = i === 0 ? 32 : s.charCodeAt(i - 1);
    if (isAlnum(prev) || prev === 95 || prev === 45 || prev === 46 || prev === 36) continue;
    let j = i + 2;
    while (j < n && j - i < 48 && ((s.charCodeAt(j) | 0x20) >= 97 && (s.charCodeAt(j) | 0x20) <= 122)) j++;
    if (j - i < 4) continue;
    let k = j;
    while (k < n && k - j < 16 && (isHtmlSpace(s.charCodeAt(k)) || s.charCodeAt(k) === 11 || s.charCodeAt(k) === 0)) k++;
    if (s.charCodeAt(k) !== 61 /* = */) {
      i = j - 1;
      continue;
    }
    const ev = s.slice(i + 2, j).toLowerCase();
    // What the handler would run: skip spaces and an opening quote.
    let v = k + 1;
    while (v < n && v - k < 16 && (s.charCodeAt(v) <= 32 || isQuote(s.charCodeAt(v)))) v++;
    const hasCode = v < n && s.charCodeAt(v) !== 62 && s.charCodeAt(v) !== 38;
    // A `"` or `'` (or `/`) right before closes the attribute the value sat in; a backtick is a
    // markdown code span ("use `onClick={fn}`") more often than an IE attribute quote.
    const quoted = prev === 34 || prev === 39 || prev === 47;
    let lead = i - 1;
    while (lead >= 0 && s.charCodeAt(lead) <= 32) lead--;
    if (EVENTS.has(ev)) {
      // At the very start of the value (`  onload= `) or after a quote it can only be an attribute
      // being injected. Mid-text after a space (`x onmouseover=alert(1)`, an unquoted attribute) it
      // must also call something or follow an earlier attribute breakout: "use onClick={handler}" in a
      // code review passes as medium.
      const strong = quoted || lead < 0 || (hasCode && (callsSoon(s, v) || breakoutBefore(s, i)));
      if (strong) {
        if (best.add('event-handler', 'high', `An on${ev.length <= 16 ? ev : '…'}= event handler attribute.`)) return true;
      } else if (best.wants('medium')) {
        best.add('event-handler', 'medium', 'An event handler attribute name with an empty value.');
      }
    } else if (quoted && hasCode) {
      if (best.add('event-handler', 'high', 'A quote that closes an attribute, then an on*= handler.')) return true;
    } else if (best.wants('low')) {
      best.add('event-handler', 'low', 'An on*= attribute-like token.');
    }
    i = k;
  }
  return false;
}

// CSS: `expression(`, `behavior:`, `-moz-binding:`, with comments, backslash escapes and entities
// inside the keyword undone. Bounded per attempt.

const CSS_BUDGET = 160;

/** Next CSS code unit at `p`, lower-cased, skipping `/* … *\/` and decoding `\65 ` and entities. */
function readCssChar(s: string, p: number, limit: number, out: Reader): boolean {
  while (p < limit) {
    let c = s.charCodeAt(p);
    if (c === 47 /* / */ && s.charCodeAt(p + 1) === 42 /* * */) {
      const close = indexWithin(s, '*/', p + 2, limit);
      if (close === -1) return false;
      p = close + 2;
      continue;
    }
    if (c === 38 /* & */) {
      const e = entityAt(s, p);
      if (e !== undefined) {
        // An entity can itself spell a comment opener: `&#x2F;*`.
        if (e[0] === 47 && s.charCodeAt(e[1]) === 42) {
          const close = indexWithin(s, '*/', e[1] + 1, limit);
          if (close === -1) return false;
          p = close + 2;
          continue;
        }
        out.c = lower(e[0]);
        out.next = e[1];
        return true;
      }
    }
    if (c === 92 /* \ */) {
      let j = p + 1;
      let v = 0;
      while (j < limit && j - p <= 6 && hexVal(s.charCodeAt(j)) >= 0) v = v * 16 + hexVal(s.charCodeAt(j++));
      if (j > p + 1) {
        if (j < limit && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
        out.c = lower(v);
        out.next = j;
        return true;
      }
      if (p + 1 < limit) {
        c = s.charCodeAt(p + 1);
        if (c === 10 || c === 13) {
          p += 2;
          continue;
        }
        out.c = lower(c);
        out.next = p + 2;
        return true;
      }
      return false;
    }
    out.c = lower(c);
    out.next = p + 1;
    return true;
  }
  return false;
}

function cssWordAt(s: string, p: number, word: string, limit: number): number {
  const r: Reader = { c: 0, next: 0 };
  for (let k = 0; k < word.length; k++) {
    if (!readCssChar(s, p, limit, r) || r.c !== word.charCodeAt(k)) return -1;
    p = r.next;
  }
  return p;
}

/** `expression(` at a keyword start, comments and escapes inside it undone; returns the index after `(`. */
function cssExpressionAt(s: string, p: number): number {
  const limit = Math.min(s.length, p + CSS_BUDGET);
  const e = cssWordAt(s, p, 'expression', limit);
  if (e === -1) return -1;
  const r: Reader = { c: 0, next: 0 };
  let q = e;
  while (readCssChar(s, q, limit, r) && r.c <= 32) q = r.next;
  return readCssChar(s, q, limit, r) && r.c === 40 ? r.next : -1;
}

/** Inside a style attribute any `expression(` runs (IE skipped junk before it: `xexpression(`). */
function cssExpressionAnywhere(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i) | 0x20;
    // e, E, `\\` (0x5c | 0x20) and `&` can start the keyword.
    if ((c === 101 || c === 0x7c || c === 38) && cssExpressionAt(v, i) !== -1) return true;
  }
  return false;
}

const BINDING_PROPERTIES = ['behavior', 'behaviour', 'binding', '-moz-binding'];

function scanCss(s: string, best: Best): boolean {
  let i = s.indexOf(':');
  while (i !== -1) {
    const limit = Math.min(s.length, i + CSS_BUDGET);
    let p = i + 1;
    const r: Reader = { c: 0, next: 0 };
    // Skip whitespace and comments after the colon. An unterminated comment or a long run of
    // blanks is not re-read from the colons inside it: the next colon searched is past it.
    let ok = false;
    while ((ok = readCssChar(s, p, limit, r)) && r.c <= 32) p = r.next;
    if (!ok) {
      i = s.indexOf(':', Math.max(i + 1, limit));
      continue;
    }
    if (cssExpressionAt(s, p) !== -1) {
      return best.add('css-expression', 'high', 'A CSS expression( that runs script (legacy IE).');
    }
    // `behavior:url(…)` / `-moz-binding:url(…)`: the property name sits before the colon.
    if (!isAlnum(s.charCodeAt(i - 1)) && s.charCodeAt(i - 1) !== 32) {
      i = s.indexOf(':', i + 1);
      continue;
    }
    const before = s.slice(Math.max(0, i - 16), i).toLowerCase();
    let b = before.length;
    while (b > 0 && before.charCodeAt(b - 1) <= 32) b--;
    const prop = before.slice(0, b);
    if (BINDING_PROPERTIES.some((name) => prop.endsWith(name)) && cssWordAt(s, p, 'url', limit) !== -1) {
      return best.add('css-binding', 'high', 'A CSS behavior/binding URL that loads script.');
    }
    i = s.indexOf(':', i + 1);
  }
  return false;
}

/**
 * JavaScript-string breakouts and sink calls: an identifier chain ending in alert/prompt/confirm/eval/…
 * called with `(` or a backtick, and what precedes it: the start of the value, `;` `}` `)`, or a quote
 * followed by an operator (`';alert(1)//`, `'-alert(1)-'`).
 */
function scanJsSinks(s: string, best: Best): boolean {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (!(isIdentChar(c) && !(c >= 48 && c <= 57))) {
      i++;
      continue;
    }
    const chainStart = i;
    let lastStart = i;
    let j = i;
    // identifier ( . identifier )*
    for (;;) {
      while (j < n && isIdentChar(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) === 46 && j + 1 < n && isIdentChar(s.charCodeAt(j + 1))) {
        j++;
        lastStart = j;
        continue;
      }
      break;
    }
    // Only slice identifiers that could be a sink (length 4–11, starting with a, p, c, e or s).
    const len = j - lastStart;
    const f0 = s.charCodeAt(lastStart);
    const maybe = len >= 4 && len <= 11 && (f0 === 97 || f0 === 112 || f0 === 99 || f0 === 101 || f0 === 115);
    const ident = maybe ? s.slice(lastStart, j) : '';
    if (maybe && SINKS.has(ident)) {
      let k = j;
      while (k < n && k - j < 8 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
      const call = s.charCodeAt(k);
      // `alert(s)` in prose ("check the alert(s) page") is not a call.
      const prose = call === 40 && (s.charCodeAt(k + 1) | 0x20) === 115 && s.charCodeAt(k + 2) === 41;
      // A sink passed as a callback: `[1].find(alert)`, `setTimeout(alert)`.
      const prevC = s.charCodeAt(chainStart - 1);
      if (chainStart === lastStart && prevC === 40 && call === 41 && isIdentChar(s.charCodeAt(chainStart - 2))) {
        if (best.add('js-breakout', 'high', `A call that receives ${ident} as a callback.`)) return true;
      }
      if ((call === 40 || call === 96) && !prose) {
        const ctx = sinkContext(s, chainStart);
        if (ctx === 'start' || ctx === 'breakout') {
          const why = ctx === 'start' ? 'A value that is a call to' : 'A string or statement breakout into a call to';
          if (best.add('js-breakout', 'high', `${why} ${ident}().`)) return true;
        } else if (ctx === 'expression') {
          if (best.wants('medium')) best.add('js-breakout', 'medium', `A call to ${ident}() inside an expression.`);
        } else if (best.wants('low')) {
          best.add('js-breakout', 'low', `A call to ${ident}().`);
        }
      }
    }
    i = j + 1;
  }
  return false;
}

/** Looks left of a sink call, skipping whitespace and `/* … *\/` comments (bounded). */
function sinkContext(s: string, p: number): 'start' | 'breakout' | 'expression' | 'other' {
  let q = p - 1;
  let steps = 0;
  const skip = (): void => {
    while (q >= 0 && steps++ < 64) {
      const c = s.charCodeAt(q);
      if (c <= 32) {
        q--;
        continue;
      }
      if (c === 47 && s.charCodeAt(q - 1) === 42) {
        // Bounded backward search for the comment opener.
        let open = q - 2;
        while (open > 0 && q - open < 64 && !(s.charCodeAt(open - 1) === 47 && s.charCodeAt(open) === 42)) open--;
        if (open <= 0 || q - open >= 64) return;
        q = open - 2;
        continue;
      }
      return;
    }
  };
  skip();
  if (q < 0) return 'start';
  const c = s.charCodeAt(q);
  // Quotes and spaces an attacker leads with still count as the start: `"alert(1)`, `'prompt()`.
  if (isQuote(c) || c === 92) {
    let r = q;
    while (r >= 0 && (isQuote(s.charCodeAt(r)) || s.charCodeAt(r) === 92 || s.charCodeAt(r) <= 32)) r--;
    if (r < 0) return 'start';
  }
  if (c === 59 /* ; */ || c === 125 /* } */ || c === 62 /* > */) return 'breakout';
  if (c === 43 || c === 45 || c === 42 || c === 124 || c === 38 || c === 94 || c === 44 || c === 37 || c === 126 || c === 33 || c === 63 || c === 58) {
    // An operator: a breakout when a quote (or `)`) sits right before it.
    q--;
    skip();
    const d = s.charCodeAt(q);
    if (q >= 0 && (isQuote(d) || d === 41 || d === 92)) return 'breakout';
    return 'expression';
  }
  if (c === 40 || c === 61 || c === 91 || c === 123) return 'expression';
  return 'other';
}

const GLOBALS = new Set(['window', 'self', 'top', 'parent', 'frames', 'globalThis', 'content']);

/**
 * Property calls that hide the function name: `top['al\145rt'](1)`, `self[/al/.source+'ert'](1)`,
 * and template-literal trampolines `` [].sort.call`${alert}` ``.
 */
function scanJsIndirect(s: string, best: Best): boolean {
  const n = s.length;
  for (let b = s.indexOf('['); b !== -1; b = s.indexOf('[', b + 1)) {
    let a = b;
    while (a > 0 && b - a < 12 && isIdentChar(s.charCodeAt(a - 1))) a--;
    if (a === b || (a > 0 && (isIdentChar(s.charCodeAt(a - 1)) || s.charCodeAt(a - 1) === 46))) continue;
    if (!GLOBALS.has(s.slice(a, b))) continue;
    // The bracket's content builds a name (a string, a regex source, a concatenation), then `](`.
    let built = false;
    for (let k = b + 1; k < n && k - b < 96; k++) {
      const c = s.charCodeAt(k);
      if (isQuote(c) || c === 47 || c === 43) built = true;
      if (c === 93 /* ] */) {
        let m = k + 1;
        while (m < n && m - k < 8 && s.charCodeAt(m) === 91) {
          // Chained `["$"]["globalEval"]`: skip to the last bracket.
          const close = indexWithin(s, ']', m, m + 96);
          if (close === -1) break;
          m = close + 1;
        }
        if (built && (s.charCodeAt(m) === 40 || s.charCodeAt(m) === 96)) {
          return best.add('js-breakout', 'high', 'A computed call on the global object that hides the function name.');
        }
        break;
      }
    }
  }
  for (let d = s.indexOf('${'); d !== -1; d = s.indexOf('${', d + 2)) {
    let k = d + 2;
    while (k < n && k - d < 16 && s.charCodeAt(k) <= 32) k++;
    let e = k;
    while (e < n && e - k < 16 && isIdentChar(s.charCodeAt(e))) e++;
    let c = e;
    while (c < n && c - e < 16 && s.charCodeAt(c) <= 32) c++;
    if (s.charCodeAt(c) === 125 && SINKS.has(s.slice(k, e))) {
      return best.add('js-breakout', 'high', 'A template literal that passes a sink function as a value.');
    }
  }
  return false;
}

/** Netscape JavaScript entities outside an attribute: `&{document.cookie=true;};`. */
function scanJsEntities(s: string, best: Best): boolean {
  for (let d = s.indexOf('&{'); d !== -1; d = s.indexOf('&{', d + 2)) {
    const close = indexWithin(s, '}', d + 2, d + 256);
    if (close === -1) continue;
    for (let k = d + 2; k < close; k++) {
      const c = s.charCodeAt(k);
      if (c === 40 || c === 61) return best.add('js-breakout', 'high', 'A JavaScript entity &{…} with code inside.');
    }
  }
  return false;
}

/** AngularJS (and other client-side template) expressions that reach the Function constructor. */
function scanTemplates(s: string, best: Best): boolean {
  let i = s.indexOf('{{');
  while (i !== -1) {
    const close = s.indexOf('}}', i + 2);
    const end = close === -1 ? s.length : close;
    const inner = s.slice(i + 2, Math.min(end, i + 2 + 4096));
    if (inner.includes('constructor') || inner.includes('$eval') || inner.includes('__proto__') || inner.includes('$parse')) {
      return best.add('template-injection', 'high', 'A client-side template expression that reaches the Function constructor.');
    }
    let call = false;
    for (let k = 0; k < inner.length; k++) if (inner.charCodeAt(k) === 40) call = true;
    if (call) best.add('template-injection', 'medium', 'A client-side template expression with a call.');
    if (close === -1) break;
    i = s.indexOf('{{', close + 2);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------

const F_LT = 1;
const F_COLON = 4;
const F_PAREN = 8;
const F_BRACE = 16;
const F_EQ = 32;
const F_AMP = 64;
const F_FULLWIDTH_LT = 128;
const F_BACKTICK = 256;

// Which outside-tag scans can fire at all. Each is a necessary condition for any finding (of any
// confidence) of its scan, checked with a few character loads at the character that triggers it, so
// values with `(`, `:` or `=` in ordinary roles (`Mozilla/5.0 (X11; …`, `https://host/p?x=1`,
// `Root=1-…`, `09:30:00`) skip the scans instead of running them to find nothing.
/** scanSchemes: a scheme name before a `:`, or characters the scheme reader skips or decodes. */
const N_SCHEME = 1;
/** scanEventAttributes: `on` + letters (+ spaces) before a `=`. */
const N_EVENT = 2;
/** scanCss: `e`/`u` after a `:` (expression, url), or CSS escapes, entities, comments. */
const N_CSS = 4;
/** scanJsSinks: a sink name before a `(` or backtick, or right after a `(` (callback). */
const N_SINK = 8;
/** scanJsIndirect: a `[` or a `${`. */
const N_INDIRECT = 16;
/** scanTemplates: `{{`. */
const N_TPL = 32;
/** scanJsEntities: `&{`. */
const N_JSENT = 64;
const N_ALL = 127;

/** Characters the pre-pass looks at (the rest cost one table load): their F_* bit, or 512. */
const XCHAR = new Uint16Array(128);
(() => {
  XCHAR[60] = F_LT;
  XCHAR[96] = F_BACKTICK;
  XCHAR[58] = F_COLON;
  XCHAR[40] = F_PAREN;
  XCHAR[123] = F_BRACE;
  XCHAR[61] = F_EQ;
  XCHAR[38] = F_AMP;
  for (const ch of '[$\\]/+\t\n\r') XCHAR[ch.charCodeAt(0)] = 512;
})();

const SCHEME_NAMES = ['javascript', 'vbscript', 'livescript', 'mocha', 'data'];
const SINK_NAMES = [...SINKS];

/** A script scheme name (any case) ends at `end` (the index of a `:`). */
function schemeNameBefore(s: string, end: number): boolean {
  for (const name of SCHEME_NAMES) {
    const a = end - name.length;
    if (a < 0) continue;
    let k = 0;
    while (k < name.length && lower(s.charCodeAt(a + k)) === name.charCodeAt(k)) k++;
    if (k === name.length) return true;
  }
  return false;
}

/** A sink name ends at `end`, after skipping up to 8 blanks back from it (scanJsSinks' call site). */
function sinkBefore(s: string, end: number): boolean {
  let e = end;
  while (e > 0 && end - e < 8 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
  const last = s.charCodeAt(e - 1);
  // Every sink name ends in `t`, `m` or `l`.
  if (last !== 116 && last !== 109 && last !== 108) return false;
  for (const name of SINK_NAMES) if (e >= name.length && s.startsWith(name, e - name.length)) return true;
  return false;
}

/** The code before a call character can end a sink name (`t`, `m`, `l`) or be a blank before one. */
function mayEndSink(c: number): boolean {
  return c === 116 || c === 109 || c === 108 || c === 32 || c === 9;
}

/** A sink name starts at `p` (a callback: `find(alert)`). */
function sinkAt(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  // Every sink name starts with `a`, `p`, `c`, `e` or `s`.
  if (c !== 97 && c !== 112 && c !== 99 && c !== 101 && c !== 115) return false;
  for (const name of SINK_NAMES) if (s.startsWith(name, p)) return true;
  return false;
}

/** `on` + at least two letters, then up to 16 spaces, end at `eq` (the index of a `=`). */
function eventBefore(s: string, eq: number): boolean {
  let k = eq;
  while (k > 0 && eq - k < 16) {
    const c = s.charCodeAt(k - 1);
    if (isHtmlSpace(c) || c === 11 || c === 0) k--;
    else break;
  }
  let a = k;
  while (a > 0 && k - a <= 48) {
    const c = s.charCodeAt(a - 1) | 0x20;
    if (c >= 97 && c <= 122) a--;
    else break;
  }
  return k - a >= 4 && k - a <= 48 && (s.charCodeAt(a) | 0x20) === 111 && (s.charCodeAt(a + 1) | 0x20) === 110;
}

/** After a `:` at `p - 1`: the first character that is not a control or space is `e` or `u`. */
function cssWordAfter(s: string, p: number): boolean {
  while (p < s.length && s.charCodeAt(p) <= 32) p++;
  const c = s.charCodeAt(p) | 0x20;
  return c === 101 || c === 117;
}

export function detectXss(value: string): Detection | undefined {
  if (typeof value !== 'string' || value.length < 2) return undefined;
  // Fast path: one pass over the value. Without any `<`, colon, parenthesis, backtick, brace, `=` or
  // `&`, nothing here can become markup or script (a quote alone, as in "O'Brien", cannot either).
  // The pass also notes which scans can fire (N_*), looking around `(`, backticks, `:`, `=` and `&`:
  // a few characters each (the blanks skipped after a colon stop at the next non-blank, so no
  // character is skipped twice).
  let f = 0;
  let need = 0;
  let plus = false;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) {
      // Full-width `＜` (NFKC) and `¼` (0xBC with the high bit stripped by a 7-bit charset) act as `<`.
      if (c === 0xff1c || c === 0xbc) f |= F_FULLWIDTH_LT;
      continue;
    }
    const x = XCHAR[c] as number;
    if (x === 0) continue;
    f |= x & 511;
    switch (c) {
      case 96: // `
        if (!(need & N_SINK) && mayEndSink(value.charCodeAt(i - 1)) && sinkBefore(value, i)) need |= N_SINK;
        break;
      case 40: {
        // (: a sink name before it (after blanks), or right after it (a callback).
        if (need & N_SINK) break;
        const q = value.charCodeAt(i + 1);
        if ((mayEndSink(value.charCodeAt(i - 1)) && sinkBefore(value, i)) || ((q === 97 || q === 112 || q === 99 || q === 101 || q === 115) && sinkAt(value, i + 1))) {
          need |= N_SINK;
        }
        break;
      }
      case 58: // :
        if (!(need & N_SCHEME) && schemeNameBefore(value, i)) need |= N_SCHEME;
        if (!(need & N_CSS) && cssWordAfter(value, i + 1)) need |= N_CSS;
        break;
      case 61: // =
        if (!(need & N_EVENT) && eventBefore(value, i)) need |= N_EVENT;
        break;
      case 38: // &: entities can spell schemes and CSS keywords; `&{` is a JavaScript entity
        need |= N_SCHEME | N_CSS;
        if (value.charCodeAt(i + 1) === 123) need |= N_JSENT;
        break;
      case 123: // {
        if (value.charCodeAt(i + 1) === 123) need |= N_TPL;
        break;
      case 91: // [
        need |= N_INDIRECT;
        break;
      case 36: // $
        if (value.charCodeAt(i + 1) === 123) need |= N_INDIRECT;
        break;
      case 92: // backslash: CSS escapes
        need |= N_CSS;
        break;
      case 47: // `/*`: CSS comments
        if (value.charCodeAt(i + 1) === 42) need |= N_CSS;
        break;
      case 60: // <: `<!--` and CDATA seams inside a scheme
      case 93: // ]: `]]>`
      case 9:
      case 10:
      case 13: // the URL parser drops tab, LF and CR anywhere in a scheme
        need |= N_SCHEME;
        break;
      case 43: // +: UTF-7 (below)
        plus = true;
        break;
      default:
        break;
    }
  }
  if (f === 0) return undefined;
  if (
    !plus &&
    !(f & (F_LT | F_FULLWIDTH_LT)) &&
    !(f & (F_COLON | F_AMP) && need & N_SCHEME) &&
    !(f & F_EQ && need & N_EVENT) &&
    !(f & F_COLON && need & N_CSS) &&
    !(f & (F_PAREN | F_BACKTICK) && need & (N_SINK | N_INDIRECT)) &&
    !(f & F_BRACE && need & (N_TPL | N_JSENT))
  ) {
    return undefined; // no scan below can fire
  }
  const best = new Best();
  let s = value;
  if (f & F_FULLWIDTH_LT) {
    // Full-width brackets become `<`/`>` under NFKC normalisation, which some back ends apply.
    s = s.replaceAll('\uff1c', '<').replaceAll('\uff1e', '>').replaceAll('\u00bc', '<').replaceAll('\u00be', '>');
  }
  if (plus && s.includes('+ADw-')) {
    // UTF-7 (`+ADw-script+AD4-`), which a page served without a charset could be sniffed as.
    s = s.replaceAll('+ADw-', '<').replaceAll('+AD4-', '>').replaceAll('+ACI-', '"').replaceAll('+ACc-', "'");
    f |= F_LT;
  }
  // The N_* gates were read on the raw value: a rewritten one runs every scan its characters allow.
  if (s !== value) need = N_ALL;
  if (f & (F_LT | F_FULLWIDTH_LT)) {
    if (scanDangerousTagNames(s, best)) return best.hit;
    scanHtmlTags(s, (tag) => checkTag(tag, s, best));
    if (best.high) return best.hit;
  }
  if (f & (F_COLON | F_AMP) && need & N_SCHEME) {
    if (scanSchemes(s, best)) return best.hit;
  }
  if (f & F_EQ && need & N_EVENT) {
    if (scanEventAttributes(s, best)) return best.hit;
  }
  if (f & F_COLON && need & N_CSS) {
    if (scanCss(s, best)) return best.hit;
  }
  if (f & (F_PAREN | F_BACKTICK)) {
    if (need & N_SINK && scanJsSinks(s, best)) return best.hit;
    if (need & N_INDIRECT && scanJsIndirect(s, best)) return best.hit;
  }
  if (f & F_BRACE) {
    if (need & N_TPL && scanTemplates(s, best)) return best.hit;
    if (f & F_AMP && need & N_JSENT && scanJsEntities(s, best)) return best.hit;
  }
  return best.hit;
}
