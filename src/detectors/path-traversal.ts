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
 *   climbing that stays inside (`a/b/../c`) is `low`. A token with an escaped dot after a dot
 *   (`\.\.\/`) is also read with its backslash escapes undone, as a shell, a regex or a JSON string
 *   would;
 * - absolute paths into system locations (`/etc/…`, `/proc/…`, `/var/task`, `C:\Windows\…`, `boot.ini`,
 *   `\\?\`), judged by the first segments so `/search/items` or `/lib/app.js` pass; drive-relative
 *   names at the start of the value (`c:boot.ini`, `c:inetpubwwwroot…` that lost its backslashes);
 * - stream wrappers and file URLs (`php://filter`, `zip://`, `phar://`, `file://`);
 * - a NUL byte after a path or file name (`x.php\0.jpg`) that truncates the name in native code.
 * Relative names ("docs/readme.md"), version strings ("v1.2..3"), ellipses ("wait...") and public URLs
 * pass.
 *
 * Cost: a single pass, one table load per character, rejects values without a slash, backslash,
 * colon, `%`, NUL, non-ASCII character or `..` (most ids, names, numbers, e-mail addresses and
 * sentences). A second, allocation-free pass asks of every token whether analyzeToken could hit at
 * all (tokenMayHit's questions, the segment checks included, as the token is read); `Mozilla/5.0`,
 * `application/json` and public URLs stop there. Later passes normalise each remaining token once
 * (twice for the escaped reading) and walk its segments once: linear in the input, with no
 * look-ahead longer than a few characters.
 */
import type { Confidence, Detection } from '../types';
import { better, hexVal, type Hit } from './util';

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
  // Runs of characters that need no rewriting are copied as slices and the result is lower-cased
  // once; `out` (a rope in V8) is never read while it is built. `dots` counts the `.` ending it.
  let out = '';
  let run = start;
  let dots = 0;
  let obf = false;
  let slash = false;
  let back = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 92) {
      // Separators stay in the run; `\` becomes `/` in one pass at the end.
      if (c === 47) slash = true;
      else back = true;
      dots = 0;
      continue;
    }
    // What this position contributes when it must be rewritten: a separator or a dot.
    let piece: string | undefined;
    let last = i; // index of the last character the rewrite consumed
    if (c === 37 /* % */) {
      if ((s.charCodeAt(i + 1) | 0x20) === 117 /* %uXXXX */ && i + 5 < end) {
        const a = hexVal(s.charCodeAt(i + 2));
        const b = hexVal(s.charCodeAt(i + 3));
        const d = hexVal(s.charCodeAt(i + 4));
        const e = hexVal(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          const cp = (a << 12) | (b << 8) | (d << 4) | e;
          if (cp === 0x2e || unicodeDot(cp)) piece = '.';
          else if (cp === 0x2f || cp === 0x5c || unicodeSep(cp) || (cp >= 0xe000 && cp <= 0xf8ff)) piece = '/';
          if (piece !== undefined) last = i + 5;
        }
      }
      const pb = piece === undefined ? percentByte(s, i, end) : undefined;
      if (pb !== undefined) {
        const [b, next] = pb;
        if (b === 0x2e || b === 0x2f || b === 0x5c) {
          piece = b === 0x2e ? '.' : '/';
          last = next - 1;
        } else if (b === 0) {
          piece = '\0';
          last = next - 1;
        } else if (b === 0xc0 || b === 0xc1 || b === 0xe0) {
          // Overlong lead byte: the continuation may be valid (`%af`), re-encoded (`%25af`) or junk
          // from a fuzz list (`%9v`); whatever it spells, between dots it stands as a separator.
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
          const spelled = cont < 0 ? -1 : b === 0xe0 ? cont & 0x3f : overlong(b, cont);
          piece = spelled === 0x2e ? '.' : '/';
          last = Math.min(next2, end) - 1;
        }
      }
    } else if (c === 48 /* 0x2e, 0x2f, 0x5c spelled out */ && (s.charCodeAt(i + 1) | 0x20) === 120 && i + 3 < end) {
      const h1 = hexVal(s.charCodeAt(i + 2));
      const h2 = hexVal(s.charCodeAt(i + 3));
      const v = h1 * 16 + h2;
      if (h1 >= 0 && h2 >= 0 && (v === 0x2e || v === 0x2f || v === 0x5c)) {
        piece = v === 0x2e ? '.' : '/';
        last = i + 3;
      }
    } else if (dots >= 2 && ((c === 50 && (s.charCodeAt(i + 1) | 0x20) === 102) || (c === 53 && (s.charCodeAt(i + 1) | 0x20) === 99))) {
      // `..2f..2f`: a list whose `%` signs were stripped once.
      piece = '/';
      last = i + 1;
    } else if (c >= 0x80) {
      if (unicodeSep(c) || c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) {
        // U+FFFD from an invalid (overlong) sequence and private-use code points that IIS best-fit
        // mapping turned into `/` (`%uEFC8`, `%uF025`) stand where a separator was.
        piece = '/';
      } else if (unicodeDot(c)) {
        piece = '.';
      } else if ((c === 0xc0 || c === 0xc1 || c === 0xe0) && i + 1 < end) {
        // Overlong UTF-8 decoded as Latin-1: `\u00c0\u00af` is `/`, `\u00c0\u00ae` is `.`.
        let j = i + 1;
        if (c === 0xe0 && s.charCodeAt(j) >= 0x80 && s.charCodeAt(j) <= 0xbf) j++;
        const d = s.charCodeAt(j);
        if (d >= 0x80 && d <= 0xbf) {
          const v = c === 0xe0 ? d & 0x3f : overlong(c, d);
          if (v === 0x2e || v === 0x2f || v === 0x5c) {
            piece = v === 0x2e ? '.' : '/';
            last = j;
          }
        }
      }
    }
    if (piece === undefined) {
      dots = c === 46 ? dots + 1 : 0;
      continue;
    }
    // Everything rewritten here was disguised (a backslash never gets here).
    obf = true;
    if (run < i) out += s.slice(run, i);
    out += piece;
    dots = piece === '.' ? dots + 1 : 0;
    i = last;
    run = last + 1;
  }
  if (run < end) out += s.slice(run, end);
  const text = out.toLowerCase();
  return { text: back ? text.replaceAll('\\', '/') : text, obfuscated: obf, mixed: slash && back };
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
  'root',
  'webserver',
  'ports',
  'src',
  'include',
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
  'unattended.xml',
  'global.asa',
  'desktop.ini',
  '.history',
  '.sh_history',
  '.zsh_history',
  '.mysql_history',
  '.psql_history',
  '.viminfo',
  '.gitconfig',
  'credentials',
  'config.php',
  'configuration.php',
  'settings.php',
  'localsettings.php',
  'database.yml',
  'secrets.yml',
  'appsettings.json',
]);

