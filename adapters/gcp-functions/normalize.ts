/**
 * Google Cloud Functions (functions-framework) invocations to the engine's request model: Express
 * requests for `functions.http`, CloudEvents for `functions.cloudEvent` (Pub/Sub, Cloud Storage,
 * Firestore, anything else), and the legacy `(data, context)` background events.
 */
import type { CloudEvent, Request } from '@google-cloud/functions-framework';
import { declaresOtherCharset, mediaType } from '../../src/body';
import { base64Bytes, eachFormPair, forwardedEntries, nullRecord, parseCookieHeader, pathSegments } from '../../src/decode';
import { formatPath, type Segment } from '../../src/paths';
import type { InputSource, InspectionRequest } from '../../src/types';
import { DEFAULTS } from '../../src/options';
import { cloudEventAttributes, membersExcept, strayData } from '../shared/cloudevent';
import { bytesTree, documentEventFromJson, documentEventFromProtobuf, type PlainDocument, type PlainDocumentEvent } from './firestore';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** An Express response: what the HTTP path needs to answer a blocked request. */
export interface ResponseLike {
  status(code: number): ResponseLike;
  set(field: Record<string, string>): ResponseLike;
  send(body: string): unknown;
  headersSent?: boolean;
}

export function isResponse(v: unknown): v is ResponseLike {
  return isObj(v) && typeof v.status === 'function' && typeof v.send === 'function' && typeof v.set === 'function';
}

export function isRequest(v: unknown): v is Request {
  return requestHeaders(v) !== undefined;
}

/**
 * The request's headers when `v` is a request (what isRequest tells: the same reads in the same
 * order), else undefined. For the wrapper, which reads them once per invocation and hands them to
 * normalizeHttp: on Node's IncomingMessage `headers` is an accessor on the prototype, and the
 * wrapper's route, its execution id and the normalization each read it (three calls per request).
 */
export function requestHeaders(v: unknown): Request['headers'] | undefined {
  if (!isObj(v)) return undefined;
  const h = v.headers;
  return isObj(h) && typeof v.method === 'string' ? (h as Request['headers']) : undefined;
}

/** A CloudEvent by its required attributes (`specversion`, or `type` + `source` + `id`). */
export function isCloudEvent(v: unknown): v is CloudEvent<unknown> {
  if (!isObj(v)) return false;
  return typeof v.specversion === 'string' || (typeof v.type === 'string' && typeof v.source === 'string' && typeof v.id === 'string');
}

/**
 * Headers Google's front end sets or overwrites on the way in: not the caller's input. `forwarded` and
 * `x-forwarded-for` stay (the caller writes their left part), and so do `ce-*` headers, which on an
 * HTTP function are ordinary caller headers.
 */
const PLATFORM_HEADERS = new Set([
  'content-length',
  'x-cloud-trace-context',
  'traceparent',
  'tracestate',
  'x-forwarded-proto',
  'x-appengine-country',
  'x-appengine-region',
  'x-appengine-city',
  'x-appengine-citylatlong',
  'x-appengine-user-ip',
  'x-appengine-https',
  'x-appengine-default-version-hostname',
  'x-appengine-request-log-id',
  'x-appengine-timeout-ms',
]);

/**
 * The caller's address: the rightmost `x-forwarded-for` entry, the one Google's front end appended
 * (`req.ip` is the leftmost, which the caller chooses). Without the header, the socket's peer.
 */
export function clientIp(req: Request): string | undefined {
  return clientIpOf(req, req.headers);
}

/** clientIp with the request's headers read already (see normalizeHttp). */
function clientIpOf(req: Request, headers: Request['headers']): string | undefined {
  const h = headers['x-forwarded-for'];
  const v = Array.isArray(h) ? h[h.length - 1] : h;
  if (typeof v === 'string') {
    // The text after the last comma (all of it without one): what `split(',').pop()` gave, without
    // an array of every hop the caller chose to send.
    const last = v.slice(v.lastIndexOf(',') + 1).trim();
    if (last) return last;
  }
  return str((req as { socket?: { remoteAddress?: unknown } }).socket?.remoteAddress);
}

/** Nesting searched for repeated keys: Express's query parser (qs) nests five levels by default. */
const JOINED_MAX_DEPTH = 5;

