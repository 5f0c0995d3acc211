import t from 'tap';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ANY, BIGRAM_HIT, bigramMaskTable, charMask, charMaskBigrams, decodePairsSeen } from '../../src/charclass';
import { deepDecode } from '../../src/decode';
import { DETECTORS } from '../../src/detectors/index';
import { createEngine, memoSlot, ownCopy } from '../../src/engine';
import type { InputSource, InspectionRequest } from '../../src/types';
import { prng } from '../helpers/prng';
import { verdictDigest } from '../helpers/verdict-table';

// The engine's shortcuts on hot paths must never hide a finding: the clean-header set it keeps across
// invocations answers as a fresh engine would, and the key and pair gates let every detection through.
const headers = (value: Record<string, string>): InputSource => ({ kind: 'header', path: 'headers', value });
const req = (...sources: InputSource[]): InspectionRequest => ({ sources });
const XSS = '<script>alert(1)</script>';
/** base64 of {"a":"<script>alert(1)</script>"}: clean as text, an attack once decoded. */
const B64 = 'eyJhIjoiPHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0PiJ9';

t.test('a value inspected after the findings cap is not remembered as clean', async (t) => {
  const e = createEngine();
  const q: Record<string, string> = {};
  for (let i = 0; i < 40; i++) q[`p${i}`] = "' or 1=1 --";
  const first = e.inspect(req({ kind: 'query', path: 'query', value: q }, headers({ 'x-note': XSS })));
  t.equal(first.findings.length, 32, 'the cap holds');
  const next = e.inspect(req(headers({ 'x-note': XSS })));
  t.equal(next.action, 'block');
  t.equal(next.findings[0]?.class, 'xss');
});

t.test('a header name found clean does not clear the same text as a value', async (t) => {
  const e = createEngine();
  // As a name, base64 JSON is not decoded; as a value it is.
  t.equal(e.inspect(req(headers({ [B64.toLowerCase()]: 'a', [B64]: 'a' }))).action, 'allow');
  const v = e.inspect(req(headers({ 'x-state': B64 })));
  t.equal(v.action, 'block');
  t.equal(v.findings[0]?.path, 'headers.x-state["#base64"].a');
});

t.test('an exempt header (Host) is remembered only for the detectors it was inspected with', async (t) => {
  const e = createEngine();
  const url = 'http://169.254.169.254/latest/meta-data/';
  t.equal(e.inspect(req(headers({ host: url }))).action, 'allow', 'Host is not an SSRF target');
  t.equal(e.inspect(req(headers({ host: url }))).action, 'allow', 'and stays so from the cache');
  const v = e.inspect(req(headers({ 'x-target': url })));
  t.equal(v.action, 'block', 'the same value in another header is still judged by SSRF');
  t.equal(v.findings[0]?.class, 'ssrf');
});

// The engine calls a key or pair detector only when the string's mask meets its `keyNeeds` or
// `pairNeeds` (detectors/index.ts). Like the `needs` masks (mask-gating.test.ts): a detection on a
// string whose mask misses them would be hidden.
t.test('keyNeeds, keyMinLength and pairNeeds hide no detection', async (t) => {
  let seed = 7;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const PIECES = ['$', '$ne', '$gt', '$where', '$regex', 'user', '[', ']', '.', '%24', '＄', '&', '\\', 'a', 'B', '0', '_', '-', ' ', '\r\n', '\n', '\u2028', '\u0085', 'Bcc:', 'bcc: x@y.z', 'To: a@b.c', 'Subject: hi', 'RCPT TO:<a@b>', 'X-Mailer: x', 'com.sun.rowset.JdbcRowSetImpl', 'System.Windows.Data.ObjectDataProvider', 'ObjectDataProvider:#System.Windows.Data', 'L', ';', ':', '#', 'java.lang.Runtime', '__proto__', 'constructor', 'prototype'];
  const gen = (): string => {
    let s = '';
    const n = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)];
    return s;
  };
  const strings = [...PIECES, 'user[$ne]', 'a[b][$in][]', 'a.$gt', 'me@example.com\r\nBcc: all@example.com', 'x\nTo: y@z.w', '[com.sun.rowset.JdbcRowSetImpl', 'Lcom.sun.rowset.JdbcRowSetImpl;'];
  for (let i = 0; i < 20000; i++) strings.push(gen());
  const violations: string[] = [];
  let fired = 0;
  for (const d of DETECTORS) {
    for (const s of strings) {
      const mask = charMask(s);
      if (d.key !== undefined && (d.keyNeeds !== undefined || d.keyMinLength !== undefined)) {
        for (const parent of [undefined, 'constructor', 'where']) {
          if (d.key(s, parent) === undefined) continue;
          fired++;
          if (d.keyNeeds !== undefined && (mask & d.keyNeeds) === 0) violations.push(`${d.class} key ${JSON.stringify(s)}`);
          if (s.length < (d.keyMinLength ?? 0)) violations.push(`${d.class} key ${JSON.stringify(s)} shorter than keyMinLength`);
        }
      }
      if (d.pair !== undefined && d.pairNeeds !== undefined) {
        for (const k of d.pairKeys ?? []) {
          if (d.pair(k, s) === undefined) continue;
          fired++;
          if ((mask & d.pairNeeds) === 0) violations.push(`${d.class} pair ${k}=${JSON.stringify(s)}`);
        }
      }
    }
  }
  t.ok(fired > 100, `${fired} key and pair detections checked`);
  t.same(violations.slice(0, 20), [], 'no key or pair detection is hidden by its mask');
});

// Path and query values and names share the clean set (a route's `/orders`, `page=2` repeat on every
// request): the same rules as headers, and a value is kept only when nothing inside it was counted
// against the limits, so that a skipped value changes neither a verdict nor what the limits count.
const query = (value: Record<string, string>): InputSource => ({ kind: 'query', path: 'query', value });
const verdictOf = (v: { action: string; findings: Array<{ rule: string; path: string; confidence: string }> }) => ({
  action: v.action,
  findings: v.findings.map((f) => `${f.rule} ${f.path} ${f.confidence}`),
});

t.test('a query value exempt from a detector is remembered only for the detectors it was inspected with', async (t) => {
  const e = createEngine();
  const url = 'http://127.0.0.1:8080/callback';
  t.equal(e.inspect(req(query({ redirect_uri: url }))).action, 'allow', 'redirect_uri is not an SSRF target');
  t.equal(e.inspect(req(query({ redirect_uri: url }))).action, 'allow', 'and stays so from the cache');
  const v = e.inspect(req(query({ next: url })));
  t.equal(v.findings[0]?.class, 'ssrf', 'the same value under another name is still judged by SSRF');
  t.same(verdictOf(v), verdictOf(createEngine().inspect(req(query({ next: url })))), 'as a fresh engine judges it');
  const h = e.inspect(req(headers({ 'x-target': url })));
  t.equal(h.findings[0]?.class, 'ssrf', 'and in a header');
});