/**
 * Classic targets spelled inside a normalised token, found even when the separators around them are
 * mangled (`/....etc/passwd`, `/0x2e0x2eetc/passwd`). The character before must not be a letter.
 */
const CROWN_STRINGS = [
  'etc/passwd',
  'etc/shadow',
  'etc/sudoers',
  'etc/master.passwd',
  'boot.ini',
  'win.ini',
  'web-inf/web.xml',
  'proc/self/',
  // Anything under /proc is the process's own memory, environment or the host's network tables.
  '/proc/',
  '.ssh/id_',
  '.aws/credentials',
  'system32/drivers/etc/hosts',
  'system32/config/sam',
];

/** Extensions of configuration, logs and keys. */
const SENSITIVE_EXTENSIONS = new Set(['.ini', '.log', '.conf', '.cnf', '.cfg', '.err', '.pem', '.key', '.inf', '.htpasswd', '.passwd']);

/** A segment that is a secret on its own, wherever it sits. */
function crownSingle(a: string): boolean {
  return a === '.ssh' || a === '.aws' || a === 'id_rsa' || a === 'win.ini' || a === 'boot.ini' || a === '.htpasswd';
}

/** Two consecutive segments that are a classic target: `etc/passwd`, `proc/<x>`, `var/task`. */
function crownPair(a: string, b: string): boolean {
  if (a === 'etc') return b === 'passwd' || b === 'shadow' || b === 'sudoers';
  if (a === 'proc') return b.length > 0;
  if (a === 'var') return b === 'task' || b === 'runtime';
  return false;
}

function sensitiveName(seg: string): boolean {
  if (SENSITIVE_NAMES.has(seg)) return true;
  const dot = seg.lastIndexOf('.');
  if (dot <= 0) return seg.endsWith('_history');
  if (dot < seg.length - 1 && SENSITIVE_EXTENSIONS.has(seg.slice(dot))) return true;
  // Configuration and secrets by name, with an extension: `_config.php`, `db-secrets.json`.
  const base = seg.slice(0, dot);
  return base.includes('config') || base.includes('passw') || base.includes('secret') || base.includes('credential');
}

// ---------------------------------------------------------------------------------------------------
// Token analysis
// ---------------------------------------------------------------------------------------------------

/** A crown target spelled anywhere in the normalised token, not glued to a preceding letter. */
function hasCrownString(t: string): boolean {
  for (const c of CROWN_STRINGS) {
    for (let at = t.indexOf(c); at !== -1; at = t.indexOf(c, at + 1)) {
      const before = at === 0 ? 47 : t.charCodeAt(at - 1);
      if (!(before >= 97 && before <= 122) && !(before >= 48 && before <= 57)) return true;
    }
  }
  return false;
}

/** `..` runs glued to a system root because the separators were stripped (`....etc/`, `..web-inf`). */
const GLUED_ROOTS = ['etc/', 'etcpasswd', 'web-inf', 'windows/', 'winnt/', 'inetpub', 'boot.ini', 'win.ini'];

function hasGluedClimb(t: string): boolean {
  for (let at = t.indexOf('..'); at !== -1; at = t.indexOf('..', at + 2)) {
    let e = at;
    while (e < t.length && t.charCodeAt(e) === 46) e++;
    for (const r of GLUED_ROOTS) if (t.startsWith(r, e)) return true;
    at = e - 2;
  }
  return false;
}

/** Longest segment worth naming; longer ones are ordinary (no system name is that long). */
const MAX_NAMED_SEGMENT = 64;

/**
 * Analyses one path-like token `s[start, end)`. `leading`: it starts the value (or is the value).
 * `link`: the token is a markdown link target or an href, resolved against a URL, not a directory.
 * The normalised token is walked segment by segment by index (no split), so a megabyte of `/` or
 * `../` costs one pass and no per-segment allocation beyond short names.
 */
function analyzeToken(s: string, start: number, end: number, leading: boolean, link: boolean): Hit | undefined {
  const hit = analyzeReading(s, start, end, leading, link);
  if (hit?.confidence === 'high') return hit;
  // Read a second time with backslash escapes undone (`\.\.\/` is `../` to a shell, a regex or a
  // JSON string): as separators those backslashes only leave single dots, which climb nothing.
  const u = unescapeDots(s, start, end);
  return u === undefined ? hit : better(hit, analyzeReading(u, 0, u.length, leading, link));
}

/**
 * The token with every `\` before a `.` or `/` dropped, when it holds an escaped dot right after
 * another dot (`.\.`, as in `\.\.`), the only way the escaped reading can climb where the plain one
 * does not; otherwise undefined (no copy). Windows climbs (`..\..\`) qualify too; both readings climb
 * then. crownAt lets exactly these tokens past the pre-check. Linear, one copy of the token.
 */
