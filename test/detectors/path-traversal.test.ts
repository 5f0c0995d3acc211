import t, { type Test } from 'tap';
import { detectPathTraversal } from '../../src/detectors/path-traversal';
import { charMask } from '../../src/charclass';
import { prng } from '../helpers/prng';
import { pinnedVerdicts, reasonKey, verdictTable } from '../helpers/verdict-table';

const PIN_RULES = ['path.traversal', 'path.system-file', 'path.windows-device', 'path.unc', 'path.file-url', 'path.null-byte', 'path.stream-wrapper'];
const PIN_CODES = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The pinned-letter tables below: one letter per case (`-` for no finding, else rule and confidence
 * from PIN_RULES × low/medium/high), compared with a string pinned from an earlier build; each case
 * that differs is reported with its input.
 */
function checkPinnedCodes(t: Test, cases: readonly string[], pinned: string): void {
  let got = '';
  for (const s of cases) {
    const d = detectPathTraversal(s);
    got += d === undefined ? '-' : PIN_CODES[PIN_RULES.indexOf(d.rule) * 3 + ['low', 'medium', 'high'].indexOf(d.confidence)];
  }
  for (let i = 0; i < pinned.length; i++) if (got[i] !== pinned[i]) t.fail(`${JSON.stringify(cases[i])}: ${got[i]} where ${pinned[i]} was pinned`);
  t.equal(got, pinned);
}

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with a `path.` rule. */
const positives: string[] = [
  // Climbing out, plain and disguised.
  '../../app/config/settings.yml',
  '..\\..\\..\\boot.ini',
  '../../../../../../home/ubuntu/notes.txt',
  'uploads/../../../srv/data/db.sqlite',
  '....//....//....//srv/app/main.js',
  '..;/..;/admin/console',
  '.%2e/.%2e/.%2e/opt/app/index.js',
  '%2e%2e%2f%2e%2e%2fapp.js',
  '..%252f..%252f..%252fapp.js',
  '..%c0%af..%c0%af..%c0%afapp.js',
  '..\u00c0\u00af..\u00c0\u00af..\u00c0\u00afapp.js',
  '..\ufffd..\ufffd..\ufffdapp.js',
  '..%u2215..%u2215app.js',
  '\uff0e\uff0e\u2215\uff0e\uff0e\u2215app.js',
  '0x2e0x2e/0x2e0x2e/app.js',
  '../\\../\\app.js',
  '..//..///..////app.js',
  '/../../../../var/data/x',
  '/..',
  '../.env',
  '..\\web.config',
  '../../',
  'https://example.com/static/../../../../etc/hosts',
  '..%00/..%00/x',
  '..2f..2f..2fapp.js',
  // Absolute paths into system locations.
  '/etc/passwd',
  '/etc/shadow',
  '/etc/nginx/nginx.conf',
  '/proc/self/environ',
  '/proc/1/cmdline',
  '/var/task/index.mjs',
  '/var/runtime/bootstrap',
  '/var/log/auth.log',
  '/usr/local/etc/php.ini',
  '/root/.ssh/id_ed25519',
  '/home/deploy/.aws/credentials',
  '/.git/config',
  '/.env',
  'C:\\Windows\\win.ini',
  'c:/windows/system32/drivers/etc/hosts',
  'C:\\inetpub\\wwwroot\\web.config',
  'C:/Program Files/App/settings.ini',
  'D:\\xampp\\apache\\conf\\httpd.conf',
  '\\\\?\\C:\\Windows\\System32\\config\\SAM',
  '\\\\.\\PhysicalDrive0',
  'boot.ini',
  'cat /etc/passwd',
  'see /proc/self/maps',
  'member/.htpasswd',
  '/....//etc/passwd',
  // Wrappers, file URLs, NUL truncation.
  'file:///etc/hostname',
  'file://C:/Windows/win.ini',
  'FILE:/etc/motd',
  'php://filter/convert.base64-encode/resource=index.php',
  'php://input',
  'zip://uploads/avatar.jpg#shell.php',
  'phar://uploads/x.phar/a.php',
  'expect://id',
  'data://text/plain;base64,PD9waHAgcGhwaW5mbygpOz8+',
  'jar:file:/opt/app/lib.jar!/x.class',
  'shell.php\u0000.jpg',
  '/var/www/uploads/x\u0000',
  // Backslash-escaped dots and slashes (`\.\.\/` is `../` to a shell, a regex or a JSON string).
  '\\.\\.\\/\\.\\.\\/\\.\\.\\/app/main.js',
  'files/\\.\\.\\/\\.\\.\\/\\.\\.\\/srv/db.sqlite',
  '/data/.\\/\\.\\.\\/\\.\\.\\/\\.\\.\\/x',
  // Drive-relative Windows paths (no separator after the drive), and `c:\…` that lost its backslashes.
  'D:web.config',
  'e:system.ini',
  'z:.htpasswd',
  'C:windowssystem32drivers',
  'c:inetpubwwwrootdefault.htm',
  'c:winnt\\repair',
  // A `..;` segment (Tomcat/Spring drop the parameter and climb) even when the climb stays inside:
  // the proxy in front matched `/app/…`.
  '/app/..;/manager/html',
  '/api/v1/..;/admin/users',
  'public/..;jsessionid=x/actuator/env',
  // Docker and Compose secrets, systemd credentials.
  '/run/secrets/db_password',
  '/run/credentials/app.service/token',
];

/** Each must not be `high`. */
const notHigh: string[] = [
  '../README.md',
  'see ../docs/setup.md for details',
  '[Hooks](../Reference/Hooks.md)',
  '<a href="../">up</a>',
  'a/b/../../c',
  'https://example.com/a/b/../c',
  '..\\build\\out.exe',
  '/lib/jquery/jquery.min.js',
  '/tmp/upload_1234',
  'C:\\Users\\me\\Desktop\\photo.jpg',
  'C:\\fakepath\\photo.jpg',
  'I edited /etc/hosts yesterday',
  'The path /usr/share/doc has docs',
  '\\\\fileserver\\share\\doc.txt',
  'my .env file is missing',
  'etc/motd',
  'null\u0000terminated',
  // One escaped level is the same as one plain level.
  '\\.\\.\\/README.md',
  // Dots and semicolons that are not a `..;` segment.
  'Wait..; ok/fine',
  'a..;/b',
  '/a/b/...;/c',
  '/run/123',
  '/run/tests',
  '/data/secrets',
];

/** Each must return undefined. */
const clean: string[] = [
  'docs/readme.md',
  'a/b/c.txt',
  'images/2024/summer-sale.png',
  'v1.2..3',
  '...',
  'wait...',
  'Hmm.../what',
  'https://example.com/path?x=1',
  'https://www.wikipedia.org/wiki/Main_Page',
  'http://www.example.qc.ca/',
  './src/index.ts',
  '/api/users/42',
  '/search/items?q=shoes&page=2',
  '/home',
  '/etc',
  '/var',
  '/.well-known/openid-configuration',
  '/node_modules/@scope/pkg/dist/x.css',
  '~/projects/app',
  '10/12/2023',
  'and/or',
  'Price: $5.00/kg',
  '1.2.3.4',
  'version 1.2.3',
  'photo.php.jpg',
  'file.tar.gz',
  'data:image/png;base64,iVBOR',
  'mailto:x@example.com',
  "O'Brien",
  'Tom & Jerry',
  'salt; pepper',
  '50% off everything!',
  '東京都渋谷区',
  // A letter and a colon before a name that is neither secret nor a system root.
  'a:1',
  'q:hello',
  'x:y.txt',
  'c:windows',
  'Note:config.ini',
  // Escaped dots that climb nothing in either reading.
  'a\\.\\.b',
  '^\\d+\\.\\d+$',
  '',
];

t.test('positives are high path findings', async (t) => {
  for (const v of positives) {
    const d = detectPathTraversal(v);
    t.equal(d?.confidence, 'high', JSON.stringify(v));
    t.match(d?.rule ?? '', /^path\.[a-z-]+$/, JSON.stringify(v));
  }
});

t.test('benign look-alikes are not high', async (t) => {
  for (const v of notHigh) t.not(detectPathTraversal(v)?.confidence, 'high', JSON.stringify(v));
});

t.test('plain benign values are not reported at all', async (t) => {
  for (const v of clean) t.equal(detectPathTraversal(v), undefined, JSON.stringify(v));
});

t.test('rules name the structure', async (t) => {
  const rule = (v: string): string | undefined => detectPathTraversal(v)?.rule;
  t.equal(rule('../../x'), 'path.traversal');
  t.equal(rule('/etc/passwd'), 'path.system-file');
  t.equal(rule('/proc/self/environ'), 'path.system-file');
  t.equal(rule('file:///etc/passwd'), 'path.file-url');
  t.equal(rule('php://filter/resource=x'), 'path.stream-wrapper');
  t.equal(rule('a.php\u0000.png'), 'path.null-byte');
  t.equal(rule('\\\\?\\C:\\x'), 'path.windows-device');
  t.equal(rule('\\\\server\\share\\x'), 'path.unc');
  t.equal(rule('\\.\\.\\/\\.\\.\\/x'), 'path.traversal');
  t.equal(rule('f:boot.ini'), 'path.system-file');
});

t.test('confidence follows how far and how disguised the climb is', async (t) => {
  const conf = (v: string): string | undefined => detectPathTraversal(v)?.confidence;
  t.equal(conf('../x.txt'), 'medium', 'one plain level');
  t.equal(conf('../../x.txt'), 'high', 'two levels');
  t.equal(conf('..%2fx.txt'), 'high', 'one disguised level');
  t.equal(conf('../.ssh/id_rsa'), 'high', 'one level to a secret');
  t.equal(conf('a/../b'), 'low', 'climbs but stays inside');
  t.equal(conf('[x](../y.md)'), 'low', 'markdown link');
});

t.test('reasons are one short sentence without echoing the input', async (t) => {
  const long = '../'.repeat(50) + 'x'.repeat(500);
  const d = detectPathTraversal(long);
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200, 'short reason');
  t.notMatch(d?.reason ?? '', /x{40}/);
  for (const v of positives) t.ok((detectPathTraversal(v)?.reason.length ?? 0) < 200, JSON.stringify(v));
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', '.', '/', '\\', '%', '%2', '%25', '%c0', '%c0%', '%u', '%u22', '0x', '0x2', '\u00c0', '\ud800', '\udfff/..', '\u0000', '..', '../', ':', 'file:', 'php:'];
  for (const v of odd) t.doesNotThrow(() => detectPathTraversal(v), JSON.stringify(v));
  t.equal(detectPathTraversal(42 as unknown as string), undefined);
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    dotdot: '../'.repeat(MB / 3),
    dotdotBack: '..\\'.repeat(MB / 3),
    dots: '.'.repeat(MB),
    slashes: '/'.repeat(MB),
    backslashes: '\\'.repeat(MB),
    percents: '%25'.repeat(MB / 3),
    overlong: '%c0'.repeat(MB / 3),
    hexDots: '0x2e'.repeat(MB / 4),
    segments: 'a/'.repeat(MB / 2),
    etc: '/etc'.repeat(MB / 4),
    colons: ':'.repeat(MB),
    wrappers: 'php:'.repeat(MB / 4),
    comments: '*/'.repeat(MB),
    nul: '\u0000'.repeat(MB),
    nulNames: 'a.b\u0000'.repeat(MB / 4),
    fullWidth: '\uff0e'.repeat(MB),
    surrogates: '\ud800'.repeat(MB),
    blanks: ' '.repeat(MB),
    prose: 'see docs/readme.md and v1.2 for details. '.repeat(MB / 41),
    escapedDots: '.\\.'.repeat(MB / 3),
    escapedClimbs: '\\.\\.\\/'.repeat(MB / 6),
    drive: 'c:' + 'w'.repeat(MB),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectPathTraversal(v), name);
  }
  const five = 'a/b/c.txt '.repeat((5 * MB) / 10);
  t.doesNotThrow(() => detectPathTraversal(five), '5 MB');
  t.equal(detectPathTraversal('x '.repeat(MB / 2) + '../../../etc/passwd')?.confidence, 'high', 'payload after 1 MB of padding');
  t.equal(detectPathTraversal('\\.\\.\\/'.repeat(MB / 6))?.confidence, 'high', '1 MB of escaped climbs');
});

