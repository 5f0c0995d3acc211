/**
 * The inspection engine. `createEngine` does every expensive thing once (options, schemas, exclusion
 * globs, detector table); `inspect` walks one request's untrusted values once, bounded, and returns a
 * verdict. No I/O, no provider knowledge.
 */
import { decodePayload, gzipField, looksLikeJson, payloadText } from './body';
import { ANY, BIGRAM_HIT, bigramMaskTable, C, charMask, charMaskBigrams, decodePairsSeen } from './charclass';
import { decodeBase64, deepDecode, flatCopy } from './decode';
import { DETECTORS, type DetectorEntry, type ValueDetector } from './detectors/index';
import { encodedFields, type EncodedField } from './envelope';
import { resolveOptions, type EngineOptions, type Exclusion, type ResolvedOptions } from './options';
import { compilePathGlob, formatPath, type Segment } from './paths';
import { compileSchemas, schemaFinding, type SchemaSet } from './schema';
import type { AttackClass, Confidence, Finding, InputSource, InspectionRequest, KeyDetector, Verdict } from './types';
import type { SourcePatchMatcher } from './patches/index';
import { looksLikeXml, readXml } from './xml';
import { monotonicNow } from './clock';

export interface Engine {
  /**
   * Inspects one invocation (or one batch record). Never does I/O. May throw only on a bug of ours.
   * `startedAt`: the engine's clock read by the caller just before the call, which `micros` then counts
   * from (the adapters' runtime reads it for its own accounting too: one clock read fewer). That clock
   * is performance.now() for an engine from createEngine(), src/clock.ts monotonicNow() for the
   * adapters' (createEngineFromResolved: see buildEngine).
   */
  inspect(request: InspectionRequest, startedAt?: number): Verdict;
  readonly options: ResolvedOptions;
}

const RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

/**
 * Which finding comes first, the one security events, logs and the CLI lead with (`rule`, `class`,
 * `where`). A value often trips several detectors: `{{constructor.constructor("…execSync('id')")()}}`
 * is a template injection that carries code and a command, `${jndi:ldap://169.254.169.254/x}` a JNDI
 * lookup that names a metadata address, an XXE document's entity a file path. The construct that
 * wraps the others is what the attacker aimed at and what the user must fix, so those classes lead;
 * the input-shape findings (limits, protocol) and schema violations follow the attacks. Within a tier
 * the walk's order stands (Array.prototype.sort is stable), and a higher confidence leads first.
 */
const TIER: Record<AttackClass, number> = {
  jndi: 0, ssti: 0, xxe: 0, ssi: 0, deserialization: 0,
  sqli: 1, nosqli: 1, shell: 1, 'path-traversal': 1, ssrf: 1, xss: 1, 'code-injection': 1, 'prototype-pollution': 1, ldap: 1, crlf: 1, rate: 1, custom: 1,
  limits: 2, protocol: 2,
  schema: 3,
};
function byHeadline(a: Finding, b: Finding): number {
  return RANK[b.confidence] - RANK[a.confidence] || TIER[a.class] - TIER[b.class];
}
/** Findings kept per request: enough to triage, bounded so an attacker cannot flood the logs. */
const MAX_FINDINGS = 32;
const DECODE_MARKERS = C.PERCENT | C.AMP | C.BSLASH;
/** A mask no string produces (bit 31), meaning "letters and digits only: run the `alnum` detectors". */
const ALNUM_ONLY = 1 << 31;
/**
 * `s`, or a copy that holds no other string alive. V8 makes a slice of 13 characters or more a view
 * into its parent (a query value into the raw query string, a path segment into the path, a form
 * field into its body), so a value kept across invocations (the clean set and its front) kept its
 * whole parent: up to 1,024 of them. One copy of at most CLEAN_MAX_LENGTH characters, made when a
 * value is first kept, not on a lookup that hits.
 * The copy must be a flat string, not a view of its own: `(' ' + s).slice(1)` (as before) was a
 * slice of the flattened concatenation, and V8 compares a slice with another string in the runtime
 * (~35-80 ns for a 110-character User-Agent, where two flat strings compare inline in ~5 ns). Every
 * header, query and path value of every invocation is compared with its front copy (and Map and Set
 * lookups compare keys too): ~0.4 µs of the bench's typical Lambda event. A join of two pieces
 * builds a new flat string (a join of one piece, or of `s` and '', gives `s` itself back); same
 * cost as the concatenation and slice (~65 ns for 40 characters, measured). Exported for the tests.
 */
export function ownCopy(s: string): string {
  return flatCopy(s);
}
/** Bounds of the clean set (headers, path, query): at most 1,024 values of at most 512 characters (≤ 1 MiB). */
const CLEAN_MAX_ENTRIES = 1024;
const CLEAN_MAX_LENGTH = 512;
/**
 * Marks a clean-header entry found clean as an object key (a header name): keys skip the JSON, base64
 * and XML readings a value gets, so a key's verdict says nothing about the same text as a value, nor
 * the reverse. Above every detector-index bit (there are 15 detectors).
 */
const CLEAN_KEY = 1 << 30;
/**
 * The depth a clean-set entry was read at, in bits 16-23 of its entry (CLEAN_DEPTH_SHIFT): what a
 * value's readings reach below it depends on the depth (a JSON, base64 or XML reading inside is made
 * only above maxDepth, and its own strings' readings too), so an entry answers only at the depth it
 * was read at. CLEAN_DEPTH_DECODED stands for depth 0 of a source with a `decoding` (no base64-text
 * reading there: see string). Deeper values are not kept (rare: a query value is at depth 1, an
 * array's items at 2).
 */
const CLEAN_DEPTH_SHIFT = 16;
const CLEAN_DEPTH_DECODED = 255;
/**
 * Marks an entry whose reading counted strings against the limits (a JWT's claims, base64 JSON or
 * text, XML values' readings): what it counted is in CleanFront.costs / `cleanCost`, charged again on
 * every hit (see CleanCost).
 */
const CLEAN_COSTLY = 1 << 29;
/** The bits of an entry that must equal the lookup's (treatment): CLEAN_KEY and the depth. */
const CLEAN_TAG = CLEAN_KEY | (0xff << CLEAN_DEPTH_SHIFT);
/**
 * What the reading of a clean-set value counted against the limits besides the value itself, and
 * whether it read the value as base64 (base64Read, which a later base64 source is checked against).
 * A hit must leave the walk as the reading would have: a header holding a JWT counted its decoded
 * claims (8 strings in the bench's event), and a hit that did not count them again let a later
 * request's strings through under tight limits that a fresh engine stopped at (or stopped where a
 * fresh engine did not): a verdict that depended on earlier traffic. A hit that the charge would take
 * past maxStrings or maxBytes reads the value again instead, so that the limit finding is the one a
 * fresh engine reports, at its path.
 */
interface CleanCost {
  readonly strings: number;
  readonly bytes: number;
  readonly read: boolean;
}
/**
 * Slots of the repeat memo (see RepeatMemo; memoSlot takes the top 8 bits of its hash), and the
 * longest string it keeps: a slot hit compares the whole string (bounded by its length, as its mask
 * pass is).
 */
const MEMO_SLOTS = 256;
const MEMO_MAX_LENGTH = 512;

/**
 * Values found clean earlier in the same invocation, outside the clean-set sources: a body repeats
 * its values (an order's `"name": "Cotton T-shirt, size M"` on every third line item, sizes,
 * currencies, statuses), and each repeat ran the same mask pass and detectors (~0.2 µs for that
 * name). Direct-mapped by a (length, first, middle, last character) signature, no hashing: a miss
 * costs three character reads and a compare, a hit one string compare. What `string` does with a
 * value is a function of the value, its depth and the skipped detectors alone when no virtual patch
 * applies (the engine's options are fixed), so a value read clean before, at the same depth with the
 * same skip bits, and with nothing counted inside it (a JSON, base64 or XML reading counts its own
 * strings, which a repeat must count again), is clean again: the repeat is only counted. Entries are
 * stamped with the invocation's generation: they hold for that invocation only. One table per engine,
 * not per walk: a fresh 256-slot array per invocation cost more than the repeats it saved (measured).
 */
interface RepeatMemo {
  readonly strs: Array<string | undefined>;
  readonly depth: Int32Array;
  readonly skip: Int32Array;
  readonly gen: Int32Array;
  /** What maskOf gave for the string (its mask, and BIGRAM_HIT): see memoMask. */
  readonly mask: Int32Array;
  /** The current invocation's generation (never 0, which marks an empty slot). */
  cur: number;
  /**
   * The slots written since the last clearMemo (the first MEMO_SLOTS of them), and how many writes
   * took a slot fresh in its generation (may pass MEMO_SLOTS when nested inspects start generations).
   */
  readonly written: Int32Array;
  n: number;
  /** The generation in which each slot was last listed in `written`. */
  readonly listed: Int32Array;
}

/**
 * Drops the strings the memo took in the inspection that ends (its entries are dead once the
 * generation moves on, but the array still held them): a value that is a slice of a larger string
 * (V8 makes slices of 13 characters or more views into their parent: a form or multipart body's
 * fields, an XML document's values, a hand-built event's substrings) kept the whole parent alive
 * until its slot was overwritten, up to 256 of them across invocations (measured: a 35-character
 * slice of a 30 MB string kept 30 MB after the inspection and a full GC). One store per value of
 * 13 characters or more remembered.
 */
function clearMemo(memo: RepeatMemo): void {
  const n = memo.n;
  if (n === 0) return;
  if (n > MEMO_SLOTS) memo.strs.fill(undefined);
  else for (let i = 0; i < n; i++) memo.strs[memo.written[i]!] = undefined;
  memo.n = 0;
}

/**
 * The signature of `s`: its length and first, middle and last characters, mixed so that `SKU-1006`
 * and `…size L` part. Any length (an empty string reads NaN, which mixes as 0).
 */
function signature(s: string): number {
  const n = s.length;
  let h = Math.imul(s.charCodeAt(0) ^ (n << 16), 0x9e3779b1);
  h = Math.imul(h ^ s.charCodeAt(n >> 1), 0x85ebca6b);
  return Math.imul(h ^ s.charCodeAt(n - 1), 0xc2b2ae35);
}

/** The repeat memo's slot of `s` (the signature's top 8 bits). Exported for the memo's tests. */
export function memoSlot(s: string): number {
  return signature(s) >>> 24;
}
/**
 * A direct-mapped front for the clean set (`clean`): the entry of the last string looked up or kept in
 * each slot, by its signature (frontSlot). A hit is one signature and one string compare
 * where the Map hashes the string: the whole of it, when it is a new string object, which it is on
 * every invocation in a real function (the runtime parses each event afresh: a User-Agent or an
 * Authorization header is 100-200 characters hashed per lookup, about 30 lookups per API event). An
 * entry is a fact that does not expire (the string was found clean with those detectors skipped, by
 * this engine, whose options are fixed), so the front may keep one the Map has since dropped (when
 * full, it is cleared); it is updated with the Map (keepClean), so it never holds less than the Map
 * says. Bounded: FRONT_SLOTS entries of at most CLEAN_MAX_LENGTH characters.
 */
interface CleanFront {
  readonly strs: Array<string | undefined>;
  readonly bits: Int32Array;
  /** The entry's CleanCost when it has CLEAN_COSTLY (else undefined). */
  readonly costs: Array<CleanCost | undefined>;
}
const FRONT_SLOTS = 1024;

/** The clean front's slot of `s` (the signature's top 10 bits: FRONT_SLOTS). */
function frontSlot(s: string): number {
  return signature(s) >>> 22;
}

