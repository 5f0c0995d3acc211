/**
 * Server-side template injection (SSTI).
 *
 * When an application renders a template built from input (or renders input as a template), a value
 * such as `{{7*7}}` prints 49 and `{{''.__class__.__mro__[1].__subclasses__()}}` walks Python's
 * object graph to `os.popen`. Every template language has delimiters and an expression language:
 *
 * - `{{…}}` Jinja2, Twig, Nunjucks, Handlebars, Mustache, AngularJS, Go, Pebble, Liquid;
 * - `{%…%}` statements of Jinja2, Twig, Django, Liquid, Nunjucks, Tornado;
 * - `${…}` FreeMarker, Mako, Velocity, JSP/Java EL, Spring EL, Thymeleaf (`[[${…}]]`, `__${…}__`),
 *   JavaScript template literals; `#{…}` Ruby, Pug, JSF, Spring; `*{…}` / `@{…}` Thymeleaf;
 * - `<%…%>`, `<%=…%>` ERB, EJS, JSP, ASP; `<#assign …>` FreeMarker directives; `@(…)` and
 *   `@System…` Razor; `#set(…)` / `$x.getClass()` Velocity; `{$smarty…}`, `{php}` Smarty.
 *
 * Structure, not keywords: delimiters are matched (braces with a stack, `<%`/`%>` pairs, balanced
 * `@(…)`), and the content is tokenized as an expression (identifiers, numbers, string literals,
 * operators, punctuation). The decision is made on what the expression does:
 *
 * - `ssti.object-traversal` (high): Python dunder attributes (`__class__`, `__globals__`, name-mangled
 *   `_TemplateReference__context`, also spelled as strings for `attr()` or in `%c` character codes:
 *   `"%c%c%c%c%c%c%c%c%c"|format(95,95,99,…)`), and chains to the Function
 *   constructor (`constructor.constructor(…)`, `$on.constructor(…)`, `x.__proto__`).
 * - `ssti.code-execution` (high): names that reach code or process execution or reflection:
 *   `getClass`, `forName`, `T(java.lang.Runtime)`, `new java.…`, `os.popen`, `system(…)`, `IO.popen`,
 *   `File.open`, `process.mainModule`, `require(…)`, `_self.env`, `registerUndefinedFilterCallback`,
 *   FreeMarker `?new()`/`?api`, `freemarker.template.utility.Execute`, filter callbacks
 *   (`|filter('system')`), Smarty `{php}`/`{$smarty…}`/`{system(…)}`, Razor `System.Diagnostics`,
 *   ERB backticks and `%x(…)`, Velocity `$x.getClass()`.
 * - Perl interpolation that runs code while a string is built (`"@{[system 'id']}"`, `"${\ `id`}"`),
 *   Ruby `%x(…)` and Perl `qx{…}` command literals anywhere in the value (code-execution, high), and
 *   Python format fields that read a function's globals (`{0.__init__.__globals__[KEY]}`:
 *   object-traversal, high).
 * - `ssti.arithmetic-probe` (high): an expression of literals only with an operator (`{{7*7}}`,
 *   `${3*3}`, `{{7*'7'}}`, `<%= 7*7 %>`, `@(1+2)`, `{% print 'x'*3 %}`), the universal detection probe.
 * - `ssti.literal-reflection` (high): a member of a string literal (`{{'a'.toUpperCase()}}`,
 *   `{{''.class}}`), the first step of every sandbox escape.
 * - OGNL (Struts) sandbox switches, delimited or not: `#_memberAccess`, `@ognl.OgnlContext@`,
 *   `xwork.MethodAccessor.` (code-execution, high). Names spelled with escapes inside a literal
 *   (`'\137\137class\137\137'`), built by repetition (`'_'*2`) or read from another parameter
 *   (`|attr(request.args.a)`, `''[request.cookies.b]`) count as the names themselves.
 * - `ssti.context-object` (high): the template's privileged objects dumped or called (`{{config}}`,
 *   `{{ request }}`, `{{self}}`, `{{ settings.SECRET_KEY }}`, `{{ config.items() }}`,
 *   `request|attr(…)`); medium for a plain attribute (`{{ config.title }}`: Hexo themes write that).
 * - `ssti.statement`: `{% import os %}`, `{% debug %}`, a constant condition (`{% if True %}`) and
 *   `{% include %}` of an absolute or `..` path are high; other includes medium; other statements low.
 * - `ssti.expression` (medium): a function call or arithmetic on variables (`${price*qty}`).
 * - `ssti.placeholder` (low): a plain variable (`{{name}}`, `${price}`, `#{user.name}`): translation
 *   strings, documentation and JavaScript template text use these constantly.
 *
 * `${…}` is also JavaScript template-literal syntax, so code pasted as text (`${x.constructor.name}`,
 * `${request.url}`, `${self.x()}`, `${'a'.repeat(3)}`, `${require('./u')}`) stays medium there; the
 * Java/Python/Ruby escapes above are high in every delimiter. Object and type keys (`{{ prototype: T }}`
 * in JSDoc) are names, not lookups. Currency (`$5`), a lone `${` in markdown, JSON and prose with braces
 * are not templates.
 *
 * Cost: values of up to 32 characters take one charCode loop, longer ones five native indexOf scans,
 * and return at once without any of `{ % @ # $` (most values). Otherwise one pass per delimiter family;
 * the expression tokenizer runs on each delimited content once (at most 4 KB and 512 tokens), and a
 * work budget of 8 characters per input character stops the analysis of nested contents, so the whole
 * scan is linear. No RegExp.
 */
import type { Confidence, Detection } from '../types';
import { C, charMask, dollarBefore } from '../charclass';

// ---------------------------------------------------------------------------------------------------
// Vocabulary

/** Names that reach code execution, reflection or sandbox escapes wherever they appear. */
const DANGER_ANYWHERE = new Set([
  'getClass',
  'forName',
  'getRuntime',
  'Runtime',
  'ProcessBuilder',
  'ClassLoader',
  'getClassLoader',
  // `x.class.protectionDomain.classLoader`: the FreeMarker/Velocity walk from any bean to a class loader.
  'protectionDomain',
  'getProtectionDomain',
  'ScriptEngineManager',
  'getEngineByName',
  'newInstance',
  'getDeclaredMethod',
  'getDeclaredConstructor',
  'getMethod',
  'mainModule',
  'child_process',
  'execSync',
  'spawnSync',
  'execFileSync',
  'subprocess',
  'popen',
  'passthru',
  'shell_exec',
  'proc_open',
  'pcntl_exec',
  'phpinfo',
  'file_get_contents',
  'file_put_contents',
  'registerUndefinedFilterCallback',
  'getFilter',
  '_self',
  'Smarty_Internal_Write_File',
  '$smarty',
  'smarty',
  'freemarker',
  'ObjectConstructor',
  'JythonRuntime',
  'instance_eval',
  'class_eval',
  'instance_variable_get',
  'ObjectSpace',
  'Open3',
  'Kernel',
  'pageContext',
  'applicationScope',
  'facesContext',
  'getattr',
  'check_output',
  '$eval',
]);
// Not here: `globalThis` and `process` (JavaScript template-literal code uses them; see DANGER_MEMBER).

/** Names that execute code when called: `system('id')`, `exec(…)`, `eval(…)`, `require(…)`. */
const DANGER_CALL = new Set([
  'system',
  'exec',
  'eval',
  'spawn',
  'require',
  'send',
  'public_send',
  'readfile',
  'assert',
  'Function',
  'execfile',
  'popen',
  'syscall',
  'fork',
  'shell',
]);

/** Module-like roots that reach the operating system or the runtime through any member. */
const DANGER_ROOT = new Set(['File', 'IO', 'Dir', 'Process', 'ENV', 'Marshal', 'Sys']);

/** Roots dangerous only with specific members (a Map: a plain object would answer `toString`). */
const DANGER_MEMBER = new Map<string, readonly string[]>([
  // Python's os module (Node's `os.arch()` and friends are not these).
  [
    'os',
    [
      'system', 'popen', 'popen2', 'popen3', 'environ', 'getenv', 'putenv', 'listdir', 'scandir', 'walk',
      'remove', 'unlink', 'rmdir', 'removedirs', 'fork', 'kill', 'killpg', 'execl', 'execle', 'execlp',
      'execv', 'execve', 'execvp', 'execvpe', 'spawnl', 'spawnv', 'spawnve', 'startfile', 'chmod', 'chown',
      'open', 'read', 'fdopen', 'dup2', 'setuid', '_exit',
    ],
  ],
  ['process', ['mainModule', 'binding', 'exit', 'kill', 'dlopen', 'getBuiltinModule', 'reallyExit', 'abort']],
  ['System', ['Diagnostics', 'IO', 'Reflection', 'Runtime', 'Net', 'getenv', 'getProperty', 'exit', 'setProperty', 'Environment', 'Activator']],
  ['java', ['lang', 'io', 'net', 'nio', 'util', 'beans', 'rmi']],
  ['javax', ['script', 'naming', 'management']],
  ['org', ['apache', 'springframework', 'python', 'mozilla', 'codehaus']],
  ['global', ['process', 'require', 'mainModule']],
  ['globalThis', ['process', 'require', 'eval', 'Function']],
  ['sun', ['misc', 'reflect']],
]);

