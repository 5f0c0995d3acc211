/**
 * Complete attacks the sink checks let through before session 20's red team (helper hE), each with the
 * real module doing the harm (a marker file created, a secret read, a stand-in metadata server
 * answering), and the benign forms next to them that must keep working:
 *
 * - child_process: `spawn(cmd, undefined|null, { shell: true })` (Node reads the options from the
 *   third argument), `sh -c` behind a wrapper (`timeout`, `env`, `nice`, `xargs`), the script after
 *   `-c --`, `su`/`script` `-c`, and a script or interpreter code given on a sync call's stdin;
 * - child_process: code-loading environment variables (NODE_OPTIONS, LD_PRELOAD...) set from input;
 * - fs: a `file:` URL resolved from input with backslashes (WHATWG reads them as `/`), and a JSON
 *   object Node duck-types as a file URL (its percent-decoded pathname is in no input);
 * - mongodb (drivers.test.ts): sub-pipelines, $function outside $match, bulkWrite filters;
 * - fetch: a URL whose host came from input answering 302 to the metadata address;
 * - code: the async and generator function constructors.
 *
 * The first part drives the checks through runWithInvocation (as exploits.test.ts does); the last test
 * drives the fetch redirect and a wrapped shell through the real Lambda protect() with the input
 * detectors off, in block and in monitor mode.
 */
import t, { type Test } from 'tap';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { protect } from '../../adapters/aws-lambda/index';
import { installSinks, uninstallSinks, runWithInvocation, SinkBlockedError, findSinkBlock, type SinkFinding } from '../../src/sinks/index';
import { checkPath } from '../../src/sinks/analysis/path';
import { resolvePolicies } from '../../src/sinks/policies';
import { readsCodeFromStdin, shellScriptOf, unwrapCommand, commandOptionScript } from '../../src/sinks/analysis/shell';
import type { UserInput } from '../../src/sinks/context';
import { httpRequest, tempDir } from './helpers';

const dir = tempDir('rasp-redteam-');
// References taken before the sinks are installed, as `const { execSync } = require('child_process')`
// above the line that loads the library does in a CommonJS handler.
const early = { execSync: cp.execSync, execFileSync: cp.execFileSync, spawnSync: cp.spawnSync, spawn: cp.spawn, exec: cp.exec };
installSinks({ sinks: { eval: true } });
t.teardown(() => uninstallSinks());

const findings: SinkFinding[] = [];
const run = <T>(body: unknown, fn: () => T, mode: 'block' | 'monitor' = 'block'): T =>
  runWithInvocation({ requests: httpRequest(body), mode, report: (f) => findings.push(f), requestId: 'req-rt' }, fn);
const marker = path.join(dir, 'pwned');
const pwned = (): boolean => fs.existsSync(marker);
const reset = (): void => fs.rmSync(marker, { force: true });
const INJECT = `x; touch ${marker}`;
const inp = (value: string): UserInput => ({ value, source: 'body', path: 'body.x' });

t.test('analysis: the script a shell runs, through wrappers and options', async (t) => {
  t.equal(shellScriptOf('bash', ['-c', '--', 'echo $x']), 'echo $x', '-c --');
  t.equal(shellScriptOf('sh', ['-c', '-e', 'echo hi']), 'echo hi', 'options after -c');
  t.equal(shellScriptOf('bash', ['-c', '-o', 'pipefail', 'a | b']), 'a | b', '-o takes a value');
  t.equal(shellScriptOf('sh', ['-c', 'echo "$1"', 'sh', 'data']), 'echo "$1"', 'positional parameters are not the script');
  t.equal(shellScriptOf('cmd.exe', ['/c', 'dir']), 'dir');
  t.same(unwrapCommand('/usr/bin/timeout', ['-s', 'KILL', '5', 'sh', '-c', 'x']), { file: 'sh', args: ['-c', 'x'] });
  t.same(unwrapCommand('env', ['LANG=C', 'python3', '-c', 'x']), { file: 'python3', args: ['-c', 'x'] });
  t.equal(unwrapCommand('grep', ['sh', 'file']), undefined, 'not a wrapper');
  t.equal(unwrapCommand('timeout', ['5', 'convert', 'a.png']), undefined, 'wrapper of no shell');
  t.equal(commandOptionScript('su', ['-c', 'id', 'app']), 'id');
  t.equal(commandOptionScript('script', ['-qc', 'id', '/dev/null']), 'id');
  t.equal(commandOptionScript('flock', ['/tmp/l', '--command=id']), 'id');
  t.equal(readsCodeFromStdin('bash', []), 'shell');
  t.equal(readsCodeFromStdin('sh', ['-s', 'a']), 'shell');
  t.equal(readsCodeFromStdin('sh', ['script.sh']), undefined, 'a script file: stdin is data');
  t.equal(readsCodeFromStdin('python3', ['-']), 'interpreter');
  t.equal(readsCodeFromStdin('node', ['app.js']), undefined);
  t.equal(readsCodeFromStdin('convert', []), undefined);
});

