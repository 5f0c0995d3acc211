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
 * an internal IP with a port as the whole value (`127.0.0.1:6379`, `169.254.169.254:80`: loopback,
 * link-local and metadata only) and a DNS-rebinding service's name (`7f000001.a9fea9fe.rbndr.us`,
 * `make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms`) as the whole value are `high` too; a bare private IP
 * (`10.0.0.1`, a plausible configuration value) is `medium`; integers and version numbers ("1.2.3.4")
 * outside a URL are nothing. URLs to public hosts (`https://example.com`, `https://8.8.8.8/`) pass.
 *
 * Cost: a native `indexOf(':')` decides whether URLs are looked for (one pass over the colons of
 * schemes); one table-driven pass over the tokens finds bare hosts, skipping at once every token
 * without a dot, colon, slash, bracket or non-ASCII character. Ordinary names and colons (times,
 * `Mozilla/5.0`, `shop.example.com`) are ruled out in place, without lower-cased copies. Every host is
 * at most 256 characters of look-ahead, so the whole scan stays linear.
 */
import type { Confidence, Detection } from '../types';
import { C } from '../charclass';
import { better, hexVal, type Hit } from './util';

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
  let s = text;
  const pct = s.indexOf('%');
  if (pct !== -1) s = s.slice(0, pct);
  if (s.length < 2 || s.length > 64) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  let cur = head;
  let seenDouble = false;
  let i = 0;
  if (s.startsWith('::')) {
    seenDouble = true;
    cur = tail;
    i = 2;
    if (i === s.length) return [0, 0, 0, 0, 0, 0, 0, 0];
  }
  while (i < s.length) {
    let j = i;
    while (j < s.length && hexVal(s.charCodeAt(j)) >= 0) j++;
    if (s.charCodeAt(j) === 46 /* . */) {
      // Embedded IPv4 tail: must be dotted decimal per RFC 4291; accept any IPv4 spelling.
      const p = parseIPv4(s.slice(i));
      if (p === undefined) return undefined;
      cur.push(p.value >>> 16, p.value & 0xffff);
      i = s.length;
      break;
    }
    const len = j - i;
    if (len === 0 || len > 8) return undefined;
    if (len > 4) {
      if (j !== s.length) return undefined;
      const v = parseInt(s.slice(i, j), 16);
      cur.push(Math.floor(v / 65536) & 0xffff, v & 0xffff);
      i = j;
      break;
    }
    cur.push(parseInt(s.slice(i, j), 16));
    if (j === s.length) {
      i = j;
      break;
    }
    if (s.charCodeAt(j) !== 58) return undefined;
    if (s.charCodeAt(j + 1) === 58) {
      if (seenDouble) return undefined;
      seenDouble = true;
      cur = tail;
      i = j + 2;
      if (i === s.length) break;
      continue;
    }
    i = j + 1;
    if (i === s.length) return undefined;
  }
  const total = head.length + tail.length;
  if (total > 8 || (!seenDouble && total !== 8) || (seenDouble && total > 7)) return undefined;
  const groups = head.slice();
  for (let k = 0; k < 8 - total; k++) groups.push(0);
  return groups.concat(tail);
}