/**
 * A repeated query key is an array in `req.query` (`?q=1' or '1'='1&q=x` is `["1' or '1'='1", "x"]`),
 * and code that reads it as a string (`${req.query.q}`, `String(q)`, a template into SQL) joins it with
 * commas: an attack split over the repetitions is whole only there. Each array of two or more strings
 * is read joined too, as its own value at `query.q["#joined"]`. Cost: one Array.isArray per query value
 * when nothing repeats.
 */
function joinedQueryValues(query: unknown, base: Segment[], out: InputSource[], depth: number, budget: { keys: number }): void {
  if (!isObj(query) || depth > JOINED_MAX_DEPTH) return;
  for (const k in query) {
    if (!Object.prototype.hasOwnProperty.call(query, k)) continue;
    // Past the engine's string limit the walk of `query` itself reports limits.strings (answered
    // 413), so joined readings past it would only be more work an attacker chose the size of.
    if (--budget.keys < 0) return;
    const v = query[k];
    if (Array.isArray(v)) {
      if (v.length >= 2 && v.every((x) => typeof x === 'string')) {
        const joined = v.join(',');
        // A top-level parameter is walked under its own name, so that what the engine exempts by
        // name (OAuth's `redirect_uri` from SSRF: loopback redirects, RFC 8252) holds for the
        // joined reading too; the path is the same, `query.redirect_uri["#joined"]`.
        if (base.length === 0) out.push({ kind: 'query', path: 'query', value: { [k]: { '#joined': joined } } });
        else out.push({ kind: 'query', path: formatPath('query', [...base, k, '#joined']), value: joined });
      }
    } else if (isObj(v)) {
      joinedQueryValues(v, [...base, k], out, depth + 1, budget);
    }
  }
}

/** The media types functions-framework gives to body-parser's JSON parser (its default `type`, and CloudEvents). */
const PARSED_JSON_MEDIA = new Set(['application/json', 'application/cloudevents+json']);

/**
 * The body as the handler gets it when functions-framework's JSON parser read it: `req.body` is then
 * `JSON.parse` of exactly the UTF-8 text of `rawBody`, which the engine would only parse again (~7 µs
 * of a typical 1 KB POST, alternating A/B). Used only where that holds: a JSON media type the framework parses, no
 * Content-Encoding (the parser inflates; the engine would read the inflated bytes the same way, but
 * its byte limit must see them), no charset other than UTF-8 (the engine also reads those bytes in
 * the declared charset), and a parsed object or array. Anything else goes through the raw bytes.
 */
function parsedJsonBody(req: Request, headers: Request['headers'], raw: unknown, contentType: string | undefined): object | undefined {
  const b = req.body as unknown;
  if (b === null || typeof b !== 'object' || b instanceof Uint8Array || !(raw instanceof Uint8Array) || contentType === undefined) return undefined;
  if (!PARSED_JSON_MEDIA.has(mediaType(contentType)) || declaresOtherCharset(contentType)) return undefined;
  const coding = str(headers['content-encoding'])?.trim().toLowerCase();
  if (coding !== undefined && coding !== '' && coding !== 'identity') return undefined;
  return b;
}

/** Node's `querystring.parse` default `maxKeys`: Express 5's query parser, and qs's `parameterLimit`. */
const PARSER_MAX_PAIRS = 1000;

/**
 * Every pair of the request's own query string, when it has more than the query parser keeps: the
 * parser (Express 5's `querystring.parse`, maxKeys 1000) stops at the thousandth `&`, empty pairs
 * counted (`&&&…&q=<payload>`), and dropped what follows from every source, while a handler that
 * reads the URL (`new URL(req.url, base)`, a proxy passing `req.originalUrl` on, a log line) gets it
 * all. Undefined for any other request. Cost for those: a length compare (a thousand `&` take a
 * thousand characters), else a count of `&` up to the thousandth; past it the pairs are read once
 * (eachFormPair), a repeated name's values in an array.
 */
