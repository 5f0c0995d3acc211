/**
 * File path analysis. An input changes a path's structure when, placed in the path, it takes it out of
 * the directory the application put it in: `..` segments that climb above the prefix the application
 * wrote, or an absolute path that becomes the whole start of the path. Traversal that stays inside
 * (`a/../b`) does not. Paths already normalized by `path.join`/`path.resolve` no longer contain the
 * input verbatim; for those the input's normalized tail is looked for at the end of the path.
 */
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserInput } from '../context';
import { occurrences, type Verdict } from './common';

/** Could this input move a path at all? Has a `..` segment or is absolute. */
export function pathRelevant(u: string, win = process.platform === 'win32'): boolean {
  if (u.includes('..')) return true;
  if (u.charCodeAt(0) === 47) return true;
  if (fileUrlInput(u)) return true;
  if (!win && urlOnlyClimb(u)) return true;
  if (win && (u.charCodeAt(0) === 92 || /^[a-zA-Z]:[\\/]/.test(u))) return true;
  return false;
}

/**
 * The input is a `file:` URL as the WHATWG parser reads it: any case, after any run of leading blanks
 * and controls (it strips them all: ten spaces before `file:` still name /dev/zero), with tabs and
 * newlines anywhere ignored (`fi<tab>le:///etc/passwd` is `file:///etc/passwd`). Reads the leading run
 * and at most 5 scheme letters with up to 16 tabs or newlines between them: O(leading run).
 */
function fileUrlInput(u: string): boolean {
  let i = 0;
  while (i < u.length && u.charCodeAt(i) <= 32) i++;
  let k = 0;
  let skipped = 0;
  for (; i < u.length && k < 5; i++) {
    const c = u.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13) {
      if (++skipped > 16) return false;
      continue;
    }
    if ((c | 32) !== 'file:'.charCodeAt(k)) return false;
    k++;
  }
  return k === 5;
}

/**
 * What WHATWG's parser reads as a climb or a root that the POSIX checks below do not see: a `\`
 * (a `/` in a `file:` URL), `%2e` (a dot in a dot segment), a tab or newline (dropped: `.<tab>./`).
 * O(n), no allocation.
 */
function urlOnlyClimb(u: string): boolean {
  for (let i = 0; i < u.length; i++) {
    const c = u.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return true;
    if (c === 37 && u.charCodeAt(i + 1) === 50 && (u.charCodeAt(i + 2) | 32) === 101) return true;
  }
  return false;
}

/**
 * `new URL(u, 'file:///srv/public/')` for a relative `u` that leaves whatever directory it is resolved
 * against (`\dev\zero`: root-relative; `%2e%2e/%2e%2e/etc/passwd`: dot segments): the path it names
 * once it climbed to the root (every base is left at the root when the climb is deep enough), or
 * undefined when it stays inside (a dummy base tells). Inputs of at most 4 KB. POSIX only.
 */
function urlClimbPath(u: string): string | undefined {
  if (u.length > 4096) return undefined;
  try {
    if (fileURLToPath(new URL(u, 'file:///__rasp_base__/')).startsWith('/__rasp_base__/')) return undefined;
    return fileURLToPath(new URL(u, 'file:///'));
  } catch {
    return undefined;
  }
}

/** The file path Node opens for the URL `u` (`fs.readFile(new URL(u))`), or undefined. Inputs of at most 4 KB. */
function fileUrlPath(u: string): string | undefined {
  if (u.length > 4096) return undefined;
  try {
    return fileURLToPath(new URL(u));
  } catch {
    return undefined;
  }
}

function hasDotDotSegment(u: string, win: boolean): boolean {
  const parts = u.split(win ? /[\\/]/ : '/');
  return parts.some((p) => p === '..');
}

function inside(child: string, base: string, p: typeof nodePath.posix): boolean {
  if (child === base) return true;
  const withSep = base.endsWith(p.sep) ? base : base + p.sep;
  return child.startsWith(withSep);
}

/**
 * `path` is what the application passed to fs (string form). `cwd` is what relative paths resolve
 * against. Returns why the path is unsafe and which input made it so.
 */
