/**
 * Azure Functions (v4 programming model) invocations to the engine's request model. The trigger type
 * comes from `context.options.trigger.type`; an HTTP request's body is read so that the handler still
 * gets it unread (body.ts). Non-HTTP payloads are inspected per message, with the trigger metadata
 * fields a sender controls (blob names and metadata, message properties).
 */
import type { InvocationContext } from '@azure/functions';
import { base64Bytes, eachFormPair, forwardedEntries, nullRecord, parseCookieHeader, pathSegments } from '../../src/decode';
import { appendSegment } from '../../src/paths';
import { isAzureHttpRequest, readBody, type BodyNext, type BodyRead } from './body';
import { declaresOtherCharset, payloadText, utf16Text } from '../../src/body';
import { cloudEventAttributes, strayData } from '../shared/cloudevent';
import type { InputSource, InspectionRequest } from '../../src/types';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The subset of `HttpRequest` the adapter reads; real requests and stream-mode requests both fit. */
export interface HttpRequestLike {
  method: string;
  url: string;
  headers: { get(name: string): string | null; forEach(cb: (value: string, name: string) => void): void };
  query?: { forEach(cb: (value: string, key: string) => void): void };
  params?: Record<string, string>;
  body?: unknown;
  clone(): { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> };
}

/** What the adapter does with an invocation. */
export type Kind = 'http' | 'skip' | 'trigger';

/** Azure binding types to the short trigger names used in security events (Lambda style). */
const TRIGGER_NAMES: Record<string, string> = {
  httptrigger: 'http',
  queuetrigger: 'storage-queue',
  servicebustrigger: 'service-bus',
  eventhubtrigger: 'event-hub',
  blobtrigger: 'storage-blob',
  cosmosdbtrigger: 'cosmos-db',
  eventgridtrigger: 'event-grid',
  kafkatrigger: 'kafka',
  sqltrigger: 'sql',
  mysqltrigger: 'mysql',
  rabbitmqtrigger: 'rabbitmq',
};

/**
 * Triggers whose input no outsider writes: timers and warmup carry platform data, and Durable
 * orchestrations, entities and activities only see what an already-inspected starter passed in
 * (wrapping an orchestrator would also break its replay semantics).
 */
const PASSTHROUGH = new Set(['timertrigger', 'warmuptrigger', 'orchestrationtrigger', 'entitytrigger', 'activitytrigger']);

export function triggerType(context: InvocationContext | undefined): string {
  const t = (context as { options?: { trigger?: { type?: unknown } } } | undefined)?.options?.trigger?.type;
  return typeof t === 'string' ? t : 'unknown';
}

/**
 * `type.toLowerCase()`, remembered for the last type: a function's trigger type is the same string on
 * every invocation, and each lower-casing of `httpTrigger` was a new string.
 */
let lastType = '';
let lastLower = '';
function lowerType(type: string): string {
  if (type !== lastType) {
    lastLower = type.toLowerCase();
    lastType = type;
  }
  return lastLower;
}

export function triggerName(type: string): string {
  return TRIGGER_NAMES[lowerType(type)] ?? type;
}

export function isPassthrough(type: string): boolean {
  return PASSTHROUGH.has(lowerType(type));
}

export function looksLikeHttpRequest(v: unknown): v is HttpRequestLike {
  if (v === null || typeof v !== 'object') return false;
  if (isAzureHttpRequest(v)) return true;
  const r = v as Partial<HttpRequestLike>;
  return (
    typeof r.method === 'string' &&
    typeof r.url === 'string' &&
    r.headers !== null &&
    typeof r.headers === 'object' &&
    typeof r.headers.get === 'function' &&
    typeof r.headers.forEach === 'function' &&
    typeof r.clone === 'function'
  );
}

