/**
 * Outbound http and https: `request` and `get` on both modules. The destination host is checked before
 * the request object exists (SSRF by name or IP literal, egress by name), so a block is a synchronous
 * SinkBlockedError from `http.request()`; names are checked again after DNS by the socket hook.
 */
import { currentInvocation, sinkGlobal } from './context';
import { builtinLoaded, onBuiltinLoad, withInputs, wrapMethod } from './hooks';
import { checkDestination } from './net';

const state = sinkGlobal();

interface ReqOptions {
  host?: unknown;
  hostname?: unknown;
  socketPath?: unknown;
}

/** The host an http(s).request call goes to, or undefined for a Unix socket or unparsable input. */
export function requestHost(args: readonly unknown[], defaultHost = 'localhost'): string | undefined {
  const a0 = args[0];
  let host: string | undefined;
  let opts: ReqOptions | undefined;
  if (typeof a0 === 'string' || a0 instanceof URL) {
    try {
      host = (typeof a0 === 'string' ? new URL(a0) : a0).hostname;
    } catch {
      return undefined;
    }
    if (args[1] !== null && typeof args[1] === 'object' && !(args[1] instanceof URL)) opts = args[1] as ReqOptions;
  } else if (a0 !== null && typeof a0 === 'object') {
    opts = a0 as ReqOptions;
  }
  if (opts) {
    if (typeof opts.socketPath === 'string') return undefined;
    if (typeof opts.hostname === 'string' && opts.hostname !== '') host = opts.hostname;
    else if (typeof opts.host === 'string' && opts.host !== '') host = opts.host;
  }
  return (host ?? defaultHost).replace(/^\[|\]$/g, '');
}

/** Wraps `request` and `get` of one of the two modules; returns the operations wrapped. */
function patchHttpModule(name: 'http' | 'https', mod: Record<string, unknown>): string[] {
  const done: string[] = [];
  for (const fn of ['request', 'get']) {
    const operation = `${name}.${fn}`;
    if (
      wrapMethod(mod, fn, (orig) =>
        function (this: unknown, ...args: unknown[]) {
          const ctx = currentInvocation();
          const pol = ctx?.policies ?? state.outside.policies;
          if (withInputs(ctx) || (pol && pol.egress.action !== 'allow')) {
            const host = requestHost(args);
            if (host !== undefined) checkDestination(operation, host, ctx);
          }
          return orig.apply(this, args);
        },
      )
    )
      done.push(operation);
  }
  return done;
}

/**
 * Patches http and https now if the process has loaded them, else when user code first requires them
 * (hooks.ts onBuiltinLoad): a function that makes no http(s) call does not pay for loading http,
 * https, tls and crypto at cold start (~3.8 ms of CPU on the bench's machine, of ~57).
 *
 * Why later is as safe here: every path that hands user code these modules' functions is patched
 * before the code gets them (`require`, bundled or not, and `import` of CommonJS code that requires
 * them: Module._load; process.getBuiltinModule), except an ES module `import` of a built-in, which no
 * Node 20 hook sees. A request through such an import is still checked, with the same SSRF and egress
 * checks, at the socket hook (net.ts: net.Socket#connect, every TCP connection, https's TLS included;
 * always installed with this group, and net is loaded by child_process anyway): it fails with the
 * SinkBlockedError as an 'error' event, after DNS, rather than a throw from request(). Patching in
 * place at the next `require` or getBuiltinModule re-syncs such imports. test/sinks/lazy-http.test.ts.
 * The operations are listed as installed when armed: they are patched before user code can call them.
 * `lazy` false (the socket hook could not be installed by this copy): patched now.
 */
export function installHttp(lazy = true): string[] {
  const done: string[] = [];
  for (const name of ['http', 'https'] as const) {
    if (lazy && builtinLoaded(name) === false && onBuiltinLoad(name, (mod) => patchHttpModule(name, mod as Record<string, unknown>))) {
      done.push(`${name}.request`, `${name}.get`);
    } else done.push(...patchHttpModule(name, (name === 'http' ? require('node:http') : require('node:https')) as Record<string, unknown>));
  }
  return done;
}