function pairsPastParser(req: Request): Record<string, string | string[]> | undefined {
  const url = str((req as { originalUrl?: unknown }).originalUrl) ?? str(req.url);
  if (url === undefined || url.length <= PARSER_MAX_PAIRS) return undefined;
  const q = url.indexOf('?');
  if (q === -1 || url.length - q - 1 <= PARSER_MAX_PAIRS) return undefined;
  let amps = 0;
  for (let i = url.indexOf('&', q + 1); i !== -1 && amps < PARSER_MAX_PAIRS; i = url.indexOf('&', i + 1)) amps++;
  if (amps < PARSER_MAX_PAIRS) return undefined;
  const hash = url.indexOf('#', q);
  const out = nullRecord<string | string[]>();
  eachFormPair(url.slice(q + 1, hash === -1 ? url.length : hash), (k, v) => {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  });
  return out;
}

/**
 * `req.query` for the walk: functions-framework's Express hands over a null-prototype object (no
 * prototype, or Node querystring's null-prototype one), which V8 keeps in dictionary mode, with no
 * enum cache. A for-in over one turns
 * the engine walk's for-in feedback generic for the rest of the process, after which every object
 * it walks (the parsed JSON body too) pays a filtered step and a megamorphic keyed load per member:
 * ~10,000 instructions per call on the bench's typical request (callgrind), against ~1,500 for this
 * copy. Copied into a fast null-prototype record (nullRecord: `__proto__` stays an own entry, as in
 * the original), with the same own keys in the same order and the same values (arrays and nested
 * objects shared), so the walk reads the same members at the same paths. Other shapes (qs's plain
 * objects, hand-built maps, anything with a richer prototype chain) are handed over as they are.
 */
function fastQuery(query: unknown, maxKeys: number): unknown {
  if (!isObj(query)) return query;
  const proto = Object.getPrototypeOf(query) as object | null;
  if (proto !== null && (proto === Object.prototype || Object.getPrototypeOf(proto) !== null)) return query;
  const out = nullRecord<unknown>();
  let n = 0;
  for (const k in query) {
    if (!Object.prototype.hasOwnProperty.call(query, k)) continue;
    // More keys than the engine inspects (a query parser with no pair cap): the walk reads the
    // original, stops at its string limit and reports limits.strings; copying the rest first would
    // be work the attacker sized. Express's own parsers stop at 1,000 pairs, under the default limit.
    if (++n > maxKeys) return query;
    out[k] = query[k];
  }
  return out;
}

/**
 * `headers`: `req.headers` when the caller has read it already (requestHeaders); read here otherwise.
 * `maxStrings`: the engine's `limits.maxStrings`, which bounds the query's copies made here.
 */
export function normalizeHttp(req: Request, headers_?: Request['headers'], maxStrings: number = DEFAULTS.limits.maxStrings): InspectionRequest {
  const headers = nullRecord<string | string[]>();
  const cookies = nullRecord<string>();
  // `req.headers` read once for the whole normalization: on Node's IncomingMessage it is an accessor
  // on the prototype (a call and a symbol-keyed load each time), and it was read four times.
  const given = (headers_ ?? req.headers) as Record<string, string | string[] | undefined>;
  // for-in with the own-property test: the names Object.keys gave, in the same order (own
  // enumerable string keys first, in property order; inherited ones skipped), but `given[name]` in a
  // for-in over `given` is a load by the enumeration's own index (V8's enum cache) where a name from
  // Object.keys was a keyed lookup that misses the inline cache (a name per header): ~0.1-0.2 µs of
  // the 13 headers of the bench's typical request, no array of names.
  for (const name in given) {
    if (!Object.prototype.hasOwnProperty.call(given, name)) continue;
    const value = given[name];
    if (value === undefined) continue;
    if (name === 'cookie') {
      for (const c of Array.isArray(value) ? value : [value]) parseCookieHeader(c, cookies);
      continue;
    }
    if (PLATFORM_HEADERS.has(name)) continue;
    headers[name] = value;
  }
  const contentType = str(given['content-type']);
  const method = str(req.method)?.toUpperCase();
  // `path` is Express's decoded-once path without the query string.
  const path = str((req as { path?: unknown }).path);
  // The exact bytes the body parsers saw; `req.body` is already parsed and may be a Buffer.
  const raw = (req as { rawBody?: unknown }).rawBody;
  const parsed = parsedJsonBody(req, given as Request['headers'], raw, contentType);
  const body = parsed !== undefined ? parsed : raw instanceof Uint8Array ? raw : typeof req.body === 'string' ? req.body : undefined;
  const query = (req as { query?: unknown }).query;
  const sources: InputSource[] = [{ kind: 'query', path: 'query', value: fastQuery(query, maxStrings) }];
  joinedQueryValues(query, [], sources, 0, { keys: maxStrings });
  const dropped = pairsPastParser(req);
  if (dropped !== undefined) sources.push({ kind: 'query', path: 'query', value: dropped });
  sources.push(
    { kind: 'header', path: 'headers', value: headers },
    { kind: 'cookie', path: 'cookies', value: cookies },
  );
  // The framework trusts the proxy: `req.ip` is the leftmost entry, whatever the caller wrote there.
  const xff = headers['x-forwarded-for'];
  const hops = typeof xff === 'string' ? forwardedEntries(xff) : undefined;
  if (hops !== undefined) sources.push({ kind: 'header', path: 'headers', value: { 'x-forwarded-for': hops } });
  if (path !== undefined) {
    sources.push({ kind: 'path', path: 'path', value: path });
    // A function routes on its own path (an Express router, `req.path.split('/')`): each decoded
    // segment is a value the code uses on its own, as a path parameter is on API Gateway.
    const segments = pathSegments(path);
    if (segments.length > 0) sources.push({ kind: 'path', path: 'pathSegments', value: segments });
  }
  sources.push(
    parsed !== undefined
      ? { kind: 'body', path: 'body', value: parsed, validate: true, parsed: true }
      : { kind: 'body', path: 'body', value: body, decoding: 'body', contentType, validate: true },
  );
  return { provider: 'gcp', trigger: 'http', method, path, ip: clientIpOf(req, given as Request['headers']), sources };
}