t.test('review rB: a shell or interpreter name as the wrapped command\'s argument is not the command', async (t) => {
  // grep's pattern, not the program: grep's standard input (the user's text) is data.
  t.equal(unwrapCommand('timeout', ['5', 'grep', '-c', 'node', '-']), undefined, 'timeout 5 grep -c node -');
  t.equal(unwrapCommand('nice', ['grep', '-ci', 'bash']), undefined, 'nice grep -ci bash');
  t.equal(unwrapCommand('env', ['LANG=C', 'awk', '/sh/']), undefined);
  // The wrapped shells and interpreters stay found, behind options, values, numbers and other wrappers.
  t.same(unwrapCommand('timeout', ['-k', '1m', '--signal=KILL', '5s', 'sh', '-c', 'x']), { file: 'sh', args: ['-c', 'x'] });
  t.same(unwrapCommand('sudo', ['-u', 'app', '--', 'bash', '-c', 'x']), { file: 'bash', args: ['-c', 'x'] });
  t.same(unwrapCommand('xargs', ['-I', '{}', 'sh', '-c', 'x']), { file: 'sh', args: ['-c', 'x'] });
  t.same(unwrapCommand('xargs', ['-0', 'sh', '-c', 'x']), { file: 'sh', args: ['-c', 'x'] });
  t.same(unwrapCommand('chroot', ['/srv/root', 'sh', '-c', 'x']), { file: 'sh', args: ['-c', 'x'] });
  t.same(unwrapCommand('taskset', ['0x3', 'python3', '-']), { file: 'python3', args: ['-'] });
  t.same(unwrapCommand('busybox', ['timeout', '5', 'sh', '-c', 'x']), { file: 'timeout', args: ['5', 'sh', '-c', 'x'] });
  const text = 'hello world, find me some stuff';
  t.doesNotThrow(() => run({ q: text }, () => cp.execFileSync('timeout', ['5', 'grep', '-c', 'node', '-'], { input: `${text}\nnode\n` })), 'user text piped to grep through timeout runs');
});

t.test('review rB: a large data stdin is not decoded (ERR_STRING_TOO_LONG thrown by the check)', async (t) => {
  // 600 MB piped to wc: more than V8's longest string; the check decoded it before knowing wc reads data.
  const big = Buffer.alloc(600_000_000, 97);
  const out = run({ q: 'hello world' }, () => cp.execFileSync('wc', ['-c'], { input: big }));
  t.equal(String(out).trim(), '600000000');
});

t.test('analysis: file: URL backslashes climb, literal backslashes in a POSIX name do not', async (t) => {
  const base = '/srv/app/public';
  const url = (u: string): string => new URL(u, `file://${base}/`).pathname;
  t.ok(checkPath(url('..\\..\\..\\etc\\passwd'), [inp('..\\..\\..\\etc\\passwd')], '/', false), 'URL-resolved backslashes');
  t.ok(checkPath(url('..\\../etc/passwd'), [inp('..\\../etc/passwd')], '/', false), 'mixed');
  t.notOk(checkPath(`${base}/..\\x`, [inp('..\\x')], '/', false), 'a POSIX file named ..\\x stays inside');
  t.notOk(checkPath(url('a\\..\\b.txt'), [inp('a\\..\\b.txt')], '/', false), 'traversal that stays inside');
});

