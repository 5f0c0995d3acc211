/**
 * Shell command analysis (POSIX sh / bash, which `child_process` runs with `shell: true` on Linux).
 * One pass over the command marks every character as literal or active: an active character is one
 * the shell interprets (word-splitting whitespace, operators, quotes that open or close, expansions,
 * escapes, globs, comments). An input is an injection when one of its characters is active: it then
 * added or changed shell tokens. Inside single quotes only the closing quote is active; inside double
 * quotes `"`, `\`, backtick and `$` starting an expansion are.
 */
import type { UserInput } from '../context';
import { occurrences, type Verdict } from './common';

const LITERAL = 0;
const ACTIVE = 1;

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Does `$` at i start an expansion? (`$x`, `${`, `$(`, `$1`, `$@` ...; `$'..'` outside quotes). */
function dollarExpands(cmd: string, i: number, quoted: boolean): boolean {
  const n = cmd.charCodeAt(i + 1);
  if (Number.isNaN(n)) return false;
  if (isNameStart(n) || (n >= 48 && n <= 57)) return true;
  // { ( [ @ * # ? $ ! -
  if (n === 123 || n === 40 || n === 91 || n === 64 || n === 42 || n === 35 || n === 63 || n === 36 || n === 33 || n === 45) return true;
  return !quoted && (n === 39 || n === 34);
}

/** Marks each character of `cmd` LITERAL or ACTIVE. Linear. */
export function shellActivity(cmd: string): Uint8Array {
  const out = new Uint8Array(cmd.length);
  let i = 0;
  let wordStart = true;
  while (i < cmd.length) {
    const c = cmd.charCodeAt(i);
    if (c === 39 /* ' */) {
      out[i] = ACTIVE;
      let j = i + 1;
      while (j < cmd.length && cmd.charCodeAt(j) !== 39) j++; // content stays LITERAL
      if (j < cmd.length) out[j] = ACTIVE;
      i = j + 1;
      wordStart = false;
      continue;
    }
    if (c === 34 /* " */) {
      out[i] = ACTIVE;
      let j = i + 1;
      while (j < cmd.length) {
        const d = cmd.charCodeAt(j);
        if (d === 34) break;
        if (d === 92 /* \ */) {
          out[j] = ACTIVE;
          j += 2;
          continue;
        }
        if (d === 96 /* ` */ || (d === 36 && dollarExpands(cmd, j, true))) out[j] = ACTIVE;
        j++;
      }
      if (j < cmd.length) out[j] = ACTIVE;
      i = j + 1;
      wordStart = false;
      continue;
    }
    if (c === 92 /* \ */) {
      out[i] = ACTIVE;
      i += 2;
      wordStart = false;
      continue;
    }
    if (c === 35 /* # */ && wordStart) {
      // A comment runs to the end of the line; its text is literal, the '#' is not.
      out[i] = ACTIVE;
      let j = i + 1;
      while (j < cmd.length && cmd.charCodeAt(j) !== 10) j++;
      i = j;
      continue;
    }
    if (c === 36 /* $ */) {
      if (dollarExpands(cmd, i, false)) out[i] = ACTIVE;
      i++;
      wordStart = false;
      continue;
    }
    if (c === 126 /* ~ */ && wordStart) {
      out[i] = ACTIVE;
      i++;
      wordStart = false;
      continue;
    }
    // Whitespace, operators, redirections, subshells, globs, brace expansion, history, backtick.
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12) {
      out[i] = ACTIVE;
      wordStart = true;
      i++;
      continue;
    }
    if (c === 59 || c === 38 || c === 124 || c === 60 || c === 62 || c === 40 || c === 41) {
      out[i] = ACTIVE; // ; & | < > ( )
      wordStart = true;
      i++;
      continue;
    }
    if (c === 96 || c === 42 || c === 63 || c === 91 || c === 93 || c === 123 || c === 125 || c === 33 || c === 0) {
      out[i] = ACTIVE; // ` * ? [ ] { } ! NUL
      wordStart = false;
      i++;
      continue;
    }
    out[i] = LITERAL;
    wordStart = false;
    i++;
  }
  return out;
}

/**
 * Finds an input that changes the structure of `command`. `inputs` are the invocation's strings.
 * The activity map is computed once, only when some input occurs in the command.
 */