t.test('a query value holding base64 JSON is not remembered: the limits count its strings every time', async (t) => {
  // 2 strings (name, value) + 4 inside the decoded document; 8 allowed.
  const b64 = 'eyJhIjoieDEiLCJiIjoieTEifQ==';
  const e = createEngine({ limits: { maxStrings: 8 } });
  t.equal(e.inspect(req(query({ s: b64 }))).action, 'allow', 'within the limit');
  const v = e.inspect(req(query({ s: b64, t: 'aa', u: 'bb' })));
  t.same(verdictOf(v), verdictOf(createEngine({ limits: { maxStrings: 8 } }).inspect(req(query({ s: b64, t: 'aa', u: 'bb' })))), 'as a fresh engine judges it');
  t.equal(v.findings[0]?.rule, 'limits.strings');
});

t.test('a path found clean answers as a fresh engine would in every source it is cached for', async (t) => {
  const e = createEngine();
  const path = (value: string): InputSource => ({ kind: 'path', path: 'path', value });
  const values = ['/orders', '/orders/42', '/files/../../etc/passwd', '/a%2e%2e/b', "/o'Neil", '/x\r\nSet-Cookie: a=b', XSS, B64];
  for (let round = 0; round < 2; round++) {
    for (const s of values) {
      for (const src of [path(s), query({ q: s }), headers({ 'x-v': s })]) {
        t.same(verdictOf(e.inspect(req(src))), verdictOf(createEngine().inspect(req(src))), `round ${round}: ${src.kind} ${JSON.stringify(s)}`);
      }
    }
  }
});

// The deserialization detector runs on a string value only when it holds one of its marker bigrams
// (MARKER_BIGRAMS) or a `.`, `<` or non-ASCII character (mask-gating.test.ts checks the gate on every
// vector). End to end: a marker that only a bigram shows is found in a parsed body and in a decoded
// form (gated on the decoded text's own bigrams), keys are not gated, and the values around it change
// nothing.
t.test('the bigram gate lets deserialization markers through in values, keys and decoded forms', async (t) => {
  const e = createEngine();
  const bodyOf = (value: unknown): InputSource => ({ kind: 'body', path: 'body', value: JSON.stringify(value), decoding: 'body', contentType: 'application/json' });
  const marker = 'id-rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA';
  const v = e.inspect(req(bodyOf({ sku: 'SKU-1000', name: 'Cotton T-shirt, size M', note: marker })));
  t.equal(v.action, 'block');
  t.same(v.findings.map((f) => `${f.rule} ${f.path}`), ['deser.java-serialized body.note']);
  const k = e.inspect(req(bodyOf({ [marker]: 1 })));
  t.ok(k.findings.some((f) => f.rule === 'deser.java-serialized'), 'as a key');
  // Percent-encoded: the raw text holds no marker bigram; its decoded form does, and is read.
  const q = e.inspect(req({ kind: 'query', path: 'query', value: { id: 'id-%72%4F0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA' } }));
  t.ok(q.findings.some((f) => f.rule === 'deser.java-serialized' && f.reason.endsWith('(after decoding)')), 'decoded');
  t.equal(e.inspect(req(bodyOf({ sku: 'SKU-1000', name: 'Cotton T-shirt, size M' }))).action, 'allow');
  // After a word and a blank (a scheme, a label), in base64 without `+`, `/` or `=` (which an attacker
  // can arrange): blanks and commas do not hide a value from the detector.
  const stream = 'rO0ABXNyABpqYXZhLnV0aWwuUHJpb3JpdHlRdWV1ZZTaMLT7P4KxAwACSQAEc2l6ZUwACmNvbXBhcmF0b3J0ABZMamF2YS91dGlsL0NvbXBhcmF0b3I7';
  for (const value of [`Bearer ${stream}`, `token ${stream}, v2`]) {
    const h = e.inspect(req({ kind: 'header', path: 'headers', value: { authorization: value } }, bodyOf({ t: value })));
    t.same(h.findings.map((f) => `${f.rule} ${f.path}`), ['deser.java-serialized headers.authorization', 'deser.java-serialized body.t'], value.slice(0, 12));
  }
});

// Short letters-and-digits keys of a body are counted against the limits without the rest of the
// string path (Walk.key), and numbers are not visited at all: the limits count what they did.
t.test('short plain keys and numbers in a body count against the limits as before', async (t) => {
  const e = createEngine({ limits: { maxStrings: 10, maxBytes: 1000 } });
  const keys: Record<string, number> = {};
  for (let i = 0; i < 11; i++) keys[`k${i}`] = i;
  const v = e.inspect(req({ kind: 'body', path: 'body', value: keys }));
  t.equal(v.findings[0]?.rule, 'limits.strings', 'eleven keys are eleven strings');
  const ten: Record<string, number> = {};
  for (let i = 0; i < 10; i++) ten[`k${i}`] = i;
  t.equal(e.inspect(req({ kind: 'body', path: 'body', value: ten })).action, 'allow', 'ten are within the limit');
  const bytes = createEngine({ limits: { maxBytes: 20 } });
  t.equal(bytes.inspect(req({ kind: 'body', path: 'body', value: { abcdefghij: 1, klmnopqrst: 2, u: 3 } })).findings[0]?.rule, 'limits.bytes', 'key characters count');
  // Query keys keep the string path (the clean set remembers them).
  t.equal(createEngine({ limits: { maxStrings: 2 } }).inspect(req(query({ a1: '1', b2: '2' }))).findings[0]?.rule, 'limits.strings');
});

t.test('charMaskBigrams is charMask plus whether a flagged ASCII pair occurs', async (t) => {
  const bigrams = new Uint8Array(128 * 128);
  const flag = (a: string, b: string): void => {
    bigrams[(a.charCodeAt(0) << 7) | b.charCodeAt(0)] = 1;
  };
  flag('r', 'O');
  flag('_', '$');
  flag('\u0000', '(');
  const table = bigramMaskTable(bigrams);
  // The reference: every adjacent pair, the first character after NUL, a character after a
  // non-ASCII one after NUL too.
  const naive = (s: string): boolean => {
    let prev = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 128 && bigrams[(prev << 7) | c] === 1) return true;
      prev = c < 128 ? c : 0;
    }
    return false;
  };
  const pieces = ['r', 'O', '_', '$', '(', 'a', ' ', '\u00e9', '\u00ac', '.', '<', 'x'];
  let seed = 3;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const strings = ['', 'rO0AB', 'xrO', 'r O', '(', 'a(', '\u00e9(', 'r\u00e9O', '_$$', 'Cotton T-shirt, size S'];
  for (let i = 0; i < 5000; i++) {
    let s = '';
    for (let n = rnd(8); n > 0; n--) s += pieces[rnd(pieces.length)];
    strings.push(s);
  }
  const bad = strings.filter((s) => {
    const m = charMaskBigrams(s, table);
    return (m & ANY) !== charMask(s) || ((m & BIGRAM_HIT) !== 0) !== naive(s);
  });
  t.same(bad, []);
});

