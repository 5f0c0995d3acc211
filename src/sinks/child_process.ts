/**
 * child_process: exec/execSync (a shell command string), spawn/spawnSync/execFile/execFileSync with
 * `shell` (argv joined by a space, as Node does), argv calls (the program and interpreter inline code
 * must not come from input; `sh -c script` is a shell command), and fork (the module must not come
 * from input). Plus the `childProcess` policy.
 */
import { isWord, type Verdict } from './analysis/common';
import { checkArgv, checkInlineCode, checkShell, commandOptionScript, isShellProgram, programName, readsCodeFromStdin, shellScriptOf, unwrapCommand } from './analysis/shell';
import type { UserInput } from './context';
import { currentInvocation, raise, sinkGlobal } from './context';
import { builtinLoaded, onBuiltinLoad, policyFinding, sinkFinding, withInputs, wrapMethod } from './hooks';
import { childProcessAllowed } from './policies';
import { checkPrototypeGadgets } from './prototype';

const state = sinkGlobal();
/** exec calls `module.exports.execFile`: the inner call of our own wrapper must not check twice. */
let depth = 0;

function guarded(check: () => void, run: () => unknown): unknown {
  if (depth > 0) return run();
  check();
  depth++;
  try {
    return run();
  } finally {
    depth--;
  }
}

function policyCheck(operation: string, program: string, what: string): void {
  checkPrototypeGadgets(operation);
  const ctx = currentInvocation();
  const pol = ctx?.policies ?? state.outside.policies;
  if (!pol || pol.childProcess.action === 'allow') return;
  if (childProcessAllowed(pol.childProcess, program)) return;
  raise(ctx, policyFinding('child-process', operation, `The function started a child process (${program}) and the childProcess policy forbids it.`, what), pol.childProcess.action);
}

