/**
 * A subscription API for outbound connections, fed by the `net.Socket.prototype.connect` hook in
 * net.ts (one line there: `if (connectionObservers.length !== 0 && notifyConnect(this as net.Socket,
 * args, ctx)) return this;`, right after `const ctx = currentInvocation();`).
 *
 * Observers see every TCP connection attempt (http, https, fetch/undici, database drivers) with the
 * destination as the application named it, before DNS, and the current invocation. An observer may
 * throw a SinkBlockedError (through `raise` in context.ts) to stop the connection: the socket is then
 * destroyed with that error on the next tick, which is how a failed connect reports. Any other error
 * an observer throws is swallowed: watching must never break a connection.
 *
 * The observer list lives on a process-wide symbol, shared by every copy of this library (a bundled
 * copy and a required one), like the sink state.
 */
import type * as net from 'node:net';
import type { Invocation } from './context';
import { SinkBlockedError } from './errors';

export interface ConnectionEvent {
  /** Host as given (a name or an IP literal, IPv6 brackets stripped, case kept); `localhost` when none. */
  host: string;
  /** Destination port, when given. */
  port: number | undefined;
  operation: 'net.connect';
}

/** Called for each connection attempt. Throw a SinkBlockedError to stop it. */
export type ConnectionObserver = (event: ConnectionEvent, ctx: Invocation | undefined) => void;

const KEY = Symbol.for('serverless-rasp.observe.v1');

interface ObserveGlobal {
  connect: ConnectionObserver[];
}

function observeGlobal(): ObserveGlobal {
  const g = globalThis as unknown as Record<symbol, ObserveGlobal | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = { connect: [] };
    Object.defineProperty(globalThis, KEY, { value: s, enumerable: false, configurable: true, writable: false });
  }
  return s;
}

/** The live observer list (read by net.ts; its length is the whole cost when nobody observes). */
export const connectionObservers: readonly ConnectionObserver[] = observeGlobal().connect;

/** Subscribes; returns the unsubscribe function. */
export function observeConnections(fn: ConnectionObserver): () => void {
  const list = observeGlobal().connect;
  list.push(fn);
  return () => {
    const i = list.indexOf(fn);
    if (i !== -1) list.splice(i, 1);
  };
}

interface ConnectOptions {
  host?: unknown;
  port?: unknown;
  path?: unknown;
}

/**
 * The destination of a `Socket#connect(...)` call in any of its forms: `([options, cb])` from
 * net.connect, `(options, cb)`, `(port, host?, cb?)`, `(path, cb)`. Undefined for IPC paths.
 */
export function connectDestination(args: readonly unknown[]): ConnectionEvent | undefined {
  const a0 = args[0];
  let o: ConnectOptions | undefined;
  if (Array.isArray(a0)) o = a0[0] as ConnectOptions;
  else if (a0 !== null && typeof a0 === 'object') o = a0 as ConnectOptions;
  else if (typeof a0 === 'number' || (typeof a0 === 'string' && /^\d+$/.test(a0))) o = { port: a0, host: typeof args[1] === 'string' ? args[1] : undefined };
  else return undefined;
  if (o === null || typeof o !== 'object') return undefined;
  if (typeof o.path === 'string' && o.path !== '') return undefined;
  const raw = typeof o.host === 'string' && o.host !== '' ? o.host : 'localhost';
  const host = raw.replace(/^\[|\]$/g, '');
  const p = typeof o.port === 'number' ? o.port : typeof o.port === 'string' && /^\d+$/.test(o.port) ? Number(o.port) : undefined;
  return { host, port: p, operation: 'net.connect' };
}

/**
 * Tells every observer about one connect call. Returns true when an observer blocked it: the socket
 * is being destroyed with the SinkBlockedError and the caller must return it without connecting.
 */
export function notifyConnect(socket: net.Socket, args: readonly unknown[], ctx: Invocation | undefined): boolean {
  const list = observeGlobal().connect;
  if (list.length === 0) return false;
  let ev: ConnectionEvent | undefined;
  try {
    ev = connectDestination(args);
  } catch {
    ev = undefined;
  }
  if (ev === undefined) return false;
  for (const fn of [...list]) {
    try {
      fn(ev, ctx);
    } catch (err) {
      // instanceof, or the code for a SinkBlockedError of another copy of this library.
      if (err instanceof SinkBlockedError || (err instanceof Error && (err as { code?: unknown }).code === 'RASP_ERR_BLOCKED')) {
        process.nextTick(() => socket.destroy(err));
        return true;
      }
      // An observer's bug must not break the application's connection.
    }
  }
  return false;
}
