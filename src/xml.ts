/**
 * A small, forgiving XML reader for inspection: it finds the values an XML consumer would hand to the
 * application (attribute values, text, CDATA), entity-decoded, with the element and attribute names
 * that lead to them. It does not validate, resolve entities beyond the predefined and numeric ones,
 * or read DTDs (XXE is judged on the raw text by its own detector).
 *
 * Why: a SOAP envelope or an XML field hides `';INSERT …` inside `probe="…"`; read as one flat string,
 * the SQL walker breaks out at the declaration's first quote instead of the attribute's. Each value is
 * inspected on its own, as a JSON value would be.
 *
 * Cost: one forward pass with indexOf for terminators (linear), bounded by MAX_NODES values and
 * MAX_DEPTH open elements. Malformed input yields what was read before the damage.
 */
import { htmlDecode } from './decode';

/** A value found in an XML document and the names that lead to it. */
export interface XmlValue {
  /** Element names from the root, then `@attr` for an attribute value or `#text` for text. */
  path: string[];
  /** The entity-decoded value (CDATA as written). */
  value: string;
}

export interface XmlDocument {
  values: XmlValue[];
  /** Element and attribute names, each once, with the path of their first use. */
  names: Array<{ name: string; parent: string | undefined; path: string[] }>;
  /** True when a bound stopped the read. */
  truncated: boolean;
  /**
   * An HTML fragment (rich text), not an XML document: its first element is an HTML element and no
   * `<?xml` declaration comes before it. A browser shows an HTML text node as text, whatever its
   * entities decode to (`<code>&lt;script&gt;</code>` displays "<script>"); an XML consumer hands the
   * decoded text to the application, which may render it.
   */
  html: boolean;
}

/** Elements rich-text editors and HTML fragments start with. */
const HTML_ELEMENTS: ReadonlySet<string> = new Set([
  'html', 'body', 'div', 'p', 'span', 'a', 'b', 'i', 'u', 's', 'em', 'strong', 'small', 'mark', 'code', 'pre',
  'kbd', 'samp', 'var', 'blockquote', 'q', 'cite', 'abbr', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'br', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'img', 'figure',
  'figcaption', 'section', 'article', 'header', 'footer', 'aside', 'nav', 'main', 'font', 'sup', 'sub',
  'del', 'ins', 'details', 'summary', 'label', 'center',
]);

const MAX_NODES = 4096;
const MAX_DEPTH = 64;

/**
 * Looks like an XML or HTML document: after blanks, `<?xml` or `<` and a name start; before trailing
 * blanks, `>`; and at least one closing or self-closing tag or declaration. Cheap: two ends and a
 * bounded search.
 */
