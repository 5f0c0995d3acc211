/**
 * Red team, round 8 (session 25): code injection, SSRF and path traversal, the classes with real sinks
 * that rounds 4–7 touched least. Each attack is run in a real sink here (Node's indirect eval and
 * `new Function` as a vulnerable handler uses them, `http.get` to a loopback server that counts what
 * reaches it, `fs.readFileSync(new URL(input, base))` with a secret outside the base) and passed the
 * real Lambda `protect()` at paranoia 1 as a query value and as a JSON body field before this round
 * (but the two marked "already blocked", kept as guards). Each must now be answered 403 in both
 * places; the nearest honest text must still reach the handler. Vectors written for this suite; why
 * each works is said beside it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { loopbackServer, prototypeWritesTest, redteamProtectTests } from '../helpers/redteam';
import { detectCodeInjection } from '../../src/detectors/code-injection';
import { detectPathTraversal } from '../../src/detectors/path-traversal';
import { detectSsrf } from '../../src/detectors/ssrf';

/**
 * `process` handed on as a value rather than named as a chain's root (`process.env` was blocked, the
 * object itself was not): as an expression (`new Function('return ' + input)()`, a calculator), each
 * evaluates to process.env or to something holding it.
 */
const CODE_EXPR: Array<[string, string]> = [
  // Handed to a function expression, which reads the member (destructured or not).
  ['code: process handed to a destructuring arrow function', '(({env})=>env)(process)'],
  ['code: process handed to a destructuring function expression', '(function({env}){return env})(process)'],
  ['code: process handed to an arrow function', '(p=>p.env)(process)'],
  ['code: process handed to Function.prototype.call.call', 'Function.prototype.call.call(f=>f.env,0,process)'],
  ['code: process as this of a function expression, through .call', '(function(){return this.env}).call(process)'],
  // Handed to a built-in that reads or copies an object's members.
  ['code: Object.entries(process)', 'Object.entries(process)'],
  ['code: Object.values(process)', 'Object.values(process)'],
  ['code: Object.assign copies process, then .env', 'Object.assign({},process).env'],
  ['code: Object.getOwnPropertyDescriptor(process, env)', "Object.getOwnPropertyDescriptor(process,'env').value"],
  ['code: Object.fromEntries(Object.entries(process))', 'Object.fromEntries(Object.entries(process)).env'],
  ['code: Array.of(process), element 0', 'Array.of(process)[0].env'],
  // Spread, an array literal taken back out, a group whose value is process.
  ['code: process spread into an object literal', '({...process}).env'],
  ['code: process in an array literal, element 0', '[process][0].env'],
  ['code: process in an array literal, mapped', '[process].map(p=>p.env)'],
  ['code: process in parentheses', '(process).env'],
  ['code: process as the last operand of a comma group', '(0,process).env'],
  ['code: process after && in a group', '(1&&process).env'],
  // Second look: process in an apply's arguments array, as a prototype or proxy target, its member
  // names read then indexed, a call's result (a sloppy function's `this`), the global object handed on.
  ['code: process in Reflect.apply arguments array', 'Reflect.apply(p=>p.env,0,[process])'],
  ['code: process as a Proxy target', 'new Proxy(process,{}).env'],
  ['code: process as the prototype of a new object', 'Object.create(process).env'],
  ['code: process set as an object prototype', 'Object.setPrototypeOf({},process).env'],
  ['code: process member names, then indexed', 'Object.keys(process).map(k=>process[k])'],
  ['code: process read from a sloppy function returning this', '(function(){return this})().process.env'],
  ['code: globalThis handed to an arrow function', '(g=>g.process.env)(globalThis)'],
  ['code: globalThis as the prototype of a new object', 'Object.create(globalThis).process.env'],
];