/** The template's own privileged objects (Flask/Jinja, Django, Mako, Twig (`_context`: every variable), Symfony). */
const PRIVILEGED = new Set(['config', 'request', 'self', 'settings', 'app', 'session', '_context']);

/** String values that name a dangerous callable (filter callbacks, `attr('popen')`, `lookup … "constructor"`). */
const DANGER_STRING = new Set([
  'system',
  'exec',
  'passthru',
  'shell_exec',
  'popen',
  'proc_open',
  'eval',
  'assert',
  'constructor',
  '__proto__',
  'prototype',
  'child_process',
  'subprocess',
  'os',
  'getRuntime',
  'mainModule',
  'execSync',
  'spawn',
  'spawnSync',
  'require',
  'fs',
  'node:fs',
  'node:child_process',
  'vm',
  '__',
]);
const DANGER_STRING_PREFIX = ['java.', 'javax.', 'freemarker.', 'org.apache.', 'org.springframework.', 'child_process', 'sun.misc', 'jdk.'];

/** PHP functions a Smarty tag can call to run commands or read files. */
const PHP_CALL = new Set([
  'system', 'exec', 'passthru', 'shell_exec', 'popen', 'proc_open', 'pcntl_exec', 'eval', 'assert',
  'phpinfo', 'readfile', 'file_get_contents', 'file_put_contents', 'fopen', 'show_source', 'highlight_file',
]);

/** FreeMarker built-ins that instantiate classes or evaluate text: `?new()`, `?api`, `?eval`. */
const FTL_BUILTIN = new Set(['new', 'api', 'eval', 'interpret', 'eval_json']);

/** Literal names that are constants in Python/Jinja/Twig/JavaScript. */
const CONSTANTS = new Set(['True', 'False', 'None', 'true', 'false', 'none', 'null', 'nil', 'undefined']);

/** Strings that betray an attack anywhere in a value that also contains a template construct. */
const STRONG_TOKENS = ['__globals__', '__subclasses__', '__builtins__', '__mro__', 'freemarker.template.utility'];

// ---------------------------------------------------------------------------------------------------
// Results

interface Finding {
  level: number; // 1 low, 2 medium, 3 high
  rule: string;
  reason: string;
}

const LEVEL_CONF: readonly Confidence[] = ['low', 'low', 'medium', 'high'];

function better(a: Finding | undefined, b: Finding | undefined): Finding | undefined {
  if (b === undefined) return a;
  if (a === undefined || b.level > a.level) return b;
  return a;
}

