import t from 'tap';
import { base64Bytes, decodeBase64, deepDecode, eachFormPair, escapeDecode, htmlDecode, parseCookieHeader, parseForm, pathSegments, percentDecode } from '../../src/decode';
import { decodePayload, looksLikeJson } from '../../src/body';
import { charMask, C } from '../../src/charclass';
import { compilePathGlob, formatPath, splitPath } from '../../src/paths';
import { prng } from '../helpers/prng';
import { verdictDigest } from '../helpers/verdict-table';

t.test('percentDecode', async (t) => {
  const cases: Array<[string, string, boolean?]> = [
    ['%3Cscript%3E', '<script>'],
    ['%253C', '%3C'],
    ['caf%C3%A9', 'café'],
    ['..%c0%af..%c0%afetc', '../../etc', false],
    ['%u003cimg%u003e', '<img>'],
    ['100%', '100%'],
    ['%zz%4', '%zz%4'],
    ['a+b', 'a+b'],
    ['a+b%20c', 'a b c', true],
    ['%ff%fe', '\ufffd\ufffd'],
    ['%e2%82', '\ufffd\ufffd'],
  ];
  for (const [input, expected, plus] of cases) t.equal(percentDecode(input, plus), expected, input);
});

// The hex-digit table (HEX, filled in a function at load): every ASCII character pinned through the
// three decoders that read it. A hex digit of either case is its value; nothing else decodes.
t.test('hex digits: every ASCII character, every decoder that reads them', async (t) => {
  let digits = 0;
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    const v = /^[0-9a-fA-F]$/.test(ch) ? parseInt(ch, 16) : -1;
    const got = [percentDecode(`%4${ch}`), escapeDecode(`\\x4${ch}`)];
    if (v < 0) {
      t.same(got, [`%4${ch}`, `\\x4${ch}`], `char ${c} is no hex digit`);
      continue;
    }
    digits++;
    const low = String.fromCharCode(0x40 + v);
    t.same([...got, htmlDecode(`&#x4${ch};`)], [low, low, low], `char ${c} is hex digit ${v} (low nibble)`);
    if (v < 8) t.equal(percentDecode(`%${ch}1`), String.fromCharCode(v * 16 + 1), `char ${c} is hex digit ${v} (high nibble)`);
  }
  t.equal(digits, 22);
});

t.test('htmlDecode', async (t) => {
  const cases: Array<[string, string]> = [
    ['&lt;svg onload=alert(1)&gt;', '<svg onload=alert(1)>'],
    ['&#60;&#x3C;&#X3c', '<<<'],
    ['jav&#x09;ascript&colon;', 'jav\tascript:'],
    ['Tom &amp; Jerry', 'Tom & Jerry'],
    ['AT&T & co', 'AT&T & co'],
    ['&unknown;', '&unknown;'],
    ['&#99999999999;', '\ufffd999;'],
    ['&#xd800;', '\ufffd'],
  ];
  for (const [input, expected] of cases) t.equal(htmlDecode(input), expected, input);
});

t.test('escapeDecode', async (t) => {
  t.equal(escapeDecode('\\u003cscript\\u003e'), '<script>');
  t.equal(escapeDecode('\\x3c\\u{1F600}'), '<😀');
  t.equal(escapeDecode('C:\\Users\\name'), 'C:\\Users\\name');
  t.equal(escapeDecode('\\u12'), '\\u12');
});

t.test('deepDecode undoes nesting and says when nothing changed', async (t) => {
  t.equal(deepDecode('plain text'), undefined);
  t.equal(deepDecode('50% off'), undefined);
  t.equal(deepDecode('%25253Cscript%25253E'), '<script>');
  t.equal(deepDecode('%26lt%3Bscript%26gt%3B'), '<script>');
  t.equal(deepDecode('%5Cu003cimg%5Cu003e'), '<img>');
});