function firstWord(command: string): string {
  const m = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(\S+)/.exec(command);
  return m ? m[1]!.replace(/^['"]|['"]$/g, '') : '';
}

/** exec / execSync: `command` runs through /bin/sh -c. */
export function checkCommand(operation: string, command: unknown, options?: unknown): void {
  if (typeof command !== 'string') return;
  policyCheck(operation, firstWord(command), command);
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const v = checkShell(command, ctx.inputs);
  if (v) ctx.raise(sinkFinding('shell', operation, v, command), 'block');
  const e = envVerdict(options, ctx.inputs);
  if (e) ctx.raise(sinkFinding('shell', operation, e.verdict, e.what), 'block');
  // `execSync('bash', { input: script })`: the script is the sync call's standard input.
  if (!hasStdin(options)) return;
  const words = plainWords(command);
  if (words === undefined) return;
  const s = stdinVerdict(words[0]!, words.slice(1), options, ctx.inputs);
  if (s) ctx.raise(sinkFinding('shell', operation, s.verdict, s.what), 'block');
}

/**
 * A command line of plain words (`bash`, `/bin/sh -s`, `env LANG=C python3 -`) split at spaces; undefined
 * when it has anything the shell would interpret (then it is no simple program call). Char scan, short
 * lines only: this only decides whether standard input is code.
 */
function plainWords(command: string): string[] | undefined {
  if (command.length > 256) return undefined;
  const out: string[] = [];
  let word = '';
  for (let i = 0; i < command.length; i++) {
    const c = command.charCodeAt(i);
    if (c === 32 || c === 9) {
      if (word !== '') out.push(word);
      word = '';
      continue;
    }
    const plain = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 47 || c === 43 || c === 61 || c === 58 || c === 44;
    if (!plain) return undefined;
    word += command[i];
  }
  if (word !== '') out.push(word);
  return out.length > 0 ? out : undefined;
}

/** Whether the sync call has an `input` option (string, Buffer, any typed array or DataView). */
function hasStdin(options: unknown): boolean {
  if (options === null || typeof options !== 'object') return false;
  const input = (options as { input?: unknown }).input;
  return typeof input === 'string' || ArrayBuffer.isView(input);
}

/**
 * The sync calls' `input` option as text. Decoded only once the program is known to read code from
 * standard input: most such calls pipe data (`wc`, `grep`, `jq`), which may be hundreds of MB (a full
 * decode per call, and past V8's string limit a throw, ERR_STRING_TOO_LONG, instead of the child).
 */
function stdinText(options: unknown): string | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  const input = (options as { input?: unknown }).input;
  if (typeof input === 'string') return input;
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  return undefined;
}

interface Found {
  verdict: Verdict;
  what: string;
}

/**
 * Environment variables that make the child run other code: the loader and interpreters read a
 * module, library or startup file from them (`NODE_OPTIONS=--require /proc/self/environ` with the code
 * in another variable is a known chain), bash runs `BASH_ENV` and exported functions, git runs
 * `GIT_SSH_COMMAND`. Set from input (`{ ...process.env, ...body.env }`), they are code injection
 * without any shell syntax in the command.
 */
const CODE_ENV = new Set(['NODE_OPTIONS', 'NODE_PATH', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'BASH_ENV', 'ENV', 'SHELLOPTS', 'PS4', 'PROMPT_COMMAND', 'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'PYTHONSTARTUP', 'PYTHONPATH', 'PYTHONHOME', 'PYTHONWARNINGS', 'RUBYOPT', 'RUBYLIB', 'GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_EXTERNAL_DIFF', 'GIT_PAGER', 'PAGER', 'EDITOR', 'BROWSER', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'VISUAL', 'MANPAGER', 'GIT_ASKPASS', 'SSH_ASKPASS', 'LESSOPEN', 'LESSCLOSE']);

/**
 * Variables whose value names one program the child runs on text (a pager, an editor, a browser):
 * set to one of INERT_PROGRAMS, no choice of it runs anything the developer did not. `GIT_PAGER=cat`
 * (how scripts turn git's pager off) with an input `cat` (a search for cats) blocked; `GIT_PAGER=sh`
 * (git's output run as a script), `=env` (the environment printed into the output), `=ed` (`!cmd`
 * lines in the text) still do.
 */
const PROGRAM_ENV = new Set(['GIT_PAGER', 'PAGER', 'MANPAGER', 'EDITOR', 'VISUAL', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'BROWSER']);
/** Programs that only show, pass on or accept text (none runs commands found in it): `cat`, `less`, `true`. */
const INERT_PROGRAMS = new Set(['cat', 'less', 'more', 'most', 'true', 'false']);

/** An input in the value of a code-loading variable of `options.env`. Bounded: the first 512 keys. */
function envVerdict(options: unknown, inputs: readonly UserInput[]): Found | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  const env = (options as { env?: unknown }).env;
  if (env === null || typeof env !== 'object') return undefined;
  const keys = Object.keys(env);
  for (let k = 0; k < keys.length && k < 512; k++) {
    const key = keys[k]!;
    if (!CODE_ENV.has(key.toUpperCase()) && !key.startsWith('BASH_FUNC_')) continue;
    const value = String((env as Record<string, unknown>)[key]);
    if (INERT_PROGRAMS.has(value) && PROGRAM_ENV.has(key.toUpperCase())) continue;
    // Inherited unchanged (`{ ...process.env }`, or no env option at the choke points): the function's
    // own setting, which an input may merely resemble (`/var/task` in Lambda's LD_LIBRARY_PATH).
    if (process.env[key] === value) continue;
    for (const input of inputs) {
      // The whole value, or a part that is more than a bare word (`vi` in EDITOR=vim is not a choice).
      if (input.value.length >= 2 && (value === input.value || (!isWord(input.value) && value.includes(input.value)))) {
        return { verdict: { input, reason: `Input sets ${key} in the child process's environment, which makes it load or run other code.` }, what: `${key}=${value}` };
      }
    }
  }
  return undefined;
}

/** Wrapper levels unwrapped (`env timeout 5 nice sh -c …` is three). */
const MAX_UNWRAP = 4;

/** Standard input run as code by `file` (after unwrapping `env`, `timeout`...). */
function stdinVerdict(file: string, args: readonly string[], options: unknown, inputs: readonly UserInput[]): Found | undefined {
  let f = file;
  let a = args;
  for (let depth = 0; depth <= MAX_UNWRAP; depth++) {
    const kind = readsCodeFromStdin(f, a);
    const stdin = kind === undefined ? undefined : stdinText(options);
    if (kind !== undefined && stdin === undefined) return undefined;
    if (kind === 'shell') {
      const v = checkShell(stdin!, inputs);
      return v ? { verdict: v, what: stdin! } : undefined;
    }
    if (kind === 'interpreter') {
      const v = checkInlineCode(stdin!, `${programName(f)} (standard input)`, inputs);
      return v ? { verdict: v, what: stdin! } : undefined;
    }
    const w = unwrapCommand(f, a);
    if (!w) return undefined;
    f = w.file;
    a = w.args;
  }
  return undefined;
}

/**
 * An argv call: the program must not come from input, nor may a shell script (`sh -c`, `su -c`) gain
 * shell syntax from it, nor interpreter code (`node -e`, or standard input) contain it. Wrappers
 * (`timeout 5 sh -c …`) are looked through.
 */
function argvVerdict(file: string, args: readonly string[], options: unknown, inputs: readonly UserInput[]): Found | undefined {
  let f = file;
  let a = args;
  // The program standard input goes to: `sh -c bash` (what execSync('bash', { input }) becomes after
  // Node applied the shell) feeds it to bash.
  let stdinFile = file;
  let stdinArgs = args;
  for (let depth = 0; depth <= MAX_UNWRAP; depth++) {
    const script = shellScriptOf(f, a) ?? commandOptionScript(f, a);
    if (script !== undefined) {
      const v = checkShell(script, inputs);
      if (v) return { verdict: v, what: script };
      const words = plainWords(script);
      if (words !== undefined) {
        stdinFile = words[0]!;
        stdinArgs = words.slice(1);
      }
      break;
    }
    const v = checkArgv(f, a, inputs);
    if (v) return { verdict: v, what: [f, ...a].join(' ') };
    const w = unwrapCommand(f, a);
    if (!w) break;
    f = w.file;
    a = w.args;
  }
  return hasStdin(options) ? stdinVerdict(stdinFile, stdinArgs, options, inputs) : undefined;
}

interface SpawnLike {
  shell?: unknown;
}

/** spawn / spawnSync / execFile / execFileSync: with `shell`, the argv is a shell command. */
export function checkSpawn(operation: string, file: unknown, argsOrOptions: unknown, maybeOptions: unknown): void {
  if (typeof file !== 'string') return;
  const argv = Array.isArray(argsOrOptions);
  const args = argv ? (argsOrOptions as unknown[]).map((a) => String(a)) : [];
  // Node takes the options from the third argument when the second is an array, null or undefined
  // (`spawn(cmd, undefined, { shell: true })` runs a shell).
  const options = (argv || argsOrOptions === null || argsOrOptions === undefined ? maybeOptions : argsOrOptions) as SpawnLike | undefined;
  const shell = options !== null && typeof options === 'object' && options.shell !== undefined && options.shell !== false;
  if (shell) {
    checkCommand(operation, [file, ...args].join(' '), options);
    return;
  }
  policyCheck(operation, file, [file, ...args].join(' '));
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const found = argvVerdict(file, args, options, ctx.inputs) ?? envVerdict(options, ctx.inputs);
  if (found) ctx.raise(sinkFinding('shell', operation, found.verdict, found.what), 'block');
}

/** fork(modulePath, args, options): the module run must not come from input. */
export function checkFork(modulePath: unknown, args: unknown): void {
  const file = modulePath instanceof URL ? modulePath.pathname : typeof modulePath === 'string' ? modulePath : undefined;
  if (file === undefined) return;
  policyCheck('child_process.fork', process.execPath, file);
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const v = checkArgv(file, Array.isArray(args) ? (args as unknown[]).map(String) : [], ctx.inputs);
  if (v) ctx.raise(sinkFinding('shell', 'child_process.fork', v, file), 'block');
}

/** What patchChildProcess lists when it patches every export and the ChildProcess#spawn choke point. */
const MODULE_OPERATIONS = ['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'ChildProcess.prototype.spawn', 'fork'].map((n) => `child_process.${n}`);

/**
 * Installs the choke points in Node's bindings now, and patches child_process's exports now if the
 * process has loaded it, else when user code first gets it (hooks.ts onBuiltinLoad: `require`, bundled
 * or not, and process.getBuiltinModule).
 *
 * Why later is as safe here: every child process starts at one of the two binding functions patched
 * below (installBindingChokePoints), which exist from Node's startup, without child_process. An ES module
 * `import` of child_process after protect() (no Node 20 hook sees one) gets unpatched exports, whose
 * calls are checked there with the same checks, on the options Node normalized (as a reference taken
 * before protect() always was); the next `require` or getBuiltinModule patches the module in place and
 * re-syncs such imports. test/sinks/lazy-child-process.test.ts.
 *
 * Cost it spares: child_process with internal/child_process, dgram and their bindings (net, which it
 * also loads, the socket hook loads anyway). Measured with callgrind on the bench's bundle: protect()
 * 102.7 -> 90.4 M instructions with V8 flags as AWS Lambda's runtime passes them (`--max-old-space-size`
 * and the like make V8 reject Node's code cache of its built-ins, which are then compiled from source:
 * child_process alone 10.5 -> 55 M instructions); with plain `node` ~2 M.
 * The operations are listed as installed when armed: they are patched before user code can get them.
 * `lazy` false, or a binding choke point missing (a runtime without process.binding): patched now.
 */
export function installChildProcess(lazy = true): string[] {
  const { done, complete } = installBindingChokePoints();
  if (lazy && complete && builtinLoaded('child_process') === false && onBuiltinLoad('child_process', (mod) => patchChildProcess(mod as Record<string, unknown>))) {
    done.push(...MODULE_OPERATIONS);
  } else done.push(...patchChildProcess(require('node:child_process') as Record<string, unknown>));
  return done;
}

/** Wraps child_process's exports and ChildProcess#spawn in place (at install or at the module's first load). */
function patchChildProcess(mod: Record<string, unknown>): string[] {
  const done: string[] = [];
  for (const name of ['exec', 'execSync']) {
    if (
      wrapMethod(mod, name, (orig) =>
        function (this: unknown, ...args: unknown[]) {
          return guarded(
            () => checkCommand(`child_process.${name}`, args[0], args[1]),
            () => orig.apply(this, args),
          );
        },
      )
    )
      done.push(`child_process.${name}`);
  }
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync']) {
    if (
      wrapMethod(mod, name, (orig) =>
        function (this: unknown, ...args: unknown[]) {
          return guarded(
            () => checkSpawn(`child_process.${name}`, args[0], args[1], args[2]),
            () => orig.apply(this, args),
          );
        },
      )
    )
      done.push(`child_process.${name}`);
  }
  done.push(...installModuleChokePoint(mod));
  if (
    wrapMethod(mod, 'fork', (orig) =>
      function (this: unknown, ...args: unknown[]) {
        return guarded(
          () => checkFork(args[0], args[1]),
          () => orig.apply(this, args),
        );
      },
    )
  )
    done.push('child_process.fork');
  return done;
}

interface NormalizedSpawn {
  file?: unknown;
  args?: unknown;
  envPairs?: unknown;
  stdio?: unknown;
}

/**
 * The options every child process is started with, after Node normalized the call: `file` and the full
 * argv (argv[0] first), a shell already applied (`/bin/sh -c command`), the environment as `K=V` pairs,
 * and for sync calls the `input` on stdio[0]. Checked as an argv call of `file`.
 */
export function checkNormalized(operation: string, opts: unknown): void {
  if (depth > 0 || opts === null || typeof opts !== 'object') return;
  const o = opts as NormalizedSpawn;
  if (typeof o.file !== 'string') return;
  const args = Array.isArray(o.args) ? (o.args as unknown[]).slice(1).map((a) => String(a)) : [];
  const options: { env?: Record<string, string>; input?: unknown } = {};
  if (Array.isArray(o.envPairs)) {
    const env: Record<string, string> = {};
    for (const pair of o.envPairs as unknown[]) {
      const kv = String(pair);
      const eq = kv.indexOf('=');
      if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    options.env = env;
  }
  const stdin = Array.isArray(o.stdio) ? (o.stdio as unknown[])[0] : undefined;
  if (stdin !== null && typeof stdin === 'object') options.input = (stdin as { input?: unknown }).input;
  // Node's shell form (`[shell, '-c', command]`): checked as exec is, so that the childProcess policy
  // sees the command's program, not /bin/sh.
  if (args.length === 2 && args[0] === '-c' && isShellProgram(o.file)) checkCommand(operation, args[1], options);
  else {
    checkSpawn(operation, o.file, args, options);
    if (options.env?.NODE_CHANNEL_FD !== undefined || hasIpc(o.stdio)) checkForkedModule(operation, args);
  }
}

/**
 * fork(modulePath) as it reaches the choke points: Node runs `execPath ...execArgv modulePath ...args`
 * with an IPC channel ('ipc' in stdio; ChildProcess#spawn adds NODE_CHANNEL_FD to the environment). The fork export
 * checks modulePath (checkFork); a fork it never saw (an ES module `import` of child_process after
 * protect(), a reference taken before protect(), Node's own cluster) arrives here only, as a Node argv,
 * where the module is an argument, not the program: the same check is applied to it. The module is the
 * argument after the execArgv: at process.execArgv's length when the argv starts with it (fork's
 * default), and otherwise (the caller's own execArgv) the first argument that is not an option; both
 * are checked (a candidate that is really an option's value is flagged only if an input is that whole
 * value or its last path segments, as for a program). Cost: only child processes with an IPC channel.
 */
/** An IPC channel in stdio: 'ipc' as fork passes it to ChildProcess#spawn, `{ ipc: true }` once Node made the pipe. */
function hasIpc(stdio: unknown): boolean {
  return Array.isArray(stdio) && (stdio as unknown[]).some((s) => s === 'ipc' || (s !== null && typeof s === 'object' && (s as { ipc?: unknown }).ipc === true));
}

function checkForkedModule(operation: string, args: readonly string[]): void {
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const candidates: number[] = [];
  const exec = process.execArgv;
  if (args.length > exec.length && exec.every((a, i) => args[i] === a)) candidates.push(exec.length);
  const first = args.findIndex((a) => !a.startsWith('-'));
  if (first !== -1 && !candidates.includes(first)) candidates.push(first);
  for (const i of candidates) {
    const v = checkArgv(args[i]!, args.slice(i + 1), ctx.inputs);
    if (v) ctx.raise(sinkFinding('shell', operation, v, args[i]!), 'block');
  }
}

/**
 * The exported functions are patched in place, so a reference taken before protect() ran
 * (`const { execSync } = require('child_process')` above the line that loads this library, common in
 * CommonJS handlers) still calls the original. Every child process starts at one of two places below the
 * exports, in Node's bindings: process_wrap's `Process.prototype.spawn` (spawn, exec, execFile, fork:
 * ChildProcess#spawn calls it on its handle with the options Node normalized) and the `spawn_sync`
 * binding's `spawn` (spawnSync, execSync, execFileSync), which Node's own code reads from the binding
 * object at each call. When child_process is loaded, ChildProcess#spawn is checked too, before it creates
 * the stdio pipes (a refusal at the handle comes after Node created them: unopened, they keep nothing
 * alive, and the process exits as usual: test/sinks/lazy-child-process.test.ts). Each is checked when no
 * patched export or outer choke point is on the stack (`depth`), so a call is checked once, with the
 * arguments of the outermost patched function. Cost: one depth test per child process.
 */
function installModuleChokePoint(mod: Record<string, unknown>): string[] {
  const CP = mod.ChildProcess;
  const proto = typeof CP === 'function' ? (CP as { prototype?: unknown }).prototype : undefined;
  if (proto === null || typeof proto !== 'object') return [];
  const ok = wrapMethod(proto, 'spawn', (orig) =>
    function (this: unknown, ...args: unknown[]) {
      return guarded(
        () => checkNormalized('child_process (ChildProcess.spawn)', args[0]),
        () => orig.apply(this, args),
      );
    },
  );
  return ok ? ['child_process.ChildProcess.prototype.spawn'] : [];
}

/**
 * A refusal at process_wrap's spawn comes after ChildProcess#spawn created the stdio pipes (and the IPC
 * channel's): Node closes those only on its own errors (getValidStdio's cleanup), so each refused child
 * would leave three Pipe handles open for the life of the process (process._getActiveHandles lists
 * them: memory an attacker grows one blocked request at a time, on a warm instance). Closed here, as
 * Node's cleanup does: only the `pipe` and `overlapped` entries, which Node made for this call (a stream
 * the caller passed is a `wrap` entry, and stays). ChildProcess#spawn, checked first when child_process
 * is patched, refuses before they exist; this matters for the exports it never saw.
 */
function closeStdioPipes(opts: unknown): void {
  const stdio = opts !== null && typeof opts === 'object' ? (opts as { stdio?: unknown }).stdio : undefined;
  if (!Array.isArray(stdio)) return;
  for (const s of stdio as unknown[]) {
    if (s === null || typeof s !== 'object') continue;
    const { type, handle } = s as { type?: unknown; handle?: { close?: unknown } };
    if ((type === 'pipe' || type === 'overlapped') && handle && typeof handle.close === 'function') {
      try {
        (handle.close as () => void).call(handle);
      } catch {
        // Already closed: nothing to release.
      }
    }
  }
}

/** process.binding(name), or undefined; DEP0111 muted for this read (see there). */
function legacyBinding(name: string): Record<string, unknown> | undefined {
  // process.binding is deprecated (DEP0111): under --pending-deprecation reading it warns as if the
  // application called it, and under --throw-deprecation as well it throws, which would leave this
  // choke point silently uninstalled. The warning is muted for this one read (Node checks
  // process.noDeprecation when it emits), then the flag is put back as it was.
  // (--no-deprecation makes the flag a read-only true: then nothing is changed.)
  let binding: Record<string, unknown> | undefined;
  const proc = process as unknown as { binding?: (name: string) => unknown; noDeprecation?: boolean };
  const before = Object.getOwnPropertyDescriptor(proc, 'noDeprecation');
  const mute = proc.noDeprecation !== true && (before === undefined || before.configurable === true);
  try {
    if (mute) Object.defineProperty(proc, 'noDeprecation', { value: true, writable: true, configurable: true, enumerable: true });
    const pb = proc.binding;
    const b = typeof pb === 'function' ? pb.call(process, name) : undefined;
    binding = b !== null && typeof b === 'object' ? (b as Record<string, unknown>) : undefined;
  } catch {
    binding = undefined;
  } finally {
    if (mute) {
      if (before) Object.defineProperty(proc, 'noDeprecation', before);
      else delete proc.noDeprecation;
    }
  }
  return binding;
}

/**
 * The two binding choke points; `complete` when this copy installed both (not when another copy of the
 * library had wrapped one: its checks are its own, so this copy then patches the module at install).
 */
function installBindingChokePoints(): { done: string[]; complete: boolean } {
  const done: string[] = [];
  let complete = true;
  const Process = legacyBinding('process_wrap')?.Process;
  const proto = typeof Process === 'function' ? (Process as { prototype?: unknown }).prototype : undefined;
  if (
    proto !== null &&
    typeof proto === 'object' &&
    wrapMethod(proto, 'spawn', (orig) =>
      function (this: unknown, ...args: unknown[]) {
        return guarded(
          () => {
            try {
              checkNormalized('child_process (process_wrap binding)', args[0]);
            } catch (err) {
              closeStdioPipes(args[0]);
              throw err;
            }
          },
          () => orig.apply(this, args),
        );
      },
    )
  )
    done.push('child_process (process_wrap binding)');
  else complete = false;
  const binding = legacyBinding('spawn_sync');
  if (
    binding &&
    wrapMethod(binding, 'spawn', (orig) =>
      function (this: unknown, ...args: unknown[]) {
        return guarded(
          () => checkNormalized('child_process (spawnSync)', args[0]),
          () => orig.apply(this, args),
        );
      },
    )
  )
    done.push('child_process (spawn_sync binding)');
  else complete = false;
  return { done, complete };
}