/** A short, safe rendition of a token for a reason: identifier characters only, at most 24. */
function shown(t: string): string {
  let out = '';
  for (let i = 0; i < t.length && out.length < 24; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 46) out += t[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Expression tokenizer

const T_ID = 1;
const T_NUM = 2;
const T_STR = 3;
const T_OP = 4; // arithmetic: * / % + - **
const T_P = 5; // any other punctuation

interface Tok {
  t: number;
  /** Identifier name, string content (first 96 chars), operator or punctuation text. */
  v: string;
  /** For strings: the quote character. */
  q: number;
  /** Whitespace precedes the token. */
  ws: boolean;
}

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWs(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
}

/** Tokenizes `s[a, b)`; at most 512 tokens (the rest is ignored: a probe is short). */
function tokenize(s: string, a: number, b: number): Tok[] {
  const out: Tok[] = [];
  let i = a;
  let ws = false;
  while (i < b && out.length < 512) {
    const c = s.charCodeAt(i);
    if (isWs(c)) {
      i++;
      ws = true;
      continue;
    }
    const before = ws;
    ws = false;
    if (isIdStart(c)) {
      const st = i;
      i++;
      while (i < b && isIdChar(s.charCodeAt(i))) i++;
      out.push({ t: T_ID, v: s.slice(st, Math.min(i, st + 64)), q: 0, ws: before });
      continue;
    }
    if (isDigit(c)) {
      const st = i;
      i++;
      while (i < b && (isIdChar(s.charCodeAt(i)) || (s.charCodeAt(i) === 46 && isDigit(s.charCodeAt(i + 1))))) i++;
      out.push({ t: T_NUM, v: s.slice(st, Math.min(i, st + 32)), q: 0, ws: before });
      continue;
    }
    if (c === 47 && s.charCodeAt(i + 1) === 42) {
      // A `/* … */` comment (`/* @__PURE__ */` in bundled code) is not part of the expression.
      const e = s.indexOf('*/', i + 2);
      i = e === -1 || e >= b ? b : e + 2;
      ws = true;
      continue;
    }
    if (c === 39 || c === 34 || c === 96) {
      const st = i + 1;
      i++;
      while (i < b && s.charCodeAt(i) !== c) i += s.charCodeAt(i) === 92 ? 2 : 1;
      out.push({ t: T_STR, v: s.slice(st, Math.min(i, b, st + 96)), q: c, ws: before });
      i++;
      continue;
    }
    if (c === 42 || c === 47 || c === 37 || c === 43 || c === 45) {
      if (c === 42 && s.charCodeAt(i + 1) === 42) {
        out.push({ t: T_OP, v: '**', q: 0, ws: before });
        i += 2;
        continue;
      }
      out.push({ t: T_OP, v: s[i]!, q: 0, ws: before });
      i++;
      continue;
    }
    out.push({ t: T_P, v: s[i]!, q: 0, ws: before });
    i++;
  }
  return out;
}

function isDunder(name: string): boolean {
  // `__class__`, `__init__` (underscores on both sides: Node's `__dirname` is not one), and Python
  // name mangling `_TemplateReference__context` (one underscore, a class name, two underscores).
  const n = name.length;
  if (n < 5 || name.charCodeAt(0) !== 95) return false;
  if (name.charCodeAt(1) === 95) return name.charCodeAt(n - 1) === 95 && name.charCodeAt(n - 2) === 95;
  const c = name.charCodeAt(1);
  const mangled = name.indexOf('__', 2);
  return c >= 65 && c <= 90 && mangled !== -1 && mangled < n - 2;
}

/** `SECRET_KEY`, `DEBUG`: an upper-case configuration constant (two letters or more). */
function isConstantName(v: string): boolean {
  if (v.length < 2) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

function dangerString(v: string): boolean {
  const t = v.trim();
  if (t.length === 0 || t.length > 96) return false;
  if (DANGER_STRING.has(t)) return true;
  for (const p of DANGER_STRING_PREFIX) if (t.startsWith(p)) return true;
  // `'__class__'`, `'\x5f\x5fglobals…'` (arrives decoded): a dunder spelled as a string for attr()/getattr,
  // or one half of a dunder assembled by concatenation (`'__cla' ~ 'ss__'`, `'__'`).
  return t.length >= 2 && (t.startsWith('__') || t.endsWith('__'));
}

/**
 * The string a `%c` format builds from character codes: `fmt|format(95,95,…)` (Jinja's filter) or
 * `fmt % (95,95,…)` (Python's operator), with `fmt` the string token at `k`; undefined when the
 * arguments are not all numbers or there are too few. Reads at most 2 + 2·64 tokens after `k`.
 */
function charFormat(toks: Tok[], k: number, fmt: string): string | undefined {
  let j = k + 1;
  if (isP(toks[j], '|') && toks[j + 1]?.t === T_ID && toks[j + 1]!.v === 'format' && isP(toks[j + 2], '(')) j += 3;
  else if (toks[j]?.t === T_OP && toks[j]!.v === '%' && isP(toks[j + 1], '(')) j += 2;
  else return undefined;
  const codes: number[] = [];
  for (; j < toks.length && codes.length < 64; j++) {
    const t = toks[j]!;
    if (t.t === T_NUM) {
      const c = Number(t.v);
      if (!Number.isInteger(c) || c < 1 || c > 0xffff) return undefined;
      codes.push(c);
      if (!isP(toks[j + 1], ',')) break;
      j++;
    } else return undefined;
  }
  let out = '';
  let used = 0;
  for (let i = 0; i < fmt.length && out.length < 96; i++) {
    if (fmt.charCodeAt(i) === 37 && fmt.charCodeAt(i + 1) === 99) {
      const c = codes[used++];
      if (c === undefined) return undefined;
      out += String.fromCharCode(c);
      i++;
    } else if (fmt.charCodeAt(i) === 37 && fmt.charCodeAt(i + 1) === 37) {
      out += '%';
      i++;
    } else out += fmt.charAt(i);
  }
  return used >= 2 ? out : undefined;
}

/** Where request data is read from in Flask/Werkzeug (`request.args`, `.cookies`, …). */
const REQUEST_DATA = new Set(['args', 'values', 'form', 'cookies', 'headers', 'json', 'data', 'files', 'environ']);

/**
 * A `[` after this token subscripts a literal (`''[…]`, `()[…]`, `[][…]`) or a Jinja global that
 * escapes lead through (`lipsum[…]`); not a list literal (`[request.args.x]`) and not a template's
 * own data (`pages[request.args.page]`, which a theme may well write).
 */
function subscriptsObject(tok: Tok | undefined): boolean {
  if (tok === undefined) return false;
  if (tok.t === T_STR) return true;
  if (tok.t === T_P) return tok.v === ')' || tok.v === ']';
  return tok.t === T_ID && (JINJA_GLOBALS.has(tok.v) || PRIVILEGED.has(tok.v));
}
const JINJA_GLOBALS = new Set(['lipsum', 'cycler', 'joiner', 'namespace', 'range', 'dict', 'url_for', 'get_flashed_messages']);

/**
 * The string a Jinja/Python literal means: `'\x5f\x5fclass\x5f\x5f'`, `'\137\137class'` (octal),
 * `'\u005f'`. Token values are at most 96 characters; one pass.
 */
function unescapeLiteral(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c !== 92 || i + 1 >= v.length) {
      out += v[i];
      continue;
    }
    const d = v.charCodeAt(i + 1);
    const hex = d === 120 ? 2 : d === 117 ? 4 : 0;
    if (hex > 0) {
      const code = parseHex(v, i + 2, hex);
      if (code >= 0) {
        out += String.fromCharCode(code);
        i += 1 + hex;
        continue;
      }
    } else if (d >= 48 && d <= 55) {
      let code = 0;
      let j = i + 1;
      while (j < v.length && j < i + 4 && v.charCodeAt(j) >= 48 && v.charCodeAt(j) <= 55) code = code * 8 + v.charCodeAt(j++) - 48;
      out += String.fromCharCode(code);
      i = j - 1;
      continue;
    }
    out += v[i + 1];
    i++;
  }
  return out;
}

function parseHex(v: string, at: number, len: number): number {
  if (at + len > v.length) return -1;
  let code = 0;
  for (let j = at; j < at + len; j++) {
    const c = v.charCodeAt(j) | 0x20;
    const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (h < 0) return -1;
    code = code * 16 + h;
  }
  return code;
}

function isP(tok: Tok | undefined, ch: string): boolean {
  return tok !== undefined && tok.t === T_P && tok.v === ch;
}

function isLiteral(tok: Tok): boolean {
  return tok.t === T_NUM || tok.t === T_STR || (tok.t === T_ID && CONSTANTS.has(tok.v));
}

/**
 * Judges an expression's tokens. `from` skips a statement keyword. Returns the strongest finding.
 */
function judgeTokens(toks: Tok[], from: number, where: string): Finding | undefined {
  let found: Finding | undefined;
  let literals = 0;
  let numbers = 0;
  let names = 0;
  let arith = 0;
  let minusOnly = true;
  let punct = 0;
  let call = false;
  const n = toks.length;
  for (let k = from; k < n; k++) {
    const tok = toks[k]!;
    const prev = k > from ? toks[k - 1] : undefined;
    const next = toks[k + 1];
    if (tok.t === T_ID) {
      const name = tok.v;
      const member = isP(prev, '.');
      // An object or type key (`{{ prototype: T }}`, `{ __proto__?: X }`) is a name, not a lookup.
      if ((isP(next, ':') && !isP(toks[k + 2], ':')) || (isP(next, '?') && isP(toks[k + 2], ':'))) {
        names++;
        continue;
      }
      if (CONSTANTS.has(name)) {
        literals++;
        continue;
      }
      names++;
      if (isDunder(name)) {
        return { level: 3, rule: 'ssti.object-traversal', reason: `Template expression ${where} reaches the Python attribute "${shown(name)}".` };
      }
      if ((name === 'constructor' || name === '__proto__' || name === 'prototype') && !isP(next, '?')) {
        // A call or a chain to the Function constructor (`constructor.constructor(…)`, `$on.constructor(…)`,
        // `x.__proto__`) is the sandbox escape; the bare name is medium (code writes `x.constructor.name`
        // and `Array.prototype`; optional chaining `constructor?.name` is code too).
        const after = toks[k + 2];
        const chained = isP(next, '(') || (isP(next, '.') && after?.t === T_ID && (after.v === 'constructor' || after.v === 'prototype' || after.v === '__proto__'));
        const level = chained || (name === '__proto__' && isP(prev, '.')) ? 3 : 2;
        found = better(found, { level, rule: 'ssti.object-traversal', reason: `Template expression ${where} reaches "${name}", a sandbox escape to the Function constructor.` });
        if (level === 3) return found;
        continue;
      }
      if (DANGER_ANYWHERE.has(name)) {
        return { level: 3, rule: 'ssti.code-execution', reason: `Template expression ${where} uses "${shown(name)}", which reaches code execution or reflection.` };
      }
      if (isP(next, '(')) {
        call = true;
        if (DANGER_CALL.has(name)) {
          // `${require('./util').x}` is also build-script code; the module names that matter
          // (`child_process`, `fs`, `vm`) are caught as dangerous strings.
          if (name === 'require' && where === 'in ${…}') {
            found = better(found, { level: 2, rule: 'ssti.code-execution', reason: `Template expression ${where} calls "require()".` });
          } else {
            return { level: 3, rule: 'ssti.code-execution', reason: `Template expression ${where} calls "${shown(name)}()".` };
          }
        }
        // Spring EL type reference `T(java.lang.Runtime)`.
        if (name === 'T' && toks[k + 2]?.t === T_ID && isP(toks[k + 3], '.')) {
          return { level: 3, rule: 'ssti.code-execution', reason: `Spring expression ${where} references a Java type with T(…).` };
        }
      }
      // FreeMarker built-ins: `"…"?new()`, `x?api`, `"…"?eval`.
      if (isP(prev, '?') && !tok.ws && prev !== undefined && !prev.ws && FTL_BUILTIN.has(name)) {
        return { level: 3, rule: 'ssti.code-execution', reason: `FreeMarker built-in "?${name}" ${where} instantiates a class or evaluates text.` };
      }
      if (isP(next, '.') && toks[k + 2]?.t === T_ID) {
        const sub = toks[k + 2]!.v;
        if (DANGER_ROOT.has(name)) {
          return { level: 3, rule: 'ssti.code-execution', reason: `Template expression ${where} reaches "${name}.${shown(sub)}".` };
        }
        const members = DANGER_MEMBER.get(name);
        if (members !== undefined && members.includes(sub)) {
          return { level: 3, rule: 'ssti.code-execution', reason: `Template expression ${where} reaches "${name}.${shown(sub)}".` };
        }
      }
      if (name === 'new' && next?.t === T_ID && (next.v === 'java' || next.v === 'javax' || next.v === 'Function' || next.v === 'ProcessBuilder')) {
        return { level: 3, rule: 'ssti.code-execution', reason: `Template expression ${where} instantiates "${next.v}".` };
      }
      // `|attr(request.args.a)`, `''[request.cookies.b]`: the attribute name comes from another
      // parameter or a cookie, so the dunder this value walks to is never in it (the split-field
      // bypass of keyword filters). Templates read request data to print it, never to name a lookup.
      if (name === 'request' && !member && isP(next, '.') && toks[k + 2]?.t === T_ID && REQUEST_DATA.has(toks[k + 2]!.v) && prev !== undefined) {
        const opener = isP(prev, '(') ? toks[k - 2] : undefined;
        if ((isP(prev, '[') && k - 1 > from && subscriptsObject(toks[k - 2])) || (opener?.t === T_ID && (opener.v === 'attr' || opener.v === 'getattr'))) {
          return { level: 3, rule: 'ssti.object-traversal', reason: `Template expression ${where} looks up an attribute named by request data.` };
        }
      }
      if (!member && PRIVILEGED.has(name)) {
        // `${request}`, `${self.x()}` are also ordinary JavaScript template-literal code (`self` is the
        // global object there): in `${…}` the privileged objects are medium at most.
        const js = where === 'in ${…}';
        const bare = n - from === 1;
        const after = toks[k + 2];
        const afterNext = toks[k + 3];
        if (
          !js && (bare ||
          isP(next, '(') ||
          isP(next, '|') ||
          isP(next, '[') ||
          (isP(next, '.') && after?.t === T_ID && (PRIVILEGED.has(after.v) || isP(afterNext, '(') || isDunder(after.v) || isConstantName(after.v))))
        ) {
          return { level: 3, rule: 'ssti.context-object', reason: `Template expression ${where} dumps or calls the template object "${name}".` };
        }
        found = better(found, { level: 2, rule: 'ssti.context-object', reason: `Template expression ${where} reads the template object "${name}".` });
      }
      continue;
    }
    if (tok.t === T_STR) {
      literals++;
      if (dangerString(tok.v) || (tok.v.indexOf('\\') !== -1 && dangerString(unescapeLiteral(tok.v)))) {
        return { level: 3, rule: 'ssti.code-execution', reason: `Template expression ${where} names "${shown(tok.v)}" in a string (a filter callback or attribute lookup).` };
      }
      // `('_'*2,'class','_'*2)|join`: the dunder's underscores built by repetition.
      if (tok.v === '_' && next?.t === T_OP && next.v === '*' && toks[k + 2]?.t === T_NUM && toks[k + 2]!.v === '2') {
        return { level: 3, rule: 'ssti.object-traversal', reason: `Template expression ${where} builds a dunder name from '_'*2.` };
      }
      // `"%c%c%c…"|format(95,95,99,…)` and `'%c%c' % (95,95)`: a name spelled in character codes.
      if (tok.v.indexOf('%c') !== -1) {
        const built = charFormat(toks, k, tok.v);
        if (built !== undefined && (isDunder(built) || dangerString(built))) {
          return { level: 3, rule: 'ssti.object-traversal', reason: `Template expression ${where} spells "${shown(built)}" with %c character codes.` };
        }
      }
      // Ruby/ERB backticks run a command.
      if (tok.q === 96 && (where === 'in <%…%>' || where === 'in #{…}')) {
        return { level: 3, rule: 'ssti.code-execution', reason: `Ruby expression ${where} with a backtick command.` };
      }
      if (isP(next, '.') && toks[k + 2]?.t === T_ID) {
        if (isDunder(toks[k + 2]!.v)) {
          return { level: 3, rule: 'ssti.object-traversal', reason: `Template expression ${where} reaches the Python attribute "${shown(toks[k + 2]!.v)}" of a literal.` };
        }
        // In `${…}` (also JavaScript template-literal code: `${'a'.repeat(3)}`) only reflection members
        // count; in the other delimiters any member of a literal is the sandbox-escape first step.
        const member = toks[k + 2]!.v;
        const reflective = member === 'class' || member === 'getClass' || member === 'constructor' || member === 'mro';
        return {
          level: where === 'in ${…}' && !reflective ? 2 : 3,
          rule: 'ssti.literal-reflection',
          reason: `Template expression ${where} accesses a member of a string literal.`,
        };
      }
      continue;
    }
    if (tok.t === T_NUM) {
      literals++;
      numbers++;
      continue;
    }
    if (tok.t === T_OP) {
      arith++;
      if (tok.v !== '-') minusOnly = false;
      // Ruby `%x(…)` command literal.
      if (tok.v === '%' && next?.t === T_ID && next.v === 'x' && (isP(toks[k + 2], '(') || isP(toks[k + 2], '{') || isP(toks[k + 2], '['))) {
        return { level: 3, rule: 'ssti.code-execution', reason: `Ruby %x command literal ${where}.` };
      }
      continue;
    }
    // Punctuation.
    if (tok.v !== '(' && tok.v !== ')') punct++;
    // `[].constructor`, `().__class__` are caught by their names; `[]`/`{}` literals count as punctuation.
  }
  if (found !== undefined && found.level >= 2) return found;
  if (arith > 0 && !minusOnly && names === 0 && punct === 0 && literals >= 2 && numbers >= 1) {
    return { level: 3, rule: 'ssti.arithmetic-probe', reason: `Template expression ${where} that computes arithmetic on literals, the template-injection probe.` };
  }
  if ((arith > 0 && !minusOnly && names > 0) || call) {
    return better(found, { level: 2, rule: 'ssti.expression', reason: `Template expression ${where} with ${call ? 'a function call' : 'arithmetic'}.` });
  }
  if (n - from > 0) return better(found, { level: 1, rule: 'ssti.placeholder', reason: `Template placeholder ${where}.` });
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Statements `{% … %}`

const INCLUDE_KW = new Set(['include', 'extends', 'embed', 'source', 'include_relative', 'render', 'sandbox']);
const CONDITION_KW = new Set(['if', 'elif', 'elsif', 'while', 'unless']);
const EXPR_KW = new Set(['print', 'set', 'for', 'with', 'do', 'filter', 'call', 'macro', 'assign', 'capture', 'echo', 'let', 'apply', 'autoescape']);

function judgeStatement(s: string, a: number, b: number): Finding | undefined {
  // Whitespace control markers `{%-`, `{%+`, `-%}`.
  if (s.charCodeAt(a) === 45 || s.charCodeAt(a) === 43 || s.charCodeAt(a) === 126) a++;
  if (b > a && (s.charCodeAt(b - 1) === 45 || s.charCodeAt(b - 1) === 43 || s.charCodeAt(b - 1) === 126)) b--;
  const toks = tokenize(s, a, b);
  const first = toks[0];
  if (first === undefined || first.t !== T_ID) return undefined;
  const kw = first.v;
  const where = 'in {%…%}';
  const second = toks[1];
  if (kw === 'import' || kw === 'from') {
    if (second?.t === T_ID) {
      return { level: 3, rule: 'ssti.statement', reason: `Template statement imports the module "${shown(second.v)}".` };
    }
    return better(judgeTokens(toks, 1, where), { level: 1, rule: 'ssti.statement', reason: 'Template import statement.' });
  }
  if (kw === 'debug') return { level: 3, rule: 'ssti.statement', reason: 'Template {% debug %} statement, which dumps the template context.' };
  if (INCLUDE_KW.has(kw)) {
    const path = second?.t === T_STR ? second.v : '';
    if (path.startsWith('/') || path.indexOf('..') !== -1 || path.indexOf('\\') !== -1 || path.indexOf(':') !== -1) {
      return { level: 3, rule: 'ssti.statement', reason: 'Template statement includes a file by absolute or parent path.' };
    }
    return better(judgeTokens(toks, 1, where), { level: 2, rule: 'ssti.statement', reason: `Template "${kw}" statement.` });
  }
  if (CONDITION_KW.has(kw)) {
    let allLiteral = toks.length > 1;
    for (let k = 1; k < toks.length && allLiteral; k++) {
      const t = toks[k]!;
      if (!(isLiteral(t) || t.t === T_OP || (t.t === T_P && (t.v === '(' || t.v === ')' || t.v === '=' || t.v === '<' || t.v === '>' || t.v === '!')))) {
        allLiteral = false;
      }
    }
    if (allLiteral) {
      return { level: 3, rule: 'ssti.statement', reason: 'Template condition on constants only, a template-injection probe.' };
    }
    return better(judgeTokens(toks, 1, where), { level: 1, rule: 'ssti.statement', reason: `Template "${kw}" statement.` });
  }
  if (EXPR_KW.has(kw)) {
    let from = 1;
    if (kw === 'set' || kw === 'assign' || kw === 'let') {
      for (let k = 1; k < toks.length; k++) {
        if (isP(toks[k], '=')) {
          from = k + 1;
          break;
        }
      }
    }
    const f = judgeTokens(toks, from, where);
    return better(f, { level: 1, rule: 'ssti.statement', reason: `Template "${kw}" statement.` });
  }
  if (kw === 'php') return { level: 3, rule: 'ssti.code-execution', reason: 'Template {% php %} block.' };
  // endif, endfor, block, raw, else, comment, trans, url…: template syntax, nothing more.
  return { level: 1, rule: 'ssti.statement', reason: 'Template statement tag.' };
}

// ---------------------------------------------------------------------------------------------------
// Delimiter scanners

interface Ctx {
  best: Finding | undefined;
  /** Remaining characters the expression analysis may look at (keeps nested contents linear). */
  budget: number;
  /**
   * formatFieldWalk's `__` search, remembered: the first `__` at or after `dunderFrom` is at
   * `dunderAt` (the string's length: none). A search from each brace to the string's end was
   * quadratic on text with many braces and few `__` (1 MB of random printable ASCII: ~290 µs/KB in
   * this detector and growing with size); remembered, the searches cover the string about once.
   */
  dunderFrom: number;
  dunderAt: number;
}

function judgeContent(ctx: Ctx, s: string, a: number, b: number, where: string): void {
  if (b - a > 4096) b = a + 4096;
  if (ctx.budget < b - a) return;
  ctx.budget -= b - a;
  ctx.best = better(ctx.best, judgeTokens(tokenize(s, a, b), 0, where));
}

const K_PLAIN = 0;
const K_DOLLAR = 1; // ${
const K_HASH = 2; // #{
const K_STAR = 3; // *{
const K_AT = 4; // @{
const K_DOUBLE = 5; // {{ (the inner brace)
const K_STMT = 6; // {%
const K_SMARTY = 7; // {$
const K_PERCENT = 8; // %{ (Struts OGNL, Ruby format strings)

const KIND_WHERE = ['in {…}', 'in ${…}', 'in #{…}', 'in *{…}', 'in @{…}', 'in {{…}}', 'in {%…%}', 'in {$…}', 'in %{…}'];

/**
 * The next `}` at or after `from`, or -1: the next 8 characters read in place (in `{{}` runs a native
 * call per `}` cost more than the loads), then one native search. Apart from scanBraces: inside its
 * loop, the same code made `{}` runs ~10 % dearer.
 */
function nextClose(s: string, from: number): number {
  const end = from + 8 < s.length ? from + 8 : s.length;
  for (let q = from; q < end; q++) if (s.charCodeAt(q) === 125) return q;
  return end < s.length ? s.indexOf('}', end) : -1;
}

/** Brace-delimited constructs, with a stack of open braces (at most 64 deep). */
function scanBraces(s: string, ctx: Ctx, first: number): void {
  const n = s.length;
  // Braces are judged at their `}` only: without one from `first` on, nothing is (1 MB of `&{'`
  // walked every character, ~2.5 µs/KB, to judge nothing).
  if (s.indexOf('}', first) === -1) return;
  const posStack: number[] = [];
  const kindStack: number[] = [];
  for (let i = first; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 123 /* { */) {
      if (posStack.length >= 64) {
        // A full stack changes only at a `}`: every `{` before the next one is passed over, as here,
        // so the walk resumes there (nextClose). 1 MB of `&{'` read every character to its end.
        const q = nextClose(s, i + 1);
        if (q === -1) return;
        i = q - 1;
        continue;
      }
      const p = i > 0 ? s.charCodeAt(i - 1) : -1;
      const nx = s.charCodeAt(i + 1);
      let kind = K_PLAIN;
      if (nx === 37 /* % */ && p !== 35) kind = K_STMT;
      else if (p === 36) kind = K_DOLLAR;
      else if (p === 37) kind = K_PERCENT;
      else if (p === 35) kind = K_HASH;
      else if (p === 42) kind = K_STAR;
      else if (p === 64) kind = K_AT;
      else if (p === 123 && kindStack.length > 0 && posStack[posStack.length - 1] === i - 1) kind = K_DOUBLE;
      else if (nx === 36 && isIdStart(s.charCodeAt(i + 2))) kind = K_SMARTY;
      posStack.push(i);
      kindStack.push(kind);
      continue;
    }
    if (c !== 125 /* } */) continue;
    const open = posStack.pop();
    const kind = kindStack.pop();
    if (open === undefined || kind === undefined) continue;
    judgeBrace(s, ctx, kind, open, i);
    if (ctx.best !== undefined && ctx.best.level >= 3) return;
  }
}

function judgeBrace(s: string, ctx: Ctx, kind: number, open: number, close: number): void {
  switch (kind) {
    case K_STMT: {
      if (s.charCodeAt(close - 1) !== 37 || close - 1 <= open + 1) return;
      const a = open + 2;
      const b = close - 1;
      if (b - a > 4096 || ctx.budget < b - a) return;
      ctx.budget -= b - a;
      ctx.best = better(ctx.best, judgeStatement(s, a, b));
      return;
    }
    case K_DOUBLE: {
      // `{{…}}` needs the second closing brace; the outer `{` pops at it as a plain brace.
      if (s.charCodeAt(close + 1) !== 125) return;
      let a = open + 1;
      // Handlebars/Mustache sigils: `{{{raw}}}`, `{{#each}}`, `{{/each}}`, `{{^x}}`, `{{>partial}}`,
      // `{{&x}}`, `{{=x}}` (doT), trim markers `{{-`, `{{~`; `{{!comment}}` renders nothing.
      const c0 = s.charCodeAt(a);
      if (c0 === 33 /* ! */) return;
      if (c0 === 123 || c0 === 35 || c0 === 47 || c0 === 94 || c0 === 62 || c0 === 38 || c0 === 61 || c0 === 45 || c0 === 126) a++;
      let b = close;
      const cb = s.charCodeAt(b - 1);
      if (b > a && (cb === 45 || cb === 126)) b--;
      if (b <= a) return;
      judgeContent(ctx, s, a, b, KIND_WHERE[kind]!);
      return;
    }
    case K_DOLLAR:
    case K_HASH:
    case K_STAR:
    case K_AT:
    case K_PERCENT:
    case K_SMARTY: {
      const a = open + 1;
      if (close <= a) return;
      if ((kind === K_AT || kind === K_DOLLAR) && judgePerlInterpolation(ctx, s, kind, a, close)) return;
      judgeContent(ctx, s, a, close, KIND_WHERE[kind]!);
      return;
    }
    default: {
      // Plain braces: JSON, code, prose. Only Smarty's forms count: `{php}`, `{system('id')}`,
      // `{if system(…)}`, `{Smarty_Internal_Write_File::writeFile(…)}`.
      const a = open + 1;
      if (close - a === 3 && s.startsWith('php', a)) {
        ctx.best = better(ctx.best, { level: 3, rule: 'ssti.code-execution', reason: 'Smarty {php} block.' });
        return;
      }
      if (close - a > 1024) return;
      if (formatFieldWalk(ctx, s, a, close)) return;
      if (!isIdStart(s.charCodeAt(a))) return;
      if (ctx.budget < close - a) return;
      ctx.budget -= close - a;
      const toks = tokenize(s, a, close);
      // Smarty tags: `{system('id')}`, `{if passthru('id')}`, `{Smarty_Internal_Write_File::writeFile(…)}`.
      // Object literals (`{cwd: process.cwd()}`), code blocks and JSDoc types (`{import('x').T}`)
      // are not: only PHP functions that run commands or read files count here.
      const head = toks[0];
      let k = 0;
      if (head?.t === T_ID && (head.v === 'if' || head.v === 'elseif')) k = 1;
      const fn = toks[k];
      if (fn?.t !== T_ID) return;
      if (fn.v.startsWith('Smarty_Internal_') || (PHP_CALL.has(fn.v) && isP(toks[k + 1], '('))) {
        ctx.best = better(ctx.best, { level: 3, rule: 'ssti.code-execution', reason: `Smarty tag calls "${shown(fn.v)}".` });
      }
    }
  }
}

/**
 * Dunders a format field can read something secret through: a function's module globals (config,
 * keys), the builtins, closure cells. A field calls nothing, so `__subclasses__` and the class
 * hierarchy (`{self.__class__.__mro__}`, debug output) lead nowhere there.
 */
const FORMAT_DUNDERS = new Set(['__globals__', '__builtins__', '__closure__']);

/**
 * A Python format field that walks attributes: `"{0.__init__.__globals__[SECRET]}".format(obj)` and
 * `str.format_map` read any attribute chain of their arguments, so a format string from input
 * (`(user_text).format(user)`) reads module globals: secrets, config. A replacement field starts
 * with an index or a name and goes on with `.name` and `[key]` only. `{self.__class__.__name__}`
 * (logging code) reaches no escape dunder. Returns whether the field was judged high. O(field).
 */
function formatFieldWalk(ctx: Ctx, s: string, a: number, b: number): boolean {
  const c0 = s.charCodeAt(a);
  if (!(isIdStart(c0) || isDigit(c0)) || c0 === 36) return false;
  if (ctx.dunderFrom > a || ctx.dunderAt < a) {
    ctx.dunderFrom = a;
    const at = s.indexOf('__', a);
    ctx.dunderAt = at === -1 ? s.length : at;
  }
  if (ctx.dunderAt >= b) return false;
  // Up to the conversion (`!r`) or format spec (`:>10`).
  let e = a;
  while (e < b) {
    const c = s.charCodeAt(e);
    if (c === 33 || c === 58) break;
    if (!(isIdChar(c) || c === 46 || c === 91 || c === 93)) return false;
    e++;
  }
  if (ctx.budget < e - a) return false;
  ctx.budget -= e - a;
  for (const tok of tokenize(s, a, e)) {
    if (tok.t === T_ID && FORMAT_DUNDERS.has(tok.v)) {
      ctx.best = { level: 3, rule: 'ssti.object-traversal', reason: `A format-string field walks to the Python attribute "${shown(tok.v)}".` };
      return true;
    }
  }
  return false;
}

/** Perl functions that run a command or code when called, with or without parentheses. */
const PERL_RUN = new Set(['system', 'exec', 'readpipe', 'syscall', 'eval', 'qx']);

/**
 * Perl's interpolation of an expression into a double-quoted string or here-doc: `"@{[ EXPR ]}"` (an
 * anonymous array, dereferenced) and `"${\ EXPR }"` (a scalar reference). Whatever EXPR is runs when
 * the string is built, so a value that reaches a Perl string `eval`, or a template engine that builds
 * Perl strings from text, runs `@{[system 'id']}`. No other template language opens `@{` with `[`
 * (Thymeleaf's `@{…}` are link paths) or `${` with a backslash. Perl calls need no parentheses
 * (`system 'whoami'`, `exec $x`), so a run function followed by any argument counts, as do backticks
 * and `qx`; other contents are judged as an expression, the brackets left out (`@{[7*7]}` is the
 * arithmetic probe). Returns whether it judged the content (O(content), within the work budget).
 */
function judgePerlInterpolation(ctx: Ctx, s: string, kind: number, a: number, b: number): boolean {
  let i = a;
  while (i < b && isWs(s.charCodeAt(i))) i++;
  let j = b;
  while (j > i && isWs(s.charCodeAt(j - 1))) j--;
  if (kind === K_AT) {
    if (s.charCodeAt(i) !== 91 || s.charCodeAt(j - 1) !== 93 || j - i < 3) return false;
    j--;
  } else if (s.charCodeAt(i) !== 92 || j - i < 2) return false;
  i++;
  if (j - i > 4096 || ctx.budget < j - i) return true;
  ctx.budget -= j - i;
  const toks = tokenize(s, i, j);
  const where = kind === K_AT ? 'in Perl @{[…]}' : 'in Perl ${\\…}';
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k]!;
    if (tok.t === T_STR && tok.q === 96) {
      ctx.best = { level: 3, rule: 'ssti.code-execution', reason: `Interpolation ${where} runs a backtick command.` };
      return true;
    }
    if (tok.t !== T_ID || !PERL_RUN.has(tok.v) || isP(toks[k - 1], '.') || isP(toks[k - 1], '>')) continue;
    const next = toks[k + 1];
    if (next === undefined) continue;
    // `system 'id'`, `system("id")`, `exec $cmd`, `system qw(id)`, `system @cmd`, `exec {'sh'} …`,
    // `qx{id}`, `qx(id)`: an argument follows.
    if (next.t === T_STR || next.t === T_ID || (next.t === T_P && (next.v === '(' || next.v === '{' || next.v === '@' || (tok.v === 'qx' && next.v !== ',' && next.v !== ';')))) {
      ctx.best = { level: 3, rule: 'ssti.code-execution', reason: `Interpolation ${where} calls "${tok.v}".` };
      return true;
    }
  }
  ctx.best = better(ctx.best, judgeTokens(toks, 0, where));
  return true;
}