t.test('decodeBase64 is strict', async (t) => {
  t.equal(decodeBase64(Buffer.from('hello <x>').toString('base64')), 'hello <x>');
  t.equal(decodeBase64('aGVsbG8'), 'hello');
  t.equal(decodeBase64('aGVs\nbG8='), 'hello');
  t.equal(decodeBase64('@@@'), undefined);
  t.equal(decodeBase64('aGVsbG8=x'), undefined);
  t.equal(decodeBase64('a'), undefined);
});

t.test('base64Bytes: the native fast path and the scan accept exactly strict base64', async (t) => {
  // The rule, written out independently: alphabet characters (both alphabets) and line breaks, then at
  // most two `=` among line breaks only, and not one character past a multiple of four.
  const strict = (s: string): boolean => {
    const m = /^([A-Za-z0-9+/_\-\r\n]*)((?:=[=\r\n]*)?)$/.exec(s);
    if (m === null) return false;
    const pads = m[2]!.replace(/[\r\n]/g, '').length;
    const n = m[1]!.replace(/[\r\n]/g, '').length;
    return pads <= 2 && (n + pads) % 4 !== 1;
  };
  const table = ['', 'YQ==', 'YWI=', 'YWJj', 'YQ', 'YR==', 'YQ=', 'YQ===', 'Y', 'YQ==\n', 'YQ\n==', 'YQ=\n=', 'YQ==a', 'ab-_', 'ab+/', 'ab\r\ncd', 'a b=', 'é===', 'YQ==\u0000'];
  let seed = 99;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  for (let k = 0; k < 4000; k++) {
    const b = Buffer.alloc(Math.floor(rnd() * 30));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
    let s = b.toString(k % 2 === 0 ? 'base64' : 'base64url');
    if (k % 3 === 0 && s.length > 0) {
      const at = Math.floor(rnd() * s.length);
      s = s.slice(0, at) + '=\n -_é'[Math.floor(rnd() * 6)]! + s.slice(at + 1);
    }
    table.push(s);
  }
  let wrong = 0;
  for (const s of table) {
    const bytes = base64Bytes(s);
    if ((bytes !== undefined) !== strict(s)) wrong++;
    else if (bytes !== undefined && !bytes.equals(Buffer.from(s, 'base64'))) wrong++;
  }
  t.equal(wrong, 0, `${table.length} strings, accepted exactly when strict, with Node's bytes`);
});

t.test('eachFormPair reads pairs as splitting on & and then on the first = would', async (t) => {
  // The reference reading: what eachFormPair did with String#split before it searched in place.
  const reference = (s: string): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    if (s.length === 0) return out;
    for (const part of s.split('&')) {
      if (part.length === 0) continue;
      const eq = part.indexOf('=');
      out.push([percentDecode(eq === -1 ? part : part.slice(0, eq), true), eq === -1 ? '' : percentDecode(part.slice(eq + 1), true)]);
    }
    return out;
  };
  const pairs = (s: string): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    eachFormPair(s, (k, v) => out.push([k, v]));
    return out;
  };
  const cases = ['', '&', '&&', '=', '==', 'a', 'a=', '=b', 'a=b=c', 'a&b&c=1', 'a&&b=2&', '&a=1&b', 'x=1&y&z=%3D&w=+', 'a=%26&b=%3D%3D', 'q=summer%20sale&page=2'];
  for (const s of cases) t.same(pairs(s), reference(s), JSON.stringify(s));
  // Names and values are decoded only when a `%` or `+` lies inside them (the next one of each is
  // remembered across parts): escapes only in a key, only in a value, only in a later part, `+` and
  // `%` in different parts, an escape right at a boundary.
  const skips = ['k%41=v&k2=v2', 'k%41=v%42', 'k+=v+', 'a=1&b=x%41', 'a=1&b=2&c=3%2B', 'a+b=c&d=e', 'a=b&c=d+e', 'a=b+&c%20=d', 'a%=b&c=d+',
    'a=%41&b=c&d+=e', '%41&b&c=d', 'a=b&c&%41', 'x=1&y=2&z=3&w=%2', 'a=+&b=%&c=d', 'page=2&sort=price&q=summer+sale'];
  for (const s of skips) t.same(pairs(s), reference(s), JSON.stringify(s));
  t.same(pairs('a=1&b=x%41&c+d=y'), [['a', '1'], ['b', 'xA'], ['c d', 'y']]);
  // Random texts over the characters that matter, with the next `=` far behind or ahead.
  let seed = 11;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const alphabet = ['a', 'b', '=', '&', '%', '2', '0', '+', '\u00e9'];
  let mismatches = 0;
  for (let i = 0; i < 5000; i++) {
    let s = '';
    for (let n = rnd(14); n > 0; n--) s += alphabet[rnd(alphabet.length)];
    if (JSON.stringify(pairs(s)) !== JSON.stringify(reference(s))) mismatches++;
  }
  t.equal(mismatches, 0, '5000 random texts');
  // Many parts without `=` then one with it: each part is read once (no search past its end per part).
  const long = 'a&'.repeat(20000) + 'k=v';
  const got = pairs(long);
  t.equal(got.length, 20001);
  t.same(got[got.length - 1], ['k', 'v']);
});

