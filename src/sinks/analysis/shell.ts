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
 * when the program is not a shell given a script.
 */
export function shellScriptOf(file: string, args: readonly string[]): string | undefined {
  if (!isShellProgram(file)) return undefined;
  const c = args.findIndex((a) => a === '-c' || a === '/c' || a === '/C' || a === '-Command' || a === '-command' || (a.startsWith('-') && !a.startsWith('--') && a.includes('c') && a.length <= 4));
  if (c === -1) return undefined;
  return args[c + 1];
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
  if (/^(node|nodejs|python\d?(\.\d+)?|perl|ruby|php|deno|bun)$/.test(prog)) {
    for (let i = 0; i < args.length - 1; i++) {
      const a = args[i]!;
      if (a === '-e' || a === '-c' || a === '--eval' || a === '-p' || a === '--print' || a === '-r' || a === 'eval') {
        const code = args[i + 1]!;
        for (const input of inputs) {
          if (input.value.length >= 2 && code.includes(input.value) && !/^[\w.-]+$/.test(input.value)) {
            return { input, reason: `Input is part of inline code run by ${prog} ${a}.` };
          }
        }
      }
    }
  }
  return undefined;
}
