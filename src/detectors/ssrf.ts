/**
 * Server-side request forgery: is the value (or a URL inside it) an address the function should never
 * be made to fetch: loopback, private and link-local networks, the cloud metadata services, the Lambda
 * Runtime API, internal-only DNS names, or a scheme that turns an HTTP client into a protocol smuggler
 * (`gopher://`, `dict://`, `file://`, `ldap://`)?
 *
 * Decided by structure: URLs are found by their scheme and split the way WHATWG parsers do (any run of
 * `/` and `\` after a special scheme, userinfo up to the last `@`, authority ending at `/ ? # \`), and
 * the host is parsed by the small IPv4/IPv6 parsers below, not matched: every IPv4 spelling a URL
 * parser accepts (decimal `2130706433`, hex `0x7f000001`, octal `0177.0.0.1`, short `127.1`, mixed
 * `0x7f.0.0.1`, trailing dot), 32-bit overflow spellings older parsers truncate (`7147006462`), IPv6
 * with embedded IPv4 (`::ffff:127.0.0.1`, `::ffff:7f00:1`, NAT64, 6to4), zone ids, and Unicode digits
 * and dots that IDNA folds (`①②⑦.⓪.⓪.①`, `169。254。169。254`). Both hosts of a userinfo trick are
 * checked (`http://public.com@127.0.0.1/`, `http://127.0.0.1:80@public.com/`).
 *
 * Confidence: a URL to an internal or metadata address is `high`; a bare host with a path or port
 * (`localhost:8080/`, `localhost/`, `169.254.169.254/latest`) is `high` when it is the whole value
 * (`metadata/…` only with GCP's `/computeMetadata/` path: otherwise it is a directory name, `low`);
 * an internal IP with a port as the whole value (`127.0.0.1:6379`, `169.254.169.254:80`, `0x7f000001:6379`
 * in hex or octal, a trailing dot before the port: loopback, link-local and metadata only) and a DNS-rebinding service's name (`7f000001.a9fea9fe.rbndr.us`,
 * `make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms`) as the whole value are `high` too; a bare private IP
 * (`10.0.0.1`, a plausible configuration value) is `medium`; integers and version numbers ("1.2.3.4")
 * outside a URL are nothing. URLs to public hosts (`https://example.com`, `https://8.8.8.8/`) pass.
 *
 * Cost: a native `indexOf(':')` decides whether URLs are looked for (one pass over the colons of
 * schemes); one table-driven pass over the tokens finds bare hosts, skipping at once every token
 * without a dot, colon, slash, bracket or non-ASCII character. Ordinary names and colons (times,
 * `Mozilla/5.0`, `shop.example.com`) are ruled out in place, without lower-cased copies; so are
 * non-ASCII names (`é.é`, `ａ．ｂ`, Cyrillic words with dots), read through a per-character table of
 * what NFKC and lower-casing make of each character (foldTable), without folding. Every host is at
 * most 256 characters of look-ahead, so the whole scan stays linear.
 */
import type { Confidence, Detection } from '../types';
import { C } from '../charclass';
import { better, colonFrom, hexVal, RANK, type Hit } from './util';

/** `s.indexOf(ch, from)` limited to `[from, end)`. */
function indexWithin(s: string, ch: string, from: number, end: number): number {
  for (let i = from; i < end && i < s.length; i++) if (s[i] === ch) return i;
  return -1;
}
function lastIndexWithin(s: string, ch: string, from: number, end: number): number {
  for (let i = Math.min(end, s.length) - 1; i >= from; i--) if (s[i] === ch) return i;
  return -1;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A character of a URL scheme name: a letter, a digit, `+`, `-`, `.` or `_`. */
function isSchemeChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 43 || c === 45 || c === 46 || c === 95;
}

/**
 * isSchemeChar as a table (ASCII; 0 above): one load where the chain of comparisons ran on every
 * colon scanUrls visits (`a: b&`, `'::'` runs: a colon every few characters).
 */
const SCHEME_CHAR = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) if (isSchemeChar(c)) SCHEME_CHAR[c] = 1;
})();

// ---------------------------------------------------------------------------------------------------
// IPv4
// ---------------------------------------------------------------------------------------------------

export interface ParsedV4 {
  /** The address as an unsigned 32-bit integer (low 32 bits when the spelling overflowed). */
  value: number;
  /** Not the canonical dotted-decimal form: hex, octal, fewer than four parts, leading zeros. */
  obfuscated: boolean;
  /** A part was larger than the URL standard allows; `value` holds what a truncating parser uses. */
  overflow: boolean;
  /** Four plain decimal parts without leading zeros: `10.0.0.1`. */
  dotted: boolean;
}

const TWO32 = 4294967296;

/**
 * Parses an IPv4 host as the WHATWG URL standard (and inet_aton) do: one to four parts separated by
 * dots (one trailing dot allowed), each decimal, octal with a leading `0`, or hex with `0x`; the last
 * part fills the remaining bytes. Returns undefined when the text is not an IPv4 spelling at all.
 */
export function parseIPv4(host: string): ParsedV4 | undefined {
  let h = host;
  if (h.length === 0 || h.length > 128) return undefined;
  if (h.charCodeAt(h.length - 1) === 46) h = h.slice(0, -1);
  const parts: number[] = [];
  let obfuscated = false;
  let overflow = false;
  let partStart = 0;
  for (let i = 0; i <= h.length; i++) {
    if (i < h.length && h.charCodeAt(i) !== 46) continue;
    if (i === partStart || parts.length === 4) return undefined;
    // One part: radix by prefix, value kept modulo 2^32 plus an overflow flag.
    let p = partStart;
    let radix = 10;
    if (h.charCodeAt(p) === 48 && (h.charCodeAt(p + 1) | 0x20) === 120 && p + 1 < i) {
      radix = 16;
      p += 2;
      obfuscated = true;
    } else if (h.charCodeAt(p) === 48 && i - p > 1) {
      radix = 8;
      p += 1;
      obfuscated = true;
    }
    let v = 0;
    let big = false;
    for (let k = p; k < i; k++) {
      const d = radix === 16 ? hexVal(h.charCodeAt(k)) : h.charCodeAt(k) - 48;
      if (d < 0 || d >= radix) return undefined;
      const next = v * radix + d;
      if (next >= TWO32) big = true;
      v = next % TWO32;
    }
    parts.push(big ? -1 - v : v);
    partStart = i + 1;
  }
  if (parts.length === 0) return undefined;
  // Unwrap the overflow marks: -1 - v encodes "overflowed, low bits v".
  const vals: number[] = [];
  for (const x of parts) {
    if (x < 0) {
      overflow = true;
      vals.push(-1 - x);
    } else vals.push(x);
  }
  const last = vals[vals.length - 1]!;
  let value = 0;
  for (let k = 0; k < vals.length - 1; k++) {
    const b = vals[k]!;
    // Only the last part may be wide; `999.1.1.1` is no address for any parser.
    if (b > 255) return undefined;
    value = value * 256 + b;
  }
  const lastBytes = 5 - vals.length;
  const lastMax = Math.pow(256, lastBytes);
  if (last >= lastMax) overflow = true;
  value = (value * lastMax + (last % lastMax)) % TWO32;
  if (vals.length !== 4) obfuscated = true;
  return { value: value >>> 0, obfuscated: obfuscated || overflow, overflow, dotted: !obfuscated && vals.length === 4 && !overflow };
}

type Category = 'metadata' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'reserved' | 'public';

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/** Metadata and host-agent endpoints reachable from cloud workloads. */
const METADATA_V4 = new Set([
  v4(169, 254, 169, 254), // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle, Hetzner IMDS
  v4(169, 254, 170, 2), // AWS ECS task metadata / credentials
  v4(169, 254, 170, 23), // AWS EKS Pod Identity agent
  v4(168, 63, 129, 16), // Azure WireServer
  v4(100, 100, 100, 200), // Alibaba Cloud
  v4(192, 0, 0, 192), // Oracle Cloud (legacy)
]);

function inNet(x: number, net: number, bits: number): boolean {
  if (bits === 0) return true;
  const shift = 32 - bits;
  return x >>> shift === net >>> shift;
}

export function classifyIPv4(x: number): Category {
  if (METADATA_V4.has(x)) return 'metadata';
  if (inNet(x, v4(127, 0, 0, 0), 8)) return 'loopback';
  if (inNet(x, v4(0, 0, 0, 0), 8)) return 'unspecified';
  if (inNet(x, v4(10, 0, 0, 0), 8) || inNet(x, v4(172, 16, 0, 0), 12) || inNet(x, v4(192, 168, 0, 0), 16)) return 'private';
  if (inNet(x, v4(100, 64, 0, 0), 10)) return 'private'; // carrier-grade NAT, VPC-internal at some clouds
  if (inNet(x, v4(169, 254, 0, 0), 16)) return 'link-local';
  if (
    inNet(x, v4(192, 0, 0, 0), 24) ||
    inNet(x, v4(192, 0, 2, 0), 24) ||
    inNet(x, v4(198, 18, 0, 0), 15) ||
    inNet(x, v4(198, 51, 100, 0), 24) ||
    inNet(x, v4(203, 0, 113, 0), 24) ||
    inNet(x, v4(224, 0, 0, 0), 4) ||
    inNet(x, v4(240, 0, 0, 0), 4)
  ) {
    return 'reserved';
  }
  return 'public';
}

// ---------------------------------------------------------------------------------------------------
// IPv6
// ---------------------------------------------------------------------------------------------------

/**
 * Parses an IPv6 address (no brackets) into eight 16-bit groups: `::` compression, an embedded dotted
 * IPv4 tail, a zone id (`%eth0`, `%25eth0`) ignored. Lenient where attackers are: a last group of 5–8
 * hex digits is read as the 32-bit tail (`::ffff:7f000001`). Undefined when it is not IPv6.
 */
export function parseIPv6(text: string): number[] | undefined {
  return parseIPv6At(text, 0, text.length) ? [V6[0]!, V6[1]!, V6[2]!, V6[3]!, V6[4]!, V6[5]!, V6[6]!, V6[7]!] : undefined;
}

/** parseIPv6At's groups (valid after it returned true), and the groups after a `::` while it reads. */
const V6 = new Int32Array(8);
const V6_TAIL = new Int32Array(8);

/**
 * parseIPv6 of s[a, b), in place: true when it is IPv6, its eight groups then in V6. The token scan
 * asks this of every token with a `::`; parseIPv6 on a slice built two arrays, a slice per group and
 * a concatenation per token (a megabyte of `::1 ` spent ~3/4 of the detector there and in the
 * collector). Same reading, step by step: the text ends at its first `%` (a zone id), is 2 to 64
 * characters long, the groups are counted as they come and the answer is undefined (false) where
 * parseIPv6 returned undefined. More than eight groups is undefined in any case (parseIPv6's final
 * test), so the reading stops at the ninth. The embedded IPv4 tail is still parsed from a slice
 * (rare: a dot after hex digits).
 */
function parseIPv6At(s: string, a: number, b: number): boolean {
  let e = a;
  while (e < b && s.charCodeAt(e) !== 37) e++;
  if (e - a < 2 || e - a > 64) return false;
  let nh = 0; // groups before the `::` (in V6)
  let nt = 0; // groups after it (in V6_TAIL)
  let seenDouble = false;
  let i = a;
  if (s.charCodeAt(a) === 58 && s.charCodeAt(a + 1) === 58) {
    seenDouble = true;
    i = a + 2;
    if (i === e) {
      V6.fill(0);
      return true;
    }
  }
  while (i < e) {
    let j = i;
    let v = 0;
    for (; j < e; j++) {
      const h = hexVal(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
    }
    if (j < e && s.charCodeAt(j) === 46 /* . */) {
      // Embedded IPv4 tail: must be dotted decimal per RFC 4291; accept any IPv4 spelling.
      const p = parseIPv4(s.slice(i, e));
      if (p === undefined || nh + nt + 2 > 8) return false;
      if (seenDouble) {
        V6_TAIL[nt++] = p.value >>> 16;
        V6_TAIL[nt++] = p.value & 0xffff;
      } else {
        V6[nh++] = p.value >>> 16;
        V6[nh++] = p.value & 0xffff;
      }
      i = e;
      break;
    }
    const len = j - i;
    if (len === 0 || len > 8) return false;
    if (len > 4) {
      if (j !== e || nh + nt + 2 > 8) return false;
      if (seenDouble) {
        V6_TAIL[nt++] = Math.floor(v / 65536) & 0xffff;
        V6_TAIL[nt++] = v & 0xffff;
      } else {
        V6[nh++] = Math.floor(v / 65536) & 0xffff;
        V6[nh++] = v & 0xffff;
      }
      i = j;
      break;
    }
    if (nh + nt === 8) return false;
    if (seenDouble) V6_TAIL[nt++] = v;
    else V6[nh++] = v;
    if (j === e) {
      i = j;
      break;
    }
    if (s.charCodeAt(j) !== 58) return false;
    if (j + 1 < e && s.charCodeAt(j + 1) === 58) {
      if (seenDouble) return false;
      seenDouble = true;
      i = j + 2;
      if (i === e) break;
      continue;
    }
    i = j + 1;
    if (i === e) return false;
  }
  const total = nh + nt;
  if (total > 8 || (!seenDouble && total !== 8) || (seenDouble && total > 7)) return false;
  // The head, zeros, then the tail.
  for (let k = nh; k < 8; k++) V6[k] = 0;
  for (let k = 0; k < nt; k++) V6[8 - nt + k] = V6_TAIL[k] as number;
  return true;
}

/** What an IPv6 address reaches, following IPv4 embeddings (mapped, compatible, NAT64, 6to4). */
export function classifyIPv6(g: ArrayLike<number>): { category: Category; via4: boolean } {
  // (Indexed reads: destructuring iterates, an allocation per call on a typed array.)
  const g0 = g[0] as number;
  const g1 = g[1] as number;
  const g2 = g[2] as number;
  const g3 = g[3] as number;
  const g4 = g[4] as number;
  const g5 = g[5] as number;
  const g6 = g[6] as number;
  const g7 = g[7] as number;
  const tail4 = (((g6 << 16) >>> 0) + g7) >>> 0;
  const zero5 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zero5 && g5 === 0 && g6 === 0 && g7 === 0) return { category: 'unspecified', via4: false };
  if (zero5 && g5 === 0 && g6 === 0 && g7 === 1) return { category: 'loopback', via4: false };
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), ::ffff:0:a.b.c.d (SIIT), 64:ff9b::a.b.c.d (NAT64).
  if ((zero5 && (g5 === 0xffff || g5 === 0)) || (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0)) {
    return { category: classifyIPv4(tail4), via4: true };
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return { category: classifyIPv4(tail4), via4: true };
  if (g0 === 0x2002) return { category: classifyIPv4((((g1 << 16) >>> 0) + g2) >>> 0), via4: true };
  if (g0 === 0xfd00 && g1 === 0x0ec2 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0 && g7 === 0x254) {
    return { category: 'metadata', via4: false }; // AWS IMDS over IPv6
  }
  if ((g0 & 0xffc0) === 0xfe80) return { category: 'link-local', via4: false };
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfec0) return { category: 'private', via4: false };
  if ((g0 & 0xff00) === 0xff00) return { category: 'reserved', via4: false };
  if (g0 === 0x2001 && g1 === 0x0db8) return { category: 'reserved', via4: false };
  // Only 2000::/3 is global unicast; the rest is unassigned or special.
  if ((g0 & 0xe000) !== 0x2000) return { category: 'reserved', via4: false };
  return { category: 'public', via4: false };
}