/**
 * Commands an attacker's first probe runs, for the contents of a Ruby `%x(…)` or Perl `qx{…}`
 * literal (which needs no other sign: the literal is a command). A printf format's `%x(` (`%x(%d)`,
 * `0x%x (hex)`) holds no such word.
 */
const PROBE_COMMANDS = new Set([
  'id', 'whoami', 'uname', 'hostname', 'cat', 'ls', 'dir', 'pwd', 'env', 'printenv', 'sh', 'bash', 'zsh', 'dash', 'ksh',
  'curl', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'python', 'python3', 'perl', 'ruby', 'php', 'node', 'echo',
  'ping', 'nslookup', 'dig', 'ifconfig', 'ip', 'ps', 'touch', 'rm', 'chmod', 'sleep', 'base64', 'cmd', 'powershell',
  'pwsh', 'net', 'sudo', 'kill', 'crontab', 'mkfifo', 'nohup', 'tar', 'find', 'cp', 'mv', 'head', 'tail', 'xxd',
]);

/**
 * The first letters of PROBE_COMMANDS, either case (1: some command starts with it): a word whose
 * first letter is none (`qx` in a flood of `qx'qx'…`, ` qx / qx /…`) is rejected before the closer
 * search and the word's slice (~100 ns an occurrence: a flood ran ~30 µs/KB in commandLiteral).
 */
