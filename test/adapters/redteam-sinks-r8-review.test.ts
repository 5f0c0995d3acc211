/**
 * Review of red team round 8 (session 25, helper rR8): variations of what round 8 closed that still
 * passed the real Lambda `protect()` at paranoia 1 as a query value and as a JSON body field, each
 * run in the same real sinks as redteam-sinks-r8.test.ts (`new Function('return ' + input)()`, a
 * statement in `new Function`, `fs.readFileSync(new URL(input, base))`), and the look-alikes the
 * narrowed rules must leave alone. Vectors written for this suite; why each works is said beside it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { prototypeWritesTest, redteamProtectTests } from '../helpers/redteam';
import { detectCodeInjection } from '../../src/detectors/code-injection';
import { detectPathTraversal } from '../../src/detectors/path-traversal';

/**
 * process (or the global object) handed on in a way round 8 did not list, then a member only process
 * has read from the value built: each evaluates to process.env.
 */
const CODE_EXPR: Array<[string, string]> = [
  // A conditional's or a logical operator's operand (round 8 took `(1&&process)`, the last operand).
  ['code: process as a conditional branch', '(1?process:0).env'],
  ['code: spaced conditional branch', '(true ? process : 0).env'],
  ['code: process before ||', '(process||0).env'],
  ['code: process before ??', '(process ?? 0).env'],
  ['code: the global object before ||, then its process', '(globalThis||0).process.env'],
  // Arrays round 8 did not index: nested, spread, a hole before it, an index that is no `0` literal.
  ['code: process in a spread array, element 0', '[...[process]][0].env'],
  ['code: process in a nested array', '[[process]][0][0].env'],
  ['code: process after a hole, element 1', '[,process][1].env'],
  ['code: process indexed by a string 0', "[process]['0'].env"],
  ['code: process indexed by +0', '[process][+0].env'],
  ['code: the global object after a hole, then its process', '[,globalThis][1].process.env'],
  // Built-ins that hand an array's or object's element back.
  ['code: Array.from of an array holding process', 'Array.from([process])[0].env'],
  ['code: Object.values of an array holding process', 'Object.values([process])[0].env'],
  ['code: Object.values of a shorthand object', 'Object.values({process})[0].env'],
  ['code: Object.fromEntries of a pair holding process', "Object.fromEntries([['e',process]]).e.env"],
  ['code: a Map holding process', 'new Map([[1,process]]).get(1).env'],
  ['code: a Set holding process', 'new Set([process]).values().next().value.env'],
  // Object literals: a property, a shorthand property, a getter's return.
  ['code: process as a property value', '({p:process}).p.env'],
  ['code: process as a shorthand property', '({process}).process.env'],
  ['code: process returned by a getter', '({get x(){return process}}).x.env'],
];

/** Writes to Object.prototype round 8 did not see: each gives every object `isAdmin`. */
const CODE_PROTO: Array<[string, string]> = [
  ['code: assignment through Reflect.getPrototypeOf({})', 'Reflect.getPrototypeOf({}).isAdmin=1'],
  ['code: ||= on Object.prototype', 'Object.prototype.isAdmin||=1'],
  ['code: ??= on Object.prototype', 'Object.prototype.isAdmin??=1'],
  ['code: += on Object.prototype', "Object.prototype.isAdmin+='1'"],
  ['code: Object.prototype through globalThis', 'globalThis.Object.prototype.isAdmin=1'],
  ['code: Object.prototype through this (a sloppy function: the global object)', 'this.Object.prototype.isAdmin=1'],
  ['code: Object in parentheses', '(Object).prototype.isAdmin=1'],
  ['code: Object as a comma group', '(0,Object).prototype.isAdmin=1'],
  ['code: a getter defined on Object.prototype the legacy way', "Object.prototype.__defineGetter__('isAdmin',()=>1)"],
  ['code: Object.assign onto globalThis.Object.prototype', 'Object.assign(globalThis.Object.prototype,{isAdmin:1})'],
];

