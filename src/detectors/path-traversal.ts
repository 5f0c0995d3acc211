/**
 * Path traversal and local file inclusion: does the value, used as (part of) a file path, climb out of
 * the directory the application meant, name a sensitive system file, or switch to a stream wrapper?
 *
 * Decided by structure:
 * - the value is split into path-like tokens; each token is normalised (`\` and Unicode slashes to
 *   `/`, full-width and encoded dots to `.`, leftover `%2e`/`%252f`, overlong UTF-8 remnants such as
 *   `%c0%af` or `\u00c0\u00af`, `%u2215`, and `0x2e`/`0x2f` spellings) and walked segment by segment.
 *   A segment of two or more dots (`..`, `....` after a naive `../` strip, `..;` for Tomcat) climbs; the
 *   token climbs out when the walk goes above its start. Two levels out, or one with an obfuscation,
 *   a leading `/` or a sensitive target, is `high`; one plain level (`../README.md`) is `medium`;
 *   climbing that stays inside (`a/b/../c`) is `low`;
 * - absolute paths into system locations (`/etc/…`, `/proc/…`, `/var/task`, `C:\Windows\…`, `boot.ini`,
 *   `\\?\`), judged by the first segments so `/search/items` or `/lib/app.js` pass;
 * - stream wrappers and file URLs (`php://filter`, `zip://`, `phar://`, `file://`);
 * - a NUL byte after a path or file name (`x.php\0.jpg`) that truncates the name in native code.
 * Relative names ("docs/readme.md"), version strings ("v1.2..3"), ellipses ("wait...") and public URLs
 * pass.
 *
 * Cost: a single charCode pass rejects values without a dot, slash, backslash, colon, `%`, NUL or
 * non-ASCII separator (most ids, names and numbers). Later passes normalise each token once and walk
 * its segments once: linear in the input, with no look-ahead longer than a few characters.
 */
import type { Confidence, Detection } from '../types';

const RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };

interface Hit {
  rule: string;
  confidence: Confidence;
  reason: string;
}

