/**
 * The network choke point: `net.Socket.prototype.connect`, through which every TCP connection goes
 * (http, https, tls, global fetch and undici, database drivers). A destination given as an IP literal
 * is checked at once; a name is checked AFTER DNS resolution through a `lookup` function we put in the
 * connect options, on the very addresses the socket will use, so DNS rebinding (a name that resolved
 * to a public address for an earlier check and to 169.254.169.254 now) is covered.
 *
 * Two checks: SSRF (an internal or metadata destination whose host came from input) and the `egress`
 * allowlist policy.
 */
import type * as dns from 'node:dns';
import type * as net from 'node:net';
import { checkSsrf, hostFromInput, inputHosts, ipBytes, platformEndpoints, type InternalEndpoint } from './analysis/ssrf';
import { currentInvocation, raise, sinkGlobal, type Invocation, type UserInput } from './context';
import { policyFinding, sinkFinding, withInputs, wrapMethod } from './hooks';
import { connectionObservers, notifyConnect } from './observe';
import { egressAllowed, type ResolvedPolicies } from './policies';

const state = sinkGlobal();
let endpoints: InternalEndpoint[] = [];
/**
 * Node's resolver, required at the first connection to a name, where Node's own connect loads dns
 * anyway (not at cold start: ~0.4 ms).
 */
let dnsLookup: typeof dns.lookup | undefined;

function policiesOf(ctx: Invocation | undefined): ResolvedPolicies | undefined {
  return ctx?.policies ?? state.outside.policies;
}

function endpointsOf(ctx: Invocation | undefined): readonly InternalEndpoint[] {
  return policiesOf(ctx)?.endpoints ?? endpoints;
}

function hostsOf(ctx: Invocation): Map<string, import('./context').UserInput> {
  return ctx.memo('input-hosts', () => inputHosts(ctx.inputs));
}

/** The input that chose `host` (a name or literal), or undefined when no input did. */
export function inputChoosingHost(host: string, ctx: Invocation): UserInput | undefined {
  return hostFromInput(host, ctx.inputs, ctx.lowered, hostsOf(ctx));
}

/**
 * Records that `input` chose `host` although `host` is not in it: a redirect target of a request whose
 * first host came from input. Every later check of this invocation (by name, and after DNS at the
 * socket) then treats `host` as input-chosen.
 */
export function markInputHost(ctx: Invocation, host: string, input: UserInput): void {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  const hosts = hostsOf(ctx);
  if (h !== '' && !hosts.has(h)) hosts.set(h, input);
}

/**
 * Checks a destination before any DNS: SSRF by name or literal, egress by name or literal. Returns
 * true when the decision needs the resolved addresses (a name the egress policy does not allow by name).
 * Throws SinkBlockedError to block.
 */
export function checkDestination(operation: string, host: string, ctx: Invocation | undefined): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (withInputs(ctx)) {
    const v = checkSsrf(h, undefined, ctx.inputs, ctx.lowered, endpointsOf(ctx), hostsOf(ctx));
    if (v) ctx.raise(sinkFinding('ssrf', operation, v, h), 'block');
  }
  const pol = policiesOf(ctx);
  if (pol && pol.egress.action !== 'allow' && !egressAllowed(pol.egress, h)) {
    if (ipBytes(h) === undefined) return true;
    raise(ctx, policyFinding('egress', operation, `Outbound connection to ${h}, which the egress policy does not allow.`, h), pol.egress.action);
  }
  return false;
}