/** As statements (`(0, eval)(input)`, sloppy global code): each completes with process.env or a string of it. */
const CODE_STMT: Array<[string, string]> = [
  // `with (process)` makes its members bare names.
  ['code: with (process), env as a bare name', 'with(process)env'],
  ['code: spaced with (process), env', 'with (process) env'],
  ['code: with (process), env in a block', 'with(process){env}'],
  ['code: with (process), env stringified', 'with(process)JSON.stringify(env)'],
  // `with (globalThis)`: process then starts a chain as an operand.
  ['code: with (globalThis), process.env', 'with(globalThis)process.env'],
  // Destructuring from process (no dot, no bracket, no parenthesis in the first: the engine's gate
  // for this detector now lets braces through).
  ['code: let-destructuring env from process', 'let {env}=process; env'],
  ['code: const-destructuring env from process under another name', 'const {env:e}=process;e'],
];

/** Writes to Object.prototype as code: every object of the warm instance then has `isAdmin`. */
const CODE_PROTO: Array<[string, string]> = [
  ['code: assignment to a member of Object.prototype', 'Object.prototype.isAdmin=true'],
  ['code: bracket assignment on Object.prototype', "Object.prototype['isAdmin']=1"],
  ['code: Object.assign onto Object.prototype', 'Object.assign(Object.prototype,{isAdmin:1})'],
  ['code: Object.defineProperty on Object.prototype', "Object.defineProperty(Object.prototype,'isAdmin',{value:1,configurable:true,writable:true})"],
  ['code: Reflect.set on Object.prototype', "Reflect.set(Object.prototype,'isAdmin',1)"],
  ['code: Reflect.defineProperty on Object.prototype', "Reflect.defineProperty(Object.prototype,'isAdmin',{value:1,configurable:true,writable:true})"],
  ['code: assignment through Object.getPrototypeOf({})', 'Object.getPrototypeOf({}).isAdmin=1'],
  ['code: assignment through a literal constructor prototype (already blocked)', '({}).constructor.prototype.isAdmin=1'],
];

/** `http.get(new URL('http://' + input))`: each reaches the loopback server (its port put in). */
const SSRF_LOOPBACK: Array<[string, string]> = [
  // A trailing dot after a dotted quad, before the path or port: URL parsers drop it.
  ['ssrf: loopback with a trailing dot, then a path', '127.0.0.1./admin'],
  ['ssrf: loopback with a trailing dot, then a port', '127.0.0.1.:8080'],
  // Hex and octal spellings with a port (they were high with a path only).
  ['ssrf: loopback as one hex number, with a port', '0x7f000001:6379'],
  ['ssrf: loopback as one hex number, with a port and a slash', '0x7f000001:6379/'],
  ['ssrf: loopback in hex short form, with a port', '0x7f.1:6379'],
  ['ssrf: loopback in octal short form, with a port', '0177.1:6379'],
  ['ssrf: loopback in octal dotted form, with a port', '0177.0.0.1:6379'],
  // Userinfo before the unspecified address: Linux connects to 0.0.0.0 and :: as to loopback.
  ['ssrf: empty userinfo before 0.0.0.0', '@0.0.0.0/'],
  ['ssrf: empty userinfo before [::]', '@[::]/admin'],
  ['ssrf: userinfo before 0.0.0.0', 'x@0.0.0.0/admin'],
];

/** The same shapes naming a private or metadata host (the URL parser's host is shown; nothing listens there). */
const SSRF_HOSTS: Array<[string, string, string]> = [
  ['ssrf: a private address with a trailing dot, then a path', '10.0.0.1./admin', '10.0.0.1'],
  ['ssrf: a private address with a trailing dot, then a slash', '192.168.1.1./', '192.168.1.1'],
  ['ssrf: the metadata address as one hex number, with a port', '0xa9fea9fe:80', '169.254.169.254'],
];