function unescapeDots(s: string, start: number, end: number): string | undefined {
  let found = false;
  for (let k = start; k + 2 < end && !found; k++) {
    found = s.charCodeAt(k) === 46 && s.charCodeAt(k + 1) === 92 && s.charCodeAt(k + 2) === 46;
  }
  if (!found) return undefined;
  if (end - start > 256) {
    // Long tokens: one code-unit buffer. Slices joined (or `+=`) would allocate a string per escaped
    // dot, half a million on a 1 MB `\.\./` run, and the collector then dominates the cost.
    const buf = new Uint16Array(end - start);
    let n = 0;
    for (let k = start; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c === 92 && k + 1 < end) {
        const d = s.charCodeAt(k + 1);
        if (d === 46 || d === 47) continue;
      }
      buf[n++] = c;
    }
    return Buffer.from(buf.buffer, 0, n * 2).toString('utf16le');
  }
  let out = '';
  let run = start;
  for (let k = start; k + 1 < end; k++) {
    const d = s.charCodeAt(k + 1);
    if (s.charCodeAt(k) === 92 && (d === 46 || d === 47)) {
      out += s.slice(run, k);
      run = k + 1;
      k++;
    }
  }
  return out + s.slice(run, end);
}

/** analyzeToken for one reading of the token. */
function analyzeReading(s: string, start: number, end: number, leading: boolean, link: boolean): Hit | undefined {
  const n = normalize(s, start, end);
  const t = n.text;
  if (hasCrownString(t) || hasGluedClimb(t)) {
    return { rule: 'path.system-file', confidence: 'high', reason: 'A path that names a classic system file (passwd, boot.ini, web.xml…).' };
  }
  if (t.indexOf('/') === -1) return undefined;

  // A URL's scheme and authority do not count: in `http://host/a` the path starts after the third `/`.
  const schemeEnd = t.indexOf('://');
  let isUrl = false;
  if (schemeEnd > 0 && schemeEnd < 24 && t.indexOf('/') === schemeEnd + 1) isUrl = true;

  const len = t.length;
  const absolute = t.charCodeAt(0) === 47;
  const unc = absolute && t.charCodeAt(1) === 47 && s.charCodeAt(start) === 92 && s.charCodeAt(start + 1) === 92;
  let segIndex = 0; // index of the raw segment (empty ones included), as split('/') would number it
  let slashCount = 0;
  let depth = 0;
  let minDepth = 0;
  let climbs = 0;
  let oddClimb = false;
  let targetAfterClimb = false;
  let anySensitive = false;
  let hiddenSecret = false;
  let firstClimbAt = -1; // segIndex of the first climb
  let drive = false;
  // The first two named segments (after a drive), for the absolute-path rules.
  let s0: string | undefined;
  let s1: string | undefined;
  let s0Index = -1;
  let restSensitive = false;
  let prev = ''; // previous named segment, for pairs like etc/passwd
  let prevStrong = false;

  for (let a = 0; a <= len; ) {
    let b = t.indexOf('/', a);
    if (b === -1) b = len;
    const raw = segIndex;
    segIndex++;
    const hasNext = b < len;
    if (hasNext) slashCount++;
    if (prevStrong && raw > 0) {
      // `etc/…`: a strong root followed by anything (the original `STRONG_ROOTS && i + 1 < segs.length`).
      anySensitive = true;
      if (climbs > 0) targetAfterClimb = true;
      prevStrong = false;
    }
    if (isUrl && slashCount <= 3 && raw < 3) {
      a = b + 1;
      continue;
    }
    // Trim what Windows or a C API drops at the end of a segment.
    let e = b;
    while (e > a && t.charCodeAt(e - 1) <= 32) e--;
    if (e === a || (e === a + 1 && t.charCodeAt(a) === 46)) {
      a = b + 1;
      continue;
    }
    // Climb: two or more dots, then nothing, a `;` parameter, or controls/spaces (already trimmed).
    let d = a;
    while (d < e && t.charCodeAt(d) === 46) d++;
    if (d - a >= 2 && (d === e || t.charCodeAt(d) === 59)) {
      climbs++;
      if (firstClimbAt === -1) firstClimbAt = raw;
      if (!(d - a === 2 && d === e)) oddClimb = true;
      depth--;
      if (depth < minDepth) minDepth = depth;
      prev = '';
      a = b + 1;
      continue;
    }
    // A drive (`c:`) or a scheme does not add depth.
    if (e - a === 2 && t.charCodeAt(a + 1) === 58) {
      if (raw === 0 && isAlnum(t.charCodeAt(a))) drive = true;
      a = b + 1;
      continue;
    }
    depth++;
    const seg = e - a <= MAX_NAMED_SEGMENT ? t.slice(a, e) : '';
    if (s0 === undefined) {
      s0 = seg;
      s0Index = raw;
    } else if (s1 === undefined) s1 = seg;
    const named = seg.length > 0;
    const sensitive = named && (sensitiveName(seg) || crownSingle(seg) || crownPair(prev, seg));
    if (sensitive) {
      anySensitive = true;
      if (seg.charCodeAt(0) === 46) hiddenSecret = true;
      if (s0Index !== raw) restSensitive = true;
    }
    if (named && crownPair(prev, seg)) anySensitive = true;
    // After a climb: a secret, a system root, or any dotfile (`../.history`).
    if (climbs > 0 && (sensitive || (named && seg.charCodeAt(0) === 46 && seg.length > 1))) targetAfterClimb = true;
    prevStrong = named && STRONG_ROOTS.has(seg) && hasNext;
    prev = seg;
    a = b + 1;
  }

  let hit: Hit | undefined;
  const out = -minDepth;
  if (climbs > 0) {
    const absoluteClimb = absolute && firstClimbAt === 1;
    const obf = n.obfuscated || oddClimb || n.mixed;
    if (out >= 2) {
      hit = { rule: 'path.traversal', confidence: 'high', reason: `A path that climbs ${out > 9 ? 'many' : out} directories up.` };
    } else if (out >= 1 && (obf || targetAfterClimb || absoluteClimb)) {
      const why = obf ? 'an obfuscated ../' : targetAfterClimb ? 'a ../ to a sensitive file' : 'a /../ above the root';
      hit = { rule: 'path.traversal', confidence: 'high', reason: `A path with ${why}.` };
    } else if (out >= 1) {
      // `../README.md`: the traversal primitive, but also every relative link in documentation.
      hit = { rule: 'path.traversal', confidence: link ? 'low' : 'medium', reason: 'A relative path that climbs one directory up.' };
    } else {
      hit = { rule: 'path.traversal', confidence: obf ? 'medium' : 'low', reason: 'A path with ../ that stays inside its start.' };
    }
    if (hit.confidence === 'high') return hit;
  }

  // Absolute or drive paths into system locations.
  let sys: Hit | undefined;
  if (!isUrl && (absolute || drive) && s0 !== undefined) {
    const r0 = s0;
    const r1 = s1 ?? '';
    // Something follows the first segment (`/etc/x`, or at least `/etc/`).
    const more = s1 !== undefined || t.charCodeAt(len - 1) === 47;
    const where = r0.length > 0 ? r0 : '…';
    if (unc) {
      // `\\server\share\…`: a UNC path (SMB; leaks NTLM credentials on Windows hosts).
      sys = { rule: 'path.unc', confidence: 'medium', reason: 'A UNC network path.' };
    } else if (STRONG_ROOTS.has(r0) && more) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: `An absolute path into ${where} (a system location).` };
    } else if (sensitiveName(r0)) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: 'An absolute path to a system or secret file.' };
    } else if (r0.length > 1 && r0.charCodeAt(0) === 46 && r0 !== '.well-known' && r0.charCodeAt(1) !== 46) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: 'An absolute path into a hidden configuration directory.' };
    } else if (WEAK_ROOTS.has(r0) && r0 !== 'users' && (SYSTEM_SUBDIRS.has(r1) || restSensitive)) {
      sys = { rule: 'path.system-file', confidence: 'high', reason: `An absolute path into ${where} (a system location).` };
    } else if (drive) {
      // Upload file names from old browsers carry `C:\Users\me\Desktop\x.jpg` (or `C:\fakepath\…`):
      // medium unless the path goes somewhere only an attacker would ask for.
      const high = restSensitive || (WEAK_ROOTS.has(r0) && r0 !== 'users');
      const conf: Confidence = high ? 'high' : r0 === 'fakepath' ? 'low' : 'medium';
      sys = { rule: 'path.system-file', confidence: conf, reason: 'An absolute Windows drive path.' };
    } else if (WEAK_ROOTS.has(r0) && r1 !== '') {
      sys = { rule: 'path.system-file', confidence: 'low', reason: 'An absolute path into a system-like directory.' };
    }
  }
  if (sys === undefined && anySensitive && !isUrl) {
    // Relative paths to secrets: `member/.htpasswd`, `etc/hosts`.
    sys = { rule: 'path.system-file', confidence: hiddenSecret ? 'high' : 'medium', reason: 'A path to a system or secret file.' };
  }
  if (sys !== undefined && !leading && sys.confidence === 'high') {
    // Inside prose ("see /etc/motd for details") only the classic targets (checked above) stay high.
    sys = { ...sys, confidence: 'medium' };
  }
  return better(hit, sys);
}

