/**
 * A small HTML tag scanner for the XSS detector: it finds start and end tags and splits them into
 * attributes the way a browser's tokenizer does (WHATWG "tag open" through "attribute value" states),
 * without building a tree and without regular expressions.
 *
 * What it models, because attackers rely on it:
 * - a tag starts at `<` followed by an ASCII letter (`</` + letter for an end tag); `a < b` and `<3`
 *   are text;
 * - tag and attribute names end at whitespace, `/` or `>`; `/` between attributes is a separator
 *   (`<svg/onload=...>`), and a quoted value may be followed directly by the next attribute
 *   (`<img src="x"onerror=...>`);
 * - values are double-, single- or unquoted; backticks are ordinary characters (old IE aside);
 * - comments (`<!-- -->`), `<!...>` and `<?...>` are skipped as the browser skips them;
 * - an unterminated tag at the end of the input still counts: the page around an injected value
 *   usually supplies the missing `>`.
 *
 * Cost: one left-to-right pass; every character is consumed by exactly one state, so the scan is
 * linear in the input whatever its shape (`<<<<`, unbalanced quotes, 1 MB of attributes). Names are
 * lower-cased; values are returned raw (entities undecoded) so the caller can see obfuscations.
 */

export interface HtmlAttribute {
  /** Lower-cased attribute name as the browser would store it (may contain `:` for namespaces). */
  name: string;
  /** Raw value without its quotes; empty when the attribute has no value. */
  value: string;
  /** The attribute had an `=`. */
  hasValue: boolean;
  /** Index of the value's first character in the input (after the quote); -1 without a value. */
  at: number;
}

export interface HtmlTag {
  /** Lower-cased tag name, namespace prefix included (`html:script`). */
  name: string;
  /** `</name ...>`. */
  closing: boolean;
  attributes: HtmlAttribute[];
  /** Index of the `<`. */
  start: number;
  /** Index just past the `>`, or the input length for an unterminated tag. */
  end: number;
  /** A `>` closed the tag. */
  terminated: boolean;
}

/** More attributes than this are parsed but not recorded: no real tag has them, and memory stays bounded. */
const MAX_ATTRIBUTES = 64;

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** HTML whitespace: tab, LF, FF, CR, space. */
export function isHtmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

/**
 * `input.indexOf('<', from)`, looking at the next two characters first: in dense markup (`</a>x`,
 * `<b><i>`) the next tag is that close, and two loads cost less than the native call (~10 ns).
 */
function nextLt(input: string, from: number): number {
  const n = input.length;
  if (from < n && input.charCodeAt(from) === 60) return from;
  if (from + 1 < n && input.charCodeAt(from + 1) === 60) return from + 1;
  return input.indexOf('<', from);
}

/**
 * Calls `visit` for every tag in document order. `visit` returns `true` to stop early. Text, comments
 * and processing instructions are skipped.
 *
 * `skipEndBelow` (0: none): end tags `</name>` whose name is ASCII letters and digits only, fewer
 * than `skipEndBelow` of them, closed by the `>` right after it (`</a>`, `</td>`), are passed over
 * without a visit, for a caller that would learn nothing from them (the XSS detector, which judges
 * end tags by names no shorter than its context elements'). No tag object, slice or call is made
 * for them: dense end tags (1 MB of `</a>x`) were ~20 ns a tag in that work.
 */
export function scanHtmlTags(input: string, visit: (tag: HtmlTag) => boolean | void, skipEndBelow = 0): void {
  const n = input.length;
  let i = input.indexOf('<');
  while (i !== -1 && i < n) {
    // A run of `<` (`<<<<`): only its last one can open anything; skipped in one tight loop.
    // (Reads past the end are NaN without calling charCodeAt out of bounds: a call site that has
    // read past the end stays slower in V8's optimized code.)
    while (i + 1 < n && input.charCodeAt(i + 1) === 60) i++;
    const next = i + 1 < n ? input.charCodeAt(i + 1) : NaN;
    if (isAsciiLetter(next)) {
      const tag = readTag(input, i, false);
      if (visit(tag) === true) return;
      i = nextLt(input, tag.end);
      continue;
    }
    if (next === 47 /* / */) {
      if (i + 2 < n && isAsciiLetter(input.charCodeAt(i + 2))) {
        if (skipEndBelow > 0) {
          const gt = shortEndTag(input, i + 2, skipEndBelow);
          if (gt !== -1) {
            i = nextLt(input, gt + 1);
            continue;
          }
        }
        const tag = endTag(input, i);
        if (visit(tag) === true) return;
        i = nextLt(input, tag.end);
        continue;
      }
      // `</>` is dropped; `</ foo>` and friends are a bogus comment up to the next `>`.
      const gt = input.indexOf('>', i + 2);
      i = gt === -1 ? -1 : input.indexOf('<', gt + 1);
      continue;
    }
    if (next === 33 /* ! */) {
      if (input.startsWith('--', i + 2)) {
        // `<!-->` and `<!--->` close at once, as in browsers.
        let close = input.indexOf('-->', i + 2);
        if (input.charCodeAt(i + 4) === 62) close = i + 1;
        else if (input.startsWith('->', i + 4)) close = i + 2;
        i = close === -1 ? -1 : input.indexOf('<', close + 3);
        continue;
      }
      const gt = input.indexOf('>', i + 2);
      i = gt === -1 ? -1 : input.indexOf('<', gt + 1);
      continue;
    }
    if (next === 63 /* ? */) {
      const gt = input.indexOf('>', i + 2);
      i = gt === -1 ? -1 : input.indexOf('<', gt + 1);
      continue;
    }
    // (No `<` right after: the run loop above stopped before one.)
    i = input.indexOf('<', i + 1);
  }
}

