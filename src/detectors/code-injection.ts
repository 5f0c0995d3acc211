/**
 * JavaScript code injection: does this value, evaluated as (or spliced into) server-side JavaScript,
 * reach a dangerous capability?
 *
 * The value is tokenized as JavaScript (identifiers with \u escapes decoded, string literals with their
 * escapes decoded, template literals with their `${..}` expressions, comments dropped), once as if it
 * were code, and once each as if it were spliced inside a '...' or "..." string literal when it holds
 * that quote (the `'; process.exit(); '` and `"+require('fs')+"` break-outs). Server-side template
 * expression forms (`${..}`, `{{..}}`, `<%= .. %>`, `#{..}`) need no special casing: their insides
 * tokenize as the same JavaScript.
 *
 * The token stream is folded into member chains: `a.b`, `a['b']`, `a['b'+'c']`, `a(..)`, so that
 * `this['const'+'ructor']['constructor']('return process')()` reads as
 * `this.constructor.constructor()` with a string argument. A finding needs a chain that reaches a
 * capability: `require('child_process')`, `process.mainModule` / `.binding` / `.exit` / `.env`,
 * `constructor.constructor`, `Function(..)` / `new Function`, `eval(..)`, `import(..)`,
 * `setTimeout('..')`, `globalThis.process`, `String.fromCharCode(..)` chains. `eval` and `Function`
 * reached as values count as themselves: the last operand of a group (`(0,eval)(..)`,
 * `new (Function)(..)`), a name assigned them (`e=eval; e(..)`, or a line break for the `;`),
 * `Reflect.apply(eval, ..)`, and either taken back out of an array, object or call that holds it
 * (`[eval][0](..)`, `Object.values({e:eval})[0](..)`). A name assigned `process` or a global root
 * (`p=process; p.exit()`) starts its chains there, a name assigned a capability name as a string
 * (`c='constructor'; this[c][c](..)`) reads as that member in brackets, and `Reflect.get(globalThis,
 * 'process')` / `Object.getOwnPropertyDescriptor(…)` count as the member read they are. `process`
 * handed on as a value counts as its members (procAsValue, round 8): to a function expression or a
 * built-in that reads members (`(p=>p.env)(process)`, `Object.entries(process)`), spread, destructured,
 * taken back out of an array, a group's value (`(0,process).env`) or a `with (process)` object; so do
 * writes to Object.prototype (`Object.prototype.x = 1`, `Reflect.set(Object.prototype, …)`). Handed
 * on any other way between code punctuators (`(1?process:0)`, `({p:process}).p`, `[,process][1]`), a
 * member only process has read later from a value code built is process's (procValue, review of
 * round 8); so are `||=` / `+=` and `__defineGetter__` on Object.prototype. Prose
 * that mentions "process" or "require" forms no such chain ("we require a process" is three
 * identifiers).
 *
 * The same tokens and chains serve the other server-side languages a value may be evaluated in
 * (serverSideCall, checkDunder): process launches (`new ProcessBuilder(…)`, `Runtime.getRuntime().exec(…)`,
 * `Process.Start(…)`, `subprocess.*`, `Open3.*`, Groovy `"…".execute()`), reflection to them
 * (`Class.forName("java.lang.Runtime")`, SpEL `T(…)`), Python sandbox escapes (`__import__('os')`,
 * `__builtins__`, `().__class__.__bases__[0].__subclasses__()`), PHP callbacks named by strings or
 * request data (`call_user_func('system', …)`, `$_GET['f'](…)`), Ruby dispatch (`send(:system, …)`),
 * and Perl `qx(…)`. A launch is high only when its command is a shell, a probe command or a path;
 * code quoted in a question (`exec(cmd)`, `Process.Start(url)`) is low or medium.
 *
 * Cost: a prefilter returns after one pass over the char codes unless the value holds a call, a
 * bracket, an escape, a backtick or a dot, and then only if one of a dozen keywords occurs (indexOf).
 * Values of 160 characters and more are gated first by native indexOf scans for the code-like
 * characters a keyword needs after it (mayAnalyze), which skips the pass over prose and blobs.
 * Each lexing pass is linear with O(1) state (stacks are capped); at most three passes run and the
 * first `high` stops the work. No RegExp.
 */
import { C, charMask } from '../charclass';
import { scatter, unpackU16 } from '../packed';
import type { Detection } from '../types';
import { CODE_TABLES } from './code-tables';
import { commandLiteral } from './template-injection';
import { peek } from './util';

// ---------------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------------

const T_END = 0;
const T_IDENT = 1;
const T_STRING = 2;
const T_NUMBER = 3;
const T_PUNCT = 4;
/** Literal text of a template (between the backtick and `${`, or between `}` and the backtick). */
const T_TEMPLATE = 5;

// Multi-character punctuators (single ones use their character code).
const P_OPTCHAIN = 1000; // ?.
const P_SPREAD = 1001; // ...
const P_OR = 1002; // ||
const P_AND = 1003; // &&
const P_NULLISH = 1004; // ??
const P_ARROW = 1005; // =>
const P_EQ = 1006; // == ===
const P_NE = 1007; // != !==
const P_INCDEC = 1008; // ++ --

const CTX_CODE = 0;
const CTX_SINGLE = 1;
const CTX_DOUBLE = 2;

/** Decoded identifier / string values are kept up to this length. */
const VALUE_CAP = 256;
/** Nesting tracked exactly; deeper nesting is counted only. */
const MAX_STACK = 64;

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || (c > 127 && !isJsSpace(c));
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57) || c === 0x200c || c === 0x200d;
}

