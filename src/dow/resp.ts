/**
 * A tiny Redis client (RESP2) over node:net / node:tls, made for a fail-open cache on a hot path:
 * - one connection, pipelining (one write, one round trip for many commands);
 * - a timeout per command or pipeline; on a timeout the connection is dropped (replies are ordered,
 *   so a late reply could otherwise be matched to the wrong command) and every pending call rejects;
 * - reconnection with exponential backoff and jitter; while backing off, calls fail immediately
 *   instead of queueing (nothing ever waits for a dead server);
 * - AUTH with password or username + password (Redis 6 ACL), SELECT, and TLS (ElastiCache in-transit
 *   encryption, Upstash, Azure Cache for Redis on 6380, Memorystore with a server CA);
 * - the socket is unref'd while idle so it never keeps a process alive.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

export type RespArg = string | number;
export type RespValue = string | number | null | RespError | RespValue[];

/** An error reply from the server (`-ERR …`). Returned inside pipeline results, thrown by `command`. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

/** The connection failed, timed out or is backing off. */
export class RespConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RespConnectionError';
  }
}

export interface RespClientOptions {
  host: string;
  port: number;
  /** `true` for TLS with default options, or node:tls options (e.g. `{ ca }` for Memorystore). */
  tls?: boolean | tls.ConnectionOptions;
  username?: string;
  password?: string;
  db?: number;
  /** Time allowed to connect (TCP + TLS + AUTH), ms. */
  connectTimeoutMs: number;
  /** Time allowed for one command or pipeline once written, ms. */
  commandTimeoutMs: number;
  /** First reconnect delay, ms (doubles up to `maxBackoffMs`, with jitter). */
  minBackoffMs: number;
  maxBackoffMs: number;
  random?: () => number;
}

interface Pending {
  expect: number;
  replies: RespValue[];
  resolve: (v: RespValue[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
  internal: boolean;
}

const NEED_MORE = Symbol('need-more');
type Parsed = { value: RespValue; end: number } | typeof NEED_MORE;

/** Incremental RESP2 reply parser. */
export class RespParser {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;

  push(chunk: Buffer): void {
    if (this.off >= this.buf.length) {
      this.buf = chunk;
      this.off = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.off), chunk]);
      this.off = 0;
    }
  }

  /** The next complete reply, or undefined when more bytes are needed. */
  next(): RespValue | undefined {
    const r = this.parse(this.off);
    if (r === NEED_MORE) return undefined;
    this.off = r.end;
    return r.value;
  }

  private line(at: number): number {
    // Index of the '\r' ending the line that starts at `at`, or -1.
    const i = this.buf.indexOf(13, at);
    return i >= 0 && i + 1 < this.buf.length ? i : -1;
  }

  private parse(at: number): Parsed {
    if (at >= this.buf.length) return NEED_MORE;
    const type = this.buf[at];
    const eol = this.line(at + 1);
    if (eol < 0) return NEED_MORE;
    const head = this.buf.toString('latin1', at + 1, eol);
    const after = eol + 2;
    switch (type) {
      case 0x2b: // +
        return { value: this.buf.toString('utf8', at + 1, eol), end: after };
      case 0x2d: // -
        return { value: new RespError(this.buf.toString('utf8', at + 1, eol)), end: after };
      case 0x3a: // :
        return { value: Number(head), end: after };
      case 0x24: {
        // $
        const len = Number(head);
        if (len < 0) return { value: null, end: after };
        if (after + len + 2 > this.buf.length) return NEED_MORE;
        return { value: this.buf.toString('utf8', after, after + len), end: after + len + 2 };
      }
      case 0x2a: {
        // *
        const n = Number(head);
        if (n < 0) return { value: null, end: after };
        const out: RespValue[] = new Array<RespValue>(n);
        let pos = after;
        for (let i = 0; i < n; i++) {
          const r = this.parse(pos);
          if (r === NEED_MORE) return NEED_MORE;
          out[i] = r.value;
          pos = r.end;
        }
        return { value: out, end: pos };
      }
      default:
        throw new RespConnectionError(`unexpected RESP type byte 0x${(type ?? 0).toString(16)}`);
    }
  }
}