// ---------------------------------------------------------------------------------------------------
// Token pre-check
// ---------------------------------------------------------------------------------------------------
//
// Values in ordinary traffic are full of slash-and-dot tokens that name nothing (`Mozilla/5.0`,
// `application/json`, `https://shop.example.com/cart`, `19.99`). analyzeToken normalises each into a
// lower-cased copy, searches it for thirteen crown strings and slices its segments. tokenMayHit reads
// the raw token once, without allocating, and returns false only when analyzeToken provably returns
// undefined: no character the normaliser rewrites (`%`, non-ASCII, NUL, `0x`), no `..` (climbs and
// glued climbs), no crown string (each needs `etc/`, `proc/`, `.ssh/`, `.aws/`, `system32/`,
// `web-inf/`, `boot.ini` or `win.ini`), not absolute or a drive (the root rules), and, for a relative
// path that is not a URL, no segment that sensitiveName, crownSingle, crownPair or the strong roots
// accept (the only way to `anySensitive`, the only relative finding without a climb).

/** Case-folded FNV-1a over s[a, b), `\` read as `/`. */
function segHash(s: string, a: number, b: number): number {
  let h = -2128831035;
  for (let i = a; i < b; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    else if (c === 92) c = 47;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

/** A fixed open-addressing set of 32-bit hashes (read-only after module load). */
class HashSet32 {
  private readonly keys = new Int32Array(1024);
  private readonly used = new Uint8Array(1024);
  add(h: number): void {
    let i = h & 1023;
    while (this.used[i] === 1 && this.keys[i] !== h) i = (i + 1) & 1023;
    this.keys[i] = h;
    this.used[i] = 1;
  }
  has(h: number): boolean {
    let i = h & 1023;
    while (this.used[i] === 1) {
      if (this.keys[i] === h) return true;
      i = (i + 1) & 1023;
    }
    return false;
  }
}

/** Hashes of whole segments that make a relative path sensitive (names, strong roots, pair heads). */
const SEG_HASHES = new HashSet32();
/** Hashes of sensitive extensions (with their dot). */
const EXT_HASHES = new HashSet32();
/** Hashes of the weak roots (first segments of absolute paths into system-like places). */
const WEAK_HASHES = new HashSet32();
/**
 * Signatures (length, first, second and last character) of the same names and extensions: most
 * segments miss here after four character loads, before any hashing.
 */
const SEG_SIG = new Uint8Array(65536);

function segSig(s: string, a: number, b: number): number {
  const x = ((b - a) << 21) ^ ((s.charCodeAt(a) | 0x20) << 14) ^ ((s.charCodeAt(a + 1) | 0x20) << 7) ^ (s.charCodeAt(b - 1) | 0x20);
  return Math.imul(x, 0x9e3779b1) >>> 16;
}

(() => {
  for (const w of [...SENSITIVE_NAMES, ...STRONG_ROOTS, 'etc', 'proc', 'var', '.ssh', '.aws', 'id_rsa', 'win.ini', 'boot.ini', '.htpasswd']) {
    SEG_HASHES.add(segHash(w, 0, w.length));
    SEG_SIG[segSig(w, 0, w.length)] = 1;
  }
  for (const x of SENSITIVE_EXTENSIONS) {
    EXT_HASHES.add(segHash(x, 0, x.length));
    SEG_SIG[segSig(x, 0, x.length)] = 1;
  }
  for (const w of WEAK_ROOTS) WEAK_HASHES.add(segHash(w, 0, w.length));
})();

/** s[a, b) ends with `word` (lower case), ignoring ASCII case; `\` read as `/`. */
function endsWithCI(s: string, a: number, b: number, word: string): boolean {
  const k = b - word.length;
  if (k < a) return false;
  for (let j = 0; j < word.length; j++) {
    let c = s.charCodeAt(k + j);
    if (c >= 65 && c <= 90) c |= 0x20;
    else if (c === 92) c = 47;
    if (c !== word.charCodeAt(j)) return false;
  }
  return true;
}

/** s[a, b) contains `word` (lower case), ignoring ASCII case. */
function containsCI(s: string, a: number, b: number, word: string): boolean {
  for (let k = a; k + word.length <= b; k++) if (endsWithCI(s, a, k + word.length, word)) return true;
  return false;
}

const CROWN_HEADS = ['etc', 'proc', '.ssh', '.aws', 'system32', 'web-inf'];

/** Whether the segment s[a, b) (already trimmed, not empty) may be sensitive (see sensitiveName). */
function segmentMayBeSensitive(s: string, a: number, b: number): boolean {
  if (b - a > MAX_NAMED_SEGMENT) return false; // analyzeToken does not name longer segments
  // Upper-case letters and `\` fold the same way in segSig and segHash (`| 0x20`, no `\` inside).
  if (b - a >= 2 && SEG_SIG[segSig(s, a, b)] === 1 && SEG_HASHES.has(segHash(s, a, b))) return true;
  let dot = b - 1;
  while (dot >= a && s.charCodeAt(dot) !== 46) dot--;
  if (dot <= a) return (s.charCodeAt(b - 1) | 0x20) === 121 && endsWithCI(s, a, b, '_history');
  if (b - dot >= 2 && SEG_SIG[segSig(s, dot, b)] === 1 && EXT_HASHES.has(segHash(s, dot, b))) return true;
  return (
    dot - a >= 5 &&
    (containsCI(s, a, dot, 'config') || containsCI(s, a, dot, 'passw') || containsCI(s, a, dot, 'secret') || containsCI(s, a, dot, 'credential'))
  );
}

/**
 * At a separator or dot at `k` inside the token starting at `a`: whether a crown string can start
 * around it (`etc/passwd`, `/proc/`, `.ssh/id_`, `system32/…`, `web-inf/web.xml`, `boot.ini`, `win.ini`)
 * or the dot starts a climb (`..`). `b` is the token end.
 */
function crownAt(s: string, a: number, b: number, k: number, c: number): boolean {
  if (c === 46) {
    if (k + 1 < b && s.charCodeAt(k + 1) === 46) return true; // `..`: climbs, glued climbs
    if (k + 2 < b && s.charCodeAt(k + 1) === 92 && s.charCodeAt(k + 2) === 46) return true; // `.\.`: escaped dots (unescapeDots)
    return k + 3 < b && endsWithCI(s, a, k + 4, '.ini') && (endsWithCI(s, a, k, 'boot') || endsWithCI(s, a, k, 'win'));
  }
  // Every crown head ends in `c`, `h`, `s`, `2` or `f`. (`k > a` first: no read before the string.)
  if (k <= a) return false;
  const p = s.charCodeAt(k - 1) | 0x20;
  if (p === 99 || p === 104 || p === 115 || p === 50 || p === 102) {
    for (const head of CROWN_HEADS) if (endsWithCI(s, a, k, head)) return true;
  }
  return false;
}

/**
 * False when analyzeToken(s, a, b, …) provably returns undefined; true when it must run. The caller
 * has checked every character (crownAt at separators and dots, no character normalize rewrites);
 * `firstSep` is the first separator, or -1.
 */
function pathMayHit(s: string, a: number, b: number, firstSep: number): boolean {
  if (firstSep < 0) return false; // no separator: only the crown strings (checked) can hit
  const c0 = s.charCodeAt(a);
  if (s.charCodeAt(a + 1) === 58) return true; // a drive (`c:`)
  const absolute = c0 === 47 || c0 === 92;
  if (c0 === 92 && s.charCodeAt(a + 1) === 92) return true; // UNC
  // `scheme://…`: only the crown strings and climbs (checked) count in a URL.
  if (firstSep - 1 > a && firstSep - 1 - a < 24 && s.charCodeAt(firstSep - 1) === 58 && firstSep + 1 < b && (s.charCodeAt(firstSep + 1) === 47 || s.charCodeAt(firstSep + 1) === 92)) {
    return false;
  }
  // Any sensitive segment (a relative path hits only through one); for an absolute path also its
  // first named segment: a weak root (`/var/…`, `/home/…`) or a hidden directory (`/.git/…`).
  let x = a;
  let named = !absolute;
  for (let k = a; k <= b; k++) {
    const c = k < b ? s.charCodeAt(k) : 47;
    if (c !== 47 && c !== 92) continue;
    const r = segmentMayHit(s, x, k, named);
    if (r === SEG_HIT) return true;
    if (r === SEG_NAMED) named = true;
    x = k + 1;
  }
  return false;
}

const SEG_NONE = 0;
const SEG_HIT = 1;
const SEG_NAMED = 2;

/**
 * One segment s[x, k) of pathMayHit's walk (`k` is its separator or the token end): SEG_HIT when it
 * may be sensitive, or is the first named segment of an absolute path (`named` false until then; a
 * `x:` segment does not count as one) and a weak root or hidden directory; SEG_NAMED when it was that
 * first named segment and is neither; SEG_NONE otherwise. Trailing blanks and controls are trimmed,
 * `.` and empty segments skipped, as analyzeToken does.
 */
function segmentMayHit(s: string, x: number, k: number, named: boolean): number {
  let e = k;
  while (e > x && s.charCodeAt(e - 1) <= 32) e--;
  if (e === x || (e === x + 1 && s.charCodeAt(x) === 46)) return SEG_NONE;
  if (segmentMayBeSensitive(s, x, e)) return SEG_HIT;
  if (named || (e === x + 2 && s.charCodeAt(x + 1) === 58)) return SEG_NONE;
  if (e - x <= MAX_NAMED_SEGMENT && (WEAK_HASHES.has(segHash(s, x, e)) || (s.charCodeAt(x) === 46 && e - x > 1))) return SEG_HIT;
  return SEG_NAMED;
}

/** tokenMayHit for a token whose characters have not been checked (the leading token). */
function tokenMayHit(s: string, a: number, b: number): boolean {
  let firstSep = -1;
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80 || c === 37 || c === 0) return true; // rewritten by normalize
    if (c === 48 && k + 1 < b && (s.charCodeAt(k + 1) | 0x20) === 120) return true; // `0x2e`
    if (c === 47 || c === 92 || c === 46) {
      if (c !== 46 && firstSep < 0) firstSep = k;
      if (crownAt(s, a, b, k, c)) return true;
    }
  }
  return pathMayHit(s, a, b, firstSep);
}

