/**
 * Server-side include injection: SSI directives and ESI tags.
 *
 * A function's output is often assembled or cached by something that runs markup instructions: a web
 * server with server-side includes (nginx `ssi on`, Apache mod_include) or a CDN or cache with Edge Side
 * Includes (Akamai, Fastly, Varnish, Squid). A value stored by the function and served through them
 * (a comment, a display name, a product review) runs there:
 *
 * - SSI: `<!--#exec cmd="id" -->` runs a command, `<!--#include virtual="/etc/passwd" -->` reads a
 *   file, `<!--#echo var="DOCUMENT_ROOT" -->` and `<!--#printenv -->` leak the environment. Any
 *   directive of the list below is reported `high` (nothing honest writes `<!--#` followed by one),
 *   the conditionals (`<!--#if expr=…`) `medium`. Other `<!--#…` comments (`<!--#region`, the folding
 *   markers of editors) pass.
 * - ESI: `<esi:include src="http://…"/>` makes the edge fetch a URL (SSRF from the CDN, and the
 *   fetched content is inlined: XSS), `<esi:vars>$(HTTP_COOKIE)</esi:vars>` leaks cookies past
 *   HttpOnly, `<esi:debug/>` dumps the edge's state, `<!--esi … -->` blocks are processed as markup.
 *   Those are `high`; other `esi:` elements (choose, when, try…) `medium`.
 *
 * Names are matched without regard to case (`<ESI:Include`, `<!--#EXEC`): some processors are lenient,
 * and the case of the name is no evidence of honesty.
 *
 * Cost: the engine calls this only for strings holding `<`; then one native indexOf per `!--` and per
 * `:` occurrence and a look at most 16 characters long at each: linear. No RegExp.
 */
import type { Detection } from '../types';

const SSI_HIGH: ReadonlySet<string> = new Set(['exec', 'include', 'echo', 'printenv', 'config', 'set', 'fsize', 'flastmod']);
const SSI_COND: ReadonlySet<string> = new Set(['if', 'elif', 'else', 'endif']);
const ESI_HIGH: ReadonlySet<string> = new Set(['include', 'inline', 'vars', 'debug', 'eval', 'assign']);
const ESI_OTHER: ReadonlySet<string> = new Set(['choose', 'when', 'otherwise', 'try', 'attempt', 'except', 'remove', 'comment', 'text']);

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The lower-case letters at `i` (at most `max`), or '' when more follow. */
function wordAt(s: string, i: number, max: number): string {
  let j = i;
  while (j < s.length && j - i <= max && isLetter(s.charCodeAt(j))) j++;
  return j - i > max ? '' : s.slice(i, j).toLowerCase();
}

/**
 * The finding of the `<!--` opener at `i` (`i + 1` holds `!`, `i + 2` `--`): an SSI directive
 * (`<!--#exec`) or an ESI comment block (`<!--esi`); undefined for any other comment.
 */
function commentAt(value: string, i: number): Detection | undefined {
  let j = i + 4;
  if (value.charCodeAt(j) === 35 /* # */) {
    // `<!--#exec …`: the directive name follows `#` directly (mod_include and nginx both require it).
    const name = wordAt(value, j + 1, 8);
    const after = value.charCodeAt(j + 1 + name.length);
    const ends = Number.isNaN(after) || isBlank(after) || after === 45 /* - */;
    if (name !== '' && ends && SSI_HIGH.has(name)) {
      return { rule: 'ssi.directive', confidence: 'high', reason: `Server-side include directive "#${name}", which a web server with SSI runs when it serves the value.` };
    }
    if (name !== '' && ends && SSI_COND.has(name)) {
      return { rule: 'ssi.directive', confidence: 'medium', reason: `Server-side include conditional "#${name}".` };
    }
    return undefined;
  }
  // `<!--esi …-->`: an ESI comment block, processed as markup by ESI processors.
  while (j < value.length && j - i < 8 && isBlank(value.charCodeAt(j))) j++;
  if (wordAt(value, j, 3) === 'esi') {
    const after = value.charCodeAt(j + 3);
    if (Number.isNaN(after) || isBlank(after) || after === 60 /* < */) {
      return { rule: 'ssi.esi', confidence: 'high', reason: 'Edge Side Includes comment block (<!--esi … -->), which an ESI-enabled CDN or cache processes.' };
    }
  }
  return undefined;
}

/** The finding of the `<esi:` tag at `i` (`i + 4` holds `:`); undefined for an unknown element. */
function esiTagAt(value: string, i: number): Detection | undefined {
  const name = wordAt(value, i + 5, 10);
  if (name === '') return undefined;
  if (ESI_HIGH.has(name)) {
    return { rule: 'ssi.esi', confidence: 'high', reason: `Edge Side Includes tag <esi:${name}>, which an ESI-enabled CDN or cache runs (fetches, leaks cookies or state).` };
  }
  if (ESI_OTHER.has(name)) return { rule: 'ssi.esi', confidence: 'medium', reason: `Edge Side Includes tag <esi:${name}>.` };
  return undefined;
}

/** Whether `<esi:` (any case) starts at `i`, given that `i + 4` holds `:`. */
function esiOpenerAt(value: string, i: number): boolean {
  return i >= 0 && value.charCodeAt(i) === 60 /* < */ && wordAt(value, i + 1, 3) === 'esi';
}

/**
 * The finding is the first `high` opener in reading order, else the first `medium` one. Openers are
 * found from their rarest fixed character, not from `<`: `!--` (then `<` before it) for comments,
 * `:` (then `<esi` before it) for ESI tags. On a run of `<` (or `<a ` tags) a search per `<` cost one
 * native call per character (10.9 µs/KB on 1 MB of `<`); `!--` and `:` are absent there, so each is
 * one native pass. A run of `!--` or `:` costs one call per occurrence, the bound the `<` search had.
 * The two searches are merged by position so the order of findings, and so the reason reported, is
 * unchanged: a comment opener at `b - 1` (`b` = the `!`) and a tag at `c - 4` (`c` = the `:`) never
 * share a start (`!` against `e` at start + 1).
 */
export function detectSsiInjection(value: string): Detection | undefined {
  let best: Detection | undefined;
  let b = value.indexOf('!--', 1);
  let c = value.indexOf(':', 4);
  while (b !== -1 || c !== -1) {
    let found: Detection | undefined;
    if (c === -1 || (b !== -1 && b - 1 < c - 4)) {
      if (value.charCodeAt(b - 1) === 60 /* < */) found = commentAt(value, b - 1);
      b = value.indexOf('!--', b + 1);
    } else {
      // `<esi:include`, `</esi:vars>` is not needed: the opening tag is what runs.
      if (esiOpenerAt(value, c - 4)) found = esiTagAt(value, c - 4);
      c = value.indexOf(':', c + 1);
    }
    if (found === undefined) continue;
    if (found.confidence === 'high') return found;
    if (best === undefined) best = found;
  }
  return best;
}