/**
 * For an end tag's name at `a`: the index of the `>` that closes it, when the name is fewer than
 * `limit` ASCII letters and digits and that `>` follows it at once; otherwise -1. (endTag would read
 * the same name, stopped by that `>`: a terminated end tag without attributes, name lower-cased.)
 * The XSS detector's first pass asks it too, to know whether the scan would visit any tag.
 */
export function shortEndTag(input: string, a: number, limit: number): number {
  const n = input.length;
  let k = a;
  while (k < n && k - a < limit) {
    const c = input.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || isAsciiLetter(c))) break;
    k++;
  }
  return k - a < limit && k < n && input.charCodeAt(k) === 62 ? k : -1;
}

/**
 * The attribute list of a tag that has none: shared (and frozen), so the most common tags in dense
 * markup, end tags and bare `<b>`, allocate one object, not two. Callers only read attribute lists.
 */
const NO_ATTRIBUTES: HtmlAttribute[] = Object.freeze([] as HtmlAttribute[]) as HtmlAttribute[];

function record(tag: HtmlTag, a: HtmlAttribute): void {
  if (tag.attributes === NO_ATTRIBUTES) tag.attributes = [a];
  else tag.attributes.push(a);
}

/**
 * readTag(input, start, true) for an end tag at `start` (`</` and a letter). The common one, a name
 * and `>` (`</a>`, `</div>`), is built here: readTag would read the same name and stop at that `>`
 * (no attribute, the same fields in the same order). Anything else goes to readTag. In dense end
 * tags (1 MB of `</a>x`) the call was a good part of the scan.
 */
function endTag(input: string, start: number): HtmlTag {
  const i = tagNameEnd(input, start + 2);
  if (i >= input.length || input.charCodeAt(i) !== 62) return readTag(input, start, true);
  const raw = input.slice(start + 2, i);
  return { name: nameFolds ? raw.toLowerCase() : raw, closing: true, attributes: NO_ATTRIBUTES, start, end: i + 1, terminated: true };
}

/**
 * Set by tagNameEnd: whether the name holds anything toLowerCase could change (A-Z, or non-ASCII).
 * Most names do not, and the call cost more than the rest of a short end tag (1 MB of `</a>x`).
 */
let nameFolds = false;

/** Where a tag name starting at `i` ends (a space, `/` or `>`, or the end of the input); sets nameFolds. */
function tagNameEnd(input: string, i: number): number {
  const n = input.length;
  let folds = false;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (isHtmlSpace(c) || c === 47 || c === 62) break;
    if ((c >= 65 && c <= 90) || c >= 128) folds = true;
    i++;
  }
  nameFolds = folds;
  return i;
}

/** Reads one tag starting at `<` (index `start`). Never reads past the first unquoted `>`. */
function readTag(input: string, start: number, closing: boolean): HtmlTag {
  const n = input.length;
  const nameStart = start + (closing ? 2 : 1);
  let i = tagNameEnd(input, nameStart);
  const raw = input.slice(nameStart, i);
  const tag: HtmlTag = {
    name: nameFolds ? raw.toLowerCase() : raw,
    closing,
    attributes: NO_ATTRIBUTES,
    start,
    end: n,
    terminated: false,
  };
  // Before-attribute-name state.
  while (i < n) {
    let c = input.charCodeAt(i);
    if (isHtmlSpace(c) || c === 47 /* / */) {
      i++;
      continue;
    }
    if (c === 62 /* > */) {
      tag.end = i + 1;
      tag.terminated = true;
      return tag;
    }
    // Attribute name: a leading `=` belongs to the name, as in browsers.
    const aStart = i;
    i++;
    while (i < n) {
      c = input.charCodeAt(i);
      if (isHtmlSpace(c) || c === 47 || c === 62 || c === 61 /* = */) break;
      i++;
    }
    // Past MAX_ATTRIBUTES nothing is recorded, so nothing is sliced either: 1 MB of `<a <a ` or
    // `x="…"` is one tag whose attribute names and values were each copied and lower-cased for nothing.
    const keep = tag.attributes.length < MAX_ATTRIBUTES;
    const name = keep ? input.slice(aStart, i).toLowerCase() : '';
    // After-attribute-name: whitespace may separate the name from `=`.
    let j = i;
    while (j < n && isHtmlSpace(input.charCodeAt(j))) j++;
    if (j >= n || input.charCodeAt(j) !== 61) {
      if (keep) record(tag, { name, value: '', hasValue: false, at: -1 });
      i = j;
      continue;
    }
    j++;
    while (j < n && isHtmlSpace(input.charCodeAt(j))) j++;
    const q = j < n ? input.charCodeAt(j) : NaN;
    let value: string;
    const at = q === 34 || q === 39 ? j + 1 : j;
    if (q === 34 /* " */ || q === 39 /* ' */) {
      const close = input.indexOf(q === 34 ? '"' : "'", j + 1);
      const vEnd = close === -1 ? n : close;
      value = keep ? input.slice(j + 1, vEnd) : '';
      i = close === -1 ? n : close + 1;
    } else {
      let k = j;
      while (k < n) {
        const d = input.charCodeAt(k);
        if (isHtmlSpace(d) || d === 62) break;
        k++;
      }
      value = keep ? input.slice(j, k) : '';
      i = k;
    }
    if (keep) record(tag, { name, value, hasValue: true, at });
  }
  tag.end = n;
  return tag;
}