t.test('child_process: complete attacks now blocked', async (t) => {
  const attacks: Array<[string, () => unknown]> = [
    ['spawnSync(cmd, undefined, { shell })', () => cp.spawnSync(`echo ${INJECT}`, undefined as unknown as string[], { shell: true })],
    ['spawnSync(cmd, null, { shell })', () => cp.spawnSync(`echo ${INJECT}`, null as unknown as string[], { shell: true })],
    ['execFileSync(cmd, null, { shell })', () => cp.execFileSync(`echo ${INJECT}`, null as unknown as string[], { shell: '/bin/sh' })],
    ['timeout 5 sh -c', () => cp.execFileSync('timeout', ['5', 'sh', '-c', `echo ${INJECT}`])],
    ['env LANG=C bash -c', () => cp.execFileSync('/usr/bin/env', ['LANG=C', 'bash', '-c', `echo ${INJECT}`])],
    ['nice -n 5 sh -c', () => cp.execFileSync('nice', ['-n', '5', 'sh', '-c', `echo ${INJECT}`])],
    ['xargs -0 sh -c', () => cp.execFileSync('xargs', ['-0', 'sh', '-c', `echo ${INJECT}`], { input: '' })],
    ['bash -c -- script', () => cp.execFileSync('bash', ['-c', '--', `echo ${INJECT}`])],
    ['script -qc', () => cp.execFileSync('script', ['-qc', `echo ${INJECT}`, '/dev/null'])],
    ['execSync(bash, { input })', () => cp.execSync('bash', { input: `echo ${INJECT}` })],
    ['spawnSync(sh, [-s], { input })', () => cp.spawnSync('sh', ['-s'], { input: `echo ${INJECT}` })],
    ['execFileSync(env, [bash], { input: Buffer })', () => cp.execFileSync('env', ['bash'], { input: Buffer.from(`echo ${INJECT}`) })],
  ];
  for (const [name, fn] of attacks) {
    reset();
    t.throws(() => run({ x: INJECT }, fn), SinkBlockedError, name);
    t.notOk(pwned(), `${name}: no marker`);
  }
  // async spawn with undefined args: the block is thrown by spawn itself.
  reset();
  t.throws(() => run({ x: INJECT }, () => cp.spawn(`echo ${INJECT}`, undefined as unknown as string[], { shell: true })), SinkBlockedError, 'spawn(cmd, undefined, { shell })');
  // node reading its program from stdin.
  const code = `1);require('fs').writeFileSync(${JSON.stringify(marker)},'x');(1`;
  t.throws(() => run({ x: code }, () => cp.execFileSync(process.execPath, [], { input: `console.log(${code})` })), SinkBlockedError, 'node code on stdin');
  t.notOk(pwned(), 'node: no marker');
});

