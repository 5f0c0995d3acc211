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

import type { HttpRequestLike } from './normalize';

interface Adoptable extends HttpRequestLike {
  arrayBuffer(): Promise<ArrayBuffer>;
  constructor: unknown;
}

const utf8 = new TextDecoder();

function unusable(): TypeError {
  return new TypeError('Body is unusable: Body has already been read');
}

function canAdopt(req: object): req is Adoptable {
  const r = req as Partial<Adoptable>;
  return Object.isExtensible(req) && typeof r.arrayBuffer === 'function' && typeof r.clone === 'function' && typeof r.constructor === 'function';
}

/**
 * The body as text for the engine (undefined when the request has none), leaving `req` readable.
 * Throws what reading the body throws (a disturbed or failed stream).
 */
export async function readBodyKeepReadable(req: HttpRequestLike): Promise<string | undefined> {
  if (req.body === null) return undefined;
  if (!canAdopt(req)) return req.clone().text();
  const bytes = new Uint8Array(await req.arrayBuffer());
  adopt(req, bytes);
  return utf8.decode(bytes);
}

function adopt(req: Adoptable, bytes: Uint8Array): void {
  let used = false;
  const take = (): Uint8Array => {
    if (used) throw unusable();
    used = true;
    return bytes;
  };
  // Each read gets its own copy: what the handler does to one buffer must not show in a clone.
  const copy = (): ArrayBuffer => {
    const b = take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
  const contentType = (): string => req.headers.get('content-type') ?? '';
  let stream: ReadableStream<Uint8Array> | undefined;
  const Ctor = req.constructor as new (init: object) => unknown;
  const method = (fn: () => unknown) => ({
    configurable: true,
    writable: true,
    value: async () => fn(),
  });
  Object.defineProperties(req, {
    bodyUsed: { configurable: true, get: () => used },
    body: {
      configurable: true,
      get: () =>
        (stream ??= new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.enqueue(new Uint8Array(copy()));
            controller.close();
          },
        })),
    },
    arrayBuffer: method(copy),
    text: method(() => utf8.decode(take())),
    json: method(() => JSON.parse(utf8.decode(take())) as unknown),
    blob: method(() => new Blob([copy()], { type: contentType() })),
    formData: method(() => new Response(copy(), { headers: { 'content-type': contentType() } }).formData()),
    clone: {
      configurable: true,
      writable: true,
      value: () => {
        if (used) throw unusable();
        const headers: Record<string, string> = {};
        req.headers.forEach((v, k) => {
          headers[k] = v;
        });
        const query: Record<string, string> = {};
        req.query?.forEach((v, k) => {
          query[k] = v;
        });
        return new Ctor({ method: req.method, url: req.url, headers, query, params: { ...req.params }, body: { bytes: bytes.slice() } });
      },
    },
  });
}