t.test('pathSegments: the non-empty parts between slashes, each decoded once', async (t) => {
  const reference = (p: string): string[] => p.split('/').filter((x) => x.length > 0).map((x) => percentDecode(x));
  for (const p of ['', '/', '//', '/orders', 'orders', '/a/b/', '/a//b', 'a%2Fb/c', '/%2e%2e/%252e/x', '///x///', '/files/%E2%80%AE.txt']) {
    t.same(pathSegments(p), reference(p), JSON.stringify(p));
  }
  t.same(pathSegments('/a%2Fb/c'), ['a/b', 'c'], '%2F stays inside its segment');
});

t.test('parseForm and cookies keep keys verbatim and never touch prototypes', async (t) => {
  const f = parseForm('user%5B%24ne%5D=1&a=1&a=2&b=x+y&__proto__=z&flag');
  t.equal(f['user[$ne]'], '1');
  t.same(f.a, ['1', '2']);
  t.equal(f.b, 'x y');
  t.equal(f.flag, '');
  // Nothing inherited (the prototype is an empty, frozen object without one): `constructor`,
  // `toString`, `__proto__` are ordinary keys.
  t.equal(Object.getPrototypeOf(Object.getPrototypeOf(f)), null);
  t.notOk('constructor' in f);
  t.notOk('toString' in f);
  t.equal(f['__proto__' as 'a'], 'z');
  t.same(Object.keys(f), ['user[$ne]', 'a', 'b', '__proto__', 'flag']);
  const c = parseCookieHeader('a=1; b="two"; __proto__=x; c=%3Cx%3E; junk');
  t.equal(c.a, '1');
  t.equal(c.b, 'two');
  t.equal(c.c, '<x>');
  t.equal(c['__proto__' as 'a'], 'x');
  t.notOk('constructor' in c);
  t.equal(({} as Record<string, unknown>).x, undefined);
  // A repeated name: `cookie.parse` keeps the first value, other readers the last; both are kept.
  const r = parseCookieHeader("sid=%27%20OR%201%3D1--; sid=x; sid=%27%20OR%201%3D1--; a#2=taken; a=1; a=2");
  t.equal(r.sid, "' OR 1=1--", 'the first value stays under the name');
  t.equal(r['sid#2'], 'x', 'a later different value under name#n');
  t.notOk('sid#3' in r, 'a repeat of the first value adds nothing');
  t.equal(r['a#2'], 'taken', 'a real cookie named a#2 is not overwritten');
  t.equal(r['a#3'], '2');
  const v2 = parseCookieHeader('sid=x');
  parseCookieHeader('sid=y', v2);
  parseCookieHeader('sid=z', v2);
  t.same({ ...v2 }, { sid: 'x', 'sid#2': 'y', 'sid#3': 'z' }, 'across calls on one record (API Gateway v2 cookies)');
  const many = parseCookieHeader('a=1; '.repeat(5000) + Array.from({ length: 2000 }, (_, i) => `a=${i}`).join('; '));
  t.equal(Object.keys(many).length, 2000, 'thousands of repeats: linear, every value kept');
});