t.test('child_process: functions taken before install are checked at the choke points', async (t) => {
  t.not(early.execSync, cp.execSync, 'the early reference is the unpatched original');
  const cases: Array<[string, () => unknown]> = [
    ['execSync', () => early.execSync(`echo ${INJECT}`)],
    ['spawnSync with shell', () => early.spawnSync('echo', [INJECT], { shell: true })],
    ['execFileSync timeout sh -c', () => early.execFileSync('timeout', ['5', 'sh', '-c', `echo ${INJECT}`])],
    ['execSync(bash, { input })', () => early.execSync('bash', { input: `echo ${INJECT}` })],
    ['spawn with shell', () => early.spawn(`echo ${INJECT}`, { shell: true })],
    ['exec', () => early.exec(`echo ${INJECT}`)],
  ];
  for (const [name, fn] of cases) {
    reset();
    t.throws(() => run({ x: INJECT }, fn), SinkBlockedError, name);
  }
  await new Promise((r) => setTimeout(r, 200));
  t.notOk(pwned(), 'no marker');
  // Benign calls through the early references run; a patched call is checked once, not twice.
  t.equal(run({ x: 'hello' }, () => early.execSync('echo hello').toString().trim()), 'hello');
  t.equal(run({ x: INJECT }, () => early.execFileSync('echo', [INJECT]).toString().trim()), INJECT, 'argv data');
  findings.length = 0;
  t.throws(() => run({ x: INJECT }, () => cp.execSync(`echo ${INJECT}`)), SinkBlockedError);
  t.equal(findings.filter((f) => f.rule === 'sink.shell').length, 1, 'one finding for a patched call');
  t.equal(findings[0]?.operation, 'child_process.execSync');
  findings.length = 0;
  run({ x: INJECT }, () => early.execSync(`echo ${INJECT}`), 'monitor');
  t.equal(findings.filter((f) => f.rule === 'sink.shell').length, 1, 'monitor: one finding');
  t.ok(pwned(), 'monitor: ran');
  reset();
});

t.test('child_process: the childProcess policy at the choke points sees the command, not /bin/sh', async (t) => {
  const policies = resolvePolicies({ childProcess: { action: 'block', allow: ['echo'] } }, {});
  const inv = <T>(fn: () => T): T => runWithInvocation({ requests: httpRequest({}), policies }, fn);
  t.equal(inv(() => early.execSync('echo ok').toString().trim()), 'ok', 'allowed program through an early reference');
  t.throws(() => inv(() => early.execSync('ls /')), SinkBlockedError, 'forbidden program through an early reference');
});

t.test('child_process: benign forms still run', async (t) => {
  reset();
  const out = (b: Buffer | string): string => b.toString().trim();
  t.equal(out(run({ x: INJECT }, () => cp.execFileSync('sh', ['-c', 'echo "$1"', 'sh', INJECT]))), INJECT, 'positional parameter');
  t.equal(out(run({ x: INJECT }, () => cp.execFileSync('timeout', ['5', 'echo', INJECT]))), INJECT, 'wrapper of an argv program');
  t.equal(out(run({ x: INJECT }, () => cp.execSync('cat', { input: INJECT }))), INJECT, 'stdin of a non-shell program is data');
  t.equal(out(run({ x: INJECT }, () => cp.execFileSync('sh', ['-c', 'cat'], { input: INJECT }))), INJECT, 'stdin of sh -c script is data');
  t.equal(out(run({ x: 'report' }, () => cp.spawnSync('echo report', undefined as unknown as string[], { shell: true }).stdout)), 'report', 'shell command without input syntax');
  t.notOk(pwned());
});

t.test('fs: file: URL with backslashes out of the public directory', async (t) => {
  const pub = path.join(dir, 'a', 'b', 'public');
  fs.mkdirSync(pub, { recursive: true });
  fs.writeFileSync(path.join(pub, 'ok.txt'), 'fine');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
  const read = (x: string): string => fs.readFileSync(new URL(x, `file://${pub}/`), 'utf8');
  t.throws(() => run({ x: '..\\..\\..\\secret.txt' }, () => read('..\\..\\..\\secret.txt')), SinkBlockedError);
  t.equal(run({ x: 'ok.txt' }, () => read('ok.txt')), 'fine');
  t.equal(run({ x: 'x\\..\\ok.txt' }, () => read('x\\..\\ok.txt')), 'fine', 'stays inside');
});