/** HTTP by the registered trigger type; duck typing when the context does not say (tests, hand calls). */
export function classify(input: unknown, context: InvocationContext | undefined): Kind {
  const type = lowerType(triggerType(context));
  if (type === 'httptrigger') return looksLikeHttpRequest(input) ? 'http' : 'trigger';
  if (PASSTHROUGH.has(type)) return 'skip';
  if (type !== 'unknown' && type !== '') return 'trigger';
  return looksLikeHttpRequest(input) ? 'http' : 'trigger';
}

/**
 * Headers the Azure front end sets or overwrites on the way in: not caller input, or (the original
 * URL headers) a copy of the path and query that are inspected on their own.
 */
const PLATFORM_HEADERS = new Set([
  'content-length',
  'client-ip',
  'x-arr-log-id',
  'x-arr-ssl',
  'x-site-deployment-id',
  'was-default-hostname',
  'x-original-url',
  'x-waws-unencoded-url',
  'disguised-host',
  'x-forwarded-proto',
  'x-forwarded-tlsversion',
  'x-appservice-proto',
  'max-forwards',
  'traceparent',
  'tracestate',
]);

/** `203.0.113.7:52110` → `203.0.113.7`, `[2001:db8::1]:443` → `2001:db8::1`; bare IPv6 is kept. */
export function stripPort(entry: string): string | undefined {
  const v = entry.trim();
  if (v.length === 0) return undefined;
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    return close > 1 ? v.slice(1, close) : undefined;
  }
  const colon = v.indexOf(':');
  // One colon: IPv4 (or a name) with a port. More than one: a bare IPv6 address.
  if (colon !== -1 && colon === v.lastIndexOf(':')) return v.slice(0, colon) || undefined;
  return v;
}

/**
 * The caller's address. App Service's front end overwrites `client-ip` (so a caller cannot forge it)
 * and appends the address it saw to `x-forwarded-for`; the leftmost entries are whatever the caller
 * sent. So: `client-ip`, else the rightmost `x-forwarded-for` entry, ports stripped.
 */
export function clientIp(get: (name: string) => string | null | undefined): string | undefined {
  const direct = get('client-ip');
  if (direct) {
    const ip = stripPort(direct);
    if (ip) return ip;
  }
  const xff = get('x-forwarded-for');
  if (!xff) return undefined;
  // The text after the last comma (all of it without one), without an array of every entry.
  return stripPort(xff.slice(xff.lastIndexOf(',') + 1));
}

/**
 * `orders/{id:int}` → `orders/{id}`, `files/{*path}` → `files/{path+}` (the engine's greedy form),
 * `items/{id?}` → `items/{id}`: the route key users write in `schemas`.
 */
export function routeTemplate(route: string): string {
  let out = '';
  let i = 0;
  while (i < route.length) {
    const open = route.indexOf('{', i);
    if (open === -1) {
      out += route.slice(i);
      break;
    }
    const close = route.indexOf('}', open);
    if (close === -1) {
      out += route.slice(i);
      break;
    }
    out += route.slice(i, open);
    let name = route.slice(open + 1, close);
    let greedy = false;
    if (name.startsWith('*')) {
      greedy = true;
      name = name.slice(1);
    }
    const colon = name.indexOf(':');
    if (colon !== -1) name = name.slice(0, colon);
    const eq = name.indexOf('=');
    if (eq !== -1) name = name.slice(0, eq);
    if (name.endsWith('?')) name = name.slice(0, -1);
    out += greedy ? `{${name}+}` : `{${name}}`;
    i = close + 1;
  }
  return out.replace(/^\/+/, '');
}

function addValue(into: Record<string, string | string[]>, key: string, value: string): void {
  const prev = into[key];
  if (prev === undefined) into[key] = value;
  else if (Array.isArray(prev)) {
    if (!prev.includes(value)) prev.push(value);
  } else if (prev !== value) into[key] = [prev, value];
}

/**
 * The path and query of a URL string `new URL()` serialized (an undici Request's `url`: an http(s)
 * href), read without parsing it again: its host holds no `/`, `?` or `#` (the serializer
 * percent-encodes them), so the path starts at the first `/` after `://` and runs to `?` or `#`.
 * Undefined for anything else (a stand-in's own URL string), which `new URL()` reads. A second
 * parse of the same href gives the same parts, at ~1 µs and a URL object per request.
 */