function isJsSpace(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 11 ||
    c === 12 ||
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

class JsLexer {
  readonly s: string;
  readonly n: number;
  i = 0;
  type = T_END;
  /** Identifier name / decoded string (capped); '' for punctuators. */
  value = '';
  /** Punctuator code: the character code, or one of P_* for multi-character punctuators. */
  punct = 0;
  /** Blank (not a comment) between the previous token and this one. */
  spaceBefore = false;
  /** That blank holds a line break (a statement boundary under automatic semicolon insertion). */
  newlineBefore = false;
  /** A string token was unterminated. */
  unterminated = false;

  /** Template nesting: for each open `${`, the `{` depth inside it. */
  private readonly tplBraces: number[] = [];
  /** The template just read ended at its closing backtick without a `${` (a whole, plain template). */
  tplClosed = false;
  private tplOverflow = 0;
  /** The next token continues a template literal's text (after the `}` closing a `${`). */
  private inTemplate = false;
  private pendingQuote = 0;

  constructor(s: string, ctx: number) {
    this.s = s;
    this.n = s.length;
    if (ctx === CTX_SINGLE) this.pendingQuote = 39;
    else if (ctx === CTX_DOUBLE) this.pendingQuote = 34;
  }

  next(): number {
    this.unterminated = false;
    this.newlineBefore = false;
    if (this.pendingQuote !== 0) {
      // Start inside a string literal: read its rest.
      const q = this.pendingQuote;
      this.pendingQuote = 0;
      this.spaceBefore = true;
      return this.readString(q, this.i);
    }
    if (this.inTemplate) {
      this.inTemplate = false;
      this.spaceBefore = false;
      return this.readTemplate(this.i);
    }
    let space = this.i === 0;
    let newline = false;
    const s = this.s;
    for (;;) {
      if (this.i >= this.n) return this.end();
      const c = s.charCodeAt(this.i);
      if (isJsSpace(c)) {
        space = true;
        if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) newline = true;
        this.i++;
        continue;
      }
      if (c === 47) {
        const c1 = s.charCodeAt(this.i + 1);
        if (c1 === 47) {
          // Line comment.
          let k = this.i + 2;
          while (k < this.n && s.charCodeAt(k) !== 10 && s.charCodeAt(k) !== 13) k++;
          this.i = k;
          continue;
        }
        if (c1 === 42) {
          // Block comment: glue, not a blank (eval/**/( is still a call).
          const e = s.indexOf('*/', this.i + 2);
          this.i = e < 0 ? this.n : e + 2;
          continue;
        }
      }
      break;
    }
    this.spaceBefore = space;
    this.newlineBefore = newline;
    const c = s.charCodeAt(this.i);
    if (c === 39 || c === 34) return this.readString(c, this.i + 1);
    if (c === 96) {
      // A whole template without `${` right after `[` `(` `,` or an operator is a string literal to
      // the member and call folding (`process[\`mainModule\`]`); after a name or `)` it stays a
      // tagged template (eval`…`, Function`…`), which the parser reads as a call.
      const b = this.i > 0 ? s.charCodeAt(this.i - 1) : 32;
      const tagged = isIdPart(b) || b === 41 || b === 93 || b === 96;
      const t = this.readTemplate(this.i + 1);
      if (!tagged && t === T_TEMPLATE && this.tplClosed) this.type = T_STRING;
      return this.type;
    }
    if (isIdStart(c) || (c === 92 && s.charCodeAt(this.i + 1) === 117)) return this.readIdent();
    if ((c >= 48 && c <= 57) || (c === 46 && s.charCodeAt(this.i + 1) >= 48 && s.charCodeAt(this.i + 1) <= 57)) {
      let k = this.i + 1;
      while (k < this.n) {
        const d = s.charCodeAt(k);
        if ((d >= 48 && d <= 57) || (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 46 || d === 95) k++;
        else break;
      }
      this.value = s.slice(this.i, Math.min(k, this.i + 32));
      this.i = k;
      this.type = T_NUMBER;
      return T_NUMBER;
    }
    return this.readPunct(c);
  }

  /**
   * The next token is a word after a blank (spaces or tabs, at most 16 looked at), other than an
   * operator keyword (`in`, `instanceof`): prose, not an expression going on. Reads ahead without
   * consuming; O(16 + word).
   */
  wordFollows(from = this.i): boolean {
    const s = this.s;
    let k = from;
    while (k < this.n && k - from < 16 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
    if (k === from || k >= this.n || !isIdStart(s.charCodeAt(k)) || s.charCodeAt(k) === 36) return false;
    let e = k;
    while (e < this.n && e - k < 12 && isIdPart(s.charCodeAt(e))) e++;
    const w = s.slice(k, e);
    return w !== 'in' && w !== 'instanceof';
  }

  /**
   * `.NAME word` follows: "process.env.NODE_ENV is set in the build" names a variable in a sentence
   * (as code, a syntax error). Reads at most 48 + 16 + 12 characters.
   */
  memberWordFollows(): boolean {
    const s = this.s;
    if (s.charCodeAt(this.i) !== 46) return false;
    const st = this.i + 1;
    let k = st;
    while (k < this.n && k - st < 48 && isIdPart(s.charCodeAt(k))) k++;
    return k > st && this.wordFollows(k);
  }

  private end(): number {
    this.type = T_END;
    this.value = '';
    this.spaceBefore = true;
    return T_END;
  }

  private readPunct(c: number): number {
    const s = this.s;
    const c1 = s.charCodeAt(this.i + 1);
    let len = 1;
    let code = c;
    if (c === 63 && c1 === 46) {
      len = 2;
      code = P_OPTCHAIN;
    } else if (c === 46 && c1 === 46 && s.charCodeAt(this.i + 2) === 46) {
      len = 3;
      code = P_SPREAD;
    } else if (c === 124 && c1 === 124) {
      len = 2;
      code = P_OR;
    } else if (c === 38 && c1 === 38) {
      len = 2;
      code = P_AND;
    } else if (c === 63 && c1 === 63) {
      len = 2;
      code = P_NULLISH;
    } else if (c === 61 && c1 === 62) {
      len = 2;
      code = P_ARROW;
    } else if ((c === 61 || c === 33) && c1 === 61) {
      len = s.charCodeAt(this.i + 2) === 61 ? 3 : 2;
      code = c === 61 ? P_EQ : P_NE;
    } else if ((c === 43 && c1 === 43) || (c === 45 && c1 === 45)) {
      len = 2;
      code = P_INCDEC;
    }
    this.value = '';
    this.punct = code;
    this.i += len;
    this.type = T_PUNCT;
    // Template expression bookkeeping.
    if (this.tplBraces.length > 0 || this.tplOverflow > 0) {
      if (c === 123) {
        if (this.tplOverflow === 0) this.tplBraces[this.tplBraces.length - 1]!++;
      } else if (c === 125) {
        if (this.tplOverflow > 0) {
          // Cannot tell nested braces from the closer at this depth; treat as closer.
          this.tplOverflow--;
          this.inTemplate = true;
        } else {
          const top = this.tplBraces.length - 1;
          if ((this.tplBraces[top] ?? 0) > 0) this.tplBraces[top]!--;
          else {
            this.tplBraces.pop();
            this.inTemplate = true;
          }
        }
      }
    }
    return T_PUNCT;
  }

  private readIdent(): number {
    const s = this.s;
    let out = '';
    let k = this.i;
    let plainFrom = k;
    while (k < this.n) {
      const c = s.charCodeAt(k);
      if (c === 92 && s.charCodeAt(k + 1) === 117) {
        // \uXXXX or \u{X}
        if (out.length < 64) out += s.slice(plainFrom, Math.min(k, plainFrom + 64));
        const r = this.unicodeEscape(k + 2);
        if (r < 0) {
          k += 2;
          plainFrom = k;
          continue;
        }
        const cp = this.lastCp;
        if (!isIdPart(cp) && out.length > 0) {
          k = r;
          plainFrom = k;
          break;
        }
        if (out.length < 64) out += String.fromCodePoint(cp);
        k = r;
        plainFrom = k;
        continue;
      }
      if (c === 92) {
        k++;
        plainFrom = k;
        if (out.length === 0 && k - this.i === 1) break;
        continue;
      }
      if (!isIdPart(c)) break;
      k++;
    }
    if (out.length < 64) out += s.slice(plainFrom, Math.min(k, plainFrom + 64));
    if (k === this.i) k++; // a lone backslash: consume it
    this.i = k;
    this.value = out;
    this.type = T_IDENT;
    return T_IDENT;
  }

  private lastCp = 0;

  /** Parses the hex part of \u at `k`; sets lastCp; returns the index after it, or -1. */
  private unicodeEscape(k: number): number {
    const s = this.s;
    if (s.charCodeAt(k) === 123) {
      let v = 0;
      let e = k + 1;
      while (e < this.n && e < k + 8) {
        const h = hexVal(s.charCodeAt(e));
        if (h < 0) break;
        v = v * 16 + h;
        e++;
      }
      if (s.charCodeAt(e) !== 125 || e === k + 1 || v > 0x10ffff) return -1;
      this.lastCp = v;
      return e + 1;
    }
    let v = 0;
    for (let e = k; e < k + 4; e++) {
      const h = hexVal(s.charCodeAt(e));
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    this.lastCp = v;
    return k + 4;
  }

  /** Reads a string body from `k` up to the closing quote `q` (or an unescaped line break / EOF). */
  private readString(q: number, k: number): number {
    const s = this.s;
    let out = '';
    let plainFrom = k;
    let closed = false;
    while (k < this.n) {
      const c = s.charCodeAt(k);
      if (c === q) {
        closed = true;
        break;
      }
      if (c === 10 || c === 13) break;
      if (c === 92) {
        if (out.length < VALUE_CAP) out += s.slice(plainFrom, Math.min(k, plainFrom + VALUE_CAP));
        k = this.escape(k + 1);
        if (this.escOut !== '' && out.length < VALUE_CAP) out += this.escOut;
        plainFrom = k;
        continue;
      }
      k++;
    }
    if (out.length < VALUE_CAP) out += s.slice(plainFrom, Math.min(k, plainFrom + VALUE_CAP));
    this.i = closed ? k + 1 : k;
    this.unterminated = !closed;
    this.value = out.length > VALUE_CAP ? out.slice(0, VALUE_CAP) : out;
    this.type = T_STRING;
    return T_STRING;
  }

  /** Template text from `k` up to the closing backtick or a `${`. */
  private readTemplate(k: number): number {
    const s = this.s;
    let out = '';
    let plainFrom = k;
    let stop = this.n;
    let opened = false;
    while (k < this.n) {
      const c = s.charCodeAt(k);
      if (c === 96) {
        stop = k;
        k++;
        break;
      }
      if (c === 36 && s.charCodeAt(k + 1) === 123) {
        stop = k;
        k += 2;
        opened = true;
        break;
      }
      if (c === 92) {
        if (out.length < VALUE_CAP) out += s.slice(plainFrom, Math.min(k, plainFrom + VALUE_CAP));
        k = this.escape(k + 1);
        if (this.escOut !== '' && out.length < VALUE_CAP) out += this.escOut;
        plainFrom = k;
        stop = k;
        continue;
      }
      k++;
      stop = k;
    }
    if (out.length < VALUE_CAP) out += s.slice(plainFrom, Math.min(stop, plainFrom + VALUE_CAP));
    this.i = k;
    if (opened) {
      if (this.tplBraces.length < MAX_STACK) this.tplBraces.push(0);
      else this.tplOverflow++;
    }
    this.tplClosed = !opened && stop < this.n && s.charCodeAt(stop) === 96;
    this.value = out.length > VALUE_CAP ? out.slice(0, VALUE_CAP) : out;
    this.type = T_TEMPLATE;
    return T_TEMPLATE;
  }

  private escOut = '';

  /** Decodes the escape whose letter is at `k`; sets escOut; returns the index after it. */
  private escape(k: number): number {
    const s = this.s;
    if (k >= this.n) {
      this.escOut = '';
      return k;
    }
    const c = s.charCodeAt(k);
    switch (c) {
      case 110:
        this.escOut = '\n';
        return k + 1;
      case 116:
        this.escOut = '\t';
        return k + 1;
      case 114:
        this.escOut = '\r';
        return k + 1;
      case 98:
        this.escOut = '\b';
        return k + 1;
      case 102:
        this.escOut = '\f';
        return k + 1;
      case 118:
        this.escOut = '\v';
        return k + 1;
      case 10:
        this.escOut = '';
        return k + 1;
      case 13:
        this.escOut = '';
        return s.charCodeAt(k + 1) === 10 ? k + 2 : k + 1;
      case 120: {
        const h1 = hexVal(s.charCodeAt(k + 1));
        const h2 = hexVal(s.charCodeAt(k + 2));
        if (h1 >= 0 && h2 >= 0) {
          this.escOut = String.fromCharCode(h1 * 16 + h2);
          return k + 3;
        }
        this.escOut = 'x';
        return k + 1;
      }
      case 117: {
        const r = this.unicodeEscape(k + 1);
        if (r < 0) {
          this.escOut = 'u';
          return k + 1;
        }
        this.escOut = String.fromCodePoint(this.lastCp);
        return r;
      }
      default:
        if (c >= 48 && c <= 55) {
          let v = 0;
          let e = k;
          while (e < this.n && e < k + 3) {
            const d = s.charCodeAt(e);
            if (d < 48 || d > 55) break;
            v = v * 8 + (d - 48);
            e++;
          }
          this.escOut = String.fromCharCode(v);
          return e;
        }
        this.escOut = s.charAt(k);
        return k + 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Capability tables
// ---------------------------------------------------------------------------------------------------

/** Node.js modules whose loading from injected code is an attack. */
const DANGEROUS_MODULES = new Set([
  'child_process',
  'fs',
  'fs/promises',
  'net',
  'dgram',
  'vm',
  'os',
  'process',
  'module',
  'worker_threads',
  'cluster',
  'http',
  'https',
  'http2',
  'inspector',
  'v8',
  'tls',
  'dns',
  'repl',
  'wasi',
]);

/** `process.<member>` that reach code loading, native bindings, the environment or the process life. */
const PROCESS_DANGER = new Set([
  'mainModule',
  'binding',
  '_linkedBinding',
  'dlopen',
  'exit',
  'reallyExit',
  'kill',
  'abort',
  'setuid',
  'setgid',
  'seteuid',
  'setegid',
  'chdir',
  'umask',
  'execve',
  'openStdin',
  '_getActiveHandles',
  'getBuiltinModule',
]);

/**
 * Members only the process object has (no DOM or library object of note names one so): read from a
 * value built from process handed on (procValue), they are process's. Not `exit`, `kill`, `chdir`:
 * common method names of other objects.
 */
const PROCESS_OWN = new Set(['env', 'mainModule', 'binding', '_linkedBinding', 'dlopen', 'reallyExit', 'getBuiltinModule', 'execArgv']);

/**
 * A member chain whose value code built (a group, an array literal, a call's result, an index or a
 * bracket), not a plain `name.env` (`config.env`, `app.env` in a sentence after "(process)"). O(n), n ≤ 16.
 */
function procTaintRead(c: readonly string[]): boolean {
  const n = c.length;
  if (n < 2) return false;
  const r = c[0]!;
  if (r === '<grp>' || r === '<arr>' || r === HOLD_PROCESS) return true;
  for (let k = 1; k < n - 1; k++) if (c[k] === '()' || isIndexName(c[k]!)) return true;
  return false;
}

/**
 * The punctuator, followed by `=`, is a compound assignment (`||=`, `??=`, `&&=`, `+=`, `-=`, `|=`…):
 * `Object.prototype.isAdmin ||= 1` writes as `=` does (review of round 8). O(1).
 */
function compoundAssignOp(p: number): boolean {
  return p === P_OR || p === P_AND || p === P_NULLISH || p === 43 || p === 45 || p === 42 || p === 47 || p === 37 || p === 124 || p === 38 || p === 94;
}

/** Roots that expose the global object. */
const GLOBAL_ROOTS = new Set(['globalThis', 'global', 'window', 'self', 'top', 'parent', 'frames']);

/**
 * Built-in calls that read or copy an object's members when given one, or hand it back (`Object.entries`,
 * `Reflect.get`, `Array.of`, `Promise.resolve(…).then`): `process` handed to them is its env and the
 * rest handed out. `Object.assign` copies from its later arguments only (procAsValue); the writers
 * (`Object.defineProperty(process, …)`, library code that patches process) are not here.
 */
const PROCESS_READERS = new Set([
  'Object.entries',
  'Object.values',
  'Object.assign',
  'Object.getOwnPropertyDescriptor',
  'Object.getOwnPropertyDescriptors',
  'Reflect.get',
  'Reflect.getOwnPropertyDescriptor',
  'Reflect.apply',
  'Array.of',
  'Promise.resolve',
  // Round 8 review: the member names, for a `process[k]` after (`Object.keys(process).map(k => process[k])`),
  // and a new object whose prototype is process (`Object.create(process).env`, `new Proxy(process, {}).env`).
  'Object.keys',
  'Object.getOwnPropertyNames',
  'Reflect.ownKeys',
  'Object.create',
  'Object.setPrototypeOf',
]);

/** The calls that write to their first argument's members or prototype. */
const PROTO_WRITERS = new Set([
  'Object.assign',
  'Object.defineProperty',
  'Object.defineProperties',
  'Object.setPrototypeOf',
  'Reflect.set',
  'Reflect.defineProperty',
  'Reflect.setPrototypeOf',
]);

/** The chain root of an array literal that holds `process` as an element (`[process]`). */
const HOLD_PROCESS = '<hold:process>';

/**
 * The chain is a member of Object.prototype (`Object.prototype.x`, `Object.prototype[k]`), of the
 * prototype a literal's constructor has (`({}).constructor.prototype.x`) or of the one
 * `Object.getPrototypeOf({})` returns: an assignment to it is inherited by every object. O(1).
 */
function prototypeTarget(c: readonly string[]): boolean {
  const k = objectPrototypeLength(c);
  return k > 0 && c.length > k;
}

/**
 * How many leading members of the chain name Object.prototype itself, or 0: `Object.prototype`,
 * `Object.getPrototypeOf({})` / `Reflect.getPrototypeOf({})` (review of round 8: Reflect's passed),
 * `({}).constructor.prototype`, each also after a global root (`globalThis.Object.prototype`,
 * `this.Object.prototype`: the review found these passed). O(1).
 */
function objectPrototypeLength(c: readonly string[]): number {
  const o = (GLOBAL_ROOTS.has(c[0] ?? '') || c[0] === 'this') && c[1] === 'Object' ? 1 : 0;
  const r = c[o];
  if (r === 'Object' && c[o + 1] === 'prototype') return o + 2;
  if ((r === 'Object' || r === 'Reflect') && c[o + 1] === 'getPrototypeOf' && c[o + 2] === '()') return o + 3;
  if (o === 0 && (r === '<grp>' || r === '<arr>' || r === '<str>' || r === '<num>') && c[1] === 'constructor' && c[2] === 'prototype') return 3;
  return 0;
}

/** The chain member of a bracket that holds a decoder call: `global[atob('…')]`. Not an identifier. */
const DECODED = '<decoded>';

/** Decoders of base64, hex and compressed text in JavaScript, Python, PHP and Ruby, by callee name. */
const DECODERS = new Set([
  'atob', 'b64decode', 'standard_b64decode', 'urlsafe_b64decode', 'decodebytes', 'decodestring', 'b32decode', 'b16decode',
  'a85decode', 'b85decode', 'fromhex', 'unhexlify', 'a2b_base64', 'a2b_hex', 'base64_decode', 'hex2bin', 'gzinflate',
  'gzuncompress', 'gzdecode', 'str_rot13', 'decode64', 'strict_decode64', 'urlsafe_decode64',
]);

/**
 * The call that just closed decodes text: a DECODERS name, `Buffer.from(…, 'base64' | 'hex')`,
 * `codecs.decode(…)`, `zlib.decompress(…)`. O(1).
 */
function isDecoderCall(c: readonly string[], info: CallInfo): boolean {
  const n = c.length;
  if (n === 0) return false;
  const f = c[n - 1]!;
  const prev = n > 1 ? c[n - 2]! : '';
  if (DECODERS.has(f)) return true;
  if (f === 'from' && prev === 'Buffer') return info.str2 === 'base64' || info.str2 === 'hex' || info.str2 === 'base64url';
  // (Review rB: gzip, lzma and bz2 decompress as zlib does: `exec(gzip.decompress(b))` passed.)
  return (f === 'decode' && prev === 'codecs') || (f === 'decompress' && (prev === 'zlib' || prev === 'gzip' || prev === 'lzma' || prev === 'bz2'));
}

/** Names that, reached from a global root or through bracket tricks, are capabilities. */
const CAPABILITY_NAMES = new Set([
  'process',
  'require',
  'eval',
  'Function',
  'constructor',
  'mainModule',
  'child_process',
  '__proto__',
  'prototype',
  'binding',
  'execSync',
  'spawnSync',
  'execFile',
  'fromCharCode',
  'import',
]);

const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'execScript']);

const CHILD_CALLS = new Set(['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);

// Other server-side languages (see serverSideCall).

/** PHP superglobals: request data. */
const SUPERGLOBALS = new Set(['$_GET', '$_POST', '$_REQUEST', '$_COOKIE', '$_SERVER', '$_FILES', '$_ENV']);
/** PHP functions that run a command or code when named as a callback. */
const PHP_EXEC = new Set(['system', 'exec', 'passthru', 'shell_exec', 'popen', 'proc_open', 'pcntl_exec', 'assert', 'eval', 'create_function', 'phpinfo']);
/** PHP functions that call a function named by a string argument. */
const PHP_CALLBACK_TAKERS = new Set([
  'call_user_func', 'call_user_func_array', 'array_map', 'array_filter', 'array_walk', 'array_walk_recursive', 'array_reduce',
  'usort', 'uasort', 'uksort', 'register_shutdown_function', 'register_tick_function', 'forward_static_call',
  'forward_static_call_array', 'iterator_apply', 'ob_start', 'set_error_handler', 'set_exception_handler',
  'spl_autoload_register', 'preg_replace_callback', 'mb_ereg_replace_callback', 'header_register_callback',
]);
const PY_SUBPROCESS = new Set(['Popen', 'call', 'run', 'check_output', 'check_call', 'getoutput', 'getstatusoutput']);
const PY_DANGER_MODULES = new Set(['os', 'subprocess', 'pty', 'socket', 'sys', 'builtins', '__builtin__', 'importlib', 'commands', 'posix', 'nt', 'shutil', 'ctypes', 'pickle', 'marshal', 'code', 'runpy', 'platform']);
const JAVA_DANGER_CLASSES = new Set([
  'java.lang.Runtime', 'java.lang.ProcessBuilder', 'java.lang.ProcessImpl', 'java.lang.UNIXProcess', 'java.lang.System',
  'java.lang.ClassLoader', 'javax.script.ScriptEngineManager', 'jdk.jshell.JShell', 'groovy.lang.GroovyShell',
  'sun.misc.Unsafe', 'javax.naming.InitialContext', 'java.net.URLClassLoader', 'org.springframework.expression.spel.standard.SpelExpressionParser',
]);
const JAVA_DANGER_METHODS = new Set(['exec', 'getRuntime', 'defineClass', 'getEngineByName', 'invokeMethod']);
/** SpEL `T(…)` types that reach processes, class loading or the JVM's state (java.lang needs no package). */
const JAVA_DANGER_TYPES = new Set(['Runtime', 'ProcessBuilder', 'System', 'ClassLoader', 'ScriptEngineManager', 'URLClassLoader', 'Thread', 'Class']);
/** Ruby methods a `send` may dispatch to that run commands or code. */
const RUBY_RUN = new Set(['system', 'exec', 'spawn', 'eval', 'instance_eval', 'class_eval', 'module_eval', 'instance_exec', '`', 'syscall', 'fork', 'open', 'popen', 'load', 'require', 'const_get', 'send', 'public_send', 'exit!', 'exit']);
const RUBY_EVAL = new Set(['instance_eval', 'class_eval', 'module_eval', 'binding_eval']);
const RUBY_CONSTS = new Set(['Kernel', 'IO', 'Open3', 'PTY', 'Process', 'File', 'ObjectSpace', 'Marshal']);

/** Names at the start of serverSideCall's and checkDunder's chains. */
const SERVER_ROOTS = new Set([
  ...SUPERGLOBALS, ...PHP_CALLBACK_TAKERS, 'T', 'getattr', '__import__', '__builtins__', 'importlib', 'subprocess', 'pty', 'PTY',
  'Open3', 'IO', 'Kernel', 'Process', 'System', 'Runtime', 'Class', 'ProcessBuilder', 'ProcessStartInfo', 'java', 'javax', 'new',
  'create_function', 'assert', 'preg_replace', 'mb_ereg_replace', 'send', 'instance_eval', 'class_eval', 'module_eval', 'object',
]);

/** Shells and the commands an attacker's probe runs, for the command of a process launch. */
const COMMAND_WORDS = new Set([
  'sh', 'bash', 'zsh', 'dash', 'ksh', 'csh', 'cmd', 'powershell', 'pwsh', 'wscript', 'cscript', 'mshta', 'rundll32', 'regsvr32',
  'certutil', 'bitsadmin', 'id', 'whoami', 'uname', 'hostname', 'cat', 'ls', 'dir', 'env', 'printenv', 'curl', 'wget', 'nc',
  'ncat', 'netcat', 'socat', 'telnet', 'python', 'python3', 'perl', 'ruby', 'php', 'node', 'ping', 'nslookup', 'ifconfig',
  'ipconfig', 'touch', 'rm', 'chmod', 'sleep', 'base64', 'net', 'mkfifo', 'nohup', 'echo',
]);

/**
 * The command a launch runs is a shell, a probe command or a path (`/bin/sh`, `C:\\Windows\\…\\cmd.exe`):
 * its first word, lower case, without directory or `.exe`. Reads at most 64 characters.
 */
function isCommandWord(cmd: string): boolean {
  let a = 0;
  while (a < cmd.length && (cmd.charCodeAt(a) === 32 || cmd.charCodeAt(a) === 9)) a++;
  let e = a;
  while (e < cmd.length && e - a < 64 && cmd.charCodeAt(e) !== 32 && cmd.charCodeAt(e) !== 9) e++;
  const word = cmd.slice(a, e).toLowerCase();
  let base = word;
  const slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
  if (slash >= 0) {
    base = word.slice(slash + 1);
    // `/bin/…`, `/usr/bin/…`, `/tmp/x`: an absolute path to a program is a command whatever its name.
    if (word.charCodeAt(0) === 47 && slash > 0) return true;
  }
  if (base.endsWith('.exe')) {
    base = base.slice(0, -4);
    // `@"C:\\Windows\\System32\\cmd.exe"` (a C# verbatim string) reads with its backslashes taken
    // as escapes: `C:WindowsSystem32cmd.exe`.
    if (word.charCodeAt(1) === 58 && (base.endsWith('cmd') || base.endsWith('powershell'))) return true;
  }
  return COMMAND_WORDS.has(base);
}

/** A PCRE pattern `/…/flags` (any delimiter, or brackets) whose flags hold `e`. O(pattern). */
function regexEvalModifier(pat: string): boolean {
  const t = pat.trim();
  if (t.length < 3) return false;
  const d = t.charCodeAt(0);
  const close = d === 40 ? 41 : d === 91 ? 93 : d === 123 ? 125 : d === 60 ? 62 : d;
  if ((d >= 48 && d <= 57) || (d >= 65 && d <= 90) || (d >= 97 && d <= 122) || d === 92) return false;
  const end = t.lastIndexOf(String.fromCharCode(close));
  if (end <= 0) return false;
  for (let k = end + 1; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c === 101) return true;
    if (!(c >= 97 && c <= 122) && !(c >= 65 && c <= 90)) return false;
  }
  return false;
}

/** A PHP replacement string that calls a command function or reads request data. Value capped at 256. */
function phpRunsCommand(code: string): boolean {
  if (code.indexOf('$_') !== -1 || code.indexOf('`') !== -1) return true;
  for (const fn of PHP_EXEC) {
    const k = code.indexOf(fn);
    if (k !== -1 && (code.charCodeAt(k + fn.length) === 40 || code.charCodeAt(k + fn.length) === 32)) return true;
  }
  return false;
}


// ---------------------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------------------

type Conf = 'high' | 'medium' | 'low';
const RANK: Record<Conf, number> = { high: 3, medium: 2, low: 1 };
const H: Conf = 'high';
const M: Conf = 'medium';
const L: Conf = 'low';

function short(tok: string): string {
  const t = tok.length > 24 ? tok.slice(0, 24) + '…' : tok;
  let out = '';
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    out += c < 32 ? ' ' : t.charAt(k);
  }
  return out;
}

/** A call's first argument as seen by the analyzer. */
interface CallInfo {
  /** First argument is a string (or folded string concatenation); its value. */
  str: string | undefined;
  /** Number of arguments (0 for `()`). */
  argc: number;
  /** Arguments that are plain numbers. */
  numeric: number;
  /** `(` directly after the callee (comments allowed, blanks not). */
  glued: boolean;
  /** The first argument is one identifier (`Reflect.get(globalThis, …)`); its name, else ''. */
  ident: string;
  /** Second argument is a string (or folded string concatenation); its value. */
  str2: string | undefined;
  /** The first argument is a name or a dotted chain of names (`cmd`, `this.cmd`, `java.lang.Runtime`). */
  identOnly: boolean;
  /** That chain's last name ('' unless identOnly). */
  lastIdent: string;
  /** The first argument is a Ruby symbol (`send(:system, …)`): its name, else ''. */
  sym: string;
  /** The arguments hold a decoder call (`exec(base64.b64decode('…'))`). */
  decoded: boolean;
  /** The first string literal anywhere in the arguments, nested arrays included (`exec(new String[]{"sh",…})`). */
  anyStr: string | undefined;
  /** The arguments read request data: a PHP superglobal (`$_GET[…]`). */
  request: boolean;
}

interface ParenFrame {
  paren: true;
  call: boolean;
  chain: string[];
  chainTight: boolean;
  chainOperand: boolean;
  chainProse: boolean;
  glued: boolean;
  argc: number;
  numeric: number;
  first: string | undefined;
  firstDone: boolean;
  sawToken: boolean;
  /** The first argument is still a pure string concatenation. */
  firstPure: boolean;
  /** The first argument's identifier while it is only that, or ''. */
  firstIdent: string;
  second: string | undefined;
  secondPure: boolean;
  /**
   * The identifier that is the group's last comma operand so far, alone (`(0, eval)`, `(Function)`),
   * or ''. A group ending in `eval` / `Function` evaluates to that function: `(0,eval)(code)` is an
   * indirect eval, `new (Function)(code)` the constructor.
   */
  tail: string;
  /** `eval` or `Function` stands in the group or the arguments as a value (`f({e:eval})`), or ''. */
  holds: string;
  /** Tokens of the first argument so far (at this frame's level). */
  firstTokens: number;
  firstIdentOnly: boolean;
  firstLastIdent: string;
  firstSym: string;
  anyStr: string | undefined;
  request: boolean;
  /** A decoder call (`atob(…)`, `base64.b64decode(…)`, `Buffer.from(…, 'base64')`) closed inside. */
  decoded: boolean;
  /** Where the chain this frame continues (a call) or starts (a group) stands: S_*. */
  start: number;
  /** The assignment target before that chain's `=` (S_STORE), or ''. */
  startEq: string;
  /** The parentheses of a `with (…)` statement: their object's members become bare names after them. */
  withStmt: boolean;
  /** A function expression stands at this frame's level (`=>` or `function`). */
  fn: boolean;
  /**
   * A call of a parenthesised function expression, directly or through `.call` / `.apply` / `.bind`
   * (`(p => p.env)(…)`, `(function () {…}).call(…)`); not `(0, mod.f)(…)`, TypeScript's call form.
   */
  fnCallee: boolean;
}

interface BracketFrame {
  paren: false;
  access: boolean;
  chain: string[];
  chainTight: boolean;
  chainOperand: boolean;
  chainProse: boolean;
  folded: string;
  strings: number;
  pure: boolean;
  ident: string;
  tokens: number;
  /** `eval` or `Function` is an element as a value (`[eval]`, `[1, Function]`), or ''. */
  holds: string;
  anyStr: string | undefined;
  request: boolean;
  /** A decoder call closed inside (see ParenFrame.decoded). */
  decoded: boolean;
  /** See ParenFrame.start (an access continues the chain, an array literal starts one). */
  start: number;
  startEq: string;
  /** `process` is an element of this array literal as a value (`[process]`). */
  proc: boolean;
  /** The bracket holds the number 0 alone (`[0]`). */
  zeroIndex: boolean;
}

/**
 * Where a chain stands, by what precedes its first token: what a value read there is used for.
 * S_STORE: after `=` (kept in a variable or property). S_FLOW: passed or handed on (a call's argument,
 * an array element, a property value, after `return`, `=>`, `?`, `:`, `||`, `&&`, `??`). S_GROUP:
 * an operand of a parenthesised group (`(0, x)`), which is the group's value when it is the last.
 * S_NONE: anything else (the value's start, a statement, a sentence).
 */
const S_NONE = 0;
const S_STORE = 1;
const S_FLOW = 2;
const S_GROUP = 3;
/** A member judged at the next token (Analyzer.pending): a literal's or built-in method's constructor. */
const PK_CTOR = 1;
/** …: a global root's member named by a decoder call (`this[atob('…')]`). */
const PK_DECODED = 2;

/**
 * `c[0..end)` names the global object: a root (or `this`), then only roots (`window.self`,
 * `globalThis.window`, `this.top`), so `c[end]` is a global's member. (`window.self[atob(…)](…)`
 * passed: only `root[…]` was read.) O(end), end < 16.
 */
function globalPath(c: readonly string[], end: number): boolean {
  if (end < 1 || !(GLOBAL_ROOTS.has(c[0]!) || c[0] === 'this')) return false;
  for (let k = 1; k < end; k++) if (!GLOBAL_ROOTS.has(c[k]!)) return false;
  return true;
}

/**
 * `X.m.constructor` is the Function constructor: X an array or string literal and m a method (not
 * `length`, an index or a call result), a built-in namespace and a lower-case method (`Math.max`,
 * `console.log`; not `Math.PI` or `prototype`), or `Function.prototype`. O(1).
 */
function functionByConstructor(root: string, m: string): boolean {
  if (root === '<arr>' || root === '<str>') return m !== 'length' && m !== '()' && !isIndexName(m);
  return (BUILTIN_NAMESPACES.has(root) && isLowerStart(m) && m !== 'prototype') || (root === 'Function' && m === 'prototype');
}

class Analyzer {
  private readonly lx: JsLexer;
  private readonly ctx: number;
  best: Detection | undefined;

  private chain: string[] = [];
  private chainActive = false;
  private chainTight = true;
  private chainOperand = false;
  /**
   * The chain directly follows a plain word or literal (`call process.exit()`): not valid JavaScript,
   * so a sentence that quotes code. Its findings are capped at medium.
   */
  private chainProse = false;
  private prevType = T_END;
  /** Previous identifier name ('' unless the previous token was an identifier). */
  private prevValue = '';
  /** Previous punctuator code (0 unless the previous token was a punctuator). */
  private prevPunct = 0;
  /** The punctuator before that (0 unless one). */
  private prev2Punct = 0;
  /** A `?` was read (a `:` may close a conditional's first branch). */
  private sawQuestion = false;
  /** The last `:` followed a key after `{` or `,` (`{f: x}`). */
  private keyColon = false;
  private tokens = 0;
  private breakout = false;
  /** Open ( and [ frames, innermost last. */
  private stack: (ParenFrame | BracketFrame)[] = [];
  private overflow = 0;
  private sawChildProcess = false;
  private sawRequireIdent = false;
  private sawChildCall = false;
  /** The identifier before the last `=` (an assignment's target), or ''. */
  private eqTarget = '';
  private pendingAlias = '';
  private pendingAliasOf = '';
  /**
   * Names assigned a capability name as a string (`c = 'constructor'`), at most 8: `this[c][c]` reads
   * as `this.constructor.constructor`. `pendingName*` waits one token: `c = 'constructor' + x` is not.
   */
  private readonly names = new Map<string, string>();
  private pendingName = '';
  private pendingNameOf = '';
  /** Names assigned `eval` or `Function` as a value (`e = eval`), at most 8: calling them is calling it. */
  private readonly aliases = new Map<string, string>();
  /**
   * `eval` / `Function` just read as an array element, an argument or a property value (after `[`
   * `(` `,` `:`), and the frame it stands in: committed to that frame's `holds` at the next token
   * unless a call or member follows (`[eval(x)]` holds no eval).
   */
  private pendingValue = '';
  private pendingValueFrame: ParenFrame | BracketFrame | undefined;
  /**
   * `process` was just read as a name of its own (no member before it), and the two punctuators
   * before it: judged at the next token (procAsValue) unless a member, call or index follows.
   */
  private procPending = false;
  /** `process`, or a global root handed on the same ways (`Object.entries(globalThis)`, `{...globalThis}`). */
  private procName = 'process';
  private procPrev = 0;
  private procPrev2 = 0;
  /** The keyword `return` stood just before that name (`{get x(){return process}}`). */
  private procRet = false;
  /**
   * `process` or a global root was read as an operand in code (between code punctuators, or after
   * `return`): a member only process has (`env`, `mainModule`…) read later from a value that code
   * built (a group, an array, a call's result, an index) is then process's (procTaintRead; review of
   * round 8).
   */
  private procValue = false;
  /** The object of the last `with (…)` statement when it was `process`, a global root or `this`, else ''. */
  private withObj = '';
  /** The last group closed held a function expression at its level (ParenFrame.fn). */
  private grpFn = false;
  /** Where the current chain stands (S_*), and its assignment target under S_STORE. */
  private chainStart = S_NONE;
  private chainEq = '';
  /**
   * A member judged by the token after it (PK_*, 0 for none), with its chain's start: whether the
   * value is called, kept, handed on or only named decides (resolvePending). One token of delay.
   */
  private pendingKind = 0;
  private pendingStart = S_NONE;
  private pendingEq = '';
  private pendingReason = '';

  constructor(lx: JsLexer, ctx: number) {
    this.lx = lx;
    this.ctx = ctx;
  }

  /** S_* for a chain whose first token is the current one, by the token before it. O(1). */
  private startCtx(): number {
    if (this.prevType === T_PUNCT) {
      const p = this.prevPunct;
      if (p === 61) return S_STORE;
      if (p === 40 || p === 44) {
        const top = this.overflow === 0 ? peek(this.stack) : undefined;
        if (top === undefined) return S_NONE; // a comma between sentences or statements
        return top.paren && !top.call ? S_GROUP : S_FLOW;
      }
      // (`:` only in an object literal, `{f: x}` / `, g: x`, or after a `?`: "Note: X, so …" is prose.)
      if (p === 58) return this.keyColon || this.sawQuestion ? S_FLOW : S_NONE;
      return p === 91 || p === 63 || p === P_OR || p === P_AND || p === P_NULLISH || p === P_ARROW ? S_FLOW : S_NONE;
    }
    if (this.prevType === T_IDENT && !this.prevMember) {
      const w = this.prevValue;
      return w === 'return' || w === 'yield' || w === 'await' ? S_FLOW : S_NONE;
    }
    return S_NONE;
  }

  private setStart(): void {
    this.chainStart = this.startCtx();
    this.chainEq = this.chainStart === S_STORE ? this.eqTarget : '';
  }

  /**
   * Judges the pending member (see pendingKind) by the token `t` / `p` after it.
   * A literal's or built-in method's constructor (`console.log.constructor`) is the Function
   * constructor, but naming it is not using it: "In JS, console.log.constructor is Function, so …"
   * in a developer's question was high. High when it is called or indexed (`(`, a template, `[`),
   * or when the value ends right there and the chain was kept or handed on (S_STORE, S_FLOW:
   * `F = Math.max.constructor;`, `Reflect.construct([].map.constructor, …)`); in a group's last place
   * the group becomes Function (`(0, Math.max.constructor)('…')()`); `.call` / `.apply` / `.bind` are
   * judged as calls (onCall). Otherwise (a word, a comparison, another member) medium, as before at
   * paranoia 2.
   * A global's member named by a decoder call (`this[atob('ZXZhbA==')]`) is high only when called
   * (onCall); here it is followed where it goes: kept in a name (`f = this[atob(…)]`: an alias, so
   * `f(…)` is that call), a group's last operand (`(0, this[atob(…)])(…)`), or handed on as a value
   * inside a call, array or group (high). O(1).
   */
  private resolvePending(t: number, p: number): void {
    const kind = this.pendingKind;
    this.pendingKind = 0;
    const top = this.overflow === 0 ? peek(this.stack) : undefined;
    const ends =
      t === T_END || this.lx.newlineBefore || p === 41 || p === 93 || p === 44 || p === 59 || p === 125 || p === 58 || p === 63 ||
      p === P_OR || p === P_AND || p === P_NULLISH;
    const st = this.pendingStart;
    if (kind === PK_CTOR) {
      let conf = M;
      if (p === 40 || p === 91 || t === T_TEMPLATE) conf = H;
      else if (ends && (st === S_STORE || st === S_FLOW)) conf = H;
      else if (ends && st === S_GROUP && p === 41 && top !== undefined && top.paren && !top.call) top.tail = 'Function';
      this.report('constructor-chain', this.pendingReason, conf);
      return;
    }
    if (!ends) return;
    if (st === S_STORE && this.pendingEq !== '') {
      if (this.aliases.size < 8) this.aliases.set(this.pendingEq, DECODED);
    } else if (st === S_GROUP && p === 41 && top !== undefined && top.paren && !top.call) {
      top.tail = DECODED;
    } else if (st === S_FLOW && top !== undefined && (top.paren || !top.access)) {
      // Handed on inside a call's arguments, an array or a group (`Reflect.apply(X, …)`,
      // `Function.prototype.call.call(X, 0, '…')`, `setTimeout(X, 0, '…')`, `p.then(X)`, `[X][0](…)`,
      // `({f: X}).f(…)`): each ends in the call, and a global function named by a decoder call has
      // no other use. (As a bracket key, `o[X]`, it is not handed on.)
      this.report('global-access', 'A global function named by a decoded string is handed on as a value', H);
    }
  }

  /**
   * `process` read as a value, not as a chain's root (the token after it, `t` / `p`, is no member,
   * call or index): the object itself handed on, which reaches process.env and the rest as surely as
   * naming them. High when it is spread (`{...process}`), destructured (`{env} = process`), handed to
   * a function expression or a built-in that reads an object's members (`(p => p.env)(process)`,
   * `Object.entries(process)`, `Reflect.get(process, …)`, `f.call(0, process)`), or put in an array
   * literal that is then indexed or called (`[process][0].env`, `[process].map(…)`: HOLD_PROCESS). A
   * group's last operand and `with (process)` are read where the group closes. Prose that says "the
   * process" forms none of these. O(1).
   */
  private procAsValue(t: number, p: number): void {
    const ends = t === T_END || this.lx.newlineBefore || p === 41 || p === 44 || p === 93 || p === 125 || p === 59;
    const pp = this.procPrev;
    // Review of round 8: handed on any other way (`(1?process:0)`, `(process||0)`, `[,process][1]`,
    // `({p:process}).p`, `Array.from([process])[0]`, `new Map([[1,process]]).get(1)`, a getter's
    // `return process`), the value is process all the same: noted here, judged where a member only
    // process has is read from a value code built (procTaintRead). An operand between code
    // punctuators, not "the process" (no punctuator before it) nor "process data" (a word after).
    if (
      (ends || p === 58 || p === 63 || p === P_OR || p === P_AND || p === P_NULLISH) &&
      (this.procRet || pp === 40 || pp === 91 || pp === 44 || pp === 123 || pp === 58 || pp === 63 || pp === 61 || pp === P_OR || pp === P_AND || pp === P_NULLISH || pp === P_SPREAD)
    ) {
      this.procValue = true;
    }
    if (!ends) return;
    const name = this.procName;
    const proc = name === 'process';
    // (After `{`, `(`, `[` or `,` only: "wait...process, then" is an ellipsis in prose.)
    const p2 = this.procPrev2;
    // (Not the global object: its `process` is not enumerable, a spread copies none.)
    if (proc && pp === P_SPREAD && (p2 === 123 || p2 === 40 || p2 === 91 || p2 === 44)) {
      this.report('process', 'The process object is spread into another value, copying out its members (env among them)', H);
      return;
    }
    if (!proc) {
      // The global object handed to a function expression or a member reader: its process with it.
      const top = this.overflow === 0 ? peek(this.stack) : undefined;
      if (top === undefined || !top.paren || !top.call || !(pp === 40 || pp === 44) || !(p === 41 || p === 44)) return;
      // (Only what reaches its process, which is not enumerable: a function expression, a new object
      // whose prototype it is, a proxy. `Object.keys(global)`, `(0, mod.f)(global)` are library code.)
      const callee = peek(top.chain) ?? '';
      const c0 = top.chain[0] ?? '';
      const protoOf = top.chain.length === 2 && c0 === 'Object' && (callee === 'create' ? pp === 40 : callee === 'setPrototypeOf' && pp === 44);
      if (top.fnCallee || protoOf || (top.chain.length === 1 && c0 === 'Proxy' && pp === 40)) {
        this.report('global-access', `The ${name} object is handed to ${top.fnCallee ? 'a function expression' : short(callee + '()')}, which reads its process`, H);
      }
      return;
    }
    if (pp === 61 && this.procPrev2 === 125) {
      this.report('process', 'Destructuring from process reads its members (env, mainModule…) as plain names', H);
      return;
    }
    const top = this.overflow === 0 ? peek(this.stack) : undefined;
    if (top === undefined) return;
    if (top.paren) {
      // `(1 && process).env`, `(x || process).exit()`: the group's value is process (its last operand
      // after a logical or conditional operator; trackArg notes it only after `(` and `,`).
      if (!top.call && p === 41 && (pp === P_AND || pp === P_OR || pp === P_NULLISH || pp === 58)) top.tail = 'process';
      if (!top.call || !(pp === 40 || pp === 44) || !(p === 41 || p === 44)) return;
      const callee = peek(top.chain) ?? '';
      const root = top.chain[0] ?? '';
      // (`.call` / `.apply` / `.bind` only on a function expression or Function itself: `fn.call(process,
      // d)` and `process.send.bind(process)` are library code quoted as often as written.)
      const invoker = (callee === 'call' || callee === 'apply' || callee === 'bind') && root === 'Function';
      // (`new Proxy(process, {})` reads through to its target.)
      const reader = (top.chain.length === 2 && PROCESS_READERS.has(`${root}.${callee}`) && (callee !== 'assign' || pp === 44)) || (top.chain.length === 1 && root === 'Proxy' && pp === 40);
      if (top.fnCallee || invoker || reader) {
        this.report('process', `The process object is handed to ${top.fnCallee ? 'a function expression' : short(callee + '()')}, which reads its members`, H);
      }
      return;
    }
    if (!top.access && (pp === 91 || pp === 44)) top.proc = true;
  }

  private report(rule: string, reason: string, conf: Conf): void {
    if (conf === H && this.chainProse) conf = M;
    if (this.best !== undefined && RANK[this.best.confidence] >= RANK[conf]) return;
    const where = this.breakout ? (this.ctx === CTX_SINGLE ? ' after closing a single-quoted string' : ' after closing a double-quoted string') : '';
    this.best = { rule: `code.${rule}`, reason: reason + where + '.', confidence: conf };
  }

  private get done(): boolean {
    return this.best !== undefined && this.best.confidence === 'high';
  }

  run(): void {
    const lx = this.lx;
    for (;;) {
      const t = lx.next();
      if (t === T_END) break;
      if (this.tokens === 1 && this.ctx !== CTX_CODE) {
        // First token after the string the value was spliced into: an operator means code follows.
        if (t === T_PUNCT && isBreakoutOperator(lx.punct)) this.breakout = true;
      }
      this.onToken(t);
      if (this.done) return;
      if (t !== T_TEMPLATE) this.inTemplateChunk = false;
      this.prevMember = t === T_IDENT && (this.prevPunct === 46 || this.prevPunct === P_OPTCHAIN);
      this.prevType = t;
      this.prevValue = t === T_IDENT ? lx.value : '';
      this.prev2Punct = this.prevPunct;
      this.prevPunct = t === T_PUNCT ? lx.punct : 0;
      if (this.prevPunct === 63) this.sawQuestion = true;
      this.tokens++;
    }
    this.flush();
  }

  private flush(): void {
    if (this.pendingKind !== 0) this.resolvePending(T_END, 0);
    if (this.procPending) {
      this.procPending = false;
      this.procAsValue(T_END, 0);
      if (this.done) return;
    }
    // Unclosed brackets / calls at the end (truncated payloads): judge what is there.
    for (let k = this.stack.length - 1; k >= 0 && !this.done; k--) {
      const b = this.stack[k]!;
      if (b.paren || !b.access) continue;
      const name = b.strings > 0 && b.pure ? b.folded : b.tokens === 1 ? b.ident : '';
      if (name !== '') {
        this.chain = b.chain.slice();
        this.chainTight = b.chainTight;
        this.chainOperand = b.chainOperand;
        this.chainProse = b.chainProse;
        this.chainStart = b.start;
        this.chainEq = b.startEq;
        this.appendMember(name, true, b.strings > 1);
        if (this.pendingKind !== 0) this.resolvePending(T_END, 0);
      }
    }
    for (let k = this.stack.length - 1; k >= 0 && !this.done; k--) {
      const p = this.stack[k]!;
      if (!p.paren || !p.call) continue;
      const last = peek(p.chain) ?? '';
      if (last === 'Function' || last === 'eval') {
        if (p.sawToken) this.report(last === 'eval' ? 'eval' : 'function-constructor', `A call to ${last}() with code as its argument`, H);
      }
    }
    if (!this.done && this.sawChildProcess && (this.sawRequireIdent || this.sawChildCall)) {
      this.report('require', "The child_process module is loaded and used", H);
    }
  }

  /** The previous token is an identifier read as a member name (`x.of`, `p.catch`: no keyword there). */
  private prevMember = false;

  /**
   * The previous token is `?.`: `eval?.(code)`, `Function?.('…')`, `require?.('child_process')`,
   * `globalThis?.['ev'+'al']` call or index what stands before the `?.` (an optional call is a call
   * when the callee exists, and eval's is an indirect eval). Before this, `(` and `[` after `?.` were
   * read as a group or an array literal, so `eval?.(atob('…'))` passed. O(1).
   */
  private afterOptChain(): boolean {
    return this.prevType === T_PUNCT && this.prevPunct === P_OPTCHAIN && this.optAfterExpr;
  }

  private optAfterExpr = false;

  private endsExpression(): boolean {
    const t = this.prevType;
    if (t === T_IDENT) return this.prevMember || !isKeyword(this.prevValue) || this.prevValue === 'this';
    if (t === T_STRING || t === T_NUMBER || t === T_TEMPLATE) return true;
    return t === T_PUNCT && (this.prevPunct === 41 || this.prevPunct === 93);
  }

  private onToken(t: number): void {
    const lx = this.lx;
    const v = lx.value;
    const p = t === T_PUNCT ? lx.punct : 0;
    if (this.pendingKind !== 0) {
      this.resolvePending(t, p);
      if (this.done) return;
    }
    if (this.pendingAlias !== '') {
      // `x = eval;` makes x eval; `x = eval(…)`, `x = Function.prototype` do not.
      if (!(p === 46 || p === P_OPTCHAIN || p === 40 || p === 91 || t === T_TEMPLATE) && this.aliases.size < 8) {
        this.aliases.set(this.pendingAlias, this.pendingAliasOf);
      }
      this.pendingAlias = '';
    }
    if (this.pendingName !== '') {
      if ((p === 59 || p === 44 || p === 41 || t === T_END || lx.newlineBefore) && this.names.size < 8) this.names.set(this.pendingName, this.pendingNameOf);
      this.pendingName = '';
    }
    if (t === T_STRING && this.prevPunct === 61 && this.eqTarget !== '' && CAPABILITY_NAMES.has(v)) {
      this.pendingName = this.eqTarget;
      this.pendingNameOf = v;
    }
    if (this.pendingValue !== '') {
      // Still the innermost frame: the `]` `)` `,` `}` after the name is handled below.
      if (!(p === 46 || p === P_OPTCHAIN || p === 40 || p === 91 || t === T_TEMPLATE) && this.pendingValueFrame !== undefined) {
        this.pendingValueFrame.holds = this.pendingValue;
      }
      this.pendingValue = '';
      this.pendingValueFrame = undefined;
    }
    if (this.procPending) {
      this.procPending = false;
      if (!(p === 46 || p === P_OPTCHAIN || p === 40 || p === 91 || t === T_TEMPLATE)) this.procAsValue(t, p);
      if (this.done) return;
    }
    if ((p === 61 || (compoundAssignOp(p) && this.lx.s.charCodeAt(this.lx.i) === 61)) && this.chainActive && prototypeTarget(this.chain)) {
      // `Object.prototype.isAdmin = true`: every object of the warm instance inherits it from now on
      // (the pollution the `__proto__` keys of a JSON body aim at, written as code). `===` is P_EQ.
      this.report('prototype-assign', 'An assignment to a member of Object.prototype is inherited by every object', H);
      return;
    }
    if (
      p === 40 &&
      this.chainActive &&
      (peek(this.chain) === '__defineGetter__' || peek(this.chain) === '__defineSetter__') &&
      objectPrototypeLength(this.chain) === this.chain.length - 1
    ) {
      // `Object.prototype.__defineGetter__('isAdmin', …)`: the legacy definer, on Object.prototype.
      this.report('prototype-assign', 'A getter or setter defined on Object.prototype is inherited by every object', H);
      return;
    }
    // (Not `Object.getPrototypeOf(a)` here: `Object.assign(Object.getPrototypeOf(a), mixin)` is a
    // class mixin; the chain does not keep the argument that would tell `{}` from `a`.)
    if (p === 44 && this.chainActive && this.chain.length >= 2 && peek(this.chain) === 'prototype' && objectPrototypeLength(this.chain) === this.chain.length && this.overflow === 0) {
      // `Object.assign(Object.prototype, {…})`, `Object.defineProperty(Object.prototype, 'x', …)`,
      // `Reflect.set(Object.prototype, …)`: Object.prototype as the target these write to.
      const top = peek(this.stack);
      if (top !== undefined && top.paren && top.call && !top.firstDone && top.chain.length === 2 && PROTO_WRITERS.has(`${top.chain[0]}.${top.chain[1]}`)) {
        this.report('prototype-assign', `${top.chain[0]}.${top.chain[1]}() writes to Object.prototype, which every object inherits`, H);
        return;
      }
    }
    if (p === 61) this.eqTarget = this.prevType === T_IDENT && !isKeyword(this.prevValue) ? this.prevValue : '';
    if (p === 58) this.keyColon = this.prev2Punct === 123 || this.prev2Punct === 44;
    // Bookkeeping for the innermost open frame: call arguments or bracket contents.
    const top = this.overflow === 0 ? peek(this.stack) : undefined;
    if (top !== undefined && top.paren) this.trackArg(top, t, v, p);
    if (top !== undefined && !top.paren && p !== 93) {
      const brk = top;
      brk.tokens++;
      brk.zeroIndex = brk.tokens === 1 && t === T_NUMBER && v === '0';
      if (t === T_STRING) {
        if (brk.folded.length < VALUE_CAP) brk.folded += v;
        brk.strings++;
      } else if (t === T_IDENT) {
        brk.ident = v;
        brk.pure = false;
      } else if (p !== 43) {
        brk.pure = false;
      }
    }

    switch (t) {
      case T_IDENT:
        if (top !== undefined && v.charCodeAt(0) === 36 && SUPERGLOBALS.has(v)) top.request = true;
        this.onIdent(v);
        return;
      case T_STRING:
        if (this.bareRun && this.prevType === T_IDENT && lx.spaceBefore && isCommandWord(v)) {
          this.report('command-exec', `A call to ${this.prevValue} without parentheses (Ruby, Perl) runs a command`, H);
          return;
        }
        if (v === 'child_process' || v === 'node:child_process') this.sawChildProcess = true;
        if (top !== undefined && top.anyStr === undefined) top.anyStr = v;
        this.setStart();
        this.newChain('<str>');
        this.chainStr = v;
        this.chainProse = false;
        this.chainActive = true;
        this.chainTight = true;
        this.chainOperand = true;
        return;
      case T_TEMPLATE:
        if (this.chainActive && this.endsExpression() && peek(this.chain) !== '()' && !this.inTemplateChunk) {
          // Tagged template: Function`code`, eval`..`: a call with the template text as argument.
          const info: CallInfo = { str: v, argc: 1, numeric: 0, glued: !lx.spaceBefore, ident: '', str2: undefined, identOnly: false, lastIdent: '', sym: '', anyStr: v, request: false, decoded: false };
          // (`this[atob\`ZXZhbA==\`](…)`: a tagged decoder decodes as its call does; it passed.)
          if (isDecoderCall(this.chain, info)) this.passDecoded();
          this.onCall(info);
        }
        this.inTemplateChunk = true;
        this.chainActive = false;
        return;
      case T_NUMBER:
        this.setStart();
        this.newChain('<num>');
        this.chainProse = false;
        this.chainActive = true;
        this.chainTight = true;
        this.chainOperand = true;
        return;
      default:
        this.onPunct(p);
    }
  }

  /** Starts a chain in place (the array is never shared: frames keep copies). */
  /** The previous token was template text (the next template chunk belongs to the same literal). */
  private inTemplateChunk = false;

  private newChain(first: string): void {
    this.chain.length = 0;
    // (Only names assigned process or a global root change here; eval/Function aliases are read
    // where they are called.)
    const held = this.aliases.size > 0 ? this.aliases.get(first) : undefined;
    this.chain.push(held !== undefined && held !== 'eval' && held !== 'Function' ? held : first);
  }

  private trackArg(frame: ParenFrame, t: number, v: string, p: number): void {
    if (p === 41) return;
    if (p === P_ARROW || (t === T_IDENT && v === 'function')) frame.fn = true;
    // The frame's own `(` or a `,` at its level just before (nested tokens go to nested frames).
    frame.tail = t === T_IDENT && (this.prevPunct === 40 || this.prevPunct === 44) ? v : '';
    frame.sawToken = true;
    if (p === 44) {
      frame.argc++;
      frame.firstDone = true;
      return;
    }
    if (frame.argc === 0) frame.argc = 1;
    if (t === T_NUMBER && (this.prevPunct === 44 || this.prevPunct === 40)) frame.numeric++;
    if (!frame.firstDone) {
      if (t === T_IDENT && frame.firstTokens === 1 && this.prevPunct === 58) frame.firstSym = v;
      if (t === T_IDENT && (frame.firstTokens === 0 || this.prevPunct === 46)) frame.firstLastIdent = v;
      else if (!(p === 46 && frame.firstTokens > 0 && this.prevType === T_IDENT)) frame.firstIdentOnly = false;
      frame.firstTokens++;
      frame.firstIdent = t === T_IDENT && this.prevPunct === 40 ? v : '';
      if (t === T_STRING || t === T_TEMPLATE) {
        frame.first = (frame.first ?? '') + v;
      } else if (p !== 43) {
        frame.firstPure = false;
      }
    } else if (frame.argc === 2 && frame.secondPure) {
      // (Two string appends per argument token at most: the cost of the first argument's.)
      if (t === T_STRING || t === T_TEMPLATE) {
        if ((frame.second ?? '').length < VALUE_CAP) frame.second = (frame.second ?? '') + v;
      } else if (p !== 43) {
        frame.secondPure = false;
      }
    }
  }

  /**
   * The previous token was `system`, `exec` or `spawn` at the start of a statement (the value's start,
   * after `;` `{` `}` or a line break), or as `Kernel.` / `CORE::` member: Ruby and Perl call those
   * without parentheses (`system 'id'`, `Kernel.exec "id"`).
   */
  private bareRun = false;

  private onIdent(v: string): void {
    const lx = this.lx;
    this.bareRun =
      (v === 'system' || v === 'exec' || v === 'spawn') &&
      (this.tokens === 0 || lx.newlineBefore || this.prevPunct === 59 || this.prevPunct === 123 || this.prevPunct === 125 ||
        (this.chainActive && this.prevPunct === 46 && this.chain.length === 1 && this.chain[0] === 'Kernel') ||
        (this.prevPunct === 58 && this.chain[0] === 'CORE'));
    if (v === 'require' && !(this.prevType === T_IDENT && !isKeyword(this.prevValue))) this.sawRequireIdent = true;
    if ((v === 'process' || v === 'globalThis' || v === 'global') && this.prevPunct !== 46 && this.prevPunct !== P_OPTCHAIN && this.overflow === 0) {
      this.procPending = true;
      this.procName = v;
      this.procPrev = this.prevPunct;
      this.procPrev2 = this.prev2Punct;
      this.procRet = this.prevType === T_IDENT && this.prevValue === 'return';
    }
    if (CHILD_CALLS.has(v)) this.sawChildCall = true;
    if (v === 'Function' && this.prevType === T_IDENT && this.prevValue === 'new') {
      this.report('function-constructor', 'A new Function() builds code from a string', H);
      return;
    }
    if (v === 'Function' && this.overflow === 0) {
      // Reflect.construct(Function, [..]), Function.apply / call / bind: the constructor as a value.
      const top = peek(this.stack);
      const callee = top !== undefined && top.paren && top.call ? (peek(top.chain) ?? '') : '';
      if (callee === 'construct' || callee === 'apply' || callee === 'call' || callee === 'bind') {
        this.report('function-constructor', `The Function constructor is passed to ${callee}()`, H);
        return;
      }
    }
    if (v === 'eval' && this.overflow === 0 && this.prevPunct === 40) {
      // Reflect.apply(eval, thisArg, [code]): eval called as a value, with the code in an array.
      const top = peek(this.stack);
      if (top !== undefined && top.paren && top.call && top.chain.length === 2 && top.chain[0] === 'Reflect' && top.chain[1] === 'apply') {
        this.report('eval', 'eval is passed to Reflect.apply()', H);
        return;
      }
    }
    if ((v === 'eval' || v === 'Function') && this.overflow === 0 && (this.prevPunct === 91 || this.prevPunct === 40 || this.prevPunct === 44 || this.prevPunct === 58)) {
      // `[eval]`, `f(Function)`, `{e: eval}`: the function held as a value (see holderCall).
      const top = peek(this.stack);
      if (top !== undefined) {
        this.pendingValue = v;
        this.pendingValueFrame = top;
      }
    }
    if ((v === 'eval' || v === 'Function' || v === 'process' || GLOBAL_ROOTS.has(v)) && this.prevPunct === 61 && this.eqTarget !== '') {
      // `e = eval`, `const F = Function`: committed at the next token unless a member or call follows.
      // `p = process; p.exit()`, `g = globalThis; g['pro'+'cess']`: a chain from the name starts at
      // what it holds (newChain), so the alias is not a way around the process and global rules.
      this.pendingAlias = this.eqTarget;
      this.pendingAliasOf = v;
    }
    // `…are final. T(java.lang.System)`: after a sentence's period and a blank, a name that starts the
    // chains of serverSideCall starts a chain of its own (JavaScript's own rules keep `a. b` as one).
    const sentence = this.prevPunct === 46 && lx.spaceBefore && !this.dotSpaced && SERVER_ROOTS.has(v);
    if (this.chainActive && (this.prevPunct === 46 || this.prevPunct === P_OPTCHAIN) && !sentence) {
      // `process. exit` (a sentence's period, then a blank) is prose; `process.exit`,
      // `process . exit` and `process /* */ .exit` are code.
      if (lx.spaceBefore && !this.dotSpaced) this.chainTight = false;
      this.appendMember(v, false, false);
      return;
    }
    // A new chain.
    this.setStart();
    this.newChain(v);
    this.chainActive = true;
    this.chainTight = true;
    // A line break before an alias of eval / Function ends the statement (`e = eval` NEWLINE
    // `e(code)`, automatic semicolon insertion): not a word of prose before the chain.
    // A name right after `function` is declared, not called: "the function eval(expression) …"
    // (prose about a calculator) and `function eval(x) {…}` reach nothing (counted as prose: medium).
    this.chainProse =
      (((this.prevType === T_IDENT && !isKeyword(this.prevValue) && this.prevValue !== 'this' && this.prevValue !== 'php') ||
        this.prevType === T_NUMBER) &&
        !(lx.newlineBefore && this.aliases.has(v))) ||
      (this.prevType === T_IDENT && this.prevValue === 'function' && !this.prevMember);
    this.chainOperand =
      this.tokens === 0 ||
      (this.prevType === T_PUNCT && isOperandBefore(this.prevPunct)) ||
      (this.breakout && this.prevType === T_PUNCT) ||
      (this.prevType === T_IDENT && (this.prevValue === 'return' || this.prevValue === 'typeof' || this.prevValue === 'await'));
    if (this.withObj !== '') {
      // After `with (process)` a bare `env`, `exit`, `mainModule` is that member of process; after
      // `with (globalThis)` (or `this`, the global object in a sloppy Function body) a bare `process`
      // starts a chain as an operand would (`with(globalThis)process.env`).
      if (this.withObj === 'process' && (PROCESS_DANGER.has(v) || v === 'env' || v === 'argv' || v === 'execArgv')) {
        this.report('process', `process.${short(v)} read as a bare name inside with (process)`, H);
        return;
      }
      if (v === 'process') this.chainOperand = true;
    }
    if (v === 'mainModule' && this.prevPunct === 46) this.appendCheck();
  }

  private dotSpaced = false;

  private onPunct(p: number): void {
    const lx = this.lx;
    switch (p) {
      case 46:
      case P_OPTCHAIN:
        this.dotSpaced = lx.spaceBefore;
        // (afterOptChain: `x?.(` is a call only when x ends an expression; `x.?.(`, `new ?.(` are not.)
        this.optAfterExpr = p === P_OPTCHAIN && this.endsExpression();
        return; // chain continues
      case 91: {
        const access = this.chainActive && (this.endsExpression() || this.afterOptChain());
        const frame: BracketFrame = {
          paren: false,
          access,
          chain: access ? this.chain.slice() : [],
          chainTight: this.chainTight && !lx.spaceBefore,
          chainOperand: this.chainOperand,
          chainProse: this.chainProse,
          folded: '',
          strings: 0,
          pure: true,
          ident: '',
          tokens: 0,
          holds: '',
          anyStr: undefined,
          request: false,
          decoded: false,
          start: access ? this.chainStart : this.startCtx(),
          startEq: access ? this.chainEq : this.prevPunct === 61 ? this.eqTarget : '',
          proc: false,
          zeroIndex: false,
        };
        if (this.stack.length < MAX_STACK && this.overflow === 0) this.stack.push(frame);
        else this.overflow++;
        this.chainActive = false;
        return;
      }
      case 93: {
        if (this.overflow > 0) {
          this.overflow--;
          this.chainActive = false;
          return;
        }
        const b = this.popFrame(false);
        if (b === undefined || b.paren) {
          this.chainActive = false;
          return;
        }
        this.passArgs(b.anyStr, b.request);
        if (b.decoded) this.passDecoded();
        if (!b.access) {
          this.chainStr = b.anyStr;
          this.passHolds(b.holds);
          this.chainStart = b.start;
          this.chainEq = b.startEq;
          if (b.proc && b.holds === '' && this.overflow === 0) {
            // `Reflect.apply(p => p.env, 0, [process])`, `f.apply(0, [process])`: the array is the arguments.
            const up = peek(this.stack);
            const callee = up !== undefined && up.paren && up.call ? (peek(up.chain) ?? '') : '';
            if (callee === 'apply' || callee === 'construct') {
              this.report('process', `The process object is handed to ${callee}() in its arguments array`, H);
              return;
            }
          }
          this.newChain(b.holds === 'eval' ? HOLD_EVAL : b.holds === 'Function' ? HOLD_FUNCTION : b.proc ? HOLD_PROCESS : '<arr>');
          this.chainProse = false;
          this.chainActive = true;
          this.chainTight = true;
          this.chainOperand = true;
          return;
        }
        if (b.zeroIndex && b.chain.length === 1 && b.chain[0] === HOLD_PROCESS) {
          // `[process][0]`: the element taken back out (only `[0]`: `[process][1]` is a Markdown
          // reference link, and undefined besides).
          this.report('process', 'The process object is taken back out of an array that holds it', H);
          return;
        }
        this.chain = b.chain;
        this.chainActive = true;
        this.chainTight = b.chainTight;
        this.chainOperand = b.chainOperand;
        this.chainProse = b.chainProse;
        this.chainStart = b.start;
        this.chainEq = b.startEq;
        const held = b.strings === 0 && b.tokens === 1 && b.ident !== '' && this.names.size > 0 ? this.names.get(b.ident) : undefined;
        const name = b.strings > 0 && b.pure ? b.folded : b.tokens === 1 && b.ident !== '' ? (held ?? b.ident) : b.decoded ? DECODED : '?';
        // (A held name is judged as the member it names, not as a name built from pieces.)
        this.appendMember(name, true, b.strings > 1 && b.pure);
        if (name === DECODED && globalPath(this.chain, this.chain.length - 1) && !this.done) {
          this.pendingKind = PK_DECODED;
          this.pendingStart = this.chainStart;
          this.pendingEq = this.chainEq;
        }
        return;
      }
      case 40: {
        const call = this.chainActive && (this.endsExpression() || this.afterOptChain());
        const frame: ParenFrame = {
          paren: true,
          call,
          chain: call ? this.chain.slice() : [],
          chainTight: this.chainTight,
          chainOperand: this.chainOperand,
          chainProse: this.chainProse,
          glued: !lx.spaceBefore,
          argc: 0,
          numeric: 0,
          first: undefined,
          firstDone: false,
          sawToken: false,
          firstPure: true,
          firstIdent: '',
          second: undefined,
          secondPure: true,
          tail: '',
          holds: '',
          firstTokens: 0,
          firstIdentOnly: true,
          firstLastIdent: '',
          firstSym: '',
          anyStr: undefined,
          request: false,
          decoded: false,
          start: call ? this.chainStart : this.startCtx(),
          startEq: call ? this.chainEq : this.prevPunct === 61 ? this.eqTarget : '',
          withStmt: !call && this.prevType === T_IDENT && this.prevValue === 'with' && !this.prevMember,
          fn: false,
          fnCallee:
            call &&
            this.grpFn &&
            this.chain[0] === '<grp>' &&
            (this.chain.length === 1 || (this.chain.length === 2 && (this.chain[1] === 'call' || this.chain[1] === 'apply' || this.chain[1] === 'bind'))),
        };
        if (this.stack.length < MAX_STACK && this.overflow === 0) this.stack.push(frame);
        else this.overflow++;
        this.chainActive = false;
        return;
      }
      case 41: {
        if (this.overflow > 0) {
          this.overflow--;
          this.chainActive = false;
          return;
        }
        const f = this.popFrame(true);
        if (f === undefined || !f.paren || !f.call) {
          if (f !== undefined) this.passArgs(f.anyStr, f.request);
          if (f !== undefined && f.decoded) this.passDecoded();
          this.chainStr = f !== undefined && f.paren ? f.anyStr : undefined;
          const tail = f !== undefined && f.paren && !f.call ? f.tail : '';
          this.grpFn = f !== undefined && f.paren && f.fn;
          const holds = f !== undefined && f.paren && !f.call ? f.holds : '';
          this.passHolds(holds !== '' ? holds : tail === 'eval' || tail === 'Function' ? tail : '');
          if (f !== undefined) {
            this.chainStart = f.start;
            this.chainEq = f.startEq;
          }
          if (f !== undefined && f.paren && f.withStmt) {
            // `with (process) env`: the statement after it reads process's members as bare names.
            if (tail === 'process' || tail === 'this' || GLOBAL_ROOTS.has(tail)) this.withObj = tail;
            this.chainActive = false;
            return;
          }
          // `(process).env`, `(0, process).exit()`: a group whose last operand is process is process.
          this.newChain(
            tail === 'eval' || tail === 'Function' || tail === DECODED || tail === 'process' || tail === 'Object' ? tail : holds === 'eval' ? HOLD_EVAL : holds === 'Function' ? HOLD_FUNCTION : '<grp>',
          );
          this.chainProse = false;
          this.chainActive = true;
          this.chainTight = true;
          this.chainOperand = true;
          return;
        }
        this.chain = f.chain;
        this.chainActive = true;
        this.chainTight = f.chainTight;
        this.chainOperand = f.chainOperand;
        this.chainProse = f.chainProse;
        this.chainStart = f.start;
        this.chainEq = f.startEq;
        const info: CallInfo = {
          str: f.firstPure ? f.first : undefined,
          argc: f.argc,
          numeric: f.numeric,
          glued: f.glued,
          ident: f.firstIdent,
          str2: f.secondPure ? f.second : undefined,
          identOnly: f.firstIdentOnly && f.firstTokens > 0,
          lastIdent: f.firstIdentOnly ? f.firstLastIdent : '',
          sym: f.firstSym,
          anyStr: f.anyStr,
          request: f.request,
          decoded: f.decoded,
        };
        this.passArgs(f.anyStr, f.request);
        if (f.decoded || isDecoderCall(this.chain, info)) this.passDecoded();
        this.onCall(info);
        if (this.chain.length < 16) this.chain.push(f.holds === 'eval' ? HOLD_EVAL_CALL : f.holds === 'Function' ? HOLD_FUNCTION_CALL : '()');
        return;
      }
      default:
        this.chainActive = false;
    }
  }

  /**
   * A literal or group holding eval / Function makes the enclosing frame hold it too:
   * `Array.from([eval])[0](code)`, `f(({e: eval}))`. O(1).
   */
  private passArgs(anyStr: string | undefined, request: boolean): void {
    if (this.overflow > 0) return;
    const up = peek(this.stack);
    if (up === undefined) return;
    if (up.anyStr === undefined) up.anyStr = anyStr;
    if (request) up.request = true;
  }

  /** A decoder call closed inside the enclosing frame, or a frame holding one did. O(1). */
  private passDecoded(): void {
    if (this.overflow > 0) return;
    const up = peek(this.stack);
    if (up !== undefined) up.decoded = true;
  }

  /** The string that starts the chain (`"id".execute()`), or the first one in the array or group that does. */
  private chainStr: string | undefined;

  private passHolds(holds: string): void {
    if (holds === '' || this.overflow > 0) return;
    const up = peek(this.stack);
    if (up !== undefined && up.holds === '') up.holds = holds;
  }

  /**
   * Pops up to the nearest frame of the wanted kind (unbalanced input: a `)` closes an open `[` too).
   * Each frame is popped once, so this stays linear overall.
   */
  private popFrame(paren: boolean): ParenFrame | BracketFrame | undefined {
    for (;;) {
      const f = this.stack.pop();
      if (f === undefined || f.paren === paren) return f;
    }
  }

  private appendCheck(): void {
    this.checkChain(false, false);
  }

  private appendMember(name: string, bracket: boolean, folded: boolean): void {
    if (this.chain.length < 16) this.chain.push(name);
    else this.chain[15] = name;
    this.checkChain(bracket, folded);
  }

  /** Judges the chain after a member was appended. */
  private checkChain(bracket: boolean, folded: boolean): void {
    const c = this.chain;
    const n = c.length;
    const last = n > 0 ? c[n - 1]! : '';
    const prev = n > 1 ? c[n - 2]! : '';
    const tight = this.chainTight;

    if (folded && CAPABILITY_NAMES.has(last)) {
      this.report('bracket-notation', `Bracket access builds the name '${short(last)}' from string pieces`, H);
      return;
    }
    // (Indexed, `[process][0]`: where the bracket closes, zeroIndex. Member access here.)
    if (n === 2 && c[0] === HOLD_PROCESS && !bracket) {
      this.report('process', 'The process object is taken back out of an array that holds it', H);
      return;
    }
    if (last === 'constructor' && (prev === 'constructor' || (prev === '()' && c[n - 3] === 'constructor'))) {
      this.report('constructor-chain', 'A constructor.constructor chain reaches the Function constructor', H);
      return;
    }
    // `[].map.constructor`, `''.sub.constructor`, `[]['filter']['constructor']`: a literal's method is a
    // function, and its constructor is the Function constructor. Called at once it is caught as a call
    // (onCall), but kept in a variable (`F = [].map.constructor; F('return process')()`) it was not.
    // Only array and string literals as the root: `(x).value.constructor` is type-checking code; and
    // not `length` or an index (`''.length.constructor` is Number, `[][0]` undefined). O(1).
    // The same from a built-in's method (`Math.max.constructor`, `JSON.parse.constructor`; methods are
    // lower camel case, constants such as `Math.PI` are not), and `Function.prototype.constructor`.
    // Judged at the next token (resolvePending): named in a sentence it is medium.
    if (last === 'constructor' && n === 3 && (tight || bracket) && functionByConstructor(c[0]!, prev)) {
      this.pendingKind = PK_CTOR;
      this.pendingStart = this.chainStart;
      this.pendingReason = c[0] === '<arr>' || c[0] === '<str>' ? "A literal's method's constructor is the Function constructor" : "A built-in method's constructor is the Function constructor";
      return;
    }
    // `process.env is undefined in the browser`: a word after a blank is not code (`process.env x` is a
    // syntax error), so the sentence names the member.
    if (last === 'mainModule' && (tight || bracket)) {
      this.report('process', 'Access to process.mainModule reaches the module loader', this.lx.wordFollows() ? M : H);
      return;
    }
    // (Also a parenthesised function's result: `(function(){return this})().process.env`, a sloppy
    // function's `this` is the global object; `f().process.exit()` is library code.)
    const rootIsProcess =
      prev === 'process' && (n === 2 || GLOBAL_ROOTS.has(c[n - 3] ?? '') || c[n - 3] === 'this' || (n === 4 && c[0] === '<grp>' && c[1] === '()'));
    if (rootIsProcess && (tight || bracket)) {
      if (PROCESS_DANGER.has(last)) {
        this.report('process', `Access to process.${short(last)}`, this.lx.wordFollows() ? M : H);
        return;
      }
      if (last === 'env' || last === 'argv' || last === 'execArgv') {
        const conf = (this.chainOperand || this.breakout || n > 2) && !this.lx.wordFollows() && !this.lx.memberWordFollows() ? H : M;
        this.report('process', `Access to process.${last}`, conf);
        return;
      }
    }
    if (this.procValue && (tight || bracket) && PROCESS_OWN.has(last) && procTaintRead(c)) {
      this.report('process', `process (or the global object) was handed on as a value, and ${short(last)} is read from a value built from it`, this.lx.wordFollows() ? M : H);
      return;
    }
    const root = c[0] ?? '';
    if (n === 2 && (GLOBAL_ROOTS.has(root) || root === 'this') && (tight || bracket)) {
      if (last === 'constructor' && root === 'this') {
        this.report('global-access', 'Access to this.constructor', bracket ? M : L);
        return;
      }
      if (CAPABILITY_NAMES.has(last) && last !== 'prototype' && last !== '__proto__') {
        this.report('global-access', `Access to ${root}.${short(last)} through the global object`, H);
        return;
      }
      if (root === 'globalThis') this.report('global-access', 'Access to a globalThis property', M);
    }
    if (n === 2 && bracket && (root === '<arr>' || root === '<str>' || root === '<grp>' || root === '<num>') && last === 'constructor') {
      this.report('constructor-chain', 'Bracket access to a literal\'s constructor', M);
    }
    if (last.charCodeAt(0) === 95 && last.charCodeAt(1) === 95) this.checkDunder(last, prev, root, n, bracket);
  }

  /**
   * Python's walks out of an evaluation sandbox (`eval(input, {'__builtins__': {}})`): from a literal
   * to its class's bases and every loaded class (`().__class__.__bases__[0].__subclasses__()`), from a
   * function to its module globals (`x.__init__.__globals__`), or the builtins read by name. Plugin
   * code writes `Base.__subclasses__()` and `self.__class__.__mro__`: neither starts at a literal or
   * the root object, and stays unreported. O(1).
   */
  private checkDunder(last: string, prev: string, root: string, n: number, bracket: boolean): void {
    const literal = root === '<arr>' || root === '<str>' || root === '<grp>' || root === '<num>';
    if (last === '__builtins__' && n >= 2) {
      this.report('python-escape', 'Access to __builtins__ reaches eval, exec and __import__', H);
    } else if (root === '__builtins__' && n === 2) {
      this.report('python-escape', 'A member of __builtins__ read directly', H);
    } else if (last === '__globals__' && n >= 2) {
      this.report('python-escape', 'Access to a function\'s __globals__', prev === '__init__' || prev === '__func__' || literal ? H : M);
    } else if (last === '__subclasses__' && (prev === '__base__' || prev === '__bases__' || prev === '__mro__' || prev === 'object' || isIndexName(prev))) {
      this.report('python-escape', 'A walk to __subclasses__() lists every loaded class', H);
    } else if ((last === '__base__' || last === '__bases__' || last === '__mro__') && prev === '__class__' && literal && n === 3) {
      this.report('python-escape', 'A literal\'s class hierarchy walked through __class__', H);
    } else if (bracket && last === '__import__') {
      this.report('python-escape', '__import__ read by name', H);
    }
  }

  /** Judges a completed call `chain(...)`. */
  private onCall(info: CallInfo): void {
    const c = this.chain;
    const n = c.length;
    let f = n > 0 ? c[n - 1]! : '';
    if (n === 1 && this.aliases.size > 0) f = this.aliases.get(f) ?? f;
    const prev = n > 1 ? c[n - 2]! : '';
    const plainCallee = n === 1 || (n === 2 && (GLOBAL_ROOTS.has(c[0] ?? '') || c[0] === 'this'));

    // Code that arrives encoded, decoded in the call that runs it: Python `exec(base64.b64decode('…'))`
    // / `exec(bytes.fromhex('…'))`, `eval (atob('…'))`; and
    // a global function named by a decoded string, `global[Buffer.from('ZXZhbA==','base64')](…)`,
    // `this[atob('ZXZhbA==')](…)`. Nobody writes either to mean data: the decoder hides the code or
    // the name from the other rules.
    // (`eval(atob(…))` glued and `Function(…)` are high below already, under their own reasons.)
    // (Review rB: Python's `builtins.exec(…)` / `__builtins__.exec(…)` is the same function: it passed.)
    const builtinExec = f === 'exec' && n === 2 && (prev === 'builtins' || prev === '__builtins__');
    if (info.decoded && (plainCallee || builtinExec) && (f === 'exec' || (f === 'eval' && !info.glued))) {
      this.report('eval', `${f}() runs code decoded from base64 or hex`, H);
      return;
    }
    if (f === DECODED && (n === 1 || globalPath(c, n - 1))) {
      // (n === 1: a name or group holding it, `f = this[atob(…)]; f(…)`: resolvePending.)
      this.report('global-access', 'A global function named by a decoded string is called', H);
      return;
    }
    if ((f === 'call' || f === 'apply' || f === 'bind') && prev === DECODED && (n === 2 || globalPath(c, n - 2))) {
      // `this[atob('ZXZhbA==')].call(null, '…')`, `.apply(…)`, `.bind(…)(…)`: the same function called
      // through Function.prototype (a bound copy of it is only ever made to be called).
      this.report('global-access', `A global function named by a decoded string is called through ${f}()`, H);
      return;
    }
    if ((f === 'call' || f === 'apply' || f === 'bind') && n === 4 && c[2] === 'constructor' && functionByConstructor(c[0]!, c[1]!)) {
      // `Math.max.constructor.call(0, 'return process')()`: the Function constructor called.
      this.report('function-constructor', `A built-in method's constructor (the Function constructor) is called through ${f}()`, H);
      return;
    }

    if (f === 'require' && (plainCallee || prev === 'mainModule' || prev === 'module' || prev === '()')) {
      if (info.str !== undefined) {
        const mod = info.str.startsWith('node:') ? info.str.slice(5) : info.str;
        if (DANGEROUS_MODULES.has(mod)) {
          this.report('require', `A require('${short(mod)}') call loads a dangerous Node.js module`, H);
        } else if (this.breakout || prev === 'mainModule') {
          this.report('require', 'A require() call loads a module from injected code', H);
        } else {
          this.report('require', 'A require() call with a module name', M);
        }
      } else if (info.argc > 0) {
        this.report('require', 'A require() call with a computed module name', prev === 'mainModule' ? H : M);
      }
      return;
    }
    if ((f === 'get' || f === 'getOwnPropertyDescriptor') && n === 2 && (c[0] === 'Reflect' || c[0] === 'Object') && info.str2 !== undefined && info.argc >= 2) {
      // `Reflect.get(globalThis, 'pro'+'cess')`, `Object.getOwnPropertyDescriptor(process, 'binding')`:
      // a member read written as a call, so the name is a string the member rules never see.
      const name = info.str2;
      if ((GLOBAL_ROOTS.has(info.ident) || info.ident === 'this') && CAPABILITY_NAMES.has(name) && name !== 'prototype' && name !== '__proto__') {
        this.report('global-access', `${c[0]}.${f}() reads ${short(name)} from the global object`, H);
        return;
      }
      if (info.ident === 'process' && PROCESS_DANGER.has(name)) {
        this.report('process', `${c[0]}.${f}() reads process.${short(name)}`, H);
        return;
      }
    }
    if (f === '_load' && (prev === 'constructor' || prev === 'Module' || prev === 'module')) {
      this.report('require', 'A Module._load() call loads a module', H);
      return;
    }
    if (f === 'import' && n === 1) {
      if (info.str !== undefined) {
        const mod = info.str.startsWith('node:') ? info.str.slice(5) : info.str;
        if (DANGEROUS_MODULES.has(mod) || mod.startsWith('data:')) {
          this.report('import', `A dynamic import('${short(mod)}') loads a dangerous module`, H);
          return;
        }
      }
      if (info.argc > 0 && info.glued) this.report('import', 'A dynamic import() call', M);
      return;
    }
    if (f === 'eval' && (plainCallee || prev === '?')) {
      if (info.argc > 0 && (info.glued || info.str !== undefined)) this.report('eval', 'An eval() call evaluates code', H);
      else if (info.argc > 0) this.report('eval', 'An eval() call', M);
      return;
    }
    if (f === 'Function' && (plainCallee || prev === '?')) {
      if (info.argc > 0) this.report('function-constructor', 'A Function() call builds code from a string', H);
      else if (info.glued) this.report('function-constructor', 'A Function() call', M);
      return;
    }
    // `Function.call(0, 'return process')`, `Function.apply(0, ['…'])`, `eval.call(0, '…')`: the
    // constructor (or eval) called through Function.prototype with a code string.
    if ((f === 'call' || f === 'apply' || f === 'bind') && (prev === 'Function' || prev === 'eval') && n === 2 && info.argc > 1 && info.str === undefined) {
      this.report(prev === 'eval' ? 'eval' : 'function-constructor', `${prev}.${f}() with code arguments reaches ${prev === 'eval' ? 'eval' : 'the Function constructor'}`, H);
      return;
    }
    if (info.argc > 0 && n >= 2) {
      const held = holderCall(c);
      if (held !== '') {
        this.report(
          held === 'eval' ? 'eval' : 'function-constructor',
          `${held === 'eval' ? 'eval' : 'The Function constructor'} is taken back out of an array, object or call result holding it and called with code`,
          H,
        );
        return;
      }
    }
    if (f === 'constructor' && info.str !== undefined && info.argc > 0) {
      this.report('function-constructor', 'A .constructor() call with a code string reaches the Function constructor', H);
      return;
    }
    if (TIMERS.has(f) && plainCallee && info.str !== undefined && info.argc > 0) {
      this.report('string-timer', `A ${f}() call with a code string`, H);
      return;
    }
    if (f === 'fromCharCode' && (prev === 'String' || c[0] === '<str>' || prev === '?')) {
      if (info.numeric >= 4) this.report('charcode', 'String.fromCharCode() assembles a string from character codes', H);
      else if (info.numeric >= 2) this.report('charcode', 'String.fromCharCode() assembles a string from character codes', M);
      return;
    }
    if (CHILD_CALLS.has(f) && c.indexOf('require') >= 0 && c.indexOf('()') >= 0) {
      this.report('require', `A ${f}() call on a required module runs a process`, H);
      return;
    }
    this.serverSideCall(info, f, prev);
  }

  /**
   * Calls that run a command or code in the other server-side languages a value can be evaluated in:
   * Java and its expression languages (SpEL, OGNL, MVEL, EL, Groovy), Python, PHP, Ruby, .NET. They
   * tokenize as JavaScript does (names, strings, `.`, `(`, `[`), so the same chains serve.
   *
   * A process launch is high when its command (the first string among the arguments, arrays
   * included) is a shell, a probe command or a path, or when request data picks it; any other
   * argument is medium (`Process.Start(url)`, `new ProcessBuilder(cmd)` in a developer's question).
   * O(1) per call but for commandWord (at most 64 characters).
   */
  private serverSideCall(info: CallInfo, f: string, prev: string): void {
    const c = this.chain;
    const n = c.length;
    if (info.argc === 0 && f !== 'execute') return;
    const launch = (what: string): void => {
      // A name for the command (`exec(cmd)`, `Process.Start(psi)`) is application code quoted in a
      // question: an attacker has to spell the command out. Low, for the record.
      // A URL (`Process.Start("https://…")` opens the browser) is no command either.
      const url = info.anyStr !== undefined && (info.anyStr.startsWith('https://') || info.anyStr.startsWith('http://'));
      const conf = info.request || (info.anyStr !== undefined && isCommandWord(info.anyStr)) ? H : info.identOnly || url ? L : M;
      this.report('command-exec', `${what} runs a process`, conf);
    };
    // Java, Groovy, SpEL: `new java.lang.ProcessBuilder("id").start()`, `Runtime.getRuntime().exec(
    // new String[]{"sh","-c","id"})`. A stack trace's `at java.lang.ProcessBuilder.start(…)` calls
    // start, not the constructor, and `Runtime.exec(Runtime.java:620)` has no getRuntime().
    if (f === 'ProcessBuilder' && (n === 1 || prev === 'lang')) return launch('A new ProcessBuilder(…)');
    if (f === 'exec' && prev === '()' && c[n - 3] === 'getRuntime') return launch('Runtime.getRuntime().exec(…)');
    // .NET: `System.Diagnostics.Process.Start("cmd.exe", "/c …")`, `new ProcessStartInfo("cmd")`.
    if ((f === 'Start' && prev === 'Process') || (f === 'ProcessStartInfo' && (n === 1 || prev === 'Diagnostics'))) return launch(`A .NET ${f}(…)`);
    // Python: `subprocess.Popen(['id'])`, `subprocess.getoutput('id')`, `pty.spawn('/bin/sh')`.
    if (prev === 'subprocess' && PY_SUBPROCESS.has(f)) return launch(`subprocess.${f}(…)`);
    if (f === 'spawn' && (prev === 'pty' || prev === 'PTY')) return launch(`${prev}.spawn(…)`);
    // Ruby: `Open3.capture2('id')`, `IO.popen(['id'])`, `Kernel.spawn('id')`.
    if (prev === 'Open3' && (f.startsWith('capture') || f.startsWith('popen') || f.startsWith('pipeline'))) return launch(`Open3.${f}(…)`);
    if ((prev === 'IO' && f === 'popen') || (prev === 'Kernel' && (f === 'spawn' || f === 'system' || f === 'exec' || f === 'open'))) return launch(`${prev}.${f}(…)`);
    // Groovy `"id".execute()`, `["sh","-c","id"].execute()`: a literal's execute() is a process.
    if (f === 'execute' && n === 2 && (c[0] === '<str>' || c[0] === '<arr>')) {
      const conf = this.chainStr !== undefined && isCommandWord(this.chainStr) ? H : M;
      this.report('command-exec', 'A Groovy execute() on a string or list runs it as a process', conf);
      return;
    }
    // Reflection to the process classes: `Class.forName("java.lang.Runtime")`, `getMethod("exec", …)`,
    // SpEL `T(java.lang.Runtime)`, `new ScriptEngineManager().getEngineByName("js")`.
    if ((f === 'forName' || f === 'loadClass') && info.str !== undefined && JAVA_DANGER_CLASSES.has(info.str.trim())) {
      this.report('reflection', `Reflection loads the class ${short(info.str.trim())}`, H);
      return;
    }
    if ((f === 'getMethod' || f === 'getDeclaredMethod') && info.str !== undefined && JAVA_DANGER_METHODS.has(info.str)) {
      this.report('reflection', `Reflection looks up the method ${short(info.str)}()`, H);
      return;
    }
    if (f === 'T' && n === 1 && info.identOnly && JAVA_DANGER_TYPES.has(info.lastIdent)) {
      this.report('reflection', `A Spring expression type reference T(${short(info.lastIdent)})`, H);
      return;
    }
    if (f.startsWith('getEngineBy') && c.indexOf('ScriptEngineManager') >= 0) {
      this.report('reflection', 'A Java ScriptEngineManager hands out a script engine', H);
      return;
    }
    // Python: `__import__('os')`, `importlib.import_module('subprocess')`, `getattr(__builtins__, 'eval')`.
    if ((f === '__import__' && n === 1) || (f === 'import_module' && prev === 'importlib')) {
      // `__import__('json')`, `import_module(f"plugins.{name}")`: plugin loaders (low, for the record).
      // A name folded from pieces (`'o'+'s'`) is judged as the name.
      if (info.str !== undefined && PY_DANGER_MODULES.has(info.str)) this.report('python-escape', `Python imports the module ${short(info.str)}`, H);
      else this.report('python-escape', 'Python imports a module by name', L);
      return;
    }
    if ((f === 'getattr' || f === 'vars') && n === 1 && (info.ident === '__builtins__' || info.ident === 'builtins')) {
      this.report('python-escape', `${f}() reads the builtins by name`, H);
      return;
    }
    // PHP: `$_GET['f']($_GET['a'])` (request data names the function), `call_user_func('system', …)`,
    // `array_map('system', …)`, `create_function('', $code)`, `assert('…')`, `preg_replace('/x/e', …)`.
    if (c[0] !== undefined && SUPERGLOBALS.has(c[0]) && n >= 2 && c[0].charCodeAt(0) === 36) {
      this.report('php-callback', `Request data (${short(c[0])}) names the function called`, H);
      return;
    }
    if (n === 1 && PHP_CALLBACK_TAKERS.has(f)) {
      const named = (info.str !== undefined && PHP_EXEC.has(info.str)) || (info.str2 !== undefined && PHP_EXEC.has(info.str2));
      if (named || info.request) this.report('php-callback', `${f}() is handed ${named ? 'a command function' : 'request data'} as its callback`, H);
      return;
    }
    if (n === 1 && f === 'create_function' && info.argc >= 2) {
      this.report('php-callback', 'create_function() compiles code from strings', info.str2 !== undefined || info.request ? H : M);
      return;
    }
    if (n === 1 && f === 'assert' && (info.request || (info.str !== undefined && info.str.indexOf('(') !== -1))) {
      this.report('php-callback', 'assert() evaluates a string of code', H);
      return;
    }
    if (n === 1 && (f === 'preg_replace' || f === 'mb_ereg_replace') && info.str !== undefined && regexEvalModifier(info.str)) {
      const code = info.request || (info.str2 !== undefined && phpRunsCommand(info.str2));
      this.report('php-callback', `${f}() with the /e modifier evaluates the replacement as code`, code ? H : M);
      return;
    }
    // Ruby: `send(:system, 'id')`, `public_send("eval", …)`, `instance_eval("…")`, `Object.const_get(:Kernel)`.
    if (f === 'send' || f === 'public_send' || f === '__send__') {
      const name = info.sym !== '' ? info.sym : f !== 'send' || info.argc >= 2 ? (info.str ?? '') : '';
      if (RUBY_RUN.has(name)) this.report('ruby-dispatch', `${f}() dispatches to ${short(name)}`, H);
      return;
    }
    if (RUBY_EVAL.has(f) && info.str !== undefined) {
      this.report('ruby-dispatch', `${f}() evaluates a string of code`, H);
      return;
    }
    if (f === 'const_get' && RUBY_CONSTS.has(info.sym !== '' ? info.sym : (info.str ?? ''))) {
      this.report('ruby-dispatch', 'const_get() reaches a module that runs processes', H);
    }
  }
}

// Chain markers for eval / Function held as a value. An array or group literal holding one
// (`[eval]`, `({e: eval})`) starts a chain with HOLD_EVAL / HOLD_FUNCTION; a call with one among its
// arguments (`Object.values({e: eval})`) appends HOLD_*_CALL where '()' would stand. The angle
// brackets and parentheses keep them apart from any identifier.
const HOLD_EVAL = '<eval[]>';
const HOLD_FUNCTION = '<Function[]>';
const HOLD_EVAL_CALL = '(eval)';
const HOLD_FUNCTION_CALL = '(Function)';

/** Built-in objects whose lower-camel-case members are functions (Math.max, JSON.parse, Object.keys, …). */
const BUILTIN_NAMESPACES = new Set(['Math', 'JSON', 'Object', 'Array', 'String', 'Number', 'Reflect', 'Promise', 'Date', 'Symbol', 'console', 'Intl', 'Atomics', 'Buffer']);

function isLowerStart(m: string): boolean {
  const c = m.charCodeAt(0);
  return c >= 97 && c <= 122;
}

/** Methods that hand back an element of an array: `.at(0)`, `.pop()`, `.find(…)`. */
const ELEMENT_METHODS = new Set(['at', 'pop', 'shift', 'find', 'findLast', 'get']);

function isIndexName(m: string): boolean {
  if (m === '?') return true; // `[0]`, `[i]`: a bracket access that is no folded string
  if (m.length === 0 || m.length > 4) return false;
  for (let k = 0; k < m.length; k++) if (m.charCodeAt(k) < 48 || m.charCodeAt(k) > 57) return false;
  return true;
}

/**
 * The callee chain takes eval / Function back out of what holds it: `[eval][0]`, `({e: eval}).e`,
 * `[Function].pop()`, `Object.values({e: eval})[0]`, `Array.of(eval).at(0)`. Returns 'eval',
 * 'Function' or ''. A literal holding either then read by any member is never ordinary code; a call
 * given either as an argument (`expect(eval).toBe(x)` is test code) only counts when an index or an
 * element method reads its result. O(1): looks at the last three chain entries.
 */
function holderCall(c: string[]): string {
  const n = c.length;
  const h2 = c[n - 2] ?? '';
  const last = c[n - 1] ?? '';
  if (h2 === HOLD_EVAL || h2 === HOLD_FUNCTION) return h2 === HOLD_EVAL ? 'eval' : 'Function';
  if ((h2 === HOLD_EVAL_CALL || h2 === HOLD_FUNCTION_CALL) && isIndexName(last)) return h2 === HOLD_EVAL_CALL ? 'eval' : 'Function';
  if (n >= 3 && last === '()') {
    const h3 = c[n - 3] ?? '';
    if (h3 === HOLD_EVAL || h3 === HOLD_FUNCTION) return h3 === HOLD_EVAL ? 'eval' : 'Function';
    if ((h3 === HOLD_EVAL_CALL || h3 === HOLD_FUNCTION_CALL) && ELEMENT_METHODS.has(h2)) return h3 === HOLD_EVAL_CALL ? 'eval' : 'Function';
  }
  return '';
}

/** The first token after the string the value was spliced into reads as an operator: code follows. */
function isBreakoutOperator(p: number): boolean {
  switch (p) {
    case 59: // ;
    case 43: // +
    case 45: // -
    case 42: // *
    case 47: // /
    case 37: // %
    case 44: // ,
    case 41: // )
    case 93: // ]
    case 125: // }
    case 63: // ?
    case 58: // :
    case 124: // |
    case 38: // &
    case P_OR:
    case P_AND:
    case P_NULLISH:
    case P_EQ:
    case P_NE:
      return true;
    default:
      return false;
  }
}

/** Punctuators after which an expression operand starts (the chain is used as a value). */
function isOperandBefore(p: number): boolean {
  switch (p) {
    case 43: // +
    case 40: // (
    case 44: // ,
    case 61: // =
    case 91: // [
    case 63: // ?
    case 33: // !
    case 123: // {
    case 58: // :
    case 45: // -
    case 42: // *
    case 124: // |
    case 38: // &
    case P_OR:
    case P_AND:
    case P_NULLISH:
    case P_ARROW:
    case P_EQ:
    case P_NE:
      return true;
    default:
      return false;
  }
}

const KEYWORDS = new Set([
  'return',
  'typeof',
  'new',
  'await',
  'in',
  'of',
  'instanceof',
  'void',
  'delete',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'if',
  'while',
  'for',
  'switch',
  'catch',
  'with',
  'function',
  'var',
  'let',
  'const',
  'class',
  'extends',
]);

function isKeyword(v: string): boolean {
  return KEYWORDS.has(v);
}

// ---------------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------------

/** A hint that counts before any code-like character (isCodeFollower). */
const HINT_ANY = 1;
/**
 * A hint that counts only right before `(` or `[` (no blank): names that are also words of prose or
 * common method names (`send`, `execute`, `Start`, `assert`), for the rules of serverSideCall.
 */
const HINT_CALL = 2;
/** A hint that counts only right before `)`: a type named in SpEL's `T(java.lang.System)`. */
const HINT_TYPE = 3;
/** A hint that counts only before a quote, after blanks (`system 'id'`: Ruby and Perl calls). */
const HINT_QUOTE = 4;
/** A hint that counts only right before `.` (`pty.spawn`, `Open3.capture2`: module names). */
const HINT_MEMBER = 5;

/** Hint identifiers by length: [name, kind]. Case-sensitive, as the languages are. */
const HINTS: (readonly [string, number])[][] = [];
(() => {
  for (const [name, kind] of [
    ['top', HINT_ANY], ['eval', HINT_ANY], ['this', HINT_ANY], ['self', HINT_ANY], ['global', HINT_ANY], ['import', HINT_ANY],
    ['window', HINT_ANY], ['parent', HINT_ANY], ['frames', HINT_ANY], ['module', HINT_ANY], ['require', HINT_ANY],
    ['process', HINT_ANY], ['Function', HINT_ANY], ['globalThis', HINT_ANY], ['setTimeout', HINT_ANY], ['mainModule', HINT_ANY],
    ['execScript', HINT_ANY], ['constructor', HINT_ANY], ['setInterval', HINT_ANY], ['setImmediate', HINT_ANY],
    ['fromCharCode', HINT_ANY], ['child_process', HINT_ANY],
    // Writes to Object.prototype written as code (`Object.prototype.x = 1`, `Reflect.set(Object.prototype, …)`,
    // `Object.getPrototypeOf({}).x = 1`): prototypeTarget, PROTO_WRITERS.
    ['prototype', HINT_ANY], ['getPrototypeOf', HINT_CALL],
    // Decoders: `exec(base64.b64decode('…'))` names no other hint before a call.
    ['b64decode', HINT_CALL], ['fromhex', HINT_CALL], ['unhexlify', HINT_CALL], ['decodebytes', HINT_CALL],
    ['a2b_base64', HINT_CALL], ['decompress', HINT_CALL], ['decode64', HINT_CALL], ['codecs', HINT_MEMBER],
    // (Review rB: the other Python decoders of DECODERS, else `exec(base64.urlsafe_b64decode('…'))`,
    // b32decode, b85decode… never reached the analyzer: a hint is a whole identifier. One more
    // (length, first character) slot each; prose has no such words.)
    ['urlsafe_b64decode', HINT_CALL], ['standard_b64decode', HINT_CALL], ['decodestring', HINT_CALL], ['b32decode', HINT_CALL],
    ['b16decode', HINT_CALL], ['a85decode', HINT_CALL], ['b85decode', HINT_CALL], ['a2b_hex', HINT_CALL],
    // Java, .NET, Python, PHP, Ruby (serverSideCall, checkDunder).
    // Most count before one kind of character only: prose that ends a word with their last letter
    // before a comma or a period (`navy,`, `relaxed.`) is not read again for them.
    ['ProcessBuilder', HINT_CALL], ['ProcessStartInfo', HINT_CALL], ['getRuntime', HINT_CALL], ['Runtime', HINT_TYPE], ['System', HINT_TYPE], ['Thread', HINT_TYPE], ['ClassLoader', HINT_TYPE],
    ['ScriptEngineManager', HINT_CALL], ['__import__', HINT_CALL], ['__builtins__', HINT_ANY], ['__globals__', HINT_ANY],
    ['__subclasses__', HINT_ANY], ['__mro__', HINT_ANY], ['__bases__', HINT_ANY], ['__base__', HINT_ANY], ['subprocess', HINT_MEMBER],
    ['importlib', HINT_MEMBER], ['pty', HINT_MEMBER], ['PTY', HINT_MEMBER], ['Open3', HINT_MEMBER], ['Kernel', HINT_MEMBER],
    ['$_GET', HINT_CALL], ['$_POST', HINT_CALL], ['$_REQUEST', HINT_CALL], ['$_COOKIE', HINT_CALL], ['$_SERVER', HINT_CALL],
    ['$_FILES', HINT_CALL], ['$_ENV', HINT_CALL], ['create_function', HINT_CALL], ['call_user_func', HINT_CALL],
    ['call_user_func_array', HINT_CALL], ['instance_eval', HINT_CALL], ['class_eval', HINT_CALL], ['module_eval', HINT_CALL],
    ['system', HINT_QUOTE], ['exec', HINT_QUOTE], ['spawn', HINT_QUOTE],
    ['forName', HINT_CALL], ['loadClass', HINT_CALL], ['getMethod', HINT_CALL], ['getDeclaredMethod', HINT_CALL],
    ['execute', HINT_CALL], ['Start', HINT_CALL], ['assert', HINT_CALL], ['send', HINT_CALL], ['public_send', HINT_CALL],
    ['__send__', HINT_CALL], ['const_get', HINT_CALL], ['getattr', HINT_CALL], ['popen', HINT_CALL], ['preg_replace', HINT_CALL],
    ['mb_ereg_replace', HINT_CALL], ['array_map', HINT_CALL], ['array_filter', HINT_CALL], ['array_walk', HINT_CALL],
    ['usort', HINT_CALL], ['uasort', HINT_CALL], ['uksort', HINT_CALL], ['array_reduce', HINT_CALL], ['ob_start', HINT_CALL],
    ['register_shutdown_function', HINT_CALL], ['set_error_handler', HINT_CALL], ['iterator_apply', HINT_CALL],
    ['preg_replace_callback', HINT_CALL], ['forward_static_call', HINT_CALL], ['spl_autoload_register', HINT_CALL],
  ] as const) {
    (HINTS[name.length] ??= []).push([name, kind]);
  }
})();
/** Longest hint name. */
const HINT_MAX = HINTS.length - 1;
/** `HINT_FIRST[len * 128 + c]`: some hint of length `len` starts with the ASCII character `c`. */
const HINT_FIRST = new Uint8Array((HINT_MAX + 1) * 128);
/** The hints of each (length, first character), at `len * 128 + c`: one or two names each. */
const HINT_BY: (readonly [string, number])[][] = [];
(() => {
  for (let len = 0; len <= HINT_MAX; len++) {
    for (const h of HINTS[len] ?? []) {
      const at = len * 128 + h[0].charCodeAt(0);
      HINT_FIRST[at] = 1;
      (HINT_BY[at] ??= []).push(h);
    }
  }
})();

/**
 * Whether the identifier at [start, start+len) is one any rule needs (case-sensitive), and of which
 * kind (HINT_ANY, HINT_CALL; 0 for none). Dispatch on length and first character, then one
 * startsWith: no allocation.
 */
function isHint(v: string, start: number, len: number): number {
  if (len > HINT_MAX) return 0;
  const c = v.charCodeAt(start);
  // One table load rejects almost every word of prose (`collar`, `degrees`) before the names.
  if (c >= 128 || HINT_FIRST[len * 128 + c] === 0) return 0;
  const list = HINT_BY[len * 128 + c]!;
  for (let k = 0; k < list.length; k++) {
    const h = list[k]!;
    if (v.startsWith(h[0], start)) return h[1];
  }
  return 0;
}

/** A hint of this kind counts before the character at `f` (which stands `blanks` after the name). */
function hintCounts(kind: number, c: number, blanks: boolean): boolean {
  if (kind === 0) return false;
  if (kind === HINT_ANY) return isCodeFollower(c);
  if (kind === HINT_TYPE) return !blanks && c === 41;
  if (kind === HINT_QUOTE) return blanks && (c === 39 || c === 34);
  if (kind === HINT_MEMBER) return !blanks && c === 46;
  return kind === HINT_CALL && !blanks && (c === 40 || c === 91);
}

/**
 * After a hint identifier, a character that makes it code-like (member, call, bracket, quote, end).
 * A line break counts: it ends a statement like `;` does (`e = eval` NEWLINE `e(code)`), and any
 * hint at the end of a line of prose only costs one analyzer pass, which finds nothing there.
 */
function isCodeFollower(c: number): boolean {
  return (
    Number.isNaN(c) ||
    c === 10 ||
    c === 13 ||
    c === 46 || // .
    c === 91 || // [
    c === 40 || // (
    c === 63 || // ?.
    c === 47 || // comment
    c === 59 || // ;
    c === 44 || // ,
    c === 41 || // )
    c === 93 || // ]
    c === 39 ||
    c === 34 ||
    c === 96 ||
    c === 125 // }
  );
}

/**
 * Review of round 8: `process` or the global object as an operand before `:` `||` `&&`
 * (`(1?process:0).env`, `(process||0).env`; `??` is `?` in isCodeFollower): the analyzer must see
 * them (procValue). Only these names: `new Function:` stays as it was (the pinned table). Prose
 * "process: …" costs one analyzer pass that finds nothing. O(1).
 */
/**
 * mayAnalyze's side of operandHint: `process` or `global` (globalThis starts with it) named with `:`
 * `|` `&` after it, blanks between (up to four, as the prefilter skips). An upper bound (the name may
 * be part of a longer one); native searches, each occurrence O(1), at most 64 looked at.
 */
function operandHintIn(v: string): boolean {
  for (const w of OPERAND_HINTS) {
    let budget = 64;
    for (let k = v.indexOf(w); k !== -1; k = v.indexOf(w, k + 1)) {
      if (--budget < 0) return true;
      let f = k + w.length;
      if (w === 'global' && v.startsWith('This', f)) f += 4;
      const e = f + 4;
      while (f < v.length && f < e && (v.charCodeAt(f) === 32 || v.charCodeAt(f) === 9)) f++;
      const c = v.charCodeAt(f);
      if (c === 58 || c === 124 || c === 38) return true;
    }
  }
  return false;
}

const OPERAND_HINTS = ['process', 'global'];

function operandHint(v: string, start: number, len: number, c: number): boolean {
  if (c !== 58 && c !== 124 && c !== 38) return false;
  const w = len === 7 ? 'process' : len === 10 ? 'globalThis' : len === 6 ? 'global' : '';
  return w !== '' && v.startsWith(w, start);
}

const PF_ANALYZE = 1;
const PF_SQ = 2;
const PF_DQ = 4;

/** Prefilter character classes (ASCII): identifier start, identifier part, a marked character. */
const PF_ID_START = 1; // [A-Za-z_$]
const PF_ID_PART = 2; // [0-9]
const PF_MARK = 3; // \ ' " [ +
const PF_CLASS = new Uint8Array(128);
(() => {
  PF_CLASS.fill(4);
  for (let c = 0; c < 128; c++) {
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36) PF_CLASS[c] = PF_ID_START;
    else if (c >= 48 && c <= 57) PF_CLASS[c] = PF_ID_PART;
  }
  for (const ch of '\\\'"[+') PF_CLASS[ch.charCodeAt(0)] = PF_MARK;
})();

/**
 * Characters after a `\` that make the escape inert for the analysis: ASCII punctuation (and space and
 * tab) that is none of the prefilter's marks, no identifier character, no line break (a line
 * continuation joins a name), no parenthesis and no backslash. `\.` or `\-` spell only themselves; the next character
 * is still read as usual. Runs of `\.`, `..\` (paths, regexes) otherwise sent a whole value through
 * the full analysis (~40 µs per KB against ~2 for the prefilter).
 */
const BS_INERT = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) if ((c === 9 || c >= 32) && c !== 127 && c !== 92 && PF_CLASS[c] === 4) BS_INERT[c] = 1;
})();
// The analysis reads a call through a stray backslash (`Function \(…`): not inert.
BS_INERT[40] = 0;
BS_INERT[41] = 0;