t.test('a token read in place, then over its decoded copy from the first thing to decode', async (t) => {
  const d = (v: string): string => {
    const r = detectPathTraversal(v);
    return `${r?.rule ?? '-'}/${r?.confidence ?? '-'}`;
  };
  // A classic target that only appears once `%2f` is decoded, the word straddling the switch.
  t.equal(d('files/etc%2fpasswd'), 'path.system-file/high');
  t.equal(d('x'.repeat(300) + '/etc%2fpasswd'), 'path.system-file/high', 'long token');
  // Upper-case names compared in place.
  t.equal(d('files/ETC/PASSWD'), 'path.system-file/high');
  t.equal(d('/Var/Log/app.log'), 'path.system-file/high');
  t.equal(detectPathTraversal('/Etc/' + 'x'.repeat(300))?.reason, 'An absolute path into etc (a system location).', 'names are reported lower-cased');
  // Segments walked before the decoded climb still count (they keep it inside: two down, two up).
  t.equal(d('A/'.repeat(200) + '..%2f..%2f..%2fx'), 'path.traversal/medium');
  t.equal(d('src/' + 'Module/'.repeat(60) + 'index.ts'), '-/-');
  // The escaped reading of a long token.
  t.equal(d('\\.\\./'.repeat(100) + 'x'), 'path.traversal/high');
  // The leading token ends at a quote even when it is long.
  t.equal(d('../'.repeat(100) + 'x" title="y'), 'path.traversal/high');
});

t.test('a 1 MB adversarial input gets the verdict of its 64 KB prefix', async (t) => {
  // The shapes repeat, so a detector without a size cut-off sees the same structure in both: a
  // guard against a cap, a truncation or a fast path that would answer differently on the big one.
  const KB = 1024;
  const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const units = ['../', '..\\', '\\.\\./', '.\\.', '....//', '..%2f', '..;/', '\uff0e\uff0e\u2215', '0x2e0x2e/', 'a/../', '/etc', '/*', '%25', 'a/', '/', '\\', ' \t ', '<a '];
  for (const unit of units) {
    t.same(detectPathTraversal(fill(unit, 1024 * KB)), detectPathTraversal(fill(unit, 64 * KB)), JSON.stringify(unit));
  }
});

// The token analysis builds its tables (crown words by pair, names, extensions) at its first token,
// not at module load (buildTokenTables). Whatever the first value a process inspects, its verdict is
// the one a warmed process gives: each value below is the FIRST call in a fresh process (dist/src;
// `npm test` builds first), compared with this process's verdict from src/.
t.test('the first value a process inspects gets the verdict of a warmed process (lazy token tables)', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const path = await import('node:path');
  const mod = path.resolve(__dirname, '..', '..', 'dist', 'src', 'detectors', 'path-traversal.js');
  const first = [
    '....//....//etc/passwd', // crown word found by pair (PAIRS, CROWN_BY_PAIR)
    '/var/www/....etc/passwd', // dots glued to a root (GLUED_BY_PAIR)
    '../.ssh/id_rsa', // a sensitive name (NAME_TABLE, NAME_SIG)
    'x/../../etc/shadow', // a crown pair after etc
    '../../../config/app.ini', // a sensitive extension (EXTENSION_TABLE)
    '../../home/u/.bash_history',
    'docs/guide/../intro.md', // benign, reaches the token analysis
    'summer sale', // never reaches it
  ];
  // Also the second call of a process whose first call never reached the token analysis.
  const cases = [...first.map((v) => [v]), ['summer sale', '../.ssh/id_rsa']];
  for (const values of cases) {
    const script = `const { detectPathTraversal } = require(${JSON.stringify(mod)}); const v = JSON.parse(process.argv[1]); console.log(JSON.stringify(v.map((x) => detectPathTraversal(x) ?? null)));`;
    const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(values)], { encoding: 'utf8', timeout: 30_000 });
    const got = JSON.parse(r.stdout.trim() || 'null') as unknown[] | null;
    t.same(got, values.map((v) => detectPathTraversal(v) ?? null), JSON.stringify(values), { stderr: r.stderr });
  }
});

t.test('a token whose escapes decode to no separator or dot is passed before normalize (mayNormalizeToPath)', async (t) => {
  const d = (v: string): string => {
    const r = detectPathTraversal(v);
    return `${r?.rule ?? '-'}/${r?.confidence ?? '-'}`;
  };
  // Nothing a separator or dot: undefined, short and long.
  t.equal(d('%25'.repeat(3)), '-/-');
  t.equal(d('%'.repeat(500)), '-/-');
  t.equal(d('%41%42%43' + '%25'.repeat(200)), '-/-');
  t.equal(d('%u0041%g1%2'), '-/-');
  // Each escape normalize rewrites to a separator or dot still reaches it, after any number of
  // escapes that it does not rewrite (the same verdicts as before the pre-check).
  for (const pad of ['', '%25'.repeat(100), '%%%'.repeat(100), '%41'.repeat(100)]) {
    const p = pad.slice(0, 6);
    t.equal(d(`${pad}%2f%2e%2e%2f%2e%2e%2fx`), 'path.traversal/high', `%2f%2e%2e after ${p}`);
    t.equal(d(`${pad}%252f%252e%252e%252f%252e%252e%252fx`), 'path.traversal/high', `double-encoded after ${p}`);
    t.equal(d(`${pad}%u2215%u002e%u002e%u2215%u002e%u002e%u2215x`), 'path.traversal/high', `%u after ${p}`);
    t.equal(d(`${pad}%c0%af%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afx`), 'path.traversal/high', `overlong c0 after ${p}`);
    t.equal(d(`${pad}%e0%80%af%e0%80%ae%e0%80%ae%e0%80%afx`), pad === '' ? 'path.traversal/high' : 'path.traversal/medium', `overlong e0 after ${p}`);
    t.equal(d(`${pad}%5cetc%5cpasswd`), 'path.system-file/high', `%5c after ${p}`);
    if (pad !== '') t.equal(d(`${pad}0x2f0x2e0x2e0x2f0x2e0x2e0x2fx`), 'path.traversal/high', `0x after ${p}`);
  }
  // An escape cut off by the token's end is not one.
  t.equal(d('%25%2'), '-/-');
  t.equal(d('%25%u002'), '-/-');
});

t.test('runs of separators and single dots (read in a tight loop) keep every question', async (t) => {
  const d = (v: string): string => {
    const r = detectPathTraversal(v);
    return `${r?.rule ?? '-'}/${r?.confidence ?? '-'}/${r?.reason ?? '-'}`;
  };
  t.equal(d('./'.repeat(200)), '-/-/-');
  t.equal(d('/.' + '/'.repeat(300)), '-/-/-');
  t.equal(d('\\./'.repeat(200)), '-/-/-');
  // The escaped dots the run walks over are noted: the escaped reading climbs.
  t.equal(d('\\.\\./'.repeat(3)), 'path.traversal/high/A path that climbs 3 directories up.');
  t.equal(d('/' + '.\\./'.repeat(3)), 'path.traversal/high/A path that climbs 3 directories up.');
  // What ends a run is read as before: a name, a climb, a crown word, the leading token's end.
  t.equal(d('./'.repeat(100) + 'etc/passwd'), 'path.system-file/high/A path that names a classic system file (passwd, boot.ini, web.xml…).');
  t.equal(d('/./././etc/x'), 'path.system-file/high/An absolute path into etc (a system location).');
  t.equal(d('./'.repeat(100) + '../../x'), 'path.traversal/high/A path that climbs 2 directories up.');
  t.equal(d('/\\./\\./?x=../../a'), 'path.traversal/high/A path that climbs 2 directories up.');
  t.equal(d('\\.\\./' + '"../../'), 'path.traversal/high/A path that climbs 2 directories up.');
  t.equal(d('\\.\\./?../'), 'path.traversal/medium/A relative path that climbs one directory up.');
  t.equal(d('\\./\\./"x'), '-/-/-');
  t.equal(d('\\\\.\\.\\'), 'path.windows-device/high/A Windows device or extended-length path prefix.');
});

t.test('runs of climbs (counted in a tight loop) keep every question', async (t) => {
  const d = (v: string): string => {
    const r = detectPathTraversal(v);
    return r === undefined ? '-' : `${r.rule}/${r.confidence}/${r.reason}`;
  };
  const cases: Array<[string, string]> = [
    ["x/../", "path.traversal/low/A path with ../ that stays inside its start."],
    ["a/b/c/../../x", "path.traversal/low/A path with ../ that stays inside its start."],
    ["a/b/c/d/../../../x", "path.traversal/low/A path with ../ that stays inside its start."],
    ["a/b/c/..\\..\\d", "path.traversal/medium/A path with ../ that stays inside its start."],
    ["see x/../.. here", "path.traversal/medium/A relative path that climbs one directory up."],
    ["a/b/../../../.ssh/id_rsa", "path.system-file/high/A path that names a classic system file (passwd, boot.ini, web.xml…)."],
    ["a/b/c/../../.x", "path.traversal/low/A path with ../ that stays inside its start."],
    ["a/../../etc/passwd", "path.system-file/high/A path that names a classic system file (passwd, boot.ini, web.xml…)."],
    ["a/../..;/x", "path.traversal/high/A path with an obfuscated ../."],
    ["http://h/a/../../../x", "path.traversal/high/A path that climbs 2 directories up."],
    ["a/../...", "path.traversal/high/A path with an obfuscated ../."],
    ["/a/../../", "path.traversal/medium/A relative path that climbs one directory up."],
    ["x/../..\"/../../", "path.traversal/high/A path that climbs 2 directories up."],
    [".passwd\\.Win;etc/..\\.C:.\\;passwd/\\", "path.system-file/high/A path to a system or secret file."],
    ["\"x.ini../..\\.passwd \"\\.Winboot.inipasswd.", "path.system-file/high/A path to a system or secret file."],

  ];
  for (const [v, want] of cases) t.equal(d(v), want, v);
  t.equal(d('a/' + '../'.repeat(300) + 'x'), 'path.traversal/high/A path that climbs many directories up.');
  t.equal(d('a/' + '..\\'.repeat(300) + 'x'), 'path.traversal/high/A path that climbs many directories up.');
  t.equal(d('a/b/c/d/e/f/g/h/i/j/k/' + '../'.repeat(11)), 'path.traversal/low/A path with ../ that stays inside its start.');
  t.equal(d('a/b/c/d/e/f/g/h/i/j/k/' + '../'.repeat(12)), 'path.traversal/medium/A relative path that climbs one directory up.');
});

