import t from 'tap';
import { checkJs } from '../../src/sinks/analysis/js';
import { checkMongoFilter } from '../../src/sinks/analysis/nosql';
import { checkPath } from '../../src/sinks/analysis/path';
import { checkShell, checkArgv, shellScriptOf } from '../../src/sinks/analysis/shell';
import { checkSql, tokenizeSql, type SqlDialect } from '../../src/sinks/analysis/sql';
import { checkSsrf, classifyIp, hostFromInput, ipKind } from '../../src/sinks/analysis/ssrf';
import type { UserInput } from '../../src/sinks/context';

const inp = (value: string, path = 'body.x'): UserInput => ({ value, source: 'body', path });
const sql = (q: string, u: string, d: SqlDialect = 'sqlite') => checkSql(q, [inp(u)], [u.toLowerCase()], d);

t.test('shell: input that adds shell syntax is an injection', async (t) => {
  const bad: Array<[string, string]> = [
    ['ls /tmp/a; rm -rf /', 'a; rm -rf /'],
    ["cat '/tmp/x'; touch /tmp/p; echo ''", "x'; touch /tmp/p; echo '"],
    ['echo "$(id)"', '$(id)'],
    ['echo "`id`"', '`id`'],
    ['ping -c1 8.8.8.8 && id', '8.8.8.8 && id'],
    ['convert in.png out.png | sh', 'out.png | sh'],
    ['cat file\nid', 'file\nid'],
    ['echo hello world', 'hello world'],
    ['ls ${HOME}', '${HOME}'],
    ['cat /tmp/*', '/tmp/*'],
    ['echo hi > /tmp/owned', 'hi > /tmp/owned'],
  ];
  for (const [cmd, u] of bad) t.ok(checkShell(cmd, [inp(u)]), `${JSON.stringify(cmd)} with ${JSON.stringify(u)}`);
});

t.test('shell: input that stays inside its quotes or word is safe', async (t) => {
  const good: Array<[string, string]> = [
    ["cat '/tmp/my file.txt'", 'my file.txt'],
    ['cat "/tmp/my file.txt"', 'my file.txt'],
    ['echo "O\'Brien"', "O'Brien"],
    ["echo 'a; rm -rf /'", 'a; rm -rf /'],
    ["echo 'price: $5 & \"quotes\"'", 'price: $5 & "quotes"'],
    ['ls /tmp/report-2024.pdf', 'report-2024.pdf'],
    ['grep -c needle haystack.txt', 'needle'],
    ['echo "cost 5$"', 'cost 5$'],
  ];
  for (const [cmd, u] of good) t.notOk(checkShell(cmd, [inp(u)]), `${JSON.stringify(cmd)} with ${JSON.stringify(u)}`);
});

t.test('shell: argv calls', async (t) => {
  t.equal(shellScriptOf('/bin/sh', ['-c', 'echo hi']), 'echo hi');
  t.equal(shellScriptOf('ls', ['-c', 'x']), undefined);
  t.ok(checkArgv('/usr/bin/evil', [], [inp('/usr/bin/evil')]), 'program from input');
  t.ok(checkArgv('node', ['-e', 'require("child_process").exec("id")'], [inp('require("child_process").exec("id")')]), 'node -e');
  t.notOk(checkArgv('convert', ['my file.png', 'out.jpg'], [inp('my file.png')]), 'argument is just an argument');
});

t.test('sql: injections by dialect', async (t) => {
  t.ok(sql("SELECT * FROM users WHERE name = 'x' OR '1'='1'", "x' OR '1'='1"), 'tautology');
  t.ok(sql('SELECT * FROM users WHERE id = 1 OR 1=1', '1 OR 1=1'), 'numeric context');
  t.ok(sql("DELETE FROM t WHERE id = '1'; DROP TABLE t; --'", "1'; DROP TABLE t; --"), 'stacked');
  t.ok(sql('SELECT * FROM t WHERE id = 1 -- AND secret = 0', '1 --'), 'comment');
  t.ok(sql('SELECT * FROM t WHERE id = 1 /* AND owner = 2', '1 /*'), 'open block comment');
  // MySQL: a trailing backslash in one value escapes the closing quote; the next value is then code.
  const q = "SELECT * FROM t WHERE a = 'x\\' AND b = ' OR 1=1 -- '";
  t.ok(sql(q, ' OR 1=1 -- ', 'mysql'), 'mysql: backslash-escaped quote exposes the next value');
  t.notOk(sql(q, ' OR 1=1 -- ', 'sqlite'), 'sqlite: backslash is literal, the value stays quoted');
  t.ok(sql('SELECT * FROM t ORDER BY name; DROP TABLE t', 'name; DROP TABLE t'), 'order by');
  t.ok(sql('SELECT $$a$$ || $$b$$ || version()', "b$$ || version()", 'postgres'), 'dollar quote');
  t.ok(sql("SELECT * FROM t WHERE name = 'O'Brien'", "O'Brien"), 'apostrophe left unescaped breaks the literal');
});