/** What an IPv6 address reaches, following IPv4 embeddings (mapped, compatible, NAT64, 6to4). */
export function classifyIPv6(g: number[]): { category: Category; via4: boolean } {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
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

/** Non-ASCII hosts folded one at a time in a scan before the rest of the value is folded at once. */
const FOLD_ONE_BY_ONE = 8;

/**
 * Folds the host part of every non-ASCII token of s from `from` on at once, into foldBatch. Each
 * host is what bareHostToken would read (the token up to its first `/ ? # : \`, tokenEnd). They are
 * joined by line feeds: a line feed is a delimiter (never in a token), NFKC never produces one, it
 * neither composes nor decomposes (so normalization of the joined text is the normalization of each
 * piece, joined), and it is neither cased nor case-ignorable (so lower-casing a piece sees the same
 * context as alone: the final-sigma rule stops at it as at the ends of a string). If the pieces do
 * not come back one for one, no batch is kept and each host is folded alone, as before.
 */
function prepareFoldBatch(s: string, from: number): void {
  const hosts: string[] = [];
  const seen = new Set<string>();
  const n = s.length;
  for (let i = skipDelims(s, from); i < n; ) {
    const j = tokenEnd(s, i);
    if (tokSeen & BH_WIDE) {
      const host = s.slice(i, tokStop === -1 ? j : tokStop);
      if (!seen.has(host) && hasWide(host)) {
        seen.add(host);
        hosts.push(host);
      }
    }
    i = skipDelims(s, j);
  }
  const folded = foldWide(hosts.join('\n')).toLowerCase().split('\n');
  if (folded.length !== hosts.length) return;
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

/** Classifies a host (brackets allowed for IPv6). */
function classifyHost(rawHost: string): HostVerdict | undefined {
  if (rawHost.length === 0 || rawHost.length > 255) return undefined;
  let host = rawHost;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    const inner = host.slice(1, close === -1 ? host.length : close);
    const g = parseIPv6(inner);
    if (g === undefined) return undefined;
    const c = classifyIPv6(g);
    return { category: c.category, spelling: 'ipv6' };
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
  if (host.indexOf(':') !== -1) {
    const g = parseIPv6(host);
    if (g !== undefined) return { category: classifyIPv6(g).category, spelling: 'ipv6' };
  }
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
 * Finds `scheme:` occurrences and checks each URL's host(s). `retries`: URLs already re-read without
 * tabs (a re-reading passes the maximum, so it never re-reads again).
 */
function scanUrls(s: string, trimmedStart: number, retries = 0): Hit | undefined {
  const n = s.length;
  let best: Hit | undefined;
  let sawUrl = -1;
  let next = 0;
  for (let c = s.indexOf(':'); c !== -1; c = s.indexOf(':', Math.max(c + 1, next))) {
    // Scheme: letters, digits, `+ - . _` before the colon, starting with a letter.
    let a = c;
    while (a > 0 && c - a < 32) {
      const ch = s.charCodeAt(a - 1);
      if (isAlpha(ch) || isDigit(ch) || ch === 43 || ch === 45 || ch === 46 || ch === 95) a--;
      else break;
    }
    while (a < c && !isAlpha(s.charCodeAt(a))) a++;
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
    if (e - p > 64) next = e;
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
(() => {
  for (const name of [...LOOPBACK_NAMES, ...METADATA_NAMES]) (NAMES_BY_LENGTH[name.length] ??= []).push(name);
  for (const suf of [...INTERNAL_SUFFIXES, ...IP_IN_NAME_SUFFIXES]) (SUFFIXES_BY_LAST[suf.charCodeAt(suf.length - 1)] ??= []).push(suf);
})();

/**
 * Whether s[a, b) may be a host classifyHost names: ASCII hosts are compared in place (lower-casing
 * ASCII only folds A-Z); anything else through wideNameCandidate.
 */
function nameCandidateAt(s: string, a: number, b: number, ascii = false): boolean {
  if (b - a > 255) return false;
  if (!ascii) for (let i = a; i < b; i++) if (s.charCodeAt(i) >= 0x80) return wideNameCandidate(s.slice(a, b));
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
  if (e === a) return false;
  const names = NAMES_BY_LENGTH[e - a];
  if (names !== undefined) for (const name of names) if (equalsCI(s, a, e, name)) return true;
  if (e - a >= 18 && equalsCI(s, a, a + 18, 'kubernetes.default')) return true;
  let last = s.charCodeAt(e - 1);
  if (last >= 65 && last <= 90) last |= 0x20;
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
  return dot && !nameCandidateAt(s, a, b);
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
const BH = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) if (isDelim(c)) BH[c] = BH_DELIM;
  for (const ch of '.:/[') BH[ch.charCodeAt(0)] = (BH[ch.charCodeAt(0)] as number) | BH_SHAPE;
  BH[64] = BH_AT;
  for (const ch of '/?#:\\') BH[ch.charCodeAt(0)] = (BH[ch.charCodeAt(0)] as number) | BH_STOP;
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
 * One pass over the token that starts at `i` (a table load per character): returns its end (the
 * next delimiter, or the end of the value) and collects what bareHostToken needs: `:/` (a URL,
 * judged by scanUrls), `@` (an e-mail), a shape (dot, colon, slash, bracket, non-ASCII), where the
 * host ends (`/ ? # : \`), and the first `::`.
 */
function tokenEnd(s: string, i: number): number {
  const n = s.length;
  let j = i;
  let seen = 0;
  let stop = -1;
  let dc = -1;
  for (; j < n; j++) {
    const ch = s.charCodeAt(j);
    const t = ch < 128 ? (BH[ch] as number) : BH_SHAPE | BH_WIDE;
    if (t === 0) continue;
    if (t & BH_DELIM) break;
    seen |= t;
    if (t & BH_STOP && stop === -1) stop = j;
    if (ch === 58) {
      const next = j + 1 < n ? s.charCodeAt(j + 1) : -1;
      if (next === 47) seen |= BH_COLON_SLASH;
      else if (next === 58 && dc === -1) dc = j;
    }
  }
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
function bareHostToken(s: string, tokStart: number, j: number, seen: number, stop: number, dc: number): Hit | undefined {
  const n = s.length;
  const k = tokStart;
  if (seen & (BH_COLON_SLASH | BH_AT) || !(seen & BH_SHAPE)) return undefined;
  // host[:port] then `/`, `?`, `#` or the end.
  let e = k;
  if (s.charCodeAt(k) === 91) {
    const close = indexWithin(s, ']', k, j);
    if (close === -1) return undefined;
    e = close + 1;
  } else {
    e = stop === -1 ? j : stop;
  }
  // A bare IPv6 literal as a whole token (`::1`, `fe80::1`, `::ffff:10.0.0.1`). Unassigned space is
  // left alone: `a::b` is as likely C++ as an address.
  if (s.charCodeAt(k) !== 91) {
    if (dc !== -1) {
      const g = parseIPv6(s.slice(k, j));
      if (g !== undefined) {
        const c = classifyIPv6(g).category;
        if (c !== 'public' && c !== 'reserved') {
          const whole6 = isWholeToken(s, tokStart, j);
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
    let dots = 0;
    for (let m = k; m < e; m++) if (s.charCodeAt(m) === 46) dots++;
    if (dots !== 3) return undefined;
  } else if (h0 !== 91 && !nameCandidateAt(s, k, e, (seen & BH_WIDE) === 0)) return undefined;
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
  const host = s.slice(k, e);
  const v = classifyHost(host);
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
    (v.spelling === 'ip' || (v.spelling === 'ipv6' && h0 === 91)) &&
    (v.category === 'loopback' || v.category === 'metadata' || v.category === 'link-local')
  ) {
    // `127.0.0.1:6379`, `169.254.169.254:80`, `[::1]:6379` as the whole value: a socket address of
    // this host or the metadata service, what a `host`/`target` field is given to reach them. A
    // dotted quad with a port is no version string once it is loopback or link-local (`1.2.3.4:5`
    // is public and never gets here), and inside text it stays low (the branch below). Private
    // addresses (`10.0.0.5:6379`) stay medium: a VPC's own endpoints are ordinary configuration; so
    // does `0.0.0.0:8080`, far more often a listen address than a target.
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
 * Bare hosts: `localhost/`, `169.254.169.254/latest/meta-data`, `127.0.0.1:9001`, `10.0.0.1`. A host
 * with a path or port that makes up the whole value (or a quoted token) is a URL without its scheme.
 * Every token from `from` on (0, or a delimiter: a token boundary), each judged by bareHostToken.
 */
function scanBareHosts(s: string, from = 0): Hit | undefined {
  const n = s.length;
  let best: Hit | undefined;
  let i = from;
  /** Non-ASCII tokens judged so far (see FOLD_ONE_BY_ONE). */
  let wide = 0;
  while (i < n) {
    // Delimiters by table, inline (this walk is hot on dense shapes; prepareFoldBatch calls skipDelims).
    const d = s.charCodeAt(i);
    if (d < 128 && (BH[d] as number) === BH_DELIM) {
      i++;
      continue;
    }
    // One pass over the token (tokenEnd) collects what bareHostToken needs.
    const j = tokenEnd(s, i);
    const seen = tokSeen;
    const stop = tokStop;
    const dc = tokDc;
    const tokStart = i;
    i = j;
    if (j - tokStart > 600) continue;
    // Skip tokens that are URLs (scanUrls judged them) or e-mail addresses. Plain words ("the",
    // "dog", "42") cannot be hosts worth a finding: they need a dot, a colon, a slash, a bracket or a
    // non-ASCII look-alike.
    if (seen & (BH_COLON_SLASH | BH_AT) || !(seen & BH_SHAPE)) continue;
    // A token whose host part is empty (it starts with `/ ? # : \` and has no `::`, as `/a` in
    // `</a>x` runs): bareHostToken would find nothing; answered here, where shape tokens can come
    // every few characters and a call per token cost ~40 % of the walk.
    if (stop === tokStart && dc === -1) continue;
    // (bareHostToken's other answers are lower than high or end the scan: returning at the first high
    // one keeps the first of the highest, as better() does.)
    if (seen & BH_WIDE && foldBatch === undefined && ++wide > FOLD_ONE_BY_ONE) prepareFoldBatch(s, tokStart);
    best = better(best, bareHostToken(s, tokStart, j, seen, stop, dc));
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
  const n = s.length;
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
    const j = tokenEnd(s, a);
    from = j;
    if (j - a > 600) continue;
    // (BH_SHAPE is set: p is in the token.)
    if (tokSeen & (BH_COLON_SLASH | BH_AT)) continue;
    best = better(best, bareHostToken(s, a, j, tokSeen, tokStop, tokDc));
    if (best?.confidence === 'high') return best;
  }
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
  }
  // ASCII: every UTF-8 byte count equal to the length means no code unit at or above 0x80 (a lone
  // surrogate counts three bytes).
  const ascii = mask !== undefined ? (mask & C.NONASCII) === 0 : value.length >= SPARSE_MIN && Buffer.byteLength(value, 'utf8') === value.length;
  if (ascii) best = better(best, scanBareHostsSparse(value, mask));
  else {
    try {
      best = better(best, scanBareHosts(value));
    } finally {
      foldBatch = undefined;
    }
  }
  return best === undefined ? undefined : { rule: best.rule, reason: best.reason, confidence: best.confidence };
}
