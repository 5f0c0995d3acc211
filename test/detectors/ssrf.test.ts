import t, { type Test } from 'tap';
import { classifyIPv4, classifyIPv6, detectSsrf, parseIPv4, parseIPv6 } from '../../src/detectors/ssrf';
import { better, hexVal, RANK } from '../../src/detectors/util';
import type { Confidence } from '../../src/types';
import { charMask } from '../../src/charclass';
import { prng } from '../helpers/prng';
import { verdictTable, pinnedVerdicts } from '../helpers/verdict-table';

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with an `ssrf.` rule. */
const positives: string[] = [
  // Cloud metadata.
  'http://169.254.169.254/latest/api/token',
  'http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://metadata.goog/computeMetadata/v1/',
  'http://169.254.170.2/v2/credentials/abcd',
  'http://100.100.100.200/latest/meta-data/',
  'http://168.63.129.16/machine?comp=goalstate',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://instance-data/latest/meta-data/',
  // Loopback, private, link-local, unspecified.
  'http://127.0.0.1:8080/admin',
  'https://localhost/internal/status',
  'http://api.localhost:3000/',
  'http://10.1.2.3/',
  'http://172.20.0.5:5432/',
  'http://192.168.0.1/router',
  'http://100.64.1.1/',
  'http://169.254.1.1/',
  'http://0.0.0.0:6379/',
  'http://[::1]:8080/',
  'http://[::]/',
  'http://[fe80::1%25eth0]/',
  'http://[fc00::5]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[0:0:0:0:0:ffff:7f000001]/',
  'http://[64:ff9b::10.0.0.1]/',
  'http://[2002:a9fe:a9fe::]/',
  // Other IPv4 spellings.
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0x7f.0.0.1/',
  'http://0177.0.0.1/',
  'http://017700000001/',
  'http://127.1/',
  'http://10.1/',
  'http://127.000.000.001/',
  'http://127.0.0.1./',
  'http://0xA9.0xFE.0xA9.0xFE/',
  'http://0251.0376.0251.0376/',
  'http:/2852039166',
  'http:0xa9fea9fe',
  'http://7147006462/',
  'http://\u2460\u2461\u2466.\u24ea.\u24ea.\u2460/',
  'http://169\u3002254\u3002169\u3002254/',
  'HTTP://LOCALHOST/',
  // Userinfo and parser-confusion tricks.
  'http://public.example@127.0.0.1/',
  'http://user:pass@10.0.0.8/',
  'http://127.0.0.1#@public.example/',
  'http://127.0.0.1:80@public.example/',
  'http://public.example:80 &@192.168.1.9:22/',
  'http://\\\\localhost/',
  // Names that resolve inside.
  'http://redis:6379/',
  'http://intranet/wiki',
  'http://db.internal/',
  'http://printer.local/',
  'http://kubernetes.default.svc/api',
  'http://host.docker.internal:2375/containers/json',
  'http://10.0.0.1.nip.io/',
  'http://app.127.0.0.1.sslip.io/',
  'http://localtest.me/',
  'http://magic-127-0-0-1.nip.io/',
  'http://7f000001.a9fea9fe.rbndr.us/',
  'http://localh.st:8080/',
  'http://sub.lvh.me:8080/',
  'http://vcap.me/',
  // Tabs and line breaks inside the authority, which WHATWG URL parsers delete.
  'http://169.254.\t169.254/latest/meta-data/',
  'http://127.0.\n0.1:8080/admin',
  'http://[::ffff:a9fe:\r\na9fe]/',
  'http://api.vcap.me:8080/admin',
  'http://consul.service.consul:8500/v1/kv/?recurse',
  'http://vault.service.dc1.consul/v1/secret',
  // Scheme-relative references (resolved against an http(s) base) to internal addresses.
  '//169.254.169.254/latest/meta-data/iam/security-credentials/',
  '  //127.0.0.1:8080/admin ',
  '//[::1]/x',
  '///169.254.169.254/latest/meta-data/',
  '/\\/169.254.169.254/',
  '//0x7f000001/',
  '\\\\169.254.169.254\\latest\\meta-data',
  // Protocol smuggling schemes.
  'jar:http://h.invalid/x.jar!/',
  'jar:file:///tmp/upload.jar!/Payload.class',
  'gopher://127.0.0.1:6379/_FLUSHALL',
  'gopher://public.example:70/_x',
  'dict://10.0.0.5:11211/stat',
  'file:///proc/self/environ',
  'ldap://attacker.example/o=x',
  'tftp://10.0.0.2/boot',
  // The Lambda Runtime API.
  'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next',
  'http://localhost:9001/2018-06-01/runtime/init/error',
  // Bare hosts that are URLs without a scheme, and URLs inside other text.
  'localhost:8080/admin',
  'LOCALHOST:8080',
  'localhost.localdomain/',
  '169.254.169.254/latest/meta-data/',
  '127.0.0.1:9001',
  'metadata.google.internal/computeMetadata/v1/',
  'kubernetes.default.svc.cluster.local/',
  '<a probe="localhost:8080/"></a>',
  'Please fetch http://169.254.169.254/latest/user-data for me',
  '{"url":"http://10.0.0.7/export"}',
  // Dotless loopback and metadata names with a path: no dot, no colon, only the slash.
  'localhost/admin',
  'LocalHost4/status',
  'ip6-localhost/',
  'ipv6-loopback/server-status',
  '"localhost6/x"',
  'metadata/computeMetadata/v1/instance/',
  'METADATA//computeMetadata/v1',
];

/** Each must not be `high`. */
const notHigh: string[] = [
  'See http://intranet\nfor the wiki',
  '10.0.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '127.0.0.1',
  '::1',
  '[::1]',
  'fe80::1',
  '10.0.0.0/8',
  '0.0.0.0/0',
  'Version 10.0.0.1 released',
  'The server listens on localhost:3000',
  'our wiki is at http://intranet/ if you are on VPN',
  'http://0x08080808/',
  'see RFC1918: 10.0.0.0/8',
  // A dotless name with a path inside prose: medium, as for an address.
  'open localhost/admin in a browser',
  // `metadata/` is a directory name far more often than GCP's dotless host (which only serves
  // /computeMetadata/): low.
  'metadata/config.json',
  'metadata/2024/05/part-0001',
];