t.test('sql: values that stay in their literal are safe', async (t) => {
  t.notOk(sql("SELECT * FROM t WHERE name = 'O''Brien'", "O''Brien"), 'doubled quote inside literal');
  t.notOk(sql("SELECT * FROM t WHERE note = 'a; DROP TABLE t; --'", 'a; DROP TABLE t; --'), 'sql-looking text inside a literal');
  t.notOk(sql('SELECT * FROM t WHERE id = 42', '42'), 'number');
  t.notOk(sql('SELECT * FROM t WHERE id IN (1, 2, 3)', '1, 2, 3'), 'number list');
  t.notOk(sql('SELECT * FROM t WHERE n > -5', '-5'), 'signed number');
  t.notOk(sql('SELECT * FROM t ORDER BY users.name', 'users.name'), 'qualified name');
  t.notOk(sql('SELECT * FROM t WHERE a = ?', "x' OR 1=1"), 'parameter: input not in the text');
  t.notOk(sql('SELECT "O\'Brien" FROM t', "O'Brien", 'mysql'), 'mysql double-quoted string');
  t.notOk(sql("SELECT * FROM t WHERE a = E'it\\'s'", "it\\'s", 'postgres'), 'postgres E string');
  const toks = tokenizeSql("SELECT 'a''b', \"c\", `d` -- x\n/* y */ 1", 'sqlite');
  t.same(toks.map((x) => x.kind), [5, 1, 10, 2, 10, 2, 3, 3, 4]);
});

t.test('js: eval and Function', async (t) => {
  t.ok(checkJs("var r = 1 + 1; require('child_process').execSync('id')", [inp("1; require('child_process').execSync('id')")]), 'statement injection');
  t.ok(checkJs("var name = 'x'; process.exit(1); //'", [inp("x'; process.exit(1); //")]), 'string break-out');
  t.ok(checkJs('(' + '{"a":1}, require("fs")' + ')', [inp('{"a":1}, require("fs")')]), 'json followed by code');
  t.ok(checkJs('`${x}` + `a${process.env}`', [inp('a${process.env}')]), 'template expression');
  t.notOk(checkJs('(' + '{"a":[1,2,"x y"]}' + ')', [inp('{"a":[1,2,"x y"]}')]), 'a JSON value is data');
  t.notOk(checkJs("var s = 'hello (world); x'", [inp('hello (world); x')]), 'inside a string');
  t.notOk(checkJs('var n = -5 * 2', [inp('-5')]), 'signed number');
  t.ok(checkJs("var s = '{\"a\":\"'+require('x')+'\"}'", [inp('{"a":"\'+require(\'x\')+\'"}')]), 'JSON input that closes the surrounding literal');
});

t.test('path: traversal that leaves the directory', async (t) => {
  t.ok(checkPath('/var/task/files/../../../etc/passwd', [inp('../../../etc/passwd')], '/var/task'), 'concatenated');
  t.ok(checkPath('/etc/passwd', [inp('/etc/passwd')], '/var/task'), 'absolute from input');
  t.ok(checkPath('/etc/passwd', [inp('../../../etc/passwd')], '/var/task'), 'normalized by path.join');
  t.ok(checkPath('../secret.txt', [inp('../secret.txt')], '/var/task'), 'relative to cwd');
  t.notOk(checkPath('/var/task/files/a/../b.txt', [inp('a/../b.txt')], '/var/task'), 'traversal that stays inside');
  t.notOk(checkPath('/var/task/files/my report.pdf', [inp('my report.pdf')], '/var/task'), 'plain name');
  t.notOk(checkPath('/data/report-../../x', [inp('../../x')], '/'), 'no segment boundary: no traversal');
  t.notOk(checkPath('/var/task/public/static/app.css', [inp('/static/app.css')], '/var/task'), 'route path under a base dir');
  // Windows (win32 rules on any host): path.win32.resolve turns `/` into `\`, so `//host/share/x`
  // reaches fs as the UNC path `\\host\share\x` (SMB to that host); a root-relative input lands
  // on the current drive (`C:\Windows\win.ini`). path.join keeps both under the base.
  const W = 'C:\\app\\files';
  t.ok(checkPath('\\\\evil.example.com\\share\\x', [inp('//evil.example.com/share/x')], W, true), 'forward-slash UNC, resolved');
  t.ok(checkPath('\\\\evil.example.com\\share\\x', [inp('\\\\evil.example.com\\share\\x')], W, true), 'UNC verbatim');
  t.ok(checkPath('C:\\Windows\\win.ini', [inp('/Windows/win.ini')], W, true), 'root-relative, resolved onto the drive');
  t.ok(checkPath('C:\\Windows\\win.ini', [inp('\\Windows\\win.ini')], W, true), 'root-relative with backslashes');
  t.notOk(checkPath('C:\\app\\files\\evil.example.com\\share\\x', [inp('//evil.example.com/share/x')], W, true), 'joined: stays under the base');
  t.notOk(checkPath('C:\\app\\files\\docs\\a.txt', [inp('docs/a.txt')], W, true), 'relative name with /');
});