function serializedUrlParts(href: string): { path: string; search: string } | undefined {
  const from = href.startsWith('https://') ? 8 : href.startsWith('http://') ? 7 : -1;
  if (from === -1) return undefined;
  const slash = href.indexOf('/', from);
  if (slash === -1) return undefined;
  const hash = href.indexOf('#', slash);
  const end = hash === -1 ? href.length : hash;
  const q = href.indexOf('?', slash);
  if (q === -1 || q > end) return { path: href.slice(slash, end), search: '' };
  return { path: href.slice(slash, q), search: href.slice(q, end) };
}

/**
 * `routeTemplate` of the last few registered routes: a function app has a handful, and the template
 * was rebuilt (string concatenation, a RegExp replace) on every invocation.
 */
const templates = new Map<string, string>();

function cachedTemplate(route: string): string {
  let t = templates.get(route);
  if (t === undefined) {
    t = routeTemplate(route);
    if (templates.size >= 64) templates.clear();
    templates.set(route, t);
  }
  return t;
}

/**
 * True for the platform's own `Headers` (an HttpRequest's, from undici): exactly that class, its
 * iteration not replaced. Its `forEach` hands names over lower-case (fetch's "sort and combine"
 * lower-cases them), so they are not lower-cased again: `toLowerCase()` of a lower-case name still
 * scans it, ~200 instructions per header (~2,200 per typical request, under callgrind). A stand-in
 * (a Map-backed object, a subclass, a patched `forEach`) keeps the lower-casing.
 */
function fetchHeaders(h: HttpRequestLike['headers']): boolean {
  if (typeof Headers !== 'function') return false;
  const proto = Headers.prototype;
  try {
    return Object.getPrototypeOf(h) === proto && h.forEach === proto.forEach && !Object.prototype.hasOwnProperty.call(h, 'forEach');
  } catch {
    // A Proxy stand-in whose traps throw: read as before, lower-casing each name.
    return false;
  }
}

/** Reads an HTTP invocation. The body stays readable for the handler (body.ts). */
export async function normalizeHttp(req: HttpRequestLike, context: InvocationContext | undefined): Promise<InspectionRequest> {
  const p = prepareHttp(req, context);
  const body = p.body instanceof Promise ? ((await p.body) as BodyRead) : p.body;
  return withBody(p, body);
}

/**
 * An HTTP invocation read up to its body: `request` has every source but the body's, which
 * `withBody` fills in once `body` (the value, or the read's promise: see readBody) is there. The
 * adapter's invocation path waits on that one promise itself: an async normalizeHttp in between was
 * one promise and one await more per invocation, each a call of the sink checks' AsyncLocalStorage
 * hook and an allocation (with readBodyKeepReadable's and the wrapper's: 34.2 KB allocated per
 * typical POST before, 32.2 KB after; see runHttp in index.ts for why allocation matters here).
 */
export interface PendingHttp {
  request: InspectionRequest;
  /**
   * The body, or the read's promise: of the body itself, or, when prepareHttp was given `next`, of
   * what `next` made of it (readBody).
   */
  body: BodyRead | Promise<unknown>;
  /** The body source, last of `request.sources`, its value undefined until withBody. */
  bodySource: InputSource;
}

/** The request of `p` with its body: the engine reads `body` as the body source's value. */
export function withBody(p: PendingHttp, body: BodyRead): InspectionRequest {
  p.bodySource.value = body;
  return p.request;
}

/**
 * The synchronous part of normalizeHttp; throws what reading the request throws. With `next`, a
 * body read that waits continues into `next` (readBody): `body` is then the promise of its outcome.
 */