const PROBE_FIRST = new Uint8Array(128);
(() => {
  for (const w of PROBE_COMMANDS) {
    PROBE_FIRST[w.charCodeAt(0)] = 1;
    PROBE_FIRST[w.toUpperCase().charCodeAt(0)] = 1;
  }
})();

/**
 * Where the next closing delimiter of each kind stands, for commandLiteralAt: `at[c]` is the first `c`
 * at or after `from[c]` (-1: none; -2: not searched yet). Searches start past the last result only,
 * so each closer kind costs one native pass over the value in all, however many unclosed `%x(` an
 * attacker puts before the one that runs.
 */
interface Closers {
  at: Int32Array;
  from: Int32Array;
}

function newClosers(): Closers {
  return { at: new Int32Array(128).fill(-2), from: new Int32Array(128) };
}

/** The first `c` at or after `i`. O(40) plus the share of the linear searches (see Closers). */
function closerAfter(s: string, cl: Closers, c: number, i: number): number {
  const r = cl.at[c]!;
  const f = cl.from[c]!;
  if (r !== -2 && i >= f && (r === -1 || r >= i)) return r;
  if (r !== -2 && i < f) {
    // Occurrences are visited left to right, so a later one starts its search at most ~40 characters
    // before an earlier one's: read that stretch by hand.
    for (let k = i; k < f; k++) if (s.charCodeAt(k) === c) return k;
    return r;
  }
  const k = s.indexOf(String.fromCharCode(c), i);
  cl.at[c] = k;
  cl.from[c] = i;
  return k;
}