// decodePairsSeen: the engine skips deepDecode for a string without a pair that starts an encoding.
// Checked against a slow reference (every adjacent pair), and against deepDecode itself: a string
// without such a pair must decode to nothing, whatever else it holds (dense `%`, `&`, `\` that start
// nothing, near misses, non-ASCII between the two characters of a pair).
t.test('decodePairsSeen: a pair that may start an encoding, or deepDecode gives nothing', async (t) => {
  const table = bigramMaskTable(new Uint8Array(128 * 128));
  const starts = (a: number, b: number): boolean =>
    (a === 37 && (/[0-9a-fA-FuU]/.test(String.fromCharCode(b)))) || (a === 38 && (b === 35 || /[a-zA-Z]/.test(String.fromCharCode(b)))) || (a === 92 && /[uUxX]/.test(String.fromCharCode(b)));
  const naive = (s: string): boolean => {
    for (let i = 0; i + 1 < s.length; i++) if (starts(s.charCodeAt(i), s.charCodeAt(i + 1))) return true;
    return false;
  };
  const pieces = ['%', '&', '\\', '#', ';', 'u', 'U', 'x', 'X', 'a', 'Z', 'g', 'G', '0', '4', 'f', '{', '}', "'", '(', ' ', '+', '\u00e9', '\u0100', '%%', '&&', '\\\\', '%27', '&#60;', '&lt;', '\\x3c', '\\u003c', '\\u{3c}', '%u0041', '&#x3c', "%'\\;", 'x:/&0', "&{'", "`\\'("];
  const r = prng(18);
  let withPair = 0;
  const bad: string[] = [];
  for (let i = 0; i < 20000; i++) {
    let s = '';
    for (let n = 1 + Math.floor(r() * 10); n > 0; n--) s += pieces[Math.floor(r() * pieces.length)]!;
    const m = charMaskBigrams(s, table);
    const seen = decodePairsSeen();
    if (seen) withPair++;
    if ((m & ANY) !== charMask(s) || (m & BIGRAM_HIT) !== 0 || seen !== naive(s) || (!seen && deepDecode(s) !== undefined)) bad.push(s);
  }
  t.same(bad, []);
  t.ok(withPair > 2000 && withPair < 18000, `${withPair} strings with a pair`);
  // Through the engine: an encoded payload whose only pairs are the encoding's is still decoded.
  const e = createEngine();
  for (const v of ['%3Cscript%3Ealert(1)%3C/script%3E', '&lt;script&gt;alert(1)&lt;/script&gt;', '\\x3cscript\\x3ealert(1)\\x3c/script\\x3e', "%'\\;".repeat(50) + '%3Cscript%3Ealert(1)%3C/script%3E']) {
    const v1 = e.inspect(req({ kind: 'body', path: 'body', value: JSON.stringify({ q: v }), decoding: 'body', contentType: 'application/json' }));
    t.ok(v1.findings.some((f) => f.class === 'xss'), v);
  }
});

// The key pass is skipped when no key detector can answer (keyNeedsAny, keyMinFree): the ones that
// can must still be reached, in a body, at depth, and in arrays.
t.test('body keys still reach every key detector', async (t) => {
  const e = createEngine();
  // Text, not an object literal: `__proto__` in a literal sets the prototype and is no key.
  const body = (value: unknown): InputSource => ({ kind: 'body', path: 'body', value: typeof value === 'string' ? value : JSON.stringify(value), decoding: 'body', contentType: 'application/json' });
  const rules = (v: unknown): string[] => e.inspect(req(body(v))).findings.map((f) => f.rule);
  for (let round = 0; round < 2; round++) {
    t.ok(rules({ user: { $ne: null } }).includes('nosql.operator-key'), '$ne');
    t.ok(rules('{"a":[{"b":{"__proto__x":1,"__proto__":{"admin":true}}}]}').some((r) => r.startsWith('proto.')), '__proto__ in an array item');
    t.ok(rules({ constructor: { prototype: { admin: true } } }).some((r) => r.startsWith('proto.')), 'prototype under constructor (letters only, nine characters)');
    t.ok(rules({ 'user[$gt]': '' }).some((r) => r.startsWith('nosql.')), 'bracketed operator');
    t.same(rules({ sku: 'SKU-1', qty: 1, price: 2.5, customer: { name: 'Jane' } }), [], 'an order stays clean');
  }
});

// HEADER_EXEMPTIONS are found by a signature of the folded name before lower-casing it: any casing
// of an exempt name is still exempt, and a name that only looks alike is not.
t.test('exempt header names in any casing', async (t) => {
  const url = 'http://169.254.169.254/latest/meta-data/';
  const e = createEngine();
  for (const name of ['host', 'HOST', 'Host', 'Origin', 'REFERER', 'X-Forwarded-Host', 'x-forwarded-HOST', 'X-Real-IP', 'Client-Ip', 'HX-Current-URL', 'X-GitLab-Instance']) {
    for (let round = 0; round < 2; round++) t.equal(e.inspect(req(headers({ [name]: url }))).action, 'allow', `${name} is exempt from SSRF`);
  }
  for (const name of ['hosts', 'x-host', 'Hos', 'origin2', 'x-forwarded-fo', 'h\u00f6st', '\u212aost']) {
    t.equal(e.inspect(req(headers({ [name]: url }))).action, 'block', `${JSON.stringify(name)} is not exempt`);
  }
});

// A hand-built event (a direct invoke from code) may hold getters: the walk reads each field once,
// so the pair check (mail fields) and the detectors judge the same value.
t.test('a field is read once per walk', async (t) => {
  const e = createEngine();
  let reads = 0;
  const values = ['a@example.com', 'a@example.com\r\nBcc: x@evil.test'];
  const v: Record<string, unknown> = {};
  Object.defineProperty(v, 'email', { enumerable: true, get: () => values[reads++ % 2] });
  e.inspect(req({ kind: 'event', path: 'event', value: v }));
  t.equal(reads, 1);
});