export function checkShell(command: string, inputs: readonly UserInput[]): Verdict | undefined {
  let activity: Uint8Array | undefined;
  for (const input of inputs) {
    const u = input.value;
    if (u.length > command.length) continue;
    const at = occurrences(command, u);
    if (at.length === 0) continue;
    activity ??= shellActivity(command);
    for (const s of at) {
      for (let p = s; p < s + u.length; p++) {
        if (activity[p] === ACTIVE) {
          const ch = JSON.stringify(command[p]);
          return { input, reason: `Input adds shell syntax to the command (${ch} at offset ${p - s} of the input is interpreted by the shell).` };
        }
      }
    }
  }
  return undefined;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox', 'cmd', 'cmd.exe', 'powershell', 'powershell.exe', 'pwsh']);

/** `/bin/bash` → `bash`. */
export function programName(file: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return (slash === -1 ? file : file.slice(slash + 1)).toLowerCase();
}

export function isShellProgram(file: string): boolean {
  return SHELLS.has(programName(file));
}

/**
 * The command line the shell will run for an argv call (`spawn('sh', ['-c', script])`), or undefined
 * when the program is not a shell given a script. The script is the first operand after `-c`, not the
 * argument right after it: `bash -c -- "$cmd"` and `sh -c -e "$cmd"` run `$cmd` (the shell reads all
 * its options first). Later operands are `$0`, `$1`...: data, not code (`sh -c 'echo "$1"' sh "$x"` is
 * the safe form and stays allowed).
 */
export function shellScriptOf(file: string, args: readonly string[]): string | undefined {
  if (!isShellProgram(file)) return undefined;
  const c = args.findIndex((a) => a === '-c' || a === '/c' || a === '/C' || a === '-Command' || a === '-command' || (a.startsWith('-') && !a.startsWith('--') && a.includes('c') && a.length <= 4));
  if (c === -1) return undefined;
  const first = args[c]!;
  // cmd /c and PowerShell -Command take the rest of the line as written.
  if (first === '/c' || first === '/C' || first === '-Command' || first === '-command') return args[c + 1];
  for (let i = c + 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return args[i + 1];
    const sign = a.charCodeAt(0);
    if ((sign === 45 /* - */ || sign === 43) /* + */ && a.length > 1) {
      // -o / +o / -O / +O take the option name as the next argument.
      if (a.length === 2 && (a[1] === 'o' || a[1] === 'O')) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

/**
 * Programs that run their operands as a command (`timeout 5 sh -c "$x"`, `env LANG=C bash -c "$x"`,
 * `xargs -0 sh -c "$x"`): the shell or interpreter they start is checked as if called directly.
 */
const WRAPPERS = new Set(['env', 'timeout', 'nice', 'nohup', 'xargs', 'stdbuf', 'setsid', 'ionice', 'taskset', 'chrt', 'sudo', 'doas', 'chroot', 'time', 'unbuffer', 'setpriv', 'prlimit', 'systemd-run', 'firejail', 'strace', 'ltrace', 'catchsegv', 'busybox']);

const INTERPRETER = /^(node|nodejs|python\d?(\.\d+)?|perl|ruby|php|deno|bun)$/;

function isInterpreter(file: string): boolean {
  return INTERPRETER.test(programName(file).replace(/\.exe$/, ''));
}

/**
 * The program a wrapper starts and its arguments: the command operand, when it names a shell, an
 * interpreter or another wrapper. Undefined when `file` is not a wrapper or starts something else.
 * The scan stops at the first word that can only be the command (not an option, an option's value,
 * an assignment or a number/duration/mask): in `nice grep -ci bash` or `timeout 5 grep -c node -`
 * the shell or interpreter name is grep's pattern, and grep's standard input is data, not code. A
 * shell or interpreter name is taken even where an option's value could stand (`xargs -0 sh -c …`).
 * Bounded: the caller unwraps a few levels.
 */
export function unwrapCommand(file: string, args: readonly string[]): { file: string; args: string[] } | undefined {
  const wrapper = programName(file);
  if (!WRAPPERS.has(wrapper)) return undefined;
  let afterOption = false;
  // chroot NEWROOT and taskset MASK take one positional operand before the command.
  let positional = wrapper === 'chroot' || wrapper === 'taskset' ? 1 : 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (isShellProgram(a) || isInterpreter(a) || WRAPPERS.has(programName(a))) return { file: a, args: args.slice(i + 1) };
    const option = a.length > 1 && (a[0] === '-' || a[0] === '+');
    if (option || a.includes('=') || isNumberLike(a) || afterOption) {
      afterOption = option && !a.includes('=');
      continue;
    }
    if (positional > 0) {
      positional--;
      continue;
    }
    return undefined; // the command: a program that is neither a shell, an interpreter nor a wrapper
  }
  return undefined;
}

/** A duration, niceness, CPU mask or count (`5`, `0.5s`, `1m`, `0x3`, `0-3,7`). Char scan. */
function isNumberLike(a: string): boolean {
  if (a.length === 0) return false;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    if (!digit && c !== 46 && c !== 44 && c !== 45 && c !== 120 && !(i === a.length - 1 && (c === 115 || c === 109 || c === 104 || c === 100))) return false;
  }
  return true;
}

/**
 * Programs whose `-c` / `--command` option value is a shell command line (`su -c "$x" user`,
 * `script -qc "$x" /dev/null`, `flock /tmp/l -c "$x"`, `runuser -u u -c "$x"`).
 */
const COMMAND_OPTION = new Set(['su', 'runuser', 'script', 'flock']);

export function commandOptionScript(file: string, args: readonly string[]): string | undefined {
  if (!COMMAND_OPTION.has(programName(file))) return undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--command' || a === '-c') return args[i + 1];
    if (a.startsWith('--command=')) return a.slice(10);
    if (a.length > 1 && a.length <= 4 && a[0] === '-' && a[1] !== '-' && a.endsWith('c')) return args[i + 1];
  }
  return undefined;
}

/**
 * The program reads its code from standard input: a shell with no operand or with `-s`, an interpreter
 * with no operand or `-` (`execSync('bash', { input: script })`, `spawnSync('python3', ['-'], { input })`).
 * Then the sync calls' `input` option is the script.
 */
export function readsCodeFromStdin(file: string, args: readonly string[]): 'shell' | 'interpreter' | undefined {
  const shell = isShellProgram(file);
  if (!shell && !isInterpreter(file)) return undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-' || (shell && a === '-s')) return shell ? 'shell' : 'interpreter';
    if (a === '--') return i + 1 < args.length ? undefined : shell ? 'shell' : 'interpreter';
    if (a.length > 1 && (a[0] === '-' || (shell && a[0] === '+'))) {
      if (shell && a.length === 2 && (a[1] === 'o' || a[1] === 'O')) i++;
      continue;
    }
    return undefined; // an operand: a script file (its stdin is data)
  }
  return shell ? 'shell' : 'interpreter';
}

