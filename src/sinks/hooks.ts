/**
 * Patching machinery: wrap a method once (a marker prevents double wrapping, also across two copies of
 * this library), remember how to undo it, and hook third-party packages when they load through the
 * CommonJS loader (`require`, and `import` of a CommonJS package, which goes through `Module._load`
 * with the resolved file name). Packages already loaded when the hooks install are patched from
 * `require.cache`.
 */
import type * as NodeModule from 'node:module';
import { excerpt, sinkGlobal, type Invocation } from './context';
import type { Verdict } from './analysis/common';
import type { SinkFinding } from './errors';
import type { AttackClass } from '../types';

const WRAPPED = Symbol.for('serverless-rasp.wrapped');
const state = sinkGlobal();

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** Undo functions of everything patched, in order. */
const undos: Array<() => void> = [];

/**
 * Replaces `obj[name]` with `factory(original)`, keeping name, length and own properties (`promisify.custom`
 * on child_process.exec, `native` on fs.realpath). Returns false when there is nothing to wrap or it is
 * wrapped already.
 */
export function wrapMethod(obj: object, name: string | symbol, factory: (orig: AnyFn) => AnyFn): boolean {
  const o = obj as Record<string | symbol, unknown>;
  let desc: PropertyDescriptor | undefined;
  try {
    desc = Object.getOwnPropertyDescriptor(obj, name);
  } catch {
    return false;
  }
  const orig = desc ? desc.value : o[name];
  if (typeof orig !== 'function' || (orig as unknown as Record<symbol, unknown>)[WRAPPED] === true) return false;
  if (desc && (desc.get !== undefined || (desc.writable === false && desc.configurable === false))) return false;
  const wrapped = factory(orig as AnyFn);
  for (const key of Reflect.ownKeys(orig)) {
    if (key === 'length' || key === 'name' || key === 'prototype' || key === 'arguments' || key === 'caller') continue;
    const d = Object.getOwnPropertyDescriptor(orig, key);
    if (d) {
      try {
        Object.defineProperty(wrapped, key, d);
      } catch {
        // non-configurable on the target: skip
      }
    }
  }
  try {
    Object.defineProperty(wrapped, 'name', { value: (orig as { name: string }).name, configurable: true });
    Object.defineProperty(wrapped, 'length', { value: (orig as { length: number }).length, configurable: true });
  } catch {
    // cosmetic only
  }
  // Assigned without reading `wrapped.prototype` first: that read would create the wrapper's own
  // default prototype object only to replace it (cold start: ~1M instructions over ~120 wraps).
  // Assigning the value a property already holds changes nothing, so the comparison was not needed.
  const proto = (orig as { prototype?: unknown }).prototype;
  if (proto !== undefined) {
    try {
      (wrapped as { prototype?: unknown }).prototype = proto;
    } catch {
      // arrow or class: no prototype to keep
    }
  }
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  const had = desc !== undefined;
  try {
    if (desc) Object.defineProperty(obj, name, { ...desc, value: wrapped });
    else o[name] = wrapped;
  } catch {
    return false;
  }
  undos.push(() => {
    try {
      if (had && desc) Object.defineProperty(obj, name, desc);
      else delete o[name];
    } catch {
      // best effort
    }
  });
  return true;
}

/**
 * The object on `proto`'s chain that owns `method` (the base class that defines it), so one patch
 * covers every subclass (mysql2's Connection and PoolConnection share BaseConnection#query).
 */
export function ownerOf(proto: object, method: string): object | undefined {
  for (let p: object | null = proto; p !== null && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.prototype.hasOwnProperty.call(p, method)) return p;
  }
  return undefined;
}

/** Restores every patched method (tests; a second installSinks after uninstall re-patches). */
export function undoAll(): void {
  while (undos.length > 0) undos.pop()!();
}

/** Registers an arbitrary undo step (globals replaced wholesale: fetch, eval, process.env). */
export function onUndo(fn: () => void): void {
  undos.push(fn);
}

