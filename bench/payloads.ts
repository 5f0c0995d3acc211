/**
 * The inputs the benchmarks feed every provider: one request (headers, query, body) per size, built
 * once and then shaped as each provider delivers it (API Gateway HTTP API event, Azure HttpRequest,
 * functions-framework request), plus the same data as libddwaf's addresses. Benign and deterministic
 * (seeded), so every run inspects the same text and nothing is blocked.
 */
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import * as ev from '../test/helpers/lambda-events';
import { prng as rng } from '../test/helpers/prng';
import { freshCopies, type FreshPool } from './harness';
import type { LibddwafRequest } from './peers/libddwaf';


const WORDS = (
  'soft cotton jersey with a relaxed fit and ribbed collar machine washable at 30 degrees ' +
  'made from organic fibres at a family-run mill it keeps its shape after many washes ' +
  "the fabric is breathable light and warm enough for cool evenings it's our best seller " +
  'available across twelve colours including navy forest green and sand sizes run true to size ' +
  'order one size up for a looser look free returns within 30 days 100% satisfaction'
).split(' ');

// No "in": random word order would make "… and soft in soft …", which the SQL detector currently
// reads as an `AND x IN x` tautology (a false positive reported to the project).
function prose(r: () => number, chars: number): string {
  let s = '';
  while (s.length < chars) {
    const w = WORDS[Math.floor(r() * WORDS.length)]!;
    s += s.length === 0 ? w[0]!.toUpperCase() + w.slice(1) : r() < 0.08 ? `, ${w}` : r() < 0.05 ? `. ${w[0]!.toUpperCase()}${w.slice(1)}` : ` ${w}`;
  }
  return `${s}.`;
}

/**
 * A JSON order of exactly `bytes` bytes as a shop's API receives it: customer, shipping address, a
 * note, and line items of short fields (SKU, name, quantity, price). The typical request body, and
 * the queue messages.
 */
export function orderBody(bytes: number): string {
  const doc = {
    customer: { name: "Jane O'Neil", email: 'jane.oneil@example.com', phone: '+1 (555) 010-0000' },
    shipping: { line1: '221B Baker Street', city: 'London', postcode: 'NW1 6XE', country: 'GB' },
    note: 'Leave it at the door, please.',
    items: [] as Array<Record<string, unknown>>,
  };
  for (let i = 0; ; i++) {
    const item = { sku: `SKU-${1000 + i}`, name: `Cotton T-shirt, size ${['S', 'M', 'L', 'XL'][i % 4]}`, qty: 1 + (i % 3), price: 19.99 + (i % 5) };
    if (JSON.stringify(doc).length + JSON.stringify(item).length + 1 > bytes) break;
    doc.items.push(item);
  }
  const pad = bytes - JSON.stringify(doc).length;
  if (pad > 0) doc.note += ' '.repeat(pad);
  return JSON.stringify(doc);
}

/**
 * A JSON product catalogue of about `bytes` bytes: items whose descriptions are prose (about 560
 * characters). The density (about 12 strings and keys per KB) is the same at every size, so cost per
 * KB compares like with like, and a 1 MB body stays under the default `maxStrings` (20 000); a 1 MB
 * document of short fields only would be a `limits.strings` finding and blocked.
 */
export function catalogueBody(bytes: number, seed = 7): string {
  const r = rng(seed);
  const doc = {
    supplier: { name: "O'Neil Textiles", email: 'orders@oneil-textiles.example', phone: '+1 (555) 010-0000' },
    note: 'Spring collection, prices in USD.',
    items: [] as Array<Record<string, unknown>>,
  };
  let size = JSON.stringify(doc).length;
  let i = 0;
  while (size < bytes) {
    const item = {
      sku: `SKU-${1000 + i}`,
      name: `Cotton T-shirt, size ${['S', 'M', 'L', 'XL'][i % 4]}`,
      qty: 1 + (i % 5),
      price: 19.99 + (i % 7),
      description: prose(r, Math.min(560, Math.max(40, bytes - size - 120))),
    };
    const add = JSON.stringify(item).length + 1;
    if (size + add > bytes && doc.items.length > 0) break;
    doc.items.push(item);
    size += add;
    i++;
  }
  const text = JSON.stringify(doc);
  // Pad the note to land on the exact size (the note is a plain string, so this stays valid JSON).
  if (text.length < bytes) doc.note = doc.note + ' '.repeat(bytes - text.length);
  return JSON.stringify(doc);
}