// ---------------------------------------------------------------------------------------------------
// Wrappers, NUL
// ---------------------------------------------------------------------------------------------------

/** PHP/Java stream wrappers and `file:` URLs, lower-case, without the `:`. */
const WRAPPERS = ['php', 'zip', 'phar', 'expect', 'glob', 'data', 'compress.zlib', 'compress.bzip2', 'ogg', 'rar', 'zlib', 'jar', 'file', 'netdoc'];

/** s[a, b) equals `name` (lower case), ignoring ASCII case. */
function equalsCI(s: string, a: number, b: number, name: string): boolean {
  if (b - a !== name.length) return false;
  for (let k = 0; k < name.length; k++) {
    let c = s.charCodeAt(a + k);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== name.charCodeAt(k)) return false;
  }
  return true;
}

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
    // Compared in place (no lower-cased copy): most colons are times, ports and URL schemes.
    const slashes = s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47;
    if (equalsCI(s, a, i, 'file') || equalsCI(s, a, i, 'netdoc')) {
      // `file:///etc/passwd`, `file:/etc/passwd`, `file://host/share`.
      if (s.charCodeAt(i + 1) === 47 || s.charCodeAt(i + 1) === 92) {
        return { rule: 'path.file-url', confidence: 'high', reason: 'A file: URL that reads the local file system.' };
      }
      continue;
    }
    if (equalsCI(s, a, i, 'jar') && s.startsWith('file:', i + 1)) {
      return { rule: 'path.file-url', confidence: 'high', reason: 'A jar:file: URL that reads the local file system.' };
    }
    if (!slashes) continue;
    for (const scheme of WRAPPERS) {
      if (scheme === 'file' || !equalsCI(s, a, i, scheme)) continue;
      if (scheme === 'data' && !s.startsWith('text/', i + 3) && !s.startsWith('application/', i + 3)) break;
      return { rule: 'path.stream-wrapper', confidence: 'high', reason: `A ${scheme}:// stream wrapper (file inclusion).` };
    }
  }
  return undefined;
}

