/**
 * child_process: exec/execSync (a shell command string), spawn/spawnSync/execFile/execFileSync with
 * `shell` (argv joined by a space, as Node does), argv calls (the program and interpreter inline code
 * must not come from input; `sh -c script` is a shell command), and fork (the module must not come
 * from input). Plus the `childProcess` policy.
 */
import { checkArgv, checkShell, shellScriptOf } from './analysis/shell';
import { currentInvocation, raise, sinkGlobal } from './context';
import { policyFinding, sinkFinding, withInputs, wrapMethod } from './hooks';
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
export function checkCommand(operation: string, command: unknown): void {
  if (typeof command !== 'string') return;
  policyCheck(operation, firstWord(command), command);
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const v = checkShell(command, ctx.inputs);
  if (v) ctx.raise(sinkFinding('shell', operation, v, command), 'block');
}

interface SpawnLike {
  shell?: unknown;
}

/** spawn / spawnSync / execFile / execFileSync: with `shell`, the argv is a shell command. */
export function checkSpawn(operation: string, file: unknown, argsOrOptions: unknown, maybeOptions: unknown): void {
  if (typeof file !== 'string') return;
  const args = Array.isArray(argsOrOptions) ? (argsOrOptions as unknown[]).map((a) => String(a)) : [];
  const options = (Array.isArray(argsOrOptions) ? maybeOptions : argsOrOptions) as SpawnLike | undefined;
  const shell = options !== null && typeof options === 'object' && options.shell !== undefined && options.shell !== false;
  if (shell) {
    checkCommand(operation, [file, ...args].join(' '));
    return;
  }
  policyCheck(operation, file, [file, ...args].join(' '));
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const script = shellScriptOf(file, args);
  if (script !== undefined) {
    const v = checkShell(script, ctx.inputs);
    if (v) ctx.raise(sinkFinding('shell', operation, v, script), 'block');
    return;
  }
  const v = checkArgv(file, args, ctx.inputs);
  if (v) ctx.raise(sinkFinding('shell', operation, v, [file, ...args].join(' ')), 'block');
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

export function installChildProcess(): string[] {
  const done: string[] = [];
  // Required here, not at import: with this sink group off the builtin (~2.5 ms) is never loaded.
  const mod = require('node:child_process') as Record<string, unknown>;
  for (const name of ['exec', 'execSync']) {
    if (
      wrapMethod(mod, name, (orig) =>
        function (this: unknown, ...args: unknown[]) {
          return guarded(
            () => checkCommand(`child_process.${name}`, args[0]),
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