// Header, path and query names the key detectors found nothing in are remembered across invocations
// (Walk.key): only findings-free names, only without a parent key, only in those sources.
t.test('a name a key detector answers is found again on every invocation', async (t) => {
  const e = createEngine();
  const proto = JSON.parse('{"__proto__":"1"}') as Record<string, string>;
  for (let i = 1; i <= 3; i++) {
    const h = e.inspect(req(headers({ $where: '1', 'x-ok': '1' })));
    t.equal(h.action, 'block', `header name, invocation ${i}`);
    t.equal(h.findings[0]?.rule, 'nosql.operator-key');
    t.equal(h.findings[0]?.path, 'headers.$where');
    const q = e.inspect(req({ kind: 'query', path: 'query', value: proto }));
    t.equal(q.findings[0]?.rule, 'proto.proto-key', `query name, invocation ${i}`);
    const p = e.inspect(req({ kind: 'path', path: 'pathParameters', value: { 'user[$ne]': 'x' } }));
    t.equal(p.findings[0]?.class, 'nosqli', `path parameter name, invocation ${i}`);
  }
});

t.test('a name remembered clean without a parent key is still judged under one', async (t) => {
  const e = createEngine();
  // `prototype` alone is no finding; under `constructor` it is.
  t.equal(e.inspect(req({ kind: 'query', path: 'query', value: { prototype: '1', constructor: '1' } })).action, 'allow');
  t.equal(e.inspect(req({ kind: 'query', path: 'query', value: { prototype: '1', constructor: '1' } })).action, 'allow', 'and from the cache');
  const v = e.inspect(req({ kind: 'query', path: 'query', value: { q: '{"constructor":{"prototype":{"polluted":1}}}' } }));
  t.equal(v.action, 'block');
  t.equal(v.findings[0]?.rule, 'proto.constructor-prototype');
});

t.test('a key finding below the paranoia level is dropped on every invocation, and found at a higher level on every one', async (t) => {
  const e = createEngine();
  t.equal(e.inspect(req(headers({ __proto_x: '1' }))).action, 'allow');
  const low = createEngine({ paranoia: 1 });
  const high = createEngine({ paranoia: 3 });
  for (let i = 0; i < 2; i++) {
    // `$amount`: an unknown operator, a low-confidence finding, seen only at paranoia 3.
    t.equal(low.inspect(req(headers({ $amount: '1' }))).action, 'allow', `paranoia 1, invocation ${i + 1}`);
    const h = high.inspect(req(headers({ $amount: '1' })));
    t.equal(h.findings[0]?.rule, 'nosql.unknown-operator', `paranoia 3, invocation ${i + 1}`);
  }
  const b = e.inspect(req({ kind: 'body', path: 'body', value: '{"a":{"__proto__":{"x":1}}}', decoding: 'body', contentType: 'application/json' }));
  t.equal(b.findings[0]?.rule, 'proto.proto-key');
});

// The repeat memo (Walk.string, MEMO_SLOTS): a body value read clean earlier in the same invocation,
// at the same depth with the same skipped detectors and nothing counted inside it, is only counted
// again. Each test below fails if the memo answers for more than that.
const body = (value: unknown): InspectionRequest => req({ kind: 'body', path: 'body', value: JSON.stringify(value), decoding: 'body', contentType: 'application/json' });

t.test('a repeated value with a finding is reported at every path', async (t) => {
  const e = createEngine();
  const sqli = "' or 1=1 --";
  const v = e.inspect(body({ a: [sqli, 'Cotton T-shirt, size M', sqli], b: { c: sqli } }));
  t.same(
    v.findings.filter((f) => f.class === 'sqli').map((f) => f.path),
    ['body.a[0]', 'body.a[2]', 'body.b.c'],
  );
});

t.test('a value clean with a detector skipped is judged again where that detector runs', async (t) => {
  const e = createEngine();
  const url = 'http://169.254.169.254/latest/meta-data/';
  // Same depth (1), same text: exempt from SSRF under redirect_uri only.
  const v = e.inspect(body({ redirect_uri: url, callback: url }));
  t.equal(v.action, 'block');
  t.same(
    v.findings.map((f) => `${f.class} ${f.path}`),
    ['ssrf body.callback'],
  );
  // A JWT's claims skip SSRF too; the same URL in the body after it is still an SSRF target.
  const claims = Buffer.from(JSON.stringify({ iss: url, sub: 'abc' })).toString('base64url');
  const jwt = `eyJhbGciOiJIUzI1NiJ9.${claims}.c2ln`;
  const w = e.inspect(req(headers({ authorization: `Bearer ${jwt}` }), { kind: 'body', path: 'body', value: JSON.stringify({ x: { y: url } }), decoding: 'body', contentType: 'application/json' }));
  t.ok(w.findings.some((f) => f.class === 'ssrf' && f.path === 'body.x.y'), 'the body URL is found');
});

t.test('repeated values count against the limits every time', async (t) => {
  const e = createEngine({ limits: { maxStrings: 20 } });
  const v = e.inspect(body({ a: Array.from({ length: 25 }, () => 'Cotton T-shirt, size M') }));
  t.equal(v.findings[0]?.rule, 'limits.strings', 'twenty-six strings');
  const b = createEngine({ limits: { maxBytes: 100 } });
  t.equal(b.inspect(body({ a: Array.from({ length: 5 }, () => 'Cotton T-shirt, size M') })).findings[0]?.rule, 'limits.bytes', 'each repeat adds its characters');
  // A value whose reading counts strings of its own (base64 JSON: a key and a value) is read again:
  // 1 key + 3 × (the value, its key, its value) = 10 strings, over a limit of 9.
  const doc = Buffer.from(JSON.stringify({ a: 'bbbbbbbbbbbbbbbb' })).toString('base64');
  t.ok(doc.startsWith('eyJ') && doc.length >= 16);
  const nine = createEngine({ limits: { maxStrings: 9 } });
  t.equal(nine.inspect(body({ v: [doc, doc, doc] })).findings[0]?.rule, 'limits.strings', 'inner strings counted for each repeat');
  t.equal(createEngine({ limits: { maxStrings: 10 } }).inspect(body({ v: [doc, doc, doc] })).action, 'allow', 'and exactly those');
});

t.test('the memo holds for one invocation and only outside virtual patches', async (t) => {
  const e = createEngine();
  const name = 'Cotton T-shirt, size M';
  t.equal(e.inspect(body({ a: [name, name] })).action, 'allow');
  // The next invocation's value of the same text at the same place is judged on its own merits: an
  // entry is about the text, so a different text in that slot is read in full.
  const sqli = "Cotton' or 1=1 --";
  t.equal(e.inspect(body({ a: [sqli] })).findings[0]?.path, 'body.a[0]');
  const patched = createEngine({ virtualPatches: [{ id: 'vp-1', where: 'body.a[*]', match: { equals: name } }] });
  const p = patched.inspect(body({ a: [name, name] }));
  t.same(
    p.findings.map((f) => `${f.rule} ${f.path}`),
    ['patch.vp-1 body.a[0]', 'patch.vp-1 body.a[1]'],
    'a patch sees the repeat',
  );
});