/** `fs.readFileSync(new URL(input, 'file:///…/base/'))`: each reads a secret outside the base. */
const PATH_FILE_URL: Array<[string, string]> = [
  // A relative file: URL resolves against the base as the bare path does; `%2e` is a dot there.
  ['path: a relative file: URL climbing one level', 'file:../secret.txt'],
  ['path: a relative FILE: URL in capitals', 'FILE:../secret.txt'],
  ['path: a relative file: URL with %2e%2e', 'file:%2e%2e/secret.txt'],
  ['path: a relative file: URL with %2E%2E', 'file:%2E%2E/secret.txt'],
  ['path: a relative file: URL with .%2e', 'file:.%2e/secret.txt'],
  ['path: a relative file: URL with a backslash (special scheme)', 'file:..\\secret.txt'],
  ['path: a relative file: URL after leading blanks (stripped)', '  file:%2e%2e/secret.txt'],
  ['path: a relative file: URL climbing two levels', 'file:%2e%2e/%2e%2e/top.txt'],
  ['path: a relative file: URL under a name, climbing two levels (already blocked)', 'file:x/../../secret.txt'],
];

const ATTACKS = [...CODE_EXPR, ...CODE_STMT, ...CODE_PROTO, ...SSRF_LOOPBACK, ...SSRF_HOSTS.map(([n, v]) => [n, v] as [string, string]), ...PATH_FILE_URL];

/** The nearest honest text: reaches the handler from both places. */
const BENIGN: string[] = [
  // "process" in prose, in parentheses, brackets, after an ellipsis; a call in a sentence.
  'the (process) is slow',
  'Follow the process (see docs).',
  'Our process, simplified: plan, build, ship.',
  'I call doThing(process) in my script',
  'with (process) in mind we ship',
  '[process](https://example.com/process)',
  '[process][1]',
  'wait...process, then ship',
  'Use a {process} placeholder',
  'process.pid',
  // Library code that hands process to a named function or patches it (350k lines of node_modules
  // code read: these were the only shapes a first draft of the rule took).
  'cwd = origCwd.call(process)',
  'chdir.call(process, d)',
  'send = process.send.bind(process)',
  'Object.defineProperty(process, which, {',
  '(0, mod_1.f)(process)',
  '(0, repl_1.setupContext)(global, module, filenameAndDirname);',
  'const globals = new Set(Object.keys(global));',
  "Object.getOwnPropertyDescriptor(globalThis, 'repl') ? '<repl>' : ''",
  '__classPrivateFieldGet(this, _shim, "f").process.exit(code);',
  // Prototype code that reads or extends a class (no write to Object.prototype).
  'Object.prototype.hasOwnProperty.call(obj, key)',
  'Object.prototype.toString.call(x) === "[object Array]"',
  'if (!Object.prototype.hasOwnProperty) {}',
  'Object.getPrototypeOf(obj) === Foo.prototype',
  'MyClass.prototype.render = function () {}',
  'Array.prototype.includes = function(){}',
  'The prototype (v2) is ready.',
  // Socket addresses that stay below high: short decimal, decimal, listen addresses, text.
  '127.1:6379',
  '2130706433:6379',
  '0.0.0.0:8080',
  'Redis runs on 0x7f000001:6379 in hex',
  'user@localhost/',
  '@0/admin',
  'v1.2.3.4./notes',
  // npm's relative file: dependencies and other relative file: names that do not climb twice.
  'file:../my-lib',
  'file:../packages/core',
  'file:./vendor/lib.tgz',
  'file:lib/x.tgz',
  'see file:README.md',
];

redteamProtectTests(t, {
  functionName: 'redteam-r8',
  attacks: ATTACKS,
  benign: BENIGN,
  byClass: { code: detectCodeInjection, ssrf: detectSsrf, path: detectPathTraversal },
  titles: {
    attacks: 'round 8 attacks are blocked as a query value and as a JSON body field',
    benign: 'the nearest honest text reaches the handler',
  },
});

// ---- The attacks work in the real sinks (no protection installed here) ----

const SECRET = 'rasp-r8-secret-value';