/**
 * The characters of base64 text (either alphabet, padding, MIME line breaks): a string whose mask has
 * no other bit may be base64 (see base64Text). Letters and digits set no bit.
 */
const BASE64_CHARS = C.PLUS | C.SLASH | C.EQ | C.DASH | C.UNDERSCORE | C.NEWLINE;
/**
 * Shortest string read as base64 text when nothing says it is (12 bytes). From 12 characters, 2 in 2M
 * random 8-9 byte tokens decoded to text a detector fired on (`'\r~o\n#wC`); from 16, none in 2M.
 */
const BASE64_TEXT_MIN = 16;
/**
 * Gzip fields inflated per inspection (see gzipText). Each inflate costs ~30-50 µs whatever its size
 * (a zlib stream set up and torn down; more when the data is corrupt and zlib throws), so a body of
 * many small `H4sI…` tokens would cost hundreds of times what its text does. Past it: a limits
 * finding, not a silent skip (a payload behind decoys would otherwise pass unread).
 */
const GZIP_FIELDS_MAX = 8;
/** Decoded texts shorter than this must be plain text (plainText), not only pass payloadText. */
const BASE64_STRICT_BELOW = 48;
/**
 * No control character but tab, CR and LF, no C1 control, no replacement character (bad UTF-8), and
 * at least three in four characters ASCII: random bytes that happen to be well-formed UTF-8 are mostly
 * multi-byte characters (`ܰA?5쪉\T`, from a random 16-character token, made a finding once in 2M).
 */
function plainText(s: string): boolean {
  let wide = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 ? c !== 9 && c !== 10 && c !== 13 : c === 127 || (c >= 0x80 && c < 0xa0) || c === 0xfffd) return false;
    if (c >= 0x80) wide++;
  }
  return wide * 4 <= s.length;
}
/** Six-bit values of the base64 characters (both alphabets), -1 for any other. */
const B64_VALUE = new Int8Array(128).fill(-1);
(() => {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) B64_VALUE[a.charCodeAt(i)] = i;
  B64_VALUE[45] = 62; // -
  B64_VALUE[95] = 63; // _
})();

/**
 * Whether the first bytes `s` encodes (up to BASE64_SNIFF characters) are text: printable ASCII, tab,
 * CR, LF and well-formed UTF-8 (a sequence cut at the end of the window is allowed), with at most
 * `allowed` other bytes. Decoded here, without a Buffer: an id or token (`cus_19a8b7c6`, a UUID, a
 * hash) fails on its first byte or two, for a few table lookups (a Buffer decode of each was ~1 µs of
 * a typical order body). A line break or padding inside the window ends it.
 */
function base64TextStart(s: string, allowed: number): boolean {
  const end = Math.min(s.length, BASE64_SNIFF);
  let bad = 0;
  let acc = 0;
  let bits = 0;
  let cont = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_VALUE[c]! : -1;
    if (v === -1) break;
    acc = ((acc << 6) | v) & 0xfff;
    bits += 6;
    if (bits < 8) continue;
    bits -= 8;
    const b = (acc >> bits) & 0xff;
    if (cont > 0) {
      if ((b & 0xc0) === 0x80) {
        cont--;
        continue;
      }
      cont = 0;
      if (++bad > allowed) return false;
    }
    if (b < 0x80) {
      if (b < 32 ? b !== 9 && b !== 10 && b !== 13 : b === 127) if (++bad > allowed) return false;
    } else if (b >= 0xc2 && b <= 0xdf) cont = 1;
    else if (b >= 0xe0 && b <= 0xef) cont = 2;
    else if (b >= 0xf0 && b <= 0xf4) cont = 3;
    else if (++bad > allowed) return false;
  }
  return true;
}

/** Characters decoded first to tell text from binary (48 bytes), before the whole string is. */
const BASE64_SNIFF = 64;
/**
 * Headers that name this request's own origin or route (browsers and proxies set them): a URL to
 * localhost in `Origin` or `Referer` is a developer's frontend or a mobile webview, not a server-side
 * request target, so the SSRF detector does not read them. Every other detector still does.
 */
const HEADER_EXEMPTIONS: Readonly<Record<string, readonly string[]>> = {
  host: ['ssrf'],
  // Hybrid apps (Cordova, Capacitor, Electron) send `Origin: file://`.
  origin: ['ssrf', 'path-traversal'],
  referer: ['ssrf'],
  forwarded: ['ssrf'],
  'x-forwarded-for': ['ssrf'],
  'x-forwarded-host': ['ssrf'],
  'x-forwarded-server': ['ssrf'],
  'x-original-host': ['ssrf'],
  // htmx sends the page's URL on every request (a Referer by another name); GitLab names its own
  // instance on every webhook (self-managed ones live on internal hosts).
  'hx-current-url': ['ssrf'],
  'x-gitlab-instance': ['ssrf'],
  'x-real-ip': ['ssrf'],
  'client-ip': ['ssrf'],
};
/**
 * Top-level query and body parameters the server never fetches: OAuth's `redirect_uri` is where the
 * user's browser is sent back, and native apps use loopback addresses there by design (RFC 8252:
 * `http://127.0.0.1:53682/`). Not an SSRF target; every other detector still reads it.
 */
const PARAM_EXEMPTIONS: Readonly<Record<string, readonly string[]>> = {
  redirect_uri: ['ssrf'],
};
/**
 * Names of fields that hold a password or a client secret (lower case). A user's password is random
 * when a password manager made it, and 20 characters drawn from every printable symbol trip one
 * detector or another about once in 500 (`'|G%_i#~(*…` is an SQL expression to MySQL, `` g``m[x0$5 ``
 * a shell obfuscation, `/.1O/5{#…` a path): for those users every login would be refused, every
 * time. A password goes to a hash or a comparison, not to a page, a template, a file name, a URL or
 * an LDAP filter, and where code does run it in a shell command, a path or a request, the checks at
 * the sinks (child_process, fs, http) see it there. So values under these names are read only by the
 * classes a login form is attacked with: SQL (`' or '1'='1` in the password field is the classic
 * bypass), NoSQL operators, and JNDI lookups that a Java service behind the function may log.
 */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode',
  'newpassword', 'new_password', 'new-password', 'oldpassword', 'old_password', 'old-password',
  'currentpassword', 'current_password', 'current-password', 'confirmpassword', 'confirm_password', 'confirm-password',
  'passwordconfirmation', 'password_confirmation', 'password-confirmation', 'password1', 'password2',
  'repeatpassword', 'repeat_password', 'userpassword', 'user_password', 'adminpassword', 'admin_password',
  'client_secret', 'clientsecret',
]);
/** Classes still read under SECRET_KEYS (see there). */
const SECRET_READ: readonly string[] = ['sqli', 'nosqli', 'jndi'];
/** foldedSig of SECRET_KEYS: a key whose signature is not among theirs is no secret, without lower-casing it. */
const SECRET_SIGS = foldedSigs(SECRET_KEYS);

const SENSITIVE = ['authorization', 'cookie', 'token', 'password', 'passwd', 'secret', 'api-key', 'apikey', 'api_key', 'session', 'credential', 'signature'];

interface CompiledExclusion {
  route?: string;
  path?: (p: string) => boolean;
  rules?: string[];
  classes?: Set<string>;
}

function compileExclusion(e: Exclusion): CompiledExclusion {
  const out: CompiledExclusion = {};
  if (e.route !== undefined) out.route = e.route;
  if (e.path !== undefined) out.path = compilePathGlob(e.path);
  if (e.rules !== undefined) out.rules = e.rules;
  if (e.classes !== undefined) out.classes = new Set(e.classes);
  return out;
}

function excluded(x: CompiledExclusion, f: Finding, req: InspectionRequest): boolean {
  if (x.route !== undefined) {
    const concrete = req.method !== undefined && req.path !== undefined ? `${req.method} ${req.path}` : undefined;
    if (x.route !== req.route && x.route !== concrete && x.route !== req.path) return false;
  }
  if (x.classes && !x.classes.has(f.class)) return false;
  if (x.rules && !x.rules.some((r) => (r.endsWith('.*') ? f.rule.startsWith(r.slice(0, -1)) : r === f.rule))) return false;
  if (x.path && !x.path(f.path)) return false;
  return true;
}

/** A size-limit finding (limits.bytes, limits.strings, limits.gzip): answered 413 when nothing else blocks. */
function tooLarge(f: Finding): boolean {
  return f.rule === 'limits.bytes' || f.rule === 'limits.strings' || f.rule === 'limits.gzip';
}

/** The source kinds (kindIndex numbers them). */
const SOURCE_KINDS = ['query', 'header', 'cookie', 'path', 'body', 'record', 'event', 'metadata'] as const;

/**
 * The index of a source kind in SOURCE_KINDS (its length for any other string: no detector skipped,
 * as the Map's `?? 0` gave). A switch on the kind's few constant strings, where a Map lookup per
 * source was a third of inspect's own time on an API event (seven sources).
 */
function kindIndex(kind: string): number {
  switch (kind) {
    case 'query':
      return 0;
    case 'header':
      return 1;
    case 'cookie':
      return 2;
    case 'path':
      return 3;
    case 'body':
      return 4;
    case 'record':
      return 5;
    case 'event':
      return 6;
    case 'metadata':
      return 7;
    default:
      return 8;
  }
}

/** The object or array `text` parses to, or undefined (not JSON, or a bare scalar). */
function jsonDocument(text: string): object | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' ? v : undefined;
}

/** Detector-index bits of the classes each name is exempt from (HEADER_EXEMPTIONS, PARAM_EXEMPTIONS). */
function exemptionBits(exemptions: Readonly<Record<string, readonly string[]>>, detectors: readonly DetectorEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, classes] of Object.entries(exemptions)) {
    let bits = 0;
    detectors.forEach((d, i) => {
      if (classes.includes(d.class)) bits |= 1 << i;
    });
    if (bits !== 0) out.set(name, bits);
  }
  return out;
}

/** Where base64 JSON starts in `s` (`eyJ` at 0, or after a `Bearer ` scheme), or -1. */
function base64JsonStart(s: string): number {
  if (s.charCodeAt(0) === 101 && s.charCodeAt(1) === 121 && s.charCodeAt(2) === 74) return 0;
  if ((s.charCodeAt(0) | 0x20) === 98 && s.charCodeAt(6) === 32 && s.startsWith('eyJ', 7) && s.slice(0, 6).toLowerCase() === 'bearer') return 7;
  return -1;
}

function indexOrEnd(s: string, ch: string, from: number): number {
  const i = s.indexOf(ch, from);
  return i === -1 ? s.length : i;
}

/**
 * A byte map of the (length, first, last character) signatures of the pair keys: a key whose signature
 * is not in it is no pair key, without hashing it. The walk asks once per object key (`sku`, `qty`,
 * `price` on every line of an order), and the Set lookups were ~6% of the walk of a 1 KB order body
 * in a profile; a signature hit still asks the Set, so the answer is the Set's.
 */
function keySig(k: string): number {
  const n = k.length;
  return n === 0 ? 0 : (n * 31 + k.charCodeAt(0) * 7 + k.charCodeAt(n - 1)) & 1023;
}

/**
 * keySig of a name as it lower-cases (ASCII letters folded), for the header names of
 * HEADER_EXEMPTIONS: a header whose signature is not among theirs is exempt from nothing, without
 * lower-casing and hashing its name (10 names in the bench's API Gateway event). A name with a non-ASCII first or
 * last character is always looked up (toLowerCase may fold it into ASCII: the Kelvin sign); one inside
 * only changes the length when it lower-cases to something non-ASCII, which no exemption holds.
 */