t.test('one-character segment runs and %XX runs are passed over without losing what follows', async (t) => {
  const d = (v: string): string => {
    const r = detectPathTraversal(v);
    return r === undefined ? 'none' : `${r.rule}/${r.confidence}`;
  };
  t.equal(d('/*'.repeat(300)), 'none');
  t.equal(d('/*/*/*/xxx'), 'none');
  t.equal(d('/*'.repeat(300) + '/etc/passwd'), 'path.system-file/high');
  t.equal(d('x ' + '/*'.repeat(300) + '/.ssh/id_rsa'), 'path.system-file/high');
  // Blank one-character segments name nothing: the hidden directory is still the first named one.
  t.equal(d('/ /.x.*/'), 'path.system-file/high');
  t.equal(d('/ / /.aws/x'), 'path.system-file/high');
  t.equal(d('%25'.repeat(400)), 'none');
  t.equal(d('%25'.repeat(400) + '%2e%2e%2f%2e%2e%2fetc%2fpasswd'), 'path.system-file/high');
  t.equal(d('%2' + '0x2e0x2e0x2f'.repeat(3) + 'etc0x2fpasswd'), 'path.system-file/high');
});

t.test('long escaped tokens (unescaped in their bytes when ASCII) and separator-dot runs (sepDotRun)', async (t) => {
  const d = (v: string): string => {
    const r = detectPathTraversal(v);
    return r === undefined ? '-' : `${r.rule}/${r.confidence}/${r.reason}`;
  };
  // Longer than LONG_TOKEN: ASCII (compacted in its Latin-1 bytes), Latin-1 and wider (code-unit
  // buffer), and a `\` before a letter, which stays (dropping it would climb out: 100 levels down,
  // not 200). Climb counts in the reason are exact.
  const cases: Array<[string, string]> = [
    ['a/'.repeat(100) + '\\.\\./'.repeat(103), "path.traversal/high/A path that climbs 3 directories up."],
    ['a/'.repeat(100) + '\\.\\./'.repeat(100) + 'x', "path.traversal/low/A path with ../ that stays inside its start."],
    ['\u00e9/'.repeat(100) + '\\.\\./'.repeat(103), "path.traversal/high/A path that climbs 3 directories up."],
    ['\u0100/'.repeat(100) + '\\.\\./'.repeat(103), "path.traversal/high/A path that climbs 3 directories up."],
    ['a\\b/'.repeat(100) + '\\.\\./'.repeat(103), "path.traversal/medium/A path with ../ that stays inside its start."],
    ['x\\\\./'.repeat(100), "-"],
    ['\\.\\\\.\\./'.repeat(100), "path.traversal/high/A path that climbs many directories up."],
    ['/.\\./x', "path.traversal/high/A path with a /../ above the root."],
    ['/.\\.' + '/'.repeat(300), "path.traversal/high/A path with a /../ above the root."],
    ['/./\\./.', "-"],
    ['/.\\..', "path.traversal/high/A path with an obfuscated ../."],
    ['/' + '.\\'.repeat(200) + '.', "path.traversal/high/A path with an obfuscated ../."],
    ['/' + './'.repeat(200) + '..', "path.traversal/medium/A relative path that climbs one directory up."],
    ['/' + '\\/'.repeat(200) + 'etc/passwd', "path.system-file/high/A path that names a classic system file (passwd, boot.ini, web.xml…)."],
    ['/./' + '.\\./'.repeat(3), "path.traversal/high/A path that climbs 3 directories up."],
  ];
  for (const [v, want] of cases) t.equal(d(v), want, JSON.stringify(v.slice(0, 24)));
});

t.test('a look-alike dot between non-ASCII letters is decided before lower-casing, as after it', async (t) => {
  // `İ` (U+0130) lower-cases to `i` and a combining dot: `.inİ` holds `.ini` once lower-cased, so
  // the test run on the text before lower-casing must count it too.
  t.equal(detectPathTraversal('boot.inİ')?.rule, 'path.system-file');
  t.equal(detectPathTraversal('．．/boot.inİ')?.confidence, 'high');
  t.equal(detectPathTraversal('ａ．ｂ '.repeat(20) + 'c:／boot.INI')?.rule, 'path.system-file');
  // Tokens of full-width letters around a full-width dot, however many, are no path.
  t.equal(detectPathTraversal('ａ．ｂ '.repeat(500)), undefined);
  t.equal(detectPathTraversal('Ｅ．Ｂ '.repeat(500)), undefined);
});

t.test('tokens that start above ASCII are passed without analysis only when normalize gives them no path', async (t) => {
  // The value's first token that may hit is analysed as found; the ones after it go through
  // detectFull's loop, where a run of tokens starting above ASCII is passed in one call (plainTokenEnd).
  // Each of these must still be analysed when it follows such a run, or a plain ASCII token.
  const hits: Array<[string, string]> = [
    ['é\\etc\\passwd', 'path.system-file'],
    ['é..2f..2f..2fetc..2fpasswd', 'path.traversal'],
    ['éboot.inİ', 'path.system-file'],
    ['éwin\u2024iNİ', 'path.system-file'],
    ['é0x2e0x2e0x2fetc0x2fpasswd', 'path.system-file'],
    ['é．．／etc／passwd', 'path.system-file'],
    ['éa%2e%2e%2fetc%2fpasswd', 'path.system-file'],
    ['é.．/x/../../..', 'path.traversal'],
    ['é\u00c0\u00ae\u00c0\u00ae\u00c0\u00afetc\u00c0\u00afpasswd', 'path.system-file'],
    ['é\u2215etc\u2215passwd', 'path.system-file'],
    ['é\ufffdetc\ufffdpasswd', 'path.system-file'],
    ['é\ue000etc\ue000passwd', 'path.system-file'],
  ];
  for (const [tok, rule] of hits) {
    for (const before of ['ａ．ｂ '.repeat(40), 'é.é é.é ', 'é.é word ', 'é.é\t"ｘ" ']) {
      t.equal(detectPathTraversal(before + tok + ' é.é')?.rule, rule, JSON.stringify(before.slice(0, 8) + tok));
    }
  }
  // What such a run may hold and still find nothing: look-alike dots between letters, digits, a `0`.
  t.equal(detectPathTraversal('é.é '.repeat(300) + 'ｉ．ｎｉ é.in é.ıni é0.0 é0 ａ．ｂ．ｃ'), undefined);
});

t.test('plainTokenEnd: an overlong lead is passed only when what follows spells no separator or dot', async (t) => {
  // Overlong spellings of `/`, `\\` and `.` (C0/C1 with one continuation unit, E0 with two) inside a
  // token that starts above ASCII, after a run of plain tokens: each must still be analysed.
  const hits: Array<[string, string]> = [
    ['é\u00c1\u009cetc\u00c1\u009cpasswd', 'path.system-file'], // C1 9C: `\\`
    ['é\u00c0\u00afetc\u00c0\u00afpasswd', 'path.system-file'], // C0 AF: `/`
    ['é\u00e0\u0080\u00afetc\u00e0\u0080\u00afpasswd', 'path.system-file'], // E0 80 AF: `/`
    ['àboot\u00c0\u00aeini', 'path.system-file'], // a lead first, then C0 AE: `.`
    ['ï\u00e0\u0080\u00ae\u00e0\u0080\u00ae/\u00e0\u0080\u00ae\u00e0\u0080\u00ae/x', 'path.traversal'],
    ['Àx．．／..／..／y', 'path.traversal'], // two look-alike dots
    ['éboot．ini', 'path.system-file'], // a look-alike dot before `ini`
  ];
  for (const [tok, rule] of hits) {
    for (const before of ['À.é Á.é à.é '.repeat(30), 'àé.ï ', 'é.é word ', 'Àb "ｘ" ']) {
      t.equal(detectPathTraversal(before + tok + ' é.é')?.rule, rule, JSON.stringify(before.slice(0, 8) + tok));
    }
  }
  // Leads before letters, digits, blanks, another lead or a continuation that spells something else
  // (C0 80 is NUL, C1 81 is `A`, E0 80 80 NUL): nothing, however many.
  // E0 takes two continuation units: E0 AF then a letter spells nothing.
  const plain = 'Àé.Á àb.É \u00c0\u0080x \u00c1\u0081.y \u00e0\u0080\u0080z \u00e0\u00c0\u00c1 é\u00e0\u0080 é\u00e0\u00afetc\u00e0\u00afpasswd ';
  t.equal(detectPathTraversal('é.é ' + plain.repeat(200)), undefined);
  t.equal(detectPathTraversal('ａ．ｂ ' + plain.repeat(200) + 'é\u00c0'), undefined);
});

t.test('tokens that start at ASCII and hold units above it are passed only when normalize gives them no path', async (t) => {
  // After the value's first token that may hit, detectFull's loop passes a token that starts at or
  // below ASCII and holds units above it (plainToken) only when normalize could make nothing but
  // look-alike dots of it. Each of these must still be analysed there, whatever comes first.
  const hits: Array<[string, string]> = [
    ['ab\\etc\\passwd', 'path.system-file'],
    ['x\u00c0\u00afetc\u00c0\u00afpasswd', 'path.system-file'], // an overlong `/`
    ['xé\u00e0\u0080\u00afetc\u00e0\u0080\u00afpasswd', 'path.system-file'],
    ['boot．ini', 'path.system-file'], // a look-alike dot before `ini`
    ['boot.inİ', 'path.system-file'], // İ ends `.ini`
    ['..．／etc／passwd', 'path.system-file'], // an ASCII dot, then a look-alike: two in a row
    ['.．／.．／.．／x', 'path.traversal'],
    ['.．／.．／x', 'path.traversal'],
    ['a．．／..／..／y', 'path.traversal'],
    ['x\u2215etc\u2215passwd', 'path.system-file'], // a separator look-alike
    ['x／etc／passwd', 'path.system-file'],
    ['/.sshé', 'path.system-file'], // the first unit is the only separator
    ['\\.gitｘ', 'path.system-file'],
    ['x／..／..／y', 'path.traversal'],
    ['x\ufffdetc\ufffdpasswd', 'path.system-file'],
    ['xé%2e%2e%2fetc%2fpasswd', 'path.system-file'],
    ['0x2e0x2eé0x2fetc0x2fpasswd', 'path.system-file'],
    ['etc/passwdé', 'path.system-file'],
    ['win.iniｘ', 'path.system-file'],
  ];
  for (const [tok, rule] of hits) {
    for (const before of ['ａ．ｂ ', 'ab．ｃｄ.ef '.repeat(30), 'x．y word ', 'é\t"ｘ" ']) {
      t.equal(detectPathTraversal(before + tok + ' ab．ｃ')?.rule, rule, JSON.stringify(before.slice(0, 8) + tok));
    }
  }
  // What such tokens may hold and still find nothing: look-alike dots between letters, one ASCII
  // dot, `0`, `i`, `in`, an overlong lead before a letter.
  const plain = 'ab．ｃｄ.ef x．ini 0．0 i．n.ı \u00c0x.é Ｅ．b wｉn．inx ';
  const v = 'ａ．ｂ ' + plain.repeat(200);
  t.equal(detectPathTraversal(v), undefined);
  t.equal(detectPathTraversal(v, charMask(v)), undefined);
});

