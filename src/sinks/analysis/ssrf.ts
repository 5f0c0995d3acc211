/**
 * Addresses a function must not be steered to: loopback, private, link-local, carrier-grade NAT,
 * unspecified, and the cloud metadata / identity endpoints (AWS IMDS and ECS, the Lambda runtime API,
 * Azure IMDS and App Service identity, GCP and Alibaba metadata). Plus the test "did this host come
 * from input?", which also catches obfuscated IPs (`0x7f.1`, `2130706433`) by parsing inputs as URLs.
 */
import type { UserInput } from '../context';
import type { Verdict } from './common';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'reserved';

function v4(ip: string): number[] | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200', '169.254.169.253', '192.0.0.192']);

function classifyV4(b: number[]): AddressClass {
  const [a, b1, c, d] = b as [number, number, number, number];
  const s = `${a}.${b1}.${c}.${d}`;
  if (METADATA_V4.has(s)) return 'metadata';
  if (a === 127) return 'loopback';
  if (a === 0) return 'reserved';
  if (a === 10 || (a === 172 && b1 >= 16 && b1 <= 31) || (a === 192 && b1 === 168)) return 'private';
  if (a === 100 && b1 >= 64 && b1 <= 127) return 'private';
  if (a === 169 && b1 === 254) return 'link-local';
  if (a === 192 && b1 === 0 && c === 0) return 'reserved';
  if (a === 198 && (b1 === 18 || b1 === 19)) return 'reserved';
  if (a >= 224) return 'reserved';
  return 'public';
}

/** Expands an IPv6 literal to 8 16-bit groups (handles `::` and an embedded IPv4 tail). */
function v6(ip: string): number[] | undefined {
  let s = ip;
  const pct = s.indexOf('%');
  if (pct !== -1) s = s.slice(0, pct);
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const maybe4 = s.slice(lastColon + 1);
  if (maybe4.includes('.')) {
    const b = v4(maybe4);
    if (!b) return undefined;
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] => (h === '' ? [] : h.split(':').map((x) => parseInt(x, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  if (groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return undefined;
  if (tail.length === 2) {
    groups[6] = tail[0]!;
    groups[7] = tail[1]!;
  }
  return groups;
}

function classifyV6(g: number[]): AddressClass {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const zeroTo5 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroTo5 && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  if (zeroTo5 && g5 === 0 && g6 === 0 && g7 === 0) return 'reserved';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d).
  if ((zeroTo5 && (g5 === 0xffff || g5 === 0)) || (g0 === 0x64 && g1 === 0xff9b)) {
    return classifyV4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
  }
  if (g0 === 0xfd00 && g1 === 0x0ec2 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0 && g7 === 0x254) return 'metadata';
  if ((g0 & 0xfe00) === 0xfc00) return 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xff00) === 0xff00) return 'reserved';
  return 'public';
}

/**
 * `net.isIPv4`: four dot-separated decimal octets 0-255 without leading zeros (Node's IPv4 regex).
 * A scanner, so that this module does not load node:net (and its streams, ~3 ms) at import.
 */
function isIPv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let i = 0;
  for (;;) {
    const start = i;
    let v = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || (len > 1 && s.charCodeAt(start) === 48) || v > 255) return false;
    parts++;
    if (i === n) return parts === 4;
    if (parts === 4 || s.charCodeAt(i) !== 46) return false;
    i++;
  }
}

/**
 * 4, 6 or 0, like `net.isIP`. Why not `net.isIP`: its first IPv6 test compiles Node's large IPv6
 * regular expression (about 3.5 ms, on every cold start, since the policy table's host names are
 * tested at install). A string without `:` is never IPv6; IPv6 candidates are checked by a scanner.
 */
export function ipKind(s: string): 0 | 4 | 6 {
  if (s.indexOf(':') === -1) return isIPv4(s) ? 4 : 0;
  return isIPv6Literal(s) ? 6 : 0;
}