/**
 * The escape `\` `d` at `k` is quiet: in every context it reads as `d` alone, and no name comes of it
 * that the raw text does not show. In code it is a `\` token before `d`; in a string or template a
 * punctuation `d` (quotes, parentheses, brackets, `+`) spells itself, a separator as in the raw text,
 * and a name character spells one character (`\x` with no two hex digits after it is `x`, `\0`-`\7`
 * with no digit after it a control character, `\n` `\t` … control characters, any other letter,
 * digit, `_` or `$` itself), which joins no name when no name character or backslash stands on either
 * side (an octal digit with no digit after it spells a control character: quiet wherever it stands). Not quiet: `\u` (\u0065 spells any character),
 * a line break (a continuation joins `ev\` LF `al`), non-ASCII, and escapes next to a name
 * (`ev\al`, `\x65`, `\e\v`). The prefilter reads `d` as usual after it.
 */
function quietEscape(v: string, k: number, d: number): boolean {
  if (d >= 128 || d === 10 || d === 13 || d === 117) return false;
  // (`\\`: a backslash in a string; in code, a stray `\` token before a second one that may start
  // `\u`. The prefilter reads that second one as an escape of its own next, as it reads any
  // punctuation `d`: `\\u` is loud there. `\!\`, `x-\\=` ran the analysis: ~35-50 µs/KB.)
  if ((PF_CLASS[d] as number) > PF_ID_PART) return true;
  // An octal digit with no digit after it: one character of code 0-7 in a string or template (the
  // lexer's escape() reads up to three octal digits), a `\` token before a number in code. Neither
  // is a name character, so it joins no names whatever stands on either side (`\0_`, `a\0`, dense
  // in punctuation soup, each sent the whole value through the analysis: ~40 µs/KB at 64 KB).
  if (d >= 48 && d <= 55) {
    const q = k + 2 < v.length ? v.charCodeAt(k + 2) : -1;
    if (!(q >= 48 && q <= 57)) return true;
  }
  if (k > 0) {
    const p = v.charCodeAt(k - 1);
    if (p >= 128 || (PF_CLASS[p] as number) <= PF_ID_PART || p === 92) return false;
  }
  if (k + 2 < v.length) {
    const q = v.charCodeAt(k + 2);
    if (q >= 128 || (PF_CLASS[q] as number) <= PF_ID_PART || q === 92) return false;
  }
  return true;
}