/** Encodes commands in RESP (arrays of bulk strings). */
export function encodeCommands(cmds: readonly (readonly RespArg[])[]): string {
  let out = '';
  for (const args of cmds) {
    out += `*${args.length}\r\n`;
    for (const a of args) {
      const s = typeof a === 'number' ? String(a) : a;
      out += `$${Buffer.byteLength(s, 'utf8')}\r\n${s}\r\n`;
    }
  }
  return out;
}

export type RespState = 'idle' | 'connecting' | 'ready' | 'backoff' | 'closed';

export class RespClient {
  private socket: net.Socket | undefined;
  private parser = new RespParser();
  private queue: Pending[] = [];
  private head = 0;
  private _state: RespState = 'idle';
  private attempts = 0;
  private retryAt = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  /** Connections opened, failures seen (for stats and tests). */
  connects = 0;
  failures = 0;
  lastError: string | undefined;

  constructor(readonly opts: RespClientOptions) {
    this.random = opts.random ?? Math.random;
  }

  get state(): RespState {
    return this._state;
  }

  private get pending(): number {
    return this.queue.length - this.head;
  }

  /** Sends one command; rejects with RespError for an error reply, RespConnectionError otherwise. */
  async command(args: readonly RespArg[]): Promise<RespValue> {
    const [r] = await this.pipeline([args]);
    if (r instanceof RespError) throw r;
    return r ?? null;
  }

  /**
   * Sends commands in one write and resolves with one reply per command (error replies are RespError
   * values in the array). Rejects with RespConnectionError when the connection fails, times out or is
   * backing off.
   */
  pipeline(cmds: readonly (readonly RespArg[])[]): Promise<RespValue[]> {
    if (cmds.length === 0) return Promise.resolve([]);
    if (this._state === 'closed') return Promise.reject(new RespConnectionError('client closed'));
    if (this._state === 'backoff') {
      if (Date.now() < this.retryAt) return Promise.reject(new RespConnectionError(`store unavailable, retrying in ${this.retryAt - Date.now()} ms: ${this.lastError ?? ''}`));
      this._state = 'idle';
    }
    if (this._state === 'idle') this.connect();
    return new Promise<RespValue[]>((resolve, reject) => {
      const p: Pending = { expect: cmds.length, replies: [], resolve, reject, timer: undefined, internal: false };
      this.enqueue(p, encodeCommands(cmds));
    });
  }

  private enqueue(p: Pending, payload: string): void {
    const sock = this.socket;
    if (!sock) {
      p.reject(new RespConnectionError('no connection'));
      return;
    }
    if (this.pending === 0) sock.ref();
    this.queue.push(p);
    // The timer starts now if connected; while connecting the connect timeout covers the wait and the
    // command timer starts when the connection is ready (see onReady).
    if (this._state === 'ready') this.arm(p);
    sock.write(payload);
  }

  private arm(p: Pending): void {
    if (p.timer) return;
    p.timer = setTimeout(() => this.fail(new RespConnectionError(`command timed out after ${this.opts.commandTimeoutMs} ms`)), this.opts.commandTimeoutMs);
    p.timer.unref();
  }

  private connect(): void {
    this._state = 'connecting';
    this.parser = new RespParser();
    const o = this.opts;
    let sock: net.Socket;
    if (o.tls) {
      const extra = typeof o.tls === 'object' ? o.tls : {};
      sock = tls.connect({ host: o.host, port: o.port, servername: net.isIP(o.host) ? undefined : o.host, ...extra });
      sock.once('secureConnect', () => this.onConnected(sock));
    } else {
      sock = net.connect({ host: o.host, port: o.port });
      sock.once('connect', () => this.onConnected(sock));
    }
    this.socket = sock;
    this.connects++;
    sock.setNoDelay(true);
    sock.on('data', (chunk: Buffer) => this.onData(sock, chunk));
    sock.on('error', (err) => this.fail(new RespConnectionError(`connection error: ${err.message}`, { cause: err }), sock));
    sock.on('close', () => this.fail(new RespConnectionError('connection closed'), sock));
    this.connectTimer = setTimeout(() => this.fail(new RespConnectionError(`connect timed out after ${o.connectTimeoutMs} ms`), sock), o.connectTimeoutMs);
    this.connectTimer.unref();
    // Handshake first: replies arrive in order, so AUTH/SELECT precede every user command.
    const hs: RespArg[][] = [];
    if (o.password !== undefined && o.password !== '') hs.push(o.username ? ['AUTH', o.username, o.password] : ['AUTH', o.password]);
    if (o.db !== undefined && o.db !== 0) hs.push(['SELECT', o.db]);
    if (hs.length === 0) hs.push(['PING']);
    const p: Pending = {
      expect: hs.length,
      replies: [],
      internal: true,
      timer: undefined,
      resolve: (replies) => {
        const bad = replies.find((r): r is RespError => r instanceof RespError);
        if (bad) this.fail(new RespConnectionError(`handshake failed: ${bad.message}`), sock);
        else this.onReady(sock);
      },
      reject: () => undefined,
    };
    this.queue.push(p);
    sock.ref();
    sock.write(encodeCommands(hs));
  }