/** process.env, or a value holding it within three levels (an entries array, a copy of process). */
function holdsEnv(v: unknown, depth = 0): boolean {
  if (v === process.env) return true;
  if (typeof v === 'string') return v.includes(SECRET);
  if (depth >= 3 || v === null || typeof v !== 'object') return false;
  if ((v as { RASP_R8_SECRET?: unknown }).RASP_R8_SECRET === SECRET) return true;
  const values = Array.isArray(v) ? v : Object.values(v as object);
  return values.some((x) => holdsEnv(x, depth + 1));
}

t.test('the code attacks read process.env in new Function / indirect eval', async (t) => {
  process.env.RASP_R8_SECRET = SECRET;
  t.teardown(() => {
    delete process.env.RASP_R8_SECRET;
  });
  // A calculator: `new Function('return ' + input)()`.
  for (const [name, v] of CODE_EXPR) t.ok(holdsEnv(new Function(`return ${v}`)()), name);
  // A statement evaluator: indirect eval (global, sloppy code, as a CommonJS handler without 'use strict').
  const indirectEval = eval;
  for (const [name, v] of CODE_STMT) t.ok(holdsEnv(indirectEval(v)), name);
});

prototypeWritesTest(t, 'the Object.prototype writes give every object isAdmin', CODE_PROTO);

t.test('the SSRF attacks reach a loopback server through http.get(new URL("http://" + input))', async (t) => {
  const srv = await loopbackServer();
  t.teardown(() => srv.close());
  for (const [name, v] of SSRF_LOOPBACK) t.equal(await srv.get(v), true, name);
  for (const [name, v, host] of SSRF_HOSTS) t.equal(srv.hostname(v), host, `${name}: the URL's host is ${host}`);
});

t.test('the relative file: URLs read a secret outside the base through new URL(input, base)', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-redteam-r8-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const base = path.join(root, 'app', 'files');
  fs.mkdirSync(base, { recursive: true });
  fs.writeFileSync(path.join(root, 'app', 'secret.txt'), SECRET);
  fs.writeFileSync(path.join(root, 'top.txt'), SECRET);
  fs.writeFileSync(path.join(base, 'ok.txt'), 'fine');
  const baseUrl = pathToFileURL(base + '/');
  const read = (v: string): string => fs.readFileSync(new URL(v, baseUrl), 'utf8');
  t.equal(read('ok.txt'), 'fine', 'a name inside the base reads its file');
  for (const [name, v] of PATH_FILE_URL) t.equal(read(v), SECRET, name);
});

t.test('shapes that do not work in these sinks (checked, not blocked for it)', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-redteam-r8n-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const base = path.join(root, 'files');
  fs.mkdirSync(base);
  fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
  // A backslash is a file name character on POSIX: path.join does not climb with it.
  t.throws(() => fs.readFileSync(path.join(base, '..\\secret.txt')), { code: 'ENOENT' }, '..\\ is literal on POSIX');
  // Node refuses a NUL in a path: no truncation after it.
  t.throws(() => fs.readFileSync(path.join(base, '../secret.txt\0.png')), { code: 'ERR_INVALID_ARG_VALUE' }, 'a NUL is refused');
  // path.join decodes nothing: `%2e%2e/` is a directory name unless the application decodes it.
  t.throws(() => fs.readFileSync(path.join(base, '%2e%2e/secret.txt')), { code: 'ENOENT' }, '%2e%2e is literal to path.join');
  // An encoded slash in a file: URL is refused by fileURLToPath.
  t.throws(() => fs.readFileSync(new URL('file:..%2fsecret.txt', pathToFileURL(base + '/'))), { code: 'ERR_INVALID_FILE_URL_PATH' }, '%2f is refused in a file URL');
  // A keyword spelled with an escape is a syntax error (`\u0069mport(…)`), identifiers are not.
  t.throws(() => new Function("return \\u0069mport('node:fs')"), SyntaxError, 'an escaped import keyword does not parse');
  // A percent-encoded tab in a host is a forbidden host code point: the URL does not parse.
  t.throws(() => new URL('http://@127.0.0.1%09/admin'), TypeError, 'a %09 in the host is refused');
});