/**
 * The last search for a comment's end, kept so that a run of `[` before one unterminated comment
 * (`[/*[/*…`) searches the rest of the value once, not once per `[`: a search from `p` at or after
 * the last start and not past the last result gives that result again.
 */
class CommentEnds {
  private blockFrom = -1;
  private blockAt = -1;
  private lineFrom = -1;
  private lineAt = -1;
  /** Index of the first `*` + `/` at or after `p`, or -1. */
  block(v: string, p: number): number {
    if (!(this.blockFrom !== -1 && p >= this.blockFrom && (this.blockAt === -1 || p <= this.blockAt))) {
      this.blockFrom = p;
      this.blockAt = v.indexOf('*/', p);
    }
    return this.blockAt;
  }
  /** Index of the first line break (LF or CR) at or after `p`, or -1. */
  line(v: string, p: number): number {
    if (!(this.lineFrom !== -1 && p >= this.lineFrom && (this.lineAt === -1 || p <= this.lineAt))) {
      this.lineFrom = p;
      const a = v.indexOf('\n', p);
      const b = v.indexOf('\r', p);
      this.lineAt = a === -1 ? b : b === -1 ? a : Math.min(a, b);
    }
    return this.lineAt;
  }
}

/**
 * After a `[` at `p - 1`: the lexer, reading it as a token, would read a string next, after blanks,
 * comments and unary `+`. A bracket folds a name (Analyzer: `pure`, strings only between `+`) only
 * when its first token other than `+` is a string; any other token leaves it impure. Dense `'[x+`
 * (every `[` before a name) ran the full analysis, three passes: ~72 µs/KB at 64 KB.
 */