t.test('decodePayload by content type', async (t) => {
  t.same(decodePayload('{"a":1}', 'body', 'application/json; charset=utf-8', false), { value: { a: 1 } });
  t.same(decodePayload('{"a":', 'body', 'application/json', false), { value: '{"a":', problem: 'invalid-json', alts: [{ segment: '#strings', value: ['a'] }] }, 'broken JSON: its literals are read too');
  t.same(decodePayload('a=1&b=2', 'body', 'application/x-www-form-urlencoded', false).value, { a: '1', b: '2' });
  t.same(decodePayload('{"a":1}', 'body', 'text/plain', false), { value: { a: 1 } }, 'JSON without a JSON content type');
  t.same(decodePayload('hello', 'body', undefined, false), { value: 'hello' });
  t.same(decodePayload(Buffer.from('{"x":"y"}').toString('base64'), 'auto', undefined, true), { value: { x: 'y' } });
  t.same(decodePayload('!!', 'auto', undefined, true), { value: '!!', problem: 'invalid-base64' });
  t.same(decodePayload(Buffer.from('hi'), 'body', 'text/plain', false), { value: 'hi' });
  t.same(decodePayload({ already: 'parsed' }, 'body', 'application/json', false), { value: { already: 'parsed' } });
  const mp = [
    '--XyZ',
    'Content-Disposition: form-data; name="title"',
    '',
    '<script>alert(1)</script>',
    '--XyZ',
    'Content-Disposition: form-data; name="file"; filename="../../etc/passwd"',
    'Content-Type: application/octet-stream',
    '',
    '\u0000\u0001binary',
    '--XyZ--',
    '',
  ].join('\r\n');
  const parsed = decodePayload(mp, 'body', 'multipart/form-data; boundary=XyZ', false).value as Record<string, unknown>;
  t.equal(parsed.title, '<script>alert(1)</script>');
  t.same(parsed['(files)'], [{ filename: '../../etc/passwd' }]);
  t.equal(decodePayload('junk', 'body', 'multipart/form-data; boundary=Q', false).problem, 'invalid-multipart');
});

t.test('looksLikeJson', async (t) => {
  t.ok(looksLikeJson(' {"a":1} '));
  t.ok(looksLikeJson('[1]'));
  t.notOk(looksLikeJson('{'));
  t.notOk(looksLikeJson('{a]'));
  t.notOk(looksLikeJson('hello'));
});

t.test('charMask', async (t) => {
  t.equal(charMask('abc123'), 0);
  t.ok(charMask("a'b") & C.SQUOTE);
  t.ok(charMask('é') & C.NONASCII);
  t.ok(charMask('\u0000') & C.CTRL);
  t.ok(charMask('a\tb') & C.SPACE);
});

t.test('paths and globs', async (t) => {
  t.equal(formatPath('body', ['items', 2, 'name']), 'body.items[2].name');
  t.equal(formatPath('headers', ['user-agent']), 'headers.user-agent');
  t.equal(formatPath('query', ['user[$ne]']), 'query["user[$ne]"]');
  t.same(splitPath('body.items[2].name'), ['body', 'items', '[2]', 'name']);
  t.same(splitPath('query["a.b"]'), ['query', 'a.b']);
  const g = compilePathGlob('body.items[*].note');
  t.ok(g('body.items[3].note'));
  t.notOk(g('body.items.note'));
  t.notOk(g('body.items[3].name'));
  const any = compilePathGlob('records[*].body.**');
  t.ok(any('records[0].body.a.b[2]'));
  t.ok(any('records[12].body'));
  t.notOk(any('records[0].messageAttributes.x'));
  t.ok(compilePathGlob('headers.*')('headers.User-Agent'));
  t.ok(compilePathGlob('Headers.user-agent')('headers.user-agent'), 'case-insensitive segments');
  const long = 'body' + '.a'.repeat(300);
  t.ok(compilePathGlob('body.**.a')(long), 'memoized: no blow-up on long paths');
});