function foldedSig(k: string): number {
  const n = k.length;
  return n === 0 ? 0 : (n * 31 + (k.charCodeAt(0) | 0x20) * 7 + (k.charCodeAt(n - 1) | 0x20)) & 1023;
}

function foldedSigs(keys: Iterable<string>): Uint8Array {
  const out = new Uint8Array(1024);
  for (const k of keys) out[foldedSig(k)] = 1;
  return out;
}

/**
 * The pair keys by keySig: how many have each signature (0, 1, or 2 for several), and for a signature
 * of one key, that key and its pairKeyBits. The walk asks for every string field (`name` on every line
 * item of an order); a Map lookup each was ~0.15 µs of the bench's typical body.
 */
interface PairIndex {
  readonly count: Uint8Array;
  readonly keys: Array<string | undefined>;
  readonly bits: Int32Array;
}

/**
 * What the walk reads off an object key at every field, kept per key by keyCacheSlot (direct-mapped, one
 * entry a slot): its charMask, its pairBits, and whether it is a SECRET_KEYS name. All three are
 * functions of the key alone for a given engine, so an entry is exact for as long as it is kept; a
 * hit is one signature and one compare (JSON.parse interns keys: `sku`, `name`, `qty`, `price` are
 * the same strings on every line item and every invocation, so the compare is a pointer test), where
 * each field paid a mask pass over the key, a pair-key signature and a folded signature (with the
 * `plain` shortcut: the engine on the bench's 1 KB order body ~7.7 -> ~7.2 µs, 51 keys; measured).
 * Keys longer than KEY_CACHE_MAX are read directly (bounded: at most 1,024 entries of at most 12
 * characters kept across invocations).
 */
interface KeyCache {
  readonly strs: Array<string | undefined>;
  readonly mask: Int32Array;
  readonly pair: Int32Array;
  readonly secret: Uint8Array;
  /**
   * 1 for a key of letters and digits shorter than 12 characters and than every ungated key
   * detector's keyMinLength: outside headers, path and query, `key` only counts it (no key detector
   * can answer: see keyNeedsAny, keyMinFree; nor the `alnum` detectors, from 12 characters).
   */
  readonly plain: Uint8Array;
}
/**
 * Longest key kept in the KeyCache: 12 characters. V8 makes a slice or a concatenation of 13 or more
 * characters a view into its parent string (SlicedString, ConsString; shorter ones are copied), and
 * keys of form bodies are slices of the body's text (parseForm): an entry kept across invocations
 * would keep a whole body alive, up to 1,024 of them. Longer keys are read directly, as before.
 */
const KEY_CACHE_MAX = 12;

/**
 * The KeyCache slot of `k`: its length, first, middle and last characters, mixed by one multiply
 * (top 10 bits). keySig's sum put `name` and `note`, `items` and `qty`, `phone` and `price` in one
 * slot each, and an order's keys evicted one another on every line item; `signature` separates
 * them too, for three multiplies (this is read once per field). Any length (an empty key reads
 * NaN, which mixes as 0).
 */
function keyCacheSlot(k: string): number {
  const n = k.length;
  return Math.imul((n << 16) ^ (k.charCodeAt(0) << 8) ^ (k.charCodeAt(n >> 1) << 4) ^ k.charCodeAt(n - 1), 0x9e3779b1) >>> 22;
}

/**
 * `k.toLowerCase()`, without a new string when there is nothing to fold: V8's toLowerCase returns a
 * copy even then (~30 bytes per header name the signature sends here: measured 736 -> 424 bytes per
 * inspection of the bench's 10 lower-case headers). Identical: a name with no A-Z and nothing
 * outside ASCII lower-cases to itself; any other is lower-cased as before (a non-ASCII character may
 * fold into ASCII: the Kelvin sign).
 */
function lowerName(k: string): string {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c >= 128) return k.toLowerCase();
  }
  return k;
}

function isSensitive(name: string): boolean {
  const n = name.toLowerCase();
  return SENSITIVE.some((s) => n.includes(s));
}

/** A short, single-line, truncated excerpt; never the value of a secret-looking field. */
function snippet(value: string, source: InputSource, segs: readonly Segment[]): string {
  if (source.kind === 'cookie' || isSensitive(source.path) || segs.some((s) => typeof s === 'string' && isSensitive(s))) {
    return '[redacted]';
  }
  const cut = value.length > 80 ? value.slice(0, 80) + '…' : value;
  let out = '';
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    out += c < 32 || c === 127 ? (c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : '\\x' + c.toString(16).padStart(2, '0')) : cut[i];
  }
  return out;
}

/**
 * The value and key detectors as parallel arrays, built once per engine. The registry's entries have
 * several shapes (some with `key`, `pair`, `alnum`, `sources`), so reading `d.value`, `d.needs` and
 * `d.alnum` off them is a megamorphic load each, three per detector per string (~0.8 µs of a typical
 * API event); these arrays are monomorphic.
 */
interface DetectorTable {
  /** `value` of each detector, by detector index (undefined where it has none). */
  readonly fns: ReadonlyArray<ValueDetector | undefined>;
  readonly classes: readonly AttackClass[];
  /** Bits of the detectors with a value detector; of those also run on long letters-and-digits strings. */
  readonly valueBits: number;
  readonly alnumBits: number;
  /**
   * The detectors whose `needs` meet each byte of a charMask: `gate[256 * b + ((mask >>> 8 * b) & 255)]`
   * for bytes b = 0..3, OR-ed, is the set of detectors the mask lets through. Four loads instead of a
   * test per detector, and `detect` then visits only those bits (with the pair-key signatures, ~0.5 µs
   * of the walk of a 1 KB order body).
   */
  readonly gate: Int32Array;
  /** The key detectors (`key`), their classes and `keyNeeds` (-1: none), in registry order. */
  readonly keyFns: readonly KeyDetector[];
  readonly keyClasses: readonly AttackClass[];
  readonly keyNeeds: Int32Array;
  /** Their `keyMinLength` (0: any length). */
  readonly keyMin: Int32Array;
  /**
   * The `keyNeeds` of the gated key detectors OR-ed, and the shortest `keyMinLength` of the others
   * (0x7fffffff: none): a key whose mask meets none of the former and that is shorter than the
   * latter calls no key detector, told by two tests instead of a pass over them (`sku`, `qty`,
   * `price`: 61 keys in the bench's 1 KB order).
   */
  readonly keyNeedsAny: number;
  readonly keyMinFree: number;
  /** bigramMaskTable of the detectors' `bigrams` OR-ed into one (none flagged when none has one). */
  readonly bigrams: Int32Array;
  /** Bits of the detectors gated on bigrams, and each one's `bigramsOr` by detector index. */
  readonly bigramBits: number;
  readonly bigramsOr: Int32Array;
  /** Bits of the detectors with `needsAlso`, and each one's `needsAlso` by detector index. */
  readonly alsoBits: number;
  readonly needsAlso: Int32Array;
  /** Bits of the detectors whose tokens a blank separates (SQL, shell, HTML, JavaScript): see string(). */
  readonly blankSeparated: number;
}

/** The classes blankSeparated lists. */
const BLANK_SEPARATED: ReadonlySet<AttackClass> = new Set<AttackClass>(['sqli', 'shell', 'xss', 'code-injection']);

function detectorTable(detectors: readonly DetectorEntry[]): DetectorTable {
  let valueBits = 0;
  let alnumBits = 0;
  detectors.forEach((d, i) => {
    if (d.value === undefined) return;
    valueBits |= 1 << i;
    if (d.alnum === true) alnumBits |= 1 << i;
  });
  // gate[256 * b + v]: the detectors whose `needs` share a bit with `v << 8 * b`, i.e. the OR, over
  // the bits of v, of the detectors each bit summons. Built from v without its lowest bit, one step
  // per entry: ~1K interpreted steps at cold start where testing every detector for every entry
  // (17K closure calls) took ~0.5 ms before the optimizer.
  const gate = new Int32Array(4 * 256);
  const byBit = new Int32Array(32);
  for (let i = 0; i < detectors.length; i++) {
    const d = detectors[i]!;
    if (d.value === undefined) continue;
    for (let k = 0; k < 32; k++) if ((d.needs & (1 << k)) !== 0) byBit[k]! |= 1 << i;
  }
  for (let b = 0; b < 4; b++) {
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      gate[256 * b + v] = gate[256 * b + (v ^ low)]! | byBit[8 * b + 31 - Math.clz32(low)]!;
    }
  }
  // One detector's table as it is; several OR-ed into a copy (none: no pair flagged).
  let bigrams: Uint8Array | undefined;
  let bigramBits = 0;
  const bigramsOr = new Int32Array(detectors.length);
  detectors.forEach((d, i) => {
    if (d.value === undefined || d.bigrams === undefined) return;
    bigramBits |= 1 << i;
    bigramsOr[i] = d.bigramsOr ?? 0;
    if (bigrams === undefined) bigrams = d.bigrams;
    else {
      const both = bigrams.slice();
      for (let k = 0; k < both.length; k++) both[k]! |= d.bigrams[k]!;
      bigrams = both;
    }
  });
  let alsoBits = 0;
  const needsAlso = new Int32Array(detectors.length);
  detectors.forEach((d, i) => {
    if (d.value === undefined || d.needsAlso === undefined) return;
    alsoBits |= 1 << i;
    needsAlso[i] = d.needsAlso;
  });
  return {
    gate,
    alsoBits,
    needsAlso,
    blankSeparated: detectors.reduce((m, d, i) => (d.value !== undefined && BLANK_SEPARATED.has(d.class) ? m | (1 << i) : m), 0),
    bigrams: bigramMaskTable(bigrams ?? new Uint8Array(128 * 128)),
    bigramBits,
    bigramsOr,
    fns: detectors.map((d) => d.value),
    classes: detectors.map((d) => d.class),
    valueBits,
    alnumBits,
    keyFns: detectors.flatMap((d) => (d.key === undefined ? [] : [d.key])),
    keyClasses: detectors.flatMap((d) => (d.key === undefined ? [] : [d.class])),
    keyNeeds: Int32Array.from(detectors.filter((d) => d.key !== undefined), (d) => d.keyNeeds ?? -1),
    keyMin: Int32Array.from(detectors.filter((d) => d.key !== undefined), (d) => d.keyMinLength ?? 0),
    keyNeedsAny: detectors.reduce((m, d) => (d.key !== undefined && d.keyNeeds !== undefined ? m | d.keyNeeds : m), 0),
    keyMinFree: detectors.reduce((m, d) => (d.key !== undefined && d.keyNeeds === undefined ? Math.min(m, d.keyMinLength ?? 0) : m), 0x7fffffff),
  };
}

/**
 * Per-request mutable state. One per engine, reset at the start of each `inspect` (see `begin`): a
 * fresh Walk with its ~40 fields and three arrays was ~0.5 KB of the ~1.4 KB an inspection of the
 * typical order body allocated besides JSON.parse (measured with heap statistics over 3,000 calls),
 * and young-generation bytes cost GC time in a real invocation (~1.5-2 µs per KB on Azure's path).
 * A nested inspect (a getter on a hand-built event that reaches a sink that inspects) gets a Walk of
 * its own.
 */