function stringInBracket(v: string, p: number, skips: CommentEnds): boolean {
  const n = v.length;
  while (p < n) {
    const c = v.charCodeAt(p);
    if (c === 39 || c === 34 || c === 96) return true;
    if (c === 43 || isJsSpace(c)) {
      p++;
      continue;
    }
    if (c === 47) {
      const c1 = v.charCodeAt(p + 1);
      if (c1 === 47) {
        const e = skips.line(v, p + 2);
        if (e === -1) return false;
        p = e;
        continue;
      }
      if (c1 === 42) {
        const e = skips.block(v, p + 2);
        if (e === -1) return false;
        p = e + 2;
        continue;
      }
    }
    return false;
  }
  return false;
}

/** Whether `v` holds an ASCII letter. */
function hasAsciiLetter(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i) | 0x20;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/**
 * One pass over the char codes: quotes, escapes, bracket concatenation, and identifiers that any rule
 * needs followed by a code-like character. ~3 ns per character; no allocation.
 */
function prefilter(v: string): number {
  const n = v.length;
  let mask = 0;
  let bracket = false;
  let plus = false;
  // A hint was named with no follower that counts; the value holds a quiet escape (quietEscape).
  let named = false;
  let quiet = false;
  const skips = new CommentEnds();
  let k = 0;
  while (k < n) {
    const c = v.charCodeAt(k);
    const t = c < 128 ? (PF_CLASS[c] as number) : 0;
    if (t === PF_ID_START) {
      const start = k;
      k++;
      while (k < n) {
        const d = v.charCodeAt(k);
        if (d >= 128 || (PF_CLASS[d] as number) > PF_ID_PART) break;
        k++;
      }
      const kind = (mask & PF_ANALYZE) === 0 && k - start >= 3 && k - start <= HINT_MAX ? isHint(v, start, k - start) : 0;
      if (kind !== 0) {
        // `process.`, `eval(`, `require(`; skip blanks (spaces, tabs) before a ( : `eval (x)`.
        let f = k;
        while (f < n && (v.charCodeAt(f) === 32 || v.charCodeAt(f) === 9) && f < k + 4) f++;
        if (hintCounts(kind, v.charCodeAt(f), f !== k) || operandHint(v, start, k - start, v.charCodeAt(f))) mask |= PF_ANALYZE;
        else named = true;
      }
      continue;
    }
    if (t === PF_MARK) {
      if (c === 92) {
        // Escapes can spell any identifier, unless the escaped character is inert (BS_INERT) or there
        // is none (a backslash that ends the value: old and new builds agreed on 2.1M generated
        // strings mixing names, escapes and punctuation, trailing backslashes included).
        const d = k + 1 < n ? v.charCodeAt(k + 1) : -1;
        if (d >= 128 || (d >= 0 && BS_INERT[d] === 0)) {
          // A quiet escape (quietEscape) spells no name the raw text does not show: the value is
          // analyzed if it names a hint anywhere (below). A punctuation `d` is read as usual next (a
          // quote, `[` or `+` is noted); a name character is a run of one, no hint: stepped over.
          if (quietEscape(v, k, d)) {
            quiet = true;
            if ((PF_CLASS[d] as number) <= PF_ID_PART) {
              k += 2;
              continue;
            }
          } else mask |= PF_ANALYZE;
        } else if (d >= 0) {
          // An inert escaped character is class 4 (BS_INERT holds only those): read as usual it would
          // only be stepped over. Step over both here: 1 MB of `\.\./`, 3 iterations per 5 characters.
          k += 2;
          continue;
        }
      }
      else if (c === 39) mask |= PF_SQ;
      else if (c === 34) mask |= PF_DQ;
      else if (c === 91 && !bracket) bracket = stringInBracket(v, k + 1, skips);
      else plus = true; // +
    }
    k++;
  }
  // Bracket concatenation can spell any name: ['con'+'structor']. Every name the analysis reports on
  // (CAPABILITY_NAMES, the callees, modules, roots and command words it compares) holds an ASCII
  // letter, and without one in the value no piece can spell it: a quiet or inert escape spells its
  // own character or a control character, and those that spell a letter from other characters (`\x`,
  // `\u`, `\1` + digits) show the letter or are loud (PF_ANALYZE above). So a value without ASCII
  // letters is not analyzed for its brackets: `(+\["` and `'+[\`$` runs ran the three passes, ~55-60
  // µs/KB at 64 KB, for no finding. (One more pass, to the first letter: at once in text.)
  if (bracket && plus && (mask & (PF_SQ | PF_DQ)) !== 0 && hasAsciiLetter(v)) mask |= PF_ANALYZE;
  // Any non-inert escape used to send the value to the analysis, which flags some hints whatever
  // follows them (`new Function<\v`, `__class__` before no follower the gate counts): with a quiet
  // escape, a hint named anywhere still does. Without one, the analysis finds nothing: its names are
  // the raw text's. Dense `\x(`, `-('\0`, `` `\'( `` were ~11-65 µs per KB of full analysis (three
  // passes with a quote) for no finding, against ~3 for this pass.
  if (quiet && named) mask |= PF_ANALYZE;
  return mask;
}