// Pair detectors are chosen per key by one lookup (Walk.pairBits), and the mask a pair gate reads may
// come from the repeat memo (Walk.memoMask). Each test below fails if either hides a pair detection.
const MAIL_CRLF = 'me@example.com\r\nBcc: all@example.com';

t.test('each pair detector runs on its own keys, in arrays and `[0]` pairs too', async (t) => {
  const e = createEngine();
  const paths = (v: unknown) => e.inspect(body(v)).findings.map((f) => `${f.class} ${f.path}`);
  t.ok(paths({ email: MAIL_CRLF }).includes('crlf body.email'), 'a mail field');
  t.ok(paths({ to: ['a@b.c', MAIL_CRLF] }).includes('crlf body.to[1]'), 'a list under a mail field');
  t.ok(paths({ '@type': 'com.sun.rowset.JdbcRowSetImpl' }).some((p) => p === 'deserialization body["@type"]'), 'a type hint');
  t.ok(paths({ x: ['com.sun.rowset.JdbcRowSetImpl', { a: 1 }] }).some((p) => p.startsWith('deserialization body.x[0]')), 'a [0] pair');
  t.notOk(paths({ note: MAIL_CRLF }).some((p) => p.startsWith('crlf')), 'not on a key no pair detector names');
  t.notOk(paths({ email: 'com.sun.rowset.JdbcRowSetImpl' }).some((p) => p.startsWith('deserialization')), 'nor with the other detector of another key');
});

t.test('a pair gate reads the mask of a value the memo holds as the value has it', async (t) => {
  const e = createEngine();
  // Read clean under `note` first (kept in the memo with its mask), then under mail fields: the line
  // break in the remembered mask must still let the mail-header check run, at every repeat.
  const v = e.inspect(body({ note: MAIL_CRLF, a: { note: MAIL_CRLF }, email: MAIL_CRLF, items: [{ name: MAIL_CRLF }, { name: MAIL_CRLF }] }));
  const crlf = v.findings.filter((f) => f.class === 'crlf').map((f) => f.path);
  t.same(crlf, ['body.email', 'body.items[0].name', 'body.items[1].name']);
  t.notOk(v.findings.some((f) => f.path === 'body.note' || f.path === 'body.a.note'), 'the value is clean under note');
  // A clean value in the memo, then under a mail field: still no finding, and the same verdict as
  // a fresh engine gives.
  const clean = body({ note: 'Cotton T-shirt, size M', a: { b: 'Cotton T-shirt, size M' }, name: 'Cotton T-shirt, size M' });
  t.same(e.inspect(clean).findings, createEngine().inspect(clean).findings);
});

t.test('a `repeats` source uses the clean set: the verdicts of a fresh engine, every time, in every source', async (t) => {
  const attrs = (value: Record<string, unknown>, repeats = true): InputSource => ({ kind: 'metadata', path: '', value, repeats });
  const e = createEngine();
  const clean = { source: '/shop/orders', type: 'com.example.order.created', note: 'Tom & Jerry' };
  for (let i = 0; i < 3; i++) t.equal(e.inspect(req(attrs(clean))).action, 'allow', `clean, invocation ${i}`);
  const bad = { source: '/shop/orders', type: "x' UNION SELECT password FROM users--" };
  for (let i = 0; i < 3; i++) t.same(verdictOf(e.inspect(req(attrs(bad)))), verdictOf(createEngine().inspect(req(attrs(bad, false)))), `an attack, invocation ${i}`);
  // A value kept clean as metadata is still judged in full in a body (no skip bits there either).
  const url = 'http://127.0.0.1:8080/admin';
  t.equal(e.inspect(req(attrs({ dataschema: url }))).findings[0]?.class, 'ssrf', 'read for SSRF as metadata');
  t.equal(e.inspect(req({ kind: 'body', path: 'body', value: { u: url } })).findings[0]?.class, 'ssrf');
});

// The clean set's direct-mapped front (CleanFront in engine.ts) answers from the last entry kept in a
// slot: colliding strings (same length, first, middle and last character), a value kept clean with
// one set of skipped detectors (Host: no SSRF) and met again where they all run, a name kept clean
// met as a value, must each be judged as a fresh engine judges them. Seeded: one long-lived engine
// against a new engine per request, over requests drawn from a small pool so that values repeat.
t.test('the clean front answers as a fresh engine, with collisions and skip sets', async (t) => {
  const attacks = ["1' OR '1'='1", 'http://169.254.169.254/latest/meta-data/', '<script>alert(1)</script>', '; cat /etc/passwd', '../../etc/passwd', '${jndi:ldap://x.example/a}', B64];
  // A twin of each attack with its signature (length, first, middle and last character) and letters
  // elsewhere: same slot in the front, another string.
  const twin = (s: string): string => [...s].map((c, i) => (i === 0 || i === s.length >> 1 || i === s.length - 1 ? c : 'a')).join('');
  const clean = ['application/json', 'gzip, deflate, br', 'orders', '/orders', 'price', 'summer sale', 'Mozilla/5.0 (X11; Linux x86_64)', 'page', '2'];
  const odd = [...attacks, ...attacks.map(twin)];
  const pool = [...odd, ...clean];
  const names = ['host', 'origin', 'referer', 'x-forwarded-for', 'x-target', 'accept', 'q', 'next'];
  const rnd = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // Mostly clean values (the front's hits), an attack or a twin now and then.
  const value = (): string => (rnd() < 0.12 ? pick(odd) : pick(clean));
  const e = createEngine({ paranoia: 2 });
  let blocked = 0;
  for (let i = 0; i < 400; i++) {
    const h: Record<string, string> = {};
    const q: Record<string, string> = {};
    for (let k = 0; k < 3; k++) h[rnd() < 0.1 ? pick(pool).toLowerCase() : pick(names)] = value();
    for (let k = 0; k < 2; k++) q[rnd() < 0.1 ? pick(pool) : pick(names)] = value();
    const sources: InputSource[] = [headers(h), { kind: 'query', path: 'query', value: q }, { kind: 'path', path: 'path', value: value() }];
    const got = verdictOf(e.inspect(req(...sources)));
    if (got.action !== 'allow') blocked++;
    t.same(got, verdictOf(createEngine({ paranoia: 2 }).inspect(req(...sources))), `request ${i}`);
  }
  t.ok(blocked > 40 && blocked < 360, `both verdicts occur (${blocked} of 400 not allowed)`);
});