t.test('percentDecode: an escaped ASCII byte decodes alone, inside or outside a multi-byte sequence', async (t) => {
  // Expected values are the decoder's before the ASCII shortcut (byte list, then UTF-8).
  const cases: Array<[string, string, string]> = [
    ['%41%C3%A9', 'Aé', 'Aé'],
    ['%C3%41', '\ufffdA', '\ufffdA'],
    ['%E2%82', '\ufffd\ufffd', '\ufffd\ufffd'],
    ['%E2%82%AC%41', '€A', '€A'],
    ['%20%u0041%20', ' A ', ' A '],
    ['a+b%2B', 'a b+', 'a+b+'],
    ['%C0%AF..%2f', '/../', '/../'],
    ['%%41', '%A', '%A'],
    ['%4', '%4', '%4'],
    ['%41%', 'A%', 'A%'],
    ['summer%20sale', 'summer sale', 'summer sale'],
    ['%27%20OR%201%3D1--', "' OR 1=1--", "' OR 1=1--"],
    ['%C3%A9%27', "é'", "é'"],
    ['%E2%27%82%AC', "\ufffd'\ufffd\ufffd", "\ufffd'\ufffd\ufffd"],
  ];
  for (const [s, form, plain] of cases) {
    t.equal(percentDecode(s, true), form, `${s} (+ as space)`);
    t.equal(percentDecode(s), plain, s);
  }
});

t.test('percentDecode: long runs of escapes (collected in a byte run past the first 64)', async (t) => {
  const many = (e: string, n: number): string => e.repeat(n);
  t.equal(percentDecode(many('%41', 100) + 'x' + many('%42', 100)), 'A'.repeat(100) + 'x' + 'B'.repeat(100));
  t.equal(percentDecode(many('%25', 300_000)), '%'.repeat(300_000));
  t.equal(percentDecode(many('%25', 300_000) + '%'), '%'.repeat(300_001));
  t.equal(percentDecode(many('%25', 70) + '%2'), '%'.repeat(70) + '%2');
  t.equal(percentDecode(many('%61', 70) + '%e2%82%ac' + many('%62', 70)), 'a'.repeat(70) + '€' + 'b'.repeat(70));
  t.equal(percentDecode(many('%61', 70) + '%u0041' + many('%62', 3)), 'a'.repeat(70) + 'A' + 'bbb');
  t.equal(percentDecode(many('%61', 70) + '+' + many('%62', 70), true), 'a'.repeat(70) + ' ' + 'b'.repeat(70));
  t.equal(percentDecode(many('%61', 70) + '+', false), 'a'.repeat(70) + '+');
  t.equal(percentDecode(many('%3c', 65) + 'tail'), '<'.repeat(65) + 'tail');
  t.equal(percentDecode('x%u004'), 'x%u004');
  t.equal(deepDecode(many('%2525', 1000)), '%'.repeat(1000));
});