export function prepareHttp(req: HttpRequestLike, context: InvocationContext | undefined, next?: BodyNext): PendingHttp {
  const headers = nullRecord<string | string[]>();
  const cookies = nullRecord<string>();
  let contentType: string | undefined;
  let contentEncoding: string | undefined;
  // The client address's two headers are taken in the same pass (they are platform headers, so not
  // kept for inspection): `headers.get()` twice more was a name validation, a lower-casing and a
  // lookup each in undici. Headers#forEach gives each name once, lower-case, its values joined as
  // `get()` joins them; a stand-in that lists a name twice is joined the same way.
  let clientIpHeader: string | undefined;
  let forwardedFor: string | undefined;
  const h = req.headers;
  const lowerNames = fetchHeaders(h);
  h.forEach((value, rawName) => {
    const name = lowerNames ? rawName : rawName.toLowerCase();
    if (name === 'cookie') {
      parseCookieHeader(value, cookies);
      return;
    }
    if (name === 'content-type') contentType = value;
    else if (name === 'content-encoding') contentEncoding = value;
    else if (name === 'client-ip') clientIpHeader = clientIpHeader === undefined ? value : `${clientIpHeader}, ${value}`;
    else if (name === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
    if (PLATFORM_HEADERS.has(name)) return;
    addValue(headers, name, value);
  });

  // `request.query` may come from the host's query map (repeated keys folded, and ignored in stream
  // mode); the URL's own query string is the truth. Inspect both, deduplicated.
  const query = nullRecord<string | string[]>();
  req.query?.forEach((value, key) => addValue(query, key, value));
  let path: string | undefined;
  let search = '';
  const parts = isAzureHttpRequest(req) ? serializedUrlParts(req.url) : undefined;
  if (parts !== undefined) {
    path = parts.path;
    search = parts.search;
  } else {
    try {
      const url = new URL(req.url);
      path = url.pathname;
      search = url.search;
    } catch {
      path = undefined;
    }
  }
  // The pairs straight into `query` (no parseForm object and its entries per request).
  if (search.length > 1) eachFormPair(search.slice(1), (k, v) => addValue(query, k, v));

  const method = str(req.method)?.toUpperCase();
  const trigger = (context as { options?: { trigger?: { route?: unknown } } } | undefined)?.options?.trigger;
  const registered = str(trigger?.route) ?? (context?.functionName && context.functionName !== 'unknown' ? context.functionName : undefined);

  // A compressed body reaches the handler as sent (`request.json()` does not inflate it); the engine
  // inflates a copy, as the handler's own code or framework must before it can read it.
  const encoded = contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity' && contentEncoding.trim() !== '';

  const sources: InputSource[] = [
    { kind: 'query', path: 'query', value: query },
    { kind: 'header', path: 'headers', value: headers },
    { kind: 'cookie', path: 'cookies', value: cookies },
  ];
  const xff = headers['x-forwarded-for'];
  const hops = typeof xff === 'string' ? forwardedEntries(xff) : undefined;
  if (hops !== undefined) sources.push({ kind: 'header', path: 'headers', value: { 'x-forwarded-for': hops } });
  if (isObj(req.params)) sources.push({ kind: 'path', path: 'params', value: { ...req.params } });
  if (path !== undefined) {
    sources.push({ kind: 'path', path: 'path', value: path });
    // Each decoded segment on its own too, as a function that routes itself reads it.
    const segments = pathSegments(path);
    if (segments.length > 0) sources.push({ kind: 'path', path: 'pathSegments', value: segments });
  }
  const bodySource: InputSource = { kind: 'body', path: 'body', value: undefined, decoding: 'body', contentType, contentEncoding: encoded ? contentEncoding : undefined, validate: true };
  sources.push(bodySource);

  const request: InspectionRequest = {
    provider: 'azure',
    trigger: 'http',
    method,
    route: method && registered !== undefined ? `${method} /${cachedTemplate(registered)}` : undefined,
    path,
    ip: clientIp((name) => (name === 'client-ip' ? clientIpHeader : name === 'x-forwarded-for' ? forwardedFor : undefined)),
    sources,
  };
  // Bytes also for a declared charset (UTF-16, Latin-1…): read as UTF-8 text first, the bytes a
  // charset-honouring reader decodes would be lost to replacement characters. Read last: nothing
  // after it may throw, or its promise (a stream that fails) would reject with no one to handle it.
  const asBytes = encoded || declaresOtherCharset(contentType);
  const body = next === undefined ? readBody(req, asBytes) : readBody(req, asBytes, next);
  return { request, body, bodySource };
}

/** One inspection unit of a non-HTTP invocation: a message of a batch, or the whole event. */
export interface Unit {
  /** Suffix for the request id in security events (`#3` for the fourth message), or ''. */
  suffix: string;
  request: InspectionRequest;
}

/**
 * Sender-controlled trigger metadata per trigger, by the camelCased names @azure/functions gives them.
 * Platform fields (ids, sequence numbers, enqueue times, the blob's own URI) are left out.
 */
const SENDER_METADATA: Record<string, readonly string[]> = {
  servicebustrigger: [
    'applicationProperties',
    'userProperties',
    'subject',
    'label',
    'correlationId',
    'contentType',
    'to',
    'replyTo',
    'replyToSessionId',
    'sessionId',
    'messageId',
    'partitionKey',
    // The sender's `transactionPartitionKey` (`viaPartitionKey`): a string it chooses, as `partitionKey`.
    'transactionPartitionKey',
  ],
  // `systemProperties` holds the AMQP properties an event's sender sets (`MessageId`, `CorrelationId`,
  // `ContentType`, `To`, `Subject`, `ReplyTo`; an IoT device's ids) beside the hub's sequence numbers.
  eventhubtrigger: ['properties', 'partitionKey', 'systemProperties'],
  // The RabbitMQ trigger (`app.generic`, `type: 'rabbitMQTrigger'`): the publisher sets the message's
  // basic properties (`headers`, `correlationId`, `messageId`, `replyTo`, `type`, `appId`, …) and its
  // routing key; they were not read at all. Header values the client holds as bytes reach the worker
  // as base64 text: also read decoded (rabbitHeaderSources).
  rabbitmqtrigger: ['basicProperties', 'routingKey'],
};

/**
 * A RabbitMQ message's header values in base64 (the .NET client holds a text header as bytes, which
 * the host serializes as base64): each strict-base64 value read decoded too, as Lambda's `aws:rmq`
 * headers are read as their text. Values that are not base64 are read as they are by the walk of
 * `basicProperties`. At most 64 headers.
 */
function rabbitHeaderSources(props: unknown, base: string): InputSource[] {
  if (!isObj(props) || !isObj(props.headers)) return [];
  const out: InputSource[] = [];
  const headers = props.headers;
  for (const k of Object.keys(headers)) {
    if (out.length >= 64) break;
    const v = headers[k];
    if (typeof v === 'string' && v.length > 0 && base64Bytes(v) !== undefined) {
      out.push({ kind: 'metadata', path: appendSegment(appendSegment(`${base}.headers`, k), '#base64'), value: v, decoding: 'auto', base64: true });
    }
  }
  return out;
}

/**
 * Blob trigger metadata: the blob path (`blobTrigger`), user metadata, and every binding expression
 * taken from the path pattern (`{name}`), whose names the user chooses. Not the URI or properties.
 */
const BLOB_PLATFORM_METADATA = new Set(['uri', 'properties', 'sys', 'invocationId']);

/**
 * The blob properties the uploader sets (`Content-Disposition` carries a file name a handler may save
 * under); the rest of `properties` (length, ETag, lease state, tier…) is the storage service's.
 */
const BLOB_UPLOADER_PROPERTIES = ['contentType', 'contentDisposition', 'contentEncoding', 'contentLanguage', 'cacheControl'];

/** Cosmos DB system properties: set by the database, not by whoever wrote the document. */
const COSMOS_SYSTEM = new Set(['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn']);

/**
 * Non-text blob content (images, archives) is not inspected: it is not something an interpreter runs.
 * Text is judged on the first 8 KB: strict UTF-8 without a NUL byte is text, as before; anything
 * else is judged as the engine judges a message trigger's bytes (payloadText), where a few odd bytes
 * in a long text are the text's own. The strict test alone left a whole blob uninspected for one
 * Latin-1 letter (a `José` in a spreadsheet's CSV export, invalid UTF-8) or a single NUL or 0xFF
 * byte the uploader put in front, while the handler's `blob.toString()` still reads the text around
 * it. Cost: unchanged for UTF-8 text (the NUL scan and the fatal decode); for other bytes a second,
 * replacing decode of the sample and one pass over it, plus a JSON.parse of that sample when it
 * starts like JSON.
 */
function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  const sample = b.subarray(0, n === b.length ? n : trimUtf8(b, n));
  if (sample.indexOf(0) === -1) {
    try {
      strictUtf8.decode(sample);
      return true;
    } catch {
      // Not UTF-8 throughout: judged below.
    }
  }
  const read = payloadText(utf8.decode(sample));
  return read !== undefined && 'text' in read;
}