  private onConnected(sock: net.Socket): void {
    if (sock !== this.socket) return;
    sock.setKeepAlive(true, 30_000);
  }

  private onReady(sock: net.Socket): void {
    if (sock !== this.socket) return;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this._state = 'ready';
    this.attempts = 0;
    for (let i = this.head; i < this.queue.length; i++) this.arm(this.queue[i]!);
    if (this.pending === 0) sock.unref();
  }

  private onData(sock: net.Socket, chunk: Buffer): void {
    if (sock !== this.socket) return;
    this.parser.push(chunk);
    for (;;) {
      let v: RespValue | undefined;
      try {
        v = this.parser.next();
      } catch (err) {
        this.fail(err instanceof Error ? err : new RespConnectionError(String(err)), sock);
        return;
      }
      if (v === undefined) break;
      const p = this.queue[this.head];
      if (!p) {
        this.fail(new RespConnectionError('reply without a pending command'), sock);
        return;
      }
      p.replies.push(v);
      if (p.replies.length === p.expect) {
        this.head++;
        if (p.timer) clearTimeout(p.timer);
        p.resolve(p.replies);
      }
    }
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.pending === 0 && this._state === 'ready') sock.unref();
  }

  /** Drops the connection, rejects everything pending and schedules a reconnect with backoff. */
  private fail(err: Error, sock: net.Socket | undefined = this.socket): void {
    if (sock === undefined || sock !== this.socket) return;
    this.socket = undefined;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    sock.removeAllListeners('data');
    sock.removeAllListeners('close');
    sock.on('error', () => undefined);
    sock.destroy();
    const pending = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.failures++;
    this.lastError = err.message;
    if (this._state !== 'closed') {
      const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** Math.min(this.attempts, 20));
      this.attempts++;
      this.retryAt = Date.now() + base * (0.5 + 0.5 * this.random());
      this._state = 'backoff';
    }
    for (const p of pending) {
      if (p.timer) clearTimeout(p.timer);
      if (!p.internal) p.reject(err);
    }
  }

  /** Closes the connection; pending and later calls reject. */
  close(): Promise<void> {
    const sock = this.socket;
    this._state = 'closed';
    this.fail(new RespConnectionError('client closed'), sock);
    return Promise.resolve();
  }
}

export interface RedisUrlParts {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db?: number;
}

/** Parses `redis://[user[:password]@]host[:port][/db]` and `rediss://…` (TLS). */
export function parseRedisUrl(url: string): RedisUrlParts {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new TypeError(`unsupported protocol ${u.protocol}; use redis:// or rediss://`);
  const out: RedisUrlParts = {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    tls: u.protocol === 'rediss:',
  };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  if (pass) {
    out.password = pass;
    if (user) out.username = user;
  } else if (user) {
    // redis://:password@ has an empty user; redis://password@ is a common shorthand for the password.
    out.password = user;
  }
  const path = u.pathname.replace(/^\//, '');
  if (path) {
    const db = Number(path);
    if (!Number.isInteger(db) || db < 0) throw new TypeError(`database must be a non-negative integer; got "${path}"`);
    out.db = db;
  }
  return out;
}