// Gate in front of the prefilter, for long values and values with a mask. The prefilter walks every identifier, at about the
// cost of a bare charCode loop. But a hint only counts when a code-like character (isCodeFollower, a
// line break included, after at most four spaces or tabs) or the end of the value follows it, and in
// prose, tokens and encoded blobs those characters are sparse: native indexOf finds each of them, and
// only the identifier run before each one is looked at. The gate answers true whenever the prefilter
// can set PF_ANALYZE (the same conditions, looked at from the other side); the prefilter then runs as
// before, so the result cannot change, and a false answer skips both. Short values without a mask go
// straight to the prefilter, which beats a dozen indexOf calls there; with the caller's charMask (the
// engine's), only the followers the value holds are searched for, a search or two for a sentence, so
// values from MASKED_GATE_MIN characters are gated.

/** Values at least this long are gated (with a mask, every value is: see detectCodeInjection). */
const LONG_VALUE = 160;

/**
 * With a mask, values at least this long are gated: below it, the prefilter's walk costs less than
 * the searches (an e-mail address, 22 characters: ~80 ns walked, ~100 ns searched; a sentence of
 * 83: ~250 walked, ~115 searched; CPU time, interleaved, median of 21 rounds).
 */
const MASKED_GATE_MIN = 32;

/** Every charMask bit: no search skipped (values without a mask). */
const ANY_KIND = -1;

