/**
 * Reading an Azure `HttpRequest` body for inspection while leaving it readable for the handler.
 *
 * Why not `request.clone().text()`: `HttpRequest#clone()` structured-clones the request's init, tees
 * the native stream and builds a second HttpRequest; on a 1 KB body that is about 80 µs, more than
 * the whole inspection. Instead the body is read once, as bytes, and this request object answers the
 * body methods from those bytes with the platform's one-read semantics: `bodyUsed` turns true after
 * a read, a second read rejects with a TypeError, `body` is a fresh byte stream, `clone()` makes a new
 * HttpRequest from the same bytes (and throws once the body was used, like the native one). Binary
 * bodies stay exact: the bytes are kept, only the inspected copy is decoded.
 *
 * Requests this cannot adopt (frozen or non-extensible objects, stand-ins without `arrayBuffer`) are
 * read through `clone()` as before.
 */

import { types } from 'node:util';
import type { HttpRequestLike } from './normalize';

interface Adoptable extends HttpRequestLike {
  arrayBuffer(): Promise<ArrayBuffer>;
  bodyUsed?: boolean;
  constructor: unknown;
}

/** The kept bytes and the one-read state of an adopted request. */
interface Kept {
  bytes: Uint8Array;
  /**
   * The bytes decoded as UTF-8, when the inspection decoded them: the handler's `text()` and `json()`
   * get the same string (TextDecoder gives the same text for the same bytes) instead of a second
   * decode of the whole body.
   */
  text: string | undefined;
  used: boolean;
  stream: ReadableStream<Uint8Array> | undefined;
}

type Adopted = Adoptable & { [KEPT]: Kept };

const KEPT = Symbol('serverless-rasp.body');
const utf8 = new TextDecoder();

function unusable(): TypeError {
  return new TypeError('Body is unusable: Body has already been read');
}

function canAdopt(req: object): req is Adoptable {
  const r = req as Partial<Adoptable>;
  return Object.isExtensible(req) && typeof r.arrayBuffer === 'function' && typeof r.clone === 'function' && typeof r.constructor === 'function';
}

/** What reading a body gives the engine: its text, its bytes (`asBytes`), or undefined (no body). */
export type BodyRead = string | Uint8Array | undefined;

/**
 * The body as text for the engine (undefined when the request has none), leaving `req` readable.
 * Rejects with what reading the body throws (a disturbed or failed stream).
 */
export async function readBodyKeepReadable(req: HttpRequestLike, asBytes = false): Promise<BodyRead> {
  return readBody(req, asBytes);
}

/**
 * readBodyKeepReadable without its promise where none is needed: the value itself when there is no
 * stream to read (no body, a body already kept), else one promise, the read's own (the decoding and
 * the adoption run in its last step). An async function around it cost one promise and one await per
 * invocation more, each hooked by the sink checks' AsyncLocalStorage. Throws synchronously only what
 * `req.body` or `clone()` throw.
 */
export function readBody(req: HttpRequestLike, asBytes: boolean): BodyRead | Promise<BodyRead>;
export function readBody(req: HttpRequestLike, asBytes: boolean, next: BodyNext): BodyRead | Promise<unknown>;
export function readBody(req: HttpRequestLike, asBytes: boolean, next?: BodyNext): BodyRead | Promise<unknown> {
  const stream = req.body;
  if (stream === null) return undefined;
  const kept = (req as Partial<Adopted>)[KEPT];
  // Already adopted (protect() around protect()): the kept bytes, if the handler has not read them.
  // `asBytes` for a compressed body: the engine inflates bytes, and UTF-8 text would have lost them.
  if (kept !== undefined && !kept.used) return asBytes ? kept.bytes : (kept.text ??= utf8.decode(kept.bytes));
  let read: Promise<BodyRead>;
  if (!canAdopt(req)) read = asBytes ? req.clone().arrayBuffer().then((b) => new Uint8Array(b)) : req.clone().text();
  else if (ownsNativeBody(req)) return readNativeBody(req, stream, asBytes, next);
  else read = req.arrayBuffer().then((b) => keep(req, new Uint8Array(b), asBytes));
  return next === undefined ? read : read.then(next.then, next.failed);
}

