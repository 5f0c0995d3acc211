import t from 'tap';
import { detectCodeInjection, escapesInertContradicted } from '../../src/detectors/code-injection';
import { C, charMask } from '../../src/charclass';
import { verdictDigest, verdictKey, verdictTable, pinnedVerdicts } from '../helpers/verdict-table';
import { prng } from '../helpers/prng';

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with a `code.` rule. */
const positives: string[] = [
  // Plain template literals as member keys and arguments read like strings.
  'process[`mainModule`][`require`](`child_process`)[`execSync`](`id`)',
  'require(`child_process`).exec(`id`)',
  // The Function constructor and eval reached through Function.prototype.call/apply/bind.
  "Function.call(0,'return process')().exit()",
  "Function.apply(0,['return process'])()",
  "eval.call(0,'process.exit()')",
  "require('child_process').exec('id')",
  "require(\"child_process\").execSync(\"cat /etc/passwd\")",
  "process.mainModule.require('child_process')",
  "process.binding('spawn_sync')",
  "process.exit()",
  "process.kill(process.pid)",
  "JSON.stringify(process.env)",
  "'+JSON.stringify(process.env)+'",
  "'; process.exit(); '",
  "\"; process.exit(); \"",
  "\"+require('fs').readFileSync('/etc/passwd')+\"",
  "'+require(\"fs\")+'",
  "import('child_process').then(m=>m.execSync('id'))",
  "Function('return process')()",
  "new Function('return this')()",
  "[].constructor.constructor('return process')()",
  "''.constructor.constructor('return this.process.mainModule')()",
  "this.constructor.constructor('return process')().exit()",
  "this['const'+'ructor']['const'+'ructor']('return process')()",
  "globalThis.process.exit(1)",
  "global.process.mainModule.require('os')",
  "eval('1+1')",
  "eval(atob('cHJvY2Vzcy5leGl0KCk='))",
  "eval(String.fromCharCode(112,114,111,99,101,115,115))",
  "setTimeout('process.exit()', 0)",
  "setInterval(\"require('fs')\", 10)",
  "String.fromCharCode(114,101,113,117,105,114,101)",
  "${process.mainModule.require('child_process').execSync('id')}",
  "{{constructor.constructor('return process')()}}",
  "<%= process.mainModule.require('child_process').execSync('whoami') %>",
  "#{process.exit()}",
  "{{range.constructor(\"return global.process.mainModule.require('child_process').execSync('id')\")()}}",
  "x=require;y=\"child_process\";x(y).spawn('id')",
  "\\u0065val('1')",
  "ev\\u0061l('x')",
  "eval/**/('x')",
  "process['mainModule']",
  "process[\"main\"+\"Module\"]",
  "this[\"ev\"+\"al\"](\"1\")",
  "window['eval']('1')",
  "module.constructor._load('child_process')",
  "(function(){}).constructor('return process')()",
  "Reflect.construct(Function, ['return process'])",
  "a`${process.exit()}`",
  "require('node:child_process').spawnSync('ls')",
  "process.env.AWS_SECRET_ACCESS_KEY",
  "1;process.exit()",
  "globalThis['process']",
  "[]['constructor']['constructor']('return 1')()",
  "x = 1; require('vm').runInThisContext('1')",
  "a=process['bin'+'ding']",
  "'||process.mainModule.require('net')||'",
  "\\u0072equire('fs')",
  "eval(`1`)",
  "Function`a${1}`",
  "self['Func'+'tion']('1')()",
  "globalThis.eval('1')",
  "setImmediate(\"1\")",
  "[]['map']['constructor']('return 1')()",
  "<%- global.process.mainModule %>",
  "process?.mainModule",
  "process /* x */ .exit(0)",
];

/** Each must not be detected at `high`: prose about code, ordinary code, data. */
const negatives: string[] = [
  'use `npm test` to run',
  'Use Function.call and apply to invoke',
  'fn.call(this, a, b)',
  'const s = `hello ${name}`',
  "we require a process",
  "This process requires approval.",
  "The process. Require signatures.",
  "Our hiring process (see below) requires an interview",
  "require(d) fields are marked",
  "eval",
  "evaluation",
  "Function",
  "The `options` parameter can also be a `Function` evaluated at plugin registration,",
  "detection for this could be `require.main === module`)*, you can normally listen",
  "Use process.env to configure the app",
  "Set `process.env.NODE_ENV` to production",
  "The constructor of the class",
  "this.constructor.name",
  "we use setTimeout to debounce",
  "setTimeout(fn, 100)",
  "Math.max(a, b)",
  "require('lodash')",
  "const x = require('./local');",
  "import React from 'react'",
  "Function for generating the request-id.",
  "globalThis is the global object",
  "String.fromCharCode(65)",
  "window.location.href",
  "self-service portal",
  "top 10 (ranked)",
  "parent.child",
  "the eval() function is dangerous",
  "Please call eval (evaluate) later",
  "[preValidation](#prevalidation), [preHandler](#prehandler),",
  "https://nodejs.org/api/process.html#warning",
  "a.b.c(d)",
  "John O'Brien (CEO). Process owner.",
  "this['name']",
  "We process payments; require login.",
  "{\"process\": \"batch\", \"require\": true}",
  "The import (of goods) tax",
  "import('./module.js')",
  "Don't call process.exit() in request handlers",
  "Never call process.exit() in handlers",
  "Use require('child_process') carefully",
  "You can read process.env.PORT at startup",
  "The process is simple: require approval, then deploy.",
  "Constructors construct objects",
  "window.alert is not allowed",
  "Click the top-right corner (parent menu).",
  "self.name = 'x'",
  "this.setState({ a: 1 })",
  "evaluate(x)",
  "functional(y)",
  "processing.env",
  "required('x')",
  "Process.exit()",
  "[1, 2, 3].map(x => x * 2)",
  "JSON.parse(body)",
  "console.log('hi')",
  "`process.exit()` terminates the process",
  "See https://nodejs.org/api/child_process.html",
  "O'Brien's process: require(d) steps",
];

t.test('JavaScript injection vectors are detected at high confidence', async (t) => {
  for (const v of positives) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
    t.ok(d !== undefined && d.rule.startsWith('code.'), `rule prefix: ${JSON.stringify(v)}`);
  }
});