function better(a: Hit | undefined, b: Hit | undefined): Hit | undefined {
  if (b === undefined) return a;
  if (a === undefined || RANK[b.confidence] > RANK[a.confidence]) return b;
  return a;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Unicode characters that some normaliser or file API turns into a separator or a dot. */
function unicodeSep(c: number): boolean {
  return c === 0x2215 || c === 0x2216 || c === 0xff0f || c === 0xff3c || c === 0x2044 || c === 0x29f8 || c === 0xfe68;
}
function unicodeDot(c: number): boolean {
  return c === 0xff0e || c === 0x2024 || c === 0xfe52;
}

// ---------------------------------------------------------------------------------------------------
// Token normalisation
// ---------------------------------------------------------------------------------------------------

interface Normalized {
  /** Lower-cased, separators as `/`, dots as `.`, NUL kept. */
  text: string;
  /** A separator or dot came from an encoding remnant, a Unicode look-alike or a `0x` spelling. */
  obfuscated: boolean;
  /** Both `/` and `\` appeared. */
  mixed: boolean;
}

/**
 * Reads `%XX` with any number (bounded) of `25` re-encodings in between: `%2e`, `%252e`, `%25252e`.
 * Returns [byte, next] or undefined.
 */
function percentByte(s: string, p: number, end: number): [number, number] | undefined {
  let q = p + 1;
  for (let k = 0; k < 4 && q + 3 < end && s.charCodeAt(q) === 50 && s.charCodeAt(q + 1) === 53 && hexVal(s.charCodeAt(q + 2)) >= 0 && hexVal(s.charCodeAt(q + 3)) >= 0; k++) {
    q += 2; // `%25` then more: the `25` re-encodes the `%`.
  }
  const h1 = hexVal(s.charCodeAt(q));
  const h2 = hexVal(s.charCodeAt(q + 1));
  if (q + 1 >= end || h1 < 0 || h2 < 0) return undefined;
  return [h1 * 16 + h2, q + 2];
}

/** Maps an overlong two-byte UTF-8 pair (C0/C1 lead) to what it spells. */
function overlong(lead: number, cont: number): number {
  return ((lead & 0x1f) << 6) | (cont & 0x3f);
}

function normalize(s: string, start: number, end: number): Normalized {
  let out = '';
  let obf = false;
  let slash = false;
  let back = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 47) {
      slash = true;
      out += '/';
      continue;
    }
    if (c === 92) {
      back = true;
      out += '/';
      continue;
    }
    if (c === 37 /* % */) {
      const u = s.charCodeAt(i + 1) | 0x20;
      if (u === 117 /* %uXXXX */ && i + 5 < end + 0) {
        const a = hexVal(s.charCodeAt(i + 2));
        const b = hexVal(s.charCodeAt(i + 3));
        const d = hexVal(s.charCodeAt(i + 4));
        const e = hexVal(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          const cp = (a << 12) | (b << 8) | (d << 4) | e;
          if (cp === 0x2e || unicodeDot(cp)) {
            out += '.';
            obf = true;
            i += 5;
            continue;
          }
          if (cp === 0x2f || cp === 0x5c || unicodeSep(cp)) {
            out += '/';
            obf = true;
            i += 5;
            continue;
          }
        }
      }
      const pb = percentByte(s, i, end);
      if (pb !== undefined) {
        const [b, next] = pb;
        if (b === 0x2e) {
          out += '.';
          obf = true;
          i = next - 1;
          continue;
        }
        if (b === 0x2f || b === 0x5c) {
          out += '/';
          obf = true;
          i = next - 1;
          continue;
        }
        if (b === 0) {
          out += '\0';
          i = next - 1;
          continue;
        }
        if (b === 0xc0 || b === 0xc1 || b === 0xe0) {
          // Overlong lead byte: the continuation may be valid (`%af`), re-encoded (`%25af`) or junk
          // from a fuzz list (`%9v`); whatever it spells, it stands between dots as a separator.
          let next2 = next;
          let cont = -1;
          if (s.charCodeAt(next) === 37) {
            const pc = percentByte(s, next, end);
            if (pc !== undefined) {
              cont = pc[0];
              next2 = pc[1];
              if (b === 0xe0 && s.charCodeAt(next2) === 37) {
                const pd = percentByte(s, next2, end);
                if (pd !== undefined) {
                  cont = pd[0];
                  next2 = pd[1];
                }
              }
            } else if (next + 2 < end) {
              next2 = next + 3;
            }
          }
          const spelled = cont >= 0 && b !== 0xe0 ? overlong(b, cont) : b === 0xe0 && cont >= 0 ? cont & 0x3f : -1;
          out += spelled === 0x2e || spelled === 0x2e - 0 ? '.' : '/';
          obf = true;
          i = next2 - 1;
          continue;
        }
      }
      out += '%';
      continue;
    }
    if (c === 48 /* 0 */ && (s.charCodeAt(i + 1) | 0x20) === 120 /* x */ && i + 3 < end + 1) {
      const v = (hexVal(s.charCodeAt(i + 2)) << 4) | hexVal(s.charCodeAt(i + 3));
      if (hexVal(s.charCodeAt(i + 2)) >= 0 && hexVal(s.charCodeAt(i + 3)) >= 0 && (v === 0x2e || v === 0x2f || v === 0x5c)) {
        out += v === 0x2e ? '.' : '/';
        obf = true;
        i += 3;
        continue;
      }
    }
    if (c >= 0x80) {
      if (unicodeSep(c) || c === 0xfffd) {
        out += '/';
        obf = true;
        continue;
      }
      if (unicodeDot(c)) {
        out += '.';
        obf = true;
        continue;
      }
      if ((c === 0xc0 || c === 0xc1 || c === 0xe0) && i + 1 < end) {
        // Overlong UTF-8 decoded as Latin-1: `\u00c0\u00af` is `/`, `\u00c0\u00ae` is `.`.
        let j = i + 1;
        if (c === 0xe0 && s.charCodeAt(j) >= 0x80 && s.charCodeAt(j) <= 0xbf) j++;
        const d = s.charCodeAt(j);
        if (d >= 0x80 && d <= 0xbf) {
          const v = c === 0xe0 ? d & 0x3f : overlong(c, d);
          if (v === 0x2e || v === 0x2f || v === 0x5c) {
            out += v === 0x2e ? '.' : '/';
            obf = true;
            i = j;
            continue;
          }
        }
      }
      out += String.fromCharCode(c).toLowerCase();
      continue;
    }
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : String.fromCharCode(c);
  }
  return { text: out, obfuscated: obf, mixed: slash && back };
}