// ---------------------------------------------------------------------------------------------------
// Host names
// ---------------------------------------------------------------------------------------------------

const LOOPBACK_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'localhost4',
  'localhost4.localdomain4',
  'localhost6',
  'localhost6.localdomain6',
  'ip6-localhost',
  'ip6-loopback',
  'ipv6-localhost',
  'ipv6-loopback',
  // Public DNS names that resolve to 127.0.0.1 (and every subdomain does too).
  'localtest.me',
  'lvh.me',
  'localh.st',
  'vcap.me',
]);

const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.packet.net',
  'metadata.platformequinix.com',
  'metadata.tencentyun.com',
]);

/** Suffixes of names that only resolve inside a private network. */
const INTERNAL_SUFFIXES = [
  '.localhost', '.internal', '.local', '.localdomain', '.home.arpa', '.svc', '.cluster.local', '.localtest.me', '.lvh.me', '.localh.st',
  '.vcap.me',
  // Consul's service-discovery domain (`vault.service.consul`): answered only by the cluster's agents.
  '.consul',
];

/** Wildcard DNS services that answer with the IP written in the name. */
const IP_IN_NAME_SUFFIXES = ['.nip.io', '.sslip.io', '.xip.io', '.nip.direct', '.traefik.me', '.rbndr.us', '.1u.ms'];

interface HostVerdict {
  category: Category | 'internal-name' | 'single-label';
  /** For reasons: how the address was spelled. */
  spelling: 'ip' | 'obfuscated-ip' | 'overflow-ip' | 'ipv6' | 'name' | 'ip-in-name' | 'rebinding';
}

/** Normalises a host: lower case, IDNA-style folding of Unicode digits, letters and dots. */
function foldHost(host: string): string {
  let h = host;
  if (hasWide(h)) {
    const batched = foldBatch?.get(h);
    if (batched !== undefined) return batched;
    foldsAlone++;
    h = foldWide(h);
  }
  h = h.toLowerCase();
  while (h.length > 0 && h.charCodeAt(h.length - 1) === 46) h = h.slice(0, -1);
  return h;
}

/** foldHost's Unicode step, before lower-casing. */
function foldWide(text: string): string {
  // Ideographic and full-width full stops are label separators under IDNA.
  const h = text.replaceAll('\u3002', '.').replaceAll('\uff0e', '.').replaceAll('\uff61', '.');
  try {
    return h.normalize('NFKC');
  } catch {
    // Lone surrogates: keep the text as is.
    return h;
  }
}

/**
 * foldHost's answers for the non-ASCII hosts of the value being scanned, computed together
 * (prepareFoldBatch), or undefined. normalize() and toLowerCase() on a non-ASCII string cost ~100-250
 * ns a call whatever its length, ~10 ns a host when the hosts are joined: a value of short non-ASCII
 * tokens with dots (`ａ．ｂ ａ．ｂ`, `é.é é.é`, Cyrillic prose) folded one host at a time cost the
 * SSRF check 100-190 µs per KB, several times what ordinary text costs the whole engine.
 */
let foldBatch: Map<string, string> | undefined;

/**
 * Non-ASCII hosts folded one at a time in a scan before the rest of the value is folded at once.
 * Only hosts the fold table cannot rule out are folded at all (a character it leaves to folding, or
 * a look-alike of a known name): `ａ．ｂ`, `é.é` and most non-ASCII prose never count.
 */
const FOLD_ONE_BY_ONE = 8;

/** Hosts foldHost folded without a batch in this scan (detectSsrf resets it). */
let foldsAlone = 0;

/**
 * Folds the host part of every non-ASCII token of s from `from` on at once, into foldBatch, but for
 * those the fold table rules out. Each host is what bareHostToken would read (the token up to its
 * first `/ ? # : \`, tokenEnd). A batch only spares work: a host missing from it is folded alone.
 * They are joined by line feeds: a line feed is a delimiter (never in a token), NFKC never produces
 * one, it neither composes nor decomposes (so normalization of the joined text is the normalization
 * of each piece, joined), and it is neither cased nor case-ignorable (so lower-casing a piece sees
 * the same context as alone: the final-sigma rule stops at it as at the ends of a string). If the
 * pieces do not come back one for one, the batch is empty and each host is folded alone.
 */
function prepareFoldBatch(s: string, from: number): void {
  const hosts: string[] = [];
  const seen = new Set<string>();
  const n = s.length;
  for (let i = skipDelims(s, from); i < n; ) {
    const j = tokenEnd(s, i);
    // Hosts the fold table rules out are never folded: not batched either. (A host without a
    // FOLD_SLOW character, read from its ends by foldedCandidate; which hosts are batched only
    // decides what is folded here rather than alone, never an answer.)
    const e = tokStop === -1 ? j : tokStop;
    if (tokSeen & BH_WIDE && (e - i > 255 || tokSeen & BH_FOLD_SLOW || foldedCandidate(s, i, e, true))) {
      const host = s.slice(i, e);
      if (!seen.has(host) && hasWide(host)) {
        seen.add(host);
        hosts.push(host);
      }
    }
    i = skipDelims(s, j);
  }
  const folded = foldWide(hosts.join('\n')).toLowerCase().split('\n');
  if (folded.length !== hosts.length) {
    // (Never seen: NFKC makes no line feed.) An empty batch: each host folded alone, no retry.
    foldBatch = new Map();
    return;
  }
  const batch = new Map<string, string>();
  for (let k = 0; k < hosts.length; k++) {
    let f = folded[k]!;
    let e = f.length;
    while (e > 0 && f.charCodeAt(e - 1) === 46) e--;
    if (e < f.length) f = f.slice(0, e);
    batch.set(hosts[k]!, f);
  }
  foldBatch = batch;
}