t.test('benign strings are not high', async (t) => {
  for (const v of negatives) {
    const d = detectCodeInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('prose mentioning process or require passes entirely', async (t) => {
  for (const v of ['we require a process', 'This process requires approval.', 'The process. Require signatures.', 'eval', 'Function']) {
    t.equal(detectCodeInjection(v), undefined, v);
  }
});

t.test('specific rules', async (t) => {
  const rule = (v: string): string | undefined => detectCodeInjection(v)?.rule;
  t.equal(rule("require('child_process')"), 'code.require');
  t.equal(rule('process.mainModule'), 'code.process');
  t.equal(rule('[].constructor.constructor("return 1")()'), 'code.constructor-chain');
  t.equal(rule("this['const'+'ructor']"), 'code.bracket-notation');
  t.equal(rule("Function('return 1')()"), 'code.function-constructor');
  t.equal(rule("eval('1')"), 'code.eval');
  t.equal(rule("setTimeout('x()', 1)"), 'code.string-timer');
  t.equal(rule("import('fs')"), 'code.import');
  t.equal(rule('globalThis.process'), 'code.global-access');
  t.equal(rule('String.fromCharCode(1,2,3,4)'), 'code.charcode');
});

t.test('quote break-out is reported as such', async (t) => {
  const d = detectCodeInjection("'; process.exit(); '");
  t.equal(d?.confidence, 'high');
  t.match(d?.reason ?? '', /single-quoted/);
});

t.test('a require of an ordinary module is medium, of a dangerous one high', async (t) => {
  t.equal(detectCodeInjection("require('lodash')")?.confidence, 'medium');
  t.equal(detectCodeInjection("require('fs')")?.confidence, 'high');
});

t.test('reasons are short and do not echo the input', async (t) => {
  const d = detectCodeInjection("require('" + 'x'.repeat(300) + "')+require('child_process')");
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200);
  t.notMatch(d?.reason ?? '', /x{40}/);
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', 'eval', '\\', '\\u', '\\u{', '\\u{110000}', '`${', '`${`${', "'", '"', '/*', '//', ')', ']', '}', '\ud800eval(', 'eval(\u0000)', 'process[', 'require('];
  for (const v of odd) t.doesNotThrow(() => detectCodeInjection(v), JSON.stringify(v));
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    parens: 'eval' + '('.repeat(MB),
    closers: 'eval' + ')'.repeat(MB),
    brackets: 'this' + '['.repeat(MB),
    templates: 'eval' + '`${'.repeat(MB / 3),
    quotes: "eval'" + "'".repeat(MB),
    doubleQuotes: 'eval"' + '"'.repeat(MB),
    backslashes: '\\'.repeat(MB),
    unicodeEscapes: '\\u'.repeat(MB / 2),
    members: 'process.'.repeat(MB / 8),
    calls: 'eval('.repeat(MB / 5),
    concat: "this['a'+".repeat(MB / 10),
    comments: 'eval/*'.repeat(MB / 6),
    idents: 'this '.repeat(MB / 5),
    prose: 'we require a process. '.repeat(MB / 22),
    surrogates: 'eval(' + '\ud800'.repeat(MB),
    nul: 'eval(' + '\u0000'.repeat(MB),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectCodeInjection(v), name);
  }
  t.doesNotThrow(() => detectCodeInjection('process.env '.repeat((5 * MB) / 12)), '5 MB');
});

t.test('long values (indexOf gate) find what short ones find', async (t) => {
  // Values of 160 characters and more are gated by the code-like characters after each identifier,
  // found with indexOf; each attack must keep its rule at any position, either side of that length.
  const attacks = [
    'require("child_process").exec("id")',
    'process.mainModule.require("fs")',
    'this.constructor.constructor("return process")()',
    'eval   (atob(x))',
    'global.process.exit()',
    'x = setTimeout("alert(1)", 1)',
    'String.fromCharCode(114,101)',
    '\\u0065val(1)',
    'this["con"+"structor"]["con"+"structor"]("return 1")()',
  ];
  const prose = 'Our cotton is woven in a family-run mill; prices (incl. tax) are final. Returns: see the FAQ, or write to us. '.repeat(5);
  for (const a of attacks) {
    const rule = detectCodeInjection(a)?.rule;
    t.ok(rule !== undefined, `short: ${a}`);
    for (const n of [100, 159, 160, 161, 300]) {
      const pad = prose.slice(0, Math.max(0, n - a.length - 1));
      t.equal(detectCodeInjection(pad + ' ' + a)?.rule, rule, `after text, length ${n}: ${a}`);
      t.equal(detectCodeInjection(a + ' ' + pad)?.rule, rule, `before text, length ${n}: ${a}`);
    }
  }
  for (const n of [100, 159, 160, 161, 300]) t.equal(detectCodeInjection(prose.slice(0, n)), undefined, `prose of ${n}`);
  t.equal(detectCodeInjection(prose.slice(0, 200) + ' we require a process; the module is top.'), undefined, 'hint words in prose');
  t.equal(detectCodeInjection(prose.slice(0, 200) + ' this'), undefined, 'a hint at the very end');
});

t.test('indirect eval, the Function constructor in a group, aliases and Reflect.apply', async (t) => {
  const high = [
    '(0,eval)(payload)',
    '(1, eval)(atob(s))',
    "(null,eval)('1+1')",
    '(a,b,eval)(c)',
    "(eval)('x')",
    "';(0,eval)(q);'",
    "new (Function)('return this')()",
    "new(Function)('a','return a')",
    "(0,Function)('return globalThis')()",
    "f=Function;f('return 1')()",
    "let g = Function; g('x', 'return x')",
    'var ev = eval; ev(input)',
    "e=eval;\ne('1')",
    'Reflect.apply(eval, null, [code])',
    'Reflect.apply(eval,this,[s])',
  ];
  for (const v of high) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    'the function (eval) is evil',
    '(a, eval) is a comma expression',
    'Reflect.apply(fn, null, args)',
    'Reflect.apply(evaluate, null, [x])',
    'x = eval; console.log(x)',
    'const f = Function.prototype; f(x)',
    'x = Functional; x(1)',
    'const e = evaluator; e(x)',
    'result = (0, obj.fn)(x)',
    '(0, _utils.default)(x)',
    'see (the eval section)(page 3)',
  ];
  for (const v of notHigh) {
    const d = detectCodeInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.equal(detectCodeInjection('(0,eval)(x)')?.rule, 'code.eval');
  t.equal(detectCodeInjection("new (Function)('x')")?.rule, 'code.function-constructor');
});

t.test('eval / Function after a line break, and taken back out of arrays, objects and calls', async (t) => {
  const high = [
    // A line break ends the aliasing statement as `;` does (automatic semicolon insertion).
    'e = eval\ne(code)',
    'e=eval\r\ne(atob(s))',
    'var run = eval  \nrun(input)',
    "F = Function\nF('return process')()",
    'e = eval\t\ne(x)',
    // An array, object or call holding eval / Function, read back and called.
    '[eval][0](code)',
    '[1, eval][1](payload)',
    "[Function][0]('return process')()",
    "[Function].pop()('return this')()",
    'Object.values({e:eval})[0](code)',
    "Object.values({ f: Function })[0]('return process')()",
    'Array.of(eval).at(0)(s)',
    'Array.from([eval])[0](s)',
    "promise.catch(eval)[0]('1')",
    '({e: eval}).e(code)',
    "({e: eval})['e'](code)",
  ];
  for (const v of high) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    'x = eval\nconsole.log(x)',
    'See the eval\nsection below (page 3)',
    'expect(eval).toBe(x)',
    'expect([eval]).toHaveLength(1)',
    'expect(Function).toBeDefined()',
    'assert.equal(typeof eval, "function")',
    '[eval](https://developer.mozilla.org/docs/Web/JavaScript/Reference/Global_Objects/eval)',
    'const fns = [eval, parseInt]; console.log(fns.length)',
    'Object.values({a: 1})[0](x)',
    '[evaluate][0](x)',
    '[evaluate(x)][0](y)',
    "describe('eval', () => { it('works', () => {}) })",
    'Topics:\neval\nFunction\nclosures',
  ];
  for (const v of notHigh) {
    const d = detectCodeInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.equal(detectCodeInjection('[eval][0](x)')?.rule, 'code.eval');
  t.equal(detectCodeInjection("[Function][0]('x')")?.rule, 'code.function-constructor');
  // The long-value gate counts the line break after eval as the prefilter does.
  const prose = 'Our cotton is woven in a family-run mill; prices (incl. tax) are final. Returns: see the FAQ, or write to us. '.repeat(3);
  for (const a of ['e = eval\ne(code)', 'e = eval\r\ne(code)', 'e = eval\t\ne(code)']) {
    t.equal(detectCodeInjection(prose + a)?.confidence, 'high', `after text: ${JSON.stringify(a)}`);
    t.equal(detectCodeInjection(a + ' ' + prose)?.confidence, 'high', `before text: ${JSON.stringify(a)}`);
  }
  t.equal(detectCodeInjection(prose + ' the eval\nof the process\nis top\n'), undefined, 'hint words at line ends in prose');
});

t.test('a process member followed by a word is a sentence', async (t) => {
  for (const v of ['process.env is undefined in the browser; use import.meta.env with Vite.', 'process.exit is a bad idea in handlers', 'process.mainModule is deprecated since Node 14']) {
    t.not(detectCodeInjection(v)?.confidence, 'high', v);
  }
  for (const v of ['process.env', 'process.env.SECRET', 'process.env in x', 'x=process.env', 'process.exit()', 'process.env;', 'process.env\nfoo', 'process.mainModule.require("fs")']) {
    t.equal(detectCodeInjection(v)?.confidence, 'high', v);
  }
});

t.test('backslashes before inert punctuation do not send a value through the analysis; escapes that spell still do', async (t) => {
  // Runs of escaped dots and Windows-style `..\` (regexes, paths) are not code; a payload after them is still found.
  for (const unit of ['\\.', '..\\', '\\-', '\\ ', '\\.\\']) {
    const run = unit.repeat(Math.ceil((256 * 1024) / unit.length)) + (unit.length === 2 ? '\\' : '');
    t.equal(detectCodeInjection(run), undefined, `a run of ${JSON.stringify(unit)}`);
    t.equal(detectCodeInjection(`${run};require('child_process').execSync('id')`)?.confidence, 'high', `a call after a run of ${JSON.stringify(unit)}`);
  }
  // Escapes that can spell a name, a line continuation, and a call through a stray backslash keep the analysis.
  const spelled: string[] = [
    "this['\\u0065val']('1')",
    "this['\\x65val']('1')",
    "global['ev\\\nal']('1')",
    'new Function \\(\'return process\')()',
  ];
  for (const s of spelled) t.ok(detectCodeInjection(s) !== undefined, s);
  // Honest text with escaped punctuation stays clean.
  for (const s of ['C:\\Users\\me\\Documents\\report.docx', 'price \\$5 \\- see terms', 'regex: ^\\d+\\.\\d+$']) t.equal(detectCodeInjection(s), undefined, s);
});

t.test('long values with dense followers: a hint after them is still found', async (t) => {
  const rule = (s: string): string => {
    const d = detectCodeInjection(s);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  // More followers than one per 16 characters: the gate reads the value in one pass.
  t.equal(rule('$('.repeat(200) + ' require("child_process")'), 'code.require/high');
  t.equal(rule('../'.repeat(200) + 'process.mainModule.require("x")'), 'code.process/high');
  t.equal(rule('(('.repeat(100) + 'process\t.mainModule.require("x")'), rule('process\t.mainModule.require("x")' + ' '.repeat(200)));
  t.not(rule('(('.repeat(100) + 'process\t.mainModule.require("x")'), '-');
  t.equal(rule('('.repeat(300)), '-');
  t.equal(rule('../'.repeat(200)), '-');
  t.equal(rule('$('.repeat(200)), '-');
  // Inert escapes (`\.`) are stepped over two characters at a time: a name right after one is read whole.
  t.equal(rule('\\.\\.\\.eval(x)'), 'code.eval/high');
  t.equal(rule('\\.\\./'.repeat(60) + 'eval(atob(x))'), 'code.eval/high');
  t.equal(rule('\\.\\./'.repeat(60) + 'require("child_process").exec("id")'), 'code.require/high');
  t.equal(rule('\\.\\./'.repeat(200)), '-');
});

t.test('with the value mask, the gate searches only the kinds the value holds and misses none', async (t) => {
  // Each value's only way past the gate is one kind of character (a follower after a hint, an
  // escape, or bracket concatenation): the same value with that kind taken out of its mask is not
  // analyzed at all, and with its true mask it is found as without a mask. Values from 32 characters
  // (MASKED_GATE_MIN) are gated when a mask is given; without one, from 160.
  // (Trailing blanks lengthen a value without adding a kind or changing its finding.)
  const pad = ' '.repeat(32);
  const byKind: Array<[string, number, string[]]> = [
    ['.', C.DOT, ['process.env.X', 'global.process.exit']],
    ['?', C.OTHER, ['global?.process?.exit', 'process?.mainModule?.x']],
    ['[ ]', C.BRACKET, ['[eval][0](x)', 'process["env"]']],
    ['( )', C.PAREN, ['eval($foo)', "(eval)('x')"]],
    ['/', C.SLASH, ['eval/**/(x)']],
    [';', C.SEMI, ['e = eval; e(code)']],
    [',', C.COMMA, ['[eval, 1][0](x)']],
    ["'", C.SQUOTE, ["require'child_process'"]],
    ['"', C.DQUOTE, ['require"child_process"']],
    ['`', C.BACKTICK, ['Function`return process```']],
    ['}', C.BRACE, ['({e:eval}).e(x)']],
    ['line break', C.NEWLINE, ['e = eval\ne(code)', 'e = eval\re(code)']],
    ['\\', C.BSLASH, ["\\u0065val('x')", "ev\\u0061l('x')"]],
    ['bracket concatenation', C.PLUS, ["a['ev'+'al']('x')", 'y["ev"+"al"](1)']],
  ];
  for (const [kind, bit, values] of byKind) {
    for (const v of [...values, ...values.map((x) => x + pad)]) {
      const plain = detectCodeInjection(v);
      t.equal(plain?.confidence, 'high', `${kind}: ${JSON.stringify(v)} is found`);
      t.same(detectCodeInjection(v, charMask(v)), plain, `${kind}: ${JSON.stringify(v)} with its mask`);
      if (v.length >= 32) t.equal(detectCodeInjection(v, charMask(v) & ~bit), undefined, `${kind}: ${JSON.stringify(v)} is gated on it`);
    }
  }
  // Long values: with and without the mask, the same finding.
  const prose = 'Leave it at the door, please. '.repeat(8);
  for (const v of [prose + 'x = process.mainModule.x', prose + "a['ev'+'al']('x')", 'e = eval; e(code) ' + prose]) {
    t.same(detectCodeInjection(v, charMask(v)), detectCodeInjection(v), JSON.stringify(v.slice(-30)));
    t.ok(detectCodeInjection(v, charMask(v)), JSON.stringify(v.slice(-30)));
  }
  // Ordinary values with their mask: nothing.
  for (const v of ['jane.oneil@example.com', '+1 (555) 010-0000', 'Leave it at the door, please.', 'Mozilla/5.0 (X11; Linux x86_64)']) {
    t.equal(detectCodeInjection(v, charMask(v)), undefined, JSON.stringify(v));
  }
});

t.test('dense followers: the one-pass hint search still finds a hint before a follower late in a long value', async (t) => {
  // More followers than one per 16 characters switch followerHint to its table pass
  // (followerHintDense): each hint's last letter, a space or a tab before the follower must count.
  for (const pad of ['é.é ', '. . ', 'a.b(c) ']) {
    for (const tail of ['x = eval(atob(p))', 'require("child_process").exec(c)', 'this.constructor.constructor("return process")()', 'setTimeout\t("alert(1)")']) {
      const v = pad.repeat(400) + tail;
      t.ok(detectCodeInjection(v, charMask(v)), `${JSON.stringify(pad)} ${tail}`);
      t.ok(detectCodeInjection(v), `${JSON.stringify(pad)} ${tail} (no mask)`);
    }
  }
  t.equal(detectCodeInjection('é.é '.repeat(2000)), undefined);
});

t.test('process and the global object reached through an alias or a reflective read', async (t) => {
  const high = [
    'let p=process;p.exit()',
    'var P = process\nP.binding("spawn_sync")',
    "const g = globalThis; g['pro'+'cess'].exit()",
    'x=globalThis;x.process',
    "Reflect.get(globalThis,'pro'+'cess').exit()",
    "Reflect.get(globalThis, 'process', globalThis).kill(0)",
    "Reflect.get(process,'mainModule').require('fs')",
    "Object.getOwnPropertyDescriptor(globalThis,'process').value.exit()",
    "Reflect.get(global, 'require')('child_process')",
  ];
  for (const v of high) t.equal(detectCodeInjection(v)?.confidence, 'high', `high: ${v}`);
  const notHigh = [
    "Reflect.get(target, 'name', receiver)",
    "Reflect.get(obj,'process')",
    "Object.getOwnPropertyDescriptor(globalThis, 'fetch')",
    "const proc = process; proc.on('exit', cleanup)",
    "const root = typeof window !== 'undefined' ? window : global",
    'let w = window; w.location.href = "/home"',
    'We need a process; p.exit() is in the docs',
  ];
  for (const v of notHigh) t.not(detectCodeInjection(v)?.confidence, 'high', `not high: ${v}`);
});

t.test('a function named eval is declared, not called', async (t) => {
  for (const v of ['The function eval(expression) evaluates math expressions in our calculator', 'function eval(x) { return calc(x) }', 'async function eval(src) {}']) {
    t.not(detectCodeInjection(v)?.confidence, 'high', `not high: ${v}`);
  }
  for (const v of ['function(){eval(name)}', 'x=function eval(s){};eval("process.exit()")', "function x(){eval('1')}", "a.function eval('x')"]) {
    t.equal(detectCodeInjection(v)?.confidence, 'high', `high: ${v}`);
  }
});

t.test('process.env.NAME followed by a word is a sentence', async (t) => {
  t.not(detectCodeInjection('process.env.NODE_ENV is production in the build')?.confidence, 'high');
  t.not(detectCodeInjection('process.env.API_URL should point to staging')?.confidence, 'high');
  for (const v of ['process.env.SECRET', "';process.env.SECRET//", 'process.env.AWS_SECRET_ACCESS_KEY in x', 'process.env.X\nis()']) {
    t.equal(detectCodeInjection(v)?.confidence, 'high', `high: ${JSON.stringify(v)}`);
  }
});

t.test('a capability name held in a variable and used in brackets', async (t) => {
  for (const v of ["c='constructor';this[c][c]('return process')()", "const c = 'constructor', r = 'return process'; this[c][c](r)()", "p='process';globalThis[p].exit()", "m='mainModule'\nprocess[m].require('fs')"]) {
    t.equal(detectCodeInjection(v)?.confidence, 'high', `high: ${JSON.stringify(v)}`);
  }
  for (const v of ["k='process'; obj[k] = 1", "const key = 'constructor'; console.log(obj[key])", "c='constructor'+x;this[c]", "const p = 'process'; steps[p].done = true"]) {
    t.not(detectCodeInjection(v)?.confidence, 'high', `not high: ${JSON.stringify(v)}`);
  }
});

t.test('other server-side languages: process launches, reflection, sandbox escapes (high)', async (t) => {
  const high: [string, string][] = [
    // Java, Groovy, SpEL / EL / MVEL evaluated bare.
    ['new java.lang.ProcessBuilder("id").start()', 'code.command-exec'],
    ['new ProcessBuilder(new String[]{"sh","-c","id"}).start()', 'code.command-exec'],
    ['Runtime.getRuntime().exec(new String[]{"/bin/bash","-c","id"})', 'code.command-exec'],
    ['"id".execute().text', 'code.command-exec'],
    ["['sh','-c','id'].execute()", 'code.command-exec'],
    ['Class.forName("java.lang.Runtime")', 'code.reflection'],
    ["Class.forName('java.lang.Run'+'time').getMethod('getRuntime')", 'code.reflection'],
    ['x.getClass().getMethod("exec", String.class)', 'code.reflection'],
    ['T(java.lang.Runtime).getRuntime()', 'code.reflection'],
    ['T(java.lang.System).getenv()', 'code.reflection'],
    ['new javax.script.ScriptEngineManager().getEngineByName("js").eval("1")', 'code.reflection'],
    // .NET.
    ['System.Diagnostics.Process.Start("cmd.exe", "/c whoami")', 'code.command-exec'],
    ['Process.Start("powershell", "-enc AAAA")', 'code.command-exec'],
    ['System.Diagnostics.Process.Start(@"C:\\Windows\\System32\\cmd.exe")', 'code.command-exec'],
    // Python eval contexts.
    ['subprocess.check_output(["id"])', 'code.command-exec'],
    ["subprocess.Popen('/usr/bin/id', shell=True)", 'code.command-exec'],
    ["pty.spawn('/bin/sh')", 'code.command-exec'],
    ["__import__('subprocess').getoutput('id')", 'code.python-escape'],
    ["__import__('o'+'s')", 'code.python-escape'],
    ["importlib.import_module('os')", 'code.python-escape'],
    ["getattr(__builtins__, 'ev'+'al')('1')", 'code.python-escape'],
    ["__builtins__.__dict__['eval']('1')", 'code.python-escape'],
    ["globals()['__builtins__']", 'code.python-escape'],
    ["vars(__builtins__)['eval']('1')", 'code.python-escape'],
    ['().__class__.__bases__[0].__subclasses__()', 'code.python-escape'],
    ["''.__class__.__mro__[1]", 'code.python-escape'],
    ['object.__subclasses__()', 'code.python-escape'],
    ["f.__init__.__globals__['os']", 'code.python-escape'],
    // PHP.
    ["$_GET['a']($_GET['b'])", 'code.php-callback'],
    ['$_REQUEST[f]($_REQUEST[c])', 'code.php-callback'],
    ["call_user_func('system', 'id')", 'code.php-callback'],
    ["array_map('passthru', array('id'))", 'code.php-callback'],
    ["usort($_GET, 'system')", 'code.php-callback'],
    ["call_user_func($_POST['f'], $_POST['a'])", 'code.php-callback'],
    ["create_function('', $_GET['c'])", 'code.php-callback'],
    ["create_function('$a', 'return $a;')", 'code.php-callback'],
    ["assert('system(\"id\")')", 'code.php-callback'],
    ["preg_replace('/.*/e', 'system(\"id\")', '')", 'code.php-callback'],
    ["preg_replace('#x#ie', $_GET['c'], 'x')", 'code.php-callback'],
    // Ruby.
    ["send(:system, 'id')", 'code.ruby-dispatch'],
    ["Kernel.public_send('system', 'id')", 'code.ruby-dispatch'],
    ['obj.__send__(:eval, "`id`")', 'code.ruby-dispatch'],
    ['instance_eval("system(1)")', 'code.ruby-dispatch'],
    ["Object.const_get(:Kernel).system('id')", 'code.ruby-dispatch'],
    ["Open3.capture2('id')", 'code.command-exec'],
    ["IO.popen(['id']).read", 'code.command-exec'],
    // Ruby and Perl calls without parentheses, in a value with code around them.
    ["Kernel.system 'id'", 'code.command-exec'],
    ['a.b = 1; system "id"', 'code.command-exec'],
    ['CORE::system "uname -a"', 'code.command-exec'],
    // Perl qx with parentheses or brackets (template-injection reads qx{…} and Ruby %x).
    ['qx(id)', 'code.command-literal'],
    ['print qx[cat /etc/passwd];', 'code.command-literal'],
    ['qx (uname -a)', 'code.command-literal'],
  ];
  for (const [v, rule] of high) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'high', `high: ${v} -> ${JSON.stringify(d)}`);
    t.equal(d?.rule, rule, `rule: ${v}`);
  }
});

t.test('other server-side languages: code quoted in questions and stack traces is not high', async (t) => {
  const notHigh = [
    'Caused by: java.io.IOException: Cannot run program "git": error=2 at java.lang.ProcessBuilder.start(ProcessBuilder.java:1048) at java.lang.Runtime.exec(Runtime.java:620)',
    'Exception in thread "main" java.lang.RuntimeException: boom at com.acme.App.main(App.java:12)',
    'Runtime exceptions in Java are unchecked (see Runtime.getRuntime() docs).',
    'I used system settings to change the theme.',
    'My code calls Runtime.getRuntime().exec(cmd) and it hangs, why?',
    'ProcessBuilder pb = new ProcessBuilder(command); pb.start();',
    'Class.forName("com.mysql.cj.jdbc.Driver");',
    'The method getMethod("getName") returns null',
    'Process.Start("https://example.com") opens the browser in .NET Framework but not .NET Core',
    'var p = Process.Start(startInfo);',
    'result = subprocess.run(["git", "status"], capture_output=True)',
    'for cls in Base.__subclasses__(): register(cls)',
    'print(self.__class__.__mro__)',
    "__import__('json').dumps(x)",
    'importlib.import_module(f"plugins.{name}")',
    "getattr(settings, 'DEBUG', False)",
    "call_user_func(array($this, 'render'), $args)",
    "array_map('trim', $lines)",
    'assert(count($items) > 0)',
    "echo htmlspecialchars($_GET['q']);",
    "preg_replace('/\\s+/', ' ', $str)",
    "preg_replace('/(\\w+)/e', 'strtoupper(\"$1\")', $s)",
    "res.send('system')",
    'socket.send("exec")',
    'user.send(:name)',
    'instance_eval(&block)',
    "Object.const_get('User').find(1)",
    'Open3.capture2(cmd)',
    'cursor.execute("SELECT * FROM t")',
    'Press Start (bottom left) and open Settings.',
    'T(java.lang.Math).random()',
    'The qx operator: qx(command) runs a command',
    'Print %x(%d) for each value',
    "Run system 'diagnostics' from the menu.",
    "the system 'id' field (see docs.example.com)",
    "I set exec 'build.sh' in the config.",
  ];
  for (const v of notHigh) {
    const d = detectCodeInjection(v);
    t.not(d?.confidence, 'high', `not high: ${v} -> ${JSON.stringify(d)}`);
  }
  // A name for the command is application code, not a payload: low at most.
  for (const v of ['Runtime.getRuntime().exec(cmd)', 'Process.Start(psi)', 'subprocess.run(cmd, shell=True)', '__import__(name)']) {
    t.equal(detectCodeInjection(v)?.confidence, 'low', v);
  }
  t.equal(detectCodeInjection('Use system settings (Start, then Settings).'), undefined);
});

t.test('server-side hints pass the long-value gate wherever they stand', async (t) => {
  const prose = 'Our cotton is woven in a family-run mill; prices (incl. tax) are final. Returns: see the FAQ, or write to us. '.repeat(5);
  for (const a of ['new ProcessBuilder("id").start()', 'T(java.lang.System).getenv()', "send(:system, 'id')", "$_GET['a']($_GET['b'])", "getattr(__builtins__,'eval')", 'qx(id)']) {
    const rule = detectCodeInjection(a)?.rule;
    t.ok(rule !== undefined, `short: ${a}`);
    for (const n of [100, 159, 160, 161, 300]) {
      const pad = prose.slice(0, Math.max(0, n - a.length - 1));
      t.equal(detectCodeInjection(pad + ' ' + a)?.rule, rule, `after text, length ${n}: ${a}`);
      t.equal(detectCodeInjection(a + ' ' + pad, charMask(a + ' ' + pad))?.rule, rule, `before text, masked, length ${n}: ${a}`);
    }
  }
  // Call-only hints count before a glued ( or [ only.
  t.equal(detectCodeInjection(prose + " send (:system, 'id')"), undefined);
});

// Pinned verdicts of a seeded table (session 16, dense punctuation): the digest of every verdict
// (rule and confidence) over generated strings that mix this detector's trigger characters, the
// sweep's dense units and attack fragments, as the build before the speed work gave them. A fast
// path that changes any verdict changes the digest (the same table caught a planted change of each
// fast path: quiet escapes stepped over without the hint named anywhere).

const CODE_PIECES = [...'\'"`\\()[]{};:+.,= x0\n<-|@'].concat(['\\x(', "-('\\0", "`\\'(", '\\x', '\\0', '\\e', '\\$', "\\'", '\\(', '\\\\', '\\u0065', '\\x65', '\\101', '\\\n', 'eval', 'Function', 'new Function', 'require', 'process', 'constructor', '__class__', 'this', 'exec', 'system', 'con', 'structor', 'ev', 'al', 'the fit', 'qx']);

t.test('dense punctuation: verdicts pinned on a seeded table (quiet escapes)', async (t) => {
  const table = verdictTable(16, CODE_PIECES, 4000);
  const found = table.filter((s) => detectCodeInjection(s) !== undefined).length;
  t.equal(found, 149, 'findings in the table');
  t.equal(verdictDigest(table.map((s) => verdictKey(detectCodeInjection(s)) + verdictKey(detectCodeInjection(s, charMask(s))))), '4e06e707');
  // A quiet escape next to a hint named without a follower the gate counts: the analysis still runs.
  t.equal(detectCodeInjection('new Function<\\v')?.confidence, 'high');
  t.equal(detectCodeInjection('new Function<'), undefined);
  for (const u of ['\\x(', "-('\\0", "`\\'("]) t.equal(detectCodeInjection(u.repeat(2000)), undefined, JSON.stringify(u));
});

// Round 2: bracket concatenation counts only where some `[` has a string next (after blanks,
// comments and `+`): stringInBracket. The digest is the base build's (cd89112); it caught planted
// look-aheads that did not skip `+`, block comments or line comments.
const BRACKET_PIECES = [...'[[]]\'\'"`++ \t\n\r/*x1().,;=\\'].concat(['\u00a0', '\u2028', '/*', '*/', '//', "'con'", "'structor'", '"con"', '"structor"', '`con`', '`structor`', "'proc'", "'ess'", "'main'", "'Module'", "'ev'", "'al'", '${', "['con'+'structor']", "[+'con'+'structor']", "[/**/'con'+'structor']", "[//\n'con'+'structor']", "[1+'con'+'structor']", "('return process')()", '[x+', "'[x+", 'the fit ']);

t.test('dense punctuation: verdicts pinned on a seeded table (bracket concatenation)', async (t) => {
  const table = verdictTable(162, BRACKET_PIECES, 3000);
  const pad = 'x'.repeat(170);
  const all = table.concat(table.map((s) => pad + s));
  t.equal(all.filter((s) => detectCodeInjection(s) !== undefined).length, 1478, 'findings in the table');
  t.equal(verdictDigest(all.map((s) => verdictKey(detectCodeInjection(s)) + verdictKey(detectCodeInjection(s, charMask(s))))), 'e5748033');
  t.equal(detectCodeInjection("x[ + /* a */ // b\n 'con'+'structor']")?.rule, 'code.bracket-notation');
  t.equal(detectCodeInjection("'[x+".repeat(3000)), undefined);
});

// Session 17 (dense punctuation, second round): pieces around this round's fast paths. The digest
// is the base build's (7c28b55), verdicts with and without the caller's charMask; it caught the
// change planted in this round's fast path (a scratch differential of the base dist against this
// build, ~300k strings, found no difference).
const S17_PIECES: string[] = ["\\", "0", "1", "7", "8", "_", "a", "e", "val", "eval", "(", ")", "'", "\"", "[", "]", "+", "u", "0065", "\\u0065val(1)", "\\\\", "\\0", "\\0_", "\\145", "constructor", "this", ".", "!", "-", "x", "$", "`", " ", "require", "process", "('id')", "\n"];

t.test('dense punctuation: verdicts pinned on a seeded table (session 17 fast paths)', async (t) => {
  const { findings, digest } = pinnedVerdicts(verdictTable(1703, S17_PIECES, 3000), (s) => detectCodeInjection(s), (s) => detectCodeInjection(s, charMask(s)));
  t.equal(findings, 428, 'findings in the table');
  t.equal(digest, '37a2e455');
  // An octal digit with no digit after it, and `\\`, are quiet escapes; `\u` and `\145` stay loud.
  t.equal(detectCodeInjection('\\0_'.repeat(4096)), undefined);
  t.equal(detectCodeInjection('x-\\\\='.repeat(4096)), undefined);
  t.equal(detectCodeInjection("\\u0065val('id')")?.confidence, 'high');
  t.equal(detectCodeInjection("\\\\u0065val('id')")?.confidence, 'high');
  t.equal(detectCodeInjection("require('\\143hild_process').exec('id')")?.confidence, 'high');
  // Bracket concatenation in a value without ASCII letters spells no name; with them it still reads.
  t.equal(detectCodeInjection('(+\\["'.repeat(4096)), undefined);
  t.equal(detectCodeInjection("x['con'+'structor']['con'+'structor']('id')()")?.confidence, 'high');
  t.same(detectCodeInjection("[]['\\x63onstructor'+'']"), detectCodeInjection("[]['constructor'+'']"));
});

// JSFuck: JavaScript in the six characters []()!+. A small encoder of our own (below) writes the
// vectors, and each is run in a fresh V8 context to prove it is the code it claims to be.
function jsfuck(code: string): string {
  const num = (n: number): string => (n === 0 ? '+[]' : n === 1 ? '+!+[]' : Array.from({ length: n }, () => '!+[]').join('+'));
  const sources: Array<[string, string]> = [
    ['false', '(![]+[])'],
    ['true', '(!![]+[])'],
    ['undefined', '([][[]]+[])'],
  ];
  const letters = new Map<string, string>();
  const learn = (text: string, expr: string): void => {
    for (let i = 0; i < text.length; i++) if (!letters.has(text[i]!)) letters.set(text[i]!, `${expr}[${num(i)}]`);
  };
  for (const [text, expr] of sources) learn(text, expr);
  const str = (s: string): string =>
    s
      .split('')
      .map((ch) => {
        if (/[0-9]/.test(ch)) return `(${num(Number(ch))}+[])`;
        const e = letters.get(ch);
        if (e === undefined) throw new Error(`no source for ${JSON.stringify(ch)}`);
        return e;
      })
      .join('+');
  const flat = `[][${str('flat')}]`;
  // "function flat() { [native code] }": c, o, space and more.
  learn('function flat() { [native code] }', `(${flat}+[])`);
  const ctor = `${flat}[${str('constructor')}]`;
  return `${ctor}(${str(code)})()`;
}

t.test('JSFuck: code in []()!+ only is high (each vector run to prove it)', async (t) => {
  const vm = await import('node:vm');
  for (const code of ['return 7', 'return 42', 'return void 0']) {
    const v = jsfuck(code);
    t.ok(/^[[\]()!+]+$/.test(v), 'six characters only');
    const ran = vm.runInNewContext(v) as unknown;
    if (code === 'return 7') t.equal(ran, 7, 'the vector runs');
    const d = detectCodeInjection(v);
    t.equal(d?.rule, 'code.jsfuck', `${code}: ${v.length} characters`);
    t.equal(d?.confidence, 'high');
    // Wherever it stands: after an assignment, in a call, spread with blanks, in a longer text.
    for (const placed of [`x=${v}`, `eval(${v})`, v.replace(/\]/g, '] '), `note: ${v} end`, `${v}\n`]) {
      t.equal(detectCodeInjection(placed)?.confidence, 'high', `placed: ${placed.slice(0, 24)}...`);
    }
  }
});

t.test('JSFuck: short pieces, Markdown and punctuation runs are not', async (t) => {
  const negatives = [
    '(![]+[])[+[]]', // "f": one letter, harmless alone
    '![](a.png) ![](b.png) ![](c.png) ![](d.png) ![](e.png) ![](f.png) ![](g.png)',
    '- [ ] one\n- [ ] two\n- [ ] three\n- [x] four\n- [ ] five\n- [ ] six\n- [ ] seven',
    '(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((',
    '[][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][]',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '+++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++',
    '![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]![]',
    'wow!!! [] () !+ [] nice (!) [+] ok [!] fine ![] +[] :) (+) [] (!!) yes ![]',
  ];
  for (const v of negatives) t.not(detectCodeInjection(v)?.rule, 'code.jsfuck', JSON.stringify(v.slice(0, 30)));
});

t.test('JSFuck: the run search is linear (each character walked once)', async (t) => {
  // 1 MB of runs that each almost qualify, separated by a letter: every run is walked once.
  const unit = '![]+[]+![]+[]+![]+[]+![]+[]+![]+[]+![]+[]+![]+[]+![]+[]+![]+[]+![]+[]a';
  const big = unit.repeat(Math.ceil(1_000_000 / unit.length));
  t.equal(detectCodeInjection(big)?.rule === 'code.jsfuck', false, 'no `][`: not code');
  const one = `${big}x=${jsfuck('return 7')}`;
  t.equal(detectCodeInjection(one)?.rule, 'code.jsfuck', 'found at the end of 1 MB');
});

// Session 18 (dense punctuation, third round): values with a backslash are gated by escapesInert
// (no loud escape, no three name characters in a row) before the prefilter walk. Its claim is
// checked against the prefilter on every value of a seeded table over what quietEscape treats
// apart (`\u`, `\x` + hex, octal digits with a digit after them, name characters or `\` on either
// side, non-ASCII, line breaks, U+2028) and the dense units; the digest is the base build's
// (2ca00a4), with and without the caller's charMask, padded past the gate's lengths too. A scratch
// differential (base dist against this build, 100k strings, plus the same claim) found no
// difference; planted errors (no `\u` check, `\` left out of the name class) broke the claim here.
const S18_PIECES = ['\\', '\\', 'u', 'x', '0', '7', '9', 'a', 'e', '$', '_', 'é', '\n', '\r', '\u2028', '[', "'", '"', '+', '(', ')', '-', '.', '`', ' ', '\\x(', "`\\'(", "-('\\0", 'x[$\\', '\\aa>=', "['", 'top', 'pty.', 'eval', 'eval(', 'this', '\\u0065', '\\x65', '\\e\\v', 'ev\\al(', "'con'+'structor'"];

t.test('dense punctuation: escapesInert never contradicts the prefilter; verdicts pinned (session 18)', async (t) => {
  const table = verdictTable(1801, S18_PIECES, 3000);
  const pad = '(-'.repeat(90);
  const all = table.concat(table.map((s) => pad + s));
  let wrong = 0;
  for (const s of all) {
    if (escapesInertContradicted(s) || escapesInertContradicted(s, charMask(s))) {
      if (wrong++ < 5) t.fail(`escapesInert holds on ${JSON.stringify(s)}, which the prefilter analyzes`);
    }
  }
  t.equal(wrong, 0, 'no contradiction');
  const { findings, digest } = pinnedVerdicts(all, (s) => detectCodeInjection(s), (s) => detectCodeInjection(s, charMask(s)));
  t.equal(findings, 324, 'findings in the table');
  t.equal(digest, 'b21f1d93');
  // Loud escapes among punctuation still reach the analysis; the quiet ones in dense runs do not.
  for (const u of ['\\x(', "`\\'(", "-('\\0", '\\.\\./']) {
    const s = u.repeat(3000);
    t.equal(detectCodeInjection(s), undefined, JSON.stringify(u));
    t.notOk(escapesInertContradicted(s), JSON.stringify(u));
  }
  // Escapes loud on their own (`\u`, non-ASCII, line breaks) among punctuation with no name around.
  for (const e of ['\\u', '\\\u00e9', '\\\n', '\\\r', '\\\u2028', '\\x6', '\\01']) {
    const s = '(-'.repeat(90) + '(' + e + '(' + '(-'.repeat(90);
    // (Named by code units: a raw U+2028 in an assertion's name breaks the TAP stream.)
    const name = `escape ${[...e].map((c) => c.charCodeAt(0).toString(16)).join(' ')} among punctuation`;
    t.notOk(escapesInertContradicted(s), name);
    t.notOk(escapesInertContradicted(s, charMask(s)), name + ', masked');
  }
  // A sparser alphabet, so that single escapes stand among punctuation only.
  const sparse = verdictTable(1803, ['\\', 'u', 'x', '0', '7', '$', '(', '-', "'", '[', '+', '\n', 'é', ' ', '\\u', '\\x(', '(-(', "-('", '(-(-(-'], 3000);
  let sparseWrong = 0;
  for (const s of sparse.concat(sparse.map((x) => pad + x))) if (escapesInertContradicted(s) || escapesInertContradicted(s, charMask(s))) sparseWrong++;
  t.equal(sparseWrong, 0, 'no contradiction (sparse alphabet)');
  t.equal(detectCodeInjection('(-'.repeat(90) + "ev\\al('require(\"child_process\")')")?.confidence, detectCodeInjection("ev\\al('require(\"child_process\")')")?.confidence);
});

t.test('optional calls and optional bracket access reach eval, Function and require (session 19)', async (t) => {
  // `eval?.(x)` is an indirect eval; `f?.(x)` calls f when it exists. Before, the ( after ?. was read
  // as a group: `eval?.(atob('…'))` passed at every paranoia.
  const high = [
    "eval?.(atob('cmVxdWlyZSgiY2hpbGRfcHJvY2VzcyIpLmV4ZWNTeW5jKCJpZCIp'))",
    "eval?.('require(\"child_process\").execSync(\"id\")')",
    "eval ?.('x')",
    "Function?.('return process')()",
    "new Function?.('return process')",
    "require?.('child_process').execSync('id')",
    "globalThis?.['ev'+'al'](code)",
    "this?.['con'+'structor']?.['con'+'structor']?.('return process')?.()",
  ];
  for (const v of high) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    'really?.(see above)',
    'is it eval?. (no idea)',
    'user?.(profile)',
    'config?.[key]',
    'const v = obj?.evaluate?.(x)',
    'cb?.(err, data)',
    'Is this the function?.(I think so)',
  ];
  for (const v of notHigh) {
    const d = detectCodeInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test("a literal's or built-in's method's constructor kept in a variable is the Function constructor (session 19)", async (t) => {
  const high = [
    '_=[]["filter"]["constructor"];_("return process")()',
    "$=''.sub.constructor;$('return process')()",
    "x=[].map.constructor;x('return process')()",
    'const F = [1,2].slice.constructor; F(code)()',
    "let f = 'a'['big']['constructor']\nf('return this')()",
    "F=Math.max.constructor;F('return process')()",
    "F=JSON.parse.constructor;F('return process')()",
    "new (Function.prototype.constructor)('return process')()",
    'const C = console.log.constructor',
  ];
  for (const v of high) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    "''.length.constructor === Number",
    '[][0].constructor',
    '"abc".constructor.name',
    '(x).value.constructor === Array',
    "'hello'. sub. constructor",
    '[].map().constructor',
    '[].constructor',
    'if (value.items.constructor === Array) return',
    'Math.PI.constructor === Number',
    'Number.MAX_VALUE.constructor',
    'Array.prototype.constructor === Array',
    'Object.prototype.constructor',
    'Math. max. constructor',
  ];
  for (const v of notHigh) {
    const d = detectCodeInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('an optional call or index is judged as the plain one: seeded table (session 19)', async (t) => {
  // Reference: the same value with every `?.(` / `?.[` written `(` / `[`. (Planted: afterOptChain on
  // `(` only, so `globalThis?.['ev'+'al']` judged apart from `globalThis['ev'+'al']`: 99 failures.
  // The first version of this table also caught `x.?.(` and `new ?.(` read as calls: optAfterExpr.)
  const pieces = ['eval', 'Function', 'require', 'globalThis', 'this', 'process', 'constructor', '?.(', '?.[', '?.', '(', ')', '[', ']', "'ev'", "'al'", '+', "'child_process'", "'return process'", 'atob', "'x'", 'x', '.', ' ', ';', '=', 'f', "['con'+'structor']", 'mainModule', 'new '];
  let seed = 4242;
  const r = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
  let opt = 0;
  const verdicts: string[] = [];
  for (let i = 0; i < 30000; i++) {
    let s = '';
    const len = 2 + Math.floor(r() * 9);
    for (let j = 0; j < len; j++) s += pieces[Math.floor(r() * pieces.length)];
    const d = detectCodeInjection(s);
    verdicts.push(verdictKey(d));
    if (!s.includes('?.(') && !s.includes('?.[')) continue;
    // (`x.?.(`, `x?.?.(`, `new ?.(` are syntax errors, as their plain forms are: not compared.)
    if (/\.\s*\?\.|new\s*\?\./.test(s)) continue;
    opt++;
    const plain = s.replaceAll('?.(', '(').replaceAll('?.[', '[');
    const p = detectCodeInjection(plain);
    if ((d?.confidence === 'high') !== (p?.confidence === 'high')) t.fail(`${JSON.stringify(s)} -> ${JSON.stringify(d)}; plain ${JSON.stringify(plain)} -> ${JSON.stringify(p)}`);
  }
  t.ok(opt > 5000, `${opt} values with an optional call or index`);
  // (Session 20: 5717d431 -> 4f1739cc, one value: `fthis'al'?..Function?.constructor]Function`, a
  // built-in method's constructor named and not used, high -> medium.)
  t.equal(verdictDigest(verdicts), '4f1739cc', 'verdicts of the table pinned');
});

t.test('code decoded in the call that runs it, and a global named by a decoded string, are high (session 19, round 2)', async (t) => {
  const high = [
    "exec(bytes.fromhex('5f5f696d706f72745f5f28276f7327292e73797374656d2827696427290a'))",
    "exec(base64.b64decode('X19pbXBvcnRfXygnb3MnKS5zeXN0ZW0oJ2lkJyk='))",
    "exec (base64.b64decode(b'aWQ=').decode())",
    "exec(zlib.decompress(base64.b64decode('eJw=')))",
    "exec(codecs.decode('6964','hex'))",
    "exec(str(binascii.unhexlify('6964')))",
    "eval (atob('YWxlcnQoMSk='))",
    "eval(gzinflate(base64_decode('abc')))",
    "global[Buffer.from('ZXZhbA==','base64')]('1')",
    "this[atob('ZXZhbA==')]('process.exit()')",
    "globalThis[Buffer.from('6576616c', 'hex').toString()]('1')",
    "window[atob('YWxlcnQ=')](1)",
  ];
  for (const v of high) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    'x = base64.b64decode(s); print(x)',
    "data = Buffer.from(s, 'base64').toString()",
    "window[atob('YWxlcnQ=')]",
    'use exec() or base64.b64decode(data) to decode',
    'cursor.exec(base64.b64decode(q))',
    're.compile(base64.b64decode(p))',
    "exec(Buffer.from(s, 'utf8'))",
    "items[atob(key)] = 1",
    'print(bytes.fromhex(h))',
    'assert(bytes.fromhex(h) == expected)',
  ];
  for (const v of notHigh) {
    const d = detectCodeInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('decoders inside exec/eval and global brackets: verdicts pinned on a seeded table (session 19, round 2)', async (t) => {
  // Callee x decoder x argument x suffix mixtures. Compared offline with the build before (40k of
  // them): 5,699 changed, none down; every change is the new rule (a decoder call inside the
  // arguments of exec / spaced eval, or inside a global's bracket that is called). Here every value
  // the new rules report must hold a decoder call, and the table is pinned. (Planted: `str` counted as
  // a decoder: 81 failures below; DECODED judged on any root, `items[…](…)`: the digest fails.)
  const rnd = prng(2119);
  const pick = (a: readonly string[]): string => a[Math.floor(rnd() * a.length)] as string;
  const CALLEE = ['exec', 'eval', 'Function', 'assert', 'print', 'x.exec', 'cursor.exec', 're.compile', 'compile', 'exec ', 'eval ', 'global[', 'this[', 'window[', 'items[', 'globalThis[', 'self[', 'run'];
  const DEC = ['atob', 'base64.b64decode', 'b64decode', 'bytes.fromhex', 'binascii.unhexlify', 'Buffer.from', 'zlib.decompress', 'codecs.decode', 'base64_decode', 'gzinflate', 'str', 'decode', 'parse', 'String.fromCharCode', 'hex2bin', 'Base64.decode64'];
  const DECODER = /\b(atob|b64decode|fromhex|unhexlify|base64_decode|gzinflate|hex2bin|decode64)\(|Buffer\.from\([^()]*'(base64|hex)'|codecs\.decode\(|zlib\.decompress\(/;
  const ARG = ["'aWQ='", "'6964'", "'aWQ=', 'base64'", "s, 'hex'", "s, 'utf8'", 's', "b'aWQ='", '104,105', ''];
  const SUF = ['', '.decode()', '.toString()', "('x')", '(1)', ' + 1', '[0]'];
  const keys: string[] = [];
  let high = 0;
  for (let i = 0; i < 8000; i++) {
    const c = pick(CALLEE);
    const br = c.endsWith('[');
    let inner = pick(DEC) + '(' + pick(ARG) + ')' + pick(SUF);
    if (rnd() < 0.3) inner = pick(DEC) + '(' + inner + ')';
    let v = c + (br ? '' : '(') + inner + (br ? ']' : ')') + (br ? pick(['(1)', '', '=1', "('x')", '.x']) : pick(['', ';', ' # run', '\n']));
    if (rnd() < 0.2) v = pick(['use ', 'x = ', 'print(', '"', 'the docs say ']) + v;
    const d = detectCodeInjection(v);
    keys.push(verdictKey(d));
    const fresh = d !== undefined && (d.reason.includes('decoded from base64') || d.reason.includes('named by a decoded string'));
    if (fresh) high++;
    if (fresh && !DECODER.test(v)) t.fail(`a decoder rule without a decoder call: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.ok(high > 1000, `${high} values reported by the decoder rules`);
  // (Session 20: b0e1511b -> 4e2de067, 13 values, each `print(<global root>[<decoder>(…)]`: a global
  // named by a decoder call handed to a call as an argument, now high.)
  t.equal(verdictDigest(keys), '4e2de067', 'verdicts of the table pinned');
});

t.test('review rB: Python decoders outside the hints, other decompressors and builtins.exec are read', async (t) => {
  // Each passed at b69d71e: the decoder was in DECODERS but no hint started the analyzer, or the callee
  // was not plain.
  for (const v of [
    "exec(base64.urlsafe_b64decode('aW1wb3J0IG9z'))",
    "exec(base64.standard_b64decode('aW1w'))",
    "exec(base64.b32decode('NFWXA==='))",
    "exec(base64.b85decode('aW1w'))",
    "exec(binascii.a2b_hex('696d'))",
    'exec(gzip.decompress(b))',
    'exec(bz2.decompress(b))',
    "builtins.exec(base64.b64decode('aW1w'))",
    "__builtins__.exec(base64.b64decode('aW1w'))",
  ]) {
    t.equal(detectCodeInjection(v)?.confidence, 'high', v);
  }
  for (const v of ["re.exec(base64.b32decode(s))", 'cursor.exec(gzip.decompress(b))', 'data = base64.urlsafe_b64decode(token)', 'print(gzip.decompress(b))', 'os.exec(base64.b85decode(x))']) {
    t.not(detectCodeInjection(v)?.confidence, 'high', v);
  }
});

t.test('a global named by a decoder call, called through call/apply/bind, Reflect.apply, a name or a group (session 20)', async (t) => {
  // Each high form passed at f2d1800 but the plain call (`this[atob('ZXZhbA==')]('…')`).
  const high = [
    "this[atob('ZXZhbA==')].call(null,'alert(1)')",
    "this[atob('ZXZhbA==')].apply(null,['alert(1)'])",
    "this[atob('ZXZhbA==')].bind(null)('alert(1)')",
    "Reflect.apply(this[atob('ZXZhbA==')],null,['alert(1)'])",
    "globalThis[atob('ZXZhbA==')].call(0,'x')",
    "window[atob('ZXZhbA==')].apply(0,['x'])",
    "self[atob('ZXZhbA==')].bind(0)('x')",
    "global[Buffer.from('ZXZhbA==','base64')].call(null,'x')",
    "f=window[atob('ZXZhbA==')];f('x')",
    "const f = this[atob('ZXZhbA==')]\nf.call(0, 'x')",
    "(0,self[atob('ZXZhbA==')])('x')",
    "[this[atob('ZXZhbA==')]][0]('x')",
    "Function.prototype.call.call(this[atob('ZXZhbA==')],0,'x')",
    "({f:this[atob('ZXZhbA==')]}).f('x')",
    "setTimeout(window[atob('ZXZhbA==')],0,'x')",
    "Promise.resolve('x').then(self[atob('ZXZhbA==')])",
    "window.self[atob('ZXZhbA==')]('alert(1)')",
    "globalThis.window[atob('ZXZhbA==')].call(0,'x')",
    "this[atob`ZXZhbA==`]('alert(1)')",
  ];
  for (const v of high) t.equal(detectCodeInjection(v)?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(detectCodeInjection(v))}`);
  const notHigh = [
    "window[atob('YWxlcnQ=')]",
    'x = window[atob(k)]',
    'items[atob(k)].call(x)',
    'f = items[atob(k)]; f(x)',
    'f = window[atob(k)]; g(f)',
    'Reflect.apply(items[atob(k)], null, [])',
    'Reflect.apply(window[atob(k)].y, null, [])',
    '(0, items[atob(k)])(x)',
    'o[window[atob(k)]]',
    'return window[atob(k)]',
    '(window[atob(k)], 1)',
    'obj.window[atob(k)](x)',
    'window.obj[atob(k)](x)',
    'window[atob(k)].name',
  ];
  for (const v of notHigh) t.not(detectCodeInjection(v)?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(detectCodeInjection(v))}`);
  // The whole cross product against its expected verdict (a root that exposes the global object, a
  // decoder call, and a form that calls what the bracket reads). (Planted: the handed-on branch
  // removed: 67 failing checks; a bracket key counted as handed on: 16; S_GROUP read as S_NONE: 44 in
  // this test and the next; only `root[…]`, not `window.self[…]`: 90; the tagged decoder unread: 78.)
  const ROOTS: [string, boolean][] = [['this', true], ['window', true], ['globalThis', true], ['self', true], ['global', true], ['window.self', true], ['this.top', true], ['items', false], ['obj.win', false], ['window.obj', false]];
  const DECS: [string, boolean][] = [["atob('ZXZhbA==')", true], ["Buffer.from('ZXZhbA==','base64')", true], ["base64.b64decode('ZXZhbA==')", true], ['atob`ZXZhbA==`', true], ["pick('ZXZhbA==')", false], ["'ev'+'al2'", false]];
  const FORMS: [string, boolean][] = [
    ["X('x')", true], ["X.call(null,'x')", true], ["X.apply(null,['x'])", true], ["X.bind(null)('x')", true],
    ["Reflect.apply(X,null,['x'])", true], ["f=X;f('x')", true], ["(0,X)('x')", true], ["(X)('x')", true],
    ['g(X)', true], ['[X]', true], ['[1, X]', true],
    ['X', false], ['x = X', false], ['X.name', false], ['o[X]', false], ['(X, 1)', false], ['Reflect.apply(X.y,null,[])', false], ['f=X;g(f)', false],
    ["f=X.y;f('x')", false], ['(0,X)', false], ['X === undefined', false],
  ];
  let n = 0;
  for (const [root, global] of ROOTS) {
    for (const [dec, decoder] of DECS) {
      for (const [form, calls] of FORMS) {
        const v = form.replace('X', `${root}[${dec}]`);
        const want = global && decoder && calls;
        const d = detectCodeInjection(v);
        // (Other rules may be high on their own: a non-decoder bracket naming eval by pieces.)
        if (want && d?.confidence !== 'high') t.fail(`want high: ${v} -> ${JSON.stringify(d)}`);
        if (!want && d?.confidence === 'high' && d.reason.includes('decoded string')) t.fail(`want no decoded-name high: ${v} -> ${JSON.stringify(d)}`);
        n++;
      }
    }
  }
  t.equal(n, ROOTS.length * DECS.length * FORMS.length);
});

t.test("a built-in's or literal's method's constructor is high when used, not when named in prose (session 20)", async (t) => {
  // "In JS, console.log.constructor is Function, so …" was high at f2d1800 (code.constructor-chain).
  for (const v of [
    'In JS, console.log.constructor is Function, so you can build functions from strings.',
    'Fun fact: Math.max.constructor === Function',
    'Note: JSON.parse.constructor, like every function, is Function.',
    'console.log.constructor',
    'console.log.constructor.name',
  ]) {
    const d = detectCodeInjection(v);
    t.equal(d?.confidence, 'medium', `medium: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  // Expected by construction: prefix class x constructor x suffix class. High when the suffix calls
  // or indexes it, or when the value stops after it and the prefix kept or handed it on; a word
  // before an identifier root caps at medium (prose); a group is Function when called after.
  // (Planted: `:` always S_FLOW: 56 failures; the ends test without `,`: 78 in this test and the one before.)
  const PRE: [string, string][] = [
    ['', 'none'], ['In JS, ', 'none'], ['Note: ', 'none'], ['so ', 'prose'], ['x = ', 'flow'], ['const F = ', 'flow'], ['o.f = ', 'flow'],
    ['f(', 'flow'], ['return ', 'flow'], ['[', 'flow'], ['{f: ', 'flow'], ['c ? 0 : ', 'flow'], ['a || ', 'flow'], ['(0, ', 'group'], ['(', 'group'],
  ];
  const CTOR: [string, boolean][] = [
    ['Math.max.constructor', true], ['console.log.constructor', true], ['JSON.parse.constructor', true], ['Function.prototype.constructor', true],
    ["[]['filter']['constructor']", false], ["''.sub.constructor", false], ['[].map.constructor', false],
  ];
  const SUF: [string, string][] = [
    ['', 'end'], [';', 'end'], [',', 'end'], ['\n', 'end'], [')', 'end'], [']', 'end'], ['}', 'end'],
    [' is Function, so …', 'word'], [' === Function', 'other'], ['.name', 'other'], [' + ""', 'other'],
    ["('return 1')()", 'call'], ["['call'](0, 'x')", 'call'], ['`x`', 'call'], [".call(0, 'x')()", 'call'], [".bind(0, 'x')()", 'call'],
    [")('x')()", 'groupcall'],
  ];
  let n = 0;
  for (const [pre, pc] of PRE) {
    for (const [ctor, ident] of CTOR) {
      for (const [suf, sc] of SUF) {
        // (`so [` is a member access on `so`: no literal there.)
        if (pc === 'prose' && ctor.startsWith('[')) continue;
        const v = pre + ctor + suf;
        let want = sc === 'call' || (sc === 'end' && pc === 'flow') || (sc === 'groupcall' && (pc === 'group' || pc === 'flow'));
        if (pc === 'prose' && ident) want = false;
        const d = detectCodeInjection(v);
        if ((d?.confidence === 'high') !== want) t.fail(`${JSON.stringify(v)}: want ${want ? 'high' : 'not high'}, got ${JSON.stringify(d)}`);
        // (After a blank the prefilter needs code punctuation: `X + ""` is not read at all, as before.)
        if (d === undefined && !suf.startsWith(' ')) t.fail(`${JSON.stringify(v)}: still reported (medium at least)`);
        n++;
      }
    }
  }
  t.equal(n, PRE.length * CTOR.length * SUF.length - 2 * SUF.length);
});