// ---------------------------------------------------------------------------------------------------
// Sensitive locations
// ---------------------------------------------------------------------------------------------------

/** First segments that only a system path has; one more segment makes it high. */
const STRONG_ROOTS = new Set([
  'etc',
  'proc',
  'root',
  'windows',
  'winnt',
  'system32',
  'xampp',
  'wamp',
  'wamp64',
  'lampp',
  'inetpub',
  'program files',
  'program files (x86)',
  'programfiles',
  'programdata',
  'documents and settings',
  'system volume information',
  'sysprep',
  'appserv',
  'web-inf',
  'meta-inf',
]);

/** First segments shared with web routes (`/lib/app.js`, `/home`): high only with a system-looking rest. */
const WEAK_ROOTS = new Set([
  'var',
  'usr',
  'opt',
  'home',
  'srv',
  'dev',
  'sys',
  'lib',
  'lib64',
  'bin',
  'sbin',
  'boot',
  'tmp',
  'mnt',
  'private',
  'library',
  'volumes',
  'apache',
  'apache2',
  'nginx',
  'httpd',
  'php',
  'php4',
  'php5',
  'mysql',
  'logs',
  'log',
  'www',
  'wp-content',
  'web',
  'system',
  'users',
  'opt',
  'data',
]);

/** Second segments that make a weak root a system path: `/var/log`, `/usr/local`, `/opt/lampp`. */
const SYSTEM_SUBDIRS = new Set([
  'log',
  'logs',
  'www',
  'lib',
  'local',
  'run',
  'spool',
  'mail',
  'adm',
  'task',
  'runtime',
  'backups',
  'db',
  'apache',
  'apache2',
  'nginx',
  'httpd',
  'conf',
  'etc',
  'lampp',
  'xampp',
  'cache',
  'tmp',
  'self',
  'bin',
  'sbin',
  'share',
  'config',
  'settings',
]);

/** File and directory names that are secrets or configuration wherever they sit. */
const SENSITIVE_NAMES = new Set([
  'passwd',
  'shadow',
  'group',
  'hosts',
  'issue',
  'environ',
  'cmdline',
  'sudoers',
  'crontab',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'authorized_keys',
  'known_hosts',
  '.htpasswd',
  '.htaccess',
  '.bash_history',
  '.bashrc',
  '.profile',
  '.netrc',
  '.npmrc',
  '.pgpass',
  '.my.cnf',
  '.env',
  '.ssh',
  '.aws',
  '.git',
  '.svn',
  '.docker',
  '.kube',
  '.forward',
  '.rhosts',
  '.cshrc',
  'wp-config.php',
  'web.config',
  'web.xml',
  'boot.ini',
  'win.ini',
  'system.ini',
  'php.ini',
  'httpd.conf',
  'my.cnf',
  'my.ini',
  'access_log',
  'error_log',
  'access.log',
  'error.log',
  'sam',
  'ntuser.dat',
  'unattend.xml',
  'sysprep.inf',
  'sysprep.xml',
]);

/** Extensions of configuration, logs and keys. */
const SENSITIVE_EXTENSIONS = ['.ini', '.log', '.conf', '.cnf', '.cfg', '.err', '.pem', '.key', '.inf', '.htpasswd', '.passwd'];

/** Targets that are attacks even inside prose: the classic proofs and the function's own code. */
function isCrown(segs: string[], i: number): boolean {
  const a = segs[i];
  const b = segs[i + 1];
  if (a === 'etc' && (b === 'passwd' || b === 'shadow' || b === 'sudoers')) return true;
  if (a === 'proc' && b !== undefined && b.length > 0) return true;
  if (a === 'var' && (b === 'task' || b === 'runtime')) return true;
  if (a === '.ssh' || a === '.aws' || a === 'id_rsa' || a === 'win.ini' || a === 'boot.ini' || a === '.htpasswd') return true;
  return false;
}

function sensitiveName(seg: string): boolean {
  if (SENSITIVE_NAMES.has(seg)) return true;
  for (const ext of SENSITIVE_EXTENSIONS) if (seg.length > ext.length && seg.endsWith(ext)) return true;
  return false;
}

/** Trims what Windows ignores at the end of a segment (spaces, dots after a name) and NULs. */
function trimSeg(seg: string): string {
  let e = seg.length;
  while (e > 0 && (seg.charCodeAt(e - 1) === 32 || seg.charCodeAt(e - 1) === 0)) e--;
  return e === seg.length ? seg : seg.slice(0, e);
}

