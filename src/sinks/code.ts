/**
 * Code evaluation: `vm` (Script, runInThisContext, runInNewContext, runInContext, compileFunction),
 * the `Function` constructor (also reached as `(function(){}).constructor`), and, optionally, global
 * `eval`. JavaScript built from input must not gain code from it.
 *
 * `eval` caveat: without a native hook a replaced `eval` is an indirect eval, which runs in the global
 * scope. Code that uses direct eval to read local variables would break, so the eval hook is opt-in
 * (`sinks: { eval: true }`). The async, generator and async generator function constructors are hooked
 * with Function.
 */
import type * as VM from 'node:vm';
import { checkJs } from './analysis/js';
import { currentInvocation } from './context';
import { onUndo, sinkFinding, withInputs, wrapMethod } from './hooks';

const WRAPPED = Symbol.for('serverless-rasp.wrapped');

export function checkCode(operation: string, code: unknown): void {
  if (typeof code !== 'string' || code.length < 2) return;
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const v = checkJs(code, ctx.inputs);
  if (v) ctx.raise(sinkFinding('code-injection', operation, v, code), 'block');
}

export function installVm(): string[] {
  // Required here, not at import: with the code sinks off, vm is never loaded.
  const vm = require('node:vm') as typeof VM;
  const done: string[] = [];
  const mod = vm as unknown as Record<string, unknown>;
  for (const fn of ['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction']) {
    if (
      wrapMethod(mod, fn, (orig) =>
        function (this: unknown, ...args: unknown[]) {
          checkCode(`vm.${fn}`, args[0]);
          return orig.apply(this, args);
        },
      )
    )
      done.push(`vm.${fn}`);
  }
  const Script = vm.Script as unknown as Record<symbol, unknown> & (new (code: string, options?: unknown) => VM.Script);
  if (Script[WRAPPED] !== true) {
    class RaspScript extends (vm.Script as unknown as new (code: string, options?: unknown) => VM.Script) {
      constructor(code: string, options?: unknown) {
        checkCode('vm.Script', code);
        super(code, options);
      }
    }
    Object.defineProperty(RaspScript, 'name', { value: 'Script' });
    Object.defineProperty(RaspScript, WRAPPED, { value: true });
    const desc = Object.getOwnPropertyDescriptor(vm, 'Script');
    if (desc && desc.configurable !== false) {
      Object.defineProperty(vm, 'Script', { ...desc, value: RaspScript });
      onUndo(() => Object.defineProperty(vm, 'Script', desc));
      done.push('vm.Script');
    } else if (desc && desc.writable) {
      mod.Script = RaspScript;
      onUndo(() => {
        mod.Script = desc.value;
      });
      done.push('vm.Script');
    }
  }
  return done;
}

/** A constructor that checks the code (body last, parameters before it) and then builds with `Orig`. */
function checkingConstructor(Orig: FunctionConstructor, operation: string): FunctionConstructor {
  const Rasp = function Function(this: unknown, ...args: string[]): unknown {
    const body = args.length > 0 ? args[args.length - 1] : '';
    checkCode(operation, body);
    if (args.length > 1) checkCode(operation, args.slice(0, -1).join(','));
    return Reflect.apply(Orig, undefined, args);
  } as unknown as FunctionConstructor;
  Object.defineProperty(Rasp, 'name', { value: Orig.name });
  Object.defineProperty(Rasp, 'prototype', { value: Orig.prototype, writable: false });
  Object.defineProperty(Rasp, WRAPPED, { value: true });
  return Rasp;
}

/**
 * Replaces the global Function constructor (and `Function.prototype.constructor`) with a checking one,
 * and the `constructor` of the async, generator and async generator function prototypes: those
 * constructors are no globals, code reaches them only as `(async () => {}).constructor`, and they
 * compile a string exactly as Function does (`AsyncFunction('return ' + input)()` runs the input).
 */
export function installFunction(): string[] {
  const Orig = globalThis.Function;
  if ((Orig as unknown as Record<symbol, unknown>)[WRAPPED] === true) return [];
  const proto = Orig.prototype;
  const RaspFunction = checkingConstructor(Orig, 'Function');
  const protoDesc = Object.getOwnPropertyDescriptor(proto, 'constructor');
  const globalDesc = Object.getOwnPropertyDescriptor(globalThis, 'Function');
  try {
    Object.defineProperty(proto, 'constructor', { value: RaspFunction, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(globalThis, 'Function', { value: RaspFunction, writable: true, configurable: true, enumerable: false });
  } catch {
    return [];
  }
  onUndo(() => {
    if (protoDesc) Object.defineProperty(proto, 'constructor', protoDesc);
    if (globalDesc) Object.defineProperty(globalThis, 'Function', globalDesc);
  });
  const done = ['Function'];
  const kinds: [string, object][] = [
    // eslint-disable-next-line @typescript-eslint/no-empty-function
    ['AsyncFunction', Object.getPrototypeOf(async function () {}) as object],
    // eslint-disable-next-line @typescript-eslint/no-empty-function
    ['GeneratorFunction', Object.getPrototypeOf(function* () {}) as object],
    // eslint-disable-next-line @typescript-eslint/no-empty-function
    ['AsyncGeneratorFunction', Object.getPrototypeOf(async function* () {}) as object],
  ];
  for (const [name, fnProto] of kinds) {
    const desc = Object.getOwnPropertyDescriptor(fnProto, 'constructor');
    const Ctor = desc?.value as FunctionConstructor | undefined;
    if (!desc || typeof Ctor !== 'function' || (Ctor as unknown as Record<symbol, unknown>)[WRAPPED] === true) continue;
    try {
      Object.defineProperty(fnProto, 'constructor', { ...desc, value: checkingConstructor(Ctor, name) });
    } catch {
      continue;
    }
    onUndo(() => Object.defineProperty(fnProto, 'constructor', desc));
    done.push(name);
  }
  return done;
}

/** Opt-in: replaces global `eval` (becomes an indirect, global-scope eval; see the module comment). */
export function installEval(): string[] {
  const g = globalThis as unknown as { eval: (code: unknown) => unknown };
  const orig = g.eval;
  if ((orig as unknown as Record<symbol, unknown>)[WRAPPED] === true) return [];
  const wrapped = function evalChecked(code: unknown): unknown {
    checkCode('eval', code);
    return orig(code);
  };
  Object.defineProperty(wrapped, 'name', { value: 'eval' });
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'eval');
  Object.defineProperty(globalThis, 'eval', { value: wrapped, writable: true, configurable: true, enumerable: false });
  onUndo(() => {
    if (desc) Object.defineProperty(globalThis, 'eval', desc);
  });
  return ['eval'];
}
