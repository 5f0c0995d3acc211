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
 * Cost: the engine calls this only for strings holding `<`; then one native indexOf per `<`
 * occurrence and a look at most 16 characters long at each: linear. No RegExp.
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

export function detectSsiInjection(value: string): Detection | undefined {
  let best: Detection | undefined;
  for (let i = value.indexOf('<'); i !== -1; i = value.indexOf('<', i + 1)) {
    const c1 = value.charCodeAt(i + 1);
    if (c1 === 33 /* ! */ && value.startsWith('--', i + 2)) {
      let j = i + 4;
      if (value.charCodeAt(j) === 35 /* # */) {
        // `<!--#exec …`: the directive name follows `#` directly (mod_include and nginx both require it).
        const name = wordAt(value, j + 1, 8);
        const after = value.charCodeAt(j + 1 + name.length);
        const ends = Number.isNaN(after) || isBlank(after) || after === 45 /* - */;
        if (name !== '' && ends && SSI_HIGH.has(name)) {
          return { rule: 'ssi.directive', confidence: 'high', reason: `Server-side include directive "#${name}", which a web server with SSI runs when it serves the value.` };
        }
        if (name !== '' && ends && SSI_COND.has(name) && best === undefined) {
          best = { rule: 'ssi.directive', confidence: 'medium', reason: `Server-side include conditional "#${name}".` };
        }
        continue;
      }
      // `<!--esi …-->`: an ESI comment block, processed as markup by ESI processors.
      while (j < value.length && j - i < 8 && isBlank(value.charCodeAt(j))) j++;
      if (wordAt(value, j, 3) === 'esi') {
        const after = value.charCodeAt(j + 3);
        if (Number.isNaN(after) || isBlank(after) || after === 60 /* < */) {
          return { rule: 'ssi.esi', confidence: 'high', reason: 'Edge Side Includes comment block (<!--esi … -->), which an ESI-enabled CDN or cache processes.' };
        }
      }
      continue;
    }
    // `<esi:include`, `</esi:vars>` is not needed: the opening tag is what runs.
    if ((c1 | 0x20) === 101 /* e */ && wordAt(value, i + 1, 3) === 'esi' && value.charCodeAt(i + 4) === 58 /* : */) {
      const name = wordAt(value, i + 5, 10);
      if (name === '') continue;
      if (ESI_HIGH.has(name)) {
        return { rule: 'ssi.esi', confidence: 'high', reason: `Edge Side Includes tag <esi:${name}>, which an ESI-enabled CDN or cache runs (fetches, leaks cookies or state).` };
      }
      if (ESI_OTHER.has(name) && (best === undefined || best.confidence !== 'medium')) {
        best = { rule: 'ssi.esi', confidence: 'medium', reason: `Edge Side Includes tag <esi:${name}>.` };
      }
    }
  }
  return best;
}