function hasWide(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------
// The fold table: foldHost's answer for one BMP character, so that a non-ASCII name can be ruled out
// without folding it.
// ---------------------------------------------------------------------------------------------------

/**
 * Per BMP code unit >= 0x80, what foldHost's Unicode step and lower-casing (foldWide, toLowerCase)
 * make of it alone: FOLD_UNBUILT (its 256-block not built yet), FOLD_SLOW (anything below: the host
 * is folded as before), FOLD_OPAQUE (only non-ASCII characters), or FOLD_ASCII + x (exactly one ASCII
 * character x, lower case, not a colon: `ａ` a, `．` `。` `｡` `.`, `１` `①` 1, Kelvin sign k, `ſ` s).
 *
 * A character is FOLD_OPAQUE or FOLD_ASCII only if its NFKD begins with a starter (canonical
 * combining class 0): a combining mark (U+0301), or a character that decomposes to one first (U+0344),
 * is FOLD_SLOW. Why the table then tells what a host folds to (h: ASCII and FOLD_OPAQUE / FOLD_ASCII
 * characters; f: foldHost(h) before its trailing dots go; a piece: one character's NFKD):
 *  - NFKD(h) is the pieces joined: NFKD works per character, and canonical reordering, which only
 *    moves non-starters past non-starters, never crosses into a piece that begins with a starter.
 *  - NFKC(h) composes NFKD(h). Composition never makes an ASCII character (none has a decomposition)
 *    and never takes one as the second of a pair (no decomposition has an ASCII character after its
 *    first). A character composes onto the last starter before it, and a starter in between blocks
 *    it; so what composes onto an ASCII starter x is what follows x in its own piece (as when that
 *    character is folded alone), or the next piece's first starter if x ends its piece, and no ASCII
 *    character composes with a following table character (NFKC(x + c) = x + NFKC(c) for every ASCII
 *    x and BMP table character c). So each ASCII character of NFKD(h) is in NFKC(h) exactly when it
 *    is in its character's NFKC alone. A piece's first starter may compose onto the end of the piece
 *    before (Hangul jamo): both non-ASCII, both of FOLD_OPAQUE characters, the result non-ASCII.
 *  - Lower-casing the joined text differs from lower-casing each character only by Final_Sigma (σ
 *    or ς, both non-ASCII), and only U+0130 and U+212A lower-case from non-ASCII to ASCII: U+0130 is
 *    FOLD_SLOW (`i̇`), U+212A FOLD_ASCII, and composition makes neither.
 * So f is h with ASCII characters lower-cased, each FOLD_ASCII character replaced by its character
 * and each run of FOLD_OPAQUE characters by a non-empty run of non-ASCII ones. wideFastCandidate and
 * foldedCandidate read h that way, a FOLD_OPAQUE character as 0, which matches no character of a name:
 * what wideNameCandidate asks of f (its first character a digit, a colon in it, and, trailing dots
 * dropped, a known name, the prefix `kubernetes.default`, a known suffix: all ASCII, read from an
 * end of f up to its first non-ASCII character, or all of f when it is ASCII) gets the same answer.
 * Surrogates (D800-DFFF) stay FOLD_SLOW here: a pair is read by astralBH. (The facts about
 * decompositions and lower-casing were checked over every code point with this Node's ICU; Unicode's
 * normalization stability policy keeps them: decompositions never change, new composites are never
 * formed from existing characters.)
 *
 * Built by 256-blocks on first use (one NFKC, one NFKD and one NFD over a block's characters joined by
 * line feeds: ~0.1-0.3 ms a block, ~40-60 ms if a process meets every block); 64 KB. A short
 * non-ASCII token then costs a table load per character instead of a slice, a Map look-up and its
 * share of a batched fold.
 */
const FOLD_UNBUILT = 0;
const FOLD_SLOW = 1;
const FOLD_OPAQUE = 2;
const FOLD_ASCII = 128;
/** (Allocated at load, zero-filled by the system: only its blocks are built lazily.) */
const foldTable = new Uint8Array(65536);

/** Fills the fold table's block `hi` (code units hi*256 ... hi*256+255, those >= 0x80); returns c's entry. */
function buildFoldBlock(hi: number, c: number): number {
  const table = foldTable;
  const lo = hi === 0 ? 0x80 : hi << 8;
  const end = (hi + 1) << 8;
  table.fill(FOLD_SLOW, lo, end);
  // (High surrogates stay BHW_UNBUILT: tokenEnd reads them again, in pairs; see wideBits.)
  if (hi < 0xd8 || hi > 0xdb) BHW.fill(BH_SHAPE | BH_WIDE | BH_FOLD_SLOW, lo, end);
  if (hi >= 0xd8 && hi <= 0xdf) return FOLD_SLOW; // surrogates (pairs: astralBits)
  const entries = foldEntries(lo, end);
  if (entries === undefined) return table[c] as number;
  for (let k = 0; k < entries.length; k++) {
    const t = entries[k] as number;
    if (t === FOLD_SLOW) continue;
    table[lo + k] = t;
    BHW[lo + k] = BH_SHAPE | BH_WIDE;
  }
  return table[c] as number;
}

/**
 * The fold-table entries (FOLD_SLOW, FOLD_OPAQUE, FOLD_ASCII + x, see foldTable) of the code points
 * lo ... end-1, or undefined (all FOLD_SLOW) if a split does not come back one for one.
 */
function foldEntries(lo: number, end: number): Uint8Array | undefined {
  const chars: string[] = [];
  for (let k = lo; k < end; k++) chars.push(String.fromCodePoint(k));
  // A line feed between characters: NFKC/NFKD/NFD neither make one nor compose across one, and
  // lower-casing stops at it (see prepareFoldBatch).
  const folded = foldWide(chars.join('\n')).toLowerCase().split('\n');
  const decomposed = chars.join('\n').normalize('NFKD').split('\n');
  if (folded.length !== chars.length || decomposed.length !== chars.length) return undefined;
  // Is the first code point d of each NFKD a starter? A run of non-starters is sorted by combining
  // class under NFD: U+0345 (class 240), d, U+0334 (class 1) stays as it is only when d is a starter
  // (then it splits the run); any non-starter d makes U+0334 move ahead of U+0345. Below U+0300 (the
  // first combining mark) every character is a starter: no probe (`a`). One NFD for the block; split
  // only when something moved.
  let probe = '';
  for (const d of decomposed) {
    const cp = d.codePointAt(0) ?? 0;
    probe += cp < 0x300 ? 'a\n' : '\u0345' + String.fromCodePoint(cp) + '\u0334\n';
  }
  const probed = probe.normalize('NFD');
  const before = probed === probe ? undefined : probe.split('\n');
  const after = before === undefined ? undefined : probed.split('\n');
  if (after !== undefined && after.length !== before!.length) return undefined;
  const entries = new Uint8Array(chars.length).fill(FOLD_SLOW);
  for (let k = 0; k < chars.length; k++) {
    if (decomposed[k]!.length === 0 || (after !== undefined && after[k] !== before![k])) continue;
    const f = folded[k]!;
    let ascii = 0;
    for (let q = 0; q < f.length; q++) if (f.charCodeAt(q) < 0x80) ascii++;
    if (ascii === 0 && f.length > 0) entries[k] = FOLD_OPAQUE;
    // (A character that folds to a colon stays FOLD_SLOW: the fast readings need not look for one.)
    else if (ascii === 1 && f.length === 1 && f.charCodeAt(0) !== 58) entries[k] = FOLD_ASCII + f.charCodeAt(0);
  }
  return entries;
}

/**
 * Characters above the BMP (a surrogate pair, two code units) in planes 1-3 (U+10000-U+3FFFF:
 * emoji, historic scripts, mathematical alphanumerics, CJK extensions): their tokenEnd bits, 0 until
 * their 256-block is built (buildAstralBlock, by foldEntries as for the BMP). Only FOLD_OPAQUE ones
 * are BH_SHAPE | BH_WIDE: every reading of the fold table reads each code unit of such a pair as 0
 * (foldedAt: a surrogate's entry is FOLD_UNBUILT or FOLD_SLOW), i.e. as two FOLD_OPAQUE characters,
 * and foldTable's argument holds as for a BMP FOLD_OPAQUE character (its NFKD begins with a starter
 * and alone it folds to non-ASCII characters only; no ASCII character composes with a following one,
 * checked over planes 1-3 with this Node's ICU, as for the BMP): the pair becomes a non-empty run of
 * non-ASCII characters, as a run of two 0s reads. Everything else is BH_FOLD_SLOW and folded as
 * before: characters that fold to one ASCII character (`𝐥` U+1D425 is `l`: its two code units stand
 * for one folded character, which the readings by position cannot follow), several (`🄁` U+1F101 is
 * `0,`), non-starters, planes 4-16 and lone surrogates. Without it an emoji in a token made it
 * FOLD_SLOW: every such token with a dot was sliced and folded (~25 µs per KB of emoji words).
 * 192 KB, zero-filled by the system; a block costs one NFKC, NFKD and NFD over 256 characters.
 */
const ASTRAL_END = 0x30000;
const astralBH = new Uint8Array(ASTRAL_END);

/** Fills astralBH's block `hi` (U+10000 + hi*256 ...); returns the entry of U+10000 + k. */
function buildAstralBlock(hi: number, k: number): number {
  const lo = hi << 8;
  astralBH.fill(BH_SHAPE | BH_WIDE | BH_FOLD_SLOW, lo, lo + 256);
  const entries = foldEntries(0x10000 + lo, 0x10000 + lo + 256);
  if (entries !== undefined) for (let q = 0; q < 256; q++) if (entries[q] === FOLD_OPAQUE) astralBH[lo + q] = BH_SHAPE | BH_WIDE;
  return astralBH[k] as number;
}

/**
 * The tokenEnd bits of the surrogate pair (hi, lo): BH_SHAPE | BH_WIDE, with BH_FOLD_SLOW unless the
 * character is one astralBH reads as two FOLD_OPAQUE code units.
 */
function astralBits(hi: number, lo: number): number {
  const k = ((hi - 0xd800) << 10) + (lo - 0xdc00);
  if (k >= ASTRAL_END) return BH_SHAPE | BH_WIDE | BH_FOLD_SLOW;
  const t = astralBH[k] as number;
  return t !== 0 ? t : buildAstralBlock(k >> 8, k);
}

/** s[i] is a high surrogate and s[i + 1] a low one (i + 1 < s.length). */
function pairAt(s: string, i: number, c: number): boolean {
  return (c & 0xfc00) === 0xd800 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
}

/**
 * s[i] as the fold table reads it (see foldTable): ASCII lower-cased, FOLD_OPAQUE as 0. Block built
 * (a surrogate reads 0 whether its block is built or not: FOLD_UNBUILT and FOLD_SLOW are both below
 * FOLD_ASCII; see astralBH).
 */
function foldedAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x80) return c >= 65 && c <= 90 ? c | 0x20 : c;
  const t = foldTable[c] as number;
  return t >= FOLD_ASCII ? t - FOLD_ASCII : 0;
}

/**
 * nameCandidateAt for s[a, b) (at most 255 long) decided from the fold table without folding: 1 (a
 * candidate), 0 (not one), or -1 (a character the table leaves to folding: ask wideNameCandidate).
 * Without a non-ASCII character it is knownNameAt; with one, wideNameCandidate's answer (see
 * foldTable for why they agree).
 */
function wideFastCandidate(s: string, a: number, b: number): number {
  let colon = false;
  let wide = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 58) colon = true;
      continue;
    }
    let t = foldTable[c] as number;
    if (t === FOLD_UNBUILT) t = buildFoldBlock(c >> 8, c);
    if (t === FOLD_SLOW) {
      // (A surrogate pair: astralBH. Asked only of FOLD_SLOW code units, so BMP text pays nothing.)
      if (!pairAt(s, i, c) || astralBits(c, s.charCodeAt(i + 1)) & BH_FOLD_SLOW) return -1;
      i++;
    }
    wide = true;
  }
  if (wide && colon) return 1;
  return foldedCandidate(s, a, b, wide) ? 1 : 0;
}

/**
 * wideFastCandidate's answer for s[a, b) when every non-ASCII character in it has a fold-table entry
 * other than FOLD_SLOW and, if `wide` (there is one), no ASCII colon is in it: read from its ends.
 */
function foldedCandidate(s: string, a: number, b: number, wide: boolean): boolean {
  if (wide && isDigit(foldedAt(s, a))) return true;
  // knownNameAt over the folded reading.
  let e = b;
  while (e > a && foldedAt(s, e - 1) === 46) e--;
  if (e === a) return false;
  const names = NAMES_BY_LENGTH[e - a];
  if (names !== undefined) for (const name of names) if (foldedEquals(s, a, name)) return true;
  if (e - a >= 18 && foldedEquals(s, a, 'kubernetes.default')) return true;
  const sufs = SUFFIXES_BY_LAST[foldedAt(s, e - 1)];
  if (sufs !== undefined) for (const suf of sufs) if (e - a >= suf.length && foldedEquals(s, e - suf.length, suf)) return true;
  return false;
}

/** The `.` in s[a, b). */
function countDots(s: string, a: number, b: number): number {
  let dots = 0;
  for (let m = a; m < b; m++) if (s.charCodeAt(m) === 46) dots++;
  return dots;
}

/**
 * The `.` in what foldHost's Unicode step and lower-casing make of s[a, b): read through the fold
 * table (FOLD_ASCII dots: `．` `。` `｡`), or, when a character of it is FOLD_SLOW, counted in the
 * folded slice (rare: such hosts are folded anyway). A table load per character otherwise.
 */
function foldedDots(s: string, a: number, b: number): number {
  let dots = 0;
  for (let m = a; m < b; m++) {
    const c = s.charCodeAt(m);
    if (c === 46) dots++;
    else if (c >= 0x80) {
      // (A FOLD_OPAQUE pair has no dot; any other is folded below.)
      if (pairAt(s, m, c) && (astralBits(c, s.charCodeAt(m + 1)) & BH_FOLD_SLOW) === 0) {
        m++;
        continue;
      }
      let t = foldTable[c] as number;
      if (t === FOLD_UNBUILT) t = buildFoldBlock(c >> 8, c);
      if (t === FOLD_SLOW) {
        const f = foldWide(s.slice(a, b)).toLowerCase();
        return countDots(f, 0, f.length);
      }
      if (t === FOLD_ASCII + 46) dots++;
    }
  }
  return dots;
}

/** The folded reading of s from `a` on starts with `word` (ASCII, lower case). */
function foldedEquals(s: string, a: number, word: string): boolean {
  for (let k = word.length - 1; k >= 0; k--) if (foldedAt(s, a + k) !== word.charCodeAt(k)) return false;
  return true;
}

/** Classifies a host (brackets allowed for IPv6). */
function classifyHost(rawHost: string): HostVerdict | undefined {
  if (rawHost.length === 0 || rawHost.length > 255) return undefined;
  let host = rawHost;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    // (In place: parseIPv6's array is built by Array.from, ~4x the cost of a parse, once per token
    // on a run of `'[::]'`.)
    if (!parseIPv6At(host, 1, close === -1 ? host.length : close)) return undefined;
    return { category: classifyIPv6(V6).category, spelling: 'ipv6' };
  }
  host = foldHost(host);
  if (host.length === 0) return undefined;
  const c0 = host.charCodeAt(0);
  if (isDigit(c0)) {
    const p = parseIPv4(host);
    if (p !== undefined) {
      return { category: classifyIPv4(p.value), spelling: p.overflow ? 'overflow-ip' : p.obfuscated ? 'obfuscated-ip' : 'ip' };
    }
  }
  if (host.indexOf(':') !== -1 && parseIPv6At(host, 0, host.length)) return { category: classifyIPv6(V6).category, spelling: 'ipv6' };
  if (METADATA_NAMES.has(host)) return { category: 'metadata', spelling: 'name' };
  if (LOOPBACK_NAMES.has(host)) return { category: 'loopback', spelling: 'name' };
  for (const suf of IP_IN_NAME_SUFFIXES) {
    if (host.endsWith(suf)) {
      const inner = host.slice(0, -suf.length);
      // `10.0.0.1.nip.io`, `app.10.0.0.1.nip.io`, `10-0-0-1.nip.io`, `0a000001.nip.io`.
      // Also `magic-127-0-0-1.nip.io` (a prefix before the dashed address) and rbndr.us's DNS-rebinding
      // names, two hex addresses (`7f000001.a9fea9fe.rbndr.us`): either one counts.
      // 1u.ms's names carry dotted addresses between dashes: `make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms`
      // (first answer, then the rebound one; `rebindfor30s`-style keywords vary), `make-10.0.0.1-rr.1u.ms`.
      // Only four-part segments count, so the keywords and `rr` never parse as addresses.
      const labels = inner.split('.');
      const last = labels[labels.length - 1] ?? '';
      const rebinding = suf === '.rbndr.us' || suf === '.1u.ms';
      const candidates =
        suf === '.1u.ms'
          ? inner.split('-').filter((seg) => seg.split('.').length === 4)
          : suf === '.rbndr.us'
            ? ['0x' + last, '0x' + (labels[labels.length - 2] ?? '')]
            : [labels.slice(-4).join('.'), last.replaceAll('-', '.'), last.split('-').slice(-4).join('.'), '0x' + last];
      // Either address counts: the name answers with each in turn. The most sensitive one names it.
      let found: Category | undefined;
      for (const cand of candidates) {
        const p = parseIPv4(cand);
        if (p !== undefined && (cand.startsWith('0x') ? cand.length === 10 : true)) {
          const cat = classifyIPv4(p.value);
          if (cat !== 'public' && (found === undefined || cat === 'metadata')) found = cat;
        }
      }
      return found === undefined ? undefined : { category: found, spelling: rebinding ? 'rebinding' : 'ip-in-name' };
    }
  }
  for (const suf of INTERNAL_SUFFIXES) if (host.endsWith(suf)) return { category: 'internal-name', spelling: 'name' };
  if (host.startsWith('kubernetes.default')) return { category: 'internal-name', spelling: 'name' };
  // A single DNS label (`http://redis/`, `http://intranet/`) resolves through the VPC's search list.
  if (host.indexOf('.') === -1) {
    for (let i = 0; i < host.length; i++) {
      const c = host.charCodeAt(i);
      if (!(isAlpha(c) || isDigit(c) || c === 45 || c === 95)) return undefined;
    }
    return { category: 'single-label', spelling: 'name' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// URLs and bare hosts
// ---------------------------------------------------------------------------------------------------

/** Schemes whose URLs get `\` and any number of slashes folded, as WHATWG "special" schemes do. */
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);

/** Schemes that name no network host: their "authority" is something else (`javascript://--`). */
const NON_NETWORK_SCHEMES = new Set([
  'javascript',
  'vbscript',
  'data',
  'mailto',
  'about',
  'blob',
  'urn',
  'tel',
  'sms',
  'php',
  'phar',
  'zip',
  'glob',
  'compress.zlib',
  'compress.bzip2',
  'jndi',
  'view-source',
]);

/** Schemes whose dotless hosts resolve through the resolver's search list (`http://redis/`). */
const SINGLE_LABEL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'gopher', 'dict', 'ldap', 'ldaps', 'tftp']);