/** The follower characters of isCodeFollower, one string each. */
const FOLLOWERS = ['.', '[', '(', '?', '/', ';', ',', ')', ']', "'", '"', '`', '}', '\n', '\r'];
/** The charMask kind (charclass.ts) of each follower: a value whose mask lacks it holds none. */
const FOLLOWER_KINDS = [C.DOT, C.BRACKET, C.PAREN, C.OTHER, C.SLASH, C.SEMI, C.COMMA, C.PAREN, C.BRACKET, C.SQUOTE, C.DQUOTE, C.BACKTICK, C.BRACE, C.NEWLINE, C.NEWLINE];

/** Last characters of the isHint identifiers (top, eval, this, self, …, child_process, ProcessBuilder, …). */
const HINT_LAST = new Uint8Array(128);
/**
 * `HINT_LAST_BY[c * 128 + p]`: some hint that counts before the character `c` ends with `p` (a
 * blank before the follower is let through apart). hintBefore's first test, per follower.
 */
const HINT_LAST_BY = new Uint8Array(128 * 128);
// Written out (src/detectors/code-tables.ts, from buildHintLast by `node scripts/check-tables.js
// --write`; the build's check and the tables test rebuild them from HINTS and hintCounts and compare):
// building them here (635 hintCounts calls, ~500 stores) was ~1.5 M instructions at every cold start.
scatter(HINT_LAST, unpackU16(CODE_TABLES.hintLast), 1);
scatter(HINT_LAST_BY, unpackU16(CODE_TABLES.hintLastBy), 1);