/** Strings and keys in a JSON document (what an inspector walks). */
export function countStrings(json: string): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') n++;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [, x] of Object.entries(v)) {
        n++;
        walk(x);
      }
    }
  };
  walk(JSON.parse(json));
  return n;
}

export const JWT = 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwic2NvcGUiOiJvcmRlcnMifQ.c2lnbmF0dXJlLW5vdC1yZWFs';
export const QUERY = { page: '2', sort: 'price', q: 'summer sale' };

/** The provider-neutral request each size stands for. */
export interface BenchRequest {
  label: string;
  method: string;
  path: string;
  /** Route template for API Gateway. */
  route: string;
  query: Record<string, string>;
  /** Exactly as the client sent them (lower-case names). */
  headers: Record<string, string>;
  body: string | undefined;
  /** The same request as an API Gateway HTTP API (payload 2.0) event. */
  lambda: APIGatewayProxyEventV2;
}

function defined(h: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v;
  return out;
}

/** Small: a GET with the headers every client and the gateway add, no query, no body. */
export function smallRequest(): BenchRequest {
  const e = ev.apiGatewayV2({ routeKey: 'GET /orders/{id}', path: '/orders/42', route: '/orders/{id}' });
  return { label: 'small', method: 'GET', path: '/orders/42', route: '/orders/{id}', query: {}, headers: defined(e.headers), body: undefined, lambda: e };
}

/** A POST /orders with 10 headers, 3 query parameters and a JSON body of `bytes` bytes. */
export function postRequest(bytes: number, label: string, kind: 'order' | 'catalogue' = 'order'): BenchRequest {
  const body = bytes === 0 ? undefined : kind === 'order' ? orderBody(bytes) : catalogueBody(bytes);
  const e = ev.apiGatewayV2({
    routeKey: 'POST /orders',
    path: '/orders',
    method: 'POST',
    query: QUERY,
    headers: { 'X-Forwarded-Port': undefined, Authorization: JWT, ...(body === undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body ?? null,
  });
  return { label, method: 'POST', path: '/orders', route: '/orders', query: { ...QUERY }, headers: defined(e.headers), body, lambda: e };
}

/** The URL an Azure HttpRequest (or an Express request) carries for this request. */
export function urlOf(req: BenchRequest, base: string): string {
  const qs = new URLSearchParams(req.query).toString();
  return `${base}${req.path}${qs ? `?${qs}` : ''}`;
}

/** An SQS batch of `n` records, each a JSON order of `bytes` bytes. */
export function sqsBatch(n: number, bytes: number): SQSEvent {
  return ev.sqs(Array.from({ length: n }, (_, i) => ({ body: orderBody(bytes).replace('SKU-1000', `SKU-${2000 + i}`), messageId: `msg-${i}` })));
}

/**
 * The same request data as libddwaf's addresses (what dd-trace hands it per request), fresh per call as
 * protect()'s is: `pool` holds JSON.parse'd copies of the query, headers and body text (bench/harness.ts,
 * freshCopies), and `next()` takes the next one and parses its body, as dd-trace does per request, so
 * both sides parse the JSON body once inside the timed call.
 */
export function toLibddwaf(req: BenchRequest, ip = ev.DEFAULT_SOURCE_IP): { next: () => LibddwafRequest; pool: FreshPool<unknown> } {
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'cookie'));
  const qs = new URLSearchParams(req.query).toString();
  const pool = freshCopies({ query: req.query, headers, body: req.body, uri: `${req.path}${qs ? `?${qs}` : ''}`, method: req.method, ip });
  return {
    next: () => {
      const c = pool.next();
      return { query: c.query, headers: c.headers, cookies: {}, body: c.body === undefined ? undefined : (JSON.parse(c.body) as unknown), uri: c.uri, method: c.method, ip: c.ip };
    },
    pool,
  };
}