t.test('fs: a JSON object read by Node as a file URL', async (t) => {
  fs.writeFileSync(path.join(dir, 'secret2.txt'), 'SECRET2');
  // The body's `file` is an object, not the string the handler expected; Node duck-types it as a URL.
  const file = { href: 'x', protocol: 'file:', hostname: '', pathname: `${dir}/secre%742.txt` };
  const read = (f: unknown): string => fs.readFileSync(f as string, 'utf8');
  t.equal(read(file), 'SECRET2', 'Node reads it (outside an invocation)');
  t.throws(() => run({ file }, () => read(file)), SinkBlockedError, 'readFileSync(object)');
  const e = await run({ file }, () => fs.promises.readFile(file as unknown as string, 'utf8')).then(
    () => undefined,
    (err: unknown) => err,
  );
  t.ok(findSinkBlock(e), 'fs.promises.readFile(object)');
  // A Uint8Array that is not a Buffer is a path to Node too.
  const enc = new TextEncoder().encode(`${dir}/a/../../${path.basename(dir)}/secret2.txt`);
  t.throws(() => run({ p: `../../${path.basename(dir)}/secret2.txt` }, () => fs.readFileSync(enc as unknown as string, 'utf8')), SinkBlockedError, 'Uint8Array path');
  // A real URL instance the application built is not this shape.
  t.equal(run({ name: 'secret2.txt' }, () => fs.readFileSync(new URL(`file://${dir}/secret2.txt`), 'utf8')), 'SECRET2');
});

t.test('child_process: code-loading environment variables from input', async (t) => {
  reset();
  const payload = `require('fs').writeFileSync(${JSON.stringify(marker)},'x')`;
  const env = { ...process.env, NODE_OPTIONS: '--require /proc/self/environ', X: `1;${payload};//` };
  t.throws(() => run({ env: { NODE_OPTIONS: '--require /proc/self/environ' } }, () => cp.execFileSync(process.execPath, ['-p', '1'], { env })), SinkBlockedError, 'NODE_OPTIONS');
  t.throws(() => run({ pre: `${dir}/evil.so` }, () => cp.spawnSync('true', [], { env: { LD_PRELOAD: `${dir}/evil.so` } })), SinkBlockedError, 'LD_PRELOAD');
  t.throws(() => run({ f: '() { id; }' }, () => cp.execSync('true', { env: { 'BASH_FUNC_ls%%': '() { id; }' } })), SinkBlockedError, 'exported bash function');
  t.notOk(pwned());
  t.equal(run({ lang: 'de_DE.UTF-8' }, () => cp.execFileSync('sh', ['-c', 'echo $LANG'], { env: { LANG: 'de_DE.UTF-8' } }).toString().trim()), 'de_DE.UTF-8', 'other variables from input are data');
  t.equal(run({ ed: 'vi' }, () => cp.execFileSync('true', [], { env: { EDITOR: 'vim' } }).toString()), '', 'a word inside a value is no choice');
  // A pager or editor variable set to a program that only shows or accepts text: an input equal to it
  // (a search for `cat`) chose nothing that runs code. An interpreter, `env` or `ed` there still is.
  t.equal(run({ q: 'cat' }, () => cp.execFileSync('true', [], { env: { GIT_PAGER: 'cat' } }).toString()), '', 'GIT_PAGER=cat with an input cat');
  t.equal(run({ q: 'true' }, () => cp.execFileSync('/bin/echo', ['-n'], { env: { GIT_EDITOR: 'true', PAGER: 'less' } }).toString()), '', 'GIT_EDITOR=true with an input true');
  t.throws(() => run({ q: 'sh' }, () => cp.execFileSync('true', [], { env: { GIT_PAGER: 'sh' } })), SinkBlockedError, 'GIT_PAGER=sh from input');
  t.throws(() => run({ q: 'env' }, () => cp.execFileSync('true', [], { env: { PAGER: 'env' } })), SinkBlockedError, 'PAGER=env from input');
  t.throws(() => run({ q: 'ed' }, () => cp.execFileSync('true', [], { env: { EDITOR: 'ed' } })), SinkBlockedError, 'EDITOR=ed from input');
  t.throws(() => run({ q: 'cat' }, () => cp.execFileSync('true', [], { env: { LD_PRELOAD: 'cat' } })), SinkBlockedError, 'a loader variable is no pager');
  t.throws(() => run({ q: '|id %s' }, () => cp.execFileSync('true', [], { env: { LESSOPEN: '|id %s' } })), SinkBlockedError, 'LESSOPEN from input');
  // The function's own environment, passed on unchanged, is not input even when an input resembles it.
  process.env.LD_LIBRARY_PATH = '/var/lang/lib:/var/task:/opt/lib';
  t.teardown(() => delete process.env.LD_LIBRARY_PATH);
  t.equal(run({ dir: '/var/task' }, () => cp.execFileSync('true', [], { env: { ...process.env } }).toString()), '', 'inherited LD_LIBRARY_PATH');
  t.equal(run({ dir: '/var/task' }, () => early.execFileSync('true', []).toString()), '', 'inherited, at the choke point');
});