/**
 * A NUL right after a file or path name (`shell.php\0.jpg`, `/etc/shadow\0`): native code stops
 * there. Looks back over the name (bounded) for the `.` or separator that makes it a file name.
 */
function scanNul(s: string): Hit | undefined {
  let found = false;
  for (let z = s.indexOf('\0'); z !== -1; z = s.indexOf('\0', z + 1)) {
    found = true;
    let k = z - 1;
    while (k >= 0 && z - k <= 64) {
      const c = s.charCodeAt(k);
      if (c === 46 || c === 47 || c === 92) {
        if (k < z - 1) {
          return { rule: 'path.null-byte', confidence: 'high', reason: 'A NUL byte after a file name, which truncates it in native code.' };
        }
        break;
      }
      if (!(isAlnum(c) || c === 95 || c === 45)) break;
      k--;
    }
  }
  return found ? { rule: 'path.null-byte', confidence: 'low', reason: 'A NUL byte in a value.' } : undefined;
}

// ---------------------------------------------------------------------------------------------------

/** Characters that end a path token inside text. */
function isBoundary(c: number): boolean {
  return c < 128 && ((PT[c] as number) & PT_BOUND) !== 0;
}

function isBoundaryAt(s: string, k: number): boolean {
  return k >= s.length || isBoundary(s.charCodeAt(k));
}

/** Per-character bits: ends a token; makes a token worth analysing; needed by some rule at all. */
const PT_BOUND = 1;
const PT_INTERESTING = 2;
const PT = new Uint8Array(128);
(() => {
  for (const ch of ' \t\n\r"\'`()[]<>|,=?&{}*') PT[ch.charCodeAt(0)] = (PT[ch.charCodeAt(0)] as number) | PT_BOUND;
  for (const ch of '/\\%.0') PT[ch.charCodeAt(0)] = (PT[ch.charCodeAt(0)] as number) | PT_INTERESTING;
})();