/**
 * What follows a body read that waits (see readBody's `next`): `then` with what the engine reads,
 * `failed` with what reading threw. The adapter's invocation continues into the inspection from
 * inside the read's own last step: a `.then` on the read's promise was one promise and one
 * microtask more per invocation, each a call of the sink checks' promise hooks (init, before,
 * after) and an allocation.
 */
export interface BodyNext {
  then: (body: BodyRead) => unknown;
  failed: (err: unknown) => unknown;
}

/** Adopts `bytes` as `req`'s body; gives the engine their text, or the bytes themselves. */
function keep(req: Adoptable, bytes: Uint8Array, asBytes: boolean): BodyRead {
  const text = asBytes ? undefined : utf8.decode(bytes);
  adopt(req, bytes, text);
  return text ?? bytes;
}

let httpRequestClass: (new (...args: never[]) => unknown) | null | undefined;

/** The SDK's `HttpRequest` class, or null; loaded on first use only (see isAzureHttpRequest). */
function sdkHttpRequest(): (new (...args: never[]) => unknown) | null {
  if (httpRequestClass === undefined) {
    try {
      // Lazy on purpose: importing this adapter must not load the SDK. In an Azure app it is already
      // in the require cache (the app registered its functions with it), so this costs nothing.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      httpRequestClass = (require('@azure/functions') as { HttpRequest?: new () => unknown }).HttpRequest ?? null;
    } catch {
      httpRequestClass = null;
    }
  }
  return httpRequestClass;
}

/** `instanceof HttpRequest` without loading @azure/functions unless the app already depends on it. */
export function isAzureHttpRequest(v: object): boolean {
  const C = sdkHttpRequest();
  return C !== null && v instanceof C;
}

/**
 * True when `req` is a plain SDK HttpRequest (its class exactly, nothing of the body shadowed on the
 * object), whose `arrayBuffer()`, `body` and `bodyUsed` forward to its undici Request: then reading
 * `req.body`'s stream is what `arrayBuffer()` does, without the layers above it (see readNativeBody).
 */
function ownsNativeBody(req: Adoptable): boolean {
  const C = sdkHttpRequest();
  if (C === null || Object.getPrototypeOf(req) !== C.prototype) return false;
  const own = Object.prototype.hasOwnProperty;
  return !own.call(req, 'arrayBuffer') && !own.call(req, 'body') && !own.call(req, 'bodyUsed');
}

/**
 * The body's bytes read from its stream, as undici's `arrayBuffer()` reads them (fetch's "fully read
 * body": getReader, read to the end, every chunk a Uint8Array or a TypeError), minus what surrounds
 * that: the SDK's async wrapper, consumeBody's deferred promise and fullyReadBody, and two copies of
 * the bytes (Buffer.concat, then `new Uint8Array(bytes).buffer`): ~10 µs of the read of a 1 KB body,
 * and 18-31 µs of protect()'s added time on the bench's typical POST with the GC work they made
 * (CPU time, interleaved A/B, Node 20, a shared and noisy machine). The bytes are still copied once,
 * into a plain Uint8Array of their own: a stream that is not a byte stream (one the caller built)
 * hands out the very chunks its source enqueued, which that source could still change.
 * A locked or used stream goes to `arrayBuffer()`, which rejects as it always did; a stream that
 * fails rejects with the same error, since undici passes the reader's rejection through unchanged.
 * (consumeBody's other check, an aborted state, is set on responses only, never on a Request.)
 * Then adopted (keep): the engine's text or bytes come out of this one promise, or, with `next`,
 * what `next` makes of them (see BodyNext).
 */