/** Each must return undefined. */
const clean: string[] = [
  'https://example.com/path?x=1',
  'https://8.8.8.8/',
  'https://1.1.1.1/dns-query',
  'http://1.2.3.4.example.com/',
  'http://[2606:4700::1111]/',
  'https://user:pass@example.com/',
  'https://xn--bcher-kva.example/',
  'http://www.example.com./',
  'https://metadata.example.com/',
  'http://app-1-2-3-4.nip.io/',
  'http://08080808.01010101.rbndr.us/',
  'https://api.internal-tools.com/',
  'ftp://ftp.example.com/pub',
  '1.2.3.4',
  '2130706433',
  '0x7f000001',
  'v1.2.3.4/docs',
  'localhost',
  '12:30:45',
  '00:1a:2b:3c:4d:5e',
  'std::string',
  'a::b',
  'ratio 1:2',
  'urn:isbn:0451450523',
  'mailto:someone@example.com',
  'user@10.0.0.1',
  'email@111.222.333.44444',
  'javascript://comment',
  'data:text/plain,hello',
  'C:\\Users\\me',
  'docker run -p 127.0.0.1:8080:80 nginx',
  '4/_ZBKO2JKUCJC73C8KPIUDTJ3IMGM',
  '01/DEC/2011:20:45:25',
  '3/4 inch pipe',
  // Slash-only values whose host part is no loopback or metadata name.
  'application/json',
  'text/html',
  'and/or',
  'a/localhost/',
  'redis/',
  'user@localhost/',
  'localhost-dev/app',
  'my-localhost/x',
  'Call +1 (555) 010-0000',
  "O'Brien",
  // Scheme-relative references only count for addresses, and only as the whole value.
  '//cdn.example.com/lib/app.js',
  '//wiki/page/Home',
  '// TODO: remove',
  '//127.0.0.1 is loopback, see RFC 1122',
  '\\\\fileserver\\reports\\q1.xlsx',
  'jar: a glass jar of honey',
  'jar:plain',
  'https://consul.io/docs',
  'Docs at http://example.\ncom/page',
  'Visit http://example.com\n10.0 release notes',
  'https://www.consul.example.com/',
  '',
];

t.test('positives are high ssrf findings', async (t) => {
  for (const v of positives) {
    const d = detectSsrf(v);
    t.equal(d?.confidence, 'high', JSON.stringify(v));
    t.match(d?.rule ?? '', /^ssrf\.[a-z-]+$/, JSON.stringify(v));
  }
});

t.test('benign look-alikes are not high', async (t) => {
  for (const v of notHigh) t.not(detectSsrf(v)?.confidence, 'high', JSON.stringify(v));
});

t.test('plain benign values are not reported at all', async (t) => {
  for (const v of clean) t.equal(detectSsrf(v), undefined, JSON.stringify(v));
});

t.test('rules name what the address reaches', async (t) => {
  const rule = (v: string): string | undefined => detectSsrf(v)?.rule;
  t.equal(rule('http://169.254.169.254/'), 'ssrf.metadata');
  t.equal(rule('http://metadata.google.internal/'), 'ssrf.metadata');
  t.equal(rule('http://127.0.0.1/'), 'ssrf.internal-ip');
  t.equal(rule('http://2130706433/'), 'ssrf.internal-ip');
  t.equal(rule('http://localhost/'), 'ssrf.internal-ip');
  t.equal(rule('http://db.internal/'), 'ssrf.internal-host');
  t.equal(rule('gopher://example.com/_x'), 'ssrf.scheme');
  t.equal(rule('http://127.0.0.1:9001/'), 'ssrf.runtime-api');
  t.equal(rule('http://0x08080808/'), 'ssrf.obfuscated-ip');
  t.match(detectSsrf('http://0x7f000001/')?.reason ?? '', /non-canonical/);
});

t.test('bare addresses are medium, bare hosts with a path high', async (t) => {
  t.equal(detectSsrf('10.0.0.1')?.confidence, 'medium');
  t.equal(detectSsrf('10.0.0.1/admin')?.confidence, 'high');
  t.equal(detectSsrf('10.0.0.0/8')?.confidence, 'medium', 'CIDR is not a path');
  t.equal(detectSsrf('Version 10.0.0.1 released')?.confidence, 'low');
  t.equal(detectSsrf('localhost/')?.confidence, 'high', 'a dotless loopback name with a path');
  t.equal(detectSsrf('see localhost/x')?.confidence, 'medium', 'the same inside text');
  t.equal(detectSsrf('metadata/config.json')?.confidence, 'low', 'a metadata/ directory');
  t.equal(detectSsrf('metadata/computeMetadata/v1/')?.confidence, 'high', 'the GCP metadata path');
});

t.test('shared helpers: better keeps the stronger finding, hexVal reads one hex digit', async (t) => {
  type F = { confidence: Confidence; n: number };
  const lo: F = { confidence: 'low', n: 1 };
  const md: F = { confidence: 'medium', n: 2 };
  const md2: F = { confidence: 'medium', n: 3 };
  t.equal(better(lo, md), md);
  t.equal(better(md, lo), md);
  t.equal(better(md, md2), md, 'a tie keeps the first');
  t.equal(better(undefined, lo), lo);
  t.equal(better(lo, undefined), lo);
  t.equal(better(undefined, undefined), undefined);
  t.same([..."09afAFgG/:@`"].map((c) => hexVal(c.charCodeAt(0))), [0, 9, 10, 15, 10, 15, -1, -1, -1, -1, -1, -1]);
  t.equal(hexVal(NaN), -1, 'charCodeAt past the end');
  t.ok(RANK.high > RANK.medium && RANK.medium > RANK.low);
});