t.test('a long rewritten token is read again with escapes undone when it holds a .\\. anywhere', async (t) => {
  // hasEscapedDot on a long token finds its first backslashes by search, then reads on from the
  // 16th: a `.\.` before, at or after that one, or none.
  for (let j = 1; j <= 40; j++) {
    const v = '%2f' + 'a\\'.repeat(j) + '\\.\\./x' + 'z'.repeat(300);
    t.equal(detectPathTraversal(v)?.rule, 'path.traversal', `${j} backslashes before`);
    t.equal(detectPathTraversal('%2f' + 'a\\'.repeat(j) + '\\.x\\./x' + 'z'.repeat(300)), undefined, `${j} backslashes, no escaped dot`);
  }
  t.equal(detectPathTraversal('%2f' + '\\'.repeat(5000) + '.\\./x')?.rule, 'path.traversal');
});

t.test("the caller's mask spares the NUL search only when it shows no control character", async (t) => {
  for (const v of ['ａ．ｂ shell.php\0.jpg', 'é.é '.repeat(50) + 'x.php\0.png', '/srv/app/up.php\0.gif', 'a\0b ａ．ｂ', 'é \0']) {
    const plain = detectPathTraversal(v);
    t.ok(plain, JSON.stringify(v));
    t.same(detectPathTraversal(v, charMask(v)), plain, `${JSON.stringify(v)} (mask)`);
  }
});

t.test('a one-letter scheme is a drive: doubled separators after it are still a drive path', async (t) => {
  // `C:\\Windows\\…` (a JSON-escaped path pasted as is) and `C://…` were read as URLs with the host
  // `Windows`, whose first segments do not count; Windows collapses the repeated separators.
  for (const v of [
    'C:\\\\Windows\\\\System32\\\\config\\\\SAM',
    'C:\\\\inetpub\\\\wwwroot\\\\web.config',
    'C://inetpub//wwwroot//web.config',
    'c://windows//system32//drivers//etc//hosts',
  ]) {
    t.equal(detectPathTraversal(v)?.confidence, 'high', JSON.stringify(v));
  }
  // What the single-separator spellings give, the doubled ones give.
  t.equal(detectPathTraversal('C:\\\\Users\\\\me\\\\Desktop\\\\cv.pdf')?.confidence, detectPathTraversal('C:\\Users\\me\\Desktop\\cv.pdf')?.confidence);
  t.not(detectPathTraversal('C:\\\\Users\\\\me\\\\Desktop\\\\cv.pdf')?.confidence, 'high');
  // Real schemes of two or more letters are still URLs.
  t.equal(detectPathTraversal('ab://windows/system32/x'), undefined);
  t.equal(detectPathTraversal('https://example.com/windows/system32/x'), undefined);
});

t.test('a markdown link two levels up in text is shown, not blocked; every nearby climb stays high', async (t) => {
  // READMEs, forum posts and LLM answers link to sibling docs: `[x](../../docs/x.md)`.
  const links = [
    'See [setup](../../docs/setup.md) for details.',
    '![logo](../../assets/logo.png)',
    'Moved to [the guide](../../guide/README.md#install); see also [faq](../faq.md).',
  ];
  for (const v of links) {
    const d = detectPathTraversal(v);
    t.not(d?.confidence, 'high', JSON.stringify(v));
    t.not(detectPathTraversal(v, charMask(v))?.confidence, 'high', 'with its mask');
    t.ok(d !== undefined, 'still reported');
  }
  const climbs = [
    '[a](../../../x.md)', // three levels
    '[a](../../.env)', // a secret after the climb
    '[a](../../etc/passwd)',
    '[a](../../WEB-INF/web.xml)',
    '[a](..%2f..%2fx)', // encoded
    '[a](..\\..\\x)', // backslashes
    '[a](../..\\x)', // mixed
    '[a](....//....//x)',
    '[a](../../x/../../y)',
    '[a](/../../x)',
    '](../../x)', // the value's first token
    'href="../../index.html"', // an attribute: also XML (`<include file="…"/>`)
    '<include file="../../x"/>',
    '{"f":"../../x"}',
    'See ../../docs/setup.md', // not a link
  ];
  for (const v of climbs) t.equal(detectPathTraversal(v)?.confidence, 'high', JSON.stringify(v));
});

t.test('colon runs: wrappers and paths after colons the scans pass over keep their verdicts', (t) => {
  // The wrapper scan searches the next colon three characters past each one (every wrapper name has
  // three or more); the token pass is skipped when the charMask shows no `/ \ % .`, nothing above
  // ASCII, no control character, and the value has no `0x`; colon runs are read in one step.
  const cases: Array<[string, string | undefined, string | undefined]> = [
    [':::php://filter/resource=index', 'path.stream-wrapper', 'high'],
    ['a:b:file:///etc/passwd', 'path.file-url', 'high'],
    ['::::&jar:file:/x.jar!/', 'path.file-url', 'high'],
    ['a:b:'.repeat(300) + 'php://filter/resource=x', 'path.stream-wrapper', 'high'],
    [':'.repeat(700) + 'zip://x#y', 'path.stream-wrapper', 'high'],
    ['x: y: c:boot.ini', 'path.system-file', 'high'],
    // No dot or separator: only `0x` spellings make the path (the mask alone would pass them).
    ['a: 0x2e0x2e0x2fetc0x2fpasswd', 'path.system-file', 'high'],
    ['a: 0X2E0X2E0X2Fetc0X2Fpasswd', 'path.system-file', 'high'],
    ['a:\0', 'path.null-byte', 'low'],
    ['a: shell\0', 'path.null-byte', 'low'],
    ['a:'.repeat(50) + ' ' + ':'.repeat(50) + ' ../../etc/passwd', 'path.system-file', 'high'],
    // Colons that open nothing.
    ['key:value', undefined, undefined],
    ['a: 0x2e0x2e', undefined, undefined],
    [':'.repeat(2000), undefined, undefined],
    ['a: b&'.repeat(400), undefined, undefined],
    ['::x'.repeat(500), undefined, undefined],
    ['a:b:'.repeat(500), undefined, undefined],
    ['file:'.repeat(300), undefined, undefined],
  ];
  for (const [v, rule, confidence] of cases) {
    for (const mask of [undefined, charMask(v)]) {
      const d = detectPathTraversal(v, mask);
      const what = `${JSON.stringify(v.length > 60 ? v.slice(0, 30) + '…' + v.slice(-30) : v)}${mask === undefined ? '' : ' (mask)'}`;
      t.equal(d?.rule, rule, what);
      t.equal(d?.confidence, confidence, what);
    }
  }
  t.end();
});

t.test('a directory or host named like a config file is no secret file; files so named stay high', async (t) => {
  // A CloudEvent source, a host as a path's first segment, a `.d` directory: the by-name reading
  // (`config`, `secret`… with an extension) is for the file a path ends at.
  for (const v of ['/firebaseremoteconfig.googleapis.com/projects/demo', '//remoteconfig.example/x', '/myconfig.d/app.conf.txt', '/my_config.php/x']) {
    t.not(detectPathTraversal(v)?.confidence, 'high', `not high: ${v}`);
  }
  for (const v of ['/app_config.php', '/db-secrets.json', '/secrets.yml/', '/web.config', '/wp-config.php/x', '/.ssh/id_rsa', '/etc/app.config']) {
    t.equal(detectPathTraversal(v)?.confidence, 'high', `high: ${v}`);
  }
});

t.test('dense punctuation pre-checks (session 16): verdicts pinned from before them on a seeded table', async (t) => {
  // tokenMayHit and firstMayToken now pass a `%` without a hex digit or `u` after it and a `0x` that
  // spells nothing (normalize keeps both), a `?:` start that is no drive (a letter or digit must
  // come first) and two-character or non-letter segments without a hash; analyzeReading reads such
  // a `%` or `0x` in place. Each of these only decides that
  // analyzeToken has nothing to find, so the verdicts must be those of the code before them: these
  // were computed with it (0b8f33a) over the same generated table. One character a string: `-` no
  // finding, else a letter for rule and confidence (RULES, low/medium/high). Dropping `0x5c` from
  // zeroXRewrites changes 30 of them; taking `^:\\` for a URL (a one-character scheme) changes one.
  const PIECES = ['\\', '/', '//', '\\\\', ':', '.', '..', '%', '%2f', '%2e', '%25', '%252f', '%zz', '%u002f', '%u12', '%c0%af', '0x', '0x2f', '0x2e', '0x5c', '0x1g', 'x', 'a', 'c:', '^:', '.git', 'etc', 'passwd', 'var', 'log', 'a.ini', 'boot.ini', '.ssh', 'id_rsa', 'win', ';', '-', '#', 'ab', '0', '2f', 'https:', '\\.', 'y', '_history', 'config.php'];
  const BOUNDS = [' ', "'", '"', '(', '&', '<', '?', '|'];
  const PINNED = [
    '----f---c-f-ceee-ce--eeee--f----f-f-e-ece--e---f-------c-c---b--ef--ef--e-e----e----k--f-c-f-e--e--b',
    '-e-f----f-e---b-----c--f-f-e--efeefe------f-ff-f--ef------f----f---e--bff----e--e-----e-ef----ee----',
    '-e----cef------e--fe---e-efee-e--e--e-ff---ff-----e---ec--fe--f---bf-ffee-ff-f--eef-fe--ce---b---ef-',
    'fef--e----e-k--fe----------ef---fbe---b----------fe--ee-ef---eeff--f--bf---------e-e-fe--f--f-e-e-e-',
    'e----e-f-fff----e---ff-f---f--ff------f---ee-f--ke---efeffe-e------ce-ef--fe--kf---e-f-e--f---e-ff-f',
    '-fe-f---e-----e--ff--ff-e-----c--f--f---f-k-----------ekf-f--fkc--e--ff---e----f-f-ff--c-ff--------e',
    'f--f-e-fe-----f--f-----ffe--eef-----e-ff-e--------k----f----ff-e-----c-f-f--e--ff-ff--e--f--f-kf----',
    '-kk--ef----e--e----efk-efke----f-b-feeee--e--f---ef-f--f-------f-ee--f-ke-ef---f---f----eff-ee-----f',
    '-----e--ef----f-ef--e------e---e----e---ef----efcff-ef---f----e--fe---fffeff-ff---ff---bf-f----ef-e-',
    '------f-f-----e--eb--ef--------eef-f---fek-----fec-k--f-e---ff----f--f-ef-fe------------f--fe-------',
    'e-------c-e--f-------------e--eef------b--ee--f-e-fff-ef-----ff--e-f-fk-ef-cfek-ed---f--f--f-----f-f',
    '-e-ff-ke--c-----ef---e--c------ce-----f--f-e-fe---e--f-------f-eec-f---f--f-b--e--e------------e----',
    '--e--c--ff-f--f---f-feeefe-eff--ee---e--fcfee----efe-eef-ee-e-ff---f----e---------f-----eef--kc-ef-e',
    'k------f--eb-b-ce-b--bfbe-b-fe-e-fbff-f--f----e-ee-eek----e-------e-ck----k---ke-ef--ee-ef-e-f-ke--f',
    '---ff---efe-f-fk------b--ffk-e-f--f--ef------ekfe----eff-fkfkf-----f-a--------e-fc--c--c--fffcb-----',
  ].join('');
  const r = prng(16);
  const pick = (a: readonly string[]): string => a[Math.floor(r() * a.length)]!;
  const cases: string[] = [];
  for (let i = 0; i < PINNED.length; i++) {
    let s = '';
    const tokens = 1 + Math.floor(r() * 3);
    for (let k = 0; k < tokens; k++) {
      if (k > 0) s += pick(BOUNDS);
      const pieces = 1 + Math.floor(r() * 6);
      for (let p = 0; p < pieces; p++) s += pick(PIECES);
    }
    cases.push(s);
  }
  checkPinnedCodes(t, cases, PINNED);
  // And with the engine's mask, which only spares scans.
  for (const s of cases.slice(0, 300)) t.equal(detectPathTraversal(s, charMask(s))?.confidence, detectPathTraversal(s)?.confidence, JSON.stringify(s));
  // The shapes that made this detector dear keep their verdicts (`x:/&0…` is a drive path).
  for (const u of ["%'\\;", '\\x(', "-('\\0", ':%"\\', ' /$%']) t.equal(detectPathTraversal(u.repeat(2000)), undefined, u);
  t.equal(detectPathTraversal('x:/&0'.repeat(2000))?.confidence, 'medium');
});