// The engine reuses one Walk across inspections: each verdict has its own findings, a walk that throws
// half way leaves nothing for the next one, and an inspection started inside another (a getter on a
// hand-built event) gets a Walk of its own and leaves the outer one's state intact.
t.test('the reused walk state does not leak between inspections', async (t) => {
  const e = createEngine();
  const body = (value: unknown): InputSource => ({ kind: 'body', path: 'body', value });
  const a = e.inspect(req(body({ q: "' OR 1=1 --" })));
  const b = e.inspect(req(body({ q: 'hello' })));
  t.equal(b.findings.length, 0);
  t.ok(a.findings.length > 0, 'the first verdict keeps its findings');
  t.not(a.findings, b.findings);
  const throwing = { deep: { x: "' OR 1=1 --" }, get boom(): string {
    throw new Error('getter');
  } };
  t.throws(() => e.inspect(req(body(throwing))));
  const after = e.inspect(req(body({ q: 'hello' }), headers({ accept: 'text/html' })));
  t.same(after.findings, [], 'nothing left over from the thrown walk');
  const limited = createEngine({ limits: { maxStrings: 5 } });
  t.ok(limited.inspect(req(body({ a: 'a1', b: 'b1', c: 'c1', d: 'd1', e: 'e1', f: 'f1' }))).findings.some((f) => f.rule === 'limits.strings'));
  t.same(limited.inspect(req(body({ a: 'a1' }))).findings, [], 'the counts start again');
  let inner: string[] = [];
  const nested = { get first(): string {
    inner = e.inspect(req(body({ z: XSS }))).findings.map((f) => f.path);
    return 'plain';
  }, second: { deeper: "' OR 1=1 --" } };
  const outer = e.inspect(req(body(nested)));
  t.same(inner, e.inspect(req(body({ z: XSS }))).findings.map((f) => f.path));
  t.ok(inner.length > 0);
  t.same(outer.findings.map((f) => f.path), ['body.second.deeper']);
});

// Seeded sequence: one engine reused across requests (its Walk, clean sets and repeat memo carried over)
// answers each request as a fresh engine does, including after limit stops and base64 readings that
// the walk remembers (base64Read).
t.test('a reused engine answers a request sequence as fresh engines do', async (t) => {
  const rnd = prng(2026);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const frags = ["' OR 1=1 --", XSS, '../../etc/passwd', '; cat /etc/passwd', '${jndi:ldap://x/a}', '{{7*7}}', '%27%20or%201%3D1', 'hello world', 'SKU-1006', 'x', '{"a":"\' or 1=1--"}', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig'];
  const str = (): string => pick(frags) + (rnd() < 0.5 ? pick(frags) : '');
  const blobs = ['{"q":"\' or 1=1--"}', '; cat /etc/passwd and more text', 'plain words of a message'].map((x) => Buffer.from(x).toString('base64'));
  const tree = (d: number): unknown => {
    if (d > 3 || rnd() < 0.4) return str();
    if (rnd() < 0.3) return [str(), tree(d + 1)];
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rnd() * 4); i > 0; i--) o[pick(['q', 'name', 'to', 'password', 'a', 'b', 'c'])] = tree(d + 1);
    return o;
  };
  // Tight limits too: a header value kept clean after its JWT's claims were counted was once skipped
  // uncounted on a hit (3 of these 300 answered differently; see the next test).
  const options = [{}, { paranoia: 3 }, { limits: { maxStrings: 10, maxBytes: 300, maxDepth: 3 } }] as const;
  const reused = options.map((o) => createEngine({ ...o }));
  for (let n = 0; n < 300; n++) {
    const b = pick(blobs);
    const sources: InputSource[] = [headers({ accept: pick(['text/html', str()]), host: 'example.com' })];
    if (rnd() < 0.4) sources.push({ kind: 'body', path: 'body', value: { message: { data: b } }, parsed: true });
    sources.push({ kind: 'body', path: 'body', value: tree(0) });
    if (rnd() < 0.4) sources.push({ kind: 'record', path: 'records[0].data', value: b, base64: true });
    const r = req(...sources);
    options.forEach((o, k) => {
      const got = reused[k]!.inspect(r);
      const want = createEngine({ ...o }).inspect(r);
      t.same({ ...got, micros: 0 }, { ...want, micros: 0 }, `request ${n}, options ${k}`);
    });
  }
});