const PUBSUB_TYPE = 'google.cloud.pubsub.topic.v1.messagePublished';
const STORAGE_PREFIX = 'google.cloud.storage.object.v1.';
const FIRESTORE_PREFIX = 'google.cloud.firestore.document.v1.';

/**
 * Event types read as any CloudEvent (`data` walked whole, `subject`), named in security events.
 * Cloud Audit Logs: `protoPayload.resourceName`, `.request` and the caller's identity are whatever the
 * audited caller sent. Realtime Database: `data.delta` is what a client wrote. Remote Config: the
 * template's description and the updating user.
 */
const NAMED_TYPES: ReadonlyArray<[prefix: string, name: string]> = [
  ['google.cloud.audit.log.v1.', 'audit-log'],
  ['google.firebase.database.ref.v1.', 'database'],
  ['google.firebase.remoteconfig.remoteConfig.v1.', 'remote-config'],
];

/** The short trigger name used in security events. */
export function cloudEventTrigger(type: string | undefined): string {
  if (type === PUBSUB_TYPE) return 'pubsub';
  if (type?.startsWith(STORAGE_PREFIX)) return 'storage';
  if (type?.startsWith(FIRESTORE_PREFIX)) return 'firestore';
  if (type !== undefined) for (const [prefix, name] of NAMED_TYPES) if (type.startsWith(prefix)) return name;
  return 'cloudevent';
}

/** `projects/p/databases/(default)/documents/users/alice` → `users/alice`: the part a writer chooses. */
function documentPath(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const at = name.indexOf('/documents/');
  return at === -1 ? name : name.slice(at + '/documents/'.length);
}

function documentSources(ev: PlainDocumentEvent): InputSource[] {
  const out: InputSource[] = [];
  const add = (d: PlainDocument | undefined, key: 'value' | 'oldValue', validate: boolean): void => {
    if (!d) return;
    out.push({ kind: 'record', path: `data.${key}.fields`, value: d.fields, validate });
    out.push({ kind: 'metadata', path: `data.${key}.name`, value: documentPath(d.name) });
    // The short `bytes` values as bytes, as their consumer reads them (firestore.ts BytesField).
    const bytes = bytesTree(d.bytes);
    if (bytes !== undefined) out.push({ kind: 'record', path: `data.${key}.fields`, value: bytes });
  };
  add(ev.value, 'value', true);
  add(ev.oldValue, 'oldValue', false);
  return out;
}

/** The CloudEvent's data: `data`, or `data_base64` in structured mode with binary data. */
function eventData(ce: Obj): { value: unknown; base64: boolean } {
  if (ce.data === undefined && typeof ce.data_base64 === 'string') return { value: ce.data_base64, base64: true };
  return { value: ce.data, base64: false };
}

