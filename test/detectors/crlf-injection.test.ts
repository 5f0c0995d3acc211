import t from 'tap';
import { detectCrlfInjection, detectMailHeaderInjection } from '../../src/detectors/crlf-injection';
import { createEngine } from '../../src/engine';

// Test vectors written for this project (not copied from any payload corpus).

/** JSON for assertion messages, with the line separators TAP would split on escaped. */
const show = (v: unknown): string =>
  (JSON.stringify(v) ?? 'undefined').replace(/[\u0085\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

/** Each must be detected at confidence `high` with a `crlf.` rule. */
const positives: string[] = [
  'en\r\nSet-Cookie: sid=attacker; Path=/',
  'en\nSet-Cookie: sid=attacker',
  'en\rSet-Cookie: sid=attacker',
  '/next\r\nLocation: https://attacker.test/',
  '/next\r\nlocation: //attacker.test/',
  'x\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>forged</p>',
  'x\r\nHTTP/1.1 302 Found',
  'x\r\n\r\n<html><body>forged</body></html>',
  '\r\n\r\n<script>alert(1)</script>',
  'x\r\nContent-Type: text/html',
  'x\r\nContent-Type:html',
  'x\r\nTransfer-Encoding: chunked',
  'x\r\nRefresh: 0; url=https://attacker.test/',
  'x\r\nAccess-Control-Allow-Origin: *',
  'x\r\nX-Forwarded-For: 127.0.0.1',
  'x\r\nHost: internal.example',
  'x\r\nContent-Disposition: attachment; filename=run.bat',
  'x\r\nX-XSS-Protection: 0',
  'x\r\nCookie: admin=1',
  'x\u2028Set-Cookie: sid=attacker',
  'x\u0085Set-Cookie: sid=attacker',
  // Latin-1 truncation: U+560D U+560A become CR LF when the high byte is dropped.
  'x\u560d\u560aSet-Cookie: sid=attacker',
  '/a\u560aLocation: https://attacker.test/',
  'x\u560d\u560aHTTP/1.1 200 OK',
  // Mail protocol command injection.
  'subject\r\nRCPT TO:<victim@example.com>',
  '\r\nMAIL FROM:<a@example.com>',
  'host\r\nEHLO attacker.test',
];

/** Each must NOT be detected at `high`. */
const negatives: string[] = [
  'Dear Sir,\nThanks for your help.\nRegards',
  'Dear Sir,\r\n\r\nThanks for your help.\r\n\r\nRegards',
  '221B Baker Street\nLondon NW1 6XE\nUnited Kingdom',
  'Line one\nLine two',
  'Meeting notes\nLocation: Room 5\nTime: 3pm',
  'Notes\nLocation: Room 5\n\nBring snacks',
  'Name: John\nPhone: +1 (555) 010-0000',
  'Host: Alice\nGuests: 12',
  'Connection: good\nSpeed: fast',
  'Summary\nFollow-up: call Bob\n\nThanks',
  'release notes\ndisable-model-invocation: true\nargument-hint: none',
  '<p>one</p>\n\n<p>two</p>',
  'Hello\n\n<b>world</b>',
  'Ceske jmeno: Nečas\nDalsi: x',
  '上海 上海',
  'Dvořák – Novák – Čapek',
  'Њујорк',
  '\n',
  'a\r\n',
  "O'Brien",
  'Tom & Jerry',
  'https://example.com/path?x=1',
  '{"a": "b\\nc"}',
  'multi-line\ntext with: colons here',
  'Build notes\nX-Ray: enabled\nX-Frame: sample',
  'report.pdf\n\nX-Ray: enabled',
];

t.test('header injection and response splitting are detected at high confidence', async (t) => {
  for (const v of positives) {
    const d = detectCrlfInjection(v);
    t.equal(d?.confidence, 'high', `high: ${show(v)} -> ${show(d)}`);
    t.ok(d !== undefined && d.rule.startsWith('crlf.'), `rule prefix: ${show(v)}`);
  }
});

t.test('multi-line text is not high', async (t) => {
  for (const v of negatives) {
    const d = detectCrlfInjection(v);
    t.not(d?.confidence, 'high', `not high: ${show(v)} -> ${show(d)}`);
  }
  t.equal(detectCrlfInjection('Dear Sir,\nThanks'), undefined);
  t.equal(detectCrlfInjection('single line'), undefined);
  t.equal(detectCrlfInjection('上海'), undefined);
});

t.test('rules and confidences', async (t) => {
  t.equal(detectCrlfInjection('x\r\nSet-Cookie: a=b')?.rule, 'crlf.header-injection');
  t.equal(detectCrlfInjection('x\r\nHTTP/1.1 200 OK')?.rule, 'crlf.response-splitting');
  t.equal(detectCrlfInjection('x\u560d\u560aSet-Cookie: a=b')?.rule, 'crlf.unicode-header-injection');
  t.equal(detectCrlfInjection('x\r\n\r\n<html>')?.rule, 'crlf.body-injection');
  t.equal(detectCrlfInjection('x\r\nCustom-Thing: 1')?.confidence, 'medium');
  // An `X-` extension header right after a one-token value is the probe's marker header.
  t.equal(detectCrlfInjection('x\r\nX-Custom-Thing: 1')?.confidence, 'high');
  t.equal(detectCrlfInjection('en\nX-Injected: true')?.confidence, 'high');
  t.equal(detectCrlfInjection('x\r\nFoo-Bar: 1\r\nX-Other: 2')?.confidence, 'medium', 'only as the first injected line');
  t.equal(detectCrlfInjection('Notes\nLocation: Room 5')?.confidence, 'low');
  t.equal(detectCrlfInjection('Some notes here\nX-Custom-Thing: 1')?.confidence, 'low');
});

t.test('reasons are short and do not echo the input', async (t) => {
  const d = detectCrlfInjection('x\r\nSet-Cookie: ' + 'a'.repeat(500) + '=1');
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200);
  t.notMatch(d?.reason ?? '', /a{40}/);
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', '\r', '\n', '\r\n', '\r\n\r\n', ':', '\n:', '\nHTTP/', '\nHTTP/1.1 ', '\u560a', '\u560d\u560a', '\ud800\n', '\n\u0000: x'];
  for (const v of odd) t.doesNotThrow(() => detectCrlfInjection(v), show(v));
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    newlines: '\n'.repeat(MB),
    crlf: '\r\n'.repeat(MB / 2),
    headers: 'x\r\nX-A: b'.repeat(MB / 9),
    longLine: '\n' + 'a'.repeat(MB),
    longName: '\n' + 'a'.repeat(MB) + ': b',
    colons: '\n' + ':'.repeat(MB),
    trunc: '\u560a'.repeat(MB),
    cjk: '上'.repeat(MB),
    statusish: '\nHTTP/'.repeat(MB / 6),
    surrogates: '\n' + '\ud800'.repeat(MB),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectCrlfInjection(v), name);
  }
});