t.test('ssrf: address classes and host from input', async (t) => {
  t.equal(classifyIp('127.0.0.1'), 'loopback');
  t.equal(classifyIp('10.1.2.3'), 'private');
  t.equal(classifyIp('172.31.255.1'), 'private');
  t.equal(classifyIp('172.32.0.1'), 'public');
  t.equal(classifyIp('169.254.169.254'), 'metadata');
  t.equal(classifyIp('169.254.1.1'), 'link-local');
  t.equal(classifyIp('100.100.100.200'), 'metadata');
  t.equal(classifyIp('::1'), 'loopback');
  t.equal(classifyIp('[::ffff:169.254.169.254]'), 'metadata');
  t.equal(classifyIp('::ffff:7f00:1'), 'loopback');
  t.equal(classifyIp('fd00:ec2::254'), 'metadata');
  t.equal(classifyIp('fe80::1'), 'link-local');
  t.equal(classifyIp('8.8.8.8'), 'public');
  t.equal(classifyIp('example.com'), undefined);
  t.ok(hostFromInput('127.0.0.1', [inp('http://0x7f.1:9001/2018-06-01/runtime/invocation/next')]), 'obfuscated IP normalizes');
  t.ok(hostFromInput('127.0.0.1', [inp('2130706433')]), 'decimal IP');
  t.ok(checkSsrf('metadata.google.internal', undefined, [inp('http://metadata.google.internal/computeMetadata/v1/')], undefined, []), 'metadata name');
  t.ok(checkSsrf('evil.example', '169.254.169.254', [inp('http://evil.example/')], undefined, []), 'name resolving to metadata (rebinding)');
  t.notOk(checkSsrf('db.internal', '10.0.0.5', [inp('hello')], undefined, []), 'internal call not from input');
  t.notOk(checkSsrf('api.example.com', '93.184.216.34', [inp('https://api.example.com/')], undefined, []), 'public destination');
  t.ok(checkSsrf('127.0.0.1', undefined, [inp('127.0.0.1:9001')], undefined, [{ host: '127.0.0.1', port: '9001', what: 'the Lambda runtime API' }])?.reason.includes('runtime API'));
});

t.test('nosql: operator objects from input', async (t) => {
  const ops = [{ value: { $ne: null } as Record<string, unknown>, source: 'body' as const, path: 'body.password' }];
  t.ok(checkMongoFilter({ user: 'admin', password: { $ne: null } }, ops, []), 'operator from input');
  t.notOk(checkMongoFilter({ user: 'admin', password: 'secret' }, ops, []), 'plain values');
  t.notOk(checkMongoFilter({ age: { $gt: 18 } }, ops, []), 'the application’s own operator');
  t.ok(checkMongoFilter({ $where: "this.name == 'a' || true" }, [], [inp("a' || true")]), '$where with input');
});

t.test('ipKind agrees with net.isIP (it exists only to skip Node\'s costly first IPv6 regex compile)', async (t) => {
  const { isIP } = await import('node:net');
  const fixed = [
    '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::2',
    '1::2:', 'fe80::1%eth0', 'fe80::1%', '::ffff:1.2.3.4', '::ffff:1.2.3', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3.4', '12345::', 'g::1', '[::1]', '::ffff:01.2.3.4', '1.2.3.4', '01.2.3.4', '256.1.1.1', 'A:B::', '1:::2',
    ':::', '1::2%a%b', 'fe80::%1', 'metadata.google.internal', '*.amazonaws.com', '', 'fd00:ec2::254',
    // IPv4 edge cases (ipKind scans IPv4 itself instead of loading node:net).
    '0.0.0.0', '255.255.255.255', '255.255.255.256', '1.2.3.4.', '.1.2.3.4', '1.2.3', '1..2.3', '1.2.3.04', '00.1.2.3', '1.2.3.4 ',
    ' 1.2.3.4', '1.2.3.4\n', '1.2.3.4/8', '1.2.3.-4', '+1.2.3.4', '1234.1.1.1', '1.2.3.4.5', '\u0661.2.3.4', '1e2.1.1.1', '99.99.99.99',
  ];
  for (const s of fixed) t.equal(ipKind(s), isIP(s), JSON.stringify(s));
  // Seeded random strings over the characters that matter.
  const parts = ['0', '1', 'f', 'F', 'a', 'g', ':', '::', '.', '%', '1.2.3.4', 'ffff', '255', 'z', '12345'];
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let diffs = 0;
  for (let i = 0; i < 50_000; i++) {
    let s = '';
    for (let k = 1 + Math.floor(rnd() * 10); k > 0; k--) s += parts[Math.floor(rnd() * parts.length)];
    if (ipKind(s) !== isIP(s)) diffs++;
  }
  t.equal(diffs, 0, '50,000 random strings');
});