/**
 * A Ruby `%x…` or Perl `qx…` command literal at `at` (the `%` or the `q`) whose contents run as a
 * command: a probe command first, a path (`/bin/…`), an interpolation (`#{…}`, `$x`). Delimiters: any
 * ASCII punctuation (Perl allows blanks before it); `(` `[` `{` `<` close with their pair. The literal
 * must close after the first word (an open one is a syntax error); the contents are not read further.
 * O(40) here, plus closerAfter's share of its linear searches.
 */
function commandLiteralAt(s: string, at: number, perl: boolean, cl: Closers): boolean {
  let i = at + 2;
  if (perl) while (i < s.length && i - at < 8 && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  const open = s.charCodeAt(i);
  if (!(open > 32 && open < 127) || isIdChar(open) || open === 61 || open === 44 || open === 59 || (perl && open === 35 && i > at + 2)) return false;
  const close = open === 40 ? 41 : open === 91 ? 93 : open === 123 ? 125 : open === 60 ? 62 : open;
  let a = i + 1;
  while (a < s.length && a - i < 8 && isWs(s.charCodeAt(a))) a++;
  const c0 = s.charCodeAt(a);
  if (c0 === 47 || (c0 === 35 && s.charCodeAt(a + 1) === 123) || (c0 === 36 && isIdStart(s.charCodeAt(a + 1)))) {
    return literalEnds(s, closerAfter(s, cl, close, a + 1));
  }
  let w = a;
  while (w < s.length && w - a <= 10 && isIdChar(s.charCodeAt(w))) w++;
  const after = w < s.length ? s.charCodeAt(w) : 32;
  // (The closer first: a cached answer, where the word costs a slice.)
  if (w === a || w - a > 10 || PROBE_FIRST[c0] !== 1 || !(isWs(after) || after === 59 || after === 124 || after === 38 || after === close)) return false;
  if (!literalEnds(s, closerAfter(s, cl, close, w))) return false;
  const word = s.slice(a, w);
  return PROBE_COMMANDS.has(word) || PROBE_COMMANDS.has(word.toLowerCase());
}

/**
 * The closing delimiter at `k` (-1: none) ends a literal: not followed by a letter, digit or `_`, which
 * neither language accepts there (`/v1/qx/cat/items`, a path, is no literal). An escaped one (`\/`)
 * is not the end, so the test is not made (`qx/cat \/etc\/passwd/`).
 */
function literalEnds(s: string, k: number): boolean {
  return k !== -1 && (s.charCodeAt(k - 1) === 92 || !isIdChar(s.charCodeAt(k + 1)));
}

/**
 * Ruby `%x(…)` / Perl `qx{…}` command literals anywhere in the value (bare: a value that reaches Ruby's
 * `eval`/`instance_eval` or Perl's `eval` runs it; in ERB and `#{…}` the expression judge sees it too).
 * `%x` after an identifier character or another `%` (`%%x`, a printf escape) and `qx` inside a word
 * (`qxf`, `aqx`, `$qx`) or after a `/` (`/v1/qx/ls/`, a path segment) are not literals. `ruby` / `perl`:
 * which to look for.
 *
 * Cost: the `x` are found by native indexOf (rare in prose; a two-character search would crawl over
 * `%%%%…` or `qqqq…`, ~10 ns a character), each looked at in O(40); past one `x` per 16 characters
 * (`xxxx…`), one charCode pass reads the rest instead. Linear.
 */
export function commandLiteral(s: string, ruby = true, perl = true): string | undefined {
  const n = s.length;
  let cl: Closers | undefined;
  let budget = (n >> 4) + 16;
  let k = s.indexOf('x', 1);
  for (; k !== -1; k = s.indexOf('x', k + 1)) {
    if (--budget < 0) break;
    const p = s.charCodeAt(k - 1);
    if (p !== 37 && p !== 113) continue;
    const r = literalAtX(s, k, ruby, perl, (cl ??= newClosers()));
    if (r !== undefined) return r;
  }
  if (k === -1) return undefined;
  let p = s.charCodeAt(k - 1);
  for (; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c === 120 && (p === 37 || p === 113)) {
      const r = literalAtX(s, k, ruby, perl, (cl ??= newClosers()));
      if (r !== undefined) return r;
    }
    p = c;
  }
  return undefined;
}

/** The `x` at `k` ends a `%x` or `qx` command literal's opener. */
function literalAtX(s: string, k: number, ruby: boolean, perl: boolean, cl: Closers): string | undefined {
  const p = s.charCodeAt(k - 1);
  if (p !== 37 && p !== 113) return undefined;
  const pp = k > 1 ? s.charCodeAt(k - 2) : 32;
  // What commandLiteralAt rejects at its first content character, read here without the call: a
  // delimiter right after the `x`, then no blank and no first letter of a probe command, `/`, `#`
  // or `$` (floods of `qx!qx!…`, `%x'%x'…`: ~75 -> ~20 ns an occurrence).
  const c1 = s.charCodeAt(k + 1);
  const c2 = s.charCodeAt(k + 2);
  if (c1 !== 32 && c1 !== 9 && !isWs(c2) && c2 !== 47 && c2 !== 35 && c2 !== 36 && !(c2 < 128 && PROBE_FIRST[c2] === 1)) return undefined;
  if (p === 37) {
    if (ruby && !isIdChar(pp) && pp !== 37 && commandLiteralAt(s, k - 1, false, cl)) return 'Ruby %x';
  } else if (perl && !isIdChar(pp) && pp !== 36 && pp !== 64 && pp !== 37 && pp !== 46 && pp !== 47 && commandLiteralAt(s, k - 1, true, cl)) {
    return 'Perl qx';
  }
  return undefined;
}

/** `<%…%>` (ERB, EJS, JSP, ASP): each `<%` paired with the nearest following `%>`. */
function scanPercent(s: string, ctx: Ctx): void {
  let i = s.indexOf('<%');
  while (i !== -1) {
    // The nearest `<%` before the closing `%>` (restart at a later opener: linear).
    let j = i + 2;
    let close = -1;
    while (j < s.length - 1) {
      const c = s.charCodeAt(j);
      if (c === 37 && s.charCodeAt(j + 1) === 62) {
        close = j;
        break;
      }
      if (c === 60 && s.charCodeAt(j + 1) === 37) i = j;
      j++;
    }
    if (close === -1) return;
    let a = i + 2;
    const m = s.charCodeAt(a);
    if (m === 35 /* # comment */) {
      i = s.indexOf('<%', close + 2);
      continue;
    }
    if (m === 61 || m === 45 || m === 95 || m === 64 || m === 33) a++;
    if (s.charCodeAt(a) === 61) a++; // `<%==`
    let b = close;
    if (b > a && (s.charCodeAt(b - 1) === 45 || s.charCodeAt(b - 1) === 95)) b--;
    if (b > a) judgeContent(ctx, s, a, b, 'in <%…%>');
    if (ctx.best !== undefined && ctx.best.level >= 3) return;
    i = s.indexOf('<%', close + 2);
  }
}