/**
 * PT for every UTF-16 code unit, plus PT_OTHER on `:`, NUL and everything above ASCII. Two more bits
 * serve detectPathTraversal's first pass: FAST_NEED on what every rule but the bare Windows classics
 * needs (`/`, `\`, `%`, `:`, NUL, anything above ASCII), FAST_DOT on `.` (two in a row need the
 * rules too). One table, one load per character.
 */
const PT_OTHER = 4;
const FAST_NEED = 8;
const FAST_DOT = 16;
const PT2 = new Uint8Array(65536);
(() => {
  PT2.set(PT);
  PT2.fill(PT_OTHER | FAST_NEED, 128);
  PT2[58] = PT_OTHER | FAST_NEED;
  PT2[0] = PT_OTHER | FAST_NEED;
  for (const ch of '/\\%') PT2[ch.charCodeAt(0)] = (PT2[ch.charCodeAt(0)] as number) | FAST_NEED;
  PT2[46] = (PT2[46] as number) | FAST_DOT;
})();

/** The value is `boot.ini` or `win.ini` (any case) between ASCII blanks (what trim() drops here). */
function isWindowsClassic(v: string): boolean {
  let a = 0;
  let b = v.length;
  while (a < b && ((v.charCodeAt(a) >= 9 && v.charCodeAt(a) <= 13) || v.charCodeAt(a) === 32)) a++;
  while (b > a && ((v.charCodeAt(b - 1) >= 9 && v.charCodeAt(b - 1) <= 13) || v.charCodeAt(b - 1) === 32)) b--;
  return equalsCI(v, a, b, 'boot.ini') || equalsCI(v, a, b, 'win.ini');
}

export function detectPathTraversal(value: string): Detection | undefined {
  if (typeof value !== 'string' || value.length < 2) return undefined;
  // Fast path: one pass for the characters every rule needs: a separator, `%`, NUL, a colon, non-ASCII
  // look-alikes, or two dots in a row. Words, numbers, e-mail addresses and "v1.2" cannot form a path,
  // a wrapper or a NUL truncation; a bare file name can only be one of the two Windows classics.
  // A second pass splits the value into the tokens analysed below and asks tokenMayHit's questions on
  // the way (pathMayHit for the segments), so a value whose tokens cannot hit (`Mozilla/5.0 (X11; …`,
  // `https://host/cart?x=1`) returns after it: no normalised copies, no crown-string searches.
  // The first pass is one table load per character (PT2's FAST bits): most values are read whole here.
  let need = false;
  let dot = false;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const f = (PT2[value.charCodeAt(i)] as number) & (FAST_NEED | FAST_DOT);
    if (f === 0) continue;
    if (f === FAST_NEED || (i + 1 < n && value.charCodeAt(i + 1) === 46)) {
      need = true;
      break;
    }
    dot = true;
  }
  if (!need) {
    if (dot && value.length < 64) {
      // No character outside ASCII here, so trim() would drop only ASCII blanks.
      if (isWindowsClassic(value)) {
        return { rule: 'path.system-file', confidence: 'high', reason: 'A Windows system file name (boot.ini / win.ini).' };
      }
    }
    return undefined;
  }
  let colon = false;
  let nul = false;
  let anyMay = false;
  let ts = -1; // start of the current token
  let interesting = false;
  let may = false;
  let firstSep = -1;
  // pathMayHit's walk, done as the token is read: where the current segment starts, whether the
  // first named segment was seen, and whether the token is a `scheme://` URL (no segment counts).
  let segX = -1;
  let named = false;
  let url = false;
  for (let j = 0; j <= n; j++) {
    const t = j < n ? (PT2[value.charCodeAt(j)] as number) : PT_BOUND;
    if (t === 0) {
      // A plain character (letters, digits but `0`, most punctuation): it only opens a token.
      if (ts < 0) {
        ts = segX = j;
        interesting = may = url = false;
        named = true;
        firstSep = -1;
      }
      continue;
    }
    if (t & PT_BOUND) {
      if (ts >= 0) {
        // Token value[ts, j) ends: its last segment is the one pathMayHit reads at `b`.
        if (!anyMay && interesting && j - ts >= 3 && (may || (firstSep >= 0 && !url && segmentMayHit(value, segX, j, named) !== SEG_NONE))) {
          anyMay = true;
        }
        ts = -1;
      }
      continue;
    }
    if (ts < 0) {
      ts = segX = j;
      interesting = may = url = false;
      const c0 = value.charCodeAt(j);
      named = !(c0 === 47 || c0 === 92);
      firstSep = -1;
    }
    if (t & PT_OTHER) {
      // `:`, NUL, or a code unit above ASCII (interesting, and rewritten by normalize).
      const c = value.charCodeAt(j);
      if (c === 58) colon = true;
      else if (c === 0) nul = may = true;
      else interesting = may = true;
      continue;
    }
    // PT_INTERESTING: `/ \ % . 0`. tokenMayHit's per-character checks (the token end is not known
    // yet: crownAt may read past it, which only makes it answer true more often; the boundary
    // characters are none of the ones it compares).
    interesting = true;
    if (anyMay || may) continue;
    const c = value.charCodeAt(j);
    if (c === 37) may = true;
    else if (c === 48) may = j + 1 < n && (value.charCodeAt(j + 1) | 0x20) === 120;
    else {
      if (c !== 46) {
        // A separator. pathMayHit's questions in its order: a drive or UNC start (any separator
        // makes them count), a `scheme://` URL (then no segment counts), the segment just ended.
        if (firstSep < 0) {
          firstSep = j;
          // Reads stay inside the string (an out-of-bounds charCodeAt deoptimizes a warm scan).
          const c1 = ts + 1 < n ? value.charCodeAt(ts + 1) : -1;
          if (c1 === 58 || (c1 === 92 && value.charCodeAt(ts) === 92)) may = true;
          else {
            const d = j + 1 < n ? value.charCodeAt(j + 1) : -1;
            url = j - 1 > ts && j - 1 - ts < 24 && value.charCodeAt(j - 1) === 58 && (d === 47 || d === 92);
          }
        }
        if (!may && !url) {
          const r = segmentMayHit(value, segX, j, named);
          if (r === SEG_HIT) may = true;
          else if (r === SEG_NAMED) named = true;
        }
        segX = j + 1;
      }
      if (!may && crownAt(value, ts, n, j, c)) may = true;
    }
  }
  const wrapper = colon ? scanWrappers(value) : undefined;
  if (wrapper === undefined && !anyMay && !nul) {
    // Only the leading token (it keeps its spaces) and the device prefix are left to look at.
    let i = 0;
    while (i < n && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
    const c0 = value.charCodeAt(i);
    const c1 = value.charCodeAt(i + 1);
    const device = c0 === 92 && c1 === 92;
    const pathStart = c0 === 47 || c0 === 92 || c0 === 46 || c0 === 126 || (isAlnum(c0) && c1 === 58);
    if (!device && !pathStart) return undefined;
  }
  return detectFull(value, wrapper);
}