t.test('mail header injection: a line break in a single-line mail field (key and value together)', async (t) => {
  const high: Array<[string, string]> = [
    ['email', 'me@example.com\r\nBcc: list@example.net'],
    ['email', 'me@example.com\nBcc: list@example.net'],
    ['Email', 'me@example.com\rCc: a@example.net, b@example.net'],
    ['from', 'me@example.com\r\nTo: other@example.net'],
    ['subject', 'Hello\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<b>spam</b>'],
    ['subject', 'Hi\nX-Other: 1\nBcc: hidden@example.net'],
    ['name', 'Alice\r\nReply-To: phish@example.net'],
    ['replyTo', 'a@example.com\nMIME-Version: 1.0'],
    ['to', 'a@example.com\r\nRCPT TO:<victim@example.net>'],
    ['sender', 'a@example.com\u2028Bcc: list@example.net'],
    ['EMAIL', 'a@example.com%0a\nsubject: changed'],
  ];
  for (const [k, v] of high) {
    const d = detectMailHeaderInjection(k, v);
    t.equal(d?.confidence, 'high', `${k}: ${show(v)}`);
    t.equal(d?.rule, 'crlf.mail-header-injection');
  }
  t.equal(detectMailHeaderInjection('email', 'a@example.com\nX-Campaign-Id: 7')?.confidence, 'medium', 'another hyphenated header');
  const none: Array<[string, string]> = [
    ['email', 'me@example.com'],
    ['email', 'me@example.com\n'],
    ['email', 'me@example.com\r\n'],
    ['subject', 'Order #42: question about delivery'],
    ['name', "Jane O'Neil"],
    // Multi-line fields are not mail-header fields.
    ['message', 'Hello\nTo: whom it may concern\nBcc: nobody'],
    ['comment', 'line one\r\nCc: me'],
    // A break followed by prose, not a header.
    ['name', 'Alice\nSmith'],
    ['subject', 'Re: your order\n(sent from my phone)'],
  ];
  for (const [k, v] of none) t.equal(detectMailHeaderInjection(k, v), undefined, `${k}: ${show(v)}`);

  // Through the engine: a JSON body (crlf's value check does not run on bodies; the pair does),
  // a list of recipients, and a form-encoded body.
  const e = createEngine();
  const body = (value: string, contentType = 'application/json') =>
    e.inspect({ method: 'POST', path: '/contact', sources: [{ kind: 'body', path: 'body', value, decoding: 'body', contentType }] });
  const json = body(JSON.stringify({ name: 'Alice', email: 'alice@example.com\r\nBcc: list@example.net', message: 'Hi\nthere' }));
  t.equal(json.action, 'block');
  t.ok(json.findings.some((f) => f.rule === 'crlf.mail-header-injection' && f.path === 'body.email'), JSON.stringify(json.findings));
  const list = body(JSON.stringify({ to: ['ok@example.com', 'b@example.com\nBcc: all@example.net'] }));
  t.ok(list.findings.some((f) => f.rule === 'crlf.mail-header-injection' && f.path === 'body.to[1]'), JSON.stringify(list.findings));
  const form = body('name=Bob&email=bob%40example.com%0D%0ABcc%3A%20list%40example.net&message=hello', 'application/x-www-form-urlencoded');
  t.ok(form.findings.some((f) => f.rule === 'crlf.mail-header-injection' && f.path === 'body.email'), JSON.stringify(form.findings));
  t.same(body(JSON.stringify({ name: 'Alice', email: 'alice@example.com', message: 'Hello\nTo: the team\nThanks' })).findings, []);
  // Switched off with the class.
  const off = createEngine({ detectors: { crlf: false } });
  t.same(off.inspect({ method: 'POST', path: '/c', sources: [{ kind: 'body', path: 'body', value: JSON.stringify({ email: 'a@x.io\nBcc: b@x.io' }), decoding: 'body', contentType: 'application/json' }] }).findings, []);
});

t.test('mail header pair: degenerate and 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const odd = ['', '\n', '\r\n', 'a\n:', 'a\n\u2028\u2029\u0085', '\ud800\n', 'a\nBcc', 'a\nBcc:', 'a\nBcc: ', '\n'.repeat(MB), 'a\nX-A: b'.repeat(MB / 8), 'a\n' + 'b'.repeat(MB) + ': c', '\u2028'.repeat(MB)];
  for (const v of odd) for (const k of ['email', 'subject', 'x']) t.doesNotThrow(() => detectMailHeaderInjection(k, v), `${k}: ${show(v.slice(0, 20))}`);
  // Filler lines (header-like or not) do not hide a later message header.
  t.equal(detectMailHeaderInjection('email', 'a@x.io' + '\nX-Filler: 1'.repeat(40) + '\nBcc: b@x.io')?.confidence, 'high');
  t.equal(detectMailHeaderInjection('email', 'a@x.io' + '\nfoo bar'.repeat(40) + '\r\nBcc: b@x.io')?.confidence, 'high');
});