const FTL_DIRECTIVES = new Set([
  'assign', 'global', 'local', 'if', 'elseif', 'list', 'include', 'import', 'macro', 'function', 'setting',
  'attempt', 'ftl', 'visit', 'recurse', 'nested', 'return', 'stop',
]);

/** FreeMarker directives `<#assign …>` and `[#assign …]`. */
function scanFtl(s: string, ctx: Ctx): void {
  let nextGt = -1;
  let nextBracket = -1;
  // Only a `#` right after `<` or `[` opens a directive: the loop visits those alone, found by two
  // searches for `<#` and `[#` whose next hits are kept and searched again only once the loop has
  // moved past them (each search moves forward: linear). Visiting every `#` cost an indexOf call per
  // `#` on `&#38;&#38;…` (~1.5 µs/KB at 1 MB), to reject all of them.
  let lt = s.indexOf('<#');
  let sq = s.indexOf('[#');
  /** The next `#` visited is at or after this. */
  let from = 0;
  for (;;) {
    if (lt !== -1 && lt + 1 < from) lt = s.indexOf('<#', from - 1);
    if (sq !== -1 && sq + 1 < from) sq = s.indexOf('[#', from - 1);
    const i = lt === -1 ? (sq === -1 ? -1 : sq + 1) : sq === -1 || lt < sq ? lt + 1 : sq + 1;
    if (i === -1) return;
    from = i + 1;
    const open = s.charCodeAt(i - 1);
    let j = i + 1;
    while (j < s.length && j - i < 16 && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
    const name = s.slice(i + 1, j);
    if (!FTL_DIRECTIVES.has(name)) continue;
    // The next `>` (or `]`) is cached per kind: directives that share a far closer do not rescan.
    let end: number;
    if (open === 60) {
      if (nextGt < j) {
        const k = s.indexOf('>', j);
        nextGt = k === -1 ? s.length : k;
      }
      end = nextGt;
    } else {
      if (nextBracket < j) {
        const k = s.indexOf(']', j);
        nextBracket = k === -1 ? s.length : k;
      }
      end = nextBracket;
    }
    if (end - j > 4096) end = j + 4096;
    if (ctx.budget < end - j) return;
    ctx.budget -= end - j;
    const f = judgeTokens(tokenize(s, j, end), 0, 'in a FreeMarker directive');
    ctx.best = better(ctx.best, f !== undefined && f.level >= 2 ? f : undefined);
    ctx.best = better(ctx.best, {
      level: name === 'assign' || name === 'setting' || name === 'include' || name === 'import' ? 2 : 1,
      rule: 'ssti.statement',
      reason: `FreeMarker <#${name}> directive.`,
    });
    if (ctx.best !== undefined && ctx.best.level >= 3) return;
    from = Math.max(i, end - 1) + 1;
  }
}

/**
 * The next `@` at or after `from`: the next 8 characters read first, then one native search (runs of
 * `@@`: a native call per `@` cost more than the loads to the next one).
 */
function nextAt(s: string, from: number): number {
  const end = Math.min(s.length, from + 8);
  for (let k = from; k < end; k++) if (s.charCodeAt(k) === 64) return k;
  return end < s.length ? s.indexOf('@', end) : -1;
}

/** Razor: `@(…)` explicit expressions, `@System.…`/`@Process.…` implicit ones. */
/** Razor names judged inert (scanRazor): at most RAZOR_MEMO_MAX keys, then no more are kept. */
const RAZOR_INERT = new Set<number>();
const RAZOR_MEMO_MAX = 4096;
/** Longest `@` + name (+ `(`) kept: six characters and the one after, 7 bits each, stay exact in a double. */
const RAZOR_MEMO_LEN = 7;

/** The characters [a, b] (b included, NaN at the end read as 0x7f) in base 128; -1 if one is not ASCII. */
function razorKey(s: string, a: number, b: number): number {
  let key = b - a;
  for (let k = a; k <= b; k++) {
    const c = k < s.length ? s.charCodeAt(k) : 127;
    if (c >= 127) return -1;
    key = key * 128 + c;
  }
  return key;
}

function scanRazor(s: string, ctx: Ctx): void {
  for (let i = s.indexOf('@'); i !== -1; i = nextAt(s, i + 1)) {
    // Not an e-mail address or a handle inside a word.
    const p = i > 0 ? s.charCodeAt(i - 1) : 32;
    if (isIdChar(p) || p === 46 || p === 45 || p === 43 || p === 37) continue;
    const c = s.charCodeAt(i + 1);
    if (c === 40 /* ( */) {
      let depth = 0;
      let j = i + 1;
      for (; j < s.length && j - i < 1024; j++) {
        const d = s.charCodeAt(j);
        if (d === 40) depth++;
        else if (d === 41 && --depth === 0) break;
      }
      if (depth !== 0 || j >= s.length) {
        // Unbalanced: nothing inside can close either; skip what was scanned (linear).
        i = j - 1;
        continue;
      }
      judgeContent(ctx, s, i + 2, j, 'in @(…)');
      i = j;
    } else if (isIdStart(c) && c !== 36) {
      let j = i + 1;
      while (j < s.length && j - i < 256 && (isIdChar(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
      if (s.charCodeAt(j) === 40) j++;
      if (ctx.budget < j - i) return;
      ctx.budget -= j - i;
      // A one-character name (`@x`, `@x(`) is no code-execution name (the shortest, in DANGER_ROOT
      // and DANGER_MEMBER, have two characters; `T(` needs a type after it): not tokenized and judged.
      // Runs of `x@@` or `@a&` built a token list per `@`: ~30 µs/KB at 64 KB.
      if (j - i > 2 && !(j - i === 3 && s.charCodeAt(j - 1) === 40)) {
        // A short name (ASCII by isIdChar, with its `.` and `(`) that an earlier `@` judged without a
        // finding kept here is judged the same: the key holds every character tokenize reads (the
        // name and the one after it, which a look-ahead may reach) and judgeTokens keeps no state.
        // Runs of `@ab(` or `@abc(` built a token list per `@`: ~35 µs/KB at 64 KB.
        const key = j - i <= RAZOR_MEMO_LEN ? razorKey(s, i + 1, j) : -1;
        if (key !== -1 && RAZOR_INERT.has(key)) continue;
        const f = judgeTokens(tokenize(s, i + 1, j), 0, 'after @');
        if (f !== undefined && f.level >= 3 && f.rule === 'ssti.code-execution') ctx.best = better(ctx.best, f);
        else if (key !== -1 && RAZOR_INERT.size < RAZOR_MEMO_MAX) RAZOR_INERT.add(key);
      }
    }
    if (ctx.best !== undefined && ctx.best.level >= 3) return;
  }
}

/** Velocity: `#set(…)`, `#foreach(…)` directives and `$ref.method()` references without braces. */
function scanVelocity(s: string, ctx: Ctx): void {
  // Every directive below needs a `(` after its name: without one in the value (entity runs such as
  // `&#38;`, `&#`) the search per `#` finds nothing (~2-5 µs/KB on 1 MB of them). One native search.
  for (let i = s.indexOf('(') === -1 ? -1 : s.indexOf('#'); i !== -1; i = s.indexOf('#', i + 1)) {
    // Every directive below starts with one of `s f i e`: one load rejects the other `#` (`&#38;`).
    const c1 = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (c1 !== 115 && c1 !== 102 && c1 !== 105 && c1 !== 101) continue;
    const isSet = s.startsWith('set', i + 1);
    if (!isSet && !s.startsWith('foreach', i + 1) && !s.startsWith('if', i + 1) && !s.startsWith('evaluate', i + 1)) continue;
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
    while (j < s.length && j - i < 32 && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
    if (s.charCodeAt(j) !== 40 || s.charCodeAt(j + 1) === 41) continue;
    let depth = 0;
    let k = j;
    for (; k < s.length && k - j < 2048; k++) {
      const d = s.charCodeAt(k);
      if (d === 40) depth++;
      else if (d === 41 && --depth === 0) break;
    }
    const end = Math.min(k, s.length);
    if (ctx.budget < end - j) return;
    ctx.budget -= end - j;
    const toks = tokenize(s, j + 1, end);
    // Whatever the verdict, continue after this directive's argument list: keeps the scan linear.
    const resume = Math.max(i, end - 1);
    // A Velocity directive works on `$references`: require one, or this is prose ("#set (of 3)").
    let ref = false;
    for (const t of toks) if (t.t === T_ID && t.v.charCodeAt(0) === 36) ref = true;
    if (!ref) {
      i = resume;
      continue;
    }
    const f = judgeTokens(toks, 0, 'in a Velocity directive');
    ctx.best = better(ctx.best, f !== undefined && f.level >= 3 ? f : undefined);
    if (s.startsWith('evaluate', i + 1)) ctx.best = better(ctx.best, { level: 3, rule: 'ssti.code-execution', reason: 'Velocity #evaluate directive.' });
    ctx.best = better(ctx.best, { level: isSet ? 2 : 1, rule: 'ssti.statement', reason: 'Velocity directive.' });
    if (ctx.best !== undefined && ctx.best.level >= 3) return;
    i = resume;
  }
  // `$x.getClass()`, `$class.inspect("java.lang.Runtime")`: references without braces. A reference
  // at `i` is judged only when a `.` follows it (`dot` below, read in (i, j)): a `$` with no `.` after
  // it is passed over unjudged, budget untouched, and so is every `$` after that one, so the loop
  // stops there. `nextDot`: a `.` after the first `$`, then the first `.` after the `$` it was last
  // searched from (forward native searches, linear overall; lastIndexOf is a slow walk in V8). Once
  // the loop has passed it, it searches again only 64 characters on (dense dots, `$a $b .`, would pay
  // a call per `$`); until then the loop reads on as it did. On a value with no `.` after its first
  // `$`, no walk: 1 MB of `$($(` was ~2.4 µs/KB in dollarBefore, all of this detector's cost there.
  // (A `.` after such a run still pays the walk.)
  const firstDollar = s.indexOf('$');
  let nextDot = firstDollar === -1 ? -1 : s.indexOf('.', firstDollar + 1);
  for (let i = nextDot === -1 ? -1 : dollarBefore(s, firstDollar, true); i !== -1; i = dollarBefore(s, i + 1, true)) {
    if (nextDot <= i - 64) {
      nextDot = s.indexOf('.', i + 1);
      if (nextDot === -1) break;
    }
    let j = i + 1;
    let parens = 0;
    while (j < s.length && j - i < 512) {
      const d = s.charCodeAt(j);
      if (isIdChar(d) || d === 46) {
        j++;
        continue;
      }
      if (d === 40) {
        parens++;
        j++;
        continue;
      }
      if (d === 41 && parens > 0) {
        parens--;
        j++;
        continue;
      }
      if (parens > 0 && d !== 123 && d !== 125) {
        j++;
        continue;
      }
      break;
    }
    // Only chains with a member access (`$x.y`, before any argument list) are Velocity references
    // worth a look; `$fn(a.b)` is a call in some other language.
    let dot = false;
    for (let k = i + 1; k < j && !dot; k++) {
      const d = s.charCodeAt(k);
      if (d === 40) break;
      if (d === 46) dot = true;
    }
    if (!dot) {
      i = j - 1;
      continue;
    }
    if (ctx.budget < j - i) return;
    ctx.budget -= j - i;
    const f = judgeTokens(tokenize(s, i, j), 0, 'in a $reference');
    if (f !== undefined && f.level >= 3 && f.rule === 'ssti.code-execution') {
      ctx.best = better(ctx.best, f);
      return;
    }
    i = j - 1;
  }
}

// ---------------------------------------------------------------------------------------------------
// Entry point

/** Detects server-side template injection. Never throws. */
/**
 * Struts/OGNL: `#_memberAccess=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS`, `#_memberAccess['allowStatic
 * MethodAccess']=true`, `#context['xwork.MethodAccessor.denyMethodExecution']=false` turn off the
 * sandbox that stops OGNL calling static methods; the next expression runs commands. Sent with or
 * without `%{…}` (as a parameter name, `method:` prefix, or a Content-Type header), sometimes in a
 * request of its own. No page text names these. Three native scans, only for values with `#` or `@`.
 */
/**
 * `hash`, `at`: whether `v` holds a `#`, an `@` (the caller's scan): the first two markers hold one
 * each, so a value without it skips that search (an e-mail address, `@` and no `#`, one search fewer).
 */
function ognlSandbox(v: string, hash: boolean, at: boolean): boolean {
  return (hash && v.indexOf('#_memberAccess') !== -1) || (at && v.indexOf('@ognl.OgnlContext@') !== -1) || v.indexOf('xwork.MethodAccessor.') !== -1;
}

/**
 * Delimiters of a Perl `qx` command literal that reach no detector reading it otherwise (code-injection
 * sees `( [ . \``, this detector `{ % @ # $ ? ~`): ssti's `needs` in detectors/index.ts holds them.
 * Not `; , =` (commandLiteral reads no literal with them). Not `-` or `+` either: SKUs, dates, hyphenated words and phone numbers carry nothing else, and
 * calling the detector for them cost ~0.3 µs (~2 %) on the bench's typical order event (this set:
 * ~0.1 µs, within the A/B's noise). `qx-id-`, `qx+id+` stay unread (a gap; see the ssti test).
 */
export const QX_DELIMITERS = C.SLASH | C.BANG | C.SQUOTE | C.DQUOTE | C.LT | C.GT | C.AMP | C.PIPE | C.BSLASH | C.COLON | C.STAR | C.CARET;

/**
 * Perl `qx` command literals whose delimiter is none of `{ % @ # $` (`qx/id/`, `qx!id!`, `qx'id'`,
 * `qx-id-`): the engine lets such values through for them (ssti's `needs` in detectors/index.ts:
 * QX_DELIMITERS) and this is all that can answer for them. One native search for `qx` (~10 ns on a
 * short value), then commandLiteral only where one occurs. (code-injection reads `qx(`, `qx[`, `qx.`.)
 */
function perlLiteralOnly(value: string, mask: number | undefined): Detection | undefined {
  if (value.length < 5 || value.indexOf('qx') === -1) return undefined;
  // Only for a value the engine's gate sends here (it always is, with the mask; OTHER brings `qx?id?`,
  // `qx~id~`): `qx(id)` alone is code-injection's, `qx-id-` no one's (see QX_DELIMITERS).
  if (((mask ?? charMask(value)) & (QX_DELIMITERS | TEMPLATE_KINDS)) === 0 || commandLiteral(value, false, true) === undefined) return undefined;
  return { rule: 'ssti.code-execution', reason: 'A Perl qx command literal runs its contents as a shell command.', confidence: 'high' };
}

/** The kinds of `{ % @ # $` (OTHER holds `? ~` too): a value with none of them reaches no template scan. */
const TEMPLATE_KINDS = C.BRACE | C.PERCENT | C.HASH | C.DOLLAR | C.OTHER;

/**
 * `mask`: the value's charMask when the caller has it (the engine). Without any TEMPLATE_KINDS the
 * answer is perlLiteralOnly's, with or without the mask (the scans below find no `{ % @ # $` either).
 */
export function detectTemplateInjection(value: string, mask?: number): Detection | undefined {
  if (mask !== undefined && (mask & TEMPLATE_KINDS) === 0) return perlLiteralOnly(value, mask);
  // Fast path: every construct needs one of `{ % @ # $`. Short values take one charCode loop; longer
  // ones five native indexOf scans (cheaper per character than a loop, with a fixed price per call).
  const n = value.length;
  let brace = -1;
  let pct = false;
  let at = false;
  let hash = false;
  let dollar = false;
  if (n <= 32) {
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      // 35 #, 36 $, 37 %, 64 @, 123 {: one range test rejects almost every character.
      if (c < 35 || (c > 37 && c !== 64 && c !== 123)) continue;
      if (c === 123) {
        if (brace === -1) brace = i;
      } else if (c === 37) pct = true;
      else if (c === 35) hash = true;
      else if (c === 36) dollar = true;
      else at = true;
    }
  } else {
    brace = value.indexOf('{');
    pct = value.indexOf('%') !== -1;
    at = value.indexOf('@') !== -1;
    hash = value.indexOf('#') !== -1;
    dollar = value.indexOf('$') !== -1;
  }
  if (brace === -1 && !pct && !at && !hash && !dollar) return perlLiteralOnly(value, mask);
  // No try/catch: a bug here must reach the engine's wrapper, which logs it once and fails open.
  {
    const ctx: Ctx = { best: undefined, budget: 8 * n + 4096, dunderFrom: 0, dunderAt: -1 };
    if (brace !== -1) scanBraces(value, ctx, brace);
    // `%x(id)` needs the `%`; `qx{id}` is here for its brace (code-injection looks for `qx(`, `qx[`),
    // `qx#id#`, `qx@id@`, `qx$id$`, `qx%id%` for their `qx` (one native search).
    const perl = brace !== -1 || value.indexOf('qx') !== -1;
    if ((pct || perl) && (ctx.best?.level ?? 0) < 3) {
      const lit = commandLiteral(value, pct, perl);
      if (lit !== undefined) return { rule: 'ssti.code-execution', reason: `A ${lit} command literal runs its contents as a shell command.`, confidence: 'high' };
    }
    if (pct && (ctx.best?.level ?? 0) < 3) scanPercent(value, ctx);
    if (hash && (ctx.best?.level ?? 0) < 3) scanFtl(value, ctx);
    if (at && (ctx.best?.level ?? 0) < 3) scanRazor(value, ctx);
    if ((hash || dollar) && (ctx.best?.level ?? 0) < 3) scanVelocity(value, ctx);
    if ((hash || at) && (ctx.best?.level ?? 0) < 3 && ognlSandbox(value, hash, at)) {
      return { rule: 'ssti.code-execution', reason: 'An OGNL expression that switches off the Struts sandbox (_memberAccess).', confidence: 'high' };
    }
    const best = ctx.best;
    if (best === undefined) return undefined;
    if (best.level < 3) {
      // A template construct is present: a strong marker anywhere in the value settles it (quotes or
      // braces placed to cut the delimited content short do not hide `__globals__`).
      for (const tok of STRONG_TOKENS) {
        if (value.indexOf(tok) !== -1) {
          return { rule: 'ssti.code-execution', reason: `Template syntax together with "${tok}".`, confidence: 'high' };
        }
      }
    }
    return { rule: best.rule, reason: best.reason, confidence: LEVEL_CONF[best.level] ?? 'low' };
  }
}