/**
 * A segment that climbs: two or more dots, then nothing, a `;` path parameter (`..;/`), or what
 * Windows trims (spaces).
 */
function isClimb(seg: string): boolean {
  let i = 0;
  while (i < seg.length && seg.charCodeAt(i) === 46) i++;
  if (i < 2) return false;
  if (i === seg.length) return true;
  if (seg.charCodeAt(i) === 59 /* ; */) return true;
  for (let k = i; k < seg.length; k++) {
    const c = seg.charCodeAt(k);
    if (c !== 32 && c !== 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Token analysis
// ---------------------------------------------------------------------------------------------------

/** Analyses one path-like token. `leading`: it starts the value (or is the value). */
function analyzeToken(s: string, start: number, end: number, leading: boolean): Hit | undefined {
  const n = normalize(s, start, end);
  const t = n.text;
  if (t.indexOf('/') === -1) {
    // No separator: only a bare sensitive file name ("boot.ini") as the whole value.
    const seg = trimSeg(t);
    if (leading && (seg === 'boot.ini' || seg === 'win.ini')) {
      return { rule: 'path.sensitive-file', confidence: 'medium', reason: 'A bare Windows system file name.' };
    }
    return undefined;
  }
  const segs = t.split('/');
  let hit: Hit | undefined;

  // Device and extended-length paths: `\\?\C:\…`, `\\.\PhysicalDrive0`.
  if (t.startsWith('//?/') || t.startsWith('//./')) {
    if (!s.startsWith('//', start) || s.charCodeAt(start) === 92) {
      return { rule: 'path.windows-device', confidence: 'high', reason: 'A Windows device or extended-length path prefix.' };
    }
  }

  // Skip a URL's scheme and authority: `https://host/a/../x` climbs from the path, not the host.
  // segs of `http://host/a` are ['http:', '', 'host', 'a']: the path starts at index 3.
  const schemeEnd = t.indexOf('://');
  const first = schemeEnd > 0 && schemeEnd < 24 && segs[0]!.endsWith(':') ? 3 : 0;

  // Walk the segments.
  let depth = 0;
  let minDepth = 0;
  let climbs = 0;
  let oddClimb = false;
  let afterClimbSensitive = false;
  let anySensitive = false;
  let crown = false;
  for (let i = first; i < segs.length; i++) {
    const raw = segs[i]!;
    const seg = trimSeg(raw);
    if (seg === '' || seg === '.') continue;
    if (isClimb(raw)) {
      climbs++;
      if (seg !== '..') oddClimb = true;
      depth--;
      if (depth < minDepth) minDepth = depth;
      continue;
    }
    // A drive (`c:`) or a scheme does not add depth.
    if (seg.length === 2 && seg.charCodeAt(1) === 58) continue;
    depth++;
    if (isCrown(segs, i)) crown = true;
    if (sensitiveName(seg) || isCrown(segs, i) || (STRONG_ROOTS.has(seg) && i + 1 < segs.length)) {
      anySensitive = true;
      if (climbs > 0) afterClimbSensitive = true;
    }
  }

  const out = -minDepth;
  if (climbs > 0) {
    const absoluteClimb = (segs[0] === '' && segs.length > 1 && isClimb(segs[1] ?? '')) || t.startsWith('/../');
    const obf = n.obfuscated || oddClimb || n.mixed;
    if (out >= 2) {
      hit = { rule: 'path.traversal', confidence: 'high', reason: `A path that climbs ${out > 9 ? 'many' : out} directories up.` };
    } else if (out >= 1 && (obf || afterClimbSensitive || absoluteClimb)) {
      const why = obf ? 'an obfuscated ../' : afterClimbSensitive ? 'a ../ to a sensitive file' : 'a /../ above the root';
      hit = { rule: 'path.traversal', confidence: 'high', reason: `A path with ${why}.` };
    } else if (out >= 1) {
      hit = { rule: 'path.traversal', confidence: 'medium', reason: 'A relative path that climbs one directory up.' };
    } else {
      hit = { rule: 'path.traversal', confidence: obf ? 'medium' : 'low', reason: 'A path with ../ that stays inside its start.' };
    }
    if (hit.confidence === 'high') return hit;
  }

  // Absolute or drive paths into system locations.
  const abs = segs[0] === '' || (segs[0]!.length === 2 && segs[0]!.charCodeAt(1) === 58 && isAlnum(segs[0]!.charCodeAt(0)));
  let sys: Hit | undefined;
  if (abs && first === 0) {
    let k = 1;
    while (k < segs.length && segs[k] === '') k++;
    // `/c:/…` and `/d:\program files\` as seen in inclusion lists.
    if (segs[0] === '' && k < segs.length && segs[k]!.length === 2 && segs[k]!.charCodeAt(1) === 58) k++;
    const s0 = trimSeg(segs[k] ?? '');
    const s1 = trimSeg(segs[k + 1] ?? '');
    const rest = segs.slice(k + 1);
    const restSensitive = rest.some((x) => sensitiveName(trimSeg(x)));
    const drive = segs[0] !== '';
    if (STRONG_ROOTS.has(s0) && (s1 !== '' || k + 1 < segs.length)) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: `An absolute path into /${s0.length <= 24 ? s0 : ''} (a system location).` };
    } else if (sensitiveName(s0) && (drive || s0 === 'boot.ini' || s0 === 'win.ini' || s0.startsWith('.'))) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: 'An absolute path to a system or secret file.' };
    } else if (s0.startsWith('.') && s0.length > 1 && s0 !== '.well-known' && !s0.startsWith('..')) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: 'An absolute path into a hidden configuration directory.' };
    } else if (WEAK_ROOTS.has(s0) && (SYSTEM_SUBDIRS.has(s1) || restSensitive)) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: `An absolute path into /${s0.length <= 24 ? s0 : ''} (a system location).` };
    } else if (drive) {
      sys = { rule: 'path.system-file', confidence: restSensitive || sensitiveName(s0) ? 'high' : 'medium', reason: 'An absolute Windows drive path.' };
    } else if (WEAK_ROOTS.has(s0) && s1 !== '') {
      sys = { rule: 'path.system-file', confidence: 'low', reason: 'An absolute path into a system-like directory.' };
    }
  } else if (segs[0] === '' && segs[1] === '' && !s.startsWith('//', start) && first === 0) {
    // `\\server\share\…`: a UNC path (SMB, leaks NTLM credentials on Windows hosts).
    sys = { rule: 'path.unc', confidence: 'medium', reason: 'A UNC network path.' };
  }
  if (sys === undefined && anySensitive && first === 0) {
    // Relative paths to secrets: `member/.htpasswd`, `etc/passwd`, `./././etc/passwd`.
    sys = { rule: 'path.system-file', confidence: crown || segs.some((x) => x.startsWith('.') && SENSITIVE_NAMES.has(x)) ? 'high' : 'medium', reason: 'A path to a system or secret file.' };
  }
  if (sys !== undefined && !leading && sys.confidence === 'high' && !crown) {
    // Inside prose ("see /etc/motd for details") only the classic targets stay high.
    sys = { ...sys, confidence: 'medium' };
  }
  return better(hit, sys);
}