/** HINT_LAST and HINT_LAST_BY from HINTS and hintCounts (the source of truth; not run at load). */
function buildHintLast(): { HINT_LAST: Uint8Array; HINT_LAST_BY: Uint8Array } {
  const last = new Uint8Array(128);
  const lastBy = new Uint8Array(128 * 128);
  // hintCounts depends only on the kind and the character: its 127 answers are read once per kind.
  const rows = new Map<number, number[]>();
  for (const list of HINTS) {
    for (const h of list ?? []) {
      const p = h[0].charCodeAt(h[0].length - 1);
      last[p] = 1;
      lastBy[p] = 1;
      let row = rows.get(h[1]);
      if (row === undefined) {
        row = [];
        for (let c = 1; c < 128; c++) if (hintCounts(h[1], c, false)) row.push(c);
        rows.set(h[1], row);
      }
      for (const c of row) lastBy[c * 128 + p] = 1;
    }
  }
  return { HINT_LAST: last, HINT_LAST_BY: lastBy };
}

/** For scripts/check-tables.js and the tables test: the written tables as loaded and as built. */
export const CODE_TABLES_FOR_CHECK = {
  loaded: (): Record<string, unknown> => ({ HINT_LAST, HINT_LAST_BY }),
  build: buildHintLast,
};

/**
 * Whether the prefilter's identifier run that ends before position `f` (after at most four blanks:
 * spaces or tabs, as the prefilter skips) is a hint. The prefilter's runs start at [A-Za-z_$] and go on over [A-Za-z0-9_$]; digits before the
 * first letter are skipped, not part of the run.
 */
function hintBefore(v: string, f: number): boolean {
  if (f === 0) return false;
  // Only a blank or the last letter of some hint can stand right before.
  const p = v.charCodeAt(f - 1);
  // (`& 127`: the end of the value (NaN) reads row 0, which holds every hint's last letter; a
  // non-ASCII follower, which no hint counts before, any row: this test only has to let through all
  // that the full one below can accept.)
  if (p !== 32 && p !== 9 && (p >= 128 || HINT_LAST_BY[((v.charCodeAt(f) & 127) << 7) | p] === 0)) return false;
  let k = f;
  while (k > 0 && f - k < 4 && (v.charCodeAt(k - 1) === 32 || v.charCodeAt(k - 1) === 9)) k--;
  let s = k;
  while (s > 0) {
    const d = v.charCodeAt(s - 1);
    if (d >= 128 || (PF_CLASS[d] as number) > PF_ID_PART) break;
    s--;
  }
  while (s < k && (PF_CLASS[v.charCodeAt(s)] as number) === PF_ID_PART) s++; // leading digits
  const len = k - s;
  if (len < 3 || len > HINT_MAX || HINT_FIRST[(len << 7) | (v.charCodeAt(s) & 127)] === 0) return false;
  return hintCounts(isHint(v, s, len), v.charCodeAt(f), f !== k);
}

/**
 * Whether hintBefore holds before some follower. hintBefore is pure, so the order in which the
 * followers are tried does not change the answer: one indexOf loop per follower (prose: a few
 * native searches), and, once those have visited more followers than one per 16 characters, one
 * pass over the value with a table instead (runs of followers, `((((`, `$($(`, `../../`, were an
 * indexOf call per character: ~5-10 µs/KB at 1 MB). Either way linear: the loops stop at the budget.
 * `mask`: the value's charMask, or ANY_KIND; a follower whose kind it lacks is not searched for (the
 * search would find nothing, so the visits and the budget are the same).
 */
function followerHint(v: string, mask: number): boolean {
  let budget = (v.length >> 4) + 16;
  for (let f = 0; f < FOLLOWERS.length; f++) {
    if ((mask & (FOLLOWER_KINDS[f] as number)) === 0) continue;
    const ch = FOLLOWERS[f] as string;
    for (let k = v.indexOf(ch); k !== -1; k = v.indexOf(ch, k + 1)) {
      if (--budget < 0) return followerHintDense(v);
      if (hintBefore(v, k)) return true;
    }
  }
  return false;
}

/**
 * followerHintDense's table over every UTF-16 code unit: FH_FOLLOWER on FOLLOWERS, FH_BEFORE on a
 * blank (space, tab) or a hint's last letter (HINT_LAST), 0 on everything else (all of non-ASCII).
 */
const FH_FOLLOWER = 1;
const FH_BEFORE = 2;
const FOLLOWER_HINT = new Uint8Array(65536);
(() => {
  for (const ch of FOLLOWERS) FOLLOWER_HINT[ch.charCodeAt(0)] = FH_FOLLOWER;
  for (let c = 0; c < 128; c++) if (c === 32 || c === 9 || HINT_LAST[c] === 1) FOLLOWER_HINT[c] = (FOLLOWER_HINT[c] as number) | FH_BEFORE;
})();

/**
 * followerHint in one pass (hintBefore(v, 0) is false: the scan starts at 1). hintBefore is asked
 * only where its own first test passes (a follower with a blank or a hint's last letter before it):
 * one table load a character and one branch that dense followers rarely take (1 MB of `é.é `: ~2.9
 * µs/KB of the detector with a test of each character's kind first, which mispredicted as the kinds
 * alternate).
 */
function followerHintDense(v: string): boolean {
  const n = v.length;
  // FH_BEFORE of the previous character, moved to FH_FOLLOWER's place.
  let before = ((FOLLOWER_HINT[v.charCodeAt(0)] as number) >> 1) & FH_FOLLOWER;
  for (let i = 1; i < n; i++) {
    const k = FOLLOWER_HINT[v.charCodeAt(i)] as number;
    if ((before & k) !== 0 && hintBefore(v, i)) return true;
    before = k >> 1;
  }
  return false;
}

/**
 * True whenever prefilter() can return PF_ANALYZE (indexOf scans, no allocation). `mask`: the value's
 * charMask (every search for a kind it lacks is skipped), or ANY_KIND. Nothing here depends on the
 * length: the engine's values, which come with their mask, are gated from MASKED_GATE_MIN characters
 * (the sentence of a note: two or three searches where the prefilter read every character).
 */
function mayAnalyze(v: string, mask: number): boolean {
  if ((mask & C.BSLASH) !== 0 && v.indexOf('\\') !== -1) {
    // Escapes can spell any identifier, unless escapesInert proves them quiet and the value names no
    // hint (it holds no three name characters in a row): then only bracket concatenation is left.
    if (!escapesInert(v, mask)) return true;
    return bracketConcat(v, mask, true);
  }
  if (followerHint(v, mask)) return true;
  if (hintBefore(v, v.length)) return true;
  if ((mask & (C.COLON | C.PIPE | C.AMP)) !== 0 && operandHintIn(v)) return true;
  return bracketConcat(v, mask, false);
}

/**
 * Bracket concatenation may spell a name (prefilter's `bracket && plus && quote`): `[`, `+` and a
 * quote. `twoBrackets`: a second `[` stands for the `+`, as in the prefilter, whose `plus` is also set
 * by any `[` after the one that set `bracket` (its `else`): where the prefilter used to run on every
 * value with a backslash (escapesInert's callers), the gate keeps its answers exactly.
 */
function bracketConcat(v: string, mask: number, twoBrackets: boolean): boolean {
  if ((mask & C.BRACKET) === 0 || (mask & (C.SQUOTE | C.DQUOTE)) === 0) return false;
  const b = v.indexOf('[');
  if (b === -1) return false;
  if (!(((mask & C.PLUS) !== 0 && v.indexOf('+') !== -1) || (twoBrackets && v.indexOf('[', b + 1) !== -1))) return false;
  return v.indexOf("'") !== -1 || v.indexOf('"') !== -1;
}

/**
 * escapesInert's classes (ASCII): 1 on what can stand in a run that spells a name or makes an escape
 * loud (quietEscape): [A-Za-z0-9_$] and `\`. Non-ASCII, line breaks and `u` are dealt with apart.
 */
const EI_NAME = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) if (c === 92 || (PF_CLASS[c] as number) <= PF_ID_PART) EI_NAME[c] = 1;
})();

/**
 * True only when prefilter() can set PF_ANALYZE through none of its escapes and none of its names:
 * no `\` is loud (quietEscape) and no hint is named anywhere. Then only bracket concatenation is left
 * to the gate. Dense `\x(`, `-('\0`, `` `\'( `` walked the whole prefilter (~3.5-4.5 µs/KB at 64 KB,
 * four times the gate on prose) to find only quiet escapes.
 *
 * Why it is enough: with neither non-ASCII nor line breaks in the value and no `\u`, an escape is
 * loud only when its escaped character is a name character ([A-Za-z0-9_$]) with a name character or
 * a `\` on one side (an octal digit with a digit after it is one such case), so three characters of
 * EI_NAME stand in a row; a hint is a run of at least three name characters. So a value with no three
 * EI_NAME characters in a row has neither (prose gives up at its first word of three letters).
 * Non-ASCII (mask, or one native byte count) and line breaks (mask, or native searches) make it
 * give up; each `u` (native search) must not follow a `\`, and a value with many `u` gives up too.
 * Giving up (false) costs the old path: the prefilter decides.
 */
function escapesInert(v: string, mask: number): boolean {
  const n = v.length;
  if (mask === ANY_KIND) {
    if (Buffer.byteLength(v, 'utf8') !== n || v.indexOf('\n') !== -1 || v.indexOf('\r') !== -1) return false;
  } else if ((mask & (C.NONASCII | C.NEWLINE)) !== 0) return false;
  // Three EI_NAME characters in a row, looked for from the end of the earliest window not yet ruled
  // out (p): a character that is not EI_NAME clears the three windows through it, so the next
  // window to look at ends three further on (two, one, when only the one or two before p are not).
  // Every step moves p on and reads at most three characters: linear; on dense punctuation most
  // steps read one character of three (`\x(` repeated: one load a unit).
  for (let p = 2; p < n; ) {
    if (EI_NAME[v.charCodeAt(p)] !== 1) p += 3;
    else if (EI_NAME[v.charCodeAt(p - 1)] !== 1) p += 2;
    else if (EI_NAME[v.charCodeAt(p - 2)] !== 1) p += 1;
    else return false;
  }
  // `\u` spells any character with two name characters only. Each `u` is looked at; many give up.
  let budget = (n >> 5) + 8;
  for (let k = v.indexOf('u'); k !== -1; k = v.indexOf('u', k + 1)) {
    if (k > 0 && v.charCodeAt(k - 1) === 92) return false;
    if (--budget < 0) return false;
  }
  return true;
}

function better(a: Detection | undefined, b: Detection | undefined): Detection | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[b.confidence] > RANK[a.confidence] ? b : a;
}

function runPass(value: string, ctx: number): Detection | undefined {
  const a = new Analyzer(new JsLexer(value, ctx), ctx);
  a.run();
  return a.best;
}

/**
 * JSFuck and its kin: JavaScript written with the six characters `[]()!+` only. `![]` is false,
 * `!![]` true, `+[]` 0, `[][[]]` undefined; indexing their strings (`(![]+[])[+[]]` is "f") spells
 * any name, `[]["flat"]["constructor"]` is Function, and calling it runs any code. It has no
 * letters, no quotes and no names, so nothing else in this file (or the XSS detector, outside a tag)
 * can see it, and a filter that blocks `eval`, `Function` or `constructor` passes it through.
 *
 * A run of those characters (blanks allowed: JavaScript skips them) at least JSFUCK_MIN long, with
 * at least four `![]`, four `+[]` and one `][` (indexing a value built in the run) is code: prose,
 * Markdown (`![](a.png)`, `- [ ]`) and punctuation runs have letters between such pieces or lack
 * one of them. The shortest name spelled this way that reaches anything (`[]["flat"]`) is ~100
 * characters; the call of the Function constructor, thousands.
 *
 * Cost: one native search for `![]` (none in prose: ~0.3 ns a character); at each hit, the run
 * around it is walked once (the next search starts past the run, so every character is walked at
 * most once: linear, whatever the input).
 */
const JSFUCK_MIN = 64;

function jsfuckChar(c: number): boolean {
  return c === 91 || c === 93 || c === 40 || c === 41 || c === 33 || c === 43 || c === 32 || c === 9 || c === 10 || c === 13;
}

function jsfuckRun(v: string): boolean {
  let from = 0;
  for (;;) {
    const at = v.indexOf('![]', from);
    if (at === -1) return false;
    let a = at;
    while (a > from && jsfuckChar(v.charCodeAt(a - 1))) a--;
    let b = at + 3;
    while (b < v.length && jsfuckChar(v.charCodeAt(b))) b++;
    if (b - a >= JSFUCK_MIN) {
      // Count the pieces, blanks skipped (`! [ ]` is `![]` to JavaScript).
      let nots = 0;
      let zeros = 0;
      let index = 0;
      let p0 = 0; // the last two non-blank characters, p0 the latest
      let p1 = 0;
      for (let i = a; i < b; i++) {
        const c = v.charCodeAt(i);
        if (c === 32 || c === 9 || c === 10 || c === 13) continue;
        if (c === 93 && p0 === 91) {
          if (p1 === 33) nots++;
          else if (p1 === 43) zeros++;
        } else if (c === 91 && p0 === 93) index++;
        p1 = p0;
        p0 = c;
      }
      if (nots >= 4 && zeros >= 4 && index >= 1) return true;
    }
    from = b;
  }
}

/**
 * For the tests (not part of the package's API): escapesInert's claim, checked against the
 * prefilter it stands in for. True when escapesInert(v) holds and yet the prefilter would analyze v
 * for a reason other than bracket concatenation (which the gate still asks after it): a bug.
 */
export function escapesInertContradicted(v: string, mask?: number): boolean {
  if (!escapesInert(v, mask ?? ANY_KIND)) return false;
  return (prefilter(v) & PF_ANALYZE) !== 0 && !bracketConcat(v, mask ?? ANY_KIND, true);
}

/**
 * This detector's `needs` in detectors/index.ts: the engine calls it for no value without one. Braces
 * since round 8: `let {env} = process; env` (destructuring, in a statement-level eval) has no other.
 */
export const GATE_KINDS = C.PAREN | C.BRACKET | C.BACKTICK | C.DOT | C.NONASCII | C.BRACE;

/**
 * Detects JavaScript code injection in one string. Returns the strongest finding, or undefined.
 * Linear in `value.length`. No try/catch here: a bug must surface in the engine's wrapper (which
 * logs it once and fails open), not turn silently into "no finding".
 */
export function detectCodeInjection(value: string, mask?: number): Detection | undefined {
  if (value.length < 4) return undefined;
  // Perl `qx(id)`, `qx[id]` (template-injection sees `qx{id}`, which has a brace, Ruby's `%x`, and the
  // delimiters the engine's gate sends it, QX_DELIMITERS in template-injection.ts): one native search for
  // `qx` in most values (a run of `q` makes it ~10 ns a character, still linear). Only in a value this
  // detector's gate lets through (always so from the engine; a direct call reads the kinds when `qx`
  // occurs): a finding the engine would never ask for is template-injection's to make.
  if (value.indexOf('qx') !== -1 && ((mask ?? charMask(value)) & GATE_KINDS) !== 0 && commandLiteral(value, false, true) !== undefined) {
    return { rule: 'code.command-literal', reason: 'A Perl qx command literal runs its contents as a shell command.', confidence: 'high' };
  }
  if (value.length >= JSFUCK_MIN && jsfuckRun(value)) {
    return { rule: 'code.jsfuck', reason: 'JavaScript written with the characters []()!+ only (JSFuck): it spells names and calls the Function constructor without a letter.', confidence: 'high' };
  }
  // With the caller's charMask, the gate from MASKED_GATE_MIN characters; without, from LONG_VALUE.
  if (value.length >= (mask === undefined ? LONG_VALUE : MASKED_GATE_MIN) && !mayAnalyze(value, mask ?? ANY_KIND)) return undefined;
  const pf = prefilter(value);
  if ((pf & PF_ANALYZE) === 0) return undefined;
  let best = runPass(value, CTX_CODE);
  if (best?.confidence === 'high') return best;
  if ((pf & PF_SQ) !== 0) {
    best = better(best, runPass(value, CTX_SINGLE));
    if (best?.confidence === 'high') return best;
  }
  if ((pf & PF_DQ) !== 0) {
    best = better(best, runPass(value, CTX_DOUBLE));
  }
  return best;
}