/** RFC 4291 text form: hex groups of 1-4 digits, at most one `::`, an optional dotted IPv4 tail and zone. */
function isIPv6Literal(ip: string): boolean {
  let s = ip;
  const pct = s.indexOf('%');
  if (pct !== -1) {
    // A zone id is any non-empty run of characters without `%` (Node accepts the same).
    if (pct === s.length - 1 || s.indexOf('%', pct + 1) !== -1) return false;
    s = s.slice(0, pct);
  }
  if (s.length < 2 || s.length > 45) return false;
  let groups = 0;
  let compressed = false;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    compressed = true;
    i = 2;
    if (i === s.length) return true;
  }
  while (i < s.length) {
    let j = i;
    while (j < s.length && s.charCodeAt(j) !== 58) j++;
    const part = s.slice(i, j);
    if (j === s.length && part.indexOf('.') !== -1) {
      // Dotted IPv4 tail: counts as two groups.
      if (!isIPv4(part)) return false;
      groups += 2;
    } else {
      if (part.length < 1 || part.length > 4) return false;
      for (let k = 0; k < part.length; k++) {
        const c = part.charCodeAt(k) | 0x20;
        if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
      }
      groups++;
    }
    if (j === s.length) break;
    // At a colon: `::` compresses (once), a single `:` separates; a trailing single `:` is invalid.
    if (s.charCodeAt(j + 1) === 58) {
      if (compressed) return false;
      compressed = true;
      i = j + 2;
      if (i === s.length) break;
    } else {
      i = j + 1;
      if (i === s.length) return false;
    }
  }
  return compressed ? groups <= 7 : groups === 8;
}

/** An IP literal as bytes (4 for IPv4, 16 for IPv6), or undefined. */
export function ipBytes(ip: string): number[] | undefined {
  let s = ip;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const kind = ipKind(s);
  if (kind === 4) return v4(s);
  if (kind === 6) {
    const g = v6(s);
    return g ? g.flatMap((x) => [x >> 8, x & 0xff]) : undefined;
  }
  return undefined;
}

/** Classifies an IP literal; undefined when `ip` is not one. Brackets around IPv6 are accepted. */
export function classifyIp(ip: string): AddressClass | undefined {
  let s = ip;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const kind = ipKind(s);
  if (kind === 4) {
    const b = v4(s);
    return b ? classifyV4(b) : undefined;
  }
  if (kind === 6) {
    const g = v6(s);
    return g ? classifyV6(g) : undefined;
  }
  return undefined;
}

export function isInternal(c: AddressClass | undefined): boolean {
  return c !== undefined && c !== 'public';
}

/** Metadata and identity host names (resolved or not, they are never a place user input may steer to). */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.com']);

export interface InternalEndpoint {
  host: string;
  port: string | undefined;
  what: string;
}

/** Endpoints the platform gives the function through the environment. Read once, at install. */
export function platformEndpoints(env: NodeJS.ProcessEnv): InternalEndpoint[] {
  const out: InternalEndpoint[] = [];
  const addHostPort = (hp: string | undefined, what: string): void => {
    if (!hp) return;
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(hp.trim());
    if (m) out.push({ host: m[1]!.toLowerCase(), port: m[2], what });
  };
  const addUrl = (u: string | undefined, what: string): void => {
    if (!u) return;
    try {
      const url = new URL(u);
      out.push({ host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: url.port || undefined, what });
    } catch {
      // not a URL: ignore
    }
  };
  addHostPort(env.AWS_LAMBDA_RUNTIME_API, 'the Lambda runtime API');
  addUrl(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, 'the container credentials endpoint');
  addUrl(env.IDENTITY_ENDPOINT, 'the Azure managed identity endpoint');
  addUrl(env.MSI_ENDPOINT, 'the Azure managed identity endpoint');
  addHostPort(env.GCE_METADATA_HOST, 'the GCP metadata server');
  addHostPort(env.GCE_METADATA_IP, 'the GCP metadata server');
  return out;
}

/** What kind of internal destination `host` (name or literal) is, or undefined for an ordinary name. */
export function hostClass(host: string, endpoints: readonly InternalEndpoint[] = []): { cls: AddressClass; what: string } | undefined {
  const h = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const ep = endpoints.find((e) => e.host === h);
  if (ep) return { cls: 'metadata', what: ep.what };
  if (METADATA_NAMES.has(h)) return { cls: 'metadata', what: 'a cloud metadata host' };
  if (h === 'localhost' || h.endsWith('.localhost')) return { cls: 'loopback', what: 'loopback' };
  const c = classifyIp(h);
  if (c === undefined || c === 'public') return undefined;
  return { cls: c, what: c === 'metadata' ? 'a cloud metadata address' : `a ${c} address` };
}