class Walk {
  strings = 0;
  bytes = 0;
  stopped = false;
  /** The verdict's array: a new one per inspection (it is returned). */
  findings: Finding[] = [];
  /** True while an inspect is using this Walk. */
  busy = false;
  /**
   * Findings reported, counted before the MAX_FINDINGS cap: whether a string was clean must not be
   * read from `findings.length`, which stops growing at the cap (a value inspected after 32 findings
   * would be remembered as clean and skipped on every later invocation).
   */
  reported = 0;
  readonly segs: Segment[] = [];
  readonly ancestors: object[] = [];
  /**
   * True while walking a value this walk parsed itself (JSON): a parsed tree has no cycles and only
   * own, enumerable keys, so the cycle check and the own-property test are skipped there (they cost
   * about a fifth of the walk on a typical body).
   */
  parsedTree = false;
  source!: InputSource;
  /** Detector indexes not to run on the current subtree (see HEADER_EXEMPTIONS, `sources`). */
  skip = 0;
  /**
   * The last string `key` or `pair` read the mask of (for their gates), and that mask: the walk reads
   * that same string next (`string`, through `maskOf`), which then need not compute it again.
   */
  pairValue: string | undefined = undefined;
  /** What maskOf returns for it: its mask, and BIGRAM_HIT when a bigram-gated detector may run. */
  pairMask = 0;
  /**
   * Set by maskOf: false when the string it read holds no pair that may start an encoding
   * (decodePairsSeen), so deepDecode would give it back unchanged. True (unknown) for a mask taken
   * from `key` or `pair` (and the repeat memo, through `pair`). `string` copies it at once.
   */
  maskDecodable = true;
  /** Strings read as base64 text by the walk (base64Text), allocated on the first one. */
  base64Read: Set<string> | undefined = undefined;
  /**
   * Additions made to base64Read (each counted, whether or not the string was there already): a
   * clean-set entry must not hide one the reading of a value made for a string inside it (keepClean).
   */
  base64Adds = 0;
  /** Gzip fields inflated (or tried) by this inspection (GZIP_FIELDS_MAX). */
  gzipReads = 0;
  /** Virtual patches bound to the current source; undefined when no rule can match in it. */
  patch: SourcePatchMatcher | undefined = undefined;
  /**
   * The repeat memo applies in the current source: no virtual patch, and not a clean-set source
   * (headers, path, query: the clean set answers their repeats). Set with `source` and `patch`.
   */
  memoable = false;
  /**
   * What the walk asks of the current source's kind at every key and value, answered once per source
   * (setSource): `this.source.kind` is a load from objects of two shapes (the body source has more
   * fields) and up to three string compares, several times per node.
   */
  inHeader = false;
  /** Header, path, query or a `repeats` source: the sources of the clean sets (`clean`, `keysClean`). */
  cleanKind = false;
  /** Query or path. */
  queryOrPath = false;
  /** Query or body: their top-level names may be PARAM_EXEMPTIONS. */
  paramKind = false;
  /** opts.limits.maxDepth, read for most strings. */
  readonly maxDepth: number;
  /** opts.limits' counts, read for every counted string (two loads fewer each). */
  readonly maxStrings: number;
  readonly maxBytes: number;
  constructor(
    readonly opts: ResolvedOptions,
    readonly detectors: readonly DetectorEntry[],
    readonly minRank: number,
    readonly headerSkips: ReadonlyMap<string, number>,
    /**
     * Header, path and query values and names found clean by this engine before, shared across
     * invocations: each with the detector bits it was inspected without (`skip`) and CLEAN_KEY for a
     * name.
     */
    readonly clean: Map<string, number>,
    /** The detectors with a key function, found once at cold start. */
    readonly keyDetectors: readonly DetectorEntry[],
    /** The detectors with a pair function, found once at cold start. */
    readonly pairDetectors: readonly DetectorEntry[],
    /** Detector bits skipped under PARAM_EXEMPTIONS keys. */
    readonly paramSkips: ReadonlyMap<string, number>,
    /**
     * Every key a pair detector answers for, with the bits (indexes into pairDetectors) of the pair
     * detectors that answer for it: one Map lookup per key decides which to call, where a Set lookup
     * per key and then one per pair detector did (three per `name` field of an order: ~0.3 µs of the
     * bench's typical body).
     */
    readonly pairKeyBits: ReadonlyMap<string, number>,
    /** pairKeyBits by keySig (see PairIndex). */
    readonly pairIndex: PairIndex,
    readonly table: DetectorTable,
    /** foldedSigs of headerSkips' names. */
    readonly headerSigs: Uint8Array,
    /**
     * Names the key detectors found nothing in before, at the top of a header, path or query
     * source, shared across invocations like `clean` (see `key`).
     */
    readonly keysClean: Set<string>,
    /** The engine's repeat memo (see RepeatMemo), stamped for this invocation. */
    readonly memo: RepeatMemo,
    /** Detector bits skipped for a string under a SECRET_KEYS name. */
    readonly secretSkip: number,
    /** The front of `clean` (see CleanFront). */
    readonly front: CleanFront,
    /** The CleanCost of each entry of `clean` with CLEAN_COSTLY. */
    readonly cleanCost: Map<string, CleanCost>,
    /** What the walk reads off object keys, by key (see KeyCache). */
    readonly keyCache: KeyCache,
  ) {
    this.maxStrings = opts.limits.maxStrings;
    this.maxBytes = opts.limits.maxBytes;
    this.maxDepth = opts.limits.maxDepth;
  }

  /**
   * Makes this Walk a fresh one for a new inspection: what the constructor's initializers set, the
   * engine's shared tables kept. Every field a walk writes is here (a thrown bug mid-walk leaves
   * nothing behind for the next inspection).
   */
  begin(): void {
    this.busy = true;
    this.strings = 0;
    this.bytes = 0;
    this.stopped = false;
    this.findings = [];
    this.reported = 0;
    // The length setter is a runtime call (~50 ns each, four per inspection: ~0.2 µs of the bench's
    // typical event); the arrays are empty here unless a walk threw.
    if (this.segs.length !== 0) this.segs.length = 0;
    if (this.ancestors.length !== 0) this.ancestors.length = 0;
    this.parsedTree = false;
    this.skip = 0;
    this.pairValue = undefined;
    this.pairMask = 0;
    this.maskDecodable = true;
    this.base64Read = undefined;
    this.base64Adds = 0;
    this.gzipReads = 0;
    this.patch = undefined;
    this.memoable = false;
    this.inHeader = false;
    this.cleanKind = false;
    this.queryOrPath = false;
    this.paramKind = false;
  }

  /** Ends an inspection: drops what would keep the request's objects alive until the next one. */
  end(): void {
    this.busy = false;
    if (this.segs.length !== 0) this.segs.length = 0;
    if (this.ancestors.length !== 0) this.ancestors.length = 0;
    this.pairValue = undefined;
    this.base64Read = undefined;
    this.patch = undefined;
    this.source = undefined!;
    clearMemo(this.memo);
  }

  /** Makes `source` the current one, with its skipped detectors and virtual patches. */
  setSource(source: InputSource, skip: number, patch: SourcePatchMatcher | undefined): void {
    const kind = source.kind;
    this.source = source;
    this.skip = skip;
    this.patch = patch;
    this.inHeader = kind === 'header';
    this.queryOrPath = kind === 'query' || kind === 'path';
    // A source of values that repeat across invocations (InputSource.repeats: an event envelope's
    // attributes) uses the clean set as headers do: ~1-4 µs per attribute read per event otherwise.
    this.cleanKind = this.inHeader || this.queryOrPath || source.repeats === true;
    this.paramKind = kind === 'query' || kind === 'body';
    this.memoable = patch === undefined && !this.cleanKind;
  }

  /** The pair detectors (bits of pairDetectors' indexes) that answer for key `k`; 0 for none. */
  private pairBits(k: string): number {
    const p = this.pairIndex;
    const sig = keySig(k);
    const n = p.count[sig]!;
    if (n === 0) return 0;
    // The one pair key of this signature: a compare (two JSON keys, both interned, compare as
    // pointers) where the Map hashed; several: the Map.
    if (n === 1) return p.keys[sig] === k ? p.bits[sig]! : 0;
    return this.pairKeyBits.get(k) ?? 0;
  }

  /**
   * The KeyCache slot holding `k`'s entry, filled on a miss; -1 for a key longer than KEY_CACHE_MAX
   * (then `key` and the object walk read the key itself, as before the cache).
   */
  private keySlot(k: string): number {
    if (k.length > KEY_CACHE_MAX) return -1;
    const kc = this.keyCache;
    const slot = keyCacheSlot(k);
    if (kc.strs[slot] !== k) {
      kc.mask[slot] = charMask(k);
      kc.pair[slot] = this.pairBits(k);
      kc.secret[slot] = SECRET_SIGS[foldedSig(k)] === 1 && SECRET_KEYS.has(lowerName(k)) ? 1 : 0;
      kc.plain[slot] = kc.mask[slot] === 0 && k.length < 12 && k.length < this.table.keyMinFree ? 1 : 0;
      kc.strs[slot] = k;
    }
    return slot;
  }

  add(rule: string, cls: AttackClass, confidence: Confidence, reason: string, value?: string): void {
    if (RANK[confidence] < this.minRank) return;
    this.reported++;
    if (this.findings.length >= MAX_FINDINGS) return;
    const f: Finding = { rule, class: cls, confidence, source: this.source.kind, path: formatPath(this.source.path, this.segs), reason };
    if (value !== undefined) f.snippet = snippet(value, this.source, this.segs);
    this.findings.push(f);
  }

  limit(rule: string, reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.add(rule, 'limits', 'high', reason);
  }

  /** Keeps virtual-patch hits, within the findings cap. */
  patched(hits: Finding[] | undefined): void {
    if (hits === undefined) return;
    this.reported += hits.length;
    for (const f of hits) if (this.findings.length < MAX_FINDINGS) this.findings.push(f);
  }