t.test('percentDecode: short text between ASCII escapes, read in the run loop', async (t) => {
  // Past the first 64 escapes, text of up to 32 Latin-1 characters followed by a `%` joins the run
  // without going back to the main loop; anything else ends the run loop and must still decode.
  for (let g = 0; g <= 40; g++) {
    const gap = 'y'.repeat(g);
    t.equal(percentDecode(('%41' + gap).repeat(80)), ('A' + gap).repeat(80), `gap ${g}`);
    t.equal(percentDecode(('%41%42' + gap + 'é').repeat(80) + '%4'), ('AB' + gap + 'é').repeat(80) + '%4', `gap ${g} + é`);
  }
  t.equal(percentDecode('%41%42x'.repeat(100)), 'ABx'.repeat(100));
  t.equal(percentDecode('%41\u0100y'.repeat(80)), 'A\u0100y'.repeat(80));
  t.equal(percentDecode('%41a+b'.repeat(80), true), 'Aa b'.repeat(80));
  t.equal(percentDecode('%41a+b'.repeat(80)), 'Aa+b'.repeat(80));
  t.equal(percentDecode('%41x%zz'.repeat(80)), 'Ax%zz'.repeat(80));
  t.equal(percentDecode('%41x%c3%a9'.repeat(80)), 'Axé'.repeat(80));
  t.equal(percentDecode('%41x%u0042'.repeat(80)), 'AxB'.repeat(80));
  t.equal(percentDecode('%41x'.repeat(80) + 'tail'), 'Ax'.repeat(80) + 'tail');
  t.equal(percentDecode('%41x'.repeat(80) + '%'), 'Ax'.repeat(80) + '%');
  t.equal(percentDecode('%41x'.repeat(80) + '%%41'), 'Ax'.repeat(80) + '%A');
});

t.test('percentDecode goes from one `%` (or `+`) to the next: same output', async (t) => {
  t.equal(percentDecode('a'.repeat(1000) + '%41' + 'b'.repeat(1000)), 'a'.repeat(1000) + 'A' + 'b'.repeat(1000));
  t.equal(percentDecode('%%%%41%%'), '%%%A%%');
  t.equal(percentDecode('%'.repeat(500) + '%41'), '%'.repeat(500) + 'A');
  t.equal(percentDecode('%'.repeat(500)), '%'.repeat(500));
  t.equal(percentDecode('%%u0041%'), '%A%');
  t.equal(percentDecode('%C3%%A9'), '\ufffd%\ufffd');
  t.equal(percentDecode('%C3x%A9 y'), '\ufffdx\ufffd y');
  t.equal(percentDecode('a+b%%2Bc+%', true), 'a b%+c %');
  t.equal(percentDecode('x+'.repeat(300) + '%41', true), 'x '.repeat(300) + 'A');
  t.equal(percentDecode('%41+%42', false), 'A+B');
  t.equal(percentDecode('+%+', true), ' % ');
});

t.test('htmlDecode: long runs of entities (collected in a byte run past the first 64), `&&` runs', async (t) => {
  t.equal(htmlDecode('&#38;'.repeat(300_000)), '&'.repeat(300_000));
  t.equal(htmlDecode('&#60;'.repeat(100) + 'x' + '&lt;'.repeat(100) + '&#x1F600;' + '&#233;'.repeat(70)), '<'.repeat(100) + 'x' + '<'.repeat(100) + '😀' + 'é'.repeat(70));
  t.equal(htmlDecode('&#x2e;'.repeat(70) + '&#x2215;' + '&#x2e;'.repeat(3) + '&nbsp;'), '.'.repeat(70) + '\u2215...\u00a0');
  t.equal(htmlDecode('&#38'.repeat(70) + '&#0;&#xD800;&#99999999;'), '&'.repeat(70) + '\ufffd\ufffd\ufffd');
  t.equal(htmlDecode('&&&&#38;&&lt;&'), '&&&&&<&');
  t.equal(htmlDecode('&'.repeat(1000)), '&'.repeat(1000));
  t.equal(htmlDecode('x&#;&#x;&bogus;&amp'), 'x&#;&#x;&bogus;&amp');
  t.equal(htmlDecode('a&amp;b'.repeat(100)), 'a&b'.repeat(100));
  // Names read as a number while their letters are checked (up to 6 letters), longer ones by string:
  // any case, unknown and over-long names kept, a name without `;` kept.
  t.equal(htmlDecode('&LT;&Amp;&NEWLINE;&newline;&lbrack;&lbrackx;&ltx;&l;&abcdefghi;&percnt;&PerCnt;'), '<&\n\n[&lbrackx;&ltx;&l;&abcdefghi;%%');
  t.equal(htmlDecode('&lt&lt;&#;&amp&amp;&ampx;&a&b;&zzzzzz;'), '&lt<&#;&amp&&ampx;&a&b;&zzzzzz;');
  // The next `&` is taken from the first character an attempt did not read: bare `&#` runs, and
  // an entity right after a failed one.
  t.equal(htmlDecode('&#&#&#38;&#x;&#X3C;&#&lt'), '&#&#&&#x;<&#&lt');
  t.equal(htmlDecode('&#'.repeat(50_000) + '&#60;'), '&#'.repeat(50_000) + '<');
  t.equal(htmlDecode('&lt;'.repeat(70_000) + '&#x1F600;&gt;'), '<'.repeat(70_000) + '😀>');
  // A value that ends inside an entity (the reads at its end are guarded).
  const ends: Array<[string, string]> = [['&lt;&#x2', '<\u0002'], ['&lt;&#', '<&#'], ['&lt;&quo', '<&quo'], ['&#60', '<'], ['&lt;&#x', '<&#x'], ['&lt;&', '<&']];
  for (const [input, expected] of ends) t.equal(htmlDecode(input), expected, input);
  t.equal(deepDecode('&#38;'.repeat(1000)), '&'.repeat(1000));
  t.equal(deepDecode('&#38;#38;'.repeat(100)), '&'.repeat(100));
});