/** Schemes that only show up in SSRF: they speak raw TCP or read local resources. */
const SMUGGLING_SCHEMES = new Set(['gopher', 'dict', 'file', 'ldap', 'ldaps', 'ldapi', 'tftp', 'jar', 'netdoc', 'smb', 'expect', 'local_file']);

/** The Lambda Runtime API endpoint of this process, if any (`127.0.0.1:9001`). Read once at load. */
const RUNTIME_API: string | undefined = (() => {
  try {
    const v = typeof process !== 'undefined' ? process.env.AWS_LAMBDA_RUNTIME_API : undefined;
    return typeof v === 'string' && v.length > 0 && v.length < 256 ? v.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
})();

const CATEGORY_TEXT: Record<Category | 'internal-name' | 'single-label', string> = {
  metadata: 'a cloud metadata endpoint',
  loopback: 'a loopback address',
  private: 'a private-network address',
  'link-local': 'a link-local address',
  unspecified: 'the unspecified address (0.0.0.0 / ::), which reaches this host',
  reserved: 'a reserved, non-routable address',
  public: 'a public address',
  'internal-name': 'an internal-only host name',
  'single-label': 'a single-label (intranet) host name',
};

function spellingText(v: HostVerdict): string {
  switch (v.spelling) {
    case 'obfuscated-ip':
      return ' written in a non-canonical IP form';
    case 'overflow-ip':
      return ' written as an overflowing integer';
    case 'ip-in-name':
      return ' through a wildcard DNS name';
    case 'rebinding':
      return ' through a DNS-rebinding name';
    default:
      return '';
  }
}

/** Reads a host[:port] at `p`, up to a delimiter. Returns host, port and the end index. */
function readHost(s: string, p: number, end: number): { host: string; port: number; end: number } {
  let i = p;
  if (s.charCodeAt(i) === 91 /* [ */) {
    const close = indexWithin(s, ']', i, end);
    if (close === -1) return { host: s.slice(p, end), port: -1, end };
    i = close + 1;
  } else {
    let colons = 0;
    for (let k = p; k < end; k++) if (s.charCodeAt(k) === 58) colons++;
    // An unbracketed IPv6 literal (`https://2001:db8::1/`): invalid for WHATWG, but some clients
    // accept it; read it whole rather than as host `2001` and port `db8`.
    if (colons >= 2) return { host: s.slice(p, end), port: -1, end };
    while (i < end && s.charCodeAt(i) !== 58 /* : */) i++;
  }
  const host = s.slice(p, i);
  let port = -1;
  if (s.charCodeAt(i) === 58) {
    let j = i + 1;
    let v = 0;
    while (j < end && isDigit(s.charCodeAt(j)) && j - i < 7) v = v * 10 + s.charCodeAt(j++) - 48;
    if (j > i + 1) port = v;
  }
  return { host, port, end };
}

function judge(v: HostVerdict, host: string, port: number, embedded: boolean, scheme: string): Hit | undefined {
  if (v.category === 'single-label' && scheme.length > 0 && !SINGLE_LABEL_SCHEMES.has(scheme)) return undefined;
  const where = CATEGORY_TEXT[v.category] + spellingText(v);
  const what = scheme.length > 0 ? 'A URL' : 'A host';
  if (v.category === 'loopback' && (port === 9001 || (RUNTIME_API !== undefined && `${host.toLowerCase()}:${port}` === RUNTIME_API))) {
    return { rule: 'ssrf.runtime-api', confidence: 'high', reason: `${what} that targets the Lambda Runtime API on loopback.` };
  }
  if (RUNTIME_API !== undefined && port >= 0 && `${host.toLowerCase()}:${port}` === RUNTIME_API) {
    return { rule: 'ssrf.runtime-api', confidence: 'high', reason: `${what} that targets this function's Runtime API endpoint.` };
  }
  switch (v.category) {
    case 'public':
      if (v.spelling === 'obfuscated-ip' || v.spelling === 'overflow-ip') {
        return { rule: 'ssrf.obfuscated-ip', confidence: 'medium', reason: `${what} whose IP address is written in a non-canonical form.` };
      }
      return undefined;
    case 'metadata':
      return { rule: 'ssrf.metadata', confidence: 'high', reason: `${what} that targets ${where}.` };
    case 'internal-name':
    case 'single-label':
      return { rule: 'ssrf.internal-host', confidence: embedded ? 'medium' : 'high', reason: `${what} that targets ${where}.` };
    default:
      return { rule: 'ssrf.internal-ip', confidence: 'high', reason: `${what} that targets ${where}.` };
  }
}

/** Characters that legitimately end an authority. */
function isUrlEnd(c: number): boolean {
  return c === 47 || c === 63 || c === 35 || c === 92 || c <= 32 || c === 34 || c === 39;
}

/** At `p`: a scheme of 2 to 16 letters, digits, `+ - .` and a colon (`http:`, `file:`). */
function wrapsUrl(s: string, p: number): boolean {
  const end = Math.min(s.length, p + 17);
  for (let q = p; q < end; q++) {
    const ch = s.charCodeAt(q);
    if (ch === 58) return q - p >= 2;
    if (!(isAlpha(ch) || isDigit(ch) || ch === 43 || ch === 45 || ch === 46)) return false;
  }
  return false;
}

/**
 * A scheme-relative reference as the whole value (`//169.254.169.254/latest/meta-data/`): resolved
 * against the page or API base (`new URL(value, base)`, an HTML `src`), it is an http(s) URL. Only
 * addresses count here (metadata, loopback, private, link-local IPs and metadata names), not bare
 * intranet names: `//wiki/page` or a `//comment` is more often text than a request target.
 */
function scanSchemeRelative(s: string, a: number): Hit | undefined {
  const c0 = s.charCodeAt(a);
  const c1 = s.charCodeAt(a + 1);
  if (!((c0 === 47 || c0 === 92) && (c1 === 47 || c1 === 92))) return undefined;
  // Any run of `/` and `\` (`///169.254.169.254/`, `/\/…`): URL parsers read it as `//`.
  let h = a + 2;
  while (h < s.length && h - a < 16 && (s.charCodeAt(h) === 47 || s.charCodeAt(h) === 92)) h++;
  const c2 = s.charCodeAt(h);
  if (!(c2 === 91 || isDigit(c2) || isAlpha(c2) || c2 > 127)) return undefined;
  // One reference and nothing else (trailing blanks aside): "//127.0.0.1 is loopback" is a sentence.
  let e = h;
  while (e < s.length && s.charCodeAt(e) > 32) e++;
  for (let q = e; q < s.length; q++) if (s.charCodeAt(q) > 32) return undefined;
  if (e - a > 2048) return undefined;
  const hit = scanUrls(`http://${s.slice(h, e)}`, 0);
  return hit !== undefined && (hit.rule === 'ssrf.metadata' || hit.rule === 'ssrf.internal-ip') ? hit : undefined;
}

/**
 * A whole value of the form `[userinfo]@host/path` without a scheme (`@169.254.169.254/latest/meta-data/`,
 * `x@127.0.0.1/admin`, `evil.com@169.254.169.254/`): appended to a base URL without its slash
 * (`fetch(BASE + path)` with `BASE = 'https://api.example.com'`) or after a scheme (`'http://' + v`),
 * the text before `@` becomes the URL's userinfo and the request goes to the host after it. Read as
 * scanSchemeRelative reads `//host/…`: the value, one token (trailing blanks aside), re-read as the
 * URL `http://<value>`; only loopback, link-local and metadata hosts count, and a path must follow
 * the host (an e-mail address, `bob@localhost`, has none). Cost: one native indexOf for `@` on
 * values of at most 2,048 characters; the URL scan only when `@` comes before the first `/`.
 */
function scanUserinfoHost(s: string, a: number): Hit | undefined {
  if (s.length - a > 2048) return undefined;
  const at = s.indexOf('@', a);
  if (at === -1) return undefined;
  let e = a;
  let slash = -1;
  while (e < s.length && s.charCodeAt(e) > 32) {
    const c = s.charCodeAt(e);
    if (slash === -1 && (c === 47 || c === 92)) slash = e;
    e++;
  }
  for (let q = e; q < s.length; q++) if (s.charCodeAt(q) > 32) return undefined;
  // `@` before the first slash (a URL with a scheme, `http://…`, or `//…` has a slash before it: those
  // are scanUrls' and scanSchemeRelative's), and a path after the host.
  if (slash === -1 || at > slash) return undefined;
  // The host after the last `@`: an address (a digit or `[` first) or a metadata name. A loopback
  // name (`user@localhost/`) reads as an e-mail address with a slash as often.
  const h = s.lastIndexOf('@', slash) + 1;
  const c = s.charCodeAt(h);
  // What a URL's authority holds, and nothing else: userinfo of word characters and `. _ ~ % + - :`,
  // `@`s, then a host of letters, digits, `.` and `-` (or a bracketed IPv6 literal) and an optional
  // port, up to the slash. Anything else (quotes, `<`, a second scheme) is no such value.
  for (let q = a; q < h - 1; q++) {
    const u = s.charCodeAt(q);
    if (!(isAlpha(u) || isDigit(u) || u === 46 || u === 95 || u === 126 || u === 37 || u === 43 || u === 45 || u === 58 || u === 64)) return undefined;
  }
  let q = h;
  if (c === 91) {
    while (q < slash && s.charCodeAt(q) !== 93) q++;
    if (q === slash) return undefined;
    q++;
  } else {
    while (q < slash && (isAlpha(s.charCodeAt(q)) || isDigit(s.charCodeAt(q)) || s.charCodeAt(q) === 46 || s.charCodeAt(q) === 45)) q++;
    if (q === h) return undefined;
  }
  const hostEnd = q;
  if (q < slash && s.charCodeAt(q) === 58) {
    q++;
    if (q === slash) return undefined;
  }
  while (q < slash && isDigit(s.charCodeAt(q))) q++;
  if (q !== slash) return undefined;
  // The request goes to the host after `@` (the userinfo is sent, not connected to): it alone is read,
  // and only loopback, link-local and metadata hosts count (`@5/?z!…`, a random password, reads as
  // 0.0.0.5; a private `me@10.0.0.5/x` is configuration as often).
  const v = classifyHost(s.slice(h, hostEnd));
  // (And the unspecified address written out, `@0.0.0.0/`, `@[::]/` (round 8): Linux connects to it as
  // to loopback. Not `0.0.0.5` or `5`, what a random password's `@5/` reads as.)
  const unspecified = v !== undefined && v.category === 'unspecified' && (c === 91 || equalsCI(s, h, hostEnd, '0.0.0.0'));
  if (v === undefined || (v.category !== 'metadata' && v.category !== 'loopback' && v.category !== 'link-local' && !unspecified)) return undefined;
  const hit = scanUrls(`http://${s.slice(h, slash + 1)}`, 0);
  if (hit === undefined || hit.confidence !== 'high') return undefined;
  if (isDigit(c) || c === 91) return hit.rule === 'ssrf.metadata' || hit.rule === 'ssrf.internal-ip' ? hit : undefined;
  // A name: only a dotted metadata name (`metadata.google.internal`); `x@metadata/…` is a path as often.
  return hit.rule === 'ssrf.metadata' && indexWithin(s, '.', h, hostEnd) !== -1 ? hit : undefined;
}

/** URLs re-read without their tabs and line breaks, per value. */
const MAX_TAB_RETRIES = 4;

/** s[a, b) without ASCII tabs, line feeds and carriage returns. */
function withoutTabs(s: string, a: number, b: number): string {
  let out = '';
  let last = a;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c !== 9 && c !== 10 && c !== 13) continue;
    out += s.slice(last, i);
    last = i + 1;
  }
  return out + s.slice(last, b);
}

/**
 * Set by scanUrls when the value may hold `::` (false only if it holds none): detectSsrf clears it
 * before its scanUrls call, and bareHostsQuick skips its `::` search when it stays false (a native
 * search for `::` costs ~1 µs/KB where colons are dense, as in `a: b&`, which scanUrls visits anyway).
 * Other calls of scanUrls (re-readings, scheme-relative references) only set it: a needless search.
 */
let urlsDoubleColon = true;

/**
 * Finds `scheme:` occurrences and checks each URL's host(s). `retries`: URLs already re-read without
 * tabs (a re-reading passes the maximum, so it never re-reads again).
 */
