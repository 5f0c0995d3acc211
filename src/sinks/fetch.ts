/**
 * Global `fetch` (Node's bundled undici) and the `undici` package (request, fetch, stream, pipeline):
 * the URL's host is checked before the request starts (SSRF by name or literal, egress by name); the
 * returned promise rejects with SinkBlockedError. Names are checked again after DNS by the socket hook,
 * whose block surfaces as `TypeError('fetch failed', { cause: SinkBlockedError })`.
 */
import { currentInvocation, sinkGlobal } from './context';
import { onUndo, withInputs, wrapMethod, type PackageHook } from './hooks';
import { checkDestination } from './net';

const state = sinkGlobal();
const WRAPPED = Symbol.for('serverless-rasp.wrapped');

/** The hostname of a fetch/undici target: string, URL, Request, or `{ origin, path }` options. */
export function targetHost(input: unknown): string | undefined {
  let url: URL | undefined;
  try {
    if (typeof input === 'string') url = new URL(input);
    else if (input instanceof URL) url = input;
    else if (input !== null && typeof input === 'object') {
      const o = input as { url?: unknown; origin?: unknown; href?: unknown };
      if (typeof o.url === 'string') url = new URL(o.url);
      else if (typeof o.href === 'string') url = new URL(o.href);
      else if (typeof o.origin === 'string' || o.origin instanceof URL) url = new URL(String(o.origin));
    }
  } catch {
    return undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ws:' && url.protocol !== 'wss:')) return undefined;
  return url.hostname.replace(/^\[|\]$/g, '');
}

function precheck(operation: string, input: unknown): void {
  const ctx = currentInvocation();
  const pol = ctx?.policies ?? state.outside.policies;
  if (!withInputs(ctx) && !(pol && pol.egress.action !== 'allow')) return;
  const host = targetHost(input);
  if (host !== undefined) checkDestination(operation, host, ctx);
}

function promiseWrapper(operation: string, orig: (this: unknown, ...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]): unknown {
    try {
      precheck(operation, args[0]);
    } catch (err) {
      return Promise.reject(err);
    }
    return orig.apply(this, args);
  };
}

export function installFetch(): string[] {
  const g = globalThis as unknown as { fetch?: unknown };
  const orig = g.fetch;
  if (typeof orig !== 'function' || (orig as unknown as Record<symbol, unknown>)[WRAPPED] === true) return [];
  const wrapped = promiseWrapper('fetch', orig as (this: unknown, ...args: unknown[]) => unknown);
  Object.defineProperty(wrapped, 'name', { value: 'fetch' });
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  Object.defineProperty(globalThis, 'fetch', { value: wrapped, writable: true, configurable: true, enumerable: desc?.enumerable ?? true });
  onUndo(() => {
    if (desc) Object.defineProperty(globalThis, 'fetch', desc);
  });
  return ['fetch'];
}

/** The `undici` package, hooked when loaded (or via guard for a bundled copy). */
export const undiciHook: PackageHook = {
  name: 'undici',
  patch(exports: unknown): boolean {
    if (exports === null || typeof exports !== 'object') return false;
    const mod = exports as Record<string, unknown>;
    if (typeof mod.request !== 'function' || typeof mod.Agent !== 'function') return false;
    let any = false;
    for (const fn of ['request', 'fetch', 'stream', 'pipeline']) {
      any = wrapMethod(mod, fn, (orig) => (fn === 'pipeline' ? pipelineWrapper(orig) : promiseWrapper(`undici.${fn}`, orig))) || any;
    }
    return any;
  },
};

/** `pipeline` returns a stream, not a promise: a block is thrown. */
function pipelineWrapper(orig: (this: unknown, ...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]): unknown {
    precheck('undici.pipeline', args[0]);
    return orig.apply(this, args);
  };
}