// ---------------------------------------------------------------------------------------------------
// Wrappers, NUL
// ---------------------------------------------------------------------------------------------------

/** PHP/Java stream wrappers and `file:` URLs, lower-case, without the `:`. */
const WRAPPERS = ['php', 'zip', 'phar', 'expect', 'glob', 'data', 'compress.zlib', 'compress.bzip2', 'ogg', 'rar', 'zlib', 'jar', 'file', 'netdoc'];

function scanWrappers(s: string): Hit | undefined {
  for (let i = s.indexOf(':'); i !== -1; i = s.indexOf(':', i + 1)) {
    // Scheme letters before the colon.
    let a = i;
    while (a > 0 && i - a < 16) {
      const c = s.charCodeAt(a - 1);
      if (isAlnum(c) || c === 46 || c === 43 || c === 45) a--;
      else break;
    }
    if (a === i) continue;
    const scheme = s.slice(a, i).toLowerCase();
    const slashes = s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47;
    if (scheme === 'file' || scheme.endsWith('.file') || scheme === 'netdoc') {
      // `file:///etc/passwd`, `file:/etc/passwd`, `file://host/share`.
      if (s.charCodeAt(i + 1) === 47 || s.charCodeAt(i + 1) === 92) {
        return { rule: 'path.file-url', confidence: 'high', reason: 'A file: URL that reads the local file system.' };
      }
      continue;
    }
    if (scheme === 'jar' && s.startsWith('file:', i + 1)) {
      return { rule: 'path.file-url', confidence: 'high', reason: 'A jar:file: URL that reads the local file system.' };
    }
    if (slashes && WRAPPERS.includes(scheme) && scheme !== 'file') {
      if (scheme === 'data' && !s.startsWith('text/', i + 3) && !s.startsWith('application/', i + 3)) continue;
      return { rule: 'path.stream-wrapper', confidence: 'high', reason: `A ${scheme}:// stream wrapper (file inclusion).` };
    }
  }
  return undefined;
}