t.test('IPv4 parser accepts every spelling a URL parser does', async (t) => {
  const v = (s: string): number | undefined => parseIPv4(s)?.value;
  t.equal(v('127.0.0.1'), 0x7f000001);
  t.equal(v('2130706433'), 0x7f000001);
  t.equal(v('0x7f000001'), 0x7f000001);
  t.equal(v('0x7F.1'), 0x7f000001);
  t.equal(v('0177.0.0.1'), 0x7f000001);
  t.equal(v('017700000001'), 0x7f000001);
  t.equal(v('127.1'), 0x7f000001);
  t.equal(v('127.0.1'), 0x7f000001);
  t.equal(v('127.0.0.1.'), 0x7f000001);
  t.equal(v('0x'), 0, 'empty hex part is zero');
  t.equal(v('7147006462'), 0xa9fea9fe, 'overflow keeps the low 32 bits');
  t.equal(parseIPv4('7147006462')?.overflow, true);
  t.equal(parseIPv4('10.0.0.1')?.dotted, true);
  t.equal(parseIPv4('10.0.0.01')?.obfuscated, true);
  t.equal(parseIPv4('1.2.3.4.5'), undefined);
  t.equal(parseIPv4('1..2'), undefined);
  t.equal(parseIPv4('08.0.0.1'), undefined, '8 is not an octal digit');
  t.equal(parseIPv4('example.com'), undefined);
  t.equal(parseIPv4(''), undefined);
  t.equal(classifyIPv4(0x0a000001), 'private');
  t.equal(classifyIPv4(0xac1f0001), 'private');
  t.equal(classifyIPv4(0xac200001), 'public', '172.32/16 is outside 172.16/12');
  t.equal(classifyIPv4(0x64400001), 'private', 'carrier-grade NAT');
  t.equal(classifyIPv4(0xa9fea9fe), 'metadata');
  t.equal(classifyIPv4(0x08080808), 'public');
  t.equal(classifyIPv4(0xe0000001), 'reserved');
});