t.test('percentDecode: text between escapes in a byte run, and escape runs read in a tight loop', async (t) => {
  // Well-formed escapes and Latin-1 text: what decodeURIComponent gives (an independent decoder).
  const gaps = ['', 'x', 'ab', 'é', '\u00ff', 'y'.repeat(31), 'z'.repeat(32), 'w'.repeat(33), 'q'.repeat(200)];
  for (const gap of gaps) {
    for (const esc of ['%41', '%25', '%7f', '%41%42']) {
      const s = `${esc}${gap}`.repeat(150) + 'end';
      t.equal(percentDecode(s), decodeURIComponent(s), `${esc} + ${JSON.stringify(gap.slice(0, 4))}×${gap.length}`);
    }
  }
  // Text that is not Latin-1 between escapes (the stretch is flushed around it), short and long.
  for (const gap of ['\u0100', 'a\u0100', 'x'.repeat(30) + '\u20ac', '\u20ac'.repeat(40), '😀']) {
    const s = `%41${gap}`.repeat(150);
    t.equal(percentDecode(s), `A${gap}`.repeat(150), JSON.stringify(gap.slice(0, 4)));
  }
  // A tight run of ASCII escapes stops at each thing it does not take; the loop reads it as before.
  const tail: Array<[string, string]> = [
    ['%80', '\ufffd'],
    ['%c3%a9', 'é'],
    ['%e2%82%ac', '€'],
    ['%u0041', 'A'],
    ['%8041', '\ufffd41'],
    ['%4', '%4'],
    ['%g1', '%g1'],
    ['%', '%'],
    ['+', '+'],
    ['x', 'x'],
  ];
  for (const [end, decoded] of tail) {
    t.equal(percentDecode('%61'.repeat(100) + end + '%62'.repeat(3)), 'a'.repeat(100) + decoded + 'bbb', end);
  }
  t.equal(percentDecode('%61'.repeat(100) + '+', true), 'a'.repeat(100) + ' ');
  // A 7-bit escape only: `%8x` and above are not taken by the run.
  t.equal(percentDecode('%41'.repeat(100) + '%c3%a9%41'), 'A'.repeat(100) + 'éA');
});

