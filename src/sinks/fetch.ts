/**
 * Global `fetch` (Node's bundled undici) and the `undici` package (request, fetch, stream, pipeline):
 * the URL's host is checked before the request starts (SSRF by name or literal, egress by name); the
 * returned promise rejects with SinkBlockedError. Names are checked again after DNS by the socket hook,
 * whose block surfaces as `TypeError('fetch failed', { cause: SinkBlockedError })`.
 */
import { currentInvocation, sinkGlobal } from './context';
import { onUndo, withInputs, wrapMethod, type PackageHook } from './hooks';
import { checkDestination, inputChoosingHost, markInputHost } from './net';

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

function precheck(operation: string, input: unknown): string | undefined {
  const ctx = currentInvocation();
  const pol = ctx?.policies ?? state.outside.policies;
  if (!withInputs(ctx) && !(pol && pol.egress.action !== 'allow')) return undefined;
  const host = targetHost(input);
  if (host !== undefined) checkDestination(operation, host, ctx);
  return host;
}

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

interface Dispatcher {
  dispatch(opts: { origin?: unknown }, handler: unknown): unknown;
  isMockActive?: boolean;
}

/** A Request's own dispatcher (undici keeps it under a private `Symbol('dispatcher')`). */
function requestDispatcher(input: unknown): Dispatcher | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  for (const s of Object.getOwnPropertySymbols(input)) {
    if (s.description === 'dispatcher') {
      const d = (input as Record<symbol, unknown>)[s];
      if (d !== null && typeof d === 'object' && typeof (d as Dispatcher).dispatch === 'function') return d as Dispatcher;
    }
  }
  return undefined;
}

function originHost(origin: unknown): string | undefined {
  try {
    const u = origin instanceof URL ? origin : new URL(String(origin));
    return u.hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * fetch follows redirects itself, each hop one `dispatch` of the same dispatcher: a URL whose host came
 * from input can answer 302 to http://169.254.169.254/, a host no input names, which the host checks
 * would let through. For such a request the dispatcher is wrapped so that every hop's host counts as
 * chosen by that input: checked here by name or literal, and after DNS at the socket. Requests whose
 * host no input chose keep their dispatcher (their redirects are the function's own business). Cost:
 * one host-from-input scan per fetch of an invocation with inputs, and an object per steered fetch.
 */
function steerRedirects(operation: string, args: unknown[], host: string | undefined): unknown[] {
  if (host === undefined) return args;
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return args;
  const input = inputChoosingHost(host, ctx);
  if (input === undefined) return args;
  const init = args[1];
  if (init !== undefined && (init === null || typeof init !== 'object')) return args;
  // Only a plain init is re-based below: a class instance's getters (a Request passed as init) check
  // their receiver and would throw on an object that merely inherits from it.
  if (init !== undefined) {
    const proto = Object.getPrototypeOf(init) as unknown;
    if (proto !== Object.prototype && proto !== null) return args;
  }
  const given = (init as { dispatcher?: unknown } | undefined)?.dispatcher;
  const own = given !== null && typeof given === 'object' && typeof (given as Dispatcher).dispatch === 'function' ? (given as Dispatcher) : requestDispatcher(args[0]);
  const inner = (): Dispatcher => own ?? ((globalThis as unknown as Record<symbol, Dispatcher>)[GLOBAL_DISPATCHER] as Dispatcher);
  const first = host.toLowerCase();
  const wrapper: Dispatcher = {
    dispatch(opts, handler) {
      const h = opts !== null && typeof opts === 'object' ? originHost(opts.origin) : undefined;
      if (h !== undefined && h.toLowerCase() !== first) {
        markInputHost(ctx, h, input);
        checkDestination(`${operation} (redirect)`, h, ctx);
      }
      return inner().dispatch(opts, handler);
    },
    get isMockActive() {
      return inner().isMockActive;
    },
  };
  // The caller's init stays the prototype: every option it sets is read through unchanged.
  const steered = Object.create((init as object | undefined) ?? null, { dispatcher: { value: wrapper, enumerable: true } }) as object;
  const out = args.slice();
  out[1] = steered;
  return out;
}

function promiseWrapper(operation: string, orig: (this: unknown, ...args: unknown[]) => unknown) {
  const follows = operation === 'fetch' || operation === 'undici.fetch';
  return function (this: unknown, ...args: unknown[]): unknown {
    let call = args;
    try {
      const host = precheck(operation, args[0]);
      if (follows) call = steerRedirects(operation, args, host);
    } catch (err) {
      return Promise.reject(err);
    }
    return orig.apply(this, call);
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