// The clean set skips a header, path or query value found clean before, but a verdict must not depend
// on earlier traffic: what its reading counted against the limits (a JWT's claims, base64 JSON or
// text inside it, an XML value's readings) is charged again on each hit, a hit the charge would take
// past a limit is read again (the limit finding at a fresh engine's path), an entry answers only at
// the depth it was read at (a query array's items are a level deeper: what is read inside depends on
// maxDepth), and a value read as base64 is remembered as read (a base64 source of the same text is
// then skipped, as in a fresh walk). Before, 2,476 of 12,000 such requests answered differently.
t.test('a reused engine under tight limits answers as a fresh engine, whatever the clean set holds', async (t) => {
  const rnd = prng(7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const b64 = (x: string): string => Buffer.from(x).toString('base64');
  const jwt = (claims: unknown): string => `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  const frags = [
    "' OR 1=1 --", XSS, '../../etc/passwd', 'hello world', 'SKU-1006', 'x', 'text/html', '%27%20or%201%3D1', '{"k":"v"}',
    `Bearer ${jwt({ sub: '1', scope: 'orders' })}`, jwt({ a: 'b', c: ['d', 'e'], f: { g: 'h' } }), jwt({ q: "' or 1=1--" }),
    b64('{"a":"b","c":"d"}'), b64('plain words of a message here'), b64('{"a":{"b":{"c":"d"}}}'),
    `<a><b>${b64('{"x":"y"}')}</b></a>`, `<r>${b64('; cat /etc/passwd and more')}</r>`,
  ];
  const base64Only = frags.filter((f) => /^[A-Za-z0-9+/=]+$/.test(f));
  const options = [{ limits: { maxStrings: 10, maxBytes: 300, maxDepth: 3 } }, { limits: { maxStrings: 14, maxBytes: 500, maxDepth: 2 } }, { limits: { maxStrings: 8, maxBytes: 1000, maxDepth: 3 } }];
  const reused = options.map((o) => createEngine(o));
  let limited = 0;
  for (let n = 0; n < 500; n++) {
    const h: Record<string, string> = {};
    for (let i = Math.floor(rnd() * 4); i > 0; i--) h[pick(['accept', 'authorization', 'x-a', 'host'])] = pick(frags);
    const q: Record<string, string | string[]> = {};
    for (let i = Math.floor(rnd() * 3); i > 0; i--) q[pick(['a', 'b', 'page'])] = rnd() < 0.3 ? [pick(frags), pick(frags)] : pick(frags);
    const sources: InputSource[] = [headers(h), { kind: 'query', path: 'query', value: q }, { kind: 'path', path: 'path', value: pick(frags) }];
    if (rnd() < 0.5) sources.push({ kind: 'body', path: 'body', value: { m: pick(frags), n: [pick(frags)] } });
    if (rnd() < 0.2) sources.push({ kind: 'record', path: 'records[0].data', value: pick(base64Only), base64: true });
    if (rnd() < 0.2) sources.push({ kind: 'event', path: 'event', value: { attr: pick(frags) }, repeats: true });
    const r = req(...sources);
    options.forEach((o, k) => {
      const got = reused[k]!.inspect(r);
      if (got.findings.some((f) => f.class === 'limits')) limited++;
      t.same({ ...got, micros: 0 }, { ...createEngine(o).inspect(r), micros: 0 }, `request ${n}, options ${k}`);
    });
  }
  t.ok(limited > 100, `limits reached in ${limited} of 1,500 verdicts`);
});

// A value's reading can mark strings inside it read as base64 (base64 text in a header's base64 JSON),
// and a base64 source of the same text is then skipped: a clean-set hit would not mark them, and the
// source would be read (and counted) again on the next request only.
t.test('a value whose reading marks base64 text inside it is not answered from the clean set', async (t) => {
  const b64 = (x: string): string => Buffer.from(x).toString('base64');
  const inner = b64('another plain message text');
  const r = req(headers({ 'x-a': b64(JSON.stringify({ m: inner })) }), { kind: 'record', path: 'records[0].data', value: inner, base64: true });
  const o = { limits: { maxStrings: 100, maxBytes: 140, maxDepth: 8 } };
  const e = createEngine(o);
  const want = createEngine(o).inspect(r).findings;
  t.same(want, [], 'within the limits when the record is skipped');
  for (let i = 0; i < 3; i++) t.same(e.inspect(r).findings, want, `request ${i}`);
});

// Header and secret names are folded only when they hold A-Z or a non-ASCII character (lowerName):
// the exemptions still apply to every casing, and a name that folds into one from outside ASCII
// (the Kelvin sign) is still looked up.
t.test('exempt header and secret names in any casing', async (t) => {
  const e = createEngine();
  for (const h of ['host', 'Host', 'HOST', 'origin', 'Origin', 'X-Forwarded-For', 'x-forwarded-for']) {
    t.same(e.inspect(req(headers({ [h]: 'http://127.0.0.1/x' }))).findings, [], h);
  }
  t.ok(e.inspect(req(headers({ '\u212Aey': 'http://127.0.0.1/x' }))).findings.length > 0, 'a name no exemption holds');
  for (const k of ['password', 'PassWord', 'PASSWORD', 'notapassword']) {
    const v = e.inspect(req({ kind: 'body', path: 'body', value: { [k]: '../../../../etc/passwd' } }));
    t.equal(v.findings.length > 0, k === 'notapassword', k);
  }
});

/**
 * Seeded JSON bodies for the per-key cache (session 19: what the walk reads off a key, kept by key):
 * keys that are pair keys (`name`, `email`, `@type`, `[0]` items), SECRET_KEYS names in any casing
 * and with the Kelvin sign, PARAM_EXEMPTIONS, prototype and operator keys, keys on either side of
 * the 12-character `alnum` and KeyCache bounds (and 63-65 characters), non-ASCII keys, and random letter keys
 * that share cache slots (evictions); values that are ordinary, attacks, and attacks only some
 * detector classes read under a secret or pair key. One engine across all of them (the cache warm,
 * its slots overwritten) and a fresh one every 25 bodies.
 */
const KEY_POOL = [
  'name', 'Name', 'NAME', 'email', 'to', 'cc', 'subject', '@type', '$type', 'type', 'class', '@class', '__proto__',
  'constructor', 'prototype', 'password', 'Password', 'PASSWORD', 'pass\u212Aword', 'passwd', 'pwd', 'client_secret',
  'new-password', 'redirect_uri', 'Redirect_uri', 'sku', 'qty', 'price', 'note', 'items', 'line1', '$where', '$ne',
  'user[$gt]', '%24ne', 'a.b', 'a b', '', 'ключ', 'x'.repeat(11), 'x'.repeat(12), 'abcdefghijklm', 'k'.repeat(63),
  'k'.repeat(64), 'k'.repeat(65), 'q', 'id', '0', '1',
];
const VALUE_POOL = [
  "Jane O'Neil", 'jane@example.com', 'SKU-1000', 'Cotton T-shirt, size M', '2', '', "' or 1=1--", "x' OR '1'='1",
  '<script>alert(1)</script>', '${jndi:ldap://x/a}', 'a\r\nBcc: x@y.com', 'com.sun.rowset.JdbcRowSetImpl', '{{7*7}}',
  '../../etc/passwd', 'http://169.254.169.254/latest/', '; cat /etc/passwd', '{"$gt": ""}', 'rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA',
  '__proto__', 'constructor.prototype.x', 'javax.naming.InitialContext', "'|G%_i#~(*", 'Leave it at the door, please.',
];

function keyCacheBodies(seed: number, count: number): unknown[] {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const key = (): string => {
    if (r() < 0.3) {
      let k = '';
      const n = 1 + Math.floor(r() * 9);
      for (let i = 0; i < n; i++) k += 'abcnpqrstwx_-$.'[Math.floor(r() * 15)];
      return k;
    }
    return pick(KEY_POOL);
  };
  const value = (depth: number): unknown => {
    const x = r();
    if (depth < 3 && x < 0.15) return obj(depth + 1);
    if (depth < 3 && x < 0.25) return Array.from({ length: Math.floor(r() * 3) }, () => value(depth + 1));
    if (x < 0.3) return Math.floor(r() * 100);
    return pick(VALUE_POOL);
  };
  const obj = (depth: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    const n = 1 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) o[key()] = value(depth);
    return o;
  };
  return Array.from({ length: count }, () => obj(0));
}

/** Every body's verdict (action, then each finding's rule, confidence and path), as digest input. */
function keyCacheVerdicts(bodies: readonly unknown[], paranoia: 1 | 2 | 3): string[] {
  const out: string[] = [];
  let e = createEngine({ paranoia });
  bodies.forEach((b, i) => {
    if (i % 25 === 0) e = createEngine({ paranoia });
    const text = JSON.stringify(b);
    for (const source of [
      { kind: 'body', path: 'body', value: text, decoding: 'body', contentType: 'application/json' },
      { kind: 'query', path: 'query', value: b },
      { kind: 'header', path: 'headers', value: Object.fromEntries(Object.entries(b as object).filter(([, x]) => typeof x === 'string')) },
    ] as InputSource[]) {
      const v = e.inspect({ method: 'POST', path: '/x', sources: [source] });
      out.push(`${v.action}:${v.findings.map((f) => `${f.rule}|${f.confidence}|${f.path}`).join(',')};`);
    }
  });
  return out;
}

t.test('the per-key cache: verdicts on seeded bodies pinned (the build before it gave these)', async (t) => {
  const bodies = keyCacheBodies(1907, 1500);
  const digests = ([1, 2, 3] as const).map((p) => verdictDigest(keyCacheVerdicts(bodies, p)));
  t.same(digests, ['5eab951b', '3efc7256', 'f9143052']);
});

t.test("a getter's nested inspect that refills the key cache leaves the outer field's reading as it was", async (t) => {
  // The password's value is read by the SQL, NoSQL and JNDI detectors alone (SECRET_KEYS): a path in
  // it is no finding. The getter's nested inspect walks 5,000 other keys through the same engine's
  // KeyCache (1,024 slots), overwriting the password's slot in all likelihood; the outer walk must
  // still read the value as a password's.
  const e = createEngine();
  const many: Record<string, string> = {};
  const r = prng(19);
  for (let i = 0; i < 5000; i++) {
    let k = '';
    for (let j = 0, n = 2 + Math.floor(r() * 8); j < n; j++) k += String.fromCharCode(97 + Math.floor(r() * 26));
    many[k] = 'v';
  }
  const withGetter = (name: string): object => {
    const body = {};
    Object.defineProperty(body, name, {
      enumerable: true,
      get: () => {
        e.inspect(req({ kind: 'body', path: 'body', value: many }));
        return '../../../etc/passwd';
      },
    });
    return body;
  };
  t.equal(e.inspect(req({ kind: 'body', path: 'body', value: withGetter('password') })).action, 'allow');
  t.equal(e.inspect(req({ kind: 'body', path: 'body', value: withGetter('file') })).action, 'block', 'the same value elsewhere is a finding');
});

/**
 * Heap still held, after two full collections, once `use` has been given a 35-character slice of a
 * 30 MB string (a view into it: V8 makes slices of 13 characters or more views) and has returned.
 * Under 10 MB: the parent was collected.
 */
function retainedBy(use: (slice: string) => void): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  (() => {
    const big = 'a'.repeat(10) + 'b'.repeat(30e6) + 'c';
    big.charCodeAt(5);
    use(big.slice(5, 40));
  })();
  gc();
  gc();
  return process.memoryUsage().heapUsed - before;
}
/** The text of retainedBy's slice, as a flat string of its own. */
const SLICE_TEXT = 'a'.repeat(5) + 'b'.repeat(30);

t.test('the repeat memo keeps no string of an ended inspection (a slice kept its whole parent alive)', async (t) => {
  // A value that is a slice of a larger string (a form body's field, a hand-built event's substring)
  // is a view into it: kept in a memo slot until overwritten, it kept the parent alive (30 MB here).
  const e = createEngine();
  const held = retainedBy((slice) => t.equal(e.inspect(req({ kind: 'body', path: 'body', value: { note: slice } })).action, 'allow'));
  t.ok(held < 10e6, 'the 30 MB parent is collected');
});

t.test('the repeat memo keeps no string of an ended inspection when a short value took the slot first', async (t) => {
  // A slot taken by a value of under 13 characters (not listed: V8 copies such strings) and then, in
  // the same inspection, by a slice: the slice must still be listed and dropped at the end.
  const e = createEngine();
  let short = '';
  for (let i = 0; short === '' && i < 1e6; i++) {
    const w = String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + ((i / 26) | 0) % 26) + String.fromCharCode(97 + ((i / 676) | 0) % 26) + 'x'.repeat(i % 5);
    if (memoSlot(w) === memoSlot(SLICE_TEXT)) short = w;
  }
  t.not(short, '', 'a short value of that slot');
  const held = retainedBy((slice) => {
    t.equal(slice, SLICE_TEXT);
    t.equal(e.inspect(req({ kind: 'body', path: 'body', value: { items: [{ a: short }, { b: slice }] } })).action, 'allow');
  });
  t.ok(held < 10e6, `the 30 MB parent is collected (slot ${memoSlot(SLICE_TEXT)}, with ${short})`);
});

t.test('the clean set keeps no request string alive: query and path values are views into larger strings', async (t) => {
  // A query value or a path segment of 13 characters or more is a slice of the raw query or path; kept
  // in the clean set (and its front) across invocations, it kept its parent alive, up to 1,024 of them.
  const e = createEngine();
  const held = retainedBy((slice) => {
    t.equal(e.inspect(req({ kind: 'query', path: 'query', value: { q: slice } })).action, 'allow');
    t.equal(e.inspect(req({ kind: 'query', path: 'query', value: { q: slice } })).action, 'allow', 'and again (a hit)');
  });
  t.ok(held < 10e6, 'the 30 MB parent is collected');
});

t.test('the clean set keeps flat copies of its strings, not views of a concatenation', async (t) => {
  // Every header, query and path value is compared with its clean-front copy on every invocation. A
  // copy made as `(' ' + s).slice(1)` was a view (a sliced string), which V8 compares in the runtime
  // (~35 ns for a User-Agent, ~4 ns between flat strings). %HaveSameMap tells a string's
  // representation: a flat copy has the map of a string JSON.parse makes (flat, not internalized).
  v8.setFlagsFromString('--allow-natives-syntax');
  const sameMap = vm.runInThisContext('(a, b) => %HaveSameMap(a, b)') as (a: string, b: string) => boolean;
  const rand = prng(2011);
  const alphabet = ['a', 'Z', '0', ' ', '/', '%', "'", 'é', 'ß', '日', '\ud83d', '\ude00', '\ud800', '\u0000'];
  const texts = [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln',
    'Müller straße 12345678',
    '\ud83d\ude00 smile and 日本語 text',
  ];
  for (let i = 0; i < 300; i++) {
    const n = Math.floor(rand() * 40);
    let s = '';
    for (let k = 0; k < n; k++) s += alphabet[Math.floor(rand() * alphabet.length)]!;
    texts.push(s);
  }
  let views = 0;
  let wrong = 0;
  for (const s of texts) {
    const c = ownCopy(s);
    if (c !== s) wrong++;
    if (s.length >= 13 && !sameMap(c, JSON.parse(JSON.stringify(s)) as string)) views++;
  }
  t.equal(wrong, 0, 'the same text, code unit for code unit (surrogates split across the pieces too)');
  t.equal(views, 0, 'every copy of 13 characters or more is a flat string');
  t.notOk(sameMap((' ' + texts[0]).slice(1), JSON.parse(JSON.stringify(texts[0])) as string), 'the check tells a view (the former copy) from a flat string');
});