export function normalizeCloudEvent(ce: Obj): InspectionRequest {
  const type = str(ce.type);
  const trigger = cloudEventTrigger(type);
  const { value: data, base64 } = eventData(ce);
  const d = isObj(data) ? data : undefined;
  const sources: InputSource[] = [];

  if (trigger === 'pubsub' && d && isObj(d.message)) {
    const m = d.message;
    // The message data is base64; what the publisher sent is inside it.
    sources.push({ kind: 'record', path: 'data.message.data', value: m.data, decoding: 'auto', base64: typeof m.data === 'string', validate: true });
    // Every other member of the message (`attributes`, `orderingKey`, `messageId`, `publishTime`, the
    // snake_case twins) and of the data (`subscription`): Pub/Sub sets some, but whoever may invoke
    // the function sends the whole envelope, and the handler reads them all the same. Attributes and
    // the ordering key keep their paths (`data.message.attributes.origin`).
    const rest = membersExcept(m, 'data');
    if (rest !== undefined) sources.push({ kind: 'metadata', path: 'data.message', value: rest, repeats: true });
    const outer = membersExcept(d, 'message');
    if (outer !== undefined) sources.push({ kind: 'metadata', path: 'data', value: outer, repeats: true });
  } else if (trigger === 'storage' && d) {
    // Object names are chosen by whoever uploads; so are custom metadata and the content type.
    sources.push({ kind: 'record', path: 'data.name', value: d.name });
    sources.push({ kind: 'metadata', path: 'data.metadata', value: d.metadata });
    // Every other member too (`bucket`, `id`, `selfLink`, `mediaLink`, …, the uploader's
    // `contentDisposition`), as for Pub/Sub: Google sets most of them, but whoever may invoke the
    // function sends the whole object resource, and a handler reads `data.bucket` into a path or
    // fetches `data.mediaLink`. Only the uploader's fields were read, by name. Numbers, booleans and
    // timestamps are left out (membersExcept); a real event's other strings trip no detector at
    // paranoia 1-3. Cost: a copy of ~15 members and ~10 short strings more per storage event.
    const rest = membersExcept(d, 'name', 'metadata');
    if (rest !== undefined) sources.push({ kind: 'metadata', path: 'data', value: rest, repeats: true });
  } else if (trigger === 'firestore') {
    let doc: PlainDocumentEvent | undefined;
    if (data instanceof Uint8Array) doc = documentEventFromProtobuf(data);
    else if (base64 && typeof data === 'string') doc = documentEventFromProtobuf(Buffer.from(data, 'base64'));
    else doc = documentEventFromJson(data);
    if (doc) {
      sources.push(...documentSources(doc));
      // JSON documents: what the plain reading leaves out (`updateMask.fieldPaths`, which a handler
      // reads to see what changed, a document's members besides `name` and `fields`), as on Pub/Sub:
      // whoever may invoke the function sends the whole envelope. Timestamps are skipped, so a real
      // event adds `updateMask` only. Protobuf documents are read by their schema (firestore.ts).
      if (d) {
        const rest = membersExcept(d, 'value', 'oldValue');
        if (rest !== undefined) sources.push({ kind: 'metadata', path: 'data', value: rest, repeats: true });
        for (const key of ['value', 'oldValue'] as const) {
          // `fields` of another type than an object (a forged event) reads as no fields: read it here.
          const doc = d[key];
          const m = isObj(doc) ? membersExcept(doc, 'name', isObj(doc.fields) ? 'fields' : undefined) : undefined;
          if (m !== undefined) sources.push({ kind: 'metadata', path: `data.${key}`, value: m, repeats: true });
        }
      }
    }
    // Not a document after all: inspect what arrived rather than nothing.
    else sources.push({ kind: 'record', path: 'data', value: data, decoding: 'auto', base64, validate: true });
  } else {
    sources.push({ kind: 'record', path: base64 ? 'data_base64' : 'data', value: data, decoding: 'auto', base64, validate: true });
  }
  const stray = base64 ? undefined : strayData(ce);
  if (stray !== undefined) sources.push(stray('data_base64'));
  // Every context attribute (`subject`, `source`, `type`, `id`, `time`, `dataschema`) and extension
  // (`ce-tenant: …`, or `"tenant": …` in structured mode), of every event type: whoever may invoke
  // the function sets them in any content mode, and the handler reads them as `ce.subject`,
  // `ce.tenant`. Paths are the attribute's name. Cost: about six short strings per event.
  const attributes = cloudEventAttributes(ce);
  if (attributes !== undefined) sources.push({ kind: 'metadata', path: '', value: attributes, repeats: true });
  return { provider: 'gcp', trigger, sources };
}