/** The hostname a string names when read as a URL or as `host[:port][/path]`, normalized by WHATWG URL. */
function hostOfInput(u: string): string | undefined {
  if (u.length > 2048 || /\s/.test(u)) return undefined;
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) return new URL(u).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (u.startsWith('//')) return new URL('http:' + u).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (/^[\w.\-[\]:%]+(?:[/?#].*)?$/.test(u)) return new URL('http://' + u).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The hosts the inputs name when read as URLs or `host[:port]` (normalized: `0x7f.1` is 127.0.0.1).
 * Computed once per invocation by the callers that can cache it; URL parsing is the costly part.
 */
/**
 * The Host header names this function's own endpoint (localhost under a local emulator); the platform,
 * not the caller, decides where it routes, so it never attributes an outbound host.
 */
function isHostHeader(input: UserInput): boolean {
  return input.source === 'header' && input.path.toLowerCase().endsWith('.host');
}

/** A bare number (decimal or 0x-hex IPv4). Character scan: the value is attacker-controlled. */
function bareNumber(u: string): boolean {
  let i = 0;
  let hex = false;
  if (u.length > 2 && u[0] === '0' && (u[1] === 'x' || u[1] === 'X')) {
    i = 2;
    hex = true;
  }
  if (i >= u.length) return false;
  for (; i < u.length; i++) {
    const c = u.charCodeAt(i) | (hex ? 0x20 : 0);
    if (!((c >= 48 && c <= 57) || (hex && c >= 97 && c <= 102))) return false;
  }
  return true;
}

export function inputHosts(inputs: readonly UserInput[]): Map<string, UserInput> {
  const out = new Map<string, UserInput>();
  for (const input of inputs) {
    if (isHostHeader(input)) continue;
    const u = input.value.trim();
    // A host needs a dot, a colon or a slash, or is a bare number (decimal / hex IPv4).
    if (!(u.includes('.') || u.includes(':') || u.includes('/')) && !bareNumber(u)) continue;
    let h = hostOfInput(u);
    if (h === undefined) continue;
    if (h.endsWith('.')) h = h.slice(0, -1);
    if (!out.has(h)) out.set(h, input);
  }
  return out;
}

/**
 * Did `host` come from input? True when an input contains it (case-insensitive), or an input parsed
 * as a URL or host names it (obfuscated IPs normalize to the same address).
 */
export function hostFromInput(host: string, inputs: readonly UserInput[], lowered?: readonly string[], hosts?: Map<string, UserInput>): UserInput | undefined {
  // String operations, not RegExp: the host may itself come from input.
  let h = host.toLowerCase();
  if (h.startsWith('[')) h = h.slice(1);
  if (h.endsWith(']')) h = h.slice(0, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.length === 0) return undefined;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (isHostHeader(input)) continue;
    const l = lowered?.[i] ?? input.value.toLowerCase();
    if (h.length >= 2 && containsHost(l, h)) return input;
  }
  return (hosts ?? inputHosts(inputs)).get(h);
}

const HOST_CHAR = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 45 || c === 46 || c === 95 || c === 58 || c > 127;

/**
 * Whether `value` carries `host` as a host, not as a word of prose: the value has no whitespace, and an
 * occurrence of the host is bounded by characters that cannot continue a host name (`/`, `@`, `?`,
 * `#`, `]`, the ends). "works on localhost" in a note does not make a call to localhost user-driven.
 */
function containsHost(value: string, host: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) return false;
  }
  let from = 0;
  for (;;) {
    const at = value.indexOf(host, from);
    if (at === -1) return false;
    const before = at === 0 ? -1 : value.charCodeAt(at - 1);
    const afterIdx = at + host.length;
    const after = afterIdx >= value.length ? -1 : value.charCodeAt(afterIdx);
    const okBefore = before === -1 || (!HOST_CHAR(before) && before !== 46) || before === 58;
    // After the host: end, a port (`:`), a path, query, fragment or bracket.
    const okAfter = after === -1 || after === 58 || after === 47 || after === 63 || after === 35 || after === 93 || after === 92;
    if (okBefore && okAfter) return true;
    from = at + 1;
  }
}

/**
 * The SSRF test for one destination: `host` as the application named it, `address` the IP it
 * resolved to (or the literal itself). Blocks only when the destination is internal AND the host came
 * from input: the function's own calls to internal services are not SSRF.
 */
export function checkSsrf(
  host: string,
  address: string | undefined,
  inputs: readonly UserInput[],
  lowered: readonly string[] | undefined,
  endpoints: readonly InternalEndpoint[],
  hosts?: Map<string, UserInput>,
): Verdict | undefined {
  const byName = hostClass(host, endpoints);
  const byAddr = address !== undefined ? hostClass(address, endpoints) : undefined;
  const cls = byName ?? byAddr;
  if (cls === undefined) return undefined;
  const input = hostFromInput(host, inputs, lowered, hosts);
  if (input === undefined) return undefined;
  const via = address !== undefined && address !== host && byName === undefined ? ` (${host} resolved to ${address})` : '';
  return { input, reason: `Request to ${cls.what}${via} with a host that came from input.` };
}