t.test('escapeDecode goes from one `\\u` or `\\x` to the next: same output', async (t) => {
  t.equal(escapeDecode('\\.\\./'.repeat(1000)), '\\.\\./'.repeat(1000));
  t.equal(escapeDecode('\\.\\./'.repeat(100) + '\\u0041\\x42\\u{43}'), '\\.\\./'.repeat(100) + 'ABC');
  t.equal(escapeDecode('\\\\u0041'), '\\A');
  t.equal(escapeDecode('\\U0041\\X41\\u{1F600}'), 'AA\u{1F600}');
  t.equal(escapeDecode('a\\u00'), 'a\\u00');
  t.equal(escapeDecode('a\\x4'), 'a\\x4');
  t.equal(escapeDecode('a\\'), 'a\\');
  t.equal(escapeDecode('\\u'), '\\u');
  t.equal(escapeDecode('x\\u{110000}\\u{41}'), 'x\\u{110000}A');
  t.equal(escapeDecode('\\n\\t\\u0041'.repeat(3)), '\\n\\tA'.repeat(3));
});

t.test('htmlDecode: the next & is found near (a few loads) or far (a native search) alike', async (t) => {
  // nextAmp reads 8 characters before searching: references just inside, at and past that window.
  for (const gap of [0, 1, 6, 7, 8, 9, 30]) {
    const pad = 'x'.repeat(gap);
    t.equal(htmlDecode(`a&b${pad}&#60;c${pad}&lt;${pad}&`), `a&b${pad}<c${pad}<${pad}&`, `gap ${gap}`);
    t.equal(htmlDecode(`${'a: b&'.repeat(50)}${pad}&colon;&#x3a;`), `${'a: b&'.repeat(50)}${pad}::`);
  }
  t.equal(htmlDecode('R&D&Q&A &amp; more&'), 'R&D&Q&A & more&');
});

t.test('decoders: seeded table of dense markers, escapes and references, outputs pinned (fast skips change nothing)', async (t) => {
  // Pinned from the build before escapeLetterAfter, nextLivePercent and the live-`&` nextAmp (2ca00a4):
  // they skip backslashes, `%` and `&` that start nothing, so every output must stay as it was.
  // The alphabet is what each decoder treats specially: `\u`, `\u{`, `\x` in both cases, `%XX`,
  // `%uXXXX`, overlong and multi-byte UTF-8, `+`, numeric and named references (with and without `;`,
  // long names), `&&` and `%%` runs, and the dense units of bench/adversarial.ts.
  const pieces = ['\\', '\\u', '\\U', '\\x', '\\X', 'u', 'x', 'U', 'X', '%', '%u', '%U', '%2', '%25', '%41', '%c3', '%a9', '%e2%82%ac', '%8', '%g', '&', '&#', '&#x', '&#X', '&amp;', '&lt', '&lt;', '&colon;', '&newline;', '&Amp;', '&#60;', '&#x3c', '&&', '#', ';', '0', '4', '1', 'a', 'F', 'f', '{', '}', '\\u{', '41}', "'", '(', '+', ' ', 'é', '\u0100', 'a: b&', 'x:/&0', "&{'", "%'\\;", "`\\'(", '\\x(', "-('\\0", '\\.\\./', '%%', '%%41', '&#38;', 'z', '1F600', '0041', '3c', '\n'];
  const r = prng(18);
  const outs: string[] = [];
  let decoded = 0;
  for (let i = 0; i < 20000; i++) {
    let s = r() < 0.3 ? pieces[Math.floor(r() * pieces.length)]!.repeat(1 + Math.floor(r() * 20)) : '';
    const len = 1 + Math.floor(r() * (r() < 0.1 ? 60 : 12));
    for (let k = 0; k < len; k++) s += pieces[Math.floor(r() * pieces.length)]!;
    if (r() < 0.05) s = s.repeat(10);
    const d = deepDecode(s);
    if (d !== undefined) decoded++;
    outs.push(escapeDecode(s), percentDecode(s), percentDecode(s, true), htmlDecode(s), d ?? '-');
  }
  t.ok(decoded > 5000, `${decoded} strings decode`);
  t.equal(verdictDigest(outs), '23879acb', 'digest of every output');
});