t.test('token pre-checks of session 17 (nextMayToken, tokenMustAsk, mayBeHigh, escapedMayHit, inertRun): verdicts pinned from before them', async (t) => {
  // nextMayToken reads each token once and asks tokenMayHit only when its kinds could lead it to
  // accept it (two letters in a row, a dot after a separator start, a `.\\` that the escaped reading
  // may use, a rewrite); once the best finding is medium only tokens that may be high are asked
  // (mayBeHigh); analyzeReading passes inert runs in a tight loop. Each only decides that
  // analyzeToken has nothing (or nothing higher) to find: the verdicts must be those of the code
  // before them, computed with it (7c28b55) over the same generated table. Odd cases start with a
  // medium finding. Dropping the dot pair from mayBeHigh, the hidden-segment test or the letter
  // pairs from tokenMustAsk, the trailing `\\` from escapedMayHit, the `.\\` pair from mayBeHigh,
  // the crown-pair test from inertRun or the `0x2f` test from tokenMustAsk each changes some.
  const PIECES = ['\\.\\./', '.\\.\\', '\\', '/', '.', '..', '.\\.', '\\.', ':', 'x:', 'c:/', '\\\\', '0x', '0x2f', '0x5c', '0X2E', '%', '%2f', '%u', '2f', '5C', 'a', 'ab', 'etc', 'passwd', '.git', '.ssh/', 'id_rsa', 'boot.ini', '.ini', 'win', ';', '-', '$', '^', '#', '0', 'i', '\u00e9', '\uff0e', '\0', '_history', 'proc', 'var/', 'task', 'web-inf', '..;'];
  const MEDIUM = ['x:/', 'x:/a', '/.x', '\\\\0', 'a/.env', 'c:\\x', '/.;', '../a'];
  const BOUNDS = [' ', "'", '"', '(', '&', ',', '=', '?', '|', '<', '{', '*'];
  const PINNED = [
    '-fe--fef-f-eckpf-f-kcb-f-bfkae-f-ecb-e-e-e-e-bpf-f-k-kff-k-e-f-e-fee-e-e-f-k-bpf-fpkcepf-b-ckk-f-e-f',
    '-ffe-b-f-eceee-fpkacrf-f-e-fpr-f-f-ffk-e-fee-f-efb-fcf-f-e-f-e-eee-eekefffeb-eff-fek-fpc-febec-f-f-k',
    '-ceffk-e-c-e-fek-eae-fpcpfkffb-ekf---fcfekef-e-c-f-f-k-e-ebfef-ebfpcc----f-ecf-f-e-c-c-cbk-k-k-ebf--',
    '-f-k-e-k--cc--eecf-b-f-ccffe-fffpebc-ffb-fpkkfce-cefck-f-f-f-f-eaf-f-fcffefe-erbffefe-cb-b-f-f-f-efe',
    '-f-k-fpbcc-c-f-k-f-f-ffk-bcc-f-cpf-e-cbf-f-kccffee-c-f-f-fff-ffc-fbb-e-k-c-e-fef-e-e-epf-kpf-ece-bbf',
    'ce-f-kff-f-e-k-f-c-b---f---k-f-e-bff-e-fcf-fec-f-b-kcf-f-kee-c-f-e-f-ece-f-e-f-e-c-f-e-f-c-e-kpbpffk',
    '-c-e-f-b-e-b-c-f-efb-ekfee-f-ecfbf-fpffe-b--effrfe-k-e-k-b-f-f-f-fcf-f-e-b-effff-ccfcc--fe-f-cfr-f-c',
    '-f--df-c-e-fcffb--ef-c-e-f-fbf-c-e-feffc-e-e-f-fp--ff-ff-f-f-e-febdc-f-c-f-k-feefebbek-ebf-f-f-f-f-e',
    'ffbe-bff-e-efc-fef-e-f-e-fef-e-f-frb--fe-fbepbff-f-f-e-cee-ecf---ffkek-k-f-bbbbe-ffbb--ep-cc-ferfr-f',
    'pfcf-c-f-bbffk-fcf-k-f-b-f-f-e-fff-f-e-faf-eeffbp-pfbf-f-k--fepf-k-b-f-ekkpf-f-ffbcbke-b-f-f-f-kfkff',
    '-c-effckef-efk-e-k-b-e-e-f-e-f-f-f-e-eefcb-e-e-f-fpf-bccfc-f-f-bie-b-f-brfcf-f-k-f-fcfff-kec-b-f-epf',
    '-kfeef-f-e-k-eefcfbe-f-f-f-e-k-f-kcf-fee-f---f-f-f-f-eff-frk-c-fbeer-fcb-e-e-f-k-c-f-fc-pc-f-fcf-f-f',
    'ck-bcc-k-f-kff-ebffkfepfcfcfee-b-ffc-f-e-ebf-f-fff-e-fck-e-f-cfeee-fp--f-c-e-fcc-e-e-e-epe-c-efe-b-e',
    'ek-ecb-kfffcbkfk-f-f-e---e-fpe-f-f-f-f-fpecfbfpfcc-b-c-e-f-e-fbe-f-e-fec-ebefeffpfpb-f-efeef-f-f-f-k',
    'aepe-f-ebe-f-e-k-f-e-b-ckffk-frf-ffc-c-eef-f-fcfbb-epefe-e-ffe-c-f-e-f-f-e-k-f---f-e-ffe-f-f-f-e-c-k',
    '-fbb-c-f-f-ffcef-f-f---cpe-f-bfe---k-bbe-b-effee-f-f-eef-be--e-e-bcfff-fkk-c-k--ef-k-e-f-k-fbc-fee-f',
    '-f-f-f-f-f-kckpf-bpb-e-f-ecf-f-k-eekfk-fcf-ebf-b-f-e-f-e-b-b-bpc-ckeefpeee-k-e-fff-e-k-bce-f-e-k-f-e',
    'pc-f-kef-f-f-ffkbf-c-fekee-f-k-e-e-f-fck-f-f-k-fff-f-e-kffbccffefc-e-f-f-f-k-b-f-c-f-ebk-fef-ckf-e-b',
    '-f-b-f-fp-fe-cpfefffec-cke-kfcfb-f-cfe-f-ebffeke-fef-f-effckek-efb-k--ef-f-cbe-e-f-k-ebe-fcf-ecece-f',
    '-fbf-cdf-ffc-b-k-b-f-f-k-kbfcfrfbbbfeffk-f-cff-f-f-e-e-b-fpf-ffk-e-e-e-kfc-f-fcf---fee-f-e-eek-kbc-f',
  ].join('');
  const r = prng(17);
  const pick = (a: readonly string[]): string => a[Math.floor(r() * a.length)]!;
  const cases: string[] = [];
  for (let i = 0; i < PINNED.length; i++) {
    let unit = '';
    const parts = 1 + Math.floor(r() * 5);
    for (let p = 0; p < parts; p++) unit += r() < 0.3 ? pick(BOUNDS) : pick(PIECES);
    let s = unit.repeat(1 + Math.floor(r() * 6));
    if (r() < 0.4) s += pick(BOUNDS) + pick(PIECES) + pick(PIECES) + pick(PIECES);
    if (r() < 0.2) s = pick(PIECES) + pick(PIECES) + s;
    if (i % 2 === 1) s = pick(MEDIUM) + pick(BOUNDS) + s;
    cases.push(s);
  }
  checkPinnedCodes(t, cases, PINNED);
  for (const s of cases.slice(0, 400)) t.equal(detectPathTraversal(s, charMask(s))?.confidence, detectPathTraversal(s)?.confidence, JSON.stringify(s));
  // The dense shapes this session made cheap keep their verdicts.
  for (const u of ['.=.\\', '/.', '.\\/', ']^..#', '\\}.~']) t.equal(detectPathTraversal(u.repeat(2000).slice(0, -1)), undefined, u);
  for (const u of ['.;,\\', '.$"/', 'x:/ ', '\\0,\\']) t.equal(detectPathTraversal(u.repeat(2000))?.confidence, 'medium', u);
  // A medium token first, then a climb only the escaped reading sees, or one after many medium tokens.
  t.equal(detectPathTraversal('x:/ ' + '.\\.\\.\\.\\')?.confidence, 'high');
  t.equal(detectPathTraversal('x:/ '.repeat(500) + '\\.\\./\\.\\./x')?.confidence, 'high');
  t.equal(detectPathTraversal('/.a '.repeat(500) + '%2e%2e/%2e%2e/x')?.confidence, 'high');
  t.equal(detectPathTraversal('\\\\0,'.repeat(500) + 'a/etc/passwd')?.confidence, 'high');
  // Colons and NULs in tokens that start above ASCII (passed in one read by plainTokenEnd) are noted.
  t.equal(detectPathTraversal('é é éjar:file:x')?.rule, 'path.file-url');
  t.equal(detectPathTraversal('ａ．ｂ ａjar:file:')?.rule, 'path.file-url');
  t.equal(detectPathTraversal('é.é éa.php\0.jpg')?.confidence, 'high');
  // Tokens inside a leading token that leadMustAsk turned away are read only when a drive, UNC or
  // hidden start may be among them (leadInertEnd); verdicts from 7c28b55.
  const inner: Array<[string, string | undefined]> = [
    ['~x&/.x', 'path.system-file medium'],
    ['~x&c:/x', 'path.system-file medium'],
    ['~x&\\\\srv\\x', 'path.unc medium'],
    ['\\x(\\x(c:/x', 'path.system-file medium'],
    ['\\x(\\x(\\\\s\\x', 'path.unc medium'],
    ['/x(/.x', 'path.system-file medium'],
    ['.;/x&x:/', undefined],
    ['/*/*(/.git', 'path.system-file high'],
    // A leading token that ends at a NUL (no token boundary): the token around the NUL starts
    // inside it and is read whole.
    ['.)$\0\\\\\\.\\./var/Fpasswd~_C(\u2215x', 'path.traversal medium'],
  ];
  for (const [v, want] of inner) {
    const d = detectPathTraversal(v);
    t.equal(d === undefined ? undefined : `${d.rule} ${d.confidence}`, want, v);
  }
});