t.test('IPv6 parser handles compression, embedded IPv4 and zones', async (t) => {
  t.same(parseIPv6('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
  t.same(parseIPv6('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
  t.same(parseIPv6('fe80::1%eth0'), [0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  t.same(parseIPv6('::ffff:10.0.0.1'), [0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]);
  t.same(parseIPv6('2001:db8:0:0:0:0:0:1'), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  t.equal(parseIPv6('1::2::3'), undefined);
  t.equal(parseIPv6('1:2:3'), undefined);
  t.equal(parseIPv6('12345::'), undefined);
  t.equal(parseIPv6('g::1'), undefined);
  const c = (s: string): string => classifyIPv6(parseIPv6(s)!).category;
  t.equal(c('::1'), 'loopback');
  t.equal(c('::ffff:169.254.169.254'), 'metadata');
  t.equal(c('::7f00:1'), 'loopback', 'IPv4-compatible');
  t.equal(c('fd00:ec2::254'), 'metadata');
  t.equal(c('fc00::1'), 'private');
  t.equal(c('fe80::1'), 'link-local');
  t.equal(c('ff02::1'), 'reserved');
  t.equal(c('2606:4700::1111'), 'public');
  t.equal(c('a::b'), 'reserved', 'outside 2000::/3');
});

t.test('reasons are one short sentence without echoing the input', async (t) => {
  const long = 'http://' + 'a'.repeat(40) + '@127.0.0.1/' + 'x'.repeat(500);
  const d = detectSsrf(long);
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200, 'short reason');
  t.notMatch(d?.reason ?? '', /x{40}|a{40}/);
  for (const v of positives) t.ok((detectSsrf(v)?.reason.length ?? 0) < 200, JSON.stringify(v));
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', ':', '::', ':::', '[', '[]', '[:', 'http:', 'http://', 'http://[', 'http://[::', 'http://@', 'http://:80', '0x', '0.', '..', '\ud800', 'http://\ud800/', 'http://\u2460\ud800/', '@@@', '%', '\u0000'];
  for (const v of odd) t.doesNotThrow(() => detectSsrf(v), JSON.stringify(v));
  t.equal(detectSsrf(42 as unknown as string), undefined);
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    colons: ':'.repeat(MB),
    doubleColons: '::'.repeat(MB / 2),
    schemes: 'http://'.repeat(MB / 7),
    schemeDigits: 'http:1'.repeat(MB / 6),
    userinfo: 'http://a@'.repeat(MB / 9),
    brackets: 'http://['.repeat(MB / 8),
    ats: '@'.repeat(MB),
    dots: '.'.repeat(MB),
    digits: '1.'.repeat(MB / 2),
    ips: '1.2.3.4 '.repeat(MB / 8),
    hosts: 'localhost/'.repeat(MB / 10),
    longHost: 'http://' + 'a'.repeat(MB),
    longNumber: 'http://' + '9'.repeat(MB),
    ideographic: '\u3002'.repeat(MB),
    circled: '\u2460'.repeat(MB),
    surrogates: '\ud800'.repeat(MB),
    slashes: '/'.repeat(MB),
    blanks: ' '.repeat(MB),
    prose: 'Visit https://example.com/a.b for v1.2.3 details. '.repeat(MB / 50),
    slashWords: 'application/json '.repeat(MB / 17),
    longWordsSlash: ('x'.repeat(15) + '/').repeat(MB / 16),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectSsrf(v), name);
  }
  const five = 'https://example.com/x '.repeat((5 * MB) / 22);
  t.doesNotThrow(() => detectSsrf(five), '5 MB');
  t.equal(detectSsrf('http://x '.repeat(MB / 9) + 'http://169.254.169.254/')?.confidence, 'high', 'payload after 1 MB of URLs');
});

t.test('DNS-rebinding names and bare socket addresses of this host', async (t) => {
  const high = [
    'make-127.0.0.1-rebind-169.254.169.254-rr.1u.ms',
    'make-8.8.8.8-rebind-127.0.0.1-rr.1u.ms',
    'http://make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms/',
    'https://make-9.9.9.9-rebindfor30s-10.1.2.3-rr.1u.ms:8443/admin',
    'make-192.168.0.10-rr.1u.ms',
    'MAKE-1.1.1.1-REBIND-169.254.169.254-RR.1U.MS',
    '7f000001.08080808.rbndr.us',
    '127.0.0.1:6379',
    '127.0.0.1:11211',
    '169.254.169.254:80',
    ' 169.254.170.2:80 ',
    '[::1]:8080',
    '[fe80::1]:22',
    '127.1.2.3:25',
    // Round 8: hex and octal spellings with a port (`fetch('http://' + v)` reaches loopback; no
    // configuration value is written so). `127.1:6379` (short decimal) stays below high.
    '0177.0.0.1:80',
    '0x7f000001:6379',
    '0x7f.1:6379',
    '0177.1:6379/',
    '0xa9fea9fe:80',
    // Round 8: a trailing dot before the port (URL parsers drop it).
    '127.0.0.1.:6379',
  ];
  for (const v of high) {
    const d = detectSsrf(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.equal(detectSsrf('make-127.0.0.1-rebind-169.254.169.254-rr.1u.ms')?.rule, 'ssrf.metadata', 'the metadata address names it');
  t.match(detectSsrf('http://make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms/')?.reason ?? '', /DNS-rebinding/);
  const notHigh = [
    'see make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms for a demo',
    'Redis runs on 127.0.0.1:6379 by default',
    'The dev server is on localhost:3000, run npm start',
    '10.0.0.5:6379',
    '192.168.1.10:8443',
    '0.0.0.0:8080',
    '127.0.0.1:0',
    '127.0.0.1:70000',
    '127.1:6379',
    '2130706433:6379',
    '0x7f000001:6379 is loopback in hex',
  ];
  for (const v of notHigh) {
    const d = detectSsrf(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const clean = ['1.2.3.4:5', 'version 1.2.3.4:5', 'make-1.2.3.4-rebind-8.8.8.8-rr.1u.ms', 'make-rr.1u.ms', 'https://1u.ms/', 'ratio 127.0.0.1:6379x'];
  for (const v of clean) t.equal(detectSsrf(v), undefined, JSON.stringify(v));
});

t.test('ASCII values are scanned from their shape characters, with or without a mask', async (t) => {
  const prose = 'Leave it at the door, please and thank you very much for the quick delivery ';
  // Each: the value, and the finding the token walk gives it (rule and confidence).
  const cases: Array<[string, string | undefined, Confidence | undefined]> = [
    // A host token at the very start (the look-back stops at the value's first character).
    ['localhost/admin and some words after it to pass the sparse minimum', 'ssrf.internal-host', 'medium'],
    // Far from the start, after plain words only (no search stops before it).
    [prose + prose + '169.254.169.254/latest', 'ssrf.metadata', 'medium'],
    // A quoted token in prose: the character before the token is read.
    [prose + '"10.0.0.1/x" ' + prose, 'ssrf.internal-ip', 'high'],
    // Each shape character alone leads to its token: `:` (port), `/` (path), `[` (IPv6).
    [prose + ' redis:6379 ' + prose, undefined, undefined],
    [prose + ' [::1]:6379 ' + prose, 'ssrf.internal-ip', 'low'],
    [prose + ' metadata/computeMetadata/v1 ' + prose, 'ssrf.metadata', 'medium'],
    // Dense shape tokens use up the search budget; the walk takes over and still finds the host.
    ['a. '.repeat(400) + 'localhost/', 'ssrf.internal-host', 'medium'],
    ['</a>x'.repeat(300) + ' x.internal:80 ', 'ssrf.internal-host', 'medium'],
    // E-mail addresses and URLs are not bare hosts.
    [prose + ' ops@localhost.localdomain ' + prose, undefined, undefined],
  ];
  for (const [v, rule, conf] of cases) {
    for (const mask of [undefined, charMask(v)]) {
      const d = detectSsrf(v, mask);
      t.equal(d?.rule, rule, `${JSON.stringify(v.slice(-60))} (mask ${mask === undefined ? 'none' : 'given'})`);
      t.equal(d?.confidence, conf, `${JSON.stringify(v.slice(-60))} (mask ${mask === undefined ? 'none' : 'given'})`);
    }
  }
  // Non-ASCII look-alikes are only seen by the walk: a value holding one is walked, mask or not.
  const wide = prose + ' \u2460\u2461\u2466\u3002\u24ea\u3002\u24ea\u3002\u2460/admin ' + prose;
  t.equal(detectSsrf(wide)?.rule, 'ssrf.internal-ip');
  t.equal(detectSsrf(wide, charMask(wide))?.rule, 'ssrf.internal-ip');
});

t.test('non-ASCII hosts folded together after the first few give what folding each alone gives', async (t) => {
  // Past the first 8 non-ASCII tokens the rest of the value is folded at once (one NFKC and one
  // lower-casing over the joined hosts): a host there must be judged as when it is folded alone.
  const lead = (unit: string) => unit.repeat(12);
  const cases: Array<[string, string | undefined, Confidence | undefined]> = [
    // Full-width capitals: NFKC gives ASCII capitals, which only the lower-casing makes `localhost`.
    [lead('ａ．ｂ ') + 'ＬＯＣＡＬＨＯＳＴ/admin', 'ssrf.internal-host', 'medium'],
    // Full-width digits and dots: an address only once folded.
    [lead('é.é ') + '１２７．０．０．１/x', 'ssrf.internal-ip', 'medium'],
    // An ideographic full stop before an internal suffix; Greek capitals that lower-case by context.
    [lead('ΣΑΣ.ΣΑΣ ') + 'db\u3002ＩＮＴＥＲＮＡＬ:5432', 'ssrf.internal-host', 'medium'],
    // Dotted non-ASCII words (prose in another script) stay clean, however many.
    [lead('слово. слово ') + 'конец.', undefined, undefined],
  ];
  for (const [v, rule, conf] of cases) {
    const d = detectSsrf(v);
    t.equal(d?.rule, rule, JSON.stringify(v.slice(-40)));
    t.equal(d?.confidence, conf, JSON.stringify(v.slice(-40)));
    // The same host with fewer tokens before it (folded alone) answers the same.
    const alone = detectSsrf(v.slice(v.lastIndexOf(' ') + 1));
    if (rule !== undefined) t.equal(alone?.rule, rule, 'folded alone: ' + JSON.stringify(v.slice(-40)));
  }
});

t.test('non-ASCII names ruled out by the fold table: look-alikes of internal names are still found after many', async (t) => {
  // Hundreds of non-ASCII tokens no known name can come from (`ａ．ｂ`, `é.é`, varied full-width,
  // Latin-1 and Cyrillic letters) are ruled out from the fold table without folding; a token that
  // does fold to an internal name or address after them must be found as when folding each host.
  const varied = Array.from({ length: 200 }, (_, i) =>
    String.fromCharCode(0xff41 + ((i * 7) % 26)) + '．' + String.fromCharCode(0xc0 + ((i * 13) % 64)) + '.' + String.fromCharCode(0x430 + (i % 32)),
  ).join(' ');
  const lead = 'ａ．ｂ '.repeat(100) + 'é.é '.repeat(100) + varied + ' ';
  const cases: Array<[string, string | undefined, Confidence | undefined]> = [
    // Full-width letters and dots (FOLD_ASCII characters), as a bare token inside text: low.
    ['ｌｏｃａｌｈｏｓｔ', 'ssrf.internal-host', 'low'],
    ['ＬＯＣＡＬＨＯＳＴ', 'ssrf.internal-host', 'low'],
    ['x.ｉｎｔｅｒｎａｌ', 'ssrf.internal-host', 'low'],
    // A name exactly as long as the shortest known one ending in its last two characters (`lvh.me`).
    ['ｌｖｈ．ｍｅ', 'ssrf.internal-host', 'low'],
    ['ｌｖｈ．ｍｅ．', 'ssrf.internal-host', 'low'],
    ['１２７．０．０．１', 'ssrf.internal-ip', 'low'],
    ['①②⑦。⓪。⓪。①', 'ssrf.internal-ip', 'low'],
    ['ｍｅｔａｄａｔａ．ｇｏｏｇｌｅ．ｉｎｔｅｒｎａｌ', 'ssrf.metadata', 'low'],
    ['ｍｅｔａｄａｔａ', 'ssrf.metadata', 'low'],
    // Exactly 18 characters, and longer: the `kubernetes.default` prefix.
    ['ｋｕｂｅｒｎｅｔｅｓ．ｄｅｆａｕｌｔ', 'ssrf.internal-host', 'low'],
    ['ｋｕｂｅｒｎｅｔｅｓ．ｄｅｆａｕｌｔｘ', 'ssrf.internal-host', 'low'],
    // Kelvin sign (NFKC: K, lower case: k) and long s (NFKC: s).
    ['\u212Aubernetes.default', 'ssrf.internal-host', 'low'],
    ['api.\u017Fvc', 'ssrf.internal-host', 'low'],
    ['ｘ．ｓｖｃ', 'ssrf.internal-host', 'low'],
    ['.ｓｖｃ', 'ssrf.internal-host', 'low'],
    ['é.ｌｏｃａｌ', 'ssrf.internal-host', 'low'],
    ['ｖａｕｌｔ．ｓｅｒｖｉｃｅ．ｃｏｎｓｕｌ', 'ssrf.internal-host', 'low'],
    // With a path: a host without its scheme.
    ['ｌｏｃａｌｈｏｓｔ/admin', 'ssrf.internal-host', 'medium'],
    ['ＬＯＣＡＬＨＯＳＴ:8080', 'ssrf.internal-host', 'medium'],
    ['１２７．０．０．１/x', 'ssrf.internal-ip', 'medium'],
    ['ｍｅｔａｄａｔａ．ｇｏｏｇｌｅ．ｉｎｔｅｒｎａｌ/computeMetadata', 'ssrf.metadata', 'medium'],
    ['\u212Aubernetes.default.svc/api', 'ssrf.internal-host', 'medium'],
    ['ｌｏｃａｌｈｏｓｔ．/x', 'ssrf.internal-host', 'medium'],
    // Not internal once folded: U+0130 lower-cases to `i` and a combining dot; a combining acute
    // composes with the `l` before it; a public name; a full-width colon.
    ['x.\u0130nternal', undefined, undefined],
    ['x.internal\u0301', undefined, undefined],
    ['ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ', undefined, undefined],
    ['ｓｖｃ', undefined, undefined],
    ['ｘ．ｌｏｃａｌ：８０', undefined, undefined],
  ];
  expectHosts(t, lead, cases, false);
  // Every character of `localhost` in turn full-width, inside text: each spelling is found.
  const word = 'localhost';
  for (let k = 0; k < word.length; k++) {
    const h = word.slice(0, k) + String.fromCharCode(word.charCodeAt(k) + 0xfee0) + word.slice(k + 1);
    t.equal(detectSsrf(lead + h)?.rule, 'ssrf.internal-host', JSON.stringify(h));
  }
});

t.test('bare dotted quads with look-alike dots after an ASCII digit are read as folded', async (t) => {
  // A digit-first host counted only ASCII dots: `169．254．169．254/latest` was let through while
  // `１６９．２５４．１６９．２５４/latest` and `http://169．254．169．254/` were found.
  const found: Array<[string, string]> = [
    ['169．254．169．254/latest/meta-data', 'ssrf.metadata'],
    ['169。254。169。254/latest', 'ssrf.metadata'],
    ['169｡254｡169｡254/latest', 'ssrf.metadata'],
    ['127．0．0．1:6379', 'ssrf.internal-ip'],
    ['127.0．0.1/x', 'ssrf.internal-ip'],
    ['1２7．0．0．1/x', 'ssrf.internal-ip'],
    ['10．0．0．1/admin', 'ssrf.internal-ip'],
  ];
  for (const [v, rule] of found) {
    t.equal(detectSsrf(v)?.rule, rule, JSON.stringify(v));
    t.equal(detectSsrf('see ' + v)?.rule, rule, 'in text: ' + JSON.stringify(v));
  }
  // Still four parts needed: versions, decimals and public addresses stay clean.
  for (const v of ['1．2 1．2', '3．14', '1．2．3/x', '8．8．8．8/x', '1.2．3/4', '2024。11。29']) t.equal(detectSsrf(v), undefined, JSON.stringify(v));
});

t.test('characters above the BMP: emoji and CJK read from the astral table, look-alikes that fold to ASCII still folded', async (t) => {
  // Hundreds of tokens of emoji and CJK Extension B characters (surrogate pairs) with dots: each such
  // character folds to non-ASCII only and is read as two opaque code units, without folding. After
  // them, hosts that fold to internal names must be found as when folding each host: mathematical
  // alphanumerics (U+1D400..: `𝐥` folds to `l`, one ASCII character from two code units) must stay
  // folded, and an opaque pair next to a known name or suffix must not hide it.
  const lead =
    Array.from(
      { length: 300 },
      (_, i) => String.fromCodePoint(0x1f600 + ((i * 7) % 80)) + String.fromCodePoint(0x20000 + i * 97) + (i % 3 ? '.' : '。') + String.fromCodePoint(0x1f300 + ((i * 11) % 700)),
    ).join(' ') + ' ';
  const cases: Array<[string, string | undefined, Confidence | undefined]> = [
    ['𝐥𝐨𝐜𝐚𝐥𝐡𝐨𝐬𝐭', 'ssrf.internal-host', 'low'],
    ['𝐥𝐨𝐜𝐚𝐥𝐡𝐨𝐬𝐭/admin', 'ssrf.internal-host', 'medium'],
    ['𝐋𝐎𝐂𝐀𝐋𝐇𝐎𝐒𝐓:8080', 'ssrf.internal-host', 'medium'],
    ['𝟏𝟐𝟕.𝟎.𝟎.𝟏', 'ssrf.internal-ip', 'low'],
    ['𝟏𝟐𝟕.𝟎.𝟎.𝟏/x', 'ssrf.internal-ip', 'medium'],
    ['x.𝐢𝐧𝐭𝐞𝐫𝐧𝐚𝐥', 'ssrf.internal-host', 'low'],
    ['😀.local', 'ssrf.internal-host', 'low'],
    ['😀.𝐥𝐨𝐜𝐚𝐥', 'ssrf.internal-host', 'low'],
    ['𠀀.internal/x', 'ssrf.internal-host', 'medium'],
    ['kubernetes.default😀', 'ssrf.internal-host', 'low'],
    ['metadata.google.internal/😀', 'ssrf.metadata', 'medium'],
    // A non-starter above the BMP (U+1D165, a combining stem) and lone surrogates: folded as before.
    ['a\u{1d165}.local', 'ssrf.internal-host', 'low'],
    ['\ud83d.local', 'ssrf.internal-host', 'low'],
    ['\ud83dx.local', 'ssrf.internal-host', 'low'],
    // Not internal once folded: an emoji breaks the name or the address; U+1F101 folds to `0,`.
    ['x.local😀', undefined, undefined],
    ['😀localhost', undefined, undefined],
    ['127.0.0.1😀/x', undefined, undefined],
    ['127😀.0.0.1/x', undefined, undefined],
    ['🄁27.0.0.1/x', undefined, undefined],
    ['x.loca\ud83d', undefined, undefined],
    ['ｍｅｔａｄａｔａ．ｇｏｏｇｌｅ．ｉｎｔｅｒｎａｌ😀', undefined, undefined],
  ];
  expectHosts(t, lead, cases, true);
  // Every character of `localhost` in turn a mathematical bold letter, after the lead: each is found.
  const word = 'localhost';
  for (let k = 0; k < word.length; k++) {
    const h = word.slice(0, k) + String.fromCodePoint(0x1d41a + word.charCodeAt(k) - 97) + word.slice(k + 1);
    t.equal(detectSsrf(lead + h)?.rule, 'ssrf.internal-host', JSON.stringify(h));
  }
});

/**
 * Each host after `lead` (ruled-out tokens) gets `rule` at `conf`; in front of the lead and alone the
 * same rule (the confidence depends on the position); with `mask`, also when given the value's mask.
 */
function expectHosts(t: Test, lead: string, cases: Array<[string, string | undefined, Confidence | undefined]>, mask: boolean): void {
  for (const [h, rule, conf] of cases) {
    const d = detectSsrf(lead + h);
    t.equal(d?.rule, rule, JSON.stringify(h));
    t.equal(d?.confidence, conf, JSON.stringify(h));
    t.equal(detectSsrf(h + ' ' + lead)?.rule, rule, 'first: ' + JSON.stringify(h));
    t.equal(detectSsrf(h)?.rule, rule, 'alone: ' + JSON.stringify(h));
    if (mask) t.equal(detectSsrf(lead + h, charMask(lead + h))?.rule, rule, 'with mask: ' + JSON.stringify(h));
  }
}

t.test('colon runs: URLs and hosts after colons the scans pass over keep their verdicts', (t) => {
  // The URL scan searches the next colon two characters past each one and rejects a colon without
  // two scheme characters before it at once; the bare-host scans pass over tokens longer than 600
  // characters in one read and drop `name:` tokens with no port before the name lookup.
  const cases: Array<[string, string | undefined, string | undefined]> = [
    [':http://127.0.0.1/', 'ssrf.internal-ip', 'high'],
    ['::http://169.254.169.254/latest', 'ssrf.metadata', 'high'],
    [':::http://169.254.169.254/latest', 'ssrf.metadata', 'high'],
    ['a:b:http://localhost/', 'ssrf.internal-ip', 'high'],
    ['a: b&http://127.0.0.1/admin', 'ssrf.internal-ip', 'high'],
    ['ab::http://[::1]/', 'ssrf.internal-ip', 'high'],
    ['::::&jar:file:/x.jar!/', 'ssrf.scheme', 'high'],
    ['::x::x gopher://127.0.0.1:6379/_x', 'ssrf.scheme', 'high'],
    [':'.repeat(700) + 'http://127.0.0.1:6379/', 'ssrf.internal-ip', 'high'],
    ['a:b:'.repeat(300) + 'http://10.0.0.1/', 'ssrf.internal-ip', 'high'],
    ['a'.repeat(700) + ':b localhost:8080/admin', 'ssrf.internal-host', 'medium'],
    ['a:'.repeat(400) + ' 169.254.169.254/latest/meta-data', 'ssrf.metadata', 'medium'],
    ['key: 127.0.0.1:6379', 'ssrf.internal-ip', 'low'],
    ['localhost:8080/admin', 'ssrf.internal-host', 'high'],
    ['::1', 'ssrf.internal-ip', 'medium'],
    // Colons that open nothing.
    ['key:value', undefined, undefined],
    ['localhost:admin', undefined, undefined],
    ['a:b:c', undefined, undefined],
    [':'.repeat(2000), undefined, undefined],
    ['a: b&'.repeat(400), undefined, undefined],
    ['::x'.repeat(500), undefined, undefined],
    ['http:'.repeat(300), undefined, undefined],
    ['Meeting at 10:30: bring notes', undefined, undefined],
  ];
  for (const [v, rule, confidence] of cases) {
    for (const mask of [undefined, charMask(v)]) {
      const d = detectSsrf(v, mask);
      const what = `${JSON.stringify(v.length > 60 ? v.slice(0, 30) + '…' + v.slice(-30) : v)}${mask === undefined ? '' : ' (mask)'}`;
      t.equal(d?.rule, rule, what);
      t.equal(d?.confidence, confidence, what);
    }
  }
  t.end();
});

/** parseIPv6 as it was before it parsed in place (session 16): arrays, slices, parseInt. The reference. */
function parseIPv6Reference(text: string): number[] | undefined {
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
    if (s.charCodeAt(j) === 46) {
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

t.test('parseIPv6 (in place) reads as the array reference on seeded IPv6-like strings', async (t) => {
  // 0-9 groups of 0-9 hex digits, a `::` anywhere (or two), an IPv4 tail, a zone id, a stray
  // character. (Accepting eight groups around a `::`, total > 8 for > 7, fails hundreds of them.)
  const r = prng(0x1b6);
  const pick = (a: readonly string[]): string => a[Math.floor(r() * a.length)]!;
  const HEX = [...'0123456789abcdefABCDEF'];
  let parsed = 0;
  let bad = 0;
  for (let i = 0; i < 60000; i++) {
    const k = Math.floor(r() * 10);
    const g: string[] = [];
    for (let n = 0; n < k; n++) {
      const len = r() < 0.05 ? 0 : r() < 0.1 ? 5 + Math.floor(r() * 5) : 1 + Math.floor(r() * 4);
      let h = '';
      for (let m = 0; m < len; m++) h += pick(HEX);
      g.push(h);
    }
    let s = g.join(':');
    const dc = r();
    if (dc < 0.6) {
      const p = Math.floor(r() * (s.length + 1));
      s = s.slice(0, p) + (r() < 0.5 ? '::' : ':') + s.slice(p);
    }
    if (dc < 0.1) {
      const p = Math.floor(r() * (s.length + 1));
      s = s.slice(0, p) + '::' + s.slice(p);
    }
    if (r() < 0.15) s += (r() < 0.5 ? ':' : '') + pick(['127.0.0.1', '10.0.0.1', '169.254.169.254', '1.2.3', '0x7f.1', '1.2.3.4.5']);
    if (r() < 0.1) s += pick(['%eth0', '%25en0', '%']);
    if (r() < 0.05) s = s.slice(0, Math.floor(r() * s.length)) + pick(['g', '.', ' ', '/']) + s.slice(Math.floor(r() * s.length));
    const want = parseIPv6Reference(s);
    const got = parseIPv6(s);
    if (want !== undefined) parsed++;
    if (JSON.stringify(got) !== JSON.stringify(want) || (want !== undefined && classifyIPv6(got!).category !== classifyIPv6(want).category)) {
      if (bad++ < 5) t.fail(`${JSON.stringify(s)}: ${JSON.stringify(got)} where the reference reads ${JSON.stringify(want)}`);
    }
  }
  t.equal(bad, 0);
  t.ok(parsed > 3000, `enough of them parse (${parsed})`);
});

t.test('bare IPv6 tokens after a finding (session 16): verdicts pinned from before the shortcut', async (t) => {
  // A token with an empty host part and a `::` is passed once the scan's finding outranks what it
  // could give, and bareHostToken builds no bare-IPv6 finding better() would drop. These verdicts
  // were computed before (0b8f33a) over the same generated table: `-` none, else a letter for rule
  // and confidence. Passing such tokens before any finding changes 134 of them.
  const RULES = ['ssrf.internal-ip', 'ssrf.metadata', 'ssrf.internal-host', 'ssrf.obfuscated-ip', 'ssrf.runtime-api', 'ssrf.scheme'];
  const CODES = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const PIECES = ['::1', '::', '::x', 'fe80::1', '::ffff:10.0.0.1', '::ffff:7f000001', '2001:db8::1', '64:ff9b::a9fe:a9fe', 'fd00:ec2::254', '[::1]', '[::1]:80', ':', 'a:', 'a:b', '::1/x', '::1:80', 'localhost:80', '127.0.0.1', '10.0.0.1/x', 'metadata/', 'x', '1::2::3', ':::1', '::1%eth0', '1:2:3:4:5:6:7:8', '1:2:3:4::5:6:7:8', 'http://[::1]/'];
  const BOUNDS = [' ', "'", '&', ' ', '"', ','];
  const PINNED = [
    'adcbaa-da----baac-cccc-ch---aaaadab---d--d-aabdab-aa-hcac-aa-bc-hadbc-ch-bd--ecc-ababca-aa--a--aebab',
    'aabc--a-a---h-bb--add--b---ac---cab--d--i--a-ccde---ch-db--adch--ddac-e--c-a-cach-d-c-caaacd-a-a-cb-',
    'ahda-ccd--aadchaba-aa-a-adc---c-cacia-c--acdca--adcadb---ecadccb--abdd-a--ahddbdca-bba-d--ceea-c-daa',
    'da--accaa--cacdda-cih--abaa--aa-caaab---bcdc--a-ca-adbaaccc-cbc-c-d-cbc-ea-a--ccaab--c--b-a-ca--aach',
    'cc-h--acb-b---d-ceebaabdbeda--bbae-aiccadda---ida-babaab-aba-ad--a--ab--a-ad-ch-aabaa---aida-a-d-bd-',
    '-baa-badac-ahb--adda-ba--cbdh-badbda---a-b---c--cdcddaabadbcb-h--cdabi-d-a-aab-cbcaaa-c--h--aaddb-b-',
    'acaa-ca-c---a-aa-hc-hacdbbbdaabdabbad-acacbe-accd-bb-c-c-aab-aadhbcccaaa--c-d-d-c-icdb--d-----b-d-da',
    '-bhcabaabbacdcacb---cadc--aa-addeac-ddaabcc-ed--d-aa-hd--ba---ccb-bb-d-ah-a-ae-daaebaacca-c----a-da-',
  ].join('');
  const r = prng(61);
  const pick = (a: readonly string[]): string => a[Math.floor(r() * a.length)]!;
  let got = '';
  const cases: string[] = [];
  for (let i = 0; i < PINNED.length; i++) {
    let s = r() < 0.2 ? ' ' : '';
    const tokens = 1 + Math.floor(r() * 4);
    for (let k = 0; k < tokens; k++) {
      if (k > 0) s += pick(BOUNDS);
      s += pick(PIECES);
      if (r() < 0.3) s += pick(PIECES);
    }
    cases.push(s);
    const d = detectSsrf(s);
    got += d === undefined ? '-' : CODES[RULES.indexOf(d.rule) * 3 + ['low', 'medium', 'high'].indexOf(d.confidence)];
  }
  for (let i = 0; i < PINNED.length; i++) if (got[i] !== PINNED[i]) t.fail(`${JSON.stringify(cases[i])}: ${got[i]} where ${PINNED[i]} was pinned`);
  t.equal(got, PINNED);
  for (const s of cases.slice(0, 300)) t.equal(detectSsrf(s, charMask(s))?.confidence, detectSsrf(s)?.confidence, JSON.stringify(s));
  // The dense shapes: the first address decides, as before.
  t.equal(detectSsrf('::1 '.repeat(4000))?.confidence, 'low');
  t.equal(detectSsrf("'::'".repeat(4000))?.rule, 'ssrf.internal-ip');
  t.equal(detectSsrf('::1')?.confidence, 'medium');
});

// Session 17 (dense punctuation, second round): pieces around this round's fast paths. The digest
// is the base build's (7c28b55), verdicts with and without the caller's charMask; it caught the
// change planted in this round's fast path (a scratch differential of the base dist against this
// build, ~300k strings, found no difference).
const S17_PIECES: string[] = ["a", "ab", "x", "/", "\"", " ", ".", ":", "svc", ".svc", "local", ".local", "localhost", "LOCALHOST", "metadata", "1u.ms", ".1u.ms", "nip.io", "kubernetes.default", "169.254.169.254", "127.0.0.1", "0x", "x:/&0", "a: b&", "http://", "ws://", "h2:", "a/\"", "..", "[::1]", "@", ":80", "10.0.0.1", "0", "&", "jar:", "gopher://"];

t.test('dense punctuation: verdicts pinned on a seeded table (session 17 fast paths)', async (t) => {
  const { findings, digest } = pinnedVerdicts(verdictTable(1702, S17_PIECES, 3000), (s) => detectSsrf(s), (s) => detectSsrf(s, charMask(s)));
  // Session 21 (red team round 4): one more finding, high, the intended one: a whole value
  // `a.svc@127.0.0.1/…` (userinfo before a loopback address and a path, scanUserinfoHost); a
  // differential against the previous build on this table found no other change.
  t.equal(findings, 929, 'findings in the table');
  t.equal(digest, '63d2c3f3');
  // Names shorter than every known name, or than the shortest one with their last two characters.
  t.equal(detectSsrf('a/"'.repeat(4096)), undefined);
  t.equal(detectSsrf('a.svc/x')?.rule, 'ssrf.internal-host');
  t.equal(detectSsrf('http://x.1u.ms/')?.confidence, detectSsrf('http://x.1u.ms/', charMask('http://x.1u.ms/'))?.confidence);
});

// Session 18 (dense punctuation, third round): bareHostsQuick answers for ASCII values in which no
// token can hold a host part of four characters (no `[`); only `::` tokens are judged there, the
// first finding deciding. The digest is the base build's (2ca00a4), with and without the caller's
// charMask, padded with `</a>` runs past the sparse scan's length. A scratch differential (base dist
// against this build, 200k strings, and the quick answer against scanBareHostsSparse on every
// value it decided) found no difference; planted errors (a skip one too long, no `[` test, the `::`
// note ignored) changed this digest.
const S18_PIECES = ["'::'", 'a: b&', '</a>', 'x:/&0', '::', ':', '::1', '[', ']', '[::1]', '[0:0:0:0:0:0:0:1]', 'abcd', 'abc', 'a', '.', '/', '\\', '?', '#', '@', ' ', "'", '"', '<', '>', '&', 'localhost', 'x.svc', '.internal', '127.0.0.1', '10.0.0.1:80', 'fe80::1', 'a::b', 'http://', '\t', 'é', '0'];

t.test('dense punctuation: verdicts pinned on a seeded table (session 18 quick bare hosts)', async (t) => {
  const table = verdictTable(1802, S18_PIECES, 3000);
  const pad = '</a>'.repeat(45);
  const all = table.concat(table.map((s) => pad + s));
  const { findings, digest } = pinnedVerdicts(all, (s) => detectSsrf(s), (s) => detectSsrf(s, charMask(s)));
  // Session 21: two more findings, both whole values of userinfo before an IPv6 loopback literal and a
  // slash (`@[0:0:0:0:0:0:0:1]/http://</a>/…` repeated, `@@[::1]\\.internal::1`: `\` is a path
  // separator to WHATWG), scanUserinfoHost's; no other change against the previous build.
  t.equal(findings, 2410, 'findings in the table');
  t.equal(digest, '83667891');
  for (const u of ['</a>', 'a: b&', 'x:/&0']) t.equal(detectSsrf(u.repeat(4000)), undefined, u);
  t.equal(detectSsrf("'::'".repeat(4000))?.confidence, 'low');
  // A host part of four after a delimiter, a bracket, a `::` token among the shapes: still read.
  t.equal(detectSsrf('</a>'.repeat(100) + ' x.svc/a')?.rule, 'ssrf.internal-host');
  t.equal(detectSsrf('</a>'.repeat(100) + ' [0:0:0:0:0:0:0:1]/')?.rule, 'ssrf.internal-ip');
  t.equal(detectSsrf('a: b&'.repeat(100) + ' ::1 ')?.rule, 'ssrf.internal-ip');
  t.equal(detectSsrf('x.svc/a' + 'a: b&'.repeat(100))?.rule, 'ssrf.internal-host');
});