/**
 * A legacy background event `(data, context)`: the data is the payload, and the context
 * (`eventId`, `timestamp`, `eventType`, `resource`) is the legacy form of a CloudEvent's attributes:
 * functions-framework builds it from what the caller posted (`{ context, data }`, or `ce-*` headers).
 */
export function normalizeBackground(data: unknown, context?: unknown): InspectionRequest {
  const sources: InputSource[] = [{ kind: 'record', path: 'data', value: data, decoding: 'auto', validate: true }];
  const ctx = context !== null && typeof context === 'object' ? (context as Obj) : undefined;
  // A Pub/Sub message: its `data` is base64 of what the publisher sent, and the handler reads
  // `Buffer.from(data.data, 'base64')`. The walk reads base64 text in a member only from 16
  // characters (shorter base64 is mostly ids and hashes), so a short payload went unread decoded:
  // `MSBPUiAxPTE=` (1 OR 1=1), `JChpZCk=` ($(id)). Read here as the CloudEvent path reads
  // `message.data` (base64, gzip inflated); the engine skips it when the walk already read the same
  // string decoded. Cost: a few property reads per event.
  if (isObj(data) && typeof data.data === 'string' && isPubsubMessage(data as Obj & { data: string }, ctx)) {
    sources.push({ kind: 'record', path: 'data.data', value: data.data, decoding: 'auto', base64: true });
  }
  // A Firestore document (the legacy events hold the JSON encoding): its short `bytes` values as
  // bytes, as on the CloudEvent path (documentSources); the typed JSON itself is walked as it came.
  if (ctx !== undefined && typeof ctx.eventType === 'string' && ctx.eventType.startsWith('providers/cloud.firestore/')) {
    const doc = documentEventFromJson(data);
    for (const key of ['value', 'oldValue'] as const) {
      const bytes = doc?.[key] === undefined ? undefined : bytesTree(doc[key].bytes);
      if (bytes !== undefined) sources.push({ kind: 'record', path: `data.${key}.fields`, value: bytes });
    }
  }
  if (ctx !== undefined) sources.push({ kind: 'metadata', path: 'context', value: ctx });
  return { provider: 'gcp', trigger: 'event', sources };
}

const PUBSUB_MESSAGE_TYPE = 'type.googleapis.com/google.pubsub.v1.PubsubMessage';

/**
 * Whether a legacy event's data is a Pub/Sub message: by its context (the legacy event types, or a
 * resource typed PubsubMessage: what functions-framework builds from a Pub/Sub CloudEvent, and what
 * Cloud Functions sends) or the message's own `@type`; else by its shape, `data` in strict base64,
 * since a consumer decodes `data.data` without looking at the context (which whoever invokes the
 * function directly writes). Not `attributes` as well: the same invoker leaves it out
 * (`{"data":{"data":"JChpZCk="}}`, $(id), passed with it required) and the handler decodes
 * `data.data` all the same, as envelope.ts reads a push body without its subscription. The strict
 * test keeps other events' text `data` from being read as broken base64 (a protocol finding); it
 * decodes the string once.
 */
function isPubsubMessage(data: Obj & { data: string }, ctx: Obj | undefined): boolean {
  if (data['@type'] === PUBSUB_MESSAGE_TYPE) return true;
  if (ctx !== undefined) {
    const type = ctx.eventType;
    if (type === 'google.pubsub.topic.publish' || type === 'providers/cloud.pubsub/eventTypes/topic.publish') return true;
    const resource = ctx.resource;
    if (isObj(resource) && resource.type === PUBSUB_MESSAGE_TYPE) return true;
  }
  return data.data.length > 0 && base64Bytes(data.data) !== undefined;
}

/** Anything else handed to the function: inspected whole. */
export function normalizeUnknown(value: unknown): InspectionRequest {
  return { provider: 'gcp', trigger: 'unknown', sources: [{ kind: 'event', path: 'event', value, decoding: 'auto', validate: true }] };
}