export function looksLikeXml(s: string): boolean {
  let i = 0;
  let j = s.length - 1;
  while (i <= j && s.charCodeAt(i) <= 32) i++;
  while (j >= i && s.charCodeAt(j) <= 32) j--;
  if (j - i < 3 || s.charCodeAt(i) !== 60 || s.charCodeAt(j) !== 62) return false;
  const c = s.charCodeAt(i + 1);
  if (c !== 63 && !isNameStart(c)) return false;
  return s.indexOf('</', i) !== -1 || s.indexOf('/>', i) !== -1 || s.indexOf('?>', i) !== -1;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0xc0;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function decode(s: string): string {
  return s.indexOf('&') === -1 ? s : htmlDecode(s);
}

/** An open element while reading. */
interface Frame {
  name: string;
  path: string[];
  /** Direct text, not blank. */
  ownText: boolean;
  /** Has child elements. */
  children: boolean;
  /** Text of the element and its descendants, in order (textContent). */
  content: string;
  /** Text values of the element and its descendants, not yet emitted (see close). */
  texts: XmlValue[];
}

/**
 * Reads `s` (see looksLikeXml). Never throws.
 *
 * Text is read as a consumer reads it: a data element's text is its value (`<name>x' OR 1=1</name>`);
 * mixed content (`<p>Use <code>ls -la</code> to list files.</p>`) is one value, the element's whole
 * text, not a `ls -la` of its own.
 */
export function readXml(s: string): XmlDocument {
  const doc: XmlDocument = { values: [], names: [], truncated: false, html: false };
  /** Whether the first element was seen yet, and a `<?xml` declaration before it. */
  let firstSeen = false;
  let prolog = false;
  const seen = new Set<string>();
  const stack: Frame[] = [];
  const n = s.length;
  let count = 0;
  const name = (nm: string, parent: string | undefined, path: string[]): void => {
    if (seen.has(nm)) return;
    seen.add(nm);
    doc.names.push({ name: nm, parent, path });
  };
  const budget = (): boolean => {
    if (++count > MAX_NODES) {
      doc.truncated = true;
      return false;
    }
    return true;
  };
  const text = (raw: string, cdata: boolean): boolean => {
    const top = stack[stack.length - 1];
    if (top === undefined) return true;
    let a = 0;
    let b = raw.length;
    while (a < b && isBlank(raw.charCodeAt(a))) a++;
    while (b > a && isBlank(raw.charCodeAt(b - 1))) b--;
    if (a === b) {
      if (raw.length > 0 && top.content.length > 0) top.content += ' ';
      return true;
    }
    if (!budget()) return false;
    const t = cdata ? raw.slice(a, b) : decode(raw.slice(a, b));
    top.ownText = true;
    top.content += top.content.length > 0 && a > 0 ? ' ' + t : t;
    top.texts.push({ path: [...top.path, '#text'], value: t });
    return true;
  };
  /** Closes the innermost element: mixed content becomes one value; the rest moves up. */
  const close = (): void => {
    const f = stack.pop()!;
    const texts = f.ownText && f.children ? [{ path: [...f.path, '#text'], value: f.content }] : f.texts;
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      for (const v of texts) doc.values.push(v);
      return;
    }
    for (const v of texts) parent.texts.push(v);
    if (f.content.length > 0) parent.content += parent.content.length > 0 ? ' ' + f.content : f.content;
  };
  const finish = (): XmlDocument => {
    while (stack.length > 0) close();
    return doc;
  };

  let i = 0;
  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt === -1) {
      text(s.slice(i), false);
      break;
    }
    if (lt > i && !text(s.slice(i, lt), false)) return finish();
    const c = s.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      if (s.startsWith('<!--', lt)) {
        const end = s.indexOf('-->', lt + 4);
        i = end === -1 ? n : end + 3;
      } else if (s.startsWith('<![CDATA[', lt)) {
        const end = s.indexOf(']]>', lt + 9);
        if (!text(s.slice(lt + 9, end === -1 ? n : end), true)) return finish();
        i = end === -1 ? n : end + 3;
      } else {
        // DOCTYPE and other declarations, internal subset included: the raw text keeps them. The `[`
        // is looked for before the first `>` only, so every character is scanned once.
        const gt = s.indexOf('>', lt);
        let open = -1;
        for (let k = lt + 2; k < (gt === -1 ? n : gt); k++) {
          if (s.charCodeAt(k) === 91) {
            open = k;
            break;
          }
        }
        const end = open !== -1 ? s.indexOf(']>', open) : gt;
        i = end === -1 ? n : end + (open !== -1 ? 2 : 1);
      }
      continue;
    }
    if (c === 63 /* ? */) {
      if (!firstSeen && s.startsWith('<?xml', lt)) prolog = true;
      const end = s.indexOf('?>', lt + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (c === 47 /* / */) {
      // A closing tag: close up to the matching open element (none when nothing matches).
      let k = lt + 2;
      while (k < n && isNameChar(s.charCodeAt(k))) k++;
      const nm = s.slice(lt + 2, k);
      let at = stack.length - 1;
      while (at >= 0 && stack[at]!.name !== nm) at--;
      if (at !== -1) while (stack.length > at) close();
      const gt = s.indexOf('>', k);
      i = gt === -1 ? n : gt + 1;
      continue;
    }
    if (!isNameStart(c)) {
      // A lone `<` in text.
      if (!text('<', false)) return finish();
      i = lt + 1;
      continue;
    }
    // A start tag: name, attributes, then `>` or `/>`.
    let k = lt + 1;
    while (k < n && isNameChar(s.charCodeAt(k))) k++;
    const el = s.slice(lt + 1, k);
    if (!firstSeen) {
      firstSeen = true;
      doc.html = !prolog && HTML_ELEMENTS.has(el.toLowerCase());
    }
    if (!budget()) return finish();
    const top = stack[stack.length - 1];
    if (top !== undefined) top.children = true;
    const elPath = top === undefined ? [el] : [...top.path, el];
    name(el, top?.name, elPath);
    let selfClosing = false;
    for (;;) {
      while (k < n && isBlank(s.charCodeAt(k))) k++;
      if (k >= n) break;
      const d = s.charCodeAt(k);
      if (d === 62 /* > */) {
        k++;
        break;
      }
      if (d === 47 && s.charCodeAt(k + 1) === 62) {
        selfClosing = true;
        k += 2;
        break;
      }
      const a0 = k;
      while (k < n && !isBlank(s.charCodeAt(k)) && s.charCodeAt(k) !== 61 && s.charCodeAt(k) !== 62 && !(s.charCodeAt(k) === 47 && s.charCodeAt(k + 1) === 62)) k++;
      if (k === a0) {
        k++; // a stray character: skip it
        continue;
      }
      const attr = s.slice(a0, k);
      while (k < n && isBlank(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) !== 61 /* = */) {
        name(attr, el, [...elPath, '@' + attr]);
        continue; // a bare attribute (HTML)
      }
      k++;
      while (k < n && isBlank(s.charCodeAt(k))) k++;
      const q = s.charCodeAt(k);
      let v: string;
      if (q === 34 || q === 39) {
        const end = s.indexOf(q === 34 ? '"' : "'", k + 1);
        v = s.slice(k + 1, end === -1 ? n : end);
        k = end === -1 ? n : end + 1;
      } else {
        const v0 = k;
        while (k < n && !isBlank(s.charCodeAt(k)) && s.charCodeAt(k) !== 62) k++;
        v = s.slice(v0, k);
      }
      const attrPath = [...elPath, '@' + attr];
      name(attr, el, attrPath);
      if (v.length > 0) {
        if (!budget()) return finish();
        doc.values.push({ path: attrPath, value: decode(v) });
      }
    }
    if (!selfClosing) {
      if (stack.length < MAX_DEPTH) stack.push({ name: el, path: elPath, ownText: false, children: false, content: '', texts: [] });
      else doc.truncated = true;
    }
    i = k;
  }
  return finish();
}