  value(v: unknown, depth: number, parentKey: string | undefined): void {
    if (this.stopped) return;
    if (this.patch !== undefined) this.patched(this.patch(this.segs, v));
    if (typeof v === 'string') {
      this.string(v, depth, false);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth >= this.maxDepth) {
      this.limit('limits.depth', `Nesting deeper than ${this.opts.limits.maxDepth} levels was not inspected.`);
      return;
    }
    // Cycles only occur in hand-built events (direct invokes from code); skip, do not report.
    const parsed = this.parsedTree;
    if (!parsed) {
      if (this.ancestors.includes(v)) return;
      this.ancestors.push(v);
    }
    if (Array.isArray(v)) {
      if (v.length === 2 && typeof v[0] === 'string') {
        const first = this.pairBits('[0]');
        if (first !== 0) {
          this.segs.push(0);
          this.pair('[0]', v[0], first);
          this.segs.pop();
        }
      }
      // A list under a pair key (`"to": ["a@x", "b@x"]`): each string item is judged with that key.
      const pairs = parentKey === undefined ? 0 : this.pairBits(parentKey);
      for (let i = 0; i < v.length && !this.stopped; i++) {
        this.segs.push(i);
        const item = v[i];
        if (pairs !== 0 && typeof item === 'string') this.pair(parentKey!, item, pairs);
        this.value(item, depth + 1, parentKey);
        this.segs.pop();
      }
    } else if (v instanceof Uint8Array) {
      // Bytes inside an event (a Buffer in a hand-built or trigger-built object: a message body, a
      // blob's content, a header value) are what the handler reads with `buf.toString()`: read as
      // UTF-8 text as a message trigger's bytes are (decodePayload: text whole, binary by its text
      // runs, noise not at all). Skipping them let `{ note: Buffer.from("' or 1=1--") }` through
      // unread. Bounded first: bytes past what maxBytes leaves are a limit finding, not a decode.
      // Cost: none for other values (the instanceof test was already made for every object).
      if (v.byteLength > this.maxBytes - this.bytes) this.limit('limits.bytes', `More than ${this.maxBytes} characters of input; the rest were not inspected.`);
      else {
        const read = decodePayload(v, 'none', undefined, false, undefined, this.maxBytes, this.maxStrings).value;
        if (typeof read === 'string') this.string(read, depth, false);
        else if (Array.isArray(read)) for (let i = 0; i < read.length && !this.stopped; i++) this.string(read[i] as string, depth, false);
      }
    } else if (!parsed && (v instanceof Map || v instanceof Set || v instanceof String)) {
      // Hand-built events only (JSON never makes these): a Map's or a Set's entries and a boxed
      // string's text are what the handler reads (`m.get('q')`, `String(s)`), and a for-in over them
      // sees nothing (a boxed string: one character at a time). Cost: three instanceof tests per
      // object of an unparsed event, none for parsed bodies.
      if (v instanceof String) this.string(v.valueOf(), depth + 1, false);
      else if (v instanceof Set) {
        let i = 0;
        for (const item of v) {
          if (this.stopped) break;
          this.segs.push(i++);
          this.value(item, depth + 1, parentKey);
          this.segs.pop();
        }
      } else {
        let i = 0;
        for (const [k, item] of v as Map<unknown, unknown>) {
          if (this.stopped) break;
          if (typeof k === 'string') {
            this.segs.push(k);
            this.key(k, parentKey, -1);
            this.value(item, depth + 1, k);
          } else {
            // A key that is no string (an object, a number) is inspected as a value.
            this.segs.push(i);
            this.value(k, depth + 1, parentKey);
            this.value(item, depth + 1, parentKey);
          }
          this.segs.pop();
          i++;
        }
      }
    } else {
      const obj = v as Record<string, unknown>;
      const headers = depth === 0 && this.inHeader;
      const params = depth === 0 && this.paramKind;
      for (const k in obj) {
        if (this.stopped) break;
        if (!parsed && !Object.prototype.hasOwnProperty.call(obj, k)) continue;
        this.segs.push(k);
        const ks = this.keySlot(k);
        // A short letters-and-digits key outside the clean-set sources (see KeyCache.plain): what
        // `key` would do with it (count it), without the call.
        if (ks !== -1 && this.keyCache.plain[ks] === 1 && !this.cleanKind) {
          this.pairValue = undefined;
          this.count(k);
        } else this.key(k, parentKey, ks);
        // The key's pair bits and secret flag, read before `obj[k]`: a getter there (a hand-built
        // event) may reach a sink whose nested inspect shares this engine's KeyCache and fills the
        // slot with another key. -1: not cached, read from the key below.
        const kPair = ks !== -1 ? this.keyCache.pair[ks]! : -1;
        const kSecret = ks !== -1 ? this.keyCache.secret[ks]! : -1;
        // Read once: the pair check and the walk see the same value (a getter on a hand-built event
        // is not asked twice).
        const child = obj[k];
        if (typeof child === 'string') {
          const bits = kPair !== -1 ? kPair : this.pairBits(k);
          if (bits !== 0) this.pair(k, child, bits);
        }
        // A number, boolean or null has nothing to inspect (value() would only check its type): a
        // call spared per field of an order's line items. Virtual patches still see every value.
        if (typeof child !== 'object' && typeof child !== 'string' && this.patch === undefined) {
          this.segs.pop();
          continue;
        }
        const saved = this.skip;
        if (headers) {
          if (this.headerSigs[foldedSig(k)] === 1 || k.charCodeAt(0) >= 128 || k.charCodeAt(k.length - 1) >= 128) this.skip |= this.headerSkips.get(lowerName(k)) ?? 0;
        } else {
          if (params && k.length === 12) this.skip |= this.paramSkips.get(k) ?? 0;
          // A password's value (see SECRET_KEYS): the signature first, so other keys cost three loads.
          if (typeof child === 'string' && (kSecret !== -1 ? kSecret === 1 : SECRET_SIGS[foldedSig(k)] === 1 && SECRET_KEYS.has(lowerName(k)))) this.skip |= this.secretSkip;
        }
        // A string straight to `string`, which is all value() would do with it.
        if (typeof child === 'string' && this.patch === undefined) this.string(child, depth + 1, false);
        else this.value(child, depth + 1, k);
        this.skip = saved;
        this.segs.pop();
      }
    }
    if (!parsed) this.ancestors.pop();
  }

  /** Walks a tree this walk parsed from JSON text (see `parsedTree`). */
  parsedValue(v: unknown, depth: number, parentKey: string | undefined): void {
    const saved = this.parsedTree;
    this.parsedTree = true;
    try {
      this.value(v, depth, parentKey);
    } finally {
      this.parsedTree = saved;
    }
  }

  /** `ks`: keySlot(k), or -1 (then the mask is read here). */
  private key(k: string, parentKey: string | undefined, ks: number): void {
    const t = this.table;
    const fns = t.keyFns;
    // A key's mask gates the key detectors that declare `keyNeeds` (about 60 calls spared on a 1 KB
    // order body), and `string` reuses it. Not for header names: the clean set answers those before
    // any mask is read.
    let mask = -1;
    if (!this.inHeader) {
      mask = ks !== -1 ? this.keyCache.mask[ks]! : charMask(k);
      this.pairValue = k;
      // Keys are not gated on bigrams (BIGRAM_HIT: as if one was found).
      this.pairMask = mask | BIGRAM_HIT;
    }
    // No key detector can answer (see keyNeedsAny): the pass over them is skipped.
    if (mask === -1 || (mask & t.keyNeedsAny) !== 0 || k.length >= t.keyMinFree) {
      // The names of the clean-set sources repeat across invocations as their values do (the same
      // header names from every client, a route's query keys): one the key detectors found nothing
      // in before is not read again. A key detector answers from its two arguments alone, and every
      // name here has the same second one (undefined), for the same detectors and paranoia (this
      // engine's), so the answer would be the same. Header names are not masked (see above), so
      // every key detector ran on each one: ~0.14 µs of the bench's typical API Gateway event. Bounded as
      // `clean` is (at most CLEAN_MAX_ENTRIES names of at most CLEAN_MAX_LENGTH characters).
      const remember = parentKey === undefined && this.cleanKind && k.length <= CLEAN_MAX_LENGTH;
      if (!remember || !this.keysClean.has(k)) {
        const before = this.reported;
        for (let i = 0; i < fns.length; i++) {
          const needs = t.keyNeeds[i]!;
          if (mask !== -1 && needs !== -1 && (mask & needs) === 0) continue;
          if (k.length < t.keyMin[i]!) continue;
          const hit = fns[i]!(k, parentKey);
          if (hit) this.add(hit.rule, this.table.keyClasses[i]!, hit.confidence, hit.reason, k);
        }
        if (remember && this.reported === before) {
          if (this.keysClean.size >= CLEAN_MAX_ENTRIES) this.keysClean.clear();
          this.keysClean.add(ownCopy(k));
        }
      }
    }
    // A letters-and-digits key shorter than the `alnum` detectors' 12 characters (`sku`, `qty`,
    // `price`, `line1`) outside the clean-set sources: `string` would only count it against the
    // limits, after a dozen tests (61 keys in the bench's 1 KB order). Counted here the same way.
    if (mask === 0 && k.length < 12 && !this.queryOrPath) {
      this.pairValue = undefined;
      this.count(k);
      return;
    }
    this.string(k, 0, true);
  }

  /**
   * Counts `s` against maxStrings and maxBytes; false (and the limit finding) when it is past them.
   * What `string` does first for every counted string.
   */
  private count(s: string): boolean {
    if (++this.strings > this.maxStrings) {
      this.limit('limits.strings', `More than ${this.opts.limits.maxStrings} strings; the rest were not inspected.`);
      return false;
    }
    this.bytes += s.length;
    if (this.bytes > this.maxBytes) {
      this.limit('limits.bytes', `More than ${this.opts.limits.maxBytes} characters of input; the rest were not inspected.`);
      return false;
    }
    return true;
  }