async function readNativeBody(req: Adoptable, stream: unknown, asBytes: boolean, next?: BodyNext): Promise<unknown> {
  let read: BodyRead;
  try {
    if (!(stream instanceof ReadableStream) || stream.locked || req.bodyUsed) read = keep(req, new Uint8Array(await req.arrayBuffer()), asBytes);
    else {
      const reader = (stream as ReadableStream<unknown>).getReader();
      let first: Uint8Array | undefined;
      let more: Uint8Array[] | undefined;
      let length = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!types.isUint8Array(value)) throw new TypeError('Received non-Uint8Array chunk');
        if (first === undefined) first = value;
        else (more ??= [first]).push(value);
        length += value.byteLength;
      }
      if (more === undefined) read = keep(req, first === undefined ? new Uint8Array(0) : new Uint8Array(first), asBytes);
      else {
        const out = new Uint8Array(length);
        let at = 0;
        for (const c of more) {
          out.set(c, at);
          at += c.byteLength;
        }
        read = keep(req, out, asBytes);
      }
    }
  } catch (err) {
    // The read's failure, not what follows it: `next.then` throwing rejects this promise as is.
    if (next === undefined) throw err;
    return next.failed(err);
  }
  return next === undefined ? read : next.then(read);
}

function take(r: Adopted): Uint8Array {
  const k = r[KEPT];
  if (k.used) throw unusable();
  k.used = true;
  return k.bytes;
}

/** The body read once as text: the inspection's decoding when there was one. */
function takeText(r: Adopted): string {
  const text = r[KEPT].text;
  const bytes = take(r);
  return text ?? utf8.decode(bytes);
}

/** Each read gets its own copy: what the handler does to one buffer must not show in a clone. */
function copy(r: Adopted): ArrayBuffer {
  const b = take(r);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

const contentType = (r: Adopted): string => r.headers.get('content-type') ?? '';

function method(fn: (r: Adopted) => unknown): PropertyDescriptor {
  return {
    configurable: true,
    writable: true,
    value: async function (this: Adopted) {
      return fn(this);
    },
  };
}

/** Shared by every adopted request: the per-request state lives under KEPT. */
const DESCRIPTORS: PropertyDescriptorMap = {
  bodyUsed: {
    configurable: true,
    get(this: Adopted) {
      return this[KEPT].used;
    },
  },
  body: {
    configurable: true,
    get(this: Adopted) {
      const k = this[KEPT];
      return (k.stream ??= new ReadableStream<Uint8Array>({
        pull: (controller) => {
          controller.enqueue(new Uint8Array(copy(this)));
          controller.close();
        },
      }));
    },
  },
  arrayBuffer: method(copy),
  text: method(takeText),
  json: method((r) => JSON.parse(takeText(r)) as unknown),
  blob: method((r) => new Blob([copy(r)], { type: contentType(r) })),
  formData: method((r) => new Response(copy(r), { headers: { 'content-type': contentType(r) } }).formData()),
  clone: {
    configurable: true,
    writable: true,
    value(this: Adopted) {
      const k = this[KEPT];
      if (k.used) throw unusable();
      const headers: Record<string, string> = {};
      this.headers.forEach((v, name) => {
        headers[name] = v;
      });
      const query: Record<string, string> = {};
      this.query?.forEach((v, name) => {
        query[name] = v;
      });
      const Ctor = this.constructor as new (init: object) => unknown;
      return new Ctor({ method: this.method, url: this.url, headers, query, params: { ...this.params }, body: { bytes: k.bytes.slice() } });
    },
  },
};

/** The body members an adopted request answers itself. */
const MEMBERS = Object.keys(DESCRIPTORS);

/** One derived prototype per request class, made on first use. */
const PROTOS = new WeakMap<object, object>();

/**
 * Answers the body members from `bytes`. Where the class keeps them on its prototype (HttpRequest
 * does), the request gets a derived prototype: one prototype switch instead of eight property
 * definitions and their closures per request (~13 µs of ~15 on a 1 KB POST). `instanceof` and the
 * class's private fields are unchanged: the object stays the same.
 */
function adopt(req: Adoptable, bytes: Uint8Array, text: string | undefined): void {
  (req as Adopted)[KEPT] = { bytes, text, used: false, stream: undefined };
  const base = Object.getPrototypeOf(req) as object | null;
  if (base !== null && !MEMBERS.some((m) => Object.prototype.hasOwnProperty.call(req, m))) {
    let proto = PROTOS.get(base);
    if (proto === undefined) {
      proto = Object.create(base, DESCRIPTORS) as object;
      PROTOS.set(base, proto);
    }
    Object.setPrototypeOf(req, proto);
  } else {
    Object.defineProperties(req, DESCRIPTORS);
  }
}