/** A NUL after a path or file name: native code stops there (`shell.php\0.jpg`). */
function scanNul(s: string): Hit | undefined {
  const z = s.indexOf('\0');
  if (z === -1) return undefined;
  let pathy = false;
  for (let k = Math.max(0, z - 256); k < z; k++) {
    const c = s.charCodeAt(k);
    if (c === 46 || c === 47 || c === 92) pathy = true;
  }
  if (pathy) return { rule: 'path.null-byte', confidence: 'high', reason: 'A NUL byte after a file name, which truncates it in native code.' };
  return { rule: 'path.null-byte', confidence: 'low', reason: 'A NUL byte in a value.' };
}

// ---------------------------------------------------------------------------------------------------

/** Characters that end a path token inside text. */
function isBoundary(c: number): boolean {
  return (
    c === 32 || c === 9 || c === 10 || c === 13 || c === 34 || c === 39 || c === 96 || c === 40 || c === 41 || c === 91 ||
    c === 93 || c === 60 || c === 62 || c === 124 || c === 44 || c === 61 || c === 63 || c === 38 || c === 123 || c === 125 || c === 42
  );
}

export function detectPathTraversal(value: string): Detection | undefined {
  if (typeof value !== 'string' || value.length < 2) return undefined;
  // Fast path: one pass for the characters every rule needs. Letters, digits, spaces, `-`, `_` and
  // `@` alone cannot form a path, a wrapper or a NUL truncation.
  let need = false;
  let colon = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 46 || c === 47 || c === 92 || c === 37 || c === 0 || c >= 0x80) need = true;
    else if (c === 58) colon = need = true;
  }
  if (!need) return undefined;

  let best: Hit | undefined;
  if (colon) best = scanWrappers(value);
  if (best?.confidence === 'high') return best;
  best = better(best, scanNul(value));
  if (best?.confidence === 'high') return best;

  const n = value.length;
  // The leading token: a value that starts like a path keeps its spaces (`C:\Program Files\…`,
  // `/usr/local/apache/logs/access. log`) up to a line break, quote or query.
  let i = 0;
  while (i < n && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
  const c0 = value.charCodeAt(i);
  const c1 = value.charCodeAt(i + 1);
  const pathStart = c0 === 47 || c0 === 92 || c0 === 46 || c0 === 126 || (isAlnum(c0) && c1 === 58 && (value.charCodeAt(i + 2) === 47 || value.charCodeAt(i + 2) === 92));
  if (pathStart) {
    let j = i;
    while (j < n) {
      const c = value.charCodeAt(j);
      if (c === 10 || c === 13 || c === 34 || c === 39 || c === 96 || c === 60 || c === 62 || c === 124 || c === 63 || c === 0) break;
      j++;
    }
    best = better(best, analyzeToken(value, i, j, true));
    if (best?.confidence === 'high') return best;
  }
  // Every whitespace/punctuation-delimited token (the leading one again, without its spaces).
  let first = true;
  while (i < n) {
    while (i < n && isBoundary(value.charCodeAt(i))) i++;
    if (i >= n) break;
    let j = i;
    let interesting = false;
    while (j < n && !isBoundary(value.charCodeAt(j))) {
      const c = value.charCodeAt(j);
      if (c === 47 || c === 92 || c === 37 || c >= 0x80 || c === 46 || c === 48) interesting = true;
      j++;
    }
    if (interesting) {
      best = better(best, analyzeToken(value, i, j, first));
      if (best?.confidence === 'high') return best;
    }
    first = false;
    i = j;
  }
  return best === undefined ? undefined : { rule: best.rule, reason: best.reason, confidence: best.confidence };
}