t.test('plain segments and the leading token\'s plain run (session 17, hA2): verdicts pinned from before them', async (t) => {
  // analyzeReading passes a run of plain segments (no `.`, `%`, unit above ASCII or PT_LEAD
  // character, no two letters in a row, no `0x` that spells something) in one loop (plainSegments),
  // and once the best finding is medium nextMayToken does not read again the tokens that lie inside
  // the leading token's longest such run (spanSkip). Both only decide that nothing more can be
  // found: the verdicts must be those of the code before them (94e53c2), computed with it over the
  // same generated table. Dropping the `p` test after a separator, the PREV_OTHER entry test, the
  // blank or `x:` segment depth rule, the last-boundary rule of spanSkip, the highOnly test before
  // it, the `0x` test or the letter-pair test each changes some verdict below or in the table.
  const STARTS = ['x:/', 'c:\\', '/a/b/', '/a/proc//', 'c:/b/etc/ /', '\\x/y/', '/etc/', '/usr/x/', '\\\\srv\\s\\', '~/a/', 'a:/b/c/', ''];
  const PLAIN = ['&', '0', 'x', ':', '/', '\\', ' ', '-', '$', '1', '2', '5', 'a', 'B', 'p', ';', '=', ',', '(', '*'];
  const ODD = ['0x2e0x2e', '0x2f', '0X2E', '0x2g', 'p', '%2e%2e', '..', '\u00e9'];
  const PIECES = ['x:/&0', '0x2f', 'x5', '/p', '/proc/', 'proc/', 'etc/passwd', 'var/task', '..', '../', '..\\', '.\\.', '%2e', '%', '\0', '"', '?', '\u00e9', 'php://', 'jar:file:', 'compress.bzip2://', 'x:', '//', '.env', 'a.ini', '_history', '..;'];
  const CLIMBS = ['../', '../', '../', '..\\', '..;/', '%2e%2e/'];
  const r = prng(172);
  const pick = (a: readonly string[]): string => a[Math.floor(r() * a.length)]!;
  const gen = (): string => {
    let s = pick(STARTS);
    const mode = r();
    if (mode < 0.4) {
      const k = 1 + Math.floor(r() * 6);
      for (let q = 0; q < k; q++) {
        const l = Math.floor(r() * 4);
        for (let z = 0; z < l; z++) s += r() < 0.1 ? pick(ODD) : pick(PLAIN);
        s += r() < 0.8 ? '/' : '\\';
      }
      const c = Math.floor(r() * 8);
      for (let q = 0; q < c; q++) s += pick(CLIMBS);
      if (r() < 0.7) s += pick(PIECES) + pick(PLAIN);
    } else if (mode < 0.7) {
      let unit = '';
      const len = 1 + Math.floor(r() * 6);
      for (let k = 0; k < len; k++) unit += r() < 0.8 ? pick(PLAIN) : pick(PIECES);
      s += unit.repeat(1 + Math.floor(r() * 8));
      if (r() < 0.5) s += pick(PIECES) + pick(PLAIN) + pick(PIECES);
    } else {
      const len = 1 + Math.floor(r() * 30);
      for (let k = 0; k < len; k++) s += r() < 0.6 ? pick(PLAIN) : pick(PIECES);
    }
    return s;
  };
  const PINNED = [
    'cfekcf-effeu-f-cccccdfc-cobcdbucoue-kccco-cccffceocfeccobuecfuccccuce--bkoffkuoubfceecceccbbefecfeue',
    'cu-fbeebc-eeebfpuebocbeffecccccceccedc--decdcf-f-oucd-c-rc-ccbocubudbcfucufufebfcc-oeccfub-fbfbccuec',
    '-efbf-cfecefuub-o-fcfef-cucuucuekccuufccbeou-deecfcffecccc-uffcccccccecbeffuu-uofbcd-ffcduuefcccc-fe',
    'cfkrceepf-fufekfceube-ebcecee-uufee-eocoeffecuuue-fccefccbcoeocueecbe-boupuuefbccebdr-ocufccfeecbeoc',
    '-fcuuoceueeeueffdecue-efucc-kcpoo-o-cdecc-ccud-f--c-ce--cefbofcuecec-bcce-ccu-efebkrfcbcofcfu-ouc--f',
    '-cdf--cbecpoepbfkbfcbc-ueo-kcepocefcououcuceducbfffaffccdoefeuueufufdccufc-buccr-duubuccccukcekfu-cc',
    're-fcedcfoe--fdccofecbckebrc-fereebbdufufeeccu-b-ee-ue-fccu-oaubefcffeuooueucdfff-bcc-ddfucfefefceeb',
    'fb-fuckceccofe-fooreec--ufeoofcofbb-ccucfuf-oerkucufubfuc-uoffuccbfkcfdcfrcc-eue-o-cffueufee-buc-off',
    'bccufefkof--eco-cuekeco-fucekcecdfdbccrcecffccccbbfcedcf-effucb-ceuekocfffe-d-fcfcocoe-cd--cce-c-cc-',
    'c-cfc-ue-dccu-couucecfcuceo-bcc-bfccucocecdkecfcbcerco-kfeoeucbke-kefcfkfeobcecco-cceccfecfcccccoecf',
    'f-ffffufecbbccurc-cocc-efcccbfdfecd-effccdfeufc-fc-ccuo-fcfccekcodfc--u-ccfeefccuuccbubouu-f---cf-ec',
    'fuecccccuubrcf-b-bbrcoekfeccueef-ucfuuucoucbucfbfbu-uedofckc-ffuceeffucfekf-cpfc--ecu-euffbocfcfeffe',
    'ccbfc-cecfuefoffec-b-efceffpce-e-ee-ceeeefcf-fcfefefue-cccecbkffocekefffdoe--cceucouef-rfufcrfobcecc',
    'c-ee--cuedeudkfccecfedoef-dccefdofef-ceuedfccce-bccccee-ekoufepfcc---puef-ceeccoccee-de-cefc-focuucu',
    'eocef-cu-cerukfoudb-uuafffcuecou-fpuf-eoec-f-ufe-eefffu-kkfuceb-fkeeu-fcfebp-ccceu-efeuccff-docekfbf',
    'ufbeckcfceecdrfoeffcbufbbpe-ece-uec-fceu-cccfcb-cccffcce-ou-ccccoceccececeucco-dbuefcbffkecfdcuuu-kf',
    'ufcobuc--cof-cckcfc-ef-cpcucufufcuucf-rcdcckke-cefccfeccceuc-cececceodeccduubufcce-cfuoc-ecfdccefeo-',
    'c-feukcueuube-cduc-opepkeccbc-fof-fceufucckecfuofe-ueceu-ocpc--ffcccfrbe-eeefocccucfc-focbueeefekufc',
    'eekfueb-coke-euccocek-d----ocbcruffc-ee--ccfckcecec-cocecfucefecf-o-ccfceoucfcu-eeccf-coebeuccfbeeff',
    'ucefedfcbcfeuopu-cefcke-eefcekfec-fc-foffeue-ke-ce--ccc-dkfckccrcbco-fcfcerebbfeefcceb-rcoou-ocofecb',
    'ofc-oee-fofoceoeck--ekuueffeferdfccpcoebecfkcec-ccccfkccuuekuueubfrffcb-cefcuccc-fffccruffcfuccc--cu',
    'fcfece-udefefeb-ccocfe-fd-bffrc-e-efcbfceeduedckcf-cc-eecueffcrefcecfcdedkucfk-uebeefuedcfcfdccfcfff',
    'uecobedccfcoefcdeceffuboccu-cc-cuekcfcbcfcfcef-cu-fcceco-kocfecfpfocfcceeucdfcccccc-ue-ucuffeececeef',
    '-u-copecef-ckufccbcfufouuecbff-cbcc-ruruukb-cobccefcoufucfuo-c--o-dcfceekcfufck--cce-ue---ccu-cccefc',
    'efccfcebpcueueeeecceffffucefccefueeeccuecouccdoo-cffcecfcocedcbf-effofdeccef-ecfouboufccufbcefebfedc',
    'u-ccoffeecufdeuofeccfcbecbeoc--ef-becekcfccc-keb-eduf-eecuobeu-cfeucecfucckcedufekcccc-ep-dkfcufcepf',
    'ecocfcdccceceecceofcudccc-d-fefeocecfebefc-cuocecfoo-effufuedkuco-uccdebcfffccccu-fcc-ccec-keefefeub',
    'ub-efue-uucccudffefad-uk-eeccfeud-e--ffofcucuckdcc-co-cbcfe-bccuubdfd-fp-ccuoefbuccf-ecccf-ocece--b-',
    'o-c-ckepuefecccebffccfcfcuccf-fffcodeccbcefrcf-cfc--ee-efceccre-cucc-ecudffcfdcfbf--cfuoucecubepfcff',
    'ubcfeccuccucfuce-ebfcueokfeefbckkbcc-cu-eeec-cbubkrcueceeke-rfk-cfc-dcr-roeeu-uffeefc-fcuccf-fbe-ckf',
    'bcoecce-eccbcd-cebfefcufbrbccc-c-eef-fuccccc--ce-fcuccccceefucfubfof--cbeocekfpcucufkreuecb-cfuofbfe',
    'cbc-ucefcfrfocoeoccecfeefbfcb-o-cf-e--ecudc-c-e-c-bf-bceckc-fcceefdcoeededefec-pbofbcfeeuef-cpccefku',
    '-efcce-cbc-cu-ufcfcbccckdcudffccoufccffpukukbocfccceuukfbbbufeee-urdfoe-be--ecfcue-eucfk-ceuu-efeeob',
    'fe--ccuofufcfcfffe-cff-cccfcckfbfccdffkkc-fuobfkf-eeuudfeckucoocececcfoebe-fccc-auckeceeucfefecoeud-',
    'ucdccueoobcfuubcc-e-e-fcfffcccef-fucc-uofckucfcbuuufc-c-erfcfcode--ufbueco-euf-kub-cffocc-ef--kdcpuf',
    '-ouckcfebdcecffefff--eeeecccf--kcfedkbubkbfc-c-ffekec--eecfkcubcefcubekcocu--ccucccrceoucecoccceekb-',
    'brccfccufuffcfkaucffeubcfducee-ooceookeuccocccefc-f-cuuuecefec-uueo-ekecucfebruofcu-ccfubu-ecucebfuu',
    'ucfubrc-ffkffcuucuceecofec-ceeooebdec-feff-bocfe-ecf-cfbcfffockcccckffcccceccu-fueukcfdeefpco-cco-ue',
    'occeeubeocfu-fcefcfcccpeofpccfueccufococcccccbecebcceudcukffcbubeckcuuf-ckcuofcfed-ceccefccuocuueafc',
    'fcfocccekeuoeocecef-beeec-cobc-ce-kbudeccbeefcccc-cfcfcccccecfce-ceuue-e-eccceekbkcfccfcefcfcbfu-ecf',
  ].join('');
  const cases: string[] = [];
  for (let i = 0; i < PINNED.length; i++) {
    const s = gen();
    cases.push(s);
  }
  checkPinnedCodes(t, cases, PINNED);
  for (const s of cases.slice(0, 400)) t.equal(detectPathTraversal(s, charMask(s))?.confidence, detectPathTraversal(s)?.confidence, JSON.stringify(s));
  // Rule, confidence and reason, from 94e53c2.
  const exact: Array<[string, string | undefined]> = [
    ["/usr/x/proc//=$x:/&0", "path.system-file high An absolute path into usr (a system location)."],
    ["~/a/ /0^/../../../../../../", "path.traversal high A path that climbs 3 directories up."],
    ["a:/b/c/e:/$ /(1\\/$//../../%2e%2e/../../../", "path.traversal high A path with an obfuscated ../."],
    ["/etc/\\//&\\0x5c#+\\12@/$/..\\.../../../../../%2e%2e/>_", "path.traversal high A path that climbs 2 directories up."],
    ["a:/b/c/ /proc/windows\\5|1)f\tcx:/&0\te+a5", "path.system-file high A path that names a classic system file (passwd, boot.ini, web.xml…)."],
    ["C://*x/e+/5,a/ef/../../../../../x:*", "path.traversal high A path that climbs 3 directories up."],
    ["x:/&0x:/&0x:/&0x:/&0/x/0x2e0x2e/", "path.traversal medium A path with ../ that stays inside its start."],
    ["x:/&0x:/&0x:/&0x:/&0/proc/self", "path.system-file high An absolute Windows drive path."],
    ["x:/a/b/&0/&0/&0/../../../..", "path.traversal high A path that climbs 3 directories up."],
    ["x:/a/b/ /x:/../../..", "path.traversal high A path that climbs 3 directories up."],
    // `proc/` then an empty segment leaves proc as the previous named one: the plain `=$x:` after
    // it is a crown pair (restSensitive), which the plain pass must not hide.
    ["/usr/x/proc//=$x:/ ", "path.system-file high An absolute path into usr (a system location)."],
    ["/usr/x/proc//=$x:/&0/ ", "path.system-file high An absolute path into usr (a system location)."],
  ];
  for (const [v, want] of exact) {
    const d = detectPathTraversal(v);
    t.equal(d === undefined ? undefined : `${d.rule} ${d.confidence} ${d.reason}`, want, v);
  }
  // The shape this made cheap keeps its verdict, and a climb after its run is still read.
  t.equal(detectPathTraversal('x:/&0'.repeat(20000))?.confidence, 'medium');
  t.equal(detectPathTraversal('x:/&0'.repeat(20000) + ' ../../x')?.confidence, 'high');
  t.equal(detectPathTraversal('x:/&0'.repeat(20000) + '/etc/passwd')?.confidence, 'high');
  // The run is the leading token's of this call only: a later value that does not start like a
  // path has every token read (the run was noted by the previous call).
  detectPathTraversal('x:/&0'.repeat(50));
  t.equal(detectPathTraversal('-'.repeat(30) + ' c:/x ' + '-'.repeat(300))?.confidence, 'medium');
});