function scanUrls(s: string, trimmedStart: number, retries = 0): Hit | undefined {
  const n = s.length;
  let best: Hit | undefined;
  let sawUrl = -1;
  let next = 0;
  let lastColon = -4;
  // (Kept here and stored in urlsDoubleColon once, at the end: a store to the module's variable per
  // colon cost ~1.5 µs/KB on `::x` runs. Returns before the end return high findings, which end
  // detectSsrf before bareHostsQuick asks.)
  let doubleColon = false;
  // The next colon is searched from c + 3: one at c + 1 or c + 2 has the colon at c among the two
  // characters before it, so no scheme of two (the rejection below). A colon run paid a native search
  // (~7 ns) and a look-back per colon (~15 µs/KB, 10 times prose), one every third colon now (~4.5).
  // (Filtering each colon by its neighbours inside the search, before the body, cost more than it
  // saved: `http:` runs read +2 µs/KB. The one load below does not.)
  for (let c = s.indexOf(':'); c !== -1; c = colonFrom(s, Math.max(c + 3, next))) {
    // For bareHostsQuick: a `::` has a colon this loop visits next to a colon (the colons skipped,
    // at c + 1 and c + 2, stand after a visited one, or before the one at c + 3); a jump past an
    // authority (`next`, below) may skip one, so it counts as one.
    // (The colon before c is looked at only when c is three after the last visited one, the only
    // case where it can be a colon this loop skipped: one load a colon on `a: b&`, not two.)
    if (!doubleColon && ((c + 1 < n && s.charCodeAt(c + 1) === 58) || (c === lastColon + 3 && s.charCodeAt(c - 1) === 58))) doubleColon = true;
    lastColon = c;
    // Two characters back: a scheme of two needs both (a load where the look-back below cost ~8 ns
    // a colon on `a: b&` runs).
    if (c < 2) continue;
    const b2 = s.charCodeAt(c - 2);
    if (b2 >= 128 || SCHEME_CHAR[b2] !== 1) continue;
    const b1 = s.charCodeAt(c - 1);
    if (b1 >= 128 || SCHEME_CHAR[b1] !== 1) continue;
    // Scheme: letters, digits, `+ - . _` before the colon (32 at most), from its first letter. Each
    // character is loaded once: the walk back notes the leftmost letter (`first`) where a second
    // walk forward to it re-read the run (`0x:/&` runs: ~9 loads a colon, ~6 now).
    let first = isAlpha(b2) ? c - 2 : isAlpha(b1) ? c - 1 : c;
    let a = c - 2;
    while (a > 0 && c - a < 32) {
      const ch = s.charCodeAt(a - 1);
      if (ch >= 128 || SCHEME_CHAR[ch] !== 1) break;
      a--;
      if (isAlpha(ch)) first = a;
    }
    a = first;
    if (c - a < 2) continue;
    // No slash or backslash after the colon: only `http:` / `https:` followed by a digit or `[` can
    // still be a URL (`09:30`, `key:value` stop here without copying the scheme).
    const n1 = s.charCodeAt(c + 1);
    if (isAlpha(n1) && equalsCI(s, a, c, 'jar') && wrapsUrl(s, c + 1)) {
      // `jar:http://host/x.jar!/`, `jar:file:…`: Java's JarURLConnection fetches (or opens) the inner
      // URL and unpacks it, a classic SSRF and file-read primitive. The inner URL is judged too.
      best = better(best, { rule: 'ssrf.scheme', confidence: 'high', reason: 'A jar: URL, which makes a Java URL client fetch and unpack the archive at the URL it wraps.' });
      return best;
    }
    if (n1 !== 47 && n1 !== 92 && !((isDigit(n1) || n1 === 91) && (equalsCI(s, a, c, 'http') || equalsCI(s, a, c, 'https')))) continue;
    // The schemes of nearly every URL without a copy; others sliced and lower-cased.
    const scheme = equalsCI(s, a, c, 'https') ? 'https' : equalsCI(s, a, c, 'http') ? 'http' : s.slice(a, c).toLowerCase();
    if (NON_NETWORK_SCHEMES.has(scheme)) continue;
    const special = SPECIAL_SCHEMES.has(scheme);
    let p = c + 1;
    let slashes = 0;
    while (p < n && slashes < 64) {
      const ch = s.charCodeAt(p);
      if (ch === 47 || (special && ch === 92)) {
        p++;
        slashes++;
      } else break;
    }
    // Without `//`, only http(s) parse an authority (`http:0251.0376.0251.0376`, `http:/2852039166`).
    if (slashes < 2 && !(scheme === 'http' || scheme === 'https')) continue;
    if (slashes === 0 && !(isDigit(s.charCodeAt(p)) || s.charCodeAt(p) === 91)) continue;
    sawUrl = a;
    const embedded = a > trimmedStart + 1;
    if (SMUGGLING_SCHEMES.has(scheme)) {
      best = better(best, {
        rule: 'ssrf.scheme',
        confidence: 'high',
        reason: `A ${scheme}:// URL, a scheme HTTP clients can be abused with to reach local files or raw TCP services.`,
      });
      if (best?.confidence === 'high') return best;
    }
    // Authority: up to `/ ? #` (and `\` for special schemes), whitespace or a quote; 256 at most.
    let e = p;
    while (e < n && e - p < 256) {
      const ch = s.charCodeAt(e);
      if (ch === 47 || ch === 63 || ch === 35 || (special && ch === 92) || ch <= 32 || ch === 34 || ch === 39 || ch === 60 || ch === 62 || ch === 96) break;
      e++;
    }
    // Long authorities are not re-read from their inner colons: each character is scanned a bounded
    // number of times, whatever the density of `scheme:` look-alikes.
    if (e - p > 64) {
      next = e;
      doubleColon = true;
    }
    const ce = s.charCodeAt(e);
    if ((ce === 9 || ce === 10 || ce === 13) && retries < MAX_TAB_RETRIES && e - p < 256) {
      // WHATWG parsers (Node's URL, fetch) delete every tab and line break before parsing:
      // `http://169.254.\t169.254/` is the metadata address. The URL is read once more without them
      // (300 characters at most, a few times per value); only addresses count from that reading.
      retries++;
      const joined = withoutTabs(s, a, Math.min(n, e + 300));
      const hit = scanUrls(joined, 0, MAX_TAB_RETRIES);
      if (hit !== undefined && (hit.rule === 'ssrf.metadata' || hit.rule === 'ssrf.internal-ip')) {
        hit.reason += ' (with tabs or line breaks that URL parsers delete)';
        best = better(best, hit);
        if (best?.confidence === 'high') return best;
      }
    }
    const at = lastIndexWithin(s, '@', p, e);
    // The host after the last `@`, then (with userinfo) the start of the authority: what a parser
    // that splits on the first `@` or ignores userinfo would use. No array per URL.
    const hostCount = at >= p ? 2 : 1;
    for (let hi = 0; hi < hostCount; hi++) {
      const h = hi === 0 && at >= p ? at + 1 : p;
      const userinfo = h === p && at >= p;
      const stop = userinfo ? s.indexOf('@', p) : e;
      const he = hostEnd(s, h, stop);
      if (he !== -1 && surelyNoHost(s, h, he)) continue; // what classifyHost would say, without copies
      const hp = readHost(s, h, stop);
      const v = classifyHost(hp.host);
      if (v === undefined) continue;
      // A user name (`user:pass@`) is a word, not a host: only addresses and known names count there.
      if (userinfo && (v.category === 'single-label' || v.category === 'internal-name')) continue;
      // `http://www.<script>…`: a host cut short by markup is not a dotless intranet name.
      if (v.category === 'single-label' && (hp.host.endsWith('.') || !(e >= n || isUrlEnd(s.charCodeAt(e))))) continue;
      const hit = judge(v, hp.host, hp.port, embedded, scheme);
      if (hit !== undefined && hi > 0) hit.reason += ' (in the userinfo of a URL: a parser confusion)';
      best = better(best, hit);
      if (best?.confidence === 'high') return best;
    }
  }
  // `http://google.com:80 &@127.88.23.245:22/`: after a URL, any `@host` may be the host a lenient
  // parser picks. Each check is bounded.
  if (sawUrl !== -1) {
    for (let at = s.indexOf('@', sawUrl); at !== -1; at = s.indexOf('@', at + 1)) {
      let e = at + 1;
      while (e < n && e - at < 300) {
        const ch = s.charCodeAt(e);
        if (ch === 47 || ch === 63 || ch === 35 || ch === 92 || ch <= 32 || ch === 34 || ch === 39 || ch === 60 || ch === 62 || ch === 64) break;
        e++;
      }
      const hp = readHost(s, at + 1, e);
      const v = classifyHost(hp.host);
      if (v === undefined || v.spelling === 'name') continue;
      const hit = judge(v, hp.host, hp.port, false, 'url');
      if (hit !== undefined) hit.reason += ' (after an @ that confuses URL parsers)';
      best = better(best, hit);
      if (best?.confidence === 'high') return best;
    }
  }
  if (doubleColon) urlsDoubleColon = true;
  return best;
}

/**
 * Cheap pre-check for a bare name holding a non-ASCII character (nameCandidateAt answers ASCII names
 * in place): false when classifyHost(host) can only be undefined, public or a single label (which
 * bareHostToken drops). The host is folded first (foldHost, batched in a scan) and its folding asked
 * the questions classifyHost asks: an address (a digit first, a colon), a known name, a known suffix.
 */
function wideNameCandidate(host: string): boolean {
  if (host.length > 255) return false;
  const f = foldHost(host);
  return f.length > 0 && (isDigit(f.charCodeAt(0)) || f.indexOf(':') !== -1 || knownNameAt(f, 0, f.length));
}

/** s[a, b) equals `word` (lower case), ignoring ASCII case. */
function equalsCI(s: string, a: number, b: number, word: string): boolean {
  if (b - a !== word.length) return false;
  for (let k = word.length - 1; k >= 0; k--) {
    let c = s.charCodeAt(a + k);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** s[a, b) ends with `word` (lower case), ignoring ASCII case. */
function endsWithCI(s: string, a: number, b: number, word: string): boolean {
  return b - a >= word.length && equalsCI(s, b - word.length, b, word);
}

/** Known names by length, and suffixes (each starts with a dot) by last character. */
const NAMES_BY_LENGTH: (string[] | undefined)[] = [];
const SUFFIXES_BY_LAST: (string[] | undefined)[] = [];
/**
 * The shortest known name or suffix ending in two given ASCII characters (index: the one before the
 * last times 128, plus the last), or 0 for none. (0 also stands for no character or a non-ASCII one:
 * no name has either.)
 */
const NAME_TAIL = new Uint8Array(128 * 128);
(() => {
  for (const name of [...LOOPBACK_NAMES, ...METADATA_NAMES]) (NAMES_BY_LENGTH[name.length] ??= []).push(name);
  for (const suf of [...INTERNAL_SUFFIXES, ...IP_IN_NAME_SUFFIXES]) (SUFFIXES_BY_LAST[suf.charCodeAt(suf.length - 1)] ??= []).push(suf);
  for (const w of [...LOOPBACK_NAMES, ...METADATA_NAMES, ...INTERNAL_SUFFIXES, ...IP_IN_NAME_SUFFIXES]) {
    const k = (w.charCodeAt(w.length - 2) << 7) | w.charCodeAt(w.length - 1);
    const was = NAME_TAIL[k] as number;
    if (was === 0 || w.length < was) NAME_TAIL[k] = w.length;
  }
})();

/**
 * Whether s[a, b) may be a host classifyHost names: ASCII hosts are compared in place (lower-casing
 * ASCII only folds A-Z); anything else through wideNameCandidate.
 */
function nameCandidateAt(s: string, a: number, b: number, ascii = false, slow = false): boolean {
  if (b - a > 255) return false;
  if (!ascii) {
    // (`slow`: the caller knows a FOLD_SLOW character is in s[a, b), so wideFastCandidate would answer -1.)
    const fast = slow ? -1 : wideFastCandidate(s, a, b);
    return fast === -1 ? wideNameCandidate(s.slice(a, b)) : fast === 1;
  }
  return knownNameAt(s, a, b);
}

/**
 * s[a, b), trailing dots dropped, is a known name, starts with `kubernetes.default` or ends with a
 * known suffix, compared in place ignoring ASCII case (every name and suffix is ASCII, so any other
 * character simply does not match).
 */
function knownNameAt(s: string, a: number, b: number): boolean {
  let e = b;
  while (e > a && s.charCodeAt(e - 1) === 46) e--;
  // Every name and suffix is 4 characters or more and ends in two characters of which NAME_TAIL
  // knows the shortest: names too short for theirs (`a` of `a/"` runs, every 3 characters), or with a
  // tail no name has, are answered by two loads, not by the suffix list of their last letter (~3
  // µs/KB of ~12 on `a/"`). `kubernetes.default` is 18 long and ends in `lt`, which NAME_TAIL does
  // not know: it is let through from 18.
  if (e - a < 4) return false;
  let last = s.charCodeAt(e - 1);
  if (last >= 65 && last <= 90) last |= 0x20;
  if (e - a < 18) {
    let prev = s.charCodeAt(e - 2);
    if (prev >= 65 && prev <= 90) prev |= 0x20;
    const min = prev < 128 && last < 128 ? (NAME_TAIL[(prev << 7) | last] as number) : 0;
    if (min === 0 || e - a < min) return false;
  }
  const names = NAMES_BY_LENGTH[e - a];
  if (names !== undefined) for (const name of names) if (equalsCI(s, a, e, name)) return true;
  if (e - a >= 18 && equalsCI(s, a, a + 18, 'kubernetes.default')) return true;
  const sufs = SUFFIXES_BY_LAST[last];
  if (sufs !== undefined) for (const suf of sufs) if (endsWithCI(s, a, e, suf)) return true;
  return false;
}

/**
 * True when classifyHost(s.slice(a, b)) is certainly undefined, decided in place: an ASCII name that
 * is no address (no leading digit, no `[`, no `:`), has a dot once trailing dots are dropped (so it
 * is not a single label), and is none of the known names or suffixes. Ordinary public hosts
 * (`shop.example.com`) stop here without a lower-cased copy.
 */
function surelyNoHost(s: string, a: number, b: number): boolean {
  if (b <= a || b - a > 255) return true;
  const c0 = s.charCodeAt(a);
  if (c0 === 91 || isDigit(c0)) return false;
  let e = b;
  while (e > a && s.charCodeAt(e - 1) === 46) e--;
  let dot = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c === 58) return false;
    if (c === 46 && i < e) dot = true;
  }
  if (e === a) return true;
  return dot && !nameCandidateAt(s, a, b, true);
}