  /**
   * Pair detectors on a string value and its key (see DetectorEntry.pair); the path is the value's.
   * `bits`: pairBits(k), the pair detectors that answer for `k` (not 0).
   */
  private pair(k: string, v: string, bits: number): void {
    const list = this.pairDetectors;
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      // In index order (lowest bit first), as the loop over every pair detector visited them.
      const d = list[31 - Math.clz32(low)]!;
      // `name` and `email` are in every order and sign-up body; their values rarely hold what a pair
      // check needs (a line break for the mail fields). One mask pass, reused by `string` next,
      // instead of a call and its searches (~50 ns a value).
      if (d.pairNeeds !== undefined) {
        if (this.pairValue !== v) {
          this.pairValue = v;
          this.pairMask = this.memoMask(v);
        }
        if ((this.pairMask & d.pairNeeds) === 0) continue;
      }
      const hit = d.pair!(k, v);
      if (hit) this.add(hit.rule, d.class, hit.confidence, hit.reason, v);
    }
  }

  /** `counted` false: a piece of a string already counted against the limits (an XML value). */
  private string(s: string, depth: number, isKey: boolean, counted = true): void {
    if (counted && !this.count(s)) return;
    if (s.length < 2) return;
    // A repeat of a value read clean before in this invocation (see RepeatMemo). Depth 0 is left
    // out: there the base64 reading also depends on the source's decoding.
    let slot = -1;
    if (this.memoable && !isKey && depth > 0 && s.length <= MEMO_MAX_LENGTH) {
      const memo = this.memo;
      slot = memoSlot(s);
      if (memo.gen[slot] === memo.cur && memo.strs[slot] === s && memo.depth[slot] === depth && memo.skip[slot] === this.skip) return;
    }
    // Outside headers (whose values the clean set answers before any mask is needed) the mask is read
    // first: it also rules out the JSON reading below for strings without `{` or `[`, nearly all.
    let mask = -1;
    // False when the string holds none of the bigram-gated detectors' pairs (see DetectorEntry.bigrams).
    let bigram = true;
    // Whether `s` may decode to something else (see maskDecodable): read right after maskOf, since
    // the readings below (base64, XML) walk other strings through it.
    let decodable = true;
    if (!this.inHeader) {
      const m = this.maskOf(s);
      mask = m & ANY;
      bigram = (m & BIGRAM_HIT) !== 0;
      decodable = this.maskDecodable;
    }
    // A string holding a JSON document (an SNS message in an SQS body, a JSON field the handler will
    // parse): inspect the document's values, not its syntax, which would only add false positives.
    if (!isKey && (mask === -1 || (mask & (C.BRACE | C.BRACKET)) !== 0) && looksLikeJson(s)) {
      const parsed = jsonDocument(s);
      if (parsed !== undefined) {
        this.parsedValue(parsed, depth + 1, undefined);
        return;
      }
    }
    // Header values repeat across invocations (the same Accept, User-Agent, Accept-Language from
    // every browser, the same Host on every request to a function): a bounded set of values already
    // found clean skips their detectors. So do the path and query parameter names and values (a
    // route's `/orders`, `page=2`, `sort=price`; `/orders` alone was ~0.5 µs of a typical API event,
    // path-traversal reading it whole). Not bodies: they vary per request and would only churn the
    // set. An entry holds for any set of skipped detectors that includes the one it was inspected
    // with (Host, exempt from SSRF, is cached too: it was ~3 µs of a typical API event). A value
    // read with less than its full treatment (at the depth limit) is neither looked up nor kept.
    const cacheable = this.cleanKind && s.length <= CLEAN_MAX_LENGTH && (isKey || (depth < this.maxDepth && depth < CLEAN_DEPTH_DECODED));
    // Keys are read alike at any depth (no readings inside): tagged CLEAN_KEY alone.
    const treatment = isKey
      ? CLEAN_KEY
      : (depth === 0 && this.source.decoding !== undefined && this.source.decoding !== 'none' ? CLEAN_DEPTH_DECODED : depth) << CLEAN_DEPTH_SHIFT;
    if (cacheable) {
      const front = this.front;
      const slot = frontSlot(s);
      let seen: number | undefined;
      if (front.strs[slot] === s) seen = front.bits[slot];
      else {
        seen = this.clean.get(s);
        if (seen !== undefined) {
          front.strs[slot] = ownCopy(s);
          front.bits[slot] = seen;
          front.costs[slot] = (seen & CLEAN_COSTLY) === 0 ? undefined : this.cleanCost.get(s);
        }
      }
      if (seen !== undefined && (seen & CLEAN_TAG) === treatment && (seen & ~(this.skip | CLEAN_TAG | CLEAN_COSTLY)) === 0) {
        if ((seen & CLEAN_COSTLY) === 0) return;
        // What the reading counted, charged again (see CleanCost); not under a virtual patch, whose
        // rules must see the values inside, nor past the limits.
        const cost = front.costs[slot];
        if (cost !== undefined && this.patch === undefined && this.strings + cost.strings <= this.maxStrings && this.bytes + cost.bytes <= this.maxBytes) {
          this.strings += cost.strings;
          this.bytes += cost.bytes;
          if (cost.read) this.readAsBase64(s);
          return;
        }
      }
    }
    const before = this.reported;
    // What the readings inside count against the limits (base64 JSON, a JWT's claims, XML values'
    // readings): a value kept clean keeps that too (CleanCost), and the repeat memo keeps none such.
    const countedAt = this.strings;
    const bytesAt = this.bytes;
    const readBefore = cacheable && this.base64Read?.has(s) === true;
    const addsAt = this.base64Adds;
    // A JSON document in base64 (`eyJ` is how `{"` starts): a state or cursor parameter, a JWT's
    // header and claims. What the handler will decode is inspected like any JSON value; the text
    // itself still goes through the detectors below. Costs nothing for other strings (three char
    // compares); a match costs one decode and one JSON.parse, counted against the limits. No size
    // cap: a large base64 upload is read decoded too (the encoded and the decoded text both count
    // against maxBytes, so only an upload past ~60 % of it becomes a limits finding), since a cap
    // would be the size an attacker pads a payload to.
    let readAsJson = false;
    if (!isKey && s.length >= 16 && depth < this.maxDepth) {
      const t = base64JsonStart(s);
      if (t !== -1) readAsJson = this.base64Json(s, t, depth);
    }
    if (mask === -1) {
      const m = this.maskOf(s);
      mask = m & ANY;
      bigram = (m & BIGRAM_HIT) !== 0;
      decodable = this.maskDecodable;
    }
    // Base64 of plain text (an encoded note, a webhook's payload field): what the handler reads after
    // `Buffer.from(x, 'base64').toString()`. Only strings of base64 characters alone, from 16
    // characters, of any length (the mask and length decide, no decoding, for every other string);
    // ids, hashes, tokens and files decode to binary and are dropped on their first 48 bytes. A payload text as a
    // whole (a message body, depth 0 of a decoded source) is body.ts's to read (`#base64` there).
    if (
      !isKey &&
      (mask & ~BASE64_CHARS) === 0 &&
      s.length >= BASE64_TEXT_MIN &&
      depth < this.maxDepth &&
      (depth > 0 || this.source.decoding === undefined || this.source.decoding === 'none') &&
      !readAsJson
    ) {
      this.base64Text(s, depth);
    }
    if (mask === 0) {
      // Letters and digits only: no injection grammar applies, except encoded blobs (a Java
      // serialization stream in base64) that the `alnum` detectors look for in long tokens.
      if (s.length >= 12) this.detect(s, ALNUM_ONLY, this.skip);
      if (cacheable && this.reported === before) this.keepClean(s, treatment, countedAt, bytesAt, readBefore, addsAt);
      if (slot !== -1 && this.reported === before && this.strings === countedAt) this.remember(slot, s, depth, bigram ? BIGRAM_HIT : 0);
      return;
    }
    let found: number;
    let inner = 0;
    /** Set for an HTML fragment: its decoded form is display text for XSS purposes (see xml()). */
    let displayed = 0;
    if (mask & C.LT && !isKey && depth < this.maxDepth && looksLikeXml(s)) {
      // An XML or HTML document in a string (a SOAP body, an XML field, rich text): the markup
      // classes (XSS, XXE) read the document as a whole; then its values, each on its own as JSON
      // values are; then the whole text for the classes the values did not show, so that a finding
      // names the element or attribute rather than the document.
      const markup = this.classBit('xss') | this.classBit('xxe');
      found = this.detect(s, mask, this.skip | ~markup, undefined, bigram);
      const mark = this.findings.length;
      if (this.xml(s, depth + 1)) displayed = this.classBit('xss');
      for (let k = mark; k < this.findings.length; k++) inner |= this.classBit(this.findings[k]!.class);
      found |= this.detect(s, mask, this.skip | markup | inner, undefined, bigram);
    } else {
      found = this.detect(s, mask, this.skip, undefined, bigram);
    }
    // (No pair that starts an encoding: deepDecode would give `s` back, after reading it again.)
    if (mask & DECODE_MARKERS && decodable) {
      const decoded = deepDecode(s);
      if (decoded !== undefined) {
        // The decoded text is gated on the bigram-gated detectors' pairs as the raw text is (maskOf):
        // their entries promise nothing from a string that has none of their pairs and no
        // `bigramsOr` character, whatever string it is. Same one load a character as charMask;
        // spares the deserialization detector its pass over most decoded text (1 MB of `%41%42x`:
        // ~1.7 µs/KB of the engine's ~34).
        const m = charMaskBigrams(decoded, this.table.bigrams);
        const got = this.detect(decoded, m & ANY, found | inner | displayed | this.skip, s, (m & BIGRAM_HIT) !== 0);
        // Percent escapes beside `+`: form encoding (a query string kept in a JSON member, a form
        // value or S3 key a producer encoded), which its consumer reads with `+` as a space
        // (URLSearchParams, querystring.parse): `1%27+UNION+SELECT+password+FROM+users--`, which
        // decodeURIComponent's reading above keeps as `1'+UNION+SELECT…`, no SQL. Both readings are
        // inspected: which one the consumer makes is its own choice. `+` becomes a space before the
        // escapes are undone (`%2B` stays a plus). Only for strings with both: one native search
        // more per decoded string, nothing for the rest; a string with both is decoded once more
        // and read once more by the detectors whose tokens a blank separates (SQL, shell, HTML,
        // JavaScript): about twice the cost of such text (1 MB of `a+%3C` ~45 -> ~105 µs/KB, prose
        // ~29; `%27+or+` ~134 -> ~200; random printable ASCII, which has both, ×6.8 -> ×9.2 prose),
        // linear. No cheaper gate on what else the string holds: a form reader passes any raw
        // character through, so `1%27+UNION+SELECT+…-- x` (a raw blank) reads as SQL all the same.
        if ((mask & C.PLUS) !== 0) {
          const form = deepDecode(s.replaceAll('+', ' '));
          if (form !== undefined && form !== decoded) {
            const fm = charMaskBigrams(form, this.table.bigrams);
            this.detect(form, fm & ANY, found | got | inner | displayed | this.skip | ~this.table.blankSeparated, s, (fm & BIGRAM_HIT) !== 0);
          }
        }
      }
    }
    if (cacheable && this.reported === before) this.keepClean(s, treatment, countedAt, bytesAt, readBefore, addsAt);
    if (slot !== -1 && this.reported === before && this.strings === countedAt) this.remember(slot, s, depth, mask | (bigram ? BIGRAM_HIT : 0));
  }

  /**
   * Keeps `s`, read clean at `depth` with the current skip bits and nothing counted inside, in the
   * repeat memo, with `m`, what maskOf gave for it.
   */
  private remember(slot: number, s: string, depth: number, m: number): void {
    const memo = this.memo;
    // Listed once per generation (see clearMemo); past MEMO_SLOTS listings only counted. Strings
    // shorter than 13 characters are never views into another (V8 copies them): not listed. Whether
    // the slot is listed is its own mark (`listed`), not `gen`: a slot taken by a short string and
    // then by a long one in the same generation was left unlisted, its long string kept.
    if (s.length >= 13 && memo.listed[slot] !== memo.cur) {
      if (memo.n < MEMO_SLOTS) memo.written[memo.n] = slot;
      memo.n++;
      memo.listed[slot] = memo.cur;
    }
    memo.strs[slot] = s;
    memo.depth[slot] = depth;
    memo.skip[slot] = this.skip;
    memo.mask[slot] = m;
    memo.gen[slot] = memo.cur;
  }

  /**
   * charMaskBigrams(v) with the engine's bigrams (what maskOf gives), taken from the repeat memo when
   * `v` is in it: the mask is a function of the string alone, whatever depth or skip bits the entry
   * was kept with. For `pair`, which reads the value before `string` can find it in the memo (the
   * `name` of an order's every line item, of a few distinct values: ~20 characters a pass).
   */
  private memoMask(v: string): number {
    const n = v.length;
    if (n >= 2 && n <= MEMO_MAX_LENGTH) {
      const memo = this.memo;
      const slot = memoSlot(v);
      if (memo.gen[slot] === memo.cur && memo.strs[slot] === v) return memo.mask[slot]!;
    }
    return charMaskBigrams(v, this.table.bigrams);
  }

  /**
   * charMaskBigrams(s) with the engine's bigrams (the mask, and BIGRAM_HIT), or what `key` or `pair`
   * read of it just before. The bigrams come with the mask's own pass (one table load a character,
   * as before), and spare the deserialization detector its pass over most values: it took ~1.3 µs on
   * the 24 values of the bench's 1 KB order; 3 of them still reach it.
   */
  private maskOf(s: string): number {
    let m: number;
    if (s === this.pairValue) {
      m = this.pairMask;
      this.maskDecodable = true;
    } else {
      m = charMaskBigrams(s, this.table.bigrams);
      this.maskDecodable = decodePairsSeen();
    }
    // Consumed: the strings after this one are not compared with it.
    this.pairValue = undefined;
    return m;
  }

  /**
   * Keeps `s`, read clean with `treatment` (see string), in the clean set, with what its reading
   * counted since `countedAt` and `bytesAt` (CleanCost). Not kept (rare) when the reading cannot tell
   * which strings it marked read as base64 (base64Read): `s` was marked before it (`readBefore`), or
   * it marked some other string than `s` (base64 text inside a value's base64 JSON: a hit would not
   * mark it, and a later base64 source of that text would be read again, counted again).
   */
  private keepClean(s: string, treatment: number, countedAt: number, bytesAt: number, readBefore: boolean, addsAt: number): void {
    // Past GZIP_FIELDS_MAX a gzip field is left uninflated (one limits.gzip finding for the first
    // only): kept clean, it would be skipped uninflated by every later inspection, so one 413'd
    // request with nine decoys would let the payload pass alone afterwards. One compare.
    if (this.gzipReads > GZIP_FIELDS_MAX) return;
    const strings = this.strings - countedAt;
    const read = this.base64Read?.has(s) === true;
    let cost: CleanCost | undefined;
    if (strings !== 0 || read) {
      if (readBefore || this.base64Adds - addsAt > (read ? 1 : 0)) return;
      cost = { strings, bytes: this.bytes - bytesAt, read };
    }
    const prev = this.clean.get(s);
    // Kept across invocations: a copy of its own, not a view into the request (see ownCopy).
    if (prev === undefined) s = ownCopy(s);
    let bits: number;
    // Clean without detectors A and clean without detectors B is clean without those in both: every
    // detector runs or not by its own bit, whatever the others do. What the reading counts is the
    // same for both (a function of the value, its depth and the engine's options).
    if (prev !== undefined && (prev & CLEAN_TAG) === treatment) bits = prev & (this.skip | CLEAN_TAG);
    else {
      if (this.clean.size >= CLEAN_MAX_ENTRIES) {
        this.clean.clear();
        this.cleanCost.clear();
      }
      bits = this.skip | treatment;
    }
    if (cost !== undefined) {
      bits |= CLEAN_COSTLY;
      this.cleanCost.set(s, cost);
    } else if (prev !== undefined && (prev & CLEAN_COSTLY) !== 0) this.cleanCost.delete(s);
    this.clean.set(s, bits);
    const slot = frontSlot(s);
    this.front.strs[slot] = prev === undefined ? s : ownCopy(s);
    this.front.bits[slot] = bits;
    this.front.costs[slot] = cost;
  }

  /** Marks `s` read as base64 (base64Read), counted in base64Adds. */
  private readAsBase64(s: string): void {
    (this.base64Read ??= new Set()).add(s);
    this.base64Adds++;
  }

  /**
   * The JSON inside a base64 value (`eyJ…`) or a JWT's first two segments (`eyJ….eyJ….sig`), from
   * index `t` (after `Bearer `): each decoded document is walked under a `#base64` segment (with the
   * segment's index for a JWT). Values that are not base64 JSON are left to the detectors. Returns
   * whether a document was read (then the value is not read as base64 text again).
   */
  private base64Json(s: string, t: number, depth: number): boolean {
    let read = false;
    const dot = s.indexOf('.', t);
    const parts = dot === -1 ? 1 : 2;
    let from = t;
    for (let k = 0; k < parts; k++) {
      const end = k === 0 && dot !== -1 ? dot : k === 1 ? indexOrEnd(s, '.', from) : s.length;
      if (end - from < 16 || !s.startsWith('eyJ', from)) return read;
      const text = decodeBase64(s.slice(from, end));
      if (text !== undefined && looksLikeJson(text)) {
        const doc = jsonDocument(text);
        if (doc !== undefined) {
          read = true;
          this.segs.push('#base64');
          if (parts > 1) this.segs.push(k);
          // A token's claims name its issuer and audience, often internal (`http://keycloak:8080/…`):
          // the SSRF detector would block every request of such a fleet. A URL the handler fetches
          // from a token (`jku`, `x5u`) is still checked at the sink.
          const saved = this.skip;
          if (parts > 1 || t > 0) this.skip |= this.classBit('ssrf');
          this.parsedValue(doc, depth + 1, undefined);
          this.skip = saved;
          // Pops, not the length setter (a runtime call).
          this.segs.pop();
          if (parts > 1) this.segs.pop();
          if (parts === 1 && t === 0) this.readAsBase64(s);
        }
      }
      from = end + 1;
    }
    return read;
  }

  /**
   * `s` (base64 characters only, see string) read decoded under a `#base64` segment when it is strict
   * base64 of text (payloadText): JSON inside is walked as JSON, other text by the detectors. Binary
   * (images, compressed or encrypted data, random tokens) is not read, and is told from text on a
   * decoded prefix first, so a large image costs one 48-byte decode. What is decoded counts against
   * the limits as any string does (at most maxBytes decoded per request). The string is remembered so
   * that a push envelope's reading of the same field (encoded) does not read it twice.
   */
  private base64Text(s: string, depth: number): void {
    if (s.startsWith('H4sI') && this.gzipText(s, depth)) return;
    if (!base64TextStart(s, s.length * 3 < BASE64_STRICT_BELOW * 4 ? 0 : 1)) return;
    const text = decodeBase64(s);
    if (text === undefined || text.length === 0) return;
    // Random bytes pass payloadText's one odd character now and then: ~1 in 200,000 random 12-byte
    // tokens then made a finding (measured). A short text must have none.
    if (text.length < BASE64_STRICT_BELOW && !plainText(text)) return;
    const read = payloadText(text);
    if (read === undefined || !('text' in read)) return;
    this.readAsBase64(s);
    this.segs.push('#base64');
    this.value(read.text, depth + 1, undefined);
    this.segs.pop();
  }

  /**
   * A field holding base64 of gzip (`H4sI`: gzip's magic 1f 8b 08), which the handler inflates: a
   * producer's compressed payload inside a JSON message or body, a log batch copied into a document.
   * Read inflated under `#gzip`, as a whole message's gzip is (decodePayload): JSON walked as JSON,
   * text by the detectors. Without it, `{"data":"H4sI…"}` carried any payload past every detector:
   * the compressed bytes are noise. Bounded by what maxBytes leaves (past it: the limits finding a
   * compressed body gets; inflating stops there, so a zip bomb costs at most that), and at most
   * GZIP_FIELDS_MAX per inspection. Returns whether it was gzip (else the string is read as other
   * base64 is). Costs a prefix compare on other strings.
   */
  private gzipText(s: string, depth: number): boolean {
    if (this.gzipReads >= GZIP_FIELDS_MAX) {
      if (this.gzipReads++ === GZIP_FIELDS_MAX) this.add('limits.gzip', 'limits', 'high', `More than ${GZIP_FIELDS_MAX} gzip fields; the rest were not inflated.`);
      return false;
    }
    this.gzipReads++;
    const r = gzipField(s, this.maxBytes - this.bytes, this.maxStrings);
    if (r === undefined) return false;
    if ('beyond' in r) {
      this.limit('limits.bytes', `A gzip field inflates past the input limit (${this.maxBytes} characters); it was not inspected.`);
      return true;
    }
    this.readAsBase64(s);
    this.segs.push('#gzip');
    this.value(r.value, depth + 1, undefined);
    this.segs.pop();
    return true;
  }

  /**
   * The base64 payloads of a push envelope (envelope.ts), each read once more decoded, under a
   * `#base64` segment after the field's path (`body.message.data["#base64"].cmd`), as the handler will
   * read it: text and JSON whole, binary data by its text runs, or not at all when it has none
   * (payloadText). The encoded text itself was walked with the rest of the document. A field that is
   * not strict base64 is a protocol finding and is read as Node's lenient decoder reads it (it skips
   * the characters it does not know, which a strict reading would let an attacker hide a payload
   * behind). Base64 JSON the walk already decoded (`eyJ…`, see base64Json) is not read twice.
   */
  encoded(fields: readonly EncodedField[]): void {
    const base = this.segs.length;
    for (const f of fields) {
      if (this.stopped) return;
      const s = f.value;
      const depth = f.path.length;
      for (const seg of f.path) this.segs.push(seg);
      // What decoding would add, checked before decoding (3 bytes per 4 characters).
      if (this.bytes + Math.floor((s.length * 3) / 4) > this.opts.limits.maxBytes) {
        this.limit('limits.bytes', `More than ${this.opts.limits.maxBytes} characters of input; the rest were not inspected.`);
        this.segs.length = base;
        return;
      }
      let text = decodeBase64(s);
      if (text === undefined) {
        this.add('protocol.invalid-base64', 'protocol', 'medium', 'The payload is declared base64 but is not valid base64; inspected as a lenient decoder reads it.');
        text = Buffer.from(s, 'base64').toString('utf8');
      } else if (
        this.base64Read?.has(s) === true ||
        (s.length >= 16 && depth < this.maxDepth && base64JsonStart(s) === 0 && looksLikeJson(text) && jsonDocument(text) !== undefined)
      ) {
        this.segs.length = base;
        continue;
      }
      const read = payloadText(text);
      if (read !== undefined) {
        this.segs.push('#base64');
        this.value('text' in read ? read.text : read.runs, depth, undefined);
      }
      this.segs.length = base;
    }
  }

  /** The detector-index bit of a finding's class (0 for classes without a value detector here). */
  private classBit(cls: string): number {
    const list = this.detectors;
    for (let i = 0; i < list.length; i++) if (list[i]!.class === cls) return 1 << i;
    return 0;
  }

  /**
   * Walks the values of an XML document in `s` (see xml.ts); paths like `root.a.@probe`. Returns
   * whether it was an HTML fragment (XmlDocument.html).
   */
  private xml(s: string, depth: number): boolean {
    const doc = readXml(s);
    const base = this.segs.length;
    for (const nm of doc.names) {
      for (const seg of nm.path) this.segs.push(seg);
      for (const d of this.keyDetectors) {
        const hit = d.key!(nm.name, nm.parent);
        if (hit) this.add(hit.rule, d.class, hit.confidence, hit.reason, nm.name);
      }
      this.segs.length = base;
    }
    // An HTML fragment's text is displayed, not parsed: markup its entities spell (`&lt;script&gt;`
    // in a post about HTML) is no XSS there. Its real tags were judged on the whole text already.
    const textSkip = doc.html ? this.classBit('xss') : 0;
    for (const v of doc.values) {
      if (this.stopped) break;
      for (const seg of v.path) this.segs.push(seg);
      const saved = this.skip;
      if (textSkip !== 0 && v.path[v.path.length - 1] === '#text') this.skip |= textSkip;
      this.string(v.value, depth, false, false);
      this.skip = saved;
      this.segs.length = base;
    }
    return doc.html;
  }

  /**
   * Runs every applicable detector; returns a bit set of detector indexes that fired. `bigram` false:
   * `s` holds none of the gated detectors' bigrams (maskOf), which then run only where their
   * `bigramsOr` meets the mask.
   */
  private detect(s: string, mask: number, skip: number, original?: string, bigram = true): number {
    let fired = 0;
    const t = this.table;
    const fns = t.fns;
    const alnum = mask === ALNUM_ONLY;
    const g = t.gate;
    // Candidates in index order (lowest bit first), as the loop over every detector visited them.
    let run = alnum ? t.alnumBits & ~skip : t.valueBits & ~skip & (g[mask & 255]! | g[256 + ((mask >>> 8) & 255)]! | g[512 + ((mask >>> 16) & 255)]! | g[768 + ((mask >>> 24) & 255)]!);
    if (!bigram && !alnum) {
      let gated = run & t.bigramBits;
      while (gated !== 0) {
        const low = gated & -gated;
        gated ^= low;
        if ((mask & t.bigramsOr[31 - Math.clz32(low)]!) === 0) run ^= low;
      }
    }
    if (!alnum) {
      // `needsAlso` (shell): a second mask the value must meet too; one test per such detector.
      let also = run & t.alsoBits;
      while (also !== 0) {
        const low = also & -also;
        also ^= low;
        if ((mask & t.needsAlso[31 - Math.clz32(low)]!) === 0) run ^= low;
      }
    }
    while (run !== 0) {
      const low = run & -run;
      run ^= low;
      const i = 31 - Math.clz32(low);
      const hit = fns[i]!(s, alnum ? 0 : mask);
      // A finding below the paranoia level is dropped and must not stop the decoded pass from
      // finding the same class with more confidence.
      if (hit === undefined || RANK[hit.confidence] < this.minRank) continue;
      fired |= low;
      const reason = original === undefined ? hit.reason : `${hit.reason} (after decoding)`;
      this.add(hit.rule, t.classes[i]!, hit.confidence, reason, original ?? s);
    }
    return fired;
  }
}