/** gzip's magic and method (1f 8b 08), past which the engine's own sniff (body.ts gzipPayload) also needs a header's length. */
function isGzip(b: Uint8Array): boolean {
  return b.length > 18 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextDecoder();

/** Backs `n` off a cut UTF-8 sequence so a sample never ends in half a character. */
function trimUtf8(b: Uint8Array, n: number): number {
  let i = n;
  while (i > 0 && i > n - 4 && (b[i]! & 0xc0) === 0x80) i--;
  return i;
}

/**
 * The document without its system properties. A document that throws when read (a getter or a Proxy:
 * a batch built in code) is given back as it is: the engine's walk then fails on that message alone,
 * logged, and the batch's other documents are still inspected, as a Service Bus or Event Hubs batch's
 * are. Thrown here, it failed the whole batch's normalization, and an attack in another document
 * reached the handler uninspected.
 */
function stripCosmosSystem(doc: unknown): unknown {
  if (!isObj(doc)) return doc;
  const out: Obj = Object.create(null) as Obj;
  try {
    for (const [k, v] of Object.entries(doc)) if (!COSMOS_SYSTEM.has(k)) out[k] = v;
  } catch {
    return doc;
  }
  return out;
}

function record(path: string, value: unknown): InputSource {
  return { kind: 'record', path, value, decoding: 'auto', validate: true };
}

/**
 * Kafka header values as the Kafka extension hands them over: `[{ Key, Value }]` with the value's
 * bytes in base64 (`{ key, value }` in trigger metadata, camelCased by @azure/functions). Each value
 * is a source of its own, decoded by the engine; the names are read as they are.
 */
function kafkaHeaderSources(headers: unknown, base: string): InputSource[] {
  if (!Array.isArray(headers)) return [];
  const out: InputSource[] = [];
  headers.forEach((h: unknown, j: number) => {
    if (!isObj(h)) return;
    const keyName = 'Key' in h ? 'Key' : 'key';
    const valueName = 'Value' in h ? 'Value' : 'value';
    const name = h[keyName];
    const value = h[valueName];
    if (typeof name === 'string') out.push({ kind: 'metadata', path: `${base}[${j}].${keyName}`, value: name });
    if (typeof value === 'string') out.push({ kind: 'metadata', path: `${base}[${j}].${valueName}`, value, decoding: 'auto', base64: true });
  });
  return out;
}

/**
 * Kafka trigger (`app.generic` with `type: 'kafkaTrigger'`), one event or a batch (`cardinality:
 * 'MANY'`), each record a unit. With `dataType: 'string'` a record is the extension's event document
 * (`Value`, `Key`, `Headers`, …, parsed by @azure/functions); with `binary` it is the value's bytes
 * and the key and headers are in the trigger metadata (`key`/`keyArray`, `headers`/`headersArray`).
 */
function kafkaUnits(payload: unknown, meta: Obj, req: (sources: InputSource[]) => InspectionRequest): Unit[] {
  const many = Array.isArray(payload);
  const items: unknown[] = many ? payload : [payload];
  const keys = meta.keyArray;
  const headers = meta.headersArray;
  // Array.from, not map: see the batch case in normalizeTrigger (a hole is a unit, not a TypeError).
  return Array.from(items, (item, i) => {
    const base = many ? `payload[${i}]` : 'payload';
    const sources: InputSource[] = [record(base, item)];
    if (isObj(item) && ('Value' in item || 'Headers' in item)) sources.push(...kafkaHeaderSources(item.Headers, `${base}.Headers`));
    else {
      const key = many ? (Array.isArray(keys) ? keys[i] : undefined) : meta.key;
      if (key !== undefined && key !== null) sources.push({ kind: 'metadata', path: many ? `triggerMetadata.keyArray[${i}]` : 'triggerMetadata.key', value: key, decoding: 'auto' });
      const h = many ? (Array.isArray(headers) ? headers[i] : undefined) : meta.headers;
      sources.push(...kafkaHeaderSources(h, many ? `triggerMetadata.headersArray[${i}]` : 'triggerMetadata.headers'));
    }
    return { suffix: many ? `#${i}` : '', request: req(sources) };
  });
}

/** The Event Grid event type of IoT Hub device telemetry. */
const IOT_TELEMETRY = 'Microsoft.Devices.DeviceTelemetry';

/** Inspection units for a non-HTTP trigger. */
export function normalizeTrigger(type: string, payload: unknown, context: InvocationContext | undefined): Unit[] {
  const t = type.toLowerCase();
  const trigger = triggerName(type);
  const meta: Obj = isObj(context?.triggerMetadata) ? context.triggerMetadata : {};
  const req = (sources: InputSource[]): InspectionRequest => ({ provider: 'azure', trigger, sources });

  if (t === 'blobtrigger') {
    const sources: InputSource[] = [];
    if (payload instanceof Uint8Array) {
      // UTF-16 text (a spreadsheet's "Unicode text" export) holds NULs: read decoded (utf16Text).
      // A gzip stream (`logs/2026-05-01.csv.gz`, a blob uploaded with `Content-Encoding: gzip`,
      // which the SDK's download hands over still compressed) is what its consumer inflates and then
      // reads: the engine inflates it (decodePayload's gzip sniff, bounded by maxBytes: a bomb is a
      // limits finding) and reads the result as it reads a message's bytes (text whole, binary by its
      // text runs or not at all). Its compressed bytes are noise to isText, so such a blob went
      // uninspected whatever it inflated to. Cost: three byte compares per blob.
      if (isGzip(payload) || isText(payload) || utf16Text(payload) !== undefined) sources.push(record('payload', payload));
    } else if (payload !== undefined && payload !== null) sources.push(record('payload', payload));
    for (const [k, v] of Object.entries(meta)) {
      if (BLOB_PLATFORM_METADATA.has(k)) continue;
      // The worker hands a binding value over through JSON.parse when it parses (fromRpcTypedData's
      // tryJsonParse): a blob named `["1' OR 1=1--"]` gives `name` as an array, which the handler's
      // `${name}` joins back into the text, and `{…}` an object. Only strings were read here, so such
      // a name was inspected only inside `blobTrigger`'s whole path. Any value is read now (numbers
      // and booleans hold nothing the walk reads).
      if (v !== undefined && v !== null) sources.push({ kind: 'metadata', path: appendSegment('triggerMetadata', k), value: v });
    }
    if (isObj(meta.properties)) {
      for (const k of BLOB_UPLOADER_PROPERTIES) {
        const v = meta.properties[k];
        if (typeof v === 'string') sources.push({ kind: 'metadata', path: `triggerMetadata.properties.${k}`, value: v });
      }
    }
    return [{ suffix: '', request: req(sources) }];
  }

  if (t === 'kafkatrigger') return kafkaUnits(payload, meta, req);

  if (t === 'eventgridtrigger' && isObj(payload)) {
    const sources: InputSource[] = [];
    // Event Grid schema and CloudEvents schema (`data_base64` for binary data).
    if (typeof payload.data_base64 === 'string' && payload.data === undefined) {
      sources.push({ kind: 'record', path: 'payload.data_base64', value: payload.data_base64, decoding: 'auto', base64: true, validate: true });
    } else {
      sources.push(record('payload.data', payload.data));
      const stray = strayData(payload);
      if (stray !== undefined) sources.push(stray('payload.data_base64'));
      // IoT Hub telemetry routed to Event Grid: `data.body` is base64 of what the device sent (unless
      // it declared JSON in UTF-8), and the handler decodes it. The walk reads base64 in a member only
      // from 16 characters, so a short payload (`JChpZCk=`, `$(id)`) passed. Only this event type:
      // IoT Hub's system topic, which no one but the hub publishes to, names it.
      const data = payload.data;
      if ((payload.eventType === IOT_TELEMETRY || payload.type === IOT_TELEMETRY) && isObj(data) && typeof data.body === 'string' && data.body.length > 0) {
        sources.push({ kind: 'record', path: 'payload.data.body', value: data.body, decoding: 'auto', base64: true });
      }
    }
    // Every other member, in either schema: whoever publishes to a custom topic sets them (CloudEvents:
    // `subject`, `source`, `type`, `id`, `time`, `dataschema`, extensions such as `"tenant": …`; Event
    // Grid schema: `subject`, `eventType`, `id`, `eventTime`, `dataVersion`), and the handler reads
    // them as `event.subject`, `event.tenant`. A `source` URI's scheme and plain host are not read
    // (a dev publisher's `http://localhost:…`: see publisherSource); the GCP adapter reads a
    // CloudEvent's the same way. Paths: `payload.subject`, `payload.tenant`.
    const attributes = cloudEventAttributes(payload);
    if (attributes !== undefined) sources.push({ kind: 'metadata', path: 'payload', value: attributes, repeats: true });
    return [{ suffix: '', request: req(sources) }];
  }

  const senderKeys = SENDER_METADATA[t] ?? [];
  const perItem = (i: number): InputSource[] => {
    const out: InputSource[] = [];
    for (const k of senderKeys) {
      const arr = meta[`${k}Array`];
      if (Array.isArray(arr) && arr[i] !== undefined) out.push({ kind: 'metadata', path: `triggerMetadata.${k}Array[${i}]`, value: arr[i] });
    }
    return out;
  };
  const single = (): InputSource[] => {
    const out: InputSource[] = [];
    for (const k of senderKeys) if (meta[k] !== undefined) out.push({ kind: 'metadata', path: appendSegment('triggerMetadata', k), value: meta[k] });
    if (t === 'rabbitmqtrigger') out.push(...rabbitHeaderSources(meta.basicProperties, 'triggerMetadata.basicProperties'));
    return out;
  };

  if (Array.isArray(payload)) {
    // Batches (Event Hubs and Service Bus with cardinality many, Cosmos DB change feeds): each message
    // is its own unit with its own limits, as a Lambda batch record is.
    // Array.from, not map: `map` keeps the holes of a sparse array (a batch built in code), and the
    // check loop then read `.suffix` of a missing unit: a TypeError out of protect(). A hole is a
    // message of its own, read as undefined.
    const units: Unit[] = Array.from(payload, (item, i) => ({
      suffix: `#${i}`,
      request: req([record(`payload[${i}]`, t === 'cosmosdbtrigger' ? stripCosmosSystem(item) : item), ...perItem(i)]),
    }));
    const shared = single();
    if (shared.length > 0) units.push({ suffix: '', request: req(shared) });
    return units;
  }

  const value = t === 'cosmosdbtrigger' ? stripCosmosSystem(payload) : payload;
  const kind = TRIGGER_NAMES[t] !== undefined ? 'record' : 'event';
  return [{ suffix: '', request: req([{ ...record('payload', value), kind }, ...single()]) }];
}