/** System roots that a drive-relative name may begin with, glued (`c:inetpubwwwroot…`). */
const DRIVE_GLUED_ROOTS = ['windows', 'winnt', 'inetpub', 'system32'];

/**
 * A drive-relative Windows path at the start of the value: a drive letter and a name with no
 * separator after the colon (`c:boot.ini`, `d:web.config`), which Windows resolves against that
 * drive's current directory; it is also what is left of `c:\…` after a list lost its backslashes
 * (`c:inetpubwwwroot…`). High when the name is a system or secret file, a system root followed by a
 * separator (`c:windows\system32`), or a system root with more glued to it; nothing otherwise, so
 * `a:1`, `q:hello` and `x:y.txt` pass. `a` is the index after the colon; at most MAX_NAMED_SEGMENT
 * characters are read.
 */
function driveRelative(s: string, a: number): Hit | undefined {
  let e = a;
  while (e < s.length && e - a <= MAX_NAMED_SEGMENT) {
    const c = s.charCodeAt(e);
    if (c === 47 || c === 92 || c === 58 || isBoundary(c)) break;
    e++;
  }
  if (e === a || e - a > MAX_NAMED_SEGMENT) return undefined;
  const seg = s.slice(a, e).toLowerCase();
  const sep = s.charCodeAt(e) === 47 || s.charCodeAt(e) === 92;
  let hit = sensitiveName(seg) || crownSingle(seg) || (sep && STRONG_ROOTS.has(seg));
  for (let k = 0; k < DRIVE_GLUED_ROOTS.length && !hit; k++) {
    const r = DRIVE_GLUED_ROOTS[k]!;
    hit = seg.startsWith(r) && seg.length > r.length;
  }
  if (!hit) return undefined;
  return { rule: 'path.system-file', confidence: 'high', reason: 'A drive-relative Windows path (no separator after the drive) to a system location or file.' };
}

/** The rules in order, once the value holds something that may hit (`wrapper`: scanWrappers' answer). */
function detectFull(value: string, wrapper: Hit | undefined): Detection | undefined {
  let best: Hit | undefined = wrapper;
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
  // Device and extended-length paths: `\\?\C:\…`, `\\.\PhysicalDrive0` (the `?` would end a token).
  const c2 = value.charCodeAt(i + 2);
  if (c0 === 92 && c1 === 92 && (c2 === 63 || c2 === 46) && value.charCodeAt(i + 3) === 92) {
    return { rule: 'path.windows-device', confidence: 'high', reason: 'A Windows device or extended-length path prefix.' };
  }
  if (c1 === 58 && ((c0 | 0x20) >= 97 && (c0 | 0x20) <= 122)) {
    best = better(best, driveRelative(value, i + 2));
    if (best?.confidence === 'high') return best;
  }
  const pathStart = c0 === 47 || c0 === 92 || c0 === 46 || c0 === 126 || (isAlnum(c0) && c1 === 58 && (value.charCodeAt(i + 2) === 47 || value.charCodeAt(i + 2) === 92));
  let leadStart = -1;
  let leadEnd = -1;
  if (pathStart) {
    let j = i;
    while (j < n) {
      const c = value.charCodeAt(j);
      if (c === 10 || c === 13 || c === 34 || c === 39 || c === 96 || c === 60 || c === 62 || c === 124 || c === 63 || c === 0) break;
      j++;
    }
    if (tokenMayHit(value, i, j)) best = better(best, analyzeToken(value, i, j, true, false));
    if (best?.confidence === 'high') return best;
    leadStart = i;
    leadEnd = j;
  }
  // Every whitespace/punctuation-delimited token (the leading one again, without its spaces).
  let first = true;
  while (i < n) {
    while (i < n && isBoundary(value.charCodeAt(i))) i++;
    if (i >= n) break;
    let j = i;
    let interesting = false;
    for (; j < n; j++) {
      const c = value.charCodeAt(j);
      if (c >= 0x80) interesting = true;
      else {
        const t = PT[c] as number;
        if (t & PT_BOUND) break;
        if (t & PT_INTERESTING) interesting = true;
      }
    }
    // The leading token again, unchanged: already analysed.
    if (interesting && j - i >= 3 && !(i === leadStart && j === leadEnd)) {
      // `](../x.md)` and `href="../"`: links resolve against a URL, not a directory.
      const p1 = i > 0 ? value.charCodeAt(i - 1) : 0;
      const p2 = i > 1 ? value.charCodeAt(i - 2) : 0;
      const link = (p1 === 40 && p2 === 93) || ((p1 === 34 || p1 === 39) && p2 === 61);
      if (tokenMayHit(value, i, j)) best = better(best, analyzeToken(value, i, j, first, link));
      if (best?.confidence === 'high') return best;
    }
    first = false;
    i = j;
  }
  return best === undefined ? undefined : { rule: best.rule, reason: best.reason, confidence: best.confidence };
}