function buildEngine(opts: ResolvedOptions, now: () => number): Engine {
  const patches = opts.virtualPatches;
  const schemas: SchemaSet | undefined = compileSchemas(opts.schema, opts.schemas);
  const exclusions = opts.exclusions.map(compileExclusion);
  const detectors = DETECTORS.filter((d) => opts.detectors[d.class]);
  // A clean-set entry holds detector-index bits below CLEAN_DEPTH_SHIFT, its own tags above.
  if (DETECTORS.length > CLEAN_DEPTH_SHIFT) throw new Error(`serverless-rasp: ${DETECTORS.length} detectors; the clean set's entries hold ${CLEAN_DEPTH_SHIFT}`);
  const minRank = 4 - opts.paranoia;
  const clean = new Map<string, number>();
  const front: CleanFront = { strs: new Array<string | undefined>(FRONT_SLOTS).fill(undefined), bits: new Int32Array(FRONT_SLOTS), costs: new Array<CleanCost | undefined>(FRONT_SLOTS).fill(undefined) };
  const cleanCost = new Map<string, CleanCost>();
  const keysClean = new Set<string>();
  const keyDetectors = detectors.filter((d) => d.key !== undefined);
  const pairDetectors = detectors.filter((d) => d.pair !== undefined);
  const pairKeyBits = new Map<string, number>();
  for (const d of pairDetectors) for (const k of d.pairKeys ?? []) pairKeyBits.set(k, 0);
  // A pair detector without pairKeys answers for every key some other one names (as the Set of all
  // pair keys and a loop over every pair detector did).
  for (const k of pairKeyBits.keys()) {
    let bits = 0;
    pairDetectors.forEach((d, i) => {
      if (d.pairKeys === undefined || d.pairKeys.has(k)) bits |= 1 << i;
    });
    pairKeyBits.set(k, bits);
  }
  const pairIndex: PairIndex = { count: new Uint8Array(1024), keys: new Array<string | undefined>(1024).fill(undefined), bits: new Int32Array(1024) };
  for (const [k, bits] of pairKeyBits) {
    const sig = keySig(k);
    if (pairIndex.count[sig]! < 2) pairIndex.count[sig]!++;
    pairIndex.keys[sig] = k;
    pairIndex.bits[sig] = bits;
  }
  // Detectors limited to some sources (crlf) are skipped, by index, everywhere else.
  const sourceSkips = new Int32Array(SOURCE_KINDS.length + 1);
  for (const kind of SOURCE_KINDS) {
    let bits = 0;
    detectors.forEach((d, i) => {
      if (d.sources !== undefined && !d.sources.includes(kind)) bits |= 1 << i;
    });
    sourceSkips[kindIndex(kind)] = bits;
  }
  const headerSkips = exemptionBits(HEADER_EXEMPTIONS, detectors);
  const headerSigs = foldedSigs(headerSkips.keys());
  const paramSkips = exemptionBits(PARAM_EXEMPTIONS, detectors);
  let secretSkip = 0;
  detectors.forEach((d, i) => {
    if (!SECRET_READ.includes(d.class)) secretSkip |= 1 << i;
  });
  const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);
  const table = detectorTable(detectors);
  const memo: RepeatMemo = { strs: new Array<string | undefined>(MEMO_SLOTS).fill(undefined), depth: new Int32Array(MEMO_SLOTS), skip: new Int32Array(MEMO_SLOTS), gen: new Int32Array(MEMO_SLOTS), mask: new Int32Array(MEMO_SLOTS), cur: 0, written: new Int32Array(MEMO_SLOTS), n: 0, listed: new Int32Array(MEMO_SLOTS) };

  const keyCache: KeyCache = { strs: new Array<string | undefined>(1024).fill(undefined), mask: new Int32Array(1024), pair: new Int32Array(1024), secret: new Uint8Array(1024), plain: new Uint8Array(1024) };

  const newWalk = (): Walk =>
    new Walk(opts, detectors, minRank, headerSkips, clean, keyDetectors, pairDetectors, paramSkips, pairKeyBits, pairIndex, table, headerSigs, keysClean, memo, secretSkip, front, cleanCost, keyCache);
  const shared = newWalk();

  const inspect = (req: InspectionRequest, startedAt?: number): Verdict => {
    const t0 = startedAt !== undefined && Number.isFinite(startedAt) ? startedAt : now();
    if (opts.mode === 'off') return { action: 'allow', status: 200, findings: [], micros: 0 };
    // A new generation per invocation (0 marks an empty slot; after 2^32 invocations a generation
    // comes round again, and an entry that old is still exact: see RepeatMemo).
    memo.cur = (memo.cur + 1) | 0 || 1;
    // The engine's Walk, or a new one when an inspect is already using it (nested: see Walk).
    const w = shared.busy ? newWalk() : shared;
    w.begin();
    try {
      return walkRequest(w, req, t0);
    } finally {
      w.end();
    }
  };

  const walkRequest = (w: Walk, req: InspectionRequest, t0: number): Verdict => {
    for (const source of req.sources) {
      // The source's fields, read once each: sources come in several shapes (a body has more fields
      // than a header map), and most of these are absent from most of them, so each read is a
      // polymorphic load that finds nothing; they were read two to four times each per source.
      const kind = source.kind;
      const base64 = source.base64 === true;
      const contentEncoding = source.contentEncoding;
      const validates = source.validate === true;
      w.setSource(source, sourceSkips[kindIndex(kind)]!, patches === undefined ? undefined : patches.forSource(source));
      let value = source.value;
      // Set when `value` is a tree our own decoder built from text (JSON, form, multipart).
      let fresh = false;
      // Other readings of the body (its declared charset, CSV, YAML, JSON lines or literals: body.ts).
      let alts: Array<{ segment: string; value: unknown }> | undefined;
      let textCovered = false;
      const decoding = source.decoding ?? 'none';
      // A base64 source the walk of an earlier source already read decoded, the same string (a Kafka
      // header value is in the record document and is a source of its own): reading it again would
      // only repeat its findings under a second path. Not when it is validated or patched here.
      if (base64 && typeof value === 'string' && !validates && w.patch === undefined && contentEncoding === undefined && w.base64Read?.has(value) === true) continue;
      if (decoding !== 'none' || base64 || contentEncoding !== undefined) {
        // The raw payload text too (a rule on `body` or `records[*].body` as a whole).
        if (w.patch !== undefined && typeof value === 'string' && !base64) w.patched(w.patch(w.segs, value));
        const d = decodePayload(value, decoding, source.contentType, base64, contentEncoding, opts.limits.maxBytes, opts.limits.maxStrings);
        if (d.inflatesBeyond !== undefined) {
          // A decompression bomb, or a compressed upload past the limit: as with any input past
          // maxBytes, the rest is not inspected, and that is a finding of its own.
          w.limit('limits.bytes', `The body's Content-Encoding inflates to more than ${d.inflatesBeyond} bytes; it was not inspected.`);
          break;
        }
        fresh = d.value !== value && (typeof value === 'string' || value instanceof Uint8Array);
        value = d.value;
        alts = d.alts;
        textCovered = d.textCovered === true;
        if (d.problem !== undefined) {
          if (d.problem === 'invalid-encoding' || d.problem === 'unsupported-encoding') {
            const how = d.problem === 'invalid-encoding' ? 'does not inflate' : 'uses a coding this library does not undo';
            w.add(`protocol.${d.problem}`, 'protocol', 'medium', `The body's Content-Encoding (${contentEncoding ?? ''}) ${how}; inspected as received.`);
          } else {
            const what = d.problem === 'invalid-base64' ? 'base64' : d.problem === 'invalid-json' ? 'JSON' : 'multipart';
            w.add(`protocol.${d.problem}`, 'protocol', 'medium', `The payload is declared ${what} but is not valid ${what}; inspected as text.`);
          }
        }
      }
      if (validates && schemas !== undefined && !w.stopped) {
        const present = value !== undefined && value !== '';
        if (present || kind === 'record' || (req.method !== undefined && bodyMethods.has(req.method))) {
          const validate = schemas.select(req.method, req.route, req.path);
          if (validate !== undefined && !validate(value ?? null)) {
            for (const err of validate.errors ?? []) w.findings.push(schemaFinding(err, source.path, kind));
          }
        }
      }
      if (textCovered) {
        // Every value is in a reading below (CSV fields, JSON lines): the text is not read whole.
      } else if (fresh || source.parsed === true) w.parsedValue(value, 0, undefined);
      else w.value(value, 0, undefined);
      if (alts !== undefined) {
        for (const alt of alts) {
          if (w.stopped) break;
          // Findings name it `body["#charset"].q`, `body["#csv"][3][1]`: the value as that reader sees it.
          w.segs.push(alt.segment);
          w.parsedValue(alt.value, 1, undefined);
          w.segs.pop();
        }
      }
      // A push envelope's base64 payload (Pub/Sub, CloudEvents, SNS attributes), read decoded too.
      if (!w.stopped && (kind === 'body' || kind === 'record') && value !== null && typeof value === 'object') {
        const fields = encodedFields(value, opts.limits.maxStrings);
        if (fields.length > 0) w.encoded(fields);
      }
      if (w.stopped) break;
    }
    let findings = w.findings;
    if (exclusions.length > 0 && findings.length > 0) {
      findings = findings.filter((f) => !exclusions.some((x) => excluded(x, f, req)));
    }
    if (findings.length > 1) findings.sort(byHeadline);
    const micros = Math.round((now() - t0) * 1000);
    if (findings.length === 0) return { action: 'allow', status: 200, findings, micros };
    // 413 when only size limits block (too many bytes or strings: the request was not read whole, so
    // nothing says it is an attack; the client is told to send less), 400 for schema findings only.
    const status = findings.every((f) => f.class === 'schema') ? 400 : findings.every(tooLarge) ? 413 : 403;
    // Findings of `action: 'monitor'` virtual patches never make a verdict block.
    const blocking = patches === undefined || patches.monitorRules.size === 0 || findings.some((f) => !patches.monitorRules.has(f.rule));
    return { action: opts.mode === 'block' && blocking ? 'block' : 'monitor', status, findings, micros };
  };

  return { inspect, options: opts };
}

/**
 * Builds an engine at cold start. Throws RaspConfigError for bad options or schemas.
 *
 * @example
 * const engine = createEngine({ schemas: { 'POST /orders': orderSchema } });
 * const verdict = engine.inspect({ method: 'POST', path: '/orders', sources: [
 *   { kind: 'body', path: 'body', value: rawBody, decoding: 'body', contentType: 'application/json', validate: true },
 * ] });
 */
export function createEngine(options?: EngineOptions): Engine {
  return buildEngine(resolveOptions(options, ['failClosed', 'onSecurityEvent', 'log']), performanceNow);
}

/**
 * For adapters that have already resolved options (with their own extra keys). Its clock (`startedAt`,
 * `micros`) is monotonicNow() (src/clock.ts), which the adapters' runtime reads: not performance.now(),
 * whose first read loads perf_hooks on the first invocation.
 */
export function createEngineFromResolved(opts: ResolvedOptions): Engine {
  return buildEngine(opts, monotonicNow);
}

/** createEngine()'s clock, as documented for `startedAt` before there was another. */
function performanceNow(): number {
  return performance.now();
}