/** Where readHost(s, p, end) ends its host: -1 when it is bracketed or an unbracketed IPv6 literal. */
function hostEnd(s: string, p: number, end: number): number {
  if (s.charCodeAt(p) === 91) return -1;
  let first = -1;
  for (let k = p; k < end; k++) {
    if (s.charCodeAt(k) === 58) {
      if (first !== -1) return -1;
      first = k;
    }
  }
  return first === -1 ? end : first;
}

/** Token delimiters for bare hosts: whitespace, quotes, brackets of markup, separators of lists. */
function isDelim(c: number): boolean {
  return c <= 32 || c === 34 || c === 39 || c === 96 || c === 60 || c === 62 || c === 40 || c === 41 || c === 44 || c === 59 || c === 61 || c === 123 || c === 125 || c === 124;
}

/** Per-character bits for the bare-host token pass (ASCII; above it, BH_SHAPE | BH_WIDE). */
const BH_DELIM = 1;
const BH_SHAPE = 2; // `. : / [` and non-ASCII
const BH_AT = 4;
const BH_STOP = 8; // ends the host: `/ ? # : \`
const BH_WIDE = 16;
const BH_COLON_SLASH = 32; // (set per token, not in the table)
const BH_FOLD_SLOW = 64; // a non-ASCII character whose fold-table entry is FOLD_SLOW (BHW)
const BH = new Uint8Array(128);
/**
 * BH over every code unit, for tokenEnd: a table load per character without a test for ASCII. Above
 * ASCII, BH_SHAPE | BH_WIDE, with BH_FOLD_SLOW for the fold table's FOLD_SLOW characters: filled with
 * the fold table's blocks (buildFoldBlock), BHW_UNBUILT until then (and for ever for high surrogates).
 */
const BHW = new Uint8Array(65536);
const BHW_UNBUILT = 128;
(() => {
  for (let c = 0; c < 128; c++) if (isDelim(c)) BH[c] = BH_DELIM;
  for (const ch of '.:/[') BH[ch.charCodeAt(0)] = (BH[ch.charCodeAt(0)] as number) | BH_SHAPE;
  BH[64] = BH_AT;
  for (const ch of '/?#:\\') BH[ch.charCodeAt(0)] = (BH[ch.charCodeAt(0)] as number) | BH_STOP;
  BHW.set(BH);
  BHW.fill(BHW_UNBUILT, 128);
})();

/**
 * Whether the token s[a, b) is the whole value but for blanks and controls (what trimming `<= 32`
 * leaves). Asked only of tokens that already name an internal host, and it reads only the gaps to the
 * neighbouring tokens (stopping at the first other character), so the pass stays linear.
 */
function isWholeToken(s: string, a: number, b: number): boolean {
  for (let k = a - 1; k >= 0; k--) if (s.charCodeAt(k) > 32) return false;
  for (let k = b; k < s.length; k++) if (s.charCodeAt(k) > 32) return false;
  return true;
}

/** The first index at or after `i` that is no delimiter (by table: what isDelim says, without its chain of comparisons). */
function skipDelims(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const d = s.charCodeAt(i);
    if (d >= 128 || (BH[d] as number) !== BH_DELIM) break;
    i++;
  }
  return i;
}

/** What tokenEnd collected over its token (module state: no allocation per token). */
let tokSeen = 0;
let tokStop = -1;
let tokDc = -1;

/**
 * tokenEnd's bits from the non-ASCII characters of s[i, j) (BH_SHAPE | BH_WIDE, BH_FOLD_SLOW), read a
 * second time when the first read met BHW_UNBUILT: a block not built yet (built here), or a high
 * surrogate, whose BHW entry stays BHW_UNBUILT so that a pair is read here as one character
 * (astralBits; the low surrogate, never a delimiter, is in the token either way), while BMP text
 * keeps its one table load a character. A lone surrogate reads as BH_FOLD_SLOW (BHW).
 */
function wideBits(s: string, i: number, j: number): number {
  let bits = 0;
  for (let k = i; k < j; k++) {
    const ch = s.charCodeAt(k);
    if (ch < 128) continue;
    if (pairAt(s, k, ch)) {
      bits |= astralBits(ch, s.charCodeAt(++k));
      // (Every bit a non-ASCII character can set is set: the rest cannot change the answer. A
      // FOLD_SLOW token is never read through the fold table, so its other blocks need not be
      // built here; they are built where they are read. Spares the second read of mathematical
      // alphanumerics, which are folded anyway.)
      if (bits & BH_FOLD_SLOW) return bits;
      continue;
    }
    let t = BHW[ch] as number;
    if (t === BHW_UNBUILT) {
      if ((ch & 0xfc00) === 0xd800) t = BH_SHAPE | BH_WIDE | BH_FOLD_SLOW; // a lone high surrogate
      else t = (buildFoldBlock(ch >> 8, ch), BHW[ch] as number);
    }
    bits |= t;
    if (bits & BH_FOLD_SLOW) return bits;
  }
  return bits;
}

/**
 * One pass over the token that starts at `i` (a table load per character): returns its end (the
 * next delimiter, or the end of the value) and collects what bareHostToken needs: `:/` (a URL,
 * judged by scanUrls), `@` (an e-mail), a shape (dot, colon, slash, bracket, non-ASCII), where the
 * host ends (`/ ? # : \`), and the first `::`. `lim`: reads stop there (the scans pass LONG_TOKEN + 1,
 * as they pass over a longer token whatever it holds; delimFrom finds its end).
 */
function tokenEnd(s: string, i: number, lim = s.length): number {
  const n = lim;
  let j = i;
  let seen = 0;
  let stop = -1;
  let dc = -1;
  for (; j < n; j++) {
    const ch = s.charCodeAt(j);
    if (ch >= 128) {
      // Non-ASCII: BH_SHAPE | BH_WIDE, and BH_FOLD_SLOW for scanBareHosts' fast reading (or
      // BHW_UNBUILT: not built yet, or a high surrogate; read again below).
      seen |= BHW[ch] as number;
      continue;
    }
    const t = BH[ch] as number;
    if (t === 0) continue;
    if (t & BH_DELIM) break;
    seen |= t;
    if (t & BH_STOP && stop === -1) stop = j;
    if (ch === 58) {
      // A colon run is read in one step: after its first colon (`seen` and `stop` noted, `::` at its
      // first pair) its other colons add nothing but their next character, and only the last one's
      // next can be `/`. A megabyte of `:` cost ~5 ns a character through the table (~1 here).
      const next = j + 1 < n ? s.charCodeAt(j + 1) : -1;
      if (next === 47) seen |= BH_COLON_SLASH;
      else if (next === 58) {
        if (dc === -1) dc = j;
        let q = j + 2;
        while (q < n && s.charCodeAt(q) === 58) q++;
        j = q - 1;
        if (q < n && s.charCodeAt(q) === 47) seen |= BH_COLON_SLASH;
      }
    }
  }
  if (seen & BHW_UNBUILT) seen = (seen & ~(BHW_UNBUILT | BH_FOLD_SLOW)) | wideBits(s, i, j);
  tokSeen = seen;
  tokStop = stop;
  tokDc = dc;
  return j;
}

/**
 * The bare-host verdict of one token s[tokStart, j) (a maximal run of non-delimiters), from what the
 * token pass collected over it: `seen` (BH_* bits), `stop` (its first `/ ? # : \`, or -1) and `dc`
 * (its first `::`, or -1). Reads only the token and the blanks around it (isWholeToken) and the
 * character before it (a quote).
 */
function bareHostToken(s: string, tokStart: number, j: number, seen: number, stop: number, dc: number, candidate = false, floor = 0): Hit | undefined {
  const n = s.length;
  const k = tokStart;
  if (seen & (BH_COLON_SLASH | BH_AT) || !(seen & BH_SHAPE)) return undefined;
  // host[:port] then `/`, `?`, `#` or the end.
  let e = k;
  let bracketClose = -1; // a bracketed host's `]`
  if (s.charCodeAt(k) === 91) {
    const close = indexWithin(s, ']', k, j);
    if (close === -1) return undefined;
    bracketClose = close;
    e = close + 1;
  } else {
    e = stop === -1 ? j : stop;
  }
  // A bare IPv6 literal as a whole token (`::1`, `fe80::1`, `::ffff:10.0.0.1`). Unassigned space is
  // left alone: `a::b` is as likely C++ as an address.
  if (s.charCodeAt(k) !== 91) {
    if (dc !== -1) {
      if (parseIPv6At(s, k, j)) {
        // A finding here is medium at most, low unless the token is the whole value: one that does
        // not outrank `floor` (the scan's best so far) would be dropped by better(), so it is not
        // classified nor built. A megabyte of `::1 ` or `'::'` built a finding per token.
        if (floor >= RANK.medium) return undefined;
        const whole6 = isWholeToken(s, tokStart, j);
        if (!whole6 && floor >= RANK.low) return undefined;
        const c = classifyIPv6(V6).category;
        if (c !== 'public' && c !== 'reserved') {
          const rule = c === 'metadata' ? 'ssrf.metadata' : 'ssrf.internal-ip';
          return { rule, confidence: whole6 ? 'medium' : 'low', reason: `A bare IPv6 address of ${CATEGORY_TEXT[c]}.` };
        }
        return undefined;
      }
    }
  }
  if (e === k) return undefined;
  // A bare IPv4 needs its four parts: "4/_id", "01/DEC/2011" and "1.5 inch" are not hosts. Asked
  // first: almost every token stops here (a name that is no known one), before port and path.
  const h0 = s.charCodeAt(k);
  if (isDigit(h0)) {
    // Dots as the fold reads them: `169．254．169．254/latest` (full-width or ideographic dots after
    // an ASCII digit) is the metadata address once folded, as classifyHost below folds it.
    let dots = seen & BH_WIDE ? foldedDots(s, k, e) : countDots(s, k, e);
    // A trailing dot before the path or port (`127.0.0.1./admin`, `10.0.0.1.:8080`): URL parsers drop
    // it (one empty last part), so the host is the dotted quad (round 8: it passed as a fifth part).
    if (dots === 4 && e - k > 2 && e < j && s.charCodeAt(e - 1) === 46 && s.charCodeAt(e - 2) !== 46) dots = 3;
    if (dots !== 3 && !(dots >= 0 && shortSpelledV4(s, k, e, j, seen))) return undefined;
  } else if (h0 !== 91 && !candidate && !nameCandidateAt(s, k, e, (seen & BH_WIDE) === 0, e === j && (seen & BH_FOLD_SLOW) !== 0)) return undefined;
  let port = -1;
  let after = e;
  // Reads stay inside the string: an out-of-bounds charCodeAt deoptimizes this function, and a
  // value ending in an address (`198.51.100.23`) would do that on a warm, optimized scan.
  if (e < n && s.charCodeAt(e) === 58) {
    let q = e + 1;
    let v = 0;
    while (q < j && isDigit(s.charCodeAt(q)) && q - e < 7) v = v * 10 + s.charCodeAt(q++) - 48;
    if (q === e + 1) return undefined; // `a:b` is not host:port
    port = v;
    after = q;
  }
  const hasPath = after < j && (s.charCodeAt(after) === 47 || s.charCodeAt(after) === 92);
  // `10.0.0.0/8` is CIDR notation, not a path (up to 7 characters after the slash, all digits).
  const pathEnd = hasPath ? Math.min(j, after + 8) : after + 1;
  let cidr = hasPath && pathEnd > after + 1;
  for (let m = after + 1; m < pathEnd; m++) if (!isDigit(s.charCodeAt(m))) cidr = false;
  if (after < j && !hasPath && s.charCodeAt(after) !== 63 && s.charCodeAt(after) !== 35) return undefined;
  // A bracketed host: classifyHost reads the inside as IPv6 or answers undefined (as this function
  // then does), here in place and before the copy (`[]\` runs sliced and classified every token,
  // ~14 µs/KB); an address is a host under 256 characters, the same answer as classifyHost's.
  if (bracketClose >= 0 && !parseIPv6At(s, k + 1, bracketClose)) return undefined;
  const host = s.slice(k, e);
  const v = bracketClose >= 0 ? { category: classifyIPv6(V6).category, spelling: 'ipv6' as const } : classifyHost(host);
  if (v === undefined || v.category === 'public') return undefined;
  // Bare spellings that are just numbers ("2130706433", "0x7f000001") are ids, not hosts.
  // (A DNS-rebinding service's name is no number: it is judged below.)
  if (v.spelling !== 'ip' && v.spelling !== 'ipv6' && v.spelling !== 'name' && v.spelling !== 'rebinding' && port < 0 && !hasPath) return undefined;
  if (v.spelling === 'ipv6' && host.charCodeAt(0) !== 91 && port < 0 && !hasPath) {
    // `::1` bare, or a time like `12:30`? Parsed IPv6 needs at least one `::` or 7 colons.
    if (host.indexOf('::') === -1) return undefined;
  }
  // Single words ("localhost" in prose aside) are not hosts without a path or a port.
  if (v.category === 'single-label') return undefined;
  const isWhole = isWholeToken(s, tokStart, j);
  const quoted = tokStart > 0 && (s.charCodeAt(tokStart - 1) === 34 || s.charCodeAt(tokStart - 1) === 39);
  const where = CATEGORY_TEXT[v.category] + spellingText(v);
  let conf: Confidence;
  const runtime = judge(v, host, port, false, '');
  if (runtime !== undefined && runtime.rule === 'ssrf.runtime-api') {
    return runtime;
  }
  if (hasPath && port < 0 && e - k === 8 && equalsCI(s, k, e, 'metadata')) {
    // GCP's dotless `metadata` host serves only `/computeMetadata/…`; any other `metadata/…` is far
    // more often a directory (an S3 key, a relative path) than a host without its scheme.
    let q = after;
    while (q < j && (s.charCodeAt(q) === 47 || s.charCodeAt(q) === 92)) q++;
    if (!(q + 15 <= j && equalsCI(s, q, q + 15, 'computemetadata'))) {
      return { rule: 'ssrf.metadata', confidence: 'low', reason: 'A path under "metadata/", the dotless name of a cloud metadata host.' };
    }
  }
  if ((hasPath && !cidr) || (port >= 0 && v.spelling === 'name')) {
    conf = isWhole || quoted ? 'high' : 'medium';
  } else if (v.spelling === 'rebinding') {
    // `make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms`, `7f000001.a9fea9fe.rbndr.us`: these services exist
    // to flip a name to an internal address between check and fetch. As the whole value (a host
    // field), nothing benign reads so; inside text it is talk about the technique.
    conf = isWhole ? 'high' : 'medium';
  } else if (
    isWhole &&
    port > 0 &&
    port <= 65535 &&
    (v.spelling === 'ip' || (v.spelling === 'ipv6' && h0 === 91) || (v.spelling === 'obfuscated-ip' && hexOrOctalV4(s, k, e))) &&
    (v.category === 'loopback' || v.category === 'metadata' || v.category === 'link-local')
  ) {
    // `127.0.0.1:6379`, `169.254.169.254:80`, `[::1]:6379` as the whole value: a socket address of
    // this host or the metadata service, what a `host`/`target` field is given to reach them. A
    // dotted quad with a port is no version string once it is loopback or link-local (`1.2.3.4:5`
    // is public and never gets here), and inside text it stays low (the branch below). Private
    // addresses (`10.0.0.5:6379`) stay medium: a VPC's own endpoints are ordinary configuration; so
    // does `0.0.0.0:8080`, far more often a listen address than a target. A hex or octal spelling
    // (`0x7f000001:6379`, `0177.0.0.1:6379`, round 8) is no configuration value either; a short
    // decimal one (`127.1:6379`) stays medium, as `127.1/admin` stays nothing.
    conf = 'high';
  } else if (v.spelling === 'obfuscated-ip' || v.spelling === 'overflow-ip') {
    conf = 'medium';
  } else {
    // A bare address or name: a configuration value as often as an attack.
    conf = isWhole ? 'medium' : 'low';
  }
  const rule = v.category === 'metadata' ? 'ssrf.metadata' : v.spelling === 'name' ? 'ssrf.internal-host' : 'ssrf.internal-ip';
  return { rule, confidence: conf, reason: `A host without a scheme that targets ${where}.` };
}