/** Builds a sink finding from an analyzer verdict. */
export function sinkFinding(cls: AttackClass, operation: string, v: Verdict, target: string): Omit<SinkFinding, 'blocked'> {
  return {
    kind: 'sink',
    rule: `sink.${cls}`,
    class: cls,
    confidence: 'high',
    source: v.input.source,
    path: v.input.path,
    reason: v.reason,
    snippet: excerpt(v.input.value, 80),
    operation,
    target: excerpt(target),
  };
}

export function policyFinding(name: string, operation: string, reason: string, target: string): Omit<SinkFinding, 'blocked'> {
  return {
    kind: 'policy',
    rule: `policy.${name}`,
    class: 'custom',
    confidence: 'high',
    source: 'event',
    path: operation,
    reason,
    operation,
    target: excerpt(target),
  };
}

/** The invocation, if it has any input worth checking. */
export function withInputs(ctx: Invocation | undefined): ctx is Invocation {
  return ctx !== undefined && ctx.inputs.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Third-party packages.

export interface PackageHook {
  /** Package name as in node_modules (`pg`, `mysql2`, `@scope/x`). */
  name: string;
  /** Patches whatever the loaded file exports, if it has the expected shape. Returns true if it patched. */
  patch(exports: unknown): boolean;
}

const packageHooks = new Map<string, PackageHook>();

/** The package a resolved file belongs to: the segment(s) after the last `node_modules`. */
export function packageOfFile(file: string): string | undefined {
  const norm = file.replace(/\\/g, '/');
  const at = norm.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  const rest = norm.slice(at + 14).split('/');
  if (rest[0] === undefined || rest[0] === '') return undefined;
  return rest[0].startsWith('@') && rest[1] ? `${rest[0]}/${rest[1]}` : rest[0];
}

function packageOfRequest(request: string): string | undefined {
  if (request.startsWith('.') || request.startsWith('node:')) return undefined;
  if (request.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(request) || request.startsWith('file:')) return packageOfFile(request);
  const parts = request.split('/');
  return request.startsWith('@') && parts[1] ? `${parts[0]}/${parts[1]}` : parts[0];
}

export interface LoaderModule {
  _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  _cache: Record<string, { exports?: unknown; loaded?: boolean } | undefined>;
  syncBuiltinESMExports?: () => void;
}

let loader: LoaderModule | undefined;

/**
 * Node's CommonJS loader (`Module`: `_load`, `_cache`, `syncBuiltinESMExports`), the same object
 * node:module exports. Taken from the module cache when this code runs as CommonJS (the package, a
 * CommonJS bundle): every entry there is a `Module`, whose constructor is the loader, which is checked
 * by its `_cache` being that very cache. That does not load node:module's public module (lib/module.js
 * with the ESM loader and source-map code it requires: ~0.3 ms of cold start, and nothing else this
 * library loads by default needs it). Otherwise (another bundler's `require`, no entry) required.
 */
export function loaderModule(): LoaderModule {
  if (loader !== undefined) return loader;
  const cache = typeof require === 'function' ? (require.cache as Record<string, object | undefined> | undefined) : undefined;
  if (cache !== undefined && cache !== null) {
    for (const key in cache) {
      const C = (cache[key] as { constructor?: unknown } | undefined)?.constructor as (Partial<LoaderModule> & (() => void)) | undefined;
      if (typeof C === 'function' && typeof C._load === 'function' && C._cache === cache) loader = C as unknown as LoaderModule;
      break;
    }
  }
  return (loader ??= require('node:module') as typeof NodeModule as unknown as LoaderModule);
}

let loadHooked = false;

/**
 * Built-in modules patched when user code first gets them (`onBuiltinLoad`), by name without `node:`.
 * A hook runs at the first CommonJS load of its module or process.getBuiltinModule() of it, whichever
 * comes first, then is dropped (the exports object is the same for every later load); ESM `import` of a built-in does not go through
 * `Module._load`, which is why only modules whose every operation is also checked at a choke point
 * that is already patched (http and https: net.Socket#connect) are patched this way.
 */
const builtinHooks = new Map<string, (exports: unknown) => void>();

function runBuiltinHook(request: string, exports: unknown): void {
  const name = request.startsWith('node:') ? request.slice(5) : request;
  const hook = builtinHooks.get(name);
  if (hook === undefined || exports === null || typeof exports !== 'object') return;
  // Once: the module object is the same for every later load, and it stays patched.
  builtinHooks.delete(name);
  try {
    hook(exports);
    // ESM named imports bound before this load (`import { request } from 'node:https'` in a module
    // evaluated earlier) now see the patched functions too.
    loaderModule().syncBuiltinESMExports?.();
  } catch {
    // Never let a hook break the application's require.
  }
}

/**
 * This copy's `Module._load` hook, once; every later load of a hooked package or built-in is patched on the
 * way out. False when the loader was hooked by another copy of this library (its marker), whose hook
 * does not see this copy's built-in hooks.
 */
let ownLoadHook = false;
function hookLoad(): boolean {
  if (loadHooked) return ownLoadHook;
  loadHooked = true;
  const M = loaderModule();
  ownLoadHook = wrapMethod(M, '_load', (orig) =>
    function raspLoad(this: unknown, ...args: unknown[]) {
      const request = args[0] as string;
      state.loading++;
      let exports: unknown;
      try {
        exports = orig.apply(this, args);
      } finally {
        state.loading--;
      }
      if (typeof request === 'string') {
        if (builtinHooks.size !== 0) runBuiltinHook(request, exports);
        const pkg = packageOfRequest(request);
        const hook = pkg !== undefined ? packageHooks.get(pkg) : undefined;
        if (hook) {
          try {
            if (!hook.patch(exports) && pkg !== request && !request.startsWith('/') && !request.startsWith('file:')) {
              // `mysql2/promise`: the classes live in the package main; patch those.
              state.loading++;
              try {
                hook.patch(orig.call(this, pkg, args[1], false));
              } finally {
                state.loading--;
              }
            }
          } catch {
            // Never let a hook break the application's require.
          }
        }
      }
      return exports;
    },
  );
  onUndo(() => {
    loadHooked = false;
    ownLoadHook = false;
  });
  return ownLoadHook;
}

/** Whether this process has loaded built-in `name` already (by anyone: user code, Node itself). Undefined: cannot tell. */
export function builtinLoaded(name: string): boolean | undefined {
  const list = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  return Array.isArray(list) ? list.includes(`NativeModule ${name}`) : undefined;
}

/**
 * Patches built-in `name` with `patch` when user code gets it: through `require` (and `import` of
 * CommonJS code that requires it, bundles included: all `Module._load`) and process.getBuiltinModule.
 * For a module not loaded yet at install, so that a function that never uses it does not load it
 * (http and https with tls and crypto: ~3.8 ms of cold start). Undone by undoAll. False (nothing
 * armed: patch now instead) when this copy cannot see loads (another copy hooked the loader).
 */
export function onBuiltinLoad(name: string, patch: (exports: unknown) => void): boolean {
  if (!hookLoad()) return false;
  builtinHooks.set(name, patch);
  const p = process as unknown as Record<string, unknown>;
  if (typeof p.getBuiltinModule === 'function') {
    wrapMethod(p, 'getBuiltinModule', (orig) =>
      function (this: unknown, ...args: unknown[]) {
        const exports = orig.apply(this, args);
        if (typeof args[0] === 'string' && builtinHooks.size !== 0) runBuiltinHook(args[0], exports);
        return exports;
      },
    );
  }
  onUndo(() => {
    builtinHooks.delete(name);
  });
  return true;
}

/** Hooks `Module._load` once; every later load of a hooked package is patched on the way out. */
export function hookPackages(hooks: readonly PackageHook[]): void {
  for (const h of hooks) packageHooks.set(h.name, h);
  const M = loaderModule();
  hookLoad();
  // Already loaded before we were installed.
  for (const [file, mod] of Object.entries(M._cache)) {
    const pkg = packageOfFile(file);
    const hook = pkg !== undefined ? packageHooks.get(pkg) : undefined;
    if (hook && mod?.exports !== undefined) {
      try {
        hook.patch(mod.exports);
      } catch {
        // shape not as expected: skip
      }
    }
  }
}