/** Checks one resolved address of `host`. Throws SinkBlockedError to block. */
export function checkResolved(operation: string, host: string, address: string, ctx: Invocation | undefined, egressPending: boolean): void {
  if (withInputs(ctx)) {
    const v = checkSsrf(host, address, ctx.inputs, ctx.lowered, endpointsOf(ctx), hostsOf(ctx));
    if (v) ctx.raise(sinkFinding('ssrf', operation, v, `${host} (${address})`), 'block');
  }
  const pol = policiesOf(ctx);
  if (egressPending && pol && pol.egress.action !== 'allow' && !egressAllowed(pol.egress, host, address)) {
    raise(ctx, policyFinding('egress', operation, `Outbound connection to ${host} (${address}), which the egress policy does not allow.`, host), pol.egress.action);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
type LookupFn = (hostname: string, options: unknown, callback: LookupCallback) => void;

/** A `lookup` that checks the addresses before the socket sees them. */
function checkingLookup(base: LookupFn, operation: string, ctx: Invocation | undefined, egressPending: boolean): LookupFn {
  return function raspLookup(hostname: string, options: unknown, callback: LookupCallback): void {
    let cb = callback;
    let opts = options;
    if (typeof options === 'function') {
      cb = options as LookupCallback;
      opts = {};
    }
    base(hostname, opts, (err, address, family) => {
      if (err) {
        cb(err, address, family);
        return;
      }
      try {
        const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
        for (const a of list) checkResolved(operation, hostname, a, ctx, egressPending);
      } catch (e) {
        cb(e as NodeJS.ErrnoException, Array.isArray(address) ? [] : '', family);
        return;
      }
      cb(null, address, family);
    });
  };
}

interface ConnectOptions {
  host?: unknown;
  port?: unknown;
  path?: unknown;
  lookup?: unknown;
}

/** installNet's entry in the installed list. */
export const NET_HOOK = 'net.Socket.connect (post-DNS)';

export function installNet(): string[] {
  endpoints = platformEndpoints(process.env);
  // Required here, not at import: with http, fetch, the egress policy and the egress watch off, net
  // is never loaded by this library.
  const proto = (require('node:net') as typeof net).Socket.prototype as unknown as Record<string, unknown>;
  const ok = wrapMethod(proto, 'connect', (orig) =>
    function raspConnect(this: unknown, ...args: unknown[]) {
      const ctx = currentInvocation();
      // Egress watch and other observers (observe.ts): before any early return, may block.
      if (connectionObservers.length !== 0 && notifyConnect(this as net.Socket, args, ctx)) return this;
      const pol = policiesOf(ctx);
      if (!withInputs(ctx) && !(pol && pol.egress.action !== 'allow')) return orig.apply(this, args);
      // Forms: ([options, cb]) from net.connect, (options, cb), (port, host?, cb?), (path, cb).
      let options: ConnectOptions | undefined;
      let rebuild: (o: ConnectOptions) => unknown[];
      const a0 = args[0];
      if (Array.isArray(a0)) {
        options = a0[0] as ConnectOptions;
        rebuild = (o) => {
          const copy = [...a0];
          copy[0] = o;
          // net.connect marks its normalized array with a symbol; keep it.
          for (const s of Object.getOwnPropertySymbols(a0)) (copy as unknown as Record<symbol, unknown>)[s] = (a0 as unknown as Record<symbol, unknown>)[s];
          return [copy, ...args.slice(1)];
        };
      } else if (a0 !== null && typeof a0 === 'object') {
        options = a0 as ConnectOptions;
        rebuild = (o) => [o, ...args.slice(1)];
      } else if (typeof a0 === 'number' || (typeof a0 === 'string' && /^\d+$/.test(a0))) {
        options = { port: a0, host: typeof args[1] === 'string' ? args[1] : undefined };
        const cb = args.find((x) => typeof x === 'function');
        rebuild = (o) => (cb ? [o, cb] : [o]);
      } else {
        return orig.apply(this, args);
      }
      if (!options || (typeof options.path === 'string' && options.path !== '')) return orig.apply(this, args);
      const host = typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
      const operation = 'net.connect';
      let pending: boolean;
      try {
        pending = checkDestination(operation, host, ctx);
      } catch (err) {
        // Report it the way a failed connect does: an 'error' event, never a connection.
        const sock = this as net.Socket;
        process.nextTick(() => sock.destroy(err as Error));
        return sock;
      }
      if (ipBytes(host.replace(/^\[|\]$/g, '')) !== undefined) return orig.apply(this, args);
      const base = (typeof options.lookup === 'function' ? options.lookup : (dnsLookup ??= (require('node:dns') as typeof dns).lookup)) as LookupFn;
      return orig.apply(this, rebuild({ ...options, lookup: checkingLookup(base, operation, ctx, pending) }));
    },
  );
  return ok ? [NET_HOOK] : [];
}