/**
 * A bare IPv4 host of fewer than four parts as the whole value, followed by a path, that a URL parser
 * reads as the metadata service or, spelled in hex or octal, as a loopback or link-local address:
 * `2852039166/latest/meta-data/`, `0xa9fea9fe/latest/`, `0x7f000001/admin`, `0177.1/`. Concatenated
 * after a scheme (`fetch('http://' + host)`), WHATWG and Node's URL give 169.254.169.254 and
 * 127.0.0.1. A plain decimal number other than the metadata addresses' (2852039166…) is an id with a
 * path (`2130706433/photo.jpg`, `12/25/2024`), so it stays nothing, as before. Bounded: hosts of at
 * most 40 characters are parsed (a longer one is no IPv4 spelling); ASCII only.
 */
function shortSpelledV4(s: string, k: number, e: number, j: number, seen: number): boolean {
  if (seen & BH_WIDE || e - k > 40 || e >= j) return false;
  const c = s.charCodeAt(e);
  if (c === 58) {
    // A port instead of a path (round 8: `0x7f000001:6379`, `0177.1:6379`), then the token's end or
    // a path. Only hex and octal spellings: a decimal `2130706433:80` is as likely a pair of ids.
    let q = e + 1;
    while (q < j && q - e < 7 && isDigit(s.charCodeAt(q))) q++;
    if (q === e + 1 || (q < j && s.charCodeAt(q) !== 47 && s.charCodeAt(q) !== 92)) return false;
    if (!isWholeToken(s, k, j)) return false;
    const pp = parseIPv4(s.slice(k, e));
    if (pp === undefined) return false;
    const cp = classifyIPv4(pp.value);
    return (cp === 'metadata' || cp === 'loopback' || cp === 'link-local') && hexOrOctalV4(s, k, e);
  }
  if (c !== 47 && c !== 92) return false;
  if (!isWholeToken(s, k, j)) return false;
  const p = parseIPv4(s.slice(k, e));
  if (p === undefined) return false;
  const cat = classifyIPv4(p.value);
  if (cat === 'metadata') return true;
  if (cat !== 'loopback' && cat !== 'link-local') return false;
  return hexOrOctalV4(s, k, e);
}

/** s[k, e) has a hex (`0x…`) or octal (a part led by `0` and another digit) part: no decimal id is written so. */
function hexOrOctalV4(s: string, k: number, e: number): boolean {
  for (let m = k; m + 1 < e; m++) {
    if (s.charCodeAt(m) === 48 && (m === k || s.charCodeAt(m - 1) === 46)) {
      const d = s.charCodeAt(m + 1);
      if ((d | 0x20) === 120 || isDigit(d)) return true;
    }
  }
  return false;
}

/** Tokens longer than this are no host: the scans pass them over. */
const LONG_TOKEN = 600;

/**
 * The first delimiter at or after j, or the end: where a token longer than LONG_TOKEN ends. The
 * token pass (tokenEnd) stops there, as nothing it notes matters for such a token, and the rest is
 * read here at one table load a character: a megabyte-long token of `a:b:` cost ~2.5 ns a character
 * through tokenEnd (two loads per colon).
 */
function delimFrom(s: string, j: number): number {
  const n = s.length;
  while (j < n && ((BHW[s.charCodeAt(j)] as number) & BH_DELIM) === 0) j++;
  return j;
}

/**
 * bareHostToken's answer is undefined for the token s[k, j) because its host ends at a colon that is
 * no port (`a:`, `key:value`, `a: b`: no digit after it) and it has no `::` nor `[`. Asked before the
 * call, as bareHostToken asks it only after the name questions (knownNameAt): a megabyte of `a: b&`
 * had a call and a name lookup per token (~4 µs/KB of the scan's ~11).
 */
function colonNoPort(s: string, k: number, j: number, stop: number, dc: number): boolean {
  if (dc !== -1 || stop < 0 || s.charCodeAt(stop) !== 58 || s.charCodeAt(k) === 91) return false;
  return !(stop + 1 < j && isDigit(s.charCodeAt(stop + 1)));
}

/**
 * bareHostToken's answer is undefined for the ASCII token s[k, j) (no `candidate`): its host part
 * (up to `stop`) is a name, not an address (no digit nor `[` first, no `::`), shorter than every
 * known name and suffix (4: knownNameAt's first test). Asked before the call: `a/"` has such a
 * token every three characters, each a call into bareHostToken (~12 µs/KB at 64 KB).
 */
function shortAsciiName(s: string, k: number, j: number, stop: number, dc: number): boolean {
  if (dc !== -1) return false;
  const h0 = s.charCodeAt(k);
  return h0 !== 91 && !isDigit(h0) && (stop === -1 ? j : stop) - k < 4;
}

/**
 * For a token s[a, j) that starts with one of `/ ? # : \` (its host part is empty) and holds a `::`:
 * bareHostToken's answer, a bare IPv6 finding (medium when the token is the whole value, else low)
 * or nothing, would not outrank `best`, so better() would keep `best`.
 */
function v6Outranked(s: string, a: number, j: number, best: Hit | undefined): boolean {
  if (best === undefined) return false;
  return best.confidence !== 'low' || !isWholeToken(s, a, j);
}

/**
 * Bare hosts: `localhost/`, `169.254.169.254/latest/meta-data`, `127.0.0.1:9001`, `10.0.0.1`. A host
 * with a path or port that makes up the whole value (or a quoted token) is a URL without its scheme.
 * Every token from `from` on (0, or a delimiter: a token boundary), each judged by bareHostToken.
 */
function scanBareHosts(s: string, from = 0): Hit | undefined {
  const n = s.length;
  let best: Hit | undefined;
  let i = from;
  while (i < n) {
    // Delimiters by table, inline (this walk is hot on dense shapes; prepareFoldBatch calls skipDelims).
    if ((BHW[s.charCodeAt(i)] as number) === BH_DELIM) {
      i++;
      continue;
    }
    // One pass over the token (tokenEnd) collects what bareHostToken needs.
    const j = tokenEnd(s, i, i + LONG_TOKEN + 1 < n ? i + LONG_TOKEN + 1 : n);
    const seen = tokSeen;
    const stop = tokStop;
    const dc = tokDc;
    const tokStart = i;
    // (s[j], when there is one, is the delimiter that ended the token: not read again.)
    i = j + 1;
    if (j - tokStart > LONG_TOKEN) {
      i = delimFrom(s, j) + 1;
      continue;
    }
    // Skip tokens that are URLs (scanUrls judged them) or e-mail addresses. Plain words ("the",
    // "dog", "42") cannot be hosts worth a finding: they need a dot, a colon, a slash, a bracket or a
    // non-ASCII look-alike.
    if (seen & (BH_COLON_SLASH | BH_AT) || !(seen & BH_SHAPE)) continue;
    // A token whose host part is empty (it starts with `/ ? # : \` and has no `::`, as `/a` in
    // `</a>x` runs): bareHostToken would find nothing; answered here, where shape tokens can come
    // every few characters and a call per token cost ~40 % of the walk.
    // With a `::` it is a bare IPv6 address or nothing (its host part is empty either way), a finding
    // of medium (the whole value) or low at most: once `best` is as high, better() would drop it
    // (a megabyte of `::1 ` or `'::'` parsed every token, ~20 µs/KB, for the first one's finding).
    if (stop === tokStart && (dc === -1 || v6Outranked(s, tokStart, j, best))) continue;
    // One ASCII character (`.`, `[`: the others are stops or no shape): no name, no address, no
    // closing `]` (bareHostToken's answer is undefined; `.<.<` paid a call per token, ~14 µs/KB).
    if (j - tokStart === 1 && (seen & BH_WIDE) === 0) continue;
    if (colonNoPort(s, tokStart, j, stop, dc)) continue;
    if ((seen & BH_WIDE) === 0 && shortAsciiName(s, tokStart, j, stop, dc)) continue;
    // A non-ASCII name without `/ ? # : \` (`ａ．ｂ`, `é.é`, a word of Cyrillic prose with a dot):
    // bareHostToken would ask nameCandidateAt first (the token is no `[`, no `::`, no digit first) and
    // end there on a no; asked here, without the call, from the fold table. (-1, 1: judged below.)
    // (tokenEnd marked BH_FOLD_SLOW if a character of it is FOLD_SLOW; without a stop, no colon.)
    let candidate = false;
    if (stop === -1 && (seen & (BH_WIDE | BH_FOLD_SLOW)) === BH_WIDE && j - tokStart <= 255 && s.charCodeAt(tokStart) !== 91) {
      if (!isDigit(foldedAt(s, tokStart))) {
        // Most such names end in two characters no known name or suffix ends in, or are shorter than
        // those that do (NAME_TAIL), and too short to start with `kubernetes.default`: no further
        // reading. (A raw digit first is bareHostToken's, as a folded one is a candidate.)
        const last = foldedAt(s, j - 1);
        if (last !== 46 && j - tokStart < 18) {
          const min = NAME_TAIL[(j - 2 >= tokStart ? foldedAt(s, j - 2) << 7 : 0) | last] as number;
          if (min === 0 || j - tokStart < min) continue;
        }
        if (!foldedCandidate(s, tokStart, j, true)) continue;
        // (A candidate: bareHostToken need not ask nameCandidateAt again.)
        candidate = true;
      }
    }
    // (bareHostToken's other answers are lower than high or end the scan: returning at the first high
    // one keeps the first of the highest, as better() does.)
    // Hosts the fold table cannot rule out are folded; past the first few, the rest at once.
    if (seen & BH_WIDE && foldBatch === undefined && foldsAlone >= FOLD_ONE_BY_ONE) prepareFoldBatch(s, tokStart);
    best = better(best, bareHostToken(s, tokStart, j, seen, stop, dc, candidate, best === undefined ? 0 : RANK[best.confidence]));
    if (best?.confidence === 'high') return best;
  }
  return best;
}