t.test('code: async and generator function constructors', async (t) => {
  const x = `(require('fs').writeFileSync(${JSON.stringify(marker)},'x'),1)`;
  reset();
  // eslint-disable-next-line @typescript-eslint/no-empty-function
  const AsyncFunction = (async () => {}).constructor as new (...a: string[]) => (...b: unknown[]) => Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-empty-function
  const GeneratorFunction = (function* () {}).constructor as (...a: string[]) => (...b: unknown[]) => Generator;
  t.throws(() => run({ x }, () => new AsyncFunction('require', `return ${x}`)), SinkBlockedError, 'AsyncFunction');
  t.throws(() => run({ x }, () => GeneratorFunction('require', `yield ${x}`)), SinkBlockedError, 'GeneratorFunction');
  t.notOk(pwned());
  t.equal(await run({ x: '41' }, () => new AsyncFunction('a', 'return a + 1')(41)), 42, 'benign code runs');
  t.ok((async () => 1)() instanceof Promise);
  t.equal((async () => {}).constructor.name, 'AsyncFunction');
});

// A Unix-socket dispatcher stands in for the internet and the metadata service: the socket hook does
// not see Unix sockets, so only the fetch layer's redirect check can stop the second hop.
async function redirectWorld(t: Test): Promise<{ dispatcher: object; hits: () => number }> {
  const sock = path.join(dir, `web-${process.hrtime.bigint()}.sock`);
  let meta = 0;
  const server = http.createServer((req, res) => {
    if ((req.headers.host ?? '').startsWith('public.example')) {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/role' });
      res.end();
      return;
    }
    if ((req.headers.host ?? '').startsWith('169.254.169.254')) meta++;
    res.end(`answer from ${req.headers.host}`);
  });
  await new Promise<void>((r) => server.listen(sock, () => r()));
  t.teardown(() => server.close());
  // Node's bundled undici Agent (no dependency on the undici package): the global dispatcher's class.
  const g = globalThis as unknown as Record<symbol, object | undefined>;
  const key = Symbol.for('undici.globalDispatcher.1');
  if (g[key] === undefined) await fetch('http://127.0.0.1:1/').catch(() => undefined);
  const Agent = (g[key] as { constructor: new (o: unknown) => object }).constructor;
  return { dispatcher: new Agent({ connect: { socketPath: sock } }), hits: () => meta };
}

