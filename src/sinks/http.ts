/**
 * Outbound http and https: `request` and `get` on both modules. The destination host is checked before
 * the request object exists (SSRF by name or IP literal, egress by name), so a block is a synchronous
 * SinkBlockedError from `http.request()`; names are checked again after DNS by the socket hook.
 */
import { currentInvocation, sinkGlobal } from './context';
import { withInputs, wrapMethod } from './hooks';
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

export function installHttp(): string[] {
  const done: string[] = [];
  // Required here, not at import: with http and the egress policy off, http and https (tls, crypto:
  // ~5 ms) are never loaded.
  const http = require('node:http') as typeof import('node:http');
  const https = require('node:https') as typeof import('node:https');
  for (const [name, mod] of [
    ['http', http],
    ['https', https],
  ] as const) {
    for (const fn of ['request', 'get']) {
      const operation = `${name}.${fn}`;
      if (
        wrapMethod(mod as unknown as Record<string, unknown>, fn, (orig) =>
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
  }
  return done;
}