/**
 * scanBareHosts for an ASCII value, led by native searches: only a token holding one of `. : / [`
 * can be judged (without non-ASCII, those are the BH_SHAPE characters), so each next one is found
 * with indexOf, its token found around it (back to the previous delimiter, forward by tokenEnd) and
 * judged as the table walk judges it; the tokens in between, which the walk would only step over,
 * are not read. Tokens come in the same order, so the answer is the walk's. `mask`: the value's
 * charMask, or undefined; a kind it lacks is not searched for. Prose and e-mail addresses: one or
 * two searches and a sentence's last word, where the walk read every character (~3 ns each).
 * Linear: each search starts past the last token read and each character is read back at most once.
 * Where shape tokens are dense (`a. b. c.`, `</a>x`), a search per token costs more than the walk
 * of the few characters it skips: each token earns the characters skipped before it and pays
 * SEARCH_COST, and once the credit is spent the walk takes over from the last token's end. So the
 * sparse part costs at most about SEARCH_CREDIT characters more than walking them would.
 */
/** What a search and a token's setup cost, in characters of the walk (measured: ~20-30). */
const SEARCH_COST = 24;
/** The credit the sparse scan starts with: values up to a few hundred characters never run short. */
const SEARCH_CREDIT = 96;

function scanBareHostsSparse(s: string, mask: number | undefined): Hit | undefined {
  let best: Hit | undefined;
  let credit = SEARCH_CREDIT;
  let from = 0;
  // Next position of each shape character at or after `from` (-1: none left; -2: not searched yet).
  let nDot = mask === undefined || (mask & C.DOT) !== 0 ? -2 : -1;
  let nColon = mask === undefined || (mask & C.COLON) !== 0 ? -2 : -1;
  let nSlash = mask === undefined || (mask & C.SLASH) !== 0 ? -2 : -1;
  let nBracket = mask === undefined || (mask & C.BRACKET) !== 0 ? -2 : -1;
  for (;;) {
    if (nDot !== -1 && nDot < from) nDot = s.indexOf('.', from);
    if (nColon !== -1 && nColon < from) nColon = s.indexOf(':', from);
    if (nSlash !== -1 && nSlash < from) nSlash = s.indexOf('/', from);
    if (nBracket !== -1 && nBracket < from) nBracket = s.indexOf('[', from);
    let p = nDot;
    if (nColon !== -1 && (p === -1 || nColon < p)) p = nColon;
    if (nSlash !== -1 && (p === -1 || nSlash < p)) p = nSlash;
    if (nBracket !== -1 && (p === -1 || nBracket < p)) p = nBracket;
    if (p === -1) return best;
    // The token around p: back to the delimiter before it (every character here is ASCII).
    let a = p;
    while (a > from && (BH[s.charCodeAt(a - 1)] as number) !== BH_DELIM) a--;
    // (`from` is 0 or the delimiter that ended the last token read: a token boundary.)
    credit += a - from - SEARCH_COST;
    if (credit < 0) return better(best, scanBareHosts(s, from));
    const j = tokenEnd(s, a, a + LONG_TOKEN + 1 < s.length ? a + LONG_TOKEN + 1 : s.length);
    from = j;
    if (j - a > LONG_TOKEN) {
      from = delimFrom(s, j);
      continue;
    }
    // (BH_SHAPE is set: p is in the token.)
    if (tokSeen & (BH_COLON_SLASH | BH_AT) || colonNoPort(s, a, j, tokStop, tokDc)) continue;
    // (scanBareHosts' test: a token whose host part is empty.)
    if (tokStop === a && (tokDc === -1 || v6Outranked(s, a, j, best))) continue;
    if (j - a === 1) continue; // (scanBareHosts' one-character test; every character is ASCII here)
    if (shortAsciiName(s, a, j, tokStop, tokDc)) continue;
    best = better(best, bareHostToken(s, a, j, tokSeen, tokStop, tokDc, false, best === undefined ? 0 : RANK[best.confidence]));
    if (best?.confidence === 'high') return best;
  }
}

/**
 * bareHostsQuick's classes of the ASCII characters: BQ_HOST on those that can stand in a bare host's
 * host part (no delimiter, no `/ ? # : \`), BQ_DELIM on delimiters (a token starts after one), 0 on
 * the stops `/ ? # : \`.
 */
const BQ_HOST = 1;
const BQ_DELIM = 2;
const BQ = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) {
    const t = BH[c] as number;
    BQ[c] = t & BH_DELIM ? BQ_DELIM : t & BH_STOP ? 0 : BQ_HOST;
  }
})();

/** The ASCII value holds one of `. : / [`, the characters the sparse scan searches for. */
function hasShape(s: string, mask: number | undefined): boolean {
  if (mask !== undefined) return (mask & (C.DOT | C.COLON | C.SLASH | C.BRACKET)) !== 0;
  return s.indexOf('.') !== -1 || s.indexOf(':') !== -1 || s.indexOf('/') !== -1 || s.indexOf('[') !== -1;
}

/** `::` tokens bareHostsQuick judges before it leaves the value to scanBareHostsSparse. */
const QUICK_V6_TOKENS = 8;

/** bareHostsQuick could not decide: the caller runs the scan. */
const UNDECIDED = null;

/**
 * The bare-host scan's answer for an ASCII value, when it is cheap to know; UNDECIDED otherwise.
 * Dense punctuation (`</a>`, `a: b&`, `'::'`) puts a shape token every few characters, and both scans
 * then read every one of them (the sparse scan runs out of credit and walks): ~4-5 µs/KB at 64 KB,
 * three to four times prose, for no finding or for the first token's.
 *
 * Why it is enough: an ASCII token without `::` that is no bracketed host (it does not start with
 * `[`, or the value holds no `]`) yields a finding only through a host part (from its start to its
 * first `/ ? # : \`) of four characters or more: a name needs four (shortAsciiName, knownNameAt) and
 * a dotted quad seven; shorter ones are dropped by scanBareHosts' tests or by bareHostToken (fewer
 * than three dots). A token starts at the value's start or after a delimiter. So when the value holds
 * no `[` with a `]` and no host part of four (the first four characters, or a delimiter and four
 * BQ_HOST after it), only the tokens holding `::` can yield one, judged here,
 * in order, as scanBareHostsSparse judges them. Such a token yields a bare IPv6 finding (medium as the
 * whole value, low otherwise) or nothing; once one is found, every later token is outranked (it is
 * not the whole value: v6Outranked), so the first finding is the answer. Past QUICK_V6_TOKENS tokens
 * without one (`a::b` C++ runs), the scan decides, from the start.
 *
 * The search reads from the end of the earliest window of five not yet ruled out, backwards: a stop
 * clears the windows through it, a delimiter all but the one it starts, a host character the one it
 * would have to start. Linear, at most five loads a step and every step moves on; one load in four or
 * five on `'::'`, `</a>`, `a: b&`, `x:/&0`. Prose gives up at its first word of four letters.
 */
function bareHostsQuick(s: string, mask: number | undefined): Hit | undefined | typeof UNDECIDED {
  const n = s.length;
  // A token that starts with `[` is a bracketed host only up to a `]` in it (bareHostToken): without
  // any `]`, such tokens yield nothing, and a `[` further in a token is one more host character.
  if ((mask === undefined || (mask & C.BRACKET) !== 0) && s.indexOf('[') !== -1 && s.indexOf(']') !== -1) return UNDECIDED;
  // A host part of four: the value's first four characters, or a delimiter and four after it.
  let k = 0;
  while (k < n && k < 4 && BQ[s.charCodeAt(k)] === BQ_HOST) k++;
  if (k === 4) return UNDECIDED;
  for (let p = 4; p < n; ) {
    let t = BQ[s.charCodeAt(p)] as number;
    if (t !== BQ_HOST) {
      p += t === BQ_DELIM ? 4 : 5;
      continue;
    }
    t = BQ[s.charCodeAt(p - 1)] as number;
    if (t !== BQ_HOST) {
      p += t === BQ_DELIM ? 3 : 4;
      continue;
    }
    t = BQ[s.charCodeAt(p - 2)] as number;
    if (t !== BQ_HOST) {
      p += t === BQ_DELIM ? 2 : 3;
      continue;
    }
    t = BQ[s.charCodeAt(p - 3)] as number;
    if (t !== BQ_HOST) {
      p += t === BQ_DELIM ? 1 : 2;
      continue;
    }
    if (BQ[s.charCodeAt(p - 4)] === BQ_DELIM) return UNDECIDED;
    p += 5;
  }
  if (!urlsDoubleColon) return undefined;
  let best: Hit | undefined;
  let from = 0;
  let budget = QUICK_V6_TOKENS;
  for (let k = s.indexOf('::'); k !== -1; k = s.indexOf('::', from)) {
    if (--budget < 0) return UNDECIDED;
    // The token around k, and its handling, as in scanBareHostsSparse (`from`: 0 or a token boundary).
    let a = k;
    while (a > from && (BH[s.charCodeAt(a - 1)] as number) !== BH_DELIM) a--;
    const j = tokenEnd(s, a, a + LONG_TOKEN + 1 < n ? a + LONG_TOKEN + 1 : n);
    from = j;
    if (j - a > LONG_TOKEN) {
      from = delimFrom(s, j);
      continue;
    }
    if (tokSeen & (BH_COLON_SLASH | BH_AT) || colonNoPort(s, a, j, tokStop, tokDc)) continue;
    if (tokStop === a && (tokDc === -1 || v6Outranked(s, a, j, best))) continue;
    if (j - a === 1) continue;
    if (shortAsciiName(s, a, j, tokStop, tokDc)) continue;
    best = better(best, bareHostToken(s, a, j, tokSeen, tokStop, tokDc, false, best === undefined ? 0 : RANK[best.confidence]));
    if (best !== undefined) return best;
  }
  return best;
}

/**
 * Values without a mask at least this long are tested for non-ASCII natively (Buffer.byteLength, a
 * fixed ~30 ns then ~0.2 ns per character) to take the sparse scan; shorter ones are walked.
 */
const SPARSE_MIN = 48;

/**
 * `mask`: the value's charMask (charclass.ts) when the caller has it (the engine does); it only
 * spares searches, for character kinds the value lacks. A wider mask than the value's only costs
 * searches; one missing a kind the value holds would skip it: pass charMask(value) or nothing.
 */
export function detectSsrf(value: string, mask?: number): Detection | undefined {
  if (typeof value !== 'string' || value.length < 3) return undefined;
  // No prefilter pass of its own: the engine calls this only for values with `: . / \\ %` or
  // non-ASCII (the `needs` mask in src/detectors/index.ts), and the bare-host scan skips every token
  // without a dot, colon, slash, bracket or non-ASCII character (an ASCII value: found by native
  // searches, see scanBareHostsSparse), so a value without them finds nothing, as a prefilter would.
  // Only URLs need the colon, found natively. Blanks around the value are looked at only when a host
  // is found there (isWholeToken): a note padded with spaces costs no second pass.
  let best: Hit | undefined;
  foldsAlone = 0;
  // (No colon: no `::`. With one, scanUrls visits the colons and says whether a `::` may be there.)
  urlsDoubleColon = false;
  if ((mask === undefined || (mask & C.COLON) !== 0) && value.indexOf(':') !== -1) {
    let a = 0;
    while (a < value.length && value.charCodeAt(a) <= 32) a++;
    best = scanUrls(value, a);
    if (best?.confidence === 'high') return best;
  }
  {
    let a = 0;
    while (a < value.length && value.charCodeAt(a) <= 32) a++;
    const rel = scanSchemeRelative(value, a);
    if (rel?.confidence === 'high') return { rule: rel.rule, reason: rel.reason, confidence: rel.confidence };
    best = better(best, rel);
    const ui = scanUserinfoHost(value, a);
    if (ui !== undefined) return { rule: ui.rule, reason: ui.reason, confidence: ui.confidence };
  }
  // ASCII: every UTF-8 byte count equal to the length means no code unit at or above 0x80 (a lone
  // surrogate counts three bytes).
  const ascii = mask !== undefined ? (mask & C.NONASCII) === 0 : value.length >= SPARSE_MIN && Buffer.byteLength(value, 'utf8') === value.length;
  if (ascii) {
    // (Without `. : / [` the sparse scan ends after its searches, at no cost bareHostsQuick's reading
    // would beat: it is asked only when one is there. `\x(` runs paid ~0.45 µs/KB for it.)
    const quick = hasShape(value, mask) ? bareHostsQuick(value, mask) : UNDECIDED;
    best = better(best, quick === UNDECIDED ? scanBareHostsSparse(value, mask) : quick);
  }
  else {
    try {
      best = better(best, scanBareHosts(value));
    } finally {
      foldBatch = undefined;
    }
  }
  return best === undefined ? undefined : { rule: best.rule, reason: best.reason, confidence: best.confidence };
}