t.test('fetch: a redirect from an input-chosen host to the metadata address', async (t) => {
  const w = await redirectWorld(t);
  const url = 'http://public.example/go';
  const get = (init: object): Promise<string> => fetch(url, init).then((r) => r.text());
  const e = await run({ url }, () => get({ dispatcher: w.dispatcher })).then(
    () => undefined,
    (err: unknown) => err,
  );
  const block = findSinkBlock(e);
  t.ok(block, 'blocked');
  t.equal(block?.finding.operation, 'fetch (redirect)');
  t.equal(w.hits(), 0, 'the metadata stand-in was never reached');
  // A Request carrying its own dispatcher.
  const e2 = await run({ url }, () => fetch(new Request(url, { dispatcher: w.dispatcher } as RequestInit)).then((r) => r.text())).then(
    () => undefined,
    (err: unknown) => err,
  );
  t.ok(findSinkBlock(e2), 'Request object blocked');
  t.equal(w.hits(), 0);
  // The function's own URL (no input names the host) keeps its redirects, and redirect: 'manual' works.
  t.match(await run({ url: 'something else' }, () => get({ dispatcher: w.dispatcher })), /169\.254\.169\.254/, 'own request follows');
  const manual = await run({ url }, () => fetch(url, { dispatcher: w.dispatcher, redirect: 'manual' } as RequestInit));
  t.equal(manual.status, 302, 'manual redirect untouched');
  // An input-chosen public host that does not redirect: answered, with or without an init.
  t.equal(await run({ url: 'http://other.example/' }, () => fetch(new Request('http://other.example/', { dispatcher: w.dispatcher } as RequestInit)).then((r) => r.text())), 'answer from other.example');
  t.equal(await run({ url: 'http://other.example/' }, () => fetch('http://other.example/', { dispatcher: w.dispatcher, headers: { 'x-a': '1' } } as RequestInit).then((r) => r.text())), 'answer from other.example');
  // Monitor mode: reported, not stopped.
  findings.length = 0;
  t.match(await run({ url }, () => get({ dispatcher: w.dispatcher }), 'monitor'), /169\.254\.169\.254/);
  t.ok(findings.some((f) => f.rule === 'sink.ssrf' && f.operation === 'fetch (redirect)'), 'monitor finding');
});

t.test('through the real Lambda protect(), input detectors off', async (t) => {
  const w = await redirectWorld(t);
  const lines: Array<{ rule?: string; action?: string }> = [];
  const opts = (mode: 'block' | 'monitor') => ({
    mode,
    detectors: { sqli: false, shell: false, 'path-traversal': false, ssrf: false, 'code-injection': false },
    log: () => undefined,
    onSecurityEvent: (e: { rule?: string; action?: string }) => lines.push(e),
  });
  const event = (body: unknown) => ({
    version: '2.0',
    routeKey: 'POST /x',
    rawPath: '/x',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/x', sourceIp: '1.2.3.4', protocol: 'HTTP/1.1', userAgent: 'x' }, requestId: 'r', routeKey: 'POST /x', stage: '$default', time: '', timeEpoch: 0, accountId: '1', apiId: 'a', domainName: 'd', domainPrefix: 'd' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  });
  type Res = { statusCode: number; body: string };
  const preview = protect(async (ev: { body: string }) => {
    const { url } = JSON.parse(ev.body) as { url: string };
    const text = await fetch(url, { dispatcher: w.dispatcher } as RequestInit).then((r) => r.text());
    return { statusCode: 200, body: text };
  }, opts('block')) as unknown as (e: unknown, c: unknown) => Promise<Res>;
  const res = await preview(event({ url: 'http://public.example/go' }), {});
  t.equal(res.statusCode, 403, 'fetch redirect: 403');
  t.equal(w.hits(), 0, 'metadata not reached');
  const convert = protect(async (ev: { body: string }) => {
    const { x } = JSON.parse(ev.body) as { x: string };
    return { statusCode: 200, body: cp.execFileSync('timeout', ['5', 'sh', '-c', `echo ${x}`]).toString() };
  }, opts('block')) as unknown as (e: unknown, c: unknown) => Promise<Res>;
  reset();
  t.equal((await convert(event({ x: INJECT }), {})).statusCode, 403, 'timeout sh -c: 403');
  t.notOk(pwned());
  t.equal((await convert(event({ x: 'hello' }), {})).body.trim(), 'hello', 'benign runs');
  const monitored = protect(async (ev: { body: string }) => {
    const { x } = JSON.parse(ev.body) as { x: string };
    return { statusCode: 200, body: cp.execFileSync('timeout', ['5', 'sh', '-c', `echo ${x}`]).toString() };
  }, opts('monitor')) as unknown as (e: unknown, c: unknown) => Promise<Res>;
  lines.length = 0;
  t.equal((await monitored(event({ x: INJECT }), {})).statusCode, 200, 'monitor: runs');
  t.ok(pwned(), 'monitor: the side effect happened');
  t.ok(lines.some((l) => l.rule === 'sink.shell' && l.action === 'monitor'), 'monitor: logged');
  reset();
});