t.test('session 18 (hA3): token scan, letter-pair wrapper gate, plain-segment pairs: verdicts pinned from before them', async (t) => {
  // nextMayToken loads each character once; firstMayToken finds the first `/ \\ % . 0` or unit above
  // ASCII in a tight loop first; scanWrappers is skipped when the value holds no two ASCII letters in
  // a row; plainSegments steps by the character pair (a `0x2e`-like spelling asked at its `2`/`5`,
  // only a separator after a blank trimmed). Digests computed with the build before them (2ca00a4)
  // over the same generated tables, with and without the mask; the third keys the reason too (the
  // climb count). Taking the `0` out of the first-interesting test, skipping scanWrappers always,
  // treating a separator after a blank as plain or a two-character `x:` segment as deep, or asking
  // only `0x2…` spellings each changes a digest.
  const PIECES = ["a: b&", "'::'", "</a>x", "%'\\;", "`\\'(", "-('\\0", "x:/&0", "x:/0", ":", "::", " ", "&", "'", "<", ">", "(", "a", "b", "ab", "x", "X", "0", "2", "5", "0x", "0x2e", "0x2f", "0X5C", "0x25", "x2", "/", "\\", "\t", "\u0000", "..", "../", "%2e", "%", ".", "p", "/p", "/proc/", "etc/passwd", "php://", "PHP://", "zip://", "phar://", "data://text/", "compress.bzip2://", "jar:file:", "file:/", "netdoc:/", "ogg://", "c:\\", "x:/", "c:boot.ini", "/a/b/", " /", "x:\\", "\u00e9", "\uff0e", "\u2215", "_history", ".env", "..;", "q:"];
  const PLAIN = ["&", "0", "x", "X", ":", "/", "\\", " ", "\t", "\u0000", "-", "$", "1", "2", "5", "a", "B", "p", ";", "=", ",", "(", "*", "0x", "x2", "x5", "0x2e0x2e", "0x2f", "0X2E", "0x5c", "0x2g", "%2e%2e", "..", "../", "..\\", "..;/", "\u00e9", ".", "%", "x:/&0", "/proc/", "etc/passwd", "var/task", ".env", "_history", "php://", "jar:file:", " /", " \\", "\t/", "a:/", "x:\\", "0x2e0x2e0x2f", "etc0x2fpasswd"];
  const STARTS = ["x:/", "c:\\", "/a/b/", "/a/proc//", "c:/b/etc/ /", "\\x/y/", "/etc/", "/usr/x/", "\\\\srv\\s\\", "~/a/", "a:/b/c/", "", "X:\\", "- ", "q=", "a b "];
  const table1 = verdictTable(1801, PIECES, 4000);
  t.same(pinnedVerdicts(table1, (s) => detectPathTraversal(s), (s) => detectPathTraversal(s, charMask(s))), { findings: 2986, digest: '41072191' });
  const table2 = verdictTable(1803, PLAIN, 4000).map((s, i) => STARTS[i % STARTS.length] + s);
  // (Session 25, review of round 8: the URL parser's deletion of tabs and line breaks makes a few
  // strings here climbs (one more finding), `%2e%2e\t/…` found and `..\\\t/B` medium to high; was 3399, '1be0b7f1'.)
  t.same(pinnedVerdicts(table2, (s) => detectPathTraversal(s), (s) => detectPathTraversal(s, charMask(s))), { findings: 3400, digest: 'a02fef9' });
  // Leading drive and absolute paths made of plain segments, then climbs (plainSegments' depth).
  const r = prng(1804);
  const pick = (a: readonly string[]): string => a[Math.floor(r() * a.length)]!;
  const P_STARTS = ['x:/', 'c:\\', '/a/b/', '/a/proc//', 'c:/b/etc/ /', '\\x/y/', '/usr/x/', '~/a/', 'a:/b/c/', 'X:\\'];
  const P_PLAIN = ['&', '0', 'x', 'X', ':', ' ', '\t', '\0', '-', '$', '1', '2', '5', 'a', 'B', ';', '=', ',', '(', '*', '0x', 'x2', 'x5'];
  const P_ODD = ['0x2e0x2e', '0x2f', '0X2E', '0x5c', '0x5C', '0x2g', '0x25', 'p', '%2e', '..', '\u00e9', '.'];
  const P_TAIL = ['../', '..\\', '..;/', '%2e%2e/', '0x2e0x2e/'];
  const table3: string[] = [];
  for (let i = 0; i < 4000; i++) {
    let s = pick(P_STARTS);
    const k = 1 + Math.floor(r() * 12);
    for (let q = 0; q < k; q++) {
      const l = Math.floor(r() * 5);
      for (let z = 0; z < l; z++) s += r() < 0.08 ? pick(P_ODD) : pick(P_PLAIN);
      s += r() < 0.8 ? '/' : '\\';
    }
    const c = Math.floor(r() * 9);
    for (let q = 0; q < c; q++) s += pick(P_TAIL);
    if (r() < 0.5) s += pick(P_PLAIN) + pick(P_ODD);
    table3.push(s);
  }
  t.same(pinnedVerdicts(table3, (s) => detectPathTraversal(s), (s) => detectPathTraversal(s, charMask(s)), reasonKey), { findings: 3928, digest: 'dd75370d' });
  // Colon runs without two letters in a row name no wrapper; with them, or past an interesting
  // token, the wrapper is still found.
  t.equal(detectPathTraversal("'::'".repeat(5000)), undefined);
  t.equal(detectPathTraversal('a: b&'.repeat(5000)), undefined);
  t.equal(detectPathTraversal("'::'".repeat(5000) + 'php://filter')?.rule, 'path.stream-wrapper');
  t.equal(detectPathTraversal('</a>x'.repeat(500) + ' jar:file:x')?.rule, 'path.file-url');
});

t.test('session 18 (hA3): a `..` token without separator, letter pair or dot before 2/5/i is not asked: verdicts pinned from before', async (t) => {
  // tokenMustAsk no longer asks a token for its `..` (or `.i`) alone: with no separator, no two
  // letters in a row and no dot before `2`, `5` or `i`, analyzeToken finds nothing in it (checked
  // exhaustively over several alphabets before the change, in 18 contexts). Every token of 3-4
  // characters over the characters that matter, alone, after another token and twice, and glued
  // roots, climbs and rewrites next to it; digest (reason keyed) from 2ca00a4. Dropping the dot
  // before `2`/`5`, the letter pairs or the separator from the test changes it.
  const AL = ['.', 'x', '2', 'f', '5', 'c', 'i', 'n', ';', '0', 'X'];
  const table: string[] = [];
  const rec = (w: string): void => {
    if (w.length >= 3) table.push(w, 'q ' + w, w + ' ' + w + ' x');
    if (w.length < 4) for (const c of AL) rec(w + c);
  };
  rec('');
  for (const w of ['..etcpasswd', '....web-inf', '..inetpub', 'x..boot.ini', '..\\..', '../..', 'a..b/c', '..;/x', '.../...', '..2f..2fetc', '..5C..5cwin.ini', '.ini', 'win.ini']) table.push(w, 'q ' + w, w + ' ' + w + ' x');
  t.same(pinnedVerdicts(table, (s) => detectPathTraversal(s), (s) => detectPathTraversal(s, charMask(s)), reasonKey), { findings: 37, digest: '77d30af' });
  for (const u of ['.. x', '~..(', '#_?..', ';..0']) t.equal(detectPathTraversal(u.repeat(3000)), undefined, u);
  t.equal(detectPathTraversal('~..('.repeat(3000) + ' ..2f..2fetc0x2fpasswd')?.confidence, 'high');
});