export function checkPath(path: string, inputs: readonly UserInput[], cwd = process.cwd(), win = process.platform === 'win32'): Verdict | undefined {
  const p = win ? nodePath.win32 : nodePath.posix;
  let resolved: string | undefined;
  for (const input of inputs) {
    const u = input.value;
    if (!pathRelevant(u, win)) continue;
    // `fs.readFileSync(new URL(input))`, `new URL(input, 'file:///srv/public/')`: an absolute `file:`
    // URL from input (`file:///dev/zero`, `file:///etc/pass%77d`) becomes the whole path, decoded, and
    // is in it nowhere verbatim: as an absolute path from input would be, it is refused. Node's own
    // URL parser reads it, as it does for the application.
    if (fileUrlInput(u)) {
      const fp = fileUrlPath(u);
      if (fp !== undefined && (resolved ??= p.resolve(cwd, path)) === p.resolve(cwd, fp)) return { input, reason: 'A file: URL from input names the whole file path.' };
    }
    // `fs.readFileSync(new URL(input, 'file:///srv/public/'))` with `\dev\zero` or
    // `%2e%2e/%2e%2e/etc/passwd`: WHATWG reads `\` as `/` and `%2e` as a dot in a dot segment, so the
    // input climbs to the root and names the whole path, verbatim nowhere: refused as an absolute path.
    if (!win && !fileUrlInput(u) && urlOnlyClimb(u)) {
      const fp = urlClimbPath(u);
      if (fp !== undefined && (resolved ??= p.resolve(cwd, path)) === fp) return { input, reason: 'Input read as a relative file: URL climbs to the root and names the whole file path.' };
    }
    let at = occurrences(path, u, 4);
    // Windows: path.win32.resolve/normalize turn `/` into `\`, so `//evil.example.com/share/x` reaches
    // fs as the UNC path `\\evil.example.com\share\x` (an SMB connection to that host) without the
    // input in it verbatim. Looked for with its slashes turned too.
    if (at.length === 0 && win && u.indexOf('/') !== -1) at = occurrences(path, u.split('/').join('\\'), 4);
    if (at.length > 0) {
      resolved ??= p.resolve(cwd, path);
      for (const i of at) {
        // (Windows: a root-relative input, `/Windows/win.ini`, resolves onto the current drive: `C:\Windows\…`.)
        const driveRoot = win && i === 2 && path.charCodeAt(1) === 58 && (u.charCodeAt(0) === 47 || u.charCodeAt(0) === 92);
        if ((i === 0 || driveRoot) && p.isAbsolute(u)) return { input, reason: 'An absolute path from input is the start of the file path.' };
        if (!hasDotDotSegment(u, win)) continue;
        const prefix = path.slice(0, i);
        const base = prefix === '' ? p.resolve(cwd) : p.resolve(cwd, prefix.endsWith('/') || (win && prefix.endsWith('\\')) ? prefix : p.dirname(prefix + 'x'));
        if (!inside(resolved, base, p)) return { input, reason: `Input with '..' takes the path out of ${base}.` };
      }
      continue;
    }
    // Not verbatim: path.join/resolve may have normalized the traversal away, or a `file:` URL
    // (`new URL(input, 'file:///srv/public/')`) did, reading `\` as `/` as WHATWG does for special
    // schemes: `..\..\etc\passwd` climbs there although it has no POSIX `..` segment.
    const v = win || u.indexOf('\\') === -1 ? u : u.split('\\').join('/');
    if (!hasDotDotSegment(v, win)) continue;
    const norm = p.normalize(v);
    if (!norm.startsWith('..')) continue;
    const tail = norm.split(p.sep).filter((s) => s !== '..' && s !== '.' && s !== '').join(p.sep);
    resolved ??= p.resolve(cwd, path);
    if (tail.length > 0 && (resolved.endsWith(p.sep + tail) || resolved === tail)) {
      return { input, reason: `Input with '..' climbs out of the directory it was joined to (normalized to ${JSON.stringify(norm.slice(0, 60))}).` };
    }
  }
  return undefined;
}
