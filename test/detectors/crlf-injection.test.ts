import t from 'tap';
import { detectCrlfInjection } from '../../src/detectors/crlf-injection';

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
  t.equal(detectCrlfInjection('x\r\nX-Custom-Thing: 1')?.confidence, 'medium');
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