t.test('session 18 (hA3): a `%` counts as a possible rewrite only before two hex digits or `u`: verdicts pinned from before', async (t) => {
  // percentMayRewrite asked one hex digit; percentByte needs two (its `25` re-encodings are hex
  // digits too), so `%0?` is kept as it is. Every token of 1-4 characters over the characters that
  // matter in four contexts, and %u / overlong / re-encoded spellings; digest (reason keyed) from
  // 2ca00a4 (an exhaustive comparison over 8.9M strings of up to 5 characters in 11 contexts showed
  // no difference). Asking for the second digit one place too far, or taking only a lower-case `u`,
  // changes it.
  const AL = ['%', '0', '2', '5', 'u', 'U', 'f', 'e', '.', '/', 'c'];
  const table: string[] = [];
  const rec = (w: string): void => {
    if (w.length >= 1) table.push('q ' + w, '/a/' + w, '..' + w, w + ' ' + w);
    if (w.length < 4) for (const c of AL) rec(w + c);
  };
  rec('');
  for (const w of ['%u002e%u002e%u2215x', '%U002E%U002E/etc', '%c0%ae%c0%ae/x', '%252e%252e/x', '%2e%2e%5cx', '%U2215..%U2215..%U2215x', '%0?.~']) table.push('q ' + w, '/a/' + w, w + ' ' + w);
  t.same(pinnedVerdicts(table, (s) => detectPathTraversal(s), (s) => detectPathTraversal(s, charMask(s)), reasonKey), { findings: 2309, digest: 'e89fcd69' });
  t.equal(detectPathTraversal('%0?.~'.repeat(3000)), undefined);
});

t.test('session 18 (hA3): a token that starts with a separator asks for a hidden segment only with a dot right after a separator: verdicts pinned from before', async (t) => {
  // tokenMustAsk asked every such token with a dot anywhere (`/a.`); a hidden first segment starts
  // right after a separator (segmentMayHit trims a segment's end only). Every token of 2-4
  // characters that starts with a separator, over the characters that matter, in three contexts,
  // and hidden names; digest (reason keyed) from 2ca00a4 (an exhaustive comparison over 21M strings
  // of up to 6 characters over / \\ . a x : ; 0 - 2 c in 11 contexts showed no difference). Taking
  // only `/` as the start, or the pair after `\\` only, changes it.
  const AL = ['/', '\\', '.', 'a', 'x', ':', '0', '\u0001', 'c', 's', 'h'];
  const table: string[] = [];
  const rec = (w: string): void => {
    if (w.length >= 2 && (w[0] === '/' || w[0] === '\\')) table.push('q ' + w, w + ' ' + w, 'x:/ ' + w);
    if (w.length < 4) for (const c of AL) rec(w + c);
  };
  rec('');
  for (const w of ['/.ssh', '/a/.git/x', '\\.aws', '/\u0001.x', '/x./.y', '/.bash_history', '/a.[{/a.']) table.push('q ' + w, w + ' ' + w, 'x:/ ' + w);
  t.same(pinnedVerdicts(table, (s) => detectPathTraversal(s), (s) => detectPathTraversal(s, charMask(s)), reasonKey), { findings: 3326, digest: 'ebe1c047' });
  t.equal(detectPathTraversal('/a.[{'.repeat(3000)), undefined);
});

t.test('NTFS ::$DATA after a file name is high; PHP static properties are not (session 19, round 2)', async (t) => {
  for (const v of ['web.config::$DATA', 'index.php::$DATA', 'shell.asp::$data', 'C:\\inetpub\\wwwroot\\default.aspx::$DATA', 'uploads/x.aspx::$DATA', 'a.b::$Data?x=1']) {
    t.equal(detectPathTraversal(v)?.rule, 'path.windows-stream', v);
    t.equal(detectPathTraversal(v, charMask(v))?.confidence, 'high', `${v} (masked)`);
  }
  for (const v of ['self::$data', 'return static::$DATA;', 'Foo::$instance', 'file.txt::$DATAX', 'x::$data', '.::$DATA', 'v1.2 ::$DATA']) {
    t.not(detectPathTraversal(v)?.rule, 'path.windows-stream', v);
  }
  // A seeded table of `::$`, dots, names and stream words: every value the rule reports is one the
  // slow reference (a regex) accepts, and the other way round. (Planted: the extension check dropped,
  // so `self::$data` counted: caught below.)
  const r = prng(1919);
  const pieces = ['::$', 'DATA', 'data', 'Data', 'DATAX', '.', 'asp', 'config', 'x', 'self', '1', '_', ' ', '/', '\\', ':', '$', 'php', ';', 'abcdefghij', 'web.config', 'shell.asp', '::$DATA', '::$data', 'a.b'];
  let hits = 0;
  for (let i = 0; i < 20000; i++) {
    let s = '';
    const len = 2 + Math.floor(r() * 8);
    for (let k = 0; k < len; k++) s += pieces[Math.floor(r() * pieces.length)];
    // (Any `::$` counts, not only the first: `::$a.b::$data`.)
    // (Review rB: extensions of up to 32, dotfiles, PHP code after the property: the reference of
    // the test below.)
    const ref = /(?<=(?:^|[A-Za-z0-9/\\])\.[A-Za-z0-9]{1,32})::\$data(?![A-Za-z0-9_])(?![ \t]{0,4}(?:[[(),=]|->|;(?:$|[\x00-\x20])|\.[ \t'"$]))/i.test(s);
    const got = detectPathTraversal(s)?.rule === 'path.windows-stream';
    if (got) hits++;
    if (got !== ref && !(ref && detectPathTraversal(s)?.confidence === 'high')) t.fail(`${JSON.stringify(s)}: rule ${got}, reference ${ref}`);
  }
  t.ok(hits > 50, `${hits} values reported`);
});

t.test('NTFS ::$DATA, review rB: long extensions and dotfiles are high; PHP code after a static property is not', async (t) => {
  for (const v of ['application.properties::$DATA', '/app/application.properties::$data', '.htaccess::$DATA', 'C:\\site\\.env::$DATA', 'web.config::$DATA.', 'index.asp::$DATA ', 'x.aspx::$DATA;jsessionid=1']) {
    t.equal(detectPathTraversal(v)?.rule, 'path.windows-stream', v);
  }
  for (const v of ["$html = $prefix.View::$data['title'];", 'return $this->base.Cache::$data;', 'log($a.b::$Data)', '$x = $a.Foo::$data . "y";', '$a.Foo::$data->load()', '$a.Foo::$data = 1', '$a.Foo::$data, 2', 'a.b::$data;', "x .htaccess::$DATA"]) {
    t.not(detectPathTraversal(v)?.rule, 'path.windows-stream', v);
  }
  // Seeded table against a slow reference (a regex with lookbehind per `::$`). (Planted: the PHP
  // check dropped: caught; the extension bound back to 8: caught.)
  const r = prng(4242);
  const pieces = ['::$', 'DATA', 'data', '.', 'asp', 'properties', 'htaccess', 'x', 'self', '/', '\\', ' ', ';', ';j', '[', '(', ')', ',', '=', '->', '-', "'", '$', '. ', 'abcdefghijabcdefghijabcdefghijabc', '::$DATA', 'web.config', '.env'];
  let hits = 0;
  const re = /(?<=(?:^|[A-Za-z0-9/\\])\.[A-Za-z0-9]{1,32})::\$data(?![A-Za-z0-9_])(?![ \t]{0,4}(?:[[(),=]|->|;(?:$|[\x00-\x20])|\.[ \t'"$]))/i;
  for (let i = 0; i < 20000; i++) {
    let s = '';
    const len = 2 + Math.floor(r() * 8);
    for (let k = 0; k < len; k++) s += pieces[Math.floor(r() * pieces.length)];
    const ref = re.test(s);
    const d = detectPathTraversal(s);
    const got = d?.rule === 'path.windows-stream';
    if (got) hits++;
    if (got !== ref && !(ref && d?.confidence === 'high')) t.fail(`${JSON.stringify(s)}: rule ${got}, reference ${ref}`);
  }
  t.ok(hits > 100, `${hits} values reported`);
});

t.test('NTFS ::$INDEX_ALLOCATION opens a directory under another name (session 20)', async (t) => {
  // `/admin::$INDEX_ALLOCATION/secret` reaches `/admin/secret` past a check on `/admin`; so does the
  // index's own name, `:$I30:$INDEX_ALLOCATION`. Base f2d1800 passed all of these.
  for (const v of ['/admin::$INDEX_ALLOCATION/secret', '/admin:$I30:$INDEX_ALLOCATION/secret', 'C:\\inetpub\\admin::$index_allocation\\x.txt', '/admin::$INDEX_ALLOCATION', 'admin::$Index_Allocation?x=1', '/a/b:$i30:$index_allocation/']) {
    t.equal(detectPathTraversal(v)?.rule, 'path.windows-stream', v);
    t.equal(detectPathTraversal(v, charMask(v))?.confidence, 'high', `${v} (masked)`);
  }
  for (const v of ['Foo::$INDEX_ALLOCATION;', 'self::$INDEX_ALLOCATION[1]', '$a.Foo::$index_allocation . "x"', '::$INDEX_ALLOCATION', 'x:::$INDEX_ALLOCATION', 'admin::$INDEX_ALLOCATIONS', 'admin:$I31:$INDEX_ALLOCATION', 'admin::$INDEX', 'View::$data[1]', 'Cache::$data;']) {
    t.not(detectPathTraversal(v)?.rule, 'path.windows-stream', v);
  }
  // Seeded table against a slow reference (a regex with lookbehind per `$`). (Planted: the `$I30`
  // length check off by one: caught; the PHP check dropped: caught.)
  const r = prng(2020);
  const pieces = ['::$', ':$', '$I30', '$i30', ':', '$', 'INDEX_ALLOCATION', 'index_allocation', 'INDEX', '_', 'ALLOCATION', 'admin', '/', '\\', ' ', ';', '[', '(', '.', '. ', '->', '=', 'x', '1', '::$DATA', 'a.b'];
  const re = /(?<=[^:]:(?::|\$i30:))\$index_allocation(?![A-Za-z0-9_])(?![ \t]{0,4}(?:[[(),=]|->|;(?:$|[\x00-\x20])|\.[ \t'"$]))/i;
  const ds = /(?<=(?:^|[A-Za-z0-9/\\])\.[A-Za-z0-9]{1,32})::\$data(?![A-Za-z0-9_])(?![ \t]{0,4}(?:[[(),=]|->|;(?:$|[\x00-\x20])|\.[ \t'"$]))/i;
  let hits = 0;
  for (let i = 0; i < 20000; i++) {
    let s = '';
    const len = 2 + Math.floor(r() * 8);
    for (let k = 0; k < len; k++) s += pieces[Math.floor(r() * pieces.length)];
    const ref = re.test(s) || ds.test(s);
    const d = detectPathTraversal(s);
    const got = d?.rule === 'path.windows-stream';
    if (got) hits++;
    if (got !== ref && !(ref && d?.confidence === 'high')) t.fail(`${JSON.stringify(s)}: rule ${got}, reference ${ref}`);
  }
  t.ok(hits > 100, `${hits} values reported`);
});

t.test('a dot-name after U+FFFD or a private-use character is a hidden directory only when it is a known one', async (t) => {
  // Base64-decoded garbage and binary fields start with U+FFFD often: `\ufffd.rt` blocked as "a hidden
  // configuration directory" (review rA, session 20). The known dot-directories still block whatever
  // stands for the separator; a real separator still makes any dot-name high.
  const high = (s: string) => detectPathTraversal(s)?.confidence === 'high';
  for (const s of ['\ufffd.rt', '\ue000.ab', '\uf8ff.x1', '\ufffd.tmp']) t.notOk(high(s), `quiet: ${JSON.stringify(s)}`);
  for (const s of ['\ufffd.ssh/id_rsa', '\ufffd.git/config', '\ufffd.aws/credentials', '\uf025.ssh', '/.rt', '\\.rt', '/.config/x']) t.ok(high(s), `high: ${JSON.stringify(s)}`);
});