/** Inline interpreter code gaining input: the input occurs in it and is more than a word or a name. */
export function checkInlineCode(code: string, what: string, inputs: readonly UserInput[]): Verdict | undefined {
  for (const input of inputs) {
    if (input.value.length >= 2 && code.includes(input.value) && !/^[\w.-]+$/.test(input.value)) {
      return { input, reason: `Input is part of inline code run by ${what}.` };
    }
  }
  return undefined;
}

/**
 * An argv call without a shell cannot get extra shell tokens, but the program itself must not come
 * from input (`spawn(event.cmd)`), and neither may an interpreter's inline code (`node -e`, `python -c`).
 */
export function checkArgv(file: string, args: readonly string[], inputs: readonly UserInput[]): Verdict | undefined {
  for (const input of inputs) {
    const u = input.value;
    if (file === u || (file.endsWith(u) && (file.length === u.length || '/\\'.includes(file[file.length - u.length - 1]!)))) {
      return { input, reason: 'The program to run comes from input.' };
    }
  }
  const prog = programName(file).replace(/\.exe$/, '');
  if (INTERPRETER.test(prog)) {
    for (let i = 0; i < args.length - 1; i++) {
      const a = args[i]!;
      if (a === '-e' || a === '-c' || a === '--eval' || a === '-p' || a === '--print' || a === '-r' || a === 'eval') {
        const v = checkInlineCode(args[i + 1]!, `${prog} ${a}`, inputs);
        if (v) return v;
      }
    }
  }
  return undefined;
}