/**
 * `fs.readFileSync(new URL(input, base))`: the URL parser deletes every tab, LF and CR first, so a
 * dot segment or a `file:` scheme split by one still climbs out of the base.
 */
const PATH_STRIPPED: Array<[string, string]> = [
  ['path: a tab inside file:', 'fi\tle:../secret.txt'],
  ['path: a newline inside file:, then %2e%2e', 'fi\nle:%2e%2e/secret.txt'],
  ['path: a tab inside the dot segment of a file: URL', 'file:.\t./secret.txt'],
  ['path: a tab between %2e and %2e of a file: URL', 'file:%2e\t%2e/secret.txt'],
  ['path: a tab inside a bare dot segment', '.\t./secret.txt'],
  ['path: a tab after a bare dot segment (already blocked, a guard)', '..\t/secret.txt'],
  ['path: a tab between %2e and %2e', '%2e\t%2e/secret.txt'],
  ['path: LF and CR inside dot segments under a name', 'x/.\n./.\r./secret.txt'],
];

const ATTACKS = [...CODE_EXPR, ...CODE_PROTO, ...PATH_STRIPPED];

/** The nearest honest text (and library code) the new rules must leave alone. */
const BENIGN: string[] = [
  // "process" in prose between punctuation, then something.env; a name's .env; code with no process.
  'Steps: plan, process, ship. Config in app.env',
  '(process) and then deploy',
  'The (process) and the (thread) are different.',
  'Choose: process or skip? process: yes',
  'Use (process || thread).run() here',
  'const p = cond ? process : null',
  'process && thread',
  'Process: plan, build',
  'globalThis: the global object',
  'Array.from(items)[0].env',
  'result[0].env',
  '(config).env',
  // Prototype code that is no write to Object.prototype: a class mixin, a compound assignment
  // elsewhere, a question about the rule.
  'Object.assign(Object.getPrototypeOf(a), mixin)',
  'proto.x ||= 1',
  'x += Object.prototype.toString.call(y)',
  'Object.prototype.hasOwnProperty.call(a, b) || x',
  'this.Object = Object',
  'Why does Object.prototype.x = 5 affect every object?',
  // Tabs and line breaks in text: a space between words keeps it text.
  'wait..\n/usr/bin is fine',
  'name\tvalue\n1.\t2.',
  'see file:README.md',
  // Addresses and hex constants in prose and code.
  'The server at 10.0.0.1. is down',
  'const MASK = 0x7f000001;',
  'mail john@example.com/ then reply',
];

redteamProtectTests(t, {
  functionName: 'redteam-r8-review',
  attacks: ATTACKS,
  benign: BENIGN,
  byClass: { code: detectCodeInjection, path: detectPathTraversal },
  titles: {
    attacks: 'round 8 review attacks are blocked as a query value and as a JSON body field',
    benign: 'the nearest honest text reaches the handler',
  },
});

// ---- The attacks work in the real sinks (no protection installed here) ----

const SECRET = 'rasp-r8-review-secret';

t.test('the code attacks evaluate to process.env in new Function', async (t) => {
  for (const [name, v] of CODE_EXPR) t.equal(new Function(`return ${v}`)(), process.env, name);
});

prototypeWritesTest(t, 'the Object.prototype writes give every object isAdmin', CODE_PROTO);

t.test('the stripped dot segments read a secret outside the base through new URL(input, base)', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-redteam-r8r-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const base = path.join(root, 'app', 'files');
  fs.mkdirSync(path.join(base, 'x'), { recursive: true });
  fs.writeFileSync(path.join(root, 'app', 'secret.txt'), SECRET);
  const baseUrl = pathToFileURL(base + '/');
  for (const [name, v] of PATH_STRIPPED) t.equal(fs.readFileSync(new URL(v, baseUrl), 'utf8'), SECRET, name);
});
